//! The `guidang` binary: output formats and the exit-code convention (0 pass/warn, 1 fail, 2 could not run).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn guidang(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guidang"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run guidang")
}

#[test]
fn valid_record_exits_0_with_one_json_line() {
    let out = guidang(&["check", "fixtures/records/valid-wenshu", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1);
    let v: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(v["verdict"], "pass");
    assert_eq!(v["kind"], "record");
}

#[test]
fn failing_record_exits_1_and_text_names_the_code() {
    let out = guidang(&["check", "fixtures/records/size-mismatch", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("verdict: fail"), "{text}");
    assert!(
        text.contains("GD-1-10") && text.contains("attributes.mismatch"),
        "{text}"
    );
    let zh =
        String::from_utf8(guidang(&["check", "fixtures/records/size-mismatch"]).stdout).unwrap();
    assert!(zh.contains("结论: 不通过"), "{zh}");
}

#[test]
fn batch_prints_one_line_per_record_and_a_batch_line() {
    let out = guidang(&["check", "fixtures/batches/valid-batch", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let kinds: Vec<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(kinds, ["record", "record", "record", "batch"]);
}

#[test]
fn could_not_run_exits_2_with_one_line_reason() {
    let out = guidang(&["check", "no/such/path"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no/such/path"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("scheme.toml");
    std::fs::write(
        &bad,
        "id = 'x'\nname = 'x'\nstage = 'GD'\n[items]\n\"1-1\" = 'sometimes'\n",
    )
    .unwrap();
    let out = guidang(&[
        "check",
        "fixtures/records/valid-wenshu",
        "--scheme",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("scheme.toml:5"), "{err}");

    let schema = dir.path().join("schema.toml");
    std::fs::write(&schema, "id = \"bad\"\nname = \"bad\"\nextends = \"dat46-wenshu\"\n\n[[element]]\nname = \"新元素\"\ntype = \"colour\"\n").unwrap();
    let out = guidang(&[
        "check",
        "fixtures/records/valid-wenshu",
        "--schema",
        schema.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("schema.toml:") && err.lines().count() == 1,
        "{err}"
    );

    let out = guidang(&["check", "--format", "yaml", "fixtures/records/valid-wenshu"]);
    assert_eq!(out.status.code(), Some(2));
}
