//! `triage502 fleet` against a real OpenSSH server from Debian: the test starts `sshd` (its
//! own config, host key and authorized key from ssh-keygen, `-D -e -f`) in network namespaces
//! of its own — one host healthy, one with a fault, one where nothing listens on port 22 —
//! reached over veth pairs, with a known_hosts file holding the host key so host key checking
//! stays on. The remote triage502 is the binary under test. Also: `check --format json`
//! carries `version` and `walkthrough`, which fleet needs.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn check_json_has_version_and_walkthrough() {
    let (_d, cfg) = one_hop_config();
    let (code, v) = check_json(&cfg);
    assert_eq!(code, 2, "{v}");
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"), "{v}");
    let w = v["walkthrough"].as_array().expect("walkthrough array");
    assert_eq!(w.len(), 5, "{v}");
    assert_eq!(w[0]["title"], "Global view", "{v}");
    // The refused port is in the network step, as the console's walkthrough shows it.
    assert_eq!(w[1]["title"], "Network and ports", "{v}");
    assert_eq!(w[1]["verdict"], "FAIL", "{v}");
    assert!(
        w[1]["checks"][0]["evidence"]
            .as_str()
            .unwrap_or("")
            .contains("refused"),
        "{v}"
    );
}

#[test]
fn fleet_without_hosts_is_unknown_in_its_format() {
    let (_d, cfg) = one_hop_config();
    let o = Command::new(bin())
        .env_remove("TRIAGE502_CONFIG")
        .arg("--config")
        .arg(&cfg)
        .args(["fleet", "--format", "nagios"])
        .output()
        .expect("fleet");
    assert_eq!(o.status.code(), Some(3));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with("TRIAGE502 FLEET UNKNOWN - no hosts"),
        "{out}"
    );
    // fleet reads only the config's [fleet] table: the options that build a chain are refused.
    let o = Command::new(bin())
        .args(["--profile", "generic", "fleet", "--format", "text"])
        .output()
        .expect("fleet");
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--profile does not apply to `fleet`"), "{err}");
    // A hosts file line that ssh would take for an option is refused before ssh runs.
    let hosts = cfg.with_file_name("hosts");
    std::fs::write(&hosts, "# a comment\n-oProxyCommand=touch /tmp/pwned\n").expect("write");
    let o = Command::new(bin())
        .arg("--config")
        .arg(&cfg)
        .args(["fleet", "--format", "json", "--hosts"])
        .arg(&hosts)
        .output()
        .expect("fleet");
    assert_eq!(o.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(v["error"].as_str().unwrap_or("").contains("line 2"), "{v}");
}

/// An sshd in a namespace, ended on drop.
struct Sshd(Child);

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A veth pair from the root namespace into `ns`: the root side `10.N.K.1/24`, the namespace
/// side `10.N.K.2/24` (K from the test's `tag` and `k`); removed with the namespace.
fn veth(ns: &Netns, tag: u8, k: u8) -> String {
    let net = 100 + (std::process::id() % 100) as u8;
    let k = tag * 10 + k;
    let host_if = format!("t5f{k}{}", std::process::id() % 100_000);
    let _ = Command::new("ip")
        .args(["link", "del", &host_if])
        .stderr(Stdio::null())
        .status();
    assert!(run_ok(&[
        "ip", "link", "add", &host_if, "type", "veth", "peer", "name", "eth0", "netns", &ns.0
    ]));
    assert!(run_ok(&[
        "ip",
        "addr",
        "add",
        &format!("10.{net}.{k}.1/24"),
        "dev",
        &host_if
    ]));
    assert!(run_ok(&["ip", "link", "set", &host_if, "up"]));
    assert!(ns.run(&[
        "ip",
        "addr",
        "add",
        &format!("10.{net}.{k}.2/24"),
        "dev",
        "eth0"
    ]));
    assert!(ns.run(&["ip", "link", "set", "eth0", "up"]));
    format!("10.{net}.{k}.2")
}

fn keygen(path: &Path) {
    let ok = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "t502-test", "-f"])
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "ssh-keygen {}", path.display());
}

