//! Test PKI and signed fixtures (feature `testkit`; tests and benches enable it). Builds an SM2 CA
//! and an RSA CA with signer, seal-maker, ECDSA and expired certificates, a CRL, and from them SES
//! v4/v1 sealed OFDs, a GB/T 35275 signed OFD, signed PDFs (RSA PKCS#1 v1.5, RSA-PSS, ECDSA P-256,
//! SM2) and tampered variants, written to a folder the caller chooses (under `target/`).
//! Everything is made by guidang's own code; nothing here is for production use.

mod ofd;
mod pdf;
mod rsa_keys;

use super::asn1;
use super::certs::{to_pem, Cert};
use super::keys::{sm2_pkcs8, SigningKey};
use crate::{Error, Result};
use std::path::{Path, PathBuf};

pub use ofd::{OfdKind, OfdSpec, OfdTamper};
pub use pdf::{PdfSpec, PdfTamper};

/// The signing time every fixture states (2024-06-01T00:00:00Z).
pub const SIGN_TIME: i64 = 1_717_200_000;
const Y2020: i64 = 1_577_836_800;
const Y2022: i64 = 1_640_995_200;
const Y2040: i64 = 2_208_988_800;

/// A key with its certificate.
#[derive(Debug)]
pub struct Identity {
    /// The private key.
    pub key: SigningKey,
    /// The certificate.
    pub cert: Cert,
    name: Vec<u8>,
}

/// An X.509 Name with C, O and CN.
pub fn name(o: &str, cn: &str) -> Vec<u8> {
    let rdn = |oid: &str, v: Vec<u8>| asn1::tlv(asn1::tag::SET, &asn1::seq(&[&asn1::oid(oid), &v]));
    asn1::seq(&[
        &rdn("2.5.4.6", asn1::tlv(asn1::tag::PRINTABLE_STRING, b"CN")),
        &rdn("2.5.4.10", asn1::utf8(o)),
        &rdn("2.5.4.3", asn1::utf8(cn)),
    ])
}

/// Parameters of a certificate to issue.
#[derive(Debug, Clone)]
pub struct CertSpec<'a> {
    /// Organisation.
    pub org: &'a str,
    /// Common name.
    pub cn: &'a str,
    /// Serial number.
    pub serial: u64,
    /// notBefore.
    pub not_before: i64,
    /// notAfter.
    pub not_after: i64,
    /// CA certificate (basicConstraints cA, keyCertSign).
    pub ca: bool,
}

/// Issues a certificate for `key` signed by `issuer` (self-signed when `issuer` is `None`).
pub fn issue(spec: &CertSpec<'_>, key: SigningKey, issuer: Option<&Identity>) -> Result<Identity> {
    let subject = name(spec.org, spec.cn);
    let (issuer_name, signer) = match issuer {
        Some(i) => (i.name.clone(), &i.key),
        None => (subject.clone(), &key),
    };
    let sig_alg = signer.scheme().alg_id();
    let ext = |oid: &str, critical: bool, value: Vec<u8>| {
        if critical {
            asn1::seq(&[&asn1::oid(oid), &[0x01, 0x01, 0xff], &asn1::octets(&value)])
        } else {
            asn1::seq(&[&asn1::oid(oid), &asn1::octets(&value)])
        }
    };
    let exts = if spec.ca {
        vec![
            ext("2.5.29.19", true, asn1::seq(&[&[0x01, 0x01, 0xff]])),
            // keyCertSign | cRLSign
            ext("2.5.29.15", true, vec![0x03, 0x02, 0x01, 0x06]),
        ]
    } else {
        // digitalSignature | nonRepudiation
        vec![ext("2.5.29.15", true, vec![0x03, 0x02, 0x06, 0xc0])]
    };
    let ext_refs: Vec<&[u8]> = exts.iter().map(Vec::as_slice).collect();
    let tbs = asn1::seq(&[
        &asn1::explicit(0, &asn1::int(2)),
        &asn1::int(spec.serial),
        &sig_alg,
        &issuer_name,
        &asn1::seq(&[
            &asn1::x509_time(spec.not_before),
            &asn1::x509_time(spec.not_after),
        ]),
        &subject,
        key.public_key_spki(),
        &asn1::explicit(3, &asn1::seq(&ext_refs)),
    ]);
    let s = signer.sign(&tbs)?;
    let der = asn1::seq(&[&tbs, &s.algorithm_id, &asn1::bits(&s.signature)]);
    let cert = Cert::from_der(&der).map_err(Error::Crypto)?;
    Ok(Identity {
        key,
        cert,
        name: subject,
    })
}

