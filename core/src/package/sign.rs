//! Signing keys for EEP 电子签名块 / 锁定签名: SM2 with SM3 (GB/T 32918, default distinguishing
//! id `1234567812345678`), and RSA PKCS#1 v1.5 / ECDSA P-256 with SHA-256.
//!
//! What is signed (the EEP definition, see `eep.rs`): the signer computes a 32-byte digest `D` of
//! the exact bytes of the signed element — SM3 for SM2, SHA-256 for RSA/ECDSA — and signs `D` as
//! the message with the algorithm's standard scheme (for SM2: `e = SM3(Z_A ‖ D)`). Signing the
//! digest lets a 2 GB package be signed and verified while it streams.

use crate::{Error, Result};
use std::path::Path;

/// OID of SM2 with SM3 (`SM2-with-SM3`).
pub const OID_SM2_SM3: &str = "1.2.156.10197.1.501";
/// OID of sha256WithRSAEncryption.
pub const OID_RSA_SHA256: &str = "1.2.840.113549.1.1.11";
/// OID of ecdsa-with-SHA256.
pub const OID_ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";

/// Signature algorithms accepted for EEP signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureAlg {
    /// SM2 with SM3.
    Sm2Sm3,
    /// RSA PKCS#1 v1.5 with SHA-256.
    RsaSha256,
    /// ECDSA P-256 with SHA-256 (ASN.1 DER signature).
    EcdsaP256Sha256,
}

impl SignatureAlg {
    /// The OID written to 签名算法标识.
    pub fn oid(self) -> &'static str {
        match self {
            SignatureAlg::Sm2Sm3 => OID_SM2_SM3,
            SignatureAlg::RsaSha256 => OID_RSA_SHA256,
            SignatureAlg::EcdsaP256Sha256 => OID_ECDSA_SHA256,
        }
    }
    /// From an OID or a name (`SM2`, `SM3withSM2`, `RSA`, `ECDSA`).
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        Some(match t {
            OID_SM2_SM3 => SignatureAlg::Sm2Sm3,
            OID_RSA_SHA256 => SignatureAlg::RsaSha256,
            OID_ECDSA_SHA256 => SignatureAlg::EcdsaP256Sha256,
            _ => match t.to_ascii_lowercase().replace(['-', '_', ' '], "").as_str() {
                "sm2" | "sm3withsm2" | "sm2withsm3" => SignatureAlg::Sm2Sm3,
                "rsa" | "sha256withrsa" | "sha256withrsaencryption" => SignatureAlg::RsaSha256,
                "ecdsa" | "sha256withecdsa" | "ecdsawithsha256" => SignatureAlg::EcdsaP256Sha256,
                _ => return None,
            },
        })
    }
    /// The digest over the signed bytes: SM3 for SM2, SHA-256 otherwise.
    pub fn digest_alg(self) -> crate::digest::DigestAlg {
        match self {
            SignatureAlg::Sm2Sm3 => crate::digest::DigestAlg::Sm3,
            _ => crate::digest::DigestAlg::Sha256,
        }
    }
}

enum Inner {
    Sm2(Box<sm2::dsa::SigningKey>),
    Rsa(Box<ring::rsa::KeyPair>),
    Ecdsa(Box<ring::signature::EcdsaKeyPair>),
}

/// A private key plus the certificate (or, without one, the public key) written to 证书块.
pub struct SigningKey {
    inner: Inner,
    /// DER of the X.509 certificate, if one was given.
    pub certificate: Option<Vec<u8>>,
    /// DER SubjectPublicKeyInfo of the key.
    pub public_key_spki: Vec<u8>,
    /// 签名人 (the certificate subject, or what the caller set).
    pub signer: String,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("alg", &self.alg())
            .field("signer", &self.signer)
            .field("certificate", &self.certificate.is_some())
            .finish()
    }
}

const SM2_DISTID: &str = "1234567812345678";

impl SigningKey {
    /// An SM2 key from its 32-byte secret scalar.
    pub fn sm2_from_secret(secret: &[u8], signer: impl Into<String>) -> Result<Self> {
        use sm2::pkcs8::EncodePublicKey;
        let sk = sm2::dsa::SigningKey::from_slice(SM2_DISTID, secret)
            .map_err(|e| Error::Crypto(format!("SM2 secret key: {e}")))?;
        let spki = sk
            .verifying_key()
            .to_public_key_der()
            .map_err(|e| Error::Crypto(format!("SM2 public key: {e}")))?
            .as_bytes()
            .to_vec();
        Ok(SigningKey {
            inner: Inner::Sm2(Box::new(sk)),
            certificate: None,
            public_key_spki: spki,
            signer: signer.into(),
        })
    }

