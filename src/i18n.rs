//! The message catalogue: every user-facing text in English and Simplified Chinese, as Fluent
//! files under `locales/<lang>/` (compiled in; `locales/GLOSSARY.md` holds the terms the
//! Chinese texts use). Code asks for a text by id with named values — `tr!("keybar-quit")`,
//! `tr!("finding-service_down-title", name = svc, target = t)` — never by concatenating
//! pieces, so a translation may put the values where its grammar wants them.
//!
//! The language is one process-wide setting ([`set`]): `--lang`, else `lang = "…"` in the
//! config, else `LC_ALL` / `LC_MESSAGES` / `LANG` read by this program itself (no generated
//! system locale is needed). Machine outputs (`--format json`, `--format nagios`) are always
//! English: their commands set [`Lang::En`] before building anything. A text missing in
//! Chinese falls back to English; a missing id shows as the id (the tests in
//! `src/i18n_tests.rs` fail first: both catalogues have the same ids and values, and every id
//! the code names exists).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Lang {
    /// English (machine outputs always).
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Lang {
    /// Both, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// The tag (`en`, `zh-CN`).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// Parse `--lang` / `lang =`: `en`, `zh-CN` (also `zh`, `zh_CN`, any case).
    pub fn parse(s: &str) -> Option<Lang> {
        let l = s.trim().to_ascii_lowercase().replace('_', "-");
        match l.as_str() {
            "en" | "en-us" | "en-gb" | "c" | "posix" => Some(Lang::En),
            "zh" | "zh-cn" | "zh-hans" | "zh-hans-cn" | "zh-sg" => Some(Lang::ZhCn),
            _ => None,
        }
    }

    /// The language a POSIX locale value asks for (`zh_CN.UTF-8`, `zh_CN`, `zh`, `C.UTF-8`,
    /// `en_US.UTF-8@euro`): Chinese for any `zh…`, else English.
    pub fn of_locale(v: &str) -> Lang {
        let base = v
            .split(['.', '@'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if base == "zh" || base.starts_with("zh_") || base.starts_with("zh-") {
            Lang::ZhCn
        } else {
            Lang::En
        }
    }

    /// The language of the environment: the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that
    /// is set and not empty decides (as POSIX orders them); none: English.
    pub fn from_env_with(get: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| get(k).filter(|v| !v.is_empty()))
            .map(|v| Lang::of_locale(&v))
            .unwrap_or(Lang::En)
    }

    /// [`Lang::from_env_with`] on this process's environment.
    pub fn from_env() -> Lang {
        Lang::from_env_with(|k| std::env::var(k).ok())
    }
}

/// The catalogue files: (name, English, Chinese). A file exists in both languages or in none.
pub const FILES: &[(&str, &str, &str)] = &[
    (
        "ui.ftl",
        include_str!("../locales/en/ui.ftl"),
        include_str!("../locales/zh-CN/ui.ftl"),
    ),
    (
        "findings.ftl",
        include_str!("../locales/en/findings.ftl"),
        include_str!("../locales/zh-CN/findings.ftl"),
    ),
    (
        "cli.ftl",
        include_str!("../locales/en/cli.ftl"),
        include_str!("../locales/zh-CN/cli.ftl"),
    ),
    (
        "findings-web.ftl",
        include_str!("../locales/en/findings-web.ftl"),
        include_str!("../locales/zh-CN/findings-web.ftl"),
    ),
    (
        "walk.ftl",
        include_str!("../locales/en/walk.ftl"),
        include_str!("../locales/zh-CN/walk.ftl"),
    ),
    (
        "actions.ftl",
        include_str!("../locales/en/actions.ftl"),
        include_str!("../locales/zh-CN/actions.ftl"),
    ),
    (
        "host.ftl",
        include_str!("../locales/en/host.ftl"),
        include_str!("../locales/zh-CN/host.ftl"),
    ),
    (
        "review.ftl",
        include_str!("../locales/en/review.ftl"),
        include_str!("../locales/zh-CN/review.ftl"),
    ),
    (
        "config.ftl",
        include_str!("../locales/en/config.ftl"),
        include_str!("../locales/zh-CN/config.ftl"),
    ),
    (
        "logs.ftl",
        include_str!("../locales/en/logs.ftl"),
        include_str!("../locales/zh-CN/logs.ftl"),
    ),
];

static CURRENT: AtomicU8 = AtomicU8::new(0);
/// Set by [`pin`]: the language no longer follows the config.
static PINNED: AtomicBool = AtomicBool::new(false);
/// One bundle per language, each parsed when first asked for: an English run never holds
/// the Chinese catalogue in memory.
static BUNDLES: [OnceLock<FluentBundle<FluentResource>>; 2] = [OnceLock::new(), OnceLock::new()];

thread_local! {
    /// This thread's language while a [`Scoped`] lives (tests render both languages side by
    /// side in one process).
    static OVERRIDE: std::cell::Cell<Option<Lang>> = const { std::cell::Cell::new(None) };
}

/// While it lives, this thread's texts are in one language, whatever [`set`] says.
pub struct Scoped(Option<Lang>);

/// Texts of this thread in `l` until the returned guard drops.
pub fn scoped(l: Lang) -> Scoped {
    Scoped(OVERRIDE.with(|o| o.replace(Some(l))))
}

impl Drop for Scoped {
    fn drop(&mut self) {
        OVERRIDE.with(|o| o.set(self.0));
    }
}

/// Set the language of every text from now on.
pub fn set(l: Lang) {
    CURRENT.store(l as u8, Ordering::Relaxed);
}

/// Set the language for good: `--lang`, or English for a machine output. [`set_default`]
/// (the config's `lang`) no longer changes it.
pub fn pin(l: Lang) {
    set(l);
    PINNED.store(true, Ordering::Relaxed);
}

/// Set the language unless it was pinned.
pub fn set_default(l: Lang) {
    if !PINNED.load(Ordering::Relaxed) {
        set(l);
    }
}

/// The language in effect.
pub fn current() -> Lang {
    if let Some(l) = OVERRIDE.with(|o| o.get()) {
        return l;
    }
    match CURRENT.load(Ordering::Relaxed) {
        1 => Lang::ZhCn,
        _ => Lang::En,
    }
}

fn bundle(l: Lang) -> FluentBundle<FluentResource> {
    let id = l.tag().parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // The output sanitiser would show Unicode isolation marks as escapes.
    b.set_use_isolating(false);
    for (_, en, zh) in FILES {
        let src = if l == Lang::En { en } else { zh };
        // A file with errors keeps what parses (the tests require none).
        let res = FluentResource::try_new(src.to_string()).unwrap_or_else(|(r, _)| r);
        let _ = b.add_resource(res);
    }
    b
}

fn bundle_of(l: Lang) -> &'static FluentBundle<FluentResource> {
    BUNDLES[l as usize].get_or_init(|| bundle(l))
}

