//! In-process verification speed: the corpus SES v4 e-invoice (`sign__v4signed.ofd`) and signed
//! PDFs from the test PKI (RSA and SM2), each verified from memory with no trust anchor.
//! Run briefly: `cargo bench -p guidang --bench verify -- --warm-up-time 1 --measurement-time 3`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use guidang::authenticity::{testkit, verify_source, Trust};
use guidang::record::Source;
use std::hint::black_box;
use std::sync::Arc;

fn bench(c: &mut Criterion) {
    let ofd = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/ofd/sign__v4signed.ofd"
    );
    let ofd = Source::Bytes(Arc::new(
        std::fs::read(ofd).expect("corpus sign__v4signed.ofd"),
    ));
    let dir = std::env::temp_dir().join(format!("guidang-bench-{}", std::process::id()));
    let (_, _, fx) = testkit::generate(&dir).expect("fixtures");
    let pdf = |label: &str| {
        let f = fx.iter().find(|f| f.label == label).expect("fixture");
        Source::Bytes(Arc::new(std::fs::read(&f.path).expect("fixture bytes")))
    };
    let (pdf_rsa, pdf_sm2) = (pdf("pdf-rsa.pdf"), pdf("pdf-sm2.pdf"));
    let trust = Trust::none();
    let mut g = c.benchmark_group("verify");
    g.throughput(Throughput::Elements(1));
    for (name, src) in [
        ("ofd_v4signed", &ofd),
        ("pdf_rsa", &pdf_rsa),
        ("pdf_sm2", &pdf_sm2),
    ] {
        assert_eq!(
            verify_source(src, &trust)
                .expect("verifies")
                .signatures
                .len(),
            1
        );
        g.bench_function(name, |b| {
            b.iter(|| black_box(verify_source(black_box(src), &trust)))
        });
    }
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
