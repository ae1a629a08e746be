//! HTML writer: turns parsed chapter [`Node`]s into HTML for a chapter page.
//!
//! Markdown itself is written by pulldown-cmark's own HTML renderer; this module only maps
//! amip's nodes (heading numbers, placed tables and charts, references) to HTML events and
//! rewrites in-document links to the page that holds their anchor. No raw HTML from authors
//! reaches here (see the Markdown stage), so every `Html` event in the stream is amip's own.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use pulldown_cmark::{Alignment, CowStr, Event, HeadingLevel, Tag, TagEnd};

use crate::markdown::publication::{SignatureBlock, UNSIGNED};
use crate::markdown::{
    anchor, footnote_definitions, footnote_ids, label, ChapterDoc, Node, Numbering, SectionTarget,
};
use crate::model::{Chart, Table};
use crate::placeholder::{ImageWidth, Placed};
use crate::tables;
use crate::text::escape_html as html_escape;

/// What the writer needs besides the chapter itself.
pub struct HtmlContext<'a> {
    /// Resolved tables by id.
    pub tables: &'a IndexMap<String, Table>,
    /// Resolved charts by id.
    pub charts: &'a IndexMap<String, Chart>,
    /// Numbers and anchors of the whole document.
    pub numbering: &'a Numbering,
    /// Page file names by chapter index.
    pub pages: &'a [String],
    /// The chart SVGs by id; they are inlined so screen readers get name and description.
    pub svgs: &'a IndexMap<String, String>,
}

/// Writes one chapter as HTML; `shift` lowers every heading by that many levels (the start
/// page shows the Vorwort below its own `h1`). Footnotes are collected at the end, numbered
/// in the order they are first referred to, with links both ways.
pub fn write_chapter(doc: &ChapterDoc, ctx: &HtmlContext<'_>, shift: u8) -> String {
    let mut writer = Writer {
        doc,
        ctx,
        shift,
        definitions: footnote_definitions(&doc.nodes),
        notes: IndexMap::new(),
        references: BTreeMap::new(),
    };
    let events = writer.events(&doc.nodes);
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events.into_iter());
    out.push_str(&writer.footnote_section());
    out
}

/// The alternative text of the image whose start was just taken; `index` moves past its end.
fn image_alt(nodes: &[Node], index: &mut usize) -> String {
    let mut alt = String::new();
    while let Some(next) = nodes.get(*index) {
        *index += 1;
        match next {
            Node::Event(Event::End(TagEnd::Image)) => break,
            Node::Event(Event::Text(text)) => alt.push_str(text),
            _ => {}
        }
    }
    alt
}

/// The nodes of the table whose start was just taken; `index` moves past its end.
fn table_body<'n>(nodes: &'n [Node], index: &mut usize) -> &'n [Node] {
    let start = *index;
    let mut end = start;
    while let Some(next) = nodes.get(end) {
        if matches!(next, Node::Event(Event::End(TagEnd::Table))) {
            break;
        }
        end += 1;
    }
    *index = end + 1;
    nodes.get(start..end).unwrap_or_default()
}

struct Writer<'a, 'b> {
    doc: &'a ChapterDoc,
    ctx: &'a HtmlContext<'b>,
    shift: u8,
    definitions: BTreeMap<String, Vec<Node>>,
    /// Footnote labels in the order of their first reference → number.
    notes: IndexMap<String, usize>,
    /// References written so far per label (the second gets its own id).
    references: BTreeMap<String, usize>,
}

