//! Data sources beside the YAML files: official figures taken from the BA's spreadsheets
//! (xlsx, xls, xlsb, ods via calamine) and CSV files, as declared by the author.
//!
//! The source files stay as published in `data/quellen/`. A declaration — `data/quellen.yaml`,
//! or `quelldatei:` inside a data file — says which values to take and under which data key
//! they appear. From there on they are data like any other; each imported value remembers its
//! file, sheet and cell ([`Provenance`]) for `amip diff` and for messages.

pub mod archive;
pub mod biff;
pub mod csv;
pub mod decl;
pub mod error;
pub mod genesis;
pub mod grid;
pub mod select;
pub mod show;
pub mod special;
pub mod value;
pub mod xlsx;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::diagnostic::{Finding, Findings};
use crate::door::read::{Kind, Reader};
use crate::door::{limit, DoorError};
use crate::position::Sites;
use decl::{Inline, SourceDecl, Text};
use error::ImportError;
use grid::{normalize, Cell, Grid};
use select::Selector;

/// The central declaration of imports, relative to the project.
pub const SOURCES_FILE: &str = "data/quellen.yaml";
/// The key of an import declared inside a data file.
pub const INLINE_KEY: &str = "quelldatei";

/// Where an imported value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// The import's name (the key in `data/quellen.yaml`, or the data file's key path).
    pub source: String,
    /// The source file, relative to the project: `data/quellen/amr-….xlsx`.
    pub file: String,
    /// The sheet; `None` for CSV files.
    pub sheet: Option<String>,
    /// The cell: `D15`, or `Zeile 7, Spalte „Wert“` for CSV.
    pub cell: String,
    /// The cell's text as the file holds it (`2116`, `1.234,5`, `*`).
    pub raw: String,
}

impl Provenance {
    /// "data/quellen/x.xlsx, Blatt „Eckwerte“, Zelle D15".
    pub fn describe(&self) -> String {
        match &self.sheet {
            Some(sheet) => format!("{}, Blatt „{sheet}“, Zelle {}", self.file, self.cell),
            None => format!("{}, {}", self.file, self.cell),
        }
    }
}

/// An import as declared, for source lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// The source file, relative to the project.
    pub file: String,
    /// `quelle:` as declared.
    pub quelle: Option<String>,
    /// `stand:` as declared.
    pub stand: Option<String>,
}

impl SourceInfo {
    /// "Statistik der BA, Arbeitsmarktreport, Stand: September 2019", or `None` without `quelle:`.
    pub fn line(&self) -> Option<String> {
        let quelle = self.quelle.as_deref()?.trim();
        Some(match self.stand.as_deref().map(str::trim) {
            Some(stand) if !stand.is_empty() => format!("{quelle}, Stand: {stand}"),
            _ => quelle.to_string(),
        })
    }
}

/// Every imported value's origin, by data key path.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Imported {
    /// Leaf key path (`grundsicherung.arbeitslose.anzahl`, `elb.jdw.2019`) → origin.
    pub values: IndexMap<String, Provenance>,
    /// Import name → what was declared about it.
    pub sources: IndexMap<String, SourceInfo>,
    /// Data key path of each imported value (`elb.jdw`) → the declaring YAML file and the key
    /// path of its entry there (`quelldatei.werte.jdw`), where findings about it point.
    pub declared: IndexMap<String, (String, String)>,
    /// Leaf key path → a note for the source line of every table and chart showing it
    /// ("2026: Durchschnitt Januar bis September (Jahr unvollständig)").
    pub notes: IndexMap<String, String>,
}

impl Imported {
    /// The origin of the value at `path`.
    pub fn of(&self, path: &str) -> Option<&Provenance> {
        self.values.get(path)
    }

    /// The one import all leaves below `paths` come from, if there is exactly one.
    fn single_source(&self, data: &Value, paths: &[&str]) -> Option<&SourceInfo> {
        let mut leaves = Vec::new();
        for path in paths {
            let value = lookup(data, path)?;
            collect_leaves(value, path, &mut leaves);
        }
        let mut names = leaves
            .iter()
            .map(|leaf| self.of(leaf).map(|p| p.source.as_str()));
        let first = names.next()??;
        if names.all(|name| name == Some(first)) {
            self.sources.get(first)
        } else {
            None
        }
    }

