//! Number conventions and the traps German authors fall into when writing YAML.
//!
//! YAML reads `2.760` as the decimal 2.76 (a German thousands point is a decimal point), keeps
//! `"1.141"` and `23,4` as text, and `prozent` expects 23.4 for 23,4 %, not 0.234. None of
//! these is a syntax error, so the data's raw source text ([`crate::sites`]) is compared with
//! how a value is used: shown rounded, used as a number, or given to `prozent`.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use serde_json::Value;

use crate::diagnostic::Finding;
use crate::model::{Project, ValueFormat};

/// A data value whose source text is a trap, with its key path and text as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// Full key path (`ziele.integrationen`).
    pub path: String,
    /// The value as written in the file, without quotes.
    pub raw: String,
    /// The number YAML read (for text: none).
    pub number: Option<f64>,
}

/// The data's trap values, looked up by value (filters see values, not paths) or by path.
#[derive(Debug, Default)]
pub struct Traps {
    thousands: HashMap<u64, Written>,
    fractions: HashMap<u64, Written>,
    texts: HashMap<String, Written>,
    by_path: HashMap<String, Written>,
    /// Fractions given to `prozent` in chapters, reported as warnings after expansion:
    /// the value, how it was shown, and the chapter file.
    pub percent_uses: Mutex<Vec<(Written, String, String)>>,
}

thread_local! {
    /// The chapter being expanded on this thread, for warnings raised inside filters (which
    /// do not learn their template's name).
    static CHAPTER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Names the chapter the filters on this thread expand from now on.
pub(crate) fn expanding_chapter(file: &str) {
    CHAPTER.with(|chapter| file.clone_into(&mut chapter.borrow_mut()));
}

/// Written like a German thousands number: `2.760`, `1.141.000` (not `0.558`).
pub(crate) fn looks_like_thousands(raw: &str) -> bool {
    let digits = raw.trim_start_matches(['-', '+']);
    let mut groups = digits.split('.');
    let first_ok = groups.next().is_some_and(|g| {
        (1..=3).contains(&g.len()) && !g.starts_with('0') && g.chars().all(|c| c.is_ascii_digit())
    });
    let rest: Vec<&str> = groups.collect();
    first_ok
        && !rest.is_empty()
        && rest
            .iter()
            .all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()))
}

/// Text that is meant as a number: `1.141`, `23,4`, `1.141,5`, `2760`.
pub(crate) fn looks_like_number_text(text: &str) -> bool {
    let digits = text.trim().trim_start_matches(['-', '+', '−']);
    digits.chars().next().is_some_and(|c| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
}

/// Three or more decimals after the point of a value between −1 and 1: `0.558`.
fn is_fraction(raw: &str, number: f64) -> bool {
    number != 0.0
        && number.abs() < 1.0
        && raw
            .split_once('.')
            .is_some_and(|(_, decimals)| decimals.len() >= 3)
}

/// How the text would be written as a YAML number: `1.141` → `1141`, `23,4` → `23.4`.
pub(crate) fn as_yaml_number(text: &str) -> String {
    let text = text.trim().replace('−', "-");
    if text.contains(',') {
        text.replace('.', "").replace(',', ".")
    } else if looks_like_thousands(&text) || text.matches('.').count() > 1 {
        text.replace('.', "")
    } else {
        text
    }
}

/// Whether a format shows decimals because the author chose it so.
fn shows_decimals(format: ValueFormat) -> bool {
    matches!(
        format,
        ValueFormat::Dezimal1 | ValueFormat::Dezimal2 | ValueFormat::Prozent
    )
}

/// The key paths some use shows with decimals by the author's choice: a table column or a
/// chart with `format: dezimal1`, `dezimal2` or `prozent`, a chapter's `zahl(stellen=1)` or
/// `prozent`. A value written `618.125` and used so is the decimal it reads as (full-time
/// equivalents), not a German thousands number: it is a trap only where every use rounds it.
fn decimal_uses(project: &Project) -> HashSet<String> {
    let mut paths = HashSet::new();
    for decl in project.tables.values() {
        paths.extend(
            crate::data::table_paths(decl, &project.data)
                .into_iter()
                .filter(|(_, format)| format.is_some_and(shows_decimals))
                .map(|(path, _)| path),
        );
    }
    for decl in project.charts.values() {
        if shows_decimals(decl.format) {
            paths.extend(crate::data::chart_paths(decl, &project.data));
        }
    }
    for chapter in &project.chapters {
        paths.extend(chapter_decimal_prints(&chapter.body));
    }
    paths
}

/// The plain paths a chapter prints with decimals: `{{ a.b | zahl(stellen=2) }}`,
/// `{{ a["2019"] | prozent }}` (best effort: names bound in the template stay as written).
fn chapter_decimal_prints(body: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        let after = rest.get(start + 2..).unwrap_or_default();
        let Some(end) = after.find("}}") else { break };
        let tag = after.get(..end).unwrap_or_default();
        rest = after.get(end + 2..).unwrap_or_default();
        let Some((expression, filters)) = tag.split_once('|') else {
            continue;
        };
        let expression = expression.trim();
        let plain = expression
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '"' | '\''));
        if !plain || expression.is_empty() || !filters_show_decimals(filters) {
            continue;
        }
        paths.push(
            expression
                .replace("[\"", ".")
                .replace("['", ".")
                .replace('[', ".")
                .replace([']', '"', '\''], ""),
        );
    }
    paths
}

