//! Firewall facts: which of firewalld, nftables, iptables and ufw are present and active, and
//! the rules that touch the chain's ports with their verdict (accept / drop / reject), table,
//! chain and hook, and a human rule text.
//!
//! nftables is read from `nft -j list ruleset` (JSON), iptables from `iptables-save` /
//! `ip6tables-save`, ufw from `ufw status`, firewalld from `firewall-cmd --state` and
//! `--list-all`. Every command can be run behind a prefix (`ip netns exec NS`), which is how the
//! tests exercise the real `nft` path inside a network namespace.

use std::time::Duration;

use serde::Serialize;

use super::Unknown;
use super::cmd;
use crate::tr;

mod nft;
pub use nft::parse_nft_json;

/// What the firewall collector should look at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FirewallQuery {
    /// argv put before every command (e.g. `["ip", "netns", "exec", "NS"]`).
    pub command_prefix: Vec<String>,
    /// Ports of the chain; rules touching them are listed. Empty: every rule with a port match.
    pub ports: Vec<u16>,
}

/// A firewall tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// firewalld.
    Firewalld,
    /// nftables.
    Nftables,
    /// iptables / ip6tables.
    Iptables,
    /// ufw.
    Ufw,
}

/// Whether a tool is in use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum BackendState {
    /// Running / has rules.
    Active,
    /// Installed but not running or without rules.
    Inactive,
    /// Not installed.
    Absent,
    /// Could not tell.
    Unknown {
        /// Why.
        reason: String,
        /// What to do.
        hint: Option<String>,
    },
}

/// One tool's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Backend {
    /// Which tool.
    pub kind: Kind,
    /// Its state.
    pub state: BackendState,
    /// Short detail (firewalld zone summary, rule count …).
    pub detail: String,
}

/// A rule's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// accept / ACCEPT / ALLOW.
    Accept,
    /// drop / DROP / DENY: the client sees a timeout (504).
    Drop,
    /// reject / REJECT: the client sees a refusal (502).
    Reject {
        /// `tcp reset`, `icmp port-unreachable`, …
        with: Option<String>,
    },
    /// Anything else (jump, return, log, …).
    Other {
        /// The verdict as written.
        name: String,
    },
}

impl Verdict {
    /// True for drop and reject.
    pub fn blocks(&self) -> bool {
        matches!(self, Verdict::Drop | Verdict::Reject { .. })
    }
}

/// A rule that touches one of the chain's ports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Tool the rule belongs to.
    pub backend: Kind,
    /// Family (`inet`, `ip`, `ip6`, `ipv4`, `ipv6`).
    pub family: String,
    /// Table.
    pub table: String,
    /// Chain.
    pub chain: String,
    /// Hook of the chain (`input`, `output`, `forward`, …) when it is a base chain.
    pub hook: Option<String>,
    /// The chain's ports this rule applies to (all of them when the rule has no port match).
    pub ports: Vec<u16>,
    /// True when the rule has no port match at all (a catch-all).
    pub all_ports: bool,
    /// Destination address match when present.
    pub daddr: Option<String>,
    /// Verdict.
    pub verdict: Verdict,
    /// Human text, e.g. `tcp dport 8000 drop`.
    pub text: String,
}

/// A base chain with its policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chain {
    /// Tool.
    pub backend: Kind,
    /// Family.
    pub family: String,
    /// Table.
    pub table: String,
    /// Name.
    pub name: String,
    /// Hook.
    pub hook: Option<String>,
    /// Policy (`accept`, `drop`).
    pub policy: Option<String>,
}

/// Everything about the firewall.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Firewall {
    /// Each tool's state.
    pub backends: Vec<Backend>,
    /// Rules touching the chain's ports.
    pub rules: Vec<Rule>,
    /// Base chains (with a hook) and their policies.
    pub chains: Vec<Chain>,
}

impl Firewall {
    /// Rules that drop or reject traffic to `port`.
    pub fn blocking(&self, port: u16) -> impl Iterator<Item = &Rule> {
        self.rules
            .iter()
            .filter(move |r| r.verdict.blocks() && r.ports.contains(&port))
    }
}

// ---------------------------------------------------------------------------------------------
// Port matching

