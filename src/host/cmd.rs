//! Running external tools (systemctl, supervisorctl, docker, nft, nginx, journalctl …) as argv,
//! never through a shell, each bounded by a timeout and killed when the timeout fires.
//!
//! Every failure is turned into an [`Unknown`] whose reason and hint can be shown to an operator
//! as they are: "nft not installed", "needs root: run with sudo", "supervisorctl timed out after 3 s".

use std::io::ErrorKind;
use std::process::Stdio;
use std::time::Duration;

use super::Unknown;
use crate::tr;

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
    let Some(&program) = full.first() else {
        return Err(Unknown::new(tr!("host-cmd-empty"), None));
    };
    // The tool the operator cares about is the first of argv, not the prefix.
    let tool = argv.first().copied().unwrap_or(program);
    let mut cmd = command(&full)?;
    cmd.env("LC_ALL", "C")
        .env("SYSTEMD_PAGER", "")
        .env("SYSTEMD_COLORS", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match crate::children::spawn(&mut cmd) {
        Ok(c) => c,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(Unknown::not_installed(program));
        }
        Err(e) if e.kind() == ErrorKind::PermissionDenied => {
            return Err(Unknown::new(
                tr!("host-cmd-permission", program = program),
                Some(tr!("host-hint-sudo")),
            ));
        }
        Err(e) => {
            return Err(Unknown::new(
                tr!("host-cmd-cannot-run", program = program, error = e),
                None,
            ));
        }
    };
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    let waited = async { tokio::try_join!(child.wait(), read_all(stdout), read_all(stderr)) };
    match tokio::time::timeout(timeout, waited).await {
        // `child`, dropped unreaped on return, kills the tool's process group.
        Err(_) => Err(Unknown::new(
            tr!(
                "host-cmd-timeout",
                tool = tool,
                after = human_duration(timeout)
            ),
            Some(tr!("host-cmd-timeout-hint")),
        )),
        Ok(Err(e)) => Err(Unknown::new(
            tr!("host-cmd-failed", tool = tool, error = e),
            None,
        )),
        Ok(Ok((status, stdout, stderr))) => Ok(Output {
            code: status.code(),
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        }),
    }
}

/// The one way triage502 builds a command that runs an external program (used by [`run`] and
/// by the action runner): the program is looked up in `PATH` here, and it — with, through the
/// wrappers `sudo`, `runuser`, `setpriv`, `env`, `nice` and `ip netns exec`, the program they
/// start, and for an interpreter (`php`, `python3`, `sh`, `bash`, `node`, `perl` …) the script it
/// runs — must be one that only root or the user it runs as can change
/// ([`crate::fsafe::check_trusted_as`]). A config, a running process or discovery may have
/// named it: triage502 runs as root on boxes where other users own files, and a program they
/// can replace would run their code as root. The command starts the absolute paths that were
/// checked (argv[0] keeps the name as given).
pub fn command<S: AsRef<str>>(argv: &[S]) -> Result<tokio::process::Command, Unknown> {
    let argv: Vec<&str> = argv.iter().map(AsRef::as_ref).collect();
    let resolved = vet(&argv)?;
    let Some((program, args)) = resolved.split_first() else {
        return Err(Unknown::new(tr!("host-cmd-empty"), None));
    };
    let mut cmd = tokio::process::Command::new(program);
    cmd.arg0(argv[0]).args(args);
    Ok(cmd)
}

