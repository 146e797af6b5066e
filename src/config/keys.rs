//! Key bindings as plain data: the console's commands, their default keys, and validation of
//! the `[keys]` section (unknown commands get "did you mean", a key bound to two commands is
//! rejected). The console turns these key names into terminal events; this file knows no
//! terminal.

use crate::tr;
use std::collections::BTreeMap;

/// A console command: what a key does. Its name and default keys come from
/// [`Command::info`], its help line and key-bar word from [`Command::help`] and
/// [`Command::short`], so the key handler, the help overlay, the key bar and the
/// `[keys]` validation all match on this one list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Command {
    /// Quit the console.
    Quit,
    /// Show or hide the help.
    Help,
    /// Next pane / tab.
    FocusNext,
    /// Previous pane / tab.
    FocusPrev,
    /// Move down.
    Down,
    /// Move up.
    Up,
    /// First line.
    Top,
    /// Last line (the error log follows again).
    Bottom,
    /// Filter the error log.
    Filter,
    /// Details of the selected line.
    Details,
    /// Close / clear the filter / leave the walkthrough.
    Back,
    /// Pause or resume following the logs.
    Pause,
    /// Findings ↔ guided walkthrough.
    Walkthrough,
    /// Probe the chain now.
    ProbeNow,
    /// Run the selected finding's recovery action.
    RunAction,
    /// Restart the selected service.
    RestartService,
    /// Reload nginx.
    ReloadNginx,
    /// Reload the firewall.
    ReloadFirewall,
    /// Write the incident report.
    WriteReport,
    /// The readiness review.
    Readiness,
}

/// What is known of a [`Command`] that does not depend on the language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandInfo {
    /// Its name in `[keys]` (`quit`, `run-action`).
    pub name: &'static str,
    /// Its default keys.
    pub keys: &'static [&'static str],
}

impl Command {
    /// Every command, in the order of the help overlay.
    pub const ALL: [Command; 20] = [
        Command::Quit,
        Command::Help,
        Command::FocusNext,
        Command::FocusPrev,
        Command::Down,
        Command::Up,
        Command::Top,
        Command::Bottom,
        Command::Filter,
        Command::Details,
        Command::Back,
        Command::Pause,
        Command::Walkthrough,
        Command::ProbeNow,
        Command::RunAction,
        Command::RestartService,
        Command::ReloadNginx,
        Command::ReloadFirewall,
        Command::WriteReport,
        Command::Readiness,
    ];

    /// Name and default keys (the names stay English: users write them in `[keys]`).
    pub const fn info(self) -> CommandInfo {
        const fn i(name: &'static str, keys: &'static [&'static str]) -> CommandInfo {
            CommandInfo { name, keys }
        }
        match self {
            Command::Quit => i("quit", &["q"]),
            Command::Help => i("help", &["?"]),
            Command::FocusNext => i("focus-next", &["tab"]),
            Command::FocusPrev => i("focus-prev", &["backtab"]),
            Command::Down => i("down", &["j", "down"]),
            Command::Up => i("up", &["k", "up"]),
            Command::Top => i("top", &["g", "home"]),
            Command::Bottom => i("bottom", &["G", "end"]),
            Command::Filter => i("filter", &["/"]),
            Command::Details => i("details", &["enter"]),
            Command::Back => i("back", &["esc"]),
            Command::Pause => i("pause", &["p"]),
            Command::Walkthrough => i("walkthrough", &["w"]),
            Command::ProbeNow => i("probe-now", &["r"]),
            Command::RunAction => i("run-action", &["x"]),
            Command::RestartService => i("restart-service", &["R"]),
            Command::ReloadNginx => i("reload-nginx", &["N"]),
            Command::ReloadFirewall => i("reload-firewall", &["F"]),
            Command::WriteReport => i("write-report", &["W"]),
            Command::Readiness => i("readiness", &["v"]),
        }
    }

    /// Its line in the help overlay, in the current language.
    pub fn help(self) -> String {
        match self {
            Command::Quit => tr!("keyhelp-quit"),
            Command::Help => tr!("keyhelp-help"),
            Command::FocusNext => tr!("keyhelp-focus-next"),
            Command::FocusPrev => tr!("keyhelp-focus-prev"),
            Command::Down => tr!("keyhelp-down"),
            Command::Up => tr!("keyhelp-up"),
            Command::Top => tr!("keyhelp-top"),
            Command::Bottom => tr!("keyhelp-bottom"),
            Command::Filter => tr!("keyhelp-filter"),
            Command::Details => tr!("keyhelp-details"),
            Command::Back => tr!("keyhelp-back"),
            Command::Pause => tr!("keyhelp-pause"),
            Command::Walkthrough => tr!("keyhelp-walkthrough"),
            Command::ProbeNow => tr!("keyhelp-probe-now"),
            Command::RunAction => tr!("keyhelp-run-action"),
            Command::RestartService => tr!("keyhelp-restart-service"),
            Command::ReloadNginx => tr!("keyhelp-reload-nginx"),
            Command::ReloadFirewall => tr!("keyhelp-reload-firewall"),
            Command::WriteReport => tr!("keyhelp-write-report"),
            Command::Readiness => tr!("keyhelp-readiness"),
        }
    }

    /// Its word in the key bar, in the current language.
    pub fn short(self) -> String {
        match self {
            Command::Quit => tr!("keybar-quit"),
            Command::Help => tr!("keybar-help"),
            Command::FocusNext | Command::FocusPrev => tr!("keybar-pane"),
            Command::Down => tr!("keybar-down"),
            Command::Up => tr!("keybar-up"),
            Command::Top => tr!("keybar-top"),
            Command::Bottom => tr!("keybar-follow"),
            Command::Filter => tr!("keybar-filter"),
            Command::Details => tr!("keybar-details"),
            Command::Back => tr!("keybar-back"),
            Command::Pause => tr!("keybar-pause"),
            Command::Walkthrough => tr!("keybar-walkthrough"),
            Command::ProbeNow => tr!("keybar-probe"),
            Command::RunAction => tr!("keybar-fix"),
            Command::RestartService => tr!("keybar-restart"),
            Command::ReloadNginx => tr!("keybar-reload-nginx"),
            Command::ReloadFirewall => tr!("keybar-reload-firewall"),
            Command::WriteReport => tr!("keybar-report"),
            Command::Readiness => tr!("keybar-readiness"),
        }
    }

    /// Its name in `[keys]`.
    pub const fn name(self) -> &'static str {
        self.info().name
    }

