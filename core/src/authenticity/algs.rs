//! Algorithm identifiers, hashes and raw signature verification: RSA (PKCS#1 v1.5 and PSS) and
//! ECDSA P-256/P-384 with `ring`, SM2/SM3 with the `sm2` crate (distinguishing ID
//! `1234567812345678`, GM/T 0009).

use super::asn1::{tag, Reader, Tlv};
use sha2::Digest as _;

/// The SM2 distinguishing identifier every Chinese producer uses (GM/T 0009-2012 default).
pub const SM2_DISTID: &str = "1234567812345678";

/// Well-known OIDs.
pub mod oids {
    /// SM3.
    pub const SM3: &str = "1.2.156.10197.1.401";
    /// SM2 signature with SM3.
    pub const SM2_SM3: &str = "1.2.156.10197.1.501";
    /// The SM2 curve (also used as an SPKI algorithm by some producers).
    pub const SM2_CURVE: &str = "1.2.156.10197.1.301";
    /// SM2-1 signature algorithm (used as signatureAlgorithm in GB/T 35275 SignerInfos).
    pub const SM2_1: &str = "1.2.156.10197.1.301.1";
    /// rsaEncryption.
    pub const RSA: &str = "1.2.840.113549.1.1.1";
    /// RSASSA-PSS.
    pub const RSA_PSS: &str = "1.2.840.113549.1.1.10";
    /// sha1WithRSAEncryption.
    pub const SHA1_RSA: &str = "1.2.840.113549.1.1.5";
    /// sha256WithRSAEncryption.
    pub const SHA256_RSA: &str = "1.2.840.113549.1.1.11";
    /// sha384WithRSAEncryption.
    pub const SHA384_RSA: &str = "1.2.840.113549.1.1.12";
    /// sha512WithRSAEncryption.
    pub const SHA512_RSA: &str = "1.2.840.113549.1.1.13";
    /// id-ecPublicKey.
    pub const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
    /// ecdsa-with-SHA1.
    pub const ECDSA_SHA1: &str = "1.2.840.10045.4.1";
    /// ecdsa-with-SHA256.
    pub const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
    /// ecdsa-with-SHA384.
    pub const ECDSA_SHA384: &str = "1.2.840.10045.4.3.3";
    /// ecdsa-with-SHA512.
    pub const ECDSA_SHA512: &str = "1.2.840.10045.4.3.4";
    /// NIST P-256.
    pub const P256: &str = "1.2.840.10045.3.1.7";
    /// NIST P-384.
    pub const P384: &str = "1.3.132.0.34";
    /// SHA-1.
    pub const SHA1: &str = "1.3.14.3.2.26";
    /// SHA-256.
    pub const SHA256: &str = "2.16.840.1.101.3.4.2.1";
    /// SHA-384.
    pub const SHA384: &str = "2.16.840.1.101.3.4.2.2";
    /// SHA-512.
    pub const SHA512: &str = "2.16.840.1.101.3.4.2.3";
    /// MGF1.
    pub const MGF1: &str = "1.2.840.113549.1.1.8";
    /// Ed25519.
    pub const ED25519: &str = "1.3.101.112";
}

/// A hash function used inside signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlg {
    /// SHA-1 (legacy, verification only).
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
    /// SM3.
    Sm3,
}

impl HashAlg {
    /// From a digest OID (also accepts `1.2.156.10197.1.401.1`).
    pub fn from_oid(oid: &str) -> Option<Self> {
        Some(match oid {
            oids::SHA1 => HashAlg::Sha1,
            oids::SHA256 => HashAlg::Sha256,
            oids::SHA384 => HashAlg::Sha384,
            oids::SHA512 => HashAlg::Sha512,
            oids::SM3 | "1.2.156.10197.1.401.1" => HashAlg::Sm3,
            _ => return None,
        })
    }
    /// The digest OID.
    pub fn oid(self) -> &'static str {
        match self {
            HashAlg::Sha1 => oids::SHA1,
            HashAlg::Sha256 => oids::SHA256,
            HashAlg::Sha384 => oids::SHA384,
            HashAlg::Sha512 => oids::SHA512,
            HashAlg::Sm3 => oids::SM3,
        }
    }
    /// Name for reports.
    pub fn name(self) -> &'static str {
        match self {
            HashAlg::Sha1 => "SHA-1",
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha384 => "SHA-384",
            HashAlg::Sha512 => "SHA-512",
            HashAlg::Sm3 => "SM3",
        }
    }
    /// One-shot digest.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        let mut h = Hasher::new(self);
        h.update(data);
        h.finish()
    }
}

