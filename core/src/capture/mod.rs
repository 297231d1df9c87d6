//! Instant capture (即时归档): check a record, package it and hand it to the outbox durably.
//!
//! [`Capturer::capture`] = run the 归档 checks → refuse with the report if a blocking check fails
//! (nothing is published) → build the package under a temporary name in the outbox → fsync →
//! append the journal entry (fsync) → rename into place → fsync the outbox → return the
//! [`Receipt`].
//!
//! Each source byte is read once: for a new record id in a 件级 or BagIt package the checks'
//! digest pass *is* the copy into the temporary package (SM3 on a helper thread beside SHA-256
//! and the write); the package is finished only if no blocking check failed, and removed
//! otherwise. For an EEP, whose metadata (with each file's SM3) precedes the Base64 content, the
//! digest pass copies each source into a staging folder beside the temporary package and the EEP
//! is encoded from those copies. A record id captured before (whose content is most likely
//! unchanged, so nothing needs copying) is checked first and packaged only if needed.
//!
//! Idempotent: the same record id with the same content returns the earlier receipt; a different
//! content is [`Error::Conflict`] unless a revision is asked for ([`Capturer::capture_revision`]).
//! Safe for many threads and several processes sharing one outbox: the journal and the final
//! names are only touched under an exclusive lock on `<outbox>/.guidang.lock`; builds run in
//! parallel. Temporary packages of processes that died are removed when a capturer opens the
//! outbox (each capturer holds a lock on its own owner file while alive).

mod journal;
mod verify;

pub use journal::{Entry, GENESIS, JOURNAL_FILE};
pub use verify::{package_digest, verify_journal, JournalReport};

use crate::catalogue::Scheme;
use crate::checks::{CheckOptions, Checker, ComponentFacts};
use crate::digest::{DigestAlg, Digests};
use crate::package::{
    content_key, fsync_dir, remove_any, safe_component, write_package, ContentDigest, DirSink,
    PackageBuilder, PackageFormat, PackageInput, PackageOptions, Sink,
};
use crate::report::{Report, Stage, Verdict};
use crate::schema::Schema;
use crate::{Error, Record, Result};
use journal::Journal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Name of the lock file in the outbox.
pub const LOCK_FILE: &str = ".guidang.lock";
/// Folder of owner lock files (one per live capturer).
pub const OWNERS_DIR: &str = ".owners";
/// Prefix of temporary package names.
pub const TEMP_PREFIX: &str = ".tmp-";

/// Configuration of a [`Capturer`].
#[derive(Debug, Clone)]
pub struct CaptureConfig {
    /// The outbox folder (created if missing).
    pub outbox: PathBuf,
    /// Package format (default zip).
    pub format: PackageFormat,
    /// Metadata schema; `None` = the record's own hint, else `dat46-wenshu`.
    pub schema: Option<Schema>,
    /// 检测方案 of the archiving stage (default `gd-default`).
    pub scheme: Scheme,
    /// Options of the checks.
    pub check: CheckOptions,
    /// Package options (fsync, SHA-256, zip deflate, signing key …).
    pub package: PackageOptions,
}

impl CaptureConfig {
    /// Defaults: zip packages, gd-default scheme, fsync on.
    pub fn new(outbox: impl Into<PathBuf>) -> Self {
        CaptureConfig {
            outbox: outbox.into(),
            format: PackageFormat::Zip,
            schema: None,
            scheme: Scheme::default_for(Stage::Archiving),
            check: CheckOptions::default(),
            package: PackageOptions::default(),
        }
    }
}

/// Proof that a record was captured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    /// Record id.
    pub record_id: String,
    /// Revision number (1 = first package).
    pub version: u32,
    /// Path of the package.
    pub package_path: PathBuf,
    /// Package digest (SM3, hex).
    pub package_sm3: String,
    /// SM3 content key of the record (metadata + component digests).
    pub content_key: String,
    /// Package format.
    pub format: String,
    /// Package this one revises, if any.
    pub revises: Option<String>,
    /// Capture time (RFC 3339).
    pub created: String,
    /// Position in the journal.
    pub journal_seq: u64,
    /// The 归档 check report.
    pub report: Report,
}

