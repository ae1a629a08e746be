//! Issue: accessible and reproducible publication. The example's website passes axe-core in
//! real headless Chromium with zero violations plus structural checks; the PDF is tagged
//! PDF/UA-1 and PDF/A-2a; two builds of the same sources are byte-identical.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::common::{
    amip, describe, example_copy, files_below, repo, require_browser_tools, require_typst,
};

const PDF: &str = "arbeitsmarkt-und-integrationsprogramm-2020.pdf";

#[test]
fn every_page_passes_axe_and_the_structural_checks_in_chromium() {
    require_browser_tools();
    let project = example_copy();
    let output = amip(project.path(), &["build", "--html"]);
    assert!(output.status.success(), "{}", describe(&output));
    let site = project.path().join("output/html");
    let run = Command::new("node")
        .arg(repo().join("tests/browser/a11y.mjs"))
        .arg(&site)
        .output()
        .expect("node runs (Node.js is needed for the browser tests)");
    assert!(run.status.success(), "{}", describe(&run));
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).expect("JSON report");
    let pages = report.as_array().expect("one entry per page");
    assert_eq!(
        pages.len(),
        10,
        "every page was checked, the one-page view gesamt.html included"
    );
    let mut problems = Vec::new();
    for page in pages {
        let name = page["page"].as_str().unwrap_or_default();
        let violations = page["violations"].as_array().map_or(0, Vec::len);
        let failures = page["failures"].as_array().cloned().unwrap_or_default();
        println!(
            "{name}: axe violations: {violations}, axe passes: {}, figures: {}, tables: {}, structural failures: {}",
            page["passes"], page["figures"], page["tables"], failures.len()
        );
        if violations > 0 || !failures.is_empty() {
            problems.push(format!("{name}: {} / {:?}", page["violations"], failures));
        }
        assert!(
            page["passes"].as_u64().unwrap_or(0) > 10,
            "axe really ran on {name}"
        );
    }
    let figures_on = |one_page: bool| -> u64 {
        pages
            .iter()
            .filter(|p| (p["page"] == "gesamt.html") == one_page)
            .filter_map(|p| p["figures"].as_u64())
            .sum()
    };
    assert_eq!(
        figures_on(false),
        10,
        "all ten charts were checked as figures"
    );
    assert_eq!(figures_on(true), 10, "… and again on the one-page view");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn pdf_catalog_checks(pdf: &Path) {
    let document = lopdf::Document::load(pdf).expect("the PDF parses");
    let catalog = document.catalog().expect("a catalog");
    let mark_info = catalog
        .get(b"MarkInfo")
        .and_then(|o| document.dereference(o).map(|(_, o)| o.clone()))
        .and_then(|o| o.as_dict().cloned())
        .expect("/MarkInfo");
    assert_eq!(
        mark_info.get(b"Marked").and_then(|m| m.as_bool()).ok(),
        Some(true),
        "tagged: /Marked true"
    );
    assert!(catalog.get(b"StructTreeRoot").is_ok(), "/StructTreeRoot");
    let lang = catalog
        .get(b"Lang")
        .and_then(|l| l.as_str())
        .expect("/Lang");
    assert!(
        String::from_utf8_lossy(lang).starts_with("de"),
        "/Lang is de"
    );
    let prefs = catalog
        .get(b"ViewerPreferences")
        .and_then(|o| document.dereference(o).map(|(_, o)| o.clone()))
        .and_then(|o| o.as_dict().cloned())
        .expect("/ViewerPreferences");
    assert_eq!(
        prefs.get(b"DisplayDocTitle").and_then(|d| d.as_bool()).ok(),
        Some(true)
    );
    let metadata_ref = catalog
        .get(b"Metadata")
        .and_then(|m| m.as_reference())
        .expect("/Metadata");
    let stream = document
        .get_object(metadata_ref)
        .and_then(|o| o.as_stream())
        .expect("metadata stream");
    let xmp = String::from_utf8_lossy(
        &stream
            .get_plain_content()
            .unwrap_or_else(|_| stream.content.clone()),
    )
    .into_owned();
    for expected in [
        "<pdfuaid:part>1</pdfuaid:part>",
        "<pdfaid:part>2</pdfaid:part>",
        "<pdfaid:conformance>A</pdfaid:conformance>",
        "Arbeitsmarkt- und Integrationsprogramm 2020",
        "Jobcenter Elbe-Elster",
    ] {
        assert!(
            xmp.contains(expected),
            "XMP metadata lacks {expected}:\n{xmp}"
        );
    }
    // Outline (bookmarks) for the chapters.
    assert!(catalog.get(b"Outlines").is_ok(), "/Outlines (bookmarks)");
}

