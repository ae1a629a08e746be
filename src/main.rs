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

/// `amip diff --help` adds what each exit code means, for scripts.
const DIFF_HELP_TEMPLATE: &str = "\
{about}

Aufruf: {usage}

Argumente:
{positionals}

Optionen:
{options}

Rückgabewert:
  0  beide Fassungen sind gleich
  1  die Fassungen unterscheiden sich (die Unterschiede stehen in der Ausgabe)
  2  kein Vergleich möglich: eine Fassung fehlt, ist kein amip-Projekt oder enthält einen
     Fehler, den amip check meldet (jeder Fehler gleich, auch eine Rechenprobe, die nicht
     aufgeht, oder ein fehlerhaftes Diagramm)
";

const COMMANDS_HELP_TEMPLATE: &str = "\
{about}

Aufruf: {usage}

Befehle:
{subcommands}

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
    /// Zwei Fassungen vergleichen: Zahlen, Text, Tabellen und Abbildungen (Rückgabe 0: gleich, 1: geändert, 2: kein Vergleich möglich)
    #[command(
        help_template = DIFF_HELP_TEMPLATE,
        override_usage = "amip diff ALT [NEU] [--html]"
    )]
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
    /// Quelldateien: jeden übernommenen Wert mit Datei, Blatt, Zelle und Text auflisten; „zeigen DATEI“ zeigt eine Datei
    #[command(
        help_template = COMMANDS_HELP_TEMPLATE,
        disable_help_subcommand = true,
        override_usage = "amip quellen | amip quellen zeigen DATEI [--blatt NAME] [--suche TEXT]"
    )]
    Quellen(cmd::quellen::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(&err),
    };
    let project = cli.project.unwrap_or_else(|| PathBuf::from("."));
    // `amip diff` reserves 1 for "changed"; its errors are 2.
    let failed = if matches!(cli.command, Command::Diff(_)) {
        ExitCode::from(2)
    } else {
        ExitCode::FAILURE
    };
    let code = match cli.command {
        Command::Build(args) => cmd::build::run(&project, &args),
        Command::Check(args) => cmd::check::run(&project, &args),
        Command::NewYear(args) => cmd::new_year::run(&project, &args),
        Command::Diff(args) => cmd::diff::run(&project, &args),
        Command::Init(args) => cmd::init::run(&args),
        Command::Serve(args) => cmd::serve::run(&project, &args),
        Command::Quellen(args) => cmd::quellen::run(&project, &args),
    };
    amip::console::finish(code, failed)
}

/// clap's English complaints about the command line, in German, with what to do.
fn usage_error(err: &clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        // Help and version texts are German already (see the templates above).
        amip::out!("{}", err.render());
        return amip::console::finish(ExitCode::SUCCESS, ExitCode::FAILURE);
    }
    let context = |kind: ContextKind| {
        err.get(kind).map(|value| match value {
            ContextValue::String(text) => text.clone(),
            ContextValue::Strings(texts) => texts.join(", "),
            other => other.to_string(),
        })
    };
    let arg = context(ContextKind::InvalidArg).unwrap_or_default();
    let value = context(ContextKind::InvalidValue).unwrap_or_default();
    let message = match err.kind() {
        ErrorKind::UnknownArgument => format!("Die Option „{arg}“ gibt es nicht."),
        ErrorKind::InvalidSubcommand => format!(
            "Den Befehl „{}“ gibt es nicht.",
            context(ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            format!("„{value}“ ist kein gültiger Wert für {arg}.")
        }
        ErrorKind::MissingRequiredArgument => format!("Es fehlt die Angabe {arg}."),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "Es fehlt der Befehl: build, check, new-year, diff, init oder serve.".to_string()
        }
        ErrorKind::ArgumentConflict => format!(
            "{arg} lässt sich nicht mit {} verbinden.",
            context(ContextKind::PriorArg).unwrap_or_default()
        ),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("Falsche Anzahl von Angaben bei {arg} („{value}“).")
        }
        ErrorKind::NoEquals => format!("Bei {arg} gehört der Wert mit = dazu: {arg}=WERT."),
        ErrorKind::InvalidUtf8 => "Eine Angabe ist kein gültiger Text (UTF-8).".to_string(),
        _ => "Der Aufruf ist ungültig.".to_string(),
    };
    amip::errln!("Fehler: {message}");
    let suggested = context(ContextKind::SuggestedArg)
        .or_else(|| context(ContextKind::SuggestedSubcommand))
        .or_else(|| context(ContextKind::ValidValue).map(|values| format!("einer von: {values}")));
    if let Some(suggested) = suggested {
        amip::errln!("Meinten Sie {suggested}?");
    }
    amip::errln!(
        "Aufruf: amip [--project ORDNER] <BEFEHL> [OPTIONEN]; alle Befehle und Optionen zeigt amip --help, die eines Befehls amip BEFEHL --help."
    );
    // `amip diff` reserves 1 for "changed"; its errors are 2.
    let failed = if std::env::args().any(|arg| arg == "diff") {
        ExitCode::from(2)
    } else {
        ExitCode::FAILURE
    };
    amip::console::finish(failed, failed)
}
