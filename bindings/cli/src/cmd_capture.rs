//! `guidang capture RECORD... --outbox DIR`: checks each record (归档 stage), packages it (zip,
//! folder, EEP or BagIt) and hands it to the outbox durably; prints one receipt per record (JSON
//! Lines with `--format json`). A record refused by a blocking check writes nothing and prints its
//! report; the same record again returns its earlier receipt; different content under the same
//! id is a conflict unless `--revise`.

use crate::common::{cannot_run, progress, CheckerArgs, OutputArgs, EXIT_FAILED, EXIT_OK};
use clap::Args as ClapArgs;
use guidang::capture::{CaptureConfig, Capturer, Receipt};
use guidang::package::{PackageFormat, SigningKey};
use guidang::record::{load, Input, Record};
use guidang::{Error, Scheme, Stage};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// Package format argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PackageArg {
    /// 件级 package (DA/T 93 附录B) as one zip file.
    Zip,
    /// 件级 package as a folder.
    Dir,
    /// DA/T 48-2009 EEP (XML, content Base64).
    Eep,
    /// BagIt (RFC 8493).
    Bagit,
}

/// Arguments of `guidang capture`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Record folders, record manifests (.json), batch folders or bare content files.
    #[arg(required = true, value_name = "RECORD")]
    pub paths: Vec<PathBuf>,
    /// The outbox folder packages are written to (created if missing).
    #[arg(long, value_name = "DIR")]
    pub outbox: PathBuf,
    /// Package format (`--format` selects the output format, text or json).
    #[arg(long = "package", visible_alias = "package-format", value_enum, default_value_t = PackageArg::Zip)]
    pub package: PackageArg,
    /// PKCS#8 private key (SM2, RSA or ECDSA P-256; PEM or DER) to sign EEP packages.
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// X.509 certificate of the signing key, written to 证书块.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,
    /// Also write SHA-256 fixity (SM3 is always written).
    #[arg(long)]
    pub sha256: bool,
    /// Deflate zip entries (default: stored).
    #[arg(long)]
    pub deflate: bool,
    /// Do not fsync (faster, not crash-safe).
    #[arg(long)]
    pub no_fsync: bool,
    /// Capture records whose content changed as a new version (修改型 EEP / new package version).
    #[arg(long)]
    pub revise: bool,
    #[command(flatten)]
    pub checker: CheckerArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

fn config(args: &Args) -> guidang::Result<CaptureConfig> {
    let mut cfg = CaptureConfig::new(&args.outbox);
    cfg.format = match args.package {
        PackageArg::Zip => PackageFormat::Zip,
        PackageArg::Dir => PackageFormat::Dir,
        PackageArg::Eep => PackageFormat::Eep,
        PackageArg::Bagit => PackageFormat::Bagit,
    };
    let checker = args.checker.checker(Stage::Archiving)?;
    cfg.scheme = checker.scheme().clone();
    if cfg.scheme.stage != Stage::Archiving {
        cfg.scheme = Scheme::default_for(Stage::Archiving);
    }
    cfg.check = checker.options().clone();
    cfg.schema = args
        .checker
        .schema
        .as_deref()
        .map(guidang::Schema::resolve)
        .transpose()?;
    cfg.package.sha256 = args.sha256;
    cfg.package.deflate = args.deflate;
    cfg.package.fsync = !args.no_fsync;
    if let Some(k) = &args.key {
        cfg.package.signing_key = Some(Arc::new(SigningKey::from_files(k, args.cert.as_deref())?));
    }
    Ok(cfg)
}

fn print_receipt(args: &Args, r: &Receipt, fresh: bool) {
    let mut out = std::io::stdout().lock();
    let _ = match args.output.format {
        crate::common::Format::Json => writeln!(
            out,
            "{}",
            serde_json::json!({
                "record": r.record_id,
                "status": "captured",
                "new": fresh,
                "version": r.version,
                "package": r.package_path,
                "package_sm3": r.package_sm3,
                "content_key": r.content_key,
                "format": r.format,
                "revises": r.revises,
                "created": r.created,
                "journal_seq": r.journal_seq,
                "verdict": r.report.verdict.as_str(),
            })
        ),
        crate::common::Format::Text => writeln!(
            out,
            "{} {} → {} (版本 {}, SM3 {}, 检测结论 {})",
            if fresh {
                "已归档"
            } else {
                "此前已归档"
            },
            r.record_id,
            r.package_path.display(),
            r.version,
            r.package_sm3,
            r.report.verdict.as_str()
        ),
    };
}

fn print_problem(args: &Args, id: &str, status: &str, msg: &str) {
    let mut out = std::io::stdout().lock();
    let _ = match args.output.format {
        crate::common::Format::Json => writeln!(
            out,
            "{}",
            serde_json::json!({"record": id, "status": status, "message": msg})
        ),
        crate::common::Format::Text => writeln!(out, "未归档 {id}: {msg}"),
    };
}

/// Runs the command; returns the exit status.
pub fn run(args: &Args) -> i32 {
    let cfg = match config(args) {
        Ok(c) => c,
        Err(e) => return cannot_run(e),
    };
    let mut records: Vec<Result<Record, (PathBuf, String)>> = Vec::new();
    for p in &args.paths {
        match load(p) {
            Ok(Input::Record(r)) => records.push(Ok(*r)),
            Ok(Input::Batch(b)) => {
                for (path, e) in b.entries {
                    records.push(e.map_err(|e| (path, e.to_string())));
                }
            }
            Err(e) => return cannot_run(e),
        }
    }
    let capturer = match Capturer::open(cfg) {
        Ok(c) => c,
        Err(e) => return cannot_run(e),
    };
    let pb = progress(records.len() as u64);
    let mut failed = false;
    for r in &records {
        match r {
            Err((path, e)) => {
                failed = true;
                print_problem(args, &path.display().to_string(), "unreadable", e);
            }
            Ok(record) => {
                let before = capturer.receipt(&record.id).ok().flatten();
                let res = if args.revise {
                    capturer.capture_revision(record)
                } else {
                    capturer.capture(record)
                };
                match res {
                    Ok(receipt) => {
                        let fresh = before.as_ref() != Some(&receipt);
                        print_receipt(args, &receipt, fresh);
                    }
                    Err(Error::Refused { report, .. }) => {
                        failed = true;
                        args.output.emit(&report);
                    }
                    Err(e @ Error::Conflict { .. }) => {
                        failed = true;
                        print_problem(args, &record.id, "conflict", &e.to_string());
                    }
                    Err(e) => {
                        failed = true;
                        print_problem(args, &record.id, e.code(), &e.to_string());
                    }
                }
            }
        }
        if let Some(pb) = &pb {
            pb.inc(1);
        }
    }
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    if failed {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}
