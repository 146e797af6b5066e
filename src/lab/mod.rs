//! The loopback lab: a real nginx (the system's package) proxying to the built-in stand-in
//! Document Server ([`standin`]), both run as programs under a real supervisord, everything on
//! 127.0.0.1 and inside one lab folder, plus a `lab.toml` the console can open.
//!
//! Layout of the lab folder `DIR` (default `${TMPDIR:-/tmp}/triage502-lab-<uid>`):
//!
//! | file | what |
//! |---|---|
//! | `lab.toml` | triage502 config of the lab (`triage502 --config DIR/lab.toml`) |
//! | `local.json` | the stand-in's ONLYOFFICE config (JWT on, random secret) |
//! | `nginx.conf` | nginx on 127.0.0.1:NGINX_PORT → `upstream docservice` 127.0.0.1:DS_PORT |
//! | `supervisord.conf` | supervisord with programs `docservice`, `nginx`, `redis`, `postgresql` (root) and `squatter` (started by `port-taken` only) |
//! | `squatter.conf` | the foreign nginx of `port-taken`, on the DS port |
//! | `pg-password` | the stand-in's PostgreSQL password (also in `local.json`) |
//! | `standin-mode` | one word read by the stand-in on each request |
//! | `lab.json` | ports, pids, secret fingerprint, active faults ([`LabState`]) |
//! | `logs/` | `nginx/error.log`, `nginx/access.log`, `docservice/out.log`, `docservice/err.log` (its stderr), `converter/out.log`, `supervisord.log`, `redis.log`, `postgresql.log` |
//! | `cache/files` | the stand-in's `storage.fs.folderPath`; a tmpfs while `disk-full` is on ([`disk`]) |
//! | `storage/doc.docx` | the integrator's storage, served by the lab's nginx at `/storage/` |
//! | `converter-mode` | one word read by the stand-in's converter ([`convert`]) |
//!
//! The stand-in's dependencies (Redis; PostgreSQL as root, its data in `/var/tmp`) and the
//! faults about why it is down are [`deps`]'s.
//!
//! `lab up` when the lab is already up says so and succeeds without touching it (idempotent);
//! a stale folder (lab.json present, supervisord gone) is cleaned (leftover processes killed)
//! and brought up afresh. `lab down` stops everything it started, by pid, removes the lab's
//! firewall table and `lab.json`, and keeps configs and logs.
//!
//! The default folder lives in a shared `/tmp`, so nothing in a folder is trusted before the
//! folder is: every subcommand first checks that it is ours alone (not a symlink, owned by the
//! caller, writable by nobody else, in folders nobody else can swap it from), and refuses
//! otherwise. Inside, files are read and written without following symlinks
//! ([`crate::fsafe`]); programs (nginx, supervisord, supervisorctl, nft) are found on `PATH`
//! every time, never taken from a file of the folder; supervisord is the process `lab up`
//! started (pid and start time recorded in lab.json) and supervisorctl talks to it on the
//! socket in the folder; `lab down` stops only the recorded processes (still the same ones)
//! and their descendants.
//!
//! Faults ([`Fault`]) are injected by [`break_fault`] and all healed by [`fix`].

pub mod cli;
pub mod convert;
mod deps;
mod disk;
mod fault;
mod faults;
pub use fault::Fault;
mod live;
mod render;
mod supervisor;
mod tls_storage;
pub use faults::{break_fault, fix};
use faults::{firewall_remove, firewall_table_exists, integrator_secret, nft_path};
pub use live::{Component, Status, lab_cmd, status};
use supervisor::*;
pub mod standin;
mod sys;

pub use render::Ports;

use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;
use sys::ProcId;

/// Debian packages that provide what the lab runs.
pub const INSTALL_HINT: &str = "apt-get install nginx-light supervisor";

/// The nginx binary the lab uses.
pub const NGINX_BINARY: &str = "/usr/sbin/nginx";

/// Bounded wait for the lab to come up (supervisor socket, programs RUNNING, ports).
const UP_TIMEOUT: Duration = Duration::from_secs(10);
/// Bounded wait for one helper command (nginx -t, supervisorctl, nft).
const CMD_TIMEOUT: Duration = Duration::from_secs(15);

