//! What another box's `triage502 check --format json` answered, read as untrusted input: at
//! most [`MAX_ANSWER`] bytes, parsed with the schema this version expects (unknown fields
//! ignored, missing ones defaulted), every list and string cut to a bound, and a state word
//! it does not know read as UNKNOWN. Nothing here is printed as it came: the renderers pass
//! every string through [`crate::sanitize`].

use crate::verdict::State;
use serde::{Deserialize, Deserializer, Serialize};

/// The most bytes read from one host's answer.
pub const MAX_ANSWER: usize = 4 * 1024 * 1024;
/// The longest string kept from an answer (characters).
const MAX_STR: usize = 2000;
/// The most entries kept of a list in an answer.
const MAX_ITEMS: usize = 64;
/// The check JSON schema this version reads.
pub const SCHEMA: u32 = 1;

/// A state word as `check` writes it (`OK`, `WARN`, `UNKNOWN`, `FAIL`); any other is UNKNOWN.
fn state<'de, D: Deserializer<'de>>(d: D) -> Result<State, D::Error> {
    let s = String::deserialize(d)?;
    Ok(match s.as_str() {
        "OK" => State::Ok,
        "WARN" => State::Warn,
        "FAIL" => State::Fail,
        _ => State::Unknown,
    })
}

fn unknown() -> State {
    State::Unknown
}

/// The answer of one host.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RemoteCheck {
    /// Schema version (1).
    pub schema: u32,
    /// The version of triage502 there (absent before `fleet` existed).
    #[serde(default)]
    pub version: Option<String>,
    /// That box's host name.
    #[serde(default)]
    pub host: String,
    /// The profile it ran.
    #[serde(default)]
    pub profile: String,
    /// When its round finished (its clock).
    #[serde(default)]
    pub at: String,
    /// Its worst state.
    #[serde(deserialize_with = "state", default = "unknown")]
    pub state: State,
    /// Why it could not run a round (an unusable config there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Its hops in chain order.
    #[serde(default)]
    pub hops: Vec<RemoteHop>,
    /// Its findings, ranked.
    #[serde(default)]
    pub findings: Vec<RemoteFinding>,
    /// No red hop and no finding.
    #[serde(default)]
    pub all_clear: bool,
    /// What it could not check.
    #[serde(default)]
    pub unchecked: Vec<RemoteUnchecked>,
    /// Its walkthrough.
    #[serde(default)]
    pub walkthrough: Vec<RemoteStep>,
}

/// A hop there.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RemoteHop {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Kind.
    #[serde(default)]
    pub kind: String,
    /// What was probed.
    #[serde(default)]
    pub target: String,
    /// Verdict.
    #[serde(deserialize_with = "state", default = "unknown")]
    pub state: State,
    /// Time it took.
    #[serde(default)]
    pub latency_ms: Option<f64>,
    /// Why.
    #[serde(default)]
    pub reason: String,
}

/// A finding there.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RemoteFinding {
    /// Stable id.
    #[serde(default)]
    pub id: String,
    /// One line.
    #[serde(default)]
    pub title: String,
    /// FAIL or WARN.
    #[serde(deserialize_with = "state", default = "unknown")]
    pub severity: State,
    /// high, medium, low.
    #[serde(default)]
    pub confidence: String,
    /// The evidence.
    #[serde(default)]
    pub evidence: Vec<RemoteEvidence>,
    /// Why it breaks things.
    #[serde(default)]
    pub explanation: String,
    /// What to do.
    #[serde(default)]
    pub next_steps: Vec<String>,
    /// The recovery action there (never offered from the fleet view).
    #[serde(default)]
    pub action: Option<String>,
}

/// One piece of evidence.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RemoteEvidence {
    /// Where it comes from.
    #[serde(default)]
    pub source: String,
    /// What it says.
    #[serde(default)]
    pub fact: String,
}

/// Something not checked there.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RemoteUnchecked {
    /// What.
    #[serde(default)]
    pub what: String,
    /// Why not.
    #[serde(default)]
    pub why: String,
}

/// A walkthrough step there.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RemoteStep {
    /// Its title.
    #[serde(default)]
    pub title: String,
    /// Its verdict.
    #[serde(deserialize_with = "state", default = "unknown")]
    pub verdict: State,
    /// Its checks.
    #[serde(default)]
    pub checks: Vec<RemoteStepCheck>,
    /// What to do next.
    #[serde(default)]
    pub next: String,
}

/// A check of a walkthrough step.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RemoteStepCheck {
    /// What was checked.
    #[serde(default)]
    pub label: String,
    /// Its state.
    #[serde(deserialize_with = "state", default = "unknown")]
    pub state: State,
    /// What was seen.
    #[serde(default)]
    pub evidence: String,
}

/// Why an answer was not taken.
#[derive(Debug, Clone, PartialEq)]
pub enum Refused {
    /// Not the JSON object `check` writes.
    NotJson(String),
    /// A triage502 too old for `fleet` (no `version`), or another schema.
    TooOld(String),
}

