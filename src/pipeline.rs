//! The one pipeline every command runs: load → expand → Markdown → tables and charts →
//! checks, ending in a [`Document`]. `amip build` and `amip check` write it with every
//! [`crate::render::Output`], `amip serve` does the same in place, and `amip diff` compares two.
//! Nothing here touches `output/`.

use std::path::Path;
use std::time::{Duration, Instant};

use indexmap::IndexMap;
use rayon::prelude::*;

use crate::check::CheckOptions;
use crate::diagnostic::Findings;
pub use crate::document::{Document, Prepared};
use crate::model::Project;
use crate::{charts, data, expand, load, markdown, tables};

/// Which checks a run applies on top of the stages' own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checks {
    /// None: `amip diff` compares drafts that need not pass yet.
    Off,
    /// The checks of a draft: open values are fine while writing.
    Draft,
    /// The checks of the version for publication (`--final`).
    Final,
}

impl Checks {
    /// The checks of a build with or without `--final`.
    pub fn of_build(final_version: bool) -> Self {
        if final_version {
            Checks::Final
        } else {
            Checks::Draft
        }
    }
}

/// Loads the project at `root` and runs every in-memory stage and check: the one way every
/// command turns a project into a document. Chart SVGs come from `svg_cache` when unchanged.
pub fn document(
    root: &Path,
    checks: Checks,
    timings: &mut Timings,
    svg_cache: &mut charts::SvgCache,
) -> Result<Document, Findings> {
    let mut project = load::load(root)?;
    // Titles of tables and charts follow the data as chapters do; their mistakes are reported
    // with every other finding.
    let titles = expand::expand_titles(&mut project);
    timings.lap("Laden");
    let result = match checks {
        Checks::Off => prepare_cached(&project, timings, svg_cache).map(|prepared| {
            let warnings = prepared.warnings.clone();
            (prepared, warnings)
        }),
        Checks::Draft | Checks::Final => prepare_checked(
            &project,
            CheckOptions {
                final_version: checks == Checks::Final,
            },
            timings,
            svg_cache,
        ),
    };
    let (prepared, warnings) = with_title_findings(titles, result)?;
    timings.lap("Prüfungen");
    Ok(Document {
        pdf_name: format!("{}.pdf", project.programme.slug()),
        link_pdf: true,
        project,
        prepared,
        warnings,
    })
}

/// The prepared document with the findings of the titles' expansion added: an error among
/// them fails the run, with every other finding.
fn with_title_findings(
    mut titles: Findings,
    result: Result<(Prepared, Findings), Findings>,
) -> Result<(Prepared, Findings), Findings> {
    match result {
        Ok((prepared, warnings)) if !titles.has_errors() => {
            titles.extend(warnings);
            Ok((prepared, titles))
        }
        Ok((_, more)) | Err(more) => {
            titles.extend(more);
            Err(titles)
        }
    }
}

/// Runs expansion, Markdown, tables and charts on a loaded project.
pub fn prepare(project: &Project, timings: &mut Timings) -> Result<Prepared, Findings> {
    prepare_cached(project, timings, &mut charts::SvgCache::default())
}

/// [`prepare`] with chart SVGs reused from earlier builds (for `amip serve`).
pub fn prepare_cached(
    project: &Project,
    timings: &mut Timings,
    svg_cache: &mut charts::SvgCache,
) -> Result<Prepared, Findings> {
    let mut findings = Findings(project.load_warnings.clone());
    // Two independent branches run side by side: tables and charts, and the chapters'
    // expansion and Markdown. Within each, independent items run on all cores. Results and
    // findings are collected in declaration order afterwards, as a sequential build would.
    let ((table_results, chart_results, data_times), (text, text_times)) =
        rayon::join(|| resolve_declared(project), || expand_and_parse(project));
    timings.record_parallel(&[
        ("Tabellen", data_times[0]),
        ("Abbildungen", data_times[1]),
        ("Vorlagen", text_times[0]),
        ("Markdown", text_times[1]),
    ]);
    let resolved_tables = collect_tables(project, table_results, &mut findings);
    let resolved_charts = collect_charts(project, chart_results, &mut findings);
    let svgs = draw_charts(project, &resolved_charts, svg_cache, &mut findings);
    let (expand_errors, warnings, parsed) = text;
    if let Some(more) = expand_errors {
        findings.extend(more);
    }
    let parsed = match parsed {
        Some(Ok(parsed)) => Some(parsed),
        Some(Err(more)) => {
            findings.extend(more);
            None
        }
        None => None,
    };
    publication_findings(project, &mut findings);
    let parsed = parsed.map(|(mut docs, numbering)| {
        markdown::publication::attach_signature(&mut docs, &project.chapters, &project.programme);
        (docs, numbering)
    });
    findings.extend(warnings);
    match parsed {
        Some((docs, numbering)) if !findings.has_errors() => Ok(Prepared {
            docs,
            numbering,
            tables: resolved_tables,
            charts: resolved_charts,
            svgs,
            warnings: findings,
        }),
        _ => Err(findings),
    }
}

