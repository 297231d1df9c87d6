//! Cross-checks of one extracted invoice (DA/T 70 extension item 1-15 电子发票真实性与重复报销检测):
//! amounts add up, line items add up, structured data agrees with the visible page text and with
//! the other sources in the file, 统一社会信用代码 check digits, the seal's signer is a tax
//! authority, and the invoice date is not after the capture date. Results are neutral
//! ([`CheckResult`]); the check provider turns them into findings.

use super::credit_code::{self, CreditCodeCheck};
use super::model::{FieldSource, Invoice, InvoiceFormat};
use super::parse;
use super::seal::SealInfo;
use crate::report::Outcome;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// One cross-check result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckResult {
    /// Stable rule id (`invoice.amounts_add_up` …).
    pub rule: &'static str,
    /// Outcome.
    pub outcome: Outcome,
    /// Chinese message.
    pub message_zh: String,
    /// English message.
    pub message_en: String,
    /// Evidence.
    pub evidence: Map<String, Value>,
}

impl CheckResult {
    fn new(
        rule: &'static str,
        outcome: Outcome,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        CheckResult {
            rule,
            outcome,
            message_zh: zh.into(),
            message_en: en.into(),
            evidence: Map::new(),
        }
    }
    fn with(mut self, k: &str, v: impl Into<Value>) -> Self {
        self.evidence.insert(k.into(), v.into());
        self
    }
}

/// What is known about the seals of the file.
#[derive(Debug, Clone, PartialEq)]
pub enum SealEvidence {
    /// Seals or signatures read from the file (OFD seals, PDF signatures; possibly none).
    Read(Vec<SealInfo>),
    /// The seal could not be read (reason).
    Unreadable(String),
    /// The format carries its signature in a way guidang cannot read here (reason).
    NotReadable(String),
}

/// Runs every cross-check.
pub fn run(inv: &Invoice, seals: &SealEvidence, capture_date: NaiveDate) -> Vec<CheckResult> {
    let mut out = vec![fields_found(inv), amounts_add_up(inv), items_add_up(inv)];
    out.push(visible_text(inv));
    if let Some(r) = sources_agree(inv) {
        out.push(r);
    }
    out.push(credit_code_of(inv, true));
    out.push(credit_code_of(inv, false));
    out.push(tax_authority_seal(seals));
    out.push(date_not_after(inv, capture_date));
    out
}

fn dec(d: Decimal) -> String {
    d.to_string()
}

/// Key fields found.
pub fn fields_found(inv: &Invoice) -> CheckResult {
    if inv.missing.is_empty() {
        CheckResult::new(
            "invoice.fields_found",
            Outcome::Pass,
            "发票关键字段均已读出",
            "every key invoice field was read",
        )
    } else {
        CheckResult::new(
            "invoice.fields_found",
            Outcome::Warn,
            format!("未能读出发票字段: {}，需人工核对", inv.missing.join("、")),
            format!(
                "these invoice fields could not be read: {}; a person must check them",
                inv.missing.join(", ")
            ),
        )
        .with("missing", inv.missing.clone())
    }
}

/// 合计金额 + 合计税额 = 价税合计.
pub fn amounts_add_up(inv: &Invoice) -> CheckResult {
    match (inv.amount_without_tax, inv.tax, inv.amount_with_tax) {
        (Some(a), Some(t), Some(total)) => {
            let sum = a + t;
            let ev = |r: CheckResult| {
                r.with("amount_without_tax", dec(a))
                    .with("tax", dec(t))
                    .with("amount_with_tax", dec(total))
                    .with("sum", dec(sum))
            };
            if parse::cents(sum) == parse::cents(total) {
                ev(CheckResult::new(
                    "invoice.amounts_add_up",
                    Outcome::Pass,
                    format!("金额 {a} + 税额 {t} = 价税合计 {total}"),
                    format!("amount {a} + tax {t} = total {total}"),
                ))
            } else {
                ev(CheckResult::new(
                    "invoice.amounts_add_up",
                    Outcome::Fail,
                    format!("金额 {a} + 税额 {t} = {sum}，与价税合计 {total} 不符"),
                    format!("amount {a} + tax {t} = {sum}, but the total is {total}"),
                ))
            }
        }
        _ => CheckResult::new(
            "invoice.amounts_add_up",
            Outcome::Manual,
            "未读出全部金额（金额、税额、价税合计），需人工核对",
            "not all three amounts (without tax, tax, total) were read: a person must check",
        ),
    }
}

