//! Charts as standalone, accessible SVG documents.
//!
//! Every declared chart is drawn here once, as SVG: the website shows the file and typst places
//! the same file in the PDF. All text is set in DejaVu Sans, the font whose real metrics were
//! used for the layout, so labels fit in both outputs. Colours reach at least 4.5:1 against
//! white (WCAG 1.4.11 asks 3:1 for graphics; 4.5:1 lets the same colours set value labels), and
//! series are also told apart by marker shapes, hatch patterns and direct labels, never by
//! colour alone (WCAG 1.4.1).
//!
//! The layout is computed by hand on a plain pixel canvas rather than with plotters'
//! `ChartBuilder`: categories need wrapping, thinning and German value labels that the mesh
//! helpers do not offer, and a fixed layout keeps the output byte-for-byte deterministic.

use std::collections::BTreeMap;
use std::f64::consts::PI;
use std::sync::OnceLock;

use plotters::backend::SVGBackend;
use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, DrawingAreaErrorKind, IntoDrawingArea};
use plotters::element::{Circle, PathElement, Polygon, Rectangle, Text};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{
    register_font, Color, FontDesc, FontFamily, FontStyle, FontTransform, RGBColor, TextStyle,
};

use crate::format::{self, NotANumber, PercentStyle};
use crate::model::{Chart, ChartKind, ValueFormat};

/// Font family written into the SVG text; typst is given the same font via --font-path.
pub const FONT_FAMILY: &str = "DejaVu Sans";

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The embedded DejaVu Sans could not be registered for text measurement.
    #[error("Abbildung „{id}“: die Schrift DejaVu Sans lässt sich nicht laden")]
    Font {
        /// Chart id.
        id: String,
    },
    /// A value is NaN or infinite.
    #[error("Abbildung „{id}“: die Reihe „{series}“ enthält den Wert {value}, der keine endliche Zahl ist")]
    NotFinite {
        /// Chart id.
        id: String,
        /// Series name.
        series: String,
        /// The offending value as text.
        value: String,
    },
    /// The values span a range too large for an axis.
    #[error("Abbildung „{id}“: die Werte liegen zu weit auseinander, um eine Achse zu zeichnen")]
    Range {
        /// Chart id.
        id: String,
    },
    /// A donut chart shows shares of a whole, which negative values cannot be.
    #[error("Abbildung „{id}“: ein Ringdiagramm kann den negativen Wert {value} (Kategorie „{category}“) nicht als Anteil darstellen")]
    Negative {
        /// Chart id.
        id: String,
        /// Category of the value.
        category: String,
        /// The value, German-formatted.
        value: String,
    },
    /// A number could not be formatted.
    #[error("Abbildung „{id}“: {source}")]
    Number {
        /// Chart id.
        id: String,
        /// The formatting error.
        #[source]
        source: NotANumber,
    },
    /// plotters reported a drawing error.
    #[error("Abbildung „{id}“: Zeichnen fehlgeschlagen: {message}")]
    Draw {
        /// Chart id.
        id: String,
        /// plotters' message.
        message: String,
    },
}

/// Draws the chart as a standalone SVG document (UTF-8 string).
///
/// The same chart always yields the same bytes. `None` values (pending figures) are left out;
/// a chart without any value shows a short note instead of data.
pub fn render_svg(chart: &Chart) -> Result<String, ChartError> {
    render(chart).map_err(|problem| problem.with_id(&chart.id))
}

/// Chart SVGs from the previous build, reused while a chart's resolved values stay the same.
///
/// `amip serve` rebuilds on every save; with this cache a chapter edit does not redraw the
/// charts. The key is the whole resolved [`Chart`] (compared by value), so any change in data,
/// captions or declarations draws the chart again.
#[derive(Debug, Default)]
pub struct SvgCache {
    entries: std::collections::HashMap<String, (Chart, String)>,
    drawn: usize,
}

impl SvgCache {
    /// The SVG of `chart`, drawn only when it differs from the cached chart of the same id.
    pub fn render(&mut self, chart: &Chart) -> Result<String, ChartError> {
        if let Some((cached, svg)) = self.entries.get(&chart.id) {
            if cached == chart {
                return Ok(svg.clone());
            }
        }
        let svg = render_svg(chart)?;
        self.drawn += 1;
        self.entries
            .insert(chart.id.clone(), (chart.clone(), svg.clone()));
        Ok(svg)
    }

    /// Forgets charts whose id is not in `ids` (removed declarations).
    pub fn retain<'a>(&mut self, ids: impl IntoIterator<Item = &'a String>) {
        let keep: std::collections::HashSet<&String> = ids.into_iter().collect();
        self.entries.retain(|id, _| keep.contains(id));
    }

    /// How many charts were drawn (not taken from the cache) so far.
    pub fn drawn(&self) -> usize {
        self.drawn
    }
}

fn render(chart: &Chart) -> Result<String, Problem> {
    if !fonts_registered() {
        return Err(Problem::Font);
    }
    let data = Data::new(chart)?;
    match chart.kind {
        ChartKind::Ring => ring(chart, &data),
        kind => cartesian(chart, &data, kind),
    }
}

// ---------------------------------------------------------------------------------------------
// Errors without the chart id, which `render_svg` adds.

#[derive(Debug)]
enum Problem {
    Font,
    NotFinite { series: String, value: f64 },
    Range,
    Negative { category: String, value: String },
    Number(NotANumber),
    Draw(String),
}

impl Problem {
    fn with_id(self, id: &str) -> ChartError {
        let id = id.to_string();
        match self {
            Problem::Font => ChartError::Font { id },
            Problem::NotFinite { series, value } => ChartError::NotFinite {
                id,
                series,
                value: value.to_string(),
            },
            Problem::Range => ChartError::Range { id },
            Problem::Negative { category, value } => ChartError::Negative {
                id,
                category,
                value,
            },
            Problem::Number(source) => ChartError::Number { id, source },
            Problem::Draw(message) => ChartError::Draw { id, message },
        }
    }
}

impl From<NotANumber> for Problem {
    fn from(value: NotANumber) -> Self {
        Problem::Number(value)
    }
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for Problem {
    fn from(value: DrawingAreaErrorKind<E>) -> Self {
        Problem::Draw(value.to_string())
    }
}

type Res<T> = Result<T, Problem>;

// ---------------------------------------------------------------------------------------------
// Fonts, colours and text measurement.

/// Registers DejaVu Sans with plotters once; `false` if the font data was rejected.
fn fonts_registered() -> bool {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    *REGISTERED.get_or_init(|| {
        let regular =
            register_font(FONT_FAMILY, FontStyle::Normal, dejavu::sans::regular()).is_ok();
        let bold = register_font(FONT_FAMILY, FontStyle::Bold, dejavu::sans::bold()).is_ok();
        regular && bold
    })
}

/// plotters divides the font size by 1.24 when it writes SVG; sizes below are in SVG pixels.
const PLOTTERS_SIZE_FACTOR: f64 = 1.24;
/// Widths above this are treated as "too wide" anyway; keeps integer arithmetic small.
const MAX_TEXT_WIDTH: i32 = 100_000;

#[derive(Clone, Copy)]
struct Font {
    px: f64,
    bold: bool,
}

/// Tick, category, legend and axis-title text.
const LABEL: Font = Font {
    px: 12.0,
    bold: false,
};
/// Emphasised label text (ring percentages, totals).
const LABEL_BOLD: Font = Font {
    px: 12.0,
    bold: true,
};
/// Value labels at points, bars and segments.
const VALUE: Font = Font {
    px: 11.0,
    bold: false,
};
/// Emphasised value labels (stack totals).
const VALUE_BOLD: Font = Font {
    px: 11.0,
    bold: true,
};
/// Line height of 12 px text.
const LINE: i32 = 15;
/// Height reserved for one 11 px value label.
const VALUE_H: i32 = 13;

fn font_desc(font: Font) -> FontDesc<'static> {
    let style = if font.bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    FontDesc::new(
        FontFamily::Name(FONT_FAMILY),
        font.px * PLOTTERS_SIZE_FACTOR,
        style,
    )
}

/// Width of `text` in pixels, measured with DejaVu Sans' metrics (slightly generous).
fn text_width(text: &str, font: Font) -> Res<i32> {
    if text.is_empty() {
        return Ok(0);
    }
    let (width, _) = font_desc(font).box_size(text).map_err(|_| Problem::Font)?;
    Ok(i32::try_from(width)
        .unwrap_or(MAX_TEXT_WIDTH)
        .min(MAX_TEXT_WIDTH))
}

/// Shortens `text` with "…" so it fits into `max_width`.
fn ellipsize(text: &str, font: Font, max_width: i32) -> Res<String> {
    if text_width(text, font)? <= max_width {
        return Ok(text.to_string());
    }
    let chars: Vec<char> = text.chars().collect();
    // Binary search for the longest prefix that fits with the ellipsis.
    let (mut fits, mut too_long) = (0usize, chars.len());
    while too_long - fits > 1 {
        let middle = fits + (too_long - fits) / 2;
        let candidate: String = chars.iter().take(middle).collect();
        if text_width(&format!("{}…", candidate.trim_end()), font)? <= max_width {
            fits = middle;
        } else {
            too_long = middle;
        }
    }
    let prefix: String = chars.iter().take(fits).collect();
    Ok(format!("{}…", prefix.trim_end()))
}

