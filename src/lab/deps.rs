//! The stand-in Document Server's real dependencies in the lab, and its faults about why it is
//! down:
//!
//! - **Redis** (`redis-server`, when installed) under the lab's supervisord on a port of the
//!   lab's own; **PostgreSQL 15** only as root, run as the `postgres` user with its data in
//!   `/var/tmp/triage502-pg-NAME-HASH` (outside the lab folder, which only the lab's user may
//!   enter), the role, database and `task_result` table of ONLYOFFICE's `createdb.sql` created
//!   before docservice starts. Without them the lab runs without and says so.
//! - `local.json` carries their settings as the Document Server's do
//!   (`services.CoAuthoring.redis`, `services.CoAuthoring.sql`); the stand-in connects to them
//!   for real ([`standin_side`]).
//! - A foreign listener for `port-taken`: a second nginx (`squatter`) on the Document Server's
//!   port, started only by that fault.
//! - Faults: `ds-config-invalid` (a trailing comma in local.json, then a restart),
//!   `port-taken`, `crash-loop` (a start that dies at once: supervisor BACKOFF then FATAL after
//!   `startretries`), `redis-down`, `postgres-down`, `database-error` (the `task_result` table
//!   dropped); [`heal`] undoes them all.

pub mod standin_side;

use super::*;

/// Where PostgreSQL 15's programs are (Debian's postgresql-15).
pub const PG_BIN: &str = "/usr/lib/postgresql/15/bin";
/// The database, its user (the Document Server's defaults).
pub const PG_DB: &str = "onlyoffice";
/// How many failed starts supervisord retries before FATAL (docservice).
pub const START_RETRIES: u32 = 2;
/// The file a start fault is read from by the stand-in when it starts (`crash`).
pub const START_FAULT: &str = "standin-start";

/// The dependencies one lab runs (recorded in lab.json).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Deps {
    /// redis-server's port on 127.0.0.1.
    pub redis_port: Option<u16>,
    /// PostgreSQL's port on 127.0.0.1.
    pub pg_port: Option<u16>,
    /// PostgreSQL's data folder (outside the lab folder).
    pub pg_data: Option<PathBuf>,
    /// What the lab runs without, and why.
    pub without: Vec<String>,
}

/// PostgreSQL's data folder of the lab in `dir`: its name and a hash of the whole path, so
/// two labs never share one.
pub fn pg_data_dir(dir: &Path) -> PathBuf {
    use sha2::Digest as _;
    let hash = sha2::Sha256::digest(dir.display().to_string().as_bytes());
    let hex: String = hash.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let name: String = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(24)
        .collect();
    PathBuf::from(format!("/var/tmp/triage502-pg-{name}-{hex}"))
}

fn pg_password_path(dir: &Path) -> PathBuf {
    dir.join("pg-password")
}

/// What the lab can run: Redis when redis-server is installed, PostgreSQL when root and its
/// programs, `runuser` and the `postgres` user exist (initdb'd here, once per data folder).
/// Writes the squatter's config for the Document Server's port too.
pub(super) fn plan(
    dir: &Path,
    ds_port: u16,
    redis_port: u16,
    pg_port: u16,
) -> anyhow::Result<Deps> {
    sys::write_file(
        &dir.join("squatter.conf"),
        &squatter_conf(dir, ds_port, crate::util::is_root()),
    )?;
    let mut d = Deps::default();
    match trusted_program("redis-server")? {
        Some(_) => d.redis_port = Some(redis_port),
        None => d
            .without
            .push("Redis: redis-server not installed (apt-get install redis-server)".into()),
    }
    let why_no_pg = if !crate::util::is_root() {
        Some("PostgreSQL: needs root (it runs as the postgres user)".to_string())
    } else if !Path::new(PG_BIN).join("postgres").is_file() {
        Some(format!(
            "PostgreSQL: {PG_BIN} missing (apt-get install postgresql-15)"
        ))
    } else if crate::fsafe::uid_of("postgres").is_none() {
        Some("PostgreSQL: no postgres user".into())
    } else if trusted_program("runuser")?.is_none() {
        Some("PostgreSQL: runuser not found (util-linux)".into())
    } else {
        None
    };
    if let Some(w) = why_no_pg {
        d.without.push(w);
        return Ok(d);
    }
    let data = pg_data_dir(dir);
    if !data.join("PG_VERSION").is_file() {
        remove_pg_data(&data);
        let args = [
            "-u",
            "postgres",
            "--",
            &format!("{PG_BIN}/initdb"),
            "-D",
            &data.display().to_string(),
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--no-sync",
        ]
        .map(String::from);
        let o = run_runuser(&args, Duration::from_secs(60))?;
        if !o.ok() {
            bail!("initdb for the lab's PostgreSQL failed: {}", o.message());
        }
    }
    d.pg_port = Some(pg_port);
    d.pg_data = Some(data);
    if sys::read_text(&pg_password_path(dir))?.is_none() {
        sys::write_private(&pg_password_path(dir), &sys::random_hex(12)?)?;
    }
    Ok(d)
}

