//! The Document Server's dependencies as its own log names them: which one it cannot reach
//! (`[AMQP] … ECONNREFUSED`, `redisClient error`, `postgresql pool error`, a query refused at
//! connect) for `dependency_down`, and queries that PostgreSQL answers with an error
//! (`database_error`: wrong password, schema missing, a server older than 9.5, too many
//! connections). Only lines logged since the Document Server's last start count: what it
//! said before a restart is history.

use super::*;
use crate::logs::Record;

/// A dependency of the Document Server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dep {
    RabbitMq,
    Redis,
    Postgres,
}

impl Dep {
    pub(super) fn word(self) -> &'static str {
        match self {
            Dep::RabbitMq => "RabbitMQ",
            Dep::Redis => "Redis",
            Dep::Postgres => "PostgreSQL",
        }
    }

    fn default_port(self) -> u16 {
        match self {
            Dep::RabbitMq => 5672,
            Dep::Redis => 6379,
            Dep::Postgres => 5432,
        }
    }

    /// Words a hop's name or service of this dependency contains.
    fn keys(self) -> &'static [&'static str] {
        match self {
            Dep::RabbitMq => &["rabbit", "amqp"],
            Dep::Redis => &["redis"],
            Dep::Postgres => &["postgres", "pgsql", "mysql", "mariadb", "database"],
        }
    }
}

/// Whether a database error is a failure to reach the server at all (then the server is down
/// or unreachable: a dependency, not a query, failed).
fn is_connect_failure(msg: &str) -> bool {
    [
        "ECONNREFUSED",
        "ETIMEDOUT",
        "EHOSTUNREACH",
        "ENETUNREACH",
        "ENOTFOUND",
        "EAI_AGAIN",
        "Connection terminated",
        "connect ECONN",
        "the database system is starting up",
        "the database system is shutting down",
    ]
    .iter()
    .any(|w| msg.contains(w))
}

/// The port in an `ECONNREFUSED 127.0.0.1:6379`-like text, if any.
fn port_in(msg: &str) -> Option<u16> {
    let at = msg.find("ECONNREFUSED ")? + "ECONNREFUSED ".len();
    let addr: String = msg[at..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ',' && *c != ')')
        .collect();
    addr.rsplit_once(':')?.1.parse().ok()
}

/// Which dependency a Document Server line says it cannot reach, if any.
fn dep_of(r: &Record) -> Option<Dep> {
    let m = r.message();
    match r.class() {
        Class::DsRabbitmq => Some(Dep::RabbitMq),
        Class::DsRedis => Some(Dep::Redis),
        Class::DsDatabase => Some(Dep::Postgres),
        Class::DsDatabaseQuery if is_connect_failure(m) => Some(Dep::Postgres),
        Class::DsHealthcheck => match port_in(m) {
            Some(6379) => Some(Dep::Redis),
            Some(5672) => Some(Dep::RabbitMq),
            Some(5432 | 3306) => Some(Dep::Postgres),
            _ => None,
        },
        _ => None,
    }
}

/// The Document Server's lines since its last start that say a dependency is out of reach,
/// with which one (`None`: a failed healthcheck that does not say).
pub(super) fn unreachable_lines<'a>(c: &Ctx<'a>) -> Vec<(Option<Dep>, &'a Record)> {
    c.ds_entries_since_start(&[
        Class::DsRabbitmq,
        Class::DsRedis,
        Class::DsDatabase,
        Class::DsDatabaseQuery,
        Class::DsHealthcheck,
    ])
    .into_iter()
    .filter(|r| r.class() != Class::DsDatabaseQuery || is_connect_failure(r.message()))
    .map(|r| (dep_of(r), r))
    .collect()
}

/// The chain's hop for a dependency: the one on the port the line names, else the one whose
/// name or service says what it is, else the one on its default port.
pub(super) fn hop_of<'a>(c: &Ctx<'a>, dep: Dep, line: Option<&Record>) -> Option<&'a HopResult> {
    let port = line.and_then(|r| port_in(r.message()));
    let deps: Vec<&HopResult> = c.by_role(Role::Dependency).collect();
    let on = |p: u16| deps.iter().copied().find(|h| port_of(h) == Some(p));
    port.and_then(on)
        .or_else(|| {
            deps.iter().copied().find(|h| {
                let svc = service_of(c, h).unwrap_or_default().to_lowercase();
                let name = h.name.to_lowercase();
                dep.keys()
                    .iter()
                    .any(|k| name.contains(k) || svc.contains(k))
            })
        })
        .or_else(|| on(dep.default_port()))
}

