//! 3-3 内容数据格式: the format identified by content must be on the scheme's allowed list for the
//! component's role; office formats are reported as non-archival (warn or fail per scheme).

use super::Ctx;
use crate::report::{Finding, Outcome};

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
        if let Some(p) = &id.puid {
            finding = finding.with("puid", p.clone());
        }
        out.push(finding);
    }
}
