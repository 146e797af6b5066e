//! The nginx side of discovery: the configuration a running master uses (`nginx -T` with its
//! own `-p`/`-c`/`-e`, the files when that fails), the server block that fronts a Document
//! Server — known by its locations (`/healthcheck`, `/coauthoring/`, `/doc/`, `/cache/files`),
//! its upstream's name (`docservice`), its site file (`ds.conf`,
//! `onlyoffice-documentserver.conf`) or a proxy target that is a Document Server's port — its
//! listen address, TLS, server name, and the log files nginx writes for it.

use crate::tr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::host::cmd;
use crate::host::nginx::{self, ConfigOrigin, Location, NginxFacts, ServerBlock, Target};
use crate::host::nginx_conf::{self, Directive, DiskSource, DumpSource};

use super::procs::NginxMaster;

/// Paths only a Document Server serves.
const DS_PATHS: [&str; 5] = [
    "/healthcheck",
    "coauthoring",
    "/doc/",
    "cache/files",
    "/web-apps/",
];
/// The site files of the Document Server's packages.
const DS_SITE_FILES: [&str; 3] = ["ds.conf", "ds-ssl.conf", "onlyoffice-documentserver.conf"];

/// The configuration of one master: its directive tree and what nginx's analysis makes of it.
pub struct Loaded {
    /// The directives, includes resolved.
    pub tree: nginx_conf::Config,
    /// Servers, locations and upstreams.
    pub facts: NginxFacts,
    /// How it was read (`nginx -T`, or the files and why).
    pub how: String,
}

/// Why `nginx -T` must not run for master `m`, if it must not: nginx loads what its
/// configuration says (`load_module`), so only a master of root's or ours, whose main
/// configuration only root or we could have written, is run; another's files are read as text.
pub fn why_not_run(m: &NginxMaster) -> Option<String> {
    use std::os::unix::fs::MetadataExt as _;
    let me = crate::fsafe::euid();
    match std::fs::metadata(format!("/proc/{}", m.pid)).map(|md| md.uid()) {
        Ok(uid) if uid == 0 || uid == me => {}
        Ok(uid) => {
            return Some(tr!(
                "discover-master-foreign-user",
                user = crate::fsafe::user_name(uid)
            ));
        }
        Err(e) => {
            return Some(tr!(
                "discover-master-error",
                pid = m.pid,
                error = crate::util::io_error_text(&e)
            ));
        }
    }
    let main = main_file(m);
    crate::fsafe::check_trusted(&main, &tr!("discover-what-nginx-config")).err()
}

/// The main configuration file of master `m`.
fn main_file(m: &NginxMaster) -> PathBuf {
    match (&m.config, &m.prefix) {
        (Some(c), Some(p)) if c.is_relative() => p.join(c),
        (Some(c), _) => c.clone(),
        (None, Some(p)) => p.join("conf/nginx.conf"),
        (None, None) => PathBuf::from("/etc/nginx/nginx.conf"),
    }
}

/// Reads the configuration master `m` uses: `nginx -T` with its options, else its files.
pub async fn load(m: &NginxMaster, timeout: Duration) -> Result<Loaded, String> {
    if let Some(why) = why_not_run(m) {
        return read_files(m, why).await;
    }
    let mut argv: Vec<String> = vec![m.binary.display().to_string(), "-T".into()];
    for (flag, v) in [("-p", &m.prefix), ("-c", &m.config), ("-e", &m.error_log)] {
        if let Some(v) = v {
            argv.push(flag.into());
            argv.push(v.display().to_string());
        }
    }
    let args: Vec<&str> = argv.iter().map(String::as_str).collect();
    let why_not = match cmd::run(&[], &args, timeout).await {
        Ok(out) if out.success() => {
            let src = DumpSource::parse(&out.stdout);
            if let Some(main) = src.main().map(Path::to_path_buf) {
                let tree = nginx_conf::load(&src, &main)
                    .map_err(|e| tr!("discover-nginx-t-unparsed", error = e))?;
                let test = nginx::parse_test_output(true, &out.stderr);
                let facts = nginx::analyze(&tree, ConfigOrigin::NginxDashT, test);
                return Ok(Loaded {
                    tree,
                    facts,
                    how: format!("{} -T", m.binary.display()),
                });
            }
            tr!("discover-nginx-t-empty")
        }
        Ok(out) => tr!("discover-nginx-t-failed", error = out.first_message()),
        Err(u) => u.to_string(),
    };
    read_files(m, why_not).await
}

