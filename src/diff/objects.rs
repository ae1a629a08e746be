//! Tables and charts: compares the resolved, formatted tables and charts of both sides by id.
//! A table's cells are named by row title × column header, a chart's values by series ×
//! category.

use indexmap::IndexMap;

use crate::model::{Chart, ChartKind, Table, ValueFormat};

/// Table or chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    /// A table from `data/tabellen.yaml`.
    Table,
    /// A chart from `data/abbildungen.yaml`.
    Chart,
}

impl ObjectKind {
    /// "Tabelle" / "Abbildung".
    pub fn noun(self) -> &'static str {
        match self {
            ObjectKind::Table => "Tabelle",
            ObjectKind::Chart => "Abbildung",
        }
    }
}

/// What happened to a table or chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectStatus {
    /// New.
    Added,
    /// Gone.
    Removed,
    /// Changed: see the details.
    Changed,
}

/// A changed, added or removed table or chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectChange {
    /// Table or chart.
    pub kind: ObjectKind,
    /// Its id in the declarations.
    pub id: String,
    /// What happened.
    pub status: ObjectStatus,
    /// Its caption (new version; old one when removed).
    pub caption: String,
    /// German lines saying how it changed: "Gesamtbudget × Schätzwerte 2020: 1 → 2".
    pub details: Vec<String>,
}

fn quoted(text: &str) -> String {
    format!("„{text}“")
}

fn optional(text: Option<&str>) -> String {
    text.map_or_else(|| "(keine)".to_string(), quoted)
}

fn compare_by_id<T>(
    kind: ObjectKind,
    old: &IndexMap<String, T>,
    new: &IndexMap<String, T>,
    caption: impl Fn(&T) -> String,
    details: impl Fn(&T, &T) -> Vec<String>,
) -> Vec<ObjectChange> {
    let mut out = Vec::new();
    for (id, new_item) in new {
        match old.get(id) {
            Some(old_item) => {
                let lines = details(old_item, new_item);
                if !lines.is_empty() {
                    out.push(ObjectChange {
                        kind,
                        id: id.clone(),
                        status: ObjectStatus::Changed,
                        caption: caption(new_item),
                        details: lines,
                    });
                }
            }
            None => out.push(ObjectChange {
                kind,
                id: id.clone(),
                status: ObjectStatus::Added,
                caption: caption(new_item),
                details: Vec::new(),
            }),
        }
    }
    for (id, old_item) in old {
        if !new.contains_key(id) {
            out.push(ObjectChange {
                kind,
                id: id.clone(),
                status: ObjectStatus::Removed,
                caption: caption(old_item),
                details: Vec::new(),
            });
        }
    }
    out
}

/// Compares the resolved tables of both sides.
pub(crate) fn compare_tables(
    old: &IndexMap<String, Table>,
    new: &IndexMap<String, Table>,
) -> Vec<ObjectChange> {
    compare_by_id(
        ObjectKind::Table,
        old,
        new,
        |t| t.caption.clone(),
        table_details,
    )
}

/// Compares the resolved charts of both sides.
pub(crate) fn compare_charts(
    old: &IndexMap<String, Chart>,
    new: &IndexMap<String, Chart>,
) -> Vec<ObjectChange> {
    compare_by_id(
        ObjectKind::Chart,
        old,
        new,
        |c| c.caption.clone(),
        chart_details,
    )
}

fn text_change(out: &mut Vec<String>, what: &str, old: Option<&str>, new: Option<&str>) {
    if old != new {
        out.push(format!("{what}: {} → {}", optional(old), optional(new)));
    }
}

fn table_details(old: &Table, new: &Table) -> Vec<String> {
    let mut out = Vec::new();
    text_change(
        &mut out,
        "Titel",
        Some(old.caption.as_str()),
        Some(new.caption.as_str()),
    );
    text_change(
        &mut out,
        "Quelle",
        old.source.as_deref(),
        new.source.as_deref(),
    );
    text_change(
        &mut out,
        "Kopf der ersten Spalte",
        old.header.first().map(String::as_str),
        new.header.first().map(String::as_str),
    );
    let columns = column_changes(old, new, &mut out);
    row_changes(old, new, &columns, &mut out);
    out
}

