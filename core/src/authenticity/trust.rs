//! Trust configuration and certificate paths: anchors from a folder of PEM/DER certificates,
//! caller-supplied signer certificates (for bare OFD signatures), caller-supplied CRLs, chain
//! building from a signer certificate to an anchor. No anchor configured or reached means the
//! trust outcome is *indeterminate*, never a pass.

use super::algs::{self, PublicKey, SigScheme};
use super::asn1::{tag, Tlv};
use super::certs::{pem_blocks, Cert};
use crate::checks::CheckOptions;
use crate::{Error, Result};
use std::path::Path;

/// Longest certificate path guidang follows.
const MAX_CHAIN: usize = 8;
/// Most files read from a trust folder.
const MAX_TRUST_FILES: usize = 10_000;
/// Largest trust file read.
const MAX_TRUST_FILE_BYTES: u64 = 16 << 20;

/// A certificate revocation list the caller supplied.
#[derive(Debug, Clone)]
pub struct Crl {
    /// Raw issuer Name.
    pub issuer_raw: Vec<u8>,
    /// Issuer, readable.
    pub issuer: String,
    /// Revoked serials (raw bytes) with revocation time.
    pub revoked: Vec<(Vec<u8>, i64)>,
    /// thisUpdate.
    pub this_update: i64,
    /// nextUpdate, if any.
    pub next_update: Option<i64>,
    tbs: Vec<u8>,
    sig_alg: Vec<u8>,
    signature: Vec<u8>,
}

impl Crl {
    /// Parses a DER CRL.
    pub fn from_der(der: &[u8]) -> std::result::Result<Crl, String> {
        use x509_parser::prelude::FromDer as _;
        let (_, c) = x509_parser::revocation_list::CertificateRevocationList::from_der(der)
            .map_err(|e| format!("not a parsable CRL: {e}"))?;
        let outer = Tlv::parse(der).map_err(|e| e.to_string())?.0;
        let mut r = outer.reader();
        let tbs = r
            .expect(tag::SEQUENCE, "tbsCertList")
            .map_err(|e| e.to_string())?;
        let sig_alg = r
            .expect(tag::SEQUENCE, "signatureAlgorithm")
            .map_err(|e| e.to_string())?;
        let sig = r
            .expect(tag::BIT_STRING, "signature")
            .and_then(|b| b.bits_or_octets())
            .map_err(|e| e.to_string())?;
        Ok(Crl {
            issuer_raw: c.issuer().as_raw().to_vec(),
            issuer: c.issuer().to_string(),
            revoked: c
                .iter_revoked_certificates()
                .map(|rc| (rc.raw_serial().to_vec(), rc.revocation_date.timestamp()))
                .collect(),
            this_update: c.last_update().timestamp(),
            next_update: c.next_update().map(|t| t.timestamp()),
            tbs: tbs.raw.to_vec(),
            sig_alg: sig_alg.raw.to_vec(),
            signature: sig.to_vec(),
        })
    }

    fn verify_by(&self, key: &PublicKey) -> std::result::Result<(), String> {
        let scheme = SigScheme::resolve(&self.sig_alg, key, None)?;
        algs::verify(scheme, key, &self.tbs, &self.signature)
    }
}

/// What the caller trusts.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    /// Trust anchors (every certificate in the trust folder).
    pub anchors: Vec<Cert>,
    /// Signer certificates supplied for bare signatures (OFD Type=Sign).
    pub signer_certs: Vec<Cert>,
    /// Caller-supplied CRLs (`*.crl` or PEM `X509 CRL` in the trust folder).
    pub crls: Vec<Crl>,
}

/// Result of building a path from a certificate to an anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainStatus {
    /// Reached an anchor; subjects from the leaf up.
    Trusted(Vec<String>),
    /// No configured anchor was reached (or none is configured): indeterminate.
    NoAnchor(String),
    /// A path exists but is unusable (issuer not a CA, issuer expired at signing time…).
    Invalid(String),
}

/// Revocation status from caller CRLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// A verified CRL from the issuer, current at the time, does not list the certificate.
    Good(String),
    /// Revoked at that time (Unix seconds).
    Revoked(i64),
    /// No usable CRL: revocation needs a person (offline).
    Unknown,
}

fn strip0(v: &[u8]) -> &[u8] {
    let n = v
        .iter()
        .take_while(|&&b| b == 0)
        .count()
        .min(v.len().saturating_sub(1));
    &v[n..]
}

impl Trust {
    /// No anchors, no signer certificates: every trust outcome is indeterminate.
    pub fn none() -> Self {
        Trust::default()
    }

    /// Trust from check options: `trust_dir` (anchors and CRLs) and `signer_certs`.
    pub fn from_options(o: &CheckOptions) -> Result<Self> {
        let mut t = Trust::default();
        if let Some(dir) = &o.trust_dir {
            t.load_dir(dir)?;
        }
        for p in &o.signer_certs {
            t.add_signer_cert_file(p)?;
        }
        Ok(t)
    }

