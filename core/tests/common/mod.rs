//! Test records shared by the capture and package tests.
#![allow(dead_code)]

use guidang::record::{Component, Declared, Record, RecordBuilder, Role};
use std::path::{Path, PathBuf};

/// The e-invoice OFD of the corpus (fails loudly when the corpus is missing).
pub fn invoice() -> PathBuf {
    let p = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/ofd/sign__v4signed.ofd"
    ));
    assert!(p.is_file(), "corpus file missing: {}", p.display());
    p
}

/// A valid record: DA/T 46 metadata, the invoice OFD as 正文 and a text attachment written to `dir`.
pub fn record(dir: &Path, id: &str, attachment: &[u8]) -> Record {
    let att = dir.join(format!("{id}-附件.txt"));
    std::fs::write(&att, attachment).unwrap();
    let main = invoice();
    let size = std::fs::metadata(&main).unwrap().len();
    RecordBuilder::new(id)
        .set("聚合层次", "文件")
        .set("来源/立档单位名称", "某市档案局")
        .set("电子文件号", id)
        .set("档号", format!("Z109-WS·2024·Y-{id}"))
        .set("档号/全宗号", "Z109")
        .set("档号/年度", "2024")
        .set("档号/保管期限", "永久")
        .set("档号/类别号", "WS")
        .set("内容描述/题名", "关于印发档案工作要点的通知")
        .set("内容描述/责任者", "某市档案局")
        .set("内容描述/日期", "2024-03-01")
        .set("内容描述/密级", "公开")
        .set("内容描述/保管期限", "永久")
        .set("形式特征/文件组合类型", "单件")
        .set("形式特征/页数", "1")
        .component(
            Component::from_path(Role::Main, &main).with_declared(Declared {
                format: Some("OFD".into()),
                file_name: Some("sign__v4signed.ofd".into()),
                size: Some(size.to_string()),
                ..Default::default()
            }),
        )
        .component(
            Component::from_path(Role::Attachment, &att).with_declared(Declared {
                file_name: Some(format!("{id}-附件.txt")),
                size: Some(attachment.len().to_string()),
                ..Default::default()
            }),
        )
        .build()
}
