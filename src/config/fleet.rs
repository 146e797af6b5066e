//! The `[fleet]` table: the hosts `triage502 fleet` asks over the system's OpenSSH client
//! (`[[fleet.host]]`), the options handed to `ssh`, and the bounds of a round (time, bytes,
//! concurrency). Only the schema lives here; `src/fleet/` runs it.

use crate::tr;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// `[fleet]`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Fleet {
    /// Extra `ssh -o` options, each `Key=value` (e.g. `Port=2222`, `User=ops`). They come
    /// after triage502's own (`BatchMode=yes`, the connect timeout, connection reuse): for
    /// those, ssh keeps the first value, so they cannot be turned off here.
    pub ssh_options: Vec<String>,
    /// An ssh client config file (`ssh -F FILE`); a leading `~/` is the home folder of the
    /// passwd entry, as OpenSSH reads it, not `$HOME`.
    pub ssh_config: Option<PathBuf>,
    /// `ssh -o ConnectTimeout`, seconds.
    pub connect_timeout_s: u64,
    /// The longest a host may take to answer (connection and its `check`), seconds.
    pub timeout_s: u64,
    /// How many hosts are asked at once.
    pub concurrency: usize,
    /// How often the console asks every host again, seconds (0: only on `r`).
    pub interval_s: u64,
    /// The hosts.
    #[serde(rename = "host", skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<FleetHost>,
}

impl Default for Fleet {
    fn default() -> Self {
        Fleet {
            ssh_options: Vec::new(),
            ssh_config: None,
            connect_timeout_s: 10,
            timeout_s: 60,
            concurrency: 8,
            interval_s: 60,
            hosts: Vec::new(),
        }
    }
}

impl Fleet {
    /// Whether this is the default (so `config show` leaves it out).
    pub fn is_default(&self) -> bool {
        self == &Fleet::default()
    }
}

/// `[[fleet.host]]`: one box.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FleetHost {
    /// Where ssh connects, as ssh takes it: `host`, `user@host`, `ssh://user@host:port`, or
    /// a `Host` alias of the ssh config.
    pub destination: String,
    /// The name shown (default: the destination).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The config file there (`--config`); without it, triage502 there finds its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
    /// The triage502 program there (default `triage502`, looked up in the remote PATH).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary: Option<String>,
}

/// Why a destination cannot be handed to ssh, if it cannot: empty, starting with `-` (it
/// would be read as an option), or holding spaces or control characters.
pub fn destination_problem(d: &str) -> Option<String> {
    if d.is_empty() {
        return Some(tr!("config-fleet-destination-empty"));
    }
    if d.starts_with('-') {
        return Some(tr!("config-fleet-destination-dash", destination = d));
    }
    if d.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some(tr!(
            "config-fleet-destination-space",
            destination = d.escape_debug()
        ));
    }
    None
}

/// Problems of a `[fleet]` table, each with a hint.
pub fn problems(f: &Fleet) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for h in &f.hosts {
        if let Some(p) = destination_problem(&h.destination) {
            out.push((
                tr!("config-fleet-host-problem", problem = p),
                tr!("config-fleet-destination-hint"),
            ));
        }
        for (what, v) in [("binary", &h.binary), ("config", &h.config)] {
            if v.as_deref()
                .is_some_and(|s| s.is_empty() || s.contains('\0'))
            {
                out.push((
                    tr!(
                        "config-fleet-host-empty",
                        destination = h.destination,
                        what = what
                    ),
                    tr!("config-fleet-host-empty-hint", what = what),
                ));
            }
        }
    }
    for o in &f.ssh_options {
        if !o.contains('=') || o.starts_with('-') {
            out.push((
                tr!("config-fleet-ssh-option-bad", option = o),
                tr!("config-fleet-ssh-option-hint"),
            ));
        }
    }
    if f.concurrency == 0 || f.timeout_s == 0 || f.connect_timeout_s == 0 {
        out.push((
            tr!("config-fleet-bounds-zero"),
            tr!("config-fleet-bounds-zero-hint"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_that_would_be_options_or_split_are_refused() {
        assert!(destination_problem("ops@office-01").is_none());
        assert!(destination_problem("ssh://ops@office-01:2222").is_none());
        assert!(destination_problem("-oProxyCommand=x").is_some());
        assert!(destination_problem("a b").is_some());
        assert!(destination_problem("a\nb").is_some());
        assert!(destination_problem("").is_some());
    }

    #[test]
    fn fleet_tables_parse_and_bad_ones_name_line_and_hint() {
        let c = crate::config::parse(
            "[fleet]\nssh_options = [\"Port=2222\"]\n[[fleet.host]]\ndestination = \"ops@b\"\n\
             binary = \"/opt/t/triage502\"\n",
            "t",
        )
        .expect("parses");
        assert_eq!(c.fleet.hosts[0].destination, "ops@b");
        assert_eq!(c.fleet.timeout_s, 60);
        assert!(c.to_masked_toml().contains("[[fleet.host]]"));
        assert!(
            !crate::config::parse("", "t")
                .expect("empty")
                .to_masked_toml()
                .contains("fleet")
        );
        let e = crate::config::parse(
            "profile = \"x\"\n[fleet]\nssh_options = [\"-oProxyCommand=x\"]\n[[fleet.host]]\n\
             destination = \"-x\"\n",
            "t",
        )
        .expect_err("refused");
        let shown = e.to_string();
        assert!(shown.contains("t:2:"), "{shown}");
        assert!(
            shown.contains("starts with '-'") && shown.contains("hint:"),
            "{shown}"
        );
        let e =
            crate::config::parse("[[fleet.host]]\ndestinaton = \"b\"\n", "t").expect_err("typo");
        assert!(e.to_string().contains("destination"), "{e}");
    }
}
