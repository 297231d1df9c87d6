//! PDF signatures: every signature dictionary in the file (all incremental revisions), found by
//! its `/ByteRange`. Checks ByteRange sanity (the gap is exactly the `/Contents` hex string),
//! whole-file coverage (bytes appended after the last signature are reported), the CMS
//! SignedData (messageDigest over the ByteRange, signature over the signed attributes as encoded;
//! RSA PKCS#1 v1.5 / PSS, ECDSA P-256/P-384, SM2/SM3), document timestamps (ETSI.RFC3161), and
//! the signer certificate. Field names come from lopdf when the file parses.

use super::algs::{HashAlg, Hasher};
use super::certs::fmt_time;
use super::{
    check_cert, cms, ses, DocFormat, Limits, SigCheck, SignatureKind, SignatureReport, Status,
    Trust, Verification,
};
use crate::record::Source;
use crate::Result;

/// Most signatures looked at in one PDF.
const MAX_SIGNATURES: usize = 500;

/// One signature dictionary found in the bytes.
#[derive(Debug, Clone)]
struct Found {
    range: [usize; 4],
    contents: Vec<u8>,
    sub_filter: Option<String>,
    name: Option<String>,
    time: Option<i64>,
    field: Option<String>,
}

/// Verifies every signature of a PDF.
pub fn verify_pdf(src: &Source, trust: &Trust, limits: &Limits) -> Result<Verification> {
    let bytes = src.read_all(limits.in_memory())?;
    Ok(verify_pdf_bytes(&bytes, trust))
}

/// Verifies every signature of a PDF held in memory.
pub fn verify_pdf_bytes(bytes: &[u8], trust: &Trust) -> Verification {
    let mut out = Verification::empty(DocFormat::Pdf);
    let (mut found, problems) = scan(bytes);
    out.notes.extend(problems);
    if found.len() > MAX_SIGNATURES {
        found.truncate(MAX_SIGNATURES);
        out.notes.push(SigCheck {
            rule: "pdf.limit".into(),
            status: Status::Indeterminate,
            location: None,
            message_zh: format!("签名超过 {MAX_SIGNATURES} 个，仅验证前 {MAX_SIGNATURES} 个"),
            message_en: format!("more than {MAX_SIGNATURES} signatures: only the first {MAX_SIGNATURES} were verified"),
        });
    }
    name_fields(bytes, &mut found);
    found.sort_by_key(|f| f.range[2] + f.range[3]);
    let end_of_file = bytes.len() - trailing_ws(bytes);
    let last_end = found
        .iter()
        .map(|f| f.range[2] + f.range[3])
        .max()
        .unwrap_or(0);
    for (i, f) in found.iter().enumerate() {
        let mut rep = verify_found(bytes, f, i, trust);
        let end = f.range[2] + f.range[3];
        if end >= end_of_file {
            rep.check(
                "pdf.coverage",
                Status::Ok,
                None,
                "签名覆盖整个文件",
                "the signature covers the whole file",
            );
        } else if end < last_end {
            rep.check(
                "pdf.coverage",
                Status::Ok,
                Some(format!("0..{end}")),
                format!("签名覆盖文件的第 1 至 {end} 字节（其后的增量更新由后续签名覆盖）"),
                format!("the signature covers bytes 0..{end}; the later incremental updates are covered by a later signature"),
            );
        } else if dss_only(&bytes[end..]) {
            rep.check(
                "pdf.coverage",
                Status::Warn,
                Some(format!("{end}..{}", bytes.len())),
                format!("签名后追加了 {} 字节的增量更新，仅含长期验证数据（DSS），未改动内容，但未被签名覆盖", bytes.len() - end),
                format!("{} bytes were appended after the last signature; they only add long-term validation data (DSS), change no content, and are not covered", bytes.len() - end),
            );
        } else {
            rep.check(
                "pdf.coverage",
                Status::Fail,
                Some(format!("{end}..{}", bytes.len())),
                format!("签名仅部分覆盖文件：签名后追加了 {} 字节（第 {end} 至 {} 字节）未被任何签名覆盖", bytes.len() - end, bytes.len()),
                format!("partially covered: {} bytes ({end}..{}) were appended after the last signature and no signature covers them", bytes.len() - end, bytes.len()),
            );
        }
        out.signatures.push(rep);
    }
    out
}

