//! Charts as standalone, accessible SVG documents.
//!
//! Every declared chart is drawn here once, as SVG: the website shows the file and typst places
//! the same file in the PDF. All text is set in DejaVu Sans, the font whose real metrics lay
//! out every label, so labels fit in both outputs. No label is ever shortened: labels wrap at
//! spaces and hyphens and the chart grows to hold them. Colours reach at least 4.5:1 against
//! white (WCAG 1.4.11 asks 3:1 for graphics; 4.5:1 lets the same colours set value labels), and
//! series are also told apart by marker shapes, dashes, hatch patterns and direct labels, never
//! by colour alone (WCAG 1.4.1).
//!
//! Shared pieces: `surface` (the SVG writer, colours, styles), `text` (measurement and
//! wrapping), `axis` (value axis), `legend`, `layout` (the frame of bar and line charts);
//! one file per chart kind (`line`, `bars`, `stacked`, `ring`). A new kind is a new
//! variant of [`ChartKind`]: the `match` in `render` then shows where it must be drawn.

mod axis;
mod bars;
mod input;
mod layout;
mod legend;
mod line;
mod ring;
mod stacked;
mod surface;
mod text;

#[cfg(test)]
mod tests;

use crate::format::NotANumber;
use crate::model::{Chart, ChartKind};

/// Font family written into the SVG text; typst is given the same font via --font-path.
pub const FONT_FAMILY: &str = "DejaVu Sans";

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The embedded DejaVu Sans could not be read for text measurement.
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
    /// A donut chart divides one whole; several series would need several rings.
    #[error("Abbildung „{id}“: ein Ringdiagramm zeigt genau eine Reihe, angegeben sind {count} ({names}). Zeigen Sie jede Reihe als eigene Abbildung oder wählen Sie „art: balken“ bzw. „art: gestapelt“.")]
    RingSeries {
        /// Chart id.
        id: String,
        /// Number of series.
        count: usize,
        /// The series names, quoted.
        names: String,
    },
    /// More values than a chart can show: refused rather than drawn for minutes.
    #[error("Abbildung „{id}“: {count} Werte (Kategorien × Reihen) sind zu viele für ein Diagramm; gezeichnet werden höchstens {max}. Fassen Sie die Werte zusammen (z. B. Monate statt Tage) oder zeigen Sie sie als Tabelle.", count = group_digits(*count), max = group_digits(MAX_VALUES))]
    TooManyValues {
        /// Chart id.
        id: String,
        /// Categories × series.
        count: usize,
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
}

/// The most values (categories × series) a chart may have. A line of 10,000 points already
/// has several per pixel; beyond, the SVG and the PDF's data table only cost time and memory.
pub const MAX_VALUES: usize = 10_000;

/// `12345` as „12.345“, for counts in messages.
fn group_digits(count: usize) -> String {
    let digits = count.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(digit);
    }
    out
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

fn render(chart: &Chart) -> Res<String> {
    if !text::font_available() {
        return Err(Problem::Font);
    }
    let count = chart
        .categories
        .len()
        .saturating_mul(chart.series.len().max(1));
    if count > MAX_VALUES {
        return Err(Problem::TooManyValues { count });
    }
    let data = input::Data::new(chart)?;
    match chart.kind {
        ChartKind::Linie => line::draw(chart, &data),
        ChartKind::Balken => bars::draw(chart, &data),
        ChartKind::Gestapelt => stacked::draw(chart, &data),
        ChartKind::Ring => ring::draw(chart, &data),
    }
}

/// Errors without the chart id, which `render_svg` adds.
#[derive(Debug)]
enum Problem {
    Font,
    NotFinite { series: String, value: f64 },
    Range,
    Negative { category: String, value: String },
    RingSeries { names: Vec<String> },
    TooManyValues { count: usize },
    Number(NotANumber),
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
            Problem::RingSeries { names } => ChartError::RingSeries {
                id,
                count: names.len(),
                names: names
                    .iter()
                    .map(|name| format!("„{name}“"))
                    .collect::<Vec<_>>()
                    .join(", "),
            },
            Problem::TooManyValues { count } => ChartError::TooManyValues { id, count },
            Problem::Number(source) => ChartError::Number { id, source },
        }
    }
}

impl From<NotANumber> for Problem {
    fn from(value: NotANumber) -> Self {
        Problem::Number(value)
    }
}

type Res<T> = Result<T, Problem>;
