//! SES electronic seals: parsing and verifying SES_Signature v4 (GB/T 38540-2020) and v1
//! (GM/T 0031-2014), leniently (producers encode times and hashes differently). Checks: the
//! document hash (dataHash = SM3(Signature.xml)), the signer's signature over TBS_Sign, the seal
//! maker's signature over the seal, the seal's validity period at the signing time, the signer
//! certificate against the seal's certificate list, Seal.esl against the embedded seal, and the
//! optional v4 timestamp.

use super::algs::{HashAlg, SigScheme};
use super::asn1::{self, tag, Tlv};
use super::certs::{fmt_time, Cert};
use super::cms;
use super::{check_cert, SignatureKind, SignatureReport, Status, Trust};

/// SES versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SesVersion {
    /// GB/T 38540-2020.
    V4,
    /// GM/T 0031-2014.
    V1,
}

/// Recognises an SES_Signature by shape: 4–5 elements with an OCTET STRING certificate second
/// ⇒ v4; 2 elements (TBS_Sign, BIT STRING) ⇒ v1.
pub fn detect(value: &[u8]) -> Option<SesVersion> {
    let t = Tlv::parse_one(value).ok()?;
    if t.tag != tag::SEQUENCE {
        return None;
    }
    let parts = t.reader().all("SES_Signature").ok()?;
    let tags: Vec<u8> = parts.iter().map(|p| p.tag).collect();
    match tags.as_slice() {
        [tag::SEQUENCE, tag::OCTET_STRING, tag::OID, tag::BIT_STRING, ..] if parts.len() <= 5 => {
            Some(SesVersion::V4)
        }
        [tag::SEQUENCE, tag::BIT_STRING | tag::OCTET_STRING] => {
            // v1's TBS_Sign starts with version INTEGER and a SESeal SEQUENCE
            let tbs = parts[0].reader().all("TBS_Sign").ok()?;
            (tbs.len() >= 7 && tbs[0].tag == tag::INTEGER).then_some(SesVersion::V1)
        }
        _ => None,
    }
}

/// The seal (SESeal) content guidang reports and checks.
#[derive(Debug, Clone, Default)]
struct Seal {
    name: Option<String>,
    es_id: Option<String>,
    cert_list_type: Option<u64>,
    certs: Vec<Vec<u8>>,
    cert_digests: Vec<(String, Vec<u8>)>,
    create: Option<i64>,
    valid_start: Option<i64>,
    valid_end: Option<i64>,
    maker_cert: Option<Vec<u8>>,
    alg: Option<String>,
    /// Candidate byte strings the maker may have signed.
    tbs: Vec<Vec<u8>>,
    signature: Vec<u8>,
}

fn e(x: impl std::fmt::Display) -> String {
    x.to_string()
}

fn parse_time_loose(t: &Tlv<'_>) -> Option<i64> {
    match t.tag {
        tag::UTC_TIME | tag::GENERALIZED_TIME => asn1::parse_time(t),
        _ => {
            let s = String::from_utf8_lossy(t.bits_or_octets().ok()?).into_owned();
            let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
            asn1::parse_digits_time(digits.get(0..14)?).map(|v| {
                // Text times without a zone are local (China, UTC+8) by convention.
                if s.ends_with('Z') {
                    v
                } else {
                    v - 8 * 3600
                }
            })
        }
    }
}

