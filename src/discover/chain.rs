//! From what discovery found to a config: the hops of the chain (the same names as the embedded
//! profile and the lab: `dns`, `nginx`, `via-nginx`, `docservice`, `health`, `command`,
//! `ws-nginx`, `ws-docservice`, then the dependencies), the services, the logs, nginx's binary
//! and options, the Document Server's settings files and the integrator — each with where it
//! came from. A pure function: the tests feed it recorded pieces.

use crate::tr;
use std::path::PathBuf;

use crate::config::{Config, Hop, HopKind, IntegrationKind, Role, Service};

use super::docserver::Dep;
use super::proxy::DsServer;

/// The probe path of the editor's WebSocket.
const WS_PATH: &str = "/doc/triage502-probe/c/?EIO=4&transport=websocket";

/// A service with where it was learnt.
pub type Sourced<T> = (T, String);

/// The nginx in front.
#[derive(Debug, Clone)]
pub struct Front {
    /// The server block.
    pub server: DsServer,
    /// nginx's service.
    pub service: Option<Sourced<Service>>,
    /// nginx's binary, `-c`, `-p`, and where they came from.
    pub nginx: Sourced<crate::config::Nginx>,
}

/// The Document Server behind it.
#[derive(Debug, Clone)]
pub struct Ds {
    /// Where docservice (or a container's own nginx) listens.
    pub host: String,
    /// Its port.
    pub port: u16,
    /// How it was found.
    pub source: String,
    /// Its service.
    pub service: Option<Sourced<Service>>,
    /// The folder of its settings.
    pub config_dir: Option<PathBuf>,
    /// A Docker container whose own nginx answers on the port (not docservice itself).
    pub container: Option<String>,
}

/// Everything the chain is built from.
#[derive(Debug, Clone, Default)]
pub struct Pieces {
    /// The nginx in front, when found.
    pub front: Option<Front>,
    /// The Document Server, when found.
    pub ds: Option<Ds>,
    /// Its dependencies with their services.
    pub deps: Vec<(Dep, Option<Sourced<Service>>)>,
    /// nginx error logs.
    pub nginx_error: Vec<Sourced<PathBuf>>,
    /// nginx access logs.
    pub nginx_access: Vec<Sourced<PathBuf>>,
    /// Document Server logs.
    pub docserver_logs: Vec<Sourced<PathBuf>>,
    /// The integrator (Nextcloud, Seafile).
    pub integrator: Option<super::integrator::Integrator>,
}

/// Profile name of a discovered config.
pub const PROFILE: &str = "discovered";

fn hop(name: &str, kind: HopKind, role: Role, addr: String, service: Option<&str>) -> Hop {
    let (target, url) = if kind.uses_url() {
        (None, Some(addr))
    } else {
        (Some(addr), None)
    };
    Hop {
        name: name.into(),
        kind,
        role,
        target,
        url,
        host_header: None,
        expect_status: None,
        expect_body: None,
        timeout_ms: None,
        insecure: false,
        ca_file: None,
        service: service.map(str::to_string),
    }
}

/// The base URL probes use through the proxy (scheme, host, port, subpath), the name the DNS
/// hop resolves, and where they came from.
fn public_base(f: &Front, nc: Option<&super::integrator::Integrator>) -> (String, String, String) {
    let s = &f.server;
    // The integrator's URL, when it points at this server block's port.
    if let Some(u) = nc.and_then(|n| n.document_server_url.as_deref())
        && let Ok(p) = crate::util::UrlParts::parse(u)
        && p.port == s.port
    {
        let base = u.trim_end_matches('/').to_string();
        let name = if p.host.parse::<std::net::IpAddr>().is_ok() {
            "localhost".to_string()
        } else {
            p.host.clone()
        };
        return (base, name, tr!("discover-src-integrator-url"));
    }
    let scheme = if s.tls { "https" } else { "http" };
    // A certificate names names: over TLS the server name, else the listen address.
    let host = match (&s.server_name, s.tls) {
        (Some(n), true) => n.clone(),
        _ => s.host.clone(),
    };
    let default = if s.tls { 443 } else { 80 };
    let hp = if s.port == default {
        host
    } else {
        format!("{host}:{}", s.port)
    };
    let name = s.server_name.clone().unwrap_or_else(|| "localhost".into());
    (
        format!("{scheme}://{hp}{}", s.subpath),
        name,
        tr!("discover-src-server-block", at = s.at),
    )
}

fn connect_host(h: &str) -> String {
    if h == "localhost" {
        "127.0.0.1".into()
    } else {
        h.into()
    }
}

type Hops = Vec<(Hop, String)>;