/// What `lab up` needs.
#[derive(Debug, Clone)]
pub struct LabOptions {
    /// The lab folder.
    pub dir: PathBuf,
    /// The program supervisord runs as the stand-in: `EXE lab standin --dir DIR --port N`
    /// (the triage502 binary, or the `lab_standin` example in tests).
    pub exe: PathBuf,
}

/// The default lab folder: `${TMPDIR:-/tmp}/triage502-lab-<uid>`.
pub fn default_dir() -> PathBuf {
    let tmp = std::env::var_os("TMPDIR")
        .filter(|t| !t.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp"));
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    tmp.join(format!("triage502-lab-{uid}"))
}

/// The lab's processes (pid and start time): supervisord as started by `lab up`, nginx's master
/// and the stand-in as last seen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Pids {
    /// supervisord.
    pub supervisord: Option<ProcId>,
    /// nginx master.
    pub nginx: Option<ProcId>,
    /// The stand-in.
    pub docservice: Option<ProcId>,
}

impl Pids {
    fn all(&self) -> Vec<ProcId> {
        [self.supervisord, self.nginx, self.docservice]
            .into_iter()
            .flatten()
            .collect()
    }
}

/// `DIR/lab.json`: what `lab up` started and which faults are active. No secret, only its
/// fingerprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabState {
    /// The lab folder.
    pub dir: PathBuf,
    /// nginx's port on 127.0.0.1.
    pub nginx_port: u16,
    /// The stand-in's port on 127.0.0.1.
    pub ds_port: u16,
    /// A port with nothing listening (target of `wrong-upstream-port`).
    pub spare_port: u16,
    /// Fingerprint of the integrator's secret in lab.toml, as
    /// [`crate::config::Secret::fingerprint`] shows it.
    pub secret_fingerprint: String,
    /// The stand-in program (for information: nothing is ever run from this field).
    pub exe: PathBuf,
    /// The processes the lab started.
    pub pids: Pids,
    /// Active faults.
    pub faults: Vec<Fault>,
    /// The stand-in's dependencies (Redis, PostgreSQL) this lab runs.
    #[serde(default)]
    pub deps: deps::Deps,
    /// When `lab up` ran (RFC 3339).
    pub started_at: String,
}

impl LabState {
    /// The ports as a [`Ports`].
    pub fn ports(&self) -> Ports {
        Ports {
            nginx: self.nginx_port,
            ds: self.ds_port,
            spare: self.spare_port,
        }
    }

    /// The nftables table name of this lab.
    pub fn firewall_table(&self) -> String {
        render::firewall_table(self.ds_port)
    }
}

/// Path of `lab.json`.
pub fn state_path(dir: &Path) -> PathBuf {
    dir.join("lab.json")
}

/// Read `lab.json` of a lab folder that passes the folder check; `Ok(None)` when it does not
/// exist.
pub fn read_state(dir: &Path) -> anyhow::Result<Option<LabState>> {
    check_dir(dir)?;
    load_state(dir)
}

/// Read `lab.json` (no symlink followed) of a checked folder.
fn load_state(dir: &Path) -> anyhow::Result<Option<LabState>> {
    let p = state_path(dir);
    let Some(text) = sys::read_text(&p)? else {
        return Ok(None);
    };
    let mut st: LabState = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a lab state file of this version of triage502; `triage502 lab down` \
             removes it (a lab started by an older version is stopped by hand: \
             supervisorctl -c {}/supervisord.conf shutdown)",
            p.display(),
            dir.display()
        )
    })?;
    // The folder is where the file was found, whatever the file says.
    st.dir = dir.to_path_buf();
    Ok(Some(st))
}

fn write_state(st: &LabState) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(st).context("cannot render lab.json")?;
    sys::write_file(&state_path(&st.dir), &(text + "\n"))
}

/// The lab folder must be absolute and hold only characters that need no quoting in
/// supervisord's and nginx's config syntax.
fn check_dir(dir: &Path) -> anyhow::Result<()> {
    let s = dir.display().to_string();
    if !dir.is_absolute() {
        bail!("lab folder '{s}' must be an absolute path");
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "/._-+".contains(*c)))
    {
        bail!(
            "lab folder '{s}' contains '{c}'; use only letters, digits and / . _ - + (nginx and supervisord configs are written unquoted)"
        );
    }
    // sun_path is 108 bytes; leave room for "/supervisor.sock".
    if s.len() > 80 {
        bail!("lab folder '{s}' is too long for a unix socket path (max 80 characters)");
    }
    // An existing folder must be a real folder of ours alone, in folders nobody else can swap
    // it from (the default lives in a shared /tmp, where anyone can make it first).
    crate::fsafe::check_parents(dir)
        .and_then(|()| crate::fsafe::check_private_dir(dir))
        .map_err(|e| {
            anyhow::anyhow!(
                "refusing the lab folder: {e}; nothing in it was read or run (--dir picks another folder)"
            )
        })
}

