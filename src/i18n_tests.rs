//! The catalogue's guarantees: both languages have the same ids and each id the same named
//! values; every file parses; every id the code asks for (`tr!("…")`, `tr_in!(…, "…")`)
//! exists in both; the language comes from the environment as POSIX orders it.

use super::*;
use fluent_syntax::ast;
use std::collections::{BTreeMap, BTreeSet};

#[test]
fn the_language_follows_lc_all_then_lc_messages_then_lang() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    };
    assert_eq!(Lang::from_env_with(env(&[])), Lang::En);
    assert_eq!(
        Lang::from_env_with(env(&[("LANG", "zh_CN.UTF-8"), ("LC_CTYPE", "C.UTF-8")])),
        Lang::ZhCn
    );
    assert_eq!(Lang::from_env_with(env(&[("LANG", "zh_CN")])), Lang::ZhCn);
    assert_eq!(Lang::from_env_with(env(&[("LANG", "zh")])), Lang::ZhCn);
    assert_eq!(
        Lang::from_env_with(env(&[("LANG", "zh_CN.UTF-8"), ("LC_MESSAGES", "C")])),
        Lang::En
    );
    assert_eq!(
        Lang::from_env_with(env(&[("LC_ALL", "zh_CN.UTF-8"), ("LC_MESSAGES", "C")])),
        Lang::ZhCn
    );
    // Empty values do not count, as POSIX says.
    assert_eq!(
        Lang::from_env_with(env(&[("LC_ALL", ""), ("LANG", "zh_CN.UTF-8")])),
        Lang::ZhCn
    );
    assert_eq!(
        Lang::from_env_with(env(&[("LANG", "en_US.UTF-8@euro")])),
        Lang::En
    );
    assert_eq!(Lang::parse("zh-CN"), Some(Lang::ZhCn));
    assert_eq!(Lang::parse("ZH_cn"), Some(Lang::ZhCn));
    assert_eq!(Lang::parse("en"), Some(Lang::En));
    assert_eq!(Lang::parse("fr"), None);
}

/// The variables a pattern refers to.
fn vars(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for e in &p.elements {
        if let ast::PatternElement::Placeable { expression } = e {
            expr(expression, out);
        }
    }
}

fn expr(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Inline(i) => inline(i, out),
        ast::Expression::Select { selector, variants } => {
            inline(selector, out);
            for v in variants {
                vars(&v.value, out);
            }
        }
    }
}

fn inline(i: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_string());
        }
        ast::InlineExpression::Placeable { expression } => expr(expression, out),
        _ => {}
    }
}

/// Each message of a file and the variables it uses; panics on a parse error.
fn messages(name: &str, lang: &str, src: &str) -> BTreeMap<String, BTreeSet<String>> {
    let res = fluent_syntax::parser::parse(src)
        .unwrap_or_else(|(_, e)| panic!("locales/{lang}/{name} does not parse: {e:?}"));
    let mut m = BTreeMap::new();
    for entry in &res.body {
        match entry {
            ast::Entry::Message(msg) => {
                let mut v = BTreeSet::new();
                let value = msg
                    .value
                    .as_ref()
                    .unwrap_or_else(|| panic!("{lang}/{name}: {} has no value", msg.id.name));
                vars(value, &mut v);
                assert!(
                    msg.attributes.is_empty(),
                    "{lang}/{name}: {}: use ids, not attributes",
                    msg.id.name
                );
                let dup = m.insert(msg.id.name.to_string(), v);
                assert!(dup.is_none(), "{lang}/{name}: {} twice", msg.id.name);
            }
            ast::Entry::Junk { content } => panic!("{lang}/{name}: junk {content:?}"),
            _ => {}
        }
    }
    m
}

/// Every id of both catalogues, English's with its variables.
fn catalogue() -> (
    BTreeMap<String, BTreeSet<String>>,
    BTreeMap<String, BTreeSet<String>>,
) {
    let mut en = BTreeMap::new();
    let mut zh = BTreeMap::new();
    for (name, e, z) in FILES {
        for (id, v) in messages(name, "en", e) {
            assert!(en.insert(id.clone(), v).is_none(), "{id} in two files");
        }
        for (id, v) in messages(name, "zh-CN", z) {
            assert!(zh.insert(id.clone(), v).is_none(), "{id} in two files");
        }
    }
    (en, zh)
}

