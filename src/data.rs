//! Looking up values in the data tree by key path, and resolving chart declarations into
//! ready-to-draw [`Chart`]s.
//!
//! Key paths are what authors write in declarations: `budget.gesamt.vorjahr`, `elb.jdw`,
//! `ziele.lokal.0.zielwert`. A pending value (`~` or `in_abstimmung`) is not an error: it
//! resolves to `None` and is shown as "derzeit in Abstimmung".

use serde_json::Value;

use crate::model::{
    CategoriesDecl, Chart, ChartDecl, ChartKind, Orientation, Point, RowsDecl, Series, SeriesDecl,
    SortOrder, TableDecl, ValueFormat,
};
use crate::sources::special::Special;

/// The data paths a table shows: (path, format of its column) for plain fields, and the
/// paths computed columns read (format `None`).
pub fn table_paths(decl: &TableDecl, data: &Value) -> Vec<(String, Option<ValueFormat>)> {
    let rows: Vec<String> = match &decl.zeilen {
        RowsDecl::Explicit(rows) => rows.iter().map(|r| r.daten.clone()).collect(),
        RowsDecl::Path(path) => match lookup(data, path) {
            Ok(Value::Array(items)) => (0..items.len())
                .map(|i| join(path, &i.to_string()))
                .collect(),
            _ => Vec::new(),
        },
    };
    let mut paths = Vec::new();
    for row in &rows {
        for column in &decl.spalten {
            if let Some(field) = &column.feld {
                paths.push((join(row, field), column.format));
            }
            if let Some(share) = &column.anteil {
                paths.push((join(row, &share.feld), None));
                paths.push((share.basis.clone(), None));
            }
            for pair in [&column.differenz, &column.veraenderung]
                .into_iter()
                .flatten()
            {
                paths.push((join(row, &pair.von), None));
                paths.push((join(row, &pair.zu), None));
            }
        }
    }
    paths
}

/// `path.key`, or `key` at the root.
fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The key of declaration `id` in `file` whose value leads to the failing data path of `err`
/// (a row's `daten:`, a column's `feld:`, a series' `werte:`, a category), so that the finding
/// stands at that line rather than at the declaration's first; `id` itself when none does.
pub fn culprit(project: &crate::model::Project, file: &str, id: &str, err: &DataError) -> String {
    let path = match err {
        DataError::Missing { path, .. }
        | DataError::NotANumber { path, .. }
        | DataError::NotASeries { path, .. } => path.as_str(),
        DataError::Shape(_) => return id.to_string(),
    };
    let last = path.rsplit('.').next().unwrap_or(path);
    let prefix = format!("{id}.");
    let rank = |inner: &str, site: &crate::position::Site| {
        let (raw, _) = site.unquoted();
        let named_prefix = !raw.is_empty() && path.starts_with(&format!("{raw}."));
        if raw == path || named_prefix && lookup(&project.data, raw).is_err() {
            3
        } else if raw == last || inner.rsplit('.').next() == Some(last) {
            2
        } else if named_prefix {
            1
        } else {
            0
        }
    };
    project
        .sites
        .get(file)
        .into_iter()
        .flatten()
        .filter(|(inner, _)| inner.starts_with(&prefix))
        .map(|(inner, site)| (rank(inner, site), inner))
        .filter(|(rank, _)| *rank > 0)
        // The best rank, the first of equals.
        .fold(
            None,
            |best: Option<(u8, &String)>, (rank, inner)| match best {
                Some((best_rank, _)) if best_rank >= rank => best,
                _ => Some((rank, inner)),
            },
        )
        .map_or_else(|| id.to_string(), |(_, inner)| inner.clone())
}

/// The word authors may write instead of a number that is not agreed yet.
pub const PENDING_WORD: &str = "in_abstimmung";

/// A problem with a key path or a value, in German, naming the path.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    /// The path leads nowhere.
    #[error("Der Datenpfad „{path}“ existiert nicht{hint}")]
    Missing {
        /// The path as written.
        path: String,
        /// Where the lookup stopped.
        hint: String,
    },
    /// A number was expected.
    #[error("„{path}“ ist keine Zahl (gefunden: {found})")]
    NotANumber {
        /// The path.
        path: String,
        /// What was there.
        found: String,
    },
    /// A map or list was expected.
    #[error("„{path}“ ist keine Liste und keine Zuordnung (gefunden: {found})")]
    NotASeries {
        /// The path.
        path: String,
        /// What was there.
        found: String,
    },
    /// Lists and labels do not fit together.
    #[error("{0}")]
    Shape(String),
}

