//! The 档号 composition rule as data (DA/T 13-2022 / DA/T 22-2015): a template such as
//! `{全宗号}-{门类}·{年度}·{保管期限}·{机构}-{件号}`, a pattern per part, and the element each part must
//! agree with (全宗号, 年度, 保管期限 → its code, 室编件号 …). Checks one 档号 value (DA/T 70 1-7).

use super::model::Pattern;
use std::collections::BTreeMap;

/// How a part of the code must agree with its element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    /// Same text.
    Text,
    /// Same number (`0007` agrees with `7`).
    Number,
    /// The element's value mapped to its code: the part's own `codes` table first, then the
    /// element's domain codes (保管期限 `定期30年` → `D30`); the value itself is also accepted.
    Code,
}

impl Agreement {
    /// Parses `text`/`number`/`code`.
    pub fn parse(s: &str) -> Option<Agreement> {
        Some(match s {
            "text" => Agreement::Text,
            "number" => Agreement::Number,
            "code" => Agreement::Code,
            _ => return None,
        })
    }
}

/// One part of the 档号 (`全宗号`, `门类`, `年度`, `保管期限`, `机构`, `件号`).
#[derive(Debug, Clone, PartialEq)]
pub struct CodePart {
    /// Name used in the template.
    pub name: String,
    /// What the part must look like (whole part).
    pub pattern: Pattern,
    /// Allowed values (e.g. the DA/T 13 门类 codes); empty means any value matching the pattern.
    pub domain: Vec<String>,
    /// The one value this schema expects (`WS` for 文书, `KU` for 会计).
    pub expected: Option<String>,
    /// Path of the element the part must agree with, when that element is present.
    pub element: Option<String>,
    /// How to compare with the element.
    pub agree: Agreement,
    /// Value → code table for `agree = "code"` (e.g. 机构 `办公室` → `BGS`).
    pub codes: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Lit(String),
    Part(usize),
}

/// The compiled 档号 rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchivalCodeRule {
    /// Path of the 档号 element.
    pub element: String,
    /// The template, e.g. `{全宗号}-{门类}·{年度}·{保管期限}·{机构}-{件号}`.
    pub template: String,
    /// Parts in template order.
    pub parts: Vec<CodePart>,
    /// A valid example shown in findings (`Z109-WS·2024·Y·BGS-0001`).
    pub example: Option<String>,
    segs: Vec<Seg>,
    full: Pattern,
    relaxed: Pattern,
    separators: Vec<char>,
}

/// One problem with a 档号 value.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeIssue {
    /// Rule id (`archival_code.format`, `archival_code.part_mismatch` …).
    pub rule: &'static str,
    /// The part concerned, if any.
    pub part: Option<String>,
    /// What the part (or code) is.
    pub found: String,
    /// What was expected.
    pub expected: String,
    /// Element the part was compared with, and its value.
    pub element: Option<(String, String)>,
    /// Whether this is only a warning (the part could not be verified).
    pub warn: bool,
}

