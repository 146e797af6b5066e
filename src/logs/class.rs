//! The stable failure classes and the text shown for each of them.
//!
//! A [`Class`] is what an nginx error-log entry or a Document Server `out.log` entry means for a
//! 502/504 incident. The ids are stable (JSON output, config files, tests outside the project
//! rely on them); the explanation, causes, next check and "what the client got" are the words
//! the console and the report put in front of an administrator.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Failure class of one log entry. Serialized as its [`Class::id`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    // ---- nginx error log (DESIGN.md table) ----
    UpstreamRefused,
    UpstreamConnectTimeout,
    UpstreamReadTimeout,
    UpstreamUnreachable,
    NoLiveUpstreams,
    UpstreamDisabled,
    UpstreamClosed,
    UpstreamReset,
    HeaderTooBig,
    InvalidResponse,
    SocketMissing,
    PermissionDenied,
    DnsFailure,
    UpstreamTls,
    ClientBodyTooLarge,
    NginxEmerg,
    // ---- ONLYOFFICE Document Server out.log ----
    DsJwtInvalidSignature,
    DsJwtMalformed,
    DsJwtMissing,
    DsJwtExpired,
    DsJwtInvalid,
    DsStorageRefused,
    DsStorageNotFound,
    DsStorageTimeout,
    DsStorageCert,
    DsStoragePrivateIp,
    DsStorageError,
    DsCallbackFailed,
    DsRabbitmq,
    DsDatabase,
    DsRedis,
    DsHealthcheck,
    DsStorageDenied,
    DsStorageTooLarge,
    DsIpFilter,
    DsDatabaseQuery,
    DsConverterKilled,
    DsConvertTimeout,
    DsDiskFull,
    DsConfigParse,
    DsPortInUse,
    DsInstallBroken,
    DsStarted,
    /// Anything else: notices, client-side errors, unrecognised messages.
    Other,
}

/// The words shown for a class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClassInfo {
    /// One sentence: what happened.
    pub explanation: &'static str,
    /// The usual causes, most likely first.
    pub causes: &'static str,
    /// The next thing to check, as a concrete action.
    pub next_check: &'static str,
    /// What the client got: `"502"`, `"504"`, or `"—"` when this line alone says nothing
    /// about the client's answer.
    pub client_gets: &'static str,
}

impl Class {
    /// Every class, in display order (nginx classes, Document Server classes, `other`).
    pub const ALL: [Class; 44] = [
        Class::UpstreamRefused,
        Class::UpstreamConnectTimeout,
        Class::UpstreamReadTimeout,
        Class::UpstreamUnreachable,
        Class::NoLiveUpstreams,
        Class::UpstreamDisabled,
        Class::UpstreamClosed,
        Class::UpstreamReset,
        Class::HeaderTooBig,
        Class::InvalidResponse,
        Class::SocketMissing,
        Class::PermissionDenied,
        Class::DnsFailure,
        Class::UpstreamTls,
        Class::ClientBodyTooLarge,
        Class::NginxEmerg,
        Class::DsJwtInvalidSignature,
        Class::DsJwtMalformed,
        Class::DsJwtMissing,
        Class::DsJwtExpired,
        Class::DsJwtInvalid,
        Class::DsStorageRefused,
        Class::DsStorageNotFound,
        Class::DsStorageTimeout,
        Class::DsStorageCert,
        Class::DsStoragePrivateIp,
        Class::DsStorageError,
        Class::DsCallbackFailed,
        Class::DsRabbitmq,
        Class::DsDatabase,
        Class::DsRedis,
        Class::DsHealthcheck,
        Class::DsStorageDenied,
        Class::DsStorageTooLarge,
        Class::DsIpFilter,
        Class::DsDatabaseQuery,
        Class::DsConverterKilled,
        Class::DsConvertTimeout,
        Class::DsDiskFull,
        Class::DsConfigParse,
        Class::DsPortInUse,
        Class::DsInstallBroken,
        Class::DsStarted,
        Class::Other,
    ];

