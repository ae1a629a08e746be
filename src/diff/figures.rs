//! Figures: walks both data trees by key path and lists every value that changed, was added
//! or was removed, with its label (the table row and column, or the chart series and
//! category it feeds) and, for numbers, the change in absolute terms and in percent.

use std::collections::HashMap;

use serde_json::Value;

use super::Snapshot;
use crate::format::{self, ChangeUnit, PercentStyle, PENDING};
use crate::model::{CategoriesDecl, RowsDecl};

/// What happened to a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureKind {
    /// The value differs.
    Changed,
    /// The key, row or data set is new.
    Added,
    /// The key, row or data set is gone.
    Removed,
}

/// One changed data value.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureChange {
    /// Changed, added or removed.
    pub kind: FigureKind,
    /// Key path as authors write it: `budget.gesamt.planjahr`, `ziele.lokal.0.zielwert`.
    pub path: String,
    /// What the value is: "Gesamtbudget, Schätzwerte 2020" (table row and column), "ELB,
    /// 2019" (chart series and category), "Datei data/x.yaml"; `None` when only the path says.
    pub label: Option<String>,
    /// The old value, formatted (German); `None` when added.
    pub old: Option<String>,
    /// The new value, formatted (German); `None` when removed.
    pub new: Option<String>,
    /// Absolute change of a number: "−488.858".
    pub delta: Option<String>,
    /// Relative change of a number: "−5,4 %".
    pub delta_percent: Option<String>,
}

/// Compares the data trees of both sides.
pub(crate) fn compare(old: &Snapshot, new: &Snapshot) -> Vec<FigureChange> {
    let walker = Walker {
        old_labels: labels(old),
        new_labels: labels(new),
        old_imported: &old.project.imported,
        new_imported: &new.project.imported,
        old_root: &old.project.root,
        new_root: &new.project.root,
    };
    let mut out = Vec::new();
    walker.walk(
        &mut Vec::new(),
        &old.project.data,
        &new.project.data,
        &mut out,
    );
    out
}

struct Walker<'a> {
    old_labels: HashMap<String, String>,
    new_labels: HashMap<String, String>,
    old_imported: &'a crate::sources::Imported,
    new_imported: &'a crate::sources::Imported,
    old_root: &'a std::path::Path,
    new_root: &'a std::path::Path,
}

