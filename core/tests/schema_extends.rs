//! User schemas: `extends`, `[[override]]`, new elements, `remove`, archival-code overrides; the
//! `kuaiji` built-in (itself an extension of `dat46-wenshu`) and its accounting rules.
#![allow(clippy::unwrap_used)]

#[path = "schema_common.rs"]
mod common;
use common::*;
use guidang::record::MetaNode;
use guidang::report::Outcome;
use guidang::schema::{Constraint, DataType};
use guidang::Schema;
use std::path::Path;

fn unit() -> Schema {
    Schema::from_file(&examples_dir().join("unit-wenshu.toml")).unwrap()
}

#[test]
fn example_user_schema_overrides_and_removes() {
    let base = Schema::builtin("dat46-wenshu").unwrap();
    let s = unit();
    assert_eq!(s.id, "unit-wenshu");
    assert_eq!(base.element("题名").unwrap().max_length, Some(500));
    assert_eq!(s.element("题名").unwrap().max_length, Some(200));
    assert_eq!(
        s.element("题名").unwrap().number,
        "M22",
        "untouched keys are kept"
    );
    assert_eq!(
        s.element("文件编号").unwrap().constraint,
        Constraint::Required
    );
    assert_eq!(s.element("文种").unwrap().data_type, DataType::Enumeration);
    assert!(s.element("缩微号").is_none());
    assert!(s.element("权限管理").is_none());
    assert!(
        s.element("知识产权说明").is_none(),
        "sub-elements go with their container"
    );
    assert_eq!(s.path_of("承办人"), Some("内容描述/承办人"));
    assert_eq!(s.elements.len(), base.elements.len() - 1 - 6 + 1);
    // the rule for 机构 is replaced, the other parts are inherited
    let rule = s.archival_code.as_ref().unwrap();
    assert_eq!(rule.template, base.archival_code.as_ref().unwrap().template);
    let org = rule.parts.iter().find(|p| p.name == "机构").unwrap();
    assert_eq!(org.codes.get("秘书科").map(String::as_str), Some("MSK"));
    assert_eq!(s.unique, base.unique);
    assert_eq!(s.continuity, base.continuity);
}

#[test]
fn example_user_schema_validates() {
    let s = unit();
    let md = example("wenshu-元数据.xml");
    let fs = s.validate_at(&md, today());
    assert!(fails(&fs).is_empty(), "{}", describe(&fs));
    // 权限管理 was removed from the schema: now an unknown element (warning)
    let w = with_rule(&fs, "metadata.unknown_element");
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].evidence["elements"][0]["path"], "权限管理");

    // overridden length
    let mut m = md.clone();
    m.set("内容描述/题名", "长".repeat(201));
    let fs = s.validate_at(&m, today());
    assert_eq!(with_rule(&fs, "metadata.max_length").len(), 1);
    assert!(fails(
        &Schema::builtin("dat46-wenshu")
            .unwrap()
            .validate_at(&m, today())
    )
    .is_empty());

    // overridden pattern and domain
    let mut m = md.clone();
    m.set("内容描述/文件编号", "2024-12");
    m.set("内容描述/文种", "便函");
    let fs = s.validate_at(&m, today());
    assert_eq!(
        with_rule(&fs, "metadata.format").len(),
        1,
        "{}",
        describe(&fs)
    );
    assert_eq!(
        with_rule(&fs, "metadata.domain").len(),
        1,
        "{}",
        describe(&fs)
    );

    // new conditional element
    let mut m = md.clone();
    m.set("内容描述/文种", "请示");
    let fs = s.validate_at(&m, today());
    let f = fails(&fs);
    assert_eq!(f.len(), 1, "{}", describe(&fs));
    assert_eq!(f[0].rule, "metadata.conditional_missing");
    assert_eq!(f[0].subject, "内容描述/承办人");
    m.set("内容描述/承办人", "张三");
    assert!(fails(&s.validate_at(&m, today())).is_empty());

    // overridden archival-code organisation codes
    let mut m = md.clone();
    m.set("档号/机构或问题", "秘书科");
    m.child_mut("档号").unwrap().text = Some("Z109-WS·2024·Y·MSK-0001".into());
    assert!(fails(&s.validate_at(&m, today())).is_empty());
    m.child_mut("档号").unwrap().text = Some("Z109-WS·2024·Y·BGS-0001".into());
    let fs = s.validate_at(&m, today());
    assert_eq!(
        with_rule(&fs, "archival_code.part_mismatch").len(),
        1,
        "{}",
        describe(&fs)
    );
}

