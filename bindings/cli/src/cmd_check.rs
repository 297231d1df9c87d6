//! `guidang check PATH...`: runs the 归档 (or another stage's) four-properties checks and prints
//! one report per record (JSON Lines with `--format json`), plus a batch report for batch folders.

use crate::common::{cannot_run, progress, CheckerArgs, Outcome, OutputArgs};
use clap::Args as ClapArgs;
use guidang::record::{load, Input};
use guidang::Stage;
use std::path::PathBuf;

/// Arguments of `guidang check`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Record folders, record manifests (.json), batch folders or bare content files.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub checker: CheckerArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs the command; returns the exit status.
pub fn run(args: &Args) -> i32 {
    let checker = match args.checker.checker(Stage::Archiving) {
        Ok(c) => c,
        Err(e) => return cannot_run(e),
    };
    // Load everything first so that a missing path stops the command before any output.
    let mut inputs = Vec::new();
    for p in &args.paths {
        match load(p) {
            Ok(i) => inputs.push(i),
            Err(e) => return cannot_run(e),
        }
    }
    let total: u64 = inputs
        .iter()
        .map(|i| match i {
            Input::Record(_) => 1,
            Input::Batch(b) => b.entries.len() as u64,
        })
        .sum();
    let pb = progress(total);
    let mut outcome = Outcome::default();
    for input in &inputs {
        match input {
            Input::Record(r) => match checker.check(r) {
                Ok(rep) => {
                    outcome.note(&rep);
                    args.output.emit(&rep);
                    if let Some(pb) = &pb {
                        pb.inc(1);
                    }
                }
                Err(e) => return cannot_run(e),
            },
            Input::Batch(b) => {
                let mut emit = |r: guidang::Report| {
                    outcome.note(&r);
                    args.output.emit(&r);
                    if let Some(pb) = &pb {
                        pb.inc(1);
                    }
                };
                match checker.check_batch_streaming(b, &mut emit) {
                    Ok(batch) => {
                        outcome.note(&batch);
                        args.output.emit(&batch);
                    }
                    Err(e) => return cannot_run(e),
                }
            }
        }
    }
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    outcome.code()
}
