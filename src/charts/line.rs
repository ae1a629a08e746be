//! Line charts: one line per series, each with its own colour, marker and dash; values at
//! the first and last point (and at every point when there is room); series in the legend.

use std::collections::BTreeMap;

use super::axis;
use super::input::Data;
use super::layout::{Categories, Frame, Plot, Room, MARGIN};
use super::surface::{series_style, Align, Point, Rgb, Svg, Valign};
use super::text::{self, VALUE, VALUE_H};
use super::Res;
use crate::model::{Chart, ChartKind};

pub(super) fn draw(chart: &Chart, data: &Data) -> Res<String> {
    // Lines need room below only when their lowest points lie near the bottom edge.
    let near_bottom = match axis::value_range(data, ChartKind::Linie)? {
        Some((lo, hi)) => {
            let lowest = data.present().fold(f64::INFINITY, f64::min);
            (lowest - lo) / (hi - lo) < 0.1
        }
        None => false,
    };
    let several = data.values.len() > 1;
    let frame = Frame::new(chart, data, ChartKind::Linie, |_| Room {
        high: VALUE_H + 6,
        low: match (near_bottom, several) {
            (true, true) => VALUE_H + 8,
            (true, false) => 6,
            (false, _) => 0,
        },
        band: 0,
    })?;
    let mut svg = Svg::new();
    frame.draw_back(&mut svg);
    let plot = &frame.plot;
    for index in (0..plot.count).filter(|index| frame.categories.labelled(*index)) {
        let x = plot.center(index);
        svg.path(
            &[(x, plot.bottom), (x, plot.bottom + 4)],
            super::surface::AXIS,
            1,
            None,
        );
    }
    let labelled_all = draw_lines(&mut svg, plot, data, &frame.categories, frame.width);
    frame.draw_front(&mut svg, data);
    let notes = if labelled_all || data.present().next().is_none() {
        Vec::new()
    } else {
        vec![super::input::IN_TABLE.to_string()]
    };
    Ok(frame.finish(svg, &notes))
}

/// A value label placed near a point.
struct PointLabel {
    x: i32,
    y: i32,
    point_y: i32,
    text: String,
    width: i32,
    colour: Rgb,
}

/// Draws the lines, markers and value labels; returns whether every value got a label.
fn draw_lines(
    svg: &mut Svg,
    plot: &Plot,
    data: &Data,
    categories: &Categories,
    width: i32,
) -> bool {
    let slot = plot.slot();
    let all_markers = slot >= 10.0;
    let sparse_markers = slot * categories.step() as f64 >= 14.0;
    let widest = text::widest(data.labels.iter().flatten().flatten(), VALUE);
    let label_all = f64::from(widest + 4) <= slot;

    // Labels grouped by category, so labels of one category can be spread apart.
    let mut placed: BTreeMap<usize, Vec<PointLabel>> = BTreeMap::new();
    let mut every = true;
    for (index, values) in data.values.iter().enumerate() {
        let style = series_style(index);
        let points: Vec<Option<Point>> = values
            .iter()
            .enumerate()
            .map(|(category, value)| value.map(|v| (plot.center(category), plot.value(v))))
            .collect();
        // Lines between consecutive known values; pending values break the line.
        let mut run: Vec<Point> = Vec::new();
        for point in &points {
            match point {
                Some(point) => run.push(*point),
                None => {
                    svg.path(&run, style.colour, 2, style.dash);
                    run.clear();
                }
            }
        }
        svg.path(&run, style.colour, 2, style.dash);

        let first = points.iter().position(Option::is_some);
        let last = points.iter().rposition(Option::is_some);
        for (category, point) in points.iter().enumerate() {
            let Some(point) = point else { continue };
            let labelled = label_all || Some(category) == first || Some(category) == last;
            every &= labelled;
            let isolated = !((category > 0
                && points.get(category - 1).is_some_and(Option::is_some))
                || points.get(category + 1).is_some_and(Option::is_some));
            // Dense lines carry markers where the category axis is labelled, so the series stay
            // distinguishable by shape.
            let at_label = sparse_markers && categories.labelled(category);
            if all_markers || labelled || isolated || at_label {
                svg.marker(style.marker, *point, style.colour);
            }
            if let (true, Some(text)) = (labelled, data.label(index, category)) {
                placed.entry(category).or_default().push(PointLabel {
                    x: point.0,
                    y: point.1,
                    point_y: point.1,
                    text: text.to_string(),
                    width: text::width(text, VALUE),
                    colour: style.colour,
                });
            }
        }
    }
    for labels in placed.values_mut() {
        spread_point_labels(labels, plot);
        for label in labels.iter() {
            let x = (label.x - label.width / 2)
                .min(width - MARGIN - label.width)
                .max(plot.left - 4);
            svg.text(
                &label.text,
                (x, label.y),
                VALUE,
                label.colour,
                (Align::Start, Valign::Top),
            );
        }
    }
    every
}

/// Places the labels of one category: the highest point's label above it, the lowest's below
/// (when there are several), then pushes overlapping labels apart within the plot.
fn spread_point_labels(labels: &mut [PointLabel], plot: &Plot) {
    labels.sort_by_key(|label| label.point_y);
    let count = labels.len();
    for (rank, label) in labels.iter_mut().enumerate() {
        label.y = if count > 1 && rank + 1 == count {
            label.point_y + 7
        } else {
            label.point_y - 7 - VALUE_H
        };
    }
    labels.sort_by_key(|label| label.y);
    let (upper, lower) = (plot.top, plot.bottom - VALUE_H);
    let mut previous: Option<i32> = None;
    for label in labels.iter_mut() {
        if let Some(previous) = previous {
            label.y = label.y.max(previous + VALUE_H);
        }
        previous = Some(label.y);
    }
    let mut next: Option<i32> = None;
    for label in labels.iter_mut().rev() {
        label.y = label.y.min(lower);
        if let Some(next) = next {
            label.y = label.y.min(next - VALUE_H);
        }
        label.y = label.y.max(upper);
        next = Some(label.y);
    }
}
