//! The last lines a service that keeps exiting wrote — why it exits — from its manager's
//! keeping: the unit's journal (`journalctl`), the container's log (`docker logs`); the
//! supervisor side is [`super::supervisor_rpc::add_tails`]. Bounded in lines and bytes, read
//! with the tools' timeout.

use super::cmd;
use super::services::ServiceStatus;
use crate::tr;
use std::time::Duration;

/// The most lines kept of a failing service's output ([`ServiceStatus::log_tail`]).
pub const TAIL_LINES: usize = 12;
/// The most bytes read of a failing service's output.
pub const TAIL_BYTES: usize = 4096;

/// The last `n` bytes of `s` at most, starting on a character boundary.
pub fn last_bytes(s: &str, n: usize) -> &str {
    let mut at = s.len().saturating_sub(n);
    while !s.is_char_boundary(at) {
        at += 1;
    }
    &s[at..]
}

/// The last [`TAIL_LINES`] non-empty lines of `text`, each cut to 300 characters.
pub fn tail_lines(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect();
    let from = lines.len().saturating_sub(TAIL_LINES);
    lines[from..]
        .iter()
        .map(|l| crate::util::shorten(l, 300))
        .collect()
}

/// `journalctl -u UNIT -n TAIL_LINES -o cat --no-pager -q` argv: the unit's last lines (its
/// stdout and stderr when it runs under systemd), the unit after `--unit=`.
pub fn journal_tail_argv(unit: &str) -> Vec<String> {
    vec![
        "journalctl".into(),
        format!("--unit={unit}"),
        "-n".into(),
        TAIL_LINES.to_string(),
        "-o".into(),
        "cat".into(),
        "--no-pager".into(),
        "-q".into(),
    ]
}

/// The unit's last journal lines, for a unit that keeps exiting.
pub async fn add_journal_tail(s: &mut ServiceStatus, timeout: Duration) {
    let argv = journal_tail_argv(&s.unit);
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    match cmd::run(&[], &argv, timeout).await {
        Ok(o) if o.success() => {
            s.log_tail = tail_lines(last_bytes(&o.stdout, TAIL_BYTES));
            s.log_source = Some(format!("journalctl -u {}", s.unit));
        }
        Ok(o) => {
            s.log_source = Some(tr!("host-tail-journal-unread", why = o.first_message()));
        }
        Err(u) => s.log_source = Some(tr!("host-tail-journal-unread", why = u.reason)),
    }
}

/// The container's last log lines (stdout and stderr both: node writes its errors to
/// stderr), for a container that keeps exiting.
pub async fn add_docker_tail(s: &mut ServiceStatus, container: &str, timeout: Duration) {
    let argv = ["docker", "logs", "--tail", "12", "--", container];
    match cmd::run(&[], &argv, timeout).await {
        Ok(o) if o.success() => {
            let both = format!("{}\n{}", o.stdout, o.stderr);
            s.log_tail = tail_lines(last_bytes(&both, TAIL_BYTES));
            // i18n: not text (the command it came from)
            s.log_source = Some(format!("docker logs {container}"));
        }
        Ok(o) => {
            s.log_source = Some(tr!("host-tail-docker-unread", why = o.first_message()));
        }
        Err(u) => s.log_source = Some(tr!("host-tail-docker-unread", why = u.reason)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tails_are_bounded_and_cut_on_characters() {
        let t = format!("{}é-last\n\n", "line\n".repeat(30));
        assert_eq!(last_bytes(&t, 8), "-last\n\n");
        // A cut inside the two bytes of é moves to the next character.
        assert_eq!(last_bytes("aé", 1), "");
        let lines = tail_lines(&t);
        assert_eq!(lines.len(), TAIL_LINES);
        assert_eq!(lines.last().map(String::as_str), Some("é-last"));
        assert_eq!(
            journal_tail_argv("ds-docservice")[1],
            "--unit=ds-docservice"
        );
    }
}
