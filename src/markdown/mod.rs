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
//! [`html`] and [`typst`] then write the same nodes, so both outputs show the same structure.

pub mod anchors;
pub mod html;
mod places;
pub mod publication;
pub mod typst;

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diagnostic::{Finding, Findings};
use crate::expand::{
    Expanded, ImageCall, ImageWidth, Placed, CHAPTER_KEYWORD, IMAGE_KEYWORD, PLACEHOLDER_LANG,
    REFERENCE_SCHEME, SECTION_KEYWORD,
};
use crate::model::Chapter;
use crate::text::{convert_quotes_plain, slugify, QuoteState};
pub use crate::text::{german_quotes, protect_spaces};
use anchors::{unique_id, UsedIds};
use places::SourceMap;

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
/// footnote's document-wide id (`fn-quelle`, see [`anchors`]); the reference adds `_ref`,
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

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TASKLISTS
}

pub use crate::files::IMAGE_EXTENSIONS;

/// Checks an image reference: a file below `content/` that was loaded, with alternative
/// text. Returns the normalised path relative to `content/`.
pub fn check_image(dest: &str, alt: &str, images: &BTreeSet<String>) -> Result<String, String> {
    let lower = dest.to_ascii_lowercase();
    if lower.contains("://") || lower.starts_with("data:") || lower.starts_with("//") {
        return Err(format!(
            "das Bild „{dest}“ liegt im Internet; amip bindet nur Bilder aus dem Projekt ein (keine externen Anfragen). Legen Sie die Datei unter content/bilder/ ab."
        ));
    }
    if dest.starts_with('/')
        || dest.starts_with('\\')
        || dest.get(1..3) == Some(":\\")
        || dest.get(1..3) == Some(":/")
    {
        return Err(format!(
            "der Bildpfad „{dest}“ ist absolut; schreiben Sie ihn relativ zum Ordner content/, z. B. bilder/logo.png."
        ));
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in dest.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!(
                        "der Bildpfad „{dest}“ führt aus dem Ordner content/ hinaus; Bilder müssen im Projekt liegen."
                    ));
                }
            }
            other => parts.push(other),
        }
    }
    let path = parts.join("/");
    let extension = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if !IMAGE_EXTENSIONS.contains(&extension.as_str()) {
        return Err(format!(
            "„{dest}“ ist kein Bild, das amip einbindet (erlaubt: {}).",
            IMAGE_EXTENSIONS.join(", ")
        ));
    }
    if !images.contains(&path) {
        return Err(format!("das Bild „content/{path}“ gibt es nicht."));
    }
    if alt.trim().is_empty() {
        return Err(format!(
            "das Bild „{path}“ hat keinen Alternativtext; schreiben Sie ![Beschreibung des Bildes]({dest})."
        ));
    }
    Ok(path)
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
        let (doc, chapter_spots) = parse_chapter(
            chapter,
            &item.markdown,
            doc_index,
            number,
            images,
            &mut used_ids,
            &mut findings,
        );
        for (kind, id, spot) in &chapter_spots.placements {
            let map = match kind {
                Placed::Table => &mut numbering.tables,
                Placed::Figure => &mut numbering.figures,
            };
            if map.contains_key(id) {
                findings.push(error_at(chapter, *spot, format!(
                    "{} „{id}“ ist mehrfach eingefügt; jede Tabelle und Abbildung steht nur an einer Stelle.",
                    if *kind == Placed::Table { "Die Tabelle" } else { "Die Abbildung" }
                )));
            } else {
                let number = map.len() + 1;
                map.insert(
                    id.clone(),
                    Place {
                        number,
                        chapter: doc_index,
                    },
                );
            }
        }
        for heading in &doc.headings {
            numbering.anchors.insert(heading.id.clone(), doc_index);
            numbering
                .sections
                .insert(heading.id.clone(), heading.clone());
        }
        numbering.chapters.insert(doc.stem.clone(), doc_index);
        docs.push(doc);
        all_spots.push((chapter, chapter_spots));
    }
    for (chapter, spots) in &all_spots {
        for (target, spot) in &spots.sections {
            if numbering.section_link(target).is_none() {
                let message = match target {
                    SectionTarget::Chapter(stem) => {
                        format!("Verweis auf das Kapitel „{stem}“, das keine Überschrift hat.")
                    }
                    SectionTarget::Section(anchor) => format!(
                        "Verweis auf den Abschnitt „{anchor}“: keine Überschrift hat diesen Anker."
                    ),
                };
                findings.push(error_at(chapter, *spot, message).with_help(
                    "Der Anker einer Überschrift ist ihr Text in Kleinbuchstaben mit Bindestrichen (## Eingliederungsleistungen → eingliederungsleistungen) oder das, was in {#anker} hinter ihr steht.",
                ));
            }
        }
        for (url, spot) in &spots.links {
            if let Some(problem) = link_problem(url, &numbering.anchors) {
                findings.push(error_at(chapter, *spot, problem));
            }
        }
        for (kind, id, spot) in &spots.references {
            if numbering.get(*kind, id).is_none() {
                findings.push(
                    error_at(
                        chapter,
                        *spot,
                        format!(
                            "Verweis auf {} „{id}“, die nirgends eingefügt ist.",
                            if *kind == Placed::Table {
                                "die Tabelle"
                            } else {
                                "die Abbildung"
                            }
                        ),
                    )
                    .with_help(format!(
                        "Fügen Sie sie mit {{{{ {}(id=\"{id}\") }}}} in ein Kapitel ein.",
                        kind.keyword()
                    )),
                );
            }
        }
    }
    if findings.has_errors() {
        Err(findings)
    } else {
        Ok((docs, numbering))
    }
}

