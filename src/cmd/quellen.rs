//! `amip quellen`: every imported value with its cell; `amip quellen zeigen DATEI`: a look
//! inside a source file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `amip quellen`.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    #[command(subcommand)]
    zeigen: Option<Show>,
}

#[derive(clap::Subcommand, Debug)]
enum Show {
    /// Blätter, Beschriftungen und Überschriften einer Quelldatei mit ihren Zellen zeigen
    #[command(
        help_template = "{about}\n\nAufruf: {usage}\n\nArgumente:\n{positionals}\n\nOptionen:\n{options}\n",
        override_usage = "amip quellen zeigen DATEI [--blatt NAME] [--suche TEXT]"
    )]
    Zeigen {
        /// Die Datei, vom Projektordner aus (z. B. data/quellen/amr-12062-0-201909-xlsx.xlsx)
        #[arg(value_name = "DATEI")]
        datei: PathBuf,
        /// Dieses Blatt zeigen (Standard: das erste sichtbare)
        #[arg(long, value_name = "NAME")]
        blatt: Option<String>,
        /// Nur Kopfzeilen und Zeilen zeigen, die diesen Text enthalten
        #[arg(long, value_name = "TEXT")]
        suche: Option<String>,
    },
}

/// Prints the file's layout, or the list of imported values.
pub(crate) fn run(project: &Path, args: &Args) -> ExitCode {
    let root = match super::project_root(project) {
        Ok(root) => root,
        Err(code) => return code,
    };
    match &args.zeigen {
        Some(Show::Zeigen {
            datei,
            blatt,
            suche,
        }) => {
            let file = datei.to_string_lossy().replace('\\', "/");
            match amip::sources::show::show(&root, &file, blatt.as_deref(), suche.as_deref()) {
                Ok(text) => {
                    amip::out!("{text}");
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    amip::errln!("{err}");
                    ExitCode::FAILURE
                }
            }
        }
        None => match amip::load::load(&root) {
            Ok(loaded) => {
                amip::out!(
                    "{}",
                    amip::sources::show::listing(&loaded.imported, &loaded.data)
                );
                ExitCode::SUCCESS
            }
            Err(findings) => {
                super::print_findings(&findings);
                ExitCode::FAILURE
            }
        },
    }
}
