//! The report for the terminal: a readable German summary, coloured on request.
//!
//! Insertions are written `{+…+}` and deletions `[-…-]` (as `git diff --word-diff`), so the
//! report reads the same without colour; with colour they are green and red as well.

use std::fmt::Write as _;

use super::figures::{FigureChange, FigureKind};
use super::objects::{ObjectChange, ObjectStatus};
use super::text::{
    BlockKind, BlockStatus, ChapterChange, ChapterStatus, HeadingChange, SegmentTag,
};
use super::{count, Comparison};

/// Words of unchanged text kept around a change.
const CONTEXT_WORDS: usize = 6;

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\u{1b}[{code}m{text}\u{1b}[0m")
        } else {
            text.to_string()
        }
    }
    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
    fn green(&self, text: &str) -> String {
        self.paint("32", text)
    }
    fn red(&self, text: &str) -> String {
        self.paint("31", text)
    }
    fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
    fn inserted(&self, text: &str) -> String {
        self.paint("32", &format!("{{+{text}+}}"))
    }
    fn deleted(&self, text: &str) -> String {
        self.paint("31", &format!("[-{text}-]"))
    }
}

/// Writes the report; `color` adds ANSI colours (for a terminal).
pub fn render(comparison: &Comparison, color: bool) -> String {
    let style = Style { color };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} → {}",
        style.bold("Vergleich:"),
        comparison.old_label,
        comparison.new_label
    );
    if comparison.old_title != comparison.new_title {
        let _ = writeln!(
            out,
            "Programm: {} → {}",
            comparison.old_title, comparison.new_title
        );
    } else {
        let _ = writeln!(out, "Programm: {}", comparison.new_title);
    }
    if comparison.is_empty() {
        let _ = writeln!(out, "\n{}", comparison.summary());
        return out;
    }

    if !comparison.figures.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            style.bold(&format!(
                "Zahlen ({})",
                count(comparison.figures.len(), "Änderung", "Änderungen")
            ))
        );
        for figure in &comparison.figures {
            let _ = writeln!(out, "  {}", figure_line(figure, &style));
        }
    }

    let chapters: Vec<&ChapterChange> = comparison.changed_chapters().collect();
    if !chapters.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            style.bold(&format!(
                "Text ({})",
                count(chapters.len(), "Kapitel", "Kapitel")
            ))
        );
        for chapter in chapters {
            write_chapter(&mut out, chapter, &style);
        }
    }

    let objects: Vec<&ObjectChange> = comparison.tables.iter().chain(&comparison.charts).collect();
    if !objects.is_empty() {
        let _ = writeln!(out, "\n{}", style.bold("Tabellen und Abbildungen"));
        for object in objects {
            write_object(&mut out, object, &style);
        }
    }
    let _ = writeln!(out, "\n{}", comparison.summary());
    out
}

/// One line of the figures list: "geändert:  budget.gesamt.planjahr (…): 1 → 2 (Δ +1; +100,0 %)".
fn figure_line(figure: &FigureChange, style: &Style) -> String {
    let label = figure
        .label
        .as_deref()
        .map(|l| format!(" ({l})"))
        .unwrap_or_default();
    let old = figure.old.as_deref().unwrap_or_default();
    let new = figure.new.as_deref().unwrap_or_default();
    match figure.kind {
        FigureKind::Changed => {
            let mut delta = Vec::new();
            if let Some(d) = &figure.delta {
                delta.push(format!("Δ {d}"));
            }
            if let Some(p) = &figure.delta_percent {
                delta.push(p.clone());
            }
            let delta = if delta.is_empty() {
                String::new()
            } else {
                format!(" ({})", delta.join("; "))
            };
            format!(
                "geändert:  {}{label}: {} → {}{delta}",
                figure.path,
                style.red(old),
                style.green(new)
            )
        }
        FigureKind::Added => format!("neu:       {}{label}: {}", figure.path, style.green(new)),
        FigureKind::Removed => format!("entfallen: {}{label}: {}", figure.path, style.red(old)),
    }
}

