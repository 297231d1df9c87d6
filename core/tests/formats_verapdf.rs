//! veraPDF corpus (../shared/corpus/pdfa/verapdf): no panic on any file, and for each PDF/A clause
//! guidang has a cheap indicator for, the agreement of that indicator with the `-pass-`/`-fail-`
//! file names. guidang is not a PDF/A validator; this measures how far its indicators go.

use guidang::formats::pdf::PdfInfo;
use guidang::formats::{self, Details, FormatLimits};
use guidang::record::Source;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn corpus() -> PathBuf {
    let p = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/pdfa/verapdf"
    ));
    assert!(p.is_dir(), "veraPDF corpus missing at {}", p.display());
    p
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "pdf") {
            out.push(p);
        }
    }
}

/// (clause label, path fragment, PDF/A part under test, judge)
type Judge = fn(&PdfInfo, u8) -> bool;

fn ok(info: &PdfInfo, id: &str) -> bool {
    info.indicator(id).map(|i| i.ok).unwrap_or(false)
}

const CLAUSES: &[(&str, &str, u8, Judge)] = &[
    (
        "1b 6.1.2 file header",
        "PDF_A-1b/6.1 File structure/6.1.2 ",
        1,
        |i, _| ok(i, "header"),
    ),
    (
        "2b 6.1.2 file header",
        "PDF_A-2b/6.1 File structure/6.1.2 ",
        2,
        |i, _| ok(i, "header"),
    ),
    (
        "1b 6.1.3 trailer (ID, Encrypt)",
        "PDF_A-1b/6.1 File structure/6.1.3 ",
        1,
        |i, _| ok(i, "trailer_id") && ok(i, "no_encryption"),
    ),
    (
        "2b 6.1.3 trailer (ID, Encrypt)",
        "PDF_A-2b/6.1 File structure/6.1.3 ",
        2,
        |i, _| ok(i, "trailer_id") && ok(i, "no_encryption"),
    ),
    (
        "1b 6.1.10 filters",
        "PDF_A-1b/6.1 File structure/6.1.10 ",
        1,
        |i, _| ok(i, "filters"),
    ),
    (
        "2b 6.1.12 permissions",
        "PDF_A-2b/6.1 File structure/6.1.12 ",
        2,
        |i, _| ok(i, "permissions"),
    ),
    (
        "1b 6.2.2 output intent",
        "PDF_A-1b/6.2 Graphics/6.2.2 ",
        1,
        |i, _| ok(i, "output_intent"),
    ),
    (
        "1b 6.6.1 actions",
        "PDF_A-1b/6.6 Actions/6.6.1 ",
        1,
        |i, _| ok(i, "actions"),
    ),
    (
        "2b 6.5.1 actions",
        "PDF_A-2b/6.5 Action/6.5.1 ",
        2,
        |i, _| ok(i, "actions"),
    ),
    (
        "1b 6.6.2 trigger events",
        "PDF_A-1b/6.6 Actions/6.6.2 ",
        1,
        |i, _| ok(i, "trigger_events"),
    ),
    (
        "2b 6.5.2 trigger events",
        "PDF_A-2b/6.5 Action/6.5.2 ",
        2,
        |i, _| ok(i, "trigger_events"),
    ),
    (
        "1b 6.9 interactive forms",
        "PDF_A-1b/6.9 Interactive Forms",
        1,
        |i, _| ok(i, "forms"),
    ),
    (
        "2b 6.4.1 interactive forms",
        "PDF_A-2b/6.4 Interactive forms/6.4.1 ",
        2,
        |i, _| ok(i, "forms"),
    ),
    (
        "2b 6.4.2 XFA",
        "PDF_A-2b/6.4 Interactive forms/6.4.2 ",
        2,
        |i, _| ok(i, "no_xfa"),
    ),
    (
        "2b 6.6.2.1 metadata stream",
        "6.6.2 Metadata streams/6.6.2.1 ",
        2,
        |i, _| ok(i, "xmp"),
    ),
    (
        "1a/1b 6.7.11 pdfaid",
        "6.7.11 Version and conformance",
        1,
        |i, part| ok(i, "pdfaid") && i.pdfa.as_ref().and_then(|c| c.part_number()) == Some(part),
    ),
    (
        "2b 6.6.4 pdfaid",
        "PDF_A-2b/6.6 Metadata/6.6.4 ",
        2,
        |i, part| ok(i, "pdfaid") && i.pdfa.as_ref().and_then(|c| c.part_number()) == Some(part),
    ),
    (
        "3b 6.8 embedded files",
        "PDF_A-3b/6.8 Embedded files",
        3,
        |i, _| ok(i, "embedded_files"),
    ),
];

