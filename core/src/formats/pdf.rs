//! PDF usability (lopdf): parse, page count, encryption, active content (JavaScript, Launch, URI,
//! SubmitForm …), embedded files, fonts, and the PDF/A claim from XMP with the indicators guidang
//! can check cheaply. guidang is not a PDF/A validator: it reports "claims PDF/A-2b; N indicators
//! consistent / which ones not", never "conformant".

use super::{Area, Details, FormatLimits, Inspection, Problem, Readable, Severity};
use crate::record::Source;
use crate::xml::{self, Element};
use lopdf::{Dictionary, Document, LoadOptions, Object};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

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

/// What guidang found in a PDF.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PdfInfo {
    /// Header version (`1.7`), or the catalog `/Version` when it is newer.
    pub pdf_version: String,
    /// Number of pages in the page tree.
    pub pages: usize,
    /// Number of indirect objects.
    pub objects: usize,
    /// Whether the trailer has `/Encrypt`.
    pub encrypted: bool,
    /// Security handler (`/Filter`, `/V`, `/R`) when readable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption: Option<String>,
    /// Whether lopdf had to repair the cross-reference data.
    pub xref_repaired: bool,
    /// Action types found (`JavaScript`, `Launch`, `URI` …) with their counts.
    pub actions: BTreeMap<String, usize>,
    /// JavaScript occurrences (actions, `/JS` entries, the `/Names /JavaScript` tree).
    pub javascript: usize,
    /// `/AA` (additional-actions, trigger events) entries.
    pub additional_actions: usize,
    /// Embedded file specifications (`/EF`).
    pub embedded_files: usize,
    /// Font dictionaries checked (Type0 and Type3 excluded; their descendants are checked).
    pub fonts: usize,
    /// Base names of fonts without an embedded font program.
    pub fonts_not_embedded: Vec<String>,
    /// Whether an XMP metadata stream is attached to the catalog.
    pub xmp: bool,
    /// PDF/A claim from XMP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pdfa: Option<PdfaClaim>,
    /// PDF/A indicators (evaluated always; judged only when PDF/A is claimed).
    pub indicators: Vec<Indicator>,
}

impl PdfInfo {
    /// `claims PDF/A-2b; 9 of 11 indicators consistent (not: output_intent, fonts_embedded)`.
    pub fn pdfa_summary(&self) -> Option<String> {
        let claim = self.pdfa.as_ref()?;
        let ok = self.indicators.iter().filter(|i| i.ok).count();
        let bad: Vec<&str> = self
            .indicators
            .iter()
            .filter(|i| !i.ok)
            .map(|i| i.id)
            .collect();
        Some(if bad.is_empty() {
            format!(
                "claims {}; {ok} of {} indicators consistent",
                claim.label(),
                self.indicators.len()
            )
        } else {
            format!(
                "claims {}; {ok} of {} indicators consistent (not: {})",
                claim.label(),
                self.indicators.len(),
                bad.join(", ")
            )
        })
    }
    /// The indicator with this id.
    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }
}

/// Finds a PDF/A claim by scanning the raw bytes (at most `pdf_max_bytes`) for uncompressed XMP.
/// Used for identification only; [`inspect`] reads the catalog's XMP, which is authoritative.
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

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
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
    })
}

/// Reads the PDF/A claim from parsed XMP, resolving the `pdfaid` namespace whatever its prefix.
pub fn claim_from_xmp(root: &Element) -> Option<PdfaClaim> {
    let mut part = None;
    let mut conf = None;
    let mut prefixes: Vec<(String, String)> = Vec::new();
    walk_xmp(root, &mut prefixes, &mut part, &mut conf, 0);
    Some(PdfaClaim {
        part: part?,
        conformance: conf.filter(|c: &String| !c.is_empty()),
    })
}

fn walk_xmp(
    el: &Element,
    prefixes: &mut Vec<(String, String)>,
    part: &mut Option<String>,
    conf: &mut Option<String>,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    let mark = prefixes.len();
    for (k, v) in &el.attrs {
        if let Some(p) = k.strip_prefix("xmlns:") {
            prefixes.push((p.to_string(), v.clone()));
        }
    }
    for (k, v) in &el.attrs {
        if let Some((p, local)) = k.split_once(':') {
            let ns = prefixes.iter().rev().find(|(q, _)| q == p).map(|(_, n)| n);
            if ns.map(String::as_str) == Some(PDFAID_NS) {
                match local {
                    "part" => *part = Some(v.trim().to_string()),
                    "conformance" => *conf = Some(v.trim().to_string()),
                    _ => {}
                }
            }
        }
    }
    if el.ns.as_deref() == Some(PDFAID_NS) {
        match el.name.as_str() {
            "part" => *part = Some(el.text.trim().to_string()),
            "conformance" => *conf = Some(el.text.trim().to_string()),
            _ => {}
        }
    }
    for c in &el.children {
        walk_xmp(c, prefixes, part, conf, depth + 1);
    }
    prefixes.truncate(mark);
}

