//! The typed model of a programme: what [`crate::load`] reads once and every later stage
//! renders. Declarations (`*Decl`) mirror the YAML as authors write it; the resolved types
//! ([`Chart`], [`Table`]) hold computed, ready-to-draw values.

use std::path::PathBuf;

use indexmap::IndexMap;
use serde::Deserialize;

use crate::format::PercentStyle;

/// Everything a build needs, loaded and validated once.
#[derive(Debug, Clone)]
pub struct Project {
    /// The project folder (holds `content/`, `data/`, `templates/`).
    pub root: PathBuf,
    /// Metadata from `data/programm.yaml`.
    pub programme: Programme,
    /// All data files as one tree keyed by file path (`budget`, `statistik.elb`), plus `programm`.
    pub data: serde_json::Value,
    /// Key paths of the values marked as example values: each key of a file marked
    /// `beispielwerte: true` (and of its `quelldatei:`), the keys a `beispielwerte: [...]` list
    /// names, each key a source marked `beispielwerte: true` imports. Never a whole data set,
    /// so a value imported beside them is not marked by their file.
    pub example_sets: Vec<String>,
    /// Chapters in file-name order.
    pub chapters: Vec<Chapter>,
    /// Chart declarations from `data/abbildungen.yaml`, in file order.
    pub charts: IndexMap<String, ChartDecl>,
    /// Table declarations from `data/tabellen.yaml`, in file order.
    pub tables: IndexMap<String, TableDecl>,
    /// Template overrides found in the project's `templates/` (relative path → text).
    pub templates: IndexMap<String, String>,
    /// Image files below `content/` (path relative to `content/` → bytes).
    pub images: IndexMap<String, Vec<u8>>,
    /// Consistency checks from `data/pruefungen.yaml`.
    pub checks: Vec<CheckDecl>,
    /// Text of every YAML file read (relative path → text), to point findings at lines.
    pub sources: IndexMap<String, String>,
    /// Data sets: context key path (`budget`, `statistik.elb`) → file (`data/budget.yaml`).
    pub data_files: IndexMap<String, String>,
    /// Values taken from spreadsheets and CSV files, with their file, sheet and cell.
    pub imported: crate::sources::Imported,
    /// Files below `content/` that are neither chapters nor images (named in a warning).
    pub unused_files: Vec<String>,
    /// Warnings of loading (e.g. a year left out of an imported series), reported with the
    /// build's findings.
    pub load_warnings: Vec<crate::diagnostic::Finding>,
    /// Where each value of each YAML file was written, as the YAML parser reported it when the
    /// file was read: file → key path → place, byte range and raw text.
    pub sites: IndexMap<String, crate::position::Sites>,
}

impl Project {
    /// The data file that holds `path`, and the key path inside that file.
    pub fn file_of<'a>(&'a self, path: &'a str) -> Option<(&'a str, &'a str)> {
        self.data_files
            .iter()
            .filter_map(|(set, file)| {
                if path == set {
                    Some((file.as_str(), ""))
                } else {
                    path.strip_prefix(set.as_str())
                        .and_then(|rest| rest.strip_prefix('.'))
                        .map(|rest| (file.as_str(), rest))
                }
            })
            .max_by_key(|(file, _)| file.len())
    }

    /// A finding pointing at `inner` (a key path within `file`), e.g. a check's entry.
    pub fn finding_at_path_in(
        &self,
        file: &str,
        inner: &str,
        message: String,
    ) -> crate::diagnostic::Finding {
        let finding = crate::diagnostic::Finding::error(message).in_file(file);
        let site = self.sites.get(file).and_then(|sites| sites.get(inner));
        match (site, self.sources.get(file)) {
            (Some(site), Some(text)) => finding.at(text, site.key_line, site.key_column),
            _ => finding,
        }
    }

    /// The data file, key path within it and place of the value at `path` (`ziele.quote`).
    pub fn site_of<'a>(&'a self, path: &'a str) -> Option<(&'a str, &'a crate::position::Site)> {
        let (file, inner) = self.file_of(path)?;
        let site = self.sites.get(file)?.get(inner)?;
        Some((file, site))
    }

    /// A finding at the value (not the key) of `path` in its data file, or at no place.
    pub fn finding_at_value(&self, message: String, path: &str) -> crate::diagnostic::Finding {
        let finding = crate::diagnostic::Finding::error(message);
        match self.site_of(path) {
            Some((file, site)) => {
                let finding = finding.in_file(file);
                match self.sources.get(file) {
                    Some(text) => finding.at(text, site.line, site.column),
                    None => finding,
                }
            }
            None => finding,
        }
    }

    /// A finding pointing at the key of `path` in its data file, or, for a value taken from a
    /// spreadsheet, at its declaration (or at no place).
    pub fn finding_at_path(&self, message: String, path: &str) -> crate::diagnostic::Finding {
        let typed = self.file_of(path).filter(|(file, inner)| {
            self.sites
                .get(*file)
                .is_some_and(|sites| sites.contains_key(*inner))
        });
        let declared = self
            .imported
            .declared
            .get(path)
            .map(|(file, at)| (file.as_str(), at.as_str()));
        match typed.or(declared).or_else(|| self.file_of(path)) {
            Some((file, inner)) => self.finding_at_path_in(file, inner, message),
            None => crate::diagnostic::Finding::error(message),
        }
    }
}

