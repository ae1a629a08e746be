//! CSV exports of GENESIS databases (Regionaldatenbank, Landesdatenbanken, Destatis) as they
//! are published: a title block, a header over several lines whose first fields are empty and
//! whose texts repeat over every column they cover, the data, then `__________`, footnotes, a
//! copyright line and `Stand: …`. Recognised here so that authors can name columns by their
//! header texts and the footnotes never count as data.

use super::grid::{normalize, Cell, Grid};

/// What the export says about itself beside its data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Genesis {
    /// The date of the `Stand:` line (`17.08.2021`), the source's date for source lines.
    pub stand: Option<String>,
    /// Row index of the first data row.
    pub data_start: usize,
}

/// Whether the grid is a GENESIS export: its first line names the table.
pub fn is_genesis(grid: &Grid) -> bool {
    grid.norm(0, 0)
        .is_some_and(|text| text.starts_with("genesis-tabelle"))
}

fn is_rule(cell: &Cell) -> bool {
    matches!(cell, Cell::Text(text) if text.trim().len() >= 3 && text.trim().chars().all(|c| c == '_'))
}

fn text(grid: &Grid, row: usize, col: usize) -> Option<String> {
    match grid.get(row, col) {
        Cell::Text(text) => Some(text.trim().to_string()),
        _ => None,
    }
}

/// Reshapes a GENESIS export in place: the footer is cut off (its `Stand:` kept), a header
/// text repeated over the columns it covers stays only in its first column (as if merged, so
/// that `spalte: [Arbeitslose, langzeitarbeitslos]` finds the sub-header below its heading),
/// and the header lines joined per column name the cells. `None` for other files.
pub fn reshape(grid: &mut Grid) -> Option<Genesis> {
    if !is_genesis(grid) {
        return None;
    }
    let end = (0..grid.rows.len())
        .find(|row| is_rule(grid.get(*row, 0)))
        .unwrap_or(grid.rows.len());
    let stand = (end..grid.rows.len()).find_map(|row| {
        let line = text(grid, row, 0)?;
        let rest = line.strip_prefix("Stand:")?;
        let date = rest.split(" / ").next().unwrap_or(rest).trim();
        (!date.is_empty()).then(|| date.to_string())
    });
    grid.rows.truncate(end);
    if let Some(lines) = grid.lines.as_mut() {
        lines.truncate(end);
    }
    grid.index();
    let width = grid.width();
    let filled =
        |grid: &Grid, row: usize| (0..width).filter(|c| grid.norm(row, *c).is_some()).count();
    // Data rows carry field 1 and more; header rows leave field 1 empty; title rows only fill it.
    let data_start = (1..end)
        .find(|row| grid.norm(*row, 0).is_some() && filled(grid, *row) > 1)
        .unwrap_or(end);
    let header_start = (1..data_start)
        .rev()
        .take_while(|row| grid.norm(*row, 0).is_none())
        .last()
        .unwrap_or(data_start);
    let original: Vec<Vec<Option<String>>> = (header_start..data_start)
        .map(|row| (0..width).map(|col| text(grid, row, col)).collect())
        .collect();
    grid.headers = Some(
        (0..width)
            .map(|col| {
                original
                    .iter()
                    .filter_map(|line| line.get(col).cloned().flatten())
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect(),
    );
    merge_repeats(grid, header_start, &original);
    grid.data_start = Some(data_start);
    Some(Genesis { stand, data_start })
}

/// Blanks a header cell that repeats its left neighbour while every line above it repeats too
/// (one span of a merged header); a change in any line above starts a new span.
fn merge_repeats(grid: &mut Grid, header_start: usize, original: &[Vec<Option<String>>]) {
    let same = |line: &Vec<Option<String>>, col: usize| {
        let here = line.get(col).cloned().flatten();
        here.is_some()
            && here
                == col
                    .checked_sub(1)
                    .and_then(|c| line.get(c).cloned().flatten())
    };
    for (level, line) in original.iter().enumerate() {
        for col in 1..line.len() {
            let continued = original
                .get(..level)
                .unwrap_or_default()
                .iter()
                .all(|above| {
                    above.get(col).cloned().flatten().map(|t| normalize(&t))
                        == above.get(col - 1).cloned().flatten().map(|t| normalize(&t))
                });
            if same(line, col) && continued {
                if let Some(cell) = grid
                    .rows
                    .get_mut(header_start + level)
                    .and_then(|cells| cells.get_mut(col))
                {
                    *cell = Cell::Empty;
                }
            }
        }
    }
    grid.index();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::csv::{read, Encoding};

    // The layout of a GENESIS export with invented regions and figures.
    const EXPORT: &str = "GENESIS-Tabelle: 13211-02-05-4\n\
Arbeitslose nach Personengruppen;;;;;\n\
;;;Arbeitslose;Arbeitslose;Arbeitslosenquote\n\
;;;;langzeitarbeitslos;\n\
;;;Anzahl;Anzahl;Prozent\n\
2020;01001;      Musterstadt, kreisfreie Stadt;1000;200;5,0\n\
2020;13076;      Landkreis Musterland;2000;300;4,0\n\
__________\n\
\"zu \"\"gesamte Tabelle\"\":\n\
Quelle: BA\"\n\
Stand: 17.08.2021 / 19:38:04\n";

    #[test]
    fn the_footer_is_cut_and_repeated_headers_are_merged() {
        let mut grid = read(EXPORT.as_bytes(), "x.csv", Encoding::Detect, None).unwrap();
        let genesis = reshape(&mut grid).unwrap();
        assert_eq!(genesis.stand.as_deref(), Some("17.08.2021"));
        assert_eq!(genesis.data_start, 5);
        assert_eq!(grid.rows.len(), 7);
        assert_eq!(grid.get(2, 3), &Cell::Text("Arbeitslose".into()));
        assert_eq!(grid.get(2, 4), &Cell::Empty);
        // A new span below: the unit stays where the line above changes.
        assert_eq!(grid.get(4, 4), &Cell::Text("Anzahl".into()));
        assert_eq!(
            grid.headers
                .as_ref()
                .and_then(|h| h.get(4))
                .map(String::as_str),
            Some("Arbeitslose langzeitarbeitslos Anzahl")
        );
        assert_eq!(
            grid.cell_name(6, 3),
            "Zeile 7, Feld 4 („Arbeitslose Anzahl“)"
        );
    }

    #[test]
    fn other_csv_files_are_left_alone() {
        let mut grid = read(b"A;B\n1;2\n", "x.csv", Encoding::Detect, None).unwrap();
        assert_eq!(reshape(&mut grid), None);
        assert_eq!(grid.headers, None);
    }
}
