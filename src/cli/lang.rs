//! The command line's language: which one a run speaks ([`choose_language`]: English for a
//! machine output, else `--lang`, else the environment; the config's `lang` comes later), the
//! language of `--help` read from argv before parsing ([`help_language`]), and the clap command
//! with every about, help, possible value, heading and clap's own texts from the catalogue
//! ([`command_in`], ids by [`help_id`]).

use super::{CheckFormat, Cli, Command, LogsCommand, ReportFormat};
use crate::tr;
use clap::CommandFactory;

/// The language of the help, before parsing: `--lang X` (or `--lang=X`) anywhere before
/// `--`, else the environment. (The config's `lang` is read only after parsing.)
pub(super) fn help_language(args: &[std::ffi::OsString]) -> crate::i18n::Lang {
    use crate::i18n::Lang;
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut flag = None;
    for (i, a) in args.iter().enumerate() {
        if a == "--" {
            break;
        }
        if a == "--lang" {
            flag = args.get(i + 1).cloned();
        } else if let Some(v) = a.strip_prefix("--lang=") {
            flag = Some(v.to_string());
        }
    }
    flag.as_deref()
        .and_then(Lang::parse)
        .unwrap_or_else(Lang::from_env)
}

/// The catalogue id of a help text: `help-about` (the console), `help-check-about`,
/// `help-check-long-about`, `help-check-arg-format`, `help-check-arg-format-long`,
/// `help-host-arg-format-value-json` — the command path, then what.
pub(super) fn help_id(path: &str, what: &str) -> String {
    format!("help{path}-{what}")
}

/// The catalogue id of an argument's help (`what`: `arg-format`, `arg-format-long`,
/// `arg-format-value-json`) at `path` or, when only they have it, at the nearest of its
/// parents (`help-arg-config` serves every command's `--config` that says the same).
pub(super) fn arg_help_id(path: &str, what: &str) -> Option<String> {
    let mut p = path;
    loop {
        let id = help_id(p, what);
        if crate::i18n::text(crate::i18n::Lang::En, &id, &[]) != id {
            return Some(id);
        }
        p = &p[..p.rfind('-')?];
    }
}

/// A `&'static str` for clap's headings (its `Str` takes no `String` without a feature);
/// made once per run.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The command line with every help text in `lang` (English: as the doc comments say).
/// Every about, help and possible value's help comes from the catalogue by [`help_id`]; so do
/// clap's own texts (`--help`, `--version`, the `help` command, the headings, `[default: …]`,
/// `[possible values: …]`, `[env: …]`). The test `every_command_and_argument_has_its_help`
/// keeps the catalogue's English equal to the doc comments.
pub fn command_in(lang: crate::i18n::Lang) -> clap::Command {
    let mut cmd = Cli::command();
    if lang == crate::i18n::Lang::En {
        return cmd;
    }
    let t = |id: &str| crate::i18n::text(lang, id, &[]);
    let headings = Headings {
        options: leak(t("help-heading-options")),
        arguments: leak(t("help-heading-arguments")),
        commands: leak(t("help-heading-commands")),
        usage: t("help-heading-usage"),
    };
    localize_texts(&mut cmd, "", lang, &headings);
    // clap adds --help, --version and the `help` command when it builds.
    cmd.build();
    localize_builtins(&mut cmd, lang, &headings);
    cmd
}

/// clap's headings in the language.
struct Headings {
    options: &'static str,
    arguments: &'static str,
    commands: &'static str,
    usage: String,
}