fn run_runuser(args: &[String], timeout: Duration) -> anyhow::Result<sys::Output> {
    let ru = trusted_program("runuser")?.context("runuser not found")?;
    sys::run(&ru, args, timeout)
}

/// Remove a lab's PostgreSQL data folder: only a real folder (not a symlink) owned by the
/// postgres user, under the name [`pg_data_dir`] gives.
pub(super) fn remove_pg_data(data: &Path) {
    use std::os::unix::fs::MetadataExt as _;
    let ours = data
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("triage502-pg-"))
        && data.parent() == Some(Path::new("/var/tmp"));
    let Ok(md) = std::fs::symlink_metadata(data) else {
        return;
    };
    if ours && md.is_dir() && Some(md.uid()) == crate::fsafe::uid_of("postgres") {
        let _ = std::fs::remove_dir_all(data);
    }
}

/// `local.json` of the lab: the JWT settings of [`render::local_json`] and the dependencies'
/// settings where the Document Server keeps them.
pub fn local_json(secret: &str, dir: &Path, d: &Deps) -> String {
    let mut v: serde_json::Value =
        serde_json::from_str(&super::disk::local_json(dir, secret)).unwrap_or_default();
    let ca = &mut v["services"]["CoAuthoring"];
    if let Some(p) = d.redis_port {
        ca["redis"] = serde_json::json!({"host": "127.0.0.1", "port": p});
    }
    if let Some(p) = d.pg_port {
        let pass = sys::read_text(&pg_password_path(dir))
            .ok()
            .flatten()
            .unwrap_or_default();
        ca["sql"] = serde_json::json!({
            "type": "postgres", "dbHost": "127.0.0.1", "dbPort": p,
            "dbName": PG_DB, "dbUser": PG_DB, "dbPass": pass.trim(),
        });
    }
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_else(|_| v.to_string());
    s.push('\n');
    s
}

/// `local.json` with a trailing comma after its last setting: what a hand edit leaves.
fn broken(json: &str) -> String {
    match json.trim_end().strip_suffix('}') {
        Some(head) => {
            let head = head.trim_end();
            match head.strip_suffix('}') {
                Some(h) => format!("{h}}},\n}}\n"),
                None => format!("{head},\n}}\n"),
            }
        }
        None => format!("{json},"),
    }
}

