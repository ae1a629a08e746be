//! Issue 10: numbers an author can trust. German number traps, percentages, example values,
//! pending values through arithmetic, German messages and the smaller gaps, each with the
//! inputs quoted in the issue, asserting the message and its file:line.

use crate::common;

use std::fs;
use std::path::Path;

use crate::common::{amip, describe, example_copy};

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn edit(project: &Path, rel: &str, from: &str, to: &str) {
    let path = project.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} contains {from}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn append(project: &Path, rel: &str, text: &str) {
    let path = project.join(rel);
    let mut old = fs::read_to_string(&path).unwrap_or_default();
    old.push_str(text);
    fs::write(&path, old).unwrap();
}

/// Runs `amip check`; asserts the exit code and that every part is in stderr.
fn check(project: &Path, args: &[&str], code: i32, parts: &[&str]) -> String {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let output = amip(project, &all);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(code), "{}", describe(&output));
    assert!(!text.contains("panicked"), "{text}");
    for part in parts {
        assert!(text.contains(part), "expected „{part}“ in:\n{text}");
    }
    text
}

/// English words of the messages the issue quotes: none may reach an author.
fn assert_no_english(text: &str) {
    for english in [
        "is not defined",
        "Tried to render",
        "can only be used",
        "Math operations",
        "Cannot divide",
        "requires both",
        "found `",
        "unexpected argument",
        "Usage:",
        "error:",
        "tabs ",
        "disallowed",
    ] {
        assert!(!text.contains(english), "English „{english}“ in:\n{text}");
    }
}

/// A chapter of its own, placed last, with the given body.
fn chapter(project: &Path, body: &str) {
    fs::write(
        project.join("content/09-test.md"),
        format!("# Test\n\n{body}\n"),
    )
    .unwrap();
}

#[test]
fn german_thousands_point_shown_rounded_is_an_error_at_the_data_line() {
    let project = example_copy();
    edit(
        project.path(),
        "data/ziele.yaml",
        "integrationen: 1141",
        "integrationen: 2.760",
    );
    let text = check(
        project.path(),
        &[],
        1,
        &[
            "data/ziele.yaml:5:16",
            "„ziele.integrationen: 2.760“ wird als Dezimalzahl 2,76 gelesen und erscheint in content/03-ziele.md:26 gerundet als „3“.",
            "schreiben Sie 2760",
        ],
    );
    assert_no_english(&text);

    // 1.141 prints as 1 today.
    edit(
        project.path(),
        "data/ziele.yaml",
        "integrationen: 2.760",
        "integrationen: 1.141",
    );
    check(
        project.path(),
        &[],
        1,
        &[
            "data/ziele.yaml:5:16",
            "wird als Dezimalzahl 1,141 gelesen und erscheint in content/03-ziele.md:26 gerundet als „1“",
            "schreiben Sie 1141",
        ],
    );
}

#[test]
fn thousands_point_in_a_table_or_chart_is_an_error_at_the_data_line() {
    let project = common::example_copy_with_yaml_elb();
    edit(project.path(), "data/elb.yaml", "2009: 9912", "2009: 9.912");
    check(
        project.path(),
        &[],
        1,
        &[
            "data/elb.yaml:13:9",
            "„elb.jdw.2009: 9.912“ wird als Dezimalzahl 9,912 gelesen und erscheint in der Abbildung „elb“ gerundet als „10“.",
            "schreiben Sie 9912",
        ],
    );
}

#[test]
fn a_thousands_point_shown_with_three_decimals_is_fine() {
    let project = example_copy();
    append(project.path(), "data/ziele.yaml", "faktor: 1.250\n");
    chapter(
        project.path(),
        "Faktor {{ ziele.faktor | zahl(stellen=3) }}.",
    );
    check(project.path(), &[], 0, &[]);
}

