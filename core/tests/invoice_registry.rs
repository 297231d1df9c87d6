//! The duplicate-booking registry: same file twice, the same invoice as two files (OFD and XML),
//! threads, two processes at once, release, rebuild from the outbox.

use guidang::invoice::registry::{CaptureRef, Claim, InvoiceRegistry};
use guidang::invoice::{self, Invoice};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Barrier};

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

fn cap<'a>(id: &'a str, file: &'a str) -> CaptureRef<'a> {
    CaptureRef {
        record_id: id,
        file,
        sm3: None,
    }
}

#[test]
fn same_file_twice_is_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let reg = InvoiceRegistry::open(&dir.path().join("reg/invoices.sqlite")).unwrap();
    let inv = invoice::extract(&corpus("converter__1.ofd")).unwrap();
    let first = reg.claim(&inv, &cap("R-1", "converter__1.ofd")).unwrap();
    assert_eq!(
        first,
        Claim::Registered {
            key: "vat:033002000211:83089647".into()
        }
    );
    match reg.claim(&inv, &cap("R-2", "converter__1.ofd")).unwrap() {
        Claim::Duplicate(e) => {
            assert_eq!(e.record_id, "R-1");
            assert_eq!(e.file, "converter__1.ofd");
            assert!(e.captured_at.starts_with("20"), "{}", e.captured_at);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(reg.len().unwrap(), 1);
    // Persistent: a new handle (another process would do the same) sees it.
    drop(reg);
    let reg = InvoiceRegistry::open(&dir.path().join("reg/invoices.sqlite")).unwrap();
    assert_eq!(reg.lookup(&inv).unwrap().unwrap().record_id, "R-1");
}

#[test]
fn same_invoice_as_ofd_and_as_xml_is_a_duplicate() {
    // The OFD and an XML export of the same 数电票: the key is the 20-digit number.
    let dir = tempfile::tempdir().unwrap();
    let reg = InvoiceRegistry::open(&dir.path().join("r.sqlite")).unwrap();
    let ofd = invoice::extract(&corpus("reader__发票示例.ofd")).unwrap();
    let xml_path = dir.path().join("24112000000048542163.xml");
    std::fs::write(
        &xml_path,
        "<EInvoice><Header><EIid>24112000000048542163</EIid></Header><EInvoiceData><BasicInformation><TotalAmWithoutTax>4197.17</TotalAmWithoutTax><TotalTaxAm>251.83</TotalTaxAm><TotalTax-includedAmount>4449.00</TotalTax-includedAmount></BasicInformation></EInvoiceData><TaxSupervisionInfo><InvoiceNumber>24112000000048542163</InvoiceNumber><IssueTime>2024-05-28 10:00:00</IssueTime></TaxSupervisionInfo></EInvoice>",
    )
    .unwrap();
    let xml = invoice::extract(&xml_path).unwrap();
    assert_eq!(ofd.registry_key(), xml.registry_key());
    assert!(matches!(
        reg.claim(&xml, &cap("R-XML", "24112000000048542163.xml"))
            .unwrap(),
        Claim::Registered { .. }
    ));
    match reg.claim(&ofd, &cap("R-OFD", "发票示例.ofd")).unwrap() {
        Claim::Duplicate(e) => {
            assert_eq!(e.record_id, "R-XML");
            assert_eq!(e.file, "24112000000048542163.xml");
        }
        other => panic!("{other:?}"),
    }
    // The legacy invoice as a PDF text layer (code + number) meets the OFD too.
    let pdf_like = invoice::from_invoice_text(
        "增值税电子普通发票 发票代码: 033002000211 发票号码: 83089647 开票日期: 2020年07月23日",
    );
    let ofd1 = invoice::extract(&corpus("converter__1.ofd")).unwrap();
    assert!(matches!(
        reg.claim(&ofd1, &cap("R-3", "1.ofd")).unwrap(),
        Claim::Registered { .. }
    ));
    assert!(matches!(
        reg.claim(&pdf_like, &cap("R-4", "1.pdf")).unwrap(),
        Claim::Duplicate(e) if e.record_id == "R-3"
    ));
}

#[test]
fn invoice_without_number_cannot_be_registered() {
    let dir = tempfile::tempdir().unwrap();
    let reg = InvoiceRegistry::open(&dir.path().join("r.sqlite")).unwrap();
    let inv = invoice::extract(&corpus("reader__helloworld.ofd")).unwrap();
    let e = reg.claim(&inv, &cap("R", "x")).unwrap_err().to_string();
    assert!(e.contains("invoice number"), "{e}");
}

#[test]
fn threads_racing_for_one_invoice() {
    let dir = tempfile::tempdir().unwrap();
    let reg = Arc::new(InvoiceRegistry::open(&dir.path().join("r.sqlite")).unwrap());
    let inv = Arc::new(invoice::extract(&fixture("normal.xml")).unwrap());
    let n = 8;
    let barrier = Arc::new(Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let (reg, inv, barrier) = (reg.clone(), inv.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let id = format!("T-{i}");
                matches!(
                    reg.claim(&inv, &cap(&id, "normal.xml")).unwrap(),
                    Claim::Registered { .. }
                )
            })
        })
        .collect();
    let wins = handles
        .into_iter()
        .map(|h| h.join().unwrap())
        .filter(|w| *w)
        .count();
    assert_eq!(wins, 1);
}

