//! A small, tolerant reader of PHP array literals, enough for Nextcloud's `config.php`
//! (`$CONFIG = array (...)` or `[...]`): single- and double-quoted strings with escapes,
//! `//`, `#` and `/* */` comments, booleans, numbers, nested arrays in both syntaxes.
//!
//! Anything else (constants, function calls such as `getenv('X')`) is kept as
//! [`PhpValue::Other`] with its text, so one odd entry never hides the others.

use std::collections::BTreeMap;

/// A PHP literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum PhpValue {
    /// A string.
    Str(String),
    /// `true` / `false`.
    Bool(bool),
    /// A number, as written.
    Num(String),
    /// `null`.
    Null,
    /// An array: keys as strings (integer keys in decimal).
    Array(BTreeMap<String, PhpValue>),
    /// Something that is not a literal (constant, call), as written.
    Other(String),
}

impl PhpValue {
    /// The value as a string (strings, and numbers as written).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            PhpValue::Str(s) | PhpValue::Num(s) => Some(s),
            _ => None,
        }
    }

    /// The value as a boolean: `true`/`false`, or the strings `"true"`/`"false"`/`"1"`/`"0"`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            PhpValue::Bool(b) => Some(*b),
            PhpValue::Str(s) | PhpValue::Num(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Some(true),
                "false" | "0" | "no" | "off" | "" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// An entry of an array.
    pub fn get(&self, key: &str) -> Option<&PhpValue> {
        match self {
            PhpValue::Array(m) => m.get(key),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Str(String),
    Word(String),
    Arrow,
    Open(char),
    Close(char),
    Comma,
    Other(char),
}

/// Tokens with the 1-based line each starts on.
fn tokenize(text: &str) -> Vec<(Tok, usize)> {
    let cs: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < cs.len() {
        let c = cs[i];
        let start_line = line;
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            '#' => {
                while i < cs.len() && cs[i] != '\n' {
                    i += 1;
                }
            }
            '/' if cs.get(i + 1) == Some(&'/') => {
                while i < cs.len() && cs[i] != '\n' {
                    i += 1;
                }
            }
            '/' if cs.get(i + 1) == Some(&'*') => {
                i += 2;
                while i < cs.len() && !(cs[i] == '*' && cs.get(i + 1) == Some(&'/')) {
                    if cs[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
                i += 2;
            }
            '\'' | '"' => {
                let q = c;
                let mut s = String::new();
                i += 1;
                while i < cs.len() && cs[i] != q {
                    let ch = cs[i];
                    if ch == '\n' {
                        line += 1;
                    }
                    if ch == '\\' && i + 1 < cs.len() {
                        let n = cs[i + 1];
                        let mapped = if q == '\'' {
                            match n {
                                '\'' | '\\' => Some(n),
                                _ => None,
                            }
                        } else {
                            match n {
                                '"' | '\\' | '$' => Some(n),
                                'n' => Some('\n'),
                                't' => Some('\t'),
                                'r' => Some('\r'),
                                _ => None,
                            }
                        };
                        match mapped {
                            Some(m) => {
                                s.push(m);
                                i += 2;
                            }
                            None => {
                                s.push('\\');
                                i += 1;
                            }
                        }
                        continue;
                    }
                    s.push(ch);
                    i += 1;
                }
                i += 1;
                out.push((Tok::Str(s), start_line));
            }
            '=' if cs.get(i + 1) == Some(&'>') => {
                out.push((Tok::Arrow, line));
                i += 2;
            }
            '(' | '[' => {
                out.push((Tok::Open(c), line));
                i += 1;
            }
            ')' | ']' => {
                out.push((Tok::Close(c), line));
                i += 1;
            }
            ',' => {
                out.push((Tok::Comma, line));
                i += 1;
            }
            c if c.is_alphanumeric() || c == '_' || c == '$' || c == '.' || c == '-' => {
                let mut w = String::new();
                while i < cs.len()
                    && (cs[i].is_alphanumeric()
                        || cs[i] == '_'
                        || cs[i] == '$'
                        || cs[i] == '.'
                        || (cs[i] == '-' && w.is_empty()))
                {
                    w.push(cs[i]);
                    i += 1;
                }
                if w.is_empty() {
                    out.push((Tok::Other(c), line));
                    i += 1;
                } else {
                    out.push((Tok::Word(w), start_line));
                }
            }
            _ => {
                out.push((Tok::Other(c), line));
                i += 1;
            }
        }
    }
    out
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn line(&self) -> usize {
        self.toks
            .get(self.pos)
            .or(self.toks.last())
            .map(|(_, l)| *l)
            .unwrap_or(1)
    }

    fn value(&mut self) -> Result<PhpValue, String> {
        let Some(t) = self.peek().cloned() else {
            return Err("unexpected end of file".into());
        };
        match t {
            Tok::Str(s) => {
                self.pos += 1;
                Ok(PhpValue::Str(s))
            }
            Tok::Open('[') => {
                self.pos += 1;
                self.array(']')
            }
            Tok::Word(w)
                if w.eq_ignore_ascii_case("array")
                    && self.toks.get(self.pos + 1).map(|x| &x.0) == Some(&Tok::Open('(')) =>
            {
                self.pos += 2;
                self.array(')')
            }
            Tok::Word(w) => {
                self.pos += 1;
                let lw = w.to_ascii_lowercase();
                Ok(match lw.as_str() {
                    "true" => PhpValue::Bool(true),
                    "false" => PhpValue::Bool(false),
                    "null" => PhpValue::Null,
                    _ if w
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_digit() || c == '-') =>
                    {
                        PhpValue::Num(w)
                    }
                    _ => {
                        // A constant or a call: skip a balanced argument list.
                        let mut text = w;
                        if self.peek() == Some(&Tok::Open('(')) {
                            text.push_str("(...)");
                            self.skip_balanced()?;
                        }
                        PhpValue::Other(text)
                    }
                })
            }
            Tok::Other(c) => {
                self.pos += 1;
                Ok(PhpValue::Other(c.to_string()))
            }
            other => Err(format!("unexpected {other:?}")),
        }
    }

    fn skip_balanced(&mut self) -> Result<(), String> {
        let mut depth = 0usize;
        while let Some(t) = self.peek() {
            match t {
                Tok::Open(_) => depth += 1,
                Tok::Close(_) => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.pos += 1;
                        return Ok(());
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        Err("unclosed parenthesis".into())
    }

    /// One value followed by anything up to `,` or the closing bracket (e.g. `'a' . 'b'`).
    fn element(&mut self) -> Result<PhpValue, String> {
        let mut v = self.value()?;
        while let Some(t) = self.peek() {
            match t {
                Tok::Comma | Tok::Close(_) | Tok::Arrow => break,
                Tok::Other('.') | Tok::Word(_) | Tok::Str(_) | Tok::Other(_) | Tok::Open(_) => {
                    // An expression such as concatenation: not a plain literal.
                    let _ = self.value()?;
                    v = PhpValue::Other("expression".into());
                }
            }
        }
        Ok(v)
    }

    fn array(&mut self, close: char) -> Result<PhpValue, String> {
        let mut map = BTreeMap::new();
        let mut next_index = 0u64;
        loop {
            match self.peek() {
                None => return Err(format!("array not closed with '{close}'")),
                Some(Tok::Close(c)) if *c == close => {
                    self.pos += 1;
                    return Ok(PhpValue::Array(map));
                }
                Some(Tok::Close(c)) => {
                    return Err(format!("'{c}' where '{close}' was expected"));
                }
                Some(Tok::Comma) => {
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            let first = self.element()?;
            if self.peek() == Some(&Tok::Arrow) {
                self.pos += 1;
                let v = self.element()?;
                let key = match &first {
                    PhpValue::Str(s) | PhpValue::Num(s) => s.clone(),
                    PhpValue::Bool(b) => u8::from(*b).to_string(),
                    other => format!("{other:?}"),
                };
                if let Ok(n) = key.parse::<u64>() {
                    next_index = next_index.max(n + 1);
                }
                map.insert(key, v);
            } else {
                map.insert(next_index.to_string(), first);
                next_index += 1;
            }
        }
    }
}

/// The result of reading a `config.php`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PhpConfig {
    /// The top-level `$CONFIG` array (empty when it could not be parsed).
    pub config: BTreeMap<String, PhpValue>,
    /// Why the file could not be read completely (with its line).
    pub problem: Option<String>,
}

impl PhpConfig {
    /// A top-level entry.
    pub fn get(&self, key: &str) -> Option<&PhpValue> {
        self.config.get(key)
    }
}

/// Read `$CONFIG = array(...)` / `[...]` from PHP text. When the whole array does not parse,
/// the entries `'onlyoffice' => ...` and top-level string entries found by scanning are kept,
/// and `problem` says what went wrong.
pub fn parse_config(text: &str) -> PhpConfig {
    let toks = tokenize(text);
    let mut p = Parser { toks, pos: 0 };
    let start = p
        .toks
        .iter()
        .position(|(t, _)| matches!(t, Tok::Word(w) if w == "$CONFIG"));
    let problem;
    if let Some(s) = start {
        // $CONFIG = <array>
        p.pos = s + 1;
        if p.peek() == Some(&Tok::Other('=')) {
            p.pos += 1;
        }
        match p.value() {
            Ok(PhpValue::Array(m)) => {
                return PhpConfig {
                    config: m,
                    problem: None,
                };
            }
            Ok(_) => problem = Some("$CONFIG is not an array".to_string()),
            Err(e) => problem = Some(format!("line {}: {e}", p.line())),
        }
    } else {
        problem = Some("no $CONFIG array found".to_string());
    }
    // Fallback: scan for `'key' => value` pairs anywhere and keep the ones that parse.
    let mut map = BTreeMap::new();
    let n = p.toks.len();
    let mut i = 0;
    while i + 1 < n {
        if let (Tok::Str(k), Tok::Arrow) = (&p.toks[i].0, &p.toks[i + 1].0) {
            let key = k.clone();
            p.pos = i + 2;
            if let Ok(v) = p.value() {
                map.entry(key).or_insert(v);
                i = p.pos;
                continue;
            }
        }
        i += 1;
    }
    PhpConfig {
        config: map,
        problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_array_syntaxes_quotes_escapes_comments() {
        let t = r#"<?php
// comment with 'quotes' => [
# another
/* block
   'onlyoffice' => 'no' */
$CONFIG = array (
  'instanceid' => 'oc1',
  "trusted_domains" => [0 => 'a', 'b'],
  'onlyoffice' => array (
    'jwt_secret' => 'it\'s "x" \\ y',
    "jwt_header" => "Auth\"X\$",
    'verify_peer_off' => TRUE,
    'n' => 5,
  ),
  'other' => getenv('X'),
  'cat' => 'a' . 'b',
);
"#;
        let c = parse_config(t);
        assert_eq!(c.problem, None);
        let oo = c.get("onlyoffice").expect("onlyoffice");
        assert_eq!(
            oo.get("jwt_secret").and_then(PhpValue::as_str),
            Some(r#"it's "x" \ y"#)
        );
        assert_eq!(
            oo.get("jwt_header").and_then(PhpValue::as_str),
            Some("Auth\"X$")
        );
        assert_eq!(
            oo.get("verify_peer_off").and_then(PhpValue::as_bool),
            Some(true)
        );
        assert_eq!(oo.get("n").and_then(PhpValue::as_str), Some("5"));
        let td = c.get("trusted_domains").expect("td");
        assert_eq!(td.get("1").and_then(PhpValue::as_str), Some("b"));
        assert!(matches!(c.get("other"), Some(PhpValue::Other(_))));
        assert!(matches!(c.get("cat"), Some(PhpValue::Other(_))));
    }

    #[test]
    fn broken_file_keeps_what_it_can() {
        let t = "<?php\n$CONFIG = [\n 'onlyoffice' => ['jwt_secret' => 'abc'],\n 'x' => (\n";
        let c = parse_config(t);
        assert!(c.problem.is_some());
        assert_eq!(
            c.get("onlyoffice")
                .and_then(|o| o.get("jwt_secret"))
                .and_then(PhpValue::as_str),
            Some("abc")
        );
        let none = parse_config("");
        assert!(none.problem.is_some());
        assert!(none.config.is_empty());
    }
}
