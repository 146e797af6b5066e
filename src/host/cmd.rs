//! Running external tools (systemctl, supervisorctl, docker, nft, nginx, journalctl …) as argv,
//! never through a shell, each bounded by a timeout and killed when the timeout fires.
//!
//! Every failure is turned into an [`Unknown`] whose reason and hint can be shown to an operator
//! as they are: "nft not installed", "needs root: run with sudo", "supervisorctl timed out after 3 s".

use std::io::ErrorKind;
use std::process::Stdio;
use std::time::Duration;

use super::Unknown;

/// What a finished command produced. A non-zero exit code is not an error here: several tools
/// (supervisorctl, nginx -t) report useful text together with a failure code.
#[derive(Debug, Clone)]
pub struct Output {
    /// Exit code; `None` when the process was killed by a signal.
    pub code: Option<i32>,
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
}

impl Output {
    /// True when the command exited with code 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// The first non-empty line of stderr, or of stdout when stderr is empty (for messages).
    pub fn first_message(&self) -> String {
        self.stderr
            .lines()
            .chain(self.stdout.lines())
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("")
            .to_string()
    }
}

/// Human form of a duration for messages: "3 s", "500 ms".
pub fn human_duration(d: Duration) -> String {
    if d.as_millis().is_multiple_of(1000) {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// Runs `prefix + argv` with `LC_ALL=C`, stdin closed, and a timeout. The child is killed when
/// the timeout fires, with the processes it started (its own process group, see
/// [`crate::children::spawn`]). `prefix` lets a caller run the tool elsewhere, e.g.
/// `["ip", "netns", "exec", "NS"]`.
pub async fn run(prefix: &[String], argv: &[&str], timeout: Duration) -> Result<Output, Unknown> {
    let full: Vec<&str> = prefix
        .iter()
        .map(String::as_str)
        .chain(argv.iter().copied())
        .collect();
    let Some((program, args)) = full.split_first() else {
        return Err(Unknown::new("empty command line", None));
    };
    // The tool the operator cares about is the first of argv, not the prefix.
    let tool = argv.first().copied().unwrap_or(program);
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args)
        .env("LC_ALL", "C")
        .env("SYSTEMD_PAGER", "")
        .env("SYSTEMD_COLORS", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match crate::children::spawn(&mut cmd) {
        Ok(c) => c,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(Unknown::new(
                format!("{program} not installed (not found in PATH)"),
                None,
            ));
        }
        Err(e) if e.kind() == ErrorKind::PermissionDenied => {
            return Err(Unknown::new(
                format!("permission denied running {program}"),
                Some("needs root: run with sudo".into()),
            ));
        }
        Err(e) => return Err(Unknown::new(format!("cannot run {program}: {e}"), None)),
    };
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    let waited = async { tokio::try_join!(child.wait(), read_all(stdout), read_all(stderr)) };
    match tokio::time::timeout(timeout, waited).await {
        // `child`, dropped unreaped on return, kills the tool's process group.
        Err(_) => Err(Unknown::new(
            format!("{tool} timed out after {}", human_duration(timeout)),
            Some("the tool hangs or the box is overloaded; try again or raise the timeout".into()),
        )),
        Ok(Err(e)) => Err(Unknown::new(format!("{tool} failed: {e}"), None)),
        Ok(Ok((status, stdout, stderr))) => Ok(Output {
            code: status.code(),
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        }),
    }
}

/// All of a child's pipe (empty when there is none).
async fn read_all<R: tokio::io::AsyncRead + Unpin>(r: Option<R>) -> std::io::Result<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let mut v = Vec::new();
    if let Some(mut r) = r {
        r.read_to_end(&mut v).await?;
    }
    Ok(v)
}

/// True when `name` is an executable file somewhere in `PATH` (or an existing path when it
/// contains a slash).
pub fn in_path(name: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let is_exec = |p: &std::path::Path| {
        std::fs::metadata(p)
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    };
    if name.contains('/') {
        return is_exec(std::path::Path::new(name));
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/sbin:/usr/bin:/sbin:/bin".into());
    std::env::split_paths(&path).any(|d| is_exec(&d.join(name)))
}

/// True when the message looks like a permission problem (used to add the sudo hint).
pub fn looks_like_permission(msg: &str) -> bool {
    let m = msg.to_ascii_lowercase();
    m.contains("permission denied")
        || m.contains("operation not permitted")
        || m.contains("access denied")
        || m.contains("must be root")
        || m.contains("you need to be root")
        || m.contains("are you root")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn missing_tool_is_explained() {
        let e = run(&[], &["t502-no-such-tool"], Duration::from_secs(1))
            .await
            .unwrap_err();
        assert!(e.reason.contains("not installed"), "{e:?}");
    }

    #[tokio::test]
    async fn slow_tool_times_out_and_is_killed_with_its_children() {
        let dir = tempfile::tempdir().expect("test setup");
        let pidfile = dir.path().join("child.pid");
        let script = format!("sleep 30 & echo $! > {}; wait", pidfile.display());
        let start = std::time::Instant::now();
        let e = run(&[], &["sh", "-c", &script], Duration::from_millis(300))
            .await
            .unwrap_err();
        assert!(e.reason.contains("timed out after 300 ms"), "{e:?}");
        assert!(start.elapsed() < Duration::from_secs(5));
        let pid: i32 = std::fs::read_to_string(&pidfile)
            .expect("test setup")
            .trim()
            .parse()
            .expect("test setup");
        std::thread::sleep(Duration::from_millis(100));
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let gone = state.is_empty()
            || state
                .rsplit_once(')')
                .map(|(_, r)| r.trim_start().starts_with('Z'))
                .unwrap_or(true);
        assert!(gone, "grandchild sleep {pid} still alive: {state}");
    }

    #[tokio::test]
    async fn non_zero_exit_keeps_output() {
        let o = run(
            &[],
            &["sh", "-c", "echo out; echo err >&2; exit 3"],
            Duration::from_secs(2),
        )
        .await
        .expect("test setup");
        assert_eq!(o.code, Some(3));
        assert_eq!(o.stdout.trim(), "out");
        assert_eq!(o.first_message(), "err");
    }
}
