//! Issue: year over year. `amip new-year` turns this year's programme into next year's draft
//! that builds at once and whose open values `amip check --final` lists.

mod common;

use std::fs;

use common::{amip, describe, example_copy, require_typst};

#[test]
fn new_year_rolls_over_and_builds_at_once() {
    require_typst();
    let project = example_copy();
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
