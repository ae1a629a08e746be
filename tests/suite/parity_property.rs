//! Issue 10, item 6 as a property: for generated small projects (data, chapters with
//! placeholders, references, heading links, footnotes, nested lists, unusual characters),
//! `amip check` passes exactly when `amip build` builds the site and the PDF – with the real
//! typst. The projects run two at a time to keep the test fast.

use crate::common;

use std::fs;
use std::path::Path;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};

/// Words and characters chapters are made of; some of them the PDF font cannot draw.
const WORDS: &[&str] = &[
    "Integration",
    "Jobcenter",
    "„Zitat“",
    "\"gerade\"",
    "#hash",
    "$x$",
    "<b>",
    "a_b",
    "*fett*",
    "_kursiv_",
    "`code`",
    "2.760",
    "€",
    "✓",
    "→",
    "😀",
    "🙂",
    "中文",
    "ä ö ü ß",
    "\\",
    "@label",
];

/// One generated project: data values and chapters.
#[derive(Debug, Clone)]
struct Project {
    values: Vec<Option<i64>>,
    chapters: Vec<Vec<Block>>,
    /// Which chapter places the table (and whether another one places it again).
    table_in: usize,
    table_twice: bool,
}

#[derive(Debug, Clone)]
enum Block {
    Section(String),
    Text(Vec<usize>),
    Value(usize),
    Reference,
    HeadingLink(usize),
    BrokenLink,
    Footnote(bool),
    List(usize),
    Quote(usize),
}

fn block() -> impl Strategy<Value = Block> {
    prop_oneof![
        "[A-Za-zÄÖÜäöüß ]{1,20}".prop_map(Block::Section),
        prop::collection::vec(0..WORDS.len(), 1..6).prop_map(Block::Text),
        (0usize..4).prop_map(Block::Value),
        Just(Block::Reference),
        (0usize..6).prop_map(Block::HeadingLink),
        Just(Block::BrokenLink),
        any::<bool>().prop_map(Block::Footnote),
        (1usize..11).prop_map(Block::List),
        (1usize..8).prop_map(Block::Quote),
    ]
}

fn project() -> impl Strategy<Value = Project> {
    (
        prop::collection::vec(prop::option::weighted(0.8, -5000i64..100_000), 4),
        prop::collection::vec(prop::collection::vec(block(), 1..6), 1..4),
        0usize..3,
        prop::bool::weighted(0.1),
    )
        .prop_map(|(values, chapters, table_in, table_twice)| Project {
            values,
            chapters,
            table_in,
            table_twice,
        })
}

