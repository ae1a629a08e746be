//! End-to-end: the shipped example programme builds for real, with typst, and the website
//! and the PDF show every chapter and the seed's key figures.

use std::fs;

use crate::common::{amip, describe, example_copy, pdf_text, require_typst};

const PDF: &str = "arbeitsmarkt-und-integrationsprogramm-2020.pdf";

const HEADINGS: &[&str] = &[
    "Vorwort",
    "1 Grundsicherung für Arbeitsuchende im Landkreis",
    "2 Angebot und Nachfrage auf dem Arbeitsmarkt",
    "2.1 Das Angebot an Arbeitskräften",
    "2.2 Die Nachfrage nach Arbeitskräften",
    "3 Ziele im Jobcenter Elbe-Elster",
    "3.1 Geschäftspolitische Ziele",
    "3.2 Lokale Ziele",
    "3.3 Kommunale Ziele",
    "4 Ressourcen",
    "4.1 Personal und Verwaltungskostenhaushalt",
    "4.2 Eingliederungsleistungen",
    "5 Operative Schwerpunkte",
    "5.3.1 Marktnähe leben",
    "5.3.5 Geflüchtete Menschen in Ausbildung und Arbeit integrieren",
    "6 Rechtmäßigkeit und Qualität",
    "7 Zusammenarbeit mit den Trägern",
    "8 Schlussbemerkungen",
];

const FIGURES: &[&str] = &[
    "1.141",
    "23,4",
    "5.485",
    "16.199.332",
    "15.634.076",
    "−565.256",
    "−3,5",
    "−488.858",
    "−5,4",
    "9.069.867",
    "7.053.067",
    "derzeit in Abstimmung",
    "Anja Miersch",
    "09.12.2019",
];

fn squash(text: &str) -> String {
    // pdftotext breaks lines and hyphenates; compare on single spaces without soft hyphens.
    let text = text.replace('\u{ad}', "").replace("-\n", "-");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn html_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    squash(
        &text
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
            .replace('\u{a0}', " "),
    )
}

#[test]
fn example_builds_site_and_pdf_with_all_chapters_and_figures() {
    require_typst();
    let project = example_copy();
    let output = amip(project.path(), &["build"]);
    assert!(output.status.success(), "{}", describe(&output));
    let out = project.path().join("output");

    // The site: start page, one page per numbered chapter, three charts, CSS, the PDF.
    let html_dir = out.join("html");
    let mut pages: Vec<String> = fs::read_dir(&html_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".html"))
        .collect();
    pages.sort();
    assert_eq!(pages.len(), 10, "{pages:?}");
    assert!(pages.contains(&"gesamt.html".to_string()));
    assert_eq!(pages[0], "01-grundsicherung.html");
    assert!(pages.contains(&"index.html".to_string()));
    for chart in ["elb", "eingliederungsbudget", "integrationsprognose"] {
        let svg = fs::read_to_string(html_dir.join(format!("abbildungen/{chart}.svg"))).unwrap();
        assert!(svg.contains("DejaVu Sans"), "{chart}");
        assert_eq!(
            svg,
            fs::read_to_string(out.join(format!("typst/abbildungen/{chart}.svg"))).unwrap(),
            "one SVG serves both outputs"
        );
    }
    assert!(html_dir.join("style.css").is_file());
    assert!(
        html_dir.join(PDF).is_file(),
        "the PDF is copied into the site"
    );
    assert!(out.join("typst/main.typ").is_file());

    let mut site = String::new();
    for page in &pages {
        let html = fs::read_to_string(html_dir.join(page)).unwrap();
        assert!(html.contains("<html lang=\"de\">"), "{page}");
        for request in [
            "src=\"http",
            "src=\"//",
            "href=\"http://",
            "url(http",
            "@import",
        ] {
            assert!(
                !html.contains(request),
                "{page} makes no external request ({request})"
            );
        }
        assert!(!html.contains("<script"), "{page} needs no JavaScript");
        assert_eq!(html.matches("<h1").count(), 1, "{page} has one h1");
        site.push_str(&html_text(&html));
        site.push(' ');
    }
    let pdf = squash(&pdf_text(&out.join(PDF)));
    for heading in HEADINGS {
        assert!(site.contains(heading), "website lacks heading {heading}");
        assert!(pdf.contains(heading), "PDF lacks heading {heading}");
    }
    for figure in FIGURES {
        assert!(site.contains(figure), "website lacks {figure}");
        assert!(pdf.contains(figure), "PDF lacks {figure}");
    }
    // Numbered figures and tables with captions and sources in both outputs.
    for text in [
        "Abbildung 1:",
        "Abbildung 3:",
        "Tabelle 1:",
        "Tabelle 4:",
        "Quelle: SGB II-Cockpit",
    ] {
        assert!(site.contains(text), "website lacks {text}");
        assert!(pdf.contains(text), "PDF lacks {text}");
    }
    assert!(pdf.contains("Seite 1 von"), "footer with page X of Y");
    assert!(pdf.contains("Inhaltsverzeichnis"));
    assert!(
        site.contains("(Beispielwerte)"),
        "invented values are labelled"
    );
    // German quotes, never straight ones, in running text.
    assert!(site.contains("„marktnah“"));
}

#[test]
fn html_only_build_needs_no_typst_and_keeps_nothing_stale() {
    let project = example_copy();
    let output = amip(project.path(), &["build", "--html"]);
    assert!(output.status.success(), "{}", describe(&output));
    let html = project.path().join("output/html");
    assert!(html.join("index.html").is_file());
    assert!(!project.path().join("output").join(PDF).exists());
    assert!(
        !project.path().join(".amip-tmp").exists(),
        "no staging folder is left behind"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let project = example_copy();
    let first = amip(project.path(), &["build", "--html"]);
    assert!(first.status.success(), "{}", describe(&first));
    let index = project.path().join("output/html/index.html");
    let before = fs::read(&index).unwrap();

    fs::write(
        project.path().join("data/budget.yaml"),
        "verwaltungskosten: [1, 2\n",
    )
    .unwrap();
    let second = amip(project.path(), &["build", "--html"]);
    assert_eq!(second.status.code(), Some(1), "{}", describe(&second));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("data/budget.yaml:"), "{stderr}");
    assert!(stderr.contains("output/ ist unverändert"), "{stderr}");
    assert_eq!(fs::read(&index).unwrap(), before);
}

#[test]
fn missing_typst_with_installs_disabled_gives_the_install_command() {
    let project = example_copy();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_amip"))
        .arg("--project")
        .arg(project.path())
        .arg("build")
        .env("AMIP_NO_INSTALL", "1")
        .env("PATH", "/nonexistent")
        .env("XDG_CACHE_HOME", project.path().join("cache"))
        .env("HOME", project.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cargo install typst-cli --locked --version 0.15.1"),
        "{stderr}"
    );
    assert!(!project.path().join("output").exists());
}

#[test]
fn help_is_german() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_amip"))
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("Aufruf:") && text.contains("Befehle:") && text.contains("Optionen:"),
        "{text}"
    );
    assert!(
        text.contains("Website") && text.contains("Diese Hilfe anzeigen"),
        "{text}"
    );
    assert!(
        !text.contains("Usage:") && !text.contains("Print help"),
        "{text}"
    );
}