/// Breaks `text` into at most `max_lines` lines of `max_width`. Returns `None` when a single
/// word is wider than a line; the last line is shortened with "…" when lines run out.
fn wrap(text: &str, font: Font, max_width: i32, max_lines: usize) -> Res<Option<Vec<String>>> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if text_width(word, font)? > max_width {
            return Ok(None);
        }
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if current.is_empty() || text_width(&candidate, font)? <= max_width {
            current = candidate;
        } else {
            lines.push(std::mem::replace(&mut current, word.to_string()));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        let rest: Vec<String> = lines.split_off(max_lines.saturating_sub(1));
        let last = ellipsize(&format!("{} …", rest.join(" ")), font, max_width)?;
        // Keep the ellipsis even if the joined rest happened to fit.
        let last = if last.ends_with('…') {
            last
        } else {
            ellipsize(&format!("{last}…"), font, max_width)?
        };
        lines.push(last);
    }
    Ok(Some(lines))
}

/// Replaces control characters (invalid in XML) by spaces and trims.
fn clean(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned.trim().to_string()
}

/// Series colours. Each reaches at least 4.5:1 against white, so it may colour text as well.
const PALETTE: [RGBColor; 6] = [
    RGBColor(0x1f, 0x4e, 0x79), // dark blue
    RGBColor(0xb3, 0x58, 0x06), // orange-brown
    RGBColor(0x00, 0x69, 0x5c), // teal
    RGBColor(0x6a, 0x3d, 0x9a), // purple
    RGBColor(0xa5, 0x00, 0x26), // dark red
    RGBColor(0x4d, 0x4d, 0x4d), // grey
];
/// Body text (about 17:1 against white).
const TEXT: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
/// Axis and zero lines, leader lines (about 7:1).
const AXIS: RGBColor = RGBColor(0x59, 0x59, 0x59);
/// Decorative grid lines; values are also labelled directly.
const GRID: RGBColor = RGBColor(0xd9, 0xd9, 0xd9);
/// Background and hatching.
const PAPER: RGBColor = RGBColor(0xff, 0xff, 0xff);

fn palette(index: usize) -> RGBColor {
    PALETTE.get(index % PALETTE.len()).copied().unwrap_or(TEXT)
}

/// Marker shapes for line charts, so series differ without colour.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Marker {
    Circle,
    Square,
    TriangleUp,
    Diamond,
    TriangleDown,
    Plus,
}

const MARKERS: [Marker; 6] = [
    Marker::Circle,
    Marker::Square,
    Marker::TriangleUp,
    Marker::Diamond,
    Marker::TriangleDown,
    Marker::Plus,
];

/// Fill patterns for bars, so series differ without colour.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Hatch {
    Solid,
    Rising,
    Horizontal,
    Falling,
    Vertical,
    Cross,
}

const HATCHES: [Hatch; 6] = [
    Hatch::Solid,
    Hatch::Rising,
    Hatch::Horizontal,
    Hatch::Falling,
    Hatch::Vertical,
    Hatch::Cross,
];

#[derive(Clone, Copy)]
struct SeriesStyle {
    colour: RGBColor,
    marker: Marker,
    hatch: Hatch,
}

/// Style of series `index`: colour and shape cycle with offset periods, so even the seventh
/// series differs from the first.
fn series_style(index: usize) -> SeriesStyle {
    let variant = (index + index / PALETTE.len()) % MARKERS.len();
    SeriesStyle {
        colour: palette(index),
        marker: MARKERS.get(variant).copied().unwrap_or(Marker::Circle),
        hatch: HATCHES.get(variant).copied().unwrap_or(Hatch::Solid),
    }
}

// ---------------------------------------------------------------------------------------------
// Canvas: thin wrapper over plotters' drawing area in pixel coordinates.

struct Canvas<'a> {
    area: DrawingArea<SVGBackend<'a>, Shift>,
}

type Point = (i32, i32);

impl Canvas<'_> {
    fn text(&self, text: &str, at: Point, font: Font, colour: RGBColor, anchor: Pos) -> Res<()> {
        self.text_turned(text, at, font, colour, anchor, FontTransform::None)
    }

    fn text_turned(
        &self,
        text: &str,
        at: Point,
        font: Font,
        colour: RGBColor,
        anchor: Pos,
        transform: FontTransform,
    ) -> Res<()> {
        if text.is_empty() {
            return Ok(());
        }
        let style = TextStyle::from(font_desc(font).transform(transform))
            .color(&colour)
            .pos(anchor);
        self.area.draw(&Text::new(text.to_string(), at, style))?;
        Ok(())
    }

    fn rect(&self, a: Point, b: Point, colour: RGBColor) -> Res<()> {
        let upper_left = (a.0.min(b.0), a.1.min(b.1));
        let lower_right = (a.0.max(b.0), a.1.max(b.1));
        self.area
            .draw(&Rectangle::new([upper_left, lower_right], colour.filled()))?;
        Ok(())
    }

    fn path(&self, points: Vec<Point>, colour: RGBColor, width: u32) -> Res<()> {
        if points.len() < 2 {
            return Ok(());
        }
        self.area
            .draw(&PathElement::new(points, colour.stroke_width(width)))?;
        Ok(())
    }

    fn polygon(&self, points: Vec<Point>, colour: RGBColor) -> Res<()> {
        if points.len() < 3 {
            return Ok(());
        }
        self.area.draw(&Polygon::new(points, colour.filled()))?;
        Ok(())
    }

    fn circle(&self, center: Point, radius: i32, colour: RGBColor) -> Res<()> {
        self.area
            .draw(&Circle::new(center, radius, colour.filled()))?;
        Ok(())
    }

    /// A marker centred at `at`, with a white halo that separates it from crossing lines.
    fn marker(&self, marker: Marker, at: Point, colour: RGBColor) -> Res<()> {
        self.marker_shape(marker, at, 6, PAPER)?;
        self.marker_shape(marker, at, 4, colour)
    }

    fn marker_shape(&self, marker: Marker, (x, y): Point, r: i32, colour: RGBColor) -> Res<()> {
        match marker {
            Marker::Circle => self.circle((x, y), r, colour),
            Marker::Square => self.rect((x - r, y - r), (x + r, y + r), colour),
            Marker::TriangleUp => self.polygon(
                vec![(x, y - r - 1), (x + r + 1, y + r), (x - r - 1, y + r)],
                colour,
            ),
            Marker::TriangleDown => self.polygon(
                vec![(x - r - 1, y - r), (x + r + 1, y - r), (x, y + r + 1)],
                colour,
            ),
            Marker::Diamond => self.polygon(
                vec![
                    (x, y - r - 1),
                    (x + r + 1, y),
                    (x, y + r + 1),
                    (x - r - 1, y),
                ],
                colour,
            ),
            Marker::Plus => {
                let (a, b) = (r / 2, r + 1);
                self.polygon(
                    vec![
                        (x - a, y - b),
                        (x + a, y - b),
                        (x + a, y - a),
                        (x + b, y - a),
                        (x + b, y + a),
                        (x + a, y + a),
                        (x + a, y + b),
                        (x - a, y + b),
                        (x - a, y + a),
                        (x - b, y + a),
                        (x - b, y - a),
                        (x - a, y - a),
                    ],
                    colour,
                )
            }
        }
    }

    /// A filled box with the series' hatch pattern in white lines.
    fn hatched_rect(&self, a: Point, b: Point, style: SeriesStyle) -> Res<()> {
        self.rect(a, b, style.colour)?;
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        if x1 - x0 < 6 || y1 - y0 < 3 {
            return Ok(());
        }
        const GAP: i32 = 6;
        let first = |from: i32| from.div_euclid(GAP) * GAP + GAP;
        let mut lines: Vec<(Point, Point)> = Vec::new();
        let rising = |lines: &mut Vec<(Point, Point)>| {
            // Lines x + y = c, which rise to the right on screen.
            let mut c = first(x0 + y0);
            while c < x1 + y1 {
                let (from, to) = ((c - y1).max(x0), (c - y0).min(x1));
                if from < to {
                    lines.push(((from, c - from), (to, c - to)));
                }
                c += GAP;
            }
        };
        let falling = |lines: &mut Vec<(Point, Point)>| {
            // Lines x − y = c, which fall to the right on screen.
            let mut c = first(x0 - y1);
            while c < x1 - y0 {
                let (from, to) = ((c + y0).max(x0), (c + y1).min(x1));
                if from < to {
                    lines.push(((from, from - c), (to, to - c)));
                }
                c += GAP;
            }
        };
        match style.hatch {
            Hatch::Solid => {}
            Hatch::Rising => rising(&mut lines),
            Hatch::Falling => falling(&mut lines),
            Hatch::Cross => {
                rising(&mut lines);
                falling(&mut lines);
            }
            Hatch::Horizontal => {
                let mut y = first(y0);
                while y < y1 {
                    lines.push(((x0, y), (x1, y)));
                    y += GAP;
                }
            }
            Hatch::Vertical => {
                let mut x = first(x0);
                while x < x1 {
                    lines.push(((x, y0), (x, y1)));
                    x += GAP;
                }
            }
        }
        for (from, to) in lines {
            self.path(vec![from, to], PAPER, 1)?;
        }
        Ok(())
    }
}

