//! Donut charts: the parts of one series as ring segments, the largest shares labelled beside
//! the ring, every part with value and share in the legend below.

use std::f64::consts::PI;

use super::input::Data;
use super::layout::{MARGIN, WIDTH};
use super::legend::Legend;
use super::surface::{
    palette, px, Align, Hatch, Marker, Point, SeriesStyle, Svg, Valign, AXIS, GRID, PALETTE, PAPER,
    TEXT,
};
use super::text::{self, LABEL, LABEL_BOLD, LINE, VALUE};
use super::{Problem, Res};
use crate::format::{self, PercentStyle};
use crate::model::{Chart, ValueFormat};

const RING_CY: i32 = 170;
const RING_OUTER: f64 = 125.0;
const RING_INNER: f64 = 72.0;
/// Height of the ring with its labels; the legend follows below.
const RING_AREA: i32 = 340;
const RING_LABEL_WIDTH: i32 = 190;

/// Where the ring stands: its centre moves right and the canvas widens when a label has an
/// unbreakable word wider than the label column.
#[derive(Clone, Copy)]
struct Geometry {
    cx: i32,
    width: i32,
}

impl Geometry {
    fn point(self, radius: f64, angle: f64) -> Point {
        (
            px(f64::from(self.cx) + radius * angle.cos()),
            px(f64::from(RING_CY) + radius * angle.sin()),
        )
    }
}

/// A segment label beside the ring.
struct RingLabel {
    /// Category index.
    index: usize,
    lines: Vec<String>,
    share: f64,
    angle: f64,
    y: i32,
    right: bool,
}

impl RingLabel {
    fn height(&self) -> i32 {
        text::lines_height(self.lines.len())
    }
}

pub(super) fn draw(chart: &Chart, data: &Data) -> Res<String> {
    if data.values.len() > 1 {
        return Err(Problem::RingSeries {
            names: data.names.clone(),
        });
    }
    let values: Vec<Option<f64>> = data.values.first().cloned().unwrap_or_default();
    for (category, value) in data.categories.iter().zip(&values) {
        if let Some(value) = value.filter(|v| *v < 0.0) {
            return Err(Problem::Negative {
                category: category.clone(),
                value: chart.format.number(value)?,
            });
        }
    }
    let total: f64 = values.iter().flatten().sum();
    if !total.is_finite() {
        return Err(Problem::Range);
    }
    let count = data.categories.len();
    let legend = legend(chart, data, &values, total)?;
    let (segments, candidates) = segments(&values, total);
    let placed = side_labels(data, &candidates)?;
    let widest = placed
        .iter()
        .map(|label| text::widest(&label.lines, LABEL_BOLD))
        .max()
        .unwrap_or(0);
    let extra = (widest - RING_LABEL_WIDTH).max(0);
    let geometry = Geometry {
        cx: WIDTH / 2 + extra,
        width: (WIDTH + 2 * extra).max(legend.right_edge() + 2 * MARGIN),
    };
    let height = RING_AREA + legend.height + 2 * MARGIN;

    let mut svg = Svg::new();
    if segments.is_empty() {
        // Nothing to divide: a grey ring and a note in its middle.
        svg.polygon(&annulus(geometry, -PI / 2.0, 1.5 * PI), GRID);
        let note = if count == 0 || values.iter().all(Option::is_none) {
            data.empty_note()
        } else {
            "Alle Werte sind 0".to_string()
        };
        center_text(&mut svg, geometry, &note);
    } else {
        draw_segments(&mut svg, geometry, &segments, count);
        let complete = values.iter().all(Option::is_some);
        if complete && chart.format != ValueFormat::Prozent {
            draw_total(&mut svg, geometry, &chart.format.number(total)?);
        }
    }
    for label in &placed {
        draw_label(&mut svg, geometry, label);
    }
    legend.draw(&mut svg, (MARGIN, RING_AREA));
    Ok(svg.finish(geometry.width, height))
}

/// The labels beside the ring, on both sides, wrapped and placed without overlap.
fn side_labels(data: &Data, candidates: &[RingLabel]) -> Res<Vec<RingLabel>> {
    let mut placed: Vec<RingLabel> = Vec::new();
    for right in [true, false] {
        let mut side: Vec<RingLabel> = candidates
            .iter()
            .filter(|label| label.right == right)
            .map(|label| RingLabel {
                lines: Vec::new(),
                ..*label
            })
            .collect();
        // Each side holds only so many labels: the largest shares win; the legend still
        // lists every share.
        let per_side = usize::try_from((RING_AREA - 2 * MARGIN) / (2 * LINE + 4)).unwrap_or(1);
        side.sort_by(|a, b| b.share.total_cmp(&a.share).then(a.index.cmp(&b.index)));
        side.truncate(per_side);
        for label in &mut side {
            let name = data
                .categories
                .get(label.index)
                .cloned()
                .unwrap_or_default();
            let mut lines = text::wrap(&name, LABEL, RING_LABEL_WIDTH);
            lines.push(format::percent(label.share, 1, PercentStyle::Sign)?);
            label.lines = lines;
        }
        placed.extend(place_ring_labels(side));
    }
    Ok(placed)
}

