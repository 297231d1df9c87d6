//! PDF e-invoices, best effort: the text layer (lopdf text extraction) matched against the labels
//! printed on VAT and 数电票 invoices. Every field found is marked `pdf.text` with the pattern used;
//! fields not found are listed in `missing`. Scanned PDFs (no text layer) yield nothing.

use super::assemble::{self, Part};
use super::model::{FieldSource, Invoice, InvoiceFormat, InvoiceKind};
use crate::{Error, Result};
use std::path::Path;

/// Pages read at most (invoices have one or a few; lists of goods may add some).
pub const MAX_PAGES: usize = 20;
/// Limit on decompressed content-stream bytes per page.
pub const MAX_STREAM_BYTES: usize = 16 << 20;

/// Extracts what the text layer of a PDF shows.
pub fn extract(bytes: &[u8], path: &Path) -> Result<Invoice> {
    let doc = lopdf::Document::load_mem(bytes)
        .map_err(|e| Error::invalid(path, format!("not a readable PDF: {e}")))?;
    if doc.is_encrypted() {
        return Err(Error::invalid(
            path,
            "the PDF is encrypted: its text cannot be read",
        ));
    }
    let pages: Vec<u32> = doc.get_pages().keys().copied().take(MAX_PAGES).collect();
    let mut text = String::new();
    for chunk in doc.extract_text_chunks_with_limit(&pages, MAX_STREAM_BYTES) {
        match chunk {
            Ok(t) => text.push_str(&t),
            Err(e) => text.push_str(&format!("\n[unreadable text: {e}]\n")),
        }
    }
    let mut inv = from_text(&text);
    inv.pages = Some(doc.get_pages().len() as u32);
    inv.creator = info_text(&doc, b"Producer").or_else(|| info_text(&doc, b"Creator"));
    if parse_is_blank(&text) {
        inv.notes
            .push("the PDF has no text layer (scanned?): no field could be read".into());
    }
    Ok(inv)
}

/// A text entry of the document information dictionary.
fn info_text(doc: &lopdf::Document, key: &[u8]) -> Option<String> {
    let info = doc.trailer.get(b"Info").ok()?;
    let dict = match info {
        lopdf::Object::Reference(id) => doc.get_dictionary(*id).ok()?,
        lopdf::Object::Dictionary(d) => d,
        _ => return None,
    };
    let v = dict.get(key).ok()?;
    let bytes = v.as_str().ok()?;
    let text = if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .filter(|c| c.len() == 2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    };
    super::parse::text(&text)
}

fn parse_is_blank(t: &str) -> bool {
    !t.chars().any(|c| c.is_alphanumeric())
}

/// Reads invoice fields from text laid out as on a printed invoice (labels followed by values).
pub fn from_text(text: &str) -> Invoice {
    let mut p = Part::new(FieldSource::PdfText);
    let t: String = text.replace('\u{3000}', " ");
    let label_value = |labels: &[&str], pick: fn(&str) -> Option<String>, nth: usize| {
        for l in labels {
            let hits = label_ends(&t, l);
            if let Some(&pos) = hits.get(nth) {
                if let Some(v) = pick(&t[pos..]) {
                    return Some((
                        v,
                        format!("text after label `{l}` (occurrence {})", nth + 1),
                    ));
                }
            }
        }
        None
    };
    let offer = |p: &mut Part, field: &'static str, r: Option<(String, String)>| {
        if let Some((v, loc)) = r {
            p.offer(field, Some(&v), loc);
        }
    };
    offer(
        &mut p,
        "number",
        label_value(&["发票号码"], digits_token, 0),
    );
    offer(&mut p, "code", label_value(&["发票代码"], digits_token, 0));
    offer(
        &mut p,
        "issue_date",
        label_value(&["开票日期"], date_token, 0),
    );
    offer(
        &mut p,
        "check_code",
        label_value(&["校验码"], spaced_digits, 0),
    );
    offer(&mut p, "buyer.name", label_value(&["名称"], name_token, 0));
    offer(&mut p, "seller.name", label_value(&["名称"], name_token, 1));
    offer(
        &mut p,
        "buyer.tax_id",
        label_value(&["纳税人识别号", "统一社会信用代码"], tax_id_token, 0),
    );
    offer(
        &mut p,
        "seller.tax_id",
        label_value(&["纳税人识别号", "统一社会信用代码"], tax_id_token, 1),
    );
    offer(
        &mut p,
        "amount_with_tax",
        label_value(&["（小写）", "(小写)", "小写"], first_amount, 0),
    );
    if let Some(pos) = label_ends(&t, "合计")
        .into_iter()
        .find(|&i| first_amount(&t[i..]).is_some())
    {
        let rest = &t[pos..];
        if let Some((a, end)) = amount_at(rest) {
            p.offer(
                "amount_without_tax",
                Some(&a),
                "first amount after label `合计`",
            );
            if let Some((b, _)) = amount_at(&rest[end..]) {
                p.offer("tax", Some(&b), "second amount after label `合计`");
            }
        }
    }
    if t.contains("增值税专用发票") {
        let k = if t.contains("电子发票（增值税专用发票）")
            || t.contains("电子发票(增值税专用发票)")
        {
            InvoiceKind::DigitalSpecial
        } else {
            InvoiceKind::VatElectronicSpecial
        };
        p.kind = Some((k, "title text `增值税专用发票`".into()));
    } else if t.contains("电子发票（普通发票）") || t.contains("电子发票(普通发票)")
    {
        p.kind = Some((
            InvoiceKind::DigitalOrdinary,
            "title text `电子发票（普通发票）`".into(),
        ));
    } else if t.contains("增值税电子普通发票") {
        p.kind = Some((
            InvoiceKind::VatElectronicOrdinary,
            "title text `增值税电子普通发票`".into(),
        ));
    }
    if t.contains("红字") || t.contains("销项负数") {
        p.red_letter = Some((true, "text `红字`/`销项负数`".into()));
    }
    let mut inv = assemble::assemble(InvoiceFormat::Pdf, vec![p]);
    if !inv.missing.is_empty() {
        inv.notes.push(format!(
            "not found in the PDF text: {} (PDF extraction is best effort)",
            inv.missing.join(", ")
        ));
    }
    inv
}

