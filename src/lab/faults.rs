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

/// Write nginx.conf with `upstream_port`, test it, and reload a running nginx; then wait
/// (bounded) until nginx answers /healthcheck with a 502 (wrong port) or not (fixed).
fn set_upstream(
    st: &LabState,
    sup: &ProcId,
    upstream_port: u16,
    nginx_running: bool,
) -> anyhow::Result<bool> {
    let path = st.dir.join("nginx.conf");
    let want = render::nginx_conf(
        &st.dir,
        st.nginx_port,
        upstream_port,
        crate::util::is_root(),
    );
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
        Fault::WrongUpstreamPort => {
            let running = program_running(dir, &sup, "nginx");
            if set_upstream(&st, &sup, st.spare_port, running)? && running {
                settle_nginx(&st, true);
            }
        }
        Fault::JwtMismatch => {
            let other = sys::random_hex(16)?;
            sys::write_private(
                &dir.join("local.json"),
                &deps::local_json(&other, dir, &st.deps),
            )?;
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
    let local = deps::local_json(&secret, dir, &st.deps);
    if sys::read_text(&dir.join("local.json"))?.as_deref() != Some(local.as_str()) {
        sys::write_private(&dir.join("local.json"), &local)?;
    }
    deps::heal(&st, &sup, &healed)?;
    let progs = program_states(dir, &sup).unwrap_or_default();
    let running = |n: &str| progs.iter().any(|p| p.name == n && p.state == "RUNNING");
    set_upstream(&st, &sup, st.ds_port, running("nginx"))?;
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
