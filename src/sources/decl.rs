//! The declaration authors write: which file, which values, under which data key. German keys,
//! in `data/quellen.yaml` or as `quelldatei:` inside a data file.

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer};

use crate::shape::{self, Shaped};

/// Text or a number as authors write it (`spalte: 2019`, `filter: {Träger-Nr.: 03504}`).
#[derive(Debug, Clone, PartialEq)]
pub enum Text {
    /// Written as text.
    Text(String),
    /// Written as a whole number.
    Int(i64),
    /// Written as a decimal number.
    Float(f64),
}

impl Text {
    /// The text to search for.
    pub fn as_text(&self) -> String {
        match self {
            Text::Text(text) => text.clone(),
            Text::Int(n) => n.to_string(),
            Text::Float(n) => n.to_string(),
        }
    }
}

/// A column named in a mapping's key: text, or a 1-based number written without quotes
/// (`filter: { 2: "13076" }`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(untagged)]
enum ColumnKey {
    Text(String),
    Number(i64),
}

/// Mapping keys as column names, numbers taken as their digits.
fn column_keys<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<IndexMap<String, Text>, D::Error> {
    let raw = IndexMap::<ColumnKey, Text>::deserialize(deserializer)?;
    Ok(raw
        .into_iter()
        .map(|(key, text)| match key {
            ColumnKey::Text(name) => (name, text),
            ColumnKey::Number(n) => (n.to_string(), text),
        })
        .collect())
}

/// A row label or column header: one text, or a path from a section heading down
/// (`[Arbeitslose, Insgesamt]`, `[Veränderung gegenüber Vorjahresmonat, in %]`).
#[derive(Debug, Clone, PartialEq)]
pub enum Labels {
    /// One label.
    One(Text),
    /// Section first, then the label below it.
    Path(Vec<Text>),
    /// Column (header, letter or 1-based number) → the text it must hold; the one row where
    /// all match (`{A: "2020", B: "13076"}`, long tables).
    Keys(IndexMap<String, Text>),
}

impl Labels {
    /// The parts, outermost first.
    pub fn parts(&self) -> Vec<String> {
        match self {
            Labels::One(text) => vec![text.as_text()],
            Labels::Path(parts) => parts.iter().map(Text::as_text).collect(),
            Labels::Keys(keys) => keys.values().map(Text::as_text).collect(),
        }
    }

    /// As written, for messages: „Arbeitslose“ › „Insgesamt“.
    pub fn shown(&self) -> String {
        if let Labels::Keys(keys) = self {
            return keys
                .iter()
                .map(|(column, text)| format!("{column} = „{}“", text.as_text()))
                .collect::<Vec<_>>()
                .join(", ");
        }
        self.parts()
            .iter()
            .map(|part| format!("„{part}“"))
            .collect::<Vec<_>>()
            .join(" › ")
    }
}

/// Several rows or columns at once: `jahre`, `monate`, or keys with their labels.
#[derive(Debug, Clone, PartialEq)]
pub enum Pick {
    /// `jahre` or `monate`: every row/column whose label is a year or a month.
    Kind(String),
    /// Data key → row label or column header.
    Keys(IndexMap<String, Labels>),
}

/// The long layout: the year only on the January row, the month beside it.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct LongDecl {
    /// Column of the year (letter or header), default `A`.
    #[serde(default)]
    pub jahr: Option<Text>,
    /// Column of the month (letter or header), default `B`.
    #[serde(default)]
    pub monat: Option<Text>,
}

/// `unvollstaendig:` of a long series: a year without the row `monat:` names.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Incomplete {
    /// Leave the year out, without a warning.
    Weglassen,
    /// Show the average of the months the file holds, with a note in the source line.
    Zeigen,
}

/// What to take for one data key.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct ValueDecl {
    /// The sheet (default: the source's `blatt`, else the first sheet).
    #[serde(default)]
    pub blatt: Option<String>,
    /// A cell by its address, e.g. `D15`.
    #[serde(default)]
    pub zelle: Option<String>,
    /// The row, found by its label.
    #[serde(default)]
    pub zeile: Option<Labels>,
    /// The column, found by its header or letter.
    #[serde(default)]
    pub spalte: Option<Labels>,
    /// Several rows of one column → a map.
    #[serde(default)]
    pub zeilen: Option<Pick>,
    /// Several columns of one row → a map.
    #[serde(default)]
    pub spalten: Option<Pick>,
    /// The long time-series layout → a map of years.
    #[serde(default)]
    pub zeitreihe: Option<LongDecl>,
    /// With `zeilen: jahre`: the column holding the year (header, letter or number), for long
    /// tables whose rows carry the year in one column (GENESIS: `A`).
    #[serde(default)]
    pub jahr: Option<Text>,
    /// With `zeitreihe`: only this month (or row label such as "Jahresdurchschnitt") per year.
    #[serde(default)]
    pub monat: Option<String>,
    /// With `zeitreihe` and `monat`: what becomes of a year without that row (the last year,
    /// still running). Default: left out, with a warning naming the year.
    #[serde(default)]
    pub unvollstaendig: Option<Incomplete>,
    /// Decimals the sheet shows; the stored number is rounded to them.
    #[serde(default)]
    pub stellen: Option<u8>,
    /// Columns holding labels (default: the source's, else `A` and `B`; CSV: all).
    #[serde(default)]
    pub beschriftung: Option<Vec<Text>>,
}