/// Child side of [`two_processes_capture_the_same_invoice_at_once`]: does nothing unless the
/// parent set `GUIDANG_REGISTRY_CHILD`.
#[test]
fn registry_child_process() {
    let Ok(db) = std::env::var("GUIDANG_REGISTRY_CHILD") else {
        return;
    };
    let id = std::env::var("GUIDANG_REGISTRY_ID").unwrap();
    let go = PathBuf::from(std::env::var("GUIDANG_REGISTRY_GO").unwrap());
    let reg = InvoiceRegistry::open(Path::new(&db)).unwrap();
    let inv = invoice::extract(&fixture("normal.xml")).unwrap();
    // Start together: wait for the parent's signal file.
    let t0 = std::time::Instant::now();
    while !go.exists() {
        assert!(t0.elapsed().as_secs() < 60, "no start signal");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let out = match reg.claim(&inv, &cap(&id, "normal.xml")).unwrap() {
        Claim::Registered { .. } => "CLAIM=registered".to_string(),
        Claim::Duplicate(e) => format!("CLAIM=duplicate:{}", e.record_id),
    };
    println!("{out}");
}

#[test]
fn two_processes_capture_the_same_invoice_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.sqlite");
    let go = dir.path().join("go");
    // Create the database first so both children only claim.
    drop(InvoiceRegistry::open(&db).unwrap());
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = ["P-1", "P-2", "P-3"]
        .iter()
        .map(|id| {
            Command::new(&exe)
                .args([
                    "--exact",
                    "registry_child_process",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("GUIDANG_REGISTRY_CHILD", &db)
                .env("GUIDANG_REGISTRY_ID", id)
                .env("GUIDANG_REGISTRY_GO", &go)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(300));
    std::fs::write(&go, b"go").unwrap();
    let mut registered = Vec::new();
    let mut duplicates = Vec::new();
    for (c, id) in children.into_iter().zip(["P-1", "P-2", "P-3"]) {
        let out = c.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "{id}: {text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        if text.contains("CLAIM=registered") {
            registered.push(id);
        } else if let Some(i) = text.find("CLAIM=duplicate:") {
            duplicates.push(
                text[i + 16..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_string(),
            );
        } else {
            panic!("{id}: no claim line in {text}");
        }
    }
    assert_eq!(
        registered.len(),
        1,
        "exactly one process succeeds: {registered:?}"
    );
    assert_eq!(duplicates.len(), 2);
    // Both losers name the winner.
    assert!(
        duplicates.iter().all(|d| d == registered[0]),
        "{duplicates:?} vs {registered:?}"
    );
    let reg = InvoiceRegistry::open(&db).unwrap();
    assert_eq!(reg.len().unwrap(), 1);
}

#[test]
fn release_and_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let reg = InvoiceRegistry::open(&dir.path().join("r.sqlite")).unwrap();
    let a = invoice::extract(&fixture("normal.xml")).unwrap();
    let b = invoice::extract(&fixture("multirate.xml")).unwrap();
    let Claim::Registered { key } = reg.claim(&a, &cap("R-A", "normal.xml")).unwrap() else {
        panic!()
    };
    // Only the holder can release.
    assert!(!reg.release(&key, "someone-else").unwrap());
    assert!(reg.release(&key, "R-A").unwrap());
    assert!(reg.is_empty().unwrap());
    // Rebuild from an outbox listing: the second record of the same invoice is reported.
    let empty = Invoice::empty(invoice::InvoiceFormat::Pdf);
    let rep = reg
        .rebuild(vec![
            ("R-1".to_string(), a.clone()),
            ("R-2".to_string(), b),
            ("R-3".to_string(), a.clone()),
            ("R-4".to_string(), empty),
        ])
        .unwrap();
    assert_eq!(rep.registered, 2);
    assert_eq!(
        rep.duplicates,
        vec![(
            "einv:25110000000000000101".to_string(),
            "R-3".to_string(),
            "R-1".to_string()
        )]
    );
    assert_eq!(rep.without_key, vec!["R-4".to_string()]);
    match reg.claim(&a, &cap("R-5", "normal.xml")).unwrap() {
        Claim::Duplicate(e) => {
            assert_eq!(e.record_id, "R-1");
            assert_eq!(e.file, "outbox:R-1");
        }
        other => panic!("{other:?}"),
    }
}
