//! supervisord's XML-RPC interface over its unix socket: the state of every program with one
//! request (`supervisor.getAllProcessInfo`), without starting `supervisorctl` — a Python
//! process costing about 100 ms of CPU per call, most of a host-facts refresh's cost on a box
//! run by supervisor (ONLYOFFICE's Docker image is one).
//!
//! The socket is the `file=` of the config's `[unix_http_server]` section. A server that asks
//! for a password (`username=` in that section), a socket that cannot be reached, or an answer
//! that does not parse makes the caller fall back to `supervisorctl`, which knows all of that.

use super::Unknown;
use super::services::{Answered, ServiceStatus, supervisor_state};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Where supervisorctl looks for the config when none is given (after paths relative to the
/// working directory and its own executable, which a monitoring tool should not depend on).
const DEFAULT_CONFIGS: [&str; 2] = ["/etc/supervisor/supervisord.conf", "/etc/supervisord.conf"];

/// The most of an answer read (a few KiB per program).
const MAX_ANSWER: u64 = 4 << 20;

/// The unix socket of the supervisord that `conf` (or the default config) configures; `None`
/// when there is none, it is not readable, or the server wants a password.
pub fn socket_of(conf: Option<&Path>) -> Option<PathBuf> {
    let conf: PathBuf = match conf {
        Some(c) => c.to_path_buf(),
        None => DEFAULT_CONFIGS
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())?,
    };
    let text = std::fs::read_to_string(&conf).ok()?;
    let here = conf.parent().unwrap_or(Path::new("/"));
    socket_in(&text, here)
}

/// The `[unix_http_server]` socket of a supervisord config's text; `%(here)s` is the config's
/// folder. `None` without the section or with a `username=` (password required).
pub fn socket_in(text: &str, here: &Path) -> Option<PathBuf> {
    let mut in_section = false;
    let mut file = None;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_section = line == "[unix_http_server]";
            continue;
        }
        if !in_section || line.starts_with(';') || line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        // An inline comment starts with " ;".
        let v = v.split(" ;").next().unwrap_or(v).trim();
        match k.trim() {
            "file" => file = Some(v.replace("%(here)s", &here.to_string_lossy())),
            "username" if !v.is_empty() => return None,
            _ => {}
        }
    }
    file.filter(|f| !f.is_empty()).map(PathBuf::from)
}

/// What supervisord's socket said.
#[derive(Debug)]
pub enum Answer {
    /// Every program's status.
    Programs(Vec<ServiceStatus>),
    /// It accepted the request but did not answer in time: supervisord hangs, and asking it
    /// again (by supervisorctl too) would hang as well.
    Hung(Unknown),
    /// No usable socket (none configured, a password wanted, not reachable) or an answer that
    /// is not one: supervisorctl may still do.
    Unavailable(Unknown),
}

/// Asks the supervisord that `conf` (or the default config) configures, on its socket.
pub async fn ask(conf: Option<&Path>, timeout: Duration) -> Answer {
    let Some(sock) = socket_of(conf) else {
        return Answer::Unavailable(Unknown::new(
            "no supervisord socket without a password in its config",
            None,
        ));
    };
    all_process_info(&sock, timeout).await
}

/// Every program's status from the supervisord listening on `sock`.
pub async fn all_process_info(sock: &Path, timeout: Duration) -> Answer {
    let fail =
        |what: String| Unknown::new(format!("supervisord at {}: {what}", sock.display()), None);
    let body = "<?xml version=\"1.0\"?><methodCall><methodName>supervisor.getAllProcessInfo\
                </methodName><params></params></methodCall>";
    let request = format!(
        "POST /RPC2 HTTP/1.0\r\nHost: localhost\r\nContent-Type: text/xml\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let exchange = async {
        let mut s = tokio::net::UnixStream::connect(sock).await?;
        s.write_all(request.as_bytes()).await?;
        let mut answer = Vec::new();
        s.take(MAX_ANSWER).read_to_end(&mut answer).await?;
        Ok::<_, std::io::Error>(answer)
    };
    let answer = match tokio::time::timeout(timeout, exchange).await {
        Err(_) => {
            return Answer::Hung(fail(format!(
                "no answer within {}",
                super::cmd::human_duration(timeout)
            )));
        }
        Ok(Err(e)) => return Answer::Unavailable(fail(crate::util::io_error_text(&e))),
        Ok(Ok(a)) => a,
    };
    let answer = String::from_utf8_lossy(&answer);
    let Some((head, xml)) = answer.split_once("\r\n\r\n") else {
        return Answer::Unavailable(fail("not an HTTP answer".into()));
    };
    let status = head.lines().next().unwrap_or("");
    if status.split_whitespace().nth(1) != Some("200") {
        return Answer::Unavailable(fail(format!("answered {status:?}")));
    }
    match parse_all_process_info(xml) {
        Ok(v) => Answer::Programs(v),
        Err(e) => Answer::Unavailable(fail(e)),
    }
}

