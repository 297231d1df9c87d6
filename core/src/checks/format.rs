//! 3-3 内容数据格式: the format identified by content must be on the scheme's allowed list for the
//! component's role; office formats are reported as non-archival (warn or fail per scheme); a file
//! extension or a declared 格式信息 that disagrees with the content is reported.

use super::attributes::format_agrees;
use super::Ctx;
use crate::report::{Finding, Outcome};

/// The format family a file extension stands for, when guidang knows it.
pub(crate) fn family_of_extension(ext: &str) -> Option<&'static str> {
    Some(match ext.to_ascii_lowercase().as_str() {
        "pdf" => "PDF",
        "ofd" => "OFD",
        "xml" => "XML",
        "jpg" | "jpeg" | "jpe" | "jfif" => "JPEG",
        "tif" | "tiff" => "TIFF",
        "png" => "PNG",
        "jp2" | "j2k" | "jpf" | "jpx" => "JPEG2000",
        "wav" => "WAV",
        "mp3" => "MP3",
        "mp4" | "m4a" | "m4v" => "MP4",
        "docx" | "docm" => "DOCX",
        "xlsx" | "xlsm" => "XLSX",
        "pptx" | "pptm" => "PPTX",
        "doc" | "wps" => "DOC",
        "xls" | "et" => "XLS",
        "ppt" | "dps" => "PPT",
        "rtf" => "RTF",
        "txt" => "TEXT",
        "zip" => "ZIP",
        _ => return None,
    })
}

fn extension_agrees(ext_family: &str, family: &str) -> bool {
    ext_family == family
        // Legacy office names: a .doc may be any CFB document, an encrypted OOXML is CFB.
        || (matches!(ext_family, "DOC" | "XLS" | "PPT") && matches!(family, "CFB" | "DOC" | "XLS" | "PPT"))
        || (matches!(ext_family, "DOCX" | "XLSX" | "PPTX") && family == "OOXML-ENCRYPTED")
}

pub(super) fn run(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if !ctx.runs("3-3") {
        return;
    }
    for (c, f) in ctx.record.components.iter().zip(ctx.facts) {
        let Some(id) = &f.format else { continue };
        let allowed = ctx.scheme.options.allowed_for(c.role.zh());
        let ok = allowed.is_empty() || allowed.iter().any(|a| a.eq_ignore_ascii_case(&id.family));
        let finding = if ok {
            ctx.finding(
                "3-3",
                "format.allowed",
                Outcome::Pass,
                &c.name,
                format!("{}格式 {} 符合归档格式要求", c.role.zh(), id.label()),
                format!(
                    "{} format {} is an allowed archival format",
                    c.role.zh(),
                    id.label()
                ),
            )
        } else if id.office {
            let outcome = if ctx.scheme.options.office == "fail" {
                Outcome::Fail
            } else {
                Outcome::Warn
            };
            ctx.finding(
                "3-3",
                "format.office",
                outcome,
                &c.name,
                format!(
                    "{} 为办公文档格式，不是归档格式，应转换为 OFD 或 PDF/A",
                    id.label()
                ),
                format!(
                    "{} is an office format, not an archival one: convert it to OFD or PDF/A",
                    id.label()
                ),
            )
        } else {
            ctx.finding(
                "3-3",
                "format.not_allowed",
                Outcome::Fail,
                &c.name,
                format!(
                    "{}格式 {} 不在允许的归档格式内（允许: {}）",
                    c.role.zh(),
                    id.label(),
                    allowed.join("、")
                ),
                format!(
                    "{} format {} is not allowed (allowed: {})",
                    c.role.zh(),
                    id.label(),
                    allowed.join(", ")
                ),
            )
        };
        let mut finding = finding
            .with("family", id.family.clone())
            .with("mime", id.mime.clone());
        if let Some(v) = &id.version {
            finding = finding.with("version", v.clone());
        }
        if let Some(p) = &id.profile {
            finding = finding.with("profile", p.clone());
        }
        if let Some(p) = &id.puid {
            finding = finding.with("puid", p.clone());
        }
        out.push(finding);
        // Extension vs content.
        if let Some(ext) = c.extension() {
            if let Some(fam) = family_of_extension(&ext) {
                if !extension_agrees(fam, &id.family) {
                    out.push(
                        ctx.finding(
                            "3-3",
                            "format.extension_mismatch",
                            Outcome::Warn,
                            &c.name,
                            format!("扩展名 .{ext} 表示 {fam}，按内容识别为 {}", id.label()),
                            format!(
                                "the extension .{ext} stands for {fam}, the content is {}",
                                id.label()
                            ),
                        )
                        .with("extension", ext.clone())
                        .with("family", id.family.clone()),
                    );
                }
            }
        }
        // Declared 格式信息 vs content.
        if let Some(decl) = &c.declared.format {
            if !format_agrees(decl, &id.family) {
                out.push(
                    ctx.finding(
                        "3-3",
                        "format.declared_mismatch",
                        Outcome::Warn,
                        &c.name,
                        format!("格式信息登记为 {decl}，按内容识别为 {}", id.label()),
                        format!("格式信息 declares {decl}, the content is {}", id.label()),
                    )
                    .with("declared", decl.clone())
                    .with("family", id.family.clone()),
                );
            }
        }
    }
}
