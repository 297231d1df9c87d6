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
mod usability;

pub use facts::ComponentFacts;

use crate::catalogue::{Automatable, Catalogue, ItemMode, Scheme};
use crate::container::ZipLimits;
use crate::formats::FormatLimits;
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
    /// Limits of the content inspection (PDF, images, time budget …); its `zip` and `xml` fields
    /// are replaced by `zip_limits` and `xml_limits` (see [`CheckOptions::format_limits`]).
    pub format_limits: FormatLimits,
}

impl CheckOptions {
    /// The format limits in effect: `format_limits` with `zip_limits` and `xml_limits`.
    pub fn format_limits(&self) -> FormatLimits {
        FormatLimits {
            zip: self.zip_limits,
            xml: self.xml_limits,
            ..self.format_limits
        }
    }
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
    ("usability", usability::run),
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
        self.check_measured(record, None)
    }

    /// Checks one record whose components the caller already measured, one
    /// [`ComponentFacts`] per component in order (capture measures them while copying the bytes
    /// into the package, see [`ComponentFacts::measure_copying`]); `measured` is the time that
    /// took, reported as the `measure` timing.
    pub fn check_facts(
        &self,
        record: &Record,
        facts: Vec<ComponentFacts>,
        measured: std::time::Duration,
    ) -> Result<Report> {
        if facts.len() != record.components.len() {
            return Err(Error::Config(format!(
                "{} component facts given for {} components",
                facts.len(),
                record.components.len()
            )));
        }
        self.check_measured(record, Some((facts, measured)))
    }

    fn check_measured(
        &self,
        record: &Record,
        facts: Option<(Vec<ComponentFacts>, std::time::Duration)>,
    ) -> Result<Report> {
        let schema = self.schema_for(record)?;
        let mut extra = Vec::new();
        if record.metadata.is_some() {
            extra.push(Finding::new(&format!("{}-1-8", self.scheme.stage.prefix()), "duplicate.single_record", Outcome::NotApplicable, &record.id,
                "单件检测：重复性在批次内或归档时对照已归档记录检测", "a single record: duplicates are judged across a batch, or against earlier captures in the outbox"));
        }
        let (mut report, _) = self.check_with(record, schema.as_ref(), extra, facts)?;
        report.finish();
        Ok(report)
    }

    /// Runs providers and returns the report (not yet finished) plus the component facts.
    fn check_with(
        &self,
        record: &Record,
        schema: Option<&Schema>,
        extra: Vec<Finding>,
        measured: Option<(Vec<ComponentFacts>, std::time::Duration)>,
    ) -> Result<(Report, Vec<ComponentFacts>)> {
        let started = Instant::now();
        let (facts, earlier) = match measured {
            Some((f, d)) => (f, d),
            None => {
                let limits = self.options.format_limits();
                let f = record
                    .components
                    .iter()
                    .map(|c| ComponentFacts::measure_with(c, &limits))
                    .collect();
                (f, std::time::Duration::ZERO)
            }
        };
        // Measured by the caller: that time counts as if the clock had started before it.
        let t0 = started.checked_sub(earlier).unwrap_or(started);
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

    /// Checks a batch and collects the reports; see [`Checker::check_batch_streaming`].
    pub fn check_batch(&self, batch: &Batch) -> Result<(Vec<Report>, Report)> {
        let mut out = Vec::new();
        let b = self.check_batch_streaming(batch, &mut |r| out.push(r))?;
        Ok((out, b))
    }

    /// Checks a batch, handing each record's report to `on_report` as soon as it is ready (so a
    /// large batch streams), and returns the batch report. The batch items (1-8 duplicates, 2-6
    /// continuity, 2-1/2-2 totals against `batch.json`) need only metadata and file sizes, so they are
    /// computed first and added to the records they concern. An entry that could not be loaded at
    /// all gets a record report with a failing 3-1.
    pub fn check_batch_streaming(
        &self,
        batch: &Batch,
        on_report: &mut dyn FnMut(Report),
    ) -> Result<Report> {
        let t0 = Instant::now();
        let records: Vec<&Record> = batch
            .entries
            .iter()
            .filter_map(|(_, e)| e.as_ref().ok())
            .collect();
        let mut schemas = Vec::with_capacity(records.len());
        for r in &records {
            schemas.push(self.schema_for(r)?);
        }
        let schema = self
            .schema
            .clone()
            .or_else(|| schemas.iter().flatten().next().cloned());
        let total_bytes: u64 = records
            .iter()
            .flat_map(|r| r.components.iter())
            .filter_map(|c| c.source.size().ok())
            .sum();
        let found = batch::run(self, &records, schema.as_ref(), batch, total_bytes);
        let mut per_record: Vec<Vec<Finding>> = vec![Vec::new(); records.len()];
        for (idx, f) in found.per_record {
            per_record[idx].push(f);
        }
        let mut batch_findings =
            self.finalize(found.batch, &batch.path.display().to_string(), true);
        let mut any_fail = false;
        let mut any_warn = false;
        let mut idx = 0;
        for (path, entry) in &batch.entries {
            let mut report = match entry {
                Ok(r) => {
                    let extra = self.finalize(std::mem::take(&mut per_record[idx]), &r.id, true);
                    let (rep, _) = self.check_with(r, schemas[idx].as_ref(), extra, None)?;
                    idx += 1;
                    rep
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
                    let mut rep = self.empty_report(ReportKind::Record, path);
                    rep.findings = self.finalize(vec![f], &path.display().to_string(), true);
                    batch_findings.extend(rep.findings.iter().cloned());
                    rep
                }
            };
            report.findings.sort_by_key(|f| order_key(&f.code));
            report.finish();
            any_fail |= report.verdict == Verdict::Fail;
            any_warn |= report.verdict == Verdict::Warn;
            on_report(report);
        }
        let mut b = self.empty_report(ReportKind::Batch, &batch.path);
        b.schema = schema.map(|s| s.id).unwrap_or_else(|| "none".into());
        batch_findings.sort_by_key(|f| order_key(&f.code));
        b.findings = batch_findings;
        b.timings_ms.insert("total".to_string(), ms(t0));
        b.finish();
        // The batch fails if any record fails, and warns if any record warns.
        if any_fail {
            b.verdict = Verdict::Fail;
        } else if b.verdict == Verdict::Pass && any_warn {
            b.verdict = Verdict::Warn;
        }
        Ok(b)
    }

    fn empty_report(&self, kind: ReportKind, path: &std::path::Path) -> Report {
        Report {
            kind,
            id: match kind {
                ReportKind::Batch => path.display().to_string(),
                ReportKind::Record => path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            },
            source: path.display().to_string(),
            stage: self.scheme.stage,
            verdict: Verdict::Pass,
            schema: "none".into(),
            scheme: self.scheme.id.clone(),
            tool: ToolInfo::default(),
            created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            inputs: Vec::new(),
            timings_ms: BTreeMap::new(),
            summary: Default::default(),
            findings: Vec::new(),
        }
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