fn parse_seal(t: &Tlv<'_>, v: SesVersion) -> Result<Seal, String> {
    let mut s = Seal::default();
    let mut r = t.reader();
    let info = r.expect(tag::SEQUENCE, "SES_SealInfo").map_err(e)?;
    match v {
        SesVersion::V4 => {
            let cert = r.expect(tag::OCTET_STRING, "seal maker cert").map_err(e)?;
            let alg = r.expect(tag::OID, "signAlgID").map_err(e)?;
            let sig = r
                .next("signedValue")
                .and_then(|b| b.bits_or_octets())
                .map_err(e)?;
            s.maker_cert = Some(cert.value.to_vec());
            s.alg = alg.oid().ok();
            s.signature = sig.to_vec();
            s.tbs = vec![
                info.raw.to_vec(),
                [info.raw, cert.raw, alg.raw].concat(),
                asn1::seq(&[info.raw, cert.raw, alg.raw]),
            ];
        }
        SesVersion::V1 => {
            let si = r.expect(tag::SEQUENCE, "signInfo").map_err(e)?;
            let mut sr = si.reader();
            let cert = sr.next("signInfo cert").map_err(e)?;
            let alg = sr.expect(tag::OID, "signatureAlgorithm").map_err(e)?;
            let sig = sr
                .next("signData")
                .and_then(|b| b.bits_or_octets())
                .map_err(e)?;
            s.maker_cert = Some(cert.value.to_vec());
            s.alg = alg.oid().ok();
            s.signature = sig.to_vec();
            s.tbs = vec![
                info.raw.to_vec(),
                [info.raw, cert.raw, alg.raw].concat(),
                asn1::seq(&[info.raw, cert.raw, alg.raw]),
            ];
        }
    }
    let mut ir = info.reader();
    ir.expect(tag::SEQUENCE, "SES_Header").map_err(e)?;
    s.es_id = ir.next("esID").ok().map(|t| t.text());
    let prop = ir.expect(tag::SEQUENCE, "SES_ESPropertyInfo").map_err(e)?;
    let mut pr = prop.reader();
    pr.expect(tag::INTEGER, "type").map_err(e)?;
    s.name = pr.next("name").ok().map(|t| t.text());
    if pr.peek_tag() == Some(tag::INTEGER) {
        s.cert_list_type = pr
            .next("certListType")
            .ok()
            .and_then(|t| t.small_uint().ok());
    }
    let list = pr.expect(tag::SEQUENCE, "certList").map_err(e)?;
    for item in list.reader().all("certList item").map_err(e)? {
        match item.tag {
            tag::OCTET_STRING => s.certs.push(item.value.to_vec()),
            tag::SEQUENCE => {
                // CertDigestObj { type PrintableString, value OCTET STRING } or a bare certificate
                let parts = item.reader().all("CertDigestObj").map_err(e)?;
                if parts.len() == 2 && parts[1].tag == tag::OCTET_STRING {
                    s.cert_digests
                        .push((parts[0].text(), parts[1].value.to_vec()));
                } else {
                    s.certs.push(item.raw.to_vec());
                }
            }
            _ => {}
        }
    }
    s.create = pr
        .next("createDate")
        .ok()
        .and_then(|t| parse_time_loose(&t));
    s.valid_start = pr
        .next("validStart")
        .ok()
        .and_then(|t| parse_time_loose(&t));
    s.valid_end = pr.next("validEnd").ok().and_then(|t| parse_time_loose(&t));
    Ok(s)
}

/// Inputs of one SES verification.
#[derive(Debug)]
pub struct SesInput<'a> {
    /// SignedValue bytes.
    pub value: &'a [u8],
    /// Signature.xml bytes (what dataHash covers).
    pub signed_xml: &'a [u8],
    /// Seal.esl named by SignedInfo/Seal, with its path.
    pub seal_file: Option<(String, Vec<u8>)>,
    /// SignatureDateTime from Signature.xml (fallback signing time).
    pub declared_time: Option<i64>,
}

/// Verifies an SES_Signature into `rep`.
pub fn verify(rep: &mut SignatureReport, v: SesVersion, input: &SesInput<'_>, trust: &Trust) {
    if let Err(x) = verify_inner(rep, v, input, trust) {
        rep.check(
            "ses.structure",
            Status::Fail,
            None,
            format!("电子签章数据结构无法解析：{x}"),
            format!("the seal data cannot be parsed: {x}"),
        );
    }
}

