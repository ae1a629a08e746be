//! Findings reported to authors: what is wrong, in which file, at which line and key path.
//!
//! Every stage reports problems as [`Finding`]s rather than failing on the first one, so that
//! `amip build` and `amip check` can list all of them at once. They render through
//! miette with the source excerpt and a caret under the place.

use std::fmt;

use miette::{Diagnostic, NamedSource, SourceSpan};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Blocks the build.
    Error,
    /// Reported, does not block.
    Warning,
    /// A summary after the findings it counts (e.g. of `--final`); neither blocks nor warns.
    Note,
}

/// One problem in the project's sources, with its place.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// German description of what is wrong.
    pub message: String,
    /// File relative to the project, e.g. `data/budget.yaml`.
    pub file: Option<String>,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What to do about it.
    pub help: Option<String>,
    source_code: Option<NamedSource<String>>,
    span: Option<SourceSpan>,
}

impl Finding {
    /// An error without a place (e.g. a missing folder).
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            file: None,
            line: None,
            column: None,
            help: None,
            source_code: None,
            span: None,
        }
    }

    /// Turns the finding into a warning.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Turns the finding into a note (a summary, not itself a problem).
    pub(crate) fn note(mut self) -> Self {
        self.severity = Severity::Note;
        self
    }

    /// Names the file the finding is about.
    pub(crate) fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Adds advice.
    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Points at a 1-based line and column of `source`, which is the text of the file.
    pub fn at(mut self, source: &str, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        let offset = line_column_to_offset(source, line, column);
        let name = self.file.clone().unwrap_or_default();
        self.source_code = Some(NamedSource::new(name, source.to_string()));
        self.span = Some(SourceSpan::from((offset, 0)));
        self
    }

    /// Points at a byte range of `source` (the text of the file).
    pub(crate) fn at_range(mut self, source: &str, range: std::ops::Range<usize>) -> Self {
        let start = range.start.min(source.len());
        let prefix = source.get(..start).unwrap_or_default();
        let line = prefix.matches('\n').count() + 1;
        let column = prefix
            .rsplit('\n')
            .next()
            .map_or(0, |rest| rest.chars().count())
            + 1;
        self.line = Some(line);
        self.column = Some(column);
        let name = self.file.clone().unwrap_or_default();
        self.source_code = Some(NamedSource::new(name, source.to_string()));
        let len = range.end.saturating_sub(start).min(source.len() - start);
        self.span = Some(SourceSpan::from((start, len)));
        self
    }

    /// "data/budget.yaml:3:5" or just the file.
    pub fn place(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        Some(match (self.line, self.column) {
            (Some(line), Some(column)) => format!("{file}:{line}:{column}"),
            (Some(line), None) => format!("{file}:{line}"),
            _ => file.clone(),
        })
    }
}

fn line_column_to_offset(source: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (index, text) in source.split_inclusive('\n').enumerate() {
        if index + 1 == line {
            let within: usize = text
                .chars()
                .take(column.saturating_sub(1))
                .map(char::len_utf8)
                .sum();
            return offset + within;
        }
        offset += text.len();
    }
    source.len()
}

impl Diagnostic for Finding {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source_code
            .as_ref()
            .map(|source| source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.span?;
        let label = miette::LabeledSpan::new_with_span(Some("hier".to_string()), span);
        Some(Box::new(std::iter::once(label)))
    }
}

/// Renders findings for the terminal, one report each, with source excerpts; notes last.
pub fn render(findings: &[Finding], color: bool) -> String {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    let mut out = String::new();
    // Notes sum up the findings before them: they come last.
    let ordered = findings
        .iter()
        .filter(|f| f.severity != Severity::Note)
        .chain(findings.iter().filter(|f| f.severity == Severity::Note));
    for finding in ordered.map(shown) {
        let finding = &finding;
        // miette names file, line and column above the excerpt; without one, name the file.
        // The place once: a message that begins with its file loses that beginning.
        let mut finding = finding.clone();
        if let Some(file) = &finding.file {
            if let Some(rest) = finding.message.strip_prefix(&format!("{file}: ")) {
                finding.message = rest.to_string();
            }
        }
        let finding = &finding;
        if finding.source_code.is_none() {
            if let Some(place) = finding.place() {
                out.push_str(&format!("{place}: "));
            }
        }
        if handler.render_report(&mut out, finding).is_err() {
            out.push_str(&format!("{}\n", finding.message));
        }
    }
    out
}

