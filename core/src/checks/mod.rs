//! The check engine: runs the DA/T 70 items a scheme selects over a record (or a batch) and
//! assembles the report. Each provider module emits findings for the items it owns; the engine
//! fills in `manual` / `not_applicable` for the rest and applies the scheme's blocking rules.

mod attributes;
mod batch;
pub mod facts;
mod fixity;
mod format;
mod invoice;
mod metadata;
mod security;

pub use facts::ComponentFacts;

use crate::catalogue::{Automatable, Catalogue, ItemMode, Scheme};
use crate::container::ZipLimits;
use crate::record::{Batch, Record};
use crate::report::{Finding, InputDigest, Outcome, Report, ReportKind, Stage, ToolInfo, Verdict};
use crate::schema::Schema;
use crate::xml::XmlLimits;
use crate::{Error, Result};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

/// Options of a check run that are not part of the scheme (environment and trust configuration).
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Folder of trusted root certificates (PEM/DER). Without one, signature trust is indeterminate.
    pub trust_dir: Option<PathBuf>,
    /// Certificates the caller supplies for bare signatures (OFD Type=Sign).
    pub signer_certs: Vec<PathBuf>,
    /// clamd address (`unix:/path/clamd.sock` or `tcp:127.0.0.1:3310`); none = 4-2 is manual.
    pub clamd: Option<String>,
    /// "Now" for date reasonableness checks (RFC 3339 date or datetime); default: the system clock.
    pub now: Option<String>,
    /// Zip limits (OFD containers, zip packages).
    pub zip_limits: ZipLimits,
    /// XML limits.
    pub xml_limits: XmlLimits,
}

/// Everything a provider may look at.
#[derive(Debug)]
pub struct Ctx<'a> {
    /// The record.
    pub record: &'a Record,
    /// Its metadata schema, if it has metadata.
    pub schema: Option<&'a Schema>,
    /// The scheme.
    pub scheme: &'a Scheme,
    /// Run options.
    pub options: &'a CheckOptions,
    /// Facts per component (same order as `record.components`).
    pub facts: &'a [ComponentFacts],
    /// Stage of the run.
    pub stage: Stage,
}

impl Ctx<'_> {
    /// Whether the scheme runs an item (by `1-1` style sequence).
    pub fn runs(&self, seq: &str) -> bool {
        self.scheme.mode(seq) != ItemMode::Off
    }
    /// A finding for item `seq` in this run's stage.
    pub fn finding(
        &self,
        seq: &str,
        rule: &str,
        outcome: Outcome,
        subject: impl Into<String>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Finding {
        Finding::new(
            &format!("{}-{seq}", self.stage.prefix()),
            rule,
            outcome,
            subject,
            zh,
            en,
        )
    }
}

