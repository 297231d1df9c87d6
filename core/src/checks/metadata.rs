//! Metadata items: 3-1 readable, schema validation (1-2…1-7, 2-3, 2-4 via [`crate::schema`]),
//! and 2-5 process information.

use super::Ctx;
use crate::report::{Finding, Outcome};

/// Metadata items that do not apply to a record without metadata (a bare content file).
const METADATA_ITEMS: &[&str] = &[
    "1-2", "1-3", "1-4", "1-5", "1-6", "1-7", "1-8", "2-3", "2-4", "2-5", "3-1",
];

pub(super) fn run(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let r = ctx.record;
    let subject = r
        .metadata_path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| r.id.clone());
    if let Some(problem) = &r.metadata_problem {
        out.push(ctx.finding(
            "3-1",
            "metadata.unreadable",
            Outcome::Fail,
            &subject,
            format!("元数据不可读: {problem}"),
            format!("metadata cannot be read: {problem}"),
        ));
        return;
    }
    let Some(md) = &r.metadata else {
        for seq in METADATA_ITEMS {
            out.push(ctx.finding(
                seq,
                "metadata.absent",
                Outcome::NotApplicable,
                &r.id,
                "无元数据（单个内容文件），元数据检测项不适用",
                "no metadata (a bare content file): metadata items do not apply",
            ));
        }
        return;
    };
    out.push(ctx.finding(
        "3-1",
        "metadata.readable",
        Outcome::Pass,
        &subject,
        format!("元数据可读，共 {} 个元素", md.count() - 1),
        format!("metadata is readable: {} elements", md.count() - 1),
    ));
    if let Some(schema) = ctx.schema {
        let today = ctx
            .options
            .now
            .as_deref()
            .and_then(crate::schema::parse_today);
        let today = today.unwrap_or_else(crate::schema::today_cst);
        out.extend(schema.validate_record(r, today).into_iter().map(|f| {
            if f.stage == ctx.stage {
                f
            } else {
                f.in_stage(ctx.stage)
            }
        }));
    }
    // 2-5 过程信息: 业务实体 (DA/T 46 M80–M84) describing what was done to the record.
    let mut acts = Vec::new();
    for name in ["业务实体", "业务实体块"] {
        if let Some(n) = md.child(name) {
            if n.name == "业务实体块" {
                acts.extend(n.children_named("业务实体"));
            } else {
                acts.extend(md.children_named("业务实体"));
            }
            break;
        }
    }
    let described: Vec<String> = acts
        .iter()
        .filter_map(|a| a.text_at("业务行为").map(str::to_string))
        .collect();
    if described.is_empty() {
        out.push(ctx.finding("2-5", "process.absent", Outcome::Manual, &r.id,
            "元数据未包含业务过程信息（业务实体），需在业务系统中人工核对办理过程",
            "the metadata carries no process information (业务实体): check the handling history in the business system"));
    } else {
        out.push(
            ctx.finding(
                "2-5",
                "process.present",
                Outcome::Pass,
                &r.id,
                format!(
                    "包含 {} 条业务行为记录: {}",
                    described.len(),
                    described.join("、")
                ),
                format!(
                    "{} business activities recorded: {}",
                    described.len(),
                    described.join(", ")
                ),
            )
            .with("activities", described),
        );
    }
}
