//! Taylor-mode arithmetic on interval series: the automatic Taylor coefficients of the validated
//! flows (`crate::nonlinear`).
//!
//! A series a(t) = Σₖ aₖtᵏ is the vector of its coefficients a₀, a₁, … (intervals). Every function
//! here computes **one** coefficient: `*_next` pushes coefficient k = `out.len()` of the result,
//! given the coefficients 0..=k of the arguments and 0..k of the result (and of its auxiliary
//! series). Evaluating a straight-line program order by order this way costs O(p²) per nonlinear
//! operation for p orders (Taylor-mode automatic differentiation; Griewank & Walther, *Evaluating
//! Derivatives*, §13.2), and lets an ODE solver feed coefficient k of the solution back in before
//! asking for coefficient k of the vector field.
//!
//! # Recurrences (k ≥ 1; coefficient 0 is the function of a₀)
//! * c = a·b: cₖ = Σⱼ₌₀ᵏ aⱼbₖ₋ⱼ; c = a²: the same sum folded symmetrically (tighter: squares are ≥ 0).
//! * q = a/b: qₖ = (aₖ − Σⱼ₌₁ᵏ bⱼqₖ₋ⱼ)/b₀.
//! * e = exp a: eₖ = (1/k) Σⱼ₌₁ᵏ j aⱼ eₖ₋ⱼ (from e′ = a′e).
//! * l = log a: lₖ = (aₖ − (1/k) Σⱼ₌₁ᵏ⁻¹ j lⱼ aₖ₋ⱼ)/a₀ (from a·l′ = a′).
//! * s = √a: sₖ = (aₖ − Σⱼ₌₁ᵏ⁻¹ sⱼsₖ₋ⱼ)/(2s₀) (from s² = a).
//! * s = sin a, c = cos a: sₖ = (1/k) Σ j aⱼcₖ₋ⱼ, cₖ = −(1/k) Σ j aⱼsₖ₋ⱼ.
//! * t = tanh a, with u = 1 − t²: tₖ = (1/k) Σ j aⱼuₖ₋ⱼ (from t′ = (1 − t²)a′).
//! * s = σ(a) = 1/(1 + e⁻ᵃ), with v = s − s²: sₖ = (1/k) Σ j aⱼvₖ₋ⱼ (from σ′ = σ(1 − σ)).
//!
//! # Domains
//! As in `crate::program`: a result is the whole line (`ENTIRE`) where the function is not
//! defined and smooth on the whole range of a₀ (log or √ of a range reaching 0, a division by a
//! range containing 0); an empty result is replaced by `ENTIRE` too. So an enclosure is never
//! computed on the defined part only, and an unbounded coefficient makes the caller inconclusive.
//!
//! Enclosure: rigorous (each coefficient is an interval expression in the arguments' coefficients,
//! every operation inari's with outward rounding). Tightness: the recurrences' natural interval
//! extension; on point arguments the coefficients are a few ulps wide.

use crate::elementary::{sigmoid_at, Elementary};
use inari::{const_interval, Interval};

const ZERO: Interval = const_interval!(0.0, 0.0);
const ONE: Interval = const_interval!(1.0, 1.0);
const TWO: Interval = const_interval!(2.0, 2.0);

/// The exact integer `k` as a point interval (k < 2⁵³).
fn int(k: usize) -> Interval {
    let x = k as f64;
    Interval::try_from((x, x)).expect("a small integer is a point interval")
}

/// `x`, or `ENTIRE` when x is empty (the domain rule above).
fn sane(x: Interval) -> Interval {
    if x.is_empty() {
        Interval::ENTIRE
    } else {
        x
    }
}

/// a / b, `ENTIRE` when b contains 0.
fn safe_div(a: Interval, b: Interval) -> Interval {
    if b.contains(0.0) || b.is_empty() {
        Interval::ENTIRE
    } else {
        sane(a / b)
    }
}

/// Enclosures of σ at the two ends of a non-empty interval (0 or 1 at an infinite end).
fn sigma_ends(a: Interval) -> (Interval, Interval) {
    let lo = sigmoid_at(a.inf());
    (lo, if a.inf() == a.sup() { lo } else { sigmoid_at(a.sup()) })
}