    /// Loads a PKCS#8 private key (PEM or DER; SM2, RSA or ECDSA P-256) and optionally an X.509
    /// certificate (PEM or DER) whose public key must match.
    pub fn from_files(key: &Path, cert: Option<&Path>) -> Result<Self> {
        let raw = std::fs::read(key).map_err(|e| Error::io(key, e))?;
        let der = pem_or_der(&raw, "PRIVATE KEY").ok_or_else(|| {
            Error::invalid(key, "not a PKCS#8 private key (PEM `PRIVATE KEY` or DER)")
        })?;
        let mut k = Self::from_pkcs8(&der).map_err(|e| Error::invalid(key, e))?;
        if let Some(cp) = cert {
            let raw = std::fs::read(cp).map_err(|e| Error::io(cp, e))?;
            let cder = pem_or_der(&raw, "CERTIFICATE")
                .ok_or_else(|| Error::invalid(cp, "not an X.509 certificate (PEM or DER)"))?;
            let (_, c) = x509_parser::parse_x509_certificate(&cder)
                .map_err(|e| Error::invalid(cp, format!("X.509: {e}")))?;
            if c.tbs_certificate.subject_pki.raw != k.public_key_spki.as_slice() {
                return Err(Error::invalid(
                    cp,
                    "the certificate's public key does not belong to the private key",
                ));
            }
            k.signer = c.subject().to_string();
            k.certificate = Some(cder);
        }
        Ok(k)
    }

    fn from_pkcs8(der: &[u8]) -> std::result::Result<Self, String> {
        use sm2::pkcs8::{DecodePrivateKey, EncodePublicKey};
        if let Ok(sk) = sm2::SecretKey::from_pkcs8_der(der) {
            let sk = sm2::dsa::SigningKey::new(SM2_DISTID, &sk).map_err(|e| e.to_string())?;
            let spki = sk
                .verifying_key()
                .to_public_key_der()
                .map_err(|e| e.to_string())?
                .as_bytes()
                .to_vec();
            return Ok(SigningKey {
                inner: Inner::Sm2(Box::new(sk)),
                certificate: None,
                public_key_spki: spki,
                signer: String::new(),
            });
        }
        if let Ok(k) = ring::rsa::KeyPair::from_pkcs8(der) {
            use ring::signature::KeyPair;
            let spki = spki_der(
                &[
                    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
                ],
                k.public_key().as_ref(),
            );
            return Ok(SigningKey {
                inner: Inner::Rsa(Box::new(k)),
                certificate: None,
                public_key_spki: spki,
                signer: String::new(),
            });
        }
        let rng = ring::rand::SystemRandom::new();
        if let Ok(k) = ring::signature::EcdsaKeyPair::from_pkcs8(
            &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
            der,
            &rng,
        ) {
            use ring::signature::KeyPair;
            let spki = spki_der(
                &[
                    0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86,
                    0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
                ],
                k.public_key().as_ref(),
            );
            return Ok(SigningKey {
                inner: Inner::Ecdsa(Box::new(k)),
                certificate: None,
                public_key_spki: spki,
                signer: String::new(),
            });
        }
        Err("unsupported private key: expected SM2, RSA or ECDSA P-256 in PKCS#8".into())
    }

    /// The algorithm of this key.
    pub fn alg(&self) -> SignatureAlg {
        match self.inner {
            Inner::Sm2(_) => SignatureAlg::Sm2Sm3,
            Inner::Rsa(_) => SignatureAlg::RsaSha256,
            Inner::Ecdsa(_) => SignatureAlg::EcdsaP256Sha256,
        }
    }

    /// Signs the digest `d` of the signed bytes (see the module docs).
    pub fn sign_digest(&self, d: &[u8]) -> Result<Vec<u8>> {
        match &self.inner {
            Inner::Sm2(k) => {
                use sm2::dsa::signature::Signer;
                let s: sm2::dsa::Signature = k
                    .try_sign(d)
                    .map_err(|e| Error::Crypto(format!("SM2 sign: {e}")))?;
                Ok(s.to_der().as_bytes().to_vec())
            }
            Inner::Rsa(k) => {
                let rng = ring::rand::SystemRandom::new();
                let mut sig = vec![0u8; k.public().modulus_len()];
                k.sign(&ring::signature::RSA_PKCS1_SHA256, &rng, d, &mut sig)
                    .map_err(|_| Error::Crypto("RSA sign failed".into()))?;
                Ok(sig)
            }
            Inner::Ecdsa(k) => {
                let rng = ring::rand::SystemRandom::new();
                Ok(k.sign(&rng, d)
                    .map_err(|_| Error::Crypto("ECDSA sign failed".into()))?
                    .as_ref()
                    .to_vec())
            }
        }
    }

