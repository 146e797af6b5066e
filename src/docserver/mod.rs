//! Talking to an ONLYOFFICE Document Server and reading its settings — the one place that
//! knows its protocol, shared by the probes (`docserver-health`, `docserver-command` hops) and
//! the integration checks (`onlyoffice/`):
//!
//! - [`settings`]: its token settings (`local.json` over `default.json`, read capped and
//!   without following a FIFO), the secret used to sign, HS256 signing.
//! - [`client`]: the HTTP client every request of the tool uses (no proxy, no redirect,
//!   rustls), the signed `{"c":"version"}` command-service request, what its answer and
//!   error codes mean, and the text of an error chain.

pub mod client;
pub mod settings;
