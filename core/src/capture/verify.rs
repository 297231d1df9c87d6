//! `guidang journal verify`: checks the journal chain against the outbox — every entry intact and
//! linked, every journaled package present with its recorded digest, nothing in the outbox that
//! the journal does not know, no duplicate packages for one record and version.

use super::journal::{parse_line, GENESIS, JOURNAL_FILE};
use super::{LOCK_FILE, OWNERS_DIR, TEMP_PREFIX};
use crate::package::PackageFormat;
use crate::{Error, Result};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The outcome of [`verify_journal`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct JournalReport {
    /// Entries read.
    pub entries: u64,
    /// Packages found in the outbox.
    pub packages: usize,
    /// Problems (an empty list means the journal and the outbox agree).
    pub problems: Vec<String>,
    /// Temporary packages still present (a capture in progress, or a crash not yet recovered).
    pub temporaries: Vec<String>,
}

impl JournalReport {
    /// Whether the chain is intact and agrees with the outbox.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Package digest as recorded in the journal: SM3 of the file (EEP), of the primary manifest
/// (件级 folder or zip: `其他/manifest-sm3.txt`), or of `tagmanifest-sha256.txt` (BagIt).
pub fn package_digest(path: &Path, format: PackageFormat) -> Result<String> {
    use crate::digest::DigestAlg;
    match format {
        PackageFormat::Eep => {
            Ok(crate::digest::digest_file(path, &[DigestAlg::Sm3])?.hex(DigestAlg::Sm3))
        }
        PackageFormat::Dir => Ok(crate::digest::digest_file(
            &path.join(crate::package::JIANJI_MANIFEST_SM3),
            &[DigestAlg::Sm3],
        )?
        .hex(DigestAlg::Sm3)),
        PackageFormat::Bagit => Ok(crate::digest::digest_file(
            &path.join("tagmanifest-sha256.txt"),
            &[DigestAlg::Sm3],
        )?
        .hex(DigestAlg::Sm3)),
        PackageFormat::Zip => {
            let mut c =
                crate::container::ZipContainer::open(path, crate::container::ZipLimits::default())?;
            let b = c.read(crate::package::JIANJI_MANIFEST_SM3)?;
            Ok(hex::encode(crate::digest::sm3(&b)))
        }
    }
}

/// Verifies the journal of an outbox against its contents (takes the outbox lock while reading).
pub fn verify_journal(outbox: &Path) -> Result<JournalReport> {
    if !outbox.is_dir() {
        return Err(Error::invalid(outbox, "not an outbox folder"));
    }
    let lock_path = outbox.join(LOCK_FILE);
    let lock = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| Error::io(&lock_path, e))?;
    lock.lock().map_err(|e| Error::io(&lock_path, e))?;
    let mut rep = JournalReport::default();
    let jp = outbox.join(JOURNAL_FILE);
    let text = match std::fs::read(&jp) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(Error::io(&jp, e)),
    };
    if !text.is_empty() && !text.ends_with(b"\n") {
        rep.problems.push("the last journal line is incomplete (an append was interrupted; the next capturer to open the outbox cuts it off)".into());
    }
    let text = String::from_utf8_lossy(&text);
    let mut prev = GENESIS.to_string();
    let mut seq = 0u64;
    let mut journaled: BTreeMap<String, (String, String)> = BTreeMap::new(); // package → (format, sm3)
    let mut versions: BTreeSet<(String, u32)> = BTreeSet::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let Some(line) = line.strip_suffix('\n') else {
            break;
        };
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok((e, h)) => {
                if e.prev != prev {
                    rep.problems.push(format!("line {}: entry {} does not link to the previous entry (an entry was deleted, inserted or reordered)", i + 1, e.seq));
                }
                if e.seq != seq + 1 {
                    rep.problems.push(format!(
                        "line {}: entry number {} follows {} (entries missing)",
                        i + 1,
                        e.seq,
                        seq
                    ));
                }
                if !versions.insert((e.record_id.clone(), e.version)) {
                    rep.problems.push(format!(
                        "line {}: record {} version {} is journaled twice",
                        i + 1,
                        e.record_id,
                        e.version
                    ));
                }
                if journaled
                    .insert(e.package.clone(), (e.format.clone(), e.package_sm3.clone()))
                    .is_some()
                {
                    rep.problems.push(format!(
                        "line {}: package {} is journaled twice",
                        i + 1,
                        e.package
                    ));
                }
                prev = h;
                seq = e.seq;
                rep.entries += 1;
            }
            Err(why) => {
                rep.problems.push(format!("line {}: {why}", i + 1));
                // Continue the chain from the stored hash if it can be read.
                if let Some(p) = line.rfind(",\"hash\":\"") {
                    prev = line[p + 9..].trim_end_matches("\"}").to_string();
                }
                seq += 1;
            }
        }
    }
    for (pkg, (fmt, sm3)) in &journaled {
        let p = outbox.join(pkg);
        if !p.exists() {
            rep.problems
                .push(format!("{pkg}: journaled but missing from the outbox"));
            continue;
        }
        let Some(format) = PackageFormat::parse(fmt) else {
            rep.problems.push(format!("{pkg}: unknown format {fmt}"));
            continue;
        };
        match package_digest(&p, format) {
            Ok(d) if d == *sm3 => {}
            Ok(d) => rep.problems.push(format!(
                "{pkg}: package digest {d} differs from the journal ({sm3})"
            )),
            Err(e) => rep.problems.push(format!("{pkg}: {e}")),
        }
    }
    for ent in std::fs::read_dir(outbox)
        .map_err(|e| Error::io(outbox, e))?
        .flatten()
    {
        let name = ent.file_name().to_string_lossy().into_owned();
        if name == JOURNAL_FILE || name == LOCK_FILE || name == OWNERS_DIR {
            continue;
        }
        if name.starts_with(TEMP_PREFIX) {
            rep.temporaries.push(name);
            continue;
        }
        rep.packages += 1;
        if !journaled.contains_key(&name) {
            rep.problems
                .push(format!("{name}: in the outbox but not in the journal"));
        }
    }
    rep.temporaries.sort();
    let _ = lock.unlock();
    Ok(rep)
}