/// The supervisord programs of the dependencies and of the squatter.
pub(super) fn supervisor_programs(dir: &Path, d: &Deps, nginx: &Path) -> String {
    let dd = dir.display();
    let mut s = String::new();
    if let Some(p) = d.redis_port {
        s.push_str(&format!(
            "\n[program:redis]\ncommand=/usr/bin/redis-server --port {p} --bind 127.0.0.1 --save \"\" \
             --appendonly no --dir {dd}/tmp --daemonize no\npriority=100\nautorestart=true\nstartsecs=1\n\
             stopwaitsecs=5\nredirect_stderr=true\nstdout_logfile={dd}/logs/redis.log\n"
        ));
    }
    if let (Some(p), Some(data)) = (d.pg_port, &d.pg_data) {
        let data = data.display();
        s.push_str(&format!(
            "\n[program:postgresql]\ncommand={PG_BIN}/postgres -D {data} -k {data} -p {p} \
             -c listen_addresses=127.0.0.1 -c fsync=off\nuser=postgres\ndirectory={data}\n\
             priority=100\nautorestart=true\nstartsecs=1\nstopsignal=INT\nstopwaitsecs=10\n\
             redirect_stderr=true\nstdout_logfile={dd}/logs/postgresql.log\n"
        ));
    }
    s.push_str(&format!(
        "\n[program:squatter]\ncommand={} -p {dd} -c {dd}/squatter.conf -e {dd}/logs/squatter.error.log -g \"daemon off;\"\n\
         autostart=false\nautorestart=false\nstartsecs=1\nstopwaitsecs=5\nredirect_stderr=true\n\
         stdout_logfile={dd}/logs/squatter.log\n",
        nginx.display()
    ));
    s
}

/// The squatter's nginx.conf: another program on the Document Server's port, answering its
/// own welcome page.
pub(super) fn squatter_conf(dir: &Path, ds_port: u16, as_root: bool) -> String {
    let d = dir.display();
    let user = if as_root { "user root;\n" } else { "" };
    format!(
        "# triage502 lab: another program on the Document Server's port (`lab break port-taken`).\n\
         {user}worker_processes 1;\npid {d}/squatter.pid;\nerror_log {d}/logs/squatter.error.log;\n\
         events {{ worker_connections 64; }}\nhttp {{\n    client_body_temp_path {d}/tmp/client_body;\n\
         proxy_temp_path {d}/tmp/proxy;\n    fastcgi_temp_path {d}/tmp/fastcgi;\n    uwsgi_temp_path {d}/tmp/uwsgi;\n\
         scgi_temp_path {d}/tmp/scgi;\n    access_log off;\n    server {{\n        listen 127.0.0.1:{ds_port};\n\
         default_type text/html;\n        location / {{ return 200 \"<h1>Welcome to nginx!</h1>\\n\"; }}\n    }}\n}}\n"
    )
}

/// The lab.toml part of the dependencies: their hops and services.
pub(super) fn lab_toml_part(dir: &Path, d: &Deps) -> String {
    let sup = toml::Value::String(dir.join("supervisord.conf").display().to_string());
    let mut s = String::new();
    for (name, port) in [("redis", d.redis_port), ("postgresql", d.pg_port)] {
        let Some(port) = port else { continue };
        s.push_str(&format!(
            "\n[[hop]]\nname = \"{name}\"\nkind = \"tcp\"\nrole = \"dependency\"\n\
             target = \"127.0.0.1:{port}\"\nservice = \"{name}\"\n\n[[service]]\nname = \"{name}\"\n\
             backend = \"supervisor\"\nunit = \"{name}\"\nsupervisor_config = {sup}\n"
        ));
    }
    s
}

/// One SQL script run by psql as the postgres user on the lab's server (its socket).
fn psql_as_postgres(d: &Deps, db: &str, sql: &str) -> anyhow::Result<sys::Output> {
    let (Some(port), Some(data)) = (d.pg_port, &d.pg_data) else {
        bail!("this lab runs without PostgreSQL");
    };
    let args = [
        "-u",
        "postgres",
        "--",
        &format!("{PG_BIN}/psql"),
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        &data.display().to_string(),
        "-p",
        &port.to_string(),
        "-d",
        db,
        "-c",
        sql,
    ]
    .map(String::from);
    run_runuser(&args, CMD_TIMEOUT)
}

/// `task_result` as ONLYOFFICE's `schema/postgresql/createdb.sql` creates it.
const TASK_RESULT: &str = "CREATE TABLE IF NOT EXISTS task_result (tenant varchar(255) NOT NULL, \
     id varchar(255) NOT NULL, status int2 NOT NULL, status_info int4 NOT NULL, \
     created_at timestamp without time zone DEFAULT NOW(), \
     last_open_date timestamp without time zone NOT NULL, user_index int4 NOT NULL DEFAULT 1, \
     change_id int4 NOT NULL DEFAULT 0, callback text NOT NULL, baseurl text NOT NULL, \
     password text NULL, additional text NULL, PRIMARY KEY (tenant, id));";

