//! `guidang verify PACKAGE... [--stage yj|bc]`: re-runs the DA/T 70 items of the 移交与接收 (YJ)
//! or 长期保存 (BC) stage on existing packages (件级 folder or zip, EEP, BagIt) and prints one
//! report per package in the same format as `check`.

use crate::common::{cannot_run, progress, CheckerArgs, Outcome, OutputArgs};
use clap::Args as ClapArgs;
use guidang::package::{verify_package, VerifyOptions};
use guidang::Stage;
use std::path::PathBuf;

/// Stage argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StageArg {
    /// 移交与接收环节
    Yj,
    /// 长期保存环节
    Bc,
}

/// Arguments of `guidang verify`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Packages: 件级 folders or zips, EEP files, BagIt folders.
    #[arg(required = true, value_name = "PACKAGE")]
    pub paths: Vec<PathBuf>,
    /// Stage whose items are run.
    #[arg(long, value_enum, default_value_t = StageArg::Yj)]
    pub stage: StageArg,
    /// Package digest recorded at capture (receipt `package_sm3`); only with one package.
    #[arg(long, value_name = "HEX")]
    pub expect_sm3: Option<String>,
    #[command(flatten)]
    pub checker: CheckerArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs the command; returns the exit status.
pub fn run(args: &Args) -> i32 {
    let stage = match args.stage {
        StageArg::Yj => Stage::Transfer,
        StageArg::Bc => Stage::Preservation,
    };
    if args.expect_sm3.is_some() && args.paths.len() != 1 {
        return cannot_run("--expect-sm3 applies to exactly one package");
    }
    let checker = match args.checker.checker(stage) {
        Ok(c) => c,
        Err(e) => return cannot_run(e),
    };
    if checker.scheme().stage != stage {
        return cannot_run(format!(
            "scheme {} is for stage {}, not {}",
            checker.scheme().id,
            checker.scheme().stage.prefix(),
            stage.prefix()
        ));
    }
    let schema = match args
        .checker
        .schema
        .as_deref()
        .map(guidang::Schema::resolve)
        .transpose()
    {
        Ok(s) => s,
        Err(e) => return cannot_run(e),
    };
    let opts = VerifyOptions {
        stage,
        scheme: Some(checker.scheme().clone()),
        schema,
        check: checker.options().clone(),
        expected_sm3: args.expect_sm3.clone(),
        ..Default::default()
    };
    for p in &args.paths {
        if !p.exists() {
            return cannot_run(format!("{}: no such package", p.display()));
        }
    }
    let pb = progress(args.paths.len() as u64);
    let mut outcome = Outcome::default();
    for p in &args.paths {
        match verify_package(p, &opts) {
            Ok(rep) => {
                outcome.note(&rep);
                args.output.emit(&rep);
            }
            Err(e) => return cannot_run(e),
        }
        if let Some(pb) = &pb {
            pb.inc(1);
        }
    }
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    outcome.code()
}