    /// Adds every certificate (as an anchor) and CRL found in a folder (one level, PEM or DER).
    pub fn load_dir(&mut self, dir: &Path) -> Result<()> {
        let rd = std::fs::read_dir(dir).map_err(|e| {
            Error::Config(format!(
                "trust folder {} cannot be read: {e}",
                dir.display()
            ))
        })?;
        let mut files: Vec<_> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        if files.len() > MAX_TRUST_FILES {
            return Err(Error::Limit {
                path: dir.into(),
                limit: format!("more than {MAX_TRUST_FILES} files in the trust folder"),
            });
        }
        for p in files.iter().filter(|p| p.is_file()) {
            let len = std::fs::metadata(p).map_err(|e| Error::io(p, e))?.len();
            if len > MAX_TRUST_FILE_BYTES {
                return Err(Error::Limit {
                    path: p.clone(),
                    limit: format!("trust file larger than {MAX_TRUST_FILE_BYTES} bytes"),
                });
            }
            let bytes = std::fs::read(p).map_err(|e| Error::io(p, e))?;
            let crls = pem_blocks(&bytes, "X509 CRL");
            if !crls.is_empty() {
                for d in crls {
                    self.crls
                        .push(Crl::from_der(&d).map_err(|e| Error::invalid(p, e))?);
                }
                continue;
            }
            let is_crl_ext = p.extension().is_some_and(|e| e.eq_ignore_ascii_case("crl"));
            if is_crl_ext {
                self.crls
                    .push(Crl::from_der(&bytes).map_err(|e| Error::invalid(p, e))?);
                continue;
            }
            match Cert::parse_all(&bytes) {
                Ok(cs) => self.anchors.extend(cs),
                Err(e) => {
                    // Only certificate-looking files are an error; READMEs and the like are skipped.
                    let ext = p
                        .extension()
                        .map(|e| e.to_string_lossy().to_ascii_lowercase())
                        .unwrap_or_default();
                    if matches!(ext.as_str(), "pem" | "crt" | "cer" | "der") {
                        return Err(Error::invalid(p, e));
                    }
                }
            }
        }
        Ok(())
    }

    /// Adds a signer certificate file (PEM or DER).
    pub fn add_signer_cert_file(&mut self, p: &Path) -> Result<()> {
        let bytes = std::fs::read(p).map_err(|e| Error::io(p, e))?;
        let cs = Cert::parse_all(&bytes).map_err(|e| Error::invalid(p, e))?;
        self.signer_certs.extend(cs);
        Ok(())
    }

    /// Adds an anchor.
    pub fn with_anchor(mut self, c: Cert) -> Self {
        self.anchors.push(c);
        self
    }

    /// Adds a signer certificate.
    pub fn with_signer_cert(mut self, c: Cert) -> Self {
        self.signer_certs.push(c);
        self
    }

    /// Builds a path from `leaf` to an anchor, using `extra` (certificates carried by the
    /// signature) as intermediates; CA certificates must be valid at `at` (the signing time).
    pub fn chain(&self, leaf: &Cert, extra: &[Cert], at: i64) -> ChainStatus {
        if self.anchors.is_empty() {
            return ChainStatus::NoAnchor("no trust anchors are configured".into());
        }
        let mut path = vec![leaf.subject.clone()];
        let mut cur = leaf.clone();
        for _ in 0..MAX_CHAIN {
            if self.anchors.iter().any(|a| a.der == cur.der) {
                return ChainStatus::Trusted(path);
            }
            // An anchor that issued the current certificate ends the path.
            let mut name_match_failed = None;
            for a in self
                .anchors
                .iter()
                .filter(|a| a.subject_raw == cur.issuer_raw)
            {
                match cur.verify_signed_by(a) {
                    Ok(()) => {
                        path.push(a.subject.clone());
                        return ChainStatus::Trusted(path);
                    }
                    Err(e) => name_match_failed = Some(e),
                }
            }
            let next = extra.iter().find(|c| {
                c.subject_raw == cur.issuer_raw
                    && c.der != cur.der
                    && cur.verify_signed_by(c).is_ok()
            });
            let Some(next) = next else {
                return ChainStatus::NoAnchor(match name_match_failed {
                    Some(e) => format!(
                        "an anchor named {} exists but did not sign {}: {e}",
                        cur.issuer, cur.subject
                    ),
                    None => format!("issuer {} is not among the trust anchors", cur.issuer),
                });
            };
            if !next.is_ca {
                return ChainStatus::Invalid(format!("issuer {} is not a CA", next.subject));
            }
            if !next.valid_at(at) {
                return ChainStatus::Invalid(format!(
                    "issuer {} was not valid at the signing time",
                    next.subject
                ));
            }
            path.push(next.subject.clone());
            cur = next.clone();
        }
        ChainStatus::Invalid(format!("certificate path longer than {MAX_CHAIN}"))
    }

    /// Revocation status of `cert` at `at` from caller CRLs signed by its issuer.
    pub fn revocation(&self, cert: &Cert, extra: &[Cert], at: i64) -> Revocation {
        let issuers: Vec<&Cert> = self
            .anchors
            .iter()
            .chain(extra.iter())
            .filter(|c| c.subject_raw == cert.issuer_raw)
            .collect();
        for crl in self.crls.iter().filter(|c| c.issuer_raw == cert.issuer_raw) {
            if !issuers.iter().any(|i| crl.verify_by(&i.key).is_ok()) {
                continue;
            }
            // A certificate revoked after the signing time was still good when it signed.
            return match crl
                .revoked
                .iter()
                .find(|(s, _)| strip0(s) == strip0(&cert.serial_raw))
            {
                Some((_, when)) if *when <= at => Revocation::Revoked(*when),
                _ => Revocation::Good(crl.issuer.clone()),
            };
        }
        Revocation::Unknown
    }
}
