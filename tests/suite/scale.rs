//! Linear in the size of the input: many chapters do not multiply the site, and a chart with
//! more values than can be drawn is refused with its place (no timings: those are benchmarks).

use std::fs;
use std::path::Path;

use crate::common::{amip, describe, fixture_copy, html_pages};

/// Writes `count` tiny numbered chapters next to the fixture's one chapter.
fn add_chapters(project: &Path, count: usize) {
    for n in 1..=count {
        fs::write(
            project.join(format!("content/k{n:04}.md")),
            format!("# Kapitel {n}\n\nEin kurzer Absatz.\n"),
        )
        .unwrap();
    }
}

/// Total bytes of the HTML pages of the built site.
fn html_bytes(site: &Path) -> usize {
    fs::read_dir(site)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "html"))
        .map(|path| fs::metadata(path).unwrap().len() as usize)
        .sum()
}

#[test]
fn many_chapters_keep_the_site_linear_and_every_page_links_the_contents() {
    let project = fixture_copy("klein");
    let count = 300;
    add_chapters(project.path(), count);
    let output = amip(project.path(), &["build", "--html"]);
    assert!(output.status.success(), "{}", describe(&output));
    let site = project.path().join("output/html");

    // A full navigation on every page would be 300 × 300 links (several MB); the compact one
    // keeps each chapter page small, so the site stays proportional to the chapters.
    let total = html_bytes(&site);
    assert!(
        total < count * 6_000,
        "{total} bytes of HTML for {count} chapters"
    );

    let index = fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains(r#"id="inhaltsverzeichnis""#), "{index}");
    for n in 1..=count {
        assert!(
            index.contains(&format!(r#"href="k{n:04}.html""#)),
            "the start page lists chapter {n}"
        );
    }
    let pages = html_pages(&site);
    let chapter_pages: Vec<&String> = pages.iter().filter(|p| p.starts_with('k')).collect();
    assert_eq!(chapter_pages.len(), count, "{pages:?}");
    for page in chapter_pages {
        let html = fs::read_to_string(site.join(page)).unwrap();
        let nav = html
            .split(r#"<nav class="inhalt-navigation" aria-label="Kapitel">"#)
            .nth(1)
            .and_then(|rest| rest.split("</nav>").next())
            .unwrap_or_else(|| panic!("{page} has the header navigation"));
        assert!(
            nav.contains(r#"href="index.html#inhaltsverzeichnis""#),
            "{page}: {nav}"
        );
        assert!(
            nav.contains(&format!(r#"href="{page}" aria-current="page""#)),
            "{page}: {nav}"
        );
        assert!(nav.matches("<li>").count() <= 15, "{page}: {nav}");
    }
    // Previous and next still lead through every chapter.
    let middle = fs::read_to_string(site.join("k0150.html")).unwrap();
    assert!(
        middle.contains(r#"href="k0149.html" rel="prev""#),
        "{middle}"
    );
    assert!(
        middle.contains(r#"href="k0151.html" rel="next""#),
        "{middle}"
    );
}

#[test]
fn a_few_chapters_keep_the_full_navigation() {
    let project = fixture_copy("klein");
    add_chapters(project.path(), 5);
    let output = amip(project.path(), &["build", "--html"]);
    assert!(output.status.success(), "{}", describe(&output));
    let page = fs::read_to_string(project.path().join("output/html/k0003.html")).unwrap();
    for n in 1..=5 {
        assert!(page.contains(&format!(r#"href="k{n:04}.html""#)), "{page}");
    }
    assert!(!page.contains("index.html#inhaltsverzeichnis"), "{page}");
}

#[test]
fn a_chart_with_too_many_values_is_refused_at_its_declaration() {
    let project = fixture_copy("klein");
    let values: String = (0..10_001).map(|n| format!("  - {}\n", n % 97)).collect();
    fs::write(
        project.path().join("data/reihe.yaml"),
        format!("werte:\n{values}"),
    )
    .unwrap();
    fs::write(
        project.path().join("data/abbildungen.yaml"),
        "# Abbildungen\ntageswerte:\n  art: linie\n  titel: \"Tageswerte\"\n  alt: \"Viele Tageswerte.\"\n  format: ganz\n  reihen:\n    - { name: Bestand, werte: reihe.werte }\n",
    )
    .unwrap();
    let chapter = project.path().join("content/programm.md");
    let mut text = fs::read_to_string(&chapter).unwrap();
    text.push_str("\n{{ abbildung(id=\"tageswerte\") }}\n");
    fs::write(&chapter, text).unwrap();

    let output = amip(project.path(), &["build", "--html"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("Abbildung „tageswerte“: 10.001 Werte (Kategorien × Reihen) sind zu viele"),
        "{stderr}"
    );
    assert!(stderr.contains("höchstens 10.000"), "{stderr}");
    assert!(stderr.contains("data/abbildungen.yaml:2"), "{stderr}");
    assert!(!project.path().join("output").exists(), "{stderr}");
}

#[test]
fn thousands_of_broken_links_are_reported_up_to_a_limit() {
    let project = fixture_copy("klein");
    let body: String = (0..3000)
        .map(|n| format!("Ein Satz mit einem Link ins Leere: [hier](#fehlt-{n}).\n\n"))
        .collect();
    fs::write(
        project.path().join("content/k0001.md"),
        format!("# Lang\n\n{body}"),
    )
    .unwrap();
    let output = amip(project.path(), &["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.matches("führt ins Leere").count(), 100, "{stderr}");
    // The first and the hundredth broken link, each at its own line and column.
    assert!(
        stderr.contains("#fehlt-0“") && stderr.contains("#fehlt-99“"),
        "{stderr}"
    );
    assert!(!stderr.contains("#fehlt-100“"), "{stderr}");
    assert!(stderr.contains("content/k0001.md:3:36"), "{stderr}");
    assert!(stderr.contains("content/k0001.md:201:36"), "{stderr}");
    assert!(
        stderr.contains("… und 2900 weitere Verweise oder Links ins Leere in diesem Kapitel"),
        "{stderr}"
    );
}
