//! `triage502 host`: its arguments and the query they make (the dispatch in `cli.rs` collects
//! one snapshot and prints it as text, [`crate::report::host`], or JSON).

use std::path::PathBuf;
use std::time::Duration;

use super::HostQuery;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    /// Plain text.
    #[default]
    Text,
    /// JSON (the snapshot as serialized).
    Json,
}

/// Arguments of `triage502 host`.
#[derive(Debug, Clone, clap::Args)]
pub struct HostArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// nginx configuration file (nginx -c).
    #[arg(long)]
    pub nginx_config: Option<PathBuf>,
    /// nginx prefix (nginx -p).
    #[arg(long)]
    pub nginx_prefix: Option<PathBuf>,
    /// supervisorctl configuration (supervisorctl -c) for supervisor-managed services.
    #[arg(long)]
    pub supervisor_config: Option<PathBuf>,
    /// Extra chain ports (repeatable).
    #[arg(long = "port")]
    pub ports: Vec<u16>,
    /// Per-command timeout in seconds.
    #[arg(long, default_value_t = 3)]
    pub timeout: u64,
}

/// Applies the arguments over a query (the top-level CLI builds the query from the effective
/// configuration: its services, nginx and the chain's ports).
pub fn apply(args: &HostArgs, q: &mut HostQuery) {
    if args.nginx_config.is_some() {
        q.nginx.config = args.nginx_config.clone();
    }
    if args.nginx_prefix.is_some() {
        q.nginx.prefix = args.nginx_prefix.clone();
    }
    if let Some(c) = &args.supervisor_config {
        for s in &mut q.services {
            s.supervisor_config = Some(c.clone());
        }
    }
    for p in &args.ports {
        if !q.ports.contains(p) {
            q.ports.push(*p);
        }
    }
    q.timeout = Duration::from_secs(args.timeout.max(1));
}

/// The query of the arguments over the ONLYOFFICE defaults.
pub fn query(args: &HostArgs) -> HostQuery {
    let mut q = HostQuery::onlyoffice();
    apply(args, &mut q);
    q
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrap {
        #[command(flatten)]
        host: HostArgs,
    }

    #[test]
    fn args_build_the_query() {
        let w = Wrap::try_parse_from([
            "t",
            "--format",
            "json",
            "--nginx-config",
            "/etc/nginx/x.conf",
            "--supervisor-config",
            "/etc/supervisord.conf",
            "--port",
            "9000",
            "--port",
            "8000",
            "--timeout",
            "5",
        ])
        .expect("test setup");
        assert_eq!(w.host.format, Format::Json);
        let q = query(&w.host);
        assert_eq!(q.nginx.config, Some(PathBuf::from("/etc/nginx/x.conf")));
        assert!(q.services.iter().all(|s| s.supervisor_config.is_some()));
        assert!(q.ports.contains(&9000));
        assert_eq!(q.ports.iter().filter(|p| **p == 8000).count(), 1);
        assert_eq!(q.timeout, Duration::from_secs(5));
        assert!(q.services.iter().any(|s| s.name == "docservice"));
    }
}
