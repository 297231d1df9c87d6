//! EEP 电子签名块 / 锁定签名 signatures: SM2 with SM3 (GB/T 32918, default distinguishing id
//! `1234567812345678`), and RSA PKCS#1 v1.5 / ECDSA P-256 with SHA-256.
//!
//! What is signed (the EEP definition, see `eep.rs`): the signer computes a 32-byte digest `D` of
//! the exact bytes of the signed element — SM3 for SM2, SHA-256 for RSA/ECDSA — and signs `D` as
//! the message with the algorithm's standard scheme (for SM2: `e = SM3(Z_A ‖ D)`). Signing the
//! digest lets a 2 GB package be signed and verified while it streams.
//!
//! The keys and the algorithms are [`crate::authenticity::keys`] (re-exported here for the
//! package writers and readers); this module verifies the signatures read back.

pub use crate::authenticity::keys::{SignatureAlg, SigningKey};

use crate::authenticity::algs::SM2_DISTID;

/// Verifies `sig` over digest `d` with the key in `cert_or_spki` (an X.509 certificate or a bare
/// SubjectPublicKeyInfo). Returns Ok(true) valid, Ok(false) invalid, Err on unusable key material.
pub fn verify_digest(
    alg: SignatureAlg,
    cert_or_spki: &[u8],
    d: &[u8],
    sig: &[u8],
) -> Result<bool, String> {
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
    fn from_der_spki(b: &'a [u8]) -> Result<(&'a [u8], Self), String>;
}
impl<'a> SpkiExt<'a> for x509_parser::x509::SubjectPublicKeyInfo<'a> {
    fn from_der_spki(b: &'a [u8]) -> Result<(&'a [u8], Self), String> {
        use x509_parser::prelude::FromDer;
        x509_parser::x509::SubjectPublicKeyInfo::from_der(b).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authenticity::algs::HashAlg;

    fn ecdsa_key(alg: &'static ring::signature::EcdsaSigningAlgorithm) -> SigningKey {
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = ring::signature::EcdsaKeyPair::generate_pkcs8(alg, &rng).expect("generates");
        SigningKey::from_pkcs8_der(pkcs8.as_ref()).expect("loads")
    }

    #[test]
    fn sign_digest_verifies_for_sm2_and_p256() {
        let sm2 = SigningKey::sm2_from_secret(&[7u8; 32], "签名人").expect("SM2 key");
        let p256 = ecdsa_key(&ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING);
        for (k, alg, oid) in [
            (&sm2, SignatureAlg::Sm2Sm3, "1.2.156.10197.1.501"),
            (&p256, SignatureAlg::EcdsaP256Sha256, "1.2.840.10045.4.3.2"),
        ] {
            assert_eq!(k.alg(), alg);
            assert_eq!(alg.oid(), oid);
            assert_eq!(SignatureAlg::parse(oid), Some(alg));
            let d = HashAlg::Sha256.digest(b"signed element");
            let sig = k.sign_digest(&d).expect("signs");
            let (key, is_cert) = k.certificate_or_key();
            assert!(!is_cert);
            assert_eq!(verify_digest(alg, key, &d, &sig), Ok(true));
            let other = HashAlg::Sha256.digest(b"signed elemenT");
            assert_eq!(verify_digest(alg, key, &other, &sig), Ok(false));
        }
        assert_eq!(sm2.signer, "签名人");
    }

    #[test]
    fn sm2_public_key_is_the_standard_spki() {
        use sm2::pkcs8::EncodePublicKey;
        let k = SigningKey::sm2_from_secret(&[9u8; 32], "").expect("SM2 key");
        let sk = sm2::dsa::SigningKey::from_slice(SM2_DISTID, &[9u8; 32]).expect("SM2 key");
        let spki = sk.verifying_key().to_public_key_der().expect("encodes");
        assert_eq!(k.public_key_spki(), spki.as_bytes());
    }

    #[test]
    fn keys_outside_the_eep_algorithms_do_not_sign_digests() {
        let p384 = ecdsa_key(&ring::signature::ECDSA_P384_SHA384_ASN1_SIGNING);
        assert!(p384.sign_digest(&[0u8; 32]).is_err());
    }
}
