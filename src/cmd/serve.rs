//! `amip serve`: live preview while writing. Arguments and terminal output only; the server
//! is [`amip::serve`].

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;

use amip::serve::{ServeEvent, ServeOptions};

/// Arguments of `amip serve`.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Port der Vorschau (Standard: 3000; 0 wählt einen freien Port)
    #[arg(
        long,
        default_value_t = 3000,
        value_name = "PORT",
        hide_default_value = true
    )]
    port: u16,
    /// Adresse, auf der die Vorschau erreichbar ist (Standard: 127.0.0.1, nur dieser Rechner)
    #[arg(
        long,
        default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST),
        value_name = "ADRESSE",
        hide_default_value = true
    )]
    bind: IpAddr,
    /// Die Vorschau im Browser öffnen
    #[arg(long)]
    open: bool,
    /// Kein PDF im Hintergrund erstellen
    #[arg(long)]
    no_pdf: bool,
    /// Einen weiteren Rechnernamen zulassen, unter dem die Vorschau aufgerufen wird (mehrfach möglich)
    #[arg(long = "host", value_name = "NAME")]
    hosts: Vec<String>,
}

/// Runs the preview until Ctrl-C.
pub(crate) fn run(project: &Path, args: &Args) -> ExitCode {
    let root = match super::project_root(project) {
        Ok(root) => root,
        Err(code) => return code,
    };
    let options = ServeOptions {
        bind: args.bind,
        port: args.port,
        pdf: !args.no_pdf,
        hosts: args.hosts.clone(),
    };
    let open = args.open;
    // The warnings printed after the last build: each is printed again only when it changes.
    let shown = std::sync::Mutex::new(std::collections::BTreeSet::new());
    let report = Arc::new(move |event: ServeEvent| print_event(event, open, &shown));
    match amip::serve::run(&root, &options, report) {
        Ok(()) => {
            amip::outln!("Vorschau beendet.");
            ExitCode::SUCCESS
        }
        Err(err) => {
            amip::errln!("Fehler: {}", amip::controls::escaped(&err.to_string()));
            if matches!(err, amip::serve::ServeError::PortInUse { .. }) {
                amip::errln!(
                    "Wählen Sie mit --port einen anderen Port, z. B. --port {}, oder mit --port 0 einen freien.",
                    options.port.wrapping_add(1).max(1)
                );
            }
            ExitCode::FAILURE
        }
    }
}

/// The warnings printed after the last build: place, message and advice of each.
type Shown = std::sync::Mutex<std::collections::BTreeSet<String>>;

fn print_event(event: ServeEvent, open: bool, shown: &Shown) {
    match event {
        ServeEvent::Listening { url, public } => {
            if public {
                amip::errln!(
                    "Achtung: Die Vorschau ist auch von anderen Rechnern im Netz erreichbar (--bind). \
                     Sie zeigt unveröffentlichte Entwürfe; nutzen Sie das nur in einem vertrauenswürdigen Netz."
                );
            }
            amip::outln!("Vorschau: {url}");
            amip::outln!("Beobachtet content/, data/ und templates/. Beenden mit Strg+C.");
            let _ = amip::console::failure();
            if open {
                open_browser(&url);
            }
        }
        ServeEvent::Built {
            trigger,
            changed,
            removed,
            duration,
            charts_drawn,
            warnings,
            recovered,
        } => print_built(
            &trigger,
            (changed, removed),
            duration,
            charts_drawn,
            &new_warnings(&warnings, shown),
            recovered,
        ),
        ServeEvent::Failed { trigger, findings } => {
            if !trigger.is_empty() {
                amip::errln!(
                    "{} geändert – Fehler beim Erstellen:",
                    amip::controls::escaped(&trigger.join(", "))
                );
            }
            super::print_findings(&findings);
            amip::errln!("Die Vorschau zeigt weiter den letzten fehlerfreien Stand.");
        }
        ServeEvent::PdfReady { duration } => {
            amip::outln!("PDF aktualisiert in {} ms.", duration.as_millis());
        }
        ServeEvent::PdfFailed { findings } => {
            amip::errln!("Fehler beim Erstellen des PDF:");
            super::print_findings(&findings);
            amip::errln!("Zum Herunterladen bleibt das letzte fehlerfreie PDF.");
        }
        ServeEvent::PdfUnavailable { message } => {
            amip::errln!(
                "Das PDF wird in der Vorschau nicht erstellt: {}",
                amip::controls::escaped(&message)
            );
            amip::errln!("Die Website-Vorschau funktioniert trotzdem.");
        }
        ServeEvent::WatchError { message } => {
            amip::errln!("Warnung: Die Überwachung der Quellordner meldet: {message}");
        }
        ServeEvent::Stopping => {
            amip::outln!("Vorschau wird beendet …");
        }
    }
}

