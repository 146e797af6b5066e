//! Breaking and healing the lab: each fault injected for real (a stopped program, a hung
//! stand-in, a wrong upstream port, an nftables table of the lab's own, …) and `fix` undoing
//! every active one.

use super::*;

/// The lab's state and its running supervisord, after the folder check.
fn require_up(dir: &Path) -> anyhow::Result<(LabState, ProcId)> {
    check_dir(dir)?;
    let st = if dir_exists(dir) {
        load_state(dir)?
    } else {
        None
    };
    let st = st.with_context(|| {
        format!(
            "no lab at {} (no lab.json); start it with: {}",
            dir.display(),
            lab_cmd(dir, "up")
        )
    })?;
    let Some(sup) = live_supervisord(&st) else {
        bail!(
            "the lab at {} is not running (supervisord is gone); run: {} && {}",
            dir.display(),
            lab_cmd(dir, "down"),
            lab_cmd(dir, "up")
        );
    };
    Ok((st, sup))
}

pub(super) fn nft_path() -> anyhow::Result<Option<PathBuf>> {
    trusted_program("nft")
}

pub(super) fn firewall_table_exists(nft: &Path, table: &str) -> bool {
    let args = ["list", "table", "inet", table].map(String::from);
    sys::run(nft, &args, CMD_TIMEOUT).is_ok_and(|o| o.ok())
}

/// Delete the lab's table when it exists; `Ok(true)` when one was removed.
pub(super) fn firewall_remove(table: &str) -> anyhow::Result<bool> {
    if !crate::util::is_root() {
        return Ok(false);
    }
    let Some(nft) = nft_path()? else {
        return Ok(false);
    };
    if !firewall_table_exists(&nft, table) {
        return Ok(false);
    }
    let args = ["delete", "table", "inet", table].map(String::from);
    let o = sys::run(&nft, &args, CMD_TIMEOUT)?;
    if !o.ok() {
        bail!("`{}` failed: {}", sys::show_argv(&nft, &args), o.message());
    }
    Ok(true)
}

fn firewall_add(st: &LabState, reject: bool) -> anyhow::Result<()> {
    if !crate::util::is_root() {
        bail!("firewall faults need root (nftables rules); run as root, e.g. with sudo");
    }
    let nft = nft_path()?
        .with_context(|| "firewall faults need nft - install with: apt-get install nftables")?;
    let table = st.firewall_table();
    firewall_remove(&table)?;
    let file = st.dir.join("firewall.nft");
    sys::write_file(&file, &render::firewall_ruleset(&table, st.ds_port, reject))?;
    let args = vec!["-f".to_string(), file.display().to_string()];
    let o = sys::run(&nft, &args, CMD_TIMEOUT)?;
    if !o.ok() {
        bail!("`{}` failed: {}", sys::show_argv(&nft, &args), o.message());
    }
    Ok(())
}

fn program_running(dir: &Path, sup: &ProcId, name: &str) -> bool {
    program_states(dir, sup)
        .unwrap_or_default()
        .iter()
        .any(|p| p.name == name && p.state == "RUNNING")
}

/// Write nginx.conf in `shape`, test it, and reload a running nginx. Whether it changed.
fn set_proxy(
    st: &LabState,
    sup: &ProcId,
    shape: &render::ProxyShape,
    nginx_running: bool,
) -> anyhow::Result<bool> {
    let path = st.dir.join("nginx.conf");
    let want = render::nginx_conf_with(&st.dir, st.nginx_port, shape, crate::util::is_root());
    if sys::read_text(&path)?.as_deref() == Some(want.as_str()) {
        return Ok(false);
    }
    sys::write_file(&path, &want)?;
    // nginx is found again, never taken from lab.json.
    nginx_test(&st.dir, &tools()?.nginx)?;
    if nginx_running {
        supervisorctl_ok(&st.dir, sup, &["signal", "HUP", "nginx"])?;
    }
    Ok(true)
}