    /// Number of classes (for dense counters indexed by [`Class::index`]).
    pub const COUNT: usize = Self::ALL.len();

    /// Dense index in [`Class::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The stable snake_case id.
    pub fn id(self) -> &'static str {
        match self {
            Class::UpstreamRefused => "upstream_refused",
            Class::UpstreamConnectTimeout => "upstream_connect_timeout",
            Class::UpstreamReadTimeout => "upstream_read_timeout",
            Class::UpstreamUnreachable => "upstream_unreachable",
            Class::NoLiveUpstreams => "no_live_upstreams",
            Class::UpstreamDisabled => "upstream_disabled",
            Class::UpstreamClosed => "upstream_closed",
            Class::UpstreamReset => "upstream_reset",
            Class::HeaderTooBig => "header_too_big",
            Class::InvalidResponse => "invalid_response",
            Class::SocketMissing => "socket_missing",
            Class::PermissionDenied => "permission_denied",
            Class::DnsFailure => "dns_failure",
            Class::UpstreamTls => "upstream_tls",
            Class::ClientBodyTooLarge => "client_body_too_large",
            Class::NginxEmerg => "nginx_emerg",
            Class::DsJwtInvalidSignature => "ds_jwt_invalid_signature",
            Class::DsJwtMalformed => "ds_jwt_malformed",
            Class::DsJwtMissing => "ds_jwt_missing",
            Class::DsJwtExpired => "ds_jwt_expired",
            Class::DsJwtInvalid => "ds_jwt_invalid",
            Class::DsStorageRefused => "ds_storage_refused",
            Class::DsStorageNotFound => "ds_storage_not_found",
            Class::DsStorageTimeout => "ds_storage_timeout",
            Class::DsStorageCert => "ds_storage_cert",
            Class::DsStoragePrivateIp => "ds_storage_private_ip",
            Class::DsStorageError => "ds_storage_error",
            Class::DsCallbackFailed => "ds_callback_failed",
            Class::DsRabbitmq => "ds_rabbitmq",
            Class::DsDatabase => "ds_database",
            Class::DsRedis => "ds_redis",
            Class::DsHealthcheck => "ds_healthcheck",
            Class::DsStorageDenied => "ds_storage_denied",
            Class::DsStorageTooLarge => "ds_storage_too_large",
            Class::DsIpFilter => "ds_ip_filter",
            Class::DsDatabaseQuery => "ds_database_query",
            Class::DsConverterKilled => "ds_converter_killed",
            Class::DsConvertTimeout => "ds_convert_timeout",
            Class::DsDiskFull => "ds_disk_full",
            Class::DsConfigParse => "ds_config_parse",
            Class::DsPortInUse => "ds_port_in_use",
            Class::DsInstallBroken => "ds_install_broken",
            Class::DsStarted => "ds_started",
            Class::Other => "other",
        }
    }

    /// The class with this id, if any.
    pub fn from_id(id: &str) -> Option<Class> {
        Self::ALL.iter().copied().find(|c| c.id() == id)
    }

    /// Whether an entry of this class reports a failure: every class but `other` and the
    /// Document Server's start line (`ds_started`, a marker that lines before it are history).
    pub fn is_failure(self) -> bool {
        !matches!(self, Class::Other | Class::DsStarted)
    }

    /// True for the Document Server classes.
    pub fn is_docserver(self) -> bool {
        self.id().starts_with("ds_")
    }

    /// The text shown for this class.
    // size-check: table
    pub fn info(self) -> ClassInfo {
        match self {
            Class::UpstreamRefused => ClassInfo {
                explanation: "nginx reached the backend host but nothing accepted the connection on that port (TCP RST).",
                causes: "backend service stopped or crashed; proxy_pass points at the wrong port; backend bound to another address (127.0.0.1 vs ::1 vs the LAN IP); a firewall REJECT with tcp-reset",
                next_check: "ss -ltnp | grep PORT on the backend host, compare with the proxy_pass/upstream address in the line, then systemctl status of the service (ds-docservice for ONLYOFFICE, port 8000)",
                client_gets: "502",
            },
            Class::UpstreamConnectTimeout => ClassInfo {
                explanation: "nginx sent a SYN to the backend and got no answer within proxy_connect_timeout.",
                causes: "a firewall silently DROPs the packets; backend host down or unreachable; wrong IP address; backend accept queue full",
                next_check: "from the nginx host: nc -vz -w3 HOST PORT; then the firewall (nft list ruleset / iptables -S / firewall-cmd --list-all) on both hosts",
                client_gets: "504",
            },
            Class::UpstreamReadTimeout => ClassInfo {
                explanation: "The backend accepted the connection but did not answer (or stopped sending) within proxy_read_timeout / proxy_send_timeout.",
                causes: "backend hung, overloaded or blocked on its own dependency (database, RabbitMQ, storage); a slow operation longer than the timeout (large conversion, big upload)",
                next_check: "the backend's own log at the same minute; its CPU/memory; whether the request is legitimately slow (then raise proxy_read_timeout for that location only)",
                client_gets: "504",
            },
            Class::UpstreamUnreachable => ClassInfo {
                explanation: "The kernel found no route to the backend (EHOSTUNREACH / ENETUNREACH).",
                causes: "backend host down (ARP fails); wrong IP or subnet; missing route; ICMP host-unreachable from a firewall REJECT",
                next_check: "ip route get BACKEND_IP and ping it from the nginx host; check the address in the upstream field",
                client_gets: "502",
            },
            Class::NoLiveUpstreams => ClassInfo {
                explanation: "Every server of the upstream group is marked failed, so nginx did not even try one.",
                causes: "all peers failed max_fails times within fail_timeout; the real cause is in the earlier lines for the same upstream",
                next_check: "look at the error lines just before this one for the same upstream (refused, timeout, ...); they say why each peer was marked down",
                client_gets: "502",
            },
            Class::UpstreamDisabled => ClassInfo {
                explanation: "One upstream peer reached max_fails and is disabled for fail_timeout.",
                causes: "repeated failures of that peer (see the lines before it); max_fails too low for a flapping backend",
                next_check: "the failure lines for the same peer just before; whether the other peers of the group are healthy",
                client_gets: "—",
            },
            Class::UpstreamClosed => ClassInfo {
                explanation: "The backend closed the connection before sending a complete response.",
                causes: "backend process crashed or was killed mid-request (OOM killer, restart); backend-side timeout shorter than nginx's; keepalive connection closed by the backend",
                next_check: "journalctl -k | grep -i oom and the backend's log at that time; systemctl status for recent restarts",
                client_gets: "502",
            },
            Class::UpstreamReset => ClassInfo {
                explanation: "The backend reset the connection (ECONNRESET) or it broke while nginx was writing (EPIPE).",
                causes: "backend crashed or restarted; keepalive mismatch (backend keepalive timeout shorter than nginx's upstream keepalive_timeout); a middlebox resetting idle connections",
                next_check: "backend restarts/crashes at that time; compare backend keepalive timeout with upstream keepalive_timeout",
                client_gets: "502",
            },
            Class::HeaderTooBig => ClassInfo {
                explanation: "The backend's response headers did not fit in proxy_buffer_size.",
                causes: "large cookies or Set-Cookie headers, long redirect URLs, big auth headers from the application",
                next_check: "raise proxy_buffer_size (e.g. 16k) and proxy_buffers (e.g. 4 32k) for that location, then nginx -t && systemctl reload nginx",
                client_gets: "502",
            },
            Class::InvalidResponse => ClassInfo {
                explanation: "What came back from the backend is not a valid HTTP response.",
                causes: "proxy_pass points at a non-HTTP port or at a TLS port with http://; broken backend; invalid Content-Length / chunked encoding; FastCGI protocol mismatch",
                next_check: "curl -v http://BACKEND:PORT/ from the nginx host and look at what answers; check the scheme and port in proxy_pass",
                client_gets: "502",
            },
            Class::SocketMissing => ClassInfo {
                explanation: "The unix socket in proxy_pass/fastcgi_pass does not exist.",
                causes: "the service that owns the socket is not running; wrong socket path (php-fpm version changed the path); private /tmp of the service",
                next_check: "ls -l on the socket path from the line, then systemctl status of the service that creates it (php-fpm, gunicorn, ...)",
                client_gets: "502",
            },
            Class::PermissionDenied => ClassInfo {
                explanation: "The kernel refused nginx the connection (EACCES/EPERM).",
                causes: "SELinux denies httpd network connections (httpd_can_network_connect off); unix socket mode/owner does not let the nginx user in; a local firewall rule in OUTPUT",
                next_check: "getenforce and ausearch -m avc -ts recent (setsebool -P httpd_can_network_connect 1 if that is it); ls -l on the socket and the nginx worker user",
                client_gets: "502",
            },
            Class::DnsFailure => ClassInfo {
                explanation: "nginx could not resolve the backend's name at request time.",
                causes: "no resolver directive while proxy_pass uses a variable; the resolver is down or unreachable; the name does not exist",
                next_check: "the resolver directive in the server block; dig @RESOLVER NAME from the nginx host",
                client_gets: "502",
            },
            Class::UpstreamTls => ClassInfo {
                explanation: "The TLS handshake between nginx and the backend failed (or never completed).",
                causes: "proxy_pass https:// to a plain-HTTP port (handshake hangs or 'wrong version number'); untrusted or self-signed certificate with proxy_ssl_verify on; name mismatch; missing proxy_ssl_server_name on for SNI",
                next_check: "openssl s_client -connect HOST:PORT -servername NAME from the nginx host; check the scheme in proxy_pass. A timeout while SSL handshaking is classed here (the port usually speaks plain HTTP); the client then got 504",
                client_gets: "502",
            },
            Class::ClientBodyTooLarge => ClassInfo {
                explanation: "nginx refused an upload larger than client_max_body_size (the client got 413).",
                causes: "a document bigger than the location's client_max_body_size (default 1m); the limit set in one server block but not in the one that handles the request",
                next_check: "nginx -T | grep -n client_max_body_size: the value effective for the request's location; raise it there (e.g. 100m), nginx -t, reload",
                client_gets: "413",
            },
            Class::NginxEmerg => ClassInfo {
                explanation: "nginx could not load its configuration or start ([emerg]): it keeps the old configuration on reload, or does not run at all.",
                causes: "a syntax error or an unknown variable/directive (a missing include after an upgrade, e.g. secure_link_secret); a file it cannot open or chown; a port already in use",
                next_check: "nginx -t names the file and line; fix it, then reload (or start) nginx",
                client_gets: "—",
            },
            Class::DsJwtInvalidSignature => ClassInfo {
                explanation: "Document Server rejected a JWT signed with another secret.",
                causes: "the integrator's JWT secret (Nextcloud jwt_secret, Seafile ONLYOFFICE_JWT_SECRET, ...) differs from services.CoAuthoring.secret.*.string / JWT_SECRET",
                next_check: "compare the secret in /etc/onlyoffice/documentserver/local.json (or the container's JWT_SECRET) with the integrator's setting; restart ds-docservice after a change",
                client_gets: "—",
            },
            Class::DsJwtMalformed => ClassInfo {
                explanation: "Document Server received a token that is not a JWT at all.",
                causes: "wrong JWT header (JWT_HEADER / token.inbox.header) so another Authorization value is read as the token; a proxy rewriting Authorization",
                next_check: "the header name on both sides (default Authorization with 'Bearer '); whether a proxy in between sets its own Authorization",
                client_gets: "—",
            },
            Class::DsJwtMissing => ClassInfo {
                explanation: "Document Server requires a JWT but the request carried none.",
                causes: "JWT enabled on Document Server but not in the integrator; the header stripped by a proxy; header name mismatch",
                next_check: "enable JWT with the same secret in the integrator, or check which header carries the token",
                client_gets: "—",
            },
            Class::DsJwtExpired => ClassInfo {
                explanation: "The JWT's exp time is in the past from Document Server's point of view.",
                causes: "clock skew between the integrator and Document Server; a page left open for a long time",
                next_check: "timedatectl / chronyc tracking on both hosts",
                client_gets: "—",
            },
            Class::DsJwtInvalid => ClassInfo {
                explanation: "Document Server rejected the JWT for another reason (algorithm, audience, ...).",
                causes: "algorithm mismatch (Document Server expects HS256 by default); unusual claims",
                next_check: "decode the token from the line and compare alg/claims with the Document Server config",
                client_gets: "—",
            },
            Class::DsStorageRefused => ClassInfo {
                explanation: "Document Server could not download the document: the storage URL refused the connection.",
                causes: "the document URL points at localhost/127.0.0.1 as seen from the Document Server host or container; the storage app is down; wrong port",
                next_check: "curl -I the url= from the line on the Document Server host (inside the container if Docker); fix StorageUrl / internal URL in the integrator",
                client_gets: "—",
            },
            Class::DsStorageNotFound => ClassInfo {
                explanation: "Document Server could not resolve the storage host name (ENOTFOUND/EAI_AGAIN).",
                causes: "a name that only resolves on the integrator's side, inside another Docker network, or in the admin's /etc/hosts",
                next_check: "getent hosts HOST on the Document Server host/container; use a name or address reachable from it",
                client_gets: "—",
            },
            Class::DsStorageTimeout => ClassInfo {
                explanation: "Document Server's download from the storage URL timed out.",
                causes: "firewall DROP between Document Server and the storage; storage very slow; hairpin NAT to the public address",
                next_check: "curl -m 10 -I the url= from the line on the Document Server host",
                client_gets: "—",
            },
            Class::DsStorageCert => ClassInfo {
                explanation: "Document Server refused the storage's TLS certificate.",
                causes: "self-signed certificate or a private CA not trusted by Document Server's Node.js; incomplete chain on the storage server",
                next_check: "openssl s_client -connect HOST:443 -showcerts from the Document Server host; add the CA or fix the chain (rejectUnauthorized=false only as a last resort)",
                client_gets: "—",
            },
            Class::DsStoragePrivateIp => ClassInfo {
                explanation: "Document Server refused to download from a private or meta IP address (SSRF filter).",
                causes: "the storage URL resolves to a private address and requestFilteringAgent.allowPrivateIPAddress is false (the default since 7.x)",
                next_check: "set services.CoAuthoring.request-filtering-agent.allowPrivateIPAddress (and allowMetaIPAddress) true in local.json, or ALLOW_PRIVATE_IP_ADDRESS=true in Docker, then restart",
                client_gets: "—",
            },
            Class::DsStorageError => ClassInfo {
                explanation: "Document Server could not download the document (other error or HTTP status from the storage).",
                causes: "storage answered 5xx or an unexpected answer; other network errors (ECONNRESET, EHOSTUNREACH)",
                next_check: "curl -I the url= from the line from the Document Server host and read the status",
                client_gets: "—",
            },
            Class::DsCallbackFailed => ClassInfo {
                explanation: "Document Server could not deliver the save callback to the integrator (postData error).",
                causes: "callback URL unreachable from Document Server; redirect (301/302, often http→https or a login page); 403 from an auth layer; JWT mismatch on the integrator side",
                next_check: "curl -X POST the callback url from the line on the Document Server host; a 3xx status means the callback URL must be the final https address",
                client_gets: "—",
            },
            Class::DsRabbitmq => ClassInfo {
                explanation: "Document Server lost or could not open its RabbitMQ connection.",
                causes: "rabbitmq-server stopped; wrong credentials or vhost; port 5672 blocked",
                next_check: "systemctl status rabbitmq-server and ss -ltn | grep 5672; docservice does not listen on 8000 until it connects, so nginx shows 502",
                client_gets: "—",
            },
            Class::DsDatabase => ClassInfo {
                explanation: "Document Server lost or could not open its database connection.",
                causes: "PostgreSQL/MySQL stopped or restarting; port 5432 blocked; wrong host in services.CoAuthoring.sql",
                next_check: "systemctl status postgresql and a psql login with the credentials from local.json",
                client_gets: "—",
            },
            Class::DsRedis => ClassInfo {
                explanation: "Document Server could not talk to Redis.",
                causes: "redis-server stopped; wrong host/port in services.CoAuthoring.redis",
                next_check: "systemctl status redis-server and redis-cli ping",
                client_gets: "—",
            },
            Class::DsHealthcheck => ClassInfo {
                explanation: "Document Server's /healthcheck found a failed dependency and answered false.",
                causes: "database, RabbitMQ, Redis or storage unavailable (the next lines of the stack trace say which)",
                next_check: "read the stack trace of this entry, then check that dependency's service",
                client_gets: "—",
            },
            Class::DsStorageDenied => ClassInfo {
                explanation: "The storage answered the Document Server's download with 401/403/404 (or another 4xx).",
                causes: "the integrator rejects the Document Server's token (JWT secret differs on the integrator side); a wrong storage/internal URL; the storage name resolving to the Document Server itself (x-powered-by: Express in the answer)",
                next_check: "curl -I the url= from the line on the Document Server host and read who answers (server / x-powered-by headers); compare the integrator's JWT secret and its storage URL",
                client_gets: "—",
            },
            Class::DsStorageTooLarge => ClassInfo {
                explanation: "The document is larger than the Document Server accepts for download (EMSGSIZE).",
                causes: "the file exceeds FileConverter.converter.maxDownloadBytes (default 104857600 bytes = 100 MiB)",
                next_check: "compare the document's size with maxDownloadBytes in local.json/default.json; raise it in local.json and restart ds-docservice and ds-converter",
                client_gets: "—",
            },
            Class::DsIpFilter => ClassInfo {
                explanation: "The Document Server's own IP filter (services.CoAuthoring.ipfilter.rules) denied the address.",
                causes: "ipfilter.rules deny the integrator's or the storage's address; useForwardedHeader reads a proxy's address",
                next_check: "services.CoAuthoring.ipfilter in local.json/default.json: its rules and useForwardedHeader",
                client_gets: "—",
            },
            Class::DsDatabaseQuery => ClassInfo {
                explanation: "PostgreSQL answered but the Document Server's query or login failed.",
                causes: "password authentication failed (services.CoAuthoring.sql password); the schema was never created (relation \"task_result\" does not exist); a PostgreSQL older than 9.5 (syntax error at ON CONFLICT); too many connections",
                next_check: "psql with the credentials of services.CoAuthoring.sql in local.json; create the schema from server/schema/postgresql/createdb.sql; upgrade PostgreSQL; raise max_connections",
                client_gets: "—",
            },
            Class::DsConverterKilled => ClassInfo {
                explanation: "The converter (x2t) was killed with SIGKILL while converting a document.",
                causes: "the kernel's OOM killer (large or complex document, too little memory); a watchdog or an administrator killing it",
                next_check: "journalctl -k | grep -i 'out of memory' at that time; free -m; the document's size",
                client_gets: "—",
            },
            Class::DsConvertTimeout => ClassInfo {
                explanation: "A conversion task was not finished in time (receiveTask timeout).",
                causes: "converter hung or overloaded; x2t slow on a large document; too few converter processes",
                next_check: "ds-converter's state and CPU (ps -o pid,stat,etime,cmd -C x2t); FileConverter.converter.maxprocesscount; proxy_read_timeout of the ConvertService.ashx location",
                client_gets: "—",
            },
            Class::DsDiskFull => ClassInfo {
                explanation: "The Document Server could not write: no space left on device (ENOSPC).",
                causes: "the filesystem holding App_Data/cache/files, the logs or /tmp is full or out of inodes",
                next_check: "df -h and df -i on storage.fs.folderPath (/var/lib/onlyoffice/documentserver/App_Data/cache/files), /var/log/onlyoffice and /tmp",
                client_gets: "—",
            },
            Class::DsConfigParse => ClassInfo {
                explanation: "The Document Server could not parse its configuration file and did not start.",
                causes: "a syntax error in local.json (a trailing comma, a missing quote or brace) after a manual edit",
                next_check: "python3 -m json.tool /etc/onlyoffice/documentserver/local.json points at the line; fix it, then start ds-docservice",
                client_gets: "—",
            },
            Class::DsPortInUse => ClassInfo {
                explanation: "The Document Server could not listen: another program owns its port (EADDRINUSE).",
                causes: "a second docservice (a leftover process, another install or container), or an unrelated program on port 8000",
                next_check: "ss -ltnp 'sport = :8000' names the owner; stop it or move it, then start ds-docservice",
                client_gets: "—",
            },
            Class::DsInstallBroken => ClassInfo {
                explanation: "The Document Server's program files are missing (Cannot find module).",
                causes: "an interrupted upgrade or a partial install; a wrong path in the service definition",
                next_check: "the package's state (dpkg -l onlyoffice-documentserver / rpm -V); reinstall the package",
                client_gets: "—",
            },
            Class::DsStarted => ClassInfo {
                explanation: "docservice started and listens (Express server listening on port …): lines before it are history.",
                causes: "a start or restart of the service",
                next_check: "—",
                client_gets: "—",
            },
            Class::Other => ClassInfo {
                explanation: "Not an upstream failure class (notices, client-side errors, other messages).",
                causes: "—",
                next_check: "shown only with --all",
                client_gets: "—",
            },
        }
    }

    /// Short explanation (see [`ClassInfo::explanation`]).
    pub fn explanation(self) -> &'static str {
        self.info().explanation
    }
    /// Usual causes (see [`ClassInfo::causes`]).
    pub fn causes(self) -> &'static str {
        self.info().causes
    }
    /// Next thing to check (see [`ClassInfo::next_check`]).
    pub fn next_check(self) -> &'static str {
        self.info().next_check
    }
    /// What the client got (see [`ClassInfo::client_gets`]).
    pub fn client_gets(self) -> &'static str {
        self.info().client_gets
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Class {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Class {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Class::from_id(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown class id {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for (i, c) in Class::ALL.iter().enumerate() {
            assert_eq!(c.index(), i, "ALL order must match discriminants");
            assert!(seen.insert(c.id()), "duplicate id {}", c.id());
            assert_eq!(Class::from_id(c.id()), Some(*c));
            assert!(
                c.id()
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch == '_')
            );
            let info = c.info();
            assert!(!info.explanation.is_empty() && !info.next_check.is_empty());
        }
        assert_eq!(Class::from_id("nope"), None);
    }

    /// The README's class table lists every class, so a new class cannot land undocumented.
    #[test]
    fn readme_lists_every_class() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
            .expect("README.md");
        for c in Class::ALL {
            assert!(
                readme.contains(&format!("| `{}` |", c.id())),
                "README's class table lacks {}",
                c.id()
            );
        }
    }

    #[test]
    fn serde_uses_the_id() {
        let json = serde_json::to_string(&Class::UpstreamRefused).expect("serialize");
        assert_eq!(json, "\"upstream_refused\"");
        let back: Class = serde_json::from_str("\"ds_jwt_expired\"").expect("deserialize");
        assert_eq!(back, Class::DsJwtExpired);
        assert!(serde_json::from_str::<Class>("\"bogus\"").is_err());
    }

    #[test]
    fn client_gets_matches_design_table() {
        assert_eq!(Class::UpstreamRefused.client_gets(), "502");
        assert_eq!(Class::UpstreamConnectTimeout.client_gets(), "504");
        assert_eq!(Class::UpstreamReadTimeout.client_gets(), "504");
        assert_eq!(Class::UpstreamDisabled.client_gets(), "—");
    }
}
