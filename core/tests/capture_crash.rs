//! Crash safety: a child process captures records in a loop and is killed with SIGKILL at random
//! moments, `GUIDANG_CRASH_ITERATIONS` times (default 20). Afterwards the outbox holds only
//! complete packages that verify, the journal chain is intact and agrees with the outbox, and
//! capturing the same records again creates no duplicates.

use guidang::capture::{verify_journal, CaptureConfig, Capturer, JOURNAL_FILE};
use guidang::package::{verify_package, PackageFormat, VerifyOptions};
use guidang::Verdict;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

#[path = "../examples/capture_loop.rs"]
#[allow(dead_code)]
mod child;

const RECORDS: usize = 24;

fn child_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    let bin = dir.join("examples").join("capture_loop");
    // Always (re)build: `cargo test --test capture_crash` does not rebuild examples.
    {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let st = Command::new(cargo)
            .args(["build", "-p", "guidang", "--example", "capture_loop"])
            .status()
            .unwrap();
        assert!(st.success(), "cannot build the capture_loop example");
    }
    assert!(bin.is_file(), "{} missing", bin.display());
    bin
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn packages(outbox: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(outbox)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.') && n != JOURNAL_FILE)
        .collect();
    v.sort();
    v
}

#[test]
fn sigkill_at_random_moments_leaves_a_consistent_outbox() {
    let iterations: usize = std::env::var("GUIDANG_CRASH_ITERATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let bin = child_binary();
    let src = tempfile::tempdir().unwrap();
    for i in 0..RECORDS {
        std::fs::write(
            src.path().join(format!("R-{i:04}.txt")),
            format!("attachment of record {i}\n").repeat(50 + i * 40),
        )
        .unwrap();
    }
    let root = tempfile::tempdir().unwrap();
    let formats = [
        PackageFormat::Zip,
        PackageFormat::Dir,
        PackageFormat::Eep,
        PackageFormat::Bagit,
    ];
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("crash test: {iterations} kills, seed {seed}");
    let mut rng = Rng(seed);
    let mut killed_mid_run = 0;
    let mut left_temporaries = 0;
    for it in 0..iterations {
        let format = formats[it % formats.len()];
        let outbox = root.path().join(format.name());
        let mut child = Command::new(&bin)
            .arg(&outbox)
            .arg(format.name())
            .arg(src.path())
            .arg(RECORDS.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(20 + rng.next() % 600));
        match child.try_wait().unwrap() {
            Some(st) => {
                let mut err = String::new();
                use std::io::Read;
                child
                    .stderr
                    .take()
                    .unwrap()
                    .read_to_string(&mut err)
                    .unwrap();
                panic!("child exited by itself ({st}): {err}");
            }
            None => {
                child.kill().unwrap(); // SIGKILL
                killed_mid_run += 1;
            }
        }
        child.wait().unwrap();
        // Evidence that kills land mid-write: a temporary package left behind.
        if std::fs::read_dir(&outbox)
            .map(|rd| {
                rd.flatten()
                    .any(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
            })
            .unwrap_or(false)
        {
            left_temporaries += 1;
        }
    }
    eprintln!(
        "{left_temporaries} of {iterations} kills left a half-written temporary package behind"
    );
    assert_eq!(killed_mid_run, iterations);
    for format in formats {
        let outbox = root.path().join(format.name());
        if !outbox.exists() {
            continue;
        }
        // Opening recovers (completes journaled renames, removes dead temporaries).
        let mut cfg = CaptureConfig::new(&outbox);
        cfg.format = format;
        let c = Capturer::open(cfg).unwrap();
        let j = verify_journal(&outbox).unwrap();
        assert!(j.ok(), "{format:?}: {:?}", j.problems);
        assert!(
            j.temporaries.is_empty(),
            "{format:?}: leftover {:?}",
            j.temporaries
        );
        let before = packages(&outbox);
        assert_eq!(before.len() as u64, j.entries);
        for p in &before {
            let rep = verify_package(&outbox.join(p), &VerifyOptions::default()).unwrap();
            assert_ne!(rep.verdict, Verdict::Fail, "{format:?} {p} does not verify");
        }
        // Re-capturing every record: the ones captured return their receipts, nothing is duplicated.
        for i in 0..RECORDS {
            let r = c.capture(&child::record(src.path(), i)).unwrap();
            assert_eq!(r.version, 1);
        }
        let after = packages(&outbox);
        assert_eq!(after.len(), RECORDS, "{format:?}");
        assert!(before.iter().all(|p| after.contains(p)));
        let j = verify_journal(&outbox).unwrap();
        assert!(j.ok(), "{format:?}: {:?}", j.problems);
        assert_eq!(
            j.entries as usize, RECORDS,
            "{format:?}: duplicates in the journal"
        );
        eprintln!(
            "{format:?}: {} packages before the final pass, {} after",
            before.len(),
            after.len()
        );
    }
}
