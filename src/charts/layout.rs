//! The frame of line and bar charts: value axis, category labels, axis titles, legend and
//! notes, laid out so that every label has room; the chart grows to hold them. Bars may run
//! upright (categories below) or to the right (categories at the left).

use super::axis::{self, Axis};
use super::input::Data;
use super::legend::Legend;
use super::surface::{px, series_style, Align, Point, Svg, Valign, AXIS, GRID, TEXT};
use super::text::{self, LABEL, LINE};
use super::Res;
use crate::model::{Chart, ChartKind, Orientation};

pub(super) const WIDTH: i32 = 720;
pub(super) const MARGIN: i32 = 10;
/// Height of the plot area of upright charts.
const PLOT_HEIGHT: i32 = 260;
/// Horizontal charts with more categories than this get thin bands and thinned labels.
const MANY_BANDS: usize = 60;
/// Total height of the bands of a horizontal chart with many categories.
const DENSE_HEIGHT: f64 = 900.0;

/// Room the value labels need beyond the ends of the data, in pixels along the value axis.
#[derive(Clone, Copy, Default)]
pub(super) struct Room {
    /// Beyond the largest (positive) values.
    pub(super) high: i32,
    /// Beyond the smallest (negative) values.
    pub(super) low: i32,
    /// Smallest band per category across the value axis (horizontal charts).
    pub(super) band: i32,
}

/// The plot rectangle and its value mapping.
pub(super) struct Plot {
    pub(super) horizontal: bool,
    pub(super) left: i32,
    pub(super) right: i32,
    pub(super) top: i32,
    pub(super) bottom: i32,
    /// Pixels (along the value axis) where the axis' lowest and highest values lie.
    low_px: i32,
    high_px: i32,
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) count: usize,
}

impl Plot {
    /// Pixel along the value axis (y when upright, x when horizontal).
    pub(super) fn value(&self, value: f64) -> i32 {
        let span = self.hi - self.lo;
        let fraction = if span > 0.0 {
            (value - self.lo) / span
        } else {
            0.0
        };
        px(f64::from(self.low_px) + fraction * f64::from(self.high_px - self.low_px))
    }

    /// Extent of one category along the category axis.
    pub(super) fn slot(&self) -> f64 {
        let extent = if self.horizontal {
            self.bottom - self.top
        } else {
            self.right - self.left
        };
        f64::from(extent) / self.count.max(1) as f64
    }

    /// Pixel along the category axis at `position` categories from the start.
    pub(super) fn band(&self, position: f64) -> i32 {
        let start = if self.horizontal { self.top } else { self.left };
        px(f64::from(start) + position * self.slot())
    }

    pub(super) fn center(&self, category: usize) -> i32 {
        self.band(category as f64 + 0.5)
    }

    /// Screen point from a position along the category axis and one along the value axis.
    pub(super) fn at(&self, along: i32, value_px: i32) -> Point {
        if self.horizontal {
            (value_px, along)
        } else {
            (along, value_px)
        }
    }
}

/// The smallest step of 1, 2, 5, 10, 20, 50 … categories that gives each label `need` pixels.
pub(super) fn thinning(slot: f64, need: f64) -> usize {
    let mut step = 1usize;
    let mut k = 0usize;
    while slot * (step as f64) < need && step < 1_000_000_000 {
        k += 1;
        let base = 10usize.pow(u32::try_from(k / 3).unwrap_or(9));
        step = base
            * match k % 3 {
                0 => 1,
                1 => 2,
                _ => 5,
            };
    }
    step
}

/// How category labels are set.
pub(super) enum Categories {
    /// Horizontal lines per category; only every `step`-th category carries a label.
    Lines {
        lines: Vec<Vec<String>>,
        step: usize,
    },
    /// Turned by 90° under an upright chart, every `step`-th category.
    Turned { labels: Vec<String>, step: usize },
}

impl Categories {
    pub(super) fn labelled(&self, index: usize) -> bool {
        match self {
            Categories::Lines { step, .. } | Categories::Turned { step, .. } => {
                index.is_multiple_of(*step)
            }
        }
    }

    pub(super) fn step(&self) -> usize {
        match self {
            Categories::Lines { step, .. } | Categories::Turned { step, .. } => *step,
        }
    }

