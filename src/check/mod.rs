//! Checks beyond what rendering needs: consistency of the figures (declared sums, shares and
//! changes), year series without gaps, internal links, and – for the final version – that
//! nothing is still pending and the programme is no longer a draft.
//!
//! Everything here works on the loaded [`Project`] and the prepared document; nothing is
//! written. `amip check` reports these findings, and `amip build` refuses to build on errors.

use serde_json::Value;

use crate::data;
use crate::diagnostic::{Finding, Findings};
use crate::document::Prepared;
use crate::markdown::Node;
use crate::model::{Project, Status};

mod arithmetic;

use arithmetic::arithmetic;

/// What to check.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckOptions {
    /// The version for publication: no pending values, no draft status.
    pub final_version: bool,
}

/// Runs all checks and returns every finding.
pub fn check(project: &Project, prepared: &Prepared, options: CheckOptions) -> Findings {
    let mut findings = check_data(project, options);
    findings.extend(check_document(project, prepared));
    findings
}

/// The checks that need only the data: they run even when a chapter has errors.
pub fn check_data(project: &Project, options: CheckOptions) -> Findings {
    let mut findings = Findings::default();
    year_series(project, &project.data, "", &mut findings);
    number_traps(project, &mut findings);
    for (index, decl) in project.checks.iter().enumerate() {
        arithmetic(project, index, decl, &mut findings);
    }
    if options.final_version {
        final_version(project, &mut findings);
    }
    declared_ids(project, &mut findings);
    findings.extend(crate::render::glyphs::check(project));
    for rel in &project.unused_files {
        findings.push(
            Finding::error(
                "die Datei wird nicht verwendet: amip liest in content/ nur Kapitel (*.md) und Bilder (PNG, JPEG, GIF, SVG, WebP).",
            )
            .warning()
            .in_file(rel)
            .with_help("Legen Sie Notizen und Entwürfe außerhalb von content/ ab oder machen Sie daraus ein Kapitel (*.md)."),
        );
    }
    findings
}

/// The checks of the rendered document: tables and charts declared but never placed, and
/// floats the text never names. Links, references and placements are checked where the
/// chapters are parsed ([`crate::markdown`]), with their place in the chapter file.
pub fn check_document(project: &Project, prepared: &Prepared) -> Findings {
    let mut findings = Findings::default();
    unplaced(project, prepared, &mut findings);
    unreferenced_floats(project, prepared, &mut findings);
    findings
}

/// Figures and tables float in the PDF (to the top or bottom of a page): the text should name
/// each one ("wie Abbildung 2 zeigt"), so readers find it. A warning, not an error.
fn unreferenced_floats(project: &Project, prepared: &Prepared, findings: &mut Findings) {
    let referenced: std::collections::BTreeSet<(&str, &str)> = prepared
        .docs
        .iter()
        .flat_map(|doc| &doc.nodes)
        .filter_map(|node| match node {
            Node::Reference(kind, id) => Some((kind.keyword(), id.as_str())),
            _ => None,
        })
        .collect();
    for doc in &prepared.docs {
        for node in &doc.nodes {
            if let Node::Placed(kind, id) = node {
                if !referenced.contains(&(kind.keyword(), id.as_str())) {
                    let what = match kind {
                        crate::placeholder::Placed::Table => "Die Tabelle",
                        crate::placeholder::Placed::Figure => "Die Abbildung",
                    };
                    let mut finding = Finding::error(format!(
                        "{what} „{id}“ wird im Text nicht genannt; im PDF steht sie oben oder unten auf einer Seite, nicht unbedingt an dieser Stelle."
                    ))
                    .with_help(format!(
                        "Verweisen Sie im Text auf sie, z. B. mit {{{{ verweis({}=\"{id}\") }}}}.",
                        kind.keyword()
                    ))
                    .warning();
                    if let Some(chapter) = project.chapters.get(doc.chapter) {
                        finding = placed_at(finding, chapter, kind.keyword(), id);
                    }
                    findings.push(finding);
                }
            }
        }
    }
}