/// The folders sudo and runuser search (sudo's default `secure_path`), after `PATH`, for a
/// program they start.
const SECURE_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The executable file `name` names: itself when it holds a slash, else the first executable
/// `name` in `PATH` (then in `extra`).
pub fn resolve(name: &str, extra: Option<&str>) -> Option<std::path::PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let is_exec = |p: &std::path::Path| {
        std::fs::metadata(p)
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    };
    if name.is_empty() {
        return None;
    }
    if name.contains('/') {
        let p = std::path::PathBuf::from(name);
        return is_exec(&p).then_some(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/sbin:/usr/bin:/sbin:/bin".into());
    std::env::split_paths(&path)
        .chain(extra.into_iter().flat_map(|e| std::env::split_paths(e)))
        .map(|d| {
            // An empty PATH entry is the current folder.
            if d.as_os_str().is_empty() {
                std::path::PathBuf::from(".").join(name)
            } else {
                d.join(name)
            }
        })
        .find(|p| is_exec(p))
}

/// The interpreter `base` (a program's file name) is, if any: `php8.2`, `python3.11` count.
fn interpreter(base: &str) -> Option<&'static str> {
    const KNOWN: [&str; 10] = [
        "php", "python", "sh", "bash", "dash", "zsh", "ksh", "node", "nodejs", "perl",
    ];
    KNOWN.into_iter().find(|i| {
        base.strip_prefix(i).is_some_and(|rest| {
            rest.is_empty()
                || rest == "-cli"
                || rest.chars().all(|c| c.is_ascii_digit() || c == '.')
        })
    })
}

/// What an interpreter runs: a script file (its index in `args`), code on its command line
/// (`sh -c`, `php -r`: written by whoever wrote the argv, already trusted), or nothing (it
/// reads its closed stdin).
#[derive(Debug, PartialEq, Eq)]
enum Script {
    File(usize),
    Inline,
    Nothing,
}

/// The script of `interp ARGS…` (see [`Script`]); an error for a form that runs code found
/// elsewhere (`python -m`, `php -f` without a file …).
fn script_of(interp: &str, args: &[&str]) -> Result<Script, String> {
    // (options whose value is the next argument, options that take code inline, options whose
    // value is the script)
    let (valued, inline, file): (&[&str], &[&str], &[&str]) = match interp {
        "php" => (
            &["-c", "-d", "-z", "-t", "-S"],
            &["-r", "-R", "-B", "-E"],
            &["-f", "-F"],
        ),
        "python" => (&["-W", "-X", "--check-hash-based-pycs"], &["-c"], &[]),
        "perl" => (&["-I", "-M", "-m", "-C", "-0", "-x"], &["-e", "-E"], &[]),
        "node" | "nodejs" => (
            &[
                "-r",
                "--require",
                "--import",
                "--loader",
                "--experimental-loader",
            ],
            &["-e", "--eval", "-p", "--print"],
            &[],
        ),
        // sh, bash, dash, zsh, ksh
        _ => (
            &["-o", "+o", "-O", "+O", "--rcfile", "--init-file"],
            &[],
            &[],
        ),
    };
    let shell = !matches!(interp, "php" | "python" | "perl" | "node" | "nodejs");
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if a == "--" {
            return Ok(if i + 1 < args.len() {
                Script::File(i + 1)
            } else {
                Script::Nothing
            });
        }
        if a == "-" {
            return Ok(Script::Nothing);
        }
        if !(a.starts_with('-') || (shell && a.starts_with('+'))) {
            return Ok(Script::File(i));
        }
        if inline.contains(&a) || (shell && !a.starts_with("--") && a.contains('c')) {
            return Ok(Script::Inline);
        }
        if interp == "python" && (a == "-m" || (a.starts_with("-m") && !a.starts_with("--"))) {
            return Err(tr!("host-cmd-python-module", interp = interp, option = a));
        }
        if file.contains(&a) {
            return if i + 1 < args.len() {
                Ok(Script::File(i + 1))
            } else {
                Err(tr!("host-cmd-no-file", interp = interp, option = a))
            };
        }
        if valued.contains(&a) {
            i += 1;
        }
        i += 1;
    }
    Ok(Script::Nothing)
}

