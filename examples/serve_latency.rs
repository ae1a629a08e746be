//! Benchmark of `amip serve`: time from saving a chapter to the reloaded page.
//!
//! Starts the real `amip serve` (next to this example in the target folder, or `$AMIP_BIN`)
//! on a temporary copy of the example project, listens to the reload events like a browser
//! page, saves a chapter 20 times and measures for each save
//! - the time until the reload event arrives, and
//! - the time until the reloaded page (fetched again, with the new text) is complete.
//!
//! It prints each measurement and the medians. Run it with
//! `cargo build --release && cargo run --release --example serve_latency`.
//! Options: `--edits N` (default 20), `--no-pdf` (no typst in the background).

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark or example that cannot run stops with a message; no user input reaches it"
)]

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const CHAPTER: &str = "content/03-ziele.md";
const PAGE: &str = "/03-ziele.html";

fn main() {
    if let Err(message) = run() {
        eprintln!("Fehler: {message}");
        std::process::exit(1);
    }
}

fn amip_binary() -> Result<PathBuf, String> {
    if let Some(explicit) = std::env::var_os("AMIP_BIN") {
        return Ok(PathBuf::from(explicit));
    }
    // target/<profile>/examples/serve_latency → target/<profile>/amip
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let binary = exe
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("amip"))
        .ok_or("kein Zielordner")?;
    if binary.is_file() {
        Ok(binary)
    } else {
        Err(format!(
            "{} fehlt: erst `cargo build --release` ausführen (oder AMIP_BIN setzen)",
            binary.display()
        ))
    }
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        // Ctrl-C, so that the server cleans up; then make sure it is gone.
        let _ = Command::new("kill")
            .args(["-INT", &self.0.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(port: u16, path: &str) -> Result<String, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut body = String::new();
    stream
        .read_to_string(&mut body)
        .map_err(|e| e.to_string())?;
    Ok(body)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// The options: how many edits, and whether typst runs in the background.
fn options() -> Result<(u32, bool), String> {
    let mut edits = 20;
    let mut pdf = true;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--edits" => {
                edits = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--edits braucht eine Zahl")?;
            }
            "--no-pdf" => pdf = false,
            other => return Err(format!("unbekannte Option {other}")),
        }
    }
    Ok((edits, pdf))
}

/// Starts `amip serve` on `project` and waits for the port it names.
fn start_server(project: &Path, pdf: bool) -> Result<(Server, u16), String> {
    let mut command = Command::new(amip_binary()?);
    command
        .arg("--project")
        .arg(project)
        .args(["serve", "--port", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if !pdf {
        command.arg("--no-pdf");
    }
    let mut child = command.spawn().map_err(|e| e.to_string())?;
    let stdout = child.stdout.take().ok_or("keine Ausgabe")?;
    let server = Server(child);
    let (lines_tx, lines_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let port: u16 = loop {
        let line = lines_rx
            .recv_timeout(Duration::from_secs(60))
            .map_err(|_| "amip serve meldet keine Adresse")?;
        if let Some(url) = line.strip_prefix("Vorschau: http://127.0.0.1:") {
            break url.trim_end_matches('/').parse().map_err(|_| "kein Port")?;
        }
    };
    // Keep reading stdout so that the server never blocks on a full pipe.
    std::thread::spawn(move || while lines_rx.recv().is_ok() {});
    Ok((server, port))
}

/// The reload events, each with the moment it arrived.
struct Events(mpsc::Receiver<(Instant, String)>);

impl Events {
    /// Like a page: subscribes to the events with the generation the page names.
    fn subscribe(port: u16) -> Result<Self, String> {
        let page = get(port, PAGE)?;
        let generation = page
            .split("data-stand=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .ok_or("die Seite hat kein Vorschau-Skript")?
            .to_string();
        let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
        write!(
            stream,
            "GET /__amip/events?stand={generation} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
        )
        .map_err(|e| e.to_string())?;
        let (events_tx, events_rx) = mpsc::channel::<(Instant, String)>();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                if let Some(name) = line.trim_end().strip_prefix("event: ") {
                    if events_tx.send((Instant::now(), name.to_string())).is_err() {
                        break;
                    }
                }
                line.clear();
            }
        });
        Ok(Self(events_rx))
    }

    /// When the next event called `name` arrived.
    fn wait_for(&self, name: &str) -> Result<Instant, String> {
        loop {
            let (at, event) = self
                .0
                .recv_timeout(Duration::from_secs(10))
                .map_err(|_| format!("kein „{name}“-Ereignis"))?;
            if event == name {
                return Ok(at);
            }
        }
    }

    /// Forgets the events that arrived so far.
    fn drain(&self) {
        while self.0.try_recv().is_ok() {}
    }
}

fn run() -> Result<(), String> {
    let (edits, pdf) = options()?;
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let project = tempfile::tempdir().map_err(|e| e.to_string())?;
    for folder in ["content", "data", "templates"] {
        copy_dir(&repo.join(folder), &project.path().join(folder)).map_err(|e| e.to_string())?;
    }
    let (server, port) = start_server(project.path(), pdf)?;
    let events = Events::subscribe(port)?;
    events.wait_for("ok")?;

    let chapter = project.path().join(CHAPTER);
    let original = fs::read_to_string(&chapter).map_err(|e| e.to_string())?;
    let mut to_event = Vec::new();
    let mut to_page = Vec::new();
    println!(
        "amip serve: {edits} Änderungen an {CHAPTER} ({})",
        if pdf {
            "PDF im Hintergrund"
        } else {
            "ohne PDF"
        }
    );
    for edit in 1..=edits {
        // Let the previous build and the PDF settle a little, as between two saves.
        std::thread::sleep(Duration::from_millis(400));
        events.drain();
        let marker = format!("Messpunkt {edit} der Vorschau.");
        let saved = Instant::now();
        fs::write(&chapter, format!("{original}\n{marker}\n")).map_err(|e| e.to_string())?;
        let reload = events.wait_for("reload")?;
        let body = get(port, PAGE)?;
        let loaded = Instant::now();
        if !body.contains(&marker) {
            return Err(format!("Änderung {edit}: die neu geladene Seite ist alt"));
        }
        let event_ms = (reload - saved).as_secs_f64() * 1000.0;
        let page_ms = (loaded - saved).as_secs_f64() * 1000.0;
        println!("  {edit:2}: Neuladen-Ereignis {event_ms:6.1} ms, Seite geladen {page_ms:6.1} ms");
        to_event.push(event_ms);
        to_page.push(page_ms);
    }
    let worst = to_page.iter().copied().fold(0.0, f64::max);
    println!(
        "Median: Speichern → Neuladen-Ereignis {:.1} ms, Speichern → neu geladene Seite {:.1} ms (höchstens {worst:.1} ms)",
        median(&mut to_event),
        median(&mut to_page)
    );
    drop(server);
    Ok(())
}
