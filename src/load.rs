//! Loading: reads `data/`, `content/` and `templates/` once into the typed [`Project`].
//!
//! This is the only stage that reads the project's sources; every later stage works on the
//! returned model. Directory walks are sorted by file name so that the same sources always give
//! the same model. All problems are collected, not just the first.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::diagnostic::{Finding, Findings};
use crate::door::limit;
use crate::door::read::{Entry, Kind, Reader};
use crate::model::{Chapter, ChartDecl, CheckDecl, FrontMatter, Programme, Project, TableDecl};
use crate::position::Sites;
use crate::sources::{DataSet, DataSource, Parsers, Spreadsheets};

/// The programme's metadata file, relative to the project.
pub const PROGRAMME_FILE: &str = "data/programm.yaml";
/// Chart declarations, relative to the project.
pub const CHARTS_FILE: &str = "data/abbildungen.yaml";
/// Table declarations, relative to the project.
pub const TABLES_FILE: &str = "data/tabellen.yaml";
/// Consistency checks, relative to the project.
pub const CHECKS_FILE: &str = "data/pruefungen.yaml";

/// Finds the project folder: `dir` itself when it holds `data/programm.yaml`.
pub fn find_project(dir: &Path) -> Result<PathBuf, Findings> {
    let found = Reader::open(dir).is_ok_and(|project| project.kind(PROGRAMME_FILE) == Kind::File);
    if found {
        Ok(dir.to_path_buf())
    } else {
        Err(Findings(vec![Finding::error(format!(
            "Im Ordner „{}“ liegt kein amip-Projekt: {PROGRAMME_FILE} fehlt.",
            dir.display()
        ))
        .with_help(
            "Wechseln Sie in den Projektordner oder geben Sie ihn mit --project ORDNER an.",
        )]))
    }
}

/// Reads and validates the whole project.
pub fn load(root: &Path) -> Result<Project, Findings> {
    let project =
        Reader::open(root).map_err(|err| Findings(vec![Finding::error(err.to_string())]))?;
    let root = &project;
    // The data (YAML and spreadsheets) and the other files are independent: read them side by
    // side; their findings are kept in the same order as when read one after the other.
    let ((programme, set, charts, tables, checks, mut findings), (files, file_findings)) =
        rayon::join(
            || load_data(root),
            || {
                let mut findings = Findings::default();
                let chapters = load_chapters(root, &mut findings);
                let templates = load_templates(root, &mut findings);
                let images = load_images(root, &mut findings);
                (
                    (chapters, templates, images, unused_content(root)),
                    findings,
                )
            },
        );
    findings.extend(file_findings);
    let (chapters, templates, images, unused_files) = files;
    let images = clean_svgs(images, &mut findings);

    if let Some(programme) = &programme {
        check_programme(programme, &set, &mut findings);
    }

    match programme {
        Some(programme) if !findings.has_errors() => Ok(Project {
            root: root.root().to_path_buf(),
            programme,
            data: set.data,
            example_sets: set.example_sets,
            chapters,
            charts,
            tables,
            templates,
            images,
            checks,
            sources: set.sources,
            data_files: set.data_files,
            imported: set.imported,
            unused_files,
            sites: set.sites,
            load_warnings: findings.0,
        }),
        _ => Err(findings),
    }
}

/// What the data files declare, read in order: the programme, the data sets (YAML, then the
/// spreadsheets they name), charts, tables and checks.
type LoadedData = (
    Option<Programme>,
    DataSet,
    IndexMap<String, ChartDecl>,
    IndexMap<String, TableDecl>,
    Vec<CheckDecl>,
    Findings,
);

fn load_data(root: &Reader) -> LoadedData {
    let mut findings = Findings::default();
    let mut set = DataSet::default();
    let programme: Option<Programme> = read_yaml(root, PROGRAMME_FILE, &mut set, &mut findings);
    let spreadsheets = Spreadsheets {
        parsers: Parsers {
            sources: parse_yaml,
            inline: parse_yaml,
        },
    };
    // In this order: the spreadsheets' `quelldatei:` declarations stand in the YAML files.
    let data_sources: [&dyn DataSource; 2] = [&YamlFiles, &spreadsheets];
    for source in data_sources {
        source.load(root, &mut set, &mut findings);
    }
    let mut charts: IndexMap<String, ChartDecl> =
        read_optional_yaml(root, CHARTS_FILE, &mut set, &mut findings);
    let mut tables: IndexMap<String, TableDecl> =
        read_optional_yaml(root, TABLES_FILE, &mut set, &mut findings);
    for table in tables.values_mut() {
        let paths = table.data_paths();
        set.imported
            .fill_source_line(&set.data, &mut table.quelle, &paths);
    }
    for chart in charts.values_mut() {
        let paths = chart.data_paths();
        set.imported
            .fill_source_line(&set.data, &mut chart.quelle, &paths);
    }
    let checks: Vec<CheckDecl> = read_optional_yaml(root, CHECKS_FILE, &mut set, &mut findings);
    (programme, set, charts, tables, checks, findings)
}

