//! Key bindings as plain data: the console's commands, their default keys, and validation of
//! the `[keys]` section (unknown commands get "did you mean", a key bound to two commands is
//! rejected). The console turns these key names into terminal events; this file knows no
//! terminal.

use std::collections::BTreeMap;

/// Every rebindable command: (name, default keys, help text). The help overlay and the key bar
/// are generated from this table.
pub const COMMANDS: &[(&str, &[&str], &str)] = &[
    ("quit", &["q"], "quit (Ctrl-C always quits too)"),
    ("help", &["?"], "show or hide this help"),
    ("focus-next", &["tab"], "next pane / tab"),
    ("focus-prev", &["backtab"], "previous pane / tab"),
    ("down", &["j", "down"], "move down"),
    ("up", &["k", "up"], "move up"),
    ("top", &["g", "home"], "first line"),
    ("bottom", &["G", "end"], "last line (and follow)"),
    ("filter", &["/"], "filter the error log (text, or class:ID)"),
    ("details", &["enter"], "details of the selected line"),
    ("back", &["esc"], "close / clear filter"),
    ("pause", &["p"], "pause or resume following the logs"),
    ("walkthrough", &["w"], "findings ↔ guided walkthrough"),
    ("probe-now", &["r"], "probe the chain now"),
    (
        "run-action",
        &["x"],
        "run the selected finding's recovery action",
    ),
    ("restart-service", &["R"], "restart the selected service"),
    ("reload-nginx", &["N"], "reload nginx (after nginx -t)"),
    ("reload-firewall", &["F"], "reload the firewall"),
    (
        "write-report",
        &["W"],
        "write the incident report (Markdown)",
    ),
];

/// Named keys accepted besides single characters.
pub const NAMED_KEYS: &[&str] = &[
    "tab",
    "backtab",
    "enter",
    "esc",
    "space",
    "up",
    "down",
    "left",
    "right",
    "home",
    "end",
    "pgup",
    "pgdown",
    "backspace",
    "delete",
    "insert",
    "f1",
    "f2",
    "f3",
    "f4",
    "f5",
    "f6",
    "f7",
    "f8",
    "f9",
    "f10",
    "f11",
    "f12",
];

/// Normalize a key name: named keys lower-case, `ctrl-`/`alt-` prefixes lower-case, single
/// characters kept as they are (`G` differs from `g`). `None` when it is not a key.
pub fn normalize(key: &str) -> Option<String> {
    let k = key.trim();
    let lower = k.to_ascii_lowercase();
    for prefix in ["ctrl-", "alt-"] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            let orig_rest = &k[prefix.len()..];
            let inner = normalize(orig_rest)?;
            let _ = rest;
            return Some(format!("{prefix}{}", inner.to_ascii_lowercase()));
        }
    }
    if lower == "shift-tab" {
        return Some("backtab".into());
    }
    if NAMED_KEYS.contains(&lower.as_str()) {
        return Some(lower);
    }
    let mut chars = k.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_control() => Some(c.to_string()),
        _ => None,
    }
}

/// The effective bindings: key → command, after applying `overrides` (command → key) to the
/// defaults. Errors are sentences for `config check` and the console.
pub fn bindings(
    overrides: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, &'static str>, Vec<String>> {
    let mut errors = Vec::new();
    let mut per_cmd: Vec<(&'static str, Vec<String>)> = COMMANDS
        .iter()
        .map(|(n, keys, _)| (*n, keys.iter().map(|k| k.to_string()).collect()))
        .collect();
    for (cmd, key) in overrides {
        let Some(slot) = per_cmd.iter_mut().find(|(n, _)| n == cmd) else {
            let names = COMMANDS.iter().map(|(n, _, _)| *n);
            let hint = match super::validate::did_you_mean(cmd, names) {
                Some(m) => format!(" (did you mean `{m}`?)"),
                None => String::new(),
            };
            errors.push(format!("[keys] unknown command `{cmd}`{hint}"));
            continue;
        };
        match normalize(key) {
            Some(k) => slot.1 = vec![k],
            None => errors.push(format!(
                "[keys] {cmd} = \"{key}\" is not a key (use a character, or one of: {}, with ctrl-/alt-)",
                NAMED_KEYS.join(", ")
            )),
        }
    }
    let mut map: BTreeMap<String, &'static str> = BTreeMap::new();
    for (cmd, keys) in &per_cmd {
        for k in keys {
            let k = normalize(k).unwrap_or_else(|| k.clone());
            if k == "ctrl-c" {
                errors.push(format!("[keys] {cmd}: ctrl-c is reserved for quitting"));
                continue;
            }
            if let Some(other) = map.insert(k.clone(), cmd)
                && other != *cmd
            {
                errors.push(format!(
                    "[keys] key \"{k}\" is bound to both `{other}` and `{cmd}`"
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(map)
    } else {
        Err(errors)
    }
}

/// The keys bound to a command, for the help overlay and the key bar: single characters
/// first (`j` before `down`, `k` before `up`), then by name.
pub fn keys_of<'a>(map: &'a BTreeMap<String, &'static str>, cmd: &str) -> Vec<&'a str> {
    let mut ks: Vec<&str> = map
        .iter()
        .filter(|(_, c)| **c == cmd)
        .map(|(k, _)| k.as_str())
        .collect();
    ks.sort_by_key(|k| (k.chars().count() > 1, *k));
    ks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_have_no_duplicates() {
        let m = bindings(&BTreeMap::new()).expect("defaults are valid");
        assert_eq!(m.get("q"), Some(&"quit"));
        assert_eq!(m.get("G"), Some(&"bottom"));
        assert_eq!(keys_of(&m, "down"), vec!["j", "down"]);
        assert_eq!(keys_of(&m, "up"), vec!["k", "up"]);
    }

    #[test]
    fn override_and_duplicates_and_unknown() {
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), "X".to_string());
        let m = bindings(&o).expect("valid");
        assert_eq!(m.get("X"), Some(&"quit"));
        assert_eq!(m.get("q"), None);

        let mut o = BTreeMap::new();
        o.insert("pause".to_string(), "j".to_string());
        let e = bindings(&o).expect_err("duplicate");
        assert!(e[0].contains("bound to both"), "{e:?}");

        let mut o = BTreeMap::new();
        o.insert("paus".to_string(), "z".to_string());
        let e = bindings(&o).expect_err("unknown");
        assert!(e[0].contains("did you mean `pause`"), "{e:?}");

        let mut o = BTreeMap::new();
        o.insert("help".to_string(), "ctrl-c".to_string());
        assert!(bindings(&o).is_err());
        let mut o = BTreeMap::new();
        o.insert("help".to_string(), "notakey".to_string());
        assert!(bindings(&o).is_err());
    }

    #[test]
    fn normalization() {
        assert_eq!(normalize("Ctrl-R").as_deref(), Some("ctrl-r"));
        assert_eq!(normalize("Shift-Tab").as_deref(), Some("backtab"));
        assert_eq!(normalize("F5").as_deref(), Some("f5"));
        assert_eq!(normalize("G").as_deref(), Some("G"));
        assert_eq!(normalize(""), None);
    }
}
