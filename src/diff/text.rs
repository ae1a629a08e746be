//! Text: per chapter, a word diff of the visible text after expansion.
//!
//! Each parsed chapter is flattened into blocks (headings, paragraphs, list items, table rows,
//! placed tables and figures). Blocks are aligned first, then changed blocks are compared word
//! by word, so a changed figure shows up inside the sentence that uses it. References and
//! placed tables or figures are compared by id, not by number: a table added in chapter 2 does
//! not mark every later "Tabelle 4" → "Tabelle 5" as a change; the report shows each side's
//! numbers.

use std::collections::HashMap;

use pulldown_cmark::{Event, Tag, TagEnd};
use similar::{Algorithm, ChangeTag, TextDiff};

use super::Snapshot;
use crate::markdown::{label, ChapterDoc, Node, SectionTarget};
use crate::placeholder::Placed;

/// Similarity from which a chapter in a renamed file counts as the same chapter.
const RENAME_RATIO: f32 = 0.5;
/// Similarity from which two blocks count as one edited block rather than a deletion and an
/// insertion.
const BLOCK_RATIO: f32 = 0.4;

/// Marks a reference or placement in block text; the id between the marks is one word.
const MARK_START: char = '\u{E000}';
const MARK_END: char = '\u{E001}';

/// What happened to a chapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChapterStatus {
    /// Same file, same text.
    Unchanged,
    /// Same file, text or headings changed.
    Changed,
    /// New chapter.
    Added,
    /// Chapter gone.
    Removed,
    /// The file was renamed; the text is mostly the same (it may still have changed).
    Renamed,
}

/// The kind of a text block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockKind {
    /// A heading of the given level (1 is the chapter title).
    Heading(u8),
    /// A paragraph.
    Paragraph,
    /// An item of a list.
    ListItem,
    /// A row of a Markdown table in the chapter (cells separated by " | ").
    TableRow,
    /// A code block.
    Code,
    /// A declared table or figure placed here ("[Tabelle 2: …]").
    Placed,
}

/// What happened to a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockStatus {
    /// Unchanged.
    Equal,
    /// New block.
    Inserted,
    /// Block gone.
    Deleted,
    /// Edited: see the segments.
    Changed,
}

/// Whether a piece of text stayed, was inserted or deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentTag {
    /// In both versions.
    Equal,
    /// Only in the new version.
    Insert,
    /// Only in the old version.
    Delete,
}

/// A piece of a block's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Equal, inserted or deleted.
    pub tag: SegmentTag,
    /// The visible text.
    pub text: String,
}

/// One block of a chapter with its changes.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockDiff {
    /// Heading, paragraph, …
    pub kind: BlockKind,
    /// What happened to it.
    pub status: BlockStatus,
    /// The text: one equal, inserted or deleted segment, or the word diff of an edited block.
    pub segments: Vec<Segment>,
}

/// A change of the chapter's headings.
#[derive(Debug, Clone, PartialEq)]
pub enum HeadingChange {
    /// A new heading.
    Added(String),
    /// A heading gone.
    Removed(String),
    /// A heading reworded.
    Changed {
        /// Old wording.
        old: String,
        /// New wording.
        new: String,
    },
    /// A heading moved to another level.
    Level {
        /// The heading.
        text: String,
        /// Old level (1 = chapter title).
        old: u8,
        /// New level.
        new: u8,
    },
}

/// One chapter of either side with its changes.
#[derive(Debug, Clone, PartialEq)]
pub struct ChapterChange {
    /// What happened to it.
    pub status: ChapterStatus,
    /// File in the new version (in the old one when removed).
    pub file: String,
    /// The old file, when the chapter was renamed.
    pub old_file: Option<String>,
    /// "4 Ressourcen" (new version; old one when removed).
    pub title: String,
    /// Added, removed and changed headings.
    pub headings: Vec<HeadingChange>,
    /// All blocks of the new text, with deleted blocks where they stood.
    pub blocks: Vec<BlockDiff>,
}

