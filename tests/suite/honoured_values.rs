//! What an author writes is honoured or refused, never silently changed (issue 20): signs of
//! the statistics keep their meaning everywhere and pass `--final`, series keep what the file
//! holds, example values are marked per value, and `--final` groups what it lists.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{amip, describe, pdf_text, require_typst};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A big-city programme in small: `programm.yaml` with `status`, one chapter in a subfolder.
fn project(status: &str, chapter: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "data/programm.yaml",
        &format!(
            "jobcenter: Jobcenter Großstadt\ntitel: Arbeitsmarktprogramm\njahr: 2026\nstatus: {status}\n"
        ),
    );
    write(
        dir.path(),
        "content/01-lage/01-zahlen.md",
        &format!("# Zahlen\n\n{chapter}\n"),
    );
    dir
}

fn build(root: &Path, args: &[&str]) -> String {
    let output = amip(root, args);
    assert!(output.status.success(), "{}", describe(&output));
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn site_page(root: &Path) -> String {
    fs::read_to_string(root.join("output/html/01-lage-01-zahlen.html")).unwrap()
}

fn pdf_of(root: &Path) -> PathBuf {
    fs::read_dir(root.join("output"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .expect("a PDF in output/")
}

/// The district CSV as the BA publishes it: a title line, `;`, an anonymised `*`.
const BEZIRKE_CSV: &str =
    "Bezirk;Insgesamt;unter 25\r\nNord;1.234;56\r\nSüd;987;*\r\nOst;2.001;X\r\n";

const BEZIRKE_QUELLEN: &str = "bezirke:\n  datei: quellen/bezirke.csv\n  quelle: Statistik der BA\n  werte:\n    bezirke.nord: { zeile: Nord, spalten: { gesamt: Insgesamt, u25: unter 25 } }\n    bezirke.sued: { zeile: Süd, spalten: { gesamt: Insgesamt, u25: unter 25 } }\n    bezirke.ost: { zeile: Ost, spalten: { gesamt: Insgesamt, u25: unter 25 } }\n";

#[test]
fn an_anonymised_sign_read_into_a_chart_stays_a_sign_in_site_and_pdf() {
    require_typst();
    let dir = project(
        "final",
        "Im Süden unter 25: {{ bezirke.sued.u25 }}; im Osten: {{ bezirke.ost.u25 | zahl }}.\n\n{{ tabelle(id=\"bezirke\") }}\n\n{{ abbildung(id=\"u25\") }}\n\n{{ abbildung(id=\"u25_sortiert\") }}",
    );
    let root = dir.path();
    write(root, "data/quellen/bezirke.csv", BEZIRKE_CSV);
    write(root, "data/quellen.yaml", BEZIRKE_QUELLEN);
    write(
        root,
        "data/tabellen.yaml",
        "bezirke:\n  titel: Arbeitslose nach Bezirken\n  kopf: Bezirk\n  zeilen:\n    - { titel: Nord, daten: bezirke.nord }\n    - { titel: Süd, daten: bezirke.sued }\n    - { titel: Ost, daten: bezirke.ost }\n  spalten:\n    - { titel: unter 25, feld: u25 }\n",
    );
    write(
        root,
        "data/abbildungen.yaml",
        "u25:\n  art: balken\n  titel: Jüngere Arbeitslose\n  alt: Balken je Bezirk\n  reihen:\n    - { name: unter 25, werte: bezirke, feld: u25 }\nu25_sortiert:\n  art: balken\n  titel: Jüngere Arbeitslose sortiert\n  alt: Balken je Bezirk\n  sortierung: absteigend\n  reihen:\n    - { name: unter 25, werte: bezirke, feld: u25 }\n",
    );
    // Signs are published facts: the final version builds with them.
    build(root, &["build", "--final"]);
    let page = site_page(root);
    assert!(
        page.contains("Im Süden unter 25: * (anonymisiert); im Osten: X (Nachweis nicht möglich)."),
        "{page}"
    );
    assert!(!page.contains("derzeit in Abstimmung"), "{page}");
    // Table, chart data table and the sorted chart's data table all show the signs.
    assert!(page.matches(">*</td>").count() == 3, "{page}");
    assert!(page.matches(">X</td>").count() == 3, "{page}");
    let pdf = pdf_text(&pdf_of(root));
    assert!(pdf.contains("* (anonymisiert)"), "{pdf}");
    assert!(!pdf.contains("Abstimmung"), "{pdf}");
    let data_table = pdf
        .split("Daten zur Abbildung")
        .nth(1)
        .expect("a data table in the PDF");
    assert!(data_table.contains('*'), "{pdf}");

    // `amip diff` against the version before: Nord's figure became anonymised.
    let old = tempfile::tempdir().unwrap();
    crate::common::copy_dir(root, old.path());
    write(
        root,
        "data/quellen/bezirke.csv",
        &BEZIRKE_CSV.replace("Nord;1.234;56", "Nord;1.234;*"),
    );
    let output = amip(root, &["diff", old.path().to_str().unwrap()]);
    let report = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(report.contains("56 → * (anonymisiert)"), "{report}");
    assert!(!report.contains("Abstimmung"), "{report}");
}

#[test]
fn published_signs_pass_final_but_open_values_still_fail_it() {
    let dir = project(
        "final",
        "Süd: {{ bezirke.sued.u25 }}; offen: {{ ziele.u25 }}.",
    );
    let root = dir.path();
    write(root, "data/quellen/bezirke.csv", BEZIRKE_CSV);
    write(root, "data/quellen.yaml", BEZIRKE_QUELLEN);
    write(
        root,
        "data/ziele.yaml",
        "u25: in_abstimmung\nstrich: \"–\"\n",
    );
    let output = amip(root, &["check", "--final"]);
    let report = describe(&output);
    assert!(!output.status.success(), "{report}");
    assert!(
        report.contains("„ziele.u25“ ist noch nicht abgestimmt (derzeit in Abstimmung)."),
        "{report}"
    );
    for sign in ["bezirke.sued.u25", "bezirke.ost.u25", "ziele.strich"] {
        assert!(!report.contains(&format!("„{sign}“")), "{sign}: {report}");
    }
    assert!(!report.contains("Sonderwert"), "{report}");
    write(root, "data/ziele.yaml", "u25: 40\nstrich: \"–\"\n");
    build(root, &["check", "--final"]);
}

#[test]
fn a_series_that_starts_later_leaves_a_gap_without_a_dash() {
    require_typst();
    let dir = project("final", "{{ abbildung(id=\"gefluechtete\") }}");
    let root = dir.path();
    write(
        root,
        "data/gefluechtete.yaml",
        "insgesamt: { 2019: 800, 2020: 820, 2021: 790, 2022: 1400, 2023: 1500 }\nukraine: { 2022: 600, 2023: 700 }\n",
    );
    write(
        root,
        "data/abbildungen.yaml",
        "gefluechtete:\n  art: linie\n  titel: Geflüchtete\n  alt: Linien je Gruppe\n  reihen:\n    - { name: insgesamt, werte: gefluechtete.insgesamt }\n    - { name: Ukraine, werte: gefluechtete.ukraine }\n",
    );
    build(root, &["build", "--final"]);
    let page = site_page(root);
    assert!(!page.contains("derzeit in Abstimmung"), "{page}");
    // 2019: a value for "insgesamt", an empty cell for Ukraine.
    let row_2019 = page
        .split("<tr>")
        .find(|row| row.contains("<th scope=\"row\">2019<"))
        .expect("a row for 2019");
    assert!(
        row_2019.contains(">800</td><td class=\"zahl\"></td>"),
        "{row_2019}"
    );
    let row_2023 = page
        .split("<tr>")
        .find(|row| row.contains("<th scope=\"row\">2023<"))
        .expect("a row for 2023");
    assert!(
        row_2023.contains(">1.500</td><td class=\"zahl\">700</td>"),
        "{row_2023}"
    );
    let pdf = pdf_text(&pdf_of(root));
    assert!(!pdf.contains("Abstimmung"), "{pdf}");
    // The later series first: the categories still come from the longer one.
    write(
        root,
        "data/abbildungen.yaml",
        "gefluechtete:\n  art: linie\n  titel: Geflüchtete\n  alt: Linien je Gruppe\n  reihen:\n    - { name: Ukraine, werte: gefluechtete.ukraine }\n    - { name: insgesamt, werte: gefluechtete.insgesamt }\n",
    );
    build(root, &["build", "--html"]);
    let page = site_page(root);
    let row_2019 = page
        .split("<tr>")
        .find(|row| row.contains("<th scope=\"row\">2019<"))
        .expect("a row for 2019");
    assert!(
        row_2019.contains("<td class=\"zahl\"></td><td class=\"zahl\">800</td>"),
        "{row_2019}"
    );
}

/// A source in `quellen.yaml` importing into the data set of a marked YAML file.
fn marked_neighbours(source_marked: bool) -> tempfile::TempDir {
    let dir = project(
        "final",
        "Arbeitslose: {{ arbeitsmarkt.alo[\"2025\"] | zahl }}. Geschätzt: {{ arbeitsmarkt.schaetzung | zahl }}. Noch einmal: {{ arbeitsmarkt.schaetzung | zahl }}.\n\n{{ tabelle(id=\"alo\") }}\n\n{{ abbildung(id=\"alo\") }}",
    );
    let root = dir.path();
    write(
        root,
        "data/arbeitsmarkt.yaml",
        "# Erfundene Schätzung.\nbeispielwerte: true\nschaetzung: 4200\n",
    );
    write(
        root,
        "data/quellen/alo.csv",
        "Jahr;Arbeitslose\r\n2024;41.230\r\n2025;39.874\r\n",
    );
    write(
        root,
        "data/quellen.yaml",
        &format!(
            "alo:\n  datei: quellen/alo.csv\n  quelle: Statistik der BA\n{}  werte:\n    arbeitsmarkt.alo: {{ spalte: Arbeitslose, zeilen: jahre }}\n",
            if source_marked { "  beispielwerte: true\n" } else { "" }
        ),
    );
    write(
        root,
        "data/tabellen.yaml",
        "alo:\n  titel: Arbeitslose\n  kopf: Merkmal\n  zeilen:\n    - { titel: Arbeitslose, daten: arbeitsmarkt.alo }\n  spalten:\n    - { titel: \"2024\", feld: \"2024\" }\n    - { titel: \"2025\", feld: \"2025\" }\n",
    );
    write(
        root,
        "data/abbildungen.yaml",
        "alo:\n  art: linie\n  titel: Arbeitslose im Jahresdurchschnitt\n  alt: Linie der Arbeitslosen\n  reihen:\n    - { name: Arbeitslose, werte: arbeitsmarkt.alo }\n",
    );
    dir
}

#[test]
fn example_values_are_marked_where_they_are_used_not_where_their_file_is() {
    require_typst();
    // The source is real: its table and chart are not example values, though the file of the
    // same data set (`arbeitsmarkt.yaml`) is marked.
    let dir = marked_neighbours(false);
    let root = dir.path();
    build(root, &["build"]);
    let page = site_page(root);
    assert!(
        page.contains("Arbeitslose</figcaption>") || page.contains("Arbeitslose</caption>"),
        "{page}"
    );
    assert!(!page.contains("Arbeitslose (Beispielwerte)"), "{page}");
    assert!(
        !page.contains("Arbeitslose im Jahresdurchschnitt (Beispielwerte)"),
        "{page}"
    );
    let pdf = pdf_text(&pdf_of(root));
    assert!(!pdf.contains("Beispielwerte"), "{pdf}");
    // `--final` names only the marked value, at its own line, with its uses.
    let output = amip(root, &["check", "--final"]);
    let report = describe(&output);
    assert!(!output.status.success(), "{report}");
    assert!(
        report.contains("Der Beispielwert „arbeitsmarkt.schaetzung“ wird 1-mal verwendet: content/01-lage/01-zahlen.md:3"),
        "{report}"
    );
    assert!(report.contains("data/arbeitsmarkt.yaml:3"), "{report}");
    assert!(!report.contains("arbeitsmarkt.alo"), "{report}");

    // The source marked: table and chart are example values, and `--final` names the
    // declaration in quellen.yaml.
    let dir = marked_neighbours(true);
    let root = dir.path();
    build(root, &["build"]);
    let page = site_page(root);
    assert!(page.contains("Arbeitslose (Beispielwerte)"), "{page}");
    assert!(
        page.contains("Arbeitslose im Jahresdurchschnitt (Beispielwerte)"),
        "{page}"
    );
    let pdf = pdf_text(&pdf_of(root));
    assert!(pdf.contains("(Beispielwerte)"), "{pdf}");
    let output = amip(root, &["check", "--final"]);
    let report = describe(&output);
    assert!(
        report.contains("Der Beispielwert „arbeitsmarkt.alo“ wird 3-mal verwendet: content/01-lage/01-zahlen.md:3, Tabelle „alo“, Abbildung „alo“"),
        "{report}"
    );
    assert!(report.contains("data/quellen.yaml:6"), "{report}");
}

#[test]
fn final_lists_each_example_value_once_with_its_uses_and_counts_at_the_end() {
    let dir = project(
        "draft",
        "Ziel: {{ ziele.integrationen | zahl }}.\n\nNoch einmal: {{ ziele.integrationen | zahl }}, {{ ziele.integrationen | zahl }}.\n\nQuote: {{ ziele.quote | prozent }}; offen: {{ ziele.offen }}.\n\n{{ tabelle(id=\"ziele\") }}",
    );
    let root = dir.path();
    write(
        root,
        "data/ziele.yaml",
        "beispielwerte: true\nintegrationen: 312\nquote: 21.7\noffen: ~\n",
    );
    write(
        root,
        "data/tabellen.yaml",
        "ziele:\n  titel: Ziele\n  kopf: Ziel\n  zeilen:\n    - { titel: Ziele, daten: ziele }\n  spalten:\n    - { titel: Integrationen, feld: integrationen }\n    - { titel: Quote, feld: quote }\n",
    );
    let output = amip(root, &["check", "--final"]);
    let report = describe(&output);
    assert!(!output.status.success(), "{report}");
    assert_eq!(
        report
            .matches("Der Beispielwert „ziele.integrationen“")
            .count(),
        1,
        "{report}"
    );
    assert!(
        report.contains("„ziele.integrationen“ wird 3-mal verwendet: content/01-lage/01-zahlen.md:3, content/01-lage/01-zahlen.md:5, Tabelle „ziele“"),
        "{report}"
    );
    assert!(
        report.contains(
            "„ziele.quote“ wird 2-mal verwendet: content/01-lage/01-zahlen.md:7, Tabelle „ziele“"
        ),
        "{report}"
    );
    // The counts come last, after every finding they count.
    let summary = report
        .find("Endfassung: 1 offener Wert, 3 Beispielwerte (6 Verwendungen).")
        .unwrap_or_else(|| panic!("{report}"));
    assert!(
        report.rfind("Der Beispielwert").unwrap() < summary,
        "{report}"
    );
    assert!(
        report.rfind("noch nicht abgestimmt").unwrap() < summary,
        "{report}"
    );
}

/// A long monthly series as the BA publishes it: the year only on the January row, a
/// „Jahresdurchschnitt“ row after December; 2026 runs from January to September.
fn long_series_csv() -> String {
    let mut csv = String::from("Jahr;Monat;Arbeitslose\r\n");
    for (year, base, months) in [(2024, 1200, 12), (2025, 1100, 12), (2026, 1000, 9)] {
        for (index, month) in amip::format::MONTHS.iter().take(months).enumerate() {
            let year_cell = if index == 0 {
                year.to_string()
            } else {
                String::new()
            };
            csv.push_str(&format!("{year_cell};{month};{}\r\n", base + 10 * index));
        }
        if months == 12 {
            csv.push_str(&format!(";Jahresdurchschnitt;{}\r\n", base + 55));
        }
    }
    csv
}

fn long_series_project(policy: &str) -> tempfile::TempDir {
    let dir = project("final", "{{ abbildung(id=\"alo\") }}");
    let root = dir.path();
    write(root, "data/quellen/zeitreihe.csv", &long_series_csv());
    write(
        root,
        "data/quellen.yaml",
        &format!(
            "alo:\n  datei: quellen/zeitreihe.csv\n  quelle: Statistik der BA\n  werte:\n    arbeitslose.jd:\n      zeitreihe: {{ jahr: A, monat: B }}\n      monat: Jahresdurchschnitt\n      spalte: Arbeitslose\n{policy}"
        ),
    );
    write(
        root,
        "data/abbildungen.yaml",
        "alo:\n  art: linie\n  titel: Arbeitslose\n  alt: Linie der Arbeitslosen\n  reihen:\n    - { name: Arbeitslose, werte: arbeitslose.jd }\n",
    );
    dir
}

#[test]
fn an_incomplete_last_year_is_left_out_with_a_warning_or_shown_with_a_note() {
    require_typst();
    // Default: 2026 is left out, and the warning names it.
    let dir = long_series_project("");
    let root = dir.path();
    let warnings = build(root, &["build"]);
    assert!(
        warnings.contains("„arbeitslose.jd“: data/quellen/zeitreihe.csv hat für 2026 keine Zeile „Jahresdurchschnitt“, nur Januar bis September; 2026 fehlt deshalb in der Reihe."),
        "{warnings}"
    );
    assert!(warnings.contains("unvollstaendig: zeigen"), "{warnings}");
    assert!(warnings.contains("data/quellen.yaml:5"), "{warnings}");
    let page = site_page(root);
    assert!(
        page.contains("<th scope=\"row\">2025</th><td class=\"zahl\">1.155</td>"),
        "{page}"
    );
    assert!(!page.contains("<th scope=\"row\">2026</th>"), "{page}");

    // `weglassen`: the same series, no warning.
    let dir = long_series_project("      unvollstaendig: weglassen\n");
    let root = dir.path();
    let warnings = build(root, &["build", "--html"]);
    assert!(!warnings.contains("2026"), "{warnings}");
    assert!(!site_page(root).contains("<th scope=\"row\">2026</th>"));

    // `zeigen`: 2026 with the average of January to September and a note in site and PDF.
    let dir = long_series_project("      unvollstaendig: zeigen\n");
    let root = dir.path();
    let warnings = build(root, &["build"]);
    assert!(!warnings.contains("2026"), "{warnings}");
    let page = site_page(root);
    assert!(
        page.contains("<th scope=\"row\">2026</th><td class=\"zahl\">1.040</td>"),
        "{page}"
    );
    let note = "2026: Durchschnitt Januar bis September (Jahr unvollständig)";
    assert!(
        page.contains(&format!("Statistik der BA; {note}")),
        "{page}"
    );
    let pdf = pdf_text(&pdf_of(root));
    assert!(pdf.contains("Durchschnitt Januar bis September"), "{pdf}");
    assert!(pdf.contains("1.040"), "{pdf}");

    // `zeigen` where no average is taken is refused.
    let dir = long_series_project("      unvollstaendig: zeigen\n");
    let root = dir.path();
    let yaml = fs::read_to_string(root.join("data/quellen.yaml"))
        .unwrap()
        .replace("monat: Jahresdurchschnitt", "monat: Dezember");
    write(root, "data/quellen.yaml", &yaml);
    let output = amip(root, &["check"]);
    let report = describe(&output);
    assert!(!output.status.success(), "{report}");
    assert!(
        report.contains("unvollstaendig: zeigen gilt nur für einen Durchschnitt"),
        "{report}"
    );
}

#[test]
fn the_counts_of_final_come_after_findings_of_later_checks() {
    // A declared table no chapter places is a warning found after the final checks.
    let dir = project("draft", "Ziel: {{ ziele.integrationen | zahl }}.");
    let root = dir.path();
    write(
        root,
        "data/ziele.yaml",
        "beispielwerte: true\nintegrationen: 312\n",
    );
    write(
        root,
        "data/tabellen.yaml",
        "ungenutzt:\n  titel: Ziele\n  kopf: Ziel\n  zeilen:\n    - { titel: Ziele, daten: ziele }\n  spalten:\n    - { titel: Integrationen, feld: integrationen }\n",
    );
    let output = amip(root, &["check", "--final"]);
    let report = String::from_utf8_lossy(&output.stderr).into_owned();
    let summary = report
        .find("Endfassung: 0 offene Werte, 1 Beispielwert (2 Verwendungen).")
        .unwrap_or_else(|| panic!("{report}"));
    let unplaced = report
        .find("„ungenutzt“")
        .unwrap_or_else(|| panic!("{report}"));
    assert!(unplaced < summary, "{report}");
    assert!(
        report.contains("2 Fehler und 1 Warnung gefunden."),
        "{report}"
    );
}
