//! Importing official figures: workbooks and CSV files in the BA's layouts, created here,
//! read through `data/quellen.yaml` and `quelldatei:`; special values; bad input.

use crate::common;

use std::fs;
use std::path::Path;

use crate::common::{amip, example_copy, quellen, require_typst};
use amip::sources::special::Special;
use rust_xlsxwriter::{Format, Workbook};
use serde_json::{json, Value};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A small project: one chapter showing the given template text, the given declarations.
fn project(chapter: &str, quellen_yaml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "data/programm.yaml",
        "jobcenter: Jobcenter Test\ntitel: Programm\njahr: 2020\nstatus: draft\n",
    );
    write(
        root,
        "content/01-zahlen.md",
        &format!("# Zahlen\n\n{chapter}\n"),
    );
    write(root, "data/quellen.yaml", quellen_yaml);
    dir
}

/// An Arbeitsmarktreport-like sheet: labels in A or B, indented, with NBSP and footnote
/// marks; the reporting month in D, comparisons beside it; two blocks with "Insgesamt".
fn report_workbook(path: &Path) {
    let mut wb = Workbook::new();
    wb.add_worksheet().set_name("Deckblatt").unwrap();
    let ws = wb.add_worksheet().set_name("Eckwerte SGB II").unwrap();
    let bold = Format::new().set_bold();
    ws.write_string(0, 0, "Arbeitsmarktreport").unwrap();
    ws.write_string_with_format(3, 3, "September 2019", &bold)
        .unwrap();
    ws.write_string_with_format(3, 4, "Anteil in %", &bold)
        .unwrap();
    ws.merge_range(3, 5, 3, 6, "Veränderung gegenüber Vorjahresmonat", &bold)
        .unwrap();
    ws.write_string(4, 5, "absolut").unwrap();
    ws.write_string(4, 6, "in %").unwrap();
    ws.write_string(5, 0, "Arbeitslose").unwrap();
    ws.write_string(6, 1, "Insgesamt").unwrap();
    ws.write_number(6, 3, 2116.0).unwrap();
    ws.write_number(6, 4, 100.0).unwrap();
    ws.write_number(6, 5, -580.0).unwrap();
    ws.write_number(6, 6, -21.513_353_115_727_003).unwrap();
    ws.write_string(7, 1, "\u{a0}\u{a0}\u{a0}Männer¹").unwrap();
    ws.write_number(7, 3, 1181.0).unwrap();
    ws.write_number(7, 4, 55.800_000_000_000_004).unwrap();
    ws.write_string(8, 0, "    unter 25 Jahre 2)").unwrap();
    ws.write_number(8, 3, 7.000_000_000_000_001).unwrap();
    // Special values, one each.
    ws.write_string(9, 1, "Rehabilitanden").unwrap();
    ws.write_string(9, 3, "X").unwrap();
    ws.write_string(10, 1, "Asylbewerber").unwrap();
    ws.write_string(10, 3, "*").unwrap();
    ws.write_string(11, 1, "Aufstocker").unwrap();
    ws.write_string(11, 3, "–").unwrap();
    ws.write_string(12, 1, "Berufsrückkehrende").unwrap();
    ws.write_string(12, 3, "-").unwrap();
    ws.write_string(13, 1, "Sonstige").unwrap();
    ws.write_string(13, 3, ".").unwrap();
    ws.write_string(14, 1, "Text statt Zahl").unwrap();
    ws.write_string(14, 3, "k. A.").unwrap();
    ws.write_string(16, 0, "Arbeitslosenquoten").unwrap();
    ws.write_string(17, 1, "Insgesamt").unwrap();
    ws.write_number(17, 3, 4.4).unwrap();
    // A row over years: header row of years, the values below.
    let years = wb.add_worksheet().set_name("Jahre").unwrap();
    years.write_string(2, 0, "Merkmal").unwrap();
    for (offset, year) in (2015..=2019).enumerate() {
        let col = 2 + u16::try_from(offset).unwrap();
        years.write_number(2, col, f64::from(year)).unwrap();
        years
            .write_number(3, col, 100.0 + f64::from(year - 2015))
            .unwrap();
    }
    years.write_string(3, 0, "ELB").unwrap();
    // A column over years: years as row labels.
    for (offset, year) in (2017..=2019).enumerate() {
        let row = 6 + u32::try_from(offset).unwrap();
        years.write_string(row, 0, year.to_string()).unwrap();
        years
            .write_number(row, 1, 10.0 * f64::from(year - 2016))
            .unwrap();
    }
    years.write_string(5, 1, "Bedarfsgemeinschaften").unwrap();
    // The long layout: year on the January row only.
    let long = wb.add_worksheet().set_name("Tabelle 2.1.2").unwrap();
    long.write_string(0, 0, "Jahr").unwrap();
    long.write_string(0, 1, "Monat").unwrap();
    long.write_string(0, 2, "ELB").unwrap();
    let mut row = 1;
    for year in [2018, 2019] {
        for (index, month) in ["Januar", "Februar", "März"].iter().enumerate() {
            if index == 0 {
                long.write_number(row, 0, f64::from(year)).unwrap();
            }
            long.write_string(row, 1, *month).unwrap();
            long.write_number(row, 2, f64::from(year - 2000) * 100.0 + index as f64)
                .unwrap();
            row += 1;
        }
    }
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    wb.save(path).unwrap();
}

