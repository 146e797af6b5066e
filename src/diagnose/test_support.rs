//! Helpers the diagnosis' unit tests share (the rule tests of every layer): the results of a
//! whole chain, all green, and one hop set to a state with its details.

use crate::config::Config;
use crate::probe::{Detail, HopResult, State};

/// Results for every hop of `c`, all OK, to be edited per test.
pub(crate) fn green(c: &Config) -> Vec<HopResult> {
    c.hops
        .iter()
        .map(|h| HopResult {
            name: h.name.clone(),
            kind: h.kind,
            role: h.role,
            target: h.display_target().to_string(),
            state: State::Ok,
            latency_ms: Some(1.0),
            reason: "ok".into(),
            detail: Detail::default(),
            at: chrono::Utc::now(),
        })
        .collect()
}

/// Set hop `name` to `state` (its reason says so) and let `f` fill its details.
pub(crate) fn set(hops: &mut [HopResult], name: &str, state: State, f: impl FnOnce(&mut Detail)) {
    let h = hops
        .iter_mut()
        .find(|h| h.name == name)
        .expect("hop exists");
    h.state = state;
    h.reason = format!("{name} {state:?}");
    f(&mut h.detail);
}

/// A finding with only its id, a title made from it and a severity (the watch tests' alerts).
pub fn finding(id: &'static str, severity: State) -> super::Finding {
    super::Finding {
        id,
        title: format!("{id} title"),
        severity,
        confidence: super::Confidence::High,
        evidence: Vec::new(),
        explanation: String::new(),
        next_steps: Vec::new(),
        action: None,
        explains: Vec::new(),
    }
}
