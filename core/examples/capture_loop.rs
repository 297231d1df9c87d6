//! Child process for the crash-safety test (`core/tests/capture_crash.rs`): captures records
//! `R-0000…R-(N-1)` into an outbox in a loop, forever, until it is killed.
//!
//! `capture_loop OUTBOX FORMAT SRC_DIR N` — FORMAT is zip|dir|eep|bagit; the attachment of record
//! i is `SRC_DIR/R-i.txt` (created by the parent). Prints `captured <id> <seq>` per new package.

use guidang::capture::{CaptureConfig, Capturer};
use guidang::package::PackageFormat;
use guidang::record::{Component, Declared, Record, RecordBuilder, Role};
use std::path::{Path, PathBuf};

/// The record the crash test captures for index `i` (the test builds the same one).
pub fn record(src: &Path, i: usize) -> Record {
    let id = format!("R-{i:04}");
    let main = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/ofd/sign__v4signed.ofd"
    ));
    let att = src.join(format!("{id}.txt"));
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len().to_string()).ok();
    RecordBuilder::new(&id)
        .set("聚合层次", "文件")
        .set("来源/立档单位名称", "某市档案局")
        .set("电子文件号", &id)
        .set("档号", format!("Z109-WS·2024·Y-{id}"))
        .set("档号/全宗号", "Z109")
        .set("档号/类别号", "WS")
        .set("内容描述/题名", format!("关于第{i}号事项的通知"))
        .set("内容描述/责任者", "某市档案局")
        .set("内容描述/日期", "2024-03-01")
        .set("内容描述/密级", "公开")
        .set("内容描述/保管期限", "永久")
        .component(
            Component::from_path(Role::Main, &main).with_declared(Declared {
                format: Some("OFD".into()),
                file_name: Some("sign__v4signed.ofd".into()),
                size: size(&main),
                ..Default::default()
            }),
        )
        .component(
            Component::from_path(Role::Attachment, &att).with_declared(Declared {
                file_name: Some(format!("{id}.txt")),
                size: size(&att),
                ..Default::default()
            }),
        )
        .build()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        eprintln!("usage: capture_loop OUTBOX FORMAT SRC_DIR N");
        std::process::exit(2);
    }
    let format = PackageFormat::parse(&args[2]).unwrap_or(PackageFormat::Zip);
    let n: usize = args[4].parse().unwrap_or(10);
    let src = PathBuf::from(&args[3]);
    let mut cfg = CaptureConfig::new(&args[1]);
    cfg.format = format;
    let c = match Capturer::open(cfg) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("open: {e}");
            std::process::exit(1);
        }
    };
    let start = std::process::id() as usize;
    loop {
        for k in 0..n {
            let i = (start + k) % n;
            match c.capture(&record(&src, i)) {
                Ok(r) => println!("captured {} {}", r.record_id, r.journal_seq),
                Err(e) => {
                    eprintln!("capture R-{i:04}: {e}");
                    std::process::exit(1);
                }
            }
        }
    }
}
