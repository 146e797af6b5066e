//! Text helpers of the drawing: what comes from outside made safe for a cell ([`one`],
//! [`many`], [`scrub`]), word wrapping, times and latencies, table columns that fit, a
//! centred box. Whatever measures, cuts or pads text counts display columns (a Chinese
//! character takes two): [`fit`], [`pad`], [`pad_left`], [`wrap`].

use crate::probe::State as HopState;
use crate::tr;
use crate::tui::app::App;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::ListItem;

/// A value from outside as one line of the console (see [`crate::sanitize::field`]).
pub(super) fn one(s: &str) -> String {
    crate::sanitize::field(s)
}

/// A text from outside for a paragraph: lines kept, the rest as in [`one`].
pub(super) fn many(s: &str) -> String {
    crate::sanitize::text(s)
}

/// The last guard: no cell of the frame holds a character a terminal would act on or that
/// reorders text (a format character reaching a cell another way than through [`one`]).
pub(super) fn scrub(buf: &mut ratatui::buffer::Buffer) {
    for cell in buf.content.iter_mut() {
        let sym = cell.symbol();
        if sym.chars().any(crate::sanitize::is_unsafe) {
            let kept: String = sym
                .chars()
                .filter(|c| !crate::sanitize::is_unsafe(*c))
                .collect();
            cell.set_symbol(if kept.is_empty() { "�" } else { &kept });
        }
    }
}

pub(super) fn time_fmt(app: &App, t: chrono::DateTime<chrono::Utc>) -> String {
    if app.utc {
        t.format("%H:%M:%S").to_string()
    } else {
        t.with_timezone(&chrono::Local)
            .format("%H:%M:%S")
            .to_string()
    }
}

/// `s` cut to at most `max` display columns, ending with `…` when cut; a wide character is
/// never split (the cut may leave a column free). For ASCII the same as
/// [`crate::util::shorten`].
pub(in crate::tui) fn fit(s: &str, max: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if s.width() <= max {
        return s.to_string();
    }
    let room = max.saturating_sub(1);
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// `s` followed by spaces up to `w` display columns (`format!("{s:<w$}")` counting columns,
/// not characters); longer text is kept whole.
pub(in crate::tui) fn pad(s: &str, w: usize) -> String {
    let n = unicode_width::UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(w.saturating_sub(n)))
}

/// `s` after spaces up to `w` display columns (`format!("{s:>w$}")` counting columns).
pub(in crate::tui) fn pad_left(s: &str, w: usize) -> String {
    let n = unicode_width::UnicodeWidthStr::width(s);
    format!("{}{s}", " ".repeat(w.saturating_sub(n)))
}

/// The word of a state in the current language with its symbol first (`✖ FAIL`, `✖ 故障`):
/// status is never colour alone.
pub(in crate::tui) fn state_label(st: HopState) -> String {
    format!("{} {}", st.symbol(), crate::i18n::state_word(st))
}

pub(super) fn latency(ms: Option<f64>) -> String {
    match ms {
        Some(m) if m >= 1000.0 => format!("{:.1} s", m / 1000.0),
        Some(m) => format!("{m:.0} ms"),
        None => String::new(),
    }
}

/// `head` (spans: a state, a number, an id) followed by `text` wrapped to at most `max_lines`
/// lines of `width`, the later ones indented by three columns; the text drawn in `style`.
pub(super) fn headed(
    mut head: Vec<Span<'static>>,
    text: &str,
    width: usize,
    max_lines: usize,
    style: Style,
) -> Vec<Line<'static>> {
    let used = Line::from(head.clone()).width();
    let mut pieces = wrap(
        text,
        width.saturating_sub(used),
        width.saturating_sub(3),
        max_lines,
    )
    .into_iter();
    head.push(Span::styled(pieces.next().unwrap_or_default(), style));
    let mut lines = vec![Line::from(head)];
    lines.extend(pieces.map(|l| Line::styled(format!("   {l}"), style)));
    lines
}

/// `text` under a finding or a walkthrough step: `   MARK text`, wrapped to two lines of
/// `width`, the second indented under the first.
pub(super) fn bullet(text: &str, mark: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    let w = width.saturating_sub(5);
    wrap(text, w, w, 2)
        .into_iter()
        .enumerate()
        .map(|(n, l)| {
            let lead = if n == 0 {
                format!("   {mark} ")
            } else {
                "     ".to_string()
            };
            Line::styled(format!("{lead}{l}"), style)
        })
        .collect()
}

/// Closing punctuation: no line starts with it.
const NO_BREAK_BEFORE: &str = "，。、：；！？）」』】》〉”’…·ー々〜～),.:;!?%]}>";
/// Opening punctuation: no line ends with it.
const NO_BREAK_AFTER: &str = "（「『【《〈“‘([{<$";