/// The texts a command and its arguments define (before clap builds them: a global option is
/// translated where it is defined, and its copies in the subcommands follow).
fn localize_texts(cmd: &mut clap::Command, path: &str, lang: crate::i18n::Lang, h: &Headings) {
    // A text missing from the catalogue (the tests fail first) stays as clap has it.
    let t = |what: &str, en: &clap::builder::StyledStr| {
        let id = help_id(path, what);
        let x = crate::i18n::text(lang, &id, &[]);
        if x == id { en.to_string() } else { x }
    };
    let mut c = std::mem::take(cmd);
    if let Some(x) = c.get_about().map(|en| t("about", en)) {
        c = c.about(x);
    }
    if let Some(x) = c.get_long_about().map(|en| t("long-about", en)) {
        c = c.long_about(x);
    }
    // Every argument under a heading of ours: positional ones first, as clap's own headings.
    let options: Vec<String> = c
        .get_arguments()
        .filter(|a| !a.is_positional())
        .map(|a| a.get_id().to_string())
        .collect();
    for id in options {
        c = c.mut_arg(id, |a| a);
    }
    c = c.mut_args(|a| localize_arg(a, path, lang, h));
    for sub in c.get_subcommands_mut() {
        let p = format!("{path}-{}", sub.get_name());
        localize_texts(sub, &p, lang, h);
    }
    *cmd = c;
}

/// An argument's help, long help and possible values' help in the language; the default,
/// possible values and environment variable that clap would add in English, in the language.
fn localize_arg(a: clap::Arg, path: &str, lang: crate::i18n::Lang, h: &Headings) -> clap::Arg {
    let id = a.get_id().to_string();
    // A text missing from the catalogue (the tests fail first) stays as clap has it.
    let t = |what: &str, en: &clap::builder::StyledStr| {
        arg_help_id(path, &format!("arg-{id}{what}"))
            .map(|id| crate::i18n::text(lang, &id, &[]))
            .unwrap_or_else(|| en.to_string())
    };
    let help = a.get_help().map(|h| t("", h));
    let long = a.get_long_help().map(|h| t("-long", h));
    // A flag's `true`/`false` are not shown, as clap does not.
    let values = match a.get_action().takes_values() {
        true => a.get_possible_values(),
        false => Vec::new(),
    };
    let pv_help: Vec<(String, Option<String>)> = values
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| {
            let name = v.get_name().to_string();
            let help = v.get_help().map(|h| t(&format!("-value-{name}"), h));
            (name, help)
        })
        .collect();
    let (short_specs, long_specs) = specs(&a, &pv_help, lang);
    let heading = if a.is_positional() {
        h.arguments
    } else {
        h.options
    };
    let mut a = a.hide_env(true).help_heading(heading);
    if a.get_action().takes_values() {
        a = a.hide_default_value(true).hide_possible_values(true);
    }
    let join = |text: Option<String>, specs: &str, sep: &str| match (text, specs.is_empty()) {
        (Some(t), false) if !t.is_empty() => Some(format!("{t}{sep}{specs}")),
        (Some(t), true) => Some(t),
        (_, false) => Some(specs.to_string()),
        (None, true) => None,
    };
    if let Some(x) = join(help.clone(), &short_specs, " ") {
        a = a.help(x);
    }
    let has_long = long.is_some() || pv_help.iter().any(|(_, h)| h.is_some());
    if has_long && let Some(x) = join(long.or(help), &long_specs, "\n\n") {
        a = a.long_help(x);
    }
    a
}

/// `[default: …] [possible values: …]`, `[env: …]` as clap writes them after a help (short
/// form on the same line; long form below, possible values with their help one a line).
fn specs(
    a: &clap::Arg,
    values: &[(String, Option<String>)],
    lang: crate::i18n::Lang,
) -> (String, String) {
    use crate::i18n::text;
    let mut short = Vec::new();
    let mut long = Vec::new();
    if let Some(name) = a.get_env()
        && !a.is_hide_env_set()
    {
        let name = name.to_string_lossy().into_owned();
        let value = if a.is_hide_env_values_set() {
            String::new()
        } else {
            std::env::var_os(&name)
                .map(|v| format!("={}", v.to_string_lossy()))
                .unwrap_or_else(|| "=".to_string())
        };
        let s = text(lang, "help-env", &[("name", name), ("value", value)]);
        short.push(s.clone());
        long.push(s);
    }
    let takes_value = a.get_action().takes_values();
    if takes_value && !a.is_hide_default_value_set() && !a.get_default_values().is_empty() {
        let v = a
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        let s = text(lang, "help-default", &[("value", v)]);
        short.push(s.clone());
        long.push(s);
    }
    if !a.is_hide_possible_values_set() && !values.is_empty() {
        let names = values
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        short.push(text(
            lang,
            "help-possible-values",
            &[("values", names.clone())],
        ));
        if values.iter().any(|(_, h)| h.is_some()) {
            let w = values.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
            let mut list = text(lang, "help-possible-values-long", &[]);
            for (n, h) in values {
                match h {
                    Some(h) => list.push_str(&format!("\n- {n:<w$}  {h}")),
                    None => list.push_str(&format!("\n- {n}")),
                }
            }
            long.insert(0, list);
        } else {
            long.push(text(lang, "help-possible-values", &[("values", names)]));
        }
    }
    let long = match long.split_first() {
        Some((first, rest)) if first.contains('\n') => {
            format!("{first}\n\n{}", rest.join("\n"))
        }
        _ => long.join("\n"),
    };
    (short.join(" "), long.trim().to_string())
}