/// Follows a dotted key path; numeric segments index lists.
pub fn lookup<'a>(data: &'a Value, path: &str) -> Result<&'a Value, DataError> {
    let mut current = data;
    let mut walked: Vec<&str> = Vec::new();
    for segment in path.split('.') {
        let next = match current {
            Value::Object(map) => map.get(segment),
            Value::Array(list) => segment.parse::<usize>().ok().and_then(|i| list.get(i)),
            _ => None,
        };
        match next {
            Some(value) => current = value,
            None => {
                let hint = match current {
                    Value::Object(map) if !map.is_empty() => {
                        let keys: Vec<&str> = map.keys().map(String::as_str).take(12).collect();
                        let at = if walked.is_empty() {
                            String::new()
                        } else {
                            format!(" unter „{}“", walked.join("."))
                        };
                        format!(
                            ": „{segment}“ fehlt{at}; vorhanden sind {}",
                            keys.join(", ")
                        )
                    }
                    _ => format!(": „{segment}“ fehlt"),
                };
                return Err(DataError::Missing {
                    path: path.to_string(),
                    hint,
                });
            }
        }
        walked.push(segment);
    }
    Ok(current)
}

/// Short German description of a value for messages.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "leer".to_string(),
        Value::Bool(b) => format!("Wahrheitswert {b}"),
        Value::Number(n) => format!("Zahl {n}"),
        Value::String(s) => format!("Text „{s}“"),
        Value::Array(_) => "Liste".to_string(),
        Value::Object(_) => "Zuordnung".to_string(),
    }
}

/// Whether a value stands where no figure is: not yet agreed (`~`, `in_abstimmung`), or one of
/// the statistics' special values (`X`, `*`, `–`, `.`, see [`special`]). Either is never 0.
pub fn is_pending(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim() == PENDING_WORD || Special::parse(s).is_some(),
        _ => false,
    }
}

/// The special value of the statistics a value is, if any.
pub fn special(value: &Value) -> Option<Special> {
    Special::of(value)
}

/// Whether a value is not agreed yet (`~`, `in_abstimmung`); a sign of the statistics is not
/// open but a published fact.
pub fn is_open(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim() == PENDING_WORD,
        _ => false,
    }
}

/// What stands where a figure is expected: a number, a sign or an open value; anything else
/// is an error naming `path`.
pub fn point(value: &Value, path: &str) -> Result<Point, DataError> {
    if let Some(sign) = special(value) {
        return Ok(Point::Sign(sign));
    }
    if is_open(value) {
        return Ok(Point::Open);
    }
    match value.as_f64() {
        Some(n) if n.is_finite() => Ok(Point::Number(n)),
        _ => Err(DataError::NotANumber {
            path: path.to_string(),
            found: describe(value),
        }),
    }
}

/// A number, or `None` when pending; anything else is an error naming `path`.
pub fn number(value: &Value, path: &str) -> Result<Option<f64>, DataError> {
    point(value, path).map(Point::number)
}

/// The number at `path`, `None` when pending.
pub fn number_at(data: &Value, path: &str) -> Result<Option<f64>, DataError> {
    number(lookup(data, path)?, path)
}

/// Whether `path` uses a value marked as example value: it lies within a marked set, or a
/// marked key lies within it (a chart of `elb.jdw` uses the marked `elb.jdw.2018`).
pub fn is_example(example_sets: &[String], path: &str) -> bool {
    example_sets.iter().any(|set| overlaps(set, path))
}

/// The marked keys that `path` uses: the key itself or one around it (a key path within the
/// marked one), and every marked key within it (a chart of `elb.jdw` uses `elb.jdw.2018`).
/// Found by ordered lookups, not by comparing every pair.
pub fn marked_overlapping<'a>(
    marked: &std::collections::BTreeSet<&'a str>,
    path: &str,
) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut end = 0;
    for segment in path.split('.') {
        end += segment.len();
        if let Some(key) = path.get(..end).and_then(|prefix| marked.get(prefix)) {
            found.push(*key);
        }
        end += 1;
    }
    // Keys within `path`: "path." up to "path/" ('/' follows '.').
    let (from, to) = (format!("{path}."), format!("{path}/"));
    found.extend(
        marked
            .range::<str, _>((
                std::ops::Bound::Included(from.as_str()),
                std::ops::Bound::Excluded(to.as_str()),
            ))
            .copied(),
    );
    found
}

