//! 件级 / EEP / BagIt packages: write a captured record, verify it at YJ and BC, and show that
//! flipping one byte of any content, manifest or metadata file makes verification fail naming it.

mod common;

use guidang::package::{
    verify_package, write_package, ContentDigest, PackageFormat, PackageInput, PackageOptions,
    VerifyOptions,
};
use guidang::{Checker, Outcome, Stage, Verdict};

#[test]
fn archiving_check_of_test_record() {
    let dir = tempfile::tempdir().unwrap();
    let r = common::record(dir.path(), "R-0001", b"attachment one");
    let rep = Checker::archiving().check(&r).unwrap();
    let bad: Vec<String> = rep
        .findings
        .iter()
        .filter(|f| f.outcome == Outcome::Fail)
        .map(|f| format!("{} {} {} {}", f.code, f.rule, f.subject, f.message_en))
        .collect();
    assert_ne!(rep.verdict, Verdict::Fail, "{bad:#?}");
}

fn write(format: PackageFormat, dir: &std::path::Path) -> std::path::PathBuf {
    let r = common::record(dir, "R-0002", b"attachment two");
    let digests: Vec<ContentDigest> = r
        .components
        .iter()
        .map(|c| ContentDigest::measure(c).unwrap())
        .collect();
    let dest = dir.join(format!("pkg{}", format.suffix()));
    let input = PackageInput {
        record: &r,
        digests: &digests,
        version: 1,
        revises: None,
    };
    write_package(format, &input, &dest, &PackageOptions::default()).unwrap();
    dest
}

#[test]
fn each_format_verifies() {
    for format in [
        PackageFormat::Dir,
        PackageFormat::Zip,
        PackageFormat::Eep,
        PackageFormat::Bagit,
    ] {
        let dir = tempfile::tempdir().unwrap();
        let p = write(format, dir.path());
        for stage in [Stage::Transfer, Stage::Preservation] {
            let rep = verify_package(
                &p,
                &VerifyOptions {
                    stage,
                    ..Default::default()
                },
            )
            .unwrap();
            let bad: Vec<String> = rep
                .findings
                .iter()
                .filter(|f| f.outcome == Outcome::Fail)
                .map(|f| format!("{} {} {} {}", f.code, f.rule, f.subject, f.message_en))
                .collect();
            assert_ne!(rep.verdict, Verdict::Fail, "{format:?} {stage:?}: {bad:#?}");
            for seq in ["1-12", "1-13", "1-14", "2-10", "2-11", "3-8"] {
                let code = format!("{}-{seq}", stage.prefix());
                assert!(
                    rep.findings
                        .iter()
                        .any(|f| f.code == code && f.outcome == Outcome::Pass),
                    "{format:?}: no pass for {code}"
                );
            }
        }
    }
}