/// σ(a) = 1/(1 + e⁻ᵃ) over an interval: σ is increasing, so the hull of the enclosures at the ends.
///
/// Enclosure: rigorous. Tightness: tightest up to the rounding of three operations per end.
pub fn sigma(a: Interval) -> Interval {
    if a.is_empty() {
        return Interval::ENTIRE;
    }
    let (lo, hi) = sigma_ends(a);
    lo.convex_hull(hi)
}

/// σ′(a) = σ(a)(1 − σ(a)) over an interval, with its maximum 1/4 at 0.
///
/// Enclosure: rigorous. Tightness: σ′ is unimodal, so the hull of the ends (and 1/4 if 0 ∈ a).
pub fn sigma_prime(a: Interval) -> Interval {
    if a.is_empty() {
        return Interval::ENTIRE;
    }
    sigma_prime_from_ends(a, sigma_ends(a))
}

fn sigma_prime_from_ends(a: Interval, (lo, hi): (Interval, Interval)) -> Interval {
    let q = |s: Interval| (s * (ONE - s)).intersection(const_interval!(0.0, 0.25));
    let r = q(lo).convex_hull(q(hi));
    if a.contains(0.0) {
        r.convex_hull(const_interval!(0.25, 0.25))
    } else {
        r
    }
}

/// Σⱼ₌₀ᵏ aⱼbₖ₋ⱼ. Enclosure: rigorous.
pub fn mul_coef(a: &[Interval], b: &[Interval], k: usize) -> Interval {
    (0..=k).fold(ZERO, |s, j| a[j].mul_add(b[k - j], s))
}

/// Coefficient k of a²: 2Σⱼ<ₖ₋ⱼ aⱼaₖ₋ⱼ + a²ₖ/₂ (k even). Enclosure: rigorous. Tightness: the
/// middle term is a square (≥ 0), tighter than [`mul_coef`] of a with itself.
pub fn sqr_coef(a: &[Interval], k: usize) -> Interval {
    let mut s = ZERO;
    for j in 0..k.div_ceil(2) {
        s = a[j].mul_add(a[k - j], s);
    }
    s = TWO * s;
    if k % 2 == 0 {
        s += a[k / 2].sqr();
    }
    s
}

/// Σⱼ₌₁ᵏ j·aⱼ·bₖ₋ⱼ / k (k ≥ 1): the coefficient k of g with g′ = a′b. Enclosure: rigorous.
fn weighted(a: &[Interval], b: &[Interval], k: usize) -> Interval {
    (1..=k).fold(ZERO, |s, j| (int(j) * a[j]).mul_add(b[k - j], s)) / int(k)
}

/// Pushes coefficient k = `out.len()` of a·b.
pub fn mul_next(a: &[Interval], b: &[Interval], out: &mut Vec<Interval>) {
    let k = out.len();
    out.push(sane(mul_coef(a, b, k)));
}

/// Pushes coefficient k = `out.len()` of a².
pub fn sqr_next(a: &[Interval], out: &mut Vec<Interval>) {
    let k = out.len();
    out.push(sane(sqr_coef(a, k)));
}

/// Pushes coefficient k = `q.len()` of a/b (`ENTIRE` when b₀ contains 0).
pub fn div_next(a: &[Interval], b: &[Interval], q: &mut Vec<Interval>) {
    let k = q.len();
    let s = (1..=k).fold(a[k], |s, j| s - b[j] * q[k - j]);
    q.push(safe_div(s, b[0]));
}

/// Pushes coefficient k = `q.len()` of 1/b.
pub fn recip_next(b: &[Interval], q: &mut Vec<Interval>) {
    let k = q.len();
    let s = (1..=k).fold(if k == 0 { ONE } else { ZERO }, |s, j| s - b[j] * q[k - j]);
    q.push(safe_div(s, b[0]));
}

