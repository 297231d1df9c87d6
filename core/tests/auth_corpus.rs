//! The corpus outcome table (`../shared/corpus/README.md`): every OFD gets its GD-1-1 outcome
//! through the check engine, and every signed pyHanko PDF verifies cryptographically.
//! Two README rows disagree with the files themselves; see `corpus_mistakes_are_explained`.

#![allow(clippy::unwrap_used)]

use guidang::authenticity::{verify_source, Cert, SignatureKind, Status, Trust};
use guidang::record::{Component, RecordBuilder, Role, Source};
use guidang::report::{Finding, Outcome, Stage};
use guidang::{CheckOptions, Checker, Scheme};
use std::path::{Path, PathBuf};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus");

fn corpus(rel: &str) -> PathBuf {
    let p = Path::new(CORPUS).join(rel);
    assert!(
        p.exists(),
        "corpus file missing: {} (the shared corpus must be present)",
        p.display()
    );
    p
}

/// GD-1-1 findings of a one-component record.
fn gd11(path: &Path, options: CheckOptions) -> Vec<Finding> {
    let rec = RecordBuilder::new(path.file_name().unwrap().to_string_lossy())
        .component(Component::from_path(Role::Main, path))
        .build();
    let rep = Checker::new(None, Scheme::default_for(Stage::Archiving), options)
        .check(&rec)
        .expect("check runs");
    rep.findings
        .into_iter()
        .filter(|f| f.code == "GD-1-1")
        .collect()
}

/// The item's outcome: fail > warn > pass > not_applicable (manual findings, e.g. revocation,
/// do not decide it).
fn outcome(fs: &[Finding]) -> Outcome {
    let has = |o: Outcome| fs.iter().any(|f| f.outcome == o);
    if has(Outcome::Fail) {
        Outcome::Fail
    } else if has(Outcome::Warn) {
        Outcome::Warn
    } else if has(Outcome::Pass) {
        Outcome::Pass
    } else if has(Outcome::NotApplicable) {
        Outcome::NotApplicable
    } else {
        Outcome::Manual
    }
}

fn show(fs: &[Finding]) -> String {
    fs.iter()
        .map(|f| {
            format!(
                "  {:?} {} {} | {}\n",
                f.outcome, f.rule, f.subject, f.message_en
            )
        })
        .collect()
}