    /// The source line ("Quelle: …, Stand: …") for a table or chart without `quelle:` whose
    /// values below `paths` all come from one import; `quelle` stays as it is otherwise.
    pub fn fill_source_line(&self, data: &Value, quelle: &mut Option<String>, paths: &[String]) {
        if quelle.is_none() && !self.values.is_empty() {
            let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
            *quelle = self.single_source(data, &paths).and_then(SourceInfo::line);
        }
        if self.notes.is_empty() {
            return;
        }
        let mut leaves = Vec::new();
        for path in paths {
            if let Some(value) = lookup(data, path) {
                collect_leaves(value, path, &mut leaves);
            }
        }
        let notes: indexmap::IndexSet<&str> = leaves
            .iter()
            .filter_map(|leaf| self.notes.get(leaf).map(String::as_str))
            .collect();
        if !notes.is_empty() {
            let notes = notes.into_iter().collect::<Vec<_>>().join("; ");
            *quelle = Some(match quelle.take() {
                Some(line) => format!("{line}; {notes}"),
                None => notes,
            });
        }
    }
}

fn lookup<'a>(data: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(data, |current, segment| match current {
            Value::Object(map) => map.get(segment),
            Value::Array(list) => segment.parse::<usize>().ok().and_then(|i| list.get(i)),
            _ => None,
        })
}

fn collect_leaves(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                collect_leaves(item, &format!("{path}.{key}"), out);
            }
        }
        Value::Array(list) => {
            for (index, item) in list.iter().enumerate() {
                collect_leaves(item, &format!("{path}.{index}"), out);
            }
        }
        _ => out.push(path.to_string()),
    }
}

/// What the data sources fill, one after the other: the data tree and what the later stages
/// know about it.
#[derive(Debug, Clone)]
pub struct DataSet {
    /// The data tree (top-level keys are data sets).
    pub data: Value,
    /// Key paths marked as example values.
    pub example_sets: Vec<String>,
    /// Data set key path → YAML file.
    pub data_files: IndexMap<String, String>,
    /// Text of every file read that findings may point into (relative path → text).
    pub sources: IndexMap<String, String>,
    /// The places of the values in each YAML file read (relative path → key path → place).
    pub sites: IndexMap<String, Sites>,
    /// Where each value not typed into a YAML file came from.
    pub imported: Imported,
}

impl Default for DataSet {
    fn default() -> Self {
        Self {
            data: Value::Object(Map::new()),
            example_sets: Vec::new(),
            data_files: IndexMap::new(),
            sources: IndexMap::new(),
            sites: IndexMap::new(),
            imported: Imported::default(),
        }
    }
}

/// A provider of data values: the YAML files in `data/` ([`crate::load`]) are one, the
/// spreadsheets and CSV files declared beside them ([`Spreadsheets`]) another. The loader runs
/// them in order; a later source sees what the earlier ones added.
pub(crate) trait DataSource {
    /// Reads its files under `root` and adds their values, texts and places to `into`;
    /// problems become findings, nothing panics.
    fn load(&self, root: &Reader, into: &mut DataSet, findings: &mut Findings);
}

/// The YAML reader for the two kinds of declaration (given by [`crate::load`], so that
/// declarations are read with the same options and German messages as every data file).
#[derive(Clone, Copy)]
pub struct Parsers {
    /// Reads `data/quellen.yaml`.
    pub sources: fn(&str, &str, &mut Findings) -> Option<IndexMap<String, SourceDecl>>,
    /// Reads the `quelldatei:` key of a data file.
    pub inline: fn(&str, &str, &mut Findings) -> Option<decl::InlineFile>,
}

/// Spreadsheets and CSV files declared in `data/quellen.yaml` and in `quelldatei:` keys of the
/// data files (so it runs after the YAML files).
pub struct Spreadsheets {
    /// The reader of the declarations.
    pub parsers: Parsers,
}

/// One declaration to carry out.
struct Job {
    /// Import name.
    name: String,
    decl: SourceDecl,
    /// The YAML file that declares it.
    decl_file: String,
    /// Key path the value keys are relative to (empty for `data/quellen.yaml`).
    prefix: String,
    /// The key path of the declaration in its file, for findings at its entries.
    at: String,
}