/// Line items add up to the totals.
pub fn items_add_up(inv: &Invoice) -> CheckResult {
    if inv.items.is_empty() {
        return CheckResult::new(
            "invoice.items_add_up",
            Outcome::NotApplicable,
            "未读出明细行",
            "no line items were read",
        );
    }
    let n = inv.items.len();
    let amounts: Option<Vec<Decimal>> = inv.items.iter().map(|i| i.amount).collect();
    let Some(amounts) = amounts else {
        return CheckResult::new(
            "invoice.items_add_up",
            Outcome::Manual,
            "部分明细行未读出金额，需人工核对",
            "some line items have no readable amount: a person must check",
        );
    };
    let sum_a: Decimal = amounts.iter().copied().sum();
    let sum_t: Option<Decimal> = inv.items.iter().map(|i| i.tax).sum();
    let mut problems_zh = Vec::new();
    let mut problems_en = Vec::new();
    let mut rounding = false;
    let tolerance = Decimal::new(n as i64, 2); // one cent per line
    let mut compare = |label_zh: &str, label_en: &str, sum: Decimal, total: Option<Decimal>| {
        let Some(total) = total else { return };
        let d = (parse::cents(sum) - parse::cents(total)).abs();
        if d.is_zero() {
            return;
        }
        if d <= tolerance {
            rounding = true;
        } else {
            problems_zh.push(format!(
                "明细{label_zh}之和 {} ≠ 合计{label_zh} {total}",
                parse::cents(sum)
            ));
            problems_en.push(format!(
                "line {label_en} add up to {} but the total {label_en} is {total}",
                parse::cents(sum)
            ));
        }
    };
    compare("金额", "amounts", sum_a, inv.amount_without_tax);
    if let Some(st) = sum_t {
        compare("税额", "taxes", st, inv.tax);
    }
    let r = if !problems_zh.is_empty() {
        CheckResult::new(
            "invoice.items_add_up",
            Outcome::Fail,
            problems_zh.join("；"),
            problems_en.join("; "),
        )
    } else if rounding {
        CheckResult::new(
            "invoice.items_add_up",
            Outcome::Warn,
            format!("{n} 行明细之和与合计相差不超过每行一分（逐行舍入）"),
            format!("the {n} lines differ from the totals by at most one cent per line (per-line rounding)"),
        )
    } else {
        CheckResult::new(
            "invoice.items_add_up",
            Outcome::Pass,
            format!("{n} 行明细金额、税额之和与合计一致"),
            format!("the {n} line items add up to the totals"),
        )
    };
    let mut r = r
        .with("lines", n)
        .with("sum_amounts", dec(parse::cents(sum_a)));
    if let Some(st) = sum_t {
        r = r.with("sum_taxes", dec(parse::cents(st)));
    }
    r
}

fn item_field(inv: &Invoice, field: &str) -> Option<String> {
    let rest = field.strip_prefix("items[")?;
    let (idx, f) = rest.split_once("].")?;
    let i: usize = idx.parse().ok()?;
    let it = inv.items.get(i.checked_sub(1)?)?;
    match f {
        "name" => it.name.clone(),
        "specification" => it.specification.clone(),
        "unit" => it.unit.clone(),
        "quantity" => it.quantity.map(|d| d.to_string()),
        "unit_price" => it.unit_price.map(|d| d.to_string()),
        "amount" => it.amount.map(|d| d.to_string()),
        "tax_rate" => it.tax_rate_text.clone(),
        "tax" => it.tax.map(|d| d.to_string()),
        _ => None,
    }
}

fn same(field: &str, structured: &str, visible: &str) -> bool {
    let leaf = field.rsplit('.').next().unwrap_or(field);
    match leaf {
        "amount_without_tax" | "tax" | "amount_with_tax" | "amount" | "quantity" | "unit_price" => {
            match (parse::amount(structured), parse::amount(visible)) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            }
        }
        "issue_date" => {
            parse::date(structured).is_some() && parse::date(structured) == parse::date(visible)
        }
        "tax_rate" => parse::tax_rate(structured) == parse::tax_rate(visible),
        _ => parse::squeeze(structured) == parse::squeeze(visible),
    }
}

