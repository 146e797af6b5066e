//! Validation of config text: TOML syntax and schema errors with their line, "did you mean"
//! for unknown keys, and semantic checks (hop kinds need a target or URL, unique names,
//! services referenced by hops exist).

use super::{Config, HopKind};
use crate::tr;

/// One problem in a config, with its line (1-based) when known.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Line number in the file, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Problem {
    /// A problem without a line.
    pub fn plain(message: String, hint: Option<String>) -> Self {
        Problem {
            line: None,
            message,
            hint,
        }
    }

    /// `file:line: message (hint: ...)`.
    pub fn render(&self, source: &str) -> String {
        let mut s = match self.line {
            Some(l) => format!("{source}:{l}: {}", self.message),
            None => format!("{source}: {}", self.message),
        };
        if let Some(h) = &self.hint {
            s.push_str(&format!("\n  {}", tr!("config-problem-hint", hint = h)));
        }
        s
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

pub use crate::util::did_you_mean;

/// Pull the backquoted words out of a serde message such as
/// "unknown field `intervl`, expected one of `interval_ms`, `timeout_ms`".
fn backquoted(msg: &str) -> Vec<&str> {
    msg.split('`').skip(1).step_by(2).collect()
}

fn hint_for(msg: &str) -> Option<String> {
    let words = backquoted(msg);
    // i18n: not text (serde's messages matched)
    if msg.starts_with("unknown field") || msg.starts_with("unknown variant") {
        let got = words.first()?;
        let expected = &words[1..];
        return Some(match did_you_mean(got, expected.iter().copied()) {
            Some(s) => tr!("config-did-you-mean", name = s),
            None if !expected.is_empty() => tr!("config-valid-here", names = expected.join(", ")),
            None => tr!("config-hint-remove"),
        });
    }
    // i18n: not text (serde's message matched)
    if msg.contains("invalid type") {
        return Some(tr!("config-hint-type"));
    }
    // i18n: not text (serde's message matched)
    if msg.starts_with("missing field") {
        return Some(tr!("config-hint-add-field"));
    }
    None
}

fn problem_of(e: &toml::de::Error, text: &str) -> Problem {
    let msg = e.message().trim().to_string();
    Problem {
        line: e.span().map(|s| line_of(text, s.start)),
        hint: hint_for(&msg),
        message: msg,
    }
}

/// Most schema errors reported from one file.
const MAX_SCHEMA_PROBLEMS: usize = 20;

/// Validate config text; an empty list means it is usable.
///
/// Schema errors (unknown keys, wrong types) are all reported, not only the first: serde stops
/// at the first, so the offending `key = value` line is commented out (the line count kept, so
/// later lines keep their numbers) and the text parsed again, as long as what is left still
/// parses as TOML. A required key commented out that way takes its table with it (its error
/// is already reported). An error that is not on a one-line `key = value` (a missing field, a
/// bad table) ends the collection. At most [`MAX_SCHEMA_PROBLEMS`], in file order.
pub fn check_text(text: &str) -> Vec<Problem> {
    match validated(text) {
        Ok(_) => Vec::new(),
        Err(problems) => problems,
    }
}

/// The config when `text` is usable, else every problem (see [`check_text`]). The text is
/// parsed once when it is valid.
pub fn validated(text: &str) -> Result<Config, Vec<Problem>> {
    let first = match toml::from_str::<Config>(text) {
        Ok(cfg) => {
            let problems = semantic(&cfg, text);
            return if problems.is_empty() {
                Ok(cfg)
            } else {
                Err(problems)
            };
        }
        Err(e) => e,
    };
    if text.parse::<toml::Table>().is_err() {
        return Err(vec![problem_of(&first, text)]);
    }
    let problems = schema_problems(text);
    if problems.is_empty() {
        return Err(vec![problem_of(&first, text)]);
    }
    Err(problems)
}

/// Every schema error of a text that is valid TOML but not a valid config.
fn schema_problems(text: &str) -> Vec<Problem> {
    let mut problems: Vec<Problem> = Vec::new();
    // (the table's header offset, the key) of each line commented out
    let mut removed: Vec<(usize, String)> = Vec::new();
    let mut work = text.to_string();
    // Each pass comments out at least one line, so this ends; the bound is a second guard.
    for _ in 0..text.lines().count() + 1 {
        let e = match toml::from_str::<Config>(&work) {
            Ok(_) => break,
            Err(e) => e,
        };
        let p = problem_of(&e, &work);
        // A required key commented out by this loop is not a problem of the file: its table
        // (already reported) is commented out whole, and the collection goes on.
        let table = e.span().map(|s| header_of(&work, s.start));
        // i18n: not text (serde's message matched)
        let consequence = p.message.starts_with("missing field")
            && backquoted(&p.message)
                .first()
                .is_some_and(|f| removed.iter().any(|(t, k)| Some(*t) == table && k == f));
        if consequence {
            match e.span().and_then(|s| without_table(&work, s.start)) {
                Some(next) => {
                    work = next;
                    continue;
                }
                None => break,
            }
        }
        problems.push(p);
        if problems.len() >= MAX_SCHEMA_PROBLEMS {
            break;
        }
        let Some((next, key)) = e.span().and_then(|s| without_key_line(&work, s.start)) else {
            break;
        };
        removed.push((e.span().map_or(0, |s| header_of(&work, s.start)), key));
        work = next;
    }
    // In file order (serde meets the tables in its own order).
    problems.sort_by_key(|p| p.line);
    problems
}

/// Offsets of the starts of `text`'s lines.
fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    starts
}