/// Inspects a PDF source into `ins` (reads it whole, within `pdf_max_bytes`).
pub(super) fn inspect(source: &Source, limits: &FormatLimits, ins: &mut Inspection) {
    let path = source.display_path();
    let bytes = match source.read_all(limits.pdf_max_bytes) {
        Ok(b) => b,
        Err(e) => {
            ins.readable = Readable::No;
            ins.problems
                .push(Problem::from_error("PDF 文件", "the PDF file", &e));
            return;
        }
    };
    let (info, problems, readable) = analyse(&bytes, &path, limits);
    ins.problems.extend(problems);
    ins.readable = readable;
    ins.depth = "full parse of the object graph (lopdf); page content not rendered".into();
    if let Some(info) = info {
        if let Some(c) = &info.pdfa {
            ins.identification.profile = Some(format!("{} (claimed)", c.label()));
        } else {
            ins.identification.profile = None;
        }
        if !info.pdf_version.is_empty() {
            ins.identification.version = Some(info.pdf_version.clone());
        }
        ins.details = Details::Pdf(info);
    }
}

/// Parses PDF bytes and reports facts, problems and readability. Never panics on input.
pub fn analyse(
    bytes: &[u8],
    path: &Path,
    limits: &FormatLimits,
) -> (Option<PdfInfo>, Vec<Problem>, Readable) {
    let p = path.display();
    let mut problems = Vec::new();
    if !bytes.starts_with(b"%PDF-") && find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_none() {
        problems.push(Problem::unreadable(
            "pdf.no_header",
            format!("{p} 没有 %PDF- 文件头"),
            format!("{p} has no %PDF- header"),
        ));
        return (None, problems, Readable::No);
    }
    let opts = LoadOptions {
        max_decompressed_size: Some(limits.pdf_max_stream_bytes),
        ..LoadOptions::default()
    };
    let doc = match Document::load_mem_with_options(bytes, opts) {
        Ok(d) => d,
        Err(e) => {
            let encrypted = find(bytes, b"/Encrypt").is_some();
            problems.push(Problem::unreadable(
                "pdf.unparsable",
                format!("{p} 无法解析为 PDF：{e}"),
                format!("{p} cannot be parsed as PDF: {e}"),
            ));
            if encrypted {
                problems.push(encrypted_problem(&p.to_string(), None));
            }
            return (None, problems, Readable::No);
        }
    };
    if doc.objects.len() > limits.pdf_max_objects {
        problems.push(Problem::limit(
            path,
            format!(
                "{} PDF objects exceed the limit of {}",
                doc.objects.len(),
                limits.pdf_max_objects
            ),
        ));
        return (None, problems, Readable::No);
    }
    let mut info = PdfInfo {
        pdf_version: doc.version.clone(),
        pages: 0,
        objects: doc.objects.len(),
        encrypted: doc.trailer.has(b"Encrypt")
            || doc.encryption_state.is_some()
            || raw_encrypt_ref(bytes),
        encryption: None,
        xref_repaired: doc.xref_recovery.is_some(),
        actions: BTreeMap::new(),
        javascript: 0,
        additional_actions: 0,
        embedded_files: 0,
        fonts: 0,
        fonts_not_embedded: Vec::new(),
        xmp: false,
        pdfa: None,
        indicators: Vec::new(),
    };
    if info.encrypted {
        info.encryption = encryption_label(&doc);
        problems.push(encrypted_problem(
            &p.to_string(),
            info.encryption.as_deref(),
        ));
    }
    let v = info.pdf_version.as_bytes();
    if !(v.len() == 3 && v[0].is_ascii_digit() && v[1] == b'.' && v[2].is_ascii_digit()) {
        problems.push(Problem::quirk(
            "pdf.bad_header_version",
            format!("{p} 的文件头版本 `{}` 不合法", info.pdf_version),
            format!(
                "{p}: the header version `{}` is not valid",
                info.pdf_version
            ),
        ));
    }
    if let Some(r) = &doc.xref_recovery {
        problems.push(Problem::quirk(
            "pdf.xref_repaired",
            format!("{p} 的交叉引用表损坏，已按对象扫描修复（{r:?}）"),
            format!("{p}: the cross-reference data is damaged and was repaired ({r:?})"),
        ));
    }
    let catalog = doc.catalog().ok();
    if let Some(Ok(Object::Name(v))) = catalog.map(|c| c.get(b"Version")) {
        let v = String::from_utf8_lossy(v).to_string();
        if v.as_str() > info.pdf_version.as_str() {
            info.pdf_version = v;
        }
    }
    let mut readable = Readable::Yes;
    match catalog {
        None => {
            readable = Readable::No;
            problems.push(if info.encrypted {
                Problem::unreadable(
                    "pdf.encrypted_unreadable",
                    format!("{p} 已加密且需要打开口令，无法读取文档目录与页面"),
                    format!("{p} is encrypted with an open password: its catalog and pages cannot be read"),
                )
            } else {
                Problem::unreadable(
                    "pdf.no_catalog",
                    format!("{p} 没有可读的文档目录（/Root）"),
                    format!("{p} has no readable document catalog (/Root)"),
                )
            });
        }
        Some(_) => {
            info.pages = doc.get_pages().len();
            if info.pages == 0 {
                readable = Readable::No;
                problems.push(Problem::unreadable(
                    "pdf.no_pages",
                    format!("{p} 的页面树中没有可读的页面"),
                    format!("{p} has no readable page in its page tree"),
                ));
            }
        }
    }
    // Walk every object for active content, fonts, filters, embedded files.
    let mut w = Walk::new(&doc, limits);
    for (id, obj) in &doc.objects {
        w.current = Some(*id);
        w.visit(obj, 0);
        if w.exhausted {
            break;
        }
    }
    if w.exhausted {
        problems.push(Problem::limit(
            path,
            format!(
                "walking the PDF objects went past {} visits or a nesting depth of {}",
                limits.pdf_max_visits, limits.pdf_max_depth
            ),
        ));
        readable = Readable::No;
    }
    if let Some(cat) = catalog {
        if let Ok(names) = deref_dict(&doc, cat.get(b"Names").ok()) {
            if names.has(b"JavaScript") {
                w.javascript += 1;
            }
            if names.has(b"EmbeddedFiles") && w.embedded.is_empty() {
                w.embedded_tree = true;
            }
        }
    }
    info.actions = w.actions.clone();
    info.javascript = w.javascript;
    info.additional_actions = w.aa;
    info.embedded_files = w.embedded.len() + usize::from(w.embedded_tree && w.embedded.is_empty());
    info.fonts = w.fonts;
    info.fonts_not_embedded = w.fonts_not_embedded.clone();
    active_content_problems(&p.to_string(), &info, &mut problems);
    // XMP and the PDF/A claim.
    let xmp = catalog.and_then(|c| xmp_stream(&doc, c));
    info.xmp = xmp.is_some();
    let mut xmp_parses = false;
    if let Some((bytes, _)) = &xmp {
        match xml::parse(bytes, Path::new("XMP"), &limits.xml) {
            Ok(d) => {
                xmp_parses = true;
                info.pdfa = claim_from_xmp(&d.root);
            }
            Err(_) => info.pdfa = claim_from_text(&String::from_utf8_lossy(bytes)),
        }
    }
    info.indicators = indicators(&doc, bytes, &info, &w, xmp.as_ref(), xmp_parses);
    if let Some(claim) = &info.pdfa {
        let bad: Vec<&Indicator> = info.indicators.iter().filter(|i| !i.ok).collect();
        if !bad.is_empty() {
            let list: Vec<String> = bad
                .iter()
                .map(|i| format!("{}: {}", i.id, i.detail))
                .collect();
            problems.push(Problem::new(
                Area::Compliance,
                Severity::Error,
                "pdfa.indicators_inconsistent",
                format!(
                    "{p} 声明 {}，但 {} 项指标与声明不一致：{}",
                    claim.label(),
                    bad.len(),
                    list.join("；")
                ),
                format!(
                    "{p} claims {}, but {} indicators are not consistent with the claim: {}",
                    claim.label(),
                    bad.len(),
                    list.join("; ")
                ),
            ));
        }
    }
    (Some(info), problems, readable)
}

