//! `amip diff`: what changed between two versions of the programme.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use amip::diff::source::{self, Side};
use amip::diff::{compare, html, terminal, Snapshot};

/// Arguments of `amip diff`.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Alte Fassung: ein Projektordner oder eine git-Revision (z. B. v2020, HEAD~3, main)
    #[arg(value_name = "ALT")]
    old: String,
    /// Neue Fassung: ein Projektordner oder eine git-Revision (Standard: der Arbeitsordner)
    #[arg(value_name = "NEU")]
    new: Option<String>,
    /// Zusätzlich die Seite output/diff/index.html schreiben
    #[arg(long)]
    html: bool,
}

/// Exit code for errors (as `diff`): 0 = no changes, 1 = changes, 2 = error.
const ERROR: u8 = 2;

/// Compares, prints the report and returns 0 (unchanged), 1 (changed) or 2 (error).
pub(crate) fn run(project: &Path, args: &Args) -> ExitCode {
    match compare_sides(project, args) {
        Ok(changed) => ExitCode::from(u8::from(changed)),
        Err(()) => ExitCode::from(ERROR),
    }
}

fn resolve(arg: &str, project: &Path) -> Result<Side, ()> {
    source::resolve(arg, project)
        .map_err(|err| amip::errln!("Fehler: {}", amip::controls::escaped(&err.to_string())))
}

fn load(side: &Side, which: &str) -> Result<Snapshot, ()> {
    if side.is_folder {
        if let Err(findings) = amip::load::find_project(&side.root) {
            super::print_findings(&findings);
            return Err(());
        }
    }
    Snapshot::load(&side.root, side.label.clone()).map_err(|findings| {
        amip::errln!(
            "Die {which} Fassung ({}) enthält Fehler:",
            amip::controls::escaped(&side.label)
        );
        super::print_findings(&findings);
    })
}

fn compare_sides(project: &Path, args: &Args) -> Result<bool, ()> {
    let old_side = resolve(&args.old, project)?;
    let new_side = match &args.new {
        Some(arg) => resolve(arg, project)?,
        None => Side::folder(project, "Arbeitsordner"),
    };
    let old = load(&old_side, "alte")?;
    let new = load(&new_side, "neue")?;
    let comparison = compare(&old, &new);
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    amip::out!("{}", terminal::render(&comparison, color));
    if args.html {
        // The page goes next to the new version's website, or the project's for a revision.
        let root = if new_side.is_folder {
            new_side.root.as_path()
        } else {
            project
        };
        match html::write(root, &comparison) {
            Ok(path) => amip::outln!(
                "Seite: {}",
                amip::controls::escaped(&path.display().to_string())
            ),
            Err(err) => {
                amip::errln!(
                    "Fehler: {}/index.html kann nicht geschrieben werden: {err}",
                    root.join(html::DIFF_DIR).display()
                );
                return Err(());
            }
        }
    }
    Ok(!comparison.is_empty())
}
