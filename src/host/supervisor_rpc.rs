//! supervisord's XML-RPC interface over its unix socket: the state of every program with one
//! request (`supervisor.getAllProcessInfo`), without starting `supervisorctl` — a Python
//! process costing about 100 ms of CPU per call, most of a host-facts refresh's cost on a box
//! run by supervisor (ONLYOFFICE's Docker image is one).
//!
//! The socket is the one supervisorctl would use: `[supervisorctl] serverurl=unix://…`, else
//! `[unix_http_server] file=`. The caller falls back to `supervisorctl` when there is no such
//! socket (an `http://` server URL, expansions other than `%(here)s` / `%(ENV_X)s`), when the
//! server wants a password, or when the socket cannot be reached or the answer is not one. A
//! server that accepts and then does not answer, or a socket this user may not open, is final:
//! supervisorctl would hang or be refused the same way.

use super::Unknown;
use super::services::{
    Answered, ServiceState, ServiceStatus, TAIL_BYTES, supervisor_state, tail_lines,
};
use crate::tr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Where supervisorctl looks for the config when none is given, in its order (after paths
/// relative to the working directory and its own executable, which a monitoring tool should
/// not depend on).
pub(crate) const DEFAULT_CONFIGS: [&str; 2] =
    ["/etc/supervisord.conf", "/etc/supervisor/supervisord.conf"];

/// The most of an answer read (about 1.3 KiB per program).
const MAX_ANSWER: u64 = 4 << 20;

/// The unix socket of the supervisord that `conf` (or the default config) configures; `None`
/// when there is none, it is not readable, or the server wants a password.
pub fn socket_of(conf: Option<&Path>) -> Option<PathBuf> {
    let conf: PathBuf = match conf {
        Some(c) => std::path::absolute(c).ok()?,
        None => DEFAULT_CONFIGS
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())?,
    };
    let text = std::fs::read_to_string(&conf).ok()?;
    let here = conf.parent().unwrap_or(Path::new("/"));
    socket_in(&text, here)
}

/// The settings of a supervisord config as supervisor's own parser reads them: `[section]`
/// lines, `key = value` or `key: value` (keys lowercased), whole-line comments starting with
/// `;` or `#`, inline comments starting with whitespace and then `;` or `#`.
pub(crate) fn settings(text: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut section = String::new();
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with(';') || t.starts_with('#') {
            continue;
        }
        if let Some(name) = t.strip_prefix('[') {
            section = name.split(']').next().unwrap_or("").to_string();
            continue;
        }
        let Some(at) = t.find(['=', ':']) else {
            continue;
        };
        let (k, v) = (&t[..at], &t[at + 1..]);
        let mut value = v;
        for (i, c) in v.char_indices() {
            if (c == ';' || c == '#') && v[..i].ends_with(char::is_whitespace) {
                value = &v[..i];
                break;
            }
        }
        out.push((
            section.clone(),
            k.trim().to_lowercase(),
            value.trim().to_string(),
        ));
    }
    out
}

/// `%(here)s`, `%(ENV_NAME)s` and `%%` expanded; `None` for anything else (or an unset
/// variable): the caller then leaves it to supervisorctl.
pub(crate) fn expand(v: &str, here: &Path) -> Option<String> {
    let mut out = String::new();
    let mut rest = v;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(r) = rest.strip_prefix("%%") {
            out.push('%');
            rest = r;
        } else if let Some(r) = rest.strip_prefix("%(here)s") {
            out.push_str(&here.to_string_lossy());
            rest = r;
        } else if let Some(r) = rest.strip_prefix("%(ENV_") {
            let (name, r) = r.split_once(")s")?;
            out.push_str(&std::env::var(name).ok()?);
            rest = r;
        } else {
            return None;
        }
    }
    out.push_str(rest);
    Some(out)
}

