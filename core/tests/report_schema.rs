//! Every report guidang produces validates against `schemas/report.schema.json`.

use guidang::record::{load, Input};
use guidang::Checker;
use std::path::Path;

#[test]
fn reports_validate_against_the_published_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("schemas/report.schema.json")).expect("schema"),
    )
    .expect("json");
    let validator = jsonschema::validator_for(&schema).expect("valid JSON Schema");
    let mut checked = 0;
    let mut reports = Vec::new();
    for entry in std::fs::read_dir(root.join("fixtures/records")).expect("records") {
        let p = entry.expect("entry").path();
        if p.is_dir() {
            if let Input::Record(r) = load(&p).expect("load") {
                reports.push(Checker::archiving().check(&r).expect("check"));
            }
        }
    }
    if let Input::Batch(b) = load(&root.join("fixtures/batches/duplicate-code")).expect("load") {
        let (rs, batch) = Checker::archiving().check_batch(&b).expect("check");
        reports.extend(rs);
        reports.push(batch);
    }
    for r in &reports {
        let v: serde_json::Value = serde_json::from_str(&r.to_json()).expect("report json");
        let errors: Vec<String> = validator
            .iter_errors(&v)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "report {} does not validate:\n{}",
            r.id,
            errors.join("\n")
        );
        checked += 1;
    }
    assert!(checked >= 18, "only {checked} reports checked");
    // And the schema really constrains: a broken report is rejected.
    let mut bad: serde_json::Value = serde_json::from_str(&reports[0].to_json()).expect("json");
    bad["verdict"] = "maybe".into();
    assert!(!validator.is_valid(&bad));
}

#[test]
fn fixture_manifest_validates_against_the_manifest_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("schemas/record-manifest.schema.json")).expect("schema"),
    )
    .expect("json");
    let validator = jsonschema::validator_for(&schema).expect("valid JSON Schema");
    let m: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("fixtures/manifests/valid-wenshu/record.json"))
            .expect("manifest"),
    )
    .expect("json");
    assert!(validator.is_valid(&m));
    let mut bad = m.clone();
    bad["components"][0]["colour"] = "red".into();
    assert!(!validator.is_valid(&bad));
}