impl Writer<'_, '_> {
    /// The HTML events of `nodes`, footnote definitions left out.
    fn events(&mut self, nodes: &[Node]) -> Vec<Event<'static>> {
        let mut events: Vec<Event<'static>> = Vec::with_capacity(nodes.len());
        let mut caption: Option<(String, String)> = None;
        let mut index = 0;
        let mut skip = 0usize;
        while let Some(node) = nodes.get(index) {
            index += 1;
            match node {
                Node::Event(Event::Start(Tag::FootnoteDefinition(_))) => {
                    skip += 1;
                    continue;
                }
                Node::Event(Event::End(TagEnd::FootnoteDefinition)) => {
                    skip = skip.saturating_sub(1);
                    continue;
                }
                _ if skip > 0 => continue,
                _ => {}
            }
            match node {
                Node::Event(Event::Start(Tag::Image { dest_url, .. })) => {
                    let alt = image_alt(nodes, &mut index);
                    events.push(Event::InlineHtml(CowStr::from(image_html(
                        dest_url, &alt, None,
                    ))));
                }
                Node::Event(Event::Start(Tag::Table(aligns))) => {
                    let body = table_body(nodes, &mut index);
                    let html = self.table(body, aligns, caption.take());
                    events.push(Event::Html(CowStr::from(html)));
                }
                Node::Event(Event::FootnoteReference(label)) => {
                    let html = self.note_reference(label);
                    events.push(Event::InlineHtml(CowStr::from(html)));
                }
                Node::Event(event) => events.push(self.markdown_event(event)),
                Node::TableCaption(id, text) => caption = Some((id.clone(), text.clone())),
                Node::HeadingNumber(number) => events.push(Event::InlineHtml(CowStr::from(
                    format!("<span class=\"nr\">{}</span> ", html_escape(number)),
                ))),
                Node::Placed(kind, id) => {
                    events.push(Event::Html(CowStr::from(placed(*kind, id, self.ctx))))
                }
                Node::Reference(kind, id) => {
                    let html = self.reference_html(*kind, id);
                    events.push(Event::InlineHtml(CowStr::from(html)));
                }
                Node::SectionReference(target) => {
                    let html = self.section_reference_html(target);
                    events.push(Event::InlineHtml(CowStr::from(html)));
                }
                Node::Image(image) => events.push(Event::Html(CowStr::from(format!(
                    "<p class=\"bild\">{}</p>\n",
                    image_html(&image.path, &image.alt, image.width)
                )))),
                Node::Signature(block) => {
                    events.push(Event::Html(CowStr::from(signature_html(block))))
                }
            }
        }
        events
    }

    /// A Markdown event as pulldown-cmark writes it: headings lowered by `shift`, links to
    /// anchors pointed at the page that holds them.
    fn markdown_event(&self, event: &Event<'static>) -> Event<'static> {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => Event::Start(Tag::Heading {
                level: shifted(*level, self.shift),
                id: id.clone(),
                classes: classes.clone(),
                attrs: attrs.clone(),
            }),
            Event::End(TagEnd::Heading(level)) => {
                Event::End(TagEnd::Heading(shifted(*level, self.shift)))
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type: *link_type,
                dest_url: CowStr::from(rewrite_href(dest_url, self.doc.chapter, self.ctx)),
                title: title.clone(),
                id: id.clone(),
            }),
            other => other.clone(),
        }
    }

    /// "Tabelle 2" linked to the table; the bare id when it is not placed (the Markdown
    /// stage reported that already).
    fn reference_html(&self, kind: Placed, id: &str) -> String {
        match self.ctx.numbering.get(kind, id) {
            Some(place) => format!(
                "<a href=\"{}#{}\">{}</a>",
                self.page_of(place.chapter),
                anchor(kind, id),
                label(kind, place.number)
            ),
            None => html_escape(id),
        }
    }

    /// "Kapitel 4" or "Abschnitt 4.2" linked to its heading.
    fn section_reference_html(&self, target: &SectionTarget) -> String {
        let Some((chapter, anchor, text)) = self.ctx.numbering.section_link(target) else {
            return String::new();
        };
        let page = self.page_of(chapter);
        // A whole chapter on a page of its own is linked as the page.
        let fragment = if page.is_empty() || !matches!(target, SectionTarget::Chapter(_)) {
            format!("#{anchor}")
        } else {
            String::new()
        };
        format!(
            "<a href=\"{}{}\">{}</a>",
            html_escape(&page),
            html_escape(&fragment),
            html_escape(&text)
        )
    }

    /// The page a chapter stands on, or "" for this page.
    fn page_of(&self, chapter: usize) -> String {
        if chapter == self.doc.chapter {
            String::new()
        } else {
            self.ctx.pages.get(chapter).cloned().unwrap_or_default()
        }
    }

    fn note_reference(&mut self, label: &str) -> String {
        if !self.definitions.contains_key(label) {
            return html_escape(&format!("[^{label}]"));
        }
        let next = self.notes.len() + 1;
        let number = *self.notes.entry(label.to_string()).or_insert(next);
        let (note_id, ref_id) = footnote_ids(label);
        let count = self.references.entry(label.to_string()).or_insert(0);
        *count += 1;
        let ref_id = if *count == 1 {
            ref_id
        } else {
            format!("{ref_id}-{count}")
        };
        format!(
            "<sup class=\"fussnote-ref\"><a href=\"#{note_id}\" id=\"{ref_id}\" role=\"doc-noteref\">{number}</a></sup>"
        )
    }

    /// The footnotes referred to on this page, in order, at its end.
    fn footnote_section(&mut self) -> String {
        let mut items = String::new();
        let mut position = 0;
        while let Some((label, number)) = self
            .notes
            .get_index(position)
            .map(|(label, number)| (label.clone(), *number))
        {
            position += 1;
            let body = self.definitions.get(&label).cloned().unwrap_or_default();
            let mut events = self.events(&body);
            let (note_id, ref_id) = footnote_ids(&label);
            let number_html = Event::InlineHtml(CowStr::from(format!(
                "<span class=\"fussnote-nr\">{number}</span> "
            )));
            let back = Event::InlineHtml(CowStr::from(format!(
                " <a href=\"#{ref_id}\" role=\"doc-backlink\" aria-label=\"Zurück zur Textstelle der Fußnote {number}\">↩\u{fe0e}</a>"
            )));
            match events.first() {
                Some(Event::Start(Tag::Paragraph)) => events.insert(1, number_html),
                _ => events.insert(0, number_html),
            }
            if matches!(events.last(), Some(Event::End(TagEnd::Paragraph))) {
                let at = events.len() - 1;
                events.insert(at, back);
            } else {
                events.push(back);
            }
            let mut html = String::new();
            pulldown_cmark::html::push_html(&mut html, events.into_iter());
            items.push_str(&format!(
                "<li><div id=\"{note_id}\" role=\"doc-footnote\">\n{html}</div></li>\n"
            ));
        }
        if items.is_empty() {
            return String::new();
        }
        format!(
            "<section class=\"fussnoten\" aria-label=\"Fußnoten\">\n<ol>\n{items}</ol>\n</section>\n"
        )
    }

    /// A Markdown table with `th scope`, in a scrollable region, numbered when a caption
    /// line stood above it.
    fn table(
        &mut self,
        nodes: &[Node],
        aligns: &[Alignment],
        caption: Option<(String, String)>,
    ) -> String {
        let mut head = String::new();
        let mut body = String::new();
        let mut in_head = false;
        let mut column = 0usize;
        let mut index = 0;
        while let Some(node) = nodes.get(index) {
            index += 1;
            match node {
                Node::Event(Event::Start(Tag::TableHead)) => {
                    in_head = true;
                    column = 0;
                    head.push_str("<tr>");
                }
                Node::Event(Event::End(TagEnd::TableHead)) => {
                    in_head = false;
                    head.push_str("</tr>\n");
                }
                Node::Event(Event::Start(Tag::TableRow)) => {
                    column = 0;
                    body.push_str("<tr>");
                }
                Node::Event(Event::End(TagEnd::TableRow)) => body.push_str("</tr>\n"),
                Node::Event(Event::Start(Tag::TableCell)) => {
                    let start = index;
                    let mut depth = 0usize;
                    while let Some(next) = nodes.get(index) {
                        match next {
                            Node::Event(Event::Start(_)) => depth += 1,
                            Node::Event(Event::End(TagEnd::TableCell)) if depth == 0 => break,
                            Node::Event(Event::End(_)) => depth = depth.saturating_sub(1),
                            _ => {}
                        }
                        index += 1;
                    }
                    let cell = nodes.get(start..index).unwrap_or_default();
                    index += 1;
                    let mut content = String::new();
                    pulldown_cmark::html::push_html(&mut content, self.events(cell).into_iter());
                    let class = match aligns.get(column) {
                        Some(Alignment::Right) => " class=\"zahl\"",
                        Some(Alignment::Center) => " class=\"mitte\"",
                        _ => "",
                    };
                    column += 1;
                    if in_head {
                        head.push_str(&format!("<th scope=\"col\"{class}>{content}</th>"));
                    } else {
                        body.push_str(&format!("<td{class}>{content}</td>"));
                    }
                }
                _ => {}
            }
        }
        let (region, caption_html) = match caption {
            Some((id, text)) => {
                let number = self
                    .ctx
                    .numbering
                    .get(Placed::Table, &id)
                    .map_or(0, |p| p.number);
                let name = label(Placed::Table, number);
                (
                    format!(
                        " id=\"{}\" aria-label=\"{name}\"",
                        anchor(Placed::Table, &id)
                    ),
                    format!(
                        "<caption><span class=\"nr\">{name}:</span> {}</caption>\n",
                        html_escape(&text)
                    ),
                )
            }
            None => (" aria-label=\"Tabelle\"".to_string(), String::new()),
        };
        format!(
            "<div class=\"tabelle\"{region} tabindex=\"0\" role=\"region\">\n<table>\n{caption_html}<thead>\n{head}</thead>\n<tbody>\n{body}</tbody>\n</table>\n</div>\n"
        )
    }
}

