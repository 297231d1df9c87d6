//! 真实性 / authenticity: verifies the fixity a record carries — OFD electronic seals and
//! signatures (SES v4 GB/T 38540, SES v1 GM/T 0031, GB/T 35275 SignedData, bare Type=Sign
//! signatures), PDF signatures (CMS with RSA, ECDSA, SM2), certificates and trust, and reports
//! the 数电票 XML tax-bureau signature. Also holds the signing keys the packaging layer uses.
//!
//! Entry points: [`verify_source`] (any component), [`verify_ofd`], [`verify_pdf`], with a
//! [`Trust`] built by [`Trust::from_options`]. Every signature yields a [`SignatureReport`]
//! listing each check and its [`Status`]; "valid but no configured anchor" is
//! [`Status::Indeterminate`], never a pass.

pub mod algs;
pub mod asn1;
pub mod certs;
pub mod cms;
pub mod einvoice;
pub mod keys;
pub mod ofd;
pub mod pdf;
pub mod ses;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod trust;

pub use certs::Cert;
pub use keys::{SignatureAlg, Signed, SigningKey};
pub use trust::{ChainStatus, Revocation, Trust};

use crate::container::ZipLimits;
use crate::record::Source;
use crate::xml::XmlLimits;
use crate::Result;
use serde::Serialize;

/// Status of one check (and, worst-of, of a signature).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Verified.
    Ok,
    /// Needs a person (e.g. revocation cannot be checked offline). Does not lower the verdict.
    Manual,
    /// Verified, with something the archivist should know (e.g. a legitimate Signatures.xml rewrite).
    Warn,
    /// Cannot be decided with what is configured (no trust anchor, no signer certificate, …).
    Indeterminate,
    /// Failed: digest, signature or validity.
    Fail,
}

impl Status {
    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Manual => "manual",
            Status::Warn => "warn",
            Status::Indeterminate => "indeterminate",
            Status::Fail => "fail",
        }
    }
}

/// One check inside a signature verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SigCheck {
    /// Stable rule id, e.g. `ofd.reference_digest`, `ses.seal_signature`, `pdf.coverage`.
    pub rule: String,
    /// Outcome.
    pub status: Status,
    /// Where (a file inside the OFD, a byte range, a certificate subject), if it helps.
    pub location: Option<String>,
    /// 中文说明.
    pub message_zh: String,
    /// English explanation.
    pub message_en: String,
}

/// The kind of a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureKind {
    /// OFD electronic seal, SES v4 (GB/T 38540-2020).
    OfdSealV4,
    /// OFD electronic seal, SES v1 (GM/T 0031-2014).
    OfdSealV1,
    /// OFD signature as GB/T 35275 SM2 SignedData (or RFC 5652 CMS).
    OfdCms,
    /// OFD Type=Sign bare signature value (verified with a caller certificate).
    OfdBare,
    /// OFD signature whose value guidang cannot recognise.
    OfdUnknown,
    /// PDF signature (CMS, adbe.pkcs7.* / ETSI.CAdES.detached).
    PdfCms,
    /// PDF document timestamp (ETSI.RFC3161).
    PdfTimestamp,
    /// 数电票 XML TaxBureauSignature.
    EInvoiceXml,
}

impl SignatureKind {
    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureKind::OfdSealV4 => "ofd_seal_v4",
            SignatureKind::OfdSealV1 => "ofd_seal_v1",
            SignatureKind::OfdCms => "ofd_cms",
            SignatureKind::OfdBare => "ofd_bare",
            SignatureKind::OfdUnknown => "ofd_unknown",
            SignatureKind::PdfCms => "pdf_cms",
            SignatureKind::PdfTimestamp => "pdf_timestamp",
            SignatureKind::EInvoiceXml => "einvoice_xml",
        }
    }
    /// 中文名称.
    pub fn zh(self) -> &'static str {
        match self {
            SignatureKind::OfdSealV4 => "OFD 电子签章（GB/T 38540）",
            SignatureKind::OfdSealV1 => "OFD 电子签章（GM/T 0031）",
            SignatureKind::OfdCms => "OFD 电子签名（GB/T 35275）",
            SignatureKind::OfdBare => "OFD 电子签名（裸签名值）",
            SignatureKind::OfdUnknown => "OFD 签名（格式未识别）",
            SignatureKind::PdfCms => "PDF 电子签名",
            SignatureKind::PdfTimestamp => "PDF 文档时间戳",
            SignatureKind::EInvoiceXml => "数电票税务机关签名",
        }
    }
}

