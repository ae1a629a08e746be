//! Issue 10, items 6–8: what `amip check` accepts, `amip build` builds (site and PDF); every
//! Markdown problem is named with file:line:column, all in one run; nothing in content/ is
//! silently ignored. The inputs are the ones quoted in the issue.

use std::fs;
use std::path::Path;
use std::process::Output;

use crate::common::{amip, describe, fixture_copy, pdf_text, require_typst};

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write(project: &Path, rel: &str, text: &str) {
    let path = project.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// `check` and `build` both fail, with every expected text; neither leaves output behind.
fn check_and_build_fail(project: &Path, expected: &[&str]) -> String {
    let check = amip(project, &["check"]);
    let build = amip(project, &["build"]);
    let (check_text, build_text) = (stderr(&check), stderr(&build));
    assert_eq!(check.status.code(), Some(1), "{}", describe(&check));
    assert_eq!(build.status.code(), Some(1), "{}", describe(&build));
    for part in expected {
        assert!(
            check_text.contains(part),
            "check: „{part}“ in:\n{check_text}"
        );
        assert!(
            build_text.contains(part),
            "build: „{part}“ in:\n{build_text}"
        );
    }
    for text in [&check_text, &build_text] {
        assert!(!text.contains("main.typ:"), "no generated line: {text}");
        assert!(!text.contains("panicked"), "{text}");
    }
    assert!(!project.join("output").exists());
    check_text
}

/// `check` passes, and `build` then builds the site and the PDF.
fn check_and_build_pass(project: &Path) -> String {
    let check = amip(project, &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", describe(&check));
    let build = amip(project, &["build"]);
    assert!(build.status.success(), "{}", describe(&build));
    assert!(project
        .join("output/arbeitsmarktprogramm-2026.pdf")
        .is_file());
    assert!(project.join("output/html/index.html").is_file());
    stderr(&check)
}

#[test]
fn check_runs_typst_and_leaves_nothing_behind() {
    require_typst();
    let project = fixture_copy("klein");
    // A project template whose Typst is broken passes every other check: only typst finds it.
    write(
        project.path(),
        "templates/typst/main.typ",
        "#set document(title: \"x\")\n#gibt-es-nicht()\n{% for k in kapitel %}{{ k }}{% endfor %}\n",
    );
    let text = check_and_build_fail(
        project.path(),
        &["Der PDF-Satz mit typst ist fehlgeschlagen"],
    );
    assert!(text.contains("templates/typst/main.typ"), "{text}");
    assert!(
        !project.path().join(".amip-tmp").exists(),
        "check writes nothing"
    );
    fs::remove_dir_all(project.path().join("templates")).unwrap();
    check_and_build_pass(project.path());
}

#[test]
fn a_link_to_a_heading_works_in_site_and_pdf() {
    require_typst();
    let project = fixture_copy("klein");
    write(
        project.path(),
        "content/programm.md",
        "# Kurz gefasst\n\nText.\n\n## Mehr\n\nZurück [oben](#kurz-gefasst).\n",
    );
    check_and_build_pass(project.path());
    let typst = fs::read_to_string(project.path().join("output/typst/main.typ")).unwrap();
    assert!(typst.contains("= 1 Kurz gefasst <kurz-gefasst>"), "{typst}");
    assert!(typst.contains("#link(<kurz-gefasst>)[oben]"), "{typst}");
    // The link is a real link in the PDF: a /Link annotation with a destination.
    let pdf = fs::read(project.path().join("output/arbeitsmarktprogramm-2026.pdf")).unwrap();
    let raw = String::from_utf8_lossy(&pdf);
    assert!(raw.contains("/Link"), "the PDF has a link annotation");
    let html = fs::read_to_string(project.path().join("output/html/programm.html")).unwrap();
    assert!(html.contains("id=\"kurz-gefasst\""), "{html}");
    assert!(html.contains("href=\"#kurz-gefasst\""), "{html}");
}

#[test]
fn characters_the_pdf_cannot_draw_are_named_at_their_place() {
    require_typst();
    let project = fixture_copy("klein");
    write(
        project.path(),
        "content/programm.md",
        "# Programm\n\nWir freuen uns 🙂 auf\n\ndas Jahr 中文.\n",
    );
    write(
        project.path(),
        "data/zahlen.yaml",
        "beispielwerte: true   # 🙂 im Kommentar stört nicht\nintegrationen: 312\nquote: 21.7\nmotto: \"Gemeinsam 🙂\"\n",
    );
    let text = check_and_build_fail(
        project.path(),
        &[
            "Das Zeichen „🙂“ (U+1F642) kann im PDF nicht dargestellt werden",
            "content/programm.md:3:16",
            "„中“ (U+4E2D)",
            "content/programm.md:5:10",
            "data/zahlen.yaml:4:19",
        ],
    );
    assert_eq!(
        text.matches("data/zahlen.yaml:").count(),
        1,
        "the comment is not reported: {text}"
    );
    // The emoji DejaVu Sans has (U+1F600) is fine.
    write(
        project.path(),
        "content/programm.md",
        "# Programm\n\nWir freuen uns 😀 auf das Jahr.\n",
    );
    write(
        project.path(),
        "data/zahlen.yaml",
        "beispielwerte: true\nintegrationen: 312\nquote: 21.7\n",
    );
    check_and_build_pass(project.path());
    assert!(pdf_text(&project.path().join("output/arbeitsmarktprogramm-2026.pdf")).contains('😀'));
}

#[test]
fn deep_quotes_and_lists_are_refused_in_german() {
    require_typst();
    let project = fixture_copy("klein");
    let quotes = format!("{} tief\n", "> ".repeat(20));
    let mut lists = String::new();
    for depth in 0..40 {
        lists.push_str(&format!("{}- Ebene {depth}\n", "  ".repeat(depth)));
    }
    write(
        project.path(),
        "content/programm.md",
        &format!("# Programm\n\n{quotes}\nText.\n\n{lists}"),
    );
    let text = check_and_build_fail(
        project.path(),
        &[
            "Zitate sind hier mehr als 5-fach ineinander verschachtelt",
            "content/programm.md:3:11",
            "Listen sind hier mehr als 8-fach ineinander verschachtelt",
            "content/programm.md:15:17",
        ],
    );
    assert_eq!(
        text.matches("verschachtelt (").count(),
        1,
        "one finding per run: {text}"
    );
}

#[test]
fn table_and_chart_ids_are_validated_at_their_line() {
    let project = fixture_copy("klein");
    write(
        project.path(),
        "data/tabellen.yaml",
        "lokale_ziele:\n  titel: A\n  zeilen: []\n  spalten: []\nlokale-ziele:\n  titel: B\n  zeilen: []\n  spalten: []\n\"meine tabelle\":\n  titel: C\n  zeilen: []\n  spalten: []\n",
    );
    let check = amip(project.path(), &["check"]);
    let text = stderr(&check);
    assert_eq!(check.status.code(), Some(1), "{text}");
    for part in [
        "Tabelle „lokale-ziele“ ist von „lokale_ziele“ nicht zu unterscheiden",
        "data/tabellen.yaml:5:1",
        "Tabelle „meine tabelle“: der Name darf nur Buchstaben ohne Umlaute, Ziffern, „_“ und „-“ enthalten",
        "data/tabellen.yaml:9:1",
    ] {
        assert!(text.contains(part), "„{part}“ in:\n{text}");
    }
}

#[test]
fn markdown_errors_name_file_line_and_column_all_in_one_run() {
    let project = fixture_copy("klein");
    write(
        project.path(),
        "data/tabellen.yaml",
        "t:\n  titel: T\n  zeilen:\n    - { titel: A, daten: zahlen }\n  spalten:\n    - { titel: Wert, feld: integrationen }\n",
    );
    write(
        project.path(),
        "content/programm.md",
        "# Programm\n\nIm Jahr {{ programm.jahr }} gilt:\n\n### Zu tief\n\n# Zweiter Titel\n\nSiehe [dort](#gibt-es-nicht) und ![Logo](bilder/fehlt.png).\n\n{{ tabelle(id=\"t\") }}\n\n{{ tabelle(id=\"t\") }}\n",
    );
    write(
        project.path(),
        "content/zweites.md",
        "Nur Text, keine Überschrift.\n",
    );
    let check = amip(project.path(), &["check"]);
    let text = stderr(&check);
    assert_eq!(check.status.code(), Some(1), "{text}");
    for part in [
        "die Überschrift „Zu tief“ (Ebene 3) überspringt eine Ebene",
        "content/programm.md:5:1",
        "mehr als eine Überschrift der Ebene 1 („# Zweiter Titel“)",
        "content/programm.md:7:1",
        "der Link „#gibt-es-nicht“ führt ins Leere",
        "content/programm.md:9:7",
        "das Bild „content/bilder/fehlt.png“ gibt es nicht",
        "content/programm.md:9:34",
        "Die Tabelle „t“ ist mehrfach eingefügt",
        "content/programm.md:13:1",
        "das Kapitel hat keinen Titel",
        "content/zweites.md:1:1",
    ] {
        assert!(text.contains(part), "„{part}“ in:\n{text}");
    }
}

#[test]
fn chapters_in_subfolders_are_built_in_path_order() {
    require_typst();
    let project = fixture_copy("klein");
    write(
        project.path(),
        "content/programm.md",
        "# Erstes Kapitel\n\nA.\n",
    );
    write(
        project.path(),
        "content/teil/07-ziele.md",
        "# Ziele im Teil\n\nB.\n",
    );
    write(project.path(), "content/zz-schluss.md", "# Schluss\n\nC.\n");
    check_and_build_pass(project.path());
    let html = project.path().join("output/html");
    assert!(html.join("teil-07-ziele.html").is_file());
    let text = pdf_text(&project.path().join("output/arbeitsmarktprogramm-2026.pdf"));
    let first = text.rfind("1 Erstes Kapitel").unwrap();
    let second = text.rfind("2 Ziele im Teil").unwrap();
    let third = text.rfind("3 Schluss").unwrap();
    assert!(first < second && second < third, "{text}");
}

#[test]
fn index_md_is_refused_and_unused_files_are_named() {
    let project = fixture_copy("klein");
    write(
        project.path(),
        "content/index.md",
        "# Willkommen\n\nText.\n",
    );
    let check = amip(project.path(), &["check"]);
    let text = stderr(&check);
    assert_eq!(check.status.code(), Some(1), "{text}");
    assert!(
        text.contains("content/index.md:")
            && text.contains("ein Kapitel darf nicht „index“ heißen"),
        "{text}"
    );
    fs::remove_file(project.path().join("content/index.md")).unwrap();
    write(project.path(), "content/notizen.txt", "Ideen\n");
    write(project.path(), "content/entwurf/alt.docx", "x");
    let check = amip(project.path(), &["check"]);
    let text = stderr(&check);
    assert_eq!(
        check.status.code(),
        Some(0),
        "a warning does not fail: {text}"
    );
    for file in ["content/notizen.txt", "content/entwurf/alt.docx"] {
        assert!(
            text.contains(&format!("{file}:   ⚠ die Datei wird nicht verwendet")),
            "{file} in:\n{text}"
        );
    }
    assert!(
        text.contains("0 Fehler und 2 Warnungen gefunden."),
        "{text}"
    );
}

#[test]
fn a_broken_or_truncated_image_is_named_before_typst_meets_it() {
    require_typst();
    let project = fixture_copy("klein");
    let dir = project.path();
    fs::create_dir_all(dir.join("content/bilder")).unwrap();
    // A PNG cut off after its signature, and an SVG whose download broke off.
    fs::write(
        dir.join("content/bilder/karte.png"),
        b"\x89PNG\r\n\x1a\nabgebrochen",
    )
    .unwrap();
    fs::write(
        dir.join("content/bilder/plan.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"4\"",
    )
    .unwrap();
    let chapter = fs::read_dir(dir.join("content"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|e| e == "md"))
        .unwrap();
    let mut text = fs::read_to_string(&chapter).unwrap();
    text.push_str("\n![Karte des Bezirks](bilder/karte.png)\n\n![Plan](bilder/plan.svg)\n");
    fs::write(&chapter, text).unwrap();
    let message = check_and_build_fail(
        dir,
        &[
            "content/bilder/karte.png",
            "die PNG-Datei ist unvollständig",
            "content/bilder/plan.svg",
            "die SVG-Datei ist kein vollständiges XML",
            "Speichern Sie das Bild neu",
        ],
    );
    assert!(!message.contains("failed to decode"), "{message}");
    assert!(!message.contains("nicht übersetzt"), "{message}");
    // Repaired, the same project builds.
    fs::write(
        dir.join("content/bilder/plan.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"><rect width=\"4\" height=\"4\"/></svg>",
    )
    .unwrap();
    fs::copy(
        dir.join("content/bilder/plan.svg"),
        dir.join("content/bilder/karte.svg"),
    )
    .unwrap();
    fs::remove_file(dir.join("content/bilder/karte.png")).unwrap();
    let text = fs::read_to_string(&chapter)
        .unwrap()
        .replace("karte.png", "karte.svg");
    fs::write(&chapter, text).unwrap();
    let build = amip(dir, &["build"]);
    assert!(build.status.success(), "{}", describe(&build));
}