/// A CRL from `ca` revoking `serials` at `when`.
pub fn crl(ca: &Identity, serials: &[u64], when: i64) -> Result<Vec<u8>> {
    let revoked: Vec<Vec<u8>> = serials
        .iter()
        .map(|s| asn1::seq(&[&asn1::int(*s), &asn1::x509_time(when)]))
        .collect();
    let rr: Vec<&[u8]> = revoked.iter().map(Vec::as_slice).collect();
    let tbs = asn1::seq(&[
        &asn1::int(1),
        &ca.key.scheme().alg_id(),
        &ca.name,
        &asn1::x509_time(when),
        &asn1::x509_time(when + 365 * 86_400),
        &asn1::seq(&rr),
    ]);
    let s = ca.key.sign(&tbs)?;
    Ok(asn1::seq(&[
        &tbs,
        &s.algorithm_id,
        &asn1::bits(&s.signature),
    ]))
}

fn sm2_key(seed: &str) -> Result<SigningKey> {
    let d = crate::digest::sm3(seed.as_bytes());
    SigningKey::sm2_from_scalar(&d).map_err(Error::Crypto)
}

fn ecdsa_key() -> Result<SigningKey> {
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = ring::signature::EcdsaKeyPair::generate_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        &rng,
    )
    .map_err(|e| Error::Crypto(format!("P-256 key generation failed: {e}")))?;
    SigningKey::from_pkcs8_der(pkcs8.as_ref()).map_err(Error::Crypto)
}

fn rsa_key(pem: &str) -> Result<SigningKey> {
    SigningKey::from_bytes(pem.trim().as_bytes()).map_err(Error::Crypto)
}

/// The whole test PKI.
#[derive(Debug)]
pub struct Pki {
    /// SM2 root CA.
    pub sm2_ca: Identity,
    /// SM2 seal maker (制章人), issued by the SM2 CA.
    pub sm2_maker: Identity,
    /// SM2 signer (签章人), issued by the SM2 CA.
    pub sm2_signer: Identity,
    /// A second SM2 signer (not listed in the seals).
    pub sm2_other: Identity,
    /// An SM2 signer whose certificate expired in 2022.
    pub sm2_expired: Identity,
    /// An SM2 signer revoked by the CA's CRL.
    pub sm2_revoked: Identity,
    /// A self-signed SM2 "CA" with the same name as the real one but another key.
    pub sm2_rogue_ca: Identity,
    /// RSA root CA.
    pub rsa_ca: Identity,
    /// RSA signer, issued by the RSA CA.
    pub rsa_signer: Identity,
    /// ECDSA P-256 signer, issued by the RSA CA.
    pub ecdsa_signer: Identity,
    /// ECDSA P-256 signer expired in 2022, issued by the RSA CA.
    pub ecdsa_expired: Identity,
}

const SM2_CA_ORG: &str = "guidang 测试";
const SM2_CA_CN: &str = "guidang SM2 测试根 CA";

