//! Content vs metadata: 1-10 electronic attributes, 1-11 metadata ↔ content link,
//! 2-1 component count, 2-2 bytes, 2-6 件内顺序号 continuity, 2-7 content present and complete.

use super::Ctx;
use crate::report::{Finding, Outcome};

/// Whether a declared 格式信息 agrees with the identified family (`PDF/A-2b` ~ `PDF`, `OFD` ~ `OFD` …).
pub(crate) fn format_agrees(declared: &str, family: &str) -> bool {
    let d = declared.trim().to_ascii_uppercase();
    let fam = family.to_ascii_uppercase();
    fn alias(a: &str) -> &str {
        match a {
            "JPG" => "JPEG",
            "TIF" => "TIFF",
            "JP2" => "JPEG2000",
            "TXT" => "TEXT",
            x => x,
        }
    }
    let first: String = d
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    alias(&first) == fam || d.starts_with(&fam) || d.contains(&fam) && fam.len() >= 3
}

pub(super) fn run(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let r = ctx.record;
    let has_md = r.metadata.is_some();
    // 2-7 内容数据完整性
    if r.components.is_empty() {
        out.push(ctx.finding(
            "2-7",
            "content.none",
            Outcome::Fail,
            &r.id,
            "该件没有任何内容文件",
            "the record has no content file",
        ));
    }
    for (c, f) in r.components.iter().zip(ctx.facts) {
        match (&f.read_error, f.size()) {
            (Some(e), _) => out.push(ctx.finding(
                "2-7",
                "content.unreadable",
                Outcome::Fail,
                &c.name,
                format!("内容文件不可读取: {e}"),
                format!("content file cannot be read: {e}"),
            )),
            (None, Some(0)) => out.push(ctx.finding(
                "2-7",
                "content.empty",
                Outcome::Fail,
                &c.name,
                "内容文件为空（0 字节）",
                "content file is empty (0 bytes)",
            )),
            (None, Some(n)) => out.push(
                ctx.finding(
                    "2-7",
                    "content.present",
                    Outcome::Pass,
                    &c.name,
                    format!("{}存在且可完整读取（{n} 字节）", c.role.zh()),
                    format!("{} present and fully readable ({n} bytes)", c.role.zh()),
                )
                .with(
                    "sm3",
                    f.digests
                        .as_ref()
                        .map(|d| d.hex(crate::digest::DigestAlg::Sm3))
                        .unwrap_or_default(),
                ),
            ),
            (None, None) => {}
        }
    }
    for lp in r.link_problems.iter().filter(|l| l.missing) {
        out.push(ctx.finding(
            "2-7",
            "content.missing",
            Outcome::Fail,
            &lp.name,
            "元数据登记的内容文件不存在",
            "a content file named in the metadata does not exist",
        ));
    }

    if !has_md {
        for seq in ["1-10", "1-11", "2-1", "2-2"] {
            out.push(ctx.finding(
                seq,
                "metadata.absent",
                Outcome::NotApplicable,
                &r.id,
                "无元数据，无法与登记信息比对",
                "no metadata: nothing declared to compare with",
            ));
        }
    } else {
        electronic_attributes(ctx, out);
        link(ctx, out);
        counts(ctx, out);
    }
    continuity(ctx, out);
    attachments(ctx, out);
    if has_md {
        environment(ctx, out);
    }
}

/// 2-8 附件数据完整性: every declared 附件 is present and readable.
fn attachments(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let r = ctx.record;
    let present: Vec<_> = r
        .components
        .iter()
        .zip(ctx.facts)
        .filter(|(c, _)| c.role == crate::record::Role::Attachment)
        .collect();
    let missing: Vec<&str> = r
        .link_problems
        .iter()
        .filter(|l| l.missing && l.role.as_ref() == Some(&crate::record::Role::Attachment))
        .map(|l| l.name.as_str())
        .collect();
    if present.is_empty() && missing.is_empty() {
        out.push(ctx.finding(
            "2-8",
            "attachments.none",
            Outcome::NotApplicable,
            &r.id,
            "该件无附件",
            "the record has no attachments",
        ));
        return;
    }
    for m in &missing {
        out.push(ctx.finding(
            "2-8",
            "attachments.missing",
            Outcome::Fail,
            *m,
            "元数据登记的附件缺失",
            "an attachment named by the metadata is missing",
        ));
    }
    let unreadable = present
        .iter()
        .filter(|(_, f)| f.read_error.is_some() || f.size() == Some(0))
        .count();
    if missing.is_empty() && unreadable == 0 {
        out.push(ctx.finding(
            "2-8",
            "attachments.complete",
            Outcome::Pass,
            &r.id,
            format!("{} 个附件齐全可读", present.len()),
            format!("all {} attachments present and readable", present.len()),
        ));
    } else if unreadable > 0 {
        out.push(ctx.finding(
            "2-8",
            "attachments.unreadable",
            Outcome::Fail,
            &r.id,
            format!("{unreadable} 个附件为空或不可读"),
            format!("{unreadable} attachments are empty or unreadable"),
        ));
    }
}

