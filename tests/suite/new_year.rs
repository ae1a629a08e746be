//! Issue: year over year. `amip new-year` turns this year's programme into next year's draft
//! that builds at once and whose open values `amip check --final` lists.

use crate::common;

use std::fs;

use crate::common::{amip, describe, example_copy, require_typst};

#[test]
fn new_year_rolls_over_and_builds_at_once() {
    require_typst();
    let project = common::example_copy_with_yaml_elb();
    let target = tempfile::tempdir().unwrap();
    let draft = target.path().join("amip-2021");
    let output = amip(project.path(), &["new-year", draft.to_str().unwrap()]);
    assert!(output.status.success(), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("jahr – 2020 → 2021"), "{stdout}");

    let programme = fs::read_to_string(draft.join("data/programm.yaml")).unwrap();
    assert!(programme.contains("jahr: 2021"));
    assert!(programme.contains("status: draft"));
    assert!(programme.contains("datum: ~"));
    assert!(
        programme.contains("# Datum der Unterzeichnung"),
        "comments are kept"
    );
    let budget = fs::read_to_string(draft.join("data/budget.yaml")).unwrap();
    assert!(
        budget.contains("vorjahr: 15634076"),
        "this year's estimate becomes next year's comparison"
    );
    assert!(budget.contains("vorjahr: 8581009"));
    assert_eq!(budget.matches("planjahr: ~").count(), 3);
    assert!(fs::read_to_string(draft.join("data/elb.yaml"))
        .unwrap()
        .contains("  2020: ~"));

    let build = amip(&draft, &["build"]);
    assert!(build.status.success(), "{}", describe(&build));
    let page = fs::read_to_string(draft.join("output/html/04-ressourcen.html")).unwrap();
    assert!(
        page.contains("15.634.076"),
        "the old estimate is now the comparison value"
    );
    assert!(page.contains("derzeit in Abstimmung"));
    assert!(draft
        .join("output/arbeitsmarkt-und-integrationsprogramm-2021.pdf")
        .is_file());

    let check = amip(&draft, &["check", "--final"]);
    assert_eq!(check.status.code(), Some(1));
    let text = String::from_utf8_lossy(&check.stderr);
    for open in [
        "budget.gesamt.planjahr",
        "budget.verwaltungskosten.planjahr",
        "elb.jdw.2020",
        "programm.datum",
        "„draft“",
    ] {
        assert!(text.contains(open), "{open} listed:\n{text}");
    }
    assert!(
        text.contains("data/budget.yaml:14:"),
        "with its line:\n{text}"
    );
    // The source project is unchanged.
    assert!(
        fs::read_to_string(project.path().join("data/programm.yaml"))
            .unwrap()
            .contains("jahr: 2020")
    );
}

