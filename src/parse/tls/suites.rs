//! The TLS 1.2-and-older cipher suites OpenSSL 3 knows (Debian 12's 3.0 with its
//! default provider, as `OPENSSL_CONF=/dev/null openssl ciphers -v
//! 'ALL:COMPLEMENTOFALL'` lists them, in that order), each with the algorithm
//! classes its cipher-string keywords select on. Data only: `ciphers` expands
//! strings over it, and a differential test keeps it equal to the real program's.

/// The lowest protocol version a suite runs on (OpenSSL's `min_tls`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Ssl3,
    Tls1,
    Tls12,
}

/// Key exchange (OpenSSL's `SSL_k*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kx {
    Rsa,
    Dhe,
    Ecdhe,
    Psk,
    RsaPsk,
    DhePsk,
    EcdhePsk,
    Srp,
}

/// Server authentication (OpenSSL's `SSL_a*`; `Null` is anonymous).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Au {
    Rsa,
    Dss,
    Null,
    Ecdsa,
    Psk,
    Srp,
}

/// Bulk encryption (OpenSSL's `SSL_ENC_*`; `Null` encrypts nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enc {
    Null,
    Aes128,
    Aes256,
    Aes128Gcm,
    Aes256Gcm,
    Aes128Ccm,
    Aes256Ccm,
    Aes128Ccm8,
    Aes256Ccm8,
    Camellia128,
    Camellia256,
    Chacha20Poly1305,
    Aria128Gcm,
    Aria256Gcm,
}

/// Message authentication (`Aead` when the cipher authenticates itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mac {
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Aead,
}

/// One cipher suite by its OpenSSL name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suite {
    pub name: &'static str,
    pub version: Version,
    pub kx: Kx,
    pub au: Au,
    pub enc: Enc,
    pub mac: Mac,
    /// Selected by the `FIPS` keyword.
    pub fips: bool,
    /// Outside `DEFAULT` (selected by `COMPLEMENTOFDEFAULT`).
    pub not_default: bool,
}

impl Enc {
    /// Key length in bits: what `@STRENGTH` sorts by (0 for no encryption).
    pub fn bits(self) -> u16 {
        use Enc::*;
        match self {
            Null => 0,
            Aes128 | Aes128Gcm | Aes128Ccm | Aes128Ccm8 | Camellia128 | Aria128Gcm => 128,
            Aes256 | Aes256Gcm | Aes256Ccm | Aes256Ccm8 | Camellia256 | Aria256Gcm | Chacha20Poly1305 => 256,
        }
    }

    /// The name `openssl ciphers -v` prints in its Enc column.
    pub fn label(self) -> &'static str {
        use Enc::*;
        match self {
            Null => "None",
            Aes128 | Aes256 => "AES",
            Aes128Gcm | Aes256Gcm => "AESGCM",
            Aes128Ccm | Aes256Ccm => "AESCCM",
            Aes128Ccm8 | Aes256Ccm8 => "AESCCM8",
            Camellia128 | Camellia256 => "Camellia",
            Chacha20Poly1305 => "CHACHA20/POLY1305",
            Aria128Gcm | Aria256Gcm => "ARIAGCM",
        }
    }
}

/// A row of the table; `flags` holds `F` (FIPS) and `N` (not in DEFAULT).
impl Kx {
    /// The name `openssl ciphers -v` prints in its Kx column.
    pub fn label(self) -> &'static str {
        match self {
            Kx::Rsa => "RSA",
            Kx::Dhe => "DH",
            Kx::Ecdhe => "ECDH",
            Kx::Psk => "PSK",
            Kx::RsaPsk => "RSAPSK",
            Kx::DhePsk => "DHEPSK",
            Kx::EcdhePsk => "ECDHEPSK",
            Kx::Srp => "SRP",
        }
    }
}

impl Au {
    /// The name `openssl ciphers -v` prints in its Au column.
    pub fn label(self) -> &'static str {
        match self {
            Au::Rsa => "RSA",
            Au::Dss => "DSS",
            Au::Null => "None",
            Au::Ecdsa => "ECDSA",
            Au::Psk => "PSK",
            Au::Srp => "SRP",
        }
    }
}

impl Mac {
    /// The name `openssl ciphers -v` prints in its Mac column.
    pub fn label(self) -> &'static str {
        match self {
            Mac::Md5 => "MD5",
            Mac::Sha1 => "SHA1",
            Mac::Sha256 => "SHA256",
            Mac::Sha384 => "SHA384",
            Mac::Aead => "AEAD",
        }
    }
}

