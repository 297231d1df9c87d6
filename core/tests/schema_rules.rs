//! Each validation rule with a passing and a failing case, on the complete 文书 example metadata.
#![allow(clippy::unwrap_used)]

#[path = "schema_common.rs"]
mod common;
use common::*;
use guidang::record::MetaNode;
use guidang::report::{Finding, Outcome};
use guidang::Schema;

fn wenshu() -> Schema {
    Schema::builtin("dat46-wenshu").unwrap()
}

fn base() -> MetaNode {
    example("wenshu-元数据.xml")
}

fn run(md: &MetaNode) -> Vec<Finding> {
    wenshu().validate_at(md, today())
}

fn node_mut<'a>(md: &'a mut MetaNode, path: &str) -> &'a mut MetaNode {
    let mut cur = md;
    for part in path.split('/') {
        cur = cur.child_mut(part).unwrap_or_else(|| panic!("no {part}"));
    }
    cur
}

fn remove(md: &mut MetaNode, path: &str) {
    let (parent, name) = path.rsplit_once('/').unwrap_or(("", path));
    let p = if parent.is_empty() {
        md
    } else {
        node_mut(md, parent)
    };
    let before = p.children.len();
    p.children.retain(|c| c.name != name);
    assert!(p.children.len() < before, "{path} was not there");
}

/// The single failing finding of a modified record, with its code and rule.
fn only_fail(md: &MetaNode, code: &str, rule: &str) -> Finding {
    let fs = run(md);
    let f = fails(&fs);
    assert_eq!(f.len(), 1, "expected one failure:\n{}", describe(&fs));
    assert_eq!(
        (f[0].code.as_str(), f[0].rule.as_str()),
        (code, rule),
        "{}",
        describe(&fs)
    );
    // the item's pass finding is replaced by the failure
    assert!(
        !fs.iter()
            .any(|x| x.code == code && x.outcome == Outcome::Pass),
        "{}",
        describe(&fs)
    );
    f[0].clone()
}

fn pass_of<'a>(fs: &'a [Finding], code: &str) -> &'a Finding {
    let p: Vec<&Finding> = fs
        .iter()
        .filter(|f| f.code == code && f.outcome == Outcome::Pass)
        .collect();
    assert_eq!(p.len(), 1, "one pass for {code}:\n{}", describe(fs));
    p[0]
}

#[test]
fn complete_record_has_one_pass_per_item() {
    let fs = run(&base());
    for code in [
        "GD-1-2", "GD-1-3", "GD-1-4", "GD-1-5", "GD-1-6", "GD-1-7", "GD-2-3", "GD-2-4",
    ] {
        let p = pass_of(&fs, code);
        assert_eq!(p.subject, "BGS-2024-000123");
        assert!(p.evidence["checked"].as_u64().unwrap() > 0);
        assert_eq!(p.evidence["schema"], "dat46-wenshu");
    }
    assert_eq!(fs.len(), 8, "{}", describe(&fs));
}

#[test]
fn max_length() {
    let mut md = base();
    md.set("内容描述/题名", "长".repeat(501));
    let f = only_fail(&md, "GD-1-2", "metadata.max_length");
    assert_eq!(f.subject, "内容描述/题名");
    assert_eq!(f.evidence["element"], "内容描述/题名");
    assert_eq!(f.evidence["expected"]["max_length"], 500);
    assert_eq!(f.evidence["expected"]["length"], 501);
    assert_eq!(f.evidence["number"], "M22");
    assert!(f.evidence["line"].as_u64().unwrap() > 1);
    md.set("内容描述/题名", "长".repeat(500));
    assert!(fails(&run(&md)).is_empty());
}

#[test]
fn data_type() {
    let mut md = base();
    md.set("形式特征/页数", "三");
    let f = only_fail(&md, "GD-1-3", "metadata.type");
    assert_eq!(f.evidence["value"], "三");
    let mut md = base();
    md.set("文件数据/文档/电子属性/计算机文件大小", "-1");
    let f = only_fail(&md, "GD-1-3", "metadata.type");
    assert_eq!(f.subject, "文件数据/文档[1]/电子属性/计算机文件大小");
    assert_eq!(f.evidence["element"], "电子属性/计算机文件大小");
}

#[test]
fn date_format() {
    for bad in ["2024/03/15", "20240230", "2024-3-15"] {
        let mut md = base();
        md.set("内容描述/日期", bad);
        let f = only_fail(&md, "GD-1-3", "metadata.date_format");
        assert!(f.evidence["expected"]
            .as_str()
            .unwrap()
            .contains("YYYYMMDD"));
    }
    for good in ["2024-03-15", "2024年03月15日", "2024年3月15日"] {
        let mut md = base();
        md.set("内容描述/日期", good);
        assert!(fails(&run(&md)).is_empty(), "{good}");
    }
    let mut md = base();
    node_mut(&mut md, "业务实体").set("行为时间", "2024-03-15 25:00:00");
    only_fail(&md, "GD-1-3", "metadata.date_format");
    let mut md = base();
    node_mut(&mut md, "业务实体").set("行为时间", "2024-03-15T09:30:00+08:00");
    assert!(fails(&run(&md)).is_empty());
}

