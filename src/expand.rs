//! Expansion: each chapter is a tera template rendered with the data context.
//!
//! Here live the German formatting filters (`zahl`, `prozent`, `euro`, `mio_euro`,
//! `veraenderung`, `datum`) and functions (`anteil`, `veraenderung_prozent`, `tabelle`,
//! `abbildung`, `verweis`). Tables, charts and references are not rendered here: the
//! functions leave placeholders that the Markdown stage numbers in document order and both
//! writers replace, so HTML and PDF always agree on "Abbildung 2".

use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Error as TeraError, ErrorKind, Kwargs, State, Tera, Value};

use crate::diagnostic::{Finding, Findings};
use crate::format::{self, ChangeUnit, PercentStyle, PENDING};
use crate::model::Project;
use crate::numbers::Traps;

/// Info string of the fenced block a placeholder is written as.
pub const PLACEHOLDER_LANG: &str = "amip";
/// URL scheme of inline references.
pub const REFERENCE_SCHEME: &str = "amip:";

/// A chapter after expansion: plain Markdown.
#[derive(Debug, Clone)]
pub struct Expanded {
    /// Index into [`Project::chapters`].
    pub chapter: usize,
    /// The expanded Markdown.
    pub markdown: String,
}

/// What a placeholder stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    /// A declared table.
    Table,
    /// A declared chart.
    Figure,
}

impl Placed {
    /// The keyword written into placeholders and reference URLs.
    pub fn keyword(self) -> &'static str {
        match self {
            Placed::Table => "tabelle",
            Placed::Figure => "abbildung",
        }
    }

    /// Parses [`Placed::keyword`].
    pub fn from_keyword(word: &str) -> Option<Self> {
        match word {
            "tabelle" => Some(Placed::Table),
            "abbildung" => Some(Placed::Figure),
            _ => None,
        }
    }
}

/// Builds the tera instance for chapters, with all filters and functions.
pub fn chapter_tera(project: &Project) -> Tera {
    chapter_tera_with(project).0
}

/// [`chapter_tera`] and the data's number traps its filters report.
fn chapter_tera_with(project: &Project) -> (Tera, Arc<Traps>) {
    let mut tera = Tera::new();
    // Chapters are Markdown: values are escaped for Markdown, the writers escape for their
    // output; amip's placeholders are marked safe.
    crate::sandbox::escape_chapters_for_markdown(&mut tera);
    crate::sandbox::guard(&mut tera);
    let style: PercentStyle = project.programme.prozent.into();
    let traps = Arc::new(Traps::of(project));
    register_format_filters_with(&mut tera, style, Arc::clone(&traps));

    let tables: Arc<Vec<String>> = Arc::new(project.tables.keys().cloned().collect());
    let charts: Arc<Vec<String>> = Arc::new(project.charts.keys().cloned().collect());
    {
        let tables = Arc::clone(&tables);
        tera.register_function("tabelle", move |kwargs: Kwargs, _: &State| {
            placeholder(Placed::Table, &tables, &kwargs).map(|s| Value::safe_string(&s))
        });
    }
    {
        let charts = Arc::clone(&charts);
        tera.register_function("abbildung", move |kwargs: Kwargs, _: &State| {
            placeholder(Placed::Figure, &charts, &kwargs).map(|s| Value::safe_string(&s))
        });
    }
    let stems: Arc<Vec<String>> =
        Arc::new(project.chapters.iter().map(|c| c.stem.clone()).collect());
    tera.register_function("verweis", move |kwargs: Kwargs, _: &State| {
        let markdown = match section_reference(&stems, &kwargs)? {
            Some(markdown) => markdown,
            None => reference(&tables, &charts, &kwargs)?,
        };
        Ok::<Value, TeraError>(Value::safe_string(&markdown))
    });
    tera.register_function("bild", |kwargs: Kwargs, _: &State| {
        image_placeholder(&kwargs).map(|s| Value::safe_string(&s))
    });
    (tera, traps)
}

/// Registers the German formatting filters and the share/change functions.
pub fn register_format_filters(tera: &mut Tera, style: PercentStyle) {
    register_format_filters_with(tera, style, Arc::new(Traps::default()));
}

/// [`register_format_filters`] with the data's number traps: a German `2.760` shown rounded
/// or a number written as text is reported at its data line.
pub fn register_format_filters_with(tera: &mut Tera, style: PercentStyle, traps: Arc<Traps>) {
    // Plain number filters: (name, default decimals, decimals that round a `2.760`, format).
    type Plain = fn(f64, u8) -> Result<String, format::NotANumber>;
    let plain: [(&str, u8, Option<u8>, Plain); 3] = [
        ("zahl", 0, None, format::number),
        ("euro", 0, None, format::euro),
        // Millions are always rounded far beyond a thousands point.
        ("mio_euro", 1, Some(0), format::million_euro),
    ];
    for (name, default, rounding, show) in plain {
        let traps = Arc::clone(&traps);
        tera.register_filter(name, move |value: &Value, kwargs: Kwargs, _: &State| {
            let digits = digits(&kwargs, default)?;
            with_number(value, &traps, rounding.unwrap_or(digits), |n| {
                show(n, digits).map_err(not_a_number)
            })
        });
    }
    {
        let traps = Arc::clone(&traps);
        tera.register_filter(
            "prozent",
            move |value: &Value, kwargs: Kwargs, _: &State| {
                let style = match kwargs.get::<bool>("wort")? {
                    Some(true) => PercentStyle::Word,
                    Some(false) => PercentStyle::Sign,
                    None => style,
                };
                let digits = digits(&kwargs, 1)?;
                with_number(value, &traps, digits, |n| {
                    let shown = format::percent(n, digits, style).map_err(not_a_number)?;
                    if let Some(written) = traps.fraction(n) {
                        traps.note_percent(written, shown.clone());
                    }
                    Ok(shown)
                })
            },
        );
    }
    {
        let traps = Arc::clone(&traps);
        tera.register_filter(
            "veraenderung",
            move |value: &Value, kwargs: Kwargs, _: &State| {
                let unit = match kwargs.get::<&str>("einheit")? {
                    None | Some("zahl") => ChangeUnit::Number,
                    Some("prozent") => ChangeUnit::Percent,
                    Some("prozentpunkte") => ChangeUnit::Points,
                    Some(other) => {
                        return Err(TeraError::message(format!(
                            "veraenderung: unbekannte einheit „{other}“ (erlaubt: zahl, prozent, prozentpunkte)"
                        )))
                    }
                };
                let default_digits = if unit == ChangeUnit::Number { 0 } else { 1 };
                let digits = digits(&kwargs, default_digits)?;
                with_number(value, &traps, digits, |n| {
                    format::change(n, digits, unit, style).map_err(not_a_number)
                })
            },
        );
    }
    // The absolute amount, for "ein Rückgang um 42,8 %"; a pending value stays pending.
    tera.register_filter("betrag", |value: &Value, _: Kwargs, _: &State| {
        if is_pending_value(value) {
            return Ok(Value::none());
        }
        match value.as_f64() {
            Some(n) if value.is_number() => Ok(if n < 0.0 {
                Value::from(-n)
            } else {
                value.clone()
            }),
            _ => Err(TeraError::message(format!(
                "betrag: erwartet eine Zahl, erhalten: {}",
                describe(value)
            ))),
        }
    });
    tera.register_filter("datum", |value: &Value, kwargs: Kwargs, _: &State| {
        if value.is_none() {
            return Ok(format!("… ({PENDING})"));
        }
        let text = value.as_str().ok_or_else(|| {
            TeraError::message(format!(
                "datum: erwartet ein Datum wie 2019-12-09, erhalten: {value}"
            ))
        })?;
        let date = format::parse_date(text).ok_or_else(|| {
            TeraError::message(format!(
                "datum: „{text}“ ist kein gültiges Datum (erwartet JJJJ-MM-TT)"
            ))
        })?;
        Ok(if kwargs.get::<bool>("lang")?.unwrap_or(false) {
            format::date_long(date)
        } else {
            format::date_short(date)
        })
    });
    tera.register_function("anteil", |kwargs: Kwargs, _: &State| {
        if let Some(mark) = special_argument(&kwargs, ["teil", "ganzes"]) {
            return Ok(mark);
        }
        let part = required_number(&kwargs, "anteil", "teil")?;
        let whole = required_number(&kwargs, "anteil", "ganzes")?;
        match (part, whole) {
            (Some(part), Some(whole)) => {
                format::share(part, whole).map(Value::from).ok_or_else(|| {
                    TeraError::message("anteil: ganzes ist 0, der Anteil ist nicht bestimmt")
                })
            }
            _ => Ok(Value::none()),
        }
    });
    tera.register_function("differenz", |kwargs: Kwargs, _: &State| {
        if let Some(mark) = special_argument(&kwargs, ["von", "auf"]) {
            return Ok(mark);
        }
        let from = required_number(&kwargs, "differenz", "von")?;
        let to = required_number(&kwargs, "differenz", "auf")?;
        Ok::<Value, TeraError>(match (from, to) {
            (Some(from), Some(to)) => Value::from(to - from),
            _ => Value::none(),
        })
    });
    tera.register_function("veraenderung_prozent", |kwargs: Kwargs, _: &State| {
        if let Some(mark) = special_argument(&kwargs, ["von", "auf"]) {
            return Ok(mark);
        }
        let from = required_number(&kwargs, "veraenderung_prozent", "von")?;
        let to = required_number(&kwargs, "veraenderung_prozent", "auf")?;
        match (from, to) {
            (Some(from), Some(to)) => format::change_percent(from, to)
                .map(Value::from)
                .ok_or_else(|| {
                    TeraError::message(
                        "veraenderung_prozent: von ist 0, die Veränderung ist nicht bestimmt",
                    )
                }),
            _ => Ok(Value::none()),
        }
    });
}