fn chapter_status(chapter: &ChapterChange) -> String {
    match chapter.status {
        ChapterStatus::Unchanged => "unverändert".to_string(),
        ChapterStatus::Changed => "geändert".to_string(),
        ChapterStatus::Added => "neu".to_string(),
        ChapterStatus::Removed => "entfallen".to_string(),
        ChapterStatus::Renamed => format!(
            "umbenannt aus {}",
            chapter.old_file.as_deref().unwrap_or_default()
        ),
    }
}

fn write_chapter(out: &mut String, chapter: &ChapterChange, style: &Style) {
    let _ = writeln!(
        out,
        "  Kapitel „{}“ ({}) {}",
        chapter.title,
        chapter.file,
        chapter_status(chapter)
    );
    if matches!(
        chapter.status,
        ChapterStatus::Added | ChapterStatus::Removed
    ) {
        return;
    }
    for heading in &chapter.headings {
        let line = match heading {
            HeadingChange::Added(text) => format!("Überschrift neu: „{}“", style.green(text)),
            HeadingChange::Removed(text) => {
                format!("Überschrift entfallen: „{}“", style.red(text))
            }
            HeadingChange::Changed { old, new } => format!(
                "Überschrift geändert: „{}“ → „{}“",
                style.red(old),
                style.green(new)
            ),
            HeadingChange::Level { text, old, new } => {
                format!("Überschrift „{text}“: Ebene {old} → {new}")
            }
        };
        let _ = writeln!(out, "    {line}");
    }
    for block in &chapter.blocks {
        if matches!(block.kind, BlockKind::Heading(_)) {
            continue;
        }
        let line = match block.status {
            BlockStatus::Equal => continue,
            BlockStatus::Inserted => {
                format!("{} {}", style.dim("neu:"), style.inserted(&joined(block)))
            }
            BlockStatus::Deleted => format!(
                "{} {}",
                style.dim("entfallen:"),
                style.deleted(&joined(block))
            ),
            BlockStatus::Changed => changed_block(block, style),
        };
        let _ = writeln!(out, "    {line}");
    }
}

fn joined(block: &super::BlockDiff) -> String {
    block.segments.iter().map(|s| s.text.as_str()).collect()
}

/// An edited block with a few words of context around each change.
fn changed_block(block: &super::BlockDiff, style: &Style) -> String {
    let mut out = String::new();
    let last = block.segments.len().saturating_sub(1);
    for (index, segment) in block.segments.iter().enumerate() {
        match segment.tag {
            SegmentTag::Insert => out.push_str(&style.inserted(&segment.text)),
            SegmentTag::Delete => out.push_str(&style.deleted(&segment.text)),
            SegmentTag::Equal => out.push_str(&context(&segment.text, index == 0, index == last)),
        }
    }
    out
}

/// Shortens unchanged text to the words next to the changes.
fn context(text: &str, first: bool, last: bool) -> String {
    if first && last {
        return text.to_string();
    }
    let words: Vec<&str> = text.split(' ').collect();
    let keep_head = if first { 0 } else { CONTEXT_WORDS };
    let keep_tail = if last { 0 } else { CONTEXT_WORDS };
    if words.len() <= keep_head + keep_tail + 1 {
        return text.to_string();
    }
    let head = words.get(..keep_head).unwrap_or_default().join(" ");
    let tail = words
        .get(words.len() - keep_tail..)
        .unwrap_or_default()
        .join(" ");
    match (keep_head, keep_tail) {
        (0, _) => format!("… {tail}"),
        (_, 0) => format!("{head} …"),
        _ => format!("{head} … {tail}"),
    }
}

fn write_object(out: &mut String, object: &ObjectChange, style: &Style) {
    let status = match object.status {
        ObjectStatus::Added => style.green("neu"),
        ObjectStatus::Removed => style.red("entfallen"),
        ObjectStatus::Changed => "geändert".to_string(),
    };
    let _ = writeln!(
        out,
        "  {} „{}“ {status}: {}",
        object.kind.noun(),
        object.id,
        object.caption
    );
    for detail in &object.details {
        let _ = writeln!(out, "    {detail}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_keeps_words_next_to_changes() {
        let text =
            "eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn";
        assert_eq!(
            context(text, true, false),
            "… neun zehn elf zwölf dreizehn vierzehn"
        );
        assert_eq!(context("a b c", false, false), "a b c");
        assert_eq!(
            context(text, false, true),
            "eins zwei drei vier fünf sechs …"
        );
    }
}