/// Whether the raw bytes hold `/Encrypt n g R` (a trailer or xref-stream entry): catches
/// encryption that a repaired cross-reference table lost from the trailer.
fn raw_encrypt_ref(bytes: &[u8]) -> bool {
    let mut from = 0;
    while let Some(pos) = find(&bytes[from..], b"/Encrypt") {
        let at = from + pos + 8;
        let rest = &bytes[at..bytes.len().min(at + 32)];
        let text = String::from_utf8_lossy(rest);
        let mut it = text.split_ascii_whitespace();
        if let (Some(a), Some(b), Some(r)) = (it.next(), it.next(), it.next()) {
            if a.chars().all(|c| c.is_ascii_digit())
                && b.chars().all(|c| c.is_ascii_digit())
                && r.starts_with('R')
            {
                return true;
            }
        }
        from = at;
    }
    false
}

fn encrypted_problem(p: &str, how: Option<&str>) -> Problem {
    let how = how.map(|h| format!("（{h}）")).unwrap_or_default();
    Problem::new(
        Area::Security,
        Severity::Error,
        "pdf.encrypted",
        format!("{p} 已加密{how}，归档文件不得加密"),
        format!("{p} is encrypted{how}: archival content must not be encrypted"),
    )
}

fn active_content_problems(p: &str, info: &PdfInfo, out: &mut Vec<Problem>) {
    if info.javascript > 0 {
        out.push(Problem::new(
            Area::Security,
            Severity::Error,
            "pdf.javascript",
            format!("{p} 含 {} 处 JavaScript", info.javascript),
            format!("{p} contains JavaScript ({} occurrences)", info.javascript),
        ));
    }
    for (kind, sev) in [
        ("Launch", Severity::Error),
        ("SubmitForm", Severity::Error),
        ("ImportData", Severity::Error),
        ("RichMediaExecute", Severity::Error),
        ("URI", Severity::Warning),
        ("GoToR", Severity::Warning),
        ("GoToE", Severity::Warning),
    ] {
        if let Some(n) = info.actions.get(kind) {
            out.push(Problem::new(
                Area::Security,
                sev,
                &format!("pdf.action_{}", kind.to_ascii_lowercase()),
                format!("{p} 含 {n} 个 {kind} 动作"),
                format!("{p} contains {n} {kind} action(s)"),
            ));
        }
    }
    if info.embedded_files > 0 {
        out.push(Problem::new(
            Area::Security,
            Severity::Warning,
            "pdf.embedded_files",
            format!("{p} 含 {} 个嵌入文件，需单独检测", info.embedded_files),
            format!(
                "{p} embeds {} file(s), which need checking on their own",
                info.embedded_files
            ),
        ));
    }
}

