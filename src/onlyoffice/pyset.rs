//! A tolerant reader of simple Python assignments, enough for Seafile's `seahub_settings.py`:
//! `NAME = 'text'`, `"text"`, `r'text'`, `True`/`False`, numbers, with `#` comments. Later
//! assignments win (as in Python). A value that is not a literal (`os.environ.get(...)`, a
//! tuple, a dict) is kept as [`PyValue::Other`] so the report can say why it was not used.

use std::collections::BTreeMap;

/// A Python literal value of a top-level assignment.
#[derive(Debug, Clone, PartialEq)]
pub enum PyValue {
    /// A string literal.
    Str(String),
    /// `True` / `False`.
    Bool(bool),
    /// Anything else, as written (trimmed, shortened).
    Other(String),
}

impl PyValue {
    /// The string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            PyValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean value (`True`/`False`, or the strings "true"/"false").
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            PyValue::Bool(b) => Some(*b),
            PyValue::Str(s) => match s.to_ascii_lowercase().as_str() {
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                _ => None,
            },
            PyValue::Other(o) => match o.as_str() {
                "1" => Some(true),
                "0" => Some(false),
                _ => None,
            },
        }
    }
}

/// One assignment with its 1-based line.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The value.
    pub value: PyValue,
    /// Line of the (last) assignment.
    pub line: usize,
}

/// Parse a string literal at the start of `s`: returns the value and the rest.
fn string_literal(s: &str) -> Option<(String, &str)> {
    let (raw, s) = match s.strip_prefix(['r', 'R']) {
        Some(rest) if rest.starts_with(['\'', '"']) => (true, rest),
        _ => (false, s),
    };
    let q = s.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let body = &s[1..];
    let mut out = String::new();
    let mut it = body.char_indices();
    while let Some((i, c)) = it.next() {
        if c == q {
            return Some((out, &body[i + 1..]));
        }
        if c == '\\' && !raw {
            match it.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, n @ ('\\' | '\'' | '"'))) => out.push(n),
                Some((_, n)) => {
                    out.push('\\');
                    out.push(n);
                }
                None => return None,
            }
            continue;
        }
        out.push(c);
    }
    None
}

/// Read the top-level assignments.
pub fn parse(text: &str) -> BTreeMap<String, Assignment> {
    let mut out = BTreeMap::new();
    for (idx, line) in text.lines().enumerate() {
        // Only top-level statements (no indentation).
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((name, rest)) = line.split_once('=') else {
            continue;
        };
        let name = name.trim();
        if name.is_empty()
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            || rest.starts_with('=')
        {
            continue;
        }
        let rest = rest.trim();
        let value = if let Some((s, after)) = string_literal(rest) {
            let after = after.trim();
            if after.is_empty() || after.starts_with('#') {
                PyValue::Str(s)
            } else {
                PyValue::Other(crate::util::shorten(rest, 60))
            }
        } else {
            let bare = rest.split('#').next().unwrap_or("").trim();
            match bare {
                "True" => PyValue::Bool(true),
                "False" => PyValue::Bool(false),
                _ => PyValue::Other(crate::util::shorten(bare, 60)),
            }
        };
        out.insert(
            name.to_string(),
            Assignment {
                value,
                line: idx + 1,
            },
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_comments_and_last_wins() {
        let t = "# -*- coding: utf-8 -*-\nA = 'x'  # note\nB = \"y\\\"z\"\nC = True\nD = False # c\nE = os.environ.get('E')\nA = 'second'\n  F = 'indented'\nG = r'a\\b'\nH == 1\n";
        let m = parse(t);
        assert_eq!(m["A"].value, PyValue::Str("second".into()));
        assert_eq!(m["A"].line, 7);
        assert_eq!(m["B"].value, PyValue::Str("y\"z".into()));
        assert_eq!(m["C"].value.as_bool(), Some(true));
        assert_eq!(m["D"].value.as_bool(), Some(false));
        assert!(matches!(m["E"].value, PyValue::Other(_)));
        assert!(!m.contains_key("F"));
        assert_eq!(m["G"].value, PyValue::Str("a\\b".into()));
        assert!(!m.contains_key("H"));
    }
}
