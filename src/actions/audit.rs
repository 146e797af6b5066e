//! The audit log: one JSON line per action run (refusals included), appended with `O_APPEND`
//! to `[actions] audit_log` or the default location; missing directories are created `0700`,
//! the file `0600`, through [`crate::fsafe::open_write`] (no symlink followed, refused in a
//! folder another user can write). Lines are redacted before they are written (see
//! [`super::redact`]): every string field, with every secret the process knows and every JWT
//! masked.
//!
//! A record is English whatever the language of the process that wrote it (`report --format
//! json` reads it back): its `detail` and the texts of its `verification` are English; what is
//! shown from a record says its status in the current language ([`AuditRecord::timeline_text`]).

use super::{ActionOutcome, RunStatus, Verification};
use crate::i18n::Lang;
use crate::tr;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// When the run ended (RFC 3339).
    pub time: DateTime<Utc>,
    /// Who: `$SUDO_USER`, else `$USER`, else `uid N`.
    pub user: String,
    /// Effective uid of triage502.
    pub uid: u32,
    /// Host name.
    pub host: String,
    /// Action id.
    pub action: String,
    /// argv of every command (as run, or as planned when refused).
    pub argv: Vec<Vec<String>>,
    /// `succeeded`, `failed`, `refused`, `timed_out`, `cancelled`.
    pub status: String,
    /// The status for a person (why refused, what failed), in English.
    pub detail: String,
    /// Exit code of the last command run.
    pub exit_code: Option<i32>,
    /// Duration of the commands, milliseconds.
    pub duration_ms: u64,
    /// Last output lines.
    pub output_tail: Vec<String>,
    /// Verification result (its texts in English).
    pub verification: Verification,
}

impl AuditRecord {
    /// The record of an outcome, stamped now; its `detail` in English (the runner passes the
    /// outcome with its texts in English).
    pub fn from_outcome(o: &ActionOutcome) -> Self {
        let uid = current_uid();
        AuditRecord {
            time: Utc::now(),
            user: user_name(uid),
            uid,
            host: hostname::get()
                .map(|h| h.to_string_lossy().into_owned())
                .unwrap_or_else(|_| "unknown".into()),
            action: o.id.clone(),
            argv: o.argv.clone(),
            status: o.status.word().into(),
            detail: o.status.describe_in(Lang::En),
            exit_code: o.exit_code,
            duration_ms: o.duration_ms,
            output_tail: o.output_tail.clone(),
            verification: o.verification.clone(),
        }
    }

    /// One line for the incident timeline, in the current language: the status said again from
    /// the record's `status` (the free text it carries stays English), the stored `detail` when
    /// it is not in the English wording of that status (a record of an older version).
    pub fn timeline_text(&self) -> String {
        let detail = RunStatus::from_record(&self.status, &self.detail, self.exit_code)
            .map_or_else(|| self.detail.clone(), |s| s.describe());
        tr!(
            "action-audit-timeline",
            id = self.action,
            user = self.user,
            detail = detail,
            verification = self.verification.describe()
        )
    }
}

fn current_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

fn user_name(uid: u32) -> String {
    ["SUDO_USER", "USER", "LOGNAME"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_else(|| format!("uid {uid}"))
}

/// The default audit log: `/var/log/triage502/audit.log` as root, else
/// `$XDG_STATE_HOME/triage502/audit.log`, else `~/.local/state/triage502/audit.log`.
pub fn default_audit_path() -> PathBuf {
    if crate::util::is_root() {
        return PathBuf::from("/var/log/triage502/audit.log");
    }
    if let Some(x) = std::env::var_os("XDG_STATE_HOME").filter(|x| !x.is_empty()) {
        return Path::new(&x).join("triage502/audit.log");
    }
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| ".".into());
    Path::new(&home).join(".local/state/triage502/audit.log")
}

/// Appends one record as a JSON line. The error is a sentence for the operator.
pub fn append(path: &Path, rec: &AuditRecord) -> Result<(), String> {
    // Every string of the record redacted with everything the process knows (the runner
    // redacted with the secrets known when it started; a secret learned since is masked too),
    // and characters a terminal would act on escaped (`tail -f audit.log` is read on one).
    let mut line = crate::sanitize::json(rec);
    line.push('\n');
    if let Some(dir) = path.parent() {
        crate::fsafe::create_missing_dirs(dir)?;
    }
    // No planted symlink or hard link followed, not in a folder another user can write.
    let mut f = crate::fsafe::open_write(path, crate::fsafe::WriteMode::Append, 0o600)?;
    // One write of the whole line: O_APPEND keeps concurrent writers' lines whole.
    f.write_all(line.as_bytes()).map_err(|e| {
        tr!(
            "action-audit-cannot-write",
            path = path.display(),
            error = e
        )
    })
}

