//! `amip init`: scaffolds a new project and builds its website at once.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use amip::build::{build, BuildError, BuildOptions};
use amip::init::{scaffold, InitOptions};

/// Arguments of `amip init`.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Ordner des neuen Projekts (neu oder leer)
    #[arg(value_name = "ORDNER")]
    dir: PathBuf,
    /// Name des Jobcenters (Standard: Jobcenter Musterstadt)
    #[arg(
        long,
        value_name = "NAME",
        default_value = "Jobcenter Musterstadt",
        hide_default_value = true
    )]
    jobcenter: String,
    /// Programmjahr (Standard: das kommende Jahr)
    #[arg(long, value_name = "JAHR")]
    jahr: Option<i32>,
}

fn next_year() -> i32 {
    i32::from(jiff::Zoned::now().year()) + 1
}

/// Creates the project, then builds its website; 0 on success, 1 on any error.
pub(crate) fn run(args: &Args) -> ExitCode {
    let options = InitOptions {
        jobcenter: args.jobcenter.trim().to_string(),
        year: args.jahr.unwrap_or_else(next_year),
    };
    let files = match scaffold(&args.dir, &options) {
        Ok(files) => files,
        Err(err) => {
            amip::errln!("Fehler: {}", amip::controls::escaped(&err.to_string()));
            return ExitCode::FAILURE;
        }
    };
    let dir = args.dir.display();
    amip::outln!(
        "Neues Projekt für {} {} in {dir}/ ({} Dateien):",
        options.jobcenter,
        options.year,
        files.len()
    );
    amip::outln!("  data/programm.yaml   Name, Jahr, Unterzeichnung – bitte zuerst anpassen");
    amip::outln!("  data/*.yaml          Zahlen, Tabellen (tabellen.yaml) und Abbildungen (abbildungen.yaml)");
    amip::outln!("  content/*.md         Vorwort und drei Kapitel");
    amip::outln!(
        "  templates/           die eingebauten Vorlagen zum Anpassen (dürfen auch fehlen)"
    );
    build_site(&args.dir)
}

fn build_site(dir: &Path) -> ExitCode {
    let options = BuildOptions {
        html: true,
        pdf: false,
        quiet: true,
        final_version: false,
    };
    match build(dir, options) {
        Ok(report) => {
            amip::outln!(
                "Website erstellt: {}/output/html/index.html ({}).",
                dir.display(),
                amip::text::counted(report.pages, "Seite", "Seiten")
            );
            amip::outln!(
                "Website und PDF erstellen: amip --project {} build",
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(BuildError::Findings(findings)) => {
            super::print_findings(&findings);
            ExitCode::FAILURE
        }
        Err(err) => {
            amip::errln!("Fehler: {}", amip::controls::escaped(&err.to_string()));
            ExitCode::FAILURE
        }
    }
}