/// The hops of the nginx in front, and the base URL of the Document Server through it.
fn front_hops(
    f: &Front,
    nc: Option<&super::integrator::Integrator>,
    svc: Option<&str>,
) -> (Hops, String) {
    let (base, name, why) = public_base(f, nc);
    let s = &f.server;
    let at = tr!("discover-src-listen", at = s.at);
    let mut v: Hops = Vec::new();
    // A name to resolve; an address needs none.
    if name.parse::<std::net::IpAddr>().is_err() {
        v.push((hop("dns", HopKind::Dns, Role::Dns, name, None), why.clone()));
    }
    let tcp = format!("{}:{}", connect_host(&s.host), s.port);
    v.push((
        hop("nginx", HopKind::Tcp, Role::Proxy, tcp, svc),
        at.clone(),
    ));
    if s.tls {
        let t = format!("{}:{}", s.server_name.as_deref().unwrap_or(&s.host), s.port);
        let cert = s
            .certificate
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        v.push((
            hop("nginx-tls", HopKind::Tls, Role::Proxy, t, svc),
            tr!("discover-src-tls", listen = at, cert = cert),
        ));
    }
    v.push((
        hop(
            "via-nginx",
            HopKind::DocserverHealth,
            Role::ViaProxy,
            format!("{base}/healthcheck"),
            svc,
        ),
        format!("{why}; {} {}", s.location, s.location_at),
    ));
    (v, base)
}

/// The hops of the Document Server, through `via` (the front's base URL) when there is one.
fn ds_hops(d: &Ds, via: Option<&str>, front_svc: Option<&str>, svc: Option<&str>) -> Hops {
    let ds = format!("{}:{}", d.host, d.port);
    // A container's own nginx is a proxy of its own: only through it is there a command
    // service (docservice's port is not published).
    let proxy = d.container.is_some() && via.is_none();
    let (role, inner) = if proxy {
        (Role::Proxy, Role::ViaProxy)
    } else {
        (Role::Upstream, Role::Upstream)
    };
    let base = via
        .map(str::to_string)
        .unwrap_or_else(|| format!("http://{ds}"));
    let cmd_role = if via.is_some() { Role::ViaProxy } else { inner };
    let mut v: Hops = vec![
        (
            hop("docservice", HopKind::Tcp, role, ds.clone(), svc),
            d.source.clone(),
        ),
        (
            hop(
                "health",
                HopKind::DocserverHealth,
                inner,
                format!("http://{ds}/healthcheck"),
                svc,
            ),
            d.source.clone(),
        ),
        (
            hop(
                "command",
                HopKind::DocserverCommand,
                cmd_role,
                format!("{base}/coauthoring/CommandService.ashx"),
                svc,
            ),
            tr!("discover-src-command", base = base),
        ),
    ];
    if via.is_some() {
        v.push((
            hop(
                "ws-nginx",
                HopKind::Websocket,
                Role::ViaProxy,
                format!("{base}{WS_PATH}"),
                front_svc,
            ),
            tr!("discover-src-websocket", base = base),
        ));
    }
    if d.container.is_none() {
        v.push((
            hop(
                "ws-docservice",
                HopKind::Websocket,
                Role::Upstream,
                format!("http://{ds}{WS_PATH}"),
                svc,
            ),
            d.source.clone(),
        ));
    }
    v
}

