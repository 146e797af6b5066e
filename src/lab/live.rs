//! What `lab status` reports as active: the recorded faults that are still in effect, read
//! from the lab itself. A fault healed another way than `lab fix` (the console's restart or
//! reload action, a `supervisorctl start`) is no longer listed; a fault whose state cannot be
//! read (supervisord gone, the firewall without root) stays as recorded.

use super::{Fault, LabState, ProgramState, disk, render, standin, sys};
use super::{check_dir, dir_exists, live_supervisord, load_state, program_states};
use std::path::{Path, PathBuf};

/// The recorded faults of `st` still in effect; `progs`: supervisord's programs, when it
/// answered.
pub(super) fn active_faults(st: &LabState, progs: Option<&[ProgramState]>) -> Vec<Fault> {
    st.faults
        .iter()
        .copied()
        .filter(|f| still_active(st, progs, *f))
        .collect()
}

fn still_active(st: &LabState, progs: Option<&[ProgramState]>, f: Fault) -> bool {
    let stopped = |name: &str| {
        progs.is_none_or(|ps| !ps.iter().any(|p| p.name == name && p.state == "RUNNING"))
    };
    match f {
        Fault::DocserviceDown => stopped("docservice"),
        Fault::NginxDown => stopped("nginx"),
        Fault::DocserviceHang | Fault::BigHeaders | Fault::HealthFalse => {
            f.mode() == Some(standin::read_mode(&st.dir))
        }
        Fault::WrongUpstreamPort
        | Fault::WebsocketNotProxied
        | Fault::UploadTooLarge
        | Fault::UpstreamOneFamily
        | Fault::NoFailover => f.proxy_shape(st).is_some_and(|shape| {
            let broken =
                render::nginx_conf_with(&st.dir, st.nginx_port, &shape, crate::util::is_root());
            sys::read_text(&st.dir.join("nginx.conf"))
                .ok()
                .flatten()
                .is_some_and(|t| t == broken)
        }),
        Fault::UpstreamWrongAddress => standin::read_listen(&st.dir) != standin::DEFAULT_LISTEN,
        Fault::NoAutorestart => super::faults::autorestart_off(&st.dir),
        Fault::JwtMismatch => match super::integrator_secret(&st.dir) {
            Ok(secret) => {
                sys::read_text(&st.dir.join("local.json"))
                    .ok()
                    .flatten()
                    .as_deref()
                    != Some(super::deps::local_json(&secret, &st.dir, &st.deps).as_str())
            }
            Err(_) => true,
        },
        Fault::DiskFull => disk::is_mounted(&st.dir),
        Fault::SecureLinkMismatch => {
            local(st, "/storage/fs/secretString")
                != Some(serde_json::Value::String(render::SECURE_LINK_SECRET.into()))
        }
        Fault::StorageDenied => flag(st, render::STORAGE_DENIED_FLAG),
        Fault::CallbackFailed => flag(st, render::CALLBACK_FAILS_FLAG),
        Fault::StoragePrivateIp => local(
            st,
            "/services/CoAuthoring/request-filtering-agent/allowPrivateIPAddress",
        )
        .is_none_or(|v| v != serde_json::Value::Bool(true)),
        Fault::DocumentTooLarge => local(st, "/FileConverter/converter/maxDownloadBytes").is_some(),
        // One conversion was sent to a closed port: its lines stay until `lab fix` restarts
        // docservice.
        Fault::StorageUnreachable | Fault::StorageTls => true,
        Fault::ConverterHang | Fault::X2tKilled => {
            sys::read_text(&super::convert::mode_path(&st.dir))
                .ok()
                .flatten()
                .is_some_and(|t| t.trim() == f.name().trim_start_matches("converter-"))
        }
        Fault::FirewallDrop | Fault::FirewallReject => {
            if !crate::util::is_root() {
                return true;
            }
            match super::nft_path() {
                Ok(Some(nft)) => super::firewall_table_exists(&nft, &st.firewall_table()),
                _ => true,
            }
        }
        _ => super::deps::still_active(st, progs, f),
    }
}

