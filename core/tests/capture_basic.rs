//! Capture: refusal writes nothing, idempotency, conflicts, revisions, every format verifies, the
//! journal agrees with the outbox, many threads share one outbox.

mod common;

use guidang::capture::{verify_journal, CaptureConfig, Capturer, JOURNAL_FILE};
use guidang::package::{verify_package, PackageFormat, SigningKey, VerifyOptions};
use guidang::record::Declared;
use guidang::{Error, Outcome, Verdict};
use std::path::Path;
use std::sync::Arc;

const FORMATS: [PackageFormat; 4] = [
    PackageFormat::Zip,
    PackageFormat::Dir,
    PackageFormat::Eep,
    PackageFormat::Bagit,
];

fn packages(outbox: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(outbox)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.') && n != JOURNAL_FILE)
        .collect();
    v.sort();
    v
}

fn capturer(outbox: &Path, format: PackageFormat) -> Capturer {
    let mut cfg = CaptureConfig::new(outbox);
    cfg.format = format;
    if format == PackageFormat::Eep {
        cfg.package.signing_key = Some(Arc::new(
            SigningKey::sm2_from_secret(&[7u8; 32], "测试签名人").unwrap(),
        ));
    }
    Capturer::open(cfg).unwrap()
}

fn failures(r: &guidang::Report) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| f.outcome == Outcome::Fail)
        .map(|f| format!("{} {} {} {}", f.code, f.rule, f.subject, f.message_en))
        .collect()
}

