//! OFD corpus (../shared/corpus/ofd): every file is identified as OFD and readable (3-4), OFD-A is
//! detected for archive__test-ofda.ofd, and producers' quirks are warnings only.

use guidang::formats::{self, Area, Details, FormatLimits, Readable, Severity};
use guidang::record::Source;
use std::path::PathBuf;

fn corpus() -> PathBuf {
    let p = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/ofd"
    ));
    assert!(p.is_dir(), "OFD corpus missing at {}", p.display());
    p
}

#[test]
fn every_corpus_ofd_is_identified_and_readable() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ofd"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 20,
        "expected the 23 corpus OFDs, found {}",
        files.len()
    );
    let mut quirks = 0;
    for f in &files {
        let ins = formats::inspect(&Source::Path(f.clone()), &FormatLimits::default());
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let warns: Vec<String> = ins
            .problems
            .iter()
            .filter(|p| p.area == Area::Readability)
            .map(|p| format!("{:?} {}: {}", p.severity, p.rule, p.en))
            .collect();
        println!(
            "{name}: {} readable={:?} {}ms {:?}",
            ins.identification.label(),
            ins.readable,
            ins.elapsed_ms,
            warns
        );
        assert_eq!(ins.identification.family, "OFD", "{name}");
        assert_eq!(ins.readable, Readable::Yes, "{name}: {:?}", ins.problems);
        assert!(
            !ins.has_error(Area::Readability),
            "{name}: quirks must be warnings only: {warns:?}"
        );
        quirks += warns.len();
        let Details::Ofd(info) = &ins.details else {
            panic!("{name}: no OFD details")
        };
        assert!(info.pages >= 1, "{name}: pages");
        assert!(info.parts_parsed >= 3, "{name}: parts parsed");
        let ev = ins.evidence();
        assert_eq!(ev["format"], "OFD");
        assert!(ev.contains_key("pages"), "{name}: evidence {ev:?}");
    }
    println!("{} files, {quirks} quirk warnings", files.len());
}

#[test]
fn ofda_detected_and_rules_hold() {
    let f = corpus().join("archive__test-ofda.ofd");
    let ins = formats::inspect(&Source::Path(f), &FormatLimits::default());
    assert_eq!(ins.identification.profile.as_deref(), Some("OFD-A"));
    assert_eq!(ins.identification.label(), "OFD 1.2 (OFD-A)");
    let Details::Ofd(info) = &ins.details else {
        panic!()
    };
    assert_eq!(info.doc_type, "OFD-A");
    assert!(info.ofda_failures().is_empty(), "{:?}", info.ofda_rules);
    assert!(!ins.has_error(Area::Compliance));
    // A plain OFD is not OFD-A: the doctype rule says so (judged only when a scheme asks).
    let plain = formats::inspect(
        &Source::Path(corpus().join("reader__helloworld.ofd")),
        &FormatLimits::default(),
    );
    let Details::Ofd(pi) = &plain.details else {
        panic!()
    };
    assert!(pi.ofda_failures().iter().any(|r| r.id == "doctype"));
    assert!(plain.identification.profile.is_none());
}

#[test]
fn signatures_attachments_and_quirks_listed() {
    let ins = formats::inspect(
        &Source::Path(corpus().join("converter__h.ofd")),
        &FormatLimits::default(),
    );
    let Details::Ofd(info) = &ins.details else {
        panic!()
    };
    assert_eq!(info.signatures.len(), 2, "{:?}", info.signatures);
    let ins = formats::inspect(
        &Source::Path(corpus().join("layout__AddAttachment.ofd")),
        &FormatLimits::default(),
    );
    let Details::Ofd(info) = &ins.details else {
        panic!()
    };
    assert!(!info.attachments.is_empty());
    let ins = formats::inspect(
        &Source::Path(corpus().join("sign__namespace_no_std.ofd")),
        &FormatLimits::default(),
    );
    assert!(
        ins.problems
            .iter()
            .any(|p| p.rule == "ofd.namespace" && p.severity == Severity::Warning),
        "{:?}",
        ins.problems
    );
}