fn not_a_number(err: format::NotANumber) -> TeraError {
    TeraError::message(err.to_string())
}

fn digits(kwargs: &Kwargs, default: u8) -> Result<u8, TeraError> {
    match kwargs.get::<i64>("stellen")? {
        None => Ok(default),
        Some(n) => u8::try_from(n).ok().filter(|n| *n <= 6).ok_or_else(|| {
            TeraError::message(format!("stellen muss zwischen 0 und 6 liegen, nicht {n}"))
        }),
    }
}

/// Whether a template value stands for a value that is not agreed yet.
fn is_pending_value(value: &Value) -> bool {
    value.is_none()
        || value
            .as_str()
            .is_some_and(|s| s.trim() == crate::data::PENDING_WORD)
}

/// A template value for messages: `Text „viele“`, `Liste`.
fn describe(value: &Value) -> String {
    match value.as_str() {
        Some(text) => format!("Text „{text}“"),
        None => type_name(value.name()).to_string(),
    }
}

/// Marks a filter error that is really about a data value, so it is reported at the data line.
const DATA_MARK: char = '\u{1}';

fn data_error(kind: &str, path: &str, shown: &str) -> TeraError {
    TeraError::message(format!(
        "{DATA_MARK}{kind}{DATA_MARK}{path}{DATA_MARK}{shown}"
    ))
}

/// Applies `f` to a number shown with `digits` decimals; a pending value (none) renders as
/// "… (derzeit in Abstimmung)". A German `2.760` shown rounded and a number written as text
/// are errors reported at their data line.
fn with_number(
    value: &Value,
    traps: &Traps,
    digits: u8,
    f: impl FnOnce(f64) -> Result<String, TeraError>,
) -> Result<String, TeraError> {
    // A special value of the statistics shows as its sign with its meaning.
    if let Some(mark) = value
        .as_str()
        .and_then(crate::sources::special::Special::parse)
    {
        return Ok(mark.in_text());
    }
    if is_pending_value(value) {
        return Ok(format!("… ({PENDING})"));
    }
    if let Some(text) = value.as_str() {
        if let Some(written) = traps.text(text) {
            return Err(data_error("text", &written.path, ""));
        }
    }
    match value.as_f64() {
        Some(n) if value.is_number() => {
            let shown = f(n)?;
            match traps.thousands(n) {
                Some(written) if crate::numbers::rounds(digits) => {
                    Err(data_error("tausender", &written.path, &shown))
                }
                _ => Ok(shown),
            }
        }
        _ => Err(TeraError::message(format!(
            "Zahl erwartet, erhalten: {}",
            describe(value)
        ))),
    }
}

/// The first argument among `names` that is a special value of the statistics: a share or
/// change of it is that special value too.
fn special_argument(kwargs: &Kwargs, names: [&str; 2]) -> Option<Value> {
    names.into_iter().find_map(|name| {
        kwargs.get::<Value>(name).ok().flatten().filter(|value| {
            value
                .as_str()
                .and_then(crate::sources::special::Special::parse)
                .is_some()
        })
    })
}

fn required_number(kwargs: &Kwargs, function: &str, name: &str) -> Result<Option<f64>, TeraError> {
    let value = kwargs
        .get::<Value>(name)?
        .ok_or_else(|| TeraError::message(format!("{function}: das Argument {name}= fehlt")))?;
    if is_pending_value(&value) {
        return Ok(None);
    }
    value
        .as_f64()
        .filter(|_| value.is_number())
        .map(Some)
        .ok_or_else(|| {
            TeraError::message(format!(
                "{function}: {name}= muss eine Zahl sein, erhalten: {}",
                describe(&value)
            ))
        })
}

fn known(ids: &[String]) -> String {
    if ids.is_empty() {
        "keine".to_string()
    } else {
        ids.join(", ")
    }
}

fn placeholder(kind: Placed, ids: &[String], kwargs: &Kwargs) -> Result<String, TeraError> {
    let id = kwargs
        .get::<&str>("id")?
        .ok_or_else(|| TeraError::message(format!("{}: das Argument id= fehlt", kind.keyword())))?;
    if !ids.iter().any(|known| known == id) {
        let file = match kind {
            Placed::Table => crate::load::TABLES_FILE,
            Placed::Figure => crate::load::CHARTS_FILE,
        };
        return Err(TeraError::message(format!(
            "{}(id=\"{id}\"): in {file} ist nichts unter „{id}“ erklärt (vorhanden: {})",
            kind.keyword(),
            known(ids)
        )));
    }
    Ok(format!(
        "\n\n```{PLACEHOLDER_LANG}\n{} {id}\n```\n\n",
        kind.keyword()
    ))
}