#[test]
fn new_year_refuses_a_folder_in_use_and_works_in_place() {
    let project = example_copy();
    let busy = tempfile::tempdir().unwrap();
    fs::write(busy.path().join("datei.txt"), "x").unwrap();
    let output = amip(project.path(), &["new-year", busy.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("ist nicht leer"));

    let in_place = amip(project.path(), &["new-year", "--hier"]);
    assert!(in_place.status.success(), "{}", describe(&in_place));
    assert!(
        fs::read_to_string(project.path().join("data/programm.yaml"))
            .unwrap()
            .contains("jahr: 2021")
    );
    let build = amip(project.path(), &["build", "--html"]);
    assert!(build.status.success(), "{}", describe(&build));
}

/// A project written in every form the README recommends: an anchor on a value that moves,
/// an alias to it, a flow map, a flow year series, comments on the changed lines.
fn recommended_forms() -> tempfile::TempDir {
    let project = common::fixture_copy("klein");
    fs::write(
        project.path().join("data/programm.yaml"),
        "jobcenter: Jobcenter Kleinstadt\ntitel: Arbeitsmarktprogramm\njahr: 2026\n\
         datum: 2025-10-01          # Datum der Unterzeichnung (auch Datum des PDF)\n\
         status: final\nfortschreibung:\n  - daten: budget\n    vorjahr: planjahr\n  - jahresreihe: elb.jdw\n",
    )
    .unwrap();
    fs::write(
        project.path().join("data/budget.yaml"),
        "beispielwerte: true\nverwaltungskosten:\n  vorjahr: 9069867\n  planjahr: &vk 8581009   # Schätzung\n\
         eingliederung: { vorjahr: 7129465, planjahr: 7053067 }\nvk_kopie: *vk\n",
    )
    .unwrap();
    fs::write(
        project.path().join("data/elb.yaml"),
        "beispielwerte: true\njdw: {2024: 6012, 2025: 5485}\n",
    )
    .unwrap();
    project
}

#[test]
fn new_year_takes_anchors_aliases_flow_maps_and_keeps_each_comment_once() {
    let project = recommended_forms();
    let output = amip(project.path(), &["new-year", "--hier"]);
    assert!(output.status.success(), "{}", describe(&output));
    let programme = fs::read_to_string(project.path().join("data/programm.yaml")).unwrap();
    assert!(programme.contains("jahr: 2027\n"), "{programme}");
    assert!(
        programme.contains(
            "datum: ~                   # Datum der Unterzeichnung (auch Datum des PDF)\n"
        ),
        "{programme}"
    );
    assert_eq!(programme.matches('#').count(), 1, "{programme}");
    let budget = fs::read_to_string(project.path().join("data/budget.yaml")).unwrap();
    assert!(budget.contains("  vorjahr: 8581009\n"), "{budget}");
    assert!(
        budget.contains("  planjahr: &vk ~         # Schätzung\n"),
        "{budget}"
    );
    assert!(
        budget.contains("eingliederung: { vorjahr: 7053067, planjahr: ~ }\n"),
        "{budget}"
    );
    assert!(
        budget.contains("vk_kopie: *vk\n"),
        "the alias stays: {budget}"
    );
    let elb = fs::read_to_string(project.path().join("data/elb.yaml")).unwrap();
    assert_eq!(
        elb,
        "beispielwerte: true\njdw: {2024: 6012, 2025: 5485, 2026: ~}\n"
    );
    let check = amip(project.path(), &["check", "--final"]);
    let text = String::from_utf8_lossy(&check.stderr);
    for open in [
        "budget.verwaltungskosten.planjahr",
        "budget.eingliederung.planjahr",
        "elb.jdw.2026",
    ] {
        assert!(text.contains(open), "{open} listed:\n{text}");
    }
}

#[test]
fn a_second_rollover_loses_no_value() {
    let project = recommended_forms();
    let first = amip(project.path(), &["new-year", "--hier"]);
    assert!(first.status.success(), "{}", describe(&first));
    let before = fs::read_to_string(project.path().join("data/budget.yaml")).unwrap();
    let second = amip(project.path(), &["new-year", "--hier"]);
    assert_eq!(second.status.code(), Some(1), "{}", describe(&second));
    let text = String::from_utf8_lossy(&second.stderr);
    assert!(
        text.contains("data/budget.yaml:4: „budget.verwaltungskosten.planjahr“ ist noch offen"),
        "{text}"
    );
    assert!(text.contains("es wurde nichts geändert"), "{text}");
    assert_eq!(
        fs::read_to_string(project.path().join("data/budget.yaml")).unwrap(),
        before,
        "the previous year's value is still there"
    );
    assert!(
        fs::read_to_string(project.path().join("data/programm.yaml"))
            .unwrap()
            .contains("jahr: 2027\n")
    );
}

#[test]
fn a_year_that_would_overflow_is_an_error() {
    // 2999 is a valid programme year, but its successor is not; a year past the range is
    // refused when the project is loaded. Either way nothing is written.
    for (year, expected) in [
        (
            "2999",
            "Das Programmjahr 2999 in data/programm.yaml kann nicht fortgeschrieben werden",
        ),
        ("2147483647", "2000 bis 2999"),
    ] {
        let project = common::fixture_copy("klein");
        let path = project.path().join("data/programm.yaml");
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text.replace("jahr: 2026", &format!("jahr: {year}"))).unwrap();
        let output = amip(project.path(), &["new-year", "--hier"]);
        assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
        let message = String::from_utf8_lossy(&output.stderr);
        assert!(message.contains(expected), "{message}");
        assert!(!message.contains("panicked"), "{message}");
        assert!(fs::read_to_string(&path)
            .unwrap()
            .contains(&format!("jahr: {year}")));
    }
}
