//! Parsing one chapter: pulldown-cmark's events normalised into [`Node`]s.
//!
//! Straight quotes become German ones, raw HTML becomes text (comments vanish), headings get
//! numbers and document-wide anchors, amip's placeholders become placed tables, figures and
//! images, and its reference links become references. What can only be checked once every
//! chapter is parsed (references, links, duplicate placements) is collected as [`Spots`].

use std::collections::BTreeSet;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::anchors::{self, unique_id, UsedIds};
use super::checks::Spots;
use super::images::check_image;
use super::places::SourceMap;
use super::{ChapterDoc, Heading, ImageNode, Node, SectionTarget};
use crate::diagnostic::{Finding, Findings};
use crate::model::Chapter;
use crate::placeholder::{self, Block, Placed, Target};
use crate::text::{convert_quotes_plain, protect_spaces, slugify, QuoteState};

/// Deepest nesting of Markdown elements a chapter may have (lists in lists, quotes in
/// quotes, emphasis in emphasis). The one limit for every stage: both writers may rely on it.
const MAX_NESTING: usize = 32;
/// Block quotes deeper than this are an error (typst's layout gives up far deeper, and no
/// programme needs more).
const MAX_QUOTE_DEPTH: usize = 5;
/// Lists deeper than this are an error.
const MAX_LIST_DEPTH: usize = 8;

/// Word that starts the caption line of a Markdown table.
const TABLE_CAPTION_PREFIX: &str = "Tabelle:";

pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TASKLISTS
}

/// Parses one chapter; `number` is its chapter number when numbered.
pub(super) fn parse_chapter(
    chapter: &Chapter,
    markdown: &str,
    doc_index: usize,
    number: Option<usize>,
    images: &BTreeSet<String>,
    used_ids: &mut UsedIds,
    findings: &mut Findings,
) -> (ChapterDoc, Spots) {
    let (events, ranges): (Vec<Event<'static>>, Vec<Range<usize>>) =
        Parser::new_ext(markdown, options())
            .into_offset_iter()
            .map(|(event, range)| (event.into_static(), range))
            .unzip();
    // Lists and quotes too deep get their own findings with a place below; anything else
    // nested deeper than MAX_NESTING is reported once for the chapter at the end.
    let too_deep = nesting_depth(&events) > MAX_NESTING;
    // Renaming footnote labels keeps one event per event, so `ranges` stays aligned.
    let events = anchors::namespace_footnotes(events, used_ids);
    let mut parser = ChapterParser {
        chapter,
        doc_index,
        number,
        images,
        used_ids,
        findings,
        places: SourceMap::new(chapter, markdown),
        events: &events,
        ranges: &ranges,
        index: 0,
        nodes: Vec::new(),
        headings: Vec::new(),
        counters: [0; 6],
        quotes: QuoteState::default(),
        in_code: false,
        table_count: 0,
        spots: Spots::default(),
        quote_depth: 0,
        list_depth: 0,
        nesting_reported: false,
    };
    parser.title_from_front_matter();
    while let Some(event) = parser.next() {
        parser.track_nesting(event);
        parser.event(event);
    }
    parser.finish(too_deep)
}

/// The state of parsing one chapter: the events with their byte ranges in the expansion,
/// the position in them, and what has been produced so far.
struct ChapterParser<'a> {
    chapter: &'a Chapter,
    doc_index: usize,
    number: Option<usize>,
    images: &'a BTreeSet<String>,
    used_ids: &'a mut UsedIds,
    findings: &'a mut Findings,
    places: SourceMap<'a>,
    events: &'a [Event<'static>],
    /// Byte range in the expansion of each event, index by index.
    ranges: &'a [Range<usize>],
    /// The next event to take.
    index: usize,
    nodes: Vec<Node>,
    headings: Vec<Heading>,
    /// Section counters per heading level, for "2.1.3".
    counters: [usize; 6],
    quotes: QuoteState,
    in_code: bool,
    /// Markdown tables with a caption line so far (their ids are `stem#n`).
    table_count: usize,
    spots: Spots,
    quote_depth: usize,
    list_depth: usize,
    nesting_reported: bool,
}

impl<'a> ChapterParser<'a> {
    /// Takes the next event.
    fn next(&mut self) -> Option<&'a Event<'static>> {
        let event = self.events.get(self.index)?;
        self.index += 1;
        Some(event)
    }

    /// The range of the event just taken.
    fn here(&self) -> Range<usize> {
        self.index
            .checked_sub(1)
            .and_then(|i| self.ranges.get(i))
            .cloned()
            .unwrap_or(0..0)
    }

    /// The place in the chapter file of the event just taken.
    fn spot(&self) -> (usize, usize) {
        self.places.place(self.here())
    }

