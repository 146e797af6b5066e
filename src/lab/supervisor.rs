//! The lab's own supervisord: its socket and pid checked as the lab's, `supervisorctl` run only
//! with that socket, program states parsed, recorded pids refreshed.

use super::*;

pub(super) fn ctl_path() -> anyhow::Result<PathBuf> {
    trusted_program("supervisorctl")?
        .with_context(|| format!("supervisorctl not found - install with: {INSTALL_HINT}"))
}

/// The lab's supervisord socket.
pub(super) fn socket_path(dir: &Path) -> PathBuf {
    dir.join("supervisor.sock")
}

/// Whether `path` is a socket or a regular file (not a symlink) of ours.
pub(super) fn own_entry(path: &Path, socket: bool) -> bool {
    use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _};
    std::fs::symlink_metadata(path).is_ok_and(|md| {
        let t = md.file_type();
        md.uid() == crate::fsafe::euid() && if socket { t.is_socket() } else { t.is_file() }
    })
}

/// The lab's supervisord when it still runs: the very process `lab up` started.
pub(super) fn live_supervisord(st: &LabState) -> Option<ProcId> {
    st.pids.supervisord.filter(sys::same_process)
}

/// Run `supervisorctl -c DIR/supervisord.conf -s unix://DIR/supervisor.sock ARGS...`, only
/// while `sup` (the supervisord the lab started) runs and the socket is ours: the server is
/// named on the command line, never taken from a config file.
pub(super) fn supervisorctl(
    dir: &Path,
    sup: &ProcId,
    args: &[&str],
) -> anyhow::Result<sys::Output> {
    if !sys::same_process(sup) {
        bail!(
            "the lab's supervisord (pid {}) is not running any more",
            sup.pid
        );
    }
    let sock = socket_path(dir);
    let conf = dir.join("supervisord.conf");
    if !own_entry(&sock, true) || !own_entry(&conf, false) {
        bail!(
            "{} is not the lab's supervisord socket (or {} is not its config): not a socket/file of yours",
            sock.display(),
            conf.display()
        );
    }
    let mut argv = vec![
        "-c".to_string(),
        conf.display().to_string(),
        "-s".to_string(),
        format!("unix://{}", sock.display()),
    ];
    argv.extend(args.iter().map(|s| s.to_string()));
    sys::run(&ctl_path()?, &argv, CMD_TIMEOUT)
}

/// Run supervisorctl and fail with its output when it exits non-zero.
pub(super) fn supervisorctl_ok(
    dir: &Path,
    sup: &ProcId,
    args: &[&str],
) -> anyhow::Result<sys::Output> {
    let o = supervisorctl(dir, sup, args)?;
    if !o.ok() {
        bail!(
            "`supervisorctl -s unix://{}/supervisor.sock {}` failed ({}): {}",
            dir.display(),
            args.join(" "),
            o.code
                .map_or_else(|| "killed by a signal".to_string(), |c| format!("exit {c}")),
            o.message()
        );
    }
    Ok(o)
}

/// State of one supervisor program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramState {
    /// Program name.
    pub name: String,
    /// `RUNNING`, `STOPPED`, `FATAL`, `BACKOFF`, ...
    pub state: String,
    /// Pid when running.
    pub pid: Option<u32>,
}

/// `supervisorctl status` parsed; `None` when supervisord does not answer.
pub(super) fn program_states(dir: &Path, sup: &ProcId) -> Option<Vec<ProgramState>> {
    if !own_entry(&socket_path(dir), true) {
        return None;
    }
    let o = supervisorctl(dir, sup, &["status"]).ok()?;
    let v = parse_status(&o.stdout);
    if v.is_empty() { None } else { Some(v) }
}

pub(super) fn parse_status(text: &str) -> Vec<ProgramState> {
    text.lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let name = w.next()?.to_string();
            let state = w.next()?.to_string();
            if !state.chars().all(|c| c.is_ascii_uppercase()) {
                return None;
            }
            let pid = l
                .split_once(" pid ")
                .and_then(|(_, r)| r.split(',').next())
                .and_then(|p| p.trim().parse().ok());
            Some(ProgramState { name, state, pid })
        })
        .collect()
}

/// Record the programs' processes as supervisord reports them now (kept as they were when
/// supervisord does not answer). supervisord's own record is the one `lab up` made.
pub(super) fn refresh_pids(st: &mut LabState) {
    let Some(sup) = live_supervisord(st) else {
        return;
    };
    let Some(progs) = program_states(&st.dir, &sup) else {
        return;
    };
    let id_of = |n: &str| {
        progs
            .iter()
            .find(|p| p.name == n)
            .and_then(|p| p.pid)
            .and_then(sys::proc_id)
    };
    st.pids.nginx = id_of("nginx");
    st.pids.docservice = id_of("docservice");
}