/// The pieces `text` wraps between, each with whether a space comes before it: its words,
/// and inside a word the places next to a wide (CJK) character, as Chinese is written without
/// spaces — except before closing and after opening punctuation. Text without wide
/// characters is split at its spaces only.
fn pieces(text: &str) -> Vec<(bool, &str)> {
    use unicode_width::UnicodeWidthChar;
    let wide = |c: char| c.width() == Some(2);
    let mut out = Vec::new();
    for word in text.split_whitespace() {
        let mut start = 0;
        let mut prev: Option<char> = None;
        for (i, c) in word.char_indices() {
            if let Some(p) = prev
                && (wide(p) || wide(c))
                && !NO_BREAK_BEFORE.contains(c)
                && !NO_BREAK_AFTER.contains(p)
            {
                out.push((start == 0, &word[start..i]));
                start = i;
            }
            prev = Some(c);
        }
        out.push((start == 0, &word[start..]));
    }
    out
}

/// Word-wraps `text` into at most `max_lines` lines: the first up to `first` columns wide,
/// the others up to `rest` (display columns: CJK and emoji take two). Lines break at spaces
/// and next to CJK characters (see [`pieces`]). A word longer than a line is cut; when text
/// is left over after the last line, that line ends with ` …` (or `…` in place of its last
/// characters when there is no room).
pub(in crate::tui) fn wrap(text: &str, first: usize, rest: usize, max_lines: usize) -> Vec<String> {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let cw = |c: char| c.width().unwrap_or(0);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut width = first.max(1);
    for (spaced, word) in pieces(text) {
        let mut word = word;
        loop {
            let len = line.width();
            let sep = usize::from(len > 0 && spaced);
            if len + sep + word.width() <= width {
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(word);
                break;
            }
            if len == 0 {
                // Longer than a whole line: the piece that fits goes on this one (at least
                // one character, so a line narrower than a wide character still moves on).
                let mut used = 0;
                let mut cut = 0;
                for (b, c) in word.char_indices() {
                    if used + cw(c) > width && b > 0 {
                        break;
                    }
                    used += cw(c);
                    cut = b + c.len_utf8();
                }
                line.push_str(&word[..cut]);
                word = &word[cut..];
            }
            if lines.len() + 1 == max_lines.max(1) {
                // The last line, and text is left: say so (right after a Chinese character,
                // which needs no space before it).
                let wide_end = line.chars().next_back().is_some_and(|c| cw(c) == 2);
                if wide_end && line.width() < width {
                    line.push('…');
                } else if line.width() + 2 <= width {
                    line.push_str(" …");
                } else {
                    while line.width() + 1 > width && line.pop().is_some() {}
                    line.push('…');
                }
                lines.push(line);
                return lines;
            }
            lines.push(std::mem::take(&mut line));
            width = rest.max(1);
            if word.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A log entry's time of day as logged (`--:--:--` when it has none).
pub(super) fn clock(r: &crate::logs::Record) -> String {
    r.time()
        .map(|t| t.format("%H:%M:%S").to_string())
        .unwrap_or_else(|| "--:--:--".into())
}

pub(super) fn unknown_line<'a>(app: &App, what: &str, why: Option<String>) -> ListItem<'a> {
    ListItem::new(Line::from(vec![
        Span::styled(
            format!("{} ", state_label(HopState::Unknown)),
            app.theme.state(HopState::Unknown),
        ),
        Span::raw(one(&format!(
            "{what}: {}",
            why.unwrap_or_else(|| tr!("pane-not-collected"))
        ))),
    ]))
}

/// Which columns of a table fit in `width` and how wide each is (its widest cell or header):
/// columns are left out in `drop_order` until the rest, with one space between columns, fits.
/// Returns `(column index, width)` in column order.
pub(super) fn fit_columns<const N: usize>(
    headers: &[String; N],
    rows: &[[String; N]],
    drop_order: &[usize],
    width: u16,
) -> Vec<(usize, u16)> {
    let w = |i: usize| -> u16 {
        rows.iter()
            .map(|r| r[i].as_str())
            .chain([headers[i].as_str()])
            .map(|c| Span::raw(c).width())
            .max()
            .unwrap_or(0)
            .min(u16::MAX as usize) as u16
    };
    let mut cols: Vec<(usize, u16)> = (0..N).map(|i| (i, w(i))).collect();
    let need = |cols: &[(usize, u16)]| {
        cols.iter().map(|c| u32::from(c.1)).sum::<u32>() + cols.len().saturating_sub(1) as u32
    };
    for d in drop_order {
        if need(&cols) <= u32::from(width) {
            break;
        }
        cols.retain(|c| c.0 != *d);
    }
    cols
}

/// Empties `r` for an overlay. A wide character just left of it would otherwise cover the
/// overlay's left border (a terminal draws it over two columns): it is blanked.
pub(super) fn clear_for_overlay(f: &mut ratatui::Frame, r: Rect) {
    use unicode_width::UnicodeWidthStr;
    f.render_widget(ratatui::widgets::Clear, r);
    if r.x == 0 {
        return;
    }
    let buf = f.buffer_mut();
    for y in r.top()..r.bottom() {
        if let Some(cell) = buf.cell_mut((r.x - 1, y))
            && cell.symbol().width() > 1
        {
            cell.set_symbol(" ");
        }
    }
}

pub(super) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
