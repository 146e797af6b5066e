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
            Dep::Redis => "Redis", // i18n: not text
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
        "Connection terminated", // i18n: not text
        "connect ECONN",         // i18n: not text
        // i18n: not text
        "the database system is starting up",
        // i18n: not text
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
fn query_cause(msg: &str) -> (String, String) {
    // i18n: not text
    if let Some(at) = msg.find("password authentication failed for user") {
        let user: String = msg[at..]
            .split('"')
            .nth(1)
            .unwrap_or("onlyoffice")
            .chars()
            .take(64)
            .collect();
        return (
            tr!("db-cause-password"),
            tr!("db-fix-password", quoted = format!("{user:?}"), user = user),
        );
    }
    // i18n: not text
    let missing = msg.contains("does not exist");
    if msg.contains("relation \"") && missing {
        return (tr!("db-cause-no-table"), tr!("db-fix-no-table"));
    }
    // i18n: not text
    if msg.contains("syntax error at or near") {
        return (tr!("db-cause-syntax"), tr!("db-fix-syntax"));
    }
    // i18n: not text
    if msg.contains("too many clients already") || msg.contains("too many connections") {
        return (tr!("db-cause-too-many"), tr!("db-fix-too-many"));
    }
    if missing && msg.contains("database \"") {
        return (tr!("db-cause-no-database"), tr!("db-fix-no-database"));
    }
    (tr!("db-cause-other"), tr!("db-fix-other"))
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
        let (count, d) = (hits.len(), docs.len());
        let fact = match (count == 1, d) {
            (true, 0) => tr!("ev-db-failed-one", first = first, latest = latest),
            (true, _) => tr!("ev-db-failed-one-doc", first = first, latest = latest),
            (false, 0) => tr!(
                "ev-db-failed-many",
                count = count,
                first = first,
                latest = latest
            ),
            (false, 1) => tr!(
                "ev-db-failed-many-doc",
                count = count,
                first = first,
                latest = latest
            ),
            (false, _) => tr!(
                "ev-db-failed-many-docs",
                count = count,
                first = first,
                latest = latest,
                docs = d
            ),
        };
        ev.push(Evidence {
            source: "log".into(),
            fact,
        });
    }
    let health_false: Vec<String> = c
        .hops_where(|h| h.detail.health == Some(false))
        .iter()
        .map(|h| h.name.clone())
        .collect();
    Some(finding(
        "database_error",
        tr!("finding-database_error-title", cause = cause),
        if pg.is_some() {
            Confidence::High
        } else {
            Confidence::Medium
        },
        ev,
        tr!("finding-database_error-why"),
        vec![fix, tr!("finding-database_error-next-psql")],
        None,
        health_false,
    ))
}