impl Pki {
    /// Builds the PKI (SM2 keys are deterministic; the ECDSA keys are random).
    pub fn new() -> Result<Pki> {
        let ee = |cn: &'static str, serial: u64| CertSpec {
            org: SM2_CA_ORG,
            cn,
            serial,
            not_before: Y2020,
            not_after: Y2040,
            ca: false,
        };
        let sm2_ca = issue(
            &CertSpec {
                org: SM2_CA_ORG,
                cn: SM2_CA_CN,
                serial: 1,
                not_before: Y2020,
                not_after: Y2040,
                ca: true,
            },
            sm2_key("guidang sm2 ca")?,
            None,
        )?;
        let sm2_rogue_ca = issue(
            &CertSpec {
                org: SM2_CA_ORG,
                cn: SM2_CA_CN,
                serial: 1,
                not_before: Y2020,
                not_after: Y2040,
                ca: true,
            },
            sm2_key("guidang rogue ca")?,
            None,
        )?;
        let sm2_maker = issue(
            &ee("guidang 电子印章制作系统（测试）", 10),
            sm2_key("maker")?,
            Some(&sm2_ca),
        )?;
        let sm2_signer = issue(
            &ee("guidang 档案馆签章人（测试）", 11),
            sm2_key("signer")?,
            Some(&sm2_ca),
        )?;
        let sm2_other = issue(
            &ee("guidang 另一签章人（测试）", 12),
            sm2_key("other")?,
            Some(&sm2_ca),
        )?;
        let sm2_revoked = issue(
            &ee("guidang 已吊销签章人（测试）", 14),
            sm2_key("revoked")?,
            Some(&sm2_ca),
        )?;
        let sm2_expired = issue(
            &CertSpec {
                not_after: Y2022,
                ..ee("guidang 过期签章人（测试）", 13)
            },
            sm2_key("expired")?,
            Some(&sm2_ca),
        )?;
        let rsa_ca = issue(
            &CertSpec {
                org: "guidang test",
                cn: "guidang RSA test root CA",
                serial: 1,
                not_before: Y2020,
                not_after: Y2040,
                ca: true,
            },
            rsa_key(rsa_keys::RSA_CA_KEY)?,
            None,
        )?;
        let rsa_ee = |cn: &'static str, serial: u64, not_after: i64| CertSpec {
            org: "guidang test",
            cn,
            serial,
            not_before: Y2020,
            not_after,
            ca: false,
        };
        let rsa_signer = issue(
            &rsa_ee("guidang RSA signer", 20, Y2040),
            rsa_key(rsa_keys::RSA_SIGNER_KEY)?,
            Some(&rsa_ca),
        )?;
        let ecdsa_signer = issue(
            &rsa_ee("guidang ECDSA signer", 21, Y2040),
            ecdsa_key()?,
            Some(&rsa_ca),
        )?;
        let ecdsa_expired = issue(
            &rsa_ee("guidang expired ECDSA signer", 22, Y2022),
            ecdsa_key()?,
            Some(&rsa_ca),
        )?;
        Ok(Pki {
            sm2_ca,
            sm2_maker,
            sm2_signer,
            sm2_other,
            sm2_expired,
            sm2_revoked,
            sm2_rogue_ca,
            rsa_ca,
            rsa_signer,
            ecdsa_signer,
            ecdsa_expired,
        })
    }

    /// Writes trust folders: `trust-sm2/` (SM2 CA + CRL), `trust-rsa/` (RSA CA), `trust-all/`
    /// (both + CRL), `trust-rogue/` (a same-named SM2 CA with another key), and the SM2 signer's
    /// PKCS#8 key and certificate (`sm2-signer.key`, `sm2-signer.pem`).
    pub fn write(&self, dir: &Path) -> Result<TrustDirs> {
        let sm2 = dir.join("trust-sm2");
        let rsa = dir.join("trust-rsa");
        let all = dir.join("trust-all");
        let rogue = dir.join("trust-rogue");
        let crl = crl(
            &self.sm2_ca,
            &[self.sm2_revoked.cert_serial()],
            SIGN_TIME - 86_400,
        )?;
        let crl_pem = to_pem("X509 CRL", &crl);
        for (d, files) in [
            (
                &sm2,
                vec![
                    ("sm2-ca.pem", to_pem("CERTIFICATE", &self.sm2_ca.cert.der)),
                    ("sm2-ca.crl.pem", crl_pem.clone()),
                ],
            ),
            (
                &rsa,
                vec![("rsa-ca.pem", to_pem("CERTIFICATE", &self.rsa_ca.cert.der))],
            ),
            (
                &all,
                vec![
                    ("sm2-ca.pem", to_pem("CERTIFICATE", &self.sm2_ca.cert.der)),
                    ("rsa-ca.pem", to_pem("CERTIFICATE", &self.rsa_ca.cert.der)),
                    ("sm2-ca.crl.pem", crl_pem.clone()),
                ],
            ),
            (
                &rogue,
                vec![(
                    "rogue-ca.pem",
                    to_pem("CERTIFICATE", &self.sm2_rogue_ca.cert.der),
                )],
            ),
        ] {
            std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
            for (n, body) in files {
                write(&d.join(n), body.as_bytes())?;
            }
        }
        let key_path = dir.join("sm2-signer.key");
        let d = self
            .sm2_signer
            .key
            .sm2_scalar()
            .ok_or_else(|| Error::Crypto("not an SM2 key".into()))?;
        let pk8 = sm2_pkcs8(&d).map_err(Error::Crypto)?;
        write(&key_path, to_pem("PRIVATE KEY", &pk8).as_bytes())?;
        let cert_path = dir.join("sm2-signer.pem");
        write(
            &cert_path,
            to_pem("CERTIFICATE", &self.sm2_signer.cert.der).as_bytes(),
        )?;
        Ok(TrustDirs {
            sm2,
            rsa,
            all,
            rogue,
            sm2_signer_key: key_path,
            sm2_signer_cert: cert_path,
        })
    }
}