/// The finding as the terminal may show it: control characters in message, help, file name
/// and source excerpt made visible (see [`crate::controls`]).
fn shown(finding: &Finding) -> Finding {
    use crate::controls::{escape_in_place, escaped, masked_same_length};
    let mut shown = finding.clone();
    escape_in_place(&mut shown.message);
    if let Some(help) = shown.help.as_mut() {
        escape_in_place(help);
    }
    if let Some(file) = shown.file.as_mut() {
        escape_in_place(file);
    }
    if let Some(source) = &finding.source_code {
        shown.source_code = Some(NamedSource::new(
            escaped(source.name()),
            masked_same_length(source.inner()).into_owned(),
        ));
    }
    shown
}

/// An error of the operating system in German ("Datei oder Ordner nicht gefunden"), for
/// messages that name a file: the OS's own text is English.
pub(crate) fn os_message(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let text = match err.kind() {
        ErrorKind::NotFound => "Datei oder Ordner nicht gefunden",
        ErrorKind::PermissionDenied => "keine Berechtigung (Schreib- oder Leserechte prüfen)",
        ErrorKind::AlreadyExists => "existiert bereits",
        ErrorKind::IsADirectory => "ist ein Ordner, keine Datei",
        ErrorKind::NotADirectory => "ein Teil des Pfads ist kein Ordner",
        ErrorKind::DirectoryNotEmpty => "der Ordner ist nicht leer",
        ErrorKind::ReadOnlyFilesystem => "das Laufwerk ist schreibgeschützt",
        ErrorKind::StorageFull => "kein Speicherplatz mehr frei",
        ErrorKind::InvalidData => "ungültige Daten",
        ErrorKind::Interrupted => "unterbrochen",
        ErrorKind::OutOfMemory => "nicht genug Arbeitsspeicher",
        ErrorKind::AddrInUse => "die Adresse ist schon belegt (läuft amip serve schon?)",
        _ => "Fehler des Betriebssystems",
    };
    match err.raw_os_error() {
        Some(code) => format!("{text} (Systemfehler {code})"),
        None => text.to_string(),
    }
}

/// Findings collected by a stage; a stage fails when any of them is an error.
#[derive(Debug, Default, Clone)]
pub struct Findings(pub Vec<Finding>);

impl Findings {
    /// Adds a finding.
    pub fn push(&mut self, finding: Finding) {
        self.0.push(finding);
    }

    /// Whether any finding blocks the build.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|f| f.severity == Severity::Error)
    }

    /// Appends all findings of another stage.
    pub fn extend(&mut self, other: Findings) {
        self.0.extend(other.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_maps_to_line_and_column() {
        let source = "a: 1\nb: zwei\n";
        let finding = Finding::error("x")
            .in_file("data/a.yaml")
            .at_range(source, 8..12);
        assert_eq!(finding.place().as_deref(), Some("data/a.yaml:2:4"));
    }

    #[test]
    fn rendered_report_names_file_and_excerpt() {
        let source = "a: 1\nb: zwei\n";
        let finding = Finding::error("Zahl erwartet")
            .in_file("data/a.yaml")
            .at(source, 2, 4);
        let text = render(&[finding], false);
        assert!(text.contains("data/a.yaml:2:4"), "{text}");
        assert!(text.contains("Zahl erwartet"), "{text}");
        assert!(text.contains("b: zwei"), "{text}");
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let source = "x: \"\u{1b}]0;PWNED\u{7}\u{1b}[2J\"\n";
        let finding = Finding::error("Wert \u{1b}[2J falsch")
            .in_file("data/\u{1b}[2Jx.yaml")
            .at(source, 1, 4);
        let text = render(&[finding], false);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
        assert!(text.contains("Wert \\u{1b}[2J falsch"), "{text}");
    }
}
