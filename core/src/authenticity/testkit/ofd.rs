//! Sealed and signed OFD fixtures: SES v4 (GB/T 38540) and v1 (GM/T 0031) seals, GB/T 35275
//! SignedData with signed attributes in non-DER order, two seals where the second rewrites
//! Signatures.xml, and tampered variants.

use super::{asn1, cms_sign, CmsLayout, Identity};
use crate::authenticity::algs::{oids, HashAlg};
use crate::{Error, Result};
use base64::Engine as _;
use std::io::Write as _;

/// Which signature the OFD carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfdKind {
    /// SES v4 seal.
    SealV4,
    /// SES v1 seal.
    SealV1,
    /// GB/T 35275 SignedData.
    Cms,
}

/// What to break after signing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfdTamper {
    /// Nothing.
    None,
    /// Change the page content.
    ChangePage,
    /// Edit Signature.xml (e.g. a different signing time).
    EditSignatureXml,
    /// Change the seal name inside the seal (the maker's signature breaks).
    AlterSeal,
    /// Add a page: a new Content.xml and a rewritten Document.xml.
    AppendPage,
    /// Add a second, valid seal, which rewrites Signatures.xml (legitimate).
    SecondSeal,
}

/// An OFD to build.
#[derive(Debug)]
pub struct OfdSpec<'a> {
    /// Signature kind.
    pub kind: OfdKind,
    /// Who signs.
    pub signer: &'a Identity,
    /// Seal maker.
    pub maker: &'a Identity,
    /// The certificate listed in the seal as allowed to use it.
    pub listed: &'a Identity,
    /// Tampering.
    pub tamper: OfdTamper,
    /// Signing time.
    pub time: i64,
}

const OFD_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>67756964616e67</ofd:DocID><ofd:Title>guidang 测试文档</ofd:Title></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot><ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures></ofd:DocBody></ofd:OFD>"#;

fn document_xml(pages: usize) -> String {
    let mut p = String::new();
    for i in 0..pages {
        p.push_str(&format!(
            r#"<ofd:Page ID="{}" BaseLoc="Pages/Page_{i}/Content.xml"/>"#,
            i + 1
        ));
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData><ofd:MaxUnitID>10</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages>{p}</ofd:Pages></ofd:Document>"#
    )
}

fn content_xml(text: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="2"><ofd:TextObject ID="3" Boundary="10 10 190 20" Font="4" Size="5"><ofd:TextCode X="0" Y="5">{text}</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>"#
    )
}

fn signatures_xml(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!(
            r#"<ofd:Signature ID="s{:03}" Type="Seal" BaseLoc="Sign_{i}/Signature.xml"/>"#,
            i + 1
        ));
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Signatures xmlns:ofd="http://www.ofdspec.org/2016"><ofd:MaxSignId>s{n:03}</ofd:MaxSignId>{s}</ofd:Signatures>"#
    )
}

fn china_time(t: i64) -> String {
    chrono::DateTime::from_timestamp(t + 8 * 3600, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Files of the package, in order.
type Files = Vec<(String, Vec<u8>)>;

fn get<'a>(files: &'a Files, name: &str) -> &'a [u8] {
    files
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, b)| b.as_slice())
        .unwrap_or(&[])
}

fn set(files: &mut Files, name: &str, bytes: Vec<u8>) {
    match files.iter_mut().find(|(n, _)| n == name) {
        Some(f) => f.1 = bytes,
        None => files.push((name.to_string(), bytes)),
    }
}

fn signature_xml(
    files: &Files,
    idx: usize,
    kind: OfdKind,
    protected: &[&str],
    time: i64,
    with_seal: bool,
) -> String {
    let (method, sv) = match kind {
        // v1 fixtures use the OID CheckMethod and the `SignValue.dat` name some producers write.
        OfdKind::SealV1 => ("1.2.156.10197.1.401", "SignValue.dat".to_string()),
        _ => ("SM3", format!("/Doc_0/Signs/Sign_{idx}/SignedValue.dat")),
    };
    let mut refs = String::new();
    for (i, p) in protected.iter().enumerate() {
        let d =
            base64::engine::general_purpose::STANDARD.encode(HashAlg::Sm3.digest(get(files, p)));
        // Mix absolute and relative (to the Signature.xml folder) references, as producers do.
        let loc = if i == 0 && p.starts_with("Doc_0/") {
            format!("../../{}", &p[6..])
        } else {
            format!("/{p}")
        };
        refs.push_str(&format!(
            r#"<ofd:Reference FileRef="{loc}"><ofd:CheckValue>{d}</ofd:CheckValue></ofd:Reference>"#
        ));
    }
    let seal = if with_seal {
        "<ofd:Seal><ofd:BaseLoc>Seal.esl</ofd:BaseLoc></ofd:Seal>"
    } else {
        ""
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Signature xmlns:ofd="http://www.ofdspec.org/2016"><ofd:SignedInfo><ofd:Provider ProviderName="guidang-testkit" Company="guidang" Version="0.1"/><ofd:SignatureMethod>1.2.156.10197.1.501</ofd:SignatureMethod><ofd:SignatureDateTime>{}</ofd:SignatureDateTime><ofd:References CheckMethod="{method}">{refs}</ofd:References><ofd:StampAnnot ID="s900" PageRef="1" Boundary="100 200 40 40"/>{seal}</ofd:SignedInfo><ofd:SignedValue>{sv}</ofd:SignedValue></ofd:Signature>"#,
        china_time(time)
    )
}

