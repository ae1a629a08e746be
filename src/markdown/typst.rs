//! Typst writer: turns parsed chapter [`Node`]s into Typst markup.
//!
//! All escaping for Typst lives here. Text is always escaped so that nothing from Markdown or
//! data can become Typst code: every character with a meaning in Typst markup gets a
//! backslash, which makes it literal. Markup that amip itself needs is written as function
//! calls (`#emph[…]`, `#link(…)[…]`, `#figure(…)`), which never depend on what surrounds them.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use pulldown_cmark::{Alignment, CodeBlockKind, Event, Tag, TagEnd};

use super::{anchor, ChapterDoc, Node, Numbering};
use crate::expand::Placed;
use crate::model::{Chart, Table};

/// Characters that have a meaning somewhere in Typst markup.
const SPECIAL: &[char] = &[
    '\\', '#', '$', '@', '<', '>', '*', '_', '`', '[', ']', '{', '}', '=', '-', '+', '/', '~', '"',
    '\'',
];

/// Escapes text for Typst markup (inside `[…]` or at top level).
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    // "2019. …" at the start of a line would become a numbered list item.
    let leading_digits = text.chars().take_while(char::is_ascii_digit).count();
    let enum_like = leading_digits > 0 && text.chars().nth(leading_digits) == Some('.');
    for (index, ch) in text.chars().enumerate() {
        if SPECIAL.contains(&ch) || (index == 0 && enum_like) {
            out.push('\\');
            out.push(ch);
        } else if ch == '\n' || ch == '\r' || ch == '\t' {
            out.push(' ');
        } else {
            out.push(ch);
        }
    }
    out
}

/// Escapes text for a Typst string literal (`"…"`).
pub fn escape_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out
}

/// A quoted Typst string literal.
pub fn string(text: &str) -> String {
    format!("\"{}\"", escape_string(text))
}

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

/// Writes one chapter as Typst markup.
pub fn write_chapter(doc: &ChapterDoc, ctx: &TypstContext<'_>) -> String {
    let mut writer = Writer {
        ctx,
        out: String::new(),
        footnotes: collect_footnotes(&doc.nodes),
        in_footnotes: Vec::new(),
        after_call: false,
        stack: Vec::new(),
        open_footnotes: Vec::new(),
    };
    writer.write(&doc.nodes);
    writer.out
}

