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
    let mut tera = Tera::new();
    // Chapters are Markdown: values are escaped for Markdown, the writers escape for their
    // output; amip's placeholders are marked safe.
    crate::sandbox::escape_chapters_for_markdown(&mut tera);
    crate::sandbox::guard(&mut tera);
    let style: PercentStyle = project.programme.prozent.into();
    register_format_filters(&mut tera, style);

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
    tera.register_function("verweis", move |kwargs: Kwargs, _: &State| {
        reference(&tables, &charts, &kwargs).map(|s| Value::safe_string(&s))
    });
    tera
}

/// Registers the German formatting filters and the share/change functions.
pub fn register_format_filters(tera: &mut Tera, style: PercentStyle) {
    tera.register_filter("zahl", |value: &Value, kwargs: Kwargs, _: &State| {
        with_number(value, |n| {
            format::number(n, digits(&kwargs, 0)?).map_err(not_a_number)
        })
    });
    tera.register_filter(
        "prozent",
        move |value: &Value, kwargs: Kwargs, _: &State| {
            let style = match kwargs.get::<bool>("wort")? {
                Some(true) => PercentStyle::Word,
                Some(false) => PercentStyle::Sign,
                None => style,
            };
            with_number(value, |n| {
                format::percent(n, digits(&kwargs, 1)?, style).map_err(not_a_number)
            })
        },
    );
    tera.register_filter("euro", |value: &Value, kwargs: Kwargs, _: &State| {
        with_number(value, |n| {
            format::euro(n, digits(&kwargs, 0)?).map_err(not_a_number)
        })
    });
    tera.register_filter("mio_euro", |value: &Value, kwargs: Kwargs, _: &State| {
        with_number(value, |n| {
            format::million_euro(n, digits(&kwargs, 1)?).map_err(not_a_number)
        })
    });
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
            with_number(value, |n| {
                format::change(n, digits(&kwargs, default_digits)?, unit, style)
                    .map_err(not_a_number)
            })
        },
    );
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

/// Applies `f` to a number; a pending value (none) renders as "… (derzeit in Abstimmung)", a
/// special value of the statistics as its sign with its meaning: "X (Nachweis nicht möglich)".
fn with_number(
    value: &Value,
    f: impl FnOnce(f64) -> Result<String, TeraError>,
) -> Result<String, TeraError> {
    if let Some(mark) = value
        .as_str()
        .and_then(crate::sources::special::Special::parse)
    {
        return Ok(mark.in_text());
    }
    if value.is_none()
        || value
            .as_str()
            .is_some_and(|s| s.trim() == crate::data::PENDING_WORD)
    {
        return Ok(format!("… ({PENDING})"));
    }
    match value.as_f64() {
        Some(n) => f(n),
        None => Err(TeraError::message(format!(
            "Zahl erwartet, erhalten: {value}"
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
    if value.is_none() {
        return Ok(None);
    }
    value.as_f64().map(Some).ok_or_else(|| {
        TeraError::message(format!(
            "{function}: {name}= muss eine Zahl sein, erhalten: {value}"
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

/// Expands every chapter; reports all template errors with chapter file and line.
pub fn expand_all(project: &Project) -> Result<Vec<Expanded>, Findings> {
    let mut tera = chapter_tera(project);
    let mut findings = Findings::default();
    let context = match Context::from_serialize(&project.data) {
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
            findings.push(template_finding(&err, chapter));
        }
    }
    if findings.has_errors() {
        return Err(findings);
    }
    // Chapters are independent: render them on all cores, collected in chapter order.
    let rendered: Vec<Result<String, crate::sandbox::RenderError>> = project
        .chapters
        .par_iter()
        .map(|chapter| crate::sandbox::render_bounded(&tera, &chapter.file, &context))
        .collect();
    let mut expanded = Vec::new();
    for ((index, chapter), result) in project.chapters.iter().enumerate().zip(rendered) {
        match result {
            Ok(markdown) => expanded.push(Expanded {
                chapter: index,
                markdown,
            }),
            Err(crate::sandbox::RenderError::Template(err)) => {
                findings.push(template_finding(&err, chapter))
            }
            Err(crate::sandbox::RenderError::Exceeded(exceeded, err)) => {
                findings.push(runaway_finding(exceeded, &err, chapter))
            }
        }
    }
    if findings.has_errors() {
        Err(findings)
    } else {
        Ok(expanded)
    }
}

/// Maps a tera error to a finding at the chapter's file and line (front matter included).
fn template_finding(err: &TeraError, chapter: &crate::model::Chapter) -> Finding {
    let full = full_source(chapter);
    let (mut text, range) = match err.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => (
            report.message().to_string(),
            Some(report.span().range.clone()),
        ),
        other => (other.to_string(), None),
    };
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
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
    let detail = translate(&message.join(" "));
    let finding = Finding::error(format!("Vorlagenfehler in {}: {detail}", chapter.file))
        .in_file(&chapter.file);
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

/// Translates tera's most common English messages for authors.
fn translate(text: &str) -> String {
    const PHRASES: [(&str, &str); 12] = [
        ("Unexpected character", "Unerwartetes Zeichen"),
        ("not found in context", "ist in den Daten nicht vorhanden"),
        (
            "is not defined. Available variables:",
            "gibt es nicht. Vorhanden sind:",
        ),
        ("Variable", "Die Variable"),
        (
            "Invalid type for the value, expected",
            "Falscher Typ: erwartet",
        ),
        ("but got", "aber erhalten"),
        ("Unknown filter", "Unbekannter Filter"),
        ("Unknown function", "Unbekannte Funktion"),
        (
            "Unexpected end of input",
            "Unerwartetes Ende der Vorlage (ein {{ oder {% ist nicht geschlossen)",
        ),
        ("Function call", "Funktionsaufruf"),
        ("Filter call", "Filteraufruf"),
        ("failed", "fehlgeschlagen"),
    ];
    PHRASES
        .iter()
        .fold(text.to_string(), |acc, (en, de)| acc.replace(en, de))
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