/// The programme year and the signature date are plausible.
fn check_programme(programme: &Programme, set: &DataSet, findings: &mut Findings) {
    if !(YEAR_MIN..=YEAR_MAX).contains(&programme.jahr) {
        let finding = Finding::error(format!(
            "programm.jahr: {} ist kein plausibles Programmjahr (erwartet: {YEAR_MIN} bis {YEAR_MAX}).",
            programme.jahr
        ))
        .in_file(PROGRAMME_FILE);
        let site = set
            .sites
            .get(PROGRAMME_FILE)
            .and_then(|sites| sites.get("jahr"));
        findings.push(match (site, set.sources.get(PROGRAMME_FILE)) {
            (Some(site), Some(text)) => finding.at(text, site.key_line, site.key_column),
            _ => finding,
        });
    }
    if let Some(date) = &programme.datum {
        if crate::format::parse_date(date).is_none() {
            findings.push(
                project_finding_at(
                    set,
                    "datum",
                    Finding::error(format!(
                        "programm.datum: „{date}“ ist kein gültiges Datum (erwartet JJJJ-MM-TT, z. B. 2019-12-09)."
                    ))
                    .in_file(PROGRAMME_FILE),
                ),
            );
        }
    }
}

/// `finding` at the key `key` of `programm.yaml`, when its place is known.
fn project_finding_at(set: &DataSet, key: &str, finding: Finding) -> Finding {
    let site = set
        .sites
        .get(PROGRAMME_FILE)
        .and_then(|sites| sites.get(key));
    match (site, set.sources.get(PROGRAMME_FILE)) {
        (Some(site), Some(text)) => finding.at(text, site.key_line, site.key_column),
        _ => finding,
    }
}

/// Reads the YAML file `rel` into `T`, keeping its text and, when it is valid, its places.
fn read_yaml<T: DeserializeOwned>(
    root: &Reader,
    rel: &str,
    set: &mut DataSet,
    findings: &mut Findings,
) -> Option<T> {
    let text = read_text(root, rel, findings)?;
    let value = parse_yaml(rel, &text, findings);
    if value.is_some() {
        set.sites.insert(rel.to_string(), sites_of(&text));
    }
    set.sources.insert(rel.to_string(), text);
    value
}

/// The places of the values in a file the YAML reader has accepted.
fn sites_of(text: &str) -> Sites {
    // What the reader accepts has places; should the two ever disagree, findings lack a line.
    crate::position::collect(text).unwrap_or_default()
}

fn read_text(root: &Reader, rel: &str, findings: &mut Findings) -> Option<String> {
    let bytes = match root.read(rel, limit::TEXT_MB) {
        Ok(bytes) => bytes,
        Err(err) => {
            findings.push(Finding::error(err.to_string()).in_file(rel));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(err) => {
            let offset = err.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(err.as_bytes().get(..offset).unwrap_or_default());
            let line = valid.matches('\n').count() + 1;
            let mut finding = Finding::error(format!(
                "{rel} ist nicht in UTF-8 kodiert (ungültiges Byte in Zeile {line})."
            ))
            .in_file(rel)
            .with_help("Speichern Sie die Datei im Editor mit der Kodierung UTF-8.");
            finding.line = Some(line);
            findings.push(finding);
            None
        }
    }
}

/// The reader options every YAML file of a project is read with.
pub fn yaml_options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    // "NO" stays a string (the Norway problem); only true/false are booleans.
    options.strict_booleans = true;
    // Codes such as "01234" keep their leading zero.
    options.leading_zero_numbers_as_strings = true;
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    // `.nan` and `.inf` are not figures; without this they would silently become "pending".
    options.non_finite_float_policy = serde_saphyr::NonFiniteFloatPolicy::Reject;
    options
}

/// Parses YAML text into `T`, reporting syntax and structure errors with their place.
pub fn parse_yaml<T: DeserializeOwned>(
    rel: &str,
    text: &str,
    findings: &mut Findings,
) -> Option<T> {
    match serde_saphyr::from_str_with_options::<T>(text, yaml_options()) {
        Ok(value) => Some(value),
        Err(err) => {
            findings.push(yaml_finding(rel, text, &err));
            None
        }
    }
}

