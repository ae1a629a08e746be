//! End-to-end: `amip init` scaffolds a project that builds at once — the website without
//! typst, the PDF with it — and shows each feature of amip.

use std::fs;

use crate::common::{amip, describe, require_typst};

#[test]
fn init_scaffolds_a_project_whose_website_and_pdf_build() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("jobcenter-nordheide");
    let output = amip(
        parent.path(),
        &[
            "init",
            dir.to_str().unwrap(),
            "--jobcenter",
            "Jobcenter Nordheide",
            "--jahr",
            "2031",
        ],
    );
    assert!(output.status.success(), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Website erstellt:"), "{stdout}");

    for rel in [
        "data/programm.yaml",
        "data/tabellen.yaml",
        "data/abbildungen.yaml",
        "content/00-vorwort.md",
        "templates/html/basis.html",
        "templates/typst/main.typ",
        ".gitignore",
    ] {
        assert!(dir.join(rel).is_file(), "{rel} fehlt");
    }
    let programme = fs::read_to_string(dir.join("data/programm.yaml")).unwrap();
    assert!(programme.contains("jobcenter: \"Jobcenter Nordheide\""));
    assert!(programme.contains("jahr: 2031"));
    let gitignore = fs::read_to_string(dir.join(".gitignore")).unwrap();
    assert!(gitignore.contains("output/") && gitignore.contains(".amip-tmp/"));

    // The website was built at once and shows each feature.
    let site = dir.join("output/html");
    let index = fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains("Jobcenter Nordheide"), "{index}");
    assert!(index.contains("2031"));
    let pages: String = ["01-ausgangslage", "02-ziele", "03-ressourcen"]
        .iter()
        .map(|page| fs::read_to_string(site.join(format!("{page}.html"))).unwrap())
        .collect();
    for expected in [
        "Abbildung 1",
        "(Beispielwerte)",
        "derzeit in Abstimmung",
        "+150.000",
        "−3,0",
        "9.030.000\u{a0}EUR",
        "3,9\u{a0}Mio.\u{a0}EUR",
        "5.108",
    ] {
        assert!(pages.contains(expected), "{expected} fehlt");
    }
    assert!(site.join("abbildungen/elb.svg").is_file());

    // The PDF builds as well.
    require_typst();
    let build = amip(&dir, &["build"]);
    assert!(build.status.success(), "{}", describe(&build));
    assert!(dir
        .join("output/arbeitsmarkt-und-integrationsprogramm-2031.pdf")
        .is_file());
}

#[test]
fn the_templates_folder_may_be_left_out_or_hold_single_overrides() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("neu");
    let output = amip(
        parent.path(),
        &["init", dir.to_str().unwrap(), "--jahr", "2030"],
    );
    assert!(output.status.success(), "{}", describe(&output));
    assert!(fs::read_to_string(dir.join("data/programm.yaml"))
        .unwrap()
        .contains("Jobcenter Musterstadt"));

    fs::remove_dir_all(dir.join("templates")).unwrap();
    fs::create_dir_all(dir.join("templates/html")).unwrap();
    fs::write(
        dir.join("templates/html/style.css"),
        "/* eigenes Stylesheet */\n",
    )
    .unwrap();
    let build = amip(&dir, &["build", "--html"]);
    assert!(build.status.success(), "{}", describe(&build));
    let css = fs::read_to_string(dir.join("output/html/style.css")).unwrap();
    assert!(css.contains("eigenes Stylesheet"));
    assert!(fs::read_to_string(dir.join("output/html/index.html"))
        .unwrap()
        .contains("Arbeitsmarkt- und Integrationsprogramm 2030"));
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("notizen.txt"), "wichtig").unwrap();
    let output = amip(dir.path(), &["init", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("ist nicht leer"), "{stderr}");
    assert_eq!(
        fs::read_to_string(dir.path().join("notizen.txt")).unwrap(),
        "wichtig"
    );
    assert!(!dir.path().join("data").exists());
}
