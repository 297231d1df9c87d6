//! Invoice cross-checks (item 1-15) through the check engine and directly.

use guidang::invoice::crosscheck::{self, SealEvidence};
use guidang::invoice::{self, seal};
use guidang::report::{Finding, Outcome};
use guidang::{CheckOptions, Checker, Record, Scheme, Stage};
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

fn checker(now: &str) -> Checker {
    Checker::new(
        None,
        Scheme::default_for(Stage::Archiving),
        CheckOptions {
            now: Some(now.into()),
            ..Default::default()
        },
    )
}

fn invoice_findings(path: &Path, now: &str) -> Vec<Finding> {
    let rec = Record::from_file(path).unwrap();
    let rep = checker(now).check(&rec).unwrap();
    rep.findings
        .into_iter()
        .filter(|f| f.code == "GD-1-15")
        .collect()
}

fn outcome(fs: &[Finding], rule: &str) -> Outcome {
    fs.iter()
        .find(|f| f.rule == rule)
        .unwrap_or_else(|| panic!("no {rule} in {fs:#?}"))
        .outcome
}

#[test]
fn converter_1_passes_every_cross_check() {
    let fs = invoice_findings(&corpus("converter__1.ofd"), "2026-11-21");
    for rule in [
        "invoice.fields_found",
        "invoice.amounts_add_up",
        "invoice.items_add_up",
        "invoice.visible_text",
        "invoice.seller_credit_code",
        "invoice.buyer_credit_code",
        "invoice.tax_authority_seal",
        "invoice.date_not_after_capture",
    ] {
        assert_eq!(outcome(&fs, rule), Outcome::Pass, "{rule}: {fs:#?}");
    }
    let vis = fs
        .iter()
        .find(|f| f.rule == "invoice.visible_text")
        .unwrap();
    // 13 bound fields + 6 line-item fields compared with original_invoice.xml.
    assert!(vis.evidence["compared"].as_u64().unwrap() >= 15, "{vis:?}");
    let seal = fs
        .iter()
        .find(|f| f.rule == "invoice.tax_authority_seal")
        .unwrap();
    assert!(seal.message_zh.contains("税务局"), "{}", seal.message_zh);
    assert!(fs
        .iter()
        .all(|f| f.evidence["invoice"] == "vat:033002000211:83089647"));
}

#[test]
fn v4signed_seal_and_bad_test_codes() {
    let fs = invoice_findings(&corpus("sign__v4signed.ofd"), "2026-11-21");
    assert_eq!(outcome(&fs, "invoice.amounts_add_up"), Outcome::Pass);
    assert_eq!(outcome(&fs, "invoice.items_add_up"), Outcome::Pass);
    assert_eq!(outcome(&fs, "invoice.tax_authority_seal"), Outcome::Pass);
    // The tax bureau's test invoice carries made-up tax ids: the seller's check character is wrong
    // (5, GB 32100 gives 6) and the buyer's contains the forbidden letter I.
    assert_eq!(outcome(&fs, "invoice.seller_credit_code"), Outcome::Warn);
    assert_eq!(outcome(&fs, "invoice.buyer_credit_code"), Outcome::Warn);
    // No CustomTags bound in Document.xml: nothing to compare with the page.
    assert_eq!(outcome(&fs, "invoice.visible_text"), Outcome::NotApplicable);
}

#[test]
fn seals_read_from_signed_value() {
    let path = corpus("sign__v4signed.ofd");
    let mut z = guidang::container::ZipContainer::open(&path, Default::default()).unwrap();
    let seals = seal::read_seals(&mut z, &Default::default()).unwrap();
    assert_eq!(seals.len(), 1);
    let s = &seals[0];
    assert_eq!(s.format, "v4");
    assert!(
        s.signer_subject
            .as_deref()
            .unwrap()
            .contains("全国统一发票监制章国家税务总局重庆市税务局"),
        "{s:?}"
    );
    assert!(
        s.maker_subject
            .as_deref()
            .unwrap()
            .contains("国家税务总局电子印章测试系统"),
        "{s:?}"
    );
    assert!(s.names_tax_authority());
}