fn encryption_label(doc: &Document) -> Option<String> {
    let enc = deref_dict(doc, doc.trailer.get(b"Encrypt").ok()).ok()?;
    let filter = match enc.get(b"Filter") {
        Ok(Object::Name(n)) => String::from_utf8_lossy(n).to_string(),
        _ => "?".into(),
    };
    let num = |k: &[u8]| match enc.get(k) {
        Ok(Object::Integer(i)) => i.to_string(),
        _ => "?".into(),
    };
    Some(format!("{filter} V{} R{}", num(b"V"), num(b"R")))
}

fn deref_dict<'a>(doc: &'a Document, o: Option<&'a Object>) -> Result<&'a Dictionary, ()> {
    match o {
        Some(Object::Dictionary(d)) => Ok(d),
        Some(Object::Reference(id)) => match doc.get_object(*id) {
            Ok(Object::Dictionary(d)) => Ok(d),
            Ok(Object::Stream(s)) => Ok(&s.dict),
            _ => Err(()),
        },
        Some(Object::Stream(s)) => Ok(&s.dict),
        _ => Err(()),
    }
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    match o {
        Object::Reference(id) => doc.get_object(*id).ok(),
        other => Some(other),
    }
}

fn name_of(d: &Dictionary, key: &[u8]) -> Option<String> {
    match d.get(key) {
        Ok(Object::Name(n)) => Some(String::from_utf8_lossy(n).into_owned()),
        _ => None,
    }
}

/// The catalog's `/Metadata` stream, decoded within limits, with its stream dictionary.
fn xmp_stream(doc: &Document, cat: &Dictionary) -> Option<(Vec<u8>, Dictionary)> {
    let obj = deref(doc, cat.get(b"Metadata").ok()?)?;
    let Object::Stream(s) = obj else { return None };
    let bytes = if s.dict.has(b"Filter") {
        s.decompressed_content_with_limit(16 << 20).ok()?
    } else {
        s.content.clone()
    };
    Some((bytes, s.dict.clone()))
}

