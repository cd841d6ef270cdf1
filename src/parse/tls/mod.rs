//! TLS as OpenSSL configures it: the cipher suites OpenSSL 3 knows (`suites`), and
//! cipher strings expanded to them as OpenSSL does (`ciphers`). No verdict here
//! beyond each suite's weakness by the tls.ciphers rule.

pub mod ciphers;
pub mod suites;