#[derive(Debug, Clone)]
struct Block {
    kind: BlockKind,
    text: String,
}

struct ChapterText {
    file: String,
    stem: String,
    title: String,
    headings: Vec<(u8, String)>,
    blocks: Vec<Block>,
}

impl ChapterText {
    fn joined(&self) -> String {
        let texts: Vec<&str> = self.blocks.iter().map(|b| b.text.as_str()).collect();
        texts.join("\n")
    }
}

/// How references and placements read on one side: "Tabelle 3", "[Tabelle 3: Budget]".
struct Labels {
    references: HashMap<String, String>,
    placed: HashMap<String, String>,
}

impl Labels {
    fn new(side: &Snapshot) -> Self {
        let mut references = HashMap::new();
        let mut placed = HashMap::new();
        let numbering = &side.prepared.numbering;
        let kinds = [
            (Placed::Table, &numbering.tables),
            (Placed::Figure, &numbering.figures),
        ];
        for (kind, places) in kinds {
            for (id, place) in places {
                let key = format!("{}/{id}", kind.keyword());
                let text = label(kind, place.number);
                let caption = match kind {
                    Placed::Table => side.prepared.tables.get(id).map(|t| t.caption.clone()),
                    Placed::Figure => side.prepared.charts.get(id).map(|c| c.caption.clone()),
                };
                placed.insert(
                    key.clone(),
                    format!("[{text}: {}]", caption.unwrap_or_default()),
                );
                references.insert(key, text);
            }
        }
        Self { references, placed }
    }

    /// Replaces the marks in `text` with what readers see.
    fn display(&self, text: &str, kind: BlockKind) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find(MARK_START) {
            out.push_str(rest.get(..start).unwrap_or_default());
            let after = rest
                .get(start + MARK_START.len_utf8()..)
                .unwrap_or_default();
            let Some(end) = after.find(MARK_END) else {
                rest = after;
                continue;
            };
            let key = after.get(..end).unwrap_or_default();
            let map = if kind == BlockKind::Placed {
                &self.placed
            } else {
                &self.references
            };
            match map.get(key) {
                Some(shown) => out.push_str(shown),
                None => out.push_str(key.split('/').next_back().unwrap_or(key)),
            }
            rest = after.get(end + MARK_END.len_utf8()..).unwrap_or_default();
        }
        out.push_str(rest);
        out
    }
}

fn mark(kind: Placed, id: &str) -> String {
    format!("{MARK_START}{}/{id}{MARK_END}", kind.keyword())
}

fn chapter_texts(side: &Snapshot) -> Vec<ChapterText> {
    side.prepared
        .docs
        .iter()
        .map(|doc| {
            let file = side
                .project
                .chapters
                .get(doc.chapter)
                .map_or_else(|| format!("content/{}.md", doc.stem), |c| c.file.clone());
            ChapterText {
                file,
                stem: doc.stem.clone(),
                title: doc.numbered_title(),
                headings: doc
                    .headings
                    .iter()
                    .map(|h| (h.level, h.text.clone()))
                    .collect(),
                blocks: blocks(doc),
            }
        })
        .collect()
}

/// Whether a tag starts a block: `Some(Some(kind))` for a block with text, `Some(None)` for a
/// container (list, quote, table), `None` for inline tags.
fn block_tag(tag: &Tag<'_>, in_item: bool) -> Option<Option<BlockKind>> {
    Some(match tag {
        Tag::Heading { level, .. } => Some(BlockKind::Heading(*level as u8)),
        Tag::Paragraph if in_item => Some(BlockKind::ListItem),
        Tag::Paragraph => Some(BlockKind::Paragraph),
        Tag::Item => Some(BlockKind::ListItem),
        Tag::TableHead | Tag::TableRow => Some(BlockKind::TableRow),
        Tag::CodeBlock(_) => Some(BlockKind::Code),
        Tag::BlockQuote(_)
        | Tag::List(_)
        | Tag::Table(_)
        | Tag::FootnoteDefinition(_)
        | Tag::DefinitionList
        | Tag::DefinitionListTitle
        | Tag::DefinitionListDefinition
        | Tag::HtmlBlock
        | Tag::MetadataBlock(_) => None,
        _ => return None,
    })
}

