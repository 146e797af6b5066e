//! The integrator embedding the Document Server: a Nextcloud (or ownCloud) `config.php` with an
//! `'onlyoffice'` array — looked for under the `root` of every nginx server block and in the
//! usual places — gives the public Document Server URL users open and the storage URL the
//! Document Server calls back; else Seafile's `seahub_settings.py` with `ENABLE_ONLYOFFICE`
//! (its `ONLYOFFICE_APIJS_URL` gives the public URL). Its secret is not copied: the config
//! names the file, and the integration checks read it from there.

use std::path::{Path, PathBuf};

use crate::config::IntegrationKind;
use crate::onlyoffice::{php, pyset};

/// Largest `config.php` read.
const MAX_CONFIG_PHP: u64 = 1 << 20;
/// Where Nextcloud usually lives.
const USUAL: [&str; 3] = [
    "/var/www/nextcloud",
    "/var/www/html/nextcloud",
    "/var/www/html",
];

/// Where Seafile usually keeps its settings.
const SEAFILE_USUAL: [&str; 3] = [
    "/opt/seafile/conf/seahub_settings.py",
    "/opt/seafile-data/seafile/conf/seahub_settings.py",
    "/shared/seafile/conf/seahub_settings.py",
];
/// The path of the editor's API script under the Document Server's URL.
const API_JS: &str = "/web-apps/apps/api/documents/api.js";

/// An integrator found with its ONLYOFFICE settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integrator {
    /// Nextcloud or Seafile.
    pub kind: IntegrationKind,
    /// Its `config.php` / `seahub_settings.py`.
    pub file: PathBuf,
    /// `onlyoffice.DocumentServerUrl`: the public URL of the Document Server.
    pub document_server_url: Option<String>,
    /// `onlyoffice.StorageUrl`: the URL the Document Server reaches Nextcloud at.
    pub storage_url: Option<String>,
    /// `overwrite.cli.url`: Nextcloud's own URL.
    pub base_url: Option<String>,
    /// `php ROOT/occ` (Nextcloud keeps the connector's settings in its database when they are
    /// set in its web page): the integration checks run it, as the owner of `config.php`.
    pub occ: Vec<String>,
}

