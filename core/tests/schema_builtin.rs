//! Both built-in schemas load and validate their complete example metadata with zero failures.
#![allow(clippy::unwrap_used)]

#[path = "schema_common.rs"]
mod common;
use common::*;
use guidang::Schema;

#[test]
fn wenshu_example_passes() {
    let s = Schema::builtin("dat46-wenshu").unwrap();
    let md = example("wenshu-元数据.xml");
    let fs = s.validate_at(&md, today());
    assert!(fails(&fs).is_empty(), "{}", describe(&fs));
    // one pass per metadata item, nothing else
    assert_eq!(fs.len(), 8, "{}", describe(&fs));
}

#[test]
fn kuaiji_example_passes() {
    let s = Schema::builtin("kuaiji").unwrap();
    let md = example("kuaiji-元数据.xml");
    let fs = s.validate_at(&md, today());
    assert!(fails(&fs).is_empty(), "{}", describe(&fs));
    // one pass per metadata item, nothing else
    assert_eq!(fs.len(), 8, "{}", describe(&fs));
}

#[test]
fn wenshu_has_all_88_dat46_elements() {
    let s = Schema::builtin("dat46-wenshu").unwrap();
    for n in 1..=88 {
        let no = format!("M{n}");
        let hits: Vec<&str> = s
            .elements
            .iter()
            .filter(|d| d.number == no)
            .map(|d| d.path.as_str())
            .collect();
        assert_eq!(hits.len(), 1, "{no}: {hits:?}");
    }
    let m = |no: &str| s.elements.iter().find(|d| d.number == no).unwrap();
    assert_eq!(m("M6").name, "立档单位名称");
    assert_eq!(m("M8").name, "档号");
    assert_eq!(m("M46").name, "电子属性");
    assert_eq!(m("M52").name, "数字化属性");
    assert_eq!(m("M88").name, "关系描述");
    assert_eq!(s.unique, ["电子文件号", "档号"]);
    assert_eq!(s.continuity.len(), 1);
    assert_eq!(s.continuity[0].element, "档号/室编件号");
    assert_eq!(
        s.continuity[0].scope,
        [
            "档号/全宗号",
            "档号/年度",
            "档号/保管期限",
            "档号/机构或问题"
        ]
    );
    // the English names are all filled in
    assert!(s.elements.iter().all(|d| !d.english.is_empty()));
}

#[test]
fn readme_example_is_the_example_file() {
    let readme = std::fs::read_to_string(examples_dir().join("../README.md")).unwrap();
    let block = readme
        .split("```xml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .unwrap();
    let file = std::fs::read_to_string(examples_dir().join("wenshu-元数据.xml")).unwrap();
    let strip = |s: &str| -> Vec<String> {
        let mut out = Vec::new();
        let mut in_comment = false;
        for l in s.lines() {
            let t = l.trim();
            if t.starts_with("<!--") {
                in_comment = !t.ends_with("-->");
                continue;
            }
            if in_comment {
                in_comment = !t.ends_with("-->");
                continue;
            }
            out.push(l.to_string());
        }
        out
    };
    assert_eq!(strip(block), strip(&file));
    let s = Schema::builtin("dat46-wenshu").unwrap();
    assert!(fails(&s.validate_at(&metadata_from_xml(block), today())).is_empty());
}
