//! The real binary in tmux against the lab, in Chinese: a shell with `LANG=zh_CN.UTF-8` and
//! `LC_CTYPE=C.UTF-8` (this box has no generated zh_CN locale; the program reads the variables
//! itself). Every hop reads `✔ 正常`; `lab break docservice-down` → the upstream hop reads
//! `✖ 故障` and the finding's Chinese title is listed; the details show the Chinese "why";
//! every line keeps the terminal's width in display columns (a double-width character
//! counted as two) and the hop rows' state column stays where it is. Needs tmux and the lab
//! (nginx, supervisord); skipped with a message when they are missing.

mod common;

use common::{Lab, Tmux, bin, have_tmux};
use triage502::i18n::{Lang, text};
use unicode_width::UnicodeWidthStr;

/// The chain pane's row of a hop: `│✔ 正常    dns …` (symbol, word, name).
fn row<'a>(screen: &'a str, hop: &str) -> Option<&'a str> {
    screen
        .lines()
        .find(|l| l.split_whitespace().nth(2) == Some(hop) && l.contains(['✔', '✖', '?', '▲']))
}

/// The display column where a hop row's state symbol stands.
fn state_column(line: &str) -> Option<usize> {
    let i = line.find(['✔', '✖', '▲', '?'])?;
    Some(line[..i].width())
}

/// The longest run of the Chinese text of `id` that holds no value (values replaced by
/// `values`' names), at most `max` characters: what the screen must show of it.
fn fixed_part(id: &str, names: &[&str], max: usize) -> String {
    let vals: Vec<(&str, String)> = names.iter().map(|n| (*n, "\u{1}".to_string())).collect();
    let t = text(Lang::ZhCn, id, &vals);
    assert_ne!(t, id, "{id} is in the catalogue");
    let best = t
        .split('\u{1}')
        .map(str::trim)
        .max_by_key(|p| p.chars().count())
        .unwrap_or("")
        .to_string();
    best.chars().take(max).collect()
}

/// The display columns of a line's vertical borders.
fn borders(line: &str) -> Vec<usize> {
    line.char_indices()
        .filter(|(_, c)| matches!(c, '│' | '║'))
        .map(|(i, _)| line[..i].width())
        .collect()
}

/// Every line fits the window (display columns); the hop rows' state symbols and the
/// borders on those rows stand at the same columns on every row.
fn aligned(screen: &str, width: usize, hops: &[&str]) -> Result<(), String> {
    for (n, l) in screen.lines().enumerate() {
        if l.width() > width {
            return Err(format!("line {n} is {} columns wide: {l}", l.width()));
        }
    }
    let rows: Vec<&str> = hops.iter().filter_map(|h| row(screen, h)).collect();
    if rows.len() != hops.len() {
        return Err(format!(
            "{} of {} hop rows on screen",
            rows.len(),
            hops.len()
        ));
    }
    let cols: Vec<(Option<usize>, Vec<usize>)> =
        rows.iter().map(|l| (state_column(l), borders(l))).collect();
    if cols.iter().any(|c| c.0.is_none() || *c != cols[0]) {
        return Err(format!(
            "hop rows not aligned (state column, borders): {cols:?}"
        ));
    }
    Ok(())
}

