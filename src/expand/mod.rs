//! Expansion: each chapter is a tera template rendered with the data context.
//!
//! Here live the German formatting filters (`zahl`, `prozent`, `euro`, `mio_euro`,
//! `veraenderung`, `datum`) and functions (`anteil`, `veraenderung_prozent`, `tabelle`,
//! `abbildung`, `verweis`). Tables, charts and references are not rendered here: the
//! functions leave placeholders (see [`crate::placeholder`]) that the Markdown stage numbers
//! in document order and both writers replace, so HTML and PDF always agree on "Abbildung 2".

use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Error as TeraError, Kwargs, Tera, Value};

use crate::diagnostic::{Finding, Findings};
use crate::format::{self, ChangeUnit, PercentStyle, PENDING};
use crate::model::{chapter_stem, ChapterName, Project};
use crate::numbers::Traps;
use crate::placeholder::{self, ImageCall, ImageWidth, Placed, CHAPTER_KEYWORD, SECTION_KEYWORD};

mod arguments;
mod doubled;
mod messages;
mod render;
#[cfg(test)]
mod tests;
mod titles;

use arguments::Registry;
use messages::{full_source, runaway_finding, template_finding, type_name};
use render::{render_chapter, wrap_prints, Edits};
pub use titles::expand_titles;

/// A chapter after expansion: plain Markdown.
#[derive(Debug, Clone)]
pub struct Expanded {
    /// Index into [`Project::chapters`].
    pub chapter: usize,
    /// The expanded Markdown.
    pub markdown: String,
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
    render::register_print_filter(&mut tera);

    let tables: Arc<Vec<String>> = Arc::new(project.tables.keys().cloned().collect());
    let charts: Arc<Vec<String>> = Arc::new(project.charts.keys().cloned().collect());
    let names: Arc<Vec<ChapterName>> = Arc::new(
        project
            .chapters
            .iter()
            .map(|c| (c.name().to_string(), c.stem.clone()))
            .collect(),
    );
    register_placing_functions(&mut Registry::new(&mut tera), tables, charts, names);
    (tera, traps)
}

/// `tabelle`, `abbildung`, `verweis` and `bild`: the functions that leave placeholders.
fn register_placing_functions(
    registry: &mut Registry<'_>,
    tables: Arc<Vec<String>>,
    charts: Arc<Vec<String>>,
    names: Arc<Vec<ChapterName>>,
) {
    {
        let tables = Arc::clone(&tables);
        registry.function("tabelle", &["id"], move |kwargs| {
            placeholder(Placed::Table, &tables, kwargs).map(|s| Value::safe_string(&s))
        });
    }
    {
        let charts = Arc::clone(&charts);
        registry.function("abbildung", &["id"], move |kwargs| {
            placeholder(Placed::Figure, &charts, kwargs).map(|s| Value::safe_string(&s))
        });
    }
    registry.function("verweis", REFERENCE_KINDS, move |kwargs| {
        arguments::at_most_one("verweis", REFERENCE_KINDS, kwargs)?;
        let markdown = match section_reference(&names, kwargs)? {
            Some(markdown) => markdown,
            None => reference(&tables, &charts, kwargs)?,
        };
        Ok::<Value, TeraError>(Value::safe_string(&markdown))
    });
    registry.function("bild", &["datei", "alt", "breite"], |kwargs| {
        image_placeholder(kwargs).map(|s| Value::safe_string(&s))
    });
}

/// What `verweis` can refer to, one per call.
const REFERENCE_KINDS: &[&str] = &[
    "id",
    "tabelle",
    "abbildung",
    CHAPTER_KEYWORD,
    SECTION_KEYWORD,
];

/// Registers the German formatting filters and the share/change functions.
pub fn register_format_filters(tera: &mut Tera, style: PercentStyle) {
    register_format_filters_with(tera, style, Arc::new(Traps::default()));
}

/// [`register_format_filters`] with the data's number traps: a German `2.760` shown rounded
/// or a number written as text is reported at its data line.
pub fn register_format_filters_with(tera: &mut Tera, style: PercentStyle, traps: Arc<Traps>) {
    let mut registry = Registry::new(tera);
    register_number_filters(&mut registry, style, traps);
    register_text_filters(&mut registry);
    register_arithmetic_functions(&mut registry);
}