/// `finding` in `chapter`, at its `tabelle(id="…")` or `abbildung(id="…")` call when found.
fn placed_at(
    finding: Finding,
    chapter: &crate::model::Chapter,
    keyword: &str,
    id: &str,
) -> Finding {
    let finding = finding.in_file(&chapter.file);
    let call = [format!("id=\"{id}\""), format!("id='{id}'")]
        .iter()
        .flat_map(|argument| chapter.body.match_indices(argument.as_str()))
        .map(|(at, _)| at)
        .find(|&at| {
            let before = chapter.body.get(..at).unwrap_or_default();
            before
                .rfind("{{")
                .and_then(|open| before.get(open..))
                .is_some_and(|call| call.contains(keyword))
        });
    match call {
        Some(at) => {
            let source = chapter.padded_source();
            let before = chapter.body.get(..at).unwrap_or_default();
            let line = chapter.body_line_offset + before.matches('\n').count() + 1;
            let column = before
                .rsplit('\n')
                .next()
                .map_or(0, |text| text.chars().count())
                + 1;
            finding.at(&source, line, column)
        }
        None => finding,
    }
}

/// Declared tables and charts that no chapter places are most likely forgotten.
fn unplaced(project: &Project, prepared: &Prepared, findings: &mut Findings) {
    let declared = [
        (
            crate::load::TABLES_FILE,
            "Die Tabelle",
            "tabelle",
            project.tables.keys().collect::<Vec<_>>(),
            &prepared.numbering.tables,
        ),
        (
            crate::load::CHARTS_FILE,
            "Die Abbildung",
            "abbildung",
            project.charts.keys().collect::<Vec<_>>(),
            &prepared.numbering.figures,
        ),
    ];
    for (file, what, function, ids, placed) in declared {
        for id in ids.into_iter().filter(|id| !placed.contains_key(*id)) {
            findings.push(
                project
                    .finding_at_path_in(
                        file,
                        id,
                        format!("{what} „{id}“ ist erklärt, steht aber in keinem Kapitel."),
                    )
                    .with_help(format!(
                        "Setzen Sie {{{{ {function}(id=\"{id}\") }}}} in eine eigene Zeile eines Kapitels oder entfernen Sie die Erklärung aus {file}."
                    ))
                    .warning(),
            );
        }
    }
}

/// German number traps in tables and charts: `2.760` shown rounded is an error, a fraction
/// such as 0.558 in a `prozent` column a warning, both at the data line.
fn number_traps(project: &Project, findings: &mut Findings) {
    use crate::model::ValueFormat;
    let traps = crate::numbers::Traps::of(project);
    // `table`: Some(id) for a table column, None for a chart (which reports text itself).
    let mut check = |path: &str, format: Option<ValueFormat>, used: String, table: Option<&str>| {
        let Some(written) = traps.at(path) else {
            return;
        };
        let Some(number) = written.number else {
            // Text such as "1.141" in a number column of a table.
            if let (Some(id), Some(format)) = (table, format) {
                if format != ValueFormat::Text {
                    let user = format!("die Tabelle „{id}“");
                    findings.push(crate::numbers::text_finding(project, written, &user));
                }
            }
            return;
        };
        let shown_as = format.unwrap_or(if number.fract() == 0.0 {
            ValueFormat::Ganz
        } else {
            ValueFormat::Dezimal1
        });
        let shown = shown_as.number(number).unwrap_or_default();
        if crate::numbers::looks_like_thousands(&written.raw) {
            if shown_as != ValueFormat::Text {
                findings.push(crate::numbers::thousands_finding(
                    project, written, &shown, &used,
                ));
            }
        } else if shown_as == ValueFormat::Prozent {
            findings.push(crate::numbers::percent_finding(
                project, written, &shown, &used,
            ));
        }
    };
    for (id, decl) in &project.tables {
        for (path, format) in data::table_paths(decl, &project.data) {
            if format.is_some() || traps.at(&path).is_some() {
                check(&path, format, format!("in der Tabelle „{id}“"), Some(id));
            }
        }
    }
    for (id, decl) in &project.charts {
        for path in data::chart_paths(decl, &project.data) {
            check(
                &path,
                Some(decl.format),
                format!("in der Abbildung „{id}“"),
                None,
            );
        }
    }
}

