//! What an action would destroy beyond what it means to fix, found before it is offered.
//!
//! A firewall reload loads a saved ruleset. Debian's stock `/etc/nftables.conf` starts with
//! `flush ruleset`: loading it deletes every table of the host — Docker's NAT, fail2ban's, a
//! VPN's — and recreates only those in the file. `iptables-restore` likewise flushes every
//! table named in the file and deletes the chains the file does not declare (Docker's
//! `DOCKER`, fail2ban's `f2b-*`). [`firewall_reload`] reads the file, lists the live tables
//! (or chains), and names those that would be lost. An action with a danger is refused by
//! [`super::run`] unless the caller confirmed it a second time ([`super::RunOptions`]
//! `accept_danger`): the console asks twice, `action run --yes` refuses.

use super::Said;
use super::catalogue::{Firewall, IPTABLES_RULES};
use crate::config::Config;
use crate::host::cmd;
use crate::tr_in;
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

/// Largest ruleset file read (a larger one is not inspected, and said so).
const RULESET_BYTES: u64 = 4 * 1024 * 1024;

/// The danger of reloading the firewall this way (shown, and in English for the audit log), or
/// `None` when nothing outside the saved file would be lost.
pub async fn firewall_reload(cfg: &Config, fw: Firewall, timeout: Duration) -> Option<Said> {
    match fw {
        Firewall::Nftables => nftables(&cfg.actions.nft_ruleset, timeout).await,
        Firewall::Iptables => iptables(Path::new(IPTABLES_RULES), timeout).await,
        // firewalld and ufw reload their own rules and leave other tables alone.
        Firewall::Firewalld | Firewall::Ufw => None,
    }
}

fn read(path: &Path) -> Result<String, Said> {
    match crate::fsafe::read_capped(path, RULESET_BYTES, true) {
        Ok((b, false)) => Ok(String::from_utf8_lossy(&b).into_owned()),
        Ok((_, true)) => Err(Said::new(|l| {
            tr_in!(
                l,
                "action-danger-too-large",
                path = path.display(),
                max = RULESET_BYTES
            )
        })),
        Err(e) => Err(Said::new(|l| {
            tr_in!(
                l,
                "action-danger-cannot-read",
                path = path.display(),
                error = e
            )
        })),
    }
}

/// The statements of an nft file, comments removed, one per `;` or line.
fn nft_statements(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .flat_map(|l| l.split(';'))
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
}

/// `family name` of a table statement (`table inet filter {`, `add table ip nat`), nft's
/// default family `ip` when none is given.
fn nft_table(words: &[&str]) -> Option<String> {
    const FAMILIES: [&str; 6] = ["ip", "ip6", "inet", "arp", "bridge", "netdev"];
    let name = |w: &str| w.trim_end_matches('{').to_string();
    match words {
        [fam, n, ..] if FAMILIES.contains(fam) && *n != "{" => Some(format!("{fam} {}", name(n))),
        [n, ..] if *n != "{" => Some(format!("ip {}", name(n))),
        _ => None,
    }
}

/// What an nft ruleset file does: whether it flushes the whole ruleset, and the tables it
/// (re)creates.
pub fn nft_file(text: &str) -> (bool, BTreeSet<String>) {
    let mut flushes = false;
    let mut tables = BTreeSet::new();
    for st in nft_statements(text) {
        let w: Vec<&str> = st.split(' ').collect();
        match w.as_slice() {
            ["flush", "ruleset", ..] => flushes = true,
            ["table", rest @ ..] | ["add" | "create", "table", rest @ ..] => {
                tables.extend(nft_table(rest));
            }
            _ => {}
        }
    }
    (flushes, tables)
}

