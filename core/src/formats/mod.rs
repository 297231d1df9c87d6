//! Format identification by content (never by extension): the `file-format` crate plus guidang's
//! own rules for OFD / OFD-A, XML root kinds and PDF versions, with PRONOM PUIDs where known.

use crate::container::{ZipContainer, ZipLimits};
use crate::record::Source;
use crate::xml::{self, XmlLimits};
use file_format::FileFormat;
use serde::{Deserialize, Serialize};
use std::path::Path;

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

/// PRONOM PUIDs for the format versions guidang names (a small table of its own; PRONOM has no OFD entry
/// guidang could confirm, so OFD has none).
pub fn puid(family: &str, version: Option<&str>, profile: Option<&str>) -> Option<&'static str> {
    Some(match (family, version, profile) {
        ("PDF", _, Some(p)) if p.starts_with("PDF/A-1a") => "fmt/95",
        ("PDF", _, Some(p)) if p.starts_with("PDF/A-1b") => "fmt/354",
        ("PDF", _, Some(p)) if p.starts_with("PDF/A-2a") => "fmt/476",
        ("PDF", _, Some(p)) if p.starts_with("PDF/A-2b") => "fmt/477",
        ("PDF", _, Some(p)) if p.starts_with("PDF/A-2u") => "fmt/478",
        ("PDF", _, Some(p)) if p.starts_with("PDF/A-3a") => "fmt/479",
        ("PDF", _, Some(p)) if p.starts_with("PDF/A-3b") => "fmt/480",
        ("PDF", Some("1.0"), _) => "fmt/14",
        ("PDF", Some("1.1"), _) => "fmt/15",
        ("PDF", Some("1.2"), _) => "fmt/16",
        ("PDF", Some("1.3"), _) => "fmt/17",
        ("PDF", Some("1.4"), _) => "fmt/18",
        ("PDF", Some("1.5"), _) => "fmt/19",
        ("PDF", Some("1.6"), _) => "fmt/20",
        ("PDF", Some("1.7"), _) => "fmt/276",
        ("PDF", Some("2.0"), _) => "fmt/1129",
        ("XML", _, _) => "fmt/101",
        ("PNG", _, _) => "fmt/13",
        ("TIFF", _, _) => "fmt/353",
        ("JPEG2000", _, _) => "x-fmt/392",
        ("DOCX", _, _) => "fmt/412",
        ("XLSX", _, _) => "fmt/214",
        ("MP3", _, _) => "fmt/134",
        ("MP4", _, _) => "fmt/199",
        _ => return None,
    })
}

/// The PDF header version (`%PDF-1.7` → `1.7`).
fn pdf_version(head: &[u8]) -> Option<String> {
    let pos = head.windows(5).take(1024).position(|w| w == b"%PDF-")?;
    let v: String = head[pos + 5..].iter().take(3).map(|&b| b as char).collect();
    (v.len() == 3 && v.as_bytes()[1] == b'.').then_some(v)
}

/// Identifies a component's format from its content. Zips are opened (within default limits) to
/// tell OFD from other zips; XML is parsed (within limits) to read the root element.
pub fn identify(source: &Source) -> Identification {
    let head = source.head(64 * 1024).unwrap_or_default();
    let ff = FileFormat::from_bytes(&head);
    let mut id = match ff {
        FileFormat::PortableDocumentFormat => {
            let mut i = Identification::new("PDF", "Portable Document Format", "application/pdf");
            i.version = pdf_version(&head);
            i
        }
        FileFormat::Zip
        | FileFormat::OfficeOpenXmlDocument
        | FileFormat::OfficeOpenXmlSpreadsheet
        | FileFormat::OfficeOpenXmlPresentation => identify_zip(source, ff),
        FileFormat::ExtensibleMarkupLanguage => identify_xml(source),
        FileFormat::JointPhotographicExpertsGroup => {
            Identification::new("JPEG", "JPEG image", "image/jpeg")
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
        | FileFormat::MicrosoftPowerpointPresentation => {
            let mut i = Identification::new(
                "CFB",
                "Legacy office document (Compound File Binary)",
                "application/x-cfb",
            );
            i.office = true;
            i
        }
        FileFormat::PlainText => {
            // Text that is really XML without a declaration.
            let t = String::from_utf8_lossy(&head);
            if t.trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with('<')
            {
                identify_xml(source)
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

fn identify_zip(source: &Source, ff: FileFormat) -> Identification {
    let office = |fam: &str, name: &str, mime: &str| {
        let mut i = Identification::new(fam, name, mime);
        i.office = true;
        i
    };
    let opened = source
        .open()
        .ok()
        .and_then(|r| ZipContainer::new(r, &source.display_path(), ZipLimits::default()).ok());
    if let Some(mut z) = opened {
        if z.contains("OFD.xml") {
            let mut i = Identification::new(
                "OFD",
                "Open Fixed-layout Document (GB/T 33190)",
                "application/ofd",
            );
            if let Ok(bytes) = z.read("OFD.xml") {
                if let Ok(doc) = xml::parse(&bytes, Path::new("OFD.xml"), &XmlLimits::default()) {
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

fn identify_xml(source: &Source) -> Identification {
    let mut i = Identification::new("XML", "Extensible Markup Language", "application/xml");
    i.version = Some("1.0".into());
    if let Ok(bytes) = source.read_all(64 << 20) {
        if let Ok(doc) = xml::parse(&bytes, &source.display_path(), &XmlLimits::default()) {
            i.profile = Some(doc.root.name.clone());
        }
    }
    i
}
