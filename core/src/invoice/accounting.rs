//! Accounting records (会计凭证) from invoices: the `kuaiji` metadata filled from an invoice
//! (会计年度, 发票代码/号码, 开票日期, 金额/税额/价税合计, 销方/购方, 保管期限 定期30年 per
//! 会计档案管理办法 令第79号), and a voucher record (记账凭证) whose components are the voucher and
//! its originals (invoice files, 报销单, bank receipts) as one 件.

use super::model::{Invoice, InvoiceFormat, InvoiceKind};
use super::registry::{CaptureRef, Claim, InvoiceRegistry};
use super::{extract_source, InvoiceLimits};
use crate::checks::Checker;
use crate::record::{Component, Declared, MetaNode, Record, RecordBuilder, Role, Source};
use crate::report::{Outcome, Report, Verdict};
use crate::{Error, Result};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Schema id of accounting records.
pub const KUAIJI_SCHEMA: &str = "kuaiji";
/// Default 保管期限 of 会计凭证 (会计档案管理办法 附表: 原始凭证、记账凭证 30 年).
pub const DEFAULT_RETENTION: &str = "定期30年";

/// Metadata element paths written from an invoice (element names of the `kuaiji` schema,
/// `schemas/kuaiji.toml`, which extends the DA/T 46 core).
pub mod paths {
    /// 聚合层次 (M1).
    pub const AGGREGATION: &str = "聚合层次";
    /// 立档单位名称 (M6): the unit booking the invoice (the buyer) unless the voucher says.
    pub const FONDS_UNIT: &str = "来源/立档单位名称";
    /// 电子文件号 (M7).
    pub const RECORD_ID: &str = "电子文件号";
    /// 年度 (M11), from the issue date unless the voucher says.
    pub const YEAR: &str = "档号/年度";
    /// 保管期限 (M12).
    pub const RETENTION: &str = "档号/保管期限";
    /// 题名 (M22).
    pub const TITLE: &str = "内容描述/题名";
    /// 责任者 (M32): the seller, who issued the invoice.
    pub const AUTHOR: &str = "内容描述/责任者";
    /// 日期 (M33), YYYY-MM-DD.
    pub const DATE: &str = "内容描述/日期";
    /// 密级 (M38): `内部` unless the voucher says.
    pub const CLASSIFICATION: &str = "内容描述/密级";
    /// 文件组合类型 (M41): 单件 / 组合文件.
    pub const AGGREGATION_TYPE: &str = "形式特征/文件组合类型";
    /// 页数 (M43), for a single layout file.
    pub const PAGES: &str = "形式特征/页数";
    /// 当前位置 (M66): where the files are now.
    pub const LOCATION: &str = "存储位置/当前位置";
    /// 会计年度 (K1).
    pub const FISCAL_YEAR: &str = "会计年度";
    /// 会计资料类别 (K3).
    pub const CATEGORY: &str = "会计资料类别";
    /// 会计资料形式 (K4).
    pub const FORM: &str = "会计资料形式";
    /// 凭证类型 (K5).
    pub const VOUCHER_TYPE: &str = "凭证类型";
    /// 发票类型 (K11).
    pub const INVOICE_KIND: &str = "发票信息/发票类型";
    /// 发票代码 (K12).
    pub const INVOICE_CODE: &str = "发票信息/发票代码";
    /// 发票号码 (K13).
    pub const INVOICE_NUMBER: &str = "发票信息/发票号码";
    /// 开票日期 (K14), YYYY-MM-DD.
    pub const ISSUE_DATE: &str = "发票信息/开票日期";
    /// 销方名称 (K15).
    pub const SELLER_NAME: &str = "发票信息/销方名称";
    /// 销方纳税人识别号 (K16).
    pub const SELLER_TAX_ID: &str = "发票信息/销方纳税人识别号";
    /// 购方名称 (K17).
    pub const BUYER_NAME: &str = "发票信息/购方名称";
    /// 购方纳税人识别号 (K18).
    pub const BUYER_TAX_ID: &str = "发票信息/购方纳税人识别号";
    /// 金额 (K19), without tax.
    pub const AMOUNT: &str = "发票信息/金额";
    /// 税额 (K20).
    pub const TAX: &str = "发票信息/税额";
    /// 价税合计 (K21).
    pub const TOTAL: &str = "发票信息/价税合计";
    /// 校验码 (K22).
    pub const CHECK_CODE: &str = "发票信息/校验码";
}

