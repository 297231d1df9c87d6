//! Batch items: 1-8 duplicates across records, 2-6 continuity of 件号 within each group,
//! 2-1 / 2-2 record count and bytes against what `batch.json` declares.

use super::Checker;
use crate::record::{Batch, Record};
use crate::report::{Finding, Outcome};
use crate::schema::Schema;
use std::collections::BTreeMap;

pub(super) struct BatchFindings {
    /// (record index, finding) for findings about one record.
    pub per_record: Vec<(usize, Finding)>,
    /// Findings about the batch as a whole.
    pub batch: Vec<Finding>,
}

pub(super) fn run(
    ck: &Checker,
    records: &[&Record],
    schema: Option<&Schema>,
    batch: &Batch,
    total_bytes: u64,
) -> BatchFindings {
    let p = ck.scheme().stage.prefix();
    let code = |seq: &str| format!("{p}-{seq}");
    let mut out = BatchFindings {
        per_record: Vec::new(),
        batch: Vec::new(),
    };
    let bsubject = batch.path.display().to_string();
    if let Some(schema) = schema {
        // 1-8 duplicates
        for key in &schema.unique {
            let mut seen: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for (i, r) in records.iter().enumerate() {
                if let Some(v) = r.meta(key) {
                    seen.entry(v).or_default().push(i);
                }
            }
            for (i, r) in records.iter().enumerate() {
                if let Some(v) = r.meta(key) {
                    if seen.get(v).is_some_and(|idx| idx.len() == 1) {
                        out.per_record.push((
                            i,
                            Finding::new(
                                &code("1-8"),
                                "duplicate.unique",
                                Outcome::Pass,
                                &r.id,
                                format!("{key}“{v}”在批次内唯一"),
                                format!("{key} `{v}` is unique in the batch"),
                            ),
                        ));
                    }
                }
            }
            let mut dup_count = 0;
            for (v, idx) in &seen {
                if idx.len() > 1 {
                    dup_count += 1;
                    let ids: Vec<String> = idx.iter().map(|&i| records[i].id.clone()).collect();
                    for &i in idx {
                        out.per_record.push((
                            i,
                            Finding::new(
                                &code("1-8"),
                                "duplicate.value",
                                Outcome::Fail,
                                &records[i].id,
                                format!("{key}“{v}”在批次内重复（{}）", ids.join("、")),
                                format!(
                                    "{key} `{v}` occurs more than once in the batch ({})",
                                    ids.join(", ")
                                ),
                            )
                            .with("element", key.clone())
                            .with("value", v.to_string())
                            .with("records", ids.clone()),
                        ));
                    }
                }
            }
            out.batch.push(if dup_count == 0 {
                Finding::new(
                    &code("1-8"),
                    "duplicate.none",
                    Outcome::Pass,
                    &bsubject,
                    format!("{key} 在 {} 件中无重复", records.len()),
                    format!("no duplicate {key} among {} records", records.len()),
                )
            } else {
                Finding::new(
                    &code("1-8"),
                    "duplicate.found",
                    Outcome::Fail,
                    &bsubject,
                    format!("{key} 有 {dup_count} 个重复值"),
                    format!("{dup_count} duplicated values of {key}"),
                )
            });
        }
        // 2-6 continuity
        for g in &schema.continuity {
            let mut groups: BTreeMap<Vec<String>, Vec<(u64, usize)>> = BTreeMap::new();
            for (i, r) in records.iter().enumerate() {
                let Some(n) = r
                    .meta(&g.element)
                    .and_then(|v| v.trim().parse::<u64>().ok())
                else {
                    continue;
                };
                let key: Vec<String> = g
                    .scope
                    .iter()
                    .map(|s| r.meta(s).unwrap_or("").to_string())
                    .collect();
                groups.entry(key).or_default().push((n, i));
            }
            for (key, mut nums) in groups {
                nums.sort_unstable();
                let mut expected = g.start;
                let mut gaps = Vec::new();
                for (n, i) in &nums {
                    if *n != expected {
                        gaps.push((expected, *n, *i));
                    }
                    expected = n + 1;
                }
                let label = if key.iter().all(String::is_empty) {
                    String::new()
                } else {
                    key.join("·")
                };
                if gaps.is_empty() {
                    out.batch.push(Finding::new(
                        &code("2-6"),
                        "continuity.ok",
                        Outcome::Pass,
                        &bsubject,
                        format!(
                            "{label} {} 从 {} 起连续（{} 件）",
                            g.element,
                            g.start,
                            nums.len()
                        ),
                        format!(
                            "{label} {} continuous from {} ({} records)",
                            g.element,
                            g.start,
                            nums.len()
                        ),
                    ));
                }
                for (exp, got, i) in gaps {
                    let f = Finding::new(
                        &code("2-6"),
                        "continuity.gap",
                        Outcome::Fail,
                        &records[i].id,
                        format!("{label} {} 断号：应为 {exp}，实为 {got}", g.element),
                        format!("{label} {} gap: expected {exp}, found {got}", g.element),
                    )
                    .with("element", g.element.clone())
                    .with("expected", exp)
                    .with("found", got);
                    out.batch.push(f.clone());
                    out.per_record.push((i, f));
                }
            }
        }
    }
    // 2-1 / 2-2 against batch.json
    let exp = batch.expected.clone().unwrap_or_default();
    let n = batch.entries.len() as u64;
    out.batch.push(
        match exp.records {
            Some(e) if e == n => Finding::new(
                &code("2-1"),
                "batch.count_match",
                Outcome::Pass,
                &bsubject,
                format!("声明 {e} 件，实收 {n} 件"),
                format!("{e} records declared, {n} received"),
            ),
            Some(e) => Finding::new(
                &code("2-1"),
                "batch.count_mismatch",
                Outcome::Fail,
                &bsubject,
                format!("声明 {e} 件，实收 {n} 件"),
                format!("{e} records declared, {n} received"),
            ),
            None => Finding::new(
                &code("2-1"),
                "batch.count_undeclared",
                Outcome::NotApplicable,
                &bsubject,
                format!("批次未声明件数（batch.json），实收 {n} 件"),
                format!("the batch declares no record count (batch.json); {n} received"),
            ),
        }
        .with("received", n),
    );
    out.batch.push(
        match exp.bytes {
            Some(e) if e == total_bytes => Finding::new(
                &code("2-2"),
                "batch.bytes_match",
                Outcome::Pass,
                &bsubject,
                format!("声明 {e} 字节，实收 {total_bytes} 字节"),
                format!("{e} bytes declared, {total_bytes} received"),
            ),
            Some(e) => Finding::new(
                &code("2-2"),
                "batch.bytes_mismatch",
                Outcome::Fail,
                &bsubject,
                format!("声明 {e} 字节，实收 {total_bytes} 字节"),
                format!("{e} bytes declared, {total_bytes} received"),
            ),
            None => Finding::new(
                &code("2-2"),
                "batch.bytes_undeclared",
                Outcome::NotApplicable,
                &bsubject,
                format!("批次未声明字节数，实收 {total_bytes} 字节"),
                format!("the batch declares no byte total; {total_bytes} received"),
            ),
        }
        .with("received", total_bytes),
    );
    out
}