fn is_block_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Heading(_)
            | TagEnd::Paragraph
            | TagEnd::Item
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::CodeBlock
            | TagEnd::BlockQuote(_)
            | TagEnd::List(_)
            | TagEnd::Table
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::HtmlBlock
            | TagEnd::MetadataBlock(_)
    )
}

/// Collapses runs of ASCII whitespace (line breaks of the source) into single spaces; protected
/// spaces stay.
fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for ch in text.trim_matches(|c: char| c.is_ascii_whitespace()).chars() {
        if ch.is_ascii_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(ch);
        }
    }
    out
}

fn blocks(doc: &ChapterDoc) -> Vec<Block> {
    let mut out = Vec::new();
    let mut buffer = String::new();
    let mut stack: Vec<Option<BlockKind>> = Vec::new();
    let flush = |buffer: &mut String, stack: &[Option<BlockKind>], out: &mut Vec<Block>| {
        let text = collapse(buffer);
        buffer.clear();
        if !text.is_empty() {
            let kind = stack
                .iter()
                .rev()
                .find_map(|k| *k)
                .unwrap_or(BlockKind::Paragraph);
            out.push(Block { kind, text });
        }
    };
    for node in &doc.nodes {
        match node {
            Node::Event(event) => match event {
                Event::Start(tag) => {
                    let in_item = stack.contains(&Some(BlockKind::ListItem));
                    if let Some(kind) = block_tag(tag, in_item) {
                        flush(&mut buffer, &stack, &mut out);
                        stack.push(kind);
                    } else if matches!(tag, Tag::TableCell) && !buffer.trim().is_empty() {
                        buffer.push_str(" | ");
                    }
                }
                Event::End(tag) if is_block_end(tag) => {
                    flush(&mut buffer, &stack, &mut out);
                    stack.pop();
                }
                Event::End(_) => {}
                Event::Text(text)
                | Event::Code(text)
                | Event::InlineMath(text)
                | Event::DisplayMath(text)
                | Event::Html(text)
                | Event::InlineHtml(text) => buffer.push_str(text),
                Event::SoftBreak | Event::HardBreak => buffer.push(' '),
                Event::FootnoteReference(name) => buffer.push_str(&format!("[{name}]")),
                Event::TaskListMarker(done) => buffer.push_str(if *done { "[x] " } else { "[ ] " }),
                Event::Rule => flush(&mut buffer, &stack, &mut out),
            },
            Node::HeadingNumber(_) => {}
            Node::Placed(kind, id) => {
                flush(&mut buffer, &stack, &mut out);
                out.push(Block {
                    kind: BlockKind::Placed,
                    text: mark(*kind, id),
                });
            }
            Node::Reference(kind, id) => buffer.push_str(&mark(*kind, id)),
            Node::SectionReference(target) => buffer.push_str(&match target {
                SectionTarget::Chapter(stem) => format!("[Kapitel {stem}]"),
                SectionTarget::Section(anchor) => format!("[Abschnitt {anchor}]"),
            }),
            Node::TableCaption(_, caption) => {
                flush(&mut buffer, &stack, &mut out);
                out.push(Block {
                    kind: BlockKind::Paragraph,
                    text: format!("Tabelle: {caption}"),
                });
            }
            Node::Image(image) => {
                flush(&mut buffer, &stack, &mut out);
                out.push(Block {
                    kind: BlockKind::Paragraph,
                    text: format!("[Bild {}: {}]", image.path, image.alt),
                });
            }
            // The signature comes from programm.yaml, whose changes the data diff shows.
            Node::Signature(_) => {}
        }
    }
    flush(&mut buffer, &stack, &mut out);
    out
}