/// Pushes coefficient k = `e.len()` of exp a.
pub fn exp_next(a: &[Interval], e: &mut Vec<Interval>) {
    let k = e.len();
    e.push(sane(if k == 0 { a[0].exp() } else { weighted(a, e, k) }));
}

/// Pushes coefficient k = `l.len()` of log a (`ENTIRE` unless a₀ > 0).
pub fn log_next(a: &[Interval], l: &mut Vec<Interval>) {
    let k = l.len();
    if a[0].inf() <= 0.0 {
        l.push(Interval::ENTIRE);
        return;
    }
    if k == 0 {
        l.push(sane(a[0].ln()));
        return;
    }
    let s = (1..k).fold(ZERO, |s, j| (int(j) * l[j]).mul_add(a[k - j], s)) / int(k);
    l.push(safe_div(a[k] - s, a[0]));
}

/// Pushes coefficient k = `s.len()` of √a (`ENTIRE` unless a₀ > 0: the derivatives need it).
pub fn sqrt_next(a: &[Interval], s: &mut Vec<Interval>) {
    let k = s.len();
    if a[0].inf() <= 0.0 {
        s.push(Interval::ENTIRE);
        return;
    }
    if k == 0 {
        s.push(sane(a[0].sqrt()));
        return;
    }
    let sum = (1..k).fold(ZERO, |acc, j| s[j].mul_add(s[k - j], acc));
    s.push(safe_div(a[k] - sum, TWO * s[0]));
}

/// Pushes coefficient k = `s.len()` (= `c.len()`) of sin a and of cos a.
pub fn sin_cos_next(a: &[Interval], s: &mut Vec<Interval>, c: &mut Vec<Interval>) {
    let k = s.len();
    assert_eq!(k, c.len(), "sin_cos_next: the sine and cosine series must have equal lengths");
    if k == 0 {
        s.push(sane(a[0].sin()));
        c.push(sane(a[0].cos()));
        return;
    }
    let sk = weighted(a, c, k);
    let ck = -weighted(a, s, k);
    s.push(sane(sk));
    c.push(sane(ck));
}

/// Pushes coefficient k = `t.len()` of tanh a, and of its auxiliary series u = 1 − t².
pub fn tanh_next(a: &[Interval], t: &mut Vec<Interval>, u: &mut Vec<Interval>) {
    let k = t.len();
    assert_eq!(k, u.len(), "tanh_next: the auxiliary series must have the same length");
    if k == 0 {
        let t0 = sane(a[0].tanh());
        t.push(t0);
        // 1 − tanh² over the range, kept in [0, 1].
        u.push((ONE - t0.sqr()).intersection(const_interval!(0.0, 1.0)));
        return;
    }
    t.push(sane(weighted(a, u, k)));
    u.push(sane(-sqr_coef(t, k)));
}

/// Pushes coefficient k = `s.len()` of σ(a), and of its auxiliary series v = σ(1 − σ) = σ − σ².
pub fn sigma_next(a: &[Interval], s: &mut Vec<Interval>, v: &mut Vec<Interval>) {
    let k = s.len();
    assert_eq!(k, v.len(), "sigma_next: the auxiliary series must have the same length");
    if k == 0 {
        if a[0].is_empty() {
            s.push(Interval::ENTIRE);
            v.push(Interval::ENTIRE);
            return;
        }
        let ends = sigma_ends(a[0]);
        s.push(ends.0.convex_hull(ends.1));
        v.push(sigma_prime_from_ends(a[0], ends));
        return;
    }
    s.push(sane(weighted(a, v, k)));
    v.push(sane(s[k] - sqr_coef(s, k)));
}

/// A truncated Taylor series with interval coefficients, for whole-series arithmetic (each
/// operation runs the `*_next` recurrences to the common length): what the tests compare with
/// exact rational series.
#[cfg(test)]
#[derive(Clone, Debug, PartialEq)]
pub struct Series(pub Vec<Interval>);

#[cfg(test)]
impl Series {
    /// The constant series c + 0·t + … of `len` coefficients.
    pub fn constant(c: Interval, len: usize) -> Self {
        let mut v = vec![ZERO; len.max(1)];
        v[0] = c;
        Series(v)
    }