/// The structured values agree with the page text CustomTags bind them to.
pub fn visible_text(inv: &Invoice) -> CheckResult {
    if inv.tag_bindings.is_empty() {
        let (zh, en) = if inv.format == InvoiceFormat::Ofd {
            (
                "该 OFD 没有将字段绑定到页面文字的 CustomTags",
                "the OFD has no CustomTags binding fields to page text",
            )
        } else {
            ("非 OFD 文件，无 CustomTags", "not an OFD: no CustomTags")
        };
        return CheckResult::new("invoice.visible_text", Outcome::NotApplicable, zh, en);
    }
    let items_structured = inv
        .provenance
        .get("items")
        .is_some_and(|p| p.source != FieldSource::OfdCustomTag);
    let mut compared = 0usize;
    let mut mismatches = Vec::new();
    for b in &inv.tag_bindings {
        let structured = if b.field.starts_with("items[") {
            if !items_structured {
                continue;
            }
            item_field(inv, &b.field)
        } else {
            match inv.provenance.get(&b.field) {
                Some(p) if p.source != FieldSource::OfdCustomTag => inv.field_text(&b.field),
                _ => None,
            }
        };
        let Some(s) = structured else { continue };
        compared += 1;
        if !same(&b.field, &s, &b.visible) {
            mismatches.push(json!({
                "field": b.field, "structured": s, "visible": b.visible, "objects": b.objects,
            }));
        }
    }
    if compared == 0 {
        return CheckResult::new(
            "invoice.visible_text",
            Outcome::NotApplicable,
            "页面文字是唯一来源，没有可与之比对的结构化数据",
            "the page text is the only source: there is no structured data to compare it with",
        )
        .with("bindings", inv.tag_bindings.len());
    }
    if mismatches.is_empty() {
        CheckResult::new(
            "invoice.visible_text",
            Outcome::Pass,
            format!("{compared} 个结构化字段与页面显示文字一致"),
            format!("{compared} structured fields agree with the visible page text"),
        )
        .with("compared", compared)
    } else {
        let fields: Vec<String> = mismatches
            .iter()
            .filter_map(|m| m["field"].as_str().map(str::to_string))
            .collect();
        CheckResult::new(
            "invoice.visible_text",
            Outcome::Fail,
            format!("结构化数据与页面显示文字不一致: {}", fields.join("、")),
            format!(
                "structured data differs from the visible page text: {}",
                fields.join(", ")
            ),
        )
        .with("compared", compared)
        .with("mismatches", Value::Array(mismatches))
    }
}

/// Other sources in the same file (OFD.xml CustomDatas, the QR payload) agree with the data kept.
pub fn sources_agree(inv: &Invoice) -> Option<CheckResult> {
    if inv.source_conflicts.is_empty() {
        return None;
    }
    let list: Vec<Value> = inv
        .source_conflicts
        .iter()
        .map(|c| json!({"field": c.field, "kept": c.kept, "other_source": c.other_source.as_str(), "other_locator": c.other_locator, "other": c.other}))
        .collect();
    let fields: Vec<&str> = inv
        .source_conflicts
        .iter()
        .map(|c| c.field.as_str())
        .collect();
    Some(
        CheckResult::new(
            "invoice.sources_agree",
            Outcome::Fail,
            format!("同一文件内不同来源的发票数据不一致: {}", fields.join("、")),
            format!(
                "invoice data differs between sources in the same file: {}",
                fields.join(", ")
            ),
        )
        .with("conflicts", Value::Array(list)),
    )
}

/// 统一社会信用代码 check digit of the seller (`seller = true`) or buyer.
pub fn credit_code_of(inv: &Invoice, seller: bool) -> CheckResult {
    let (rule, party, zh_party) = if seller {
        ("invoice.seller_credit_code", &inv.seller, "销售方")
    } else {
        ("invoice.buyer_credit_code", &inv.buyer, "购买方")
    };
    let en_party = if seller { "seller" } else { "buyer" };
    let Some(id) = party.tax_id.as_deref() else {
        return CheckResult::new(
            rule,
            if seller {
                Outcome::Manual
            } else {
                Outcome::NotApplicable
            },
            format!("未读出{zh_party}纳税人识别号"),
            format!("no {en_party} tax id was read"),
        );
    };
    let r = match credit_code::check(id) {
        CreditCodeCheck::Valid => CheckResult::new(
            rule,
            Outcome::Pass,
            format!("{zh_party}统一社会信用代码 {id} 校验位正确（GB 32100-2015）"),
            format!("{en_party} credit code {id} has a correct check character (GB 32100-2015)"),
        ),
        CreditCodeCheck::Invalid(why) => CheckResult::new(
            rule,
            // A warning, not a failure: the tax authority's seal (verified by 1-1) is what vouches
            // for the invoice content, and real test invoices carry codes with a wrong check
            // character (the corpus's sign__v4signed.ofd). A person confirms the code on the
            // national invoice verification platform (全国增值税发票查验平台).
            Outcome::Warn,
            format!("{zh_party}统一社会信用代码 {id} 校验不通过: {why}；请在发票查验平台核实"),
            format!("{en_party} credit code {id} fails its check: {why}; confirm it on the invoice verification platform"),
        ),
        CreditCodeCheck::LegacyTaxId => CheckResult::new(
            rule,
            Outcome::NotApplicable,
            format!("{zh_party}纳税人识别号 {id} 为 15/20 位旧式识别号，无校验位"),
            format!("{en_party} tax id {id} is a legacy 15/20-character id without a check character"),
        ),
        CreditCodeCheck::BadLength(n) => CheckResult::new(
            rule,
            Outcome::Warn,
            format!("{zh_party}纳税人识别号 {id} 长度为 {n}，既非 18 位统一社会信用代码也非 15/20 位旧号"),
            format!("{en_party} tax id {id} has {n} characters: neither an 18-character credit code nor a 15/20-character legacy id"),
        ),
    };
    r.with("tax_id", id)
}

