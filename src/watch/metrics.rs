//! The Prometheus metrics of `watch`, kept with the `prometheus-client` crate (its registry
//! and OpenMetrics text encoder) rather than a hand-written exposition format. Every label set
//! is bounded: hop names, kinds and roles come from the config, finding ids and log classes
//! are the program's own stable ids, receivers are named in the config, results are a fixed
//! handful. No URL, message or other free text is ever a label, and no metric is named `up`
//! (Prometheus's own).

use crate::engine::State;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;

type Labels = Vec<(String, String)>;
type FGauge = Gauge<f64, AtomicU64>;

/// Distinct upstream label values of `triage502_client_errors_total`.
pub const MAX_UPSTREAMS: usize = 16;

/// The content type of [`Metrics::encode`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Every metric, and the registry that encodes them.
pub struct Metrics {
    registry: Registry,
    hop_up: Family<Labels, Gauge>,
    hop_latency: Family<Labels, FGauge>,
    finding_active: Family<Labels, Gauge>,
    log_entries: Family<Labels, Counter>,
    deliveries: Family<Labels, Counter>,
    client_errors: Family<Labels, Counter>,
    /// Upstream label values used so far (at most [`MAX_UPSTREAMS`]).
    upstreams: Mutex<Vec<String>>,
    round_duration: Histogram,
    rounds: Counter,
    /// (id, severity) of every finding series set so far, to set the absent ones to 0.
    findings_seen: Mutex<Vec<(String, String)>>,
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

/// The commit this binary was built from (set by the build), or `unknown`.
pub fn commit() -> &'static str {
    option_env!("TRIAGE502_COMMIT").unwrap_or("unknown")
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A registry with every metric registered.
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let hop_up = Family::<Labels, Gauge>::default();
        registry.register(
            "triage502_hop_up",
            "1 when the hop answers as expected (OK or WARN), 0 when it fails or is unknown",
            hop_up.clone(),
        );
        let hop_latency = Family::<Labels, FGauge>::default();
        registry.register_with_unit(
            "triage502_hop_latency",
            "Latency of the hop's last probe",
            Unit::Seconds,
            hop_latency.clone(),
        );
        let finding_active = Family::<Labels, Gauge>::default();
        registry.register(
            "triage502_finding_active",
            "1 while the finding is in the latest diagnosis, else 0",
            finding_active.clone(),
        );
        let log_entries = Family::<Labels, Counter>::default();
        registry.register(
            "triage502_log_entries",
            "Classified nginx error and Document Server log entries read, by class",
            log_entries.clone(),
        );
        let deliveries = Family::<Labels, Counter>::default();
        registry.register(
            "triage502_alert_deliveries",
            "Alert delivery outcomes by receiver: ok, error (one failed attempt), gave_up, dropped",
            deliveries.clone(),
        );
        let client_errors = Family::<Labels, Counter>::default();
        registry.register(
            "triage502_client_errors",
            "502/503/504 answers to clients in the nginx access logs, by status and upstream",
            client_errors.clone(),
        );
        let round_duration = Histogram::new(exponential_buckets(0.005, 2.0, 14));
        registry.register_with_unit(
            "triage502_round_duration",
            "Time from the start of a probe round to its last result",
            Unit::Seconds,
            round_duration.clone(),
        );
        let rounds = Counter::default();
        registry.register("triage502_rounds", "Probe rounds finished", rounds.clone());
        let build = Family::<Labels, Gauge>::default();
        build
            .get_or_create(&labels(&[
                ("version", env!("CARGO_PKG_VERSION")),
                ("commit", commit()),
            ]))
            .set(1);
        registry.register("triage502_build_info", "Always 1: the build", build);
        Metrics {
            registry,
            hop_up,
            hop_latency,
            finding_active,
            log_entries,
            deliveries,
            client_errors,
            upstreams: Mutex::new(Vec::new()),
            round_duration,
            rounds,
            findings_seen: Mutex::new(Vec::new()),
        }
    }

    /// The OpenMetrics text.
    pub fn encode(&self) -> String {
        let mut s = String::new();
        if encode(&mut s, &self.registry).is_err() {
            s = "# EOF\n".into();
        }
        s
    }

    /// One delivery outcome of a receiver.
    pub fn delivery(&self, receiver: &str, result: &str) {
        self.deliveries
            .get_or_create(&labels(&[("receiver", receiver), ("result", result)]))
            .inc();
    }

    /// Log entries read, one class id per entry.
    pub fn log_entries<'a>(&self, classes: impl Iterator<Item = &'a str>) {
        for c in classes {
            self.log_entries
                .get_or_create(&labels(&[("class", c)]))
                .inc();
        }
    }

    /// Bad gateways read from the access logs since the previous look, by (status,
    /// upstream). The upstream comes from a log line: kept as a label only when it looks like
    /// an address and while fewer than [`MAX_UPSTREAMS`] are in use, else `other`.
    pub fn client_errors(&self, fresh: &std::collections::BTreeMap<(u16, String), u64>) {
        let Ok(mut ups) = self.upstreams.lock() else {
            return;
        };
        for ((status, up), n) in fresh {
            let address = !up.is_empty()
                && up.len() <= 100
                && up
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".:[]/_-".contains(c));
            let label = if address && (ups.contains(up) || ups.len() < MAX_UPSTREAMS) {
                if !ups.contains(up) {
                    ups.push(up.clone());
                }
                up.as_str()
            } else {
                "other"
            };
            self.client_errors
                .get_or_create(&labels(&[
                    ("status", &status.to_string()),
                    ("upstream", label),
                ]))
                .inc_by(*n);
        }
    }

    /// A round took `secs`.
    pub fn round(&self, secs: f64) {
        self.round_duration.observe(secs);
        self.rounds.inc();
    }

    /// Rounds observed so far.
    pub fn rounds(&self) -> u64 {
        self.rounds.get()
    }

    /// Set the hop and finding gauges from the state after a round.
    pub fn set_state(&self, state: &State) {
        for h in &state.hops {
            let Some(r) = &h.last else { continue };
            let up = matches!(r.state, crate::probe::State::Ok | crate::probe::State::Warn);
            self.hop_up
                .get_or_create(&labels(&[
                    ("hop", &h.hop.name),
                    ("kind", h.hop.kind.as_str()),
                    ("role", role_name(h.hop.role)),
                ]))
                .set(i64::from(up));
            if let Some(ms) = r.latency_ms {
                self.hop_latency
                    .get_or_create(&labels(&[("hop", &h.hop.name)]))
                    .set(ms / 1000.0);
            }
        }
        let now: Vec<(String, String)> = state
            .diagnosis
            .findings
            .iter()
            .map(|f| (f.id.to_string(), f.severity.word().to_string()))
            .collect();
        let Ok(mut seen) = self.findings_seen.lock() else {
            return;
        };
        for k in &now {
            if !seen.contains(k) {
                seen.push(k.clone());
            }
        }
        for (id, sev) in seen.iter() {
            let active = now.iter().any(|(i, s)| i == id && s == sev);
            self.finding_active
                .get_or_create(&labels(&[("id", id), ("severity", sev)]))
                .set(i64::from(active));
        }
    }
}

