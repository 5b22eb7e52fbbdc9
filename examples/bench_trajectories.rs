//! Benchmark figures of the enclosed trajectories (`shadowcert::dynamics`), not timed tests:
//!
//! ```text
//! cargo run --release --example bench_trajectories [STEPS]
//! ```
//!
//! Problem: d = 100, f = ½xᵀQx − bᵀx with Q = HDH, H = I − 2vvᵀ/(vᵀv) an exact rational Householder
//! reflection (so Q is dense and its spectrum is exactly D: λᵢ = (1 + 99(i/99)²)/100 ∈ [1/100, 1]),
//! b, x₀, v small-denominator rationals from a fixed seed, h = 1/1000 (not a dyadic: the data
//! error of the `f64` loop is part of the bound), STEPS = 10⁵ GD steps (horizon T = 100).
//!
//! Rows: the plain `f64` GD loop (the user's code); the enclosed exact GD orbit (compensated
//! midpoint); the user's orbit with its rigorous distance to the exact one (midpoint = that loop);
//! the naive interval iteration (same exact orbit, interval arithmetic step by step); the enclosed
//! gradient flow y(kh), k ≤ STEPS; the enclosed heavy ball (scheme (7), λ = 9/10, a = 0, STEPS/10
//! steps, Lyapunov norm). One run; times are wall clock, each including its setup (eigenvalue
//! bounds, matrix exponential, Lyapunov norm).

use num_traits::{One, Zero};
use shadowcert::dynamics::{gd, gd_f64, gd_naive_interval, gradient_flow, scheme7, GdF64};
use shadowcert::exact::{Rat, RatMatrix};
use std::time::Instant;

struct Lcg(u64);

impl Lcg {
    fn int(&mut self, range: i64) -> i64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % (2 * range as u64 + 1)) as i64 - range
    }

    fn rat(&mut self, range: i64, den: i64) -> Rat {
        Rat::new(self.int(range).into(), den.into())
    }
}

/// Q = HDH with H = I − (2/s)vvᵀ, s = vᵀv: Q_ij = D_iδ_ij − (2/s)v_iv_j(D_i + D_j) + (4/s²)v_iv_j·Σ_k D_k v_k².
fn householder_quadratic(d: usize, g: &mut Lcg) -> RatMatrix {
    let v: Vec<Rat> =
        (0..d).map(|_| Rat::from_integer((g.int(5) + if g.int(1) == 0 { 6 } else { 0 }).into())).collect();
    let s = v.iter().fold(Rat::zero(), |a, x| a + x * x);
    let n = (d - 1) as i64;
    let diag: Vec<Rat> = (0..d as i64)
        .map(|i| (Rat::one() + Rat::new((99 * i * i).into(), (n * n).into())) / Rat::from_integer(100.into()))
        .collect();
    let dvv = diag.iter().zip(&v).fold(Rat::zero(), |a, (di, vi)| a + di * vi * vi);
    let two = Rat::from_integer(2.into());
    (0..d)
        .map(|i| {
            (0..d)
                .map(|j| {
                    let vv = &v[i] * &v[j];
                    let mut x = -(&two / &s) * &vv * (&diag[i] + &diag[j]) + (&two * &two / (&s * &s)) * &vv * &dvv;
                    if i == j {
                        x += &diag[i];
                    }
                    x
                })
                .collect()
        })
        .collect()
}

