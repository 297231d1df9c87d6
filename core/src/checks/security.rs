//! Security items: 4-2 virus scan (manual without a configured scanner), 4-7 process security,
//! 4-8 classified records (guidang extension).

use super::Ctx;
use crate::report::{Finding, Outcome};

/// 密级 values that must not enter a non-classified archiving channel.
pub(crate) const CLASSIFIED: &[&str] = &["秘密", "机密", "绝密"];

pub(super) fn run(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let r = ctx.record;
    if ctx.options.clamd.is_none() {
        out.push(ctx.finding(
            "4-2",
            "scan.no_scanner",
            Outcome::Manual,
            &r.id,
            "未配置病毒扫描接口（clamd），未进行任何扫描，需人工检测",
            "no virus scanner (clamd) is configured: nothing was scanned, a person must check",
        ));
    }
    out.push(ctx.finding("4-7", "process.host_controls", Outcome::Manual, &r.id,
        "归档过程的管理措施（权限、日志、传输）需在宿主系统中人工确认；guidang 保证原子写入与哈希链日志",
        "management controls of the archiving process (access, logs, transport) must be confirmed in the host system; guidang provides atomic writes and a hash-chained journal"));
    if let Some(level) = r.meta("密级") {
        let level = level.trim();
        if CLASSIFIED.contains(&level) {
            let outcome = if ctx.scheme.options.classified == "allow" {
                Outcome::Warn
            } else {
                Outcome::Fail
            };
            out.push(ctx.finding("4-8", "classified.refused", outcome, &r.id,
                format!("密级为“{level}”的文件不得进入非涉密归档通道"), format!("a record classified `{level}` must not enter a non-classified archiving channel"))
                .with("密级", level));
        } else {
            out.push(ctx.finding(
                "4-8",
                "classified.none",
                Outcome::Pass,
                &r.id,
                format!("密级为“{level}”，可进入本通道"),
                format!("密级 is `{level}`: allowed in this channel"),
            ));
        }
    } else if r.metadata.is_some() {
        out.push(ctx.finding(
            "4-8",
            "classified.undeclared",
            Outcome::Warn,
            &r.id,
            "元数据未著录密级，无法判断是否涉密",
            "the metadata does not give 密级: classification cannot be judged",
        ));
    } else {
        out.push(ctx.finding(
            "4-8",
            "metadata.absent",
            Outcome::NotApplicable,
            &r.id,
            "无元数据",
            "no metadata",
        ));
    }
}
