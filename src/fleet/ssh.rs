//! One host asked over the system's OpenSSH client: the `ssh` command line (batch mode, a
//! connect timeout, connection reuse through a control socket in a private folder, host keys
//! checked as ssh does), the remote command (quoted for the remote shell, which ssh always
//! goes through), and a run bounded in time and bytes. Why a host could not be asked is read
//! from ssh's exit code and standard error ([`classify`]).

use super::{Failure, Reach, Target};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt};

/// The most bytes kept of ssh's standard error.
const MAX_STDERR: usize = 64 * 1024;

/// How `ssh` is run for every host.
#[derive(Debug, Clone)]
pub struct SshOptions {
    /// `-F FILE`.
    pub config: Option<PathBuf>,
    /// Extra `-o` options (after triage502's own).
    pub options: Vec<String>,
    /// `ConnectTimeout`.
    pub connect_timeout: Duration,
    /// The longest one host may take.
    pub timeout: Duration,
    /// The folder of the control sockets (0700, ours).
    pub control_dir: PathBuf,
    /// The `ssh` program.
    pub program: String,
}

/// `s` quoted for a POSIX shell: in single quotes, each `'` written `'\''`.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The command the remote shell runs: `env LC_ALL=C BINARY [--config FILE] check --format json`,
/// each word quoted.
pub fn remote_command(t: &Target) -> String {
    let mut words = vec![
        "env".to_string(),
        "LC_ALL=C".into(),
        quote(t.binary.as_deref().unwrap_or("triage502")),
    ];
    if let Some(c) = &t.config {
        words.push("--config".into());
        words.push(quote(c));
    }
    words.extend(["check", "--format", "json"].map(String::from));
    words.join(" ")
}

/// The options every connection gets; ssh keeps the first value of an option, so those
/// given later (the config's `ssh_options`, the `-F` file) cannot undo them.
fn own_options(o: &SshOptions) -> Vec<String> {
    vec![
        // No password or passphrase prompt, no host key question: a prompt would hang.
        "BatchMode=yes".into(),
        format!("ConnectTimeout={}", o.connect_timeout.as_secs().max(1)),
        // One connection per host, reused by the next round while it lasts.
        "ControlMaster=auto".into(),
        format!("ControlPath={}/%C", o.control_dir.display()),
        "ControlPersist=120".into(),
        "ServerAliveInterval=5".into(),
        "ServerAliveCountMax=3".into(),
        "LogLevel=ERROR".into(),
    ]
}

/// `ssh [-F FILE] -o OPTION...`: the start of every ssh command line.
fn options_argv(o: &SshOptions) -> Vec<String> {
    let mut v = vec![o.program.clone()];
    if let Some(f) = &o.config {
        v.push("-F".into());
        v.push(f.display().to_string());
    }
    for opt in own_options(o).into_iter().chain(o.options.iter().cloned()) {
        v.push("-o".into());
        v.push(opt);
    }
    v
}

/// The whole `ssh` argv for a host (the remote command last).
pub fn argv(o: &SshOptions, t: &Target) -> Vec<String> {
    let mut v = options_argv(o);
    // No terminal, no stdin, no forwarding of agent or X11.
    v.extend(["-T", "-n", "-a", "-x", "--"].map(String::from));
    v.push(t.destination.clone());
    v.push(remote_command(t));
    v
}

/// `ssh -O exit` for a host: ends its shared connection, if one is up.
pub fn exit_argv(o: &SshOptions, t: &Target) -> Vec<String> {
    let mut v = options_argv(o);
    v.extend(["-O", "exit", "--"].map(String::from));
    v.push(t.destination.clone());
    v
}

/// What a run of ssh gave.
#[derive(Debug, Default)]
pub struct Ran {
    /// Exit code (`None`: killed by a signal).
    pub code: Option<i32>,
    /// Standard output, at most `max` bytes.
    pub stdout: Vec<u8>,
    /// Standard error, at most [`MAX_STDERR`] bytes.
    pub stderr: Vec<u8>,
}