/// An `<img>`: the image keeps its own size and never grows beyond the text column (CSS);
/// a requested width is set as a style.
fn image_html(path: &str, alt: &str, width: Option<ImageWidth>) -> String {
    let style = match width {
        None => String::new(),
        Some(ImageWidth::Percent(p)) => format!(" style=\"width: {p}%\""),
        Some(ImageWidth::Cm(v)) => format!(" style=\"width: {v}cm\""),
        Some(ImageWidth::Mm(v)) => format!(" style=\"width: {v}mm\""),
        Some(ImageWidth::Px(v)) => format!(" style=\"width: {v}px\""),
    };
    format!(
        "<img class=\"bild\" src=\"{}\" alt=\"{}\"{style}>",
        html_escape(&crate::text::url_path(path)),
        html_escape(alt)
    )
}

/// The signature block, or the draft note in its place.
pub(crate) fn signature_html(block: &SignatureBlock) -> String {
    if block.draft {
        return format!(
            "<p class=\"unterzeichnung entwurf-vermerk\"><strong>{}</strong></p>\n",
            html_escape(UNSIGNED)
        );
    }
    let place = block
        .place_date
        .as_deref()
        .map(|p| format!("<p>{}</p>\n", html_escape(p)))
        .unwrap_or_default();
    format!(
        "<div class=\"unterzeichnung\">\n{place}<p><span class=\"name\">{}</span><br>{}</p>\n</div>\n",
        html_escape(&block.name),
        html_escape(&block.function)
    )
}

