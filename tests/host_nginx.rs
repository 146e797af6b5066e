//! nginx facts end to end: the lab's configuration fixture parsed and mapped, and a real nginx
//! read through `nginx -T -p -c` with its proxy targets mapped onto live sockets.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use triage502::host::nginx::{
    self, ConfigOrigin, Level, NginxQuery, NginxTest, Target, TargetStatus, proxy_target_map,
};
use triage502::host::nginx_conf::{self, DiskSource};
use triage502::host::sockets;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/nginx/lab-nginx.conf")
}

fn lab_facts(text: Option<&str>) -> nginx::NginxFacts {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nginx.conf");
    let body = match text {
        Some(t) => t.to_string(),
        None => std::fs::read_to_string(fixture()).unwrap(),
    };
    std::fs::write(&path, body).unwrap();
    let cfg = nginx_conf::load(&DiskSource, &path).unwrap();
    nginx::analyze(
        &cfg,
        ConfigOrigin::Files,
        NginxTest::NotRun {
            reason: "test".into(),
        },
    )
}

#[test]
fn lab_config_locations_targets_upstreams_and_buffers() {
    let f = lab_facts(None);
    // fastcgi_params is not next to the copy: reported, not fatal.
    assert!(
        f.warnings.iter().any(|w| w.contains("fastcgi_params")),
        "{:?}",
        f.warnings
    );
    assert_eq!(f.servers.len(), 2);
    let lab = &f.servers[0];
    assert_eq!(lab.listen, vec!["127.0.0.1:8080"]);
    assert_eq!(lab.server_name, vec!["lab.local"]);
    assert_eq!(lab.locations.len(), 21);
    let loc = |p: &str| lab.locations.iter().find(|l| l.path == p).unwrap();
    let pass = |p: &str| loc(p).pass.clone().unwrap();

    assert_eq!(
        pass("/refused").target,
        Target::Address {
            scheme: Some("http".into()),
            host: "127.0.0.1".into(),
            port: 1
        }
    );
    assert_eq!(
        pass("/unixenoent").target,
        Target::Unix {
            scheme: Some("http".into()),
            path: "/run/lab/nonexistent.sock".into()
        }
    );
    assert_eq!(
        pass("/ssl").target,
        Target::Address {
            scheme: Some("https".into()),
            host: "127.0.0.1".into(),
            port: 9008
        }
    );
    assert!(matches!(
        pass("/noresolver").target,
        Target::Variable { .. }
    ));
    assert_eq!(
        pass("/nolive").target,
        Target::Upstream {
            scheme: Some("http".into()),
            name: "single".into()
        }
    );
    assert_eq!(pass("/fcgi").directive, "fastcgi_pass");
    assert_eq!(
        pass("/fcgi").target,
        Target::Address {
            scheme: None,
            host: "127.0.0.1".into(),
            port: 9009
        }
    );

    // Buffers and timeouts with their origin.
    let big = &loc("/bighdr").settings;
    assert_eq!(big.buffer_size.value, "1k");
    assert_eq!(big.buffer_size.from, Level::Location);
    let refused = &loc("/refused").settings;
    assert_eq!(refused.buffer_size.from, Level::Default);
    assert_eq!(refused.connect_timeout.value, "1s");
    assert_eq!(refused.connect_timeout.from, Level::Server);
    assert_eq!(refused.read_timeout.value, "1s");
    assert_eq!(refused.send_timeout.value, "1s");
    assert_eq!(
        refused.header("Host"),
        Some("$proxy_host"),
        "nginx default header"
    );
    let res = &f.servers[1].locations[0].settings;
    assert_eq!(
        res.read_timeout.value, "60s",
        "second server has no timeouts"
    );

    // Upstreams.
    let names: Vec<_> = f.upstreams.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, vec!["single", "pool", "retry"]);
    let single = f.upstream("single").unwrap();
    assert_eq!(single.servers[0].max_fails, Some(1));
    assert_eq!(single.servers[0].fail_timeout.as_deref(), Some("30s"));
    assert_eq!(
        f.upstream("retry").unwrap().servers[1].raw,
        "127.0.0.1:9008"
    );
}