/// A component from a file with its electronic attributes (计算机文件名, 大小, 格式信息,
/// 文档创建程序) declared from the file itself, as a business system would register them.
fn component(
    role: Role,
    path: &Path,
    title: Option<String>,
    creator: Option<String>,
) -> Result<Component> {
    let mut c = Component::from_path(role, path);
    c.title = title;
    let size = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    c.declared = Declared {
        file_name: Some(c.name.clone()),
        size: Some(size.to_string()),
        format: Some(crate::formats::identify(&c.source).family),
        creating_application: creator,
        ..Declared::default()
    };
    Ok(c)
}

fn set_default(md: &mut MetaNode, path: &str, value: Option<String>) {
    if let Some(v) = value {
        if md.text_at(path).is_none() {
            md.set(path, v);
        }
    }
}

/// The `kuaiji` metadata of an accounting record built from an invoice. Values given in
/// `voucher_metadata` (a JSON object of Chinese element names, as in a record manifest: e.g.
/// `{"档号": {"全宗号": "Z109", "机构或问题": "财务科", "室编件号": "45"}, "凭证号": "记-45"}`) win;
/// the invoice fills the rest. The classification (全宗号, 机构, 件号) and 凭证号 come from the
/// business system: guidang does not invent them.
pub fn kuaiji_metadata(inv: &Invoice, voucher_metadata: &Value) -> MetaNode {
    let mut md = MetaNode::from_json("文件实体", voucher_metadata)
        .into_iter()
        .next()
        .filter(|n| n.name == "文件实体")
        .unwrap_or_else(|| MetaNode::container("文件实体"));
    let year = inv.issue_date.map(|d| d.format("%Y").to_string());
    let day = inv.issue_date.map(|d| d.to_string());
    set_default(&mut md, paths::AGGREGATION, Some("文件".into()));
    set_default(&mut md, paths::FONDS_UNIT, inv.buyer.name.clone());
    set_default(&mut md, paths::YEAR, year.clone());
    set_default(&mut md, paths::RETENTION, Some(DEFAULT_RETENTION.into()));
    let title = match (&inv.number, &inv.seller.name) {
        (Some(n), Some(s)) => Some(format!("{} {n}（{s}）", inv.kind.zh())),
        (Some(n), None) => Some(format!("{} {n}", inv.kind.zh())),
        _ => None,
    };
    set_default(&mut md, paths::TITLE, title);
    set_default(&mut md, paths::AUTHOR, inv.seller.name.clone());
    set_default(&mut md, paths::DATE, day.clone());
    set_default(&mut md, paths::CLASSIFICATION, Some("内部".into()));
    set_default(&mut md, paths::AGGREGATION_TYPE, Some("单件".into()));
    set_default(&mut md, paths::FISCAL_YEAR, year);
    set_default(&mut md, paths::CATEGORY, Some("会计凭证".into()));
    set_default(&mut md, paths::FORM, Some("电子".into()));
    set_default(&mut md, paths::VOUCHER_TYPE, Some("原始凭证".into()));
    let kind = (inv.kind != InvoiceKind::Unknown).then(|| inv.kind.zh().to_string());
    set_default(&mut md, paths::INVOICE_KIND, kind);
    set_default(&mut md, paths::INVOICE_CODE, inv.code.clone());
    set_default(&mut md, paths::INVOICE_NUMBER, inv.number.clone());
    set_default(&mut md, paths::ISSUE_DATE, day);
    set_default(&mut md, paths::SELLER_NAME, inv.seller.name.clone());
    set_default(&mut md, paths::SELLER_TAX_ID, inv.seller.tax_id.clone());
    set_default(&mut md, paths::BUYER_NAME, inv.buyer.name.clone());
    set_default(&mut md, paths::BUYER_TAX_ID, inv.buyer.tax_id.clone());
    set_default(
        &mut md,
        paths::AMOUNT,
        inv.amount_without_tax.map(|d| d.to_string()),
    );
    set_default(&mut md, paths::TAX, inv.tax.map(|d| d.to_string()));
    set_default(
        &mut md,
        paths::TOTAL,
        inv.amount_with_tax.map(|d| d.to_string()),
    );
    set_default(&mut md, paths::CHECK_CODE, inv.check_code.clone());
    md
}

