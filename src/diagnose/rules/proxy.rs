//! Rules about nginx itself: down, a configuration that fails `nginx -t`, proxy targets that
//! point where nothing listens, response headers too big for its buffers.

use super::*;

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
        format!("nginx does not answer on {}", p.target),
        conf,
        ev,
        "Nothing accepts connections on the proxy's port, so every request fails before it reaches the application.",
        vec![
            "Start or restart nginx; if it does not stay up, run `nginx -t` for the configuration error.".into(),
            "Look at the end of nginx's error log for [emerg] lines (port already in use, missing certificate).".into(),
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
    let at = match (file, line) {
        (Some(f), Some(l)) => format!(" at {}:{l}", f.display()),
        (Some(f), None) => format!(" in {}", f.display()),
        _ => String::new(),
    };
    let mut steps = vec![format!(
        "Fix the error{at}, then run `nginx -t` again before reloading."
    )];
    if let Some(h) = hint {
        steps.push(h.clone());
    }
    steps.push("Until it is fixed, a reload or restart of nginx will fail (a running nginx keeps the old config).".into());
    Some(finding(
        "proxy_config_invalid",
        format!(
            "nginx configuration test fails: {}",
            crate::util::shorten(message, 100)
        ),
        Confidence::High,
        vec![Evidence {
            source: "host:nginx -t".into(),
            fact: format!("{message}{at}"),
        }],
        "nginx refuses to load a configuration that fails its test: the next reload or restart will not take it.",
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
            fact: format!(
                "the application answers on {}: point proxy_pass / the upstream there",
                real.join(", ")
            ),
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
        "Compare proxy_pass / upstream servers with where the application listens (ports pane, ss -ltnp).".into(),
        "Fix the address in the nginx configuration, run nginx -t, then reload nginx.".into(),
    ];
    if let Some(m) = bad.iter().find(|_| elsewhere_only)
        && let Some(l) = m.listeners.first()
    {
        steps[1] = format!(
            "Point the upstream at {} (nginx -t, then reload nginx), or make the application listen on {} as well (its listen/bind setting) and restart it.",
            l.endpoint, m.endpoint
        );
    }
    let title = match bad.first() {
        Some(m) if m.status == TargetStatus::OtherAddress => format!(
            "nginx proxies to {}, but the application listens on {} only",
            m.endpoint,
            m.listeners
                .iter()
                .map(|l| l.endpoint.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some(m) => format!("nginx proxies to {} where nothing listens", m.endpoint),
        None => "nginx gets no answer upstream while the application answers directly".into(),
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
        "nginx's proxy_pass / upstream points at an address or port where the application does not listen, while the application itself answers on its real address.",
        steps,
        None,
        explained,
    ))
}
/// One proxy target nginx cannot reach, as evidence: where it points and what listens instead.
fn mapping_evidence(m: &crate::host::nginx::TargetMapping) -> Evidence {
    let elsewhere: Vec<&str> = m.listeners.iter().map(|l| l.endpoint.as_str()).collect();
    let tail = if elsewhere.is_empty() {
        String::new()
    } else {
        format!("; listening instead: {}", elsewhere.join(", "))
    };
    let via = m
        .upstream
        .as_deref()
        .map(|u| format!(" (upstream {u})"))
        .unwrap_or_default();
    let status = match m.status {
        TargetStatus::NoListener => "nothing listens there",
        TargetStatus::OtherAddress => "the port listens on another address only",
        TargetStatus::UnixSocketMissing => "the socket file does not exist",
        _ => "not reachable",
    };
    Evidence {
        source: "host:nginx".into(),
        fact: format!(
            "server {} location {} {} → {}{via}: {status}{tail}",
            m.server, m.location, m.directive, m.endpoint
        ),
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
        "The application's response headers do not fit nginx's proxy buffer".into(),
        if via.is_empty() { Confidence::Medium } else { Confidence::High },
        ev,
        "nginx reads the upstream's response headers into proxy_buffer_size (4k or 8k by default); larger headers (big cookies, long CSP) make it answer 502.",
        vec![
            "Raise the buffers in the location: proxy_buffer_size 16k; proxy_buffers 8 16k; proxy_busy_buffers_size 32k;".into(),
            "Run nginx -t and reload nginx.".into(),
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
            h.missing.iter().any(|m| {
                m.starts_with("Upgrade")
                    || m.starts_with("Connection")
                    || m.contains("http_version")
            })
        })
        .map(|h| {
            format!(
                "{} location {} (proxy_pass {}) at {}: missing {}",
                h.server,
                h.location,
                h.pass,
                h.at,
                h.missing.join("; ")
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
        format!(
            "WebSocket upgrade fails through the proxy ({}) but works direct ({})",
            proxied[0].target, direct.target
        ),
        confidence,
        ev,
        "The editor keeps a WebSocket to the Document Server (/doc/<id>/c/?EIO=4&transport=websocket); a proxy location that does not pass Upgrade and Connection, or speaks HTTP/1.0 to the upstream, turns the upgrade into a plain GET: the editor hangs on loading, with no 502 anywhere.",
        vec![
            "In the location that proxies to the Document Server add: proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade; (with a map $http_upgrade $connection_upgrade { default upgrade; '' close; }), then nginx -t and reload.".into(),
        ],
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
                format!(
                    "{} {} (at {}): client_max_body_size {} ({})",
                    server.label(),
                    label(loc),
                    loc.at,
                    m.value,
                    m.at.as_deref()
                        .map(|a| format!("set at {a}"))
                        .unwrap_or_else(|| "nginx's default".into()),
                )
            }
            Located::None => format!(
                "{}: no location serves {path}; the server-level client_max_body_size applies",
                server.label()
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
        .unwrap_or_else(|| "a body".into());
    Some(finding(
        "upload_too_large",
        format!(
            "nginx refused a {size} upload to {path} (413){}",
            limit
                .as_deref()
                .map(|l| format!(": client_max_body_size is {l}"))
                .unwrap_or_default()
        ),
        if limit.is_some() {
            Confidence::High
        } else {
            Confidence::Medium
        },
        ev,
        "nginx answers 413 Request Entity Too Large when a request body exceeds client_max_body_size (default 1m) of the location that handles it: documents larger than that cannot be uploaded or saved, whatever the Document Server allows.",
        vec![format!(
            "Raise client_max_body_size in the server or location that handles {path} (e.g. client_max_body_size 100m;), then nginx -t and reload."
        )],
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
        // A name resolves to its addresses; an upstream group lists them as servers.
        let gives = match &m.upstream {
            Some(u) => format!("upstream {u} has servers"),
            None => "resolves to".into(),
        };
        ev.push(Evidence {
            source: "host:nginx".into(),
            fact: format!(
                "server {} location {} {} {}: {gives} {} and {}; the application listens on {} only",
                m.server,
                m.location,
                m.directive,
                m.target,
                live.join(", "),
                m.endpoint,
                m.listeners
                    .iter()
                    .map(|l| l.endpoint.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
        ev.extend(Ctx::evidence_of(&hits));
    }
    let first = dead.iter().find(|m| {
        ev.iter()
            .any(|e| e.fact.contains(&format!("and {}", m.endpoint)))
    })?;
    Some(Finding {
        severity: State::Warn,
        ..finding(
            "proxy_target_mismatch",
            format!(
                "nginx also tries {} for {} ({hits_total} failed attempt{} logged): the application listens on one address family only",
                first.endpoint,
                first.target,
                if hits_total == 1 { "" } else { "s" }
            ),
            Confidence::High,
            ev,
            "nginx resolves a host name in proxy_pass / upstream to every address it has (localhost: 127.0.0.1 and ::1) and tries them in turn; the one where nothing listens fails on part of the requests, which nginx retries on the other. Users mostly get through, but each such request waits for a failed attempt, the error log fills, and when the working address fails there is no second chance.",
            vec![format!(
                "Write the address the application listens on instead of the name ({}), then nginx -t and reload; or make the application listen on both families.",
                first.target.replace("localhost", "127.0.0.1")
            )],
            None,
            Vec::new(),
        )
    })
}
