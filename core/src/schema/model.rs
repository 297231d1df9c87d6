//! The in-memory model of a metadata schema: element definitions (DA/T 46 description attributes),
//! data types, value domains, forbidden characters, conditions, reasonableness rules and retention.

use super::datatype::DatePattern;
use regex::Regex;
use std::path::PathBuf;

/// A compiled regular expression that remembers its source (so schemas compare and print).
#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    re: Regex,
}

impl Pattern {
    /// Compiles `source` anchored at both ends (`^(?:source)$`); the size is limited so a schema
    /// cannot make the validator slow.
    pub fn anchored(source: &str) -> Result<Pattern, String> {
        let re = regex::RegexBuilder::new(&format!("^(?:{source})$"))
            .size_limit(1 << 20)
            .build()
            .map_err(|e| regex_error(source, &e))?;
        Ok(Pattern {
            source: source.to_string(),
            re,
        })
    }
    /// Compiles `source` as written (used for whole archival-code expressions).
    pub(crate) fn raw(source: &str) -> Result<Pattern, String> {
        let re = regex::RegexBuilder::new(source)
            .size_limit(1 << 20)
            .build()
            .map_err(|e| regex_error(source, &e))?;
        Ok(Pattern {
            source: source.to_string(),
            re,
        })
    }
    /// The expression as written in the schema.
    pub fn as_str(&self) -> &str {
        &self.source
    }
    /// Whether the whole value matches.
    pub fn is_match(&self, value: &str) -> bool {
        self.re.is_match(value)
    }
    /// The compiled expression.
    pub(crate) fn regex(&self) -> &Regex {
        &self.re
    }
}

/// A regex error on one line: `` `[abc`: unclosed character class ``.
fn regex_error(source: &str, e: &regex::Error) -> String {
    let text = e.to_string();
    let last = text
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("invalid");
    format!(
        "`{source}`: {}",
        last.strip_prefix("error: ").unwrap_or(last)
    )
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

/// 约束性 (DA/T 46): whether an element must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constraint {
    /// 必选: always present and not empty (DA/T 70 2-4).
    Required,
    /// 条件选: present when its condition holds (DA/T 70 2-3).
    Conditional,
    /// 可选.
    Optional,
}

impl Constraint {
    /// Parses `必选`/`条件选`/`可选` (or `required`/`conditional`/`optional`).
    pub fn parse(s: &str) -> Option<Constraint> {
        Some(match s.trim() {
            "必选" | "required" | "M" => Constraint::Required,
            "条件选" | "conditional" | "C" => Constraint::Conditional,
            "可选" | "optional" | "O" => Constraint::Optional,
            _ => return None,
        })
    }
    /// Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            Constraint::Required => "必选",
            Constraint::Conditional => "条件选",
            Constraint::Optional => "可选",
        }
    }
}

/// 元素类型: simple (a value), container (sub-elements) or mixed (both, like 档号).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementKind {
    /// 简单型: a value.
    Simple,
    /// 容器型: sub-elements only.
    Container,
    /// A container that also carries its own value (档号: the code string plus its parts).
    Mixed,
}

impl ElementKind {
    /// Parses `simple`/`container`/`mixed` (or 简单型/容器型/混合型).
    pub fn parse(s: &str) -> Option<ElementKind> {
        Some(match s.trim() {
            "simple" | "简单型" => ElementKind::Simple,
            "container" | "容器型" => ElementKind::Container,
            "mixed" | "混合型" => ElementKind::Mixed,
            _ => return None,
        })
    }
    /// Whether the element carries a value.
    pub fn has_value(self) -> bool {
        self != ElementKind::Container
    }
    /// Whether the element may have sub-elements.
    pub fn has_children(self) -> bool {
        self != ElementKind::Simple
    }
}

