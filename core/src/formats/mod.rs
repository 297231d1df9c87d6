//! Format identification by content (never by extension) and usability inspection: the
//! `file-format` crate plus guidang's own rules for OFD / OFD-A, XML root kinds and PDF versions,
//! with PRONOM PUIDs where known; [`inspect`] then really opens the file (PDF, OFD, XML, images,
//! office, audio/video) within [`FormatLimits`] and reports usability facts and problems.

pub mod av;
pub mod image;
pub mod limits;
pub mod ofd;
pub mod office;
pub mod pdf;
pub mod pdfa;
pub mod puid;
pub mod xmlfmt;

pub use limits::FormatLimits;
pub use puid::puid;

use crate::container::ZipContainer;
use crate::record::Source;
use crate::xml;
use file_format::FileFormat;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::path::Path;
use std::sync::mpsc;
use std::time::Instant;

/// How a file was identified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identification {
    /// Format family used by schemes' allowed-format lists: `PDF`, `OFD`, `XML`, `JPEG`, `TIFF`,
    /// `PNG`, `JPEG2000`, `DOCX`, `XLSX`, `PPTX`, `DOC`, `XLS`, `PPT`, `WPS`, `ET`, `CFB`, `RTF`,
    /// `WAV`, `MP3`, `MP4`, `TEXT`, `ZIP`, `UNKNOWN`.
    pub family: String,
    /// Human-readable name (e.g. `Portable Document Format`).
    pub name: String,
    /// Version when known (`1.7`, `1.1` for OFD …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Sub-kind when known: `OFD-A`, `PDF/A-2b (claimed)`, XML root such as `EInvoice`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// MIME type.
    pub mime: String,
    /// PRONOM PUID when one is known for the format/version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub puid: Option<String>,
    /// Whether it is an office (word-processing/spreadsheet/presentation) format: not archival.
    pub office: bool,
}

impl Identification {
    /// `PDF 1.7`, `OFD 1.1 (OFD-A)` …
    pub fn label(&self) -> String {
        let mut s = self.family.clone();
        if let Some(v) = &self.version {
            s.push(' ');
            s.push_str(v);
        }
        if let Some(p) = &self.profile {
            s.push_str(&format!(" ({p})"));
        }
        s
    }
    fn new(family: &str, name: &str, mime: &str) -> Self {
        Identification {
            family: family.into(),
            name: name.into(),
            version: None,
            profile: None,
            mime: mime.into(),
            puid: None,
            office: false,
        }
    }
}

/// The PDF header version (`%PDF-1.7` → `1.7`).
fn pdf_version(head: &[u8]) -> Option<String> {
    let pos = head.windows(5).take(1024).position(|w| w == b"%PDF-")?;
    let v: String = head[pos + 5..].iter().take(3).map(|&b| b as char).collect();
    (v.len() == 3 && v.as_bytes()[1] == b'.').then_some(v)
}

/// Which check a [`Problem`] bears on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// Whether the content opens and parses (DA/T 70 3-4).
    Readability,
    /// Format/profile compliance: claimed PDF/A indicators, OFD-A rules, scan resolution (3-8).
    Compliance,
    /// Encryption and active content (guidang 4-9; encryption also bears on 3-8).
    Security,
}

/// How serious a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The file fails the area (unreadable, encrypted, breaks a profile it claims).
    Error,
    /// Tolerated but worth reporting (producer quirks, external links).
    Warning,
}

/// One problem found while inspecting a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Area the problem bears on.
    pub area: Area,
    /// Severity.
    pub severity: Severity,
    /// Stable fine-grained rule id (`pdf.encrypted`, `ofd.resource_missing`, `limit.time` …).
    pub rule: String,
    /// Chinese message (names the part of the file concerned).
    pub zh: String,
    /// English message.
    pub en: String,
}

impl Problem {
    /// A problem of `area`/`severity`.
    pub fn new(
        area: Area,
        severity: Severity,
        rule: &str,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Problem {
            area,
            severity,
            rule: rule.into(),
            zh: zh.into(),
            en: en.into(),
        }
    }
    /// A readability error: the file cannot be used.
    pub fn unreadable(rule: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(Area::Readability, Severity::Error, rule, zh, en)
    }
    /// A readability warning (a producer quirk that was tolerated).
    pub fn quirk(rule: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(Area::Readability, Severity::Warning, rule, zh, en)
    }
    /// A limit breach (always a readability error), naming the file and the limit.
    pub fn limit(path: &Path, limit: impl std::fmt::Display) -> Self {
        let p = path.display();
        Self::unreadable(
            "limit.exceeded",
            format!("{p} 超出解析限制：{limit}"),
            format!("{p} exceeds a parsing limit: {limit}"),
        )
    }
    /// Turns a library error met while reading into a readability error (limits keep their rule).
    pub fn from_error(what_zh: &str, what_en: &str, e: &crate::Error) -> Self {
        let rule = if matches!(e, crate::Error::Limit { .. }) {
            "limit.exceeded"
        } else {
            "content.unparsable"
        };
        Self::unreadable(
            rule,
            format!("{what_zh}无法读取：{e}"),
            format!("{what_en} cannot be read: {e}"),
        )
    }
}