#[test]
fn unsigned_invoice_fails_the_seal_check() {
    let fs = invoice_findings(&corpus("reader__发票示例.ofd"), "2026-11-21");
    assert_eq!(outcome(&fs, "invoice.tax_authority_seal"), Outcome::Fail);
    // CustomDatas (structured) agree with the page text CustomTags bind.
    assert_eq!(outcome(&fs, "invoice.visible_text"), Outcome::Pass);
    assert_eq!(outcome(&fs, "invoice.amounts_add_up"), Outcome::Pass);
}

#[test]
fn invoice_after_capture_date_fails() {
    let fs = invoice_findings(&corpus("converter__1.ofd"), "2020-07-22");
    assert_eq!(
        outcome(&fs, "invoice.date_not_after_capture"),
        Outcome::Fail
    );
    let fs = invoice_findings(&corpus("converter__1.ofd"), "2020-07-23T08:00:00+08:00");
    assert_eq!(
        outcome(&fs, "invoice.date_not_after_capture"),
        Outcome::Pass
    );
}

#[test]
fn inconsistent_fixture_fails_amount_checks() {
    let fs = invoice_findings(&fixture("inconsistent.xml"), "2026-11-21");
    assert_eq!(outcome(&fs, "invoice.amounts_add_up"), Outcome::Fail);
    assert_eq!(outcome(&fs, "invoice.items_add_up"), Outcome::Fail);
    let f = fs
        .iter()
        .find(|f| f.rule == "invoice.amounts_add_up")
        .unwrap();
    assert_eq!(f.evidence["sum"], "113.00");
    assert!(f.blocking, "1-15 is blocking in gd-default");
    // The XML signature cannot be verified yet: manual, never a fake pass.
    assert_eq!(outcome(&fs, "invoice.tax_authority_seal"), Outcome::Manual);
    let rec = Record::from_file(&fixture("inconsistent.xml")).unwrap();
    let rep = checker("2026-11-21").check(&rec).unwrap();
    assert_eq!(rep.verdict, guidang::Verdict::Fail);
}

#[test]
fn generated_fixtures_pass_amount_checks() {
    for name in ["normal.xml", "multirate.xml", "red-letter.xml"] {
        let fs = invoice_findings(&fixture(name), "2026-11-21");
        assert_eq!(
            outcome(&fs, "invoice.amounts_add_up"),
            Outcome::Pass,
            "{name}"
        );
        assert_eq!(
            outcome(&fs, "invoice.items_add_up"),
            Outcome::Pass,
            "{name}"
        );
        assert_eq!(
            outcome(&fs, "invoice.seller_credit_code"),
            Outcome::Pass,
            "{name}"
        );
        assert_eq!(
            outcome(&fs, "invoice.buyer_credit_code"),
            Outcome::Pass,
            "{name}"
        );
    }
}

#[test]
fn non_invoice_record_is_not_applicable_once() {
    let fs = invoice_findings(&corpus("reader__helloworld.ofd"), "2026-11-21");
    assert_eq!(fs.len(), 1, "{fs:#?}");
    assert_eq!(fs[0].rule, "invoice.none");
    assert_eq!(fs[0].outcome, Outcome::NotApplicable);
}

#[test]
fn visible_text_mismatch_is_detected() {
    let mut inv = invoice::extract(&corpus("converter__1.ofd")).unwrap();
    // Pretend the structured data says something else than the page.
    inv.amount_with_tax = Some("625.00".parse().unwrap());
    let r = crosscheck::visible_text(&inv);
    assert_eq!(r.outcome, Outcome::Fail);
    let m = r.evidence["mismatches"].as_array().unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0]["field"], "amount_with_tax");
    assert_eq!(m[0]["visible"], "¥526.00");
    // And the seal check has honest outcomes for the other evidence kinds.
    assert_eq!(
        crosscheck::tax_authority_seal(&SealEvidence::Read(vec![])).outcome,
        Outcome::Fail
    );
}
