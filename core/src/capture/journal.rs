//! The outbox journal: append-only JSON Lines, one entry per captured package, each chained to the
//! previous one by SM3 so that deleting, reordering or editing an entry is detectable.
//!
//! Line format: the entry's JSON object with a last member `"hash"`. The hashed bytes are the
//! line without that member — i.e. the text before `,"hash":"` followed by `}` — and
//! `hash = SM3(prev_hash_hex ‖ "\n" ‖ those bytes)`; the first entry's `prev` is 64 zeros.
//! An entry is written before its package is renamed into place (two-phase): `temp` names the
//! fsynced temporary package, so a crash between the two is completed on the next open.

use crate::report::Report;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::io::{Seek, Write};
use std::path::{Path, PathBuf};

/// File name of the journal inside the outbox.
pub const JOURNAL_FILE: &str = "journal.jsonl";
/// `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One journal entry (what a receipt is made from).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// 1-based position in the journal.
    pub seq: u64,
    /// Hash of the previous entry.
    pub prev: String,
    /// Record id (电子文件号).
    pub record_id: String,
    /// Revision number (1 = first package).
    pub version: u32,
    /// SM3 content key of the record (see [`crate::package::content_key`]).
    pub content_key: String,
    /// Package format.
    pub format: String,
    /// Package file or folder name in the outbox.
    pub package: String,
    /// Temporary name it was written under.
    pub temp: String,
    /// Package digest (see [`crate::package::WrittenPackage::sm3`]).
    pub package_sm3: String,
    /// Package this one revises (its name), if any.
    pub revises: Option<String>,
    /// Capture time (RFC 3339).
    pub created: String,
    /// The 归档 check report.
    pub report: Report,
}

/// Serialises an entry into its journal line (without the trailing newline) and its hash.
pub(crate) fn line_for(entry: &Entry) -> Result<(String, String)> {
    let body = serde_json::to_string(entry)
        .map_err(|e| Error::Config(format!("journal entry cannot be serialised: {e}")))?;
    let hash = chain_hash(&entry.prev, &body);
    let mut line = body;
    line.pop(); // the closing brace
    line.push_str(&format!(",\"hash\":\"{hash}\"}}"));
    Ok((line, hash))
}

fn chain_hash(prev: &str, body: &str) -> String {
    let mut b = Vec::with_capacity(prev.len() + 1 + body.len());
    b.extend_from_slice(prev.as_bytes());
    b.push(b'\n');
    b.extend_from_slice(body.as_bytes());
    hex::encode(crate::digest::sm3(&b))
}

/// Parses one journal line and checks its own hash. Returns the entry and its hash.
pub(crate) fn parse_line(line: &str) -> std::result::Result<(Entry, String), String> {
    const TAG: &str = ",\"hash\":\"";
    let pos = line.rfind(TAG).ok_or("no hash member")?;
    let hash = line[pos + TAG.len()..]
        .strip_suffix("\"}")
        .ok_or("hash member is not last")?
        .to_string();
    let body = format!("{}}}", &line[..pos]);
    let entry: Entry =
        serde_json::from_str(&body).map_err(|e| format!("not a journal entry: {e}"))?;
    let want = chain_hash(&entry.prev, &body);
    if want != hash {
        return Err(format!(
            "entry {} was altered: its hash is {hash}, its content hashes to {want}",
            entry.seq
        ));
    }
    Ok((entry, hash))
}

/// The journal file, read incrementally.
#[derive(Debug)]
pub(crate) struct Journal {
    pub(crate) path: PathBuf,
    /// Bytes of the file already read.
    pub(crate) offset: u64,
    /// Hash of the last entry.
    pub(crate) last_hash: String,
    /// Seq of the last entry.
    pub(crate) last_seq: u64,
}

impl Journal {
    pub(crate) fn new(outbox: &Path) -> Journal {
        Journal {
            path: outbox.join(JOURNAL_FILE),
            offset: 0,
            last_hash: GENESIS.to_string(),
            last_seq: 0,
        }
    }

    /// Reads entries appended since the last call (call with the outbox lock held). A trailing
    /// line without a newline is an append that never completed: with `repair` it is cut off.
    pub(crate) fn read_new(&mut self, repair: bool) -> Result<Vec<Entry>> {
        let mut f = match std::fs::File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(&self.path, e)),
        };
        let len = f.metadata().map_err(|e| Error::io(&self.path, e))?.len();
        if len < self.offset {
            return Err(Error::invalid(
                &self.path,
                "the journal became shorter: entries were deleted",
            ));
        }
        // Only the part appended since the last read.
        f.seek(std::io::SeekFrom::Start(self.offset))
            .map_err(|e| Error::io(&self.path, e))?;
        let mut bytes = Vec::with_capacity((len - self.offset) as usize);
        std::io::Read::read_to_end(&mut f, &mut bytes).map_err(|e| Error::io(&self.path, e))?;
        let new = &bytes[..];
        let complete = new
            .iter()
            .rposition(|&b| b == b'\n')
            .map(|p| p + 1)
            .unwrap_or(0);
        if complete < new.len() && repair {
            let keep = self.offset + complete as u64;
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(&self.path)
                .map_err(|e| Error::io(&self.path, e))?;
            f.set_len(keep).map_err(|e| Error::io(&self.path, e))?;
            f.sync_all().map_err(|e| Error::io(&self.path, e))?;
        }
        let text = std::str::from_utf8(&new[..complete])
            .map_err(|_| Error::invalid(&self.path, "the journal is not UTF-8"))?;
        let mut out = Vec::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (e, h) = parse_line(line).map_err(|r| Error::invalid(&self.path, r))?;
            if e.prev != self.last_hash || e.seq != self.last_seq + 1 {
                return Err(Error::invalid(
                    &self.path,
                    format!("the chain is broken at entry {}", e.seq),
                ));
            }
            self.last_hash = h;
            self.last_seq = e.seq;
            out.push(e);
        }
        self.offset += complete as u64;
        Ok(out)
    }

    /// Appends one entry durably (call with the outbox lock held, after `read_new`).
    /// Appends an entry (setting its `seq` and `prev`) and returns it as read back from its
    /// line, so that a receipt built now equals one built from the journal later.
    pub(crate) fn append(&mut self, entry: &mut Entry, fsync: bool) -> Result<Entry> {
        entry.seq = self.last_seq + 1;
        entry.prev = self.last_hash.clone();
        let (mut line, hash) = line_for(entry)?;
        let stored: Entry = serde_json::from_str(&line)
            .map_err(|e| Error::Config(format!("journal entry does not read back: {e}")))?;
        line.push('\n');
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| Error::io(&self.path, e))?;
        f.write_all(line.as_bytes())
            .map_err(|e| Error::io(&self.path, e))?;
        if fsync {
            f.sync_data().map_err(|e| Error::io(&self.path, e))?;
        }
        let end = f
            .seek(std::io::SeekFrom::End(0))
            .map_err(|e| Error::io(&self.path, e))?;
        self.offset = end;
        self.last_hash = hash;
        self.last_seq = entry.seq;
        Ok(stored)
    }
}