fn ratio(old: &str, new: &str) -> f32 {
    TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .diff_words(old, new)
        .ratio()
}

/// Compares the chapters of both sides.
pub(crate) fn compare(old: &Snapshot, new: &Snapshot) -> Vec<ChapterChange> {
    let old_texts = chapter_texts(old);
    let new_texts = chapter_texts(new);
    let old_labels = Labels::new(old);
    let new_labels = Labels::new(new);
    let pairing = Pairing::new(&old_texts, &new_texts);

    // Removed chapters stand where they stood: before the first new chapter that continues a
    // later old one.
    let mut out = Vec::new();
    let mut removed_until = 0;
    let mut push_removed = |up_to: usize, out: &mut Vec<ChapterChange>| {
        let removed = old_texts
            .iter()
            .zip(&pairing.taken)
            .take(up_to)
            .skip(removed_until)
            .filter(|(_, taken)| !**taken);
        for (chapter, _) in removed {
            out.push(whole_chapter(chapter, &old_labels, ChapterStatus::Removed));
        }
        removed_until = removed_until.max(up_to);
    };
    for (chapter, partner) in new_texts.iter().zip(&pairing.partner) {
        match partner {
            Some(i) => {
                push_removed(*i, &mut out);
                if let Some(old_chapter) = old_texts.get(*i) {
                    out.push(diff_chapter(old_chapter, chapter, &old_labels, &new_labels));
                }
            }
            None => out.push(whole_chapter(chapter, &new_labels, ChapterStatus::Added)),
        }
    }
    push_removed(old_texts.len(), &mut out);
    out
}

/// Which old chapter each new chapter continues.
struct Pairing {
    /// Per new chapter, the index of its old chapter.
    partner: Vec<Option<usize>>,
    /// Per old chapter, whether a new chapter continues it.
    taken: Vec<bool>,
}

impl Pairing {
    /// Pairs by file stem, then the unpaired chapters by similar text (renamed files), the
    /// most similar pairs first.
    fn new(old: &[ChapterText], new: &[ChapterText]) -> Self {
        let mut pairing = Self {
            partner: vec![None; new.len()],
            taken: vec![false; old.len()],
        };
        for (j, chapter) in new.iter().enumerate() {
            if let Some(i) = old.iter().position(|c| c.stem == chapter.stem) {
                pairing.pair(i, j);
            }
        }
        let mut candidates = Vec::new();
        for ((j, chapter), partner) in new.iter().enumerate().zip(&pairing.partner) {
            if partner.is_some() {
                continue;
            }
            let joined = chapter.joined();
            for ((i, old_chapter), taken) in old.iter().enumerate().zip(&pairing.taken) {
                if *taken {
                    continue;
                }
                let r = ratio(&old_chapter.joined(), &joined);
                if r >= RENAME_RATIO {
                    candidates.push((r, i, j));
                }
            }
        }
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (_, i, j) in candidates {
            pairing.pair(i, j);
        }
        pairing
    }

    /// Pairs old chapter `i` with new chapter `j` unless either is paired already.
    fn pair(&mut self, i: usize, j: usize) {
        if let (Some(taken), Some(partner)) = (self.taken.get_mut(i), self.partner.get_mut(j)) {
            if !*taken && partner.is_none() {
                *taken = true;
                *partner = Some(i);
            }
        }
    }
}

fn whole_chapter(chapter: &ChapterText, labels: &Labels, status: ChapterStatus) -> ChapterChange {
    let (block_status, tag) = if status == ChapterStatus::Removed {
        (BlockStatus::Deleted, SegmentTag::Delete)
    } else {
        (BlockStatus::Inserted, SegmentTag::Insert)
    };
    ChapterChange {
        status,
        file: chapter.file.clone(),
        old_file: None,
        title: chapter.title.clone(),
        headings: Vec::new(),
        blocks: chapter
            .blocks
            .iter()
            .map(|block| whole_block(block, labels, block_status, tag))
            .collect(),
    }
}