/// A port match: ranges, possibly negated.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PortMatch {
    negated: bool,
    ranges: Vec<(u16, u16)>,
}

impl PortMatch {
    fn matches(&self, p: u16) -> bool {
        self.ranges.iter().any(|(a, b)| *a <= p && p <= *b) != self.negated
    }
}

fn touched(matches: &[PortMatch], ports: &[u16]) -> Option<(Vec<u16>, bool)> {
    if matches.is_empty() {
        return None;
    }
    if ports.is_empty() {
        let mut v: Vec<u16> = matches
            .iter()
            .filter(|m| !m.negated)
            .flat_map(|m| m.ranges.iter().filter(|(a, b)| a == b).map(|(a, _)| *a))
            .collect();
        v.sort_unstable();
        v.dedup();
        return Some((v, false));
    }
    let hit: Vec<u16> = ports
        .iter()
        .copied()
        .filter(|p| matches.iter().all(|m| m.matches(*p)))
        .collect();
    (!hit.is_empty()).then_some((hit, false))
}

// ---------------------------------------------------------------------------------------------
// iptables

fn ipt_ports(spec: &str) -> Vec<(u16, u16)> {
    spec.split(',')
        .filter_map(|p| match p.split_once(':') {
            Some((a, b)) => Some((a.parse().unwrap_or(0), b.parse().unwrap_or(u16::MAX))),
            None => p.parse().ok().map(|x| (x, x)),
        })
        .collect()
}

/// Parses `iptables-save` / `ip6tables-save` text and keeps rules touching `ports`.
pub fn parse_iptables_save(
    text: &str,
    family: &str,
    ports: &[u16],
) -> (Vec<Rule>, Vec<Chain>, usize) {
    let mut table = String::new();
    let mut rules = Vec::new();
    let mut chains = Vec::new();
    let mut n = 0;
    let hook_of = |c: &str| match c {
        "INPUT" | "OUTPUT" | "FORWARD" | "PREROUTING" | "POSTROUTING" => {
            Some(c.to_ascii_lowercase())
        }
        _ => None,
    };
    for line in text.lines().map(str::trim) {
        if let Some(t) = line.strip_prefix('*') {
            table = t.to_string();
        } else if let Some(c) = line.strip_prefix(':') {
            let mut it = c.split_whitespace();
            if let (Some(name), Some(policy)) = (it.next(), it.next())
                && policy != "-"
            {
                chains.push(Chain {
                    backend: Kind::Iptables,
                    family: family.into(),
                    table: table.clone(),
                    name: name.into(),
                    hook: hook_of(name),
                    policy: Some(policy.to_ascii_lowercase()),
                });
            }
        } else if let Some(rest) = line.strip_prefix("-A ") {
            n += 1;
            let toks: Vec<&str> = rest.split_whitespace().collect();
            let chain = toks.first().copied().unwrap_or("").to_string();
            let mut pm = Vec::new();
            let mut daddr = None;
            let mut target = None;
            let mut reject_with = None;
            let mut negate = false;
            let mut i = 1;
            while i < toks.len() {
                let t = toks[i];
                let next = toks.get(i + 1).copied();
                match t {
                    "!" => {
                        negate = true;
                        i += 1;
                        continue;
                    }
                    "--dport" | "--destination-port" | "--dports" | "--destination-ports" => {
                        if let Some(v) = next {
                            pm.push(PortMatch {
                                negated: negate,
                                ranges: ipt_ports(v),
                            });
                            i += 1;
                        }
                    }
                    "-d" | "--destination" => {
                        if let Some(v) = next {
                            daddr = Some(format!("{}{v}", if negate { "!= " } else { "" }));
                            i += 1;
                        }
                    }
                    "-j" | "--jump" => {
                        target = next;
                        i += 1;
                    }
                    "--reject-with" => {
                        reject_with = next.map(str::to_string);
                        i += 1;
                    }
                    _ => {}
                }
                negate = false;
                i += 1;
            }
            let Some(target) = target else { continue };
            let verdict = match target {
                "ACCEPT" => Verdict::Accept,
                "DROP" => Verdict::Drop,
                "REJECT" => Verdict::Reject { with: reject_with },
                other => Verdict::Other { name: other.into() },
            };
            let Some((hit, all)) = touched(&pm, ports) else {
                continue;
            };
            rules.push(Rule {
                backend: Kind::Iptables,
                family: family.into(),
                table: table.clone(),
                hook: hook_of(&chain),
                chain,
                ports: hit,
                all_ports: all,
                daddr,
                verdict,
                text: line.to_string(),
            });
        }
    }
    (rules, chains, n)
}