impl ArchivalCodeRule {
    /// Compiles a rule. `parts` may be in any order; every `{name}` of the template needs one.
    pub fn compile(
        element: String,
        template: String,
        parts: Vec<CodePart>,
        example: Option<String>,
    ) -> Result<ArchivalCodeRule, String> {
        let mut segs = Vec::new();
        let mut names = Vec::new();
        let mut rest = template.as_str();
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('{') {
                let end = after
                    .find('}')
                    .ok_or_else(|| format!("template `{template}`: `{{` without `}}`"))?;
                let name = after[..end].trim().to_string();
                if name.is_empty() {
                    return Err(format!("template `{template}`: empty part name `{{}}`"));
                }
                if names.contains(&name) {
                    return Err(format!("template `{template}`: part `{name}` used twice"));
                }
                names.push(name);
                segs.push(Seg::Part(names.len() - 1));
                rest = &after[end + 1..];
            } else {
                let end = rest.find('{').unwrap_or(rest.len());
                if rest[..end].contains('}') {
                    return Err(format!("template `{template}`: `}}` without `{{`"));
                }
                segs.push(Seg::Lit(rest[..end].to_string()));
                rest = &rest[end..];
            }
        }
        if names.is_empty() {
            return Err(format!("template `{template}` has no `{{part}}`"));
        }
        for w in segs.windows(2) {
            if matches!(w, [Seg::Part(_), Seg::Part(_)]) {
                return Err(format!(
                    "template `{template}`: two parts without a separator between them"
                ));
            }
        }
        let mut separators: Vec<char> = segs
            .iter()
            .filter_map(|s| match s {
                Seg::Lit(l) => Some(l.chars()),
                Seg::Part(_) => None,
            })
            .flatten()
            .collect();
        separators.sort_unstable();
        separators.dedup();
        let mut by_name: BTreeMap<String, CodePart> =
            parts.into_iter().map(|p| (p.name.clone(), p)).collect();
        let mut ordered = Vec::new();
        for n in &names {
            let part = by_name.remove(n).ok_or_else(|| {
                format!("template part `{n}` has no [archival_code.parts.{n}] definition")
            })?;
            ordered.push(part);
        }
        if let Some(extra) = by_name.keys().next() {
            return Err(format!(
                "[archival_code.parts.{extra}] is not used by the template `{template}`"
            ));
        }
        let sep_class: String = separators
            .iter()
            .map(|c| regex::escape(&c.to_string()))
            .collect();
        let any_part = if sep_class.is_empty() {
            ".+".to_string()
        } else {
            format!("[^{sep_class}]+")
        };
        let mut full = String::from("^");
        let mut relaxed = String::from("^");
        for s in &segs {
            match s {
                Seg::Lit(l) => {
                    full.push_str(&regex::escape(l));
                    relaxed.push_str(&regex::escape(l));
                }
                Seg::Part(i) => {
                    full.push_str(&format!("(?P<p{i}>{})", ordered[*i].pattern.as_str()));
                    relaxed.push_str(&format!("(?P<p{i}>{any_part})"));
                }
            }
        }
        full.push('$');
        relaxed.push('$');
        Ok(ArchivalCodeRule {
            element,
            template,
            parts: ordered,
            example,
            segs,
            full: Pattern::raw(&full)?,
            relaxed: Pattern::raw(&relaxed)?,
            separators,
        })
    }

    /// Splits a code into its parts (name, value) if it has the template's structure.
    pub fn split<'a>(&self, code: &'a str) -> Option<Vec<(&str, &'a str)>> {
        let caps = self
            .full
            .regex()
            .captures(code)
            .or_else(|| self.relaxed.regex().captures(code))?;
        Some(
            self.parts
                .iter()
                .enumerate()
                .filter_map(|(i, p)| {
                    caps.name(&format!("p{i}"))
                        .map(|m| (p.name.as_str(), m.as_str()))
                })
                .collect(),
        )
    }

    /// The separators of the template (`-`, `·`).
    pub fn separators(&self) -> &[char] {
        &self.separators
    }

    /// Checks `code`. `element_value(path)` gives the value of an element of the same record;
    /// `code_of(path, value)` the domain code of a value of that element.
    pub fn check(
        &self,
        code: &str,
        element_value: &dyn Fn(&str) -> Option<String>,
        code_of: &dyn Fn(&str, &str) -> Option<String>,
    ) -> Vec<CodeIssue> {
        let mut issues = Vec::new();
        let parts: Vec<(usize, &str)> = if let Some(c) = self.full.regex().captures(code) {
            (0..self.parts.len())
                .filter_map(|i| c.name(&format!("p{i}")).map(|m| (i, m.as_str())))
                .collect()
        } else if let Some(c) = self.relaxed.regex().captures(code) {
            let parts: Vec<(usize, &str)> = (0..self.parts.len())
                .filter_map(|i| c.name(&format!("p{i}")).map(|m| (i, m.as_str())))
                .collect();
            for (i, v) in &parts {
                let p = &self.parts[*i];
                if !p.pattern.is_match(v) {
                    issues.push(CodeIssue {
                        rule: "archival_code.part_format",
                        part: Some(p.name.clone()),
                        found: v.to_string(),
                        expected: p.pattern.as_str().to_string(),
                        element: None,
                        warn: false,
                    });
                }
            }
            parts
        } else {
            issues.push(CodeIssue {
                rule: "archival_code.format",
                part: None,
                found: code.to_string(),
                expected: match &self.example {
                    Some(e) => format!("{} (e.g. {e})", self.template),
                    None => self.template.clone(),
                },
                element: None,
                warn: false,
            });
            return issues;
        };
        for (i, v) in parts {
            let p = &self.parts[i];
            if !p.domain.is_empty() && !p.domain.iter().any(|d| d == v) {
                issues.push(CodeIssue {
                    rule: "archival_code.part_domain",
                    part: Some(p.name.clone()),
                    found: v.to_string(),
                    expected: p.domain.join(" | "),
                    element: None,
                    warn: false,
                });
            } else if let Some(e) = &p.expected {
                if e != v {
                    issues.push(CodeIssue {
                        rule: "archival_code.part_expected",
                        part: Some(p.name.clone()),
                        found: v.to_string(),
                        expected: e.clone(),
                        element: None,
                        warn: false,
                    });
                }
            }
            let Some(path) = &p.element else { continue };
            let Some(ev) = element_value(path) else {
                continue;
            };
            let mismatch = |expected: String, warn: bool| CodeIssue {
                rule: if warn {
                    "archival_code.part_unverified"
                } else {
                    "archival_code.part_mismatch"
                },
                part: Some(p.name.clone()),
                found: v.to_string(),
                expected,
                element: Some((path.clone(), ev.clone())),
                warn,
            };
            match p.agree {
                Agreement::Text => {
                    if v != ev {
                        issues.push(mismatch(ev.clone(), false));
                    }
                }
                Agreement::Number => {
                    let a = v.parse::<u64>().ok();
                    let b = ev.trim().parse::<u64>().ok();
                    if a.is_none() || a != b {
                        issues.push(mismatch(ev.clone(), false));
                    }
                }
                Agreement::Code => {
                    let mapped = p.codes.get(&ev).cloned().or_else(|| code_of(path, &ev));
                    match mapped {
                        Some(c) if c == v || ev == v => {}
                        Some(c) => issues.push(mismatch(c, false)),
                        None if ev == v => {}
                        None => issues.push(mismatch(ev.clone(), true)),
                    }
                }
            }
        }
        issues
    }

    /// Renders a code from part values (the inverse of [`Self::split`]), for capture code that
    /// needs to build a 档号. Missing parts render empty.
    pub fn compose(&self, values: &BTreeMap<String, String>) -> String {
        self.segs
            .iter()
            .map(|s| match s {
                Seg::Lit(l) => l.clone(),
                Seg::Part(i) => values
                    .get(&self.parts[*i].name)
                    .cloned()
                    .unwrap_or_default(),
            })
            .collect()
    }
}
