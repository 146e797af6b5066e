//! Generator of large, realistic nginx error logs, with the exact expected class counts.
//! Not library code: the `loggen` example (`cargo run --release --example loggen -- --help`)
//! and the tests that need generated logs (`tests/loggen.rs`, `tests/logs_robustness.rs`)
//! include this file with `#[path]`.
//!
//! Each [`Mix`] follows what a proxy in front of ONLYOFFICE and PHP apps logs at `info` level,
//! in other proportions: keepalive/client noise, upstream failures of every class (glibc and
//! musl errno texts), multi-line FastCGI stderr entries, and some lines cut at 2047 bytes in
//! the middle of the request field. The expected class of each generated entry is known by
//! construction (it is the template's class, not the classifier's answer), so a test can check
//! that a scan's counts are exact.
#![allow(dead_code)]

use std::io::{self, Write};
use triage502::logs::Class;
use triage502::logs::nginx_error::NGINX_LINE_CUT;
use triage502::logs::scan::ClassCounts;

/// What was generated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GenStats {
    /// Bytes written.
    pub bytes: u64,
    /// Entries written.
    pub entries: u64,
    /// Physical lines written.
    pub lines: u64,
    /// Expected class of every entry, counted.
    pub counts: ClassCounts,
}

/// splitmix64: small, fast, deterministic.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// Seeded generator.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

const PATHS: [&str; 8] = [
    "/web-apps/apps/api/documents/api.js",
    "/coauthoring/CommandService.ashx",
    "/healthcheck",
    "/index.php/apps/onlyoffice/track?doc=eyJhbGciOiJIUzI1NiJ9",
    "/cache/files/data/3f2b7c1a9e04d7c1/Editor.bin",
    "/doc/3f2b7c1a9e04d7c1/c/?EIO=4&transport=websocket",
    "/api/v1/files/42/download",
    "/",
];
const UPSTREAMS: [&str; 5] = [
    "127.0.0.1:8000",
    "[::1]:8000",
    "10.0.3.17:8080",
    "unix:/run/php/php8.2-fpm.sock",
    "192.168.10.5:443",
];

/// Which proportions of lines to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mix {
    /// A busy proxy with a steady stream of failures: about half the entries are noise
    /// (keepalive, client closes, favicon 404s, FastCGI stderr), half upstream failures of
    /// every class. The mix of PERFORMANCE.md's first figure.
    Proxy,
    /// A 502 storm: nine entries in ten are upstream failures, most of them refused
    /// connections and timeouts.
    Incident,
    /// A healthy proxy logging at `info`: almost all keepalive and client noise, about one
    /// entry in thirty an upstream failure.
    Quiet,
}

impl Mix {
    /// Every mix, with its name on the command line.
    pub const ALL: [(Mix, &'static str); 3] = [
        (Mix::Proxy, "proxy"),
        (Mix::Incident, "incident"),
        (Mix::Quiet, "quiet"),
    ];

    /// The mix named `name`.
    pub fn from_name(name: &str) -> Option<Mix> {
        Mix::ALL.iter().find(|(_, n)| *n == name).map(|(m, _)| *m)
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        Mix::ALL
            .iter()
            .find(|(m, _)| *m == self)
            .map(|(_, n)| *n)
            .unwrap_or("proxy")
    }

    /// (weight, template id) for each of the 29 templates of [`entry`].
    fn weights(self) -> [(u64, u8); 29] {
        let w: [u64; 29] = match self {
            Mix::Proxy => PROXY,
            Mix::Incident => INCIDENT,
            Mix::Quiet => QUIET,
        };
        std::array::from_fn(|i| (w[i], i as u8))
    }
}

/// Weights of the templates 0..=28 (see the comments in [`entry`]), `proxy` mix.
const PROXY: [u64; 29] = [
    300, // 0 info keepalive close (other)
    30,  // 1 notice (other)
    50,  // 2 warn buffered to a temporary file (other)
    50,  // 3 info client prematurely closed (other)
    40,  // 4 open() failed (other)
    90,  // 5 refused (glibc)
    15,  // 6 refused via musl-era BSD-style number
    30,  // 7 connect timeout
    10,  // 8 connect timeout musl text
    70,  // 9 read timeout
    20,  // 10 unreachable (glibc / musl texts)
    25,  // 11 no live upstreams
    30,  // 12 upstream disabled (warn)
    45,  // 13 prematurely closed
    35,  // 14 reset / broken pipe
    15,  // 15 header too big
    15,  // 16 invalid response
    15,  // 17 socket missing
    8,   // 18 permission denied
    10,  // 19 no resolver defined
    8,   // 20 could not be resolved
    5,   // 21 send() failed while resolving
    10,  // 22 SSL_do_handshake
    6,   // 23 upstream SSL certificate verify error
    30,  // 24 FastCGI stderr multi-line (other)
    8,   // 25 cut at 2047 bytes (read timeout)
    20,  // 26 recv() reset by client (other)
    4,   // 27 client intended to send too large body (413)
    1,   // 28 [emerg] unknown variable (a reload refused)
];

/// `incident` mix: the upstream is down or hanging.
const INCIDENT: [u64; 29] = [
    40, 5, 10, 30, 5, // noise
    400, 20, 80, 10, 120, 10, 150, 60, 30, 20, 2, 2, 5, 1, 1, 1, 1, 2, 1, // failures
    10, 10, 5, 1, 1,
];

/// `quiet` mix: a healthy proxy at `info` level.
const QUIET: [u64; 29] = [
    700, 20, 60, 120, 60, // noise
    4, 1, 2, 1, 4, 1, 1, 2, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, // failures
    10, 1, 40, 2, 1,
];

struct Ctx<'a> {
    rng: &'a mut Rng,
    time: &'a [u8],
    cid: u64,
}