/// Creates the SVG document of the given size, lets `draw` fill it and returns the text.
fn svg(size: (u32, u32), draw: impl FnOnce(&Canvas) -> Res<()>) -> Res<String> {
    let mut buffer = String::new();
    {
        let area = SVGBackend::with_string(&mut buffer, size).into_drawing_area();
        area.fill(&PAPER)?;
        let canvas = Canvas { area };
        draw(&canvas)?;
        canvas.area.present()?;
    }
    Ok(ensure_view_box(buffer, size))
}

/// Adds a `viewBox` to the root element if the backend did not write one, so the SVG scales.
fn ensure_view_box(svg: String, (width, height): (u32, u32)) -> String {
    let root_end = svg.find('>').unwrap_or(0);
    if svg
        .get(..root_end)
        .is_some_and(|root| root.contains("viewBox"))
    {
        return svg;
    }
    svg.replacen(
        "<svg ",
        &format!("<svg viewBox=\"0 0 {width} {height}\" "),
        1,
    )
}

/// Rounds a pixel position; out-of-range and NaN values are clamped instead of wrapping.
fn px(value: f64) -> i32 {
    if value.is_nan() {
        0
    } else {
        value.clamp(-1_000_000.0, 1_000_000.0).round() as i32
    }
}

// ---------------------------------------------------------------------------------------------
// Input data.

/// The chart's data, cleaned: one value per category for every series.
struct Data {
    categories: Vec<String>,
    names: Vec<String>,
    /// `values[series][category]`.
    values: Vec<Vec<Option<f64>>>,
}

impl Data {
    fn new(chart: &Chart) -> Res<Self> {
        for series in &chart.series {
            if let Some(value) = series.values.iter().flatten().find(|v| !v.is_finite()) {
                return Err(Problem::NotFinite {
                    series: series.name.clone(),
                    value: *value,
                });
            }
        }
        let categories: Vec<String> = chart.categories.iter().map(|c| clean(c)).collect();
        let names = chart
            .series
            .iter()
            .enumerate()
            .map(|(index, series)| {
                let name = clean(&series.name);
                if name.is_empty() {
                    format!("Reihe {}", index + 1)
                } else {
                    name
                }
            })
            .collect();
        let values = chart
            .series
            .iter()
            .map(|series| {
                (0..categories.len())
                    .map(|index| series.values.get(index).copied().flatten())
                    .collect()
            })
            .collect();
        Ok(Self {
            categories,
            names,
            values,
        })
    }

    fn present(&self) -> impl Iterator<Item = f64> + '_ {
        self.values.iter().flatten().flatten().copied()
    }
}

/// Text for a chart without drawable values.
fn empty_note(data: &Data) -> String {
    if data.categories.is_empty() || data.values.is_empty() {
        "Keine Werte vorhanden".to_string()
    } else {
        format!("Werte {}", format::PENDING)
    }
}

// ---------------------------------------------------------------------------------------------
// Value axis.

struct Axis {
    lo: f64,
    hi: f64,
    /// Tick values with their labels.
    ticks: Vec<(f64, String)>,
}

/// The value range the axis must show for this kind of chart.
fn value_range(data: &Data, kind: ChartKind) -> Res<Option<(f64, f64)>> {
    let mut values = data.present().peekable();
    if values.peek().is_none() {
        return Ok(None);
    }
    let (mut lo, mut hi) = if kind == ChartKind::Gestapelt {
        // Positive parts stack upwards from zero, negative parts downwards.
        let (mut lo, mut hi) = (0.0f64, 0.0f64);
        for category in 0..data.categories.len() {
            let (mut up, mut down) = (0.0, 0.0);
            for v in data
                .values
                .iter()
                .filter_map(|series| series.get(category).copied().flatten())
            {
                if v >= 0.0 {
                    up += v;
                } else {
                    down += v;
                }
            }
            lo = lo.min(down);
            hi = hi.max(up);
        }
        (lo, hi)
    } else {
        values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        })
    };
    match kind {
        ChartKind::Linie => {
            // Lines may leave out zero, unless the data come close to it anyway.
            if (lo >= 0.0 && lo <= hi / 2.0) || (hi <= 0.0 && hi >= lo / 2.0) || lo == hi {
                lo = lo.min(0.0);
                hi = hi.max(0.0);
            }
        }
        _ => {
            // Bars always grow from zero.
            lo = lo.min(0.0);
            hi = hi.max(0.0);
        }
    }
    if lo == hi {
        hi = lo + 1.0;
    }
    if !(hi - lo).is_finite() {
        return Err(Problem::Range);
    }
    Ok(Some((lo, hi)))
}

/// Smallest tick step that the format can label without repeating numbers.
fn min_step(format: ValueFormat) -> f64 {
    match format {
        ValueFormat::Ganz | ValueFormat::Euro => 1.0,
        ValueFormat::Dezimal1 | ValueFormat::Prozent | ValueFormat::Text => 0.1,
        ValueFormat::Dezimal2 => 0.01,
    }
}

/// A "nice" step (1, 2 or 5 times a power of ten) for about six intervals.
fn nice_step(span: f64, format: ValueFormat) -> Res<f64> {
    let raw = span / 6.0;
    if !(raw.is_finite() && raw > 0.0) {
        return Err(Problem::Range);
    }
    let base = 10f64.powf(raw.log10().floor());
    let fraction = raw / base;
    let factor = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    let step = (factor * base).max(min_step(format));
    if step.is_finite() && step > 0.0 {
        Ok(step)
    } else {
        Err(Problem::Range)
    }
}

/// Decimal places a tick label needs for `step`.
fn step_digits(step: f64) -> u8 {
    if step >= 0.999 {
        0
    } else if step >= 0.0999 {
        1
    } else {
        2
    }
}

fn axis(lo: f64, hi: f64, format: ValueFormat) -> Res<Axis> {
    let step = nice_step(hi - lo, format)?;
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    let count = last - first;
    if !(first.is_finite() && last.is_finite() && (1.0..=100.0).contains(&count)) {
        return Err(Problem::Range);
    }
    let values: Vec<f64> = (0..=count as usize)
        .map(|k| (first + k as f64) * step)
        .collect();
    let largest = values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let millions = format == ValueFormat::Euro && largest >= 1_000_000.0 && step >= 10_000.0;
    let mut ticks = Vec::with_capacity(values.len());
    for value in values {
        let label = match format {
            ValueFormat::Prozent => format::percent(value, step_digits(step), PercentStyle::Sign)?,
            ValueFormat::Euro if millions => {
                format::million_euro(value, step_digits(step / 1_000_000.0))?
            }
            ValueFormat::Euro => format::euro(value, 0)?,
            _ => format::number(value, step_digits(step))?,
        };
        ticks.push((value, label));
    }
    Ok(Axis {
        lo: first * step,
        hi: last * step,
        ticks,
    })
}

// ---------------------------------------------------------------------------------------------
// Shared layout pieces.

const WIDTH: u32 = 720;
const HEIGHT: u32 = 400;
const MARGIN: i32 = 10;
const W: i32 = WIDTH as i32;
const H: i32 = HEIGHT as i32;

/// The plot rectangle and its value mapping.
struct Plot {
    left: i32,
    right: i32,
    top: i32,
    bottom: i32,
    /// Pixel rows where the axis' lowest and highest values lie.
    value_bottom: i32,
    value_top: i32,
    lo: f64,
    hi: f64,
    count: usize,
}

impl Plot {
    fn y(&self, value: f64) -> i32 {
        let span = self.hi - self.lo;
        let fraction = if span > 0.0 {
            (value - self.lo) / span
        } else {
            0.0
        };
        px(f64::from(self.value_bottom) - fraction * f64::from(self.value_bottom - self.value_top))
    }

    /// Width of one category.
    fn slot(&self) -> f64 {
        f64::from(self.right - self.left) / self.count.max(1) as f64
    }

    /// Pixel column of a position measured in categories from the left edge.
    fn x(&self, position: f64) -> i32 {
        px(f64::from(self.left) + position * self.slot())
    }

    fn center(&self, category: usize) -> i32 {
        self.x(category as f64 + 0.5)
    }
}

/// How category labels are set under the plot.
enum CategoryLayout {
    /// Horizontal, wrapped into lines, one label per category.
    Wrapped(Vec<Vec<String>>),
    /// Turned by 90°, every `step`-th category (with its index).
    Turned {
        labels: Vec<(usize, String)>,
        step: usize,
    },
}