impl Identity {
    fn cert_serial(&self) -> u64 {
        self.cert
            .serial_raw
            .iter()
            .fold(0u64, |a, &b| (a << 8) | b as u64)
    }
}

/// Trust folders written by [`Pki::write`].
#[derive(Debug, Clone)]
pub struct TrustDirs {
    /// SM2 CA and its CRL.
    pub sm2: PathBuf,
    /// RSA CA.
    pub rsa: PathBuf,
    /// Both CAs and the CRL.
    pub all: PathBuf,
    /// A rogue SM2 CA with the real CA's name.
    pub rogue: PathBuf,
    /// The SM2 signer's PKCS#8 key (PEM).
    pub sm2_signer_key: PathBuf,
    /// The SM2 signer's certificate (PEM).
    pub sm2_signer_cert: PathBuf,
}

pub(crate) fn write(p: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(p, bytes).map_err(|e| Error::io(p, e))
}

/// One generated fixture and what verifying it must give.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// File path.
    pub path: PathBuf,
    /// Short label.
    pub label: String,
    /// Trust folder whose CA it chains to.
    pub trust_dir: PathBuf,
    /// `None` for intact fixtures; for tampered ones the check rule that must fail.
    pub expect_fail: Option<&'static str>,
    /// A check rule that must warn even with the CA configured (legitimate quirks).
    pub expect_warn: Option<&'static str>,
}

