//! Who sealed an OFD invoice: the signer certificate subject, the seal-maker certificate subject and
//! the seal name read from each `SignedValue` (SES v4 GB/T 38540 or v1 GM/T 0031). This is evidence
//! for the "sealed by a tax authority" cross-check only; whether the signature is valid is decided
//! by the authenticity checks, not here.

use crate::container::{normalize, ZipContainer};
use crate::xml::{self, XmlLimits};
use crate::Result;
use serde::{Deserialize, Serialize};
use std::io::{Read, Seek};

/// Largest SignedValue read (seals with pictures are tens of KiB).
pub const MAX_SIGNED_VALUE: u64 = 4 << 20;

/// What one OFD signature says about its signer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealInfo {
    /// `Signature.xml` path inside the package.
    pub signature: String,
    /// `Seal` (default) or `Sign`.
    pub kind: String,
    /// `v4` (GB/T 38540), `v1` (GM/T 0031) or `unknown`.
    pub format: String,
    /// Subject of the signer certificate (签章者证书), e.g. `CN=全国统一发票监制章国家税务总局重庆市税务局`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer_subject: Option<String>,
    /// Subject of the seal-maker certificate (制章人证书).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maker_subject: Option<String>,
    /// The seal's name (SES_ESPropertyInfo.name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal_name: Option<String>,
    /// Why the signer could not be read, if it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

impl SealInfo {
    /// Whether the signer subject or the seal name names a tax authority (税务局 / 国家税务总局 /
    /// 发票监制章).
    pub fn names_tax_authority(&self) -> bool {
        [&self.signer_subject, &self.seal_name]
            .into_iter()
            .flatten()
            .any(|s| is_tax_authority_name(s))
    }
}

/// Whether a name denotes a Chinese tax authority or its invoice supervision seal.
pub fn is_tax_authority_name(s: &str) -> bool {
    s.contains("税务局")
        || s.contains("国家税务总局")
        || s.contains("发票监制章")
        || s.contains("税务机关")
}

/// Reads every signature listed in the package's `Signatures.xml`.
pub fn read_seals<R: Read + Seek>(
    zip: &mut ZipContainer<R>,
    limits: &XmlLimits,
) -> Result<Vec<SealInfo>> {
    let ofd = read_xml(zip, "OFD.xml", limits)?;
    let Some(body) = ofd.child("DocBody") else {
        return Ok(Vec::new());
    };
    let Some(list) = body.text_at("Signatures").and_then(normalize) else {
        return Ok(Vec::new());
    };
    if !zip.contains(&list) {
        return Ok(Vec::new());
    }
    let sigs = read_xml(zip, &list, limits)?;
    let list_dir = list
        .rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default();
    let mut out = Vec::new();
    for s in sigs.children_named("Signature") {
        let Some(loc) = s.attr("BaseLoc") else {
            continue;
        };
        let sig_path = if loc.starts_with('/') {
            normalize(loc)
        } else {
            normalize(&format!("{list_dir}/{loc}"))
        };
        let Some(sig_path) = sig_path else { continue };
        let mut info = SealInfo {
            signature: sig_path.clone(),
            kind: s.attr("Type").unwrap_or("Seal").to_string(),
            format: "unknown".into(),
            ..Default::default()
        };
        match signed_value(zip, &sig_path, limits) {
            Ok(bytes) => read_ses(&bytes, &mut info),
            Err(e) => info.problem = Some(e.to_string()),
        }
        out.push(info);
    }
    Ok(out)
}

fn read_xml<R: Read + Seek>(
    zip: &mut ZipContainer<R>,
    entry: &str,
    limits: &XmlLimits,
) -> Result<xml::Element> {
    if let Some(e) = zip.lookup(entry) {
        if e.size > limits.max_bytes as u64 {
            return Err(crate::Error::Limit {
                path: zip.path().join(entry),
                limit: format!("{} bytes exceed the XML limit", e.size),
            });
        }
    }
    let bytes = zip.read(entry)?;
    Ok(xml::parse(&bytes, &zip.path().join(entry), limits)?.root)
}

