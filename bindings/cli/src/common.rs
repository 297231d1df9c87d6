//! What every subcommand shares: output format and language, checker configuration
//! (schema, scheme, trust, scanner), progress bars, and the exit-code convention
//! (0 all pass or warn, 1 something failed, 2 could not run).

use clap::{Args, ValueEnum};
use guidang::report::{render_text, Lang, Report, Verdict};
use guidang::{CheckOptions, Checker, Schema, Scheme, Stage};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Exit status: every record passed (warnings allowed).
pub const EXIT_OK: i32 = 0;
/// Exit status: some record failed.
pub const EXIT_FAILED: i32 = 1;
/// Exit status: the command could not run.
pub const EXIT_ERROR: i32 = 2;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable text.
    Text,
    /// One JSON object per line (JSON Lines).
    Json,
}

/// Language of text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// 中文
    Zh,
    /// English
    En,
}

/// `--format` and `--lang`.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Language of text output.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    pub lang: LangArg,
}

impl OutputArgs {
    /// Prints one report in the chosen format.
    pub fn emit(&self, r: &Report) {
        let mut out = std::io::stdout().lock();
        let _ = match self.format {
            Format::Json => writeln!(out, "{}", r.to_json()),
            Format::Text => {
                let lang = match self.lang {
                    LangArg::Zh => Lang::Zh,
                    LangArg::En => Lang::En,
                };
                writeln!(out, "{}", render_text(r, lang))
            }
        };
    }
}

/// Schema, scheme and environment options that build a [`Checker`].
#[derive(Debug, Clone, Args)]
pub struct CheckerArgs {
    /// Metadata schema: a built-in id (dat46-wenshu, kuaiji) or a schema file. Default: the record's own, else dat46-wenshu.
    #[arg(long)]
    pub schema: Option<String>,
    /// 检测方案: a built-in id (gd-default, yj-default, bc-default) or a scheme file.
    #[arg(long)]
    pub scheme: Option<String>,
    /// Folder of trusted root certificates (PEM/DER) for signature trust.
    #[arg(long, value_name = "DIR")]
    pub trust_dir: Option<PathBuf>,
    /// Signer certificate for bare signatures (repeatable).
    #[arg(long, value_name = "FILE")]
    pub signer_cert: Vec<PathBuf>,
    /// clamd address for the virus scan (unix:/path/clamd.sock or tcp:127.0.0.1:3310).
    #[arg(long, value_name = "ADDR")]
    pub clamd: Option<String>,
}

impl CheckerArgs {
    /// Builds the checker; `stage` picks the default scheme when none is given.
    pub fn checker(&self, stage: Stage) -> guidang::Result<Checker> {
        let schema = self.schema.as_deref().map(Schema::resolve).transpose()?;
        let scheme = match &self.scheme {
            Some(s) => Scheme::resolve(s)?,
            None => Scheme::default_for(stage),
        };
        let options = CheckOptions {
            trust_dir: self.trust_dir.clone(),
            signer_certs: self.signer_cert.clone(),
            clamd: self.clamd.clone(),
            ..Default::default()
        };
        Ok(Checker::new(schema, scheme, options))
    }
}

/// Prints a one-line reason on stderr and returns [`EXIT_ERROR`].
pub fn cannot_run(msg: impl std::fmt::Display) -> i32 {
    eprintln!("guidang: {msg}");
    EXIT_ERROR
}

/// A progress bar on stderr, only when stderr is a terminal and there is more than one item.
pub fn progress(len: u64) -> Option<ProgressBar> {
    if len < 2 || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed_precise} {msg}")
    {
        pb.set_style(style);
    }
    Some(pb)
}

/// Tracks the worst verdict seen to compute the exit status.
#[derive(Debug, Default)]
pub struct Outcome {
    failed: bool,
}

impl Outcome {
    /// Notes one report's verdict.
    pub fn note(&mut self, r: &Report) {
        if r.verdict == Verdict::Fail {
            self.failed = true;
        }
    }
    /// The exit status.
    pub fn code(&self) -> i32 {
        if self.failed {
            EXIT_FAILED
        } else {
            EXIT_OK
        }
    }
}