/// Another file of the same 件: the 记账凭证 itself, a 报销单, a bank receipt (银行回单) …
#[derive(Debug, Clone, PartialEq)]
pub struct ExtraComponent {
    /// Role: [`Role::AccountingVoucher`] for the voucher, [`Role::OriginalVoucher`] for originals,
    /// or another role (e.g. `Role::Other("报销单")`).
    pub role: Role,
    /// The file.
    pub path: PathBuf,
    /// 题名 of the component, if any.
    pub title: Option<String>,
    /// 文档创建程序 (the system that produced the file), if known.
    pub creating_application: Option<String>,
}

impl ExtraComponent {
    /// A component from a file.
    pub fn new(role: Role, path: impl Into<PathBuf>) -> Self {
        ExtraComponent {
            role,
            path: path.into(),
            title: None,
            creating_application: None,
        }
    }

    /// Sets the 文档创建程序 (builder style).
    pub fn created_by(mut self, application: impl Into<String>) -> Self {
        self.creating_application = Some(application.into());
        self
    }
}

/// Builds the voucher record (one 件) of an invoice: the 记账凭证 (if given among `extra`) first,
/// then the invoice file as 原始凭证, then the other originals; metadata from
/// [`kuaiji_metadata`]. The record id is `电子文件号` from the voucher metadata, else
/// `FP-<registry key>`.
pub fn voucher_record(
    invoice_file: &Path,
    voucher_metadata: &Value,
    extra: &[ExtraComponent],
) -> Result<(Record, Invoice)> {
    let inv = extract_source(
        &Source::Path(invoice_file.to_path_buf()),
        &InvoiceLimits::default(),
    )?;
    if !super::is_invoice(&inv) {
        return Err(Error::invalid(
            invoice_file,
            "no invoice data found (no invoice number, no amounts with a seller)",
        ));
    }
    for e in extra {
        if !e.path.is_file() {
            return Err(Error::invalid(&e.path, "component file does not exist"));
        }
    }
    let mut md = kuaiji_metadata(&inv, voucher_metadata);
    // `文档创建程序` at the top level describes the invoice file, not the record.
    md.children.retain(|c| c.name != "文档创建程序");
    let has_voucher = extra.iter().any(|e| e.role == Role::AccountingVoucher);
    if has_voucher && voucher_metadata.pointer("/凭证类型").is_none() {
        md.set(paths::VOUCHER_TYPE, "记账凭证");
    }
    if !extra.is_empty() && voucher_metadata.pointer("/形式特征/文件组合类型").is_none() {
        md.set(paths::AGGREGATION_TYPE, "组合文件");
    }
    if extra.is_empty() {
        set_default(&mut md, paths::PAGES, inv.pages.map(|p| p.to_string()));
    }
    let here = invoice_file
        .canonicalize()
        .ok()
        .and_then(|p| p.parent().map(|d| d.display().to_string()));
    set_default(&mut md, paths::LOCATION, here);
    let id = md
        .text_at(paths::RECORD_ID)
        .map(str::to_string)
        .or_else(|| {
            inv.registry_key()
                .map(|k| format!("FP-{}", k.replace(':', "-")))
        })
        .ok_or_else(|| {
            Error::invalid(
                invoice_file,
                "no record id: give 电子文件号 in the voucher metadata",
            )
        })?;
    set_default(&mut md, paths::RECORD_ID, Some(id.clone()));
    let mut b = RecordBuilder::new(id).schema(KUAIJI_SCHEMA).metadata(md);
    for e in extra.iter().filter(|e| e.role == Role::AccountingVoucher) {
        b = b.component(component(
            e.role.clone(),
            &e.path,
            e.title.clone(),
            e.creating_application.clone(),
        )?);
    }
    let title = Some(match &inv.number {
        Some(n) => format!("发票 {n}"),
        None => "发票".into(),
    });
    let creator = voucher_metadata
        .pointer("/文档创建程序")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| inv.creator.clone())
        .or_else(|| {
            // A 数电票 XML is issued only by the tax authority's e-invoice service platform.
            (inv.format == InvoiceFormat::Xml && inv.is_digital())
                .then(|| "电子发票服务平台".to_string())
        });
    b = b.component(component(
        Role::OriginalVoucher,
        invoice_file,
        title,
        creator,
    )?);
    for e in extra.iter().filter(|e| e.role != Role::AccountingVoucher) {
        b = b.component(component(
            e.role.clone(),
            &e.path,
            e.title.clone(),
            e.creating_application.clone(),
        )?);
    }
    Ok((b.build(), inv))
}