/// Reads one `config.php` of the Nextcloud in `root`; `None` unless it has an `'onlyoffice'`
/// array or the connector is installed (`apps/onlyoffice`, `custom_apps/onlyoffice`).
pub fn read(p: &Path) -> Result<Option<Integrator>, String> {
    let (b, _) = crate::fsafe::read_capped(p, MAX_CONFIG_PHP, true)
        .map_err(|e| format!("{}: {e}", p.display()))?;
    let c = php::parse_config(&String::from_utf8_lossy(&b));
    let root = p.parent().and_then(Path::parent).unwrap_or(Path::new("/"));
    let app = ["apps/onlyoffice", "custom_apps/onlyoffice"]
        .iter()
        .any(|a| root.join(a).is_dir());
    let oo = c.get("onlyoffice");
    if oo.is_none() && !app {
        return Ok(None);
    }
    let occ = root.join("occ");
    let occ = if occ.is_file() {
        vec!["php".to_string(), occ.display().to_string()]
    } else {
        Vec::new()
    };
    let s = |k: &str| {
        oo?.get(k)
            .and_then(php::PhpValue::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    Ok(Some(Integrator {
        kind: IntegrationKind::Nextcloud,
        file: p.to_path_buf(),
        document_server_url: s("DocumentServerUrl"),
        storage_url: s("StorageUrl"),
        base_url: c
            .get("overwrite.cli.url")
            .and_then(php::PhpValue::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        occ,
    }))
}

/// Reads one `seahub_settings.py`; `None` unless `ENABLE_ONLYOFFICE` is true.
pub fn read_seahub(p: &Path) -> Result<Option<Integrator>, String> {
    let (b, _) = crate::fsafe::read_capped(p, MAX_CONFIG_PHP, true)
        .map_err(|e| format!("{}: {e}", p.display()))?;
    let a = pyset::parse(&String::from_utf8_lossy(&b));
    let s = |k: &str| {
        a.get(k)
            .and_then(|x| x.value.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    if a.get("ENABLE_ONLYOFFICE").and_then(|x| x.value.as_bool()) != Some(true) {
        return Ok(None);
    }
    Ok(Some(Integrator {
        kind: IntegrationKind::Seafile,
        file: p.to_path_buf(),
        document_server_url: s("ONLYOFFICE_APIJS_URL")
            .map(|u| u.strip_suffix(API_JS).map(|b| format!("{b}/")).unwrap_or(u)),
        storage_url: None,
        base_url: s("SERVICE_URL"),
        occ: Vec::new(),
    }))
}

/// The first integrator with ONLYOFFICE settings: a Nextcloud under `roots` (nginx's) or the
/// usual places, else a Seafile in its usual places; and the files that could not be read.
pub fn find(roots: &[PathBuf]) -> (Option<Integrator>, Vec<String>) {
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    for r in roots
        .iter()
        .cloned()
        .chain(USUAL.iter().map(PathBuf::from))
        .take(64)
    {
        let p = r.join("config/config.php");
        if seen.contains(&p) || !p.exists() {
            continue;
        }
        seen.push(p.clone());
        match read(&p) {
            Ok(Some(n)) => return (Some(n), problems),
            Ok(None) => {}
            Err(e) => problems.push(e),
        }
    }
    for p in SEAFILE_USUAL.iter().map(Path::new).filter(|p| p.exists()) {
        match read_seahub(p) {
            Ok(Some(s)) => return (Some(s), problems),
            Ok(None) => {}
            Err(e) => problems.push(e),
        }
    }
    (None, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nextcloud_config_php_under_a_root() {
        let d = tempfile::tempdir().expect("tmp");
        std::fs::create_dir(d.path().join("config")).expect("dir");
        std::fs::write(
            d.path().join("config/config.php"),
            "<?php\n$CONFIG = array (\n  'overwrite.cli.url' => 'https://cloud.example.org',\n  \
             'onlyoffice' => array (\n    'DocumentServerUrl' => 'https://docs.example.org/ds-vpath/',\n    \
             'jwt_secret' => 'x',\n  ),\n);\n",
        )
        .expect("write");
        let (n, problems) = find(&[d.path().to_path_buf()]);
        assert!(problems.is_empty(), "{problems:?}");
        let n = n.expect("found");
        assert_eq!(
            n.document_server_url.as_deref(),
            Some("https://docs.example.org/ds-vpath/")
        );
        assert_eq!(n.base_url.as_deref(), Some("https://cloud.example.org"));
        assert_eq!(n.kind, IntegrationKind::Nextcloud);
        assert!(n.occ.is_empty());
    }

    #[test]
    fn a_nextcloud_with_the_connector_installed_is_read_through_occ() {
        let d = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(d.path().join("config")).expect("dir");
        let conf = d.path().join("config/config.php");
        std::fs::write(&conf, "<?php\n$CONFIG = array ('installed' => true);\n").expect("write");
        std::fs::write(d.path().join("occ"), "<?php\n").expect("write");
        // Without the connector it is not the Document Server's integrator.
        assert_eq!(read(&conf), Ok(None));
        std::fs::create_dir_all(d.path().join("custom_apps/onlyoffice")).expect("dir");
        let n = read(&conf).expect("reads").expect("the connector");
        assert_eq!(
            n.occ,
            [
                "php".to_string(),
                d.path().join("occ").display().to_string()
            ]
        );
        assert_eq!(n.document_server_url, None);
    }

    #[test]
    fn seahub_settings_give_the_public_url() {
        let d = tempfile::tempdir().expect("tmp");
        let p = d.path().join("seahub_settings.py");
        std::fs::write(
            &p,
            "SERVICE_URL = 'https://files.example.org'\nENABLE_ONLYOFFICE = True\n\
             ONLYOFFICE_APIJS_URL = 'https://docs.example.org/web-apps/apps/api/documents/api.js'\n\
             ONLYOFFICE_JWT_SECRET = 'x'\n",
        )
        .expect("write");
        let s = read_seahub(&p).expect("reads").expect("enabled");
        assert_eq!(s.kind, IntegrationKind::Seafile);
        assert_eq!(
            s.document_server_url.as_deref(),
            Some("https://docs.example.org/")
        );
        assert_eq!(s.base_url.as_deref(), Some("https://files.example.org"));
        std::fs::write(&p, "ENABLE_ONLYOFFICE = False\n").expect("write");
        assert_eq!(read_seahub(&p), Ok(None));
    }
}
