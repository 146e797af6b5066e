//! `tls` hop: handshake with `host:port`, then report protocol, certificate names against the
//! host, days to expiry and whether the chain is trusted by this box. The handshake completes
//! even for untrusted certificates (the verdict is recorded, not enforced) so the certificate
//! can still be shown. A server that answers plain HTTP on the port is recognised.

use super::{NetError, Outcome, State, TlsInfo};
use crate::config::Hop;
use crate::tr;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

type Verifier = Result<Arc<rustls_platform_verifier::Verifier>, String>;

/// Builds TLS client configs around the platform verifier (and, for a hop with `ca_file`,
/// the platform's roots plus that file's, built once).
pub(super) struct TlsProber {
    inner: Verifier,
    per_hop: HashMap<String, Verifier>,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

#[derive(Debug)]
struct Recording {
    inner: Arc<rustls_platform_verifier::Verifier>,
    verdict: Mutex<Option<Result<(), rustls::Error>>>,
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let r = self
            .inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            .map(|_| ());
        if let Ok(mut v) = self.verdict.lock() {
            *v = Some(r);
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Whether certificate name `pattern` (possibly `*.example.org`) covers `host`.
pub fn name_matches(pattern: &str, host: &str) -> bool {
    let p = pattern.to_ascii_lowercase();
    let h = host.to_ascii_lowercase();
    if let Some(rest) = p.strip_prefix("*.") {
        return h
            .split_once('.')
            .is_some_and(|(first, tail)| !first.is_empty() && tail == rest);
    }
    p == h
}

fn cert_info(der: &[u8], host: &str) -> TlsInfo {
    let mut info = TlsInfo::default();
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(der) else {
        info.trust_error = Some(tr!("hop-tls-cert-unparsable"));
        return info;
    };
    info.subject = cert
        .subject()
        .iter_common_name()
        .next()
        .and_then(|c| c.as_str().ok())
        .map(str::to_string);
    info.issuer = Some(cert.issuer().to_string());
    info.self_signed = cert.issuer().as_raw() == cert.subject().as_raw();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for n in &san.value.general_names {
            match n {
                x509_parser::extensions::GeneralName::DNSName(d) => info.names.push(d.to_string()),
                x509_parser::extensions::GeneralName::IPAddress(ip) => {
                    let s = match ip.len() {
                        4 => std::net::Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3]).to_string(),
                        16 => {
                            let mut a = [0u8; 16];
                            a.copy_from_slice(ip);
                            std::net::Ipv6Addr::from(a).to_string()
                        }
                        _ => continue,
                    };
                    info.names.push(s);
                }
                _ => {}
            }
        }
    }
    if info.names.is_empty()
        && let Some(cn) = &info.subject
    {
        info.names.push(cn.clone());
    }
    let not_after = cert.validity().not_after.timestamp();
    info.not_after = chrono::DateTime::from_timestamp(not_after, 0).map(|t| t.to_rfc3339());
    info.days_left = Some((not_after - chrono::Utc::now().timestamp()).div_euclid(86_400));
    info.name_matches = info.names.iter().any(|n| name_matches(n, host));
    info
}

impl TlsProber {
    pub(super) fn new(cfg: &crate::config::Config) -> Self {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let inner = rustls_platform_verifier::Verifier::new(provider.clone())
            .map(Arc::new)
            .map_err(|e| tr!("hop-tls-trust-store", error = e));
        let per_hop = cfg
            .hops
            .iter()
            .filter(|h| h.kind == crate::config::HopKind::Tls)
            .filter_map(|h| Some((h.name.clone(), h.ca_file.as_deref()?)))
            .map(|(name, ca)| {
                let v = super::certs::load_ca_file(ca).and_then(|certs| {
                    rustls_platform_verifier::Verifier::new_with_extra_roots(
                        certs,
                        provider.clone(),
                    )
                    .map(Arc::new)
                    .map_err(|e| tr!("hop-tls-ca-file-unusable", path = ca.display(), error = e))
                });
                (name, v)
            })
            .collect();
        TlsProber {
            inner,
            per_hop,
            provider,
        }
    }

