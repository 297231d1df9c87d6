//! XBRL instances of 财政部《电子凭证会计数据标准》 (e.g. `inv_ord_issuer_*.xml` attached to 数电票
//! OFDs, or the `einv` taxonomy). Facts are read by local element name; the taxonomy is not
//! loaded, so only the names listed here are understood (best effort, each field's element named
//! in its provenance).

use super::assemble::Part;
use super::model::{FieldSource, LineItem};
use super::parse;
use crate::xml::Element;

/// Whether an element is an XBRL instance root.
pub fn is_xbrl_root(root: &Element) -> bool {
    root.name == "xbrl"
}

/// Local element names understood for each field, in preference order.
const FACTS: &[(&str, &[&str])] = &[
    (
        "number",
        &[
            "InvoiceNumber",
            "EInvoiceNumber",
            "NumberOfInvoice",
            "InvoiceNo",
        ],
    ),
    ("code", &["InvoiceCode", "CodeOfInvoice"]),
    (
        "issue_date",
        &[
            "IssueTime",
            "DateOfIssue",
            "IssueDate",
            "InvoicingDate",
            "RequestTime",
        ],
    ),
    ("seller.name", &["SellerName", "NameOfSeller"]),
    (
        "seller.tax_id",
        &[
            "SellerIdNum",
            "SellerTaxID",
            "UnifiedSocialCreditCodeOfSeller",
            "TaxpayerIdentificationNumberOfSeller",
        ],
    ),
    ("buyer.name", &["BuyerName", "NameOfBuyer", "PurchaserName"]),
    (
        "buyer.tax_id",
        &[
            "BuyerIdNum",
            "BuyerTaxID",
            "UnifiedSocialCreditCodeOfBuyer",
            "TaxpayerIdentificationNumberOfBuyer",
        ],
    ),
    (
        "amount_without_tax",
        &[
            "TotalAmWithoutTax",
            "TotalAmountExcludingTax",
            "AmountExcludingTax",
        ],
    ),
    ("tax", &["TotalTaxAm", "TotalTaxAmount", "TaxAmount"]),
    (
        "amount_with_tax",
        &[
            "TotalTax-includedAmount",
            "TotalAmountIncludingTax",
            "AmountIncludingTax",
        ],
    ),
    ("check_code", &["InvoiceCheckCode", "CheckCode"]),
];

/// Reads the facts of an XBRL instance. `entry` names the file in locators.
pub fn read(root: &Element, entry: &str) -> Part {
    let mut p = Part::new(FieldSource::OfdXbrl);
    for (field, names) in FACTS {
        for n in *names {
            // Top-level facts first (tuples may repeat names with other meanings).
            let el = root.child(n).or_else(|| root.find(n));
            if let Some(e) = el.filter(|e| !e.trimmed().is_empty()) {
                p.offer(field, Some(e.trimmed()), format!("{entry}: xbrl fact {n}"));
                break;
            }
        }
    }
    if let Some(r) = root.find("WhetherEinvoiceIsRedEinvoice") {
        match r.trimmed() {
            "true" | "1" => {
                p.red_letter = Some((
                    true,
                    format!("{entry}: xbrl fact WhetherEinvoiceIsRedEinvoice"),
                ))
            }
            "false" | "0" => {
                p.red_letter = Some((
                    false,
                    format!("{entry}: xbrl fact WhetherEinvoiceIsRedEinvoice"),
                ))
            }
            _ => {}
        }
    }
    // Line items, when the instance carries them as tuples.
    let mut tuples = Vec::new();
    root.find_all("InformationOfIssuedItemsTuple", &mut tuples);
    if tuples.is_empty() {
        root.find_all("IssuItemInformationTuple", &mut tuples);
    }
    for tu in tuples {
        let g = |names: &[&str]| names.iter().find_map(|n| tu.text_at(n)).map(str::to_string);
        let rate_text = g(&["TaxRate"]);
        p.items.push(LineItem {
            name: g(&["ItemName", "NameOfItem"]),
            specification: g(&["SpecMod"]),
            unit: g(&["MeaUnits"]),
            quantity: g(&["Quantity"]).as_deref().and_then(parse::amount),
            unit_price: g(&["UnPrice", "UnitPrice"])
                .as_deref()
                .and_then(parse::amount),
            amount: g(&["Amount"]).as_deref().and_then(parse::amount),
            tax_rate: rate_text.as_deref().and_then(parse::tax_rate),
            tax_rate_text: rate_text,
            tax: g(&["ComTaxAm", "TaxAmount"])
                .as_deref()
                .and_then(parse::tax_amount),
        });
    }
    p.items_locator = format!("{entry}: xbrl item tuples");
    p.notes.push(format!(
        "{entry}: XBRL facts read by element name (taxonomy not loaded)"
    ));
    p
}
