//! Issue: `amip check` and robustness. Every kind of bad input gives a German message that
//! says where and what, exit code 1, no panic, and leaves the previous output untouched.

use crate::common;

use std::fs;
use std::path::Path;

use crate::common::{amip, describe, example_copy, pdf_text, require_typst};

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Builds the site once, applies `mutate`, builds again: must fail with all `expected`
/// texts in stderr and leave `output/` exactly as it was.
fn fails_keeping_output(mutate: impl FnOnce(&Path), expected: &[&str]) -> String {
    let project = example_copy();
    let first = amip(project.path(), &["build", "--html"]);
    assert!(first.status.success(), "{}", describe(&first));
    let index = project.path().join("output/html/index.html");
    let before = fs::read(&index).unwrap();
    mutate(project.path());
    let second = amip(project.path(), &["build", "--html"]);
    let text = stderr(&second);
    assert_eq!(second.status.code(), Some(1), "{}", describe(&second));
    assert!(!text.contains("panicked"), "{text}");
    for part in expected {
        assert!(text.contains(part), "expected „{part}“ in:\n{text}");
    }
    assert!(text.contains("output/ ist unverändert"), "{text}");
    assert_eq!(
        fs::read(&index).unwrap(),
        before,
        "previous output untouched"
    );
    let work = project.path().join(".amip-tmp");
    assert!(
        !work.is_dir() || fs::read_dir(&work).unwrap().next().is_none(),
        "no staging left behind"
    );
    text
}