/// Whether the content was shown to open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Readable {
    /// Parsed structurally (see [`Inspection::depth`] for how deep).
    Yes,
    /// Could not be parsed; the problems say why.
    No,
    /// guidang has no parser for this format: a person must open it.
    NotChecked,
}

/// Per-format facts gathered by [`inspect`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Details {
    /// No format-specific facts.
    None,
    /// PDF facts.
    Pdf(pdf::PdfInfo),
    /// OFD facts.
    Ofd(ofd::OfdInfo),
    /// XML facts.
    Xml(xmlfmt::XmlInfo),
    /// Raster image header facts.
    Image(image::ImageInfo),
    /// Audio/video header facts.
    Av(av::AvInfo),
    /// Office document facts.
    Office(office::OfficeInfo),
    /// Plain-text facts.
    Text(xmlfmt::TextInfo),
}

/// Identification plus usability facts and problems of one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inspection {
    /// Format as identified by content.
    pub identification: Identification,
    /// Whether the content opened.
    pub readable: Readable,
    /// What "readable" covered (`full parse`, `headers and segment structure; pixels not decoded` …).
    pub depth: String,
    /// Format-specific facts.
    pub details: Details,
    /// Problems found (readability, compliance, security).
    pub problems: Vec<Problem>,
    /// Time the inspection took, in milliseconds.
    pub elapsed_ms: f64,
}

impl Inspection {
    fn new(identification: Identification) -> Self {
        Inspection {
            identification,
            readable: Readable::NotChecked,
            depth: String::new(),
            details: Details::None,
            problems: Vec::new(),
            elapsed_ms: 0.0,
        }
    }
    /// Problems of one area.
    pub fn problems_in(&self, area: Area) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(move |p| p.area == area)
    }
    /// Whether any problem of `area` is an error.
    pub fn has_error(&self, area: Area) -> bool {
        self.problems_in(area)
            .any(|p| p.severity == Severity::Error)
    }
    /// Whether the file is encrypted (PDF `/Encrypt`, encrypted office package, encrypted zip entry).
    pub fn encrypted(&self) -> bool {
        self.problems.iter().any(|p| p.rule.ends_with(".encrypted"))
    }
    /// Evidence for findings: format, version, profile, PUID, readability and the per-format facts.
    pub fn evidence(&self) -> Map<String, Value> {
        let id = &self.identification;
        let mut m = Map::new();
        m.insert("format".into(), id.family.clone().into());
        if let Some(v) = &id.version {
            m.insert("version".into(), v.clone().into());
        }
        if let Some(p) = &id.profile {
            m.insert("profile".into(), p.clone().into());
        }
        m.insert("mime".into(), id.mime.clone().into());
        if let Some(p) = &id.puid {
            m.insert("puid".into(), p.clone().into());
        }
        if !self.depth.is_empty() {
            m.insert("checked".into(), self.depth.clone().into());
        }
        if let Ok(Value::Object(d)) = serde_json::to_value(&self.details) {
            for (k, v) in d {
                if k != "kind" && !v.is_null() {
                    m.insert(k, v);
                }
            }
        }
        m
    }
    fn push(&mut self, p: Problem) {
        self.problems.push(p);
    }
}

/// Inspects a file within `limits`, on a worker thread bounded by `limits.time_budget`: a file
/// that takes longer is reported as a limit breach, and a parser failure that would unwind is
/// reported as unreadable — no input can panic or hang the caller.
pub fn inspect(source: &Source, limits: &FormatLimits) -> Inspection {
    let t0 = Instant::now();
    let (tx, rx) = mpsc::channel();
    let src = source.clone();
    let lim = *limits;
    let spawned = std::thread::Builder::new()
        .name("guidang-inspect".into())
        .stack_size(16 << 20)
        .spawn(move || {
            let _ = tx.send(inspect_now(&src, &lim));
        });
    let mut out = match spawned {
        Err(_) => inspect_now(source, limits),
        Ok(_) => match rx.recv_timeout(limits.time_budget) {
            Ok(i) => i,
            Err(e) => {
                let head = source.head(64 * 1024).unwrap_or_default();
                let mut i = Inspection::new(sniff(&head));
                i.readable = Readable::No;
                let path = source.display_path();
                i.push(match e {
                    mpsc::RecvTimeoutError::Timeout => Problem::limit(
                        &path,
                        format!(
                            "inspection took longer than the time budget of {} s",
                            limits.time_budget.as_secs_f64()
                        ),
                    ),
                    mpsc::RecvTimeoutError::Disconnected => Problem::unreadable(
                        "content.parser_failure",
                        format!("{} 解析器异常终止，文件结构无法读取", path.display()),
                        format!(
                            "the parser stopped abnormally on {}: its structure cannot be read",
                            path.display()
                        ),
                    ),
                });
                i
            }
        },
    };
    out.elapsed_ms = (t0.elapsed().as_secs_f64() * 1e6).round() / 1e3;
    out
}

