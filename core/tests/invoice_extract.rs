//! Invoice extraction from the real OFD invoices of the corpus and from the project's own 数电票
//! XML fixtures (each compared with its `*.expected.json`).

use guidang::invoice::{self, FieldSource, InvoiceKind};
use std::path::{Path, PathBuf};

fn corpus(name: &str) -> PathBuf {
    let p = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/ofd"
    ))
    .join(name);
    assert!(
        p.is_file(),
        "corpus file missing: {} (the corpus must be present)",
        p.display()
    );
    p
}

fn fixtures() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/invoices")).to_path_buf()
}

#[test]
fn v4signed_from_original_invoice_xml() {
    let inv = invoice::extract(&corpus("sign__v4signed.ofd")).unwrap();
    assert_eq!(inv.code.as_deref(), Some("050001700111"));
    assert_eq!(inv.number.as_deref(), Some("99999951"));
    assert_eq!(inv.issue_date.unwrap().to_string(), "2020-10-10");
    assert_eq!(inv.seller.tax_id.as_deref(), Some("91500106MA2CE71F65"));
    assert_eq!(
        inv.seller.name.as_deref(),
        Some("杭州融易算企业管理咨询有限公司")
    );
    assert_eq!(inv.buyer.name.as_deref(), Some("科游迈利有限公司"));
    assert_eq!(inv.amount_without_tax.unwrap().to_string(), "300.00");
    assert_eq!(inv.tax.unwrap().to_string(), "18.00");
    assert_eq!(inv.amount_with_tax.unwrap().to_string(), "318.00");
    assert_eq!(inv.check_code.as_deref(), Some("14754822929856772523"));
    assert_eq!(inv.items.len(), 3);
    assert_eq!(inv.kind, InvoiceKind::VatElectronicOrdinary);
    assert!(!inv.red_letter);
    let p = &inv.provenance["number"];
    assert_eq!(p.source, FieldSource::OfdOriginalInvoiceXml);
    assert!(
        p.locator.contains("Doc_0/Attachs/original_invoice.xml"),
        "{}",
        p.locator
    );
    assert!(inv.missing.is_empty(), "{:?}", inv.missing);
    // OFD.xml CustomDatas and the QR payload agree with the data file.
    assert!(
        inv.source_conflicts.is_empty(),
        "{:?}",
        inv.source_conflicts
    );
    assert_eq!(
        inv.registry_key().as_deref(),
        Some("vat:050001700111:99999951")
    );
}

#[test]
fn converter_1_with_custom_tags() {
    let inv = invoice::extract(&corpus("converter__1.ofd")).unwrap();
    assert_eq!(inv.code.as_deref(), Some("033002000211"));
    assert_eq!(inv.number.as_deref(), Some("83089647"));
    assert_eq!(inv.issue_date.unwrap().to_string(), "2020-07-23");
    assert_eq!(inv.amount_without_tax.unwrap().to_string(), "510.68");
    assert_eq!(inv.tax.unwrap().to_string(), "15.32");
    assert_eq!(inv.amount_with_tax.unwrap().to_string(), "526.00");
    assert_eq!(inv.seller.tax_id.as_deref(), Some("92330781MA2EDMFU50"));
    // The CustomTag file (`<:eInvoice xmlns:="">`, tolerated) binds fields to page text objects.
    let b = inv
        .tag_bindings
        .iter()
        .find(|b| b.field == "amount_with_tax")
        .unwrap();
    assert_eq!(b.visible, "¥526.00");
    assert_eq!(b.objects, vec!["page 1 object 82", "page 1 object 83"]);
    let cc = inv
        .tag_bindings
        .iter()
        .find(|b| b.field == "check_code")
        .unwrap();
    assert_eq!(cc.visible, "16197 83356 74145 07415");
    assert!(inv
        .tag_bindings
        .iter()
        .any(|b| b.field == "items[1].amount" && b.visible == "510.68"));
}