/// Columns (after the row headers) by header text: reports new and dropped columns and
/// returns the pairs (old index, new index, header) present on both sides.
fn column_changes<'a>(
    old: &Table,
    new: &'a Table,
    out: &mut Vec<String>,
) -> Vec<(usize, usize, &'a str)> {
    let old_columns: Vec<&String> = old.header.iter().skip(1).collect();
    let new_columns: Vec<&String> = new.header.iter().skip(1).collect();
    let mut columns: Vec<(usize, usize, &str)> = Vec::new();
    for (j, title) in new_columns.iter().enumerate() {
        match old_columns.iter().position(|t| t == title) {
            Some(i) => columns.push((i + 1, j + 1, title.as_str())),
            None => out.push(format!("Spalte neu: {}", quoted(title))),
        }
    }
    for title in &old_columns {
        if !new_columns.contains(title) {
            out.push(format!("Spalte entfallen: {}", quoted(title)));
        }
    }
    columns
}

/// Rows by their header cell: renamed, dropped and new rows, and changed cells in the
/// columns both sides have.
fn row_changes(old: &Table, new: &Table, columns: &[(usize, usize, &str)], out: &mut Vec<String>) {
    let title = |table: &Table, index: usize| -> String {
        table
            .rows
            .get(index)
            .and_then(|row| row.cells.first())
            .cloned()
            .unwrap_or_default()
    };
    let old_titles: Vec<String> = (0..old.rows.len()).map(|i| title(old, i)).collect();
    let new_titles: Vec<String> = (0..new.rows.len()).map(|i| title(new, i)).collect();
    let compare_rows = |i: usize, j: usize, out: &mut Vec<String>| {
        let (Some(old_row), Some(new_row)) = (old.rows.get(i), new.rows.get(j)) else {
            return;
        };
        let row_title = title(new, j);
        for (old_column, new_column, header) in columns {
            let before = old_row.cells.get(*old_column).map_or("", String::as_str);
            let after = new_row.cells.get(*new_column).map_or("", String::as_str);
            if before != after {
                out.push(format!(
                    "{row_title} × {header}: {} → {}",
                    shown(before),
                    shown(after)
                ));
            }
        }
    };
    for (equal, old_range, new_range) in super::align(&old_titles, &new_titles) {
        if equal {
            for (i, j) in old_range.zip(new_range) {
                compare_rows(i, j, out);
            }
            continue;
        }
        let paired = old_range.len().min(new_range.len());
        for offset in 0..paired {
            let (i, j) = (old_range.start + offset, new_range.start + offset);
            out.push(format!(
                "Zeile umbenannt: {} → {}",
                quoted(&title(old, i)),
                quoted(&title(new, j))
            ));
            compare_rows(i, j, out);
        }
        for i in old_range.start + paired..old_range.end {
            out.push(format!("Zeile entfallen: {}", quoted(&title(old, i))));
        }
        for j in new_range.start + paired..new_range.end {
            out.push(format!("Zeile neu: {}", quoted(&title(new, j))));
        }
    }
}

fn shown(cell: &str) -> String {
    if cell.is_empty() {
        "(leer)".to_string()
    } else {
        cell.to_string()
    }
}

fn kind_name(kind: ChartKind) -> &'static str {
    match kind {
        ChartKind::Linie => "linie",
        ChartKind::Balken => "balken",
        ChartKind::Gestapelt => "gestapelt",
        ChartKind::Ring => "ring",
    }
}

fn format_name(format: ValueFormat) -> &'static str {
    match format {
        ValueFormat::Ganz => "ganz",
        ValueFormat::Dezimal1 => "dezimal1",
        ValueFormat::Dezimal2 => "dezimal2",
        ValueFormat::Prozent => "prozent",
        ValueFormat::Euro => "euro",
        ValueFormat::Text => "text",
    }
}

/// A chart value as the report shows it: a sign with its meaning, as in the document's text.
fn chart_value(chart: &Chart, point: crate::model::Point) -> String {
    point.in_text(chart.format)
}

fn chart_details(old: &Chart, new: &Chart) -> Vec<String> {
    let mut out = Vec::new();
    if old.kind != new.kind {
        out.push(format!(
            "Art: {} → {}",
            kind_name(old.kind),
            kind_name(new.kind)
        ));
    }
    text_change(
        &mut out,
        "Titel",
        Some(old.caption.as_str()),
        Some(new.caption.as_str()),
    );
    text_change(
        &mut out,
        "Quelle",
        old.source.as_deref(),
        new.source.as_deref(),
    );
    text_change(
        &mut out,
        "Alternativtext",
        Some(old.alt.as_str()),
        Some(new.alt.as_str()),
    );
    text_change(
        &mut out,
        "Titel der x-Achse",
        old.x_title.as_deref(),
        new.x_title.as_deref(),
    );
    text_change(
        &mut out,
        "Titel der y-Achse",
        old.y_title.as_deref(),
        new.y_title.as_deref(),
    );
    if old.format != new.format {
        out.push(format!(
            "Format: {} → {}",
            format_name(old.format),
            format_name(new.format)
        ));
    }
    series_and_category_changes(old, new, &mut out);
    value_changes(old, new, &mut out);
    out
}