/// The unix socket a supervisord config's text points supervisorctl at; `%(here)s` is the
/// config's folder. `None` without one, with a relative path, or when the server wants a
/// password (`username=` in `[unix_http_server]`).
pub fn socket_in(text: &str, here: &Path) -> Option<PathBuf> {
    let all = settings(text);
    let get = |section: &str, key: &str| {
        all.iter()
            .find(|(s, k, _)| s == section && k == key)
            .map(|(_, _, v)| v.as_str())
    };
    if get("unix_http_server", "username").is_some_and(|u| !u.is_empty()) {
        return None;
    }
    let path = match get("supervisorctl", "serverurl") {
        // supervisorctl's own setting; an http:// server is not a unix socket.
        Some(url) => url.strip_prefix("unix://")?,
        None => get("unix_http_server", "file")?,
    };
    let path = PathBuf::from(expand(path, here)?);
    path.is_absolute().then_some(path)
}

/// What supervisord's socket said.
#[derive(Debug)]
pub enum Answer {
    /// Every program's status.
    Programs(Vec<ServiceStatus>),
    /// Asking again, by supervisorctl too, would fail the same way: supervisord accepted the
    /// request and did not answer in time (or its queue of waiting connections is full: it
    /// hangs), or this user may not open its socket.
    Final(Unknown),
    /// No usable socket (none configured, a password wanted, not reachable) or an answer that
    /// is not one: supervisorctl may still do.
    Unavailable(Unknown),
}

/// Asks the supervisord that `conf` (or the default config) configures, on its socket.
pub async fn ask(conf: Option<&Path>, timeout: Duration) -> Answer {
    let Some(sock) = socket_of(conf) else {
        return Answer::Unavailable(Unknown::new(tr!("host-rpc-no-socket"), None));
    };
    all_process_info(&sock, timeout).await
}

/// One XML-RPC call to the supervisord listening on `sock`: the answer's XML, or why there is
/// none as an [`Answer`] (`Final` or `Unavailable`).
async fn call(
    sock: &Path,
    method: &str,
    params: &str,
    timeout: Duration,
) -> Result<String, Answer> {
    let fail = |what: String| {
        Unknown::new(
            tr!("host-rpc-at", socket = sock.display(), what = what),
            None,
        )
    };
    let body = format!(
        // i18n: not text (the XML-RPC request)
        "<?xml version=\"1.0\"?><methodCall><methodName>{method}</methodName>\
         <params>{params}</params></methodCall>"
    );
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
    let hung = || {
        Answer::Final(fail(tr!(
            "host-rpc-no-answer",
            after = super::cmd::human_duration(timeout)
        )))
    };
    let answer = match tokio::time::timeout(timeout, exchange).await {
        Err(_) => return Err(hung()),
        // A full accept queue: earlier requests are still waiting for it.
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::WouldBlock => return Err(hung()),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            let mut u = fail(crate::util::io_error_text(&e));
            u.hint = Some(tr!("host-hint-sudo"));
            return Err(Answer::Final(u));
        }
        Ok(Err(e)) => return Err(Answer::Unavailable(fail(crate::util::io_error_text(&e)))),
        Ok(Ok(a)) => a,
    };
    let answer = String::from_utf8_lossy(&answer);
    let Some((head, xml)) = answer.split_once("\r\n\r\n") else {
        return Err(Answer::Unavailable(fail(tr!("host-rpc-not-http"))));
    };
    let status = head.lines().next().unwrap_or("");
    if status.split_whitespace().nth(1) != Some("200") {
        return Err(Answer::Unavailable(fail(tr!(
            "host-rpc-answered",
            status = format!("{status:?}")
        ))));
    }
    Ok(xml.to_string())
}

/// Every program's status from the supervisord listening on `sock`.
pub async fn all_process_info(sock: &Path, timeout: Duration) -> Answer {
    let xml = match call(sock, "supervisor.getAllProcessInfo", "", timeout).await {
        Ok(x) => x,
        Err(a) => return a,
    };
    match parse_all_process_info(&xml) {
        Ok(v) => Answer::Programs(v),
        Err(e) => Answer::Unavailable(Unknown::new(
            tr!("host-rpc-at", socket = sock.display(), what = e),
            None,
        )),
    }
}