fn reference(tables: &[String], charts: &[String], kwargs: &Kwargs) -> Result<String, TeraError> {
    let (kind, id) = if let Some(id) = kwargs.get::<&str>("tabelle")? {
        (Placed::Table, id)
    } else if let Some(id) = kwargs.get::<&str>("abbildung")? {
        (Placed::Figure, id)
    } else if let Some(id) = kwargs.get::<&str>("id")? {
        let is_table = tables.iter().any(|t| t == id);
        let is_chart = charts.iter().any(|c| c == id);
        match (is_table, is_chart) {
            (true, true) => {
                return Err(TeraError::message(format!(
                    "verweis(id=\"{id}\"): „{id}“ ist Tabelle und Abbildung; schreiben Sie verweis(tabelle=\"{id}\") oder verweis(abbildung=\"{id}\")"
                )))
            }
            (true, false) => (Placed::Table, id),
            (false, true) => (Placed::Figure, id),
            (false, false) => {
                return Err(TeraError::message(format!(
                    "verweis(id=\"{id}\"): keine Tabelle und keine Abbildung heißt „{id}“ (Tabellen: {}; Abbildungen: {})",
                    known(tables),
                    known(charts)
                )))
            }
        }
    } else {
        return Err(TeraError::message(
            "verweis: geben Sie id=, tabelle= oder abbildung= an",
        ));
    };
    let ids = match kind {
        Placed::Table => tables,
        Placed::Figure => charts,
    };
    if !ids.iter().any(|known| known == id) {
        return Err(TeraError::message(format!(
            "verweis: „{id}“ ist nicht erklärt (vorhanden: {})",
            known(ids)
        )));
    }
    Ok(format!("[]({REFERENCE_SCHEME}{}/{id})", kind.keyword()))
}

/// Kind of target of `verweis(kapitel=…)` / `verweis(abschnitt=…)`, as written into the
/// reference URL (`amip:kapitel/04-ressourcen`).
pub const CHAPTER_KEYWORD: &str = "kapitel";
/// See [`CHAPTER_KEYWORD`].
pub const SECTION_KEYWORD: &str = "abschnitt";
/// First word of the placeholder block that `bild(…)` writes.
pub const IMAGE_KEYWORD: &str = "bild";

/// `verweis(kapitel="04-ressourcen")` and `verweis(abschnitt="anker")`: a reference link the
/// Markdown stage resolves to "Kapitel 4" / "Abschnitt 4.2"; `None` for the other forms.
fn section_reference(stems: &[String], kwargs: &Kwargs) -> Result<Option<String>, TeraError> {
    if let Some(chapter) = kwargs.get::<&str>(CHAPTER_KEYWORD)? {
        let wanted = chapter
            .trim()
            .trim_start_matches("content/")
            .trim_end_matches(".md");
        let wanted = wanted.rsplit('/').next().unwrap_or(wanted);
        if !stems.iter().any(|stem| stem == wanted) {
            return Err(TeraError::message(format!(
                "verweis(kapitel=\"{chapter}\"): ein Kapitel „{chapter}“ gibt es nicht; nennen Sie den Dateinamen ohne .md (vorhanden: {})",
                known(stems)
            )));
        }
        return Ok(Some(reference_link(CHAPTER_KEYWORD, wanted)?));
    }
    if let Some(section) = kwargs.get::<&str>(SECTION_KEYWORD)? {
        let anchor = section.trim().trim_start_matches('#');
        if anchor.is_empty() {
            return Err(TeraError::message(
                "verweis(abschnitt=\"…\"): nennen Sie den Anker der Überschrift, z. B. abschnitt=\"eingliederungsleistungen\"",
            ));
        }
        return Ok(Some(reference_link(SECTION_KEYWORD, anchor)?));
    }
    Ok(None)
}

/// `[](<amip:kind/target>)`: the angle brackets allow spaces in chapter file names.
fn reference_link(kind: &str, target: &str) -> Result<String, TeraError> {
    if target.contains(['<', '>', '\n', '\r', '\\']) {
        return Err(TeraError::message(format!(
            "verweis: „{target}“ enthält Zeichen, die in keinem Anker vorkommen (<, >, \\, Zeilenumbruch)"
        )));
    }
    Ok(format!("[](<{REFERENCE_SCHEME}{kind}/{target}>)"))
}

/// Width of an image placed with `bild(…, breite=…)`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ImageWidth {
    /// Share of the text width, in percent (1–100).
    Percent(f64),
    /// Centimetres.
    Cm(f64),
    /// Millimetres.
    Mm(f64),
    /// CSS pixels (1/96 inch).
    Px(f64),
}

impl ImageWidth {
    /// Parses "40%", "6cm", "60 mm", "300px" (German decimal comma allowed).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().replace(',', ".");
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let value: f64 = number
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v > 0.0)?;
        match unit.trim() {
            "%" if value <= 100.0 => Some(Self::Percent(value)),
            "cm" if value <= 100.0 => Some(Self::Cm(value)),
            "mm" if value <= 1000.0 => Some(Self::Mm(value)),
            "px" if value <= 10000.0 => Some(Self::Px(value)),
            _ => None,
        }
    }
}

/// What `bild(…)` writes into the placeholder block (as JSON).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ImageCall {
    /// Path relative to `content/`, as the author wrote it.
    pub datei: String,
    /// Alternative text.
    pub alt: String,
    /// Requested width, or the image's own size (never wider than the text).
    pub breite: Option<ImageWidth>,
}

/// `bild(datei="bilder/x.png", alt="…", breite="40%")`: a block placeholder; the file and the
/// alternative text are checked in the Markdown stage, which knows the project's images.
fn image_placeholder(kwargs: &Kwargs) -> Result<String, TeraError> {
    let datei = kwargs.get::<&str>("datei")?.ok_or_else(|| {
        TeraError::message("bild: das Argument datei= fehlt (z. B. datei=\"bilder/logo.png\")")
    })?;
    let alt = kwargs.get::<&str>("alt")?.ok_or_else(|| {
        TeraError::message("bild: das Argument alt= fehlt; beschreiben Sie, was das Bild zeigt")
    })?;
    let breite = match kwargs.get::<&str>("breite")? {
        None => None,
        Some(text) => Some(ImageWidth::parse(text).ok_or_else(|| {
            TeraError::message(format!(
                "bild: breite=\"{text}\" ist keine Breite; schreiben Sie z. B. \"40%\", \"6cm\", \"60mm\" oder \"300px\""
            ))
        })?),
    };
    let call = ImageCall {
        datei: datei.to_string(),
        alt: alt.to_string(),
        breite,
    };
    let json = serde_json::to_string(&call)
        .map_err(|err| TeraError::message(format!("bild: {err}")))?
        // A backtick in the text must not end the fenced block early.
        .replace('`', "\\u0060");
    Ok(format!(
        "\n\n```{PLACEHOLDER_LANG}\n{IMAGE_KEYWORD} {json}\n```\n\n"
    ))
}

/// Expands every chapter; reports all template errors with chapter file and line.
pub fn expand_all(project: &Project) -> Result<Vec<Expanded>, Findings> {
    expand_all_with_warnings(project).map(|(expanded, _)| expanded)
}

