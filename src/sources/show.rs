//! A look inside a source file without Excel (`amip quellen zeigen`), and the list of every
//! imported value with its cell (`amip quellen`): what an author needs to write and check
//! declarations. German text, built here so that the command only prints it.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

use super::error::ImportError;
use super::grid::{column_letters, normalize, Cell, Grid};
use super::{csv, genesis, label_columns, read_source, xlsx, Imported};
use crate::door::read::Reader;

/// Rows shown without `--suche` before the listing is cut short.
const MAX_ROWS: usize = 200;
/// Characters of one cell's text shown.
const MAX_TEXT: usize = 60;

/// What `amip quellen zeigen` prints for `file` (relative to the project folder `project`).
pub fn show(
    project: &Path,
    file: &str,
    sheet: Option<&str>,
    search: Option<&str>,
) -> Result<String, ImportError> {
    let file = file.trim_start_matches("./");
    let root = &Reader::open(project).map_err(|err| ImportError::Unreadable {
        file: file.to_string(),
        reason: err.to_string(),
    })?;
    let lower = file.to_lowercase();
    let mut out = String::new();
    if lower.ends_with(".csv") || lower.ends_with(".txt") {
        let bytes = read_source(root, file)?;
        let mut grid = csv::read(&bytes, file, csv::Encoding::Detect, None)?;
        let genesis = genesis::reshape(&mut grid);
        let _ = writeln!(out, "{file} (CSV)");
        if let Some(genesis) = &genesis {
            let _ = writeln!(
                out,
                "GENESIS-Export: Kopfzeilen wie verbundene Zellen, Daten ab Zeile {}{}",
                grid.lines
                    .as_ref()
                    .and_then(|l| l.get(genesis.data_start))
                    .copied()
                    .unwrap_or(genesis.data_start + 1),
                genesis
                    .stand
                    .as_ref()
                    .map(|s| format!(", Stand: {s}"))
                    .unwrap_or_default()
            );
        }
        let labels = csv_labels(&grid);
        rows(&mut out, &grid, &labels, search);
    } else {
        xlsx::Format::of(file)?;
        let bytes = read_source(root, file)?;
        let mut book = xlsx::Workbook::open(bytes, file)?;
        let names = book.names().to_vec();
        let _ = writeln!(out, "{file}");
        let _ = writeln!(out, "Blätter:");
        for (index, name) in names.iter().enumerate() {
            let _ = writeln!(out, "  {}. „{name}“", index + 1);
        }
        let (grid, name) = book.sheet(sheet)?;
        let labels = label_columns(grid);
        let _ = writeln!(
            out,
            "\nBlatt „{name}“ ({} Zeilen, {} Spalten; Beschriftungen in {}):",
            grid.rows.len(),
            grid.width(),
            labels
                .iter()
                .map(|c| column_letters(*c))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if grid.rows.is_empty() {
            let _ = writeln!(
                out,
                "Das Blatt ist leer (etwa nur ein Bild); ein anderes zeigt --blatt NAME."
            );
        }
        rows(&mut out, grid, &labels, search);
    }
    Ok(out)
}

/// Number text or a statistics sign.
fn is_figure(text: &str) -> bool {
    super::value::parse_number(text, true).is_some()
        || super::special::Special::parse(text).is_some()
}

/// The label fields of a CSV file for showing: up to the last field holding words in most
/// rows (GENESIS: year, key and name), so that keys such as `01001` are shown, not counted.
fn csv_labels(grid: &Grid) -> Vec<usize> {
    let mut ends: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    for cells in &grid.rows {
        let last = cells
            .iter()
            .rposition(|cell| matches!(cell, Cell::Text(text) if !is_figure(text)));
        let has_figures = cells
            .iter()
            .any(|cell| matches!(cell, Cell::Text(text) if is_figure(text)));
        if let (Some(last), true) = (last, has_figures) {
            *ends.entry(last).or_default() += 1;
        }
    }
    let end = ends
        .iter()
        .max_by_key(|(col, count)| (**count, std::cmp::Reverse(**col)))
        .map_or(0, |(col, _)| *col);
    (0..=end).collect()
}

/// Text cut to a readable length, on one line.
fn short(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > MAX_TEXT {
        let cut: String = one_line.chars().take(MAX_TEXT).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

/// How a column is named: letters for sheets, field numbers for CSV.
fn column_name(grid: &Grid, col: usize) -> String {
    match grid.lines {
        None => column_letters(col),
        Some(_) => format!("Feld {}", col + 1),
    }
}

/// One row in compact form: its text cells with their place, numbers counted by range.
fn row_line(grid: &Grid, row: usize, labels: &[usize]) -> Option<String> {
    let cells = grid.rows.get(row)?;
    let mut parts = Vec::new();
    let mut numbers: Option<(usize, usize, usize)> = None;
    let flush = |parts: &mut Vec<String>, numbers: &mut Option<(usize, usize, usize)>| {
        if let Some((first, last, count)) = numbers.take() {
            parts.push(if count == 1 {
                format!("{}: 1 Zahl", column_name(grid, first))
            } else {
                format!(
                    "{}–{}: {count} Zahlen",
                    column_name(grid, first),
                    column_name(grid, last)
                )
            });
        }
    };
    for (col, cell) in cells.iter().enumerate() {
        let number = match cell {
            Cell::Number(_) => true,
            Cell::Text(text) => !labels.contains(&col) && is_figure(text),
            Cell::Empty | Cell::Formula(_) => false,
        };
        if number {
            numbers = Some(match numbers {
                Some((first, _, count)) => (first, col, count + 1),
                None => (col, col, 1),
            });
            continue;
        }
        let Some(text) = (match cell {
            Cell::Text(text) => Some(text.clone()),
            Cell::Formula(formula) => Some(format!("={formula}")),
            Cell::Number(_) | Cell::Empty => None,
        }) else {
            continue;
        };
        flush(&mut parts, &mut numbers);
        parts.push(format!("{} „{}“", column_name(grid, col), short(&text)));
    }
    flush(&mut parts, &mut numbers);
    if parts.is_empty() {
        return None;
    }
    let line = grid
        .lines
        .as_ref()
        .and_then(|l| l.get(row))
        .copied()
        .unwrap_or(row + 1);
    Some(format!("{line:>6} │ {}", parts.join(" · ")))
}

/// The rows: all (up to [`MAX_ROWS`]), or with `search` the header rows and the rows with a
/// cell containing the text.
fn rows(out: &mut String, grid: &Grid, labels: &[usize], search: Option<&str>) {
    let wanted = search.map(normalize);
    let header_end = grid.data_start.unwrap_or_else(|| {
        (0..grid.rows.len())
            .find(|row| {
                grid.rows
                    .get(*row)
                    .is_some_and(|cells| cells.iter().any(|c| matches!(c, Cell::Number(_))))
            })
            .unwrap_or(0)
    });
    let mut shown = 0usize;
    let mut hidden = 0usize;
    for row in 0..grid.rows.len() {
        let keep = match &wanted {
            None => true,
            Some(wanted) => {
                row < header_end
                    || (0..grid.width()).any(|col| {
                        grid.norm(row, col)
                            .is_some_and(|t| t.contains(wanted.as_str()))
                    })
            }
        };
        if !keep {
            continue;
        }
        let Some(line) = row_line(grid, row, labels) else {
            continue;
        };
        if wanted.is_none() && shown >= MAX_ROWS {
            hidden += 1;
            continue;
        }
        shown += 1;
        let _ = writeln!(out, "{line}");
    }
    if hidden > 0 {
        let _ = writeln!(
            out,
            "… {hidden} weitere Zeilen; mit --suche TEXT nur die Kopfzeilen und passende Zeilen zeigen."
        );
    }
    if let Some(search) = search {
        if shown == 0 || (0..grid.rows.len()).all(|row| row < header_end) {
            let _ = writeln!(out, "Keine Zeile enthält „{search}“.");
        }
    }
}

/// What `amip quellen` prints: every imported value with its place, raw text and value.
pub fn listing(imported: &Imported, data: &Value) -> String {
    let mut out = String::new();
    if imported.values.is_empty() {
        out.push_str("Keine Werte aus Quelldateien erklärt (data/quellen.yaml, quelldatei:).\n");
        return out;
    }
    for (path, origin) in &imported.values {
        let value = path
            .split('.')
            .try_fold(data, |current, key| current.get(key))
            .map_or_else(|| "–".to_string(), shown_value);
        let _ = writeln!(
            out,
            "{path} = {value}\n    {} · „{}“",
            origin.describe(),
            short(&origin.raw)
        );
    }
    out
}

fn shown_value(value: &Value) -> String {
    match value {
        Value::String(text) => format!("„{text}“"),
        other => other.to_string(),
    }
}
