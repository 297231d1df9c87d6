//! `guidang invoice FILE...`: extracts each e-invoice (OFD, 数电票 XML / XBRL, PDF text layer) and
//! prints its fields with their provenance and the cross-checks (item 1-15); with `--registry`,
//! also whether the invoice was captured before (read only: nothing is registered).

use crate::common::{cannot_run, LangArg, EXIT_ERROR, EXIT_FAILED, EXIT_OK};
use clap::{Args as ClapArgs, ValueEnum};
use guidang::invoice::registry::InvoiceRegistry;
use guidang::invoice::{self, Examined, InvoiceLimits};
use guidang::record::Source;
use guidang::report::Outcome;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

/// Output format of `guidang invoice`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InvoiceFormat {
    /// Human-readable text.
    Text,
    /// One JSON object per file (JSON Lines): `{file, invoice, seals, checks, earlier?}`.
    Json,
}

/// Arguments of `guidang invoice`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Invoice files: OFD, 数电票 XML (or XBRL), PDF.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = InvoiceFormat::Text)]
    pub format: InvoiceFormat,
    /// Language of text output.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    pub lang: LangArg,
    /// Capture date the invoice date is compared with (YYYY-MM-DD). Default: today (UTC+8).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Invoice registry (SQLite) to look the invoices up in, read only.
    #[arg(long, value_name = "FILE")]
    pub registry: Option<PathBuf>,
}

/// Runs the command; returns the exit status (0 no check failed, 1 a check failed, 2 a file could
/// not be read as an invoice or the arguments are wrong).
pub fn run(args: &Args) -> i32 {
    let date = match &args.date {
        Some(d) => match invoice::parse::date(d) {
            Some(d) => d,
            None => return cannot_run(format!("--date `{d}` is not a date (YYYY-MM-DD)")),
        },
        None => invoice::today_cn(),
    };
    let registry = match &args.registry {
        Some(p) if !p.is_file() => {
            return cannot_run(format!("registry {} does not exist", p.display()))
        }
        Some(p) => match InvoiceRegistry::open(p) {
            Ok(r) => Some(r),
            Err(e) => return cannot_run(e),
        },
        None => None,
    };
    let limits = InvoiceLimits::default();
    let mut status = EXIT_OK;
    for f in &args.files {
        if !f.is_file() {
            eprintln!("guidang: {} is not a file", f.display());
            status = EXIT_ERROR;
            continue;
        }
        let ex = match invoice::examine(&Source::Path(f.clone()), &limits, date) {
            Ok(ex) => ex,
            Err(e) => {
                eprintln!("guidang: {e}");
                status = EXIT_ERROR;
                continue;
            }
        };
        if !invoice::is_invoice(&ex.invoice) {
            eprintln!(
                "guidang: {}: no e-invoice data found (no invoice number, no amounts with a seller)",
                f.display()
            );
            status = EXIT_ERROR;
            continue;
        }
        let earlier = match &registry {
            Some(r) => match r.lookup(&ex.invoice) {
                Ok(e) => e,
                Err(e) => return cannot_run(e),
            },
            None => None,
        };
        let failed = ex.checks.iter().any(|c| c.outcome == Outcome::Fail) || earlier.is_some();
        if failed && status == EXIT_OK {
            status = EXIT_FAILED;
        }
        let mut out = std::io::stdout().lock();
        let _ = match args.format {
            InvoiceFormat::Json => {
                let mut v = json!({
                    "file": f.display().to_string(),
                    "invoice": ex.invoice,
                    "seals": ex.seals,
                    "checks": ex.checks,
                });
                if let Some(e) = &earlier {
                    v["earlier"] = json!(e);
                }
                writeln!(out, "{v}")
            }
            InvoiceFormat::Text => writeln!(
                out,
                "{}",
                render(f, &ex, earlier.as_ref(), args.lang == LangArg::Zh)
            ),
        };
    }
    status
}

fn outcome_label(o: Outcome, zh: bool) -> &'static str {
    if zh {
        o.zh()
    } else {
        o.as_str()
    }
}

