//! Text renderings (Chinese and English) of a report, made from the same data as the JSON.

use super::{Outcome, Report};
use std::fmt::Write;

/// Language of a text rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 中文
    Zh,
    /// English
    En,
}

impl Lang {
    /// `zh` or `en`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "zh" | "zh-CN" | "cn" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

fn outcome_label(o: Outcome, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => o.zh(),
        Lang::En => o.as_str(),
    }
}

/// Renders a report as human-readable text.
pub fn render_text(r: &Report, lang: Lang) -> String {
    let mut s = String::new();
    let verdict = match (lang, r.verdict) {
        (Lang::Zh, super::Verdict::Pass) => "通过",
        (Lang::Zh, super::Verdict::Warn) => "通过（有警告）",
        (Lang::Zh, super::Verdict::Fail) => "不通过",
        (Lang::En, v) => v.as_str(),
    };
    match lang {
        Lang::Zh => {
            let _ = writeln!(s, "四性检测报告（{}环节）  {}", r.stage.zh(), r.id);
            let _ = writeln!(s, "来源: {}", r.source);
            let _ = writeln!(
                s,
                "元数据方案: {}  检测方案: {}  工具: {} {}",
                r.schema, r.scheme, r.tool.name, r.tool.version
            );
            let _ = writeln!(
                s,
                "结论: {verdict}  （通过 {} / 不通过 {} / 警告 {} / 人工 {} / 不适用 {}）",
                r.summary.pass,
                r.summary.fail,
                r.summary.warn,
                r.summary.manual,
                r.summary.not_applicable
            );
        }
        Lang::En => {
            let _ = writeln!(
                s,
                "Four-properties check report ({:?} stage)  {}",
                r.stage, r.id
            );
            let _ = writeln!(s, "source: {}", r.source);
            let _ = writeln!(
                s,
                "schema: {}  scheme: {}  tool: {} {}",
                r.schema, r.scheme, r.tool.name, r.tool.version
            );
            let _ = writeln!(
                s,
                "verdict: {verdict}  (pass {} / fail {} / warn {} / manual {} / n/a {})",
                r.summary.pass,
                r.summary.fail,
                r.summary.warn,
                r.summary.manual,
                r.summary.not_applicable
            );
        }
    }
    for i in &r.inputs {
        let _ = writeln!(
            s,
            "  [{}] {} {} B sm3={} {}",
            i.role,
            i.name,
            i.size,
            i.sm3,
            i.format.as_deref().unwrap_or("")
        );
    }
    for f in &r.findings {
        let msg = match lang {
            Lang::Zh => &f.message_zh,
            Lang::En => &f.message_en,
        };
        let block = if f.blocking && f.outcome == Outcome::Fail {
            "!"
        } else {
            " "
        };
        let _ = writeln!(
            s,
            "{block}{:<8} {:<14} {:<22} {}: {}",
            f.code,
            outcome_label(f.outcome, lang),
            f.rule,
            f.subject,
            msg
        );
    }
    s
}
