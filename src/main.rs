//! `certify`: the command-line front end. Flags, printing and exit codes only; the mathematics
//! lives in the `shadowcert` library.

mod cli;

use clap::{Parser, Subcommand};
use shadowcert::admissible::grid::Shard;
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
    /// Spend up to SECONDS more on constants left inconclusive by the spec's box budget (the budget
    /// actually used is recorded in the certificate, so `check` reproduces it).
    #[arg(long, value_name = "SECONDS", value_parser = positive_seconds)]
    tighten: Option<f64>,
    /// Write SVG plots of the enclosed orbit and flow to DIR (created if missing):
    /// `<name>.trajectory.svg`, `<name>.distance.svg` and `<name>.distance_log.svg`.
    #[arg(long, value_name = "DIR")]
    plot: Option<PathBuf>,
}

fn positive_every(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("expected a positive integer N (print every N-th step and the last), got {s:?}")),
    }
}

fn positive_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 && x <= 86_400.0 => Ok(x),
        _ => Err(format!("expected a number of seconds in (0, 86400], got {s:?}")),
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Verify a certificate: the trusted checker verifies its evidence and derives every record it
    /// carries (the engine is re-run only for records marked `re-run`). Exit 0 for a valid
    /// certificate (even when its claims are honestly refuted), 1 when it is rejected, 2 when it
    /// cannot be read (or is of format shadowcert/1).
    Check {
        /// Certificate file.
        certificate: PathBuf,
        /// Exit 1 unless every requested claim of the valid certificate is verified.
        #[arg(long)]
        strict: bool,
        /// Look for the data file a dataset objective pins in DIR first (by name; it is always
        /// checked against its SHA-256).
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
    },
    /// CI proof regression: check every *.cert.json in DIR and re-certify its spec.
    Regress {
        /// Directory of certificates.
        dir: PathBuf,
    },
    /// Print the JSON Schema of spec v1.
    Schema,
    /// The enclosed algorithm iterates x_k and flow values y(kh), per coordinate, step by step.
    Trace {
        /// Spec file.
        spec: PathBuf,
        /// Print JSON (format shadowcert-trace/1; endpoints as exact decimals) instead of a table.
        #[arg(long)]
        json: bool,
        /// Print every N-th step (and always the last).
        #[arg(long, value_name = "N", default_value = "1", value_parser = positive_every)]
        every: usize,
        /// Also write SVG plots of the orbit and flow to DIR (created if missing).
        #[arg(long, value_name = "DIR")]
        plot: Option<PathBuf>,
    },
    /// Certified admissible step sizes per claim: h_lo (proved admissible) and h_hi (refuted).
    Admissible {
        /// Spec file.
        spec: PathBuf,
        /// Smallest step size scanned (exact rational, e.g. 1e-12).
        #[arg(long, default_value = "1e-12")]
        from: String,
        /// Largest step size scanned.
        #[arg(long, default_value = "100")]
        to: String,
        /// Geometric grid points scanned before bisection.
        #[arg(long, default_value_t = 57)]
        points: usize,
        /// The step size to give the verdict for (exact rational; default: the spec's h).
        #[arg(long, value_name = "VALUE")]
        h: Option<String>,
        /// Print the admissibility certificate as JSON instead of the report.
        #[arg(long)]
        json: bool,
        /// Write the admissibility certificate to this file.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Verdicts of the step-size claims along one parameter (h, lambda, a or a constant).
    Sweep {
        /// Spec file.
        spec: PathBuf,
        /// Parameter: h, lambda, a, or a declared constant (B1, L, ...).
        #[arg(long)]
        param: String,
        /// First value (exact rational).
        #[arg(long)]
        from: String,
        /// Last value.
        #[arg(long)]
        to: String,
        /// Number of values.
        #[arg(long, default_value_t = 50)]
        points: usize,
        /// Geometric spacing.
        #[arg(long)]
        log: bool,
        /// Claims to evaluate (repeatable; default: every step-size claim that applies).
        #[arg(long = "claim", value_name = "ID")]
        claims: Vec<String>,
        #[command(flatten)]
        out: GridOut,
    },
    /// SVG heat map of verified / refuted / inconclusive over two parameters, with the certified
    /// boundary h_lo drawn (x: `NAME=FROM:TO[:POINTS]`, y likewise; y is usually h).
    Map {
        /// Spec file.
        spec: PathBuf,
        /// First axis, e.g. lambda=0.05:0.995.
        #[arg(long)]
        x: String,
        /// Second axis, e.g. h=1e-5:1.
        #[arg(long)]
        y: String,
        /// Points on the first axis (unless given in --x).
        #[arg(long, default_value_t = 200)]
        nx: usize,
        /// Points on the second axis (unless given in --y).
        #[arg(long, default_value_t = 200)]
        ny: usize,
        /// Geometric spacing on the first axis.
        #[arg(long)]
        log_x: bool,
        /// Geometric spacing on the second axis.
        #[arg(long)]
        log_y: bool,
        /// The claim mapped (default ks.assumption11 when it applies).
        #[arg(long)]
        claim: Option<String>,
        /// Write the SVG heat map here.
        #[arg(long, value_name = "FILE")]
        svg: Option<PathBuf>,
        #[command(flatten)]
        out: GridOut,
    },
    /// Join the JSON outputs of the shards of one sweep or map (checks they match, are disjoint
    /// and complete).
    Merge {
        /// Joined JSON output.
        output: PathBuf,
        /// Shard outputs.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Also write the CSV table.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// Also write the SVG heat map (maps).
        #[arg(long, value_name = "FILE")]
        svg: Option<PathBuf>,
    },
}

