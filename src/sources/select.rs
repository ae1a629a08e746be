//! Finding values in a grid the way an author reads a table: rows by label, columns by header
//! or letter, whole rows and columns as year or month maps, and the long time-series layout.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::decl::{Incomplete, Labels, LongDecl, Pick, Text, ValueDecl};
use super::error::ImportError;
use super::grid::{
    cell_ref, closest, column_letters, month_of, normalize, parse_cell_ref, parse_column,
    parse_column_or_number, year_of, Cell, Grid, MONTHS,
};
use super::value::{denoise, text_figure, Figure};

/// The figures taken for one declaration: the value and, per leaf (relative key path, empty
/// for a single value), the cell it came from.
pub type Taken = (Value, Vec<(String, String)>);

/// A grid with what the declaration says about reading it.
pub struct Selector<'a> {
    /// The sheet.
    pub grid: &'a Grid,
    /// "data/quellen/x.xlsx, Blatt „Eckwerte“", for messages.
    pub at: String,
    /// Label columns (0-based).
    pub label_cols: Vec<usize>,
    /// Whether `1.234,5` is the number format of text cells.
    pub decimal_comma: bool,
    /// The raw text of every cell taken, in the order of the taken cells (for `amip quellen`).
    pub raw: std::cell::RefCell<Vec<String>>,
}

fn listed(items: &[String]) -> String {
    if items.is_empty() {
        String::new()
    } else {
        let quoted: Vec<String> = items.iter().map(|item| format!("„{item}“")).collect();
        format!("; ähnlich: {}", quoted.join(", "))
    }
}

