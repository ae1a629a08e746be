//! HTML writer: turns parsed chapter [`Node`]s into HTML for a chapter page.
//!
//! Markdown itself is written by pulldown-cmark's own HTML renderer; this module only maps
//! amip's nodes (heading numbers, placed tables and charts, references) to HTML events and
//! rewrites in-document links to the page that holds their anchor. No raw HTML from authors
//! reaches here (see the Markdown stage), so every `Html` event in the stream is amip's own.

use indexmap::IndexMap;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::{anchor, label, ChapterDoc, Node, Numbering};
use crate::expand::Placed;
use crate::model::{Chart, Table};
use crate::tables::{self, html_escape};

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
    /// Folder of the chart SVGs relative to the page.
    pub chart_dir: &'a str,
    /// The chart SVGs by id; they are inlined so screen readers get name and description.
    pub svgs: &'a IndexMap<String, String>,
}

/// Writes one chapter as HTML; `shift` lowers every heading by that many levels (the start
/// page shows the Vorwort below its own `h1`).
pub fn write_chapter(doc: &ChapterDoc, ctx: &HtmlContext<'_>, shift: u8) -> String {
    let mut events: Vec<Event<'_>> = Vec::with_capacity(doc.nodes.len());
    for node in &doc.nodes {
        match node {
            Node::Event(Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            })) => {
                events.push(Event::Start(Tag::Heading {
                    level: shifted(*level, shift),
                    id: id.clone(),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            Node::Event(Event::End(TagEnd::Heading(level))) => {
                events.push(Event::End(TagEnd::Heading(shifted(*level, shift))));
            }
            Node::Event(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            })) => {
                events.push(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: CowStr::from(rewrite_href(dest_url, doc.chapter, ctx)),
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Node::Event(event) => events.push(event.clone()),
            Node::HeadingNumber(number) => events.push(Event::InlineHtml(CowStr::from(format!(
                "<span class=\"nr\">{}</span> ",
                html_escape(number)
            )))),
            Node::Placed(kind, id) => {
                events.push(Event::Html(CowStr::from(placed(*kind, id, ctx))))
            }
            Node::Reference(kind, id) => {
                let html = match ctx.numbering.get(*kind, id) {
                    Some(place) => {
                        let page = if place.chapter == doc.chapter {
                            String::new()
                        } else {
                            ctx.pages.get(place.chapter).cloned().unwrap_or_default()
                        };
                        format!(
                            "<a href=\"{page}#{}\">{}</a>",
                            anchor(*kind, id),
                            label(*kind, place.number)
                        )
                    }
                    None => html_escape(id),
                };
                events.push(Event::InlineHtml(CowStr::from(html)));
            }
        }
    }
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events.into_iter());
    out
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
                table = tables::to_html(&data, None),
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
                table = tables::to_html(table, Some(&caption_label)),
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
        let (docs, numbering) = super::super::parse(&chapters, &expanded).unwrap();
        let pages: Vec<String> = docs.iter().map(|d| format!("{}.html", d.stem)).collect();
        let tables = IndexMap::new();
        let charts = IndexMap::new();
        let svgs = IndexMap::new();
        let ctx = HtmlContext {
            tables: &tables,
            charts: &charts,
            numbering: &numbering,
            pages: &pages,
            chart_dir: "abbildungen",
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
        assert!(html.contains("footnote"), "{html}");
        assert!(html.contains("<th>a</th>"), "{html}");
    }
}