fn is_header(text: &str, line_start: usize) -> bool {
    text[line_start..].trim_start().starts_with('[')
}

/// Offset of the `[header]` line of the table `offset` is in (0: the top level).
fn header_of(text: &str, offset: usize) -> usize {
    line_starts(text)
        .into_iter()
        .rfind(|&st| st <= offset && is_header(text, st))
        .unwrap_or(0)
}

/// `text` with the table around `offset` (its `[header]` line to the next header) commented
/// out, when what is left still parses as TOML.
fn without_table(text: &str, offset: usize) -> Option<String> {
    let starts = line_starts(text);
    let header = header_of(text, offset);
    if !is_header(text, header) {
        return None;
    }
    let is_header = |st: usize| is_header(text, st);
    let end = starts
        .iter()
        .copied()
        .find(|&st| st > header && st < text.len() && is_header(st))
        .unwrap_or(text.len());
    let block: String = text[header..end]
        .split_inclusive('\n')
        .map(|l| format!("# {l}"))
        .collect();
    let out = format!("{}{block}{}", &text[..header], &text[end..]);
    out.parse::<toml::Table>().is_ok().then_some(out)
}

/// `text` with the `key = value` line at `offset` commented out, and the key, when that line
/// holds a whole key-value pair (what is left still parses as TOML); `None` otherwise.
fn without_key_line(text: &str, offset: usize) -> Option<(String, String)> {
    let start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text[start..end].trim_start();
    if line.starts_with('[') || line.starts_with('#') {
        return None;
    }
    let (key, _) = line.split_once('=')?;
    let key = key
        .trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .to_string();
    let out = format!("{}# {}{}", &text[..start], &text[start..end], &text[end..]);
    out.parse::<toml::Table>().is_ok().then_some((out, key))
}

fn line_of_hop(text: &str, name: &str) -> Option<usize> {
    [format!("\"{name}\""), format!("'{name}'")]
        .iter()
        .find_map(|pat| text.find(pat.as_str()))
        .map(|o| line_of(text, o))
}

/// Longest service, unit, program or container name accepted.
pub const MAX_SERVICE_NAME: usize = 200;

