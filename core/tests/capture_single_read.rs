//! Capture reads each source byte once: for a new record in a 件级 or BagIt package the checks'
//! digest pass is the copy into the package. Measured with the process's read counter (`rchar`
//! in /proc/self/io, Linux), so this test binary holds only this test.
#![cfg(target_os = "linux")]

mod common;

use guidang::capture::{CaptureConfig, Capturer};
use guidang::package::{verify_package, PackageFormat, VerifyOptions};
use guidang::record::{Component, Declared, Role};
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
fn a_new_record_is_read_once_an_eep_twice() {
    // Bytes read while capturing a record with a large attachment minus those read for the same
    // record with a small one: what reading the attachment cost (the OFD 正文, fixtures and the
    // outbox's own files are read either way).
    const SMALL: usize = 256 << 10;
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
        for (k, bytes) in [SMALL, BIG].into_iter().enumerate() {
            let id = format!("WS-2024-0{n}{k}");
            let wav = src.path().join(format!("{id}.wav"));
            write_wav(&wav, bytes);
            let r = record_with_wav(src.path(), &id, &wav);
            let before = rchar();
            let receipt = capture(&cap, &r, format);
            cost.push(rchar() - before);
            if bytes == BIG {
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
        read.push((format, (cost[1] - cost[0]) as f64 / (BIG - SMALL) as f64));
    }
    eprintln!("attachment bytes read per attachment byte: {read:?}");
    for (format, ratio) in read {
        if format == PackageFormat::Eep {
            // The EEP's metadata (with each file's SM3) precedes the content: check, then copy.
            assert!(ratio >= 1.9, "{format:?}: read {ratio:.2}× the attachment");
        } else {
            assert!(ratio < 1.1, "{format:?}: read {ratio:.2}× the attachment");
        }
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