fn shifted(level: HeadingLevel, shift: u8) -> HeadingLevel {
    let n = (level as usize + usize::from(shift)).min(6);
    HeadingLevel::try_from(n).unwrap_or(HeadingLevel::H6)
}

/// Links to `#anker` go to the page that holds the anchor.
fn rewrite_href(url: &str, current: usize, ctx: &HtmlContext<'_>) -> String {
    let Some(fragment) = url.strip_prefix('#') else {
        return url.to_string();
    };
    match ctx.numbering.anchors.get(fragment) {
        Some(&chapter) if chapter != current => {
            format!(
                "{}#{fragment}",
                ctx.pages.get(chapter).cloned().unwrap_or_default()
            )
        }
        _ => url.to_string(),
    }
}

/// Prepares a chart SVG for inlining: no XML prolog, `role="img"`, and a `<title>` and
/// `<desc>` that give it an accessible name and description.
pub fn inline_svg(svg: &str, anchor: &str, name: &str, description: &str) -> String {
    let svg = svg.trim_start();
    let svg = match svg.strip_prefix("<?xml") {
        Some(rest) => rest
            .split_once("?>")
            .map_or(rest, |(_, body)| body)
            .trim_start(),
        None => svg,
    };
    let Some(rest) = svg.strip_prefix("<svg") else {
        return String::new();
    };
    let Some((attributes, body)) = rest.split_once('>') else {
        return String::new();
    };
    format!(
        "<svg{attributes} role=\"img\" aria-labelledby=\"{anchor}-titel\" aria-describedby=\"{anchor}-beschreibung\" focusable=\"false\"><title id=\"{anchor}-titel\">{}</title><desc id=\"{anchor}-beschreibung\">{}</desc>{body}",
        html_escape(name),
        html_escape(description)
    )
}

fn source_html(source: Option<&str>) -> String {
    source
        .map(|s| format!("<p class=\"quelle\">Quelle: {}</p>\n", html_escape(s)))
        .unwrap_or_default()
}