/// Byte offsets just after each occurrence of `label` in `t`, allowing whitespace between the
/// label's characters (`校 验 码`, `名 称` are printed spaced out).
fn label_ends(t: &str, label: &str) -> Vec<usize> {
    let want: Vec<char> = label.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = Vec::new();
    let Some(&first) = want.first() else {
        return out;
    };
    for (start, c) in t.char_indices() {
        if c != first {
            continue;
        }
        let mut k = 1;
        let mut end = start + c.len_utf8();
        for (i, ch) in t[end..].char_indices() {
            if k == want.len() {
                break;
            }
            if ch == want[k] {
                k += 1;
                end = start + c.len_utf8() + i + ch.len_utf8();
            } else if !ch.is_whitespace() {
                break;
            }
        }
        if k == want.len() {
            out.push(end);
        }
    }
    out
}

/// Skips a separator (`：`, `:`, spaces) after a label.
fn after_sep(s: &str) -> &str {
    s.trim_start_matches(|c: char| c == '：' || c == ':' || c.is_whitespace())
}

fn digits_token(s: &str) -> Option<String> {
    let v: String = after_sep(s)
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    (v.len() >= 8).then_some(v)
}

fn spaced_digits(s: &str) -> Option<String> {
    let v: String = after_sep(s)
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ' ')
        .filter(|c| c.is_ascii_digit())
        .collect();
    (v.len() >= 8).then_some(v)
}

fn date_token(s: &str) -> Option<String> {
    let v: String = after_sep(s)
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '年' | '月' | '日' | '-' | '/' | ' '))
        .collect();
    super::parse::date(&v).map(|d| d.to_string())
}

fn name_token(s: &str) -> Option<String> {
    let s = after_sep(s);
    let v: String = s
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, '：' | ':'))
        .collect();
    // A name is not a number and not the next label.
    (!v.is_empty() && !v.chars().all(|c| c.is_ascii_digit()) && !v.contains("纳税人识别号"))
        .then_some(v)
}

