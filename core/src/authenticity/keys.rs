//! Signing keys: the one place guidang parses private keys and signs, for what it signs itself
//! (EEP packages, test fixtures). SM2, RSA and ECDSA P-256/P-384 private keys from PEM or DER
//! (PKCS#8, SEC1 `EC PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`); `sign(bytes)` returning the
//! algorithm and the signature value; and, for EEP signatures (`crate::package` re-exports
//! [`SigningKey`] and [`SignatureAlg`]), the certificate and 签名人 written to 证书块 and
//! [`SigningKey::sign_digest`].

use super::algs::{self, oids, HashAlg, SigScheme, SM2_DISTID};
use super::asn1::{self, tag, Tlv};
use super::certs::{pem_blocks, pem_first};
use crate::{Error, Result};
use std::path::Path;

/// A signature made by [`SigningKey::sign`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// Signature algorithm OID (`1.2.156.10197.1.501` SM2-SM3, `1.2.840.113549.1.1.11`
    /// sha256WithRSA, `1.2.840.113549.1.1.10` RSA-PSS, `1.2.840.10045.4.3.2` ECDSA-SHA256…).
    pub algorithm_oid: &'static str,
    /// DER AlgorithmIdentifier (with PSS parameters where needed).
    pub algorithm_id: Vec<u8>,
    /// The signature value (DER for SM2/ECDSA, raw for RSA).
    pub signature: Vec<u8>,
}

enum Inner {
    Sm2(Box<sm2::dsa::SigningKey>),
    Rsa(Box<ring::signature::RsaKeyPair>, bool),
    Ecdsa(Box<ring::signature::EcdsaKeyPair>, algs::Curve),
}

/// Signature algorithms of EEP signatures (DA/T 48 电子签名 / 锁定签名).
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
        self.scheme().oid()
    }
    /// From an OID or a name (`SM2`, `SM3withSM2`, `RSA`, `ECDSA`).
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        Some(match t {
            oids::SM2_SM3 => SignatureAlg::Sm2Sm3,
            oids::SHA256_RSA => SignatureAlg::RsaSha256,
            oids::ECDSA_SHA256 => SignatureAlg::EcdsaP256Sha256,
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
    /// The signature scheme of the algorithm.
    pub fn scheme(self) -> SigScheme {
        match self {
            SignatureAlg::Sm2Sm3 => SigScheme::Sm2Sm3,
            SignatureAlg::RsaSha256 => SigScheme::RsaPkcs1(HashAlg::Sha256),
            SignatureAlg::EcdsaP256Sha256 => SigScheme::Ecdsa(HashAlg::Sha256),
        }
    }
}

/// A private key that signs, with what an EEP signature carries besides the signature value:
/// the certificate (or, without one, the public key) for 证书块 and the 签名人.
pub struct SigningKey {
    inner: Inner,
    spki: Vec<u8>,
    /// DER of the X.509 certificate, if one was given.
    pub certificate: Option<Vec<u8>>,
    /// 签名人 (the certificate subject, or what the caller set).
    pub signer: String,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("scheme", &self.scheme().name())
            .field("signer", &self.signer)
            .field("certificate", &self.certificate.is_some())
            .finish_non_exhaustive()
    }
}

fn bad(path: &Path, why: impl Into<String>) -> Error {
    Error::invalid(path, why)
}

impl SigningKey {
    fn new(inner: Inner, spki: Vec<u8>) -> Self {
        SigningKey {
            inner,
            spki,
            certificate: None,
            signer: String::new(),
        }
    }

    /// Loads a key file (PEM or DER).
    pub fn from_file(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::from_bytes(&bytes).map_err(|e| bad(path, e))
    }

    /// Parses PEM (`PRIVATE KEY`, `EC PRIVATE KEY`, `RSA PRIVATE KEY`) or DER (PKCS#8 first).
    pub fn from_bytes(bytes: &[u8]) -> std::result::Result<Self, String> {
        match pem_first(bytes) {
            Some((label, der)) => match label.as_str() {
                "PRIVATE KEY" => Self::from_pkcs8_der(&der),
                "EC PRIVATE KEY" => Self::from_sec1_der(&der, None),
                "RSA PRIVATE KEY" => Self::from_pkcs1_der(&der),
                "ENCRYPTED PRIVATE KEY" => {
                    Err("encrypted private keys are not supported: decrypt it first".into())
                }
                other => Err(format!("PEM block `{other}` is not a private key")),
            },
            None => Self::from_pkcs8_der(bytes)
                .or_else(|_| Self::from_sec1_der(bytes, None))
                .or_else(|_| Self::from_pkcs1_der(bytes)),
        }
    }

