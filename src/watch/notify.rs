//! The service manager's readiness protocol (`sd_notify`): one datagram such as `READY=1` to
//! the unix socket named by `$NOTIFY_SOCKET` (a path, or `@name` in the abstract namespace).
//! Nothing happens without the variable (supervisor, a terminal, `Type=simple`). Small enough
//! to keep here rather than add a crate for it.

use std::os::unix::net::UnixDatagram;

/// Send `state` (`READY=1`, `RELOADING=1`, `STOPPING=1`, `STATUS=…`) when a service manager
/// asked for it; a failure is returned as text, never fatal.
pub fn notify(state: &str) -> Result<bool, String> {
    let Some(path) = std::env::var_os("NOTIFY_SOCKET").filter(|p| !p.is_empty()) else {
        return Ok(false);
    };
    let sock = UnixDatagram::unbound().map_err(|e| e.to_string())?;
    let bytes = path.as_encoded_bytes();
    let sent = if let Some(name) = bytes.strip_prefix(b"@") {
        use std::os::linux::net::SocketAddrExt as _;
        let addr =
            std::os::unix::net::SocketAddr::from_abstract_name(name).map_err(|e| e.to_string())?;
        sock.send_to_addr(state.as_bytes(), &addr)
    } else {
        sock.send_to(state.as_bytes(), std::path::Path::new(&path))
    };
    sent.map(|_| true).map_err(|e| {
        format!(
            "cannot notify the service manager at {}: {}",
            std::path::Path::new(&path).display(),
            crate::util::io_error_text(&e)
        )
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn message_reaches_a_bound_socket() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = d.path().join("notify");
        let rx = std::os::unix::net::UnixDatagram::bind(&p).expect("bind");
        rx.set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .expect("timeout");
        // The variable is read per call: set it only for this call's sake, in this test alone.
        // SAFETY: no other test of this binary reads or writes NOTIFY_SOCKET.
        unsafe { std::env::set_var("NOTIFY_SOCKET", &p) };
        let r = super::notify("READY=1");
        unsafe { std::env::remove_var("NOTIFY_SOCKET") };
        assert_eq!(r, Ok(true));
        let mut buf = [0u8; 64];
        let n = rx.recv(&mut buf).expect("datagram");
        assert_eq!(&buf[..n], b"READY=1");
        assert_eq!(
            super::notify("READY=1"),
            Ok(false),
            "no socket: nothing to do"
        );
    }
}
