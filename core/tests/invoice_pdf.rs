//! PDF e-invoices from the text layer: a PDF generated here with a CID font (Identity-H + ToUnicode,
//! as real invoice PDFs use) is read back through lopdf's text extraction.

use guidang::invoice::{self, FieldSource, InvoiceKind};
use lopdf::{dictionary, Document, Object, Stream};

/// Builds a one-page PDF whose text layer holds `lines` (CID font, 2-byte codes, ToUnicode CMap).
fn invoice_pdf(lines: &[&str]) -> Vec<u8> {
    let mut chars: Vec<char> = lines.iter().flat_map(|l| l.chars()).collect();
    chars.sort();
    chars.dedup();
    let cid = |c: char| chars.iter().position(|&x| x == c).unwrap() as u16 + 1;
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for chunk in chars.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for &c in chunk {
            cmap.push_str(&format!("<{:04X}> <{:04X}>\n", cid(c), c as u32));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    let mut doc = Document::with_version("1.7");
    let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.into_bytes()));
    let descendant = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "SimSun",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "CIDToGIDMap" => "Identity",
    });
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "SimSun", "Encoding" => "Identity-H",
        "DescendantFonts" => vec![descendant.into()], "ToUnicode" => to_unicode,
    });
    let mut content = String::new();
    for (i, l) in lines.iter().enumerate() {
        let hex: String = l.chars().map(|c| format!("{:04X}", cid(c))).collect();
        content.push_str(&format!(
            "BT /F1 10 Tf 40 {} Td <{hex}> Tj ET\n",
            800 - 20 * i
        ));
    }
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
    let pages_id = doc.new_object_id();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn digital_invoice_pdf_text_layer() {
    let pdf = invoice_pdf(&[
        "电子发票（普通发票）",
        "发票号码：25110000000000000101",
        "开票日期：2025年03月14日",
        "购买方信息 名称：归档示例会计服务有限公司",
        "统一社会信用代码/纳税人识别号：91320500MA1XYW0Q1C",
        "销售方信息 名称：归档示例软件有限公司",
        "统一社会信用代码/纳税人识别号：91110108MA01ABCD2H",
        "*信息技术服务*软件维护费 次 1 1000 1000.00 6% 60.00",
        "合 计 ¥1000.00 ¥60.00",
        "价税合计（大写） 壹仟零陆拾圆整 （小写）¥1060.00",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("fapiao.pdf");
    std::fs::write(&p, &pdf).unwrap();
    let inv = invoice::extract(&p).unwrap();
    assert_eq!(
        inv.number.as_deref(),
        Some("25110000000000000101"),
        "{inv:#?}"
    );
    assert_eq!(inv.issue_date.unwrap().to_string(), "2025-03-14");
    assert_eq!(inv.buyer.name.as_deref(), Some("归档示例会计服务有限公司"));
    assert_eq!(inv.seller.name.as_deref(), Some("归档示例软件有限公司"));
    assert_eq!(inv.seller.tax_id.as_deref(), Some("91110108MA01ABCD2H"));
    assert_eq!(inv.amount_without_tax.unwrap().to_string(), "1000.00");
    assert_eq!(inv.tax.unwrap().to_string(), "60.00");
    assert_eq!(inv.amount_with_tax.unwrap().to_string(), "1060.00");
    assert_eq!(inv.kind, InvoiceKind::DigitalOrdinary);
    assert!(inv
        .provenance
        .values()
        .all(|p| p.source == FieldSource::PdfText));
    assert!(inv.missing.is_empty(), "{:?}", inv.missing);
    // The same invoice as XML has the same registry key.
    let xml = invoice::extract(&std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/invoices/normal.xml"
    )))
    .unwrap();
    assert_eq!(inv.registry_key(), xml.registry_key());
}

#[test]
fn pdf_without_invoice_text_lists_what_is_missing() {
    let pdf = invoice_pdf(&["会议纪要", "2025年3月"]);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.pdf");
    std::fs::write(&p, &pdf).unwrap();
    let inv = invoice::extract(&p).unwrap();
    assert!(!invoice::is_invoice(&inv));
    assert!(inv.missing.contains(&"number".to_string()));
    assert!(inv
        .notes
        .iter()
        .any(|n| n.contains("not found in the PDF text")));
}

#[test]
fn broken_pdf_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("broken.pdf");
    std::fs::write(&p, b"%PDF-1.7\nthis is not a pdf").unwrap();
    let e = invoice::extract(&p).unwrap_err().to_string();
    assert!(e.contains("broken.pdf"), "{e}");
}