/// 数据类型 of a simple element's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataType {
    /// Any text (length, pattern, domain and characters still apply).
    String,
    /// An integer (optional sign).
    Integer,
    /// An integer ≥ 1 (xs:positiveInteger).
    PositiveInteger,
    /// An integer ≥ 0 (file sizes).
    NonNegativeInteger,
    /// A decimal number (amounts); `fraction_digits` limits the digits after the point.
    Decimal,
    /// A calendar date in one of the element's accepted patterns.
    Date,
    /// A date and time in one of the element's accepted patterns (time zone and fractions allowed).
    DateTime,
    /// A year `YYYY` (xs:gYear).
    GYear,
    /// One of the values of the element's domain.
    Enumeration,
    /// Base64 data (签名结果, 证书).
    Base64,
}

impl DataType {
    /// Parses the schema file spelling (`string`, `positiveInteger`, `date`, `gYear`, …).
    pub fn parse(s: &str) -> Option<DataType> {
        Some(match s.trim() {
            "string" => DataType::String,
            "integer" => DataType::Integer,
            "positiveInteger" => DataType::PositiveInteger,
            "nonNegativeInteger" => DataType::NonNegativeInteger,
            "decimal" => DataType::Decimal,
            "date" => DataType::Date,
            "datetime" | "dateTime" => DataType::DateTime,
            "gYear" => DataType::GYear,
            "enumeration" => DataType::Enumeration,
            "base64" | "base64Binary" => DataType::Base64,
            _ => return None,
        })
    }
    /// The schema file spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DataType::String => "string",
            DataType::Integer => "integer",
            DataType::PositiveInteger => "positiveInteger",
            DataType::NonNegativeInteger => "nonNegativeInteger",
            DataType::Decimal => "decimal",
            DataType::Date => "date",
            DataType::DateTime => "datetime",
            DataType::GYear => "gYear",
            DataType::Enumeration => "enumeration",
            DataType::Base64 => "base64",
        }
    }
}

/// One allowed value of a value domain (值域), with its code (保管期限 永久 → `Y`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainValue {
    /// The value as written in metadata.
    pub value: String,
    /// Its code, used by the 档号 rule (`Y`, `D30`, `D10`).
    pub code: Option<String>,
    /// An older wording that is still accepted, with a warning (密级 `无`, `普通`).
    pub legacy: bool,
    /// Where the value comes from / what it means.
    pub note: Option<String>,
}

/// Characters a value must not contain (DA/T 70 1-6).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CharRule {
    /// Forbid control characters (C0 except TAB/LF/CR, DEL, C1), U+FFFD, U+FFFE/U+FFFF, the BOM and
    /// zero-width characters.
    pub control: bool,
    /// Further forbidden characters.
    pub chars: Vec<char>,
}

impl CharRule {
    /// Whether `c` is forbidden by this rule.
    pub fn forbids(&self, c: char) -> bool {
        (self.control && is_invisible_or_control(c)) || self.chars.contains(&c)
    }
}

/// The characters the `control = true` setting forbids.
pub fn is_invisible_or_control(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{fffd}' | '\u{fffe}' | '\u{ffff}')
}

/// A condition of a 条件选 element, as data (see `schemas/README.md`, "Conditions").
/// Paths are canonical element paths; they are looked up from the element's parent outwards
/// to the record root (so a condition inside a component entry sees that entry first).
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// The element is present (a container) or has a non-empty value.
    Present(String),
    /// The element is absent or empty.
    Absent(String),
    /// The element's value is one of the listed values.
    Equals(String, Vec<String>),
    /// The element's value matches the regular expression (whole value).
    Matches(String, Pattern),
    /// All sub-conditions hold.
    All(Vec<Condition>),
    /// At least one sub-condition holds.
    Any(Vec<Condition>),
    /// The sub-condition does not hold.
    Not(Box<Condition>),
}