fn main() {
    let steps: usize = std::env::args().nth(1).map(|s| s.parse().expect("STEPS must be an integer")).unwrap_or(100_000);
    let d = 100;
    let mut g = Lcg(2024);
    let t = Instant::now();
    let q = householder_quadratic(d, &mut g);
    let b: Vec<Rat> = (0..d).map(|_| g.rat(10, 7)).collect();
    let x0: Vec<Rat> = (0..d).map(|_| g.rat(20, 9)).collect();
    let h = Rat::new(1.into(), 1000.into());
    println!(
        "problem: d = {d}, Q = HDH (exact rational, spectrum [1/100, 1]), h = 1/1000, {steps} steps (built in {:.2} s)",
        t.elapsed().as_secs_f64()
    );

    // The user's plain f64 loop.
    let plain = GdF64::new(&q, &b, &h);
    let mut x: Vec<f64> = x0.iter().map(|r| num_traits::ToPrimitive::to_f64(r).unwrap()).collect();
    let mut next = vec![0.0; d];
    let t = Instant::now();
    for _ in 0..steps {
        plain.step(&x, &mut next);
        std::mem::swap(&mut x, &mut next);
    }
    let t_plain = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let user = gd_f64(&q, &b, &x0, &h, steps);
    let t_user = t.elapsed().as_secs_f64();
    assert_eq!(user.mid(steps), &x[..], "gd_f64's midpoint is the plain loop");

    let t = Instant::now();
    let orbit = gd(&q, &b, &x0, &h, steps);
    let t_orbit = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let naive = gd_naive_interval(&q, &b, &x0, &h, steps);
    let t_naive = t.elapsed().as_secs_f64();
    let naive_rad = naive.iter().map(|v| if v.is_entire() { f64::INFINITY } else { v.rad() }).fold(0.0, f64::max);
    let naive_1000 = gd_naive_interval(&q, &b, &x0, &h, steps.min(1000));
    let naive_1000_rad = naive_1000.iter().map(|v| v.rad()).fold(0.0, f64::max);

    let t = Instant::now();
    let flow = gradient_flow(&q, &b, &x0, &h, steps);
    let t_flow = t.elapsed().as_secs_f64();

    let hb_steps = steps / 10;
    let t = Instant::now();
    let hb = scheme7(&q, &b, &x0, &h, &Rat::new(9.into(), 10.into()), &Rat::zero(), hb_steps);
    let t_hb = t.elapsed().as_secs_f64();

    println!();
    println!("| trajectory                              | time (s) | ratio to plain | final radius (‖·‖₂) |");
    println!("|-----------------------------------------|---------:|---------------:|--------------------:|");
    println!("| plain f64 GD loop (user's code)         | {t_plain:8.3} |           1.00 |                   – |");
    println!(
        "| enclosed exact GD orbit (compensated)   | {t_orbit:8.3} | {:14.2} | {:19.3e} |",
        t_orbit / t_plain,
        orbit.rad(steps)
    );
    println!(
        "| user's f64 orbit, distance to exact     | {t_user:8.3} | {:14.2} | {:19.3e} |",
        t_user / t_plain,
        user.rad(steps)
    );
    println!(
        "| naive interval GD iteration             | {t_naive:8.3} | {:14.2} | {naive_rad:19.3e} |",
        t_naive / t_plain
    );
    println!(
        "|   (after {:>6} steps)                   |          |                | {naive_1000_rad:19.3e} |",
        steps.min(1000)
    );
    println!(
        "| enclosed gradient flow y(kh), T = {:<5} | {t_flow:8.3} | {:14.2} | {:19.3e} |",
        steps as f64 / 1000.0,
        t_flow / t_plain,
        flow.rad(steps)
    );
    println!(
        "| enclosed heavy ball (7), {hb_steps:>6} steps  | {t_hb:8.3} | {:14.2} | {:19.3e} |",
        t_hb / t_plain,
        hb.rad(hb_steps)
    );
    println!();
    println!(
        "max radius over the horizon: GD orbit {:.3e}, gradient flow {:.3e}, heavy ball {:.3e}",
        orbit.max_rad(),
        flow.max_rad(),
        hb.max_rad()
    );
    let xn = x.iter().map(|v| v * v).sum::<f64>().sqrt();
    println!("‖x_K‖₂ ≈ {xn:.3e}; relative radius of the exact GD orbit ≈ {:.1e}", orbit.rad(steps) / xn);
    let dist = orbit.mid(steps).iter().zip(flow.mid(steps)).map(|(a, c)| (a - c) * (a - c)).sum::<f64>().sqrt();
    println!("‖x_K − y(Kh)‖₂ ≈ {dist:.3e} (midpoints; rigorous ± {:.1e})", orbit.rad(steps) + flow.rad(steps));
}