impl CategoryLayout {
    fn new(categories: &[String], slot: f64) -> Res<Self> {
        if slot >= 30.0 {
            let width = px(slot - 6.0);
            let mut wrapped = Vec::with_capacity(categories.len());
            let mut all_fit = true;
            for category in categories {
                match wrap(category, LABEL, width, 3)? {
                    Some(lines) => wrapped.push(lines),
                    None => {
                        all_fit = false;
                        break;
                    }
                }
            }
            if all_fit {
                return Ok(CategoryLayout::Wrapped(wrapped));
            }
        }
        let step = if slot >= f64::from(LINE) {
            1
        } else {
            (f64::from(LINE + 2) / slot.max(0.001)).ceil().min(1e9) as usize
        };
        let step = step.max(1);
        let labels = categories
            .iter()
            .enumerate()
            .step_by(step)
            .map(|(index, category)| Ok((index, ellipsize(category, LABEL, 110)?)))
            .collect::<Res<Vec<_>>>()?;
        Ok(CategoryLayout::Turned { labels, step })
    }

    /// Height the labels need below the plot.
    fn height(&self) -> Res<i32> {
        Ok(match self {
            CategoryLayout::Wrapped(labels) => {
                let lines = labels.iter().map(Vec::len).max().unwrap_or(0);
                i32::try_from(lines).unwrap_or(3) * LINE
            }
            CategoryLayout::Turned { labels, .. } => {
                let mut widest = 0;
                for (_, label) in labels {
                    widest = widest.max(text_width(label, LABEL)?);
                }
                widest
            }
        })
    }

    /// Whether category `index` carries a label.
    fn labelled(&self, index: usize) -> bool {
        match self {
            CategoryLayout::Wrapped(_) => true,
            CategoryLayout::Turned { step, .. } => index.is_multiple_of(*step),
        }
    }

    fn draw(&self, canvas: &Canvas, plot: &Plot, y: i32) -> Res<()> {
        match self {
            CategoryLayout::Wrapped(labels) => {
                for (index, lines) in labels.iter().enumerate() {
                    let x = plot.center(index);
                    let mut line_y = y;
                    for line in lines {
                        canvas.text(line, (x, line_y), LABEL, TEXT, top_center())?;
                        line_y += LINE;
                    }
                }
            }
            CategoryLayout::Turned { labels, .. } => {
                for (index, label) in labels {
                    canvas.text_turned(
                        label,
                        (plot.center(*index), y),
                        LABEL,
                        TEXT,
                        Pos::new(HPos::Right, VPos::Center),
                        FontTransform::Rotate270,
                    )?;
                }
            }
        }
        Ok(())
    }
}

fn top_center() -> Pos {
    Pos::new(HPos::Center, VPos::Top)
}

fn top_left() -> Pos {
    Pos::new(HPos::Left, VPos::Top)
}

/// One placed legend entry; `series` is `None` for the "… und N weitere" note.
struct LegendEntry {
    series: Option<usize>,
    text: String,
    x: i32,
    row: i32,
}

const LEGEND_ROW: i32 = 20;
const LEGEND_GAP: i32 = 18;

/// Lays out legend entries in rows of `width`, at most `max_rows`.
fn legend_layout(
    names: &[String],
    sample: i32,
    width: i32,
    max_rows: i32,
) -> Res<Vec<LegendEntry>> {
    let mut entries: Vec<LegendEntry> = Vec::new();
    let (mut x, mut row) = (0, 0);
    for (index, name) in names.iter().enumerate() {
        let text = ellipsize(name, LABEL, width - sample - 6)?;
        let entry_width = sample + 6 + text_width(&text, LABEL)?;
        if x > 0 && x + entry_width > width {
            row += 1;
            x = 0;
        }
        if row >= max_rows {
            // Make room on the last row for a note about the rest.
            let mut rest = names.len() - index;
            loop {
                let note = format!("… und {rest} weitere");
                let end = entries
                    .last()
                    .filter(|entry| entry.row == max_rows - 1)
                    .map(|entry| -> Res<i32> {
                        Ok(entry.x + sample + 6 + text_width(&entry.text, LABEL)? + LEGEND_GAP)
                    })
                    .transpose()?
                    .unwrap_or(0);
                if end + text_width(&note, LABEL)? <= width || end == 0 {
                    entries.push(LegendEntry {
                        series: None,
                        text: note,
                        x: end,
                        row: max_rows - 1,
                    });
                    break;
                }
                entries.pop();
                rest += 1;
            }
            break;
        }
        entries.push(LegendEntry {
            series: Some(index),
            text,
            x,
            row,
        });
        x += entry_width + LEGEND_GAP;
    }
    Ok(entries)
}

fn legend_height(entries: &[LegendEntry]) -> i32 {
    entries.iter().map(|entry| entry.row + 1).max().unwrap_or(0) * LEGEND_ROW
}

// ---------------------------------------------------------------------------------------------
// Line, bar and stacked-bar charts.

/// How value labels of bars are set.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BarLabels {
    Horizontal,
    Turned,
    None,
}

