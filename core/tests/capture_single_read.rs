//! Capture reads each source byte once: for a new record in a 件级 or BagIt package the checks'
//! digest pass is the copy into the package; for an EEP it is a copy into a staging folder that the
//! EEP is then encoded from. Measured with the process's read counter (`rchar`
//! in /proc/self/io, Linux), so this test binary holds only this test.
#![cfg(target_os = "linux")]

mod common;

use guidang::capture::{CaptureConfig, Capturer};
use guidang::package::{verify_package, PackageFormat, VerifyOptions};
use guidang::record::{Component, Declared, Role, Source};
use guidang::report::Verdict;
use std::io::Write;
use std::path::Path;

/// Bytes this process has read so far (read(2) and friends, any file).
fn rchar() -> u64 {
    let s = std::fs::read_to_string("/proc/self/io").expect("/proc/self/io");
    s.lines()
        .find_map(|l| l.strip_prefix("rchar:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("rchar in /proc/self/io")
}

/// A PCM WAV file of about `bytes` bytes (noise), whose inspection reads only the header.
fn write_wav(path: &Path, bytes: usize) {
    let data_len = (bytes - 44) as u32 & !3;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    f.write_all(b"RIFF").unwrap();
    f.write_all(&(36 + data_len).to_le_bytes()).unwrap();
    f.write_all(b"WAVEfmt ").unwrap();
    f.write_all(&16u32.to_le_bytes()).unwrap();
    f.write_all(&1u16.to_le_bytes()).unwrap(); // PCM
    f.write_all(&2u16.to_le_bytes()).unwrap(); // stereo
    f.write_all(&44_100u32.to_le_bytes()).unwrap();
    f.write_all(&(44_100u32 * 4).to_le_bytes()).unwrap();
    f.write_all(&4u16.to_le_bytes()).unwrap();
    f.write_all(&16u16.to_le_bytes()).unwrap();
    f.write_all(b"data").unwrap();
    f.write_all(&data_len.to_le_bytes()).unwrap();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut block = vec![0u8; 1 << 16];
    let mut left = data_len as usize;
    while left > 0 {
        for c in block.chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            c.copy_from_slice(&x.to_le_bytes());
        }
        let n = left.min(block.len());
        f.write_all(&block[..n]).unwrap();
        left -= n;
    }
    f.flush().unwrap();
}

#[test]
fn a_new_record_is_read_once_in_every_format() {
    // Bytes read while capturing a record whose attachment is a file, minus those read for the
    // same record with the attachment in memory (a `Source::Bytes`, which reading does not
    // count): what reading the source file cost. Everything else — the OFD 正文, the outbox's own
    // files, the staged copy an EEP is encoded from — is read either way. Taken for two sizes, so
    // the bounded header reads of format inspection cancel out.
    const SMALL: usize = 2 << 20;
    const BIG: usize = 4 << 20;
    let src = tempfile::tempdir().unwrap();
    let mut read = Vec::new();
    for (format, n) in [
        (PackageFormat::Zip, 1),
        (PackageFormat::Dir, 2),
        (PackageFormat::Bagit, 3),
        (PackageFormat::Eep, 4),
    ] {
        let out = tempfile::tempdir().unwrap();
        let mut cfg = CaptureConfig::new(out.path());
        cfg.format = format;
        let cap = Capturer::open(cfg).unwrap();
        let mut cost = Vec::new();
        for (k, (size, in_memory)) in [(SMALL, false), (SMALL, true), (BIG, false), (BIG, true)]
            .into_iter()
            .enumerate()
        {
            let id = format!("WS-2024-0{n}{k}");
            let wav = src.path().join(format!("{id}.wav"));
            write_wav(&wav, size);
            let mut r = record_with_wav(src.path(), &id, &wav);
            if in_memory {
                let c = &mut r.components[1];
                c.source = Source::Bytes(std::sync::Arc::new(std::fs::read(&wav).unwrap()));
            }
            let before = rchar();
            let receipt = capture(&cap, &r, format);
            cost.push(rchar() - before);
            if size == BIG && !in_memory {
                // The package is complete and verifies.
                let rep = verify_package(
                    &receipt.package_path,
                    &VerifyOptions {
                        expected_sm3: Some(receipt.package_sm3.clone()),
                        ..Default::default()
                    },
                )
                .unwrap();
                assert_ne!(rep.verdict, Verdict::Fail, "{format:?}: {rep:?}");
                // Capturing it again returns the same receipt and writes nothing new.
                assert_eq!(capture(&cap, &r, format), receipt, "{format:?}");
            }
        }
        let file_cost = |path: u64, memory: u64| path as f64 - memory as f64;
        let source_reads =
            (file_cost(cost[2], cost[3]) - file_cost(cost[0], cost[1])) / (BIG - SMALL) as f64;
        read.push((format, source_reads));
    }
    eprintln!("reads of the attachment file per byte: {read:?}");
    for (format, ratio) in read {
        assert!(
            (0.9..1.1).contains(&ratio),
            "{format:?}: the source was read {ratio:.2} times"
        );
    }
}

fn record_with_wav(dir: &Path, id: &str, wav: &Path) -> guidang::Record {
    let mut r = common::record(dir, id, b"x");
    let seq = r.components[1].sequence;
    r.components[1] = Component::from_path(Role::Attachment, wav).with_declared(Declared {
        format: Some("WAV".into()),
        creating_application: Some("录音机 1.0".into()),
        file_name: Some(format!("{id}.wav")),
        size: Some(std::fs::metadata(wav).unwrap().len().to_string()),
        ..Default::default()
    });
    r.components[1].sequence = seq;
    r
}

fn capture(
    cap: &Capturer,
    r: &guidang::Record,
    format: PackageFormat,
) -> guidang::capture::Receipt {
    cap.capture(r).unwrap_or_else(|e| match e {
        guidang::Error::Refused { report, .. } => panic!(
            "{format:?}: refused: {:#?}",
            report
                .findings
                .iter()
                .filter(|f| f.outcome == guidang::report::Outcome::Fail)
                .map(|f| format!("{} {} {} {}", f.code, f.rule, f.subject, f.message_en))
                .collect::<Vec<_>>()
        ),
        e => panic!("{format:?}: {e}"),
    })
}
