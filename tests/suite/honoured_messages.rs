//! Issue 20, "what an author writes is honoured or refused": German messages at the right
//! line, warnings named once, CSV separators, the thousands trap, `diff` exit codes,
//! PDF link and numbering, references to chapters in subfolders.

use std::fs;
use std::path::Path;

use crate::common::{amip, describe, example_copy, fixture_copy};

fn write(project: &Path, rel: &str, text: &str) {
    let path = project.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// `text` with every run of whitespace as one space, for help texts miette wraps.
fn squashed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// stdout and stderr, with the lines miette wraps at 80 columns joined again.
fn all_output(output: &std::process::Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut joined = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("│ ").filter(|_| !joined.is_empty()) {
            joined.pop();
            if !joined.ends_with('-') {
                joined.push(' ');
            }
            joined.push_str(rest);
        } else {
            joined.push_str(line);
        }
        joined.push('\n');
    }
    joined
}

/// Item 19: a chapter in a subfolder is named by the path the author sees.
#[test]
fn chapter_in_subfolder_is_referred_to_by_its_path() {
    let project = fixture_copy("klein");
    let dir = project.path();
    write(
        dir,
        "content/04-zielgruppen/03-gefluechtete.md",
        "# Geflüchtete\n\nText.\n",
    );
    write(
        dir,
        "content/programm.md",
        "# Unser Programm\n\nSiehe {{ verweis(kapitel=\"04-zielgruppen/03-gefluechtete\") }}.\n",
    );
    let output = amip(dir, &["build", "--html"]);
    assert!(output.status.success(), "{}", describe(&output));
    let page = fs::read_to_string(dir.join("output/html/programm.html")).unwrap();
    assert!(
        page.contains("href=\"04-zielgruppen-03-gefluechtete.html\""),
        "{page}"
    );

    write(
        dir,
        "content/programm.md",
        "# Unser Programm\n\nSiehe {{ verweis(kapitel=\"04-zielgruppen/03-fluechtlinge\") }}.\n",
    );
    let output = amip(dir, &["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let text = all_output(&output);
    assert!(
        text.contains("verweis(kapitel=\"04-zielgruppen/03-fluechtlinge\"): ein Kapitel „04-zielgruppen/03-fluechtlinge“ gibt es nicht; nennen Sie den Pfad unter content/ ohne .md (vorhanden: 04-zielgruppen/03-gefluechtete, programm)"),
        "{text}"
    );
}

/// Item 15: `amip diff` ends with 2 for every kind of failure in a version, a failed
/// arithmetic check as much as a chart error, and says so in `--help`.
#[test]
fn diff_exits_two_for_every_kind_of_failure() {
    let old = example_copy();
    let old_path = old.path().to_str().unwrap();

    let arithmetic = example_copy();
    let budget = arithmetic.path().join("data/budget.yaml");
    let text = fs::read_to_string(&budget).unwrap();
    fs::write(
        &budget,
        text.replace("planjahr: 8581009", "planjahr: 8000000"),
    )
    .unwrap();
    let output = amip(arithmetic.path(), &["diff", old_path]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    let text = all_output(&output);
    assert!(
        text.contains("Die neue Fassung (Arbeitsordner) enthält Fehler:"),
        "{text}"
    );
    assert!(
        text.contains("Rechenprobe: „budget.gesamt.planjahr“ ist 15.634.076"),
        "{text}"
    );

    let chart = example_copy();
    let charts = chart.path().join("data/abbildungen.yaml");
    let text = fs::read_to_string(&charts).unwrap();
    fs::write(
        &charts,
        text.replacen("werte: elb.jdw", "werte: elb.gibt_es_nicht", 1),
    )
    .unwrap();
    let output = amip(chart.path(), &["diff", old_path]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));

    // The same failure in the old version: the same code.
    let output = amip(old.path(), &["diff", arithmetic.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(
        all_output(&output).contains("Die alte Fassung"),
        "{}",
        describe(&output)
    );

    let help = amip(old.path(), &["diff", "--help"]);
    assert_eq!(help.status.code(), Some(0), "{}", describe(&help));
    let help = all_output(&help);
    for line in [
        "  0  beide Fassungen sind gleich",
        "  1  die Fassungen unterscheiden sich",
        "  2  kein Vergleich möglich: eine Fassung fehlt, ist kein amip-Projekt oder enthält einen",
    ] {
        assert!(help.contains(line), "{help}");
    }
}

/// Item 11: a CSV file whose title line holds commas is still read with `;`, the separator
/// of its rows.
#[test]
fn csv_with_a_title_line_with_commas_is_read_by_its_rows() {
    let project = fixture_copy("klein");
    let dir = project.path();
    write(
        dir,
        "data/quellen/arbeitslose-bezirke.csv",
        "Arbeitslose nach Stadtbezirken, Dortmund, September 2026\n\nStadtbezirk;Arbeitslose;Quote\nInnenstadt-West;2.345;9,8\nInnenstadt-Nord;6.789;17,1\nEving;2.101;11,2\n",
    );
    write(
        dir,
        "data/quellen.yaml",
        "bezirke:\n  datei: quellen/arbeitslose-bezirke.csv\n  werte:\n    bezirke.nord: { zeile: Innenstadt-Nord, spalte: Arbeitslose }\n    bezirke.nord_quote: { zeile: Innenstadt-Nord, spalte: Quote }\n",
    );
    write(
        dir,
        "content/programm.md",
        "# Unser Programm\n\nIn der Innenstadt-Nord sind {{ bezirke.nord | zahl }} Menschen arbeitslos ({{ bezirke.nord_quote | prozent }}).\n",
    );
    let output = amip(dir, &["build", "--html"]);
    assert!(output.status.success(), "{}", describe(&output));
    let page = fs::read_to_string(dir.join("output/html/programm.html")).unwrap();
    assert!(
        page.contains("In der Innenstadt-Nord sind 6.789 Menschen arbeitslos (17,1\u{a0}Prozent)."),
        "{page}"
    );
}

/// Item 12: `planjahr: 618.125` (full-time equivalents) in a `dezimal1` column is the decimal
/// it reads as; the same value only ever shown rounded to an integer is still refused, with
/// advice for both readings.
#[test]
fn three_decimals_are_a_trap_only_where_every_use_rounds_them() {
    let project = fixture_copy("klein");
    let dir = project.path();
    write(
        dir,
        "data/personal.yaml",
        "stellen:\n  - { bereich: Leistung, vorjahr: 600.5, planjahr: 618.125 }\n",
    );
    let table = |format: &str| {
        format!("personal:\n  titel: \"Personal (Vollzeitäquivalente)\"\n  quelle: \"Personalplanung\"\n  zeilen: personal.stellen\n  spalten:\n    - {{ titel: \"Bereich\", feld: bereich, format: text }}\n    - {{ titel: \"Vorjahr\", feld: vorjahr, format: dezimal1 }}\n    - {{ titel: \"Planjahr\", feld: planjahr, format: {format} }}\n")
    };
    write(dir, "data/tabellen.yaml", &table("dezimal1"));
    write(
        dir,
        "content/programm.md",
        "# Unser Programm\n\n{{ tabelle(id=\"personal\") }}\n\nRund {{ personal.stellen[0].planjahr | zahl }} Stellen.\n",
    );
    let output = amip(dir, &["build", "--html"]);
    assert!(output.status.success(), "{}", describe(&output));
    let page = fs::read_to_string(dir.join("output/html/programm.html")).unwrap();
    assert!(page.contains("618,1"), "{page}");
    assert!(page.contains("Rund 618 Stellen."), "{page}");

    // Every use rounds it to an integer: the thousands trap, with advice for both readings.
    write(dir, "data/tabellen.yaml", &table("ganz"));
    let output = amip(dir, &["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let text = all_output(&output);
    for expected in [
        "„personal.stellen.0.planjahr: 618.125“ wird als Dezimalzahl 618,125 gelesen und erscheint",
        "Ist die ganze Zahl 618.125 gemeint, schreiben Sie 618125 (ohne Tausenderpunkt); ist die Dezimalzahl 618,125 gemeint, zeigen Sie ihre Nachkommastellen (in Tabellen und Abbildungen format: dezimal1 oder dezimal2, im Text zahl(stellen=3)).",
    ] {
        assert!(squashed(&text).contains(expected), "{expected}\n{text}");
    }

    // A chapter that shows the decimals is the author's choice as much as a column is.
    write(
        dir,
        "content/programm.md",
        "# Unser Programm\n\n{{ tabelle(id=\"personal\") }}\n\nGenau {{ personal.stellen[0].planjahr | zahl(stellen=3) }} Stellen.\n",
    );
    let output = amip(dir, &["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
}

/// Item 9: the site links „PDF herunterladen“ only when there is a PDF: not after `amip init`
/// and `build --html`; an earlier PDF that `build --html` keeps is linked.
#[test]
fn the_site_links_the_pdf_only_when_there_is_one() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("neu");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_amip"))
        .args(["init", dir.to_str().unwrap(), "--jahr", "2027"])
        .env("AMIP_NO_INSTALL", "1")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", describe(&output));
    let pages = |dir: &Path| {
        ["index.html", "gesamt.html"]
            .map(|page| fs::read_to_string(dir.join("output/html").join(page)).unwrap())
    };
    for page in pages(&dir) {
        assert!(!page.contains("herunterladen"), "{page}");
        assert!(!page.contains(".pdf"), "{page}");
    }
    let output = amip(&dir, &["build", "--html"]);
    assert!(output.status.success(), "{}", describe(&output));
    for page in pages(&dir) {
        assert!(!page.contains("PDF herunterladen"), "{page}");
    }

    // A PDF from an earlier build stays, and is linked.
    let pdf = "arbeitsmarkt-und-integrationsprogramm-2027.pdf";
    fs::write(dir.join("output").join(pdf), b"%PDF-1.7\n").unwrap();
    let output = amip(&dir, &["build", "--html"]);
    assert!(output.status.success(), "{}", describe(&output));
    assert!(dir.join("output/html").join(pdf).is_file());
    let [index, whole] = pages(&dir);
    assert!(
        index.contains(&format!(
            "<a href=\"{pdf}\" download>Programm als PDF herunterladen</a>"
        )),
        "{index}"
    );
    assert!(
        whole.contains(&format!("<a href=\"{pdf}\" download>PDF herunterladen</a>")),
        "{whole}"
    );
}

/// Item 9: tables are numbered in the order the PDF shows them. A short table that floats to
/// the next page no longer comes after a long one declared below it.
#[test]
fn pdf_shows_tables_in_the_order_of_their_numbers() {
    crate::common::require_typst();
    let project = fixture_copy("klein");
    let dir = project.path();
    let rows = |n: usize, name: &str| {
        (1..=n)
            .map(|i| format!("  - {{ name: \"{name} {i}\", wert: {i} }}\n"))
            .collect::<String>()
    };
    write(
        dir,
        "data/listen.yaml",
        &format!("kurz:\n{}lang:\n{}", rows(15, "Kurz"), rows(40, "Lang")),
    );
    let table = |id: &str, title: &str| {
        format!("{id}:\n  titel: \"{title}\"\n  quelle: \"Eigene Zählung\"\n  zeilen: listen.{id}\n  spalten:\n    - {{ titel: \"Name\", feld: name, format: text }}\n    - {{ titel: \"Wert\", feld: wert, format: ganz }}\n")
    };
    write(
        dir,
        "data/tabellen.yaml",
        &format!(
            "{}{}",
            table("kurz", "Kurze Liste"),
            table("lang", "Lange Liste")
        ),
    );
    let filler = "Das Jobcenter fördert die Integration in Arbeit mit vielen Maßnahmen und Angeboten für alle Menschen. ".repeat(32);
    write(
        dir,
        "content/programm.md",
        &format!("# Unser Programm\n\nVorweg.\n\n## Listen\n\n{filler}\n\n{filler}\n\nSiehe {{{{ verweis(id=\"kurz\") }}}} und {{{{ verweis(id=\"lang\") }}}}.\n\n{{{{ tabelle(id=\"kurz\") }}}}\n\n{{{{ tabelle(id=\"lang\") }}}}\n"),
    );
    let output = amip(dir, &["build"]);
    assert!(output.status.success(), "{}", describe(&output));
    let text = crate::common::pdf_text(&dir.join("output/arbeitsmarktprogramm-2026.pdf"));
    let first = text.find("Tabelle 1: Kurze Liste").expect(&text);
    let second = text.find("Tabelle 2: Lange Liste").expect(&text);
    assert!(first < second, "{text}");
}

/// Words of serde's, saphyr's and tera's English that must never reach an author.
const ENGLISH: [&str; 22] = [
    "variant", "untagged", "expected", "invalid", "unknown", "missing", "field", "string",
    "integer", "sequence", "map", "boolean", "scalar", "found", "did", "match", "enum", "struct",
    "float", "newtype", "tuple", "error",
];

/// The English words in `text`, compared word by word.
fn english_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|word| ENGLISH.contains(&word.as_str()))
        .collect()
}

/// Each key of a YAML line with the byte range of its value (empty when the value follows
/// on the next lines): block keys, list items and the entries of flow maps.
fn keys_of_line(line: &str) -> Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let bytes = line.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    let mut key_may_start = true;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(q) = quote {
            if b == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        match b {
            b'"' | b'\'' => {
                quote = Some(b);
                key_may_start = false;
            }
            b'#' if i == 0 || bytes[i - 1] == b' ' => break,
            b' ' | b'-' if key_may_start => {}
            b'{' | b',' => key_may_start = true,
            _ if key_may_start && (b.is_ascii_alphabetic() || b == b'_' || b >= 0x80) => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                let key = start..i;
                if line[i..].starts_with(": ") || i == bytes.len() - 1 && bytes[i] == b':' {
                    let mut value_start = i + 1;
                    while value_start < bytes.len() && bytes[value_start] == b' ' {
                        value_start += 1;
                    }
                    let mut end = value_start;
                    let mut q: Option<u8> = None;
                    let mut depth = 0i32;
                    while end < bytes.len() {
                        let c = bytes[end];
                        match (q, c) {
                            (Some(open), _) if c == open => q = None,
                            (Some(_), _) => {}
                            (None, b'"' | b'\'') => q = Some(c),
                            (None, b'[' | b'{') => depth += 1,
                            (None, b']' | b'}') if depth > 0 => depth -= 1,
                            (None, b',' | b'}') => break,
                            (None, b'#') if bytes[end - 1] == b' ' => break,
                            _ => {}
                        }
                        end += 1;
                    }
                    let value = value_start..line[..end].trim_end().len().max(value_start);
                    found.push((key, value.clone()));
                    i = value.end;
                }
                key_may_start = false;
                continue;
            }
            _ => key_may_start = false,
        }
        i += 1;
    }
    found
}

/// Item 16: every error path of the configuration files (an unknown key, a value of the
/// wrong type, an unknown value, at every key of every level, and a typo inside an inline
/// `quelldatei:`) is reported in German at the line of the key.
#[test]
fn every_configuration_error_is_german_and_at_its_line() {
    let project = example_copy();
    let dir = project.path();
    let mut svgs = amip::charts::SvgCache::default();
    let mut failures = Vec::new();
    let mut cases = 0;
    let mut seen: std::collections::HashMap<(&str, String, String), usize> =
        std::collections::HashMap::new();
    for file in [
        "data/programm.yaml",
        "data/tabellen.yaml",
        "data/abbildungen.yaml",
        "data/quellen.yaml",
        "data/pruefungen.yaml",
        "data/elb.yaml",
    ] {
        let original = fs::read_to_string(dir.join(file)).unwrap();
        let lines: Vec<&str> = original.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            for (key, value) in keys_of_line(line) {
                // Each key name once or twice per file and kind of mutation: the many rows
                // and charts of the same form take the same paths.
                let name = line[key.clone()].to_string();
                let mut fresh = |kind: &str| {
                    let count = seen
                        .entry((file, name.clone(), kind.to_string()))
                        .or_insert(0);
                    *count += 1;
                    *count <= 2
                };
                let mut mutations = Vec::new();
                if fresh("key") {
                    mutations.push(format!("{}x{}", &line[..key.end], &line[key.end..]));
                }
                let scalar = !value.is_empty()
                    && !line[value.clone()].starts_with(['{', '[', '&', '*', '|', '>']);
                let numeric = line[value.clone()].parse::<f64>().is_ok();
                for replacement in ["[1, 2]", "unbekannt", "-1"] {
                    if scalar && (replacement != "-1" || numeric) && fresh(replacement) {
                        mutations.push(format!(
                            "{}{replacement}{}",
                            &line[..value.start],
                            &line[value.end..]
                        ));
                    }
                }
                for mutated in mutations {
                    let mut text: Vec<&str> = lines.clone();
                    text[index] = &mutated;
                    fs::write(dir.join(file), text.join("\n") + "\n").unwrap();
                    cases += 1;
                    let findings = match amip::pipeline::document(
                        dir,
                        amip::pipeline::Checks::Draft,
                        &mut amip::pipeline::Timings::start(),
                        &mut svgs,
                    ) {
                        Ok(document) => document.warnings,
                        Err(findings) => findings,
                    };
                    let case = format!("{file}:{}: {mutated}", index + 1);
                    for finding in &findings.0 {
                        let text = format!(
                            "{} {}",
                            finding.message,
                            finding.help.as_deref().unwrap_or_default()
                        );
                        let english = english_words(&text);
                        if !english.is_empty() {
                            failures.push(format!("{case}\n    englisch {english:?}: {text}"));
                        }
                    }
                    let in_file: Vec<&amip::diagnostic::Finding> = findings
                        .0
                        .iter()
                        .filter(|f| {
                            f.severity == amip::diagnostic::Severity::Error
                                && f.file.as_deref() == Some(file)
                        })
                        .collect();
                    if !in_file.is_empty() && !in_file.iter().any(|f| f.line == Some(index + 1)) {
                        let places: Vec<String> = in_file
                            .iter()
                            .map(|f| format!("Zeile {:?}: {}", f.line, f.message))
                            .collect();
                        failures.push(format!("{case}\n    falsche Zeile: {places:?}"));
                    }
                }
            }
        }
        fs::write(dir.join(file), &original).unwrap();
    }
    assert!(cases > 200, "nur {cases} Fälle");
    assert!(
        failures.is_empty(),
        "{} von {cases} Fällen:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Replaces `from` by `to` once in `rel` of `project`.
fn edit(project: &Path, rel: &str, from: &str, to: &str) {
    let path = project.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel}: {from}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// `amip check` on `project` fails, and its output names every `(place, message)`.
fn refused_with(project: &Path, expected: &[(&str, &str)]) {
    let output = amip(project, &["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let text = all_output(&output);
    for (place, message) in expected {
        assert!(text.contains(&format!("[{place}]")), "{place}\n{text}");
        assert!(squashed(&text).contains(message), "{message}\n{text}");
    }
    assert!(english_words(&text).is_empty(), "{text}");
}

/// Item 16: the quoted typos, each in German at its own line with what is allowed.
#[test]
fn typos_in_declarations_are_named_in_german_at_their_line() {
    // Inside an inline `quelldatei:` block.
    let project = example_copy();
    let dir = project.path();
    edit(
        dir,
        "data/elb.yaml",
        "monat: Jahresdurchschnitt",
        "mont: Jahresdurchschnitt",
    );
    refused_with(dir, &[(
        "data/elb.yaml:23:9",
        "Fehler in data/elb.yaml: unbekannter Schlüssel „mont“; erlaubt sind blatt, zelle, zeile, spalte, zeilen, spalten, zeitreihe, jahr, monat, unvollstaendig, stellen, beschriftung",
    )]);
    let project = example_copy();
    let dir = project.path();
    edit(
        dir,
        "data/elb.yaml",
        "    beispielwerte: true",
        "    beispielwerte: ja",
    );
    refused_with(dir, &[(
        "data/elb.yaml:18:20",
        "Fehler in data/elb.yaml: beispielwerte: hier wird true oder false erwartet (ja, nein, an oder aus kennt YAML nicht)",
    )]);

    // In tabellen.yaml: a level below 0, at its row; a wrong format with the allowed ones.
    let project = example_copy();
    let dir = project.path();
    let row = "daten: elb.integrationsprognose.fehlende_werte, ebene: 1";
    edit(
        dir,
        "data/tabellen.yaml",
        row,
        &row.replace("ebene: 1", "ebene: -1"),
    );
    refused_with(
        dir,
        &[(
            "data/tabellen.yaml:16:98",
            "Fehler in data/tabellen.yaml: ebene: hier wird eine ganze Zahl von 0 bis 255 erwartet",
        )],
    );
    let project = example_copy();
    let dir = project.path();
    edit(
        dir,
        "data/tabellen.yaml",
        "feld: gesamt, format: ganz",
        "feld: gesamt, format: [ganz]",
    );
    refused_with(dir, &[(
        "data/tabellen.yaml:18:48",
        "Fehler in data/tabellen.yaml: format: hier wird eines der erlaubten Wörter erwartet, keine Liste (erlaubt: ganz, dezimal1, dezimal2, prozent, euro, text)",
    )]);

    // A bad row path: at the row, not at the table.
    let project = example_copy();
    let dir = project.path();
    edit(
        dir,
        "data/tabellen.yaml",
        row,
        &row.replace("fehlende_werte", "fehlende_wert"),
    );
    refused_with(dir, &[(
        "data/tabellen.yaml:16:43",
        "Tabelle „integrationsprognose“: Der Datenpfad „elb.integrationsprognose.fehlende_wert“ existiert nicht",
    )]);

    // A tag tera does not know, in a chapter.
    let project = example_copy();
    let dir = project.path();
    edit(
        dir,
        "content/04-ressourcen.md",
        "## Eingliederungsleistungen",
        "{% macro x() %}{% endmacro %}\n\n## Eingliederungsleistungen",
    );
    refused_with(dir, &[(
        "content/04-ressourcen.md:15:4",
        "Vorlagenfehler in content/04-ressourcen.md: Diesen Befehl in {% … %} gibt es nicht.",
    ), (
        "content/04-ressourcen.md:15:4",
        "Makros ({% macro %}) gibt es nicht.",
    )]);
}

/// Item 18: warnings name file:line once; no doubled prefix; the percentage warning names
/// its chapter; summaries count in the singular where there is one.
#[test]
fn warnings_name_their_place_once_and_counts_agree() {
    let project = fixture_copy("klein");
    let dir = project.path();
    write(dir, "data/zahlen.yaml", "integrationen: 312\nquote: 0.217\nreihe: { \"2024\": 1, \"2025\": 2 }\nliste:\n  - { name: A, wert: 1 }\n");
    write(
        dir,
        "data/tabellen.yaml",
        "liste:\n  titel: \"Liste\"\n  quelle: \"Eigene Zählung\"\n  zeilen: zahlen.liste\n  spalten:\n    - { titel: \"Name\", feld: name, format: text }\n",
    );
    write(
        dir,
        "data/abbildungen.yaml",
        "reihe:\n  art: balken\n  titel: \"Reihe\"\n  quelle: \"Eigene Zählung\"\n  alt: \"Zwei Balken.\"\n  reihen:\n    - { name: Werte, werte: zahlen.reihe }\n",
    );
    write(
        dir,
        "content/programm.md",
        "# Unser Programm\n\nEine Quote von {{ zahlen.quote | prozent }}, siehe {{ verweis(id=\"reihe\") }}.\n\n{{ abbildung(id=\"reihe\") }}\n\n{{ tabelle(id=\"liste\") }}\n",
    );
    let output = amip(dir, &["build", "--html"]);
    assert!(output.status.success(), "{}", describe(&output));
    let text = all_output(&output);
    // The unreferenced table: at its call, the file named once.
    assert!(text.contains("[content/programm.md:7:12]"), "{text}");
    assert!(
        text.contains("⚠ Die Tabelle „liste“ wird im Text nicht genannt"),
        "{text}"
    );
    assert!(!text.contains("content/programm.md: "), "{text}");
    // The fraction given to prozent: in its chapter.
    assert!(
        text.contains("„zahlen.quote: 0.217“ erscheint in content/programm.md mit prozent als „0,2\u{a0}Prozent“."),
        "{text}"
    );
    assert!(
        text.contains("0 Fehler und 2 Warnungen gefunden."),
        "{text}"
    );
    assert!(
        text.contains("Fertig: 3 Seiten, 1 Abbildung, 1 Tabelle in output/html/"),
        "{text}"
    );

    // A chart error is named once, not „Abbildung „reihe“: Abbildung „reihe“: …“.
    write(
        dir,
        "data/abbildungen.yaml",
        "reihe:\n  art: linie\n  ausrichtung: waagerecht\n  titel: \"Reihe\"\n  quelle: \"Eigene Zählung\"\n  alt: \"Eine Linie.\"\n  reihen:\n    - { name: Werte, werte: zahlen.reihe }\n",
    );
    let output = amip(dir, &["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let text = all_output(&output);
    assert!(
        text.contains("× Abbildung „reihe“: „ausrichtung: waagerecht“ gilt nur für „art: balken“"),
        "{text}"
    );
    assert!(!text.contains("Abbildung „reihe“: Abbildung"), "{text}");
    assert!(text.contains("1 Fehler und 1 Warnung gefunden."), "{text}");
}
