//! Tests of parsing and numbering.

use super::anchors::{unique_id, UsedIds};
use super::*;
use crate::model::FrontMatter;
use crate::text::{convert_quotes_plain, protect_spaces};

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
    let doc = parse_one("# T\n\n<script>alert(1)</script>\n\n<!-- Notiz -->\n\nText <b>fett</b>\n");
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