/// Start sshd in `ns` on port 22 (and on `extra` listen addresses).
fn sshd(dir: &Path, ns: &Netns, name: &str, extra: &[&str]) -> Sshd {
    let cfg = dir.join(format!("sshd_{name}"));
    let mut text = String::from("Port 22\nListenAddress 0.0.0.0:22\n");
    for e in extra {
        text.push_str(&format!("ListenAddress {e}\n"));
    }
    text.push_str(&format!(
        "HostKey {d}/host_key\nAuthorizedKeysFile {d}/authorized_keys\nPidFile none\nUsePAM no\n\
         StrictModes no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n\
         PermitRootLogin prohibit-password\nLogLevel ERROR\n",
        d = dir.display()
    ));
    std::fs::write(&cfg, text).expect("sshd_config");
    let log = std::fs::File::create(dir.join(format!("sshd_{name}.log"))).expect("log");
    let child = ns
        .command("/usr/sbin/sshd")
        .arg("-D")
        .arg("-e")
        .arg("-f")
        .arg(&cfg)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("sshd");
    Sshd(child)
}

fn wait_port(addr: &str) -> bool {
    let a: std::net::SocketAddr = format!("{addr}:22").parse().expect("addr");
    wait_until(Duration::from_secs(10), || {
        std::net::TcpStream::connect_timeout(&a, Duration::from_millis(200)).is_ok()
    })
}

/// Run `triage502 ARGS` with a bound; (exit code, stdout, stderr).
fn run_bounded(args: &[&str], within: Duration) -> (i32, String, String) {
    let mut c = Command::new(bin())
        .env_remove("TRIAGE502_CONFIG")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let end = Instant::now() + within;
    while Instant::now() < end {
        if let Ok(Some(_)) = c.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    if c.try_wait().ok().flatten().is_none() {
        let _ = c.kill();
    }
    let o = c.wait_with_output().expect("output");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

struct Setup {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    _sshd: Vec<Sshd>,
    ns: Vec<Netns>,
    fleet: PathBuf,
    remote: PathBuf,
}

/// The three hosts; `tag` keeps the namespaces, interfaces and addresses of two tests of
/// this file apart.
fn setup(tag: u8) -> Setup {
    let d = tempfile::tempdir().expect("tempdir");
    let dir = d.path().to_path_buf();
    keygen(&dir.join("host_key"));
    keygen(&dir.join("id"));
    std::fs::copy(dir.join("id.pub"), dir.join("authorized_keys")).expect("authorized_keys");
    let _ = std::fs::create_dir_all("/run/sshd");
    let ns: Vec<Netns> = ["a", "b", "c", "d"]
        .iter()
        .map(|p| Netns::new(&format!("t5f{tag}{p}")))
        .collect();
    let addrs: Vec<String> = ns.iter().zip(1u8..).map(|(n, k)| veth(n, tag, k)).collect();
    // healthy: its sshd also listens on the port its check probes; faulty: nothing there;
    // down: no sshd at all.
    let sshd = vec![
        sshd(&dir, &ns[0], "healthy", &["127.0.0.1:8000"]),
        sshd(&dir, &ns[1], "faulty", &[]),
    ];
    for a in &addrs[..2] {
        assert!(wait_port(a), "sshd on {a} did not come up");
    }
    // dropped: a firewall in its namespace drops what comes to port 22.
    for rule in [
        &["nft", "add", "table", "inet", "t5f"][..],
        &[
            "nft",
            "add",
            "chain",
            "inet",
            "t5f",
            "in",
            "{ type filter hook input priority 0 ; }",
        ],
        &[
            "nft", "add", "rule", "inet", "t5f", "in", "tcp", "dport", "22", "drop",
        ],
    ] {
        assert!(ns[3].run(rule), "{rule:?}");
    }
    // Stand-ins for other triage502 versions there: one too old (no `version` in its JSON),
    // one that floods its output.
    let script = |name: &str, body: &str| {
        use std::os::unix::fs::PermissionsExt;
        let p = dir.join(name);
        std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).expect("script");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        p
    };
    let old = script(
        "old-triage502",
        r#"echo '{"schema":1,"host":"old","state":"OK","hops":[],"findings":[]}'"#,
    );
    let flood = script("flood-triage502", "head -c 6000000 /dev/zero | tr '\\0' x");
    let host_pub = std::fs::read_to_string(dir.join("host_key.pub")).expect("host pub");
    let known: String = addrs.iter().map(|a| format!("{a} {host_pub}")).collect();
    std::fs::write(dir.join("known_hosts"), known).expect("known_hosts");
    // ssh keeps the first value of an option: the hosts' own first, then `Host *`.
    let mut ssh_config = String::new();
    for (alias, a) in ["healthy", "faulty", "down", "dropped"].iter().zip(&addrs) {
        ssh_config.push_str(&format!("Host {alias}\n  HostName {a}\n"));
    }
    // A host whose key is not in known_hosts under this alias: ssh must refuse it. A user
    // the host does not have: sshd refuses the key.
    ssh_config.push_str(&format!(
        "Host stranger\n  HostName {a}\n  HostKeyAlias not-known\n\
         Host nobody-there\n  HostName {a}\n  User t5f-no-such-user\n",
        a = addrs[0]
    ));
    ssh_config.push_str(&format!(
        "Host *\n  User root\n  IdentityFile {d}/id\n  \
         UserKnownHostsFile {d}/known_hosts\n  GlobalKnownHostsFile /dev/null\n",
        d = dir.display()
    ));
    std::fs::write(dir.join("ssh_config"), ssh_config).expect("ssh_config");
    let remote = dir.join("remote.toml");
    std::fs::write(
        &remote,
        "[[hop]]\nname = \"app\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:8000\"\n",
    )
    .expect("remote config");
    let mut fleet = format!(
        "[fleet]\nssh_config = \"{d}/ssh_config\"\nssh_options = [\"IdentitiesOnly=yes\"]\n\
         connect_timeout_s = 3\ntimeout_s = 60\n",
        d = dir.display()
    );
    let me = PathBuf::from(bin());
    for (name, dest, binary) in [
        ("healthy", "healthy", &me),
        ("faulty", "faulty", &me),
        ("down", "down", &me),
        ("stranger", "stranger", &me),
        ("nobody-there", "nobody-there", &me),
        ("dropped", "dropped", &me),
        ("nowhere", "nowhere.invalid", &me),
        ("old", "healthy", &old),
        ("flood", "healthy", &flood),
    ] {
        fleet.push_str(&format!(
            "[[fleet.host]]\nname = \"{name}\"\ndestination = \"{dest}\"\nbinary = \"{}\"\n\
             config = \"{}\"\n",
            binary.display(),
            remote.display()
        ));
    }
    let fleet_toml = dir.join("fleet.toml");
    std::fs::write(&fleet_toml, fleet).expect("fleet.toml");
    Setup {
        _dir: d,
        dir,
        _sshd: sshd,
        ns,
        fleet: fleet_toml,
        remote,
    }
}

fn host<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["hosts"]
        .as_array()
        .and_then(|a| a.iter().find(|h| h["name"] == name))
        .unwrap_or_else(|| panic!("no host {name} in {v}"))
}