/// Generates the PKI, trust folders and every fixture under `dir`.
pub fn generate(dir: &Path) -> Result<(Pki, TrustDirs, Vec<Fixture>)> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let pki = Pki::new()?;
    let trust = pki.write(dir)?;
    let mut out = Vec::new();
    let mut add = |name: &str,
                   bytes: Vec<u8>,
                   trust_dir: &Path,
                   expect: Option<&'static str>|
     -> Result<()> {
        let p = dir.join(name);
        write(&p, &bytes)?;
        let (expect_fail, expect_warn) = match expect {
            Some(r) if r.starts_with("warn:") => (None, Some(&r[5..])),
            other => (other, None),
        };
        out.push(Fixture {
            path: p,
            label: name.to_string(),
            trust_dir: trust_dir.to_path_buf(),
            expect_fail,
            expect_warn,
        });
        Ok(())
    };
    use OfdKind::*;
    let ofd = |kind, signer: &Identity, listed: &Identity, tamper| {
        ofd::build(&OfdSpec {
            kind,
            signer,
            maker: &pki.sm2_maker,
            listed,
            tamper,
            time: SIGN_TIME,
        })
    };
    add(
        "ofd-seal-v4.ofd",
        ofd(SealV4, &pki.sm2_signer, &pki.sm2_signer, OfdTamper::None)?,
        &trust.sm2,
        None,
    )?;
    add(
        "ofd-seal-v1.ofd",
        ofd(SealV1, &pki.sm2_signer, &pki.sm2_signer, OfdTamper::None)?,
        &trust.sm2,
        None,
    )?;
    add(
        "ofd-gbt35275.ofd",
        ofd(Cms, &pki.sm2_signer, &pki.sm2_signer, OfdTamper::None)?,
        &trust.sm2,
        None,
    )?;
    add(
        "ofd-two-seals.ofd",
        ofd(
            SealV4,
            &pki.sm2_signer,
            &pki.sm2_signer,
            OfdTamper::SecondSeal,
        )?,
        &trust.sm2,
        Some("warn:ofd.signatures_rewritten"),
    )?;
    add(
        "tampered-ofd-v4-changed-page.ofd",
        ofd(
            SealV4,
            &pki.sm2_signer,
            &pki.sm2_signer,
            OfdTamper::ChangePage,
        )?,
        &trust.sm2,
        Some("ofd.reference_digest"),
    )?;
    add(
        "tampered-ofd-v1-changed-page.ofd",
        ofd(
            SealV1,
            &pki.sm2_signer,
            &pki.sm2_signer,
            OfdTamper::ChangePage,
        )?,
        &trust.sm2,
        Some("ofd.reference_digest"),
    )?;
    add(
        "tampered-ofd-cms-changed-page.ofd",
        ofd(Cms, &pki.sm2_signer, &pki.sm2_signer, OfdTamper::ChangePage)?,
        &trust.sm2,
        Some("ofd.reference_digest"),
    )?;
    add(
        "tampered-ofd-v4-signature-xml.ofd",
        ofd(
            SealV4,
            &pki.sm2_signer,
            &pki.sm2_signer,
            OfdTamper::EditSignatureXml,
        )?,
        &trust.sm2,
        Some("ses.data_hash"),
    )?;
    add(
        "tampered-ofd-cms-signature-xml.ofd",
        ofd(
            Cms,
            &pki.sm2_signer,
            &pki.sm2_signer,
            OfdTamper::EditSignatureXml,
        )?,
        &trust.sm2,
        Some("cms.message_digest"),
    )?;
    add(
        "tampered-ofd-v4-wrong-seal-cert.ofd",
        ofd(SealV4, &pki.sm2_other, &pki.sm2_signer, OfdTamper::None)?,
        &trust.sm2,
        Some("ses.signer_in_seal"),
    )?;
    add(
        "tampered-ofd-v4-expired-signer.ofd",
        ofd(SealV4, &pki.sm2_expired, &pki.sm2_expired, OfdTamper::None)?,
        &trust.sm2,
        Some("ses.signer_cert.validity"),
    )?;
    add(
        "tampered-ofd-v4-revoked-signer.ofd",
        ofd(SealV4, &pki.sm2_revoked, &pki.sm2_revoked, OfdTamper::None)?,
        &trust.sm2,
        Some("ses.signer_cert.revocation"),
    )?;
    add(
        "tampered-ofd-v4-seal-altered.ofd",
        ofd(
            SealV4,
            &pki.sm2_signer,
            &pki.sm2_signer,
            OfdTamper::AlterSeal,
        )?,
        &trust.sm2,
        Some("ses.seal_signature"),
    )?;
    add(
        "tampered-ofd-v4-appended-page.ofd",
        ofd(
            SealV4,
            &pki.sm2_signer,
            &pki.sm2_signer,
            OfdTamper::AppendPage,
        )?,
        &trust.sm2,
        Some("ofd.reference_digest"),
    )?;
    let pdf = |signer: &Identity, pss: bool, tamper| {
        pdf::build(&PdfSpec {
            signer,
            ca: None,
            pss,
            tamper,
            time: SIGN_TIME,
        })
    };
    add(
        "pdf-rsa.pdf",
        pdf(&pki.rsa_signer, false, PdfTamper::None)?,
        &trust.rsa,
        None,
    )?;
    add(
        "pdf-rsa-pss.pdf",
        pdf(&pki.rsa_signer, true, PdfTamper::None)?,
        &trust.rsa,
        None,
    )?;
    add(
        "pdf-ecdsa.pdf",
        pdf(&pki.ecdsa_signer, false, PdfTamper::None)?,
        &trust.rsa,
        None,
    )?;
    add(
        "pdf-sm2.pdf",
        pdf(&pki.sm2_signer, false, PdfTamper::None)?,
        &trust.sm2,
        None,
    )?;
    add(
        "tampered-pdf-rsa-changed-page.pdf",
        pdf(&pki.rsa_signer, false, PdfTamper::ChangePage)?,
        &trust.rsa,
        Some("pdf.message_digest"),
    )?;
    add(
        "tampered-pdf-sm2-changed-page.pdf",
        pdf(&pki.sm2_signer, false, PdfTamper::ChangePage)?,
        &trust.sm2,
        Some("pdf.message_digest"),
    )?;
    add(
        "tampered-pdf-rsa-appended.pdf",
        pdf(&pki.rsa_signer, false, PdfTamper::Append)?,
        &trust.rsa,
        Some("pdf.coverage"),
    )?;
    add(
        "tampered-pdf-ecdsa-appended.pdf",
        pdf(&pki.ecdsa_signer, false, PdfTamper::Append)?,
        &trust.rsa,
        Some("pdf.coverage"),
    )?;
    add(
        "tampered-pdf-ecdsa-expired-signer.pdf",
        pdf(&pki.ecdsa_expired, false, PdfTamper::None)?,
        &trust.rsa,
        Some("pdf.signer_cert.validity"),
    )?;
    add(
        "tampered-pdf-sm2-bad-signature.pdf",
        pdf(&pki.sm2_signer, false, PdfTamper::BadSignature)?,
        &trust.sm2,
        Some("cms.signature"),
    )?;
    Ok((pki, trust, out))
}