/// A fault of nginx's configuration: write its shape (replacing another such fault), then
/// make what users would do happen, so the error log has it: an upload too large for the
/// limit (until nginx answers 413, bounded), requests that meet the upstream's dead address.
fn break_proxy(st: &mut LabState, sup: &ProcId, fault: Fault) -> anyhow::Result<()> {
    let Some(shape) = fault.proxy_shape(st) else {
        return Ok(());
    };
    let running = program_running(&st.dir, sup, "nginx");
    let changed = set_proxy(st, sup, &shape, running)?;
    let snapshot = st.clone();
    st.faults.retain(|f| f.proxy_shape(&snapshot).is_none());
    if !running {
        return Ok(());
    }
    match fault {
        Fault::WrongUpstreamPort if changed => settle_nginx(st, true),
        Fault::UploadTooLarge => {
            let refused = sys::wait_until(Duration::from_secs(5), || {
                sys::http_upload(
                    st.nginx_port,
                    UPLOAD_PATH,
                    UPLOAD_BYTES,
                    Duration::from_secs(3),
                )
                .is_ok_and(|code| code == 413)
            });
            if !refused {
                bail!("nginx did not refuse a {UPLOAD_BYTES}-byte upload with 413 within 5 s");
            }
        }
        Fault::UpstreamOneFamily => {
            for _ in 0..4 {
                let _ = sys::http_get(st.nginx_port, "/healthcheck", Duration::from_secs(3));
            }
        }
        _ => {}
    }
    Ok(())
}

/// Turn docservice's `autorestart` on or off in supervisord.conf, and let supervisord take it
/// (`reread`, `update docservice`: the program is re-added, stopped as `autostart=false`
/// leaves it; the caller starts it). Whether the file changed.
fn set_autorestart(st: &LabState, sup: &ProcId, on: bool) -> anyhow::Result<bool> {
    let path = st.dir.join("supervisord.conf");
    let text = sys::read_text(&path)?.with_context(|| format!("{} is missing", path.display()))?;
    let Some(at) = text.find("[program:docservice]") else {
        bail!("{}: no [program:docservice]", path.display());
    };
    let end = text[at + 1..]
        .find("\n[")
        .map_or(text.len(), |e| at + 1 + e);
    let (from, to) = if on {
        ("\nautorestart=false\n", "\nautorestart=true\n")
    } else {
        ("\nautorestart=true\n", "\nautorestart=false\n")
    };
    let section = &text[at..end];
    if !section.contains(from) {
        return Ok(false);
    }
    let new = format!(
        "{}{}{}",
        &text[..at],
        section.replacen(from, to, 1),
        &text[end..]
    );
    sys::write_file(&path, &new)?;
    supervisorctl_ok(&st.dir, sup, &["reread"])?;
    supervisorctl_ok(&st.dir, sup, &["update", "docservice"])?;
    Ok(true)
}

/// Whether docservice's supervisor program is set not to restart (`no-autorestart`).
pub(super) fn autorestart_off(dir: &Path) -> bool {
    sys::read_text(&dir.join("supervisord.conf"))
        .ok()
        .flatten()
        .and_then(|t| {
            let at = t.find("[program:docservice]")?;
            let end = t[at + 1..].find("\n[").map_or(t.len(), |e| at + 1 + e);
            Some(t[at..end].contains("\nautorestart=false\n"))
        })
        .unwrap_or(false)
}

/// Where `upload-too-large` uploads (the Document Server's upload route) and how much.
const UPLOAD_PATH: &str = "/upload/lab-doc/lab-user/1";
const UPLOAD_BYTES: u64 = 2 * 1024 * 1024;