/// How many leading arguments of a wrapper (`sudo`, `runuser`, …) belong to it, and the user
/// the wrapped program runs as (`None`: the same as the wrapper). `None` for a program that is
/// not a wrapper.
fn wrapper(base: &str, args: &[&str]) -> Option<(usize, Option<u32>)> {
    // (options whose value is the next argument, options naming the user)
    let (valued, user): (&[&str], &[&str]) = match base {
        "sudo" => (
            &[
                "-u",
                "--user",
                "-g",
                "--group",
                "-C",
                "--close-from",
                "-D",
                "--chdir",
                "-h",
                "--host",
                "-p",
                "--prompt",
                "-r",
                "--role",
                "-t",
                "--type",
                "-T",
                "--command-timeout",
                "-U",
                "--other-user",
            ],
            &["-u", "--user"],
        ),
        "runuser" => (
            &[
                "-u",
                "--user",
                "-g",
                "--group",
                "-G",
                "--supp-group",
                "-w",
                "--whitelist-environment",
                "-s",
                "--shell",
            ],
            &["-u", "--user"],
        ),
        "env" => (
            &["-u", "--unset", "-C", "--chdir", "-S", "--split-string"],
            &[],
        ),
        "nice" => (&["-n", "--adjustment"], &[]),
        "setpriv" => (&[], &[]),
        "ip" => {
            return (args.len() >= 3 && args[0] == "netns" && args[1] == "exec")
                .then_some((3, None));
        }
        _ => return None,
    };
    // sudo/runuser run the program as root unless told otherwise.
    let mut runs_as = matches!(base, "sudo" | "runuser").then_some(0);
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if a == "--" {
            i += 1;
            break;
        }
        if base == "env" && !a.starts_with('-') && a.contains('=') {
            i += 1;
            continue;
        }
        if !a.starts_with('-') {
            break;
        }
        let (opt, attached) = match a.split_once('=') {
            Some((o, v)) if a.starts_with("--") => (o, Some(v)),
            _ => (a, None),
        };
        let value = if let Some(v) = attached {
            Some(v.to_string())
        } else if valued.contains(&opt) {
            i += 1;
            args.get(i).map(|v| v.to_string())
        } else if base == "sudo" || base == "runuser" {
            // -uNAME
            opt.strip_prefix("-u")
                .filter(|v| !v.is_empty() && !opt.starts_with("--"))
                .map(str::to_string)
        } else {
            None
        };
        if base == "env" && (opt == "-S" || opt == "--split-string" || opt.starts_with("-S")) {
            // The program is inside one string: refuse rather than guess how env splits it.
            return Some((usize::MAX, None));
        }
        if base == "setpriv" && opt == "--reuid" {
            runs_as = Some(value.as_deref().and_then(crate::fsafe::uid_of).unwrap_or(0));
        }
        if (user.contains(&opt)
            || (opt.starts_with("-u") && !opt.starts_with("--") && base != "env"))
            && let Some(v) = value
        {
            // An unknown user is checked as root (the strictest).
            runs_as = Some(crate::fsafe::uid_of(&v).unwrap_or(0));
        }
        i += 1;
    }
    Some((i, runs_as))
}

/// Checks every program and script of `argv` (see [`command`]) and returns the argv with each
/// program replaced by the absolute path that was checked.
fn vet(argv: &[&str]) -> Result<Vec<String>, Unknown> {
    let mut out: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
    let mut at = 0;
    let mut runs_as = crate::fsafe::euid();
    let mut wrapped = false;
    let refuse = |why: String| Unknown::new(why, Some(tr!("host-cmd-untrusted-hint")));
    loop {
        let Some(&name) = argv.get(at) else {
            return Err(Unknown::new(tr!("host-cmd-empty"), None));
        };
        let Some(path) = resolve(name, wrapped.then_some(SECURE_PATH)) else {
            return Err(Unknown::not_installed(name));
        };
        crate::fsafe::check_trusted_as(&path, &tr!("host-cmd-what-program"), runs_as)
            .map_err(refuse)?;
        out[at] = path.to_string_lossy().into_owned();
        let base = path
            .file_name()
            .map(|b| b.to_string_lossy().into_owned())
            .unwrap_or_default();
        let args = &argv[at + 1..];
        if let Some(interp) = interpreter(&base) {
            match script_of(interp, args) {
                Ok(Script::File(i)) => {
                    let script = std::path::Path::new(args[i]);
                    crate::fsafe::check_trusted_as(script, &tr!("host-cmd-what-script"), runs_as)
                        .map_err(|e| refuse(tr!("host-cmd-run-by", error = e, name = name)))?;
                }
                Ok(Script::Inline | Script::Nothing) => {}
                Err(why) => return Err(refuse(tr!("host-cmd-refusing", name = name, why = why))),
            }
            return Ok(out);
        }
        match wrapper(&base, args) {
            Some((usize::MAX, _)) => {
                return Err(refuse(tr!("host-cmd-refusing-env-s", name = name)));
            }
            Some((n, user)) if at + 1 + n < argv.len() => {
                if let Some(u) = user {
                    runs_as = u;
                }
                at += 1 + n;
                wrapped = true;
            }
            _ => return Ok(out),
        }
    }
}

