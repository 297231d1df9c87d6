//! Accounting records from invoices: kuaiji metadata, the voucher record (记账凭证 + 原始凭证 as
//! one 件), and check-and-register refusing the second capture of one invoice.

use guidang::invoice::accounting::{self, check_and_register, paths, ExtraComponent};
use guidang::invoice::{voucher_record, InvoiceRegistry};
use guidang::record::Role;
use guidang::{CheckOptions, Checker, Error, Scheme, Stage};
use serde_json::json;
use std::path::{Path, PathBuf};

fn corpus(name: &str) -> PathBuf {
    let p = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/ofd"
    ))
    .join(name);
    assert!(p.is_file(), "corpus file missing: {}", p.display());
    p
}

fn fixture(name: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/invoices")).join(name)
}

/// Voucher metadata a business system gives: record id, 档号 and its parts, 文档创建程序.
fn voucher(id: &str, year: u32, n: u32) -> serde_json::Value {
    json!({
        "电子文件号": id,
        "档号": {
            "#text": format!("Z109-KU·{year}·D30·CWK-{n:04}"),
            "全宗号": "Z109",
            "机构或问题": "财务科",
            "室编件号": n.to_string(),
        },
        "文档创建程序": "电子发票服务平台",
    })
}

#[test]
fn kuaiji_metadata_from_invoice() {
    let (rec, inv) = voucher_record(&corpus("converter__1.ofd"), &json!({}), &[]).unwrap();
    assert_eq!(inv.number.as_deref(), Some("83089647"));
    let md = rec.metadata.as_ref().unwrap();
    assert_eq!(md.text_at(paths::FISCAL_YEAR), Some("2020"));
    assert_eq!(md.text_at(paths::YEAR), Some("2020"));
    assert_eq!(md.text_at(paths::INVOICE_CODE), Some("033002000211"));
    assert_eq!(md.text_at(paths::INVOICE_NUMBER), Some("83089647"));
    assert_eq!(md.text_at(paths::ISSUE_DATE), Some("2020-07-23"));
    assert_eq!(md.text_at(paths::AMOUNT), Some("510.68"));
    assert_eq!(md.text_at(paths::TAX), Some("15.32"));
    assert_eq!(md.text_at(paths::TOTAL), Some("526.00"));
    assert_eq!(md.text_at(paths::SELLER_NAME), Some("兰溪市悦济舫餐厅"));
    assert_eq!(md.text_at(paths::SELLER_TAX_ID), Some("92330781MA2EDMFU50"));
    assert_eq!(
        md.text_at(paths::BUYER_NAME),
        Some("江苏京利华新材料有限公司")
    );
    assert_eq!(md.text_at(paths::BUYER_TAX_ID), Some("91320115MA202UKD7X"));
    assert_eq!(
        md.text_at(paths::RETENTION),
        Some(accounting::DEFAULT_RETENTION)
    );
    assert_eq!(md.text_at(paths::DATE), Some("2020-07-23"));
    assert_eq!(
        md.text_at(paths::FONDS_UNIT),
        Some("江苏京利华新材料有限公司")
    );
    assert_eq!(md.text_at(paths::CATEGORY), Some("会计凭证"));
    assert_eq!(md.text_at(paths::VOUCHER_TYPE), Some("原始凭证"));
    assert_eq!(md.text_at(paths::AGGREGATION_TYPE), Some("单件"));
    assert_eq!(md.text_at(paths::PAGES), Some("1"));
    assert_eq!(md.text_at(paths::INVOICE_KIND), Some("增值税电子普通发票"));
    assert_eq!(md.text_at(paths::CHECK_CODE), Some("16197833567414507415"));
    assert_eq!(
        md.text_at(paths::RECORD_ID),
        Some("FP-vat-033002000211-83089647")
    );
    assert_eq!(rec.id, "FP-vat-033002000211-83089647");
    assert_eq!(rec.schema_hint.as_deref(), Some("kuaiji"));
    assert_eq!(rec.components.len(), 1);
    assert_eq!(rec.components[0].role, Role::OriginalVoucher);
}

