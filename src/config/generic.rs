//! The generic profile: a chain built from two URLs (`--proxy-url`, `--app-url`) for any
//! application behind nginx, without a config file.

use super::*;
use crate::tr;

/// The generic profile: `proxy_url` (the public URL through nginx) and `app_url` (the
/// application nginx proxies to).
pub fn generic(sel: &Selector) -> Result<Config, LoadError> {
    let err = |m: String| LoadError {
        // i18n: not text (the command-line flag the problem is about)
        source: "--profile generic".into(),
        problems: vec![Problem::plain(m, Some(tr!("config-generic-hint")))],
    };
    let proxy = sel
        .proxy_url
        .as_deref()
        .ok_or_else(|| err(tr!("config-generic-needs-url", flag = "--proxy-url")))?;
    let app = sel
        .app_url
        .as_deref()
        .ok_or_else(|| err(tr!("config-generic-needs-url", flag = "--app-url")))?;
    let pu = crate::util::UrlParts::parse(proxy).map_err(|e| {
        err(tr!(
            "config-generic-bad-url",
            flag = "--proxy-url",
            error = e
        ))
    })?;
    let au = crate::util::UrlParts::parse(app)
        .map_err(|e| err(tr!("config-generic-bad-url", flag = "--app-url", error = e)))?;
    let mut hops = Vec::new();
    let hop = |name: &str, kind, role, target: Option<String>, url: Option<String>| Hop {
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
        service: None,
    };
    if pu.host.parse::<std::net::IpAddr>().is_err() {
        hops.push(hop(
            "dns",
            HopKind::Dns,
            Role::Dns,
            Some(pu.host.clone()),
            None,
        ));
    }
    hops.push(hop(
        "proxy",
        HopKind::Tcp,
        Role::Proxy,
        Some(pu.authority()),
        None,
    ));
    if pu.scheme == "https" {
        hops.push(hop(
            "proxy-tls",
            HopKind::Tls,
            Role::Proxy,
            Some(pu.authority()),
            None,
        ));
    }
    let mut via = hop(
        "via-proxy",
        HopKind::Http,
        Role::ViaProxy,
        None,
        Some(proxy.into()),
    );
    // What a healthy application answers, through the proxy as directly.
    via.expect_status = sel.app_expect_status;
    hops.push(via);
    hops.push(hop(
        "app",
        HopKind::Tcp,
        Role::Upstream,
        Some(au.authority()),
        None,
    ));
    let mut app_http = hop(
        "app-http",
        HopKind::Http,
        Role::Upstream,
        None,
        Some(app.into()),
    );
    app_http.expect_status = sel.app_expect_status;
    hops.push(app_http);
    Ok(Config {
        profile: "generic".into(),
        hops,
        services: vec![Service {
            name: "nginx".into(),
            backend: Backend::Auto,
            unit: None,
            supervisor_config: None,
        }],
        logs: Logs {
            nginx_error: vec!["/var/log/nginx/error.log".into()],
            nginx_access: vec!["/var/log/nginx/access.log".into()],
            docserver: vec![],
        },
        ..Config::default()
    })
}
