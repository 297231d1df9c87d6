//! 1-15 电子发票真实性与重复报销检测 (guidang extension item): for each component identified as
//! an e-invoice (OFD or XML with invoice data; PDF only when the component is a 原始凭证 or the
//! record is an accounting record), the invoice cross-checks of [`crate::invoice::crosscheck`].
//! Duplicate booking is judged at capture time against the registry (rule `invoice.duplicate`).

use super::Ctx;
use crate::invoice::crosscheck;
use crate::invoice::{self, InvoiceLimits, Sniffed};
use crate::record::Role;
use crate::report::{Finding, Outcome};
use chrono::NaiveDate;

pub(super) fn run(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if !ctx.runs("1-15") {
        return;
    }
    let capture_date = capture_date(ctx.options.now.as_deref());
    let limits = InvoiceLimits {
        zip: ctx.options.zip_limits,
        xml: ctx.options.xml_limits,
        ..Default::default()
    };
    let accounting = ctx.record.schema_hint.as_deref() == Some("kuaiji");
    let mut any = false;
    for c in &ctx.record.components {
        let Ok(head) = c.source.head(1024) else {
            continue;
        };
        let kind = invoice::sniff(&head);
        let pdf_wanted = c.role == Role::OriginalVoucher || accounting;
        if !(matches!(kind, Sniffed::Zip | Sniffed::Xml) || (kind == Sniffed::Pdf && pdf_wanted)) {
            continue;
        }
        let inv = match invoice::extract_source(&c.source, &limits) {
            Ok(inv) if invoice::is_invoice(&inv) => inv,
            Ok(_) | Err(_) if c.role != Role::OriginalVoucher => continue,
            Ok(_) => {
                out.push(ctx.finding(
                    "1-15",
                    "invoice.not_readable",
                    Outcome::Manual,
                    &c.name,
                    "原始凭证中未读出发票数据，需人工核对",
                    "no invoice data could be read from this original voucher: a person must check it",
                ));
                any = true;
                continue;
            }
            Err(e) => {
                out.push(ctx.finding(
                    "1-15",
                    "invoice.not_readable",
                    Outcome::Manual,
                    &c.name,
                    format!("原始凭证无法按电子发票读取: {e}"),
                    format!("the original voucher cannot be read as an e-invoice: {e}"),
                ));
                any = true;
                continue;
            }
        };
        any = true;
        let seals = invoice::seal_evidence(&c.source, &inv, &limits);
        let key = inv.registry_key();
        for r in crosscheck::run(&inv, &seals, capture_date) {
            let mut f = ctx.finding(
                "1-15",
                r.rule,
                r.outcome,
                &c.name,
                r.message_zh,
                r.message_en,
            );
            f.evidence = r.evidence;
            if let Some(k) = &key {
                f = f.with("invoice", k.clone());
            }
            out.push(f);
        }
    }
    if !any {
        out.push(ctx.finding(
            "1-15",
            "invoice.none",
            Outcome::NotApplicable,
            &ctx.record.id,
            "该件不含电子发票",
            "the record contains no e-invoice",
        ));
    }
}

/// The capture date: `CheckOptions::now` (RFC 3339 date or date-time) or today (UTC+8, the
/// date printed on Chinese invoices).
fn capture_date(now: Option<&str>) -> NaiveDate {
    if let Some(d) = now.and_then(invoice::parse::date) {
        return d;
    }
    invoice::today_cn()
}