/// A block that is equal, inserted or deleted as a whole.
fn whole_block(block: &Block, labels: &Labels, status: BlockStatus, tag: SegmentTag) -> BlockDiff {
    BlockDiff {
        kind: block.kind,
        status,
        segments: vec![Segment {
            tag,
            text: labels.display(&block.text, block.kind),
        }],
    }
}

fn diff_chapter(
    old: &ChapterText,
    new: &ChapterText,
    old_labels: &Labels,
    new_labels: &Labels,
) -> ChapterChange {
    let keys = |chapter: &ChapterText| -> Vec<(BlockKind, String)> {
        chapter
            .blocks
            .iter()
            .map(|b| (b.kind, b.text.clone()))
            .collect()
    };
    let (old_keys, new_keys) = (keys(old), keys(new));
    let mut blocks = Vec::new();
    for (equal, old_range, new_range) in super::align(&old_keys, &new_keys) {
        if equal {
            for block in new.blocks.get(new_range).unwrap_or_default() {
                blocks.push(whole_block(
                    block,
                    new_labels,
                    BlockStatus::Equal,
                    SegmentTag::Equal,
                ));
            }
        } else {
            let old_blocks = old.blocks.get(old_range).unwrap_or_default();
            let new_blocks = new.blocks.get(new_range).unwrap_or_default();
            edited_blocks(old_blocks, new_blocks, old_labels, new_labels, &mut blocks);
        }
    }
    let headings = heading_changes(&old.headings, &new.headings);
    let renamed = old.file != new.file;
    let changed = !headings.is_empty() || blocks.iter().any(|b| b.status != BlockStatus::Equal);
    ChapterChange {
        status: if renamed {
            ChapterStatus::Renamed
        } else if changed {
            ChapterStatus::Changed
        } else {
            ChapterStatus::Unchanged
        },
        file: new.file.clone(),
        old_file: renamed.then(|| old.file.clone()),
        title: new.title.clone(),
        headings,
        blocks,
    }
}

/// A region of blocks that differs: pairs edited blocks in order (same kind, similar text);
/// what stays unpaired was deleted or inserted.
fn edited_blocks(
    old: &[Block],
    new: &[Block],
    old_labels: &Labels,
    new_labels: &Labels,
    blocks: &mut Vec<BlockDiff>,
) {
    let deleted =
        |block: &Block| whole_block(block, old_labels, BlockStatus::Deleted, SegmentTag::Delete);
    let mut next_old = 0;
    for new_block in new {
        let best = old
            .iter()
            .enumerate()
            .skip(next_old)
            .filter(|(_, b)| b.kind == new_block.kind && b.kind != BlockKind::Placed)
            .map(|(i, b)| (i, b, ratio(&b.text, &new_block.text)))
            .filter(|(_, _, r)| *r >= BLOCK_RATIO)
            .max_by(|a, b| a.2.total_cmp(&b.2));
        let Some((i, old_block, _)) = best else {
            blocks.push(whole_block(
                new_block,
                new_labels,
                BlockStatus::Inserted,
                SegmentTag::Insert,
            ));
            continue;
        };
        blocks.extend(old.get(next_old..i).unwrap_or_default().iter().map(deleted));
        let segments = visible_segments(
            word_diff(&old_block.text, &new_block.text),
            new_block.kind,
            old_labels,
            new_labels,
        );
        let status = if segments.iter().all(|s| s.tag == SegmentTag::Equal) {
            BlockStatus::Equal
        } else {
            BlockStatus::Changed
        };
        blocks.push(BlockDiff {
            kind: new_block.kind,
            status,
            segments,
        });
        next_old = i + 1;
    }
    blocks.extend(old.get(next_old..).unwrap_or_default().iter().map(deleted));
}