fn fields(out: &mut Vec<u8>, c: &mut Ctx<'_>, upstream: bool) {
    let path = PATHS[c.rng.below(PATHS.len() as u64) as usize];
    let up = UPSTREAMS[c.rng.below(UPSTREAMS.len() as u64) as usize];
    let client = c.rng.below(250) + 2;
    let _ = write!(
        out,
        ", client: 203.0.113.{client}, server: docs.example.com, request: \"GET {path} HTTP/1.1\""
    );
    if upstream {
        let _ = write!(out, ", upstream: \"http://{up}{path}\"");
    }
    out.extend_from_slice(b", host: \"docs.example.com\"");
    if c.rng.below(3) == 0 {
        out.extend_from_slice(b", referrer: \"https://cloud.example.com/apps/files/\"");
    }
}

fn head(out: &mut Vec<u8>, c: &mut Ctx<'_>, level: &str, with_cid: bool) {
    out.extend_from_slice(c.time);
    let _ = write!(out, " [{level}] 2101#2101: ");
    if with_cid {
        let _ = write!(out, "*{} ", c.cid);
    }
}

/// Append one entry for template `t`; returns its class and physical line count.
fn entry(out: &mut Vec<u8>, t: u8, c: &mut Ctx<'_>) -> (Class, u64) {
    let entry_start = out.len();
    let mut lines = 1;
    let class = match t {
        0 => {
            head(out, c, "info", true);
            let _ = write!(
                out,
                "client 203.0.113.{} closed keepalive connection",
                c.rng.below(250)
            );
            Class::Other
        }
        1 => {
            head(out, c, "notice", false);
            out.extend_from_slice(b"signal 10 (SIGUSR1) received from 4242, reopening logs");
            Class::Other
        }
        2 => {
            head(out, c, "warn", true);
            out.extend_from_slice(b"an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/3/07/0000000073 while reading upstream");
            fields(out, c, true);
            Class::Other
        }
        3 => {
            head(out, c, "info", true);
            out.extend_from_slice(b"client prematurely closed connection while reading upstream");
            fields(out, c, true);
            Class::Other
        }
        4 => {
            head(out, c, "error", true);
            out.extend_from_slice(b"open() \"/usr/share/nginx/html/favicon.ico\" failed (2: No such file or directory)");
            fields(out, c, false);
            Class::Other
        }
        5 => {
            head(out, c, "error", true);
            out.extend_from_slice(
                b"connect() failed (111: Connection refused) while connecting to upstream",
            );
            fields(out, c, true);
            Class::UpstreamRefused
        }
        6 => {
            head(out, c, "error", true);
            out.extend_from_slice(
                b"connect() failed (61: Connection refused) while connecting to upstream",
            );
            fields(out, c, true);
            Class::UpstreamRefused
        }
        7 => {
            head(out, c, "error", true);
            out.extend_from_slice(
                b"upstream timed out (110: Connection timed out) while connecting to upstream",
            );
            fields(out, c, true);
            Class::UpstreamConnectTimeout
        }
        8 => {
            head(out, c, "error", true);
            out.extend_from_slice(
                b"connect() failed (110: Operation timed out) while connecting to upstream",
            );
            fields(out, c, true);
            Class::UpstreamConnectTimeout
        }
        9 => {
            head(out, c, "error", true);
            let ctx = [
                "reading response header from upstream",
                "reading upstream",
                "sending request to upstream",
            ][c.rng.below(3) as usize];
            let _ = write!(
                out,
                "upstream timed out (110: Connection timed out) while {ctx}"
            );
            fields(out, c, true);
            Class::UpstreamReadTimeout
        }
        10 => {
            head(out, c, "error", true);
            let e = [
                "113: No route to host",
                "113: Host is unreachable",
                "101: Network is unreachable",
            ][c.rng.below(3) as usize];
            let _ = write!(out, "connect() failed ({e}) while connecting to upstream");
            fields(out, c, true);
            Class::UpstreamUnreachable
        }
        11 => {
            head(out, c, "error", true);
            out.extend_from_slice(b"no live upstreams while connecting to upstream");
            fields(out, c, true);
            Class::NoLiveUpstreams
        }
        12 => {
            head(out, c, "warn", true);
            out.extend_from_slice(
                b"upstream server temporarily disabled while connecting to upstream",
            );
            fields(out, c, true);
            Class::UpstreamDisabled
        }
        13 => {
            head(out, c, "error", true);
            let m = [
                "upstream prematurely closed connection while reading response header from upstream",
                "upstream prematurely closed FastCGI stdout while reading response header from upstream",
            ][c.rng.below(2) as usize];
            out.extend_from_slice(m.as_bytes());
            fields(out, c, true);
            Class::UpstreamClosed
        }
        14 => {
            head(out, c, "error", true);
            let m = [
                "recv() failed (104: Connection reset by peer) while reading response header from upstream",
                "writev() failed (32: Broken pipe) while sending request to upstream",
            ][c.rng.below(2) as usize];
            out.extend_from_slice(m.as_bytes());
            fields(out, c, true);
            Class::UpstreamReset
        }
        15 => {
            head(out, c, "error", true);
            out.extend_from_slice(
                b"upstream sent too big header while reading response header from upstream",
            );
            fields(out, c, true);
            Class::HeaderTooBig
        }
        16 => {
            head(out, c, "error", true);
            let m = [
                "upstream sent no valid HTTP/1.0 header while reading response header from upstream",
                "upstream sent invalid chunked response while reading upstream",
                "upstream sent duplicate header line: \"Content-Length: 12\", previous value: \"Content-Length: 10\" while reading response header from upstream",
            ][c.rng.below(3) as usize];
            out.extend_from_slice(m.as_bytes());
            fields(out, c, true);
            Class::InvalidResponse
        }
        17 => {
            head(out, c, "crit", true);
            out.extend_from_slice(b"connect() to unix:/run/php/php8.2-fpm.sock failed (2: No such file or directory) while connecting to upstream");
            fields(out, c, true);
            Class::SocketMissing
        }
        18 => {
            head(out, c, "crit", true);
            out.extend_from_slice(b"connect() to 127.0.0.1:8000 failed (13: Permission denied) while connecting to upstream");
            fields(out, c, true);
            Class::PermissionDenied
        }
        19 => {
            head(out, c, "error", true);
            out.extend_from_slice(b"no resolver defined to resolve documentserver.internal");
            fields(out, c, false);
            Class::DnsFailure
        }
        20 => {
            head(out, c, "error", true);
            out.extend_from_slice(
                b"documentserver.internal could not be resolved (3: Host not found)",
            );
            fields(out, c, false);
            Class::DnsFailure
        }
        21 => {
            head(out, c, "error", false);
            out.extend_from_slice(
                b"send() failed (111: Connection refused) while resolving, resolver: 127.0.0.53:53",
            );
            Class::DnsFailure
        }
        22 => {
            head(out, c, "error", true);
            out.extend_from_slice(b"SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream");
            fields(out, c, true);
            Class::UpstreamTls
        }
        23 => {
            head(out, c, "error", true);
            out.extend_from_slice(b"upstream SSL certificate verify error: (18:self-signed certificate) while SSL handshaking to upstream");
            fields(out, c, true);
            Class::UpstreamTls
        }
        24 => {
            head(out, c, "error", true);
            out.extend_from_slice(b"FastCGI sent in stderr: \"PHP message: PHP Fatal error:  Uncaught Error: connect() failed (111: Connection refused) in /var/www/index.php:3\nStack trace:\n");
            let extra = c.rng.below(3);
            for i in 0..extra {
                let _ = writeln!(
                    out,
                    "#{i} /var/www/lib/Db.php({}): connect()",
                    c.rng.below(400)
                );
            }
            out.extend_from_slice(b"  thrown in /var/www/index.php on line 3\" while reading response header from upstream");
            fields(out, c, true);
            lines += 2 + extra;
            Class::Other
        }
        25 => {
            head(out, c, "error", true);
            out.extend_from_slice(b"upstream timed out (110: Connection timed out) while reading response header from upstream, client: 203.0.113.9, server: docs.example.com, request: \"GET /cache/files/data/");
            let target = entry_start + NGINX_LINE_CUT;
            while out.len() < target {
                let b = b'a' + (c.rng.below(26) as u8);
                out.push(b);
            }
            Class::UpstreamReadTimeout
        }
        27 => {
            head(out, c, "error", true);
            let _ = write!(
                out,
                "client intended to send too large body: {} bytes",
                2_000_000 + c.rng.below(200_000_000)
            );
            fields(out, c, false);
            Class::ClientBodyTooLarge
        }
        28 => {
            head(out, c, "emerg", false);
            out.extend_from_slice(b"unknown \"secure_link_secret\" variable");
            Class::NginxEmerg
        }
        _ => {
            head(out, c, "info", true);
            out.extend_from_slice(
                b"recv() failed (104: Connection reset by peer) while reading client request line",
            );
            fields(out, c, false);
            Class::Other
        }
    };
    out.push(b'\n');
    (class, lines)
}