#[test]
fn reader_invoice_from_custom_tags_only() {
    // Unsigned 数电票 whose only invoice data is CustomTags → page text.
    let inv = invoice::extract(&corpus("reader__发票示例.ofd")).unwrap();
    assert_eq!(inv.number.as_deref(), Some("24112000000048542163"));
    assert_eq!(inv.code, None);
    assert_eq!(inv.issue_date.unwrap().to_string(), "2024-05-28");
    assert_eq!(inv.buyer.name.as_deref(), Some("海南麒麟云服科技有限公司"));
    assert_eq!(inv.buyer.tax_id.as_deref(), Some("91460300MAA92DJN95"));
    assert_eq!(
        inv.seller.name.as_deref(),
        Some("北京互联三六五科技有限公司")
    );
    assert_eq!(inv.seller.tax_id.as_deref(), Some("91110108690017781B"));
    assert_eq!(inv.amount_without_tax.unwrap().to_string(), "4197.17");
    assert_eq!(inv.tax.unwrap().to_string(), "251.83");
    assert_eq!(inv.amount_with_tax.unwrap().to_string(), "4449.00");
    // OFD.xml CustomDatas give some fields; the rest come from the page text CustomTags bind.
    assert_eq!(inv.provenance["number"].source, FieldSource::OfdCustomData);
    assert_eq!(
        inv.provenance["buyer.name"].source,
        FieldSource::OfdCustomTag
    );
    assert!(inv.provenance["buyer.name"]
        .locator
        .contains("page 61 object 6924"));
    assert_eq!(
        inv.provenance["amount_with_tax"].source,
        FieldSource::OfdCustomTag
    );
    assert_eq!(inv.items.len(), 1);
    assert_eq!(
        inv.items[0].name.as_deref(),
        Some("*信息技术服务*技术服务费")
    );
    assert_eq!(
        inv.registry_key().as_deref(),
        Some("einv:24112000000048542163")
    );
    assert!(inv.missing.is_empty(), "{:?}", inv.missing);
}

#[test]
fn draw_param_ref_many_lines() {
    let inv = invoice::extract(&corpus("converter__draw_param_ref.ofd")).unwrap();
    assert_eq!(inv.code.as_deref(), Some("011002680026"));
    assert_eq!(inv.number.as_deref(), Some("71500013"));
    assert_eq!(inv.issue_date.unwrap().to_string(), "2020-02-20");
    assert_eq!(inv.amount_without_tax.unwrap().to_string(), "9709.00");
    assert_eq!(inv.tax.unwrap().to_string(), "291.00");
    assert_eq!(inv.amount_with_tax.unwrap().to_string(), "10000.00");
    assert_eq!(inv.seller.tax_id.as_deref(), Some("91110101202001201"));
    assert_eq!(inv.items.len(), 100);
}

#[test]
fn tax_exempt_invoice_without_page_container() {
    // `***` as 合计税额 (免税) is zero tax.
    let inv = invoice::extract(&corpus("layout__no_page_container.ofd")).unwrap();
    assert_eq!(inv.number.as_deref(), Some("04875996"));
    assert_eq!(inv.tax.unwrap().to_string(), "0.00");
    assert_eq!(inv.amount_with_tax.unwrap().to_string(), "57.00");
    assert!(inv.missing.is_empty(), "{:?}", inv.missing);
}

#[test]
fn tampered_sample_still_reads() {
    let inv = invoice::extract(&corpus("converter__发票示例.ofd")).unwrap();
    assert_eq!(inv.number.as_deref(), Some("99999951"));
}

#[test]
fn non_invoice_ofd_has_no_invoice() {
    let inv = invoice::extract(&corpus("reader__helloworld.ofd")).unwrap();
    assert!(!invoice::is_invoice(&inv));
    assert!(inv.missing.contains(&"number".to_string()));
}

