//! Security items: 4-2 virus scan (clamd when configured, manual otherwise), 4-7 process
//! security, 4-8 classified records and 4-9 encryption and active content (guidang extensions).

use super::Ctx;
use crate::formats::{Area, Readable, Severity};
use crate::report::{Finding, Outcome};
use crate::scan::{Clamd, ScanOutcome, Scanner};

/// 密级 values that must not enter a non-classified archiving channel.
pub(crate) const CLASSIFIED: &[&str] = &["秘密", "机密", "绝密"];

pub(super) fn run(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let r = ctx.record;
    match &ctx.options.clamd {
        None => out.push(ctx.finding(
            "4-2",
            "scan.no_scanner",
            Outcome::Manual,
            &r.id,
            "未配置病毒扫描接口（clamd），未进行任何扫描，需人工检测",
            "no virus scanner (clamd) is configured: nothing was scanned, a person must check",
        )),
        Some(spec) if ctx.runs("4-2") => match Clamd::parse(spec) {
            Ok(c) => virus_scan(ctx, &c, out),
            Err(e) => out.push(ctx.finding(
                "4-2",
                "scan.misconfigured",
                Outcome::Fail,
                &r.id,
                format!("病毒扫描接口配置错误，未进行扫描：{e}"),
                format!("the virus scanner is misconfigured, nothing was scanned: {e}"),
            )),
        },
        Some(_) => {}
    }
    if ctx.runs("4-9") {
        active_content(ctx, out);
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

/// 4-2 with a scanner: one finding per component, evidence names the engine and database.
pub(super) fn virus_scan(ctx: &Ctx<'_>, scanner: &dyn Scanner, out: &mut Vec<Finding>) {
    let r = ctx.record;
    let info = match scanner.info() {
        Ok(i) => i,
        Err(e) => {
            out.push(ctx.finding(
                "4-2",
                "scan.unavailable",
                Outcome::Fail,
                &r.id,
                format!("已配置的病毒扫描接口不可用，未进行扫描：{e}"),
                format!("the configured virus scanner is unavailable, nothing was scanned: {e}"),
            ));
            return;
        }
    };
    let db = info.describe();
    for c in &r.components {
        let f = match scanner.scan(&c.source) {
            ScanOutcome::Clean => ctx.finding(
                "4-2",
                "scan.clean",
                Outcome::Pass,
                &c.name,
                format!("病毒扫描未发现威胁（{db}）"),
                format!("virus scan found nothing ({db})"),
            ),
            ScanOutcome::Infected(sig) => ctx
                .finding(
                    "4-2",
                    "scan.infected",
                    Outcome::Fail,
                    &c.name,
                    format!("病毒扫描发现威胁：{sig}（{db}）"),
                    format!("virus scan found {sig} ({db})"),
                )
                .with("signature", sig),
            ScanOutcome::Unavailable(e) | ScanOutcome::Error(e) => ctx.finding(
                "4-2",
                "scan.error",
                Outcome::Fail,
                &c.name,
                format!("病毒扫描未能完成：{e}"),
                format!("the virus scan could not be completed: {e}"),
            ),
        };
        out.push(
            f.with("scanner", info.scanner.clone())
                .with("engine", info.engine.clone())
                .with(
                    "database",
                    info.database
                        .clone()
                        .unwrap_or_else(|| "custom signatures only".into()),
                ),
        );
    }
}

/// 4-9: encryption and active content found by the format inspection.
fn active_content(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (c, f) in ctx.record.components.iter().zip(ctx.facts) {
        let Some(ins) = &f.inspection else { continue };
        let label = ins.identification.label();
        let errors: Vec<&crate::formats::Problem> = ins
            .problems_in(Area::Security)
            .filter(|p| p.severity == Severity::Error)
            .collect();
        let warns: Vec<&crate::formats::Problem> = ins
            .problems_in(Area::Security)
            .filter(|p| p.severity == Severity::Warning)
            .collect();
        let structural = ins.readable == Readable::Yes
            || !errors.is_empty()
            || matches!(ins.identification.family.as_str(), "PDF" | "OFD");
        let mut fnd = if !errors.is_empty() {
            let zh: Vec<&str> = errors.iter().map(|p| p.zh.as_str()).collect();
            let en: Vec<&str> = errors.iter().map(|p| p.en.as_str()).collect();
            ctx.finding(
                "4-9",
                errors[0].rule.as_str(),
                Outcome::Fail,
                &c.name,
                zh.join("；"),
                en.join("; "),
            )
        } else if !structural {
            ctx.finding(
                "4-9",
                "content.not_inspected",
                Outcome::Manual,
                &c.name,
                format!("{label} 未能解析，无法判断是否加密或含活动内容"),
                format!(
                    "{label} could not be parsed: encryption and active content cannot be judged"
                ),
            )
        } else if !warns.is_empty() {
            let zh: Vec<&str> = warns.iter().map(|p| p.zh.as_str()).collect();
            let en: Vec<&str> = warns.iter().map(|p| p.en.as_str()).collect();
            ctx.finding(
                "4-9",
                warns[0].rule.as_str(),
                Outcome::Warn,
                &c.name,
                zh.join("；"),
                en.join("; "),
            )
        } else {
            ctx.finding(
                "4-9",
                "content.no_active_content",
                Outcome::Pass,
                &c.name,
                format!("{label} 未加密，未发现脚本、启动等活动内容"),
                format!("{label} is not encrypted and has no scripts, launch actions or macros"),
            )
        };
        for p in errors.iter().chain(warns.iter()) {
            fnd = fnd.with(&p.rule, p.en.clone());
        }
        fnd = fnd.with("format", label);
        out.push(fnd);
    }
}
