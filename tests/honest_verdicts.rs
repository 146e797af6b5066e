//! Honest verdicts on states outside the healthy lab, each built for real: a non-root `check`
//! on the lab, a name that does not resolve, nginx down with a broken configuration, a box
//! without a Document Server (a network and pid namespace of the test's own), a service no
//! manager knows, and a firewall reload whose ruleset would flush tables it does not recreate
//! (in a network namespace). Each asserts the right top finding or UNKNOWN, and that nothing
//! High comes from a permission error.

mod common;

use common::{Lab, Netns, bin, is_root, skip, tool};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn ids(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["id"].as_str().unwrap_or("").to_string())
        .collect()
}

fn finding<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["id"] == id))
        .unwrap_or_else(|| panic!("no {id} in {:?}", ids(v)))
}

/// No finding rests on a permission error: none of its evidence is a "Permission denied".
fn no_finding_from_permission(v: &Value) {
    for f in v["findings"].as_array().expect("findings") {
        for e in f["evidence"].as_array().expect("evidence") {
            let fact = e["fact"].as_str().unwrap_or("").to_lowercase();
            assert!(
                !(fact.contains("permission denied") || fact.contains("operation not permitted")),
                "finding {} rests on a permission error: {fact}",
                f["id"]
            );
        }
    }
}

fn check_json(config: &Path) -> Output {
    Command::new(bin())
        .arg("--config")
        .arg(config)
        .args(["check", "--format", "json"])
        .env_remove("TRIAGE502_CONFIG")
        .output()
        .expect("check")
}

/// As `nobody`, nginx -t cannot open the lab's files and the supervisor socket is closed:
/// UNKNOWN "needs root", never proxy_config_invalid, and a healthy chain stays healthy.
#[test]
fn non_root_check_on_the_lab_raises_nothing_from_permission_errors() {
    if !is_root() {
        return skip("needs root (to run the check as nobody)");
    }
    let Some(lab) = Lab::up("t502hv-nr") else {
        return;
    };
    // A copy of the lab's config nobody may read (the lab's folder is 0700).
    let d = tempfile::Builder::new()
        .prefix("t502hv-nobody")
        .tempdir_in("/tmp")
        .expect("tempdir");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let cfg = d.path().join("lab.toml");
    std::fs::copy(lab.toml(), &cfg).expect("copy");
    std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let o = Command::new("runuser")
        .args(["-u", "nobody", "--", "env"])
        .arg(format!("HOME={}", d.path().display()))
        .arg(format!("XDG_STATE_HOME={}", d.path().display()))
        .arg(bin())
        .arg("--config")
        .arg(&cfg)
        .args(["check", "--format", "json"])
        .env_remove("TRIAGE502_CONFIG")
        .output()
        .expect("runuser");
    let v = json(&o);
    assert!(
        !ids(&v).contains(&"proxy_config_invalid".to_string()),
        "{:?}",
        ids(&v)
    );
    no_finding_from_permission(&v);
    // The healthy lab is healthy for nobody too: the probes need no root.
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(0), "{v}");
    assert_eq!(o.status.code(), Some(0), "{v}");
    let unchecked = v["unchecked"].to_string();
    assert!(
        unchecked.contains("needs root"),
        "what could not be read says so: {unchecked}"
    );
}

/// A TLS hop and an HTTPS hop at a name that does not resolve: one finding, dns_failure.
#[test]
fn a_name_that_does_not_resolve_is_one_dns_finding() {
    let d = tempfile::tempdir().expect("tempdir");
    let cfg = d.path().join("c.toml");
    std::fs::write(
        &cfg,
        "[probe]\ntimeout_ms = 3000\n\
         [[hop]]\nname = \"tls\"\nkind = \"tls\"\nrole = \"proxy\"\ntarget = \"no-such-host.invalid:443\"\n\
         [[hop]]\nname = \"app\"\nkind = \"http\"\nrole = \"via-proxy\"\nurl = \"https://no-such-host.invalid/\"\n",
    )
    .expect("write");
    let o = check_json(&cfg);
    let v = json(&o);
    assert_eq!(ids(&v), ["dns_failure"], "{v}");
    let f = finding(&v, "dns_failure");
    let explains = f["explains"].to_string();
    assert!(explains.contains("\"tls\""), "{explains}");
    assert_eq!(o.status.code(), Some(2));
}

/// A refused TLS port is the proxy being down, not a TLS problem.
#[test]
fn a_refused_tls_port_is_no_tls_problem() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let d = tempfile::tempdir().expect("tempdir");
    let cfg = d.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "[[hop]]\nname = \"tls\"\nkind = \"tls\"\nrole = \"proxy\"\ntarget = \"127.0.0.1:{port}\"\n"
        ),
    )
    .expect("write");
    let v = json(&check_json(&cfg));
    assert!(
        !ids(&v).contains(&"tls_problem".to_string()),
        "{:?}",
        ids(&v)
    );
    assert_eq!(
        ids(&v).first().map(String::as_str),
        Some("proxy_down"),
        "{v}"
    );
}

