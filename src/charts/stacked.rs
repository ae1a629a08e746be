//! Stacked bar charts, upright or horizontal: the series' parts stack from the zero line,
//! positive parts one way and negative parts the other; the total stands at the stack's end.
//!
//! A part's value is written inside it on a plain plate (no hatching behind the text) whose
//! colour reaches 4.5:1 against the text; a part too small for its label gets it beside the
//! stack with a leader line, and where even that has no room the chart says that the value is
//! in the data table.

use super::input::{Data, IN_TABLE};
use super::layout::{Frame, Plot, Room, MARGIN};
use super::surface::{contrast, series_style, Align, Point, Rgb, Svg, Valign, AXIS, PAPER, TEXT};
use super::text::{self, VALUE, VALUE_BOLD, VALUE_H};
use super::Res;
use crate::model::{Chart, ChartKind, Orientation};

/// Share of a slot that a stack covers.
const THICKNESS: f64 = 0.6;

/// Plate and text colour for a label inside a part of colour `fill`: a white plate with dark
/// text, which stands out from every series colour and its hatching; should the text colour
/// ever fall below 4.5:1 on the plate, the part's colour with white text is the fallback.
pub(super) fn label_colours(fill: Rgb) -> (Rgb, Rgb) {
    if contrast(TEXT, PAPER) >= 4.5 {
        (PAPER, TEXT)
    } else {
        (fill, PAPER)
    }
}

pub(super) fn draw(chart: &Chart, data: &Data) -> Res<String> {
    let horizontal = chart.orientation == Orientation::Waagerecht;
    let totals = totals(chart, data)?;
    let widest_total = totals
        .iter()
        .flatten()
        .map(|t| text::width(t, VALUE_BOLD))
        .max()
        .unwrap_or(0);
    let frame = Frame::new(chart, data, ChartKind::Gestapelt, |_| {
        let room = if horizontal {
            widest_total + 6
        } else {
            VALUE_H + 6
        };
        Room {
            high: room,
            low: room,
            // Thick enough for a label inside each part.
            band: 2 * VALUE_H + 10,
        }
    })?;
    let mut svg = Svg::new();
    frame.draw_back(&mut svg);
    let unlabelled = draw_stacks(&mut svg, &frame, data, &totals);
    frame.draw_front(&mut svg, data);
    let notes = if unlabelled {
        vec![IN_TABLE.to_string()]
    } else {
        Vec::new()
    };
    Ok(frame.finish(svg, &notes))
}

/// The formatted total of each stack whose parts are all known.
fn totals(chart: &Chart, data: &Data) -> Res<Vec<Option<String>>> {
    (0..data.categories.len())
        .map(|category| {
            let parts: Option<Vec<f64>> = data
                .values
                .iter()
                .map(|series| series.get(category).copied().flatten())
                .collect();
            match parts {
                Some(parts) if !parts.is_empty() => {
                    Ok(Some(chart.format.number(parts.iter().sum())?))
                }
                _ => Ok(None),
            }
        })
        .collect()
}

/// A label that did not fit into its part: set beside the stack.
struct Outside {
    /// Middle of the part along the value axis.
    middle: i32,
    y: i32,
    text: String,
}

