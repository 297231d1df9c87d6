//! The legacy VAT e-invoice data file carried inside OFD invoices (`Doc_0/Attachs/original_invoice.xml`,
//! root `eInvoice`, namespace `http://www.edrm.org.cn/schema/e-invoice/2019`; standards.md §6.4).

use super::assemble::Part;
use super::model::{FieldSource, InvoiceKind, LineItem, OriginalRef};
use super::parse;
use crate::xml::Element;

/// Namespace of the legacy invoice data file.
pub const NS_2019: &str = "http://www.edrm.org.cn/schema/e-invoice/2019";

/// Whether an element is the root of a legacy invoice data file.
pub fn is_legacy_root(root: &Element) -> bool {
    root.name.eq_ignore_ascii_case("eInvoice")
        && (root.child("InvoiceNo").is_some() || root.child("InvoiceCode").is_some())
}

fn t<'a>(e: &'a Element, path: &str) -> Option<&'a str> {
    e.text_at(path)
}

/// Reads the fields of a legacy `eInvoice` element. `entry` names the file in locators.
pub fn read(root: &Element, entry: &str) -> Part {
    let mut p = Part::new(FieldSource::OfdOriginalInvoiceXml);
    let loc = |path: &str| format!("{entry}: fp:{path}");
    for (field, path) in [
        ("code", "InvoiceCode"),
        ("number", "InvoiceNo"),
        ("issue_date", "IssueDate"),
        ("check_code", "InvoiceCheckCode"),
        ("buyer.name", "Buyer/BuyerName"),
        ("buyer.tax_id", "Buyer/BuyerTaxID"),
        ("seller.name", "Seller/SellerName"),
        ("seller.tax_id", "Seller/SellerTaxID"),
        ("amount_without_tax", "TaxExclusiveTotalAmount"),
        ("tax", "TaxTotalAmount"),
        ("amount_with_tax", "TaxInclusiveTotalAmount"),
    ] {
        p.offer(field, t(root, path), loc(path));
    }
    if root.ns.as_deref().is_some_and(|n| n != NS_2019)
        || root
            .children
            .first()
            .and_then(|c| c.ns.as_deref())
            .is_some_and(|n| n != NS_2019)
    {
        p.notes.push(format!(
            "{entry}: namespace differs from {NS_2019}; read by element names"
        ));
    }
    // The QR payload (`01,10,<code>,<number>,<amount>,<yyyymmdd>,<check code>,<crc>,`) repeats the
    // key fields: offer them so a disagreement shows up as a source conflict.
    if let Some(g) = t(root, "GraphCode").filter(|g| g.starts_with("01,")) {
        let f: Vec<&str> = g.split(',').collect();
        let gl = |i: usize| format!("{entry}: fp:GraphCode field {}", i + 1);
        if f.len() >= 7 {
            p.kind = match f[1] {
                "10" => Some((InvoiceKind::VatElectronicOrdinary, gl(1))),
                "08" => Some((InvoiceKind::VatElectronicSpecial, gl(1))),
                _ => None,
            };
            p.offer("code", Some(f[2]), gl(2));
            p.offer("number", Some(f[3]), gl(3));
            p.offer("amount_without_tax", Some(f[4]), gl(4));
            p.offer("issue_date", Some(f[5]), gl(5));
            p.offer("check_code", Some(f[6]), gl(6));
        }
    }
    let mut items = Vec::new();
    if let Some(goods) = root.child("GoodsInfos") {
        for g in goods.children_named("GoodsInfo") {
            let rate_text = t(g, "TaxScheme").map(str::to_string);
            items.push(LineItem {
                name: t(g, "Item").map(str::to_string),
                specification: t(g, "Specification").map(str::to_string),
                unit: t(g, "MeasurementDimension").map(str::to_string),
                quantity: t(g, "Quantity").and_then(parse::amount),
                unit_price: t(g, "Price").and_then(parse::amount),
                amount: t(g, "Amount").and_then(parse::amount),
                tax_rate: rate_text.as_deref().and_then(parse::tax_rate),
                tax_rate_text: rate_text,
                tax: t(g, "TaxAmount").and_then(parse::tax_amount),
            });
        }
    }
    p.items = items;
    p.items_locator = format!("{entry}: fp:GoodsInfos/fp:GoodsInfo");
    let oc = t(root, "OriginalInvoiceCode");
    let on = t(root, "OriginalInvoiceNo");
    if oc.is_some() || on.is_some() {
        p.original = Some((
            OriginalRef {
                code: oc.map(str::to_string),
                number: on.map(str::to_string),
                confirmation: None,
            },
            format!("{entry}: fp:OriginalInvoiceCode/fp:OriginalInvoiceNo"),
        ));
        p.red_letter = Some((true, format!("{entry}: fp:OriginalInvoiceNo")));
    }
    p
}