/// Turns marked pieces into visible text (deletions with the old side's numbers). A reference
/// whose target changed but reads the same ("Tabelle 3" → "Tabelle 3") is not a visible change.
fn visible_segments(
    pieces: Vec<(SegmentTag, String)>,
    kind: BlockKind,
    old_labels: &Labels,
    new_labels: &Labels,
) -> Vec<Segment> {
    let mut shown: Vec<Segment> = pieces
        .into_iter()
        .map(|(tag, text)| Segment {
            tag,
            text: if tag == SegmentTag::Delete {
                old_labels.display(&text, kind)
            } else {
                new_labels.display(&text, kind)
            },
        })
        .collect();
    for index in 1..shown.len() {
        let same = matches!(
            (shown.get(index - 1), shown.get(index)),
            (Some(a), Some(b)) if a.tag == SegmentTag::Delete && b.tag == SegmentTag::Insert && a.text == b.text
        );
        if same {
            if let Some(segment) = shown.get_mut(index - 1) {
                segment.tag = SegmentTag::Equal;
            }
            if let Some(segment) = shown.get_mut(index) {
                segment.tag = SegmentTag::Equal;
                segment.text.clear();
            }
        }
    }
    let mut merged: Vec<Segment> = Vec::new();
    for segment in shown {
        if segment.text.is_empty() {
            continue;
        }
        match merged.last_mut() {
            Some(last) if last.tag == segment.tag => last.text.push_str(&segment.text),
            _ => merged.push(segment),
        }
    }
    merged
}

fn heading_changes(old: &[(u8, String)], new: &[(u8, String)]) -> Vec<HeadingChange> {
    let mut out = Vec::new();
    for (equal, old_range, new_range) in super::align(old, new) {
        if equal {
            continue;
        }
        let old_items = old.get(old_range).unwrap_or_default();
        let new_items = new.get(new_range).unwrap_or_default();
        let paired = old_items.len().min(new_items.len());
        for ((old_level, old_text), (new_level, new_text)) in old_items.iter().zip(new_items) {
            if old_text == new_text {
                out.push(HeadingChange::Level {
                    text: new_text.clone(),
                    old: *old_level,
                    new: *new_level,
                });
            } else {
                out.push(HeadingChange::Changed {
                    old: old_text.clone(),
                    new: new_text.clone(),
                });
            }
        }
        for (_, text) in old_items.iter().skip(paired) {
            out.push(HeadingChange::Removed(text.clone()));
        }
        for (_, text) in new_items.iter().skip(paired) {
            out.push(HeadingChange::Added(text.clone()));
        }
    }
    out
}

