//! `triage502 man`: one man page for the whole command line. clap_mangen writes the title,
//! NAME, SYNOPSIS, DESCRIPTION and OPTIONS of the console; its SUBCOMMANDS section would point
//! at `triage502-check(1)` and the like, pages that are never generated, so the commands are
//! written here instead, each with its options, in this same page.

use std::fmt::Write as _;

/// The man page of `cmd` (the top-level command) as roff.
pub fn render(cmd: clap::Command) -> Result<String, std::io::Error> {
    let mut cmd = cmd;
    cmd.build();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    man.render_description_section(&mut buf)?;
    man.render_options_section(&mut buf)?;
    let mut out = String::from_utf8_lossy(&buf).into_owned();
    out.push_str(".SH COMMANDS\n");
    for sub in visible(&cmd) {
        commands(&mut out, sub, cmd.get_name());
    }
    out.push_str(
        ".SH EXIT STATUS\n`check' exits 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for an unusable \
         configuration or a usage error); the other commands 0 on success.\n",
    );
    out.push_str(".SH FILES\n.TP\n/etc/triage502/config.toml, ~/.config/triage502/config.toml\nThe configuration (see \\fB\\-\\-config\\fR).\n");
    let mut ver = Vec::new();
    man.render_version_section(&mut ver)?;
    out.push_str(&String::from_utf8_lossy(&ver));
    Ok(out)
}

/// The subcommands a user can call (not hidden, not clap's `help`).
fn visible(cmd: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    cmd.get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
}

/// `.SS "triage502 lab up"`, its description and options, then its subcommands.
fn commands(out: &mut String, cmd: &clap::Command, parent: &str) {
    let path = format!("{parent} {}", cmd.get_name());
    let _ = writeln!(out, ".SS \"{}\"", escape(&path));
    if let Some(a) = cmd.get_long_about().or_else(|| cmd.get_about()) {
        for line in a.to_string().lines() {
            if line.trim().is_empty() {
                out.push_str(".PP\n");
            } else {
                let _ = writeln!(out, "{}", text_line(line));
            }
        }
    }
    let args: Vec<&clap::Arg> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set() && !["help", "version"].contains(&a.get_id().as_str()))
        .collect();
    for a in args {
        out.push_str(".TP\n");
        let _ = writeln!(out, "{}", arg_head(a));
        let mut help = a
            .get_long_help()
            .or_else(|| a.get_help())
            .map(|h| h.to_string())
            .unwrap_or_default();
        let values: Vec<String> = a
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        if !values.is_empty() {
            help.push_str(&format!(" [possible values: {}]", values.join(", ")));
        }
        let defaults: Vec<String> = a
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        if !defaults.is_empty() && a.get_action().takes_values() {
            help.push_str(&format!(" [default: {}]", defaults.join(", ")));
        }
        for line in help.lines() {
            let _ = writeln!(out, "{}", text_line(line));
        }
    }
    for sub in visible(cmd) {
        commands(out, sub, &path);
    }
}

/// `\fB\-\-format\fR \fIFORMAT\fR`, or `\fIFILE\fR...` for a positional argument.
fn arg_head(a: &clap::Arg) -> String {
    let value = a
        .get_value_names()
        .map(|v| {
            v.iter()
                .map(|n| format!("\\fI{}\\fR", escape(n.as_str())))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| format!("\\fI{}\\fR", escape(&a.get_id().as_str().to_uppercase())));
    if a.is_positional() {
        let many = matches!(a.get_num_args(), Some(r) if r.max_values() > 1);
        return format!("{value}{}", if many { "..." } else { "" });
    }
    let mut names = Vec::new();
    if let Some(s) = a.get_short() {
        names.push(format!("\\fB\\-{}\\fR", escape(&s.to_string())));
    }
    if let Some(l) = a.get_long() {
        names.push(format!("\\fB\\-\\-{}\\fR", escape(l)));
    }
    let head = names.join(", ");
    if a.get_action().takes_values() {
        format!("{head} {value}")
    } else {
        head
    }
}

/// Escape roff: backslashes and dashes.
fn escape(s: &str) -> String {
    s.replace('\\', "\\e").replace('-', "\\-")
}

/// A line of running text: escaped, and not read as a request when it starts with `.` or `'`.
fn text_line(s: &str) -> String {
    let e = escape(s);
    if e.starts_with('.') || e.starts_with('\'') {
        format!("\\&{e}")
    } else {
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_not_requests() {
        assert_eq!(text_line(".hidden"), "\\&.hidden");
        assert_eq!(text_line("a-b \\x"), "a\\-b \\ex");
    }
}