fn seal(spec: &OfdSpec<'_>, v1: bool, name: &str) -> Result<Vec<u8>> {
    let t = |x: i64| {
        if v1 {
            asn1::x509_time(x)
        } else {
            asn1::generalized_time(x)
        }
    };
    let header = asn1::seq(&[
        &asn1::ia5("ES"),
        &asn1::int(if v1 { 1 } else { 4 }),
        &asn1::ia5("guidang"),
    ]);
    let cert_list = asn1::seq(&[&asn1::octets(&spec.listed.cert.der)]);
    let start = spec.time - 365 * 86_400;
    let end = spec.time + 365 * 86_400;
    let mut prop_parts: Vec<Vec<u8>> = vec![asn1::int(1), asn1::utf8(name)];
    if !v1 {
        prop_parts.push(asn1::int(1));
    }
    prop_parts.extend([cert_list, t(start), t(start), t(end)]);
    let pp: Vec<&[u8]> = prop_parts.iter().map(Vec::as_slice).collect();
    let property = asn1::seq(&pp);
    let picture = asn1::seq(&[
        &asn1::ia5("PNG"),
        &asn1::octets(b"\x89PNG\r\n\x1a\n guidang test seal"),
        &asn1::int(40),
        &asn1::int(40),
    ]);
    let info = asn1::seq(&[
        &header,
        &asn1::ia5("guidang-seal-0001"),
        &property,
        &picture,
    ]);
    let s = spec.maker.key.sign(&info)?;
    let cert = asn1::octets(&spec.maker.cert.der);
    Ok(if v1 {
        asn1::seq(&[
            &info,
            &asn1::seq(&[&cert, &asn1::oid(oids::SM2_SM3), &asn1::bits(&s.signature)]),
        ])
    } else {
        asn1::seq(&[
            &info,
            &cert,
            &asn1::oid(oids::SM2_SM3),
            &asn1::bits(&s.signature),
        ])
    })
}

fn signed_value(
    spec: &OfdSpec<'_>,
    sig_xml: &[u8],
    seal_der: &[u8],
    idx: usize,
) -> Result<Vec<u8>> {
    let hash = HashAlg::Sm3.digest(sig_xml);
    let prop = asn1::ia5(&format!("/Doc_0/Signs/Sign_{idx}/Signature.xml"));
    match spec.kind {
        OfdKind::SealV4 => {
            let tbs = asn1::seq(&[
                &asn1::int(4),
                seal_der,
                &asn1::generalized_time(spec.time),
                &asn1::bits(&hash),
                &prop,
            ]);
            let s = spec.signer.key.sign(&tbs)?;
            // A timestamp over the signature value, from the seal maker acting as TSA.
            let ts = super::timestamp_token(
                spec.maker,
                HashAlg::Sm3,
                &HashAlg::Sm3.digest(&s.signature),
                spec.time + 5,
            )?;
            Ok(asn1::seq(&[
                &tbs,
                &asn1::octets(&spec.signer.cert.der),
                &asn1::oid(oids::SM2_SM3),
                &asn1::bits(&s.signature),
                &asn1::explicit(0, &asn1::bits(&ts)),
            ]))
        }
        OfdKind::SealV1 => {
            let when = chrono::DateTime::from_timestamp(spec.time, 0)
                .unwrap_or_default()
                .format("%Y%m%d%H%M%SZ")
                .to_string();
            let tbs = asn1::seq(&[
                &asn1::int(1),
                seal_der,
                &asn1::bits(when.as_bytes()),
                &asn1::bits(&hash),
                &prop,
                &asn1::octets(&spec.signer.cert.der),
                &asn1::oid(oids::SM2_SM3),
            ]);
            let s = spec.signer.key.sign(&tbs)?;
            Ok(asn1::seq(&[&tbs, &asn1::bits(&s.signature)]))
        }
        OfdKind::Cms => cms_sign(
            spec.signer,
            &[],
            &hash,
            spec.time,
            CmsLayout {
                gbt35275: true,
                unsorted_attrs: true,
                sig_alg_oid: Some(oids::SM2_1),
            },
        ),
    }
}