impl Walker<'_> {
    fn walk(&self, path: &mut Vec<String>, old: &Value, new: &Value, out: &mut Vec<FigureChange>) {
        match (old, new) {
            (Value::Object(a), Value::Object(b)) => {
                for (key, old_value) in a {
                    path.push(key.clone());
                    match b.get(key) {
                        Some(new_value) => self.walk(path, old_value, new_value, out),
                        None => out.push(self.removed(path, old_value)),
                    }
                    path.pop();
                }
                for (key, new_value) in b {
                    if !a.contains_key(key) {
                        path.push(key.clone());
                        out.push(self.added(path, new_value));
                        path.pop();
                    }
                }
            }
            (Value::Array(a), Value::Array(b)) => {
                // Align list items by content, so an inserted row is one addition and not a
                // change of every row after it.
                let keys_a: Vec<String> = a.iter().map(Value::to_string).collect();
                let keys_b: Vec<String> = b.iter().map(Value::to_string).collect();
                for (equal, old_range, new_range) in super::align(&keys_a, &keys_b) {
                    if equal {
                        continue;
                    }
                    let paired = old_range.len().min(new_range.len());
                    for offset in 0..paired {
                        let (i, j) = (old_range.start + offset, new_range.start + offset);
                        if let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
                            path.push(j.to_string());
                            self.walk(path, x, y, out);
                            path.pop();
                        }
                    }
                    for i in old_range.start + paired..old_range.end {
                        if let Some(x) = a.get(i) {
                            path.push(i.to_string());
                            out.push(self.removed(path, x));
                            path.pop();
                        }
                    }
                    for j in new_range.start + paired..new_range.end {
                        if let Some(y) = b.get(j) {
                            path.push(j.to_string());
                            out.push(self.added(path, y));
                            path.pop();
                        }
                    }
                }
            }
            (a, b) if same(a, b) => {}
            (a, b) => out.push(self.changed(path, a, b)),
        }
    }

    /// The label, followed by the file, sheet and cell for a value taken from a source file.
    fn label(&self, path: &[String], new_side: bool) -> Option<String> {
        let imported = if new_side {
            self.new_imported
        } else {
            self.old_imported
        };
        let origin = imported
            .of(&path.join("."))
            .map(|p| format!("aus {}", p.describe()));
        match (self.plain_label(path, new_side), origin) {
            (Some(label), Some(origin)) => Some(format!("{label}; {origin}")),
            (label, origin) => label.or(origin),
        }
    }

    fn plain_label(&self, path: &[String], new_side: bool) -> Option<String> {
        let key = path.join(".");
        let (labels, root) = if new_side {
            (&self.new_labels, self.new_root)
        } else {
            (&self.old_labels, self.old_root)
        };
        if let Some(label) = labels.get(&key) {
            return Some(label.clone());
        }
        // A field of a table row that no column shows: name the row.
        for cut in (1..path.len()).rev() {
            if let Some(label) = path.get(..cut).and_then(|p| labels.get(&p.join("."))) {
                return Some(label.clone());
            }
        }
        let rel = path.join("/");
        let kind = |rel: &str| {
            crate::door::read::Reader::open(root)
                .map_or(crate::door::read::Kind::Missing, |project| {
                    project.kind(rel)
                })
        };
        if kind(&format!("data/{rel}.yaml")) == crate::door::read::Kind::File {
            Some(format!("Datei data/{rel}.yaml"))
        } else if kind(&format!("data/{rel}.yml")) == crate::door::read::Kind::File {
            Some(format!("Datei data/{rel}.yml"))
        } else if path.len() == 1 && kind(&format!("data/{rel}")) == crate::door::read::Kind::Folder
        {
            Some(format!("Ordner data/{rel}/"))
        } else {
            None
        }
    }

    fn added(&self, path: &[String], value: &Value) -> FigureChange {
        FigureChange {
            kind: FigureKind::Added,
            path: path.join("."),
            label: self.label(path, true),
            old: None,
            new: Some(show_at(path, value)),
            delta: None,
            delta_percent: None,
        }
    }

    fn removed(&self, path: &[String], value: &Value) -> FigureChange {
        FigureChange {
            kind: FigureKind::Removed,
            path: path.join("."),
            label: self.label(path, false),
            old: Some(show_at(path, value)),
            new: None,
            delta: None,
            delta_percent: None,
        }
    }

    fn changed(&self, path: &[String], old: &Value, new: &Value) -> FigureChange {
        let (delta, delta_percent) = match (number(old), number(new)) {
            (Some((a, da)), Some((b, db))) => {
                let digits = da.max(db);
                let delta =
                    format::change(b - a, digits, ChangeUnit::Number, PercentStyle::Sign).ok();
                let percent = format::change_percent(a, b)
                    .filter(|_| !is_year(path))
                    .and_then(|p| {
                        format::change(p, 1, ChangeUnit::Percent, PercentStyle::Sign).ok()
                    });
                (delta, percent)
            }
            _ => (None, None),
        };
        FigureChange {
            kind: FigureKind::Changed,
            path: path.join("."),
            label: self.label(path, true).or_else(|| self.label(path, false)),
            old: Some(show_at(path, old)),
            new: Some(show_at(path, new)),
            delta,
            delta_percent,
        }
    }
}

/// Equal values; numbers compare by value (5 equals 5.0).
fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// A finite number and the decimals it was written with (at most 6).
fn number(value: &Value) -> Option<(f64, u8)> {
    let Value::Number(n) = value else {
        return None;
    };
    let x = n.as_f64().filter(|x| x.is_finite())?;
    if n.is_i64() || n.is_u64() {
        return Some((x, 0));
    }
    let text = x.to_string();
    let digits = text.split_once('.').map_or(0, |(_, frac)| {
        frac.chars().take_while(char::is_ascii_digit).count()
    });
    Some((x, u8::try_from(digits.min(6)).unwrap_or(6)))
}

/// Whether the value at `path` is a year (`programm.jahr`): shown without grouping ("2021").
fn is_year(path: &[String]) -> bool {
    path.last().is_some_and(|key| key == "jahr")
}

fn show_at(path: &[String], value: &Value) -> String {
    match value.as_i64() {
        Some(year) if is_year(path) => year.to_string(),
        _ => show(value),
    }
}

/// A value as shown in the report, formatted the German way.
pub(crate) fn show(value: &Value) -> String {
    match value {
        v if crate::data::special(v).is_some() => crate::data::special(v)
            .map(crate::sources::special::Special::in_text)
            .unwrap_or_default(),
        v if crate::data::is_pending(v) => PENDING.to_string(),
        Value::Number(_) => match number(value) {
            Some((x, digits)) => format::number(x, digits).unwrap_or_else(|_| value.to_string()),
            None => value.to_string(),
        },
        Value::String(text) => match format::parse_date(text) {
            // Dates as authors write them (2019-12-09) are shown the German way.
            Some(date) if text.trim().len() == 10 => format::date_short(date),
            _ => format!("„{text}“"),
        },
        Value::Bool(true) => "ja".to_string(),
        Value::Bool(false) => "nein".to_string(),
        Value::Array(list) => {
            if list.len() == 1 {
                "Liste mit 1 Eintrag".to_string()
            } else {
                format!("Liste mit {} Einträgen", list.len())
            }
        }
        Value::Object(_) => {
            let n = leaves(value);
            if n == 1 {
                "Zuordnung mit 1 Wert".to_string()
            } else {
                format!("Zuordnung mit {n} Werten")
            }
        }
        Value::Null => PENDING.to_string(),
    }
}

