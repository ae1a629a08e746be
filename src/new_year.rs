//! `amip new-year`: next year's draft from this year's programme.
//!
//! The year goes up by one, the status becomes `draft`, the signature date is cleared, and the
//! rollover rules in `programm.yaml` (`fortschreibung:`) move this year's values into the
//! previous-year fields and leave the new values pending, so that `amip check --final` lists
//! everything that still has to be filled in. Files are edited as text, line by line, so the
//! authors' comments and layout stay as they were.

use std::fs;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde_json::Value;

use crate::data;
use crate::load::PROGRAMME_FILE;
use crate::model::Project;

/// What went wrong, in German.
#[derive(Debug, thiserror::Error)]
pub enum NewYearError {
    /// The target folder is in use.
    #[error("Der Zielordner {0} ist nicht leer; wählen Sie einen neuen Ordner.")]
    TargetNotEmpty(String),
    /// The next year cannot be written.
    #[error("Das Programmjahr {0} in data/programm.yaml kann nicht fortgeschrieben werden: das nächste Jahr läge nach {LAST_YEAR}. Tragen Sie unter jahr: das richtige Jahr ein (z. B. 2025).")]
    Year(i32),
    /// The project was already rolled over: a value to move is still pending.
    #[error("{file}: „{open}“ ist noch offen (derzeit in Abstimmung). Ein weiteres Fortschreiben würde den Wert von „{kept}“ durch einen leeren Wert ersetzen; es wurde nichts geändert. Tragen Sie zuerst den Wert für „{open}“ ein.")]
    StillPending {
        /// The pending value that would move.
        open: String,
        /// The value that would be lost.
        kept: String,
        /// The data file and line.
        file: String,
    },
    /// A rule cannot be applied.
    #[error("Fortschreibung in data/programm.yaml: {0}")]
    Rule(String),
    /// Reading or writing failed.
    #[error("{what}: {source}")]
    Io {
        /// What amip was doing.
        what: String,
        /// The OS error.
        source: std::io::Error,
    },
}

/// One change made, for the summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// File relative to the project.
    pub file: String,
    /// Key path.
    pub path: String,
    /// Description, e.g. "2020 → 2021" or "offen (derzeit in Abstimmung)".
    pub what: String,
}

/// Where a value stands in YAML source: byte range of the scalar, alias or flow collection.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ValueSpan {
    start: usize,
    end: usize,
    /// A mapping written in flow style (`{ 2018: 1, 2019: 2 }`).
    flow_map: bool,
    /// A collection (mapping or sequence), not a scalar.
    collection: bool,
}