fn format_in(l: Lang, id: &str, args: &FluentArgs) -> Option<String> {
    let b = bundle_of(l);
    let pattern = b.get_message(id)?.value()?;
    let mut errors = Vec::new();
    Some(
        b.format_pattern(pattern, Some(args), &mut errors)
            .into_owned(),
    )
}

/// The text `id` in `l` with the named values; English when `l` lacks it, the id itself when
/// neither has it.
pub fn text(l: Lang, id: &str, values: &[(&str, String)]) -> String {
    let mut args = FluentArgs::new();
    for (k, v) in values {
        args.set(*k, v.clone());
    }
    format_in(l, id, &args)
        .or_else(|| format_in(Lang::En, id, &args))
        .unwrap_or_else(|| id.to_string())
}

/// The text of a catalogue id in the current language, with named values:
/// `tr!("id")`, `tr!("id", name = value, …)` (values by `Display`).
#[macro_export]
macro_rules! tr {
    ($id:literal) => {
        $crate::i18n::text($crate::i18n::current(), $id, &[])
    };
    ($id:literal, $($k:ident = $v:expr),+ $(,)?) => {
        $crate::i18n::text(
            $crate::i18n::current(),
            $id,
            &[$((stringify!($k), ($v).to_string())),+],
        )
    };
}

/// The word of a state in the current language (`OK`/`正常` …); [`State::word`] stays
/// English for machine outputs.
pub fn state_word(s: crate::verdict::State) -> String {
    use crate::verdict::State;
    match s {
        State::Ok => tr!("status-ok"),
        State::Warn => tr!("status-warn"),
        State::Unknown => tr!("status-unknown"),
        State::Fail => tr!("status-fail"),
    }
}

/// [`tr!`] in a given language: `tr_in!(lang, "id", name = value, …)`.
#[macro_export]
macro_rules! tr_in {
    ($l:expr, $id:literal) => {
        $crate::i18n::text($l, $id, &[])
    };
    ($l:expr, $id:literal, $($k:ident = $v:expr),+ $(,)?) => {
        $crate::i18n::text($l, $id, &[$((stringify!($k), ($v).to_string())),+])
    };
}

#[cfg(test)]
#[path = "i18n_tests.rs"]
mod tests;