#[test]
fn numbers_written_as_text_are_reported_at_the_data_line() {
    let project = example_copy();
    edit(
        project.path(),
        "data/ziele.yaml",
        "integrationen: 1141",
        "integrationen: \"1.141\"",
    );
    check(
        project.path(),
        &[],
        1,
        &[
            "data/ziele.yaml:5:16",
            "„ziele.integrationen“ ist als Text geschrieben („1.141“), der Filter in content/03-ziele.md:26 braucht aber eine Zahl.",
            "schreiben Sie 1141",
        ],
    );
    let project = example_copy();
    edit(
        project.path(),
        "data/ziele.yaml",
        "integrationsquote: 23.4",
        "integrationsquote: 23,4",
    );
    let text = check(
        project.path(),
        &[],
        1,
        &[
            "data/ziele.yaml:6:20",
            "„ziele.integrationsquote“ ist als Text geschrieben („23,4“)",
            "schreiben Sie 23.4",
        ],
    );
    assert!(!text.contains("content/03-ziele.md:26:"), "{text}");
}

#[test]
fn fractions_given_to_prozent_warn_at_the_data_line() {
    let project = example_copy();
    edit(
        project.path(),
        "data/ziele.yaml",
        "integrationsquote: 23.4",
        "integrationsquote: 0.558",
    );
    check(
        project.path(),
        &[],
        0,
        &[
            "data/ziele.yaml:6:20",
            "„ziele.integrationsquote: 0.558“ erscheint in content/03-ziele.md mit prozent als „0,6\u{a0}Prozent“.",
            "sind 55,8 % gemeint, schreiben Sie 55.8",
            "1 Warnung",
        ],
    );

    // Table and chart formats.
    let project = example_copy();
    append(
        project.path(),
        "data/ziele.yaml",
        "quoten:\n  elb: 0.558\n  jc: 0.25\n",
    );
    append(
        project.path(),
        "data/tabellen.yaml",
        "quoten:\n  titel: Quoten\n  zeilen:\n    - { titel: Quote, daten: ziele.quoten }\n  spalten:\n    - { titel: ELB, feld: elb, format: prozent }\n",
    );
    append(
        project.path(),
        "data/abbildungen.yaml",
        "quoten:\n  art: balken\n  titel: Quoten\n  alt: Balken der Quoten.\n  format: prozent\n  reihen:\n    - { name: Quote, werte: ziele.quoten }\n",
    );
    chapter(
        project.path(),
        "{{ tabelle(id=\"quoten\") }}\n\n{{ abbildung(id=\"quoten\") }}",
    );
    let text = check(
        project.path(),
        &[],
        0,
        &[
            "„ziele.quoten.elb: 0.558“ erscheint in der Tabelle „quoten“ mit prozent als „0,6\u{a0}%“.",
            "„ziele.quoten.elb: 0.558“ erscheint in der Abbildung „quoten“ mit prozent als „0,6\u{a0}%“.",
        ],
    );
    assert!(text.contains("data/ziele.yaml:"), "{text}");
    assert!(
        !text.contains("ziele.quoten.jc"),
        "two decimals are no fraction trap: {text}"
    );
}

#[test]
fn example_values_with_nested_paths_mark_tables_and_block_final() {
    let project = common::example_copy_with_yaml_elb();
    edit(
        project.path(),
        "data/elb.yaml",
        "beispielwerte: [jdw]",
        "beispielwerte: [jdw.2018, integrationsprognose.marktnah]",
    );
    edit(
        project.path(),
        "content/01-grundsicherung.md",
        "\n",
        "\nIm Jahr 2018: {{ elb.jdw[\"2018\"] | zahl }}.\n",
    );
    let build = amip(project.path(), &["build", "--html"]);
    assert!(build.status.success(), "{}", describe(&build));
    let site: String = fs::read_dir(project.path().join("output/html"))
        .unwrap()
        .filter_map(|e| fs::read_to_string(e.unwrap().path()).ok())
        .collect();
    assert!(site.contains("(Beispielwerte)"), "marked captions");

    let text = check(
        project.path(),
        &["--final"],
        1,
        &[
            // One entry per example key, at its line in data/elb.yaml, with its uses.
            "Der Beispielwert „elb.jdw.2018“ wird 2-mal verwendet: content/01-grundsicherung.md:2, Abbildung „elb“;",
            "─[data/elb.yaml:",
            "Der Beispielwert „elb.integrationsprognose.marktnah“ wird 2-mal verwendet: Tabelle „integrationsprognose“, Abbildung „integrationsprognose“;",
            "Beispielwerte (",
        ],
    );
    assert_no_english(&text);

    // A path that does not exist.
    edit(
        project.path(),
        "data/elb.yaml",
        "beispielwerte: [jdw.2018, integrationsprognose.marktnah]",
        "beispielwerte: [jdw.2018, kennzahlen.k2]",
    );
    check(
        project.path(),
        &[],
        1,
        &[
            "data/elb.yaml:7:27",
            "beispielwerte: „kennzahlen.k2“ gibt es in data/elb.yaml nicht",
        ],
    );
}

