//! Certificates in plain words: why a certificate is not trusted (from rustls' and webpki's
//! errors, never their Debug names), and a hop's own CA file (`ca_file`) for internal CAs.

use rustls::pki_types::CertificateDer;
use rustls::{CertificateError, Error};
use std::path::Path;

/// Largest CA file read (a bundle of a few hundred certificates is far below).
pub const MAX_CA_FILE_BYTES: u64 = 1024 * 1024;

/// What to do about a certificate this box does not trust: a per-hop `ca_file`.
pub const CA_FILE_HINT: &str =
    "an internal CA? give the hop its certificate: ca_file = \"/etc/ssl/private-ca.pem\"";

/// Why a certificate was refused, in plain words. `self_signed`: the certificate names
/// itself as its issuer.
pub fn trust_error_text(e: &Error, self_signed: bool) -> String {
    match e {
        Error::InvalidCertificate(c) => certificate_error_text(c, self_signed),
        Error::NoCertificatesPresented => "the server presented no certificate".into(),
        Error::General(m) => format!("certificate check failed: {m}"),
        Error::Other(o) => other_text(&o.to_string(), self_signed),
        other => format!("certificate check failed: {other}"),
    }
}

fn unknown_issuer(self_signed: bool) -> String {
    if self_signed {
        "self-signed certificate (not issued by a CA this box trusts)".into()
    } else {
        "issued by a CA this box does not trust".into()
    }
}

fn certificate_error_text(c: &CertificateError, self_signed: bool) -> String {
    use CertificateError as C;
    match c {
        C::BadEncoding => "the certificate cannot be parsed".into(),
        C::Expired => "the certificate has expired".into(),
        C::ExpiredContext { time, not_after } => format!(
            "the certificate expired {} (now {})",
            date(not_after.as_secs()),
            date(time.as_secs())
        ),
        C::NotValidYet => "the certificate is not valid yet (or this box's clock is behind)".into(),
        C::NotValidYetContext { time, not_before } => format!(
            "the certificate is valid only from {} (now {}: or this box's clock is behind)",
            date(not_before.as_secs()),
            date(time.as_secs())
        ),
        C::Revoked => "the certificate has been revoked".into(),
        C::UnhandledCriticalExtension => {
            "the certificate has a critical extension this box cannot check".into()
        }
        C::UnknownIssuer => unknown_issuer(self_signed),
        C::UnknownRevocationStatus => "the certificate's revocation status is unknown".into(),
        C::ExpiredRevocationList | C::ExpiredRevocationListContext { .. } => {
            "the revocation list has expired".into()
        }
        C::BadSignature => "the certificate's signature does not verify".into(),
        C::UnsupportedSignatureAlgorithmContext { .. }
        | C::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            "the certificate is signed with an algorithm this box does not accept".into()
        }
        C::NotValidForName => "the certificate is not valid for this name".into(),
        C::NotValidForNameContext { presented, .. } => format!(
            "the certificate is not valid for this name (it is for {})",
            presented.join(", ")
        ),
        C::InvalidPurpose | C::InvalidPurposeContext { .. } => {
            "the certificate is not meant for a TLS server (extended key usage)".into()
        }
        C::InvalidOcspResponse => "the OCSP answer stapled by the server is invalid".into(),
        C::ApplicationVerificationFailure => "the certificate was refused".into(),
        C::Other(o) => other_text(&o.to_string(), self_signed),
        other => format!("the certificate was refused ({other})"),
    }
}

/// webpki's errors reach rustls as `Other(...)`: known by their names.
fn other_text(s: &str, self_signed: bool) -> String {
    let has = |n: &str| s.contains(n);
    if has("CaUsedAsEndEntity") {
        "self-signed certificate used as a server certificate (not issued by a CA this box trusts)"
            .into()
    } else if has("EndEntityUsedAsCa") {
        "a server certificate is used as a CA in the chain".into()
    } else if has("UnknownIssuer") {
        unknown_issuer(self_signed)
    } else if has("CertExpired") {
        "the certificate has expired".into()
    } else if has("CertNotValidYet") {
        "the certificate is not valid yet (or this box's clock is behind)".into()
    } else if has("CertNotValidForName") {
        "the certificate is not valid for this name".into()
    } else if has("PathLenConstraintViolated") || has("NameConstraintViolation") {
        "the chain breaks a constraint of its CA".into()
    } else if has("RequiredEkuNotFound") {
        "the certificate is not meant for a TLS server (extended key usage)".into()
    } else {
        format!("the certificate was refused ({s})")
    }
}

fn date(secs: u64) -> String {
    chrono::DateTime::from_timestamp(secs as i64, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| format!("{secs}"))
}

/// The certificate error in an error's source chain (through the errors `io::Error`s wrap,
/// which their `source()` skips), in plain words.
pub fn find_trust_error(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(r) = err.downcast_ref::<Error>() {
            return Some(trust_error_text(r, false));
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
    crate::fsafe::check_trusted(path, "CA file")?;
    let shown = path.display();
    let f = crate::fsafe::open_regular(path)
        .map_err(|e| format!("CA file '{shown}': {}", crate::util::io_error_text(&e)))?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(f, MAX_CA_FILE_BYTES + 1),
        &mut bytes,
    )
    .map_err(|e| format!("CA file '{shown}': {}", crate::util::io_error_text(&e)))?;
    if bytes.len() as u64 > MAX_CA_FILE_BYTES {
        return Err(format!(
            "CA file '{shown}' is larger than {} KiB",
            MAX_CA_FILE_BYTES / 1024
        ));
    }
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("CA file '{shown}' is not PEM: {e}"))?;
    if certs.is_empty() {
        return Err(format!(
            "CA file '{shown}' holds no certificate (expected -----BEGIN CERTIFICATE-----)"
        ));
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
