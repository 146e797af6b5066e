//! Which `location` of a server block serves a request path, by nginx's rules: an exact `=`
//! match wins; else the longest prefix is remembered, and used at once when it has `^~`; else
//! the regular expressions (`~`, `~*` case-insensitive) are tried in the order written and the
//! first match wins; else the longest prefix serves. Nested locations are flattened (as
//! [`super::ServerBlock::locations`] keeps them), so a nested one is tried like a top-level one.
//!
//! nginx's regexes are PCRE; they are evaluated with the `regex` crate. A pattern it cannot
//! compile (look-around, back-references) makes the answer undecidable when no earlier regex
//! matched: then the caller is told why rather than given a guess.

use super::{Location, ServerBlock};
use crate::tr;

/// The location serving a path.
#[derive(Debug, Clone, PartialEq)]
pub enum Located<'a> {
    /// This location serves it.
    Found(&'a Location),
    /// No location matches (nginx answers from the server level, usually 404).
    None,
    /// A regex location that comes first could not be evaluated.
    Undecidable(String),
}

/// The location of `server` that serves `path` (an URI path, no query).
pub fn location_for<'a>(server: &'a ServerBlock, path: &str) -> Located<'a> {
    let locs = &server.locations;
    if let Some(l) = locs
        .iter()
        .find(|l| l.modifier.as_deref() == Some("=") && l.path == path)
    {
        return Located::Found(l);
    }
    let prefix = locs
        .iter()
        .filter(|l| matches!(l.modifier.as_deref(), None | Some("^~")))
        .filter(|l| !l.path.starts_with('@') && path.starts_with(l.path.as_str()))
        .max_by_key(|l| l.path.len());
    if let Some(l) = prefix
        && l.modifier.as_deref() == Some("^~")
    {
        return Located::Found(l);
    }
    for l in locs {
        let insensitive = match l.modifier.as_deref() {
            Some("~") => false,
            Some("~*") => true,
            _ => continue,
        };
        let re = regex::RegexBuilder::new(&l.path)
            .case_insensitive(insensitive)
            .size_limit(1 << 20)
            .build();
        match re {
            Ok(re) if re.is_match(path) => return Located::Found(l),
            Ok(_) => {}
            Err(e) => {
                return Located::Undecidable(tr!(
                    "host-nginx-location-undecidable",
                    modifier = l.modifier.as_deref().unwrap_or_default(),
                    path = l.path,
                    at = l.at,
                    error = e.to_string().lines().last().unwrap_or_default().trim()
                ));
            }
        }
    }
    match prefix {
        Some(l) => Located::Found(l),
        None => Located::None,
    }
}

/// `location ~* ^/x$` as written (modifier and path).
pub fn label(l: &Location) -> String {
    match &l.modifier {
        Some(m) => format!("location {m} {}", l.path),
        None => format!("location {}", l.path),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Effective, Level, ProxySettings};
    use super::*;

    fn loc(modifier: Option<&str>, path: &str, at: &str) -> Location {
        let e = |v: &str| Effective {
            value: v.into(),
            from: Level::Default,
            at: None,
        };
        Location {
            modifier: modifier.map(str::to_string),
            path: path.into(),
            pass: None,
            settings: ProxySettings {
                buffer_size: e("4k"),
                buffers: e("8 4k"),
                connect_timeout: e("60s"),
                read_timeout: e("60s"),
                send_timeout: e("60s"),
                client_max_body_size: e("1m"),
                next_upstream: e("error timeout"),
                headers: vec![],
            },
            at: at.into(),
        }
    }

    fn server(locations: Vec<Location>) -> ServerBlock {
        ServerBlock {
            listen: vec!["80".into()],
            server_name: vec![],
            locations,
            at: "x:1".into(),
        }
    }

    fn at<'a>(r: Located<'a>) -> &'a str {
        match r {
            Located::Found(l) => &l.at,
            other => panic!("not found: {other:?}"),
        }
    }

    /// The locations of the Document Server's own ds-docservice.conf (abridged): the
    /// converter is served by `location /`.
    #[test]
    fn onlyoffice_locations_send_the_converter_to_the_root_location() {
        let s = server(vec![
            loc(
                Some("~"),
                r"^(\/[\d]+\.[\d]+\.[\d]+[\.|-][\w]+)?\/(web-apps|sdkjs|sdkjs-plugins|fonts)(\/.*)$",
                "static",
            ),
            loc(Some("~*"), r"^(\/cache\/files.*)(\/.*)", "cache"),
            loc(None, "/", "root"),
            loc(
                Some("~"),
                r"^/([\d]+\.[\d]+\.[\d]+[\.|-][\w]+)/(?<path>.*)$",
                "versioned",
            ),
        ]);
        assert_eq!(at(location_for(&s, "/ConvertService.ashx")), "root");
        assert_eq!(
            at(location_for(&s, "/8.2.0-1/ConvertService.ashx")),
            "versioned"
        );
        assert_eq!(at(location_for(&s, "/CACHE/files/x/y")), "cache");
    }

    #[test]
    fn exact_then_caret_tilde_then_regex_then_longest_prefix() {
        let s = server(vec![
            loc(None, "/", "root"),
            loc(None, "/conv", "prefix"),
            loc(Some("~"), r"\.ashx$", "regex"),
            loc(Some("^~"), "/static/", "nore"),
            loc(Some("="), "/ConvertService.ashx", "exact"),
        ]);
        assert_eq!(at(location_for(&s, "/ConvertService.ashx")), "exact");
        assert_eq!(at(location_for(&s, "/x/ConvertService.ashx")), "regex");
        assert_eq!(at(location_for(&s, "/static/a.ashx")), "nore");
        assert_eq!(at(location_for(&s, "/converter")), "prefix");
        assert_eq!(location_for(&server(vec![]), "/x"), Located::None);
    }

    #[test]
    fn a_regex_the_engine_cannot_read_is_undecidable_not_a_guess() {
        let s = server(vec![
            loc(None, "/", "root"),
            loc(Some("~"), r"^/(?!api/)x", "lookahead"),
        ]);
        match location_for(&s, "/ConvertService.ashx") {
            Located::Undecidable(why) => assert!(why.contains("lookahead"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
}