/// One source file and what to take from it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SourceDecl {
    /// The file, relative to `data/` (e.g. `quellen/amr-12062-0-201909-xlsx.xlsx`).
    pub datei: String,
    /// Who published it, for the source line of tables and charts.
    #[serde(default)]
    pub quelle: Option<String>,
    /// As of when, for the source line.
    #[serde(default)]
    pub stand: Option<String>,
    /// The file holds invented figures: everything taken is marked as example values.
    #[serde(default)]
    pub beispielwerte: bool,
    /// Default sheet for all values.
    #[serde(default)]
    pub blatt: Option<String>,
    /// Default label columns for all values.
    #[serde(default)]
    pub beschriftung: Option<Vec<Text>>,
    /// CSV: `utf-8`, `windows-1252` (also `latin-1`) or `automatisch` (default).
    #[serde(default)]
    pub kodierung: Option<String>,
    /// CSV: `;`, `,` or `tab` (default: detected from the table's rows).
    #[serde(default)]
    pub trennzeichen: Option<String>,
    /// `,` (default, German: 1.234,5) or `.` (1,234.5), for numbers stored as text.
    #[serde(default)]
    pub dezimalzeichen: Option<String>,
    /// Only rows whose column (by header, letter or 1-based number) holds the value, e.g.
    /// `Träger-Nr.: "03504"` or `B: "13076"`; compared as text, so leading zeros count.
    #[serde(default, deserialize_with = "column_keys")]
    pub filter: IndexMap<String, Text>,
    /// Data key → what to take.
    pub werte: IndexMap<String, ValueDecl>,
}

/// `quelldatei:` inside a data file: one source or a list of them.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// One source.
    One(Box<SourceDecl>),
    /// Several sources.
    Many(Vec<SourceDecl>),
}

impl Inline {
    /// The sources in order.
    pub fn into_vec(self) -> Vec<SourceDecl> {
        match self {
            Inline::One(one) => vec![*one],
            Inline::Many(many) => many,
        }
    }
}

/// A data file as far as imports are concerned: only its `quelldatei:` key.
#[derive(Debug, Clone, Deserialize)]
pub struct InlineFile {
    /// The declaration, if the file has one.
    #[serde(default, rename = "quelldatei")]
    pub inline: Option<Inline>,
}

// Each form is read by what the author wrote (see `crate::shape`), so that a typo inside a
// source is reported as itself, at its line.

impl<'de> Shaped<'de> for Text {
    const EXPECTING: &'static str = "ein Text oder eine Zahl";

    fn from_text<E: serde::de::Error>(text: &str) -> Result<Self, E> {
        Ok(Text::Text(text.to_string()))
    }

    fn from_int<E: serde::de::Error>(number: i64) -> Result<Self, E> {
        Ok(Text::Int(number))
    }

    fn from_float<E: serde::de::Error>(number: f64) -> Result<Self, E> {
        Ok(Text::Float(number))
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        shape::deserialize(deserializer)
    }
}

impl<'de> Shaped<'de> for Labels {
    const EXPECTING: &'static str =
        "eine Beschriftung, eine Liste von Beschriftungen (z. B. [Arbeitslose, Insgesamt]) oder Spalten mit ihrem Text (z. B. { A: \"2020\", B: \"13076\" })";

    fn from_map<D: Deserializer<'de>>(map: D) -> Result<Self, D::Error> {
        column_keys(map).map(Labels::Keys)
    }

    fn from_seq<D: Deserializer<'de>>(seq: D) -> Result<Self, D::Error> {
        Vec::<Text>::deserialize(seq).map(Labels::Path)
    }

    fn from_text<E: serde::de::Error>(text: &str) -> Result<Self, E> {
        Text::from_text(text).map(Labels::One)
    }

    fn from_int<E: serde::de::Error>(number: i64) -> Result<Self, E> {
        Text::from_int(number).map(Labels::One)
    }

    fn from_float<E: serde::de::Error>(number: f64) -> Result<Self, E> {
        Text::from_float(number).map(Labels::One)
    }
}

impl<'de> Deserialize<'de> for Labels {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        shape::deserialize(deserializer)
    }
}

impl<'de> Shaped<'de> for Pick {
    const EXPECTING: &'static str =
        "jahre, monate oder eine Zuordnung Datenschlüssel: Beschriftung";

    fn from_map<D: Deserializer<'de>>(map: D) -> Result<Self, D::Error> {
        IndexMap::<String, Labels>::deserialize(map).map(Pick::Keys)
    }

    fn from_text<E: serde::de::Error>(text: &str) -> Result<Self, E> {
        Ok(Pick::Kind(text.to_string()))
    }
}

impl<'de> Deserialize<'de> for Pick {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        shape::deserialize(deserializer)
    }
}

impl<'de> Shaped<'de> for Inline {
    const EXPECTING: &'static str =
        "eine Quelle (datei:, werte: …) oder eine Liste von Quellen (je Eintrag „- datei: …“)";

    fn from_map<D: Deserializer<'de>>(map: D) -> Result<Self, D::Error> {
        SourceDecl::deserialize(map).map(|one| Inline::One(Box::new(one)))
    }

    fn from_seq<D: Deserializer<'de>>(seq: D) -> Result<Self, D::Error> {
        Vec::<SourceDecl>::deserialize(seq).map(Inline::Many)
    }
}

impl<'de> Deserialize<'de> for Inline {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        shape::deserialize(deserializer)
    }
}
