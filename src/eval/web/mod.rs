//! The web front's evaluators (the `tls` section): nginx's configuration read as
//! nginx reads it (`front`), then one module per control:
//! - `tls.https-redirect` — [`redirect`]; `tls.protocols` — [`protocols`];
//! - `tls.ciphers` — [`ciphers`]; `tls.certificate` — [`certificate`];
//! - `tls.renewal` — [`renewal`]; `tls.hsts` — [`hsts`];
//! - `tls.backend-loopback` — [`backend`].
//!
//! The controls need the `nginx_config` and `caddy_config` probes (they also read
//! the certificates the configurations name, never their keys); `tls.protocols` and `tls.ciphers` a
//! `files` probe of /var/lib/dpkg/status (nginx's version decides its defaults);
//! `tls.renewal` one of [`RENEWAL_PATHS`]; `tls.backend-loopback` the
//! `app_servers` probe.

pub mod backend;
pub mod caddy;
pub mod certificate;
pub mod certs;
pub mod ciphers;
pub mod front;
pub mod hsts;
pub mod protocols;
pub mod redirect;
pub mod renewal;

#[cfg(test)]
mod tests;

pub use renewal::RENEWAL_PATHS;

use super::EvaluatorDef;

pub fn evaluators() -> Vec<EvaluatorDef> {
    vec![
        redirect::evaluator(),
        protocols::evaluator(),
        ciphers::evaluator(),
        certificate::evaluator(),
        renewal::evaluator(),
        hsts::evaluator(),
        backend::evaluator(),
    ]
}