/// `upstream-wrong-address`: the stand-in restarted listening on [::1] only; waits (bounded)
/// until it accepts there.
fn break_wrong_address(st: &LabState, sup: &ProcId) -> anyhow::Result<()> {
    let v6 = std::net::IpAddr::V6(std::net::Ipv6Addr::LOCALHOST);
    sys::write_file(&standin::listen_path(&st.dir), &format!("{v6}\n"))?;
    supervisorctl_ok(&st.dir, sup, &["restart", "docservice"])?;
    let addr = std::net::SocketAddr::new(v6, st.ds_port);
    let up = sys::wait_until(Duration::from_secs(5), || {
        std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
    });
    if !up {
        bail!(
            "the stand-in does not accept on {addr} within 5 s; see {}/logs/",
            st.dir.display()
        );
    }
    Ok(())
}

/// Wait (bounded, 5 s) until a GET /healthcheck through nginx gives `want_502` or not.
fn settle_nginx(st: &LabState, want_502: bool) {
    sys::wait_until(Duration::from_secs(5), || {
        match sys::http_get(st.nginx_port, "/healthcheck", Duration::from_secs(3)) {
            Ok((code, _)) => (code == 502) == want_502,
            Err(_) => false,
        }
    });
}

pub(super) fn integrator_secret(dir: &Path) -> anyhow::Result<String> {
    let p = dir.join("lab.toml");
    let text = sys::read_text(&p)?.with_context(|| format!("{} is missing", p.display()))?;
    let cfg = crate::config::parse(&text, &p.display().to_string())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    cfg.onlyoffice
        .jwt_secret
        .map(|s| s.expose().to_string())
        .with_context(|| format!("{} has no [onlyoffice] jwt_secret", p.display()))
}

