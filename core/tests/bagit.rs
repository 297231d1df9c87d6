//! BagIt: `verify_package` agrees with every bag of the Library of Congress conformance suite
//! (../shared/corpus/bagit): `valid` pass, `warning` pass with a warning, `invalid` and
//! `linux-only` fail. `windows-only` bags describe Windows path problems and are not judged here.

use guidang::package::{validate_bag, verify_package, VerifyOptions};
use guidang::{Outcome, Verdict};
use std::path::PathBuf;

fn suite() -> PathBuf {
    let p = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/bagit"
    ));
    assert!(p.is_dir(), "BagIt corpus missing at {}", p.display());
    p
}

#[test]
fn conformance_suite_agrees_100_percent() {
    let mut total = 0;
    let mut agree = 0;
    let mut disagreements = Vec::new();
    let mut versions: Vec<_> = std::fs::read_dir(suite())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    versions.sort();
    for v in versions {
        for class in ["valid", "invalid", "linux-only", "warning"] {
            let Ok(rd) = std::fs::read_dir(v.join(class)) else {
                continue;
            };
            let mut bags: Vec<_> = rd
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect();
            bags.sort();
            for bag in bags {
                total += 1;
                let rep = verify_package(&bag, &VerifyOptions::default()).unwrap();
                let bag_rep = validate_bag(&bag).unwrap();
                let warned = rep.findings.iter().any(|f| f.outcome == Outcome::Warn);
                let ok = match class {
                    "valid" => rep.verdict != Verdict::Fail && bag_rep.is_valid(),
                    "warning" => {
                        rep.verdict == Verdict::Warn
                            && warned
                            && bag_rep.is_valid()
                            && !bag_rep.warnings.is_empty()
                    }
                    _ => rep.verdict == Verdict::Fail && !bag_rep.is_valid(),
                };
                if ok {
                    agree += 1;
                } else {
                    disagreements.push(format!(
                        "{class} {}: {:?} errors={:?} warnings={:?}",
                        bag.display(),
                        rep.verdict,
                        bag_rep.errors,
                        bag_rep.warnings
                    ));
                }
            }
        }
    }
    eprintln!("BagIt conformance: {agree}/{total} agree");
    assert_eq!(total, 54, "the suite has 54 bags in these classes");
    assert_eq!(agree, total, "{disagreements:#?}");
}

#[test]
fn invalid_bags_name_the_problem_file() {
    let s = suite();
    let rep = validate_bag(&s.join("v0.97/invalid/corrupt-data-file")).unwrap();
    assert!(
        rep.errors
            .iter()
            .any(|(f, m)| f.starts_with("data/") && m.contains("checksum")),
        "{:?}",
        rep.errors
    );
    let rep = validate_bag(&s.join("v0.97/invalid/extra-file-in-bag")).unwrap();
    assert!(
        rep.errors
            .iter()
            .any(|(f, m)| f == "data/bar" && m.contains("not listed")),
        "{:?}",
        rep.errors
    );
    assert!(
        !rep.errors.iter().any(|(f, _)| f == "data/foo"),
        "{:?}",
        rep.errors
    );
    let rep = validate_bag(&s.join("v0.97/invalid/missing-baginfo")).unwrap();
    assert!(
        rep.errors.iter().any(|(f, _)| f == "bag-info.txt"),
        "{:?}",
        rep.errors
    );
}
