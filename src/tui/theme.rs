//! Themes: `themes/*.toml`, embedded in the binary so it works without the folder. `NO_COLOR`
//! forces `monochrome`. Whatever the theme, a state is a symbol and a word first; colour and
//! emphasis only add to it (FAIL is also bold and reversed, WARN bold).

use crate::probe::State;
use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::str::FromStr;

const EMBEDDED: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("monochrome", include_str!("../../themes/monochrome.toml")),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: String,
    ok: String,
    warn: String,
    fail: String,
    unknown: String,
    accent: String,
    dim: String,
    border: String,
    focus: String,
    #[serde(default)]
    bold: bool,
    #[serde(default = "yes")]
    colour: bool,
}

fn yes() -> bool {
    true
}

/// Resolved styles.
#[derive(Debug, Clone)]
pub struct Theme {
    /// Theme name.
    pub name: String,
    colour: bool,
    bold: bool,
    ok: Color,
    warn: Color,
    fail: Color,
    unknown: Color,
    accent: Color,
    dim: Color,
    border: Color,
    focus: Color,
}

fn color(s: &str) -> Color {
    Color::from_str(s).unwrap_or(Color::Reset)
}

impl Theme {
    /// The theme called `name` (unknown names fall back to `dark`); `NO_COLOR` in the
    /// environment forces `monochrome`.
    pub fn load(name: &str) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let name = if no_color { "monochrome" } else { name };
        let text = EMBEDDED
            .iter()
            .find(|(n, _)| *n == name)
            .or_else(|| EMBEDDED.first())
            .map(|(_, t)| *t)
            .unwrap_or_default();
        Self::parse(text).unwrap_or_else(|_| Self::monochrome())
    }

    /// Parse a theme file.
    pub fn parse(text: &str) -> Result<Theme, String> {
        let f: ThemeFile = toml::from_str(text).map_err(|e| e.to_string())?;
        Ok(Theme {
            name: f.name,
            colour: f.colour,
            bold: f.bold,
            ok: color(&f.ok),
            warn: color(&f.warn),
            fail: color(&f.fail),
            unknown: color(&f.unknown),
            accent: color(&f.accent),
            dim: color(&f.dim),
            border: color(&f.border),
            focus: color(&f.focus),
        })
    }

    /// A theme without colour.
    pub fn monochrome() -> Theme {
        Theme {
            name: "monochrome".into(),
            colour: false,
            bold: false,
            ok: Color::Reset,
            warn: Color::Reset,
            fail: Color::Reset,
            unknown: Color::Reset,
            accent: Color::Reset,
            dim: Color::Reset,
            border: Color::Reset,
            focus: Color::Reset,
        }
    }

    fn fg(&self, c: Color) -> Style {
        let s = Style::default();
        let s = if self.colour { s.fg(c) } else { s };
        if self.bold {
            s.add_modifier(Modifier::BOLD)
        } else {
            s
        }
    }

    /// Style of a state's symbol and word.
    pub fn state(&self, st: State) -> Style {
        match st {
            State::Ok => self.fg(self.ok),
            State::Warn => self.fg(self.warn).add_modifier(Modifier::BOLD),
            State::Unknown => self.fg(self.unknown).add_modifier(Modifier::ITALIC),
            State::Fail => {
                let s = self.fg(self.fail).add_modifier(Modifier::BOLD);
                if self.colour {
                    s
                } else {
                    s.add_modifier(Modifier::REVERSED)
                }
            }
        }
    }

    /// Headings and highlights.
    pub fn accent(&self) -> Style {
        self.fg(self.accent).add_modifier(Modifier::BOLD)
    }

    /// Secondary text.
    pub fn dim(&self) -> Style {
        if self.colour {
            Style::default().fg(self.dim)
        } else {
            Style::default()
        }
    }

    /// Border of a pane, focused or not (focus is also a double border, not only colour).
    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(self.focus).add_modifier(Modifier::BOLD)
        } else {
            self.fg(self.border)
        }
    }

    /// The selected line.
    pub fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_theme_parses() {
        for (name, text) in EMBEDDED {
            let t = Theme::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(&t.name, name);
        }
        let m = Theme::parse(EMBEDDED[3].1).expect("mono");
        assert!(
            m.state(State::Fail)
                .add_modifier
                .contains(Modifier::REVERSED)
        );
        assert_eq!(m.state(State::Ok).fg, None);
    }
}