/// The role, database and table the Document Server needs (idempotent), once the server
/// accepts queries (it listens before it has finished starting up).
fn pg_schema(dir: &Path, d: &Deps) -> anyhow::Result<()> {
    sys::wait_until(UP_TIMEOUT, || {
        psql_as_postgres(d, "postgres", "SELECT 1").is_ok_and(|o| o.ok())
    });
    let pass = sys::read_text(&pg_password_path(dir))?.unwrap_or_default();
    let role = format!(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{PG_DB}') THEN \
         CREATE ROLE {PG_DB} LOGIN; END IF; END $$; ALTER ROLE {PG_DB} WITH PASSWORD '{}';",
        pass.trim()
    );
    ok_or_bail(
        psql_as_postgres(d, "postgres", &role)?,
        "create the onlyoffice role",
    )?;
    let o = psql_as_postgres(
        d,
        "postgres",
        &format!("SELECT 'exists' FROM pg_database WHERE datname = '{PG_DB}'"),
    )?;
    if !o.stdout.contains("exists") {
        ok_or_bail(
            psql_as_postgres(
                d,
                "postgres",
                &format!("CREATE DATABASE {PG_DB} OWNER {PG_DB}"),
            )?,
            "create the onlyoffice database",
        )?;
    }
    ok_or_bail(
        psql_as_postgres(d, PG_DB, &format!("SET ROLE {PG_DB}; {TASK_RESULT}"))?,
        "create task_result",
    )
}

fn ok_or_bail(o: sys::Output, what: &str) -> anyhow::Result<()> {
    if !o.ok() {
        bail!("cannot {what} in the lab's PostgreSQL: {}", o.message());
    }
    Ok(())
}

/// After supervisord started: wait (bounded) for the dependencies, create PostgreSQL's
/// schema, then start docservice (it connects to them at its start, as the real one does).
pub(super) fn start(dir: &Path, sup: &ProcId, d: &Deps) -> anyhow::Result<()> {
    for (name, port) in [("redis", d.redis_port), ("postgresql", d.pg_port)] {
        let Some(port) = port else { continue };
        if !sys::wait_until(UP_TIMEOUT, || {
            sys::port_accepts(port, Duration::from_millis(200))
        }) {
            bail!(
                "the lab's {name} did not listen on 127.0.0.1:{port} within {} s; see {}/logs/{name}.log",
                UP_TIMEOUT.as_secs(),
                dir.display()
            );
        }
    }
    if d.pg_port.is_some() {
        pg_schema(dir, d)?;
    }
    supervisorctl_ok(dir, sup, &["start", "docservice"])?;
    Ok(())
}

/// Wait (bounded) until docservice has given up (FATAL) or runs again.
fn wait_docservice(dir: &Path, sup: &ProcId, states: &[&str]) -> bool {
    sys::wait_until(Duration::from_secs(20), || {
        program_states(dir, sup)
            .unwrap_or_default()
            .iter()
            .any(|p| p.name == "docservice" && states.contains(&p.state.as_str()))
    })
}

/// Restart docservice so it meets a start fault; wait until supervisord gives up on it.
fn restart_into_loop(dir: &Path, sup: &ProcId) -> anyhow::Result<()> {
    let _ = supervisorctl(dir, sup, &["stop", "docservice"]);
    // `start` fails (spawn error) when the program exits at once: that is the fault.
    let _ = supervisorctl(dir, sup, &["start", "docservice"]);
    if !wait_docservice(dir, sup, &["FATAL"]) {
        bail!("docservice did not reach FATAL within 20 s");
    }
    Ok(())
}