#[test]
fn corpus_invoices_are_found_and_nothing_else() {
    // Which corpus OFDs carry invoice data (the summary line of each is printed for the log).
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/ofd"
    ));
    let mut invoices = Vec::new();
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().and_then(|e| e.to_str()) != Some("ofd") {
            continue;
        }
        n += 1;
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let inv = invoice::extract(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
        println!(
            "{name}: invoice={} key={:?} date={:?} total={:?} missing={:?}",
            invoice::is_invoice(&inv),
            inv.registry_key(),
            inv.issue_date,
            inv.amount_with_tax,
            inv.missing
        );
        if invoice::is_invoice(&inv) {
            invoices.push(name);
        }
    }
    invoices.sort();
    assert!(n >= 20, "corpus has {n} OFDs");
    assert_eq!(
        invoices,
        vec![
            "converter__1.ofd",
            "converter__20240531141733.ofd",
            "converter__draw_param_ref.ofd",
            "converter__发票示例.ofd",
            "layout__no_page_container.ofd",
            "reader__发票示例.ofd",
            "sign__v4signed.ofd",
        ]
    );
}

/// Every key of `expected` equals the same key of `actual` (recursively for objects; arrays by
/// position and length).
fn assert_subset(expected: &serde_json::Value, actual: &serde_json::Value, at: &str) {
    use serde_json::Value;
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, v) in e {
                let av = a.get(k).unwrap_or(&Value::Null);
                assert_subset(v, av, &format!("{at}.{k}"));
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            assert_eq!(e.len(), a.len(), "{at}: length");
            for (i, (x, y)) in e.iter().zip(a).enumerate() {
                assert_subset(x, y, &format!("{at}[{i}]"));
            }
        }
        (e, a) => assert_eq!(e, a, "{at}"),
    }
}

#[test]
fn generated_xml_fixtures_extract_as_expected() {
    let mut n = 0;
    for name in [
        "normal",
        "multirate",
        "red-letter",
        "inconsistent",
        "xbrl-einv",
    ] {
        let xml = fixtures().join(format!("{name}.xml"));
        let expected: serde_json::Value = serde_json::from_slice(
            &std::fs::read(fixtures().join(format!("{name}.expected.json"))).unwrap(),
        )
        .unwrap();
        let inv = invoice::extract(&xml).unwrap();
        let actual = serde_json::to_value(&inv).unwrap();
        assert_subset(&expected, &actual, name);
        if name == "xbrl-einv" {
            assert_eq!(inv.provenance["number"].source, FieldSource::OfdXbrl);
            assert!(inv.provenance["number"]
                .locator
                .ends_with("xbrl fact InvoiceNumber"));
        } else {
            assert_eq!(inv.provenance["number"].source, FieldSource::XmlEInvoice);
            assert_eq!(
                inv.provenance["number"].locator,
                "EInvoice/TaxSupervisionInfo/InvoiceNumber"
            );
        }
        assert!(inv.missing.is_empty(), "{name}: {:?}", inv.missing);
        n += 1;
    }
    assert_eq!(n, 5);
}

#[test]
fn red_letter_reference_and_flag_provenance() {
    let inv = invoice::extract(&fixtures().join("red-letter.xml")).unwrap();
    assert!(inv.red_letter);
    assert!(inv.provenance["red_letter"]
        .locator
        .ends_with("InIssuType/LabelCode"));
    assert_eq!(
        inv.original.as_ref().unwrap().number.as_deref(),
        Some("25110000000000000101")
    );
}

#[test]
fn xml_that_is_not_an_invoice_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.xml");
    std::fs::write(&p, "<note><to>x</to></note>").unwrap();
    let e = invoice::extract(&p).unwrap_err().to_string();
    assert!(e.contains("not an e-invoice") && e.contains("x.xml"), "{e}");
    let q = dir.path().join("y.txt");
    std::fs::write(&q, "hello").unwrap();
    assert!(invoice::extract(&q).is_err());
}