type TableResults = Vec<Result<crate::model::Table, data::DataError>>;
type ChartResults = Vec<Result<crate::model::Chart, data::DataError>>;

/// Resolves every declared table and chart against the data, on all cores, in declaration
/// order; with the time each kind took.
fn resolve_declared(project: &Project) -> (TableResults, ChartResults, [Duration; 2]) {
    let start = Instant::now();
    let tables: Vec<_> = project
        .tables
        .iter()
        .collect::<Vec<_>>()
        .par_iter()
        .map(|(id, decl)| tables::resolve_table(id, decl, &project.data, &project.example_sets))
        .collect();
    let tables_done = Instant::now();
    let charts: Vec<_> = project
        .charts
        .iter()
        .collect::<Vec<_>>()
        .par_iter()
        .map(|(id, decl)| data::resolve_chart(id, decl, &project.data, &project.example_sets))
        .collect();
    (tables, charts, [tables_done - start, tables_done.elapsed()])
}

/// The chapters' expansion errors, the warnings and the parsed chapters.
type Text = (
    Option<Findings>,
    Findings,
    Option<Result<(Vec<markdown::ChapterDoc>, markdown::Numbering), Findings>>,
);

/// Expands the chapters and parses their Markdown; with the time each stage took.
fn expand_and_parse(project: &Project) -> (Text, [Duration; 2]) {
    let start = Instant::now();
    let expanded = expand::expand_all_with_warnings(project);
    let expanded_done = Instant::now();
    let parsed = expanded.as_ref().ok().map(|(expanded, _)| {
        markdown::parse_with_images(
            &project.chapters,
            expanded,
            &project.images.keys().cloned().collect(),
        )
    });
    let times = [expanded_done - start, expanded_done.elapsed()];
    let (warnings, errors) = match expanded {
        Ok((_, warnings)) => (warnings, None),
        Err(errors) => (Findings::default(), Some(errors)),
    };
    ((errors, warnings, parsed), times)
}

/// The resolved tables by id; each failure becomes a finding at its declaration or value.
fn collect_tables(
    project: &Project,
    results: TableResults,
    findings: &mut Findings,
) -> IndexMap<String, crate::model::Table> {
    let mut resolved = IndexMap::new();
    for (id, result) in project.tables.keys().zip(results) {
        match result {
            Ok(table) => {
                resolved.insert(id.clone(), table);
            }
            Err(err) => findings.push(
                crate::numbers::not_a_number_finding(project, &err, &format!("die Tabelle „{id}“"))
                    .unwrap_or_else(|| {
                        project.finding_at_path_in(
                            load::TABLES_FILE,
                            &crate::data::culprit(project, load::TABLES_FILE, id, &err),
                            prefixed(&format!("Tabelle „{id}“: "), &err.to_string()),
                        )
                    }),
            ),
        }
    }
    resolved
}