/// A consistency check declared in `data/pruefungen.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckDecl {
    /// Key path of the total (a number, or a map checked field by field).
    #[serde(default)]
    pub summe: Option<String>,
    /// Key paths of the parts that add up to `summe`.
    #[serde(default)]
    pub teile: Vec<String>,
    /// Within each map at `zeilen`, `feld` is the sum of `felder` (a row total).
    #[serde(default)]
    pub zeilen: Vec<String>,
    /// The total field of a row check.
    #[serde(default)]
    pub feld: Option<String>,
    /// The part fields of a row check.
    #[serde(default)]
    pub felder: Vec<String>,
    /// Key path of a stated share or change in percent.
    #[serde(default)]
    pub wert: Option<String>,
    /// The stated value is the share of `teil` in `ganzes`.
    #[serde(default)]
    pub anteil: Option<ShareCheck>,
    /// The stated value is the change from `von` to `auf` in percent.
    #[serde(default)]
    pub veraenderung: Option<ChangeCheck>,
    /// Allowed difference (default: 0 for sums, 0.05 for percentages).
    #[serde(default)]
    pub toleranz: Option<f64>,
}

/// Share check operands.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareCheck {
    /// Key path of the part.
    pub teil: String,
    /// Key path of the whole.
    pub ganzes: String,
}

/// Change check operands.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeCheck {
    /// Key path of the earlier value.
    pub von: String,
    /// Key path of the later value.
    pub auf: String,
}

/// Whether the programme is still a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Still being agreed; marked as "Entwurf".
    #[default]
    Draft,
    /// Signed and ready for publication.
    Final,
}

/// How the programme writes percentages in prose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum PercentWriting {
    /// "23,4 %".
    #[default]
    Zeichen,
    /// "23,4 Prozent".
    Wort,
}

impl From<PercentWriting> for PercentStyle {
    fn from(value: PercentWriting) -> Self {
        match value {
            PercentWriting::Zeichen => PercentStyle::Sign,
            PercentWriting::Wort => PercentStyle::Word,
        }
    }
}

/// The person who signs the programme.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Signatory {
    /// Full name.
    pub name: String,
    /// Role, e.g. "Geschäftsführerin".
    pub funktion: String,
    /// The chapter the signature closes (file stem); default: the foreword.
    #[serde(default)]
    pub kapitel: Option<String>,
}

/// The jobcenter's logo, on the PDF title page and in the site header.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Logo {
    /// Path relative to `content/` (PNG, JPEG or SVG).
    pub datei: String,
    /// Alternative text, e.g. "Logo des Jobcenters Elbe-Elster".
    pub alt: String,
}

/// `data/programm.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Programme {
    /// "Jobcenter Elbe-Elster".
    pub jobcenter: String,
    /// The district, if named.
    #[serde(default)]
    pub landkreis: Option<String>,
    /// "Arbeitsmarkt- und Integrationsprogramm"; the year is appended.
    pub titel: String,
    /// The programme year.
    pub jahr: i32,
    /// Place of signature.
    #[serde(default)]
    pub ort: Option<String>,
    /// Date of signature, `YYYY-MM-DD`; also the PDF's creation date.
    #[serde(default)]
    pub datum: Option<String>,
    /// Who signs.
    #[serde(default)]
    pub unterzeichnung: Option<Signatory>,
    /// The logo, if any.
    #[serde(default)]
    pub logo: Option<Logo>,
    /// Draft or final.
    #[serde(default)]
    pub status: Status,
    /// Percent as sign or word.
    #[serde(default)]
    pub prozent: PercentWriting,
    /// What `amip new-year` rolls over into the next year.
    #[serde(default)]
    pub fortschreibung: Vec<RolloverDecl>,
}