/// The configuration of master `m` read from its files (`why_not`: why not with `nginx -T`).
async fn read_files(m: &NginxMaster, why_not: String) -> Result<Loaded, String> {
    let main = main_file(m);
    let tree = tokio::task::spawn_blocking(move || nginx_conf::load(&DiskSource, &main))
        .await
        .map_err(|e| tr!("discover-reader-failed", error = e))?
        .map_err(|e| tr!("discover-files-failed", why = why_not, error = e))?;
    let test = nginx::NginxTest::NotRun {
        reason: why_not.clone(),
    };
    let facts = nginx::analyze(&tree, ConfigOrigin::Files, test);
    Ok(Loaded {
        tree,
        facts,
        how: tr!("discover-how-files", why = why_not),
    })
}

/// The server block fronting a Document Server and what the chain needs of it.
#[derive(Debug, Clone, PartialEq)]
pub struct DsServer {
    /// The address probes connect to (`127.0.0.1`, or `localhost` for a wildcard listen).
    pub host: String,
    /// Its port.
    pub port: u16,
    /// Whether it listens with `ssl`.
    pub tls: bool,
    /// Its first concrete `server_name`.
    pub server_name: Option<String>,
    /// `file:line` of the server block.
    pub at: String,
    /// The location proxying to the Document Server, as written, and its `file:line`.
    pub location: String,
    /// `file:line` of that location.
    pub location_at: String,
    /// A subpath the Document Server is published under (`/ds-vpath`), else empty.
    pub subpath: String,
    /// Where nginx sends it: `host:port` (an upstream's first server), with `file:line`.
    pub upstream: Option<(String, u16, String)>,
    /// What made it a Document Server's.
    pub because: String,
    /// `ssl_certificate` of the server block.
    pub certificate: Option<PathBuf>,
}

fn ds_marker(l: &Location) -> bool {
    DS_PATHS.iter().any(|p| l.path.contains(p))
}

fn site_file(at: &str) -> bool {
    let file = at.rsplit_once(':').map(|(f, _)| f).unwrap_or(at);
    DS_SITE_FILES
        .iter()
        .any(|s| Path::new(file).file_name().is_some_and(|n| n == *s))
}

/// `host:port` of a pass target (an upstream group's first server that is not `backup`/`down`).
fn address(facts: &NginxFacts, t: &Target) -> Option<(String, u16)> {
    match t {
        Target::Address { host, port, .. } => Some((host.clone(), *port)),
        Target::Upstream { name, .. } => {
            facts.upstream(name)?.servers.iter().find_map(|s| {
                match (&s.target, s.backup || s.down) {
                    (Target::Address { host, port, .. }, false) => Some((host.clone(), *port)),
                    _ => None,
                }
            })
        }
        _ => None,
    }
}

