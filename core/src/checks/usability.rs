//! Usability items from the format inspection: 3-4 content readable (with format, version and the
//! usability facts as evidence; producers' quirks as warnings), 3-8 content format compliance
//! (no encryption, claimed PDF/A indicators, OFD-A rules, minimum scan resolution), and the
//! DA/T 46 数字化属性 consistency of scanned images (reported under 1-10).

use super::Ctx;
use crate::formats::image::{ColorMode, ImageInfo};
use crate::formats::{Area, Details, Inspection, Problem, Readable, Severity};
use crate::record::{Component, Digitization};
use crate::report::{Finding, Outcome};

pub(super) fn run(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (c, f) in ctx.record.components.iter().zip(ctx.facts) {
        let Some(ins) = &f.inspection else { continue };
        if ctx.runs("3-4") {
            readable(ctx, c, ins, out);
        }
        if ctx.runs("3-8") {
            compliance(ctx, c, ins, out);
        }
        if let (Some(d), Details::Image(img)) = (&c.declared.digitization, &ins.details) {
            if ctx.runs("1-10") {
                digitization(ctx, c, d, img, out);
            }
        }
    }
}

fn with_evidence(mut f: Finding, ins: &Inspection) -> Finding {
    for (k, v) in ins.evidence() {
        f = f.with(&k, v);
    }
    f.with("inspect_ms", ins.elapsed_ms)
}

fn joined(ps: &[&Problem]) -> (String, String) {
    (
        ps.iter()
            .map(|p| p.zh.as_str())
            .collect::<Vec<_>>()
            .join("；"),
        ps.iter()
            .map(|p| p.en.as_str())
            .collect::<Vec<_>>()
            .join("; "),
    )
}

fn readable(ctx: &Ctx<'_>, c: &Component, ins: &Inspection, out: &mut Vec<Finding>) {
    let label = ins.identification.label();
    let errors: Vec<&Problem> = ins
        .problems_in(Area::Readability)
        .filter(|p| p.severity == Severity::Error)
        .collect();
    let f = match ins.readable {
        Readable::Yes => ctx.finding(
            "3-4",
            "content.readable",
            Outcome::Pass,
            &c.name,
            format!("{label} 可正常解析（{}）", ins.depth),
            format!("{label} parses ({})", ins.depth),
        ),
        Readable::No => {
            let (zh, en) = joined(&errors);
            let rule = errors
                .first()
                .map(|p| p.rule.clone())
                .unwrap_or_else(|| "content.unreadable".into());
            ctx.finding(
                "3-4",
                &rule,
                Outcome::Fail,
                &c.name,
                format!("{label} 无法正常读取：{zh}"),
                format!("{label} cannot be read: {en}"),
            )
        }
        Readable::NotChecked => ctx.finding(
            "3-4",
            "content.no_parser",
            Outcome::Manual,
            &c.name,
            format!("guidang 不能解析 {label}，需人工打开确认"),
            format!("guidang has no parser for {label}: a person must open it"),
        ),
    };
    out.push(with_evidence(f, ins));
    for q in ins
        .problems_in(Area::Readability)
        .filter(|p| p.severity == Severity::Warning)
    {
        out.push(
            ctx.finding("3-4", &q.rule, Outcome::Warn, &c.name, &q.zh, &q.en)
                .with("format", label.clone()),
        );
    }
}

