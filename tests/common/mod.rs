//! Helpers shared by the integration tests: the binary under test, a loopback lab started
//! through it (`lab down` on drop), a tmux server of the test's own (killed on drop), and a TLS
//! server with a self-signed certificate, a one-hop config. Each test file uses a part of it.
#![allow(dead_code)]

use std::io::Read;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_triage502")
}

/// Whether the tests run as root.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// The reason of a test that means something only without root. scripts/test-all.sh, run as
/// root, runs the tests skipped for this reason again as `nobody`.
pub const NON_ROOT: &str = "needs a non-root user (scripts/test-all.sh runs it as nobody)";

/// Records that the running test is skipped, and why: prints `skipped: REASON` (seen with
/// `--nocapture`) and, when `TRIAGE502_SKIP_LOG` names a file (scripts/test-all.sh sets it),
/// appends `BINARY::TEST: REASON` to it, so the suite's summary counts and names the skips
/// instead of showing them as passed. Call it as `return skip("needs root");`.
pub fn skip(reason: &str) {
    let test = std::thread::current()
        .name()
        .unwrap_or("unnamed test")
        .to_string();
    let binary = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .map(|s| match s.rsplit_once('-') {
            Some((name, hash)) if hash.chars().all(|c| c.is_ascii_hexdigit()) => name.to_string(),
            _ => s,
        })
        .unwrap_or_default();
    let line = format!("{binary}::{test}: {reason}");
    eprintln!("skipped: {line}");
    if let Some(log) = std::env::var_os("TRIAGE502_SKIP_LOG") {
        use std::io::Write;
        let f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log);
        match f {
            Ok(mut f) => {
                let _ = writeln!(f, "{line}");
            }
            Err(e) => panic!(
                "cannot record the skip in {}: {e}",
                Path::new(&log).display()
            ),
        }
    }
}