/// Deepest nesting of Markdown elements a chapter may have (lists in lists, quotes in
/// quotes, emphasis in emphasis). The one limit for every stage: both writers may rely on it.
pub const MAX_NESTING: usize = 32;

/// The deepest nesting of elements in `events`.
pub fn nesting_depth(events: &[Event<'_>]) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0;
    for event in events {
        match event {
            Event::Start(_) => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Parses one chapter; `number` is its chapter number when numbered.
fn parse_chapter(
    chapter: &Chapter,
    markdown: &str,
    doc_index: usize,
    number: Option<usize>,
    images: &BTreeSet<String>,
    used_ids: &mut UsedIds,
    findings: &mut Findings,
) -> (ChapterDoc, Spots) {
    let (events, ranges): (Vec<Event<'static>>, Vec<std::ops::Range<usize>>) =
        Parser::new_ext(markdown, options())
            .into_offset_iter()
            .map(|(event, range)| (event.into_static(), range))
            .unzip();
    let places = SourceMap::new(chapter, markdown);
    // The range of the event at `index - 1` (the one just taken).
    let here = |index: usize| {
        index
            .checked_sub(1)
            .and_then(|i| ranges.get(i))
            .cloned()
            .unwrap_or(0..0)
    };
    // Lists and quotes too deep get their own findings with a place below; anything else
    // nested deeper than MAX_NESTING is reported once for the chapter at the end.
    let too_deep = nesting_depth(&events) > MAX_NESTING;
    let mut nesting_reported = false;
    // Renaming footnote labels keeps one event per event, so `ranges` stays aligned.
    let events = anchors::namespace_footnotes(events, used_ids);
    let mut nodes = Vec::new();
    let mut headings: Vec<Heading> = Vec::new();
    let mut counters = [0usize; 6];
    let mut quotes = QuoteState::default();
    let mut index = 0;
    let mut in_code = false;
    let mut table_count = 0usize;
    let mut spots = Spots::default();
    let (mut quote_depth, mut list_depth) = (0usize, 0usize);

    if let Some(title) = &chapter.front.titel {
        // The title comes from front matter: write the level-1 heading here.
        let id = unique_id(&slugify(title), used_ids);
        let number_text = number.map(|n| n.to_string());
        nodes.push(Node::Event(Event::Start(Tag::Heading {
            level: HeadingLevel::H1,
            id: Some(CowStr::from(id.clone())),
            classes: Vec::new(),
            attrs: Vec::new(),
        })));
        if let Some(n) = &number_text {
            nodes.push(Node::HeadingNumber(n.clone()));
        }
        nodes.push(Node::Event(Event::Text(CowStr::from(title.clone()))));
        nodes.push(Node::Event(Event::End(TagEnd::Heading(HeadingLevel::H1))));
        headings.push(Heading {
            level: 1,
            text: title.clone(),
            id,
            number: number_text,
        });
    }

    while let Some(event) = events.get(index) {
        index += 1;
        // Deep nesting makes typst give up (and helps no reader): one finding per deep run.
        let deeper = match event {
            Event::Start(Tag::BlockQuote(_)) => {
                quote_depth += 1;
                (quote_depth == MAX_QUOTE_DEPTH + 1).then_some((
                    "Zitate",
                    MAX_QUOTE_DEPTH,
                    " (> > …)",
                    "meist genügt eine Ebene",
                ))
            }
            Event::Start(Tag::List(_)) => {
                list_depth += 1;
                (list_depth == MAX_LIST_DEPTH + 1).then_some((
                    "Listen",
                    MAX_LIST_DEPTH,
                    "",
                    "gliedern Sie tiefere Ebenen als eigene Abschnitte",
                ))
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                quote_depth = quote_depth.saturating_sub(1);
                None
            }
            Event::End(TagEnd::List(_)) => {
                list_depth = list_depth.saturating_sub(1);
                None
            }
            _ => None,
        };
        if let Some((what, limit, example, advice)) = deeper {
            nesting_reported = true;
            findings.push(
                places
                    .error(
                        format!("{what} sind hier mehr als {limit}-fach ineinander verschachtelt{example}."),
                        here(index),
                    )
                    .with_help(format!(
                        "Verschachteln Sie {what} höchstens {limit}-fach; {advice}."
                    )),
            );
        }
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let at = here(index);
                let level_number = heading_level(*level);
                // Collect the heading's inline events up to its end.
                let mut inner = Vec::new();
                while let Some(next) = events.get(index) {
                    index += 1;
                    if matches!(next, Event::End(TagEnd::Heading(_))) {
                        break;
                    }
                    if let Event::Start(Tag::Link { dest_url, .. }) = next {
                        spots
                            .links
                            .push((dest_url.to_string(), places.place(here(index))));
                    }
                    inner.push(next.clone());
                }
                let text = plain_text(&inner);
                if level_number == 1 && !headings.is_empty() {
                    findings.push(
                        places.error(format!(
                            "mehr als eine Überschrift der Ebene 1 („# {text}“); jedes Kapitel hat genau einen Titel, Abschnitte beginnen mit ##."
                        ), at.clone()),
                    );
                }
                if headings.is_empty() && level_number != 1 {
                    findings.push(places.error(
                        "das Kapitel beginnt nicht mit einer Überschrift der Ebene 1 (# Titel).",
                        at.clone(),
                    ));
                }
                if let Some(previous) = headings.last() {
                    if level_number > previous.level + 1 {
                        findings.push(
                            places.error(format!(
                                "die Überschrift „{text}“ (Ebene {level_number}) überspringt eine Ebene; nach Ebene {} folgt höchstens Ebene {}.",
                                previous.level,
                                previous.level + 1
                            ), at.clone())
                            .with_help("Barrierefreie Dokumente (PDF/UA, WCAG) verlangen eine lückenlose Gliederung: # Kapitel, ## Abschnitt, ### Unterabschnitt."),
                        );
                    }
                }
                let heading_number = number.map(|chapter_number| {
                    let depth = usize::from(level_number).clamp(1, 6);
                    if depth == 1 {
                        chapter_number.to_string()
                    } else {
                        if let Some(counter) = counters.get_mut(depth - 1) {
                            *counter += 1;
                        }
                        for counter in counters.iter_mut().skip(depth) {
                            *counter = 0;
                        }
                        let mut parts = vec![chapter_number.to_string()];
                        parts.extend(counters.iter().take(depth).skip(1).map(|c| c.to_string()));
                        parts.join(".")
                    }
                });
                let base = id
                    .as_deref()
                    .map_or_else(|| slugify(&text), anchors::sanitize);
                let base = if base.is_empty() {
                    format!("abschnitt-{doc_index}")
                } else {
                    base
                };
                let unique = unique_id(&base, used_ids);
                nodes.push(Node::Event(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(unique.clone())),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                })));
                if let Some(n) = &heading_number {
                    nodes.push(Node::HeadingNumber(n.clone()));
                }
                quotes.reset();
                for inner_event in inner {
                    push_inline(&mut nodes, inner_event, &mut quotes);
                }
                nodes.push(Node::Event(Event::End(TagEnd::Heading(*level))));
                headings.push(Heading {
                    level: level_number,
                    text: convert_quotes_plain(&text),
                    id: unique,
                    number: heading_number,
                });
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang)))
                if lang.as_ref() == PLACEHOLDER_LANG =>
            {
                let at = here(index);
                let mut body = String::new();
                while let Some(next) = events.get(index) {
                    index += 1;
                    match next {
                        Event::End(TagEnd::CodeBlock) => break,
                        Event::Text(text) => body.push_str(text),
                        _ => {}
                    }
                }
                if let Some(json) = body
                    .trim()
                    .strip_prefix(IMAGE_KEYWORD)
                    .filter(|rest| rest.starts_with(' '))
                {
                    match serde_json::from_str::<ImageCall>(json.trim()) {
                        Ok(call) => match check_image(&call.datei, &call.alt, images) {
                            Ok(path) => nodes.push(Node::Image(ImageNode {
                                path,
                                alt: protect_spaces(&convert_quotes_plain(&call.alt)),
                                width: call.breite,
                            })),
                            Err(message) => findings.push(places.error(message, at)),
                        },
                        Err(_) => findings.push(places.error(
                            format!("unverständlicher amip-Platzhalter „{}“", body.trim()),
                            at,
                        )),
                    }
                    continue;
                }
                let mut words = body.split_whitespace();
                match (words.next().and_then(Placed::from_keyword), words.next()) {
                    (Some(kind), Some(id)) => {
                        spots
                            .placements
                            .push((kind, id.to_string(), places.place(at)));
                        nodes.push(Node::Placed(kind, id.to_string()));
                    }
                    _ => findings.push(places.error(
                        format!("unverständlicher amip-Platzhalter „{}“", body.trim()),
                        at,
                    )),
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with(REFERENCE_SCHEME) => {
                let at = here(index);
                let mut depth = 1;
                while let Some(next) = events.get(index) {
                    index += 1;
                    match next {
                        Event::Start(Tag::Link { .. }) => depth += 1,
                        Event::End(TagEnd::Link) => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let target = dest_url.trim_start_matches(REFERENCE_SCHEME);
                if let Some((kind, id)) = target.split_once('/') {
                    let section = match kind {
                        CHAPTER_KEYWORD => Some(SectionTarget::Chapter(id.to_string())),
                        SECTION_KEYWORD => Some(SectionTarget::Section(id.to_string())),
                        _ => None,
                    };
                    if let Some(section) = section {
                        spots
                            .sections
                            .push((section.clone(), places.place(at.clone())));
                        nodes.push(Node::SectionReference(section));
                        quotes.last = Some('0');
                    }
                    if let Some(kind) = Placed::from_keyword(kind) {
                        spots
                            .references
                            .push((kind, id.to_string(), places.place(at)));
                        nodes.push(Node::Reference(kind, id.to_string()));
                        quotes.last = Some('0');
                    }
                }
            }
            Event::Start(Tag::HtmlBlock) => {
                let mut html = String::new();
                while let Some(next) = events.get(index) {
                    index += 1;
                    match next {
                        Event::End(TagEnd::HtmlBlock) => break,
                        Event::Html(text) | Event::Text(text) => html.push_str(text),
                        _ => {}
                    }
                }
                if !is_comment(&html) {
                    // Raw HTML is shown as text: it is never passed into either output.
                    nodes.push(Node::Event(Event::Start(Tag::Paragraph)));
                    nodes.push(Node::Event(Event::Text(CowStr::from(
                        html.trim_end().to_string(),
                    ))));
                    nodes.push(Node::Event(Event::End(TagEnd::Paragraph)));
                }
            }
            Event::Start(Tag::Paragraph) if table_caption(&events, index).is_some() => {
                if let Some((caption, next)) = table_caption(&events, index) {
                    table_count += 1;
                    let id = format!("{}#{table_count}", chapter.stem);
                    spots
                        .placements
                        .push((Placed::Table, id.clone(), places.place(here(index))));
                    nodes.push(Node::TableCaption(
                        id,
                        protect_spaces(&convert_quotes_plain(&caption)),
                    ));
                    index = next;
                }
            }
            Event::Start(tag) if is_block(tag) => {
                quotes.reset();
                in_code = matches!(tag, Tag::CodeBlock(_));
                nodes.push(Node::Event(event.clone()));
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                nodes.push(Node::Event(event.clone()));
            }
            Event::Text(_) if in_code => nodes.push(Node::Event(event.clone())),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let at = here(index);
                let mut inner = Vec::new();
                while let Some(next) = events.get(index) {
                    index += 1;
                    if matches!(next, Event::End(TagEnd::Image)) {
                        break;
                    }
                    inner.push(next.clone());
                }
                let alt = plain_text(&inner);
                match check_image(dest_url, &alt, images) {
                    Ok(path) => {
                        nodes.push(Node::Event(Event::Start(Tag::Image {
                            link_type: *link_type,
                            dest_url: CowStr::from(path),
                            title: title.clone(),
                            id: id.clone(),
                        })));
                        nodes.push(Node::Event(Event::Text(CowStr::from(
                            convert_quotes_plain(&alt),
                        ))));
                        nodes.push(Node::Event(Event::End(TagEnd::Image)));
                    }
                    Err(message) => findings.push(places.error(message, at)),
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                spots
                    .links
                    .push((dest_url.to_string(), places.place(here(index))));
                push_inline(&mut nodes, event.clone(), &mut quotes);
            }
            other => push_inline(&mut nodes, other.clone(), &mut quotes),
        }
    }
    if headings.is_empty() {
        findings.push(
            places
                .error(
                    "das Kapitel hat keinen Titel; beginnen Sie es mit „# Titel“ oder geben Sie titel: im Vorspann an.",
                    0..0,
                )
                .with_help("Die erste Zeile nach dem Vorspann ist z. B. „# Ziele“."),
        );
    }
    if too_deep && !nesting_reported {
        findings.push(
            Finding::error(format!(
                "{}: der Text ist tiefer als {MAX_NESTING} Ebenen verschachtelt (Listen in Listen, Zitate in Zitaten, Hervorhebungen in Hervorhebungen).",
                chapter.file
            ))
            .in_file(&chapter.file)
            .with_help("Gliedern Sie den Text flacher: Überschriften statt immer tieferer Listen."),
        );
    }
    (
        ChapterDoc {
            chapter: doc_index,
            stem: chapter.stem.clone(),
            numbered: number.is_some(),
            headings,
            nodes,
        },
        spots,
    )
}

/// Block quotes deeper than this are an error (typst's layout gives up far deeper, and no
/// programme needs more).
pub const MAX_QUOTE_DEPTH: usize = 5;
/// Lists deeper than this are an error.
pub const MAX_LIST_DEPTH: usize = 8;

/// (line, column) in a chapter file.
type Spot = (usize, usize);

/// Where a chapter places tables and figures, refers to them and links, for findings that
/// can only be made once all chapters are parsed.
#[derive(Default)]
struct Spots {
    placements: Vec<(Placed, String, Spot)>,
    sections: Vec<(SectionTarget, Spot)>,
    references: Vec<(Placed, String, Spot)>,
    links: Vec<(String, Spot)>,
}

/// An error at `spot` of `chapter`'s file.
fn error_at(chapter: &Chapter, spot: Spot, message: impl Into<String>) -> Finding {
    Finding::error(message)
        .in_file(&chapter.file)
        .at(&chapter.padded_source(), spot.0, spot.1)
}

/// Link schemes authors may use; anything else (`file:`, `javascript:`, `data:`) is refused.
const LINK_SCHEMES: [&str; 4] = ["https", "http", "mailto", "tel"];

/// The scheme of a URL (`https` of `https://…`), lower-cased, if it has one.
fn scheme(url: &str) -> Option<String> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    (chars.next()?.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
    .then(|| scheme.to_ascii_lowercase())
}

/// What is wrong with a link, if anything: no target, a scheme that does not work on the
/// published site or runs code, a fragment no heading has, or a file instead of an anchor.
fn link_problem(url: &str, anchors: &BTreeMap<String, usize>) -> Option<String> {
    if url.trim().is_empty() {
        return Some(
            "ein Link hat kein Ziel (leere Klammern „()“); geben Sie eine Adresse wie https://… oder einen #anker an."
                .to_string(),
        );
    }
    if let Some(scheme) = scheme(url) {
        return (!LINK_SCHEMES.contains(&scheme.as_str())).then(|| {
            format!(
                "der Link „{url}“ ist nicht erlaubt: Links mit „{scheme}:“ funktionieren auf der veröffentlichten Website nicht oder führen Code aus; erlaubt sind https://, http://, mailto: und tel:."
            )
        });
    }
    match url.split_once('#') {
        Some((_, fragment)) if !anchors.contains_key(fragment) => Some(format!(
            "der Link „{url}“ führt ins Leere: keine Überschrift hat den Anker „{fragment}“."
        )),
        Some(_) => None,
        None => Some(format!(
            "der Link „{url}“ zeigt auf eine Datei; verlinken Sie Abschnitte mit #anker oder Webseiten mit https://."
        )),
    }
}

/// Word that starts the caption line of a Markdown table.
pub const TABLE_CAPTION_PREFIX: &str = "Tabelle:";

/// A paragraph opened just before `index` that reads "Tabelle: …" and is directly followed
/// by a table: the caption text and the index of the table's start event.
fn table_caption(events: &[Event<'static>], index: usize) -> Option<(String, usize)> {
    let rest = events.get(index..)?;
    let end = rest
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))?;
    let inner = rest.get(..end)?;
    if !matches!(rest.get(end + 1), Some(Event::Start(Tag::Table(_)))) {
        return None;
    }
    if inner
        .iter()
        .any(|e| !matches!(e, Event::Text(_) | Event::SoftBreak | Event::Code(_)))
    {
        return None;
    }
    let text = plain_text(inner);
    let caption = text.trim().strip_prefix(TABLE_CAPTION_PREFIX)?.trim();
    (!caption.is_empty()).then(|| (caption.to_string(), index + end + 1))
}

fn is_block(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::BlockQuote(_)
            | Tag::List(_)
            | Tag::Item
            | Tag::Table(_)
            | Tag::TableCell
            | Tag::FootnoteDefinition(_)
            | Tag::CodeBlock(_)
    )
}

