//! `amip build`: builds the website and the PDF.

use std::path::Path;
use std::process::ExitCode;

use amip::build::{build, BuildError, BuildOptions};

/// Arguments of `amip build`.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Nur die Website erstellen (ein vorhandenes PDF bleibt erhalten)
    #[arg(long)]
    html: bool,
    /// Nur das PDF erstellen (eine vorhandene Website bleibt erhalten)
    #[arg(long)]
    pdf: bool,
    /// Endfassung: Fehler, solange Werte in Abstimmung sind oder der Status „draft“ ist
    #[arg(long = "final")]
    final_version: bool,
    /// Keine Zusammenfassung ausgeben
    #[arg(short, long)]
    quiet: bool,
}

/// Runs the build and prints a summary.
pub(crate) fn run(project: &Path, args: &Args) -> ExitCode {
    let root = match super::project_root(project) {
        Ok(root) => root,
        Err(code) => return code,
    };
    let both = !args.html && !args.pdf;
    let options = BuildOptions {
        html: args.html || both,
        pdf: args.pdf || both,
        quiet: args.quiet,
        final_version: args.final_version,
    };
    match build(&root, options) {
        Ok(report) => {
            if !report.warnings.0.is_empty() {
                super::print_findings(&report.warnings);
            }
            if !args.quiet {
                amip::outln!(
                    "Fertig: {}, {}, {} in output/html/",
                    amip::text::counted(report.pages, "Seite", "Seiten"),
                    amip::text::counted(report.charts, "Abbildung", "Abbildungen"),
                    amip::text::counted(report.tables, "Tabelle", "Tabellen")
                );
                if let Some(pdf) = &report.pdf {
                    let name = pdf
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    if report.pdf_built {
                        amip::outln!("PDF: output/{name} (Typst-Quelle: output/typst/main.typ)");
                    } else {
                        amip::outln!("PDF: output/{name} (unverändert übernommen)");
                    }
                }
                let steps: Vec<String> = report
                    .timings
                    .steps
                    .iter()
                    .map(|(step, time)| format!("{step} {} ms", time.as_millis()))
                    .collect();
                amip::outln!("Zeiten: {}", steps.join(", "));
            }
            ExitCode::SUCCESS
        }
        Err(BuildError::Findings(findings)) => {
            super::print_findings(&findings);
            amip::errln!("Es wurde nichts geschrieben; output/ ist unverändert.");
            ExitCode::FAILURE
        }
        Err(err) => {
            amip::errln!("Fehler: {}", amip::controls::escaped(&err.to_string()));
            amip::errln!("Es wurde nichts geschrieben; output/ ist unverändert.");
            ExitCode::FAILURE
        }
    }
}
