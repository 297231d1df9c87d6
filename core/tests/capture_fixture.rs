//! The bundled valid record, captured in every package format, verifies with verdict `pass` at
//! 移交与接收 (YJ) and 长期保存 (BC); the packaged metadata stays valid against its schema.

use guidang::capture::{verify_journal, CaptureConfig, Capturer};
use guidang::package::{verify_package, PackageFormat, VerifyOptions};
use guidang::record::{load, Input};
use guidang::{Outcome, Stage, Verdict};
use std::path::Path;

#[test]
fn bundled_record_captures_and_verifies_in_every_format() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/records/valid-wenshu");
    let Input::Record(record) = load(&fixture).expect("load") else {
        panic!("not a record")
    };
    for format in [
        PackageFormat::Zip,
        PackageFormat::Dir,
        PackageFormat::Eep,
        PackageFormat::Bagit,
    ] {
        let out = tempfile::tempdir().expect("tempdir");
        let mut cfg = CaptureConfig::new(out.path());
        cfg.format = format;
        let receipt = Capturer::open(cfg)
            .expect("open")
            .capture(&record)
            .expect("capture");
        assert_eq!(receipt.report.verdict, Verdict::Pass, "{format:?}");
        for stage in [Stage::Transfer, Stage::Preservation] {
            let opts = VerifyOptions {
                stage,
                expected_sm3: Some(receipt.package_sm3.clone()),
                ..Default::default()
            };
            let rep = verify_package(&receipt.package_path, &opts).expect("verify");
            let failed: Vec<String> = rep
                .findings
                .iter()
                .filter(|f| matches!(f.outcome, Outcome::Fail | Outcome::Warn))
                .map(|f| format!("{} {} {}: {}", f.code, f.rule, f.subject, f.message_en))
                .collect();
            assert_eq!(
                rep.verdict,
                Verdict::Pass,
                "{format:?} {stage:?}: {failed:#?}"
            );
            assert!(rep.findings.iter().all(|f| f.stage == stage));
            assert!(
                rep.findings
                    .iter()
                    .any(|f| f.code.ends_with("-1-14") && f.outcome == Outcome::Pass),
                "{format:?}: 1-14"
            );
        }
        let j = verify_journal(out.path()).expect("journal");
        assert!(j.problems.is_empty(), "{format:?}: {:?}", j.problems);
    }
}