/// The most of an audit log read: its last 8 MiB (tens of thousands of runs).
const MAX_READ: u64 = 8 << 20;

/// The records of an audit log's last [`MAX_READ`] bytes, oldest first; lines that do not
/// parse (and a line cut by the limit) are skipped, a missing file is an empty log.
pub fn read_audit(path: &Path) -> Vec<AuditRecord> {
    use std::io::{Read as _, Seek as _, SeekFrom};
    // Not blocking on a FIFO, refused when not a regular file (crate::fsafe).
    let Ok(mut f) = crate::fsafe::open_read(path, true) else {
        return Vec::new();
    };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let start = len.saturating_sub(MAX_READ);
    if f.seek(SeekFrom::Start(start)).is_err() {
        return Vec::new();
    }
    let mut text = Vec::new();
    if f.take(MAX_READ).read_to_end(&mut text).is_err() {
        return Vec::new();
    }
    if start > 0 {
        // The first line is cut: drop it.
        let cut = text
            .iter()
            .position(|b| *b == b'\n')
            .map_or(text.len(), |i| i + 1);
        text.drain(..cut);
    }
    String::from_utf8_lossy(&text)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::RunStatus;

    #[test]
    fn append_and_read_back_with_private_modes() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a/b/audit.log");
        let o = ActionOutcome {
            capture: None,
            id: "restart:x".into(),
            status: RunStatus::Refused {
                why: "read-only".into(),
            },
            exit_code: None,
            duration_ms: 0,
            argv: vec![vec!["systemctl".into(), "restart".into(), "x".into()]],
            output_tail: vec![],
            verification: Verification::NotVerified {
                why: "refused".into(),
            },
            audit: Err(String::new()),
        };
        append(&path, &AuditRecord::from_outcome(&o)).expect("append");
        append(&path, &AuditRecord::from_outcome(&o)).expect("append");
        let recs = read_audit(&path);
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].action, "restart:x");
        assert_eq!(recs[0].status, "refused");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let dmode = std::fs::metadata(dir.path().join("a/b"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(dmode & 0o777, 0o700);
        assert!(read_audit(&dir.path().join("none")).is_empty());
    }

    #[test]
    fn a_record_is_english_and_shown_in_the_current_language() {
        let _zh = crate::i18n::scoped(Lang::ZhCn);
        let o = ActionOutcome {
            capture: None,
            id: "restart:x".into(),
            status: RunStatus::TimedOut { after_ms: 500 },
            exit_code: None,
            duration_ms: 500,
            argv: vec![],
            output_tail: vec![],
            verification: Verification::Fixed,
            audit: Err(String::new()),
        };
        let mut rec = AuditRecord::from_outcome(&o);
        rec.user = "u".into();
        assert_eq!(rec.detail, "timed out after 500 ms and was killed");
        assert_eq!(
            rec.timeline_text(),
            "操作 restart:x（执行者 u）：500 ms 后超时，命令已被终止；已修复"
        );
        // The free part stays English; a detail in no known wording is shown as it is.
        rec.status = "refused".into();
        rec.detail = "refused: read-only\nline 2".into();
        rec.verification = Verification::NotVerified {
            why: "refused".into(),
        };
        assert_eq!(
            rec.timeline_text(),
            "操作 restart:x（执行者 u）：已拒绝：read-only\nline 2；未验证（refused）"
        );
        rec.detail = "已拒绝：x".into();
        assert!(rec.timeline_text().contains("：已拒绝：x；"));
        let _en = crate::i18n::scoped(Lang::En);
        rec.detail = "refused: x".into();
        assert_eq!(
            rec.timeline_text(),
            "action restart:x by u: refused: x; not verified (refused)"
        );
        // Every status said again from a record, as the record says it.
        for s in [
            RunStatus::Succeeded,
            RunStatus::Cancelled,
            RunStatus::TimedOut { after_ms: 7 },
            RunStatus::Refused { why: "a: b".into() },
            RunStatus::Failed {
                exit_code: Some(2),
                why: "`x` exited with code 2".into(),
            },
        ] {
            let back = RunStatus::from_record(s.word(), &s.describe_in(Lang::En), Some(2));
            assert_eq!(back.as_ref(), Some(&s));
        }
        assert_eq!(RunStatus::from_record("failed", "odd", None), None);
    }
}