/// The resolved charts by id; each failure and each chart without alternative text becomes a
/// finding at its declaration or value.
fn collect_charts(
    project: &Project,
    results: ChartResults,
    findings: &mut Findings,
) -> IndexMap<String, crate::model::Chart> {
    let mut resolved = IndexMap::new();
    for (id, chart) in project.charts.keys().zip(results) {
        match chart {
            Ok(chart) => {
                if chart.alt.trim().is_empty() {
                    findings.push(
                        project
                            .finding_at_path_in(
                                load::CHARTS_FILE,
                                id,
                                format!("Abbildung „{id}“: der Alternativtext (alt:) fehlt."),
                            )
                            .with_help(
                                "Beschreiben Sie in alt: in ein, zwei Sätzen, was die Abbildung zeigt.",
                            ),
                    );
                }
                resolved.insert(id.clone(), chart);
            }
            Err(err) => findings.push(
                crate::numbers::not_a_number_finding(
                    project,
                    &err,
                    &format!("die Abbildung „{id}“"),
                )
                .unwrap_or_else(|| {
                    project.finding_at_path_in(
                        load::CHARTS_FILE,
                        &crate::data::culprit(project, load::CHARTS_FILE, id, &err),
                        prefixed(&format!("Abbildung „{id}“: "), &err.to_string()),
                    )
                }),
            ),
        }
    }
    resolved
}

/// `message` after `prefix`, unless it begins with it already (messages of the chart
/// stage name their chart themselves).
fn prefixed(prefix: &str, message: &str) -> String {
    if message.starts_with(prefix) {
        message.to_string()
    } else {
        format!("{prefix}{message}")
    }
}

/// Draws every resolved chart as SVG, unchanged ones from the cache.
fn draw_charts(
    project: &Project,
    resolved: &IndexMap<String, crate::model::Chart>,
    svg_cache: &mut charts::SvgCache,
    findings: &mut Findings,
) -> IndexMap<String, String> {
    let mut svgs = IndexMap::new();
    svg_cache.retain(resolved.keys());
    for (id, chart) in resolved {
        match svg_cache.render(chart) {
            Ok(svg) => {
                svgs.insert(id.clone(), svg);
            }
            Err(err) => {
                findings.push(project.finding_at_path_in(load::CHARTS_FILE, id, err.to_string()))
            }
        }
    }
    svgs
}

/// What is wrong with the title page, the logo and the signature block.
fn publication_findings(project: &Project, findings: &mut Findings) {
    let images: std::collections::BTreeSet<String> = project.images.keys().cloned().collect();
    for (path, message) in
        markdown::publication::problems(&project.chapters, &project.programme, &images)
    {
        let finding = project.finding_at_path_in(load::PROGRAMME_FILE, path, message);
        // A signature chapter that no longer exists falls back to the foreword: a warning.
        findings.push(if path == markdown::publication::SIGNATURE_CHAPTER_KEY {
            finding.warning()
        } else {
            finding
        });
    }
}

/// [`prepare_cached`] plus the checks of [`crate::check`], as every build runs them: the
/// prepared document and the warnings, or all findings when any is an error.
pub fn prepare_checked(
    project: &Project,
    options: CheckOptions,
    timings: &mut Timings,
    svg_cache: &mut charts::SvgCache,
) -> Result<(Prepared, Findings), Findings> {
    let mut findings = crate::check::check_data(project, options);
    let prepared = match prepare_cached(project, timings, svg_cache) {
        Ok(prepared) => prepared,
        Err(more) => {
            findings.extend(more);
            return Err(findings);
        }
    };
    findings.extend(prepared.warnings.clone());
    findings.extend(crate::check::check_document(project, &prepared));
    if findings.has_errors() {
        Err(findings)
    } else {
        Ok((prepared, findings))
    }
}

/// Measures the steps of a build for the summary.
#[derive(Debug, Default)]
pub struct Timings {
    last: Option<Instant>,
    /// (step, duration) in order.
    pub steps: Vec<(String, Duration)>,
}

impl Timings {
    /// Starts measuring.
    pub fn start() -> Self {
        Self {
            last: Some(Instant::now()),
            steps: Vec::new(),
        }
    }

    /// Records steps that ran side by side with their own durations; the next lap counts
    /// from now.
    fn record_parallel(&mut self, steps: &[(&str, Duration)]) {
        if self.last.is_some() {
            for (step, duration) in steps {
                self.steps.push(((*step).to_string(), *duration));
            }
            self.last = Some(Instant::now());
        }
    }

    /// Records the time since the last lap under `step`.
    pub fn lap(&mut self, step: &str) {
        let now = Instant::now();
        if let Some(last) = self.last {
            self.steps.push((step.to_string(), now - last));
        }
        self.last = Some(now);
    }
}
