//! Benchmark figures of `certify admissible` and `certify map` (not timed tests):
//!
//! ```text
//! cargo run --release --example bench_admissible [SPEC]
//! ```
//!
//! Prints the median wall time of the certified ranges of every step-size claim of SPEC (default
//! `specs/heavy_ball.json`) over 9 runs, and the wall time of a 200 × 200 map of
//! `ks.assumption11` over λ ∈ [0.05, 0.995] × h ∈ [10⁻⁵, 1] (log) with its certified boundary,
//! split into the grid of verdicts and the boundary curve. Then a 200 × 200 map over a declared
//! constant, L ∈ [3.5, 6] × h ∈ [10⁻⁵, 1] (log), of heavy ball λ = 0.9 on the d = 10 Laplacian
//! tridiag(−1, 2, −1) (`step.stable`), and, per point, the cost of the old path it replaces
//! (substitute the value, re-run every constant) measured on 20 values of L in the same run.

use shadowcert::admissible::grid::{substitute, Axis, Grid, Param, Shard};
use shadowcert::admissible::{admissible, step_claims, Request};
use shadowcert::exact::parse_rat;
use shadowcert::spec::{load_spec, parse_spec_value};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(|| "specs/heavy_ball.json".into());
    let spec = load_spec(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let threads = rayon::current_num_threads();

    let req = Request::default();
    let mut times = Vec::new();
    for _ in 0..9 {
        let t = Instant::now();
        let ranges = admissible(&spec, &req);
        times.push(t.elapsed().as_secs_f64());
        assert!(!ranges.is_empty());
    }
    times.sort_by(f64::total_cmp);
    println!("admissible {}: median {:.1} ms over 9 runs ({threads} threads)", path.display(), times[4] * 1e3);

    let q = |s: &str| parse_rat(s).expect("literal");
    let axes = vec![
        Axis { param: Param::Lambda, from: q("0.05"), to: q("0.995"), points: 200, log: false },
        Axis { param: Param::H, from: q("1e-5"), to: q("1"), points: 200, log: true },
    ];
    let claim = "ks.assumption11".to_string();
    let grid = Grid::new(&spec, axes, std::slice::from_ref(&claim)).expect("valid axes");
    let t = Instant::now();
    let verdicts = grid.run(Shard::ALL, None, &|| {});
    let t_grid = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let with_curve = grid.run(Shard::ALL, Some(&claim), &|| {});
    let t_all = t.elapsed().as_secs_f64();
    assert_eq!(verdicts["points"], with_curve["points"]);
    println!(
        "map 200 x 200 of {claim}: {:.2} s verdicts only, {:.2} s with the certified boundary ({threads} threads)",
        t_grid, t_all
    );

    let d = 10;
    let entry = |i: usize, j: usize| ["2", "-1"].get(i.abs_diff(j)).unwrap_or(&"0").to_string();
    let row = |i: usize| (0..d).map(|j| entry(i, j)).collect::<Vec<_>>();
    let laplacian = parse_spec_value(&serde_json::json!({
        "name": "laplacian_hb", "objective": {"type": "quadratic", "Q": (0..d).map(row).collect::<Vec<_>>()},
        "domain": vec![["-1", "1"]; d], "constants": {"L": "4", "B0": "10", "B1": "4", "B2": "0"},
        "algorithm": {"method": "heavy_ball", "lambda": "0.9", "h": "1/1000"}, "x0": vec!["1/2"; d],
        "horizon": {"steps": 100}
    }))
    .expect("a valid spec");
    let axes = vec![
        Axis { param: Param::Constant("L".into()), from: q("3.5"), to: q("6"), points: 200, log: false },
        Axis { param: Param::H, from: q("1e-5"), to: q("1"), points: 200, log: true },
    ];
    let claim = "step.stable".to_string();
    let grid = Grid::new(&laplacian, axes, std::slice::from_ref(&claim)).expect("valid axes");
    let t = Instant::now();
    grid.run(Shard::ALL, None, &|| {});
    let t_map = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for k in 0..20 {
        let v = q("3.5") + q("2.5") * q(&format!("{k}/19"));
        step_claims(&substitute(&laplacian, &[(Param::Constant("L".into()), v)]).expect("valid"));
    }
    let old_per_point = t.elapsed().as_secs_f64() / 20.0;
    let new_per_point = t_map / 40_000.0 * threads as f64;
    println!(
        "map 200 x 200 over L x h, d = 10: {t_map:.2} s ({threads} threads); per point {:.2} ms against {:.1} ms \
         for substituting L and re-running the constants (single thread): {:.0}x",
        new_per_point * 1e3,
        old_per_point * 1e3,
        old_per_point / new_per_point
    );
}