/// Series and categories added or dropped; a new category with its values.
fn series_and_category_changes(old: &Chart, new: &Chart, out: &mut Vec<String>) {
    for series in &new.series {
        if !old.series.iter().any(|s| s.name == series.name) {
            out.push(format!("Reihe neu: {}", quoted(&series.name)));
        }
    }
    for series in &old.series {
        if !new.series.iter().any(|s| s.name == series.name) {
            out.push(format!("Reihe entfallen: {}", quoted(&series.name)));
        }
    }
    for category in &new.categories {
        if !old.categories.contains(category) {
            let index = new.categories.iter().position(|c| c == category);
            let shown: Vec<String> = new
                .series
                .iter()
                .map(|s| {
                    let point = index.map_or(crate::model::Point::Open, |i| s.point(i));
                    format!("{}: {}", s.name, chart_value(new, point))
                })
                .collect();
            out.push(format!(
                "Kategorie neu: {} ({})",
                quoted(category),
                shown.join("; ")
            ));
        }
    }
    for category in &old.categories {
        if !new.categories.contains(category) {
            out.push(format!("Kategorie entfallen: {}", quoted(category)));
        }
    }
}

/// Changed values of the series and categories both sides have.
fn value_changes(old: &Chart, new: &Chart, out: &mut Vec<String>) {
    let values = |chart: &Chart, series: &crate::model::Series| -> Vec<String> {
        (0..chart.categories.len())
            .map(|i| chart_value(chart, series.point(i)))
            .collect()
    };
    for new_series in &new.series {
        let Some(old_series) = old.series.iter().find(|s| s.name == new_series.name) else {
            continue;
        };
        let old_values = values(old, old_series);
        let new_values = values(new, new_series);
        for (j, category) in new.categories.iter().enumerate() {
            let Some(i) = old.categories.iter().position(|c| c == category) else {
                continue;
            };
            let before = old_values.get(i).map_or("", String::as_str);
            let after = new_values.get(j).map_or("", String::as_str);
            if before != after {
                out.push(format!(
                    "{} × {category}: {before} → {after}",
                    new_series.name
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Series, TableRow};

    fn table(rows: &[(&str, &str)]) -> Table {
        Table {
            id: "t".into(),
            caption: "T".into(),
            source: Some("BA".into()),
            header: vec!["Position".into(), "2020".into()],
            numeric: vec![false, true],
            rows: rows
                .iter()
                .map(|(title, value)| TableRow {
                    cells: vec![title.to_string(), value.to_string()],
                    level: 0,
                    total: false,
                })
                .collect(),
        }
    }

    #[test]
    fn cells_rows_and_sources() {
        let old = table(&[("VK", "1.000"), ("EGL", "2.000"), ("Alt", "3")]);
        let mut new = table(&[("VK", "1.100"), ("EGL", "2.000"), ("Neu", "4")]);
        new.source = Some("BA, Stand: 01.11.".into());
        let details = table_details(&old, &new);
        assert_eq!(
            details,
            vec![
                "Quelle: „BA“ → „BA, Stand: 01.11.“",
                "VK × 2020: 1.000 → 1.100",
                "Zeile umbenannt: „Alt“ → „Neu“",
                "Neu × 2020: 3 → 4",
            ]
        );
    }

    #[test]
    fn chart_points_added_and_changed() {
        let chart = |categories: &[&str], values: &[f64]| Chart {
            id: "elb".into(),
            kind: ChartKind::Linie,
            caption: "ELB".into(),
            source: None,
            alt: "Linie".into(),
            x_title: None,
            y_title: None,
            orientation: crate::model::Orientation::Senkrecht,
            format: ValueFormat::Ganz,
            categories: categories.iter().map(|c| c.to_string()).collect(),
            series: vec![Series {
                name: "ELB".into(),
                values: values.iter().map(|v| Some(*v)).collect(),
                points: Vec::new(),
            }],
        };
        let old = chart(&["2018", "2019"], &[6012.0, 5485.0]);
        let new = chart(&["2019", "2020"], &[5400.0, 5100.0]);
        assert_eq!(
            chart_details(&old, &new),
            vec![
                "Kategorie neu: „2020“ (ELB: 5.100)",
                "Kategorie entfallen: „2018“",
                "ELB × 2019: 5.485 → 5.400",
            ]
        );
    }
}
