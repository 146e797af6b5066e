//! The words of the host's enums in user text (never their Debug names), for the host view
//! ([`crate::report::host`]), the diagnosis and the console.

use super::nginx::TargetStatus;
use crate::tr;

impl std::fmt::Display for TargetStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self {
            TargetStatus::Listening => tr!("host-target-listening"),
            TargetStatus::OtherAddress => tr!("host-target-other_address"),
            TargetStatus::NoListener => tr!("host-target-no_listener"),
            TargetStatus::UnixSocketPresent => tr!("host-target-unix_present"),
            TargetStatus::UnixSocketMissing => tr!("host-target-unix_missing"),
            TargetStatus::Remote => tr!("host-target-remote"),
            TargetStatus::Unresolved => tr!("host-target-unresolved"),
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
        match self {
            A::Systemd => f.write_str("systemd"),
            A::Supervisor => f.write_str("supervisor"),
            A::Docker => f.write_str("docker"),
            A::None => f.write_str(&tr!("host-answered-none")),
        }
    }
}

impl std::fmt::Display for super::nginx::ConfigOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use super::nginx::ConfigOrigin as O;
        match self {
            O::NginxDashT => f.write_str("nginx -T"),
            O::Files => f.write_str(&tr!("host-origin-files")),
            O::TestOnly => f.write_str(&tr!("host-origin-test-only")),
        }
    }
}

impl std::fmt::Display for super::nginx::Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use super::nginx::Level as L;
        f.write_str(&match self {
            L::Default => tr!("host-level-default"),
            L::Http => tr!("host-level-http"),
            L::Server => tr!("host-level-server"),
            L::Location => tr!("host-level-location"),
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
        // SELinux's own mode names stay as they are (`SELINUX=enforcing`).
        match self {
            M::Enforcing => f.write_str("enforcing"),
            M::Permissive => f.write_str("permissive"),
            M::Disabled => f.write_str("disabled"),
            M::Absent => f.write_str(&tr!("host-selinux-absent")),
        }
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

    #[test]
    fn the_words_in_chinese() {
        use super::super::services::{Answered, ServiceState};
        let _zh = crate::i18n::scoped(crate::i18n::Lang::ZhCn);
        assert_eq!(ServiceState::Active.to_string(), "运行中");
        assert_eq!(ServiceState::Restarting.word(), "重启中");
        assert_eq!(
            ServiceState::Exited { code: Some(2) }.to_string(),
            "已退出（2）"
        );
        assert_eq!(TargetStatus::NoListener.to_string(), "该端口无进程监听");
        assert_eq!(Answered::None.to_string(), "无服务管理器");
        // Names stay names.
        assert_eq!(Answered::Systemd.to_string(), "systemd");
        assert_eq!(
            super::super::selinux::Mode::Enforcing.to_string(),
            "enforcing"
        );
        assert_eq!(
            super::super::Unknown::new("nft 失败", Some("需要 root：请用 sudo 运行".into()))
                .to_string(),
            "nft 失败（需要 root：请用 sudo 运行）"
        );
        // The JSON keeps the serde names.
        let json = serde_json::to_string(&ServiceState::Failed).expect("json");
        assert_eq!(json, r#"{"state":"failed"}"#);
    }
}