/// Writes a minimal OFD package (one page, no seal) whose attachment is `attachment`.
fn ofd_with_attachment(path: &Path, name: &str, attachment: &[u8]) {
    use std::io::Write;
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let o = zip::write::SimpleFileOptions::default();
    let ns = "xmlns:ofd=\"http://www.ofdspec.org/2016\"";
    let files: Vec<(String, Vec<u8>)> = vec![
        ("OFD.xml".into(), format!("<ofd:OFD {ns} DocType=\"OFD\" Version=\"1.1\"><ofd:DocBody><ofd:DocInfo><ofd:DocID>x</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>").into_bytes()),
        ("Doc_0/Document.xml".into(), format!("<ofd:Document {ns}><ofd:CommonData><ofd:MaxUnitID>1</ofd:MaxUnitID></ofd:CommonData><ofd:Pages><ofd:Page ID=\"1\" BaseLoc=\"Pages/Page_0/Content.xml\"/></ofd:Pages><ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments></ofd:Document>").into_bytes()),
        ("Doc_0/Pages/Page_0/Content.xml".into(), format!("<ofd:Page {ns}><ofd:Content/></ofd:Page>").into_bytes()),
        ("Doc_0/Attachs/Attachments.xml".into(), format!("<ofd:Attachments {ns}><ofd:Attachment Name=\"{name}\" Format=\"xml\"><ofd:FileLoc>{name}.xml</ofd:FileLoc></ofd:Attachment></ofd:Attachments>").into_bytes()),
        (format!("Doc_0/Attachs/{name}.xml"), attachment.to_vec()),
    ];
    for (n, b) in files {
        z.start_file(n, o).unwrap();
        z.write_all(&b).unwrap();
    }
    z.finish().unwrap();
}

#[test]
fn xbrl_attached_to_an_ofd() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("sd.ofd");
    let xbrl = std::fs::read(fixtures().join("xbrl-einv.xml")).unwrap();
    ofd_with_attachment(&p, "inv_ord_issuer_25320000000000000505", &xbrl);
    let inv = invoice::extract(&p).unwrap();
    assert_eq!(inv.format, invoice::InvoiceFormat::Ofd);
    assert_eq!(inv.number.as_deref(), Some("25320000000000000505"));
    assert_eq!(inv.amount_with_tax.unwrap().to_string(), "994.40");
    let prov = &inv.provenance["amount_with_tax"];
    assert_eq!(prov.source, FieldSource::OfdXbrl);
    assert!(
        prov.locator
            .starts_with("Doc_0/Attachs/inv_ord_issuer_25320000000000000505.xml"),
        "{}",
        prov.locator
    );
}

#[test]
fn original_invoice_with_bom() {
    // The invoice data file starts with a UTF-8 BOM (seen in real packages).
    let src = invoice::extract(&corpus("converter__1.ofd")).unwrap();
    let mut data = vec![0xEF, 0xBB, 0xBF];
    data.extend_from_slice(
        "<eInvoice xmlns:fp=\"http://www.edrm.org.cn/schema/e-invoice/2019\"><fp:InvoiceCode>033002000211</fp:InvoiceCode><fp:InvoiceNo>83089647</fp:InvoiceNo><fp:IssueDate>2020年07月23日</fp:IssueDate><fp:TaxExclusiveTotalAmount>510.68</fp:TaxExclusiveTotalAmount><fp:TaxTotalAmount>15.32</fp:TaxTotalAmount><fp:TaxInclusiveTotalAmount>526.00</fp:TaxInclusiveTotalAmount></eInvoice>".as_bytes(),
    );
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bom.ofd");
    ofd_with_attachment(&p, "original_invoice", &data);
    let inv = invoice::extract(&p).unwrap();
    assert_eq!(inv.registry_key(), src.registry_key());
    assert_eq!(inv.issue_date, src.issue_date);
    assert_eq!(
        inv.provenance["number"].source,
        FieldSource::OfdOriginalInvoiceXml
    );
}
