//! The drawing surface: a small SVG writer in pixel coordinates, the colours and the series
//! styles (colour, marker, dash, hatch) that keep series apart without colour.

use std::fmt::Write as _;

use super::text::{Font, LINE};
use super::FONT_FAMILY;

/// A colour of the charts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct Rgb(pub(super) u8, pub(super) u8, pub(super) u8);

impl Rgb {
    fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Relative luminance (WCAG 2.1).
    pub(super) fn luminance(self) -> f64 {
        let channel = |value: u8| {
            let c = f64::from(value) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }
}

/// Contrast ratio of two colours (WCAG 2.1), 1 to 21.
pub(super) fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Series colours. Each reaches at least 4.5:1 against white, so it may colour text as well.
pub(super) const PALETTE: [Rgb; 6] = [
    Rgb(0x1f, 0x4e, 0x79), // dark blue
    Rgb(0xb3, 0x58, 0x06), // orange-brown
    Rgb(0x00, 0x69, 0x5c), // teal
    Rgb(0x6a, 0x3d, 0x9a), // purple
    Rgb(0xa5, 0x00, 0x26), // dark red
    Rgb(0x4d, 0x4d, 0x4d), // grey
];
/// Body text (about 17:1 against white).
pub(super) const TEXT: Rgb = Rgb(0x1a, 0x1a, 0x1a);
/// Axis and zero lines, leader lines (about 7:1).
pub(super) const AXIS: Rgb = Rgb(0x59, 0x59, 0x59);
/// Decorative grid lines; values are also labelled directly.
pub(super) const GRID: Rgb = Rgb(0xd9, 0xd9, 0xd9);
/// Background and hatching.
pub(super) const PAPER: Rgb = Rgb(0xff, 0xff, 0xff);

pub(super) fn palette(index: usize) -> Rgb {
    PALETTE.get(index % PALETTE.len()).copied().unwrap_or(TEXT)
}

/// Marker shapes for line charts, so series differ without colour.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Marker {
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
pub(super) enum Hatch {
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

/// Line patterns of line charts (SVG dash arrays), so lines differ without colour.
const DASHES: [Option<&str>; 6] = [
    None,
    Some("8 4"),
    Some("2 3"),
    Some("10 3 2 3"),
    Some("4 4"),
    Some("12 3 2 3 2 3"),
];

/// How one series is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct SeriesStyle {
    pub(super) colour: Rgb,
    pub(super) marker: Marker,
    pub(super) hatch: Hatch,
    pub(super) dash: Option<&'static str>,
}

/// Style of series `index`: colour and shape cycle with offset periods, so even the seventh
/// series differs from the first.
pub(super) fn series_style(index: usize) -> SeriesStyle {
    let variant = (index + index / PALETTE.len()) % MARKERS.len();
    SeriesStyle {
        colour: palette(index),
        marker: MARKERS.get(variant).copied().unwrap_or(Marker::Circle),
        hatch: HATCHES.get(variant).copied().unwrap_or(Hatch::Solid),
        dash: DASHES.get(variant).copied().flatten(),
    }
}

pub(super) type Point = (i32, i32);

/// Horizontal anchor of a text.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Align {
    Start,
    Middle,
    End,
}

/// Vertical anchor of a text: its top, its middle or its bottom lies at the given point.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Valign {
    Top,
    Middle,
    Bottom,
}

/// Rounds a pixel position; out-of-range and NaN values are clamped instead of wrapping.
pub(super) fn px(value: f64) -> i32 {
    if value.is_nan() {
        0
    } else {
        value.clamp(-1_000_000.0, 1_000_000.0).round() as i32
    }
}

/// An SVG document being written. Elements are appended in drawing order.
pub(super) struct Svg {
    body: String,
}

impl Svg {
    pub(super) fn new() -> Self {
        Svg {
            body: String::with_capacity(16 * 1024),
        }
    }