/// A rollover rule for `amip new-year`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RolloverDecl {
    /// Key path below which every map with both fields is rolled over.
    #[serde(default)]
    pub daten: Option<String>,
    /// Name of the previous-year field; it receives the value of the field named here.
    #[serde(default)]
    pub vorjahr: Option<String>,
    /// Key path of a year series that gets the new previous year as a pending value.
    #[serde(default)]
    pub jahresreihe: Option<String>,
}

impl Programme {
    /// The full document title, e.g. "Arbeitsmarkt- und Integrationsprogramm 2020".
    pub fn full_title(&self) -> String {
        format!("{} {}", self.titel.trim(), self.jahr)
    }

    /// File-name stem of the PDF: "arbeitsmarkt-und-integrationsprogramm-2020".
    pub fn slug(&self) -> String {
        slugify(&self.full_title())
    }
}

pub use crate::text::slugify;

/// Optional front matter of a chapter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The chapter title, when the chapter has no `#` heading of its own.
    #[serde(default)]
    pub titel: Option<String>,
    /// Whether the chapter is numbered (the Vorwort is not).
    #[serde(default = "yes")]
    pub nummeriert: bool,
}

fn yes() -> bool {
    true
}

impl Default for FrontMatter {
    fn default() -> Self {
        Self {
            titel: None,
            nummeriert: true,
        }
    }
}

/// One chapter file.
#[derive(Debug, Clone)]
pub struct Chapter {
    /// Path relative to the project, e.g. `content/01-grundsicherung.md`.
    pub file: String,
    /// File stem, used for the HTML page name: `01-grundsicherung`.
    pub stem: String,
    /// Front matter (defaults when absent).
    pub front: FrontMatter,
    /// The template text after the front matter.
    pub body: String,
    /// Number of lines before `body` in the file, to map errors back to file lines.
    pub body_line_offset: usize,
}

impl Chapter {
    /// The body with one empty line per front-matter line before it, so that lines and byte
    /// offsets of findings match the file.
    pub fn padded_source(&self) -> String {
        let mut text = "\n".repeat(self.body_line_offset);
        text.push_str(&self.body);
        text
    }

    /// The name an author refers to the chapter by, the path they see below `content/`
    /// without `.md`: `04-zielgruppen/03-gefluechtete`.
    pub fn name(&self) -> &str {
        let path = self.file.strip_prefix("content/").unwrap_or(&self.file);
        path.strip_suffix(".md").unwrap_or(path)
    }
}

/// A chapter as `verweis(kapitel=…)` and `unterzeichnung.kapitel` know it: (name, page stem).
pub type ChapterName = (String, String);

/// The page stem of the chapter `wanted` names. Accepted: the path below `content/` as the
/// author sees it (with or without `content/` and `.md`), the page name
/// (`04-zielgruppen-03-gefluechtete`), and a bare file name when only one chapter has it.
pub fn chapter_stem<'a>(chapters: &'a [ChapterName], wanted: &str) -> Option<&'a str> {
    let wanted = wanted.trim().trim_start_matches("./");
    let wanted = wanted.strip_prefix("content/").unwrap_or(wanted);
    let wanted = wanted.strip_suffix(".md").unwrap_or(wanted);
    if let Some((_, stem)) = chapters
        .iter()
        .find(|(name, stem)| name == wanted || stem == wanted)
    {
        return Some(stem);
    }
    let mut by_file = chapters
        .iter()
        .filter(|(name, _)| name.rsplit('/').next() == Some(wanted));
    match (by_file.next(), by_file.next()) {
        (Some((_, stem)), None) => Some(stem),
        _ => None,
    }
}

/// The kinds of chart amip draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChartKind {
    /// Line chart over categories (e.g. years).
    Linie,
    /// Grouped vertical bars.
    Balken,
    /// Stacked vertical bars.
    Gestapelt,
    /// Donut chart of one series' parts.
    Ring,
}

