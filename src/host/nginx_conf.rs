//! The nginx configuration language: a tokenizer (quotes, escapes, comments, `{` `}` `;`,
//! `${var}`) and a parser into a tree of [`Directive`]s, plus the sources a configuration can
//! be read from — the output of `nginx -T` (one dump holding every file) or the files on disk —
//! with `include` (globs included) resolved in place.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::tr;

/// One directive with its arguments and, for block directives, its children.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Directive {
    /// Directive name, e.g. `proxy_pass`.
    pub name: String,
    /// Arguments with quotes removed and escapes resolved.
    pub args: Vec<String>,
    /// File the directive was read from.
    pub file: PathBuf,
    /// 1-based line of the directive name.
    pub line: usize,
    /// Children when the directive is a block (`server { … }`).
    pub block: Option<Vec<Directive>>,
}

impl Directive {
    /// `file:line` for messages.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file.display(), self.line)
    }

    /// First argument or "".
    pub fn arg0(&self) -> &str {
        self.args.first().map(String::as_str).unwrap_or("")
    }

    /// Children, empty for simple directives.
    pub fn children(&self) -> &[Directive] {
        self.block.as_deref().unwrap_or(&[])
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    Open,
    Close,
    Semi,
}

/// Splits configuration text into tokens with their line numbers.
fn tokenize(text: &str) -> Result<Vec<(Tok, usize)>, (String, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            ' ' | '\t' | '\r' => i += 1,
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '{' => {
                out.push((Tok::Open, line));
                i += 1;
            }
            '}' => {
                out.push((Tok::Close, line));
                i += 1;
            }
            ';' => {
                out.push((Tok::Semi, line));
                i += 1;
            }
            '"' | '\'' => {
                let start_line = line;
                let quote = c;
                i += 1;
                let mut s = String::new();
                loop {
                    let Some(&ch) = chars.get(i) else {
                        return Err((
                            tr!("host-conf-unterminated-quote", quote = quote),
                            start_line,
                        ));
                    };
                    i += 1;
                    match ch {
                        '\\' => {
                            let next = chars.get(i).copied();
                            i += 1;
                            match next {
                                Some('"') => s.push('"'),
                                Some('\'') => s.push('\''),
                                Some('\\') => s.push('\\'),
                                Some('t') => s.push('\t'),
                                Some('r') => s.push('\r'),
                                Some('n') => s.push('\n'),
                                Some(other) => {
                                    if other == '\n' {
                                        line += 1;
                                    }
                                    s.push('\\');
                                    s.push(other);
                                }
                                None => {
                                    return Err((tr!("host-conf-unterminated"), start_line));
                                }
                            }
                        }
                        ch if ch == quote => break,
                        ch => {
                            if ch == '\n' {
                                line += 1;
                            }
                            s.push(ch);
                        }
                    }
                }
                out.push((Tok::Word(s), start_line));
            }
            _ => {
                let start_line = line;
                let mut s = String::new();
                while let Some(&ch) = chars.get(i) {
                    match ch {
                        ' ' | '\t' | '\r' | '\n' | ';' | '}' => break,
                        '{' if s.ends_with('$') => {
                            // `${var}`: the brace belongs to the variable name.
                            while let Some(&v) = chars.get(i) {
                                s.push(v);
                                i += 1;
                                if v == '}' {
                                    break;
                                }
                            }
                        }
                        '{' => break,
                        '\\' => {
                            if let Some(&next) = chars.get(i + 1) {
                                s.push(next);
                                i += 2;
                            } else {
                                i += 1;
                            }
                        }
                        _ => {
                            s.push(ch);
                            i += 1;
                        }
                    }
                }
                out.push((Tok::Word(s), start_line));
            }
        }
    }
    Ok(out)
}

/// A parse error with its position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParseError {
    /// What is wrong.
    pub message: String,
    /// File.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&tr!(
            "host-conf-parse-error",
            message = self.message,
            file = self.file.display(),
            line = self.line
        ))
    }
}

