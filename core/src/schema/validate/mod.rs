//! Validation of one record's metadata against a [`Schema`]: DA/T 70-2018 归档 items 1-2 (length),
//! 1-3 (type and format), 1-4 (value domain), 1-5 (reasonableness), 1-6 (special characters),
//! 1-7 (档号), 2-3 (completeness, conditional elements) and 2-4 (required elements).
//! Every problem is one finding; every item checked without a problem gets one pass finding.

use super::datatype::{check_type, parse_date, parse_year};
use super::model::{Condition, Constraint, DataType, ElementDef, ElementKind};
use super::Schema;

mod rules;
use crate::record::MetaNode;
use crate::report::{Finding, Outcome};
use chrono::NaiveDate;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Most problem findings reported per item; the rest are counted in one summary finding.
pub const MAX_FINDINGS_PER_ITEM: usize = 100;

const ITEMS: &[&str] = &["1-2", "1-3", "1-4", "1-5", "1-6", "1-7", "2-3", "2-4"];

/// One element instance found in the metadata.
struct Inst<'a> {
    def: usize,
    /// Instance path, with `[n]` on repeated siblings (`文件数据/文档[2]/电子属性`).
    path: String,
    node: &'a MetaNode,
    /// Ancestors from the root to the parent.
    anc: Vec<&'a MetaNode>,
}

struct V<'a> {
    s: &'a Schema,
    root: &'a MetaNode,
    today: NaiveDate,
    subject: String,
    insts: Vec<Inst<'a>>,
    by_def: Vec<Vec<usize>>,
    by_key: BTreeMap<String, Vec<usize>>,
    unknown: Vec<(String, Option<usize>)>,
    checked: BTreeMap<&'static str, usize>,
    failed: BTreeMap<&'static str, usize>,
    out: Vec<Finding>,
}

pub(super) fn run(s: &Schema, md: &MetaNode, today: NaiveDate) -> Vec<Finding> {
    let subject = md
        .text_at("电子文件号")
        .map(str::to_string)
        .unwrap_or_else(|| md.name.clone());
    let mut v = V {
        s,
        root: md,
        today,
        subject,
        insts: Vec::new(),
        by_def: vec![Vec::new(); s.elements.len()],
        by_key: BTreeMap::new(),
        unknown: Vec::new(),
        checked: BTreeMap::new(),
        failed: BTreeMap::new(),
        out: Vec::new(),
    };
    let mut anc = Vec::new();
    v.walk(md, "", "", &mut anc);
    v.presence();
    v.reasonable();
    v.archival_code();
    v.unknown_elements();
    v.summaries();
    v.out
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}/{b}")
    }
}

fn present(n: &MetaNode) -> bool {
    n.text.as_deref().is_some_and(|t| !t.is_empty()) || !n.children.is_empty()
}

/// Looks a path up from the innermost scope outwards.
fn lookup<'a>(chain: &[&'a MetaNode], path: &str) -> Option<&'a MetaNode> {
    chain.iter().rev().find_map(|n| n.at(path))
}

fn eval(c: &Condition, chain: &[&MetaNode]) -> bool {
    let text = |p: &str| {
        lookup(chain, p)
            .and_then(|n| n.text.as_deref())
            .filter(|t| !t.is_empty())
    };
    match c {
        Condition::Present(p) => lookup(chain, p).is_some_and(present),
        Condition::Absent(p) => !lookup(chain, p).is_some_and(present),
        Condition::Equals(p, vals) => text(p).is_some_and(|t| vals.iter().any(|v| v == t)),
        Condition::Matches(p, re) => text(p).is_some_and(|t| re.is_match(t)),
        Condition::All(cs) => cs.iter().all(|c| eval(c, chain)),
        Condition::Any(cs) => cs.iter().any(|c| eval(c, chain)),
        Condition::Not(c) => !eval(c, chain),
    }
}

fn char_name(c: char) -> String {
    if c.is_control() || (c as u32) >= 0x2000 && !c.is_alphanumeric() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("`{c}` (U+{:04X})", c as u32)
    }
}

