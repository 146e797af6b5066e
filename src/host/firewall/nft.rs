//! nftables: the rules of `nft -j list ruleset` (JSON) that touch the chain's ports, with
//! their verdict, table, chain and hook, named sets and maps resolved.

use std::collections::HashMap;

use serde_json::Value;

use super::*;

fn nft_ports(
    v: &Value,
    sets: &HashMap<(String, String), Vec<(u16, u16)>>,
    table: &str,
) -> Vec<(u16, u16)> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .map(|p| vec![(p as u16, p as u16)])
            .unwrap_or_default(),
        Value::String(s) => {
            if let Some(name) = s.strip_prefix('@') {
                sets.get(&(table.to_string(), name.to_string()))
                    .cloned()
                    .unwrap_or_default()
            } else {
                s.parse::<u16>().map(|p| vec![(p, p)]).unwrap_or_default()
            }
        }
        Value::Object(o) => {
            if let Some(Value::Array(r)) = o.get("range") {
                match (
                    r.first().and_then(Value::as_u64),
                    r.get(1).and_then(Value::as_u64),
                ) {
                    (Some(a), Some(b)) => vec![(a as u16, b as u16)],
                    _ => vec![],
                }
            } else if let Some(Value::Array(items)) = o.get("set") {
                items
                    .iter()
                    .flat_map(|i| nft_ports(i, sets, table))
                    .collect()
            } else {
                vec![]
            }
        }
        Value::Array(items) => items
            .iter()
            .flat_map(|i| nft_ports(i, sets, table))
            .collect(),
        _ => vec![],
    }
}

