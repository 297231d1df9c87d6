//! Generated fixtures (test PKI): every intact fixture passes with its CA configured and warns
//! (trust indeterminate) without it; every tampered variant fails and names the reason.

#![allow(clippy::unwrap_used)]

use guidang::authenticity::testkit::{self, Fixture};
use guidang::authenticity::{verify_source, Status, Trust, Verification};
use guidang::record::Source;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn fixtures() -> &'static (testkit::TrustDirs, Vec<Fixture>) {
    static F: OnceLock<(testkit::TrustDirs, Vec<Fixture>)> = OnceLock::new();
    F.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("auth-fixtures");
        let (_, trust, fx) = testkit::generate(&dir).expect("fixtures generate");
        (trust, fx)
    })
}

fn trust_of(dir: &Path) -> Trust {
    let mut t = Trust::none();
    t.load_dir(dir).expect("trust dir loads");
    t
}

fn verify(f: &Fixture, t: &Trust) -> Verification {
    verify_source(&Source::Path(f.path.clone()), t).unwrap_or_else(|e| panic!("{}: {e}", f.label))
}

fn dump(v: &Verification) -> String {
    let mut s = String::new();
    for sig in &v.signatures {
        for c in &sig.checks {
            s.push_str(&format!(
                "  {} {:?} {} {:?}\n",
                sig.location, c.status, c.rule, c.message_en
            ));
        }
    }
    for n in &v.notes {
        s.push_str(&format!(
            "  note {:?} {} {}\n",
            n.status, n.rule, n.message_en
        ));
    }
    s
}

#[test]
fn intact_fixtures_pass_with_their_ca_and_warn_without() {
    let (_, fx) = fixtures();
    let mut n = 0;
    for f in fx.iter().filter(|f| f.expect_fail.is_none()) {
        let with = verify(f, &trust_of(&f.trust_dir));
        assert!(
            !with.signatures.is_empty(),
            "{}: no signature found",
            f.label
        );
        let expect = if f.expect_warn.is_some() {
            Status::Warn
        } else {
            Status::Ok
        };
        assert_eq!(
            with.status(),
            Some(expect),
            "{} with CA:\n{}",
            f.label,
            dump(&with)
        );
        if let Some(rule) = f.expect_warn {
            assert!(
                with.signatures
                    .iter()
                    .flat_map(|s| &s.checks)
                    .any(|c| c.rule == rule && c.status == Status::Warn),
                "{}: expected a warning {rule}\n{}",
                f.label,
                dump(&with)
            );
        }
        // every signature names its signer and algorithm
        for s in &with.signatures {
            assert!(
                s.signer.is_some() && s.algorithm.is_some() && s.signing_time.is_some(),
                "{}: {s:?}",
                f.label
            );
        }
        let without = verify(f, &Trust::none());
        assert_eq!(
            without.status(),
            Some(Status::Indeterminate),
            "{} without CA:\n{}",
            f.label,
            dump(&without)
        );
        assert!(
            without
                .signatures
                .iter()
                .flat_map(|s| &s.checks)
                .all(|c| c.status != Status::Fail),
            "{}: nothing may fail without a CA\n{}",
            f.label,
            dump(&without)
        );
        n += 1;
    }
    assert_eq!(n, 8, "intact fixtures");
}

#[test]
fn tampered_fixtures_fail_naming_the_reason() {
    let (_, fx) = fixtures();
    let mut n = 0;
    for f in fx.iter().filter(|f| f.expect_fail.is_some()) {
        let rule = f.expect_fail.unwrap_or_default();
        for t in [trust_of(&f.trust_dir), Trust::none()] {
            let v = verify(f, &t);
            // Revocation can only be known from the CA's CRL.
            if rule.ends_with(".revocation") && t.crls.is_empty() {
                assert_eq!(
                    v.status(),
                    Some(Status::Indeterminate),
                    "{}:\n{}",
                    f.label,
                    dump(&v)
                );
                continue;
            }
            assert_eq!(v.status(), Some(Status::Fail), "{}:\n{}", f.label, dump(&v));
            let hit = v
                .signatures
                .iter()
                .flat_map(|s| &s.checks)
                .any(|c| c.rule == rule && c.status == Status::Fail);
            assert!(
                hit,
                "{}: expected failing check {rule}\n{}",
                f.label,
                dump(&v)
            );
        }
        n += 1;
    }
    assert_eq!(n, 16, "tampered fixtures");
}