fn verify_inner(
    rep: &mut SignatureReport,
    v: SesVersion,
    input: &SesInput<'_>,
    trust: &Trust,
) -> Result<(), String> {
    rep.kind = match v {
        SesVersion::V4 => SignatureKind::OfdSealV4,
        SesVersion::V1 => SignatureKind::OfdSealV1,
    };
    let top = Tlv::parse_one(input.value).map_err(e)?;
    let mut r = top.reader();
    let to_sign = r.expect(tag::SEQUENCE, "TBS_Sign").map_err(e)?;
    let mut tr = to_sign.reader();
    tr.expect(tag::INTEGER, "version").map_err(e)?;
    let seal_t = tr.expect(tag::SEQUENCE, "eseal").map_err(e)?;
    let time_t = tr.next("timeInfo").map_err(e)?;
    let data_hash = tr
        .next("dataHash")
        .and_then(|t| t.bits_or_octets())
        .map_err(e)?;
    let property = tr.next("propertyInfo").ok().map(|t| t.text());
    let (cert_bytes, alg_oid, signature, timestamp) = match v {
        SesVersion::V4 => {
            let cert = r.expect(tag::OCTET_STRING, "cert").map_err(e)?;
            let alg = r
                .expect(tag::OID, "signatureAlgID")
                .map_err(e)?
                .oid()
                .map_err(e)?;
            let sig = r
                .next("signature")
                .and_then(|t| t.bits_or_octets())
                .map_err(e)?;
            let ts = match r.optional(0xa0).map_err(e)? {
                Some(w) => Tlv::parse(w.value)
                    .ok()
                    .and_then(|(t, _)| t.bits_or_octets().ok().map(|b| b.to_vec())),
                None => None,
            };
            (cert.value.to_vec(), alg, sig.to_vec(), ts)
        }
        SesVersion::V1 => {
            // extDatas may come first in lenient encodings; find cert and algorithm by tag.
            let rest = tr.all("TBS_Sign tail").map_err(e)?;
            let cert = rest
                .iter()
                .find(|t| t.tag == tag::OCTET_STRING)
                .ok_or("TBS_Sign has no signer certificate")?;
            let alg = rest
                .iter()
                .find(|t| t.tag == tag::OID)
                .ok_or("TBS_Sign has no signature algorithm")?
                .oid()
                .map_err(e)?;
            let sig = r
                .next("signature")
                .and_then(|t| t.bits_or_octets())
                .map_err(e)?;
            (cert.value.to_vec(), alg, sig.to_vec(), None)
        }
    };
    let sign_time = parse_time_loose(&time_t);
    let stated = sign_time.or(input.declared_time);
    rep.signing_time = stated.map(fmt_time);
    let at = stated.unwrap_or_else(super::now);
    let _ = property;

    // 1. dataHash = SM3(Signature.xml)
    let h = HashAlg::Sm3.digest(input.signed_xml);
    if data_hash == h.as_slice() {
        rep.check(
            "ses.data_hash",
            Status::Ok,
            None,
            "签章原文杂凑值与 Signature.xml 的 SM3 值一致",
            "dataHash equals SM3(Signature.xml)",
        );
    } else {
        rep.check(
            "ses.data_hash",
            Status::Fail,
            None,
            "签章原文杂凑值与 Signature.xml 不符：签名描述文件在签章后被修改",
            "dataHash differs from SM3(Signature.xml): the signature description was changed after sealing",
        );
    }

    // 2. signer signature over TBS_Sign
    let signer = Cert::from_der(&cert_bytes);
    let seal = parse_seal(&seal_t, v);
    match &signer {
        Ok(c) => {
            rep.signer = Some(c.subject.clone());
            let res =
                SigScheme::resolve_oid(&alg_oid, None, &c.key, Some(HashAlg::Sm3)).and_then(|s| {
                    rep.algorithm = Some(s.name());
                    super::algs::verify(s, &c.key, to_sign.raw, &signature)
                });
            match res {
                Ok(()) => rep.check(
                    "ses.signer_signature",
                    Status::Ok,
                    None,
                    "签章人签名值验证通过",
                    "the signer's signature over TBS_Sign verifies",
                ),
                Err(x) => rep.check(
                    "ses.signer_signature",
                    Status::Fail,
                    None,
                    format!("签章人签名值验证失败：{x}"),
                    format!("the signer's signature over TBS_Sign fails: {x}"),
                ),
            }
        }
        Err(x) => rep.check(
            "ses.signer_certificate",
            Status::Fail,
            None,
            format!("签章人证书无法解析：{x}"),
            format!("the signer certificate cannot be parsed: {x}"),
        ),
    }

    // 3. the seal
    let seal = match seal {
        Ok(s) => s,
        Err(x) => {
            rep.check(
                "ses.seal_structure",
                Status::Fail,
                None,
                format!("电子印章数据无法解析：{x}"),
                format!("the seal (SESeal) cannot be parsed: {x}"),
            );
            return Ok(());
        }
    };
    rep.seal_name = seal.name.clone();
    let maker = seal.maker_cert.as_deref().map(Cert::parse_all);
    match maker {
        Some(Ok(mc)) if !mc.is_empty() => {
            let mc = &mc[0];
            rep.seal_maker = Some(mc.subject.clone());
            let scheme = SigScheme::resolve_oid(
                seal.alg.as_deref().unwrap_or(super::algs::oids::SM2_SM3),
                None,
                &mc.key,
                Some(HashAlg::Sm3),
            );
            // GB/T 38540 producers sign the seal info alone or together with the maker
            // certificate and algorithm (concatenated or as a SEQUENCE); accept each form.
            const FORMS: [(&str, &str); 3] = [
                ("印章信息", "the seal info"),
                (
                    "印章信息、制章人证书与算法标识",
                    "the seal info, maker certificate and algorithm",
                ),
                (
                    "印章信息、制章人证书与算法标识（SEQUENCE）",
                    "the seal info, maker certificate and algorithm (as a SEQUENCE)",
                ),
            ];
            let hit = scheme.as_ref().ok().and_then(|s| {
                seal.tbs
                    .iter()
                    .position(|m| super::algs::verify(*s, &mc.key, m, &seal.signature).is_ok())
            });
            if let Some(i) = hit {
                rep.check(
                    "ses.seal_signature",
                    Status::Ok,
                    None,
                    format!("制章人对电子印章的签名验证通过（签名覆盖{}）", FORMS[i].0),
                    format!(
                        "the seal maker's signature over the seal verifies (over {})",
                        FORMS[i].1
                    ),
                );
            } else {
                rep.check(
                    "ses.seal_signature",
                    Status::Fail,
                    None,
                    "制章人对电子印章的签名验证失败：印章数据被篡改或制章人证书不符",
                    "the seal maker's signature over the seal does not verify: the seal was altered or the maker certificate is wrong",
                );
            }
            let maker_at = seal.create.unwrap_or(at);
            check_cert(
                rep,
                trust,
                mc,
                &[],
                maker_at,
                ("制章人", "seal maker"),
                "ses.maker_cert",
            );
        }
        _ => rep.check(
            "ses.seal_structure",
            Status::Fail,
            None,
            "电子印章中的制章人证书无法解析",
            "the seal maker certificate inside the seal cannot be parsed",
        ),
    }

    // 4. seal validity period at the signing time
    match (seal.valid_start, seal.valid_end) {
        (Some(s), Some(en)) if s <= at && at <= en => rep.check(
            "ses.seal_validity",
            Status::Ok,
            None,
            format!(
                "签章时间在印章有效期内（{} 至 {}）",
                fmt_time(s),
                fmt_time(en)
            ),
            format!(
                "signed within the seal's validity period ({} to {})",
                fmt_time(s),
                fmt_time(en)
            ),
        ),
        (Some(s), Some(en)) => rep.check(
            "ses.seal_validity",
            Status::Fail,
            None,
            format!(
                "签章时间 {} 不在印章有效期内（{} 至 {}）",
                fmt_time(at),
                fmt_time(s),
                fmt_time(en)
            ),
            format!(
                "signed at {} outside the seal's validity period ({} to {})",
                fmt_time(at),
                fmt_time(s),
                fmt_time(en)
            ),
        ),
        _ => rep.check(
            "ses.seal_validity",
            Status::Indeterminate,
            None,
            "印章有效期无法读取",
            "the seal's validity period cannot be read",
        ),
    }

    // 5. signer certificate listed in the seal
    if let Ok(c) = &signer {
        let listed = seal.certs.contains(&c.der)
            || seal.cert_digests.iter().any(|(ty, d)| {
                let t = ty.to_ascii_lowercase();
                let h = if t.contains("sm3") {
                    Some(HashAlg::Sm3)
                } else if t.contains("sha256") || t.contains("sha-256") {
                    Some(HashAlg::Sha256)
                } else if t.contains("sha1") || t.contains("sha-1") {
                    Some(HashAlg::Sha1)
                } else {
                    None
                };
                h.is_some_and(|h| h.digest(&c.der) == *d)
            });
        if listed {
            rep.check(
                "ses.signer_in_seal",
                Status::Ok,
                None,
                "签章人证书在印章的证书列表中",
                "the signer certificate is in the seal's certificate list",
            );
        } else {
            rep.check(
                "ses.signer_in_seal",
                Status::Fail,
                Some(c.subject.clone()),
                "签章人证书不在印章的证书列表中：签章人无权使用该印章",
                "the signer certificate is not in the seal's certificate list: the signer may not use this seal",
            );
        }
        check_cert(
            rep,
            trust,
            c,
            &[],
            at,
            ("签章人", "signer"),
            "ses.signer_cert",
        );
    }

    // 6. Seal.esl matches the embedded seal
    if let Some((path, bytes)) = &input.seal_file {
        if bytes.as_slice() == seal_t.raw {
            rep.check(
                "ses.seal_file",
                Status::Ok,
                Some(path.clone()),
                "印章文件与签章数据中的印章一致",
                "the seal file equals the seal inside the signature",
            );
        } else {
            rep.check(
                "ses.seal_file",
                Status::Fail,
                Some(path.clone()),
                format!("印章文件 {path} 与签章数据中的印章不一致"),
                format!("the seal file {path} differs from the seal inside the signature"),
            );
        }
    }

    // 7. optional timestamp over the signature value
    if let Some(tok) = timestamp {
        let t = cms::verify_timestamp(&tok, &|h| h.digest(&signature));
        report_timestamp(rep, &t, "ses.timestamp");
    }
    Ok(())
}

