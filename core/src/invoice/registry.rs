//! The duplicate-booking registry (防止重复入账, 财会〔2020〕6号): every captured invoice, keyed by
//! the 20-digit 数电票 number or the legacy code + number, in an embedded SQLite database (WAL,
//! busy timeout). Claiming is an atomic check-and-insert inside an `IMMEDIATE` transaction, so two
//! threads or processes capturing the same invoice at once cannot both succeed.

use super::model::Invoice;
use crate::report::{Finding, Outcome, Stage};
use crate::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// How long a claim waits for another writer before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The earlier capture of an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierCapture {
    /// Registry key (`einv:<number>` or `vat:<code>:<number>`).
    pub key: String,
    /// Record id (电子文件号) of the earlier capture.
    pub record_id: String,
    /// File captured then (path or name).
    pub file: String,
    /// SM3 of that file (hex), when known.
    pub sm3: Option<String>,
    /// When it was captured (RFC 3339, UTC).
    pub captured_at: String,
}

/// The result of a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The invoice was not known: it is now registered to this capture.
    Registered {
        /// The key registered.
        key: String,
    },
    /// The invoice was captured before.
    Duplicate(EarlierCapture),
}

/// What a capture registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureRef<'a> {
    /// Record id (电子文件号).
    pub record_id: &'a str,
    /// File path or name.
    pub file: &'a str,
    /// SM3 hex of the file, if computed.
    pub sm3: Option<&'a str>,
}

/// Result of rebuilding the registry from the outbox.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RebuildReport {
    /// Invoices registered.
    pub registered: usize,
    /// Records whose invoice has no key (no number / code): `record id`.
    pub without_key: Vec<String>,
    /// Invoices found in more than one record: (key, later record id, earlier record id).
    pub duplicates: Vec<(String, String, String)>,
}

/// A registry in one SQLite file. One value may be shared by threads; each process opens its own.
#[derive(Debug)]
pub struct InvoiceRegistry {
    path: PathBuf,
    conn: Mutex<Connection>,
}