/// Every place that uses a value marked as example value, one finding per marked key with the
/// list of its uses (chapters with file:line, tables, charts), at the key's own line: in its
/// YAML file, or for an imported key at its declaration (`data/quellen.yaml`, `quelldatei:`).
/// Returns (marked keys used, uses).
fn example_uses(project: &Project, findings: &mut Findings) -> (usize, usize) {
    let marked: std::collections::BTreeSet<&str> =
        project.example_sets.iter().map(String::as_str).collect();
    // Marked key → its uses, each named once, in the order found.
    let mut uses: std::collections::BTreeMap<&str, indexmap::IndexSet<String>> =
        std::collections::BTreeMap::new();
    let mut record = |path: &str, used: &dyn Fn() -> String| {
        for key in data::marked_overlapping(&marked, path) {
            uses.entry(key).or_default().insert(used());
        }
    };
    for chapter in &project.chapters {
        for (offset, path) in crate::expand::template_paths(&chapter.body) {
            let line = chapter.body_line_offset
                + chapter
                    .body
                    .get(..offset)
                    .unwrap_or_default()
                    .matches('\n')
                    .count()
                + 1;
            record(&path, &|| format!("{}:{line}", chapter.file));
        }
    }
    for (id, decl) in &project.tables {
        for (path, _) in data::table_paths(decl, &project.data) {
            record(&path, &|| format!("Tabelle „{id}“"));
        }
    }
    for (id, decl) in &project.charts {
        for path in data::chart_paths(decl, &project.data) {
            record(&path, &|| format!("Abbildung „{id}“"));
        }
    }
    let mut count = 0;
    for (key, places) in &uses {
        count += places.len();
        let listed: Vec<&str> = places.iter().map(String::as_str).collect();
        let imported = project.imported.declared.get(*key).map(|(file, _)| file);
        let help = match imported {
            Some(file) => format!("Die Werte stammen aus einer Quelle mit beispielwerte: true in {file}; nehmen Sie die echte Datei und entfernen Sie dort beispielwerte: true."),
            None => "Tragen Sie die echten Werte ein und entfernen Sie die Kennzeichnung beispielwerte: in der Datei.".to_string(),
        };
        findings.push(
            project
                .finding_at_path(
                    format!(
                        "Der Beispielwert „{key}“ wird {} verwendet: {}; die Endfassung darf keine Beispielwerte enthalten.",
                        times(places.len()),
                        listed.join(", ")
                    ),
                    key,
                )
                .with_help(help),
        );
    }
    (uses.len(), count)
}

/// "1-mal", "3-mal".
fn times(count: usize) -> String {
    format!("{count}-mal")
}

/// Where the values that are still open are: (key path, finding at its line). Signs of the
/// statistics (`X`, `*`, `–`, `.`) are published facts, not open values.
pub fn pending_values(project: &Project) -> Vec<(String, Finding)> {
    let mut paths = Vec::new();
    collect_pending(&project.data, "", &mut paths);
    paths
        .into_iter()
        .map(|path| {
            let message = format!("„{path}“ ist noch nicht abgestimmt (derzeit in Abstimmung).");
            let finding = project.finding_at_path(message, &path);
            (path, finding)
        })
        .collect()
}

fn collect_pending(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                collect_pending(item, &join(path, key), out);
            }
        }
        Value::Array(list) => {
            for (index, item) in list.iter().enumerate() {
                collect_pending(item, &join(path, &index.to_string()), out);
            }
        }
        other if data::is_open(other) && !path.is_empty() => out.push(path.to_string()),
        _ => {}
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn final_version(project: &Project, findings: &mut Findings) {
    if project.programme.status == Status::Draft {
        findings.push(
            project
                .finding_at_path_in(
                    crate::load::PROGRAMME_FILE,
                    "status",
                    "Das Programm hat noch den Status „draft“ (Entwurf).".to_string(),
                )
                .with_help(
                    "Setzen Sie in data/programm.yaml status: final, wenn alles abgestimmt ist.",
                ),
        );
    }
    let open = pending_values(project);
    let open_count = open.len();
    for (_, finding) in open {
        findings.push(finding.with_help("Tragen Sie den abgestimmten Wert ein."));
    }
    let (examples, uses) = example_uses(project, findings);
    if open_count + examples > 0 {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        findings.push(
            Finding::error(format!(
                "Endfassung: {}, {} ({}).",
                plural(open_count, "offener Wert", "offene Werte"),
                plural(examples, "Beispielwert", "Beispielwerte"),
                plural(uses, "Verwendung", "Verwendungen")
            ))
            .note(),
        );
    }
}