#[test]
fn fleet_over_real_sshd_in_namespaces() {
    if !is_root() {
        return skip("needs root (network namespaces, sshd)");
    }
    if !Path::new("/usr/sbin/sshd").exists() || !tool("ssh") || !tool("ssh-keygen") {
        return skip("needs openssh-server and openssh-client (scripts/test-all.sh installs them)");
    }
    let s = setup(1);
    let fleet = s.fleet.to_str().expect("utf-8");
    let (code, out, err) = run_bounded(
        &["--config", fleet, "fleet", "--format", "json"],
        Duration::from_secs(120),
    );
    let v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{err}"));
    // The worst host decides, as for `check`: a FAIL is CRITICAL (2).
    assert_eq!(code, 2, "{v}\n{err}");
    assert_eq!(v["state"], "FAIL", "{v}");

    let healthy = host(&v, "healthy");
    assert_eq!(healthy["state"], "OK", "{v}");
    assert_eq!(healthy["version"], env!("CARGO_PKG_VERSION"), "{v}");
    assert_eq!(healthy["result"]["all_clear"], true, "{v}");

    // The faulty host's top finding is what its own check says there.
    let (_, direct) = {
        let o = s.ns[1]
            .command(bin())
            .arg("--config")
            .arg(&s.remote)
            .args(["check", "--format", "json"])
            .output()
            .expect("direct check");
        (
            o.status.code(),
            serde_json::from_slice::<serde_json::Value>(&o.stdout).expect("json"),
        )
    };
    let faulty = host(&v, "faulty");
    assert_eq!(faulty["state"], "FAIL", "{v}");
    assert_eq!(
        faulty["top_finding"], direct["findings"][0]["id"],
        "{v}\n{direct}"
    );
    assert!(faulty["top_finding"].is_string(), "{v}");
    assert_eq!(
        faulty["result"]["walkthrough"].as_array().map(Vec::len),
        Some(5),
        "{v}"
    );

    let down = host(&v, "down");
    assert_eq!(down["state"], "UNKNOWN", "{v}");
    assert_eq!(down["error"]["kind"], "refused", "{v}");
    assert!(
        down["error"]["reason"]
            .as_str()
            .unwrap_or("")
            .contains("Connection refused"),
        "{v}"
    );
    // Host key checking stays on: a key not in known_hosts is refused, never accepted.
    let stranger = host(&v, "stranger");
    assert_eq!(stranger["error"]["kind"], "host_key", "{v}");
    // A firewall that drops: ssh's connect timeout, said as such.
    assert_eq!(host(&v, "dropped")["error"]["kind"], "timeout", "{v}");
    assert_eq!(host(&v, "nowhere")["error"]["kind"], "dns", "{v}");
    assert_eq!(host(&v, "nobody-there")["error"]["kind"], "auth", "{v}");
    // Another version there: too old for fleet, or an answer past the bound, never taken.
    assert_eq!(host(&v, "old")["error"]["kind"], "too_old", "{v}");
    let flood = host(&v, "flood");
    assert_eq!(flood["error"]["kind"], "bad_answer", "{v}");
    assert!(
        flood["error"]["reason"]
            .as_str()
            .unwrap_or("")
            .contains("larger than"),
        "{v}"
    );
    for h in v["hosts"].as_array().expect("hosts") {
        if h["error"].is_object() {
            assert_eq!(h["state"], "UNKNOWN", "{h}");
        }
    }

    // Nagios: one line, the unreachable hosts UNKNOWN.
    let (code, out, _) = run_bounded(
        &["--config", fleet, "fleet", "--format", "nagios"],
        Duration::from_secs(120),
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        out.starts_with(
            "TRIAGE502 FLEET CRITICAL - 9 hosts: 1 OK, 0 WARNING, 1 CRITICAL, 7 UNKNOWN"
        ),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "{out}");

    // --hosts FILE: bare destinations, so the remote `triage502` is looked up in its PATH,
    // where there is none: "missing", from the remote shell's exit 127.
    let hosts = s.dir.join("hosts");
    std::fs::write(&hosts, "# lab\nhealthy   # the good one\n").expect("hosts");
    let (code, out, err) = run_bounded(
        &[
            "--config",
            fleet,
            "fleet",
            "--format",
            "text",
            "--hosts",
            hosts.to_str().expect("utf-8"),
        ],
        Duration::from_secs(120),
    );
    assert_eq!(code, 3, "{out}\n{err}");
    assert!(out.contains("? UNKNOWN healthy"), "{out}");
    assert!(out.contains("triage502 missing"), "{out}");

    // A check there that never ends: given up after `timeout_s`, its ssh ended.
    let hung = s.dir.join("hung-triage502");
    std::fs::write(&hung, "#!/bin/sh\nexec sleep 8\n").expect("script");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hung, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let hung_cfg = s.dir.join("hung.toml");
    std::fs::write(
        &hung_cfg,
        format!(
            "[fleet]\nssh_config = \"{d}/ssh_config\"\nssh_options = [\"IdentitiesOnly=yes\"]\n\
             timeout_s = 2\n[[fleet.host]]\ndestination = \"healthy\"\nbinary = \"{b}\"\n",
            d = s.dir.display(),
            b = hung.display()
        ),
    )
    .expect("hung.toml");
    let (code, out, err) = run_bounded(
        &[
            "--config",
            hung_cfg.to_str().expect("utf-8"),
            "fleet",
            "--format",
            "json",
        ],
        Duration::from_secs(60),
    );
    let v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{err}"));
    assert_eq!(code, 3, "{v}");
    let h = host(&v, "healthy");
    assert_eq!(h["error"]["kind"], "timeout", "{v}");
    assert!(
        h["error"]["reason"]
            .as_str()
            .unwrap_or("")
            .contains("no answer within 2 s"),
        "{v}"
    );
}