/// The outcome of [`check_and_register`].
#[derive(Debug, Clone)]
pub struct Registered {
    /// The voucher record.
    pub record: Record,
    /// The invoice.
    pub invoice: Invoice,
    /// The check report (including the 1-15 invoice findings and the duplicate finding).
    pub report: Report,
    /// The registry key now held by this record.
    pub key: String,
}

/// Checks a voucher record built from an invoice and, when no blocking check fails, registers the
/// invoice against duplicates. A blocking failure is [`Error::Refused`] (nothing registered); an
/// invoice captured before is [`Error::Duplicate`] naming the earlier capture. The caller writes
/// the record to the outbox and calls [`InvoiceRegistry::release`] if that fails. (The one-call
/// `capture_invoice` on top of the Capturer builds on this.)
pub fn check_and_register(
    invoice_file: &Path,
    voucher_metadata: &Value,
    extra: &[ExtraComponent],
    checker: &Checker,
    registry: &InvoiceRegistry,
) -> Result<Registered> {
    let (record, invoice) = voucher_record(invoice_file, voucher_metadata, extra)?;
    let mut report = checker.check(&record)?;
    if report.verdict == Verdict::Fail {
        return Err(refused(report));
    }
    let file = invoice_file.display().to_string();
    let claim = registry.claim(
        &invoice,
        &CaptureRef {
            record_id: &record.id,
            file: &file,
            sm3: None,
        },
    )?;
    let f = super::registry::claim_finding(checker.scheme().stage, &file, &claim);
    report.findings.push(f);
    match claim {
        Claim::Registered { key } => Ok(Registered {
            record,
            invoice,
            report,
            key,
        }),
        Claim::Duplicate(e) => Err(Error::Duplicate {
            what: format!("发票 invoice {}", e.key),
            earlier: format!(
                "record {}, file {}, captured {}",
                e.record_id, e.file, e.captured_at
            ),
        }),
    }
}

fn refused(report: Report) -> Error {
    let codes: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.blocking && f.outcome == Outcome::Fail)
        .map(|f| f.code.clone())
        .collect();
    Error::Refused {
        id: report.id.clone(),
        codes: codes.join(", "),
        report: Box::new(report),
    }
}