/// Legend entries "name: value (share)", in two columns when they are short.
fn legend(chart: &Chart, data: &Data, values: &[Option<f64>], total: f64) -> Res<Legend> {
    let count = data.categories.len();
    let mut items: Vec<(String, SeriesStyle)> = Vec::with_capacity(count);
    for (index, (name, value)) in data.categories.iter().zip(values).enumerate() {
        let text = match value {
            None => {
                let point = chart
                    .series
                    .first()
                    .map_or(crate::model::Point::Open, |s| s.point(index));
                format!("{name}: {}", point.in_text(chart.format))
            }
            Some(value) => {
                let shown = chart.format.number(*value)?;
                match format::share(*value, total) {
                    Some(share) if chart.format != ValueFormat::Prozent => format!(
                        "{name}: {shown} ({})",
                        format::percent(share, 1, PercentStyle::Sign)?
                    ),
                    _ => format!("{name}: {shown}"),
                }
            }
        };
        items.push((text, ring_style(index, count)));
    }
    let full_width = WIDTH - 2 * MARGIN;
    let widest = items
        .iter()
        .map(|(text, _)| 20 + text::width(text, LABEL))
        .max()
        .unwrap_or(0);
    let columns = if widest <= full_width / 2 - 18 { 2 } else { 1 };
    Ok(Legend::new(&items, full_width, false, columns))
}

/// Segments `(category, start, end)` and a label candidate for each.
fn segments(values: &[Option<f64>], total: f64) -> (Vec<(usize, f64, f64)>, Vec<RingLabel>) {
    let mut segments = Vec::new();
    let mut candidates = Vec::new();
    if total <= 0.0 {
        return (segments, candidates);
    }
    let mut cumulative = 0.0;
    for (index, value) in values.iter().enumerate() {
        let Some(value) = value else { continue };
        let start = -PI / 2.0 + 2.0 * PI * cumulative / total;
        cumulative += value;
        let end = -PI / 2.0 + 2.0 * PI * cumulative / total;
        if *value <= 0.0 {
            continue;
        }
        segments.push((index, start, end));
        let angle = (start + end) / 2.0;
        candidates.push(RingLabel {
            index,
            lines: Vec::new(),
            share: value / total * 100.0,
            angle,
            y: 0,
            right: angle.cos() >= -1e-9,
        });
    }
    (segments, candidates)
}

fn draw_segments(svg: &mut Svg, geometry: Geometry, segments: &[(usize, f64, f64)], count: usize) {
    for (index, start, end) in segments {
        let style = ring_style(*index, count);
        svg.polygon(&annulus(geometry, *start, *end), style.colour);
        ring_stripes(svg, geometry, style.hatch, *start, *end);
    }
    if segments.len() > 1 && segments.len() <= 72 {
        for (_, start, _) in segments {
            svg.path(
                &[
                    geometry.point(RING_INNER - 1.0, *start),
                    geometry.point(RING_OUTER + 1.0, *start),
                ],
                PAPER,
                2,
                None,
            );
        }
    }
}

fn draw_total(svg: &mut Svg, geometry: Geometry, total: &str) {
    if text::width(total, LABEL_BOLD) > px(2.0 * RING_INNER) - 14 {
        return;
    }
    let cx = geometry.cx;
    svg.text(
        "Insgesamt",
        (cx, RING_CY - 2),
        VALUE,
        TEXT,
        (Align::Middle, Valign::Bottom),
    );
    svg.text(
        total,
        (cx, RING_CY + 2),
        LABEL_BOLD,
        TEXT,
        (Align::Middle, Valign::Top),
    );
}

fn draw_label(svg: &mut Svg, geometry: Geometry, label: &RingLabel) {
    let column = px(RING_OUTER) + 30;
    let cx = geometry.cx;
    let (x, align, elbow) = if label.right {
        (cx + column, Align::Start, cx + column - 6)
    } else {
        (cx - column, Align::End, cx - column + 6)
    };
    let line_y = label.y + LINE / 2;
    svg.path(
        &[
            geometry.point(RING_OUTER + 3.0, label.angle),
            (elbow, line_y),
        ],
        AXIS,
        1,
        None,
    );
    let count = label.lines.len();
    for (row, line) in label.lines.iter().enumerate() {
        let font = if row + 1 == count { LABEL_BOLD } else { LABEL };
        let y = label.y + text::lines_height(row);
        svg.text(line, (x, y), font, TEXT, (align, Valign::Top));
    }
}