fn is_comment(html: &str) -> bool {
    let trimmed = html.trim();
    trimmed.starts_with("<!--") && trimmed.ends_with("-->")
}

/// Pushes an inline event, converting quotes in text and raw inline HTML to text.
fn push_inline(nodes: &mut Vec<Node>, event: Event<'static>, quotes: &mut QuoteState) {
    match event {
        Event::Text(text) => {
            let converted = protect_spaces(&quotes.convert(&text));
            nodes.push(Node::Event(Event::Text(CowStr::from(converted))));
        }
        Event::InlineHtml(html) | Event::Html(html) => {
            if !is_comment(&html) {
                quotes.last = html.chars().last();
                nodes.push(Node::Event(Event::Text(html)));
            }
        }
        Event::Code(code) => {
            quotes.last = code.chars().last();
            nodes.push(Node::Event(Event::Code(code)));
        }
        Event::SoftBreak | Event::HardBreak => {
            quotes.last = Some(' ');
            nodes.push(Node::Event(event));
        }
        other => nodes.push(Node::Event(other)),
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The text of inline events, without markup.
pub fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FrontMatter;

    fn chapter(file: &str, numbered: bool) -> Chapter {
        Chapter {
            file: file.to_string(),
            stem: file
                .trim_start_matches("content/")
                .trim_end_matches(".md")
                .to_string(),
            front: FrontMatter {
                titel: None,
                nummeriert: numbered,
            },
            body: String::new(),
            body_line_offset: 0,
        }
    }

    /// All text events of a parsed chapter, joined.
    fn text_of(doc: &ChapterDoc) -> String {
        doc.nodes
            .iter()
            .filter_map(|n| match n {
                Node::Event(Event::Text(t)) => Some(t.to_string()),
                _ => None,
            })
            .collect()
    }

    fn parse_one(markdown: &str) -> ChapterDoc {
        let chapters = vec![chapter("content/01-a.md", true)];
        let expanded = vec![Expanded {
            chapter: 0,
            markdown: markdown.to_string(),
        }];
        let (mut docs, _) = parse(&chapters, &expanded).unwrap();
        docs.remove(0)
    }

    #[test]
    fn quotes_become_german() {
        assert_eq!(
            convert_quotes_plain("Das \"bottom up\"-Prinzip"),
            "Das „bottom up“-Prinzip"
        );
        assert_eq!(convert_quotes_plain("\"Marktnah\" ist"), "„Marktnah“ ist");
    }

    #[test]
    fn quotes_work_across_emphasis() {
        let doc = parse_one("# T\n\nDie Kennzahl \"*Integrationsquote*\" zählt.\n");
        let text = text_of(&doc);
        assert!(text.contains("„Integrationsquote“"), "{text}");
    }

    #[test]
    fn headings_are_numbered_per_chapter() {
        let chapters = vec![
            chapter("content/00-v.md", false),
            chapter("content/01-a.md", true),
            chapter("content/02-b.md", true),
        ];
        let expanded = vec![
            Expanded {
                chapter: 0,
                markdown: "# Vorwort\n\n## Unter\n".into(),
            },
            Expanded {
                chapter: 1,
                markdown: "# Eins\n".into(),
            },
            Expanded {
                chapter: 2,
                markdown: "# Zwei\n\n## A\n\n### A1\n\n### A2\n\n## B\n".into(),
            },
        ];
        let (docs, numbering) = parse(&chapters, &expanded).unwrap();
        assert_eq!(docs[0].number(), None);
        assert_eq!(docs[0].headings[1].number, None);
        let numbers: Vec<_> = docs[2]
            .headings
            .iter()
            .map(|h| h.number.clone().unwrap())
            .collect();
        assert_eq!(numbers, vec!["2", "2.1", "2.1.1", "2.1.2", "2.2"]);
        assert_eq!(numbering.anchors.get("a1"), Some(&2));
    }

    #[test]
    fn duplicate_heading_texts_get_unique_ids() {
        let doc = parse_one("# T\n\n## Ziele\n\n## Ziele\n");
        assert_eq!(doc.headings[1].id, "ziele");
        assert_eq!(doc.headings[2].id, "ziele-2");
    }

    #[test]
    fn unique_ids_match_a_search_from_two_for_every_base() {
        fn naive(base: &str, used: &mut BTreeSet<String>) -> String {
            let mut candidate = base.to_string();
            let mut n = 2;
            while used.contains(&candidate) {
                candidate = format!("{base}-{n}");
                n += 1;
            }
            used.insert(candidate.clone());
            candidate
        }
        let bases = [
            "ziele", "ziele", "ziele-3", "ziele", "ziele", "x", "ziele-2", "x-2", "x", "x", "x",
            "ziele", "tab-a", "k-tab-a", "tab-a",
        ];
        let mut fast = UsedIds::default();
        let mut slow = BTreeSet::new();
        for base in bases {
            let slow_base = if base.starts_with("tab-") {
                format!("k-{base}")
            } else {
                base.to_string()
            };
            assert_eq!(
                unique_id(base, &mut fast),
                naive(&slow_base, &mut slow),
                "{base}"
            );
        }
        let many = parse_one(&format!("# T\n\n{}", "## Ziele\n\n".repeat(3000)));
        assert_eq!(many.headings[3000].id, "ziele-3000");
    }

    #[test]
    fn placeholders_and_references_are_numbered_in_order() {
        let chapters = vec![
            chapter("content/01-a.md", true),
            chapter("content/02-b.md", true),
        ];
        let expanded = vec![
            Expanded { chapter: 0, markdown: "# A\n\nSiehe [](amip:abbildung/elb).\n\n```amip\nabbildung elb\n```\n\n```amip\ntabelle budget\n```\n".into() },
            Expanded { chapter: 1, markdown: "# B\n\n```amip\nabbildung ring\n```\n".into() },
        ];
        let (docs, numbering) = parse(&chapters, &expanded).unwrap();
        assert_eq!(numbering.figures["elb"].number, 1);
        assert_eq!(numbering.figures["ring"].number, 2);
        assert_eq!(numbering.figures["ring"].chapter, 1);
        assert_eq!(numbering.tables["budget"].number, 1);
        assert!(docs[0]
            .nodes
            .contains(&Node::Reference(Placed::Figure, "elb".into())));
    }

    #[test]
    fn reference_to_unplaced_figure_is_an_error() {
        let chapters = vec![chapter("content/01-a.md", true)];
        let expanded = vec![Expanded {
            chapter: 0,
            markdown: "# A\n\n[](amip:abbildung/fehlt)\n".into(),
        }];
        let findings = parse(&chapters, &expanded).unwrap_err();
        assert!(findings.0[0].message.contains("fehlt"));
    }

    #[test]
    fn raw_html_becomes_text_and_comments_vanish() {
        let doc =
            parse_one("# T\n\n<script>alert(1)</script>\n\n<!-- Notiz -->\n\nText <b>fett</b>\n");
        assert!(!doc
            .nodes
            .iter()
            .any(|n| matches!(n, Node::Event(Event::Html(_) | Event::InlineHtml(_)))));
        let text = text_of(&doc);
        assert!(text.contains("<script>alert(1)</script>"));
        assert!(text.contains("<b>"));
        assert!(!text.contains("Notiz"));
    }

    #[test]
    fn images_must_be_local_files_with_alt_text() {
        let images: BTreeSet<String> = ["bilder/logo.png".to_string()].into();
        assert_eq!(
            check_image("bilder/./logo.png", "Logo", &images),
            Ok("bilder/logo.png".into())
        );
        assert_eq!(
            check_image("x/../bilder/logo.png", "Logo", &images),
            Ok("bilder/logo.png".into())
        );
        for (dest, alt, expected) in [
            ("../geheim.png", "x", "aus dem Ordner content/ hinaus"),
            ("bilder/../../x.png", "x", "aus dem Ordner content/ hinaus"),
            ("/etc/x.png", "x", "ist absolut"),
            ("C:/x.png", "x", "ist absolut"),
            ("https://example.org/x.png", "x", "im Internet"),
            ("bilder/fehlt.png", "x", "gibt es nicht"),
            ("bilder/logo.png", " ", "keinen Alternativtext"),
            ("bilder/skript.js", "x", "kein Bild"),
        ] {
            let err = check_image(dest, alt, &images).unwrap_err();
            assert!(err.contains(expected), "{dest}: {err}");
        }
    }

    #[test]
    fn skipped_heading_levels_are_errors() {
        let chapters = vec![chapter("content/01-a.md", true)];
        let expanded = vec![Expanded {
            chapter: 0,
            markdown: "# A\n\n### Zu tief\n".into(),
        }];
        let findings = parse(&chapters, &expanded).unwrap_err();
        assert!(
            findings.0[0]
                .message
                .contains("„Zu tief“ (Ebene 3) überspringt"),
            "{:?}",
            findings.0
        );
    }

    #[test]
    fn no_break_spaces_after_paragraph_signs_and_in_sgb() {
        assert_eq!(
            protect_spaces("nach § 16i SGB II und §§ 16e, 16i SGB III, Abs. 1 Nr. 2"),
            "nach §\u{a0}16i SGB\u{a0}II und §§\u{a0}16e, 16i SGB\u{a0}III, Abs.\u{a0}1 Nr.\u{a0}2"
        );
        assert_eq!(
            protect_spaces("im SGB II-Bereich (SGB XII) und SGB IIb"),
            "im SGB\u{a0}II-Bereich (SGB\u{a0}XII) und SGB IIb"
        );
        // Only before a number: "Nr. eins" and "§ und" keep their spaces.
        assert_eq!(protect_spaces("Nr. eins, Abs. zwei"), "Nr. eins, Abs. zwei");
        let doc = parse_one("# T\n\nNach § 16i SGB II.\n");
        let text = text_of(&doc);
        assert!(text.contains("§\u{a0}16i SGB\u{a0}II"), "{text:?}");
    }

    #[test]
    fn a_caption_line_numbers_a_markdown_table_with_the_declared_ones() {
        let chapters = vec![chapter("content/01-a.md", true)];
        for gap in ["\n", "\n\n"] {
            let expanded = vec![Expanded {
                chapter: 0,
                markdown: format!("# A\n\n```amip\ntabelle budget\n```\n\nTabelle: Leistungen nach \"§ 16a\"{gap}| a | b |\n|---|---|\n| 1 | 2 |\n\nTabelle: kein Titel, denn keine Tabelle folgt\n"),
            }];
            let (docs, numbering) = parse(&chapters, &expanded).unwrap();
            assert_eq!(numbering.tables["budget"].number, 1);
            assert_eq!(numbering.tables["01-a#1"].number, 2, "gap {gap:?}");
            assert!(docs[0].nodes.contains(&Node::TableCaption(
                "01-a#1".into(),
                "Leistungen nach „§\u{a0}16a“".into()
            )));
            assert_eq!(
                docs[0]
                    .nodes
                    .iter()
                    .filter(|n| matches!(n, Node::TableCaption(..)))
                    .count(),
                1
            );
        }
    }

    #[test]
    fn chapter_and_section_references_resolve_to_numbers() {
        let chapters = vec![
            chapter("content/00-vorwort.md", false),
            chapter("content/01-a.md", true),
        ];
        let expanded = vec![
            Expanded {
                chapter: 0,
                markdown: "# Vorwort\n\n## Dank\n".into(),
            },
            Expanded {
                chapter: 1,
                markdown: "# Eins\n\n## Zwei {#zwei}\n\n[](<amip:kapitel/01-a>) [](<amip:abschnitt/zwei>) [](<amip:kapitel/00-vorwort>) [](<amip:abschnitt/dank>)\n".into(),
            },
        ];
        let (docs, numbering) = parse(&chapters, &expanded).unwrap();
        let texts: Vec<String> = docs[1]
            .nodes
            .iter()
            .filter_map(|n| match n {
                Node::SectionReference(t) => numbering
                    .section_link(t)
                    .map(|(c, a, t)| format!("{c} {a} {t}")),
                _ => None,
            })
            .collect();
        assert_eq!(
            texts,
            vec![
                "1 eins Kapitel\u{a0}1",
                "1 zwei Abschnitt\u{a0}1.1",
                "0 vorwort „Vorwort“",
                "0 dank Abschnitt „Dank“"
            ]
        );
        let expanded = vec![Expanded {
            chapter: 0,
            markdown: "# A\n\n[](<amip:abschnitt/gibt-es-nicht>)\n".into(),
        }];
        let findings = parse(&chapters[..1], &expanded).unwrap_err();
        assert!(
            findings.0[0].message.contains("„gibt-es-nicht“"),
            "{:?}",
            findings.0
        );
    }

    #[test]
    fn image_placeholders_are_checked_and_keep_their_width() {
        let chapters = vec![chapter("content/01-a.md", true)];
        let images: BTreeSet<String> = ["bilder/karte.png".to_string()].into();
        let expanded = vec![Expanded {
            chapter: 0,
            markdown: "# A\n\n```amip\nbild {\"datei\":\"./bilder/karte.png\",\"alt\":\"Karte \\u0060x\\u0060\",\"breite\":{\"Percent\":40.0}}\n```\n".into(),
        }];
        let (docs, _) = parse_with_images(&chapters, &expanded, &images).unwrap();
        assert!(docs[0].nodes.contains(&Node::Image(ImageNode {
            path: "bilder/karte.png".into(),
            alt: "Karte `x`".into(),
            width: Some(ImageWidth::Percent(40.0)),
        })));
        let expanded = vec![Expanded {
            chapter: 0,
            markdown: "# A\n\n```amip\nbild {\"datei\":\"bilder/fehlt.png\",\"alt\":\"x\",\"breite\":null}\n```\n".into(),
        }];
        let findings = parse_with_images(&chapters, &expanded, &images).unwrap_err();
        assert!(
            findings.0[0].message.contains("gibt es nicht"),
            "{:?}",
            findings.0
        );
    }

    #[test]
    fn chapter_without_title_is_an_error() {
        let chapters = vec![chapter("content/01-a.md", true)];
        let expanded = vec![Expanded {
            chapter: 0,
            markdown: "Nur Text\n".into(),
        }];
        assert!(parse(&chapters, &expanded).is_err());
    }
}