/// Waits until `cond` holds, polling every 10 ms, for at most `within`; returns whether it
/// held. For a state the test asserts next (a process gone, a file written): no fixed sleep.
pub fn wait_until(within: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Whether tmux is installed.
pub fn have_tmux() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `triage502 lab --dir DIR ARGS...`.
pub fn lab_cmd(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(["lab", "--dir"])
        .arg(dir)
        .args(args)
        .env_remove("TRIAGE502_LAB_DIR")
        .env_remove("TRIAGE502_CONFIG")
        .output()
        .expect("run triage502 lab")
}

/// A lab in a temp folder under /tmp (short paths: the supervisor socket path is limited),
/// brought up through the binary; `lab down` on drop.
pub struct Lab {
    _tmp: tempfile::TempDir,
    pub dir: PathBuf,
}

impl Lab {
    /// Bring a lab up; `None` (with a "skipped" line) when nginx or supervisord is missing, a
    /// panic for any other failure.
    pub fn up(prefix: &str) -> Option<Lab> {
        let tmp = tempfile::Builder::new()
            .prefix(prefix)
            .tempdir_in("/tmp")
            .expect("tempdir");
        let dir = tmp.path().to_path_buf();
        let o = lab_cmd(&dir, &["up"]);
        if !o.status.success() {
            let t = String::from_utf8_lossy(&o.stderr).to_string();
            if t.contains("apt-get install") {
                skip(t.trim());
                return None;
            }
            panic!("lab up failed: {t}{}", String::from_utf8_lossy(&o.stdout));
        }
        Some(Lab { _tmp: tmp, dir })
    }

    /// `triage502 lab --dir DIR ARGS...`.
    pub fn lab(&self, args: &[&str]) -> Output {
        lab_cmd(&self.dir, args)
    }

    /// The same, asserting success.
    pub fn run(&self, args: &[&str]) {
        let o = self.lab(args);
        assert!(
            o.status.success(),
            "lab {args:?} failed: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }

    /// The lab's config.
    pub fn toml(&self) -> PathBuf {
        self.dir.join("lab.toml")
    }

    /// The proxy's port from the lab's config (the `nginx` hop's target).
    pub fn nginx_port(&self) -> u16 {
        let t = std::fs::read_to_string(self.toml()).expect("lab.toml");
        let v: toml::Value = toml::from_str(&t).expect("lab.toml parses");
        v["hop"]
            .as_array()
            .and_then(|hops| hops.iter().find(|h| h["name"].as_str() == Some("nginx")))
            .and_then(|h| h["target"].as_str())
            .and_then(|t| t.rsplit(':').next())
            .and_then(|p| p.parse().ok())
            .expect("the nginx hop's port")
    }

    /// The integrator's JWT secret written in lab.toml.
    pub fn secret(&self) -> String {
        let t = std::fs::read_to_string(self.toml()).expect("lab.toml");
        t.lines()
            .find_map(|l| l.trim().strip_prefix("jwt_secret = "))
            .map(|s| s.trim_matches('"').to_string())
            .expect("lab.toml has jwt_secret")
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = self.lab(&["down"]);
    }
}

/// A tmux server on a socket of the test's own, with one session; killed on drop.
pub struct Tmux {
    sock: String,
    session: &'static str,
}

impl Tmux {
    /// A server named after `name` and this process; the session is called `session`.
    pub fn new(name: &str, session: &'static str) -> Tmux {
        Tmux {
            sock: format!("t502-{name}-{}", std::process::id()),
            session,
        }
    }

    /// Run a tmux command on this server.
    pub fn cmd(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.sock])
            .args(args)
            .output()
            .expect("tmux")
    }

    /// Start the session, `w`×`h`, running `argv`.
    pub fn start(&self, w: u16, h: u16, argv: &[&str]) {
        let (w, h) = (w.to_string(), h.to_string());
        let mut args = vec!["new-session", "-d", "-s", self.session, "-x", &w, "-y", &h];
        args.extend_from_slice(argv);
        let o = self.cmd(&args);
        assert!(
            o.status.success(),
            "tmux: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }

    /// Start a clean shell (`env -i`, `NO_COLOR`, bash without rc files), `w`×`h`; `tools`,
    /// when given, comes first in its PATH (stand-ins for tools that hang).
    pub fn start_shell(&self, w: u16, h: u16, tools: Option<&Path>) {
        self.start_shell_env(w, h, tools, &["NO_COLOR=1"]);
    }

    /// [`Tmux::start_shell`] with `env` (`NAME=value`) instead of `NO_COLOR=1`.
    pub fn start_shell_env(&self, w: u16, h: u16, tools: Option<&Path>, env: &[&str]) {
        let mut path = String::from("PATH=");
        if let Some(t) = tools {
            path.push_str(&format!("{}:", t.display()));
        }
        path.push_str("/usr/bin:/bin:/usr/sbin:/sbin");
        let mut argv = vec!["env", "-i", &path, "TERM=xterm-256color", "HOME=/tmp"];
        argv.extend_from_slice(env);
        argv.extend_from_slice(&["bash", "--norc", "--noprofile"]);
        self.start(w, h, &argv);
    }

    /// Types `cmdline` into the shell with `; echo EXITED $?` after it, so that
    /// [`Tmux::wait_exit`] sees the command end.
    pub fn run(&self, cmdline: &str) {
        self.keys(&[&format!("{cmdline}; echo EXITED $?"), "Enter"]);
    }

    /// Waits up to `secs` for the line the shell prints when the command given to
    /// [`Tmux::run`] has ended, and returns the screen and the exit code. The typed command
    /// line (`echo EXITED $?`, on screen as soon as the console leaves the alternate screen)
    /// does not count: only `EXITED` followed by a number does.
    pub fn wait_exit(&self, what: &str, secs: u64) -> (String, i32) {
        let s = self.wait(what, secs, |s| exit_code(s).is_some());
        let code = exit_code(&s).expect("matched above");
        (s, code)
    }

    /// Send keys to the session.
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", self.session];
        args.extend_from_slice(keys);
        self.cmd(&args);
    }

    /// The visible screen.
    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", self.session]).stdout)
            .to_string()
    }

    /// The visible screen with its colours and attributes (SGR escape sequences).
    pub fn screen_escapes(&self) -> String {
        String::from_utf8_lossy(
            &self
                .cmd(&["capture-pane", "-p", "-e", "-t", self.session])
                .stdout,
        )
        .to_string()
    }

    /// Whether the alternate screen is on (a full-screen program owns the terminal).
    pub fn alternate_on(&self) -> bool {
        String::from_utf8_lossy(
            &self
                .cmd(&[
                    "display-message",
                    "-p",
                    "-t",
                    self.session,
                    "#{alternate_on}",
                ])
                .stdout,
        )
        .trim()
            == "1"
    }

    /// Wait until the screen satisfies `pred`, up to `secs`; panics with the screen after.
    pub fn wait(&self, what: &str, secs: u64, pred: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if Instant::now() > end {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

/// The code in the first `EXITED <number>` line on `screen` (see [`Tmux::run`]).
pub fn exit_code(screen: &str) -> Option<i32> {
    screen.match_indices("EXITED ").find_map(|(i, m)| {
        let rest = &screen[i + m.len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    })
}

/// A TLS server with a fresh self-signed certificate for `localhost` (see [`tls_server_with`]).
pub fn tls_server() -> SocketAddr {
    tls_server_for(&["localhost"], false)
}

/// A TLS server like [`tls_server`] with a self-signed certificate for `names`, valid now, or
/// (`expired`) only during 2020.
pub fn tls_server_for(names: &[&str], expired: bool) -> SocketAddr {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let signing_key = rcgen::KeyPair::generate().expect("key pair");
    let mut params = rcgen::CertificateParams::new(names).expect("params");
    if expired {
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2020, 12, 31);
    }
    let cert = params.self_signed(&signing_key).expect("cert");
    tls_server_with(vec![cert.der().clone()], &signing_key)
}

/// A TLS server on loopback presenting `chain` (signed with `key`): it reads a request (5 s at
/// most) and answers `200 ok`, then closes.
pub fn tls_server_with(
    chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    key: &rcgen::KeyPair,
) -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = l.local_addr().expect("addr");
    tls_serve_on(l, chain, key);
    addr
}

/// [`tls_server_with`] on a listener of the caller's (one bound in another namespace).
pub fn tls_serve_on(
    l: TcpListener,
    chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    key: &rcgen::KeyPair,
) {
    use std::io::Write as _;
    triage502::probe::init_crypto();
    let key = rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).expect("key");
    let cfg = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("server config");
    let cfg = Arc::new(cfg);
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            let cfg = cfg.clone();
            std::thread::spawn(move || {
                let Ok(conn) = rustls::ServerConnection::new(cfg) else {
                    return;
                };
                let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
                let mut tls = rustls::StreamOwned::new(conn, s);
                let mut buf = [0u8; 2048];
                if tls.read(&mut buf).is_ok_and(|n| n > 0) {
                    let _ = tls.write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                    );
                    let _ = tls.flush();
                }
            });
        }
    });
}