fn cut(s: &mut String) {
    if s.chars().count() > MAX_STR {
        *s = crate::util::shorten(s, MAX_STR);
    }
}

fn cut_list<T>(v: &mut Vec<T>) {
    v.truncate(MAX_ITEMS);
}

impl RemoteCheck {
    /// Parse an answer (already at most [`MAX_ANSWER`] bytes).
    pub fn parse(bytes: &[u8]) -> Result<RemoteCheck, Refused> {
        let bytes = &bytes[..bytes.len().min(MAX_ANSWER)];
        let mut r: RemoteCheck = serde_json::from_slice(bytes)
            .map_err(|e| Refused::NotJson(format!("its answer is not check's JSON ({e})")))?;
        if r.schema != SCHEMA {
            return Err(Refused::TooOld(format!(
                "its check JSON has schema {}; this triage502 reads schema {SCHEMA}",
                r.schema
            )));
        }
        if r.version.is_none() && r.error.is_none() {
            return Err(Refused::TooOld(
                "triage502 there is too old for fleet: its check JSON has no version \
                 (install the same version there)"
                    .into(),
            ));
        }
        r.bound();
        Ok(r)
    }

    /// Cut every list and string to its bound.
    fn bound(&mut self) {
        for s in [&mut self.host, &mut self.profile, &mut self.at] {
            cut(s);
        }
        if let Some(v) = &mut self.version {
            v.truncate(v.char_indices().nth(40).map_or(v.len(), |(i, _)| i));
        }
        if let Some(e) = &mut self.error {
            cut(e);
        }
        cut_list(&mut self.hops);
        for h in &mut self.hops {
            for s in [&mut h.name, &mut h.kind, &mut h.target, &mut h.reason] {
                cut(s);
            }
        }
        cut_list(&mut self.findings);
        for f in &mut self.findings {
            for s in [
                &mut f.id,
                &mut f.title,
                &mut f.confidence,
                &mut f.explanation,
            ] {
                cut(s);
            }
            cut_list(&mut f.evidence);
            for e in &mut f.evidence {
                cut(&mut e.source);
                cut(&mut e.fact);
            }
            cut_list(&mut f.next_steps);
            f.next_steps.iter_mut().for_each(cut);
            if let Some(a) = &mut f.action {
                cut(a);
            }
        }
        cut_list(&mut self.unchecked);
        for u in &mut self.unchecked {
            cut(&mut u.what);
            cut(&mut u.why);
        }
        cut_list(&mut self.walkthrough);
        for s in &mut self.walkthrough {
            cut(&mut s.title);
            cut(&mut s.next);
            cut_list(&mut s.checks);
            for c in &mut s.checks {
                cut(&mut c.label);
                cut(&mut c.evidence);
            }
        }
    }

    /// The top finding, if any.
    pub fn top(&self) -> Option<&RemoteFinding> {
        self.findings.first()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_answer_parses_and_unknown_words_read_unknown() {
        let j = br#"{"schema":1,"version":"0.1.0","host":"b","state":"FAIL","extra":1,
            "hops":[{"name":"app","state":"BOGUS","reason":"r","detail":{}}],
            "findings":[{"id":"service_down","title":"t","severity":"FAIL"}],
            "walkthrough":[{"title":"Global view","verdict":"FAIL","checks":[],"next":"n"}]}"#;
        let r = RemoteCheck::parse(j).expect("parses");
        assert_eq!(r.state, State::Fail);
        assert_eq!(r.hops[0].state, State::Unknown);
        assert_eq!(r.top().map(|f| f.id.as_str()), Some("service_down"));
        assert_eq!(r.walkthrough[0].verdict, State::Fail);
    }

    #[test]
    fn old_or_foreign_answers_are_refused_with_why() {
        let old = br#"{"schema":1,"host":"b","state":"OK"}"#;
        assert!(matches!(RemoteCheck::parse(old), Err(Refused::TooOld(_))));
        let other = br#"{"schema":2,"version":"9","state":"OK"}"#;
        assert!(matches!(RemoteCheck::parse(other), Err(Refused::TooOld(_))));
        assert!(matches!(
            RemoteCheck::parse(b"Welcome to office-01!\n{"),
            Err(Refused::NotJson(_))
        ));
        assert!(matches!(
            RemoteCheck::parse(b"[1,2]"),
            Err(Refused::NotJson(_))
        ));
    }

    #[test]
    fn long_strings_and_lists_are_cut() {
        let title = "x".repeat(3000);
        let findings: Vec<String> = (0..500)
            .map(|i| format!(r#"{{"id":"f{i}","title":"{title}","severity":"WARN"}}"#))
            .collect();
        let j = format!(
            r#"{{"schema":1,"version":"0.1.0","state":"WARN","findings":[{}]}}"#,
            findings.join(",")
        );
        let r = RemoteCheck::parse(j.as_bytes()).expect("parses");
        assert_eq!(r.findings.len(), MAX_ITEMS);
        assert!(r.findings[0].title.chars().count() <= MAX_STR);
    }
}