#[test]
fn ofd_outcome_table() {
    // Intact, trust indeterminate (no anchor configured) → warn.
    let intact = [
        "sign__v4signed.ofd",
        "converter__1.ofd",
        "converter__draw_param_ref.ofd",
        "sign__allprotected.ofd",
        "converter__testImageOverridePage.ofd",
    ];
    let unsigned = [
        "archive__test-ofda.ofd",
        "reader__发票示例.ofd",
        "reader__helloworld.ofd",
        "reader__helloworld_with_pageblock.ofd",
        "reader__chineseDir.ofd",
        "reader__path_unstd.ofd",
        "sign__namespace_no_std.ofd",
        "layout__no_page_container.ofd",
        "layout__AddAttachment.ofd",
        "reader__multiKeywordInTextCode.ofd",
        "converter__containsJPEG.ofd",
        "converter__20240531141733.ofd",
        "crypto__hello-integrity.ofd",
    ];
    let mut checked = 0;
    for n in intact {
        let fs = gd11(&corpus(&format!("ofd/{n}")), CheckOptions::default());
        assert_eq!(outcome(&fs), Outcome::Warn, "{n}\n{}", show(&fs));
        assert!(
            fs.iter().any(|f| f.rule == "signature.trust_indeterminate"),
            "{n}\n{}",
            show(&fs)
        );
        assert!(
            fs.iter().all(|f| f.outcome != Outcome::Fail),
            "{n}\n{}",
            show(&fs)
        );
        checked += 1;
    }
    for n in unsigned {
        let fs = gd11(&corpus(&format!("ofd/{n}")), CheckOptions::default());
        assert_eq!(outcome(&fs), Outcome::NotApplicable, "{n}\n{}", show(&fs));
        checked += 1;
    }
    // Document.xml changed after sealing → fail naming the file.
    let fs = gd11(
        &corpus("ofd/converter__发票示例.ofd"),
        CheckOptions::default(),
    );
    assert_eq!(outcome(&fs), Outcome::Fail, "{}", show(&fs));
    let f = fs.iter().find(|f| f.outcome == Outcome::Fail).unwrap();
    assert!(
        f.message_en.contains("/Doc_0/Document.xml"),
        "{}",
        f.message_en
    );
    assert!(f.message_zh.contains("/Doc_0/Document.xml"));
    let failed = f.evidence["failed_checks"].as_array().unwrap();
    assert!(failed
        .iter()
        .any(|c| c["location"] == "/Doc_0/Document.xml" && c["rule"] == "ofd.reference_digest"));
    assert!(
        failed
            .iter()
            .all(|c| c["rule"] != "ses.signer_signature" && c["rule"] != "ses.seal_signature"),
        "the seal itself is valid"
    );
    checked += 1;
    // Two seals, the second rewrote Signatures.xml → not a failure, a warning that explains it.
    let fs = gd11(&corpus("ofd/converter__h.ofd"), CheckOptions::default());
    assert_eq!(outcome(&fs), Outcome::Warn, "{}", show(&fs));
    let sign0 = fs
        .iter()
        .find(|f| f.subject.ends_with("Sign_0/Signature.xml"))
        .unwrap();
    assert!(
        sign0
            .message_en
            .contains("/Doc_0/Signs/Signatures.xml was rewritten when a later signature was added"),
        "{}",
        sign0.message_en
    );
    checked += 1;
    // Seal picture only → no digital signature.
    let fs = gd11(
        &corpus("ofd/converter__发票监制章-数科.ofd"),
        CheckOptions::default(),
    );
    assert_eq!(outcome(&fs), Outcome::NotApplicable, "{}", show(&fs));
    assert!(
        fs.iter()
            .any(|f| f.rule == "fixity.seal_image_only"
                && f.message_en.contains("no digital signature")),
        "{}",
        show(&fs)
    );
    checked += 1;
    // Bare Type=Sign signature: indeterminate without a certificate.
    let fs = gd11(
        &corpus("ofd/sign__DigitalSign.ofd"),
        CheckOptions::default(),
    );
    assert_eq!(outcome(&fs), Outcome::Warn, "{}", show(&fs));
    assert!(
        fs.iter()
            .any(|f| f.message_en.contains("supply the signer certificate")),
        "{}",
        show(&fs)
    );
    checked += 1;
    assert_eq!(checked, 22, "every non-deviating OFD in the table");
}

/// Extracts the signer certificate of `converter__h.ofd`'s second seal (the ofdrw 2020 "Test
/// Certificate") into a temporary PEM file.
fn ofdrw_2020_test_cert(dir: &Path) -> PathBuf {
    let mut z =
        guidang::container::ZipContainer::open(&corpus("ofd/converter__h.ofd"), Default::default())
            .unwrap();
    let sv = z.read("Doc_0/Signs/Sign_1/SignedValue.dat").unwrap();
    let top = guidang::authenticity::asn1::Tlv::parse_one(&sv).unwrap();
    let mut r = top.reader();
    r.next("toSign").unwrap();
    let cert = r.next("cert").unwrap();
    let c = Cert::from_der(cert.value).unwrap();
    let p = dir.join("ofdrw-2020-test-cert.pem");
    std::fs::write(
        &p,
        guidang::authenticity::certs::to_pem("CERTIFICATE", &c.der),
    )
    .unwrap();
    p
}