/// Word diff of two texts as (tag, text) pieces. Old text = equal + deleted pieces, new text =
/// equal + inserted pieces. Where words are replaced, the spaces between them go into both the
/// deletion and the insertion, so "[-a b-]{+c d+}" reads as one change.
pub(crate) fn word_diff(old: &str, new: &str) -> Vec<(SegmentTag, String)> {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .diff_words(old, new);
    let tokens: Vec<(SegmentTag, &str)> = diff
        .iter_all_changes()
        .map(|change| {
            let tag = match change.tag() {
                ChangeTag::Equal => SegmentTag::Equal,
                ChangeTag::Insert => SegmentTag::Insert,
                ChangeTag::Delete => SegmentTag::Delete,
            };
            (tag, change.value())
        })
        .collect();
    let is_change = |i: usize| tokens.get(i).is_some_and(|(t, _)| *t != SegmentTag::Equal);
    let is_space = |i: usize| {
        tokens
            .get(i)
            .is_some_and(|(t, s)| *t == SegmentTag::Equal && s.trim().is_empty())
    };
    let mut pieces: Vec<(SegmentTag, String)> = Vec::new();
    let push = |tag: SegmentTag, text: &str, pieces: &mut Vec<(SegmentTag, String)>| {
        if text.is_empty() {
            return;
        }
        match pieces.last_mut() {
            Some((last, buffer)) if *last == tag => buffer.push_str(text),
            _ => pieces.push((tag, text.to_string())),
        }
    };
    let mut i = 0;
    while let Some((tag, text)) = tokens.get(i) {
        if *tag == SegmentTag::Equal {
            push(*tag, text, &mut pieces);
            i += 1;
            continue;
        }
        // A run of changes, spanning single spaces between changed words.
        let mut end = i;
        let mut j = i;
        while j < tokens.len() {
            if is_change(j) {
                j += 1;
                end = j;
            } else if is_space(j) && is_change(j + 1) {
                j += 1;
            } else {
                break;
            }
        }
        let run = tokens.get(i..end).unwrap_or_default();
        let deletes = run.iter().any(|(t, _)| *t == SegmentTag::Delete);
        let inserts = run.iter().any(|(t, _)| *t == SegmentTag::Insert);
        if deletes && inserts {
            let old_text: String = run
                .iter()
                .filter(|(t, _)| *t != SegmentTag::Insert)
                .map(|(_, s)| *s)
                .collect();
            let new_text: String = run
                .iter()
                .filter(|(t, _)| *t != SegmentTag::Delete)
                .map(|(_, s)| *s)
                .collect();
            push(SegmentTag::Delete, &old_text, &mut pieces);
            push(SegmentTag::Insert, &new_text, &mut pieces);
        } else {
            for (t, s) in run {
                push(*t, s, &mut pieces);
            }
        }
        i = end;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(pieces: &[(SegmentTag, String)]) -> String {
        pieces
            .iter()
            .map(|(tag, text)| match tag {
                SegmentTag::Equal => text.clone(),
                SegmentTag::Delete => format!("[-{text}-]"),
                SegmentTag::Insert => format!("{{+{text}+}}"),
            })
            .collect()
    }

    #[test]
    fn a_changed_number_is_one_replacement() {
        let pieces = word_diff(
            "Das Budget sinkt auf 15.634.076 EUR im Jahr.",
            "Das Budget sinkt auf 15.000.000 EUR im Jahr.",
        );
        assert_eq!(
            render(&pieces),
            "Das Budget sinkt auf [-15.634.076-]{+15.000.000+} EUR im Jahr."
        );
    }

    #[test]
    fn replaced_words_merge_across_spaces() {
        let pieces = word_diff("eins zwei drei vier", "eins fünf sechs vier");
        assert_eq!(render(&pieces), "eins [-zwei drei-]{+fünf sechs+} vier");
    }

    #[test]
    fn old_and_new_text_are_preserved() {
        let (old, new) = ("a b c d e f", "a x c y e z f g");
        let pieces = word_diff(old, new);
        let old_again: String = pieces
            .iter()
            .filter(|(t, _)| *t != SegmentTag::Insert)
            .map(|(_, s)| s.as_str())
            .collect();
        let new_again: String = pieces
            .iter()
            .filter(|(t, _)| *t != SegmentTag::Delete)
            .map(|(_, s)| s.as_str())
            .collect();
        assert_eq!(old_again, old);
        assert_eq!(new_again, new);
    }

    #[test]
    fn whitespace_collapses_but_protected_spaces_stay() {
        assert_eq!(collapse("  a\n b\u{a0}%  "), "a b\u{a0}%");
    }

    #[test]
    fn heading_changes_are_paired() {
        let old = vec![
            (1, "A".to_string()),
            (2, "B".to_string()),
            (2, "C".to_string()),
        ];
        let new = vec![
            (1, "A".to_string()),
            (2, "B neu".to_string()),
            (3, "C".to_string()),
        ];
        let changes = heading_changes(&old, &new);
        assert_eq!(
            changes,
            vec![
                HeadingChange::Changed {
                    old: "B".into(),
                    new: "B neu".into()
                },
                HeadingChange::Level {
                    text: "C".into(),
                    old: 2,
                    new: 3
                }
            ]
        );
    }
}
