//! The build pipeline, end to end: load → expand → Markdown → tables and charts → site and
//! Typst document → typst → replace `output/`.
//!
//! [`prepare`] runs every in-memory stage and is shared by all commands that need the
//! rendered document; [`build`] adds the file system and typst at the edges.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indexmap::IndexMap;
use rayon::prelude::*;

use crate::diagnostic::{Finding, Findings};
use crate::model::Project;
use crate::output::{clean_leftovers, link_tree, ProjectLock, Staging};
use crate::render::{html, pdf};
use crate::{charts, data, expand, load, markdown, tables, typst_cli};

/// What to build.
#[derive(Debug, Clone, Copy)]
pub struct BuildOptions {
    /// Write the website.
    pub html: bool,
    /// Write the PDF.
    pub pdf: bool,
    /// No progress messages.
    pub quiet: bool,
    /// The version for publication: refuse pending values and draft status.
    pub final_version: bool,
}

/// Why a build failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Problems in the project's sources.
    #[error("Das Projekt enthält Fehler.")]
    Findings(Findings),
    /// Writing the output failed.
    #[error("{what}: {}", crate::diagnostic::os_message(.source))]
    Io {
        /// What amip was doing.
        what: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// typst is missing or unusable.
    #[error(transparent)]
    Typst(#[from] typst_cli::TypstError),
}

impl From<Findings> for BuildError {
    fn from(findings: Findings) -> Self {
        BuildError::Findings(findings)
    }
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> BuildError {
    let what = what.into();
    move |source| BuildError::Io { what, source }
}

pub use crate::document::Prepared;

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
    let mut findings = Findings::default();
    // Two independent branches run side by side: tables and charts, and the chapters'
    // expansion and Markdown. Within each, independent items run on all cores. Results and
    // findings are collected in declaration order afterwards, as a sequential build would.
    let declared_tables: Vec<_> = project.tables.iter().collect();
    let declared_charts: Vec<_> = project.charts.iter().collect();
    let ((table_results, chart_results, data_times), (text, text_times)) = rayon::join(
        || {
            let start = Instant::now();
            let tables: Vec<_> = declared_tables
                .par_iter()
                .map(|(id, decl)| {
                    tables::resolve_table(id, decl, &project.data, &project.example_sets)
                })
                .collect();
            let tables_done = Instant::now();
            let charts: Vec<_> = declared_charts
                .par_iter()
                .map(|(id, decl)| {
                    data::resolve_chart(id, decl, &project.data, &project.example_sets)
                })
                .collect();
            let times = [tables_done - start, tables_done.elapsed()];
            (tables, charts, times)
        },
        || {
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
        },
    );
    timings.record_parallel(&[
        ("Tabellen", data_times[0]),
        ("Abbildungen", data_times[1]),
        ("Vorlagen", text_times[0]),
        ("Markdown", text_times[1]),
    ]);

    let mut resolved_tables = IndexMap::new();
    for ((id, _), result) in declared_tables.iter().zip(table_results) {
        match result {
            Ok(table) => {
                resolved_tables.insert((*id).clone(), table);
            }
            Err(err) => findings.push(
                crate::numbers::not_a_number_finding(project, &err, &format!("die Tabelle „{id}“"))
                    .unwrap_or_else(|| {
                        project.finding_at_path_in(
                            load::TABLES_FILE,
                            id,
                            format!("Tabelle „{id}“: {err}"),
                        )
                    }),
            ),
        }
    }
    let mut resolved_charts = IndexMap::new();
    for ((id, _), chart) in declared_charts.iter().zip(chart_results) {
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
                resolved_charts.insert((*id).clone(), chart);
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
                        id,
                        format!("Abbildung „{id}“: {err}"),
                    )
                }),
            ),
        }
    }
    let mut svgs = IndexMap::new();
    svg_cache.retain(resolved_charts.keys());
    for (id, chart) in &resolved_charts {
        match svg_cache.render(chart) {
            Ok(svg) => {
                svgs.insert(id.clone(), svg);
            }
            Err(err) => {
                findings.push(project.finding_at_path_in(load::CHARTS_FILE, id, err.to_string()))
            }
        }
    }
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
    let parsed = parsed.map(|(mut docs, numbering)| {
        markdown::publication::attach_signature(&mut docs, &project.programme);
        (docs, numbering)
    });
    match parsed {
        Some((docs, numbering)) if !findings.has_errors() => Ok(Prepared {
            docs,
            numbering,
            tables: resolved_tables,
            charts: resolved_charts,
            svgs,
            warnings: {
                findings.extend(warnings);
                findings
            },
        }),
        _ => {
            findings.extend(warnings);
            Err(findings)
        }
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

/// What a successful build wrote.
#[derive(Debug)]
pub struct Report {
    /// Pages of the website.
    pub pages: usize,
    /// Chart SVGs.
    pub charts: usize,
    /// Tables.
    pub tables: usize,
    /// The PDF, when one was built or kept.
    pub pdf: Option<PathBuf>,
    /// Whether the PDF was built in this run.
    pub pdf_built: bool,
    /// Step durations.
    pub timings: Timings,
    /// Findings that do not block the build.
    pub warnings: Findings,
    /// What replacing `output/` left to tell (old output that could not be removed).
    commit_note: Option<String>,
}

/// Checks the project by building it – website and PDF, typst included – into a temporary
/// folder that is removed afterwards (`amip check`). Nothing in the project changes, and
/// what check accepts, `amip build` builds: both run the same code.
pub fn check_only(root: &Path, options: crate::check::CheckOptions) -> Findings {
    let build_options = BuildOptions {
        html: true,
        pdf: true,
        quiet: false,
        final_version: options.final_version,
    };
    match run(root, build_options, Target::Scratch) {
        Ok(report) => report.warnings,
        Err(BuildError::Findings(findings)) => findings,
        Err(other) => Findings(vec![Finding::error(other.to_string())]),
    }
}

/// The PDF's creation time: `SOURCE_DATE_EPOCH` when set, else the programme's date, else
/// 1 January of the programme year (never the build time).
pub fn creation_timestamp(project: &Project) -> i64 {
    if let Some(epoch) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
    {
        return epoch;
    }
    let programme = &project.programme;
    let date = programme
        .datum
        .as_deref()
        .and_then(crate::format::parse_date)
        .or_else(|| jiff::civil::Date::new(i16::try_from(programme.jahr).ok()?, 1, 1).ok());
    date.and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map_or(0, |z| z.timestamp().as_second())
}

/// [`prepare_cached`] plus the checks of [`crate::check`], as every build runs them: the
/// prepared document and the warnings, or all findings when any is an error.
pub fn prepare_checked(
    project: &Project,
    options: crate::check::CheckOptions,
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

/// Where a run of the pipeline writes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    /// `root/output/`, replaced when everything succeeded.
    Output,
    /// A temporary folder outside the project, removed at the end (`amip check`).
    Scratch,
}

/// Builds the project at `root` into `root/output/`.
pub fn build(root: &Path, options: BuildOptions) -> Result<Report, BuildError> {
    // One build at a time per project; then clear what killed builds left behind.
    let _lock = ProjectLock::acquire(root, |message| eprintln!("{message}"))
        .map_err(io("Der Arbeitsordner .amip-tmp kann nicht angelegt werden"))?;
    let leftovers = clean_leftovers(root, &root.join("output"));
    let mut report = run(root, options, Target::Output)?;
    for note in leftovers.into_iter().chain(report.commit_note.take()) {
        report.warnings.push(Finding::error(note).warning());
    }
    Ok(report)
}

fn run(root: &Path, options: BuildOptions, target: Target) -> Result<Report, BuildError> {
    let mut timings = Timings::start();
    // Asking typst for its version takes a few milliseconds: do it while the project loads.
    let typst_lookup = options
        .pdf
        .then(|| std::thread::spawn(typst_cli::find_installed));
    let project = load::load(root)?;
    timings.lap("Laden");
    let check_options = crate::check::CheckOptions {
        final_version: options.final_version,
    };
    let (prepared, findings) = prepare_checked(
        &project,
        check_options,
        &mut timings,
        &mut charts::SvgCache::default(),
    )?;
    timings.lap("Prüfungen");
    let slug = project.programme.slug();
    let pdf_name = format!("{slug}.pdf");

    let scratch = match target {
        Target::Output => None,
        Target::Scratch => Some(
            tempfile::Builder::new()
                .prefix("amip-check-")
                .tempdir()
                .map_err(io(
                    "Der temporäre Ordner für die Prüfung kann nicht angelegt werden",
                ))?,
        ),
    };
    let staging = Staging::new(scratch.as_ref().map_or(root, |dir| dir.path()))
        .map_err(io("Der Arbeitsordner .amip-tmp kann nicht angelegt werden"))?;
    // A check neither reads nor replaces the current output.
    let output_dir = match &scratch {
        None => root.join("output"),
        Some(dir) => dir.path().join("output"),
    };

    // The PDF first: typst takes most of a full build, so it runs while the website is
    // rendered and written. A template error in the website still takes precedence over one in
    // the Typst document, as when the website was built first.
    let mut document = None;
    let mut typst_run = None;
    if options.pdf {
        match pdf::render_document(
            &project,
            &prepared.docs,
            &prepared.numbering,
            &prepared.tables,
            &prepared.charts,
        ) {
            Ok(rendered) => {
                let files = pdf::build_files(&rendered, &prepared.svgs, &project.images);
                write_all(&staging, &output_dir, "typst", &files)?;
                timings.lap("Typst-Quelle");
                let typst = match typst_lookup.and_then(|lookup| lookup.join().ok()).flatten() {
                    Some(found) => found?,
                    None => typst_cli::find_or_install(options.quiet)?,
                };
                typst_run = Some(typst_cli::spawn_compile(
                    &typst,
                    &staging.path().join("typst"),
                    Path::new(&format!("../{pdf_name}")),
                    creation_timestamp(&project),
                    pdf::FONT_DIR,
                )?);
                document = Some(Ok(rendered));
            }
            Err(more) => document = Some(Err(more)),
        }
    }

    let mut pages = 0;
    if options.html {
        let site = html::render_site(&html::SiteInput::from_prepared(
            &project, &prepared, &pdf_name,
        ))?;
        let files: Vec<(&String, &[u8])> = project
            .images
            .iter()
            .map(|(r, b)| (r, b.as_slice()))
            .chain(site.iter().map(|(r, b)| (r, b.as_slice())))
            .collect();
        pages = files
            .iter()
            .filter(|(rel, _)| rel.ends_with(".html"))
            .count();
        write_all(&staging, &output_dir, "html", &files)?;
        timings.lap("HTML");
    } else if output_dir.join("html").is_dir() {
        link_tree(&output_dir.join("html"), &staging.path().join("html"))
            .map_err(io("Die bisherige Website kann nicht übernommen werden"))?;
    }

    let mut pdf_built = false;
    match (document, typst_run) {
        (Some(Err(more)), _) => return Err(BuildError::Findings(more)),
        (Some(Ok(document)), Some(run)) => {
            if let Err(diagnostics) = run.wait()? {
                return Err(BuildError::Findings(typst_findings(
                    &diagnostics,
                    &document,
                    &project,
                )));
            }
            pdf_built = true;
            timings.lap("PDF (typst)");
        }
        _ => {
            for rel in [pdf_name.as_str(), "typst"] {
                let previous = output_dir.join(rel);
                if previous.exists() {
                    link_tree(&previous, &staging.path().join(rel))
                        .map_err(io("Das bisherige PDF kann nicht übernommen werden"))?;
                }
            }
        }
    }
    let pdf_path = staging.path().join(&pdf_name);
    let has_pdf = pdf_path.is_file();
    if has_pdf && staging.path().join("html").is_dir() {
        link_tree(&pdf_path, &staging.path().join("html").join(&pdf_name))
            .map_err(io("Das PDF kann nicht in die Website kopiert werden"))?;
    }
    // A check stops here: the staging folder and the temporary folder are removed.
    let mut commit_note = None;
    if target == Target::Output {
        commit_note = staging.commit(&output_dir).map_err(io(format!(
            "Der Ausgabeordner {} kann nicht ersetzt werden",
            output_dir.display()
        )))?;
        timings.lap("Schreiben");
    }
    Ok(Report {
        pages,
        charts: prepared.svgs.len(),
        tables: prepared.tables.len(),
        pdf: (has_pdf && target == Target::Output).then(|| output_dir.join(&pdf_name)),
        pdf_built,
        timings,
        warnings: findings,
        commit_note,
    })
}

/// Writes files below `folder` of the staging folder on all cores, reusing unchanged files of
/// the current output; reports the first failure in file order.
fn write_all<B: AsRef<[u8]> + Sync>(
    staging: &Staging,
    output_dir: &Path,
    folder: &str,
    files: &[(impl AsRef<str> + Sync, B)],
) -> Result<(), BuildError> {
    // Should two entries name the same file (an image beside a chart SVG of the same name),
    // the later one wins, as when the files were written one after the other.
    let last: std::collections::HashMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(index, (rel, _))| (rel.as_ref(), index))
        .collect();
    let results: Vec<std::io::Result<()>> = files
        .par_iter()
        .enumerate()
        .map(|(index, (rel, bytes))| {
            if last.get(rel.as_ref()) != Some(&index) {
                return Ok(());
            }
            let rel = format!("{folder}/{}", rel.as_ref());
            staging.write_reusing(&rel, bytes.as_ref(), &output_dir.join(&rel))
        })
        .collect();
    for ((rel, _), result) in files.iter().zip(results) {
        result.map_err(io(format!(
            "output/{folder}/{} kann nicht geschrieben werden",
            rel.as_ref()
        )))?;
    }
    Ok(())
}

