//! Rules about nginx itself: down, a configuration that fails `nginx -t`, proxy targets that
//! point where nothing listens, response headers too big for its buffers.

use super::*;
use crate::tr;

pub(super) fn proxy_down(c: &Ctx<'_>) -> Option<Finding> {
    let p = c
        .by_role(Role::Proxy)
        .find(|h| is_tcp_fail(h, NetError::Refused))?;
    let mut ev = vec![probe_evidence(p)];
    let svc = service_of(c, p);
    let mut conf = Confidence::Medium;
    if let Some(port) = port_of(p)
        && let Some((present, e)) = listener_evidence(c, port)
    {
        if present {
            // Something listens but refuses: that is a REJECT rule, not a dead proxy.
            return None;
        }
        ev.push(e);
        conf = Confidence::High;
    }
    if let Some(s) = svc.as_deref().and_then(|s| service_evidence(c, s)) {
        ev.push(s);
    }
    let mut explains = vec![p.name.clone()];
    explains.extend(
        c.red()
            .filter(|h| {
                h.name != p.name
                    && (h.role == Role::ViaProxy
                        || (h.role == Role::Proxy && is_tcp_fail(h, NetError::Refused)))
            })
            .map(|h| h.name.clone()),
    );
    Some(finding(
        "proxy_down",
        tr!("finding-proxy_down-title", target = p.target),
        conf,
        ev,
        tr!("finding-proxy_down-why"),
        vec![
            tr!("finding-proxy_down-next-restart"),
            tr!("finding-proxy_down-next-log"),
        ],
        Some(format!("restart:{}", svc.unwrap_or_else(|| "nginx".into()))),
        explains,
    ))
}

pub(super) fn proxy_config_invalid(c: &Ctx<'_>) -> Option<Finding> {
    let n = c.input.host.nginx?;
    let NginxTest::Failed {
        message,
        file,
        line,
        hint,
    } = &n.test
    else {
        return None;
    };
    let (fix, fact) = match (file, line) {
        (Some(f), Some(l)) => {
            let at = format!("{}:{l}", f.display());
            (
                tr!("finding-proxy_config_invalid-next-fix-at", at = at),
                tr!("ev-nginx-test-at", message = message, at = at),
            )
        }
        (Some(f), None) => (
            tr!(
                "finding-proxy_config_invalid-next-fix-in",
                file = f.display()
            ),
            tr!("ev-nginx-test-in", message = message, file = f.display()),
        ),
        _ => (
            tr!("finding-proxy_config_invalid-next-fix"),
            message.clone(),
        ),
    };
    let mut steps = vec![fix];
    if let Some(h) = hint {
        steps.push(h.clone());
    }
    steps.push(tr!("finding-proxy_config_invalid-next-until"));
    Some(finding(
        "proxy_config_invalid",
        tr!(
            "finding-proxy_config_invalid-title",
            message = crate::util::shorten(message, 100)
        ),
        Confidence::High,
        vec![Evidence {
            source: "host:nginx -t".into(),
            fact,
        }],
        tr!("finding-proxy_config_invalid-why"),
        steps,
        None,
        c.by_role(Role::Proxy)
            .filter(|h| h.state == State::Fail)
            .map(|h| h.name.clone())
            .collect(),
    ))
}