/// Outline of a ring segment from `start` to `end` (radians, clockwise on screen).
fn annulus(geometry: Geometry, start: f64, end: f64) -> Vec<Point> {
    let sweep = end - start;
    let steps = (sweep.abs() / (PI / 180.0)).ceil().clamp(1.0, 720.0) as usize;
    let mut points = Vec::with_capacity(2 * steps + 2);
    for step in 0..=steps {
        points.push(geometry.point(RING_OUTER, start + sweep * step as f64 / steps as f64));
    }
    for step in (0..=steps).rev() {
        points.push(geometry.point(RING_INNER, start + sweep * step as f64 / steps as f64));
    }
    points
}

/// Style of ring segment `index` of `count`. Colours repeat after six categories, so later
/// rounds add white stripes (concentric arcs, then spokes); the last segment must not repeat
/// the colour of the first, its neighbour.
pub(super) fn ring_style(index: usize, count: usize) -> SeriesStyle {
    let colour = if count > 1 && index + 1 == count && index.is_multiple_of(PALETTE.len()) {
        palette(2)
    } else {
        palette(index)
    };
    let hatch = match (index / PALETTE.len()) % 3 {
        0 => Hatch::Solid,
        1 => Hatch::Horizontal,
        _ => Hatch::Vertical,
    };
    SeriesStyle {
        colour,
        marker: Marker::Circle,
        hatch,
        dash: None,
    }
}

/// White stripes inside a ring segment: concentric arcs for `Horizontal`, spokes for
/// `Vertical`. Both stay inside the segment, so no clipping is needed.
fn ring_stripes(svg: &mut Svg, geometry: Geometry, hatch: Hatch, start: f64, end: f64) {
    const DEGREE: f64 = PI / 180.0;
    let sweep = end - start;
    match hatch {
        Hatch::Horizontal if sweep >= 3.0 * DEGREE => {
            let steps = (sweep / DEGREE).ceil().clamp(1.0, 720.0) as usize;
            for k in 1..=2 {
                let radius = RING_INNER + (RING_OUTER - RING_INNER) * f64::from(k) / 3.0;
                let points: Vec<Point> = (0..=steps)
                    .map(|step| geometry.point(radius, start + sweep * step as f64 / steps as f64))
                    .collect();
                svg.path(&points, PAPER, 2, None);
            }
        }
        Hatch::Vertical if sweep >= 8.0 * DEGREE => {
            let spokes = (sweep / (4.0 * DEGREE)).floor().clamp(1.0, 90.0) as usize;
            let gap = sweep / spokes as f64;
            for k in 1..spokes {
                let angle = start + gap * k as f64;
                svg.path(
                    &[
                        geometry.point(RING_INNER, angle),
                        geometry.point(RING_OUTER, angle),
                    ],
                    PAPER,
                    1,
                    None,
                );
            }
        }
        Hatch::Solid
        | Hatch::Horizontal
        | Hatch::Vertical
        | Hatch::Rising
        | Hatch::Falling
        | Hatch::Cross => {}
    }
}

fn center_text(svg: &mut Svg, geometry: Geometry, note: &str) {
    let lines = text::wrap(note, LABEL, px(2.0 * RING_INNER) - 16);
    let mut y = RING_CY - text::lines_height(lines.len()) / 2;
    for line in &lines {
        svg.text(
            line,
            (geometry.cx, y),
            LABEL,
            TEXT,
            (Align::Middle, Valign::Top),
        );
        y += LINE;
    }
}

/// Stacks the labels of one side of the ring near their segments without overlap; drops the
/// smallest shares when the side is full (the legend still lists every share).
fn place_ring_labels(mut labels: Vec<RingLabel>) -> Vec<RingLabel> {
    const GAP: i32 = 4;
    let (upper, lower) = (MARGIN, RING_AREA - MARGIN);
    let wanted = |label: &RingLabel| {
        px(f64::from(RING_CY) + (RING_OUTER + 18.0) * label.angle.sin()) - label.height() / 2
    };
    loop {
        labels.sort_by_key(wanted);
        for label in &mut labels {
            label.y = wanted(label);
        }
        let mut previous_end: Option<i32> = None;
        for label in &mut labels {
            if let Some(end) = previous_end {
                label.y = label.y.max(end + GAP);
            }
            previous_end = Some(label.y + label.height());
        }
        let mut next_start: Option<i32> = None;
        for label in labels.iter_mut().rev() {
            label.y = label.y.min(lower - label.height());
            if let Some(start) = next_start {
                label.y = label.y.min(start - GAP - label.height());
            }
            next_start = Some(label.y);
        }
        if labels.first().is_none_or(|label| label.y >= upper) {
            return labels;
        }
        // Drop the smallest share and try again.
        let smallest = labels
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.share.total_cmp(&b.1.share))
            .map(|(index, _)| index);
        match smallest {
            Some(index) => {
                labels.remove(index);
            }
            None => return labels,
        }
    }
}