impl Version {
    /// The name `openssl ciphers -v` prints in its version column.
    pub fn label(self) -> &'static str {
        match self {
            Version::Ssl3 => "SSLv3",
            Version::Tls1 => "TLSv1",
            Version::Tls12 => "TLSv1.2",
        }
    }
}

impl Suite {
    /// `openssl ciphers -v`'s description: `Kx=ECDH Au=RSA Enc=AESGCM(128) Mac=AEAD`.
    pub fn describe(&self) -> String {
        let bits = self.enc.bits();
        let enc = if bits == 0 {
            self.enc.label().to_string()
        } else {
            format!("{}({bits})", self.enc.label())
        };
        format!(
            "Kx={} Au={} Enc={enc} Mac={}",
            self.kx.label(),
            self.au.label(),
            self.mac.label()
        )
    }
}

const fn s(name: &'static str, version: Version, kx: Kx, au: Au, enc: Enc, mac: Mac, flags: &str) -> Suite {
    let flags = flags.as_bytes();
    let mut fips = false;
    let mut not_default = false;
    let mut i = 0;
    while i < flags.len() {
        fips |= flags[i] == b'F';
        not_default |= flags[i] == b'N';
        i += 1;
    }
    Suite {
        name,
        version,
        kx,
        au,
        enc,
        mac,
        fips,
        not_default,
    }
}

use {Au as A, Enc as E, Kx as K, Mac as M, Version as V};

