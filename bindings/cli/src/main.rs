//! `guidang` — command-line tool for archivists' batch work: four-properties checks (`check`),
//! capture into an outbox, package verification, journal verification and e-invoices.

mod cmd_capture;
mod cmd_check;
mod cmd_invoice;
mod cmd_journal;
mod cmd_verify;
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
    /// Check, package and hand records to an outbox durably (即时归档).
    Capture(cmd_capture::Args),
    /// Re-verify packages at 移交与接收 (yj) or 长期保存 (bc).
    Verify(cmd_verify::Args),
    /// Outbox journal tools.
    Journal(cmd_journal::Args),
    /// Extract e-invoices (OFD, 数电票 XML, PDF) and print their fields and cross-checks.
    Invoice(cmd_invoice::Args),
}

fn main() {
    let cli = Cli::parse();
    let code = match &cli.cmd {
        Cmd::Check(a) => cmd_check::run(a),
        Cmd::Capture(a) => cmd_capture::run(a),
        Cmd::Verify(a) => cmd_verify::run(a),
        Cmd::Journal(a) => cmd_journal::run(a),
        Cmd::Invoice(a) => cmd_invoice::run(a),
    };
    std::process::exit(code);
}