impl Receipt {
    fn from_entry(outbox: &Path, e: &Entry) -> Receipt {
        Receipt {
            record_id: e.record_id.clone(),
            version: e.version,
            package_path: outbox.join(&e.package),
            package_sm3: e.package_sm3.clone(),
            content_key: e.content_key.clone(),
            format: e.format.clone(),
            revises: e.revises.clone(),
            created: e.created.clone(),
            journal_seq: e.seq,
            report: e.report.clone(),
        }
    }
}

#[derive(Debug, Default)]
struct State {
    journal: Option<Journal>,
    latest: HashMap<String, Entry>,
}

/// Captures records into one outbox. `Sync`: share it between threads.
#[derive(Debug)]
pub struct Capturer {
    cfg: CaptureConfig,
    checker: Checker,
    owner: String,
    _owner_lock: File,
    state: Mutex<State>,
    counter: AtomicU64,
}

/// Holds the outbox lock while alive.
struct OutboxLock(File);

impl Drop for OutboxLock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

impl Capturer {
    /// Opens (creating) the outbox, recovers from earlier crashes (completes journaled renames,
    /// cuts a half-written journal line, removes temporary packages of dead capturers) and
    /// reads the journal.
    pub fn open(cfg: CaptureConfig) -> Result<Capturer> {
        let outbox = &cfg.outbox;
        std::fs::create_dir_all(outbox.join(OWNERS_DIR))
            .map_err(|e| Error::io(outbox.join(OWNERS_DIR), e))?;
        static INSTANCE: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let owner = format!(
            "{}_{}_{:x}",
            std::process::id(),
            INSTANCE.fetch_add(1, Ordering::Relaxed),
            nanos
        );
        let op = outbox.join(OWNERS_DIR).join(format!("{owner}.lock"));
        let owner_lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&op)
            .map_err(|e| Error::io(&op, e))?;
        owner_lock.lock().map_err(|e| Error::io(&op, e))?;
        let checker = Checker::new(cfg.schema.clone(), cfg.scheme.clone(), cfg.check.clone());
        let c = Capturer {
            checker,
            owner,
            _owner_lock: owner_lock,
            state: Mutex::new(State::default()),
            counter: AtomicU64::new(0),
            cfg,
        };
        {
            let _l = c.lock()?;
            let mut st = c.state()?;
            c.refresh(&mut st, true)?;
            c.recover(&st)?;
        }
        Ok(c)
    }

    /// The configuration.
    pub fn config(&self) -> &CaptureConfig {
        &self.cfg
    }

    fn state(&self) -> Result<std::sync::MutexGuard<'_, State>> {
        self.state.lock().map_err(|_| {
            Error::Config("capturer state poisoned by a panic in another thread".into())
        })
    }

    fn lock(&self) -> Result<OutboxLock> {
        let p = self.cfg.outbox.join(LOCK_FILE);
        let f = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&p)
            .map_err(|e| Error::io(&p, e))?;
        f.lock().map_err(|e| Error::io(&p, e))?;
        Ok(OutboxLock(f))
    }

    /// Reads journal entries appended since last time (lock held).
    fn refresh(&self, st: &mut State, repair: bool) -> Result<()> {
        let j = st
            .journal
            .get_or_insert_with(|| Journal::new(&self.cfg.outbox));
        let new = j.read_new(repair)?;
        for e in new {
            st.latest.insert(e.record_id.clone(), e);
        }
        Ok(())
    }

    /// Completes journaled renames and removes temporaries of dead capturers (lock held).
    fn recover(&self, st: &State) -> Result<()> {
        let outbox = &self.cfg.outbox;
        // Every journaled package must be in place; a crash after the journal append and
        // before the rename left it under its temporary name.
        let mut pending = Vec::new();
        let mut needed = std::collections::HashSet::new();
        let _ = st;
        for e in Journal::new(outbox).read_new(false)? {
            needed.insert(e.temp.clone());
            if !outbox.join(&e.package).exists() && outbox.join(&e.temp).exists() {
                pending.push(e);
            }
        }
        for e in &pending {
            let from = outbox.join(&e.temp);
            let to = outbox.join(&e.package);
            std::fs::rename(&from, &to).map_err(|err| Error::io(&from, err))?;
        }
        if !pending.is_empty() && self.cfg.package.fsync {
            fsync_dir(outbox)?;
        }
        // Temporaries whose owner is gone.
        let rd = std::fs::read_dir(outbox).map_err(|e| Error::io(outbox, e))?;
        for ent in rd.flatten() {
            let name = ent.file_name().to_string_lossy().into_owned();
            let Some(rest) = name.strip_prefix(TEMP_PREFIX) else {
                continue;
            };
            let owner = rest.split('-').next().unwrap_or("");
            if owner == self.owner || needed.contains(&name) || !owner_dead(outbox, owner) {
                continue;
            }
            let p = ent.path();
            let r = if p.is_dir() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
            r.map_err(|e| Error::io(&p, e))?;
        }
        // Owner files of dead capturers.
        let od = outbox.join(OWNERS_DIR);
        if let Ok(rd) = std::fs::read_dir(&od) {
            for ent in rd.flatten() {
                let name = ent.file_name().to_string_lossy().into_owned();
                if let Some(owner) = name.strip_suffix(".lock") {
                    if owner != self.owner && owner_dead(outbox, owner) {
                        let _ = std::fs::remove_file(ent.path());
                    }
                }
            }
        }
        Ok(())
    }

    /// Checks and captures one record (see the module docs).
    pub fn capture(&self, record: &Record) -> Result<Receipt> {
        self.capture_inner(record, false)
    }

    /// Captures a new version of a record captured before with different content: a 修改型 EEP
    /// wrapping the earlier one, or a new package that references the earlier one. With the same
    /// content it returns the earlier receipt; for a record never captured it is a first capture.
    pub fn capture_revision(&self, record: &Record) -> Result<Receipt> {
        self.capture_inner(record, true)
    }

    /// The latest receipt of a record id, if it was captured.
    pub fn receipt(&self, record_id: &str) -> Result<Option<Receipt>> {
        let _l = self.lock()?;
        let mut st = self.state()?;
        self.refresh(&mut st, false)?;
        Ok(st
            .latest
            .get(record_id)
            .map(|e| Receipt::from_entry(&self.cfg.outbox, e)))
    }

    fn capture_inner(&self, record: &Record, revision: bool) -> Result<Receipt> {
        let suffix = self.cfg.format.suffix();
        let temp = format!(
            "{TEMP_PREFIX}{}-{}{suffix}",
            self.owner,
            self.counter.fetch_add(1, Ordering::Relaxed)
        );
        let temp_path = self.cfg.outbox.join(&temp);
        // Removes the temporary package on every way out until the journal owns it.
        let mut guard = TempGuard(Some(temp_path.clone()));
        // A record id not captured before: the checks' one read of each source is also the copy,
        // into the package (件级, BagIt) or into a staging folder the EEP is encoded from. An id
        // captured before (whose content is most likely unchanged) is checked without copying,
        // and the package is written afterwards only if needed.
        let mut builder = None;
        let mut staged = None;
        let report = if self.is_known(&record.id)? {
            self.checker.check(record)?
        } else if PackageBuilder::supports(self.cfg.format) {
            let (report, b) = self.check_copying(record, &temp_path)?;
            builder = Some(b);
            report
        } else {
            let stage = self.cfg.outbox.join(format!("{temp}.stage"));
            let (report, r, stage_guard) = self.check_staging(record, &stage)?;
            staged = Some((r, stage_guard));
            report
        };
        if report.verdict == Verdict::Fail && !report.blocking_failures().is_empty() {
            return Err(Error::Refused {
                id: record.id.clone(),
                codes: report.blocking_failures(),
                report: Box::new(report),
            });
        }
        let digests = ContentDigest::from_report(record, &report)?;
        let key = content_key(record, &digests);
        // Decide what to write (idempotency) under the lock.
        let plan = {
            let _l = self.lock()?;
            let mut st = self.state()?;
            self.refresh(&mut st, false)?;
            match self.decide(&st, record, &key, revision)? {
                Decision::Existing(r) => return Ok(*r),
                Decision::Write(p) => p,
            }
        };
        // Revisions are built under the lock (their version depends on the journal); first
        // captures are built in parallel and re-checked before they are committed.
        let hold = if plan.version > 1 {
            Some(self.lock()?)
        } else {
            None
        };
        if let Some(_l) = &hold {
            let mut st = self.state()?;
            self.refresh(&mut st, false)?;
            match self.decide(&st, record, &key, revision)? {
                Decision::Existing(r) => return Ok(*r),
                Decision::Write(p) if p.version == plan.version => {}
                Decision::Write(_) => {
                    return Err(Error::Conflict {
                        id: record.id.clone(),
                        detail: "another capturer revised it at the same time".into(),
                    })
                }
            }
        }
        let revises_path = plan
            .revises
            .as_ref()
            .map(|e| (self.cfg.outbox.join(&e.package), e.package_sm3.clone()));
        let input = PackageInput {
            record: staged.as_ref().map_or(record, |(r, _)| r),
            digests: &digests,
            version: plan.version,
            revises: revises_path,
        };
        let written = match builder {
            Some(b) => b.finish(&input)?,
            None => write_package(self.cfg.format, &input, &temp_path, &self.cfg.package)?,
        };
        if self.cfg.package.fsync && self.cfg.format.is_dir() {
            // DirSink synced the tree; the new temp folder's entry lives in the outbox.
            fsync_dir(&self.cfg.outbox)?;
        }
        // Commit.
        let _l = match hold {
            Some(l) => l,
            None => self.lock()?,
        };
        let mut st = self.state()?;
        self.refresh(&mut st, false)?;
        if plan.version == 1 {
            match self.decide(&st, record, &key, revision)? {
                Decision::Existing(r) => return Ok(*r),
                Decision::Write(p) if p.version == 1 => {}
                Decision::Write(_) => {
                    return Err(Error::Conflict {
                        id: record.id.clone(),
                        detail:
                            "captured by another capturer at the same time with different content"
                                .into(),
                    });
                }
            }
        }
        let package = format!("{}{}", plan.base, suffix);
        if self.cfg.outbox.join(&package).exists() {
            return Err(Error::Conflict {
                id: record.id.clone(),
                detail: format!("{package} already exists in the outbox but is not in the journal"),
            });
        }
        let mut entry = Entry {
            seq: 0,
            prev: String::new(),
            record_id: record.id.clone(),
            version: plan.version,
            content_key: key,
            format: self.cfg.format.name().to_string(),
            package: package.clone(),
            temp: temp.clone(),
            package_sm3: written.sm3,
            revises: plan.revises.as_ref().map(|e| e.package.clone()),
            created: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            report,
        };
        let j = st
            .journal
            .get_or_insert_with(|| Journal::new(&self.cfg.outbox));
        let entry = j.append(&mut entry, self.cfg.package.fsync)?;
        // Journaled: from here a crash is completed by the next `open` (see `recover`).
        guard.0 = None;
        let to = self.cfg.outbox.join(&package);
        std::fs::rename(&temp_path, &to).map_err(|e| Error::io(&temp_path, e))?;
        if self.cfg.package.fsync {
            fsync_dir(&self.cfg.outbox)?;
        }
        // The receipt is built from the entry as journaled, so a repeat returns an equal one.
        st.latest.insert(entry.record_id.clone(), entry.clone());
        Ok(Receipt::from_entry(&self.cfg.outbox, &entry))
    }

    /// Whether a record id is in the journal.
    fn is_known(&self, id: &str) -> Result<bool> {
        let _l = self.lock()?;
        let mut st = self.state()?;
        self.refresh(&mut st, false)?;
        Ok(st.latest.contains_key(id))
    }

    /// Runs the checks while copying each component into a new package at `temp_path`: the
    /// checks' one read of the bytes is the copy. The package is finished later, if the checks
    /// pass; the caller's guard removes it otherwise.
    fn check_copying(&self, record: &Record, temp_path: &Path) -> Result<(Report, PackageBuilder)> {
        let mut b = PackageBuilder::begin(self.cfg.format, record, temp_path, &self.cfg.package)?;
        let report = self.check_reading_once(record, &mut |i, src, label, algs| {
            b.add_content(i, src, label, algs)
        })?;
        Ok((report, b))
    }

    /// EEP, new id: the checks' one read of each source also copies it into a staging folder
    /// beside the temporary package, and the EEP is then encoded from those copies, so each
    /// source byte is read once (an EEP's metadata, with each file's SM3, precedes its Base64
    /// content, so it cannot be written during the checks). Returns the report, the record with
    /// its components pointing at the staged copies, and the guard that removes them.
    fn check_staging(&self, record: &Record, stage: &Path) -> Result<(Report, Record, TempGuard)> {
        let guard = TempGuard(Some(stage.to_path_buf()));
        let mut sink = DirSink::create(stage, false)?;
        let report = self.check_reading_once(record, &mut |i, src, label, algs| {
            sink.add_reader(&i.to_string(), src, label, algs)
        })?;
        let mut staged = record.clone();
        for (i, c) in staged.components.iter_mut().enumerate() {
            c.source = crate::record::Source::Path(sink.label(&i.to_string()));
        }
        Ok((report, staged, guard))
    }

    /// Runs the checks with each component measured while `copy(index, source, label, algs)`
    /// streams it somewhere, then makes sure the sources did not change meanwhile: the checks'
    /// other reads (format inspection, signatures) must have seen the same files as the copy.
    fn check_reading_once(
        &self,
        record: &Record,
        copy: &mut dyn FnMut(usize, &mut dyn Read, &Path, &[DigestAlg]) -> Result<Digests>,
    ) -> Result<Report> {
        let before = stamps(record);
        let t0 = std::time::Instant::now();
        let limits = self.checker.options().format_limits();
        let mut facts = Vec::with_capacity(record.components.len());
        for (i, c) in record.components.iter().enumerate() {
            let label = c.source.display_path();
            facts.push(ComponentFacts::measure_copying(
                c,
                &limits,
                &mut |src, algs| copy(i, src, &label, algs),
            )?);
        }
        let report = self.checker.check_facts(record, facts, t0.elapsed())?;
        for (c, (a, z)) in record
            .components
            .iter()
            .zip(before.iter().zip(stamps(record)))
        {
            if *a != z {
                return Err(Error::invalid(
                    c.source.display_path(),
                    "the file changed while it was being captured (size or modification time differs)",
                ));
            }
        }
        Ok(report)
    }

    fn decide(&self, st: &State, record: &Record, key: &str, revision: bool) -> Result<Decision> {
        let base = package_base(&record.id);
        match st.latest.get(&record.id) {
            None => Ok(Decision::Write(Plan {
                version: 1,
                base,
                revises: None,
            })),
            Some(e) if e.content_key == key => Ok(Decision::Existing(Box::new(
                Receipt::from_entry(&self.cfg.outbox, e),
            ))),
            Some(e) if revision => {
                let version = e.version + 1;
                Ok(Decision::Write(Plan {
                    version,
                    base: format!("{base}.v{version}"),
                    revises: Some(e.clone()),
                }))
            }
            Some(e) => Err(Error::Conflict {
                id: record.id.clone(),
                detail: format!(
                    "{} (version {}) holds content {}, this record has content {key}; ask for a revision to replace it",
                    e.package, e.version, e.content_key
                ),
            }),
        }
    }
}