/// Whether the (checked) lab folder exists.
fn dir_exists(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir).is_ok()
}

/// A program found on PATH (or the usual sbin folders) that may run as us: it and its folders
/// belong to root or to us and nobody else can write them ([`crate::fsafe::check_trusted`]).
fn trusted_program(name: &str) -> anyhow::Result<Option<PathBuf>> {
    match sys::find_program(name) {
        Some(p) => {
            crate::fsafe::check_trusted(&p, "program").map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok(Some(p))
        }
        None => Ok(None),
    }
}

/// The binaries the lab needs: nginx, supervisord, supervisorctl.
#[derive(Debug, Clone)]
struct Tools {
    nginx: PathBuf,
    supervisord: PathBuf,
}

/// The lab's programs, found again on each call (never read from the lab folder).
fn tools() -> anyhow::Result<Tools> {
    let nginx = match trusted_program(NGINX_BINARY)? {
        Some(p) => Some(p),
        None => trusted_program("nginx")?,
    };
    tools_from(
        nginx,
        trusted_program("supervisord")?,
        trusted_program("supervisorctl")?,
    )
}

fn tools_from(
    nginx: Option<PathBuf>,
    supervisord: Option<PathBuf>,
    supervisorctl: Option<PathBuf>,
) -> anyhow::Result<Tools> {
    let mut missing = Vec::new();
    if nginx.is_none() {
        missing.push("nginx (package nginx-light or nginx)");
    }
    if supervisord.is_none() || supervisorctl.is_none() {
        missing.push("supervisord/supervisorctl (package supervisor)");
    }
    match (nginx, supervisord, supervisorctl) {
        (Some(nginx), Some(supervisord), Some(_)) => Ok(Tools { nginx, supervisord }),
        _ => bail!(
            "the lab needs {} - install with: {INSTALL_HINT}",
            missing.join(" and ")
        ),
    }
}

/// Whether the lab in `dir` is up: the folder passes the check, lab.json exists and the
/// supervisord it records still runs.
pub fn is_up(dir: &Path) -> bool {
    matches!(read_state(dir), Ok(Some(ref st)) if live_supervisord(st).is_some())
}

/// What [`up`] did.
#[derive(Debug, Clone)]
pub struct UpOutcome {
    /// The lab's state.
    pub state: LabState,
    /// The lab was already up; nothing was changed.
    pub already_up: bool,
}

/// The stand-in program exists and is trusted: supervisord runs it as us for as long as the
/// lab is up.
fn check_exe(exe: &Path) -> anyhow::Result<()> {
    if !exe.is_file() {
        bail!(
            "stand-in program {} does not exist (it is run as `EXE lab standin --dir DIR --port N`)",
            exe.display()
        );
    }
    crate::fsafe::check_trusted(exe, "stand-in program").map_err(|e| anyhow::anyhow!("{e}"))
}

