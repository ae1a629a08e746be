//! Stage benchmarks of the build pipeline on the example project in this repository
//! (`cargo bench`; see README, "Leistung und Benchmarks").
//!
//! Loading reads the project from disk; every other stage starts from the loaded project in
//! memory, so the numbers show amip's own work without the file system or typst.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark or example that cannot run stops with a message; no user input reaches it"
)]

use std::collections::BTreeSet;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};

use amip::expand::Expanded;
use amip::markdown;
use amip::model::{Chart, ChartKind, Orientation, Project, Series, ValueFormat};
use amip::pipeline::{prepare, Prepared, Timings};
use amip::render::html;
use amip::render::html::writer::HtmlContext;
use amip::render::typst as pdf;
use amip::render::typst::writer::TypstContext;
use amip::{charts, check, expand, load};

fn example() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn prepare_example(project: &amip::model::Project) -> Prepared {
    prepare(project, &mut Timings::default())
        .unwrap_or_else(|findings| panic!("the example has errors: {findings:?}"))
}

/// A synthetic chart with `count` categories: a long line or many bars.
fn large_chart(kind: ChartKind, count: u32) -> Chart {
    let name = match kind {
        ChartKind::Linie => "linie_10000_punkte",
        ChartKind::Balken | ChartKind::Gestapelt | ChartKind::Ring => "balken_500_kategorien",
    };
    Chart {
        id: name.to_string(),
        kind,
        caption: name.to_string(),
        source: None,
        alt: String::new(),
        x_title: Some("Kategorie".to_string()),
        y_title: Some("Wert".to_string()),
        format: ValueFormat::Ganz,
        orientation: Orientation::Senkrecht,
        categories: (0..count).map(|i| format!("Kategorie {i}")).collect(),
        series: vec![Series {
            name: "Werte".to_string(),
            values: (0..count)
                .map(|i| Some(f64::from((i * 7919) % 1000) - 200.0))
                .collect(),
            points: Vec::new(),
        }],
    }
}

/// What the stage benchmarks start from: the example loaded and prepared once.
struct Example {
    project: Project,
    prepared: Prepared,
    expanded: Vec<Expanded>,
    images: BTreeSet<String>,
    pages: Vec<String>,
    pdf_name: String,
}

impl Example {
    fn load() -> Self {
        let project = load::load(example()).expect("the example loads");
        let prepared = prepare_example(&project);
        let expanded = expand::expand_all(&project).expect("the example expands");
        let images = project.images.keys().cloned().collect();
        let pages = html::page_names(&prepared.docs);
        let pdf_name = format!("{}.pdf", project.programme.slug());
        Self {
            project,
            prepared,
            expanded,
            images,
            pages,
            pdf_name,
        }
    }
}

type Group<'a> = BenchmarkGroup<'a, WallTime>;

fn stages(c: &mut Criterion) {
    let example = Example::load();
    let mut group = c.benchmark_group("pipeline");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    load_and_expand(&mut group, &example);
    markdown_writers(&mut group, &example);
    chart_drawing(&mut group, &example.prepared);
    whole_outputs(&mut group, &example);
    group.finish();
}

/// Loading with the data checks, and the chapter templates.
fn load_and_expand(group: &mut Group<'_>, example: &Example) {
    group.bench_function("laden_und_pruefen", |b| {
        b.iter(|| {
            let project = load::load(self::example()).expect("the example loads");
            black_box(check::check_data(&project, check::CheckOptions::default()))
        })
    });

    group.bench_function("vorlagen", |b| {
        b.iter(|| black_box(expand::expand_all(&example.project).expect("the example expands")))
    });
}

/// Parsing the expanded chapters and writing them as HTML or Typst.
fn markdown_writers(group: &mut Group<'_>, example: &Example) {
    let Example {
        project,
        prepared,
        expanded,
        images,
        pages,
        ..
    } = example;
    group.bench_function("markdown_zu_html", |b| {
        b.iter(|| {
            let (docs, numbering) =
                markdown::parse_with_images(&project.chapters, expanded, images)
                    .expect("the example parses");
            let ctx = HtmlContext {
                tables: &prepared.tables,
                charts: &prepared.charts,
                numbering: &numbering,
                pages,
                svgs: &prepared.svgs,
            };
            let out: Vec<String> = docs
                .iter()
                .map(|doc| amip::render::html::writer::write_chapter(doc, &ctx, 0))
                .collect();
            black_box(out)
        })
    });

    group.bench_function("markdown_zu_typst", |b| {
        b.iter(|| {
            let (docs, numbering) =
                markdown::parse_with_images(&project.chapters, expanded, images)
                    .expect("the example parses");
            let ctx = TypstContext {
                tables: &prepared.tables,
                charts: &prepared.charts,
                numbering: &numbering,
                chart_dir: pdf::CHART_DIR,
            };
            let out: Vec<String> = docs
                .iter()
                .map(|doc| amip::render::typst::writer::write_chapter(doc, &ctx))
                .collect();
            black_box(out)
        })
    });
}

/// Each of the example's charts, all of them, and two large synthetic ones.
fn chart_drawing(group: &mut Group<'_>, prepared: &Prepared) {
    for (id, chart) in &prepared.charts {
        group.bench_function(format!("abbildung_{id}"), |b| {
            b.iter(|| black_box(charts::render_svg(chart).expect("the chart draws")))
        });
    }
    group.bench_function("abbildungen_alle", |b| {
        b.iter(|| {
            for chart in prepared.charts.values() {
                black_box(charts::render_svg(chart).expect("the chart draws"));
            }
        })
    });
    for chart in [
        large_chart(ChartKind::Linie, 10_000),
        large_chart(ChartKind::Balken, 500),
    ] {
        group.bench_function(chart.id.clone(), |b| {
            b.iter(|| black_box(charts::render_svg(&chart).expect("the chart draws")))
        });
    }
}

/// The whole website from the loaded project, and the Typst document.
fn whole_outputs(group: &mut Group<'_>, example: &Example) {
    let Example {
        project,
        prepared,
        pdf_name,
        ..
    } = example;
    group.bench_function("website_gesamt", |b| {
        b.iter(|| {
            let mut findings = check::check_data(project, check::CheckOptions::default());
            let prepared = prepare_example(project);
            findings.extend(check::check_document(project, &prepared));
            assert!(!findings.has_errors());
            let site = html::render_site(&html::SiteInput::from_prepared(
                project, &prepared, pdf_name,
            ))
            .expect("the site renders");
            black_box(site)
        })
    });

    group.bench_function("typst_dokument", |b| {
        b.iter(|| {
            black_box(
                pdf::render_document(
                    project,
                    &prepared.docs,
                    &prepared.numbering,
                    &prepared.tables,
                    &prepared.charts,
                )
                .expect("the document renders"),
            )
        })
    });
}

criterion_group!(benches, stages);
criterion_main!(benches);