#[test]
fn lab_config_maps_targets_and_upstreams_onto_sockets() {
    let f = lab_facts(None);
    // A listener on 9008 (the retry group's second server and /ssl), nothing on 1 and 2.
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let text = std::fs::read_to_string(fixture())
        .unwrap()
        .replace("9008", &port.to_string());
    let f2 = lab_facts(Some(&text));
    let socks = sockets::collect().unwrap();
    let m = proxy_target_map(&f2, &socks.listeners);
    let retry: Vec<_> = m.iter().filter(|x| x.location == "/retry").collect();
    assert_eq!(retry.len(), 2);
    assert!(retry.iter().all(|x| x.upstream.as_deref() == Some("retry")));
    assert_eq!(retry[0].endpoint, "127.0.0.1:1");
    assert_eq!(retry[0].status, TargetStatus::NoListener);
    assert_eq!(retry[1].status, TargetStatus::Listening);
    assert_eq!(retry[1].listeners[0].pid, Some(std::process::id() as i32));
    let pool: Vec<_> = m.iter().filter(|x| x.location == "/pool").collect();
    assert_eq!(pool.len(), 2, "both pool servers");
    let unix = m.iter().find(|x| x.location == "/unixenoent").unwrap();
    assert_eq!(unix.status, TargetStatus::UnixSocketMissing);
    let unreach = m.iter().find(|x| x.location == "/netunreach").unwrap();
    assert_eq!(unreach.status, TargetStatus::Remote);
    let var = m.iter().find(|x| x.location == "/noresolver").unwrap();
    assert_eq!(var.status, TargetStatus::Unresolved);
    drop(f);
}

#[test]
fn wrong_upstream_port_fault_shows_target_without_listener() {
    // The lab's Document Server upstream, healthy and with the wrong-upstream-port fault.
    let ds = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = ds.local_addr().unwrap().port();
    let wrong = {
        let t = TcpListener::bind("127.0.0.1:0").unwrap();
        t.local_addr().unwrap().port()
    };
    let conf = |p: u16| {
        format!(
            "events {{}} http {{ upstream docservice {{ server 127.0.0.1:{p}; }}\n\
             server {{ listen 127.0.0.1:8080; location / {{ proxy_pass http://docservice; }} }} }}"
        )
    };
    let socks = sockets::collect().unwrap();
    let healthy = proxy_target_map(&lab_facts(Some(&conf(port))), &socks.listeners);
    assert_eq!(healthy.len(), 1);
    assert_eq!(healthy[0].status, TargetStatus::Listening);
    let broken = proxy_target_map(&lab_facts(Some(&conf(wrong))), &socks.listeners);
    assert_eq!(broken[0].status, TargetStatus::NoListener);
    assert_eq!(broken[0].endpoint, format!("127.0.0.1:{wrong}"));
}