/// The config's name of a role.
fn role_name(r: crate::config::Role) -> &'static str {
    use crate::config::Role;
    match r {
        Role::Dns => "dns",
        Role::Proxy => "proxy",
        Role::ViaProxy => "via-proxy",
        Role::Upstream => "upstream",
        Role::Dependency => "dependency",
        Role::Storage => "storage",
        Role::Other => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_has_the_documented_names_and_no_plain_up() {
        let m = Metrics::new();
        m.delivery("oncall", "ok");
        m.log_entries(["upstream_refused", "upstream_refused"].into_iter());
        m.round(0.25);
        let mut fresh = std::collections::BTreeMap::new();
        fresh.insert((502, "127.0.0.1:8000".to_string()), 3);
        fresh.insert((504, "evil\"} 1\nx{".to_string()), 1);
        m.client_errors(&fresh);
        let cfg = crate::config::parse(
            "[[hop]]\nname = \"ds\"\nkind = \"tcp\"\nrole = \"upstream\"\ntarget = \"127.0.0.1:1\"\n",
            "t",
        )
        .expect("config");
        let mut st = crate::engine::State::new(std::sync::Arc::new(cfg), "t".into());
        st.apply(crate::engine::Update::Probe(
            crate::probe::scheduler::ProbeEvent::Result(Box::new(crate::probe::HopResult {
                name: "ds".into(),
                kind: crate::config::HopKind::Tcp,
                role: crate::config::Role::Upstream,
                target: "127.0.0.1:1".into(),
                state: crate::probe::State::Fail,
                latency_ms: Some(1.5),
                reason: "refused".into(),
                detail: Default::default(),
                at: chrono::Utc::now(),
            })),
        ));
        st.rediagnose();
        m.set_state(&st);
        let t = m.encode();
        for want in [
            "triage502_hop_up{hop=\"ds\",kind=\"tcp\",role=\"upstream\"} 0",
            "triage502_hop_latency_seconds{hop=\"ds\"} 0.0015",
            "triage502_finding_active{id=\"hop_failing\",severity=\"FAIL\"} 1",
            "triage502_log_entries_total{class=\"upstream_refused\"} 2",
            "triage502_alert_deliveries_total{receiver=\"oncall\",result=\"ok\"} 1",
            "triage502_round_duration_seconds_count 1",
            "triage502_rounds_total 1",
            "triage502_client_errors_total{status=\"502\",upstream=\"127.0.0.1:8000\"} 3",
            "triage502_client_errors_total{status=\"504\",upstream=\"other\"} 1",
            "triage502_build_info{version=\"",
            "# EOF",
        ] {
            assert!(t.contains(want), "{want} missing in\n{t}");
        }
        assert!(
            !t.lines()
                .any(|l| l.starts_with("up{") || l.starts_with("up ")),
            "{t}"
        );
        assert_eq!(m.rounds(), 1);
    }
}