    /// PKCS#8 PrivateKeyInfo (RSA, EC P-256/P-384, SM2).
    pub fn from_pkcs8_der(der: &[u8]) -> std::result::Result<Self, String> {
        let t = Tlv::parse_one(der).map_err(|e| format!("PKCS#8: {e}"))?;
        let mut r = t.reader();
        r.expect(tag::INTEGER, "version")
            .map_err(|e| e.to_string())?;
        let alg = r
            .expect(tag::SEQUENCE, "privateKeyAlgorithm")
            .map_err(|e| e.to_string())?;
        let mut ar = alg.reader();
        let oid = ar
            .next("oid")
            .and_then(|o| o.oid())
            .map_err(|e| e.to_string())?;
        let param = ar.next("param").ok().and_then(|p| p.oid().ok());
        let key = r
            .expect(tag::OCTET_STRING, "privateKey")
            .map_err(|e| e.to_string())?;
        match (oid.as_str(), param.as_deref()) {
            (oids::RSA, _) => {
                let kp = ring::signature::RsaKeyPair::from_pkcs8(der)
                    .map_err(|e| format!("RSA key rejected: {e}"))?;
                Ok(Self::rsa(kp, false))
            }
            (oids::EC_PUBLIC_KEY, Some(c)) => Self::from_sec1_der(key.value, Some(c)),
            (oids::SM2_CURVE, _) => Self::from_sec1_der(key.value, Some(oids::SM2_CURVE)),
            (o, p) => Err(format!("unsupported key algorithm {o} {}", p.unwrap_or(""))),
        }
    }

    /// PKCS#1 RSAPrivateKey.
    pub fn from_pkcs1_der(der: &[u8]) -> std::result::Result<Self, String> {
        let kp = ring::signature::RsaKeyPair::from_der(der)
            .map_err(|e| format!("RSA key rejected: {e}"))?;
        Ok(Self::rsa(kp, false))
    }

    fn rsa(kp: ring::signature::RsaKeyPair, pss: bool) -> Self {
        use ring::signature::KeyPair as _;
        let pk = kp.public_key().as_ref().to_vec();
        let spki = asn1::seq(&[
            &asn1::seq(&[&asn1::oid(oids::RSA), &asn1::null()]),
            &asn1::bits(&pk),
        ]);
        Self::new(Inner::Rsa(Box::new(kp), pss), spki)
    }