/// [`expand_all`] and the warnings found on the way (fractions given to `prozent`).
pub fn expand_all_with_warnings(project: &Project) -> Result<(Vec<Expanded>, Findings), Findings> {
    let (mut tera, traps) = chapter_tera_with(project);
    let mut findings = Findings::default();
    // Pending values are none for tera, whether written `~` or `in_abstimmung`, so that every
    // operation on them is recognised as one on a pending value.
    let mut data = project.data.clone();
    pending_to_none(&mut data);
    let context = match Context::from_serialize(&data) {
        Ok(context) => context,
        Err(err) => {
            findings.push(Finding::error(format!(
                "Die Daten können nicht übergeben werden: {err}"
            )));
            return Err(findings);
        }
    };
    // Fast path: all chapters in one batch, so tera links its templates once (adding them one
    // by one re-links every template each time, which grows with the square of the chapters).
    // Any error undoes the batch; the chapters are then added one by one for precise findings.
    let all_closed = project
        .chapters
        .iter()
        .all(|chapter| unclosed_tag(&chapter.body).is_none());
    let batch_ok = all_closed
        && tera
            .add_raw_templates(
                project
                    .chapters
                    .iter()
                    .map(|chapter| (chapter.file.as_str(), chapter.body.as_str())),
            )
            .is_ok();
    for chapter in &project.chapters {
        if let Some(offset) = crate::sandbox::context_dump(&chapter.body) {
            let full = full_source(chapter);
            let start = chapter.body_line_offset + offset;
            findings.push(
                Finding::error(format!(
                    "Vorlagenfehler in {}: {}",
                    chapter.file,
                    crate::sandbox::context_dump_message()
                ))
                .in_file(&chapter.file)
                .at_range(&full, start..start + "__tera_context".len()),
            );
        }
    }
    for chapter in project.chapters.iter().filter(|_| !batch_ok) {
        if let Some((offset, close)) = unclosed_tag(&chapter.body) {
            let full = full_source(chapter);
            let start = chapter.body_line_offset + offset;
            findings.push(
                Finding::error(format!(
                    "Vorlagenfehler in {}: hier beginnt ein Platzhalter, der nie mit {close} geschlossen wird.",
                    chapter.file
                ))
                .in_file(&chapter.file)
                .at_range(&full, start..start + 2),
            );
            continue;
        }
        if let Err(err) = tera.add_raw_template(&chapter.file, &chapter.body) {
            findings.push(template_finding(project, &err, chapter, &Edits::default()));
        }
    }
    for chapter in &project.chapters {
        findings.extend(placement_findings(chapter));
    }
    if findings.has_errors() {
        return Err(findings);
    }
    // Chapters are independent: render them on all cores, collected in chapter order.
    let rendered: Vec<Result<String, (crate::sandbox::RenderError, Edits)>> = project
        .chapters
        .par_iter()
        .map(|chapter| render_chapter(&tera, chapter, &context))
        .collect();
    let mut expanded = Vec::new();
    for ((index, chapter), result) in project.chapters.iter().enumerate().zip(rendered) {
        match result {
            Ok(markdown) => expanded.push(Expanded {
                chapter: index,
                markdown,
            }),
            Err((crate::sandbox::RenderError::Template(err), edits)) => {
                findings.push(template_finding(project, &err, chapter, &edits))
            }
            Err((crate::sandbox::RenderError::Exceeded(exceeded, err), _)) => {
                findings.push(runaway_finding(exceeded, &err, chapter))
            }
        }
    }
    let mut uses = traps
        .percent_uses
        .lock()
        .map(|mut uses| std::mem::take(&mut *uses))
        .unwrap_or_default();
    uses.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    uses.dedup_by(|a, b| a.0.path == b.0.path);
    for (written, shown) in uses {
        findings.push(crate::numbers::percent_finding(
            project,
            &written,
            &shown,
            "in einem Kapitel",
        ));
    }
    if findings.has_errors() {
        Err(findings)
    } else {
        Ok((expanded, findings))
    }
}

/// Replaces `in_abstimmung` by null throughout the tree.
fn pending_to_none(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => map.values_mut().for_each(pending_to_none),
        serde_json::Value::Array(list) => list.iter_mut().for_each(pending_to_none),
        other if crate::data::is_pending(other) && crate::data::special(other).is_none() => {
            *other = serde_json::Value::Null;
        }
        _ => {}
    }
}