/// The converter's side of a new lab: its mode healthy, its log present from the start (the
/// console reads it; kept across ups), the storage's document.
pub(super) fn prepare_delivery(dir: &Path) -> anyhow::Result<()> {
    sys::write_file(&convert::mode_path(dir), "healthy\n")?;
    crate::fsafe::open_write(
        &convert::log_path(dir),
        crate::fsafe::WriteMode::Append,
        0o644,
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    sys::write_file(&dir.join(render::STORAGE_DOC), &storage_document())
}

/// The lab storage's document: 16 KiB of text (above `document-too-large`'s limit).
fn storage_document() -> String {
    let line = "triage502 lab document: the converter downloads this file from the storage.\n";
    line.repeat(16 * 1024 / line.len() + 1)
}

/// `maxDownloadBytes` of the `document-too-large` fault (below the document's size).
const TOO_LARGE_LIMIT: u64 = 1024;

/// Set one value of the lab's local.json (`pointer` to an object key, parents created).
fn set_local_json(dir: &Path, path: &[&str], value: serde_json::Value) -> anyhow::Result<()> {
    let p = dir.join("local.json");
    let text = sys::read_text(&p)?.with_context(|| format!("{} is missing", p.display()))?;
    let mut v: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", p.display()))?;
    let mut cur = &mut v;
    for k in &path[..path.len() - 1] {
        if !cur[*k].is_object() {
            cur[*k] = serde_json::json!({});
        }
        cur = &mut cur[*k];
    }
    cur[path[path.len() - 1]] = value;
    let mut out = serde_json::to_string_pretty(&v).context("cannot render local.json")?;
    out.push('\n');
    sys::write_private(&p, &out)
}

/// Inject a delivery or converter fault, then run one conversion through nginx (with a
/// callback for `callback-failed`) so the Document Server logs the failure now.
fn break_delivery(st: &LabState, fault: Fault) -> anyhow::Result<()> {
    let dir = &st.dir;
    let storage = format!("http://127.0.0.1:{}/{}", st.nginx_port, render::STORAGE_DOC);
    let mut url = storage.clone();
    let mut callback = None;
    match fault {
        Fault::StorageDenied => sys::write_file(&dir.join(render::STORAGE_DENIED_FLAG), "403\n")?,
        Fault::StorageUnreachable => {
            url = format!("http://127.0.0.1:{}/{}", st.spare_port, render::STORAGE_DOC)
        }
        Fault::StorageTls => {
            let port = super::tls_storage::serve(dir.join(render::STORAGE_DOC))?;
            url = format!("https://127.0.0.1:{port}/{}", render::STORAGE_DOC)
        }
        Fault::StoragePrivateIp => set_local_json(
            dir,
            &[
                "services",
                "CoAuthoring",
                "request-filtering-agent",
                "allowPrivateIPAddress",
            ],
            false.into(),
        )?,
        Fault::DocumentTooLarge => set_local_json(
            dir,
            &["FileConverter", "converter", "maxDownloadBytes"],
            TOO_LARGE_LIMIT.into(),
        )?,
        Fault::CallbackFailed => {
            sys::write_file(&dir.join(render::CALLBACK_FAILS_FLAG), "500\n")?;
            callback = Some(format!("http://127.0.0.1:{}/callback", st.nginx_port));
        }
        Fault::ConverterHang => sys::write_file(&convert::mode_path(dir), "hang\n")?,
        Fault::X2tKilled => sys::write_file(&convert::mode_path(dir), "x2t-killed\n")?,
        _ => bail!("{} is not a delivery fault", fault.name()),
    }
    let secret = integrator_secret(dir)?;
    let sent = convert::request_conversion(
        st.nginx_port,
        &secret,
        &url,
        callback.as_deref(),
        Duration::from_secs(20),
    );
    if fault == Fault::ConverterHang {
        // nginx has answered 504; the converter's own line follows when it gives up.
        let log = convert::log_path(dir);
        sys::wait_until(Duration::from_millis(convert::HANG_MS + 3000), || {
            sys::read_text(&log)
                .ok()
                .flatten()
                .is_some_and(|t| t.contains("receiveTask timeout"))
        });
    }
    sent.map(|_| ()).with_context(|| {
        format!("the fault is in place, but the conversion request through nginx to {url} failed")
    })
}

/// `lab break FAULT`: inject one fault and record it in lab.json. Mode faults (hang,
/// big-headers, health-false) replace each other, as do the two firewall faults.
pub fn break_fault(dir: &Path, fault: Fault) -> anyhow::Result<LabState> {
    let (mut st, sup) = require_up(dir)?;
    match fault {
        Fault::DocserviceDown => {
            supervisorctl_ok(dir, &sup, &["stop", "docservice"])?;
            sys::wait_until(Duration::from_secs(5), || {
                !sys::port_accepts(st.ds_port, Duration::from_millis(200))
            });
        }
        Fault::NginxDown => {
            supervisorctl_ok(dir, &sup, &["stop", "nginx"])?;
            sys::wait_until(Duration::from_secs(5), || {
                !sys::port_accepts(st.nginx_port, Duration::from_millis(200))
            });
        }
        Fault::DocserviceHang | Fault::BigHeaders | Fault::HealthFalse => {
            let mode = fault.mode().unwrap_or(standin::Mode::Healthy);
            sys::write_file(&standin::mode_path(dir), &format!("{}\n", mode.as_str()))?;
            st.faults.retain(|f| f.mode().is_none());
        }
        Fault::WrongUpstreamPort
        | Fault::WebsocketNotProxied
        | Fault::UploadTooLarge
        | Fault::UpstreamOneFamily
        | Fault::NoFailover => break_proxy(&mut st, &sup, fault)?,
        Fault::UpstreamWrongAddress => break_wrong_address(&st, &sup)?,
        Fault::NoAutorestart => {
            if set_autorestart(&st, &sup, false)? {
                supervisorctl_ok(dir, &sup, &["start", "docservice"])?;
            }
        }
        Fault::JwtMismatch => {
            let other = sys::random_hex(16)?;
            sys::write_private(
                &dir.join("local.json"),
                &deps::local_json(&other, dir, &st.deps),
            )?;
        }
        Fault::DiskFull => disk::break_disk_full(dir)?,
        Fault::SecureLinkMismatch => {
            let path = dir.join("local.json");
            let text =
                sys::read_text(&path)?.with_context(|| format!("{} is missing", path.display()))?;
            let mut v: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("{} does not parse", path.display()))?;
            v["storage"]["fs"]["secretString"] = serde_json::Value::String(sys::random_hex(10)?);
            sys::write_private(&path, &format!("{}\n", serde_json::to_string_pretty(&v)?))?;
        }
        Fault::FirewallDrop | Fault::FirewallReject => {
            firewall_add(&st, fault == Fault::FirewallReject)?;
            st.faults.retain(|f| !f.is_firewall());
        }
        Fault::DsConfigInvalid
        | Fault::PortTaken
        | Fault::CrashLoop
        | Fault::RedisDown
        | Fault::PostgresDown
        | Fault::DatabaseError => deps::break_fault(&st, &sup, fault)?,
        _ => break_delivery(&st, fault)?,
    }
    if !st.faults.contains(&fault) {
        st.faults.push(fault);
    }
    refresh_pids(&mut st);
    write_state(&st)?;
    Ok(st)
}