/// A test CA made here, and a server certificate for one name it signed.
pub struct TestPki {
    pub ca_pem: String,
    pub leaf: rustls::pki_types::CertificateDer<'static>,
    pub leaf_key: rcgen::KeyPair,
}

/// [`TestPki`] for `name`.
pub fn test_pki(name: &str) -> TestPki {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "triage502 test CA");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
    ];
    let ca_key = rcgen::KeyPair::generate().expect("key");
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).expect("ca");
    let leaf_key = rcgen::KeyPair::generate().expect("key");
    let leaf = rcgen::CertificateParams::new(vec![name.to_string()])
        .expect("params")
        .signed_by(&leaf_key, &ca)
        .expect("leaf");
    TestPki {
        ca_pem: ca.pem(),
        leaf: leaf.der().clone(),
        leaf_key,
    }
}

/// A config of one hop that always fails (TCP to the discard port, where nothing listens), in
/// a temp folder of its own: for tests of the console or the CLI that need no lab.
pub fn one_hop_config() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().expect("tempdir");
    let cfg = d.path().join("c.toml");
    // The audit log (and the console's timeline journal beside it) in the temp folder: never
    // the system's /var/log/triage502 when the tests run as root.
    std::fs::write(
        &cfg,
        format!(
            "[[hop]]\nname = \"loop\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:9\"\n\n[actions]\naudit_log = \"{}\"\n",
            d.path().join("audit.log").display()
        ),
    )
    .expect("write");
    (d, cfg)
}

