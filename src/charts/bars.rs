//! Grouped bar charts, upright or horizontal: one bar per series and category, growing from a
//! visible zero line; each value is written outside the bar's end, on the side it points to.

use super::input::{Data, IN_TABLE};
use super::layout::{Frame, Plot, Room};
use super::surface::{series_style, Align, Svg, Valign, TEXT};
use super::text::{self, VALUE, VALUE_H};
use super::Res;
use crate::model::{Chart, ChartKind};

/// How the value labels of the bars are set.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum BarLabels {
    /// Horizontal text beyond the bar end.
    Horizontal,
    /// Turned text above (below) upright bars that are too narrow for horizontal text.
    Turned,
    /// No room: the values are in the data table, and the chart says so.
    None,
}

/// Thickness of one bar in a slot of `slot` pixels with `series` bars side by side.
fn thickness(slot: f64, series: usize) -> f64 {
    slot * 0.8 / series.max(1) as f64
}

fn label_mode(data: &Data, slot: f64, horizontal: bool) -> (BarLabels, i32) {
    let series = data.values.len();
    let widest = text::widest(data.labels.iter().flatten().flatten(), VALUE);
    let bar = thickness(slot, series);
    let mode = if horizontal {
        if bar >= 10.0 {
            BarLabels::Horizontal
        } else {
            BarLabels::None
        }
    } else if f64::from(widest) <= if series == 1 { slot - 4.0 } else { bar - 1.0 } {
        BarLabels::Horizontal
    } else if bar >= f64::from(VALUE_H) && widest <= 90 {
        BarLabels::Turned
    } else {
        BarLabels::None
    };
    (mode, widest)
}

pub(super) fn draw(chart: &Chart, data: &Data) -> Res<String> {
    let horizontal = chart.orientation == crate::model::Orientation::Waagerecht;
    let series = data.values.len();
    let frame = Frame::new(chart, data, ChartKind::Balken, |slot| {
        let (mode, widest) = label_mode(data, slot, horizontal);
        let room = match (horizontal, mode) {
            (_, BarLabels::None) => 4,
            (true, _) | (false, BarLabels::Turned) => widest + 6,
            (false, BarLabels::Horizontal) => VALUE_H + 6,
        };
        Room {
            high: room,
            low: room,
            band: i32::try_from(series).unwrap_or(1).saturating_mul(14) + 8,
        }
    })?;
    let (mode, _) = label_mode(data, frame.plot.slot(), horizontal);
    let mut svg = Svg::new();
    frame.draw_back(&mut svg);
    draw_bars(&mut svg, &frame.plot, data, mode);
    frame.draw_front(&mut svg, data);
    let notes = if mode == BarLabels::None && data.present().next().is_some() {
        vec![IN_TABLE.to_string()]
    } else {
        Vec::new()
    };
    Ok(frame.finish(svg, &notes))
}

fn draw_bars(svg: &mut Svg, plot: &Plot, data: &Data, mode: BarLabels) {
    let zero = plot.value(0.0);
    let bar = thickness(plot.slot(), data.values.len());
    let gap = if bar >= 4.0 { 1 } else { 0 };
    for (index, values) in data.values.iter().enumerate() {
        let style = series_style(index);
        for (category, value) in values.iter().enumerate() {
            let Some(value) = value else { continue };
            let start = category as f64 + 0.1 + index as f64 * bar / plot.slot();
            let a = plot.band(start);
            let b = (plot.band(start + bar / plot.slot()) - gap).max(a);
            let end = plot.value(*value);
            if end != zero {
                svg.hatched_rect(plot.at(a, end), plot.at(b, zero), style);
            }
            let Some(text) = data.label(index, category) else {
                continue;
            };
            value_label(svg, plot, text, (a + b) / 2, end, *value < 0.0, mode);
        }
    }
}

/// A value label beyond the end `end` of a bar centred at `center`.
pub(super) fn value_label(
    svg: &mut Svg,
    plot: &Plot,
    text: &str,
    center: i32,
    end: i32,
    negative: bool,
    mode: BarLabels,
) {
    match (plot.horizontal, mode) {
        (_, BarLabels::None) => {}
        (true, BarLabels::Horizontal | BarLabels::Turned) => {
            let (x, align) = if negative {
                (end - 4, Align::End)
            } else {
                (end + 4, Align::Start)
            };
            svg.text(text, (x, center), VALUE, TEXT, (align, Valign::Middle));
        }
        (false, BarLabels::Horizontal) => {
            let (y, valign) = if negative {
                (end + 3, Valign::Top)
            } else {
                (end - 3, Valign::Bottom)
            };
            svg.text(text, (center, y), VALUE, TEXT, (Align::Middle, valign));
        }
        (false, BarLabels::Turned) => {
            let (y, align) = if negative {
                (end + 4, Align::End)
            } else {
                (end - 4, Align::Start)
            };
            svg.text_turned(text, (center, y), VALUE, TEXT, (align, Valign::Middle));
        }
    }
}