/// The Document Server's server blocks, in configuration order: each with the location that
/// proxies to it. `ds_ports` are the ports Document Server processes were seen listening on.
pub fn ds_servers(l: &Loaded, ds_ports: &[u16]) -> Vec<DsServer> {
    // Only ports a Document Server was seen on: 8000 alone is any application's port.
    let ports = ds_ports.to_vec();
    let mut out = Vec::new();
    for s in &l.facts.servers {
        let named: Vec<&Location> = s
            .locations
            .iter()
            .filter(|loc| crate::onlyoffice::headers::proxies_to_docserver(&l.facts, loc, &ports))
            .collect();
        let marked: Vec<&Location> = s
            .locations
            .iter()
            .filter(|loc| loc.pass.is_some() && ds_marker(loc))
            .collect();
        let because = if !named.is_empty() {
            tr!("discover-because-upstream")
        } else if !marked.is_empty() {
            tr!("discover-because-locations")
        } else if site_file(&s.at) && s.locations.iter().any(|l| l.pass.is_some()) {
            tr!("discover-because-site-file")
        } else {
            continue;
        };
        // The location of the whole Document Server: a prefix location (`/`, `/ds-vpath/`)
        // that proxies where the recognised ones do, rather than one of its inner paths.
        let first = named
            .first()
            .or(marked.first())
            .copied()
            .or_else(|| s.locations.iter().find(|l| l.pass.is_some()));
        let Some(first) = first else { continue };
        let target = first
            .pass
            .as_ref()
            .and_then(|p| address(&l.facts, &p.target));
        let loc = s
            .locations
            .iter()
            .filter(|c| c.modifier.is_none() && !ds_marker(c))
            .find(|c| {
                target.is_some()
                    && c.pass.as_ref().and_then(|p| address(&l.facts, &p.target)) == target
            })
            .unwrap_or(first);
        if let Some(d) = describe(l, s, loc, &because) {
            out.push(d);
        }
    }
    out
}

fn describe(l: &Loaded, s: &ServerBlock, loc: &Location, because: &str) -> Option<DsServer> {
    let block = find_block(&l.tree.directives, &s.at)?;
    let listens: Vec<&Directive> = block
        .children()
        .iter()
        .filter(|d| d.name == "listen")
        .collect();
    let (addr, tls) = listens
        .iter()
        .find_map(|d| parse_listen(d.arg0()).map(|a| (a, d.args.iter().any(|x| x == "ssl"))))
        .unwrap_or((("*".to_string(), 80), false));
    let server_name = s.server_name.iter().find(|n| concrete_name(n)).cloned();
    let host = if addr.0 == "*" || addr.0 == "0.0.0.0" || addr.0 == "::" {
        "localhost".to_string()
    } else if addr.0.contains(':') {
        format!("[{}]", addr.0)
    } else {
        addr.0.clone()
    };
    let subpath = if loc.modifier.is_none() && !ds_marker(loc) {
        loc.path.trim_end_matches('/').to_string()
    } else {
        String::new()
    };
    let pass = loc.pass.as_ref()?;
    let upstream = address(&l.facts, &pass.target).map(|(h, p)| {
        let h = if h == "localhost" {
            "127.0.0.1".into()
        } else {
            h
        };
        (h, p, pass.at.clone())
    });
    let certificate = block
        .children()
        .iter()
        .find(|d| d.name == "ssl_certificate")
        .map(|d| PathBuf::from(d.arg0()));
    Some(DsServer {
        host,
        port: addr.1,
        tls,
        server_name,
        at: s.at.clone(),
        location: match &loc.modifier {
            Some(m) => format!("location {m} {}", loc.path),
            None => format!("location {}", loc.path),
        },
        location_at: loc.at.clone(),
        subpath,
        upstream,
        because: because.to_string(),
        certificate,
    })
}

fn concrete_name(n: &str) -> bool {
    !n.is_empty()
        && n != "_"
        && !n.starts_with('~')
        && !n.contains('*')
        && !n.starts_with('.')
        && !n.contains('$')
}

/// The `server` directive at `at` (`file:line`), anywhere in the tree.
pub fn find_block<'a>(ds: &'a [Directive], at: &str) -> Option<&'a Directive> {
    for d in ds {
        if d.name == "server" && d.location() == at {
            return Some(d);
        }
        if let Some(f) = find_block(d.children(), at) {
            return Some(f);
        }
    }
    None
}

