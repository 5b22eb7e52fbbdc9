//! The SVG heat map of a map output: verified / refuted / inconclusive per cell over two
//! parameters, with the certified boundary h_lo (and h_hi) of each column drawn as curves.
//!
//! Drawing uses plotters' SVG backend without system fonts (text is emitted as SVG `<text>`).
//! Floating point here is for drawing only; the verdicts come from the output JSON.

use super::grid::rat_field;
use crate::{Error, Result};
use num_traits::ToPrimitive;
use plotters::prelude::*;
use serde_json::Value as Json;

/// Fill of a verdict cell.
fn color(verdict: &str) -> RGBColor {
    match verdict {
        "verified" => RGBColor(46, 160, 67),
        "refuted" => RGBColor(207, 34, 46),
        "inconclusive" => RGBColor(191, 191, 191),
        "not_applicable" => RGBColor(116, 169, 207),
        _ => RGBColor(255, 255, 255),
    }
}

/// A short tick label: plain decimals between 10⁻³ and 10⁴, else `1e-5`, `2.5e7`.
pub fn tick(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 || (1e-3..1e4).contains(&a) {
        let s = format!("{v:.4}");
        return s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    let s = format!("{v:.2e}");
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.'))
}

/// Cell edges around sorted centres: midpoints (geometric on a log axis), ends extended.
fn edges(c: &[f64], log: bool) -> Vec<f64> {
    let mid = |a: f64, b: f64| if log { (a * b).sqrt() } else { (a + b) / 2.0 };
    let n = c.len();
    if n == 1 {
        let w = if log { c[0] * 0.1 } else { c[0].abs().max(1.0) * 0.05 };
        return vec![c[0] - w, c[0] + w];
    }
    let mut e = Vec::with_capacity(n + 1);
    let first = if log { c[0] * c[0] / mid(c[0], c[1]) } else { 2.0 * c[0] - mid(c[0], c[1]) };
    e.push(first);
    for k in 0..n - 1 {
        e.push(mid(c[k], c[k + 1]));
    }
    let last = if log { c[n - 1] * c[n - 1] / e[n - 1] } else { 2.0 * c[n - 1] - e[n - 1] };
    e.push(last);
    e
}

fn axis_values(out: &Json, i: usize) -> (String, Vec<f64>, bool) {
    let ax = &out["axes"][i];
    let name = ax["param"].as_str().unwrap_or("?").to_string();
    let log = ax["log"].as_bool().unwrap_or(false);
    let n = ax["points"].as_u64().unwrap_or(0) as usize;
    let mut vals = vec![f64::NAN; n];
    let ny = out["axes"][1]["points"].as_u64().unwrap_or(1) as usize;
    for p in out["points"].as_array().into_iter().flatten() {
        let k = p["index"].as_u64().unwrap_or(0) as usize;
        let idx = if i == 0 { k / ny } else { k % ny };
        if let Some(v) = rat_field(&p["params"][&name]).and_then(|r| r.to_f64()) {
            if idx < n {
                vals[idx] = v;
            }
        }
    }
    (name, vals, log)
}

fn label(name: &str) -> String {
    match name {
        "lambda" => "λ (momentum)".into(),
        "h" => "h (step size)".into(),
        "a" => "a (look-ahead)".into(),
        other => format!("{other} (constant)"),
    }
}

/// Writes the SVG heat map of a complete (merged) map output for `claim` to `path`.
pub fn write_svg(out: &Json, claim: &str, path: &std::path::Path) -> Result<()> {
    if out["kind"] != "map" {
        return Err(Error::Usage("--svg needs a map (two parameters)".into()));
    }
    let (xname, xs, xlog) = axis_values(out, 0);
    let (yname, ys, ylog) = axis_values(out, 1);
    if xs.iter().chain(&ys).any(|v| !v.is_finite()) {
        return Err(Error::Usage("--svg needs every point of the map: merge the shards first".into()));
    }
    let (xe, ye) = (edges(&xs, xlog), edges(&ys, ylog));
    let (x0, x1, y0, y1) = (xe[0], xe[xe.len() - 1], ye[0], ye[ye.len() - 1]);
    let draw = |e: DrawingAreaErrorKind<std::io::Error>| Error::io(path, e);
    let root = SVGBackend::new(path, (900, 700)).into_drawing_area();
    root.fill(&WHITE).map_err(draw)?;
    let name = out["spec_name"].as_str().unwrap_or("spec");
    let caption = format!(
        "{name}: {claim} (green verified, red refuted, grey inconclusive, blue not applicable; curves h_lo, \
         h_hi; ○ the spec)"
    );
    let mut builder = ChartBuilder::on(&root);
    builder.caption(caption, ("sans-serif", 15)).margin(16).x_label_area_size(56).y_label_area_size(90);
    let own = |name: &str| rat_field(&out["spec_point"][name]).and_then(|r| r.to_f64());
    let spec_point: Vec<(f64, f64)> = match (own(&xname), own(&yname)) {
        (Some(x), Some(y)) if (x0..=x1).contains(&x) && (y0..=y1).contains(&y) => vec![(x, y)],
        _ => Vec::new(),
    };
    let ny = ys.len();
    let cell = |k: usize| (k / ny, k % ny);
    let cells: Vec<(usize, usize, RGBColor)> = out["points"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let (ix, iy) = cell(p["index"].as_u64().unwrap_or(0) as usize);
            (ix, iy, color(p["verdicts"][claim].as_str().unwrap_or("")))
        })
        .collect();
    let curve = |key: &str| -> Vec<(f64, f64)> {
        out["boundary"]["columns"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| {
                let x = rat_field(&c[&xname])?.to_f64()?;
                let y = rat_field(&c[key])?.to_f64()?;
                Some((x, y))
            })
            .collect()
    };
    macro_rules! plot {
        ($chart:expr) => {{
            let mut chart = $chart;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc(label(&xname))
                .y_desc(label(&yname))
                .x_label_formatter(&|v| tick(*v))
                .y_label_formatter(&|v| tick(*v))
                .draw()
                .map_err(draw)?;
            chart
                .draw_series(
                    cells
                        .iter()
                        .map(|&(ix, iy, c)| Rectangle::new([(xe[ix], ye[iy]), (xe[ix + 1], ye[iy + 1])], c.filled())),
                )
                .map_err(draw)?;
            chart.draw_series(LineSeries::new(curve("h_lo"), BLACK.stroke_width(2))).map_err(draw)?;
            chart.draw_series(LineSeries::new(curve("h_hi"), BLACK.stroke_width(1))).map_err(draw)?;
            for &(x, y) in &spec_point {
                chart.draw_series(std::iter::once(Circle::new((x, y), 7, WHITE.stroke_width(4)))).map_err(draw)?;
                chart.draw_series(std::iter::once(Circle::new((x, y), 7, BLACK.stroke_width(2)))).map_err(draw)?;
            }
        }};
    }
    match (xlog, ylog) {
        (false, false) => plot!(builder.build_cartesian_2d(x0..x1, y0..y1).map_err(draw)?),
        (false, true) => plot!(builder.build_cartesian_2d(x0..x1, (y0..y1).log_scale()).map_err(draw)?),
        (true, false) => plot!(builder.build_cartesian_2d((x0..x1).log_scale(), y0..y1).map_err(draw)?),
        (true, true) => plot!(builder.build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale()).map_err(draw)?),
    }
    root.present().map_err(draw)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::tick;

    #[test]
    fn tick_labels_are_short() {
        // The f64 nearest 10⁻⁴ from a log grid printed as "9.999999999999999e-5" before.
        assert_eq!(tick(9.999999999999999e-5), "1e-4");
        assert_eq!(tick(1e-5), "1e-5");
        assert_eq!(tick(0.001), "0.001");
        assert_eq!(tick(0.25), "0.25");
        assert_eq!(tick(1.0), "1");
        assert_eq!(tick(2.5e7), "2.5e7");
        assert_eq!(tick(0.0), "0");
    }
}