/// Inject one of this module's faults.
pub(super) fn break_fault(st: &LabState, sup: &ProcId, fault: Fault) -> anyhow::Result<()> {
    let dir = &st.dir;
    match fault {
        Fault::DsConfigInvalid => {
            let secret = integrator_secret(dir)?;
            let good = local_json(&secret, dir, &st.deps);
            sys::write_private(&dir.join("local.json"), &broken(&good))?;
            restart_into_loop(dir, sup)
        }
        Fault::CrashLoop => {
            sys::write_file(&dir.join(START_FAULT), "crash\n")?;
            restart_into_loop(dir, sup)
        }
        Fault::PortTaken => {
            let _ = supervisorctl(dir, sup, &["stop", "docservice"]);
            sys::write_file(
                &dir.join("squatter.conf"),
                &squatter_conf(dir, st.ds_port, crate::util::is_root()),
            )?;
            supervisorctl_ok(dir, sup, &["start", "squatter"])?;
            if !sys::wait_until(Duration::from_secs(5), || {
                sys::port_accepts(st.ds_port, Duration::from_millis(200))
            }) {
                bail!("the squatter did not take port {}", st.ds_port);
            }
            let _ = supervisorctl(dir, sup, &["start", "docservice"]);
            if !wait_docservice(dir, sup, &["FATAL"]) {
                bail!("docservice did not reach FATAL within 20 s");
            }
            Ok(())
        }
        Fault::RedisDown => {
            let port = st
                .deps
                .redis_port
                .context("this lab runs without Redis (redis-server not installed)")?;
            supervisorctl_ok(dir, sup, &["stop", "redis"])?;
            sys::wait_until(Duration::from_secs(5), || {
                !sys::port_accepts(port, Duration::from_millis(200))
            });
            Ok(())
        }
        Fault::PostgresDown => {
            let port = pg_port(st)?;
            supervisorctl_ok(dir, sup, &["stop", "postgresql"])?;
            sys::wait_until(Duration::from_secs(5), || {
                !sys::port_accepts(port, Duration::from_millis(200))
            });
            Ok(())
        }
        Fault::DatabaseError => {
            pg_port(st)?;
            let log = standin::log_path(dir);
            let before = sys::read_text(&log)?.map_or(0, |t| t.len());
            ok_or_bail(
                psql_as_postgres(&st.deps, PG_DB, "DROP TABLE IF EXISTS task_result")?,
                "drop task_result",
            )?;
            // The stand-in's expiry query meets the missing table at its next healthcheck.
            let logged = sys::wait_until(Duration::from_secs(10), || {
                let _ = sys::http_get(st.ds_port, "/healthcheck", Duration::from_secs(3));
                sys::read_text(&log).ok().flatten().is_some_and(|t| {
                    t.get(before..)
                        .is_some_and(|new| new.contains("task_result\" does not exist"))
                })
            });
            if !logged {
                bail!("the stand-in did not log the failed query within 10 s");
            }
            Ok(())
        }
        _ => bail!("{} is not a dependency fault", fault.name()),
    }
}

fn pg_port(st: &LabState) -> anyhow::Result<u16> {
    st.deps.pg_port.with_context(|| {
        format!(
            "this lab runs without PostgreSQL ({})",
            st.deps.without.join("; ")
        )
    })
}