#[test]
fn schema_extending_a_user_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        examples_dir().join("unit-wenshu.toml"),
        dir.path().join("unit.toml"),
    )
    .unwrap();
    let sub = dir.path().join("dept");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(
        sub.join("dept.toml"),
        r#"[schema]
id = "dept"
name = "某科室方案"
extends = "../unit.toml"

[[override]]
name = "内容描述/承办人"
constraint = "必选"

[archival_code]
template = "{全宗号}-{门类}·{年度}·{保管期限}-{件号}"
example = "Z109-WS·2024·Y-0001"

[[continuity]]
element = "档号/室编件号"
scope = ["档号/全宗号", "档号/年度", "档号/保管期限"]
start = 1

[[reasonable]]
id = "pages_positive"
enabled = false
"#,
    )
    .unwrap();
    let s = Schema::from_file(&sub.join("dept.toml")).unwrap();
    assert_eq!(
        s.element("承办人").unwrap().constraint,
        Constraint::Required
    );
    assert!(s.element("缩微号").is_none(), "inherited removal");
    let rule = s.archival_code.as_ref().unwrap();
    assert_eq!(rule.parts.len(), 5, "the 机构 part left with the template");
    assert_eq!(s.continuity.len(), 1);
    assert_eq!(s.continuity[0].scope.len(), 3);
    assert!(s.reasonable.iter().all(|r| r.id != "pages_positive"));
    let mut md = example("wenshu-元数据.xml");
    md.child_mut("档号").unwrap().text = Some("Z109-WS·2024·Y-0001".into());
    md.set("内容描述/承办人", "李四");
    md.set("形式特征/页数", "0");
    let fs = s.validate_at(&md, today());
    assert!(fails(&fs).is_empty(), "{}", describe(&fs));
}

#[test]
fn kuaiji_extends_the_core() {
    let k = Schema::builtin("kuaiji").unwrap();
    let w = Schema::builtin("dat46-wenshu").unwrap();
    assert_eq!(k.extends.as_deref(), Some("dat46-wenshu"));
    for d in &w.elements {
        assert!(k.element(&d.path).is_some(), "{} inherited", d.path);
    }
    assert_eq!(k.default_value("保管期限"), Some("定期30年"));
    assert_eq!(k.default_value("档号/保管期限"), Some("定期30年"));
    assert_eq!(w.default_value("保管期限"), None);
    assert_eq!(
        k.element("保管期限").unwrap().code_of("定期30年"),
        Some("D30")
    );
    assert_eq!(k.path_of("发票号码"), Some("发票信息/发票号码"));
    assert_eq!(k.path_of("价税合计"), Some("发票信息/价税合计"));
    assert_eq!(k.retention_for("会计凭证"), Some("定期30年"));
    assert_eq!(k.retention_for("年度财务会计报告"), Some("永久"));
    assert_eq!(k.retention_for("银行对账单"), Some("定期10年"));
    assert_eq!(k.unique, ["电子文件号", "档号"]);
    assert_eq!(k.continuity, w.continuity);
    assert_eq!(w.element("页数").unwrap().constraint, Constraint::Required);
    assert_eq!(
        k.element("页数").unwrap().constraint,
        Constraint::Conditional
    );
}

fn kuaiji_md(f: impl FnOnce(&mut MetaNode)) -> Vec<guidang::Finding> {
    let mut md = example("kuaiji-元数据.xml");
    f(&mut md);
    Schema::builtin("kuaiji").unwrap().validate_at(&md, today())
}

