//! One-call invoice capture on top of the Capturer: first capture packaged and registered, the
//! same invoice again (same file or another file of the same invoice) refused as a duplicate, a
//! retry of the same record idempotent, a tampered invoice refused by the blocking authenticity
//! check, and the registry rebuilt from the outbox journal.

use guidang::capture::CaptureConfig;
use guidang::invoice::{rebuild_from_outbox, InvoiceCapturer, InvoiceRegistry};
use guidang::{CheckOptions, Error};
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

fn capturer(outbox: &Path) -> InvoiceCapturer {
    let mut cfg = CaptureConfig::new(outbox);
    cfg.check = CheckOptions {
        now: Some("2026-11-21".into()),
        ..Default::default()
    };
    InvoiceCapturer::open(cfg, None).unwrap()
}

#[test]
fn capture_refuse_duplicate_and_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox");
    let cap = capturer(&outbox);
    let ofd = corpus("converter__1.ofd");
    let first = match cap.capture_invoice(&ofd, &json!({"电子文件号": "PZ-2020-0001"}), &[]) {
        Ok(r) => r,
        Err(Error::Refused { report, .. }) => panic!(
            "{:#?}",
            report
                .findings
                .iter()
                .filter(|f| f.blocking && f.outcome == guidang::Outcome::Fail)
                .collect::<Vec<_>>()
        ),
        Err(e) => panic!("{e}"),
    };
    assert_eq!(first.key, "vat:033002000211:83089647");
    assert!(first.receipt.package_path.exists());
    assert_eq!(first.receipt.record_id, "PZ-2020-0001");
    // The 归档 report carries the invoice cross-checks.
    let inv_findings: Vec<_> = first
        .receipt
        .report
        .findings
        .iter()
        .filter(|f| f.code == "GD-1-15")
        .collect();
    assert!(inv_findings.len() >= 8, "{inv_findings:#?}");

    // A retry of the same record is idempotent (same receipt).
    let again = cap
        .capture_invoice(&ofd, &json!({"电子文件号": "PZ-2020-0001"}), &[])
        .unwrap();
    assert_eq!(again.receipt.journal_seq, first.receipt.journal_seq);

    // The same invoice under another voucher: refused, naming the earlier capture.
    match cap.capture_invoice(&ofd, &json!({"电子文件号": "PZ-2020-0002"}), &[]) {
        Err(Error::Duplicate { what, earlier }) => {
            assert!(what.contains("vat:033002000211:83089647"));
            assert!(
                earlier.contains("PZ-2020-0002") == false && earlier.contains("PZ-2020-0001"),
                "{earlier}"
            );
            assert!(earlier.contains("converter__1.ofd"), "{earlier}");
        }
        other => panic!("{other:?}"),
    }
    // The same invoice as a different file (a copy under another name) is refused too.
    let copy = dir.path().join("发票-83089647.ofd");
    std::fs::copy(&ofd, &copy).unwrap();
    assert!(matches!(
        cap.capture_invoice(&copy, &json!({"电子文件号": "PZ-2020-0003"}), &[]),
        Err(Error::Duplicate { .. })
    ));
    assert!(cap.capturer().receipt("PZ-2020-0003").unwrap().is_none());

    // Rebuild a fresh registry from the outbox journal.
    let fresh = InvoiceRegistry::open(&dir.path().join("rebuilt.sqlite")).unwrap();
    let rep = rebuild_from_outbox(&fresh, &outbox).unwrap();
    assert_eq!(rep.registered, 1, "{rep:?}");
    assert!(rep.duplicates.is_empty());
    let inv = guidang::invoice::extract(&ofd).unwrap();
    assert_eq!(
        fresh.lookup(&inv).unwrap().unwrap().record_id,
        "PZ-2020-0001"
    );
}

#[test]
fn tampered_invoice_is_refused_and_not_registered() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox");
    let cap = capturer(&outbox);
    match cap.capture_invoice(
        &corpus("converter__发票示例.ofd"),
        &json!({"电子文件号": "PZ-T"}),
        &[],
    ) {
        Err(Error::Refused { codes, report, .. }) => {
            assert!(codes.contains("GD-1-1"), "{codes}");
            let tampered = report
                .findings
                .iter()
                .find(|f| f.code == "GD-1-1" && f.outcome == guidang::Outcome::Fail)
                .unwrap();
            assert!(
                serde_json::to_string(tampered)
                    .unwrap()
                    .contains("Document.xml"),
                "{tampered:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(
        cap.registry().is_empty().unwrap(),
        "a refused capture releases its claim"
    );
    // The genuine invoice of the same number can still be captured afterwards.
    let ok = cap.capture_invoice(
        &corpus("sign__v4signed.ofd"),
        &json!({"电子文件号": "PZ-G"}),
        &[],
    );
    match ok {
        Ok(r) => assert_eq!(r.key, "vat:050001700111:99999951"),
        Err(Error::Refused { report, .. }) => panic!(
            "{:#?}",
            report
                .findings
                .iter()
                .filter(|f| f.blocking && f.outcome == guidang::Outcome::Fail)
                .collect::<Vec<_>>()
        ),
        Err(e) => panic!("{e}"),
    }
}