fn load(root: &Path) -> Result<amip::model::Project, String> {
    amip::load::load(root).map_err(|findings| {
        findings
            .0
            .iter()
            .map(|f| {
                format!(
                    "{} [{}:{}] {}",
                    f.message,
                    f.file.clone().unwrap_or_default(),
                    f.line.unwrap_or(0),
                    f.help.clone().unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    })
}

fn at(data: &Value, path: &str) -> Value {
    amip::data::lookup(data, path).unwrap().clone()
}

const HEAD: &str = "bericht:\n  datei: quellen/bericht.xlsx\n  quelle: Statistik der BA\n  stand: September 2019\n  blatt: Eckwerte SGB II\n  werte:\n";

fn with_report(values: &str) -> tempfile::TempDir {
    let dir = project("Text", &format!("{HEAD}{values}"));
    report_workbook(&dir.path().join("data/quellen/bericht.xlsx"));
    dir
}

#[test]
fn rows_by_label_in_a_or_b_columns_by_header_or_letter() {
    let dir = with_report(
        "    a.gesamt: { zeile: [Arbeitslose, Insgesamt], spalte: September 2019 }\n\
         \x20   a.maenner: { zeile: männer, spalte: D }\n\
         \x20   a.anteil: { zeile: Männer, spalte: Anteil in % }\n\
         \x20   a.u25: { zeile: unter 25 Jahre, spalte: September 2019 }\n\
         \x20   a.veraenderung: { zeile: [Arbeitslose, Insgesamt], spalte: [Veränderung gegenüber Vorjahresmonat, in %], stellen: 1 }\n\
         \x20   a.absolut: { zeile: [Arbeitslose, Insgesamt], spalte: [Veränderung gegenüber Vorjahresmonat, absolut] }\n\
         \x20   a.quote: { zeile: [Arbeitslosenquoten, Insgesamt], spalte: September 2019 }\n\
         \x20   a.zelle: { zelle: D7 }\n",
    );
    let project = load(dir.path()).unwrap();
    let data = &project.data;
    assert_eq!(at(data, "a.gesamt"), json!(2116));
    assert_eq!(at(data, "a.maenner"), json!(1181));
    // Excel noise is rounded away: 55.800000000000004 → 55.8, 7.0000000000000009 → 7.
    assert_eq!(at(data, "a.anteil"), json!(55.8));
    assert_eq!(at(data, "a.u25"), json!(7));
    assert_eq!(at(data, "a.veraenderung"), json!(-21.5));
    assert_eq!(at(data, "a.absolut"), json!(-580));
    assert_eq!(at(data, "a.quote"), json!(4.4));
    assert_eq!(at(data, "a.zelle"), json!(2116));
    let origin = project.imported.of("a.maenner").unwrap();
    assert_eq!(
        origin.describe(),
        "data/quellen/bericht.xlsx, Blatt „Eckwerte SGB II“, Zelle D8"
    );
}

#[test]
fn an_ambiguous_label_lists_both_rows() {
    let dir = with_report("    a.gesamt: { zeile: Insgesamt, spalte: September 2019 }\n");
    let err = load(dir.path()).unwrap_err();
    assert!(
        err.contains("data/quellen/bericht.xlsx, Blatt „Eckwerte SGB II“"),
        "{err}"
    );
    assert!(
        err.contains("B7 (Zeile 7)") && err.contains("B18 (Zeile 18)"),
        "{err}"
    );
    assert!(
        err.contains("[data/quellen.yaml:7]"),
        "points at the declaration: {err}"
    );
}

#[test]
fn missing_sheet_label_and_column_name_what_exists() {
    let dir = with_report("    a.x: { zeile: [Arbeitslose, Insgesamt], spalte: September 2019, blatt: Eckwerte SGB 2 }\n");
    let err = load(dir.path()).unwrap_err();
    assert!(
        err.contains("das Blatt „Eckwerte SGB 2“ gibt es nicht")
            && err.contains("„Eckwerte SGB II“"),
        "{err}"
    );

    let dir = with_report("    a.x: { zeile: Arbeitslose insgesmt, spalte: September 2019 }\n");
    let err = load(dir.path()).unwrap_err();
    assert!(
        err.contains("keine Zeile mit der Beschriftung „Arbeitslose insgesmt“"),
        "{err}"
    );
    assert!(err.contains("ähnlich: „Arbeitslose“"), "{err}");

    let dir = with_report("    a.x: { zeile: [Arbeitslose, Insgesamt], spalte: Oktober 2019 }\n");
    let err = load(dir.path()).unwrap_err();
    assert!(
        err.contains("keine Spalte mit der Überschrift „Oktober 2019“ über Zeile 7"),
        "{err}"
    );
    assert!(err.contains("„September 2019“"), "{err}");

    let dir = project(
        "Text",
        "b:\n  datei: quellen/fehlt.xlsx\n  werte:\n    a: { zelle: A1 }\n",
    );
    let err = load(dir.path()).unwrap_err();
    assert!(
        err.contains(
            "Die Quelldatei data/quellen/fehlt.xlsx kann nicht gelesen werden: die Datei fehlt"
        ),
        "{err}"
    );
}

#[test]
fn rows_and_columns_become_year_maps_and_the_long_layout_carries_the_year() {
    let dir = with_report(
        "    r.elb: { blatt: Jahre, zeile: ELB, spalten: jahre }\n\
         \x20   r.bg: { blatt: Jahre, zeilen: jahre, spalte: Bedarfsgemeinschaften }\n\
         \x20   r.lang: { blatt: Tabelle 2.1.2, zeitreihe: { jahr: A, monat: B }, spalte: ELB }\n\
         \x20   r.februar: { blatt: Tabelle 2.1.2, zeitreihe: {}, monat: Februar, spalte: C }\n",
    );
    let project = load(dir.path()).unwrap();
    let data = &project.data;
    assert_eq!(
        at(data, "r.elb"),
        json!({"2015": 100, "2016": 101, "2017": 102, "2018": 103, "2019": 104})
    );
    assert_eq!(
        at(data, "r.bg"),
        json!({"2017": 10, "2018": 20, "2019": 30})
    );
    assert_eq!(
        at(data, "r.lang"),
        json!({"2018": {"Januar": 1800, "Februar": 1801, "März": 1802}, "2019": {"Januar": 1900, "Februar": 1901, "März": 1902}})
    );
    assert_eq!(at(data, "r.februar"), json!({"2018": 1801, "2019": 1901}));
    assert_eq!(project.imported.of("r.februar.2019").unwrap().cell, "C6");
}

#[test]
fn special_values_are_their_own_kind_in_text_tables_charts_and_final_check() {
    let dir = with_report(
        "    s.x: { zeile: Rehabilitanden, spalte: September 2019 }\n\
         \x20   s.stern: { zeile: Asylbewerber, spalte: September 2019 }\n\
         \x20   s.strich: { zeile: Aufstocker, spalte: September 2019 }\n\
         \x20   s.minus: { zeile: Berufsrückkehrende, spalte: September 2019 }\n\
         \x20   s.punkt: { zeile: Sonstige, spalte: September 2019 }\n\
         \x20   s.zahl: { zeile: [Arbeitslose, Insgesamt], spalte: September 2019 }\n",
    );
    let root = dir.path();
    write(
        root,
        "content/01-zahlen.md",
        "# Zahlen\n\nRehabilitanden: {{ s.x | zahl }}; anonym: {{ s.stern | zahl }}; nichts: {{ s.strich | zahl }}; unbekannt: {{ s.punkt | prozent }}; Anteil: {{ anteil(teil=s.x, ganzes=s.zahl) | prozent }}.\n\n{{ tabelle(id=\"t\") }}\n\n{{ abbildung(id=\"a\") }}\n",
    );
    write(
        root,
        "data/tabellen.yaml",
        "t:\n  titel: Sonderwerte\n  kopf: Gruppe\n  zeilen:\n    - { titel: Gruppen, daten: s }\n  spalten:\n    - { titel: Rehabilitanden, feld: x }\n    - { titel: Anonym, feld: stern }\n    - { titel: Nichts, feld: minus }\n    - { titel: Unbekannt, feld: punkt }\n    - { titel: Anteil, anteil: { feld: x, basis: s.zahl } }\n",
    );
    write(
        root,
        "data/abbildungen.yaml",
        "a:\n  art: balken\n  titel: Gruppen\n  alt: Balken je Gruppe\n  reihen:\n    - name: Gruppen\n      werte: s\n",
    );
    let project = load(root).unwrap();
    for (path, special) in [
        ("s.x", Special::NotPossible),
        ("s.stern", Special::Anonymised),
        ("s.strich", Special::Nothing),
        ("s.minus", Special::Nothing),
        ("s.punkt", Special::Unknown),
    ] {
        let value = at(&project.data, path);
        assert_eq!(
            amip::data::special(&value),
            Some(special),
            "{path}: {value}"
        );
        assert_eq!(
            amip::data::number(&value, path).unwrap(),
            None,
            "never 0: {path}"
        );
    }
    let output = amip(root, &["build", "--html"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let page = fs::read_to_string(root.join("output/html/01-zahlen.html")).unwrap();
    assert!(
        page.contains("Rehabilitanden: X (Nachweis nicht möglich)"),
        "{page}"
    );
    assert!(page.contains("anonym: * (anonymisiert)"), "{page}");
    assert!(page.contains("nichts: – (nichts vorhanden)"), "{page}");
    assert!(
        page.contains("unbekannt: . (Zahlenwert unbekannt)"),
        "{page}"
    );
    assert!(
        page.contains("Anteil: X (Nachweis nicht möglich)"),
        "{page}"
    );
    // Table cells and the chart's data table show the signs.
    for sign in ["<td>X</td>", "<td>*</td>", "<td>–</td>", "<td>.</td>"] {
        assert!(page.matches(sign).count() >= 1, "{sign} in {page}");
    }
    assert!(!page.contains("<td>0</td>"), "{page}");
    // Signs are published facts: `--final` does not list them (only the draft status here).
    let output = amip(root, &["check", "--final"]);
    let report = String::from_utf8_lossy(&output.stderr).to_string()
        + &String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success());
    assert!(report.contains("Status „draft“"), "{report}");
    for path in ["s.x", "s.stern", "s.strich", "s.minus", "s.punkt"] {
        assert!(!report.contains(&format!("„{path}“")), "{path}: {report}");
    }
}

#[test]
fn text_where_a_number_is_expected_names_file_sheet_and_cell() {
    let dir = with_report("    a.x: { zeile: Text statt Zahl, spalte: September 2019 }\n");
    let err = load(dir.path()).unwrap_err();
    assert!(
        err.contains(
            "data/quellen/bericht.xlsx, Blatt „Eckwerte SGB II“, Zelle D15: „k. A.“ ist keine Zahl"
        ),
        "{err}"
    );
}

#[test]
fn a_value_typed_in_yaml_and_imported_is_an_error() {
    let dir = with_report("    a.gesamt: { zeile: [Arbeitslose, Insgesamt], spalte: D }\n");
    write(dir.path(), "data/a.yaml", "gesamt: 2116\n");
    let err = load(dir.path()).unwrap_err();
    assert!(
        err.contains("„a.gesamt“ steht schon in data/a.yaml"),
        "{err}"
    );
}

#[test]
fn inline_declaration_in_a_data_file_and_source_line_from_the_import() {
    let dir = project("{{ tabelle(id=\"t\") }}", "");
    let root = dir.path();
    report_workbook(&root.join("data/quellen/bericht.xlsx"));
    write(
        root,
        "data/statistik/jahre.yaml",
        "beispielwerte: true\nquelldatei:\n  datei: quellen/bericht.xlsx\n  quelle: Statistik der BA\n  stand: Dezember 2019\n  blatt: Jahre\n  werte:\n    elb: { zeile: ELB, spalten: jahre }\n",
    );
    write(
        root,
        "data/tabellen.yaml",
        "t:\n  titel: ELB\n  kopf: Reihe\n  zeilen:\n    - { titel: ELB, daten: statistik.jahre.elb }\n  spalten:\n    - { titel: \"2019\", feld: \"2019\" }\n",
    );
    let project = load(root).unwrap();
    assert_eq!(at(&project.data, "statistik.jahre.elb.2019"), json!(104));
    assert!(
        amip::data::lookup(&project.data, "statistik.jahre.quelldatei").is_err(),
        "the declaration is no data"
    );
    assert_eq!(
        project.tables["t"].quelle.as_deref(),
        Some("Statistik der BA, Stand: Dezember 2019")
    );
    let output = amip(root, &["build", "--html"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let page = fs::read_to_string(root.join("output/html/01-zahlen.html")).unwrap();
    assert!(
        page.contains("Statistik der BA, Stand: Dezember 2019"),
        "{page}"
    );
    assert!(page.contains("ELB (Beispielwerte)"), "{page}");
}

const CSV_HEAD: &str = "k:\n  datei: quellen/k.csv\n  filter: { Träger-Nr.: \"03504\" }\n";

#[test]
fn csv_the_german_way() {
    let rows = "Träger-Nr.;Träger;Kennzahl;Wert\r\n03324;Jobcenter Ludwigslust-Parchim;K2;27,9\r\n03504;\"Jobcenter Elbe-Elster; Herzberg\";K2;25,1\r\n03504;Jobcenter Elbe-Elster;ELB;5.485\r\n03504;Jobcenter Elbe-Elster;K3;X\r\n07502;Jobcenter Leipzig;ELB;40.123\r\n";
    // Windows-1252, declared and detected.
    for kodierung in ["  kodierung: windows-1252\n", ""] {
        let dir = project("", &format!("{CSV_HEAD}{kodierung}  werte:\n    k2: {{ zeile: K2, spalte: Wert }}\n    elb: {{ zeile: ELB, spalte: Wert }}\n    k3: {{ zeile: K3, spalte: Wert }}\n"));
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(rows);
        write(dir.path(), "data/quellen/k.csv", "");
        fs::write(dir.path().join("data/quellen/k.csv"), bytes.as_ref()).unwrap();
        let project = load(dir.path()).unwrap();
        assert_eq!(at(&project.data, "k2"), json!(25.1), "filtered to 03504");
        assert_eq!(at(&project.data, "elb"), json!(5485), "thousands point");
        assert_eq!(at(&project.data, "k3"), json!("X"));
        assert_eq!(
            project.imported.of("elb").unwrap().describe(),
            "data/quellen/k.csv, Zeile 4, Spalte „Wert“"
        );
    }
    // UTF-8 with BOM, `,` between fields, quoted decimal commas.
    let dir = project("", "k:\n  datei: quellen/k.csv\n  filter: { Träger-Nr.: \"03504\" }\n  werte:\n    k2: { zeile: K2, spalte: Wert }\n");
    fs::write(
        dir.path().join("data/quellen/k.csv"),
        "\u{feff}Träger-Nr.,Träger,Kennzahl,Wert\n03504,\"Elbe-Elster, Landkreis\",K2,\"25,1\"\n".as_bytes(),
    )
    .unwrap_or_else(|_| {
        fs::create_dir_all(dir.path().join("data/quellen")).unwrap();
        fs::write(
            dir.path().join("data/quellen/k.csv"),
            "\u{feff}Träger-Nr.,Träger,Kennzahl,Wert\n03504,\"Elbe-Elster, Landkreis\",K2,\"25,1\"\n".as_bytes(),
        )
        .unwrap();
    });
    let project = load(dir.path()).unwrap();
    assert_eq!(at(&project.data, "k2"), json!(25.1));
}

#[test]
fn csv_in_the_wrong_encoding_and_a_filter_without_rows_are_reported() {
    let dir = project(
        "",
        &format!("{CSV_HEAD}  kodierung: utf-8\n  werte:\n    k2: {{ zeile: K2, spalte: Wert }}\n"),
    );
    fs::create_dir_all(dir.path().join("data/quellen")).unwrap();
    fs::write(
        dir.path().join("data/quellen/k.csv"),
        b"Tr\xe4ger-Nr.;Kennzahl;Wert\n03504;K2;25,1\n",
    )
    .unwrap();
    let err = load(dir.path()).unwrap_err();
    assert!(
        err.contains("data/quellen/k.csv: die Datei ist nicht in UTF-8 kodiert")
            && err.contains("Zeile 1"),
        "{err}"
    );
    assert!(err.contains("kodierung: windows-1252"), "{err}");

    let dir = project("", "k:\n  datei: quellen/k.csv\n  filter: { Träger-Nr.: \"99999\" }\n  werte:\n    k2: { zeile: K2, spalte: Wert }\n");
    fs::create_dir_all(dir.path().join("data/quellen")).unwrap();
    fs::write(
        dir.path().join("data/quellen/k.csv"),
        "Träger-Nr.;Kennzahl;Wert\n03504;K2;25,1\n",
    )
    .unwrap();
    let err = load(dir.path()).unwrap_err();
    assert!(err.contains("Träger-Nr. = 99999"), "{err}");
}

/// Runs a build that must fail with `needle` in its message and leave output/ as it was.
fn refused(dir: &tempfile::TempDir, needle: &str) {
    let root = dir.path();
    write(root, "output/html/index.html", "vorher");
    let output = amip(root, &["build", "--html"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "no panic, exit code 1: {stderr}"
    );
    assert!(stderr.contains(needle), "{needle} in {stderr}");
    assert_eq!(
        fs::read_to_string(root.join("output/html/index.html")).unwrap(),
        "vorher"
    );
}

fn source(file: &str) -> tempfile::TempDir {
    project(
        "",
        &format!("b:\n  datei: quellen/{file}\n  werte:\n    a: {{ zelle: A1 }}\n"),
    )
}

#[test]
fn a_truncated_workbook_is_refused_with_a_message() {
    let dir = source("kaputt.xlsx");
    let full = tempfile::tempdir().unwrap();
    report_workbook(&full.path().join("x.xlsx"));
    let bytes = fs::read(full.path().join("x.xlsx")).unwrap();
    fs::create_dir_all(dir.path().join("data/quellen")).unwrap();
    fs::write(
        dir.path().join("data/quellen/kaputt.xlsx"),
        &bytes[..bytes.len() / 2],
    )
    .unwrap();
    refused(
        &dir,
        "Die Quelldatei data/quellen/kaputt.xlsx ist beschädigt oder unvollständig",
    );
}

#[test]
fn a_password_protected_workbook_is_refused_with_a_message() {
    // An encrypted OOXML workbook is an OLE compound file holding "EncryptedPackage".
    let dir = source("geschuetzt.xlsx");
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.resize(4096, 0);
    fs::create_dir_all(dir.path().join("data/quellen")).unwrap();
    fs::write(dir.path().join("data/quellen/geschuetzt.xlsx"), bytes).unwrap();
    refused(
        &dir,
        "data/quellen/geschuetzt.xlsx ist mit einem Kennwort geschützt",
    );
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_unpacked() {
    use std::io::Write;
    let dir = source("bombe.xlsx");
    fs::create_dir_all(dir.path().join("data/quellen")).unwrap();
    let file = fs::File::create(dir.path().join("data/quellen/bombe.xlsx")).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..300 {
        zip.write_all(&chunk).unwrap();
    }
    zip.finish().unwrap();
    assert!(
        fs::metadata(dir.path().join("data/quellen/bombe.xlsx"))
            .unwrap()
            .len()
            < 2 << 20
    );
    refused(&dir, "entpackt sich auf mehr als 200 MB");
}

#[test]
fn a_50_mb_workbook_is_refused_without_reading_it() {
    let dir = source("riesig.xlsx");
    fs::create_dir_all(dir.path().join("data/quellen")).unwrap();
    let file = fs::File::create(dir.path().join("data/quellen/riesig.xlsx")).unwrap();
    file.set_len(50 * 1024 * 1024).unwrap();
    refused(
        &dir,
        "data/quellen/riesig.xlsx ist 50 MB groß; amip liest höchstens 30 MB",
    );
}

#[test]
fn an_ambiguous_label_fails_the_build_and_keeps_output() {
    let dir = with_report("    a.gesamt: { zeile: Insgesamt, spalte: September 2019 }\n");
    refused(&dir, "steht in mehreren Zeilen");
}

#[test]
fn the_example_generator_is_reproducible_and_matches_the_committed_files() {
    let dir = tempfile::tempdir().unwrap();
    quellen::write_all(dir.path()).unwrap();
    for file in [
        quellen::AMR,
        quellen::ELB,
        quellen::COCKPIT,
        quellen::KENNZAHLEN,
        quellen::GENESIS,
    ] {
        let generated = fs::read(dir.path().join(file)).unwrap();
        let committed = fs::read(common::repo().join("data/quellen").join(file)).unwrap();
        assert!(
            generated == committed,
            "{file}: cargo run --example quellen_beispiel schreibt die Datei neu"
        );
    }
}

/// Changes one cell of the example's Arbeitsmarktreport: the PDF, the site and `amip diff`
/// follow.
#[test]
fn one_changed_cell_of_the_example_workbook_reaches_pdf_site_and_diff() {
    require_typst();
    let old = example_copy();
    let new = example_copy();
    let figures = quellen::AmrFigures {
        arbeitslose: 2217.0,
    };
    fs::write(
        new.path().join("data/quellen").join(quellen::AMR),
        quellen::amr_workbook(figures).unwrap(),
    )
    .unwrap();
    let output = amip(new.path(), &["build"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let page = fs::read_to_string(new.path().join("output/html/01-grundsicherung.html")).unwrap();
    assert!(page.contains("2.217 Menschen arbeitslos"), "site follows");
    assert!(!page.contains("2.116"), "old figure gone");
    let pdf = new
        .path()
        .join("output/arbeitsmarkt-und-integrationsprogramm-2020.pdf");
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout).replace('\n', " ");
    assert!(text.contains("2.217"), "PDF follows");

    let diff = amip(new.path(), &["diff", old.path().to_str().unwrap()]);
    let report = String::from_utf8_lossy(&diff.stdout);
    assert_eq!(diff.status.code(), Some(1), "{report}");
    assert!(
        report.contains("grundsicherung.arbeitslose.anzahl"),
        "{report}"
    );
    assert!(
        report.contains("2.116") && report.contains("2.217"),
        "{report}"
    );
    assert!(
        report.contains(
            "data/quellen/amr-12062-0-201909-xlsx.xlsx, Blatt „Eckwerte SGB II“, Zelle D9"
        ),
        "{report}"
    );
}
