//! Capture benchmarks.
//!
//! - `invoice/*`: records/s capturing e-invoice-sized records (the corpus VAT e-invoice OFD plus a
//!   24 KB attachment and DA/T 46 metadata, ≈ 38 KB) into a zip outbox, fsync on and off.
//! - `large/*`: MB/s capturing one generated file (size `GUIDANG_BENCH_LARGE_MB`, default 64)
//!   into each package format (zip with fsync off and on; folder, BagIt and EEP with fsync on),
//!   against SM3 alone over the same bytes (one thread, as `sha3sum`-style tools do).
//!   Run with `GUIDANG_BENCH_LARGE_MB=1024` by hand for the 1 GB figure, or use the
//!   `capture_large` example, which also reports peak memory.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use guidang::capture::{CaptureConfig, Capturer};
use guidang::digest::{digest_file, DigestAlg};
use guidang::package::PackageFormat;
use guidang::record::{Component, Declared, Record, RecordBuilder, Role};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

static N: AtomicU64 = AtomicU64::new(0);

fn invoice() -> PathBuf {
    let p = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/ofd/sign__v4signed.ofd"
    ));
    assert!(p.is_file(), "corpus missing: {}", p.display());
    p
}

fn record(id: &str, main: &Path, att: &Path, main_format: Option<&str>) -> Record {
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len().to_string()).ok();
    RecordBuilder::new(id)
        .set("聚合层次", "文件")
        .set("来源/立档单位名称", "某市财政局")
        .set("电子文件号", id)
        .set(
            "档号",
            format!(
                "Z109-WS·2024·Y·BGS-{:04}",
                N.load(Ordering::Relaxed) % 10000
            ),
        )
        .set(
            "档号/室编件号",
            format!("{:04}", N.load(Ordering::Relaxed) % 10000),
        )
        .set("存储位置/当前位置", "在线")
        .set("档号/年度", "2024")
        .set("档号/保管期限", "永久")
        .set("形式特征/文件组合类型", "单件")
        .set("形式特征/页数", "1")
        .set("档号/全宗号", "Z109")
        .set("档号/类别号", "WS")
        .set("内容描述/题名", "增值税电子普通发票")
        .set("内容描述/责任者", "某市财政局")
        .set("内容描述/日期", "2024-03-01")
        .set("内容描述/密级", "公开")
        .set("内容描述/保管期限", "30年")
        .component(
            Component::from_path(Role::Main, main).with_declared(Declared {
                format: main_format.map(str::to_string),
                creating_application: Some("税务数字账户 1.0".into()),
                file_name: main.file_name().map(|n| n.to_string_lossy().into_owned()),
                size: size(main),
                ..Default::default()
            }),
        )
        .component(
            Component::from_path(Role::Attachment, att).with_declared(Declared {
                format: Some("XML".into()),
                creating_application: Some("税务数字账户 1.0".into()),
                file_name: att.file_name().map(|n| n.to_string_lossy().into_owned()),
                size: size(att),
                ..Default::default()
            }),
        )
        .build()
}

fn bench_invoice(c: &mut Criterion) {
    let src = tempfile::tempdir().unwrap();
    let att = src.path().join("original_invoice.xml");
    let items = "<明细>办公用品</明细>\n".repeat(900);
    std::fs::write(&att, format!("<发票>\n{items}</发票>\n")).unwrap();
    let main = invoice();
    let mut g = c.benchmark_group("invoice");
    g.throughput(Throughput::Elements(1));
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(8));
    for fsync in [false, true] {
        let out = tempfile::tempdir().unwrap();
        let mut cfg = CaptureConfig::new(out.path());
        cfg.format = PackageFormat::Zip;
        cfg.package.fsync = fsync;
        let cap = Capturer::open(cfg).unwrap();
        g.bench_function(
            BenchmarkId::new("capture_zip", if fsync { "fsync" } else { "no_fsync" }),
            |b| {
                b.iter(|| {
                    let id = format!("INV-{}", N.fetch_add(1, Ordering::Relaxed));
                    cap.capture(&record(&id, &main, &att, Some("OFD"))).unwrap()
                })
            },
        );
    }
    g.finish();
}

fn bench_large(c: &mut Criterion) {
    let mb: u64 = std::env::var("GUIDANG_BENCH_LARGE_MB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64);
    let src = tempfile::tempdir().unwrap();
    let big = src.path().join("video.mp4");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
        let mut x: u64 = 0x9E3779B97F4A7C15;
        let mut block = vec![0u8; 1 << 20];
        for _ in 0..mb {
            for chunk in block.chunks_mut(8) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                chunk.copy_from_slice(&x.to_le_bytes());
            }
            f.write_all(&block).unwrap();
        }
    }
    let att = src.path().join("note.txt");
    std::fs::write(&att, "说明").unwrap();
    let mut g = c.benchmark_group("large");
    g.throughput(Throughput::Bytes(mb << 20));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    g.bench_function(BenchmarkId::new("sm3_only", mb), |b| {
        b.iter(|| digest_file(&big, &[DigestAlg::Sm3]).unwrap())
    });
    for (format, fsync) in [
        (PackageFormat::Zip, false),
        (PackageFormat::Zip, true),
        (PackageFormat::Dir, true),
        (PackageFormat::Bagit, true),
        (PackageFormat::Eep, true),
    ] {
        let out = tempfile::tempdir().unwrap();
        let mut cfg = CaptureConfig::new(out.path());
        cfg.format = format;
        cfg.package.fsync = fsync;
        // The generated bytes are no archival format: switch off the format items (1-10 content
        // vs extension, 3-3 allowed formats) so the capture path itself is measured.
        for item in ["1-10", "3-3"] {
            cfg.scheme
                .items
                .insert(item.into(), guidang::catalogue::ItemMode::Off);
        }
        let cap = Capturer::open(cfg).unwrap();
        let name = format!(
            "capture_{}{}",
            format.name(),
            if fsync { "_fsync" } else { "" }
        );
        g.bench_function(BenchmarkId::new(name, mb), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let id = format!("BIG-{}", N.fetch_add(1, Ordering::Relaxed));
                    let r = record(&id, &big, &att, Some("MP4"));
                    let t = Instant::now();
                    let receipt = cap.capture(&r).unwrap();
                    total += t.elapsed();
                    let p = &receipt.package_path;
                    if p.is_dir() {
                        std::fs::remove_dir_all(p).unwrap();
                    } else {
                        std::fs::remove_file(p).unwrap();
                    }
                }
                total
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_invoice, bench_large);
criterion_main!(benches);
