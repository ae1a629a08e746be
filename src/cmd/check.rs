//! `amip check`: validates the project like a build would, writes nothing.

use std::path::Path;
use std::process::ExitCode;

use amip::check::CheckOptions;

/// Arguments of `amip check`.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Endfassung prüfen: auch Werte in Abstimmung und den Status „draft“ als Fehler melden
    #[arg(long = "final")]
    final_version: bool,
}

/// Runs all checks; exit code 0 when there are no errors, 1 otherwise.
pub(crate) fn run(project: &Path, args: &Args) -> ExitCode {
    let root = match super::project_root(project) {
        Ok(root) => root,
        Err(code) => return code,
    };
    let findings = amip::build::check_only(
        &root,
        CheckOptions {
            final_version: args.final_version,
        },
    );
    if findings.0.is_empty() {
        amip::outln!("Keine Fehler gefunden.");
    } else {
        super::print_findings(&findings);
    }
    if findings.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