#[test]
fn fleet_console_view_over_real_sshd() {
    if !is_root() {
        return skip("needs root (network namespaces, sshd)");
    }
    if !Path::new("/usr/sbin/sshd").exists() || !tool("ssh") || !have_tmux() {
        return skip("needs openssh-server, openssh-client and tmux");
    }
    let s = setup(2);
    // The control sockets' folder goes under a runtime folder of this test's own.
    let run = s.dir.join("run");
    std::fs::create_dir(&run).expect("run dir");
    let t = Tmux::new("fleet", "fleet");
    let xdg = format!("XDG_RUNTIME_DIR={}", run.display());
    t.start_shell_env(120, 40, None, &["NO_COLOR=1", &xdg]);
    t.run(&format!("{} --config {} fleet", bin(), s.fleet.display()));
    let screen = t.wait("each host's state", 90, |sc| {
        sc.contains("✔ OK      healthy")
            && sc.contains("✖ FAIL    faulty")
            && sc.contains("refused:")
            && sc.contains("host key:")
            && sc.contains("timeout:")
    });
    assert!(screen.contains("TOP FINDING"), "{screen}");
    // One connection per host is kept for the next round: its socket in a private folder.
    let dirs: Vec<PathBuf> = std::fs::read_dir(&run)
        .expect("run dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    {
        use std::os::unix::fs::{FileTypeExt, PermissionsExt};
        let md = std::fs::symlink_metadata(&dirs[0]).expect("control dir");
        assert_eq!(
            md.permissions().mode() & 0o777,
            0o700,
            "{}",
            dirs[0].display()
        );
        let sockets = std::fs::read_dir(&dirs[0])
            .expect("control dir")
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_socket()))
            .count();
        assert!(
            sockets >= 2,
            "{sockets} control sockets in {}",
            dirs[0].display()
        );
    }
    // Enter on the faulty host: its chain, findings and walkthrough, read-only.
    t.keys(&["Down", "Enter"]);
    let screen = t.wait("the faulty host's result", 10, |sc| {
        sc.contains("Walkthrough")
    });
    assert!(
        screen.contains("Chain") && screen.contains("Findings") && screen.contains("Read-only"),
        "{screen}"
    );
    // r asks every host again (over the kept connections); the table stays filled meanwhile.
    t.keys(&["Escape"]);
    t.wait("the table again", 10, |sc| sc.contains("TOP FINDING"));
    t.keys(&["r"]);
    t.wait("a new round", 10, |sc| {
        sc.contains("asking") && sc.contains("✖ FAIL    faulty")
    });
    t.wait("the round's end", 90, |sc| {
        !sc.contains("asking") && sc.contains("timeout:")
    });
    t.keys(&["q"]);
    let (_, code) = t.wait_exit("the fleet view to quit", 20);
    assert_eq!(code, 0);
    // Quitting ends the shared connections and removes their folder.
    assert!(!dirs[0].exists(), "{} left behind", dirs[0].display());
    let left = Command::new("pgrep")
        .args(["-f", &dirs[0].display().to_string()])
        .output()
        .expect("pgrep");
    assert!(
        left.stdout.is_empty(),
        "ssh left running: {}",
        String::from_utf8_lossy(&left.stdout)
    );

    // With `interval_s`, every host is asked again that long after a round ends, unasked.
    let every2 = s.dir.join("fleet-every-2s.toml");
    let text = std::fs::read_to_string(&s.fleet).expect("fleet.toml");
    std::fs::write(
        &every2,
        text.replacen("[fleet]\n", "[fleet]\ninterval_s = 2\n", 1),
    )
    .expect("write");
    t.run(&format!(
        "clear; {} --config {} fleet",
        bin(),
        every2.display()
    ));
    t.wait("the first round's end", 90, |sc| {
        !sc.contains("asking") && sc.contains("timeout:") && sc.contains("TOP FINDING")
    });
    t.wait("the next round", 30, |sc| {
        sc.contains("asking") && sc.contains("✖ FAIL    faulty")
    });
    t.keys(&["q"]);
    let (_, code) = t.wait_exit("the fleet view to quit", 20);
    assert_eq!(code, 0);
}
