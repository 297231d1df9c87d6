//! E-invoices (电子发票) for accounting single-track archiving: typed extraction from OFD, 数电票
//! XML and PDF with per-field provenance ([`extract`]), cross-checks ([`crosscheck`]), the
//! duplicate-booking registry ([`registry`]) and accounting records ([`accounting`]).

pub mod accounting;
mod assemble;
pub mod capture;
pub mod credit_code;
pub mod crosscheck;
mod einvoice;
mod legacy;
pub mod model;
mod ofd;
pub mod parse;
mod pdf;
pub mod registry;
pub mod seal;
mod xbrl;

pub use accounting::{check_and_register, kuaiji_metadata, voucher_record, ExtraComponent};
pub use capture::{capture_invoice, rebuild_from_outbox, InvoiceCapturer, InvoiceReceipt};
pub use model::{
    FieldSource, Invoice, InvoiceFormat, InvoiceKind, LineItem, OriginalRef, Party, Provenance,
    SourceConflict, TagBinding,
};
pub use registry::{Claim, EarlierCapture, InvoiceRegistry};

use crate::container::{ZipContainer, ZipLimits};
use crate::record::Source;
use crate::xml::{self, XmlLimits};
use crate::{Error, Result};
use std::path::Path;

/// Limits for reading one invoice file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvoiceLimits {
    /// Zip limits for OFD packages.
    pub zip: ZipLimits,
    /// XML limits for every XML part.
    pub xml: XmlLimits,
    /// Largest XML or PDF file read into memory (default 64 MiB). OFDs are read entry by entry.
    pub max_file_bytes: u64,
}

impl Default for InvoiceLimits {
    fn default() -> Self {
        InvoiceLimits {
            zip: ZipLimits::default(),
            xml: XmlLimits::default(),
            max_file_bytes: 64 << 20,
        }
    }
}

/// What kind of file a source is, by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// A zip (OFD candidates).
    Zip,
    /// A PDF.
    Pdf,
    /// XML text.
    Xml,
    /// Anything else.
    Other,
}

/// Sniffs the container kind from the first bytes.
pub fn sniff(head: &[u8]) -> Sniffed {
    if head.starts_with(b"PK\x03\x04") {
        Sniffed::Zip
    } else if head.windows(5).take(1024).any(|w| w == b"%PDF-") {
        Sniffed::Pdf
    } else {
        let h = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
        let first = h.iter().find(|b| !b.is_ascii_whitespace());
        if first == Some(&b'<') || h.starts_with(&[0xFF, 0xFE]) || h.starts_with(&[0xFE, 0xFF]) {
            Sniffed::Xml
        } else {
            Sniffed::Other
        }
    }
}

/// Extracts the invoice in a file (OFD, 数电票 XML / XBRL, or PDF) with default limits.
pub fn extract(path: &Path) -> Result<Invoice> {
    extract_source(&Source::Path(path.to_path_buf()), &InvoiceLimits::default())
}

/// Extracts the invoice in a component source. Fails with [`Error::InvalidInput`] when the file is
/// not an OFD, XML or PDF, or its structure cannot be read; a readable file without invoice data
/// gives an invoice whose `missing` lists every key field.
pub fn extract_source(source: &Source, limits: &InvoiceLimits) -> Result<Invoice> {
    let path = source.display_path();
    let head = source.head(1024)?;
    match sniff(&head) {
        Sniffed::Zip => {
            let mut zip = ZipContainer::new(source.open()?, &path, limits.zip)?;
            ofd::extract(&mut zip, &limits.xml)
        }
        Sniffed::Pdf => {
            let bytes = source.read_all(limits.max_file_bytes)?;
            pdf::extract(&bytes, &path)
        }
        Sniffed::Xml => {
            let bytes = source.read_all(limits.max_file_bytes)?;
            let doc = xml::parse(&bytes, &path, &limits.xml)?;
            from_xml_root(&doc.root, &path)
        }
        Sniffed::Other => Err(Error::invalid(
            &path,
            "not an e-invoice file: expected OFD, PDF or XML",
        )),
    }
}

