//! XML and plain-text usability: well-formed, declared encoding honoured (UTF-8, GB18030/GBK,
//! UTF-16), no DTD and no external entities, size/depth/node limits (all through [`crate::xml`]),
//! and the kind of document by its root element (e-invoice, XBRL, DA/T 46 metadata, EEP).

use super::{Details, FormatLimits, Inspection, Problem, Readable};
use crate::record::Source;
use crate::xml::{self, Element};
use serde::Serialize;

/// What guidang found in an XML file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct XmlInfo {
    /// Root element (local name).
    pub root: String,
    /// Root namespace, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Kind of document (`EInvoice`, `XBRL`, `DA/T 46 metadata`, `EEP` or the root name).
    pub xml_kind: String,
    /// Encoding used to decode it.
    pub encoding: String,
    /// Whether it started with a byte-order mark.
    pub bom: bool,
    /// Number of elements.
    pub elements: usize,
    /// Maximum element depth.
    pub depth: usize,
}

/// Plain-text facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextInfo {
    /// Encoding the text decodes in without errors.
    pub encoding: String,
    /// Number of lines.
    pub lines: usize,
}

/// The kind of an XML document by its root element.
pub fn root_kind(root: &Element) -> String {
    let ns = root.ns.as_deref().unwrap_or("");
    match root.name.as_str() {
        "EInvoice" | "eInvoice" | "Invoice" if ns.is_empty() || !ns.contains("oasis") => {
            "EInvoice".into()
        }
        "xbrl" => "XBRL".into(),
        "电子文件封装包" => "EEP".into(),
        "文件实体" | "文书类电子文件元数据" | "电子文件元数据" | "元数据" => {
            "DA/T 46 metadata".into()
        }
        other => other.to_string(),
    }
}

fn stats(el: &Element, depth: usize, count: &mut usize, max_depth: &mut usize) {
    *count += 1;
    *max_depth = (*max_depth).max(depth);
    for c in &el.children {
        stats(c, depth + 1, count, max_depth);
    }
}

/// Inspects an XML source into `ins`.
pub(super) fn inspect(source: &Source, limits: &FormatLimits, ins: &mut Inspection) {
    let path = source.display_path();
    ins.depth = "full parse (well-formedness, encoding, limits; no DTD)".into();
    let bytes = match source.read_all(limits.xml.max_bytes as u64) {
        Ok(b) => b,
        Err(e) => {
            ins.readable = Readable::No;
            ins.problems
                .push(Problem::from_error("XML 文件", "the XML file", &e));
            return;
        }
    };
    match analyse(&bytes, &path, limits) {
        Ok(info) => {
            ins.readable = Readable::Yes;
            ins.identification.profile = Some(info.xml_kind.clone());
            ins.details = Details::Xml(info);
        }
        Err(p) => {
            ins.readable = Readable::No;
            ins.problems.push(p);
        }
    }
}

/// Parses XML bytes within limits; the error names the file and the problem (DOCTYPE refused,
/// a limit, not well-formed, undecodable).
pub fn analyse(
    bytes: &[u8],
    path: &std::path::Path,
    limits: &FormatLimits,
) -> Result<XmlInfo, Problem> {
    match xml::parse(bytes, path, &limits.xml) {
        Ok(doc) => {
            let (mut n, mut d) = (0, 0);
            stats(&doc.root, 1, &mut n, &mut d);
            Ok(XmlInfo {
                root: doc.root.name.clone(),
                namespace: doc.root.ns.clone(),
                xml_kind: root_kind(&doc.root),
                encoding: doc.encoding.to_string(),
                bom: doc.had_bom,
                elements: n,
                depth: d,
            })
        }
        Err(e) => {
            let mut p = Problem::from_error("XML 文件", "the XML file", &e);
            if e.to_string().contains("DOCTYPE") {
                p.rule = "xml.doctype_refused".into();
            }
            Err(p)
        }
    }
}

/// Inspects a plain-text source: it must decode as UTF-8 (with or without BOM) or GB18030.
pub(super) fn inspect_text(source: &Source, limits: &FormatLimits, ins: &mut Inspection) {
    let path = source.display_path();
    ins.depth = "decoded completely".into();
    let bytes = match source.read_all(limits.xml.max_bytes as u64) {
        Ok(b) => b,
        Err(e) => {
            ins.readable = Readable::No;
            ins.problems
                .push(Problem::from_error("文本文件", "the text file", &e));
            return;
        }
    };
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let (text, enc) = match std::str::from_utf8(body) {
        Ok(t) => (t.to_string(), "UTF-8"),
        Err(_) => {
            let (t, _, bad) = encoding_rs::GB18030.decode(body);
            if bad {
                ins.readable = Readable::No;
                ins.problems.push(Problem::unreadable(
                    "text.undecodable",
                    format!("{} 既不是 UTF-8 也不是 GB18030 编码的文本", path.display()),
                    format!("{} is neither UTF-8 nor GB18030 text", path.display()),
                ));
                return;
            }
            (t.into_owned(), "GB18030")
        }
    };
    ins.readable = Readable::Yes;
    ins.identification.version = None;
    ins.identification.profile = Some(enc.into());
    ins.details = Details::Text(TextInfo {
        encoding: enc.into(),
        lines: text.lines().count(),
    });
}
