//! What an author writes in a template is honoured or refused, never silently changed:
//! unknown arguments of filters and functions (issue 20, item 2), templates in the titles of
//! tables and charts (item 3) and heading anchors `{#id}` (item 10).

use std::fs;
use std::path::Path;

use crate::common::{amip, describe, fixture_copy, pdf_text, require_typst};

/// Appends `text` to the small fixture's only chapter.
fn append(project: &Path, text: &str) {
    let path = project.join("content/programm.md");
    let mut body = fs::read_to_string(&path).unwrap();
    body.push_str(text);
    fs::write(&path, body).unwrap();
}

/// The output of `amip check` as one text.
fn check(project: &Path) -> (bool, String) {
    let output = amip(project, &["check"]);
    (output.status.success(), describe(&output))
}

/// The line of the chapter where `needle` stands (1-based).
fn line_of(project: &Path, needle: &str) -> usize {
    let body = fs::read_to_string(project.join("content/programm.md")).unwrap();
    body.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn misspelt_arguments_are_refused_with_the_allowed_ones() {
    for (call, message) in [
        (
            "{{ 2.5 | veraenderung(einhet=\"prozent\") }}",
            "veraenderung: das Argument „einhet“ gibt es nicht (erlaubt: einheit, stellen)",
        ),
        (
            "{{ zahlen.integrationen | zahl(stelen=1) }}",
            "zahl: das Argument „stelen“ gibt es nicht (erlaubt: stellen)",
        ),
        (
            "{{ zahlen.quote | prozent(stelen=2) }}",
            "prozent: das Argument „stelen“ gibt es nicht (erlaubt: stellen, wort)",
        ),
        (
            "{{ anteil(teil=1, ganz=2) | prozent }}",
            "anteil: das Argument „ganz“ gibt es nicht (erlaubt: teil, ganzes)",
        ),
    ] {
        let project = fixture_copy("klein");
        append(project.path(), &format!("\nDas ergibt {call}.\n"));
        let (ok, text) = check(project.path());
        assert!(!ok, "{call}: {text}");
        let line = line_of(project.path(), call);
        assert!(
            text.contains(&format!("content/programm.md:{line}:")),
            "{call} at its line {line}: {text}"
        );
        assert!(
            text.contains(&format!("Vorlagenfehler in content/programm.md: {message}")),
            "{call}: {text}"
        );
    }
}

#[test]
fn a_reference_names_one_kind_and_a_doubled_label_is_a_warning() {
    let project = fixture_copy("klein");
    fs::write(
        project.path().join("data/abbildungen.yaml"),
        "x:\n  art: balken\n  titel: Integrationen\n  alt: Ein Balken.\n  reihen:\n    - { name: Integrationen, werte: zahlen.reihe }\n",
    )
    .unwrap();
    let zahlen = project.path().join("data/zahlen.yaml");
    let mut data = fs::read_to_string(&zahlen).unwrap();
    data.push_str("reihe: { a: 1, b: 2 }\n");
    fs::write(&zahlen, data).unwrap();
    append(
        project.path(),
        "\n{{ abbildung(id=\"x\") }}\n\nSiehe {{ verweis(id=\"x\", abbildung=\"x\") }}.\n",
    );
    let (ok, text) = check(project.path());
    assert!(!ok, "{text}");
    assert!(
        text.contains("verweis: id= und abbildung= schließen einander aus; nennen Sie genau eines von id=, tabelle=, abbildung=, kapitel=, abschnitt="),
        "{text}"
    );

    let project = fixture_copy("klein");
    fs::write(
        project.path().join("data/abbildungen.yaml"),
        "x:\n  art: balken\n  titel: Integrationen\n  alt: Ein Balken.\n  reihen:\n    - { name: Integrationen, werte: zahlen.reihe }\n",
    )
    .unwrap();
    let zahlen = project.path().join("data/zahlen.yaml");
    fs::write(
        &zahlen,
        fs::read_to_string(&zahlen).unwrap() + "reihe: { a: 1, b: 2 }\n",
    )
    .unwrap();
    append(
        project.path(),
        "\n{{ abbildung(id=\"x\") }}\n\nWie Abbildung {{ verweis(id=\"x\") }} zeigt, steigt die Zahl.\n",
    );
    let (ok, text) = check(project.path());
    assert!(ok, "a warning only: {text}");
    let line = line_of(project.path(), "Wie Abbildung");
    assert!(
        text.contains(&format!("content/programm.md:{line}:5")),
        "at the word: {text}"
    );
    assert!(
        text.contains("„Abbildung {{ verweis(id=\"x\") }}“ ergibt „Abbildung Abbildung …“: verweis(…) schreibt die Bezeichnung mit der Nummer selbst."),
        "{text}"
    );
    assert!(
        text.contains("Lassen Sie „Abbildung“ vor dem Verweis weg."),
        "{text}"
    );
}

#[test]
fn heading_anchors_as_the_readme_shows_them_in_site_and_pdf() {
    require_typst();
    let project = fixture_copy("klein");
    append(
        project.path(),
        "\n## Eingliederungsbudget nach Instrumenten {#egl}\n\nSiehe [die Instrumente](#egl) und {{ verweis(abschnitt=\"egl\") }}.\n\n{# Notiz: Zahlen noch prüfen #}\n\nDieser Satz bleibt stehen.\n",
    );
    let output = amip(project.path(), &["build"]);
    assert!(output.status.success(), "{}", describe(&output));
    let out = project.path().join("output");
    let html = fs::read_to_string(out.join("html/programm.html")).unwrap();
    assert!(
        html.contains("<h2 id=\"egl\"><span class=\"nr\">1.2</span> Eingliederungsbudget nach Instrumenten</h2>"),
        "{html}"
    );
    assert!(html.contains("href=\"#egl\">die Instrumente</a>"), "{html}");
    assert!(
        html.contains("href=\"#egl\">Abschnitt\u{a0}1.2</a>"),
        "{html}"
    );
    assert!(html.contains("Dieser Satz bleibt stehen."), "{html}");
    assert!(!html.contains("{#") && !html.contains("Notiz"), "{html}");
    let typst = fs::read_to_string(out.join("typst/main.typ")).unwrap();
    assert!(
        typst.contains("== \\1.2 Eingliederungsbudget nach Instrumenten <egl>")
            && typst.contains(
                "Siehe #link(<egl>)[die Instrumente] und #link(<egl>)[Abschnitt\u{a0}1.2]"
            ),
        "the PDF's label and links: {typst}"
    );
    let pdf = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .unwrap();
    let text = pdf_text(&pdf)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("1.2 Eingliederungsbudget nach Instrumenten"),
        "{text}"
    );
    assert!(
        text.contains("Siehe die Instrumente und Abschnitt 1.2."),
        "{text}"
    );
    assert!(text.contains("Dieser Satz bleibt stehen."), "{text}");
    assert!(!text.contains("{#") && !text.contains("Notiz"), "{text}");
}