/// The YAML reader's English messages in German, without the place (shown separately).
fn translate_yaml_message(message: &str) -> String {
    // "error: line 2 column 12: unclosed bracket" → "unclosed bracket"
    let mut text = message.trim().trim_start_matches("error:").trim();
    if text.starts_with("line ") {
        if let Some((_, rest)) = text.split_once(": ") {
            text = rest;
        }
    }
    if let Some(german) = german_type_message(text) {
        return german;
    }
    const PHRASES: [(&str, &str); 51] = [
        ("tabs disallowed within this context (block indentation)", "hier steht ein Tabulatorzeichen in der Einrückung; YAML rückt nur mit Leerzeichen ein"),
        ("tabs disallowed in this context", "hier ist ein Tabulatorzeichen nicht erlaubt; YAML rückt nur mit Leerzeichen ein"),
        ("tab cannot be used as indentation", "ein Tabulatorzeichen kann nicht einrücken; YAML rückt nur mit Leerzeichen ein"),
        ("a block scalar content cannot start with a tab", "ein mehrzeiliger Text darf nicht mit einem Tabulatorzeichen beginnen"),
        ("'-' must be followed by a valid YAML whitespace", "nach „-“ muss ein Leerzeichen folgen"),
        ("a BOM must not appear inside a document", "mitten in der Datei steht eine Byte-Order-Mark"),
        ("block sequence entries are not allowed in this context", "hier darf kein Listeneintrag „- …“ stehen (Einrückung prüfen)"),
        ("comments must be separated from other tokens by whitespace", "vor „#“ gehört ein Leerzeichen"),
        ("invalid indentation in multiline quoted scalar", "ein mehrzeiliger Text in Anführungszeichen ist falsch eingerückt"),
        ("invalid indentation", "die Einrückung stimmt nicht"),
        ("invalid trailing content after single-quoted scalar", "nach dem Text in Anführungszeichen steht noch etwas"),
        ("misplaced bracket", "hier steht eine Klammer an falscher Stelle"),
        ("multiple documents not supported here", "eine Datei enthält nur ein YAML-Dokument (kein zweites „---“)"),
        ("simple key expected ':'", "nach dem Schlüssel fehlt „:“"),
        ("simple key is no longer valid", "der Schlüssel ist unvollständig (fehlt „:“ in derselben Zeile?)"),
        ("unclosed quote", "ein Anführungszeichen wird nicht geschlossen"),
        ("unexpected EOF while parsing a block mapping", "die Datei endet mitten in einer Zuordnung"),
        ("unexpected EOF while parsing a block sequence", "die Datei endet mitten in einer Liste"),
        ("unexpected EOF while parsing an implicit flow mapping", "die Datei endet mitten in einer Klammer"),
        ("unexpected eof", "die Datei endet unerwartet"),
        ("unexpected character", "unerwartetes Zeichen"),
        ("while parsing a block mapping, did not find expected key", "hier wird ein Schlüssel erwartet (Einrückung prüfen)"),
        ("while parsing a flow mapping, did not find expected ',' or '}'", "in der geschweiften Klammer fehlt „,“ oder „}“"),
        ("while parsing a flow sequence, expected ',' or ']'", "in der eckigen Klammer fehlt „,“ oder „]“"),
        ("while parsing a node, did not find expected node content", "hier fehlt ein Wert"),
        ("while parsing node, found unknown anchor", "der Verweis mit * nennt einen Anker (&), den es nicht gibt"),
        ("wrongly indented line in block scalar", "eine Zeile des mehrzeiligen Texts ist falsch eingerückt"),
        ("invalid content after document end marker", "nach dem Dokumentende „...“ steht noch etwas"),
        ("mismatched bracket", "die Klammer passt nicht"),
        ("closed by", "geschlossen mit"),
        ("expected whitespace", "hier fehlt ein Leerzeichen"),
        ("invalid encoding", "die Datei ist nicht in UTF-8 kodiert"),
        ("the handle wasn't declared", "das Tag-Kürzel ist nicht erklärt"),
        ("value `", "der Wert `"),
        ("unclosed bracket '['", "die eckige Klammer „[“ wird nicht geschlossen"),
        ("unclosed bracket '{'", "die geschweifte Klammer „{“ wird nicht geschlossen"),
        ("YAML document too large or too complex: limits breached", "die Datei ist zu groß oder zu verschachtelt (z. B. zu viele Verweise mit *), Grenze überschritten"),
        ("recursion limit exceeded", "zu tief verschachtelt"),
        ("is not a finite number", "ist keine endliche Zahl (.nan und .inf sind keine Werte)"),
        ("unknown variant", "unbekannter Wert"),
        ("unknown field", "unbekannter Schlüssel"),
        ("missing field", "es fehlt der Schlüssel"),
        ("expected one of", "erlaubt sind"),
        ("duplicate mapping key", "der Schlüssel"),
        ("is not allowed here", "ist doppelt"),
        ("mapping values are not allowed in this context", "hier ist kein „Schlüssel: Wert“ erlaubt (fehlt ein Zeilenumbruch oder Anführungszeichen?)"),
        ("while parsing a block collection, did not find expected '-' indicator", "in einer Liste fehlt das „-“ am Zeilenanfang"),
        ("did not find expected key", "hier wird ein Schlüssel erwartet (Einrückung prüfen)"),
        ("invalid type", "falscher Typ"),
        ("invalid i32", "hier wird eine ganze Zahl erwartet"),
        ("expected", "erwartet"),
    ];
    PHRASES
        .iter()
        .fold(text.to_string(), |acc, (en, de)| acc.replace(en, de))
}