fn cartesian(chart: &Chart, data: &Data, kind: ChartKind) -> Res<String> {
    let count = data.categories.len();
    let series_count = data.values.len();
    let range = if count > 0 && series_count > 0 {
        value_range(data, kind)?
    } else {
        None
    };
    let axis = range
        .map(|(lo, hi)| axis(lo, hi, chart.format))
        .transpose()?;

    // Formatted value labels, `labels[series][category]`.
    let labels: Vec<Vec<Option<String>>> = data
        .values
        .iter()
        .map(|series| {
            series
                .iter()
                .map(|value| value.map(|v| chart.format.number(v)).transpose())
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<Vec<_>, _>>()?;

    // Horizontal layout: y title, tick labels, plot.
    let y_title = chart.y_title.as_deref().map(clean).unwrap_or_default();
    let x_title = chart.x_title.as_deref().map(clean).unwrap_or_default();
    let mut tick_width = 0;
    for (_, label) in axis.iter().flat_map(|axis| axis.ticks.iter()) {
        tick_width = tick_width.max(text_width(label, LABEL)?);
    }
    let title_width = if y_title.is_empty() { 0 } else { LINE + 6 };
    let left = MARGIN + title_width + tick_width.min(W / 3) + 8;
    let right = W - 16;

    // Legend above the plot.
    let show_legend = series_count > 1 || (series_count == 1 && y_title.is_empty());
    let sample = if kind == ChartKind::Linie { 28 } else { 14 };
    let legend = if show_legend {
        legend_layout(&data.names, sample, right - left, 3)?
    } else {
        Vec::new()
    };
    let legend_h = legend_height(&legend);
    let top = MARGIN + legend_h + if legend_h > 0 { 10 } else { 0 };

    // Categories and x title below the plot.
    let slot = f64::from(right - left) / count.max(1) as f64;
    let categories = CategoryLayout::new(&data.categories, slot)?;
    let x_title_h = if x_title.is_empty() { 0 } else { LINE + 6 };
    let bottom = (H - MARGIN - x_title_h - categories.height()?.min(H / 3) - 8).max(top + 60);

    // Room for value labels above (and below) the data.
    let mut widest_label = 0;
    for label in labels.iter().flatten().flatten() {
        widest_label = widest_label.max(text_width(label, VALUE)?);
    }
    let bar_width = match kind {
        ChartKind::Balken => slot * 0.8 / series_count.max(1) as f64,
        _ => slot * 0.6,
    };
    let bar_labels = if kind != ChartKind::Balken {
        BarLabels::None
    } else if f64::from(widest_label)
        <= if series_count == 1 {
            slot - 4.0
        } else {
            bar_width - 1.0
        }
    {
        BarLabels::Horizontal
    } else if bar_width >= f64::from(VALUE_H) && widest_label <= 90 {
        BarLabels::Turned
    } else {
        BarLabels::None
    };
    let label_room = match (kind, bar_labels) {
        (ChartKind::Balken, BarLabels::Turned) => widest_label + 6,
        (ChartKind::Balken, BarLabels::None) => 4,
        _ => VALUE_H + 6,
    };
    let negative = axis.as_ref().is_some_and(|axis| axis.lo < 0.0);
    // Lines need room below only when their lowest points lie near the bottom edge.
    let lowest = data.present().fold(f64::INFINITY, f64::min);
    let near_bottom = axis.as_ref().is_some_and(|axis| {
        (lowest - axis.lo) / (axis.hi - axis.lo) * f64::from(bottom - top) < f64::from(VALUE_H + 10)
    });
    let pad_bottom = match kind {
        ChartKind::Linie if near_bottom && series_count > 1 => VALUE_H + 8,
        ChartKind::Linie if near_bottom => 6,
        ChartKind::Linie => 0,
        _ if negative => label_room,
        _ => 0,
    };
    let pad_top = label_room.min((bottom - top) / 3);
    let pad_bottom = pad_bottom.min((bottom - top) / 3);
    let plot = Plot {
        left,
        right,
        top,
        bottom,
        value_bottom: bottom - pad_bottom,
        value_top: top + pad_top,
        lo: axis.as_ref().map_or(0.0, |axis| axis.lo),
        hi: axis.as_ref().map_or(1.0, |axis| axis.hi),
        count,
    };

    svg((WIDTH, HEIGHT), |canvas| {
        // Grid and tick labels.
        if let Some(axis) = &axis {
            for (value, label) in &axis.ticks {
                let y = plot.y(*value);
                canvas.path(vec![(left, y), (right, y)], GRID, 1)?;
                canvas.text(
                    label,
                    (left - 8, y),
                    LABEL,
                    TEXT,
                    Pos::new(HPos::Right, VPos::Center),
                )?;
            }
        }

        match kind {
            ChartKind::Linie => draw_lines(canvas, &plot, data, &labels, &categories)?,
            ChartKind::Balken => draw_bars(canvas, &plot, data, &labels, bar_width, bar_labels)?,
            _ => draw_stacks(canvas, &plot, chart.format, data, &labels, bar_width)?,
        }

        // Axis lines: bars stand on zero; lines have the bottom edge as axis and a zero line
        // only where the values cross zero.
        if kind == ChartKind::Linie || axis.is_none() {
            canvas.path(vec![(left, bottom), (right, bottom)], AXIS, 1)?;
        }
        if axis.is_some() && (kind != ChartKind::Linie || (plot.lo < 0.0 && plot.hi > 0.0)) {
            let zero = plot.y(0.0);
            canvas.path(vec![(left, zero), (right, zero)], AXIS, 1)?;
        }
        if kind == ChartKind::Linie {
            for index in (0..count).filter(|index| categories.labelled(*index)) {
                let x = plot.center(index);
                canvas.path(vec![(x, bottom), (x, bottom + 4)], AXIS, 1)?;
            }
        }
        categories.draw(canvas, &plot, bottom + 7)?;

        // Axis titles.
        if !x_title.is_empty() {
            let text = ellipsize(&x_title, LABEL, right - left)?;
            canvas.text(
                &text,
                ((left + right) / 2, H - MARGIN),
                LABEL,
                TEXT,
                Pos::new(HPos::Center, VPos::Bottom),
            )?;
        }
        if !y_title.is_empty() {
            let text = ellipsize(&y_title, LABEL, bottom - top)?;
            canvas.text_turned(
                &text,
                (MARGIN + LINE / 2, (top + bottom) / 2),
                LABEL,
                TEXT,
                Pos::new(HPos::Center, VPos::Center),
                FontTransform::Rotate270,
            )?;
        }

        // Legend.
        for entry in &legend {
            let (x, y) = (left + entry.x, MARGIN + entry.row * LEGEND_ROW);
            let text_x = match entry.series {
                Some(index) => {
                    let style = series_style(index);
                    if kind == ChartKind::Linie {
                        canvas.path(vec![(x, y + 8), (x + sample, y + 8)], style.colour, 2)?;
                        canvas.marker(style.marker, (x + sample / 2, y + 8), style.colour)?;
                    } else {
                        canvas.hatched_rect((x, y + 1), (x + sample, y + 15), style)?;
                    }
                    x + sample + 6
                }
                None => x,
            };
            canvas.text(&entry.text, (text_x, y + 2), LABEL, TEXT, top_left())?;
        }

        if axis.is_none() {
            canvas.text(
                &empty_note(data),
                ((left + right) / 2, (top + bottom) / 2),
                LABEL,
                TEXT,
                Pos::new(HPos::Center, VPos::Center),
            )?;
        }
        Ok(())
    })
}

/// A value label placed near a point.
struct PointLabel {
    x: i32,
    y: i32,
    point_y: i32,
    text: String,
    width: i32,
    colour: RGBColor,
}

fn draw_lines(
    canvas: &Canvas,
    plot: &Plot,
    data: &Data,
    labels: &[Vec<Option<String>>],
    categories: &CategoryLayout,
) -> Res<()> {
    let slot = plot.slot();
    let all_markers = slot >= 10.0;
    let sparse_markers = match categories {
        CategoryLayout::Turned { step, .. } => slot * *step as f64 >= 14.0,
        CategoryLayout::Wrapped(_) => false,
    };
    let mut widest = 0;
    for label in labels.iter().flatten().flatten() {
        widest = widest.max(text_width(label, VALUE)?);
    }
    let label_all = f64::from(widest + 4) <= slot;

    // Labels grouped by category, so labels of one category can be spread apart.
    let mut placed: BTreeMap<usize, Vec<PointLabel>> = BTreeMap::new();
    for (index, values) in data.values.iter().enumerate() {
        let style = series_style(index);
        let points: Vec<Option<Point>> = values
            .iter()
            .enumerate()
            .map(|(category, value)| value.map(|v| (plot.center(category), plot.y(v))))
            .collect();
        // Lines between consecutive known values; pending values break the line.
        let mut run: Vec<Point> = Vec::new();
        for point in &points {
            match point {
                Some(point) => run.push(*point),
                None => canvas.path(std::mem::take(&mut run), style.colour, 2)?,
            }
        }
        canvas.path(run, style.colour, 2)?;

        let first = points.iter().position(Option::is_some);
        let last = points.iter().rposition(Option::is_some);
        for (category, point) in points.iter().enumerate() {
            let Some(point) = point else { continue };
            let labelled = label_all || Some(category) == first || Some(category) == last;
            let isolated = !((category > 0
                && points.get(category - 1).is_some_and(Option::is_some))
                || points.get(category + 1).is_some_and(Option::is_some));
            // Dense lines carry markers where the category axis is labelled, so the series stay
            // distinguishable by shape.
            let at_label = sparse_markers && categories.labelled(category);
            if all_markers || labelled || isolated || at_label {
                canvas.marker(style.marker, *point, style.colour)?;
            }
            let text = labels
                .get(index)
                .and_then(|series| series.get(category))
                .cloned()
                .flatten();
            if let (true, Some(text)) = (labelled, text) {
                let width = text_width(&text, VALUE)?;
                placed.entry(category).or_default().push(PointLabel {
                    x: point.0,
                    y: point.1,
                    point_y: point.1,
                    text,
                    width,
                    colour: style.colour,
                });
            }
        }
    }
    for labels in placed.values_mut() {
        spread_point_labels(labels, plot);
        for label in labels.iter() {
            let x = (label.x - label.width / 2)
                .min(W - MARGIN - label.width)
                .max(plot.left - 4);
            canvas.text(&label.text, (x, label.y), VALUE, label.colour, top_left())?;
        }
    }
    Ok(())
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

fn draw_bars(
    canvas: &Canvas,
    plot: &Plot,
    data: &Data,
    labels: &[Vec<Option<String>>],
    bar_width: f64,
    bar_labels: BarLabels,
) -> Res<()> {
    let zero = plot.y(0.0);
    let gap = if bar_width >= 4.0 { 1 } else { 0 };
    for (index, values) in data.values.iter().enumerate() {
        let style = series_style(index);
        for (category, value) in values.iter().enumerate() {
            let Some(value) = value else { continue };
            let start = category as f64 + 0.1 + index as f64 * bar_width / plot.slot();
            let x0 = plot.x(start);
            let x1 = plot.x(start + bar_width / plot.slot()) - gap;
            let y = plot.y(*value);
            if y != zero {
                canvas.hatched_rect((x0, y), (x1.max(x0), zero), style)?;
            }
            let text = labels
                .get(index)
                .and_then(|series| series.get(category))
                .cloned()
                .flatten();
            let Some(text) = text else { continue };
            let center = (x0 + x1) / 2;
            let below = *value < 0.0;
            match bar_labels {
                BarLabels::Horizontal => {
                    let anchor = if below {
                        Pos::new(HPos::Center, VPos::Top)
                    } else {
                        Pos::new(HPos::Center, VPos::Bottom)
                    };
                    let label_y = if below { y + 3 } else { y - 3 };
                    canvas.text(&text, (center, label_y), VALUE, TEXT, anchor)?;
                }
                BarLabels::Turned => {
                    let (anchor, label_y) = if below {
                        (Pos::new(HPos::Right, VPos::Center), y + 4)
                    } else {
                        (Pos::new(HPos::Left, VPos::Center), y - 4)
                    };
                    canvas.text_turned(
                        &text,
                        (center, label_y),
                        VALUE,
                        TEXT,
                        anchor,
                        FontTransform::Rotate270,
                    )?;
                }
                BarLabels::None => {}
            }
        }
    }
    Ok(())
}

fn draw_stacks(
    canvas: &Canvas,
    plot: &Plot,
    format: ValueFormat,
    data: &Data,
    labels: &[Vec<Option<String>>],
    bar_width: f64,
) -> Res<()> {
    let start = (1.0 - bar_width / plot.slot()) / 2.0;
    for category in 0..data.categories.len() {
        let x0 = plot.x(category as f64 + start);
        let x1 = plot.x(category as f64 + 1.0 - start).max(x0);
        let (mut up, mut down) = (0.0f64, 0.0f64);
        let mut complete = true;
        for (index, values) in data.values.iter().enumerate() {
            let Some(value) = values.get(category).copied().flatten() else {
                complete = false;
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
            let (y_from, y_to) = (plot.y(from), plot.y(to));
            if y_from == y_to {
                continue;
            }
            canvas.hatched_rect((x0, y_to), (x1, y_from), style)?;
            // The value inside the segment, on a plain patch so hatching does not cross it.
            let text = labels
                .get(index)
                .and_then(|series| series.get(category))
                .filter(|_| x1 - x0 >= 16 && (y_from - y_to).abs() >= VALUE_H + 2)
                .cloned()
                .flatten();
            if let Some(text) = text {
                let width = text_width(&text, VALUE)?;
                if width + 6 <= x1 - x0 {
                    let middle = (y_from + y_to) / 2;
                    let center = (x0 + x1) / 2;
                    canvas.rect(
                        (center - width / 2 - 2, middle - VALUE_H / 2 - 1),
                        (center + width / 2 + 2, middle + VALUE_H / 2 + 1),
                        style.colour,
                    )?;
                    canvas.text(
                        &text,
                        (center, middle),
                        VALUE,
                        PAPER,
                        Pos::new(HPos::Center, VPos::Center),
                    )?;
                }
            }
        }
        // The total above the stack, when every part is known.
        if complete && !data.values.is_empty() && plot.slot() >= 16.0 {
            let total = up + down;
            let text = format.number(total)?;
            if text_width(&text, VALUE_BOLD)? + 4 <= px(plot.slot()) {
                let (y, anchor) = if up > 0.0 || down == 0.0 {
                    (plot.y(up) - 3, Pos::new(HPos::Center, VPos::Bottom))
                } else {
                    (plot.y(down) + 3, Pos::new(HPos::Center, VPos::Top))
                };
                canvas.text(&text, ((x0 + x1) / 2, y), VALUE_BOLD, TEXT, anchor)?;
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Donut chart.

const RING_CX: i32 = 360;
const RING_CY: i32 = 170;
const RING_OUTER: f64 = 125.0;
const RING_INNER: f64 = 72.0;
/// Height of the ring with its labels; the legend follows below.
const RING_AREA: i32 = 340;
const RING_LABEL_WIDTH: i32 = 190;
const RING_LEGEND_ROWS: usize = 12;

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
        i32::try_from(self.lines.len()).unwrap_or(4) * LINE
    }
}

fn ring_point(radius: f64, angle: f64) -> Point {
    (
        px(f64::from(RING_CX) + radius * angle.cos()),
        px(f64::from(RING_CY) + radius * angle.sin()),
    )
}

fn ring(chart: &Chart, data: &Data) -> Res<String> {
    let values: Vec<Option<f64>> = data.values.first().cloned().unwrap_or_default();
    let count = data.categories.len();
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
    let complete = !values.is_empty() && values.iter().all(Option::is_some);

    let style = |index: usize| ring_style(index, count);

    // Legend entries: name, value and share.
    let mut entries: Vec<String> = Vec::with_capacity(count);
    let marks = chart
        .series
        .first()
        .map(|s| s.marks.as_slice())
        .unwrap_or_default();
    for (index, (name, value)) in data.categories.iter().zip(&values).enumerate() {
        let text = match value {
            None => match marks.get(index).copied().flatten() {
                Some(mark) => format!("{name}: {}", mark.in_text()),
                None => format!("{name}: {}", format::PENDING),
            },
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
        entries.push(text);
    }
    let full_width = W - 2 * MARGIN;
    let mut widest = 0;
    for entry in &entries {
        widest = widest.max(20 + text_width(entry, LABEL)?);
    }
    let columns: usize = if widest <= full_width / 2 - 12 { 2 } else { 1 };
    let column_width = full_width / i32::try_from(columns).unwrap_or(1);
    let capacity = RING_LEGEND_ROWS * columns;
    let shown_entries = if entries.len() > capacity {
        capacity - 1
    } else {
        entries.len()
    };
    let rows = shown_entries.div_ceil(columns) + usize::from(entries.len() > capacity);
    let rows = rows.min(RING_LEGEND_ROWS);
    let height = RING_AREA + i32::try_from(rows).unwrap_or(0) * LEGEND_ROW + MARGIN;

    // Segments, each with its share.
    let mut segments: Vec<(usize, f64, f64)> = Vec::new();
    let mut candidates: Vec<RingLabel> = Vec::new();
    if total > 0.0 {
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
    }
    // Labels beside the segments: each side holds only so many; the largest shares win and
    // the legend still lists every share.
    let per_side = usize::try_from((RING_AREA - 2 * MARGIN) / (2 * LINE + 4)).unwrap_or(1);
    let mut placed: Vec<RingLabel> = Vec::new();
    for right in [true, false] {
        let mut side: Vec<RingLabel> = Vec::new();
        for candidate in candidates.iter().filter(|label| label.right == right) {
            side.push(RingLabel {
                lines: Vec::new(),
                ..*candidate
            });
        }
        side.sort_by(|a, b| b.share.total_cmp(&a.share).then(a.index.cmp(&b.index)));
        side.truncate(per_side);
        for label in &mut side {
            let name = data
                .categories
                .get(label.index)
                .cloned()
                .unwrap_or_default();
            let mut lines = match wrap(&name, LABEL, RING_LABEL_WIDTH, 2)? {
                Some(lines) => lines,
                None => vec![ellipsize(&name, LABEL, RING_LABEL_WIDTH)?],
            };
            lines.push(format::percent(label.share, 1, PercentStyle::Sign)?);
            label.lines = lines;
        }
        placed.extend(place_ring_labels(side));
    }

    svg((WIDTH, u32::try_from(height).unwrap_or(HEIGHT)), |canvas| {
        if segments.is_empty() {
            // Nothing to divide: a grey ring and a note in its middle.
            canvas.polygon(annulus(-PI / 2.0, 1.5 * PI), GRID)?;
            let note = if count == 0 || values.iter().all(Option::is_none) {
                empty_note(data)
            } else {
                "Alle Werte sind 0".to_string()
            };
            center_text(canvas, &note, LABEL)?;
        } else {
            for (index, start, end) in &segments {
                let style = style(*index);
                canvas.polygon(annulus(*start, *end), style.colour)?;
                ring_stripes(canvas, style.hatch, *start, *end)?;
            }
            if segments.len() > 1 && segments.len() <= 72 {
                for (_, start, _) in &segments {
                    canvas.path(
                        vec![
                            ring_point(RING_INNER - 1.0, *start),
                            ring_point(RING_OUTER + 1.0, *start),
                        ],
                        PAPER,
                        2,
                    )?;
                }
            }
            if complete && chart.format != ValueFormat::Prozent {
                let total_text = chart.format.number(total)?;
                if text_width(&total_text, LABEL_BOLD)? <= px(2.0 * RING_INNER) - 14 {
                    canvas.text(
                        "Insgesamt",
                        (RING_CX, RING_CY - 2),
                        VALUE,
                        TEXT,
                        Pos::new(HPos::Center, VPos::Bottom),
                    )?;
                    canvas.text(
                        &total_text,
                        (RING_CX, RING_CY + 2),
                        LABEL_BOLD,
                        TEXT,
                        top_center(),
                    )?;
                }
            }
        }

        for label in &placed {
            let column = px(RING_OUTER) + 30;
            let (x, anchor, elbow) = if label.right {
                (RING_CX + column, HPos::Left, RING_CX + column - 6)
            } else {
                (RING_CX - column, HPos::Right, RING_CX - column + 6)
            };
            let line_y = label.y + LINE / 2;
            canvas.path(
                vec![ring_point(RING_OUTER + 3.0, label.angle), (elbow, line_y)],
                AXIS,
                1,
            )?;
            let count = label.lines.len();
            for (row, line) in label.lines.iter().enumerate() {
                let font = if row + 1 == count { LABEL_BOLD } else { LABEL };
                let y = label.y + i32::try_from(row).unwrap_or(0) * LINE;
                canvas.text(line, (x, y), font, TEXT, Pos::new(anchor, VPos::Top))?;
            }
        }

        // Legend below the ring, filled column by column.
        let legend_top = RING_AREA;
        let mut slots: Vec<(Option<usize>, String)> = entries
            .iter()
            .take(shown_entries)
            .cloned()
            .enumerate()
            .map(|(index, text)| (Some(index), text))
            .collect();
        if entries.len() > shown_entries {
            slots.push((
                None,
                format!("… und {} weitere", entries.len() - shown_entries),
            ));
        }
        let per_column = rows.max(1);
        for (position, (index, text)) in slots.iter().enumerate() {
            let column = i32::try_from(position / per_column).unwrap_or(0);
            let row = i32::try_from(position % per_column).unwrap_or(0);
            let x = MARGIN + column * column_width;
            let y = legend_top + row * LEGEND_ROW;
            let text_x = match index {
                Some(index) => {
                    canvas.hatched_rect((x, y + 1), (x + 14, y + 15), style(*index))?;
                    x + 20
                }
                None => x,
            };
            let text = ellipsize(text, LABEL, column_width - (text_x - x) - 12)?;
            canvas.text(&text, (text_x, y + 2), LABEL, TEXT, top_left())?;
        }
        Ok(())
    })
}

/// Outline of a ring segment from `start` to `end` (radians, clockwise on screen).
fn annulus(start: f64, end: f64) -> Vec<Point> {
    let sweep = end - start;
    let steps = (sweep.abs() / (PI / 180.0)).ceil().clamp(1.0, 720.0) as usize;
    let mut points = Vec::with_capacity(2 * steps + 2);
    for step in 0..=steps {
        points.push(ring_point(
            RING_OUTER,
            start + sweep * step as f64 / steps as f64,
        ));
    }
    for step in (0..=steps).rev() {
        points.push(ring_point(
            RING_INNER,
            start + sweep * step as f64 / steps as f64,
        ));
    }
    points
}

/// Style of ring segment `index` of `count`. Colours repeat after six categories, so later
/// rounds add white stripes (concentric arcs, then spokes); the last segment must not repeat
/// the colour of the first, its neighbour.
fn ring_style(index: usize, count: usize) -> SeriesStyle {
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
    }
}

/// White stripes inside a ring segment: concentric arcs for `Horizontal`, spokes for
/// `Vertical`. Both stay inside the segment, so no clipping is needed.
fn ring_stripes(canvas: &Canvas, hatch: Hatch, start: f64, end: f64) -> Res<()> {
    const DEGREE: f64 = PI / 180.0;
    let sweep = end - start;
    match hatch {
        Hatch::Horizontal if sweep >= 3.0 * DEGREE => {
            let steps = (sweep / DEGREE).ceil().clamp(1.0, 720.0) as usize;
            for k in 1..=2 {
                let radius = RING_INNER + (RING_OUTER - RING_INNER) * f64::from(k) / 3.0;
                let points = (0..=steps)
                    .map(|step| ring_point(radius, start + sweep * step as f64 / steps as f64))
                    .collect();
                canvas.path(points, PAPER, 2)?;
            }
        }
        Hatch::Vertical if sweep >= 8.0 * DEGREE => {
            let spokes = (sweep / (4.0 * DEGREE)).floor().clamp(1.0, 90.0) as usize;
            let gap = sweep / spokes as f64;
            for k in 1..spokes {
                let angle = start + gap * k as f64;
                canvas.path(
                    vec![ring_point(RING_INNER, angle), ring_point(RING_OUTER, angle)],
                    PAPER,
                    1,
                )?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn center_text(canvas: &Canvas, text: &str, font: Font) -> Res<()> {
    let width = px(2.0 * RING_INNER) - 16;
    let lines = match wrap(text, font, width, 3)? {
        Some(lines) => lines,
        None => vec![ellipsize(text, font, width)?],
    };
    let lines_h = i32::try_from(lines.len()).unwrap_or(1) * LINE;
    let mut y = RING_CY - lines_h / 2;
    for line in &lines {
        canvas.text(line, (RING_CX, y), font, TEXT, top_center())?;
        y += LINE;
    }
    Ok(())
}

/// Stacks the labels of one side of the ring near their segments without overlap; drops the
/// smallest shares when the side is full (the legend still lists every share).
fn place_ring_labels(mut labels: Vec<RingLabel>) -> Vec<RingLabel> {
    const GAP: i32 = 4;
    let (upper, lower) = (MARGIN, RING_AREA - MARGIN);
    loop {
        labels.sort_by_key(|label| {
            px(f64::from(RING_CY) + (RING_OUTER + 18.0) * label.angle.sin()) - label.height() / 2
        });
        for label in &mut labels {
            label.y = px(f64::from(RING_CY) + (RING_OUTER + 18.0) * label.angle.sin())
                - label.height() / 2;
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
        let fits = labels.first().is_none_or(|label| label.y >= upper);
        if fits {
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

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Series;

    fn chart(kind: ChartKind, categories: &[&str], series: &[(&str, &[Option<f64>])]) -> Chart {
        Chart {
            id: "test".to_string(),
            kind,
            caption: "Testabbildung".to_string(),
            source: None,
            alt: "Alternativtext".to_string(),
            x_title: Some("Jahr".to_string()),
            y_title: Some("Personen".to_string()),
            format: ValueFormat::Ganz,
            categories: categories.iter().map(|c| c.to_string()).collect(),
            series: series
                .iter()
                .map(|(name, values)| Series {
                    name: name.to_string(),
                    values: values.to_vec(),
                    marks: Vec::new(),
                })
                .collect(),
        }
    }

    fn sample(kind: ChartKind) -> Chart {
        chart(
            kind,
            &["2017", "2018", "2019"],
            &[
                (
                    "Bedarfsgemeinschaften",
                    &[Some(5485.0), Some(5210.0), Some(4987.0)],
                ),
                ("Arbeitslose", &[Some(2301.0), Some(2150.0), None]),
            ],
        )
    }

    fn check_document(svg: &str) -> roxmltree::Document<'_> {
        let document = roxmltree::Document::parse(svg).expect("well-formed SVG");
        let root = document.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert!(root.attribute("viewBox").is_some(), "viewBox missing");
        assert!(root.attribute("width").is_some());
        assert!(root.attribute("height").is_some());
        for node in document.descendants().filter(|n| n.has_tag_name("text")) {
            assert_eq!(node.attribute("font-family"), Some(FONT_FAMILY));
        }
        assert!(!svg.contains("sans-serif"));
        document
    }

    fn texts(document: &roxmltree::Document) -> Vec<String> {
        document
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .map(|t| t.trim().to_string())
            .collect()
    }

    #[test]
    fn the_cache_draws_a_chart_again_only_when_it_changed() {
        let mut cache = SvgCache::default();
        let first = cache.render(&sample(ChartKind::Balken)).unwrap();
        let again = cache.render(&sample(ChartKind::Balken)).unwrap();
        assert_eq!(first, again);
        assert_eq!(cache.drawn(), 1, "an unchanged chart comes from the cache");
        let mut changed = sample(ChartKind::Balken);
        changed.series[0].values[0] = Some(5486.0);
        let redrawn = cache.render(&changed).unwrap();
        assert_eq!(cache.drawn(), 2);
        assert_eq!(redrawn, render_svg(&changed).unwrap());
        cache.retain(&[]);
        cache.render(&changed).unwrap();
        assert_eq!(cache.drawn(), 3, "removed ids are forgotten");
    }

    #[test]
    fn every_kind_renders_wellformed_german_svg() {
        for kind in [
            ChartKind::Linie,
            ChartKind::Balken,
            ChartKind::Gestapelt,
            ChartKind::Ring,
        ] {
            let svg = render_svg(&sample(kind)).unwrap();
            let document = check_document(&svg);
            let texts = texts(&document);
            let all = texts.join("\n");
            for category in ["2017", "2018", "2019"] {
                assert!(all.contains(category), "{kind:?}: {category} missing");
            }
            assert!(all.contains("5.485"), "{kind:?}: 5.485 missing in {all}");
            assert!(svg.contains("font-family=\"DejaVu Sans\""));
            assert_eq!(
                svg,
                render_svg(&sample(kind)).unwrap(),
                "{kind:?} not stable"
            );
        }
    }

    #[test]
    fn line_chart_labels_points_and_legend() {
        let svg = render_svg(&sample(ChartKind::Linie)).unwrap();
        let document = check_document(&svg);
        let all = texts(&document).join("\n");
        for value in [
            "5.210",
            "4.987",
            "2.301",
            "2.150",
            "Bedarfsgemeinschaften",
            "Jahr",
        ] {
            assert!(all.contains(value), "{value} missing");
        }
        // German tick labels.
        assert!(all.contains("6.000"), "{all}");
    }

    #[test]
    fn stacked_chart_shows_totals_of_complete_stacks() {
        let svg = render_svg(&sample(ChartKind::Gestapelt)).unwrap();
        let all = texts(&check_document(&svg)).join("\n");
        assert!(all.contains("7.786"), "{all}");
        assert!(all.contains("Arbeitslose"));
    }

    #[test]
    fn ring_shows_shares_with_decimal_comma() {
        let mut chart = chart(
            ChartKind::Ring,
            &[
                "unter 25 Jahre",
                "25 bis unter 55 Jahre",
                "55 Jahre und älter",
            ],
            &[("Arbeitslose", &[Some(331.0), Some(500.0), Some(169.0)])],
        );
        chart.format = ValueFormat::Ganz;
        let svg = render_svg(&chart).unwrap();
        let all = texts(&check_document(&svg)).join("\n");
        assert!(all.contains("33,1\u{a0}%"), "{all}");
        assert!(all.contains("55 Jahre und älter"), "{all}");
        assert!(all.contains("unter 25 Jahre: 331 (33,1\u{a0}%)"), "{all}");
        assert!(all.contains("1.000"), "{all}");
    }

    #[test]
    fn percent_and_euro_axes_are_german() {
        let mut percent = sample(ChartKind::Balken);
        percent.format = ValueFormat::Prozent;
        percent.series = vec![Series {
            name: "Quote".into(),
            values: vec![Some(12.5), Some(7.25), Some(3.0)],
            marks: Vec::new(),
        }];
        let all = texts(&check_document(&render_svg(&percent).unwrap())).join("\n");
        assert!(all.contains("12,5\u{a0}%"), "{all}");

        let mut euro = sample(ChartKind::Balken);
        euro.format = ValueFormat::Euro;
        euro.series = vec![Series {
            name: "Budget".into(),
            values: vec![Some(7_053_067.0), Some(8_581_009.0), Some(9_069_867.0)],
            marks: Vec::new(),
        }];
        let all = texts(&check_document(&render_svg(&euro).unwrap())).join("\n");
        assert!(all.contains("Mio.\u{a0}EUR"), "{all}");
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        let empty: &[Option<f64>] = &[];
        let many: Vec<Option<f64>> = (0..10_000)
            .map(|i| Some(f64::from(i % 97) - 20.0))
            .collect();
        let many_categories: Vec<String> = (0..10_000).map(|i| format!("K{i}")).collect();
        let many_refs: Vec<&str> = many_categories.iter().map(String::as_str).collect();
        let long = "Sehr langer Kategoriename ohne Ende ".repeat(20);
        let cases: Vec<Chart> = vec![
            chart(ChartKind::Linie, &[], &[]),
            chart(ChartKind::Linie, &["a"], &[]),
            chart(ChartKind::Balken, &[], &[("leer", empty)]),
            chart(ChartKind::Balken, &["a", "b"], &[("none", &[None, None])]),
            chart(
                ChartKind::Linie,
                &["a", "b"],
                &[("zero", &[Some(0.0), Some(0.0)])],
            ),
            chart(
                ChartKind::Gestapelt,
                &["a", "b"],
                &[("zero", &[Some(0.0), Some(0.0)])],
            ),
            chart(
                ChartKind::Gestapelt,
                &["a", "b"],
                &[
                    ("mix", &[Some(-5.0), Some(3.0)]),
                    ("more", &[Some(2.0), Some(-8.0)]),
                ],
            ),
            chart(
                ChartKind::Balken,
                &["a", "b"],
                &[("neg", &[Some(-5.0), Some(-3.0)])],
            ),
            chart(
                ChartKind::Linie,
                &["a", "b"],
                &[("neg", &[Some(-5.0), Some(-3.0)])],
            ),
            chart(ChartKind::Linie, &["a"], &[("one", &[Some(42.0)])]),
            chart(
                ChartKind::Linie,
                &["a", "b", "c"],
                &[("gap", &[Some(1.0), None, Some(3.0)])],
            ),
            chart(
                ChartKind::Balken,
                &["a", "b", "c"],
                &[("short", &[Some(1.0)])],
            ),
            chart(ChartKind::Ring, &[], &[]),
            chart(ChartKind::Ring, &["a", "b"], &[("none", &[None, None])]),
            chart(
                ChartKind::Ring,
                &["a", "b"],
                &[("zero", &[Some(0.0), Some(0.0)])],
            ),
            chart(ChartKind::Ring, &["a"], &[("all", &[Some(7.0)])]),
            chart(
                ChartKind::Ring,
                &["a", "b"],
                &[("half", &[Some(7.0), None])],
            ),
            chart(ChartKind::Linie, &many_refs, &[("many", &many)]),
            chart(
                ChartKind::Balken,
                &many_refs,
                &[("many", &many), ("again", &many)],
            ),
            chart(
                ChartKind::Gestapelt,
                &many_refs,
                &[("many", &many), ("again", &many)],
            ),
            chart(
                ChartKind::Ring,
                &many_refs,
                &[(
                    "many",
                    &many.iter().map(|v| v.map(f64::abs)).collect::<Vec<_>>(),
                )],
            ),
            chart(
                ChartKind::Balken,
                &[long.as_str(), "\u{1}x<&>"],
                &[(long.as_str(), &[Some(1e15), Some(-1e15)])],
            ),
            chart(
                ChartKind::Ring,
                &[long.as_str(), "b"],
                &[("x", &[Some(1.0), Some(1e-9)])],
            ),
            chart(
                ChartKind::Linie,
                &["a", "b"],
                &[("huge", &[Some(f64::MAX), Some(-f64::MAX)])],
            ),
            chart(
                ChartKind::Gestapelt,
                &["a"],
                &[("x", &[Some(f64::MAX)]), ("y", &[Some(f64::MAX)])],
            ),
            chart(
                ChartKind::Linie,
                &["a", "b"],
                &[("tiny", &[Some(1e-300), Some(2e-300)])],
            ),
        ];
        for case in &cases {
            for format in [
                ValueFormat::Ganz,
                ValueFormat::Prozent,
                ValueFormat::Euro,
                ValueFormat::Dezimal2,
            ] {
                let mut case = case.clone();
                case.format = format;
                if let Ok(svg) = render_svg(&case) {
                    check_document(&svg);
                }
            }
        }
        // Many series exceed the legend and cycle through colours and shapes.
        let names: Vec<String> = (0..40).map(|i| format!("Reihe mit Namen {i}")).collect();
        let values = [Some(1.0), Some(2.0)];
        let series: Vec<(&str, &[Option<f64>])> =
            names.iter().map(|n| (n.as_str(), &values[..])).collect();
        for kind in [ChartKind::Linie, ChartKind::Balken, ChartKind::Gestapelt] {
            let svg = render_svg(&chart(kind, &["a", "b"], &series)).unwrap();
            let all = texts(&check_document(&svg)).join("\n");
            assert!(all.contains("weitere"), "{all}");
        }
    }

    #[test]
    fn invalid_values_are_errors() {
        let nan = chart(ChartKind::Linie, &["a"], &[("x", &[Some(f64::NAN)])]);
        let message = render_svg(&nan).unwrap_err().to_string();
        assert!(message.starts_with("Abbildung „test“"), "{message}");
        let infinite = chart(ChartKind::Balken, &["a"], &[("x", &[Some(f64::INFINITY)])]);
        assert!(render_svg(&infinite).is_err());
        let negative = chart(
            ChartKind::Ring,
            &["a", "b"],
            &[("x", &[Some(-1.0), Some(2.0)])],
        );
        let message = render_svg(&negative).unwrap_err().to_string();
        assert!(message.contains("−1"), "{message}");
    }

    #[test]
    fn pending_values_show_a_note() {
        let pending = chart(ChartKind::Balken, &["a", "b"], &[("x", &[None, None])]);
        let all = texts(&check_document(&render_svg(&pending).unwrap())).join("\n");
        assert!(all.contains(format::PENDING), "{all}");
    }

    fn luminance(colour: RGBColor) -> f64 {
        let channel = |value: u8| {
            let c = f64::from(value) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(colour.0) + 0.7152 * channel(colour.1) + 0.0722 * channel(colour.2)
    }

    fn contrast(a: RGBColor, b: RGBColor) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn palette_contrast_meets_wcag() {
        for colour in PALETTE {
            let ratio = contrast(colour, PAPER);
            // 3:1 for graphics (1.4.11); the palette also sets text, so 4.5:1 (1.4.3).
            assert!(ratio >= 4.5, "{colour:?}: {ratio:.2}");
        }
        assert!(contrast(TEXT, PAPER) >= 4.5);
        assert!(contrast(AXIS, PAPER) >= 3.0);
        // Adjacent series differ in colour, marker and hatch.
        for index in 0..40 {
            let (a, b) = (series_style(index), series_style(index + 1));
            assert_ne!(a.colour, b.colour);
            assert_ne!(a.marker, b.marker);
            assert_ne!(a.hatch, b.hatch);
        }
        // Series seven differs from series one.
        assert_ne!(series_style(0).marker, series_style(6).marker);
    }

    #[test]
    fn ring_segments_stay_distinguishable_beyond_six() {
        for count in 2..40 {
            let styles: Vec<(RGBColor, Hatch)> = (0..count)
                .map(|index| {
                    let style = ring_style(index, count);
                    (style.colour, style.hatch)
                })
                .collect();
            for index in 0..count {
                let next = (index + 1) % count;
                assert_ne!(styles[index].0, styles[next].0, "{count}: {index}");
            }
            if count <= 18 {
                for (index, style) in styles.iter().enumerate() {
                    assert!(!styles[..index].contains(style), "{count}: {index} repeats");
                }
            }
        }
    }

    #[test]
    fn font_sizes_are_clean_numbers() {
        let svg = render_svg(&sample(ChartKind::Balken)).unwrap();
        let document = check_document(&svg);
        for node in document.descendants().filter(|n| n.has_tag_name("text")) {
            let size = node.attribute("font-size").unwrap_or_default();
            assert!(size == "11" || size == "12", "font-size {size}");
        }
    }
}