/// The value of every key path in YAML `text` (`budget.gesamt.vorjahr`, `ziele.lokal.0`),
/// read with the YAML parser itself so that anchors (`&vk 8581009`), aliases (`*vk`), flow
/// maps and comments are understood exactly as the loader understands them.
fn value_spans(text: &str) -> Result<IndexMap<String, ValueSpan>, String> {
    use granit_parser::{Event, Parser};

    enum Frame {
        Map { path: String, key: Option<String> },
        Seq { path: String, next: usize },
    }
    let byte = |marker: &granit_parser::Marker| {
        marker.byte_offset().unwrap_or_else(|| {
            text.char_indices()
                .nth(marker.index())
                .map_or(text.len(), |(at, _)| at)
        })
    };
    let mut spans = IndexMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    // The collections that are open: (path, start, flow style, end of the last child).
    let mut open: Vec<(String, usize, bool, usize)> = Vec::new();
    let record = |spans: &mut IndexMap<String, ValueSpan>,
                  open: &mut Vec<(String, usize, bool, usize)>,
                  path: String,
                  span: ValueSpan| {
        if let Some(parent) = open.last_mut() {
            parent.3 = parent.3.max(span.end);
        }
        spans.insert(path, span);
    };
    for item in Parser::new_from_str(text) {
        let (event, span) =
            item.map_err(|err| format!("die Datei ist kein gültiges YAML ({err})"))?;
        // The path of a value at this point, or None when the event is a mapping key.
        let value_path = match stack.last_mut() {
            Some(Frame::Map { key: None, .. }) => None,
            Some(Frame::Map { path, key }) => key.take().map(|k| join(path, &k)),
            Some(Frame::Seq { path, next }) => {
                let at = join(path, &next.to_string());
                *next += 1;
                Some(at)
            }
            None => Some(String::new()),
        };
        match event {
            Event::Scalar(value, ..) if value_path.is_none() => {
                if let Some(Frame::Map { key, .. }) = stack.last_mut() {
                    *key = Some(value.to_string());
                }
            }
            Event::Scalar(..) | Event::Alias(_) => {
                if let Some(path) = value_path {
                    record(
                        &mut spans,
                        &mut open,
                        path,
                        ValueSpan {
                            start: byte(&span.start),
                            end: byte(&span.end),
                            flow_map: false,
                            collection: false,
                        },
                    );
                }
            }
            Event::MappingStart(style, ..) | Event::SequenceStart(style, ..) => {
                let is_map = matches!(event, Event::MappingStart(..));
                let path = value_path.unwrap_or_default();
                let start = byte(&span.start);
                open.push((
                    path.clone(),
                    start,
                    style == granit_parser::StructureStyle::Flow,
                    start,
                ));
                stack.push(if is_map {
                    Frame::Map { path, key: None }
                } else {
                    Frame::Seq { path, next: 0 }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                if let Some((path, start, flow, last_child_end)) = open.pop() {
                    // A block collection ends with its last value, not where the parser
                    // notices its end (which may be after comments on the following lines).
                    let end = if flow {
                        byte(&span.end)
                    } else {
                        last_child_end
                    };
                    let flow_map = flow && matches!(event, Event::MappingEnd);
                    record(
                        &mut spans,
                        &mut open,
                        path,
                        ValueSpan {
                            start,
                            end,
                            flow_map,
                            collection: true,
                        },
                    );
                }
            }
            _ => {}
        }
    }
    Ok(spans)
}

/// The 1-based line of the value at `path` in YAML `text`.
fn line_of(text: &str, path: &str) -> Option<usize> {
    let span = *value_spans(text).ok()?.get(path)?;
    Some(text.get(..span.start)?.matches('\n').count() + 1)
}

/// Replaces the scalar value at `path` in YAML `text`, keeping anchors (`&vk`), comments,
/// alignment and flow style. A `note` is added as a comment when the line has none yet.
pub fn set_scalar(
    text: &str,
    path: &str,
    value: &str,
    note: Option<&str>,
) -> Result<String, String> {
    let spans = value_spans(text)?;
    let span = spans
        .get(path)
        .ok_or_else(|| format!("„{path}“ wurde in der Datei nicht gefunden"))?;
    if span.collection {
        return Err(format!(
            "„{path}“ ist kein einfacher Wert, sondern eine Liste oder Zuordnung; tragen Sie ihn von Hand ein"
        ));
    }
    let (Some(head), Some(old), Some(rest)) = (
        text.get(..span.start),
        text.get(span.start..span.end),
        text.get(span.end..),
    ) else {
        return Err(format!("„{path}“ wurde in der Datei nicht gefunden"));
    };
    if old.contains('\n') {
        return Err(format!(
            "„{path}“ steht über mehrere Zeilen; tragen Sie den Wert von Hand ein"
        ));
    }
    let line_rest = rest.split('\n').next().unwrap_or("");
    let has_comment = line_rest.trim_start().starts_with('#');
    let mut replacement = value.to_string();
    if has_comment {
        // Keep the comment where it was: pad a shorter value to the old width.
        let width = old.chars().count();
        while replacement.chars().count() < width {
            replacement.push(' ');
        }
    } else if let Some(note) = note.filter(|_| line_rest.trim().is_empty()) {
        replacement.push_str("   # ");
        replacement.push_str(note);
    }
    Ok(format!("{head}{replacement}{rest}"))
}

/// Inserts `key: value` as the last entry of the map at `path` (a year series), in the map's
/// own style: a new line for a block map, `, key: value` before the `}` of a flow map.
fn append_entry(
    text: &str,
    path: &str,
    key: &str,
    value: &str,
    note: &str,
) -> Result<String, String> {
    let spans = value_spans(text)?;
    let span = spans
        .get(path)
        .filter(|span| span.collection)
        .ok_or_else(|| {
            format!("„{path}“ wurde in der Datei nicht gefunden oder ist keine Zuordnung")
        })?;
    if span.flow_map {
        let inner = text.get(span.start..span.end).unwrap_or("");
        let close = span.start + inner.rfind('}').unwrap_or(inner.len());
        let before = text.get(span.start..close).unwrap_or("");
        let trimmed = before.trim_end();
        let at = span.start + trimmed.len();
        let separator = if trimmed.ends_with('{') || trimmed.ends_with(',') {
            " "
        } else {
            ", "
        };
        return Ok(format!(
            "{}{separator}{key}: {value}{}",
            text.get(..at).unwrap_or(""),
            text.get(at..).unwrap_or("")
        ));
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let first_line = text
        .get(..span.start)
        .map_or(0, |t| t.matches('\n').count());
    let last_line = text
        .get(..span.end.saturating_sub(1).max(span.start))
        .map_or(0, |t| t.matches('\n').count());
    let child_indent = lines
        .get(first_line)
        .map(|line| line.len() - line.trim_start().len())
        .ok_or_else(|| format!("„{path}“ ist keine Zuordnung über mehrere Zeilen"))?;
    let mut out = String::new();
    for (index, line) in lines.iter().enumerate() {
        out.push_str(line);
        if index == last_line {
            if !line.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&format!(
                "{}{key}: {value}   # {note}\n",
                " ".repeat(child_indent)
            ));
        }
    }
    Ok(out)
}

/// The comment written after a value that becomes pending, when its line has no comment.
const PENDING_NOTE: &str = "derzeit in Abstimmung";
/// The highest programme year amip rolls over into (dates have four-digit years).
/// The last year a programme may be for; the year after it cannot be written.
const LAST_YEAR: i32 = crate::load::YEAR_MAX;

/// Computes the edited files (relative path → new text) and the list of changes.
pub fn plan(project: &Project) -> Result<(IndexMap<String, String>, Vec<Change>), NewYearError> {
    let mut files: IndexMap<String, String> = IndexMap::new();
    let mut changes = Vec::new();
    let programme = &project.programme;
    let next = programme
        .jahr
        .checked_add(1)
        .filter(|next| (1..=LAST_YEAR).contains(next))
        .ok_or(NewYearError::Year(programme.jahr))?;
    let mut text = project
        .sources
        .get(PROGRAMME_FILE)
        .cloned()
        .unwrap_or_default();
    let rule = |e: String| NewYearError::Rule(format!("{PROGRAMME_FILE}: {e}"));
    text = set_scalar(&text, "jahr", &next.to_string(), None).map_err(rule)?;
    changes.push(Change {
        file: PROGRAMME_FILE.into(),
        path: "jahr".into(),
        what: format!("{} → {next}", programme.jahr),
    });
    let keys = value_spans(&text).map_err(rule)?;
    if keys.contains_key("status") {
        text = set_scalar(&text, "status", "draft", None).map_err(rule)?;
    } else {
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str("status: draft\n");
    }
    changes.push(Change {
        file: PROGRAMME_FILE.into(),
        path: "status".into(),
        what: "draft (Entwurf)".into(),
    });
    if keys.contains_key("datum") {
        text = set_scalar(
            &text,
            "datum",
            "~",
            Some("Datum der Unterzeichnung, noch offen"),
        )
        .map_err(rule)?;
        changes.push(Change {
            file: PROGRAMME_FILE.into(),
            path: "datum".into(),
            what: "geleert".into(),
        });
    }
    files.insert(PROGRAMME_FILE.to_string(), text);

    for rule_decl in &programme.fortschreibung {
        match (&rule_decl.daten, &rule_decl.vorjahr, &rule_decl.jahresreihe) {
            (Some(base), Some(from_field), None) => {
                let root = data::lookup(&project.data, base)
                    .map_err(|e| NewYearError::Rule(e.to_string()))?;
                let mut maps = Vec::new();
                collect_maps(root, base, "vorjahr", from_field, &mut maps);
                for (map_path, new_previous) in maps {
                    let (file, inner) = project.file_of(&map_path).ok_or_else(|| {
                        NewYearError::Rule(format!("keine Datendatei für „{map_path}“"))
                    })?;
                    let Some(new_previous) = new_previous else {
                        // Rolling over again would overwrite the previous year with nothing.
                        let text = current_text(&files, project, file);
                        let line = line_of(&text, &join(inner, from_field));
                        return Err(NewYearError::StillPending {
                            open: join(&map_path, from_field),
                            kept: join(&map_path, "vorjahr"),
                            file: line.map_or_else(|| file.to_string(), |l| format!("{file}:{l}")),
                        });
                    };
                    let text = current_text(&files, project, file);
                    let previous_path = join(inner, "vorjahr");
                    let current_path = join(inner, from_field);
                    let text = set_scalar(&text, &previous_path, &new_previous, None)
                        .and_then(|t| set_scalar(&t, &current_path, "~", Some(PENDING_NOTE)))
                        .map_err(|e| NewYearError::Rule(format!("{file}: {e}")))?;
                    files.insert(file.to_string(), text);
                    changes.push(Change {
                        file: file.into(),
                        path: join(&map_path, "vorjahr"),
                        what: format!("← bisher {from_field} ({new_previous})"),
                    });
                    changes.push(Change {
                        file: file.into(),
                        path: join(&map_path, from_field),
                        what: "offen (derzeit in Abstimmung)".into(),
                    });
                }
            }
            (None, None, Some(series)) => {
                let map = data::lookup(&project.data, series)
                    .map_err(|e| NewYearError::Rule(e.to_string()))?;
                let new_year = programme.jahr.to_string();
                let prefix = format!("{series}.");
                if let Some(origin) = project
                    .imported
                    .values
                    .iter()
                    .find(|(path, _)| path.starts_with(&prefix))
                    .map(|(_, origin)| origin)
                {
                    // An imported series grows with the next edition of its source file.
                    if map.get(&new_year).is_none() {
                        changes.push(Change {
                            file: origin.file.clone(),
                            path: join(series, &new_year),
                            what: "kommt aus der Quelldatei: die neue Ausgabe in data/quellen/ ablegen und datei:/stand: anpassen".into(),
                        });
                    }
                } else if map.get(&new_year).is_none() {
                    let (file, inner) = project.file_of(series).ok_or_else(|| {
                        NewYearError::Rule(format!("keine Datendatei für „{series}“"))
                    })?;
                    let text = current_text(&files, project, file);
                    let text = append_entry(&text, inner, &new_year, "~", PENDING_NOTE)
                        .map_err(|e| NewYearError::Rule(format!("{file}: {e}")))?;
                    files.insert(file.to_string(), text);
                    changes.push(Change {
                        file: file.into(),
                        path: join(series, &new_year),
                        what: "neu, offen (derzeit in Abstimmung)".into(),
                    });
                }
            }
            _ => {
                return Err(NewYearError::Rule(
                    "jede Regel hat entweder daten: und vorjahr: oder jahresreihe:".into(),
                ))
            }
        }
    }
    Ok((files, changes))
}

/// The text of `file` as edited so far, or as loaded.
fn current_text(files: &IndexMap<String, String>, project: &Project, file: &str) -> String {
    files
        .get(file)
        .or_else(|| project.sources.get(file))
        .cloned()
        .unwrap_or_default()
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Maps below `value` that have both fields; returns (path, YAML text of the value to move,
/// or `None` when that value is still pending).
fn collect_maps(
    value: &Value,
    path: &str,
    previous: &str,
    current: &str,
    out: &mut Vec<(String, Option<String>)>,
) {
    if let Value::Object(map) = value {
        if let (Some(_), Some(now)) = (map.get(previous), map.get(current)) {
            // A JSON string literal is also a valid double-quoted YAML scalar.
            let text = (!data::is_pending(now)).then(|| now.to_string());
            out.push((path.to_string(), text));
            return;
        }
        for (key, item) in map {
            collect_maps(item, &join(path, key), previous, current, out);
        }
    }
}

fn io(what: String) -> impl FnOnce(std::io::Error) -> NewYearError {
    move |source| NewYearError::Io { what, source }
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), NewYearError> {
    fs::create_dir_all(to).map_err(io(format!("{} kann nicht angelegt werden", to.display())))?;
    let mut entries: Vec<_> = fs::read_dir(from)
        .map_err(io(format!("{} kann nicht gelesen werden", from.display())))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let target = to.join(entry.file_name());
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            fs::copy(&path, &target)
                .map_err(io(format!("{} kann nicht kopiert werden", path.display())))?;
        }
    }
    Ok(())
}

/// Writes next year's draft into `target` (a new or empty folder), or into the project itself
/// when `target` is `None`. Returns the folder and the changes.
pub fn run(
    project: &Project,
    target: Option<&Path>,
) -> Result<(PathBuf, Vec<Change>), NewYearError> {
    let (files, changes) = plan(project)?;
    let root = match target {
        None => project.root.clone(),
        Some(target) => {
            if target.exists()
                && fs::read_dir(target)
                    .map(|mut d| d.next().is_some())
                    .unwrap_or(true)
            {
                return Err(NewYearError::TargetNotEmpty(target.display().to_string()));
            }
            for folder in ["content", "data", "templates"] {
                let from = project.root.join(folder);
                if from.is_dir() {
                    copy_dir(&from, &target.join(folder))?;
                }
            }
            let gitignore = project.root.join(".gitignore");
            if gitignore.is_file() {
                fs::copy(&gitignore, target.join(".gitignore"))
                    .map_err(io(".gitignore kann nicht kopiert werden".into()))?;
            }
            target.to_path_buf()
        }
    };
    for (rel, text) in &files {
        fs::write(root.join(rel), text)
            .map_err(io(format!("{rel} kann nicht geschrieben werden")))?;
    }
    Ok((root, changes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalar_is_replaced_keeping_comment_and_indent() {
        let text = "a:\n  vorjahr: 1   # alt\n  planjahr: 2\n";
        assert_eq!(
            set_scalar(text, "a.vorjahr", "2", Some("neu")).unwrap(),
            "a:\n  vorjahr: 2   # alt\n  planjahr: 2\n"
        );
        assert_eq!(
            set_scalar(text, "a.planjahr", "~", Some("offen")).unwrap(),
            "a:\n  vorjahr: 1   # alt\n  planjahr: ~   # offen\n"
        );
        assert!(set_scalar(text, "a.fehlt", "1", None).is_err());
        assert!(set_scalar(text, "a", "1", None)
            .unwrap_err()
            .contains("kein einfacher Wert"));
    }

    #[test]
    fn a_comment_stays_once_and_in_its_column() {
        let text = "datum: 2019-12-09          # Datum der Unterzeichnung\n";
        assert_eq!(
            set_scalar(text, "datum", "~", Some("noch offen")).unwrap(),
            "datum: ~                   # Datum der Unterzeichnung\n"
        );
    }

    #[test]
    fn anchors_aliases_and_flow_maps_are_edited_in_place() {
        let text = "alt: &alt 1\nvk:\n  vorjahr: *alt\n  planjahr: &vk 8581009 # Plan\n";
        let out = set_scalar(text, "vk.planjahr", "~", None).unwrap();
        assert!(out.contains("  planjahr: &vk ~       # Plan\n"), "{out}");
        let out = set_scalar(&out, "vk.vorjahr", "8581009", None).unwrap();
        assert!(out.contains("  vorjahr: 8581009\n"), "{out}");
        let flow = "budget: { vorjahr: 1, planjahr: 2 }   # Euro\n";
        let out = set_scalar(flow, "budget.vorjahr", "2", None).unwrap();
        let out = set_scalar(&out, "budget.planjahr", "~", Some("offen")).unwrap();
        assert_eq!(out, "budget: { vorjahr: 2, planjahr: ~ }   # Euro\n");
    }

    #[test]
    fn year_series_gets_a_new_entry() {
        let text = "jdw:\n  2018: 6012\n  2019: 5485\n# Ende\nanderes: 1\n";
        assert_eq!(
            append_entry(text, "jdw", "2020", "~", "offen").unwrap(),
            "jdw:\n  2018: 6012\n  2019: 5485\n  2020: ~   # offen\n# Ende\nanderes: 1\n"
        );
        let flow = "jdw: {2018: 6012, 2019: 5485}\n";
        assert_eq!(
            append_entry(flow, "jdw", "2020", "~", "offen").unwrap(),
            "jdw: {2018: 6012, 2019: 5485, 2020: ~}\n"
        );
    }
}