/// Whether one key path lies within the other (or both are the same).
pub fn overlaps(a: &str, b: &str) -> bool {
    let within = |inner: &str, outer: &str| {
        inner == outer
            || inner
                .strip_prefix(outer)
                .is_some_and(|rest| rest.starts_with('.'))
    };
    within(a, b) || within(b, a)
}

/// The data paths of a chart's values (with `feld:`, the field of each entry).
pub fn chart_paths(decl: &ChartDecl, data: &Value) -> Vec<String> {
    let mut paths = Vec::new();
    for series in &decl.reihen {
        let entries: Vec<String> = match (&decl.kategorien, lookup(data, &series.werte)) {
            (Some(CategoriesDecl::Keys(keys)), Ok(Value::Object(_))) => keys
                .keys()
                .map(|key| format!("{}.{key}", series.werte))
                .collect(),
            (_, Ok(Value::Object(map))) => map
                .keys()
                .map(|key| format!("{}.{key}", series.werte))
                .collect(),
            (_, Ok(Value::Array(list))) => (0..list.len())
                .map(|i| format!("{}.{i}", series.werte))
                .collect(),
            _ => vec![series.werte.clone()],
        };
        match &series.feld {
            Some(field) => paths.extend(entries.iter().map(|entry| format!("{entry}.{field}"))),
            None => paths.extend(entries),
        }
    }
    paths
}

/// Appends "(Beispielwerte)" to a caption when any of its data is example data.
pub fn caption_with_marker(caption: &str, example: bool) -> String {
    if example {
        format!("{caption} (Beispielwerte)")
    } else {
        caption.to_string()
    }
}