#[test]
fn changed_page_names_the_file() {
    let (_, fx) = fixtures();
    let f = fx
        .iter()
        .find(|f| f.label == "tampered-ofd-v4-changed-page.ofd")
        .expect("fixture");
    let v = verify(f, &Trust::none());
    let c = v.signatures[0]
        .checks
        .iter()
        .find(|c| c.rule == "ofd.reference_digest" && c.status == Status::Fail)
        .expect("a failing reference");
    assert_eq!(
        c.location.as_deref(),
        Some("/Doc_0/Pages/Page_0/Content.xml")
    );
    // the other protected files still match
    assert!(v.signatures[0]
        .checks
        .iter()
        .any(|c| c.rule == "ofd.reference_summary" && c.message_en.starts_with("4/5")));
}

#[test]
fn rogue_ca_with_the_same_name_is_not_trusted() {
    let (trust, fx) = fixtures();
    let f = fx
        .iter()
        .find(|f| f.label == "ofd-seal-v4.ofd")
        .expect("fixture");
    let v = verify(f, &trust_of(&trust.rogue));
    assert_eq!(v.status(), Some(Status::Indeterminate), "{}", dump(&v));
    let chain = v.signatures[0]
        .checks
        .iter()
        .find(|c| c.rule == "ses.signer_cert.chain")
        .expect("chain check");
    assert!(
        chain.message_en.contains("did not sign"),
        "{}",
        chain.message_en
    );
}

#[test]
fn crl_from_the_ca_marks_signers_not_revoked() {
    let (trust, fx) = fixtures();
    let f = fx
        .iter()
        .find(|f| f.label == "ofd-seal-v4.ofd")
        .expect("fixture");
    let v = verify(f, &trust_of(&trust.sm2));
    let rev = v.signatures[0]
        .checks
        .iter()
        .find(|c| c.rule == "ses.signer_cert.revocation")
        .expect("revocation check");
    assert_eq!(rev.status, Status::Ok, "{}", rev.message_en);
}

#[test]
fn signing_key_loads_from_pkcs8_pem_and_signs() {
    use guidang::authenticity::algs::{self, PublicKey};
    use guidang::authenticity::SigningKey;
    let (trust, _) = fixtures();
    let k = SigningKey::from_file(&trust.sm2_signer_key).expect("key loads");
    let s = k.sign(b"EEP package bytes").expect("signs");
    assert_eq!(s.algorithm_oid, "1.2.156.10197.1.501");
    let cert =
        guidang::authenticity::Cert::parse_all(&std::fs::read(&trust.sm2_signer_cert).unwrap())
            .unwrap()
            .remove(0);
    assert_eq!(cert.key, PublicKey::from_spki(k.public_key_spki()).unwrap());
    assert!(algs::verify(k.scheme(), &cert.key, b"EEP package bytes", &s.signature).is_ok());
    assert!(algs::verify(k.scheme(), &cert.key, b"EEP package byteS", &s.signature).is_err());
}

#[test]
fn eep_signing_key_loads_with_its_certificate() {
    use guidang::authenticity::SigningKey as AuthenticityKey;
    use guidang::package::{SignatureAlg, SigningKey};
    let (trust, _) = fixtures();
    let k = SigningKey::from_files(&trust.sm2_signer_key, Some(&trust.sm2_signer_cert))
        .expect("key and certificate load");
    // The package's signing key is the authenticity one.
    let k: AuthenticityKey = k;
    assert_eq!(k.alg(), SignatureAlg::Sm2Sm3);
    let cert =
        guidang::authenticity::Cert::parse_all(&std::fs::read(&trust.sm2_signer_cert).unwrap())
            .unwrap()
            .remove(0);
    assert_eq!(k.certificate_or_key(), (cert.der.as_slice(), true));
    assert!(k.signer.contains("CN="), "{}", k.signer);
    let rsa_ca = trust.rsa.join("rsa-ca.pem");
    let err = SigningKey::from_files(&trust.sm2_signer_key, Some(&rsa_ca)).unwrap_err();
    assert!(err.to_string().contains("does not belong"), "{err}");
}