/// Adds signature `idx` protecting `protected` to the package.
fn sign_into(
    files: &mut Files,
    spec: &OfdSpec<'_>,
    idx: usize,
    protected: &[&str],
    seal_name: &str,
) -> Result<()> {
    let is_seal = spec.kind != OfdKind::Cms;
    let dir = format!("Doc_0/Signs/Sign_{idx}");
    let seal_der = if is_seal {
        seal(spec, spec.kind == OfdKind::SealV1, seal_name)?
    } else {
        Vec::new()
    };
    if is_seal {
        set(files, &format!("{dir}/Seal.esl"), seal_der.clone());
    }
    let mut prot: Vec<&str> = protected.to_vec();
    let seal_path = format!("{dir}/Seal.esl");
    if is_seal {
        prot.push(&seal_path);
    }
    let xml = signature_xml(files, idx, spec.kind, &prot, spec.time, is_seal);
    let value = signed_value(spec, xml.as_bytes(), &seal_der, idx)?;
    set(files, &format!("{dir}/Signature.xml"), xml.into_bytes());
    let sv = if spec.kind == OfdKind::SealV1 {
        "SignValue.dat"
    } else {
        "SignedValue.dat"
    };
    set(files, &format!("{dir}/{sv}"), value);
    Ok(())
}

/// Builds the OFD bytes.
pub fn build(spec: &OfdSpec<'_>) -> Result<Vec<u8>> {
    let mut files: Files = vec![
        ("OFD.xml".into(), OFD_XML.as_bytes().to_vec()),
        ("Doc_0/Document.xml".into(), document_xml(1).into_bytes()),
        (
            "Doc_0/Pages/Page_0/Content.xml".into(),
            content_xml("归档测试：原文第一页").into_bytes(),
        ),
        (
            "Doc_0/Signs/Signatures.xml".into(),
            signatures_xml(1).into_bytes(),
        ),
    ];
    let protected = [
        "Doc_0/Document.xml",
        "Doc_0/Pages/Page_0/Content.xml",
        "OFD.xml",
        "Doc_0/Signs/Signatures.xml",
    ];
    sign_into(&mut files, spec, 0, &protected, "guidang 测试专用章")?;
    match spec.tamper {
        OfdTamper::None => {}
        OfdTamper::ChangePage => set(
            &mut files,
            "Doc_0/Pages/Page_0/Content.xml",
            content_xml("归档测试：原文第一页（已改）").into_bytes(),
        ),
        OfdTamper::EditSignatureXml => {
            let x = String::from_utf8_lossy(get(&files, "Doc_0/Signs/Sign_0/Signature.xml"))
                .replace("guidang-testkit", "guidang-testkix");
            set(
                &mut files,
                "Doc_0/Signs/Sign_0/Signature.xml",
                x.into_bytes(),
            );
        }
        OfdTamper::AlterSeal => {
            // Re-issue Signature.xml + value around a seal whose name was changed after the maker signed it.
            let mut sv = get(&files, "Doc_0/Signs/Sign_0/SignedValue.dat").to_vec();
            let needle = "guidang 测试专用章".as_bytes();
            let repl = "guidang 伪造专用章".as_bytes();
            if let Some(p) = sv.windows(needle.len()).position(|w| w == needle) {
                sv[p..p + needle.len()].copy_from_slice(repl);
            }
            // The signer re-signs TBS_Sign so that only the seal maker's signature is broken.
            let (tbs, seal_der) = resign_parts(&sv)?;
            let s = spec.signer.key.sign(&tbs)?;
            let v = asn1::seq(&[
                &tbs,
                &asn1::octets(&spec.signer.cert.der),
                &asn1::oid(oids::SM2_SM3),
                &asn1::bits(&s.signature),
            ]);
            set(&mut files, "Doc_0/Signs/Sign_0/SignedValue.dat", v);
            set(&mut files, "Doc_0/Signs/Sign_0/Seal.esl", seal_der);
        }
        OfdTamper::AppendPage => {
            set(
                &mut files,
                "Doc_0/Document.xml",
                document_xml(2).into_bytes(),
            );
            set(
                &mut files,
                "Doc_0/Pages/Page_1/Content.xml",
                content_xml("签章后追加的一页").into_bytes(),
            );
        }
        OfdTamper::SecondSeal => {
            set(
                &mut files,
                "Doc_0/Signs/Signatures.xml",
                signatures_xml(2).into_bytes(),
            );
            sign_into(&mut files, spec, 1, &protected, "guidang 测试第二枚章")?;
        }
    }
    zip(&files)
}

/// TBS_Sign and the seal of a v4 SES_Signature (for re-signing after altering the seal).
fn resign_parts(sv: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    use crate::authenticity::asn1::{tag, Tlv};
    let bad = |e: asn1::Asn1Error| Error::Crypto(e.to_string());
    let top = Tlv::parse_one(sv).map_err(bad)?;
    let tbs = top
        .reader()
        .expect(tag::SEQUENCE, "TBS_Sign")
        .map_err(bad)?;
    let mut r = tbs.reader();
    r.next("version").map_err(bad)?;
    let seal = r.expect(tag::SEQUENCE, "seal").map_err(bad)?;
    Ok((tbs.raw.to_vec(), seal.raw.to_vec()))
}

fn zip(files: &Files) -> Result<Vec<u8>> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (n, b) in files {
        w.start_file(n.as_str(), opts)
            .map_err(|e| Error::Crypto(format!("zip: {e}")))?;
        w.write_all(b).map_err(|e| Error::io("memory:", e))?;
    }
    let c = w.finish().map_err(|e| Error::Crypto(format!("zip: {e}")))?;
    Ok(c.into_inner())
}