/// `{{ tabelle(…) }}` and `{{ abbildung(…) }}` stand on a line of their own: within a
/// sentence they would silently split the paragraph.
fn placement_findings(chapter: &crate::model::Chapter) -> Findings {
    let mut findings = Findings::default();
    let full = full_source(chapter);
    for (start, end) in tags(&chapter.body) {
        let Some(inner) = chapter.body.get(start + 2..end - 2) else {
            continue;
        };
        if !chapter.body[start..].starts_with("{{") {
            continue;
        }
        let call = inner.trim_matches(|c: char| c == '-' || c.is_whitespace());
        let Some(kind) = ["tabelle", "abbildung"].into_iter().find(|kind| {
            call.strip_prefix(kind)
                .is_some_and(|rest| rest.trim_start().starts_with('('))
        }) else {
            continue;
        };
        let line_start = chapter.body[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = chapter.body[end..]
            .find('\n')
            .map_or(chapter.body.len(), |i| end + i);
        let before = chapter.body[line_start..start].trim();
        let after = chapter.body[end..line_end].trim();
        if !before.is_empty() || !after.is_empty() {
            let padding = chapter.body_line_offset;
            findings.push(
                Finding::error(format!(
                    "Vorlagenfehler in {}: {kind}(…) steht mitten im Text; Tabellen und Abbildungen stehen in einer eigenen Zeile.",
                    chapter.file
                ))
                .in_file(&chapter.file)
                .at_range(&full, padding + start..padding + end)
                .with_help(format!(
                    "Setzen Sie {{{{ {call} }}}} in eine eigene Zeile mit Leerzeilen davor und danach; im Satz verweist man mit {{{{ verweis(id=\"…\") }}}}."
                )),
            );
        }
    }
    findings
}

/// The data paths a chapter's tags name, normalised to dots (`elb.jdw["2019"]` is
/// `elb.jdw.2019`), with their byte offset in `body`. Best effort: names bound in the template
/// (`{% for x in … %}`) are listed as written.
pub fn template_paths(body: &str) -> Vec<(usize, String)> {
    let mut paths = Vec::new();
    for (start, end) in tags(body) {
        let Some(tag) = body.get(start..end) else {
            continue;
        };
        let chars: Vec<(usize, char)> = tag.char_indices().collect();
        let mut i = 0;
        let mut previous = ' ';
        while let Some(&(offset, c)) = chars.get(i) {
            if c == '"' || c == '\'' {
                // Skip a string literal.
                i += 1;
                while chars.get(i).is_some_and(|&(_, d)| d != c) {
                    i += 1;
                }
                i += 1;
                previous = c;
                continue;
            }
            let starts_name = (c.is_alphabetic() || c == '_')
                && !(previous.is_alphanumeric() || previous == '_' || previous == '.');
            if !starts_name {
                previous = c;
                i += 1;
                continue;
            }
            let mut path = String::new();
            let mut segment = String::new();
            loop {
                match chars.get(i).map(|&(_, c)| c) {
                    Some(c) if c.is_alphanumeric() || c == '_' => {
                        segment.push(c);
                        i += 1;
                    }
                    Some('.') => {
                        path.push_str(&segment);
                        path.push('.');
                        segment.clear();
                        i += 1;
                    }
                    Some('[') => {
                        // ["key"], ['key'] or [0]
                        let mut j = i + 1;
                        let quote = chars
                            .get(j)
                            .map(|&(_, c)| c)
                            .filter(|c| *c == '"' || *c == '\'');
                        if quote.is_some() {
                            j += 1;
                        }
                        let mut key = String::new();
                        while let Some(&(_, k)) = chars.get(j) {
                            if Some(k) == quote || (quote.is_none() && k == ']') {
                                break;
                            }
                            key.push(k);
                            j += 1;
                        }
                        if quote.is_some() {
                            j += 1;
                        }
                        if chars.get(j).map(|&(_, c)| c) != Some(']')
                            || (quote.is_none() && !key.chars().all(|c| c.is_ascii_digit()))
                        {
                            break;
                        }
                        path.push_str(&segment);
                        path.push('.');
                        segment = key;
                        i = j + 1;
                    }
                    _ => break,
                }
            }
            path.push_str(&segment);
            let path = path.trim_end_matches('.').to_string();
            let next = chars.get(i).map(|&(_, c)| c);
            // Function names and keyword arguments are not data.
            if next != Some('(') && next != Some('=') {
                paths.push((start + offset, path));
            }
            previous = 'x';
        }
    }
    paths
}

/// Byte ranges of every `{{ … }}` and `{% … %}` tag of `body`, in order.
fn tags(body: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(offset) = body.get(at..).and_then(|rest| rest.find('{')) {
        let start = at + offset;
        let close = match body.get(start + 1..start + 2) {
            Some("{") => "}}",
            Some("%") => "%}",
            Some("#") => "#}",
            _ => {
                at = start + 1;
                continue;
            }
        };
        match body.get(start + 2..).and_then(|rest| rest.find(close)) {
            Some(end) => {
                let end = start + 2 + end + 2;
                if close != "#}" {
                    found.push((start, end));
                }
                at = end;
            }
            None => break,
        }
    }
    found
}

/// Replacements made in a chapter's source to render pending values: (start, old length,
/// new length), each in the coordinates of the text it was made in.
#[derive(Debug, Default, Clone)]
struct Edits(Vec<(usize, usize, usize)>);

impl Edits {
    /// Maps an offset in the edited text back to the chapter as written.
    fn original(&self, mut offset: usize) -> usize {
        for &(start, old, new) in self.0.iter().rev() {
            if offset >= start + new {
                offset = offset - new + old;
            } else if offset > start {
                offset = start;
            }
        }
        offset
    }
}

/// At most this many pending expressions are rendered per chapter.
const MAX_PENDING_REPAIRS: usize = 500;

/// Renders a chapter. An expression on a pending value that tera cannot evaluate (`a - b`,
/// `a > b`, `abs`, …) is pending as a whole: its tag is replaced by the pending text (a
/// `set` stores none, an `if` block shows the pending text) and the chapter rendered again.
fn render_chapter(
    tera: &Tera,
    chapter: &crate::model::Chapter,
    context: &Context,
) -> Result<String, (crate::sandbox::RenderError, Edits)> {
    use crate::sandbox::{render_bounded, RenderError, Source};
    let mut edits = Edits::default();
    let mut source: Option<String> = None;
    loop {
        let result = match &source {
            None => render_bounded(tera, Source::Template(&chapter.file), context),
            Some(text) => render_bounded(tera, Source::Text(text), context),
        };
        let err = match result {
            Ok(markdown) => return Ok(markdown),
            Err(RenderError::Template(err)) => err,
            Err(exceeded) => return Err((exceeded, edits)),
        };
        let current = source.as_deref().unwrap_or(&chapter.body);
        match pending_repair(current, &err) {
            Some((range, replacement)) if edits.0.len() < MAX_PENDING_REPAIRS => {
                let mut text = current.to_string();
                edits.0.push((range.start, range.len(), replacement.len()));
                text.replace_range(range, &replacement);
                source = Some(text);
            }
            _ => return Err((RenderError::Template(err), edits)),
        }
    }
}

/// The full text of a tera error, with its causes.
fn error_text(err: &TeraError) -> String {
    let mut text = match err.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            report.message().to_string()
        }
        other => other.to_string(),
    };
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// Where a failed expression on a pending value sits in `source`, and what replaces it.
fn pending_repair(source: &str, err: &TeraError) -> Option<(std::ops::Range<usize>, String)> {
    let ErrorKind::RenderingError(report) = err.kind() else {
        return None;
    };
    if !error_text(err).contains("`none`") {
        return None;
    }
    let at = report.span().range.start;
    let all = tags(source);
    let index = all
        .iter()
        .position(|&(start, end)| start <= at && at < end)?;
    let (start, end) = *all.get(index)?;
    let pending = format!("… ({PENDING})");
    let tag = source.get(start..end)?;
    if tag.starts_with("{{") {
        return Some((start..end, pending));
    }
    let inner = tag.get(2..tag.len() - 2)?;
    let word = inner
        .trim_start_matches('-')
        .split_whitespace()
        .next()
        .unwrap_or_default();
    match word {
        "set" | "set_global" => {
            let (name, _) = inner.split_once('=')?;
            let close = if inner.ends_with('-') { "-%}" } else { "%}" };
            Some((start..end, format!("{{%{name}= none {close}")))
        }
        "if" | "elif" => {
            // The whole `if` block the failing condition belongs to.
            let mut stack: Vec<usize> = Vec::new();
            let mut owner = None;
            for (position, &(s, e)) in all.iter().enumerate() {
                let first = source
                    .get(s + 2..e - 2)
                    .unwrap_or_default()
                    .trim_start_matches('-')
                    .split_whitespace()
                    .next()
                    .unwrap_or_default();
                if !source[s..].starts_with("{%") {
                    continue;
                }
                match first {
                    "if" => stack.push(s),
                    "endif" => {
                        let opened = stack.pop()?;
                        if let Some(block_start) = owner {
                            if opened == block_start {
                                return Some((block_start..e, pending));
                            }
                        }
                    }
                    _ => {}
                }
                if position == index {
                    owner = stack.last().copied();
                }
            }
            None
        }
        _ => None,
    }
}

/// Maps a tera error to a finding at the chapter's file and line (front matter included).
fn template_finding(
    project: &Project,
    err: &TeraError,
    chapter: &crate::model::Chapter,
    edits: &Edits,
) -> Finding {
    let full = full_source(chapter);
    let text = error_text(err);
    let range = match err.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let range = report.span().range.clone();
            Some(edits.original(range.start)..edits.original(range.end))
        }
        _ => None,
    };
    let place = |range: &Option<std::ops::Range<usize>>| {
        let at = range.as_ref().map_or(0, |r| r.start);
        let prefix = chapter.body.get(..at).unwrap_or_default();
        format!(
            "{}:{}",
            chapter.file,
            chapter.body_line_offset + prefix.matches('\n').count() + 1
        )
    };
    // A filter's complaint about a data value: reported at the value's data line.
    if let Some(marked) = text.split_once(DATA_MARK).map(|(_, rest)| rest) {
        let parts: Vec<&str> = marked.split(DATA_MARK).collect();
        if let [kind, path, shown, ..] = parts.as_slice() {
            let traps = Traps::of(project);
            if let Some(written) = traps.at(path) {
                let used = format!("in {}", place(&range));
                return match *kind {
                    "tausender" => {
                        crate::numbers::thousands_finding(project, written, shown, &used)
                    }
                    _ => crate::numbers::text_finding(
                        project,
                        written,
                        &format!("der Filter {used}"),
                    ),
                };
            }
        }
    }
    // Tera sometimes embeds its own report ("error: … --> file:line:col"): keep the message,
    // take the place from it.
    let embedded_place = text.find("--> ").and_then(|at| {
        let rest = text.get(at + 4..)?.lines().next()?;
        let mut parts = rest.rsplitn(3, ':');
        let column: usize = parts.next()?.trim().parse().ok()?;
        let line: usize = parts.next()?.trim().parse().ok()?;
        Some((line, column))
    });
    let message: Vec<&str> = text
        .lines()
        .map(|l| l.trim().trim_start_matches("error: "))
        .filter(|l| {
            !l.is_empty()
                && !l.starts_with("-->")
                && !l.starts_with('|')
                && !l.chars().next().is_some_and(|c| c.is_ascii_digit())
        })
        .collect();
    let (detail, help) = translate(&message.join(" "));
    let source_text = range
        .as_ref()
        .and_then(|r| chapter.body.get(r.clone()))
        .unwrap_or_default();
    let help = umlaut_help(source_text, &chapter.body, range.as_ref()).or(help);
    let mut finding = Finding::error(format!("Vorlagenfehler in {}: {detail}", chapter.file))
        .in_file(&chapter.file);
    if let Some(help) = help {
        finding = finding.with_help(help);
    }
    match (range, embedded_place) {
        (Some(range), _) => {
            let padding = chapter.body_line_offset;
            finding.at_range(&full, padding + range.start..padding + range.end)
        }
        (None, Some((line, column))) => finding.at(&full, line + chapter.body_line_offset, column),
        (None, None) => finding,
    }
}

