//! The arithmetic checks of `data/pruefungen.yaml`: sums over parts (also per year), row
//! totals over columns, and stated shares and changes against the computed ones.

use serde_json::Value;

use super::join;
use crate::data::{self, DataError};
use crate::diagnostic::Findings;
use crate::format::{self, PercentStyle};
use crate::model::{CheckDecl, Project};

fn number(project: &Project, path: &str) -> Result<Option<f64>, DataError> {
    data::number_at(&project.data, path)
}

/// The numbers of a map (field → value) or a single number under the key "".
fn numbers_of(project: &Project, path: &str) -> Result<Vec<(String, Option<f64>)>, DataError> {
    match data::lookup(&project.data, path)? {
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| v.is_number() || data::is_pending(v))
            .map(|(k, v)| Ok((k.clone(), data::number(v, &join(path, k))?)))
            .collect(),
        other => Ok(vec![(String::new(), data::number(other, path)?)]),
    }
}

fn show(value: f64) -> String {
    let digits = if value.fract() == 0.0 { 0 } else { 2 };
    format::number(value, digits).unwrap_or_else(|_| value.to_string())
}

pub(super) fn arithmetic(
    project: &Project,
    index: usize,
    decl: &CheckDecl,
    findings: &mut Findings,
) {
    let result = (|| -> Result<(), DataError> {
        if let Some(total) = &decl.summe {
            sum_check(project, index, decl, total, findings)?;
        }
        if let Some(field) = &decl.feld {
            row_check(project, decl, field, findings)?;
        }
        if let Some(stated_path) = &decl.wert {
            value_check(project, index, decl, stated_path, findings)?;
        }
        Ok(())
    })();
    if let Err(err) = result {
        let place = project.finding_at_path_in(
            crate::load::CHECKS_FILE,
            &crate::data::culprit(project, crate::load::CHECKS_FILE, &index.to_string(), &err),
            format!("Prüfung {}: {err}", index + 1),
        );
        findings.push(place);
    }
}

/// A sum check (`summe:` and `teile:`), field by field for year series.
fn sum_check(
    project: &Project,
    index: usize,
    decl: &CheckDecl,
    total: &str,
    findings: &mut Findings,
) -> Result<(), DataError> {
    let tolerance = decl.toleranz.unwrap_or(0.0);
    let totals = numbers_of(project, total)?;

    let skipped = differing_keys(project, index, decl, total, &totals, findings);
    for (field, stated) in totals {
        if skipped.contains(&field) {
            continue;
        }
        let Some(stated) = stated else { continue };
        let mut sum = 0.0;
        let mut complete = true;
        for part in &decl.teile {
            let part_path = if field.is_empty() {
                part.clone()
            } else {
                join(part, &field)
            };
            let values = if field.is_empty() {
                numbers_of(project, part)?
            } else {
                vec![(field.clone(), number(project, &part_path)?)]
            };
            for (_, value) in values {
                match value {
                    Some(v) => sum += v,
                    None => complete = false,
                }
            }
        }
        let total_path = if field.is_empty() {
            total.to_string()
        } else {
            join(total, &field)
        };
        if complete && (sum - stated).abs() > tolerance + 1e-9 {
            let parts: Vec<String> = decl
                .teile
                .iter()
                .map(|p| {
                    if field.is_empty() {
                        p.clone()
                    } else {
                        join(p, &field)
                    }
                })
                .collect();
            findings.push(project.finding_at_path(
                format!(
                    "Rechenprobe: „{total_path}“ ist {}, die Summe von {} ergibt aber {} (Differenz {}).",
                    show(stated),
                    parts.join(" + "),
                    show(sum),
                    show(stated - sum)
                ),
                &total_path,
            ));
        }
    }
    Ok(())
}

