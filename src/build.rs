//! Writing the document: every [`render::Output`] into a staging folder, typst on the Typst
//! source, then `output/` replaced at once ([`build`]); or all of it into a temporary folder
//! that is removed afterwards ([`check_only`]). The document itself comes from
//! [`crate::pipeline`], as for every command.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::{Finding, Findings};
use crate::door::read::Kind;
use crate::door::staging::{clean_leftovers, ProjectLock, Staging};
use crate::door::DoorError;
use crate::model::Project;
use crate::pipeline::{self, Checks, Document};
pub use crate::pipeline::{Prepared, Timings};
use crate::render::typst as pdf;
use crate::render::{self, html};
use crate::{charts, typst_cli};

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
    /// The file system refused (a link, a folder outside, the disk).
    #[error(transparent)]
    Door(#[from] DoorError),
    /// typst is missing or unusable.
    #[error(transparent)]
    Typst(#[from] typst_cli::TypstError),
}

impl From<Findings> for BuildError {
    fn from(findings: Findings) -> Self {
        BuildError::Findings(findings)
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
    let _lock = ProjectLock::acquire(root, |message| crate::errln!("{message}"))?;
    let leftovers = clean_leftovers(root);
    let mut report = run(root, options, Target::Output)?;
    for note in leftovers.into_iter().chain(report.commit_note.take()) {
        report.warnings.push(Finding::error(note).warning());
    }
    Ok(report)
}

fn run(root: &Path, options: BuildOptions, target: Target) -> Result<Report, BuildError> {
    let mut timings = Timings::start();
    // Asking typst for its version takes a few milliseconds: do it while the project loads.
    let mut typst_lookup = options
        .pdf
        .then(|| std::thread::spawn(typst_cli::find_installed));
    let mut document = pipeline::document(
        root,
        Checks::of_build(options.final_version),
        &mut timings,
        &mut charts::SvgCache::default(),
    )?;
    let staging = match target {
        Target::Output => Staging::new(root)?,
        // A check neither reads nor replaces the current output.
        Target::Scratch => Staging::scratch()?,
    };
    let output_dir = staging.output();
    // Without typst the earlier PDF stays, if there is one; the site links only a PDF that
    // will be there.
    if !options.pdf {
        staging.keep_previous(&document.pdf_name)?;
        document.link_pdf = staging.kind(&document.pdf_name) == Kind::File;
    }
    let document = document;
    let pdf_name = document.pdf_name.as_str();

    let (pages, typst_run, typst_pdf) = write_outputs(
        &document,
        options,
        &staging,
        &mut timings,
        &mut typst_lookup,
    )?;
    let pdf_built = match typst_run {
        Some(run) => {
            if let Err(diagnostics) = run.wait()? {
                return Err(BuildError::Findings(typst_findings(
                    &diagnostics,
                    &document,
                )));
            }
            staging.adopt(&typst_pdf, pdf_name)?;
            timings.lap("PDF (typst)");
            true
        }
        None => false,
    };
    let has_pdf = staging.kind(pdf_name) == Kind::File;
    if has_pdf && staging.kind(html::FOLDER) == Kind::Folder {
        staging.duplicate(pdf_name, &format!("{}/{pdf_name}", html::FOLDER))?;
    }
    // A check stops here: the staging folder and the temporary folder are removed.
    let mut commit_note = None;
    if target == Target::Output {
        commit_note = staging.commit()?;
        timings.lap("Schreiben");
    }
    Ok(Report {
        pages,
        charts: document.prepared.svgs.len(),
        tables: document.prepared.tables.len(),
        pdf: (has_pdf && target == Target::Output).then(|| output_dir.join(pdf_name)),
        pdf_built,
        timings,
        warnings: document.warnings,
        commit_note,
    })
}

type TypstLookup = Option<std::thread::JoinHandle<Option<Result<PathBuf, typst_cli::TypstError>>>>;

/// Renders and writes every selected output, the Typst source first: typst takes most of a
/// full build, so it runs while the other outputs are rendered and written. All their errors
/// are reported together. Returns the number of pages and the running typst.
fn write_outputs(
    document: &Document,
    options: BuildOptions,
    staging: &Staging,
    timings: &mut Timings,
    typst_lookup: &mut TypstLookup,
) -> Result<(usize, Option<typst_cli::TypstRun>, String), BuildError> {
    let mut errors = Findings::default();
    let mut typst_run = None;
    let mut typst_pdf = String::new();
    let mut pages = 0;
    for output in render::OUTPUTS {
        let folder = output.folder();
        let selected = match folder {
            pdf::FOLDER => options.pdf,
            html::FOLDER => options.html,
            _ => true,
        };
        if !selected {
            staging.keep_previous(folder)?;
            continue;
        }
        let files = match output.render(document) {
            Ok(files) => files,
            Err(more) => {
                errors.extend(more);
                continue;
            }
        };
        write_all(staging, folder, &files)?;
        if folder == html::FOLDER {
            pages = files
                .iter()
                .filter(|(rel, _)| rel.ends_with(".html"))
                .count();
        }
        timings.lap(folder_step(folder));
        if folder == pdf::FOLDER {
            let typst = match typst_lookup
                .take()
                .and_then(|lookup| lookup.join().ok())
                .flatten()
            {
                Some(found) => found?,
                None => typst_cli::find_or_install(options.quiet)?,
            };
            // typst writes by path: into a folder with a fresh name, so that no link planted
            // beforehand can send the PDF elsewhere; `Staging::adopt` checks what it wrote.
            typst_pdf = format!("{}/programm.pdf", staging.fresh_folder()?);
            typst_run = Some(typst_cli::spawn_compile(
                &typst,
                &staging.path().join(pdf::FOLDER),
                &staging.base().join(&typst_pdf),
                creation_timestamp(&document.project),
                pdf::FONT_DIR,
            )?);
        }
    }
    if errors.has_errors() {
        return Err(BuildError::Findings(errors));
    }
    Ok((pages, typst_run, typst_pdf))
}

/// The summary's name of the step that rendered and wrote `folder`.
fn folder_step(folder: &str) -> &'static str {
    match folder {
        pdf::FOLDER => "Typst-Quelle",
        html::FOLDER => "HTML",
        _ => "Ausgabe",
    }
}

/// Writes files below `folder` of the staging folder on all cores, reusing unchanged files of
/// the current output; reports the first failure in file order.
fn write_all<B: AsRef<[u8]> + Sync>(
    staging: &Staging,
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
    let results: Vec<Result<(), DoorError>> = files
        .par_iter()
        .enumerate()
        .map(|(index, (rel, bytes))| {
            if last.get(rel.as_ref()) != Some(&index) {
                return Ok(());
            }
            let rel = format!("{folder}/{}", rel.as_ref());
            staging.write_reusing(&rel, bytes.as_ref())
        })
        .collect();
    for result in results {
        result?;
    }
    Ok(())
}

/// Translates typst's diagnostics into German findings at the chapter line they came from.
/// The generated `main.typ` is never named: it is gone after a failed build, and its lines
/// mean nothing to an author.
pub fn typst_findings(diagnostics: &[typst_cli::TypstDiagnostic], rendered: &Document) -> Findings {
    let project = &rendered.project;
    let prepared = &rendered.prepared;
    // Where each chapter starts in `main.typ`: the same text again (rendering is
    // deterministic), computed only when typst failed.
    let document = match pdf::render_document(
        project,
        &prepared.docs,
        &prepared.numbering,
        &prepared.tables,
        &prepared.charts,
    ) {
        Ok(document) => document,
        Err(findings) => return findings,
    };
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