    /// SEC1 ECPrivateKey; `curve` from the PKCS#8 wrapper when the key itself omits it.
    pub fn from_sec1_der(der: &[u8], curve: Option<&str>) -> std::result::Result<Self, String> {
        let t = Tlv::parse_one(der).map_err(|e| format!("ECPrivateKey: {e}"))?;
        let mut r = t.reader();
        r.expect(tag::INTEGER, "version")
            .map_err(|e| e.to_string())?;
        let d = r
            .expect(tag::OCTET_STRING, "privateKey")
            .map_err(|e| e.to_string())?
            .value;
        let mut curve = curve.map(str::to_string);
        let mut public = None;
        while let Ok(x) = r.next("ECPrivateKey field") {
            match x.tag {
                0xa0 => {
                    if let Ok((o, _)) = Tlv::parse(x.value) {
                        curve = curve.or(o.oid().ok());
                    }
                }
                0xa1 => {
                    public = Tlv::parse(x.value)
                        .ok()
                        .and_then(|(b, _)| b.bits_or_octets().ok().map(<[u8]>::to_vec));
                }
                _ => {}
            }
        }
        let curve = curve.ok_or("the EC key does not name its curve")?;
        match curve.as_str() {
            oids::SM2_CURVE => Self::sm2_from_scalar(d),
            oids::P256 | oids::P384 => {
                let (alg, c): (&'static ring::signature::EcdsaSigningAlgorithm, _) =
                    if curve == oids::P256 {
                        (
                            &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
                            algs::Curve::P256,
                        )
                    } else {
                        (
                            &ring::signature::ECDSA_P384_SHA384_ASN1_SIGNING,
                            algs::Curve::P384,
                        )
                    };
                let public = public.ok_or("the EC key does not include its public key")?;
                let rng = ring::rand::SystemRandom::new();
                let kp = ring::signature::EcdsaKeyPair::from_private_key_and_public_key(
                    alg, d, &public, &rng,
                )
                .map_err(|e| format!("EC key rejected: {e}"))?;
                Ok(Self::ecdsa(kp, c))
            }
            other => Err(format!("unsupported curve {other}")),
        }
    }

    fn ecdsa(kp: ring::signature::EcdsaKeyPair, c: algs::Curve) -> Self {
        use ring::signature::KeyPair as _;
        let curve_oid = if c == algs::Curve::P256 {
            oids::P256
        } else {
            oids::P384
        };
        let spki = asn1::seq(&[
            &asn1::seq(&[&asn1::oid(oids::EC_PUBLIC_KEY), &asn1::oid(curve_oid)]),
            &asn1::bits(kp.public_key().as_ref()),
        ]);
        Self::new(Inner::Ecdsa(Box::new(kp), c), spki)
    }

    /// An SM2 key from its 32-byte private scalar.
    pub fn sm2_from_scalar(d: &[u8]) -> std::result::Result<Self, String> {
        let sk = sm2::dsa::SigningKey::from_slice(SM2_DISTID, d)
            .map_err(|_| "invalid SM2 private key".to_string())?;
        let point = sk.verifying_key().to_sec1_bytes();
        let spki = asn1::seq(&[
            &asn1::seq(&[&asn1::oid(oids::EC_PUBLIC_KEY), &asn1::oid(oids::SM2_CURVE)]),
            &asn1::bits(&point),
        ]);
        Ok(Self::new(Inner::Sm2(Box::new(sk)), spki))
    }

    /// An SM2 key from its 32-byte secret scalar, signing as `signer`.
    pub fn sm2_from_secret(secret: &[u8], signer: impl Into<String>) -> Result<Self> {
        let mut k = Self::sm2_from_scalar(secret)
            .map_err(|e| Error::Crypto(format!("SM2 secret key: {e}")))?;
        k.signer = signer.into();
        Ok(k)
    }

    /// Loads a PKCS#8 private key (PEM or DER; SM2, RSA or ECDSA P-256: the EEP algorithms) and
    /// optionally an X.509 certificate (PEM or DER) whose public key must match.
    pub fn from_files(key: &Path, cert: Option<&Path>) -> Result<Self> {
        let raw = std::fs::read(key).map_err(|e| Error::io(key, e))?;
        let der = pem_or_der(&raw, "PRIVATE KEY")
            .ok_or_else(|| bad(key, "not a PKCS#8 private key (PEM `PRIVATE KEY` or DER)"))?;
        let mut k = Self::from_pkcs8_der(&der).map_err(|e| bad(key, e))?;
        if k.eep_alg().is_none() {
            return Err(bad(
                key,
                "unsupported private key: expected SM2, RSA or ECDSA P-256 in PKCS#8",
            ));
        }
        if let Some(cp) = cert {
            let raw = std::fs::read(cp).map_err(|e| Error::io(cp, e))?;
            let cder = pem_or_der(&raw, "CERTIFICATE")
                .ok_or_else(|| bad(cp, "not an X.509 certificate (PEM or DER)"))?;
            let (_, c) = x509_parser::parse_x509_certificate(&cder)
                .map_err(|e| bad(cp, format!("X.509: {e}")))?;
            if c.tbs_certificate.subject_pki.raw != k.spki.as_slice() {
                return Err(bad(
                    cp,
                    "the certificate's public key does not belong to the private key",
                ));
            }
            k.signer = c.subject().to_string();
            k.certificate = Some(cder);
        }
        Ok(k)
    }

    /// The EEP signature algorithm of this key. RSA-PSS and ECDSA P-384 keys, which EEP
    /// signatures do not use, report their family's algorithm; [`Self::sign_digest`] refuses them.
    pub fn alg(&self) -> SignatureAlg {
        match &self.inner {
            Inner::Sm2(_) => SignatureAlg::Sm2Sm3,
            Inner::Rsa(..) => SignatureAlg::RsaSha256,
            Inner::Ecdsa(..) => SignatureAlg::EcdsaP256Sha256,
        }
    }

    /// The EEP signature algorithm, if this key signs with one.
    fn eep_alg(&self) -> Option<SignatureAlg> {
        let a = self.alg();
        (a.scheme() == self.scheme()).then_some(a)
    }

    /// Signs the digest `d` of an EEP's signed bytes (see `crate::package::eep`): `d` is the
    /// message of the algorithm's standard scheme (for SM2: `e = SM3(Z_A ‖ d)`).
    pub fn sign_digest(&self, d: &[u8]) -> Result<Vec<u8>> {
        if self.eep_alg().is_none() {
            return Err(Error::Crypto(format!(
                "a {} key cannot make EEP signatures (SM2, RSA PKCS#1 v1.5 or ECDSA P-256 only)",
                self.scheme().name()
            )));
        }
        Ok(self.sign(d)?.signature)
    }

    /// What goes into 证书: the certificate, or the SubjectPublicKeyInfo when there is none.
    pub fn certificate_or_key(&self) -> (&[u8], bool) {
        match &self.certificate {
            Some(c) => (c, true),
            None => (&self.spki, false),
        }
    }

    /// Switches an RSA key to RSA-PSS (SHA-256, MGF1-SHA-256, salt 32). No effect on other keys.
    pub fn with_pss(mut self) -> Self {
        if let Inner::Rsa(_, pss) = &mut self.inner {
            *pss = true;
        }
        self
    }

    /// The SM2 private scalar (32 bytes), for SM2 keys.
    pub fn sm2_scalar(&self) -> Option<Vec<u8>> {
        match &self.inner {
            Inner::Sm2(k) => Some(k.to_bytes().to_vec()),
            _ => None,
        }
    }

    /// The DER SubjectPublicKeyInfo of the key.
    pub fn public_key_spki(&self) -> &[u8] {
        &self.spki
    }

    /// The signature scheme this key uses.
    pub fn scheme(&self) -> SigScheme {
        match &self.inner {
            Inner::Sm2(_) => SigScheme::Sm2Sm3,
            Inner::Rsa(_, false) => SigScheme::RsaPkcs1(HashAlg::Sha256),
            Inner::Rsa(_, true) => SigScheme::RsaPss(HashAlg::Sha256),
            Inner::Ecdsa(_, algs::Curve::P384) => SigScheme::Ecdsa(HashAlg::Sha384),
            Inner::Ecdsa(..) => SigScheme::Ecdsa(HashAlg::Sha256),
        }
    }

    /// Signs `msg` (the key hashes it: SM3 with Z for SM2, SHA-256/384 otherwise).
    pub fn sign(&self, msg: &[u8]) -> Result<Signed> {
        let rng = ring::rand::SystemRandom::new();
        let signature = match &self.inner {
            Inner::Sm2(k) => {
                use sm2::dsa::signature::Signer as _;
                let s: sm2::dsa::Signature = k
                    .try_sign(msg)
                    .map_err(|e| Error::Crypto(format!("SM2 signing failed: {e}")))?;
                s.to_der().as_bytes().to_vec()
            }
            Inner::Rsa(k, pss) => {
                let pad: &dyn ring::signature::RsaEncoding = if *pss {
                    &ring::signature::RSA_PSS_SHA256
                } else {
                    &ring::signature::RSA_PKCS1_SHA256
                };
                let mut sig = vec![0u8; k.public().modulus_len()];
                k.sign(pad, &rng, msg, &mut sig)
                    .map_err(|e| Error::Crypto(format!("RSA signing failed: {e}")))?;
                sig
            }
            Inner::Ecdsa(k, _) => k
                .sign(&rng, msg)
                .map_err(|e| Error::Crypto(format!("ECDSA signing failed: {e}")))?
                .as_ref()
                .to_vec(),
        };
        let scheme = self.scheme();
        Ok(Signed {
            algorithm_oid: scheme.oid(),
            algorithm_id: scheme.alg_id(),
            signature,
        })
    }
}

/// The first PEM block labelled `label`, or the bytes themselves when they look like DER.
fn pem_or_der(raw: &[u8], label: &str) -> Option<Vec<u8>> {
    match pem_blocks(raw, label).into_iter().next() {
        Some(der) => Some(der),
        None if raw.first() == Some(&0x30) => Some(raw.to_vec()),
        None => None,
    }
}

/// Encodes an SM2 private scalar as PKCS#8 DER (what `openssl genpkey -algorithm SM2` writes).
pub fn sm2_pkcs8(d: &[u8]) -> std::result::Result<Vec<u8>, String> {
    let k = SigningKey::sm2_from_scalar(d)?;
    let point = Tlv::parse_one(&k.spki)
        .ok()
        .and_then(|t| t.reader().all("spki").ok())
        .and_then(|v| {
            v.get(1)
                .and_then(|b| b.bits_or_octets().ok().map(<[u8]>::to_vec))
        })
        .ok_or("cannot encode the SM2 public key")?;
    let ec = asn1::seq(&[
        &asn1::int(1),
        &asn1::octets(d),
        &asn1::tlv(0xa1, &asn1::bits(&point)),
    ]);
    Ok(asn1::seq(&[
        &asn1::int(0),
        &asn1::seq(&[&asn1::oid(oids::EC_PUBLIC_KEY), &asn1::oid(oids::SM2_CURVE)]),
        &asn1::octets(&ec),
    ]))
}
