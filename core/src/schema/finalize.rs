//! The last step of loading a schema: resolves parents and `also_in` into paths, builds the path
//! index, computes effective forbidden characters and checks every cross-reference (conditions,
//! unique keys, continuity, reasonableness rules, the 档号 rule) of the merged schema.

use super::archival_code::{Agreement, ArchivalCodeRule, CodePart};
use super::model::*;
use super::{ContinuityGroup, Schema};
use std::collections::BTreeMap;

/// Finds an element by canonical path or by name; a name shared by several elements means the
/// first one in schema order (the DA/T 46 element before the record-folder ones), as
/// [`Schema::element`] does.
pub(crate) fn find_def(defs: &[ElementDef], s: &str) -> Result<usize, String> {
    let s = s.trim().trim_matches('/');
    if s.contains('/') {
        return defs
            .iter()
            .position(|d| d.path == s)
            .ok_or_else(|| format!("no element with path `{s}`"));
    }
    defs.iter()
        .position(|d| d.name == s)
        .ok_or_else(|| format!("no element named `{s}`"))
}

type Fail = (Origin, String);

/// Resolves parents and paths, builds the path index and checks every cross-reference.
pub(crate) fn finalize(s: &mut Schema) -> Result<(), Fail> {
    // 1. paths from parents (names or paths), in any definition order
    let n = s.elements.len();
    let mut done = vec![false; n];
    for _ in 0..=n {
        let mut progress = false;
        for i in 0..n {
            if done[i] {
                continue;
            }
            let parent = s.elements[i].parent.clone();
            if parent.is_empty() {
                s.elements[i].path = s.elements[i].name.clone();
                done[i] = true;
                progress = true;
                continue;
            }
            let cands: Vec<usize> = (0..n)
                .filter(|&j| {
                    done[j]
                        && j != i
                        && (s.elements[j].path == parent
                            || (!parent.contains('/') && s.elements[j].name == parent))
                })
                .collect();
            let exact: Vec<usize> = cands
                .iter()
                .copied()
                .filter(|&j| s.elements[j].path == parent)
                .collect();
            let pick = if exact.len() == 1 {
                Some(exact[0])
            } else if cands.len() == 1 {
                Some(cands[0])
            } else if cands.len() > 1 {
                let d = &s.elements[i];
                return Err((
                    d.origin_for(d.parent_line),
                    format!(
                        "element {}: parent `{parent}` is ambiguous; write its path",
                        d.name
                    ),
                ));
            } else {
                None
            };
            if let Some(j) = pick {
                let pp = s.elements[j].path.clone();
                let d = &mut s.elements[i];
                d.parent = pp.clone();
                d.path = format!("{pp}/{}", d.name);
                done[i] = true;
                progress = true;
            }
        }
        if !progress {
            break;
        }
    }
    if let Some(i) = (0..n).find(|&i| !done[i]) {
        let d = &s.elements[i];
        return Err((
            d.origin_for(d.parent_line),
            format!(
                "element {}: parent `{}` is not a defined element",
                d.name, d.parent
            ),
        ));
    }
    // 2. parents must be containers; canonical paths unique
    for i in 0..n {
        let d = &s.elements[i];
        if !d.parent.is_empty() {
            let p = s
                .elements
                .iter()
                .find(|p| p.path == d.parent)
                .map(|p| p.kind);
            if p == Some(ElementKind::Simple) {
                return Err((
                    d.origin_for(d.parent_line),
                    format!(
                        "element {}: parent `{}` is a simple element (make it kind = \"container\" or \"mixed\")",
                        d.name, d.parent
                    ),
                ));
            }
        }
        if let Some(j) = (0..i).find(|&j| s.elements[j].path == d.path) {
            return Err((
                d.origin.clone(),
                format!(
                    "element {} is defined twice (first at {}:{}); use [[override]] to change it",
                    d.path,
                    s.elements[j].origin.file.display(),
                    s.elements[j].origin.line
                ),
            ));
        }
    }
    // 3. also_in → canonical paths
    for i in 0..n {
        let also = s.elements[i].also_in.clone();
        let mut resolved = Vec::new();
        for a in also {
            if a.is_empty() {
                resolved.push(String::new());
                continue;
            }
            let j = find_def(&s.elements, &a).map_err(|e| {
                (
                    s.elements[i].origin.clone(),
                    format!("element {}: also_in: {e}", s.elements[i].name),
                )
            })?;
            if !s.elements[j].kind.has_children() {
                return Err((
                    s.elements[i].origin.clone(),
                    format!(
                        "element {}: also_in `{a}` is a simple element",
                        s.elements[i].name
                    ),
                ));
            }
            resolved.push(s.elements[j].path.clone());
        }
        s.elements[i].also_in = resolved;
    }
    // 4. index of every path an element may appear at
    let by_path: BTreeMap<String, usize> = s
        .elements
        .iter()
        .enumerate()
        .map(|(i, d)| (d.path.clone(), i))
        .collect();
    let mut memo: Vec<Option<Vec<String>>> = vec![None; n];
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for i in 0..n {
        let paths = all_paths(s, &by_path, i, &mut memo, 0)?;
        for p in paths {
            if let Some(&j) = index.get(&p) {
                if j != i {
                    return Err((
                        s.elements[i].origin.clone(),
                        format!(
                            "element {} may appear at `{p}`, where {} is already defined",
                            s.elements[i].path, s.elements[j].path
                        ),
                    ));
                }
            }
            index.insert(p, i);
        }
    }
    s.index = index;
    // 5. per-element rules
    for i in 0..n {
        let d = &s.elements[i];
        let at = |line: usize| d.origin_for(line);
        if d.data_type == DataType::Enumeration && d.domain.is_empty() {
            return Err((
                at(d.type_line),
                format!("element {}: type enumeration needs a domain", d.name),
            ));
        }
        if d.kind == ElementKind::Container
            && (d.pattern.is_some()
                || !d.domain.is_empty()
                || d.max_length.is_some()
                || d.data_type != DataType::String)
        {
            return Err((
                at(d.type_line.max(d.domain_line)),
                format!(
                    "element {} is a container: it has no value, so no type, pattern, domain or max_length",
                    d.name
                ),
            ));
        }
        if !d.formats.is_empty() && !matches!(d.data_type, DataType::Date | DataType::DateTime) {
            return Err((
                at(d.formats_line),
                format!(
                    "element {}: formats only apply to date and datetime elements",
                    d.name
                ),
            ));
        }
        if d.when.is_some() && d.constraint != Constraint::Conditional {
            return Err((
                at(d.when_line),
                format!(
                    "element {}: `when` is only for constraint = \"条件选\" (it is {})",
                    d.name,
                    d.constraint.zh()
                ),
            ));
        }
        if let Some(dv) = &d.default {
            if !d.domain.is_empty() && d.domain_entry(dv).is_none() {
                return Err((
                    d.origin.clone(),
                    format!("element {}: default `{dv}` is not in its domain", d.name),
                ));
            }
        }
    }
    // 6. effective forbidden characters
    for d in &mut s.elements {
        let mut chars: Vec<char> = s
            .forbidden
            .chars
            .iter()
            .copied()
            .chain(d.forbidden_add.iter().copied())
            .filter(|c| !d.forbidden_allow.contains(c))
            .collect();
        chars.sort_unstable();
        chars.dedup();
        d.forbidden = CharRule {
            control: d.forbid_control.unwrap_or(s.forbidden.control),
            chars,
        };
    }
    // 7. conditions name known elements (stored as canonical paths)
    for i in 0..n {
        let Some(mut w) = s.elements[i].when.clone() else {
            continue;
        };
        for p in w.paths_mut() {
            let j = find_def(&s.elements, p).map_err(|e| {
                let d = &s.elements[i];
                (
                    d.origin_for(d.when_line),
                    format!(
                        "element {}: condition names an unknown element: {e}",
                        d.name
                    ),
                )
            })?;
            *p = s.elements[j].path.clone();
        }
        s.elements[i].when = Some(w);
    }
    let canon = |s: &Schema, p: &str, origin: &Origin, what: &str| {
        find_def(&s.elements, p)
            .map(|j| s.elements[j].path.clone())
            .map_err(|e| (origin.clone(), format!("{what}: {e}")))
    };
    // 8. unique keys and continuity
    s.unique = s
        .elements
        .iter()
        .filter(|d| d.unique)
        .map(|d| d.path.clone())
        .collect();
    let mut groups = Vec::new();
    for (g, o) in s.continuity_origins.clone() {
        let element = canon(s, &g.element, &o, "[[continuity]] element")?;
        let scope = g
            .scope
            .iter()
            .map(|p| canon(s, p, &o, "[[continuity]] scope"))
            .collect::<Result<Vec<_>, _>>()?;
        groups.push(ContinuityGroup {
            element,
            scope,
            start: g.start,
        });
    }
    s.continuity = groups;
    // 9. reasonableness rules
    let mut rules = s.reasonable.clone();
    for r in &mut rules {
        let o = r.origin.clone();
        let what = format!("[[reasonable]] `{}`", r.id);
        match &mut r.kind {
            ReasonableKind::YearAgrees { year, date, .. } => {
                *year = canon(s, year, &o, &what)?;
                *date = canon(s, date, &o, &what)?;
            }
            ReasonableKind::NotFuture { elements } => {
                for e in elements.iter_mut() {
                    *e = canon(s, e, &o, &what)?;
                }
            }
            ReasonableKind::Range { element, .. } => *element = canon(s, element, &o, &what)?,
            ReasonableKind::Sum { total, parts, .. } => {
                *total = canon(s, total, &o, &what)?;
                for p in parts.iter_mut() {
                    *p = canon(s, p, &o, &what)?;
                }
            }
            ReasonableKind::Retention { category, period } => {
                *category = canon(s, category, &o, &what)?;
                *period = canon(s, period, &o, &what)?;
                if s.retention.is_empty() {
                    return Err((o, format!("{what}: the schema has no [[retention]] table")));
                }
                let pd = &s.elements[find_def(&s.elements, period).map_err(|e| (o.clone(), e))?];
                for row in &s.retention {
                    if !pd.domain.is_empty() && pd.domain_entry(&row.period).is_none() {
                        return Err((
                            o.clone(),
                            format!(
                                "[[retention]] {}: period `{}` is not in the domain of {}",
                                row.category, row.period, pd.path
                            ),
                        ));
                    }
                }
            }
        }
    }
    s.reasonable = rules;
    // 10. archival code
    s.archival_code = match s.archival_code_raw.clone() {
        None => None,
        Some(raw) => {
            let o = raw.origin.clone();
            if raw.template.is_empty() {
                return Err((o, "[archival_code] needs a template".into()));
            }
            let element = canon(s, &raw.element, &o, "[archival_code] element")?;
            let mut parts = Vec::new();
            for (name, (p, po)) in &raw.parts {
                let elem = match &p.element {
                    Some(e) => Some(canon(
                        s,
                        e,
                        po,
                        &format!("[archival_code.parts.{name}] element"),
                    )?),
                    None => None,
                };
                let pattern = Pattern::anchored(p.pattern.as_deref().unwrap_or(".+"))
                    .map_err(|e| (po.clone(), format!("[archival_code.parts.{name}]: {e}")))?;
                parts.push(CodePart {
                    name: name.clone(),
                    pattern,
                    domain: p.domain.clone(),
                    expected: p.expected.clone(),
                    element: elem,
                    agree: p.agree.unwrap_or(Agreement::Text),
                    codes: p.codes.clone(),
                });
            }
            // A part without a pattern gets "anything but the separators".
            let rule = ArchivalCodeRule::compile(
                element.clone(),
                raw.template.clone(),
                parts,
                raw.example.clone(),
            )
            .map_err(|e| (o.clone(), format!("[archival_code]: {e}")))?;
            let seps: String = rule
                .separators()
                .iter()
                .map(|c| regex::escape(&c.to_string()))
                .collect();
            let mut parts = rule.parts.clone();
            for p in &mut parts {
                let given = raw.parts.get(&p.name).and_then(|(r, _)| r.pattern.clone());
                if given.is_none() && !seps.is_empty() {
                    p.pattern =
                        Pattern::anchored(&format!("[^{seps}]+")).map_err(|e| (o.clone(), e))?;
                }
            }
            let rule = ArchivalCodeRule::compile(
                element,
                raw.template.clone(),
                parts,
                raw.example.clone(),
            )
            .map_err(|e| (o.clone(), format!("[archival_code]: {e}")))?;
            if let Some(ex) = &rule.example {
                let issues = rule.check(ex, &|_| None, &|_, _| None);
                if !issues.is_empty() {
                    return Err((
                        o,
                        format!(
                            "[archival_code] example `{ex}` does not follow the rule ({})",
                            issues[0].rule
                        ),
                    ));
                }
            }
            Some(rule)
        }
    };
    Ok(())
}