fn places(grid: &Grid, cells: &[(usize, usize)]) -> String {
    let names: Vec<String> = cells
        .iter()
        .map(|(row, col)| match grid.lines {
            None => format!("{} (Zeile {})", grid.cell_name(*row, *col), row + 1),
            Some(_) => grid.cell_name(*row, *col),
        })
        .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} und {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

impl Selector<'_> {
    /// Resolves label columns given as letters or header texts (header: first row).
    pub fn columns_of(grid: &Grid, spec: &[Text]) -> Result<Vec<usize>, String> {
        spec.iter()
            .map(|text| {
                let text = text.as_text();
                parse_column(&text)
                    .or_else(|| {
                        let wanted = normalize(&text);
                        (0..grid.width()).find(|col| grid.norm(0, *col) == Some(wanted.as_str()))
                    })
                    .or_else(|| parse_column_or_number(&text, grid.width()))
                    .ok_or_else(|| format!("beschriftung: die Spalte „{text}“ gibt es nicht"))
            })
            .collect()
    }

    fn row_labels(&self, row: usize) -> impl Iterator<Item = (usize, String)> + '_ {
        self.label_cols
            .iter()
            .filter_map(move |col| match self.grid.get(row, *col) {
                Cell::Text(text) => Some((*col, text.clone())),
                _ => None,
            })
    }

    fn all_labels(&self) -> Vec<String> {
        (0..self.grid.rows.len())
            .flat_map(|row| {
                self.row_labels(row)
                    .map(|(_, text)| text)
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// The row whose label is `labels`; a path searches each part below the previous one;
    /// keys name the one row where every named column holds its text.
    pub fn find_row(&self, labels: &Labels) -> Result<usize, ImportError> {
        if let Labels::Keys(keys) = labels {
            return self.find_row_by_keys(keys, labels);
        }
        let parts = labels.parts();
        let mut start = 0;
        let mut chosen = None;
        for part in &parts {
            let wanted = normalize(part);
            let mut hits: Vec<(usize, usize)> = Vec::new();
            for row in start..self.grid.rows.len() {
                if let Some(col) = self
                    .label_cols
                    .iter()
                    .find(|col| self.grid.norm(row, **col) == Some(wanted.as_str()))
                {
                    hits.push((row, *col));
                }
            }
            let Some(&(row, _)) = hits.first() else {
                return Err(ImportError::LabelMissing {
                    at: self.at.clone(),
                    label: labels.shown(),
                    closest: listed(&closest(part, self.all_labels(), 3)),
                });
            };
            if parts.len() == 1 && hits.len() > 1 {
                return Err(ImportError::Ambiguous {
                    at: self.at.clone(),
                    label: labels.shown(),
                    places: places(self.grid, &hits),
                });
            }
            chosen = Some(row);
            start = row + 1;
        }
        chosen.ok_or_else(|| ImportError::Declaration("zeile: ist leer".to_string()))
    }

    /// The column headed `labels` above `row` (the nearest header wins), a GENESIS export's
    /// whole header text, or a letter (`D`) or 1-based number (`4`); a header that looks like
    /// letters (`ELB`) counts as a header when one is there.
    pub fn find_col(&self, labels: &Labels, row: usize) -> Result<usize, ImportError> {
        if let Labels::Keys(_) = labels {
            return Err(ImportError::Declaration(format!(
                "{}: spalte: nennt eine Spalte (Überschrift, Buchstabe oder Nummer), keine Zuordnung wie {}",
                self.at,
                labels.shown()
            )));
        }
        let parts = labels.parts();
        let single = match parts.as_slice() {
            [single] => Some(single.as_str()),
            _ => None,
        };
        match self.find_header(&parts, labels, row) {
            Ok(col) => Ok(col),
            Err(Miss::Error(err)) => Err(err),
            Err(Miss::Part(part)) => single
                .and_then(|single| {
                    self.joined_header(single)
                        .or_else(|| parse_column_or_number(single, self.grid.width()))
                })
                .ok_or_else(|| self.column_missing(&part, labels, row)),
        }
    }

    /// No column headed `part` above `row`: the error with the most similar header texts.
    fn column_missing(&self, part: &str, labels: &Labels, row: usize) -> ImportError {
        let candidates = (0..row)
            .flat_map(|r| (0..self.grid.width()).map(move |c| (r, c)))
            .filter_map(|(r, c)| match self.grid.get(r, c) {
                Cell::Text(text) => Some(text.clone()),
                _ => None,
            });
        ImportError::ColumnMissing {
            at: self.at.clone(),
            header: labels.shown(),
            row: (row + 1).to_string(),
            closest: listed(&closest(part, candidates, 3)),
        }
    }

    /// The column whose joined GENESIS header lines read `text`.
    fn joined_header(&self, text: &str) -> Option<usize> {
        let wanted = normalize(text);
        self.grid
            .headers
            .as_ref()?
            .iter()
            .position(|header| !header.is_empty() && normalize(header) == wanted)
    }

    /// A column named in `zeile: {A: …}` or `jahr:`: by letter or number within the sheet
    /// (a code such as `A` for Österreich may stand in the data), else by header anywhere.
    fn key_column(&self, name: &str) -> Result<usize, ImportError> {
        let width = self.grid.width();
        if let Some(col) = parse_column_or_number(name, width).filter(|col| *col < width) {
            return Ok(col);
        }
        self.find_col(
            &Labels::One(Text::Text(name.to_string())),
            self.grid.rows.len(),
        )
    }

    fn find_row_by_keys(
        &self,
        keys: &IndexMap<String, Text>,
        labels: &Labels,
    ) -> Result<usize, ImportError> {
        let columns: Vec<(usize, &Text)> = keys
            .iter()
            .map(|(name, text)| self.key_column(name).map(|col| (col, text)))
            .collect::<Result<_, _>>()?;
        let matches =
            |row: usize, col: usize, text: &Text| super::same_text(self.grid.get(row, col), text);
        let rows = self.grid.rows.len();
        let hits: Vec<usize> = (0..rows)
            .filter(|row| columns.iter().all(|(col, text)| matches(*row, *col, text)))
            .collect();
        match hits.as_slice() {
            [row] => Ok(*row),
            [] => {
                // The value no row holds, with its column's nearest texts; else the rows that
                // match all but one key.
                let absent = columns
                    .iter()
                    .find(|(col, text)| !(0..rows).any(|row| matches(row, *col, text)));
                let closest = match absent {
                    Some((col, text)) => listed(&closest(
                        &text.as_text(),
                        (0..rows).filter_map(|row| self.grid.get(row, *col).label()),
                        3,
                    )),
                    None => {
                        let near: Vec<(usize, usize)> = (0..rows)
                            .filter(|row| {
                                columns.iter().filter(|(c, t)| matches(*row, *c, t)).count() + 1
                                    == columns.len()
                            })
                            .take(5)
                            .filter_map(|row| columns.first().map(|(col, _)| (row, *col)))
                            .collect();
                        if near.is_empty() {
                            String::new()
                        } else {
                            format!("; fast passend: {}", places(self.grid, &near))
                        }
                    }
                };
                Err(ImportError::LabelMissing {
                    at: self.at.clone(),
                    label: labels.shown(),
                    closest,
                })
            }
            several => Err(ImportError::Ambiguous {
                at: self.at.clone(),
                label: labels.shown(),
                places: places(
                    self.grid,
                    &several
                        .iter()
                        .filter_map(|row| columns.first().map(|(col, _)| (*row, *col)))
                        .collect::<Vec<_>>(),
                ),
            }),
        }
    }

    /// The column under the header path; a part not found is returned as such, so that the
    /// caller tries letters and numbers before the costly list of similar headers.
    fn find_header(&self, parts: &[String], labels: &Labels, row: usize) -> Result<usize, Miss> {
        let width = self.grid.width();
        let above = self.grid.data_start.map_or(row, |start| row.min(start));
        let (mut top, mut bottom, mut left, mut right) = (0, above, 0, width);
        let mut found = None;
        for (index, part) in parts.iter().enumerate() {
            let wanted = normalize(part);
            let matches_at = |r: usize| -> Vec<usize> {
                (left..right)
                    .filter(|col| self.grid.norm(r, *col) == Some(wanted.as_str()))
                    .collect()
            };
            // The outermost header: nearest above the row; sub-headers: first below it.
            let rows: Vec<usize> = if index == 0 {
                (top..bottom).rev().collect()
            } else {
                (top..bottom).collect()
            };
            let hit = rows.into_iter().find_map(|r| {
                let cols = matches_at(r);
                (!cols.is_empty()).then_some((r, cols))
            });
            let Some((header_row, cols)) = hit else {
                return Err(Miss::Part(part.clone()));
            };
            if cols.len() > 1 {
                let cells: Vec<(usize, usize)> = cols.iter().map(|c| (header_row, *c)).collect();
                return Err(Miss::Error(ImportError::ColumnAmbiguous {
                    at: self.at.clone(),
                    header: labels.shown(),
                    places: places(self.grid, &cells),
                }));
            }
            let col = cols.first().copied().unwrap_or_default();
            // A merged header spans until the next filled cell of its row.
            let span_end = (col + 1..width)
                .find(|c| !matches!(self.grid.get(header_row, *c), Cell::Empty))
                .unwrap_or(width);
            top = header_row + 1;
            left = col;
            right = span_end;
            bottom = above;
            found = Some(col);
        }
        found.ok_or_else(|| Miss::Error(ImportError::Declaration("spalte: ist leer".to_string())))
    }

    /// The figure in a cell.
    pub fn figure(
        &self,
        row: usize,
        col: usize,
        digits: Option<u8>,
    ) -> Result<Figure, ImportError> {
        let cell = self.grid.cell_name(row, col);
        let raw = match self.grid.get(row, col) {
            Cell::Formula(formula) => formula.clone(),
            other => other.label().unwrap_or_default(),
        };
        self.raw.borrow_mut().push(raw);
        match self.grid.get(row, col) {
            Cell::Number(n) => Ok(Figure::Number(denoise(*n, digits))),
            Cell::Text(text) => match text_figure(text, self.decimal_comma) {
                Some(Figure::Number(n)) => Ok(Figure::Number(denoise(n, digits))),
                Some(special) => Ok(special),
                None => Err(ImportError::NotANumber {
                    at: self.at.clone(),
                    cell,
                    found: text.trim().to_string(),
                }),
            },
            Cell::Formula(formula) => Err(ImportError::FormulaUncached {
                at: self.at.clone(),
                cell,
                formula: formula.trim_start_matches('=').to_string(),
            }),
            Cell::Empty => Err(ImportError::EmptyCell {
                at: self.at.clone(),
                cell,
            }),
        }
    }

    fn leaf(&self, row: usize, col: usize, digits: Option<u8>) -> Result<Taken, ImportError> {
        let figure = self.figure(row, col, digits)?;
        Ok((
            figure.to_value(),
            vec![(String::new(), self.grid.cell_name(row, col))],
        ))
    }

    /// Takes what `decl` asks for, with the years of a long series that lack the row `monat:`
    /// names (shown or left out as `unvollstaendig:` says).
    pub fn take(&self, decl: &ValueDecl) -> Result<(Taken, Vec<IncompleteYear>), ImportError> {
        if let Some(long) = &decl.zeitreihe {
            let column = decl.spalte.as_ref().ok_or_else(|| {
                ImportError::Declaration("zeitreihe: braucht spalte: (die Spalte der Werte)".into())
            })?;
            return self.long_series(
                long,
                column,
                decl.monat.as_deref(),
                decl.stellen,
                decl.unvollstaendig,
            );
        }
        Ok((self.take_plain(decl)?, Vec::new()))
    }

    /// Takes a cell, a row, a column or a table.
    fn take_plain(&self, decl: &ValueDecl) -> Result<Taken, ImportError> {
        let digits = decl.stellen;
        if let Some(cell) = &decl.zelle {
            let (row, col) = parse_cell_ref(cell).ok_or_else(|| {
                ImportError::Declaration(format!(
                    "zelle: „{cell}“ ist keine Zelladresse (erwartet z. B. D15)"
                ))
            })?;
            return self.leaf(row, col, digits);
        }
        match (&decl.zeile, &decl.spalte, &decl.zeilen, &decl.spalten) {
            (Some(row), Some(col), None, None) => {
                let row = self.find_row(row)?;
                let col = self.find_col(col, row)?;
                self.leaf(row, col, digits)
            }
            (Some(row), None, None, Some(cols)) => {
                let row = self.find_row(row)?;
                self.row_map(row, cols, digits)
            }
            (None, Some(col), Some(rows), None) => {
                self.column_map(rows, col, decl.jahr.as_ref(), digits)
            }
            (None, None, Some(Pick::Keys(rows)), Some(cols)) => {
                let mut map = Map::new();
                let mut cells = Vec::new();
                for (key, label) in rows {
                    let row = self.find_row(label)?;
                    let (value, leaf_cells) = self.row_map(row, cols, digits)?;
                    map.insert(key.clone(), value);
                    cells.extend(leaf_cells.into_iter().map(|(sub, cell)| (format!("{key}.{sub}"), cell)));
                }
                Ok((Value::Object(map), cells))
            }
            _ => Err(ImportError::Declaration(
                "Geben Sie zelle: an, oder zeile: mit spalte: oder spalten:, oder spalte: mit zeilen:, oder zeilen: mit spalten:, oder zeitreihe: mit spalte:.".into(),
            )),
        }
    }

    fn row_map(&self, row: usize, cols: &Pick, digits: Option<u8>) -> Result<Taken, ImportError> {
        let mut map = Map::new();
        let mut cells = Vec::new();
        match cols {
            Pick::Keys(keys) => {
                for (key, header) in keys {
                    let col = self.find_col(header, row)?;
                    map.insert(key.clone(), self.figure(row, col, digits)?.to_value());
                    cells.push((key.clone(), self.grid.cell_name(row, col)));
                }
            }
            Pick::Kind(kind) => {
                let classify = classifier(kind)?;
                let header = (0..row).rev().find_map(|r| {
                    let cols: Vec<(usize, String)> = (0..self.grid.width())
                        .filter(|c| !self.label_cols.contains(c))
                        .filter_map(|c| {
                            self.grid
                                .get(r, c)
                                .label()
                                .and_then(|l| classify(&l))
                                .map(|k| (c, k))
                        })
                        .collect();
                    (!cols.is_empty()).then_some((r, cols))
                });
                let (header_row, header) = header.ok_or_else(|| ImportError::ColumnMissing {
                    at: self.at.clone(),
                    header: format!("mit {kind}"),
                    row: (row + 1).to_string(),
                    closest: String::new(),
                })?;
                self.no_repeats(header_row, &header)?;
                for (col, key) in header {
                    if matches!(self.grid.get(row, col), Cell::Empty) {
                        continue;
                    }
                    map.insert(key.clone(), self.figure(row, col, digits)?.to_value());
                    cells.push((key, self.grid.cell_name(row, col)));
                }
            }
        }
        Ok((Value::Object(map), cells))
    }

    /// A year or month heading two columns makes the row's value ambiguous: refused with both.
    fn no_repeats(&self, header_row: usize, header: &[(usize, String)]) -> Result<(), ImportError> {
        let mut seen: IndexMap<&str, usize> = IndexMap::new();
        for (col, key) in header {
            if let Some(first) = seen.insert(key.as_str(), *col) {
                let name = |col: usize| match self.grid.lines {
                    None => cell_ref(header_row, col),
                    Some(_) => format!("Spalte {}", col + 1),
                };
                return Err(ImportError::YearTwice {
                    at: self.at.clone(),
                    year: key.clone(),
                    first: name(first),
                    second: name(*col),
                });
            }
        }
        Ok(())
    }

    /// Several rows of one column; with `jahr:` the years are read from that column only
    /// (long tables), and a year series is in year order whatever the file's order.
    fn column_map(
        &self,
        rows: &Pick,
        col: &Labels,
        year: Option<&Text>,
        digits: Option<u8>,
    ) -> Result<Taken, ImportError> {
        let mut map = Map::new();
        let mut cells = Vec::new();
        let year_cols = match year {
            Some(year) => vec![self.key_column(&year.as_text())?],
            None => self.label_cols.clone(),
        };
        let mut picked: Vec<(String, usize)> = match rows {
            Pick::Keys(keys) => keys
                .iter()
                .map(|(key, label)| self.find_row(label).map(|row| (key.clone(), row)))
                .collect::<Result<_, _>>()?,
            Pick::Kind(kind) => {
                let classify = classifier(kind)?;
                (0..self.grid.rows.len())
                    .filter_map(|row| {
                        year_cols
                            .iter()
                            .find_map(|c| self.grid.get(row, *c).label().and_then(|l| classify(&l)))
                            .map(|key| (key, row))
                    })
                    .collect()
            }
        };
        if matches!(rows, Pick::Kind(kind) if kind.trim() == "jahre") {
            // Years are four digits here, so text order is year order; stable for repeats.
            picked.sort_by(|a, b| a.0.cmp(&b.0));
        }
        if matches!(rows, Pick::Kind(_)) {
            let mut seen: IndexMap<&str, usize> = IndexMap::new();
            for (key, row) in &picked {
                if let Some(first) = seen.insert(key.as_str(), *row) {
                    let line = |row: usize| {
                        let shown = self.grid.lines.as_ref().and_then(|l| l.get(row).copied());
                        format!("Zeile {}", shown.unwrap_or(row + 1))
                    };
                    return Err(ImportError::YearTwice {
                        at: self.at.clone(),
                        year: key.clone(),
                        first: line(first),
                        second: line(*row),
                    });
                }
            }
        }
        for (key, row) in picked {
            let column = self.find_col(col, row)?;
            if matches!(rows, Pick::Kind(_)) && matches!(self.grid.get(row, column), Cell::Empty) {
                continue;
            }
            map.insert(key.clone(), self.figure(row, column, digits)?.to_value());
            cells.push((key, self.grid.cell_name(row, column)));
        }
        Ok((Value::Object(map), cells))
    }

    fn column_of(
        &self,
        text: &Option<Text>,
        default: usize,
        before: usize,
    ) -> Result<usize, ImportError> {
        match text {
            None => Ok(default),
            Some(text) => self.find_col(&Labels::One(text.clone()), before),
        }
    }

    fn long_series(
        &self,
        long: &LongDecl,
        column: &Labels,
        month: Option<&str>,
        digits: Option<u8>,
        policy: Option<Incomplete>,
    ) -> Result<(Taken, Vec<IncompleteYear>), ImportError> {
        let rows = self.grid.rows.len();
        let year_col = self.column_of(&long.jahr, 0, rows)?;
        let month_col = self.column_of(&long.monat, 1, rows)?;
        let wanted = month.map(normalize);
        let mut years: IndexMap<String, Map<String, Value>> = IndexMap::new();
        // With `monat:`, the month rows of each year, to find the years without that row.
        let mut monthly: IndexMap<String, Vec<(String, usize)>> = IndexMap::new();
        let mut cells = Vec::new();
        let mut current: Option<String> = None;
        for row in 0..rows {
            if let Some(year) = self
                .grid
                .get(row, year_col)
                .label()
                .and_then(|l| year_of(&l))
            {
                current = Some(year);
            }
            let (Some(year), Some(label)) = (&current, self.grid.get(row, month_col).label())
            else {
                continue;
            };
            let key = match month_of(&label) {
                Some(index) => MONTHS
                    .get(index)
                    .map(|m| (*m).to_string())
                    .unwrap_or_default(),
                None if !normalize(&label).is_empty() && year_of(&label).is_none() => {
                    label.trim().to_string()
                }
                None => continue,
            };
            if let Some(wanted) = &wanted {
                if month_of(&key).is_some() {
                    monthly
                        .entry(year.clone())
                        .or_default()
                        .push((key.clone(), row));
                }
                let same_month =
                    matches!((month_of(wanted), month_of(&key)), (Some(a), Some(b)) if a == b);
                if normalize(&key) != *wanted && !same_month {
                    continue;
                }
            }
            let col = self.find_col(column, row)?;
            let value = self.figure(row, col, digits)?.to_value();
            let entry = years.entry(year.clone()).or_default();
            if wanted.is_some() {
                cells.push((year.clone(), self.grid.cell_name(row, col)));
            } else {
                cells.push((format!("{year}.{key}"), self.grid.cell_name(row, col)));
            }
            entry.insert(key, value);
        }
        if years.is_empty() && monthly.is_empty() {
            return Err(ImportError::LabelMissing {
                at: self.at.clone(),
                label: format!(
                    "für eine Zeitreihe (Jahr in Spalte {}, Monat in Spalte {}{})",
                    column_letters(year_col),
                    column_letters(month_col),
                    month.map(|m| format!(", Monat „{m}“")).unwrap_or_default()
                ),
                closest: String::new(),
            });
        }
        let mut map = year_values(years, wanted.is_some());
        let series = Series {
            column,
            month,
            digits,
        };
        let incomplete = self.incomplete_years(&series, monthly, policy, &mut map, &mut cells)?;
        Ok(((Value::Object(map), cells), incomplete))
    }

    /// The years with month rows but without the row `monat:` names: left out, or shown as
    /// the average of their months (`unvollstaendig: zeigen`, only where `monat:` is no month).
    fn incomplete_years(
        &self,
        series: &Series<'_>,
        monthly: IndexMap<String, Vec<(String, usize)>>,
        policy: Option<Incomplete>,
        map: &mut Map<String, Value>,
        cells: &mut Vec<(String, String)>,
    ) -> Result<Vec<IncompleteYear>, ImportError> {
        let averages = series.month.is_some_and(|m| month_of(m).is_none());
        let mut incomplete = Vec::new();
        for (year, months) in monthly {
            if map.contains_key(&year) {
                continue;
            }
            let shown = match policy {
                Some(Incomplete::Zeigen) if averages => {
                    self.average(&months, series, cells, &year)?
                }
                Some(Incomplete::Zeigen) => {
                    return Err(ImportError::Declaration(format!(
                        "unvollstaendig: zeigen gilt nur für einen Durchschnitt (z. B. monat: Jahresdurchschnitt), nicht für monat: {}; {year} hat diesen Monat nicht",
                        series.month.unwrap_or_default()
                    )))
                }
                Some(Incomplete::Weglassen) | None => None,
            };
            if let Some(average) = shown {
                map.insert(year.clone(), super::value::number_value(average));
                map.sort_keys();
            }
            incomplete.push(IncompleteYear {
                year,
                months: months.into_iter().map(|(m, _)| m).collect(),
                shown,
            });
        }
        Ok(incomplete)
    }

    /// The average of a year's month rows, rounded to `digits` (else to the months' own
    /// decimals, at most two); `None` when a month holds a sign instead of a number.
    fn average(
        &self,
        months: &[(String, usize)],
        series: &Series<'_>,
        cells: &mut Vec<(String, String)>,
        year: &str,
    ) -> Result<Option<f64>, ImportError> {
        let (column, digits) = (series.column, series.digits);
        let mut sum = 0.0;
        let mut decimals = 0u8;
        let mut names = Vec::new();
        for (_, row) in months {
            let col = self.find_col(column, *row)?;
            let Figure::Number(n) = self.figure(*row, col, digits)? else {
                return Ok(None);
            };
            if n.fract() != 0.0 {
                decimals = decimals.max(if (n * 10.0).fract() == 0.0 { 1 } else { 2 });
            }
            sum += n;
            names.push(self.grid.cell_name(*row, col));
        }
        let (Some(first), Some(last)) = (names.first(), names.last()) else {
            return Ok(None);
        };
        cells.push((year.to_string(), format!("{first} bis {last}")));
        #[allow(clippy::cast_precision_loss)]
        let average = sum / months.len() as f64;
        Ok(Some(denoise(average, Some(digits.unwrap_or(decimals)))))
    }
}

/// The series' map: per year the one value of the row `monat:` names (`one`), or the map of
/// its months.
fn year_values(years: IndexMap<String, Map<String, Value>>, one: bool) -> Map<String, Value> {
    years
        .into_iter()
        .map(|(year, months)| {
            let value = if one {
                months
                    .into_iter()
                    .next()
                    .map(|(_, v)| v)
                    .unwrap_or(Value::Null)
            } else {
                Value::Object(months)
            };
            (year, value)
        })
        .collect()
}

/// What a long series reads: the column of values, the row `monat:` names, the decimals.
struct Series<'a> {
    column: &'a Labels,
    month: Option<&'a str>,
    digits: Option<u8>,
}

/// A year of a long series without the row `monat:` names: the year still running.
#[derive(Debug, Clone, PartialEq)]
pub struct IncompleteYear {
    /// The year.
    pub year: String,
    /// The months the file holds for it, in order.
    pub months: Vec<String>,
    /// The average of those months when shown (`unvollstaendig: zeigen`); `None` when left out.
    pub shown: Option<f64>,
}

impl IncompleteYear {
    /// "Januar bis September", "Januar".
    pub fn months_shown(&self) -> String {
        match (self.months.first(), self.months.last()) {
            (Some(first), Some(last)) if first != last => format!("{first} bis {last}"),
            (Some(first), _) => first.clone(),
            _ => String::new(),
        }
    }
}

/// Why a header path was not found: a part missing (letters and numbers may still name the
/// column), or an error to report as it is.
enum Miss {
    Part(String),
    Error(ImportError),
}

type Classify = fn(&str) -> Option<String>;

fn classifier(kind: &str) -> Result<Classify, ImportError> {
    match kind.trim() {
        "jahre" => Ok(year_of),
        "monate" => Ok(|label: &str| month_of(label).map(|_| label.trim().to_string())),
        other => Err(ImportError::Declaration(format!(
            "„{other}“: erlaubt sind jahre, monate oder eine Zuordnung Schlüssel: Beschriftung"
        ))),
    }
}