/// Whether an uncovered tail only adds PAdES validation data: it names `/DSS` and touches no
/// page, annotation, content, font, XObject or form field.
fn dss_only(tail: &[u8]) -> bool {
    find(tail, b"/DSS", 0).is_some()
        && [
            &b"/Page"[..],
            b"/Annot",
            b"/Contents",
            b"/Font",
            b"/XObject",
            b"/FT",
            b"/JavaScript",
            b"/OpenAction",
        ]
        .iter()
        .all(|k| key_end(tail, k).is_none())
}

fn trailing_ws(b: &[u8]) -> usize {
    b.iter()
        .rev()
        .take_while(|c| c.is_ascii_whitespace() || **c == 0)
        .count()
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from >= hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == 0) {
        i += 1;
    }
    i
}

fn read_int(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let i = skip_ws(b, i);
    let s = i;
    let mut j = i;
    while j < b.len() && b[j].is_ascii_digit() {
        j += 1;
    }
    if j == s || j - s > 15 {
        return None;
    }
    std::str::from_utf8(&b[s..j])
        .ok()?
        .parse()
        .ok()
        .map(|v| (v, j))
}

/// The enclosing dictionary of position `at`: from the nearest unmatched `<<` before it to its `>>`.
fn dict_around(b: &[u8], at: usize) -> (usize, usize) {
    let mut depth = 0i32;
    let mut i = at;
    let mut start = at.saturating_sub(4096);
    while i >= 2 && i > at.saturating_sub(65536) {
        if &b[i - 2..i] == b">>" {
            depth += 1;
            i -= 2;
            continue;
        }
        if &b[i - 2..i] == b"<<" {
            if depth == 0 {
                start = i - 2;
                break;
            }
            depth -= 1;
            i -= 2;
            continue;
        }
        i -= 1;
    }
    let mut depth = 0i32;
    let mut j = at;
    let mut end = (at + 4096).min(b.len());
    while j + 2 <= b.len() && j < at + 65536 {
        if &b[j..j + 2] == b"<<" {
            depth += 1;
            j += 2;
            continue;
        }
        if &b[j..j + 2] == b">>" {
            if depth == 0 {
                end = j + 2;
                break;
            }
            depth -= 1;
            j += 2;
            continue;
        }
        j += 1;
    }
    (start, end)
}

/// Position just after `key` (a PDF name) in `dict`, when followed by a delimiter (so `/M` does
/// not match `/MDP`).
fn key_end(dict: &[u8], key: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = find(dict, key, from) {
        let e = p + key.len();
        match dict.get(e) {
            Some(c) if c.is_ascii_alphanumeric() || *c == b'.' || *c == b'_' => from = e,
            _ => return Some(e),
        }
    }
    None
}

fn name_value(dict: &[u8], key: &[u8]) -> Option<String> {
    let p = key_end(dict, key)?;
    let p = skip_ws(dict, p);
    if dict.get(p) == Some(&b'/') {
        let e = dict[p + 1..]
            .iter()
            .position(|c| c.is_ascii_whitespace() || b"/<>[]()".contains(c))
            .map(|x| x + p + 1)
            .unwrap_or(dict.len());
        return Some(String::from_utf8_lossy(&dict[p + 1..e]).into_owned());
    }
    None
}

fn string_value(dict: &[u8], key: &[u8]) -> Option<Vec<u8>> {
    let p = key_end(dict, key)?;
    let p = skip_ws(dict, p);
    match dict.get(p)? {
        b'(' => {
            let mut out = Vec::new();
            let mut depth = 0;
            let mut i = p + 1;
            while i < dict.len() {
                let c = dict[i];
                match c {
                    b'\\' if i + 1 < dict.len() => {
                        let n = dict[i + 1];
                        out.push(match n {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            other => other,
                        });
                        i += 2;
                        continue;
                    }
                    b'(' => depth += 1,
                    b')' if depth == 0 => return Some(out),
                    b')' => depth -= 1,
                    _ => {}
                }
                out.push(c);
                i += 1;
            }
            Some(out)
        }
        b'<' if dict.get(p + 1) != Some(&b'<') => {
            let e = find(dict, b">", p)?;
            hex_decode(&dict[p + 1..e])
        }
        _ => None,
    }
}

