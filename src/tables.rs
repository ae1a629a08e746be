//! Tables: declared in YAML and computed here, once (shares, absolute and relative changes),
//! into a [`Table`] that each format's writer writes (`render::html::table`,
//! `render::typst::table`), so both outputs show the same cells.

use serde_json::Value;

use crate::data::{self, DataError};
use crate::format::{self, ChangeUnit, PercentStyle, PENDING};
use crate::model::{
    Chart, ColumnDecl, PairDecl, RowsDecl, ShareDecl, Table, TableDecl, TableRow, ValueFormat,
};

/// Resolves a table declaration against the data and formats every cell.
pub(crate) fn resolve_table(
    id: &str,
    decl: &TableDecl,
    data: &Value,
    example_sets: &[String],
) -> Result<Table, DataError> {
    let mut rows = Vec::new();
    let mut header = Vec::new();
    let mut numeric = Vec::new();
    match &decl.zeilen {
        RowsDecl::Explicit(row_decls) => {
            header.push(decl.kopf.clone().unwrap_or_default());
            numeric.push(false);
            for row in row_decls {
                let map = data::lookup(data, &row.daten)?;
                let mut cells = vec![row.titel.clone()];
                for column in &decl.spalten {
                    cells.push(cell(map, &row.daten, column, data)?);
                }
                rows.push(TableRow {
                    cells,
                    level: row.ebene,
                    total: row.summe,
                });
            }
        }
        RowsDecl::Path(path) => {
            let list = data::lookup(data, path)?;
            let items = list.as_array().ok_or_else(|| DataError::NotASeries {
                path: path.clone(),
                found: data::describe(list),
            })?;
            for (index, item) in items.iter().enumerate() {
                let item_path = format!("{path}.{index}");
                let mut cells = Vec::new();
                for column in &decl.spalten {
                    cells.push(cell(item, &item_path, column, data)?);
                }
                rows.push(TableRow {
                    cells,
                    level: 0,
                    total: false,
                });
            }
        }
    }
    for column in &decl.spalten {
        header.push(column.titel.clone());
        numeric.push(
            column.format != Some(ValueFormat::Text)
                && is_numeric_column(column, &rows, header.len() - 1),
        );
    }
    let example = crate::data::table_paths(decl, data)
        .iter()
        .any(|(path, _)| data::is_example(example_sets, path));
    let quotes = crate::text::german_quotes;
    for row in &mut rows {
        for cell in &mut row.cells {
            *cell = quotes(cell);
        }
    }
    Ok(Table {
        id: id.to_string(),
        caption: quotes(&data::caption_with_marker(&decl.titel, example)),
        source: decl.quelle.as_deref().map(quotes),
        header: header.iter().map(|h| quotes(h)).collect(),
        numeric,
        rows,
    })
}

fn is_numeric_column(column: &ColumnDecl, rows: &[TableRow], index: usize) -> bool {
    if column.anteil.is_some() || column.differenz.is_some() || column.veraenderung.is_some() {
        return true;
    }
    rows.iter().all(|row| {
        row.cells.get(index).is_some_and(|text| {
            text == PENDING
                || text.is_empty()
                || text
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit() || c == format::MINUS || c == '+')
        })
    })
}

fn field<'a>(row: &'a Value, row_path: &str, name: &str) -> Result<&'a Value, DataError> {
    data::lookup(row, name).map_err(|_| DataError::Missing {
        path: format!("{row_path}.{name}"),
        hint: format!(": das Feld „{name}“ fehlt"),
    })
}

fn field_number(row: &Value, row_path: &str, name: &str) -> Result<Option<f64>, DataError> {
    data::number(field(row, row_path, name)?, &format!("{row_path}.{name}"))
}

fn digits(format: Option<ValueFormat>, default: u8) -> u8 {
    match format {
        Some(ValueFormat::Ganz | ValueFormat::Euro) => 0,
        Some(ValueFormat::Dezimal1 | ValueFormat::Prozent) => 1,
        Some(ValueFormat::Dezimal2) => 2,
        _ => default,
    }
}

fn formatted(result: Result<String, format::NotANumber>, path: &str) -> Result<String, DataError> {
    result.map_err(|err| DataError::NotANumber {
        path: path.to_string(),
        found: err.to_string(),
    })
}

/// What a computed cell shows when an operand is no figure: the statistics' sign of the first
/// special operand (`X`, `*`, …), otherwise "derzeit in Abstimmung".
fn missing(operands: &[Option<&Value>]) -> String {
    operands
        .iter()
        .flatten()
        .find_map(|value| data::special(value))
        .map_or_else(|| PENDING.to_string(), |mark| mark.sign().to_string())
}

