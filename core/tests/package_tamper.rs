//! Flip one byte in any content, manifest or metadata file of a package: verification fails and
//! the report names the file.

mod common;

use guidang::package::{
    verify_package, write_package, ContentDigest, PackageFormat, PackageInput, PackageOptions,
    SigningKey, VerifyOptions,
};
use guidang::{Outcome, Report, Verdict};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn build(format: PackageFormat, dir: &Path, sign: bool) -> (PathBuf, String) {
    let r = common::record(dir, "R-7", b"attachment seven");
    let digests: Vec<ContentDigest> = r
        .components
        .iter()
        .map(|c| ContentDigest::measure(c).unwrap())
        .collect();
    let dest = dir.join(format!("pkg{}", format.suffix()));
    let mut opts = PackageOptions {
        sha256: true,
        ..Default::default()
    };
    if sign {
        opts.signing_key = Some(Arc::new(
            SigningKey::sm2_from_secret(&[9u8; 32], "签名人").unwrap(),
        ));
    }
    let w = write_package(
        format,
        &PackageInput {
            record: &r,
            digests: &digests,
            version: 1,
            revises: None,
        },
        &dest,
        &opts,
    )
    .unwrap();
    (dest, w.sm3)
}

fn files(root: &Path, rel: &str, out: &mut Vec<String>) {
    for e in std::fs::read_dir(root.join(rel)).unwrap().flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        let r = if rel.is_empty() {
            n
        } else {
            format!("{rel}/{n}")
        };
        if e.path().is_dir() {
            files(root, &r, out);
        } else {
            out.push(r);
        }
    }
}

fn flip(p: &Path, at: usize) {
    let mut b = std::fs::read(p).unwrap();
    let i = at.min(b.len() - 1);
    // Keep ASCII digits/letters in their class so the change stays well-formed where possible.
    b[i] = match b[i] {
        b'0'..=b'8' | b'a'..=b'e' | b'A'..=b'Y' => b[i] + 1,
        b'9' => b'0',
        b'f' => b'a',
        other => other ^ 0x01,
    };
    std::fs::write(p, b).unwrap();
}

fn names(rep: &Report, rel: &str) -> bool {
    let base = rel.rsplit('/').next().unwrap_or(rel);
    rep.findings
        .iter()
        .filter(|f| f.outcome == Outcome::Fail)
        .any(|f| {
            f.subject.contains(rel)
                || f.subject.ends_with(base)
                || f.message_en.contains(rel)
                || f.message_zh.contains(rel)
        })
}

#[test]
fn folder_packages_name_every_tampered_file() {
    for format in [PackageFormat::Dir, PackageFormat::Bagit] {
        let dir = tempfile::tempdir().unwrap();
        let (pkg, _) = build(format, dir.path(), false);
        let mut list = Vec::new();
        files(&pkg, "", &mut list);
        assert!(list.len() >= 7, "{list:?}");
        for rel in &list {
            for at in [0usize, 40] {
                let d2 = tempfile::tempdir().unwrap();
                let (pkg, _) = build(format, d2.path(), false);
                flip(&pkg.join(rel), at);
                let rep = verify_package(&pkg, &VerifyOptions::default()).unwrap();
                assert_eq!(
                    rep.verdict,
                    Verdict::Fail,
                    "{format:?} {rel}@{at} not detected"
                );
                assert!(
                    names(&rep, rel),
                    "{format:?} {rel}@{at}: not named in {:#?}",
                    rep.findings
                        .iter()
                        .filter(|f| f.outcome == Outcome::Fail)
                        .map(|f| (&f.subject, &f.message_en))
                        .collect::<Vec<_>>()
                );
            }
        }
    }
}

#[test]
fn zip_package_tampering_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let (pkg, sm3) = build(PackageFormat::Zip, dir.path(), false);
    let len = std::fs::metadata(&pkg).unwrap().len() as usize;
    // Untouched: pass, including the digest recorded at capture.
    let rep = verify_package(
        &pkg,
        &VerifyOptions {
            expected_sm3: Some(sm3.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_ne!(rep.verdict, Verdict::Fail);
    // A byte inside the stored attachment: the zip CRC (and the manifest) catch it.
    let bytes = std::fs::read(&pkg).unwrap();
    let at = bytes
        .windows(16)
        .position(|w| w == b"attachment seven")
        .unwrap();
    let d2 = tempfile::tempdir().unwrap();
    let (pkg2, _) = build(PackageFormat::Zip, d2.path(), false);
    flip(&pkg2, at + 3);
    let rep = verify_package(&pkg2, &VerifyOptions::default()).unwrap();
    assert_eq!(rep.verdict, Verdict::Fail);
    assert!(
        rep.findings
            .iter()
            .any(|f| f.outcome == Outcome::Fail && f.message_en.contains("R-7-附件.txt")),
        "{:#?}",
        rep.findings
    );
    // Any byte of the file: either detected or (zip padding/timestamps) not part of the content;
    // with the receipt digest, every change to the manifest entry is detected.
    let mut detected = 0;
    for at in (0..len).step_by(len / 40 + 1) {
        let d3 = tempfile::tempdir().unwrap();
        let (p, sm3) = build(PackageFormat::Zip, d3.path(), false);
        flip(&p, at);
        let rep = verify_package(
            &p,
            &VerifyOptions {
                expected_sm3: Some(sm3),
                ..Default::default()
            },
        )
        .unwrap();
        if rep.verdict == Verdict::Fail {
            detected += 1;
        }
    }
    assert!(detected >= 30, "only {detected} of ~40 flips detected");
}

#[test]
fn eep_tampering_breaks_the_signature_and_names_the_part() {
    let dir = tempfile::tempdir().unwrap();
    let (pkg, _) = build(PackageFormat::Eep, dir.path(), true);
    let text = std::fs::read_to_string(&pkg).unwrap();
    // Content (inside 编码数据), metadata (题名) and package metadata (创建单位).
    let content_at = text.find("<编码数据 ").unwrap() + 300;
    let title_at = text.find("关于印发").unwrap();
    for (what, at, expect) in [
        ("content", content_at, "编码"),
        ("metadata", title_at, "签名"),
    ] {
        let d2 = tempfile::tempdir().unwrap();
        let (p, _) = build(PackageFormat::Eep, d2.path(), true);
        flip(&p, at);
        let rep = verify_package(&p, &VerifyOptions::default()).unwrap();
        assert_eq!(rep.verdict, Verdict::Fail, "{what}");
        assert!(
            rep.findings.iter().any(|f| f.outcome == Outcome::Fail
                && f.rule == "eep.signature_invalid"
                && f.subject.contains("pkg.eep.xml")),
            "{what}"
        );
        assert!(
            rep.findings
                .iter()
                .any(|f| f.outcome == Outcome::Fail && f.subject.contains(expect)),
            "{what}: {:#?}",
            rep.findings
        );
    }
    // Unsigned: the content is still covered by the SM3 fixity in 附注.
    let d3 = tempfile::tempdir().unwrap();
    let (p, _) = build(PackageFormat::Eep, d3.path(), false);
    flip(&p, content_at);
    let rep = verify_package(&p, &VerifyOptions::default()).unwrap();
    assert_eq!(rep.verdict, Verdict::Fail);
    assert!(
        rep.findings.iter().any(|f| f.rule == "eep.fixity_mismatch"
            && f.subject.contains("修改0-文档1-文档数据1-编码1")),
        "{:#?}",
        rep.findings
    );
}