/// serde's and the YAML reader's complaints about a value of the wrong kind, in German:
/// „invalid type: sequence, expected a string“ → „hier steht eine Liste, erwartet wird ein
/// Text“.
fn german_type_message(text: &str) -> Option<String> {
    // „unknown field `mont`, expected one of blatt, …“: the name in German quotes.
    let named = |prefix: &str| {
        let rest = text.strip_prefix(prefix)?.strip_prefix('`')?;
        let (name, tail) = rest.split_once('`')?;
        Some((name.to_string(), tail.to_string()))
    };
    for (prefix, german) in [
        ("unknown field ", "unbekannter Schlüssel"),
        ("unknown variant ", "unbekannter Wert"),
    ] {
        if let Some((name, tail)) = named(prefix) {
            let allowed = tail
                .strip_prefix(", expected one of ")
                .or_else(|| tail.strip_prefix(", expected "))
                .map(|list| format!("; erlaubt sind {}", list.replace('`', "")))
                .unwrap_or_default();
            return Some(format!("{german} „{name}“{allowed}"));
        }
    }
    if let Some((name, _)) = named("missing field ") {
        return Some(format!("es fehlt der Schlüssel „{name}“"));
    }
    if let Some((name, _)) = named("duplicate mapping key ") {
        return Some(format!("der Schlüssel „{name}“ steht zweimal da"));
    }
    if let Some(rest) = text
        .strip_prefix("invalid type: ")
        .or_else(|| text.strip_prefix("invalid value: "))
    {
        let (found, expected) = rest.split_once(", expected ")?;
        return Some(format!(
            "hier steht {}, erwartet wird {}",
            german_found(found),
            german_expected(expected)
        ));
    }
    if let Some(rest) = text.strip_prefix("invalid length ") {
        let (length, expected) = rest.split_once(", expected ")?;
        return Some(format!(
            "hier stehen {length} Einträge, erwartet wird {}",
            german_expected(expected)
        ));
    }
    if text.starts_with("invalid boolean")
        || matches!(text, "expected bool expected" | "expected missing bool")
    {
        return Some(
            "hier wird true oder false erwartet (ja, nein, an oder aus kennt YAML nicht)"
                .to_string(),
        );
    }
    if text == "externally tagged enum expected scalar or mapping" {
        return Some("hier wird eines der erlaubten Wörter erwartet, keine Liste".to_string());
    }
    if let Some(wanted) = text.strip_prefix("expected ") {
        let german = match wanted {
            "string scalar" | "str expected" | "scalar" | "missing string" | "string" => {
                "ein einzelner Wert (ein Text oder eine Zahl), keine Liste und keine Zuordnung"
            }
            "mapping start" | "empty mapping start" | "map" => "eine Zuordnung (Schlüssel: Wert)",
            "sequence start" | "seq" => "eine Liste",
            "an integer" => "eine ganze Zahl",
            _ => return None,
        };
        return Some(format!("hier wird {german} erwartet"));
    }
    let ty = text.strip_prefix("invalid ")?;
    let german = match ty {
        "u8" => "eine ganze Zahl von 0 bis 255",
        "u16" | "u32" | "u64" | "u128" | "usize" => "eine ganze Zahl ab 0",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "eine ganze Zahl",
        "f32" | "f64" | "floating point" => "eine Zahl",
        _ => return None,
    };
    Some(format!("hier wird {german} erwartet"))
}

/// serde's description of what stands in the file („string \"x\"“, „sequence“), in German.
fn german_found(found: &str) -> String {
    let quoted = |prefix: &str| {
        found
            .strip_prefix(prefix)
            .map(|rest| rest.trim_matches(|c| c == '"' || c == '`').to_string())
    };
    if let Some(text) = quoted("string ") {
        return format!("der Text „{text}“");
    }
    if let Some(number) = quoted("integer ").or_else(|| quoted("floating point ")) {
        return format!("die Zahl {number}");
    }
    if let Some(value) = quoted("boolean ") {
        return format!("der Wahrheitswert {value}");
    }
    match found {
        "map" => "eine Zuordnung (Schlüssel: Wert)",
        "sequence" => "eine Liste",
        "unit value" | "null" | "none" => "kein Wert",
        _ => "ein Wert anderer Art",
    }
    .to_string()
}

/// serde's description of what may stand there („a string“, „struct RowDecl“), in German;
/// the German descriptions of `crate::shape` stay as they are.
fn german_expected(expected: &str) -> String {
    if expected.starts_with("struct ") || expected.starts_with("a map") || expected == "map" {
        return "eine Zuordnung (Schlüssel: Wert)".to_string();
    }
    match expected {
        "a sequence" | "sequence" | "seq" => "eine Liste",
        "a string" | "string" | "a borrowed string" | "a character" | "char" => "ein Text",
        "a boolean" | "bool" => "true oder false",
        "u8" => "eine ganze Zahl von 0 bis 255",
        "u16" | "u32" | "u64" | "usize" => "eine ganze Zahl ab 0",
        "i8" | "i16" | "i32" | "i64" | "isize" | "an integer" => "eine ganze Zahl",
        "f32" | "f64" | "a number" => "eine Zahl",
        other if other.starts_with("ein") => other,
        _ => "ein Wert anderer Art",
    }
    .to_string()
}

