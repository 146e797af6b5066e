//! Discovery in words: the commented TOML config `config init --discover` writes (each hop and
//! service with its source as a comment above it) and the text `config show --discover`
//! prints. Everything read from the box reaches a comment only on one line, control
//! characters replaced, so no path or name can end a comment and add a setting.

use super::Discovery;
use crate::config::Config;
use crate::tr;

/// One line of untrusted text for a comment.
fn one_line(s: &str) -> String {
    let t: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    crate::sanitize::field(&t)
}

/// [`one_line`] for other rooms of discovery.
pub fn one_line_pub(s: &str) -> String {
    one_line(s)
}

/// The source of `what` among the notes.
fn source_of<'a>(notes: &'a [(String, String)], what: &str) -> Option<&'a str> {
    notes
        .iter()
        .find(|(w, _)| w == what)
        .map(|(_, s)| s.as_str())
}

/// The config as commented TOML (no secret is in a discovered config).
pub fn config_toml(c: &Config, notes: &[(String, String)], unread: &[(String, String)]) -> String {
    let mut out = format!(
        "# {}\n# {}\n",
        tr!("discover-config-head-1"),
        tr!("discover-config-head-2")
    );
    for (what, src) in notes
        .iter()
        .filter(|(w, _)| !w.starts_with("hop ") && !w.starts_with("service "))
    {
        out.push_str(&format!("# {}: {}\n", one_line(what), one_line(src)));
    }
    if !unread.is_empty() {
        out.push_str(&format!("#\n# {}\n", tr!("discover-not-found-heading")));
        for (what, why) in unread {
            out.push_str(&format!("#   {}: {}\n", one_line(what), one_line(why)));
        }
    }
    out.push('\n');
    let body = c.to_masked_toml();
    let lines: Vec<&str> = body.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let section = match *line {
            "[[hop]]" => Some("hop"),
            "[[service]]" => Some("service"),
            _ => None,
        };
        if let Some(kind) = section {
            let name = lines[i + 1..]
                .iter()
                .take_while(|l| !l.starts_with('['))
                .find_map(|l| l.strip_prefix("name = "))
                .and_then(|v| toml::from_str::<toml::Value>(&format!("v = {v}")).ok())
                .and_then(|t| t.get("v").and_then(|v| v.as_str().map(str::to_string)));
            if let Some(src) = name.and_then(|n| source_of(notes, &format!("{kind} {n}"))) {
                out.push_str(&format!(
                    "# {}\n",
                    tr!("discover-config-found", source = one_line(src))
                ));
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// What `config show --discover` prints.
pub fn show_text(d: &Discovery) -> String {
    let mut out = String::new();
    match &d.config {
        Some(c) => {
            out.push_str(&format!(
                "{}\n\n{}\n",
                tr!(
                    "discover-show-summary",
                    ms = d.elapsed.as_millis(),
                    hops = c.hops.len(),
                    services = c.services.len(),
                    logs = c.logs.nginx_error.len()
                        + c.logs.nginx_access.len()
                        + c.logs.docserver.len()
                ),
                tr!("discover-show-found")
            ));
            for (what, src) in &d.sources {
                out.push_str(&format!("  ✔ {:<22} {}\n", one_line(what), one_line(src)));
            }
        }
        None => out.push_str(&format!(
            "✘ {}  {}\n",
            crate::i18n::state_word(crate::verdict::State::Fail),
            tr!("discover-show-none", ms = d.elapsed.as_millis())
        )),
    }
    if !d.unread.is_empty() {
        out.push_str(&format!("\n{}\n", tr!("discover-not-found-heading")));
        for (what, why) in &d.unread {
            out.push_str(&format!("  ? {}: {}\n", one_line(what), one_line(why)));
        }
    }
    out
}
