//! SVG line charts of named series with optional bands: the trajectory and distance figures of
//! `--plot` (`trace.rs`), and the hook for later figures (the rate Δ against h of `ks.thm2`, the
//! manifold distance eₙ against the Theorem 5 bound): build a [`Chart`] of [`Series`] and call
//! [`Chart::write_svg`].
//!
//! Drawing uses plotters' SVG backend without system fonts (text is emitted as SVG `<text>`), as
//! the admissible map does (`admissible/plot.rs`). Floating point here is for drawing only: the
//! numbers that decide anything are in the certificates and in `certify trace --json`.

use crate::{Error, Result};
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::prelude::*;
use std::path::Path;

/// How a series' points are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// A polyline through the points.
    Line,
    /// A polyline with a small circle at every point.
    LineMarkers,
}

/// One named curve, with an optional band [lo, hi] at each of its x values (an enclosure, or a
/// target region such as [0, ε]).
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// The curve's points (x, y).
    pub points: Vec<(f64, f64)>,
    /// Per point of `points`, the band (lo, hi) drawn shaded at the same x.
    pub band: Option<Vec<(f64, f64)>>,
    /// How the points are drawn.
    pub style: Style,
}

impl Series {
    /// A polyline through `points`.
    pub fn line(name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Series { name: name.into(), points, band: None, style: Style::Line }
    }

    /// With a band (lo, hi) per point; panics unless there is one per point.
    pub fn band(mut self, band: Vec<(f64, f64)>) -> Self {
        assert_eq!(band.len(), self.points.len(), "Series::band: one (lo, hi) per point");
        self.band = Some(band);
        self
    }

    /// With the style `style`.
    pub fn styled(mut self, style: Style) -> Self {
        self.style = style;
        self
    }
}

/// A chart: title, axis labels, linear or logarithmic axes, and its series (drawn in order, bands
/// first).
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// Caption.
    pub title: String,
    /// Label of the horizontal axis.
    pub x_label: String,
    /// Label of the vertical axis.
    pub y_label: String,
    /// Logarithmic horizontal axis (non-positive values are not drawn).
    pub x_log: bool,
    /// Logarithmic vertical axis (non-positive values are not drawn; band ends are clipped).
    pub y_log: bool,
    /// The curves.
    pub series: Vec<Series>,
}

/// Colours of the series, in order (cycled).
const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

impl Chart {
    /// An empty chart with linear axes.
    pub fn new(title: impl Into<String>, x_label: impl Into<String>, y_label: impl Into<String>) -> Self {
        Chart {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            x_log: false,
            y_log: false,
            series: Vec::new(),
        }
    }

    /// With one more series.
    pub fn with(mut self, s: Series) -> Self {
        self.series.push(s);
        self
    }

    /// With logarithmic axes as given.
    pub fn log_axes(mut self, x_log: bool, y_log: bool) -> Self {
        (self.x_log, self.y_log) = (x_log, y_log);
        self
    }

    fn keep_x(&self, x: f64) -> bool {
        x.is_finite() && (!self.x_log || x > 0.0)
    }

    fn keep_y(&self, y: f64) -> bool {
        y.is_finite() && (!self.y_log || y > 0.0)
    }

    /// The data range of the drawable values, padded (5 % linear, a factor on log axes).
    fn ranges(&self) -> Option<((f64, f64), (f64, f64))> {
        let (mut xs, mut ys) = (Vec::new(), Vec::new());
        for s in &self.series {
            for (i, &(x, y)) in s.points.iter().enumerate() {
                if !self.keep_x(x) {
                    continue;
                }
                xs.push(x);
                ys.push(y);
                if let Some(b) = &s.band {
                    ys.extend([b[i].0, b[i].1]);
                }
            }
        }
        ys.retain(|&y| self.keep_y(y));
        Some((pad(&xs, self.x_log)?, pad(&ys, self.y_log)?))
    }

