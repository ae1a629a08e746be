//! End-to-end: `amip diff` on two versions of the example programme, as folders and as git
//! revisions, with the terminal report, the HTML page and the exit codes of `diff`.

use crate::common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use crate::common::{amip, describe, example_copy, repo};

const NBSP: char = '\u{a0}';

/// Replaces `from` by `to` in a project file; the text must be there.
fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} does not contain {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn occurrences(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

fn assert_once(report: &str, needle: &str) {
    assert_eq!(
        occurrences(report, needle),
        1,
        "expected exactly once: {needle:?}\n--- report ---\n{report}"
    );
}

/// Next year's draft of the example: two budget figures changed, one sentence edited, a table
/// added and a table removed.
fn next_version(root: &Path) {
    edit(
        root,
        "data/budget.yaml",
        "planjahr: 8581009",
        "planjahr: 8000000",
    );
    edit(
        root,
        "data/budget.yaml",
        "planjahr: 15634076",
        "planjahr: 15053067",
    );
    edit(
        root,
        "content/08-schlussbemerkungen.md",
        "sind kreative Ideen gefragt",
        "sind neue Ideen gefragt",
    );
    // Added table, placed in chapter 4.
    let tables = root.join("data/tabellen.yaml");
    let mut text = fs::read_to_string(&tables).unwrap();
    // Removed table: kommunale_ziele is the last one in the file.
    let start = text.find("kommunale_ziele:").unwrap();
    text.truncate(start);
    text.push_str(
        "personal:\n  titel: \"Personal des Jobcenters\"\n  quelle: \"Jobcenter Elbe-Elster\"\n  kopf: Personal\n  zeilen:\n    - { titel: \"Mitarbeiterkapazitäten\", daten: personal }\n  spalten:\n    - { titel: \"Kapazitäten\", feld: kapazitaeten }\n    - { titel: \"Anteil BA (in %)\", feld: anteil_ba }\n",
    );
    fs::write(&tables, text).unwrap();
    edit(
        root,
        "content/04-ressourcen.md",
        "## Eingliederungsleistungen",
        "{{ tabelle(id=\"personal\") }}\n\n## Eingliederungsleistungen",
    );
    edit(
        root,
        "content/03-ziele.md",
        "Mit dem Landkreis Elbe-Elster sind die kommunalen Ziele in {{ verweis(id=\"kommunale_ziele\") }} vereinbart.",
        "Die kommunalen Ziele werden mit dem Landkreis Elbe-Elster vereinbart.",
    );
    edit(
        root,
        "content/03-ziele.md",
        "{{ tabelle(id=\"kommunale_ziele\") }}",
        "",
    );
}

#[test]
fn each_change_between_two_versions_is_listed_once_with_its_delta() {
    let old = example_copy();
    let new = example_copy();
    next_version(new.path());
    let output = amip(new.path(), &["diff", old.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let report = stdout(&output);

    // Figures: old → new, Δ absolute and Δ in %, German format.
    assert_once(&report, "Zahlen (2 Änderungen)");
    assert_once(
        &report,
        &format!("geändert:  budget.verwaltungskosten.planjahr (Verwaltungskosten (VK), Schätzwerte 2020): 8.581.009 → 8.000.000 (Δ −581.009; −6,8{NBSP}%)"),
    );
    assert_once(
        &report,
        &format!("geändert:  budget.gesamt.planjahr (Gesamtbudget, Schätzwerte 2020): 15.634.076 → 15.053.067 (Δ −581.009; −3,7{NBSP}%)"),
    );

    // Text: the edited chapter, and the changed figure in the sentence that uses it.
    assert_once(&report, "Text (3 Kapitel)");
    assert_once(
        &report,
        "Kapitel „8 Schlussbemerkungen“ (content/08-schlussbemerkungen.md) geändert",
    );
    assert_once(&report, "sind [-kreative-]{+neue+} Ideen gefragt");
    assert_once(
        &report,
        "Kapitel „4 Ressourcen“ (content/04-ressourcen.md) geändert",
    );
    assert_once(
        &report,
        &format!("auf [-15.634.076-]{{+15.053.067+}}{NBSP}EUR"),
    );
    assert_once(&report, "neu: {+[Tabelle 5: Personal des Jobcenters]+}");
    assert_once(
        &report,
        "Kapitel „3 Ziele im Jobcenter Elbe-Elster“ (content/03-ziele.md) geändert",
    );
    assert_once(
        &report,
        "entfallen: [-[Tabelle 4: Kommunale Ziele des Jobcenters Elbe-Elster 2020]-]",
    );
    for unchanged in [
        "01-grundsicherung",
        "02-angebot",
        "05-operative",
        "07-zusammenarbeit",
    ] {
        assert!(!report.contains(unchanged), "{unchanged}:\n{report}");
    }

    // Tables: added, removed, and the changed cells of the budget.
    assert_once(&report, "Tabelle „personal“ neu: Personal des Jobcenters");
    assert_once(
        &report,
        "Tabelle „kommunale_ziele“ entfallen: Kommunale Ziele des Jobcenters Elbe-Elster 2020",
    );
    assert_once(&report, "Tabelle „budget“ geändert");
    assert_once(
        &report,
        "Verwaltungskosten (VK) × Schätzwerte 2020: 8.581.009 → 8.000.000",
    );
    assert_once(
        &report,
        "Verwaltungskosten (VK) × Delta absolut: −488.858 → −1.069.867",
    );
    assert_once(&report, "Gesamtbudget × Delta in %: −3,5 → −7,1");
    assert!(!report.contains("Abbildung „"), "{report}");
    assert_once(&report, "Geändert: 2 Zahlen, 3 Kapitel, 3 Tabellen.");
}

#[test]
fn identical_versions_exit_zero() {
    let old = example_copy();
    let new = example_copy();
    let output = amip(new.path(), &["diff", old.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(stdout(&output).contains("Keine Unterschiede."));
}

#[test]
fn renamed_added_and_removed_chapters_and_series_points() {
    let old = common::example_copy_with_yaml_elb();
    let new = common::example_copy_with_yaml_elb();
    let content = new.path().join("content");
    fs::rename(
        content.join("07-zusammenarbeit.md"),
        content.join("07-kooperation.md"),
    )
    .unwrap();
    fs::remove_file(content.join("08-schlussbemerkungen.md")).unwrap();
    fs::write(
        content.join("09-ausblick.md"),
        "# Ausblick\n\nIm nächsten Jahr setzt das Jobcenter den Weg fort.\n",
    )
    .unwrap();
    edit(
        new.path(),
        "data/elb.yaml",
        "2019: &elb_2019 5485",
        "2019: &elb_2019 5485\n  2020: 5102",
    );
    let output = amip(new.path(), &["diff", old.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let report = stdout(&output);
    assert_once(
        &report,
        "(content/07-kooperation.md) umbenannt aus content/07-zusammenarbeit.md",
    );
    assert_once(&report, "Kapitel „8 Ausblick“ (content/09-ausblick.md) neu");
    assert_once(
        &report,
        "Kapitel „8 Schlussbemerkungen“ (content/08-schlussbemerkungen.md) entfallen",
    );
    assert_once(&report, "neu:       elb.jdw.2020 (ELB, 2020): 5.102");
    assert_once(&report, "Kategorie neu: „2020“ (ELB: 5.102)");
}

/// Checks that every element is closed in order (void elements aside).
fn assert_balanced(html: &str) {
    const VOID: [&str; 6] = ["meta", "br", "hr", "img", "link", "input"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("tag is closed") + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if VOID.contains(&name.as_str()) {
            continue;
        }
        if tag.starts_with('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "at </{name}>");
        } else {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn html_page_marks_changes_accessibly_and_keeps_the_website() {
    let old = example_copy();
    let new = example_copy();
    next_version(new.path());
    let site = new.path().join("output/html");
    fs::create_dir_all(&site).unwrap();
    fs::write(site.join("index.html"), "bisherige Website").unwrap();

    let output = amip(
        new.path(),
        &["diff", old.path().to_str().unwrap(), "--html"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let page = fs::read_to_string(new.path().join("output/diff/index.html")).unwrap();
    assert_eq!(
        fs::read_to_string(site.join("index.html")).unwrap(),
        "bisherige Website"
    );
    assert_balanced(&page);
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"de\">"));
    assert!(!page.contains("<script"), "no JavaScript");
    assert!(!page.contains("http"), "no external requests");
    assert!(page.contains(
        "<del><span class=\"sr\">Löschung: </span>kreative</del><ins><span class=\"sr\">Einfügung: </span>neue</ins>"
    ));
    assert!(page.contains("text-decoration: line-through"));
    assert!(page.contains("<caption id=\"zahlen-titel\">"));
    assert!(page.contains(
        "<th scope=\"row\"><code>budget.verwaltungskosten.planjahr</code></th><td>Verwaltungskosten (VK), Schätzwerte 2020</td><td>geändert</td><td class=\"zahl\">8.581.009</td><td class=\"zahl\">8.000.000</td><td class=\"zahl\">−581.009</td><td class=\"zahl\">−6,8\u{a0}%</td>"
    ));
    assert!(page.contains("<h1>"));
    assert!(page.contains("<h2 id=\"text\">Text</h2>"));
    assert!(page
        .contains("<h3 id=\"kapitel-content-08-schlussbemerkungen-md\">8 Schlussbemerkungen</h3>"));
}

#[test]
fn html_page_passes_axe_and_the_structural_checks_in_chromium() {
    crate::common::require_browser_tools();
    let old = example_copy();
    let new = example_copy();
    next_version(new.path());
    let output = amip(
        new.path(),
        &["diff", old.path().to_str().unwrap(), "--html"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let run = Command::new("node")
        .arg(repo().join("tests/browser/a11y.mjs"))
        .arg(new.path().join("output/diff"))
        .output()
        .expect("node runs (Node.js is needed for the browser tests)");
    assert!(run.status.success(), "{}", describe(&run));
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).expect("JSON report");
    let page = &report[0];
    assert_eq!(page["page"], "index.html");
    assert!(page["passes"].as_u64().unwrap_or(0) > 10, "axe really ran");
    assert_eq!(page["violations"], serde_json::json!([]), "{page}");
    assert_eq!(page["failures"], serde_json::json!([]), "{page}");
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.org",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap_or_else(|err| panic!("git fehlt ({err}): apt-get install git"));
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn diff_against_git_revisions_leaves_the_working_tree_alone() {
    let repo = tempfile::tempdir().unwrap();
    git(repo.path(), &["init", "-q"]);
    git(
        repo.path(),
        &["commit", "-q", "--allow-empty", "-m", "leer"],
    );
    git(repo.path(), &["tag", "leer"]);
    // The project lives in a subfolder of the repository.
    let example = example_copy();
    let project = repo.path().join("programm");
    fs::rename(example.path(), &project).unwrap();
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "Programm 2020"]);
    git(repo.path(), &["tag", "v2020"]);

    edit(
        &project,
        "data/budget.yaml",
        "planjahr: 8581009",
        "planjahr: 8000000",
    );
    // The total follows, or the arithmetic check refuses the new version (exit 2).
    edit(
        &project,
        "data/budget.yaml",
        "planjahr: 15634076",
        "planjahr: 15053067",
    );
    let status_before = git(repo.path(), &["status", "--porcelain"]);
    assert_eq!(status_before.trim(), "M programm/data/budget.yaml");

    let output = amip(&project, &["diff", "v2020"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let report = stdout(&output);
    assert!(report.starts_with("Vergleich: v2020 ("), "{report}");
    assert_once(
        &report,
        &format!("geändert:  budget.verwaltungskosten.planjahr (Verwaltungskosten (VK), Schätzwerte 2020): 8.581.009 → 8.000.000 (Δ −581.009; −6,8{NBSP}%)"),
    );
    assert_once(&report, "Zahlen (2 Änderungen)");
    assert_eq!(git(repo.path(), &["status", "--porcelain"]), status_before);

    // Two revisions: nothing changed between them.
    let same = amip(&project, &["diff", "v2020", "HEAD"]);
    assert_eq!(same.status.code(), Some(0), "{}", describe(&same));

    // The working tree as the old side, a revision as the new one.
    let reverse = amip(&project, &["diff", project.to_str().unwrap(), "HEAD"]);
    assert_eq!(reverse.status.code(), Some(1), "{}", describe(&reverse));
    assert!(stdout(&reverse).contains("8.000.000 → 8.581.009 (Δ +581.009; +7,3"));

    // A revision without the project, and one that does not exist: errors.
    let empty = amip(&project, &["diff", "leer"]);
    assert_eq!(empty.status.code(), Some(2), "{}", describe(&empty));
    assert!(
        String::from_utf8_lossy(&empty.stderr)
            .contains("Die Revision „leer“ enthält kein amip-Projekt: data/programm.yaml fehlt im Ordner „programm/“."),
        "{}",
        describe(&empty)
    );
    let unknown = amip(&project, &["diff", "v1999"]);
    assert_eq!(unknown.status.code(), Some(2), "{}", describe(&unknown));
    assert!(String::from_utf8_lossy(&unknown.stderr)
        .contains("„v1999“ ist weder ein Ordner noch eine git-Revision"));
}

#[test]
fn errors_exit_two() {
    let new = example_copy();
    let missing = amip(new.path(), &["diff", "/gibt/es/nicht"]);
    assert_eq!(missing.status.code(), Some(2), "{}", describe(&missing));

    let old = example_copy();
    fs::write(old.path().join("data/budget.yaml"), "a: [1, 2\n").unwrap();
    let broken = amip(new.path(), &["diff", old.path().to_str().unwrap()]);
    assert_eq!(broken.status.code(), Some(2), "{}", describe(&broken));
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(stderr.contains("Die alte Fassung"), "{stderr}");
    assert!(stderr.contains("data/budget.yaml"), "{stderr}");
}

/// An untrusted revision cannot read beside the project: its `datei:` is resolved inside the
/// revision's own copy, and a source that leaves it is refused without its values.
#[test]
fn a_revision_naming_a_source_outside_the_project_is_refused() {
    let repo = tempfile::tempdir().unwrap();
    git(repo.path(), &["init", "-q"]);
    let example = example_copy();
    let project = repo.path().join("programm");
    fs::rename(example.path(), &project).unwrap();
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "Programm 2020"]);
    fs::write(repo.path().join("geheim.csv"), "Passwort;4711\n").unwrap();
    let quellen = project.join("data/quellen.yaml");
    let original = fs::read_to_string(&quellen).unwrap();
    fs::write(
        &quellen,
        format!("{original}\ngeheim:\n  datei: ../../geheim.csv\n  werte:\n    zielgruppen.geheim:\n      zeile: Passwort\n      spalte: B\n"),
    )
    .unwrap();
    git(repo.path(), &["commit", "-q", "-am", "fremde Quelle"]);
    fs::write(&quellen, original).unwrap();
    let output = amip(&project, &["diff", "HEAD"]);
    let all = format!(
        "{}{}",
        stdout(&output),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(all.contains("außerhalb des Projektordners"), "{all}");
    assert!(!all.contains("4711") && !all.contains("Passwort"), "{all}");
}