// ---------------------------------------------------------------------------------------------
// ufw

/// Parses `ufw status` output: `(active, rules touching ports)`.
pub fn parse_ufw_status(text: &str, ports: &[u16]) -> (bool, Vec<Rule>) {
    let active = text.lines().any(|l| l.trim() == "Status: active");
    let mut rules = Vec::new();
    for line in text.lines() {
        let toks: Vec<&str> = line.split_whitespace().collect();
        let Some(pos) = toks
            .iter()
            .position(|t| matches!(*t, "ALLOW" | "DENY" | "REJECT" | "LIMIT"))
        else {
            continue;
        };
        if pos == 0 {
            continue;
        }
        let spec = toks[0].split('/').next().unwrap_or("");
        let ranges = ipt_ports(spec);
        if ranges.is_empty() {
            continue;
        }
        let Some((hit, all)) = touched(
            &[PortMatch {
                negated: false,
                ranges,
            }],
            ports,
        ) else {
            continue;
        };
        let verdict = match toks[pos] {
            "ALLOW" | "LIMIT" => Verdict::Accept,
            "DENY" => Verdict::Drop,
            _ => Verdict::Reject { with: None },
        };
        let dir = toks.get(pos + 1).copied().unwrap_or("IN");
        rules.push(Rule {
            backend: Kind::Ufw,
            family: if line.contains("(v6)") {
                "ipv6"
            } else {
                "ipv4"
            }
            .into(),
            table: "ufw".into(),
            chain: if dir == "OUT" { "out" } else { "in" }.into(),
            hook: Some(if dir == "OUT" { "output" } else { "input" }.into()),
            ports: hit,
            all_ports: all,
            daddr: None,
            verdict,
            text: line.trim().to_string(),
        });
    }
    (active, rules)
}

// ---------------------------------------------------------------------------------------------

fn unknown_state(u: Unknown) -> BackendState {
    if u.is_missing_tool() {
        BackendState::Absent
    } else {
        BackendState::Unknown {
            reason: u.reason,
            hint: u.hint,
        }
    }
}

fn failed(tool: &str, out: &cmd::Output) -> BackendState {
    let m = out.first_message();
    // `ip netns exec NS tool` reports a missing tool on stderr.
    // i18n: not text (ip's own message)
    if m.contains("No such file or directory") && m.contains(tool) {
        return BackendState::Absent;
    }
    let hint = cmd::looks_like_permission(&m).then(|| tr!("host-hint-sudo"));
    BackendState::Unknown {
        reason: format!("{tool}: {m}"),
        hint,
    }
}

async fn nft(q: &FirewallQuery, t: Duration, fw: &mut Firewall) {
    let (state, detail) =
        match cmd::run(&q.command_prefix, &["nft", "-j", "list", "ruleset"], t).await {
            Err(u) => (unknown_state(u), String::new()),
            Ok(o) if !o.success() => (failed("nft", &o), String::new()),
            Ok(o) => match parse_nft_json(&o.stdout, &q.ports) {
                Err(u) => (unknown_state(u), String::new()),
                Ok((rules, chains, n)) => {
                    fw.rules.extend(rules);
                    let detail = tr!("host-fw-nft-detail", rules = n, chains = chains.len());
                    let active = n > 0 || !chains.is_empty();
                    fw.chains.extend(chains);
                    (
                        if active {
                            BackendState::Active
                        } else {
                            BackendState::Inactive
                        },
                        detail,
                    )
                }
            },
        };
    fw.backends.push(Backend {
        kind: Kind::Nftables,
        state,
        detail,
    });
}

