//! One file per subcommand: arguments and terminal output only.

pub mod build;
pub mod diff;
pub mod init;

use std::io::IsTerminal;

use amip::diagnostic::Findings;

/// Prints findings to stderr, coloured on a terminal, with a German summary line.
pub fn print_findings(findings: &Findings) {
    let color = std::io::stderr().is_terminal();
    eprint!("{}", amip::diagnostic::render(&findings.0, color));
    let errors = findings
        .0
        .iter()
        .filter(|f| f.severity == amip::diagnostic::Severity::Error)
        .count();
    let warnings = findings.0.len() - errors;
    eprintln!(
        "{errors} Fehler und {warnings} {} gefunden.",
        if warnings == 1 {
            "Warnung"
        } else {
            "Warnungen"
        }
    );
}