#[test]
fn both_languages_have_the_same_ids_with_the_same_named_values() {
    let (en, zh) = catalogue();
    let only_en: Vec<&String> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
    let only_zh: Vec<&String> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(only_en.is_empty(), "missing in zh-CN: {only_en:?}");
    assert!(only_zh.is_empty(), "missing in en: {only_zh:?}");
    for (id, v) in &en {
        assert_eq!(v, &zh[id], "{id}: the values differ between en and zh-CN");
    }
    assert!(!en.is_empty());
}

/// The ids named by `tr!`/`tr_in!` in the sources.
fn ids_in_code() -> Vec<(String, String)> {
    let re = regex::Regex::new(r#"\btr(?:_in)?!\(\s*(?:[A-Za-z_:.()]+\s*,\s*)?"([^"]+)""#)
        .expect("regex");
    let mut out = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read src").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                // Comments name ids as examples: only code counts.
                let text: String = std::fs::read_to_string(&p)
                    .expect("read")
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .map(|l| format!("{l}\n"))
                    .collect();
                for c in re.captures_iter(&text) {
                    out.push((c[1].to_string(), p.display().to_string()));
                }
            }
        }
    }
    out
}

#[test]
fn every_id_the_code_asks_for_is_in_both_catalogues() {
    let (en, zh) = catalogue();
    let used = ids_in_code();
    assert!(!used.is_empty());
    for (id, file) in &used {
        assert!(en.contains_key(id), "{file}: {id} is not in locales/en");
        assert!(zh.contains_key(id), "{file}: {id} is not in locales/zh-CN");
    }
}

#[test]
fn values_are_placed_without_isolation_marks_and_missing_ids_fall_back() {
    let t = text(Lang::ZhCn, "status-fail", &[]);
    assert!(!t.is_empty() && t != "status-fail");
    assert!(!t.contains('\u{2068}') && !t.contains('\u{2069}'));
    assert_eq!(text(Lang::ZhCn, "no-such-id", &[]), "no-such-id");
}

/// Files (and folders: every `.rs` under them but test files) whose code, up to its first
/// `#[cfg(test)]`, holds no user-facing text: every phrase comes from the catalogue. A literal
/// that is not text for people (a log pattern to match, a header name) carries
/// `// i18n: not text` on its line or the line above. `I18N_SCAN=a.rs,b.rs` scans more files
/// (for work in progress). What is left unscanned: the lab (a test bench, English), `man`, and
/// what is not translated yet (see the README's Language section).
const SCANNED: &[&str] = &[
    "src/i18n.rs",
    "src/verdict.rs",
    "src/diagnose",
    "src/probe",
    "src/actions",
    "src/engine",
    "src/report",
    "src/tui",
    "src/cli.rs",
    "src/cli",
    "src/onlyoffice/render.rs",
    "src/watch/format.rs",
    "src/fleet/render.rs",
    "src/host",
    "src/logs",
    "src/config",
    "src/review",
    "src/discover",
    "src/fsafe.rs",
    "src/util.rs",
];

/// The `.rs` files of a scanned entry: the file, or every file under the folder except test
/// modules (`tests.rs`, `*_tests.rs`, `test_support.rs`, anything under a `tests` folder).
fn scanned_files(entry: &str) -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let p = root.join(entry);
    if !p.is_dir() {
        return vec![entry.to_string()];
    }
    let mut out = Vec::new();
    let mut stack = vec![p];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let f = e.path();
            let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if f.is_dir() {
                if name != "tests" && name != "snapshots" {
                    stack.push(f);
                }
            } else if name.ends_with(".rs")
                && !matches!(name, "tests.rs" | "test_support.rs")
                && !name.ends_with("_tests.rs")
            {
                let rel = f.strip_prefix(root).expect("under the root");
                out.push(rel.display().to_string());
            }
        }
    }
    out.sort();
    out
}