/// An executable shell script `name` in `dir` (created when missing): a stand-in for a tool,
/// put first in a shell's PATH with [`Tmux::start_shell`].
pub fn tool_script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir).expect("mkdir");
    let p = dir.join(name);
    std::fs::write(&p, format!("#!/bin/sh\n{body}")).expect("write");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    p
}

/// A `docker` stand-in for the console's action tests, in a folder `dir` of the test's own.
pub struct HangingDocker {
    /// Folder holding the `docker` script (first in the shell's PATH: [`Tmux::start_shell`]).
    pub tools: PathBuf,
    /// Where `docker restart` writes the pid of the child it waits for.
    pub sleeper_pid: PathBuf,
    /// The audit log the config names.
    pub audit: PathBuf,
    /// A config of one failing hop (TCP to the discard port) whose service is the container.
    pub cfg: PathBuf,
}

/// A `docker` whose `inspect` says the container exited (code 1) and whose `restart` prints
/// `restarting`, starts `sleep 60` (pid in [`HangingDocker::sleeper_pid`]) and waits for it,
/// as with a wedged daemon; with `ignore_term` the restart also ignores SIGTERM.
pub fn hanging_docker(dir: &Path, ignore_term: bool) -> HangingDocker {
    let tools = dir.join("tools");
    let sleeper_pid = dir.join("sleeper.pid");
    let trap = if ignore_term { "trap '' TERM; " } else { "" };
    tool_script(
        &tools,
        "docker",
        &format!(
            "case \"$1\" in\n  inspect) echo '[{{\"State\":{{\"Status\":\"exited\",\"ExitCode\":1}}}}]';;\n  restart) {trap}echo restarting; sleep 60 & echo $! > {}; wait;;\n  *) exit 1;;\nesac\n",
            sleeper_pid.display()
        ),
    );
    let audit = dir.join("audit.log");
    let cfg = dir.join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "[actions]\naudit_log = \"{}\"\n\n[[hop]]\nname = \"loop\"\nkind = \"tcp\"\n\
             target = \"127.0.0.1:9\"\nservice = \"web\"\n\n[[service]]\nname = \"web\"\nbackend = \"docker\"\n",
            audit.display()
        ),
    )
    .expect("write");
    HangingDocker {
        tools,
        sleeper_pid,
        audit,
        cfg,
    }
}

/// Whether `name` is an executable in PATH (or in /usr/sbin, /sbin, which a user's PATH may
/// lack).
pub fn tool(name: &str) -> bool {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
        .unwrap_or(false)
        || ["/usr/sbin", "/sbin"]
            .iter()
            .any(|d| Path::new(d).join(name).is_file())
}

/// The state letter of `pid` from /proc (`R`, `S`, `D`, `Z`, …); `None` when it is gone.
pub fn proc_state(pid: i32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat[stat.rfind(')')? + 2..].chars().next()
}

/// Whether `pid` runs (a zombie counts as gone).
pub fn alive(pid: i32) -> bool {
    proc_state(pid).is_some_and(|c| c != 'Z')
}