/// An incremental hasher for any [`HashAlg`] (used to stream PDF ByteRanges).
#[derive(Debug, Clone)]
pub enum Hasher {
    /// SHA-1.
    Sha1(sha1::Sha1),
    /// SHA-256.
    Sha256(sha2::Sha256),
    /// SHA-384.
    Sha384(sha2::Sha384),
    /// SHA-512.
    Sha512(sha2::Sha512),
    /// SM3.
    Sm3(sm3::Sm3),
}

impl Hasher {
    /// A fresh hasher.
    pub fn new(alg: HashAlg) -> Self {
        match alg {
            HashAlg::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            HashAlg::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            HashAlg::Sha384 => Hasher::Sha384(sha2::Sha384::new()),
            HashAlg::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
            HashAlg::Sm3 => Hasher::Sm3(sm3::Sm3::new()),
        }
    }
    /// Adds bytes.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha384(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
            Hasher::Sm3(h) => h.update(data),
        }
    }
    /// The digest.
    pub fn finish(self) -> Vec<u8> {
        match self {
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha384(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
            Hasher::Sm3(h) => h.finalize().to_vec(),
        }
    }
}

/// Elliptic curves guidang verifies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    /// NIST P-256.
    P256,
    /// NIST P-384.
    P384,
    /// SM2 (GB/T 32918).
    Sm2,
}

/// A public key taken from a SubjectPublicKeyInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// RSA: the DER RSAPublicKey and the modulus size in bits.
    Rsa {
        /// RSAPublicKey DER (what ring wants).
        der: Vec<u8>,
        /// Modulus bits.
        bits: usize,
    },
    /// An EC point (uncompressed SEC1) on a curve.
    Ec {
        /// The curve.
        curve: Curve,
        /// SEC1 point.
        point: Vec<u8>,
    },
    /// An Ed25519 key (32 bytes).
    Ed25519(Vec<u8>),
    /// A key type guidang cannot verify with (algorithm OID and curve OID).
    Unsupported(String),
}

impl PublicKey {
    /// Parses a DER SubjectPublicKeyInfo.
    pub fn from_spki(spki: &[u8]) -> Result<Self, String> {
        let t = Tlv::parse_one(spki).map_err(|e| format!("SubjectPublicKeyInfo: {e}"))?;
        let mut r = t.reader();
        let alg = r
            .expect(tag::SEQUENCE, "algorithm")
            .map_err(|e| e.to_string())?;
        let mut ar = alg.reader();
        let oid = ar
            .next("algorithm OID")
            .and_then(|o| o.oid())
            .map_err(|e| e.to_string())?;
        let param = if ar.peek_tag() == Some(tag::OID) {
            ar.next("curve").and_then(|o| o.oid()).ok()
        } else {
            None
        };
        let key = r
            .expect(tag::BIT_STRING, "subjectPublicKey")
            .and_then(|b| b.bits_or_octets())
            .map_err(|e| e.to_string())?;
        Ok(match (oid.as_str(), param.as_deref()) {
            (oids::RSA, _) | (oids::RSA_PSS, _) => {
                let bits = Tlv::parse(key)
                    .ok()
                    .and_then(|(s, _)| s.reader().next("modulus").ok())
                    .map(|m| {
                        let v = m.value;
                        let skip = v.iter().take_while(|&&b| b == 0).count();
                        (v.len() - skip) * 8
                    })
                    .unwrap_or(0);
                PublicKey::Rsa {
                    der: key.to_vec(),
                    bits,
                }
            }
            (oids::ED25519, _) => PublicKey::Ed25519(key.to_vec()),
            (oids::EC_PUBLIC_KEY, Some(oids::P256)) => PublicKey::Ec {
                curve: Curve::P256,
                point: key.to_vec(),
            },
            (oids::EC_PUBLIC_KEY, Some(oids::P384)) => PublicKey::Ec {
                curve: Curve::P384,
                point: key.to_vec(),
            },
            (oids::EC_PUBLIC_KEY, Some(oids::SM2_CURVE)) | (oids::SM2_CURVE, _) => PublicKey::Ec {
                curve: Curve::Sm2,
                point: key.to_vec(),
            },
            (o, p) => PublicKey::Unsupported(match p {
                Some(p) => format!("{o} ({p})"),
                None => o.to_string(),
            }),
        })
    }

