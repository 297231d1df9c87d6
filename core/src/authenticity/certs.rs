//! X.509 certificates as guidang needs them: parsed once with `x509-parser` into an owned
//! summary (names, validity, key, key usage, CA flag, raw TBS and signature), PEM/DER loading,
//! and the certificate-signature check (SM2 certificates included, which x509-parser cannot do).

use super::algs::{self, PublicKey, SigScheme};
use super::asn1::{tag, Tlv};
use base64::Engine as _;
use x509_parser::prelude::FromDer as _;

/// A parsed certificate (owned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cert {
    /// The DER encoding.
    pub der: Vec<u8>,
    /// Subject, RFC 4514-like (`CN=…, O=…`).
    pub subject: String,
    /// Issuer, same form.
    pub issuer: String,
    /// Raw DER of the subject Name (for chain matching).
    pub subject_raw: Vec<u8>,
    /// Raw DER of the issuer Name.
    pub issuer_raw: Vec<u8>,
    /// Serial number, hex.
    pub serial: String,
    /// Raw serial bytes.
    pub serial_raw: Vec<u8>,
    /// notBefore, Unix seconds.
    pub not_before: i64,
    /// notAfter, Unix seconds.
    pub not_after: i64,
    /// The public key.
    pub key: PublicKey,
    /// Whether basicConstraints says CA (or the certificate is a v1 self-issued root).
    pub is_ca: bool,
    /// keyUsage bits if the extension is present: (digitalSignature, nonRepudiation, keyCertSign).
    pub key_usage: Option<(bool, bool, bool)>,
    /// Raw TBSCertificate (what the issuer signed).
    pub tbs: Vec<u8>,
    /// Raw signature AlgorithmIdentifier.
    pub sig_alg: Vec<u8>,
    /// Signature value.
    pub signature: Vec<u8>,
}

impl Cert {
    /// Parses a DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Cert, String> {
        let (rest, c) = x509_parser::certificate::X509Certificate::from_der(der)
            .map_err(|e| format!("not a parsable X.509 certificate: {e}"))?;
        let used = &der[..der.len() - rest.len()];
        // The outer structure by hand: tbs, signatureAlgorithm, signatureValue.
        let outer = Tlv::parse_one(used).map_err(|e| e.to_string())?;
        let mut r = outer.reader();
        let tbs = r
            .expect(tag::SEQUENCE, "tbsCertificate")
            .map_err(|e| e.to_string())?;
        let sig_alg = r
            .expect(tag::SEQUENCE, "signatureAlgorithm")
            .map_err(|e| e.to_string())?;
        let sig = r
            .expect(tag::BIT_STRING, "signatureValue")
            .and_then(|b| b.bits_or_octets())
            .map_err(|e| e.to_string())?;
        let tbsc = &c.tbs_certificate;
        let key = PublicKey::from_spki(tbsc.subject_pki.raw)?;
        let key_usage = tbsc.key_usage().ok().flatten().map(|k| {
            (
                k.value.digital_signature(),
                k.value.non_repudiation(),
                k.value.key_cert_sign(),
            )
        });
        let bc = tbsc.basic_constraints().ok().flatten().map(|b| b.value.ca);
        let self_issued = tbsc.subject.as_raw() == tbsc.issuer.as_raw();
        let is_ca = bc.unwrap_or(self_issued && tbsc.version.0 == 0);
        Ok(Cert {
            der: used.to_vec(),
            subject: name_string(&tbsc.subject),
            issuer: name_string(&tbsc.issuer),
            subject_raw: tbsc.subject.as_raw().to_vec(),
            issuer_raw: tbsc.issuer.as_raw().to_vec(),
            serial: hex::encode(tbsc.raw_serial()),
            serial_raw: tbsc.raw_serial().to_vec(),
            not_before: tbsc.validity.not_before.timestamp(),
            not_after: tbsc.validity.not_after.timestamp(),
            key,
            is_ca,
            key_usage,
            tbs: tbs.raw.to_vec(),
            sig_alg: sig_alg.raw.to_vec(),
            signature: sig.to_vec(),
        })
    }

    /// Parses every certificate in a PEM or DER blob.
    pub fn parse_all(bytes: &[u8]) -> Result<Vec<Cert>, String> {
        let blocks = pem_blocks(bytes, "CERTIFICATE");
        if blocks.is_empty() {
            return Cert::from_der(bytes).map(|c| vec![c]);
        }
        blocks.iter().map(|d| Cert::from_der(d)).collect()
    }

    /// Whether the certificate was valid at `t` (Unix seconds).
    pub fn valid_at(&self, t: i64) -> bool {
        self.not_before <= t && t <= self.not_after
    }

    /// Whether keyUsage allows signing documents (absent extension = allowed).
    pub fn may_sign_documents(&self) -> bool {
        self.key_usage.is_none_or(|(ds, nr, _)| ds || nr)
    }

    /// Whether `issuer` signed this certificate.
    pub fn verify_signed_by(&self, issuer: &Cert) -> Result<(), String> {
        let scheme = SigScheme::resolve(&self.sig_alg, &issuer.key, None)?;
        algs::verify(scheme, &issuer.key, &self.tbs, &self.signature)
    }

    /// The common name (or the whole subject when there is none), for short messages.
    pub fn short_name(&self) -> &str {
        self.subject
            .split(", ")
            .find_map(|p| p.strip_prefix("CN="))
            .unwrap_or(&self.subject)
    }
}

