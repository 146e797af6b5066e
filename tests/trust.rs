//! Trust: triage502 runs as root on boxes where other users (www-data, the Nextcloud app)
//! write files. A config or a program another user can change must not run as root, a file
//! triage502 writes must not follow a planted symlink, and a service name must never become an
//! option of a service manager.
//!
//! Most tests need root (to make files belong to `nobody`); without it they say "skipped".

mod common;

use std::os::unix::fs::{PermissionsExt as _, chown, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

const NOBODY: u32 = 65534;

fn root_or_skip(what: &str) -> bool {
    if common::is_root() {
        return true;
    }
    common::skip(&format!(
        "{what} needs root (to make files belong to nobody)"
    ));
    false
}

fn bin() -> Command {
    let mut c = Command::new(common::bin());
    c.env_remove("TRIAGE502_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent-xdg");
    c
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A temp folder others may enter (0755), owned by root.
fn open_tempdir() -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    chmod(d.path(), 0o755);
    d
}

/// A shell script that appends its uid to `marker`.
fn marker_script(path: &Path, marker: &Path) {
    std::fs::write(
        path,
        format!("#!/bin/sh\nid -u >> '{}'\nexit 1\n", marker.display()),
    )
    .expect("write");
    chmod(path, 0o755);
}

/// A one-hop config (a closed port: quick) with `extra` appended.
fn config_text(extra: &str) -> String {
    format!("[[hop]]\nname = \"app\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:1\"\n{extra}")
}

// ---------------------------------------------------------------------------------------------
// Configs

/// `check` run from a folder holding a `triage502.toml` (as an admin does from
/// `/var/www/nextcloud`): the file is not loaded, the program it names is not run.
#[test]
fn a_config_in_the_current_folder_is_not_loaded() {
    if !root_or_skip("a_config_in_the_current_folder_is_not_loaded") {
        return;
    }
    let d = open_tempdir();
    let marker = d.path().join("ran");
    let evil = d.path().join("evil.sh");
    marker_script(&evil, &marker);
    chown(&evil, Some(NOBODY), Some(NOBODY)).expect("chown");
    let cfg = d.path().join("triage502.toml");
    std::fs::write(
        &cfg,
        config_text(&format!("[nginx]\nbinary = \"{}\"\n", evil.display())),
    )
    .expect("write");
    chown(&cfg, Some(NOBODY), Some(NOBODY)).expect("chown");
    let o = bin()
        .args(["check", "--format", "json"])
        .current_dir(d.path())
        .output()
        .expect("run");
    let t = text(&o);
    assert!(!marker.exists(), "the cwd config's program ran: {t}");
    assert!(
        !t.contains("triage502.toml"),
        "the cwd config was read: {t}"
    );
}

/// `--config`, `$TRIAGE502_CONFIG`: a file owned by nobody, or writable by others, is refused
/// with its name and owner; `check --format nagios` prints one UNKNOWN line and exits 3.
#[test]
fn a_config_another_user_can_change_is_refused() {
    if !root_or_skip("a_config_another_user_can_change_is_refused") {
        return;
    }
    let d = open_tempdir();
    let foreign = d.path().join("foreign.toml");
    std::fs::write(&foreign, config_text("")).expect("write");
    chown(&foreign, Some(NOBODY), Some(NOBODY)).expect("chown");
    let open = d.path().join("open.toml");
    std::fs::write(&open, config_text("")).expect("write");
    chmod(&open, 0o666);
    let f = foreign.to_str().expect("utf8");
    let w = open.to_str().expect("utf8");
    for (how, file, owner) in [
        ("--config", f, "nobody (uid 65534)"),
        ("env", f, "nobody (uid 65534)"),
        ("--config", w, "root (uid 0)"),
        ("env", w, "root (uid 0)"),
    ] {
        let mut c = bin();
        if how == "env" {
            c.env("TRIAGE502_CONFIG", file);
        } else {
            c.args(["--config", file]);
        }
        let o = c
            .args(["check", "--format", "nagios"])
            .current_dir(d.path())
            .output()
            .expect("run");
        let t = text(&o);
        assert_eq!(o.status.code(), Some(3), "{how} {file}: {t}");
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(out.lines().count(), 1, "{how} {file}: {out}");
        assert!(out.starts_with("TRIAGE502 UNKNOWN"), "{how} {file}: {out}");
        assert!(t.contains(file) && t.contains(owner), "{how} {file}: {t}");
        assert!(t.contains("refusing config file"), "{how} {file}: {t}");

        let mut c = bin();
        if how == "env" {
            c.env("TRIAGE502_CONFIG", file);
        } else {
            c.args(["--config", file]);
        }
        let o = c.args(["config", "check"]).output().expect("run");
        assert_eq!(o.status.code(), Some(1), "{how} {file}: {}", text(&o));
        assert!(text(&o).contains(owner), "{}", text(&o));
    }
    // The same file, made root's and private, is fine.
    chown(&foreign, Some(0), Some(0)).expect("chown");
    let o = bin()
        .args(["--config", f, "config", "check"])
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", text(&o));
}

// ---------------------------------------------------------------------------------------------
// Programs

/// A config naming a program owned by nobody, or in a folder nobody can write: not run, and
/// the reason is shown where the tool's result would be.
#[test]
fn a_program_another_user_can_change_is_not_run() {
    if !root_or_skip("a_program_another_user_can_change_is_not_run") {
        return;
    }
    let d = open_tempdir();
    let marker = d.path().join("ran");
    // owned by nobody
    let foreign = d.path().join("nginx-foreign");
    marker_script(&foreign, &marker);
    chown(&foreign, Some(NOBODY), Some(NOBODY)).expect("chown");
    // root's, in a folder nobody owns
    let theirs = d.path().join("theirs");
    std::fs::create_dir(&theirs).expect("mkdir");
    chmod(&theirs, 0o755);
    let in_theirs = theirs.join("nginx");
    marker_script(&in_theirs, &marker);
    chown(&theirs, Some(NOBODY), Some(NOBODY)).expect("chown");
    for (prog, why) in [
        (&foreign, "it belongs to nobody (uid 65534)".to_string()),
        (
            &in_theirs,
            format!("its folder '{}' belongs to nobody", theirs.display()),
        ),
    ] {
        let cfg = d.path().join("c.toml");
        std::fs::write(
            &cfg,
            config_text(&format!("[nginx]\nbinary = \"{}\"\n", prog.display())),
        )
        .expect("write");
        let o = bin()
            .args(["--config", cfg.to_str().expect("utf8"), "host"])
            .output()
            .expect("run");
        let t = text(&o);
        assert!(!marker.exists(), "{} ran: {t}", prog.display());
        assert!(
            t.contains(&format!("refusing program '{}'", prog.display())) && t.contains(&why),
            "{t}"
        );
    }
}

/// Nextcloud's occ: a php script owned by nobody is never run as root. With config.php
/// root's, occ is refused (UNKNOWN with the reason); with config.php nobody's, occ runs as
/// nobody (runuser), not as root.
#[tokio::test]
async fn occ_runs_as_the_owner_of_config_php_never_as_root() {
    if !root_or_skip("occ_runs_as_the_owner_of_config_php_never_as_root") {
        return;
    }
    if !Path::new("/usr/sbin/runuser").exists() && !common::tool("runuser") {
        return common::skip("runuser not installed");
    }
    let d = open_tempdir();
    let out = d.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    chmod(&out, 0o1777);
    let marker = out.join("uids");
    // A stand-in php (root's): it records who runs it.
    let bin_dir = d.path().join("bin");
    std::fs::create_dir(&bin_dir).expect("mkdir");
    chmod(&bin_dir, 0o755);
    let php = bin_dir.join("php");
    marker_script(&php, &marker);
    // Nextcloud's folder, owned by nobody (as /var/www/nextcloud by www-data).
    let nc = d.path().join("nextcloud");
    std::fs::create_dir_all(nc.join("config")).expect("mkdir");
    let occ = nc.join("occ");
    std::fs::write(&occ, "<?php // occ\n").expect("write");
    chmod(&occ, 0o755);
    let config_php = nc.join("config/config.php");
    std::fs::write(&config_php, "<?php $CONFIG = array();\n").expect("write");
    for p in [&nc, &nc.join("config"), &occ] {
        chown(p, Some(NOBODY), Some(NOBODY)).expect("chown");
    }
    let cfg_text = |occ_argv: &str| {
        format!(
            "[integration]\nkind = \"nextcloud\"\nnextcloud_config = \"{}\"\nocc = {occ_argv}\n",
            config_php.display()
        )
    };
    let read = |text: String| async move {
        let cfg = triage502::config::parse(&text, "t").expect("config");
        let mut unknown = Vec::new();
        let side = triage502::onlyoffice::sides::read_integrator(
            &cfg,
            Duration::from_secs(10),
            &mut unknown,
        )
        .await;
        (side, unknown)
    };
    let argv = format!("[\"{}\", \"{}\"]", php.display(), occ.display());

    // config.php root's: occ would run as root, and occ is nobody's: refused.
    chown(&config_php, Some(0), Some(0)).expect("chown");
    let (_, unknown) = read(cfg_text(&argv)).await;
    assert!(
        !marker.exists(),
        "occ ran as {:?}",
        std::fs::read_to_string(&marker)
    );
    let why: Vec<String> = unknown.iter().map(|u| u.why.clone()).collect();
    assert!(
        unknown.iter().any(|u| u.what == "integration:occ"
            && u.why
                .contains(&format!("refusing script '{}'", occ.display()))
            && u.why.contains("nobody (uid 65534)")),
        "{why:?}"
    );

    // config.php nobody's: occ runs as nobody, also when the config says `sudo -u root`.
    chown(&config_php, Some(NOBODY), Some(NOBODY)).expect("chown");
    for argv in [
        argv.clone(),
        format!(
            "[\"sudo\", \"-u\", \"root\", \"{}\", \"{}\"]",
            php.display(),
            occ.display()
        ),
    ] {
        let _ = std::fs::remove_file(&marker);
        let (_, unknown) = read(cfg_text(&argv)).await;
        let uids = std::fs::read_to_string(&marker).unwrap_or_default();
        assert!(!uids.is_empty(), "occ did not run: {unknown:?}");
        assert!(
            uids.lines().all(|u| u.trim() == NOBODY.to_string()),
            "occ ran as {uids:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Files triage502 writes

struct Victim {
    _d: tempfile::TempDir,
    dir: PathBuf,
    victim: PathBuf,
    link: PathBuf,
    open_dir: PathBuf,
}

/// A victim file with a symlink to it, and a world-writable (non-sticky) folder.
fn victim() -> Victim {
    let d = open_tempdir();
    let dir = d.path().join("private");
    std::fs::create_dir(&dir).expect("mkdir");
    chmod(&dir, 0o700);
    let victim = d.path().join("victim");
    std::fs::write(&victim, "keep\n").expect("write");
    let link = dir.join("link");
    symlink(&victim, &link).expect("symlink");
    let open_dir = d.path().join("open");
    std::fs::create_dir(&open_dir).expect("mkdir");
    chmod(&open_dir, 0o777);
    Victim {
        dir: dir.clone(),
        _d: d,
        victim,
        link,
        open_dir,
    }
}

impl Victim {
    fn untouched(&self) {
        assert_eq!(
            std::fs::read_to_string(&self.victim).expect("read"),
            "keep\n",
            "the victim was written through the symlink"
        );
    }
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).expect("meta").permissions().mode() & 0o7777
}

#[test]
fn the_audit_log_follows_no_symlink_and_is_private() {
    use triage502::actions::{ActionOutcome, RunStatus, Verification, audit};
    let v = victim();
    let o = ActionOutcome {
        capture: None,
        id: "restart:x".into(),
        status: RunStatus::Refused { why: "t".into() },
        exit_code: None,
        duration_ms: 0,
        argv: vec![],
        output_tail: vec![],
        verification: Verification::NotVerified { why: "t".into() },
        audit: Err(String::new()),
    };
    let rec = audit::AuditRecord::from_outcome(&o);
    let e = audit::append(&v.link, &rec).expect_err("a symlink is refused");
    assert!(e.contains("symlink"), "{e}");
    v.untouched();
    let in_open = v.open_dir.join("audit.log");
    let e = audit::append(&in_open, &rec).expect_err("an open folder is refused");
    assert!(e.contains("writable by group or others"), "{e}");
    assert!(!in_open.exists());
    let good = v.dir.join("new/audit.log");
    audit::append(&good, &rec).expect("append");
    assert_eq!(mode(&good), 0o600);
    assert_eq!(mode(&v.dir.join("new")), 0o700);
}

#[test]
fn the_timeline_journal_follows_no_symlink() {
    use triage502::engine::{State, Update};
    let v = victim();
    for path in [v.link.clone(), v.open_dir.join("timeline.ndjson")] {
        let mut s = State::new(
            std::sync::Arc::new(triage502::config::Config::default()),
            "t".into(),
        );
        s.journal = Some(path.clone());
        s.apply(Update::Note {
            level: triage502::engine::NoteLevel::Info,
            text: "hello".into(),
        });
        v.untouched();
        assert!(!v.open_dir.join("timeline.ndjson").exists());
        let notes: Vec<String> = s.timeline.iter().map(|e| e.text.clone()).collect();
        assert!(
            notes
                .iter()
                .any(|t| t.contains("cannot write the timeline journal")),
            "{notes:?}"
        );
    }
    let good = v.dir.join("timeline.ndjson");
    let mut s = State::new(
        std::sync::Arc::new(triage502::config::Config::default()),
        "t".into(),
    );
    s.journal = Some(good.clone());
    s.apply(Update::Note {
        level: triage502::engine::NoteLevel::Info,
        text: "hello".into(),
    });
    assert_eq!(mode(&good), 0o600);
}

#[test]
fn report_out_follows_no_symlink_and_is_private() {
    let v = victim();
    let d = open_tempdir();
    let cfg = d.path().join("c.toml");
    std::fs::write(&cfg, config_text("")).expect("write");
    let c = cfg.to_str().expect("utf8");
    let report = |out: &Path| {
        bin()
            .args([
                "--config",
                c,
                "report",
                "--out",
                out.to_str().expect("utf8"),
            ])
            .output()
            .expect("run")
    };
    let o = report(&v.link);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("symlink"), "{}", text(&o));
    v.untouched();
    let in_open = v.open_dir.join("r.md");
    let o = report(&in_open);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(!in_open.exists());
    let good = v.dir.join("r.md");
    let o = report(&good);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(mode(&good), 0o600);
}

// ---------------------------------------------------------------------------------------------
// Service names

/// A service or unit named like an option is refused by `config check` with file:line.
#[test]
fn service_names_like_options_are_refused_with_file_and_line() {
    let d = open_tempdir();
    let cfg = d.path().join("c.toml");
    std::fs::write(
        &cfg,
        "[[service]]\nname = \"--help\"\n\n[[service]]\nname = \"web\"\nunit = \"-Hroot@evil\"\n",
    )
    .expect("write");
    let p = cfg.to_str().expect("utf8");
    let o = bin()
        .args(["--config", p, "config", "check"])
        .output()
        .expect("run");
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(
        t.contains(&format!("{p}:2:")) && t.contains("'--help'"),
        "{t}"
    );
    assert!(
        t.contains(&format!("{p}:6:")) && t.contains("'-Hroot@evil'"),
        "{t}"
    );
    assert!(t.contains("starts with '-'"), "{t}");
}

/// The argv given to systemctl and docker to read a service has `--` before the name.
#[test]
fn service_managers_get_dashdash_before_names() {
    let d = open_tempdir();
    let tools = d.path().join("tools");
    std::fs::create_dir(&tools).expect("mkdir");
    chmod(&tools, 0o755);
    let log = d.path().join("calls");
    for t in ["systemctl", "docker"] {
        common::tool_script(
            &tools,
            t,
            &format!("echo \"{t} $*\" >> '{}'\nexit 1\n", log.display()),
        );
    }
    let cfg = d.path().join("c.toml");
    std::fs::write(
        &cfg,
        config_text(
            "[[service]]\nname = \"web\"\nbackend = \"systemd\"\nunit = \"ds-docservice\"\n\
             [[service]]\nname = \"box\"\nbackend = \"docker\"\n",
        ),
    )
    .expect("write");
    let path = format!(
        "{}:{}",
        tools.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = bin()
        .args(["--config", cfg.to_str().expect("utf8"), "host"])
        .env("PATH", path)
        .output()
        .expect("run");
    let calls = std::fs::read_to_string(&log).unwrap_or_default();
    let sys: Vec<&str> = calls
        .lines()
        .filter(|l| l.starts_with("systemctl "))
        .collect();
    let dock: Vec<&str> = calls.lines().filter(|l| l.starts_with("docker ")).collect();
    assert!(!sys.is_empty() && !dock.is_empty(), "{calls}\n{}", text(&o));
    assert!(
        sys.iter().all(|l| l.ends_with(" -- ds-docservice")),
        "{calls}"
    );
    assert!(dock.iter().all(|l| l.ends_with(" -- box")), "{calls}");
}

/// `config init` without a FILE writes the user's config folder
/// (`$XDG_CONFIG_HOME/triage502/config.toml`, the folder made 0700, the file 0600), never the
/// current folder. As root the place is /etc/triage502: the test runs it as nobody instead.
#[test]
fn config_init_writes_the_user_config_folder_not_the_current_one() {
    let d = open_tempdir();
    let home = d.path().join("home");
    std::fs::create_dir(&home).expect("mkdir");
    let cwd = d.path().join("cwd");
    std::fs::create_dir(&cwd).expect("mkdir");
    chmod(&cwd, 0o777);
    let mut c = if common::is_root() {
        chown(&home, Some(NOBODY), Some(NOBODY)).expect("chown");
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(common::bin());
        c
    } else {
        Command::new(common::bin())
    };
    let xdg = home.join("xdg");
    let o = c
        .args(["config", "init"])
        .env_remove("TRIAGE502_CONFIG")
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", &xdg)
        .current_dir(&cwd)
        .output()
        .expect("run");
    let written = xdg.join("triage502/config.toml");
    assert!(o.status.success(), "{}", text(&o));
    assert!(!cwd.join("triage502.toml").exists(), "{}", text(&o));
    assert_eq!(mode(&written), 0o600, "{}", text(&o));
    assert_eq!(mode(&xdg.join("triage502")), 0o700);
}
