//! The lab's named faults: what each is called on the command line, what it does, which kind
//! it is (a stand-in mode, a firewall table, a delivery through the converter). Injected by
//! `faults.rs`, judged still active by `live.rs`.

use super::render::ProxyShape;
use super::standin;
use anyhow::Context as _;
use serde::{Deserialize, Serialize};

/// A named fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fault {
    /// `supervisorctl stop docservice`: nothing listens on the DS port, nginx answers 502.
    DocserviceDown,
    /// The stand-in reads requests and never answers: nginx answers 504 after 2 s.
    DocserviceHang,
    /// nginx's upstream points at the spare port (nothing listens): 502.
    WrongUpstreamPort,
    /// Every answer carries a ~16 KiB header: nginx "upstream sent too big header", 502.
    BigHeaders,
    /// `local.json` gets another secret than lab.toml: command service error 6.
    JwtMismatch,
    /// `/healthcheck` answers `false`.
    HealthFalse,
    /// `supervisorctl stop nginx`: nginx's port refuses.
    NginxDown,
    /// nftables drops packets to the DS port (root only): connects time out, nginx 504.
    FirewallDrop,
    /// nftables rejects with a TCP reset (root only): connects are refused, nginx 502.
    FirewallReject,
    /// A full tmpfs on the stand-in's cache folder (root only): ENOSPC on every write there.
    DiskFull,
    /// The lab's storage answers 403 to the converter's download.
    StorageDenied,
    /// The converter is given a storage URL on a closed port (ECONNREFUSED).
    StorageUnreachable,
    /// local.json's request filter refuses private addresses (the storage is on 127.0.0.1).
    StoragePrivateIp,
    /// local.json's `maxDownloadBytes` is below the document's size (EMSGSIZE).
    DocumentTooLarge,
    /// The lab's callback answers 500 to docservice's save callback.
    CallbackFailed,
    /// ConvertService requests are held past nginx's read timeout (`receiveTask timeout`).
    ConverterHang,
    /// The converter's x2t child is killed with SIGKILL.
    X2tKilled,
    /// local.json's `storage.fs.secretString` no longer equals nginx's `$secure_link_secret`.
    SecureLinkMismatch,
    /// The storage answers over https with a self-signed certificate the converter refuses.
    StorageTls,
    /// nginx's location for the Document Server loses `proxy_http_version 1.1`, `Upgrade` and
    /// `Connection`: the editor's WebSocket upgrade reaches it as a plain GET.
    WebsocketNotProxied,
    /// nginx's server block loses `client_max_body_size 100m` (nginx's default 1m applies);
    /// `lab break` sends a 2 MiB upload, which nginx refuses with 413.
    UploadTooLarge,
    /// `upstream docservice` lists 127.0.0.1 and [::1] (what `localhost` resolves to on most
    /// boxes) while the stand-in listens on IPv4 only: nginx logs refused attempts on [::1]
    /// and retries, the probes stay green.
    UpstreamOneFamily,
    /// The stand-in listens on [::1] only (as a Node.js service bound to `localhost` may),
    /// nginx connects to 127.0.0.1: refused, 502, while the service runs.
    UpstreamWrongAddress,
    /// supervisord's `[program:docservice]` loses its automatic restart (`autorestart=false`):
    /// the readiness review's `service_restart` turns WARN; nothing else changes.
    NoAutorestart,
    /// nginx's location for the Document Server gets `proxy_next_upstream off` over its one
    /// upstream server: no second server, and no retry if there were one. The review's
    /// `upstream_failover` names both; nothing else changes.
    NoFailover,
    /// local.json gets a trailing comma and docservice is restarted: it exits with
    /// `Cannot parse config file` until supervisord gives up (FATAL).
    DsConfigInvalid,
    /// Another program (a second nginx) takes the DS port while docservice is stopped; started
    /// again, docservice exits with `listen EADDRINUSE`.
    PortTaken,
    /// docservice dies at each start (a broken install): BACKOFF, then FATAL.
    CrashLoop,
    /// redis-server stopped: healthcheck false, `redisClient error`.
    RedisDown,
    /// PostgreSQL stopped (root only): healthcheck false, `postgresql pool error`.
    PostgresDown,
    /// The `task_result` table dropped (root only): `sqlQuery error … does not exist`.
    DatabaseError,
}

