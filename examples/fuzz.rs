//! A fuzzer for the spec parser and validator (in process) and for the command line (the built
//! binary): mutated shipped specs, random expressions, random flags and values. A panic, or an exit
//! code other than 0, 1 or 2, is a bug; each is printed with its input.
//!
//! ```text
//! cargo build --release && cargo run --release --example fuzz -- [SPEC_EXECS] [CLI_EXECS] [SEED]
//! ```
//! Defaults: 20 000 spec executions, 300 command lines, seed 1. Valid mutated quadratic specs
//! (d ≤ 4, horizon cut to 64 steps) are also certified in process (every claim), so the numerics
//! see them too.

use serde_json::{json, Value};
use shadowcert::spec::parse_spec_str_in;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// xorshift64*: deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// Numbers that have broken parsers before: extremes, non-numbers, long and odd notations.
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "1/3",
    "1/0",
    "0/0",
    "1e-300",
    "1e300",
    "1e400",
    "1e-400",
    "1e10000",
    "nan",
    "inf",
    "-inf",
    "",
    " ",
    "0x10",
    "1_000",
    "2.5E+3",
    ".5",
    "5.",
    "1e",
    "--1",
    "1/-3",
    "3/4/5",
    "99999999999999999999999999999999",
    "1e-320",
    "4.9406564584124654e-324",
    "1.7976931348623157e308",
    "0.1",
    "1/1000000",
    "12345678901234567890/3",
];

const EXPRESSIONS: &[&str] = &[
    "x^2",
    "x**2",
    "abs(x)",
    "pi",
    "log(x)",
    "1/x",
    "sqrt(x - 2)",
    "exp(exp(exp(x)))",
    "x^65",
    "x^-3",
    "x^0.5",
    "sin(",
    ")",
    "x +",
    "(((((x)))))",
    "0*log(x)",
    "tanh(x)*sigma(x)",
    "x^2^2",
    "1e400*x",
    "x/0",
    "cos(x)^64",
    "x + y",
    "x y",
    "",
    "é",
    "x\u{0}",
    "log(0)",
    "sqrt(-1)",
    "sigma(1e300*x)",
];

fn random_value(r: &mut Rng) -> Value {
    match r.below(9) {
        0 => Value::Null,
        1 => json!(r.below(2) == 1),
        2 => json!([]),
        3 => json!({}),
        4 => json!(*r.pick(&[0.0, -1.0, 1e308, 5e-324, 0.1, 2.5])),
        5 => json!(r.next() as i64),
        6 => json!(*r.pick(EXPRESSIONS)),
        _ => json!(*r.pick(NUMBERS)),
    }
}

/// One structural mutation at a random node of `v`.
fn mutate(v: &mut Value, r: &mut Rng, depth: usize) {
    let descend = depth < 6 && r.below(3) != 0;
    match v {
        Value::Object(m) if !m.is_empty() => {
            let keys: Vec<String> = m.keys().cloned().collect();
            let k = r.pick(&keys).clone();
            match r.below(6) {
                0 => {
                    m.remove(&k);
                }
                1 => {
                    m.insert(format!("{k}x"), random_value(r));
                }
                _ if descend => mutate(m.get_mut(&k).expect("key"), r, depth + 1),
                _ => {
                    m.insert(k, random_value(r));
                }
            }
        }
        Value::Array(a) if !a.is_empty() => match r.below(6) {
            0 => {
                a.pop();
            }
            1 => {
                let x = a[r.below(a.len())].clone();
                a.push(x);
            }
            _ if descend => {
                let i = r.below(a.len());
                mutate(&mut a[i], r, depth + 1)
            }
            _ => {
                let i = r.below(a.len());
                a[i] = random_value(r);
            }
        },
        _ => *v = random_value(r),
    }
}

/// A byte-level mutation of JSON text (malformed JSON, odd characters, truncation).
fn mutate_text(t: &str, r: &mut Rng) -> String {
    let mut b: Vec<char> = t.chars().collect();
    for _ in 0..=r.below(3) {
        if b.is_empty() {
            break;
        }
        let i = r.below(b.len());
        match r.below(4) {
            0 => {
                b.remove(i);
            }
            1 => b.insert(i, *r.pick(&['{', '}', '[', ']', '"', ',', ':', '\\', '0', 'e', '\u{feff}', '\u{0}'])),
            2 => b.truncate(i),
            _ => b[i] = *r.pick(&['"', '1', '-', '/', ' ']),
        }
    }
    b.into_iter().collect()
}

