//! Markdown: parse each expanded chapter once into [`Node`]s that both writers consume.
//!
//! The stage works in three steps:
//! 1. parse with pulldown-cmark (tables, footnotes, heading attributes, strikethrough);
//! 2. normalise the events: straight double quotes become German quotes „…“, raw HTML is
//!    never passed through (comments are dropped, anything else is shown as text), headings get
//!    numbers and unique anchors, and amip's placeholders become [`Node::Placed`] and
//!    [`Node::Reference`];
//! 3. number tables and figures in document order ([`Numbering`]).
//!
//! The writers in `render::html` and `render::typst` then write the same nodes, so both
//! outputs show the same structure.

pub(crate) mod anchors;
mod chapter;
/// The parser options of the chapters, for tests that parse as amip does.
#[cfg(test)]
pub(crate) use chapter::options as parser_options;
mod checks;
mod images;
mod places;
pub(crate) mod publication;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use pulldown_cmark::{Event, Tag, TagEnd};

use crate::diagnostic::Findings;
use crate::expand::Expanded;
use crate::model::Chapter;
use crate::placeholder::{ImageWidth, Placed};
use crate::text::slugify;
use anchors::UsedIds;
pub(crate) use images::check_image;

/// One item of a parsed chapter.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A Markdown event (raw HTML never occurs here).
    Event(Event<'static>),
    /// The number of the heading that was just opened ("2.1").
    HeadingNumber(String),
    /// A declared table or chart placed here.
    Placed(Placed, String),
    /// An inline reference ("Abbildung 2") to a placed table or chart.
    Reference(Placed, String),
    /// An inline reference to a chapter or section ("Kapitel 4", "Abschnitt 4.2").
    SectionReference(SectionTarget),
    /// The caption line (`Tabelle: …`) of the Markdown table that follows: its id in
    /// [`Numbering::tables`] and the caption text.
    TableCaption(String, String),
    /// An image placed with `bild(…)`, as a block of its own.
    Image(ImageNode),
    /// The signature block that closes the foreword (or the chapter the author names).
    Signature(publication::SignatureBlock),
}

/// What `verweis(kapitel=…)` or `verweis(abschnitt=…)` points at.
#[derive(Debug, Clone, PartialEq)]
pub enum SectionTarget {
    /// A chapter by its file stem (`04-ressourcen`).
    Chapter(String),
    /// A heading by its anchor (`eingliederungsleistungen`).
    Section(String),
}

/// An image placed with `bild(…)`.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageNode {
    /// Path relative to `content/` (checked, normalised).
    pub path: String,
    /// Alternative text.
    pub alt: String,
    /// Requested width; `None` keeps the image's own size, at most the text width.
    pub width: Option<ImageWidth>,
}

/// A heading of the document, for tables of contents and anchors.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    /// 1 for the chapter title.
    pub level: u8,
    /// Plain text of the heading.
    pub text: String,
    /// Anchor, unique in the whole document.
    pub id: String,
    /// "2.1", or `None` in unnumbered chapters.
    pub number: Option<String>,
}

/// A parsed chapter.
#[derive(Debug, Clone, PartialEq)]
pub struct ChapterDoc {
    /// Index into the project's chapters.
    pub chapter: usize,
    /// The chapter file's stem, also its page name.
    pub stem: String,
    /// Whether the chapter is numbered.
    pub numbered: bool,
    /// All headings; the first is the chapter title.
    pub headings: Vec<Heading>,
    /// The chapter's content.
    pub nodes: Vec<Node>,
}

impl ChapterDoc {
    /// The chapter title.
    pub fn title(&self) -> &str {
        self.headings.first().map_or("", |h| h.text.as_str())
    }

    /// The chapter number ("2"), if numbered.
    pub fn number(&self) -> Option<&str> {
        self.headings.first().and_then(|h| h.number.as_deref())
    }

    /// "2 Angebot und Nachfrage" or "Vorwort".
    pub fn numbered_title(&self) -> String {
        match self.number() {
            Some(number) => format!("{number} {}", self.title()),
            None => self.title().to_string(),
        }
    }
}

/// Where a table or figure was placed and which number it got.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// 1-based number in document order, per kind.
    pub number: usize,
    /// Index of the chapter doc it stands in.
    pub chapter: usize,
}

/// Numbers of all placed tables and figures, and which chapter holds each anchor.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Numbering {
    /// Tables by id, in document order.
    pub tables: IndexMap<String, Place>,
    /// Figures by id, in document order.
    pub figures: IndexMap<String, Place>,
    /// Heading anchors → chapter index.
    pub anchors: BTreeMap<String, usize>,
    /// Heading anchors → the heading, for "Abschnitt 4.2".
    pub sections: BTreeMap<String, Heading>,
    /// Chapter file stems → chapter index, for "Kapitel 4".
    pub chapters: BTreeMap<String, usize>,
}

impl Numbering {
    /// Records a parsed chapter's headings and its stem.
    fn add_headings(&mut self, doc: &ChapterDoc, doc_index: usize) {
        for heading in &doc.headings {
            self.anchors.insert(heading.id.clone(), doc_index);
            self.sections.insert(heading.id.clone(), heading.clone());
        }
        self.chapters.insert(doc.stem.clone(), doc_index);
    }

