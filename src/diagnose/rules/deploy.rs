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
        None => tr!("ev-docker-jwt-enabled-unset"),
    };
    let mut ev = vec![Evidence {
        source: "integration:docker".into(),
        fact: tr!(
            "ev-docker-no-jwt-secret",
            container = d.container,
            image = d
                .image
                .clone()
                .unwrap_or_else(|| tr!("ev-docker-image-unknown")),
            enabled = enabled
        ),
    }];
    // A local.json on a volume may keep a secret set by hand; the start script still writes
    // JWT_SECRET's random default over it in the versions read, so this lowers confidence only.
    let confidence = match &d.config_mount {
        Some(src) => {
            ev.push(Evidence {
                source: "integration:docker".into(),
                fact: tr!("ev-docker-config-mount", src = src),
            });
            Confidence::Medium
        }
        None => Confidence::High,
    };
    let mut f = finding(
        "jwt_secret_ephemeral",
        tr!(
            "finding-jwt_secret_ephemeral-title",
            container = d.container
        ),
        confidence,
        ev,
        tr!("finding-jwt_secret_ephemeral-why"),
        vec![
            tr!(
                "finding-jwt_secret_ephemeral-next-fix",
                container = d.container
            ),
            tr!("finding-jwt_secret_ephemeral-next-until"),
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
        (Some(t), None) => tr!("ev-connector-first-seen", time = t),
        (Some(t), Some(note)) => tr!("ev-connector-seen-note", time = t, note = note),
        _ => tr!("ev-connector-first-seen-now"),
    };
    let ev = vec![Evidence {
        source: "integration:occ".into(),
        fact: tr!(
            "ev-connector-settings-error",
            error = crate::util::shorten(text, 300),
            since = since
        ),
    }];
    let red = c.red().count();
    let mut next = Vec::new();
    if red > 0 {
        next.push(if red == 1 {
            tr!("finding-connector_disabled-next-chain-one", count = red)
        } else {
            tr!("finding-connector_disabled-next-chain-many", count = red)
        });
    }
    next.push(tr!("finding-connector_disabled-next-clear"));
    Some(finding(
        "connector_disabled",
        tr!(
            "finding-connector_disabled-title",
            integrator = report.integrator.name,
            error = crate::util::shorten(text, 100)
        ),
        Confidence::High,
        ev,
        tr!("finding-connector_disabled-why"),
        next,
        None,
        Vec::new(),
    ))
}
