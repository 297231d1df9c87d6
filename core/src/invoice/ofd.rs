//! Invoice data inside an OFD package: the attached data file (`original_invoice.xml`, a 数电票
//! `EInvoice` or an XBRL instance, found through `Attachs/Attachments.xml`), CustomTags (which bind
//! fields to page text objects, read here from the page `Content.xml`), and `OFD.xml` CustomDatas.

use super::assemble::{self, Part};
use super::model::{FieldSource, Invoice, InvoiceFormat, LineItem, TagBinding};
use super::{einvoice, legacy, parse, xbrl};
use crate::container::{normalize, ZipContainer};
use crate::xml::{self, Element, XmlLimits};
use crate::{Error, Result};
use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Seek};
use std::path::PathBuf;

/// `OFD.xml` CustomData names (as invoice producers write them) → field ids.
const CUSTOM_DATA: &[(&str, &str)] = &[
    ("发票代码", "code"),
    ("发票号码", "number"),
    ("开票日期", "issue_date"),
    ("校验码", "check_code"),
    ("合计金额", "amount_without_tax"),
    ("合计税额", "tax"),
    ("价税合计", "amount_with_tax"),
    ("购买方名称", "buyer.name"),
    ("购买方纳税人识别号", "buyer.tax_id"),
    ("销售方名称", "seller.name"),
    ("销售方纳税人识别号", "seller.tax_id"),
];

/// CustomTag element names (legacy `eInvoice` and 数电票 names) → field ids.
const TAG_FIELDS: &[(&str, &str)] = &[
    ("InvoiceCode", "code"),
    ("InvoiceNo", "number"),
    ("EIid", "number"),
    ("InvoiceNumber", "number"),
    ("IssueDate", "issue_date"),
    ("IssueTime", "issue_date"),
    ("InvoiceCheckCode", "check_code"),
    ("BuyerName", "buyer.name"),
    ("BuyerTaxID", "buyer.tax_id"),
    ("BuyerIdNum", "buyer.tax_id"),
    ("SellerName", "seller.name"),
    ("SellerTaxID", "seller.tax_id"),
    ("SellerIdNum", "seller.tax_id"),
    ("TaxExclusiveTotalAmount", "amount_without_tax"),
    ("TotalAmWithoutTax", "amount_without_tax"),
    ("TaxTotalAmount", "tax"),
    ("TotalTaxAm", "tax"),
    ("TaxInclusiveTotalAmount", "amount_with_tax"),
    ("TotalTax-includedAmount", "amount_with_tax"),
];

/// CustomTag line-item element names → item field names.
const TAG_ITEM_FIELDS: &[(&str, &str)] = &[
    ("Item", "name"),
    ("ItemName", "name"),
    ("Specification", "specification"),
    ("SpecMod", "specification"),
    ("MeasurementDimension", "unit"),
    ("MeaUnits", "unit"),
    ("Quantity", "quantity"),
    ("Price", "unit_price"),
    ("UnPrice", "unit_price"),
    ("Amount", "amount"),
    ("TaxScheme", "tax_rate"),
    ("TaxRate", "tax_rate"),
    ("TaxAmount", "tax"),
    ("ComTaxAm", "tax"),
];

/// Resolves an OFD location against the folder of the file that names it (absolute when it starts
/// with `/`).
fn resolve(base_dir: &str, loc: &str) -> Option<String> {
    let loc = loc.trim();
    if loc.starts_with('/') || base_dir.is_empty() {
        normalize(loc)
    } else {
        normalize(&format!("{base_dir}/{loc}"))
    }
}

fn dir_of(path: &str) -> String {
    path.rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default()
}

