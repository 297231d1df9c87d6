//! OFD signatures and seals (GB/T 33190 §18): finds Signatures.xml wherever the producer put it,
//! checks every Reference digest with its CheckMethod (naming the changed file), then verifies
//! the signed value — SES v4/v1 seal, GB/T 35275 SignedData, or a bare Type=Sign signature with
//! a caller-supplied certificate — and applies the multi-signature policy: a later signature that
//! legitimately rewrote Signatures.xml is reported as such, not as tampering.

use super::algs::{self, HashAlg, SigScheme};
use super::asn1::{tag, Tlv};
use super::certs::fmt_time;
use super::ses::{self, SesInput};
use super::{
    check_cert, cms, DocFormat, Limits, SigCheck, SignatureKind, SignatureReport, Status, Trust,
    Verification,
};
use crate::container::{normalize, ZipContainer};
use crate::digest::{self, DigestAlg};
use crate::record::Source;
use crate::xml::{self, Element};
use crate::Result;
use base64::Engine as _;
use std::io::{Read, Seek};
use std::path::Path;

/// Most signatures looked at in one OFD.
const MAX_SIGNATURES: usize = 1000;

/// Verifies every signature and seal of an OFD.
pub fn verify_ofd(src: &Source, trust: &Trust, limits: &Limits) -> Result<Verification> {
    let path = src.display_path();
    match src {
        Source::Path(p) => {
            let mut z = ZipContainer::open(p, limits.zip)?;
            verify_container(&mut z, &path, trust, limits)
        }
        Source::Bytes(b) => {
            let mut z = ZipContainer::new(std::io::Cursor::new(b.as_slice()), &path, limits.zip)?;
            verify_container(&mut z, &path, trust, limits)
        }
    }
}