    fn upright(categories: &[String], slot: f64) -> (Categories, i32) {
        let room = px(slot - 6.0);
        if slot >= 30.0
            && categories
                .iter()
                .all(|c| text::widest_piece(c, LABEL) <= room)
        {
            let lines: Vec<Vec<String>> = categories
                .iter()
                .map(|c| text::wrap(c, LABEL, room))
                .collect();
            let height = text::lines_height(lines.iter().map(Vec::len).max().unwrap_or(0));
            return (Categories::Lines { lines, step: 1 }, height);
        }
        let step = thinning(slot, f64::from(LINE + 2));
        let height = categories
            .iter()
            .step_by(step)
            .map(|c| text::width(c, LABEL))
            .max()
            .unwrap_or(0);
        let labels = categories.to_vec();
        (Categories::Turned { labels, step }, height)
    }
}

/// A laid-out line or bar chart, ready for the kind to draw its data into `plot`.
pub(super) struct Frame {
    pub(super) plot: Plot,
    pub(super) axis: Option<Axis>,
    pub(super) categories: Categories,
    pub(super) width: i32,
    legend: Legend,
    legend_top: i32,
    x_title: Vec<String>,
    y_title: Vec<String>,
    /// Where the category labels (upright) or tick labels (horizontal) start.
    labels_at: i32,
    /// Top of the x title and of the notes.
    x_title_top: i32,
    notes_top: i32,
    line_kind: bool,
}

impl Frame {
    /// Lays out the frame; `room` says, for a category slot size, how much room the kind's
    /// value labels need.
    pub(super) fn new(
        chart: &Chart,
        data: &Data,
        kind: ChartKind,
        room: impl Fn(f64) -> Room,
    ) -> Res<Frame> {
        let count = data.categories.len();
        let range = if count > 0 && !data.values.is_empty() {
            axis::value_range(data, kind)?
        } else {
            None
        };
        let axis = range
            .map(|(lo, hi)| axis::axis(lo, hi, chart.format))
            .transpose()?;
        let horizontal = chart.orientation == Orientation::Waagerecht
            && matches!(kind, ChartKind::Balken | ChartKind::Gestapelt);
        let line_kind = kind == ChartKind::Linie;
        let y_text = chart
            .y_title
            .as_deref()
            .map(text::clean)
            .unwrap_or_default();
        let x_text = chart
            .x_title
            .as_deref()
            .map(text::clean)
            .unwrap_or_default();
        let series_count = data.values.len();
        let show_legend = series_count > 1 || (series_count == 1 && y_text.is_empty());
        let items: Vec<(String, _)> = if show_legend {
            data.names
                .iter()
                .enumerate()
                .map(|(index, name)| (name.clone(), series_style(index)))
                .collect()
        } else {
            Vec::new()
        };
        let mut tick_width = 0;
        for (_, label) in axis.iter().flat_map(|axis| axis.ticks.iter()) {
            tick_width = tick_width.max(text::width(label, LABEL));
        }
        let parts = Parts {
            axis,
            count,
            items,
            tick_width,
            x_text,
            y_text,
            line_kind,
        };
        Ok(if horizontal {
            parts.horizontal(&data.categories, room)
        } else {
            parts.upright(&data.categories, room)
        })
    }

    /// Grid lines and tick labels, drawn below the data.
    pub(super) fn draw_back(&self, svg: &mut Svg) {
        let plot = &self.plot;
        let Some(axis) = &self.axis else { return };
        for (value, label) in &axis.ticks {
            let v = plot.value(*value);
            if plot.horizontal {
                svg.path(&[(v, plot.top), (v, plot.bottom)], GRID, 1, None);
                svg.text(
                    label,
                    (v, self.labels_at),
                    LABEL,
                    TEXT,
                    (Align::Middle, Valign::Top),
                );
            } else {
                svg.path(&[(plot.left, v), (plot.right, v)], GRID, 1, None);
                svg.text(
                    label,
                    (plot.left - 8, v),
                    LABEL,
                    TEXT,
                    (Align::End, Valign::Middle),
                );
            }
        }
    }