/// A template that ran out of a budget: the place of tera's error when it has one (a
/// `range()` call), else the chapter's first loop.
fn runaway_finding(
    exceeded: crate::sandbox::Exceeded,
    err: &TeraError,
    chapter: &crate::model::Chapter,
) -> Finding {
    let full = full_source(chapter);
    let message = format!("Vorlagenfehler in {}: {}", chapter.file, exceeded.message());
    let span = match err.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            Some(report.span().range.clone())
        }
        _ => None,
    };
    let range = span.or_else(|| {
        let at = chapter
            .body
            .find("{% for")
            .or_else(|| chapter.body.find("{%- for"))?;
        Some(at..at + 2)
    });
    let finding = Finding::error(message).in_file(&chapter.file);
    match range {
        Some(range) => {
            let padding = chapter.body_line_offset;
            finding.at_range(&full, padding + range.start..padding + range.end)
        }
        None => finding,
    }
}

/// A key with umlauts written with a dot (`elb.männer`): tera names need brackets.
fn umlaut_help(
    _spanned: &str,
    body: &str,
    range: Option<&std::ops::Range<usize>>,
) -> Option<String> {
    let at = range?.start;
    // The dotted path around the failing place.
    let is_path = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    let start = body
        .get(..at)?
        .rfind(|c: char| !is_path(c))
        .map_or(0, |i| i + 1);
    let end = body
        .get(at..)?
        .find(|c: char| !is_path(c))
        .map_or(body.len(), |i| at + i);
    let path = body.get(start..end)?;
    if path.is_ascii() || !path.contains('.') {
        return None;
    }
    let mut parts = path.split('.');
    let mut written = parts.next()?.to_string();
    for part in parts {
        if part.is_ascii() && !part.is_empty() && !part.starts_with(|c: char| c.is_ascii_digit()) {
            written.push('.');
            written.push_str(part);
        } else {
            written.push_str(&format!("[\"{part}\"]"));
        }
    }
    Some(format!(
        "Schlüssel mit Umlauten oder Ziffern schreibt man in eckigen Klammern: {written}"
    ))
}

fn full_source(chapter: &crate::model::Chapter) -> String {
    // Front matter is not part of the template (see `Chapter::padded_source`).
    chapter.padded_source()
}

/// The first `{{`, `{%` or `{#` that is never closed, as a byte offset into `body`.
pub fn unclosed_tag(body: &str) -> Option<(usize, &'static str)> {
    let mut at = 0;
    while let Some(found) = body.get(at..).and_then(|rest| rest.find('{')) {
        let start = at + found;
        let close = match body.get(start + 1..start + 2) {
            Some("{") => "}}",
            Some("%") => "%}",
            Some("#") => "#}",
            _ => {
                at = start + 1;
                continue;
            }
        };
        // The tag is unclosed when the next tag opens before it closes.
        let rest = body.get(start + 2..).unwrap_or_default();
        let next_open = ["{{", "{%", "{#"]
            .iter()
            .filter_map(|open| rest.find(open))
            .min();
        match rest.find(close) {
            Some(end) if next_open.is_none_or(|next| end < next) => at = start + 2 + end + 2,
            _ => return Some((start, close)),
        }
    }
    None
}

/// German names of tera's value types.
fn type_name(name: &str) -> &str {
    match name {
        "none" => "ein leerer Wert (derzeit in Abstimmung)",
        "undefined" => "ein Wert, den es in den Daten nicht gibt",
        "string" => "Text",
        "bool" => "ein Wahrheitswert",
        "array" => "eine Liste",
        "map/struct" | "map" => "eine Zuordnung",
        "bytes" => "Bytes",
        name if name.starts_with(['i', 'u', 'f']) && name.len() <= 4 => "eine Zahl",
        other => other,
    }
}

/// One of tera's messages: the English pattern (`{}` marks a part taken over), the German
/// text (`{0}`, `{1}` … are the parts, `{t0}` … the parts as German type names) and advice.
struct Phrase {
    english: &'static str,
    german: &'static str,
    help: Option<&'static str>,
}

const fn phrase(english: &'static str, german: &'static str, help: &'static str) -> Phrase {
    Phrase {
        english,
        german,
        help: if help.is_empty() { None } else { Some(help) },
    }
}

const NAME_HELP: &str = "Prüfen Sie die Schreibweise; Schlüssel aus data/ schreibt man als datei.schluessel, Jahreszahlen und Umlaute in eckigen Klammern: elb.jdw[\"2019\"], elb[\"männer\"].";

