//! Snapshot tests of the HTML and the Typst writer on small chapters: headings, a list, a
//! table placeholder, a footnote, a link to a heading and emphasis with the characters each
//! format must escape. The expected output lives in `snapshots/` beside this file; a change
//! shows as a diff (`cargo insta review`, or `INSTA_UPDATE=always cargo test --test suite`
//! and compare with git). On CI a mismatch fails and nothing is written.

use std::collections::BTreeSet;

use amip::expand::Expanded;
use amip::markdown;
use amip::model::{Chapter, FrontMatter, Table, TableRow};
use indexmap::IndexMap;

/// The one table the chapters may place, with cells that need escaping in both formats.
fn tables() -> IndexMap<String, Table> {
    let table = Table {
        id: "budget".into(),
        caption: "Budget <2019> & Plan".into(),
        source: Some("Haushalt #3, S. 5 [intern]".into()),
        header: vec!["Titel".into(), "Betrag in €".into()],
        numeric: vec![false, true],
        rows: vec![
            TableRow {
                cells: vec!["Eingliederung *EGT*".into(), "1.234.567".into()],
                level: 0,
                total: false,
            },
            TableRow {
                cells: vec!["davon „$16i“".into(), "89.000".into()],
                level: 1,
                total: false,
            },
            TableRow {
                cells: vec!["Summe".into(), "1.323.567".into()],
                level: 0,
                total: true,
            },
        ],
    };
    IndexMap::from([(table.id.clone(), table)])
}

/// Both writers' output for the chapters `markdown` (one string per chapter), in the form
/// `amip build` gives them: parsed and numbered together, each chapter its own page.
fn write(markdown: &[&str]) -> (String, String) {
    let chapters: Vec<Chapter> = (0..markdown.len())
        .map(|index| Chapter {
            file: format!("content/{:02}-kapitel.md", index + 1),
            stem: format!("{:02}-kapitel", index + 1),
            front: FrontMatter {
                titel: None,
                nummeriert: true,
            },
            body: String::new(),
            body_line_offset: 0,
        })
        .collect();
    let expanded: Vec<Expanded> = markdown
        .iter()
        .enumerate()
        .map(|(chapter, text)| Expanded {
            chapter,
            markdown: (*text).to_string(),
        })
        .collect();
    let (docs, numbering) = markdown::parse_with_images(&chapters, &expanded, &BTreeSet::new())
        .unwrap_or_else(|findings| panic!("the snapshot input is valid: {findings:?}"));
    let mut html_out = String::new();
    let mut typst_out = String::new();
    for (stem, html, typst) in crate::common::write_both(&docs, &numbering, &tables()) {
        html_out.push_str(&format!("<!-- {stem} -->\n"));
        html_out.push_str(&html);
        typst_out.push_str(&format!("// {stem}\n"));
        typst_out.push_str(&typst);
        typst_out.push('\n');
    }
    (html_out, typst_out)
}

/// Asserts both writers' snapshots, named `<name>_html` and `<name>_typst`.
fn snapshots(name: &str, markdown: &[&str]) {
    let (html_out, typst_out) = write(markdown);
    insta::assert_snapshot!(format!("{name}_html"), html_out);
    insta::assert_snapshot!(format!("{name}_typst"), typst_out);
}

#[test]
fn headings_are_numbered_across_chapters() {
    snapshots(
        "headings",
        &[
            "# Einleitung\n\nText.\n\n## Lage vor Ort\n\n### Im Einzelnen\n\nMehr.\n",
            "# Ziele\n\n## Lage vor Ort\n\nGleicher Titel, eigener Anker.\n",
        ],
    );
}

#[test]
fn lists_nest_and_count() {
    snapshots(
        "lists",
        &["# Angebote\n\n- Beratung\n- Vermittlung\n  - Coaching\n  - Praktika\n\n1. erstens\n2. zweitens\n"],
    );
}

#[test]
fn a_table_placeholder_becomes_the_resolved_table() {
    snapshots(
        "table",
        &["# Ressourcen\n\nWie [](amip:tabelle/budget) zeigt:\n\n```amip\ntabelle budget\n```\n\nDanach weiter.\n"],
    );
}

#[test]
fn footnotes_are_numbered_and_linked_both_ways() {
    snapshots(
        "footnote",
        &["# Quellen\n\nDie Zahl stammt von der BA.[^ba] Noch einmal.[^ba] Und anders.[^zwei]\n\n[^ba]: Statistik der *Bundesagentur* für Arbeit.\n[^zwei]: Eigene Berechnung.\n"],
    );
}

#[test]
fn a_link_to_a_heading_finds_its_chapter() {
    snapshots(
        "heading_link",
        &[
            "# Lage\n\n## Arbeitslosigkeit\n\nSiehe [die Ziele](#ziele-fuer-2020) im nächsten Kapitel.\n",
            "# Ziele für 2020\n\nZurück zur [Arbeitslosigkeit](#arbeitslosigkeit).\n",
        ],
    );
}

#[test]
fn emphasis_escapes_each_formats_special_characters() {
    snapshots(
        "escaping",
        &["# Zeichen <&> \"#\"\n\n*Kursiv mit <b>, & und \"Zitat\"* und **fett mit #let x = $1$, @marke, \\*Stern\\*, \\_unter\\_, [Klammer] und \\\\**.\n\n`Code <mit> #raute`, 50 % von 10 € – ~Tilde~ und 'Apostroph'.\n"],
    );
}