impl Condition {
    /// Element paths the condition mentions.
    pub fn paths(&self) -> Vec<&str> {
        match self {
            Condition::Present(p)
            | Condition::Absent(p)
            | Condition::Equals(p, _)
            | Condition::Matches(p, _) => vec![p.as_str()],
            Condition::All(cs) | Condition::Any(cs) => cs.iter().flat_map(|c| c.paths()).collect(),
            Condition::Not(c) => c.paths(),
        }
    }
    pub(crate) fn paths_mut(&mut self) -> Vec<&mut String> {
        match self {
            Condition::Present(p)
            | Condition::Absent(p)
            | Condition::Equals(p, _)
            | Condition::Matches(p, _) => vec![p],
            Condition::All(cs) | Condition::Any(cs) => {
                cs.iter_mut().flat_map(|c| c.paths_mut()).collect()
            }
            Condition::Not(c) => c.paths_mut(),
        }
    }
    /// A readable rendering (`present(数字化属性)`, `内容描述/密级 ∈ {秘密, 机密}` …).
    pub fn describe(&self) -> String {
        match self {
            Condition::Present(p) => format!("present({p})"),
            Condition::Absent(p) => format!("absent({p})"),
            Condition::Equals(p, v) => format!("{p} ∈ {{{}}}", v.join(", ")),
            Condition::Matches(p, r) => format!("{p} ~ /{}/", r.as_str()),
            Condition::All(cs) => format!(
                "all({})",
                cs.iter()
                    .map(|c| c.describe())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            Condition::Any(cs) => format!(
                "any({})",
                cs.iter()
                    .map(|c| c.describe())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            Condition::Not(c) => format!("not({})", c.describe()),
        }
    }
}

/// Where a definition was written (for errors found after merging schemas).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The schema file (for built-ins: `schemas/<id>.toml`).
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
}

/// One element of a schema, described as DA/T 46 describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ElementDef {
    /// 编号 (`M1` … `M88`; extensions use their own prefix, e.g. `K1`, format elements `F1`).
    pub number: String,
    /// 中文名称 (the XML element name).
    pub name: String,
    /// 英文名称.
    pub english: String,
    /// Canonical path of the parent element (`""` for a top-level element).
    pub parent: String,
    /// Canonical path (`内容描述/题名`).
    pub path: String,
    /// Simple, container or mixed.
    pub kind: ElementKind,
    /// 约束性.
    pub constraint: Constraint,
    /// Machine-readable condition of a 条件选 element (`None`: the condition is prose only and
    /// the element is then checked like an optional one).
    pub when: Option<Condition>,
    /// The condition in words (条件).
    pub condition_text: Option<String>,
    /// 可重复性.
    pub repeatable: bool,
    /// 数据类型.
    pub data_type: DataType,
    /// Accepted patterns for `date`/`datetime` values (empty: the schema's defaults).
    pub formats: Vec<DatePattern>,
    /// Maximum length in characters (DA/T 70 1-2).
    pub max_length: Option<usize>,
    /// Maximum digits after the decimal point (`decimal`).
    pub fraction_digits: Option<u32>,
    /// A regular expression the whole value must match (DA/T 70 1-3).
    pub pattern: Option<Pattern>,
    /// 值域 (DA/T 70 1-4); empty means any value.
    pub domain: Vec<DomainValue>,
    /// Characters added to the schema's forbidden set for this element.
    pub forbidden_add: Vec<char>,
    /// Characters removed from the schema's forbidden set for this element.
    pub forbidden_allow: Vec<char>,
    /// Overrides the schema's `control` setting for this element.
    pub forbid_control: Option<bool>,
    /// The effective forbidden characters (schema default ± the element's changes).
    pub forbidden: CharRule,
    /// 缺省值: what capture should write when it has nothing better.
    pub default: Option<String>,
    /// Whether values must be unique within a batch (DA/T 70 1-8).
    pub unique: bool,
    /// Other places the element (with its sub-elements) may appear: element paths (`文件数据/文档`)
    /// or `""` for the record root. When instances of such a place exist, a required element is
    /// required in each of them instead of under its canonical parent.
    pub also_in: Vec<String>,
    /// 定义/注释 and the confidence of the description.
    pub note: Option<String>,
    /// Where it was defined (or last overridden).
    pub origin: Origin,
    pub(crate) parent_line: usize,
    pub(crate) when_line: usize,
    pub(crate) type_line: usize,
    pub(crate) formats_line: usize,
    pub(crate) domain_line: usize,
}