fn nft_value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(a) => a.iter().map(nft_value_text).collect::<Vec<_>>().join(" "),
        Value::Object(o) => {
            if let Some(Value::Array(r)) = o.get("range") {
                return r.iter().map(nft_value_text).collect::<Vec<_>>().join("-");
            }
            if let Some(Value::Array(s)) = o.get("set") {
                return format!(
                    "{{ {} }}",
                    s.iter().map(nft_value_text).collect::<Vec<_>>().join(", ")
                );
            }
            if let Some(p) = o.get("prefix") {
                return format!(
                    "{}/{}",
                    nft_value_text(&p["addr"]),
                    nft_value_text(&p["len"])
                );
            }
            if let Some(p) = o.get("payload") {
                return format!(
                    "{} {}",
                    nft_value_text(&p["protocol"]),
                    nft_value_text(&p["field"])
                );
            }
            if let Some(m) = o.get("meta") {
                return format!("meta {}", nft_value_text(&m["key"]));
            }
            if let Some(c) = o.get("ct") {
                return format!("ct {}", nft_value_text(&c["key"]));
            }
            o.iter()
                .map(|(k, v)| {
                    let t = nft_value_text(v);
                    if t.is_empty() {
                        k.clone()
                    } else {
                        format!("{k} {t}")
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        }
    }
}

/// Named sets of ports by (table, name).
type Sets = HashMap<(String, String), Vec<(u16, u16)>>;
/// The hook of each chain by (family, table, name) (`None`: a regular chain).
type Hooks = HashMap<(String, String, String), Option<String>>;

/// Parses `nft -j list ruleset` output and keeps the rules touching `ports`.
pub fn parse_nft_json(
    json: &str,
    ports: &[u16],
) -> Result<(Vec<Rule>, Vec<Chain>, usize), Unknown> {
    let v: Value = serde_json::from_str(json)
        .map_err(|e| Unknown::new(tr!("host-fw-nft-not-json", error = e), None))?;
    let items = v["nftables"]
        .as_array()
        .ok_or_else(|| Unknown::new(tr!("host-fw-nft-no-array"), None))?;
    let (sets, hooks, chains) = sets_and_chains(items);
    let mut nrules = 0;
    let mut rules = Vec::new();
    for it in items {
        let Some(r) = it.get("rule") else { continue };
        nrules += 1;
        let fam = r["family"].as_str().unwrap_or("").to_string();
        let table = r["table"].as_str().unwrap_or("").to_string();
        let chain = r["chain"].as_str().unwrap_or("").to_string();
        let exprs = r["expr"].as_array().cloned().unwrap_or_default();
        let x = Exprs::read(&exprs, &sets, &table);
        let Some(verdict) = x.verdict else { continue };
        let (hit, all) = match touched(&x.pm, ports) {
            Some(h) => h,
            // A bare catch-all drop/reject touches every port.
            None if x.pm.is_empty() && !x.has_match && verdict.blocks() => (ports.to_vec(), true),
            None => continue,
        };
        let hook = hooks
            .get(&(fam.clone(), table.clone(), chain.clone()))
            .cloned()
            .flatten();
        rules.push(Rule {
            backend: Kind::Nftables,
            family: fam,
            table,
            chain,
            hook,
            ports: hit,
            all_ports: all,
            daddr: x.daddr,
            verdict,
            text: x.text.join(" "),
        });
    }
    Ok((rules, chains, nrules))
}

/// The named sets, the hook of every chain, and the base chains (those with a hook).
fn sets_and_chains(items: &[Value]) -> (Sets, Hooks, Vec<Chain>) {
    let mut sets = Sets::new();
    let mut hooks = Hooks::new();
    let mut chains = Vec::new();
    for it in items {
        if let Some(s) = it.get("set") {
            let key = (
                s["table"].as_str().unwrap_or("").to_string(),
                s["name"].as_str().unwrap_or("").to_string(),
            );
            let table = key.0.clone();
            sets.insert(key, nft_ports(&s["elem"], &HashMap::new(), &table));
        }
        if let Some(c) = it.get("chain") {
            let fam = c["family"].as_str().unwrap_or("").to_string();
            let table = c["table"].as_str().unwrap_or("").to_string();
            let name = c["name"].as_str().unwrap_or("").to_string();
            let hook = c["hook"].as_str().map(str::to_string);
            hooks.insert((fam.clone(), table.clone(), name.clone()), hook.clone());
            if hook.is_some() {
                chains.push(Chain {
                    backend: Kind::Nftables,
                    family: fam,
                    table,
                    name,
                    hook,
                    policy: c["policy"].as_str().map(str::to_string),
                });
            }
        }
    }
    (sets, hooks, chains)
}

/// What the expressions of one rule say.
#[derive(Default)]
struct Exprs {
    /// Destination-port matches.
    pm: Vec<PortMatch>,
    /// The destination-address match, as text.
    daddr: Option<String>,
    /// The rule's verdict (the last one).
    verdict: Option<Verdict>,
    /// Every expression as text.
    text: Vec<String>,
    /// The rule matches on something.
    has_match: bool,
}

impl Exprs {
    fn read(exprs: &[Value], sets: &Sets, table: &str) -> Exprs {
        let mut x = Exprs::default();
        for e in exprs {
            if let Some(m) = e.get("match") {
                x.add_match(m, sets, table);
                continue;
            }
            let Some(o) = e.as_object() else { continue };
            let Some((k, val)) = o.iter().next() else {
                continue;
            };
            x.add_statement(k, val);
        }
        x
    }

    fn add_match(&mut self, m: &Value, sets: &Sets, table: &str) {
        self.has_match = true;
        let left = &m["left"];
        let op = m["op"].as_str().unwrap_or("==");
        let field = left["payload"]["field"].as_str().unwrap_or("");
        let proto = left["payload"]["protocol"].as_str().unwrap_or("");
        if field == "dport" && matches!(proto, "tcp" | "th" | "udp" | "sctp") {
            self.pm.push(PortMatch {
                negated: op == "!=",
                ranges: nft_ports(&m["right"], sets, table),
            });
        }
        if field == "daddr" && matches!(proto, "ip" | "ip6") {
            self.daddr = Some(format!(
                "{}{}",
                if op == "!=" { "!= " } else { "" },
                nft_value_text(&m["right"])
            ));
        }
        let op_text = match op {
            "==" | "in" => String::new(),
            o => format!("{o} "),
        };
        self.text.push(format!(
            "{} {op_text}{}",
            nft_value_text(left),
            nft_value_text(&m["right"])
        ));
    }

    /// A statement `{k: val}`: a verdict, or anything else (shown as text only).
    fn add_statement(&mut self, k: &String, val: &Value) {
        let vd = match k.as_str() {
            "accept" => Some(Verdict::Accept),
            "drop" => Some(Verdict::Drop),
            "reject" => {
                let with = if val.is_null() {
                    None
                } else {
                    let ty = val["type"].as_str().unwrap_or("");
                    let ex = val["expr"].as_str().unwrap_or("");
                    Some(format!("{ty} {ex}").trim().to_string()).filter(|s| !s.is_empty())
                };
                Some(Verdict::Reject { with })
            }
            "jump" | "goto" => Some(Verdict::Other {
                name: format!("{k} {}", val["target"].as_str().unwrap_or("")),
            }),
            "return" | "queue" | "continue" => Some(Verdict::Other { name: k.clone() }),
            _ => None,
        };
        match vd {
            Some(v) => {
                self.text.push(match &v {
                    // i18n: not text (the rule as nft writes it)
                    Verdict::Reject { with: Some(w) } => format!("reject with {w}"),
                    Verdict::Reject { with: None } => "reject".into(),
                    Verdict::Other { name } => name.clone(),
                    Verdict::Accept => "accept".into(),
                    Verdict::Drop => "drop".into(),
                });
                self.verdict = Some(v);
            }
            None => {
                let t = nft_value_text(val);
                self.text.push(if k == "counter" || t.is_empty() {
                    k.clone()
                } else {
                    format!("{k} {t}")
                });
            }
        }
    }
}