fn collect_footnotes(nodes: &[Node]) -> BTreeMap<String, Vec<Node>> {
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

/// Open containers whose closing text depends on how they were opened.
enum Open {
    Image {
        path: String,
        alt: String,
    },
    List,
    Link(bool),
    Table {
        in_head: bool,
    },
    Code(String),
    Skip,
    /// A heading; its anchor becomes a Typst label after the heading text.
    Heading(String),
}

struct Writer<'a, 'b> {
    ctx: &'a TypstContext<'b>,
    out: String,
    footnotes: BTreeMap<String, Vec<Node>>,
    /// Footnotes being written: a footnote that refers to itself (directly or through
    /// another one) is not written again inside itself, which would never end.
    in_footnotes: Vec<String>,
    /// The last output was a code call: a following `(`, `[`, `.` or `;` must be escaped.
    after_call: bool,
    stack: Vec<Open>,
    /// Footnotes being written, innermost last.
    open_footnotes: Vec<String>,
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
            Event::FootnoteReference(label)
                if self.in_footnotes.iter().any(|open| open == label.as_ref()) =>
            {
                self.text(&format!("[^{label}]"));
            }
            Event::FootnoteReference(label) => {
                // A footnote that refers to itself (directly or through another) is written
                // once; the inner reference is dropped instead of recursing forever.
                if self
                    .open_footnotes
                    .iter()
                    .any(|open| open == label.as_ref())
                {
                    return;
                }
                let body = self
                    .footnotes
                    .get(label.as_ref())
                    .cloned()
                    .unwrap_or_default();
                self.open_footnotes.push(label.to_string());
                self.push("#footnote[");
                self.in_footnotes.push(label.to_string());
                self.write(&body);
                self.in_footnotes.pop();
                trim_trailing_breaks(&mut self.out);
                self.call_end("]");
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
                let depth = *level as usize;
                self.push(&format!("\n{} ", "=".repeat(depth)));
                self.stack
                    .push(Open::Heading(id.as_deref().unwrap_or("").to_string()));
            }
            Tag::BlockQuote(_) => self.push("#quote(block: true)["),
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(lang) => {
                        lang.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                self.push("#raw(block: true, ");
                if !lang.is_empty() {
                    self.push(&format!("lang: {}, ", string(&lang)));
                }
                self.stack.push(Open::Code(String::new()));
            }
            Tag::List(start) => {
                match start {
                    Some(n) => self.push(&format!("#enum(start: {n},\n")),
                    None => self.push("#list(\n"),
                }
                self.stack.push(Open::List);
            }
            Tag::Item => self.push("["),
            Tag::FootnoteDefinition(_) => self.stack.push(Open::Skip),
            Tag::Table(aligns) => {
                let aligns: Vec<&str> = aligns
                    .iter()
                    .map(|a| match a {
                        Alignment::Right => "right",
                        Alignment::Center => "center",
                        Alignment::Left | Alignment::None => "left",
                    })
                    .collect();
                self.push(&format!(
                    "#table(\n  columns: {},\n  align: ({},),\n",
                    aligns.len().max(1),
                    aligns.join(", ")
                ));
                self.stack.push(Open::Table { in_head: false });
            }
            Tag::TableHead => {
                self.push("  table.header(");
                if let Some(Open::Table { in_head }) = self.stack.last_mut() {
                    *in_head = true;
                }
            }
            Tag::TableRow => self.push("  "),
            Tag::TableCell => self.push("["),
            Tag::Emphasis => self.push("#emph["),
            Tag::Strong => self.push("#strong["),
            Tag::Strikethrough => self.push("#strike["),
            Tag::Link { dest_url, .. } => match self.link_target(dest_url) {
                Some(target) => {
                    self.push(&format!("#link({target})["));
                    self.stack.push(Open::Link(true));
                }
                None => self.stack.push(Open::Link(false)),
            },
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

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.push("\n\n"),
            TagEnd::Heading(_) => {
                if let Some(Open::Heading(id)) = self.stack.pop() {
                    let label = heading_label(&id);
                    self.push(&label);
                }
                self.push("\n\n");
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
            TagEnd::Table => {
                self.stack.pop();
                self.push(")\n\n");
            }
            TagEnd::TableHead => {
                if let Some(Open::Table { in_head }) = self.stack.last_mut() {
                    *in_head = false;
                }
                self.push("),\n");
            }
            TagEnd::TableRow => self.push("\n"),
            TagEnd::TableCell => self.push("], "),
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => self.call_end("]"),
            TagEnd::Image => {
                if let Some(Open::Image { path, alt }) = self.stack.pop() {
                    self.push(&format!(
                        "#box(image({}, alt: {}))",
                        string(&path),
                        string(&alt)
                    ));
                    self.after_call = true;
                }
            }
            TagEnd::Link => {
                if let Some(Open::Link(true)) = self.stack.pop() {
                    self.call_end("]");
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
        let fragment = url.rsplit_once('#').map(|(_, f)| f)?;
        (self.ctx.numbering.anchors.contains_key(fragment) && is_label(fragment))
            .then(|| format!("<{fragment}>"))
    }

    fn placed(&mut self, kind: Placed, id: &str) {
        match kind {
            Placed::Figure => {
                let Some(chart) = self.ctx.charts.get(id) else {
                    return;
                };
                let path = format!("{}/{}.svg", self.ctx.chart_dir, id);
                let source = source_line(chart.source.as_deref());
                self.push(&format!(
                    "#figure(\n  kind: image,\n  caption: [{}],\n  [#image({}, alt: {}, width: 100%)\n  {source}],\n) <{}>\n\n",
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
                    crate::tables::to_typst(&crate::tables::chart_data_table(chart))
                ));
            }
            Placed::Table => {
                let Some(table) = self.ctx.tables.get(id) else {
                    return;
                };
                let source = source_line(table.source.as_deref());
                self.push(&format!(
                    "#figure(\n  kind: table,\n  caption: [{}],\n  [#{}\n  {source}],\n) <{}>\n\n",
                    escape_markup(&table.caption),
                    crate::tables::to_typst(table),
                    anchor(kind, id)
                ));
            }
        }
    }
}

/// The Typst label that follows a heading's text: ` <kurz-gefasst>`, the same anchor as the
/// heading's HTML id, so that `[oben](#kurz-gefasst)` and cross-references to sections link
/// to the heading in the PDF too. Empty when the anchor cannot be a Typst label.
pub fn heading_label(anchor: &str) -> String {
    if is_label(anchor) {
        format!(" <{anchor}>")
    } else {
        String::new()
    }
}

/// Whether `name` can be written as a Typst label `<name>`.
fn is_label(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '.'))
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
        let (docs, numbering) = super::super::parse(&chapters, &expanded).unwrap();
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
        assert!(out.contains("= 1 Titel <titel>"), "{out}");
        assert!(out.contains("== \\1.1 Abschnitt <abschnitt>"), "{out}");
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
        assert!(out.contains("table.header([A], [B], ),"), "{out}");
        assert!(out.contains("[1], [2], "), "{out}");
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