/// Outputs and sharding shared by `sweep` and `map`.
#[derive(clap::Args, Debug)]
struct GridOut {
    /// Write the CSV table here.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Write the JSON output (what `certify merge` joins) here.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Evaluate only the points k with k mod N = i − 1 (array jobs), e.g. --shard 3/8.
    #[arg(long, value_name = "i/N")]
    shard: Option<String>,
    /// Exit 1 when some point is refuted (`refuted`) or not verified (`inconclusive`); without
    /// it a completed grid exits 0 whatever its verdicts.
    #[arg(long, value_enum, value_name = "WHEN")]
    fail_on: Option<cli::grid::FailOn>,
}

fn main() -> ExitCode {
    // Rust ignores SIGPIPE, so printing into a closed pipe (`certify check C | head -1`) panicked;
    // with the default action the process ends quietly, as command-line tools do.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_DFL before any thread starts is sound.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    if let Err(e) = shadowcert::elementary::self_test() {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let cli = Cli::parse();
    let code = match cli.command {
        Some(Command::Check { certificate, strict, data }) => cli::check(&certificate, strict, data.as_deref()),
        Some(Command::Regress { dir }) => cli::regress(&dir),
        Some(Command::Schema) => cli::schema(),
        Some(Command::Trace { spec, json, every, plot }) => cli::trace::run(&spec, json, every, plot.as_deref()),
        Some(Command::Sweep { spec, param, from, to, points, log, claims, out }) => {
            let setup = (|| {
                let shard = out.shard.as_deref().map_or(Ok(Shard::ALL), Shard::parse)?;
                let axis = cli::grid::parse_axis("--from/--to", &format!("{param}={from}:{to}"), points, log)?;
                Ok::<_, shadowcert::Error>((shard, axis))
            })();
            match setup {
                Ok((shard, axis)) => {
                    let files = cli::grid::Outputs { csv: out.csv, json: out.json, svg: None, fail_on: out.fail_on };
                    cli::grid::sweep(&spec, axis, &claims, shard, &files)
                }
                Err(e) => cli::fail(&e),
            }
        }
        Some(Command::Map { spec, x, y, nx, ny, log_x, log_y, claim, svg, out }) => {
            let setup = (|| {
                let shard = out.shard.as_deref().map_or(Ok(Shard::ALL), Shard::parse)?;
                let x = cli::grid::parse_axis("--x", &x, nx, log_x)?;
                let y = cli::grid::parse_axis("--y", &y, ny, log_y)?;
                Ok::<_, shadowcert::Error>((shard, x, y))
            })();
            match setup {
                Ok((shard, x, y)) => {
                    let files = cli::grid::Outputs { csv: out.csv, json: out.json, svg, fail_on: out.fail_on };
                    cli::grid::map(&spec, x, y, claim.as_deref(), shard, &files)
                }
                Err(e) => cli::fail(&e),
            }
        }
        Some(Command::Merge { output, shards, csv, svg }) => cli::grid::merge(&output, &shards, csv, svg),
        Some(Command::Admissible { spec, from, to, points, h, json, output }) => {
            let setup = (|| {
                let req = cli::range_request(&from, &to, points)?;
                let h = h.as_deref().map(|t| cli::parse_flag("--h", t)).transpose()?;
                if h.as_ref().is_some_and(|h| !num_traits::Signed::is_positive(h)) {
                    return Err(shadowcert::Error::Usage("--h: must be > 0".into()));
                }
                Ok::<_, shadowcert::Error>((req, h))
            })();
            match setup {
                Ok((req, h)) => cli::admissible::run(&spec, &req, h.as_ref(), json, output.as_deref()),
                Err(e) => cli::fail(&e),
            }
        }
        None => match cli.spec {
            Some(spec) => cli::certify(&spec, cli.json, cli.output.as_deref(), cli.tighten, cli.plot.as_deref()),
            None => {
                eprintln!("error: no spec given (try: certify specs/strongly_convex.json, or certify --help)");
                2
            }
        },
    };
    ExitCode::from(code as u8)
}