    /// Number of coefficients.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no coefficients.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The coefficients.
    pub fn coefs(&self) -> &[Interval] {
        &self.0
    }

    fn unary(&self, f: impl Fn(&[Interval], &mut Vec<Interval>)) -> Series {
        let mut out = Vec::with_capacity(self.len());
        while out.len() < self.len() {
            f(&self.0, &mut out);
        }
        Series(out)
    }

    fn binary(&self, o: &Series, f: impl Fn(&[Interval], &[Interval], &mut Vec<Interval>)) -> Series {
        assert_eq!(self.len(), o.len(), "Series: lengths differ");
        let mut out = Vec::with_capacity(self.len());
        while out.len() < self.len() {
            f(&self.0, &o.0, &mut out);
        }
        Series(out)
    }

    /// a + b, coefficientwise. Enclosure: rigorous.
    pub fn add(&self, o: &Series) -> Series {
        Series(self.0.iter().zip(&o.0).map(|(a, b)| a + b).collect())
    }

    /// a − b, coefficientwise. Enclosure: rigorous.
    pub fn sub(&self, o: &Series) -> Series {
        Series(self.0.iter().zip(&o.0).map(|(a, b)| a - b).collect())
    }

    /// a·b. Enclosure: rigorous.
    pub fn mul(&self, o: &Series) -> Series {
        self.binary(o, mul_next)
    }

    /// a/b. Enclosure: rigorous.
    pub fn div(&self, o: &Series) -> Series {
        self.binary(o, div_next)
    }

    /// aⁿ for an integer n (negative: 1/a^|n|), by repeated multiplication. Enclosure: rigorous.
    pub fn powi(&self, n: i32) -> Series {
        let mut p = Series::constant(ONE, self.len());
        for _ in 0..n.unsigned_abs() {
            p = p.mul(self);
        }
        if n < 0 {
            p.unary(recip_next)
        } else {
            p
        }
    }

    /// exp a. Enclosure: rigorous.
    pub fn exp(&self) -> Series {
        self.unary(exp_next)
    }

    /// log a. Enclosure: rigorous.
    pub fn log(&self) -> Series {
        self.unary(log_next)
    }

    /// √a. Enclosure: rigorous.
    pub fn sqrt(&self) -> Series {
        self.unary(sqrt_next)
    }

    /// (sin a, cos a). Enclosure: rigorous.
    pub fn sin_cos(&self) -> (Series, Series) {
        let (mut s, mut c) = (Vec::new(), Vec::new());
        while s.len() < self.len() {
            sin_cos_next(&self.0, &mut s, &mut c);
        }
        (Series(s), Series(c))
    }

    /// tanh a. Enclosure: rigorous.
    pub fn tanh(&self) -> Series {
        let (mut t, mut u) = (Vec::new(), Vec::new());
        while t.len() < self.len() {
            tanh_next(&self.0, &mut t, &mut u);
        }
        Series(t)
    }

    /// σ(a). Enclosure: rigorous.
    pub fn sigma(&self) -> Series {
        let (mut s, mut v) = (Vec::new(), Vec::new());
        while s.len() < self.len() {
            sigma_next(&self.0, &mut s, &mut v);
        }
        Series(s)
    }
}

/// A vector function evaluated along a series one order at a time (Taylor mode): call k of
/// [`SeriesMap::push`] takes coefficient k of every argument coordinate and returns coefficient k of
/// every value coordinate.
pub trait SeriesMap {
    /// Takes the argument's coefficient k (k = number of earlier calls), returns the value's.
    ///
    /// Enclosure: rigorous: the returned intervals contain coefficient k of the value series for
    /// every argument series whose coefficients lie in the intervals passed so far.
    fn push(&mut self, arg: &[Interval]) -> Vec<Interval>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::Rat;
    use crate::interval::rat_to_interval;
    use num_traits::{One, Zero};

    type I = Interval;

    /// Exact rational series, truncated to `n` coefficients.
    fn rmul(a: &[Rat], b: &[Rat]) -> Vec<Rat> {
        (0..a.len()).map(|k| (0..=k).fold(Rat::zero(), |s, j| s + &a[j] * &b[k - j])).collect()
    }