/// The seal's signer is a tax authority.
pub fn tax_authority_seal(seals: &SealEvidence) -> CheckResult {
    const RULE: &str = "invoice.tax_authority_seal";
    match seals {
        SealEvidence::NotReadable(why) => CheckResult::new(
            RULE,
            Outcome::Manual,
            format!("无法在此读取签名者: {why}"),
            format!("the signer cannot be read here: {why}"),
        ),
        SealEvidence::Unreadable(why) => CheckResult::new(
            RULE,
            Outcome::Manual,
            format!("签章无法读取，需人工核对签章者: {why}"),
            format!("the seal could not be read; a person must check who sealed it: {why}"),
        ),
        SealEvidence::Read(list) if list.is_empty() => CheckResult::new(
            RULE,
            Outcome::Fail,
            "发票没有电子签章或电子签名（图片印章不是电子签章）",
            "the invoice carries no electronic seal or signature (a picture of a seal is not a seal)",
        ),
        SealEvidence::Read(list) => {
            let ev: Vec<Value> = list
                .iter()
                .map(|s| serde_json::to_value(s).unwrap_or(Value::Null))
                .collect();
            let tax: Vec<&SealInfo> = list.iter().filter(|s| s.names_tax_authority()).collect();
            if let Some(s) = tax.first() {
                let who = s
                    .signer_subject
                    .clone()
                    .or_else(|| s.seal_name.clone())
                    .unwrap_or_default();
                CheckResult::new(
                    RULE,
                    Outcome::Pass,
                    format!("签章者为税务机关: {who}（签名是否有效由真实性检测判断）"),
                    format!("the seal names a tax authority: {who} (whether the signature is valid is judged by the authenticity checks)"),
                )
                .with("seals", Value::Array(ev))
            } else if list
                .iter()
                .all(|s| s.signer_subject.is_none() && s.seal_name.is_none())
            {
                CheckResult::new(
                    RULE,
                    Outcome::Manual,
                    "未能从签章中读出签章者，需人工核对",
                    "no signer could be read from the seals: a person must check",
                )
                .with("seals", Value::Array(ev))
            } else {
                CheckResult::new(
                    RULE,
                    Outcome::Fail,
                    "签章者不是税务机关（证书主题与印章名称均未指向税务局）",
                    "the seal is not a tax authority's (neither certificate subject nor seal name names a tax bureau)",
                )
                .with("seals", Value::Array(ev))
            }
        }
    }
}

/// The invoice date is not after the capture date.
pub fn date_not_after(inv: &Invoice, capture_date: NaiveDate) -> CheckResult {
    const RULE: &str = "invoice.date_not_after_capture";
    match inv.issue_date {
        None => CheckResult::new(
            RULE,
            Outcome::Manual,
            "未读出开票日期",
            "no issue date was read",
        ),
        Some(d) if d > capture_date => CheckResult::new(
            RULE,
            Outcome::Fail,
            format!("开票日期 {d} 晚于归档日期 {capture_date}"),
            format!("issue date {d} is after the capture date {capture_date}"),
        )
        .with("issue_date", d.to_string())
        .with("capture_date", capture_date.to_string()),
        Some(d) => CheckResult::new(
            RULE,
            Outcome::Pass,
            format!("开票日期 {d} 不晚于归档日期 {capture_date}"),
            format!("issue date {d} is not after the capture date {capture_date}"),
        )
        .with("issue_date", d.to_string())
        .with("capture_date", capture_date.to_string()),
    }
}
