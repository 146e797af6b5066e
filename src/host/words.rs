//! The words of the host's enums in user text (never their Debug names), for the host view
//! ([`crate::report::host`]), the diagnosis and the console.

use super::nginx::TargetStatus;

impl std::fmt::Display for TargetStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TargetStatus::Listening => "listening",
            TargetStatus::OtherAddress => "the port listens on another address only",
            TargetStatus::NoListener => "nothing listens on that port",
            TargetStatus::UnixSocketPresent => "the unix socket exists",
            TargetStatus::UnixSocketMissing => "the unix socket is missing",
            TargetStatus::Remote => "not on this box (probe it over the network)",
            TargetStatus::Unresolved => "a name or variable, not mapped without resolving it",
        })
    }
}

impl std::fmt::Display for super::ServiceState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.word())
    }
}

impl std::fmt::Display for super::services::Answered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use super::services::Answered as A;
        f.write_str(match self {
            A::Systemd => "systemd",
            A::Supervisor => "supervisor",
            A::Docker => "docker",
            A::None => "no service manager",
        })
    }
}

impl std::fmt::Display for super::nginx::ConfigOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use super::nginx::ConfigOrigin as O;
        f.write_str(match self {
            O::NginxDashT => "nginx -T",
            O::Files => "the files on disk",
            O::TestOnly => "nginx -t alone (the files could not be analysed)",
        })
    }
}

impl std::fmt::Display for super::nginx::Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use super::nginx::Level as L;
        f.write_str(match self {
            L::Default => "nginx default",
            L::Http => "http block",
            L::Server => "server block",
            L::Location => "location block",
        })
    }
}

impl std::fmt::Display for super::firewall::Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use super::firewall::Kind as K;
        f.write_str(match self {
            K::Firewalld => "firewalld",
            K::Nftables => "nftables",
            K::Iptables => "iptables",
            K::Ufw => "ufw",
        })
    }
}

impl std::fmt::Display for super::selinux::Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use super::selinux::Mode as M;
        f.write_str(match self {
            M::Enforcing => "enforcing",
            M::Permissive => "permissive",
            M::Disabled => "disabled",
            M::Absent => "not installed",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_words_are_not_debug_names() {
        use super::super::nginx::ConfigOrigin;
        assert_eq!(ConfigOrigin::NginxDashT.to_string(), "nginx -T");
        assert_eq!(
            TargetStatus::OtherAddress.to_string(),
            "the port listens on another address only"
        );
        assert_eq!(
            super::super::ServiceState::Exited { code: Some(2) }.to_string(),
            "exited(2)"
        );
        for s in [
            TargetStatus::Listening,
            TargetStatus::OtherAddress,
            TargetStatus::NoListener,
            TargetStatus::UnixSocketPresent,
            TargetStatus::UnixSocketMissing,
            TargetStatus::Remote,
            TargetStatus::Unresolved,
        ] {
            assert_ne!(s.to_string(), format!("{s:?}"));
        }
    }
}
