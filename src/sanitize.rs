//! The one sanitiser for everything triage502 shows: text written to stdout/stderr, JSON and
//! the console. Log lines, server answers, process names and command output are written by
//! others (a client picks its request URI, Host header and the JWT it sends); printed raw they
//! could drive the admin's terminal (OSC 52 clipboard writes, title changes, screen clears),
//! hide or reorder text (`\r`, bidi overrides such as U+202E) or forge lines (`\n`).
//!
//! What is unsafe ([`is_unsafe`]): C0 controls, DEL, C1 controls (U+0080–U+009F, e.g. U+009B
//! CSI), Unicode format characters (bidi embeddings, overrides and isolates, zero-width
//! spaces and joiners, BOM, tag characters, …), the line and paragraph separators and the
//! Hangul fillers. Each is shown visibly instead: `\n`, `\r`, `\t`, `\x1b` for the other C0
//! controls and DEL, `\u009b` / `\u202e` for the others (`\u{e0001}` above U+FFFF). A
//! backslash is left as it is: the visible forms are for a person, not a reversible encoding.
//!
//! The forms, one per kind of output, each applying [`crate::actions::redact::known`] first
//! (every known secret and every JWT masked):
//!
//! - [`field`]: one value on one line (a log entry's line, a table cell, a name, a reason):
//!   every unsafe character shown, `\n` and `\t` included, so a value can never start a line.
//! - [`text`]: a whole multi-line text output (`check`, `report --format md`, `host`): `\n`
//!   ends lines and `\t` is kept (it only moves the cursor right: it cannot erase, overwrite or
//!   start a line); everything else is shown. Values inside such a text that may hold a
//!   newline are passed through [`field`] by the renderer first.
//! - [`json`] / [`json_pretty`]: serde_json already writes C0 controls as `\u00XX`; the
//!   characters it leaves raw (DEL, C1, format characters) are written as `\uXXXX` escapes
//!   too. That keeps the JSON lossless (a parser reads back the same string) and keeps the
//!   terminal safe when JSON is read on one (`logs scan --format ndjson`).
//! - The console draws through ratatui, which drops C0/C1 controls but not format
//!   characters; it passes what it draws through [`field`] and scrubs its final buffer with
//!   [`is_unsafe`].

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a terminal as it is.
pub fn is_unsafe(c: char) -> bool {
    let u = c as u32;
    u < 0x20
        || (0x7f..=0x9f).contains(&u)
        || matches!(
            u,
            0xad                    // soft hyphen
            | 0x600..=0x605         // Arabic number signs
            | 0x61c                 // Arabic letter mark
            | 0x6dd | 0x70f
            | 0x890..=0x891 | 0x8e2
            | 0x115f | 0x1160       // Hangul fillers
            | 0x180e                // Mongolian vowel separator
            | 0x200b..=0x200f       // zero-width space/joiners, LRM, RLM
            | 0x2028..=0x202e       // line/paragraph separators, bidi embeddings and overrides
            | 0x2060..=0x2064       // word joiner, invisible operators
            | 0x2066..=0x206f       // bidi isolates, deprecated format characters
            | 0x3164                // Hangul filler
            | 0xfeff                // BOM / zero-width no-break space
            | 0xffa0                // halfwidth Hangul filler
            | 0xfff9..=0xfffb       // interlinear annotations
            | 0x110bd | 0x110cd
            | 0x13430..=0x1343f
            | 0x1bca0..=0x1bca3
            | 0x1d173..=0x1d17a
            | 0xe0001 | 0xe0020..=0xe007f // tag characters
        )
}