/// How values are written in tables and chart labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueFormat {
    /// Integer with thousands points: 1.141.
    Ganz,
    /// One decimal: 23,4.
    Dezimal1,
    /// Two decimals: 23,41.
    Dezimal2,
    /// Percentage with one decimal: 23,4 %.
    Prozent,
    /// Euro amount: 7.053.067 EUR.
    Euro,
    /// Text as written.
    Text,
}

impl ValueFormat {
    /// Formats a number in this format (text format shows it as an integer-or-decimal number).
    pub fn number(self, value: f64) -> Result<String, crate::format::NotANumber> {
        use crate::format;
        match self {
            ValueFormat::Ganz => format::number(value, 0),
            ValueFormat::Dezimal1 => format::number(value, 1),
            ValueFormat::Dezimal2 => format::number(value, 2),
            ValueFormat::Prozent => format::percent(value, 1, PercentStyle::Sign),
            ValueFormat::Euro => format::euro(value, 0),
            ValueFormat::Text => {
                if value.fract() == 0.0 {
                    format::number(value, 0)
                } else {
                    format::number(value, 1)
                }
            }
        }
    }
}

/// One series of a chart as declared.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesDecl {
    /// Legend name.
    pub name: String,
    /// Key path into the data: a map (keys are categories), a list, or a list of records.
    pub werte: String,
    /// For records (maps in a list or map): the field holding the value.
    #[serde(default)]
    pub feld: Option<String>,
    /// For records in a list: the field naming each record (the category).
    #[serde(default)]
    pub kategorie: Option<String>,
}

/// Category labels of a chart.
#[derive(Debug, Clone)]
pub enum CategoriesDecl {
    /// Labels for list-valued series, in order.
    Labels(Vec<String>),
    /// Map keys of the series to select, with their labels.
    Keys(IndexMap<String, String>),
}

/// A chart as declared in `data/abbildungen.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartDecl {
    /// Kind of chart.
    pub art: ChartKind,
    /// Caption.
    pub titel: String,
    /// "Quelle: …" line.
    #[serde(default)]
    pub quelle: Option<String>,
    /// Alternative text for screen readers and the tagged PDF.
    #[serde(default)]
    pub alt: Option<String>,
    /// Title of the x axis.
    #[serde(default)]
    pub x_titel: Option<String>,
    /// Title of the y axis.
    #[serde(default)]
    pub y_titel: Option<String>,
    /// How values are labelled.
    #[serde(default = "default_format")]
    pub format: ValueFormat,
    /// The series.
    pub reihen: Vec<SeriesDecl>,
    /// Optional category labels or key selection.
    #[serde(default)]
    pub kategorien: Option<CategoriesDecl>,
    /// Direction of the bars (`balken`, `gestapelt`).
    #[serde(default)]
    pub ausrichtung: Orientation,
    /// Order of the categories by the first series' value (stacked: by the total).
    #[serde(default)]
    pub sortierung: Option<SortOrder>,
}

/// Direction of the bars of a bar chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Orientation {
    /// Bars stand upright over the categories.
    #[default]
    Senkrecht,
    /// Bars extend to the right from the category labels, which then have room to wrap.
    Waagerecht,
}

/// Order of a chart's categories by value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Largest value first.
    Absteigend,
    /// Smallest value first.
    Aufsteigend,
}

fn default_format() -> ValueFormat {
    ValueFormat::Ganz
}

/// A row of a table with explicit rows.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowDecl {
    /// Row label.
    pub titel: String,
    /// Key path to the map holding this row's fields.
    pub daten: String,
    /// Indentation level ("davon:" rows are 1).
    #[serde(default)]
    pub ebene: u8,
    /// A total row, shown emphasised.
    #[serde(default)]
    pub summe: bool,
}

/// Where a table's rows come from.
#[derive(Debug, Clone)]
pub enum RowsDecl {
    /// A key path to a list of maps; each map is a row.
    Path(String),
    /// Explicit rows, each pointing to a map.
    Explicit(Vec<RowDecl>),
}

/// A share column: `feld` of the row divided by the number at `basis`, in percent.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareDecl {
    /// Field of the row.
    pub feld: String,
    /// Key path to the whole.
    pub basis: String,
}

/// Two fields of a row to compare.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairDecl {
    /// The earlier value.
    pub von: String,
    /// The later value.
    pub zu: String,
}