/// Table and chart ids name anchors and files (`tab-budget`, `abbildungen/elb.svg`): only
/// letters, digits, `_` and `-`, and no two that become the same anchor (`lokale_ziele`,
/// `lokale-ziele`, `Lokale_Ziele`).
fn declared_ids(project: &Project, findings: &mut Findings) {
    let files = [
        (
            crate::load::TABLES_FILE,
            "Tabelle",
            project.tables.keys().collect::<Vec<_>>(),
        ),
        (
            crate::load::CHARTS_FILE,
            "Abbildung",
            project.charts.keys().collect(),
        ),
    ];
    for (file, what, ids) in files {
        let mut seen: Vec<(String, &String)> = Vec::new();
        for id in ids {
            if id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                findings.push(
                    project
                        .finding_at_path_in(
                            file,
                            id,
                            format!(
                                "{what} „{id}“: der Name darf nur Buchstaben ohne Umlaute, Ziffern, „_“ und „-“ enthalten."
                            ),
                        )
                        .with_help(format!(
                            "Schreiben Sie z. B. „{}“; der Name wird Teil von Ankern und Dateinamen.",
                            crate::model::slugify(id).replace('-', "_")
                        )),
                );
                continue;
            }
            let slug = crate::model::slugify(id);
            if let Some((_, first)) = seen.iter().find(|(other, _)| *other == slug) {
                findings.push(
                    project
                        .finding_at_path_in(
                            file,
                            id,
                            format!(
                                "{what} „{id}“ ist von „{first}“ nicht zu unterscheiden: beide ergeben den Anker „{slug}“ (Groß- und Kleinschreibung, „_“ und „-“ zählen nicht)."
                            ),
                        )
                        .with_help("Geben Sie einer der beiden einen anderen Namen."),
                );
            } else {
                seen.push((slug, id));
            }
        }
    }
}

