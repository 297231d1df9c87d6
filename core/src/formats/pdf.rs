//! PDF usability (lopdf): parse, page count, encryption, active content (JavaScript, Launch, URI,
//! SubmitForm …), embedded files, fonts, and the PDF/A claim from XMP with the indicators guidang
//! can check cheaply. guidang is not a PDF/A validator: it reports "claims PDF/A-2b; N indicators
//! consistent / which ones not", never "conformant". The claim and indicators live in [`super::pdfa`].

use super::{Area, Details, FormatLimits, Inspection, Problem, Readable, Severity};
use crate::record::Source;
use crate::xml;
use lopdf::{Dictionary, Document, LoadOptions, Object};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

use super::pdfa::indicators;
pub use super::pdfa::{
    claim_from_text, claim_from_xmp, sniff_pdfa_claim, Indicator, PdfaClaim, PDFAID_NS,
};

/// lopdf's own object nesting limit (`lopdf::reader::MAX_NESTING_DEPTH`, not exported).
const LOPDF_MAX_NESTING: usize = 100;

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

pub(super) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
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
    // A PDF ends with %%EOF (ISO 32000-1 7.5.5): without it in the last KiB the file is cut short.
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if find(tail, b"%%EOF").is_none() {
        readable = Readable::No;
        problems.push(Problem::unreadable(
            "pdf.truncated",
            format!("{p} 末尾没有 %%EOF 标记，文件不完整（被截断）"),
            format!("{p} has no %%EOF marker at its end: the file is truncated"),
        ));
    }
    // Objects the cross-reference table lists but the parser could not read (damaged, or
    // nested past the parser's depth limit of {} levels).
    let unreadable_objects: Vec<u32> = doc
        .reference_table
        .entries
        .iter()
        .filter(|(n, e)| {
            // Only objects that are really written at their offset and still failed to parse;
            // a table entry pointing at nothing is a dangling entry viewers ignore.
            let lopdf::xref::XrefEntry::Normal { offset, generation } = e else {
                return false;
            };
            let at = &bytes[(*offset as usize).min(bytes.len())..];
            let at = &at[..at.len().min(64)];
            let head = String::from_utf8_lossy(at);
            head.trim_start()
                .starts_with(&format!("{n} {generation} obj"))
                && !doc.objects.keys().any(|(id, _)| id == *n)
        })
        .map(|(n, _)| *n)
        .take(20)
        .collect();
    if !unreadable_objects.is_empty() && doc.xref_recovery.is_none() && !info.encrypted {
        readable = Readable::No;
        problems.push(Problem::unreadable(
            "pdf.objects_unparsable",
            format!(
                "{p} 的交叉引用表所列对象无法解析（对象号 {:?}；损坏或嵌套超过 {} 层）",
                unreadable_objects,
                LOPDF_MAX_NESTING
            ),
            format!(
                "{p}: objects listed in the cross-reference table cannot be parsed (numbers {:?}; damaged or nested deeper than {} levels)",
                unreadable_objects,
                LOPDF_MAX_NESTING
            ),
        ));
    }
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
            // Count only page objects that really load.
            info.pages = doc
                .get_pages()
                .values()
                .filter(|id| matches!(doc.get_object(**id), Ok(Object::Dictionary(_))))
                .count();
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
                // A warning: these are indicators, not a validation.
                Severity::Warning,
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

pub(super) fn deref_dict<'a>(
    doc: &'a Document,
    o: Option<&'a Object>,
) -> Result<&'a Dictionary, ()> {
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

pub(super) fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    match o {
        Object::Reference(id) => doc.get_object(*id).ok(),
        other => Some(other),
    }
}

pub(super) fn name_of(d: &Dictionary, key: &[u8]) -> Option<String> {
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
    "SetState",
    "NOP",
];

/// Facts collected by one pass over every object.
pub(super) struct Walk<'a> {
    pub(super) doc: &'a Document,
    pub(super) max_depth: usize,
    pub(super) max_visits: usize,
    pub(super) visits: usize,
    pub(super) exhausted: bool,
    pub(super) actions: BTreeMap<String, usize>,
    pub(super) named_actions: Vec<String>,
    pub(super) javascript: usize,
    pub(super) aa: usize,
    pub(super) embedded: Vec<EmbeddedSpec>,
    pub(super) embedded_tree: bool,
    pub(super) fonts: usize,
    pub(super) fonts_not_embedded: Vec<String>,
    pub(super) lzw: usize,
    pub(super) external_stream_keys: usize,
    pub(super) widget_actions: usize,
    pub(super) widgets_without_ap: usize,
    pub(super) af_refs: std::collections::BTreeSet<lopdf::ObjectId>,
    pub(super) current: Option<lopdf::ObjectId>,
    pub(super) need_appearances: bool,
    pub(super) xfa: bool,
    pub(super) perms_keys: Vec<String>,
}

pub(super) struct EmbeddedSpec {
    /// Object id when the file specification is an indirect object (for the /AF association).
    pub(super) id: Option<lopdf::ObjectId>,
    pub(super) has_f_uf: bool,
    pub(super) af_relationship: bool,
    pub(super) subtype: bool,
    pub(super) is_pdf: bool,
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