#[test]
fn pending_values_flow_through_arithmetic_filters_and_functions() {
    let project = example_copy();
    fs::write(
        project.path().join("data/offen.yaml"),
        "a: ~\nb: 5\nc: in_abstimmung\nd: -42.8\nliste: [~]\n",
    )
    .unwrap();
    chapter(
        project.path(),
        "A1 {{ (offen.a - offen.b) | zahl }}\n\nA2 {{ offen.b * offen.c }}\n\nA3 {{ (offen.b / offen.a) | prozent }}\n\n\
         A4 {% if offen.a > offen.b %}mehr{% else %}weniger{% endif %}\n\nA5 {{ offen.a | abs | zahl }}\n\n\
         A6 {{ anteil(teil=offen.a, ganzes=offen.b) | prozent }}\n\nA7 {{ differenz(von=offen.c, auf=offen.b) | veraenderung }}\n\n\
         A8 {{ veraenderung_prozent(von=offen.a, auf=offen.b) | betrag | prozent }}\n\n\
         A9 {% set x = offen.a + 1 %}{{ x | euro }}\n\nA10 {{ offen.d | betrag | prozent }}\n\nA11 {{ offen.c + offen.b }}\n\n\
         A12 {{ offen.a }}\n\nA13 {{- \" \" -}}{{- offen.c -}}\n\nA14 {% set y = offen.a %}{{ y }}\n\n\
         A15 {% for v in offen.liste %}{{ v }}{% endfor %}\n\nA16 {{ offen[\"a\"] }}\n\nA17 {{ offen.b }} und {{ offen.d }}",
    );
    let build = amip(project.path(), &["build", "--html"]);
    assert!(build.status.success(), "{}", describe(&build));
    let html = fs::read_to_string(project.path().join("output/html/09-test.html")).unwrap();
    let pending = "… (derzeit in Abstimmung)";
    for label in [
        "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A11", "A12", "A13", "A14", "A15",
        "A16",
    ] {
        assert!(
            html.contains(&format!("{label} {pending}")),
            "{label} pending in:\n{html}"
        );
    }
    assert!(html.contains("A10 42,8\u{a0}Prozent"), "{html}");
    // Values that are not pending print as before.
    assert!(html.contains("A17 5 und -42.8"), "{html}");
}

#[test]
fn a_missing_key_in_a_plain_print_is_named_where_it_stands() {
    let project = example_copy();
    fs::write(project.path().join("data/offen.yaml"), "a: ~\n").unwrap();
    // The last key is missing, then the first: each is named at its own column.
    chapter(
        project.path(),
        "Text {{ offen.a }}\n\nWert: {{ ziele.fehlt }}",
    );
    fs::write(
        project.path().join("content/10-zwei.md"),
        "# Zwei\n\nNoch {{ gibtsnicht }} und {{ offen.a }}\n",
    )
    .unwrap();
    let text = check(
        project.path(),
        &[],
        1,
        &[
            "content/09-test.md:5:16",
            "„fehlt“",
            "content/10-zwei.md:3:9",
            "Die Variable „gibtsnicht“ gibt es nicht.",
        ],
    );
    assert_no_english(&text);
}