pub(super) fn proxy_target_mismatch(c: &Ctx<'_>) -> Option<Finding> {
    let via502: Vec<&HopResult> = c
        .red()
        .filter(|h| h.role == Role::ViaProxy && h.detail.http_status == Some(502))
        .collect();
    if via502.is_empty() {
        return one_family_only(c);
    }
    let upstream_ok = c
        .by_role(Role::Upstream)
        .filter(|h| h.kind != HopKind::Tcp)
        .any(|h| h.state == State::Ok);
    let bad: Vec<&crate::host::nginx::TargetMapping> = c
        .input
        .host
        .targets
        .map(|t| {
            t.iter()
                .filter(|m| {
                    matches!(
                        m.status,
                        TargetStatus::NoListener
                            | TargetStatus::OtherAddress
                            | TargetStatus::UnixSocketMissing
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if bad.is_empty() && !(upstream_ok && c.input.host.targets.is_none()) {
        return None;
    }
    // The application itself is down: service_down explains it better. Not so when it listens
    // on the port, on another address than nginx's (127.0.0.2, a LAN address, ::1 only): an
    // upstream hop on nginx's address then fails for this very reason.
    let elsewhere_only =
        !bad.is_empty() && bad.iter().all(|m| m.status == TargetStatus::OtherAddress);
    if !upstream_ok
        && !bad.is_empty()
        && !elsewhere_only
        && c.by_role(Role::Upstream).any(|h| h.state == State::Fail)
    {
        return None;
    }
    // Other 502 causes in the log explain it better when the mapping shows nothing wrong.
    let other_causes = [
        Class::HeaderTooBig,
        Class::InvalidResponse,
        Class::PermissionDenied,
        Class::UpstreamTls,
    ];
    let current = |cl: &Class| c.log_count(&[*cl]) > 0 && !c.log_superseded(&[*cl]);
    if bad.is_empty() && other_causes.iter().any(current) {
        return None;
    }
    let mut ev: Vec<Evidence> = via502.iter().map(|h| probe_evidence(h)).collect();
    ev.extend(
        c.by_role(Role::Upstream)
            .filter(|h| h.state == State::Ok)
            .map(probe_evidence),
    );
    ev.extend(bad.iter().map(|m| mapping_evidence(m)));
    // Where the application really answers: the upstream hops that are green.
    let real: Vec<String> = c
        .by_role(Role::Upstream)
        .filter(|h| h.kind == HopKind::Tcp && h.state == State::Ok)
        .map(|h| h.target.clone())
        .collect();
    if !bad.is_empty() && !real.is_empty() {
        ev.push(Evidence {
            source: "probe".into(),
            fact: tr!("ev-proxy-target-real", addresses = real.join(", ")),
        });
    }
    // The upstream hops refused on the very address nginx uses fail for the same reason.
    let moved_ports: Vec<u16> = bad
        .iter()
        .filter(|_| elsewhere_only)
        .filter_map(|m| crate::util::split_host_port(&m.endpoint).map(|(_, p)| p))
        .collect();
    let mut explained = names(&via502);
    explained.extend(
        c.by_role(Role::Upstream)
            .filter(|h| {
                h.state == State::Fail
                    && h.detail.error == Some(NetError::Refused)
                    && hop_port(h).is_some_and(|p| moved_ports.contains(&p))
            })
            .map(|h| h.name.clone()),
    );
    let mut steps: Vec<String> = vec![
        tr!("finding-proxy_target_mismatch-next-compare"),
        tr!("finding-proxy_target_mismatch-next-fix"),
    ];
    if let Some(m) = bad.iter().find(|_| elsewhere_only)
        && let Some(l) = m.listeners.first()
    {
        steps[1] = tr!(
            "finding-proxy_target_mismatch-next-point",
            listener = l.endpoint,
            endpoint = m.endpoint
        );
    }
    let title = match bad.first() {
        Some(m) if m.status == TargetStatus::OtherAddress => tr!(
            "finding-proxy_target_mismatch-title-elsewhere",
            endpoint = m.endpoint,
            listeners = m
                .listeners
                .iter()
                .map(|l| l.endpoint.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some(m) => tr!(
            "finding-proxy_target_mismatch-title-nothing",
            endpoint = m.endpoint
        ),
        None => tr!("finding-proxy_target_mismatch-title-upstream"),
    };
    Some(finding(
        "proxy_target_mismatch",
        title,
        if bad.is_empty() || !upstream_ok {
            Confidence::Medium
        } else {
            Confidence::High
        },
        ev,
        tr!("finding-proxy_target_mismatch-why"),
        steps,
        None,
        explained,
    ))
}
/// One proxy target nginx cannot reach, as evidence: where it points and what listens instead.
fn mapping_evidence(m: &crate::host::nginx::TargetMapping) -> Evidence {
    let elsewhere = m
        .listeners
        .iter()
        .map(|l| l.endpoint.as_str())
        .collect::<Vec<&str>>()
        .join(", ");
    let status = match m.status {
        TargetStatus::NoListener => tr!("ev-nginx-target-status-nothing"),
        TargetStatus::OtherAddress => tr!("ev-nginx-target-status-elsewhere"),
        TargetStatus::UnixSocketMissing => tr!("ev-nginx-target-status-socket"),
        _ => tr!("ev-nginx-target-status-unreachable"),
    };
    let (server, location, directive, endpoint) =
        (&m.server, &m.location, &m.directive, &m.endpoint);
    let fact = match (m.upstream.as_deref(), elsewhere.is_empty()) {
        (None, true) => tr!(
            "ev-nginx-target",
            server = server,
            location = location,
            directive = directive,
            endpoint = endpoint,
            status = status
        ),
        (None, false) => tr!(
            "ev-nginx-target-instead",
            server = server,
            location = location,
            directive = directive,
            endpoint = endpoint,
            status = status,
            listeners = elsewhere
        ),
        (Some(u), true) => tr!(
            "ev-nginx-target-upstream",
            server = server,
            location = location,
            directive = directive,
            endpoint = endpoint,
            upstream = u,
            status = status
        ),
        (Some(u), false) => tr!(
            "ev-nginx-target-upstream-instead",
            server = server,
            location = location,
            directive = directive,
            endpoint = endpoint,
            upstream = u,
            status = status,
            listeners = elsewhere
        ),
    };
    Evidence {
        source: "host:nginx".into(),
        fact,
    }
}

pub(super) fn header_buffer_too_small(c: &Ctx<'_>) -> Option<Finding> {
    // Headers too big, then (buffers raised, or not) the upstream failing otherwise: the
    // 502s are no longer this.
    if c.log_superseded(&[Class::HeaderTooBig]) {
        return None;
    }
    let lev = c.log_evidence(&[Class::HeaderTooBig])?;
    let mut ev = vec![lev];
    if let Some(n) = c.input.host.nginx {
        let sizes: Vec<String> = n
            .proxied_locations()
            .map(|(_, l)| {
                format!(
                    "{} proxy_buffer_size {}",
                    l.path, l.settings.buffer_size.value
                )
            })
            .collect();
        if !sizes.is_empty() {
            ev.push(Evidence {
                source: "host:nginx".into(),
                fact: sizes.join("; "),
            });
        }
    }
    let via: Vec<&HopResult> = c
        .red()
        .filter(|h| h.role == Role::ViaProxy && h.detail.http_status == Some(502))
        .collect();
    ev.extend(via.iter().map(|h| probe_evidence(h)));
    Some(finding(
        "header_buffer_too_small",
        tr!("finding-header_buffer_too_small-title"),
        if via.is_empty() {
            Confidence::Medium
        } else {
            Confidence::High
        },
        ev,
        tr!("finding-header_buffer_too_small-why"),
        vec![
            tr!("finding-header_buffer_too_small-next-raise"),
            tr!("finding-header_buffer_too_small-next-reload"),
        ],
        Some("reload:nginx".into()),
        names(&via),
    ))
}

/// The WebSocket handshake works direct to the Document Server but not through the proxy: the
/// proxy does not pass `Upgrade`/`Connection` (or speaks HTTP/1.0 upstream), and editors hang
/// on "loading" without a single 502. Needs both views: a via-proxy `websocket` hop that got an
/// HTTP answer other than 101 (not a dead proxy or upstream, which other rules explain) and an
/// upstream `websocket` hop that upgraded.
/// The request headers a WebSocket upgrade needs from the proxy.
const WS_HEADERS: [&str; 2] = ["Upgrade", "Connection"]; // i18n: not text

pub(super) fn websocket_not_proxied(c: &Ctx<'_>) -> Option<Finding> {
    let ws = |role: Role| {
        c.input
            .hops
            .iter()
            .filter(move |h| h.kind == HopKind::Websocket && h.role == role)
    };
    let direct = ws(Role::Upstream).find(|h| h.state == State::Ok)?;
    let proxied: Vec<&HopResult> = ws(Role::ViaProxy)
        .filter(|h| h.state == State::Fail)
        .filter(|h| {
            h.detail
                .http_status
                .is_some_and(|s| s != 101 && s != 502 && s != 504)
        })
        .collect();
    if proxied.is_empty() {
        return None;
    }
    let mut ev: Vec<Evidence> = proxied.iter().map(|h| probe_evidence(h)).collect();
    ev.push(probe_evidence(direct));
    let locations: Vec<String> = c
        .input
        .integration
        .and_then(|r| r.headers.as_ref())
        .into_iter()
        .flatten()
        .filter(|h| {
            h.missing
                .iter()
                .any(|m| WS_HEADERS.iter().any(|w| m.starts_with(w)) || m.contains("http_version"))
        })
        .map(|h| {
            tr!(
                "ev-nginx-headers-missing",
                server = h.server,
                location = h.location,
                pass = h.pass,
                at = h.at,
                missing = h.missing.join("; ")
            )
        })
        .collect();
    let confidence = if locations.is_empty() {
        Confidence::Medium
    } else {
        Confidence::High
    };
    for l in locations {
        ev.push(Evidence {
            source: "host:nginx".into(),
            fact: l,
        });
    }
    Some(finding(
        "websocket_not_proxied",
        tr!(
            "finding-websocket_not_proxied-title",
            proxied = proxied[0].target,
            direct = direct.target
        ),
        confidence,
        ev,
        tr!("finding-websocket_not_proxied-why"),
        vec![tr!("finding-websocket_not_proxied-next-headers")],
        None,
        names(&proxied),
    ))
}

/// nginx refused uploads larger than `client_max_body_size` (413): a document too big to save
/// or upload. From the error log (probes never upload), with the limit in effect for the
/// request's location.
pub(super) fn upload_too_large(c: &Ctx<'_>) -> Option<Finding> {
    let hits: Vec<&crate::logs::Record> = c
        .input
        .logs
        .iter()
        .filter(|r| r.class() == Class::ClientBodyTooLarge)
        .collect();
    let last = match hits.last()? {
        crate::logs::Record::Nginx(e) => e,
        _ => return None,
    };
    let mut ev: Vec<Evidence> = Ctx::evidence_of(&hits).into_iter().collect();
    let bytes = last
        .message
        // i18n: not text (nginx's log message)
        .split("too large body: ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse::<u64>().ok());
    let path = last
        .request
        .as_deref()
        .and_then(|r| r.split(' ').nth(1))
        .unwrap_or("/");
    let mut limit: Option<String> = None;
    if let Some(n) = c.input.host.nginx
        && let Some((server, located)) = n.server_location(last.host.as_deref(), path)
    {
        use crate::host::nginx::locate::{Located, label};
        let fact = match located {
            Located::Found(loc) => {
                let m = &loc.settings.client_max_body_size;
                limit = Some(m.value.clone());
                match m.at.as_deref() {
                    Some(a) => tr!(
                        "ev-nginx-body-limit-set",
                        server = server.label(),
                        location = label(loc),
                        at = loc.at,
                        value = m.value,
                        set = a
                    ),
                    None => tr!(
                        "ev-nginx-body-limit-default",
                        server = server.label(),
                        location = label(loc),
                        at = loc.at,
                        value = m.value
                    ),
                }
            }
            Located::None => tr!(
                "ev-nginx-body-limit-server",
                server = server.label(),
                path = path
            ),
            Located::Undecidable(why) => format!("{}: {why}", server.label()),
        };
        ev.push(Evidence {
            source: "host:nginx".into(),
            fact,
        });
    }
    // The limit in force now lets that body through (raised since, or 0 = no limit): the
    // refusals are history. (A raise written but not yet reloaded reads the same: the lines
    // then come back.)
    if let (Some(b), Some(l)) = (bytes, limit.as_deref().and_then(nginx_size))
        && (l == 0 || l >= b)
    {
        return None;
    }
    let size = bytes
        .map(|b| format!("{:.1} MiB", b as f64 / 1_048_576.0))
        .unwrap_or_else(|| tr!("finding-upload_too_large-size-unknown"));
    Some(finding(
        "upload_too_large",
        match limit.as_deref() {
            Some(l) => tr!(
                "finding-upload_too_large-title-limit",
                size = size,
                path = path,
                limit = l
            ),
            None => tr!("finding-upload_too_large-title", size = size, path = path),
        },
        if limit.is_some() {
            Confidence::High
        } else {
            Confidence::Medium
        },
        ev,
        tr!("finding-upload_too_large-why"),
        vec![tr!("finding-upload_too_large-next-raise", path = path)],
        None,
        Vec::new(),
    ))
}

/// The port a hop connects to: `host:port` targets and URLs (with the scheme's default).
fn hop_port(h: &HopResult) -> Option<u16> {
    port_of(h).or_else(|| url::Url::parse(&h.target).ok()?.port_or_known_default())
}

/// An nginx size (`1m`, `100M`, `512k`, `1g`, `4096`) in bytes; `None` when it does not parse.
fn nginx_size(v: &str) -> Option<u64> {
    let v = v.trim();
    let (num, unit) = match v.char_indices().last()? {
        (i, 'k' | 'K') => (&v[..i], 1024),
        (i, 'm' | 'M') => (&v[..i], 1024 * 1024),
        (i, 'g' | 'G') => (&v[..i], 1024 * 1024 * 1024),
        _ => (v, 1),
    };
    num.parse::<u64>().ok()?.checked_mul(unit)
}

/// An upstream written as a name (`localhost`) that nginx resolves to two addresses, while the
/// application listens on one family only: nginx tries the dead address first for part of the
/// requests, logs `connect() to [::1]:8000 failed (111)` (or `(99: Cannot assign requested
/// address)` with IPv6 off) and retries on the other, so probes stay green. Evidence: the
/// upstream's addresses, where the application listens, the error lines per address.
fn one_family_only(c: &Ctx<'_>) -> Option<Finding> {
    let targets = c.input.host.targets?;
    let dead: Vec<&crate::host::nginx::TargetMapping> = targets
        .iter()
        .filter(|m| m.status == TargetStatus::OtherAddress)
        .filter(|m| {
            targets.iter().any(|o| {
                o.status == TargetStatus::Listening
                    && o.target == m.target
                    && o.server == m.server
                    && o.location == m.location
            })
        })
        .collect();
    let mut ev = Vec::new();
    let mut hits_total = 0;
    // The mappings whose failed attempts were logged, in order.
    let mut seen: Vec<&crate::host::nginx::TargetMapping> = Vec::new();
    for m in &dead {
        let hits: Vec<&crate::logs::Record> = c
            .input
            .logs
            .iter()
            .filter(|r| {
                matches!(r.class(), Class::UpstreamRefused | Class::UpstreamUnreachable)
                    && matches!(r, crate::logs::Record::Nginx(e) if e.upstream_peer() == Some(m.endpoint.as_str()))
            })
            .collect();
        if hits.is_empty() {
            continue;
        }
        hits_total += hits.len();
        let live: Vec<&str> = targets
            .iter()
            .filter(|o| o.status == TargetStatus::Listening && o.target == m.target)
            .map(|o| o.endpoint.as_str())
            .collect();
        let listeners = m
            .listeners
            .iter()
            .map(|l| l.endpoint.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        // A name resolves to its addresses; an upstream group lists them as servers.
        let fact = match &m.upstream {
            Some(u) => tr!(
                "ev-nginx-two-families-upstream",
                server = m.server,
                location = m.location,
                directive = m.directive,
                target = m.target,
                upstream = u,
                live = live.join(", "),
                endpoint = m.endpoint,
                listeners = listeners
            ),
            None => tr!(
                "ev-nginx-two-families-name",
                server = m.server,
                location = m.location,
                directive = m.directive,
                target = m.target,
                live = live.join(", "),
                endpoint = m.endpoint,
                listeners = listeners
            ),
        };
        ev.push(Evidence {
            source: "host:nginx".into(),
            fact,
        });
        ev.extend(Ctx::evidence_of(&hits));
        seen.push(m);
    }
    let first = seen.first()?;
    Some(Finding {
        severity: State::Warn,
        ..finding(
            "proxy_target_mismatch",
            if hits_total == 1 {
                tr!(
                    "finding-proxy_target_mismatch-family-title-one",
                    endpoint = first.endpoint,
                    target = first.target
                )
            } else {
                tr!(
                    "finding-proxy_target_mismatch-family-title-many",
                    endpoint = first.endpoint,
                    target = first.target,
                    n = hits_total
                )
            },
            Confidence::High,
            ev,
            tr!("finding-proxy_target_mismatch-family-why"),
            vec![tr!(
                "finding-proxy_target_mismatch-family-next-address",
                address = first.target.replace("localhost", "127.0.0.1")
            )],
            None,
            Vec::new(),
        )
    })
}
