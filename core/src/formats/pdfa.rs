//! PDF/A claims and indicators: the `pdfaid` part/conformance read from XMP (attribute and
//! element forms, any prefix bound to the namespace), and the cheap indicators guidang checks
//! against ISO 19005 clauses (header, trailer, filters, permissions, output intent, fonts,
//! actions, trigger events, forms, XFA, metadata stream, identification schema, embedded files).
//! They are indicators, not a validation: reports say "claims PDF/A-2b; N indicators consistent".

use super::pdf::{deref, deref_dict, find, name_of, PdfInfo, Walk};
use super::FormatLimits;
use crate::record::Source;
use crate::xml::Element;
use lopdf::{Dictionary, Document, Object};
use serde::Serialize;
use std::io::Read;

/// Namespace of the PDF/A identification schema in XMP.
pub const PDFAID_NS: &str = "http://www.aiim.org/pdfa/ns/id/";

/// The PDF/A part and conformance a file claims in its XMP metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PdfaClaim {
    /// `pdfaid:part` as written (`1`, `2`, `3`, `4`).
    pub part: String,
    /// `pdfaid:conformance` as written (`A`, `B`, `U`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conformance: Option<String>,
    /// Every property used in the PDF/A identification namespace (`part`, `conformance`, `amd` …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<String>,
    /// Prefixes bound to the PDF/A identification namespace (PDF/A requires `pdfaid`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub prefixes: Vec<String>,
}

impl PdfaClaim {
    /// `PDF/A-2b`.
    pub fn label(&self) -> String {
        format!(
            "PDF/A-{}{}",
            self.part,
            self.conformance
                .as_deref()
                .unwrap_or("")
                .to_ascii_lowercase()
        )
    }
    /// Part as a number, when it is one.
    pub fn part_number(&self) -> Option<u8> {
        self.part.trim().parse().ok()
    }
    /// Problems with how the claim is written: a prefix other than `pdfaid`, or properties the
    /// identification schema of that part does not define (PDF/A-1: part, conformance, amd;
    /// PDF/A-2/3 add corr and rev).
    pub fn schema_problems(&self) -> Vec<String> {
        let mut v = Vec::new();
        for p in &self.prefixes {
            if p != "pdfaid" {
                v.push(format!("prefix `{p}` instead of `pdfaid`"));
            }
        }
        let allowed: &[&str] = if self.part.trim() == "1" {
            &["part", "conformance", "amd"]
        } else {
            &["part", "conformance", "amd", "corr", "rev"]
        };
        for p in &self.properties {
            if !allowed.contains(&p.as_str()) {
                v.push(format!("undefined property pdfaid:{p}"));
            }
        }
        v
    }

    /// Whether part and conformance are values PDF/A defines (1a/1b, 2a/2b/2u, 3a/3b/3u, 4/4e/4f).
    pub fn well_formed(&self) -> bool {
        let c = self.conformance.as_deref().map(str::trim);
        match (self.part.trim(), c) {
            ("1", Some("A" | "B")) => true,
            ("2" | "3", Some("A" | "B" | "U")) => true,
            ("4", None | Some("E" | "F")) => true,
            _ => false,
        }
    }
}

/// One cheap PDF/A indicator: something a conforming file must have (or must not have).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicator {
    /// Stable id (`no_encryption`, `output_intent` …).
    pub id: &'static str,
    /// PDF/A clauses it reflects (ISO 19005-1 / -2 / -3 numbering).
    pub clauses: &'static str,
    /// Whether the file is consistent with the claim on this point.
    pub ok: bool,
    /// What was found.
    pub detail: String,
}

/// Finds a PDF/A claim by scanning the raw bytes (at most `pdf_max_bytes`) for uncompressed XMP.
/// Used for identification only; `pdf::inspect` reads the catalog's XMP, which is authoritative.
pub fn sniff_pdfa_claim(source: &Source, limits: &FormatLimits) -> Option<String> {
    let mut r = source.open().ok()?;
    let mut buf = vec![0u8; 1 << 20];
    let mut carry: Vec<u8> = Vec::new();
    let mut read: u64 = 0;
    loop {
        let n = r.read(&mut buf).ok()?;
        if n == 0 || read > limits.pdf_max_bytes.min(64 << 20) {
            return None;
        }
        read += n as u64;
        carry.extend_from_slice(&buf[..n]);
        if let Some(pos) = find(&carry, b"pdfaid:part") {
            let end = (pos + 4096).min(carry.len());
            let text = String::from_utf8_lossy(&carry[pos.saturating_sub(4096)..end]);
            return claim_from_text(&text).map(|c| format!("{} (claimed)", c.label()));
        }
        let keep = carry.len().saturating_sub(4096);
        carry.drain(..keep);
    }
}

