//! Discovery on real components: the lab's chain found from its running nginx master,
//! supervisord and stand-in (NODE_CONFIG_DIR), compared with the lab's own config; and a second,
//! differently shaped setup (a TLS server block with a server name, the Document Server on a
//! non-default port reached by address, its settings in a folder of its own, a Nextcloud
//! config.php naming the public URL) found whole and checked with no config file.
//!
//! Several nginx masters run on this machine at once (other tests' labs): each test restricts
//! discovery to its own with `TRIAGE502_NGINX_PID`, and keeps any config file of the user's
//! out of the way (empty `XDG_CONFIG_HOME` and `HOME`, no `TRIAGE502_CONFIG`).

mod common;

use common::*;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;
use triage502::config::{Config, Role};

/// `triage502 ARGS` with no config file reachable and discovery restricted to `nginx_pid`.
fn discovering(home: &Path, nginx_pid: i32, args: &[&str]) -> Output {
    Command::new(bin())
        .env_remove("TRIAGE502_CONFIG")
        .env_remove("TRIAGE502_LAB_DIR")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("TRIAGE502_NGINX_PID", nginx_pid.to_string())
        .args(args)
        .output()
        .expect("run triage502")
}

fn pid_file(p: &Path) -> i32 {
    std::fs::read_to_string(p)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| panic!("no pid in {}", p.display()))
}

