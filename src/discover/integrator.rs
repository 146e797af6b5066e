//! The integrator embedding the Document Server: a Nextcloud (or ownCloud) `config.php` with an
//! `'onlyoffice'` array — looked for under the `root` of every nginx server block and in the
//! usual places — gives the public Document Server URL users open and the storage URL the
//! Document Server calls back. Its secret is not copied: the config names the file, and the
//! integration checks read it from there.

use std::path::{Path, PathBuf};

use crate::onlyoffice::php;

/// Largest `config.php` read.
const MAX_CONFIG_PHP: u64 = 1 << 20;
/// Where Nextcloud usually lives.
const USUAL: [&str; 3] = [
    "/var/www/nextcloud",
    "/var/www/html/nextcloud",
    "/var/www/html",
];

/// A Nextcloud found with its ONLYOFFICE settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nextcloud {
    /// Its `config.php`.
    pub config_php: PathBuf,
    /// `onlyoffice.DocumentServerUrl`: the public URL of the Document Server.
    pub document_server_url: Option<String>,
    /// `onlyoffice.StorageUrl`: the URL the Document Server reaches Nextcloud at.
    pub storage_url: Option<String>,
    /// `overwrite.cli.url`: Nextcloud's own URL.
    pub base_url: Option<String>,
}

/// Reads one `config.php`; `None` when it has no `'onlyoffice'` array.
pub fn read(p: &Path) -> Result<Option<Nextcloud>, String> {
    let (b, _) = crate::fsafe::read_capped(p, MAX_CONFIG_PHP, true)
        .map_err(|e| format!("{}: {e}", p.display()))?;
    let c = php::parse_config(&String::from_utf8_lossy(&b));
    let Some(oo) = c.get("onlyoffice") else {
        return Ok(None);
    };
    let s = |k: &str| {
        oo.get(k)
            .and_then(php::PhpValue::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    Ok(Some(Nextcloud {
        config_php: p.to_path_buf(),
        document_server_url: s("DocumentServerUrl"),
        storage_url: s("StorageUrl"),
        base_url: c
            .get("overwrite.cli.url")
            .and_then(php::PhpValue::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    }))
}

/// The first Nextcloud with ONLYOFFICE settings under `roots` (nginx's) or the usual places,
/// and the files that could not be read.
pub fn find(roots: &[PathBuf]) -> (Option<Nextcloud>, Vec<String>) {
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
    }
}