/// Adds the checks of a timestamp token to a report.
pub(crate) fn report_timestamp(rep: &mut SignatureReport, t: &cms::TimestampOutcome, rule: &str) {
    if let Some(gt) = t.info.as_ref().and_then(|i| i.gen_time) {
        rep.timestamp = Some(fmt_time(gt));
    }
    let tsa = t.tsa.clone().unwrap_or_else(|| "?".into());
    match (&t.signature, t.imprint_ok) {
        (Ok(()), Some(true)) => rep.check(
            rule,
            Status::Ok,
            Some(tsa.clone()),
            format!("时间戳验证通过（{tsa}）"),
            format!("the timestamp verifies ({tsa})"),
        ),
        (Ok(()), None) => rep.check(
            rule,
            Status::Indeterminate,
            Some(tsa),
            "时间戳的摘要算法不受支持，未能核对",
            "the timestamp's hash algorithm is not supported; it was not checked",
        ),
        (Ok(()), Some(false)) => rep.check(
            rule,
            Status::Fail,
            Some(tsa),
            "时间戳所盖的摘要与签名值不符",
            "the timestamp's message imprint does not match the signature value",
        ),
        (Err(x), _) => rep.check(
            rule,
            Status::Fail,
            Some(tsa),
            format!("时间戳验证失败：{x}"),
            format!("the timestamp fails: {x}"),
        ),
    }
}