/// 3-5 软硬件环境: the creating application (文档创建程序) is recorded for every component.
fn environment(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for c in &ctx.record.components {
        out.push(match &c.declared.creating_application {
            Some(app) => ctx.finding("3-5", "environment.recorded", Outcome::Pass, &c.name,
                format!("已著录文档创建程序: {app}"), format!("creating application recorded: {app}")),
            None => ctx.finding("3-5", "environment.unrecorded", Outcome::Warn, &c.name,
                "未著录文档创建程序，无法判断软硬件环境", "no creating application (文档创建程序) recorded: the software environment is unknown"),
        });
    }
}

fn electronic_attributes(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (c, f) in ctx.record.components.iter().zip(ctx.facts) {
        let d = &c.declared;
        let mut problems_zh = Vec::new();
        let mut problems_en = Vec::new();
        let mut compared = 0;
        if let Some(n) = &d.file_name {
            compared += 1;
            if n != &c.name {
                problems_zh.push(format!("计算机文件名登记为 {n}，实际为 {}", c.name));
                problems_en.push(format!("计算机文件名 declared {n}, actual {}", c.name));
            }
        }
        if let Some(s) = &d.size {
            compared += 1;
            match (s.trim().parse::<u64>(), f.size()) {
                (Ok(decl), Some(actual)) if decl != actual => {
                    problems_zh.push(format!(
                        "计算机文件大小登记为 {decl} 字节，实际为 {actual} 字节"
                    ));
                    problems_en.push(format!(
                        "计算机文件大小 declared {decl} bytes, actual {actual} bytes"
                    ));
                }
                (Err(_), _) => {
                    problems_zh.push(format!("计算机文件大小 `{s}` 不是字节数"));
                    problems_en.push(format!("计算机文件大小 `{s}` is not a byte count"));
                }
                _ => {}
            }
        }
        if let (Some(fmt), Some(id)) = (&d.format, &f.format) {
            compared += 1;
            if !format_agrees(fmt, &id.family) {
                problems_zh.push(format!("格式信息登记为 {fmt}，按内容识别为 {}", id.label()));
                problems_en.push(format!(
                    "格式信息 declared {fmt}, content identified as {}",
                    id.label()
                ));
            }
        }
        let mut fnd = if compared == 0 {
            ctx.finding(
                "1-10",
                "attributes.undeclared",
                Outcome::Fail,
                &c.name,
                "元数据未登记该文件的电子属性（计算机文件名、大小、格式）",
                "the metadata declares no electronic attributes (name, size, format) for this file",
            )
        } else if problems_zh.is_empty() {
            ctx.finding(
                "1-10",
                "attributes.consistent",
                Outcome::Pass,
                &c.name,
                format!("{compared} 项电子属性与内容一致"),
                format!("{compared} electronic attributes agree with the content"),
            )
        } else {
            ctx.finding(
                "1-10",
                "attributes.mismatch",
                Outcome::Fail,
                &c.name,
                problems_zh.join("；"),
                problems_en.join("; "),
            )
        };
        if let Some(l) = d.line {
            fnd = fnd.with("line", l);
        }
        if let Some(sz) = f.size() {
            fnd = fnd.with("actual_size", sz);
        }
        if let Some(id) = &f.format {
            fnd = fnd.with("identified_format", id.label());
        }
        out.push(fnd);
    }
}

