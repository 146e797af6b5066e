//! Network failure kinds, told apart by errno (not by message text, which differs between
//! glibc and musl), and the sentence a person reads for each.

use crate::tr;
use serde::Serialize;
use std::io;

/// What kind of network failure a probe met.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum NetError {
    /// ECONNREFUSED: nothing listens (or a REJECT rule with tcp-reset).
    Refused,
    /// No answer within the timeout (DROP rule, host down, hung service).
    Timeout,
    /// EHOSTUNREACH / ENETUNREACH.
    Unreachable,
    /// EACCES / EPERM: local policy (firewall, SELinux).
    PermissionDenied,
    /// ECONNRESET / EPIPE / closed without answer.
    Reset,
    /// Name did not resolve.
    Dns,
    /// TLS handshake failed.
    Tls,
    /// The peer answered something that is not the expected protocol.
    Protocol,
    /// Anything else.
    Other,
}

impl NetError {
    /// Classify an errno.
    pub fn from_errno(errno: i32) -> NetError {
        match errno {
            libc::ECONNREFUSED => NetError::Refused,
            libc::ETIMEDOUT => NetError::Timeout,
            libc::EHOSTUNREACH | libc::ENETUNREACH => NetError::Unreachable,
            libc::EACCES | libc::EPERM => NetError::PermissionDenied,
            libc::ECONNRESET | libc::EPIPE | libc::ECONNABORTED => NetError::Reset,
            _ => NetError::Other,
        }
    }

    /// Classify an I/O error.
    pub fn from_io(e: &io::Error) -> NetError {
        match e.raw_os_error() {
            Some(n) => NetError::from_errno(n),
            None => match e.kind() {
                io::ErrorKind::ConnectionRefused => NetError::Refused,
                io::ErrorKind::TimedOut => NetError::Timeout,
                io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::BrokenPipe
                | io::ErrorKind::UnexpectedEof => NetError::Reset,
                io::ErrorKind::PermissionDenied => NetError::PermissionDenied,
                _ => NetError::Other,
            },
        }
    }

    /// A sentence about connecting to `addr` that failed this way.
    pub fn connect_reason(self, addr: &str, detail: &str) -> String {
        match self {
            NetError::Refused => tr!("hop-connect-refused", addr = addr),
            NetError::Timeout => tr!("hop-connect-timeout", addr = addr),
            NetError::Unreachable => tr!("hop-connect-unreachable", addr = addr, detail = detail),
            NetError::PermissionDenied => tr!("hop-connect-denied", addr = addr),
            NetError::Reset => tr!("hop-connect-reset", addr = addr, detail = detail),
            NetError::Dns => tr!("hop-connect-dns", addr = addr, detail = detail),
            NetError::Tls => tr!("hop-connect-tls", addr = addr, detail = detail),
            NetError::Protocol => tr!("hop-connect-protocol", addr = addr, detail = detail),
            NetError::Other => tr!("hop-connect-other", addr = addr, detail = detail),
        }
    }
}

/// The innermost I/O error in an error's source chain, if any.
pub fn find_io_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a io::Error> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut found = None;
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<io::Error>() {
            found = Some(io);
        }
        cur = err.source();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_classes() {
        assert_eq!(NetError::from_errno(111), NetError::Refused);
        assert_eq!(NetError::from_errno(110), NetError::Timeout);
        assert_eq!(NetError::from_errno(113), NetError::Unreachable);
        assert_eq!(NetError::from_errno(101), NetError::Unreachable);
        assert_eq!(NetError::from_errno(13), NetError::PermissionDenied);
        assert_eq!(NetError::from_errno(104), NetError::Reset);
        assert!(
            NetError::Refused
                .connect_reason("a:1", "")
                .contains("connection refused")
        );
        assert!(
            NetError::Timeout
                .connect_reason("a:1", "")
                .contains("timed out")
        );
    }
}