/// Year series (or other maps) whose keys differ: the common keys are compared, and a warning
/// says which differ. Returns the keys left out.
fn differing_keys(
    project: &Project,
    index: usize,
    decl: &CheckDecl,
    total: &str,
    totals: &[(String, Option<f64>)],
    findings: &mut Findings,
) -> Vec<String> {
    let place = |message: String| {
        project.finding_at_path_in(crate::load::CHECKS_FILE, &index.to_string(), message)
    };
    let fields: Vec<String> = totals.iter().map(|(f, _)| f.clone()).collect();
    let mut skipped: Vec<String> = Vec::new();
    if fields.iter().all(|f| !f.is_empty()) {
        let mut differences = Vec::new();
        for part in &decl.teile {
            let Ok(Value::Object(map)) = data::lookup(&project.data, part) else {
                continue;
            };
            let missing: Vec<&str> = fields
                .iter()
                .filter(|f| !map.contains_key(f.as_str()))
                .map(String::as_str)
                .collect();
            let extra: Vec<&str> = map
                .keys()
                .filter(|k| !fields.contains(k))
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                differences.push(format!("„{part}“ fehlt {}", missing.join(", ")));
                skipped.extend(missing.iter().map(|m| m.to_string()));
            }
            if !extra.is_empty() {
                differences.push(format!(
                    "„{part}“ hat zusätzlich {}, das in „{total}“ fehlt",
                    extra.join(", ")
                ));
            }
        }
        if !differences.is_empty() {
            skipped.sort();
            skipped.dedup();
            let compared: Vec<&str> = fields
                .iter()
                .filter(|f| !skipped.contains(f))
                .map(String::as_str)
                .collect();
            findings.push(
                place(format!(
                    "Rechenprobe {}: „{total}“ und seine Teile haben nicht dieselben Schlüssel: {}. Verglichen werden nur {}.",
                    index + 1,
                    differences.join("; "),
                    if compared.is_empty() { "keine".to_string() } else { compared.join(", ") }
                ))
                .with_help("Ergänzen Sie die fehlenden Jahre (offene Werte als ~) oder gleichen Sie die Reihen an.")
                .warning(),
            );
        }
    }

    skipped
}

/// A row check (`feld:`, `zeilen:`, `felder:`): each row's total against its columns.
fn row_check(
    project: &Project,
    decl: &CheckDecl,
    field: &str,
    findings: &mut Findings,
) -> Result<(), DataError> {
    let tolerance = decl.toleranz.unwrap_or(0.0);
    for row in &decl.zeilen {
        let Some(stated) = number(project, &join(row, field))? else {
            continue;
        };
        let mut sum = 0.0;
        let mut complete = true;
        for part in &decl.felder {
            match number(project, &join(row, part))? {
                Some(v) => sum += v,
                None => complete = false,
            }
        }
        if complete && (sum - stated).abs() > tolerance + 1e-9 {
            findings.push(project.finding_at_path(
                format!(
                    "Rechenprobe in Zeile „{row}“, Spalte „{field}“: eingetragen ist {}, die Summe der Spalten {} ergibt aber {} (Differenz {}).",
                    show(stated),
                    decl.felder.join(" + "),
                    show(sum),
                    show(stated - sum)
                ),
                &join(row, field),
            ));
        }
    }
    Ok(())
}

/// A stated share or change (`wert:` with `anteil:` or `veraenderung:`) against the computed one.
fn value_check(
    project: &Project,
    index: usize,
    decl: &CheckDecl,
    stated_path: &str,
    findings: &mut Findings,
) -> Result<(), DataError> {
    let place = |message: String| {
        project.finding_at_path_in(crate::load::CHECKS_FILE, &index.to_string(), message)
    };
    let Some(stated) = number(project, stated_path)? else {
        return Ok(());
    };
    let tolerance = decl.toleranz.unwrap_or(0.05);
    let computed = if let Some(share) = &decl.anteil {
        match (
            number(project, &share.teil)?,
            number(project, &share.ganzes)?,
        ) {
            (Some(part), Some(whole)) => format::share(part, whole),
            _ => None,
        }
    } else if let Some(change) = &decl.veraenderung {
        match (number(project, &change.von)?, number(project, &change.auf)?) {
            (Some(from), Some(to)) => format::change_percent(from, to),
            _ => None,
        }
    } else {
        findings.push(place(format!(
            "Prüfung {}: zu wert: gehört anteil: oder veraenderung:.",
            index + 1
        )));
        None
    };
    if let Some(computed) = computed {
        if (computed - stated).abs() > tolerance + 1e-9 {
            let computed_text =
                format::percent(computed, 2, PercentStyle::Sign).unwrap_or_default();
            let stated_text = format::percent(stated, 2, PercentStyle::Sign).unwrap_or_default();
            findings.push(project.finding_at_path(
                format!(
                    "Rechenprobe: „{stated_path}“ nennt {stated_text}, berechnet sind {computed_text} (Differenz {} Prozentpunkte).",
                    format::number(stated - computed, 2).unwrap_or_default()
                ),
                stated_path,
            ));
        }
    }
    Ok(())
}
