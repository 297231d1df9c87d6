//! 数电票 XML `TaxBureauSignature`: parsed and reported. The exact bytes the tax bureau signs
//! are not public, so the verification outcome is always *indeterminate* — never a pass — until
//! it can be done right.

use super::{DocFormat, Limits, SignatureKind, SignatureReport, Status, Verification};
use crate::record::Source;
use crate::xml;
use crate::Result;

/// Whether the start of a document looks like a 数电票 / e-invoice XML (root `EInvoice`).
pub fn looks_like_einvoice(head: &[u8]) -> bool {
    let s = String::from_utf8_lossy(head);
    s.contains("<EInvoice") || s.contains(":EInvoice")
}

/// Parses a 数电票 XML and reports its TaxBureauSignature (indeterminate).
pub fn verify_einvoice_xml(src: &Source, limits: &Limits) -> Result<Verification> {
    let bytes = src.read_all(limits.xml.max_bytes as u64)?;
    let doc = xml::parse(&bytes, &src.display_path(), &limits.xml)?;
    let mut out = Verification {
        format: DocFormat::EInvoiceXml,
        signatures: Vec::new(),
        notes: Vec::new(),
    };
    let Some(sig) = doc.root.find("TaxBureauSignature") else {
        return Ok(out);
    };
    let mut rep = SignatureReport::new(SignatureKind::EInvoiceXml, "EInvoice/TaxBureauSignature");
    let text = |name: &str| {
        sig.find(name)
            .map(|e| e.trimmed().to_string())
            .filter(|s| !s.is_empty())
    };
    rep.algorithm = text("SignatureAlgorithm");
    rep.signing_time = text("SignatureTime");
    rep.id = sig
        .find("Reference")
        .and_then(|r| r.attr("URI"))
        .map(str::to_string);
    rep.signer = doc
        .root
        .find("TaxBureauName")
        .map(|e| e.trimmed().to_string());
    let value = text("SignatureValue");
    let present: Vec<&str> = [
        "Reference",
        "SignatureAlgorithm",
        "SignatureFormat",
        "SignatureTime",
        "SignatureValue",
        "KeyInfo",
    ]
    .into_iter()
    .filter(|n| sig.find(n).is_some())
    .collect();
    rep.check(
        "einvoice.tax_bureau_signature",
        Status::Indeterminate,
        None,
        format!(
            "数电票含税务机关签名（{}；签名值 {}），但其签名原文的构成尚无公开规范，无法验证：结果不确定，需通过税务机关查验平台核实",
            present.join("、"),
            if value.is_some() { "存在" } else { "为空" }
        ),
        format!(
            "the invoice carries a tax-bureau signature ({}; signature value {}), but which bytes it signs is not publicly specified, so it cannot be verified: indeterminate, check it with the tax bureau's verification service",
            present.join(", "),
            if value.is_some() { "present" } else { "empty" }
        ),
    );
    out.signatures.push(rep);
    Ok(out)
}