/// Reads `pdfaid:part` / `pdfaid:conformance` from XMP text in attribute (`'x'`, `"x"`) or element
/// form (prefix `pdfaid`). [`claim_from_xmp`] resolves namespaces properly and is preferred.
pub fn claim_from_text(text: &str) -> Option<PdfaClaim> {
    fn value(text: &str, key: &str) -> Option<String> {
        let pos = text.find(key)?;
        let rest = text[pos + key.len()..].trim_start();
        let v = if let Some(r) = rest.strip_prefix('=') {
            let r = r.trim_start();
            let q = r.chars().next()?;
            if q != '"' && q != '\'' {
                return None;
            }
            r[1..].split(q).next()?.to_string()
        } else if let Some(r) = rest.strip_prefix('>') {
            r.split('<').next()?.to_string()
        } else {
            return None;
        };
        Some(v.trim().to_string())
    }
    let part = value(text, "pdfaid:part")?;
    Some(PdfaClaim {
        part,
        conformance: value(text, "pdfaid:conformance").filter(|c| !c.is_empty()),
        properties: Vec::new(),
        prefixes: Vec::new(),
    })
}

/// Reads the PDF/A claim from parsed XMP, resolving the `pdfaid` namespace whatever its prefix.
pub fn claim_from_xmp(root: &Element) -> Option<PdfaClaim> {
    let mut part = None;
    let mut conf = None;
    let mut prefixes: Vec<(String, String)> = Vec::new();
    let mut seen = Seen::default();
    walk_xmp(root, &mut prefixes, &mut part, &mut conf, &mut seen, 0);
    Some(PdfaClaim {
        part: part?,
        conformance: conf.filter(|c: &String| !c.is_empty()),
        properties: seen.properties,
        prefixes: seen.prefixes,
    })
}

#[derive(Default)]
struct Seen {
    properties: Vec<String>,
    prefixes: Vec<String>,
}