/// Every suite, in the order `openssl ciphers -v 'ALL:COMPLEMENTOFALL'` prints them.
#[rustfmt::skip]
pub const SUITES: &[Suite] = &[
    s("ECDHE-ECDSA-AES256-GCM-SHA384", V::Tls12, K::Ecdhe, A::Ecdsa, E::Aes256Gcm, M::Aead, "F"),
    s("ECDHE-RSA-AES256-GCM-SHA384", V::Tls12, K::Ecdhe, A::Rsa, E::Aes256Gcm, M::Aead, "F"),
    s("DHE-DSS-AES256-GCM-SHA384", V::Tls12, K::Dhe, A::Dss, E::Aes256Gcm, M::Aead, "FN"),
    s("DHE-RSA-AES256-GCM-SHA384", V::Tls12, K::Dhe, A::Rsa, E::Aes256Gcm, M::Aead, "F"),
    s("ECDHE-ECDSA-CHACHA20-POLY1305", V::Tls12, K::Ecdhe, A::Ecdsa, E::Chacha20Poly1305, M::Aead, ""),
    s("ECDHE-RSA-CHACHA20-POLY1305", V::Tls12, K::Ecdhe, A::Rsa, E::Chacha20Poly1305, M::Aead, ""),
    s("DHE-RSA-CHACHA20-POLY1305", V::Tls12, K::Dhe, A::Rsa, E::Chacha20Poly1305, M::Aead, ""),
    s("ECDHE-ECDSA-AES256-CCM8", V::Tls12, K::Ecdhe, A::Ecdsa, E::Aes256Ccm8, M::Aead, "N"),
    s("ECDHE-ECDSA-AES256-CCM", V::Tls12, K::Ecdhe, A::Ecdsa, E::Aes256Ccm, M::Aead, "N"),
    s("DHE-RSA-AES256-CCM8", V::Tls12, K::Dhe, A::Rsa, E::Aes256Ccm8, M::Aead, "N"),
    s("DHE-RSA-AES256-CCM", V::Tls12, K::Dhe, A::Rsa, E::Aes256Ccm, M::Aead, "N"),
    s("ECDHE-ECDSA-ARIA256-GCM-SHA384", V::Tls12, K::Ecdhe, A::Ecdsa, E::Aria256Gcm, M::Aead, "N"),
    s("ECDHE-ARIA256-GCM-SHA384", V::Tls12, K::Ecdhe, A::Rsa, E::Aria256Gcm, M::Aead, "N"),
    s("DHE-DSS-ARIA256-GCM-SHA384", V::Tls12, K::Dhe, A::Dss, E::Aria256Gcm, M::Aead, "N"),
    s("DHE-RSA-ARIA256-GCM-SHA384", V::Tls12, K::Dhe, A::Rsa, E::Aria256Gcm, M::Aead, "N"),
    s("ADH-AES256-GCM-SHA384", V::Tls12, K::Dhe, A::Null, E::Aes256Gcm, M::Aead, "FN"),
    s("ECDHE-ECDSA-AES128-GCM-SHA256", V::Tls12, K::Ecdhe, A::Ecdsa, E::Aes128Gcm, M::Aead, "F"),
    s("ECDHE-RSA-AES128-GCM-SHA256", V::Tls12, K::Ecdhe, A::Rsa, E::Aes128Gcm, M::Aead, "F"),
    s("DHE-DSS-AES128-GCM-SHA256", V::Tls12, K::Dhe, A::Dss, E::Aes128Gcm, M::Aead, "FN"),
    s("DHE-RSA-AES128-GCM-SHA256", V::Tls12, K::Dhe, A::Rsa, E::Aes128Gcm, M::Aead, "F"),
    s("ECDHE-ECDSA-AES128-CCM8", V::Tls12, K::Ecdhe, A::Ecdsa, E::Aes128Ccm8, M::Aead, "N"),
    s("ECDHE-ECDSA-AES128-CCM", V::Tls12, K::Ecdhe, A::Ecdsa, E::Aes128Ccm, M::Aead, "N"),
    s("DHE-RSA-AES128-CCM8", V::Tls12, K::Dhe, A::Rsa, E::Aes128Ccm8, M::Aead, "N"),
    s("DHE-RSA-AES128-CCM", V::Tls12, K::Dhe, A::Rsa, E::Aes128Ccm, M::Aead, "N"),
    s("ECDHE-ECDSA-ARIA128-GCM-SHA256", V::Tls12, K::Ecdhe, A::Ecdsa, E::Aria128Gcm, M::Aead, "N"),
    s("ECDHE-ARIA128-GCM-SHA256", V::Tls12, K::Ecdhe, A::Rsa, E::Aria128Gcm, M::Aead, "N"),
    s("DHE-DSS-ARIA128-GCM-SHA256", V::Tls12, K::Dhe, A::Dss, E::Aria128Gcm, M::Aead, "N"),
    s("DHE-RSA-ARIA128-GCM-SHA256", V::Tls12, K::Dhe, A::Rsa, E::Aria128Gcm, M::Aead, "N"),
    s("ADH-AES128-GCM-SHA256", V::Tls12, K::Dhe, A::Null, E::Aes128Gcm, M::Aead, "FN"),
    s("ECDHE-ECDSA-AES256-SHA384", V::Tls12, K::Ecdhe, A::Ecdsa, E::Aes256, M::Sha384, "F"),
    s("ECDHE-RSA-AES256-SHA384", V::Tls12, K::Ecdhe, A::Rsa, E::Aes256, M::Sha384, "F"),
    s("DHE-RSA-AES256-SHA256", V::Tls12, K::Dhe, A::Rsa, E::Aes256, M::Sha256, "F"),
    s("DHE-DSS-AES256-SHA256", V::Tls12, K::Dhe, A::Dss, E::Aes256, M::Sha256, "FN"),
    s("ECDHE-ECDSA-CAMELLIA256-SHA384", V::Tls12, K::Ecdhe, A::Ecdsa, E::Camellia256, M::Sha384, "N"),
    s("ECDHE-RSA-CAMELLIA256-SHA384", V::Tls12, K::Ecdhe, A::Rsa, E::Camellia256, M::Sha384, "N"),
    s("DHE-RSA-CAMELLIA256-SHA256", V::Tls12, K::Dhe, A::Rsa, E::Camellia256, M::Sha256, "N"),
    s("DHE-DSS-CAMELLIA256-SHA256", V::Tls12, K::Dhe, A::Dss, E::Camellia256, M::Sha256, "N"),
    s("ADH-AES256-SHA256", V::Tls12, K::Dhe, A::Null, E::Aes256, M::Sha256, "FN"),
    s("ADH-CAMELLIA256-SHA256", V::Tls12, K::Dhe, A::Null, E::Camellia256, M::Sha256, "N"),
    s("ECDHE-ECDSA-AES128-SHA256", V::Tls12, K::Ecdhe, A::Ecdsa, E::Aes128, M::Sha256, "F"),
    s("ECDHE-RSA-AES128-SHA256", V::Tls12, K::Ecdhe, A::Rsa, E::Aes128, M::Sha256, "F"),
    s("DHE-RSA-AES128-SHA256", V::Tls12, K::Dhe, A::Rsa, E::Aes128, M::Sha256, "F"),
    s("DHE-DSS-AES128-SHA256", V::Tls12, K::Dhe, A::Dss, E::Aes128, M::Sha256, "FN"),
    s("ECDHE-ECDSA-CAMELLIA128-SHA256", V::Tls12, K::Ecdhe, A::Ecdsa, E::Camellia128, M::Sha256, "N"),
    s("ECDHE-RSA-CAMELLIA128-SHA256", V::Tls12, K::Ecdhe, A::Rsa, E::Camellia128, M::Sha256, "N"),
    s("DHE-RSA-CAMELLIA128-SHA256", V::Tls12, K::Dhe, A::Rsa, E::Camellia128, M::Sha256, "N"),
    s("DHE-DSS-CAMELLIA128-SHA256", V::Tls12, K::Dhe, A::Dss, E::Camellia128, M::Sha256, "N"),
    s("ADH-AES128-SHA256", V::Tls12, K::Dhe, A::Null, E::Aes128, M::Sha256, "FN"),
    s("ADH-CAMELLIA128-SHA256", V::Tls12, K::Dhe, A::Null, E::Camellia128, M::Sha256, "N"),
    s("ECDHE-ECDSA-AES256-SHA", V::Tls1, K::Ecdhe, A::Ecdsa, E::Aes256, M::Sha1, "F"),
    s("ECDHE-RSA-AES256-SHA", V::Tls1, K::Ecdhe, A::Rsa, E::Aes256, M::Sha1, "F"),
    s("DHE-RSA-AES256-SHA", V::Ssl3, K::Dhe, A::Rsa, E::Aes256, M::Sha1, "F"),
    s("DHE-DSS-AES256-SHA", V::Ssl3, K::Dhe, A::Dss, E::Aes256, M::Sha1, "FN"),
    s("DHE-RSA-CAMELLIA256-SHA", V::Ssl3, K::Dhe, A::Rsa, E::Camellia256, M::Sha1, "N"),
    s("DHE-DSS-CAMELLIA256-SHA", V::Ssl3, K::Dhe, A::Dss, E::Camellia256, M::Sha1, "N"),
    s("AECDH-AES256-SHA", V::Tls1, K::Ecdhe, A::Null, E::Aes256, M::Sha1, "FN"),
    s("ADH-AES256-SHA", V::Ssl3, K::Dhe, A::Null, E::Aes256, M::Sha1, "FN"),
    s("ADH-CAMELLIA256-SHA", V::Ssl3, K::Dhe, A::Null, E::Camellia256, M::Sha1, "N"),
    s("ECDHE-ECDSA-AES128-SHA", V::Tls1, K::Ecdhe, A::Ecdsa, E::Aes128, M::Sha1, "F"),
    s("ECDHE-RSA-AES128-SHA", V::Tls1, K::Ecdhe, A::Rsa, E::Aes128, M::Sha1, "F"),
    s("DHE-RSA-AES128-SHA", V::Ssl3, K::Dhe, A::Rsa, E::Aes128, M::Sha1, "F"),
    s("DHE-DSS-AES128-SHA", V::Ssl3, K::Dhe, A::Dss, E::Aes128, M::Sha1, "FN"),
    s("DHE-RSA-CAMELLIA128-SHA", V::Ssl3, K::Dhe, A::Rsa, E::Camellia128, M::Sha1, "N"),
    s("DHE-DSS-CAMELLIA128-SHA", V::Ssl3, K::Dhe, A::Dss, E::Camellia128, M::Sha1, "N"),
    s("AECDH-AES128-SHA", V::Tls1, K::Ecdhe, A::Null, E::Aes128, M::Sha1, "FN"),
    s("ADH-AES128-SHA", V::Ssl3, K::Dhe, A::Null, E::Aes128, M::Sha1, "FN"),
    s("ADH-CAMELLIA128-SHA", V::Ssl3, K::Dhe, A::Null, E::Camellia128, M::Sha1, "N"),
    s("RSA-PSK-AES256-GCM-SHA384", V::Tls12, K::RsaPsk, A::Rsa, E::Aes256Gcm, M::Aead, "F"),
    s("DHE-PSK-AES256-GCM-SHA384", V::Tls12, K::DhePsk, A::Psk, E::Aes256Gcm, M::Aead, "F"),
    s("RSA-PSK-CHACHA20-POLY1305", V::Tls12, K::RsaPsk, A::Rsa, E::Chacha20Poly1305, M::Aead, ""),
    s("DHE-PSK-CHACHA20-POLY1305", V::Tls12, K::DhePsk, A::Psk, E::Chacha20Poly1305, M::Aead, ""),
    s("ECDHE-PSK-CHACHA20-POLY1305", V::Tls12, K::EcdhePsk, A::Psk, E::Chacha20Poly1305, M::Aead, ""),
    s("DHE-PSK-AES256-CCM8", V::Tls12, K::DhePsk, A::Psk, E::Aes256Ccm8, M::Aead, "N"),
    s("DHE-PSK-AES256-CCM", V::Tls12, K::DhePsk, A::Psk, E::Aes256Ccm, M::Aead, "N"),
    s("RSA-PSK-ARIA256-GCM-SHA384", V::Tls12, K::RsaPsk, A::Rsa, E::Aria256Gcm, M::Aead, "N"),
    s("DHE-PSK-ARIA256-GCM-SHA384", V::Tls12, K::DhePsk, A::Psk, E::Aria256Gcm, M::Aead, "N"),
    s("AES256-GCM-SHA384", V::Tls12, K::Rsa, A::Rsa, E::Aes256Gcm, M::Aead, "F"),
    s("AES256-CCM8", V::Tls12, K::Rsa, A::Rsa, E::Aes256Ccm8, M::Aead, "N"),
    s("AES256-CCM", V::Tls12, K::Rsa, A::Rsa, E::Aes256Ccm, M::Aead, "N"),
    s("ARIA256-GCM-SHA384", V::Tls12, K::Rsa, A::Rsa, E::Aria256Gcm, M::Aead, "N"),
    s("PSK-AES256-GCM-SHA384", V::Tls12, K::Psk, A::Psk, E::Aes256Gcm, M::Aead, "F"),
    s("PSK-CHACHA20-POLY1305", V::Tls12, K::Psk, A::Psk, E::Chacha20Poly1305, M::Aead, ""),
    s("PSK-AES256-CCM8", V::Tls12, K::Psk, A::Psk, E::Aes256Ccm8, M::Aead, "N"),
    s("PSK-AES256-CCM", V::Tls12, K::Psk, A::Psk, E::Aes256Ccm, M::Aead, "N"),
    s("PSK-ARIA256-GCM-SHA384", V::Tls12, K::Psk, A::Psk, E::Aria256Gcm, M::Aead, "N"),
    s("RSA-PSK-AES128-GCM-SHA256", V::Tls12, K::RsaPsk, A::Rsa, E::Aes128Gcm, M::Aead, "F"),
    s("DHE-PSK-AES128-GCM-SHA256", V::Tls12, K::DhePsk, A::Psk, E::Aes128Gcm, M::Aead, "F"),
    s("DHE-PSK-AES128-CCM8", V::Tls12, K::DhePsk, A::Psk, E::Aes128Ccm8, M::Aead, "N"),
    s("DHE-PSK-AES128-CCM", V::Tls12, K::DhePsk, A::Psk, E::Aes128Ccm, M::Aead, "N"),
    s("RSA-PSK-ARIA128-GCM-SHA256", V::Tls12, K::RsaPsk, A::Rsa, E::Aria128Gcm, M::Aead, "N"),
    s("DHE-PSK-ARIA128-GCM-SHA256", V::Tls12, K::DhePsk, A::Psk, E::Aria128Gcm, M::Aead, "N"),
    s("AES128-GCM-SHA256", V::Tls12, K::Rsa, A::Rsa, E::Aes128Gcm, M::Aead, "F"),
    s("AES128-CCM8", V::Tls12, K::Rsa, A::Rsa, E::Aes128Ccm8, M::Aead, "N"),
    s("AES128-CCM", V::Tls12, K::Rsa, A::Rsa, E::Aes128Ccm, M::Aead, "N"),
    s("ARIA128-GCM-SHA256", V::Tls12, K::Rsa, A::Rsa, E::Aria128Gcm, M::Aead, "N"),
    s("PSK-AES128-GCM-SHA256", V::Tls12, K::Psk, A::Psk, E::Aes128Gcm, M::Aead, "F"),
    s("PSK-AES128-CCM8", V::Tls12, K::Psk, A::Psk, E::Aes128Ccm8, M::Aead, "N"),
    s("PSK-AES128-CCM", V::Tls12, K::Psk, A::Psk, E::Aes128Ccm, M::Aead, "N"),
    s("PSK-ARIA128-GCM-SHA256", V::Tls12, K::Psk, A::Psk, E::Aria128Gcm, M::Aead, "N"),
    s("AES256-SHA256", V::Tls12, K::Rsa, A::Rsa, E::Aes256, M::Sha256, "F"),
    s("CAMELLIA256-SHA256", V::Tls12, K::Rsa, A::Rsa, E::Camellia256, M::Sha256, "N"),
    s("AES128-SHA256", V::Tls12, K::Rsa, A::Rsa, E::Aes128, M::Sha256, "F"),
    s("CAMELLIA128-SHA256", V::Tls12, K::Rsa, A::Rsa, E::Camellia128, M::Sha256, "N"),
    s("ECDHE-PSK-AES256-CBC-SHA384", V::Tls1, K::EcdhePsk, A::Psk, E::Aes256, M::Sha384, "F"),
    s("ECDHE-PSK-AES256-CBC-SHA", V::Tls1, K::EcdhePsk, A::Psk, E::Aes256, M::Sha1, "F"),
    s("SRP-DSS-AES-256-CBC-SHA", V::Ssl3, K::Srp, A::Dss, E::Aes256, M::Sha1, "N"),
    s("SRP-RSA-AES-256-CBC-SHA", V::Ssl3, K::Srp, A::Rsa, E::Aes256, M::Sha1, ""),
    s("SRP-AES-256-CBC-SHA", V::Ssl3, K::Srp, A::Srp, E::Aes256, M::Sha1, ""),
    s("RSA-PSK-AES256-CBC-SHA384", V::Tls1, K::RsaPsk, A::Rsa, E::Aes256, M::Sha384, "F"),
    s("DHE-PSK-AES256-CBC-SHA384", V::Tls1, K::DhePsk, A::Psk, E::Aes256, M::Sha384, "F"),
    s("RSA-PSK-AES256-CBC-SHA", V::Ssl3, K::RsaPsk, A::Rsa, E::Aes256, M::Sha1, "F"),
    s("DHE-PSK-AES256-CBC-SHA", V::Ssl3, K::DhePsk, A::Psk, E::Aes256, M::Sha1, "F"),
    s("ECDHE-PSK-CAMELLIA256-SHA384", V::Tls1, K::EcdhePsk, A::Psk, E::Camellia256, M::Sha384, "N"),
    s("RSA-PSK-CAMELLIA256-SHA384", V::Tls1, K::RsaPsk, A::Rsa, E::Camellia256, M::Sha384, "N"),
    s("DHE-PSK-CAMELLIA256-SHA384", V::Tls1, K::DhePsk, A::Psk, E::Camellia256, M::Sha384, "N"),
    s("AES256-SHA", V::Ssl3, K::Rsa, A::Rsa, E::Aes256, M::Sha1, "F"),
    s("CAMELLIA256-SHA", V::Ssl3, K::Rsa, A::Rsa, E::Camellia256, M::Sha1, "N"),
    s("PSK-AES256-CBC-SHA384", V::Tls1, K::Psk, A::Psk, E::Aes256, M::Sha384, "F"),
    s("PSK-AES256-CBC-SHA", V::Ssl3, K::Psk, A::Psk, E::Aes256, M::Sha1, "F"),
    s("PSK-CAMELLIA256-SHA384", V::Tls1, K::Psk, A::Psk, E::Camellia256, M::Sha384, "N"),
    s("ECDHE-PSK-AES128-CBC-SHA256", V::Tls1, K::EcdhePsk, A::Psk, E::Aes128, M::Sha256, "F"),
    s("ECDHE-PSK-AES128-CBC-SHA", V::Tls1, K::EcdhePsk, A::Psk, E::Aes128, M::Sha1, "F"),
    s("SRP-DSS-AES-128-CBC-SHA", V::Ssl3, K::Srp, A::Dss, E::Aes128, M::Sha1, "N"),
    s("SRP-RSA-AES-128-CBC-SHA", V::Ssl3, K::Srp, A::Rsa, E::Aes128, M::Sha1, ""),
    s("SRP-AES-128-CBC-SHA", V::Ssl3, K::Srp, A::Srp, E::Aes128, M::Sha1, ""),
    s("RSA-PSK-AES128-CBC-SHA256", V::Tls1, K::RsaPsk, A::Rsa, E::Aes128, M::Sha256, "F"),
    s("DHE-PSK-AES128-CBC-SHA256", V::Tls1, K::DhePsk, A::Psk, E::Aes128, M::Sha256, "F"),
    s("RSA-PSK-AES128-CBC-SHA", V::Ssl3, K::RsaPsk, A::Rsa, E::Aes128, M::Sha1, "F"),
    s("DHE-PSK-AES128-CBC-SHA", V::Ssl3, K::DhePsk, A::Psk, E::Aes128, M::Sha1, "F"),
    s("ECDHE-PSK-CAMELLIA128-SHA256", V::Tls1, K::EcdhePsk, A::Psk, E::Camellia128, M::Sha256, "N"),
    s("RSA-PSK-CAMELLIA128-SHA256", V::Tls1, K::RsaPsk, A::Rsa, E::Camellia128, M::Sha256, "N"),
    s("DHE-PSK-CAMELLIA128-SHA256", V::Tls1, K::DhePsk, A::Psk, E::Camellia128, M::Sha256, "N"),
    s("AES128-SHA", V::Ssl3, K::Rsa, A::Rsa, E::Aes128, M::Sha1, "F"),
    s("CAMELLIA128-SHA", V::Ssl3, K::Rsa, A::Rsa, E::Camellia128, M::Sha1, "N"),
    s("PSK-AES128-CBC-SHA256", V::Tls1, K::Psk, A::Psk, E::Aes128, M::Sha256, "F"),
    s("PSK-AES128-CBC-SHA", V::Ssl3, K::Psk, A::Psk, E::Aes128, M::Sha1, "F"),
    s("PSK-CAMELLIA128-SHA256", V::Tls1, K::Psk, A::Psk, E::Camellia128, M::Sha256, "N"),
    s("ECDHE-ECDSA-NULL-SHA", V::Tls1, K::Ecdhe, A::Ecdsa, E::Null, M::Sha1, ""),
    s("ECDHE-RSA-NULL-SHA", V::Tls1, K::Ecdhe, A::Rsa, E::Null, M::Sha1, ""),
    s("AECDH-NULL-SHA", V::Tls1, K::Ecdhe, A::Null, E::Null, M::Sha1, ""),
    s("NULL-SHA256", V::Tls12, K::Rsa, A::Rsa, E::Null, M::Sha256, ""),
    s("ECDHE-PSK-NULL-SHA384", V::Tls1, K::EcdhePsk, A::Psk, E::Null, M::Sha384, ""),
    s("ECDHE-PSK-NULL-SHA256", V::Tls1, K::EcdhePsk, A::Psk, E::Null, M::Sha256, ""),
    s("ECDHE-PSK-NULL-SHA", V::Tls1, K::EcdhePsk, A::Psk, E::Null, M::Sha1, ""),
    s("RSA-PSK-NULL-SHA384", V::Tls1, K::RsaPsk, A::Rsa, E::Null, M::Sha384, ""),
    s("RSA-PSK-NULL-SHA256", V::Tls1, K::RsaPsk, A::Rsa, E::Null, M::Sha256, ""),
    s("DHE-PSK-NULL-SHA384", V::Tls1, K::DhePsk, A::Psk, E::Null, M::Sha384, ""),
    s("DHE-PSK-NULL-SHA256", V::Tls1, K::DhePsk, A::Psk, E::Null, M::Sha256, ""),
    s("RSA-PSK-NULL-SHA", V::Ssl3, K::RsaPsk, A::Rsa, E::Null, M::Sha1, ""),
    s("DHE-PSK-NULL-SHA", V::Ssl3, K::DhePsk, A::Psk, E::Null, M::Sha1, ""),
    s("NULL-SHA", V::Ssl3, K::Rsa, A::Rsa, E::Null, M::Sha1, ""),
    s("NULL-MD5", V::Ssl3, K::Rsa, A::Rsa, E::Null, M::Md5, ""),
    s("PSK-NULL-SHA384", V::Tls1, K::Psk, A::Psk, E::Null, M::Sha384, ""),
    s("PSK-NULL-SHA256", V::Tls1, K::Psk, A::Psk, E::Null, M::Sha256, ""),
    s("PSK-NULL-SHA", V::Ssl3, K::Psk, A::Psk, E::Null, M::Sha1, ""),
];