/// `lab up`: write the lab folder, check nginx's config, start supervisord, wait (bounded)
/// until both programs run and both ports accept, write lab.json. Already up → unchanged.
pub fn up(opts: &LabOptions) -> anyhow::Result<UpOutcome> {
    let dir = &opts.dir;
    check_dir(dir)?;
    let tools = tools()?;
    check_exe(&opts.exe)?;
    if let Some(mut st) = load_state(dir)? {
        if live_supervisord(&st).is_some() {
            refresh_pids(&mut st);
            return Ok(UpOutcome {
                state: st,
                already_up: true,
            });
        }
        // Stale: supervisord is gone; clean leftovers before starting afresh.
        down(dir)?;
    }
    crate::fsafe::ensure_private_dir(dir)
        .map_err(|e| anyhow::anyhow!("refusing the lab folder: {e}"))?;
    for sub in [
        "logs",
        "logs/nginx",
        "logs/docservice",
        "logs/converter",
        "storage",
        "tmp",
        "tmp/client_body",
        "tmp/proxy",
        "tmp/fastcgi",
        "tmp/uwsgi",
        "tmp/scgi",
    ] {
        crate::fsafe::ensure_private_dir(&dir.join(sub)).map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    // Labs brought up at the same time (parallel tests) must not pick the same free port
    // between picking it and their programs binding it: the whole start holds a lock, in a
    // folder of ours only, waited for a bounded time.
    let _ports_lock = sys::PortsLock::take(&sys::ports_lock_path()?, sys::ports_lock_wait())?;
    let pv = sys::free_ports(5)?;
    let ports = Ports {
        nginx: pv[0],
        ds: pv[1],
        spare: pv[2],
    };
    let secret = sys::random_hex(16)?;
    let as_root = crate::util::is_root();
    disk::prepare(dir)?;
    let dep = deps::plan(dir, ports.ds, pv[3], pv[4])?;
    sys::write_private(
        &dir.join("local.json"),
        &deps::local_json(&secret, dir, &dep),
    )?;
    sys::write_file(
        &dir.join("nginx.conf"),
        &render::nginx_conf(dir, ports.nginx, ports.ds, as_root),
    )?;
    sys::write_file(
        &dir.join("supervisord.conf"),
        &(render::supervisord_conf(dir, &opts.exe, &tools.nginx, ports)
            + &deps::supervisor_programs(dir, &dep, &tools.nginx)),
    )?;
    sys::write_private(
        &dir.join("lab.toml"),
        &(render::lab_toml(dir, ports, &secret, &tools.nginx) + &deps::lab_toml_part(dir, &dep)),
    )?;
    sys::write_file(&standin::mode_path(dir), "healthy\n")?;
    faults::prepare_delivery(dir)?;
    // What the lab's `reload:firewall` loads: its own table, empty (no `flush ruleset`), so
    // the drill heals the lab's firewall faults and never touches the host's tables.
    sys::write_file(
        &dir.join(render::SAVED_RULESET),
        &render::firewall_saved(&render::firewall_table(ports.ds)),
    )?;
    nginx_test(dir, &tools.nginx)?;

    let mut st = LabState {
        dir: dir.clone(),
        nginx_port: ports.nginx,
        ds_port: ports.ds,
        spare_port: ports.spare,
        secret_fingerprint: crate::config::Secret::new(secret.clone()).fingerprint(),
        exe: opts.exe.clone(),
        pids: Pids::default(),
        faults: Vec::new(),
        deps: dep,
        started_at: chrono::Local::now().to_rfc3339(),
    };
    write_state(&st)?;
    let sup = match start_supervisord(dir, &tools.supervisord) {
        Ok(sup) => sup,
        Err(e) => {
            let _ = down(dir);
            return Err(e);
        }
    };
    // Recorded at once: a failed start below is cleaned up by `down`, which stops only this.
    st.pids.supervisord = Some(sup);
    write_state(&st)?;
    if let Err(e) = deps::start(dir, &sup, &st.deps) {
        let _ = down(dir);
        return Err(e);
    }
    let ready = sys::wait_until(UP_TIMEOUT, || {
        if !sys::same_process(&sup) {
            return true;
        }
        let progs = program_states(dir, &sup).unwrap_or_default();
        let running = |n: &str| progs.iter().any(|p| p.name == n && p.state == "RUNNING");
        running("docservice")
            && running("nginx")
            && sys::port_accepts(ports.ds, Duration::from_millis(200))
            && sys::port_accepts(ports.nginx, Duration::from_millis(200))
    }) && sys::same_process(&sup);
    if !ready {
        let progs = if sys::same_process(&sup) {
            program_states(dir, &sup)
                .map(|v| {
                    v.iter()
                        .map(|p| format!("{} {}", p.name, p.state))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_else(|| "supervisord does not answer".into())
        } else {
            let out = sys::read_text(&dir.join("logs/supervisord.stdout"))
                .ok()
                .flatten()
                .unwrap_or_default();
            format!("supervisord exited: {}", out.trim())
        };
        let _ = down(dir);
        bail!(
            "the lab did not come up within {} s ({progs}); see {}/logs/ (supervisord.log, nginx/error.log, docservice/supervisor.log)",
            UP_TIMEOUT.as_secs(),
            dir.display()
        );
    }
    refresh_pids(&mut st);
    write_state(&st)?;
    Ok(UpOutcome {
        state: st,
        already_up: false,
    })
}

fn nginx_test(dir: &Path, nginx: &Path) -> anyhow::Result<()> {
    let d = dir.display().to_string();
    let args = vec![
        "-t".to_string(),
        "-q".to_string(),
        "-p".to_string(),
        d.clone(),
        "-c".to_string(),
        format!("{d}/nginx.conf"),
        "-e".to_string(),
        format!("{d}/logs/nginx/error.log"),
    ];
    let o = sys::run(nginx, &args, CMD_TIMEOUT)?;
    if !o.ok() {
        bail!(
            "`{}` rejected {d}/nginx.conf: {}",
            sys::show_argv(nginx, &args),
            o.message()
        );
    }
    Ok(())
}

/// Start `supervisord -n -c DIR/supervisord.conf` in a session of its own and return its
/// identity (pid and start time). It stays in the foreground (`-n`), so its pid is the one we
/// spawned: no pid file is trusted. A thread reaps it when it exits while we still run.
fn start_supervisord(dir: &Path, supervisord: &Path) -> anyhow::Result<ProcId> {
    use std::os::unix::process::CommandExt as _;
    // Its output goes to a file so no pipe is held by the long-running process.
    let out_path = dir.join("logs/supervisord.stdout");
    let out = crate::fsafe::open_write(&out_path, crate::fsafe::WriteMode::Truncate, 0o600)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let err = out
        .try_clone()
        .with_context(|| format!("cannot reopen {}", out_path.display()))?;
    let conf = dir.join("supervisord.conf");
    let mut cmd = std::process::Command::new(supervisord);
    cmd.arg("-n")
        .arg("-c")
        .arg(&conf)
        .stdin(std::process::Stdio::null())
        .stdout(out)
        .stderr(err);
    // SAFETY: setsid is async-signal-safe; it detaches supervisord from our terminal and
    // process group, as the daemonizing fork did.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot run {}", supervisord.display()))?;
    let id = sys::proc_id(child.id());
    let Some(id) = id else {
        let status = child.wait().ok();
        let text = sys::read_text(&out_path).ok().flatten().unwrap_or_default();
        bail!(
            "`{} -n -c {}` exited at once ({}): {}",
            supervisord.display(),
            conf.display(),
            status.map(|s| s.to_string()).unwrap_or_default(),
            text.trim()
        );
    };
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(id)
}

/// A short human summary of a running lab.
pub fn summary(st: &LabState) -> String {
    let d = st.dir.display();
    format!(
        "lab folder   {d}\n\
         nginx        127.0.0.1:{} (pid {})\n\
         docservice   127.0.0.1:{} (stand-in, pid {})\n\
         spare port   127.0.0.1:{} (nothing listens)\n\
         supervisord  pid {} (supervisorctl -c {d}/supervisord.conf status)\n\
         jwt secret   {} (in {d}/lab.toml and {d}/local.json)\n\
         {deps}\
         logs         {d}/logs/\n\
         open the console:  triage502 --config {d}/lab.toml\n\
         inject a fault:    {brk}   (heal: {fix})\n",
        st.nginx_port,
        show_pid(st.pids.nginx),
        st.ds_port,
        show_pid(st.pids.docservice),
        st.spare_port,
        show_pid(st.pids.supervisord),
        st.secret_fingerprint,
        deps = deps::summary(&st.deps),
        brk = lab_cmd(&st.dir, "break FAULT"),
        fix = lab_cmd(&st.dir, "fix"),
    )
}

fn show_pid(p: Option<ProcId>) -> String {
    p.map(|p| p.pid.to_string()).unwrap_or_else(|| "-".into())
}

/// What [`down`] did.
#[derive(Debug, Clone, Default)]
pub struct DownReport {
    /// supervisord answered and was asked to shut down.
    pub shutdown_requested: bool,
    /// Pids that were still alive after the shutdown and were killed.
    pub killed: Vec<u32>,
    /// Pids that could not be killed (should be empty).
    pub survivors: Vec<u32>,
    /// The lab's firewall table was removed.
    pub firewall_removed: bool,
    /// Where the logs are kept.
    pub logs: PathBuf,
    /// Things the operator should know (an unreadable lab.json: nothing was stopped).
    pub notes: Vec<String>,
}

/// `lab down`: `supervisorctl shutdown` to the supervisord `lab up` started, wait, then kill
/// what is left of the processes recorded in lab.json (each only while it is still the same
/// process: pid and start time) and of their descendants; nothing is picked by name or command
/// line. Removes the lab's firewall table and lab.json; keeps configs and logs. Safe to repeat.
pub fn down(dir: &Path) -> anyhow::Result<DownReport> {
    check_dir(dir)?;
    let mut report = DownReport {
        logs: dir.join("logs"),
        ..DownReport::default()
    };
    if !dir_exists(dir) {
        return Ok(report);
    }
    let st = match load_state(dir) {
        Ok(st) => st,
        Err(e) => {
            report.notes.push(format!(
                "{e:#}; no recorded process was stopped (stop any left by hand)"
            ));
            None
        }
    };
    if let Some(st) = &st {
        let roots = st.pids.all();
        // The tree before the shutdown: supervisord's programs are its children only while
        // it runs.
        let before = sys::tree_of(&roots);
        if let Some(sup) = live_supervisord(st) {
            if let Ok(o) = supervisorctl(dir, &sup, &["shutdown"]) {
                report.shutdown_requested = o.ok();
            }
            sys::wait_until(Duration::from_secs(15), || !sys::same_process(&sup));
        }
        let mut left = sys::tree_of(&roots);
        left.extend(before.into_iter().filter(sys::same_process));
        if !left.is_empty() {
            report.killed = left.iter().map(|p| p.pid).collect();
            report.survivors = sys::kill_all(&left, Duration::from_secs(3));
        }
        report.firewall_removed = firewall_remove(&st.firewall_table())?;
        if let Some(data) = &st.deps.pg_data {
            deps::remove_pg_data(data);
        }
    }
    // Never leave the disk-full fault's mount behind (also when lab.json was unreadable).
    if disk::unmount(dir)? {
        report.notes.push(format!(
            "unmounted the tmpfs on {}",
            disk::cache_dir(dir).display()
        ));
    }
    let sp = state_path(dir);
    if std::fs::symlink_metadata(&sp).is_ok() {
        std::fs::remove_file(&sp).with_context(|| format!("cannot remove {}", sp.display()))?;
    }
    if !report.survivors.is_empty() {
        bail!(
            "could not stop lab processes {} (see /proc/PID/status)",
            pids(&report.survivors)
        );
    }
    Ok(report)
}

/// Process ids for a sentence: `123, 456`.
pub fn pids(v: &[u32]) -> String {
    v.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_names_round_trip_and_unknown_lists_valid_ones() {
        for f in Fault::ALL {
            assert_eq!(Fault::parse(f.name()).expect("parse"), f);
            let j = serde_json::to_string(&f).expect("json");
            assert_eq!(j, format!("\"{}\"", f.name()));
        }
        let e = Fault::parse("nope").expect_err("unknown").to_string();
        assert!(
            e.contains("docservice-down") && e.contains("firewall-reject"),
            "{e}"
        );
    }

    #[test]
    fn status_lines_parse() {
        let t = "docservice                       RUNNING   pid 4242, uptime 0:00:03\n\
                 nginx                            STOPPED   Nov 28 12:00 PM\n";
        let v = parse_status(t);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].pid, Some(4242));
        assert_eq!(v[1].state, "STOPPED");
        assert_eq!(v[1].pid, None);
    }

    #[test]
    fn missing_tools_name_the_debian_packages() {
        let p = Some(PathBuf::from("/bin/true"));
        assert!(tools_from(p.clone(), p.clone(), p.clone()).is_ok());
        let e = tools_from(None, p.clone(), p.clone())
            .expect_err("no nginx")
            .to_string();
        assert!(e.contains("nginx") && e.contains(INSTALL_HINT), "{e}");
        let e = tools_from(p.clone(), None, p)
            .expect_err("no supervisord")
            .to_string();
        assert!(
            e.contains("package supervisor") && e.contains(INSTALL_HINT),
            "{e}"
        );
    }

    #[test]
    fn dir_check_rejects_unsafe_paths() {
        assert!(check_dir(Path::new("/tmp/triage502-lab-0")).is_ok());
        assert!(check_dir(Path::new("relative")).is_err());
        assert!(check_dir(Path::new("/tmp/a b")).is_err());
        assert!(check_dir(Path::new("/tmp/a%b")).is_err());
    }
}
