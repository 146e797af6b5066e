//! Tests of the readiness facts: recorded `systemctl show` / `docker inspect` answers, real
//! supervisor and logrotate files in a temporary folder.

use super::*;

fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/host")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn systemd_setup_reads_restart_boot_and_memory() {
    let s = parse_systemd_setup(
        "docservice",
        "ds-docservice",
        &fixture("systemctl-show-setup-docservice-restarts.txt"),
    );
    assert_eq!(s.restart.as_deref(), Some("always"));
    assert_eq!(s.restart_sec.as_deref(), Some("10s"));
    assert_eq!(s.at_boot.as_deref(), Some("enabled"));
    assert_eq!(s.memory_max, None, "infinity is no limit");
    assert_eq!(s.memory_current, Some(412_344_320));
    let s = parse_systemd_setup(
        "converter",
        "ds-converter",
        &fixture("systemctl-show-setup-converter-no-restart.txt"),
    );
    assert_eq!(s.restart.as_deref(), Some("no"));
    assert_eq!(s.at_boot.as_deref(), Some("disabled"));
    assert_eq!(s.memory_max, Some(536_870_912));
    let s = parse_systemd_setup("x", "x", &fixture("systemctl-show-not-found.txt"));
    assert!(s.unknown.is_some());
}

#[test]
fn docker_setup_reads_the_restart_policy() {
    let json = fixture("docker-inspect-running-healthy.json");
    let s = parse_docker_setup("docservice", "onlyoffice", &json);
    assert_eq!(s.restart.as_deref(), Some("always"));
    assert_eq!(s.memory_max, None);
    let none = json.replace("\"always\"", "\"no\"");
    assert_eq!(
        parse_docker_setup("docservice", "onlyoffice", &none)
            .restart
            .as_deref(),
        Some("no")
    );
    assert!(parse_docker_setup("d", "c", "not json").unknown.is_some());
}

#[test]
fn supervisor_setup_follows_includes_and_defaults() {
    let d = tempfile::tempdir().expect("tempdir");
    let conf = d.path().join("supervisord.conf");
    std::fs::create_dir(d.path().join("conf.d")).expect("mkdir");
    std::fs::write(
        &conf,
        "[supervisord]\nlogfile=/tmp/x\n[include]\nfiles = conf.d/*.conf\n",
    )
    .expect("write");
    std::fs::write(
        d.path().join("conf.d/ds.conf"),
        "[program:docservice]\ncommand=/x\nautorestart = false ; off\n\n[program:converter]\ncommand=/y\n",
    )
    .expect("write");
    let s = supervisor_setup("docservice", "ds:docservice", Some(&conf));
    assert_eq!(s.restart.as_deref(), Some("false"));
    assert_eq!(s.at_boot.as_deref(), Some("true"), "autostart's default");
    assert!(
        s.source.ends_with("conf.d/ds.conf [program:docservice]"),
        "{}",
        s.source
    );
    let s = supervisor_setup("converter", "converter", Some(&conf));
    assert_eq!(
        s.restart.as_deref(),
        Some("unexpected"),
        "autorestart's default"
    );
    assert!(supervisor_setup("x", "nope", Some(&conf)).unknown.is_some());
}

#[test]
fn logrotate_entries_with_their_frequency() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(d.path().join("etc/logrotate.d")).expect("mkdir");
    std::fs::write(
        d.path().join("etc/logrotate.conf"),
        "# see man logrotate\nweekly\nrotate 4\ncreate\ninclude /etc/logrotate.d\n",
    )
    .expect("write");
    std::fs::write(
        d.path().join("etc/logrotate.d/nginx"),
        "/var/log/nginx/*.log {\n\tdaily\n\tmissingok\n\trotate 14\n\tpostrotate\n\t\tinvoke-rc.d nginx rotate >/dev/null 2>&1 {\n\tendscript\n}\n",
    )
    .expect("write");
    std::fs::write(
        d.path().join("etc/logrotate.d/ds"),
        "/var/log/onlyoffice/documentserver/*.log\n/var/log/onlyoffice/documentserver/*/*.log {\n  size 100M\n}\n\"/srv/x.log\" { missingok }\n",
    )
    .expect("write");
    let e = logrotate(d.path()).expect("entries");
    let nginx = e
        .iter()
        .find(|e| e.patterns == ["/var/log/nginx/*.log"])
        .expect("nginx");
    assert_eq!(nginx.when, ["daily"]);
    let ds = e
        .iter()
        .find(|e| e.patterns.len() == 2)
        .expect("two patterns over two lines");
    assert_eq!(ds.when, ["size 100M"]);
    assert!(ds.at.ends_with("etc/logrotate.d/ds:1"), "{}", ds.at);
    let x = e
        .iter()
        .find(|e| e.patterns == ["/srv/x.log"])
        .expect("quoted, one line");
    assert_eq!(x.when, ["weekly"], "the global frequency");
    assert!(logrotate(&d.path().join("nothing")).is_err());
}

#[test]
fn wildmatch_is_shell_like() {
    assert!(wildmatch("*.log", "error.log"));
    assert!(!wildmatch("*.log", "error.log.1"));
    assert!(wildmatch(
        "/var/log/onlyoffice/documentserver/*/*.log",
        "/var/log/onlyoffice/documentserver/docservice/out.log"
    ));
    assert!(
        !wildmatch("/var/log/*.log", "/var/log/nginx/error.log"),
        "* stops at /"
    );
    assert!(wildmatch("a?c", "abc"));
    assert!(wildmatch("**", ""));
}
