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
    // Labels: title, source, schema, scheme, tool, verdict, then the five outcome counts.
    let title = match lang {
        Lang::Zh => format!("四性检测报告（{}环节）", r.stage.zh()),
        Lang::En => format!("Four-properties check report ({:?} stage)", r.stage),
    };
    let l: [&str; 10] = match lang {
        Lang::Zh => [
            "来源",
            "元数据方案",
            "检测方案",
            "工具",
            "结论",
            "通过",
            "不通过",
            "警告",
            "人工",
            "不适用",
        ],
        Lang::En => [
            "source", "schema", "scheme", "tool", "verdict", "pass", "fail", "warn", "manual",
            "n/a",
        ],
    };
    let sm = &r.summary;
    let _ = writeln!(s, "{title}  {}", r.id);
    let _ = writeln!(s, "{}: {}", l[0], r.source);
    let _ = writeln!(
        s,
        "{}: {}  {}: {}  {}: {} {}",
        l[1], r.schema, l[2], r.scheme, l[3], r.tool.name, r.tool.version
    );
    let _ = writeln!(
        s,
        "{}: {verdict}  ({} {} / {} {} / {} {} / {} {} / {} {})",
        l[4], l[5], sm.pass, l[6], sm.fail, l[7], sm.warn, l[8], sm.manual, l[9], sm.not_applicable
    );
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