fn yaml_finding(rel: &str, text: &str, err: &serde_saphyr::Error) -> Finding {
    let message = err.render_with_formatter(&serde_saphyr::UserMessageFormatter);
    let message = translate_yaml_message(message.lines().next().unwrap_or_default());
    // A complaint about a value names its key: „ebene: hier wird eine ganze Zahl … erwartet“.
    let key = err
        .location()
        .and_then(|location| key_before(text, location.line(), location.column()));
    let message = match key {
        Some(key) if message.starts_with("hier ") => match allowed_words(&key) {
            Some(words) if message.contains("erlaubten Wörter") => {
                format!("{key}: {message} (erlaubt: {words})")
            }
            _ => format!("{key}: {message}"),
        },
        _ => message,
    };
    let mut finding = Finding::error(format!("Fehler in {rel}: {message}")).in_file(rel);
    if message.contains("Tabulator") {
        finding = finding.with_help(
            "Ersetzen Sie die Tabulatorzeichen durch Leerzeichen (in vielen Editoren: „Einrückung in Leerzeichen umwandeln“).",
        );
    }
    match err.location() {
        Some(location) => {
            let line = usize::try_from(location.line()).unwrap_or(1);
            let column = usize::try_from(location.column()).unwrap_or(1);
            finding.at(text, line, column)
        }
        None => finding,
    }
}

/// The words a key of a declaration file takes, as its type lists them.
fn allowed_words(key: &str) -> Option<String> {
    use crate::model::{ChartKind, Orientation, PercentWriting, SortOrder, Status, ValueFormat};
    fn words<T: DeserializeOwned>() -> Option<String> {
        // An unknown word makes serde list the known ones.
        let err = serde_saphyr::from_str::<T>("\"?\"").err()?;
        let message = err.render_with_formatter(&serde_saphyr::UserMessageFormatter);
        let (_, words) = message.lines().next()?.split_once("expected one of ")?;
        Some(words.trim().to_string())
    }
    match key {
        "status" => words::<Status>(),
        "prozent" => words::<PercentWriting>(),
        "art" => words::<ChartKind>(),
        "format" => words::<ValueFormat>(),
        "ausrichtung" => words::<Orientation>(),
        "sortierung" => words::<SortOrder>(),
        _ => None,
    }
}

/// The key whose value stands at 1-based `line` and `column` of `text`: the last `key:`
/// before the column on that line (block or flow style).
fn key_before(text: &str, line: u64, column: u64) -> Option<String> {
    let line = text
        .lines()
        .nth(usize::try_from(line).ok()?.checked_sub(1)?)?;
    let before: String = line
        .chars()
        .take(usize::try_from(column).ok()?.saturating_sub(1))
        .collect();
    let (head, _) = before.trim_end().strip_suffix(':').map(|h| (h, ()))?;
    let key: String = head
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-' || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let key = key.trim_start_matches('-');
    (!key.is_empty()).then(|| key.to_string())
}

fn read_optional_yaml<T: DeserializeOwned + Default>(
    root: &Reader,
    rel: &str,
    set: &mut DataSet,
    findings: &mut Findings,
) -> T {
    // Anything else of this name (a folder, a pipe) is refused by the data folder's walk.
    if root.kind(rel) != Kind::File {
        return T::default();
    }
    read_yaml(root, rel, set, findings).unwrap_or_default()
}

/// Files below `dir` (relative to the project), sorted by name, with the given extensions
/// (all files when empty). What has such a name but is no regular file of the project is
/// refused by name: a folder, a FIFO or device, a link that leads outside the project.
fn sorted_files(
    root: &Reader,
    dir: &str,
    extensions: &[&str],
    max_depth: usize,
    findings: &mut Findings,
) -> Vec<String> {
    let wanted = |rel: &str| {
        extensions.is_empty()
            || rel
                .rsplit_once('.')
                .is_some_and(|(_, ext)| extensions.contains(&ext))
    };
    let mut files = Vec::new();
    for entry in root.walk(dir, max_depth) {
        let (rel, refusal) = match entry {
            Entry::File(rel) => (rel, None),
            Entry::Folder(rel) => {
                let refusal = (!extensions.is_empty()).then(|| {
                    format!("{rel} ist ein Ordner, keine Datei; benennen Sie den Ordner um.")
                });
                (rel, refusal)
            }
            Entry::Refused(rel, err) => (rel, Some(err.to_string())),
        };
        if !wanted(&rel) {
            continue;
        }
        match refusal {
            None if root.kind(&rel) == Kind::File => files.push(rel),
            None => {}
            Some(message) => findings.push(Finding::error(message).in_file(&rel).with_help(
                "Legen Sie an diese Stelle eine gewöhnliche Datei, oder entfernen Sie den Eintrag.",
            )),
        }
    }
    files
}

/// The YAML files in `data/` (declaration files aside): each file is a data set named by its
/// path (`data/statistik/elb.yaml` → `statistik.elb`).
struct YamlFiles;