#[test]
fn template_messages_are_german_with_chapter_line() {
    let cases = [
        (
            "{{ ziele.fehlt.wert }}",
            "Den Schlüssel „fehlt“ gibt es hier nicht. Vorhanden sind: integrationen,",
        ),
        (
            "{{ ziele?.fehlt }}",
            "Dieser Wert ist in den Daten nicht vorhanden",
        ),
        (
            "{{ programm.jobcenter | abs }}",
            "Dieser Filter geht nur mit Zahlen, hier steht Text.",
        ),
        (
            "{{ programm.jobcenter * 2 }}",
            "Gerechnet werden kann nur mit Zahlen, hier steht Text.",
        ),
        (
            "{{ ziele.integrationen / 0 }}",
            "Division durch 0: der Wert, durch den geteilt wird, ist 0.",
        ),
        (
            "{{ programm.jobcenter + 1 }}",
            "„+“ braucht auf beiden Seiten eine Zahl, hier stehen Text und eine Zahl.",
        ),
        (
            "{{ gibtsnicht }}",
            "Die Variable „gibtsnicht“ gibt es nicht.",
        ),
    ];
    for (template, german) in cases {
        let project = example_copy();
        chapter(project.path(), &format!("Text\n\nWert: {template}"));
        let text = check(project.path(), &[], 1, &["content/09-test.md:5:", german]);
        assert_no_english(&text);
    }
}

