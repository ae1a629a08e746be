//! End-to-end tests of `amip serve`: the real binary on a copy of the example, spoken to over
//! loopback HTTP with a raw client (so that paths such as `/../x` reach the server as sent).
//! Every wait is bounded; the server is killed when a test ends, however it ends.

#![cfg(unix)]

use crate::common;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::{example_copy, repo, require_browser_tools, require_typst};

const PDF: &str = "arbeitsmarkt-und-integrationsprogramm-2020.pdf";
const START_LIMIT: Duration = Duration::from_secs(60);
const EVENT_LIMIT: Duration = Duration::from_secs(20);

/// A running `amip serve`, killed on drop.
struct Server {
    child: Child,
    port: u16,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

fn collect(stream: impl Read + Send + 'static, lines: Arc<Mutex<Vec<String>>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            lines.lock().unwrap().push(line);
        }
    });
}

impl Server {
    fn start(project: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_amip"));
        command
            .arg("--project")
            .arg(project)
            .args(["serve", "--port", "0"])
            .args(args)
            .env("AMIP_NO_INSTALL", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("amip starts");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        collect(child.stdout.take().unwrap(), Arc::clone(&stdout));
        collect(child.stderr.take().unwrap(), Arc::clone(&stderr));
        let mut server = Server {
            child,
            port: 0,
            stdout,
            stderr,
        };
        let line = server.wait_for_line("Vorschau: ", START_LIMIT);
        let url = line.trim_start_matches("Vorschau: ");
        assert!(
            url.starts_with("http://127.0.0.1:") && url.ends_with('/'),
            "{url}"
        );
        server.port = url
            .trim_start_matches("http://127.0.0.1:")
            .trim_end_matches('/')
            .parse()
            .expect("a port in the URL");
        server
    }

    /// The first stdout line containing `needle`, waiting up to `limit`.
    fn wait_for_line(&mut self, needle: &str, limit: Duration) -> String {
        self.wait_for_lines(needle, 1, limit)
    }

    /// Waits until `count` stdout lines contain `needle`; returns the last of them.
    fn wait_for_lines(&mut self, needle: &str, count: usize, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let found: Vec<String> = self
                .stdout
                .lock()
                .unwrap()
                .iter()
                .filter(|l| l.contains(needle))
                .cloned()
                .collect();
            if found.len() >= count {
                return found.last().cloned().unwrap_or_default();
            }
            if Instant::now() > deadline || self.child.try_wait().unwrap().is_some() {
                panic!(
                    "no {count}× „{needle}“ from amip serve\n{}",
                    self.describe()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn describe(&self) -> String {
        format!(
            "stdout:\n{}\nstderr:\n{}",
            self.stdout.lock().unwrap().join("\n"),
            self.stderr.lock().unwrap().join("\n")
        )
    }

    fn get(&self, path: &str) -> Response {
        request(self.port, path, &format!("127.0.0.1:{}", self.port))
    }

    /// Sends Ctrl-C (SIGINT) and waits for a clean exit.
    fn interrupt(&mut self) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(exit) = self.child.try_wait().unwrap() {
                assert!(exit.success(), "exit {exit:?}\n{}", self.describe());
                return;
            }
            assert!(
                Instant::now() < deadline,
                "amip serve did not stop after Ctrl-C\n{}",
                self.describe()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Response {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Response {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request, sent byte for byte as given.
fn request(port: u16, path: &str, host: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("a complete response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status code");
    Response {
        status,
        head,
        body: raw[split + 4..].to_vec(),
    }
}

/// A Server-Sent Events connection; events arrive on a channel as (name, data).
struct Events {
    received: Receiver<(String, String)>,
}

impl Events {
    fn connect(port: u16, generation: &str) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
        write!(
            stream,
            "GET /__amip/events?stand={generation} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let (send, received) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stream);
            let (mut name, mut data) = (String::new(), String::new());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                // Chunked transfer: chunk sizes are lines of hex digits; event lines have a colon.
                let text = line.trim_end_matches(['\r', '\n']);
                if let Some(value) = text.strip_prefix("event: ") {
                    name = value.to_string();
                } else if let Some(value) = text.strip_prefix("data: ") {
                    data.push_str(value);
                } else if text.is_empty()
                    && !name.is_empty()
                    && send
                        .send((std::mem::take(&mut name), std::mem::take(&mut data)))
                        .is_err()
                {
                    break;
                }
                line.clear();
            }
        });
        Events { received }
    }

    /// The data of the next event called `name` (others are skipped).
    fn expect(&self, name: &str) -> String {
        let deadline = Instant::now() + EVENT_LIMIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.received.recv_timeout(left) {
                Ok((event, data)) if event == name => return data,
                Ok(_) => {}
                Err(_) => panic!("no „{name}“ event within {EVENT_LIMIT:?}"),
            }
        }
    }
}

/// The generation a served page names in its reload script.
fn generation_of(page: &str) -> String {
    let start = page.find("data-stand=\"").expect("the reload script") + "data-stand=\"".len();
    page[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

fn append(path: &Path, text: &str) {
    let mut file = fs::OpenOptions::new().append(true).open(path).unwrap();
    file.write_all(text.as_bytes()).unwrap();
}

fn wait_until(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_shows_a_chapter_edit_and_sends_reload() {
    let project = example_copy();
    let mut server = Server::start(project.path(), &["--no-pdf"], &[]);

    let first = server.wait_for_line("Website erstellt", EVENT_LIMIT);
    assert!(first.contains("10 Abbildungen gezeichnet"), "{first}");
    let page = server.get("/");
    assert_eq!(page.status, 200, "{}", page.head);
    let html = page.text();
    assert!(html.contains("<script src=\"/__amip/reload.js\""), "{html}");
    assert!(page.head.contains("no-store"), "{}", page.head);
    let generation = generation_of(&html);
    let written = fs::read_to_string(project.path().join("output/html/index.html")).unwrap();
    assert!(
        !written.contains("__amip"),
        "output/html never contains the reload script"
    );
    // The page's policy forbids every script on disk; the preview's response allows its own.
    assert!(written.contains("script-src 'none'"), "{written}");
    assert!(
        html.contains("script-src 'self'") && !html.contains("script-src 'none'"),
        "{html}"
    );
    assert!(
        page.head
            .to_ascii_lowercase()
            .contains("content-security-policy: default-src 'self'; script-src 'self'"),
        "{}",
        page.head
    );
    let script = server.get("/__amip/reload.js");
    assert_eq!(script.status, 200);
    assert!(script.head.contains("text/javascript"), "{}", script.head);
    assert!(script.text().contains("EventSource"));

    let events = Events::connect(server.port, &generation);
    events.expect("ok");
    append(
        &project.path().join("content/03-ziele.md"),
        "\nDieser Satz kam während der Vorschau hinzu.\n",
    );
    let next = events.expect("reload");
    assert_ne!(next, generation);
    let rebuilt = server.wait_for_line("content/03-ziele.md geändert", EVENT_LIMIT);
    assert!(
        rebuilt.contains("2 Dateien geschrieben") && !rebuilt.contains("Abbildung"),
        "a chapter edit writes its page and the one-page view, and draws no chart: {rebuilt}"
    );
    let chapter = server.get("/03-ziele.html").text();
    assert!(
        chapter.contains("Dieser Satz kam während der Vorschau hinzu."),
        "{chapter}"
    );
    assert_eq!(generation_of(&chapter), next);
    assert!(
        fs::read_to_string(project.path().join("output/html/03-ziele.html"))
            .unwrap()
            .contains("Dieser Satz kam während der Vorschau hinzu."),
        "output/html follows the preview"
    );

    // Ctrl-C with an event stream still open: a clean, prompt exit without leftovers.
    server.interrupt();
    assert!(
        !project.path().join(".amip-tmp").exists(),
        "the work folder is removed"
    );
}

#[test]
fn serve_shows_a_build_error_as_overlay_until_it_is_fixed() {
    let project = example_copy();
    let mut server = Server::start(project.path(), &["--no-pdf"], &[]);
    let generation = generation_of(&server.get("/").text());
    let events = Events::connect(server.port, &generation);
    events.expect("ok");

    let budget = project.path().join("data/budget.yaml");
    let good = fs::read_to_string(&budget).unwrap();
    fs::write(&budget, format!("{good}kaputt: [\n")).unwrap();
    let overlay = events.expect("fehler");
    assert!(overlay.contains("role=\"alert\""), "{overlay}");
    assert!(overlay.contains("Fehler beim Erstellen"), "{overlay}");
    assert!(overlay.contains("data/budget.yaml:"), "{overlay}");
    let page = server.get("/04-ressourcen.html");
    assert_eq!(page.status, 200, "the last good page is still served");
    let html = page.text();
    assert!(html.contains("id=\"amip-fehler\""), "{html}");
    assert!(html.contains("data/budget.yaml:"), "{html}");
    assert!(html.contains("Personal und Verwaltungskostenhaushalt</h2>"));
    wait_until(EVENT_LIMIT, "the finding in the terminal", || {
        let errors = server.stderr.lock().unwrap().join("\n");
        errors.contains("data/budget.yaml") && errors.contains("letzten fehlerfreien Stand")
    });

    fs::write(&budget, &good).unwrap();
    events.expect("reload");
    let html = server.get("/04-ressourcen.html").text();
    assert!(!html.contains("amip-fehler"), "{html}");
    server.interrupt();
}

#[test]
fn serve_refuses_paths_outside_the_site_and_answers_many_requests() {
    let project = example_copy();
    let server = Server::start(project.path(), &["--no-pdf"], &[]);
    let html_dir = project.path().join("output/html");
    let secret = project.path().join("data/programm.yaml");
    std::os::unix::fs::symlink(&secret, html_dir.join("verweis.yaml")).unwrap();
    std::os::unix::fs::symlink(project.path().join("data"), html_dir.join("daten")).unwrap();

    for path in [
        "/../Cargo.toml",
        "/../data/programm.yaml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/data/programm.yaml",
        "/abbildungen/..%2f..%2fdata/programm.yaml",
        "//etc/passwd",
        "/etc/passwd",
        "/verweis.yaml",
        "/daten/programm.yaml",
        "/daten/",
        "/..%5c..%5cdata/programm.yaml",
    ] {
        let response = server.get(path);
        assert!(
            response.status == 403 || response.status == 404,
            "{path}: {}",
            response.head
        );
        let body = response.text();
        assert!(
            !body.contains("jobcenter:") && !body.contains("root:"),
            "{path} leaked: {body}"
        );
    }
    let other_host = request(server.port, "/", "angreifer.example");
    assert_eq!(other_host.status, 403, "DNS rebinding is refused");

    // An open event stream and 50 requests at once: all answered.
    let _events = Events::connect(server.port, "0");
    let port = server.port;
    let pages: Vec<_> = (0..50)
        .map(|i| {
            std::thread::spawn(move || {
                let path = if i % 2 == 0 {
                    "/index.html"
                } else {
                    "/abbildungen/elb.svg"
                };
                request(port, path, &format!("127.0.0.1:{port}")).status
            })
        })
        .collect();
    for page in pages {
        assert_eq!(page.join().unwrap(), 200);
    }
}

#[test]
fn serve_builds_the_pdf_in_the_background() {
    require_typst();
    let project = example_copy();
    let mut server = Server::start(project.path(), &[], &[]);
    server.wait_for_line("PDF aktualisiert", START_LIMIT);
    let first = server.get(&format!("/{PDF}"));
    assert_eq!(first.status, 200);
    assert!(first.head.contains("application/pdf"), "{}", first.head);
    assert!(first.body.starts_with(b"%PDF"));

    append(
        &project.path().join("content/08-schlussbemerkungen.md"),
        "\nVorschaupruefwort steht jetzt auch im PDF.\n",
    );
    server.wait_for_lines("PDF aktualisiert", 2, START_LIMIT);
    let second = server.get(&format!("/{PDF}"));
    assert_eq!(second.status, 200);
    assert_ne!(first.body, second.body, "the newest finished PDF is served");
    let saved: PathBuf = project.path().join("heruntergeladen.pdf");
    fs::write(&saved, &second.body).unwrap();
    assert!(common::pdf_text(&saved).contains("Vorschaupruefwort"));
    assert_eq!(
        fs::read(project.path().join("output").join(PDF)).unwrap(),
        second.body,
        "output/ has the same PDF"
    );
    server.interrupt();
    assert!(!project.path().join(".amip-tmp").exists());
}

#[test]
fn serve_without_typst_serves_the_website_and_says_so_once() {
    let project = example_copy();
    let empty = tempfile::tempdir().unwrap();
    let empty_path = empty.path().to_string_lossy().into_owned();
    let mut server = Server::start(
        project.path(),
        &[],
        &[
            ("PATH", &empty_path),
            ("XDG_CACHE_HOME", &empty_path),
            ("HOME", &empty_path),
        ],
    );
    assert_eq!(server.get("/").status, 200);
    append(
        &project.path().join("content/03-ziele.md"),
        "\nNoch ein Satz.\n",
    );
    server.wait_for_lines("Website neu erstellt", 1, EVENT_LIMIT);
    wait_until(EVENT_LIMIT, "the typst notice", || {
        server
            .stderr
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("PDF wird in der Vorschau nicht erstellt"))
    });
    append(
        &project.path().join("content/03-ziele.md"),
        "\nUnd noch einer.\n",
    );
    server.wait_for_lines("Website neu erstellt", 2, EVENT_LIMIT);
    std::thread::sleep(Duration::from_millis(300));
    let notices = server
        .stderr
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.contains("PDF wird in der Vorschau nicht erstellt"))
        .count();
    assert_eq!(notices, 1, "{}", server.describe());
    assert!(server
        .get("/03-ziele.html")
        .text()
        .contains("Und noch einer."));
    server.interrupt();
}

#[test]
fn serve_reloads_and_shows_the_overlay_in_a_real_browser() {
    require_browser_tools();
    let project = example_copy();
    let mut server = Server::start(project.path(), &["--no-pdf"], &[]);
    let run = Command::new("node")
        .arg(repo().join("tests/browser/serve.mjs"))
        .arg(format!("http://127.0.0.1:{}/", server.port))
        .arg(project.path())
        .output()
        .expect("node runs (Node.js is needed for the browser tests)");
    assert!(
        run.status.success(),
        "{}\n{}",
        common::describe(&run),
        server.describe()
    );
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).expect("JSON report");
    let steps = report["steps"].as_array().map_or(0, Vec::len);
    assert!(steps >= 6, "{report}");
    assert_eq!(
        report["failures"].as_array().map_or(1, Vec::len),
        0,
        "{report}\n{}",
        server.describe()
    );
    server.interrupt();
}

#[test]
fn serve_checks_the_host_header_on_every_address() {
    let project = example_copy();
    let server = Server::start(
        project.path(),
        &[
            "--no-pdf",
            "--bind",
            "0.0.0.0",
            "--host",
            "vorschau.jobcenter.example",
        ],
        &[],
    );
    let port = server.port;
    let refused = request(port, "/", "evil.example");
    assert_eq!(refused.status, 403, "{}", refused.head);
    assert!(refused.head.contains("text/plain"), "{}", refused.head);
    assert!(
        refused.text().contains("Zugriff verweigert") && refused.text().contains("--host NAME"),
        "{}",
        refused.text()
    );
    assert!(
        !refused.text().contains("Elbe-Elster"),
        "nothing of the site"
    );
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("vorschau.jobcenter.example:{port}"),
    ] {
        let response = request(port, "/", &host);
        assert_eq!(response.status, 200, "{host}: {}", response.head);
    }
}

#[test]
fn the_preview_writes_the_same_files_as_a_build_images_included() {
    require_typst();
    let project = example_copy();
    // A chapter with a picture of its own, beside the logo of the title page.
    let picture = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"><rect width=\"40\" height=\"20\" fill=\"#005a9c\"/></svg>\n";
    fs::write(project.path().join("content/bilder/karte.svg"), picture).unwrap();
    append(
        &project.path().join("content/08-schlussbemerkungen.md"),
        "\n![Karte des Kreisgebiets](bilder/karte.svg)\n",
    );
    let build = common::amip(project.path(), &["build"]);
    assert!(build.status.success(), "{}", common::describe(&build));
    let built = common::files_below(&project.path().join("output"));
    let image = Path::new("html/bilder/karte.svg");
    let written = String::from_utf8(built.get(image).cloned().unwrap_or_default()).unwrap();
    assert!(
        written.starts_with("<svg viewBox=\"0 0 40 20\"") && written.contains("#005a9c"),
        "the build writes the picture, written anew: {written}"
    );

    // The preview runs on top of the build's output: it must keep what the build wrote and
    // write nothing else.
    let mut server = Server::start(project.path(), &[], &[]);
    server.wait_for_line("PDF aktualisiert", START_LIMIT);
    let served = server.get("/bilder/karte.svg");
    assert_eq!(served.status, 200, "{}", server.describe());
    assert_eq!(served.body, written.as_bytes());
    server.interrupt();
    let previewed = common::files_below(&project.path().join("output"));
    assert_eq!(
        built.keys().collect::<Vec<_>>(),
        previewed.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (path, bytes) in &built {
        assert!(
            previewed.get(path) == Some(bytes),
            "{} differs between build and preview",
            path.display()
        );
    }

    // From an empty output/ too: the preview writes exactly the build's files.
    fs::remove_dir_all(project.path().join("output")).unwrap();
    let mut server = Server::start(project.path(), &[], &[]);
    server.wait_for_line("PDF aktualisiert", START_LIMIT);
    server.interrupt();
    let fresh = common::files_below(&project.path().join("output"));
    assert_eq!(
        built.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &built {
        assert!(
            fresh.get(path) == Some(bytes),
            "{} differs between build and a fresh preview",
            path.display()
        );
    }
}

/// Issue 20, item 18: a warning is printed once, and again only when it changes.
#[test]
fn serve_prints_a_warning_again_only_when_it_changes() {
    let project = common::fixture_copy("klein");
    let dir = project.path();
    fs::write(
        dir.join("data/listen.yaml"),
        "kurz:\n  - { name: A, wert: 1 }\n",
    )
    .unwrap();
    let table = |id: &str| {
        format!("{id}:\n  titel: \"Liste {id}\"\n  quelle: \"Eigene Zählung\"\n  zeilen: listen.kurz\n  spalten:\n    - {{ titel: \"Name\", feld: name, format: text }}\n")
    };
    fs::write(dir.join("data/tabellen.yaml"), table("eins")).unwrap();
    let chapter = dir.join("content/programm.md");
    fs::write(&chapter, "# Programm\n\n{{ tabelle(id=\"eins\") }}\n").unwrap();
    let mut server = Server::start(dir, &["--no-pdf"], &[]);
    let warned = |server: &Server, id: &str| {
        server
            .stderr
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains(&format!("Die Tabelle „{id}“ wird im Text nicht genannt")))
            .count()
    };
    wait_until(EVENT_LIMIT, "the first warning", || {
        warned(&server, "eins") == 1
    });

    append(&chapter, "\nNoch ein Satz.\n");
    server.wait_for_lines("Website neu erstellt", 1, EVENT_LIMIT);
    server.wait_for_line(
        "1 Warnung wie zuvor (nicht noch einmal gezeigt).",
        EVENT_LIMIT,
    );
    assert_eq!(warned(&server, "eins"), 1, "{}", server.describe());

    // A second table without a reference: only the new warning is printed.
    fs::write(
        dir.join("data/tabellen.yaml"),
        format!("{}{}", table("eins"), table("zwei")),
    )
    .unwrap();
    append(&chapter, "\n{{ tabelle(id=\"zwei\") }}\n");
    wait_until(EVENT_LIMIT, "the new warning", || {
        warned(&server, "zwei") == 1
    });
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(warned(&server, "eins"), 1, "{}", server.describe());
    server.interrupt();
}