/// What clap added while building: `--help`, `--version`, the `help` command, and the
/// headings and usage line of every command.
fn localize_builtins(cmd: &mut clap::Command, lang: crate::i18n::Lang, h: &Headings) {
    let t = |id: &str| crate::i18n::text(lang, id, &[]);
    let mut c = std::mem::take(cmd);
    let is_help = c.get_name() == "help";
    c = c.mut_args(|a| match a.get_id().as_str() {
        "help" if a.get_long_help().is_some() => a
            .help(t("help-builtin-help-short"))
            .long_help(t("help-builtin-help-long"))
            .help_heading(h.options),
        "help" => a.help(t("help-builtin-help")).help_heading(h.options),
        "version" => a.help(t("help-builtin-version")).help_heading(h.options),
        "subcommand" if is_help => a
            .help(t("help-builtin-help-command-arg"))
            .help_heading(h.arguments),
        _ => a,
    });
    if is_help {
        c = c.about(t("help-builtin-help-command"));
    }
    // clap's default template with the usage heading in the language.
    let template = format!(
        "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
        h.usage
    );
    c = c
        .help_template(template)
        .subcommand_help_heading(h.commands);
    for sub in c.get_subcommands_mut() {
        localize_builtins(sub, lang, h);
    }
    *cmd = c;
}

/// Whether the command's output is for machines (JSON, NDJSON, Nagios): English whatever the
/// language.
pub(super) fn machine_output(cmd: Option<&Command>) -> bool {
    use crate::actions::cli::{ActionCommand, ListFormat};
    use crate::fleet::cli::FleetFormat;
    use crate::host::cli::Format as HostFormat;
    use crate::logs::cli::{FollowFormat, ScanFormat};
    match cmd {
        Some(Command::Check { format, .. }) => *format != CheckFormat::Text,
        Some(Command::Report { format, .. }) => *format == ReportFormat::Json,
        Some(Command::Review { format, .. }) => *format == HostFormat::Json,
        Some(Command::Host { args, .. }) => args.format == HostFormat::Json,
        Some(Command::Fleet(a)) => {
            matches!(a.format, Some(FleetFormat::Json | FleetFormat::Nagios))
        }
        Some(Command::Action {
            cmd: ActionCommand::List { format },
            ..
        }) => *format == ListFormat::Json,
        Some(Command::Logs {
            cmd: LogsCommand::Scan(a),
        }) => a.format != ScanFormat::Text,
        Some(Command::Logs {
            cmd: LogsCommand::Follow(a),
        }) => a.format != FollowFormat::Text,
        _ => false,
    }
}

/// Set the language: English for machine outputs, else `--lang`, else the environment (the
/// config's `lang` may still change it when it is loaded, unless `--lang` was given).
pub(super) fn choose_language(cli: &Cli) -> Result<(), String> {
    use crate::i18n::{self, Lang};
    // A machine output is English, also its usage errors.
    let machine = machine_output(cli.cmd.as_ref());
    if machine {
        i18n::pin(Lang::En);
    } else {
        i18n::set(Lang::from_env());
    }
    if let Some(l) = cli.global.lang.as_deref() {
        let l = Lang::parse(l).ok_or_else(|| tr!("cli-unknown-lang", lang = l))?;
        if !machine {
            i18n::pin(l);
        }
    }
    Ok(())
}
