//! The chart's data, checked and cleaned for drawing.

use super::text::clean;
use super::{Problem, Res};
use crate::format;
use crate::model::{Chart, ValueFormat};

/// One value per category for every series, with labels ready to set.
pub(super) struct Data {
    pub(super) categories: Vec<String>,
    pub(super) names: Vec<String>,
    /// `values[series][category]`.
    pub(super) values: Vec<Vec<Option<f64>>>,
    /// Formatted values, `labels[series][category]`.
    pub(super) labels: Vec<Vec<Option<String>>>,
}

impl Data {
    pub(super) fn new(chart: &Chart) -> Res<Self> {
        for series in &chart.series {
            if let Some(value) = series.values.iter().flatten().find(|v| !v.is_finite()) {
                return Err(Problem::NotFinite {
                    series: series.name.clone(),
                    value: *value,
                });
            }
        }
        let categories: Vec<String> = chart.categories.iter().map(|c| clean(c)).collect();
        let names = chart
            .series
            .iter()
            .enumerate()
            .map(|(index, series)| {
                let name = clean(&series.name);
                if name.is_empty() {
                    format!("Reihe {}", index + 1)
                } else {
                    name
                }
            })
            .collect();
        let values: Vec<Vec<Option<f64>>> = chart
            .series
            .iter()
            .map(|series| {
                (0..categories.len())
                    .map(|index| series.values.get(index).copied().flatten())
                    .collect()
            })
            .collect();
        let labels = labels(&values, chart.format)?;
        Ok(Self {
            categories,
            names,
            values,
            labels,
        })
    }

    pub(super) fn present(&self) -> impl Iterator<Item = f64> + '_ {
        self.values.iter().flatten().flatten().copied()
    }

    /// The label of one value, if it is known.
    pub(super) fn label(&self, series: usize, category: usize) -> Option<&str> {
        self.labels
            .get(series)
            .and_then(|labels| labels.get(category))
            .and_then(Option::as_deref)
    }

    /// Text for a chart without drawable values.
    pub(super) fn empty_note(&self) -> String {
        if self.categories.is_empty() || self.values.is_empty() {
            "Keine Werte vorhanden".to_string()
        } else {
            format!("Werte {}", format::PENDING)
        }
    }
}

fn labels(values: &[Vec<Option<f64>>], format: ValueFormat) -> Res<Vec<Vec<Option<String>>>> {
    let mut out = Vec::with_capacity(values.len());
    for series in values {
        let mut row = Vec::with_capacity(series.len());
        for value in series {
            row.push(value.map(|v| format.number(v)).transpose()?);
        }
        out.push(row);
    }
    Ok(out)
}

/// The note under a chart whose values are not all labelled in the graphic.
pub(super) const IN_TABLE: &str =
    "Nicht beschriftete Werte stehen in der Tabelle „Daten zur Abbildung“.";