fn cell(
    row: &Value,
    row_path: &str,
    column: &ColumnDecl,
    data: &Value,
) -> Result<String, DataError> {
    if let Some(share) = &column.anteil {
        return share_cell(row, row_path, column, share, data);
    }
    if let Some(pair) = &column.differenz {
        // `differenz:`: `zu` minus `von`.
        return pair_cell(row, row_path, pair, digits(column.format, 0), |from, to| {
            Some(to - from)
        });
    }
    if let Some(pair) = &column.veraenderung {
        // `veraenderung:`: the change from `von` to `zu` in percent; empty when `von` is 0.
        return pair_cell(
            row,
            row_path,
            pair,
            digits(column.format, 1),
            format::change_percent,
        );
    }
    let Some(name) = &column.feld else {
        return Err(DataError::Shape(format!(
            "Spalte „{}“: geben Sie feld:, anteil:, differenz: oder veraenderung: an",
            column.titel
        )));
    };
    field_cell(row, row_path, column, name)
}

/// A share column (`anteil:`): the row's field as a share of a base value.
fn share_cell(
    row: &Value,
    row_path: &str,
    column: &ColumnDecl,
    share: &ShareDecl,
    data: &Value,
) -> Result<String, DataError> {
    let part = field_number(row, row_path, &share.feld)?;
    let whole = data::number_at(data, &share.basis)?;
    Ok(match (part, whole) {
        (Some(part), Some(whole)) => match format::share(part, whole) {
            Some(value) => formatted(
                column.format.unwrap_or(ValueFormat::Dezimal1).number(value),
                row_path,
            )?,
            None => {
                return Err(DataError::Shape(format!(
                    "Spalte „{}“, Zeile „{row_path}“: der Anteil ist nicht bestimmt, denn die Basis „{}“ ist 0",
                    column.titel, share.basis
                )))
            }
        },
        _ => missing(&[
            field(row, row_path, &share.feld).ok(),
            data::lookup(data, &share.basis).ok(),
        ]),
    })
}

/// A column computed from two fields of the row (`differenz:`, `veraenderung:`), shown with a
/// sign: `compute(von, zu)`, empty when it gives nothing (a change from 0); the pending or
/// missing operand when there is one.
fn pair_cell(
    row: &Value,
    row_path: &str,
    pair: &PairDecl,
    digits: u8,
    compute: fn(f64, f64) -> Option<f64>,
) -> Result<String, DataError> {
    let from = field_number(row, row_path, &pair.von)?;
    let to = field_number(row, row_path, &pair.zu)?;
    Ok(match (from, to) {
        (Some(from), Some(to)) => match compute(from, to) {
            Some(value) => formatted(
                format::change(value, digits, ChangeUnit::Number, PercentStyle::Sign),
                row_path,
            )?,
            None => String::new(),
        },
        _ => missing(&[
            field(row, row_path, &pair.von).ok(),
            field(row, row_path, &pair.zu).ok(),
        ]),
    })
}

/// A plain column (`feld:`): the row's field as text, a formatted number or a sign.
fn field_cell(
    row: &Value,
    row_path: &str,
    column: &ColumnDecl,
    name: &str,
) -> Result<String, DataError> {
    let value = field(row, row_path, name)?;
    let path = format!("{row_path}.{name}");
    Ok(match value {
        v if data::special(v).is_some() => data::special(v)
            .map(|m| m.sign().to_string())
            .unwrap_or_default(),
        v if data::is_pending(v) => PENDING.to_string(),
        Value::String(text) => text.clone(),
        Value::Bool(true) => "ja".to_string(),
        Value::Bool(false) => "nein".to_string(),
        Value::Number(_) => {
            let number = data::number(value, &path)?.unwrap_or_default();
            let format = column.format.unwrap_or(if number.fract() == 0.0 {
                ValueFormat::Ganz
            } else {
                ValueFormat::Dezimal1
            });
            formatted(format.number(number), &path)?
        }
        other => {
            return Err(DataError::NotANumber {
                path,
                found: data::describe(other),
            })
        }
    })
}

/// The data behind a chart as a table, so nothing is conveyed by graphics alone.
pub fn chart_data_table(chart: &Chart) -> Table {
    let mut header = vec![chart
        .x_title
        .clone()
        .unwrap_or_else(|| "Kategorie".to_string())];
    header.extend(chart.series.iter().map(|s| s.name.clone()));
    let mut numeric = vec![false];
    numeric.extend(chart.series.iter().map(|_| true));
    let rows = chart
        .categories
        .iter()
        .enumerate()
        .map(|(index, category)| {
            let mut cells = vec![category.clone()];
            for series in &chart.series {
                cells.push(series.point(index).cell(chart.format));
            }
            TableRow {
                cells,
                level: 0,
                total: false,
            }
        })
        .collect();
    Table {
        id: chart.id.clone(),
        caption: format!("Daten zur Abbildung: {}", chart.caption),
        source: chart.source.clone(),
        header,
        numeric,
        rows,
    }
}