    /// TLS over `tcp` to `sni`, the certificate recorded but not enforced (the `tls` hop
    /// judges it): for probes whose subject is what runs inside TLS (the websocket upgrade).
    pub(super) async fn lenient_connect(
        &self,
        tcp: tokio::net::TcpStream,
        sni: &str,
    ) -> Result<tokio_rustls::client::TlsStream<tokio::net::TcpStream>, String> {
        let inner = self.inner.clone()?;
        let server_name =
            ServerName::try_from(sni.to_string()).map_err(|_| tr!("hop-tls-bad-sni", sni = sni))?;
        let rec = Arc::new(Recording {
            inner,
            verdict: Mutex::new(None),
        });
        let config = rustls::ClientConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| tr!("hop-tls-setup-failed", error = e))?
            .dangerous()
            .with_custom_certificate_verifier(rec)
            .with_no_client_auth();
        tokio_rustls::TlsConnector::from(Arc::new(config))
            .connect(server_name, tcp)
            .await
            .map_err(|e| tr!("hop-tls-handshake-failed", error = e))
    }

    pub(super) async fn probe(&self, hop: &Hop, timeout: Duration) -> Outcome {
        let target = hop.target.as_deref().unwrap_or("");
        let inner = match self.per_hop.get(&hop.name).unwrap_or(&self.inner) {
            Ok(i) => i.clone(),
            Err(e) => return Outcome::new(State::Unknown, e.clone()),
        };
        let addrs = match super::tcp::resolve(target, timeout).await {
            Ok(a) => a,
            Err(o) => return o,
        };
        let Some((host, _)) = crate::util::split_host_port(target) else {
            return Outcome::new(
                State::Unknown,
                tr!("hop-target-not-host-port", target = target),
            );
        };
        let sni = hop.host_header.clone().unwrap_or_else(|| host.clone());
        let Ok(server_name) = ServerName::try_from(sni.clone()) else {
            return Outcome::new(State::Unknown, tr!("hop-tls-bad-sni", sni = sni));
        };
        let rec = Arc::new(Recording {
            inner,
            verdict: Mutex::new(None),
        });
        let config = match rustls::ClientConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()
        {
            Ok(b) => b
                .dangerous()
                .with_custom_certificate_verifier(rec.clone())
                .with_no_client_auth(),
            Err(e) => return Outcome::new(State::Unknown, tr!("hop-tls-setup-failed", error = e)),
        };
        let addr = addrs[0];
        let tcp = match tokio::time::timeout(timeout, tokio::net::TcpStream::connect(addr)).await {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                let k = NetError::from_io(&e);
                return Outcome::new(
                    State::Fail,
                    k.connect_reason(&addr.to_string(), &e.to_string()),
                )
                .with(|d| {
                    d.error = Some(k);
                    d.errno = e.raw_os_error();
                });
            }
            Err(_) => {
                return Outcome::new(State::Fail, tr!("hop-tls-connect-timeout", addr = addr))
                    .with(|d| d.error = Some(NetError::Timeout));
            }
        };
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let stream = match connector.connect(server_name, tcp).await {
            Ok(s) => s,
            Err(e) => {
                let text = e.to_string();
                // rustls' messages for a peer that is not TLS.
                let plain = text.contains("InvalidContentType")
                    || text.contains("corrupt message") // i18n: not text
                    || text.contains("received corrupt") // i18n: not text
                    || text.contains("invalid content type"); // i18n: not text
                let reason = if plain {
                    tr!("hop-tls-not-tls", addr = addr)
                } else {
                    tr!("hop-tls-handshake-with-failed", addr = addr, error = text)
                };
                return Outcome::new(State::Fail, reason).with(|d| {
                    d.error = Some(if plain {
                        NetError::Protocol
                    } else {
                        NetError::Tls
                    });
                    d.peer = Some(addr.to_string());
                });
            }
        };
        let (_, conn) = stream.get_ref();
        let mut info = conn
            .peer_certificates()
            .and_then(|c| c.first())
            .map(|c| cert_info(c.as_ref(), &sni))
            .unwrap_or_default();
        info.version = conn.protocol_version().map(version_text);
        let verdict = rec.verdict.lock().ok().and_then(|v| v.clone());
        // Only an unknown issuer (self-signed, internal CA) is mended by a ca_file.
        let mut issuer_problem = false;
        match verdict {
            Some(Ok(())) => info.trusted = true,
            Some(Err(e)) => {
                issuer_problem = super::certs::issuer_untrusted(&e);
                info.trust_error = Some(super::certs::trust_error_text(&e, info.self_signed));
            }
            None => info.trust_error = Some(tr!("hop-tls-no-cert")),
        }
        let days = info.days_left.unwrap_or(0);
        let (state, reason) = if days < 0 {
            (State::Fail, tr!("hop-tls-expired", days = -days))
        } else if !info.name_matches {
            (
                State::Fail,
                tr!(
                    "hop-tls-wrong-name",
                    names = info.names.join(", "),
                    sni = sni
                ),
            )
        } else if !info.trusted {
            let why = info.trust_error.clone().unwrap_or_default();
            let st = if hop.insecure {
                State::Warn
            } else {
                State::Fail
            };
            let reason = match &hop.ca_file {
                _ if !issuer_problem => tr!("hop-tls-untrusted", why = why),
                None => tr!(
                    "hop-tls-untrusted-hint",
                    why = why,
                    hint = super::certs::ca_file_hint()
                ),
                Some(ca) => tr!(
                    "hop-tls-untrusted-ca-file",
                    why = why,
                    ca_file = ca.display()
                ),
            };
            (st, reason)
        } else if days < 14 {
            (State::Warn, tr!("hop-tls-expires-soon", days = days))
        } else {
            (
                State::Ok,
                tr!(
                    "hop-tls-ok",
                    version = info.version.clone().unwrap_or_default(),
                    sni = sni,
                    days = days
                ),
            )
        };
        Outcome::new(state, reason).with(|d| {
            d.peer = Some(addr.to_string());
            if state == State::Fail {
                d.error = Some(NetError::Tls);
            }
            d.tls = Some(info);
        })
    }
}

/// A protocol version as people write it: `TLS 1.2`, not `TLSv1_2`.
fn version_text(v: rustls::ProtocolVersion) -> String {
    use rustls::ProtocolVersion as V;
    match v {
        V::TLSv1_3 => "TLS 1.3".into(),
        V::TLSv1_2 => "TLS 1.2".into(),
        V::TLSv1_1 => "TLS 1.1".into(),
        V::TLSv1_0 => "TLS 1.0".into(),
        V::SSLv3 => "SSL 3.0".into(),
        V::SSLv2 => "SSL 2.0".into(),
        other => tr!(
            "hop-tls-version-other",
            code = format!("0x{:04x}", u16::from(other))
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::{name_matches, version_text};

    #[test]
    fn versions_read_as_people_write_them() {
        assert_eq!(version_text(rustls::ProtocolVersion::TLSv1_2), "TLS 1.2");
        assert_eq!(version_text(rustls::ProtocolVersion::TLSv1_3), "TLS 1.3");
    }

    #[test]
    fn wildcards() {
        assert!(name_matches("*.example.org", "office.example.org"));
        assert!(!name_matches("*.example.org", "a.b.example.org"));
        assert!(!name_matches("*.example.org", "example.org"));
        assert!(name_matches("Office.Example.org", "office.example.org"));
    }
}
