//! One-call capture of an invoice for business systems: [`InvoiceCapturer::capture_invoice`]
//! builds the voucher record, registers the invoice against duplicate booking and captures the
//! record with the [`Capturer`] (checks, package, journal). The registry is rebuilt from the
//! outbox journal with [`rebuild_from_outbox`].

use super::accounting::{voucher_record, ExtraComponent};
use super::model::Invoice;
use super::registry::{self, CaptureRef, Claim, InvoiceRegistry, RebuildReport};
use crate::capture::{CaptureConfig, Capturer, Receipt, JOURNAL_FILE};
use crate::report::Finding;
use crate::{Error, Result};
use serde_json::Value;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// Default file name of the invoice registry inside the outbox.
pub const REGISTRY_FILE: &str = ".guidang-invoices.sqlite";

/// What a successful invoice capture returns.
#[derive(Debug, Clone)]
pub struct InvoiceReceipt {
    /// The capture receipt (package, journal position, 归档 report).
    pub receipt: Receipt,
    /// The invoice.
    pub invoice: Invoice,
    /// The registry key now held by the record.
    pub key: String,
    /// The 1-15 `invoice.duplicate` finding (pass).
    pub registry_finding: Finding,
}

/// A [`Capturer`] plus the invoice registry. `Sync`: share it between threads; processes sharing
/// one outbox share the registry file too.
#[derive(Debug)]
pub struct InvoiceCapturer {
    capturer: Capturer,
    registry: InvoiceRegistry,
}

impl InvoiceCapturer {
    /// Opens the outbox and the registry (`registry`, default `<outbox>/.guidang-invoices.sqlite`).
    pub fn open(cfg: CaptureConfig, registry: Option<PathBuf>) -> Result<Self> {
        let path = registry.unwrap_or_else(|| cfg.outbox.join(REGISTRY_FILE));
        let capturer = Capturer::open(cfg)?;
        let registry = InvoiceRegistry::open(&path)?;
        Ok(InvoiceCapturer { capturer, registry })
    }

    /// The capturer.
    pub fn capturer(&self) -> &Capturer {
        &self.capturer
    }

    /// The registry.
    pub fn registry(&self) -> &InvoiceRegistry {
        &self.registry
    }

    /// Captures an invoice as a voucher record (see [`capture_invoice`]).
    pub fn capture_invoice(
        &self,
        file: &Path,
        voucher_metadata: &Value,
        extra: &[ExtraComponent],
    ) -> Result<InvoiceReceipt> {
        capture_invoice(
            &self.capturer,
            &self.registry,
            file,
            voucher_metadata,
            extra,
        )
    }
}

/// Captures an invoice file as a voucher record (记账凭证 + 原始凭证, `kuaiji` metadata):
/// 1. builds the record ([`voucher_record`]);
/// 2. claims the invoice in the registry (atomic across threads and processes) — an invoice held
///    by another record is refused with [`Error::Duplicate`] naming the earlier capture (record,
///    file, time) and nothing is packaged; the same record id capturing again (a retry) proceeds;
/// 3. captures the record (checks, package, journal); if that fails (a blocking check fails:
///    [`Error::Refused`], or I/O) the claim is released.
pub fn capture_invoice(
    capturer: &Capturer,
    registry: &InvoiceRegistry,
    file: &Path,
    voucher_metadata: &Value,
    extra: &[ExtraComponent],
) -> Result<InvoiceReceipt> {
    let (record, invoice) = voucher_record(file, voucher_metadata, extra)?;
    let file_text = file.display().to_string();
    let claim = registry.claim(
        &invoice,
        &CaptureRef {
            record_id: &record.id,
            file: &file_text,
            sm3: None,
        },
    )?;
    let (key, fresh) = match &claim {
        Claim::Registered { key } => (key.clone(), true),
        Claim::Duplicate(e) if e.record_id == record.id => (e.key.clone(), false),
        Claim::Duplicate(e) => {
            return Err(Error::Duplicate {
                what: format!("发票 invoice {}", e.key),
                earlier: format!(
                    "record {}, file {}, captured {}",
                    e.record_id, e.file, e.captured_at
                ),
            })
        }
    };
    match capturer.capture(&record) {
        Ok(receipt) => {
            let stage = receipt.report.stage;
            Ok(InvoiceReceipt {
                registry_finding: registry::claim_finding(
                    stage,
                    &file_text,
                    &Claim::Registered { key: key.clone() },
                ),
                receipt,
                invoice,
                key,
            })
        }
        Err(e) => {
            if fresh {
                // Best effort: a failed release leaves a claim that `rebuild_from_outbox` clears.
                let _ = registry.release(&key, &record.id);
            }
            Err(e)
        }
    }
}

/// Rebuilds the registry from the outbox journal: every captured record whose 归档 report has 1-15
/// findings naming an invoice (`evidence.invoice`), in journal order.
pub fn rebuild_from_outbox(registry: &InvoiceRegistry, outbox: &Path) -> Result<RebuildReport> {
    let path = outbox.join(JOURNAL_FILE);
    let f = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
    let mut rows: Vec<(String, String, String)> = Vec::new();
    for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line.map_err(|e| Error::io(&path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(&line).map_err(|e| {
            Error::invalid(&path, format!("line {}: not a journal entry: {e}", i + 1))
        })?;
        let Some(record_id) = v["record_id"].as_str() else {
            return Err(Error::invalid(
                &path,
                format!("line {}: journal entry without record_id", i + 1),
            ));
        };
        let findings = v["report"]["findings"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut seen: Vec<String> = Vec::new();
        for f in findings {
            let code = f["code"].as_str().unwrap_or("");
            let Some(key) = f["evidence"]["invoice"].as_str() else {
                continue;
            };
            if !code.ends_with("-1-15") || seen.iter().any(|k| k == key) {
                continue;
            }
            seen.push(key.to_string());
            let file = f["subject"].as_str().unwrap_or("").to_string();
            rows.push((record_id.to_string(), file, key.to_string()));
        }
    }
    registry.rebuild_keys(rows)
}
