//! The log follower's read buffer: kept between polls, small at rest, full size while reads
//! fill it. Kept rather than made at each poll: in a flood a poll follows every write, and a
//! new zeroed 256 KiB buffer each time (a large allocation) made glibc consolidate the
//! follower's freed small chunks — about a tenth of the console's CPU in a 50k lines/s flood
//! (perf, 2026-12-05). At rest it goes back to small, so an idle console holds 4 KiB per file.
//! Also the follower's positional reads and file identity.

/// Bytes of the previous read kept to recognise the file (its fingerprint).
pub(super) const FP_LEN: usize = 64;
/// The full-size read.
pub(super) const READ_BLOCK: usize = 256 * 1024;
/// The read buffer at rest.
const SMALL: usize = FP_LEN + 4096;
/// Empty polls in a row before the buffer goes back to small (about 2 s at rest; a flood has
/// empty polls too, woken by writes already read).
const IDLE_POLLS: u32 = 8;

/// See the module doc.
#[derive(Default)]
pub(super) struct ReadBuf {
    buf: Vec<u8>,
    idle: u32,
}

impl ReadBuf {
    /// The buffer for one poll: full size when `full` (the format is still to be detected
    /// from the first read), else at least small.
    pub(super) fn take(&mut self, full: bool) -> Vec<u8> {
        let mut b = std::mem::take(&mut self.buf);
        let want = if full { READ_BLOCK + FP_LEN } else { SMALL };
        if b.len() < want {
            b.resize(want, 0);
        }
        b
    }

    /// Grow `b` to full size after a read filled it.
    pub(super) fn grow(b: &mut Vec<u8>) {
        if b.len() < READ_BLOCK + FP_LEN {
            b.resize(READ_BLOCK + FP_LEN, 0);
        }
    }

    /// Back after a poll that read something (`read`) or not; `may_shrink` when the format is
    /// known (else the next poll needs full size again).
    pub(super) fn give_back(&mut self, mut b: Vec<u8>, read: bool, may_shrink: bool) {
        self.idle = if read { 0 } else { self.idle.saturating_add(1) };
        if self.idle >= IDLE_POLLS && may_shrink && b.len() > SMALL {
            b = vec![0u8; SMALL];
        }
        self.buf = b;
    }

    /// Whether the last polls read nothing long enough for the buffers to go back to small
    /// (the follower's records vector follows the same rule).
    pub(super) fn idle(&self) -> bool {
        self.idle >= IDLE_POLLS
    }
}

// triage502 runs on Linux (procfs, nftables): unix file ids and positional reads.
pub(super) fn file_id(m: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

/// Exactly `buf.len()` bytes at `at`.
pub(super) fn read_at(f: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    f.read_exact_at(buf, at)
}

/// Up to `buf.len()` bytes at `at`; how many.
pub(super) fn pread(f: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
    use std::os::unix::fs::FileExt;
    f.read_at(buf, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_while_reading_small_after_idle_polls() {
        let mut r = ReadBuf::default();
        let mut b = r.take(false);
        assert_eq!(b.len(), SMALL);
        ReadBuf::grow(&mut b);
        r.give_back(b, true, true);
        // A flood: the full buffer is reused, empty polls in between do not shrink it.
        for _ in 0..IDLE_POLLS - 1 {
            let b = r.take(false);
            assert_eq!(b.len(), READ_BLOCK + FP_LEN);
            r.give_back(b, false, true);
        }
        let b = r.take(false);
        assert_eq!(b.len(), READ_BLOCK + FP_LEN);
        r.give_back(b, false, true);
        // At rest: back to small.
        assert!(r.idle());
        assert_eq!(r.take(false).len(), SMALL);
    }

    #[test]
    fn format_unknown_keeps_full_size() {
        let mut r = ReadBuf::default();
        for _ in 0..IDLE_POLLS + 2 {
            let b = r.take(true);
            assert_eq!(b.len(), READ_BLOCK + FP_LEN);
            r.give_back(b, false, false);
        }
    }
}
