//! Scale benchmarks (`cargo bench --bench scale`; see README, „Leistung“): amip stays linear in
//! the size of the input. Two synthetic projects are written to a temporary folder once:
//!
//! - `umfang/kapitel_5mb_30000_links`: one chapter of 5 MB with 30,000 links to its own
//!   sections and a template value every few paragraphs (goal: under 1 s);
//! - `umfang/1000_kapitel`: 1,000 short chapters (goal: under 10 s, under 100 MB of output).
//!
//! Each iteration runs the checks, the pipeline, the whole website and `main.typ` in memory;
//! the bytes of output and the peak memory of the process are printed at the end.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stderr,
    reason = "a benchmark or example that cannot run stops with a message; no user input reaches it; it reports its figures on the terminal"
)]

use std::fmt::Write as _;
use std::fs;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};

use amip::model::Project;
use amip::pipeline::{prepare, Timings};
use amip::render::html;
use amip::render::typst as pdf;
use amip::{check, load};

const PROGRAMME: &str = "jobcenter: Jobcenter Umfang\ntitel: Arbeitsmarktprogramm\njahr: 2026\nort: Umfang\ndatum: 2025-10-01\nstatus: final\nprozent: wort\n";

const SENTENCE: &str = "Die Integration in Arbeit bleibt das zentrale Ziel der Grundsicherung, und die Beratung richtet sich nach dem Bedarf der Menschen vor Ort.";

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// One chapter of at least 5 MB with 30,000 links to its sections.
fn long_chapter(root: &Path) {
    write(root, "data/programm.yaml", PROGRAMME);
    write(root, "data/werte.yaml", "integrationen: 1141\n");
    let mut body = String::from("# Ein langes Kapitel\n\n");
    let mut links = 0;
    let mut section = 0;
    while links < 30_000 || body.len() < 5 * 1024 * 1024 {
        section += 1;
        writeln!(body, "## Abschnitt {section}\n").unwrap();
        for n in 0..10 {
            if links < 30_000 {
                let target = section.max(2) - 1;
                writeln!(
                    body,
                    "{SENTENCE} Mehr dazu im [Abschnitt {target}](#abschnitt-{target}). {SENTENCE}\n"
                )
                .unwrap();
                links += 1;
            } else {
                writeln!(body, "{SENTENCE} {SENTENCE}\n").unwrap();
            }
            if n == 9 {
                writeln!(
                    body,
                    "Angestrebt sind {{{{ werte.integrationen | zahl }}}} Integrationen.\n"
                )
                .unwrap();
            }
        }
    }
    write(root, "content/01-lang.md", &body);
}

/// 1,000 short chapters, each with two sections and a link to the first.
fn many_chapters(root: &Path) {
    write(root, "data/programm.yaml", PROGRAMME);
    for n in 1..=1000 {
        write(
            root,
            &format!("content/k{n:04}.md"),
            &format!(
                "# Kapitel {n}\n\n## Ausgangslage\n\n{SENTENCE}\n\n## Ziele\n\n{SENTENCE} Siehe [Ausgangslage](#ausgangslage).\n"
            ),
        );
    }
}

/// Checks, pipeline, website and `main.typ`; returns the bytes written.
fn build(project: &Project) -> usize {
    let mut findings = check::check_data(project, check::CheckOptions::default());
    let prepared = prepare(project, &mut Timings::default())
        .unwrap_or_else(|f| panic!("the project has errors: {f:?}"));
    findings.extend(check::check_document(project, &prepared));
    assert!(!findings.has_errors(), "{findings:?}");
    let site = html::render_site(&html::SiteInput::from_prepared(
        project,
        &prepared,
        "programm.pdf",
    ))
    .expect("the site renders");
    let typst = pdf::render_document(
        project,
        &prepared.docs,
        &prepared.numbering,
        &prepared.tables,
        &prepared.charts,
    )
    .expect("the document renders");
    site.iter().map(|(_, bytes)| bytes.len()).sum::<usize>() + typst.main.len()
}

/// Peak resident memory of this process (Linux), for the report.
fn peak_memory() -> String {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_string)
        })
        .unwrap_or_else(|| "VmHWM: unbekannt".to_string())
}

fn scale(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("umfang");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .sample_size(10);
    for (name, write_project) in [
        ("kapitel_5mb_30000_links", long_chapter as fn(&Path)),
        ("1000_kapitel", many_chapters),
    ] {
        let root = dir.path().join(name);
        write_project(&root);
        let project = load::load(&root).unwrap_or_else(|f| panic!("{name}: {f:?}"));
        let bytes = build(&project);
        eprintln!("{name}: {bytes} Bytes Ausgabe");
        group.bench_function(name, |b| b.iter(|| black_box(build(&project))));
    }
    group.finish();
    eprintln!("Spitzenspeicher des Benchmarks: {}", peak_memory());
}

criterion_group!(benches, scale);
criterion_main!(benches);
