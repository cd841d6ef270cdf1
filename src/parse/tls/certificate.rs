//! X.509 certificates as a TLS server serves them: every `CERTIFICATE` block of a
//! PEM file (nginx's `ssl_certificate` is the leaf then its chain), each with its
//! subject, DNS names, issuer, validity and SHA-256 fingerprint (x509-parser), and
//! whether a host name is one the leaf covers, wildcards matched as TLS clients
//! match them (RFC 6125: `*` stands for exactly one whole left-most label). Blocks
//! of other kinds (a private key pasted in) are skipped unread. No verdict here.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use x509_parser::extensions::GeneralName;
use x509_parser::pem::Pem;

/// Certificates beyond this many in one file are not read (a chain is 2–4).
pub const MAX_CERTIFICATES: usize = 16;

/// One certificate's facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub subject: String,
    pub issuer: String,
    /// The DNS names of its subjectAltName extension.
    pub dns_names: Vec<String>,
    /// The subject's common name, which clients ignore when DNS names are present.
    pub common_name: Option<String>,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    /// SHA-256 of the DER encoding, lowercase hex with colons (as `openssl x509 -fingerprint -sha256`).
    pub sha256: String,
}

/// Why a file gives no certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    #[error("no PEM CERTIFICATE block")]
    NoCertificate,
    #[error("PEM block {index} cannot be read: {reason}")]
    BadPem { index: usize, reason: String },
    #[error("certificate {index} cannot be decoded: {reason}")]
    BadCertificate { index: usize, reason: String },
}

/// Every certificate of a PEM file, in file order (the leaf first, as served).
pub fn parse_pem(bytes: &[u8]) -> Result<Vec<Certificate>, CertificateError> {
    let mut out = Vec::new();
    for (index, block) in Pem::iter_from_buffer(bytes).enumerate() {
        let index = index + 1;
        let pem = block.map_err(|e| CertificateError::BadPem {
            index,
            reason: e.to_string(),
        })?;
        if pem.label != "CERTIFICATE" {
            continue;
        }
        let x509 = pem.parse_x509().map_err(|e| CertificateError::BadCertificate {
            index,
            reason: e.to_string(),
        })?;
        out.push(facts(&x509, &pem.contents, index)?);
        if out.len() == MAX_CERTIFICATES {
            break;
        }
    }
    if out.is_empty() {
        return Err(CertificateError::NoCertificate);
    }
    Ok(out)
}

fn facts(
    x509: &x509_parser::certificate::X509Certificate<'_>,
    der: &[u8],
    index: usize,
) -> Result<Certificate, CertificateError> {
    let time = |t: &x509_parser::time::ASN1Time| {
        DateTime::from_timestamp(t.timestamp(), 0).ok_or_else(|| CertificateError::BadCertificate {
            index,
            reason: format!("a validity date out of range ({t})"),
        })
    };
    let validity = x509.validity();
    let dns_names = match x509.subject_alternative_name() {
        Ok(Some(san)) => san
            .value
            .general_names
            .iter()
            .filter_map(|name| match name {
                GeneralName::DNSName(dns) => Some(dns.to_string()),
                _ => None,
            })
            .collect(),
        Ok(None) => Vec::new(),
        Err(e) => {
            return Err(CertificateError::BadCertificate {
                index,
                reason: format!("its subjectAltName: {e}"),
            })
        }
    };
    let common_name = x509
        .subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(str::to_string);
    let digest = Sha256::digest(der);
    let sha256 = digest.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":");
    Ok(Certificate {
        subject: name(x509.subject()),
        issuer: name(x509.issuer()),
        dns_names,
        common_name,
        not_before: time(&validity.not_before)?,
        not_after: time(&validity.not_after)?,
        sha256,
    })
}

/// A distinguished name as `openssl x509 -subject` writes it (less its spaces
/// around `=`): `C=US, O="Acme, Inc.", CN=shop.example.com`, a value holding a
/// separator quoted, so no value can pass for two.
fn name(x509_name: &x509_parser::x509::X509Name<'_>) -> String {
    let registry = x509_parser::objects::oid_registry();
    let mut parts = Vec::new();
    for rdn in x509_name.iter_rdn() {
        for attribute in rdn.iter() {
            let oid = attribute.attr_type();
            let key = x509_parser::objects::oid2abbrev(oid, registry)
                .map(str::to_string)
                .unwrap_or_else(|_| oid.to_id_string());
            let value = match attribute.as_str() {
                Ok(text) => text.to_string(),
                Err(_) => {
                    let bytes = attribute.as_slice();
                    format!("#{}", bytes.iter().map(|b| format!("{b:02X}")).collect::<String>())
                }
            };
            let special = value
                .chars()
                .any(|c| matches!(c, ',' | '+' | ';' | '<' | '>' | '"' | '\\'))
                || value.starts_with(' ')
                || value.ends_with(' ');
            let value = if special {
                format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
            } else {
                value
            };
            parts.push(format!("{key}={value}"));
        }
    }
    parts.join(", ")
}

impl Certificate {
    /// Whether a client reaching `host` accepts this certificate's names: its DNS
    /// names, or its common name when it has none (as browsers no longer do, but
    /// curl and OpenSSL still do).
    pub fn covers(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.');
        if self.dns_names.is_empty() {
            return self.common_name.as_deref().is_some_and(|cn| name_matches(cn, host));
        }
        self.dns_names.iter().any(|name| name_matches(name, host))
    }

    /// Whether it names itself as its issuer (self-signed, or a root).
    pub fn is_self_issued(&self) -> bool {
        self.subject == self.issuer
    }
}

/// RFC 6125 matching, case-insensitive: `*.example.com` covers `a.example.com`,
/// not `example.com` nor `a.b.example.com`; no partial-label wildcards.
pub fn name_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
    let host = host.to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(rest) => match host.split_once('.') {
            Some((label, host_rest)) => !label.is_empty() && host_rest == rest && rest.contains('.'),
            None => false,
        },
        None => !pattern.contains('*') && pattern == host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_stand_for_exactly_one_label() {
        assert!(name_matches("*.example.com", "www.example.com"));
        assert!(name_matches("*.Example.COM", "api.example.com"));
        assert!(!name_matches("*.example.com", "example.com"));
        assert!(!name_matches("*.example.com", "a.b.example.com"));
        assert!(
            !name_matches("*.com", "example.com"),
            "no wildcard over a public suffix's one label"
        );
        assert!(!name_matches("w*.example.com", "www.example.com"));
        assert!(name_matches("shop.example.com.", "shop.example.com"));
    }

    #[test]
    fn text_without_a_certificate_is_refused() {
        assert_eq!(parse_pem(b"hello\n"), Err(CertificateError::NoCertificate));
        let key_only = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assert_eq!(parse_pem(key_only), Err(CertificateError::NoCertificate));
        let broken = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(matches!(
            parse_pem(broken),
            Err(CertificateError::BadCertificate { index: 1, .. })
        ));
    }
}