impl DataSource for YamlFiles {
    fn load(&self, root: &Reader, into: &mut DataSet, findings: &mut Findings) {
        for rel in sorted_files(root, "data", &["yaml", "yml"], usize::MAX, findings) {
            if rel == CHARTS_FILE
                || rel == TABLES_FILE
                || rel == CHECKS_FILE
                || rel == crate::sources::SOURCES_FILE
            {
                continue;
            }
            let Some(value) = read_yaml::<Value>(root, &rel, into, findings) else {
                continue;
            };
            let (text, sites) = match (into.sources.get(&rel), into.sites.get(&rel)) {
                (Some(text), Some(sites)) => (text.as_str(), sites),
                _ => continue,
            };
            inexact_numbers(&value, "", &rel, (text, sites), findings);
            let key_path: Vec<String> = rel
                .trim_start_matches("data/")
                .trim_end_matches(".yaml")
                .trim_end_matches(".yml")
                .split('/')
                .map(str::to_string)
                .collect();
            // `beispielwerte: true` marks every value the file holds, a list single keys within
            // it. Marks are key paths of values, never the file's data set: a value imported
            // into the same data set from elsewhere is not marked by this file.
            let set = key_path.join(".");
            match value.get("beispielwerte") {
                Some(Value::Bool(true)) => {
                    into.example_sets.extend(
                        own_keys(&value)
                            .into_iter()
                            .map(|key| format!("{set}.{key}")),
                    );
                }
                Some(Value::Array(keys)) => {
                    let keys = example_keys(&rel, (text, sites), &value, keys, findings);
                    into.example_sets
                        .extend(keys.into_iter().map(|key| format!("{set}.{key}")));
                }
                _ => {}
            }
            into.data_files.insert(set, rel.clone());
            if let Value::Object(context) = &mut into.data {
                insert_at(context, &key_path, value, &rel, findings);
            }
        }
    }
}

/// The keys of the values a data file holds: its own keys, and those its `quelldatei:`
/// declaration imports (the file's `beispielwerte: true` covers both).
fn own_keys(value: &Value) -> Vec<&str> {
    let Value::Object(map) = value else {
        return Vec::new();
    };
    let mut keys: Vec<&str> = map
        .keys()
        .map(String::as_str)
        .filter(|key| !matches!(*key, "beispielwerte" | "quelldatei"))
        .collect();
    let declared = match map.get("quelldatei") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    for decl in declared {
        if let Some(Value::Object(werte)) = decl.get("werte") {
            keys.extend(werte.keys().map(String::as_str));
        }
    }
    keys
}

/// Largest integer a data value may have: beyond 2^53, amip (like every program that
/// computes with 64-bit floating point) can no longer hold every integer exactly.
pub const MAX_EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;
/// The years a programme may be for (as `amip init` accepts them).
pub const YEAR_MIN: i32 = 2000;
/// See [`YEAR_MIN`].
pub const YEAR_MAX: i32 = 2999;

/// Reports numbers too large to stay exact, with their key path and place.
fn inexact_numbers(
    value: &Value,
    path: &str,
    rel: &str,
    file: (&str, &Sites),
    findings: &mut Findings,
) {
    let child = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::Number(n)
            if n.as_u64()
                .map(|v| v > MAX_EXACT_INTEGER as u64)
                .or_else(|| {
                    n.as_i64()
                        .map(|v| v.unsigned_abs() > MAX_EXACT_INTEGER as u64)
                })
                .unwrap_or_else(|| n.as_f64().is_some_and(|x| x.abs() > MAX_EXACT_INTEGER)) =>
        {
            let finding = Finding::error(format!(
                "{rel}: der Wert {n} unter „{path}“ ist zu groß; Zahlen über 9.007.199.254.740.992 (2^53) kann amip nicht genau rechnen."
            ))
            .in_file(rel)
            .with_help("Geben Sie den Wert in einer größeren Einheit an (z. B. in Mio. EUR) oder als Text in Anführungszeichen.");
            let (text, sites) = file;
            findings.push(match sites.get(path) {
                Some(site) => finding.at(text, site.key_line, site.key_column),
                None => finding,
            });
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                inexact_numbers(item, &child(&i.to_string()), rel, file, findings);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                inexact_numbers(item, &child(key), rel, file, findings);
            }
        }
        _ => {}
    }
}

/// The key paths a `beispielwerte: [...]` list names; a path that leads nowhere is an error at
/// its entry.
fn example_keys(
    rel: &str,
    (text, sites): (&str, &Sites),
    value: &Value,
    keys: &[Value],
    findings: &mut Findings,
) -> Vec<String> {
    let mut paths = Vec::new();
    for (index, key) in keys.iter().enumerate() {
        let path = match key {
            Value::String(text) => text.trim().to_string(),
            Value::Number(number) => number.to_string(),
            _ => String::new(),
        };
        match crate::data::lookup(value, &path) {
            Ok(_) if !path.is_empty() => paths.push(path),
            result => {
                let reason = match result {
                    Err(err) => err.to_string(),
                    Ok(_) => format!("Eintrag {} ist kein Schlüsselpfad", index + 1),
                };
                let mut finding = Finding::error(format!(
                    "beispielwerte: „{path}“ gibt es in {rel} nicht ({reason})."
                ))
                .in_file(rel)
                .with_help(
                    "Nennen Sie Schlüsselpfade dieser Datei, z. B. beispielwerte: [arbeitslose_jd.2018, kennzahlen.k2].",
                );
                if let Some(site) = sites.get(&format!("beispielwerte.{index}")) {
                    finding = finding.at(text, site.line, site.column);
                }
                findings.push(finding);
            }
        }
    }
    paths
}

