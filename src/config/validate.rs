//! Validation of config text: TOML syntax and schema errors with their line, "did you mean"
//! for unknown keys, and semantic checks (hop kinds need a target or URL, unique names,
//! services referenced by hops exist).

use super::{Config, HopKind};

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
            s.push_str(&format!("\n  hint: {h}"));
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

/// Suggest the closest of `expected` to `got`, if any is close.
pub fn did_you_mean<'a>(got: &str, expected: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    expected
        .into_iter()
        .map(|e| (strsim::damerau_levenshtein(got, e), e))
        .filter(|(d, e)| *d <= 2.max(e.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, e)| e)
}

/// Pull the backquoted words out of a serde message such as
/// "unknown field `intervl`, expected one of `interval_ms`, `timeout_ms`".
fn backquoted(msg: &str) -> Vec<&str> {
    msg.split('`').skip(1).step_by(2).collect()
}

fn hint_for(msg: &str) -> Option<String> {
    let words = backquoted(msg);
    if msg.starts_with("unknown field") || msg.starts_with("unknown variant") {
        let got = words.first()?;
        let expected = &words[1..];
        return Some(match did_you_mean(got, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if !expected.is_empty() => format!("valid here: {}", expected.join(", ")),
            None => "remove it".into(),
        });
    }
    if msg.contains("invalid type") {
        return Some("check the value's type: strings in quotes, numbers without".into());
    }
    if msg.starts_with("missing field") {
        return Some("add the field".into());
    }
    None
}

/// Validate config text; an empty list means it is usable.
pub fn check_text(text: &str) -> Vec<Problem> {
    let cfg: Config = match toml::from_str(text) {
        Ok(c) => c,
        Err(e) => {
            let msg = e.message().trim().to_string();
            return vec![Problem {
                line: e.span().map(|s| line_of(text, s.start)),
                hint: hint_for(&msg),
                message: msg,
            }];
        }
    };
    semantic(&cfg, text)
}

fn line_of_hop(text: &str, name: &str) -> Option<usize> {
    let pat = format!("\"{name}\"");
    text.find(&pat).map(|o| line_of(text, o))
}

fn semantic(cfg: &Config, text: &str) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for h in &cfg.hops {
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
                "a hop has an empty name".into(),
                "give every [[hop]] a short unique name",
            );
        }
        if !seen.insert(h.name.clone()) {
            p(
                format!("hop name '{}' is used twice", h.name),
                "hop names must be unique",
            );
        }
        if h.kind.uses_url() {
            match &h.url {
                None => p(
                    format!("hop '{}' ({}) needs `url`", h.name, h.kind.as_str()),
                    "e.g. url = \"http://127.0.0.1:8000/healthcheck\"",
                ),
                Some(u) => {
                    if let Err(e) = crate::util::UrlParts::parse(u) {
                        p(
                            format!("hop '{}': url {e}", h.name),
                            "use http://host[:port]/path or https://...",
                        );
                    }
                }
            }
        } else {
            match &h.target {
                None => p(
                    format!("hop '{}' ({}) needs `target`", h.name, h.kind.as_str()),
                    if h.kind == HopKind::Dns {
                        "e.g. target = \"office.example.org\""
                    } else {
                        "e.g. target = \"127.0.0.1:8000\""
                    },
                ),
                Some(t) if h.kind != HopKind::Dns && crate::util::split_host_port(t).is_none() => {
                    p(
                        format!("hop '{}': target '{t}' is not host:port", h.name),
                        "e.g. target = \"127.0.0.1:8000\" or \"[::1]:443\"",
                    )
                }
                Some(_) => {}
            }
        }
        if h.timeout_ms == Some(0) {
            p(
                format!("hop '{}': timeout_ms is 0", h.name),
                "use a timeout of at least 100 ms",
            );
        }
        if let Some(s) = &h.service
            && !cfg.services.iter().any(|x| &x.name == s)
        {
            let names: Vec<&str> = cfg.services.iter().map(|x| x.name.as_str()).collect();
            let hint = match did_you_mean(s, names.iter().copied()) {
                Some(m) => format!("did you mean `{m}`?"),
                None => "add a [[service]] with that name".into(),
            };
            p(
                format!("hop '{}' names unknown service '{s}'", h.name),
                &hint,
            );
        }
    }
    let mut ids = std::collections::HashSet::new();
    for a in &cfg.custom_actions {
        let line = line_of_hop(text, &a.id);
        if a.argv.is_empty() || a.argv[0].trim().is_empty() {
            out.push(Problem {
                line,
                message: format!("action '{}' has an empty argv", a.id),
                hint: Some(
                    "argv = [\"/usr/bin/program\", \"arg\"] (no shell: one word per element)"
                        .into(),
                ),
            });
        }
        if !ids.insert(a.id.clone()) {
            out.push(Problem {
                line,
                message: format!("action id '{}' is used twice", a.id),
                hint: Some("action ids must be unique".into()),
            });
        }
    }
    if let Err(errs) = super::keys::bindings(&cfg.keys) {
        let line = text.find("[keys]").map(|o| line_of(text, o));
        for e in errs {
            out.push(Problem {
                line,
                message: e,
                hint: Some("see `triage502 --help` and the README's key table".into()),
            });
        }
    }
    let themes = ["dark", "light", "high-contrast", "monochrome"];
    if !themes.contains(&cfg.theme.as_str()) {
        out.push(Problem {
            line: text.find("theme").map(|o| line_of(text, o)),
            message: format!("unknown theme '{}'", cfg.theme),
            hint: Some(match did_you_mean(&cfg.theme, themes) {
                Some(m) => format!("did you mean `{m}`?"),
                None => format!("themes: {}", themes.join(", ")),
            }),
        });
    }
    if cfg.probe.interval_ms < 100 {
        out.push(Problem::plain(
            format!("probe.interval_ms = {} is too short", cfg.probe.interval_ms),
            Some("use at least 100 ms (default 2000)".into()),
        ));
    }
    if cfg.probe.timeout_ms == 0 {
        out.push(Problem::plain(
            "probe.timeout_ms is 0".into(),
            Some("use at least 100 ms (default 3000)".into()),
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
    fn unknown_hop_kind_suggests() {
        let p = check_text("[[hop]]\nname = \"a\"\nkind = \"htp\"\nurl = \"http://x/\"\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].hint.as_deref(), Some("did you mean `http`?"), "{p:?}");
    }
}