/// Waits up to `within` for `pid` to go (after asking it to), then kills it.
pub fn reap_or_kill(pid: i32, within: Duration) {
    if !wait_until(within, || !alive(pid)) {
        // SAFETY: kill(2) on a pid the test started (or its daemon wrote).
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
}

/// A supervisord of the test's own in `dir` (socket, pid file, logs there), running the given
/// `[program:…]` sections; shut down on drop, and killed (with `extra_pids`) if it lingers.
pub struct Supervisord {
    pub conf: PathBuf,
    pub pidfile: PathBuf,
    pub extra_pids: Vec<i32>,
}

impl Supervisord {
    /// Writes `dir/supervisord.conf` with `programs` appended, starts supervisord and waits
    /// (10 s at most) for its socket.
    pub fn start(dir: &Path, programs: &str) -> Supervisord {
        let p = dir.display();
        let user = if is_root() { "user=root\n" } else { "" };
        let conf = dir.join("supervisord.conf");
        std::fs::write(
            &conf,
            format!(
                "[unix_http_server]\nfile={p}/s.sock\n\n\
                 [supervisord]\nlogfile={p}/supervisord.log\npidfile={p}/supervisord.pid\nchildlogdir={p}\n{user}\n\
                 [rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n\
                 [supervisorctl]\nserverurl=unix://{p}/s.sock\n\n{programs}"
            ),
        )
        .expect("write supervisord.conf");
        let guard = Supervisord {
            conf: conf.clone(),
            pidfile: dir.join("supervisord.pid"),
            extra_pids: Vec::new(),
        };
        let st = Command::new("supervisord")
            .arg("-c")
            .arg(&conf)
            .status()
            .expect("run supervisord");
        assert!(st.success(), "supervisord failed to start");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !dir.join("s.sock").exists() {
            assert!(
                Instant::now() < deadline,
                "supervisord socket did not appear"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        guard
    }
}

impl Drop for Supervisord {
    fn drop(&mut self) {
        let pid: Option<i32> = std::fs::read_to_string(&self.pidfile)
            .ok()
            .and_then(|s| s.trim().parse().ok());
        let _ = Command::new("supervisorctl")
            .arg("-c")
            .arg(&self.conf)
            .arg("shutdown")
            .output();
        if let Some(pid) = pid {
            reap_or_kill(pid, Duration::from_secs(5));
        }
        for &p in &self.extra_pids {
            reap_or_kill(p, Duration::ZERO);
        }
    }
}

/// A real nginx of the test's own in `dir` (`-p dir`, its pid, logs and temp folders there),
/// running `servers` (the `server { … }` blocks) inside `http { }`; stopped on drop (SIGTERM,
/// so the master stops its workers, then SIGKILL if it lingers).
pub struct Nginx {
    child: std::process::Child,
    pub error_log: PathBuf,
}

impl Nginx {
    /// `/usr/sbin/nginx`, when installed.
    pub fn binary() -> Option<PathBuf> {
        let b = PathBuf::from("/usr/sbin/nginx");
        b.exists().then_some(b)
    }

    /// Start nginx with `servers`; wait (5 s at most) until `port` answers HTTP.
    pub fn start(dir: &Path, servers: &str, port: u16) -> Nginx {
        let bin = Self::binary().expect("nginx installed (check Nginx::binary first)");
        let p = dir.display();
        std::fs::create_dir_all(dir.join("tmp")).expect("nginx tmp dir");
        let user = if is_root() { "user root;\n" } else { "" };
        let conf = dir.join("nginx.conf");
        std::fs::write(
            &conf,
            format!(
                "{user}worker_processes 1;\npid {p}/nginx.pid;\nerror_log {p}/error.log;\n\
                 events {{ worker_connections 32; }}\n\
                 http {{\n  access_log off;\n  client_body_temp_path {p}/tmp/body;\n  proxy_temp_path {p}/tmp/proxy;\n\
                 fastcgi_temp_path {p}/tmp/fcgi;\n  uwsgi_temp_path {p}/tmp/uwsgi;\n  scgi_temp_path {p}/tmp/scgi;\n\
                 {servers}\n}}\n"
            ),
        )
        .expect("write nginx.conf");
        let child = Command::new(bin)
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(&conf)
            .arg("-e")
            .arg(dir.join("error.log"))
            .args(["-g", "daemon off;"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn nginx");
        let n = Nginx {
            child,
            error_log: dir.join("error.log"),
        };
        let up = wait_until(Duration::from_secs(5), || {
            let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
                return false;
            };
            use std::io::Write;
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let _ = s.write_all(b"GET /__up HTTP/1.0\r\n\r\n");
            let mut b = [0u8; 16];
            matches!(s.read(&mut b), Ok(n) if n > 0)
        });
        assert!(
            up,
            "nginx did not start: {:?}",
            std::fs::read_to_string(dir.join("error.log"))
        );
        n
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
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

/// A free TCP port on 127.0.0.1 (bound, read, released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// A network namespace of the test's own (`PREFIX<pid>`, loopback up), deleted on drop: its
/// own interfaces, sockets and nftables ruleset, so a test can drop packets without touching
/// the host's. Root only.
pub struct Netns(pub String);

impl Netns {
    /// Create it (panics when `ip netns add` fails: check root first).
    pub fn new(prefix: &str) -> Netns {
        let ns = format!("{prefix}{}", std::process::id());
        let _ = Command::new("ip")
            .args(["netns", "del", &ns])
            .stderr(std::process::Stdio::null())
            .status();
        assert!(run_ok(&["ip", "netns", "add", &ns]), "ip netns add {ns}");
        let me = Netns(ns);
        assert!(me.run(&["ip", "link", "set", "lo", "up"]));
        me
    }

    /// Run a command inside the namespace; whether it succeeded.
    pub fn run(&self, args: &[&str]) -> bool {
        let mut all = vec!["ip", "netns", "exec", self.0.as_str()];
        all.extend_from_slice(args);
        run_ok(&all)
    }

    /// A command that runs inside the namespace (`ip netns exec NS PROGRAM`).
    pub fn command(&self, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.0, program]);
        c
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

/// Run a command; whether it succeeded.
pub fn run_ok(args: &[&str]) -> bool {
    Command::new(args[0])
        .args(&args[1..])
        .status()
        .is_ok_and(|s| s.success())
}

/// `triage502 --config CONFIG check --format json` with the caller's environment minus its own
/// config and lab folder, plus `env`: the exit code and the parsed JSON (a panic showing the
/// output when it is not JSON).
pub fn check_json_with(
    config: &Path,
    env: &[(&str, std::ffi::OsString)],
) -> (i32, serde_json::Value) {
    let o = Command::new(bin())
        .env_remove("TRIAGE502_CONFIG")
        .env_remove("TRIAGE502_LAB_DIR")
        .envs(env.iter().map(|(k, v)| (*k, v)))
        .arg("--config")
        .arg(config)
        .args(["check", "--format", "json"])
        .output()
        .expect("check");
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "check output is not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    (o.status.code().unwrap_or(-1), v)
}

/// [`check_json_with`] without extra environment.
pub fn check_json(config: &Path) -> (i32, serde_json::Value) {
    check_json_with(config, &[])
}

/// The ids of a `check --format json` answer's findings, in rank order.
pub fn finding_ids(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A browser's request through nginx on `port` (a browser's User-Agent, so the access figures
/// count it as a user's); the status code nginx answered (0 when none).
pub fn user_request(port: u16) -> u16 {
    use std::io::Write;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect to nginx");
    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
    s.write_all(
        b"GET /healthcheck HTTP/1.1\r\nHost: localhost\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0\r\nConnection: close\r\n\r\n",
    )
    .expect("send");
    let mut resp = String::new();
    let _ = s.read_to_string(&mut resp);
    resp.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}
