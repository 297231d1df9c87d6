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
    let jian = jian_hao(id);
    RecordBuilder::new(id)
        .set("聚合层次", "文件")
        .set("来源/立档单位名称", "某市档案局")
        .set("电子文件号", id)
        .set("档号", format!("Z109-WS·2024·Y·BGS-{jian}"))
        .set("档号/室编件号", jian.clone())
        .set("存储位置/当前位置", "在线")
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
                creating_application: Some("税务数字账户 1.0".into()),
                size: Some(size.to_string()),
                ..Default::default()
            }),
        )
        .component(
            Component::from_path(Role::Attachment, &att).with_declared(Declared {
                format: Some("TXT".into()),
                creating_application: Some("记事本".into()),
                file_name: Some(format!("{id}-附件.txt")),
                size: Some(attachment.len().to_string()),
                ..Default::default()
            }),
        )
        .build()
}

/// A 4-digit 件号 derived from the record id (stable, so the 档号 follows the numbering rule).
pub fn jian_hao(id: &str) -> String {
    let h = guidang::digest::sm3(id.as_bytes());
    format!("{:04}", (u16::from(h[0]) << 8 | u16::from(h[1])) % 10000)
}