impl DataSource for Spreadsheets {
    fn load(&self, root: &Reader, into: &mut DataSet, findings: &mut Findings) {
        let mut jobs = Vec::new();
        if let Some(text) = read_declaration(root, findings) {
            let parsed = (self.parsers.sources)(SOURCES_FILE, &text, findings);
            if parsed.is_some() {
                into.sites.insert(
                    SOURCES_FILE.to_string(),
                    crate::position::collect(&text).unwrap_or_default(),
                );
            }
            into.sources.insert(SOURCES_FILE.to_string(), text);
            for (name, decl) in parsed.unwrap_or_default() {
                jobs.push(Job {
                    at: name.clone(),
                    name,
                    decl,
                    decl_file: SOURCES_FILE.to_string(),
                    prefix: String::new(),
                });
            }
        }
        for (set, file) in &into.data_files {
            let Some(Value::Object(map)) = lookup_mut(&mut into.data, set) else {
                continue;
            };
            if map.shift_remove(INLINE_KEY).is_none() {
                continue;
            }
            let Some(text) = into.sources.get(file) else {
                continue;
            };
            let parsed = (self.parsers.inline)(file, text, findings).and_then(|p| p.inline);
            let list = matches!(parsed, Some(Inline::Many(_)));
            for (index, decl) in parsed
                .map(Inline::into_vec)
                .unwrap_or_default()
                .into_iter()
                .enumerate()
            {
                jobs.push(Job {
                    name: if index == 0 {
                        set.clone()
                    } else {
                        format!("{set}#{}", index + 1)
                    },
                    decl,
                    decl_file: file.clone(),
                    prefix: set.clone(),
                    at: if list {
                        format!("{INLINE_KEY}.{index}")
                    } else {
                        INLINE_KEY.to_string()
                    },
                });
            }
        }
        let mut imported = Imported::default();
        for job in jobs {
            run(root, &job, into, &mut imported, findings);
        }
        into.imported.values.extend(imported.values);
        into.imported.sources.extend(imported.sources);
        into.imported.declared.extend(imported.declared);
        into.imported.notes.extend(imported.notes);
    }
}

fn read_declaration(root: &Reader, findings: &mut Findings) -> Option<String> {
    if root.kind(SOURCES_FILE) != Kind::File {
        return None;
    }
    match root.read_text(SOURCES_FILE, limit::TEXT_MB) {
        Ok(Ok(text)) => Some(text),
        Ok(Err(_)) => {
            findings.push(
                Finding::error(format!("{SOURCES_FILE} ist nicht in UTF-8 kodiert."))
                    .in_file(SOURCES_FILE)
                    .with_help("Speichern Sie die Datei im Editor mit der Kodierung UTF-8."),
            );
            None
        }
        Err(err) => {
            findings.push(Finding::error(err.to_string()).in_file(SOURCES_FILE));
            None
        }
    }
}

fn lookup_mut<'a>(data: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut current = data;
    for segment in path.split('.') {
        current = current.as_object_mut()?.get_mut(segment)?;
    }
    Some(current)
}

fn finding(into: &DataSet, job: &Job, key: Option<&str>, err: &ImportError) -> Finding {
    let mut finding = Finding::error(err.to_string()).in_file(&job.decl_file);
    if let Some(help) = err.help() {
        finding = finding.with_help(help);
    }
    // The key that caused it (`zeile:` of the value, `blatt:` or `kodierung:` of the source),
    // else the value key (`werte:`) or the declaration's own key (`datei:`), else the
    // declaration.
    let place = into.sites.get(&job.decl_file).and_then(|sites| {
        let at = |path: String| sites.get(&path);
        let scope: Vec<String> = key
            .map(|key| format!("{}.werte.{key}.", job.at))
            .into_iter()
            .chain(std::iter::once(format!("{}.", job.at)))
            .collect();
        let named = err
            .wanted()
            .and_then(|wanted| site_showing(sites, &scope, &wanted));
        let cause = named.or_else(|| {
            err.keys().iter().find_map(|attribute| {
                key.and_then(|key| at(format!("{}.werte.{key}.{attribute}", job.at)))
                    .or_else(|| at(format!("{}.{attribute}", job.at)))
            })
        });
        cause
            .or_else(|| {
                key.and_then(|key| {
                    at(format!("{}.werte.{key}", job.at))
                        .or_else(|| at(format!("{}.{key}", job.at)))
                })
            })
            .or_else(|| at(job.at.clone()))
    });
    match (place, into.sources.get(&job.decl_file)) {
        (Some(site), Some(text)) => finding.at(text, site.key_line, site.key_column),
        _ => finding,
    }
}