/// The live tables in `nft list tables` output (`table inet filter` per line).
pub fn nft_live(out: &str) -> BTreeSet<String> {
    out.lines()
        .filter_map(|l| l.trim().strip_prefix("table "))
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

async fn nftables(path: &Path, timeout: Duration) -> Option<Said> {
    let file = path.display();
    let text = match read(path) {
        Ok(t) => t,
        Err(e) => {
            return Some(Said::new(|l| {
                tr_in!(l, "action-danger-nft-unchecked", error = e.get(l))
            }));
        }
    };
    let (flushes, kept) = nft_file(&text);
    if !flushes {
        return None;
    }
    let live = match cmd::run(&[], &["nft", "list", "tables"], timeout).await {
        Ok(o) if o.success() => nft_live(&o.stdout),
        Ok(o) => {
            // i18n: not text
            let why = format!("nft list tables: {}", o.first_message());
            return Some(Said::new(|l| {
                tr_in!(l, "action-danger-nft-unlisted", file = file, why = why)
            }));
        }
        Err(u) => {
            return Some(Said::new(|l| {
                tr_in!(l, "action-danger-nft-unlisted", file = file, why = u)
            }));
        }
    };
    let lost: Vec<&String> = live.difference(&kept).collect();
    if lost.is_empty() {
        return None;
    }
    let lost = lost
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    Some(if kept.is_empty() {
        Said::new(|l| tr_in!(l, "action-danger-nft-lost-all", file = file, lost = lost))
    } else {
        let kept = kept.iter().cloned().collect::<Vec<_>>().join(", ");
        Said::new(|l| {
            tr_in!(
                l,
                "action-danger-nft-lost",
                file = file,
                kept = kept,
                lost = lost
            )
        })
    })
}

/// `table → chains` of an iptables-save style text (`*filter`, `:CHAIN POLICY`).
pub fn iptables_chains(text: &str) -> Vec<(String, BTreeSet<String>)> {
    let mut out: Vec<(String, BTreeSet<String>)> = Vec::new();
    for l in text.lines().map(str::trim) {
        if let Some(t) = l.strip_prefix('*') {
            out.push((t.trim().to_string(), BTreeSet::new()));
        } else if let Some(c) = l.strip_prefix(':')
            && let Some((_, chains)) = out.last_mut()
            && let Some(name) = c.split_whitespace().next()
        {
            chains.insert(name.to_string());
        }
    }
    out
}

async fn iptables(path: &Path, timeout: Duration) -> Option<Said> {
    let file = path.display();
    let text = match read(path) {
        Ok(t) => t,
        Err(e) => {
            return Some(Said::new(|l| {
                tr_in!(l, "action-danger-iptables-unchecked", error = e.get(l))
            }));
        }
    };
    let saved = iptables_chains(&text);
    let live = match cmd::run(&[], &["iptables-save"], timeout).await {
        Ok(o) if o.success() => iptables_chains(&o.stdout),
        Ok(o) => {
            let why = format!("iptables-save: {}", o.first_message());
            return Some(Said::new(|l| {
                tr_in!(l, "action-danger-iptables-unread", file = file, why = why)
            }));
        }
        Err(u) => {
            return Some(Said::new(|l| {
                tr_in!(l, "action-danger-iptables-unread", file = file, why = u)
            }));
        }
    };
    let mut lost = Vec::new();
    for (table, chains) in &saved {
        if let Some((_, now)) = live.iter().find(|(t, _)| t == table) {
            lost.extend(now.difference(chains).map(|c| format!("{table}/{c}")));
        }
    }
    if lost.is_empty() {
        return None;
    }
    let lost = lost.join(", ");
    Some(Said::new(|l| {
        tr_in!(l, "action-danger-iptables-lost", file = file, lost = lost)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian_stock_file_flushes_and_keeps_only_its_table() {
        let stock = "#!/usr/sbin/nft -f\n\nflush ruleset\n\ntable inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter;\n\t}\n}\n";
        let (flushes, kept) = nft_file(stock);
        assert!(flushes);
        assert_eq!(kept.into_iter().collect::<Vec<_>>(), ["inet filter"]);
        let (flushes, kept) = nft_file(
            "# flush ruleset (commented)\nadd table ip nat; table t2 {\n}\ntable inet f2b-table{\n}",
        );
        assert!(!flushes);
        assert_eq!(
            kept.into_iter().collect::<Vec<_>>(),
            ["inet f2b-table", "ip nat", "ip t2"]
        );
    }

    #[test]
    fn live_tables_parse() {
        let live = nft_live("table inet filter\ntable ip nat\ntable inet f2b-table\n");
        assert_eq!(live.len(), 3);
        assert!(live.contains("ip nat"));
    }

    #[test]
    fn iptables_save_chains_per_table() {
        let t = "*nat\n:PREROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\nCOMMIT\n*filter\n:INPUT DROP [0:0]\n:f2b-sshd - [0:0]\nCOMMIT\n";
        let c = iptables_chains(t);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].0, "nat");
        assert!(c[0].1.contains("DOCKER"));
        assert!(c[1].1.contains("f2b-sshd"));
    }
}
