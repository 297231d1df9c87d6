//! Office documents (OOXML, ODF, legacy Compound File Binary) and plain zip archives: identified,
//! opened through the safe zip reader, and checked for macros, ActiveX and encryption. Office
//! formats are not archival: the format check reports them as to be converted to OFD or PDF/A.

use super::ofd::container_problems;
use super::{Area, Details, FormatLimits, Identification, Inspection, Problem, Readable, Severity};
use crate::container::ZipContainer;
use crate::record::Source;
use crate::xml;
use file_format::FileFormat;
use serde::Serialize;
use std::io::Read;
use std::path::Path;

/// What guidang found in an office document or zip archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfficeInfo {
    /// Container kind: `OOXML`, `ODF`, `CFB` or `ZIP`.
    pub container: String,
    /// Number of entries (zip-based) .
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entries: Option<usize>,
    /// Whether VBA macros are present.
    pub macros: bool,
    /// Whether ActiveX controls are present.
    pub activex: bool,
    /// Embedded objects (OLE, packages).
    pub embedded_objects: usize,
    /// Whether the document is encrypted (an OOXML file wrapped in CFB `EncryptedPackage`).
    pub encrypted: bool,
}

fn office(fam: &str, name: &str, mime: &str) -> Identification {
    let mut i = Identification::new(fam, name, mime);
    i.office = true;
    i
}

/// Identifies a Compound File Binary document (legacy Word/Excel/PowerPoint, WPS/ET, or an
/// encrypted OOXML package) from the sniffed kind and the stream names in its directory.
pub(super) fn identify_cfb(source: &Source, ff: FileFormat) -> Identification {
    let names = cfb_names(source, 64 << 20);
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    if has("EncryptedPackage") {
        return office(
            "OOXML-ENCRYPTED",
            "Encrypted Office Open XML package",
            "application/x-cfb",
        );
    }
    match ff {
        FileFormat::MicrosoftWordDocument => {
            office("DOC", "Microsoft Word 97-2003 document", ff.media_type())
        }
        FileFormat::MicrosoftExcelSpreadsheet => {
            office("XLS", "Microsoft Excel 97-2003 workbook", ff.media_type())
        }
        FileFormat::MicrosoftPowerpointPresentation => office(
            "PPT",
            "Microsoft PowerPoint 97-2003 presentation",
            ff.media_type(),
        ),
        _ if has("WordDocument") => office(
            "DOC",
            "Word-compatible document (CFB)",
            "application/msword",
        ),
        _ if has("Workbook") || has("Book") => office(
            "XLS",
            "Excel-compatible workbook (CFB)",
            "application/vnd.ms-excel",
        ),
        _ => office(
            "CFB",
            "Legacy office document (Compound File Binary)",
            "application/x-cfb",
        ),
    }
}

/// Stream/storage names found in a CFB file's directory entries (UTF-16LE names scanned from the
/// file, at most `limit` bytes).
fn cfb_names(source: &Source, limit: u64) -> Vec<String> {
    const WANTED: &[&str] = &[
        "EncryptedPackage",
        "EncryptionInfo",
        "WordDocument",
        "Workbook",
        "Book",
        "PowerPoint Document",
        "_VBA_PROJECT",
        "VBA",
        "Macros",
        "_VBA_PROJECT_CUR",
        "ObjectPool",
        "Ole10Native",
    ];
    let Ok(mut r) = source.open() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let needles: Vec<(String, Vec<u8>)> = WANTED
        .iter()
        .map(|w| {
            let mut b: Vec<u8> = w.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
            b.extend_from_slice(&[0, 0]);
            (w.to_string(), b)
        })
        .collect();
    let mut buf = vec![0u8; 1 << 20];
    let mut carry = Vec::new();
    let mut read = 0u64;
    while read < limit {
        let n = match r.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        read += n as u64;
        carry.extend_from_slice(&buf[..n]);
        for (w, b) in &needles {
            if !found.contains(w) && carry.windows(b.len()).any(|x| x == b.as_slice()) {
                found.push(w.clone());
            }
        }
        let keep = carry.len().saturating_sub(64);
        carry.drain(..keep);
    }
    found
}