/// Parses one file's text into directives (includes are not resolved here).
pub fn parse_text(file: &Path, text: &str) -> Result<Vec<Directive>, ParseError> {
    let err = |message: String, line: usize| ParseError {
        message,
        file: file.to_path_buf(),
        line,
    };
    let toks = tokenize(text).map_err(|(m, l)| err(m, l))?;
    // Stack of (directives being built, the block directive that opened them).
    let mut stack: Vec<(Vec<Directive>, Option<Directive>)> = vec![(Vec::new(), None)];
    let mut words: Vec<(String, usize)> = Vec::new();
    for (tok, line) in toks {
        match tok {
            Tok::Word(w) => words.push((w, line)),
            Tok::Semi => {
                let Some(((name, l), rest)) = words.split_first() else {
                    return Err(err(tr!("host-conf-unexpected-semi"), line));
                };
                let d = Directive {
                    name: name.clone(),
                    args: rest.iter().map(|(w, _)| w.clone()).collect(),
                    file: file.to_path_buf(),
                    line: *l,
                    block: None,
                };
                words.clear();
                stack
                    .last_mut()
                    // i18n: not text (an invariant)
                    .expect("the stack always holds the top level")
                    .0
                    .push(d);
            }
            Tok::Open => {
                let Some(((name, l), rest)) = words.split_first() else {
                    return Err(err(tr!("host-conf-unexpected-open"), line));
                };
                let d = Directive {
                    name: name.clone(),
                    args: rest.iter().map(|(w, _)| w.clone()).collect(),
                    file: file.to_path_buf(),
                    line: *l,
                    block: Some(Vec::new()),
                };
                words.clear();
                stack.push((Vec::new(), Some(d)));
            }
            Tok::Close => {
                if !words.is_empty() {
                    return Err(err(tr!("host-conf-unexpected-close-semi"), line));
                }
                if stack.len() == 1 {
                    return Err(err(tr!("host-conf-unexpected-close"), line));
                }
                // i18n: not text (invariants, down to the push)
                let (children, opener) = stack.pop().expect("len checked above");
                // i18n: not text
                let mut d = opener.expect("every pushed level has an opener");
                d.block = Some(children);
                stack
                    .last_mut()
                    // i18n: not text
                    .expect("the top level is never popped")
                    .0
                    .push(d);
            }
        }
    }
    if let Some((_, l)) = words.first() {
        return Err(err(tr!("host-conf-eof-semi"), *l));
    }
    if stack.len() > 1 {
        let line = stack
            .last()
            .and_then(|(_, o)| o.as_ref().map(|d| d.line))
            .unwrap_or(0);
        return Err(err(tr!("host-conf-eof-close"), line));
    }
    Ok(stack.pop().map(|(d, _)| d).unwrap_or_default())
}

/// Where configuration files come from.
pub trait Source {
    /// Reads one file.
    fn read(&self, path: &Path) -> Result<String, String>;
    /// Expands an include pattern (absolute) into existing files, sorted.
    fn expand(&self, pattern: &Path) -> Vec<PathBuf>;
}

/// The dump printed by `nginx -T`: every file under a `# configuration file PATH:` header.
#[derive(Debug, Clone, Default)]
pub struct DumpSource {
    /// Files in dump order.
    pub files: Vec<(PathBuf, String)>,
}

impl DumpSource {
    /// Splits `nginx -T` standard output into files.
    pub fn parse(dump: &str) -> Self {
        let mut files: Vec<(PathBuf, String)> = Vec::new();
        for line in dump.split_inclusive('\n') {
            let t = line.trim_end_matches(['\n', '\r']);
            // i18n: not text (nginx -T's header, matched)
            if let Some(rest) = t.strip_prefix("# configuration file ")
                && let Some(path) = rest.strip_suffix(':')
            {
                files.push((PathBuf::from(path), String::new()));
                continue;
            }
            if let Some((_, text)) = files.last_mut() {
                text.push_str(line);
            }
        }
        Self { files }
    }

    /// The first file of the dump (the main configuration).
    pub fn main(&self) -> Option<&Path> {
        self.files.first().map(|(p, _)| p.as_path())
    }
}

