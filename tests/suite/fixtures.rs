//! End-to-end on two invented programmes structured unlike the example: a large city
//! (many tables and charts, year series from two data files in a subfolder, long labels,
//! links to headings) and a minimal one with a single chapter. `check` passes on both, and
//! `build` then produces the site and the PDF with real typst.

use std::fs;
use std::path::Path;

use crate::common::{amip, describe, fixture_copy, pdf_text, require_typst};

fn squash(text: &str) -> String {
    let text = text.replace('\u{ad}', "").replace("-\n", "-");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn check_and_build(project: &Path) -> String {
    let output = amip(project, &["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("Keine Fehler gefunden."),
        "{}",
        describe(&output)
    );
    let output = amip(project, &["build"]);
    assert!(output.status.success(), "{}", describe(&output));
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn large_city_programme_checks_and_builds_site_and_pdf() {
    require_typst();
    let project = fixture_copy("grossstadt");
    check_and_build(project.path());
    let out = project.path().join("output");
    let html = out.join("html");
    for page in [
        "index.html",
        "01-ausgangslage.html",
        "02-ziele.html",
        "03-ressourcen.html",
    ] {
        assert!(html.join(page).is_file(), "{page}");
    }
    for chart in ["arbeitslose", "elb_und_bg", "verteilung", "personal"] {
        assert!(
            html.join(format!("abbildungen/{chart}.svg")).is_file(),
            "{chart}"
        );
    }
    let pdf = out.join("arbeitsmarkt-und-integrationsprogramm-2025.pdf");
    let text = squash(&pdf_text(&pdf));
    // 2760 written without a thousands point prints as the German 2.760.
    for expected in [
        "2.760",
        "23,4 %",
        "36.412",
        "Tabelle 5:",
        "Abbildung 4:",
        "(Beispielwerte)",
        "1 Ausgangslage",
        "2 Ziele für 2025",
        "3.2 Personal",
        "ENTWURF",
    ] {
        assert!(text.contains(expected), "PDF lacks {expected}");
    }
    let index = fs::read_to_string(html.join("index.html")).unwrap();
    assert!(index.contains("2.760"), "start page shows the figure");
    // The heading links of the first chapter point to the headings on their pages.
    assert!(
        index.contains("href=\"01-ausgangslage.html#ausgangslage\""),
        "{index}"
    );
    assert!(index.contains("href=\"03-ressourcen.html#das-budget\""));
    // The PDF links them too: typst resolved every label (the build succeeded), and the
    // headings carry the anchors as labels in the Typst source.
    let typst = fs::read_to_string(out.join("typst/main.typ")).unwrap();
    assert!(typst.contains("= 1 Ausgangslage <ausgangslage>"), "{typst}");
    assert!(typst.contains("#link(<das-budget>)[Budget]"), "{typst}");
}

#[test]
fn minimal_programme_checks_and_builds_site_and_pdf() {
    require_typst();
    let project = fixture_copy("klein");
    check_and_build(project.path());
    let out = project.path().join("output");
    assert!(out.join("html/index.html").is_file());
    let pdf = out.join("arbeitsmarktprogramm-2026.pdf");
    let text = squash(&pdf_text(&pdf));
    for expected in [
        "Jobcenter Kleinstadt",
        "312",
        "21,7 Prozent",
        "Kurz gefasst",
    ] {
        assert!(text.contains(expected), "PDF lacks {expected}: {text}");
    }
}
