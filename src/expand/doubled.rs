//! „Abbildung {{ verweis(id="x") }}“: `verweis` writes the label with the number itself, so the
//! word before it would stand twice („Abbildung Abbildung 5“). A warning, not an error: the
//! text is still readable, but not what the author meant.

use super::messages::full_source;
use super::tags;
use crate::diagnostic::{Finding, Findings};
use crate::model::{Chapter, Project};
use crate::placeholder::{CHAPTER_KEYWORD, SECTION_KEYWORD};

/// The words `verweis` writes itself, and their abbreviations.
const LABELS: [&str; 8] = [
    "abbildung",
    "abb.",
    "tabelle",
    "tab.",
    "kapitel",
    "kap.",
    "abschnitt",
    "abschn.",
];

/// A warning for every `verweis(…)` right after a word it writes itself.
pub(super) fn doubled_label_findings(project: &Project, chapter: &Chapter) -> Findings {
    let mut findings = Findings::default();
    let body = &chapter.body;
    for (start, end) in tags(body) {
        let Some(call) = reference_call(body.get(start..end).unwrap_or_default()) else {
            continue;
        };
        let before = body.get(..start).unwrap_or_default().trim_end();
        let word_start = before
            .rfind(|c: char| c.is_whitespace() || c == '(')
            .map_or(0, |i| i + 1);
        let word = before.get(word_start..).unwrap_or_default();
        if word.is_empty() || !LABELS.contains(&word.to_lowercase().as_str()) {
            continue;
        }
        let label = written_label(project, call).unwrap_or(word);
        let full = full_source(chapter);
        let padding = chapter.body_line_offset;
        findings.push(
            Finding::error(format!(
                "„{word} {{{{ {call} }}}}“ ergibt „{word} {label} …“: verweis(…) schreibt die Bezeichnung mit der Nummer selbst."
            ))
            .warning()
            .in_file(&chapter.file)
            .at_range(&full, padding + word_start..padding + end)
            .with_help(format!("Lassen Sie „{word}“ vor dem Verweis weg.")),
        );
    }
    findings
}

/// The call inside a `{{ verweis(…) }}` tag, as written.
fn reference_call(tag: &str) -> Option<&str> {
    let inner = tag.strip_prefix("{{")?.strip_suffix("}}")?;
    let call = inner.trim_matches(|c: char| c == '-' || c.is_whitespace());
    call.strip_prefix("verweis")
        .is_some_and(|rest| rest.trim_start().starts_with('('))
        .then_some(call)
}

/// The label `verweis` writes for `call`: by its keyword, or for `id=` by what the id names.
fn written_label(project: &Project, call: &str) -> Option<&'static str> {
    let (keyword, value) = first_argument(call)?;
    match keyword {
        "tabelle" => Some("Tabelle"),
        "abbildung" => Some("Abbildung"),
        CHAPTER_KEYWORD => Some("Kapitel"),
        SECTION_KEYWORD => Some("Abschnitt"),
        "id" if project.tables.contains_key(value) => Some("Tabelle"),
        "id" if project.charts.contains_key(value) => Some("Abbildung"),
        _ => None,
    }
}

/// `(name, text)` of the first `name="text"` argument of `call`.
fn first_argument(call: &str) -> Option<(&str, &str)> {
    let inside = call.split_once('(')?.1;
    let (name, rest) = inside.split_once('=')?;
    let rest = rest.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = rest.get(1..)?.split(quote).next()?;
    Some((name.trim(), value))
}