type Provider = fn(&Ctx<'_>, &mut Vec<Finding>);

/// The providers, in the order they run.
const PROVIDERS: &[(&str, Provider)] = &[
    ("metadata", metadata::run),
    ("attributes", attributes::run),
    ("fixity", fixity::run),
    ("format", format::run),
    ("security", security::run),
    ("invoice", invoice::run),
];

/// Runs checks with one schema, scheme and options. Cheap to clone; safe to share across threads.
#[derive(Debug, Clone)]
pub struct Checker {
    schema: Option<Schema>,
    scheme: Scheme,
    options: CheckOptions,
}

impl Checker {
    /// A checker. `schema = None` means: use the record's own schema hint, else `dat46-wenshu`.
    pub fn new(schema: Option<Schema>, scheme: Scheme, options: CheckOptions) -> Self {
        Checker {
            schema,
            scheme,
            options,
        }
    }

    /// The default checker of the archiving stage (gd-default scheme, schema from the record).
    pub fn archiving() -> Self {
        Checker::new(
            None,
            Scheme::default_for(Stage::Archiving),
            CheckOptions::default(),
        )
    }

    /// The scheme in use.
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// The options in use.
    pub fn options(&self) -> &CheckOptions {
        &self.options
    }

    fn schema_for(&self, record: &Record) -> Result<Option<Schema>> {
        if record.metadata.is_none() && record.metadata_problem.is_none() {
            return Ok(None);
        }
        if let Some(s) = &self.schema {
            return Ok(Some(s.clone()));
        }
        let id = record.schema_hint.as_deref().unwrap_or("dat46-wenshu");
        Schema::resolve(id).map(Some)
    }

    /// Checks one record: measures its components, runs every selected item, returns the report.
    /// Fails only when the record's schema cannot be loaded; problems in the record are findings.
    pub fn check(&self, record: &Record) -> Result<Report> {
        let schema = self.schema_for(record)?;
        let (mut report, _) = self.check_with(record, schema.as_ref(), Vec::new())?;
        report.finish();
        Ok(report)
    }

    /// Runs providers and returns the report (not yet finished) plus the component facts.
    fn check_with(
        &self,
        record: &Record,
        schema: Option<&Schema>,
        extra: Vec<Finding>,
    ) -> Result<(Report, Vec<ComponentFacts>)> {
        let t0 = Instant::now();
        let facts: Vec<ComponentFacts> = record
            .components
            .iter()
            .map(ComponentFacts::measure)
            .collect();
        let mut timings = BTreeMap::new();
        timings.insert("measure".to_string(), ms(t0));
        let ctx = Ctx {
            record,
            schema,
            scheme: &self.scheme,
            options: &self.options,
            facts: &facts,
            stage: self.scheme.stage,
        };
        let mut findings = extra;
        for (name, p) in PROVIDERS {
            let t = Instant::now();
            p(&ctx, &mut findings);
            timings.insert(name.to_string(), ms(t));
        }
        let findings = self.finalize(findings, &record.id, false);
        timings.insert("total".to_string(), ms(t0));
        let inputs = record
            .components
            .iter()
            .zip(&facts)
            .filter_map(|(c, f)| {
                let d = f.digests.as_ref()?;
                Some(InputDigest {
                    role: c.role.zh().to_string(),
                    name: c.name.clone(),
                    source: c.source.display_path().display().to_string(),
                    size: d.size,
                    sm3: d.hex(crate::digest::DigestAlg::Sm3),
                    sha256: d.hex(crate::digest::DigestAlg::Sha256),
                    format: f.format.as_ref().map(|i| i.label()),
                })
            })
            .collect();
        let report = Report {
            kind: ReportKind::Record,
            id: record.id.clone(),
            source: record.origin.describe(),
            stage: self.scheme.stage,
            verdict: Verdict::Pass,
            schema: schema
                .map(|s| s.id.clone())
                .unwrap_or_else(|| "none".into()),
            scheme: self.scheme.id.clone(),
            tool: ToolInfo::default(),
            created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            inputs,
            timings_ms: timings,
            summary: Default::default(),
            findings,
        };
        Ok((report, facts))
    }

    /// Checks a batch: every record, then the batch items (1-8 duplicates, 2-6 continuity,
    /// 2-1/2-2 totals against `batch.json`). Batch findings are added to the records they concern
    /// and collected in a final batch report. An entry that could not be loaded at all gets a
    /// record report with a failing 3-1.
    pub fn check_batch(&self, batch: &Batch) -> Result<(Vec<Report>, Report)> {
        let t0 = Instant::now();
        let mut reports = Vec::new();
        let mut loaded: Vec<(usize, &Record)> = Vec::new();
        for (path, entry) in &batch.entries {
            match entry {
                Ok(r) => {
                    let schema = self.schema_for(r)?;
                    let (rep, facts) = self.check_with(r, schema.as_ref(), Vec::new())?;
                    let bytes: u64 = facts.iter().filter_map(|f| f.size()).sum();
                    loaded.push((reports.len(), r));
                    reports.push((rep, schema, bytes));
                }
                Err(e) => {
                    let f = Finding::new(
                        &format!("{}-3-1", self.scheme.stage.prefix()),
                        "record.unreadable",
                        Outcome::Fail,
                        path.display().to_string(),
                        format!("无法读取该件: {e}"),
                        format!("the record cannot be read: {e}"),
                    );
                    let findings = self.finalize(vec![f], &path.display().to_string(), true);
                    let rep = Report {
                        kind: ReportKind::Record,
                        id: path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                        source: path.display().to_string(),
                        stage: self.scheme.stage,
                        verdict: Verdict::Fail,
                        schema: "none".into(),
                        scheme: self.scheme.id.clone(),
                        tool: ToolInfo::default(),
                        created: chrono::Utc::now()
                            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                        inputs: Vec::new(),
                        timings_ms: BTreeMap::new(),
                        summary: Default::default(),
                        findings,
                    };
                    reports.push((rep, None, 0));
                }
            }
        }
        let records: Vec<&Record> = loaded.iter().map(|(_, r)| *r).collect();
        let schema = self
            .schema
            .clone()
            .or_else(|| reports.iter().find_map(|(_, s, _)| s.clone()));
        let total_bytes: u64 = reports.iter().map(|(_, _, b)| *b).sum();
        let per_record = batch::run(self, &records, schema.as_ref(), batch, total_bytes);
        let mut batch_findings = Vec::new();
        for (idx, f) in per_record.per_record {
            let (ri, _) = loaded[idx];
            let mut f = self.finalize(vec![f], &records[idx].id, true);
            batch_findings.extend(f.iter().cloned());
            reports[ri].0.findings.append(&mut f);
        }
        batch_findings.extend(self.finalize(
            per_record.batch,
            &batch.path.display().to_string(),
            true,
        ));
        let mut out = Vec::new();
        for (mut r, _, _) in reports {
            r.findings.sort_by_key(|f| order_key(&f.code));
            r.finish();
            out.push(r);
        }
        let mut timings = BTreeMap::new();
        timings.insert("total".to_string(), ms(t0));
        batch_findings.sort_by_key(|f| order_key(&f.code));
        let mut b = Report {
            kind: ReportKind::Batch,
            id: batch.path.display().to_string(),
            source: batch.path.display().to_string(),
            stage: self.scheme.stage,
            verdict: Verdict::Pass,
            schema: schema.map(|s| s.id).unwrap_or_else(|| "none".into()),
            scheme: self.scheme.id.clone(),
            tool: ToolInfo::default(),
            created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            inputs: Vec::new(),
            timings_ms: timings,
            summary: Default::default(),
            findings: batch_findings,
        };
        b.finish();
        // The batch fails if any record fails.
        if out.iter().any(|r| r.verdict == Verdict::Fail) {
            b.verdict = Verdict::Fail;
        } else if b.verdict == Verdict::Pass && out.iter().any(|r| r.verdict == Verdict::Warn) {
            b.verdict = Verdict::Warn;
        }
        Ok((out, b))
    }

    /// Applies the scheme: drops items switched off, sets `blocking` and `clause`, and (unless
    /// `partial`) adds `manual` / `not_applicable` findings for selected items no provider judged.
    fn finalize(&self, mut findings: Vec<Finding>, subject: &str, partial: bool) -> Vec<Finding> {
        let cat = Catalogue::builtin();
        let stage = self.scheme.stage;
        findings.retain(|f| self.scheme.selects(&f.code));
        for f in &mut findings {
            if let Some(item) = cat.get(&f.code) {
                f.clause = item.clause.clone();
                f.blocking = self.scheme.mode(&item.seq) == ItemMode::Blocking;
            }
        }
        if !partial {
            for item in cat.stage(stage) {
                if self.scheme.mode(&item.seq) == ItemMode::Off
                    || findings.iter().any(|f| f.code == item.code)
                {
                    continue;
                }
                let mut f =
                    if item.carrier {
                        Finding::new(
                            &item.code,
                            "carrier.offline_only",
                            Outcome::NotApplicable,
                            subject,
                            "在线归档，无离线载体",
                            "online capture: there is no offline carrier to inspect",
                        )
                    } else if item.automatable == Automatable::No {
                        Finding::new(
                            &item.code,
                            "manual.required",
                            Outcome::Manual,
                            subject,
                            item.manual_reason
                                .clone()
                                .unwrap_or_else(|| "需人工检查".into()),
                            item.manual_reason_en
                                .clone()
                                .unwrap_or_else(|| "needs a person to check".into()),
                        )
                    } else if item.package_only {
                        Finding::new(&item.code, "package.only", Outcome::NotApplicable, subject,
                        "该项针对归档信息包，封装后由 guidang verify 检测",
                        "applies to an archival package: checked by `guidang verify` once packaged")
                    } else {
                        Finding::new(
                            &item.code,
                            "engine.no_conclusion",
                            Outcome::Manual,
                            subject,
                            "guidang 未对该项形成结论，需人工检查",
                            "guidang reached no conclusion on this item: a person must check it",
                        )
                    };
                f.clause = item.clause.clone();
                f.blocking = self.scheme.mode(&item.seq) == ItemMode::Blocking;
                findings.push(f);
            }
        }
        findings.sort_by_key(|f| order_key(&f.code));
        findings
    }
}

fn order_key(code: &str) -> (u32, u32) {
    let mut it = code
        .split('-')
        .skip(1)
        .map(|p| p.parse::<u32>().unwrap_or(u32::MAX));
    (it.next().unwrap_or(u32::MAX), it.next().unwrap_or(u32::MAX))
}

fn ms(t: Instant) -> f64 {
    (t.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0
}

/// Checks one path (record folder, manifest or file) with the default archiving checker.
pub fn check_path(path: &std::path::Path) -> Result<Report> {
    match crate::record::load(path)? {
        crate::record::Input::Record(r) => Checker::archiving().check(&r),
        crate::record::Input::Batch(_) => Err(Error::invalid(
            path,
            "this is a batch folder: check it with Checker::check_batch",
        )),
    }
}
