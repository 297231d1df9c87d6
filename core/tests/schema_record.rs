//! `Schema::validate_record`: records built in code (builder, manifest) declare their components'
//! electronic attributes outside the metadata tree; validation folds them in as 文件数据/文档.
#![allow(clippy::unwrap_used)]

#[path = "schema_common.rs"]
mod common;
use common::*;
use guidang::record::{Component, Declared, Record, RecordBuilder, Role};
use guidang::schema::metadata_view;
use guidang::Schema;

fn record(declared: Declared) -> Record {
    let mut md = example("wenshu-元数据.xml");
    md.children.retain(|c| c.name != "文件数据");
    RecordBuilder::new("BGS-2024-000123")
        .metadata(md)
        .component(
            Component::from_bytes(Role::Main, "正文.ofd", b"not really an ofd".to_vec())
                .with_declared(declared),
        )
        .build()
}

fn full() -> Declared {
    Declared {
        format: Some("OFD".into()),
        file_name: Some("正文.ofd".into()),
        size: Some("17".into()),
        creating_application: Some("某OA系统".into()),
        digests: vec![("SM3".into(), "ab".repeat(32))],
        ..Default::default()
    }
}

#[test]
fn declared_attributes_count_as_metadata() {
    let r = record(full());
    let view = metadata_view(&r).unwrap();
    assert_eq!(
        view.text_at("文件数据/文档/电子属性/计算机文件大小"),
        Some("17")
    );
    assert_eq!(view.text_at("文件数据/文档/组件类型"), Some("正文"));
    let s = Schema::builtin("dat46-wenshu").unwrap();
    let fs = s.validate_record(&r, today());
    assert!(fails(&fs).is_empty(), "{}", describe(&fs));
    // the same metadata without the components lacks 电子属性
    let fs = s.validate_at(r.metadata.as_ref().unwrap(), today());
    let f = fails(&fs);
    assert_eq!(f.len(), 1, "{}", describe(&fs));
    assert_eq!(f[0].subject, "电子属性");
}

#[test]
fn undeclared_attributes_are_missing() {
    let mut d = full();
    d.size = None;
    d.creating_application = None;
    let fs = Schema::builtin("dat46-wenshu")
        .unwrap()
        .validate_record(&record(d), today());
    let mut got: Vec<(String, String)> = fails(&fs)
        .iter()
        .map(|f| (f.rule.clone(), f.subject.clone()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (
                "metadata.conditional_missing".to_string(),
                "文件数据/文档/电子属性/文档创建程序".to_string()
            ),
            (
                "metadata.required_missing".to_string(),
                "文件数据/文档/电子属性/计算机文件大小".to_string()
            ),
        ]
    );
}

#[test]
fn metadata_with_its_own_components_is_left_alone() {
    let md = example("wenshu-元数据.xml");
    let r = RecordBuilder::new("x")
        .metadata(md.clone())
        .component(Component::from_bytes(Role::Main, "a.pdf", vec![1]))
        .build();
    assert_eq!(*metadata_view(&r).unwrap(), md);
    let bare = RecordBuilder::new("y")
        .component(Component::from_bytes(Role::Main, "a.pdf", vec![1]))
        .build();
    assert!(metadata_view(&bare).is_none());
    assert!(Schema::builtin("dat46-wenshu")
        .unwrap()
        .validate_record(&bare, today())
        .is_empty());
}
