//! pyHanko PDF corpus (../shared/corpus/pdf/pyhanko): no panic and no hang (a time budget per
//! file), encrypted files flagged, broken files get a readability failure naming the problem.

use guidang::formats::{self, Area, Details, FormatLimits, Readable, Severity};
use guidang::record::Source;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn corpus() -> PathBuf {
    let p = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/pdf/pyhanko"
    ));
    assert!(p.is_dir(), "pyHanko corpus missing at {}", p.display());
    p
}

#[test]
fn pyhanko_corpus_no_panic_no_hang_encryption_flagged() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    files.sort();
    assert!(files.len() >= 50, "found {}", files.len());
    let limits = FormatLimits {
        time_budget: Duration::from_secs(20),
        ..FormatLimits::default()
    };
    let (mut readable, mut unreadable, mut encrypted) = (0, 0, 0);
    let t0 = Instant::now();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let ins = formats::inspect(&Source::Path(f.clone()), &limits);
        assert!(
            ins.elapsed_ms < 20_000.0,
            "{name} took {} ms",
            ins.elapsed_ms
        );
        let enc = ins.encrypted();
        println!(
            "{name}: {} {:?} enc={enc} {:.0}ms {}",
            ins.identification.label(),
            ins.readable,
            ins.elapsed_ms,
            ins.problems
                .iter()
                .map(|p| format!("[{:?}/{:?} {}]", p.area, p.severity, p.rule))
                .collect::<Vec<_>>()
                .join(" ")
        );
        assert_eq!(ins.identification.family, "PDF", "{name}");
        match ins.readable {
            Readable::Yes => readable += 1,
            Readable::No => {
                unreadable += 1;
                // A readability failure names the file and the problem.
                let p = ins
                    .problems
                    .iter()
                    .find(|p| p.area == Area::Readability && p.severity == Severity::Error)
                    .unwrap_or_else(|| panic!("{name}: unreadable without a readability error"));
                assert!(p.en.contains(&name), "{name}: {}", p.en);
            }
            Readable::NotChecked => panic!("{name}: PDF must be checked"),
        }
        if name.contains("encrypt") && !name.contains("malformed") && !name.contains("nocf") {
            assert!(
                enc,
                "{name} should be flagged as encrypted: {:?}",
                ins.problems
            );
        }
        if enc {
            encrypted += 1;
            assert!(ins
                .problems
                .iter()
                .any(|p| p.area == Area::Security && p.rule == "pdf.encrypted"));
        }
    }
    println!(
        "{} files in {:?}: {readable} readable, {unreadable} unreadable, {encrypted} encrypted",
        files.len(),
        t0.elapsed()
    );
    assert!(encrypted >= 3, "encrypted files flagged: {encrypted}");
    assert!(readable >= 40, "readable: {readable}");
}

#[test]
fn plain_pdf_facts() {
    let ins = formats::inspect(
        &Source::Path(corpus().join("empty-a4.pdf")),
        &FormatLimits::default(),
    );
    assert_eq!(ins.readable, Readable::Yes);
    let Details::Pdf(info) = &ins.details else {
        panic!()
    };
    assert_eq!(info.pages, 1);
    assert!(!info.encrypted);
    assert!(info.pdfa.is_none());
    assert!(info.pdfa_summary().is_none());
    let ev = ins.evidence();
    assert_eq!(ev["format"], "PDF");
    assert_eq!(ev["pages"], 1);
    assert!(ev.contains_key("version"));
}