/// Warns about each year of a long series left out for lack of its `monat:` row, unless the
/// author chose `unvollstaendig: weglassen` (or `zeigen`, which keeps it with a note).
fn incomplete_years(
    into: &DataSet,
    job: &Job,
    key: &str,
    target: &str,
    file: &str,
    years: &[select::IncompleteYear],
    findings: &mut Findings,
) {
    let chosen = job
        .decl
        .werte
        .get(key)
        .is_some_and(|value| value.unvollstaendig.is_some());
    for year in years.iter().filter(|year| year.shown.is_none() && !chosen) {
        let month = job
            .decl
            .werte
            .get(key)
            .and_then(|value| value.monat.clone())
            .unwrap_or_default();
        let message = ImportError::Declaration(format!(
            "„{target}“: {file} hat für {} keine Zeile „{month}“, nur {}; {} fehlt deshalb in der Reihe.",
            year.year,
            year.months_shown(),
            year.year
        ));
        findings.push(
            finding(into, job, Some(key), &message)
                .warning()
                .with_help(format!(
                    "Schreiben Sie unvollstaendig: zeigen (der Durchschnitt der vorhandenen Monate, mit Hinweis in der Quellenangabe) oder unvollstaendig: weglassen ({} ohne diese Warnung auslassen).",
                    year.year
                )),
        );
    }
}

/// The first site below one of `scopes` (in their order) whose value is shown as `wanted`:
/// a scalar as „text“, a list of scalars as „a“ › „b“.
fn site_showing<'a>(
    sites: &'a crate::position::Sites,
    scopes: &[String],
    wanted: &str,
) -> Option<&'a crate::position::Site> {
    scopes.iter().find_map(|scope| {
        sites
            .iter()
            .filter(|(inner, _)| inner.starts_with(scope.as_str()))
            .find(|(inner, site)| {
                let (raw, _) = site.unquoted();
                let shown = if raw.is_empty() {
                    // A list: its items, in order.
                    let items: Vec<String> = (0..)
                        .map_while(|i| sites.get(&format!("{inner}.{i}")))
                        .map(|item| format!("„{}“", item.unquoted().0))
                        .collect();
                    items.join(" › ")
                } else {
                    format!("„{raw}“")
                };
                shown == wanted
            })
            .map(|(_, site)| site)
    })
}

fn run(
    root: &Reader,
    job: &Job,
    into: &mut DataSet,
    imported: &mut Imported,
    findings: &mut Findings,
) {
    let file = format!("data/{}", job.decl.datei.trim_start_matches("data/"));
    imported.sources.insert(
        job.name.clone(),
        SourceInfo {
            file: file.clone(),
            quelle: job.decl.quelle.clone(),
            stand: job.decl.stand.clone(),
        },
    );
    let mut book = match Book::open(root, &file, &job.decl) {
        Ok(book) => book,
        Err(err) => {
            findings.push(finding(into, job, Some("datei"), &err));
            return;
        }
    };
    if let (Book::Csv(_, Some(stand)), Some(info)) = (&book, imported.sources.get_mut(&job.name)) {
        info.stand.get_or_insert_with(|| stand.clone());
    }
    for (key, value_decl) in &job.decl.werte {
        let target = if job.prefix.is_empty() {
            key.clone()
        } else {
            format!("{}.{key}", job.prefix)
        };
        match take(&mut book, &file, &job.decl, value_decl) {
            Ok((sheet, (value, cells), incomplete, raws)) => {
                incomplete_years(into, job, key, &target, &file, &incomplete, findings);
                for year in incomplete.iter().filter(|year| year.shown.is_some()) {
                    imported.notes.insert(
                        format!("{target}.{}", year.year),
                        format!(
                            "{}: Durchschnitt {} (Jahr unvollständig)",
                            year.year,
                            year.months_shown()
                        ),
                    );
                }
                if let Err(message) = insert(&mut into.data, &target, value, &into.data_files) {
                    findings.push(finding(
                        into,
                        job,
                        Some(key),
                        &ImportError::Declaration(message),
                    ));
                    continue;
                }
                imported.declared.insert(
                    target.clone(),
                    (job.decl_file.clone(), format!("{}.werte.{key}", job.at)),
                );
                let mut raws = raws.into_iter();
                for (sub, cell) in cells {
                    let leaf = if sub.is_empty() {
                        target.clone()
                    } else {
                        format!("{target}.{sub}")
                    };
                    imported.values.insert(
                        leaf,
                        Provenance {
                            source: job.name.clone(),
                            file: file.clone(),
                            sheet: sheet.clone(),
                            cell,
                            raw: raws.next().unwrap_or_default(),
                        },
                    );
                }
                if job.decl.beispielwerte {
                    into.example_sets.push(target);
                }
            }
            Err(err) => findings.push(finding(into, job, Some(key), &err)),
        }
    }
}

