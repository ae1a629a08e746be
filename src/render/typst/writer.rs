//! Typst writer: turns parsed chapter [`Node`]s into Typst markup.
//!
//! All escaping for Typst lives in `crate::typst_escape`. Text is always escaped so that
//! nothing from Markdown or data can become Typst code: every character with a meaning in Typst markup gets a
//! backslash, which makes it literal. Markup that amip itself needs is written as function
//! calls (`#emph[…]`, `#link(…)[…]`, `#figure(…)`), which never depend on what surrounds them.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use pulldown_cmark::{Alignment, CodeBlockKind, Event, Tag, TagEnd};

use crate::markdown::publication::{SignatureBlock, UNSIGNED};
use crate::markdown::{anchor, footnote_definitions, ChapterDoc, Node, Numbering};
use crate::model::{Chart, Table};
use crate::placeholder::{ImageWidth, Placed};

pub use crate::typst_escape::{escape_markup, escape_string, string};

/// What the writer needs besides the chapter itself.
pub struct TypstContext<'a> {
    /// Resolved tables by id.
    pub tables: &'a IndexMap<String, Table>,
    /// Resolved charts by id.
    pub charts: &'a IndexMap<String, Chart>,
    /// Numbers and anchors of the whole document.
    pub numbering: &'a Numbering,
    /// Folder of the chart SVGs relative to `main.typ`.
    pub chart_dir: &'a str,
}

/// The footnote labels referenced more than once in `nodes`.
fn repeated_references(nodes: &[Node]) -> std::collections::BTreeSet<String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut repeated = std::collections::BTreeSet::new();
    for node in nodes {
        if let Node::Event(Event::FootnoteReference(label)) = node {
            if !seen.insert(label.to_string()) {
                repeated.insert(label.to_string());
            }
        }
    }
    repeated
}

/// Writes one chapter as Typst markup.
pub fn write_chapter(doc: &ChapterDoc, ctx: &TypstContext<'_>) -> String {
    let mut writer = Writer {
        ctx,
        out: String::new(),
        footnotes: footnote_definitions(&doc.nodes),
        after_call: false,
        stack: Vec::new(),
        open_footnotes: Vec::new(),
        footnote_prefix: format!("fn-{}-", crate::text::slugify(&doc.stem)),
        written_footnotes: std::collections::BTreeSet::new(),
        repeated_footnotes: repeated_references(&doc.nodes),
        heading: None,
        caption: None,
        in_intro: false,
    };
    writer.write(&doc.nodes);
    writer.out
}

/// Open containers whose closing text depends on how they were opened.
enum Open {
    Image {
        path: String,
        alt: String,
    },
    List,
    /// Whether the link is written, and the address to show after an external link.
    Link(bool, Option<LinkAddress>),
    /// `label`: the table stands in a numbered figure with this label.
    Table {
        label: Option<String>,
    },
    Code(String),
    Skip,
}

struct Writer<'a, 'b> {
    ctx: &'a TypstContext<'b>,
    out: String,
    footnotes: BTreeMap<String, Vec<Node>>,
    /// The last output was a code call: a following `(`, `[`, `.` or `;` must be escaped.
    after_call: bool,
    stack: Vec<Open>,
    /// Footnotes being written, innermost last: a footnote that refers to itself (directly
    /// or through another one) is not written again inside itself, which would never end.
    open_footnotes: Vec<String>,
    /// Start of this chapter's footnote labels, so that `[^1]` of two chapters differ.
    footnote_prefix: String,
    /// Footnotes already written: a second reference points to the first, with its number,
    /// as on the website.
    written_footnotes: std::collections::BTreeSet<String>,
    /// Footnotes referenced more than once: only they need a label.
    repeated_footnotes: std::collections::BTreeSet<String>,
    /// Anchor of the heading being written, labelled at its end.
    heading: Option<String>,
    /// Caption line of the Markdown table that follows: (id, caption).
    caption: Option<(String, String)>,
    /// Between a chapter title and its first section: a float placed at the top of the page
    /// would stand above the chapter title, so it goes to the bottom.
    in_intro: bool,
}

