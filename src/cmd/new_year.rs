//! `amip new-year`: creates next year's draft.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `amip new-year`.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Neuer Ordner für den Entwurf des nächsten Jahres
    #[arg(value_name = "ZIELORDNER", required_unless_present = "hier")]
    ziel: Option<PathBuf>,
    /// Das Projekt selbst fortschreiben (z. B. auf einem neuen git-Zweig)
    #[arg(long, conflicts_with = "ziel")]
    hier: bool,
}

/// Writes the draft and lists what changed.
pub(crate) fn run(project: &Path, args: &Args) -> ExitCode {
    let root = match super::project_root(project) {
        Ok(root) => root,
        Err(code) => return code,
    };
    let loaded = match amip::load::load(&root) {
        Ok(project) => project,
        Err(findings) => {
            super::print_findings(&findings);
            return ExitCode::FAILURE;
        }
    };
    let target = if args.hier {
        None
    } else {
        args.ziel.as_deref()
    };
    match amip::new_year::run(&loaded, target) {
        Ok((folder, changes)) => {
            amip::outln!(
                "Entwurf für {} in {}:",
                loaded.programme.jahr + 1,
                folder.display()
            );
            for change in &changes {
                amip::outln!(
                    "  {}: {} – {}",
                    amip::controls::escaped(&change.file),
                    amip::controls::escaped(&change.path),
                    amip::controls::escaped(&change.what)
                );
            }
            amip::outln!(
                "Offene Werte listet: amip --project {} check --final",
                folder.display()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            amip::errln!("Fehler: {}", amip::controls::escaped(&err.to_string()));
            ExitCode::FAILURE
        }
    }
}
