//! Official statistics as they are really published: the four real files in
//! `../shared/ba-real/files/` (third-party publications, read in place and never copied into
//! the repository) read through the declarations an author writes, with values asserted at
//! known places — keys with leading zeros, each file's signs, GENESIS headers and footers.
//! Where the folder is missing (a user's clone) each test says so and is skipped; under
//! `CI=true` a missing folder fails, since CI always has it.

use serde_json::json;

use crate::common::real_dir;

/// A project whose `data/quellen.yaml` is `declaration`, with the real file `name` copied into
/// its temporary `data/quellen/` (never into the repository).
fn setup(dir: &std::path::Path, name: &str, declaration: &str) -> tempfile::TempDir {
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    std::fs::create_dir_all(root.join("data/quellen")).unwrap();
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(
        root.join("data/programm.yaml"),
        "jobcenter: Jobcenter Test\ntitel: Programm\njahr: 2020\nstatus: draft\n",
    )
    .unwrap();
    std::fs::write(root.join("content/01-zahlen.md"), "# Zahlen\n\nText\n").unwrap();
    std::fs::copy(dir.join(name), root.join("data/quellen").join(name)).unwrap();
    std::fs::write(root.join("data/quellen.yaml"), declaration).unwrap();
    project
}

fn load(project: &tempfile::TempDir) -> amip::model::Project {
    amip::load::load(project.path()).unwrap_or_else(|findings| {
        panic!(
            "{}",
            findings
                .0
                .iter()
                .map(|f| f.message.clone())
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

/// The messages of a declaration that must fail.
fn refused(project: &tempfile::TempDir) -> String {
    match amip::load::load(project.path()) {
        Ok(_) => panic!("accepted"),
        Err(findings) => findings
            .0
            .iter()
            .map(|f| format!("{} {}", f.message, f.help.clone().unwrap_or_default()))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn cell(project: &amip::model::Project, path: &str) -> String {
    project.imported.of(path).unwrap().cell.clone()
}

#[test]
fn genesis_unemployment_by_year_and_region_key() {
    let Some(dir) = real_dir() else { return };
    let name = "13211-02-05-4.csv";
    let declaration = format!(
        r#"alo:
  datei: quellen/{name}
  quelle: Regionaldatenbank Deutschland, Tabelle 13211-02-05-4
  werte:
    alo.lup: {{ zeile: {{ A: "2020", B: "13076" }}, spalte: Arbeitslose }}
    alo.flensburg: {{ zeile: {{ 1: "2020", 2: "01001" }}, spalte: D }}
    alo.flensburg_langzeit: {{ zeile: {{ A: "2020", B: "01001" }}, spalte: [Arbeitslose, langzeitarbeitslos] }}
    alo.flensburg_feld10: {{ zeile: {{ A: "2020", B: "01001" }}, spalte: "Arbeitslose langzeitarbeitslos Anzahl" }}
    alo.flensburg_quote: {{ zeile: {{ A: "2020", B: "01001" }}, spalte: 11 }}
    alo.lup_frauen: {{ zeile: {{ A: "2020", B: "13076" }}, spalte: ["Arbeitslosenquote bez. auf alle zivile Erwerbsp.", Frauen] }}
    alo.hannover: {{ zeile: {{ A: "2019", B: "03241001" }}, spalte: Arbeitslose }}
    alo.hannover_abh: {{ zeile: {{ A: "2020", B: "03241001" }}, spalte: "Arbeitslosenquote bez. abh. zivile Erwerbspers." }}
    alo.kyffhaeuser: {{ zeile: {{ A: "2020", B: "16065" }}, spalte: ["Arbeitslosenquote bez. auf alle zivile Erwerbsp.", Ausländer] }}
    alo.goettingen_2020: {{ zeile: {{ A: "2020", B: "03152" }}, spalte: Arbeitslose }}
    alo.goettingen_2015: {{ zeile: {{ A: "2015", B: "03152" }}, spalte: Arbeitslose }}
reihe:
  datei: quellen/{name}
  filter: {{ B: "13076" }}
  werte:
    reihe.lup: {{ zeilen: jahre, jahr: A, spalte: Arbeitslose }}
"#
    );
    let project = load(&setup(&dir, name, &declaration));
    let alo = &project.data["alo"];
    assert_eq!(alo["lup"], json!(6834));
    assert_eq!(alo["flensburg"], json!(4722));
    assert_eq!(alo["flensburg_langzeit"], json!(1419));
    assert_eq!(alo["flensburg_feld10"], json!(1419));
    assert_eq!(alo["flensburg_quote"], json!(9.9));
    assert_eq!(alo["lup_frauen"], json!(5.6));
    assert_eq!(alo["hannover"], json!(23396));
    // The GENESIS signs: `.` unknown or secret, `x` blocked, `-` nothing (a dissolved Kreis).
    assert_eq!(alo["hannover_abh"], json!("."));
    assert_eq!(alo["kyffhaeuser"], json!("X"));
    assert_eq!(alo["goettingen_2020"], json!("–"));
    assert_eq!(alo["goettingen_2015"], json!(7896));
    // A series from the long table, in year order although the file starts with 2020.
    let series = &project.data["reihe"]["lup"];
    assert_eq!(
        series,
        &json!({"2015": 8565, "2016": 7679, "2017": 6902, "2018": 6571, "2019": 6015, "2020": 6834})
    );
    let years: Vec<&String> = series.as_object().unwrap().keys().collect();
    assert_eq!(years, ["2015", "2016", "2017", "2018", "2019", "2020"]);
    // Cells are named by the file's line and field, with the joined header lines.
    assert_eq!(
        cell(&project, "alo.lup"),
        "Zeile 431, Feld 4 („Arbeitslose Anzahl“)"
    );
    assert_eq!(
        cell(&project, "reihe.lup.2015"),
        "Zeile 3121, Feld 4 („Arbeitslose Anzahl“)"
    );
    // `Stand:` of the export is the source's date when none is declared.
    let info = project.imported.sources.get("alo").unwrap();
    assert_eq!(info.stand.as_deref(), Some("17.08.2021"));
    assert_eq!(
        info.line().as_deref(),
        Some("Regionaldatenbank Deutschland, Tabelle 13211-02-05-4, Stand: 17.08.2021")
    );
}

#[test]
fn genesis_keys_are_compared_as_text_and_ambiguity_names_the_rows() {
    let Some(dir) = real_dir() else { return };
    let name = "13211-02-05-4.csv";
    let one = |werte: &str| {
        refused(&setup(
            &dir,
            name,
            &format!("alo:\n  datei: quellen/{name}\n  werte:\n    x: {werte}\n"),
        ))
    };
    // `1001` is not `01001`; the message offers the key as written in the file.
    let err = one(r#"{ zeile: { A: "2020", B: "1001" }, spalte: Arbeitslose }"#);
    assert!(err.contains("„01001“"), "{err}");
    // One name labels six rows, one per year: each is named by its line.
    let err = one(r#"{ zeile: "Landkreis Ludwigslust-Parchim", spalte: Arbeitslose }"#);
    for line in ["Zeile 431,", "Zeile 969,", "Zeile 3121,"] {
        assert!(err.contains(line), "{line}: {err}");
    }
    // The footnotes after `__________` are no data: no year 2021, and the region's rows of
    // two keys that hold different rows are refused with the rows that almost match.
    let err = one(r#"{ zeile: { A: "2021", B: "13076" }, spalte: Arbeitslose }"#);
    assert!(err.contains("2020"), "{err}");
    // A filter by field numbers keeps the region's rows only: the name is found once.
    let filtered = |filter: &str, werte: &str| {
        setup(
            &dir,
            name,
            &format!(
                "alo:\n  datei: quellen/{name}\n  filter: {filter}\n  werte:\n    x: {werte}\n"
            ),
        )
    };
    let project = load(&filtered(
        r#"{ "1": "2020", "2": "13076" }"#,
        r#"{ zeile: "Landkreis Ludwigslust-Parchim", spalte: Arbeitslose }"#,
    ));
    assert_eq!(project.data["x"], json!(6834));
    let err = refused(&filtered(
        r#"{ B: "13076" }"#,
        r#"{ zeile: "Flensburg, kreisfreie Stadt", spalte: Arbeitslose }"#,
    ));
    assert!(err.contains("keine Zeile mit der Beschriftung"), "{err}");
}

#[test]
fn genesis_employees_by_sector_with_a_four_line_header() {
    let Some(dir) = real_dir() else { return };
    let name = "13111-07-05-4_2020.csv";
    let declaration = format!(
        r#"b:
  datei: quellen/{name}
  werte:
    b.lup: {{ zeile: {{ A: "13076", C: Insgesamt }}, spalte: [Nationalität, Insgesamt, Insgesamt] }}
    b.lup_frauen: {{ zeile: {{ A: "13076", C: Insgesamt }}, spalte: [Nationalität, Insgesamt, weiblich] }}
    b.lup_a: {{ zeile: {{ A: "13076", C: "Land- und Forstwirtschaft, Fischerei (A)" }}, spalte: D }}
    b.lup_k_auslaender_m: {{ zeile: {{ A: "13076", C: "Erbringung von Finanz- und Vers.leistungen (K)" }}, spalte: ["Ausländer(innen)", männlich] }}
    b.flensburg: {{ zeile: {{ A: "01001", C: Insgesamt }}, spalte: 4 }}
    b.flensburg_auslaender_w: {{ zeile: {{ A: "01001", C: Insgesamt }}, spalte: ["Ausländer(innen)", weiblich] }}
    b.flensburg_bau: {{ zeile: {{ A: "01001", C: "Baugewerbe (F)" }}, spalte: D }}
    b.hannover: {{ zeile: {{ A: "03241001", C: Insgesamt }}, spalte: "Nationalität Insgesamt Geschlecht Insgesamt" }}
    b.hannover_it_m: {{ zeile: {{ A: "03241001", C: "Information und Kommunikation (J)" }}, spalte: [Nationalität, Insgesamt, männlich] }}
    b.deutschland_a: {{ zeile: {{ A: DG, C: "Land- und Forstwirtschaft, Fischerei (A)" }}, spalte: D }}
"#
    );
    let project = load(&setup(&dir, name, &declaration));
    let b = &project.data["b"];
    assert_eq!(b["lup"], json!(64869));
    assert_eq!(b["lup_frauen"], json!(31181));
    assert_eq!(b["lup_a"], json!(3792));
    assert_eq!(b["lup_k_auslaender_m"], json!("–"));
    assert_eq!(b["flensburg"], json!(43981));
    assert_eq!(b["flensburg_auslaender_w"], json!(1355));
    assert_eq!(b["flensburg_bau"], json!("."));
    assert_eq!(b["hannover"], json!(328211));
    assert_eq!(b["hannover_it_m"], json!(12815));
    assert_eq!(b["deutschland_a"], json!(253548));
    assert_eq!(
        cell(&project, "b.lup"),
        "Zeile 5933, Feld 4 („Nationalität Insgesamt Geschlecht Insgesamt“)"
    );
    let info = project.imported.sources.get("b").unwrap();
    assert_eq!(info.stand.as_deref(), Some("17.08.2021"));
    // `Insgesamt` alone heads two columns of the last header line: both are named.
    let err = refused(&project_with(
        &dir,
        name,
        r#"{ zeile: { A: "13076", C: Insgesamt }, spalte: Insgesamt }"#,
    ));
    assert!(err.contains("Feld 4") && err.contains("Feld 7"), "{err}");
}

fn project_with(dir: &std::path::Path, name: &str, value: &str) -> tempfile::TempDir {
    setup(
        dir,
        name,
        &format!("q:\n  datei: quellen/{name}\n  werte:\n    x: {value}\n"),
    )
}

#[test]
fn landesdatenbank_xls_months_by_merged_headers_and_years_as_text() {
    let Some(dir) = real_dir() else { return };
    let name = "13211-03ir.xls";
    let declaration = format!(
        r#"koeln:
  datei: quellen/{name}
  werte:
    koeln.jan_2014: {{ zeile: "2014", spalte: ["Januar (31.)", Insgesamt] }}
    koeln.jan_2014_m: {{ zeile: "2014", spalte: ["Januar (31.)", männlich] }}
    koeln.feb_2013_w: {{ zeile: "2013", spalte: ["Februar (28. bzw. 29.)", weiblich] }}
    koeln.jan_2000: {{ zeile: {{ A: "2000" }}, spalte: B }}
    koeln.jan_2005: {{ zeile: 2005, spalte: 2 }}
    koeln.dez_2014: {{ zeile: "2014", spalte: ["Dezember (31.)", Insgesamt] }}
    koeln.jul_2014: {{ zelle: T10 }}
    koeln.jan: {{ zeilen: jahre, spalte: ["Januar (31.)", Insgesamt] }}
"#
    );
    let project = load(&setup(&dir, name, &declaration));
    let k = &project.data["koeln"];
    assert_eq!(k["jan_2014"], json!(54197));
    assert_eq!(k["jan_2014_m"], json!(29674));
    assert_eq!(k["feb_2013_w"], json!(23698));
    assert_eq!(k["jan_2000"], json!(56175));
    assert_eq!(k["jan_2005"], json!(62051));
    // `...`: not yet published (GENESIS), a sign of its own, never 0.
    assert_eq!(k["dez_2014"], json!("..."));
    assert_eq!(k["jul_2014"], json!("..."));
    let jan = k["jan"].as_object().unwrap();
    assert_eq!(jan.len(), 15);
    assert_eq!(jan.keys().next().map(String::as_str), Some("2000"));
    assert_eq!(jan["2000"], json!(56175));
    assert_eq!(jan["2008"], json!(57773));
    assert_eq!(jan["2014"], json!(54197));
    assert_eq!(cell(&project, "koeln.jan_2014"), "B10");
    assert_eq!(cell(&project, "koeln.dez_2014"), "AI10");
}

#[test]
fn ba_xlsb_booklet_labels_found_in_columns_c_and_d() {
    let Some(dir) = real_dir() else { return };
    let name = "krpend_02_0.xlsb";
    let declaration = format!(
        r#"p:
  datei: quellen/{name}
  blatt: Auspendler Kreise
  werte:
    p.pinneberg: {{ zeile: Pinneberg, spalte: Insgesamt }}
    p.pinneberg_frauen: {{ zeile: Pinneberg, spalte: Frauen }}
    p.flensburg: {{ zeile: {{ C: "01001" }}, spalte: Insgesamt }}
    p.kiel: {{ zeile: "01002", spalte: E }}
    p.kiel_5: {{ zeile: "01002", spalte: 5 }}
    p.ilm: {{ zeile: Ilm-Kreis, spalte: Männer }}
    p.salzland_deutsche: {{ zeile: Salzlandkreis, spalte: Deutsche }}
    p.segeberg_auslaender: {{ zeile: Segeberg, spalte: "Ausländer + Sonstige" }}
    p.insgesamt: {{ zeile: Auspendler insgesamt, spalte: Insgesamt }}
    p.bund_azubis: {{ zeile: {{ C: ZZ }}, spalte: Auszubildende }}
    p.ein_pinneberg: {{ blatt: Einpendler Kreise, zeile: Pinneberg, spalte: Insgesamt }}
    p.ein_stormarn: {{ blatt: Einpendler Kreise, zeile: {{ C: "01062" }}, spalte: Männer }}
"#
    );
    let project = load(&setup(&dir, name, &declaration));
    let p = &project.data["p"];
    assert_eq!(p["pinneberg"], json!(14691));
    assert_eq!(p["pinneberg_frauen"], json!(5749));
    assert_eq!(p["flensburg"], json!(272));
    assert_eq!(p["kiel"], json!(1939));
    // The booklet numbers its columns 1–6 in row 8: „5“ is that header (column I), not E.
    assert_eq!(p["kiel_5"], json!(242));
    // `*`: anonymised.
    assert_eq!(p["ilm"], json!("*"));
    assert_eq!(p["salzland_deutsche"], json!("*"));
    assert_eq!(p["segeberg_auslaender"], json!(2089));
    assert_eq!(p["insgesamt"], json!(132332));
    assert_eq!(p["bund_azubis"], json!(3390));
    assert_eq!(p["ein_pinneberg"], json!(51725));
    assert_eq!(p["ein_stormarn"], json!(21467));
    assert_eq!(cell(&project, "p.pinneberg"), "E18");
    assert_eq!(cell(&project, "p.flensburg"), "E10");
    // „Sachsen-Anhalt“ labels the Land's sum twice: both cells are named.
    let err = refused(&setup(
        &dir,
        name,
        &format!("p:\n  datei: quellen/{name}\n  blatt: Auspendler Kreise\n  werte:\n    x: {{ zeile: Sachsen-Anhalt, spalte: Insgesamt }}\n"),
    ));
    assert!(err.contains("D399") && err.contains("D400"), "{err}");
}

#[test]
fn amip_quellen_zeigen_shows_sheets_labels_and_headers_with_their_cells() {
    let Some(dir) = real_dir() else { return };
    let project = setup(&dir, "krpend_02_0.xlsb", "");
    for name in ["13211-02-05-4.csv", "13211-03ir.xls"] {
        std::fs::copy(
            dir.join(name),
            project.path().join("data/quellen").join(name),
        )
        .unwrap();
    }
    let show = |args: &[&str]| {
        let mut all = vec!["quellen", "zeigen"];
        all.extend_from_slice(args);
        let output = crate::common::amip(project.path(), &all);
        assert!(
            output.status.success(),
            "{}",
            crate::common::describe(&output)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let booklet = show(&[
        "data/quellen/krpend_02_0.xlsb",
        "--blatt",
        "Auspendler Kreise",
        "--suche",
        "Pinneberg",
    ]);
    assert!(booklet.contains("3. „Auspendler Kreise“"), "{booklet}");
    assert!(
        booklet.contains("Beschriftungen in A, B, C, D"),
        "{booklet}"
    );
    assert!(
        booklet.contains("7 │ A „Wohnort“ · C „Arbeitsort“ · E „Insgesamt“ · F „Männer“"),
        "{booklet}"
    );
    assert!(
        booklet.contains("18 │ C „01056“ · D „Pinneberg“ · E–J: 6 Zahlen"),
        "{booklet}"
    );
    assert!(!booklet.contains("Segeberg"), "{booklet}");
    let genesis = show(&["data/quellen/13211-02-05-4.csv", "--suche", "13076"]);
    assert!(genesis.contains("GENESIS-Export"), "{genesis}");
    assert!(genesis.contains("Stand: 17.08.2021"), "{genesis}");
    assert!(
        genesis.contains("Feld 10 „langzeitarbeitslos“"),
        "{genesis}"
    );
    assert!(
        genesis.contains(
            "431 │ Feld 1 „2020“ · Feld 2 „13076“ · Feld 3 „Landkreis Ludwigslust-Parchim“ · Feld 4–Feld 16: 13 Zahlen"
        ),
        "{genesis}"
    );
    assert!(!genesis.contains("Flensburg"), "{genesis}");
    let xls = show(&["data/quellen/13211-03ir.xls"]);
    assert!(xls.contains("1. „Temporär“"), "{xls}");
    assert!(xls.contains("7 │ B „Januar (31.)“ · E „Februar"), "{xls}");
    assert!(xls.contains("10 │ A „2014“ · B–AK: 36 Zahlen"), "{xls}");
    // A missing file is named, with exit code 1.
    let output = crate::common::amip(project.path(), &["quellen", "zeigen", "data/quellen/x.xls"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("data/quellen/x.xls"));
}

#[test]
fn amip_quellen_lists_every_value_with_its_cell_and_raw_text() {
    let Some(dir) = real_dir() else { return };
    let name = "krpend_02_0.xlsb";
    let project = setup(
        &dir,
        name,
        &format!("p:\n  datei: quellen/{name}\n  blatt: Auspendler Kreise\n  werte:\n    p.pinneberg: {{ zeile: Pinneberg, spalte: Insgesamt }}\n    p.ilm: {{ zeile: Ilm-Kreis, spalte: Männer }}\n"),
    );
    let output = crate::common::amip(project.path(), &["quellen"]);
    assert!(
        output.status.success(),
        "{}",
        crate::common::describe(&output)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        text,
        "p.pinneberg = 14691\n    data/quellen/krpend_02_0.xlsb, Blatt „Auspendler Kreise“, Zelle E18 · „14691“\n\
         p.ilm = „*“\n    data/quellen/krpend_02_0.xlsb, Blatt „Auspendler Kreise“, Zelle F407 · „*“\n"
    );
}