impl Writer<'_, '_> {
    fn push(&mut self, text: &str) {
        self.out.push_str(text);
        self.after_call = false;
    }

    fn call_end(&mut self, text: &str) {
        self.out.push_str(text);
        self.after_call = true;
    }

    fn text(&mut self, text: &str) {
        let escaped = escape_markup(text);
        if self.after_call && escaped.starts_with(['(', '.', ';', ':']) {
            self.out.push('\\');
        }
        self.push(&escaped);
    }

    fn in_code(&self) -> bool {
        matches!(self.stack.last(), Some(Open::Code(_)))
    }

    fn in_skip(&self) -> bool {
        self.stack.iter().any(|open| matches!(open, Open::Skip))
    }

    fn write(&mut self, nodes: &[Node]) {
        for node in nodes {
            if self.in_skip() {
                match node {
                    Node::Event(Event::Start(Tag::FootnoteDefinition(_))) => {
                        self.stack.push(Open::Skip)
                    }
                    Node::Event(Event::End(TagEnd::FootnoteDefinition)) => {
                        self.stack.pop();
                    }
                    _ => {}
                }
                continue;
            }
            match node {
                Node::Event(event) => self.event(event),
                Node::HeadingNumber(number) => {
                    self.text(number);
                    self.push(" ");
                }
                Node::Placed(kind, id) => self.placed(*kind, id),
                Node::Reference(kind, id) => {
                    self.push(&format!("#ref(<{}>)", anchor(*kind, id)));
                    self.after_call = true;
                }
                Node::SectionReference(target) => {
                    if let Some((_, anchor, text)) = self.ctx.numbering.section_link(target) {
                        if is_label(&anchor) {
                            self.push(&format!("#link(<{anchor}>)[{}]", escape_markup(&text)));
                            self.after_call = true;
                        } else {
                            self.text(&text);
                        }
                    }
                }
                Node::TableCaption(id, caption) => {
                    self.caption = Some((id.clone(), caption.clone()));
                }
                Node::Image(image) => {
                    self.push(&format!(
                        "\n#{}\n\n",
                        image_call(&image.path, &image.alt, image.width)
                    ));
                }
                Node::Signature(block) => self.push(&signature(block)),
            }
        }
    }