#[test]
fn yaml_tabs_and_unknown_options_are_german() {
    let project = example_copy();
    fs::write(
        project.path().join("data/tab.yaml"),
        "werte:\n\terster: 1\n",
    )
    .unwrap();
    let text = check(project.path(), &[], 1, &["data/tab.yaml:2:", "Tabulator"]);
    assert_no_english(&text);

    let output = amip(project.path(), &["check", "--gibtsnicht"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let text = stderr(&output);
    assert!(
        text.contains("Die Option „--gibtsnicht“ gibt es nicht.") && text.contains("amip --help"),
        "{text}"
    );
    assert_no_english(&text);
    let output = amip(project.path(), &["bauen"]);
    let text = stderr(&output);
    assert!(text.contains("Den Befehl „bauen“ gibt es nicht."), "{text}");
    assert_no_english(&text);
}

#[test]
fn sum_checks_over_year_series_with_different_years() {
    let project = example_copy();
    fs::write(
        project.path().join("data/reihen.yaml"),
        "gesamt:\n  2018: 10\n  2019: 12\n  2020: 15\nteil_a:\n  2019: 5\n  2020: 7\nteil_b:\n  2018: 4\n  2019: 7\n  2020: 8\n",
    )
    .unwrap();
    append(
        project.path(),
        "data/pruefungen.yaml",
        "- summe: reihen.gesamt\n  teile: [reihen.teil_a, reihen.teil_b]\n",
    );
    let text = check(
        project.path(),
        &[],
        0,
        &["„reihen.gesamt“ und seine Teile haben nicht dieselben Schlüssel: „reihen.teil_a“ fehlt 2018. Verglichen werden nur 2019, 2020."],
    );
    assert!(text.contains("data/pruefungen.yaml:"), "{text}");
    // A wrong sum in a common year is still found.
    edit(
        project.path(),
        "data/reihen.yaml",
        "  2020: 8\n",
        "  2020: 9\n",
    );
    check(
        project.path(),
        &[],
        1,
        &["Rechenprobe: „reihen.gesamt.2020“ ist 15, die Summe von reihen.teil_a.2020 + reihen.teil_b.2020 ergibt aber 16"],
    );
}

#[test]
fn keys_with_umlauts_are_named_with_brackets() {
    let project = example_copy();
    append(
        project.path(),
        "data/elb.yaml",
        "geschlecht:\n  männer: 2603\n",
    );
    chapter(project.path(), "Männer: {{ elb.geschlecht.männer | zahl }}");
    let output = amip(project.path(), &["build", "--html"]);
    if output.status.success() {
        let html = fs::read_to_string(project.path().join("output/html/09-test.html")).unwrap();
        assert!(html.contains("Männer: 2.603"), "{html}");
    } else {
        let text = stderr(&output);
        assert!(
            text.contains("content/09-test.md:3:") && text.contains("elb.geschlecht[\"männer\"]"),
            "{text}"
        );
    }
    chapter(
        project.path(),
        "Männer: {{ elb.geschlecht[\"männer\"] | zahl }}",
    );
    let output = amip(project.path(), &["build", "--html"]);
    assert!(output.status.success(), "{}", describe(&output));
}

#[test]
fn unplaced_declarations_warn_and_tables_in_sentences_are_errors() {
    let project = example_copy();
    append(
        project.path(),
        "data/tabellen.yaml",
        "vergessen:\n  titel: Vergessen\n  zeilen:\n    - { titel: A, daten: budget.gesamt }\n  spalten:\n    - { titel: X, feld: planjahr }\n",
    );
    check(
        project.path(),
        &[],
        0,
        &[
            "Die Tabelle „vergessen“ ist erklärt, steht aber in keinem Kapitel.",
            "data/tabellen.yaml:",
        ],
    );
    chapter(
        project.path(),
        "Wie {{ tabelle(id=\"vergessen\") }} zeigt, sinkt die Zahl.",
    );
    check(
        project.path(),
        &[],
        1,
        &["content/09-test.md:3:5", "tabelle(…) steht mitten im Text"],
    );
}

#[test]
fn errors_after_a_pending_expression_keep_their_line() {
    let project = example_copy();
    fs::write(project.path().join("data/offen.yaml"), "a: ~\nb: 5\n").unwrap();
    chapter(
        project.path(),
        "Erst {{ (offen.a - offen.b) | zahl }} und {% if offen.b > 3 %}x{% elif offen.a > 1 %}y{% endif %}.\n\n\
         {% if offen.b > 9 %}nein{% elif offen.a < 2 %}offen{% else %}z{% endif %}\n\nDann {{ gibtsnicht }}.",
    );
    check(
        project.path(),
        &[],
        1,
        &[
            "content/09-test.md:7:9",
            "Die Variable „gibtsnicht“ gibt es nicht.",
        ],
    );
    chapter(
        project.path(),
        "Erst {{ (offen.a - offen.b) | zahl }} und {% if offen.b > 3 %}x{% elif offen.a > 1 %}y{% endif %}.\n\n\
         {% if offen.b > 9 %}nein{% elif offen.a < 2 %}offen{% else %}z{% endif %}",
    );
    let build = amip(project.path(), &["build", "--html"]);
    assert!(build.status.success(), "{}", describe(&build));
    let html = fs::read_to_string(project.path().join("output/html/09-test.html")).unwrap();
    assert!(
        html.contains("Erst … (derzeit in Abstimmung) und x."),
        "{html}"
    );
    assert!(html.contains("<p>… (derzeit in Abstimmung)</p>"), "{html}");
}

#[test]
fn a_thousands_point_in_a_flow_map_or_behind_an_alias_is_an_error_at_its_exact_place() {
    let project = example_copy();
    fs::write(
        project.path().join("data/fluss.yaml"),
        "# Werte in einer Zeile\nwerte: {vorjahr: 1, planjahr: 2.760}   # Plan\nbasis: &b 1.141\nkopie: *b\n",
    )
    .unwrap();
    chapter(
        project.path(),
        "Plan: {{ fluss.werte.planjahr | zahl }}.\n\nKopie: {{ fluss.kopie | zahl }}.",
    );
    check(
        project.path(),
        &[],
        1,
        &[
            // The value inside the flow map, not its line's start or the map's key.
            "data/fluss.yaml:2:31",
            "„fluss.werte.planjahr: 2.760“ wird als Dezimalzahl 2,76 gelesen und erscheint in content/09-test.md:3 gerundet als „3“.",
        ],
    );
    edit(project.path(), "data/fluss.yaml", "2.760", "2760");
    check(
        project.path(),
        &[],
        1,
        &[
            // Behind the alias `*b`: where the number is written, at its anchor `&b`.
            "data/fluss.yaml:3:11",
            "erscheint in content/09-test.md:5 gerundet als „1“",
        ],
    );
}