#[test]
fn the_pdf_is_tagged_pdf_ua_and_pdf_a() {
    require_typst();
    let project = example_copy();
    let output = amip(project.path(), &["build", "--pdf"]);
    assert!(output.status.success(), "{}", describe(&output));
    pdf_catalog_checks(&project.path().join("output").join(PDF));
    // Alt text of each chart reaches the tagged PDF via main.typ.
    let main = fs::read_to_string(project.path().join("output/typst/main.typ")).unwrap();
    // Alt text of each chart and of the logo on the title page.
    assert_eq!(main.matches("alt: \"").count(), 10 + 1);
    // Each chart's data follows it as a table under "Daten zur Abbildung N".
    for n in 1..=10 {
        assert!(
            main.contains(&format!("[Daten zur Abbildung {n}])\n#table(")),
            "data table of chart {n}"
        );
    }
}

#[test]
fn a_chart_without_alt_text_is_named_before_typst_runs() {
    let project = example_copy();
    let charts = project.path().join("data/abbildungen.yaml");
    let text = fs::read_to_string(&charts).unwrap();
    let without: String = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("alt:"))
        .map(|line| format!("{line}\n"))
        .collect();
    fs::write(&charts, without).unwrap();
    let output = amip(project.path(), &["build"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("Abbildung „elb“: der Alternativtext (alt:) fehlt"),
        "{stderr}"
    );
    assert!(stderr.contains("data/abbildungen.yaml"), "{stderr}");
}

#[test]
fn two_builds_in_different_folders_are_byte_identical() {
    require_typst();
    let first = example_copy();
    let second = example_copy();
    let a = amip(first.path(), &["build"]);
    assert!(a.status.success(), "{}", describe(&a));
    // A different moment: the clock must not leak into any file.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let b = amip(second.path(), &["build"]);
    assert!(b.status.success(), "{}", describe(&b));
    let files_a = files_below(&first.path().join("output"));
    let files_b = files_below(&second.path().join("output"));
    assert_eq!(
        files_a.keys().collect::<Vec<_>>(),
        files_b.keys().collect::<Vec<_>>()
    );
    let kinds: Vec<&str> = ["html", "css", "svg", "pdf", "typ"].into_iter().collect();
    for kind in kinds {
        assert!(
            files_a
                .keys()
                .any(|p| p.extension().is_some_and(|e| e == kind)),
            "compared a .{kind} file"
        );
    }
    for (path, bytes) in &files_a {
        assert!(
            bytes == &files_b[path],
            "{} differs between the two builds",
            path.display()
        );
        let text = String::from_utf8_lossy(bytes);
        for folder in [first.path(), second.path()] {
            assert!(
                !text.contains(&*folder.to_string_lossy()),
                "{} contains an absolute path",
                path.display()
            );
        }
    }
    println!("{} files compared, all byte-identical", files_a.len());
}

/// The `/CreationDate` of a PDF's info dictionary, e.g. "D:20191209000000Z".
fn creation_date(pdf: &Path) -> String {
    let document = lopdf::Document::load(pdf).expect("the PDF parses");
    let info = document
        .trailer
        .get(b"Info")
        .and_then(|i| i.as_reference())
        .expect("/Info");
    let date = document
        .get_object(info)
        .and_then(|o| o.as_dict())
        .and_then(|d| d.get(b"CreationDate"))
        .and_then(|d| d.as_str())
        .expect("/CreationDate");
    String::from_utf8_lossy(date).into_owned()
}

#[test]
fn source_date_epoch_sets_the_pdf_date() {
    require_typst();
    let project = example_copy();
    let output = Command::new(env!("CARGO_BIN_EXE_amip"))
        .arg("--project")
        .arg(project.path())
        .args(["build", "--pdf"])
        .env("AMIP_NO_INSTALL", "1")
        .env("SOURCE_DATE_EPOCH", "1577836800")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", describe(&output));
    let date = creation_date(&project.path().join("output").join(PDF));
    assert!(date.starts_with("D:20200101"), "{date}");

    let default = amip(project.path(), &["build", "--pdf"]);
    assert!(default.status.success());
    let date = creation_date(&project.path().join("output").join(PDF));
    assert!(
        date.starts_with("D:20191209"),
        "the programme's date: {date}"
    );
}