    fn error(&mut self, message: impl Into<String>, at: Range<usize>) {
        let finding = self.places.error(message, at);
        self.findings.push(finding);
    }

    /// The level-1 heading when the title comes from front matter (`titel:`).
    fn title_from_front_matter(&mut self) {
        let Some(title) = &self.chapter.front.titel else {
            return;
        };
        let id = unique_id(&slugify(title), self.used_ids);
        let number_text = self.number.map(|n| n.to_string());
        self.nodes.push(Node::Event(Event::Start(Tag::Heading {
            level: HeadingLevel::H1,
            id: Some(CowStr::from(id.clone())),
            classes: Vec::new(),
            attrs: Vec::new(),
        })));
        if let Some(n) = &number_text {
            self.nodes.push(Node::HeadingNumber(n.clone()));
        }
        self.nodes
            .push(Node::Event(Event::Text(CowStr::from(title.clone()))));
        self.nodes
            .push(Node::Event(Event::End(TagEnd::Heading(HeadingLevel::H1))));
        self.headings.push(Heading {
            level: 1,
            text: title.clone(),
            id,
            number: number_text,
        });
    }

    /// Deep nesting makes typst give up (and helps no reader): one finding per deep run of
    /// quotes or lists.
    fn track_nesting(&mut self, event: &Event<'_>) {
        let deeper = match event {
            Event::Start(Tag::BlockQuote(_)) => {
                self.quote_depth += 1;
                (self.quote_depth == MAX_QUOTE_DEPTH + 1).then_some((
                    "Zitate",
                    MAX_QUOTE_DEPTH,
                    " (> > …)",
                    "meist genügt eine Ebene",
                ))
            }
            Event::Start(Tag::List(_)) => {
                self.list_depth += 1;
                (self.list_depth == MAX_LIST_DEPTH + 1).then_some((
                    "Listen",
                    MAX_LIST_DEPTH,
                    "",
                    "gliedern Sie tiefere Ebenen als eigene Abschnitte",
                ))
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                self.quote_depth = self.quote_depth.saturating_sub(1);
                None
            }
            Event::End(TagEnd::List(_)) => {
                self.list_depth = self.list_depth.saturating_sub(1);
                None
            }
            _ => None,
        };
        if let Some((what, limit, example, advice)) = deeper {
            self.nesting_reported = true;
            let finding = self
                .places
                .error(
                    format!(
                        "{what} sind hier mehr als {limit}-fach ineinander verschachtelt{example}."
                    ),
                    self.here(),
                )
                .with_help(format!(
                    "Verschachteln Sie {what} höchstens {limit}-fach; {advice}."
                ));
            self.findings.push(finding);
        }
    }