/// Checks a service, systemd unit, supervisor program or docker container name before it is
/// given to `systemctl`, `supervisorctl` or `docker`: letters, digits and `@ . _ - : +`, not
/// starting with `-` (it would be read as an option), at most [`MAX_SERVICE_NAME`] bytes.
/// Used when a config is loaded and before any name (from the config, the command line or
/// discovery) reaches a service manager.
pub fn check_service_name(name: &str) -> Result<(), String> {
    let shown = crate::util::shorten(&name.escape_debug().to_string(), 60);
    if name.is_empty() {
        return Err(tr!("config-service-name-empty"));
    }
    if name.starts_with('-') {
        return Err(tr!("config-service-name-dash", name = shown));
    }
    if name.len() > MAX_SERVICE_NAME {
        return Err(tr!(
            "config-service-name-long",
            name = shown,
            max = MAX_SERVICE_NAME
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "@._-:+".contains(*c)))
    {
        return Err(tr!(
            "config-service-name-char",
            name = shown,
            char = c.escape_debug()
        ));
    }
    Ok(())
}

/// The hint for a name [`check_service_name`] refuses.
fn service_name_hint() -> String {
    tr!("config-service-name-hint")
}

/// The problems of one hop; `first_use`: its name was not seen on an earlier hop.
fn hop_problems(cfg: &Config, h: &super::Hop, text: &str, first_use: bool) -> Vec<Problem> {
    let mut out = Vec::new();
    let line = line_of_hop(text, &h.name);
    let mut p = |message: String, hint: &str| {
        out.push(Problem {
            line,
            message,
            hint: Some(hint.to_string()),
        })
    };
    if h.name.trim().is_empty() {
        p(
            tr!("config-hop-name-empty"),
            &tr!("config-hop-name-empty-hint"),
        );
    }
    if !first_use {
        p(
            tr!("config-hop-name-twice", name = h.name),
            &tr!("config-hop-name-twice-hint"),
        );
    }
    if h.kind.uses_url() {
        match &h.url {
            None => p(
                tr!(
                    "config-hop-needs-url",
                    name = h.name,
                    kind = h.kind.as_str()
                ),
                &tr!(
                    "config-hint-example",
                    example = "url = \"http://127.0.0.1:8000/healthcheck\""
                ),
            ),
            Some(u) => {
                if let Err(e) = crate::util::UrlParts::parse(u) {
                    p(
                        tr!("config-hop-bad-url", name = h.name, error = e),
                        &tr!("config-hop-bad-url-hint"),
                    );
                }
            }
        }
    } else {
        match &h.target {
            None => p(
                tr!(
                    "config-hop-needs-target",
                    name = h.name,
                    kind = h.kind.as_str()
                ),
                &tr!(
                    "config-hint-example",
                    example = if h.kind == HopKind::Dns {
                        "target = \"office.example.org\""
                    } else {
                        "target = \"127.0.0.1:8000\""
                    }
                ),
            ),
            Some(t) if h.kind != HopKind::Dns && crate::util::split_host_port(t).is_none() => p(
                tr!("config-hop-target-not-host-port", name = h.name, target = t),
                &tr!("config-hop-target-hint"),
            ),
            Some(_) => {}
        }
    }
    if let Some(ca) = &h.ca_file {
        let https = h.url.as_deref().is_some_and(|u| u.starts_with("https://"));
        if h.kind != HopKind::Tls && !https {
            p(
                tr!("config-hop-ca-file-not-tls", name = h.name),
                &tr!("config-hop-ca-file-not-tls-hint"),
            );
        } else if let Err(e) = crate::probe::certs::load_ca_file(ca) {
            p(
                format!("hop '{}': {e}", h.name),
                &tr!("config-hop-ca-file-hint"),
            );
        }
    }
    if h.timeout_ms == Some(0) {
        p(
            tr!("config-hop-timeout-zero", name = h.name),
            &tr!("config-hop-timeout-zero-hint"),
        );
    }
    if let Some(s) = &h.service
        && !cfg.services.iter().any(|x| &x.name == s)
    {
        let names: Vec<&str> = cfg.services.iter().map(|x| x.name.as_str()).collect();
        let hint = match did_you_mean(s, names.iter().copied()) {
            Some(m) => tr!("config-did-you-mean", name = m),
            None => tr!("config-hop-unknown-service-hint"),
        };
        p(
            tr!("config-hop-unknown-service", name = h.name, service = s),
            &hint,
        );
    }
    out
}

fn semantic(cfg: &Config, text: &str) -> Vec<Problem> {
    let mut out = super::watch::problems(&cfg.watch, &cfg.alerts);
    for s in &cfg.services {
        for (what, name) in [("name", Some(&s.name)), ("unit", s.unit.as_ref())] {
            let Some(name) = name else { continue };
            if let Err(e) = check_service_name(name) {
                out.push(Problem {
                    line: line_of_hop(text, name),
                    message: format!("[[service]] {what}: {e}"),
                    hint: Some(service_name_hint()),
                });
            }
        }
    }
    if let Some(c) = &cfg.integration.docker_container
        && let Err(e) = check_service_name(c)
    {
        out.push(Problem {
            line: line_of_hop(text, c),
            message: format!("[integration] docker_container: {e}"),
            hint: Some(service_name_hint()),
        });
    }
    for (message, hint) in super::fleet::problems(&cfg.fleet) {
        let line = text.find("[fleet").map(|o| line_of(text, o));
        out.push(Problem {
            line,
            message,
            hint: Some(hint),
        });
    }
    let mut seen = std::collections::HashSet::new();
    for h in &cfg.hops {
        out.extend(hop_problems(cfg, h, text, seen.insert(h.name.clone())));
    }
    let mut ids = std::collections::HashSet::new();
    for a in &cfg.custom_actions {
        let line = line_of_hop(text, &a.id);
        if a.argv.is_empty() || a.argv[0].trim().is_empty() {
            out.push(Problem {
                line,
                message: tr!("config-action-empty-argv", id = a.id),
                hint: Some(tr!("config-action-empty-argv-hint")),
            });
        }
        if !ids.insert(a.id.clone()) {
            out.push(Problem {
                line,
                message: tr!("config-action-id-twice", id = a.id),
                hint: Some(tr!("config-action-id-twice-hint")),
            });
        }
    }
    if let Err(errs) = super::keys::bindings(&cfg.keys) {
        let line = text.find("[keys]").map(|o| line_of(text, o));
        for e in errs {
            out.push(Problem {
                line,
                message: e,
                hint: Some(tr!("config-keys-hint")),
            });
        }
    }
    let themes = ["dark", "light", "high-contrast", "monochrome"];
    if !themes.contains(&cfg.theme.as_str()) {
        out.push(Problem {
            line: text.find("theme").map(|o| line_of(text, o)),
            message: tr!("config-unknown-theme", theme = cfg.theme),
            hint: Some(match did_you_mean(&cfg.theme, themes) {
                Some(m) => tr!("config-did-you-mean", name = m),
                None => tr!("config-themes", names = themes.join(", ")),
            }),
        });
    }
    if let Some(l) = &cfg.lang
        && crate::i18n::Lang::parse(l).is_none()
    {
        out.push(Problem {
            line: text.find("lang").map(|o| line_of(text, o)),
            message: tr!("config-unknown-lang", lang = l),
            hint: Some(tr!("config-unknown-lang-hint")),
        });
    }
    if cfg.probe.interval_ms < 100 {
        out.push(Problem::plain(
            tr!("config-probe-interval-short", ms = cfg.probe.interval_ms),
            Some(tr!("config-probe-interval-short-hint")),
        ));
    }
    if cfg.probe.timeout_ms == 0 {
        out.push(Problem::plain(
            tr!("config-probe-timeout-zero"),
            Some(tr!("config-probe-timeout-zero-hint")),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_gets_line_and_did_you_mean() {
        let p = check_text("profile = \"x\"\n[probe]\nintervl_ms = 5\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].line, Some(3));
        assert!(p[0].message.contains("intervl_ms"), "{p:?}");
        assert_eq!(p[0].hint.as_deref(), Some("did you mean `interval_ms`?"));
    }

    #[test]
    fn every_schema_error_is_reported_with_its_line() {
        let text = "profile = \"x\"\nthem = \"dark\"\n[probe]\ninterval_ms = \"fast\"\ntimeout_ms = 3000\n\n[[hop]]\nname = 7\nkind = \"tcp\"\ntarget = \"127.0.0.1:9\"\ntimeout_ms = -5\n";
        let p = check_text(text);
        let lines: Vec<_> = p.iter().map(|x| x.line).collect();
        assert_eq!(lines, [Some(2), Some(4), Some(8), Some(11)], "{p:#?}");
        assert_eq!(p[0].hint.as_deref(), Some("did you mean `theme`?"));
        assert!(p[1].message.contains("u64"), "{p:#?}");
        // `name` commented out by the collection is not reported as missing on top
        assert!(!p.iter().any(|x| x.message.contains("missing")), "{p:#?}");
    }

    #[test]
    fn a_real_missing_field_is_not_taken_for_a_consequence() {
        // hop 1's `name` is wrong (and commented out by the collection); hop 2 really lacks one
        let text = "[[hop]]\nname = 7\nkind = \"tcp\"\ntarget = \"127.0.0.1:9\"\n[[hop]]\nkind = \"tcp\"\ntarget = \"127.0.0.1:9\"\n";
        let p = check_text(text);
        assert_eq!(p.len(), 2, "{p:#?}");
        assert_eq!(p[0].line, Some(2), "{p:#?}");
        assert!(p[1].message.contains("missing field `name`"), "{p:#?}");
    }

    #[test]
    fn wrong_type_is_explained() {
        let p = check_text("[probe]\ninterval_ms = \"fast\"\n");
        assert_eq!(p[0].line, Some(2));
        assert!(p[0].hint.as_deref().unwrap_or("").contains("type"), "{p:?}");
    }

    #[test]
    fn garbage_is_a_syntax_error_not_a_panic() {
        for g in [
            "\u{0}\u{1}[[[",
            "[hop\nname=",
            "= = =",
            "[[hop]]\nname = \"a\"\n",
        ] {
            let p = check_text(g);
            assert!(!p.is_empty(), "{g:?} accepted");
        }
    }

    #[test]
    fn semantic_problems() {
        let p = check_text(
            "[[hop]]\nname = \"a\"\nkind = \"tcp\"\ntarget = \"nohost\"\n[[hop]]\nname = \"a\"\nkind = \"http\"\nservice = \"ngnx\"\n[[service]]\nname = \"nginx\"\n",
        );
        let msgs: Vec<_> = p.iter().map(|x| x.message.as_str()).collect();
        assert!(msgs.iter().any(|m| m.contains("not host:port")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("used twice")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("needs `url`")), "{msgs:?}");
        assert!(
            p.iter()
                .any(|x| x.hint.as_deref() == Some("did you mean `nginx`?")),
            "{p:?}"
        );
    }

    #[test]
    fn service_names_that_could_be_options_are_refused() {
        for ok in ["nginx", "ds:docservice", "getty@tty1.service", "a_b-c+d.e"] {
            assert!(check_service_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "--help", "-Hroot@evil", "a b", "a;b", "a/b", "é"] {
            assert!(check_service_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_service_name(&"a".repeat(MAX_SERVICE_NAME)).is_ok());
        assert!(check_service_name(&"a".repeat(MAX_SERVICE_NAME + 1)).is_err());
        let p = check_text("[[service]]\nname = 'x'\nunit = '-p'\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].line, Some(3), "{p:?}");
    }

    #[test]
    fn unknown_hop_kind_suggests() {
        let p = check_text("[[hop]]\nname = \"a\"\nkind = \"htp\"\nurl = \"http://x/\"\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].hint.as_deref(), Some("did you mean `http`?"), "{p:?}");
    }

    #[test]
    fn problems_and_hints_read_in_chinese() {
        let _zh = crate::i18n::scoped(crate::i18n::Lang::ZhCn);
        let p = check_text("[[hop]]\nname = \"a\"\nkind = \"tcp\"\ntarget = \"x\"\n");
        assert_eq!(p.len(), 1, "{p:?}");
        let r = p[0].render("c.toml");
        assert!(
            r.contains("环节 'a'：target 'x' 不是 host:port 格式"),
            "{r}"
        );
        assert!(
            r.contains("\n  提示：例如 target = \"127.0.0.1:8000\""),
            "{r}"
        );
        let e = check_service_name("-x").unwrap_err();
        assert!(e.contains("以 '-' 开头"), "{e}");
    }
}