/// A failed query's cause, and the fix that fits it.
fn query_cause(msg: &str) -> (&'static str, String) {
    if let Some(at) = msg.find("password authentication failed for user") {
        let user: String = msg[at..]
            .split('"')
            .nth(1)
            .unwrap_or("onlyoffice")
            .chars()
            .take(64)
            .collect();
        return (
            "password authentication failed",
            format!(
                "The password in local.json (services.CoAuthoring.sql.dbPass) is not PostgreSQL's for user {user:?}: set one to the other (ALTER USER {user} WITH PASSWORD '…' as postgres, or fix dbPass), then restart ds-docservice and ds-converter."
            ),
        );
    }
    if msg.contains("relation \"") && msg.contains("does not exist") {
        return (
            "a table does not exist (schema never created)",
            "The database has no ONLYOFFICE tables: create them with the schema file as the database user: psql -h localhost -U onlyoffice -d onlyoffice -f /var/www/onlyoffice/documentserver/server/schema/postgresql/createdb.sql".into(),
        );
    }
    if msg.contains("syntax error at or near") {
        return (
            "SQL syntax error (PostgreSQL older than 9.5?)",
            "The Document Server's queries (INSERT … ON CONFLICT) need PostgreSQL 9.5 or newer: check `SELECT version();` and upgrade PostgreSQL.".into(),
        );
    }
    if msg.contains("too many clients already") || msg.contains("too many connections") {
        return (
            "too many connections",
            "PostgreSQL refuses new connections: raise max_connections in postgresql.conf (or lower the Document Server's services.CoAuthoring.sql.connectionlimit), and look for other clients holding connections (SELECT count(*) FROM pg_stat_activity).".into(),
        );
    }
    if msg.contains("does not exist") && msg.contains("database \"") {
        return (
            "the database does not exist",
            "Create the database named in local.json (services.CoAuthoring.sql.dbName) owned by its user, then the schema (createdb.sql).".into(),
        );
    }
    (
        "query failed",
        "Read the full error in docservice/out.log and check PostgreSQL's own log for the same time.".into(),
    )
}

pub(super) fn database_error(c: &Ctx<'_>) -> Option<Finding> {
    let hits: Vec<&Record> = c
        .ds_entries_since_start(&[Class::DsDatabaseQuery])
        .into_iter()
        .filter(|r| !is_connect_failure(r.message()))
        .collect();
    let last = *hits.last()?;
    // PostgreSQL must answer: a red database hop is dependency_down's.
    let pg = hop_of(c, Dep::Postgres, None);
    if pg.is_some_and(|h| h.state == State::Fail) {
        return None;
    }
    let (cause, fix) = query_cause(last.message());
    let mut ev = Vec::new();
    if let Some(h) = pg {
        ev.push(probe_evidence(h));
    }
    ev.extend(Ctx::evidence_of(&hits));
    let times: Vec<chrono::NaiveDateTime> = hits.iter().filter_map(|r| r.time()).collect();
    let mut docs: Vec<&str> = hits
        .iter()
        .filter_map(|r| match r {
            Record::DocServer(e) => e.doc_id.as_deref(),
            Record::Nginx(_) => None,
        })
        .filter(|d| !d.is_empty() && *d != "docId")
        .collect();
    docs.sort_unstable();
    docs.dedup();
    if let (Some(first), Some(latest)) = (times.iter().min(), times.iter().max()) {
        let documents = match docs.len() {
            0 => String::new(),
            1 => ", 1 document".to_string(),
            n => format!(", {n} documents"),
        };
        ev.push(Evidence {
            source: "log".into(),
            fact: format!(
                "{} failed quer{} from {first} to {latest}{documents}",
                hits.len(),
                if hits.len() == 1 { "y" } else { "ies" },
            ),
        });
    }
    let health_false: Vec<String> = c
        .hops_where(|h| h.detail.health == Some(false))
        .iter()
        .map(|h| h.name.clone())
        .collect();
    Some(finding(
        "database_error",
        format!("The Document Server's database queries fail: {cause}"),
        if pg.is_some() {
            Confidence::High
        } else {
            Confidence::Medium
        },
        ev,
        "PostgreSQL answers, but refuses or fails the Document Server's queries: documents cannot be opened or saved although the port is open.",
        vec![
            fix,
            "Check from the Document Server's host with its own settings: psql -h HOST -U USER -d DB -c 'SELECT count(*) FROM task_result'".into(),
        ],
        None,
        health_false,
    ))
}