#[test]
fn corpus_mistakes_are_explained() {
    // 1. sign__DigitalSign.ofd: README says intact with seal-material/sign__sign_cert.pem. That
    //    certificate was issued 2021-07-29, after the 2020-04-22 signature, for another key; the
    //    signature verifies with the ofdrw 2020 test certificate (same subject) instead.
    let readme_cert = corpus("ofd/seal-material/sign__sign_cert.pem");
    let opts = CheckOptions {
        signer_certs: vec![readme_cert],
        ..Default::default()
    };
    let fs = gd11(&corpus("ofd/sign__DigitalSign.ofd"), opts);
    assert_eq!(outcome(&fs), Outcome::Fail, "{}", show(&fs));
    assert!(
        fs.iter()
            .any(|f| f.message_en.contains("not valid at the signing time")),
        "{}",
        show(&fs)
    );
    let tmp = tempfile::tempdir().unwrap();
    let right = ofdrw_2020_test_cert(tmp.path());
    let opts = CheckOptions {
        signer_certs: vec![right],
        ..Default::default()
    };
    let fs = gd11(&corpus("ofd/sign__DigitalSign.ofd"), opts);
    // intact: the signature verifies; trust is indeterminate (no anchor) → warn, not fail
    assert_eq!(outcome(&fs), Outcome::Warn, "{}", show(&fs));
    let f = fs
        .iter()
        .find(|f| f.rule == "signature.trust_indeterminate")
        .unwrap();
    assert_eq!(f.evidence["kind"], "ofd_bare");
    assert!(f.evidence["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["rule"] == "ofd.bare_signature" && c["status"] == "ok"));
    // ... and with that certificate as the trust anchor it passes.
    let opts = CheckOptions {
        signer_certs: vec![tmp.path().join("ofdrw-2020-test-cert.pem")],
        trust_dir: Some(tmp.path().to_path_buf()),
        ..Default::default()
    };
    let fs = gd11(&corpus("ofd/sign__DigitalSign.ofd"), opts);
    assert_eq!(outcome(&fs), Outcome::Pass, "{}", show(&fs));

    // 2. reader__SESV4SignDoc.ofd: README says intact. It is cryptographically intact (5/5
    //    references, dataHash, signer and seal-maker signatures), but it was (re)sealed on
    //    2026-08-04 with a seal and certificate that expired in 2022: a validity failure.
    let v = verify_source(
        &Source::Path(corpus("ofd/reader__SESV4SignDoc.ofd")),
        &Trust::none(),
    )
    .unwrap();
    let s = &v.signatures[0];
    assert_eq!(s.kind, SignatureKind::OfdSealV4);
    for ok in [
        "ofd.reference_digest",
        "ses.data_hash",
        "ses.signer_signature",
        "ses.seal_signature",
        "ses.signer_in_seal",
        "ses.seal_file",
    ] {
        assert!(
            s.checks
                .iter()
                .any(|c| c.rule == ok && c.status == Status::Ok),
            "{ok}: {:?}",
            s.checks
        );
    }
    let failed: Vec<&str> = s
        .with_status(Status::Fail)
        .map(|c| c.rule.as_str())
        .collect();
    assert_eq!(failed, ["ses.seal_validity", "ses.signer_cert.validity"]);
}

#[test]
fn intact_ofds_pass_when_their_certificates_are_anchors() {
    // Configure each file's own signer and seal-maker certificates as anchors: then it passes.
    let tmp = tempfile::tempdir().unwrap();
    for n in [
        "sign__v4signed.ofd",
        "converter__1.ofd",
        "converter__testImageOverridePage.ofd",
    ] {
        let v = verify_source(&Source::Path(corpus(&format!("ofd/{n}"))), &Trust::none()).unwrap();
        let dir = tmp.path().join(n);
        std::fs::create_dir_all(&dir).unwrap();
        let mut z = guidang::container::ZipContainer::open(
            &corpus(&format!("ofd/{n}")),
            Default::default(),
        )
        .unwrap();
        for (i, s) in v.signatures.iter().enumerate() {
            let value_name = z
                .entries()
                .map(|e| e.name.clone())
                .find(|e| {
                    e.starts_with(s.location.trim_end_matches("Signature.xml"))
                        && e.ends_with(".dat")
                })
                .unwrap();
            let value = z.read(&value_name).unwrap();
            for (j, c) in embedded_certs(&value).iter().enumerate() {
                std::fs::write(dir.join(format!("{i}-{j}.der")), &c.der).unwrap();
            }
        }
        let mut t = Trust::none();
        t.load_dir(&dir).unwrap();
        let v = verify_source(&Source::Path(corpus(&format!("ofd/{n}"))), &t).unwrap();
        assert_eq!(v.status(), Some(Status::Ok), "{n}: {:?}", v.signatures);
    }
}

/// Every certificate DER found anywhere inside a signed value (SES or CMS).
fn embedded_certs(value: &[u8]) -> Vec<Cert> {
    use guidang::authenticity::asn1::{tag, Tlv};
    fn walk(b: &[u8], out: &mut Vec<Cert>, depth: usize) {
        let mut rest = b;
        while let Ok((t, r)) = Tlv::parse(rest) {
            if let Ok(c) = Cert::from_der(t.raw) {
                if t.tag == tag::SEQUENCE && !out.contains(&c) {
                    out.push(c);
                }
            } else if depth < 12 && (t.constructed() || t.tag == tag::OCTET_STRING) {
                walk(t.value, out, depth + 1);
            }
            rest = r;
        }
    }
    let mut out = Vec::new();
    walk(value, &mut out, 0);
    out
}

#[test]
fn pyhanko_pdfs_verify_cryptographically_and_never_panic() {
    let dir = corpus("pdf/pyhanko");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() > 90);
    let (mut sigs, mut verified, mut unsupported) = (0, 0, 0);
    for p in &files {
        let v = match verify_source(&Source::Path(p.clone()), &Trust::none()) {
            Ok(v) => v,
            Err(e) => {
                // a clear, typed error naming the file
                assert!(
                    e.to_string()
                        .contains(&*p.file_name().unwrap().to_string_lossy()),
                    "{e}"
                );
                continue;
            }
        };
        for s in &v.signatures {
            sigs += 1;
            let st = |rule: &str| s.checks.iter().find(|c| c.rule == rule).map(|c| c.status);
            let crypto = if s.kind == SignatureKind::PdfTimestamp {
                [st("pdf.timestamp")].to_vec()
            } else {
                [st("pdf.message_digest"), st("cms.signature")].to_vec()
            };
            if crypto.iter().all(|c| *c == Some(Status::Ok)) {
                verified += 1;
            } else {
                assert!(
                    crypto
                        .iter()
                        .all(|c| matches!(c, Some(Status::Ok) | Some(Status::Indeterminate))),
                    "{}: {} {:?}",
                    p.display(),
                    s.location,
                    s.checks
                );
                unsupported += 1;
            }
        }
    }
    // measured on the corpus: 40 signatures, 38 verified, 2 with Ed448 (unsupported → indeterminate)
    assert_eq!((sigs, verified, unsupported), (40, 38, 2));
}

#[test]
fn tail_uncovered_pdf_is_partially_covered() {
    let v = verify_source(
        &Source::Path(corpus("pdf/pyhanko/coverage-anomalies_tail-uncovered.pdf")),
        &Trust::none(),
    )
    .unwrap();
    assert_eq!(v.signatures.len(), 1);
    let s = &v.signatures[0];
    let c = s.checks.iter().find(|c| c.rule == "pdf.coverage").unwrap();
    assert_eq!(c.status, Status::Fail);
    assert!(
        c.message_en.starts_with("partially covered: 394 bytes"),
        "{}",
        c.message_en
    );
    assert_eq!(c.location.as_deref(), Some("7092..7486"));
    // the signature itself is fine
    assert!(s
        .checks
        .iter()
        .any(|c| c.rule == "cms.signature" && c.status == Status::Ok));
    // the same file untouched by later updates: two signatures where the first covers a revision
    let v = verify_source(
        &Source::Path(corpus("pdf/pyhanko/minimal-signed-twice-both-created.pdf")),
        &Trust::none(),
    )
    .unwrap();
    let cov: Vec<Status> = v
        .signatures
        .iter()
        .map(|s| {
            s.checks
                .iter()
                .find(|c| c.rule == "pdf.coverage")
                .unwrap()
                .status
        })
        .collect();
    assert_eq!(cov, [Status::Ok, Status::Ok]);
}