    /// Short description for reports (`RSA-2048`, `SM2`, `ECDSA P-256`).
    pub fn describe(&self) -> String {
        match self {
            PublicKey::Rsa { bits, .. } => format!("RSA-{bits}"),
            PublicKey::Ec { curve, .. } => match curve {
                Curve::P256 => "EC P-256".into(),
                Curve::P384 => "EC P-384".into(),
                Curve::Sm2 => "SM2".into(),
            },
            PublicKey::Ed25519(_) => "Ed25519".into(),
            PublicKey::Unsupported(s) => format!("unsupported key {s}"),
        }
    }
}

/// A signature scheme: how the signature value relates to the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigScheme {
    /// RSASSA-PKCS1-v1_5.
    RsaPkcs1(HashAlg),
    /// RSASSA-PSS (MGF1 with the same hash, salt = hash length).
    RsaPss(HashAlg),
    /// ECDSA (DER signature).
    Ecdsa(HashAlg),
    /// SM2 with SM3 and the default distinguishing ID.
    Sm2Sm3,
    /// Ed25519 (pure).
    Ed25519,
}

impl SigScheme {
    /// Name for reports.
    pub fn name(&self) -> String {
        match self {
            SigScheme::RsaPkcs1(h) => format!("RSA PKCS#1 v1.5 / {}", h.name()),
            SigScheme::RsaPss(h) => format!("RSA-PSS / {}", h.name()),
            SigScheme::Ecdsa(h) => format!("ECDSA / {}", h.name()),
            SigScheme::Sm2Sm3 => "SM2 / SM3".into(),
            SigScheme::Ed25519 => "Ed25519".into(),
        }
    }

    /// The scheme's OID for an AlgorithmIdentifier (PSS needs parameters: see [`Self::alg_id`]).
    pub fn oid(&self) -> &'static str {
        match self {
            SigScheme::RsaPkcs1(HashAlg::Sha1) => oids::SHA1_RSA,
            SigScheme::RsaPkcs1(HashAlg::Sha384) => oids::SHA384_RSA,
            SigScheme::RsaPkcs1(HashAlg::Sha512) => oids::SHA512_RSA,
            SigScheme::RsaPkcs1(_) => oids::SHA256_RSA,
            SigScheme::RsaPss(_) => oids::RSA_PSS,
            SigScheme::Ecdsa(HashAlg::Sha1) => oids::ECDSA_SHA1,
            SigScheme::Ecdsa(HashAlg::Sha384) => oids::ECDSA_SHA384,
            SigScheme::Ecdsa(HashAlg::Sha512) => oids::ECDSA_SHA512,
            SigScheme::Ecdsa(_) => oids::ECDSA_SHA256,
            SigScheme::Sm2Sm3 => oids::SM2_SM3,
            SigScheme::Ed25519 => oids::ED25519,
        }
    }

    /// The hash the scheme uses.
    pub fn hash(&self) -> HashAlg {
        match *self {
            SigScheme::RsaPkcs1(h) | SigScheme::RsaPss(h) | SigScheme::Ecdsa(h) => h,
            SigScheme::Sm2Sm3 => HashAlg::Sm3,
            SigScheme::Ed25519 => HashAlg::Sha512,
        }
    }

    /// DER AlgorithmIdentifier for this scheme.
    pub fn alg_id(&self) -> Vec<u8> {
        use super::asn1 as a;
        match self {
            SigScheme::RsaPss(h) => {
                let hash_id = a::seq(&[&a::oid(h.oid()), &a::null()]);
                let mgf = a::seq(&[&a::oid(oids::MGF1), &hash_id]);
                let salt = a::int(h.digest(b"").len() as u64);
                let params = a::seq(&[
                    &a::explicit(0, &hash_id),
                    &a::explicit(1, &mgf),
                    &a::explicit(2, &salt),
                ]);
                a::seq(&[&a::oid(oids::RSA_PSS), &params])
            }
            SigScheme::RsaPkcs1(_) => a::seq(&[&a::oid(self.oid()), &a::null()]),
            _ => a::seq(&[&a::oid(self.oid())]),
        }
    }

    /// Works out the scheme from a signature AlgorithmIdentifier (DER), the signer's key and,
    /// for CMS where the signature algorithm is just the key algorithm, the digest algorithm.
    pub fn resolve(
        alg_id: &[u8],
        key: &PublicKey,
        digest: Option<HashAlg>,
    ) -> Result<Self, String> {
        let t = Tlv::parse_one(alg_id).map_err(|e| format!("signature algorithm: {e}"))?;
        let mut r = t.reader();
        let oid = r
            .next("signature algorithm OID")
            .and_then(|o| o.oid())
            .map_err(|e| e.to_string())?;
        let params = if r.is_empty() {
            None
        } else {
            r.next("parameters").ok()
        };
        Self::resolve_oid(&oid, params.as_ref(), key, digest)
    }

    /// Like [`Self::resolve`] from an OID alone (SES structures carry bare OIDs).
    pub fn resolve_oid(
        oid: &str,
        params: Option<&Tlv<'_>>,
        key: &PublicKey,
        digest: Option<HashAlg>,
    ) -> Result<Self, String> {
        let need = |d: Option<HashAlg>| d.ok_or_else(|| format!("{oid} needs a digest algorithm"));
        Ok(match oid {
            oids::SHA1_RSA => SigScheme::RsaPkcs1(HashAlg::Sha1),
            oids::SHA256_RSA => SigScheme::RsaPkcs1(HashAlg::Sha256),
            oids::SHA384_RSA => SigScheme::RsaPkcs1(HashAlg::Sha384),
            oids::SHA512_RSA => SigScheme::RsaPkcs1(HashAlg::Sha512),
            oids::RSA => SigScheme::RsaPkcs1(need(digest)?),
            oids::RSA_PSS => SigScheme::RsaPss(pss_hash(params)?),
            oids::ECDSA_SHA1 => SigScheme::Ecdsa(HashAlg::Sha1),
            oids::ECDSA_SHA256 => SigScheme::Ecdsa(HashAlg::Sha256),
            oids::ECDSA_SHA384 => SigScheme::Ecdsa(HashAlg::Sha384),
            oids::ECDSA_SHA512 => SigScheme::Ecdsa(HashAlg::Sha512),
            oids::SM2_SM3 | oids::SM2_1 | oids::SM2_CURVE => SigScheme::Sm2Sm3,
            oids::ED25519 => SigScheme::Ed25519,
            oids::EC_PUBLIC_KEY => match key {
                PublicKey::Ec {
                    curve: Curve::Sm2, ..
                } => SigScheme::Sm2Sm3,
                _ => SigScheme::Ecdsa(need(digest)?),
            },
            other => return Err(format!("signature algorithm {other} is not supported")),
        })
    }
}