async fn iptables(q: &FirewallQuery, t: Duration, fw: &mut Firewall) {
    let mut total = 0;
    let mut state = None;
    for (tool, fam) in [("iptables-save", "ipv4"), ("ip6tables-save", "ipv6")] {
        match cmd::run(&q.command_prefix, &[tool], t).await {
            Err(u) => {
                state.get_or_insert(unknown_state(u));
            }
            Ok(o) if !o.success() => {
                state.get_or_insert(failed(tool, &o));
            }
            Ok(o) => {
                let (rules, chains, n) = parse_iptables_save(&o.stdout, fam, &q.ports);
                total += n;
                fw.rules.extend(rules);
                fw.chains.extend(
                    chains
                        .into_iter()
                        .filter(|c| c.policy.as_deref() != Some("accept")),
                );
            }
        }
    }
    let state = if total > 0 {
        BackendState::Active
    } else {
        state.unwrap_or(BackendState::Inactive)
    };
    fw.backends.push(Backend {
        kind: Kind::Iptables,
        state,
        detail: tr!("host-fw-rules", rules = total),
    });
}

async fn ufw(q: &FirewallQuery, t: Duration, fw: &mut Firewall) {
    let (state, detail) = match cmd::run(&q.command_prefix, &["ufw", "status"], t).await {
        Err(u) => (unknown_state(u), String::new()),
        Ok(o) if !o.success() => (failed("ufw", &o), String::new()),
        Ok(o) => {
            let (active, rules) = parse_ufw_status(&o.stdout, &q.ports);
            fw.rules.extend(rules);
            (
                if active {
                    BackendState::Active
                } else {
                    BackendState::Inactive
                },
                o.stdout.lines().next().unwrap_or("").trim().to_string(),
            )
        }
    };
    fw.backends.push(Backend {
        kind: Kind::Ufw,
        state,
        detail,
    });
}

async fn firewalld(q: &FirewallQuery, t: Duration, fw: &mut Firewall) {
    let (state, mut detail) =
        match cmd::run(&q.command_prefix, &["firewall-cmd", "--state"], t).await {
            Err(u) => (unknown_state(u), String::new()),
            Ok(o) if o.stdout.trim() == "running" => (BackendState::Active, String::new()),
            // i18n: not text (firewall-cmd's own answer)
            Ok(o) if o.first_message().contains("not running") => {
                (BackendState::Inactive, String::new())
            }
            Ok(o) => (failed("firewall-cmd", &o), String::new()),
        };
    if state == BackendState::Active
        && let Ok(o) = cmd::run(&q.command_prefix, &["firewall-cmd", "--list-all"], t).await
    {
        // Zone summary: "public (active)", "  services: ssh", "  ports: 80/tcp".
        let mut parts = Vec::new();
        for l in o.stdout.lines() {
            let l = l.trim();
            if !l.contains(':') && !l.is_empty() {
                parts.push(tr!("host-fw-zone", zone = l));
            } else if let Some((k, v)) = l.split_once(':')
                // i18n: not text (firewall-cmd's keys)
                && matches!(k, "target" | "services" | "ports" | "rich rules")
                && !v.trim().is_empty()
            {
                parts.push(format!("{k}: {}", v.trim()));
            }
        }
        detail = parts.join(&tr!("host-sep-semi"));
    }
    fw.backends.push(Backend {
        kind: Kind::Firewalld,
        state,
        detail,
    });
}