fn link(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let r = ctx.record;
    let missing: Vec<&str> = r
        .link_problems
        .iter()
        .filter(|l| l.missing)
        .map(|l| l.name.as_str())
        .collect();
    let orphans: Vec<&str> = r
        .link_problems
        .iter()
        .filter(|l| !l.missing)
        .map(|l| l.name.as_str())
        .collect();
    for m in &missing {
        out.push(ctx.finding(
            "1-11",
            "link.missing",
            Outcome::Fail,
            *m,
            "元数据登记的内容文件在存储位置不存在",
            "a content file named by the metadata is not at its storage location",
        ));
    }
    for o in &orphans {
        out.push(ctx.finding(
            "1-11",
            "link.unreferenced",
            Outcome::Warn,
            *o,
            "文件夹中存在元数据未登记的文件",
            "the record folder holds a file the metadata does not name",
        ));
    }
    // 存储位置/当前位置 (M66), when it is a local path, must point at where the record really is.
    if let (Some(loc), crate::record::Origin::Folder(dir)) =
        (r.meta("存储位置/当前位置"), &r.origin)
    {
        let p = std::path::Path::new(loc);
        let looks_local = !loc.contains("://");
        if looks_local {
            let resolved = if p.is_absolute() {
                p.to_path_buf()
            } else {
                dir.join(p)
            };
            let same = match (resolved.canonicalize(), dir.canonicalize()) {
                (Ok(a), Ok(b)) => {
                    a == b
                        || r.components.iter().any(|c| {
                            c.source.path().and_then(|q| q.canonicalize().ok()) == Some(a.clone())
                        })
                }
                _ => false,
            };
            if !same {
                out.push(ctx.finding(
                    "1-11",
                    "link.location_mismatch",
                    Outcome::Fail,
                    loc,
                    format!(
                        "当前位置登记为 {loc}，与实际存储位置 {} 不符",
                        dir.display()
                    ),
                    format!(
                        "当前位置 is {loc}, but the record is stored at {}",
                        dir.display()
                    ),
                ));
            }
        }
    }
    if missing.is_empty() && !r.components.is_empty() {
        out.push(ctx.finding(
            "1-11",
            "link.ok",
            Outcome::Pass,
            &r.id,
            format!("元数据登记的 {} 个内容文件均已关联", r.components.len()),
            format!(
                "all {} content files named by the metadata are linked",
                r.components.len()
            ),
        ));
    }
}

fn counts(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let r = ctx.record;
    let declared = r.components.len() + r.link_problems.iter().filter(|l| l.missing).count();
    let present = r.components.len();
    out.push(
        if declared == present {
            ctx.finding(
                "2-1",
                "count.match",
                Outcome::Pass,
                &r.id,
                format!("登记 {declared} 个组件，实际 {present} 个"),
                format!("{declared} components declared, {present} present"),
            )
        } else {
            ctx.finding(
                "2-1",
                "count.mismatch",
                Outcome::Fail,
                &r.id,
                format!("登记 {declared} 个组件，实际只有 {present} 个"),
                format!("{declared} components declared but only {present} present"),
            )
        }
        .with("declared", declared)
        .with("present", present),
    );
    let declared_sizes: Option<Vec<u64>> = r
        .components
        .iter()
        .map(|c| {
            c.declared
                .size
                .as_deref()
                .and_then(|s| s.trim().parse().ok())
        })
        .collect();
    let actual: u64 = ctx.facts.iter().filter_map(|f| f.size()).sum();
    match declared_sizes {
        Some(v) if !v.is_empty() => {
            let total: u64 = v.iter().sum();
            out.push(
                if total == actual {
                    ctx.finding(
                        "2-2",
                        "bytes.match",
                        Outcome::Pass,
                        &r.id,
                        format!("总字节数 {actual} 与登记一致"),
                        format!("total {actual} bytes as declared"),
                    )
                } else {
                    ctx.finding(
                        "2-2",
                        "bytes.mismatch",
                        Outcome::Fail,
                        &r.id,
                        format!("登记总字节数 {total}，实际 {actual}"),
                        format!("declared total {total} bytes, actual {actual}"),
                    )
                }
                .with("declared", total)
                .with("actual", actual),
            );
        }
        _ => out.push(
            ctx.finding(
                "2-2",
                "bytes.undeclared",
                Outcome::NotApplicable,
                &r.id,
                "未登记全部组件的计算机文件大小，无法比对总字节数",
                "not every component declares its 计算机文件大小: no declared total to compare",
            )
            .with("actual", actual),
        ),
    }
}

fn continuity(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let r = ctx.record;
    if r.components.len() < 2 {
        return;
    }
    let mut seqs: Vec<u32> = r.components.iter().map(|c| c.sequence).collect();
    seqs.sort_unstable();
    let expected: Vec<u32> = (1..=seqs.len() as u32).collect();
    out.push(if seqs == expected {
        ctx.finding(
            "2-6",
            "sequence.continuous",
            Outcome::Pass,
            &r.id,
            format!("件内文档序号 1–{} 连续", seqs.len()),
            format!("document sequence numbers 1–{} are continuous", seqs.len()),
        )
    } else {
        ctx.finding(
            "2-6",
            "sequence.gap",
            Outcome::Fail,
            &r.id,
            format!("件内文档序号不连续或不从 1 开始: {seqs:?}"),
            format!("document sequence numbers are not continuous from 1: {seqs:?}"),
        )
        .with("sequence", seqs)
    });
}