impl<'a> V<'a> {
    fn def(&self, i: usize) -> &'a ElementDef {
        &self.s.elements[i]
    }

    fn item_code(seq: &str) -> String {
        format!("GD-{seq}")
    }

    /// Records a problem (counted against the item's cap).
    fn problem(&mut self, seq: &'static str, f: Finding) {
        let n = self.failed.entry(seq).or_default();
        *n += 1;
        if *n <= MAX_FINDINGS_PER_ITEM {
            self.out.push(f.with("schema", self.s.id.clone()));
        }
    }

    fn checked(&mut self, seq: &'static str) {
        *self.checked.entry(seq).or_default() += 1;
    }

    #[allow(clippy::too_many_arguments)]
    fn element_finding(
        &self,
        seq: &str,
        rule: &str,
        outcome: Outcome,
        def: &ElementDef,
        path: &str,
        node: Option<&MetaNode>,
        value: Option<&str>,
        expected: impl Into<Value>,
        zh: String,
        en: String,
    ) -> Finding {
        let mut f = Finding::new(&Self::item_code(seq), rule, outcome, path, zh, en)
            .with("element", def.path.clone())
            .with("path", path.to_string())
            .with("expected", expected.into());
        if !def.number.is_empty() {
            f = f.with("number", def.number.clone());
        }
        if let Some(v) = value {
            f = f.with("value", v.to_string());
        }
        if let Some(l) = node.and_then(|n| n.line) {
            f = f.with("line", l);
        }
        f
    }

    fn walk(&mut self, node: &'a MetaNode, key: &str, path: &str, anc: &mut Vec<&'a MetaNode>) {
        if key.is_empty() {
            self.by_key.entry(String::new()).or_default();
        }
        let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
        for c in &node.children {
            *totals.entry(c.name.as_str()).or_default() += 1;
        }
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        anc.push(node);
        for c in &node.children {
            let k = {
                let e = seen.entry(c.name.as_str()).or_default();
                *e += 1;
                *e
            };
            let ip = if totals[c.name.as_str()] > 1 {
                join(path, &format!("{}[{k}]", c.name))
            } else {
                join(path, &c.name)
            };
            let ck = join(key, &c.name);
            let Some(&d) = self.s.index.get(&ck) else {
                self.unknown.push((ip, c.line));
                continue;
            };
            let idx = self.insts.len();
            self.insts.push(Inst {
                def: d,
                path: ip.clone(),
                node: c,
                anc: anc.clone(),
            });
            self.by_def[d].push(idx);
            self.by_key.entry(ck.clone()).or_default().push(idx);
            let def = self.def(d);
            if k == 2 && !def.repeatable {
                let f = self.element_finding(
                    "1-3",
                    "metadata.repeated",
                    Outcome::Fail,
                    def,
                    &ip,
                    Some(c),
                    None,
                    "not repeatable",
                    format!(
                        "元素 {} 不可重复，但出现 {} 次",
                        def.path,
                        totals[c.name.as_str()]
                    ),
                    format!(
                        "element {} is not repeatable but occurs {} times",
                        def.path,
                        totals[c.name.as_str()]
                    ),
                );
                self.problem("1-3", f);
            }
            if let Some(t) = c.text.as_deref().filter(|t| !t.is_empty()) {
                if def.kind.has_value() {
                    self.check_value(def, &ip, c, t);
                } else {
                    self.checked("1-3");
                    let f = self.element_finding(
                        "1-3",
                        "metadata.container_value",
                        Outcome::Fail,
                        def,
                        &ip,
                        Some(c),
                        Some(t),
                        "container: sub-elements only",
                        format!(
                            "{} 是容器型元素，不应直接著录值“{t}”，应著录在其子元素中",
                            def.path
                        ),
                        format!(
                            "{} is a container: the value `{t}` belongs in one of its sub-elements",
                            def.path
                        ),
                    );
                    self.problem("1-3", f);
                }
            }
            if def.kind.has_children() {
                self.walk(c, &ck, &ip, anc);
            } else {
                for g in &c.children {
                    self.unknown.push((join(&ip, &g.name), g.line));
                }
            }
        }
        anc.pop();
    }

    fn check_value(&mut self, def: &ElementDef, path: &str, node: &MetaNode, value: &str) {
        // 1-2 length
        if let Some(max) = def.max_length {
            self.checked("1-2");
            let n = value.chars().count();
            if n > max {
                let f = self.element_finding(
                    "1-2",
                    "metadata.max_length",
                    Outcome::Fail,
                    def,
                    path,
                    Some(node),
                    Some(value),
                    json!({"max_length": max, "length": n}),
                    format!("{} 长度为 {n} 个字符，超过最大长度 {max}", def.path),
                    format!(
                        "{} is {n} characters long, more than the maximum {max}",
                        def.path
                    ),
                );
                self.problem("1-2", f);
            }
        }
        // 1-3 type / format
        self.checked("1-3");
        let patterns = self.s.date_patterns(def);
        if let Err(m) = check_type(def, value, patterns) {
            let f = self.element_finding(
                "1-3",
                m.rule,
                Outcome::Fail,
                def,
                path,
                Some(node),
                Some(value),
                m.expected.clone(),
                format!(
                    "{} 的值“{value}”不符合数据类型/格式 {}",
                    def.path, m.expected
                ),
                format!(
                    "{} value `{value}` does not have the type/format {}",
                    def.path, m.expected
                ),
            );
            self.problem("1-3", f);
        } else if let Some(p) = &def.pattern {
            if !p.is_match(value) {
                let f = self.element_finding(
                    "1-3",
                    "metadata.format",
                    Outcome::Fail,
                    def,
                    path,
                    Some(node),
                    Some(value),
                    json!({"pattern": p.as_str()}),
                    format!("{} 的值“{value}”不符合格式 {}", def.path, p.as_str()),
                    format!(
                        "{} value `{value}` does not match the pattern {}",
                        def.path,
                        p.as_str()
                    ),
                );
                self.problem("1-3", f);
            }
        }
        // 1-4 domain
        if !def.domain.is_empty() {
            self.checked("1-4");
            let allowed: Vec<&str> = def
                .domain
                .iter()
                .filter(|d| !d.legacy)
                .map(|d| d.value.as_str())
                .collect();
            match def.domain.iter().find(|d| d.value == value) {
                Some(d) if d.legacy => {
                    let mut f = self.element_finding(
                        "1-4",
                        "metadata.domain_legacy",
                        Outcome::Warn,
                        def,
                        path,
                        Some(node),
                        Some(value),
                        allowed.clone(),
                        format!(
                            "{} 的值“{value}”是旧称，现行值域为 {}",
                            def.path,
                            allowed.join("、")
                        ),
                        format!(
                            "{} value `{value}` is an older term; current values: {}",
                            def.path,
                            allowed.join(", ")
                        ),
                    );
                    if let Some(n) = &d.note {
                        f = f.with("note", n.clone());
                    }
                    self.out.push(f.with("schema", self.s.id.clone()));
                }
                Some(_) => {}
                None => {
                    let hint = def
                        .domain
                        .iter()
                        .find(|d| d.code.as_deref() == Some(value))
                        .map(|d| d.value.clone());
                    let mut f = self.element_finding(
                        "1-4",
                        "metadata.domain",
                        Outcome::Fail,
                        def,
                        path,
                        Some(node),
                        Some(value),
                        allowed.clone(),
                        format!(
                            "{} 的值“{value}”不在值域内（{}）{}",
                            def.path,
                            allowed.join("、"),
                            hint.as_ref()
                                .map(|h| format!("；“{value}”是“{h}”的代码，元数据应著录“{h}”"))
                                .unwrap_or_default()
                        ),
                        format!(
                            "{} value `{value}` is not in the value domain ({}){}",
                            def.path,
                            allowed.join(", "),
                            hint.as_ref()
                                .map(|h| format!("; `{value}` is the code of `{h}`, write `{h}`"))
                                .unwrap_or_default()
                        ),
                    );
                    if let Some(h) = hint {
                        f = f.with("code_of", h);
                    }
                    self.problem("1-4", f);
                }
            }
        }
        // 1-6 forbidden characters
        self.checked("1-6");
        let mut bad: Vec<char> = value
            .chars()
            .filter(|&c| def.forbidden.forbids(c))
            .collect();
        bad.sort_unstable();
        bad.dedup();
        if !bad.is_empty() {
            let names: Vec<String> = bad.iter().map(|&c| char_name(c)).collect();
            let shown: String = value
                .chars()
                .map(|c| {
                    if def.forbidden.forbids(c) {
                        '\u{2423}'
                    } else {
                        c
                    }
                })
                .collect();
            let f = self.element_finding(
                "1-6",
                "metadata.forbidden_char",
                Outcome::Fail,
                def,
                path,
                Some(node),
                Some(&shown),
                json!({"forbidden": names, "control": def.forbidden.control,
                       "chars": def.forbidden.chars.iter().collect::<String>()}),
                format!("{} 含有不允许的字符 {}", def.path, names.join("、")),
                format!(
                    "{} contains forbidden characters {}",
                    def.path,
                    names.join(", ")
                ),
            );
            self.problem("1-6", f);
        }
    }

    /// Context nodes in which `def` must appear, with their scope chains (root … node).
    fn contexts(&self, d: usize) -> Vec<(String, Vec<&'a MetaNode>)> {
        let def = self.def(d);
        let from_insts = |idxs: &[usize]| -> Vec<(String, Vec<&'a MetaNode>)> {
            idxs.iter()
                .map(|&i| {
                    let inst = &self.insts[i];
                    let mut chain = inst.anc.clone();
                    chain.push(inst.node);
                    (inst.path.clone(), chain)
                })
                .collect()
        };
        let of_def_path = |p: &str| -> Vec<(String, Vec<&'a MetaNode>)> {
            if p.is_empty() {
                return vec![(String::new(), vec![self.root])];
            }
            match self.s.index.get(p) {
                Some(&j) => from_insts(&self.by_def[j]),
                None => Vec::new(),
            }
        };
        let alternates: Vec<(String, Vec<&'a MetaNode>)> = def
            .also_in
            .iter()
            .filter(|a| !a.is_empty())
            .flat_map(|a| of_def_path(a))
            .collect();
        if !alternates.is_empty() {
            return alternates;
        }
        of_def_path(&def.parent)
    }

    /// 2-3 conditional and 2-4 required elements.
    fn presence(&mut self) {
        for d in 0..self.s.elements.len() {
            let def = self.def(d);
            let (seq, conditional) = match (def.constraint, &def.when) {
                (Constraint::Required, _) => ("2-4", false),
                (Constraint::Conditional, Some(_)) => ("2-3", true),
                _ => continue,
            };
            for (cpath, chain) in self.contexts(d) {
                let ctx = chain[chain.len() - 1];
                if conditional {
                    let Some(w) = &def.when else { continue };
                    if !eval(w, &chain) {
                        continue;
                    }
                }
                self.checked(seq);
                let path = join(&cpath, &def.name);
                let found: Vec<&MetaNode> = ctx.children_named(&def.name).collect();
                let empty = !found.is_empty()
                    && def.kind != ElementKind::Container
                    && found
                        .iter()
                        .all(|n| n.text.as_deref().is_none_or(str::is_empty));
                if !found.is_empty() && !empty {
                    continue;
                }
                let cond = def.when.as_ref().map(Condition::describe);
                let (rule, zh, en) = match (conditional, empty) {
                    (false, false) => (
                        "metadata.required_missing",
                        format!("缺少必选元素 {}", def.path),
                        format!("required element {} is missing", def.path),
                    ),
                    (false, true) => (
                        "metadata.required_empty",
                        format!("必选元素 {} 的值为空", def.path),
                        format!("required element {} is empty", def.path),
                    ),
                    (true, _) => (
                        "metadata.conditional_missing",
                        format!(
                            "条件选元素 {} {}（条件成立：{}）",
                            def.path,
                            if empty { "为空" } else { "缺失" },
                            def.condition_text
                                .clone()
                                .or(cond.clone())
                                .unwrap_or_default()
                        ),
                        format!(
                            "conditional element {} is {} although its condition holds ({})",
                            def.path,
                            if empty { "empty" } else { "missing" },
                            cond.clone().unwrap_or_default()
                        ),
                    ),
                };
                let mut f = self.element_finding(
                    seq,
                    rule,
                    Outcome::Fail,
                    def,
                    &path,
                    Some(found.first().copied().unwrap_or(ctx)),
                    None,
                    def.constraint.zh(),
                    zh,
                    en,
                );
                if let Some(c) = cond {
                    f = f.with("condition", c);
                }
                if let Some(t) = &def.condition_text {
                    f = f.with("condition_text", t.clone());
                }
                if let Some(dv) = &def.default {
                    f = f.with("default", dv.clone());
                }
                self.problem(seq, f);
            }
        }
    }

    /// Values of an element (all instances, non-empty), with their instance index.
    fn values(&self, path: &str) -> Vec<(usize, &'a str)> {
        let Some(&d) = self.s.index.get(path) else {
            return Vec::new();
        };
        self.by_def[d]
            .iter()
            .filter_map(|&i| {
                self.insts[i]
                    .node
                    .text
                    .as_deref()
                    .filter(|t| !t.is_empty())
                    .map(|t| (i, t))
            })
            .collect()
    }

    fn first_value(&self, path: &str) -> Option<(usize, &'a str)> {
        self.values(path).into_iter().next()
    }

    fn date_of(&self, path: &str, value: &str) -> Option<NaiveDate> {
        let def = self.s.element(path)?;
        match def.data_type {
            DataType::Date | DataType::DateTime => {
                parse_date(value, self.s.date_patterns(def)).map(|d| d.date)
            }
            _ => None,
        }
    }

    fn year_of(&self, path: &str, value: &str) -> Option<i32> {
        let def = self.s.element(path)?;
        match def.data_type {
            DataType::GYear | DataType::Integer | DataType::PositiveInteger | DataType::String => {
                parse_year(value)
            }
            _ => self
                .date_of(path, value)
                .map(|d| chrono::Datelike::year(&d)),
        }
    }

    fn unknown_elements(&mut self) {
        // 2-3 also scans for elements the schema does not know.
        *self.checked.entry("2-3").or_default() += self.insts.len();
        if self.unknown.is_empty() {
            return;
        }
        let list: Vec<Value> = self
            .unknown
            .iter()
            .map(|(p, l)| json!({"path": p, "line": l}))
            .collect();
        let names: Vec<&str> = self
            .unknown
            .iter()
            .map(|(p, _)| p.as_str())
            .take(20)
            .collect();
        let more = if self.unknown.len() > 20 { " …" } else { "" };
        self.out.push(
            Finding::new(
                &Self::item_code("2-3"),
                "metadata.unknown_element",
                Outcome::Warn,
                &self.subject,
                format!(
                    "{} 个元素不在元数据方案 {} 中：{}{more}",
                    self.unknown.len(),
                    self.s.id,
                    names.join("、")
                ),
                format!(
                    "{} elements are not in the schema {}: {}{more}",
                    self.unknown.len(),
                    self.s.id,
                    names.join(", ")
                ),
            )
            .with("elements", list)
            .with("schema", self.s.id.clone()),
        );
    }

    fn summaries(&mut self) {
        for seq in ITEMS {
            let failed = self.failed.get(seq).copied().unwrap_or(0);
            let checked = self.checked.get(seq).copied().unwrap_or(0);
            if failed > MAX_FINDINGS_PER_ITEM {
                self.out.push(
                    Finding::new(
                        &Self::item_code(seq),
                        "metadata.more_problems",
                        Outcome::Fail,
                        &self.subject,
                        format!("另有 {} 个问题未逐条列出", failed - MAX_FINDINGS_PER_ITEM),
                        format!(
                            "{} further problems not listed one by one",
                            failed - MAX_FINDINGS_PER_ITEM
                        ),
                    )
                    .with("problems", failed),
                );
            }
            if failed > 0 {
                continue;
            }
            if *seq == "1-7" && checked == 0 {
                continue; // not_applicable already said why
            }
            let (rule, zh_what, en_what) = match *seq {
                "1-2" => ("metadata.max_length", "长度", "length"),
                "1-3" => ("metadata.type", "数据类型和格式", "data type and format"),
                "1-4" => ("metadata.domain", "值域", "value domain"),
                "1-5" => ("metadata.reasonable", "合理性", "reasonableness"),
                "1-6" => ("metadata.forbidden_char", "特殊字符", "special characters"),
                "1-7" => ("archival_code.ok", "档号规范性", "archival code"),
                "2-3" => (
                    "metadata.complete",
                    "完整性（条件选元素）",
                    "completeness (conditional elements)",
                ),
                _ => ("metadata.required", "必选元素", "required elements"),
            };
            let f = if checked > 0 {
                Finding::new(
                    &Self::item_code(seq),
                    rule,
                    Outcome::Pass,
                    &self.subject,
                    format!("{zh_what}检测通过，共检查 {checked} 项"),
                    format!("{en_what}: {checked} checked, no problem"),
                )
                .with("checked", checked)
            } else {
                Finding::new(
                    &Self::item_code(seq),
                    rule,
                    Outcome::NotApplicable,
                    &self.subject,
                    format!("元数据中没有适用{zh_what}规则的元素"),
                    format!("no element of this metadata has a {en_what} rule"),
                )
                .with("checked", 0)
            };
            self.out.push(f.with("schema", self.s.id.clone()));
        }
    }
}
