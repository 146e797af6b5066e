//! Rules on how the Document Server and its connector are deployed (facts from
//! `onlyoffice::deploy` in the integration report): a Docker Document Server whose JWT secret
//! changes at every restart (`jwt_secret_ephemeral`), and a Nextcloud connector that disabled
//! itself after a failed check (`connector_disabled`).

use super::*;

pub(super) fn jwt_secret_ephemeral(c: &Ctx<'_>) -> Option<Finding> {
    let d = c.input.integration?.docserver.docker.as_ref()?;
    if !d.secret_is_ephemeral() {
        return None;
    }
    let enabled = match &d.jwt_enabled {
        Some(v) => format!("JWT_ENABLED={v}"),
        None => "JWT_ENABLED not set (JWT is on by default since 7.2)".into(),
    };
    let mut ev = vec![Evidence {
        source: "integration:docker".into(),
        fact: format!(
            "docker inspect {}: image {}, {enabled}, no JWT_SECRET in its environment",
            d.container,
            d.image.as_deref().unwrap_or("unknown")
        ),
    }];
    // A local.json on a volume may keep a secret set by hand; the start script still writes
    // JWT_SECRET's random default over it in the versions read, so this lowers confidence only.
    let confidence = match &d.config_mount {
        Some(src) => {
            ev.push(Evidence {
                source: "integration:docker".into(),
                fact: format!("/etc/onlyoffice/documentserver is mounted from {src}"),
            });
            Confidence::Medium
        }
        None => Confidence::High,
    };
    let mut f = finding(
        "jwt_secret_ephemeral",
        format!(
            "Docker Document Server {} has no JWT_SECRET: its secret changes at every restart",
            d.container
        ),
        confidence,
        ev,
        "The image's start script sets JWT_SECRET to a new random value (pwgen -s 32) when none is given, at every start of the container: the integrator keeps the old secret and every request is refused with a token error after the next restart or update.",
        vec![
            format!(
                "Give the container a fixed secret: JWT_SECRET=<the integrator's jwt_secret> in its environment (docker run -e / compose `environment:`), then recreate it ({}).",
                d.container
            ),
            "Until then, avoid restarting or updating the container; read the current secret with: docker exec CONTAINER documentserver-jwt-status.sh".into(),
        ],
        None,
        Vec::new(),
    );
    f.severity = State::Warn;
    Some(f)
}

pub(super) fn connector_disabled(c: &Ctx<'_>) -> Option<Finding> {
    let report = c.input.integration?;
    let st = report.integrator.connector.as_ref()?;
    let text = st.settings_error.as_deref()?;
    let since = match (&st.first_seen, &st.first_seen_note) {
        (Some(t), None) => format!("first seen by triage502 at {t}"),
        (Some(t), Some(note)) => format!("seen at {t} ({note})"),
        _ => "first seen now".into(),
    };
    let ev = vec![Evidence {
        source: "integration:occ".into(),
        fact: format!(
            "occ config:app:get onlyoffice settings_error: \"{}\"; {since}",
            crate::util::shorten(text, 300)
        ),
    }];
    let red = c.red().count();
    let mut next = Vec::new();
    if red > 0 {
        next.push(format!(
            "First fix the chain ({red} hop{} red: see the other findings); the connector keeps refusing until its own check passes.",
            if red == 1 { "" } else { "s" }
        ));
    }
    next.push("Once the chain works, clear it: occ onlyoffice:documentserver --check (runs the connector's check again), or occ config:app:delete onlyoffice settings_error, or save the ONLYOFFICE settings again in Nextcloud's admin page.".into());
    Some(finding(
        "connector_disabled",
        format!(
            "{}'s ONLYOFFICE connector disabled itself: {}",
            report.integrator.name,
            crate::util::shorten(text, 100)
        ),
        Confidence::High,
        ev,
        "After a failed connection check the connector stores the error in its app config (settings_error) and refuses to open documents until it is cleared; users only see that ONLYOFFICE is not available, even after the Document Server is fixed.",
        next,
        None,
        Vec::new(),
    ))
}
