//! `guidang` — command-line tool for archivists' batch work: four-properties checks (`check`),
//! and, as they land, capture, package verification, journal verification and e-invoices.

mod cmd_check;
mod common;

use clap::{Parser, Subcommand};

/// 归档 guidang: capture and check electronic records (DA/T 70 四性检测, DA/T 46, DA/T 48/93).
#[derive(Debug, Parser)]
#[command(name = "guidang", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Run the four-properties checks (四性检测) on records, manifests, batch folders or bare files.
    Check(cmd_check::Args),
}

fn main() {
    let cli = Cli::parse();
    let code = match &cli.cmd {
        Cmd::Check(a) => cmd_check::run(a),
    };
    std::process::exit(code);
}