/// A child's pipe up to [`crate::limits::TOOL_OUTPUT_BYTES`] (empty when there is none); the
/// rest is read and thrown away, so the tool is not blocked on a full pipe and memory stays
/// bounded whatever it prints (`nginx -T` of a box with thousands of vhosts, a looping tool).
async fn read_all<R: tokio::io::AsyncRead + Unpin>(r: Option<R>) -> std::io::Result<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let mut v = Vec::new();
    if let Some(mut r) = r {
        (&mut r)
            .take(crate::limits::TOOL_OUTPUT_BYTES)
            .read_to_end(&mut v)
            .await?;
        tokio::io::copy(&mut r, &mut tokio::io::sink()).await?;
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

/// The English words that start every "could not check for lack of permission" reason.
/// Texts for people say it with `tr!("host-needs-root-because", message = …)`
/// ("needs root: …" / "需要 root：…"); this stays for callers that build their text in English.
// i18n: not text (the English marker; people read host-needs-root-because)
pub const NEEDS_ROOT: &str = "needs root";

/// The words of this program's own Chinese texts for a permission failure
/// (`host-cmd-permission`, `host-conf-read-denied`), so [`looks_like_permission`] knows them
/// in either language.
const PERMISSION_ZH: &str = "权限不足";

/// True when the message looks like a permission problem (used to add the sudo hint): the
/// tools' own words (they run with `LC_ALL=C`), or this program's own (see [`PERMISSION_ZH`]).
pub fn looks_like_permission(msg: &str) -> bool {
    let m = msg.to_ascii_lowercase();
    // i18n: not text (the tools' messages matched)
    m.contains("permission denied")
        // i18n: not text
        || m.contains("operation not permitted")
        // i18n: not text
        || m.contains("access denied")
        // i18n: not text
        || m.contains("must be root")
        // i18n: not text
        || m.contains("you need to be root")
        // i18n: not text
        || m.contains("are you root")
        || m.contains(PERMISSION_ZH)
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
    async fn a_missing_tool_is_told_apart_in_either_language() {
        for l in crate::i18n::Lang::ALL {
            let _l = crate::i18n::scoped(l);
            let e = run(&[], &["t502-no-such-tool"], Duration::from_secs(1))
                .await
                .unwrap_err();
            assert!(e.is_missing_tool(), "{e:?}");
            assert!(e.reason.contains("t502-no-such-tool"), "{e:?}");
        }
        let _zh = crate::i18n::scoped(crate::i18n::Lang::ZhCn);
        let e = run(&[], &["t502-no-such-tool"], Duration::from_secs(1))
            .await
            .unwrap_err();
        assert_eq!(e.reason, "未安装 t502-no-such-tool（PATH 中找不到）");
        assert!(!Unknown::new(e.reason.clone(), None).is_missing_tool());
    }

    #[test]
    fn own_permission_texts_look_like_permission_in_both_languages() {
        for l in crate::i18n::Lang::ALL {
            let run = crate::tr_in!(l, "host-cmd-permission", program = "nft");
            let read = crate::tr_in!(l, "host-conf-read-denied", path = "/etc/nginx/nginx.conf");
            assert!(looks_like_permission(&run), "{run}");
            assert!(looks_like_permission(&read), "{read}");
        }
        assert!(!looks_like_permission("未安装 nft（PATH 中找不到）"));
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
        // Killed with its group, the grandchild goes (or is a zombie) within moments.
        let state = || std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let gone = |s: &str| {
            s.is_empty()
                || s.rsplit_once(')')
                    .map(|(_, r)| r.trim_start().starts_with('Z'))
                    .unwrap_or(true)
        };
        let end = std::time::Instant::now() + Duration::from_secs(5);
        while !gone(&state()) && std::time::Instant::now() < end {
            std::thread::sleep(Duration::from_millis(10));
        }
        let s = state();
        assert!(gone(&s), "grandchild sleep {pid} still alive: {s}");
    }

    #[test]
    fn interpreters_and_their_scripts() {
        assert_eq!(interpreter("php8.2"), Some("php"));
        assert_eq!(interpreter("python3.11"), Some("python"));
        assert_eq!(interpreter("bash"), Some("bash"));
        assert_eq!(interpreter("phpize"), None);
        assert_eq!(interpreter("nginx"), None);
        assert_eq!(script_of("php", &["occ", "x"]), Ok(Script::File(0)));
        assert_eq!(
            script_of("php", &["-d", "memory_limit=1G", "-f", "occ"]),
            Ok(Script::File(3))
        );
        assert_eq!(script_of("php", &["-r", "echo 1;"]), Ok(Script::Inline));
        assert_eq!(script_of("sh", &["-ec", "true"]), Ok(Script::Inline));
        assert_eq!(script_of("sh", &["-e", "run.sh"]), Ok(Script::File(1)));
        assert_eq!(script_of("python", &["-c", "1"]), Ok(Script::Inline));
        assert!(script_of("python", &["-m", "http.server"]).is_err());
        assert_eq!(script_of("perl", &["--", "x.pl"]), Ok(Script::File(1)));
        assert_eq!(script_of("bash", &[]), Ok(Script::Nothing));
    }

    #[test]
    fn wrappers_say_where_the_program_starts_and_as_whom() {
        let nobody = crate::fsafe::uid_of("nobody");
        assert_eq!(
            wrapper("runuser", &["-u", "nobody", "--", "php", "occ"]),
            Some((3, nobody))
        );
        assert_eq!(
            wrapper("sudo", &["-n", "--", "systemctl", "restart"]),
            Some((2, Some(0)))
        );
        assert_eq!(wrapper("sudo", &["-unobody", "id"]), Some((1, nobody)));
        assert_eq!(
            wrapper("ip", &["netns", "exec", "ns1", "nft"]),
            Some((3, None))
        );
        assert_eq!(wrapper("env", &["A=1", "-u", "B", "prog"]), Some((3, None)));
        assert_eq!(
            wrapper("setpriv", &["--reuid=65534", "id"]),
            Some((1, Some(65534)))
        );
        assert_eq!(wrapper("systemctl", &["show"]), None);
    }

    #[tokio::test]
    async fn a_group_writable_program_is_refused_and_not_run() {
        use std::os::unix::fs::PermissionsExt as _;
        let d = tempfile::tempdir().expect("test setup");
        let marker = d.path().join("ran");
        let prog = d.path().join("prog");
        std::fs::write(&prog, format!("#!/bin/sh\ntouch {}\n", marker.display()))
            .expect("test setup");
        std::fs::set_permissions(&prog, std::fs::Permissions::from_mode(0o775))
            .expect("test setup");
        let p = prog.to_str().expect("utf8");
        let e = run(&[], &[p], Duration::from_secs(2)).await.unwrap_err();
        assert!(e.reason.contains("refusing program"), "{e:?}");
        assert!(e.reason.contains("writable by group or others"), "{e:?}");
        // Through sh as its script, and behind env: the same.
        let e = run(&[], &["sh", p], Duration::from_secs(2))
            .await
            .unwrap_err();
        assert!(e.reason.contains("refusing script"), "{e:?}");
        let e = run(&[], &["env", "A=1", p], Duration::from_secs(2))
            .await
            .unwrap_err();
        assert!(e.reason.contains("refusing program"), "{e:?}");
        assert!(!marker.exists());
        std::fs::set_permissions(&prog, std::fs::Permissions::from_mode(0o755))
            .expect("test setup");
        let o = run(&[], &[p], Duration::from_secs(2)).await.expect("runs");
        assert!(o.success() && marker.exists());
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