/// How [`cms_sign`] lays out the SignedData.
#[derive(Debug, Clone, Copy)]
pub struct CmsLayout {
    /// ContentInfo / SignedData content-type OIDs: GB/T 35275 (`true`) or RFC 5652.
    pub gbt35275: bool,
    /// Write the signed attributes in non-DER order (as some GB/T 35275 producers do).
    pub unsorted_attrs: bool,
    /// Signature algorithm OID override (e.g. SM2-1 `1.2.156.10197.1.301.1` for GB/T 35275).
    pub sig_alg_oid: Option<&'static str>,
}

/// A detached CMS SignedData whose messageDigest is `digest` (computed with the signer's hash),
/// signed by `signer` at `time`, carrying the signer certificate and `extra` certificates.
pub fn cms_sign(
    signer: &Identity,
    extra: &[&Cert],
    digest: &[u8],
    time: i64,
    layout: CmsLayout,
) -> Result<Vec<u8>> {
    signed_data(signer, extra, digest, None, time, layout)
}

/// An RFC 3161 timestamp token from `tsa` over data whose `hash` digest is `hashed`.
pub fn timestamp_token(
    tsa: &Identity,
    hash: super::algs::HashAlg,
    hashed: &[u8],
    time: i64,
) -> Result<Vec<u8>> {
    let tst = asn1::seq(&[
        &asn1::int(1),
        &asn1::oid("1.2.3.4.1"),
        &asn1::seq(&[&asn1::seq(&[&asn1::oid(hash.oid())]), &asn1::octets(hashed)]),
        &asn1::int(time as u64),
        &asn1::generalized_time(time),
    ]);
    let d = tsa.key.scheme().hash().digest(&tst);
    let layout = CmsLayout {
        gbt35275: false,
        unsorted_attrs: false,
        sig_alg_oid: None,
    };
    signed_data(
        tsa,
        &[],
        &d,
        Some((super::cms::TST_INFO, &tst)),
        time,
        layout,
    )
}