#[test]
fn capture_each_format_then_verify_passes() {
    for format in FORMATS {
        let src = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        let c = capturer(out.path(), format);
        let r = common::record(src.path(), "WS-2024-0001", b"first attachment");
        let receipt = c.capture(&r).unwrap();
        assert_eq!(receipt.version, 1);
        assert!(receipt.package_path.exists(), "{format:?}");
        assert_eq!(packages(out.path()).len(), 1);
        let rep = verify_package(
            &receipt.package_path,
            &VerifyOptions {
                expected_sm3: Some(receipt.package_sm3.clone()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_ne!(
            rep.verdict,
            Verdict::Fail,
            "{format:?}: {:#?}",
            failures(&rep)
        );
        if format == PackageFormat::Eep {
            assert!(rep
                .findings
                .iter()
                .any(|f| f.rule == "eep.signature_valid" && f.outcome == Outcome::Pass));
        }
        let j = verify_journal(out.path()).unwrap();
        assert!(j.ok(), "{:?}", j.problems);
        assert_eq!(j.entries, 1);
        // Nothing temporary is left: no partial package, no EEP staging folder.
        assert!(j.temporaries.is_empty(), "{format:?}: {:?}", j.temporaries);
        // Sources untouched.
        assert_eq!(
            std::fs::read(src.path().join("WS-2024-0001-附件.txt")).unwrap(),
            b"first attachment"
        );
    }
}

#[test]
fn same_record_twice_gives_one_package_and_the_same_receipt() {
    let src = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let c = capturer(out.path(), PackageFormat::Zip);
    let r = common::record(src.path(), "WS-2024-0002", b"same");
    let a = c.capture(&r).unwrap();
    let b = c.capture(&r).unwrap();
    assert_eq!(a, b);
    // A second capturer (as another process would) also sees it.
    let c2 = capturer(out.path(), PackageFormat::Zip);
    assert_eq!(c2.capture(&r).unwrap(), a);
    assert_eq!(packages(out.path()), vec!["WS-2024-0002.zip".to_string()]);
    assert_eq!(verify_journal(out.path()).unwrap().entries, 1);
}

#[test]
fn different_content_same_id_is_a_conflict_unless_revised() {
    for format in [PackageFormat::Zip, PackageFormat::Eep] {
        let src = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        let c = capturer(out.path(), format);
        let r1 = common::record(src.path(), "WS-2024-0003", b"version one");
        let first = c.capture(&r1).unwrap();
        let r2 = common::record(src.path(), "WS-2024-0003", b"version two, changed");
        match c.capture(&r2) {
            Err(Error::Conflict { id, .. }) => assert_eq!(id, "WS-2024-0003"),
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert_eq!(packages(out.path()).len(), 1);
        let rev = c.capture_revision(&r2).unwrap();
        assert_eq!(rev.version, 2);
        assert_eq!(
            rev.revises.as_deref(),
            first.package_path.file_name().and_then(|n| n.to_str())
        );
        assert_ne!(rev.package_path, first.package_path);
        // Repeating the revision is idempotent.
        assert_eq!(c.capture_revision(&r2).unwrap(), rev);
        let rep = verify_package(&rev.package_path, &VerifyOptions::default()).unwrap();
        assert_ne!(
            rep.verdict,
            Verdict::Fail,
            "{format:?}: {:#?}",
            failures(&rep)
        );
        if format == PackageFormat::Eep {
            let text = std::fs::read_to_string(&rev.package_path).unwrap();
            assert!(text.contains("<封装包类型>修改型</封装包类型>"));
            assert!(text.contains("<原封装包>"));
            // The wrapped layer's signature (原封装包 keeps 被签名对象 + 电子签名块), the new
            // signature and the new 锁定签名 all verify.
            let valid = rep
                .findings
                .iter()
                .filter(|f| f.rule == "eep.signature_valid" && f.outcome == Outcome::Pass)
                .count();
            assert_eq!(valid, 3, "{:#?}", rep.findings);
        }
        let j = verify_journal(out.path()).unwrap();
        assert!(j.ok(), "{:?}", j.problems);
        assert_eq!(j.entries, 2);
    }
}

#[test]
fn blocking_failure_writes_nothing_and_returns_the_report() {
    // Every format: zip, folder and BagIt copy the content while the checks read it (and must
    // remove that copy); EEP checks first.
    for format in FORMATS {
        let src = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        let c = capturer(out.path(), format);
        let mut r = common::record(src.path(), "WS-2024-0004", b"x");
        // A declared digest that does not match the content: 1-1 fails, and it is blocking.
        r.components[0].declared = Declared {
            digests: vec![("SM3".into(), "00".repeat(32))],
            ..r.components[0].declared.clone()
        };
        match c.capture(&r) {
            Err(Error::Refused { id, codes, report }) => {
                assert_eq!(id, "WS-2024-0004");
                assert!(codes.contains("GD-1-1"), "{format:?}: {codes}");
                assert_eq!(report.verdict, Verdict::Fail);
            }
            other => panic!("{format:?}: expected a refusal, got {other:?}"),
        }
        assert!(packages(out.path()).is_empty(), "{format:?}");
        assert!(!out.path().join(JOURNAL_FILE).exists(), "{format:?}");
        let temps: Vec<_> = std::fs::read_dir(out.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
            .collect();
        assert!(temps.is_empty(), "{format:?}: {temps:?}");
    }
}

#[test]
fn many_threads_share_one_outbox() {
    let src = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let records: Vec<_> = (0..12)
        .map(|i| {
            common::record(
                src.path(),
                &format!("T-{i:03}"),
                format!("att {i}").as_bytes(),
            )
        })
        .collect();
    let c = Arc::new(capturer(out.path(), PackageFormat::Zip));
    let c2 = Arc::new(capturer(out.path(), PackageFormat::Zip));
    let mut hs = Vec::new();
    for t in 0..6 {
        let c = if t % 2 == 0 { c.clone() } else { c2.clone() };
        let records = records.clone();
        hs.push(std::thread::spawn(move || {
            let mut v = Vec::new();
            for k in 0..records.len() {
                let r = &records[(k + t * 5) % records.len()];
                v.push(c.capture(r).unwrap());
            }
            v
        }));
    }
    let all: Vec<_> = hs.into_iter().flat_map(|h| h.join().unwrap()).collect();
    for r in &all {
        let same: Vec<_> = all.iter().filter(|x| x.record_id == r.record_id).collect();
        assert!(
            same.iter().all(|x| *x == r),
            "receipts differ for {}",
            r.record_id
        );
    }
    assert_eq!(packages(out.path()).len(), 12);
    let j = verify_journal(out.path()).unwrap();
    assert!(j.ok(), "{:?}", j.problems);
    assert_eq!(j.entries, 12);
    assert!(j.temporaries.is_empty());
}

#[test]
fn journal_tampering_and_outbox_disagreement_are_detected() {
    let src = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let c = capturer(out.path(), PackageFormat::Dir);
    for i in 0..3 {
        c.capture(&common::record(
            src.path(),
            &format!("J-{i}"),
            format!("a{i}").as_bytes(),
        ))
        .unwrap();
    }
    assert!(verify_journal(out.path()).unwrap().ok());
    let jp = out.path().join(JOURNAL_FILE);
    let original = std::fs::read_to_string(&jp).unwrap();
    let lines: Vec<&str> = original.lines().collect();
    // Editing an entry.
    std::fs::write(&jp, original.replacen("J-1", "J-9", 1)).unwrap();
    let j = verify_journal(out.path()).unwrap();
    assert!(!j.ok());
    assert!(
        j.problems.iter().any(|p| p.contains("altered")),
        "{:?}",
        j.problems
    );
    // Deleting an entry.
    std::fs::write(&jp, format!("{}\n{}\n", lines[0], lines[2])).unwrap();
    let j = verify_journal(out.path()).unwrap();
    assert!(
        j.problems.iter().any(|p| p.contains("does not link")),
        "{:?}",
        j.problems
    );
    assert!(
        j.problems
            .iter()
            .any(|p| p.contains("J-1") && p.contains("not in the journal")),
        "{:?}",
        j.problems
    );
    // Restored journal, but a package removed from the outbox.
    std::fs::write(&jp, &original).unwrap();
    std::fs::remove_dir_all(out.path().join("J-2")).unwrap();
    let j = verify_journal(out.path()).unwrap();
    assert_eq!(j.problems.len(), 1, "{:?}", j.problems);
    assert!(j.problems[0].contains("J-2") && j.problems[0].contains("missing"));
}

#[test]
fn unsafe_record_ids_get_distinct_package_names() {
    let src = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let c = capturer(out.path(), PackageFormat::Zip);
    // The attachment file is named after a safe id; the record id itself is unsafe as a name.
    let mut ra = common::record(src.path(), "A-1", b"one");
    ra.id = "A:1".into();
    let a = c.capture(&ra).unwrap();
    let b = c
        .capture(&common::record(src.path(), "A_1", b"two"))
        .unwrap();
    assert_ne!(a.package_path, b.package_path);
    assert!(a.package_path.starts_with(out.path()));
    assert_eq!(packages(out.path()).len(), 2);
}
