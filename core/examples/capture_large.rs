//! Peak memory while capturing one large generated file: `capture_large SIZE_MB [zip|dir|eep|bagit]`.
//! Generates the file in a temporary folder, captures it (fsync on), prints the time, MB/s and the
//! process's peak resident memory (VmHWM from /proc/self/status, Linux).

use guidang::capture::{CaptureConfig, Capturer};
use guidang::package::PackageFormat;
use guidang::record::{Component, Declared, RecordBuilder, Role};
use std::io::Write;
use std::time::Instant;

fn vm_hwm_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let l = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    l.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mb: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(256);
    let format = args
        .next()
        .and_then(|s| PackageFormat::parse(&s))
        .unwrap_or(PackageFormat::Dir);
    let work = std::env::temp_dir().join(format!("guidang-large-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let big = work.join("video.mp4");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&big)?);
        let mut x: u64 = 0x9E3779B97F4A7C15;
        let mut block = vec![0u8; 1 << 20];
        for _ in 0..mb {
            for chunk in block.chunks_mut(8) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                chunk.copy_from_slice(&x.to_le_bytes());
            }
            f.write_all(&block)?;
        }
    }
    let before = vm_hwm_kb().unwrap_or(0);
    let mut cfg = CaptureConfig::new(work.join("outbox"));
    cfg.format = format;
    let cap = Capturer::open(cfg)?;
    let r = RecordBuilder::new("BIG-1")
        .set("电子文件号", "BIG-1")
        .set("档号", "Z109-SX·2024·Y-0001")
        .set("档号/全宗号", "Z109")
        .set("内容描述/题名", "会议录像")
        .set("内容描述/责任者", "某市档案局")
        .set("内容描述/日期", "2024-03-01")
        .component(
            Component::from_path(Role::Main, &big).with_declared(Declared {
                file_name: Some("video.mp4".into()),
                size: Some((mb << 20).to_string()),
                ..Default::default()
            }),
        )
        .build();
    let t = Instant::now();
    let receipt = cap.capture(&r);
    let secs = t.elapsed().as_secs_f64();
    let after = vm_hwm_kb().unwrap_or(0);
    match &receipt {
        Ok(rc) => println!(
            "format={} size_mb={mb} seconds={secs:.2} mb_per_s={:.1} vm_hwm_before_kb={before} vm_hwm_kb={after} package={}",
            format.name(),
            mb as f64 / secs,
            rc.package_path.display()
        ),
        Err(e) => println!("capture failed: {e}"),
    }
    std::fs::remove_dir_all(&work)?;
    receipt.map(|_| ()).map_err(Into::into)
}