    /// Handles the event just taken, taking the events that belong to it as well.
    fn event(&mut self, event: &'a Event<'static>) {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => self.heading(*level, id.as_deref(), classes, attrs),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang)))
                if lang.as_ref() == placeholder::LANG =>
            {
                self.placeholder();
            }
            Event::Start(Tag::Link { dest_url, .. })
                if dest_url.starts_with(placeholder::SCHEME) =>
            {
                self.reference(dest_url);
            }
            Event::Start(Tag::HtmlBlock) => self.html_block(),
            Event::Start(Tag::Paragraph) => match table_caption(self.events, self.index) {
                Some((caption, next)) => self.table_caption(&caption, next),
                None => self.block_start(event),
            },
            Event::Start(tag) if is_block(tag) => self.block_start(event),
            Event::End(TagEnd::CodeBlock) => {
                self.in_code = false;
                self.nodes.push(Node::Event(event.clone()));
            }
            Event::Text(_) if self.in_code => self.nodes.push(Node::Event(event.clone())),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => self.image(*link_type, dest_url, title, id),
            Event::Start(Tag::Link { dest_url, .. }) => {
                let spot = self.spot();
                self.spots.links.push((dest_url.to_string(), spot));
                push_inline(&mut self.nodes, event.clone(), &mut self.quotes);
            }
            other => push_inline(&mut self.nodes, other.clone(), &mut self.quotes),
        }
    }

    /// A paragraph, list, quote, table or code block starts: quotes start afresh.
    fn block_start(&mut self, event: &Event<'static>) {
        self.quotes.reset();
        self.in_code = matches!(event, Event::Start(Tag::CodeBlock(_)));
        self.nodes.push(Node::Event(event.clone()));
    }

    /// A heading: checked against the outline, numbered, given a unique anchor.
    fn heading(
        &mut self,
        level: HeadingLevel,
        id: Option<&str>,
        classes: &[CowStr<'static>],
        attrs: &[(CowStr<'static>, Option<CowStr<'static>>)],
    ) {
        let at = self.here();
        let level_number = heading_level(level);
        // Collect the heading's inline events up to its end.
        let mut inner = Vec::new();
        while let Some(next) = self.next() {
            if matches!(next, Event::End(TagEnd::Heading(_))) {
                break;
            }
            if let Event::Start(Tag::Link { dest_url, .. }) = next {
                let spot = self.spot();
                self.spots.links.push((dest_url.to_string(), spot));
            }
            inner.push(next.clone());
        }
        let text = plain_text(&inner);
        self.check_outline(level_number, &text, &at);
        let heading_number = self.heading_number(level_number);
        let base = id.map_or_else(|| slugify(&text), anchors::sanitize);
        let base = if base.is_empty() {
            format!("abschnitt-{}", self.doc_index)
        } else {
            base
        };
        let unique = unique_id(&base, self.used_ids);
        self.nodes.push(Node::Event(Event::Start(Tag::Heading {
            level,
            id: Some(CowStr::from(unique.clone())),
            classes: classes.to_vec(),
            attrs: attrs.to_vec(),
        })));
        if let Some(n) = &heading_number {
            self.nodes.push(Node::HeadingNumber(n.clone()));
        }
        self.quotes.reset();
        for inner_event in inner {
            push_inline(&mut self.nodes, inner_event, &mut self.quotes);
        }
        self.nodes
            .push(Node::Event(Event::End(TagEnd::Heading(level))));
        self.headings.push(Heading {
            level: level_number,
            text: convert_quotes_plain(&text),
            id: unique,
            number: heading_number,
        });
    }

    /// One title per chapter, first; no skipped levels.
    fn check_outline(&mut self, level: u8, text: &str, at: &Range<usize>) {
        if level == 1 && !self.headings.is_empty() {
            self.error(format!(
                "mehr als eine Überschrift der Ebene 1 („# {text}“); jedes Kapitel hat genau einen Titel, Abschnitte beginnen mit ##."
            ), at.clone());
        }
        if self.headings.is_empty() && level != 1 {
            self.error(
                "das Kapitel beginnt nicht mit einer Überschrift der Ebene 1 (# Titel).",
                at.clone(),
            );
        }
        if let Some(previous) = self.headings.last() {
            if level > previous.level + 1 {
                let finding = self.places.error(format!(
                    "die Überschrift „{text}“ (Ebene {level}) überspringt eine Ebene; nach Ebene {} folgt höchstens Ebene {}.",
                    previous.level,
                    previous.level + 1
                ), at.clone())
                .with_help("Barrierefreie Dokumente (PDF/UA, WCAG) verlangen eine lückenlose Gliederung: # Kapitel, ## Abschnitt, ### Unterabschnitt.");
                self.findings.push(finding);
            }
        }
    }

    /// "2.1.3" for a heading of `level` in a numbered chapter.
    fn heading_number(&mut self, level: u8) -> Option<String> {
        let chapter_number = self.number?;
        let depth = usize::from(level).clamp(1, 6);
        if depth == 1 {
            return Some(chapter_number.to_string());
        }
        if let Some(counter) = self.counters.get_mut(depth - 1) {
            *counter += 1;
        }
        for counter in self.counters.iter_mut().skip(depth) {
            *counter = 0;
        }
        let mut parts = vec![chapter_number.to_string()];
        parts.extend(
            self.counters
                .iter()
                .take(depth)
                .skip(1)
                .map(|c| c.to_string()),
        );
        Some(parts.join("."))
    }

    /// An amip placeholder block: a placed table or figure, or an image.
    fn placeholder(&mut self) {
        let at = self.here();
        let mut body = String::new();
        while let Some(next) = self.next() {
            match next {
                Event::End(TagEnd::CodeBlock) => break,
                Event::Text(text) => body.push_str(text),
                _ => {}
            }
        }
        match placeholder::parse_block(&body) {
            Some(Block::Image(call)) => match check_image(&call.datei, &call.alt, self.images) {
                Ok(path) => self.nodes.push(Node::Image(ImageNode {
                    path,
                    alt: protect_spaces(&convert_quotes_plain(&call.alt)),
                    width: call.breite,
                })),
                Err(message) => self.error(message, at),
            },
            Some(Block::Placed(kind, id)) => {
                let spot = self.places.place(at);
                self.spots.placements.push((kind, id.clone(), spot));
                self.nodes.push(Node::Placed(kind, id));
            }
            None => self.error(
                format!("unverständlicher amip-Platzhalter „{}“", body.trim()),
                at,
            ),
        }
    }

    /// An amip reference link: to a chapter, a section, a table or a figure. The link text
    /// is dropped; the writers put the target's number there.
    fn reference(&mut self, dest_url: &str) {
        let at = self.here();
        let mut depth = 1;
        while let Some(next) = self.next() {
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
        let section = match placeholder::parse_reference(dest_url) {
            None => return,
            Some(Target::Placed(kind, id)) => {
                let spot = self.places.place(at);
                self.spots.references.push((kind, id.clone(), spot));
                self.nodes.push(Node::Reference(kind, id));
                self.quotes.last = Some('0');
                return;
            }
            Some(Target::Chapter(id)) => SectionTarget::Chapter(id),
            Some(Target::Section(id)) => SectionTarget::Section(id),
        };
        let spot = self.places.place(at);
        self.spots.sections.push((section.clone(), spot));
        self.nodes.push(Node::SectionReference(section));
        self.quotes.last = Some('0');
    }

    /// A block of raw HTML: shown as text, never passed into either output; comments vanish.
    fn html_block(&mut self) {
        let mut html = String::new();
        while let Some(next) = self.next() {
            match next {
                Event::End(TagEnd::HtmlBlock) => break,
                Event::Html(text) | Event::Text(text) => html.push_str(text),
                _ => {}
            }
        }
        if !is_comment(&html) {
            self.nodes.push(Node::Event(Event::Start(Tag::Paragraph)));
            self.nodes.push(Node::Event(Event::Text(CowStr::from(
                html.trim_end().to_string(),
            ))));
            self.nodes.push(Node::Event(Event::End(TagEnd::Paragraph)));
        }
    }

    /// The caption line of a Markdown table: numbered with the declared tables; parsing
    /// goes on at the table's start event `next`.
    fn table_caption(&mut self, caption: &str, next: usize) {
        self.table_count += 1;
        let id = format!("{}#{}", self.chapter.stem, self.table_count);
        let spot = self.spot();
        self.spots
            .placements
            .push((Placed::Table, id.clone(), spot));
        self.nodes.push(Node::TableCaption(
            id,
            protect_spaces(&convert_quotes_plain(caption)),
        ));
        self.index = next;
    }

    /// A Markdown image: checked (a loaded file below `content/`, with alternative text),
    /// its path normalised.
    fn image(
        &mut self,
        link_type: pulldown_cmark::LinkType,
        dest_url: &str,
        title: &CowStr<'static>,
        id: &CowStr<'static>,
    ) {
        let at = self.here();
        let mut inner = Vec::new();
        while let Some(next) = self.next() {
            if matches!(next, Event::End(TagEnd::Image)) {
                break;
            }
            inner.push(next.clone());
        }
        let alt = plain_text(&inner);
        match check_image(dest_url, &alt, self.images) {
            Ok(path) => {
                self.nodes.push(Node::Event(Event::Start(Tag::Image {
                    link_type,
                    dest_url: CowStr::from(path),
                    title: title.clone(),
                    id: id.clone(),
                })));
                self.nodes.push(Node::Event(Event::Text(CowStr::from(
                    convert_quotes_plain(&alt),
                ))));
                self.nodes.push(Node::Event(Event::End(TagEnd::Image)));
            }
            Err(message) => self.error(message, at),
        }
    }

    /// The chapter's findings that need the whole chapter, and the result.
    fn finish(self, too_deep: bool) -> (ChapterDoc, Spots) {
        if self.headings.is_empty() {
            self.findings.push(
                self.places
                    .error(
                        "das Kapitel hat keinen Titel; beginnen Sie es mit „# Titel“ oder geben Sie titel: im Vorspann an.",
                        0..0,
                    )
                    .with_help("Die erste Zeile nach dem Vorspann ist z. B. „# Ziele“."),
            );
        }
        if too_deep && !self.nesting_reported {
            self.findings.push(
                Finding::error(format!(
                    "{}: der Text ist tiefer als {MAX_NESTING} Ebenen verschachtelt (Listen in Listen, Zitate in Zitaten, Hervorhebungen in Hervorhebungen).",
                    self.chapter.file
                ))
                .in_file(&self.chapter.file)
                .with_help("Gliedern Sie den Text flacher: Überschriften statt immer tieferer Listen."),
            );
        }
        (
            ChapterDoc {
                chapter: self.doc_index,
                stem: self.chapter.stem.clone(),
                numbered: self.number.is_some(),
                headings: self.headings,
                nodes: self.nodes,
            },
            self.spots,
        )
    }
}

/// The deepest nesting of elements in `events`.
fn nesting_depth(events: &[Event<'_>]) -> usize {
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
fn plain_text(events: &[Event<'_>]) -> String {
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