fn write(project: &Project, dir: &Path) {
    fs::create_dir_all(dir.join("data")).unwrap();
    fs::create_dir_all(dir.join("content")).unwrap();
    fs::write(
        dir.join("data/programm.yaml"),
        "jobcenter: Jobcenter Probe\ntitel: Probeprogramm\njahr: 2026\ndatum: 2025-10-01\n",
    )
    .unwrap();
    let mut data = String::from("beispielwerte: true\nwerte:\n");
    for (index, value) in project.values.iter().enumerate() {
        match value {
            Some(v) => data.push_str(&format!("  w{index}: {v}\n")),
            None => data.push_str(&format!("  w{index}: ~\n")),
        }
    }
    fs::write(dir.join("data/zahlen.yaml"), data).unwrap();
    fs::write(
        dir.join("data/tabellen.yaml"),
        "t:\n  titel: \"Werte (Probe)\"\n  kopf: Zeile\n  zeilen:\n    - { titel: \"Werte\", daten: zahlen.werte }\n  spalten:\n    - { titel: \"w0\", feld: w0, format: ganz }\n    - { titel: \"w1\", feld: w1, format: ganz }\n",
    )
    .unwrap();
    let table_in = project.table_in % project.chapters.len();
    let mut headings = Vec::new();
    for (index, blocks) in project.chapters.iter().enumerate() {
        headings.push(format!("kapitel-{index}"));
        for block in blocks {
            if let Block::Section(title) = block {
                headings.push(amip::model::slugify(title));
            }
        }
    }
    for (index, blocks) in project.chapters.iter().enumerate() {
        let mut text = format!("# Kapitel {index}\n\n");
        let mut footnotes = String::new();
        for (position, block) in blocks.iter().enumerate() {
            match block {
                Block::Section(title) => text.push_str(&format!("## {title}\n\n")),
                Block::Text(words) => {
                    let words: Vec<&str> = words.iter().map(|w| WORDS[*w]).collect();
                    text.push_str(&format!("{}\n\n", words.join(" ")));
                }
                Block::Value(key) => text.push_str(&format!(
                    "Der Wert ist {{{{ zahlen.werte.w{key} | zahl }}}}.\n\n"
                )),
                Block::Reference => {
                    text.push_str("Siehe {{ verweis(tabelle=\"t\") }}.\n\n");
                }
                Block::HeadingLink(target) => {
                    let anchor = &headings[target % headings.len()];
                    text.push_str(&format!("Mehr unter [dort](#{anchor}).\n\n"));
                }
                Block::BrokenLink => text.push_str("Ein [Link](#gibt-es-nicht).\n\n"),
                Block::Footnote(defined) => {
                    text.push_str(&format!("Mit Fußnote[^f{position}].\n\n"));
                    if *defined {
                        footnotes.push_str(&format!("[^f{position}]: Die Fußnote.\n\n"));
                    }
                }
                Block::List(depth) => {
                    for level in 0..*depth {
                        text.push_str(&format!("{}- Punkt {level}\n", "  ".repeat(level)));
                    }
                    text.push('\n');
                }
                Block::Quote(depth) => text.push_str(&format!("{} Zitat\n\n", "> ".repeat(*depth))),
            }
        }
        if index == table_in || (project.table_twice && index + 1 == project.chapters.len()) {
            text.push_str("{{ tabelle(id=\"t\") }}\n\n");
        }
        text.push_str(&footnotes);
        fs::write(dir.join(format!("content/{index:02}-kapitel.md")), text).unwrap();
    }
}

/// Runs check and build on one project; returns (check passed, description on failure).
fn run(project: &Project) -> (bool, Option<String>) {
    let dir = tempfile::tempdir().unwrap();
    write(project, dir.path());
    let check = common::amip(dir.path(), &["check"]);
    let build = common::amip(dir.path(), &["build"]);
    let passed = check.status.success();
    let built = build.status.success()
        && dir.path().join("output/probeprogramm-2026.pdf").is_file()
        && dir.path().join("output/html/index.html").is_file();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&check.stderr),
        String::from_utf8_lossy(&build.stderr)
    );
    let problem = if text.contains("panicked") {
        Some(format!("panic:\n{text}"))
    } else if check.status.code() != Some(0) && check.status.code() != Some(1) {
        Some(format!("check exit {:?}:\n{text}", check.status.code()))
    } else if passed != built {
        Some(format!(
            "check {} but build {}:\n{}\n{}",
            if passed { "passed" } else { "failed" },
            if built { "built" } else { "failed" },
            common::describe(&check),
            common::describe(&build)
        ))
    } else {
        None
    };
    (passed, problem)
}

#[test]
fn check_passes_exactly_when_build_builds_site_and_pdf() {
    common::require_typst();
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = proptest::test_runner::RngSeed::Fixed(20_251_001);
    }
    let mut runner = TestRunner::new(config);
    let strategy = project();
    let projects: Vec<Project> = (0..48)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect();
    let results: Vec<(bool, Option<String>)> = std::thread::scope(|scope| {
        let halves: Vec<_> = projects
            .chunks(projects.len().div_ceil(2))
            .map(|chunk| scope.spawn(move || chunk.iter().map(run).collect::<Vec<_>>()))
            .collect();
        halves
            .into_iter()
            .flat_map(|handle| handle.join().unwrap())
            .collect()
    });
    for (project, (_, problem)) in projects.iter().zip(&results) {
        assert!(
            problem.is_none(),
            "{project:?}\n{}",
            problem.as_deref().unwrap_or("")
        );
    }
    // The generator makes both kinds: the property is not vacuous.
    let passing = results.iter().filter(|(passed, _)| *passed).count();
    assert!(
        passing >= 4 && passing <= results.len() - 4,
        "{passing} of {} projects pass check",
        results.len()
    );
}