/// Maps whose keys are all years must not skip a year.
fn year_series(project: &Project, value: &Value, path: &str, findings: &mut Findings) {
    let Value::Object(map) = value else {
        if let Value::Array(list) = value {
            for (index, item) in list.iter().enumerate() {
                year_series(project, item, &join(path, &index.to_string()), findings);
            }
        }
        return;
    };
    let years: Option<Vec<i64>> = map
        .keys()
        .map(|key| {
            key.parse::<i64>()
                .ok()
                .filter(|year| (1900..=2200).contains(year))
        })
        .collect();
    if let Some(mut years) = years.filter(|y| y.len() >= 2) {
        let written = years.clone();
        years.sort_unstable();
        let missing: Vec<String> = years
            .windows(2)
            .flat_map(|pair| match pair {
                [a, b] => (a + 1..*b).map(|y| y.to_string()).collect::<Vec<_>>(),
                _ => Vec::new(),
            })
            .collect();
        if !missing.is_empty() {
            findings.push(project.finding_at_path(
                format!(
                    "Die Jahresreihe „{path}“ hat Lücken: es fehlt {}.",
                    missing.join(", ")
                ),
                path,
            ));
        }
        if written != years {
            findings.push(
                project
                    .finding_at_path(
                        format!("Die Jahresreihe „{path}“ ist nicht nach Jahren sortiert."),
                        path,
                    )
                    .warning(),
            );
        }
    }
    for (key, item) in map {
        year_series(project, item, &join(path, key), findings);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CheckDecl, ShareCheck};

    fn project(data: Value, checks: Vec<CheckDecl>) -> Project {
        Project {
            root: std::path::PathBuf::new(),
            programme: serde_saphyr::from_str(
                "jobcenter: J\ntitel: T\njahr: 2020\nstatus: final\n",
            )
            .unwrap(),
            data,
            example_sets: Vec::new(),
            chapters: Vec::new(),
            charts: Default::default(),
            tables: Default::default(),
            templates: Default::default(),
            images: Default::default(),
            checks,
            sources: Default::default(),
            data_files: Default::default(),
            imported: Default::default(),
            unused_files: Vec::new(),
            load_warnings: Vec::new(),
            sites: Default::default(),
        }
    }

    fn empty_prepared() -> Prepared {
        Prepared {
            docs: Vec::new(),
            numbering: Default::default(),
            tables: Default::default(),
            charts: Default::default(),
            svgs: Default::default(),
            warnings: Default::default(),
        }
    }

    fn decl(yaml: &str) -> CheckDecl {
        serde_saphyr::from_str(yaml).unwrap()
    }

    #[test]
    fn sums_of_maps_are_checked_field_by_field() {
        let data = serde_json::json!({"b": {
            "vk": {"vorjahr": 9069867, "planjahr": 8581009},
            "egl": {"vorjahr": 7129465, "planjahr": 7053067},
            "gesamt": {"vorjahr": 16199332, "planjahr": 15634077}}});
        let p = project(data, vec![decl("summe: b.gesamt\nteile: [b.vk, b.egl]\n")]);
        let findings = check(&p, &empty_prepared(), CheckOptions::default());
        assert_eq!(findings.0.len(), 1, "{:?}", findings.0);
        let message = &findings.0[0].message;
        assert!(message.contains("b.gesamt.planjahr"), "{message}");
        assert!(
            message.contains("15.634.077") && message.contains("15.634.076"),
            "{message}"
        );
        assert!(message.contains("Differenz 1"), "{message}");
    }

    #[test]
    fn row_totals_and_map_parts() {
        let data = serde_json::json!({"ip": {"m": {"gesamt": 173, "a": 33, "b": 122, "c": 17}},
            "eb": {"x": 1, "y": 2}, "egl": 4});
        let p = project(
            data,
            vec![
                decl("zeilen: [ip.m]\nfeld: gesamt\nfelder: [a, b, c]\n"),
                decl("summe: egl\nteile: [eb]\n"),
            ],
        );
        let findings = check(&p, &empty_prepared(), CheckOptions::default());
        assert_eq!(findings.0.len(), 2, "{:?}", findings.0);
        assert!(findings.0[0]
            .message
            .contains("Zeile „ip.m“, Spalte „gesamt“"));
        assert!(
            findings.0[0].message.contains("eingetragen ist 173")
                && findings.0[0].message.contains("ergibt aber 172")
        );
        assert!(
            findings.0[1].message.contains("„egl“ ist 4")
                && findings.0[1].message.contains("ergibt aber 3")
        );
    }

    #[test]
    fn stated_shares_and_changes_within_rounding() {
        let data = serde_json::json!({"a": 173, "g": 5485, "q": 3.2, "q2": 3.5, "v0": 9069867, "v1": 8581009, "d": -5.4});
        let mut share = decl("wert: q\n");
        share.anteil = Some(ShareCheck {
            teil: "a".into(),
            ganzes: "g".into(),
        });
        let mut wrong = share.clone();
        wrong.wert = Some("q2".into());
        let change = decl("wert: d\nveraenderung: {von: v0, auf: v1}\n");
        let p = project(data, vec![share, wrong, change]);
        let findings = check(&p, &empty_prepared(), CheckOptions::default());
        assert_eq!(findings.0.len(), 1, "{:?}", findings.0);
        assert!(
            findings.0[0].message.contains("„q2“ nennt 3,50"),
            "{}",
            findings.0[0].message
        );
    }

    #[test]
    fn gaps_in_year_series_are_named() {
        let data = serde_json::json!({"elb": {"jdw": {"2009": 1, "2010": 2, "2013": 3}}});
        let p = project(data, Vec::new());
        let findings = check(&p, &empty_prepared(), CheckOptions::default());
        assert_eq!(findings.0.len(), 1);
        assert!(
            findings.0[0]
                .message
                .contains("„elb.jdw“ hat Lücken: es fehlt 2011, 2012"),
            "{}",
            findings.0[0].message
        );
    }

    #[test]
    fn final_version_lists_pending_values_and_draft_status() {
        let data = serde_json::json!({"ziele": {"lokal": [{"wert": null}, {"wert": "in_abstimmung"}, {"wert": 3}]}});
        let mut p = project(data, Vec::new());
        assert!(check(&p, &empty_prepared(), CheckOptions::default())
            .0
            .is_empty());
        p.programme.status = Status::Draft;
        let findings = check(
            &p,
            &empty_prepared(),
            CheckOptions {
                final_version: true,
            },
        );
        let messages: Vec<&str> = findings.0.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages.len(), 4, "{messages:?}");
        assert!(messages[0].contains("draft"));
        assert!(messages[1].contains("ziele.lokal.0.wert"));
        assert!(messages[2].contains("ziele.lokal.1.wert"));
        assert_eq!(
            messages[3],
            "Endfassung: 2 offene Werte, 0 Beispielwerte (0 Verwendungen)."
        );
        assert_eq!(findings.0[3].severity, crate::diagnostic::Severity::Note);
    }
}