fn flag(st: &LabState, name: &str) -> bool {
    std::fs::symlink_metadata(st.dir.join(name)).is_ok()
}

/// A value of the lab's local.json (None: unset or unreadable).
fn local(st: &LabState, pointer: &str) -> Option<serde_json::Value> {
    let t = sys::read_text(&st.dir.join("local.json")).ok().flatten()?;
    let v: serde_json::Value = serde_json::from_str(&t).ok()?;
    v.pointer(pointer).cloned()
}

/// `triage502 lab SUB`, with `--dir DIR` when `dir` is not the default folder: the command a
/// hint tells to run.
pub fn lab_cmd(dir: &Path, sub: &str) -> String {
    if dir == super::default_dir() {
        format!("triage502 lab {sub}")
    } else {
        format!("triage502 lab {sub} --dir {}", dir.display())
    }
}

/// One component in [`Status`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// `supervisord`, `nginx` or `docservice`.
    pub name: &'static str,
    /// `RUNNING`, `STOPPED`, ... or `DOWN`.
    pub state: String,
    /// Pid when running.
    pub pid: Option<u32>,
}

/// `lab status`.
#[derive(Debug, Clone)]
pub struct Status {
    /// The lab folder.
    pub dir: PathBuf,
    /// The lab's state file, if the lab was brought up.
    pub state: Option<LabState>,
    /// supervisord, nginx, docservice.
    pub components: Vec<Component>,
    /// Active faults.
    pub faults: Vec<Fault>,
}

impl Status {
    /// Up and healthy: every component RUNNING and no active fault.
    pub fn healthy(&self) -> bool {
        self.state.is_some()
            && self.faults.is_empty()
            && self.components.iter().all(|c| c.state == "RUNNING")
    }

    /// One line per component, then the faults.
    pub fn render(&self) -> String {
        let mut s = String::new();
        if self.state.is_none() {
            s.push_str(&format!(
                "lab is not up (no lab.json); start it with: {}\n",
                lab_cmd(&self.dir, "up")
            ));
        }
        for c in &self.components {
            s.push_str(&format!(
                "{:<12} {:<9} pid {}\n",
                c.name,
                c.state,
                c.pid.map(|p| p.to_string()).unwrap_or_else(|| "-".into())
            ));
        }
        if self.faults.is_empty() {
            s.push_str("faults       none\n");
        } else {
            let f: Vec<_> = self.faults.iter().map(|f| f.name()).collect();
            s.push_str(&format!("faults       {}\n", f.join(", ")));
        }
        s
    }
}

/// `lab status`: supervisord, nginx, docservice with state and pid, and the active faults.
pub fn status(dir: &Path) -> anyhow::Result<Status> {
    check_dir(dir)?;
    let st = if dir_exists(dir) {
        load_state(dir)?
    } else {
        None
    };
    let sup = st.as_ref().and_then(live_supervisord);
    let answered = sup.and_then(|sup| program_states(dir, &sup));
    let progs = answered.clone().unwrap_or_default();
    let prog = |n: &'static str| {
        let p = progs.iter().find(|p| p.name == n);
        Component {
            name: n,
            state: p.map(|p| p.state.clone()).unwrap_or_else(|| "DOWN".into()),
            pid: p.and_then(|p| p.pid),
        }
    };
    let components = vec![
        Component {
            name: "supervisord",
            state: if sup.is_some() { "RUNNING" } else { "DOWN" }.into(),
            pid: sup.map(|p| p.pid),
        },
        prog("nginx"),
        prog("docservice"),
    ];
    // What is still in effect, not only what was recorded.
    let faults = st
        .as_ref()
        .map(|s| active_faults(s, answered.as_deref()))
        .unwrap_or_default();
    Ok(Status {
        dir: dir.to_path_buf(),
        state: st,
        components,
        faults,
    })
}