/// Write about `bytes` bytes of realistic nginx error log in the proportions of `mix` to `out`
/// (whole entries: the last one may overshoot by one entry). Deterministic for a given `seed`
/// and mix.
pub fn generate(out: &mut dyn Write, bytes: u64, seed: u64, mix: Mix) -> io::Result<GenStats> {
    let mut rng = Rng::new(seed);
    let weights = mix.weights();
    let total_weight: u64 = weights.iter().map(|(w, _)| w).sum();
    let mut stats = GenStats {
        bytes: 0,
        entries: 0,
        lines: 0,
        counts: ClassCounts::default(),
    };
    let base = chrono::NaiveDate::from_ymd_opt(2026, 11, 28)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("constant date is valid");
    let mut secs = 0i64;
    let mut time = base.format("%Y/%m/%d %H:%M:%S").to_string().into_bytes();
    let mut batch: Vec<u8> = Vec::with_capacity(256 * 1024);
    let mut cid = 1u64;
    while stats.bytes < bytes {
        if rng.below(20) == 0 {
            secs += 1;
            time = (base + chrono::Duration::seconds(secs))
                .format("%Y/%m/%d %H:%M:%S")
                .to_string()
                .into_bytes();
        }
        let mut pick = rng.below(total_weight);
        let mut t = 0u8;
        for (w, id) in weights {
            if pick < w {
                t = id;
                break;
            }
            pick -= w;
        }
        cid += 1 + rng.below(3);
        let before = batch.len();
        let mut ctx = Ctx {
            rng: &mut rng,
            time: &time,
            cid,
        };
        let (class, lines) = entry(&mut batch, t, &mut ctx);
        stats.bytes += (batch.len() - before) as u64;
        stats.entries += 1;
        stats.lines += lines;
        stats.counts.add(class);
        if batch.len() >= 192 * 1024 {
            out.write_all(&batch)?;
            batch.clear();
        }
    }
    out.write_all(&batch)?;
    out.flush()?;
    Ok(stats)
}