/// Everything verified about one signature or seal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureReport {
    /// Kind.
    pub kind: SignatureKind,
    /// Where it is: `Doc_0/Signs/Sign_0/Signature.xml`, `PDF signature #1 (Signature1)`.
    pub location: String,
    /// Identifier inside the document (OFD Signature ID, PDF field name).
    pub id: Option<String>,
    /// Signature algorithm, readable.
    pub algorithm: Option<String>,
    /// Signer certificate subject.
    pub signer: Option<String>,
    /// Seal maker (制章人) certificate subject, for seals.
    pub seal_maker: Option<String>,
    /// Seal name (印章名称), for seals.
    pub seal_name: Option<String>,
    /// Signing time (RFC 3339), as the signature states it.
    pub signing_time: Option<String>,
    /// Timestamp time (RFC 3339), when a timestamp token is present.
    pub timestamp: Option<String>,
    /// Every check, in order.
    pub checks: Vec<SigCheck>,
}

impl SignatureReport {
    fn new(kind: SignatureKind, location: impl Into<String>) -> Self {
        SignatureReport {
            kind,
            location: location.into(),
            id: None,
            algorithm: None,
            signer: None,
            seal_maker: None,
            seal_name: None,
            signing_time: None,
            timestamp: None,
            checks: Vec::new(),
        }
    }

    /// Adds a check.
    pub fn check(
        &mut self,
        rule: &str,
        status: Status,
        location: Option<String>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) {
        self.checks.push(SigCheck {
            rule: rule.to_string(),
            status,
            location,
            message_zh: zh.into(),
            message_en: en.into(),
        });
    }

    /// Worst status over the checks (manual checks do not count); `Ok` when there are none.
    pub fn status(&self) -> Status {
        self.checks
            .iter()
            .map(|c| c.status)
            .filter(|s| *s != Status::Manual)
            .max()
            .unwrap_or(Status::Ok)
    }

    /// The checks with a given status.
    pub fn with_status(&self, s: Status) -> impl Iterator<Item = &SigCheck> {
        self.checks.iter().filter(move |c| c.status == s)
    }
}

/// Which document format was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocFormat {
    /// OFD.
    Ofd,
    /// PDF.
    Pdf,
    /// 数电票 XML.
    EInvoiceXml,
    /// Anything else: no embedded signatures are looked for.
    Other,
}

/// The result of verifying one component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// Format examined.
    pub format: DocFormat,
    /// One report per signature or seal found.
    pub signatures: Vec<SignatureReport>,
    /// Document-level observations (seal picture without a signature, unsigned fields…).
    pub notes: Vec<SigCheck>,
}

impl Verification {
    fn empty(format: DocFormat) -> Self {
        Verification {
            format,
            signatures: Vec::new(),
            notes: Vec::new(),
        }
    }
    /// Worst status over signatures and notes; `None` when nothing was found.
    pub fn status(&self) -> Option<Status> {
        self.signatures
            .iter()
            .map(|s| s.status())
            .chain(self.notes.iter().map(|n| n.status))
            .filter(|s| *s != Status::Manual)
            .max()
    }
}

/// Limits used while verifying.
#[derive(Debug, Clone, Default)]
pub struct Limits {
    /// Zip limits for OFD containers.
    pub zip: ZipLimits,
    /// XML limits.
    pub xml: XmlLimits,
    /// Largest PDF or XML read into memory (default 512 MiB).
    pub max_in_memory: Option<u64>,
}

impl Limits {
    fn in_memory(&self) -> u64 {
        self.max_in_memory.unwrap_or(512 << 20)
    }
}

/// Verifies whatever signatures a component carries: OFD, PDF or 数电票 XML, chosen by content.
/// Other formats give [`DocFormat::Other`] with no signatures. Errors mean the component could
/// not be read as the format it claims to be (a broken zip, an unreadable file).
pub fn verify_source(src: &Source, trust: &Trust) -> Result<Verification> {
    verify_source_with(src, trust, &Limits::default())
}