    /// The finished document of the given size, on white paper.
    pub(super) fn finish(self, width: i32, height: i32) -> String {
        let mut out = String::with_capacity(self.body.len() + 256);
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">\n<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\n"
        );
        out.push_str(&self.body);
        out.push_str("</svg>\n");
        out
    }

    /// A text; `(x, y)` is the anchor point given by `align` and `valign`.
    pub(super) fn text(
        &mut self,
        text: &str,
        at: Point,
        font: Font,
        fill: Rgb,
        align: (Align, Valign),
    ) {
        self.text_element(text, at, font, fill, align, false);
    }

    /// A text turned by 90° counter-clockwise (reading upwards); `align` is along the text.
    pub(super) fn text_turned(
        &mut self,
        text: &str,
        at: Point,
        font: Font,
        fill: Rgb,
        align: (Align, Valign),
    ) {
        self.text_element(text, at, font, fill, align, true);
    }

    fn text_element(
        &mut self,
        text: &str,
        (x, y): Point,
        font: Font,
        fill: Rgb,
        (align, valign): (Align, Valign),
        turned: bool,
    ) {
        if text.is_empty() {
            return;
        }
        // Baseline offset from the anchor, from DejaVu Sans' ascent and descent.
        let shift = match valign {
            Valign::Top => 0.80 * font.px,
            Valign::Middle => 0.36 * font.px,
            Valign::Bottom => -0.24 * font.px,
        };
        let anchor = match align {
            Align::Start => "start",
            Align::Middle => "middle",
            Align::End => "end",
        };
        let _ = write!(self.body, "<text");
        if turned {
            let _ = write!(
                self.body,
                " x=\"0\" y=\"{}\" transform=\"translate({x},{y}) rotate(-90)\"",
                px(shift)
            );
        } else {
            let _ = write!(self.body, " x=\"{x}\" y=\"{}\"", y + px(shift));
        }
        let _ = write!(
            self.body,
            " font-family=\"{FONT_FAMILY}\" font-size=\"{}\"{} fill=\"{}\" text-anchor=\"{anchor}\">",
            font.px,
            if font.bold { " font-weight=\"bold\"" } else { "" },
            fill.hex()
        );
        let _ = pulldown_cmark_escape::escape_html_body_text(&mut self.body, text);
        self.body.push_str("</text>\n");
    }

    pub(super) fn rect(&mut self, a: Point, b: Point, fill: Rgb) {
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        let _ = writeln!(
            self.body,
            "<rect x=\"{x0}\" y=\"{y0}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
            x1 - x0,
            y1 - y0,
            fill.hex()
        );
    }

    /// An open line through `points`, optionally dashed.
    pub(super) fn path(&mut self, points: &[Point], stroke: Rgb, width: u32, dash: Option<&str>) {
        if points.len() < 2 {
            return;
        }
        self.body.push_str("<polyline points=\"");
        push_points(&mut self.body, points);
        let _ = write!(
            self.body,
            "\" fill=\"none\" stroke=\"{}\" stroke-width=\"{width}\"",
            stroke.hex()
        );
        if let Some(dash) = dash {
            let _ = write!(self.body, " stroke-dasharray=\"{dash}\"");
        }
        self.body.push_str("/>\n");
    }

    pub(super) fn polygon(&mut self, points: &[Point], fill: Rgb) {
        if points.len() < 3 {
            return;
        }
        self.body.push_str("<polygon points=\"");
        push_points(&mut self.body, points);
        let _ = writeln!(self.body, "\" fill=\"{}\"/>", fill.hex());
    }

    pub(super) fn circle(&mut self, (x, y): Point, radius: i32, fill: Rgb) {
        let _ = writeln!(
            self.body,
            "<circle cx=\"{x}\" cy=\"{y}\" r=\"{radius}\" fill=\"{}\"/>",
            fill.hex()
        );
    }

    /// A marker centred at `at`, with a white halo that separates it from crossing lines.
    pub(super) fn marker(&mut self, marker: Marker, at: Point, colour: Rgb) {
        self.marker_shape(marker, at, 6, PAPER);
        self.marker_shape(marker, at, 4, colour);
    }

    fn marker_shape(&mut self, marker: Marker, (x, y): Point, r: i32, colour: Rgb) {
        match marker {
            Marker::Circle => self.circle((x, y), r, colour),
            Marker::Square => self.rect((x - r, y - r), (x + r, y + r), colour),
            Marker::TriangleUp => self.polygon(
                &[(x, y - r - 1), (x + r + 1, y + r), (x - r - 1, y + r)],
                colour,
            ),
            Marker::TriangleDown => self.polygon(
                &[(x - r - 1, y - r), (x + r + 1, y - r), (x, y + r + 1)],
                colour,
            ),
            Marker::Diamond => self.polygon(
                &[
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
                    &[
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
    pub(super) fn hatched_rect(&mut self, a: Point, b: Point, style: SeriesStyle) {
        self.rect(a, b, style.colour);
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        if x1 - x0 < 6 || y1 - y0 < 3 {
            return;
        }
        for (from, to) in hatch_lines(style.hatch, (x0, y0), (x1, y1)) {
            self.path(&[from, to], PAPER, 1, None);
        }
    }

    /// A legend sample of a series: a line with marker, or a hatched box.
    pub(super) fn sample(&mut self, (x, y): Point, width: i32, style: SeriesStyle, line: bool) {
        if line {
            self.path(
                &[(x, y + 8), (x + width, y + 8)],
                style.colour,
                2,
                style.dash,
            );
            self.marker(style.marker, (x + width / 2, y + 8), style.colour);
        } else {
            self.hatched_rect((x, y + 1), (x + width, y + LINE), style);
        }
    }
}

fn push_points(out: &mut String, points: &[Point]) {
    for (index, (x, y)) in points.iter().enumerate() {
        if index > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{x},{y}");
    }
}

/// The white lines of a hatch pattern inside the box from `(x0, y0)` to `(x1, y1)`.
fn hatch_lines(hatch: Hatch, (x0, y0): Point, (x1, y1): Point) -> Vec<(Point, Point)> {
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
    match hatch {
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
    lines
}