#[test]
fn kuaiji_invoice_rules() {
    // 数电票 20 digits ok; 8-digit legacy number needs 发票代码
    let fs = kuaiji_md(|md| md.set("发票信息/发票号码", "12345678"));
    let f = fails(&fs);
    assert_eq!(f.len(), 1, "{}", describe(&fs));
    assert_eq!(
        (f[0].code.as_str(), f[0].rule.as_str()),
        ("GD-2-3", "metadata.conditional_missing")
    );
    assert_eq!(f[0].subject, "发票信息/发票代码");
    let fs = kuaiji_md(|md| {
        md.set("发票信息/发票号码", "12345678");
        md.set("发票信息/发票代码", "033002000111");
    });
    assert!(fails(&fs).is_empty(), "{}", describe(&fs));
    // malformed number
    let fs = kuaiji_md(|md| md.set("发票信息/发票号码", "2433200000001234567"));
    assert_eq!(with_rule(&fs, "metadata.format").len(), 1);
    // amounts: two decimals, total = amount + tax
    let fs = kuaiji_md(|md| md.set("发票信息/金额", "884.965"));
    assert!(
        fails(&fs).iter().any(|f| f.rule == "metadata.type"),
        "{}",
        describe(&fs)
    );
    let fs = kuaiji_md(|md| md.set("发票信息/价税合计", "1001.00"));
    let f = fails(&fs);
    assert_eq!(f.len(), 1, "{}", describe(&fs));
    assert_eq!(f[0].evidence["reasonable_rule"], "invoice_total");
    assert_eq!(f[0].evidence["expected"]["sum"], "1000.00");
    // invoice dated two years before the fiscal year; one year before is fine (跨年入账)
    let fs = kuaiji_md(|md| md.set("发票信息/开票日期", "2022-12-30"));
    let f = fails(&fs);
    assert_eq!(f.len(), 1, "{}", describe(&fs));
    assert_eq!(f[0].evidence["reasonable_rule"], "invoice_year");
    let fs = kuaiji_md(|md| md.set("发票信息/开票日期", "2023-12-30"));
    assert!(fails(&fs).is_empty(), "{}", describe(&fs));
    // 会计年度 vs 档号 年度
    let fs = kuaiji_md(|md| md.set("会计年度", "2023"));
    assert!(
        fails(&fs)
            .iter()
            .any(|f| f.evidence["reasonable_rule"] == "fiscal_year_matches_year"),
        "{}",
        describe(&fs)
    );
}

#[test]
fn kuaiji_retention_and_vouchers() {
    // 会计凭证 kept only 10 years
    let fs = kuaiji_md(|md| {
        md.set("档号/保管期限", "定期10年");
        md.child_mut("档号").unwrap().text = Some("Z109-KU·2024·D10·CWK-0045".into());
    });
    let f = fails(&fs);
    assert_eq!(f.len(), 1, "{}", describe(&fs));
    assert_eq!(f[0].evidence["reasonable_rule"], "retention_minimum");
    assert_eq!(f[0].evidence["expected"]["minimum"], "定期30年");
    // 永久 is longer than required: fine
    let fs = kuaiji_md(|md| {
        md.set("档号/保管期限", "永久");
        md.child_mut("档号").unwrap().text = Some("Z109-KU·2024·Y·CWK-0045".into());
    });
    assert!(fails(&fs).is_empty(), "{}", describe(&fs));
    // a 记账凭证 needs its 凭证号
    let fs = kuaiji_md(|md| md.set("凭证类型", "记账凭证"));
    let f = fails(&fs);
    assert_eq!(f.len(), 1, "{}", describe(&fs));
    assert_eq!(f[0].subject, "凭证号");
    // the accounting elements are unknown to the 文书 schema
    let md = example("kuaiji-元数据.xml");
    let fs = Schema::builtin("dat46-wenshu")
        .unwrap()
        .validate_at(&md, today());
    let w = with_rule(&fs, "metadata.unknown_element");
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].outcome, Outcome::Warn);
    assert!(w[0].evidence["elements"].as_array().unwrap().len() >= 6);
}

#[test]
fn from_toml_resolves_relative_extends_against_path() {
    let text = "[schema]\nid = \"x\"\nname = \"x\"\nextends = \"unit-wenshu.toml\"\n";
    let s = Schema::from_toml(text, &examples_dir().join("inline.toml")).unwrap();
    assert!(s.element("承办人").is_some());
    assert!(Schema::from_toml(text, Path::new("/nowhere/inline.toml")).is_err());
}

#[test]
fn removing_the_component_section_keeps_the_schema_consistent() {
    let t = "[schema]\nid = \"flat\"\nname = \"单文件记录\"\nextends = \"dat46-wenshu\"\nremove = [\"文件数据\", \"组件\"]\n";
    let s = Schema::from_toml(t, Path::new("flat.toml")).unwrap();
    assert!(s.element("文件数据").is_none());
    assert!(s.element("电子属性").unwrap().also_in.is_empty());
    // the example's 文件数据 is now unknown, and 电子属性 is required at the root
    let fs = s.validate_at(&example("wenshu-元数据.xml"), today());
    let f = fails(&fs);
    assert_eq!(f.len(), 1, "{}", describe(&fs));
    assert_eq!(f[0].subject, "电子属性");
    assert_eq!(with_rule(&fs, "metadata.unknown_element").len(), 1);
}