fn note(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

fn walk_xmp(
    el: &Element,
    prefixes: &mut Vec<(String, String)>,
    part: &mut Option<String>,
    conf: &mut Option<String>,
    seen: &mut Seen,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    let mark = prefixes.len();
    for (k, v) in &el.attrs {
        if let Some(p) = k.strip_prefix("xmlns:") {
            prefixes.push((p.to_string(), v.clone()));
            if v == PDFAID_NS {
                note(&mut seen.prefixes, p);
            }
        }
    }
    for (k, v) in &el.attrs {
        if let Some((p, local)) = k.split_once(':') {
            let ns = prefixes.iter().rev().find(|(q, _)| q == p).map(|(_, n)| n);
            if ns.map(String::as_str) == Some(PDFAID_NS) {
                note(&mut seen.properties, local);
                match local {
                    "part" => *part = Some(v.trim().to_string()),
                    "conformance" => *conf = Some(v.trim().to_string()),
                    _ => {}
                }
            }
        }
    }
    if el.ns.as_deref() == Some(PDFAID_NS) {
        note(&mut seen.properties, &el.name);
        match el.name.as_str() {
            "part" => *part = Some(el.text.trim().to_string()),
            "conformance" => *conf = Some(el.text.trim().to_string()),
            _ => {}
        }
    }
    for c in &el.children {
        walk_xmp(c, prefixes, part, conf, seen, depth + 1);
    }
    prefixes.truncate(mark);
}

fn indicator(
    id: &'static str,
    clauses: &'static str,
    ok: bool,
    detail: impl Into<String>,
) -> Indicator {
    Indicator {
        id,
        clauses,
        ok,
        detail: detail.into(),
    }
}

pub(super) fn indicators(
    doc: &Document,
    bytes: &[u8],
    info: &PdfInfo,
    w: &Walk<'_>,
    xmp: Option<&(Vec<u8>, Dictionary)>,
    xmp_parses: bool,
) -> Vec<Indicator> {
    let part = info
        .pdfa
        .as_ref()
        .and_then(PdfaClaim::part_number)
        .unwrap_or(2);
    let mut out = Vec::new();
    // File header: %PDF-n.n at offset 0, then a comment with at least four bytes > 127.
    let header_ok = bytes.len() > 9
        && bytes.starts_with(b"%PDF-")
        && (if part >= 2 {
            bytes[5] == b'1'
        } else {
            bytes[5].is_ascii_digit()
        })
        && bytes[6] == b'.'
        && bytes[7].is_ascii_digit()
        && {
            let rest = &bytes[8..bytes.len().min(64)];
            let rest = rest
                .strip_prefix(b"\r\n")
                .or_else(|| rest.strip_prefix(b"\r"))
                .or_else(|| rest.strip_prefix(b"\n"));
            rest.map(|r| {
                r.first() == Some(&b'%') && r[1..].iter().take(4).all(|&b| b > 127) && r.len() >= 5
            })
            .unwrap_or(false)
        };
    out.push(indicator(
        "header",
        "1: 6.1.2; 2/3: 6.1.2",
        header_ok,
        if header_ok {
            "%PDF-n.n header followed by a binary comment"
        } else {
            "the header is not `%PDF-n.n` at offset 0 followed by a comment of four bytes > 127"
        },
    ));
    // Trailer: /ID present, no /Encrypt.
    let id_ok = matches!(doc.trailer.get(b"ID"), Ok(Object::Array(a))
        if a.len() == 2 && a.iter().all(|x| matches!(x, Object::String(s, _) if !s.is_empty())));
    out.push(indicator(
        "trailer_id",
        "1: 6.1.3; 2/3: 6.1.3",
        id_ok,
        if id_ok {
            "trailer has /ID"
        } else {
            "trailer has no /ID of two non-empty strings"
        },
    ));
    out.push(indicator(
        "no_encryption",
        "1: 6.1.3; 2/3: 6.1.3",
        !info.encrypted,
        if info.encrypted {
            "trailer has /Encrypt"
        } else {
            "not encrypted"
        },
    ));
    // Filters.
    let filters_ok = w.lzw == 0 && w.external_stream_keys == 0;
    out.push(indicator(
        "filters",
        "1: 6.1.10; 2/3: 6.1.7",
        filters_ok,
        format!(
            "{} LZWDecode filter(s), {} stream(s) with external-file keys (F/FFilter/FDecodeParms)",
            w.lzw, w.external_stream_keys
        ),
    ));
    // Permissions (PDF/A-2/3): /Perms holds only UR3 or DocMDP.
    let bad_perms: Vec<&String> = w
        .perms_keys
        .iter()
        .filter(|k| k.as_str() != "UR3" && k.as_str() != "DocMDP")
        .collect();
    out.push(indicator(
        "permissions",
        "2/3: 6.1.12",
        bad_perms.is_empty(),
        if bad_perms.is_empty() {
            "no /Perms entries other than UR3/DocMDP".to_string()
        } else {
            format!("/Perms has {:?}", bad_perms)
        },
    ));
    // Output intent.
    let (oi_ok, oi_detail) = output_intent(doc, part);
    out.push(indicator(
        "output_intent",
        "1: 6.2.2; 2/3: 6.2.3",
        oi_ok,
        oi_detail,
    ));
    // Fonts.
    out.push(indicator(
        "fonts_embedded",
        "1: 6.3.4; 2/3: 6.2.11.4",
        info.fonts_not_embedded.is_empty(),
        if info.fonts_not_embedded.is_empty() {
            format!("{} font(s), all embedded", info.fonts)
        } else {
            format!("not embedded: {}", info.fonts_not_embedded.join(", "))
        },
    ));
    // Actions.
    let mut forbidden: Vec<String> = [
        "Launch",
        "Sound",
        "Movie",
        "ResetForm",
        "ImportData",
        "JavaScript",
        // Deprecated set-state and no-op actions (all parts); Hide (PDF/A-1 Corrigendum 2, PDF/A-2/3).
        "SetState",
        "NOP",
        "Hide",
    ]
    .iter()
    .filter(|k| w.actions.contains_key(**k))
    .map(|k| k.to_string())
    .collect();
    if part >= 2 {
        for k in [
            "SetOCGState",
            "Rendition",
            "Trans",
            "GoTo3DView",
            "RichMediaExecute",
        ] {
            if w.actions.contains_key(k) {
                forbidden.push(k.into());
            }
        }
    }
    for n in &w.named_actions {
        if !matches!(
            n.as_str(),
            "NextPage" | "PrevPage" | "FirstPage" | "LastPage"
        ) {
            forbidden.push(format!("Named/{n}"));
        }
    }
    if w.javascript > 0 && !forbidden.iter().any(|f| f == "JavaScript") {
        forbidden.push("JavaScript".into());
    }
    out.push(indicator(
        "actions",
        "1: 6.6.1; 2/3: 6.5.1",
        forbidden.is_empty(),
        if forbidden.is_empty() {
            "no forbidden action types".to_string()
        } else {
            format!("forbidden actions: {}", forbidden.join(", "))
        },
    ));
    out.push(indicator(
        "trigger_events",
        "1: 6.6.2; 2/3: 6.5.2",
        w.aa == 0,
        format!("{} additional-actions (/AA) entries", w.aa),
    ));
    // Interactive forms.
    let forms_ok =
        !w.need_appearances && w.widgets_without_ap == 0 && (part < 2 || w.widget_actions == 0);
    out.push(indicator(
        "forms",
        "1: 6.9; 2/3: 6.4.1",
        forms_ok,
        format!(
            "NeedAppearances true: {}; widgets without appearance: {}; widgets/fields with actions: {}",
            w.need_appearances, w.widgets_without_ap, w.widget_actions
        ),
    ));
    out.push(indicator(
        "no_xfa",
        "2/3: 6.4.2",
        !w.xfa,
        if w.xfa {
            "the form has an /XFA entry"
        } else {
            "no XFA"
        },
    ));
    // Metadata stream.
    // The xpacket header must not carry the deprecated `bytes` or `encoding` attributes.
    let packet_attr = xmp.and_then(|(b, _)| {
        let t = String::from_utf8_lossy(&b[..b.len().min(512)]).into_owned();
        let start = t.find("<?xpacket")?;
        let end = t[start..].find("?>").map(|e| start + e).unwrap_or(t.len());
        let header = &t[start..end];
        ["bytes=", "encoding="]
            .into_iter()
            .find(|a| header.contains(a))
            .map(|a| a.trim_end_matches('=').to_string())
    });
    let xmp_ok = match xmp {
        None => false,
        Some((_, d)) => !d.has(b"Filter") && xmp_parses && packet_attr.is_none(),
    };
    out.push(indicator(
        "xmp",
        "1: 6.7.2/6.7.5; 2/3: 6.6.2.1",
        xmp_ok,
        match xmp {
            None => "no XMP metadata stream in the catalog".to_string(),
            Some((_, d)) if d.has(b"Filter") => {
                "the XMP metadata stream is filtered (compressed)".into()
            }
            Some(_) if !xmp_parses => "the XMP metadata is not well-formed XML".into(),
            Some(_) if packet_attr.is_some() => format!(
                "the xpacket header uses the `{}` attribute",
                packet_attr.as_deref().unwrap_or_default()
            ),
            Some(_) => "uncompressed, well-formed XMP metadata stream".into(),
        },
    ));
    let schema_problems = info
        .pdfa
        .as_ref()
        .map(PdfaClaim::schema_problems)
        .unwrap_or_default();
    let claim_ok = info
        .pdfa
        .as_ref()
        .map(PdfaClaim::well_formed)
        .unwrap_or(false)
        && schema_problems.is_empty();
    out.push(indicator(
        "pdfaid",
        "1: 6.7.11; 2/3: 6.6.4",
        claim_ok,
        match &info.pdfa {
            None => "no pdfaid:part in XMP".to_string(),
            Some(c) => format!(
                "pdfaid:part={} conformance={}{}",
                c.part,
                c.conformance.as_deref().unwrap_or("-"),
                if schema_problems.is_empty() {
                    String::new()
                } else {
                    format!("; {}", schema_problems.join(", "))
                }
            ),
        },
    ));
    // Embedded files.
    let n = w.embedded.len();
    let (ef_ok, ef_detail) = match part {
        1 => (
            n == 0 && !w.embedded_tree,
            format!("{n} embedded file(s); PDF/A-1 allows none"),
        ),
        2 => {
            let non_pdf = w.embedded.iter().filter(|e| !e.is_pdf).count();
            (
                non_pdf == 0,
                format!("{n} embedded file(s), {non_pdf} not PDF; PDF/A-2 allows only PDF/A files"),
            )
        }
        _ => {
            let bad = w
                .embedded
                .iter()
                .filter(|e| {
                    let associated = e.id.is_none_or(|id| w.af_refs.contains(&id));
                    !(e.has_f_uf && e.af_relationship && e.subtype && associated)
                })
                .count();
            (
                bad == 0,
                format!(
                    "{n} embedded file(s), {bad} without F+UF, AFRelationship, a MIME /Subtype or an /AF association"
                ),
            )
        }
    };
    out.push(indicator(
        "embedded_files",
        "1: 6.1.11; 2: 6.8; 3: 6.8",
        ef_ok,
        ef_detail,
    ));
    out
}

fn output_intent(doc: &Document, part: u8) -> (bool, String) {
    let Ok(cat) = doc.catalog() else {
        return (false, "no catalog".into());
    };
    let intents = match cat.get(b"OutputIntents").ok().and_then(|o| deref(doc, o)) {
        Some(Object::Array(a)) => a.clone(),
        _ => return (false, "no /OutputIntents".into()),
    };
    let mut profiles = Vec::new();
    let mut pdfa = 0;
    for oi in &intents {
        let Ok(d) = deref_dict(doc, Some(oi)) else {
            continue;
        };
        if name_of(d, b"S").as_deref() == Some("GTS_PDFA1") {
            pdfa += 1;
        }
        if let Ok(p) = d.get(b"DestOutputProfile") {
            profiles.push(p.clone());
        }
    }
    if pdfa == 0 {
        return (
            false,
            format!(
                "{} output intent(s), none with /S /GTS_PDFA1",
                intents.len()
            ),
        );
    }
    if profiles.is_empty() {
        return (
            false,
            "GTS_PDFA1 output intent without /DestOutputProfile".into(),
        );
    }
    if profiles.windows(2).any(|w| w[0] != w[1]) {
        return (
            false,
            "output intents name different destination profiles".into(),
        );
    }
    // The ICC header: device class prtr/mntr (scnr too for PDF/A-2/3), and a version the part
    // allows (PDF/A-1: ICC v2; PDF/A-2/3: up to v4).
    if let Some(Object::Stream(st)) = deref(doc, &profiles[0]) {
        let head = if st.dict.has(b"Filter") {
            st.decompressed_content_with_limit(1 << 20)
                .unwrap_or_default()
        } else {
            st.content.clone()
        };
        if head.len() >= 20 {
            let class = String::from_utf8_lossy(&head[12..16]).into_owned();
            let major = head[8];
            let class_ok =
                matches!(class.as_str(), "prtr" | "mntr") || (part >= 2 && class == "scnr");
            let version_ok = if part == 1 { major <= 2 } else { major <= 4 };
            if !class_ok || !version_ok {
                return (
                    false,
                    format!(
                        "destination ICC profile has device class `{class}` and version {major}"
                    ),
                );
            }
        } else {
            return (
                false,
                "destination ICC profile is too short to have a header".into(),
            );
        }
    }
    (
        true,
        format!(
            "GTS_PDFA1 output intent with a destination profile ({} intent(s))",
            intents.len()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml;
    use std::path::Path;

    #[test]
    fn claim_forms() {
        let a =
            claim_from_text("<rdf:Description pdfaid:part='2' pdfaid:conformance='B'/>").unwrap();
        assert_eq!(a.label(), "PDF/A-2b");
        let b = claim_from_text("<x pdfaid:part=\"1\" pdfaid:conformance=\"A\"/>").unwrap();
        assert_eq!(b.label(), "PDF/A-1a");
        let c = claim_from_text(
            "<pdfaid:part>3</pdfaid:part><pdfaid:conformance>U</pdfaid:conformance>",
        )
        .unwrap();
        assert_eq!(c.label(), "PDF/A-3u");
        assert!(c.well_formed());
        assert!(claim_from_text("<x/>").is_none());
        let xmp = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
          <rdf:Description xmlns:id="http://www.aiim.org/pdfa/ns/id/" id:part="2" id:conformance="U"/></rdf:RDF></x:xmpmeta>"#;
        let d = xml::parse(xmp.as_bytes(), Path::new("x"), &Default::default()).unwrap();
        let c = claim_from_xmp(&d.root).unwrap();
        assert_eq!(c.label(), "PDF/A-2u");
        let bad = PdfaClaim {
            part: "2".into(),
            conformance: Some("Z".into()),
            properties: vec!["part".into()],
            prefixes: vec!["id".into()],
        };
        assert!(!bad.well_formed());
        assert_eq!(
            bad.schema_problems(),
            vec!["prefix `id` instead of `pdfaid`".to_string()]
        );
    }
}
