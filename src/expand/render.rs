//! Rendering a chapter so that pending values come out as "… (derzeit in Abstimmung)".
//!
//! Pending values are none for tera. An operation on none fails, and the failing tag is then
//! replaced by the pending text and the chapter rendered again ([`pending_repair`]). A bare
//! `{{ x }}` of none does not fail (tera prints nothing), so every print of a plain variable
//! path goes through the filter [`PRINT_FILTER`] ([`wrap_prints`]), which shows none as
//! pending. A path that does not exist reaches that filter as undefined; its wrapping is then
//! undone, so that tera reports the missing name exactly where it stands.

use tera::{Context, Error as TeraError, ErrorKind, Tera, Value};

use super::arguments::Registry;
use super::{heading_attributes, is_pending_value, tags};
use crate::format::PENDING;

/// The filter every plain print goes through (a name no author writes).
pub(super) const PRINT_FILTER: &str = "__amip_ausgabe";

/// What [`PRINT_FILTER`] inserts after a printed path.
const PRINT_SUFFIX: &str = " | __amip_ausgabe";

/// The message of [`PRINT_FILTER`] for an undefined value; never shown to authors.
const UNDEFINED_MARK: &str = "\u{2}amip-undefiniert\u{2}";

/// Registers [`PRINT_FILTER`]: none shows as pending, a sign with its meaning, an undefined
/// value is refused (and the print then rendered without the filter), anything else passes
/// unchanged.
pub(super) fn register_print_filter(tera: &mut Tera) {
    Registry::new(tera).filter(PRINT_FILTER, &[], |value, _| {
        if value.is_undefined() {
            return Err(TeraError::message(UNDEFINED_MARK));
        }
        if is_pending_value(value) {
            return Ok(Value::from(format!("… ({PENDING})")));
        }
        // A sign of the statistics prints with its meaning, as the number filters show it. Only
        // the signs as the data holds them (`X`, `*`, `–`, `.`): a text such as "x" is text.
        if let Some(sign) = value.as_str().and_then(|text| {
            crate::sources::special::Special::parse(text).filter(|sign| sign.sign() == text)
        }) {
            return Ok(Value::from(sign.in_text()));
        }
        Ok(value.clone())
    });
}

/// Whether `text` is a plain variable path as tera reads it: `a`, `a.b.c`, `a.b.2019`,
/// `a["männer"]`, `a[0]`.
fn is_plain_path(text: &str) -> bool {
    let is_start = |c: char| c.is_ascii_alphabetic() || c == '_';
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let Some(first) = text.chars().next() else {
        return false;
    };
    if !is_start(first) {
        return false;
    }
    let root_end = text.find(|c: char| !is_ident(c)).unwrap_or(text.len());
    let Some(root) = text.get(..root_end) else {
        return false;
    };
    if matches!(
        root,
        "true" | "false" | "none" | "True" | "False" | "not" | "and" | "or"
    ) {
        return false;
    }
    let mut rest = text.get(root_end..).unwrap_or_default();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(|c: char| !is_ident(c)).unwrap_or(after.len());
            if end == 0 {
                return false;
            }
            rest = after.get(end..).unwrap_or_default();
        } else if let Some(after) = rest.strip_prefix('[') {
            let Some(close) = after.find(']') else {
                return false;
            };
            let key = after.get(..close).unwrap_or_default().trim();
            let quoted = key.len() >= 2
                && ((key.starts_with('"') && key.ends_with('"'))
                    || (key.starts_with('\'') && key.ends_with('\'')))
                && !key
                    .get(1..key.len() - 1)
                    .unwrap_or_default()
                    .contains(['"', '\'']);
            let index = !key.is_empty() && key.chars().all(|c| c.is_ascii_digit());
            if !quoted && !index {
                return false;
            }
            rest = after.get(close + 1..).unwrap_or_default();
        } else {
            return false;
        }
    }
    true
}

