//! Reading back what a chart SVG draws: texts with their boxes (measured with the same font
//! metrics as the layout), rectangles and lines in drawing order.

use super::super::surface::Rgb;
use super::super::text::{self, Font};

/// A drawn element, in document order.
#[derive(Debug, Clone)]
pub(super) enum Shape {
    Text(Label),
    Rect {
        x0: f64,
        y0: f64,
        x1: f64,
        y1: f64,
        fill: Rgb,
    },
    Line {
        points: Vec<(f64, f64)>,
        stroke: Rgb,
        dash: Option<String>,
    },
}

/// A text element with its box on the canvas.
#[derive(Debug, Clone)]
pub(super) struct Label {
    pub(super) text: String,
    pub(super) fill: Rgb,
    pub(super) x0: f64,
    pub(super) y0: f64,
    pub(super) x1: f64,
    pub(super) y1: f64,
}

impl Label {
    pub(super) fn center(&self) -> (f64, f64) {
        ((self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0)
    }
}

fn colour(value: &str) -> Rgb {
    let hex = value.trim_start_matches('#');
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex colour");
    Rgb(channel(0), channel(2), channel(4))
}

fn number(node: roxmltree::Node, name: &str) -> f64 {
    node.attribute(name)
        .unwrap_or("0")
        .parse()
        .unwrap_or_else(|_| panic!("{name} is a number"))
}

/// Canvas size and every drawn element.
pub(super) fn shapes(svg: &str) -> ((f64, f64), Vec<Shape>) {
    let document = roxmltree::Document::parse(svg).expect("well-formed SVG");
    let root = document.root_element();
    let size = (number(root, "width"), number(root, "height"));
    let mut shapes = Vec::new();
    for node in document.descendants() {
        match node.tag_name().name() {
            "text" => shapes.push(Shape::Text(label(node))),
            "rect" => {
                let (x, y) = (number(node, "x"), number(node, "y"));
                shapes.push(Shape::Rect {
                    x0: x,
                    y0: y,
                    x1: x + number(node, "width"),
                    y1: y + number(node, "height"),
                    fill: colour(node.attribute("fill").unwrap_or("#000000")),
                });
            }
            "polyline" => {
                let points = node
                    .attribute("points")
                    .unwrap_or_default()
                    .split(' ')
                    .filter_map(|pair| {
                        let (x, y) = pair.split_once(',')?;
                        Some((x.parse().ok()?, y.parse().ok()?))
                    })
                    .collect();
                shapes.push(Shape::Line {
                    points,
                    stroke: colour(node.attribute("stroke").unwrap_or("#000000")),
                    dash: node.attribute("stroke-dasharray").map(str::to_string),
                });
            }
            _ => {}
        }
    }
    (size, shapes)
}

fn label(node: roxmltree::Node) -> Label {
    let text: String = node.text().unwrap_or_default().to_string();
    let size = number(node, "font-size");
    let font = Font {
        px: size,
        bold: node.attribute("font-weight") == Some("bold"),
    };
    let width = f64::from(text::width(&text, font));
    // Along the text: from the anchor.
    let start = match node.attribute("text-anchor") {
        Some("middle") => -width / 2.0,
        Some("end") => -width,
        _ => 0.0,
    };
    let (x, y) = (number(node, "x"), number(node, "y"));
    // Across: ascent above the baseline, descent below (DejaVu Sans).
    let (above, below) = (0.93 * size, 0.24 * size);
    let fill = colour(node.attribute("fill").unwrap_or("#000000"));
    match node.attribute("transform") {
        None => Label {
            text,
            fill,
            x0: x + start,
            x1: x + start + width,
            y0: y - above,
            y1: y + below,
        },
        Some(transform) => {
            // translate(tx,ty) rotate(-90): local (u, v) lies at (tx + v, ty − u).
            let inner = transform
                .trim_start_matches("translate(")
                .split(')')
                .next()
                .unwrap_or_default();
            let (tx, ty) = inner.split_once(',').expect("translate(x,y)");
            let (tx, ty): (f64, f64) = (tx.parse().unwrap(), ty.parse().unwrap());
            Label {
                text,
                fill,
                x0: tx + y - above,
                x1: tx + y + below,
                y0: ty - (start + width),
                y1: ty - start,
            }
        }
    }
}

/// Every text of the chart.
pub(super) fn labels(svg: &str) -> Vec<Label> {
    shapes(svg)
        .1
        .into_iter()
        .filter_map(|shape| match shape {
            Shape::Text(label) => Some(label),
            _ => None,
        })
        .collect()
}

/// Asserts that every text lies inside the canvas.
pub(super) fn assert_inside(svg: &str) {
    let ((width, height), _) = shapes(svg);
    for label in labels(svg) {
        assert!(
            label.x0 >= -0.5
                && label.y0 >= -0.5
                && label.x1 <= width + 0.5
                && label.y1 <= height + 0.5,
            "„{}“ runs outside the canvas {width}×{height}: {label:?}",
            label.text
        );
    }
}

/// Asserts that every word of every `wanted` text appears in the chart, and no "…".
pub(super) fn assert_words(svg: &str, wanted: &[&str]) {
    let words: Vec<String> = labels(svg)
        .iter()
        .flat_map(|label| {
            label
                .text
                .split(char::is_whitespace)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    let all = words.join(" ");
    assert!(!all.contains('…'), "a label is shortened: {all}");
    for text in wanted {
        for word in text.split(char::is_whitespace).filter(|w| !w.is_empty()) {
            // A word broken after a hyphen shows as its parts on two lines.
            let found = words.iter().any(|w| w == word)
                || (word.contains('-')
                    && word
                        .split_inclusive('-')
                        .all(|part| words.iter().any(|w| w.contains(part))));
            assert!(found, "word „{word}“ of „{text}“ missing in {all}");
        }
    }
}
