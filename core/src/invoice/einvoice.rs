//! 全面数字化的电子发票 (数电票) XML: root `EInvoice` with Header/EIid, EInvoiceData
//! {SellerInformation, BuyerInformation, BasicInformation, IssuItemInformation*, SpecificInformation,
//! AdditionalInformation}, TaxSupervisionInfo {InvoiceNumber, IssueTime, TaxBureauName},
//! TaxBureauSignature (standards.md §6.5).

use super::assemble::Part;
use super::model::{FieldSource, InvoiceKind, LineItem, OriginalRef};
use super::parse;
use crate::xml::Element;

/// Whether an element is the root of a 数电票 XML.
pub fn is_einvoice_root(root: &Element) -> bool {
    root.name == "EInvoice"
        && (root.child("EInvoiceData").is_some() || root.child("Header").is_some())
}

/// Reads a 数电票 `EInvoice` element. `source` is `xml.einvoice` for a bare XML file (the same
/// structure inside an OFD CustomTag is read by [`super::ofd`]).
pub fn read(root: &Element, entry: &str, source: FieldSource) -> Part {
    let mut p = Part::new(source);
    let loc = |path: &str| {
        if entry.is_empty() {
            format!("EInvoice/{path}")
        } else {
            format!("{entry}: EInvoice/{path}")
        }
    };
    let data = "EInvoiceData";
    for (field, path) in [
        ("number", "TaxSupervisionInfo/InvoiceNumber".to_string()),
        ("number", "Header/EIid".to_string()),
        ("issue_date", "TaxSupervisionInfo/IssueTime".to_string()),
        ("issue_date", format!("{data}/BasicInformation/RequestTime")),
        (
            "seller.name",
            format!("{data}/SellerInformation/SellerName"),
        ),
        (
            "seller.tax_id",
            format!("{data}/SellerInformation/SellerIdNum"),
        ),
        ("buyer.name", format!("{data}/BuyerInformation/BuyerName")),
        (
            "buyer.tax_id",
            format!("{data}/BuyerInformation/BuyerIdNum"),
        ),
        (
            "amount_without_tax",
            format!("{data}/BasicInformation/TotalAmWithoutTax"),
        ),
        ("tax", format!("{data}/BasicInformation/TotalTaxAm")),
        (
            "amount_with_tax",
            format!("{data}/BasicInformation/TotalTax-includedAmount"),
        ),
    ] {
        p.offer(field, root.text_at(&path), loc(&path));
    }
    // Kind: GeneralOrSpecialVAT (01 专用 / 02 普通 in the samples seen; the name is decisive).
    if let Some(g) = root.at("Header/InherentLabel/GeneralOrSpecialVAT") {
        let name = g.text_at("LabelName").unwrap_or("");
        let code = g.text_at("LabelCode").unwrap_or("");
        let kind = if name.contains("专用") || (name.is_empty() && code == "01") {
            Some(InvoiceKind::DigitalSpecial)
        } else if name.contains("普通") || (name.is_empty() && code == "02") {
            Some(InvoiceKind::DigitalOrdinary)
        } else {
            None
        };
        if let Some(k) = kind {
            p.kind = Some((k, loc("Header/InherentLabel/GeneralOrSpecialVAT")));
        }
    }
    // Platform: the supervising tax bureau, else the invoice tag (SWEIxxxx: issuing province).
    if let Some(b) = root.text_at("TaxSupervisionInfo/TaxBureauName") {
        p.platform = Some((b.to_string(), loc("TaxSupervisionInfo/TaxBureauName")));
    } else if let Some(tag) = root.text_at("Header/EInvoiceTag") {
        p.platform = Some((tag.to_string(), loc("Header/EInvoiceTag")));
    }
    // Red-letter: InIssuType LabelCode Y = blue, N = red.
    if let Some(code) = root.text_at("Header/InherentLabel/InIssuType/LabelCode") {
        match code {
            "N" | "n" => {
                p.red_letter = Some((true, loc("Header/InherentLabel/InIssuType/LabelCode")))
            }
            "Y" | "y" => {
                p.red_letter = Some((false, loc("Header/InherentLabel/InIssuType/LabelCode")))
            }
            _ => {}
        }
    }
    let red = root.at(&format!("{data}/SpecificInformation/RedEInvoice"));
    let remark = root.text_at(&format!("{data}/AdditionalInformation/Remark"));
    let mut orig = OriginalRef::default();
    let mut orig_loc = String::new();
    if let Some(r) = red {
        orig.number = r
            .text_at("OriginalInvoiceNumber")
            .or_else(|| r.text_at("OriginalInvoiceCode"))
            .map(str::to_string);
        orig.confirmation = r.text_at("CreditNoteNumber").map(str::to_string);
        orig_loc = loc(&format!("{data}/SpecificInformation/RedEInvoice"));
    }
    if orig.number.is_none() {
        if let Some(n) = remark.and_then(|r| number_after(r, "被红冲蓝字")) {
            orig.number = Some(n);
            orig_loc = loc(&format!("{data}/AdditionalInformation/Remark"));
        }
    }
    if orig.confirmation.is_none() {
        orig.confirmation = remark.and_then(|r| number_after(r, "红字发票信息确认单编号"));
    }
    if orig.number.is_some() || orig.confirmation.is_some() {
        p.original = Some((orig, orig_loc));
    }
    let mut items = Vec::new();
    if let Some(d) = root.child(data) {
        for it in d.children_named("IssuItemInformation") {
            let rate_text = it.text_at("TaxRate").map(str::to_string);
            items.push(LineItem {
                name: it.text_at("ItemName").map(str::to_string),
                specification: it.text_at("SpecMod").map(str::to_string),
                unit: it.text_at("MeaUnits").map(str::to_string),
                quantity: it.text_at("Quantity").and_then(parse::amount),
                unit_price: it.text_at("UnPrice").and_then(parse::amount),
                amount: it.text_at("Amount").and_then(parse::amount),
                tax_rate: rate_text.as_deref().and_then(parse::tax_rate),
                tax_rate_text: rate_text,
                tax: it.text_at("ComTaxAm").and_then(parse::tax_amount),
            });
        }
    }
    p.items = items;
    p.items_locator = loc(&format!("{data}/IssuItemInformation"));
    p
}

/// The first run of 8+ ASCII digits (or an alphanumeric id) after `label` in a remark.
fn number_after(text: &str, label: &str) -> Option<String> {
    let i = text.find(label)?;
    let rest = &text[i + label.len()..];
    let start = rest.find(|c: char| c.is_ascii_alphanumeric())?;
    // Skip words like 数电票号码 between the label and the value.
    let rest = &rest[start..];
    let tok: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    (tok.len() >= 8).then_some(tok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remark_numbers() {
        let r = "被红冲蓝字数电票号码：24112000000135114086 红字发票信息确认单编号：11010824091002615708";
        assert_eq!(
            number_after(r, "被红冲蓝字").as_deref(),
            Some("24112000000135114086")
        );
        assert_eq!(
            number_after(r, "红字发票信息确认单编号").as_deref(),
            Some("11010824091002615708")
        );
        assert_eq!(number_after("无", "被红冲蓝字"), None);
    }
}