    /// Long division a/b (b₀ ≠ 0), exact.
    fn rdiv(a: &[Rat], b: &[Rat]) -> Vec<Rat> {
        let mut q: Vec<Rat> = Vec::new();
        for k in 0..a.len() {
            let s = (1..=k).fold(a[k].clone(), |s, j| s - &b[j] * &q[k - j]);
            q.push(s / &b[0]);
        }
        q
    }

    /// Σₘ cₘ pᵐ for a series p with p₀ = 0 (composition with a power series), exact.
    fn compose(c: &[Rat], p: &[Rat]) -> Vec<Rat> {
        assert!(p[0].is_zero());
        let n = p.len();
        let mut out = vec![Rat::zero(); n];
        let mut pm = vec![Rat::zero(); n];
        pm[0] = Rat::one();
        for cm in c.iter().take(n) {
            for k in 0..n {
                out[k] += cm * &pm[k];
            }
            pm = rmul(&pm, p);
        }
        out
    }

    fn factorials(n: usize) -> Vec<Rat> {
        let mut f = vec![Rat::one()];
        for m in 1..n {
            let next = &f[m - 1] * Rat::from_integer(m.into());
            f.push(next);
        }
        f
    }

    fn q(n: i64, d: i64) -> Rat {
        Rat::new(n.into(), d.into())
    }

    struct Lcg(u64);
    impl Lcg {
        fn rat(&mut self) -> Rat {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            q(((self.0 >> 33) % 2001) as i64 - 1000, 777)
        }
    }

    fn to_series(p: &[Rat]) -> Series {
        Series(p.iter().map(rat_to_interval).collect())
    }

    fn interval_contains_rat(x: &Interval, r: &Rat) -> bool {
        let e = crate::interval::exact;
        !x.is_empty()
            && (x.inf() == f64::NEG_INFINITY || e(x.inf()).is_some_and(|lo| lo <= *r))
            && (x.sup() == f64::INFINITY || e(x.sup()).is_some_and(|hi| *r <= hi))
    }

    /// Every coefficient of `s` contains the exact one and is narrow; a shifted value is outside.
    fn assert_encloses(s: &Series, exact: &[Rat], what: &str) {
        for (k, (iv, e)) in s.coefs().iter().zip(exact).enumerate() {
            assert!(interval_contains_rat(iv, e), "{what}: coefficient {k}: {iv:?} vs {e}");
            let scale = iv.mag().max(1.0);
            // Recurrences amplify the rounding of the lower coefficients (most for 1/a³): 1e-10.
            assert!(iv.wid() <= 1e-10 * scale, "{what}: coefficient {k} too wide: {iv:?}");
            assert!(!interval_contains_rat(iv, &(e + q(1, 1_000_000_000))), "{what}: coefficient {k} not tight");
        }
    }