fn pss_hash(params: Option<&Tlv<'_>>) -> Result<HashAlg, String> {
    let Some(p) = params.filter(|p| p.tag == tag::SEQUENCE) else {
        return Err("RSA-PSS with default parameters (SHA-1) is not supported".into());
    };
    let mut r: Reader<'_> = p.reader();
    while !r.is_empty() {
        let f = r.next("PSS parameter").map_err(|e| e.to_string())?;
        if f.tag == 0xa0 {
            let alg = Tlv::parse(f.value).map_err(|e| e.to_string())?.0;
            let oid = alg
                .reader()
                .next("hash")
                .and_then(|o| o.oid())
                .map_err(|e| e.to_string())?;
            return HashAlg::from_oid(&oid)
                .ok_or_else(|| format!("PSS hash {oid} is not supported"));
        }
    }
    Err("RSA-PSS with SHA-1 is not supported".into())
}

/// Verifies `sig` over `msg` with `key` under `scheme`. The error says why it failed.
pub fn verify(scheme: SigScheme, key: &PublicKey, msg: &[u8], sig: &[u8]) -> Result<(), String> {
    use ring::signature as rs;
    match (scheme, key) {
        (
            SigScheme::Sm2Sm3,
            PublicKey::Ec {
                curve: Curve::Sm2,
                point,
            },
        ) => {
            use sm2::dsa::signature::Verifier;
            let vk = sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_DISTID, point)
                .map_err(|_| "the SM2 public key is not a valid curve point".to_string())?;
            let s = sm2::dsa::Signature::from_der(sig)
                .or_else(|_| sm2::dsa::Signature::from_slice(sig))
                .map_err(|_| {
                    format!("the SM2 signature value ({} bytes) is malformed", sig.len())
                })?;
            vk.verify(msg, &s)
                .map_err(|_| "the SM2 signature does not verify".to_string())
        }
        (SigScheme::RsaPkcs1(h), PublicKey::Rsa { der, bits }) => {
            let alg: &dyn rs::VerificationAlgorithm = match (h, *bits < 2048) {
                (HashAlg::Sha1, false) => &rs::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
                (HashAlg::Sha1, true) => &rs::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
                (HashAlg::Sha256, false) => &rs::RSA_PKCS1_2048_8192_SHA256,
                (HashAlg::Sha256, true) => &rs::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
                (HashAlg::Sha384, _) => &rs::RSA_PKCS1_2048_8192_SHA384,
                (HashAlg::Sha512, false) => &rs::RSA_PKCS1_2048_8192_SHA512,
                (HashAlg::Sha512, true) => &rs::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
                (HashAlg::Sm3, _) => return Err("RSA with SM3 is not supported".into()),
            };
            rs::UnparsedPublicKey::new(alg, der)
                .verify(msg, sig)
                .map_err(|_| "the RSA signature does not verify".to_string())
        }
        (SigScheme::RsaPss(h), PublicKey::Rsa { der, .. }) => {
            let alg: &dyn rs::VerificationAlgorithm = match h {
                HashAlg::Sha256 => &rs::RSA_PSS_2048_8192_SHA256,
                HashAlg::Sha384 => &rs::RSA_PSS_2048_8192_SHA384,
                HashAlg::Sha512 => &rs::RSA_PSS_2048_8192_SHA512,
                other => return Err(format!("RSA-PSS with {} is not supported", other.name())),
            };
            rs::UnparsedPublicKey::new(alg, der)
                .verify(msg, sig)
                .map_err(|_| "the RSA-PSS signature does not verify".to_string())
        }
        (SigScheme::Ecdsa(h), PublicKey::Ec { curve, point }) => {
            let alg: &dyn rs::VerificationAlgorithm = match (curve, h) {
                (Curve::P256, HashAlg::Sha256) => &rs::ECDSA_P256_SHA256_ASN1,
                (Curve::P256, HashAlg::Sha384) => &rs::ECDSA_P256_SHA384_ASN1,
                (Curve::P384, HashAlg::Sha256) => &rs::ECDSA_P384_SHA256_ASN1,
                (Curve::P384, HashAlg::Sha384) => &rs::ECDSA_P384_SHA384_ASN1,
                (Curve::Sm2, _) => {
                    return verify(SigScheme::Sm2Sm3, key, msg, sig);
                }
                (c, h) => return Err(format!("ECDSA on {c:?} with {} is not supported", h.name())),
            };
            rs::UnparsedPublicKey::new(alg, point)
                .verify(msg, sig)
                .map_err(|_| "the ECDSA signature does not verify".to_string())
        }
        (SigScheme::Ed25519, PublicKey::Ed25519(k)) => rs::UnparsedPublicKey::new(&rs::ED25519, k)
            .verify(msg, sig)
            .map_err(|_| "the Ed25519 signature does not verify".to_string()),
        (s, k) => Err(format!(
            "the signature algorithm {} does not match the key ({})",
            s.name(),
            k.describe()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sm3_and_sha_vectors() {
        assert_eq!(
            hex::encode(HashAlg::Sm3.digest(b"abc")),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
        assert_eq!(
            hex::encode(HashAlg::Sha384.digest(b"abc"))[..16],
            *"cb00753f45a35e8b"
        );
        assert_eq!(HashAlg::from_oid(oids::SHA512), Some(HashAlg::Sha512));
    }

    #[test]
    fn sm2_sign_verify_with_default_distid() {
        use sm2::dsa::signature::Signer;
        let sk = sm2::dsa::SigningKey::from_slice(SM2_DISTID, &[7u8; 32]).unwrap();
        let sig: sm2::dsa::Signature = sk.sign(b"message");
        let point = sk.verifying_key().to_sec1_bytes().to_vec();
        let key = PublicKey::Ec {
            curve: Curve::Sm2,
            point,
        };
        let der = sig.to_der();
        assert!(verify(SigScheme::Sm2Sm3, &key, b"message", der.as_bytes()).is_ok());
        assert!(verify(SigScheme::Sm2Sm3, &key, b"massage", der.as_bytes()).is_err());
        // raw r||s is accepted too
        assert!(verify(SigScheme::Sm2Sm3, &key, b"message", &sig.to_bytes()).is_ok());
    }
}