/// Reads invoice data from an open OFD container. Fails only when the package has no readable
/// `OFD.xml` / `Document.xml`; missing invoice parts leave fields empty (listed in `missing`).
pub fn extract<R: Read + Seek>(zip: &mut ZipContainer<R>, limits: &XmlLimits) -> Result<Invoice> {
    let mut r = Reader { zip, limits };
    let ofd = r.xml("OFD.xml")?;
    let body = ofd.child("DocBody").ok_or_else(|| {
        Error::invalid(r.zip.path(), "OFD.xml has no DocBody: not an OFD package")
    })?;
    let mut parts = Vec::new();
    let mut notes = Vec::new();

    // OFD.xml CustomDatas (lowest priority, used to fill and to compare).
    let mut cd = Part::new(FieldSource::OfdCustomData);
    if let Some(datas) = body.at("DocInfo/CustomDatas") {
        for d in datas.children_named("CustomData") {
            let name = d.attr("Name").unwrap_or("").trim();
            if let Some((_, field)) = CUSTOM_DATA.iter().find(|(n, _)| *n == name) {
                cd.offer(
                    field,
                    Some(d.trimmed()),
                    format!("OFD.xml CustomData[@Name='{name}']"),
                );
            }
        }
    }

    let doc_root = body
        .text_at("DocRoot")
        .and_then(|l| resolve("", l))
        .unwrap_or_else(|| "Doc_0/Document.xml".into());
    let doc = r.xml(&doc_root)?;
    let doc_dir = dir_of(&doc_root);

    // Attachments: the structured invoice data.
    let mut attached: Vec<String> = Vec::new();
    if let Some(loc) = doc
        .text_at("Attachments")
        .and_then(|l| resolve(&doc_dir, l))
    {
        match r.xml(&loc) {
            Ok(atts) => {
                let adir = dir_of(&loc);
                for a in atts.children_named("Attachment") {
                    if let Some(f) = a.text_at("FileLoc").and_then(|l| resolve(&adir, l)) {
                        if f.to_ascii_lowercase().ends_with(".xml")
                            || a.attr("Format")
                                .is_some_and(|x| x.eq_ignore_ascii_case("xml"))
                        {
                            attached.push(f);
                        }
                    }
                }
            }
            Err(e) => notes.push(format!("attachment list unreadable: {e}")),
        }
    }
    let fallback = resolve(&doc_dir, "Attachs/original_invoice.xml").unwrap_or_default();
    if !attached.iter().any(|a| a.eq_ignore_ascii_case(&fallback)) && r.zip.contains(&fallback) {
        notes.push(format!(
            "{fallback} is present but not declared in Attachments.xml"
        ));
        attached.push(fallback);
    }
    for entry in &attached {
        if !r.zip.contains(entry) {
            notes.push(format!(
                "declared attachment {entry} is missing from the package"
            ));
            continue;
        }
        match r.xml(entry) {
            Ok(root) => {
                if legacy::is_legacy_root(&root) {
                    parts.push(legacy::read(&root, entry));
                } else if einvoice::is_einvoice_root(&root) {
                    parts.push(einvoice::read(&root, entry, FieldSource::XmlEInvoice));
                } else if xbrl::is_xbrl_root(&root) {
                    parts.push(xbrl::read(&root, entry));
                }
            }
            Err(e) => notes.push(format!("attachment {entry} unreadable: {e}")),
        }
    }

    // CustomTags: bound page text.
    let tags_loc = doc
        .text_at("CustomTags")
        .and_then(|l| resolve(&doc_dir, l))
        .or_else(|| {
            let f = resolve(&doc_dir, "Tags/CustomTags.xml")?;
            r.zip.contains(&f).then_some(f)
        });
    if let Some(loc) = tags_loc {
        let pages: Vec<(String, String)> = doc
            .child("Pages")
            .map(|ps| {
                ps.children_named("Page")
                    .filter_map(|p| {
                        Some((
                            p.attr("ID")?.trim().to_string(),
                            resolve(&doc_dir, p.attr("BaseLoc")?)?,
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        match r.custom_tags(&loc, &pages) {
            Ok(p) => parts.push(p),
            Err(e) => notes.push(format!("CustomTags unreadable: {e}")),
        }
    }
    parts.push(cd);
    let mut inv = assemble::assemble(InvoiceFormat::Ofd, parts);
    inv.notes.extend(notes);
    inv.creator =
        body.text_at("DocInfo/Creator")
            .map(|c| match body.text_at("DocInfo/CreatorVersion") {
                Some(v) => format!("{c} {v}"),
                None => c.to_string(),
            });
    inv.pages = doc
        .child("Pages")
        .map(|p| p.children_named("Page").count() as u32);
    Ok(inv)
}

struct Reader<'a, R: Read + Seek> {
    zip: &'a mut ZipContainer<R>,
    limits: &'a XmlLimits,
}

impl<R: Read + Seek> Reader<'_, R> {
    fn xml(&mut self, entry: &str) -> Result<Element> {
        let size = self
            .zip
            .lookup(entry)
            .map(|e| e.size)
            .ok_or_else(|| Error::invalid(self.zip.path(), format!("`{entry}` is missing")))?;
        if size > self.limits.max_bytes as u64 {
            return Err(Error::Limit {
                path: self.zip.path().join(entry),
                limit: format!(
                    "XML part of {size} bytes exceeds the limit of {} bytes",
                    self.limits.max_bytes
                ),
            });
        }
        let bytes = self.zip.read(entry)?;
        let p: PathBuf = self.zip.path().join(entry);
        match xml::parse(&bytes, &p, self.limits) {
            Ok(d) => Ok(d.root),
            Err(e @ Error::Limit { .. }) => Err(e),
            Err(e) => {
                // Producers write `<:eInvoice xmlns:="">` (empty prefix): tolerate that one quirk.
                let text = String::from_utf8_lossy(&bytes);
                if text.contains("<:") || text.contains("xmlns:=") {
                    let fixed = text
                        .replace("</:", "</")
                        .replace("<:", "<")
                        .replace(" xmlns:=\"\"", "");
                    xml::parse(fixed.as_bytes(), &p, self.limits)
                        .map(|d| d.root)
                        .map_err(|_| e)
                } else {
                    Err(e)
                }
            }
        }
    }

    fn custom_tags(&mut self, loc: &str, pages: &[(String, String)]) -> Result<Part> {
        let mut part = Part::new(FieldSource::OfdCustomTag);
        let tags = self.xml(loc)?;
        let tdir = dir_of(loc);
        let mut page_text: HashMap<String, HashMap<String, String>> = HashMap::new();
        for t in tags.children_named("CustomTag") {
            let Some(file) = t.text_at("FileLoc").and_then(|l| resolve(&tdir, l)) else {
                continue;
            };
            let root = match self.xml(&file) {
                Ok(r) => r,
                Err(e) => {
                    part.notes
                        .push(format!("CustomTag file {file} unreadable: {e}"));
                    continue;
                }
            };
            let mut refs: Vec<Bound> = Vec::new();
            collect(&root, &mut Vec::new(), &mut refs, &mut 0, None);
            if refs.is_empty() {
                continue;
            }
            // Load the text objects of every referenced page.
            for b in &refs {
                for (page, _) in &b.objects {
                    if page_text.contains_key(page) {
                        continue;
                    }
                    let found = pages.iter().find(|(id, _)| id == page).or_else(|| {
                        // Some producers write the page index (1-based) instead of the page ID.
                        page.parse::<usize>()
                            .ok()
                            .and_then(|i| i.checked_sub(1))
                            .and_then(|i| pages.get(i))
                    });
                    let map = match found {
                        Some((_, content)) => match self.xml(content) {
                            Ok(c) => text_objects(&c),
                            Err(e) => {
                                part.notes.push(format!("page {content} unreadable: {e}"));
                                HashMap::new()
                            }
                        },
                        None => {
                            part.notes
                                .push(format!("CustomTag refers to unknown page {page}"));
                            HashMap::new()
                        }
                    };
                    page_text.insert(page.clone(), map);
                }
            }
            let mut items: BTreeMap<usize, LineItem> = BTreeMap::new();
            for b in refs {
                let mut visible = String::new();
                let mut objects = Vec::new();
                let mut all_found = true;
                for (page, id) in &b.objects {
                    objects.push(format!("page {page} object {id}"));
                    match page_text.get(page).and_then(|m| m.get(id)) {
                        Some(t) => visible.push_str(t),
                        None => all_found = false,
                    }
                }
                if b.objects.is_empty() {
                    if let Some(d) = &b.data {
                        visible = d.clone();
                    }
                }
                if !all_found {
                    part.notes.push(format!(
                        "CustomTag {} refers to page objects that were not found ({})",
                        b.path.join("/"),
                        objects.join(", ")
                    ));
                    continue;
                }
                let locator = format!(
                    "{file}: {} → {}",
                    b.path.join("/"),
                    if objects.is_empty() {
                        "ObjectData".to_string()
                    } else {
                        objects.join(", ")
                    }
                );
                let leaf = b.path.last().map(String::as_str).unwrap_or("");
                if let Some(idx) = b.item {
                    if let Some((_, f)) = TAG_ITEM_FIELDS.iter().find(|(n, _)| *n == leaf) {
                        let it = items.entry(idx).or_default();
                        set_item(it, f, &visible);
                        if !b.objects.is_empty() {
                            part.bindings.push(TagBinding {
                                field: format!("items[{}].{f}", idx + 1),
                                visible,
                                objects,
                            });
                        }
                    }
                    continue;
                }
                if let Some((_, field)) = TAG_FIELDS.iter().find(|(n, _)| *n == leaf) {
                    part.offer(field, Some(&visible), locator);
                    if !b.objects.is_empty() {
                        part.bindings.push(TagBinding {
                            field: field.to_string(),
                            visible,
                            objects,
                        });
                    }
                }
            }
            if part.items.is_empty() && !items.is_empty() {
                part.items = items.into_values().collect();
                part.items_locator = format!("{file}: line-item tags");
            }
        }
        Ok(part)
    }
}

/// A CustomTag leaf: element path, line-item index (the n-th GoodsInfo / IssuItemInformation, or 0
/// for item tags at the top level), referenced (page, object id) pairs, or literal ObjectData.
struct Bound {
    path: Vec<String>,
    item: Option<usize>,
    objects: Vec<(String, String)>,
    data: Option<String>,
}

fn collect(
    e: &Element,
    path: &mut Vec<String>,
    out: &mut Vec<Bound>,
    groups: &mut usize,
    group: Option<usize>,
) {
    let objects: Vec<(String, String)> = e
        .children_named("ObjectRef")
        .map(|o| {
            (
                o.attr("PageRef").unwrap_or("").trim().to_string(),
                o.trimmed().to_string(),
            )
        })
        .filter(|(_, id)| !id.is_empty() && id != "0")
        .collect();
    let data = e.child("ObjectData").map(|d| d.trimmed().to_string());
    if !objects.is_empty() || data.is_some() || e.child("ObjectRef").is_some() {
        let leaf_is_item = TAG_ITEM_FIELDS.iter().any(|(n, _)| *n == e.name)
            && !TAG_FIELDS.iter().any(|(n, _)| *n == e.name);
        let item = match group {
            Some(g) => Some(g),
            None if leaf_is_item => Some(0),
            None => None,
        };
        let mut p = path.clone();
        p.push(e.name.clone());
        if !objects.is_empty() || data.is_some() {
            out.push(Bound {
                path: p,
                item,
                objects,
                data,
            });
        }
        return;
    }
    let g = if e.name == "GoodsInfo" || e.name == "IssuItemInformation" {
        let g = *groups;
        *groups += 1;
        Some(g)
    } else {
        group
    };
    path.push(e.name.clone());
    for c in &e.children {
        collect(c, path, out, groups, g);
    }
    path.pop();
}

fn set_item(it: &mut LineItem, f: &str, v: &str) {
    let text = parse::text(v);
    match f {
        "name" => it.name = text,
        "specification" => it.specification = text,
        "unit" => it.unit = text,
        "quantity" => it.quantity = parse::amount(v),
        "unit_price" => it.unit_price = parse::amount(v),
        "amount" => it.amount = parse::amount(v),
        "tax_rate" => {
            it.tax_rate = parse::tax_rate(v);
            it.tax_rate_text = text;
        }
        "tax" => it.tax = parse::tax_amount(v),
        _ => {}
    }
}

/// Text of every `TextObject` of a page by its ID (its `TextCode` texts concatenated).
fn text_objects(page: &Element) -> HashMap<String, String> {
    let mut objs = Vec::new();
    page.find_all("TextObject", &mut objs);
    objs.into_iter()
        .filter_map(|o| {
            let id = o.attr("ID")?.trim().to_string();
            let text: String = o
                .children_named("TextCode")
                .map(|t| t.text.as_str())
                .collect();
            Some((id, text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_locations() {
        assert_eq!(
            resolve("Doc_0", "Pages/Page_0/Content.xml").as_deref(),
            Some("Doc_0/Pages/Page_0/Content.xml")
        );
        assert_eq!(
            resolve("Doc_0/Tags", "/Doc_0/Pages/P.xml").as_deref(),
            Some("Doc_0/Pages/P.xml")
        );
        assert_eq!(
            resolve("Doc_0/Tags", "../Pages/P.xml").as_deref(),
            Some("Doc_0/Pages/P.xml")
        );
        assert_eq!(resolve("", "../x"), None);
    }
}
