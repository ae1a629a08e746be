//! `amip`: the command line. Each subcommand lives in its own file under `cmd/` and only
//! parses arguments and prints; the work is done by the library.

mod cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgAction, Parser, Subcommand};

const HELP_TEMPLATE: &str = "\
{about}

Aufruf: {usage}

Befehle:
{subcommands}

Optionen:
{options}
";

const ARGS_HELP_TEMPLATE: &str = "\
{about}

Aufruf: {usage}

Argumente:
{positionals}

Optionen:
{options}
";

const SUB_HELP_TEMPLATE: &str = "\
{about}

Aufruf: {usage}

Optionen:
{options}
";

/// Erstellt das Arbeitsmarkt- und Integrationsprogramm eines Jobcenters aus Markdown-Kapiteln
/// und YAML-Daten als barrierefreie Website und als barrierefreies PDF.
#[derive(Parser, Debug)]
#[command(
    name = "amip",
    version,
    help_template = HELP_TEMPLATE,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    override_usage = "amip [--project ORDNER] <BEFEHL> [OPTIONEN]"
)]
struct Cli {
    /// Projektordner (Standard: der aktuelle Ordner)
    #[arg(long, global = true, value_name = "ORDNER")]
    project: Option<PathBuf>,

    /// Diese Hilfe anzeigen
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true)]
    help: Option<bool>,

    /// Version anzeigen
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Website (output/html) und PDF (output/<name>.pdf) erstellen
    #[command(help_template = SUB_HELP_TEMPLATE, override_usage = "amip build [--html] [--pdf] [--final] [-q]")]
    Build(cmd::build::Args),
    /// Alles prüfen: baut Website und PDF zur Probe, ohne etwas im Projekt zu schreiben
    #[command(help_template = SUB_HELP_TEMPLATE, override_usage = "amip check [--final]")]
    Check(cmd::check::Args),
    /// Entwurf für das nächste Jahr anlegen (Jahr + 1, Status Entwurf, Werte fortgeschrieben)
    #[command(name = "new-year", help_template = ARGS_HELP_TEMPLATE, override_usage = "amip new-year ZIELORDNER | amip new-year --hier")]
    NewYear(cmd::new_year::Args),
    /// Zwei Fassungen vergleichen: Zahlen, Text, Tabellen und Abbildungen (Rückgabe 0: gleich, 1: geändert, 2: Fehler)
    #[command(help_template = ARGS_HELP_TEMPLATE, override_usage = "amip diff ALT [NEU] [--html]")]
    Diff(cmd::diff::Args),
    /// Ein neues Projekt anlegen (Beispielkapitel, Daten, Vorlagen) und die Website erstellen
    #[command(help_template = ARGS_HELP_TEMPLATE, override_usage = "amip init ORDNER [--jobcenter NAME] [--jahr JAHR]")]
    Init(cmd::init::Args),
    /// Vorschau mit automatischem Neuladen: erstellt die Website bei jeder Änderung neu
    #[command(
        help_template = SUB_HELP_TEMPLATE,
        override_usage = "amip serve [--port PORT] [--bind ADRESSE] [--host NAME] [--open] [--no-pdf]"
    )]
    Serve(cmd::serve::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let project = cli.project.unwrap_or_else(|| PathBuf::from("."));
    match cli.command {
        Command::Build(args) => cmd::build::run(&project, &args),
        Command::Check(args) => cmd::check::run(&project, &args),
        Command::NewYear(args) => cmd::new_year::run(&project, &args),
        Command::Diff(args) => cmd::diff::run(&project, &args),
        Command::Init(args) => cmd::init::run(&args),
        Command::Serve(args) => cmd::serve::run(&project, &args),
    }
}