/// The programs in a `getAllProcessInfo` answer, named as supervisorctl prints them
/// (`group:name` when they differ).
pub fn parse_all_process_info(xml: &str) -> Result<Vec<ServiceStatus>, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut fields: Vec<(String, String)> = Vec::new();
    // The element whose text is being read: a member's <name>, or a value's type.
    let mut reading: Option<String> = None;
    let mut key = String::new();
    let mut value = String::new();
    loop {
        match reader.read_event() {
            Err(e) => return Err(format!("answer does not parse: {e}")),
            Ok(Event::Eof) => break,
            Ok(Event::Empty(e)) if e.name().as_ref() == b"fault" => {
                return Err("supervisord answered with a fault".into());
            }
            Ok(Event::Start(e)) => {
                let tag = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                match tag.as_str() {
                    "struct" => {
                        fields.clear();
                        reading = None;
                    }
                    "member" => {
                        key.clear();
                        value.clear();
                        reading = None;
                    }
                    // A value's text, typed or not (an untyped value is a string).
                    "value" => {
                        value.clear();
                        reading = Some(tag);
                    }
                    "name" | "string" | "int" | "i4" | "boolean" => reading = Some(tag),
                    "fault" => return Err("supervisord answered with a fault".into()),
                    _ => reading = None,
                }
            }
            // Text comes in pieces: plain runs, and entity references (`&amp;`, `&#38;`).
            Ok(Event::Text(t)) => {
                let text = t
                    .decode()
                    .map_err(|e| format!("answer does not parse: {e}"))?;
                push_text(reading.as_deref(), &text, &mut key, &mut value);
            }
            Ok(Event::GeneralRef(r)) => {
                let name = r
                    .decode()
                    .map_err(|e| format!("answer does not parse: {e}"))?;
                let text = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => quick_xml::escape::resolve_predefined_entity(&name)
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("&{name};")),
                };
                push_text(reading.as_deref(), &text, &mut key, &mut value);
            }
            Ok(Event::End(e)) => match e.name().as_ref() {
                b"name" | b"value" | b"string" | b"int" | b"i4" | b"boolean" => reading = None,
                b"member" => fields.push((std::mem::take(&mut key), std::mem::take(&mut value))),
                b"struct" => out.push(status_of(&fields)?),
                _ => {}
            },
            Ok(_) => {}
        }
    }
    Ok(out)
}

/// Text read inside a member's `<name>` goes to its key, inside its value to the value.
fn push_text(reading: Option<&str>, text: &str, key: &mut String, value: &mut String) {
    match reading {
        Some("name") => key.push_str(text),
        Some(_) => value.push_str(text),
        None => {}
    }
}