fn edit(project: &Path, rel: &str, from: &str, to: &str) {
    let path = project.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} contains {from}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn check_on_the_example_is_clean() {
    let project = example_copy();
    let output = amip(project.path(), &["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("Keine Fehler gefunden."));
    assert!(
        !project.path().join("output").exists(),
        "check writes nothing"
    );
}

#[test]
fn check_final_lists_every_pending_value_with_its_line() {
    let project = example_copy();
    let output = amip(project.path(), &["check", "--final"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let text = stderr(&output);
    for place in [
        "data/ziele.yaml:17:5",
        "data/ziele.yaml:20:5",
        "data/ziele.yaml:26:5",
        "data/ziele.yaml:29:5",
        "data/ziele.yaml:32:5",
    ] {
        assert!(text.contains(place), "{place} in:\n{text}");
    }
    assert_eq!(text.matches("noch nicht abgestimmt").count(), 5, "{text}");
    let build = amip(project.path(), &["build", "--html", "--final"]);
    assert_eq!(build.status.code(), Some(1));
    assert!(!project.path().join("output").exists());
}

#[test]
fn draft_status_marks_pdf_pages_and_site_and_blocks_final() {
    require_typst();
    let project = example_copy();
    edit(
        project.path(),
        "data/programm.yaml",
        "status: final",
        "status: draft",
    );
    let output = amip(project.path(), &["build"]);
    assert!(output.status.success(), "{}", describe(&output));
    let text = pdf_text(
        &project
            .path()
            .join("output/arbeitsmarkt-und-integrationsprogramm-2020.pdf"),
    );
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(pages.len() > 10);
    for (number, page) in pages.iter().enumerate() {
        assert!(
            page.contains("ENTWURF"),
            "page {} lacks the draft mark",
            number + 1
        );
    }
    let index = fs::read_to_string(project.path().join("output/html/index.html")).unwrap();
    assert!(index.contains("class=\"entwurf\""), "draft banner");
    let chapter = fs::read_to_string(project.path().join("output/html/03-ziele.html")).unwrap();
    assert!(
        chapter.contains("class=\"entwurf\""),
        "draft banner on every page"
    );

    let final_check = amip(project.path(), &["check", "--final"]);
    assert_eq!(final_check.status.code(), Some(1));
    assert!(
        stderr(&final_check).contains("data/programm.yaml:"),
        "{}",
        stderr(&final_check)
    );
    assert!(stderr(&final_check).contains("„draft“"));
}

#[test]
fn arithmetic_mismatch_names_file_line_values_and_difference() {
    let project = example_copy();
    edit(project.path(), "data/budget.yaml", "16199332", "16199333");
    let output = amip(project.path(), &["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let text = stderr(&output);
    assert!(text.contains("data/budget.yaml:"), "{text}");
    assert!(
        text.contains("„budget.gesamt.vorjahr“ ist 16.199.333"),
        "{text}"
    );
    assert!(
        text.contains("ergibt aber 16.199.332 (Differenz 1)"),
        "{text}"
    );

    let project = common::example_copy_with_yaml_elb();
    edit(
        project.path(),
        "data/elb.yaml",
        "alter_25_55: 122",
        "alter_25_55: 121",
    );
    let text = stderr(&amip(project.path(), &["check"]));
    // The row total and both column sums it feeds are reported.
    assert!(
        text.contains(
            "Zeile „elb.integrationsprognose.marktnah“, Spalte „gesamt“: eingetragen ist 173"
        ),
        "{text}"
    );
    assert!(
        text.contains("„elb.integrationsprognose.elb_gesamt.alter_25_55“ ist 3.247"),
        "{text}"
    );
}

#[test]
fn all_findings_are_reported_not_just_the_first() {
    let project = example_copy();
    edit(project.path(), "data/budget.yaml", "16199332", "16199333");
    edit(
        project.path(),
        "content/03-ziele.md",
        "| zahl }}",
        "| zahll }}",
    );
    let output = amip(project.path(), &["check"]);
    let text = stderr(&output);
    assert!(text.contains("Rechenprobe"), "{text}");
    assert!(text.contains("content/03-ziele.md"), "{text}");
    assert!(text.contains("2 Fehler"), "{text}");
}

#[test]
fn malformed_yaml_shows_line_column_and_caret() {
    let text = fails_keeping_output(
        |p| {
            fs::write(
                p.join("data/personal.yaml"),
                "kapazitaeten: 148\nanteil_ba: [54\n",
            )
            .unwrap()
        },
        &["data/personal.yaml:"],
    );
    assert!(
        text.contains("╰──") || text.contains("▲"),
        "excerpt with caret:\n{text}"
    );
}

#[test]
fn duplicate_keys_are_errors() {
    fails_keeping_output(
        |p| {
            fs::write(
                p.join("data/personal.yaml"),
                "kapazitaeten: 148\nkapazitaeten: 149\nanteil_ba: 54\n",
            )
            .unwrap()
        },
        &["data/personal.yaml:2"],
    );
}

#[test]
fn text_where_a_number_is_expected() {
    fails_keeping_output(
        |p| edit(p, "data/budget.yaml", "9069867", "\"neun Millionen\""),
        &[
            "Die Tabelle „budget“: „budget.verwaltungskosten.vorjahr“ ist keine Zahl (gefunden: Text „neun Millionen“)",
            // Reported at the value in its data file, not at the table that uses it.
            "data/budget.yaml:6:12",
        ],
    );
}

#[test]
fn unknown_chart_kind_and_missing_series() {
    fails_keeping_output(
        |p| edit(p, "data/abbildungen.yaml", "art: ring", "art: torte"),
        &["data/abbildungen.yaml:"],
    );
    fails_keeping_output(
        |p| {
            edit(
                p,
                "data/abbildungen.yaml",
                "werte: elb.jdw",
                "werte: elb.jdw_alt",
            )
        },
        &[
            "Abbildung „elb“",
            "„elb.jdw_alt“ existiert nicht",
            "data/abbildungen.yaml",
        ],
    );
}

#[test]
fn a_gap_in_a_year_series() {
    fails_keeping_output(
        |p| {
            fs::write(
                p.join("data/elb.yaml"),
                include_str!("common/elb-als-yaml.yaml"),
            )
            .unwrap();
            edit(p, "data/elb.yaml", "  2014: 7871\n", "");
        },
        &["„elb.jdw“ hat Lücken: es fehlt 2014", "data/elb.yaml:"],
    );
}

#[test]
fn alias_bomb_is_refused_quickly() {
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (name, prev) in [
        ("b", "a"),
        ("c", "b"),
        ("d", "c"),
        ("e", "d"),
        ("f", "e"),
        ("g", "f"),
        ("h", "g"),
        ("i", "h"),
    ] {
        bomb.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    let started = std::time::Instant::now();
    fails_keeping_output(
        move |p| fs::write(p.join("data/bombe.yaml"), bomb).unwrap(),
        &["data/bombe.yaml"],
    );
    // Bounded: a billion expansions would take minutes and gigabytes.
    assert!(started.elapsed().as_secs() < 60);
}

#[test]
fn very_deep_nesting_is_refused() {
    let deep = format!("x: {}1{}\n", "[".repeat(5000), "]".repeat(5000));
    fails_keeping_output(
        move |p| fs::write(p.join("data/tief.yaml"), deep).unwrap(),
        &["data/tief.yaml"],
    );
}

#[test]
fn non_utf8_file() {
    fails_keeping_output(
        |p| fs::write(p.join("data/latin1.yaml"), b"ort: M\xfcnchen\n").unwrap(),
        &["data/latin1.yaml ist nicht in UTF-8 kodiert (ungültiges Byte in Zeile 1)"],
    );
}

#[test]
fn empty_content_folder() {
    fails_keeping_output(
        |p| {
            for entry in fs::read_dir(p.join("content")).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    fs::remove_dir_all(path).unwrap();
                } else {
                    fs::remove_file(path).unwrap();
                }
            }
        },
        &["Der Ordner content/ enthält keine Kapitel"],
    );
}

#[test]
fn unclosed_template_tag_names_chapter_and_line() {
    let text = fails_keeping_output(
        |p| {
            edit(
                p,
                "content/04-ressourcen.md",
                "{{ tabelle(id=\"budget\") }}",
                "{{ tabelle(id=\"budget\")",
            )
        },
        &[
            "Vorlagenfehler in content/04-ressourcen.md",
            "content/04-ressourcen.md:",
        ],
    );
    assert!(!text.contains("Unexpected"), "translated: {text}");
}

#[test]
fn unknown_filter_variable_and_bad_arguments() {
    fails_keeping_output(
        |p| edit(p, "content/03-ziele.md", "| zahl }}", "| zahll }}"),
        &["content/03-ziele.md:", "zahll"],
    );
    fails_keeping_output(
        |p| {
            edit(
                p,
                "content/04-ressourcen.md",
                "| mio_euro }}",
                "| mio_euro(stellen=99) }}",
            )
        },
        &[
            "content/04-ressourcen.md:",
            "stellen muss zwischen 0 und 6 liegen",
        ],
    );
    fails_keeping_output(
        |p| {
            edit(
                p,
                "content/04-ressourcen.md",
                "{{ tabelle(id=\"budget\") }}",
                "{{ tabelle(id=\"budgett\") }}",
            )
        },
        &[
            "content/04-ressourcen.md:",
            "nichts unter „budgett“ erklärt (vorhanden: integrationsprognose, budget",
        ],
    );
}

#[test]
fn a_missing_data_file_that_a_chapter_uses() {
    fails_keeping_output(
        |p| fs::remove_file(p.join("data/personal.yaml")).unwrap(),
        &["content/04-ressourcen.md:", "personal"],
    );
}

#[test]
fn image_paths_outside_the_project_or_absolute() {
    fails_keeping_output(
        |p| {
            edit(
                p,
                "content/08-schlussbemerkungen.md",
                "# Schlussbemerkungen",
                "# Schlussbemerkungen\n\n![Geheim](../../etc/geheim.png)",
            )
        },
        &["führt aus dem Ordner content/ hinaus"],
    );
    fails_keeping_output(
        |p| {
            edit(
                p,
                "content/08-schlussbemerkungen.md",
                "# Schlussbemerkungen",
                "# Schlussbemerkungen\n\n![Geheim](/etc/geheim.png)",
            )
        },
        &["ist absolut"],
    );
    fails_keeping_output(
        |p| {
            edit(
                p,
                "content/08-schlussbemerkungen.md",
                "# Schlussbemerkungen",
                "# Schlussbemerkungen\n\n![Logo](https://example.org/logo.png)",
            )
        },
        &["keine externen Anfragen"],
    );
}

#[test]
fn references_and_links_that_lead_nowhere() {
    fails_keeping_output(
        |p| {
            edit(
                p,
                "content/08-schlussbemerkungen.md",
                "# Schlussbemerkungen",
                "# Schlussbemerkungen\n\nSiehe [oben](#gibt-es-nicht).",
            )
        },
        &["der Link „#gibt-es-nicht“ führt ins Leere"],
    );
    fails_keeping_output(
        |p| {
            edit(
                p,
                "content/08-schlussbemerkungen.md",
                "# Schlussbemerkungen",
                "# Schlussbemerkungen\n\n{{ verweis(abbildung=\"fehlt\") }}",
            )
        },
        &[
            "content/08-schlussbemerkungen.md:",
            "„fehlt“ ist nicht erklärt",
        ],
    );
}

#[test]
fn nan_infinity_huge_and_negative_numbers() {
    fails_keeping_output(
        |p| edit(p, "data/personal.yaml", "148", ".nan"),
        &["data/personal.yaml:"],
    );
    fails_keeping_output(
        |p| edit(p, "data/personal.yaml", "148", "-.inf"),
        &["data/personal.yaml:"],
    );
    // Huge and negative numbers are figures: they build, formatted in German.
    let project = example_copy();
    edit(
        project.path(),
        "data/personal.yaml",
        "148",
        "-1234567890123",
    );
    let output = amip(project.path(), &["build", "--html"]);
    assert!(output.status.success(), "{}", describe(&output));
    let page = fs::read_to_string(project.path().join("output/html/04-ressourcen.html")).unwrap();
    assert!(
        page.contains("−1.234.567.890.123"),
        "German minus and grouping"
    );
    let project = common::example_copy_with_yaml_elb();
    edit(
        project.path(),
        "data/elb.yaml",
        "2015: 7490",
        "2015: 1.0e300",
    );
    let output = amip(project.path(), &["build", "--html"]);
    assert!(
        !stderr(&output).contains("panicked"),
        "{}",
        describe(&output)
    );
    assert!(matches!(output.status.code(), Some(0 | 1)));
}

#[test]
fn an_output_folder_that_cannot_be_written() {
    fails_keeping_output(
        |p| fs::write(p.join(".amip-tmp"), "kein Ordner").unwrap(),
        &[".amip-tmp ist eine Datei; amip braucht an dieser Stelle einen eigenen Ordner"],
    );
}

#[test]
fn a_typst_failure_is_reported_and_keeps_output() {
    require_typst();
    let project = example_copy();
    let first = amip(project.path(), &["build"]);
    assert!(first.status.success(), "{}", describe(&first));
    let pdf = project
        .path()
        .join("output/arbeitsmarkt-und-integrationsprogramm-2020.pdf");
    let before = fs::read(&pdf).unwrap();
    let template = project.path().join("templates/typst/main.typ");
    let text = fs::read_to_string(&template).unwrap();
    fs::write(&template, text.replace("#outline(", "#outlinee(")).unwrap();
    let second = amip(project.path(), &["build"]);
    assert_eq!(second.status.code(), Some(1), "{}", describe(&second));
    let err = stderr(&second);
    assert!(
        err.contains("Der PDF-Satz mit typst ist fehlgeschlagen"),
        "{err}"
    );
    // In German, naming the project's template, never a line of the generated main.typ.
    assert!(err.contains("unbekannter Name „outlinee“"), "{err}");
    assert!(err.contains("templates/typst/main.typ"), "{err}");
    assert!(!err.contains("output/typst/main.typ"), "{err}");
    assert_eq!(fs::read(&pdf).unwrap(), before);
    // check finds the same error, with typst, and writes nothing.
    let check = amip(project.path(), &["check"]);
    assert_eq!(check.status.code(), Some(1), "{}", describe(&check));
    assert!(stderr(&check).contains("unbekannter Name „outlinee“"));
    assert_eq!(fs::read(&pdf).unwrap(), before);
}

#[test]
fn injection_stays_literal_in_html_and_pdf() {
    require_typst();
    let project = example_copy();
    let hostile = r##"#read("/etc/passwd") #sys.exit() $x$ <script>alert(1)</script> " onmouseover="alert(2)"##;
    let yaml_value = hostile.replace('\\', "\\\\").replace('"', "\\\"");
    let data = project.path().join("data/personal.yaml");
    let mut text = fs::read_to_string(&data).unwrap();
    text.push_str(&format!("boese: \"{yaml_value}\"\n"));
    fs::write(&data, text).unwrap();
    edit(
        project.path(),
        "content/04-ressourcen.md",
        "# Ressourcen\n",
        "# Ressourcen\n\nWert: {{ personal.boese }}\n",
    );
    edit(
        project.path(),
        "data/tabellen.yaml",
        "titel: \"Verwaltungskosten (VK)\"",
        &format!("titel: \"{yaml_value}\""),
    );
    edit(
        project.path(),
        "data/abbildungen.yaml",
        "x_titel: Jahr",
        &format!("x_titel: \"{yaml_value}\""),
    );
    let output = amip(project.path(), &["build"]);
    assert!(output.status.success(), "{}", describe(&output));

    let html = fs::read_to_string(project.path().join("output/html/04-ressourcen.html")).unwrap();
    assert!(!html.contains("<script>alert"), "no script element");
    assert!(!html.contains("\" onmouseover=\""), "no attribute breakout");
    assert!(
        html.matches("&lt;script&gt;alert(1)&lt;/script&gt;")
            .count()
            >= 2,
        "text and table cell"
    );
    let chart_page =
        fs::read_to_string(project.path().join("output/html/01-grundsicherung.html")).unwrap();
    assert!(!chart_page.contains("<script>alert"));

    let pdf = pdf_text(
        &project
            .path()
            .join("output/arbeitsmarkt-und-integrationsprogramm-2020.pdf"),
    );
    let flat: String = pdf.split_whitespace().collect::<Vec<_>>().join(" ");
    // Straight quotes become German quotes in running text, as everywhere.
    for literal in [
        "#read(„/etc/passwd“)",
        "#sys.exit()",
        "$x$",
        "<script>alert(1)</script>",
        "„ onmouseover=“alert(2)",
    ] {
        assert!(flat.contains(literal), "PDF shows {literal} literally");
    }
    assert!(!flat.contains("root:x:0"), "no file was read");
    let main = fs::read_to_string(project.path().join("output/typst/main.typ")).unwrap();
    assert!(
        main.contains("\\#read(„\\/etc\\/passwd“)"),
        "escaped in main.typ"
    );
}

#[test]
fn local_images_are_copied_into_both_outputs() {
    require_typst();
    let project = example_copy();
    fs::create_dir_all(project.path().join("content/bilder")).unwrap();
    fs::write(
        project.path().join("content/bilder/logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"><rect width=\"40\" height=\"20\" fill=\"#1f4e79\"/></svg>",
    )
    .unwrap();
    edit(
        project.path(),
        "content/08-schlussbemerkungen.md",
        "# Schlussbemerkungen\n",
        "# Schlussbemerkungen\n\n![Logo des Jobcenters](bilder/logo.svg)\n",
    );
    let output = amip(project.path(), &["build"]);
    assert!(output.status.success(), "{}", describe(&output));
    let html = fs::read_to_string(
        project
            .path()
            .join("output/html/08-schlussbemerkungen.html"),
    )
    .unwrap();
    assert!(
        html.contains("<img class=\"bild\" src=\"bilder/logo.svg\" alt=\"Logo des Jobcenters\""),
        "{html}"
    );
    assert!(project.path().join("output/html/bilder/logo.svg").is_file());
    assert!(project
        .path()
        .join("output/typst/bilder/logo.svg")
        .is_file());
}