    #[test]
    fn series_functions_match_exact_rational_series() {
        const N: usize = 12;
        let fact = factorials(2 * N + 2);
        // Power series of exp, sin, cos, log(1 + x), √(1 + x) (binomial), in exact rationals.
        let exp_c: Vec<Rat> = (0..N).map(|m| Rat::one() / &fact[m]).collect();
        let sin_c: Vec<Rat> = (0..N)
            .map(|m| {
                if m % 2 == 1 {
                    Rat::from_integer(if m % 4 == 1 { 1 } else { -1 }.into()) / &fact[m]
                } else {
                    Rat::zero()
                }
            })
            .collect();
        let cos_c: Vec<Rat> = (0..N)
            .map(|m| {
                if m % 2 == 0 {
                    Rat::from_integer(if m % 4 == 0 { 1 } else { -1 }.into()) / &fact[m]
                } else {
                    Rat::zero()
                }
            })
            .collect();
        let log_c: Vec<Rat> =
            (0..N).map(|m| if m == 0 { Rat::zero() } else { q(if m % 2 == 1 { 1 } else { -1 }, m as i64) }).collect();
        let mut sqrt_c = vec![Rat::one()];
        for m in 1..N {
            let prev = sqrt_c[m - 1].clone();
            sqrt_c.push(
                prev * (q(1, 2) - Rat::from_integer((m as i64 - 1).into())) / Rat::from_integer((m as i64).into()),
            );
        }
        let mut g = Lcg(99);
        for trial in 0..20 {
            // p(t) = p₁t + p₂t² + p₃t³ (p₀ = 0), random rationals, truncated to N coefficients.
            let mut p = vec![Rat::zero(); N];
            for c in p.iter_mut().take(4).skip(1) {
                *c = g.rat();
            }
            let ps = to_series(&p);
            let what = |f: &str| format!("{f} trial {trial}");
            assert_encloses(&ps.exp(), &compose(&exp_c, &p), &what("exp"));
            let (s, c) = ps.sin_cos();
            assert_encloses(&s, &compose(&sin_c, &p), &what("sin"));
            assert_encloses(&c, &compose(&cos_c, &p), &what("cos"));
            // log(1 + p), √(1 + p).
            let mut one_p = p.clone();
            one_p[0] = Rat::one();
            assert_encloses(&to_series(&one_p).log(), &compose(&log_c, &p), &what("log"));
            assert_encloses(&to_series(&one_p).sqrt(), &compose(&sqrt_c, &p), &what("sqrt"));
            // tanh p = (e^{2p} − 1)/(e^{2p} + 1); σ(p) = 1/(1 + e^{−p}), by exact long division.
            let two_p: Vec<Rat> = p.iter().map(|x| x * Rat::from_integer(2.into())).collect();
            let e2 = compose(&exp_c, &two_p);
            let mut num = e2.clone();
            num[0] -= Rat::one();
            let mut den = e2;
            den[0] += Rat::one();
            assert_encloses(&ps.tanh(), &rdiv(&num, &den), &what("tanh"));
            let neg_p: Vec<Rat> = p.iter().map(|x| -x).collect();
            let mut den = compose(&exp_c, &neg_p);
            den[0] += Rat::one();
            let mut one = vec![Rat::zero(); N];
            one[0] = Rat::one();
            assert_encloses(&ps.sigma(), &rdiv(&one, &den), &what("sigma"));
            // Products, quotients and powers of a series with a non-zero constant term.
            let mut a = p.clone();
            a[0] = g.rat() + q(3, 1);
            let a_s = to_series(&a);
            assert_encloses(&a_s.mul(&ps), &rmul(&a, &p), &what("mul"));
            assert_encloses(&ps.div(&a_s), &rdiv(&p, &a), &what("div"));
            let a3 = rmul(&rmul(&a, &a), &a);
            assert_encloses(&a_s.powi(3), &a3, &what("pow 3"));
            assert_encloses(&a_s.powi(-3), &rdiv(&one, &a3), &what("pow -3"));
        }
    }

    #[test]
    fn domains_give_the_whole_line() {
        let a = Series(vec![I::try_from((-1.0, 1.0)).unwrap(), I::try_from((1.0, 1.0)).unwrap()]);
        assert!(a.log().coefs().iter().all(|c| *c == I::ENTIRE));
        assert!(a.sqrt().coefs().iter().all(|c| *c == I::ENTIRE));
        assert!(Series::constant(ONE, 2).div(&a).coefs().iter().all(|c| *c == I::ENTIRE));
        assert!(a.powi(-1).coefs().iter().all(|c| *c == I::ENTIRE));
        // σ and σ′ over a range: the true extremes are inside.
        let r = I::try_from((-1.0, 2.0)).unwrap();
        let (s, sp) = (sigma(r), sigma_prime(r));
        assert!(s.contains(1.0 / (1.0 + 1f64.exp())) && s.contains(1.0 / (1.0 + (-2f64).exp())));
        assert!(sp.contains(0.25) && sp.sup() <= 0.25 && sp.inf() > 0.1);
        assert!(sigma(I::try_from((f64::NEG_INFINITY, 0.0)).unwrap()).contains(0.0));
    }
}