/// A table column: a field, or a computed value.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnDecl {
    /// Column header.
    pub titel: String,
    /// Field of the row shown as it is.
    #[serde(default)]
    pub feld: Option<String>,
    /// Cell format; by default integers for numbers.
    #[serde(default)]
    pub format: Option<ValueFormat>,
    /// Computed share of a total.
    #[serde(default)]
    pub anteil: Option<ShareDecl>,
    /// Computed absolute change `zu − von`.
    #[serde(default)]
    pub differenz: Option<PairDecl>,
    /// Computed change in percent.
    #[serde(default)]
    pub veraenderung: Option<PairDecl>,
}

/// A table as declared in `data/tabellen.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableDecl {
    /// Caption.
    pub titel: String,
    /// "Quelle: …" line.
    #[serde(default)]
    pub quelle: Option<String>,
    /// Header of the row-label column (explicit rows).
    #[serde(default)]
    pub kopf: Option<String>,
    /// The rows.
    pub zeilen: RowsDecl,
    /// The columns.
    pub spalten: Vec<ColumnDecl>,
}

impl TableDecl {
    /// The key paths the table shows (rows and share bases), for its source line.
    pub fn data_paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = match &self.zeilen {
            RowsDecl::Path(path) => vec![path.clone()],
            RowsDecl::Explicit(rows) => rows.iter().map(|row| row.daten.clone()).collect(),
        };
        paths.extend(
            self.spalten
                .iter()
                .filter_map(|c| c.anteil.as_ref())
                .map(|a| a.basis.clone()),
        );
        paths
    }
}

impl ChartDecl {
    /// The key paths of the chart's series, for its source line.
    pub fn data_paths(&self) -> Vec<String> {
        self.reihen.iter().map(|s| s.werte.clone()).collect()
    }
}

/// A chart ready to draw: categories and numeric series resolved from the data.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Declaration id, also the SVG file stem.
    pub id: String,
    /// Kind of chart.
    pub kind: ChartKind,
    /// Caption, with "(Beispielwerte)" appended for example data.
    pub caption: String,
    /// Source line, without the "Quelle:" prefix.
    pub source: Option<String>,
    /// Alternative text.
    pub alt: String,
    /// Axis titles.
    pub x_title: Option<String>,
    /// Axis titles.
    pub y_title: Option<String>,
    /// Value format for labels and axis.
    pub format: ValueFormat,
    /// Direction of the bars (ignored by line and ring charts).
    pub orientation: Orientation,
    /// Category labels (x axis, or donut segments).
    pub categories: Vec<String>,
    /// Series; each has one value per category (`None` where pending).
    pub series: Vec<Series>,
}

/// One resolved series.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend name.
    pub name: String,
    /// One value per category.
    pub values: Vec<Option<f64>>,
    /// Per category what stands there: a number, a sign, an open value or a gap. Built with
    /// `values` from the same points (`data::resolve_chart`); empty when `values` says it all.
    /// Read through [`Series::point`].
    pub points: Vec<Point>,
}

/// One value where a figure stands: a number, a sign of the statistics (a published fact), or
/// a value not agreed yet. The one representation every consumer (tables, charts, their data
/// tables, legends, `diff`) reads, so a sign never turns into "derzeit in Abstimmung".
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Point {
    /// A figure.
    Number(f64),
    /// `X`, `*`, `–` or `.`.
    Sign(crate::sources::special::Special),
    /// Not agreed yet (`~`, `in_abstimmung`), or missing.
    Open,
    /// Not in the series at all: a series that starts later leaves its earlier years out.
    Gap,
}

impl Point {
    /// The figure, if it is one.
    pub fn number(self) -> Option<f64> {
        match self {
            Point::Number(n) => Some(n),
            Point::Sign(_) | Point::Open | Point::Gap => None,
        }
    }

    /// The sign, if it is one.
    pub fn sign(self) -> Option<crate::sources::special::Special> {
        match self {
            Point::Sign(sign) => Some(sign),
            Point::Number(_) | Point::Open | Point::Gap => None,
        }
    }

    /// As a table cell shows it: the formatted number, the sign, or "derzeit in Abstimmung".
    pub fn cell(self, format: ValueFormat) -> String {
        match self {
            Point::Number(n) => format.number(n).unwrap_or_else(|_| n.to_string()),
            Point::Sign(sign) => sign.sign().to_string(),
            Point::Open => crate::format::PENDING.to_string(),
            Point::Gap => String::new(),
        }
    }

