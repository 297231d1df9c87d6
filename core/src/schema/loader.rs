//! Reads schema files (TOML, format in `schemas/README.md`): syntax errors and semantic errors
//! (unknown data type, bad regex, a condition naming an unknown element …) are reported with the
//! file, the 1-based line and the reason. Applies `extends`, `remove`, `[[override]]` and new
//! `[[element]]`s, then [`finalize`]s the merged schema.

use super::archival_code::Agreement;
use super::datatype::{DatePattern, DEFAULT_DATETIME_FORMATS, DEFAULT_DATE_FORMATS};
use super::finalize::{finalize, find_def};
use super::model::*;
use super::{ContinuityGroup, Schema};
use crate::{Error, Result};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use toml::Spanned;

/// Largest schema file accepted.
pub const MAX_SCHEMA_BYTES: u64 = 4 << 20;
/// Deepest `extends` chain accepted.
pub const MAX_EXTENDS_DEPTH: usize = 8;
/// Most elements a schema may define.
pub const MAX_ELEMENTS: usize = 5000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    schema: RawHeader,
    #[serde(default)]
    element: Vec<RawElement>,
    #[serde(default, rename = "override")]
    overrides: Vec<RawElement>,
    #[serde(default)]
    archival_code: Option<Spanned<RawArchival>>,
    #[serde(default)]
    continuity: Vec<Spanned<RawContinuity>>,
    #[serde(default)]
    reasonable: Vec<Spanned<RawReasonable>>,
    #[serde(default)]
    retention: Vec<Spanned<RawRetention>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    id: Spanned<String>,
    name: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    extends: Option<Spanned<String>>,
    #[serde(default)]
    remove: Vec<Spanned<String>>,
    #[serde(default)]
    forbidden: Option<RawForbidden>,
    #[serde(default)]
    date_formats: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    datetime_formats: Option<Spanned<Vec<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForbidden {
    #[serde(default)]
    control: Option<bool>,
    #[serde(default)]
    chars: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawElement {
    name: Spanned<String>,
    #[serde(default)]
    no: Option<String>,
    #[serde(default)]
    en: Option<String>,
    #[serde(default)]
    parent: Option<Spanned<String>>,
    #[serde(default)]
    kind: Option<Spanned<String>>,
    #[serde(default)]
    constraint: Option<Spanned<String>>,
    #[serde(default)]
    when: Option<Spanned<toml::Value>>,
    #[serde(default)]
    condition: Option<String>,
    #[serde(default)]
    repeatable: Option<bool>,
    #[serde(default, rename = "type")]
    data_type: Option<Spanned<String>>,
    #[serde(default)]
    formats: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    max_length: Option<usize>,
    #[serde(default)]
    fraction_digits: Option<u32>,
    #[serde(default)]
    pattern: Option<Spanned<String>>,
    #[serde(default)]
    domain: Option<Spanned<Vec<RawDomain>>>,
    #[serde(default)]
    forbidden_chars: Option<String>,
    #[serde(default)]
    allowed_chars: Option<String>,
    #[serde(default)]
    forbid_control: Option<bool>,
    #[serde(default)]
    default: Option<String>,
    #[serde(default)]
    unique: Option<bool>,
    #[serde(default)]
    also_in: Option<Vec<String>>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawDomain {
    Value(String),
    Full(RawDomainFull),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDomainFull {
    value: String,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    legacy: bool,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArchival {
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    element: Option<String>,
    #[serde(default)]
    template: Option<String>,
    #[serde(default)]
    example: Option<String>,
    #[serde(default)]
    parts: BTreeMap<String, RawPart>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPart {
    #[serde(default)]
    pattern: Option<String>,
    #[serde(default)]
    domain: Vec<String>,
    #[serde(default)]
    expected: Option<String>,
    #[serde(default)]
    element: Option<String>,
    #[serde(default)]
    agree: Option<String>,
    #[serde(default)]
    codes: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContinuity {
    element: String,
    #[serde(default)]
    scope: Vec<String>,
    #[serde(default = "one")]
    start: u64,
    #[serde(default = "yes")]
    enabled: bool,
}

fn one() -> u64 {
    1
}
fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReasonable {
    id: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    year: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    years_before: Option<i32>,
    #[serde(default)]
    years_after: Option<i32>,
    #[serde(default)]
    elements: Vec<String>,
    #[serde(default)]
    element: Option<String>,
    #[serde(default)]
    min: Option<String>,
    #[serde(default)]
    max: Option<String>,
    #[serde(default)]
    total: Option<String>,
    #[serde(default)]
    parts: Vec<String>,
    #[serde(default)]
    tolerance: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    period: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRetention {
    category: String,
    period: String,
    #[serde(default)]
    basis: Option<String>,
}

/// Converts a byte offset into a 1-based line number.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    let end = (0..=end)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    text[..end].matches('\n').count() + 1
}

struct Ctx<'a> {
    text: &'a str,
    path: &'a Path,
}

impl Ctx<'_> {
    fn line<T>(&self, s: &Spanned<T>) -> usize {
        line_of(self.text, s.span().start)
    }
    fn err(&self, line: usize, reason: impl Into<String>) -> Error {
        Error::Schema {
            path: self.path.to_path_buf(),
            line: Some(line),
            reason: reason.into(),
        }
    }
    fn origin(&self, line: usize) -> Origin {
        Origin {
            file: self.path.to_path_buf(),
            line,
        }
    }
}

/// Reads a schema file from disk (size-limited), following `extends`.
pub(crate) fn load_file(path: &Path, depth: usize) -> Result<Schema> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(Error::invalid(path, "a schema must be a file"));
    }
    if meta.len() > MAX_SCHEMA_BYTES {
        return Err(Error::Limit {
            path: path.to_path_buf(),
            limit: format!(
                "schema file is {} bytes, more than {MAX_SCHEMA_BYTES}",
                meta.len()
            ),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8(bytes).map_err(|e| Error::Schema {
        path: path.to_path_buf(),
        line: Some(line_of(
            &String::from_utf8_lossy(e.as_bytes()),
            e.utf8_error().valid_up_to(),
        )),
        reason: "the file is not UTF-8".into(),
    })?;
    parse(&text, path, depth)
}

/// Parses schema text; `path` names it in errors and anchors relative `extends` paths.
pub(crate) fn parse(text: &str, path: &Path, depth: usize) -> Result<Schema> {
    let cx = Ctx { text, path };
    let raw: RawFile = toml::from_str(text).map_err(|e| Error::Schema {
        path: path.to_path_buf(),
        line: e.span().map(|s| line_of(text, s.start)),
        reason: e.message().trim().to_string(),
    })?;
    let hdr = &raw.schema;
    // Base schema.
    let mut schema = match &hdr.extends {
        None => Schema::empty(),
        Some(ext) => {
            if depth >= MAX_EXTENDS_DEPTH {
                return Err(cx.err(
                    cx.line(ext),
                    format!("`extends` chain deeper than {MAX_EXTENDS_DEPTH} (a cycle?)"),
                ));
            }
            let name = ext.get_ref();
            if Schema::builtin_ids().contains(&name.as_str()) {
                Schema::builtin(name)?
            } else {
                let base_path = path.parent().unwrap_or(Path::new(".")).join(name);
                if !base_path.is_file() {
                    return Err(cx.err(
                        cx.line(ext),
                        format!(
                            "`extends = \"{name}\"`: not a built-in schema ({}) and no file {}",
                            Schema::builtin_ids().join(", "),
                            base_path.display()
                        ),
                    ));
                }
                load_file(&base_path, depth + 1)?
            }
        }
    };
    schema.extends = hdr.extends.as_ref().map(|e| e.get_ref().clone());
    schema.id = hdr.id.get_ref().trim().to_string();
    if schema.id.is_empty() {
        return Err(cx.err(cx.line(&hdr.id), "[schema] id must not be empty"));
    }
    schema.name = hdr.name.clone();
    if hdr.version.is_some() {
        schema.version = hdr.version.clone();
    }
    if hdr.description.is_some() {
        schema.description = hdr.description.clone();
    }
    if hdr.source.is_some() {
        schema.source = hdr.source.clone();
    }
    schema.origin = path.to_path_buf();
    if let Some(f) = &hdr.forbidden {
        if let Some(c) = f.control {
            schema.forbidden.control = c;
        }
        if let Some(chars) = &f.chars {
            schema.forbidden.chars = chars.chars().collect();
        }
    }
    if let Some(f) = &hdr.date_formats {
        schema.date_formats = date_patterns(&cx, f)?;
    }
    if let Some(f) = &hdr.datetime_formats {
        schema.datetime_formats = date_patterns(&cx, f)?;
    }
    // remove
    for r in &hdr.remove {
        let idx = find_def(&schema.elements, r.get_ref())
            .map_err(|e| cx.err(cx.line(r), format!("remove: {e}")))?;
        let removed = schema.elements[idx].path.clone();
        let prefix = format!("{removed}/");
        schema
            .elements
            .retain(|d| d.path != removed && !d.path.starts_with(&prefix));
        // Places inside the removed subtree are no longer places an element may appear.
        for d in &mut schema.elements {
            d.also_in
                .retain(|a| a != &removed && !a.starts_with(&prefix));
        }
    }
    // overrides
    for o in &raw.overrides {
        let idx = find_def(&schema.elements, o.name.get_ref()).map_err(|e| {
            cx.err(
                cx.line(&o.name),
                format!("[[override]] {e} (use [[element]] to add a new element)"),
            )
        })?;
        let mut def = schema.elements[idx].clone();
        let name = def.name.clone();
        // Lines of keys refer to the file that last wrote the element.
        def.parent_line = 0;
        def.when_line = 0;
        def.type_line = 0;
        def.formats_line = 0;
        def.domain_line = 0;
        apply(&cx, &mut def, o)?;
        def.name = name;
        def.origin = cx.origin(cx.line(&o.name));
        schema.elements[idx] = def;
    }
    // new elements
    for e in &raw.element {
        let name = e.name.get_ref().trim();
        if name.is_empty() || name.contains('/') {
            return Err(cx.err(
                cx.line(&e.name),
                format!("element name `{name}` must be non-empty and contain no `/`"),
            ));
        }
        let mut def = ElementDef::new(name);
        def.origin = cx.origin(cx.line(&e.name));
        apply(&cx, &mut def, e)?;
        schema.elements.push(def);
        if schema.elements.len() > MAX_ELEMENTS {
            return Err(cx.err(
                cx.line(&e.name),
                format!("more than {MAX_ELEMENTS} elements"),
            ));
        }
    }
    // archival code
    if let Some(a) = &raw.archival_code {
        let line = cx.line(a);
        let a = a.get_ref();
        if a.enabled == Some(false) {
            schema.archival_code_raw = None;
        } else {
            let mut merged = schema.archival_code_raw.clone().unwrap_or_default();
            if merged.element.is_empty() {
                merged.element = "档号".into();
            }
            if let Some(e) = &a.element {
                merged.element = e.clone();
            }
            if let Some(t) = &a.template {
                merged.template = t.clone();
            }
            if a.example.is_some() {
                merged.example = a.example.clone();
            }
            for (name, part) in &a.parts {
                let p = part_from_raw(part)
                    .map_err(|e| cx.err(line, format!("[archival_code.parts.{name}]: {e}")))?;
                merged.parts.insert(name.clone(), (p, cx.origin(line)));
            }
            if let Some(t) = &a.template {
                // Parts the new template no longer uses are dropped.
                let used: Vec<String> = t
                    .split('{')
                    .skip(1)
                    .filter_map(|s| s.split_once('}').map(|(n, _)| n.trim().to_string()))
                    .collect();
                merged.parts.retain(|k, _| used.contains(k));
            }
            merged.origin = cx.origin(line);
            schema.archival_code_raw = Some(merged);
        }
    }
    // continuity
    for c in &raw.continuity {
        let line = cx.line(c);
        let c = c.get_ref();
        schema
            .continuity_origins
            .retain(|(g, _)| g.element != c.element);
        if c.enabled {
            schema.continuity_origins.push((
                ContinuityGroup {
                    element: c.element.clone(),
                    scope: c.scope.clone(),
                    start: c.start,
                },
                cx.origin(line),
            ));
        }
    }
    // reasonableness
    for r in &raw.reasonable {
        let line = cx.line(r);
        let rr = r.get_ref();
        schema.reasonable.retain(|x| x.id != rr.id);
        if rr.enabled {
            let kind = reasonable_from_raw(rr)
                .map_err(|e| cx.err(line, format!("[[reasonable]] `{}`: {e}", rr.id)))?;
            schema.reasonable.push(ReasonableRule {
                id: rr.id.clone(),
                kind,
                description: rr.description.clone(),
                origin: cx.origin(line),
            });
        }
    }
    // retention
    for r in &raw.retention {
        let rr = r.get_ref();
        schema.retention.retain(|x| x.category != rr.category);
        schema.retention.push(RetentionRule {
            category: rr.category.clone(),
            period: rr.period.clone(),
            basis: rr.basis.clone(),
        });
    }
    finalize(&mut schema).map_err(|(origin, reason)| {
        let reason = if origin.file != path {
            format!("{reason} (after applying {})", path.display())
        } else {
            reason
        };
        Error::Schema {
            path: origin.file,
            line: (origin.line > 0).then_some(origin.line),
            reason,
        }
    })?;
    Ok(schema)
}

fn date_patterns(cx: &Ctx<'_>, f: &Spanned<Vec<String>>) -> Result<Vec<DatePattern>> {
    let line = cx.line(f);
    if f.get_ref().is_empty() {
        return Err(cx.err(line, "the list of date patterns is empty"));
    }
    f.get_ref()
        .iter()
        .map(|s| DatePattern::parse(s).map_err(|e| cx.err(line, e)))
        .collect()
}

/// Applies the keys present in `raw` to `def` (a new element or an override).
fn apply(cx: &Ctx<'_>, def: &mut ElementDef, raw: &RawElement) -> Result<()> {
    if let Some(n) = &raw.no {
        def.number = n.clone();
    }
    if let Some(en) = &raw.en {
        def.english = en.clone();
    }
    if let Some(p) = &raw.parent {
        def.parent = p.get_ref().trim().trim_matches('/').to_string();
        def.parent_line = cx.line(p);
    }
    if let Some(k) = &raw.kind {
        def.kind = ElementKind::parse(k.get_ref()).ok_or_else(|| {
            cx.err(
                cx.line(k),
                format!(
                    "element {}: unknown kind `{}` (simple, container, mixed)",
                    def.name,
                    k.get_ref()
                ),
            )
        })?;
    }
    if let Some(c) = &raw.constraint {
        def.constraint = Constraint::parse(c.get_ref()).ok_or_else(|| {
            cx.err(
                cx.line(c),
                format!(
                    "element {}: unknown constraint `{}` (必选, 条件选, 可选)",
                    def.name,
                    c.get_ref()
                ),
            )
        })?;
        if def.constraint != Constraint::Conditional && raw.when.is_none() {
            def.when = None;
        }
    }
    if let Some(w) = &raw.when {
        let line = cx.line(w);
        def.when = Some(
            condition(w.get_ref())
                .map_err(|e| cx.err(line, format!("element {}: when: {e}", def.name)))?,
        );
        def.when_line = line;
    }
    if raw.condition.is_some() {
        def.condition_text = raw.condition.clone();
    }
    if let Some(r) = raw.repeatable {
        def.repeatable = r;
    }
    if let Some(t) = &raw.data_type {
        def.data_type = DataType::parse(t.get_ref()).ok_or_else(|| {
            cx.err(
                cx.line(t),
                format!(
                    "element {}: unknown data type `{}` (string, integer, positiveInteger, \
                     nonNegativeInteger, decimal, date, datetime, gYear, enumeration, base64)",
                    def.name,
                    t.get_ref()
                ),
            )
        })?;
        def.type_line = cx.line(t);
    }
    if let Some(f) = &raw.formats {
        def.formats = date_patterns(cx, f)?;
        def.formats_line = cx.line(f);
    }
    if let Some(m) = raw.max_length {
        def.max_length = (m > 0).then_some(m);
    }
    if let Some(f) = raw.fraction_digits {
        def.fraction_digits = Some(f);
    }
    if let Some(p) = &raw.pattern {
        def.pattern = if p.get_ref().is_empty() {
            None
        } else {
            Some(Pattern::anchored(p.get_ref()).map_err(|e| {
                cx.err(
                    cx.line(p),
                    format!("element {}: bad regular expression: {e}", def.name),
                )
            })?)
        };
    }
    if let Some(d) = &raw.domain {
        let mut seen = Vec::new();
        def.domain = Vec::new();
        for v in d.get_ref() {
            let dv = match v {
                RawDomain::Value(s) => DomainValue {
                    value: s.clone(),
                    code: None,
                    legacy: false,
                    note: None,
                },
                RawDomain::Full(f) => DomainValue {
                    value: f.value.clone(),
                    code: f.code.clone(),
                    legacy: f.legacy,
                    note: f.note.clone(),
                },
            };
            if seen.contains(&dv.value) {
                return Err(cx.err(
                    cx.line(d),
                    format!(
                        "element {}: domain value `{}` listed twice",
                        def.name, dv.value
                    ),
                ));
            }
            seen.push(dv.value.clone());
            def.domain.push(dv);
        }
        def.domain_line = cx.line(d);
    }
    if let Some(c) = &raw.forbidden_chars {
        def.forbidden_add = c.chars().collect();
    }
    if let Some(c) = &raw.allowed_chars {
        def.forbidden_allow = c.chars().collect();
    }
    if raw.forbid_control.is_some() {
        def.forbid_control = raw.forbid_control;
    }
    if let Some(d) = &raw.default {
        def.default = (!d.is_empty()).then(|| d.clone());
    }
    if let Some(u) = raw.unique {
        def.unique = u;
    }
    if let Some(a) = &raw.also_in {
        def.also_in = a
            .iter()
            .map(|s| s.trim().trim_matches('/').to_string())
            .collect();
    }
    if raw.note.is_some() {
        def.note = raw.note.clone();
    }
    Ok(())
}

/// Parses a condition (see `schemas/README.md`, "Conditions").
fn condition(v: &toml::Value) -> std::result::Result<Condition, String> {
    let t = v
        .as_table()
        .ok_or("a condition is a table such as { present = \"数字化属性\" }")?;
    if t.len() != 1 {
        return Err(format!(
            "a condition has exactly one key (present, absent, equals, matches, all, any, not), found {}",
            t.len()
        ));
    }
    let (k, v) = t.iter().next().ok_or("empty condition")?;
    let string = |v: &toml::Value| -> std::result::Result<String, String> {
        v.as_str()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| format!("`{k}` takes an element path"))
    };
    Ok(match k.as_str() {
        "present" => Condition::Present(string(v)?),
        "absent" => Condition::Absent(string(v)?),
        "equals" | "matches" => {
            let t = v
                .as_table()
                .ok_or_else(|| format!("`{k}` takes a table {{ \"element\" = value }}"))?;
            if t.is_empty() {
                return Err(format!("`{k}` names no element"));
            }
            let mut all = Vec::new();
            for (path, val) in t {
                if k == "equals" {
                    let vals: Vec<String> = match val {
                        toml::Value::String(s) => vec![s.clone()],
                        toml::Value::Array(a) => a
                            .iter()
                            .map(|x| {
                                x.as_str()
                                    .map(str::to_string)
                                    .ok_or("equals: values must be strings")
                            })
                            .collect::<std::result::Result<_, _>>()?,
                        _ => return Err("equals: a value is a string or a list of strings".into()),
                    };
                    all.push(Condition::Equals(path.clone(), vals));
                } else {
                    let re = val
                        .as_str()
                        .ok_or("matches: the value is a regular expression")?;
                    let p = Pattern::anchored(re)
                        .map_err(|e| format!("matches: bad regular expression: {e}"))?;
                    all.push(Condition::Matches(path.clone(), p));
                }
            }
            if all.len() == 1 {
                all.remove(0)
            } else {
                Condition::All(all)
            }
        }
        "all" | "any" => {
            let a = v
                .as_array()
                .ok_or_else(|| format!("`{k}` takes a list of conditions"))?;
            if a.is_empty() {
                return Err(format!("`{k}` has an empty list"));
            }
            let cs = a
                .iter()
                .map(condition)
                .collect::<std::result::Result<Vec<_>, _>>()?;
            if k == "all" {
                Condition::All(cs)
            } else {
                Condition::Any(cs)
            }
        }
        "not" => Condition::Not(Box::new(condition(v)?)),
        other => {
            return Err(format!(
                "unknown condition `{other}` (present, absent, equals, matches, all, any, not)"
            ))
        }
    })
}

fn part_from_raw(p: &RawPart) -> std::result::Result<RawPartDef, String> {
    let agree = match &p.agree {
        None => None,
        Some(a) => Some(
            Agreement::parse(a)
                .ok_or_else(|| format!("unknown agree `{a}` (text, number, code)"))?,
        ),
    };
    if let Some(pat) = &p.pattern {
        Pattern::anchored(pat).map_err(|e| format!("bad regular expression: {e}"))?;
    }
    Ok(RawPartDef {
        pattern: p.pattern.clone(),
        domain: p.domain.clone(),
        expected: p.expected.clone(),
        element: p.element.clone(),
        agree,
        codes: p.codes.clone(),
    })
}

fn decimal(s: &Option<String>, what: &str) -> std::result::Result<Option<Decimal>, String> {
    match s {
        None => Ok(None),
        Some(s) => Decimal::from_str(s.trim())
            .map(Some)
            .map_err(|_| format!("`{what}` must be a decimal number, found `{s}`")),
    }
}

fn reasonable_from_raw(r: &RawReasonable) -> std::result::Result<ReasonableKind, String> {
    let need = |o: &Option<String>, k: &str| -> std::result::Result<String, String> {
        o.clone().ok_or_else(|| format!("needs `{k}`"))
    };
    let kind = r.kind.as_deref().ok_or("needs `kind`")?;
    Ok(match kind {
        "year_agrees" => ReasonableKind::YearAgrees {
            year: need(&r.year, "year")?,
            date: need(&r.date, "date")?,
            before: r.years_before.unwrap_or(0),
            after: r.years_after.unwrap_or(0),
        },
        "not_future" => {
            if r.elements.is_empty() {
                return Err("needs `elements`".into());
            }
            ReasonableKind::NotFuture {
                elements: r.elements.clone(),
            }
        }
        "range" => {
            let min = decimal(&r.min, "min")?;
            let max = decimal(&r.max, "max")?;
            if min.is_none() && max.is_none() {
                return Err("needs `min` or `max`".into());
            }
            ReasonableKind::Range {
                element: need(&r.element, "element")?,
                min,
                max,
            }
        }
        "sum" => {
            if r.parts.is_empty() {
                return Err("needs `parts`".into());
            }
            ReasonableKind::Sum {
                total: need(&r.total, "total")?,
                parts: r.parts.clone(),
                tolerance: decimal(&r.tolerance, "tolerance")?.unwrap_or(Decimal::ZERO),
            }
        }
        "retention" => ReasonableKind::Retention {
            category: need(&r.category, "category")?,
            period: need(&r.period, "period")?,
        },
        other => {
            return Err(format!(
                "unknown kind `{other}` (year_agrees, not_future, range, sum, retention)"
            ))
        }
    })
}

/// The archival code rule before compilation (parts merge by name across `extends`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct RawArchivalDef {
    pub element: String,
    pub template: String,
    pub example: Option<String>,
    pub parts: BTreeMap<String, (RawPartDef, Origin)>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawPartDef {
    pub pattern: Option<String>,
    pub domain: Vec<String>,
    pub expected: Option<String>,
    pub element: Option<String>,
    pub agree: Option<Agreement>,
    pub codes: BTreeMap<String, String>,
}

/// Default date patterns as parsed patterns.
pub(crate) fn default_patterns(time: bool) -> Vec<DatePattern> {
    let src = if time {
        DEFAULT_DATETIME_FORMATS
    } else {
        DEFAULT_DATE_FORMATS
    };
    src.iter()
        .filter_map(|p| DatePattern::parse(p).ok())
        .collect()
}

/// The file name used for a built-in schema in errors and origins.
pub(crate) fn builtin_path(id: &str) -> PathBuf {
    PathBuf::from(format!("schemas/{id}.toml"))
}