    fn event(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(*tag),
            Event::Text(text) => {
                if let Some(Open::Code(buffer) | Open::Image { alt: buffer, .. }) =
                    self.stack.last_mut()
                {
                    buffer.push_str(text);
                } else {
                    self.text(text);
                }
            }
            Event::Code(code) => {
                self.push(&format!("#raw({})", string(code)));
                self.after_call = true;
            }
            Event::SoftBreak => {
                if !self.in_code() {
                    self.push(" ");
                }
            }
            Event::HardBreak => self.push("\\\n"),
            Event::Rule => self.push("\n#line(length: 100%)\n\n"),
            // A footnote that refers to itself (directly or through another) is written once;
            // the inner reference shows as text instead of recursing forever.
            Event::FootnoteReference(label)
                if self
                    .open_footnotes
                    .iter()
                    .any(|open| open == label.as_ref()) =>
            {
                self.text(&format!("[^{label}]"));
            }
            Event::FootnoteReference(label) if self.written_footnotes.contains(label.as_ref()) => {
                let target = format!("{}{}", self.footnote_prefix, crate::text::slugify(label));
                self.push(&format!("#footnote(<{target}>"));
                self.call_end(")");
            }
            Event::FootnoteReference(label) => {
                self.written_footnotes.insert(label.to_string());
                let body = self
                    .footnotes
                    .get(label.as_ref())
                    .cloned()
                    .unwrap_or_default();
                self.open_footnotes.push(label.to_string());
                self.push("#footnote[");
                self.write(&body);
                trim_trailing_breaks(&mut self.out);
                self.call_end("]");
                if self.repeated_footnotes.contains(label.as_ref()) {
                    let target = format!("{}{}", self.footnote_prefix, crate::text::slugify(label));
                    self.push(&format!("<{target}>"));
                }
                self.open_footnotes.pop();
            }
            Event::TaskListMarker(done) => self.push(if *done { "☒ " } else { "☐ " }),
            // Raw HTML and math never reach the writer (see the Markdown stage); show as text.
            Event::Html(text)
            | Event::InlineHtml(text)
            | Event::InlineMath(text)
            | Event::DisplayMath(text) => self.text(text),
        }
    }

    fn start(&mut self, tag: &Tag<'_>) {
        match tag {
            Tag::Paragraph => {}
            Tag::Heading { level, id, .. } => {
                self.heading = id.as_ref().map(|id| id.to_string());
                let depth = *level as usize;
                self.in_intro = depth == 1;
                self.push(&format!("\n{} ", "=".repeat(depth)));
            }
            Tag::BlockQuote(_) => self.push("#quote(block: true)["),
            Tag::CodeBlock(kind) => self.code_start(kind),
            Tag::List(start) => {
                match start {
                    Some(n) => self.push(&format!("#enum(start: {n},\n")),
                    None => self.push("#list(\n"),
                }
                self.stack.push(Open::List);
            }
            Tag::Item => self.push("["),
            Tag::FootnoteDefinition(_) => self.stack.push(Open::Skip),
            Tag::Table(aligns) => self.table_start(aligns),
            Tag::TableHead => self.push("  table.header(repeat: true, "),
            Tag::TableRow => self.push("  "),
            Tag::TableCell => self.push("["),
            Tag::Emphasis => self.push("#emph["),
            Tag::Strong => self.push("#strong["),
            Tag::Strikethrough => self.push("#strike["),
            Tag::Link { dest_url, .. } => self.link_start(dest_url),
            Tag::Image { dest_url, .. } => self.stack.push(Open::Image {
                path: dest_url.to_string(),
                alt: String::new(),
            }),
            Tag::HtmlBlock
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript
            | Tag::MetadataBlock(_) => {}
        }
    }

    /// A code block: its text is collected and written as one `#raw` string.
    fn code_start(&mut self, kind: &CodeBlockKind<'_>) {
        let lang = match kind {
            CodeBlockKind::Fenced(lang) => lang.split_whitespace().next().unwrap_or("").to_string(),
            CodeBlockKind::Indented => String::new(),
        };
        self.push("#raw(block: true, ");
        if !lang.is_empty() {
            self.push(&format!("lang: {}, ", string(&lang)));
        }
        self.stack.push(Open::Code(String::new()));
    }

    /// A Markdown table, in a numbered figure when a caption line precedes it.
    fn table_start(&mut self, aligns: &[Alignment]) {
        let aligns: Vec<&str> = aligns
            .iter()
            .map(|a| match a {
                Alignment::Right => "right",
                Alignment::Center => "center",
                Alignment::Left | Alignment::None => "left",
            })
            .collect();
        let label = match self.caption.take() {
            Some((id, caption)) => {
                self.push(&format!(
                    "#figure(\n  kind: table,\n  caption: [{}],\n  table(\n",
                    escape_markup(&caption)
                ));
                Some(anchor(Placed::Table, &id))
            }
            None => {
                self.push("#table(\n");
                None
            }
        };
        self.push(&format!(
            "  columns: {},\n  align: ({},),\n",
            aligns.len().max(1),
            aligns.join(", ")
        ));
        self.stack.push(Open::Table { label });
    }

    /// A link: to an anchor or an external address; anything else shows its text only.
    fn link_start(&mut self, dest_url: &str) {
        match self.link_target(dest_url) {
            Some(target) => {
                self.push(&format!("#link({target})["));
                let address = external_address(dest_url).map(|address| LinkAddress {
                    address,
                    text_start: self.out.len(),
                });
                self.stack.push(Open::Link(true, address));
            }
            None => self.stack.push(Open::Link(false, None)),
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.push("\n\n"),
            TagEnd::Heading(_) => {
                let label = self
                    .heading
                    .take()
                    .map(|id| heading_label(&id))
                    .unwrap_or_default();
                self.push(&format!("{label}\n\n"));
            }
            TagEnd::BlockQuote(_) => {
                trim_trailing_breaks(&mut self.out);
                self.push("]\n\n");
            }
            TagEnd::CodeBlock => {
                if let Some(Open::Code(buffer)) = self.stack.pop() {
                    let code = buffer.strip_suffix('\n').unwrap_or(&buffer).to_string();
                    self.push(&format!("{})\n\n", string(&code)));
                }
            }
            TagEnd::List(_) => {
                self.stack.pop();
                self.push(")\n\n");
            }
            TagEnd::Item => {
                trim_trailing_breaks(&mut self.out);
                self.push("],\n");
            }
            TagEnd::FootnoteDefinition => {
                self.stack.pop();
            }
            TagEnd::Table => match self.stack.pop() {
                Some(Open::Table { label: Some(label) }) => {
                    self.push(&format!("),\n) <{label}>\n\n"))
                }
                _ => self.push(")\n\n"),
            },
            TagEnd::TableHead => self.push("),\n"),
            TagEnd::TableRow => self.push("\n"),
            TagEnd::TableCell => self.push("], "),
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => self.call_end("]"),
            TagEnd::Image => {
                if let Some(Open::Image { path, alt }) = self.stack.pop() {
                    self.push(&format!("#box({})", image_call(&path, &alt, None)));
                    self.after_call = true;
                }
            }
            TagEnd::Link => {
                if let Some(Open::Link(true, address)) = self.stack.pop() {
                    self.call_end("]");
                    if let Some(LinkAddress {
                        address,
                        text_start,
                    }) = address
                    {
                        self.link_address(&address, text_start);
                    }
                }
            }
            _ => {}
        }
    }

    /// A Typst link target for a Markdown destination, or `None` to show the text only.
    fn link_target(&self, url: &str) -> Option<String> {
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("http://")
            || lower.starts_with("https://")
            || lower.starts_with("mailto:")
        {
            return Some(string(url));
        }
        let fragment = url.strip_prefix('#')?;
        self.ctx
            .numbering
            .anchors
            .contains_key(fragment)
            .then(|| format!("<{fragment}>"))
            .filter(|_| is_label(fragment))
    }

    /// On paper a link cannot be followed: the address of an external link follows it as a
    /// footnote (in a footnote, in parentheses), unless the link text already is the address.
    fn link_address(&mut self, address: &str, text_start: usize) {
        let text = self.out.get(text_start..).unwrap_or_default();
        let plain: String = text.chars().filter(|c| *c != '\\').collect();
        let plain = plain.trim_end_matches(']');
        let bare = |s: &str| {
            s.trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_start_matches("mailto:")
                .trim_end_matches('/')
                .to_string()
        };
        if bare(plain) == bare(address) {
            return;
        }
        let shown = format!("#link({})[{}]", string(address), escape_markup(address));
        if self.open_footnotes.is_empty() {
            self.push(&format!("#footnote[{shown}]"));
        } else {
            self.push(&format!(" \\({shown}\\)"));
        }
        self.after_call = true;
    }

    /// Where a float goes: top or bottom of the page, whichever is nearer, except in a
    /// chapter's introduction (see [`Writer::in_intro`]).
    fn placement(&self) -> &'static str {
        if self.in_intro {
            "bottom"
        } else {
            "auto"
        }
    }

    fn placed(&mut self, kind: Placed, id: &str) {
        match kind {
            Placed::Figure => {
                let Some(chart) = self.ctx.charts.get(id) else {
                    return;
                };
                let path = format!("{}/{}.svg", self.ctx.chart_dir, id);
                let source = source_line(chart.source.as_deref());
                // Figures float to the top or bottom of a page (or the next one) instead of
                // leaving a gap; the text refers to them by number.
                self.push(&format!(
                    "#figure(\n  placement: {},\n  kind: image,\n  caption: [{}],\n  [#image({}, alt: {}, width: 100%)\n  {source}],\n) <{}>\n\n",
                    self.placement(),
                    escape_markup(&chart.caption),
                    string(&path),
                    string(&chart.alt),
                    anchor(kind, id)
                ));
                // The chart's data as a tagged table, so the PDF does not rely on alt text.
                let number = self.ctx.numbering.get(kind, id).map_or(0, |p| p.number);
                self.push(&format!(
                    "#block(width: 100%, breakable: true, above: 0.8em, below: 1.4em)[#set text(hyphenate: true)\n#block(below: 0.5em, sticky: true, text(size: 9pt, weight: \"bold\")[Daten zur {}])\n#{}\n]\n\n",
                    escape_markup(&crate::markdown::label(kind, number)),
                    super::table::to_typst(&crate::tables::chart_data_table(chart))
                ));
            }
            Placed::Table => {
                let Some(table) = self.ctx.tables.get(id) else {
                    return;
                };
                let source = source_line(table.source.as_deref());
                // A table that fits on a page floats like a figure; a longer one stays in the
                // text and breaks between rows, its header repeated.
                let (flush, placement) = if table.rows.len() <= FLOATING_TABLE_ROWS {
                    ("", format!("  placement: {},\n", self.placement()))
                } else {
                    // Floats still waiting for room come first: otherwise a table or figure
                    // declared earlier would follow this one with its lower number.
                    ("#place.flush()\n\n", String::new())
                };
                self.push(&format!(
                    "{flush}#figure(\n{placement}  kind: table,\n  caption: [{}],\n  [#{}\n  {source}],\n) <{}>\n\n",
                    escape_markup(&table.caption),
                    super::table::to_typst(table),
                    anchor(kind, id)
                ));
            }
        }
    }
}