/// The small fixture with a table and a chart whose texts are templates, both placed in the
/// chapter and referred to.
fn titled_project(table_title: &str, series_name: &str) -> tempfile::TempDir {
    let project = fixture_copy("klein");
    fs::write(
        project.path().join("data/tabellen.yaml"),
        format!(
            "budget:\n  titel: \"{table_title}\"\n  quelle: \"Eigene Berechnung, Stand {{{{ programm.jahr - 1 }}}}\"\n  kopf: Position\n  zeilen:\n    - {{ titel: \"Für {{{{ zahlen.gruppe }}}}\", daten: zahlen.budget }}\n  spalten:\n    - {{ titel: \"{{{{ programm.jahr - 1 }}}}\", feld: vorjahr }}\n    - {{ titel: \"{{{{ programm.jahr }}}}\", feld: planjahr }}\n"
        ),
    )
    .unwrap();
    fs::write(
        project.path().join("data/abbildungen.yaml"),
        format!(
            "verlauf:\n  art: balken\n  titel: \"Integrationen {{{{ programm.jahr }}}}\"\n  quelle: \"Statistik {{{{ programm.jahr - 1 }}}}\"\n  alt: \"Balken für {{{{ programm.jahr }}}}\"\n  reihen:\n    - {{ name: \"{series_name}\", werte: zahlen.reihe }}\n"
        ),
    )
    .unwrap();
    let zahlen = project.path().join("data/zahlen.yaml");
    fs::write(
        &zahlen,
        fs::read_to_string(&zahlen).unwrap()
            + "budget: { vorjahr: 100, planjahr: 120 }\nreihe: { a: 1, b: 2 }\ngruppe: \"Kund*innen <b>\"\n",
    )
    .unwrap();
    append(
        project.path(),
        "\nWie {{ verweis(tabelle=\"budget\") }} und {{ verweis(abbildung=\"verlauf\") }} zeigen:\n\n{{ tabelle(id=\"budget\") }}\n\n{{ abbildung(id=\"verlauf\") }}\n",
    );
    project
}

