//! The report as one self-contained, accessible HTML page (`output/diff/index.html`).
//!
//! The page shows the figures table, the changed tables and charts, and the new text of every
//! changed chapter with insertions and deletions marked. Changes are never shown by colour
//! alone: insertions are `<ins>` (underlined), deletions `<del>` (struck through), and each
//! starts with a visually hidden "Einfügung:" or "Löschung:" for screen readers. Inline CSS,
//! no JavaScript, no external requests.

use std::fmt::Write as _;

use super::figures::{FigureChange, FigureKind};
use super::objects::{ObjectChange, ObjectStatus};
use super::text::{
    BlockDiff, BlockKind, BlockStatus, ChapterChange, ChapterStatus, HeadingChange, SegmentTag,
};
use super::{count, Comparison};
use crate::model::slugify;
use crate::text::escape_html as esc;

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; line-height: 1.5; color: #1a1a1a;
  background: #fff; max-width: 62rem; margin: 0 auto; padding: 1rem 1.25rem 3rem;
  overflow-wrap: break-word; hyphens: auto; }
h1 { font-size: clamp(1.25rem, 5vw, 1.6rem); line-height: 1.25; }
h2 { font-size: 1.35rem; margin-top: 2.5rem; border-bottom: 2px solid #1a1a1a; }
h3 { font-size: 1.15rem; margin-top: 2rem; }
h4, h5, h6 { font-size: 1rem; margin-bottom: .25rem; }
a { color: #0b4f9c; }
a:focus-visible, [tabindex]:focus-visible { outline: 3px solid #0b4f9c; outline-offset: 2px; }
.sprunglink { position: absolute; left: -9999px; top: 0; background: #fff; padding: .5rem 1rem; }
.sprunglink:focus { left: 1rem; }
header, footer { color: #404040; }
footer { margin-top: 3rem; border-top: 1px solid #767676; }
ins { text-decoration: underline; text-decoration-thickness: 2px; text-underline-offset: 2px;
  background: #d9f2dc; color: #0a3a12; }
del { text-decoration: line-through; text-decoration-thickness: 2px; background: #fbe0e0;
  color: #5a0a0a; }
.sr { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
.status { color: #404040; margin-top: 0; }
.legende { border: 1px solid #767676; padding: .5rem .75rem; }
.breit { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
caption { text-align: left; font-weight: bold; padding-bottom: .5rem; }
th, td { border: 1px solid #767676; padding: .3rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #f0f0f0; }
td.zahl { text-align: right; white-space: nowrap; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: .9em; overflow-wrap: anywhere; }
@media print { a { color: inherit; } h2, h3 { break-after: avoid; } }
"#;

fn inserted(text: &str) -> String {
    format!(
        "<ins><span class=\"sr\">Einfügung: </span>{}</ins>",
        esc(text)
    )
}

fn deleted(text: &str) -> String {
    format!(
        "<del><span class=\"sr\">Löschung: </span>{}</del>",
        esc(text)
    )
}

/// The whole page.
pub fn render(comparison: &Comparison) -> String {
    let mut out = String::new();
    let title = if comparison.old_title == comparison.new_title {
        format!("Änderungen: {}", comparison.new_title)
    } else {
        format!(
            "Änderungen: {} → {}",
            comparison.old_title, comparison.new_title
        )
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <a class=\"sprunglink\" href=\"#inhalt\">Zum Inhalt springen</a>\n\
         <header>\n<p>amip diff · {}</p>\n</header>\n",
        esc(&title),
        esc(&comparison.new_title)
    );
    let chapters: Vec<&ChapterChange> = comparison.changed_chapters().collect();
    let objects: Vec<&ObjectChange> = comparison.tables.iter().chain(&comparison.charts).collect();
    write_nav(
        &mut out,
        comparison.figures.len(),
        objects.len(),
        chapters.len(),
    );
    let _ = writeln!(
        out,
        "<main id=\"inhalt\" tabindex=\"-1\">\n<h1>{}</h1>",
        esc(&title)
    );
    let _ = writeln!(
        out,
        "<p>Verglichen wird die alte Fassung <strong>{}</strong> ({}) mit der neuen Fassung <strong>{}</strong> ({}).</p>",
        esc(&comparison.old_label),
        esc(&comparison.old_title),
        esc(&comparison.new_label),
        esc(&comparison.new_title)
    );
    let _ = writeln!(
        out,
        "<p class=\"legende\">So sind Änderungen gekennzeichnet: {} ist unterstrichen, {} ist durchgestrichen. Bildschirmleser lesen „Einfügung“ und „Löschung“ vor.</p>",
        inserted("eingefügter Text"),
        deleted("gelöschter Text")
    );
    let _ = writeln!(
        out,
        "<p><strong>{}</strong></p>",
        esc(&comparison.summary())
    );

    write_figures(&mut out, &comparison.figures);
    write_objects(&mut out, &objects);

    write_text(&mut out, comparison, &chapters);
    let _ = writeln!(
        out,
        "</main>\n<footer>\n<p>Erstellt mit amip diff: {} → {}</p>\n</footer>\n</body>\n</html>",
        esc(&comparison.old_label),
        esc(&comparison.new_label)
    );
    out
}

/// The page's table of contents: the three sections with their numbers of changes.
fn write_nav(out: &mut String, figures: usize, objects: usize, chapters: usize) {
    out.push_str("<nav aria-label=\"Inhalt dieser Seite\">\n<ul>\n");
    let _ = writeln!(
        out,
        "<li><a href=\"#zahlen\">Zahlen</a> ({})</li>",
        count(figures, "Änderung", "Änderungen")
    );
    let _ = writeln!(
        out,
        "<li><a href=\"#tabellen-abbildungen\">Tabellen und Abbildungen</a> ({})</li>",
        count(objects, "Änderung", "Änderungen")
    );
    let _ = writeln!(
        out,
        "<li><a href=\"#text\">Text</a> ({} geändert)</li>",
        count(chapters, "Kapitel", "Kapitel")
    );
    out.push_str("</ul>\n</nav>\n");
}

/// The text section: the changed chapters, then a list of the unchanged ones.
fn write_text(out: &mut String, comparison: &Comparison, chapters: &[&ChapterChange]) {
    out.push_str("<section aria-labelledby=\"text\">\n<h2 id=\"text\">Text</h2>\n");
    if chapters.is_empty() {
        out.push_str("<p>Der Text ist unverändert.</p>\n");
    }
    for chapter in chapters {
        write_chapter(out, chapter);
    }
    let unchanged: Vec<&ChapterChange> = comparison
        .chapters
        .iter()
        .filter(|c| c.status == ChapterStatus::Unchanged)
        .collect();
    if !unchanged.is_empty() {
        out.push_str("<h3 id=\"unveraendert\">Unveränderte Kapitel</h3>\n<ul>\n");
        for chapter in unchanged {
            let _ = writeln!(
                out,
                "<li>{} <span class=\"status\">({})</span></li>",
                esc(&chapter.title),
                esc(&chapter.file)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

fn figure_kind(kind: FigureKind) -> &'static str {
    match kind {
        FigureKind::Changed => "geändert",
        FigureKind::Added => "neu",
        FigureKind::Removed => "entfallen",
    }
}

fn write_figures(out: &mut String, figures: &[FigureChange]) {
    out.push_str("<section aria-labelledby=\"zahlen\">\n<h2 id=\"zahlen\">Zahlen</h2>\n");
    if figures.is_empty() {
        out.push_str("<p>Keine Zahl hat sich geändert.</p>\n</section>\n");
        return;
    }
    out.push_str(
        "<div class=\"breit\" role=\"region\" aria-labelledby=\"zahlen-titel\" tabindex=\"0\">\n<table>\n",
    );
    let _ = writeln!(
        out,
        "<caption id=\"zahlen-titel\">Geänderte, neue und entfallene Werte in den Daten ({})</caption>",
        count(figures.len(), "Wert", "Werte")
    );
    out.push_str(
        "<thead>\n<tr><th scope=\"col\">Datenpfad</th><th scope=\"col\">Bezeichnung</th>\
         <th scope=\"col\">Änderung</th><th scope=\"col\">Alt</th><th scope=\"col\">Neu</th>\
         <th scope=\"col\">Veränderung absolut</th><th scope=\"col\">Veränderung in %</th></tr>\n</thead>\n<tbody>\n",
    );
    for figure in figures {
        let cell = |value: Option<&str>| match value {
            Some(text) => esc(text),
            None => "(nicht vorhanden)".to_string(),
        };
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\"><code>{}</code></th><td>{}</td><td>{}</td><td class=\"zahl\">{}</td><td class=\"zahl\">{}</td><td class=\"zahl\">{}</td><td class=\"zahl\">{}</td></tr>",
            esc(&figure.path),
            esc(figure.label.as_deref().unwrap_or_default()),
            figure_kind(figure.kind),
            cell(figure.old.as_deref()),
            cell(figure.new.as_deref()),
            esc(figure.delta.as_deref().unwrap_or_default()),
            esc(figure.delta_percent.as_deref().unwrap_or_default()),
        );
    }
    out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

fn write_objects(out: &mut String, objects: &[&ObjectChange]) {
    out.push_str(
        "<section aria-labelledby=\"tabellen-abbildungen\">\n<h2 id=\"tabellen-abbildungen\">Tabellen und Abbildungen</h2>\n",
    );
    if objects.is_empty() {
        out.push_str("<p>Keine Tabelle und keine Abbildung hat sich geändert.</p>\n</section>\n");
        return;
    }
    out.push_str("<ul>\n");
    for object in objects {
        let status = match object.status {
            ObjectStatus::Added => "neu",
            ObjectStatus::Removed => "entfallen",
            ObjectStatus::Changed => "geändert",
        };
        let _ = write!(
            out,
            "<li><strong>{} „{}“</strong> ({status}): {}",
            object.kind.noun(),
            esc(&object.id),
            esc(&object.caption)
        );
        if !object.details.is_empty() {
            out.push_str("\n<ul>\n");
            for detail in &object.details {
                let _ = writeln!(out, "<li>{}</li>", esc(detail));
            }
            out.push_str("</ul>\n");
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n</section>\n");
}

fn chapter_status(chapter: &ChapterChange) -> String {
    let file = esc(&chapter.file);
    let places = chapter
        .blocks
        .iter()
        .filter(|b| b.status != BlockStatus::Equal)
        .count();
    let places = count(places, "Stelle", "Stellen");
    match chapter.status {
        ChapterStatus::Unchanged => format!("Unverändert ({file})"),
        ChapterStatus::Changed => format!("Geändert ({file}): {places} im Text"),
        ChapterStatus::Added => format!("Neues Kapitel ({file})"),
        ChapterStatus::Removed => format!("Entfallenes Kapitel ({file})"),
        ChapterStatus::Renamed => format!(
            "Umbenannt: {} → {file}; {places} im Text geändert",
            esc(chapter.old_file.as_deref().unwrap_or_default())
        ),
    }
}

fn segments(block: &BlockDiff) -> String {
    block
        .segments
        .iter()
        .map(|segment| match segment.tag {
            SegmentTag::Equal => esc(&segment.text),
            SegmentTag::Insert => inserted(&segment.text),
            SegmentTag::Delete => deleted(&segment.text),
        })
        .collect()
}

fn write_chapter(out: &mut String, chapter: &ChapterChange) {
    let id = format!("kapitel-{}", slugify(&chapter.file));
    let _ = writeln!(
        out,
        "<section aria-labelledby=\"{id}\">\n<h3 id=\"{id}\">{}</h3>\n<p class=\"status\">{}</p>",
        esc(&chapter.title),
        chapter_status(chapter)
    );
    if !chapter.headings.is_empty() {
        out.push_str("<p>Überschriften:</p>\n<ul>\n");
        for heading in &chapter.headings {
            let line = match heading {
                HeadingChange::Added(text) => format!("neu: {}", inserted(text)),
                HeadingChange::Removed(text) => format!("entfallen: {}", deleted(text)),
                HeadingChange::Changed { old, new } => {
                    format!("geändert: {} {}", deleted(old), inserted(new))
                }
                HeadingChange::Level { text, old, new } => {
                    format!("„{}“: Ebene {old} → {new}", esc(text))
                }
            };
            let _ = writeln!(out, "<li>{line}</li>");
        }
        out.push_str("</ul>\n");
    }
    let mut in_list = false;
    for block in &chapter.blocks {
        let is_item = block.kind == BlockKind::ListItem;
        if is_item && !in_list {
            out.push_str("<ul>\n");
            in_list = true;
        } else if !is_item && in_list {
            out.push_str("</ul>\n");
            in_list = false;
        }
        let content = segments(block);
        match (block.kind, block.status) {
            (BlockKind::Heading(1), BlockStatus::Equal) => {}
            (BlockKind::ListItem, _) => {
                let _ = writeln!(out, "<li>{content}</li>");
            }
            (BlockKind::Heading(level), status) if level > 1 && status != BlockStatus::Deleted => {
                let h = (usize::from(level) + 2).min(6);
                let _ = writeln!(out, "<h{h}>{content}</h{h}>");
            }
            (BlockKind::Heading(_), _) => {
                let _ = writeln!(out, "<p><strong>{content}</strong></p>");
            }
            (BlockKind::Placed, _) => {
                let _ = writeln!(out, "<p><em>{content}</em></p>");
            }
            _ => {
                let _ = writeln!(out, "<p>{content}</p>");
            }
        }
    }
    if in_list {
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

/// Folder of the page below the project, next to the website.
pub const DIFF_DIR: &str = "output/diff";

/// Writes the page to `root/output/diff/index.html` (the rest of `output/` stays as it is) and
/// returns its path. `output` and `output/diff` are amip's: a link there is replaced by a real
/// folder, never written through; the page is replaced atomically.
pub fn write(
    root: &std::path::Path,
    comparison: &Comparison,
) -> Result<std::path::PathBuf, crate::door::DoorError> {
    let writer = crate::door::write::Writer::open(root)?;
    writer.own_folder("output")?;
    writer.own_folder(DIFF_DIR)?;
    let rel = format!("{DIFF_DIR}/index.html");
    writer.replace_quickly(&rel, render(comparison).as_bytes())?;
    Ok(root.join(rel))
}
