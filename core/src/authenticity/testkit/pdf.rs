//! Signed PDF fixtures: a one-page PDF with a signature field, a detached CMS over the ByteRange
//! (RSA PKCS#1 v1.5, RSA-PSS, ECDSA P-256 or SM2/SM3), and tampered variants (changed page
//! content, an incremental update appended after signing, a corrupted signature value).

use super::{cms_sign, CmsLayout, Identity};
use crate::{Error, Result};

/// What to break after signing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdfTamper {
    /// Nothing.
    None,
    /// Change one byte of the page content stream (inside the signed range).
    ChangePage,
    /// Append an incremental update that replaces the page content.
    Append,
    /// Flip a byte of the signature value.
    BadSignature,
}

/// A PDF to build.
#[derive(Debug)]
pub struct PdfSpec<'a> {
    /// Who signs.
    pub signer: &'a Identity,
    /// An issuer certificate to carry in the CMS, if any.
    pub ca: Option<&'a Identity>,
    /// RSA-PSS instead of PKCS#1 v1.5 (RSA keys only).
    pub pss: bool,
    /// Tampering.
    pub tamper: PdfTamper,
    /// Signing time.
    pub time: i64,
}

const CONTENTS_BYTES: usize = 8192;
const RANGE_PLACEHOLDER: &str = "[0 0000000000 0000000000 0000000000]";

/// Builds the signed PDF.
pub fn build(spec: &PdfSpec<'_>) -> Result<Vec<u8>> {
    let stream = b"BT /F1 18 Tf 20 100 Td (guidang signed test page) Tj ET";
    let m = chrono::DateTime::from_timestamp(spec.time, 0)
        .unwrap_or_default()
        .format("D:%Y%m%d%H%M%SZ")
        .to_string();
    let objs: Vec<String> = vec![
        "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R] /SigFlags 3 >> >>".into(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".into(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 7 0 R >> >> /Annots [5 0 R] >>".into(),
        format!("<< /Length {} >>\nstream\n{}\nendstream", stream.len(), String::from_utf8_lossy(stream)),
        "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /F 132 /Rect [0 0 0 0] /P 3 0 R /V 6 0 R >>".into(),
        format!(
            "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /Name (guidang testkit) /M ({m}) /ByteRange {RANGE_PLACEHOLDER} /Contents <{}> >>",
            "0".repeat(CONTENTS_BYTES * 2)
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into(),
    ];
    let mut pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for off in &offsets {
        pdf.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    // Fill the ByteRange, hash, sign, fill /Contents.
    let find = |hay: &[u8], n: &[u8]| hay.windows(n.len()).position(|w| w == n);
    let rp = find(&pdf, RANGE_PLACEHOLDER.as_bytes())
        .ok_or_else(|| Error::Crypto("no ByteRange placeholder".into()))?;
    let cp = find(&pdf, b"/Contents <0")
        .ok_or_else(|| Error::Crypto("no Contents placeholder".into()))?
        + 10;
    let gap_end = cp + CONTENTS_BYTES * 2 + 2;
    let range = format!("[0 {cp:010} {gap_end:010} {:010}]", pdf.len() - gap_end);
    pdf[rp..rp + range.len()].copy_from_slice(range.as_bytes());
    let h = spec.signer.key.scheme().hash();
    let mut hasher = crate::authenticity::algs::Hasher::new(h);
    hasher.update(&pdf[..cp]);
    hasher.update(&pdf[gap_end..]);
    let digest = hasher.finish();
    let extra: Vec<&crate::authenticity::Cert> = spec.ca.map(|c| &c.cert).into_iter().collect();
    let pss_signer;
    let signer = if spec.pss {
        pss_signer = Identity {
            key: crate::authenticity::SigningKey::from_bytes(
                super::rsa_keys::RSA_SIGNER_KEY.trim().as_bytes(),
            )
            .map_err(Error::Crypto)?
            .with_pss(),
            cert: spec.signer.cert.clone(),
            name: spec.signer.name.clone(),
        };
        &pss_signer
    } else {
        spec.signer
    };
    let mut cms = cms_sign(
        signer,
        &extra,
        &digest,
        spec.time,
        CmsLayout {
            gbt35275: false,
            unsorted_attrs: false,
            sig_alg_oid: None,
        },
    )?;
    if spec.tamper == PdfTamper::BadSignature {
        // The signature value is the last OCTET STRING: flip its last byte.
        if let Some(last) = cms.last_mut() {
            *last ^= 0x01;
        }
    }
    if cms.len() > CONTENTS_BYTES {
        return Err(Error::Crypto(
            "the CMS does not fit the reserved /Contents".into(),
        ));
    }
    let hexed = hex::encode_upper(&cms);
    pdf[cp + 1..cp + 1 + hexed.len()].copy_from_slice(hexed.as_bytes());
    match spec.tamper {
        PdfTamper::ChangePage => {
            if let Some(p) = find(&pdf, b"guidang signed test page") {
                pdf[p] = b'G';
            }
        }
        PdfTamper::Append => {
            let prev = xref;
            let new_stream = b"BT /F1 18 Tf 20 100 Td (changed after signing) Tj ET";
            let off = pdf.len();
            pdf.extend_from_slice(
                format!(
                    "4 0 obj\n<< /Length {} >>\nstream\n{}\nendstream\nendobj\n",
                    new_stream.len(),
                    String::from_utf8_lossy(new_stream)
                )
                .as_bytes(),
            );
            let x2 = pdf.len();
            pdf.extend_from_slice(
                format!("xref\n4 1\n{off:010} 00000 n \ntrailer\n<< /Size 8 /Root 1 0 R /Prev {prev} >>\nstartxref\n{x2}\n%%EOF\n").as_bytes(),
            );
        }
        _ => {}
    }
    Ok(pdf)
}