/// Appends the visible form of an unsafe character.
fn push_visible(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if (c as u32) <= 0xffff => {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

fn escape_with(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    let needs = |c: char| is_unsafe(c) && !keep(c);
    // Fast path: nothing to do (the common case; ASCII text is checked bytewise).
    let clean = if s.is_ascii() {
        !s.bytes().any(|b| needs(b as char))
    } else {
        !s.chars().any(needs)
    };
    if clean {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if needs(c) {
            push_visible(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Every unsafe character of `s` shown visibly, `\n`, `\r` and `\t` included (no redaction).
pub fn escape_field(s: &str) -> Cow<'_, str> {
    escape_with(s, |_| false)
}

/// Every unsafe character of `s` shown visibly except `\n` and `\t` (no redaction).
pub fn escape_text(s: &str) -> Cow<'_, str> {
    escape_with(s, |c| c == '\n' || c == '\t')
}

/// Serialized JSON with the characters serde_json leaves raw (DEL, C1 controls, format
/// characters) written as `\uXXXX` escapes; the JSON means the same.
pub fn escape_json(s: &str) -> Cow<'_, str> {
    // serde_json never leaves a C0 control raw in a string (those outside strings are the
    // pretty printer's newlines); anything else unsafe can only be inside a string, where a \u
    // escape stands for the same character.
    let raw = |c: char| c as u32 >= 0x7f && is_unsafe(c);
    let clean = if s.is_ascii() {
        !s.as_bytes().contains(&0x7f)
    } else {
        !s.chars().any(raw)
    };
    if clean {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if raw(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{:04x}", u);
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One value for one line of output: secrets and JWTs masked, every unsafe character shown
/// (`\n` as `\n`).
pub fn field(s: &str) -> String {
    let r = crate::actions::redact::known();
    escape_field(&r.redact_cow(s)).into_owned()
}

/// A whole text output: secrets and JWTs masked, lines and tabs kept, every other unsafe
/// character shown.
pub fn text(s: &str) -> String {
    let r = crate::actions::redact::known();
    escape_text(&r.redact_cow(s)).into_owned()
}

/// A value as one line of JSON: secrets and JWTs masked in every string, unsafe characters
/// escaped (see [`escape_json`]). Serialization errors become `{"error":"…"}`.
pub fn json<T: serde::Serialize + ?Sized>(v: &T) -> String {
    finish_json(serde_json::to_string(v))
}

/// [`json`], pretty-printed.
pub fn json_pretty<T: serde::Serialize + ?Sized>(v: &T) -> String {
    finish_json(serde_json::to_string_pretty(v))
}

fn finish_json(r: serde_json::Result<String>) -> String {
    match r {
        Ok(s) => {
            let r = crate::actions::redact::known();
            escape_json(&r.redact_cow(&s)).into_owned()
        }
        Err(e) => serde_json::json!({ "error": e.to_string() }).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NASTY: &str =
        "a\x1b]52;c;ZXZpbA==\x07b\x1b[2Jc\rd\u{202e}e\u{9b}31mf\ng\th\u{7f}\u{200b}\u{e0041}";

    #[test]
    fn field_shows_every_unsafe_character() {
        let f = escape_field(NASTY);
        assert_eq!(
            f,
            "a\\x1b]52;c;ZXZpbA==\\x07b\\x1b[2Jc\\rd\\u202ee\\u009b31mf\\ng\\th\\x7f\\u200b\\u{e0041}"
        );
        assert!(!f.chars().any(is_unsafe), "{f}");
        // Nothing to do: borrowed.
        assert!(matches!(escape_field("plain é ü 漢字 👩‍💻"), Cow::Owned(_)));
        assert!(matches!(escape_field("plain é ü 漢字"), Cow::Borrowed(_)));
        assert!(matches!(escape_field("GET /x HTTP/1.1"), Cow::Borrowed(_)));
    }

    #[test]
    fn text_keeps_lines_and_tabs_only() {
        let t = escape_text(NASTY);
        assert!(t.contains("f\ng\th"), "{t}");
        assert!(
            t.contains("\\x1b]52") && t.contains("\\r") && t.contains("\\u202e"),
            "{t}"
        );
        assert!(
            !t.chars().any(|c| is_unsafe(c) && c != '\n' && c != '\t'),
            "{t}"
        );
    }

    #[test]
    fn json_stays_lossless_and_safe() {
        let v = serde_json::json!({ "k": NASTY });
        let s = json(&v);
        assert!(!s.chars().any(is_unsafe), "{s}");
        assert!(!json_pretty(&v).chars().any(|c| is_unsafe(c) && c != '\n'));
        assert!(!s.as_bytes().contains(&0x1b) && !s.as_bytes().contains(&0x9b));
        let back: serde_json::Value = serde_json::from_str(&s).expect("still JSON");
        assert_eq!(back["k"], NASTY);
        let p = json_pretty(&v);
        assert!(p.contains('\n') && !p.contains('\u{202e}'));
    }

    #[test]
    fn outputs_mask_jwts() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJjIjoidmVyc2lvbiJ9.dGVzdHNpZ25hdHVyZQ";
        for out in [
            field(&format!("GET /x?token={jwt}")),
            text(&format!("a\n{jwt}\n")),
            json(&serde_json::json!({ "url": format!("/x?token={jwt}") })),
        ] {
            assert!(!out.contains("dGVzdHNpZ25hdHVyZQ"), "{out}");
            assert!(out.contains(crate::util::JWT_MASK), "{out}");
        }
    }
}