/// [`inspect`] on the calling thread, without the time budget (for fuzzing and callers that run
/// their own workers). Every parser still applies the other limits.
pub fn inspect_now(source: &Source, limits: &FormatLimits) -> Inspection {
    let t0 = Instant::now();
    let id = identify_with(source, limits);
    let mut ins = Inspection::new(id);
    let path = source.display_path();
    match ins.identification.family.as_str() {
        "PDF" => pdf::inspect(source, limits, &mut ins),
        "OFD" => ofd::inspect(source, limits, &mut ins),
        "XML" => xmlfmt::inspect(source, limits, &mut ins),
        "JPEG" | "PNG" | "TIFF" | "JPEG2000" => image::inspect(source, limits, &mut ins),
        "WAV" | "MP3" | "MP4" => av::inspect(source, limits, &mut ins),
        "TEXT" => xmlfmt::inspect_text(source, limits, &mut ins),
        "ZIP" => office::inspect_zip(source, limits, &mut ins),
        _ if ins.identification.office => office::inspect(source, limits, &mut ins),
        "UNKNOWN" if ins.identification.name == "empty file" => {
            ins.readable = Readable::No;
            ins.push(Problem::unreadable(
                "content.empty",
                format!("{} 为空文件", path.display()),
                format!("{} is empty", path.display()),
            ));
        }
        _ => {
            ins.depth = "no parser for this format: a person must open it".into();
        }
    }
    ins.identification.puid = puid(
        &ins.identification.family,
        ins.identification.version.as_deref(),
        ins.identification.profile.as_deref(),
    )
    .map(Into::into);
    ins.elapsed_ms = (t0.elapsed().as_secs_f64() * 1e6).round() / 1e3;
    ins
}

/// Identifies a component's format from its content. Zips are opened (within default limits) to
/// tell OFD from other zips; XML is parsed (within limits) to read the root element.
pub fn identify(source: &Source) -> Identification {
    identify_with(source, &FormatLimits::default())
}

/// First-pass identification from the first bytes only (no container is opened).
fn sniff(head: &[u8]) -> Identification {
    let mut i = match FileFormat::from_bytes(head) {
        FileFormat::PortableDocumentFormat => {
            Identification::new("PDF", "Portable Document Format", "application/pdf")
        }
        ff => Identification::new("UNKNOWN", ff.name(), ff.media_type()),
    };
    i.version = pdf_version(head);
    i
}

