//! Signing keys for what guidang itself signs (EEP packages, test fixtures): SM2, RSA and ECDSA
//! P-256/P-384 private keys from PEM or DER (PKCS#8, SEC1 `EC PRIVATE KEY`, PKCS#1
//! `RSA PRIVATE KEY`), and `sign(bytes)` returning the algorithm and the signature value.

use super::algs::{self, oids, HashAlg, SigScheme, SM2_DISTID};
use super::asn1::{self, tag, Tlv};
use super::certs::pem_first;
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

/// A private key that signs.
pub struct SigningKey {
    inner: Inner,
    spki: Vec<u8>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("scheme", &self.scheme().name())
            .finish_non_exhaustive()
    }
}

fn bad(path: &Path, why: impl Into<String>) -> Error {
    Error::invalid(path, why)
}

impl SigningKey {
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
        SigningKey {
            inner: Inner::Rsa(Box::new(kp), pss),
            spki,
        }
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
        SigningKey {
            inner: Inner::Ecdsa(Box::new(kp), c),
            spki,
        }
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
        Ok(SigningKey {
            inner: Inner::Sm2(Box::new(sk)),
            spki,
        })
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
