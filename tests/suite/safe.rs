//! Issue 19: safe by construction. Published SVGs are written anew (no scripts, handlers,
//! foreign objects, external references), every page forbids scripts, a failed write on the
//! terminal ends in German, file names are URL-safe in links, `gesamt.md` is refused and only
//! a bare `#anker` is a heading link.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::common::{amip, describe, example_copy, html_pages};

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn append(project: &Path, rel: &str, text: &str) {
    let path = project.join(rel);
    let mut old = fs::read_to_string(&path).unwrap();
    old.push_str(text);
    fs::write(path, old).unwrap();
}

/// `amip build --html` fails with exit 1, names every `expected` text and writes nothing.
fn build_fails_with(project: &Path, expected: &[&str]) {
    let output = amip(project, &["build", "--html"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(!text.contains("panicked"), "{text}");
    for part in expected {
        assert!(text.contains(part), "expected „{part}“ in:\n{text}");
    }
    assert!(!project.join("output").exists(), "nothing written");
}

const EVIL_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" height="100" viewBox="0 0 200 100" onload="alert(1)">
  <script>alert(2)</script>
  <rect x="0" y="0" width="200" height="100" fill="#1f4e79" onclick="alert(3)"/>
  <foreignObject width="100" height="50"><div xmlns="http://www.w3.org/1999/xhtml"><iframe src="https://evil.example/"></iframe>fremd</div></foreignObject>
  <image xlink:href="https://evil.example/x.png" width="10" height="10"/>
  <a href="javascript:alert(4)"><circle cx="50" cy="50" r="20" fill="#ffffff"/></a>
  <text x="20" y="80" font-family="DejaVu Sans" font-size="20" fill="#ffffff">Elbe-Elster</text>
</svg>
"##;

/// What must not reach `output/` from [`EVIL_SVG`].
const EVIL_PARTS: [&str; 9] = [
    "script",
    "onload",
    "onclick",
    "alert",
    "foreignobject",
    "iframe",
    "evil.example",
    "javascript",
    "fremd",
];

fn assert_clean(svg: &str, what: &str) {
    let lower = svg.to_ascii_lowercase();
    for part in EVIL_PARTS {
        assert!(!lower.contains(part), "{what}: „{part}“ in\n{svg}");
    }
    // Still an SVG that draws what the original drew.
    let doc = roxmltree::Document::parse(svg).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    assert_eq!(doc.root_element().attribute("viewBox"), Some("0 0 200 100"));
    assert!(
        svg.contains("#1f4e79"),
        "{what}: the rectangle is gone\n{svg}"
    );
    assert!(
        doc.descendants()
            .any(|n| n.has_tag_name("text")
                && n.descendants().any(|t| t.text() == Some("Elbe-Elster"))),
        "{what}: the text is gone\n{svg}"
    );
}

#[test]
fn svg_images_and_the_logo_reach_the_site_without_scripts_or_external_references() {
    let project = example_copy();
    let root = project.path();
    fs::write(root.join("content/bilder/evil.svg"), EVIL_SVG).unwrap();
    fs::write(root.join("content/bilder/logo.svg"), EVIL_SVG).unwrap();
    append(
        root,
        "content/08-schlussbemerkungen.md",
        "\n![Karte des Kreisgebiets](bilder/evil.svg)\n",
    );
    let output = amip(root, &["build", "--html"]);
    assert!(output.status.success(), "{}", describe(&output));
    let site = root.join("output/html");
    for image in ["bilder/evil.svg", "bilder/logo.svg"] {
        let svg = fs::read_to_string(site.join(image)).unwrap();
        assert_clean(&svg, image);
    }
    let page = fs::read_to_string(site.join("08-schlussbemerkungen.html")).unwrap();
    assert!(page.contains("src=\"bilder/evil.svg\""), "{page}");
}

#[test]
fn the_example_logo_keeps_its_drawing_and_text() {
    let project = example_copy();
    let output = amip(project.path(), &["build", "--html"]);
    assert!(output.status.success(), "{}", describe(&output));
    let svg = fs::read_to_string(project.path().join("output/html/bilder/logo.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(doc.root_element().attribute("viewBox"), Some("0 0 360 96"));
    let texts: Vec<&str> = doc
        .descendants()
        .filter(roxmltree::Node::is_text)
        .filter_map(|n| n.text())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(texts, ["Jobcenter", "Elbe-Elster"], "{svg}");
    assert_eq!(
        doc.descendants().filter(|n| n.has_tag_name("path")).count(),
        4,
        "badge, two rivers and the bar: {svg}"
    );
}

#[test]
fn an_svg_usvg_cannot_read_is_refused_by_name() {
    let project = example_copy();
    // Well-formed XML with an svg root, but no size at all.
    fs::write(
        project.path().join("content/bilder/leer.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"0\" height=\"0\"/>",
    )
    .unwrap();
    build_fails_with(
        project.path(),
        &[
            "content/bilder/leer.svg",
            "kann nicht veröffentlicht werden",
            "keine gültige Größe",
        ],
    );
}

#[test]
fn every_page_of_the_example_forbids_scripts() {
    let project = example_copy();
    let output = amip(project.path(), &["build", "--html"]);
    assert!(output.status.success(), "{}", describe(&output));
    let site = project.path().join("output/html");
    let pages = html_pages(&site);
    assert!(pages.len() >= 10, "{pages:?}");
    for page in pages {
        let html = fs::read_to_string(site.join(&page)).unwrap();
        let head = html.split("</head>").next().unwrap();
        assert!(
            head.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none';"),
            "{page}: {head}"
        );
        assert!(!html.contains("<script"), "{page}");
    }
}

fn amip_into_full(project: &Path, args: &[&str], stdout_full: bool) -> Output {
    let full = || {
        fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let mut command = Command::new(env!("CARGO_BIN_EXE_amip"));
    command
        .arg("--project")
        .arg(project)
        .args(args)
        .env("AMIP_NO_INSTALL", "1")
        .stdin(Stdio::null());
    if stdout_full {
        command.stdout(full()).stderr(Stdio::piped());
    } else {
        command.stdout(Stdio::piped()).stderr(full());
    }
    command.output().unwrap()
}

#[cfg(unix)]
#[test]
fn a_full_terminal_ends_in_german_with_exit_1() {
    let project = example_copy();
    let output = amip_into_full(project.path(), &["build", "--html"], true);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(!text.contains("panicked"), "{text}");
    assert!(
        text.contains("Fehler: Die Standardausgabe von amip konnte nicht geschrieben werden (kein Speicherplatz mehr frei"),
        "{text}"
    );
    // The help goes to stdout too.
    let output = amip_into_full(project.path(), &["--help"], true);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(
        stderr(&output).contains("Standardausgabe"),
        "{}",
        describe(&output)
    );
    // A failing stderr (findings of a broken project) still gives exit 1, no panic (101).
    fs::write(project.path().join("content/gesamt.md"), "# Gesamt\n").unwrap();
    let output = amip_into_full(project.path(), &["build", "--html"], false);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
}

#[test]
fn chapter_and_image_names_are_percent_encoded_in_links() {
    let project = example_copy();
    let root = project.path();
    fs::write(
        root.join("content/09-a#b.md"),
        "# Anhang\n\n![Plan für 2020](bilder/plan #1.svg)\n",
    )
    .unwrap();
    fs::write(
        root.join("content/bilder/plan #1.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"><rect width=\"40\" height=\"20\" fill=\"#005a9c\"/></svg>",
    )
    .unwrap();
    // The Markdown link destination with a space needs angle brackets.
    let chapter = fs::read_to_string(root.join("content/09-a#b.md")).unwrap();
    fs::write(
        root.join("content/09-a#b.md"),
        chapter.replace("(bilder/plan #1.svg)", "(<bilder/plan #1.svg>)"),
    )
    .unwrap();
    let output = amip(root, &["build", "--html"]);
    assert!(output.status.success(), "{}", describe(&output));
    let site = root.join("output/html");
    assert!(site.join("09-a#b.html").is_file());
    assert!(site.join("bilder/plan #1.svg").is_file());
    let index = fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains("href=\"09-a%23b.html\""), "{index}");
    assert!(!index.contains("href=\"09-a#b.html\""), "{index}");
    let previous = fs::read_to_string(site.join("08-schlussbemerkungen.html")).unwrap();
    assert!(
        previous.contains("class=\"weiter\" href=\"09-a%23b.html\""),
        "{previous}"
    );
    let page = fs::read_to_string(site.join("09-a#b.html")).unwrap();
    assert!(page.contains("src=\"bilder/plan%20%231.svg\""), "{page}");
}

#[test]
fn a_chapter_named_gesamt_is_refused_like_index() {
    let project = example_copy();
    fs::write(
        project.path().join("content/gesamt.md"),
        "# Gesamt\n\nText.\n",
    )
    .unwrap();
    build_fails_with(
        project.path(),
        &[
            "content/gesamt.md",
            "ein Kapitel darf nicht „gesamt“ heißen",
        ],
    );
}

#[test]
fn only_a_bare_fragment_is_checked_as_a_heading_link() {
    let project = example_copy();
    append(
        project.path(),
        "content/03-ziele.md",
        "\n[A](//evil.example/x#ausbildungsmarkt) und [B](bericht.pdf#abschnitt) und [C](/etc/passwd#ausbildungsmarkt)\n",
    );
    build_fails_with(
        project.path(),
        &[
            "content/03-ziele.md",
            "der Link „//evil.example/x#ausbildungsmarkt“ nennt eine Adresse ohne https://",
            "der Link „bericht.pdf#abschnitt“ zeigt auf eine Datei",
            "der Link „/etc/passwd#ausbildungsmarkt“ zeigt auf eine Datei",
        ],
    );
}

/// A project's own page template without the policy still gets it: scripts it adds never run.
#[test]
fn a_page_template_without_the_policy_gets_it_all_the_same() {
    let project = example_copy();
    let basis = project.path().join("templates/html/basis.html");
    let text = fs::read_to_string(&basis).unwrap();
    let stripped: String = text
        .lines()
        .filter(|line| !line.contains("Content-Security-Policy"))
        .map(|line| format!("{line}\n"))
        .collect::<String>()
        .replace("</head>", "<script>alert(1)</script></head>");
    fs::write(&basis, stripped).unwrap();
    let output = amip(project.path(), &["build", "--html"]);
    assert!(output.status.success(), "{}", describe(&output));
    let site = project.path().join("output/html");
    for name in html_pages(&site) {
        let page = fs::read_to_string(site.join(&name)).unwrap();
        let head = page.split("</head>").next().unwrap();
        assert!(head.contains("script-src 'none'"), "{name}: {head}");
    }
}