#[test]
fn pattern_format() {
    let mut md = base();
    let doc2 = &mut node_mut(&mut md, "文件数据").children[1];
    doc2.set("数字化属性/扫描分辨率", "high");
    let f = only_fail(&md, "GD-1-3", "metadata.format");
    assert_eq!(f.subject, "文件数据/文档[2]/数字化属性/扫描分辨率");
}

#[test]
fn repeated_element() {
    let mut md = base();
    node_mut(&mut md, "内容描述")
        .children
        .push(MetaNode::leaf("题名", "第二个题名"));
    let f = only_fail(&md, "GD-1-3", "metadata.repeated");
    assert_eq!(f.subject, "内容描述/题名[2]");
    // 主题词 is repeatable: two of them in the example pass.
    assert_eq!(base().all_at("内容描述/主题词").len(), 2);
}

#[test]
fn value_domain() {
    let mut md = base();
    md.set("内容描述/密级", "保密");
    let f = only_fail(&md, "GD-1-4", "metadata.domain");
    assert!(f.evidence["expected"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v == "秘密"));
    // a code written instead of the value
    let mut md = base();
    md.set("档号/保管期限", "Y");
    let fs = run(&md);
    let f = with_rule(&fs, "metadata.domain");
    assert_eq!(f.len(), 1, "{}", describe(&fs));
    assert_eq!(f[0].evidence["code_of"], "永久");
    // an older term: a warning, not a failure
    let mut md = base();
    md.set("内容描述/密级", "无");
    let fs = run(&md);
    assert!(fails(&fs).is_empty(), "{}", describe(&fs));
    let w = with_rule(&fs, "metadata.domain_legacy");
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].outcome, Outcome::Warn);
    pass_of(&fs, "GD-1-4");
}

#[test]
fn reasonable_year_and_pages() {
    let mut md = base();
    md.set("内容描述/日期", "20230315");
    let f = only_fail(&md, "GD-1-5", "metadata.reasonable");
    assert_eq!(f.evidence["reasonable_rule"], "year_matches_date");
    assert_eq!(f.subject, "内容描述/日期");
    let mut md = base();
    md.set("形式特征/页数", "0");
    let f = only_fail(&md, "GD-1-5", "metadata.reasonable");
    assert_eq!(f.evidence["reasonable_rule"], "pages_positive");
}

#[test]
fn reasonable_not_future() {
    let md = base();
    // The example is dated 2024-03-15: checked "today" = 2024-03-01 it lies in the future.
    let fs = wenshu().validate_at(&md, chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap());
    let f = fails(&fs);
    assert!(!f.is_empty());
    assert!(
        f.iter()
            .all(|f| f.code == "GD-1-5" && f.evidence["reasonable_rule"] == "dates_not_future"),
        "{}",
        describe(&fs)
    );
    // 日期 2024-03-15 and the two 行为时间 (03-15, 03-20)
    assert_eq!(f.len(), 3, "{}", describe(&fs));
    assert!(fails(
        &wenshu().validate_at(&md, chrono::NaiveDate::from_ymd_opt(2024, 3, 20).unwrap())
    )
    .is_empty());
}

#[test]
fn forbidden_characters() {
    let mut md = base();
    md.set("内容描述/题名", "关于\u{7}通知");
    let f = only_fail(&md, "GD-1-6", "metadata.forbidden_char");
    assert!(f.evidence["expected"]["forbidden"][0]
        .as_str()
        .unwrap()
        .contains("U+0007"));
    let mut md = base();
    md.set("内容描述/题名", "关于<script>的通知");
    only_fail(&md, "GD-1-6", "metadata.forbidden_char");
    let mut md = base();
    md.set("内容描述/题名", "关于\u{200b}通知");
    only_fail(&md, "GD-1-6", "metadata.forbidden_char");
    // `:` is forbidden in 计算机文件名 only
    let mut md = base();
    md.set("内容描述/题名", "关于“归档”工作的通知：第2号");
    assert!(fails(&run(&md)).is_empty());
    let mut md = base();
    md.set("文件数据/文档/电子属性/计算机文件名", "C:正文.ofd");
    let fs = run(&md);
    let f = with_rule(&fs, "metadata.forbidden_char");
    assert_eq!(f.len(), 1, "{}", describe(&fs));
}