#[test]
fn gd11_passes_through_the_checker_with_trust_options() {
    use guidang::record::{Component, RecordBuilder, Role};
    use guidang::report::{Outcome, Stage};
    use guidang::{CheckOptions, Checker, Scheme};
    let (trust, fx) = fixtures();
    let f = |l: &str| {
        fx.iter()
            .find(|f| f.label == l)
            .expect("fixture")
            .path
            .clone()
    };
    let rec = RecordBuilder::new("auth-record")
        .component(Component::from_path(Role::Main, f("ofd-seal-v4.ofd")))
        .component(Component::from_path(Role::Attachment, f("pdf-sm2.pdf")))
        .component(Component::from_path(Role::Attachment, f("pdf-ecdsa.pdf")))
        .build();
    let run = |trust_dir: Option<PathBuf>| {
        let opts = CheckOptions {
            trust_dir,
            ..Default::default()
        };
        let rep = Checker::new(None, Scheme::default_for(Stage::Archiving), opts)
            .check(&rec)
            .expect("check");
        rep.findings
            .into_iter()
            .filter(|f| f.code == "GD-1-1")
            .collect::<Vec<_>>()
    };
    let with = run(Some(trust.all.clone()));
    let sigs: Vec<_> = with
        .iter()
        .filter(|f| f.rule.starts_with("signature.valid"))
        .collect();
    assert_eq!(sigs.len(), 3, "{with:#?}");
    assert!(sigs.iter().all(|f| f.outcome == Outcome::Pass));
    // evidence names kind, algorithm, signer, maker, time
    let ofd = sigs
        .iter()
        .find(|f| f.evidence["kind"] == "ofd_seal_v4")
        .expect("ofd finding");
    assert_eq!(ofd.evidence["algorithm"], "SM2 / SM3");
    assert!(ofd.evidence["signer"]
        .as_str()
        .unwrap()
        .contains("档案馆签章人"));
    assert!(ofd.evidence["seal_maker"]
        .as_str()
        .unwrap()
        .contains("电子印章制作系统"));
    assert_eq!(ofd.evidence["signing_time"], "2024-06-01T00:00:00Z");
    assert!(
        with.iter()
            .all(|f| f.outcome != Outcome::Fail && f.outcome != Outcome::Warn),
        "{with:#?}"
    );
    let without = run(None);
    assert_eq!(
        without
            .iter()
            .filter(|f| f.rule == "signature.trust_indeterminate" && f.outcome == Outcome::Warn)
            .count(),
        3
    );
    assert!(without
        .iter()
        .any(|f| f.rule == "signature.revocation" && f.outcome == Outcome::Manual));
}

#[test]
fn einvoice_tax_bureau_signature_is_indeterminate() {
    let xml = r##"<?xml version="1.0" encoding="UTF-8"?>
<EInvoice><Header><EIid>24112000000000000001</EIid></Header>
<TaxSupervisionInfo><InvoiceNumber>24112000000000000001</InvoiceNumber><TaxBureauName>国家税务总局北京市税务局</TaxBureauName></TaxSupervisionInfo>
<TaxBureauSignature><Reference URI="#EInvoiceData"/><SignatureAlgorithm>SM2</SignatureAlgorithm><SignatureTime>2024-11-20 10:00:00</SignatureTime><SignatureValue>MEUCIQ==</SignatureValue></TaxBureauSignature></EInvoice>"##;
    let v = verify_source(
        &Source::Bytes(std::sync::Arc::new(xml.as_bytes().to_vec())),
        &Trust::none(),
    )
    .expect("parses");
    assert_eq!(v.signatures.len(), 1);
    let s = &v.signatures[0];
    assert_eq!(s.status(), Status::Indeterminate);
    assert_eq!(s.algorithm.as_deref(), Some("SM2"));
    assert_eq!(s.signer.as_deref(), Some("国家税务总局北京市税务局"));
    assert!(s.checks[0].message_en.contains("cannot be verified"));
    let plain = verify_source(
        &Source::Bytes(std::sync::Arc::new(b"<root/>".to_vec())),
        &Trust::none(),
    )
    .unwrap();
    assert!(plain.signatures.is_empty());
}

#[test]
fn ses_v4_timestamp_is_verified_and_reported() {
    let (trust, fx) = fixtures();
    let f = fx
        .iter()
        .find(|f| f.label == "ofd-seal-v4.ofd")
        .expect("fixture");
    let v = verify(f, &trust_of(&trust.sm2));
    let s = &v.signatures[0];
    assert_eq!(s.timestamp.as_deref(), Some("2024-06-01T00:00:05Z"));
    let ts = s
        .checks
        .iter()
        .find(|c| c.rule == "ses.timestamp")
        .expect("timestamp check");
    assert_eq!(ts.status, Status::Ok, "{}", ts.message_en);
    assert!(ts.message_en.contains("电子印章制作系统"));
}