async fn read_capped<R: AsyncRead + Unpin>(r: Option<R>, cap: usize) -> (Vec<u8>, bool) {
    let Some(mut r) = r else {
        return (Vec::new(), false);
    };
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        match r.read(&mut chunk).await {
            Ok(0) | Err(_) => return (buf, false),
            Ok(n) if buf.len() + n > cap => {
                let room = cap - buf.len();
                buf.extend_from_slice(&chunk[..room]);
                return (buf, true);
            }
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Run `argv` (ssh) with stdin closed, `LC_ALL=C`, within `timeout`, keeping at most `max`
/// bytes of its output; a run past either bound is ended (its process group killed).
pub async fn run(argv: &[String], timeout: Duration, max: usize) -> Result<Ran, Failure> {
    let mut cmd =
        crate::host::cmd::command(argv).map_err(|u| Failure::new(Reach::Local, u.to_string()))?;
    cmd.env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = crate::children::spawn(&mut cmd).map_err(|e| {
        Failure::new(
            Reach::Local,
            format!(
                "cannot run {}: {}",
                argv.first().map(String::as_str).unwrap_or("ssh"),
                crate::util::io_error_text(&e)
            ),
        )
    })?;
    let (out, err) = (child.stdout.take(), child.stderr.take());
    let all = async {
        let ((stdout, big), (stderr, _)) =
            tokio::join!(read_capped(out, max), read_capped(err, MAX_STDERR));
        if big {
            return Err(Failure::new(
                Reach::BadAnswer,
                format!("its answer is larger than {} KiB: not read", max / 1024),
            ));
        }
        let status = child
            .wait()
            .await
            .map_err(|e| Failure::new(Reach::Local, format!("waiting for ssh: {e}")))?;
        Ok(Ran {
            code: status.code(),
            stdout,
            stderr,
        })
    };
    match tokio::time::timeout(timeout, all).await {
        Ok(r) => r,
        // `child`, dropped unreaped, kills ssh's process group.
        Err(_) => Err(Failure::new(
            Reach::Timeout,
            format!(
                "no answer within {} (connection or its check took too long)",
                crate::host::cmd::human_duration(timeout)
            ),
        )),
    }
}

/// The lines of ssh's standard error worth showing (warnings about added keys left out).
fn message(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Warning: Permanently added"))
        .collect();
    crate::util::shorten(&lines.join(" / "), 300)
}

/// Why a host could not be asked, from ssh's exit code and standard error. `None` when the
/// command ran there (exit 0–3: its answer is on stdout).
pub fn classify(code: Option<i32>, stderr: &[u8], binary: &str) -> Option<Failure> {
    let text = String::from_utf8_lossy(stderr);
    let msg = message(&text);
    let low = text.to_ascii_lowercase();
    let has = |s: &str| low.contains(s);
    let f = |k: Reach, why: String| Some(Failure::new(k, why));
    match code {
        Some(255) => {
            let kind = if has("could not resolve hostname") || has("name or service not known") {
                Reach::Dns
            } else if has("connection refused") {
                Reach::Refused
            } else if has("timed out") {
                Reach::Timeout
            } else if has("no route to host") || has("network is unreachable") {
                Reach::Unreachable
            } else if has("host key verification failed")
                || has("remote host identification has changed")
                || has("host key is known for")
            {
                Reach::HostKey
            } else if has("permission denied") || has("too many authentication failures") {
                Reach::Auth
            } else if has("connection closed") || has("connection reset") || has("kex_exchange") {
                Reach::Closed
            } else {
                Reach::Other
            };
            let shown = if msg.is_empty() {
                "ssh failed (exit 255) and said nothing".into()
            } else {
                msg
            };
            f(kind, shown)
        }
        Some(127) => f(
            Reach::Missing,
            format!("triage502 not found there as '{binary}' (exit 127): {msg}"),
        ),
        Some(126) => f(
            Reach::Missing,
            format!("'{binary}' there cannot be run (exit 126): {msg}"),
        ),
        Some(0..=3) => None,
        Some(c) => f(
            Reach::Other,
            format!("the command there failed (exit {c}): {msg}"),
        ),
        None => f(Reach::Other, "ssh was killed by a signal".into()),
    }
}

/// Whether a usage error of the remote triage502 means it is too old for `fleet`.
pub fn too_old_usage(stderr: &[u8]) -> bool {
    let t = String::from_utf8_lossy(stderr);
    t.contains("unrecognized subcommand")
        || t.contains("unexpected argument")
        || t.contains("invalid value")
}

/// A private folder of ours for the control sockets: created 0700 under
/// `$XDG_RUNTIME_DIR` or `/tmp` with a random name (never one that exists), removed with
/// [`ControlDir::remove`]. Short, since a socket path has at most 107 bytes.
#[derive(Debug)]
pub struct ControlDir(pub PathBuf);

impl ControlDir {
    /// Create it.
    pub fn create() -> Result<ControlDir, String> {
        use std::os::unix::fs::DirBuilderExt;
        let base = std::env::var_os("XDG_RUNTIME_DIR")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute() && p.is_dir() && p.as_os_str().len() < 40)
            .unwrap_or_else(|| PathBuf::from("/tmp"));
        for _ in 0..8 {
            let mut r = [0u8; 6];
            getrandom::fill(&mut r).map_err(|e| format!("no random bytes: {e}"))?;
            let name: String = r.iter().map(|b| format!("{b:02x}")).collect();
            let dir = base.join(format!("t502-ssh-{name}"));
            match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
                Ok(()) => {
                    crate::fsafe::check_private_dir(&dir)?;
                    return Ok(ControlDir(dir));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(format!(
                        "cannot create a folder for ssh's control sockets in {}: {}",
                        base.display(),
                        crate::util::io_error_text(&e)
                    ));
                }
            }
        }
        Err("cannot find a free name for ssh's control socket folder".into())
    }

    /// Remove it and what is left in it.
    pub fn remove(&self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        Target {
            name: "b".into(),
            destination: "ops@b".into(),
            config: Some("/etc/t 'x'.toml".into()),
            binary: None,
        }
    }

    #[test]
    fn remote_words_are_quoted_for_the_remote_shell() {
        assert_eq!(
            remote_command(&target()),
            r#"env LC_ALL=C 'triage502' --config '/etc/t '\''x'\''.toml' check --format json"#
        );
    }

    #[test]
    fn batch_mode_and_reuse_come_first_and_the_destination_after_dashdash() {
        let o = SshOptions {
            config: Some("/x/ssh_config".into()),
            options: vec!["BatchMode=no".into(), "Port=2222".into()],
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            control_dir: "/run/t".into(),
            program: "ssh".into(),
        };
        let a = argv(&o, &target());
        let pos = |s: &str| a.iter().position(|x| x == s).unwrap_or(usize::MAX);
        assert!(pos("BatchMode=yes") < pos("BatchMode=no"));
        assert!(a.contains(&"ControlPath=/run/t/%C".to_string()));
        assert!(!a.iter().any(|x| x.contains("StrictHostKeyChecking")));
        assert_eq!(a[pos("--") + 1], "ops@b");
        assert_eq!(a[1..3], ["-F".to_string(), "/x/ssh_config".into()]);
    }

    #[test]
    fn ssh_failures_are_named() {
        let k = |code, s: &str| classify(Some(code), s.as_bytes(), "triage502").map(|f| f.kind);
        assert_eq!(
            k(
                255,
                "ssh: Could not resolve hostname nope.invalid: Name or service not known\r\n"
            ),
            Some(Reach::Dns)
        );
        assert_eq!(
            k(
                255,
                "ssh: connect to host 10.0.0.2 port 22: Connection refused\r\n"
            ),
            Some(Reach::Refused)
        );
        assert_eq!(
            k(
                255,
                "ssh: connect to host 10.0.0.2 port 22: Connection timed out\r\n"
            ),
            Some(Reach::Timeout)
        );
        assert_eq!(
            k(255, "root@10.0.0.2: Permission denied (publickey).\r\n"),
            Some(Reach::Auth)
        );
        assert_eq!(
            k(
                255,
                "No ED25519 host key is known for 10.0.0.2 and you have requested strict checking.\r\nHost key verification failed.\r\n"
            ),
            Some(Reach::HostKey)
        );
        assert_eq!(
            k(127, "env: 'triage502': No such file or directory\n"),
            Some(Reach::Missing)
        );
        assert_eq!(k(2, ""), None);
    }
}