/// What one declared value took: the sheet, the value and its cells, the years left
/// incomplete, and each cell's text as the file holds it.
type TakenFrom = (
    Option<String>,
    select::Taken,
    Vec<select::IncompleteYear>,
    Vec<String>,
);

fn take(
    book: &mut Book,
    file: &str,
    decl: &SourceDecl,
    value: &decl::ValueDecl,
) -> Result<TakenFrom, ImportError> {
    let sheet_name = value.blatt.as_deref().or(decl.blatt.as_deref());
    let (grid, sheet) = book.sheet(sheet_name)?;
    let at = match &sheet {
        Some(name) => format!("{file}, Blatt „{name}“"),
        None => file.to_string(),
    };
    let label_spec = value.beschriftung.as_ref().or(decl.beschriftung.as_ref());
    let label_cols = match label_spec {
        Some(spec) => Selector::columns_of(grid, spec)
            .map_err(|m| ImportError::Declaration(format!("{at}: {m}")))?,
        None if sheet.is_none() => (0..grid.width()).collect(),
        None => label_columns(grid),
    };
    let decimal_comma = match decl.dezimalzeichen.as_deref().map(str::trim) {
        None | Some(",") => true,
        Some(".") => false,
        Some(other) => {
            return Err(ImportError::Declaration(format!(
                "dezimalzeichen: „{other}“ ist nicht erlaubt (erlaubt: \",\" oder \".\")"
            )))
        }
    };
    let selector = Selector {
        grid,
        at,
        label_cols,
        decimal_comma,
        raw: std::cell::RefCell::default(),
    };
    let (taken, incomplete) = selector.take(value)?;
    Ok((sheet, taken, incomplete, selector.raw.take()))
}

