//! The format layer wired into the DA/T 70 checks: 3-3 (allowed format, office, extension and
//! declared mismatch), 3-4 (readable, with format/version/facts as evidence; quirks as warnings),
//! 3-8 (encryption, OFD-A, minimum scan resolution), 1-10 数字化属性 and 4-9 (active content).

mod fmtgen;

use guidang::record::{Component, Declared, Digitization, RecordBuilder, Role};
use guidang::report::{Finding, Outcome, Stage};
use guidang::{CheckOptions, Checker, Scheme};
use std::path::PathBuf;

fn corpus(rel: &str) -> PathBuf {
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus/")).join(rel);
    assert!(p.exists(), "corpus file missing: {}", p.display());
    p
}

fn check(components: Vec<Component>) -> Vec<Finding> {
    check_with(Scheme::default_for(Stage::Archiving), components)
}

fn check_with(scheme: Scheme, components: Vec<Component>) -> Vec<Finding> {
    let mut b = RecordBuilder::new("fmt-test");
    for c in components {
        b = b.component(c);
    }
    Checker::new(None, scheme, CheckOptions::default())
        .check(&b.build())
        .unwrap()
        .findings
}

fn by<'a>(f: &'a [Finding], code: &str, subject: &str) -> Vec<&'a Finding> {
    f.iter()
        .filter(|x| x.code == code && x.subject == subject)
        .collect()
}

#[test]
fn ofd_is_readable_with_evidence() {
    let c = Component::from_path(Role::Main, corpus("ofd/sign__v4signed.ofd"));
    let name = c.name.clone();
    let f = check(vec![c]);
    let r = by(&f, "GD-3-4", &name);
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(r[0].outcome, Outcome::Pass);
    assert_eq!(r[0].evidence["format"], "OFD");
    assert_eq!(r[0].evidence["version"], "1.1");
    assert!(r[0].evidence["pages"].as_u64().unwrap() >= 1);
    assert!(r[0].evidence["signatures"].as_array().unwrap().len() == 1);
    let s = by(&f, "GD-4-9", &name);
    assert_eq!(s[0].outcome, Outcome::Pass, "{s:?}");
    let c38 = by(&f, "GD-3-8", &name);
    assert_eq!(c38[0].outcome, Outcome::Pass, "{c38:?}");
    let c33 = by(&f, "GD-3-3", &name);
    assert_eq!(c33[0].outcome, Outcome::Pass);
}

#[test]
fn quirks_are_warnings_and_ofda_checked() {
    let c = Component::from_path(Role::Main, corpus("ofd/sign__namespace_no_std.ofd"));
    let name = c.name.clone();
    let f = check(vec![c]);
    let r = by(&f, "GD-3-4", &name);
    assert!(r.iter().any(|x| x.outcome == Outcome::Pass));
    assert!(r
        .iter()
        .any(|x| x.outcome == Outcome::Warn && x.rule == "ofd.namespace"));
    assert!(!r.iter().any(|x| x.outcome == Outcome::Fail));
    // A scheme that requires OFD-A fails a plain OFD and passes the OFD-A sample.
    let mut scheme = Scheme::default_for(Stage::Archiving);
    scheme.options.require_ofda = true;
    let f = check_with(
        scheme.clone(),
        vec![Component::from_path(
            Role::Main,
            corpus("ofd/reader__helloworld.ofd"),
        )],
    );
    let c38: Vec<&Finding> = f.iter().filter(|x| x.code == "GD-3-8").collect();
    assert_eq!(c38[0].outcome, Outcome::Fail, "{c38:?}");
    assert_eq!(c38[0].rule, "ofda.rules");
    let f = check_with(
        scheme,
        vec![Component::from_path(
            Role::Main,
            corpus("ofd/archive__test-ofda.ofd"),
        )],
    );
    let c38: Vec<&Finding> = f.iter().filter(|x| x.code == "GD-3-8").collect();
    assert_eq!(c38[0].outcome, Outcome::Pass, "{c38:?}");
    // An OFD-A declaring Permissions breaks GB/T 42133 6.2.2 a.
    let bad = fmtgen::ofd(
        "OFD-A",
        None,
        "<ofd:Permissions><ofd:Edit>false</ofd:Edit></ofd:Permissions>",
    );
    let f = check(vec![Component::from_bytes(Role::Main, "a.ofd", bad)]);
    let c38 = by(&f, "GD-3-8", "a.ofd");
    assert_eq!(c38[0].outcome, Outcome::Fail, "{c38:?}");
    assert!(
        c38[0].message_en.contains("6.2.2 a"),
        "{}",
        c38[0].message_en
    );
}

#[test]
fn encrypted_and_javascript_pdfs_fail_security() {
    let c = Component::from_path(Role::Main, corpus("pdf/pyhanko/minimal-aes256.pdf"));
    let name = c.name.clone();
    let f = check(vec![c]);
    assert_eq!(by(&f, "GD-4-9", &name)[0].outcome, Outcome::Fail);
    assert_eq!(by(&f, "GD-4-9", &name)[0].rule, "pdf.encrypted");
    assert_eq!(by(&f, "GD-3-8", &name)[0].outcome, Outcome::Fail);
    assert_eq!(by(&f, "GD-3-4", &name)[0].outcome, Outcome::Fail);
    let c = Component::from_path(
        Role::Main,
        corpus("pdf/pyhanko/safedocs_CompactedPDFSyntaxTest.pdf"),
    );
    let name = c.name.clone();
    let f = check(vec![c]);
    let s = by(&f, "GD-4-9", &name);
    assert_eq!(s[0].outcome, Outcome::Fail);
    assert!(
        s[0].message_en.contains("JavaScript"),
        "{}",
        s[0].message_en
    );
}