fn insert_at(
    map: &mut Map<String, Value>,
    path: &[String],
    value: Value,
    rel: &str,
    findings: &mut Findings,
) {
    match path {
        [] => {}
        [last] => {
            if map.insert(last.clone(), value).is_some() {
                findings.push(
                    Finding::error(format!(
                        "Der Datenname „{last}“ ist doppelt vergeben (Datei und Ordner gleichen Namens)."
                    ))
                    .in_file(rel),
                );
            }
        }
        [first, rest @ ..] => {
            let entry = map
                .entry(first.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            match entry {
                Value::Object(inner) => insert_at(inner, rest, value, rel, findings),
                _ => findings.push(
                    Finding::error(format!(
                        "Der Datenname „{first}“ ist doppelt vergeben (Datei und Ordner gleichen Namens)."
                    ))
                    .in_file(rel),
                ),
            }
        }
    }
}

/// A chapter whose page would overwrite a page amip writes itself: `index.md` (the start
/// page) and `gesamt.md` (the whole programme on one page).
fn reserved_name(rel: &str, stem: &str) -> Option<Finding> {
    let finding = match stem {
        "index" => Finding::error(
            "ein Kapitel darf nicht „index“ heißen; die Startseite (index.html) erstellt amip selbst aus Titel, Vorwort und Inhaltsverzeichnis.",
        )
        .with_help("Benennen Sie die Datei um, z. B. in content/00-einleitung.md (ein Vorwort mit „nummeriert: false“ erscheint auf der Startseite)."),
        "gesamt" => Finding::error(format!(
            "ein Kapitel darf nicht „gesamt“ heißen ({rel}); die Seite gesamt.html (das ganze Programm auf einer Seite) erstellt amip selbst."
        ))
        .with_help("Benennen Sie die Datei um, z. B. in content/09-gesamtbetrachtung.md."),
        _ => return None,
    };
    Some(finding.in_file(rel))
}

/// Chapters are all `*.md` files below `content/`, subfolders included, in path order
/// (`content/07-a.md`, `content/teil/08-b.md`, …).
fn load_chapters(root: &Reader, findings: &mut Findings) -> Vec<Chapter> {
    let files = sorted_files(root, "content", &["md"], usize::MAX, findings);
    if files.is_empty() {
        findings.push(
            Finding::error("Der Ordner content/ enthält keine Kapitel (Dateien *.md).")
                .with_help("Legen Sie z. B. content/01-einleitung.md an."),
        );
    }
    let mut chapters: Vec<Chapter> = Vec::new();
    for rel in files {
        let Some(text) = read_text(root, &rel, findings) else {
            continue;
        };
        if let Some(chapter) = split_chapter(&rel, &text, findings) {
            if let Some(finding) = reserved_name(&rel, &chapter.stem) {
                findings.push(finding);
                continue;
            }
            if let Some(other) = chapters.iter().find(|c| c.stem == chapter.stem) {
                findings.push(
                    Finding::error(format!(
                        "{rel} und {} ergeben dieselbe Seite „{}.html“.",
                        other.file, chapter.stem
                    ))
                    .in_file(&rel)
                    .with_help("Benennen Sie eine der beiden Dateien um."),
                );
                continue;
            }
            chapters.push(chapter);
        }
    }
    chapters
}

/// Splits a chapter file into front matter and body.
pub fn split_chapter(rel: &str, text: &str, findings: &mut Findings) -> Option<Chapter> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // The page name: `content/teil/07-a.md` becomes `teil-07-a`.
    let stem = rel
        .strip_prefix("content/")
        .unwrap_or(rel)
        .trim_end_matches(".md")
        .replace('/', "-");
    let (front, body, offset) = match front_matter(text) {
        Some((yaml, body, offset)) => {
            let front = if yaml.trim().is_empty() {
                FrontMatter::default()
            } else {
                parse_yaml::<FrontMatter>(rel, yaml, findings)?
            };
            (front, body, offset)
        }
        None => (FrontMatter::default(), text, 0),
    };
    Some(Chapter {
        file: rel.to_string(),
        stem,
        front,
        body: body.to_string(),
        body_line_offset: offset,
    })
}

/// `---\n…\n---\n` at the very start: returns the YAML, the rest and the lines before the rest.
fn front_matter(text: &str) -> Option<(&str, &str, usize)> {
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = text.len() - rest.len();
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = text.get(text.len() - rest.len()..offset)?;
            let body = text.get(offset + line.len()..)?;
            let lines = text.get(..offset + line.len())?.matches('\n').count();
            return Some((yaml, body, lines));
        }
        offset += line.len();
    }
    None
}

fn load_images(root: &Reader, findings: &mut Findings) -> IndexMap<String, Vec<u8>> {
    let mut images = IndexMap::new();
    for rel in sorted_files(
        root,
        "content",
        crate::files::IMAGE_EXTENSIONS,
        usize::MAX,
        findings,
    ) {
        match root.read(&rel, limit::IMAGE_MB) {
            Ok(bytes) => {
                if let Some(problem) = crate::files::image_problem(&rel, &bytes) {
                    findings.push(
                        Finding::error(format!(
                            "Das Bild {rel} ist beschädigt oder unvollständig ({problem}); typst kann es im PDF nicht setzen."
                        ))
                        .in_file(&rel)
                        .with_help("Speichern Sie das Bild neu als PNG, JPEG oder SVG, oder entfernen Sie es aus content/."),
                    );
                }
                images.insert(rel.trim_start_matches("content/").to_string(), bytes);
            }
            Err(err) => findings.push(Finding::error(err.to_string()).in_file(&rel)),
        }
    }
    images
}