fn compliance(ctx: &Ctx<'_>, c: &Component, ins: &Inspection, out: &mut Vec<Finding>) {
    let label = ins.identification.label();
    let opts = &ctx.scheme.options;
    let mut fails: Vec<(String, String, String)> = Vec::new();
    let mut warns: Vec<(String, String, String)> = Vec::new();
    let mut passes: Vec<String> = Vec::new();
    if ins.encrypted() {
        fails.push((
            "content.encrypted".into(),
            format!("{label} 已加密"),
            format!("{label} is encrypted"),
        ));
    }
    match &ins.details {
        Details::Pdf(pdf) => {
            if let Some(summary) = pdf.pdfa_summary() {
                let bad: Vec<String> = pdf
                    .indicators
                    .iter()
                    .filter(|i| !i.ok)
                    .map(|i| format!("{} ({})", i.id, i.detail))
                    .collect();
                if bad.is_empty() {
                    passes.push(summary);
                } else {
                    warns.push((
                        "pdfa.indicators_inconsistent".into(),
                        format!(
                            "{label}：{summary}；不一致的指标：{}（guidang 仅检查部分指标，非完整 PDF/A 验证）",
                            bad.join("；")
                        ),
                        format!(
                            "{label}: {summary}; inconsistent: {} (guidang checks indicators only; it is not a full PDF/A validator)",
                            bad.join("; ")
                        ),
                    ));
                }
            }
        }
        Details::Ofd(ofd) => {
            let judged = ofd.doc_type == "OFD-A" || opts.require_ofda;
            if judged {
                let bad = ofd.ofda_failures();
                if bad.is_empty() {
                    passes.push(format!(
                        "OFD-A (GB/T 42133-2022): {} rules hold",
                        ofd.ofda_rules.len()
                    ));
                } else {
                    let list: Vec<String> = bad
                        .iter()
                        .map(|r| format!("{} {}", r.clauses, r.detail))
                        .collect();
                    fails.push((
                        "ofda.rules".into(),
                        format!("{label} 不符合 OFD-A 要求：{}", list.join("；")),
                        format!("{label} does not meet OFD-A: {}", list.join("; ")),
                    ));
                }
            }
        }
        Details::Image(img) if c.declared.digitization.is_some() => {
            if let Some(min) = opts.min_scan_dpi {
                match img.dpi() {
                    Some(dpi) if dpi + 0.5 < min as f64 => fails.push((
                        "image.resolution_below_minimum".into(),
                        format!("{label} 分辨率 {dpi} dpi 低于方案要求的 {min} dpi"),
                        format!("{label} resolution {dpi} dpi is below the scheme's minimum of {min} dpi"),
                    )),
                    Some(dpi) => passes.push(format!("resolution {dpi} dpi ≥ {min} dpi")),
                    None => warns.push((
                        "image.resolution_unstated".into(),
                        format!("{label} 未记录分辨率，无法核对最低 {min} dpi 要求"),
                        format!("{label} states no resolution: the minimum of {min} dpi cannot be verified"),
                    )),
                }
            }
        }
        _ => {}
    }
    for p in ins
        .problems_in(Area::Compliance)
        .filter(|p| p.rule != "pdfa.indicators_inconsistent" && p.rule != "ofda.rules")
    {
        let entry = (p.rule.clone(), p.zh.clone(), p.en.clone());
        if p.severity == Severity::Error {
            fails.push(entry);
        } else {
            warns.push(entry);
        }
    }
    let f = if !fails.is_empty() {
        let all: Vec<_> = fails.iter().chain(&warns).collect();
        ctx.finding(
            "3-8",
            &fails[0].0,
            Outcome::Fail,
            &c.name,
            all.iter()
                .map(|x| x.1.as_str())
                .collect::<Vec<_>>()
                .join("；"),
            all.iter()
                .map(|x| x.2.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        )
    } else if !warns.is_empty() {
        ctx.finding(
            "3-8",
            &warns[0].0,
            Outcome::Warn,
            &c.name,
            warns
                .iter()
                .map(|x| x.1.as_str())
                .collect::<Vec<_>>()
                .join("；"),
            warns
                .iter()
                .map(|x| x.2.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        )
    } else if ins.readable == Readable::No {
        ctx.finding(
            "3-8",
            "content.unreadable",
            Outcome::Fail,
            &c.name,
            format!("{label} 无法解析，格式合规性无法确认"),
            format!("{label} cannot be parsed: its format compliance cannot be confirmed"),
        )
    } else {
        let extra = if passes.is_empty() {
            String::new()
        } else {
            format!("; {}", passes.join("; "))
        };
        ctx.finding(
            "3-8",
            "content.compliant",
            Outcome::Pass,
            &c.name,
            format!("{label} 未加密，未发现不合规项{extra}"),
            format!("{label} is not encrypted and shows no compliance problem{extra}"),
        )
    };
    out.push(with_evidence(f, ins));
}

/// Parses a declared resolution (`300dpi`, `300 dpi`, `300×300`, `300`) into dpi.
fn declared_dpi(s: &str) -> Option<f64> {
    let digits: String = s
        .trim()
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    digits.parse().ok()
}

/// Normalises a compression name for comparison (`JPEG`, `CCITT G4`, `LZW`, `NONE`, `DEFLATE`, `JPEG2000`).
fn compression_key(s: &str) -> &'static str {
    let s = s.to_ascii_lowercase();
    if s.contains("2000") || s.contains("jp2") {
        "JPEG2000"
    } else if s.contains("jpeg") || s.contains("jpg") {
        "JPEG"
    } else if s.contains("g4") || s.contains("group 4") || s.contains("group4") {
        "CCITT G4"
    } else if s.contains("g3") || s.contains("ccitt") {
        "CCITT"
    } else if s.contains("lzw") {
        "LZW"
    } else if s.contains("deflate") || s.contains("zip") || s.contains("png") || s.contains("flate")
    {
        "DEFLATE"
    } else if s.contains("packbits") {
        "PACKBITS"
    } else if s.contains("none")
        || s.contains("无")
        || s.contains("uncompressed")
        || s.contains("不压缩")
    {
        "NONE"
    } else {
        "OTHER"
    }
}

fn digitization(
    ctx: &Ctx<'_>,
    c: &Component,
    d: &Digitization,
    img: &ImageInfo,
    out: &mut Vec<Finding>,
) {
    let mut bad_zh = Vec::new();
    let mut bad_en = Vec::new();
    let mut compared = 0;
    if let Some(r) = &d.resolution {
        compared += 1;
        match (declared_dpi(r), img.dpi()) {
            (Some(decl), Some(actual)) if (decl - actual).abs() > 1.0 => {
                bad_zh.push(format!("扫描分辨率登记为 {r}，图像为 {actual} dpi"));
                bad_en.push(format!(
                    "扫描分辨率 declared {r}, the image states {actual} dpi"
                ));
            }
            (Some(_), None) => {
                bad_zh.push(format!("扫描分辨率登记为 {r}，图像未记录分辨率"));
                bad_en.push(format!(
                    "扫描分辨率 declared {r}, the image states no resolution"
                ));
            }
            (None, _) => {
                bad_zh.push(format!("扫描分辨率 `{r}` 不是分辨率数值"));
                bad_en.push(format!("扫描分辨率 `{r}` is not a resolution"));
            }
            _ => {}
        }
    }
    if let Some(m) = &d.color_mode {
        compared += 1;
        match ColorMode::parse(m) {
            Some(decl) if decl != img.color_mode => {
                bad_zh.push(format!(
                    "扫描色彩模式登记为 {m}，图像为 {}",
                    img.color_mode.zh()
                ));
                bad_en.push(format!(
                    "扫描色彩模式 declared {m}, the image is {:?} ({})",
                    img.color_mode, img.color_model
                ));
            }
            None => {
                bad_zh.push(format!("扫描色彩模式 `{m}` 无法识别"));
                bad_en.push(format!("扫描色彩模式 `{m}` is not a known colour mode"));
            }
            _ => {}
        }
    }
    if let Some(z) = &d.compression {
        compared += 1;
        let (a, b) = (compression_key(z), compression_key(&img.compression));
        let agree =
            a == b || (a == "CCITT" && b == "CCITT G4") || (a == "CCITT G4" && b == "CCITT");
        if !agree {
            bad_zh.push(format!(
                "图像压缩方案登记为 {z}，图像为 {}",
                img.compression
            ));
            bad_en.push(format!(
                "图像压缩方案 declared {z}, the image uses {}",
                img.compression
            ));
        }
    }
    if compared == 0 {
        return;
    }
    let f = if bad_zh.is_empty() {
        ctx.finding(
            "1-10",
            "digitization.consistent",
            Outcome::Pass,
            &c.name,
            format!("{compared} 项数字化属性与图像一致"),
            format!("{compared} digitisation attributes agree with the image"),
        )
    } else {
        ctx.finding(
            "1-10",
            "digitization.mismatch",
            Outcome::Fail,
            &c.name,
            bad_zh.join("；"),
            bad_en.join("; "),
        )
    };
    let mut f = f
        .with("width", img.width)
        .with("height", img.height)
        .with("color_mode", img.color_mode.zh())
        .with("compression", img.compression.clone());
    if let Some(dpi) = img.dpi() {
        f = f.with("dpi", dpi);
    }
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_values() {
        assert_eq!(declared_dpi("300dpi"), Some(300.0));
        assert_eq!(declared_dpi("分辨率 200 dpi"), Some(200.0));
        assert_eq!(declared_dpi("高"), None);
        assert_eq!(compression_key("JPEG baseline"), "JPEG");
        assert_eq!(compression_key("CCITT G4"), "CCITT G4");
        assert_eq!(compression_key("无压缩"), "NONE");
        assert_eq!(compression_key("JPEG 2000"), "JPEG2000");
    }
}
