//! The `storage-tls` fault's storage: the lab's document served over https by a certificate
//! nobody trusts — a self-signed, lab-only certificate for 127.0.0.1 embedded in the binary
//! (`assets/lab-storage-selfsigned.pem`, never used for anything else). It runs in the
//! `lab break` process for as long as the one conversion that command triggers takes, on a
//! port of its own; the stand-in's converter then refuses the certificate and logs the
//! download error as the Document Server does.

use anyhow::Context as _;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

const PEM: &[u8] = include_bytes!("../../assets/lab-storage-selfsigned.pem");

fn config() -> anyhow::Result<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(PEM)
        .collect::<Result<_, _>>()
        .context("the lab's storage certificate")?;
    let key = PrivateKeyDer::from_pem_slice(PEM).context("the lab's storage key")?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)?)
}

/// Start serving `doc` over https on 127.0.0.1; the port. Each connection is bounded (5 s,
/// 8 KiB of request head); the server lives as long as this process.
pub(super) fn serve(doc: PathBuf) -> anyhow::Result<u16> {
    let cfg = Arc::new(config()?);
    let l = TcpListener::bind("127.0.0.1:0").context("binding the https storage")?;
    let port = l.local_addr()?.port();
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            let cfg = cfg.clone();
            let doc = doc.clone();
            std::thread::spawn(move || {
                let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
                let _ = s.set_write_timeout(Some(Duration::from_secs(5)));
                let Ok(conn) = rustls::ServerConnection::new(cfg) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(conn, s);
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 8192 {
                    match tls.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let body = std::fs::read(&doc).unwrap_or_default();
                let _ = write!(
                    tls,
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = tls.write_all(&body);
            });
        }
    });
    Ok(port)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_certificate_loads() {
        super::config().expect("the lab's self-signed certificate and key load");
    }
}
