//! Forwarded headers and mixed content. From the parsed nginx configuration, every location
//! that proxies to the Document Server (its target is the docservice port, or an upstream named
//! like docservice/onlyoffice/documentserver, or an upstream whose servers use that port) must
//! pass `Host`, `X-Forwarded-Proto`, `X-Forwarded-Host` and the websocket pair
//! `Upgrade`/`Connection`: without them the Document Server builds wrong public URLs (http
//! instead of https, the upstream's name) and the editor's websocket fails.

use crate::config::{Config, HopKind};
use crate::host::nginx::{Location, NginxFacts, ServerBlock, Target};
use serde::Serialize;

/// One proxied location in front of the Document Server.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProxyHeaderCheck {
    /// Server label (`name (listen)`).
    pub server: String,
    /// Location path (with modifier).
    pub location: String,
    /// `file:line` of the location.
    pub at: String,
    /// The pass target as written.
    pub pass: String,
    /// Headers missing or wrong, each with why.
    pub missing: Vec<String>,
}

/// An https integrator pointed at an http Document Server.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MixedContent {
    /// The integrator's URL.
    pub integrator_url: String,
    /// The Document Server URL it uses.
    pub document_server_url: String,
    /// Where the DS URL came from.
    pub source: String,
}

fn port_of_hop(h: &crate::config::Hop) -> Option<u16> {
    if let Some(u) = &h.url {
        return crate::util::UrlParts::parse(u).ok().map(|p| p.port);
    }
    h.target
        .as_deref()
        .and_then(crate::util::split_host_port)
        .map(|(_, p)| p)
}

/// Ports the Document Server's docservice listens on, from hops named or serviced like
/// `docservice` (tcp targets, or upstream http hops); 8000 when none is configured.
pub fn docservice_ports(cfg: &Config) -> Vec<u16> {
    let mut v: Vec<u16> = cfg
        .hops
        .iter()
        .filter(|h| {
            let n = h.name.to_ascii_lowercase();
            let s = h.service.as_deref().unwrap_or("").to_ascii_lowercase();
            (n.contains("docservice") || s.contains("docservice")) && matches!(h.kind, HopKind::Tcp)
        })
        .filter_map(port_of_hop)
        .collect();
    v.sort_unstable();
    v.dedup();
    if v.is_empty() {
        v.push(8000);
    }
    v
}

fn ds_named(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "docservice",
        "onlyoffice",
        "documentserver",
        "docserver",
        "document-server",
        "document_server",
    ]
    .iter()
    .any(|k| n.contains(k))
}

/// Whether a location proxies to the Document Server.
pub fn proxies_to_docserver(facts: &NginxFacts, loc: &Location, ports: &[u16]) -> bool {
    let Some(p) = &loc.pass else {
        return false;
    };
    if p.directive != "proxy_pass" {
        return false;
    }
    match &p.target {
        Target::Address { port, .. } => ports.contains(port),
        Target::Upstream { name, .. } => {
            ds_named(name)
                || facts.upstream(name).is_some_and(|u| {
                    u.servers.iter().any(
                    |s| matches!(&s.target, Target::Address { port, .. } if ports.contains(port)),
                )
                })
        }
        Target::Variable { raw } => ds_named(raw),
        Target::Unix { .. } => false,
    }
}

fn check_location(loc: &Location) -> Vec<String> {
    let s = &loc.settings;
    let mut missing = Vec::new();
    match s.header("Host") {
        None => missing.push("Host (not passed)".to_string()),
        Some(v) if v.contains("$proxy_host") => missing.push(
            "Host (nginx's default $proxy_host: the Document Server sees the upstream's name, not the public one)"
                .to_string(),
        ),
        Some(_) => {}
    }
    if s.header("X-Forwarded-Proto").is_none_or(str::is_empty) {
        missing.push(
            "X-Forwarded-Proto (the Document Server builds http:// links behind an https proxy)"
                .to_string(),
        );
    }
    if s.header("X-Forwarded-Host").is_none_or(str::is_empty) {
        missing.push("X-Forwarded-Host (public host name for generated links)".to_string());
    }
    if !s
        .header("Upgrade")
        .is_some_and(|v| v.to_ascii_lowercase().contains("upgrade"))
    {
        missing.push("Upgrade $http_upgrade (websocket of the editor)".to_string());
    }
    match s.header("Connection") {
        Some(v) if v.to_ascii_lowercase().contains("upgrade") => {}
        Some(v) => missing.push(format!(
            "Connection is \"{v}\" (websocket needs \"upgrade\" or $connection_upgrade)"
        )),
        None => missing.push("Connection upgrade (websocket of the editor)".to_string()),
    }
    missing
}

fn location_label(l: &Location) -> String {
    match &l.modifier {
        Some(m) => format!("{m} {}", l.path),
        None => l.path.clone(),
    }
}

/// Check every location that proxies to the Document Server.
pub fn check_forwarded_headers(facts: &NginxFacts, ports: &[u16]) -> Vec<ProxyHeaderCheck> {
    facts
        .proxied_locations()
        .filter(|(_, l)| proxies_to_docserver(facts, l, ports))
        .map(|(s, l): (&ServerBlock, &Location)| ProxyHeaderCheck {
            server: s.label(),
            location: location_label(l),
            at: l.at.clone(),
            pass: l.pass.as_ref().map(|p| p.raw.clone()).unwrap_or_default(),
            missing: check_location(l),
        })
        .collect()
}

/// An https integrator URL with an http Document Server URL.
pub fn mixed_content(
    integrator_url: Option<&str>,
    ds_url: Option<&str>,
    source: &str,
) -> Option<MixedContent> {
    let i = integrator_url?;
    let d = ds_url?;
    if i.to_ascii_lowercase().starts_with("https://")
        && d.to_ascii_lowercase().starts_with("http://")
    {
        Some(MixedContent {
            integrator_url: i.to_string(),
            document_server_url: d.to_string(),
            source: source.to_string(),
        })
    } else {
        None
    }
}