/// The string literals of Rust code, each with its line (1-based): comments skipped, char
/// literals skipped, escapes kept as written, raw strings read to their end.
pub(crate) fn literals(src: &str) -> Vec<(usize, String)> {
    let b = src.as_bytes();
    let (mut i, mut line, mut out) = (0, 1, Vec::new());
    while i < b.len() {
        match b[i] {
            b'\n' => line += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\'' => {
                // A char literal ('"', '\'', '\u{..}', 'é') is skipped; a lifetime is not one.
                if b.get(i + 1) == Some(&b'\\') {
                    if let Some(p) = b[i + 3..].iter().take(10).position(|&c| c == b'\'') {
                        i += 3 + p + 1;
                        continue;
                    }
                } else if let Some(c) = src[i + 1..].chars().next() {
                    let after = i + 1 + c.len_utf8();
                    if b.get(after) == Some(&b'\'') {
                        i = after + 1;
                        continue;
                    }
                }
            }
            b'r' if (b.get(i + 1) == Some(&b'#') || b.get(i + 1) == Some(&b'"'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + 1 + hashes) == Some(&b'"') {
                    let start = i + 2 + hashes;
                    let close: Vec<u8> = std::iter::once(b'"')
                        .chain(std::iter::repeat_n(b'#', hashes))
                        .collect();
                    let end = b[start..]
                        .windows(close.len())
                        .position(|w| w == close.as_slice())
                        .map_or(b.len(), |p| start + p);
                    let s = String::from_utf8_lossy(&b[start..end]).into_owned();
                    let at = line;
                    line += s.matches('\n').count();
                    out.push((at, s));
                    i = end + close.len();
                    continue;
                }
            }
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < b.len() && b[j] != b'"' {
                    if b[j] == b'\\' {
                        j += 1;
                    }
                    j += 1;
                }
                let s = String::from_utf8_lossy(&b[start..j.min(b.len())]).into_owned();
                let at = line;
                line += s.matches('\n').count();
                out.push((at, s));
                i = j + 1;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Whether a literal reads as words for people: two words in a row (placeholders and
/// escapes aside), or one capitalised word alone (a title, a label).
pub(crate) fn is_text(lit: &str) -> bool {
    let words = regex::Regex::new(r"[A-Za-z]{2,}[ ]+[A-Za-z]{2,}").expect("regex");
    let title = regex::Regex::new(r"^\s*[A-Z][a-z]{2,}[:.]?\s*$").expect("regex");
    let plain = regex::Regex::new(r"\{[^{}]*\}|\\[nt]")
        .expect("regex")
        .replace_all(lit, " ");
    words.is_match(&plain) || title.is_match(&plain)
}

/// The texts of one file's code: (line, literal).
pub(crate) fn texts_in(src: &str) -> Vec<(usize, String)> {
    let code: String = src
        .lines()
        .take_while(|l| l.trim() != "#[cfg(test)]")
        .map(|l| format!("{l}\n"))
        .collect();
    let lines: Vec<&str> = code.lines().collect();
    let marked = |n: usize| {
        [n.checked_sub(1), n.checked_sub(2)]
            .into_iter()
            .flatten()
            .filter_map(|k| lines.get(k))
            .any(|l| l.contains("// i18n: not text"))
    };
    literals(&code)
        .into_iter()
        .filter(|(n, s)| is_text(s) && !marked(*n))
        .collect()
}

#[test]
fn the_literal_reader_finds_strings_and_skips_comments_chars_and_lifetimes() {
    let src = "let a = \"two words\"; // \"in a comment\"\nlet c = '\"'; fn f<'a>(x: &'a str) {}\nlet r = r#\"raw \"quoted\" text\"#;\nlet e = \"esc \\\" q\";\n";
    let l = literals(src);
    let s: Vec<&str> = l.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(s, ["two words", "raw \"quoted\" text", "esc \\\" q"]);
    assert_eq!(l[1].0, 3);
    assert!(is_text("{name} is down: nothing listens on {}"));
    assert!(is_text("Findings"));
    assert!(!is_text("host:sockets"));
    assert!(!is_text("{} ({})"));
    assert!(!is_text("finding-service_down-title"));
    let marked = "fn f() {\n    // i18n: not text\n    m.contains(\"connection refused\");\n}\n";
    assert!(texts_in(marked).is_empty());
    let tests_after = "fn f() {}\n#[cfg(test)]\nmod tests { const X: &str = \"some words\"; }\n";
    assert!(texts_in(tests_after).is_empty());
    assert_eq!(texts_in("fn f() { g(\"some words\") }\n").len(), 1);
}

#[test]
fn no_user_text_outside_the_catalogue() {
    let extra = std::env::var("I18N_SCAN").unwrap_or_default();
    let files = SCANNED.iter().flat_map(|s| scanned_files(s)).chain(
        extra
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    );
    let mut bad = Vec::new();
    for f in files {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(&f);
        let src = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{f}: {e}"));
        for (n, s) in texts_in(&src) {
            bad.push(format!("{f}:{n}: {s:?}"));
        }
    }
    assert!(
        bad.is_empty(),
        "user-facing text outside the catalogue (use tr!, or mark `// i18n: not text`):\n{}",
        bad.join("\n")
    );
}