#[test]
fn pdfa_claim_reported_as_indicators_never_conformant() {
    let c = Component::from_path(Role::Main, corpus("pdf/pyhanko/minimal-pdf-ua-and-a.pdf"));
    let name = c.name.clone();
    let f = check(vec![c]);
    let c38 = by(&f, "GD-3-8", &name);
    let msg = &c38[0].message_en;
    assert!(msg.contains("claims PDF/A-3b"), "{msg}");
    assert!(msg.contains("indicators"), "{msg}");
    for x in &f {
        assert!(
            !x.message_en.to_lowercase().contains("conformant"),
            "{}",
            x.message_en
        );
    }
    assert_eq!(c38[0].evidence["profile"], "PDF/A-3b (claimed)");
}

#[test]
fn office_extension_and_declared_mismatch() {
    let docx = fmtgen::zip(&[
        ("[Content_Types].xml", br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#.as_slice()),
        ("word/document.xml", br#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>"#.as_slice()),
        ("word/vbaProject.bin", b"\xD0\xCF\x11\xE0macro".as_slice()),
    ]);
    let f = check(vec![Component::from_bytes(
        Role::Attachment,
        "memo.docx",
        docx,
    )]);
    let c33 = by(&f, "GD-3-3", "memo.docx");
    assert_eq!(c33[0].outcome, Outcome::Warn, "{c33:?}");
    assert_eq!(c33[0].rule, "format.office");
    let s = by(&f, "GD-4-9", "memo.docx");
    assert_eq!(s[0].outcome, Outcome::Fail);
    assert_eq!(s[0].rule, "office.macros");
    // An OFD named .pdf and declared as PDF.
    let c = Component::from_bytes(Role::Main, "invoice.pdf", fmtgen::ofd("OFD", None, ""))
        .with_declared(Declared {
            format: Some("PDF".into()),
            ..Declared::default()
        });
    let f = check(vec![c]);
    let c33 = by(&f, "GD-3-3", "invoice.pdf");
    assert!(
        c33.iter()
            .any(|x| x.rule == "format.extension_mismatch" && x.outcome == Outcome::Warn),
        "{c33:?}"
    );
    assert!(
        c33.iter().any(|x| x.rule == "format.declared_mismatch"),
        "{c33:?}"
    );
    assert!(c33
        .iter()
        .any(|x| x.rule == "format.allowed" && x.outcome == Outcome::Pass));
}

#[test]
fn digitisation_attributes_and_minimum_resolution() {
    // A 150 dpi grey JPEG declared as 300 dpi colour: 1-10 mismatch; 3-8 below the 200 dpi minimum.
    let jpg = jpeg_header(150, 1);
    let d = Digitization {
        resolution: Some("300dpi".into()),
        color_mode: Some("彩色".into()),
        compression: Some("JPEG".into()),
        ..Digitization::default()
    };
    let c = Component::from_bytes(Role::Attachment, "scan.jpg", jpg).with_declared(Declared {
        digitization: Some(d),
        ..Declared::default()
    });
    let f = check(vec![c]);
    let a = by(&f, "GD-1-10", "scan.jpg");
    let dz = a
        .iter()
        .find(|x| x.rule.starts_with("digitization"))
        .expect("digitisation finding");
    assert_eq!(dz.outcome, Outcome::Fail);
    assert!(
        dz.message_zh.contains("扫描分辨率") && dz.message_zh.contains("扫描色彩模式"),
        "{}",
        dz.message_zh
    );
    let c38 = by(&f, "GD-3-8", "scan.jpg");
    assert_eq!(c38[0].outcome, Outcome::Fail);
    assert_eq!(c38[0].rule, "image.resolution_below_minimum");
    // A matching 300 dpi colour JPEG passes both.
    let d = Digitization {
        resolution: Some("300".into()),
        color_mode: Some("彩色".into()),
        compression: Some("JPEG".into()),
        ..Digitization::default()
    };
    let c = Component::from_bytes(Role::Attachment, "ok.jpg", jpeg_header(300, 3)).with_declared(
        Declared {
            digitization: Some(d),
            ..Declared::default()
        },
    );
    let f = check(vec![c]);
    let dz: Vec<&Finding> = f
        .iter()
        .filter(|x| x.rule == "digitization.consistent")
        .collect();
    assert_eq!(dz.len(), 1);
    assert_eq!(by(&f, "GD-3-8", "ok.jpg")[0].outcome, Outcome::Pass);
}

fn jpeg_header(dpi: u16, comps: u8) -> Vec<u8> {
    let mut v = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 1,
    ];
    v.extend_from_slice(&dpi.to_be_bytes());
    v.extend_from_slice(&dpi.to_be_bytes());
    v.extend_from_slice(&[0, 0, 0xFF, 0xC0]);
    v.extend_from_slice(&(8 + 3 * comps as u16).to_be_bytes());
    v.extend_from_slice(&[8, 0, 100, 0, 200, comps]);
    for i in 0..comps {
        v.extend_from_slice(&[i + 1, 0x11, 0]);
    }
    v.extend_from_slice(&[0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0, 0x12, 0x34, 0xFF, 0xD9]);
    v
}
