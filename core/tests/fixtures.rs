//! Golden tests over the project's own fixtures (`fixtures/records`, `fixtures/batches`,
//! `fixtures/manifests`): each broken record must fail with the expected DA/T 70 code, the valid
//! one must pass, and every report's findings must match the golden file next to the fixture.
//! Re-bless after reviewing a change with `GUIDANG_BLESS=1 cargo test --test fixtures`.

use guidang::record::{load, Input};
use guidang::report::{Outcome, Report, Verdict};
use guidang::Checker;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .canonicalize()
        .expect("fixtures folder")
}

/// The stable part of a report: no timings, creation time or absolute paths.
fn normalise(r: &Report, root: &Path) -> Value {
    let root = root.display().to_string();
    let strip = |s: &str| s.replace(&root, "fixtures");
    json!({
        "kind": r.kind,
        "id": strip(&r.id),
        "verdict": r.verdict,
        "schema": r.schema,
        "scheme": r.scheme,
        "inputs": r.inputs.iter().map(|i| json!({"role": i.role, "name": i.name, "size": i.size, "sm3": i.sm3, "format": i.format})).collect::<Vec<_>>(),
        "findings": r.findings.iter().map(|f| json!({
            "code": f.code, "rule": f.rule, "outcome": f.outcome, "blocking": f.blocking,
            "subject": strip(&f.subject), "message_en": strip(&f.message_en),
        })).collect::<Vec<_>>(),
    })
}

fn golden(path: &Path, actual: &Value) {
    let bless = std::env::var_os("GUIDANG_BLESS").is_some();
    let text = serde_json::to_string_pretty(actual).expect("json") + "\n";
    if bless || !path.exists() && std::env::var_os("CI").is_none() {
        std::fs::write(path, &text).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "golden file {} missing ({e}); run with GUIDANG_BLESS=1",
            path.display()
        )
    });
    if expected != text {
        let diff_at = expected
            .lines()
            .zip(text.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "golden mismatch for {} at line {}:\n  expected: {}\n  actual:   {}\nreview the change, then re-bless with GUIDANG_BLESS=1 cargo test --test fixtures",
            path.display(),
            diff_at + 1,
            expected.lines().nth(diff_at).unwrap_or(""),
            text.lines().nth(diff_at).unwrap_or("")
        );
    }
}

fn check_one(path: &Path) -> Report {
    match load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())) {
        Input::Record(r) => Checker::archiving().check(&r).expect("check"),
        Input::Batch(_) => panic!("{} is a batch", path.display()),
    }
}