/// `zahl(stellen=1)`, `euro(stellen=2)`, or `prozent` without `stellen=0`.
fn filters_show_decimals(filters: &str) -> bool {
    let compact: String = filters.chars().filter(|c| !c.is_whitespace()).collect();
    let places = compact
        .split("stellen=")
        .skip(1)
        .filter_map(|after| after.chars().next())
        .filter_map(|c| c.to_digit(10))
        .next();
    match places {
        Some(places) => places > 0,
        None => compact
            .split('|')
            .any(|filter| filter == "prozent" || filter.starts_with("prozent(")),
    }
}

impl Traps {
    /// Collects the traps of every data file of `project`.
    pub fn of(project: &Project) -> Self {
        let mut traps = Traps::default();
        let decimal_uses = decimal_uses(project);
        for (set, file) in &project.data_files {
            let Some(sites) = project.sites.get(file) else {
                continue;
            };
            for (inner, site) in sites {
                let path = format!("{set}.{inner}");
                let Ok(value) = crate::data::lookup(&project.data, &path) else {
                    continue;
                };
                let (raw, quoted) = site.unquoted();
                let written = |number| Written {
                    path: path.clone(),
                    raw: raw.to_string(),
                    number,
                };
                match value {
                    Value::Number(n) if !quoted => {
                        let Some(n) = n.as_f64() else { continue };
                        if looks_like_thousands(raw) && !decimal_uses.contains(&path) {
                            traps
                                .thousands
                                .entry(n.to_bits())
                                .or_insert(written(Some(n)));
                            traps.by_path.insert(path.clone(), written(Some(n)));
                        } else if is_fraction(raw, n) {
                            traps
                                .fractions
                                .entry(n.to_bits())
                                .or_insert(written(Some(n)));
                            traps.by_path.insert(path.clone(), written(Some(n)));
                        }
                    }
                    Value::String(text) if looks_like_number_text(text) => {
                        traps
                            .texts
                            .entry(text.clone())
                            .or_insert_with(|| written(None));
                        traps.by_path.insert(path.clone(), written(None));
                    }
                    _ => {}
                }
            }
        }
        traps
    }

    /// A thousands-looking value equal to `number`.
    pub fn thousands(&self, number: f64) -> Option<&Written> {
        self.thousands.get(&number.to_bits())
    }

    /// A fraction-looking value equal to `number`.
    pub fn fraction(&self, number: f64) -> Option<&Written> {
        self.fractions.get(&number.to_bits())
    }

    /// A number written as text, equal to `text`.
    pub fn text(&self, text: &str) -> Option<&Written> {
        self.texts.get(text)
    }

    /// The trap at a key path, if any.
    pub fn at(&self, path: &str) -> Option<&Written> {
        self.by_path.get(path)
    }

    /// Remembers a fraction given to `prozent` in a chapter.
    pub fn note_percent(&self, written: &Written, shown: String) {
        if let Ok(mut uses) = self.percent_uses.lock() {
            let chapter = CHAPTER.with(|chapter| chapter.borrow().clone());
            uses.push((written.clone(), shown, chapter));
        }
    }
}

/// Whether a format with `digits` decimals shows a thousands-looking value rounded.
pub(crate) fn rounds(digits: u8) -> bool {
    digits < 3
}

