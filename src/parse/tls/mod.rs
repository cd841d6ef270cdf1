//! TLS as OpenSSL configures it: the cipher suites OpenSSL 3 knows (`suites`),
//! cipher strings expanded to them as OpenSSL does (`ciphers`), and the X.509
//! certificates a server serves (`certificate`). No verdict here
//! beyond each suite's weakness by the tls.ciphers rule.

pub mod certificate;
pub mod ciphers;
mod pattern;
pub mod suites;