/// Translates typst's diagnostics into German findings at the chapter line they came from.
/// The generated `main.typ` is never named: it is gone after a failed build, and its lines
/// mean nothing to an author.
pub fn typst_findings(
    diagnostics: &[typst_cli::TypstDiagnostic],
    document: &pdf::TypstDocument,
    project: &Project,
) -> Findings {
    let mut findings = Findings::default();
    let main_lines: Vec<&str> = document.main.lines().collect();
    for diagnostic in diagnostics.iter().filter(|d| d.severity == "error") {
        let message = typst_cli::translate_message(&diagnostic.message);
        let chapter = (diagnostic.file == "main.typ")
            .then(|| {
                document
                    .chapter_lines
                    .iter()
                    .rev()
                    .find(|(line, _)| *line <= diagnostic.line)
                    .map(|(_, file)| file.clone())
            })
            .flatten()
            .and_then(|file| project.chapters.iter().find(|c| c.file == file));
        let finding = match chapter {
            Some(chapter) => {
                let typst_line = diagnostic
                    .line
                    .checked_sub(1)
                    .and_then(|i| main_lines.get(i))
                    .copied()
                    .unwrap_or_default();
                let source = chapter.padded_source();
                let finding = Finding::error(format!(
                    "Der PDF-Satz mit typst ist fehlgeschlagen: {message}"
                ))
                .in_file(&chapter.file);
                match typst_cli::matching_line(typst_line, &source) {
                    Some(line) => finding.at(&source, line, 1),
                    None => finding,
                }
            }
            None => Finding::error(format!(
                "Der PDF-Satz mit typst ist fehlgeschlagen: {message}"
            ))
            .with_help(
                "Prüfen Sie die eigene Vorlage templates/typst/main.typ, falls es eine gibt.",
            ),
        };
        findings.push(finding);
    }
    if findings.0.is_empty() {
        findings.push(Finding::error(
            "Der PDF-Satz mit typst ist fehlgeschlagen (ohne Meldung).",
        ));
    }
    findings
}