impl Source for DumpSource {
    fn read(&self, path: &Path) -> Result<String, String> {
        self.files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.clone())
            .ok_or_else(|| tr!("host-conf-not-in-dump", path = path.display()))
    }

    fn expand(&self, pattern: &Path) -> Vec<PathBuf> {
        let pat = pattern.to_string_lossy();
        let mut v: Vec<PathBuf> = self
            .files
            .iter()
            .filter(|(p, _)| wildmatch(&pat, &p.to_string_lossy()))
            .map(|(p, _)| p.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

/// Files read from disk.
#[derive(Debug, Clone, Default)]
pub struct DiskSource;

impl Source for DiskSource {
    fn read(&self, path: &Path) -> Result<String, String> {
        std::fs::read(path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::PermissionDenied {
                    tr!("host-conf-read-denied", path = path.display())
                } else {
                    tr!("host-cannot-read", path = path.display(), error = e)
                }
            })
    }

    fn expand(&self, pattern: &Path) -> Vec<PathBuf> {
        let s = pattern.to_string_lossy();
        if !s.contains(['*', '?', '[']) {
            return vec![pattern.to_path_buf()];
        }
        // Wildcards are supported in the last component, which is what real configs use
        // (`conf.d/*.conf`, `sites-enabled/*`).
        let (Some(dir), Some(name)) = (pattern.parent(), pattern.file_name()) else {
            return Vec::new();
        };
        let name = name.to_string_lossy();
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.flatten()
                    .filter(|e| {
                        let n = e.file_name();
                        let n = n.to_string_lossy();
                        !n.starts_with('.') && wildmatch(&name, &n)
                    })
                    .map(|e| e.path())
                    .filter(|p| p.is_file())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }
}

/// Shell-style match with `*` and `?` (not crossing `/`) and `[…]` classes.
pub fn wildmatch(pattern: &str, text: &str) -> bool {
    fn m(p: &[char], t: &[char]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some('*') => (0..=t.len())
                .take_while(|&k| k == 0 || t[k - 1] != '/')
                .any(|k| m(&p[1..], &t[k..])),
            Some('?') => !t.is_empty() && t[0] != '/' && m(&p[1..], &t[1..]),
            Some('[') => {
                let Some(end) = p.iter().position(|&c| c == ']') else {
                    return !t.is_empty() && t[0] == '[' && m(&p[1..], &t[1..]);
                };
                let Some(&c) = t.first() else { return false };
                let class = &p[1..end];
                let (neg, class) = match class.first() {
                    Some('!') | Some('^') => (true, &class[1..]),
                    _ => (false, class),
                };
                let mut hit = false;
                let mut k = 0;
                while k < class.len() {
                    if k + 2 < class.len() && class[k + 1] == '-' {
                        hit |= class[k] <= c && c <= class[k + 2];
                        k += 3;
                    } else {
                        hit |= class[k] == c;
                        k += 1;
                    }
                }
                hit != neg && m(&p[end + 1..], &t[1..])
            }
            Some(&c) => t.first() == Some(&c) && m(&p[1..], &t[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    m(&p, &t)
}

/// A whole configuration with includes resolved in place.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Config {
    /// The main file.
    pub main: PathBuf,
    /// Top-level directives, includes replaced by the included files' directives.
    pub directives: Vec<Directive>,
    /// Files that were read, in order.
    pub files: Vec<PathBuf>,
    /// Problems that did not stop the parse (missing include, unreadable file).
    pub warnings: Vec<String>,
}

/// Loads `main` from `src`, resolving includes relative to the main file's directory (nginx's
/// conf prefix). A parse error in the main file is an error; problems in included files become
/// warnings.
pub fn load(src: &dyn Source, main: &Path) -> Result<Config, ParseError> {
    let text = src.read(main).map_err(|m| ParseError {
        message: m,
        file: main.to_path_buf(),
        line: 0,
    })?;
    let top = parse_text(main, &text)?;
    let conf_dir = main.parent().unwrap_or(Path::new("/")).to_path_buf();
    let mut cfg = Config {
        main: main.to_path_buf(),
        files: vec![main.to_path_buf()],
        ..Config::default()
    };
    let mut cache: BTreeMap<PathBuf, Vec<Directive>> = BTreeMap::new();
    let mut walk = Walk {
        stack: vec![main.to_path_buf()],
        budget: MAX_EXPANDED,
    };
    cfg.directives = resolve(src, &conf_dir, top, &mut walk, &mut cfg, &mut cache);
    Ok(cfg)
}

/// Most directives an include expansion may produce (a real configuration has thousands at
/// most; a hostile or broken one must not take the box's memory).
const MAX_EXPANDED: usize = 200_000;
/// Most warnings kept.
const MAX_WARNINGS: usize = 100;

/// The include walk: the files being included (to tell a loop) and what may still be expanded.
struct Walk {
    stack: Vec<PathBuf>,
    budget: usize,
}

fn warn(cfg: &mut Config, w: String) {
    if cfg.warnings.len() < MAX_WARNINGS {
        cfg.warnings.push(w);
    } else if cfg.warnings.len() == MAX_WARNINGS {
        cfg.warnings.push(tr!("host-conf-more-warnings"));
    }
}

fn resolve(
    src: &dyn Source,
    conf_dir: &Path,
    dirs: Vec<Directive>,
    walk: &mut Walk,
    cfg: &mut Config,
    cache: &mut BTreeMap<PathBuf, Vec<Directive>>,
) -> Vec<Directive> {
    let mut out = Vec::with_capacity(dirs.len());
    for mut d in dirs {
        if walk.budget == 0 {
            warn(cfg, tr!("host-conf-too-large", at = d.location()));
            break;
        }
        walk.budget -= 1;
        if d.name == "include" && d.block.is_none() {
            if walk.stack.len() > 16 {
                warn(cfg, tr!("host-conf-too-deep", at = d.location()));
                continue;
            }
            let arg = PathBuf::from(d.arg0());
            let pattern = if arg.is_absolute() {
                arg
            } else {
                conf_dir.join(arg)
            };
            let files = src.expand(&pattern);
            if files.is_empty() {
                let s = pattern.to_string_lossy();
                if !s.contains(['*', '?', '[']) {
                    warn(
                        cfg,
                        tr!(
                            "host-conf-include-missing",
                            at = d.location(),
                            path = pattern.display()
                        ),
                    );
                }
                continue;
            }
            for f in files {
                if walk.stack.contains(&f) {
                    // nginx itself recurses until it fails; here a loop is said once per place.
                    warn(
                        cfg,
                        tr!(
                            "host-conf-include-loop",
                            at = d.location(),
                            path = f.display()
                        ),
                    );
                    continue;
                }
                let parsed = match cache.get(&f) {
                    Some(p) => Some(p.clone()),
                    None => match src.read(&f) {
                        Err(m) => {
                            warn(cfg, format!("{}: {m}", d.location()));
                            None
                        }
                        Ok(text) => match parse_text(&f, &text) {
                            Ok(p) => {
                                cache.insert(f.clone(), p.clone());
                                Some(p)
                            }
                            Err(e) => {
                                warn(cfg, e.to_string());
                                None
                            }
                        },
                    },
                };
                if let Some(p) = parsed {
                    if !cfg.files.contains(&f) {
                        cfg.files.push(f.clone());
                    }
                    walk.stack.push(f.clone());
                    out.extend(resolve(src, conf_dir, p, walk, cfg, cache));
                    walk.stack.pop();
                }
            }
            continue;
        }
        if let Some(children) = d.block.take() {
            d.block = Some(resolve(src, conf_dir, children, walk, cfg, cache));
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Vec<Directive> {
        parse_text(Path::new("/t.conf"), text).expect("test setup")
    }

    #[test]
    fn tokenizer_handles_quotes_escapes_comments_and_variables() {
        let d = p("log_format x '$a \"q\" ' \"b\\\"c\"; # comment ; {\n\
             set $v \"${host}x\"; rewrite ^/(.*)$ /${1}a last;\n\
             a#b c;");
        assert_eq!(d[0].name, "log_format");
        assert_eq!(d[0].args, vec!["x", "$a \"q\" ", "b\"c"]);
        assert_eq!(d[1].args, vec!["$v", "${host}x"]);
        assert_eq!(d[1].line, 2);
        assert_eq!(d[2].args, vec!["^/(.*)$", "/${1}a", "last"]);
        assert_eq!(d[3].name, "a#b");
        assert_eq!(d[3].line, 3);
    }

    #[test]
    fn blocks_nest_and_errors_have_lines() {
        let d = p("http {\n server { listen 80; location / { proxy_pass http://a; } }\n}\n");
        assert_eq!(d.len(), 1);
        let server = &d[0].children()[0];
        assert_eq!(server.name, "server");
        assert_eq!(server.line, 2);
        assert_eq!(server.children()[1].children()[0].arg0(), "http://a");
        let e = parse_text(Path::new("/x"), "http {\n listen 80\n}").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = parse_text(Path::new("/x"), "http {\n listen 80;\n").unwrap_err();
        assert!(e.message.contains("expecting \"}\""), "{e}");
        let e = parse_text(Path::new("/x"), "}").unwrap_err();
        assert!(e.message.contains("unexpected"));
    }

    #[test]
    fn dump_is_split_and_includes_resolved_with_globs() {
        let dump = "# configuration file /etc/nginx/nginx.conf:\n\
            http { include conf.d/*.conf; include /etc/nginx/proxy_params; }\n\
            \n# configuration file /etc/nginx/conf.d/b.conf:\nserver { listen 81; }\n\
            # configuration file /etc/nginx/conf.d/a.conf:\nserver { listen 80; }\n\
            # configuration file /etc/nginx/proxy_params:\nproxy_set_header Host $host;\n";
        let src = DumpSource::parse(dump);
        assert_eq!(src.main(), Some(Path::new("/etc/nginx/nginx.conf")));
        let cfg = load(&src, Path::new("/etc/nginx/nginx.conf")).expect("test setup");
        let http = &cfg.directives[0];
        let names: Vec<_> = http
            .children()
            .iter()
            .map(|d| format!("{} {}", d.name, d.arg0()))
            .collect();
        assert_eq!(names, vec!["server ", "server ", "proxy_set_header Host"]);
        assert_eq!(http.children()[0].children()[0].arg0(), "80", "sorted glob");
        assert_eq!(
            http.children()[0].file,
            PathBuf::from("/etc/nginx/conf.d/a.conf")
        );
        assert!(cfg.warnings.is_empty(), "{:?}", cfg.warnings);
    }

    #[test]
    fn disk_includes_and_missing_include_warns() {
        let dir = tempfile::tempdir().expect("test setup");
        std::fs::create_dir(dir.path().join("sites")).expect("test setup");
        std::fs::write(
            dir.path().join("nginx.conf"),
            "http { include sites/*; include missing.conf; }",
        )
        .expect("test setup");
        std::fs::write(dir.path().join("sites/one"), "server { listen 8001; }")
            .expect("test setup");
        let cfg = load(&DiskSource, &dir.path().join("nginx.conf")).expect("test setup");
        assert_eq!(cfg.directives[0].children().len(), 1);
        assert_eq!(cfg.warnings.len(), 1);
        assert!(cfg.warnings[0].contains("missing.conf"));
    }

    #[test]
    fn wildmatch_basics() {
        assert!(wildmatch("/a/*.conf", "/a/x.conf"));
        assert!(!wildmatch("/a/*.conf", "/a/b/x.conf"));
        assert!(wildmatch("/a/?[0-9]", "/a/x7"));
        assert!(!wildmatch("/a/[!x]", "/a/x"));
    }
}

#[cfg(test)]
mod include_loop_tests {
    use super::*;

    #[test]
    fn a_file_including_itself_is_a_loop_not_an_explosion() {
        let d = tempfile::tempdir().expect("tempdir");
        let main = d.path().join("nginx.conf");
        let inc = format!("include {};\n", main.display());
        std::fs::write(
            &main,
            format!("events {{}}\n{inc}{inc}{inc}http {{ server {{ listen 8080; }} }}\n"),
        )
        .expect("write");
        let start = std::time::Instant::now();
        let cfg = load(&DiskSource, &main).expect("loads");
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "took {:?}",
            start.elapsed()
        );
        assert!(
            cfg.warnings.iter().any(|w| w.contains("includes itself")),
            "{:?}",
            cfg.warnings
        );
        assert!(cfg.warnings.len() <= MAX_WARNINGS + 1);
        // The real directives are still there once.
        assert_eq!(
            cfg.directives.iter().filter(|d| d.name == "http").count(),
            1
        );

        // Two files including each other: a loop too.
        let a = d.path().join("a.conf");
        let b = d.path().join("b.conf");
        std::fs::write(
            &a,
            format!("include {};\nworker_processes 1;\n", b.display()),
        )
        .expect("write");
        std::fs::write(&b, format!("include {};\n", a.display())).expect("write");
        let cfg = load(&DiskSource, &a).expect("loads");
        assert!(
            cfg.warnings.iter().any(|w| w.contains("includes itself")),
            "{:?}",
            cfg.warnings
        );
    }
}