fn all_paths(
    s: &Schema,
    by_path: &BTreeMap<String, usize>,
    i: usize,
    memo: &mut Vec<Option<Vec<String>>>,
    depth: usize,
) -> Result<Vec<String>, Fail> {
    if let Some(p) = &memo[i] {
        return Ok(p.clone());
    }
    let d = &s.elements[i];
    if depth > 64 {
        return Err((
            d.origin.clone(),
            format!("element {}: also_in makes a cycle", d.name),
        ));
    }
    let mut bases: Vec<String> = Vec::new();
    let mut parents: Vec<&str> = vec![d.parent.as_str()];
    parents.extend(d.also_in.iter().map(String::as_str));
    for p in parents {
        if p.is_empty() {
            bases.push(String::new());
        } else if let Some(&j) = by_path.get(p) {
            bases.extend(all_paths(s, by_path, j, memo, depth + 1)?);
        }
    }
    let mut out: Vec<String> = bases
        .into_iter()
        .map(|b| {
            if b.is_empty() {
                d.name.clone()
            } else {
                format!("{b}/{}", d.name)
            }
        })
        .collect();
    out.sort();
    out.dedup();
    if out.len() > 64 {
        return Err((
            d.origin.clone(),
            format!("element {} may appear at more than 64 paths", d.name),
        ));
    }
    memo[i] = Some(out.clone());
    Ok(out)
}