/// `zahl`, `euro`, `mio_euro`, `prozent` and `veraenderung`: numbers in German formats.
fn register_number_filters(registry: &mut Registry<'_>, style: PercentStyle, traps: Arc<Traps>) {
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
        registry.filter(name, &["stellen"], move |value, kwargs| {
            let digits = digits(kwargs, default)?;
            with_number(value, &traps, rounding.unwrap_or(digits), |n| {
                show(n, digits).map_err(not_a_number)
            })
        });
    }
    {
        let traps = Arc::clone(&traps);
        registry.filter("prozent", &["stellen", "wort"], move |value, kwargs| {
            let style = match kwargs.get::<bool>("wort")? {
                Some(true) => PercentStyle::Word,
                Some(false) => PercentStyle::Sign,
                None => style,
            };
            let digits = digits(kwargs, 1)?;
            with_number(value, &traps, digits, |n| {
                let shown = format::percent(n, digits, style).map_err(not_a_number)?;
                if let Some(written) = traps.fraction(n) {
                    traps.note_percent(written, shown.clone());
                }
                Ok(shown)
            })
        });
    }
    registry.filter("veraenderung", &["einheit", "stellen"], move |value, kwargs| {
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
        let digits = digits(kwargs, default_digits)?;
        with_number(value, &traps, digits, |n| {
            format::change(n, digits, unit, style).map_err(not_a_number)
        })
    });
}

