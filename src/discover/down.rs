//! A Document Server that is down — the usual 3 a.m. case: nothing listens on the port nginx
//! proxies to, so no process says what it is. Its service is then looked for by name: a
//! supervisord program `docservice` / `ds:docservice` (the supervisord running the front nginx
//! first, then the others by pid; its `environment=NODE_CONFIG_DIR` gives the settings folder),
//! else the packages' systemd unit `ds-docservice.service`.

use crate::tr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::docserver::PACKAGE_CONFIG_DIR;
use super::managers::{self, Managed, Managers};
use super::procs;

/// Where systemd keeps unit files, the administrator's first.
const UNIT_DIRS: [&str; 3] = [
    "/etc/systemd/system",
    "/lib/systemd/system",
    "/usr/lib/systemd/system",
];
/// How many supervisords are asked at most.
const MAX_SUPERVISORDS: usize = 16;

/// Whether a supervisor program is the Document Server's docservice.
fn is_docservice(unit: &str) -> bool {
    unit.rsplit(':').next() == Some("docservice") || unit == "ds-docservice"
}

/// The service of a Document Server that does not run, its settings folder and `NODE_ENV`;
/// `front` is the nginx master's pid.
pub async fn find(
    front: Option<i32>,
    m: &mut Managers,
    timeout: Duration,
) -> Option<(Managed, PathBuf, Option<String>)> {
    let mut sups: Vec<i32> = Vec::new();
    if let Some(f) = front {
        sups.extend(
            procs::ancestors(f)
                .into_iter()
                .find(|p| procs::is_supervisord(*p)),
        );
    }
    for p in procs::pids() {
        if sups.len() >= MAX_SUPERVISORDS {
            break;
        }
        if !sups.contains(&p) && procs::is_supervisord(p) {
            sups.push(p);
        }
    }
    for sup in sups {
        let Ok((conf, programs)) = m.programs(sup, timeout).await else {
            continue;
        };
        let Some(st) = programs.iter().find(|s| is_docservice(&s.unit)) else {
            continue;
        };
        let state = st.sub_state.clone().unwrap_or_default();
        let why = tr!("discover-why-named-docservice", state = state);
        let Ok(managed) = managers::program(sup, &conf, st, &why) else {
            continue;
        };
        let dir = managers::program_env(&conf, &st.unit, "NODE_CONFIG_DIR")
            .filter(|d| d.starts_with('/'))
            .unwrap_or_else(|| PACKAGE_CONFIG_DIR.into());
        let env = managers::program_env(&conf, &st.unit, "NODE_ENV");
        return Some((managed, PathBuf::from(dir), env));
    }
    systemd_unit()
}

/// The packages' `ds-docservice.service`, when its unit file is there.
fn systemd_unit() -> Option<(Managed, PathBuf, Option<String>)> {
    let file = UNIT_DIRS
        .iter()
        .map(|d| Path::new(d).join("ds-docservice.service"))
        .find(|p| p.is_file())?;
    let text = crate::fsafe::read_capped(&file, 64 * 1024, true)
        .map(|(b, _)| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let env = |key: &str| {
        let at = text.find(&format!("{key}="))?;
        let v = text[at + key.len() + 1..].split([' ', '\n', '"']).next()?;
        (!v.is_empty()).then(|| v.to_string())
    };
    let dir = env("NODE_CONFIG_DIR")
        .filter(|d| d.starts_with('/'))
        .unwrap_or_else(|| PACKAGE_CONFIG_DIR.into());
    let managed = Managed {
        service: crate::config::Service {
            name: "ds-docservice".into(),
            backend: crate::config::Backend::Systemd,
            unit: None,
            supervisor_config: None,
        },
        source: tr!("discover-src-unit-file", file = file.display()),
        stdout_log: None,
        stderr_log: None,
        container: None,
    };
    Some((managed, PathBuf::from(dir), env("NODE_ENV")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docservice_programs_are_known_by_name() {
        assert!(is_docservice("ds:docservice"));
        assert!(is_docservice("docservice"));
        assert!(is_docservice("ds-docservice"));
        assert!(!is_docservice("ds:converter"));
        assert!(!is_docservice("mydocservice"));
    }
}
