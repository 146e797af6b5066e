//! Splitting a byte stream into physical lines, with a hard cap on line length.
//!
//! Shared by the scanner and the follower so that both cut lines exactly the same way (the
//! summary fast path and the full parser must count the same entries). A line longer than
//! [`MAX_LINE_BYTES`] is cut there and the rest of it, up to the next `\n`, is skipped; the
//! cut line is passed on with `cut = true`. A trailing `\r` is removed.

/// Longest physical line kept (nginx itself cuts at 2047 bytes; this only bounds memory).
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Push-based line splitter: feed it chunks, it calls back with complete lines.
#[derive(Debug, Default)]
pub struct LineSplitter {
    partial: Vec<u8>,
    /// The current line overflowed: skip bytes until the next newline.
    skipping: bool,
    /// Bytes consumed so far (offset of the next byte to be fed).
    consumed: u64,
}

impl LineSplitter {
    /// A new, empty splitter.
    pub fn new() -> Self {
        Self::default()
    }

    /// True when an incomplete line is held back waiting for its newline.
    pub fn has_partial(&self) -> bool {
        !self.partial.is_empty() || self.skipping
    }

    /// Total bytes fed so far.
    pub fn consumed(&self) -> u64 {
        self.consumed
    }

    /// Offset of the first byte not yet passed on as part of a complete line.
    pub fn complete_offset(&self) -> u64 {
        self.consumed - self.partial.len() as u64
    }

    /// Forget any partial line (after a truncation or a file switch).
    pub fn reset(&mut self) {
        self.partial.clear();
        self.skipping = false;
        self.consumed = 0;
    }

    /// Feed a chunk; `f(line, cut)` is called for every complete line.
    pub fn feed<F: FnMut(&[u8], bool)>(&mut self, mut data: &[u8], mut f: F) {
        self.consumed += data.len() as u64;
        while !data.is_empty() {
            match memchr::memchr(b'\n', data) {
                Some(nl) => {
                    let piece = &data[..nl];
                    data = &data[nl + 1..];
                    if self.skipping {
                        self.skipping = false;
                        let line = std::mem::take(&mut self.partial);
                        emit(&line, true, &mut f);
                        self.partial = line;
                        self.partial.clear();
                    } else if self.partial.is_empty() {
                        if piece.len() > MAX_LINE_BYTES {
                            emit(&piece[..MAX_LINE_BYTES], true, &mut f);
                        } else {
                            emit(piece, false, &mut f);
                        }
                    } else {
                        let room = MAX_LINE_BYTES.saturating_sub(self.partial.len());
                        let cut = piece.len() > room;
                        self.partial
                            .extend_from_slice(&piece[..piece.len().min(room)]);
                        let line = std::mem::take(&mut self.partial);
                        emit(&line, cut, &mut f);
                        self.partial = line;
                        self.partial.clear();
                    }
                }
                None => {
                    if !self.skipping {
                        let room = MAX_LINE_BYTES.saturating_sub(self.partial.len());
                        if data.len() > room {
                            self.partial.extend_from_slice(&data[..room]);
                            self.skipping = true;
                        } else {
                            self.partial.extend_from_slice(data);
                        }
                    }
                    data = &[];
                }
            }
        }
    }

    /// End of input: pass on the last line if it had no newline.
    pub fn finish<F: FnMut(&[u8], bool)>(&mut self, mut f: F) {
        if self.has_partial() {
            let line = std::mem::take(&mut self.partial);
            emit(&line, self.skipping, &mut f);
            self.skipping = false;
        }
    }
}

fn emit<F: FnMut(&[u8], bool)>(line: &[u8], cut: bool, f: &mut F) {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    f(line, cut)
}

/// Number of lines (newlines) in the first `end` bytes of `f`, read in bounded blocks: the
/// line number of what starts at `end` is this plus one. `None` when the file cannot be read.
pub fn count_lines(f: &std::fs::File, end: u64) -> Option<u64> {
    use std::os::unix::fs::FileExt;
    let mut store = vec![0u8; (1 << 20) + super::scan::PAGE];
    let buf = super::scan::page_aligned(&mut store, 1 << 20);
    let (mut at, mut n) = (0u64, 0u64);
    while at < end {
        let want = (end - at).min(buf.len() as u64) as usize;
        let got = f.read_at(&mut buf[..want], at).ok().filter(|g| *g > 0)?;
        n += memchr::memchr_iter(b'\n', &buf[..got]).count() as u64;
        at += got as u64;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_all(chunks: &[&[u8]]) -> Vec<(Vec<u8>, bool)> {
        let mut s = LineSplitter::new();
        let mut out = Vec::new();
        for c in chunks {
            s.feed(c, |l, cut| out.push((l.to_vec(), cut)));
        }
        s.finish(|l, cut| out.push((l.to_vec(), cut)));
        out
    }

    #[test]
    fn chunking_does_not_change_lines() {
        let text = b"a\r\nbb\n\nccc\nlast";
        let whole = split_all(&[text]);
        for cut in 0..text.len() {
            assert_eq!(
                split_all(&[&text[..cut], &text[cut..]]),
                whole,
                "cut at {cut}"
            );
        }
        assert_eq!(whole.len(), 5);
        assert_eq!(whole[0].0, b"a");
        assert_eq!(whole[4].0, b"last");
    }

    #[test]
    fn long_lines_are_cut_consistently() {
        let mut text = vec![b'x'; MAX_LINE_BYTES * 2 + 10];
        text.push(b'\n');
        text.extend_from_slice(b"next\n");
        let whole = split_all(&[&text]);
        let pieces: Vec<&[u8]> = text.chunks(1000).collect();
        assert_eq!(split_all(&pieces), whole);
        assert_eq!(whole.len(), 2);
        assert_eq!(whole[0].0.len(), MAX_LINE_BYTES);
        assert!(whole[0].1);
        assert_eq!(whole[1], (b"next".to_vec(), false));
    }
}
