//! The typed e-invoice (`Invoice`) with per-field provenance: how each value was found.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a field value was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FieldSource {
    /// `Doc_0/Attachs/original_invoice.xml` inside an OFD (legacy `eInvoice`, namespace
    /// `http://www.edrm.org.cn/schema/e-invoice/2019`).
    #[serde(rename = "ofd.original_invoice_xml")]
    OfdOriginalInvoiceXml,
    /// The visible page text an OFD CustomTag binds to the field (`Tags/CustomTag*.xml` → page
    /// `TextObject` → `TextCode`).
    #[serde(rename = "ofd.custom_tag")]
    OfdCustomTag,
    /// `OFD.xml` `DocInfo/CustomDatas/CustomData[@Name]` (e.g. `发票号码`).
    #[serde(rename = "ofd.custom_data")]
    OfdCustomData,
    /// A 数电票 `EInvoice` XML document.
    #[serde(rename = "xml.einvoice")]
    XmlEInvoice,
    /// An XBRL instance (财政部《电子凭证会计数据标准》) attached to an OFD, or given alone.
    #[serde(rename = "ofd.xbrl")]
    OfdXbrl,
    /// The text layer of a PDF, matched by a pattern (best effort).
    #[serde(rename = "pdf.text")]
    PdfText,
}

impl FieldSource {
    /// The stable id used in JSON (`ofd.original_invoice_xml` …).
    pub fn as_str(self) -> &'static str {
        match self {
            FieldSource::OfdOriginalInvoiceXml => "ofd.original_invoice_xml",
            FieldSource::OfdCustomTag => "ofd.custom_tag",
            FieldSource::OfdCustomData => "ofd.custom_data",
            FieldSource::XmlEInvoice => "xml.einvoice",
            FieldSource::OfdXbrl => "ofd.xbrl",
            FieldSource::PdfText => "pdf.text",
        }
    }
}

/// How one field was found: the source and a locator inside it (an element path, a page object
/// id, or the pattern used on PDF text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The kind of source.
    pub source: FieldSource,
    /// Element path (`fp:InvoiceNo`), CustomTag object reference (`page 1 object 70`), CustomData
    /// name, or the PDF text pattern used.
    pub locator: String,
}

/// The container the invoice came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceFormat {
    /// OFD (GB/T 33190) layout document.
    Ofd,
    /// 数电票 XML (`EInvoice`) or an XBRL instance.
    Xml,
    /// PDF layout document.
    Pdf,
}

/// The kind of invoice, as far as the data tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    /// 增值税电子普通发票 (legacy, with 发票代码 + 8-digit 号码).
    VatElectronicOrdinary,
    /// 增值税电子专用发票 (legacy).
    VatElectronicSpecial,
    /// 全面数字化的电子发票（普通发票） — 20-digit number, no code.
    DigitalOrdinary,
    /// 全面数字化的电子发票（增值税专用发票）.
    DigitalSpecial,
    /// Could not be told.
    Unknown,
}

impl InvoiceKind {
    /// Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            InvoiceKind::VatElectronicOrdinary => "增值税电子普通发票",
            InvoiceKind::VatElectronicSpecial => "增值税电子专用发票",
            InvoiceKind::DigitalOrdinary => "电子发票（普通发票）",
            InvoiceKind::DigitalSpecial => "电子发票（增值税专用发票）",
            InvoiceKind::Unknown => "未识别的发票种类",
        }
    }
}

/// A party (购买方 / 销售方).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// 名称
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// 纳税人识别号 / 统一社会信用代码
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id: Option<String>,
}

/// One line (货物或应税劳务、服务 / 项目).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineItem {
    /// 项目名称 (e.g. `*餐饮服务*餐费`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// 规格型号
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specification: Option<String>,
    /// 单位
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// 数量
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Decimal>,
    /// 单价
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<Decimal>,
    /// 金额 (without tax)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Decimal>,
    /// 税率 as a fraction (`0.06` for 6%); `None` for 免税 / 不征税 or when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_rate: Option<Decimal>,
    /// 税率 as written (`6%`, `0.060000`, `免税`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_rate_text: Option<String>,
    /// 税额
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax: Option<Decimal>,
}

/// Reference to the blue invoice a red-letter (红字) invoice reverses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OriginalRef {
    /// 原发票代码 (legacy invoices).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// 原发票号码 / 被红冲蓝字发票号码.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// 红字发票信息确认单编号, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation: Option<String>,
}

/// A visible page text bound to a field by an OFD CustomTag, kept for the
/// "structured value agrees with the page" cross-check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagBinding {
    /// Field id (`number`, `amount_with_tax` …).
    pub field: String,
    /// Text of the bound page objects, concatenated in reference order.
    pub visible: String,
    /// `page <PageRef> object <id>` for each reference.
    pub objects: Vec<String>,
}