impl ElementDef {
    /// A definition with the given name and neutral defaults (simple optional string).
    pub fn new(name: &str) -> ElementDef {
        ElementDef {
            number: String::new(),
            name: name.to_string(),
            english: String::new(),
            parent: String::new(),
            path: name.to_string(),
            kind: ElementKind::Simple,
            constraint: Constraint::Optional,
            when: None,
            condition_text: None,
            repeatable: false,
            data_type: DataType::String,
            formats: Vec::new(),
            max_length: None,
            fraction_digits: None,
            pattern: None,
            domain: Vec::new(),
            forbidden_add: Vec::new(),
            forbidden_allow: Vec::new(),
            forbid_control: None,
            forbidden: CharRule::default(),
            default: None,
            unique: false,
            also_in: Vec::new(),
            note: None,
            origin: Origin::default(),
            parent_line: 0,
            when_line: 0,
            type_line: 0,
            formats_line: 0,
            domain_line: 0,
        }
    }

    /// The origin with a more precise line (a key's line in the element's own file), if known.
    pub(crate) fn origin_for(&self, line: usize) -> Origin {
        Origin {
            file: self.origin.file.clone(),
            line: if line > 0 { line } else { self.origin.line },
        }
    }

    /// The domain entry for a value, if the value is in the domain (by value or by code).
    pub fn domain_entry(&self, value: &str) -> Option<&DomainValue> {
        self.domain.iter().find(|d| d.value == value).or_else(|| {
            self.domain
                .iter()
                .find(|d| d.code.as_deref() == Some(value))
        })
    }

    /// The code of a domain value (`定期30年` → `D30`); a code given as the value maps to itself.
    pub fn code_of(&self, value: &str) -> Option<&str> {
        self.domain_entry(value).and_then(|d| d.code.as_deref())
    }
}

/// A DA/T 70 1-5 reasonableness rule.
#[derive(Debug, Clone, PartialEq)]
pub enum ReasonableKind {
    /// The year in `year` agrees with the year of `date`: `year - before ≤ year(date) ≤ year + after`.
    YearAgrees {
        /// Path of the year (gYear) element.
        year: String,
        /// Path of the date element (or another year).
        date: String,
        /// How many years the date may lie before the year.
        before: i32,
        /// How many years the date may lie after the year.
        after: i32,
    },
    /// Dates and times that must not lie in the future.
    NotFuture {
        /// Paths of the elements.
        elements: Vec<String>,
    },
    /// A number within bounds.
    Range {
        /// Path of the element.
        element: String,
        /// Smallest allowed value.
        min: Option<rust_decimal::Decimal>,
        /// Largest allowed value.
        max: Option<rust_decimal::Decimal>,
    },
    /// `total` equals the sum of `parts` (价税合计 = 金额 + 税额), within `tolerance`; checked in every
    /// instance of the elements' common parent.
    Sum {
        /// Path of the total.
        total: String,
        /// Paths of the parts.
        parts: Vec<String>,
        /// Allowed absolute difference.
        tolerance: rust_decimal::Decimal,
    },
    /// The retention period is not shorter than the table's period for the record's category
    /// (e.g. 会计凭证 → 定期30年).
    Retention {
        /// Path of the category element (会计资料类别 …).
        category: String,
        /// Path of the retention element (档号/保管期限).
        period: String,
    },
}

/// A named reasonableness rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ReasonableRule {
    /// Stable id (a user schema replaces a rule with the same id).
    pub id: String,
    /// What it checks.
    pub kind: ReasonableKind,
    /// Explanation shown in findings.
    pub description: Option<String>,
    /// Where it was defined.
    pub origin: Origin,
}

/// One row of a retention table (保管期限表), e.g. 会计凭证 → 定期30年 (会计档案管理办法 令第79号).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionRule {
    /// The kind of material (会计凭证, 原始凭证, 年度财务报告 …).
    pub category: String,
    /// Retention value as in the 保管期限 domain (永久 / 定期30年 / 定期10年 …).
    pub period: String,
    /// Source and remarks.
    pub basis: Option<String>,
}