/// The last lines program `unit` (`group:name`) wrote, from supervisord on `sock`: its stderr
/// log (`supervisor.tailProcessStderrLog`, the last [`TAIL_BYTES`]), or its stdout log when
/// stderr goes there (`redirect_stderr`: supervisord keeps no stderr log). With where they
/// came from.
pub async fn tail_output(
    sock: &Path,
    unit: &str,
    timeout: Duration,
) -> Result<(Vec<String>, String), String> {
    let name = quick_xml::escape::escape(unit);
    let params = format!(
        "<param><value><string>{name}</string></value></param>\
         <param><value><int>0</int></value></param>\
         <param><value><int>{TAIL_BYTES}</int></value></param>"
    );
    let mut why = String::new();
    for (method, what) in [
        ("supervisor.tailProcessStderrLog", "stderr"),
        ("supervisor.tailProcessStdoutLog", "stdout"),
    ] {
        match call(sock, method, &params, timeout).await {
            Ok(xml) => match first_string(&xml) {
                Ok(text) if !text.trim().is_empty() => {
                    // A full window starts mid-line: that first piece is dropped.
                    let text = match text.split_once('\n') {
                        Some((_, rest)) if text.len() >= TAIL_BYTES => rest.to_string(),
                        _ => text,
                    };
                    return Ok((
                        tail_lines(&text),
                        tr!("host-rpc-log-source", stream = what, unit = unit),
                    ));
                }
                Ok(_) => why = tr!("host-rpc-log-empty", stream = what, unit = unit),
                Err(e) => {
                    why = tr!("host-rpc-log-error", stream = what, unit = unit, error = e);
                }
            },
            Err(Answer::Final(u) | Answer::Unavailable(u)) => return Err(u.reason),
            Err(Answer::Programs(_)) => {}
        }
    }
    Err(why)
}

/// The first string value of an XML-RPC answer (a tail's text); `Err` with the fault's words
/// (`NO_FILE` when the program has no such log).
fn first_string(xml: &str) -> Result<String, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut in_string = false;
    let mut fault = false;
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Err(e) => return Err(tr!("host-rpc-unparsable", error = e)),
            Ok(Event::Eof) => return Err(tr!("host-rpc-no-text")),
            Ok(Event::Start(e)) => match e.name().as_ref() {
                b"fault" => fault = true,
                b"string" => in_string = true,
                _ => {}
            },
            Ok(Event::Text(t)) if in_string => {
                text.push_str(
                    &t.decode()
                        .map_err(|e| tr!("host-rpc-unparsable", error = e))?,
                );
            }
            Ok(Event::GeneralRef(r)) if in_string => {
                let name = r
                    .decode()
                    .map_err(|e| tr!("host-rpc-unparsable", error = e))?;
                match r.resolve_char_ref() {
                    Ok(Some(c)) => text.push(c),
                    _ => text.push_str(
                        quick_xml::escape::resolve_predefined_entity(&name).unwrap_or(""),
                    ),
                }
            }
            Ok(Event::Empty(e)) if e.name().as_ref() == b"string" && !fault => {
                return Ok(String::new());
            }
            Ok(Event::End(e)) if e.name().as_ref() == b"string" => {
                return if fault {
                    Err(tr!("host-rpc-fault-text", text = text))
                } else {
                    Ok(text)
                };
            }
            Ok(_) => {}
        }
    }
}