fn dir_of(p: &str) -> &str {
    p.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// Resolves an ST_Loc: absolute (`/Doc_0/…`) from the package root, otherwise relative to
/// `base_dir`; falls back to the other interpretation when the first names nothing.
fn resolve<R: Read + Seek>(z: &ZipContainer<R>, loc: &str, base_dir: &str) -> Option<String> {
    let loc = loc.trim();
    let rel = normalize(&format!("{base_dir}/{loc}"));
    let abs = normalize(loc);
    let (first, second) = if loc.starts_with('/') {
        (abs, rel)
    } else {
        (rel, abs)
    };
    for cand in [first, second].into_iter().flatten() {
        if let Some(e) = z.lookup(&cand) {
            return Some(e.name.clone());
        }
    }
    None
}

struct SigEntry {
    id: Option<String>,
    typ: String,
    base_loc: String,
}

fn verify_container<R: Read + Seek>(
    z: &mut ZipContainer<R>,
    path: &Path,
    trust: &Trust,
    limits: &Limits,
) -> Result<Verification> {
    if z.lookup("OFD.xml").is_none() {
        // Some other zip (OOXML, a package…): not an OFD, nothing to verify here.
        return Ok(Verification::empty(DocFormat::Other));
    }
    let mut out = Verification::empty(DocFormat::Ofd);
    let ofd_xml = z.read("OFD.xml")?;
    let root = xml::parse(&ofd_xml, &path.join("OFD.xml"), &limits.xml)?.root;
    if root.name != "OFD" {
        return Err(crate::Error::invalid(
            path,
            "OFD.xml has no OFD root element",
        ));
    }
    // Signatures.xml: declared in each DocBody, else anywhere in the package.
    let mut sig_lists: Vec<(String, bool)> = Vec::new();
    for body in root.children_named("DocBody") {
        let doc_root = body.text_at("DocRoot").unwrap_or("").trim().to_string();
        if let Some(s) = body.text_at("Signatures") {
            let found = resolve(z, s, "")
                .or_else(|| resolve(z, s, dir_of(&normalize(&doc_root).unwrap_or_default())));
            match found {
                Some(f) => sig_lists.push((f, true)),
                None => out.notes.push(note(
                    "ofd.signatures_missing",
                    Status::Fail,
                    Some(s.trim().to_string()),
                    format!("OFD.xml 声明的签名列表文件 {} 不存在", s.trim()),
                    format!(
                        "the signature list {} declared in OFD.xml is missing",
                        s.trim()
                    ),
                )),
            }
        }
    }
    if sig_lists.is_empty() {
        let mut undeclared: Vec<String> = z
            .entries()
            .filter(|e| {
                !e.is_dir
                    && e.name
                        .rsplit('/')
                        .next()
                        .is_some_and(|n| n.eq_ignore_ascii_case("Signatures.xml"))
            })
            .map(|e| e.name.clone())
            .collect();
        undeclared.sort();
        for u in undeclared {
            out.notes.push(note(
                "ofd.signatures_undeclared",
                Status::Warn,
                Some(u.clone()),
                format!("签名列表 {u} 未在 OFD.xml 中声明，仍予验证"),
                format!("the signature list {u} is not declared in OFD.xml; verified anyway"),
            ));
            sig_lists.push((u, false));
        }
    }
    if sig_lists.is_empty() {
        if let Some(n) = seal_picture_note(z, limits) {
            out.notes.push(n);
        }
        return Ok(out);
    }
    for (list_path, _) in sig_lists {
        let bytes = z.read(&list_path)?;
        let list = xml::parse(&bytes, &path.join(&list_path), &limits.xml)?.root;
        let entries: Vec<SigEntry> = list
            .children_named("Signature")
            .map(|s| SigEntry {
                id: s.attr("ID").map(str::to_string),
                typ: s.attr("Type").unwrap_or("Seal").to_string(),
                base_loc: s.attr("BaseLoc").unwrap_or("").to_string(),
            })
            .collect();
        if entries.len() > MAX_SIGNATURES {
            return Err(crate::Error::Limit {
                path: path.join(&list_path),
                limit: format!("more than {MAX_SIGNATURES} signatures"),
            });
        }
        let first = out.signatures.len();
        for en in &entries {
            let rep = verify_one(z, path, &list_path, en, trust, limits);
            out.signatures.push(rep);
        }
        apply_rewrite_policy(&mut out.signatures[first..], &list_path);
    }
    Ok(out)
}

/// An OFD without signatures that shows a seal picture (a stamp annotation or an image named
/// like a seal) gets a note: an image of a seal is not a seal.
fn seal_picture_note<R: Read + Seek>(z: &mut ZipContainer<R>, limits: &Limits) -> Option<SigCheck> {
    let names: Vec<String> = z
        .entries()
        .filter(|e| {
            !e.is_dir
                && e.name.to_ascii_lowercase().ends_with(".xml")
                && e.name.to_ascii_lowercase().contains("annot")
        })
        .map(|e| e.name.clone())
        .collect();
    for n in names {
        let Ok(b) = z.read(&n) else { continue };
        let Ok(doc) = xml::parse(&b, Path::new(&n), &limits.xml) else {
            continue;
        };
        let mut annots = Vec::new();
        doc.root.find_all("Annot", &mut annots);
        let stamp = annots.iter().any(|a| {
            a.attr("Type")
                .is_some_and(|t| t.eq_ignore_ascii_case("Stamp"))
                || a.attr("Subtype")
                    .is_some_and(|t| t.contains("章") || t.to_ascii_lowercase().contains("seal"))
        });
        let has_image = annots.iter().any(|a| a.find("ImageObject").is_some());
        if stamp || has_image {
            return Some(note(
                "ofd.seal_image_only",
                Status::Manual,
                Some(n.clone()),
                "文档含印章图案（注释中的图片），但没有电子签章或电子签名：印章图片不能证明真实性，需人工注意",
                "the document shows a seal picture (an image annotation) but carries no electronic seal or signature: a picture of a seal proves nothing",
            ));
        }
    }
    None
}

fn note(
    rule: &str,
    status: Status,
    location: Option<String>,
    zh: impl Into<String>,
    en: impl Into<String>,
) -> SigCheck {
    SigCheck {
        rule: rule.into(),
        status,
        location,
        message_zh: zh.into(),
        message_en: en.into(),
    }
}

fn verify_one<R: Read + Seek>(
    z: &mut ZipContainer<R>,
    path: &Path,
    list_path: &str,
    en: &SigEntry,
    trust: &Trust,
    limits: &Limits,
) -> SignatureReport {
    let mut rep = SignatureReport::new(SignatureKind::OfdUnknown, en.base_loc.clone());
    rep.id = en.id.clone();
    let Some(sig_path) = resolve(z, &en.base_loc, dir_of(list_path)) else {
        rep.check(
            "ofd.signature_file",
            Status::Fail,
            Some(en.base_loc.clone()),
            format!("签名描述文件 {} 不存在", en.base_loc),
            format!("the signature file {} is missing", en.base_loc),
        );
        return rep;
    };
    rep.location = sig_path.clone();
    let sig_xml = match z.read(&sig_path) {
        Ok(b) => b,
        Err(x) => {
            rep.check(
                "ofd.signature_file",
                Status::Fail,
                Some(sig_path),
                format!("签名描述文件无法读取：{x}"),
                format!("the signature file cannot be read: {x}"),
            );
            return rep;
        }
    };
    let sig = match xml::parse(&sig_xml, &path.join(&sig_path), &limits.xml) {
        Ok(d) => d.root,
        Err(x) => {
            rep.check(
                "ofd.signature_file",
                Status::Fail,
                Some(sig_path),
                format!("签名描述文件无法解析：{x}"),
                format!("the signature file cannot be parsed: {x}"),
            );
            return rep;
        }
    };
    let base = dir_of(&sig_path).to_string();
    let info = sig.child("SignedInfo");
    let declared_time = info
        .and_then(|i| i.text_at("SignatureDateTime"))
        .and_then(parse_ofd_datetime);
    if let Some(m) = info.and_then(|i| i.text_at("SignatureMethod")) {
        rep.algorithm = Some(m.trim().to_string());
    }
    // 1. references
    if let Some(refs) = info.and_then(|i| i.child("References")) {
        check_references(z, &mut rep, refs, &base);
    } else {
        rep.check(
            "ofd.references",
            Status::Fail,
            Some(sig_path.clone()),
            "签名未列出任何受保护的文件",
            "the signature protects no file (no References)",
        );
    }
    // 2. the signed value
    let Some(sv_loc) = sig
        .text_at("SignedValue")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    else {
        rep.check(
            "ofd.signed_value",
            Status::Fail,
            Some(sig_path),
            "签名值文件未声明",
            "no SignedValue is declared",
        );
        return rep;
    };
    let Some(sv_path) = resolve(z, sv_loc, &base) else {
        rep.check(
            "ofd.signed_value",
            Status::Fail,
            Some(sv_loc.to_string()),
            format!("签名值文件 {sv_loc} 不存在"),
            format!("the signed value file {sv_loc} is missing"),
        );
        return rep;
    };
    let value = match z.read(&sv_path) {
        Ok(v) => v,
        Err(x) => {
            rep.check(
                "ofd.signed_value",
                Status::Fail,
                Some(sv_path),
                format!("签名值文件无法读取：{x}"),
                format!("the signed value cannot be read: {x}"),
            );
            return rep;
        }
    };
    let seal_file = info
        .and_then(|i| i.at("Seal/BaseLoc"))
        .map(|b| b.trimmed().to_string())
        .and_then(|loc| resolve(z, &loc, &base))
        .and_then(|p| z.read(&p).ok().map(|b| (p, b)));
    if let Some(v) = ses::detect(&value) {
        let input = SesInput {
            value: &value,
            signed_xml: &sig_xml,
            seal_file,
            declared_time,
        };
        ses::verify(&mut rep, v, &input, trust);
    } else if is_signed_data(&value) {
        verify_cms(&mut rep, &value, &sig_xml, declared_time, trust);
    } else if let Some(sig_bytes) = bare_signature(&value) {
        verify_bare(&mut rep, sig_bytes, &sig_xml, declared_time, trust);
    } else {
        rep.check(
            "ofd.signed_value",
            Status::Fail,
            Some(sv_path),
            format!("签名值（{} 字节）不是可识别的电子签章、GB/T 35275 签名或 SM2 签名", value.len()),
            format!("the signed value ({} bytes) is not a recognisable seal, GB/T 35275 signature or SM2 signature", value.len()),
        );
    }
    if en.typ.eq_ignore_ascii_case("Sign")
        && matches!(
            rep.kind,
            SignatureKind::OfdSealV1 | SignatureKind::OfdSealV4
        )
    {
        rep.check(
            "ofd.type",
            Status::Warn,
            None,
            "Signatures.xml 标记为 Sign，但签名值是电子签章",
            "Signatures.xml says Type=Sign but the value is a seal",
        );
    }
    rep
}

fn parse_ofd_datetime(s: &str) -> Option<i64> {
    let s = s.trim();
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y%m%d%H%M%S"] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, f) {
            // OFD SignatureDateTime has no zone: producers write China time (UTC+8).
            return Some(t.and_utc().timestamp() - 8 * 3600);
        }
    }
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.timestamp())
}