    /// What goes into 证书: the certificate, or the SubjectPublicKeyInfo when there is none.
    pub fn certificate_or_key(&self) -> (&[u8], bool) {
        match &self.certificate {
            Some(c) => (c, true),
            None => (&self.public_key_spki, false),
        }
    }
}

/// Verifies `sig` over digest `d` with the key in `cert_or_spki` (an X.509 certificate or a bare
/// SubjectPublicKeyInfo). Returns Ok(true) valid, Ok(false) invalid, Err on unusable key material.
pub fn verify_digest(
    alg: SignatureAlg,
    cert_or_spki: &[u8],
    d: &[u8],
    sig: &[u8],
) -> std::result::Result<bool, String> {
    let spki: Vec<u8> = match x509_parser::parse_x509_certificate(cert_or_spki) {
        Ok((_, c)) => c.tbs_certificate.subject_pki.raw.to_vec(),
        Err(_) => cert_or_spki.to_vec(),
    };
    match alg {
        SignatureAlg::Sm2Sm3 => {
            use sm2::dsa::signature::Verifier;
            use sm2::pkcs8::DecodePublicKey;
            let pk = sm2::PublicKey::from_public_key_der(&spki)
                .map_err(|e| format!("SM2 public key: {e}"))?;
            let vk = sm2::dsa::VerifyingKey::new(SM2_DISTID, pk)
                .map_err(|e| format!("SM2 public key: {e}"))?;
            let Ok(s) = sm2::dsa::Signature::from_der(sig) else {
                return Ok(false);
            };
            Ok(vk.verify(d, &s).is_ok())
        }
        SignatureAlg::RsaSha256 | SignatureAlg::EcdsaP256Sha256 => {
            let (_, pki) = x509_parser::x509::SubjectPublicKeyInfo::from_der_spki(&spki)
                .map_err(|e| format!("public key: {e}"))?;
            let bits = pki.subject_public_key.data.to_vec();
            let params: &dyn ring::signature::VerificationAlgorithm = match alg {
                SignatureAlg::RsaSha256 => &ring::signature::RSA_PKCS1_2048_8192_SHA256,
                _ => &ring::signature::ECDSA_P256_SHA256_ASN1,
            };
            Ok(ring::signature::UnparsedPublicKey::new(params, &bits)
                .verify(d, sig)
                .is_ok())
        }
    }
}

trait SpkiExt<'a>: Sized {
    fn from_der_spki(b: &'a [u8]) -> std::result::Result<(&'a [u8], Self), String>;
}
impl<'a> SpkiExt<'a> for x509_parser::x509::SubjectPublicKeyInfo<'a> {
    fn from_der_spki(b: &'a [u8]) -> std::result::Result<(&'a [u8], Self), String> {
        use x509_parser::prelude::FromDer;
        x509_parser::x509::SubjectPublicKeyInfo::from_der(b).map_err(|e| e.to_string())
    }
}

/// DER `SEQUENCE { SEQUENCE { alg }, BIT STRING key }`.
fn spki_der(alg_inner: &[u8], key: &[u8]) -> Vec<u8> {
    let alg = der_tlv(0x30, alg_inner);
    let mut bits = vec![0u8];
    bits.extend_from_slice(key);
    let bits = der_tlv(0x03, &bits);
    let mut body = alg;
    body.extend_from_slice(&bits);
    der_tlv(0x30, &body)
}

fn der_tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = body.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(body);
    out
}

/// PEM block with that label (base64 decoded), or the bytes as DER.
fn pem_or_der(raw: &[u8], label: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let text = std::str::from_utf8(raw).ok();
    match text.filter(|t| t.contains("-----BEGIN")) {
        Some(t) => {
            let begin = t
                .lines()
                .position(|l| l.starts_with("-----BEGIN") && l.contains(label))?;
            let body: String = t
                .lines()
                .skip(begin + 1)
                .take_while(|l| !l.starts_with("-----END"))
                .collect();
            base64::engine::general_purpose::STANDARD
                .decode(body.trim())
                .ok()
        }
        None if raw.first() == Some(&0x30) => Some(raw.to_vec()),
        None => None,
    }
}