/// `lab fix`: heal every fault (whatever lab.json says): firewall table removed, stand-in mode
/// healthy, local.json back to the integrator's secret, nginx upstream back to the stand-in,
/// both programs started; then wait (bounded) until nginx answers /healthcheck `true`.
/// Returns the faults that were recorded as active.
pub fn fix(dir: &Path) -> anyhow::Result<Vec<Fault>> {
    let (mut st, sup) = require_up(dir)?;
    let healed = std::mem::take(&mut st.faults);
    firewall_remove(&st.firewall_table())?;
    sys::write_file(&standin::mode_path(dir), "healthy\n")?;
    let secret = integrator_secret(dir)?;
    disk::unmount(dir)?;
    disk::prepare(dir)?;
    let local = deps::local_json(&secret, dir, &st.deps);
    if sys::read_text(&dir.join("local.json"))?.as_deref() != Some(local.as_str()) {
        sys::write_private(&dir.join("local.json"), &local)?;
    }
    for flag in [render::STORAGE_DENIED_FLAG, render::CALLBACK_FAILS_FLAG] {
        let p = dir.join(flag);
        if std::fs::symlink_metadata(&p).is_ok() {
            std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
        }
    }
    sys::write_file(&convert::mode_path(dir), "healthy\n")?;
    let listen = standin::listen_path(dir);
    let relisten = std::fs::symlink_metadata(&listen).is_ok();
    if relisten {
        std::fs::remove_file(&listen)
            .with_context(|| format!("cannot remove {}", listen.display()))?;
    }
    set_autorestart(&st, &sup, true)?;
    deps::heal(&st, &sup, &healed)?;
    let progs = program_states(dir, &sup).unwrap_or_default();
    let running = |n: &str| progs.iter().any(|p| p.name == n && p.state == "RUNNING");
    // local.json changed under a running Document Server takes a restart, as on a real one;
    // its start line makes the failures logged before it history. So does its listen address.
    if (relisten || healed.iter().any(|f| f.is_delivery())) && running("docservice") {
        supervisorctl_ok(dir, &sup, &["restart", "docservice"])?;
    }
    set_proxy(
        &st,
        &sup,
        &render::ProxyShape::healthy(st.ds_port),
        running("nginx"),
    )?;
    let mut start = vec!["start"];
    start.extend(["docservice", "nginx"].into_iter().filter(|n| !running(n)));
    if start.len() > 1 {
        supervisorctl_ok(dir, &sup, &start)?;
    }
    let ok = sys::wait_until(UP_TIMEOUT, || {
        matches!(
            sys::http_get(st.nginx_port, "/healthcheck", Duration::from_secs(3)),
            Ok((200, ref b)) if b.trim() == "true"
        )
    });
    refresh_pids(&mut st);
    write_state(&st)?;
    if !ok {
        bail!(
            "after fix, http://127.0.0.1:{}/healthcheck still does not answer `true` within {} s; see {}/logs/",
            st.nginx_port,
            UP_TIMEOUT.as_secs(),
            dir.display()
        );
    }
    Ok(healed)
}
