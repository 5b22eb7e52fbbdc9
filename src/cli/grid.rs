//! `certify sweep`, `certify map` and `certify merge`: grids of verdicts, shards, CSV/JSON/SVG.

use super::{fail, parse_flag, report::approx, write_atomic};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value as Json;
use shadowcert::admissible::grid::{merge as merge_parts, tally, to_csv, Axis, Grid, Param, Shard};
use shadowcert::admissible::plot::write_svg;
use shadowcert::admissible::STEP_CLAIMS;
use shadowcert::spec::load_spec;
use shadowcert::Error;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Where to write a grid's outputs.
pub struct Outputs {
    /// CSV table.
    pub csv: Option<PathBuf>,
    /// JSON (the shard output that `certify merge` joins).
    pub json: Option<PathBuf>,
    /// SVG heat map (maps only).
    pub svg: Option<PathBuf>,
    /// When the completed grid exits 1.
    pub fail_on: Option<FailOn>,
}

/// `NAME=FROM:TO[:POINTS]` → an axis (`points` when not given in the text).
pub fn parse_axis(flag: &str, text: &str, points: usize, log: bool) -> Result<Axis, Error> {
    let bad = || Error::Usage(format!("{flag}: expected NAME=FROM:TO[:POINTS], e.g. lambda=0.05:0.995, got {text:?}"));
    let (name, range) = text.split_once('=').ok_or_else(bad)?;
    let parts: Vec<&str> = range.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return Err(bad());
    }
    let points = match parts.get(2) {
        Some(n) => n.parse().map_err(|_| bad())?,
        None => points,
    };
    Ok(Axis {
        param: Param::parse(name.trim())?,
        from: parse_flag(flag, parts[0])?,
        to: parse_flag(flag, parts[1])?,
        points,
        log,
    })
}

fn progress(n: usize) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(n as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} points, {elapsed} (eta {eta})") {
        pb.set_style(style);
    }
    pb
}

fn write_outputs(out: &Json, claim: &str, files: &Outputs) -> Result<(), Error> {
    if let Some(p) = &files.json {
        let mut text = serde_json::to_string_pretty(out).expect("JSON serializes");
        text.push('\n');
        write_atomic(p, &text)?;
    }
    if let Some(p) = &files.csv {
        write_atomic(p, &to_csv(out))?;
    }
    if let Some(p) = &files.svg {
        write_svg(out, claim, p)?;
    }
    Ok(())
}

fn print_tallies(out: &Json) {
    for c in out["claims"].as_array().into_iter().flatten().filter_map(Json::as_str) {
        let t = tally(out, c);
        let na =
            out["points"].as_array().into_iter().flatten().filter(|p| p["verdicts"][c] == "not_applicable").count();
        println!("{c:<16} {} verified, {} refuted, {} inconclusive, {na} not applicable", t[0].1, t[1].1, t[2].1);
    }
}

fn written(files: &Outputs) {
    for p in [&files.json, &files.csv, &files.svg].into_iter().flatten() {
        println!("wrote {}", p.display());
    }
}

/// When a completed grid exits 1 (`--fail-on`); by default it exits 0 whatever its verdicts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Exit 1 when some point of some claim is refuted.
    Refuted,
    /// Exit 1 when some point of some claim is not verified (refuted, inconclusive or not
    /// applicable): the behaviour before `--fail-on` existed.
    Inconclusive,
}

/// Exit code of a completed grid: 0, or 1 when `fail_on` says so.
fn grid_code(out: &Json, fail_on: Option<FailOn>) -> i32 {
    let Some(fail_on) = fail_on else { return 0 };
    let fails = |v: &Json| match fail_on {
        FailOn::Refuted => v == "refuted",
        FailOn::Inconclusive => v != "verified",
    };
    let any = out["points"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|p| p["verdicts"].as_object().is_some_and(|m| m.values().any(fails)));
    i32::from(any)
}

