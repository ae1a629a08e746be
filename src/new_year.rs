//! `amip new-year`: next year's draft from this year's programme.
//!
//! The year goes up by one, the status becomes `draft`, the signature date is cleared, and the
//! rollover rules in `programm.yaml` (`fortschreibung:`) move this year's values into the
//! previous-year fields and leave the new values pending, so that `amip check --final` lists
//! everything that still has to be filled in. Each value is rewritten at the place the YAML
//! parser reported for it when the project was loaded (`crate::position`); everything else
//! in the file — the authors' comments, anchors and layout — stays as it was.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde_json::Value;

use crate::data;
use crate::door::read::{self, Entry, Reader};
use crate::door::write::Writer;
use crate::door::{limit, DoorError};
use crate::load::PROGRAMME_FILE;
use crate::model::Project;
use crate::position::{join, Kind, Sites, Written};

/// What went wrong, in German.
#[derive(Debug, thiserror::Error)]
pub enum NewYearError {
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
    /// The door refused or the file system failed (target inside a project, a link, the disk).
    #[error(transparent)]
    Door(#[from] DoorError),
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

/// One change of a file's text: bytes `start..end` become `text` (an insertion when empty).
#[derive(Debug, Clone, PartialEq)]
struct Edit {
    start: usize,
    end: usize,
    text: String,
    /// The key path changed, for messages.
    path: String,
}

/// Applies `edits`, all computed on `text` from its places, in one pass; two different changes
/// of one place are an error.
fn apply(text: &str, mut edits: Vec<Edit>) -> Result<String, String> {
    edits.sort_by_key(|edit| (edit.start, edit.end));
    edits.dedup();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in &edits {
        let kept = text
            .get(at..edit.start)
            .ok_or_else(|| format!("„{}“ wird von zwei Regeln geändert", edit.path))?;
        out.push_str(kept);
        out.push_str(&edit.text);
        at = edit.end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    Ok(out)
}

/// Replaces the scalar value at `path` in YAML `text`, keeping anchors (`&vk`), comments,
/// alignment and flow style; an alias (`*vk`) is replaced by the value. A `note` is added as a
/// comment when the line has none yet.
fn set_scalar(
    text: &str,
    sites: &Sites,
    path: &str,
    value: &str,
    note: Option<&str>,
) -> Result<Edit, String> {
    let site = sites
        .get(path)
        .ok_or_else(|| format!("„{path}“ wurde in der Datei nicht gefunden"))?;
    if site.is_collection() && site.written != Written::Alias {
        return Err(format!(
            "„{path}“ ist kein einfacher Wert, sondern eine Liste oder Zuordnung; tragen Sie ihn von Hand ein"
        ));
    }
    if site.written == Written::Shared {
        return Err(format!(
            "„{path}“ steht nur beim Anker (&) der Zuordnung, auf die hier verwiesen wird; tragen Sie den Wert von Hand ein"
        ));
    }
    let (Some(old), Some(rest)) = (text.get(site.start..site.end), text.get(site.end..)) else {
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
    Ok(Edit {
        start: site.start,
        end: site.end,
        text: replacement,
        path: path.to_string(),
    })
}

/// Inserts `key: value` as the last entry of the map at `path` (a year series), in the map's
/// own style: a new line for a block map, `, key: value` before the `}` of a flow map.
fn append_entry(
    text: &str,
    sites: &Sites,
    path: &str,
    key: &str,
    value: &str,
    note: &str,
) -> Result<Edit, String> {
    let site = sites
        .get(path)
        .filter(|site| site.kind == Kind::Map && site.written == Written::Here)
        .ok_or_else(|| {
            format!("„{path}“ wurde in der Datei nicht gefunden oder ist keine Zuordnung")
        })?;
    let insert = |at: usize, text: String| Edit {
        start: at,
        end: at,
        text,
        path: join(path, key),
    };
    if site.is_flow_map() {
        let inner = text.get(site.start..site.end).unwrap_or("");
        let close = site.start + inner.rfind('}').unwrap_or(inner.len());
        let trimmed = text.get(site.start..close).unwrap_or("").trim_end();
        let separator = if trimmed.ends_with('{') || trimmed.ends_with(',') {
            " "
        } else {
            ", "
        };
        return Ok(insert(
            site.start + trimmed.len(),
            format!("{separator}{key}: {value}"),
        ));
    }
    // The new line goes after the map's last line, indented like its first.
    let line_start = text
        .get(..site.start)
        .and_then(|head| head.rfind('\n'))
        .map_or(0, |at| at + 1);
    let child_indent = text
        .get(line_start..)
        .map(|line| line.len() - line.trim_start_matches(' ').len())
        .unwrap_or(0);
    let last = site.end.saturating_sub(1).max(site.start);
    let after = text.as_bytes().get(last..).unwrap_or_default();
    let (at, newline) = match after.iter().position(|byte| *byte == b'\n') {
        Some(offset) => (last + offset + 1, ""),
        None => (text.len(), "\n"),
    };
    Ok(insert(
        at,
        format!(
            "{newline}{}{key}: {value}   # {note}\n",
            " ".repeat(child_indent)
        ),
    ))
}

/// The comment written after a value that becomes pending, when its line has no comment.
const PENDING_NOTE: &str = "derzeit in Abstimmung";
/// The highest programme year amip rolls over into (dates have four-digit years).
/// The last year a programme may be for; the year after it cannot be written.
const LAST_YEAR: i32 = crate::load::YEAR_MAX;

/// The changes planned so far: edits by file, all on the texts and places as loaded.
struct Plan<'p> {
    project: &'p Project,
    edits: IndexMap<String, Vec<Edit>>,
    changes: Vec<Change>,
}

impl<'p> Plan<'p> {
    /// The text and places of `file` as loaded.
    fn file(&self, file: &str) -> (&'p str, Option<&'p Sites>) {
        (
            self.project.sources.get(file).map_or("", String::as_str),
            self.project.sites.get(file),
        )
    }

    fn edit(
        &mut self,
        file: &str,
        make: impl FnOnce(&str, &Sites) -> Result<Edit, String>,
    ) -> Result<(), NewYearError> {
        let (text, sites) = self.file(file);
        let edit = sites
            .ok_or_else(|| "die Datei wurde nicht gelesen".to_string())
            .and_then(|sites| make(text, sites))
            .map_err(|e| NewYearError::Rule(format!("{file}: {e}")))?;
        self.edits.entry(file.to_string()).or_default().push(edit);
        Ok(())
    }

    fn change(&mut self, file: &str, path: String, what: String) {
        self.changes.push(Change {
            file: file.into(),
            path,
            what,
        });
    }

    /// The year, the status and the signature date in `programm.yaml`.
    fn programme(&mut self) -> Result<(), NewYearError> {
        let programme = &self.project.programme;
        let next = programme
            .jahr
            .checked_add(1)
            .filter(|next| (1..=LAST_YEAR).contains(next))
            .ok_or(NewYearError::Year(programme.jahr))?;
        let file = PROGRAMME_FILE;
        self.edit(file, |t, s| {
            set_scalar(t, s, "jahr", &next.to_string(), None)
        })?;
        self.change(file, "jahr".into(), format!("{} → {next}", programme.jahr));
        let (text, sites) = self.file(file);
        let has = |key: &str| sites.is_some_and(|sites| sites.contains_key(key));
        if has("status") {
            self.edit(file, |t, s| set_scalar(t, s, "status", "draft", None))?;
        } else {
            let newline = if !text.is_empty() && !text.ends_with('\n') {
                "\n"
            } else {
                ""
            };
            self.edit(file, |t, _| {
                Ok(Edit {
                    start: t.len(),
                    end: t.len(),
                    text: format!("{newline}status: draft\n"),
                    path: "status".into(),
                })
            })?;
        }
        self.change(file, "status".into(), "draft (Entwurf)".into());
        if has("datum") {
            let note = Some("Datum der Unterzeichnung, noch offen");
            self.edit(file, |t, s| set_scalar(t, s, "datum", "~", note))?;
            self.change(file, "datum".into(), "geleert".into());
        }
        Ok(())
    }

    /// `daten:`/`vorjahr:`: below `base`, each map's `from_field` moves into `vorjahr`.
    fn previous_year(&mut self, base: &str, from_field: &str) -> Result<(), NewYearError> {
        let project = self.project;
        let root =
            data::lookup(&project.data, base).map_err(|e| NewYearError::Rule(e.to_string()))?;
        let mut maps = Vec::new();
        collect_maps(root, base, "vorjahr", from_field, &mut maps);
        for (map_path, new_previous) in maps {
            let (file, inner) = project
                .file_of(&map_path)
                .ok_or_else(|| NewYearError::Rule(format!("keine Datendatei für „{map_path}“")))?;
            let current_path = join(inner, from_field);
            let Some(new_previous) = new_previous else {
                // Rolling over again would overwrite the previous year with nothing.
                let line = self
                    .file(file)
                    .1
                    .and_then(|sites| sites.get(&current_path))
                    .map(|site| site.line);
                return Err(NewYearError::StillPending {
                    open: join(&map_path, from_field),
                    kept: join(&map_path, "vorjahr"),
                    file: line.map_or_else(|| file.to_string(), |l| format!("{file}:{l}")),
                });
            };
            let previous_path = join(inner, "vorjahr");
            self.edit(file, |t, s| {
                set_scalar(t, s, &previous_path, &new_previous, None)
            })?;
            self.edit(file, |t, s| {
                set_scalar(t, s, &current_path, "~", Some(PENDING_NOTE))
            })?;
            self.change(
                file,
                join(&map_path, "vorjahr"),
                format!("← bisher {from_field} ({new_previous})"),
            );
            self.change(
                file,
                join(&map_path, from_field),
                "offen (derzeit in Abstimmung)".into(),
            );
        }
        Ok(())
    }

    /// `jahresreihe:`: the series gets this year as a pending value.
    fn series(&mut self, series: &str) -> Result<(), NewYearError> {
        let project = self.project;
        let map =
            data::lookup(&project.data, series).map_err(|e| NewYearError::Rule(e.to_string()))?;
        let new_year = project.programme.jahr.to_string();
        if map.get(&new_year).is_some() {
            return Ok(());
        }
        let prefix = format!("{series}.");
        if let Some(origin) = project
            .imported
            .values
            .iter()
            .find(|(path, _)| path.starts_with(&prefix))
            .map(|(_, origin)| origin)
        {
            // An imported series grows with the next edition of its source file.
            self.change(
                &origin.file,
                join(series, &new_year),
                "kommt aus der Quelldatei: die neue Ausgabe in data/quellen/ ablegen und datei:/stand: anpassen".into(),
            );
            return Ok(());
        }
        let (file, inner) = project
            .file_of(series)
            .ok_or_else(|| NewYearError::Rule(format!("keine Datendatei für „{series}“")))?;
        self.edit(file, |t, s| {
            append_entry(t, s, inner, &new_year, "~", PENDING_NOTE)
        })?;
        self.change(
            file,
            join(series, &new_year),
            "neu, offen (derzeit in Abstimmung)".into(),
        );
        Ok(())
    }
}

/// Computes the edited files (relative path → new text) and the list of changes.
pub fn plan(project: &Project) -> Result<(IndexMap<String, String>, Vec<Change>), NewYearError> {
    let mut plan = Plan {
        project,
        edits: IndexMap::new(),
        changes: Vec::new(),
    };
    plan.programme()?;
    for rule in &project.programme.fortschreibung {
        match (&rule.daten, &rule.vorjahr, &rule.jahresreihe) {
            (Some(base), Some(from_field), None) => plan.previous_year(base, from_field)?,
            (None, None, Some(series)) => plan.series(series)?,
            _ => {
                return Err(NewYearError::Rule(
                    "jede Regel hat entweder daten: und vorjahr: oder jahresreihe:".into(),
                ))
            }
        }
    }
    let mut files = IndexMap::new();
    for (file, edits) in plan.edits {
        let text = plan.project.sources.get(&file).map_or("", String::as_str);
        let edited = apply(text, edits).map_err(|e| NewYearError::Rule(format!("{file}: {e}")))?;
        files.insert(file, edited);
    }
    Ok((files, plan.changes))
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

/// Copies the folders of the project into the new target: files as they are, never through
/// a folder link (a link or FIFO is left out and named in the summary), never into itself
/// (the target lies outside every project, see [`Writer::create_target`]).
fn copy_project(
    reader: &Reader,
    writer: &Writer,
    changes: &mut Vec<Change>,
) -> Result<(), NewYearError> {
    for folder in ["content", "data", "templates"] {
        if reader.kind(folder) != read::Kind::Folder {
            continue;
        }
        writer.create_folder(folder)?;
        for entry in reader.walk(folder, usize::MAX) {
            match entry {
                Entry::Folder(rel) => writer.create_folder(&rel)?,
                Entry::File(rel) => writer.create(&rel, &reader.read(&rel, COPY_LIMIT_MB)?)?,
                Entry::Refused(rel, err) => changes.push(Change {
                    file: rel,
                    path: String::new(),
                    what: format!("nicht kopiert: {err}"),
                }),
            }
        }
    }
    if reader.kind(".gitignore") == read::Kind::File {
        writer.create(".gitignore", &reader.read(".gitignore", 1)?)?;
    }
    Ok(())
}

/// Largest file copied into next year's draft (images included).
const COPY_LIMIT_MB: u64 = limit::IMAGE_MB;

/// Writes next year's draft into `target` (a new or empty folder outside every amip project),
/// or into the project itself when `target` is `None`; each rewritten file is replaced
/// atomically, so a full disk leaves it as it was. Returns the folder and the changes.
pub fn run(
    project: &Project,
    target: Option<&Path>,
) -> Result<(PathBuf, Vec<Change>), NewYearError> {
    let (files, mut changes) = plan(project)?;
    let writer = match target {
        None => Writer::open(&project.root)?,
        Some(target) => {
            let reader = Reader::open(&project.root)?;
            let writer = Writer::create_target(target)?;
            copy_project(&reader, &writer, &mut changes)?;
            writer
        }
    };
    for (rel, text) in &files {
        writer.replace(rel, text.as_bytes())?;
    }
    Ok((writer.root().to_path_buf(), changes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str, path: &str, value: &str, note: Option<&str>) -> Result<String, String> {
        let sites = crate::position::collect(text).map_err(|e| e.to_string())?;
        set_scalar(text, &sites, path, value, note).and_then(|edit| apply(text, vec![edit]))
    }

    fn append(
        text: &str,
        path: &str,
        key: &str,
        value: &str,
        note: &str,
    ) -> Result<String, String> {
        let sites = crate::position::collect(text).map_err(|e| e.to_string())?;
        append_entry(text, &sites, path, key, value, note).and_then(|edit| apply(text, vec![edit]))
    }

    #[test]
    fn scalar_is_replaced_keeping_comment_and_indent() {
        let text = "a:\n  vorjahr: 1   # alt\n  planjahr: 2\n";
        assert_eq!(
            set(text, "a.vorjahr", "2", Some("neu")).unwrap(),
            "a:\n  vorjahr: 2   # alt\n  planjahr: 2\n"
        );
        assert_eq!(
            set(text, "a.planjahr", "~", Some("offen")).unwrap(),
            "a:\n  vorjahr: 1   # alt\n  planjahr: ~   # offen\n"
        );
        assert!(set(text, "a.fehlt", "1", None).is_err());
        assert!(set(text, "a", "1", None)
            .unwrap_err()
            .contains("kein einfacher Wert"));
    }

    #[test]
    fn a_comment_stays_once_and_in_its_column() {
        let text = "datum: 2019-12-09          # Datum der Unterzeichnung\n";
        assert_eq!(
            set(text, "datum", "~", Some("noch offen")).unwrap(),
            "datum: ~                   # Datum der Unterzeichnung\n"
        );
    }

    #[test]
    fn anchors_aliases_and_flow_maps_are_edited_in_place() {
        let text = "alt: &alt 1\nvk:\n  vorjahr: *alt\n  planjahr: &vk 8581009 # Plan\n";
        let out = set(text, "vk.planjahr", "~", None).unwrap();
        assert!(out.contains("  planjahr: &vk ~       # Plan\n"), "{out}");
        let out = set(&out, "vk.vorjahr", "8581009", None).unwrap();
        assert!(out.contains("  vorjahr: 8581009\n"), "{out}");
        let flow = "budget: { vorjahr: 1, planjahr: 2 }   # Euro\n";
        let out = set(flow, "budget.vorjahr", "2", None).unwrap();
        let out = set(&out, "budget.planjahr", "~", Some("offen")).unwrap();
        assert_eq!(out, "budget: { vorjahr: 2, planjahr: ~ }   # Euro\n");
    }

    #[test]
    fn year_series_gets_a_new_entry() {
        let text = "jdw:\n  2018: 6012\n  2019: 5485\n# Ende\nanderes: 1\n";
        assert_eq!(
            append(text, "jdw", "2020", "~", "offen").unwrap(),
            "jdw:\n  2018: 6012\n  2019: 5485\n  2020: ~   # offen\n# Ende\nanderes: 1\n"
        );
        let flow = "jdw: {2018: 6012, 2019: 5485}\n";
        assert_eq!(
            append(flow, "jdw", "2020", "~", "offen").unwrap(),
            "jdw: {2018: 6012, 2019: 5485, 2020: ~}\n"
        );
    }

    #[test]
    fn edits_of_one_line_are_made_in_one_pass_from_the_places_as_loaded() {
        let text =
            "budget: { vorjahr: 1, planjahr: 2 }   # Euro\njdw:\n  2018: 1   # alt\nkopie: *x\n";
        let text = format!("x: &x 5\n{text}");
        let sites = crate::position::collect(&text).unwrap();
        let edits = vec![
            set_scalar(&text, &sites, "budget.planjahr", "~", Some("offen")).unwrap(),
            append_entry(&text, &sites, "jdw", "2019", "~", "offen").unwrap(),
            set_scalar(&text, &sites, "budget.vorjahr", "2", None).unwrap(),
            set_scalar(&text, &sites, "kopie", "5", None).unwrap(),
        ];
        assert_eq!(
            apply(&text, edits).unwrap(),
            "x: &x 5\nbudget: { vorjahr: 2, planjahr: ~ }   # Euro\njdw:\n  2018: 1   # alt\n  2019: ~   # offen\nkopie: 5\n"
        );
        let twice = vec![
            set_scalar(&text, &sites, "budget.vorjahr", "2", None).unwrap(),
            set_scalar(&text, &sites, "budget.vorjahr", "3", None).unwrap(),
        ];
        assert!(apply(&text, twice).unwrap_err().contains("zwei Regeln"));
    }

    #[test]
    fn values_shared_through_an_anchor_are_not_edited_here() {
        let text = "basis: &b\n  vorjahr: 1\nkopie: *b\nreihe: *b\n";
        let sites = crate::position::collect(text).unwrap();
        let err = set_scalar(text, &sites, "kopie.vorjahr", "2", None).unwrap_err();
        assert!(err.contains("Anker"), "{err}");
        assert!(append_entry(text, &sites, "reihe", "2020", "~", "offen").is_err());
    }
}