/// Tera's messages as authors meet them, most specific first.
const PHRASES: &[Phrase] = &[
    phrase("Variable `{}` is not defined. Available variables: {}", "Die Variable „{0}“ gibt es nicht. Vorhanden sind: {1}", NAME_HELP),
    phrase("Variable `{}` is not defined.", "Die Variable „{0}“ gibt es nicht.", NAME_HELP),
    phrase("Variable `{}` exists but its value is undefined", "Die Variable „{0}“ hat keinen Wert.", NAME_HELP),
    phrase("Field `{}` is not defined. Available fields: {}", "Den Schlüssel „{0}“ gibt es hier nicht. Vorhanden sind: {1}", NAME_HELP),
    phrase("Field `{}` is not defined", "Den Schlüssel „{0}“ gibt es hier nicht.", NAME_HELP),
    phrase("Tried to render a variable that is undefined", "Dieser Wert ist in den Daten nicht vorhanden (ein Schlüssel fehlt oder ist falsch geschrieben).", NAME_HELP),
    phrase("Tried to escape an undefined value", "Dieser Wert ist in den Daten nicht vorhanden.", NAME_HELP),
    phrase("Cannot index into an undefined value", "Dieser Wert ist in den Daten nicht vorhanden, in ihm kann nicht nachgeschlagen werden.", NAME_HELP),
    phrase("Index expression is undefined", "Der Schlüssel in den eckigen Klammern ist in den Daten nicht vorhanden.", NAME_HELP),
    phrase("This filter can only be used on a number, received `{}`.", "Dieser Filter geht nur mit Zahlen, hier steht {t0}.", "Prüfen Sie den Wert in data/: Zahlen ohne Anführungszeichen und mit Dezimalpunkt (23.4)."),
    phrase("Math operations can only be done on numbers, found `{}`", "Gerechnet werden kann nur mit Zahlen, hier steht {t0}.", "Prüfen Sie den Wert in data/: Zahlen ohne Anführungszeichen und mit Dezimalpunkt (23.4)."),
    phrase("Cannot divide by 0", "Division durch 0: der Wert, durch den geteilt wird, ist 0.", "Prüfen Sie den Teiler in data/ oder rechnen Sie mit anteil(teil=…, ganzes=…)."),
    phrase("`{}` requires both operands to be numbers, found `{}` and `{}`", "„{0}“ braucht auf beiden Seiten eine Zahl, hier stehen {t1} und {t2}.", "Texte verbindet man mit ~ statt +, z. B. {{ a ~ \" \" ~ b }}."),
    phrase("Cannot compare `{}` with `{}`", "{t0} und {t1} lassen sich nicht vergleichen.", "Vergleichen Sie Zahlen mit Zahlen und Text mit Text."),
    phrase("Invalid type for the value, expected `{}` but got `{}`", "Falscher Typ: erwartet {t0}, erhalten {t1}.", ""),
    phrase("Unable to perform {}", "Die Rechnung {0} ist nicht möglich (Zahl zu groß).", ""),
    phrase("Unknown filter `{}`", "Den Filter „{0}“ gibt es nicht.", "Es gibt zahl, prozent, euro, mio_euro, veraenderung, betrag, datum sowie die Filter von tera (z. B. round, upper)."),
    phrase("Unknown function `{}`", "Die Funktion „{0}“ gibt es nicht.", "Es gibt anteil, differenz, veraenderung_prozent, tabelle, abbildung und verweis."),
    phrase("Unknown test `{}`", "Den Test „{0}“ gibt es nicht.", ""),
    phrase("Unknown template `{}`", "Die Vorlage „{0}“ gibt es nicht.", ""),
    phrase("Argument `{}` missing.", "Das Argument „{0}“ fehlt.", ""),
    phrase("Argument `{}`{} missing.", "Das Argument „{0}“ fehlt.", ""),
    phrase("Keyword argument `{}` is defined more than once", "Das Argument „{0}“ steht zweimal da.", ""),
    phrase("Iteration not possible on type `{}`", "Über {t0} kann keine Schleife laufen.", ""),
    phrase("Found {} but was expecting `elif`, `else` or `endif`.", "Hier steht {0}, erwartet wird elif, else oder endif.", "Jedes {% if %} wird mit {% endif %} geschlossen."),
    phrase("Found {} but expected {}.", "Hier steht {0}, erwartet wird {1}.", ""),
    phrase("Found {} but expected one of: {}", "Hier steht {0}, erwartet wird ein Wert (Zahl, Text, Name, Klammer).", ""),
    phrase("Closing tag '{}' doesn't match opening tag '{}'", "Das schließende „{0}“ passt nicht zum öffnenden „{1}“.", ""),
    phrase("{} is a reserved keyword of Tera, it cannot be assigned to.", "„{0}“ ist ein reserviertes Wort und kann keinen Wert erhalten.", ""),
    phrase("{} can only be used in a for loop", "„{0}“ geht nur in einer for-Schleife.", ""),
    phrase("`{}` is not allowed after `~`", "„{0}“ ist nach ~ nicht erlaubt.", ""),
    phrase("Unexpected end of input", "Unerwartetes Ende der Vorlage (ein {{ oder {% ist nicht geschlossen).", ""),
    phrase("Unexpected character", "Unerwartetes Zeichen.", NAME_HELP),
    phrase("unexpected end of string", "Ein Text in Anführungszeichen wird nicht geschlossen.", ""),
    phrase("Invalid Integer", "Ungültige ganze Zahl.", ""),
    phrase("Invalid float", "Ungültige Dezimalzahl.", ""),
    phrase("Slicing step cannot be 0", "Die Schrittweite darf nicht 0 sein.", ""),
    phrase("Slice start is undefined", "Der Anfang des Ausschnitts ist in den Daten nicht vorhanden.", ""),
    phrase("Slice end is undefined", "Das Ende des Ausschnitts ist in den Daten nicht vorhanden.", ""),
    phrase("Cannot slice an undefined value", "Dieser Wert ist in den Daten nicht vorhanden.", ""),
    phrase("Slicing can only be used on arrays or strings, not on `{}`.", "Ausschnitte gehen nur bei Listen und Texten, hier steht {t0}.", ""),
    phrase("`in` cannot be used on a container of type `{}`. {}", "„in“ geht nur bei Listen, Texten und Zuordnungen, hier steht {t0}.", ""),
];

/// Matches `text` against a pattern with `{}` placeholders; returns the parts.
fn match_pattern(pattern: &str, text: &str) -> Option<Vec<String>> {
    let literals: Vec<&str> = pattern.split("{}").collect();
    let (first, rest) = literals.split_first()?;
    let mut remaining = text.strip_prefix(first)?;
    let mut parts = Vec::new();
    for (index, literal) in rest.iter().enumerate() {
        let last = index + 1 == rest.len();
        let end = if last && literal.is_empty() {
            remaining.len()
        } else if last {
            remaining.rfind(literal)?
        } else {
            remaining.find(literal)?
        };
        parts.push(remaining.get(..end)?.to_string());
        remaining = remaining.get(end + literal.len()..)?;
    }
    remaining.is_empty().then_some(parts)
}