type HopKey = (
    String,
    String,
    Role,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn hops(c: &Config) -> Vec<HopKey> {
    let mut v: Vec<HopKey> = c
        .hops
        .iter()
        .map(|h| {
            (
                h.name.clone(),
                h.kind.as_str().to_string(),
                h.role,
                h.target.clone(),
                h.url.clone(),
                h.service.clone(),
            )
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn services(c: &Config) -> Vec<String> {
    let mut v: Vec<String> = c
        .services
        .iter()
        .map(|s| {
            format!(
                "{} {:?} {:?} {:?}",
                s.name, s.backend, s.unit, s.supervisor_config
            )
        })
        .collect();
    v.sort();
    v
}

fn sorted(v: &[PathBuf]) -> Vec<PathBuf> {
    let mut v = v.to_vec();
    v.sort();
    v
}

#[test]
fn the_labs_discovered_config_equals_its_own() {
    if !is_root() {
        // Another user's processes (the lab's supervisord runs PostgreSQL as postgres) hide
        // their environment and file descriptors.
        return skip("needs root");
    }
    let Some(lab) = Lab::up("t502-h18-disc") else {
        return;
    };
    let home = tempfile::tempdir().expect("home");
    let out = home.path().join("discovered.toml");
    let o = discovering(
        home.path(),
        pid_file(&lab.dir.join("nginx.pid")),
        &["config", "init", "--discover", out.to_str().expect("utf-8")],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mode = std::fs::metadata(&out)
        .expect("written")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let text = std::fs::read_to_string(&out).expect("read");
    let got = triage502::config::load_file(&out).expect("the written config loads");
    let want = triage502::config::load_file(&lab.toml()).expect("lab.toml loads");
    assert_eq!(got.profile, "discovered");
    assert_eq!(hops(&got), hops(&want), "{text}");
    assert_eq!(services(&got), services(&want), "{text}");
    assert_eq!(
        sorted(&got.logs.nginx_error),
        sorted(&want.logs.nginx_error)
    );
    assert_eq!(
        sorted(&got.logs.nginx_access),
        sorted(&want.logs.nginx_access)
    );
    assert_eq!(sorted(&got.logs.docserver), sorted(&want.logs.docserver));
    assert_eq!(got.nginx, want.nginx);
    assert_eq!(got.onlyoffice.local_json, want.onlyoffice.local_json);
    // Each hop and service says where it was found.
    let found = text.matches("# found: ").count();
    assert_eq!(found, got.hops.len() + got.services.len(), "{text}");
    assert!(
        text.contains(&format!("NODE_CONFIG_DIR={}", lab.dir.display())),
        "{text}"
    );
    // A PostgreSQL password is in local.json; it never reaches the written file.
    let local = std::fs::read_to_string(lab.dir.join("local.json")).expect("local.json");
    let v: serde_json::Value = serde_json::from_str(&local).expect("json");
    if let Some(pass) = v
        .pointer("/services/CoAuthoring/sql/dbPass")
        .and_then(|p| p.as_str())
    {
        assert!(!text.contains(pass), "{text}");
    }
    // init never overwrites.
    let nginx_pid = pid_file(&lab.dir.join("nginx.pid"));
    let again = discovering(
        home.path(),
        nginx_pid,
        &["config", "init", "--discover", out.to_str().expect("utf-8")],
    );
    assert!(!again.status.success());

    // The usual incident: docservice down, nothing on its port. Its service is found by name
    // (the supervisord running nginx has a program `docservice`), and with it its settings
    // folder and dependencies: the same chain.
    assert!(lab.lab(&["break", "docservice-down"]).status.success());
    let down = home.path().join("down.toml");
    let o = discovering(
        home.path(),
        nginx_pid,
        &[
            "config",
            "init",
            "--discover",
            down.to_str().expect("utf-8"),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&down).expect("read");
    let got = triage502::config::load_file(&down).expect("loads");
    assert_eq!(hops(&got), hops(&want), "{text}");
    assert_eq!(services(&got), services(&want), "{text}");
    assert_eq!(sorted(&got.logs.docserver), sorted(&want.logs.docserver));
    assert_eq!(got.onlyoffice.local_json, want.onlyoffice.local_json);
    assert!(text.contains("STOPPED"), "{text}");
    // `check` with no config names the stopped service and the action that restarts it.
    let o = discovering(home.path(), nginx_pid, &["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["profile"], "discovered");
    let first = &v["findings"][0];
    assert_eq!(first["id"], "service_down", "{v:#}");
    assert_eq!(first["action"], "restart:docservice", "{v:#}");
}

/// The second setup: files in `dir`, programs under a supervisord of the test's own.
struct Shop {
    _sup: Supervisord,
    dir: PathBuf,
    port: u16,
    ds_port: u16,
}

const INTEGRATOR_SECRET: &str = "nextcloud-side-secret-0001";
const DS_SECRET: &str = "docserver-side-secret-0002";

fn shop(dir: &Path) -> Shop {
    let nginx = Nginx::binary().expect("nginx");
    let (port, web_port, ds_port) = (free_port(), free_port(), free_port());
    let d = dir.display();
    let ds = dir.join("ds");
    for sub in ["ds", "tmp", "nextcloud/config", "logs"] {
        std::fs::create_dir_all(dir.join(sub)).expect("mkdir");
    }
    std::fs::set_permissions(&ds, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    std::fs::write(
        ds.join("local.json"),
        serde_json::json!({"services": {"CoAuthoring": {
            "token": {"enable": {"browser": true, "request": {"inbox": true, "outbox": true}}},
            "secret": {"inbox": {"string": DS_SECRET}, "outbox": {"string": DS_SECRET},
                       "session": {"string": DS_SECRET}}}}})
        .to_string(),
    )
    .expect("local.json");
    // A certificate for the server name, signed by nobody this box trusts.
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .expect("params")
        .self_signed(&key)
        .expect("cert");
    std::fs::write(dir.join("cert.pem"), cert.pem()).expect("cert");
    std::fs::write(dir.join("key.pem"), key.serialize_pem()).expect("key");
    std::fs::write(
        dir.join("nextcloud/config/config.php"),
        format!(
            "<?php\n$CONFIG = array (\n  'overwrite.cli.url' => 'http://127.0.0.1:{web_port}',\n  \
             'onlyoffice' => array (\n    'DocumentServerUrl' => 'https://localhost:{port}/',\n    \
             'jwt_secret' => '{INTEGRATOR_SECRET}',\n  ),\n);\n"
        ),
    )
    .expect("config.php");
    let user = if is_root() { "user root;\n" } else { "" };
    std::fs::write(
        dir.join("nginx.conf"),
        format!(
            "{user}worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/logs/error.log;\n\
             events {{ worker_connections 64; }}\nhttp {{\n  access_log {d}/logs/access.log;\n\
             client_body_temp_path {d}/tmp/body;\n  proxy_temp_path {d}/tmp/proxy;\n\
             fastcgi_temp_path {d}/tmp/fcgi;\n  uwsgi_temp_path {d}/tmp/uwsgi;\n  scgi_temp_path {d}/tmp/scgi;\n\
             server {{\n    listen 127.0.0.1:{web_port};\n    server_name cloud.localhost;\n    root {d}/nextcloud;\n\
                 location / {{ return 200 'nextcloud'; }}\n  }}\n\
             server {{\n    listen 127.0.0.1:{port} ssl;\n    server_name localhost;\n\
                 ssl_certificate {d}/cert.pem;\n    ssl_certificate_key {d}/key.pem;\n\
                 error_log {d}/logs/office.error.log;\n\
                 location / {{\n      proxy_pass http://127.0.0.1:{ds_port};\n      proxy_http_version 1.1;\n\
                   proxy_set_header Upgrade $http_upgrade;\n      proxy_set_header Connection \"upgrade\";\n\
                   proxy_set_header Host $host;\n      proxy_set_header X-Forwarded-Proto $scheme;\n\
                   proxy_set_header X-Forwarded-Host $host;\n    }}\n  }}\n}}\n"
        ),
    )
    .expect("nginx.conf");
    let programs = format!(
        "[program:office]\ncommand={bin} lab standin --dir {ds} --port {ds_port}\n\
         environment=NODE_CONFIG_DIR=\"{ds}\"\nstartsecs=1\n\
         stdout_logfile={ds}/logs/docservice/stdout.log\nstderr_logfile={ds}/logs/docservice/err.log\n\n\
         [program:web]\ncommand={nginx} -p {d} -c {d}/nginx.conf -g \"daemon off;\"\nstartsecs=1\n\
         redirect_stderr=true\nstdout_logfile={d}/logs/web.log\n",
        bin = bin(),
        ds = ds.display(),
        nginx = nginx.display(),
    );
    std::fs::create_dir_all(ds.join("logs/docservice")).expect("mkdir");
    let sup = Supervisord::start(dir, &programs);
    let up = wait_until(Duration::from_secs(10), || {
        std::net::TcpStream::connect(("127.0.0.1", ds_port)).is_ok()
            && std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
            && dir.join("nginx.pid").exists()
    });
    assert!(up, "the setup did not come up: see {}", dir.display());
    Shop {
        _sup: sup,
        dir: dir.to_path_buf(),
        port,
        ds_port,
    }
}

#[test]
fn a_tls_site_with_nextcloud_is_discovered_and_checked() {
    if !is_root() {
        return skip("needs root");
    }
    if Nginx::binary().is_none() || !tool("supervisord") {
        return skip("needs nginx and supervisord (apt-get install nginx-light supervisor)");
    }
    let tmp = tempfile::Builder::new()
        .prefix("t502-h18-shop")
        .tempdir_in("/tmp")
        .expect("tmp");
    let s = shop(tmp.path());
    let home = tempfile::tempdir().expect("home");
    let nginx_pid = pid_file(&s.dir.join("nginx.pid"));
    let out = home.path().join("shop.toml");
    let o = discovering(
        home.path(),
        nginx_pid,
        &["config", "init", "--discover", out.to_str().expect("utf-8")],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).expect("read");
    let c = triage502::config::load_file(&out).expect("loads");
    let hop = |n: &str| {
        c.hops
            .iter()
            .find(|h| h.name == n)
            .unwrap_or_else(|| panic!("no hop {n}: {text}"))
    };
    let p = s.port;
    let ds = s.ds_port;
    assert_eq!(hop("dns").target.as_deref(), Some("localhost"));
    assert_eq!(hop("nginx").target, Some(format!("127.0.0.1:{p}")));
    assert_eq!(hop("nginx-tls").target, Some(format!("localhost:{p}")));
    assert_eq!(
        hop("via-nginx").url,
        Some(format!("https://localhost:{p}/healthcheck"))
    );
    assert_eq!(
        hop("command").url,
        Some(format!(
            "https://localhost:{p}/coauthoring/CommandService.ashx"
        ))
    );
    assert_eq!(hop("docservice").target, Some(format!("127.0.0.1:{ds}")));
    assert_eq!(
        hop("health").url,
        Some(format!("http://127.0.0.1:{ds}/healthcheck"))
    );
    assert_eq!(hop("docservice").service.as_deref(), Some("office"));
    assert_eq!(hop("nginx").service.as_deref(), Some("web"));
    assert_eq!(c.onlyoffice.local_json, s.dir.join("ds/local.json"));
    assert_eq!(
        c.integration.nextcloud_config,
        s.dir.join("nextcloud/config/config.php")
    );
    assert_eq!(
        c.integration.document_server_url,
        Some(format!("https://localhost:{p}/"))
    );
    assert_eq!(
        sorted(&c.logs.nginx_error),
        [
            s.dir.join("logs/error.log"),
            s.dir.join("logs/office.error.log")
        ]
    );
    assert!(
        c.logs
            .docserver
            .contains(&s.dir.join("ds/logs/docservice/out.log"))
            && c.logs
                .docserver
                .contains(&s.dir.join("ds/logs/docservice/err.log")),
        "{:?}",
        c.logs.docserver
    );
    assert!(
        !text.contains(INTEGRATOR_SECRET) && !text.contains(DS_SECRET),
        "{text}"
    );

    // `check` with no config: the discovered chain, and this setup's faults, each found only
    // through a part discovery wired (the TLS server block, config.php, local.json).
    let o = discovering(home.path(), nginx_pid, &["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    assert_eq!(v["profile"], "discovered", "{v:#}");
    let mut ids = finding_ids(&v);
    ids.sort();
    // The certificate is self-signed; the two sides' secrets differ; the Document Server's
    // request filter (allowPrivateIPAddress unset: false) refuses Nextcloud on 127.0.0.1.
    assert_eq!(
        ids,
        ["jwt_mismatch", "private_ip_blocked", "tls_problem"],
        "{v:#}"
    );
    assert_eq!(o.status.code(), Some(2), "{v:#}");
}

#[test]
fn an_unknown_nginx_pid_is_said_and_the_embedded_profile_used() {
    let home = tempfile::tempdir().expect("home");
    // Pid 1 is never an nginx master here: discovery finds nothing through it.
    let o = discovering(home.path(), 1, &["config", "show", "--discover"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("no Document Server found"), "{out}");
    let o = discovering(home.path(), 1, &["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["profile"], "onlyoffice", "{v:#}");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("discovery found no Document Server"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let bad = Command::new(bin())
        .env_remove("TRIAGE502_CONFIG")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("TRIAGE502_NGINX_PID", "nginx")
        .args(["check", "--format", "nagios"])
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("TRIAGE502_NGINX_PID"));
}