fn run_specs(n: usize, r: &mut Rng, root: &Path) -> (usize, usize, usize) {
    let specs_dir = root.join("specs");
    let mut corpus: Vec<(String, Value)> = std::fs::read_dir(&specs_dir)
        .expect("specs/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read spec");
            (p.display().to_string(), serde_json::from_str(&text).expect("shipped specs are JSON"))
        })
        .collect();
    corpus.sort_by(|a, b| a.0.cmp(&b.0));
    let (mut panics, mut valid, mut certified) = (0, 0, 0);
    for i in 0..n {
        let (name, base) = &corpus[r.below(corpus.len())];
        let mut v = base.clone();
        for _ in 0..=r.below(3) {
            mutate(&mut v, r, 0);
        }
        let text = if r.below(5) == 0 { mutate_text(&v.to_string(), r) } else { v.to_string() };
        let parsed = catch_unwind(AssertUnwindSafe(|| parse_spec_str_in(&text, Some(&specs_dir))));
        let spec = match parsed {
            Err(_) => {
                panics += 1;
                eprintln!("PANIC in the parser (exec {i}, from {name}): {text}");
                continue;
            }
            Ok(Err(_)) => continue,
            Ok(Ok(s)) => s,
        };
        valid += 1;
        let mut spec = spec;
        spec.steps = spec.steps.min(64);
        if matches!(spec.objective, shadowcert::spec::Objective::Quadratic { .. }) && spec.dim() <= 4 {
            certified += 1;
            if catch_unwind(AssertUnwindSafe(|| shadowcert::theorems::evaluate(&spec))).is_err() {
                panics += 1;
                eprintln!("PANIC in certify (exec {i}, from {name}): {text}");
            }
        }
    }
    (panics, valid, certified)
}

/// Runs the binary with `args` (at most `limit`); `None` when it was killed for taking longer.
fn run_cli(bin: &Path, root: &Path, args: &[String], limit: Duration) -> Option<(i32, String)> {
    let mut child = Command::new(bin)
        .args(args)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn certify");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            return Some((status.code().unwrap_or(-1), err));
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn random_args(r: &mut Rng) -> Vec<String> {
    let specs =
        ["specs/heavy_ball.json", "specs/strongly_convex.json", "specs/digits_logistic_gd.json", "-", "nope.json"];
    let num = |r: &mut Rng| r.pick(NUMBERS).to_string();
    let mut a: Vec<String> = Vec::new();
    match r.below(6) {
        0 => {
            a.extend(["admissible".into(), r.pick(&specs).to_string()]);
            for flag in ["--from", "--to", "--h", "--points"] {
                if r.below(2) == 0 {
                    a.extend([flag.into(), num(r)]);
                }
            }
        }
        1 => {
            let p = r.pick(&["h", "lambda", "a", "B1", "L", "mu", "x", ""]).to_string();
            a.extend(["sweep".into(), r.pick(&specs).to_string(), "--param".into(), p]);
            a.extend(["--from".into(), num(r), "--to".into(), num(r), "--points".into(), (r.below(6)).to_string()]);
            if r.below(2) == 0 {
                a.push("--log".into());
            }
            if r.below(3) == 0 {
                a.extend(["--fail-on".into(), r.pick(&["refuted", "inconclusive", "x"]).to_string()]);
            }
        }
        2 => {
            a.extend(["map".into(), r.pick(&specs).to_string()]);
            a.extend([
                "--x".into(),
                format!("{}={}:{}:{}", r.pick(&["lambda", "L", "h", "q"]), num(r), num(r), r.below(4)),
            ]);
            a.extend(["--y".into(), format!("h={}:{}:{}", num(r), num(r), r.below(4))]);
            if r.below(2) == 0 {
                a.extend(["--shard".into(), format!("{}/{}", r.below(4), r.below(4))]);
            }
        }
        3 => {
            a.extend([
                "check".into(),
                r.pick(&["proofs/heavy_ball.cert.json", "specs/heavy_ball.json", "nope"]).to_string(),
            ]);
        }
        4 => {
            a.extend(["trace".into(), r.pick(&specs).to_string(), "--every".into(), num(r)]);
        }
        _ => {
            a.push(r.pick(&specs).to_string());
            if r.below(2) == 0 {
                a.extend(["--tighten".into(), num(r)]);
            }
        }
    }
    a
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, d: u64| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    let (spec_execs, cli_execs, seed) = (arg(0, 20_000) as usize, arg(1, 300) as usize, arg(2, 1));
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut r = Rng(seed.max(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    std::panic::set_hook(Box::new(|_| {}));
    let t = Instant::now();
    let (panics, valid, certified) = run_specs(spec_execs, &mut r, &root);
    println!(
        "specs: {spec_execs} executions in {:.1} s, {valid} valid after mutation, {certified} certified in process, \
         {panics} panics",
        t.elapsed().as_secs_f64()
    );
    let bin = root.join("target/release/certify");
    if !bin.exists() {
        println!("cli: skipped ({} not built; run cargo build --release)", bin.display());
        std::process::exit(i32::from(panics > 0));
    }
    let t = Instant::now();
    let (mut bad, mut slow) = (0, 0);
    for i in 0..cli_execs {
        let a = random_args(&mut r);
        match run_cli(&bin, &root, &a, Duration::from_secs(20)) {
            None => slow += 1,
            Some((code, err)) if !(0..=2).contains(&code) || err.contains("panicked") => {
                bad += 1;
                eprintln!("BAD exit {code} (exec {i}): certify {}\n{err}", a.join(" "));
            }
            Some(_) => {}
        }
    }
    println!(
        "cli: {cli_execs} command lines in {:.1} s, {bad} panics or bad exit codes, {slow} stopped after 20 s",
        t.elapsed().as_secs_f64()
    );
    std::process::exit(i32::from(panics + bad > 0));
}