/// Undo this module's faults (before `fix` starts what is stopped): no start fault, no
/// squatter, the dependencies running with their schema, docservice stopped when it gave up
/// or backs off (so `start` can start it), or — after `database-error` — restarted, as an
/// operator does after creating the schema (its failed queries are then history).
pub(super) fn heal(st: &LabState, sup: &ProcId, healed: &[Fault]) -> anyhow::Result<()> {
    let dir = &st.dir;
    let sf = dir.join(START_FAULT);
    if std::fs::symlink_metadata(&sf).is_ok() {
        std::fs::remove_file(&sf).with_context(|| format!("cannot remove {}", sf.display()))?;
    }
    let progs = program_states(dir, sup).unwrap_or_default();
    let state = |n: &str| {
        progs
            .iter()
            .find(|p| p.name == n)
            .map(|p| p.state.clone())
            .unwrap_or_default()
    };
    if matches!(
        state("squatter").as_str(),
        "RUNNING" | "STARTING" | "BACKOFF"
    ) {
        supervisorctl_ok(dir, sup, &["stop", "squatter"])?;
    }
    if matches!(state("docservice").as_str(), "BACKOFF" | "STARTING") {
        let _ = supervisorctl(dir, sup, &["stop", "docservice"]);
    }
    for (name, port) in [
        ("redis", st.deps.redis_port),
        ("postgresql", st.deps.pg_port),
    ] {
        if port.is_some() && state(name) != "RUNNING" {
            supervisorctl_ok(dir, sup, &["start", name])?;
        }
    }
    if let Some(port) = st.deps.pg_port {
        sys::wait_until(UP_TIMEOUT, || {
            sys::port_accepts(port, Duration::from_millis(200))
        });
        pg_schema(dir, &st.deps)?;
    }
    if healed.contains(&Fault::DatabaseError) && state("docservice") == "RUNNING" {
        let _ = supervisorctl(dir, sup, &["stop", "docservice"]);
    }
    Ok(())
}

/// Whether one of this module's faults is still in effect (for `lab status`).
pub(super) fn still_active(st: &LabState, progs: Option<&[ProgramState]>, f: Fault) -> bool {
    let state = |name: &str| {
        progs.map(|ps| {
            ps.iter()
                .find(|p| p.name == name)
                .map(|p| p.state.clone())
                .unwrap_or_default()
        })
    };
    match f {
        Fault::DsConfigInvalid => sys::read_text(&st.dir.join("local.json"))
            .ok()
            .flatten()
            .is_none_or(|t| serde_json::from_str::<serde_json::Value>(&t).is_err()),
        Fault::CrashLoop => std::fs::symlink_metadata(st.dir.join(START_FAULT)).is_ok(),
        Fault::PortTaken => state("squatter").is_none_or(|s| s == "RUNNING"),
        Fault::RedisDown => state("redis").is_none_or(|s| s != "RUNNING"),
        Fault::PostgresDown => state("postgresql").is_none_or(|s| s != "RUNNING"),
        // The table's absence is not read back: it stays as recorded.
        _ => true,
    }
}

/// Lines for `lab up`'s summary.
pub fn summary(d: &Deps) -> String {
    let mut s = String::new();
    if let Some(p) = d.redis_port {
        s.push_str(&format!("redis        127.0.0.1:{p} (redis-server)\n"));
    }
    if let (Some(p), Some(data)) = (d.pg_port, &d.pg_data) {
        s.push_str(&format!(
            "postgresql   127.0.0.1:{p} (PostgreSQL 15 as postgres, data {})\n",
            data.display()
        ));
    }
    for w in &d.without {
        s.push_str(&format!("without      {w}\n"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_local_json_does_not_parse_and_healthy_one_does() {
        let d = Deps {
            redis_port: Some(6390),
            ..Deps::default()
        };
        let good = local_json("s", Path::new("/nonexistent"), &d);
        let v: serde_json::Value = serde_json::from_str(&good).expect("parses");
        assert_eq!(v["services"]["CoAuthoring"]["redis"]["port"], 6390);
        let bad = broken(&good);
        let e = serde_json::from_str::<serde_json::Value>(&bad).expect_err("broken");
        assert!(e.to_string().contains("trailing comma"), "{e}");
    }

    #[test]
    fn pg_data_is_outside_the_lab_and_per_lab() {
        let a = pg_data_dir(Path::new("/tmp/a/lab"));
        let b = pg_data_dir(Path::new("/tmp/b/lab"));
        assert_ne!(a, b);
        assert!(a.starts_with("/var/tmp") && !a.starts_with("/tmp/a"));
        let t = lab_toml_part(
            Path::new("/tmp/l"),
            &Deps {
                redis_port: Some(1),
                pg_port: Some(2),
                ..Deps::default()
            },
        );
        let c = crate::config::parse(&t, "part").expect("parses");
        assert_eq!(c.hops.len(), 2);
        assert_eq!(c.services.len(), 2);
    }
}