/// [`identify`] with explicit limits for the containers and XML it opens.
pub fn identify_with(source: &Source, limits: &FormatLimits) -> Identification {
    let head = source.head(64 * 1024).unwrap_or_default();
    let ff = FileFormat::from_bytes(&head);
    // Any local-file-header zip is opened by guidang itself (OFD, OOXML, ODF): the sniffer names
    // some OFD packages after their first entry instead of calling them zips.
    let zip_like = head.starts_with(b"PK\x03\x04")
        && !matches!(
            ff,
            FileFormat::OfficeOpenXmlDocument
                | FileFormat::OfficeOpenXmlSpreadsheet
                | FileFormat::OfficeOpenXmlPresentation
        );
    // PDF readers accept a header within the first 1024 bytes; so does identification.
    let pdf_late = ff != FileFormat::PortableDocumentFormat
        && head[..head.len().min(1024)]
            .windows(5)
            .any(|w| w == b"%PDF-");
    let mut id = match ff {
        _ if zip_like => identify_zip(source, ff, limits),
        _ if pdf_late => {
            let mut i = Identification::new("PDF", "Portable Document Format", "application/pdf");
            i.version = pdf_version(&head);
            i.profile = pdf::sniff_pdfa_claim(source, limits);
            i
        }
        FileFormat::PortableDocumentFormat => {
            let mut i = Identification::new("PDF", "Portable Document Format", "application/pdf");
            i.version = pdf_version(&head);
            i.profile = pdf::sniff_pdfa_claim(source, limits);
            i
        }
        FileFormat::Zip
        | FileFormat::OfficeOpenXmlDocument
        | FileFormat::OfficeOpenXmlSpreadsheet
        | FileFormat::OfficeOpenXmlPresentation => identify_zip(source, ff, limits),
        FileFormat::ExtensibleMarkupLanguage => identify_xml(source, limits),
        FileFormat::JointPhotographicExpertsGroup => {
            let mut i = Identification::new("JPEG", "JPEG image", "image/jpeg");
            i.version = image::jfif_version(&head);
            i
        }
        FileFormat::TagImageFileFormat => {
            Identification::new("TIFF", "Tagged Image File Format", "image/tiff")
        }
        FileFormat::PortableNetworkGraphics => {
            Identification::new("PNG", "Portable Network Graphics", "image/png")
        }
        FileFormat::Jpeg2000Part1 | FileFormat::Jpeg2000Codestream => {
            Identification::new("JPEG2000", "JPEG 2000 image", "image/jp2")
        }
        FileFormat::WaveformAudio => Identification::new("WAV", "Waveform Audio", "audio/wav"),
        FileFormat::Mpeg12AudioLayer3 => {
            Identification::new("MP3", "MPEG-1/2 Audio Layer III", "audio/mpeg")
        }
        FileFormat::Mpeg4Part14 | FileFormat::Mpeg4Part14Video | FileFormat::Mpeg4Part14Audio => {
            Identification::new("MP4", "MPEG-4 Part 14", "video/mp4")
        }
        FileFormat::RichTextFormat => {
            Identification::new("RTF", "Rich Text Format", "application/rtf")
        }
        FileFormat::CompoundFileBinary
        | FileFormat::MicrosoftWordDocument
        | FileFormat::MicrosoftExcelSpreadsheet
        | FileFormat::MicrosoftPowerpointPresentation => office::identify_cfb(source, ff),
        FileFormat::PlainText => {
            // Text that is really XML without a declaration.
            let t = String::from_utf8_lossy(&head);
            if t.trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with('<')
            {
                identify_xml(source, limits)
            } else {
                Identification::new("TEXT", "Plain text", "text/plain")
            }
        }
        other => {
            let mut i = Identification::new("UNKNOWN", other.name(), other.media_type());
            if head.is_empty() {
                i.name = "empty file".into();
            }
            i
        }
    };
    id.puid = puid(&id.family, id.version.as_deref(), id.profile.as_deref()).map(Into::into);
    id
}

fn identify_zip(source: &Source, ff: FileFormat, limits: &FormatLimits) -> Identification {
    let office = |fam: &str, name: &str, mime: &str| {
        let mut i = Identification::new(fam, name, mime);
        i.office = true;
        i
    };
    let opened = source
        .open()
        .ok()
        .and_then(|r| ZipContainer::new(r, &source.display_path(), limits.zip).ok());
    if let Some(mut z) = opened {
        if z.contains("OFD.xml") {
            let mut i = Identification::new(
                "OFD",
                "Open Fixed-layout Document (GB/T 33190)",
                "application/ofd",
            );
            if let Ok(bytes) = z.read("OFD.xml") {
                if let Ok(doc) = xml::parse(&bytes, Path::new("OFD.xml"), &limits.xml) {
                    i.version = doc.root.attr("Version").map(Into::into);
                    if doc.root.attr("DocType") == Some("OFD-A") {
                        i.profile = Some("OFD-A".into());
                    }
                }
            }
            return i;
        }
        if z.contains("mimetype") {
            if let Ok(m) = z.read("mimetype") {
                let m = String::from_utf8_lossy(&m).to_string();
                if m.contains("opendocument") {
                    return office("ODF", "OpenDocument", m.trim());
                }
            }
        }
        if z.contains("word/document.xml") {
            return office(
                "DOCX",
                "Office Open XML document",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            );
        }
        if z.contains("xl/workbook.xml") {
            return office(
                "XLSX",
                "Office Open XML spreadsheet",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            );
        }
        if z.contains("ppt/presentation.xml") {
            return office(
                "PPTX",
                "Office Open XML presentation",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            );
        }
    }
    match ff {
        FileFormat::OfficeOpenXmlDocument => {
            office("DOCX", "Office Open XML document", ff.media_type())
        }
        FileFormat::OfficeOpenXmlSpreadsheet => {
            office("XLSX", "Office Open XML spreadsheet", ff.media_type())
        }
        FileFormat::OfficeOpenXmlPresentation => {
            office("PPTX", "Office Open XML presentation", ff.media_type())
        }
        _ => Identification::new("ZIP", "ZIP archive", "application/zip"),
    }
}

fn identify_xml(source: &Source, limits: &FormatLimits) -> Identification {
    let mut i = Identification::new("XML", "Extensible Markup Language", "application/xml");
    i.version = Some("1.0".into());
    if let Ok(bytes) = source.read_all(limits.xml.max_bytes as u64) {
        if let Ok(doc) = xml::parse(&bytes, &source.display_path(), &limits.xml) {
            i.profile = Some(xmlfmt::root_kind(&doc.root));
        }
    }
    i
}