/// One program's struct as a status.
fn status_of(fields: &[(String, String)]) -> Result<ServiceStatus, String> {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.as_str())
    };
    let int = |k: &str| get(k).and_then(|v| v.trim().parse::<i64>().ok());
    let name = get("name").ok_or("a program without a name")?;
    let group = get("group").unwrap_or(name);
    let unit = if group == name {
        name.to_string()
    } else {
        format!("{group}:{name}")
    };
    let statename = get("statename").unwrap_or("UNKNOWN");
    let state = supervisor_state(statename).ok_or_else(|| format!("unknown state {statename}"))?;
    let running = statename == "RUNNING";
    let description = get("description").unwrap_or("").to_string();
    Ok(ServiceStatus {
        name: unit.clone(),
        backend: Answered::Supervisor,
        unit: unit.clone(),
        state,
        sub_state: Some(statename.to_string()),
        pid: int("pid")
            .filter(|p| *p > 0)
            .and_then(|p| u32::try_from(p).ok()),
        since: None,
        uptime_secs: match (running, int("start"), int("now")) {
            (true, Some(start), Some(now)) if now >= start => Some((now - start) as u64),
            _ => None,
        },
        restarts: None,
        exit_code: if statename == "EXITED" {
            int("exitstatus").and_then(|c| i32::try_from(c).ok())
        } else {
            None
        },
        health: None,
        oom_killed: None,
        raw: format!("{unit} {statename} {description}")
            .trim()
            .to_string(),
        detail: description,
        hint: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::services::ServiceState;

    #[test]
    fn socket_from_the_config() {
        let conf = "[supervisord]\nlogfile=x\n\n[unix_http_server]\nfile=%(here)s/s.sock ; the socket\nchmod=0700\n\n[supervisorctl]\nserverurl=unix:///elsewhere\n";
        assert_eq!(
            socket_in(conf, Path::new("/etc/supervisor")),
            Some(PathBuf::from("/etc/supervisor/s.sock"))
        );
        let locked = "[unix_http_server]\nfile=/run/s.sock\nusername=admin\npassword=x\n";
        assert_eq!(socket_in(locked, Path::new("/")), None);
        assert_eq!(
            socket_in("[inet_http_server]\nport=9001\n", Path::new("/")),
            None
        );
    }

    #[test]
    fn an_answer_parses_into_statuses() {
        let member =
            |k: &str, v: &str| format!("<member><name>{k}</name><value>{v}</value></member>");
        let program = |fields: &[(&str, &str)]| {
            let m: String = fields.iter().map(|(k, v)| member(k, v)).collect();
            format!("<value><struct>{m}</struct></value>")
        };
        let xml = format!(
            "<?xml version='1.0'?><methodResponse><params><param><value><array><data>{}{}{}</data></array></value></param></params></methodResponse>",
            program(&[
                ("name", "<string>docservice</string>"),
                ("group", "ds"),
                ("start", "<int>1000</int>"),
                ("now", "<int>4723</int>"),
                ("statename", "<string>RUNNING</string>"),
                ("pid", "<int>4242</int>"),
                ("exitstatus", "<int>0</int>"),
                (
                    "description",
                    "<string>pid 4242, uptime 1:02:03 &amp; more</string>"
                ),
            ]),
            program(&[
                ("name", "<string>converter</string>"),
                ("group", "<string>converter</string>"),
                ("statename", "<string>EXITED</string>"),
                ("pid", "<int>0</int>"),
                ("exitstatus", "<i4>3</i4>"),
                ("description", "<string></string>"),
            ]),
            program(&[
                ("name", "<string>nginx</string>"),
                ("statename", "<string>FATAL</string>"),
                ("description", "<string>Exited too quickly</string>"),
            ]),
        );
        let s = parse_all_process_info(&xml).expect("parses");
        assert_eq!(s.len(), 3);
        // A value without a type is a string in XML-RPC ("ds").
        assert_eq!(s[0].unit, "ds:docservice");
        assert_eq!(s[0].state, ServiceState::Active);
        assert_eq!((s[0].pid, s[0].uptime_secs), (Some(4242), Some(3723)));
        assert_eq!(s[0].detail, "pid 4242, uptime 1:02:03 & more");
        assert_eq!(s[1].state, ServiceState::Exited { code: None });
        assert_eq!((s[1].pid, s[1].exit_code), (None, Some(3)));
        assert_eq!(s[2].state, ServiceState::Failed);
        assert!(parse_all_process_info("<methodResponse><fault/></methodResponse>").is_err());
        assert!(
            parse_all_process_info("<methodResponse><params><struct><member><name>x")
                .is_ok_and(|v| v.is_empty())
        );
    }
}
