//! The readiness review in the console: the key opens a planning dialog while the facts are
//! gathered in the background; their arrival replaces it with the checklist in a dialog that
//! scrolls ([`Dialog::Scroll`]).

use super::app::{App, Dialog};
use crate::tr;
use crossterm::event::KeyCode;

/// What the planning dialog holds (in place of an action id) while the readiness review
/// gathers its facts; the dialog says so in words.
pub const REVIEW: &str = "review:readiness";

impl App {
    /// The readiness review's facts arrived: its checklist, while its dialog is still open
    /// (Esc dropped the answer otherwise).
    pub fn show_review(
        &mut self,
        readiness: &crate::host::readiness::Readiness,
        audit: &[crate::actions::audit::AuditRecord],
    ) {
        if !matches!(&self.dialog, Some(Dialog::Planning(w)) if w == REVIEW) {
            return;
        }
        let items = crate::report::review::judge(&self.state, readiness, audit);
        let worst = crate::review::worst(&items);
        let word = match worst {
            crate::review::Check::Pass => tr!("dialog-review-pass"),
            crate::review::Check::Warn => crate::i18n::state_word(crate::verdict::State::Warn),
            crate::review::Check::Unknown => {
                crate::i18n::state_word(crate::verdict::State::Unknown)
            }
        };
        self.dialog = Some(Dialog::Scroll {
            title: format!(
                " {} ",
                tr!("dialog-review-title", symbol = worst.symbol(), state = word)
            ),
            text: crate::report::review::text(&self.host_name, &items),
            scroll: 0,
        });
    }

    /// A key in the scrolling dialog: j/k, PageDown/PageUp/space, g/Home move; any other
    /// key closes it.
    pub(super) fn on_scroll_key(&mut self, code: KeyCode) {
        let Some(Dialog::Scroll { scroll, .. }) = &mut self.dialog else {
            return;
        };
        match code {
            KeyCode::Char('j') | KeyCode::Down => *scroll = scroll.saturating_add(1),
            KeyCode::Char('k') | KeyCode::Up => *scroll = scroll.saturating_sub(1),
            KeyCode::PageDown | KeyCode::Char(' ') => *scroll = scroll.saturating_add(10),
            KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
            KeyCode::Char('g') | KeyCode::Home => *scroll = 0,
            _ => self.dialog = None,
        }
    }
}