/// Resolves a chart declaration against the data.
pub fn resolve_chart(
    id: &str,
    decl: &ChartDecl,
    data: &Value,
    example_sets: &[String],
) -> Result<Chart, DataError> {
    if decl.ausrichtung == Orientation::Waagerecht
        && matches!(decl.art, ChartKind::Linie | ChartKind::Ring)
    {
        return Err(DataError::Shape(format!(
            "Abbildung „{id}“: „ausrichtung: waagerecht“ gilt nur für „art: balken“ und „art: gestapelt“; löschen Sie die Zeile oder wählen Sie eine dieser Arten"
        )));
    }
    if decl.art == ChartKind::Ring && decl.reihen.len() > 1 {
        return Err(DataError::Shape(format!(
            "Abbildung „{id}“: ein Ringdiagramm zeigt genau eine Reihe, angegeben sind {} ({}); zeigen Sie jede Reihe in einer eigenen Abbildung oder wählen Sie art: balken",
            decl.reihen.len(),
            decl.reihen
                .iter()
                .map(|s| format!("„{}“", s.name))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let mut categories: Option<Vec<String>> = None;
    let mut series: Vec<(String, Vec<Point>)> = Vec::new();
    for (index, decl_series) in decl.reihen.iter().enumerate() {
        let (labels, mut points) = series_values(id, index, decl, decl_series, data)?;
        match &categories {
            None => categories = Some(labels),
            Some(existing) if *existing == labels => {}
            Some(existing) => {
                // A series that starts later (or ends earlier) leaves gaps; the longer series
                // gives the categories.
                if let Some(aligned) = aligned(&labels, &points, existing) {
                    points = aligned;
                } else if existing.iter().all(|c| labels.contains(c)) {
                    for (_, earlier) in &mut series {
                        *earlier = aligned(existing, earlier, &labels).unwrap_or_default();
                    }
                    categories = Some(labels);
                } else {
                    return Err(DataError::Shape(format!(
                        "Abbildung „{id}“: Reihe {} („{}“) hat andere Kategorien ({}) als die erste Reihe ({})",
                        index + 1,
                        decl_series.name,
                        labels.join(", "),
                        existing.join(", ")
                    )));
                }
            }
        }
        series.push((decl_series.name.clone(), points));
    }
    let mut categories = categories.unwrap_or_default();
    if let Some(order) = decl.sortierung {
        sort_categories(&mut categories, &mut series, order, decl.art);
    }
    let mut series: Vec<Series> = series
        .into_iter()
        .map(|(name, points)| Series::of_points(name, points))
        .collect();
    let example = chart_paths(decl, data)
        .iter()
        .any(|path| is_example(example_sets, path));
    let quotes = crate::text::german_quotes;
    for s in &mut series {
        s.name = quotes(&s.name);
    }
    Ok(Chart {
        id: id.to_string(),
        kind: decl.art,
        caption: quotes(&caption_with_marker(&decl.titel, example)),
        source: decl.quelle.as_deref().map(quotes),
        alt: quotes(decl.alt.as_deref().unwrap_or_default()),
        x_title: decl.x_titel.as_deref().map(quotes),
        y_title: decl.y_titel.as_deref().map(quotes),
        format: decl.format,
        orientation: decl.ausrichtung,
        categories: categories.iter().map(|c| quotes(c)).collect(),
        series,
    })
}

/// The points of a series with categories `labels`, placed on `categories` with gaps where
/// the series has no entry; `None` when a label is not among `categories` or the order differs.
fn aligned(labels: &[String], points: &[Point], categories: &[String]) -> Option<Vec<Point>> {
    let index: std::collections::HashMap<&str, usize> = categories
        .iter()
        .enumerate()
        .map(|(at, c)| (c.as_str(), at))
        .collect();
    let mut out = vec![Point::Gap; categories.len()];
    let mut last = None;
    for (label, point) in labels.iter().zip(points) {
        let at = *index.get(label.as_str())?;
        if last.is_some_and(|before| at <= before) {
            return None;
        }
        last = Some(at);
        *out.get_mut(at)? = *point;
    }
    Some(out)
}

/// Reorders categories (and every series with them, signs included) by the first series'
/// value, or for stacked bars by the total; values without a figure go last. The sort is
/// stable.
fn sort_categories(
    categories: &mut Vec<String>,
    series: &mut [(String, Vec<Point>)],
    order: SortOrder,
    kind: ChartKind,
) {
    let figure = |points: &Vec<Point>, category: usize| -> Option<f64> {
        points.get(category).copied().and_then(Point::number)
    };
    let key = |category: usize| -> Option<f64> {
        match kind {
            ChartKind::Gestapelt => series
                .iter()
                .map(|(_, points)| figure(points, category))
                .sum::<Option<f64>>(),
            ChartKind::Linie | ChartKind::Balken | ChartKind::Ring => series
                .first()
                .and_then(|(_, points)| figure(points, category)),
        }
    };
    let mut order_of: Vec<(usize, Option<f64>)> =
        (0..categories.len()).map(|c| (c, key(c))).collect();
    order_of.sort_by(|a, b| match (a.1, b.1) {
        (Some(x), Some(y)) => match order {
            SortOrder::Absteigend => y.total_cmp(&x),
            SortOrder::Aufsteigend => x.total_cmp(&y),
        },
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    *categories = order_of
        .iter()
        .filter_map(|(c, _)| categories.get(*c).cloned())
        .collect();
    for (_, points) in series.iter_mut() {
        *points = order_of
            .iter()
            .map(|(c, _)| points.get(*c).copied().unwrap_or(Point::Open))
            .collect();
    }
}

/// The category labels and values of one declared series.
fn series_values(
    id: &str,
    index: usize,
    decl: &ChartDecl,
    decl_series: &SeriesDecl,
    data: &Value,
) -> Result<(Vec<String>, Vec<Point>), DataError> {
    let path = &decl_series.werte;
    let value = lookup(data, path)?;
    let feld = decl_series.feld.as_deref();
    // The value of one entry: the entry itself, or its field `feld` for records.
    let entry = |item: &Value, item_path: String| -> Result<Point, DataError> {
        match feld {
            None => point(item, &item_path),
            Some(field) => {
                let field_path = format!("{item_path}.{field}");
                match item {
                    Value::Object(record) => match record.get(field) {
                        Some(inner) => point(inner, &field_path),
                        None => Err(DataError::Missing {
                            path: field_path,
                            hint: format!(": der Eintrag „{item_path}“ hat kein Feld „{field}“"),
                        }),
                    },
                    other => Err(DataError::Shape(format!(
                        "Abbildung „{id}“: „feld: {field}“ verlangt Einträge mit Feldern, aber „{item_path}“ ist {}",
                        describe(other)
                    ))),
                }
            }
        }
    };
    Ok(match (value, &decl.kategorien) {
        (Value::Object(map), Some(CategoriesDecl::Keys(keys))) => {
            let mut values = Vec::new();
            for key in keys.keys() {
                let item_path = format!("{path}.{key}");
                let item = map.get(key).ok_or_else(|| DataError::Missing {
                    path: item_path.clone(),
                    hint: format!(": „{key}“ fehlt in „{path}“"),
                })?;
                values.push(entry(item, item_path)?);
            }
            (keys.values().cloned().collect(), values)
        }
        (Value::Object(map), _) => {
            let mut values = Vec::new();
            for (key, item) in map {
                values.push(entry(item, format!("{path}.{key}"))?);
            }
            (map.keys().cloned().collect(), values)
        }
        (Value::Array(list), categories_decl) => {
            let mut values = Vec::new();
            for (i, item) in list.iter().enumerate() {
                values.push(entry(item, format!("{path}.{i}"))?);
            }
            let labels = match (&decl_series.kategorie, categories_decl) {
                (Some(name_field), _) => record_names(list, path, name_field)?,
                (None, Some(CategoriesDecl::Labels(labels))) => {
                    if labels.len() != values.len() {
                        return Err(DataError::Shape(format!(
                            "Abbildung „{id}“: Reihe {} („{}“) hat {} Werte, aber es gibt {} Kategorien",
                            index + 1,
                            decl_series.name,
                            values.len(),
                            labels.len()
                        )));
                    }
                    labels.clone()
                }
                (None, _) => (1..=values.len()).map(|n| n.to_string()).collect(),
            };
            (labels, values)
        }
        (other, _) => {
            return Err(DataError::NotASeries {
                path: path.clone(),
                found: describe(other),
            })
        }
    })
}

/// The names of records in a list: field `name_field` of each, as text.
fn record_names(list: &[Value], path: &str, name_field: &str) -> Result<Vec<String>, DataError> {
    list.iter()
        .enumerate()
        .map(|(i, item)| {
            let item_path = format!("{path}.{i}.{name_field}");
            match item.get(name_field) {
                Some(Value::String(name)) => Ok(name.clone()),
                Some(Value::Number(n)) => Ok(n.to_string()),
                Some(other) => Err(DataError::Shape(format!(
                    "„{item_path}“ soll den Eintrag benennen, ist aber {}",
                    describe(other)
                ))),
                None => Err(DataError::Missing {
                    path: item_path,
                    hint: format!(": der Eintrag „{path}.{i}“ hat kein Feld „{name_field}“"),
                }),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lookup_follows_maps_and_lists() {
        let data = json!({"a": {"b": [10, {"c": 3}]}});
        assert_eq!(lookup(&data, "a.b.0").unwrap(), &json!(10));
        assert_eq!(lookup(&data, "a.b.1.c").unwrap(), &json!(3));
    }

    #[test]
    fn missing_path_names_the_gap_and_the_alternatives() {
        let data = json!({"budget": {"gesamt": 1, "vk": 2}});
        let err = lookup(&data, "budget.gesamtt").unwrap_err().to_string();
        assert!(err.contains("budget.gesamtt"), "{err}");
        assert!(err.contains("gesamt, vk"), "{err}");
    }

    #[test]
    fn pending_values_are_none_and_text_is_an_error() {
        assert_eq!(number(&json!(null), "x").unwrap(), None);
        assert_eq!(number(&json!("in_abstimmung"), "x").unwrap(), None);
        assert_eq!(number(&json!(2.5), "x").unwrap(), Some(2.5));
        let err = number(&json!("viel"), "a.b").unwrap_err().to_string();
        assert!(err.contains("a.b") && err.contains("viel"), "{err}");
    }

    fn decl(yaml: &str) -> ChartDecl {
        serde_saphyr::from_str(yaml).unwrap()
    }

    #[test]
    fn chart_from_year_map_is_marked_as_example() {
        let data = json!({"elb": {"beispielwerte": true, "jdw": {"2018": 6000, "2019": 5485}}});
        let chart = resolve_chart(
            "elb",
            &decl("art: linie\ntitel: ELB\nreihen:\n  - name: ELB\n    werte: elb.jdw\n"),
            &data,
            &["elb".to_string()],
        )
        .unwrap();
        assert_eq!(chart.categories, vec!["2018", "2019"]);
        assert_eq!(chart.series[0].values, vec![Some(6000.0), Some(5485.0)]);
        assert_eq!(chart.caption, "ELB (Beispielwerte)");
    }

    #[test]
    fn signs_in_record_fields_stay_signs_through_sorting() {
        let data = json!({"b": {"nord": {"u25": 56}, "sued": {"u25": "*"}, "ost": {"u25": 80}}});
        let chart = resolve_chart(
            "b",
            &decl("art: balken\ntitel: B\nsortierung: absteigend\nreihen:\n  - {name: U25, werte: b, feld: u25}\n"),
            &data,
            &[],
        )
        .unwrap();
        assert_eq!(chart.categories, vec!["ost", "nord", "sued"]);
        let series = &chart.series[0];
        assert_eq!(series.point(0), Point::Number(80.0));
        assert_eq!(series.point(2), Point::Sign(Special::Anonymised));
        assert_eq!(series.point(2).cell(chart.format), "*");
        assert_eq!(series.point(2).in_text(chart.format), "* (anonymisiert)");
    }

    #[test]
    fn a_later_series_leaves_gaps_whichever_comes_first() {
        let data = json!({"g": {"alle": {"2020": 1, "2021": 2, "2022": 3}, "spaet": {"2022": 9}}});
        for reihen in [
            "[{name: A, werte: g.alle}, {name: S, werte: g.spaet}]",
            "[{name: S, werte: g.spaet}, {name: A, werte: g.alle}]",
        ] {
            let chart = resolve_chart(
                "g",
                &decl(&format!("art: linie\ntitel: G\nreihen: {reihen}\n")),
                &data,
                &[],
            )
            .unwrap();
            assert_eq!(chart.categories, vec!["2020", "2021", "2022"]);
            let late = chart.series.iter().find(|s| s.name == "S").unwrap();
            assert_eq!(late.values, vec![None, None, Some(9.0)]);
            assert_eq!(late.point(0), Point::Gap);
            assert_eq!(late.point(0).cell(chart.format), "");
        }
        // Categories neither contains are still refused.
        let data = json!({"g": {"a": {"2020": 1}, "b": {"2021": 2}}});
        let err = resolve_chart(
            "g",
            &decl("art: linie\ntitel: G\nreihen: [{name: A, werte: g.a}, {name: B, werte: g.b}]\n"),
            &data,
            &[],
        )
        .unwrap_err();
        assert!(err.to_string().contains("hat andere Kategorien"), "{err}");
    }

    #[test]
    fn marked_keys_are_found_around_and_within_a_path() {
        let marked: std::collections::BTreeSet<&str> =
            ["a.b", "a.bc", "c.d.e", "x"].into_iter().collect();
        assert_eq!(marked_overlapping(&marked, "a.b.2019"), vec!["a.b"]);
        assert_eq!(marked_overlapping(&marked, "a"), vec!["a.b", "a.bc"]);
        assert_eq!(marked_overlapping(&marked, "c.d"), vec!["c.d.e"]);
        assert!(marked_overlapping(&marked, "a.bd").is_empty());
        assert_eq!(marked_overlapping(&marked, "x.y"), vec!["x"]);
    }

    #[test]
    fn chart_categories_select_and_label_keys() {
        let data = json!({"p": {"a": {"u25": 1, "ue55": 3, "x": 9}, "b": {"u25": 2, "ue55": 4}}});
        let chart = resolve_chart(
            "p",
            &decl("art: gestapelt\ntitel: P\nkategorien: {u25: jung, ue55: alt}\nreihen:\n  - {name: A, werte: p.a}\n  - {name: B, werte: p.b}\n"),
            &data,
            &[],
        )
        .unwrap();
        assert_eq!(chart.categories, vec!["jung", "alt"]);
        assert_eq!(chart.series[1].values, vec![Some(2.0), Some(4.0)]);
    }

    #[test]
    fn list_series_must_match_labels() {
        let data = json!({"l": [1, 2, 3]});
        let err = resolve_chart(
            "l",
            &decl("art: balken\ntitel: L\nkategorien: [a, b]\nreihen:\n  - {name: A, werte: l}\n"),
            &data,
            &[],
        )
        .unwrap_err();
        assert!(err.to_string().contains("3 Werte"), "{err}");
    }
}