/// nginx stopped with a configuration that fails `nginx -t`: the configuration is the cause,
/// named by file and line, and the restart that would fail is not offered.
#[test]
fn nginx_down_with_a_broken_config_blames_the_config() {
    if !is_root() {
        return skip("needs root (the lab's nginx)");
    }
    let Some(lab) = Lab::up("t502hv-cfg") else {
        return;
    };
    lab.run(&["break", "nginx-down"]);
    let conf = lab.dir.join("nginx.conf");
    let good = std::fs::read_to_string(&conf).expect("nginx.conf");
    let lines = good.lines().count();
    std::fs::write(&conf, format!("{good}\nbogus_directive on;\n")).expect("write");
    let o = check_json(&lab.toml());
    std::fs::write(&conf, &good).expect("restore");
    lab.run(&["fix"]);
    let v = json(&o);
    assert_eq!(o.status.code(), Some(2), "{v}");
    let ids = ids(&v);
    assert_eq!(
        ids.first().map(String::as_str),
        Some("proxy_config_invalid"),
        "{ids:?}"
    );
    let cfg_f = finding(&v, "proxy_config_invalid");
    let first = cfg_f["next_steps"][0].as_str().unwrap_or("");
    assert!(
        first.contains(&format!("{}:{}", conf.display(), lines + 2)),
        "first step names file:line: {first}"
    );
    let down = finding(&v, "proxy_down");
    assert!(
        down.get("action").is_none(),
        "no restart while nginx -t fails: {down}"
    );
    assert!(
        down["next_steps"][0]
            .as_str()
            .unwrap_or("")
            .contains("configuration first"),
        "{down}"
    );
}

/// The embedded profile on a box with no Document Server (a network namespace: nothing
/// listens; a pid namespace: no process of the box is seen): docserver_not_found first,
/// UNKNOWN (exit 3), and no restart of services that do not exist.
#[test]
fn an_empty_box_says_no_document_server_here() {
    if !is_root() || !tool("ip") || !tool("unshare") {
        return skip("needs root, ip and unshare (namespaces of the test's own)");
    }
    if Path::new("/etc/onlyoffice/documentserver/local.json").exists() {
        return skip("this box has a Document Server's local.json");
    }
    let netns = Netns::new("t502hv");
    let ns = netns.0.clone();
    let o = Command::new("ip")
        .args([
            "netns",
            "exec",
            &ns,
            "unshare",
            "--pid",
            "--fork",
            "--mount-proc",
        ])
        .arg(bin())
        .args(["check", "--format", "json"])
        .env_remove("TRIAGE502_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .env("HOME", "/nonexistent")
        .output()
        .expect("check");
    let v = json(&o);
    assert_eq!(o.status.code(), Some(3), "{v}");
    assert_eq!(v["state"], "UNKNOWN");
    let ids = ids(&v);
    assert_eq!(
        ids.first().map(String::as_str),
        Some("docserver_not_found"),
        "{ids:?}"
    );
    assert!(!ids.contains(&"dependency_down".to_string()), "{ids:?}");
    assert!(!ids.contains(&"service_down".to_string()), "{ids:?}");
    for f in v["findings"].as_array().expect("findings") {
        let a = f["action"].as_str().unwrap_or("");
        assert!(
            !a.starts_with("restart:") && !a.starts_with("start:"),
            "no restart of a service that does not exist: {f}"
        );
    }
    let nf = finding(&v, "docserver_not_found");
    assert_eq!(nf["severity"], "WARN");
    assert!(nf["next_steps"].to_string().contains("--profile generic"));
}

/// A service no manager knows: `action run … --yes` refuses before running anything, and
/// says which managers it looked for.
#[test]
fn a_restart_without_a_service_manager_is_refused_up_front() {
    let d = tempfile::tempdir().expect("tempdir");
    let cfg = d.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "[actions]\naudit_log = \"{}/audit.log\"\n\
             [[hop]]\nname = \"x\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:1\"\nservice = \"t502-nosuch\"\n\
             [[service]]\nname = \"t502-nosuch\"\n",
            d.path().display()
        ),
    )
    .expect("write");
    let o = Command::new(bin())
        .arg("--config")
        .arg(&cfg)
        .args(["action", "run", "restart:t502-nosuch", "--yes"])
        .env_remove("TRIAGE502_CONFIG")
        .output()
        .expect("action run");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(
        err.contains("no service manager here knows t502-nosuch"),
        "{err}"
    );
    assert!(err.contains("systemd, supervisord and docker"), "{err}");
    // Nothing ran: no step was printed.
    assert!(!String::from_utf8_lossy(&o.stdout).contains('→'));
}