fn signed_value<R: Read + Seek>(
    zip: &mut ZipContainer<R>,
    sig_path: &str,
    limits: &XmlLimits,
) -> Result<Vec<u8>> {
    let sig = read_xml(zip, sig_path, limits)?;
    let dir = sig_path
        .rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default();
    let loc = sig.text_at("SignedValue").unwrap_or("SignedValue.dat");
    let path = if loc.starts_with('/') {
        normalize(loc)
    } else {
        normalize(&format!("{dir}/{loc}"))
    }
    .ok_or_else(|| {
        crate::Error::invalid(zip.path(), format!("bad SignedValue location `{loc}`"))
    })?;
    let size = zip.lookup(&path).map(|e| e.size).unwrap_or(0);
    if size > MAX_SIGNED_VALUE {
        return Err(crate::Error::Limit {
            path: zip.path().join(&path),
            limit: format!("SignedValue of {size} bytes exceeds {MAX_SIGNED_VALUE}"),
        });
    }
    zip.read(&path)
}

/// One DER TLV: tag byte, content, and the rest after it.
fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = b.split_first()?;
    let (&l0, rest) = rest.split_first()?;
    let (len, rest) = if l0 < 0x80 {
        (l0 as usize, rest)
    } else {
        let n = (l0 & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n].iter().fold(0usize, |a, &x| (a << 8) | x as usize);
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// The elements of a constructed value (SEQUENCE content).
fn elements(mut b: &[u8]) -> Vec<(u8, &[u8])> {
    let mut out = Vec::new();
    while !b.is_empty() && out.len() < 64 {
        match tlv(b) {
            Some((t, c, r)) => {
                out.push((t, c));
                b = r;
            }
            None => break,
        }
    }
    out
}

fn subject(cert_der: &[u8]) -> Option<String> {
    let (_, c) = x509_parser::parse_x509_certificate(cert_der).ok()?;
    Some(c.subject().to_string())
}

fn utf8(b: &[u8]) -> Option<String> {
    std::str::from_utf8(b).ok().map(str::to_string)
}

/// Fills signer/maker subjects and the seal name from an SES_Signature (v4, else v1).
fn read_ses(bytes: &[u8], info: &mut SealInfo) {
    let Some((0x30, top, _)) = tlv(bytes) else {
        info.problem =
            Some("SignedValue is not a DER SEQUENCE (bare signature or other format)".into());
        return;
    };
    let top = elements(top);
    // v4: SES_Signature ::= SEQUENCE { toSign, cert OCTET STRING, signatureAlgID, signature, [0] ts? }
    if top.len() >= 4 && top[0].0 == 0x30 && top[1].0 == 0x04 {
        info.format = "v4".into();
        info.signer_subject = subject(top[1].1);
        let tbs = elements(top[0].1);
        if let Some((0x30, seal)) = tbs.get(1).copied() {
            let seal = elements(seal);
            if let Some((0x04, cert)) = seal.get(1).copied() {
                info.maker_subject = subject(cert);
            }
            info.seal_name = seal_name(seal.first().copied());
        }
    } else if top.len() == 2 && top[0].0 == 0x30 {
        // v1: SES_Signature ::= SEQUENCE { toSign TBS_Sign, signature }
        info.format = "v1".into();
        let tbs = elements(top[0].1);
        if let Some((0x04, cert)) = tbs.get(5).copied() {
            info.signer_subject = subject(cert);
        }
        if let Some((0x30, seal)) = tbs.get(1).copied() {
            let seal = elements(seal);
            // v1 SESeal ::= { esealInfo, signInfo { cert, signatureAlgorithm, signData } }
            if let Some((0x30, sign_info)) = seal.get(1).copied() {
                if let Some((0x04, cert)) = elements(sign_info).first().copied() {
                    info.maker_subject = subject(cert);
                }
            }
            info.seal_name = seal_name(seal.first().copied());
        }
    } else {
        info.problem = Some("SignedValue is neither an SES v4 nor an SES v1 signature".into());
        return;
    }
    if info.signer_subject.is_none() {
        info.problem = Some("the signer certificate could not be parsed".into());
    }
}

/// SES_SealInfo ::= { header, esID, property { type, name UTF8String, … }, picture, … }
fn seal_name(seal_info: Option<(u8, &[u8])>) -> Option<String> {
    let (0x30, si) = seal_info? else { return None };
    let si = elements(si);
    let (0x30, prop) = si.get(2).copied()? else {
        return None;
    };
    let prop = elements(prop);
    match prop.get(1).copied()? {
        (0x0c, name) => utf8(name),
        _ => None,
    }
}