impl Fault {
    /// Every fault, in the order shown to users.
    pub const ALL: [Fault; 31] = [
        Fault::DocserviceDown,
        Fault::DocserviceHang,
        Fault::WrongUpstreamPort,
        Fault::BigHeaders,
        Fault::JwtMismatch,
        Fault::HealthFalse,
        Fault::NginxDown,
        Fault::FirewallDrop,
        Fault::FirewallReject,
        Fault::DiskFull,
        Fault::StorageDenied,
        Fault::StorageUnreachable,
        Fault::StoragePrivateIp,
        Fault::DocumentTooLarge,
        Fault::CallbackFailed,
        Fault::ConverterHang,
        Fault::X2tKilled,
        Fault::SecureLinkMismatch,
        Fault::StorageTls,
        Fault::WebsocketNotProxied,
        Fault::UploadTooLarge,
        Fault::UpstreamOneFamily,
        Fault::UpstreamWrongAddress,
        Fault::NoAutorestart,
        Fault::NoFailover,
        Fault::DsConfigInvalid,
        Fault::PortTaken,
        Fault::CrashLoop,
        Fault::RedisDown,
        Fault::PostgresDown,
        Fault::DatabaseError,
    ];

    /// The name used on the command line and in lab.json.
    pub fn name(self) -> &'static str {
        match self {
            Fault::DocserviceDown => "docservice-down",
            Fault::DocserviceHang => "docservice-hang",
            Fault::WrongUpstreamPort => "wrong-upstream-port",
            Fault::BigHeaders => "big-headers",
            Fault::JwtMismatch => "jwt-mismatch",
            Fault::HealthFalse => "health-false",
            Fault::NginxDown => "nginx-down",
            Fault::FirewallDrop => "firewall-drop",
            Fault::FirewallReject => "firewall-reject",
            Fault::DiskFull => "disk-full",
            Fault::StorageDenied => "storage-denied",
            Fault::StorageUnreachable => "storage-unreachable",
            Fault::StoragePrivateIp => "storage-private-ip",
            Fault::DocumentTooLarge => "document-too-large",
            Fault::CallbackFailed => "callback-failed",
            Fault::ConverterHang => "converter-hang",
            Fault::X2tKilled => "x2t-killed",
            Fault::SecureLinkMismatch => "secure-link-mismatch",
            Fault::StorageTls => "storage-tls",
            Fault::WebsocketNotProxied => "websocket-not-proxied",
            Fault::UploadTooLarge => "upload-too-large",
            Fault::UpstreamOneFamily => "upstream-one-family",
            Fault::UpstreamWrongAddress => "upstream-wrong-address",
            Fault::NoAutorestart => "no-autorestart",
            Fault::NoFailover => "no-failover",
            Fault::DsConfigInvalid => "ds-config-invalid",
            Fault::PortTaken => "port-taken",
            Fault::CrashLoop => "crash-loop",
            Fault::RedisDown => "redis-down",
            Fault::PostgresDown => "postgres-down",
            Fault::DatabaseError => "database-error",
        }
    }

    /// Parse a name; the error lists the valid ones.
    pub fn parse(s: &str) -> anyhow::Result<Fault> {
        Fault::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .with_context(|| {
                format!(
                    "unknown fault '{s}'; valid faults: {}",
                    Fault::ALL.map(Fault::name).join(", ")
                )
            })
    }

    /// The stand-in mode this fault sets, if it is a mode fault.
    pub(super) fn mode(self) -> Option<standin::Mode> {
        match self {
            Fault::DocserviceHang => Some(standin::Mode::Hang),
            Fault::BigHeaders => Some(standin::Mode::BigHeaders),
            Fault::HealthFalse => Some(standin::Mode::HealthFalse),
            _ => None,
        }
    }

    /// A fault of the Document Server's deliveries or its converter: `lab break` runs one
    /// conversion (or callback) through nginx so the failure is logged at that moment, and
    /// `lab fix` restarts docservice so the lines become history.
    pub(super) fn is_delivery(self) -> bool {
        matches!(
            self,
            Fault::StorageDenied
                | Fault::StorageTls
                | Fault::StorageUnreachable
                | Fault::StoragePrivateIp
                | Fault::DocumentTooLarge
                | Fault::CallbackFailed
                | Fault::ConverterHang
                | Fault::X2tKilled
        )
    }

    /// The shape of nginx.conf this fault writes, for the faults of the proxy's configuration
    /// (`None` for the others); [`ProxyShape::healthy`] is what `lab fix` writes back.
    pub(super) fn proxy_shape(self, st: &super::LabState) -> Option<ProxyShape> {
        let healthy = ProxyShape::healthy(st.ds_port);
        Some(match self {
            Fault::WrongUpstreamPort => ProxyShape {
                servers: vec![format!("127.0.0.1:{}", st.spare_port)],
                ..healthy
            },
            Fault::WebsocketNotProxied => ProxyShape {
                ws_upgrade: false,
                ..healthy
            },
            Fault::UploadTooLarge => ProxyShape {
                max_body: false,
                ..healthy
            },
            Fault::UpstreamOneFamily => ProxyShape {
                servers: vec![
                    format!("127.0.0.1:{}", st.ds_port),
                    format!("[::1]:{}", st.ds_port),
                ],
                ..healthy
            },
            Fault::NoFailover => ProxyShape {
                retry: false,
                ..healthy
            },
            _ => return None,
        })
    }

    pub(super) fn is_firewall(self) -> bool {
        matches!(self, Fault::FirewallDrop | Fault::FirewallReject)
    }

    /// One line: what the fault does and what a client sees.
    pub fn describe(self) -> &'static str {
        match self {
            Fault::DocserviceDown => "docservice stopped: DS port refuses, nginx answers 502",
            Fault::DocserviceHang => "docservice hangs: direct requests time out, nginx 504",
            Fault::WrongUpstreamPort => {
                "nginx upstream points at a port with no listener: nginx 502"
            }
            Fault::BigHeaders => {
                "16 KiB response header: nginx 'upstream sent too big header', 502"
            }
            Fault::JwtMismatch => "local.json secret differs from the integrator's: error 6",
            Fault::HealthFalse => "/healthcheck answers false",
            Fault::NginxDown => "nginx stopped: its port refuses",
            Fault::FirewallDrop => "nftables drops to the DS port: connects time out, nginx 504",
            Fault::FirewallReject => "nftables rejects to the DS port: connects refused, nginx 502",
            Fault::DiskFull => "the cache folder's tmpfs is full: ENOSPC in the DS log (root only)",
            Fault::StorageDenied => "the storage answers 403 to the converter's download",
            Fault::StorageUnreachable => "the converter downloads from a closed port: ECONNREFUSED",
            Fault::StoragePrivateIp => {
                "allowPrivateIPAddress false: the converter refuses the storage on 127.0.0.1"
            }
            Fault::DocumentTooLarge => "maxDownloadBytes below the document's size: EMSGSIZE",
            Fault::CallbackFailed => "the callback answers 500: postData error",
            Fault::ConverterHang => {
                "ConvertService held past nginx's read timeout: 504, receiveTask timeout"
            }
            Fault::X2tKilled => "x2t killed with SIGKILL during a conversion",
            Fault::WebsocketNotProxied => {
                "nginx drops Upgrade/Connection: the editor's WebSocket gets 400, no 502 anywhere"
            }
            Fault::UploadTooLarge => {
                "no client_max_body_size: nginx's 1m default refuses a 2 MiB upload with 413"
            }
            Fault::UpstreamOneFamily => {
                "upstream lists 127.0.0.1 and [::1], the stand-in listens on IPv4 only: retries"
            }
            Fault::UpstreamWrongAddress => {
                "the stand-in listens on [::1] only, nginx connects to 127.0.0.1: 502"
            }
            Fault::NoAutorestart => {
                "docservice's supervisor program loses autorestart: `review` warns, nothing breaks yet"
            }
            Fault::NoFailover => {
                "one upstream server and proxy_next_upstream off: `review` warns, nothing breaks yet"
            }
            Fault::StorageTls => {
                "the storage speaks https with a self-signed certificate: the converter refuses it"
            }
            Fault::SecureLinkMismatch => {
                "storage.fs.secretString differs from nginx's $secure_link_secret: 403 on /cache/files"
            }
            Fault::DsConfigInvalid => {
                "local.json does not parse: docservice exits (FATAL), nginx 502"
            }
            Fault::PortTaken => "another program holds the DS port: docservice EADDRINUSE",
            Fault::CrashLoop => "docservice dies at each start: BACKOFF, then FATAL",
            Fault::RedisDown => "redis-server stopped: /healthcheck false",
            Fault::PostgresDown => "PostgreSQL stopped (root): /healthcheck false",
            Fault::DatabaseError => "task_result dropped (root): queries fail, health stays true",
        }
    }
}