/// `certify sweep SPEC --param P --from X --to Y --points N [--log] …`.
pub fn sweep(spec: &Path, axis: Axis, claims: &[String], shard: Shard, files: &Outputs) -> i32 {
    let result = (|| {
        let spec = load_spec(spec)?;
        if files.svg.is_some() {
            return Err(Error::Usage("--svg: a sweep has one parameter; use certify map".into()));
        }
        let grid = Grid::new(&spec, vec![axis], claims)?;
        let pb = progress(grid.len().div_ceil(shard.count));
        let out = grid.run(shard, None, &|| pb.inc(1));
        pb.finish_and_clear();
        write_outputs(&out, "", files)?;
        Ok(out)
    })();
    let out = match result {
        Ok(o) => o,
        Err(e) => return fail(&e),
    };
    let param = out["axes"][0]["param"].as_str().unwrap_or("?").to_string();
    let claims: Vec<&str> = out["claims"].as_array().into_iter().flatten().filter_map(Json::as_str).collect();
    print!("{:>6}  {:<14}", "index", param);
    for c in &claims {
        print!(" {c:<16}");
    }
    println!();
    for p in out["points"].as_array().into_iter().flatten() {
        let v = shadowcert::admissible::grid::rat_field(&p["params"][&param]).map_or("?".into(), |r| approx(&r));
        print!("{:>6}  {v:<14}", p["index"].as_u64().unwrap_or(0));
        for c in &claims {
            print!(" {:<16}", p["verdicts"][*c].as_str().unwrap_or(""));
        }
        println!();
    }
    written(files);
    grid_code(&out, files.fail_on)
}

/// `certify map SPEC --x P=A:B --y h=C:D …`.
pub fn map(spec: &Path, x: Axis, y: Axis, claim: Option<&str>, shard: Shard, files: &Outputs) -> i32 {
    let result = (|| {
        let spec = load_spec(spec)?;
        let probe = Grid::new(&spec, vec![x.clone(), y.clone()], &[])?;
        let claim = match claim {
            Some(c) => c.to_string(),
            None if probe.claims().iter().any(|c| c == "ks.assumption11") => "ks.assumption11".to_string(),
            None => probe.claims()[0].clone(),
        };
        if files.svg.is_some() && shard.count > 1 {
            return Err(Error::Usage("--svg: a shard is not the whole map; merge the shards, then --svg".into()));
        }
        let grid = Grid::new(&spec, vec![x, y], std::slice::from_ref(&claim))?;
        let pb = progress(grid.len().div_ceil(shard.count));
        let out = grid.run(shard, Some(&claim), &|| pb.inc(1));
        pb.finish_and_clear();
        write_outputs(&out, &claim, files)?;
        Ok(out)
    })();
    match result {
        Ok(out) => {
            print_tallies(&out);
            written(files);
            grid_code(&out, files.fail_on)
        }
        Err(e) => fail(&e),
    }
}

/// `certify merge OUT SHARD… [--csv F] [--svg F]`.
pub fn merge(output: &Path, inputs: &[PathBuf], csv: Option<PathBuf>, svg: Option<PathBuf>) -> i32 {
    let result = (|| {
        let mut parts = Vec::new();
        for p in inputs {
            let text = std::fs::read_to_string(p).map_err(|e| Error::io(p, e))?;
            let v: Json = serde_json::from_str(&text)
                .map_err(|e| Error::Usage(format!("{}: malformed JSON: {e}", p.display())))?;
            parts.push(v);
        }
        let out = merge_parts(&parts)?;
        let claim = out["boundary"]["claim"]
            .as_str()
            .or_else(|| out["claims"][0].as_str())
            .unwrap_or(STEP_CLAIMS[0])
            .to_string();
        write_outputs(&out, &claim, &Outputs { json: Some(output.to_path_buf()), csv, svg, fail_on: None })?;
        Ok(out)
    })();
    match result {
        Ok(out) => {
            println!("merged {} shards: {} points", inputs.len(), out["points"].as_array().map_or(0, Vec::len));
            print_tallies(&out);
            0
        }
        Err(e) => fail(&e),
    }
}