fn check_references<R: Read + Seek>(
    z: &mut ZipContainer<R>,
    rep: &mut SignatureReport,
    refs: &Element,
    base: &str,
) {
    let method = refs
        .attr("CheckMethod")
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let declared = method.map(|m| (m, DigestAlg::parse(m)));
    let mut total = 0usize;
    let mut matched = 0usize;
    let mut unsupported = 0usize;
    for r in refs.children_named("Reference") {
        total += 1;
        let file_ref = r.attr("FileRef").unwrap_or("").trim().to_string();
        let expected = base64::engine::general_purpose::STANDARD
            .decode(
                r.text_at("CheckValue")
                    .unwrap_or("")
                    .split_whitespace()
                    .collect::<String>(),
            )
            .unwrap_or_default();
        let alg = match declared {
            Some((_, Some(a))) => a,
            Some((m, None)) => {
                unsupported += 1;
                rep.check(
                    "ofd.reference_digest",
                    Status::Indeterminate,
                    Some(file_ref.clone()),
                    format!("摘要算法 {m} 不受支持，无法核对 {file_ref}"),
                    format!("digest method {m} is not supported; {file_ref} cannot be checked"),
                );
                continue;
            }
            // GB/T 33190 defaults to MD5; producers that omit it mostly use SM3 (32 bytes).
            None => match expected.len() {
                16 => DigestAlg::Md5,
                20 => DigestAlg::Sha1,
                _ => DigestAlg::Sm3,
            },
        };
        let Some(name) = resolve(z, &file_ref, base) else {
            rep.check(
                "ofd.reference_digest",
                Status::Fail,
                Some(file_ref.clone()),
                format!("受保护的文件 {file_ref} 已不存在"),
                format!("the protected file {file_ref} is missing"),
            );
            continue;
        };
        let mut h = digest::MultiHasher::new(&[alg]);
        if let Err(x) = z.copy_to(&name, &mut h) {
            rep.check(
                "ofd.reference_digest",
                Status::Fail,
                Some(file_ref.clone()),
                format!("受保护的文件 {file_ref} 无法读取：{x}"),
                format!("the protected file {file_ref} cannot be read: {x}"),
            );
            continue;
        }
        let actual = h.finish().get(alg).map(<[u8]>::to_vec).unwrap_or_default();
        if actual == expected {
            matched += 1;
        } else {
            rep.check(
                "ofd.reference_digest",
                Status::Fail,
                Some(file_ref.clone()),
                format!("文件 {file_ref} 的 {} 摘要与签名时登记的值不符：该文件在签名后被修改", alg.name()),
                format!("the {} digest of {file_ref} differs from the value recorded at signing: the file was changed after signing", alg.name()),
            );
        }
    }
    if matched == total && total > 0 {
        rep.check(
            "ofd.reference_digest",
            Status::Ok,
            None,
            format!("{matched}/{total} 个受保护文件的摘要一致"),
            format!("{matched}/{total} protected files match their digests"),
        );
    } else if total == 0 {
        rep.check(
            "ofd.references",
            Status::Fail,
            None,
            "签名未列出任何受保护的文件",
            "the signature protects no file (empty References)",
        );
    } else {
        // Only unsupported methods (nothing mismatched or missing): cannot decide.
        let failed = total - matched - unsupported;
        rep.check(
            "ofd.reference_summary",
            if failed > 0 {
                Status::Fail
            } else {
                Status::Indeterminate
            },
            None,
            format!("{matched}/{total} 个受保护文件的摘要一致"),
            format!("{matched}/{total} protected files match their digests"),
        );
    }
}

