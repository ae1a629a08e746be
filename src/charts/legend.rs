//! The legend: one entry per series (or ring segment), wrapped, never shortened.

use super::surface::{Align, SeriesStyle, Svg, Valign, TEXT};
use super::text::{self, LABEL, LINE};

/// Gap between entries on one row, and between rows.
const GAP: i32 = 18;
const ROW_GAP: i32 = 5;
/// Beyond this many entries the legend names the rest in a note; the data table has them all.
pub(super) const MAX_ENTRIES: usize = 40;

/// One placed legend entry; `style` is `None` for the note about further entries.
pub(super) struct Entry {
    style: Option<SeriesStyle>,
    lines: Vec<String>,
    x: i32,
    y: i32,
}

/// A laid-out legend, relative to its top-left corner.
pub(super) struct Legend {
    entries: Vec<Entry>,
    pub(super) height: i32,
    /// Line samples (line charts) or boxes (bars, rings).
    line: bool,
    sample: i32,
}

impl Legend {
    /// Lays out `entries` (text and style) in rows of `width`; long entries wrap and take a
    /// row of their own. `columns` > 1 sets entries in that many equal columns.
    pub(super) fn new(
        items: &[(String, SeriesStyle)],
        width: i32,
        line: bool,
        columns: usize,
    ) -> Legend {
        let sample = if line { 28 } else { 14 };
        let shown = if items.len() > MAX_ENTRIES {
            MAX_ENTRIES - 1
        } else {
            items.len()
        };
        let mut texts: Vec<(String, Option<SeriesStyle>)> = items
            .iter()
            .take(shown)
            .map(|(text, style)| (text.clone(), Some(*style)))
            .collect();
        if items.len() > shown {
            texts.push((
                format!(
                    "… und {} weitere in der Tabelle „Daten zur Abbildung“",
                    items.len() - shown
                ),
                None,
            ));
        }
        let column_width = width / i32::try_from(columns.max(1)).unwrap_or(1);
        let mut entries = Vec::with_capacity(texts.len());
        let (mut x, mut y, mut row_height) = (0, 0, 0);
        for (index, (label, style)) in texts.into_iter().enumerate() {
            let indent = if style.is_some() { sample + 6 } else { 0 };
            let room = if columns > 1 {
                column_width - GAP
            } else {
                width
            } - indent;
            let lines = text::wrap(&label, LABEL, room.max(40));
            let entry_width = indent + text::widest(&lines, LABEL);
            let height = text::lines_height(lines.len()).max(LINE + 1);
            let new_row = if columns > 1 {
                index > 0 && index % columns == 0
            } else {
                x > 0 && x + entry_width > width
            };
            if new_row {
                y += row_height + ROW_GAP;
                x = 0;
                row_height = 0;
            }
            entries.push(Entry { style, lines, x, y });
            row_height = row_height.max(height);
            x += if columns > 1 {
                column_width
            } else {
                entry_width + GAP
            };
        }
        let height = if entries.is_empty() {
            0
        } else {
            y + row_height
        };
        Legend {
            entries,
            height,
            line,
            sample,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Widest extent of any entry, from the legend's left edge.
    pub(super) fn right_edge(&self) -> i32 {
        self.entries
            .iter()
            .map(|entry| {
                let indent = if entry.style.is_some() {
                    self.sample + 6
                } else {
                    0
                };
                entry.x + indent + text::widest(&entry.lines, LABEL)
            })
            .max()
            .unwrap_or(0)
    }

    pub(super) fn draw(&self, svg: &mut Svg, (left, top): (i32, i32)) {
        for entry in &self.entries {
            let (x, y) = (left + entry.x, top + entry.y);
            let text_x = match entry.style {
                Some(style) => {
                    svg.sample((x, y), self.sample, style, self.line);
                    x + self.sample + 6
                }
                None => x,
            };
            for (row, line) in entry.lines.iter().enumerate() {
                let line_y = y + 2 + text::lines_height(row);
                svg.text(
                    line,
                    (text_x, line_y),
                    LABEL,
                    TEXT,
                    (Align::Start, Valign::Top),
                );
            }
        }
    }
}