fn pdf_text(b: &[u8]) -> String {
    if b.starts_with(&[0xfe, 0xff]) {
        let u: Vec<u16> = b[2..]
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&u)
    } else {
        String::from_utf8_lossy(b).into_owned()
    }
}

fn hex_decode(h: &[u8]) -> Option<Vec<u8>> {
    let digits: Vec<u8> = h
        .iter()
        .copied()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(digits.len() / 2 + 1);
    for pair in digits.chunks(2) {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = pair
            .get(1)
            .map(|c| (*c as char).to_digit(16))
            .unwrap_or(Some(0))?;
        out.push((hi * 16 + lo) as u8);
    }
    Some(out)
}

/// PDF date `D:YYYYMMDDHHmmSS+08'00'` → Unix seconds.
fn pdf_date(s: &str) -> Option<i64> {
    let s = s.trim().trim_start_matches("D:");
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.len() < 4 {
        return None;
    }
    let mut full = digits.clone();
    while full.len() < 14 {
        full.push_str(if full.len() < 8 { "01" } else { "00" });
    }
    let base = chrono::NaiveDateTime::parse_from_str(&full[..14], "%Y%m%d%H%M%S")
        .ok()?
        .and_utc()
        .timestamp();
    let rest = &s[digits.len()..];
    let off = match rest.chars().next() {
        Some(c @ ('+' | '-')) => {
            let nums: String = rest[1..].chars().filter(|c| c.is_ascii_digit()).collect();
            let h: i64 = nums.get(0..2).and_then(|x| x.parse().ok()).unwrap_or(0);
            let m: i64 = nums.get(2..4).and_then(|x| x.parse().ok()).unwrap_or(0);
            let v = h * 3600 + m * 60;
            if c == '-' {
                -v
            } else {
                v
            }
        }
        _ => 0,
    };
    Some(base - off)
}

/// Finds every `/ByteRange [a b c d]` whose gap is a `<hex>` string: the signature dictionaries.
fn scan(b: &[u8]) -> (Vec<Found>, Vec<SigCheck>) {
    let mut out: Vec<Found> = Vec::new();
    let mut problems = Vec::new();
    let mut pos = 0;
    while let Some(p) = find(b, b"/ByteRange", pos) {
        pos = p + 10;
        let i = skip_ws(b, pos);
        if b.get(i) != Some(&b'[') {
            continue;
        }
        let mut nums = Vec::new();
        let mut j = i + 1;
        while nums.len() < 4 {
            match read_int(b, j) {
                Some((v, k)) => {
                    nums.push(v);
                    j = k;
                }
                None => break,
            }
        }
        let close = skip_ws(b, j);
        let (ds, de) = dict_around(b, p);
        let dict = &b[ds..de.max(ds)];
        // A dictionary that only reserves space (placeholders) is not a signature yet.
        if nums.len() != 4 || b.get(close) != Some(&b']') {
            problems.push(bad_range(
                p,
                "ByteRange 不是 4 个非负整数",
                "the ByteRange is not four non-negative integers",
            ));
            continue;
        }
        let r = [nums[0], nums[1], nums[2], nums[3]];
        if r == [0, 0, 0, 0] || out.iter().any(|f| f.range == r) {
            continue;
        }
        let sane = r[0] == 0
            && r[1] < r[2]
            && r[2].checked_add(r[3]).is_some_and(|e| e <= b.len())
            && b.get(r[1]) == Some(&b'<')
            && b.get(r[2] - 1) == Some(&b'>');
        if !sane {
            problems.push(bad_range(
                p,
                &format!("ByteRange [{} {} {} {}] 与文件不符（须从 0 开始、间隙正好是 /Contents 十六进制串、不超出文件长度 {}）", r[0], r[1], r[2], r[3], b.len()),
                &format!("ByteRange [{} {} {} {}] does not fit the file (must start at 0, its gap must be exactly the /Contents hex string, and stay within the {} bytes)", r[0], r[1], r[2], r[3], b.len()),
            ));
            continue;
        }
        let Some(contents) = hex_decode(&b[r[1] + 1..r[2] - 1]) else {
            problems.push(bad_range(
                p,
                "/Contents 不是十六进制串",
                "/Contents is not a hex string",
            ));
            continue;
        };
        if contents.iter().all(|&c| c == 0) {
            problems.push(SigCheck {
                rule: "pdf.empty_signature".into(),
                status: Status::Manual,
                location: Some(format!("offset {p}")),
                message_zh: "签名域已预留但没有签名值（未签署）".into(),
                message_en: "a signature dictionary reserves space but holds no signature value (not signed)".into(),
            });
            continue;
        }
        out.push(Found {
            range: r,
            contents,
            sub_filter: name_value(dict, b"/SubFilter"),
            name: string_value(dict, b"/Name").map(|v| pdf_text(&v)),
            time: string_value(dict, b"/M").and_then(|v| pdf_date(&String::from_utf8_lossy(&v))),
            field: None,
        });
    }
    (out, problems)
}