fn signed_data(
    signer: &Identity,
    extra: &[&Cert],
    digest: &[u8],
    econtent: Option<(&str, &[u8])>,
    time: i64,
    layout: CmsLayout,
) -> Result<Vec<u8>> {
    use super::algs::oids;
    use super::cms::{
        ATTR_CONTENT_TYPE, ATTR_MESSAGE_DIGEST, ATTR_SIGNING_TIME, DATA, DATA_SM2, SIGNED_DATA,
        SIGNED_DATA_SM2,
    };
    let (ct, data) = if layout.gbt35275 {
        (SIGNED_DATA_SM2, DATA_SM2)
    } else {
        (SIGNED_DATA, DATA)
    };
    let data = econtent.map(|(o, _)| o).unwrap_or(data);
    let h = signer.key.scheme().hash();
    let digest_alg = if h == super::algs::HashAlg::Sm3 {
        asn1::seq(&[&asn1::oid(oids::SM3)])
    } else {
        asn1::seq(&[&asn1::oid(h.oid()), &asn1::null()])
    };
    let attr =
        |oid: &str, v: Vec<u8>| asn1::seq(&[&asn1::oid(oid), &asn1::tlv(asn1::tag::SET, &v)]);
    let a_md = attr(ATTR_MESSAGE_DIGEST, asn1::octets(digest));
    let a_time = attr(ATTR_SIGNING_TIME, asn1::x509_time(time));
    let a_ct = attr(ATTR_CONTENT_TYPE, asn1::oid(data));
    let attrs: Vec<u8> = if layout.unsorted_attrs {
        [a_md.as_slice(), &a_time, &a_ct].concat()
    } else {
        let mut v = [a_md.as_slice(), &a_time, &a_ct];
        v.sort();
        v.concat()
    };
    let signed = signer.key.sign(&asn1::tlv(asn1::tag::SET, &attrs))?;
    let sig_alg = match layout.sig_alg_oid {
        Some(o) => asn1::seq(&[&asn1::oid(o)]),
        None => signed.algorithm_id.clone(),
    };
    let sid = asn1::seq(&[
        &signer.cert.issuer_raw,
        &asn1::uint(&signer.cert.serial_raw),
    ]);
    let si = asn1::seq(&[
        &asn1::int(1),
        &sid,
        &digest_alg,
        &asn1::tlv(0xa0, &attrs),
        &sig_alg,
        &asn1::octets(&signed.signature),
    ]);
    let mut certs = signer.cert.der.clone();
    for c in extra {
        certs.extend_from_slice(&c.der);
    }
    let sd = asn1::seq(&[
        &asn1::int(1),
        &asn1::tlv(asn1::tag::SET, &digest_alg),
        &match econtent {
            Some((o, c)) => asn1::seq(&[&asn1::oid(o), &asn1::explicit(0, &asn1::octets(c))]),
            None => asn1::seq(&[&asn1::oid(data)]),
        },
        &asn1::tlv(0xa0, &certs),
        &asn1::tlv(asn1::tag::SET, &si),
    ]);
    Ok(asn1::seq(&[&asn1::oid(ct), &asn1::explicit(0, &sd)]))
}