    /// The command of a `[keys]` name.
    pub fn from_name(name: &str) -> Option<Command> {
        Command::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// Key name → command.
pub type Bindings = BTreeMap<String, Command>;

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
pub fn bindings(overrides: &BTreeMap<String, String>) -> Result<Bindings, Vec<String>> {
    let mut errors = Vec::new();
    let mut per_cmd: Vec<(Command, Vec<String>)> = Command::ALL
        .iter()
        .map(|c| (*c, c.info().keys.iter().map(|k| k.to_string()).collect()))
        .collect();
    for (name, key) in overrides {
        let Some(slot) = per_cmd.iter_mut().find(|(c, _)| c.name() == name) else {
            let names = Command::ALL.iter().map(|c| c.name());
            errors.push(match crate::util::did_you_mean(name, names) {
                Some(m) => tr!("keys-unknown-command-did-you-mean", name = name, like = m),
                None => tr!("keys-unknown-command", name = name),
            });
            continue;
        };
        match normalize(key) {
            Some(k) => slot.1 = vec![k],
            None => errors.push(tr!(
                "keys-not-a-key",
                name = name,
                key = key,
                named = NAMED_KEYS.join(", ")
            )),
        }
    }
    let mut map = Bindings::new();
    for (cmd, keys) in &per_cmd {
        let name = cmd.name();
        for k in keys {
            let k = normalize(k).unwrap_or_else(|| k.clone());
            if k == "ctrl-c" {
                errors.push(tr!("keys-ctrl-c-reserved", name = name));
                continue;
            }
            if let Some(other) = map.insert(k.clone(), *cmd)
                && other != *cmd
            {
                errors.push(tr!(
                    "keys-bound-twice",
                    key = k,
                    first = other.name(),
                    second = name
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
pub fn keys_of(map: &Bindings, cmd: Command) -> Vec<&str> {
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
        assert_eq!(m.get("q"), Some(&Command::Quit));
        assert_eq!(m.get("G"), Some(&Command::Bottom));
        assert_eq!(keys_of(&m, Command::Down), vec!["j", "down"]);
        assert_eq!(keys_of(&m, Command::Up), vec!["k", "up"]);
        // Every command has a default key, a distinct name, and is found by it.
        for c in Command::ALL {
            assert!(!keys_of(&m, c).is_empty(), "{c:?}");
            assert_eq!(Command::from_name(c.name()), Some(c));
        }
    }

    #[test]
    fn override_and_duplicates_and_unknown() {
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), "X".to_string());
        let m = bindings(&o).expect("valid");
        assert_eq!(m.get("X"), Some(&Command::Quit));
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
