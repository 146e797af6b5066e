//! `triage502 config init [--discover] | show [--discover] | check`: write a starting (or the
//! discovered) config, print the effective one, validate it.

use super::{ConfigCommand, Global, load, say_load_error};
use crate::config;
use crate::tr;
use std::io::Write;

pub(super) fn config_cmd(g: &Global, cmd: ConfigCommand) -> i32 {
    match cmd {
        ConfigCommand::Init { path, discover } => {
            let text = if discover {
                match crate::discover::init_text() {
                    Ok(t) => t,
                    Err(e) => {
                        crate::say_err!("triage502: {e}");
                        return 1;
                    }
                }
            } else {
                config::INIT_TEMPLATE.to_string()
            };
            let (path, default) = match path {
                Some(p) => (p, false),
                None => match config::init_path() {
                    Some(p) => (p, true),
                    None => {
                        crate::say_err!("{}", tr!("cli-config-no-home"));
                        return 1;
                    }
                },
            };
            if default
                && let Some(dir) = path.parent()
                && !dir.exists()
            {
                // The default place's folder (and ~/.config when missing), created 0700.
                if let Err(e) = crate::fsafe::ensure_private_dir(dir) {
                    crate::say_err!("triage502: {e}");
                    return 1;
                }
            }
            // A new file only, no symlink followed, 0600, not in a folder another user can write.
            let written =
                crate::fsafe::open_write(&path, crate::fsafe::WriteMode::CreateNew, 0o600)
                    .and_then(|mut f| {
                        f.write_all(text.as_bytes()).map_err(|e| {
                            tr!(
                                "cli-cannot-write",
                                path = path.display(),
                                error = crate::util::io_error_text(&e)
                            )
                        })
                    });
            match written {
                Ok(()) => {
                    crate::say!("{}", tr!("cli-config-written", path = path.display()));
                    0
                }
                Err(e) => {
                    crate::say_err!("triage502: {e}");
                    1
                }
            }
        }
        ConfigCommand::Show { discover: true } => crate::discover::show(),
        ConfigCommand::Show { discover: false } => match load(g) {
            Ok((c, _)) if !crate::actions::redact::learn_commands_now(&c) => {
                crate::say_err!("{}", tr!("cli-config-secret-unreadable"));
                3
            }
            Ok((c, s)) => {
                crate::say!("# {}", tr!("cli-config-effective", source = s));
                let shown = crate::sanitize::text(&c.to_masked_toml());
                crate::say!("{}", shown.trim_end_matches('\n'));
                0
            }
            Err(code) => code,
        },
        ConfigCommand::Check => match config::load(&g.selector()) {
            Ok((c, s)) => {
                crate::say!(
                    "✔ {}",
                    tr!(
                        "cli-config-valid",
                        source = s,
                        hops = c.hops.len(),
                        services = c.services.len()
                    )
                );
                0
            }
            Err(e) if e.is_usage() => {
                say_load_error(&e);
                3
            }
            Err(e) => {
                crate::say_err!("{e}");
                1
            }
        },
    }
}