    /// Axis and zero lines, category labels, titles, legend: drawn over the data.
    pub(super) fn draw_front(&self, svg: &mut Svg, data: &Data) {
        let plot = &self.plot;
        let (left, right, top, bottom) = (plot.left, plot.right, plot.top, plot.bottom);
        if self.line_kind || self.axis.is_none() {
            svg.path(&[(left, bottom), (right, bottom)], AXIS, 1, None);
        }
        let crosses = plot.lo < 0.0 && plot.hi > 0.0;
        if self.axis.is_some() && (!self.line_kind || crosses) {
            let zero = plot.value(0.0);
            let line = if plot.horizontal {
                [(zero, top - 2), (zero, bottom + 2)]
            } else {
                [(left - 2, zero), (right + 2, zero)]
            };
            svg.path(&line, AXIS, if self.line_kind { 1 } else { 2 }, None);
        }
        self.draw_categories(svg);
        self.draw_titles(svg);
        if !self.legend.is_empty() {
            let x = if plot.horizontal { MARGIN } else { left };
            self.legend.draw(svg, (x, self.legend_top));
        }
        if self.axis.is_none() {
            svg.text(
                &data.empty_note(),
                ((left + right) / 2, (top + bottom) / 2),
                LABEL,
                TEXT,
                (Align::Middle, Valign::Middle),
            );
        }
    }

    fn draw_categories(&self, svg: &mut Svg) {
        let plot = &self.plot;
        match &self.categories {
            Categories::Lines { lines, step } => {
                for (index, lines) in lines.iter().enumerate().step_by(*step) {
                    let center = plot.center(index);
                    if plot.horizontal {
                        let first = center - text::lines_height(lines.len()) / 2;
                        for (row, line) in lines.iter().enumerate() {
                            let y = first + text::lines_height(row);
                            svg.text(
                                line,
                                (plot.left - 8, y + 1),
                                LABEL,
                                TEXT,
                                (Align::End, Valign::Top),
                            );
                        }
                    } else {
                        for (row, line) in lines.iter().enumerate() {
                            let y = self.labels_at + text::lines_height(row);
                            svg.text(line, (center, y), LABEL, TEXT, (Align::Middle, Valign::Top));
                        }
                    }
                }
            }
            Categories::Turned { labels, step } => {
                for (index, label) in labels.iter().enumerate().step_by(*step) {
                    svg.text_turned(
                        label,
                        (plot.center(index), self.labels_at),
                        LABEL,
                        TEXT,
                        (Align::End, Valign::Middle),
                    );
                }
            }
        }
    }

    fn draw_titles(&self, svg: &mut Svg) {
        let plot = &self.plot;
        // Along the bottom: the category title (upright) or the value title (horizontal).
        let (bottom_title, side_title) = if plot.horizontal {
            (&self.y_title, &self.x_title)
        } else {
            (&self.x_title, &self.y_title)
        };
        for (row, line) in bottom_title.iter().enumerate() {
            let y = self.x_title_top + text::lines_height(row);
            let x = (plot.left + plot.right) / 2;
            svg.text(line, (x, y), LABEL, TEXT, (Align::Middle, Valign::Top));
        }
        let middle = (plot.top + plot.bottom) / 2;
        for (row, line) in side_title.iter().enumerate() {
            let x = MARGIN + LINE / 2 + text::lines_height(row);
            svg.text_turned(
                line,
                (x, middle),
                LABEL,
                TEXT,
                (Align::Middle, Valign::Middle),
            );
        }
    }

    /// Writes the notes under the chart and returns the finished SVG.
    pub(super) fn finish(&self, mut svg: Svg, notes: &[String]) -> String {
        let mut y = self.notes_top;
        for note in notes {
            for line in text::wrap(note, LABEL, self.width - 2 * MARGIN) {
                svg.text(&line, (MARGIN, y), LABEL, TEXT, (Align::Start, Valign::Top));
                y += LINE;
            }
        }
        svg.finish(self.width, y + MARGIN)
    }
}

/// What both orientations lay out the same way.
struct Parts {
    axis: Option<Axis>,
    count: usize,
    items: Vec<(String, super::surface::SeriesStyle)>,
    tick_width: i32,
    x_text: String,
    y_text: String,
    line_kind: bool,
}