fn db_err(path: &Path, e: rusqlite::Error) -> Error {
    Error::io(
        path,
        std::io::Error::other(format!("invoice registry: {e}")),
    )
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS invoice (
    key          TEXT PRIMARY KEY NOT NULL,
    number       TEXT NOT NULL,
    code         TEXT,
    record_id    TEXT NOT NULL,
    file         TEXT NOT NULL,
    sm3          TEXT,
    captured_at  TEXT NOT NULL,
    issue_date   TEXT,
    amount_with_tax TEXT,
    seller_tax_id TEXT
);
CREATE INDEX IF NOT EXISTS invoice_record ON invoice(record_id);
";

impl InvoiceRegistry {
    /// Opens (creating if needed) the registry at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let conn = Connection::open(path).map_err(|e| db_err(path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| db_err(path, e))?;
        // WAL lets readers run while one process writes; switching needs no other writer, so retry
        // on a busy database is covered by the busy timeout.
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(|e| db_err(path, e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Config(format!(
                "invoice registry {}: journal mode WAL not available (got {mode})",
                path.display()
            )));
        }
        conn.execute_batch("PRAGMA synchronous=FULL;")
            .map_err(|e| db_err(path, e))?;
        conn.execute_batch(SCHEMA).map_err(|e| db_err(path, e))?;
        Ok(InvoiceRegistry {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
        })
    }

    /// Path of the database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> Result<std::sync::MutexGuard<'_, Connection>> {
        self.conn
            .lock()
            .map_err(|_| Error::Config("invoice registry lock poisoned".into()))
    }

    /// The key of an invoice, or an error naming what is missing.
    pub fn key_of(inv: &Invoice) -> Result<String> {
        inv.registry_key().ok_or_else(|| {
            Error::InvalidInput {
                path: PathBuf::from("invoice"),
                reason: "the invoice number (and, for legacy invoices, the invoice code) could not be read: the invoice cannot be registered against duplicates".into(),
            }
        })
    }

    /// Atomically registers the invoice to this capture, or reports the earlier capture.
    pub fn claim(&self, inv: &Invoice, capture: &CaptureRef<'_>) -> Result<Claim> {
        let key = Self::key_of(inv)?;
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let mut conn = self.conn()?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| db_err(&self.path, e))?;
        let inserted = tx
            .execute(
                "INSERT INTO invoice (key, number, code, record_id, file, sm3, captured_at, issue_date, amount_with_tax, seller_tax_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT(key) DO NOTHING",
                params![
                    key,
                    inv.number.as_deref().unwrap_or(""),
                    inv.code,
                    capture.record_id,
                    capture.file,
                    capture.sm3,
                    now,
                    inv.issue_date.map(|d| d.to_string()),
                    inv.amount_with_tax.map(|d| d.to_string()),
                    inv.seller.tax_id,
                ],
            )
            .map_err(|e| db_err(&self.path, e))?;
        let result = if inserted == 1 {
            Claim::Registered { key: key.clone() }
        } else {
            let earlier = Self::select(&tx, &key)
                .map_err(|e| db_err(&self.path, e))?
                .ok_or_else(|| Error::Config(format!("invoice registry: {key} vanished")))?;
            Claim::Duplicate(earlier)
        };
        tx.commit().map_err(|e| db_err(&self.path, e))?;
        Ok(result)
    }

    fn select(conn: &Connection, key: &str) -> rusqlite::Result<Option<EarlierCapture>> {
        conn.query_row(
            "SELECT key, record_id, file, sm3, captured_at FROM invoice WHERE key = ?1",
            [key],
            |r| {
                Ok(EarlierCapture {
                    key: r.get(0)?,
                    record_id: r.get(1)?,
                    file: r.get(2)?,
                    sm3: r.get(3)?,
                    captured_at: r.get(4)?,
                })
            },
        )
        .optional()
    }

    /// The earlier capture of an invoice, if any (read only).
    pub fn lookup(&self, inv: &Invoice) -> Result<Option<EarlierCapture>> {
        let Some(key) = inv.registry_key() else {
            return Ok(None);
        };
        let conn = self.conn()?;
        Self::select(&conn, &key).map_err(|e| db_err(&self.path, e))
    }

    /// Undoes a claim (when the capture it was made for did not complete). Only the record that
    /// holds the key can release it; returns whether a row was removed.
    pub fn release(&self, key: &str, record_id: &str) -> Result<bool> {
        let conn = self.conn()?;
        let n = conn
            .execute(
                "DELETE FROM invoice WHERE key = ?1 AND record_id = ?2",
                params![key, record_id],
            )
            .map_err(|e| db_err(&self.path, e))?;
        Ok(n > 0)
    }

    /// Number of registered invoices.
    pub fn len(&self) -> Result<u64> {
        let conn = self.conn()?;
        conn.query_row("SELECT COUNT(*) FROM invoice", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| db_err(&self.path, e))
    }

    /// Whether no invoice is registered.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }

    /// Rebuilds the registry from what the outbox holds: `(record id, invoice)` for every captured
    /// invoice, in capture order (the file is recorded as `outbox:<record id>`). See
    /// [`InvoiceRegistry::rebuild_with_files`].
    pub fn rebuild<I>(&self, entries: I) -> Result<RebuildReport>
    where
        I: IntoIterator<Item = (String, Invoice)>,
    {
        self.rebuild_with_files(entries.into_iter().map(|(id, inv)| {
            let file = format!("outbox:{id}");
            (id, file, inv)
        }))
    }

    /// Rebuilds the registry from `(record id, file, invoice)` entries in capture order. Replaces the
    /// whole content in one transaction; the first record of a key wins and later ones are reported
    /// as duplicates.
    pub fn rebuild_with_files<I>(&self, entries: I) -> Result<RebuildReport>
    where
        I: IntoIterator<Item = (String, String, Invoice)>,
    {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let mut conn = self.conn()?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| db_err(&self.path, e))?;
        tx.execute("DELETE FROM invoice", [])
            .map_err(|e| db_err(&self.path, e))?;
        let mut rep = RebuildReport::default();
        for (record_id, file, inv) in entries {
            let Some(key) = inv.registry_key() else {
                rep.without_key.push(record_id);
                continue;
            };
            let n = tx
                .execute(
                    "INSERT INTO invoice (key, number, code, record_id, file, sm3, captured_at, issue_date, amount_with_tax, seller_tax_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7, ?8, ?9)
                     ON CONFLICT(key) DO NOTHING",
                    params![
                        key,
                        inv.number.as_deref().unwrap_or(""),
                        inv.code,
                        record_id,
                        file,
                        now,
                        inv.issue_date.map(|d| d.to_string()),
                        inv.amount_with_tax.map(|d| d.to_string()),
                        inv.seller.tax_id,
                    ],
                )
                .map_err(|e| db_err(&self.path, e))?;
            if n == 1 {
                rep.registered += 1;
            } else if let Some(e) = Self::select(&tx, &key).map_err(|e| db_err(&self.path, e))? {
                rep.duplicates.push((key, record_id, e.record_id));
            }
        }
        tx.commit().map_err(|e| db_err(&self.path, e))?;
        Ok(rep)
    }
}

