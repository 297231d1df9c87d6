//! The 档号 rule (DA/T 13-2022 按件, DA/T 70 1-7): good codes and several kinds of bad ones.
#![allow(clippy::unwrap_used)]

#[path = "schema_common.rs"]
mod common;
use common::*;
use guidang::record::MetaNode;
use guidang::report::{Finding, Outcome};
use guidang::Schema;

fn run_with(schema: &str, f: impl FnOnce(&mut MetaNode)) -> Vec<Finding> {
    let mut md = example(if schema == "kuaiji" {
        "kuaiji-元数据.xml"
    } else {
        "wenshu-元数据.xml"
    });
    f(&mut md);
    Schema::builtin(schema).unwrap().validate_at(&md, today())
}

fn set_code(md: &mut MetaNode, code: &str) {
    md.child_mut("档号").unwrap().text = Some(code.to_string());
}

/// Failing 1-7 findings of a 文书 record whose 档号 is `code`.
fn code_fails(code: &str) -> Vec<Finding> {
    let fs = run_with("dat46-wenshu", |md| set_code(md, code));
    let f: Vec<Finding> = fs
        .iter()
        .filter(|f| f.code == "GD-1-7" && f.outcome == Outcome::Fail)
        .cloned()
        .collect();
    let others: Vec<&Finding> = fails(&fs)
        .into_iter()
        .filter(|f| f.code != "GD-1-7")
        .collect();
    assert!(others.is_empty(), "{}", describe(&fs));
    f
}

#[test]
fn good_code_passes() {
    let fs = run_with("dat46-wenshu", |_| {});
    let p: Vec<&Finding> = fs.iter().filter(|f| f.code == "GD-1-7").collect();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].outcome, Outcome::Pass);
    assert_eq!(p[0].rule, "archival_code.ok");
    // 件号 written 0001 agrees with 室编件号 1; also without the optional sub-elements
    let fs = run_with("dat46-wenshu", |md| {
        md.child_mut("档号")
            .unwrap()
            .children
            .retain(|c| ["年度", "保管期限", "室编件号"].contains(&c.name.as_str()));
        md.child_mut("来源")
            .unwrap()
            .children
            .retain(|c| c.name != "全宗名称");
    });
    assert!(fails(&fs).is_empty(), "{}", describe(&fs));
}

#[test]
fn wrong_separators() {
    let f = code_fails("Z109-WS-2024-Y-BGS-0001");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, "archival_code.format");
    assert_eq!(f[0].subject, "档号");
    assert!(f[0].evidence["expected"]
        .as_str()
        .unwrap()
        .contains("Z109-WS·2024·Y·BGS-0001"));
    assert!(f[0].evidence["line"].as_u64().is_some());
}

#[test]
fn part_not_zero_padded() {
    let f = code_fails("Z109-WS·2024·Y·BGS-001");
    assert_eq!(f.len(), 1, "{}", describe(&f));
    assert_eq!(f[0].rule, "archival_code.part_format");
    assert_eq!(f[0].evidence["part"], "件号");
    assert_eq!(f[0].evidence["found"], "001");
}

#[test]
fn unknown_and_unexpected_category() {
    let f = code_fails("Z109-XX·2024·Y·BGS-0001");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, "archival_code.part_domain");
    let f = code_fails("Z109-KJ·2024·Y·BGS-0001");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, "archival_code.part_expected");
    assert_eq!(f[0].evidence["expected"], "WS");
}

#[test]
fn parts_disagree_with_elements() {
    for (code, part, expected) in [
        ("Z110-WS·2024·Y·BGS-0001", "全宗号", "Z109"),
        ("Z109-WS·2023·Y·BGS-0001", "年度", "2024"),
        ("Z109-WS·2024·D30·BGS-0001", "保管期限", "Y"),
        ("Z109-WS·2024·Y·BGS-0002", "件号", "1"),
        ("Z109-WS·2024·Y·XZK-0001", "机构", "BGS"),
    ] {
        let f = code_fails(code);
        assert_eq!(f.len(), 1, "{code}: {}", describe(&f));
        assert_eq!(f[0].rule, "archival_code.part_mismatch", "{code}");
        assert_eq!(f[0].evidence["part"], part, "{code}");
        assert_eq!(f[0].evidence["expected"], expected, "{code}");
    }
}

#[test]
fn unmapped_organisation_is_a_warning() {
    let fs = run_with("dat46-wenshu", |md| {
        md.set("档号/机构或问题", "人事处");
        set_code(md, "Z109-WS·2024·Y·RSC-0001");
    });
    assert!(fails(&fs).is_empty(), "{}", describe(&fs));
    let w: Vec<&Finding> = fs
        .iter()
        .filter(|f| f.rule == "archival_code.part_unverified")
        .collect();
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].outcome, Outcome::Warn);
    // the value itself in the code is fine
    let fs = run_with("dat46-wenshu", |md| {
        md.set("档号/机构或问题", "人事处");
        set_code(md, "Z109-WS·2024·Y·人事处-0001");
    });
    assert!(
        fs.iter().all(|f| f.outcome == Outcome::Pass),
        "{}",
        describe(&fs)
    );
}

#[test]
fn absent_code_is_not_applicable() {
    let fs = run_with("dat46-wenshu", |md| {
        md.children.retain(|c| c.name != "档号")
    });
    let f: Vec<&Finding> = fs.iter().filter(|f| f.code == "GD-1-7").collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].outcome, Outcome::NotApplicable);
    assert!(fs
        .iter()
        .any(|f| f.rule == "metadata.required_missing" && f.subject == "档号"));
}

#[test]
fn kuaiji_expects_ku() {
    let fs = run_with("kuaiji", |_| {});
    assert!(fails(&fs).is_empty(), "{}", describe(&fs));
    let fs = run_with("kuaiji", |md| set_code(md, "Z109-WS·2024·D30·CWK-0045"));
    let f = fails(&fs);
    assert_eq!(f.len(), 1, "{}", describe(&fs));
    assert_eq!(f[0].rule, "archival_code.part_expected");
    assert_eq!(f[0].evidence["expected"], "KU");
}

#[test]
fn rule_splits_and_composes() {
    let s = Schema::builtin("dat46-wenshu").unwrap();
    let rule = s.archival_code.as_ref().unwrap();
    let parts = rule.split("Z109-WS·2024·D10·BGS-0012").unwrap();
    assert_eq!(
        parts,
        [
            ("全宗号", "Z109"),
            ("门类", "WS"),
            ("年度", "2024"),
            ("保管期限", "D10"),
            ("机构", "BGS"),
            ("件号", "0012")
        ]
    );
    let values = parts
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(rule.compose(&values), "Z109-WS·2024·D10·BGS-0012");
    assert!(rule.split("Z109/WS").is_none());
    assert_eq!(rule.separators(), ['-', '·']);
}