/// Puts an imported value at `path`; a key the YAML already holds is an error (a number is
/// typed once).
fn insert(
    data: &mut Value,
    path: &str,
    value: Value,
    files: &IndexMap<String, String>,
) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').collect();
    let Some((last, parents)) = parts.split_last() else {
        return Err("leerer Datenschlüssel".to_string());
    };
    let mut current = data;
    for (index, part) in parents.iter().enumerate() {
        let map = current.as_object_mut().ok_or_else(|| {
            format!(
                "„{}“ ist keine Zuordnung, „{path}“ kann dort nicht stehen",
                parents.get(..index).unwrap_or_default().join(".")
            )
        })?;
        current = map
            .entry((*part).to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    let map = current.as_object_mut().ok_or_else(|| {
        format!(
            "„{}“ ist keine Zuordnung, „{path}“ kann dort nicht stehen",
            parents.join(".")
        )
    })?;
    if map.contains_key(*last) {
        let file = files
            .iter()
            .filter(|(set, _)| path.starts_with(&format!("{set}.")))
            .max_by_key(|(set, _)| set.len())
            .map_or_else(|| "den Daten".to_string(), |(_, file)| file.clone());
        return Err(format!(
            "„{path}“ steht schon in {file}. Jeder Wert wird nur einmal eingetragen: löschen Sie ihn dort, wenn er aus der Quelldatei kommen soll."
        ));
    }
    map.insert((*last).to_string(), value);
    Ok(())
}

/// The bytes of a source file, through the door: only regular files inside the project, at
/// most [`limit::SOURCE_MB`]; a refused file's contents never reach a message.
fn read_source(root: &Reader, file: &str) -> Result<Vec<u8>, ImportError> {
    root.read(file, limit::SOURCE_MB).map_err(|err| match err {
        DoorError::TooLarge {
            size_mb, limit_mb, ..
        } => ImportError::TooLarge {
            file: file.to_string(),
            size: size_mb,
            limit: limit_mb,
        },
        DoorError::Missing { .. } => ImportError::Unreadable {
            file: file.to_string(),
            reason: "die Datei fehlt".to_string(),
        },
        DoorError::Io { reason, .. } => ImportError::Unreadable {
            file: file.to_string(),
            reason,
        },
        other => ImportError::Refused {
            file: file.to_string(),
            reason: other.to_string(),
        },
    })
}

/// The label columns of a sheet without `beschriftung:`: `A` and `B`, and every column left
/// of where the numbers start in most rows (BA booklets: keys in `C`, names in `D`).
pub fn label_columns(grid: &Grid) -> Vec<usize> {
    let mut starts: IndexMap<usize, usize> = IndexMap::new();
    for row in &grid.rows {
        if let Some(col) = row.iter().position(|cell| matches!(cell, Cell::Number(_))) {
            *starts.entry(col).or_default() += 1;
        }
    }
    let first_numeric = starts
        .iter()
        .max_by_key(|(col, count)| (**count, std::cmp::Reverse(**col)))
        .map_or(2, |(col, _)| *col);
    (0..first_numeric.max(2)).collect()
}

/// An opened source file: sheets read on first use; a CSV file with the `Stand:` of a GENESIS
/// export.
enum Book {
    Sheets(Box<xlsx::Workbook>),
    Csv(Grid, Option<String>),
}

impl Book {
    fn open(root: &Reader, file: &str, decl: &SourceDecl) -> Result<Self, ImportError> {
        let lower = file.to_lowercase();
        let is_csv = lower.ends_with(".csv") || lower.ends_with(".txt");
        if !is_csv {
            // The format is checked before the file is read.
            xlsx::Format::of(file)?;
        }
        let bytes = read_source(root, file)?;
        if is_csv {
            let encoding = csv::Encoding::parse(decl.kodierung.as_deref())?;
            let mut grid = csv::read(&bytes, file, encoding, decl.trennzeichen.as_deref())?;
            let stand = genesis::reshape(&mut grid).and_then(|g| g.stand);
            apply_filter(&mut grid, file, &decl.filter)?;
            Ok(Book::Csv(grid, stand))
        } else {
            let mut book = xlsx::Workbook::open(bytes, file)?;
            book.filter = decl.filter.clone();
            Ok(Book::Sheets(Box::new(book)))
        }
    }

    fn sheet(&mut self, name: Option<&str>) -> Result<(&Grid, Option<String>), ImportError> {
        match self {
            Book::Csv(grid, _) => Ok((grid, None)),
            Book::Sheets(book) => book.sheet(name).map(|(grid, name)| (grid, Some(name))),
        }
    }
}

/// Keeps only the data rows whose filter columns hold the filter values; rows above the
/// data and the header itself stay. Removed rows become empty, so cell names stay true.
/// Columns are named by a header text, or by letter or 1-based number where the file has no
/// header (GENESIS exports: `B: "13076"`).
pub fn apply_filter(
    grid: &mut Grid,
    at: &str,
    filter: &IndexMap<String, Text>,
) -> Result<(), ImportError> {
    if filter.is_empty() {
        return Ok(());
    }
    let (columns, first_data) = filter_columns(grid, at, filter)?;
    let mut kept = 0;
    for row in grid.rows.iter_mut().skip(first_data) {
        let keep = columns
            .iter()
            .all(|(col, value)| same_text(row.get(*col).unwrap_or(&Cell::Empty), value));
        if keep {
            kept += 1;
        } else {
            row.clear();
        }
    }
    grid.index();
    if kept == 0 {
        let shown: Vec<String> = filter
            .iter()
            .map(|(k, v)| format!("{k} = {}", v.as_text()))
            .collect();
        return Err(ImportError::LabelMissing {
            at: at.to_string(),
            label: format!("für den Filter {}", shown.join(", ")),
            closest: String::new(),
        });
    }
    Ok(())
}

/// Whether a cell holds the wanted text: compared as text (`01001` is not `1001`); a value
/// written as a number in YAML (`3504`) also matches the same number written otherwise.
pub fn same_text(cell: &Cell, wanted: &Text) -> bool {
    let text = cell.label().unwrap_or_default();
    let text = text.trim();
    let value = wanted.as_text();
    normalize(text) == normalize(&value)
        || matches!(wanted, Text::Int(_) | Text::Float(_))
            && matches!((value::parse_number(text, true), value::parse_number(&value, true)), (Some(a), Some(b)) if a == b)
}

/// The filter's columns and the first row it applies to: for columns by letter or number
/// (all of them within the sheet), from the first data row on (the first row
/// where every filter column is filled and another cell holds a number); otherwise below the
/// header row that names them all.
fn filter_columns(
    grid: &Grid,
    at: &str,
    filter: &IndexMap<String, Text>,
) -> Result<(Vec<(usize, Text)>, usize), ImportError> {
    let wanted: Vec<String> = filter.keys().map(|k| normalize(k)).collect();
    let width = grid.width();
    let positional = filter
        .keys()
        .all(|key| grid::parse_column_or_number(key, width).is_some_and(|col| col < width));
    let header = (0..grid.rows.len()).filter(|_| !positional).find(|row| {
        wanted
            .iter()
            .all(|column| (0..width).any(|col| grid.norm(*row, col) == Some(column.as_str())))
    });
    if let Some(header) = header {
        let columns = wanted
            .iter()
            .zip(filter.values())
            .filter_map(|(column, value)| {
                (0..width)
                    .find(|col| grid.norm(header, *col) == Some(column.as_str()))
                    .map(|col| (col, value.clone()))
            })
            .collect();
        return Ok((columns, header + 1));
    }
    let mut columns = Vec::new();
    for (key, value) in filter {
        let Some(col) = grid::parse_column_or_number(key, width) else {
            return Err(filter_column_missing(grid, at, key));
        };
        columns.push((col, value.clone()));
    }
    let numeric = |cell: &Cell| match cell {
        Cell::Number(_) => true,
        Cell::Text(text) => value::parse_number(text, true).is_some(),
        Cell::Empty | Cell::Formula(_) => false,
    };
    let first_data = (0..grid.rows.len())
        .find(|row| {
            columns
                .iter()
                .all(|(col, _)| grid.norm(*row, *col).is_some())
                && grid.rows.get(*row).is_some_and(|cells| {
                    cells
                        .iter()
                        .enumerate()
                        .any(|(col, cell)| !columns.iter().any(|(c, _)| *c == col) && numeric(cell))
                })
        })
        .unwrap_or(0);
    Ok((columns, first_data))
}

fn filter_column_missing(grid: &Grid, at: &str, column: &str) -> ImportError {
    let headers = grid
        .rows
        .first()
        .map(|r| r.iter().filter_map(Cell::label).collect::<Vec<_>>())
        .unwrap_or_default();
    let near = grid::closest(column, headers, 3);
    ImportError::ColumnMissing {
        at: at.to_string(),
        header: format!("„{column}“ (filter:)"),
        row: "1".to_string(),
        closest: if near.is_empty() {
            String::new()
        } else {
            format!(
                "; ähnlich: {}",
                near.iter()
                    .map(|n| format!("„{n}“"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_imported_key_that_yaml_holds_is_refused() {
        let mut data = serde_json::json!({"g": {"a": 1}});
        let files: IndexMap<String, String> = [("g".to_string(), "data/g.yaml".to_string())]
            .into_iter()
            .collect();
        let err = insert(&mut data, "g.a", Value::from(2), &files).unwrap_err();
        assert!(err.contains("data/g.yaml"), "{err}");
        insert(&mut data, "g.b.c", Value::from(3), &files).unwrap();
        assert_eq!(data["g"]["b"]["c"], Value::from(3));
    }
}
