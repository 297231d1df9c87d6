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
fn capture_refuse_duplicate_and_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox");
    let cap = capturer(&outbox);
    let ofd = corpus("converter__1.ofd");
    let first = match cap.capture_invoice(&ofd, &voucher("PZ-2020-0001", 2020, 1), &[]) {
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
        .capture_invoice(&ofd, &voucher("PZ-2020-0001", 2020, 1), &[])
        .unwrap();
    assert_eq!(again.receipt.journal_seq, first.receipt.journal_seq);

    // The same invoice under another voucher: refused, naming the earlier capture.
    match cap.capture_invoice(&ofd, &voucher("PZ-2020-0002", 2020, 2), &[]) {
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
        cap.capture_invoice(&copy, &voucher("PZ-2020-0003", 2020, 3), &[]),
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
        &voucher("PZ-T", 2020, 4),
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
        &voucher("PZ-G", 2020, 5),
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

/// Child side of [`two_processes_capture_the_same_invoice`]: does nothing unless the parent set
/// `GUIDANG_CAPTURE_CHILD`.
#[test]
fn capture_child_process() {
    let Ok(outbox) = std::env::var("GUIDANG_CAPTURE_CHILD") else {
        return;
    };
    let id = std::env::var("GUIDANG_CAPTURE_ID").unwrap();
    let go = PathBuf::from(std::env::var("GUIDANG_CAPTURE_GO").unwrap());
    let cap = capturer(Path::new(&outbox));
    let t0 = std::time::Instant::now();
    while !go.exists() {
        assert!(t0.elapsed().as_secs() < 60, "no start signal");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let r = cap.capture_invoice(&corpus("converter__1.ofd"), &voucher(&id, 2020, 9), &[]);
    match r {
        Ok(_) => println!("CAPTURE=ok"),
        Err(Error::Duplicate { earlier, .. }) => println!("CAPTURE=duplicate {earlier}"),
        Err(e) => println!("CAPTURE=error {e}"),
    }
}

#[test]
fn two_processes_capture_the_same_invoice() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox");
    let go = dir.path().join("go");
    drop(capturer(&outbox));
    let exe = std::env::current_exe().unwrap();
    let ids = ["PZ-A", "PZ-B", "PZ-C"];
    let children: Vec<_> = ids
        .iter()
        .map(|id| {
            std::process::Command::new(&exe)
                .args([
                    "--exact",
                    "capture_child_process",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("GUIDANG_CAPTURE_CHILD", &outbox)
                .env("GUIDANG_CAPTURE_ID", id)
                .env("GUIDANG_CAPTURE_GO", &go)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(500));
    std::fs::write(&go, b"go").unwrap();
    let mut ok = Vec::new();
    let mut dup = 0;
    for (c, id) in children.into_iter().zip(ids) {
        let out = c.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "{id}: {text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        if text.contains("CAPTURE=ok") {
            ok.push(id);
        } else if text.contains("CAPTURE=duplicate") {
            dup += 1;
        } else {
            panic!("{id}: {text}");
        }
    }
    assert_eq!(
        ok.len(),
        1,
        "exactly one process captures the invoice: {ok:?}"
    );
    assert_eq!(dup, 2);
    // Exactly one package in the journal, held by the winner.
    let cap = capturer(&outbox);
    let captured: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| cap.capturer().receipt(id).unwrap().is_some())
        .collect();
    assert_eq!(captured, ok);
    assert_eq!(cap.registry().len().unwrap(), 1);
}