fn placed(kind: Placed, id: &str, ctx: &HtmlContext<'_>) -> String {
    let number = ctx.numbering.get(kind, id).map_or(0, |p| p.number);
    let caption_label = label(kind, number);
    match kind {
        Placed::Figure => {
            let Some(chart) = ctx.charts.get(id) else {
                return String::new();
            };
            let data = tables::chart_data_table(chart);
            let anchor_id = anchor(kind, id);
            let svg = ctx
                .svgs
                .get(id)
                .map(|svg| {
                    inline_svg(
                        svg,
                        &anchor_id,
                        &format!("{caption_label}: {}", chart.caption),
                        &chart.alt,
                    )
                })
                .unwrap_or_default();
            format!(
                "<figure class=\"abbildung\" id=\"{anchor}\">\n<figcaption><span class=\"nr\">{label}:</span> {caption}</figcaption>\n<div class=\"diagramm\">{svg}</div>\n{source}<details>\n<summary>Daten zur {label}</summary>\n<div class=\"tabelle\" tabindex=\"0\" role=\"region\" aria-label=\"Daten zur {label}\">\n{table}</div>\n</details>\n</figure>\n",
                anchor = anchor(kind, id),
                label = caption_label,
                caption = html_escape(&chart.caption),
                source = source_html(chart.source.as_deref()),
                table = super::table::to_html(&data, None),
            )
        }
        Placed::Table => {
            let Some(table) = ctx.tables.get(id) else {
                return String::new();
            };
            format!(
                "<div class=\"tabelle\" id=\"{anchor}\" tabindex=\"0\" role=\"region\" aria-label=\"{label}\">\n{table}{source}</div>\n",
                anchor = anchor(kind, id),
                label = caption_label,
                table = super::table::to_html(table, Some(&caption_label)),
                source = source_html(table.source.as_deref()),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expand::Expanded;
    use crate::model::{Chapter, FrontMatter};

    fn html_of(chapters_md: &[&str], page: usize) -> String {
        let chapters: Vec<Chapter> = (0..chapters_md.len())
            .map(|i| Chapter {
                file: format!("content/0{i}.md"),
                stem: format!("0{i}"),
                front: FrontMatter {
                    titel: None,
                    nummeriert: true,
                },
                body: String::new(),
                body_line_offset: 0,
            })
            .collect();
        let expanded: Vec<Expanded> = chapters_md
            .iter()
            .enumerate()
            .map(|(i, md)| Expanded {
                chapter: i,
                markdown: md.to_string(),
            })
            .collect();
        let (docs, numbering) = crate::markdown::parse(&chapters, &expanded).unwrap();
        let pages: Vec<String> = docs.iter().map(|d| format!("{}.html", d.stem)).collect();
        let tables = IndexMap::new();
        let charts = IndexMap::new();
        let svgs = IndexMap::new();
        let ctx = HtmlContext {
            tables: &tables,
            charts: &charts,
            numbering: &numbering,
            pages: &pages,
            svgs: &svgs,
        };
        write_chapter(&docs[page], &ctx, 0)
    }

    #[test]
    fn headings_get_ids_and_numbers() {
        let html = html_of(&["# Titel\n\n## Abschnitt \"A\"\n"], 0);
        assert!(
            html.contains("<h1 id=\"titel\"><span class=\"nr\">1</span> Titel</h1>"),
            "{html}"
        );
        assert!(
            html.contains(
                "<h2 id=\"abschnitt-a\"><span class=\"nr\">1.1</span> Abschnitt „A“</h2>"
            ),
            "{html}"
        );
    }

    #[test]
    fn raw_html_and_hostile_text_are_escaped() {
        let html = html_of(
            &["# T\n\n<script>alert(1)</script>\n\nText \" onmouseover=\"x\n"],
            0,
        );
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(!html.contains("<script>"));
    }

    #[test]
    fn links_to_anchors_on_other_pages_are_rewritten() {
        let html = html_of(&["# Eins\n\nSiehe [dort](#zwei).\n", "# Zwei\n"], 0);
        assert!(html.contains("href=\"01.html#zwei\""), "{html}");
    }

    #[test]
    fn inlined_svg_has_role_name_and_description() {
        let svg = inline_svg(
            "<?xml version=\"1.0\"?>\n<svg width=\"10\" viewBox=\"0 0 10 10\"><text>1</text></svg>",
            "abb-x",
            "Abbildung 1: A & B",
            "Linie <fällt>",
        );
        assert!(svg.starts_with("<svg width=\"10\" viewBox=\"0 0 10 10\" role=\"img\" aria-labelledby=\"abb-x-titel\" aria-describedby=\"abb-x-beschreibung\""), "{svg}");
        assert!(svg.contains("<title id=\"abb-x-titel\">Abbildung 1: A &amp; B</title><desc id=\"abb-x-beschreibung\">Linie &lt;fällt&gt;</desc><text>1</text>"), "{svg}");
    }

    #[test]
    fn footnotes_and_tables_render() {
        let html = html_of(
            &["# T\n\nA[^n]\n\n[^n]: Fuß.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"],
            0,
        );
        assert!(html.contains("role=\"doc-noteref\""), "{html}");
        assert!(html.contains("<th scope=\"col\">a</th>"), "{html}");
    }

    #[test]
    fn footnotes_are_numbered_by_first_reference_and_collected_at_the_end() {
        let html = html_of(
            &["# T\n\n[^b]: Zweite, mit [^c].\n\nA[^b] B[^a] C[^b]\n\n[^a]: *Erste*.\n\n[^c]: Dritte.\n\nEnde.\n"],
            0,
        );
        let (text, notes) = html.split_once("<section class=\"fussnoten\"").unwrap();
        assert!(
            text.contains("<p>Ende.</p>"),
            "definitions vanish from the text: {text}"
        );
        assert!(!text.contains("Zweite"), "{text}");
        assert!(text.contains("<a href=\"#fn-b\" id=\"fn-b_ref\" role=\"doc-noteref\">1</a>"));
        assert!(text.contains("<a href=\"#fn-a\" id=\"fn-a_ref\" role=\"doc-noteref\">2</a>"));
        assert!(
            text.contains("<a href=\"#fn-b\" id=\"fn-b_ref-2\" role=\"doc-noteref\">1</a>"),
            "a second reference gets its own id: {text}"
        );
        let first = notes.find("id=\"fn-b\"").unwrap();
        let second = notes.find("id=\"fn-a\"").unwrap();
        let third = notes.find("id=\"fn-c\"").unwrap();
        assert!(first < second && second < third, "{notes}");
        assert!(notes.contains("<div id=\"fn-b\" role=\"doc-footnote\">\n<p><span class=\"fussnote-nr\">1</span> Zweite, mit <sup class=\"fussnote-ref\"><a href=\"#fn-c\""), "{notes}");
        assert!(
            notes.contains("<em>Erste</em>. <a href=\"#fn-a_ref\" role=\"doc-backlink\""),
            "{notes}"
        );
    }

    #[test]
    fn captioned_tables_chapter_references_and_signatures() {
        let html = html_of(
            &[
                "# Eins\n\nTabelle: Leistungen\n| Art | Betrag |\n|:--|--:|\n| *a* | 1 |\n\nSiehe [](<amip:kapitel/01>) und [](<amip:abschnitt/zwei-b>).\n",
                "# Zwei\n\n## Zwei B\n",
            ],
            0,
        );
        assert!(html.contains("<div class=\"tabelle\" id=\"tab-00-1\" aria-label=\"Tabelle 1\" tabindex=\"0\" role=\"region\">\n<table>\n<caption><span class=\"nr\">Tabelle 1:</span> Leistungen</caption>"), "{html}");
        assert!(
            html.contains("<th scope=\"col\">Art</th><th scope=\"col\" class=\"zahl\">Betrag</th>"),
            "{html}"
        );
        assert!(
            html.contains("<tr><td><em>a</em></td><td class=\"zahl\">1</td></tr>"),
            "{html}"
        );
        assert!(html.contains("<a href=\"01.html\">Kapitel\u{a0}2</a> und <a href=\"01.html#zwei-b\">Abschnitt\u{a0}2.1</a>"), "{html}");
        let block = SignatureBlock {
            place_date: Some("Herzberg, 09.12.2019".into()),
            name: "A <B>".into(),
            function: "Leitung".into(),
            draft: false,
        };
        assert_eq!(signature_html(&block), "<div class=\"unterzeichnung\">\n<p>Herzberg, 09.12.2019</p>\n<p><span class=\"name\">A &lt;B&gt;</span><br>Leitung</p>\n</div>\n");
        let draft = SignatureBlock {
            draft: true,
            ..block
        };
        assert!(signature_html(&draft).contains("Entwurf – noch nicht unterzeichnet"));
        assert!(!signature_html(&draft).contains("A &lt;B&gt;"));
    }
}