/// The config and, for every hop, service and log, where it came from.
pub fn build(p: &Pieces) -> (Config, Vec<Sourced<String>>) {
    let mut c = Config {
        profile: PROFILE.into(),
        ..Config::default()
    };
    let mut notes: Vec<Sourced<String>> = Vec::new();
    let svc_name = |s: &Option<Sourced<Service>>| s.as_ref().map(|(s, _)| s.name.clone());
    let front_svc = p.front.as_ref().and_then(|f| svc_name(&f.service));
    let ds_svc =
        p.ds.as_ref()
            .and_then(|d| svc_name(&d.service))
            .or_else(|| front_svc.clone());
    let mut hops: Hops = Vec::new();
    let mut via: Option<String> = None;
    if let Some(f) = &p.front {
        let (h, base) = front_hops(f, p.integrator.as_ref(), front_svc.as_deref());
        hops.extend(h);
        via = Some(base);
    }
    if let Some(d) = &p.ds {
        hops.extend(ds_hops(
            d,
            via.as_deref(),
            front_svc.as_deref(),
            ds_svc.as_deref(),
        ));
        if let Some(dir) = &d.config_dir {
            c.onlyoffice.local_json = dir.join("local.json");
            c.onlyoffice.default_json = dir.join("default.json");
            notes.push((
                "local.json".into(),
                format!("{} ({})", dir.join("local.json").display(), d.source),
            ));
        }
        c.integration.docker_container = d.container.clone();
    }
    for (dep, svc) in &p.deps {
        let target = format!("{}:{}", dep.host, dep.port);
        let h = hop(
            &dep.name,
            HopKind::Tcp,
            Role::Dependency,
            target,
            svc_name(svc).as_deref(),
        );
        hops.push((h, dep.source.clone()));
    }
    for (h, src) in hops {
        notes.push((format!("hop {}", h.name), src));
        c.hops.push(h);
    }
    let mut services: Vec<&Sourced<Service>> = Vec::new();
    services.extend(p.front.as_ref().and_then(|f| f.service.as_ref()));
    services.extend(p.ds.as_ref().and_then(|d| d.service.as_ref()));
    services.extend(p.deps.iter().filter_map(|(_, s)| s.as_ref()));
    for (s, src) in services {
        if !c.services.iter().any(|x| x.name == s.name) {
            notes.push((format!("service {}", s.name), src.clone()));
            c.services.push(s.clone());
        }
    }
    for (list, out) in [
        (&p.nginx_error, &mut c.logs.nginx_error),
        (&p.nginx_access, &mut c.logs.nginx_access),
        (&p.docserver_logs, &mut c.logs.docserver),
    ] {
        for (path, src) in list {
            if !out.contains(path) {
                notes.push((format!("log {}", path.display()), src.clone()));
                out.push(path.clone());
            }
        }
    }
    if let Some(f) = &p.front {
        c.nginx = f.nginx.0.clone();
        notes.push(("nginx".into(), f.nginx.1.clone()));
    }
    if let Some(n) = &p.integrator {
        c.integration.kind = n.kind;
        match n.kind {
            IntegrationKind::Seafile => c.integration.seahub_settings = n.file.clone(),
            _ => c.integration.nextcloud_config = n.file.clone(),
        }
        c.integration.document_server_url = n.document_server_url.clone();
        c.integration.integrator_url = n.base_url.clone();
        c.integration.storage_urls.extend(n.storage_url.clone());
        c.integration.occ = n.occ.clone();
        let src = format!("{:?} {}", n.kind, n.file.display());
        notes.push(("integration".into(), src));
    }
    (c, notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Backend;

    /// The recorded `docker inspect` of an `onlyoffice/documentserver` container (published
    /// 8080→80, `JWT_SECRET` set, logs volume) gives the chain of that container.
    #[test]
    fn recorded_docker_inspect_gives_the_expected_chain() {
        let c = super::super::docker::parse_inspect(super::super::docker::tests::RECORDED)
            .expect("parses")
            .remove(0);
        let p = super::super::docker_pieces(&c);
        let (cfg, notes) = build(&p);
        let hops: Vec<_> = cfg
            .hops
            .iter()
            .map(|h| {
                (
                    h.name.as_str(),
                    h.kind,
                    h.role,
                    h.display_target(),
                    h.service.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            hops,
            [
                (
                    "docservice",
                    HopKind::Tcp,
                    Role::Proxy,
                    "127.0.0.1:8080",
                    Some("onlyoffice")
                ),
                (
                    "health",
                    HopKind::DocserverHealth,
                    Role::ViaProxy,
                    "http://127.0.0.1:8080/healthcheck",
                    Some("onlyoffice")
                ),
                (
                    "command",
                    HopKind::DocserverCommand,
                    Role::ViaProxy,
                    "http://127.0.0.1:8080/coauthoring/CommandService.ashx",
                    Some("onlyoffice")
                ),
            ]
        );
        assert_eq!(cfg.services.len(), 1);
        assert_eq!(
            (cfg.services[0].name.as_str(), cfg.services[0].backend),
            ("onlyoffice", Backend::Docker)
        );
        assert_eq!(
            cfg.integration.docker_container.as_deref(),
            Some("onlyoffice")
        );
        assert_eq!(
            cfg.logs.docserver,
            [
                PathBuf::from("/app/onlyoffice/logs/documentserver/docservice/out.log"),
                PathBuf::from("/app/onlyoffice/logs/documentserver/converter/out.log"),
            ]
        );
        assert_eq!(
            cfg.logs.nginx_error,
            [PathBuf::from(
                "/app/onlyoffice/logs/documentserver/nginx.error.log"
            )]
        );
        assert_eq!(cfg.profile, PROFILE);
        assert!(
            notes
                .iter()
                .any(|(w, s)| w == "hop docservice" && s.contains("container onlyoffice")),
            "{notes:?}"
        );
        // A valid config, and the secret is nowhere.
        let text = super::super::render::config_toml(&cfg, &notes, &[]);
        crate::config::parse(&text, "discovered").expect("valid");
        assert!(!text.contains("my-jwt-secret-value"));
    }
}