#[test]
fn required_missing_and_empty() {
    let mut md = base();
    remove(&mut md, "内容描述/题名");
    let f = only_fail(&md, "GD-2-4", "metadata.required_missing");
    assert_eq!(f.subject, "内容描述/题名");
    assert_eq!(f.evidence["expected"], "必选");
    let mut md = base();
    md.set("内容描述/题名", "");
    let f = only_fail(&md, "GD-2-4", "metadata.required_empty");
    assert_eq!(f.subject, "内容描述/题名");
    // 电子属性 is required in every 文档
    let mut md = base();
    node_mut(&mut md, "文件数据").children[0]
        .children
        .retain(|c| c.name != "电子属性");
    let f = only_fail(&md, "GD-2-4", "metadata.required_missing");
    assert_eq!(f.subject, "文件数据/文档[1]/电子属性");
    // a flat record (no 文件数据) needs 电子属性 at the root
    let mut md = base();
    remove(&mut md, "文件数据");
    let f = only_fail(&md, "GD-2-4", "metadata.required_missing");
    assert_eq!(f.subject, "电子属性");
}

#[test]
fn conditional_elements() {
    let mut md = base();
    md.set("内容描述/密级", "秘密");
    let f = only_fail(&md, "GD-2-3", "metadata.conditional_missing");
    assert_eq!(f.subject, "内容描述/保密期限");
    assert!(f.evidence["condition"].as_str().unwrap().contains("秘密"));
    md.set("内容描述/保密期限", "10年");
    assert!(fails(&run(&md)).is_empty());
    // scanned component: 扫描分辨率 required inside its own 数字化属性
    let mut md = base();
    node_mut(&mut md, "文件数据").children[1]
        .child_mut("数字化属性")
        .unwrap()
        .children
        .retain(|c| c.name != "扫描分辨率");
    let f = only_fail(&md, "GD-2-3", "metadata.conditional_missing");
    assert_eq!(f.subject, "文件数据/文档[2]/数字化属性/扫描分辨率");
    // born-digital component without 文档创建程序 (condition: no 数字化属性 in that 文档)
    let mut md = base();
    node_mut(&mut md, "文件数据").children[0]
        .child_mut("电子属性")
        .unwrap()
        .children
        .retain(|c| c.name != "文档创建程序");
    let f = only_fail(&md, "GD-2-3", "metadata.conditional_missing");
    assert_eq!(f.subject, "文件数据/文档[1]/电子属性/文档创建程序");
}

#[test]
fn unknown_elements_warn() {
    let mut md = base();
    md.children.push(MetaNode::leaf("自定义字段", "x"));
    node_mut(&mut md, "内容描述")
        .children
        .push(MetaNode::leaf("备注", "y"));
    let fs = run(&md);
    assert!(fails(&fs).is_empty(), "{}", describe(&fs));
    let w = with_rule(&fs, "metadata.unknown_element");
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].code, "GD-2-3");
    assert_eq!(w[0].outcome, Outcome::Warn);
    let paths: Vec<&str> = w[0].evidence["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["内容描述/备注", "自定义字段"]);
    pass_of(&fs, "GD-2-3");
}

#[test]
fn findings_per_item_are_capped() {
    let mut md = base();
    for i in 0..150 {
        md.children.push(MetaNode::leaf("附注", format!("<{i}>")));
    }
    let fs = run(&md);
    assert_eq!(with_rule(&fs, "metadata.forbidden_char").len(), 100);
    let more = with_rule(&fs, "metadata.more_problems");
    assert_eq!(more.len(), 1);
    assert_eq!(more[0].evidence["problems"], 150);
}

#[test]
fn large_metadata_validates_linearly() {
    // 2000 components and 5000 主题词: every instance is checked once.
    let mut md = base();
    let data = node_mut(&mut md, "文件数据");
    let doc = data.children[0].clone();
    for i in 0..2000 {
        let mut d = doc.clone();
        d.set("文档序号", (i + 3).to_string());
        data.children.push(d);
    }
    for i in 0..5000 {
        node_mut(&mut md, "内容描述")
            .children
            .push(MetaNode::leaf("主题词", format!("词{i}")));
    }
    let t = std::time::Instant::now();
    let fs = run(&md);
    let ms = t.elapsed().as_millis();
    eprintln!("validated {} nodes in {ms} ms", md.count());
    assert!(fails(&fs).is_empty(), "{}", describe(&fs));
    let p = pass_of(&fs, "GD-2-4");
    // 电子属性 + 4 required children in each of the 2002 文档, plus the record-level ones
    assert!(p.evidence["checked"].as_u64().unwrap() > 2002 * 4);
}

#[test]
fn container_with_a_value() {
    let mut md = base();
    node_mut(&mut md, "来源").text = Some("某市人民政府办公室".into());
    let f = only_fail(&md, "GD-1-3", "metadata.container_value");
    assert_eq!(f.subject, "来源");
    // 档号 is mixed: its value is expected
    assert!(fails(&run(&base())).is_empty());
}