/// Reads an invoice from an already parsed XML root (`EInvoice`, `eInvoice` or XBRL).
pub fn from_xml_root(root: &xml::Element, path: &Path) -> Result<Invoice> {
    let part = if einvoice::is_einvoice_root(root) {
        einvoice::read(root, "", FieldSource::XmlEInvoice)
    } else if legacy::is_legacy_root(root) {
        legacy::read(root, &path.display().to_string())
    } else if xbrl::is_xbrl_root(root) {
        xbrl::read(root, &path.display().to_string())
    } else {
        return Err(Error::invalid(
            path,
            format!(
                "XML root <{}> is not an e-invoice (expected EInvoice, eInvoice or xbrl)",
                root.name
            ),
        ));
    };
    Ok(assemble::assemble(InvoiceFormat::Xml, vec![part]))
}

/// Reads invoice fields from text laid out like a printed invoice (what [`extract`] does with a
/// PDF's text layer); useful for OCR output too. Every field is marked `pdf.text`.
pub fn from_invoice_text(text: &str) -> Invoice {
    pdf::from_text(text)
}

/// An invoice and its cross-checks.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Examined {
    /// The extracted invoice.
    pub invoice: Invoice,
    /// Who sealed it (OFD only; empty otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub seals: Vec<seal::SealInfo>,
    /// Cross-check results.
    pub checks: Vec<crosscheck::CheckResult>,
}

/// What guidang knows about who sealed an invoice file (OFD: read from the seals; XML and PDF:
/// not readable here, with the reason).
pub fn seal_evidence(
    source: &Source,
    inv: &Invoice,
    limits: &InvoiceLimits,
) -> crosscheck::SealEvidence {
    use crosscheck::SealEvidence;
    match inv.format {
        InvoiceFormat::Ofd => {
            let path = source.display_path();
            let read = source
                .open()
                .and_then(|r| ZipContainer::new(r, &path, limits.zip))
                .and_then(|mut z| seal::read_seals(&mut z, &limits.xml));
            match read {
                Ok(list) => SealEvidence::Read(list),
                Err(e) => SealEvidence::Unreadable(e.to_string()),
            }
        }
        InvoiceFormat::Xml => SealEvidence::NotReadable(
            "数电票 XML 的税务机关签名（TaxBureauSignature）需 XML 签名验证，guidang 尚不支持 / the tax bureau's XML signature (TaxBureauSignature) needs XML-DSig verification, not yet supported".into(),
        ),
        InvoiceFormat::Pdf => {
            // PDF signatures: signer subjects as the authenticity module reads them (their
            // validity is judged by 1-1, not here).
            let trust = crate::authenticity::trust::Trust::none();
            match crate::authenticity::verify_source_with(source, &trust, &Default::default()) {
                Ok(v) => SealEvidence::Read(
                    v.signatures
                        .iter()
                        .map(|s| seal::SealInfo {
                            signature: s.location.clone(),
                            kind: "Sign".into(),
                            format: s.kind.as_str().into(),
                            signer_subject: s.signer.clone(),
                            maker_subject: s.seal_maker.clone(),
                            seal_name: s.seal_name.clone(),
                            problem: None,
                        })
                        .collect(),
                ),
                Err(e) => SealEvidence::Unreadable(e.to_string()),
            }
        }
    }
}

/// Extracts the invoice in a source and runs every cross-check against `capture_date`.
pub fn examine(
    source: &Source,
    limits: &InvoiceLimits,
    capture_date: chrono::NaiveDate,
) -> Result<Examined> {
    let invoice = extract_source(source, limits)?;
    let evidence = seal_evidence(source, &invoice, limits);
    let checks = crosscheck::run(&invoice, &evidence, capture_date);
    let seals = match evidence {
        crosscheck::SealEvidence::Read(list) => list,
        _ => Vec::new(),
    };
    Ok(Examined {
        invoice,
        seals,
        checks,
    })
}

/// Today's date in China (UTC+8), the calendar invoices are dated in.
pub fn today_cn() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// Whether an extraction found an invoice at all (a number, or the three amounts).
pub fn is_invoice(inv: &Invoice) -> bool {
    inv.number.is_some()
        || (inv.amount_with_tax.is_some() && (inv.seller.tax_id.is_some() || inv.code.is_some()))
}
