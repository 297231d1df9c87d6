//! Per-call time of checking one small record straight from Rust (`guidang::check_path`), the
//! baseline for the binding overhead measured by `scripts/bench-overhead.sh`.
//! Usage: `cargo run --release -p guidang-uniffi --example overhead -- <record> [calls]`

use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().ok_or("usage: overhead <record> [calls]")?);
    let calls: u32 = args.next().map(|n| n.parse()).transpose()?.unwrap_or(2000);
    for _ in 0..calls / 10 {
        guidang::check_path(&path)?;
    }
    let t = Instant::now();
    for _ in 0..calls {
        std::hint::black_box(guidang::check_path(&path)?);
    }
    let us = t.elapsed().as_secs_f64() * 1e6 / f64::from(calls);
    println!("rust: {us:.1} us/call ({calls} calls of guidang::check_path)");
    Ok(())
}