/// Reads the last output of each status that keeps exiting (see
/// [`ServiceStatus::is_exiting`]) from the supervisord on `sock`; a tail that cannot be read
/// leaves the status as it was, with why in `log_source`.
pub async fn add_tails(sock: &Path, statuses: &mut [ServiceStatus], timeout: Duration) {
    for s in statuses.iter_mut().filter(|s| s.is_exiting()) {
        match tail_output(sock, &s.unit, timeout).await {
            Ok((lines, source)) => {
                s.log_tail = lines;
                s.log_source = Some(source);
            }
            Err(why) => s.log_source = Some(tr!("host-rpc-output-unread", why = why)),
        }
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
    let mut complete = false;
    loop {
        match reader.read_event() {
            Err(e) => return Err(tr!("host-rpc-unparsable", error = e)),
            Ok(Event::Eof) => {
                // An answer cut short (MAX_ANSWER, a dropped connection) is not a full list.
                return if complete {
                    Ok(out)
                } else {
                    Err(tr!("host-rpc-cut-short"))
                };
            }
            Ok(Event::Empty(e)) if e.name().as_ref() == b"fault" => {
                return Err(tr!("host-rpc-fault"));
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
                    "name" => reading = Some(tag),
                    // A typed value: only its own text counts (not the space before it).
                    "string" | "int" | "i4" | "boolean" => {
                        value.clear();
                        reading = Some(tag);
                    }
                    "fault" => return Err(tr!("host-rpc-fault")),
                    _ => reading = None,
                }
            }
            // Text comes in pieces: plain runs, and entity references (`&amp;`, `&#38;`).
            Ok(Event::Text(t)) => {
                let text = t
                    .decode()
                    .map_err(|e| tr!("host-rpc-unparsable", error = e))?;
                push_text(reading.as_deref(), &text, &mut key, &mut value);
            }
            Ok(Event::CData(t)) => {
                let text = t
                    .decode()
                    .map_err(|e| tr!("host-rpc-unparsable", error = e))?;
                push_text(reading.as_deref(), &text, &mut key, &mut value);
            }
            Ok(Event::GeneralRef(r)) => {
                let name = r
                    .decode()
                    .map_err(|e| tr!("host-rpc-unparsable", error = e))?;
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
                b"methodResponse" => complete = true,
                _ => {}
            },
            Ok(_) => {}
        }
    }
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
    let name = get("name").ok_or_else(|| tr!("host-rpc-no-name"))?;
    let group = get("group").unwrap_or(name);
    let unit = if group == name {
        name.to_string()
    } else {
        format!("{group}:{name}")
    };
    let statename = get("statename").unwrap_or("UNKNOWN");
    let exit_code = if statename == "EXITED" {
        int("exitstatus").and_then(|c| i32::try_from(c).ok())
    } else {
        None
    };
    let state = match supervisor_state(statename) {
        Some(ServiceState::Exited { .. }) => ServiceState::Exited { code: exit_code },
        Some(s) => s,
        None => return Err(tr!("host-rpc-unknown-state", state = statename)),
    };
    let running = statename == "RUNNING";
    let mut description = get("description").unwrap_or("").to_string();
    // Why supervisord could not start it at all (`can't find command …`), beside the state.
    if let Some(e) = get("spawnerr").map(str::trim).filter(|e| !e.is_empty())
        && !description.contains(e)
    {
        description = format!("{description} (spawnerr: {e})").trim().to_string();
    }
    Ok(ServiceStatus {
        sub_state: Some(statename.to_string()),
        pid: int("pid")
            .filter(|p| *p > 0)
            .and_then(|p| u32::try_from(p).ok()),
        uptime_secs: match (running, int("start"), int("now")) {
            (true, Some(start), Some(now)) => {
                now.checked_sub(start).and_then(|u| u64::try_from(u).ok())
            }
            _ => None,
        },
        exit_code,
        raw: format!("{unit} {statename} {description}")
            .trim()
            .to_string(),
        detail: description,
        ..ServiceStatus::new(&unit, &unit, Answered::Supervisor, state)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_from_the_config() {
        let conf = "[supervisord]\nlogfile=x\n\n[unix_http_server]\nfile=%(here)s/s.sock ; the socket\nchmod=0700\n";
        assert_eq!(
            socket_in(conf, Path::new("/etc/supervisor")),
            Some(PathBuf::from("/etc/supervisor/s.sock"))
        );
        // supervisorctl's own setting wins; `key: value`, `#` comments, keys in any case.
        let both = "[unix_http_server]\nfile=/run/server.sock\n[supervisorctl]\nServerURL: unix:///run/ctl.sock\t# ctl\n";
        assert_eq!(
            socket_in(both, Path::new("/")),
            Some(PathBuf::from("/run/ctl.sock"))
        );
        let inet = "[unix_http_server]\nfile=/run/s.sock\n[supervisorctl]\nserverurl=http://127.0.0.1:9001\n";
        assert_eq!(socket_in(inet, Path::new("/")), None);
        // SAFETY: tests in this module do not read this variable concurrently.
        unsafe { std::env::set_var("T502_SUPERVISOR_RUN", "/run/sv") };
        let env = "[unix_http_server] ; the server\nfile = %(ENV_T502_SUPERVISOR_RUN)s/s%%.sock\n";
        assert_eq!(
            socket_in(env, Path::new("/")),
            Some(PathBuf::from("/run/sv/s%.sock"))
        );
        assert_eq!(
            socket_in(
                "[unix_http_server]\nfile=%(ENV_T502_UNSET_X)s/s\n",
                Path::new("/")
            ),
            None
        );
        assert_eq!(
            socket_in("[unix_http_server]\nfile=run/s.sock\n", Path::new("/")),
            None
        );
        assert_eq!(
            socket_in(
                "[unix_http_server]\nfile=/a/%(program_name)s\n",
                Path::new("/")
            ),
            None
        );
        assert_eq!(
            socket_in(
                "[unix_http_server]\nfile=/run/s.sock\nusername=\n",
                Path::new("/")
            ),
            Some(PathBuf::from("/run/s.sock"))
        );
        let locked = "[unix_http_server]\nfile=/run/s.sock\nusername=admin\npassword=x\n";
        assert_eq!(socket_in(locked, Path::new("/")), None);
        assert_eq!(
            socket_in("[inet_http_server]\nport=9001\n", Path::new("/")),
            None
        );
    }

    #[test]
    fn a_tail_answer_gives_its_text_or_the_fault() {
        let ok = "<?xml version='1.0'?><methodResponse><params><param><value><array><data>\
                  <value><string>Error: listen EADDRINUSE: address already in use :::8000\n    at x &amp; y\n</string></value>\
                  <value><int>4096</int></value><value><boolean>1</boolean></value>\
                  </data></array></value></param></params></methodResponse>";
        assert_eq!(
            first_string(ok).expect("text"),
            "Error: listen EADDRINUSE: address already in use :::8000\n    at x & y\n"
        );
        let fault = "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>70</int></value></member>\
                     <member><name>faultString</name><value><string>NO_FILE: docservice</string></value></member></struct></value></fault></methodResponse>";
        assert!(
            first_string(fault)
                .expect_err("fault")
                .contains("NO_FILE: docservice")
        );
        assert!(first_string("<methodResponse>").is_err());
        let lines = tail_lines(&"x\n".repeat(40));
        assert_eq!(lines.len(), crate::host::services::TAIL_LINES);
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
        assert_eq!(s[1].state, ServiceState::Exited { code: Some(3) });
        assert_eq!((s[1].pid, s[1].exit_code), (None, Some(3)));
        assert_eq!(s[2].state, ServiceState::Failed);
        assert!(parse_all_process_info("<methodResponse><fault/></methodResponse>").is_err());
        // Cut short: not a full list.
        assert!(parse_all_process_info("<methodResponse><params><struct><member><name>x").is_err());
        let cut = &xml[..xml.len() - 30];
        assert!(parse_all_process_info(cut).is_err());
        // Space before a typed value, CDATA, an overflowing start time.
        let odd = format!(
            "<methodResponse><params><param><value><array><data>{}</data></array></value></param></params></methodResponse>",
            program(&[
                ("name", "\n  <string><![CDATA[web]]></string>"),
                ("statename", "\n <string>RUNNING</string>"),
                ("start", "<int>-9223372036854775808</int>"),
                ("now", "<int>9223372036854775807</int>"),
            ])
        );
        let s = parse_all_process_info(&odd).expect("parses");
        assert_eq!(
            (s[0].unit.as_str(), &s[0].state),
            ("web", &ServiceState::Active)
        );
        assert_eq!(s[0].uptime_secs, None);
    }
}