struct Plan {
    version: u32,
    base: String,
    revises: Option<Entry>,
}

enum Decision {
    Existing(Box<Receipt>),
    Write(Plan),
}

/// Package base name of a record id: the id itself when it is a safe file name, else the
/// sanitised id plus 8 hex digits of SM3(id), so two ids never share a package name.
pub fn package_base(id: &str) -> String {
    let safe = safe_component(id);
    if safe == id && !id.starts_with(TEMP_PREFIX) && id != JOURNAL_FILE {
        safe
    } else {
        format!(
            "{safe}-{}",
            &hex::encode(crate::digest::sm3(id.as_bytes()))[..8]
        )
    }
}

/// Whether the capturer `owner` is gone: its owner lock file is missing or can be locked.
fn owner_dead(outbox: &Path, owner: &str) -> bool {
    let p = outbox.join(OWNERS_DIR).join(format!("{owner}.lock"));
    match File::options().write(true).open(&p) {
        Err(_) => true,
        Ok(f) => match f.try_lock() {
            Ok(()) => {
                let _ = f.unlock();
                true
            }
            Err(_) => false,
        },
    }
}

/// Removes a temporary package when dropped, unless taken (`.0 = None`).
struct TempGuard(Option<PathBuf>);

impl Drop for TempGuard {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            remove_any(&p);
        }
    }
}

type Stamp = Option<(u64, Option<std::time::SystemTime>)>;

/// Size and modification time of each file component (`None` for bytes in memory).
fn stamps(record: &Record) -> Vec<Stamp> {
    record
        .components
        .iter()
        .map(|c| match &c.source {
            crate::record::Source::Path(p) => std::fs::metadata(p)
                .ok()
                .map(|m| (m.len(), m.modified().ok())),
            crate::record::Source::Bytes(_) => None,
        })
        .collect()
}