/// Declared tables with at most this many rows float (a float cannot break across pages).
pub(crate) const FLOATING_TABLE_ROWS: usize = 24;

/// Where an external link's address is remembered until the link ends.
struct LinkAddress {
    address: String,
    /// Byte offset in the output where the link text starts.
    text_start: usize,
}

/// The address of an external link (web or mail), shown on paper.
fn external_address(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:"))
        .then(|| url.to_string())
}

/// Whether `name` can be written as a Typst label in markup (`<name>`).
pub(crate) fn is_label(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

/// The label that makes a heading a link target in the PDF (`== Titel <anker>`): the one
/// place headings get their Typst label, so `#anker` links and `verweis(abschnitt=…)` reach
/// them. Anchors that are no valid label get none (links to them show their text only).
pub(crate) fn heading_label(id: &str) -> String {
    if is_label(id) {
        format!(" <{id}>")
    } else {
        String::new()
    }
}

/// An image through the template's `amip-bild`: its own size, at most the text width, or the
/// requested width.
fn image_call(path: &str, alt: &str, width: Option<ImageWidth>) -> String {
    let width = match width {
        None => "auto".to_string(),
        Some(ImageWidth::Percent(p)) => format!("{p}%"),
        Some(ImageWidth::Cm(v)) => format!("{v}cm"),
        Some(ImageWidth::Mm(v)) => format!("{v}mm"),
        Some(ImageWidth::Px(v)) => format!("{}pt", v * 0.75),
    };
    format!("amip-bild({}, {}, {width})", string(path), string(alt))
}

/// The signature block in Typst, kept on one page; a draft shows the note instead.
fn signature(block: &SignatureBlock) -> String {
    if block.draft {
        return format!(
            "\n#amip-unterzeichnung(none, none, none, entwurf: [{}])\n\n",
            escape_markup(UNSIGNED)
        );
    }
    let place = block
        .place_date
        .as_deref()
        .map_or("none".to_string(), |p| format!("[{}]", escape_markup(p)));
    format!(
        "\n#amip-unterzeichnung({place}, [{}], [{}])\n\n",
        escape_markup(&block.name),
        escape_markup(&block.function)
    )
}

fn source_line(source: Option<&str>) -> String {
    match source {
        Some(source) => format!("#amip-quelle[Quelle: {}]", escape_markup(source)),
        None => String::new(),
    }
}

fn trim_trailing_breaks(out: &mut String) {
    while out.ends_with('\n') {
        out.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expand::Expanded;
    use crate::model::{Chapter, FrontMatter};

    fn typst_of(markdown: &str) -> String {
        let chapters = vec![Chapter {
            file: "content/01-a.md".into(),
            stem: "01-a".into(),
            front: FrontMatter {
                titel: None,
                nummeriert: true,
            },
            body: String::new(),
            body_line_offset: 0,
        }];
        let expanded = vec![Expanded {
            chapter: 0,
            markdown: markdown.into(),
        }];
        let (docs, numbering) = crate::markdown::parse(&chapters, &expanded).unwrap();
        let tables = IndexMap::new();
        let charts = IndexMap::new();
        let ctx = TypstContext {
            tables: &tables,
            charts: &charts,
            numbering: &numbering,
            chart_dir: "abbildungen",
        };
        write_chapter(&docs[0], &ctx)
    }

    #[test]
    fn hostile_strings_are_escaped() {
        let cases = [
            ("#read(\"/etc/passwd\")", "\\#read(\\\"\\/etc\\/passwd\\\")"),
            ("#sys.exit()", "\\#sys.exit()"),
            ("$x$", "\\$x\\$"),
            ("<script>", "\\<script\\>"),
            ("@label", "\\@label"),
            ("*fett* _kursiv_", "\\*fett\\* \\_kursiv\\_"),
            ("`code`", "\\`code\\`"),
            ("a\\b", "a\\\\b"),
            ("[x]", "\\[x\\]"),
            ("= Titel", "\\= Titel"),
            ("- Punkt", "\\- Punkt"),
            ("+ Punkt", "\\+ Punkt"),
            ("// Kommentar", "\\/\\/ Kommentar"),
            ("/* x */", "\\/\\* x \\*\\/"),
            ("a ~ b", "a \\~ b"),
            ("2019. Jahr", "\\2019. Jahr"),
            ("{ }", "\\{ \\}"),
            ("\\u{41}", "\\\\u\\{41\\}"),
        ];
        for (input, expected) in cases {
            assert_eq!(escape_markup(input), expected, "input: {input}");
        }
    }

    #[test]
    fn strings_are_escaped_for_literals() {
        assert_eq!(string("a \"b\" \\ c\n"), "\"a \\\"b\\\" \\\\ c\\n\"");
    }

    #[test]
    fn headings_carry_numbers_and_labels() {
        let out = typst_of("# Titel\n\n## Abschnitt\n");
        assert!(out.contains("= 1 Titel"), "{out}");
        assert!(out.contains("== \\1.1 Abschnitt"), "{out}");
    }

    #[test]
    fn lists_nested_and_numbered() {
        let out = typst_of("# T\n\n- a\n  - b\n- c\n\n3. x\n4. y\n");
        assert!(out.contains("#list(\n[a#list(\n[b],\n)"), "{out}");
        assert!(out.contains("#enum(start: 3,\n[x],\n[y],\n)"), "{out}");
    }

    #[test]
    fn nested_emphasis_and_links() {
        let out = typst_of(
            "# T\n\n*a **b** c* [BA](https://statistik.arbeitsagentur.de/) [intern](#t).\n",
        );
        assert!(out.contains("#emph[a #strong[b] c]"), "{out}");
        assert!(
            out.contains("#link(\"https://statistik.arbeitsagentur.de/\")[BA]"),
            "{out}"
        );
        assert!(out.contains("#link(<t>)[intern]"), "{out}");
        assert!(
            out.contains("]\\."),
            "a dot right after a call is escaped: {out}"
        );
    }

    #[test]
    fn footnotes_become_typst_footnotes() {
        let out = typst_of("# T\n\nText[^1] weiter.\n\n[^1]: Die Fußnote.\n");
        assert!(out.contains("Text#footnote[Die Fußnote.] weiter"), "{out}");
        assert_eq!(out.matches("Die Fußnote").count(), 1, "{out}");
    }

    #[test]
    fn a_footnote_referenced_twice_is_one_note_with_one_number() {
        let out = typst_of("# T\n\nErst[^q] und wieder[^q].\n\n[^q]: Quelle: BA.\n");
        assert_eq!(out.matches("Quelle: BA").count(), 1, "{out}");
        assert!(out.contains("#footnote[Quelle: BA.]<fn-"), "{out}");
        assert!(out.contains("wieder#footnote(<fn-"), "{out}");
    }

    #[test]
    fn footnotes_that_refer_to_themselves_end() {
        let out = typst_of("# T\n\nA[^1]\n\n[^1]: Fuß\n[^1] x\n");
        assert!(out.contains("#footnote[Fuß"), "{out}");
        let out = typst_of("# T\n\nA[^a]\n\n[^a]: eins [^b]\n\n[^b]: zwei [^a]\n");
        assert_eq!(out.matches("#footnote[").count(), 2, "{out}");
    }

    #[test]
    fn tables_have_header_rows() {
        let out = typst_of("# T\n\n| A | B |\n|---|--:|\n| 1 | 2 |\n");
        assert!(out.contains("columns: 2"), "{out}");
        assert!(out.contains("align: (left, right,)"), "{out}");
        assert!(
            out.contains("table.header(repeat: true, [A], [B], ),"),
            "{out}"
        );
        assert!(out.contains("[1], [2], "), "{out}");
    }

    #[test]
    fn headings_are_labelled_and_references_link_to_them() {
        let out = typst_of(
            "# Titel\n\n## Teil {#teil}\n\n[](<amip:abschnitt/teil>) [](<amip:kapitel/01-a>) [hin](#teil)\n",
        );
        assert!(out.contains("= 1 Titel <titel>"), "{out}");
        assert!(out.contains("== \\1.1 Teil <teil>"), "{out}");
        assert!(out.contains("#link(<teil>)[Abschnitt\u{a0}1.1]"), "{out}");
        assert!(out.contains("#link(<titel>)[Kapitel\u{a0}1]"), "{out}");
        assert!(out.contains("#link(<teil>)[hin]"), "{out}");
        // Anchors are sanitised (see `anchors`); a name that is no label gets none.
        assert_eq!(heading_label("a/b"), "");
        assert_eq!(heading_label("teil_2"), " <teil_2>");
    }

    #[test]
    fn external_links_show_their_address_on_paper() {
        let out = typst_of(
            "# T\n\n[Statistik](https://statistik.arbeitsagentur.de/) und <https://example.org>.\n\nA[^1]\n\n[^1]: Siehe [BA](https://ba.de).\n",
        );
        assert!(out.contains("#link(\"https://statistik.arbeitsagentur.de/\")[Statistik]#footnote[#link(\"https://statistik.arbeitsagentur.de/\")[https:\\/\\/statistik.arbeitsagentur.de\\/]]"), "{out}");
        assert_eq!(
            out.matches("example.org\")").count(),
            1,
            "an address shown as text gets no footnote: {out}"
        );
        assert!(
            out.contains("#link(\"https://ba.de\")[BA] \\(#link(\"https://ba.de\")"),
            "in a footnote: in parentheses: {out}"
        );
    }

    #[test]
    fn captioned_markdown_tables_are_numbered_figures() {
        let out = typst_of("# T\n\nTabelle: Leistungen\n\n| A | B |\n|---|---|\n| 1 | 2 |\n");
        assert!(
            out.contains(
                "#figure(\n  kind: table,\n  caption: [Leistungen],\n  table(\n  columns: 2,"
            ),
            "{out}"
        );
        assert!(out.contains("),\n) <tab-01-a-1>"), "{out}");
        assert!(!out.contains("Tabelle:"), "{out}");
    }

    #[test]
    fn code_is_raw() {
        let out = typst_of("# T\n\nInline `#x` und\n\n```rust\nlet a = \"b\";\n```\n");
        assert!(out.contains("#raw(\"#x\")"), "{out}");
        assert!(
            out.contains("#raw(block: true, lang: \"rust\", \"let a = \\\"b\\\";\")"),
            "{out}"
        );
    }
}