/// `betrag` and `datum`: filters whose result is not a formatted number.
fn register_text_filters(registry: &mut Registry<'_>) {
    // The absolute amount, for "ein Rückgang um 42,8 %"; a pending value stays pending.
    registry.filter("betrag", &[], |value, _| {
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
    registry.filter("datum", &["lang"], |value, kwargs| {
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
}

/// `anteil`, `differenz` and `veraenderung_prozent`: arithmetic that keeps pending values
/// pending and special values of the statistics special.
fn register_arithmetic_functions(registry: &mut Registry<'_>) {
    registry.function("anteil", &["teil", "ganzes"], |kwargs| {
        if let Some(mark) = special_argument(kwargs, ["teil", "ganzes"]) {
            return Ok(mark);
        }
        let part = required_number(kwargs, "anteil", "teil")?;
        let whole = required_number(kwargs, "anteil", "ganzes")?;
        match (part, whole) {
            (Some(part), Some(whole)) => {
                format::share(part, whole).map(Value::from).ok_or_else(|| {
                    TeraError::message("anteil: ganzes ist 0, der Anteil ist nicht bestimmt")
                })
            }
            _ => Ok(Value::none()),
        }
    });
    registry.function("differenz", &["von", "auf"], |kwargs| {
        if let Some(mark) = special_argument(kwargs, ["von", "auf"]) {
            return Ok(mark);
        }
        let from = required_number(kwargs, "differenz", "von")?;
        let to = required_number(kwargs, "differenz", "auf")?;
        Ok::<Value, TeraError>(match (from, to) {
            (Some(from), Some(to)) => Value::from(to - from),
            _ => Value::none(),
        })
    });
    registry.function("veraenderung_prozent", &["von", "auf"], |kwargs| {
        if let Some(mark) = special_argument(kwargs, ["von", "auf"]) {
            return Ok(mark);
        }
        let from = required_number(kwargs, "veraenderung_prozent", "von")?;
        let to = required_number(kwargs, "veraenderung_prozent", "auf")?;
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
pub(super) fn is_pending_value(value: &Value) -> bool {
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
pub(super) const DATA_MARK: char = '\u{1}';

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
    Ok(placeholder::block(kind, id))
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
    Ok(placeholder::reference(kind, id))
}

/// `verweis(kapitel="04-ressourcen")` and `verweis(abschnitt="anker")`: a reference link the
/// Markdown stage resolves to "Kapitel 4" / "Abschnitt 4.2"; `None` for the other forms.
fn section_reference(
    chapters: &[ChapterName],
    kwargs: &Kwargs,
) -> Result<Option<String>, TeraError> {
    if let Some(chapter) = kwargs.get::<&str>(CHAPTER_KEYWORD)? {
        let Some(stem) = chapter_stem(chapters, chapter) else {
            let names: Vec<String> = chapters.iter().map(|(name, _)| name.clone()).collect();
            return Err(TeraError::message(format!(
                "verweis(kapitel=\"{chapter}\"): ein Kapitel „{chapter}“ gibt es nicht; nennen Sie den Pfad unter content/ ohne .md (vorhanden: {})",
                known(&names)
            )));
        };
        return Ok(Some(reference_link(CHAPTER_KEYWORD, stem)?));
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

/// `[](<amip:kind/target>)`, refused for characters no anchor has.
fn reference_link(kind: &str, target: &str) -> Result<String, TeraError> {
    placeholder::section_reference(kind, target).map_err(|_| {
        TeraError::message(format!(
            "verweis: „{target}“ enthält Zeichen, die in keinem Anker vorkommen (<, >, \\, Zeilenumbruch)"
        ))
    })
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
    placeholder::image_block(&call).map_err(|err| TeraError::message(format!("bild: {err}")))
}

/// Expands every chapter; reports all template errors with chapter file and line.
pub fn expand_all(project: &Project) -> Result<Vec<Expanded>, Findings> {
    expand_all_with_warnings(project).map(|(expanded, _)| expanded)
}

/// The data as tera's context for chapters and titles. Pending values are none for tera,
/// whether written `~` or `in_abstimmung`, so that every operation on them is recognised as
/// one on a pending value.
fn data_context(project: &Project) -> Result<Context, Findings> {
    let mut data = project.data.clone();
    pending_to_none(&mut data);
    Context::from_serialize(&data).map_err(|err| {
        Findings(vec![Finding::error(format!(
            "Die Daten können nicht übergeben werden: {err}"
        ))])
    })
}

/// [`expand_all`] and the warnings found on the way (fractions given to `prozent`).
pub fn expand_all_with_warnings(project: &Project) -> Result<(Vec<Expanded>, Findings), Findings> {
    let (mut tera, traps) = chapter_tera_with(project);
    let mut findings = Findings::default();
    let context = match data_context(project) {
        Ok(context) => context,
        Err(more) => {
            findings.extend(more);
            return Err(findings);
        }
    };
    // Every print of a plain path goes through the pending-aware print filter.
    let wrapped: Vec<(String, Edits)> = project
        .chapters
        .iter()
        .map(|chapter| wrap_prints(&chapter.body))
        .collect();
    findings.extend(add_chapters(&mut tera, project, &wrapped));
    if findings.has_errors() {
        return Err(findings);
    }
    // Chapters are independent: render them on all cores, collected in chapter order.
    let rendered: Vec<Result<String, (crate::sandbox::RenderError, Edits)>> = project
        .chapters
        .par_iter()
        .zip(&wrapped)
        .map(|(chapter, wrapped)| {
            crate::numbers::expanding_chapter(&chapter.file);
            render_chapter(&tera, chapter, wrapped, &context)
        })
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
            Err((crate::sandbox::RenderError::Exceeded(exceeded, err), edits)) => {
                findings.push(runaway_finding(exceeded, &err, chapter, &edits))
            }
        }
    }
    findings.extend(percent_warnings(project, &traps));
    if findings.has_errors() {
        Err(findings)
    } else {
        Ok((expanded, findings))
    }
}

/// Registers the chapters (as `wrapped`) with tera; every problem found on the way, with its
/// chapter, line and column.
fn add_chapters(tera: &mut Tera, project: &Project, wrapped: &[(String, Edits)]) -> Findings {
    let mut findings = Findings::default();
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
                    .zip(wrapped)
                    .map(|(chapter, (body, _))| (chapter.file.as_str(), body.as_str())),
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
    for (chapter, (body, edits)) in project.chapters.iter().zip(wrapped).filter(|_| !batch_ok) {
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
        if let Err(err) = tera.add_raw_template(&chapter.file, body) {
            // The error as the author wrote the chapter, without amip's guards around `set`
            // (which would otherwise show in the message, as a `)` where `%}` stands).
            let finding = match tera.add_raw_template(&chapter.file, &chapter.body) {
                Err(plain) => template_finding(project, &plain, chapter, &Edits::default()),
                Ok(()) => template_finding(project, &err, chapter, edits),
            };
            findings.push(finding);
        }
    }
    for chapter in &project.chapters {
        findings.extend(placement_findings(chapter));
        findings.extend(doubled::doubled_label_findings(project, chapter));
    }
    findings
}

/// Warnings for fractions the chapters gave to `prozent` (0.558 for 55,8 %), at the data line.
fn percent_warnings(project: &Project, traps: &Traps) -> Findings {
    let mut findings = Findings::default();
    let mut uses = traps
        .percent_uses
        .lock()
        .map(|mut uses| std::mem::take(&mut *uses))
        .unwrap_or_default();
    uses.sort_by(|a, b| (&a.0.path, &a.2).cmp(&(&b.0.path, &b.2)));
    uses.dedup_by(|a, b| a.0.path == b.0.path && a.2 == b.2);
    for (written, shown, chapter) in uses {
        let used = if chapter.is_empty() {
            "in einem Kapitel".to_string()
        } else {
            format!("in {chapter}")
        };
        findings.push(crate::numbers::percent_finding(
            project, &written, &shown, &used,
        ));
    }
    findings
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
                        let Some((key, after)) = bracket_key(&chars, i) else {
                            break;
                        };
                        path.push_str(&segment);
                        path.push('.');
                        segment = key;
                        i = after;
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

/// The key of a `["key"]`, `['key']` or `[0]` starting at `chars[i]`, and the index after it.
fn bracket_key(chars: &[(usize, char)], i: usize) -> Option<(String, usize)> {
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
        return None;
    }
    Some((key, j + 1))
}

/// The next opening `{{`, `{%` or `{#` at or after `at`: its offset and its closing pair.
fn next_opening(body: &str, mut at: usize) -> Option<(usize, &'static str)> {
    while let Some(offset) = body.get(at..).and_then(|rest| rest.find('{')) {
        let start = at + offset;
        match body.get(start + 1..start + 2) {
            Some("{") => return Some((start, "}}")),
            Some("%") => return Some((start, "%}")),
            Some("#") => match heading_attribute_end(body, start) {
                // `## Titel {#anker}` is Markdown, not the start of a comment.
                Some(end) => at = end,
                None => return Some((start, "#}")),
            },
            _ => at = start + 1,
        }
    }
    None
}

/// Where the heading attribute `{#anker}` starting at `start` ends, when it is one: the last
/// thing on an ATX heading line (`## Titel {#anker}`), with no `{` inside and not ending in
/// `#` (`{# Notiz #}` stays a comment).
fn heading_attribute_end(body: &str, start: usize) -> Option<usize> {
    let line_start = body.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    let line_end = body
        .get(start..)?
        .find('\n')
        .map_or(body.len(), |i| start + i);
    let line = body.get(line_start..line_end)?;
    let indent = line.len() - line.trim_start_matches(' ').len();
    let marks = line.get(indent..)?;
    let hashes = marks.len() - marks.trim_start_matches('#').len();
    let after_marks = marks.get(hashes..)?;
    if indent > 3 || !(1..=6).contains(&hashes) || !after_marks.starts_with([' ', '\t']) {
        return None;
    }
    let close = start + body.get(start..line_end)?.find('}')?;
    let inner = body.get(start + 2..close)?;
    let rest = body.get(close + 1..line_end)?;
    (!inner.trim().is_empty()
        && !inner.contains('{')
        && !inner.ends_with('#')
        && rest.trim().is_empty())
    .then_some(close + 1)
}

/// Byte ranges of every heading attribute `{#anker}` of `body` (see
/// [`heading_attribute_end`]), in order.
pub(super) fn heading_attributes(body: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(offset) = body.get(at..).and_then(|rest| rest.find("{#")) {
        let start = at + offset;
        match heading_attribute_end(body, start) {
            Some(end) => {
                found.push((start, end));
                at = end;
            }
            None => at = start + 2,
        }
    }
    found
}

/// Byte ranges of every `{{ … }}` and `{% … %}` tag of `body`, in order.
pub(super) fn tags(body: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some((start, close)) = next_opening(body, at) {
        let Some(end) = body.get(start + 2..).and_then(|rest| rest.find(close)) else {
            break;
        };
        let end = start + 2 + end + 2;
        if close != "#}" {
            found.push((start, end));
        }
        at = end;
    }
    found
}

/// The first `{{`, `{%` or `{#` that is never closed, as a byte offset into `body`.
pub fn unclosed_tag(body: &str) -> Option<(usize, &'static str)> {
    let mut at = 0;
    while let Some((start, close)) = next_opening(body, at) {
        match tag_end(body, start + 2, close) {
            Some(end) => at = end,
            None => return Some((start, close)),
        }
    }
    None
}

/// Where the tag opened just before `from` ends (after its `close`), or `None` when another
/// tag opens first. A comment ends at the first `#}`, whatever it contains; in `{{ … }}` and
/// `{% … %}` a string literal may hold braces.
fn tag_end(body: &str, from: usize, close: &str) -> Option<usize> {
    let rest = body.get(from..)?;
    if close == "#}" {
        return rest.find(close).map(|end| from + end + 2);
    }
    let mut quote: Option<char> = None;
    for (offset, c) in rest.char_indices() {
        match quote {
            Some(open) if c == open => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None => {
                let pair = rest.get(offset..offset + 2).unwrap_or_default();
                if pair == close {
                    return Some(from + offset + 2);
                }
                if matches!(pair, "{{" | "{%" | "{#") {
                    return None;
                }
            }
        }
    }
    None
}
