//! One file per subcommand: arguments and terminal output only.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod diff;
pub(crate) mod init;
pub(crate) mod new_year;
pub(crate) mod quellen;
pub(crate) mod serve;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use amip::diagnostic::Findings;

/// The project folder, or the exit code after telling the user why there is none.
pub(crate) fn project_root(dir: &Path) -> Result<PathBuf, ExitCode> {
    amip::load::find_project(dir).map_err(|findings| {
        print_findings(&findings);
        ExitCode::FAILURE
    })
}

/// Prints findings to stderr, coloured on a terminal, with a German summary line.
pub(crate) fn print_findings(findings: &Findings) {
    let color = std::io::stderr().is_terminal();
    amip::err!("{}", amip::diagnostic::render(&findings.0, color));
    let errors = findings
        .0
        .iter()
        .filter(|f| f.severity == amip::diagnostic::Severity::Error)
        .count();
    let warnings = findings
        .0
        .iter()
        .filter(|f| f.severity == amip::diagnostic::Severity::Warning)
        .count();
    amip::errln!(
        "{errors} Fehler und {} gefunden.",
        amip::text::counted(warnings, "Warnung", "Warnungen")
    );
}