impl Parts {
    fn upright(self, categories: &[String], room: impl Fn(f64) -> Room) -> Frame {
        let y_title = text::wrap(&self.y_text, LABEL, PLOT_HEIGHT);
        let title_width = if y_title.is_empty() {
            0
        } else {
            text::lines_height(y_title.len()) + 6
        };
        let left = MARGIN + title_width + self.tick_width + 8;
        let right = WIDTH - 16;
        let legend = Legend::new(&self.items, right - left, self.line_kind, 1);
        let legend_top = MARGIN;
        let top = MARGIN + legend.height + if legend.is_empty() { 0 } else { 10 };
        let slot = f64::from(right - left) / self.count.max(1) as f64;
        let (categories, labels_height) = Categories::upright(categories, slot);
        let bottom = top + PLOT_HEIGHT;
        let room = room(slot);
        let (lo, hi) = self.range();
        let high_room = if hi > 0.0 || self.line_kind {
            room.high
        } else {
            0
        };
        let low_room = if lo < 0.0 || self.line_kind {
            room.low
        } else {
            0
        };
        let labels_at = bottom + 7;
        let x_title = text::wrap(&self.x_text, LABEL, right - left);
        let x_title_top = labels_at + labels_height + 6;
        let notes_top = x_title_top + text::lines_height(x_title.len()) + 4;
        Frame {
            plot: Plot {
                horizontal: false,
                left,
                right,
                top,
                bottom,
                low_px: bottom - low_room.min(PLOT_HEIGHT / 3),
                high_px: top + high_room.min(PLOT_HEIGHT / 3),
                lo,
                hi,
                count: self.count,
            },
            axis: self.axis,
            categories,
            width: WIDTH,
            legend,
            legend_top,
            x_title,
            y_title,
            labels_at,
            x_title_top,
            notes_top,
            line_kind: self.line_kind,
        }
    }

    fn horizontal(self, categories: &[String], room: impl Fn(f64) -> Room) -> Frame {
        let max_column = WIDTH * 2 / 5;
        let wrapped: Vec<Vec<String>> = categories
            .iter()
            .map(|c| text::wrap(c, LABEL, max_column))
            .collect();
        let column = wrapped
            .iter()
            .map(|lines| text::widest(lines, LABEL))
            .max()
            .unwrap_or(0);
        let x_title = text::wrap(&self.x_text, LABEL, 400);
        let title_width = if x_title.is_empty() {
            0
        } else {
            text::lines_height(x_title.len()) + 6
        };
        let left = MARGIN + title_width + column + 8;
        let width = WIDTH.max(left + 300);
        let right = width - 16 - self.tick_width / 2;
        let legend = Legend::new(&self.items, width - 2 * MARGIN, self.line_kind, 1);
        let top = MARGIN + legend.height + if legend.is_empty() { 0 } else { 10 };
        let most_lines = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        let need = text::lines_height(most_lines) + 6;
        let probe = room(f64::from(need.max(24)));
        // The turned category title at the side must fit along the plot.
        let title_need = text::widest(&x_title, LABEL) + 10;
        let (slot, step) = if self.count <= MANY_BANDS {
            let by_title = f64::from(title_need) / self.count.max(1) as f64;
            (f64::from(need.max(probe.band).max(24)).max(by_title), 1)
        } else {
            let slot = (DENSE_HEIGHT / self.count as f64).max(1.0);
            (slot, thinning(slot, f64::from(need)))
        };
        let room = room(slot);
        let bottom = top + px(slot * self.count.max(1) as f64);
        let (lo, hi) = self.range();
        let high_room = if hi > 0.0 { room.high } else { 0 };
        let low_room = if lo < 0.0 { room.low } else { 0 };
        let third = (right - left) / 3;
        let labels_at = bottom + 5;
        let y_title = text::wrap(&self.y_text, LABEL, right - left);
        let x_title_top = labels_at + LINE + 4;
        let notes_top = x_title_top + text::lines_height(y_title.len()) + 4;
        Frame {
            plot: Plot {
                horizontal: true,
                left,
                right,
                top,
                bottom,
                low_px: left + low_room.min(third),
                high_px: right - high_room.min(third),
                lo,
                hi,
                count: self.count,
            },
            axis: self.axis,
            categories: Categories::Lines {
                lines: wrapped,
                step,
            },
            width,
            legend,
            legend_top: MARGIN,
            x_title,
            y_title,
            labels_at,
            x_title_top,
            notes_top,
            line_kind: self.line_kind,
        }
    }

    fn range(&self) -> (f64, f64) {
        (
            self.axis.as_ref().map_or(0.0, |axis| axis.lo),
            self.axis.as_ref().map_or(1.0, |axis| axis.hi),
        )
    }
}