/// An e-invoice as extracted from one file. Fields that could not be found are `None` and listed
/// in [`Invoice::missing`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    /// Container format.
    pub format: InvoiceFormat,
    /// Kind of invoice.
    pub kind: InvoiceKind,
    /// 发票号码 (8 digits for legacy invoices, 20 for 数电票).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// 发票代码 (legacy invoices only; 10 or 12 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// 开票日期.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<NaiveDate>,
    /// 购买方.
    pub buyer: Party,
    /// 销售方.
    pub seller: Party,
    /// 合计金额 (without tax).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_without_tax: Option<Decimal>,
    /// 合计税额.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax: Option<Decimal>,
    /// 价税合计.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_with_tax: Option<Decimal>,
    /// Lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<LineItem>,
    /// Issuing platform / authority when the data says (`国家税务总局广东省税务局`, `SWEI4400`, the
    /// title printed on the page …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_platform: Option<String>,
    /// 校验码 (legacy invoices), digits only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_code: Option<String>,
    /// 红字发票 (a reversal, negative amounts).
    pub red_letter: bool,
    /// The blue invoice a red-letter invoice reverses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<OriginalRef>,
    /// How each field was found (field id → provenance).
    pub provenance: BTreeMap<String, Provenance>,
    /// Key fields that could not be found (field ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// Visible page text bound to fields by CustomTags (OFD only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tag_bindings: Vec<TagBinding>,
    /// Values found in a second source that disagree with the one used (field, other source, value).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub source_conflicts: Vec<SourceConflict>,
    /// The program that produced the file (OFD `DocInfo/Creator`, PDF `/Producer`), when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<String>,
    /// Number of pages of a layout file (OFD, PDF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// Remarks on the extraction (quirks tolerated, sources absent …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A field whose value in a secondary source differs from the value kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceConflict {
    /// Field id.
    pub field: String,
    /// Value kept (from the field's provenance source).
    pub kept: String,
    /// The other source.
    pub other_source: FieldSource,
    /// Locator in the other source.
    pub other_locator: String,
    /// The other value.
    pub other: String,
}

/// The field ids of the key fields every invoice should have (for [`Invoice::missing`]).
pub const KEY_FIELDS: &[&str] = &[
    "number",
    "issue_date",
    "seller.name",
    "seller.tax_id",
    "buyer.name",
    "amount_without_tax",
    "tax",
    "amount_with_tax",
];

impl Invoice {
    /// An empty invoice of a format (every field unknown).
    pub fn empty(format: InvoiceFormat) -> Self {
        Invoice {
            format,
            kind: InvoiceKind::Unknown,
            number: None,
            code: None,
            issue_date: None,
            buyer: Party::default(),
            seller: Party::default(),
            amount_without_tax: None,
            tax: None,
            amount_with_tax: None,
            items: Vec::new(),
            issuer_platform: None,
            check_code: None,
            red_letter: false,
            original: None,
            provenance: BTreeMap::new(),
            missing: Vec::new(),
            tag_bindings: Vec::new(),
            source_conflicts: Vec::new(),
            creator: None,
            pages: None,
            notes: Vec::new(),
        }
    }

    /// Records how a field was found.
    pub fn found(&mut self, field: &str, source: FieldSource, locator: impl Into<String>) {
        self.provenance.insert(
            field.to_string(),
            Provenance {
                source,
                locator: locator.into(),
            },
        );
    }

    /// The current value of a field as text (for comparisons and messages).
    pub fn field_text(&self, field: &str) -> Option<String> {
        match field {
            "number" => self.number.clone(),
            "code" => self.code.clone(),
            "issue_date" => self.issue_date.map(|d| d.to_string()),
            "buyer.name" => self.buyer.name.clone(),
            "buyer.tax_id" => self.buyer.tax_id.clone(),
            "seller.name" => self.seller.name.clone(),
            "seller.tax_id" => self.seller.tax_id.clone(),
            "amount_without_tax" => self.amount_without_tax.map(|d| d.to_string()),
            "tax" => self.tax.map(|d| d.to_string()),
            "amount_with_tax" => self.amount_with_tax.map(|d| d.to_string()),
            "check_code" => self.check_code.clone(),
            _ => None,
        }
    }

    /// Whether this is a 数电票 (20-digit number, no code).
    pub fn is_digital(&self) -> bool {
        self.number
            .as_deref()
            .is_some_and(|n| n.len() == 20 && n.bytes().all(|b| b.is_ascii_digit()))
    }

    /// The duplicate-registry key: `einv:<20-digit number>` for 数电票, `vat:<code>:<number>` for
    /// legacy invoices; `None` when the number (or, for legacy invoices, the code) is unknown.
    pub fn registry_key(&self) -> Option<String> {
        let n = self.number.as_deref()?.trim();
        if self.is_digital() {
            return Some(format!("einv:{n}"));
        }
        let c = self.code.as_deref()?.trim();
        if c.is_empty() || n.is_empty() {
            return None;
        }
        Some(format!("vat:{c}:{n}"))
    }

    /// Recomputes [`Invoice::missing`] from [`KEY_FIELDS`] (plus `code` for legacy invoices).
    pub fn update_missing(&mut self) {
        let mut missing: Vec<String> = KEY_FIELDS
            .iter()
            .filter(|f| self.field_text(f).is_none())
            .map(|f| f.to_string())
            .collect();
        let legacy = !self.is_digital() && self.number.is_some();
        if legacy && self.code.is_none() {
            missing.push("code".into());
        }
        self.missing = missing;
    }

    /// Infers the kind from the number/code shape when no source said.
    pub fn infer_kind(&mut self) {
        if self.kind != InvoiceKind::Unknown {
            return;
        }
        if self.is_digital() {
            self.kind = InvoiceKind::DigitalOrdinary;
        } else if self.code.is_some() {
            self.kind = InvoiceKind::VatElectronicOrdinary;
        }
    }
}