/// A small resolved budget table (two rows, the second a total) for the writers' tests.
#[cfg(test)]
pub(crate) fn budget_example() -> Table {
    let decl: crate::model::TableDecl = serde_saphyr::from_str(
        "titel: Budget\nkopf: Position\nzeilen:\n  - {titel: VK, daten: b.vk}\n  - {titel: Gesamt, daten: b.gesamt, summe: true}\nspalten:\n  - {titel: '2019', feld: vorjahr}\n  - {titel: '2020', feld: planjahr}\n",
    )
    .unwrap();
    let data = serde_json::json!({"b": {
        "vk": {"vorjahr": 9069867, "planjahr": 8581009},
        "gesamt": {"vorjahr": 16199332, "planjahr": 15634076}}});
    crate::tables::resolve_table("budget", &decl, &data, &[]).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decl(yaml: &str) -> TableDecl {
        serde_saphyr::from_str(yaml).unwrap()
    }

    fn budget() -> (TableDecl, Value) {
        let decl = decl(
            "titel: Budget\nquelle: BA\nkopf: Position\nzeilen:\n  - {titel: VK, daten: b.vk}\n  - {titel: EGL, daten: b.egl}\n  - {titel: Gesamt, daten: b.gesamt, summe: true}\nspalten:\n  - {titel: '2019', feld: vorjahr}\n  - {titel: '2020', feld: planjahr}\n  - {titel: Delta, differenz: {von: vorjahr, zu: planjahr}}\n  - {titel: Delta %, veraenderung: {von: vorjahr, zu: planjahr}, format: dezimal1}\n",
        );
        let data = json!({"b": {
            "vk": {"vorjahr": 9069867, "planjahr": 8581009},
            "egl": {"vorjahr": 7129465, "planjahr": 7053067},
            "gesamt": {"vorjahr": 16199332, "planjahr": 15634076}}});
        (decl, data)
    }

    #[test]
    fn budget_deltas_are_computed() {
        let (decl, data) = budget();
        let table = resolve_table("budget", &decl, &data, &[]).unwrap();
        assert_eq!(
            table.header,
            vec!["Position", "2019", "2020", "Delta", "Delta %"]
        );
        assert_eq!(
            table.rows[0].cells,
            vec!["VK", "9.069.867", "8.581.009", "−488.858", "−5,4"]
        );
        assert_eq!(table.rows[1].cells[3..], ["−76.398", "−1,1"]);
        assert_eq!(table.rows[2].cells[3..], ["−565.256", "−3,5"]);
        assert!(table.rows[2].total);
        assert_eq!(table.numeric, vec![false, true, true, true, true]);
    }

    #[test]
    fn share_column_against_a_total() {
        let decl = decl("titel: IP\nzeilen:\n  - {titel: gesamt, daten: ip.g}\n  - {titel: marktnah, daten: ip.m}\nspalten:\n  - {titel: ELB, feld: gesamt}\n  - {titel: Anteil, anteil: {feld: gesamt, basis: ip.g.gesamt}}\n");
        let data = json!({"ip": {"g": {"gesamt": 5485}, "m": {"gesamt": 173}}});
        let table = resolve_table("ip", &decl, &data, &[]).unwrap();
        assert_eq!(table.rows[1].cells, vec!["marktnah", "173", "3,2"]);
        assert_eq!(table.rows[0].cells[2], "100,0");
    }

    #[test]
    fn rows_from_a_list_with_pending_values() {
        let decl = decl("titel: Ziele\nzeilen: z.lokal\nspalten:\n  - {titel: Ziel, feld: ziel, format: text}\n  - {titel: Zielwert, feld: wert}\n");
        let data =
            json!({"z": {"lokal": [{"ziel": "A", "wert": null}, {"ziel": "B", "wert": "< 5 %"}]}});
        let table = resolve_table("z", &decl, &data, &[]).unwrap();
        assert_eq!(table.rows[0].cells, vec!["A", "derzeit in Abstimmung"]);
        assert_eq!(table.rows[1].cells, vec!["B", "< 5 %"]);
    }

    #[test]
    fn missing_field_names_the_path() {
        let (decl, mut data) = budget();
        data["b"]["egl"].as_object_mut().unwrap().remove("planjahr");
        let err = resolve_table("budget", &decl, &data, &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("b.egl.planjahr"), "{err}");
    }

    #[test]
    fn text_in_a_number_field_is_an_error() {
        let (decl, mut data) = budget();
        data["b"]["vk"]["vorjahr"] = json!("neun Millionen");
        let err = resolve_table("budget", &decl, &data, &[])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("b.vk.vorjahr") && err.contains("neun Millionen"),
            "{err}"
        );
    }
}