/// The error for `2.760` shown rounded: at the value in its data file.
pub(crate) fn thousands_finding(
    project: &Project,
    written: &Written,
    shown: &str,
    used: &str,
) -> Finding {
    let read = written
        .number
        .and_then(|n| crate::format::number(n, 3).ok())
        .map(|text| text.trim_end_matches('0').trim_end_matches(',').to_string())
        .unwrap_or_default();
    project
        .finding_at_value(
            format!(
                "„{}: {}“ wird als Dezimalzahl {read} gelesen und erscheint {used} gerundet als „{shown}“.",
                written.path, written.raw
            ),
            &written.path,
        )
        .with_help(format!(
            "In YAML ist der Punkt ein Dezimalpunkt. Ist die ganze Zahl {raw} gemeint, schreiben Sie {} (ohne Tausenderpunkt); ist die Dezimalzahl {read} gemeint, zeigen Sie ihre Nachkommastellen (in Tabellen und Abbildungen format: dezimal1 oder dezimal2, im Text zahl(stellen=3)).",
            as_yaml_number(&written.raw),
            raw = written.raw,
        ))
}

/// The error for a number written as text (`"1.141"`, `23,4`): at the value in its data file.
pub(crate) fn text_finding(project: &Project, written: &Written, used: &str) -> Finding {
    project
        .finding_at_value(
            format!(
                "„{}“ ist als Text geschrieben („{}“), {used} braucht aber eine Zahl.",
                written.path, written.raw
            ),
            &written.path,
        )
        .with_help(format!(
            "Zahlen schreibt man in YAML ohne Anführungszeichen, ohne Tausenderpunkt und mit Dezimalpunkt: schreiben Sie {}.",
            as_yaml_number(&written.raw)
        ))
}

/// The warning for a fraction such as 0.558 given to `prozent`: at the value in its data file.
pub(crate) fn percent_finding(
    project: &Project,
    written: &Written,
    shown: &str,
    used: &str,
) -> Finding {
    let meant = written
        .number
        .and_then(|n| crate::format::number(n * 100.0, 1).ok())
        .unwrap_or_default();
    project
        .finding_at_value(
            format!(
                "„{}: {}“ erscheint {used} mit prozent als „{shown}“.",
                written.path, written.raw
            ),
            &written.path,
        )
        .with_help(format!(
            "prozent erwartet den Prozentwert (23.4 für 23,4 %); sind {meant} % gemeint, schreiben Sie {}.",
            as_yaml_number(&meant)
        ))
        .warning()
}

/// A table's or chart's complaint about a value that is not a number, at the value's data
/// line (with the decimal-point hint for numbers written as text); `None` when the value has
/// no known place.
pub(crate) fn not_a_number_finding(
    project: &Project,
    err: &crate::data::DataError,
    used: &str,
) -> Option<Finding> {
    let crate::data::DataError::NotANumber { path, .. } = err else {
        return None;
    };
    project.site_of(path)?;
    let traps = Traps::of(project);
    Some(match traps.at(path) {
        Some(written) if written.number.is_none() => text_finding(project, written, used),
        _ => {
            let mut chars = used.chars();
            let used: String = chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default();
            project.finding_at_value(format!("{used}: {err}"), path)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapter_prints_with_decimals_are_found_by_path() {
        let body = "{{ a.b | zahl(stellen=2) }} {{ a.c | zahl }} {{ a.d | zahl(stellen = 0) }} {{ e[\"2019\"] | prozent }} {{ f[0].g | prozent(stellen=0) }} {{ h | veraenderung(einheit=\"prozent\") }} {{ (a.b * 2) | zahl(stellen=1) }}";
        assert_eq!(chapter_decimal_prints(body), vec!["a.b", "e.2019"]);
        assert!(filters_show_decimals(" zahl(stellen=1) "));
        assert!(filters_show_decimals(" prozent | upper"));
        assert!(!filters_show_decimals(" euro "));
    }

    #[test]
    fn thousands_and_number_texts() {
        assert!(looks_like_thousands("2.760"));
        assert!(looks_like_thousands("1.141.000"));
        assert!(!looks_like_thousands("2.76"));
        assert!(!looks_like_thousands("1234.567"));
        assert!(!looks_like_thousands("0.558"));
        assert!(looks_like_number_text("23,4"));
        assert!(looks_like_number_text("1.141"));
        assert!(!looks_like_number_text("viele"));
        assert_eq!(as_yaml_number("2.760"), "2760");
        assert_eq!(as_yaml_number("23,4"), "23.4");
        assert_eq!(as_yaml_number("1.141,5"), "1141.5");
    }

    #[test]
    fn fractions_need_three_decimals() {
        assert!(is_fraction("0.558", 0.558));
        assert!(!is_fraction("0.5", 0.5));
        assert!(!is_fraction("23.456", 23.456));
    }
}
