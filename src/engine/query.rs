//! What the engine asks of the fact rooms, from the config: the log files it reads, the
//! chain's ports, and the host facts to collect (sockets, services, processes, disk).

use crate::config::Config;

/// The log files the engine reads: nginx error logs and Document Server logs.
pub fn log_files(cfg: &Config) -> Vec<std::path::PathBuf> {
    cfg.logs
        .nginx_error
        .iter()
        .chain(cfg.logs.docserver.iter())
        .cloned()
        .collect()
}

/// The ports of the chain's hops (from targets and URLs), sorted, without repeats.
pub fn chain_ports(cfg: &Config) -> Vec<u16> {
    let mut ports: Vec<u16> = cfg
        .hops
        .iter()
        .filter_map(crate::config::Hop::port)
        .collect();
    ports.sort_unstable();
    ports.dedup();
    ports
}

/// What the host collectors look at, from the config: its services (with their backend and
/// names), how to run nginx, and the chain's ports.
pub fn host_query(cfg: &Config) -> crate::host::HostQuery {
    use crate::host::services::ServiceQuery;
    let services = cfg
        .services
        .iter()
        .map(|s| {
            let unit = s.unit.clone().unwrap_or_else(|| s.name.clone());
            let mut q = ServiceQuery::auto(&s.name);
            q.backend = s.backend;
            q.systemd_unit = Some(unit.clone());
            q.supervisor_program = Some(unit.clone());
            q.docker_container = Some(unit);
            q.supervisor_config = s.supervisor_config.clone();
            q
        })
        .collect();
    let ports = chain_ports(cfg);
    crate::host::HostQuery {
        services,
        nginx: crate::host::nginx::NginxQuery {
            binary: cfg.nginx.binary.clone(),
            config: cfg.nginx.config.clone(),
            prefix: cfg.nginx.prefix.clone(),
            ..Default::default()
        },
        ports,
        disk: disk_query(cfg),
        ..Default::default()
    }
}

/// The folders whose filesystems the host facts measure: the Document Server's cache (from
/// its settings) and log folders when the chain has a Document Server, and /tmp.
fn disk_query(cfg: &Config) -> crate::host::disk::DiskQuery {
    if !cfg.onlyoffice_checks() {
        return crate::host::disk::DiskQuery::default();
    }
    crate::host::disk::DiskQuery {
        local_json: Some(cfg.onlyoffice.local_json.clone()),
        default_json: Some(cfg.onlyoffice.default_json.clone()),
        log_files: cfg.logs.docserver.clone(),
    }
}
