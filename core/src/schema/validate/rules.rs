//! DA/T 70 1-5 (the schema's reasonableness rules) and 1-7 (the 档号 rule) of the validation.

use super::V;
use crate::record::MetaNode;
use crate::report::{Finding, Outcome};
use crate::schema::model::ReasonableKind;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::str::FromStr;

impl<'a> V<'a> {
    pub(super) fn reasonable_fail(
        &mut self,
        rule_id: &str,
        i: usize,
        value: &str,
        expected: Value,
        zh: String,
        en: String,
    ) {
        let inst = &self.insts[i];
        let def = self.def(inst.def);
        let f = self
            .element_finding(
                "1-5",
                "metadata.reasonable",
                Outcome::Fail,
                def,
                &inst.path,
                Some(inst.node),
                Some(value),
                expected,
                zh,
                en,
            )
            .with("reasonable_rule", rule_id.to_string());
        self.problem("1-5", f);
    }

    /// 1-5 reasonableness rules.
    pub(super) fn reasonable(&mut self) {
        let rules = self.s.reasonable.clone();
        for r in &rules {
            match &r.kind {
                ReasonableKind::YearAgrees {
                    year,
                    date,
                    before,
                    after,
                } => {
                    let (Some((yi, yv)), Some((di, dv))) =
                        (self.first_value(year), self.first_value(date))
                    else {
                        continue;
                    };
                    let (Some(y), Some(dy)) = (self.year_of(year, yv), self.year_of(date, dv))
                    else {
                        continue;
                    };
                    self.checked("1-5");
                    if dy < y - before || dy > y + after {
                        let range = if before == after && *before == 0 {
                            format!("{y}")
                        } else {
                            format!("{}–{}", y - before, y + after)
                        };
                        let year_line = self.insts[yi].node.line;
                        self.reasonable_fail(
                            &r.id, di, dv,
                            json!({"year_element": year, "year": y, "year_line": year_line, "allowed_years": range}),
                            format!("{date}“{dv}”的年份 {dy} 与 {year}“{yv}”不符（应为 {range}）"),
                            format!("the year {dy} of {date} `{dv}` does not agree with {year} `{yv}` (expected {range})"),
                        );
                    }
                }
                ReasonableKind::NotFuture { elements } => {
                    for e in elements {
                        for (i, v) in self.values(e) {
                            let Some(d) = self.date_of(e, v) else {
                                continue;
                            };
                            self.checked("1-5");
                            if d > self.today {
                                let today = self.today.to_string();
                                self.reasonable_fail(
                                    &r.id,
                                    i,
                                    v,
                                    json!({"not_after": today}),
                                    format!("{e}“{v}”晚于当前日期 {today}"),
                                    format!("{e} `{v}` lies in the future (today is {today})"),
                                );
                            }
                        }
                    }
                }
                ReasonableKind::Range { element, min, max } => {
                    for (i, v) in self.values(element) {
                        let Ok(n) = Decimal::from_str(v.trim()) else {
                            continue;
                        };
                        self.checked("1-5");
                        let low = min.is_some_and(|m| n < m);
                        let high = max.is_some_and(|m| n > m);
                        if low || high {
                            let range = format!(
                                "{}–{}",
                                min.map(|m| m.to_string()).unwrap_or_default(),
                                max.map(|m| m.to_string()).unwrap_or_default()
                            );
                            self.reasonable_fail(
                                &r.id,
                                i,
                                v,
                                json!({"range": range}),
                                format!("{element}“{v}”超出合理范围 {range}"),
                                format!("{element} `{v}` is outside the reasonable range {range}"),
                            );
                        }
                    }
                }
                ReasonableKind::Sum {
                    total,
                    parts,
                    tolerance,
                } => {
                    let mut all: Vec<&str> = vec![total.as_str()];
                    all.extend(parts.iter().map(String::as_str));
                    let prefix = common_parent(&all);
                    // Each instance of the common parent (each 发票信息) is one sum.
                    let scopes: Vec<&MetaNode> = if prefix.is_empty() {
                        vec![self.root]
                    } else {
                        self.s
                            .index
                            .get(&prefix)
                            .map(|&d| self.by_def[d].iter().map(|&i| self.insts[i].node).collect())
                            .unwrap_or_default()
                    };
                    let rel = |p: &str| -> String {
                        p.strip_prefix(&format!("{prefix}/"))
                            .unwrap_or(p)
                            .to_string()
                    };
                    let total_insts: Vec<usize> = self
                        .s
                        .index
                        .get(total.as_str())
                        .map(|&d| self.by_def[d].clone())
                        .unwrap_or_default();
                    for node in scopes {
                        let Some(total_node) = node.at(&rel(total)) else {
                            continue;
                        };
                        let Some(tv) = total_node.text.as_deref() else {
                            continue;
                        };
                        let Ok(t) = Decimal::from_str(tv) else {
                            continue;
                        };
                        let mut sum = Decimal::ZERO;
                        let mut shown = Vec::new();
                        for p in parts {
                            if let Some(x) = node
                                .text_at(&rel(p))
                                .and_then(|v| Decimal::from_str(v).ok())
                            {
                                sum += x;
                                shown.push(format!("{p}={x}"));
                            }
                        }
                        if shown.len() != parts.len() {
                            continue;
                        }
                        self.checked("1-5");
                        let ti = total_insts
                            .iter()
                            .copied()
                            .find(|&i| std::ptr::eq(self.insts[i].node, total_node));
                        if let (true, Some(ti)) = ((t - sum).abs() > *tolerance, ti) {
                            self.reasonable_fail(
                                &r.id, ti, tv, json!({"sum": sum.to_string(), "parts": shown, "tolerance": tolerance.to_string()}),
                                format!("{total}“{tv}”不等于 {}（合计 {sum}）", shown.join(" + ")),
                                format!("{total} `{tv}` is not the sum of {} ({sum})", shown.join(" + ")),
                            );
                        }
                    }
                }
                ReasonableKind::Retention { category, period } => {
                    let (Some((_, cv)), Some((pi, pv))) =
                        (self.first_value(category), self.first_value(period))
                    else {
                        continue;
                    };
                    let Some(required) = self.s.retention_for(cv) else {
                        continue;
                    };
                    let (Some(need), Some(have)) = (retention_years(required), retention_years(pv))
                    else {
                        continue;
                    };
                    self.checked("1-5");
                    if have < need {
                        let required = required.to_string();
                        self.reasonable_fail(
                            &r.id, pi, pv, json!({"category": cv, "minimum": required}),
                            format!("{category}为“{cv}”，{period}“{pv}”短于保管期限表规定的“{required}”"),
                            format!("{category} is `{cv}`: {period} `{pv}` is shorter than the retention table's `{required}`"),
                        );
                    }
                }
            }
        }
    }