const ACTION_TYPES: &[&str] = &[
    "GoTo",
    "GoToR",
    "GoToE",
    "Launch",
    "Thread",
    "URI",
    "Sound",
    "Movie",
    "Hide",
    "Named",
    "SubmitForm",
    "ResetForm",
    "ImportData",
    "JavaScript",
    "SetOCGState",
    "Rendition",
    "Trans",
    "GoTo3DView",
    "RichMediaExecute",
];

/// Facts collected by one pass over every object.
struct Walk<'a> {
    doc: &'a Document,
    max_depth: usize,
    max_visits: usize,
    visits: usize,
    exhausted: bool,
    actions: BTreeMap<String, usize>,
    named_actions: Vec<String>,
    javascript: usize,
    aa: usize,
    embedded: Vec<EmbeddedSpec>,
    embedded_tree: bool,
    fonts: usize,
    fonts_not_embedded: Vec<String>,
    lzw: usize,
    external_stream_keys: usize,
    widget_actions: usize,
    widgets_without_ap: usize,
    af_refs: std::collections::BTreeSet<lopdf::ObjectId>,
    current: Option<lopdf::ObjectId>,
    need_appearances: bool,
    xfa: bool,
    perms_keys: Vec<String>,
}

struct EmbeddedSpec {
    /// Object id when the file specification is an indirect object (for the /AF association).
    id: Option<lopdf::ObjectId>,
    has_f_uf: bool,
    af_relationship: bool,
    subtype: bool,
    is_pdf: bool,
}

impl<'a> Walk<'a> {
    fn new(doc: &'a Document, limits: &FormatLimits) -> Self {
        Walk {
            doc,
            max_depth: limits.pdf_max_depth,
            max_visits: limits.pdf_max_visits,
            visits: 0,
            exhausted: false,
            actions: BTreeMap::new(),
            named_actions: Vec::new(),
            javascript: 0,
            aa: 0,
            embedded: Vec::new(),
            embedded_tree: false,
            fonts: 0,
            fonts_not_embedded: Vec::new(),
            lzw: 0,
            external_stream_keys: 0,
            widget_actions: 0,
            widgets_without_ap: 0,
            af_refs: Default::default(),
            current: None,
            need_appearances: false,
            xfa: false,
            perms_keys: Vec::new(),
        }
    }

    fn visit(&mut self, o: &Object, depth: usize) {
        if self.exhausted {
            return;
        }
        self.visits += 1;
        if depth > self.max_depth || self.visits > self.max_visits {
            self.exhausted = true;
            return;
        }
        match o {
            Object::Array(a) => {
                for x in a {
                    self.visit(x, depth + 1);
                }
            }
            Object::Dictionary(d) => {
                self.dict(d, false, depth == 0);
                for (_, v) in d.iter() {
                    self.visit(v, depth + 1);
                }
            }
            Object::Stream(s) => {
                self.dict(&s.dict, true, depth == 0);
                for (_, v) in s.dict.iter() {
                    self.visit(v, depth + 1);
                }
            }
            _ => {}
        }
    }