/// Every SVG image parsed and written anew ([`crate::svg_clean`]), so that both outputs get only
/// what it draws; one usvg cannot read is refused by name. Files already reported as broken
/// are left as they are (their finding stops the build).
fn clean_svgs(
    images: IndexMap<String, Vec<u8>>,
    findings: &mut Findings,
) -> IndexMap<String, Vec<u8>> {
    images
        .into_iter()
        .map(|(rel, bytes)| {
            let file = format!("content/{rel}");
            let is_svg = rel.to_ascii_lowercase().ends_with(".svg");
            if !is_svg || crate::files::image_problem(&rel, &bytes).is_some() {
                return (rel, bytes);
            }
            match crate::svg_clean::clean_svg(&bytes) {
                Ok(cleaned) => (rel, cleaned),
                Err(problem) => {
                    findings.push(
                        Finding::error(format!(
                            "Das Bild {file} kann nicht veröffentlicht werden: {problem}."
                        ))
                        .in_file(&file)
                        .with_help("Speichern Sie die Grafik in Ihrem Zeichenprogramm neu als einfaches SVG (ohne Skripte und eingebettete Webinhalte) oder als PNG."),
                    );
                    (rel, bytes)
                }
            }
        })
        .collect()
}

/// Files below `content/` that amip reads neither as chapter nor as image (hidden files and
/// editor backups aside).
fn unused_content(root: &Reader) -> Vec<String> {
    // Odd files (links out of the project, FIFOs) were already reported with the chapters.
    sorted_files(root, "content", &[], usize::MAX, &mut Findings::default())
        .into_iter()
        .filter(|rel| {
            let name = rel.rsplit('/').next().unwrap_or(rel);
            let ext = name
                .rsplit_once('.')
                .map(|(_, ext)| ext.to_string())
                .unwrap_or_default();
            !(ext == "md"
                || crate::files::IMAGE_EXTENSIONS.contains(&ext.as_str())
                || name.ends_with('~')
                || name.starts_with('#'))
        })
        .collect()
}

fn load_templates(root: &Reader, findings: &mut Findings) -> IndexMap<String, String> {
    let mut templates = IndexMap::new();
    for rel in sorted_files(root, "templates", &[], usize::MAX, findings) {
        if let Some(text) = read_text(root, &rel, findings) {
            let name = rel.trim_start_matches("templates/").to_string();
            templates.insert(name, text);
        }
    }
    templates
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_split_and_lines_counted() {
        let mut findings = Findings::default();
        let chapter = split_chapter(
            "content/00-vorwort.md",
            "---\nnummeriert: false\n---\n# Vorwort\n\nText\n",
            &mut findings,
        )
        .unwrap();
        assert!(!chapter.front.nummeriert);
        assert_eq!(chapter.body, "# Vorwort\n\nText\n");
        assert_eq!(chapter.body_line_offset, 3);
        assert_eq!(chapter.stem, "00-vorwort");
    }

    #[test]
    fn chapter_without_front_matter_is_numbered() {
        let mut findings = Findings::default();
        let chapter = split_chapter("content/01-a.md", "# A\n", &mut findings).unwrap();
        assert!(chapter.front.nummeriert);
        assert_eq!(chapter.body_line_offset, 0);
    }

    #[test]
    fn unknown_front_matter_key_is_reported_with_line() {
        let mut findings = Findings::default();
        let chapter = split_chapter(
            "content/01-a.md",
            "---\ntitle: A\n---\n# A\n",
            &mut findings,
        );
        assert!(chapter.is_none());
        assert_eq!(findings.0.len(), 1);
        assert_eq!(findings.0[0].file.as_deref(), Some("content/01-a.md"));
        assert!(findings.0[0].line.is_some());
    }

    #[test]
    fn yaml_errors_carry_line_and_column() {
        let mut findings = Findings::default();
        let value: Option<Value> = parse_yaml("data/x.yaml", "a: 1\nb: [1, 2\n", &mut findings);
        assert!(value.is_none());
        let finding = &findings.0[0];
        assert_eq!(finding.file.as_deref(), Some("data/x.yaml"));
        assert!(finding.line.is_some(), "{finding:?}");
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let mut findings = Findings::default();
        let value: Option<Value> = parse_yaml("data/x.yaml", "a: 1\na: 2\n", &mut findings);
        assert!(value.is_none());
    }

    #[test]
    fn year_keys_and_norway_stay_as_written() {
        let mut findings = Findings::default();
        let value: Value = parse_yaml(
            "data/x.yaml",
            "jdw:\n  2009: 10\nland: NO\nplz: 01234\n",
            &mut findings,
        )
        .unwrap();
        assert_eq!(value["jdw"]["2009"], Value::from(10));
        assert_eq!(value["land"], Value::from("NO"));
        assert_eq!(value["plz"], Value::from("01234"));
    }
}