/// A real nginx in a temp dir, killed on drop.
struct Nginx {
    child: Child,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM lets the master stop its workers; SIGKILL would orphan them.
        let pid = self.child.id() as libc::pid_t;
        // SAFETY: plain kill(2) on our own child.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn real_nginx_is_read_with_dash_t_and_mapped() {
    let bin = Path::new("/usr/sbin/nginx");
    if !bin.exists() {
        return common::skip("/usr/sbin/nginx not installed");
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("tmp")).unwrap();
    let app = TcpListener::bind("127.0.0.1:0").unwrap();
    let app_port = app.local_addr().unwrap().port();
    let dead_port = free_port();
    let listen = free_port();
    let user = if sockets::is_root() {
        "user root;\n"
    } else {
        ""
    };
    let p = d.display();
    let conf = format!(
        "{user}worker_processes 1;\npid {p}/nginx.pid;\nerror_log {p}/error.log;\n\
         events {{ worker_connections 16; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {p}/tmp/body;\n  proxy_temp_path {p}/tmp/proxy;\n\
           fastcgi_temp_path {p}/tmp/fcgi;\n  uwsgi_temp_path {p}/tmp/uwsgi;\n  scgi_temp_path {p}/tmp/scgi;\n\
           upstream app {{ server 127.0.0.1:{app_port}; }}\n\
           server {{\n    listen 127.0.0.1:{listen};\n    server_name t502;\n\
             location /a {{ proxy_set_header X-Forwarded-Proto $scheme; proxy_pass http://app; }}\n\
             location /b {{ proxy_pass http://127.0.0.1:{dead_port}; }}\n  }}\n}}\n"
    );
    std::fs::write(d.join("nginx.conf"), conf).unwrap();
    let conf_path = d.join("nginx.conf");
    let child = Command::new(bin)
        .arg("-p")
        .arg(d)
        .arg("-c")
        .arg(&conf_path)
        .arg("-e")
        .arg(d.join("error.log"))
        .args(["-g", "daemon off;"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _guard = Nginx { child };
    let deadline = Instant::now() + Duration::from_secs(5);
    // Wait until a worker answers (not just until the master's socket accepts), so the
    // worker exists before the guard stops the master.
    loop {
        assert!(
            Instant::now() < deadline,
            "nginx did not start: {:?}",
            std::fs::read_to_string(d.join("error.log"))
        );
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", listen)) {
            use std::io::{Read, Write};
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut buf = String::new();
            if s.write_all(b"GET /b HTTP/1.0\r\n\r\n").is_ok()
                && s.read_to_string(&mut buf).is_ok()
                && buf.starts_with("HTTP/1.1 502")
            {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let q = NginxQuery {
        binary: bin.into(),
        config: Some(conf_path.clone()),
        prefix: Some(d.to_path_buf()),
        error_log: Some(d.join("error.log")),
    };
    let facts = nginx::collect(&q, Duration::from_secs(5)).await.unwrap();
    assert_eq!(facts.origin, ConfigOrigin::NginxDashT);
    assert!(
        matches!(facts.test, NginxTest::Ok { .. }),
        "{:?}",
        facts.test
    );
    assert_eq!(facts.main_config, conf_path);
    let socks = sockets::collect().unwrap();
    let ngx = socks
        .listeners
        .iter()
        .find(|l| l.port == listen)
        .expect("nginx listener");
    assert_eq!(ngx.process_name(), Some("nginx"));
    let m = proxy_target_map(&facts, &socks.listeners);
    let a = m.iter().find(|x| x.location == "/a").unwrap();
    assert_eq!(a.upstream.as_deref(), Some("app"));
    assert_eq!(a.status, TargetStatus::Listening);
    assert_eq!(a.listeners[0].pid, Some(std::process::id() as i32));
    let b = m.iter().find(|x| x.location == "/b").unwrap();
    assert_eq!(b.status, TargetStatus::NoListener);
    assert!(b.listeners.is_empty());
    let loc_a = &facts.servers[0].locations[0];
    assert_eq!(loc_a.settings.header("X-Forwarded-Proto"), Some("$scheme"));
}

#[tokio::test]
async fn broken_config_reports_test_error_and_falls_back_to_files() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("nginx.conf");
    std::fs::write(
        &conf,
        "events {}\nhttp {\n server { listen 127.0.0.1:1; proxy_pas http://x; }\n}\n",
    )
    .unwrap();
    let q = NginxQuery {
        binary: "/usr/sbin/nginx".into(),
        config: Some(conf.clone()),
        prefix: Some(dir.path().into()),
        error_log: Some(dir.path().join("error.log")),
    };
    let facts = nginx::collect(&q, Duration::from_secs(5)).await.unwrap();
    assert_eq!(facts.origin, ConfigOrigin::Files);
    match &facts.test {
        NginxTest::Failed { message, line, .. } => {
            assert!(message.contains("unknown directive"), "{message}");
            assert_eq!(*line, Some(3));
        }
        // only where nginx is missing: where it is installed (as here), `nginx -t` must run
        NginxTest::NotRun { reason } if !Path::new("/usr/sbin/nginx").exists() => {
            assert!(reason.contains("not installed"), "{reason}");
            common::skip("nginx not installed: `nginx -t` not checked");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(facts.servers.len(), 1);

    // A missing binary and a missing file: an explained unknown, no panic.
    let q = NginxQuery {
        binary: "/nonexistent/nginx".into(),
        config: Some(dir.path().join("missing.conf")),
        ..NginxQuery::default()
    };
    let e = nginx::collect(&q, Duration::from_secs(2))
        .await
        .unwrap_err();
    assert!(e.reason.contains("not installed"), "{e:?}");
    assert!(e.reason.contains("missing.conf"), "{e:?}");
}