/// The warnings of this build that were not printed after the last one, and a note for
/// those that were (printed once, not after every save).
fn new_warnings(
    warnings: &amip::diagnostic::Findings,
    shown: &Shown,
) -> amip::diagnostic::Findings {
    // A warning is the same when its place, message and advice are (its excerpt may show
    // other lines around it).
    let rendered: Vec<String> = warnings
        .0
        .iter()
        .map(|finding| {
            format!(
                "{}\n{}\n{}",
                finding.place().unwrap_or_default(),
                finding.message,
                finding.help.as_deref().unwrap_or_default()
            )
        })
        .collect();
    let mut shown = shown
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let fresh = amip::diagnostic::Findings(
        warnings
            .0
            .iter()
            .zip(&rendered)
            .filter(|(_, text)| !shown.contains(*text))
            .map(|(finding, _)| finding.clone())
            .collect(),
    );
    let unchanged = warnings.0.len() - fresh.0.len();
    if unchanged > 0 {
        amip::outln!(
            "{} wie zuvor (nicht noch einmal gezeigt).",
            amip::text::counted(unchanged, "Warnung", "Warnungen")
        );
    }
    *shown = rendered.into_iter().collect();
    fresh
}

/// Opens `url` in the default browser if a helper exists; never fails.
fn open_browser(url: &str) {
    let helpers: &[&str] = if cfg!(target_os = "macos") {
        &["open"]
    } else if cfg!(windows) {
        &["explorer"]
    } else {
        &["xdg-open"]
    };
    for helper in helpers {
        let started = Command::new(helper)
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        if let Ok(mut child) = started {
            // Reap the helper when it exits; it usually hands over to the browser at once.
            std::thread::spawn(move || child.wait());
            return;
        }
    }
    amip::errln!("Der Browser konnte nicht geöffnet werden; öffnen Sie {url} bitte selbst.");
}

/// The line after a website build: what triggered it, what was written, warnings.
fn print_built(
    trigger: &[String],
    (changed, removed): (usize, usize),
    duration: std::time::Duration,
    charts_drawn: usize,
    warnings: &amip::diagnostic::Findings,
    recovered: bool,
) {
    let what = if trigger.is_empty() {
        "Website erstellt".to_string()
    } else {
        format!(
            "{} geändert – Website neu erstellt",
            amip::controls::escaped(&trigger.join(", "))
        )
    };
    let files = match (changed, removed) {
        (0, 0) => "keine Datei geändert".to_string(),
        (n, 0) => format!("{} geschrieben", amip::text::counted(n, "Datei", "Dateien")),
        (n, r) => format!(
            "{} geschrieben, {r} entfernt",
            amip::text::counted(n, "Datei", "Dateien")
        ),
    };
    let charts = match charts_drawn {
        0 => String::new(),
        n => format!(
            ", {} gezeichnet",
            amip::text::counted(n, "Abbildung", "Abbildungen")
        ),
    };
    let fixed = if recovered { " Fehler behoben." } else { "" };
    amip::outln!(
        "{what} in {} ms ({files}{charts}).{fixed}",
        duration.as_millis()
    );
    if !warnings.0.is_empty() {
        super::print_findings(warnings);
    }
}
