//! Combines what each source (structured XML, XBRL, CustomTags, CustomDatas, PDF text) yields into
//! one [`Invoice`], by source priority, keeping the provenance of every field and noting values a
//! lower-priority source disagrees with.

use super::model::{
    FieldSource, Invoice, InvoiceFormat, InvoiceKind, LineItem, OriginalRef, SourceConflict,
    TagBinding,
};
use super::parse;

/// One raw value a source offers for a field.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Field id (`number`, `seller.tax_id` …).
    pub field: &'static str,
    /// Text as found.
    pub raw: String,
    /// Locator inside the source.
    pub locator: String,
}

/// What one source yields.
#[derive(Debug, Clone)]
pub struct Part {
    /// The source.
    pub source: FieldSource,
    /// Field values.
    pub candidates: Vec<Candidate>,
    /// Line items and where they were found.
    pub items: Vec<LineItem>,
    /// Locator of the items.
    pub items_locator: String,
    /// Invoice kind, if the source says.
    pub kind: Option<(InvoiceKind, String)>,
    /// Issuer platform / authority.
    pub platform: Option<(String, String)>,
    /// Red-letter flag.
    pub red_letter: Option<(bool, String)>,
    /// Reference to the reversed invoice.
    pub original: Option<(OriginalRef, String)>,
    /// Page texts bound by CustomTags.
    pub bindings: Vec<TagBinding>,
    /// Notes about this source.
    pub notes: Vec<String>,
}

impl Part {
    /// An empty part of a source.
    pub fn new(source: FieldSource) -> Self {
        Part {
            source,
            candidates: Vec::new(),
            items: Vec::new(),
            items_locator: String::new(),
            kind: None,
            platform: None,
            red_letter: None,
            original: None,
            bindings: Vec::new(),
            notes: Vec::new(),
        }
    }
    /// Adds a candidate if the text is not empty.
    pub fn offer(&mut self, field: &'static str, raw: Option<&str>, locator: impl Into<String>) {
        if let Some(r) = raw.map(str::trim).filter(|r| !r.is_empty()) {
            self.candidates.push(Candidate {
                field,
                raw: r.to_string(),
                locator: locator.into(),
            });
        }
    }
}

/// Normalises a raw value for a field: `None` when it does not parse as that field's type.
pub fn normalise(field: &str, raw: &str) -> Option<String> {
    match field {
        "number" | "code" | "check_code" => {
            let d = parse::digits(raw);
            // Only accept values that are digits after removing spaces.
            (!d.is_empty() && d.len() == parse::squeeze(raw).len()).then_some(d)
        }
        "issue_date" => parse::date(raw).map(|d| d.to_string()),
        "amount_without_tax" | "amount_with_tax" => parse::amount(raw).map(|d| d.to_string()),
        "tax" => parse::tax_amount(raw).map(|d| d.to_string()),
        "buyer.tax_id" | "seller.tax_id" => {
            let s = parse::squeeze(raw).to_ascii_uppercase();
            (!s.is_empty()).then_some(s)
        }
        _ => parse::text(raw),
    }
}

fn set(inv: &mut Invoice, field: &str, norm: &str) {
    let v = Some(norm.to_string());
    match field {
        "number" => inv.number = v,
        "code" => inv.code = v,
        "check_code" => inv.check_code = v,
        "issue_date" => inv.issue_date = parse::date(norm),
        "buyer.name" => inv.buyer.name = v,
        "buyer.tax_id" => inv.buyer.tax_id = v,
        "seller.name" => inv.seller.name = v,
        "seller.tax_id" => inv.seller.tax_id = v,
        "amount_without_tax" => inv.amount_without_tax = parse::amount(norm),
        "tax" => inv.tax = parse::tax_amount(norm),
        "amount_with_tax" => inv.amount_with_tax = parse::amount(norm),
        _ => {}
    }
}

/// Builds the invoice from parts given in priority order (first wins). CustomTag parts fill only
/// fields no other source gave; their page text is kept in `tag_bindings` for the cross-check.
pub fn assemble(format: InvoiceFormat, parts: Vec<Part>) -> Invoice {
    let mut inv = Invoice::empty(format);
    // Structured sources first, CustomTag text last (whatever the given order).
    let (tags, others): (Vec<Part>, Vec<Part>) = parts
        .into_iter()
        .partition(|p| p.source == FieldSource::OfdCustomTag);
    for part in others.iter().chain(tags.iter()) {
        for c in &part.candidates {
            let Some(norm) = normalise(c.field, &c.raw) else {
                inv.notes.push(format!(
                    "{} `{}` at {} is not a valid {}: ignored",
                    part.source.as_str(),
                    c.raw,
                    c.locator,
                    c.field
                ));
                continue;
            };
            match inv.field_text(c.field) {
                None => {
                    set(&mut inv, c.field, &norm);
                    inv.found(c.field, part.source, c.locator.clone());
                }
                Some(kept) => {
                    let kept_norm = normalise(c.field, &kept).unwrap_or(kept.clone());
                    if kept_norm != norm && part.source != FieldSource::OfdCustomTag {
                        inv.source_conflicts.push(SourceConflict {
                            field: c.field.to_string(),
                            kept,
                            other_source: part.source,
                            other_locator: c.locator.clone(),
                            other: c.raw.clone(),
                        });
                    }
                }
            }
        }
        if inv.items.is_empty() && !part.items.is_empty() {
            inv.items = part.items.clone();
            inv.found("items", part.source, part.items_locator.clone());
        }
        if let (InvoiceKind::Unknown, Some((k, loc))) = (inv.kind, &part.kind) {
            inv.kind = *k;
            inv.found("kind", part.source, loc.clone());
        }
        if let (None, Some((p, loc))) = (&inv.issuer_platform, &part.platform) {
            inv.issuer_platform = Some(p.clone());
            inv.found("issuer_platform", part.source, loc.clone());
        }
        if let Some((r, loc)) = &part.red_letter {
            if !inv.provenance.contains_key("red_letter") {
                inv.red_letter = *r;
                inv.found("red_letter", part.source, loc.clone());
            }
        }
        if let (None, Some((o, loc))) = (&inv.original, &part.original) {
            inv.original = Some(o.clone());
            inv.found("original", part.source, loc.clone());
        }
        inv.tag_bindings.extend(part.bindings.iter().cloned());
        inv.notes.extend(part.notes.iter().cloned());
    }
    // A negative total means a red-letter invoice even when no flag says so.
    if !inv.provenance.contains_key("red_letter")
        && inv
            .amount_with_tax
            .is_some_and(|a| a.is_sign_negative() && !a.is_zero())
    {
        inv.red_letter = true;
        if let Some(p) = inv.provenance.get("amount_with_tax").cloned() {
            inv.found(
                "red_letter",
                p.source,
                format!("{} (negative 价税合计)", p.locator),
            );
        }
    }
    if inv.kind == InvoiceKind::Unknown {
        inv.infer_kind();
        if inv.kind != InvoiceKind::Unknown {
            inv.notes.push(format!(
                "invoice kind `{}` inferred from the number/code shape",
                inv.kind.zh()
            ));
        }
    }
    inv.update_missing();
    inv
}