#[test]
fn titles_of_tables_and_charts_follow_the_data_in_site_and_pdf() {
    require_typst();
    let project = titled_project(
        "Gesamtbudget {{ programm.jahr - 1 }} und {{ programm.jahr }}",
        "Ziel {{ programm.jahr }}",
    );
    let output = amip(project.path(), &["build"]);
    assert!(output.status.success(), "{}", describe(&output));
    let out = project.path().join("output");
    let html = fs::read_to_string(out.join("html/programm.html")).unwrap();
    for expected in [
        "<caption><span class=\"nr\">Tabelle 1:</span> Gesamtbudget 2025 und 2026 (Beispielwerte)</caption>",
        "<th scope=\"col\" class=\"zahl\">2025</th><th scope=\"col\" class=\"zahl\">2026</th>",
        // A value from the data stays text in a title.
        ">Für Kund*innen &lt;b&gt;</th>",
        "<p class=\"quelle\">Quelle: Eigene Berechnung, Stand 2025</p>",
        "<figcaption><span class=\"nr\">Abbildung 1:</span> Integrationen 2026 (Beispielwerte)</figcaption>",
        "<desc id=\"abb-verlauf-beschreibung\">Balken für 2026</desc>",
        ">Ziel 2026</th>",
        "<p class=\"quelle\">Quelle: Statistik 2025</p>",
    ] {
        assert!(html.contains(expected), "{expected}: {html}");
    }
    assert!(!html.contains("{{") && !html.contains("}}"), "{html}");
    let pdf = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .unwrap();
    let text = pdf_text(&pdf)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for expected in [
        "Tabelle 1: Gesamtbudget 2025 und 2026 (Beispielwerte)",
        "Position 2025 2026",
        "Für Kund*innen <b>",
        "Quelle: Eigene Berechnung, Stand 2025",
        "Ziel 2026",
        "Quelle: Statistik 2025",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    assert!(!text.contains("{{") && !text.contains("}}"), "{text}");
}

#[test]
fn a_mistake_in_a_title_is_reported_at_its_yaml_line() {
    let project = titled_project(
        "Gesamtbudget {{ programm.jahre - 1 }} und {{ programm.jahr }}",
        "Ziel {{ programm.jahr | zahl(stelen=1) }}",
    );
    let (ok, text) = check(project.path());
    assert!(!ok, "{text}");
    assert!(
        text.contains("Vorlagenfehler in data/tabellen.yaml, Tabelle „budget“, titel: Gerechnet werden kann nur mit Zahlen, hier steht ein Wert, den es in den Daten nicht gibt."),
        "{text}"
    );
    assert!(
        text.contains("data/tabellen.yaml:2:27"),
        "at programm.jahre: {text}"
    );
    assert!(
        text.contains("Vorlagenfehler in data/abbildungen.yaml, Abbildung „verlauf“, reihen.0.name: zahl: das Argument „stelen“ gibt es nicht (erlaubt: stellen)"),
        "{text}"
    );
    assert!(text.contains("data/abbildungen.yaml:7:"), "{text}");
}