    /// 1-7 档号.
    pub(super) fn archival_code(&mut self) {
        let Some(rule) = &self.s.archival_code else {
            self.out.push(
                Finding::new(
                    &Self::item_code("1-7"),
                    "archival_code.no_rule",
                    Outcome::NotApplicable,
                    &self.subject,
                    format!("元数据方案 {} 未定义档号规则", self.s.id),
                    format!("the schema {} defines no archival code rule", self.s.id),
                )
                .with("schema", self.s.id.clone()),
            );
            return;
        };
        let Some((ci, code)) = self.first_value(&rule.element) else {
            self.out.push(
                Finding::new(
                    &Self::item_code("1-7"),
                    "archival_code.absent",
                    Outcome::NotApplicable,
                    &self.subject,
                    format!("无 {} 值，无法检测档号规范性（缺失见 2-4）", rule.element),
                    format!(
                        "no {} value, the archival code cannot be checked (see 2-4)",
                        rule.element
                    ),
                )
                .with("schema", self.s.id.clone()),
            );
            return;
        };
        self.checked("1-7");
        let s = self.s;
        let root = self.root;
        let value_of = |p: &str| -> Option<String> {
            let d = s.index.get(p)?;
            self.by_def[*d]
                .iter()
                .find_map(|&i| self.insts[i].node.text.clone().filter(|t| !t.is_empty()))
                .or_else(|| root.text_at(p).map(str::to_string))
        };
        let code_of = |p: &str, v: &str| -> Option<String> {
            s.element(p).and_then(|d| d.code_of(v)).map(str::to_string)
        };
        let issues = rule.check(code, &value_of, &code_of);
        let inst_path = self.insts[ci].path.clone();
        let line = self.insts[ci].node.line;
        for is in issues {
            let part = is.part.clone().unwrap_or_default();
            let (zh, en) = match is.rule {
                "archival_code.format" => (
                    format!("档号“{code}”不符合编制规则 {}", is.expected),
                    format!(
                        "archival code `{code}` does not follow the rule {}",
                        is.expected
                    ),
                ),
                "archival_code.part_format" => (
                    format!(
                        "档号“{code}”的{part}“{}”格式不符（应匹配 {}）",
                        is.found, is.expected
                    ),
                    format!(
                        "part {part} `{}` of archival code `{code}` does not match {}",
                        is.found, is.expected
                    ),
                ),
                "archival_code.part_domain" => (
                    format!(
                        "档号“{code}”的{part}“{}”不在代码表内（{}）",
                        is.found, is.expected
                    ),
                    format!(
                        "part {part} `{}` of archival code `{code}` is not one of {}",
                        is.found, is.expected
                    ),
                ),
                "archival_code.part_expected" => (
                    format!(
                        "档号“{code}”的{part}应为“{}”，实为“{}”",
                        is.expected, is.found
                    ),
                    format!(
                        "part {part} of archival code `{code}` should be `{}`, found `{}`",
                        is.expected, is.found
                    ),
                ),
                _ => {
                    let (ep, ev) = is.element.clone().unwrap_or_default();
                    (
                        format!("档号“{code}”的{part}“{}”与 {ep}“{ev}”不一致（应为“{}”）", is.found, is.expected),
                        format!("part {part} `{}` of archival code `{code}` disagrees with {ep} `{ev}` (expected `{}`)", is.found, is.expected),
                    )
                }
            };
            let mut f = Finding::new(
                &Self::item_code("1-7"),
                is.rule,
                if is.warn {
                    Outcome::Warn
                } else {
                    Outcome::Fail
                },
                &inst_path,
                zh,
                en,
            )
            .with("element", rule.element.clone())
            .with("path", inst_path.clone())
            .with("value", code.to_string())
            .with("template", rule.template.clone())
            .with("expected", is.expected.clone())
            .with("found", is.found.clone());
            if let Some(p) = &is.part {
                f = f.with("part", p.clone());
            }
            if let Some((ep, ev)) = &is.element {
                f = f
                    .with("compared_element", ep.clone())
                    .with("compared_value", ev.clone());
            }
            if let Some(l) = line {
                f = f.with("line", l);
            }
            if is.warn {
                self.out.push(f.with("schema", self.s.id.clone()));
            } else {
                self.problem("1-7", f);
            }
        }
    }
}

/// Years of a retention value: `永久`/`Y` → unlimited, `定期30年`/`D30`/`30年` → 30.
fn retention_years(v: &str) -> Option<u32> {
    let v = v.trim();
    if v == "永久" || v == "Y" {
        return Some(u32::MAX);
    }
    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Longest common parent path of element paths (`发票信息/金额`, `发票信息/税额` → `发票信息`).
fn common_parent(paths: &[&str]) -> String {
    let split: Vec<Vec<&str>> = paths.iter().map(|p| p.split('/').collect()).collect();
    let mut out: Vec<&str> = Vec::new();
    let min = split
        .iter()
        .map(|s| s.len().saturating_sub(1))
        .min()
        .unwrap_or(0);
    for i in 0..min {
        let c = split[0][i];
        if split.iter().all(|s| s[i] == c) {
            out.push(c);
        } else {
            break;
        }
    }
    out.join("/")
}