fn name_string(n: &x509_parser::x509::X509Name<'_>) -> String {
    let mut parts = Vec::new();
    for rdn in n.iter() {
        for atv in rdn.iter() {
            let key = match atv.attr_type().to_id_string().as_str() {
                "2.5.4.3" => "CN".to_string(),
                "2.5.4.6" => "C".into(),
                "2.5.4.7" => "L".into(),
                "2.5.4.8" => "ST".into(),
                "2.5.4.10" => "O".into(),
                "2.5.4.11" => "OU".into(),
                "2.5.4.5" => "serialNumber".into(),
                "1.2.840.113549.1.9.1" => "emailAddress".into(),
                other => other.to_string(),
            };
            let raw = atv.attr_value().data;
            let val = match atv.attr_value().tag().0 {
                // BMPString: UTF-16BE
                30 => {
                    let u: Vec<u16> = raw
                        .chunks_exact(2)
                        .map(|c| u16::from_be_bytes([c[0], c[1]]))
                        .collect();
                    String::from_utf16_lossy(&u)
                }
                _ => String::from_utf8_lossy(raw).into_owned(),
            };
            parts.push(format!("{key}={val}"));
        }
    }
    parts.join(", ")
}

/// Decodes every PEM block with the given label (`CERTIFICATE`, `X509 CRL`, `PRIVATE KEY`…);
/// an empty label matches every block.
pub fn pem_blocks(bytes: &[u8], label: &str) -> Vec<Vec<u8>> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut cur: Option<(String, String)> = None;
    for line in text.lines() {
        let l = line.trim();
        if let Some(rest) = l.strip_prefix("-----BEGIN ") {
            cur = Some((rest.trim_end_matches('-').to_string(), String::new()));
        } else if l.starts_with("-----END ") {
            if let Some((lab, body)) = cur.take() {
                if label.is_empty() || lab == label {
                    if let Ok(d) = base64::engine::general_purpose::STANDARD.decode(body.as_bytes())
                    {
                        out.push(d);
                    }
                }
            }
        } else if let Some((_, body)) = cur.as_mut() {
            if !l.contains(':') {
                body.push_str(l);
            }
        }
    }
    out
}

/// The label of the first PEM block, if the bytes are PEM.
pub fn pem_first(bytes: &[u8]) -> Option<(String, Vec<u8>)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let start = text.find("-----BEGIN ")?;
    let label = text[start + 11..].split("-----").next()?.to_string();
    let d = pem_blocks(bytes, &label).into_iter().next()?;
    Some((label, d))
}

/// Encodes DER as PEM with a label.
pub fn to_pem(label: &str, der: &[u8]) -> String {
    let b = base64::engine::general_purpose::STANDARD.encode(der);
    let mut s = format!("-----BEGIN {label}-----\n");
    for chunk in b.as_bytes().chunks(64) {
        s.push_str(&String::from_utf8_lossy(chunk));
        s.push('\n');
    }
    s.push_str(&format!("-----END {label}-----\n"));
    s
}

/// Formats Unix seconds as RFC 3339 UTC.
pub fn fmt_time(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| t.to_string())
}