#[test]
fn voucher_metadata_wins_and_originals_are_components_of_one_record() {
    let dir = tempfile::tempdir().unwrap();
    let voucher = dir.path().join("记-0007.pdf");
    let receipt = dir.path().join("银行回单.pdf");
    let claim = dir.path().join("报销单.pdf");
    for p in [&voucher, &receipt, &claim] {
        std::fs::write(p, b"%PDF-1.7\n%%EOF\n").unwrap();
    }
    let meta =
        json!({"电子文件号": "KJ-2020-PZ-0007", "凭证号": "记-0007", "档号": {"保管期限": "永久"}});
    let (rec, _) = voucher_record(
        &fixture("multirate.xml"),
        &meta,
        &[
            ExtraComponent::new(Role::OriginalVoucher, &receipt),
            ExtraComponent::new(Role::Other("报销单".into()), &claim),
            ExtraComponent::new(Role::AccountingVoucher, &voucher),
        ],
    )
    .unwrap();
    assert_eq!(rec.id, "KJ-2020-PZ-0007");
    let md = rec.metadata.as_ref().unwrap();
    assert_eq!(md.text_at("凭证号"), Some("记-0007"));
    assert_eq!(md.text_at(paths::RETENTION), Some("永久"));
    assert_eq!(
        md.text_at(paths::INVOICE_NUMBER),
        Some("25320000000000000202")
    );
    assert_eq!(md.text_at(paths::INVOICE_CODE), None, "数电票 have no code");
    assert_eq!(md.text_at(paths::VOUCHER_TYPE), Some("记账凭证"));
    assert_eq!(md.text_at(paths::AGGREGATION_TYPE), Some("组合文件"));
    // The 数电票 XML's producer is the tax authority's platform.
    assert_eq!(
        rec.components[1].declared.creating_application.as_deref(),
        Some("电子发票服务平台")
    );
    let roles: Vec<(&str, u32)> = rec
        .components
        .iter()
        .map(|c| (c.role.zh(), c.sequence))
        .collect();
    assert_eq!(
        roles,
        vec![
            ("记账凭证", 1),
            ("原始凭证", 2),
            ("原始凭证", 3),
            ("报销单", 4)
        ]
    );
    assert_eq!(rec.components[1].name, "multirate.xml");
    // A missing component file is refused up front.
    let e = voucher_record(
        &fixture("normal.xml"),
        &meta,
        &[ExtraComponent::new(
            Role::OriginalVoucher,
            dir.path().join("nope.pdf"),
        )],
    )
    .unwrap_err();
    assert!(e.to_string().contains("nope.pdf"), "{e}");
}

#[test]
fn non_invoice_file_is_refused() {
    let e = voucher_record(&corpus("reader__helloworld.ofd"), &json!({}), &[]).unwrap_err();
    assert!(e.to_string().contains("no invoice data"), "{e}");
}

fn checker() -> Checker {
    Checker::new(
        None,
        Scheme::default_for(Stage::Archiving),
        CheckOptions {
            now: Some("2026-11-21".into()),
            ..Default::default()
        },
    )
}

#[test]
fn second_capture_of_the_same_invoice_is_refused_as_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let reg = InvoiceRegistry::open(&dir.path().join("invoices.sqlite")).unwrap();
    let ofd = corpus("converter__1.ofd");
    let first = check_and_register(&ofd, &voucher("PZ-1", 2020, 1), &[], &checker(), &reg);
    let first = match first {
        Ok(r) => r,
        Err(Error::Refused { report, .. }) => panic!(
            "{:#?}",
            report
                .findings
                .iter()
                .filter(|f| f.outcome == guidang::Outcome::Fail)
                .collect::<Vec<_>>()
        ),
        Err(e) => panic!("{e}"),
    };
    assert_eq!(first.key, "vat:033002000211:83089647");
    let dup = first
        .report
        .findings
        .iter()
        .find(|f| f.rule == "invoice.duplicate")
        .unwrap();
    assert_eq!(dup.outcome, guidang::Outcome::Pass);
    // Same file again, under another record id.
    match check_and_register(&ofd, &voucher("PZ-2", 2020, 2), &[], &checker(), &reg) {
        Err(Error::Duplicate { what, earlier }) => {
            assert!(what.contains("vat:033002000211:83089647"), "{what}");
            assert!(earlier.contains("record PZ-1"), "{earlier}");
            assert!(earlier.contains("converter__1.ofd"), "{earlier}");
        }
        other => panic!("{other:?}"),
    }
    // An invoice failing a blocking check is refused and not registered.
    match check_and_register(
        &fixture("inconsistent.xml"),
        &voucher("PZ-3", 2025, 3),
        &[],
        &checker(),
        &reg,
    ) {
        Err(Error::Refused { codes, .. }) => assert!(codes.contains("GD-1-15"), "{codes}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(reg.len().unwrap(), 1);
}
