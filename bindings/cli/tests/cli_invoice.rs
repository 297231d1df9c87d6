//! `guidang invoice`: JSON and text output, exit codes, registry look-up.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn corpus(name: &str) -> String {
    let p = root().join("../shared/corpus/ofd").join(name);
    assert!(p.is_file(), "corpus file missing: {}", p.display());
    p.display().to_string()
}

fn guidang(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guidang"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run guidang")
}

#[test]
fn json_lines_with_fields_provenance_and_checks() {
    let f = corpus("converter__1.ofd");
    let out = guidang(&[
        "invoice",
        &f,
        "fixtures/invoices/normal.xml",
        "--format",
        "json",
        "--date",
        "2026-11-21",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["invoice"]["number"], "83089647");
    assert_eq!(lines[0]["invoice"]["amount_with_tax"], "526.00");
    assert_eq!(
        lines[0]["invoice"]["provenance"]["number"]["source"],
        "ofd.original_invoice_xml"
    );
    assert!(lines[0]["seals"][0]["signer_subject"]
        .as_str()
        .unwrap()
        .contains("税务局"));
    let checks = lines[0]["checks"].as_array().unwrap();
    assert!(checks.iter().all(|c| c["outcome"] == "pass"), "{checks:?}");
    assert_eq!(lines[1]["invoice"]["number"], "25110000000000000101");
}

#[test]
fn inconsistent_invoice_exits_1_and_text_names_the_rule() {
    let out = guidang(&[
        "invoice",
        "fixtures/invoices/inconsistent.xml",
        "--lang",
        "en",
        "--date",
        "2026-11-21",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("[fail] invoice.amounts_add_up"), "{text}");
    assert!(text.contains("100.00 + tax 13.00 = 113.00"), "{text}");
}

#[test]
fn not_an_invoice_exits_2() {
    let out = guidang(&["invoice", &corpus("reader__helloworld.ofd")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no e-invoice data"));
    let out = guidang(&[
        "invoice",
        "fixtures/invoices/normal.xml",
        "--date",
        "not-a-date",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn registry_lookup_reports_the_earlier_capture() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.sqlite");
    let reg = guidang::invoice::InvoiceRegistry::open(&db).unwrap();
    let inv = guidang::invoice::extract(&root().join("fixtures/invoices/normal.xml")).unwrap();
    reg.claim(
        &inv,
        &guidang::invoice::registry::CaptureRef {
            record_id: "R-9",
            file: "normal.xml",
            sm3: None,
        },
    )
    .unwrap();
    drop(reg);
    let out = guidang(&[
        "invoice",
        "fixtures/invoices/normal.xml",
        "--registry",
        db.to_str().unwrap(),
        "--format",
        "json",
        "--date",
        "2026-11-21",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["earlier"]["record_id"], "R-9");
}
