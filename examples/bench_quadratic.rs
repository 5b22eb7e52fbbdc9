//! Benchmark figures of the main command on dense quadratics as the dimension grows, not timed
//! tests:
//!
//! ```text
//! cargo run --release --example bench_quadratic [D ...]      (default: 10 20 40 60 100)
//! ```
//!
//! Problem: f = ½xᵀQx − bᵀx with Q a dense symmetric integer matrix, off-diagonal entries in
//! [−3, 3] and a diagonal that dominates its row by 1 to 5 (so Q ≻ 0 with eigenvalues spread over
//! [1, ~3d]), b in [−2, 2]ᵈ, both from a fixed seed; GD with h = 1/1000 for 100 steps from
//! x₀ = (½, …, ½) on the box [−10, 10]ᵈ: the whole main job (constants with their eigenvalue
//! brackets, every theorem, the tubes, the certificate).
//!
//! Columns: wall time of `certify` on the spec; then one inertia count, the kernel of every
//! eigenvalue bracket, of t·I − Q at t = tr Q / d (inside the spectrum, so indefinite): as it is
//! decided now (`exact::inertia`: interval block LDLᵀ in `f64`, exact only where that fails)
//! against the exact rational elimination that decided every count before
//! (`exact::exact_inertia`, skipped above d = 40, where one count takes from seconds to
//! minutes), and their ratio. One run, one process.

use shadowcert::certify::certify_path;
use shadowcert::exact::{exact_inertia, inertia, shift, Rat, RatMatrix};
use std::time::Instant;

struct Lcg(u64);

impl Lcg {
    fn int(&mut self, lo: i64, hi: i64) -> i64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        lo + ((self.0 >> 33) % (hi - lo + 1) as u64) as i64
    }
}

/// Q (diagonally dominant, integer) and b of dimension `d`.
fn problem(d: usize) -> (Vec<Vec<i64>>, Vec<i64>) {
    let mut g = Lcg(d as u64);
    let mut q = vec![vec![0i64; d]; d];
    for (i, j) in (0..d).flat_map(|i| (i + 1..d).map(move |j| (i, j))) {
        let v = g.int(-3, 3);
        q[i][j] = v;
        q[j][i] = v;
    }
    for (i, row) in q.iter_mut().enumerate() {
        let off: i64 = row.iter().map(|v| v.abs()).sum();
        row[i] = off + g.int(1, 5);
    }
    let b = (0..d).map(|_| g.int(-2, 2)).collect();
    (q, b)
}

/// Mean wall time of `f` in milliseconds over enough runs to fill about 0.2 s.
fn time_ms(mut f: impl FnMut()) -> f64 {
    let (t, mut runs) = (Instant::now(), 0u32);
    while runs == 0 || t.elapsed().as_secs_f64() < 0.2 {
        f();
        runs += 1;
    }
    t.elapsed().as_secs_f64() * 1e3 / f64::from(runs)
}

fn main() {
    let dims: Vec<usize> = std::env::args().skip(1).map(|s| s.parse().expect("D must be an integer")).collect();
    let dims = if dims.is_empty() { vec![10, 20, 40, 60, 100] } else { dims };
    let dir = std::env::temp_dir().join(format!("shadowcert_bench_quadratic_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    println!("{:>5} {:>12} {:>16} {:>16} {:>9}", "d", "certify", "count: now", "count: exact", "ratio");
    for d in dims {
        let (q, b) = problem(d);
        let strings = |v: &[i64]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let spec = serde_json::json!({
            "name": format!("bench_quadratic_{d}"),
            "objective": {"type": "quadratic", "Q": q.iter().map(|r| strings(r)).collect::<Vec<_>>(), "b": strings(&b)},
            "domain": vec![["-10", "10"]; d],
            "algorithm": {"method": "gd", "h": "1/1000"},
            "x0": vec!["1/2"; d],
            "horizon": {"steps": 100}
        });
        let path = dir.join(format!("q{d}.json"));
        std::fs::write(&path, spec.to_string()).expect("write the spec");
        let t = Instant::now();
        certify_path(&path).unwrap_or_else(|e| panic!("d = {d}: {e}"));
        let certify = t.elapsed().as_secs_f64();
        let qr: RatMatrix = q.iter().map(|r| r.iter().map(|&x| Rat::from_integer(x.into())).collect()).collect();
        let trace: i64 = (0..d).map(|i| q[i][i]).sum();
        let s = shift(&qr, &Rat::new(trace.into(), (d as i64).into()));
        let fast = time_ms(|| {
            std::hint::black_box(inertia(&s));
        });
        let exact = (d <= 40).then(|| {
            time_ms(|| {
                std::hint::black_box(exact_inertia(&s));
            })
        });
        let (exact_text, ratio) = match exact {
            Some(e) => (format!("{e:>13.3} ms"), format!("{:>8.0}×", e / fast)),
            None => (format!("{:>16}", "—"), format!("{:>9}", "—")),
        };
        println!("{d:>5} {certify:>11.2}s {fast:>13.3} ms {exact_text} {ratio}");
    }
    std::fs::remove_dir_all(&dir).ok();
}
