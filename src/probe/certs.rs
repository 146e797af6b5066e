//! Certificates in plain words: why a certificate is not trusted (from rustls' and webpki's
//! errors, never their Debug names), and a hop's own CA file (`ca_file`) for internal CAs.

use crate::tr;
use rustls::pki_types::CertificateDer;
use rustls::{CertificateError, Error};
use std::path::Path;

/// Largest CA file read (a bundle of a few hundred certificates is far below).
pub const MAX_CA_FILE_BYTES: u64 = 1024 * 1024;

/// What to do about a certificate this box does not trust: a per-hop `ca_file`.
pub fn ca_file_hint() -> String {
    tr!("cert-ca-file-hint")
}

/// Why a certificate was refused, in plain words. `self_signed`: the certificate names
/// itself as its issuer.
pub fn trust_error_text(e: &Error, self_signed: bool) -> String {
    explain(e, self_signed).0
}

/// Whether a refused certificate's issuer is what is unknown (self-signed, an internal CA):
/// the one refusal a hop's `ca_file` mends.
pub fn issuer_untrusted(e: &Error) -> bool {
    explain(e, false).1
}

/// The plain words for a refusal, and whether the issuer is what is unknown.
fn explain(e: &Error, self_signed: bool) -> (String, bool) {
    match e {
        Error::InvalidCertificate(c) => certificate_error_text(c, self_signed),
        Error::NoCertificatesPresented => (tr!("cert-none-presented"), false),
        Error::General(m) => (tr!("cert-check-failed", error = m), false),
        Error::Other(o) => other_text(&o.to_string(), self_signed),
        other => (tr!("cert-check-failed", error = other), false),
    }
}

fn unknown_issuer(self_signed: bool) -> (String, bool) {
    if self_signed {
        (tr!("cert-self-signed"), true)
    } else {
        (tr!("cert-unknown-issuer"), true)
    }
}

fn certificate_error_text(c: &CertificateError, self_signed: bool) -> (String, bool) {
    use CertificateError as C;
    let text = match c {
        C::BadEncoding => tr!("cert-bad-encoding"),
        C::Expired => tr!("cert-expired"),
        C::ExpiredContext { time, not_after } => tr!(
            "cert-expired-at",
            at = date(not_after.as_secs()),
            now = date(time.as_secs())
        ),
        C::NotValidYet => tr!("cert-not-valid-yet"),
        C::NotValidYetContext { time, not_before } => tr!(
            "cert-not-valid-yet-from",
            from = date(not_before.as_secs()),
            now = date(time.as_secs())
        ),
        C::Revoked => tr!("cert-revoked"),
        C::UnhandledCriticalExtension => tr!("cert-critical-extension"),
        C::UnknownIssuer => return unknown_issuer(self_signed),
        C::UnknownRevocationStatus => tr!("cert-revocation-unknown"),
        C::ExpiredRevocationList | C::ExpiredRevocationListContext { .. } => {
            tr!("cert-revocation-list-expired")
        }
        C::BadSignature => tr!("cert-bad-signature"),
        C::UnsupportedSignatureAlgorithmContext { .. }
        | C::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            tr!("cert-bad-algorithm")
        }
        C::NotValidForName => tr!("cert-wrong-name"),
        C::NotValidForNameContext { presented, .. } => {
            tr!("cert-wrong-name-for", names = presented.join(", "))
        }
        C::InvalidPurpose | C::InvalidPurposeContext { .. } => tr!("cert-wrong-purpose"),
        C::InvalidOcspResponse => tr!("cert-bad-ocsp"),
        C::ApplicationVerificationFailure => tr!("cert-refused"),
        C::Other(o) => return other_text(&o.to_string(), self_signed),
        other => tr!("cert-refused-because", error = other),
    };
    (text, false)
}