    /// The chart as SVG text (900 × 700). Errors when no point is drawable.
    pub fn render_svg(&self) -> std::result::Result<String, String> {
        let ((x0, x1), (y0, y1)) =
            self.ranges().ok_or_else(|| format!("{}: nothing to plot (no finite point)", self.title))?;
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (900, 700)).into_drawing_area();
            root.fill(&WHITE).map_err(|e| e.to_string())?;
            let mut builder = ChartBuilder::on(&root);
            builder.caption(&self.title, ("sans-serif", 20)).margin(16).x_label_area_size(56).y_label_area_size(80);
            let built = |e: DrawingAreaErrorKind<_>| e.to_string();
            match (self.x_log, self.y_log) {
                (false, false) => self.draw(builder.build_cartesian_2d(x0..x1, y0..y1).map_err(built)?),
                (false, true) => self.draw(builder.build_cartesian_2d(x0..x1, (y0..y1).log_scale()).map_err(built)?),
                (true, false) => self.draw(builder.build_cartesian_2d((x0..x1).log_scale(), y0..y1).map_err(built)?),
                (true, true) => {
                    self.draw(builder.build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale()).map_err(built)?)
                }
            }?;
            root.present().map_err(|e| e.to_string())?;
        }
        Ok(svg)
    }

    fn draw<'a, X, Y>(
        &self,
        mut chart: ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>,
    ) -> std::result::Result<(), String>
    where
        X: Ranged<ValueType = f64> + ValueFormatter<f64>,
        Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
    {
        let err = |e: DrawingAreaErrorKind<_>| e.to_string();
        chart
            .configure_mesh()
            .light_line_style(WHITE.mix(0.0))
            .x_label_formatter(&|v| if self.x_log { log_tick(*v) } else { tick(*v) })
            .y_label_formatter(&|v| if self.y_log { log_tick(*v) } else { tick(*v) })
            .x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .draw()
            .map_err(err)?;
        let y_floor = chart.y_range().start;
        for (i, s) in self.series.iter().enumerate() {
            let Some(band) = &s.band else { continue };
            let color = PALETTE[i % PALETTE.len()];
            let clip = |y: f64| if self.y_log { y.max(y_floor) } else { y };
            let pts: Vec<(f64, (f64, f64))> = s
                .points
                .iter()
                .zip(band)
                .filter(|((x, _), (lo, hi))| self.keep_x(*x) && lo.is_finite() && hi.is_finite())
                .map(|(&(x, _), &(lo, hi))| (x, (clip(lo), clip(hi))))
                .collect();
            if pts.is_empty() {
                continue;
            }
            let mut outline: Vec<(f64, f64)> = pts.iter().map(|&(x, (_, hi))| (x, hi)).collect();
            outline.extend(pts.iter().rev().map(|&(x, (lo, _))| (x, lo)));
            if pts.len() == 1 {
                // A band at one x: a thin vertical bar.
                outline = vec![outline[0], outline[1]];
            }
            chart.draw_series(std::iter::once(Polygon::new(outline, color.mix(0.2).filled()))).map_err(err)?;
        }
        for (i, s) in self.series.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            let pts: Vec<(f64, f64)> =
                s.points.iter().copied().filter(|&(x, y)| self.keep_x(x) && self.keep_y(y)).collect();
            chart
                .draw_series(LineSeries::new(pts.iter().copied(), color.stroke_width(2)))
                .map_err(err)?
                .label(s.name.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(2)));
            if s.style == Style::LineMarkers {
                chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled()))).map_err(err)?;
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(err)?;
        Ok(())
    }

    /// Writes the chart to `path` (through a temporary file, then rename).
    pub fn write_svg(&self, path: &Path) -> Result<()> {
        let svg = self.render_svg().map_err(|e| Error::io(path, e))?;
        let tmp = path.with_extension("svg.tmp~");
        std::fs::write(&tmp, svg).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
    }
}

/// A tick label: shortest round-trip text, without a trailing `.0`, in exponent form when very
/// small or large.
fn tick(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if (1e-3..1e6).contains(&v.abs()) {
        let s = format!("{:.6}", v);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        // 1.500e-10 ↦ 1.5e-10, 1.000e-10 ↦ 1e-10.
        let s = format!("{v:.3e}");
        let (mantissa, exponent) = s.split_once('e').expect("exponent form");
        format!("{}e{exponent}", mantissa.trim_end_matches('0').trim_end_matches('.'))
    }
}

/// A tick label on a logarithmic axis: only at 1, 2 and 5 times a power of ten (plotters puts a
/// tick at every integer multiple, whose labels overlap near the top of each decade).
fn log_tick(v: f64) -> String {
    let mantissa = v.abs() / 10f64.powf(v.abs().log10().floor());
    if [1.0, 2.0, 5.0, 10.0].iter().any(|m| (mantissa - m).abs() < 1e-6 * m) {
        tick(v)
    } else {
        String::new()
    }
}

/// [min, max] of `v` padded: 5 % of the width on a linear axis (±1 %·|v| or ±1 when flat), a factor
/// 1.2 on a log axis (10 when flat). `None` when `v` is empty.
fn pad(v: &[f64], log: bool) -> Option<(f64, f64)> {
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if lo > hi {
        return None;
    }
    Some(if log {
        let f = if hi > lo * 1.000_001 { 1.2 } else { 10.0 };
        (lo / f, hi * f)
    } else if hi > lo {
        let w = 0.05 * (hi - lo);
        (lo - w, hi + w)
    } else {
        let w = if lo == 0.0 { 1.0 } else { 0.01 * lo.abs() };
        (lo - w, hi + w)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_axes_label_only_one_two_five_per_decade() {
        assert_eq!(log_tick(1e-4), tick(1e-4));
        assert_eq!(log_tick(2e-3), "0.002");
        assert_eq!(log_tick(5.0), "5");
        assert_eq!(log_tick(100.0), "100");
        assert_eq!(log_tick(3e-4), "");
        assert_eq!(log_tick(7.0), "");
        assert_eq!(log_tick(9e-4), "");
        assert_eq!(tick(1e-10), "1e-10");
        assert_eq!(tick(2.5e7), "2.5e7");
        assert_eq!(tick(-1.25e-5), "-1.25e-5");
    }

    #[test]
    fn charts_render_polylines_bands_and_legends() {
        let pts: Vec<(f64, f64)> = (0..50).map(|k| (f64::from(k), (-0.1 * f64::from(k)).exp())).collect();
        let band = pts.iter().map(|&(_, y)| (0.9 * y, 1.1 * y)).collect();
        let chart = Chart::new("decay", "k", "y")
            .with(Series::line("e^{-k/10}", pts.clone()).band(band))
            .with(Series::line("ε", vec![(0.0, 0.5), (49.0, 0.5)]).styled(Style::LineMarkers));
        for (xl, yl) in [(false, false), (false, true), (true, true)] {
            let svg = chart.clone().log_axes(xl, yl).render_svg().unwrap();
            assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
            assert!(svg.contains("<polyline") && svg.contains("<polygon") && svg.contains("<circle"));
            assert!(svg.contains("e^{-k/10}") && svg.contains("decay"));
        }
        let empty = Chart::new("nothing", "x", "y").with(Series::line("none", vec![(0.0, 0.0)])).log_axes(true, true);
        assert!(empty.render_svg().unwrap_err().contains("nothing to plot"));
    }
}