fn leaves(value: &Value) -> usize {
    match value {
        Value::Object(map) => map.values().map(leaves).sum(),
        Value::Array(list) => list.iter().map(leaves).sum(),
        _ => 1,
    }
}

/// Labels of the values that feed tables and charts, by key path.
fn labels(side: &Snapshot) -> HashMap<String, String> {
    let mut labels = HashMap::new();
    table_labels(side, &mut labels);
    chart_labels(side, &mut labels);
    labels
}

/// Labels of the values in tables: "row title, column header".
fn table_labels(side: &Snapshot, labels: &mut HashMap<String, String>) {
    let project = &side.project;
    for (id, decl) in &project.tables {
        let Some(table) = side.prepared.tables.get(id) else {
            continue;
        };
        let header = |index: usize| table.header.get(index + 1).cloned().unwrap_or_default();
        let title = |index: usize| {
            table
                .rows
                .get(index)
                .and_then(|row| row.cells.first())
                .cloned()
                .unwrap_or_default()
        };
        match &decl.zeilen {
            RowsDecl::Explicit(rows) => {
                for (r, row) in rows.iter().enumerate() {
                    for (c, column) in decl.spalten.iter().enumerate() {
                        if let Some(field) = &column.feld {
                            labels
                                .entry(format!("{}.{field}", row.daten))
                                .or_insert_with(|| format!("{}, {}", title(r), header(c)));
                        }
                    }
                    labels.entry(row.daten.clone()).or_insert_with(|| title(r));
                }
            }
            RowsDecl::Path(path) => {
                for r in 0..table.rows.len() {
                    for (c, column) in decl.spalten.iter().enumerate() {
                        if let Some(field) = &column.feld {
                            labels
                                .entry(format!("{path}.{r}.{field}"))
                                .or_insert_with(|| format!("{}, {}", title(r), header(c)));
                        }
                    }
                    labels
                        .entry(format!("{path}.{r}"))
                        .or_insert_with(|| title(r));
                }
            }
        }
    }
}

/// Labels of the values in charts: "series name, category".
fn chart_labels(side: &Snapshot, labels: &mut HashMap<String, String>) {
    let project = &side.project;
    for (id, decl) in &project.charts {
        let Some(chart) = side.prepared.charts.get(id) else {
            continue;
        };
        for (s, series) in decl.reihen.iter().enumerate() {
            let name = chart
                .series
                .get(s)
                .map_or_else(|| series.name.clone(), |s| s.name.clone());
            match crate::data::lookup(&project.data, &series.werte) {
                Ok(Value::Object(map)) => {
                    for key in map.keys() {
                        let category = match &decl.kategorien {
                            Some(CategoriesDecl::Keys(keys)) => match keys.get(key) {
                                Some(label) => label.clone(),
                                None => continue,
                            },
                            _ => key.clone(),
                        };
                        labels
                            .entry(format!("{}.{key}", series.werte))
                            .or_insert_with(|| format!("{name}, {category}"));
                    }
                }
                Ok(Value::Array(list)) => {
                    for i in 0..list.len() {
                        let category = chart
                            .categories
                            .get(i)
                            .cloned()
                            .unwrap_or_else(|| (i + 1).to_string());
                        labels
                            .entry(format!("{}.{i}", series.werte))
                            .or_insert_with(|| format!("{name}, {category}"));
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_keep_their_decimals() {
        assert_eq!(show(&json!(9069867)), "9.069.867");
        assert_eq!(show(&json!(15.2)), "15,2");
        assert_eq!(show(&json!(null)), PENDING);
        assert_eq!(show(&json!("in_abstimmung")), PENDING);
        assert_eq!(show(&json!("< 5 %")), "„< 5 %“");
        assert_eq!(show(&json!("2019-12-09")), "09.12.2019");
        assert_eq!(show(&json!([1, 2])), "Liste mit 2 Einträgen");
        assert_eq!(show(&json!([1])), "Liste mit 1 Eintrag");
        assert_eq!(
            show(&json!({"a": 1, "b": {"c": 2}})),
            "Zuordnung mit 2 Werten"
        );
    }

    #[test]
    fn integers_and_floats_compare_by_value() {
        assert!(same(&json!(5), &json!(5.0)));
        assert!(!same(&json!(5), &json!("5")));
    }
}
