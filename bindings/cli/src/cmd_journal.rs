//! `guidang journal verify OUTBOX`: checks the outbox journal's SM3 chain and that it agrees with
//! the packages in the outbox (nothing missing, nothing extra, digests as recorded).

use crate::common::{cannot_run, Format, OutputArgs, EXIT_FAILED, EXIT_OK};
use clap::{Args as ClapArgs, Subcommand};
use guidang::capture::verify_journal;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `guidang journal`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(subcommand)]
    pub cmd: JournalCmd,
}

/// `guidang journal` subcommands.
#[derive(Debug, Subcommand)]
pub enum JournalCmd {
    /// Verify the journal chain against the outbox.
    Verify {
        /// The outbox folder.
        #[arg(value_name = "OUTBOX")]
        outbox: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// Runs the command; returns the exit status.
pub fn run(args: &Args) -> i32 {
    let JournalCmd::Verify { outbox, output } = &args.cmd;
    let rep = match verify_journal(outbox) {
        Ok(r) => r,
        Err(e) => return cannot_run(e),
    };
    let mut out = std::io::stdout().lock();
    let _ = match output.format {
        Format::Json => writeln!(
            out,
            "{}",
            serde_json::json!({
                "outbox": outbox,
                "ok": rep.ok(),
                "entries": rep.entries,
                "packages": rep.packages,
                "problems": rep.problems,
                "temporaries": rep.temporaries,
            })
        ),
        Format::Text => {
            let mut s = format!(
                "{}: {} — {} 条日志，{} 个信息包\n",
                outbox.display(),
                if rep.ok() {
                    "日志链完整，与发件箱一致"
                } else {
                    "发现问题"
                },
                rep.entries,
                rep.packages
            );
            for p in &rep.problems {
                s.push_str(&format!("  问题: {p}\n"));
            }
            for t in &rep.temporaries {
                s.push_str(&format!("  临时文件: {t}\n"));
            }
            write!(out, "{s}")
        }
    };
    if rep.ok() {
        EXIT_OK
    } else {
        EXIT_FAILED
    }
}