/// [`verify_source`] with explicit limits.
pub fn verify_source_with(src: &Source, trust: &Trust, limits: &Limits) -> Result<Verification> {
    let head = src.head(4096)?;
    let body = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head);
    if head.starts_with(b"PK\x03\x04") {
        verify_ofd(src, trust, limits)
    } else if head.windows(5).any(|w| w == b"%PDF-") {
        verify_pdf(src, trust, limits)
    } else if body.trim_ascii_start().starts_with(b"<") && einvoice::looks_like_einvoice(body) {
        einvoice::verify_einvoice_xml(src, limits)
    } else {
        Ok(Verification::empty(DocFormat::Other))
    }
}

pub use ofd::verify_ofd;
pub use pdf::verify_pdf;

/// Adds the certificate checks shared by every kind: validity at the signing time, key usage,
/// path to an anchor, revocation from caller CRLs. `role_zh`/`role_en` name the certificate.
pub(crate) fn check_cert(
    rep: &mut SignatureReport,
    trust: &Trust,
    cert: &Cert,
    extra: &[Cert],
    at: i64,
    role: (&str, &str),
    rule_prefix: &str,
) {
    let (zh, en) = role;
    let loc = Some(cert.subject.clone());
    if cert.valid_at(at) {
        rep.check(
            &format!("{rule_prefix}.validity"),
            Status::Ok,
            loc.clone(),
            format!("{zh}证书在签署时间处于有效期内"),
            format!("the {en} certificate was valid at the signing time"),
        );
    } else {
        rep.check(
            &format!("{rule_prefix}.validity"),
            Status::Fail,
            loc.clone(),
            format!(
                "{zh}证书在签署时间 {} 不在有效期内（{} 至 {}）",
                certs::fmt_time(at),
                certs::fmt_time(cert.not_before),
                certs::fmt_time(cert.not_after)
            ),
            format!(
                "the {en} certificate was not valid at the signing time {} (valid {} to {})",
                certs::fmt_time(at),
                certs::fmt_time(cert.not_before),
                certs::fmt_time(cert.not_after)
            ),
        );
    }
    if !cert.may_sign_documents() {
        rep.check(
            &format!("{rule_prefix}.key_usage"),
            Status::Fail,
            loc.clone(),
            format!("{zh}证书的密钥用法不允许签名"),
            format!("the {en} certificate's key usage does not allow signing"),
        );
    }
    match trust.chain(cert, extra, at) {
        ChainStatus::Trusted(path) => rep.check(
            &format!("{rule_prefix}.chain"),
            Status::Ok,
            loc.clone(),
            format!("{zh}证书链接到已配置的信任锚：{}", path.join(" → ")),
            format!("the {en} certificate chains to a configured anchor: {}", path.join(" → ")),
        ),
        ChainStatus::NoAnchor(why) => rep.check(
            &format!("{rule_prefix}.chain"),
            Status::Indeterminate,
            loc.clone(),
            format!("{zh}证书无法链接到已配置的信任锚，信任状态不确定（{why}）"),
            format!("the {en} certificate does not chain to a configured anchor, trust is indeterminate ({why})"),
        ),
        ChainStatus::Invalid(why) => rep.check(
            &format!("{rule_prefix}.chain"),
            Status::Fail,
            loc.clone(),
            format!("{zh}证书链无效：{why}"),
            format!("the {en} certificate path is invalid: {why}"),
        ),
    }
    match trust.revocation(cert, extra, at) {
        Revocation::Good(by) => rep.check(
            &format!("{rule_prefix}.revocation"),
            Status::Ok,
            loc,
            format!("{zh}证书未被吊销（依据 {by} 的证书吊销列表）"),
            format!("the {en} certificate is not revoked (CRL from {by})"),
        ),
        Revocation::Revoked(when) => rep.check(
            &format!("{rule_prefix}.revocation"),
            Status::Fail,
            loc,
            format!("{zh}证书已于 {} 被吊销", certs::fmt_time(when)),
            format!("the {en} certificate was revoked on {}", certs::fmt_time(when)),
        ),
        Revocation::Unknown => rep.check(
            &format!("{rule_prefix}.revocation"),
            Status::Manual,
            loc,
            format!("{zh}证书吊销状态无法离线检查，需人工核实（可提供 CRL）"),
            format!("the {en} certificate's revocation status cannot be checked offline; a person must check it (or supply a CRL)"),
        ),
    }
}

/// Current time, Unix seconds.
pub(crate) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