/// `listen`'s address: (`*` for none, or the address without brackets) and port.
pub fn parse_listen(a: &str) -> Option<(String, u16)> {
    if a.starts_with("unix:") {
        return None;
    }
    if let Ok(p) = a.parse::<u16>() {
        return Some(("*".into(), p));
    }
    if let Some(rest) = a.strip_prefix('[') {
        let (h, p) = rest.split_once(']')?;
        let port = p.strip_prefix(':').map_or(Some(80), |p| p.parse().ok())?;
        return Some((h.to_string(), port));
    }
    match a.rsplit_once(':') {
        Some((h, p)) => Some((h.to_string(), p.parse().ok()?)),
        None => Some((a.to_string(), 80)),
    }
}

/// A path with where it was found.
pub type Sourced = (PathBuf, String);

/// The log files nginx writes for server block `at`: `-e`, the main, `http` and server
/// `error_log`s; the `http` and server `access_log`s. Relative paths are the prefix's.
pub fn log_files(l: &Loaded, m: &NginxMaster, at: &str) -> (Vec<Sourced>, Vec<Sourced>) {
    let prefix = m
        .prefix
        .clone()
        .unwrap_or_else(|| PathBuf::from("/usr/share/nginx"));
    let path = |v: &str| -> Option<PathBuf> {
        if v == "off" || v == "stderr" || v.starts_with("syslog:") || v.starts_with("memory:") {
            return None;
        }
        let p = PathBuf::from(v);
        Some(if p.is_relative() { prefix.join(p) } else { p })
    };
    let mut errors: Vec<(PathBuf, String)> = Vec::new();
    let mut access: Vec<(PathBuf, String)> = Vec::new();
    let push = |v: &mut Vec<(PathBuf, String)>, p: Option<PathBuf>, src: String| {
        if let Some(p) = p
            && !v.iter().any(|(q, _)| *q == p)
        {
            v.push((p, src));
        }
    };
    let top = &l.tree.directives;
    let http: Vec<&Directive> = top.iter().filter(|d| d.name == "http").collect();
    let server = find_block(top, at);
    let mut levels: Vec<&[Directive]> = vec![top.as_slice()];
    levels.extend(http.iter().map(|h| h.children()));
    levels.extend(server.map(|s| s.children()));
    for ds in levels {
        for d in ds {
            match d.name.as_str() {
                "error_log" => push(&mut errors, path(d.arg0()), d.location()),
                "access_log" => push(&mut access, path(d.arg0()), d.location()),
                _ => {}
            }
        }
    }
    if let Some(e) = &m.error_log {
        push(
            &mut errors,
            path(&e.display().to_string()),
            tr!("discover-src-dash-e", pid = m.pid),
        );
    }
    (errors, access)
}

