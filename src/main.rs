//! `certify`: the command-line front end. Flags, printing and exit codes only; the mathematics
//! lives in the `shadowcert` library.

mod cli;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Certified numbers for optimization algorithms and their ODEs: which theorems of the seed papers
/// apply to a spec, what their bounds say, with a certificate that `certify check` re-verifies.
///
/// Exit codes: 0 every requested claim verified; 1 some claim refuted or inconclusive (or a
/// certificate that does not check); 2 input or usage error.
#[derive(Parser, Debug)]
#[command(name = "certify", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Spec file (JSON, spec v1) to certify.
    spec: Option<PathBuf>,
    /// Print the certificate as JSON on stdout instead of the report.
    #[arg(long)]
    json: bool,
    /// Write the certificate to this file (only when the spec is valid).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Re-verify a certificate with exact rational arithmetic.
    Check {
        /// Certificate file.
        certificate: PathBuf,
    },
    /// CI proof regression: check every *.cert.json in DIR and re-certify its spec.
    Regress {
        /// Directory of certificates.
        dir: PathBuf,
    },
    /// Print the JSON Schema of spec v1.
    Schema,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Some(Command::Check { certificate }) => cli::check(&certificate),
        Some(Command::Regress { dir }) => cli::regress(&dir),
        Some(Command::Schema) => cli::schema(),
        None => match cli.spec {
            Some(spec) => cli::certify(&spec, cli.json, cli.output.as_deref()),
            None => {
                eprintln!("error: no spec given (try: certify specs/strongly_convex.json, or certify --help)");
                2
            }
        },
    };
    ExitCode::from(code as u8)
}