    /// The place of a table or figure.
    pub fn get(&self, kind: Placed, id: &str) -> Option<&Place> {
        match kind {
            Placed::Table => self.tables.get(id),
            Placed::Figure => self.figures.get(id),
        }
    }
}

impl Numbering {
    /// Where a chapter or section reference leads: (chapter index, heading anchor, link text
    /// such as "Kapitel\u{a0}4" or "Abschnitt\u{a0}4.2"); `None` when the target is unknown.
    pub fn section_link(&self, target: &SectionTarget) -> Option<(usize, String, String)> {
        let anchor = match target {
            SectionTarget::Chapter(stem) => {
                let chapter = *self.chapters.get(stem)?;
                self.sections
                    .iter()
                    .find(|(_, h)| h.level == 1 && self.anchors.get(&h.id) == Some(&chapter))
                    .map(|(id, _)| id.clone())?
            }
            SectionTarget::Section(anchor) => anchor.clone(),
        };
        let heading = self.sections.get(&anchor)?;
        let chapter = *self.anchors.get(&anchor)?;
        let word = if heading.level == 1 {
            "Kapitel"
        } else {
            "Abschnitt"
        };
        let text = match (&heading.number, heading.level) {
            (Some(number), _) => format!("{word}\u{a0}{number}"),
            (None, 1) => format!("„{}“", heading.text),
            (None, _) => format!("{word} „{}“", heading.text),
        };
        Some((chapter, anchor, text))
    }
}

/// Footnote ids on the website: (note id, id of the reference). The label already is the
/// footnote's document-wide id (`fn-quelle`, see `anchors`); the reference adds `_ref`,
/// which no slug contains, so it clashes with no other id, on the one-page view neither.
pub fn footnote_ids(label: &str) -> (String, String) {
    (label.to_string(), format!("{label}_ref"))
}

/// The footnote definitions of a chapter by label: each body without its start and end.
pub fn footnote_definitions(nodes: &[Node]) -> BTreeMap<String, Vec<Node>> {
    let mut footnotes = BTreeMap::new();
    let mut index = 0;
    while let Some(node) = nodes.get(index) {
        index += 1;
        if let Node::Event(Event::Start(Tag::FootnoteDefinition(label))) = node {
            let mut depth = 1;
            let mut body = Vec::new();
            while let Some(next) = nodes.get(index) {
                index += 1;
                match next {
                    Node::Event(Event::Start(Tag::FootnoteDefinition(_))) => depth += 1,
                    Node::Event(Event::End(TagEnd::FootnoteDefinition)) => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                body.push(next.clone());
            }
            footnotes.insert(label.to_string(), body);
        }
    }
    footnotes
}

/// The anchor of a placed table or figure: `tab-budget`, `abb-elb`.
pub fn anchor(kind: Placed, id: &str) -> String {
    match kind {
        Placed::Table => format!("tab-{}", slugify(id)),
        Placed::Figure => format!("abb-{}", slugify(id)),
    }
}

/// "Tabelle 1" / "Abbildung 2".
pub fn label(kind: Placed, number: usize) -> String {
    match kind {
        Placed::Table => format!("Tabelle {number}"),
        Placed::Figure => format!("Abbildung {number}"),
    }
}

/// Parses all expanded chapters and numbers headings, tables and figures.
pub fn parse(
    chapters: &[Chapter],
    expanded: &[Expanded],
) -> Result<(Vec<ChapterDoc>, Numbering), Findings> {
    parse_with_images(chapters, expanded, &BTreeSet::new())
}

/// Like [`parse`], with the image files found below `content/`.
pub fn parse_with_images(
    chapters: &[Chapter],
    expanded: &[Expanded],
    images: &BTreeSet<String>,
) -> Result<(Vec<ChapterDoc>, Numbering), Findings> {
    let mut findings = Findings::default();
    let mut numbering = Numbering::default();
    let mut used_ids = UsedIds::with_reserved();
    let mut docs = Vec::new();
    let mut all_spots = Vec::new();
    let mut chapter_number = 0usize;
    for (doc_index, item) in expanded.iter().enumerate() {
        let Some(chapter) = chapters.get(item.chapter) else {
            continue;
        };
        let numbered = chapter.front.nummeriert;
        if numbered {
            chapter_number += 1;
        }
        let number = numbered.then_some(chapter_number);
        let (doc, spots) = chapter::parse_chapter(
            chapter,
            &item.markdown,
            doc_index,
            number,
            images,
            &mut used_ids,
            &mut findings,
        );
        checks::number_placements(chapter, &spots, doc_index, &mut numbering, &mut findings);
        numbering.add_headings(&doc, doc_index);
        docs.push(doc);
        all_spots.push((chapter, spots));
    }
    for (chapter, spots) in &all_spots {
        checks::unresolved(chapter, spots, &numbering, &mut findings);
    }
    if findings.has_errors() {
        Err(findings)
    } else {
        Ok((docs, numbering))
    }
}