/// Inspects an office document into `ins`.
pub(super) fn inspect(source: &Source, limits: &FormatLimits, ins: &mut Inspection) {
    let p = source.display_path().display().to_string();
    let head = source.head(8).unwrap_or_default();
    if head.starts_with(b"PK") {
        zip_based(source, limits, ins, &p, true);
        return;
    }
    ins.depth = "compound-file directory scanned for streams; document not rendered".into();
    let names = cfb_names(source, limits.pdf_max_bytes);
    let has = |n: &str| names.iter().any(|x| x == n);
    let info = OfficeInfo {
        container: "CFB".into(),
        entries: None,
        macros: has("_VBA_PROJECT") || has("VBA") || has("Macros") || has("_VBA_PROJECT_CUR"),
        activex: false,
        embedded_objects: usize::from(has("ObjectPool") || has("Ole10Native")),
        encrypted: has("EncryptedPackage") || has("EncryptionInfo"),
    };
    ins.readable = if source.head(512).map(|h| h.len() == 512).unwrap_or(false) {
        Readable::Yes
    } else {
        ins.problems.push(Problem::unreadable(
            "office.truncated",
            format!("{p}：复合文档头不完整"),
            format!("{p}: the compound-file header is incomplete"),
        ));
        Readable::No
    };
    security(&info, &p, ins);
    ins.details = Details::Office(info);
}

/// Inspects a plain zip archive (not OFD, not office) into `ins`: the container rules apply.
pub(super) fn inspect_zip(source: &Source, limits: &FormatLimits, ins: &mut Inspection) {
    let p = source.display_path().display().to_string();
    zip_based(source, limits, ins, &p, false);
}

fn zip_based(source: &Source, limits: &FormatLimits, ins: &mut Inspection, p: &str, office: bool) {
    ins.depth = if office {
        "zip container checked; content-types and main part parsed; document not rendered".into()
    } else {
        "zip index checked against the container limits; entries not extracted".into()
    };
    let path = source.display_path();
    let opened = source
        .open()
        .and_then(|r| ZipContainer::new(r, &path, limits.zip));
    let mut z = match opened {
        Ok(z) => z,
        Err(e) => {
            ins.readable = Readable::No;
            ins.problems.extend(container_problems(&e));
            return;
        }
    };
    let names: Vec<String> = z.entries().map(|e| e.name.clone()).collect();
    let lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    let mut info = OfficeInfo {
        container: if !office {
            "ZIP".into()
        } else if z.contains("mimetype") {
            "ODF".into()
        } else {
            "OOXML".into()
        },
        entries: Some(names.len()),
        macros: lower
            .iter()
            .any(|n| n.ends_with("vbaproject.bin") || n.starts_with("basic/")),
        activex: lower.iter().any(|n| n.contains("/activex/")),
        embedded_objects: lower
            .iter()
            .filter(|n| n.contains("/embeddings/") || n.starts_with("object "))
            .count(),
        encrypted: false,
    };
    ins.readable = Readable::Yes;
    if office {
        let main = [
            "[Content_Types].xml",
            "word/document.xml",
            "xl/workbook.xml",
            "ppt/presentation.xml",
            "content.xml",
        ];
        for part in main {
            if !z.contains(part) {
                continue;
            }
            let r = z
                .read(part)
                .and_then(|b| xml::parse(&b, Path::new(part), &limits.xml));
            if let Err(e) = r {
                ins.readable = Readable::No;
                ins.problems.push(Problem::from_error(
                    &format!("{p} 的部件 {part} "),
                    &format!("part {part} of {p}"),
                    &e,
                ));
            }
        }
        if info.container == "OOXML" && !z.contains("[Content_Types].xml") {
            ins.readable = Readable::No;
            ins.problems.push(Problem::unreadable(
                "office.no_content_types",
                format!("{p} 缺少 [Content_Types].xml"),
                format!("{p} has no [Content_Types].xml"),
            ));
        }
        if z.entries()
            .any(|e| e.name.eq_ignore_ascii_case("META-INF/manifest.xml"))
        {
            if let Ok(b) = z.read("META-INF/manifest.xml") {
                if String::from_utf8_lossy(&b).contains("encryption-data") {
                    info.encrypted = true;
                }
            }
        }
    }
    security(&info, p, ins);
    ins.details = Details::Office(info);
}

fn security(info: &OfficeInfo, p: &str, ins: &mut Inspection) {
    if info.encrypted {
        ins.problems.push(Problem::new(
            Area::Security,
            Severity::Error,
            "office.encrypted",
            format!("{p} 为加密的办公文档"),
            format!("{p} is an encrypted office document"),
        ));
    }
    if info.macros {
        ins.problems.push(Problem::new(
            Area::Security,
            Severity::Error,
            "office.macros",
            format!("{p} 含宏（VBA/Basic）"),
            format!("{p} contains macros (VBA/Basic)"),
        ));
    }
    if info.activex {
        ins.problems.push(Problem::new(
            Area::Security,
            Severity::Error,
            "office.activex",
            format!("{p} 含 ActiveX 控件"),
            format!("{p} contains ActiveX controls"),
        ));
    }
    if info.embedded_objects > 0 {
        ins.problems.push(Problem::new(
            Area::Security,
            Severity::Warning,
            "office.embedded_objects",
            format!("{p} 含 {} 个嵌入对象", info.embedded_objects),
            format!("{p} contains {} embedded object(s)", info.embedded_objects),
        ));
    }
}
