//! Benchmark figures of `certify admissible` and `certify map` (not timed tests):
//!
//! ```text
//! cargo run --release --example bench_admissible [SPEC]
//! ```
//!
//! Prints the median wall time of the certified ranges of every step-size claim of SPEC (default
//! `specs/heavy_ball.json`) over 9 runs, and the wall time of a 200 × 200 map of
//! `ks.assumption11` over λ ∈ [0.05, 0.995] × h ∈ [10⁻⁵, 1] (log) with its certified boundary,
//! split into the grid of verdicts and the boundary curve.

use shadowcert::admissible::grid::{Axis, Grid, Param, Shard};
use shadowcert::admissible::{admissible, Request};
use shadowcert::exact::parse_rat;
use shadowcert::spec::load_spec;
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
}