#[test]
fn record_fixtures_fail_with_expected_codes_and_match_goldens() {
    let root = fixtures();
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("records/manifest.json")).expect("manifest"),
    )
    .expect("json");
    let entries = manifest.as_object().expect("object");
    assert!(
        entries.len() >= 15,
        "expected the full set of broken variants"
    );
    let mut problems = Vec::new();
    for (name, exp) in entries {
        let dir = root.join("records").join(name);
        let report = check_one(&dir);
        golden(
            &root.join("records").join(format!("{name}.expected.json")),
            &normalise(&report, &root),
        );
        if exp.get("pending").is_some() {
            continue;
        }
        let want = exp["verdict"].as_str().expect("verdict");
        if report.verdict.as_str() != want {
            problems.push(format!(
                "{name}: verdict {} (expected {want})",
                report.verdict.as_str()
            ));
        }
        for code in exp["failed"].as_array().expect("failed") {
            let code = code.as_str().expect("code");
            if !report
                .findings
                .iter()
                .any(|f| f.code == code && f.outcome == Outcome::Fail)
            {
                problems.push(format!("{name}: no failing {code} finding"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "fixture expectations not met:\n{}",
        problems.join("\n")
    );
}

#[test]
fn valid_record_passes_and_every_catalogue_item_has_an_outcome() {
    let root = fixtures();
    let r = check_one(&root.join("records/valid-wenshu"));
    assert_eq!(r.verdict, Verdict::Pass, "{}", r.to_json_pretty());
    let cat = guidang::Catalogue::builtin();
    for item in cat.stage(guidang::Stage::Archiving) {
        assert!(
            r.findings.iter().any(|f| f.code == item.code),
            "no finding for {}",
            item.code
        );
    }
    assert_eq!(r.inputs.len(), 2);
    assert!(r
        .inputs
        .iter()
        .all(|i| i.sm3.len() == 64 && i.sha256.len() == 64));
    // Nothing guidang cannot judge is reported as a pass.
    for code in ["GD-4-1", "GD-3-2"] {
        assert!(
            r.findings
                .iter()
                .filter(|f| f.code == code)
                .all(|f| f.outcome == Outcome::Manual),
            "{code} must be manual"
        );
    }
}

#[test]
fn manifest_record_matches_folder_record() {
    let root = fixtures();
    let folder = check_one(&root.join("records/valid-wenshu"));
    let manifest = check_one(&root.join("manifests/valid-wenshu/record.json"));
    assert_eq!(
        manifest.verdict,
        Verdict::Pass,
        "{}",
        manifest.to_json_pretty()
    );
    let digests = |r: &Report| {
        r.inputs
            .iter()
            .map(|i| (i.name.clone(), i.sm3.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(digests(&folder), digests(&manifest));
    assert_eq!(folder.id, manifest.id);
}

#[test]
fn bare_file_is_a_record_without_metadata() {
    let root = fixtures();
    let r = check_one(&root.join("records/valid-wenshu/正文.ofd"));
    assert_eq!(r.schema, "none");
    assert_eq!(r.inputs.len(), 1);
    for code in ["GD-1-2", "GD-2-4", "GD-3-1", "GD-1-10"] {
        let f: Vec<_> = r.findings.iter().filter(|f| f.code == code).collect();
        assert!(
            !f.is_empty() && f.iter().all(|f| f.outcome == Outcome::NotApplicable),
            "{code}: {f:?}"
        );
    }
    assert!(r
        .findings
        .iter()
        .any(|f| f.code == "GD-3-3" && f.outcome == Outcome::Pass));
}

fn check_batch(name: &str) -> (Vec<Report>, Report) {
    let root = fixtures();
    match load(&root.join("batches").join(name)).expect("load") {
        Input::Batch(b) => Checker::archiving().check_batch(&b).expect("check"),
        Input::Record(_) => panic!("not a batch"),
    }
}

#[test]
fn batches_count_bytes_and_match_goldens() {
    let root = fixtures();
    for name in ["valid-batch", "jianhao-gap", "duplicate-code"] {
        let (records, batch) = check_batch(name);
        assert_eq!(records.len(), 3, "{name}");
        for code in ["GD-2-1", "GD-2-2"] {
            assert!(
                batch
                    .findings
                    .iter()
                    .any(|f| f.code == code && f.outcome == Outcome::Pass),
                "{name}: {code} should pass"
            );
        }
        let mut all: Vec<Value> = records.iter().map(|r| normalise(r, &root)).collect();
        all.push(normalise(&batch, &root));
        golden(
            &root.join("batches").join(format!("{name}.expected.json")),
            &Value::Array(all),
        );
    }
    let (_, b) = check_batch("valid-batch");
    assert_eq!(b.verdict, Verdict::Pass, "{}", b.to_json_pretty());
}

#[test]
fn batch_duplicates_are_found() {
    let (records, batch) = check_batch("duplicate-code");
    assert_eq!(batch.verdict, Verdict::Fail);
    let dup: Vec<&str> = records
        .iter()
        .filter(|r| {
            r.findings
                .iter()
                .any(|f| f.code == "GD-1-8" && f.outcome == Outcome::Fail)
        })
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(
        dup.len(),
        2,
        "both records sharing the 档号 fail 1-8: {dup:?}"
    );
}

#[test]
fn batch_jianhao_gap_fails_continuity() {
    let (records, batch) = check_batch("jianhao-gap");
    assert_eq!(batch.verdict, Verdict::Fail);
    let gap = batch
        .findings
        .iter()
        .find(|f| f.code == "GD-2-6" && f.outcome == Outcome::Fail)
        .expect("a 2-6 gap finding");
    assert_eq!(gap.evidence["expected"], 3);
    assert_eq!(gap.evidence["found"], 4);
    // The record after the gap carries the finding too.
    let r = records
        .iter()
        .find(|r| {
            r.findings
                .iter()
                .any(|f| f.code == "GD-2-6" && f.outcome == Outcome::Fail)
        })
        .expect("record with gap");
    assert_eq!(r.id, "BGS-2024-000004");
    let (_, ok) = check_batch("valid-batch");
    assert!(ok
        .findings
        .iter()
        .any(|f| f.code == "GD-2-6" && f.outcome == Outcome::Pass));
}