fn bad_range(at: usize, zh: &str, en: &str) -> SigCheck {
    SigCheck {
        rule: "pdf.byte_range".into(),
        status: Status::Fail,
        location: Some(format!("offset {at}")),
        message_zh: zh.into(),
        message_en: en.into(),
    }
}

/// Attaches field names (/T) from the AcroForm when lopdf can read the file.
fn name_fields(bytes: &[u8], found: &mut [Found]) {
    // Field names are cosmetic: a parser failure (or panic on hostile input) must not stop
    // the verification, so lopdf runs behind catch_unwind.
    let parsed = std::panic::catch_unwind(|| lopdf::Document::load_mem(bytes));
    let Ok(Ok(doc)) = parsed else {
        return;
    };
    for (_, obj) in doc.objects.iter() {
        let Ok(d) = obj.as_dict() else { continue };
        let Ok(t) = d.get(b"T").and_then(|t| t.as_str()) else {
            continue;
        };
        let v = match d.get(b"V") {
            Ok(lopdf::Object::Reference(id)) => {
                doc.get_object(*id).ok().and_then(|o| o.as_dict().ok())
            }
            Ok(lopdf::Object::Dictionary(dd)) => Some(dd),
            _ => None,
        };
        let Some(v) = v else { continue };
        let Ok(br) = v.get(b"ByteRange").and_then(|a| a.as_array()) else {
            continue;
        };
        let r: Vec<usize> = br
            .iter()
            .filter_map(|x| x.as_i64().ok())
            .map(|x| x as usize)
            .collect();
        if let Some(f) = found
            .iter_mut()
            .find(|f| f.range.as_slice() == r.as_slice())
        {
            f.field = Some(pdf_text(t));
        }
    }
}