/// `root` folders of every server block (where an integrator such as Nextcloud may live).
pub fn roots(l: &Loaded) -> Vec<PathBuf> {
    fn walk(ds: &[Directive], out: &mut Vec<PathBuf>) {
        for d in ds {
            if d.name == "root" && d.arg0().starts_with('/') {
                let p = PathBuf::from(d.arg0());
                if !out.contains(&p) {
                    out.push(p);
                }
            }
            walk(d.children(), out);
        }
    }
    let mut v = Vec::new();
    walk(&l.tree.directives, &mut v);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(text: &str) -> Loaded {
        let d = tempfile::tempdir().expect("tmp");
        let main = d.path().join("nginx.conf");
        std::fs::write(&main, text).expect("write");
        let tree = nginx_conf::load(&DiskSource, &main).expect("parses");
        let facts = nginx::analyze(
            &tree,
            ConfigOrigin::Files,
            nginx::NginxTest::Ok { warnings: vec![] },
        );
        Loaded {
            tree,
            facts,
            how: "test".into(),
        }
    }

    #[test]
    fn nginx_is_not_run_on_a_configuration_another_user_could_write() {
        let d = tempfile::tempdir().expect("tmp");
        let conf = d.path().join("nginx.conf");
        std::fs::write(&conf, "events {}\n").expect("write");
        let me = std::process::id() as i32;
        let m = |config: &Path| NginxMaster {
            pid: me,
            binary: "/usr/sbin/nginx".into(),
            config: Some(config.to_path_buf()),
            prefix: None,
            error_log: None,
            foreign_mounts: false,
        };
        assert_eq!(why_not_run(&m(&conf)), None);
        std::fs::set_permissions(&conf, std::os::unix::fs::PermissionsExt::from_mode(0o666))
            .expect("chmod");
        let why = why_not_run(&m(&conf)).expect("refused");
        assert!(why.contains("nginx configuration"), "{why}");
    }

    #[test]
    fn listen_forms() {
        assert_eq!(parse_listen("80"), Some(("*".into(), 80)));
        assert_eq!(
            parse_listen("127.0.0.1:8443"),
            Some(("127.0.0.1".into(), 8443))
        );
        assert_eq!(parse_listen("[::]:443"), Some(("::".into(), 443)));
        assert_eq!(parse_listen("localhost"), Some(("localhost".into(), 80)));
        assert_eq!(parse_listen("unix:/run/x.sock"), None);
    }

    #[test]
    fn a_tls_server_with_a_subpath_and_an_other_site() {
        let l = loaded(
            "error_log /var/log/nginx/error.log;\nevents {}\nhttp {\n access_log /var/log/nginx/a.log;\n\
             upstream office { server localhost:8100; }\n\
             server { listen 8080; server_name shop.example.org; location / { proxy_pass http://127.0.0.1:3000; } }\n\
             server { listen 127.0.0.1:8443 ssl; server_name _ docs.example.org;\n\
               ssl_certificate /etc/ssl/docs.pem; error_log logs/ds.error.log;\n\
               location /ds-vpath/ { proxy_pass http://office/; }\n\
               location ~ ^/ds-vpath/healthcheck { proxy_pass http://office; }\n\
               root /var/www/nextcloud;\n }\n}\n",
        );
        let v = ds_servers(&l, &[]);
        assert_eq!(v.len(), 1, "{v:?}");
        let s = &v[0];
        assert_eq!((s.host.as_str(), s.port, s.tls), ("127.0.0.1", 8443, true));
        assert_eq!(s.server_name.as_deref(), Some("docs.example.org"));
        assert_eq!(s.subpath, "/ds-vpath");
        assert_eq!(
            s.upstream.as_ref().map(|(h, p, _)| (h.as_str(), *p)),
            Some(("127.0.0.1", 8100))
        );
        assert_eq!(
            s.certificate.as_deref(),
            Some(Path::new("/etc/ssl/docs.pem"))
        );
        let m = NginxMaster {
            pid: 1,
            binary: "/usr/sbin/nginx".into(),
            config: None,
            prefix: Some("/srv/n".into()),
            error_log: None,
            foreign_mounts: false,
        };
        let (e, a) = log_files(&l, &m, &s.at);
        let e: Vec<_> = e.into_iter().map(|x| x.0).collect();
        assert_eq!(
            e,
            [
                PathBuf::from("/var/log/nginx/error.log"),
                PathBuf::from("/srv/n/logs/ds.error.log")
            ]
        );
        assert_eq!(a[0].0, PathBuf::from("/var/log/nginx/a.log"));
        assert_eq!(roots(&l), [PathBuf::from("/var/www/nextcloud")]);
    }

    #[test]
    fn a_site_that_is_no_document_server_is_not_taken() {
        let l = loaded(
            "events {}\nhttp { server { listen 80; location / { proxy_pass http://127.0.0.1:3000; } } }\n",
        );
        assert!(ds_servers(&l, &[]).is_empty());
        // ... unless its target is a port a Document Server was seen listening on.
        assert_eq!(ds_servers(&l, &[3000]).len(), 1);
    }
}