    /// As running text shows it: the formatted number, the sign with its meaning, or
    /// "derzeit in Abstimmung".
    pub fn in_text(self, format: ValueFormat) -> String {
        match self {
            Point::Sign(sign) => sign.in_text(),
            Point::Number(_) | Point::Open | Point::Gap => self.cell(format),
        }
    }
}

impl Series {
    /// A series of these points.
    pub fn of_points(name: String, points: Vec<Point>) -> Self {
        let plain = points
            .iter()
            .all(|p| matches!(p, Point::Number(_) | Point::Open));
        Self {
            name,
            values: points.iter().map(|p| p.number()).collect(),
            points: if plain { Vec::new() } else { points },
        }
    }

    /// The point of category `index` (open where the series has none).
    pub fn point(&self, index: usize) -> Point {
        if let Some(point) = self.points.get(index) {
            return *point;
        }
        match self.values.get(index).copied().flatten() {
            Some(n) => Point::Number(n),
            None => Point::Open,
        }
    }
}

/// A table ready to write: all cells formatted.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Declaration id.
    pub id: String,
    /// Caption, with "(Beispielwerte)" appended for example data.
    pub caption: String,
    /// Source line, without the "Quelle:" prefix.
    pub source: Option<String>,
    /// Column headers.
    pub header: Vec<String>,
    /// Whether each column holds numbers (right-aligned).
    pub numeric: Vec<bool>,
    /// Body rows.
    pub rows: Vec<TableRow>,
}

/// One body row: the first cell is the row header.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// Formatted cells.
    pub cells: Vec<String>,
    /// Indentation level.
    pub level: u8,
    /// A total row.
    pub total: bool,
}

// Forms read by what the author wrote (see `crate::shape`): a typo inside a row or a
// category is reported as itself, at its line.

impl<'de> crate::shape::Shaped<'de> for RowsDecl {
    const EXPECTING: &'static str =
        "ein Datenpfad zu einer Liste (zeilen: ziele.lokal) oder eine Liste von Zeilen (- { titel: …, daten: … })";

    fn from_seq<D: serde::Deserializer<'de>>(seq: D) -> Result<Self, D::Error> {
        Vec::<RowDecl>::deserialize(seq).map(RowsDecl::Explicit)
    }

    fn from_text<E: serde::de::Error>(text: &str) -> Result<Self, E> {
        Ok(RowsDecl::Path(text.to_string()))
    }
}

impl<'de> Deserialize<'de> for RowsDecl {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::shape::deserialize(deserializer)
    }
}

impl<'de> crate::shape::Shaped<'de> for CategoriesDecl {
    const EXPECTING: &'static str =
        "eine Liste von Beschriftungen oder eine Zuordnung Schlüssel: Beschriftung";

    fn from_seq<D: serde::Deserializer<'de>>(seq: D) -> Result<Self, D::Error> {
        Vec::<String>::deserialize(seq).map(CategoriesDecl::Labels)
    }

    fn from_map<D: serde::Deserializer<'de>>(map: D) -> Result<Self, D::Error> {
        IndexMap::<String, String>::deserialize(map).map(CategoriesDecl::Keys)
    }
}

impl<'de> Deserialize<'de> for CategoriesDecl {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::shape::deserialize(deserializer)
    }
}

#[cfg(test)]
mod tests {
    /// The example project (the repository itself) takes `elb.jdw` from a spreadsheet declared
    /// in `data/elb.yaml`: a finding about it points at that declaration's entry.
    #[test]
    fn a_finding_about_an_imported_value_points_at_its_declaration() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let project = crate::load::load(root).unwrap();
        assert!(project.imported.of("elb.jdw.2019").is_some());
        let finding = project.finding_at_path("x".into(), "elb.jdw");
        assert_eq!(finding.file.as_deref(), Some("data/elb.yaml"));
        let (line, column) = (finding.line.unwrap(), finding.column.unwrap());
        let text = &project.sources["data/elb.yaml"];
        let at = text.lines().nth(line - 1).unwrap();
        assert_eq!(at.get(column - 1..), Some("jdw:"), "{at}");
        // A typed value is found at its own key, in its own file.
        let finding = project.finding_at_path("x".into(), "ziele.integrationen");
        assert_eq!(finding.file.as_deref(), Some("data/ziele.yaml"));
        assert_eq!((finding.line, finding.column), (Some(5), Some(1)));
    }
}
