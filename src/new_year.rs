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

/// Replaces the scalar value at `path` in YAML `text`, keeping indentation and comments.
pub fn set_scalar(text: &str, path: &str, value: &str) -> Result<String, String> {
    let (line_number, _) = data::locate(text, path)
        .ok_or_else(|| format!("„{path}“ wurde in der Datei nicht gefunden"))?;
    let key = path.rsplit('.').next().unwrap_or(path);
    let mut out = String::with_capacity(text.len() + 16);
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if index + 1 != line_number {
            out.push_str(line);
            continue;
        }
        let ending = if line.ends_with('\n') { "\n" } else { "" };
        let body = line.trim_end_matches(['\n', '\r']);
        let key_at = body
            .find(&format!("{key}:"))
            .ok_or_else(|| format!("„{path}“ steht nicht als „{key}: Wert“ in einer Zeile"))?;
        let (head, rest) = body.split_at(key_at + key.len() + 1);
        // The comment keeps the spaces that align it.
        let comment = rest
            .find(" #")
            .and_then(|at| rest.get(rest.get(..at).map_or(at, |v| v.trim_end().len())..))
            .unwrap_or("");
        let old = rest.trim_start().trim_end_matches(comment).trim();
        if old.is_empty() || old.starts_with(['&', '*', '{', '[', '|', '>']) {
            return Err(format!(
                "„{path}“ ist kein einfacher Wert in einer Zeile ({old}); tragen Sie ihn von Hand ein"
            ));
        }
        out.push_str(&format!("{head} {value}{comment}{ending}"));
    }
    Ok(out)
}

/// Inserts `key: value` as the last entry of the map at `path` (a year series).
fn append_entry(text: &str, path: &str, key: &str, value: &str) -> Result<String, String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let (map_line, map_column) = data::locate(text, path)
        .ok_or_else(|| format!("„{path}“ wurde in der Datei nicht gefunden"))?;
    let map_indent = map_column.saturating_sub(1);
    let mut last_child = None;
    let mut child_indent = None;
    for (index, line) in lines.iter().enumerate().skip(map_line) {
        let trimmed = line.trim_start();
        if trimmed.trim().is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        if indent <= map_indent {
            break;
        }
        child_indent.get_or_insert(indent);
        last_child = Some(index);
    }
    let (Some(last), Some(indent)) = (last_child, child_indent) else {
        return Err(format!("„{path}“ ist keine Zuordnung über mehrere Zeilen"));
    };
    let mut out = String::new();
    for (index, line) in lines.iter().enumerate() {
        out.push_str(line);
        if index == last {
            if !line.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&format!("{}{key}: {value}\n", " ".repeat(indent)));
        }
    }
    Ok(out)
}

const PENDING_VALUE: &str = "~   # derzeit in Abstimmung";

/// Computes the edited files (relative path → new text) and the list of changes.
pub fn plan(project: &Project) -> Result<(IndexMap<String, String>, Vec<Change>), NewYearError> {
    let mut files: IndexMap<String, String> = IndexMap::new();
    let mut changes = Vec::new();
    let programme = &project.programme;
    let next = programme.jahr + 1;
    let mut text = project
        .sources
        .get(PROGRAMME_FILE)
        .cloned()
        .unwrap_or_default();
    let rule = |e: String| NewYearError::Rule(e);
    text = set_scalar(&text, "jahr", &next.to_string()).map_err(rule)?;
    changes.push(Change {
        file: PROGRAMME_FILE.into(),
        path: "jahr".into(),
        what: format!("{} → {next}", programme.jahr),
    });
    if data::locate(&text, "status").is_some() {
        text = set_scalar(&text, "status", "draft").map_err(rule)?;
    } else {
        text.push_str("status: draft\n");
    }
    changes.push(Change {
        file: PROGRAMME_FILE.into(),
        path: "status".into(),
        what: "draft (Entwurf)".into(),
    });
    if data::locate(&text, "datum").is_some() {
        text = set_scalar(&text, "datum", "~   # Datum der Unterzeichnung, noch offen")
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
                    let text = current_text(&files, project, file);
                    let previous_path = join(inner, "vorjahr");
                    let current_path = join(inner, from_field);
                    let text = set_scalar(&text, &previous_path, &new_previous)
                        .and_then(|t| set_scalar(&t, &current_path, PENDING_VALUE))
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
                    let text = append_entry(&text, inner, &new_year, PENDING_VALUE)
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

/// Maps below `value` that have both fields; returns (path, text of the value to move).
fn collect_maps(
    value: &Value,
    path: &str,
    previous: &str,
    current: &str,
    out: &mut Vec<(String, String)>,
) {
    if let Value::Object(map) = value {
        if let (Some(_), Some(now)) = (map.get(previous), map.get(current)) {
            let text = match now {
                Value::Null => "~".to_string(),
                Value::String(s) => format!("\"{s}\""),
                other => other.to_string(),
            };
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
            set_scalar(text, "a.vorjahr", "2").unwrap(),
            "a:\n  vorjahr: 2   # alt\n  planjahr: 2\n"
        );
        assert_eq!(
            set_scalar(text, "a.planjahr", "~").unwrap(),
            "a:\n  vorjahr: 1   # alt\n  planjahr: ~\n"
        );
        assert!(set_scalar("a: &x 5\n", "a", "1")
            .unwrap_err()
            .contains("kein einfacher Wert"));
        assert!(set_scalar(text, "a.fehlt", "1").is_err());
    }

    #[test]
    fn year_series_gets_a_new_entry() {
        let text = "jdw:\n  2018: 6012\n  2019: 5485\n# Ende\nanderes: 1\n";
        assert_eq!(
            append_entry(text, "jdw", "2020", "~").unwrap(),
            "jdw:\n  2018: 6012\n  2019: 5485\n  2020: ~\n# Ende\nanderes: 1\n"
        );
    }
}
