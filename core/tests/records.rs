//! Record readers: folders, manifests, bare files, the builder, and their errors.

use guidang::record::{load, Component, Input, MetaNode, Role};
use guidang::{Checker, Error, Outcome, RecordBuilder, Verdict};
use std::path::Path;

#[test]
fn missing_path_is_an_io_error_naming_it() {
    let e = load(Path::new("/nonexistent/record")).unwrap_err();
    assert!(matches!(e, Error::Io { .. }));
    assert!(e.to_string().contains("/nonexistent/record"));
    assert_eq!(e.code(), "io");
}

#[test]
fn manifest_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.json");
    std::fs::write(
        &p,
        "{\n  \"id\": \"x\",\n  \"components\": [],\n  \"colour\": 1\n}\n",
    )
    .unwrap();
    let e = guidang::record::read_manifest(&p).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("bad.json") && msg.contains("line 4") && msg.contains("colour"),
        "{msg}"
    );

    std::fs::write(
        &p,
        r#"{"id":"x","components":[{"path":"../../etc/passwd"}]}"#,
    )
    .unwrap();
    let e = guidang::record::read_manifest(&p).unwrap_err();
    assert!(e.to_string().contains("inside the manifest folder"), "{e}");
}

#[test]
fn folder_without_metadata_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("r");
    std::fs::create_dir(&rec).unwrap();
    std::fs::write(rec.join("a.pdf"), b"%PDF-1.4\n").unwrap();
    // A folder with only content files is read as a batch of bare files.
    match load(&rec).unwrap() {
        Input::Batch(b) => assert_eq!(b.entries.len(), 1),
        Input::Record(_) => panic!("expected a batch"),
    }
    let e = guidang::record::read_record_folder(&rec).unwrap_err();
    assert!(e.to_string().contains("no metadata XML"), "{e}");
}

#[test]
fn undeclared_files_and_traversal_names_are_link_problems() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("r");
    std::fs::create_dir(&rec).unwrap();
    std::fs::write(rec.join("extra.txt"), b"x").unwrap();
    std::fs::write(dir.path().join("outside.pdf"), b"%PDF-1.4\n").unwrap();
    std::fs::write(
        rec.join("元数据.xml"),
        "<电子文件元数据><电子文件号>R1</电子文件号><文件数据><文档><电子属性><计算机文件名>../outside.pdf</计算机文件名></电子属性></文档></文件数据></电子文件元数据>",
    )
    .unwrap();
    let r = guidang::record::read_record_folder(&rec).unwrap();
    assert_eq!(r.id, "R1");
    assert!(
        r.components.is_empty(),
        "a name climbing out of the folder must not be followed"
    );
    assert!(r
        .link_problems
        .iter()
        .any(|l| l.missing && l.name == "../outside.pdf"));
    assert!(r
        .link_problems
        .iter()
        .any(|l| !l.missing && l.name == "extra.txt"));
    let report = Checker::archiving().check(&r).unwrap();
    assert_eq!(report.verdict, Verdict::Fail);
    assert!(report.findings.iter().any(|f| f.code == "GD-1-11"
        && f.rule == "link.unreferenced"
        && f.outcome == Outcome::Warn));
}

#[test]
fn builder_records_are_checked_like_folders() {
    let pdf = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/records/valid-wenshu/附件1.pdf"),
    )
    .unwrap();
    let md = MetaNode::from_json(
        "文件实体",
        &serde_json::json!({"电子文件号": "MEM-1", "内容描述": {"题名": "内存中的件", "密级": "公开"}}),
    )
    .remove(0);
    let r = RecordBuilder::new("MEM-1")
        .metadata(md)
        .set("内容描述/责任者", "某单位")
        .component(Component::from_bytes(Role::Main, "正文.pdf", pdf.clone()))
        .build();
    assert_eq!(r.meta("内容描述/责任者"), Some("某单位"));
    assert_eq!(r.components[0].sequence, 1);
    let report = Checker::archiving().check(&r).unwrap();
    assert_eq!(report.inputs[0].size, pdf.len() as u64);
    assert_eq!(report.source, "memory:");
    // Nothing declared for the component: 1-10 says so instead of passing.
    assert!(report.findings.iter().any(|f| f.code == "GD-1-10"
        && f.rule == "attributes.undeclared"
        && f.outcome == Outcome::Fail));
    assert!(report
        .findings
        .iter()
        .any(|f| f.code == "GD-3-3" && f.outcome == Outcome::Pass));
}