/// webpki's errors reach rustls as `Other(...)`: known by their names.
fn other_text(s: &str, self_signed: bool) -> (String, bool) {
    let has = |n: &str| s.contains(n);
    if has("CaUsedAsEndEntity") {
        (tr!("cert-ca-used-as-server"), true)
    } else if has("EndEntityUsedAsCa") {
        (tr!("cert-server-used-as-ca"), false)
    } else if has("UnknownIssuer") {
        unknown_issuer(self_signed)
    } else if has("CertExpired") {
        (tr!("cert-expired"), false)
    } else if has("CertNotValidYet") {
        (tr!("cert-not-valid-yet"), false)
    } else if has("CertNotValidForName") {
        (tr!("cert-wrong-name"), false)
    } else if has("PathLenConstraintViolated") || has("NameConstraintViolation") {
        (tr!("cert-constraint"), false)
    } else if has("RequiredEkuNotFound") {
        (tr!("cert-wrong-purpose"), false)
    } else {
        (tr!("cert-refused-because", error = s), false)
    }
}

fn date(secs: u64) -> String {
    chrono::DateTime::from_timestamp(secs as i64, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| format!("{secs}"))
}

/// The certificate error in an error's source chain (through the errors `io::Error`s wrap,
/// which their `source()` skips), in plain words, and whether its issuer is what is unknown
/// ([`issuer_untrusted`]).
pub fn find_trust_error(e: &(dyn std::error::Error + 'static)) -> Option<(String, bool)> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(r) = err.downcast_ref::<Error>() {
            return Some(explain(r, false));
        }
        // An io::Error's source() skips the error it wraps (which may be another io::Error).
        cur = match err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    None
}

/// The certificates of a hop's `ca_file` (PEM): the file must belong to root or to this user
/// and be writable by nobody else ([`crate::fsafe::check_trusted`]: whoever writes it decides
/// what this box trusts), hold at least one certificate and nothing that is not PEM.
pub fn load_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    use rustls::pki_types::pem::PemObject;
    crate::fsafe::check_trusted(path, &tr!("cert-ca-file-what"))?;
    let shown = path.display();
    let unreadable = |e: std::io::Error| {
        tr!(
            "cert-ca-file-unreadable",
            path = shown,
            error = crate::util::io_error_text(&e)
        )
    };
    let f = crate::fsafe::open_regular(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(f, MAX_CA_FILE_BYTES + 1),
        &mut bytes,
    )
    .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_CA_FILE_BYTES {
        return Err(tr!(
            "cert-ca-file-too-large",
            path = shown,
            kib = MAX_CA_FILE_BYTES / 1024
        ));
    }
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<_, _>>()
        .map_err(|e| tr!("cert-ca-file-not-pem", path = shown, error = e))?;
    if certs.is_empty() {
        return Err(tr!("cert-ca-file-empty", path = shown));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_certificate_error_in_plain_words() {
        let ca_as_leaf = Error::InvalidCertificate(CertificateError::Other(rustls::OtherError(
            std::sync::Arc::new(std::io::Error::other("CaUsedAsEndEntity")),
        )));
        assert_eq!(
            trust_error_text(&ca_as_leaf, true),
            "self-signed certificate used as a server certificate (not issued by a CA this box trusts)"
        );
        let unknown = Error::InvalidCertificate(CertificateError::UnknownIssuer);
        assert!(trust_error_text(&unknown, true).starts_with("self-signed certificate"));
        assert_eq!(
            trust_error_text(&unknown, false),
            "issued by a CA this box does not trust"
        );
        for c in [
            CertificateError::Expired,
            CertificateError::NotValidYet,
            CertificateError::NotValidForName,
            CertificateError::BadSignature,
            CertificateError::BadEncoding,
            CertificateError::Revoked,
            CertificateError::InvalidPurpose,
        ] {
            let t = trust_error_text(&Error::InvalidCertificate(c.clone()), false);
            let debug = format!("{c:?}");
            assert!(!t.contains(&debug), "{t} holds {debug}");
            assert!(t.starts_with("the certificate"), "{t}");
        }
    }
}