fn tax_id_token(s: &str) -> Option<String> {
    let s = after_sep(s.trim_start_matches(['/', '／']));
    let s = s.strip_prefix("纳税人识别号").map(after_sep).unwrap_or(s);
    let v: String = s
        .chars()
        .take_while(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        .collect();
    (15..=20).contains(&v.len()).then_some(v)
}

fn first_amount(s: &str) -> Option<String> {
    amount_at(s).map(|(a, _)| a)
}

/// The first amount (`¥318.00`, `-12.00`, `318.00`) within 60 characters; returns it and the byte
/// offset after it. An amount must have a decimal point.
fn amount_at(s: &str) -> Option<(String, usize)> {
    let window: usize = s.char_indices().nth(60).map(|(i, _)| i).unwrap_or(s.len());
    let mut i = 0;
    let b = s.as_bytes();
    while i < window {
        let c = b[i];
        if c.is_ascii_digit() || (c == b'-' && b.get(i + 1).is_some_and(|d| d.is_ascii_digit())) {
            let start = i;
            i += 1;
            while i < s.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b',') {
                i += 1;
            }
            let tok = &s[start..i];
            if tok.contains('.') {
                return Some((tok.replace(',', ""), i));
            }
            continue;
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_layout_text() {
        let text = "浙江增值税电子普通发票\n发票代码: 033002000211\n发票号码: 83089647\n开票日期: 2020年07月23日\n校 验 码: 16197 83356 74145 07415\n购买方 名 称: 江苏京利华新材料有限公司\n纳税人识别号: 91320115MA202UKD7X\n*餐饮服务*餐费 1 510.68 3% 15.32\n合 计 ¥510.68 ¥15.32\n价税合计（大写） 伍佰贰拾陆圆整 （小写） ¥526.00\n销售方 名 称: 兰溪市悦济舫餐厅\n纳税人识别号: 92330781MA2EDMFU50\n";
        let inv = from_text(text);
        assert_eq!(inv.code.as_deref(), Some("033002000211"));
        assert_eq!(inv.number.as_deref(), Some("83089647"));
        assert_eq!(inv.issue_date.unwrap().to_string(), "2020-07-23");
        assert_eq!(inv.check_code.as_deref(), Some("16197833567414507415"));
        assert_eq!(inv.buyer.tax_id.as_deref(), Some("91320115MA202UKD7X"));
        assert_eq!(inv.seller.tax_id.as_deref(), Some("92330781MA2EDMFU50"));
        assert_eq!(inv.amount_without_tax.unwrap().to_string(), "510.68");
        assert_eq!(inv.tax.unwrap().to_string(), "15.32");
        assert_eq!(inv.amount_with_tax.unwrap().to_string(), "526.00");
        assert_eq!(inv.kind, InvoiceKind::VatElectronicOrdinary);
        assert_eq!(inv.buyer.name.as_deref(), Some("江苏京利华新材料有限公司"));
        assert_eq!(inv.seller.name.as_deref(), Some("兰溪市悦济舫餐厅"));
        assert!(inv.missing.is_empty(), "{:?}", inv.missing);
        assert_eq!(inv.provenance["number"].source, FieldSource::PdfText);
        assert!(inv.provenance["number"].locator.contains("发票号码"));
    }

    #[test]
    fn missing_fields_are_listed() {
        let inv = from_text("发票号码：12345678 something else");
        assert_eq!(inv.number.as_deref(), Some("12345678"));
        assert!(inv.missing.contains(&"amount_with_tax".to_string()));
        assert!(inv.missing.contains(&"code".to_string()));
        assert!(inv
            .notes
            .iter()
            .any(|n| n.contains("not found in the PDF text")));
    }

    #[test]
    fn digital_layout_text() {
        let text = "电子发票（普通发票） 发票号码：24112000000048542163 开票日期：2024年05月28日\n购买方信息 名称：海南麒麟云服科技有限公司 统一社会信用代码/纳税人识别号：91460300MAA92DJN95\n销售方信息 名称：北京互联三六五科技有限公司 统一社会信用代码/纳税人识别号：91110108690017781B\n合 计 ¥4197.17 ¥251.83\n价税合计（大写） 肆仟肆佰肆拾玖圆整 （小写）¥4449.00";
        let inv = from_text(text);
        assert_eq!(inv.number.as_deref(), Some("24112000000048542163"));
        assert_eq!(inv.buyer.name.as_deref(), Some("海南麒麟云服科技有限公司"));
        assert_eq!(
            inv.seller.name.as_deref(),
            Some("北京互联三六五科技有限公司")
        );
        assert_eq!(inv.buyer.tax_id.as_deref(), Some("91460300MAA92DJN95"));
        assert_eq!(inv.seller.tax_id.as_deref(), Some("91110108690017781B"));
        assert_eq!(inv.amount_with_tax.unwrap().to_string(), "4449.00");
        assert_eq!(inv.amount_without_tax.unwrap().to_string(), "4197.17");
        assert_eq!(inv.kind, InvoiceKind::DigitalOrdinary);
        assert!(inv.missing.is_empty(), "{:?}", inv.missing);
        assert_eq!(
            inv.registry_key().as_deref(),
            Some("einv:24112000000048542163")
        );
    }
}