fn is_signed_data(v: &[u8]) -> bool {
    Tlv::parse_one(v)
        .ok()
        .and_then(|t| t.reader().next("oid").ok())
        .and_then(|o| o.oid().ok())
        .is_some_and(|o| o == cms::SIGNED_DATA || o == cms::SIGNED_DATA_SM2)
}

/// A bare SM2 signature: DER SEQUENCE { r INTEGER, s INTEGER } or raw r‖s (64 bytes).
fn bare_signature(v: &[u8]) -> Option<&[u8]> {
    if v.len() == 64 {
        return Some(v);
    }
    let t = Tlv::parse_one(v).ok()?;
    let parts = t.reader().all("sig").ok()?;
    (t.tag == tag::SEQUENCE && parts.len() == 2 && parts.iter().all(|p| p.tag == tag::INTEGER))
        .then_some(t.raw)
}

fn verify_cms(
    rep: &mut SignatureReport,
    value: &[u8],
    sig_xml: &[u8],
    declared_time: Option<i64>,
    trust: &Trust,
) {
    rep.kind = SignatureKind::OfdCms;
    let sd = match cms::parse(value) {
        Ok(sd) => sd,
        Err(x) => {
            rep.check(
                "cms.structure",
                Status::Fail,
                None,
                format!("GB/T 35275 签名数据无法解析：{x}"),
                format!("the GB/T 35275 signed data cannot be parsed: {x}"),
            );
            return;
        }
    };
    if sd.signers.is_empty() {
        rep.check(
            "cms.structure",
            Status::Fail,
            None,
            "签名数据中没有签名者",
            "the signed data has no signer",
        );
        return;
    }
    for si in &sd.signers {
        // OFD signs Signature.xml; GB/T 35275 producers either sign it directly or sign its SM3.
        let o = cms::verify_signer(
            &sd,
            si,
            &trust.signer_certs,
            &|h| h.digest(sig_xml),
            &|| sig_xml.to_vec(),
        );
        let alt = o.digest.map(|h| h.digest(&HashAlg::Sm3.digest(sig_xml)));
        report_cms_signer(
            rep,
            &sd,
            si,
            &o,
            sig_xml,
            alt.as_deref(),
            declared_time,
            trust,
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn report_cms_signer(
    rep: &mut SignatureReport,
    sd: &cms::SignedData<'_>,
    si: &cms::SignerInfo<'_>,
    o: &cms::SignerOutcome,
    sig_xml: &[u8],
    alt_digest: Option<&[u8]>,
    declared_time: Option<i64>,
    trust: &Trust,
) {
    rep.algorithm = o.scheme.map(|s| s.name());
    if let Some(c) = &o.cert {
        rep.signer = Some(c.subject.clone());
    }
    let stated = o.signing_time.or(declared_time);
    rep.signing_time = stated.map(fmt_time);
    let at = stated.unwrap_or_else(super::now);
    // The content: attached content must be Signature.xml or its SM3; detached = Signature.xml.
    let content_ok = match sd.econtent {
        Some(ec) => ec == sig_xml || ec == HashAlg::Sm3.digest(sig_xml).as_slice(),
        None => true,
    };
    let md_ok = match (si.signed_attrs_raw, si.attr(cms::ATTR_MESSAGE_DIGEST)) {
        (Some(_), Some(md)) => {
            o.content_ok == Some(true)
                || alt_digest.is_some_and(|a| a == md.value)
                || o.digest.is_some_and(|h| h.digest(sig_xml) == md.value)
        }
        (Some(_), None) => false,
        (None, _) => true,
    };
    if content_ok && md_ok {
        rep.check(
            "cms.message_digest",
            Status::Ok,
            None,
            "签名覆盖的原文与 Signature.xml 一致",
            "the signed content matches Signature.xml",
        );
    } else {
        rep.check("cms.message_digest", Status::Fail, None, "签名覆盖的原文摘要与 Signature.xml 不符：签名描述文件在签名后被修改", "the signed content digest differs from Signature.xml: the signature description was changed after signing");
    }
    match &o.signature {
        Ok(()) => rep.check(
            "cms.signature",
            Status::Ok,
            None,
            if o.used_sorted_attrs {
                "签名值验证通过（按 DER 排序后的签名属性）"
            } else {
                "签名值验证通过（按原始编码的签名属性）"
            },
            if o.used_sorted_attrs {
                "the signature verifies (over DER-sorted signed attributes)"
            } else {
                "the signature verifies (over the signed attributes as encoded)"
            },
        ),
        Err(x) => rep.check(
            "cms.signature",
            if o.unsupported {
                Status::Indeterminate
            } else {
                Status::Fail
            },
            None,
            format!("签名值验证失败：{x}"),
            format!("the signature fails: {x}"),
        ),
    }
    if let Some(c) = &o.cert {
        let extra: Vec<_> = sd.certs.clone();
        check_cert(
            rep,
            trust,
            c,
            &extra,
            at,
            ("签名人", "signer"),
            "cms.signer_cert",
        );
    }
    if let Some((_, tok)) = si
        .unsigned_attrs
        .iter()
        .find(|(oid, _)| oid == cms::ATTR_TIMESTAMP_TOKEN)
    {
        let t = cms::verify_timestamp(tok.raw, &|h| h.digest(si.signature));
        ses::report_timestamp(rep, &t, "cms.timestamp");
    }
}

fn verify_bare(
    rep: &mut SignatureReport,
    sig: &[u8],
    sig_xml: &[u8],
    declared_time: Option<i64>,
    trust: &Trust,
) {
    rep.kind = SignatureKind::OfdBare;
    rep.algorithm = Some(SigScheme::Sm2Sm3.name());
    rep.signing_time = declared_time.map(fmt_time);
    let at = declared_time.unwrap_or_else(super::now);
    if trust.signer_certs.is_empty() {
        rep.check(
            "ofd.bare_signature",
            Status::Indeterminate,
            None,
            "签名值为不含证书的 SM2 签名，需提供签名人证书才能验证",
            "the signed value is a bare SM2 signature without a certificate: supply the signer certificate to verify it",
        );
        return;
    }
    let hit = trust.signer_certs.iter().find(|c| {
        algs::verify(SigScheme::Sm2Sm3, &c.key, sig_xml, sig).is_ok()
            || algs::verify(
                SigScheme::Sm2Sm3,
                &c.key,
                &HashAlg::Sm3.digest(sig_xml),
                sig,
            )
            .is_ok()
    });
    match hit {
        Some(c) => {
            rep.signer = Some(c.subject.clone());
            rep.check(
                "ofd.bare_signature",
                Status::Ok,
                Some(c.subject.clone()),
                "签名值用所提供的签名人证书验证通过",
                "the signature verifies with the supplied signer certificate",
            );
            check_cert(
                rep,
                trust,
                c,
                &[],
                at,
                ("签名人", "signer"),
                "ofd.signer_cert",
            );
        }
        None => {
            let at_sign: Vec<String> = trust
                .signer_certs
                .iter()
                .map(|c| {
                    format!(
                        "{} ({} – {}{})",
                        c.short_name(),
                        fmt_time(c.not_before),
                        fmt_time(c.not_after),
                        if c.valid_at(at) {
                            ""
                        } else {
                            ", not valid at the signing time"
                        }
                    )
                })
                .collect();
            rep.check(
                "ofd.bare_signature",
                Status::Fail,
                Some(at_sign.join("; ")),
                format!("签名值无法用所提供的 {} 个签名人证书验证：证书与签名不匹配或签名后文件被改动（{}）", trust.signer_certs.len(), at_sign.join("；")),
                format!("the signature does not verify with any of the {} supplied signer certificates: wrong certificate or Signature.xml changed ({})", trust.signer_certs.len(), at_sign.join("; ")),
            )
        }
    }
}

/// Multi-signature policy. Adding a signature rewrites Signatures.xml, so an earlier signature
/// that protected Signatures.xml no longer matches it. When the only failure of an earlier
/// signature is that reference, and a later signature in the same list verifies, the failure is
/// reported as a warning explaining the rewrite instead of tampering.
fn apply_rewrite_policy(sigs: &mut [SignatureReport], list_path: &str) {
    let n = sigs.len();
    let list_norm = normalize(list_path).unwrap_or_default();
    let is_list = |loc: &Option<String>| {
        loc.as_deref()
            .and_then(normalize)
            .is_some_and(|l| l.eq_ignore_ascii_case(&list_norm) || l.ends_with("Signatures.xml"))
    };
    for i in 0..n {
        let later_ok = sigs[i + 1..]
            .iter()
            .any(|s| s.checks.iter().all(|c| c.status != Status::Fail));
        if !later_ok {
            continue;
        }
        let rep = &mut sigs[i];
        let fails: Vec<&SigCheck> = rep.with_status(Status::Fail).collect();
        let only_list = fails
            .iter()
            .filter(|c| c.rule == "ofd.reference_digest")
            .all(|c| is_list(&c.location))
            && fails.iter().any(|c| c.rule == "ofd.reference_digest")
            && fails
                .iter()
                .all(|c| c.rule == "ofd.reference_digest" || c.rule == "ofd.reference_summary");
        if !only_list {
            continue;
        }
        for c in rep.checks.iter_mut() {
            if c.rule == "ofd.reference_digest" && c.status == Status::Fail {
                c.status = Status::Warn;
                c.rule = "ofd.signatures_rewritten".into();
                c.message_zh = format!(
                    "{} 在本签名之后因追加签名而被改写（多重签名的正常情况，并非内容篡改）；其余受保护文件均一致",
                    c.location.clone().unwrap_or_default()
                );
                c.message_en = format!(
                    "{} was rewritten when a later signature was added (normal for several signatures, not content tampering); every other protected file matches",
                    c.location.clone().unwrap_or_default()
                );
            } else if c.rule == "ofd.reference_summary" {
                c.status = Status::Warn;
            }
        }
    }
}