impl InvoiceRegistry {
    /// Rebuilds the registry from bare keys: `(record id, file, registry key)` in capture order
    /// (what the outbox journal's reports carry in their 1-15 findings). Replaces the whole content
    /// in one transaction; entries of one record repeating a key (revisions) are not duplicates.
    pub fn rebuild_keys<I>(&self, entries: I) -> Result<RebuildReport>
    where
        I: IntoIterator<Item = (String, String, String)>,
    {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let mut conn = self.conn()?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| db_err(&self.path, e))?;
        tx.execute("DELETE FROM invoice", [])
            .map_err(|e| db_err(&self.path, e))?;
        let mut rep = RebuildReport::default();
        for (record_id, file, key) in entries {
            let (code, number) = match key.split(':').collect::<Vec<_>>()[..] {
                ["einv", n] => (None, n.to_string()),
                ["vat", c, n] => (Some(c.to_string()), n.to_string()),
                _ => {
                    rep.without_key.push(record_id);
                    continue;
                }
            };
            let n = tx
                .execute(
                    "INSERT INTO invoice (key, number, code, record_id, file, sm3, captured_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6)
                     ON CONFLICT(key) DO NOTHING",
                    params![key, number, code, record_id, file, now],
                )
                .map_err(|e| db_err(&self.path, e))?;
            if n == 1 {
                rep.registered += 1;
            } else if let Some(e) = Self::select(&tx, &key).map_err(|e| db_err(&self.path, e))? {
                if e.record_id != record_id {
                    rep.duplicates.push((key, record_id, e.record_id));
                }
            }
        }
        tx.commit().map_err(|e| db_err(&self.path, e))?;
        Ok(rep)
    }
}

/// The 1-15 finding for a claim: `pass` when registered, `fail` (rule `invoice.duplicate`) naming
/// the earlier capture when it is a duplicate.
pub fn claim_finding(stage: Stage, subject: &str, claim: &Claim) -> Finding {
    let code = format!("{}-1-15", stage.prefix());
    match claim {
        Claim::Registered { key } => Finding::new(
            &code,
            "invoice.duplicate",
            Outcome::Pass,
            subject,
            format!("发票 {key} 首次归档，已登记防重"),
            format!("invoice {key} is captured for the first time and is now registered"),
        )
        .with("key", key.clone()),
        Claim::Duplicate(e) => Finding::new(
            &code,
            "invoice.duplicate",
            Outcome::Fail,
            subject,
            format!(
                "重复报销/入账：发票 {} 已于 {} 随件 {} 归档（文件 {}）",
                e.key, e.captured_at, e.record_id, e.file
            ),
            format!(
                "duplicate: invoice {} was captured on {} with record {} (file {})",
                e.key, e.captured_at, e.record_id, e.file
            ),
        )
        .with("key", e.key.clone())
        .with("earlier_record_id", e.record_id.clone())
        .with("earlier_file", e.file.clone())
        .with("earlier_captured_at", e.captured_at.clone()),
    }
}
