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