#[test]
fn the_console_speaks_chinese_on_the_lab() {
    if !have_tmux() {
        return common::skip("tmux not installed (scripts/test-all.sh installs it)");
    }
    let Some(lab) = Lab::up("t502zh") else {
        return;
    };
    let ok = format!("✔ {}", text(Lang::ZhCn, "status-ok", &[]));
    let fail = format!("✖ {}", text(Lang::ZhCn, "status-fail", &[]));
    let t = Tmux::new("zh", "s");
    t.start_shell_env(
        120,
        40,
        None,
        &["NO_COLOR=1", "LANG=zh_CN.UTF-8", "LC_CTYPE=C.UTF-8"],
    );
    t.run(&format!("{} --config {}", bin(), lab.toml().display()));
    let hops = [
        "dns",
        "nginx",
        "via-nginx",
        "docservice",
        "health",
        "command",
    ];
    let s = t.wait("every hop 正常", 15, |s| {
        hops.iter()
            .all(|h| row(s, h).is_some_and(|l| l.contains(&ok)))
    });
    aligned(&s, 120, &hops).unwrap_or_else(|e| panic!("{e}\n{s}"));

    assert!(lab.lab(&["break", "docservice-down"]).status.success());
    let title = fixed_part("finding-service_down-title", &["name", "target"], 6);
    let s = t.wait("the Chinese service_down finding", 10, |s| {
        row(s, "docservice").is_some_and(|l| l.contains(&fail)) && s.contains(&title)
    });
    aligned(&s, 120, &hops).unwrap_or_else(|e| panic!("{e}\n{s}"));

    // The finding's details: its Chinese explanation (wrapped: compared without spaces).
    t.keys(&["Tab"]);
    t.keys(&["Enter"]);
    let why = fixed_part("finding-service_down-why", &[], 12).replace(' ', "");
    let s = t.wait("the Chinese explanation", 8, |s| {
        s.lines()
            .map(|l| l.replace(['│', '║', ' '], ""))
            .collect::<String>()
            .contains(&why)
    });
    aligned(&s, 120, &[]).unwrap_or_else(|e| panic!("{e}\n{s}"));
    t.keys(&["Escape"]);

    // A narrow terminal shows one pane under a tab bar: the findings (focused), then back to
    // the chain: within its width, still aligned, still Chinese.
    t.cmd(&["resize-window", "-t", "s", "-x", "80", "-y", "24"]);
    let s = t.wait("80 columns", 5, |s| {
        s.lines().all(|l| l.width() <= 80) && s.contains(&title)
    });
    aligned(&s, 80, &[]).unwrap_or_else(|e| panic!("{e}\n{s}"));
    t.keys(&["BTab"]);
    let s = t.wait("the chain at 80 columns", 5, |s| {
        row(s, "docservice").is_some_and(|l| l.contains(&fail))
    });
    aligned(&s, 80, &hops).unwrap_or_else(|e| panic!("{e}\n{s}"));

    t.keys(&["q"]);
    let (s, code) = t.wait_exit("the console to exit", 5);
    assert_eq!(code, 0, "{s}");
}

/// `check --format text` and `report --format md` on a lab fault under `LANG=zh_CN.UTF-8`:
/// the finding's title and explanation in Chinese, the state word in Chinese; the same
/// `check --format json` stays English (ids, titles, states).
#[test]
fn check_and_report_speak_chinese_on_a_lab_fault_and_json_stays_english() {
    let Some(lab) = Lab::up("t502zhc") else {
        return;
    };
    lab.run(&["break", "docservice-down"]);
    let run = |args: &[&str]| {
        let o = std::process::Command::new(bin())
            .args(args)
            .arg("--config")
            .arg(lab.toml())
            .env("LANG", "zh_CN.UTF-8")
            .env("LC_CTYPE", "C.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .output()
            .expect("run");
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).to_string(),
        )
    };
    let title = fixed_part("finding-service_down-title", &["name", "target"], 6);
    let why = fixed_part("finding-service_down-why", &[], 12);
    let fail = text(Lang::ZhCn, "status-fail", &[]);

    let (code, out) = run(&["check", "--format", "text"]);
    assert_eq!(code, Some(2), "{out}");
    for want in [&title, &why, &fail] {
        assert!(
            out.contains(want.as_str()),
            "check text lacks {want:?}:\n{out}"
        );
    }

    let (_, md) = run(&["report", "--format", "md"]);
    assert!(md.contains(&title), "report md lacks {title:?}:\n{md}");

    let (code, json) = run(&["check", "--format", "json"]);
    assert_eq!(code, Some(2), "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let f = v["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["id"] == "service_down"))
        .unwrap_or_else(|| panic!("no service_down: {json}"));
    let en = text(Lang::En, "finding-service_down-why", &[]);
    assert_eq!(f["explanation"].as_str(), Some(en.as_str()), "{json}");
    assert!(!json.contains(&title), "Chinese in JSON: {json}");
}