/// Gathers every firewall tool's state and the rules touching the chain's ports.
pub async fn collect(q: &FirewallQuery, timeout: Duration) -> Result<Firewall, Unknown> {
    let (mut a, mut b, mut c, mut d) = (
        Firewall::default(),
        Firewall::default(),
        Firewall::default(),
        Firewall::default(),
    );
    tokio::join!(
        firewalld(q, timeout, &mut a),
        nft(q, timeout, &mut b),
        iptables(q, timeout, &mut c),
        ufw(q, timeout, &mut d)
    );
    let mut fw = Firewall::default();
    for part in [a, b, c, d] {
        fw.backends.extend(part.backends);
        fw.rules.extend(part.rules);
        fw.chains.extend(part.chains);
    }
    Ok(fw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iptables_save_rules_parse() {
        let text = "# Generated by iptables-save v1.8.7 on Sat Nov 28 10:00:00 2026\n\
            *filter\n\
            :INPUT ACCEPT [1200:90000]\n\
            :FORWARD DROP [0:0]\n\
            :OUTPUT ACCEPT [800:64000]\n\
            :f2b-sshd - [0:0]\n\
            -A INPUT -p tcp -m tcp --dport 8000 -j DROP\n\
            -A INPUT -d 127.0.0.1/32 -p tcp -m multiport --dports 80,443,5672 -j REJECT --reject-with tcp-reset\n\
            -A INPUT -p tcp -m tcp --dport 9000:9100 -j ACCEPT\n\
            -A INPUT -p tcp -m tcp ! --dport 22 -j LOG\n\
            -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n\
            COMMIT\n";
        let (rules, chains, n) = parse_iptables_save(text, "ipv4", &[8000, 5672, 9050]);
        assert_eq!(n, 5);
        assert_eq!(
            chains
                .iter()
                .filter(|c| c.policy.as_deref() == Some("drop"))
                .count(),
            1
        );
        assert_eq!(rules.len(), 4, "{rules:#?}");
        assert_eq!(rules[0].verdict, Verdict::Drop);
        assert_eq!(rules[0].ports, vec![8000]);
        assert_eq!(rules[0].hook.as_deref(), Some("input"));
        assert_eq!(
            rules[1].verdict,
            Verdict::Reject {
                with: Some("tcp-reset".into())
            }
        );
        assert_eq!(rules[1].ports, vec![5672]);
        assert_eq!(rules[1].daddr.as_deref(), Some("127.0.0.1/32"));
        assert_eq!(rules[2].ports, vec![9050]);
        assert_eq!(rules[3].verdict, Verdict::Other { name: "LOG".into() });
    }

    #[test]
    fn ufw_status_parses() {
        let text = "Status: active\n\nTo                         Action      From\n\
            --                         ------      ----\n\
            22/tcp                     ALLOW       Anywhere\n\
            8000/tcp                   DENY        Anywhere\n\
            8000/tcp (v6)              REJECT      Anywhere (v6)\n";
        let (active, rules) = parse_ufw_status(text, &[8000]);
        assert!(active);
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].verdict, Verdict::Drop);
        assert_eq!(rules[1].family, "ipv6");
        let (active, rules) = parse_ufw_status("Status: inactive\n", &[8000]);
        assert!(!active && rules.is_empty());
    }

    #[test]
    fn nft_json_sets_ranges_and_negation() {
        let json = r#"{"nftables":[{"metainfo":{"json_schema_version":1}},
          {"table":{"family":"inet","name":"f","handle":1}},
          {"set":{"family":"inet","name":"ports","table":"f","type":"inet_service","handle":2,"elem":[5432,{"range":[6000,6010]}]}},
          {"chain":{"family":"inet","table":"f","name":"in","handle":1,"type":"filter","hook":"input","prio":0,"policy":"drop"}},
          {"rule":{"family":"inet","table":"f","chain":"in","handle":3,"expr":[{"match":{"op":"==","left":{"payload":{"protocol":"tcp","field":"dport"}},"right":"@ports"}},{"drop":null}]}},
          {"rule":{"family":"inet","table":"f","chain":"in","handle":4,"expr":[{"match":{"op":"!=","left":{"payload":{"protocol":"tcp","field":"dport"}},"right":22}},{"accept":null}]}},
          {"rule":{"family":"inet","table":"f","chain":"in","handle":5,"expr":[{"match":{"op":"==","left":{"ct":{"key":"state"}},"right":"invalid"}},{"drop":null}]}},
          {"rule":{"family":"inet","table":"f","chain":"in","handle":6,"expr":[{"reject":{"type":"icmpx","expr":"port-unreachable"}}]}}]}"#;
        let (rules, chains, n) = parse_nft_json(json, &[5432, 6005, 22]).expect("test setup");
        assert_eq!(n, 4);
        assert_eq!(chains[0].policy.as_deref(), Some("drop"));
        assert_eq!(rules.len(), 3, "{rules:#?}");
        assert_eq!(rules[0].ports, vec![5432, 6005]);
        assert_eq!(rules[0].text, "tcp dport @ports drop");
        assert_eq!(rules[1].ports, vec![5432, 6005], "!= 22");
        assert_eq!(rules[1].verdict, Verdict::Accept);
        assert!(rules[2].all_ports);
        assert_eq!(
            rules[2].verdict,
            Verdict::Reject {
                with: Some("icmpx port-unreachable".into())
            }
        );
    }
}