    fn dict(&mut self, d: &Dictionary, stream: bool, top: bool) {
        let ty = name_of(d, b"Type");
        let subtype = name_of(d, b"Subtype");
        // Actions.
        if let Some(s) = name_of(d, b"S") {
            let action_like = matches!(ty.as_deref(), None | Some("Action"));
            if action_like && ACTION_TYPES.contains(&s.as_str()) {
                *self.actions.entry(s.clone()).or_insert(0) += 1;
                if s == "JavaScript" {
                    self.javascript += 1;
                }
                if s == "Named" {
                    self.named_actions
                        .push(name_of(d, b"N").unwrap_or_else(|| "?".into()));
                }
            }
        }
        if d.has(b"JS") && name_of(d, b"S").as_deref() != Some("JavaScript") {
            self.javascript += 1;
        }
        if d.has(b"AA") {
            self.aa += 1;
        }
        // Widgets and form fields with actions.
        if (subtype.as_deref() == Some("Widget") || d.has(b"FT")) && (d.has(b"A") || d.has(b"AA")) {
            self.widget_actions += 1;
        }
        if subtype.as_deref() == Some("Widget") && !d.has(b"AP") {
            self.widgets_without_ap += 1;
        }
        if let Ok(Object::Array(af)) = d.get(b"AF") {
            for x in af {
                if let Object::Reference(id) = x {
                    self.af_refs.insert(*id);
                }
            }
        }
        // Interactive form dictionary.
        if d.has(b"Fields") {
            if let Ok(Object::Boolean(true)) = d.get(b"NeedAppearances") {
                self.need_appearances = true;
            }
            if d.has(b"XFA") {
                self.xfa = true;
            }
        }
        // Catalog /Perms.
        if ty.as_deref() == Some("Catalog") {
            if let Ok(perms) = deref_dict(self.doc, d.get(b"Perms").ok()) {
                self.perms_keys = perms
                    .iter()
                    .map(|(k, _)| String::from_utf8_lossy(k).into_owned())
                    .collect();
            }
        }
        // Fonts.
        if ty.as_deref() == Some("Font") {
            let st = subtype.clone().unwrap_or_default();
            if st != "Type0" && st != "Type3" {
                self.fonts += 1;
                let embedded = deref_dict(self.doc, d.get(b"FontDescriptor").ok())
                    .map(|fd| fd.has(b"FontFile") || fd.has(b"FontFile2") || fd.has(b"FontFile3"))
                    .unwrap_or(false);
                if !embedded {
                    let name = name_of(d, b"BaseFont").unwrap_or_else(|| format!("({st})"));
                    if !self.fonts_not_embedded.contains(&name) {
                        self.fonts_not_embedded.push(name);
                    }
                }
            }
        }
        // Filters.
        let lzw = |o: &Object| matches!(o, Object::Name(n) if n == b"LZWDecode" || n == b"LZW");
        match d.get(b"Filter") {
            Ok(o @ Object::Name(_)) if lzw(o) => self.lzw += 1,
            Ok(Object::Array(a)) if a.iter().any(lzw) => self.lzw += 1,
            _ => {}
        }
        if stream && (d.has(b"F") || d.has(b"FFilter") || d.has(b"FDecodeParms")) {
            self.external_stream_keys += 1;
        }
        // Embedded file specifications.
        if let Ok(ef) = deref_dict(self.doc, d.get(b"EF").ok()) {
            let stream = ef
                .get(b"F")
                .ok()
                .or_else(|| ef.get(b"UF").ok())
                .and_then(|o| deref(self.doc, o));
            let (subtype, is_pdf) = match stream {
                Some(Object::Stream(s)) => {
                    let head = if s.dict.has(b"Filter") {
                        s.decompressed_content_with_limit(1 << 20)
                            .unwrap_or_default()
                    } else {
                        s.content.clone()
                    };
                    (s.dict.has(b"Subtype"), head.starts_with(b"%PDF-"))
                }
                _ => (false, false),
            };
            self.embedded.push(EmbeddedSpec {
                id: if top { self.current } else { None },
                has_f_uf: d.has(b"F") && d.has(b"UF"),
                af_relationship: d.has(b"AFRelationship"),
                subtype,
                is_pdf,
            });
        }
    }
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

fn indicators(
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
    let (oi_ok, oi_detail) = output_intent(doc);
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
    ]
    .iter()
    .filter(|k| w.actions.contains_key(**k))
    .map(|k| k.to_string())
    .collect();
    if part >= 2 {
        for k in [
            "Hide",
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
    let xmp_ok = match xmp {
        None => false,
        Some((_, d)) => !d.has(b"Filter") && xmp_parses,
    };
    out.push(indicator(
        "xmp",
        "1: 6.7.2/6.7.5; 2/3: 6.6.2.1",
        xmp_ok,
        match xmp {
            None => "no XMP metadata stream in the catalog",
            Some((_, d)) if d.has(b"Filter") => "the XMP metadata stream is filtered (compressed)",
            Some(_) if !xmp_parses => "the XMP metadata is not well-formed XML",
            Some(_) => "uncompressed, well-formed XMP metadata stream",
        },
    ));
    let claim_ok = info
        .pdfa
        .as_ref()
        .map(PdfaClaim::well_formed)
        .unwrap_or(false);
    out.push(indicator(
        "pdfaid",
        "1: 6.7.11; 2/3: 6.6.4",
        claim_ok,
        match &info.pdfa {
            None => "no pdfaid:part in XMP".to_string(),
            Some(c) => format!(
                "pdfaid:part={} conformance={}",
                c.part,
                c.conformance.as_deref().unwrap_or("-")
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

fn output_intent(doc: &Document) -> (bool, String) {
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
        };
        assert!(!bad.well_formed());
    }
}