/// Text rendering of one examined invoice.
fn render(
    file: &std::path::Path,
    ex: &Examined,
    earlier: Option<&invoice::EarlierCapture>,
    zh: bool,
) -> String {
    let inv = &ex.invoice;
    let mut s = String::new();
    let none = if zh { "（未读出）" } else { "(not found)" };
    let line =
        |s: &mut String, label_zh: &str, label_en: &str, field: &str, value: Option<String>| {
            let label = if zh { label_zh } else { label_en };
            let how = inv
                .provenance
                .get(field)
                .map(|p| format!("  [{} {}]", p.source.as_str(), p.locator))
                .unwrap_or_default();
            s.push_str(&format!(
                "  {label}: {}{how}\n",
                value.unwrap_or_else(|| none.to_string())
            ));
        };
    s.push_str(&format!("{}\n", file.display()));
    let kind = if zh {
        inv.kind.zh().to_string()
    } else {
        format!("{:?}", inv.kind)
    };
    s.push_str(&format!(
        "  {}: {kind}{}\n",
        if zh { "种类" } else { "kind" },
        if inv.red_letter {
            if zh {
                "（红字）"
            } else {
                " (red-letter)"
            }
        } else {
            ""
        }
    ));
    line(&mut s, "发票代码", "code", "code", inv.code.clone());
    line(&mut s, "发票号码", "number", "number", inv.number.clone());
    line(
        &mut s,
        "开票日期",
        "issue date",
        "issue_date",
        inv.issue_date.map(|d| d.to_string()),
    );
    line(
        &mut s,
        "销售方",
        "seller",
        "seller.name",
        inv.seller.name.clone(),
    );
    line(
        &mut s,
        "销售方税号",
        "seller tax id",
        "seller.tax_id",
        inv.seller.tax_id.clone(),
    );
    line(
        &mut s,
        "购买方",
        "buyer",
        "buyer.name",
        inv.buyer.name.clone(),
    );
    line(
        &mut s,
        "购买方税号",
        "buyer tax id",
        "buyer.tax_id",
        inv.buyer.tax_id.clone(),
    );
    line(
        &mut s,
        "金额",
        "amount",
        "amount_without_tax",
        inv.amount_without_tax.map(|d| d.to_string()),
    );
    line(&mut s, "税额", "tax", "tax", inv.tax.map(|d| d.to_string()));
    line(
        &mut s,
        "价税合计",
        "total",
        "amount_with_tax",
        inv.amount_with_tax.map(|d| d.to_string()),
    );
    line(
        &mut s,
        "校验码",
        "check code",
        "check_code",
        inv.check_code.clone(),
    );
    line(
        &mut s,
        "开票平台",
        "issuer",
        "issuer_platform",
        inv.issuer_platform.clone(),
    );
    s.push_str(&format!(
        "  {}: {}\n",
        if zh { "明细行数" } else { "line items" },
        inv.items.len()
    ));
    if let Some(o) = &inv.original {
        s.push_str(&format!(
            "  {}: {} {}\n",
            if zh { "原蓝字发票" } else { "reverses" },
            o.code.clone().unwrap_or_default(),
            o.number.clone().unwrap_or_default()
        ));
    }
    s.push_str(if zh { "  检测:\n" } else { "  checks:\n" });
    for c in &ex.checks {
        s.push_str(&format!(
            "    [{}] {} — {}\n",
            outcome_label(c.outcome, zh),
            c.rule,
            if zh { &c.message_zh } else { &c.message_en }
        ));
    }
    if let Some(e) = earlier {
        s.push_str(&if zh {
            format!(
                "    [不通过] invoice.duplicate — 已于 {} 随件 {} 归档（文件 {}）\n",
                e.captured_at, e.record_id, e.file
            )
        } else {
            format!(
                "    [fail] invoice.duplicate — captured on {} with record {} (file {})\n",
                e.captured_at, e.record_id, e.file
            )
        });
    }
    for n in &inv.notes {
        s.push_str(&format!("  {}: {n}\n", if zh { "说明" } else { "note" }));
    }
    s
}
