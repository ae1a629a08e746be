//! Tera's errors as German findings at the chapter's file, line and column.

use tera::{Error as TeraError, ErrorKind};

use super::render::{error_text, Edits};
use super::DATA_MARK;
use crate::diagnostic::Finding;
use crate::model::Project;
use crate::numbers::Traps;

/// Maps a tera error to a finding at the chapter's file and line (front matter included).
pub(super) fn template_finding(
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
pub(super) fn runaway_finding(
    exceeded: crate::sandbox::Exceeded,
    err: &TeraError,
    chapter: &crate::model::Chapter,
    edits: &super::Edits,
) -> Finding {
    let full = full_source(chapter);
    let message = format!("Vorlagenfehler in {}: {}", chapter.file, exceeded.message());
    // The span is one in the text with amip's guards: mapped back to the chapter as written.
    let span = match err.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let range = report.span().range.clone();
            let start = edits.original(range.start);
            Some(start..edits.original(range.end).max(start))
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

pub(super) fn full_source(chapter: &crate::model::Chapter) -> String {
    // Front matter is not part of the template (see `Chapter::padded_source`).
    chapter.padded_source()
}

/// German names of tera's value types.
pub(super) fn type_name(name: &str) -> &str {
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
    phrase("Unknown tag", "Diesen Befehl in {% … %} gibt es nicht.", "Erlaubt sind if/elif/else/endif, for/endfor (mit break und continue), set, set_global, filter/endfilter und raw/endraw; Makros ({% macro %}) gibt es nicht."),
    phrase("String opened with `{}` is missing its closing `{}`", "Ein Text, der mit {0} beginnt, wird nicht mit {1} geschlossen.", ""),
    phrase("Invalid syntax for `set`: expecting an `=` followed by an expression or a `%}}`", "Bei set fehlt „=“ und ein Wert: {% set name = wert %}.", ""),
    phrase("Function calls are only allowed at the first element of a chain", "Eine Funktion lässt sich nur am Anfang aufrufen, nicht nach einem Punkt.", ""),
    phrase("The expression is too complex", "Der Ausdruck ist zu verschachtelt.", ""),
    phrase("The template nesting is too deep", "Die Befehle sind zu tief ineinander verschachtelt.", ""),
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
pub(super) fn match_pattern(pattern: &str, text: &str) -> Option<Vec<String>> {
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
pub(super) fn translate(text: &str) -> (String, Option<String>) {
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