/// `body` with [`PRINT_SUFFIX`] after every printed plain path and the budget guards of
/// [`statement_guards`], and the edits that did it.
pub(super) fn wrap_prints(body: &str) -> (String, Edits) {
    let mut inserts: Vec<(usize, String)> = Vec::new();
    // What stands between `{% raw %}` and `{% endraw %}` is text, not a print.
    let mut raw = false;
    // Heading anchors `{#anker}` reach tera as raw text, so that it does not read a comment.
    let mut anchors = heading_attributes(body).into_iter().peekable();
    let protect = |inserts: &mut Vec<(usize, String)>, (start, end): (usize, usize)| {
        inserts.push((start, "{% raw %}".to_string()));
        inserts.push((end, "{% endraw %}".to_string()));
    };
    for (start, end) in tags(body) {
        while let Some(anchor) = anchors.next_if(|&(at, _)| at < start) {
            if !raw {
                protect(&mut inserts, anchor);
            }
        }
        let tag = body.get(start..end).unwrap_or_default();
        if let Some(inner) = tag.strip_prefix("{%").and_then(|t| t.strip_suffix("%}")) {
            match inner.trim_matches(|c: char| c == '-' || c.is_whitespace()) {
                "raw" => raw = true,
                "endraw" => raw = false,
                _ if !raw => inserts.extend(statement_guards(body, start, end)),
                _ => {}
            }
            continue;
        }
        if raw || !tag.starts_with("{{") {
            continue;
        }
        let Some(inner) = body.get(start + 2..end - 2) else {
            continue;
        };
        let lead = inner.len() - inner.trim_start_matches('-').trim_start().len();
        let expression = inner.trim_start_matches('-').trim_start();
        let expression = expression.trim_end_matches('-').trim_end();
        if !is_plain_path(expression) {
            continue;
        }
        inserts.push((
            start + 2 + lead + expression.len(),
            PRINT_SUFFIX.to_string(),
        ));
    }
    if !raw {
        anchors.for_each(|anchor| protect(&mut inserts, anchor));
    }
    let mut wrapped = String::with_capacity(body.len() + inserts.len() * 24);
    let mut edits = Edits::default();
    let mut copied = 0;
    for (at, text) in inserts {
        wrapped.push_str(body.get(copied..at).unwrap_or_default());
        edits.0.push((wrapped.len(), 0, text.len()));
        wrapped.push_str(&text);
        copied = at;
    }
    wrapped.push_str(body.get(copied..).unwrap_or_default());
    (wrapped, edits)
}

/// The insertions that keep the statement `body[start..end]` within the budgets, so that no
/// template can grow a value or loop without amip noticing (see [`crate::sandbox`]):
/// - every value a `set` or `set_global` stores (`= …` or a `{% set x %}…{% endset %}`
///   block) passes the size check [`crate::sandbox::VALUE_FILTER`];
/// - every loop step calls [`crate::sandbox::STEP_FUNCTION`] (time and step count).
fn statement_guards(body: &str, start: usize, end: usize) -> Vec<(usize, String)> {
    use crate::sandbox::{STEP_FUNCTION, VALUE_FILTER};
    let Some(inner) = body.get(start + 2..end - 2) else {
        return Vec::new();
    };
    let trimmed = inner.trim_start_matches('-').trim_start();
    let content = trimmed.trim_end_matches('-').trim_end();
    let content_end = start + 2 + (inner.len() - trimmed.len()) + content.len();
    let word = content.split_whitespace().next().unwrap_or_default();
    match word {
        "set" | "set_global" => {
            let rest = content.get(word.len()..).unwrap_or_default().trim_start();
            let name_end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let after_name = rest.get(name_end..).unwrap_or_default().trim_start();
            match after_name.strip_prefix('=') {
                Some(expression) if !expression.starts_with('=') => {
                    let expression_start = content_end - expression.trim_start().len();
                    vec![
                        (expression_start, "(".to_string()),
                        (content_end, format!(") | {VALUE_FILTER}")),
                    ]
                }
                Some(_) => Vec::new(),
                None => vec![(content_end, format!(" | {VALUE_FILTER}"))],
            }
        }
        "for" => {
            // Right after the tag: `-%}` trims the blanks after the step instead.
            let close = if inner.ends_with('-') { "-}}" } else { "}}" };
            vec![(end, format!("{{{{ {STEP_FUNCTION}() {close}"))]
        }
        _ => Vec::new(),
    }
}

/// Where the print of an undefined path failed in `source`: the range of its
/// [`PRINT_SUFFIX`], to be removed so that tera names the missing key itself.
fn undefined_print(source: &str, err: &TeraError) -> Option<std::ops::Range<usize>> {
    let ErrorKind::RenderingError(report) = err.kind() else {
        return None;
    };
    if !error_text(err).contains(UNDEFINED_MARK) {
        return None;
    }
    let at = report.span().range.start;
    let (start, end) = tags(source)
        .into_iter()
        .find(|&(start, end)| start <= at && at < end)?;
    let offset = source.get(start..end)?.rfind(PRINT_SUFFIX)?;
    Some(start + offset..start + offset + PRINT_SUFFIX.len())
}

/// Replacements made in a chapter's source to render pending values: (start, old length,
/// new length), each in the coordinates of the text it was made in.
#[derive(Debug, Default, Clone)]
pub(super) struct Edits(pub(super) Vec<(usize, usize, usize)>);

impl Edits {
    /// Maps an offset in the edited text back to the chapter as written.
    pub(super) fn original(&self, mut offset: usize) -> usize {
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
pub(super) fn render_chapter(
    tera: &Tera,
    chapter: &crate::model::Chapter,
    wrapped: &(String, Edits),
    context: &Context,
) -> Result<String, (crate::sandbox::RenderError, Edits)> {
    use crate::sandbox::{render_bounded, RenderError, Source};
    let (body, wrap_edits) = wrapped;
    let mut edits = wrap_edits.clone();
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
        let current = source.as_deref().unwrap_or(body);
        let repair = match undefined_print(current, &err) {
            Some(range) => Some((range, String::new())),
            None => pending_repair(current, &err),
        };
        match repair {
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

/// The full text of a tera error, with its causes.
pub(super) fn error_text(err: &TeraError) -> String {
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