/// Translates one of tera's messages (or a message of amip's own filters, which is German
/// already) for authors: the German text and advice. Filter and function errors arrive
/// wrapped ("Filter call 'x' failed: …"); the innermost message is what matters.
fn translate(text: &str) -> (String, Option<String>) {
    const WRAPPERS: [(&str, &str); 4] = [
        ("Filter call '", "Filter „"),
        ("Function call '", "Funktion „"),
        ("Test call '", "Test „"),
        ("Filter '", "Filter „"),
    ];
    let mut prefix = String::new();
    let mut text = text.trim();
    for (wrapper, german) in WRAPPERS {
        if let Some(rest) = text.strip_prefix(wrapper) {
            if let Some((name, inner)) = rest.split_once("' failed: ") {
                prefix = format!("{german}{name}“: ");
                text = inner.trim();
            }
        }
    }
    for phrase in PHRASES {
        let parts = match_pattern(phrase.english, text).or_else(|| {
            // Some messages carry a tail (" Available …", a period): match the head only.
            text.find(phrase.english.split("{}").next().unwrap_or_default())
                .filter(|at| *at == 0 && !phrase.english.contains("{}"))
                .map(|_| Vec::new())
        });
        if let Some(parts) = parts {
            let mut german = phrase.german.to_string();
            for (index, part) in parts.iter().enumerate() {
                german = german
                    .replace(&format!("{{t{index}}}"), type_name(part))
                    .replace(&format!("{{{index}}}"), part);
            }
            return (format!("{prefix}{german}"), phrase.help.map(str::to_string));
        }
    }
    (format!("{prefix}{text}"), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(
        style: PercentStyle,
        template: &str,
        data: serde_json::Value,
    ) -> Result<String, TeraError> {
        let mut tera = Tera::new();
        tera.autoescape_on(Vec::<&str>::new());
        register_format_filters(&mut tera, style);
        tera.add_raw_template("t.md", template)?;
        tera.render("t.md", &Context::from_serialize(&data)?)
    }

    #[test]
    fn number_filters_format_german() {
        let data = serde_json::json!({"n": 1141, "q": 23.4, "e": 7053067, "v": 8581009, "d": -488858, "p": -5.39, "pp": -1.0, "x": null});
        let out = render(
            PercentStyle::Word,
            "{{ n | zahl }}|{{ q | prozent }}|{{ q | prozent(wort=false) }}|{{ e | euro }}|{{ v | mio_euro }}|{{ d | veraenderung }}|{{ p | veraenderung(einheit=\"prozent\") }}|{{ pp | veraenderung(einheit=\"prozentpunkte\") }}|{{ x | zahl }}",
            data,
        )
        .unwrap();
        assert_eq!(
            out,
            "1.141|23,4\u{a0}Prozent|23,4\u{a0}%|7.053.067\u{a0}EUR|8,6\u{a0}Mio.\u{a0}EUR|−488.858|−5,4\u{a0}Prozent|−1,0\u{a0}Prozentpunkte|… (derzeit in Abstimmung)"
        );
    }

    #[test]
    fn share_and_change_functions() {
        let data = serde_json::json!({"a": 173, "b": 5485, "v": 9069867, "w": 8581009, "x": null});
        let out = render(
            PercentStyle::Sign,
            "{{ anteil(teil=a, ganzes=b) | zahl(stellen=1) }} {{ veraenderung_prozent(von=v, auf=w) | veraenderung(einheit=\"prozent\") }} {{ differenz(von=v, auf=w) | veraenderung }} {{ differenz(von=v, auf=x) | veraenderung }}",
            data,
        )
        .unwrap();
        assert_eq!(out, "3,2 −5,4\u{a0}% −488.858 … (derzeit in Abstimmung)");
    }

    #[test]
    fn dates_short_and_long() {
        let data = serde_json::json!({"d": "2019-12-09"});
        let out = render(
            PercentStyle::Sign,
            "{{ d | datum }} / {{ d | datum(lang=true) }}",
            data,
        )
        .unwrap();
        assert_eq!(out, "09.12.2019 / 9. Dezember 2019");
    }

    #[test]
    fn text_where_a_number_is_expected_is_an_error() {
        let data = serde_json::json!({"t": "viele"});
        assert!(render(PercentStyle::Sign, "{{ t | zahl }}", data).is_err());
    }

    #[test]
    fn unclosed_tags_are_found() {
        assert_eq!(unclosed_tag("a {{ x }} b {% if y %}c{% endif %}"), None);
        assert_eq!(unclosed_tag("a {{ x }} b {{ y\n\nmore"), Some((12, "}}")));
        assert_eq!(unclosed_tag("{% if"), Some((0, "%}")));
        assert_eq!(unclosed_tag("{# note"), Some((0, "#}")));
        assert_eq!(unclosed_tag("Menge {a, b}"), None);
        assert_eq!(unclosed_tag("{{ a\n\n{{ b }}"), Some((0, "}}")));
    }

    fn render_calls(template: &str) -> Result<String, TeraError> {
        let mut tera = Tera::new();
        tera.autoescape_on(Vec::<&str>::new());
        let stems = vec!["04-ressourcen".to_string(), "05-schwerpunkte".to_string()];
        tera.register_function("verweis", move |kwargs: Kwargs, _: &State| {
            section_reference(&stems, &kwargs).map(Option::unwrap_or_default)
        });
        tera.register_function("bild", |kwargs: Kwargs, _: &State| {
            image_placeholder(&kwargs)
        });
        tera.add_raw_template("t.md", template)?;
        tera.render("t.md", &Context::new())
    }

    #[test]
    fn chapter_and_section_references_become_reference_links() {
        assert_eq!(
            render_calls("{{ verweis(kapitel=\"04-ressourcen\") }} {{ verweis(kapitel=\"content/05-schwerpunkte.md\") }} {{ verweis(abschnitt=\"#egl\") }}").unwrap(),
            "[](<amip:kapitel/04-ressourcen>) [](<amip:kapitel/05-schwerpunkte>) [](<amip:abschnitt/egl>)"
        );
        let err = render_calls("{{ verweis(kapitel=\"99-fehlt\") }}").unwrap_err();
        let text = format!("{err:?}");
        assert!(
            text.contains("ein Kapitel „99-fehlt“ gibt es nicht"),
            "{text}"
        );
        assert!(text.contains("04-ressourcen, 05-schwerpunkte"), "{text}");
        assert!(render_calls("{{ verweis(abschnitt=\"a>b\") }}").is_err());
    }

    #[test]
    fn image_calls_become_placeholders_with_their_width() {
        let out = render_calls(
            "{{ bild(datei=\"bilder/x.png\", alt=\"Karte ```mit``` Zaun\", breite=\"40%\") }}",
        )
        .unwrap();
        assert_eq!(
            out,
            "\n\n```amip\nbild {\"datei\":\"bilder/x.png\",\"alt\":\"Karte \\u0060\\u0060\\u0060mit\\u0060\\u0060\\u0060 Zaun\",\"breite\":{\"Percent\":40.0}}\n```\n\n"
        );
        for (text, width) in [
            ("40%", ImageWidth::Percent(40.0)),
            (" 6,5 cm", ImageWidth::Cm(6.5)),
            ("60mm", ImageWidth::Mm(60.0)),
            ("300px", ImageWidth::Px(300.0)),
        ] {
            assert_eq!(ImageWidth::parse(text), Some(width), "{text}");
        }
        for bad in ["", "40", "140%", "-3cm", "3 Zoll", "NaN%"] {
            assert_eq!(ImageWidth::parse(bad), None, "{bad}");
        }
        let err = format!(
            "{:?}",
            render_calls("{{ bild(datei=\"x.png\", alt=\"a\", breite=\"breit\") }}").unwrap_err()
        );
        assert!(err.contains("ist keine Breite"), "{err}");
        assert!(render_calls("{{ bild(datei=\"x.png\") }}").is_err());
    }

    #[test]
    fn tera_messages_are_translated_with_their_parts() {
        let (text, help) =
            translate("`+` requires both operands to be numbers, found `string` and `i64`");
        assert_eq!(
            text,
            "„+“ braucht auf beiden Seiten eine Zahl, hier stehen Text und eine Zahl."
        );
        assert!(help.is_some_and(|h| h.contains('~')));
        let (text, _) = translate("Filter call 'abs' failed: This filter can only be used on a number, received `string`.");
        assert_eq!(
            text,
            "Filter „abs“: Dieser Filter geht nur mit Zahlen, hier steht Text."
        );
        assert_eq!(
            match_pattern("Field `{}` is not defined", "Field `x` is not defined"),
            Some(vec!["x".to_string()])
        );
        assert_eq!(
            match_pattern("Field `{}` is not defined", "Field `x` is"),
            None
        );
    }

    #[test]
    fn edits_map_offsets_back_to_the_chapter() {
        // "ab{{ x }}cd" → "ab…cd" (7 bytes replaced by 3), then a later edit.
        let edits = Edits(vec![(2, 7, 3), (6, 2, 5)]);
        assert_eq!(edits.original(0), 0);
        assert_eq!(edits.original(3), 2);
        assert_eq!(edits.original(5), 9);
        assert_eq!(edits.original(11), 12);
    }

    #[test]
    fn template_paths_normalise_brackets() {
        let paths: Vec<String> = template_paths(
            "{{ elb.jdw[\"2019\"] | zahl }} {{ anteil(teil=a.b, ganzes=c) }} {{ \"text.x\" }}",
        )
        .into_iter()
        .map(|(_, p)| p)
        .collect();
        assert_eq!(paths, vec!["elb.jdw.2019", "zahl", "a.b", "c"]);
    }

    #[test]
    fn division_by_zero_is_an_error_not_inf() {
        let data = serde_json::json!({"a": 1, "b": 0});
        assert!(render(
            PercentStyle::Sign,
            "{{ anteil(teil=a, ganzes=b) | zahl }}",
            data
        )
        .is_err());
    }
}
