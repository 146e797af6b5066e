//! The Document Server's secure-link secret as nginx holds it (`set $secure_link_secret …`,
//! older `set $secret_string …`): kept as a keyed fingerprint with file:line, never the value,
//! for comparison with `storage.fs.secretString` of local.json.

use crate::host::nginx_conf::Directive;
use serde::Serialize;

/// One `set $secure_link_secret VALUE;` of the configuration, the value as a fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecureLinkSecret {
    /// The variable (`$secure_link_secret`, `$secret_string`).
    pub variable: String,
    /// Keyed fingerprint of the value ([`crate::config::secret::fingerprint`]).
    pub fingerprint: String,
    /// `file:line`.
    pub at: String,
}

/// Variables the Document Server's nginx site keeps the secure-link secret in (it must equal
/// `storage.fs.secretString` of local.json).
pub const SECURE_LINK_VARIABLES: [&str; 2] = ["$secure_link_secret", "$secret_string"];

pub(super) fn secure_link_secrets(ds: &[Directive], out: &mut Vec<SecureLinkSecret>) {
    for d in ds {
        if d.name == "set" && d.args.len() >= 2 && SECURE_LINK_VARIABLES.contains(&d.arg0()) {
            out.push(SecureLinkSecret {
                variable: d.arg0().to_string(),
                fingerprint: crate::config::secret::fingerprint(&d.args[1]),
                at: d.location(),
            });
        }
        secure_link_secrets(d.children(), out);
    }
}