fn verify_found(b: &[u8], f: &Found, idx: usize, trust: &Trust) -> SignatureReport {
    let [_, l1, s2, l2] = f.range;
    let is_ts = f.sub_filter.as_deref() == Some("ETSI.RFC3161");
    let kind = if is_ts {
        SignatureKind::PdfTimestamp
    } else {
        SignatureKind::PdfCms
    };
    let label = match &f.field {
        Some(n) => format!("PDF signature #{} ({n})", idx + 1),
        None => format!("PDF signature #{}", idx + 1),
    };
    let mut rep = SignatureReport::new(kind, label);
    rep.id = f.field.clone();
    let ranges: [&[u8]; 2] = [&b[..l1], &b[s2..s2 + l2]];
    let digest = |h: HashAlg| {
        let mut x = Hasher::new(h);
        x.update(ranges[0]);
        x.update(ranges[1]);
        x.finish()
    };
    if is_ts {
        let t = cms::verify_timestamp(&f.contents, &digest);
        if let Some(c) = &t.tsa_cert {
            rep.signer = Some(c.subject.clone());
        }
        ses::report_timestamp(&mut rep, &t, "pdf.timestamp");
        if let (Some(c), Some(gt)) = (&t.tsa_cert, t.info.as_ref().and_then(|i| i.gen_time)) {
            rep.signing_time = Some(fmt_time(gt));
            check_cert(
                &mut rep,
                trust,
                c,
                &[],
                gt,
                ("时间戳服务", "timestamp authority"),
                "pdf.tsa_cert",
            );
        }
        return rep;
    }
    let sd = match cms::parse(&f.contents) {
        Ok(sd) => sd,
        Err(x) => {
            rep.check(
                "cms.structure",
                Status::Fail,
                None,
                format!("签名数据（CMS）无法解析：{x}"),
                format!("the signature (CMS) cannot be parsed: {x}"),
            );
            return rep;
        }
    };
    let Some(si) = sd.signers.first() else {
        rep.check(
            "cms.structure",
            Status::Fail,
            None,
            "签名数据中没有签名者",
            "the signature has no signer",
        );
        return rep;
    };
    let o = cms::verify_signer(&sd, si, &[], &digest, &|| [ranges[0], ranges[1]].concat());
    rep.algorithm = o.scheme.map(|s| s.name());
    rep.signer = o
        .cert
        .as_ref()
        .map(|c| c.subject.clone())
        .or_else(|| f.name.clone());
    let stated = o.signing_time.or(f.time);
    rep.signing_time = stated.map(fmt_time);
    // Without a stated signing time the certificate is judged at the time of checking.
    let at = stated.unwrap_or_else(super::now);
    // adbe.pkcs7.sha1 puts SHA-1(ByteRange) as the attached content.
    let content_ok = match (sd.econtent, si.signed_attrs_raw) {
        (Some(ec), _) if f.sub_filter.as_deref() == Some("adbe.pkcs7.sha1") => {
            ec == digest(HashAlg::Sha1).as_slice()
        }
        (_, Some(_)) => o.content_ok == Some(true),
        (None, None) => true,
        (Some(_), None) => false,
    };
    if o.digest.is_none() {
        rep.check(
            "pdf.message_digest",
            Status::Indeterminate,
            None,
            format!("摘要算法 {} 不受支持，无法核对", si.digest_oid),
            format!(
                "digest algorithm {} is not supported; the digest was not checked",
                si.digest_oid
            ),
        );
    } else if content_ok {
        rep.check(
            "pdf.message_digest",
            Status::Ok,
            None,
            "签名范围内的内容摘要与签名一致",
            "the digest of the signed byte ranges matches the signature",
        );
    } else {
        rep.check(
            "pdf.message_digest",
            Status::Fail,
            Some(format!("0..{l1}, {s2}..{}", s2 + l2)),
            "签名范围内的内容摘要与签名不符：文件在签名后被修改",
            "the digest of the signed byte ranges differs from the signature: the file was changed after signing",
        );
    }
    match &o.signature {
        Ok(()) => rep.check(
            "cms.signature",
            Status::Ok,
            None,
            "签名值验证通过",
            "the signature value verifies",
        ),
        Err(x) if o.unsupported => rep.check(
            "cms.signature",
            Status::Indeterminate,
            None,
            format!("签名算法不受支持，无法验证：{x}"),
            format!("the signature algorithm is not supported, it cannot be verified: {x}"),
        ),
        Err(x) => rep.check(
            "cms.signature",
            Status::Fail,
            None,
            format!("签名值验证失败：{x}"),
            format!("the signature value fails: {x}"),
        ),
    }
    if let Some(c) = &o.cert {
        check_cert(
            &mut rep,
            trust,
            c,
            &sd.certs,
            at,
            ("签名人", "signer"),
            "pdf.signer_cert",
        );
    }
    if let Some((_, tok)) = si
        .unsigned_attrs
        .iter()
        .find(|(oid, _)| oid == cms::ATTR_TIMESTAMP_TOKEN)
    {
        let t = cms::verify_timestamp(tok.raw, &|h| h.digest(si.signature));
        ses::report_timestamp(&mut rep, &t, "pdf.signature_timestamp");
    }
    rep
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates() {
        assert_eq!(pdf_date("D:20200916153000+08'00'"), Some(1_600_241_400));
        assert_eq!(pdf_date("D:20200916073000Z"), Some(1_600_241_400));
    }

    #[test]
    fn unsigned_and_garbage_give_no_signatures() {
        let v = verify_pdf_bytes(
            b"%PDF-1.7\n1 0 obj << /ByteRange [0 10 20 30] >> endobj\n",
            &Trust::none(),
        );
        assert!(v.signatures.is_empty());
        assert_eq!(v.notes.len(), 1);
        assert_eq!(v.notes[0].rule, "pdf.byte_range");
    }
}