/// Agreement floors measured when this test was written: (clause, minimum agreed).
const FLOORS: &[(&str, usize)] = &[
    ("1a/1b 6.7.11 pdfaid", 5),
    ("1b 6.1.10 filters", 4),
    ("1b 6.1.2 file header", 7),
    ("1b 6.1.3 trailer (ID, Encrypt)", 4),
    ("1b 6.2.2 output intent", 3),
    ("1b 6.6.1 actions", 2),
    ("1b 6.6.2 trigger events", 1),
    ("1b 6.9 interactive forms", 4),
    ("2b 6.1.12 permissions", 3),
    ("2b 6.1.2 file header", 9),
    ("2b 6.1.3 trailer (ID, Encrypt)", 5),
    ("2b 6.4.1 interactive forms", 4),
    ("2b 6.4.2 XFA", 2),
    ("2b 6.5.1 actions", 15),
    ("2b 6.5.2 trigger events", 3),
    ("2b 6.6.2.1 metadata stream", 3),
    ("2b 6.6.4 pdfaid", 8),
    ("3b 6.8 embedded files", 12),
];

#[test]
fn verapdf_corpus_indicator_agreement() {
    let mut files = Vec::new();
    walk(&corpus(), &mut files);
    files.sort();
    assert!(files.len() > 1000, "found {}", files.len());
    let limits = FormatLimits {
        time_budget: Duration::from_secs(20),
        ..FormatLimits::default()
    };
    // clause -> (checked, agreed, disagreed, unparsed, disagreeing names)
    let mut table: BTreeMap<&str, (usize, usize, usize, usize, Vec<String>)> = BTreeMap::new();
    let mut claims = 0;
    for f in &files {
        let rel = f
            .strip_prefix(corpus())
            .unwrap()
            .to_string_lossy()
            .to_string();
        let ins = formats::inspect(&Source::Path(f.clone()), &limits);
        assert_eq!(ins.identification.family, "PDF", "{rel}");
        let info = match &ins.details {
            Details::Pdf(i) => Some(i),
            _ => None,
        };
        if info.is_some_and(|i| i.pdfa.is_some()) {
            claims += 1;
        }
        let expected_pass = rel.contains("-pass-");
        if !expected_pass && !rel.contains("-fail-") {
            continue;
        }
        for (label, frag, part, judge) in CLAUSES {
            if !rel.contains(frag) {
                continue;
            }
            let row = table.entry(label).or_default();
            row.0 += 1;
            match info {
                None => {
                    row.3 += 1;
                    // An unparsable file cannot conform; count it as agreeing with `-fail-`.
                    if expected_pass {
                        row.2 += 1;
                        row.4.push(format!("{rel} (unparsed)"));
                    } else {
                        row.1 += 1;
                    }
                }
                Some(i) => {
                    if judge(i, *part) == expected_pass {
                        row.1 += 1;
                    } else {
                        row.2 += 1;
                        row.4.push(rel.clone());
                    }
                }
            }
        }
    }
    println!(
        "{} files inspected, {claims} claim PDF/A in XMP",
        files.len()
    );
    println!(
        "{:<34} {:>7} {:>7} {:>10} {:>9}",
        "clause", "checked", "agreed", "disagreed", "unparsed"
    );
    let (mut tc, mut ta) = (0, 0);
    for (label, (c, a, d, u, names)) in &table {
        println!("{label:<34} {c:>7} {a:>7} {d:>10} {u:>9}");
        for n in names {
            println!("    disagrees: {n}");
        }
        tc += c;
        ta += a;
    }
    println!("{:<34} {tc:>7} {ta:>7} {:>10}", "total", tc - ta);
    assert_eq!(table.len(), CLAUSES.len(), "every clause has test files");
    assert_eq!(FLOORS.len(), CLAUSES.len(), "every clause has a floor");
    assert!(ta >= 94, "total agreement fell to {ta} of {tc}");
    for (label, floor) in FLOORS {
        let agreed = table.get(label).map(|r| r.1).unwrap_or(0);
        assert!(
            agreed >= *floor,
            "{label}: agreement fell to {agreed} (floor {floor})"
        );
    }
}