/// Draws the stacks; returns whether some value is in no label.
fn draw_stacks(svg: &mut Svg, frame: &Frame, data: &Data, totals: &[Option<String>]) -> bool {
    let plot = &frame.plot;
    let start = (1.0 - THICKNESS) / 2.0;
    let mut unlabelled = false;
    for category in 0..data.categories.len() {
        let a = plot.band(category as f64 + start);
        let b = plot.band(category as f64 + 1.0 - start).max(a);
        let (mut up, mut down) = (0.0f64, 0.0f64);
        let mut outside: Vec<Outside> = Vec::new();
        for (index, values) in data.values.iter().enumerate() {
            let Some(value) = values.get(category).copied().flatten() else {
                continue;
            };
            let style = series_style(index);
            let (from, to) = if value >= 0.0 {
                up += value;
                (up - value, up)
            } else {
                down += value;
                (down - value, down)
            };
            let (v_from, v_to) = (plot.value(from), plot.value(to));
            if v_from != v_to {
                svg.hatched_rect(plot.at(a, v_to), plot.at(b, v_from), style);
            }
            let Some(text) = data.label(index, category) else {
                continue;
            };
            let width = text::width(text, VALUE);
            let length = (v_from - v_to).abs();
            let fits = if plot.horizontal {
                length >= width + 6 && b - a >= VALUE_H + 2
            } else {
                length >= VALUE_H + 2 && b - a >= width + 6
            };
            let middle = (v_from + v_to) / 2;
            if fits {
                plated_label(svg, plot.at((a + b) / 2, middle), text, width, style.colour);
            } else if plot.horizontal || value == 0.0 {
                unlabelled |= value != 0.0;
            } else {
                outside.push(Outside {
                    middle,
                    y: middle,
                    text: text.to_string(),
                });
            }
        }
        if !outside.is_empty() {
            unlabelled |= !beside(svg, frame, category, b, &mut outside);
        }
        if let Some(Some(total)) = totals.get(category) {
            let end = if up > 0.0 || down == 0.0 {
                plot.value(up)
            } else {
                plot.value(down)
            };
            let negative = !(up > 0.0 || down == 0.0);
            total_label(svg, plot, total, (a + b) / 2, end, negative);
        }
    }
    unlabelled
}

/// A value on a plain plate in the middle of its part.
fn plated_label(svg: &mut Svg, (x, y): Point, text: &str, width: i32, fill: Rgb) {
    let (plate, ink) = label_colours(fill);
    svg.rect(
        (x - width / 2 - 2, y - VALUE_H / 2 - 1),
        (x + width / 2 + 2, y + VALUE_H / 2 + 1),
        plate,
    );
    svg.text(text, (x, y), VALUE, ink, (Align::Middle, Valign::Middle));
}

/// Labels of small parts to the right of an upright stack ending at `edge`, with leaders;
/// `false` when the gap to the next stack is too narrow.
fn beside(
    svg: &mut Svg,
    frame: &Frame,
    category: usize,
    edge: i32,
    labels: &mut [Outside],
) -> bool {
    let plot = &frame.plot;
    let limit = if category + 1 < plot.count {
        plot.band(category as f64 + 1.0 + (1.0 - THICKNESS) / 2.0) - 4
    } else {
        frame.width - MARGIN
    };
    let widest = labels
        .iter()
        .map(|label| text::width(&label.text, VALUE))
        .max()
        .unwrap_or(0);
    if edge + 10 + widest > limit {
        return false;
    }
    // Spread the labels apart along the stack, keeping their order.
    labels.sort_by_key(|label| label.middle);
    let mut previous: Option<i32> = None;
    for label in labels.iter_mut() {
        label.y = previous.map_or(label.middle, |p| label.middle.max(p + VALUE_H));
        previous = Some(label.y);
    }
    let overflow = previous.map_or(0, |last| (last + VALUE_H / 2 - plot.bottom).max(0));
    for label in labels.iter() {
        let y = label.y - overflow;
        svg.path(&[(edge + 1, label.middle), (edge + 7, y)], AXIS, 1, None);
        svg.text(
            &label.text,
            (edge + 9, y),
            VALUE,
            TEXT,
            (Align::Start, Valign::Middle),
        );
    }
    true
}

/// The stack's total beyond its end.
fn total_label(svg: &mut Svg, plot: &Plot, total: &str, center: i32, end: i32, negative: bool) {
    if plot.horizontal {
        let (x, align) = if negative {
            (end - 4, Align::End)
        } else {
            (end + 4, Align::Start)
        };
        svg.text(
            total,
            (x, center),
            VALUE_BOLD,
            TEXT,
            (align, Valign::Middle),
        );
    } else if text::width(total, VALUE_BOLD) + 4 <= super::surface::px(plot.slot()) {
        let (y, valign) = if negative {
            (end + 3, Valign::Top)
        } else {
            (end - 3, Valign::Bottom)
        };
        svg.text(
            total,
            (center, y),
            VALUE_BOLD,
            TEXT,
            (Align::Middle, valign),
        );
    }
}