/// Debian's stock nftables.conf flushes the whole ruleset: the reload names the live tables
/// it would delete, `--yes` refuses, and the tables are still there afterwards. In a network
/// namespace of the test's own, so the host's firewall is never touched.
#[test]
fn a_flushing_firewall_reload_names_what_it_would_delete() {
    if !is_root() || !tool("nft") || !tool("ip") {
        return skip("needs root, nft and ip (a network namespace of the test's own)");
    }
    let netns = Netns::new("t502fw");
    let ns = netns.0.clone();
    assert!(netns.run(&["nft", "add", "table", "ip", "nat"]));
    assert!(netns.run(&["nft", "add", "table", "inet", "f2b-table"]));
    let d = tempfile::tempdir().expect("tempdir");
    let rules = d.path().join("nftables.conf");
    std::fs::write(
        &rules,
        "#!/usr/sbin/nft -f\n\nflush ruleset\n\ntable inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter;\n\t}\n}\n",
    )
    .expect("write");
    let cfg = d.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "[actions]\nnft_ruleset = \"{}\"\naudit_log = \"{}/audit.log\"\n\
             [[hop]]\nname = \"x\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:1\"\n",
            rules.display(),
            d.path().display()
        ),
    )
    .expect("write");
    let run = |extra: &[&str]| {
        Command::new("ip")
            .args(["netns", "exec", &ns])
            .arg(bin())
            .arg("--config")
            .arg(&cfg)
            .args(["action", "run", "reload:firewall"])
            .args(extra)
            .env_remove("TRIAGE502_CONFIG")
            .output()
            .expect("action run")
    };
    let o = run(&["--yes"]);
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{out}{err}");
    assert!(
        out.contains("DANGER:"),
        "the preview shows the danger: {out}"
    );
    for t in ["ip nat", "inet f2b-table"] {
        assert!(out.contains(t), "{t} named in the preview: {out}");
        assert!(err.contains(t), "{t} named in the refusal: {err}");
    }
    assert!(
        err.contains("not running reload:firewall with --yes"),
        "{err}"
    );
    let live = Command::new("ip")
        .args(["netns", "exec", &ns, "nft", "list", "tables"])
        .output()
        .expect("nft");
    let live = String::from_utf8_lossy(&live.stdout);
    assert!(
        live.contains("table ip nat") && live.contains("table inet f2b-table"),
        "{live}"
    );
    // A ruleset that recreates what it flushes is no danger.
    std::fs::write(
        &rules,
        "flush ruleset\ntable ip nat {\n}\ntable inet f2b-table {\n}\ntable inet filter {\n}\n",
    )
    .expect("write");
    let o = run(&["--yes"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(!out.contains("DANGER"), "{out}");
    assert!(
        out.contains("→ nft -f"),
        "it ran: {out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The lab's firewall drill reloads the lab's own table only: its `nft_ruleset` is the lab's
/// saved file (no `flush ruleset`), the fault heals, and every other table of the host stays.
#[test]
fn the_lab_firewall_drill_reloads_only_the_lab_table() {
    if !is_root() || !tool("nft") {
        return skip("needs root and nft (the lab's firewall faults)");
    }
    let Some(lab) = Lab::up("t502hv-fw") else {
        return;
    };
    let tables = || {
        let o = Command::new("nft")
            .args(["list", "tables"])
            .output()
            .expect("nft");
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(str::to_string)
            .collect::<std::collections::BTreeSet<_>>()
    };
    // A table of the host's own, which a flushing reload would delete.
    let mine = format!("t502hv_host_{}", std::process::id());
    assert!(
        Command::new("nft")
            .args(["add", "table", "inet", &mine])
            .status()
            .is_ok_and(|s| s.success())
    );
    lab.run(&["break", "firewall-drop"]);
    let before = tables();
    let o = Command::new(bin())
        .arg("--config")
        .arg(lab.toml())
        .args(["action", "run", "reload:firewall", "--yes"])
        .env_remove("TRIAGE502_CONFIG")
        .output()
        .expect("action run");
    let after = tables();
    let _ = Command::new("nft")
        .args(["delete", "table", "inet", &mine])
        .status();
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    let saved = lab.dir.join("nftables-saved.nft");
    assert!(
        out.contains(&format!("nft -f {}", saved.display())),
        "the lab's own ruleset is loaded: {out}{err}"
    );
    assert!(!out.contains("DANGER"), "{out}");
    assert!(!out.contains("/etc/nftables.conf"), "{out}");
    for t in &before {
        assert!(after.contains(t), "{t} survived the reload: {after:?}");
    }
    // The drop rule is gone: the chain answers again.
    let v: Value = serde_json::from_slice(&check_json(&lab.toml()).stdout).expect("json");
    assert_eq!(v["state"], "OK", "{v}");
}
