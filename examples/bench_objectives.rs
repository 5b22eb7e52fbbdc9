//! Benchmarks of part 4 (general objectives), printed as measured figures:
//! * a 2-D expression objective on a unit box: every constant enclosed, relative width and time;
//! * the digits objective (n = 365, d = 65): gradient enclosure over a box of radius 1e-8, and L.
//!
//! Run: `cargo run --release --example bench_objectives`

use inari::Interval;
use shadowcert::exact::{parse_rat, Rat};
use shadowcert::objective::dataset::{Dataset, Loss};
use shadowcert::objective::expression::Expression;
use shadowcert::objective::{BoxObjective, Quantity, Smooth};
use shadowcert::theorems::assumptions::cover_quantity;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

fn q(s: &str) -> Rat {
    parse_rat(s).unwrap()
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // 1. 2-D expression, unit box, all constants, no declared values (run to the tolerance).
    let e = Expression::new(vec!["x".into(), "y".into()], "0.5*x^2 + cos(y) + 2*y^2").unwrap();
    let dom = vec![(q("-1"), q("1")), (q("-1"), q("1"))];
    let t = Instant::now();
    let mut worst: f64 = 0.0;
    for quantity in [Quantity::GradNorm, Quantity::HessNorm, Quantity::NegLambdaMin, Quantity::ThirdNorm] {
        let (s, _) = cover_quantity(e.checked().unwrap(), quantity, &dom, &BTreeMap::new(), 200_000);
        let rel = (s.upper - s.lower) / s.upper.abs().max(s.lower.abs());
        worst = worst.max(rel);
        println!(
            "expression {quantity:?}: sup in [{}, {}], relative width {rel:.2e}, {} boxes",
            s.lower, s.upper, s.boxes
        );
    }
    println!("expression: all four constants in {:.3} s, worst relative width {worst:.2e}", t.elapsed().as_secs_f64());

    // 2. Digits.
    let t = Instant::now();
    let ds = Dataset::load(
        "data/digits_3v5.csv",
        &root.join("specs/data/digits_3v5.csv"),
        Loss::Sigmoid,
        q("1/100"),
        true,
        q("1/16"),
    )
    .unwrap();
    println!("digits: loaded and precomputed in {:.3} s", t.elapsed().as_secs_f64());
    let w: Vec<Interval> = (0..65)
        .map(|i| {
            let c = 0.01 * (i as f64 % 7.0 - 3.0);
            Interval::try_from((c - 1e-8, c + 1e-8)).unwrap()
        })
        .collect();
    let reps = 1000;
    let width = |g: Vec<Interval>| g.iter().map(|x| x.wid()).fold(0.0, f64::max);
    let t = Instant::now();
    let mut acc = 0.0;
    for _ in 0..reps {
        acc += width(Smooth::gradient(ds.checked(), &w));
    }
    let per = t.elapsed().as_secs_f64() / reps as f64;
    println!(
        "digits: gradient enclosure over a box of radius 1e-8: {:.3} ms (widest component {:.2e})",
        per * 1e3,
        acc / reps as f64
    );
    for quantity in [Quantity::GradNorm, Quantity::HessNorm, Quantity::NegLambdaMin, Quantity::ThirdNorm] {
        let t = Instant::now();
        for _ in 0..20 {
            std::hint::black_box(ds.enclose(quantity, &w));
        }
        println!("digits: one {quantity:?} enclosure: {:.3} ms", t.elapsed().as_secs_f64() / 20.0 * 1e3);
    }
    let dom: Vec<(Rat, Rat)> = vec![(q("-1/2"), q("1/2")); 65];
    let t = Instant::now();
    let declared = BTreeMap::from([("L".to_string(), q("1.2"))]);
    let (s, _) = cover_quantity(ds.checked(), Quantity::HessNorm, &dom, &declared, 16);
    println!(
        "digits: verified L = 1.2 >= sup ‖∇²f‖ ∈ [{:.6}, {:.6}] on [-1/2, 1/2]^65 in {:.3} s ({} boxes)",
        s.lower,
        s.upper,
        t.elapsed().as_secs_f64(),
        s.boxes
    );
}
