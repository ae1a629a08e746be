//! `amip serve`: a live preview while writing.
//!
//! The website is built, written to `output/html` and served on 127.0.0.1 (by default). A
//! watcher rebuilds on every change in `content/`, `data/` or `templates/`; open pages reload
//! through a small script that exists only in the server's responses. A failed build keeps the
//! last good site and shows its findings as an overlay. The PDF follows in the background.
//!
//! Threads: the builder thread owns the watcher and builds the website; the PDF thread runs
//! typst ([`pdf`]); a tokio runtime serves HTTP ([`http`]). They share the build status
//! through a `watch` channel.
//!
//! Not here: terminal output. Everything worth telling is a [`ServeEvent`] for the caller.

pub mod hosts;
pub mod http;
pub mod page;
pub mod paths;
pub mod pdf;
pub mod site;
pub mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::watch as channel;

use crate::build::BuildError;
use crate::diagnostic::{Finding, Findings};
use crate::door::staging::WorkFolder;
use crate::door::write::Writer;
use http::Status;
use page::Stage;
use pdf::{PdfJob, PdfOutcome, PdfQueue, PdfWorker};
use site::{SiteBuild, SiteBuilder};

/// How `amip serve` runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Address to listen on; loopback unless the user asks otherwise.
    pub bind: IpAddr,
    /// Port; 0 picks a free one.
    pub port: u16,
    /// Build the PDF in the background.
    pub pdf: bool,
    /// Further `Host` names to answer to (`--host`), besides this machine's own.
    pub hosts: Vec<String>,
}

/// What happened, for the terminal.
#[derive(Debug, Clone)]
pub enum ServeEvent {
    /// The server listens at `url`.
    Listening {
        /// `http://127.0.0.1:PORT/`.
        url: String,
        /// Whether other machines can reach it.
        public: bool,
    },
    /// A website build succeeded.
    Built {
        /// Source files whose change started the build (empty for the first build).
        trigger: Vec<String>,
        /// Site files written.
        changed: usize,
        /// Site files removed.
        removed: usize,
        /// Build time.
        duration: Duration,
        /// Charts drawn (the others came unchanged from the cache).
        charts_drawn: usize,
        /// Warnings of the checks.
        warnings: Findings,
        /// The build before had failed.
        recovered: bool,
    },
    /// A website build failed; the last good site stays.
    Failed {
        /// Source files whose change started the build.
        trigger: Vec<String>,
        /// What is wrong.
        findings: Findings,
    },
    /// A new PDF is in place.
    PdfReady {
        /// Time typst and copying took.
        duration: Duration,
    },
    /// The PDF build failed; the previous PDF stays.
    PdfFailed {
        /// What is wrong.
        findings: Findings,
    },
    /// typst cannot be used (reported once); the preview shows the website only.
    PdfUnavailable {
        /// Why, with how to install typst.
        message: String,
    },
    /// The file watcher reported a problem.
    WatchError {
        /// The watcher's message.
        message: String,
    },
    /// The server is shutting down.
    Stopping,
}

/// Why the preview could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The port is taken, often by another `amip serve`.
    #[error("Port {} ist schon belegt (läuft amip serve bereits?).", .address.port())]
    PortInUse {
        /// The address.
        address: SocketAddr,
    },
    /// Listening failed (address not available, no permission).
    #[error("Die Vorschau kann nicht auf {address} lauschen: {source}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
    /// The watcher could not start.
    #[error("Die Quellordner können nicht überwacht werden: {0}")]
    Watch(String),
    /// The file system refused (a linked folder, the disk).
    #[error(transparent)]
    Door(#[from] crate::door::DoorError),
    /// Another I/O problem (work folder, runtime).
    #[error("{what}: {source}")]
    Io {
        /// What amip was doing.
        what: String,
        /// The OS error.
        source: std::io::Error,
    },
}

/// Receives [`ServeEvent`]s; called from several threads.
pub type Reporter = Arc<dyn Fn(ServeEvent) + Send + Sync>;

/// Errors of the latest website and PDF builds, turned into the overlay.
#[derive(Default)]
struct Errors {
    site: Option<Vec<Finding>>,
    pdf: Option<Vec<Finding>>,
}

/// The build status shared by the builder, the PDF thread and the server.
struct Shared {
    status: channel::Sender<Status>,
    errors: Mutex<Errors>,
}

impl Shared {
    /// Sets the errors of one stage and publishes the new status; `reload` starts a new
    /// generation (the website changed).
    fn update(&self, stage: Stage, findings: Option<Vec<Finding>>, reload: bool) {
        let mut errors = self.errors.lock().unwrap_or_else(PoisonError::into_inner);
        match stage {
            Stage::Website => errors.site = findings,
            Stage::Pdf => errors.pdf = findings,
        }
        let mut failures: Vec<(Stage, &[Finding])> = Vec::new();
        if let Some(site) = &errors.site {
            failures.push((Stage::Website, site));
        }
        if let Some(pdf) = &errors.pdf {
            failures.push((Stage::Pdf, pdf));
        }
        let overlay: Option<Arc<str>> =
            (!failures.is_empty()).then(|| Arc::from(page::overlay(&failures)));
        // Pages hear only about real changes.
        self.status.send_if_modified(|status| {
            let mut modified = false;
            if reload {
                status.generation += 1;
                modified = true;
            }
            if status.overlay.as_deref() != overlay.as_deref() {
                status.overlay = overlay;
                modified = true;
            }
            modified
        });
    }

    fn site_failed(&self) -> bool {
        self.errors
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .site
            .is_some()
    }
}

fn findings_of(err: BuildError) -> Vec<Finding> {
    match err {
        BuildError::Findings(findings) => findings.0,
        other => vec![Finding::error(other.to_string())],
    }
}

fn relative(root: &Path, paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .map(|path| {
            path.strip_prefix(root)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

/// Publishes a website build and returns the PDF job that follows it.
fn handle_build(
    result: Result<SiteBuild, BuildError>,
    trigger: Vec<String>,
    shared: &Shared,
    report: &Reporter,
) -> Option<PdfJob> {
    match result {
        Ok(build) => {
            let recovered = shared.site_failed();
            let changed = !build.changed.is_empty() || !build.removed.is_empty();
            shared.update(Stage::Website, None, changed || recovered);
            report(ServeEvent::Built {
                trigger,
                changed: build.changed.len(),
                removed: build.removed.len(),
                duration: build.duration,
                charts_drawn: build.charts_drawn,
                warnings: build.document.warnings.clone(),
                recovered,
            });
            Some(PdfJob {
                document: build.document,
            })
        }
        Err(err) => {
            let findings = findings_of(err);
            shared.update(Stage::Website, Some(findings.clone()), false);
            report(ServeEvent::Failed {
                trigger,
                findings: Findings(findings),
            });
            None
        }
    }
}

/// Builds the website; a panic (a bug in amip) becomes a finding instead of ending the
/// builder thread, so the preview keeps running.
fn build_guarded(builder: &mut SiteBuilder) -> Result<SiteBuild, BuildError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| builder.build())).unwrap_or_else(
        |_| {
            Err(BuildError::Findings(Findings(vec![Finding::error(
                "Interner Fehler in amip beim Erstellen der Website. Bitte melden Sie ihn mit der Meldung oben.",
            )])))
        },
    )
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM.
async fn stop_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// How long open connections may take to finish after Ctrl-C.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);
/// How long a running typst may take to finish after Ctrl-C.
const PDF_GRACE: Duration = Duration::from_secs(10);

fn io_error(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> ServeError {
    let what = what.into();
    move |source| ServeError::Io { what, source }
}

/// Runs the preview for the project at `root` until Ctrl-C (or SIGTERM), then stops the
/// threads and removes the work folder.
pub fn run(root: &Path, options: &ServeOptions, report: Reporter) -> Result<(), ServeError> {
    let (root, work) = work_dir(root)?;

    // Listen first: a port in use is reported before any work is done.
    let (runtime, listener, local) = listen(options)?;

    // Watch before the first build, so that a save during it is not missed.
    let (changes_tx, changes_rx) = mpsc::channel();
    let watcher = watch::Watcher::start(&root, changes_tx.clone())
        .map_err(|err| ServeError::Watch(err.to_string()))?;

    // A generation unlike any earlier server's, so that pages still open from a previous run
    // reload when they reconnect.
    let first_generation = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| u64::try_from(d.as_millis()).unwrap_or(1));
    let (status_tx, status_rx) = channel::channel(Status {
        generation: first_generation,
        overlay: None,
    });
    let shared = Arc::new(Shared {
        status: status_tx,
        errors: Mutex::new(Errors::default()),
    });

    let pdf_worker = if options.pdf {
        Some(start_pdf_worker(&root, &work.path(), &shared, &report)?)
    } else {
        None
    };
    let pdf_queue = pdf_worker.as_ref().map(PdfWorker::queue);

    // The first build, before the server answers, so that the first page is current.
    let mut builder = SiteBuilder::new(&root);
    let first = build_guarded(&mut builder);
    site_dir(&root)?;
    if let (Some(queue), Some(job)) = (
        &pdf_queue,
        handle_build(first, Vec::new(), &shared, &report),
    ) {
        queue.submit(job);
    }

    // The builder thread: one website build per batch of changes.
    let builder_thread = spawn_builder(
        builder,
        watcher,
        changes_rx,
        pdf_queue,
        Arc::clone(&shared),
        Arc::clone(&report),
        root.clone(),
    )?;

    let (shutdown_tx, shutdown_rx) = channel::channel(false);
    let app = Arc::new(http::App {
        project: root.clone(),
        status: status_rx,
        shutdown: shutdown_rx.clone(),
        hosts: hosts::AllowedHosts::new(&options.hosts),
    });
    report(ServeEvent::Listening {
        url: url_of(local),
        public: !options.bind.is_loopback(),
    });
    let close_pdf = pdf_worker.as_ref().map(PdfWorker::queue);
    let served = serve_until_stopped(
        &runtime,
        listener,
        app,
        close_pdf,
        Arc::clone(&report),
        (shutdown_tx, shutdown_rx),
    );
    runtime.shutdown_timeout(Duration::from_secs(1));

    let _ = changes_tx.send(watch::Change::Stop);
    let _ = builder_thread.join();
    if let Some(worker) = pdf_worker {
        worker.stop(PDF_GRACE);
    }
    drop(work);
    served.map_err(io_error("Der Server ist ausgefallen"))
}

/// The project folder, canonical, and the preview's own work folder inside it.
fn work_dir(root: &Path) -> Result<(PathBuf, WorkFolder), ServeError> {
    let root = crate::door::machine::canonical(root).map_err(io_error(format!(
        "Der Projektordner {} ist nicht lesbar",
        root.display()
    )))?;
    let work = WorkFolder::new(&root, "serve")?;
    Ok((root, work))
}

/// `output/html`, created if need be (a link there is replaced by a real folder): the server
/// serves nothing outside it.
fn site_dir(root: &Path) -> Result<(), ServeError> {
    let html_rel = format!("output/{}", crate::render::html::FOLDER);
    let writer = Writer::open(root)?;
    writer
        .own_folder("output")
        .and_then(|()| writer.own_folder(&html_rel))?;
    Ok(())
}

/// Serves until Ctrl-C (or SIGTERM); then closes the PDF queue, ends the event streams and
/// gives open connections a moment to finish.
fn serve_until_stopped(
    runtime: &tokio::runtime::Runtime,
    listener: tokio::net::TcpListener,
    app: Arc<http::App>,
    close_pdf: Option<PdfQueue>,
    stopping: Reporter,
    (shutdown_tx, shutdown_rx): (channel::Sender<bool>, channel::Receiver<bool>),
) -> std::io::Result<()> {
    runtime.block_on(async move {
        let server = axum::serve(listener, http::router(app)).with_graceful_shutdown(async move {
            stop_signal().await;
            if let Some(queue) = &close_pdf {
                queue.close();
            }
            stopping(ServeEvent::Stopping);
            // Event streams end now; graceful shutdown would wait for them otherwise.
            let _ = shutdown_tx.send(true);
        });
        let mut stopped = shutdown_rx;
        tokio::select! {
            result = server => result,
            () = async {
                let _ = stopped.wait_for(|stop| *stop).await;
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } => Ok(()),
        }
    })
}

/// The runtime and the bound listener: a port in use is reported before any work is done.
fn listen(
    options: &ServeOptions,
) -> Result<(tokio::runtime::Runtime, tokio::net::TcpListener, SocketAddr), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(io_error("Der Server kann nicht starten"))?;
    let address = SocketAddr::new(options.bind, options.port);
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(address))
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::AddrInUse => ServeError::PortInUse { address },
            _ => ServeError::Bind { address, source },
        })?;
    let local = listener
        .local_addr()
        .map_err(|source| ServeError::Bind { address, source })?;
    Ok((runtime, listener, local))
}

/// The address to open: for "all addresses" it names loopback, which this machine's browser
/// can open.
fn url_of(local: SocketAddr) -> String {
    match local.ip() {
        IpAddr::V6(ip) if ip.is_unspecified() => format!("http://[::1]:{}/", local.port()),
        IpAddr::V4(ip) if ip.is_unspecified() => format!("http://127.0.0.1:{}/", local.port()),
        IpAddr::V6(ip) => format!("http://[{ip}]:{}/", local.port()),
        IpAddr::V4(ip) => format!("http://{ip}:{}/", local.port()),
    }
}

/// Starts the thread that builds the website once per batch of changes and queues the PDF.
fn spawn_builder(
    mut builder: SiteBuilder,
    mut watcher: watch::Watcher,
    changes_rx: mpsc::Receiver<watch::Change>,
    pdf_queue: Option<PdfQueue>,
    shared: Arc<Shared>,
    report: Reporter,
    root: PathBuf,
) -> Result<std::thread::JoinHandle<()>, ServeError> {
    std::thread::Builder::new()
        .name("amip-build".to_string())
        .spawn(move || {
            while let Ok(change) = changes_rx.recv() {
                let mut files = Vec::new();
                let mut stop = false;
                let mut take = |change: watch::Change| match change {
                    watch::Change::Files(more) => files.extend(more),
                    watch::Change::Error(message) => {
                        report(ServeEvent::WatchError { message });
                    }
                    watch::Change::Stop => stop = true,
                };
                take(change);
                // Saves that arrived during the last build go into one build.
                while let Ok(more) = changes_rx.try_recv() {
                    take(more);
                }
                if stop {
                    break;
                }
                if files.is_empty() {
                    continue;
                }
                if let Err(err) = watcher.watch_new_folders() {
                    report(ServeEvent::WatchError {
                        message: err.to_string(),
                    });
                }
                files.sort();
                files.dedup();
                let trigger = relative(&root, &files);
                let job = handle_build(build_guarded(&mut builder), trigger, &shared, &report);
                if let (Some(queue), Some(job)) = (&pdf_queue, job) {
                    queue.submit(job);
                }
            }
            drop(watcher);
        })
        .map_err(io_error("Der Bauprozess kann nicht starten"))
}

fn start_pdf_worker(
    root: &Path,
    work_dir: &Path,
    shared: &Arc<Shared>,
    report: &Reporter,
) -> Result<PdfWorker, ServeError> {
    let shared = Arc::clone(shared);
    let report = Arc::clone(report);
    let mut told_unavailable = false;
    PdfWorker::start(root, work_dir, move |outcome| match outcome {
        PdfOutcome::Ready { duration } => {
            told_unavailable = false;
            shared.update(Stage::Pdf, None, false);
            report(ServeEvent::PdfReady { duration });
        }
        PdfOutcome::Unchanged => shared.update(Stage::Pdf, None, false),
        PdfOutcome::Failed(findings) => {
            shared.update(Stage::Pdf, Some(findings.0.clone()), false);
            report(ServeEvent::PdfFailed { findings });
        }
        PdfOutcome::Unavailable(message) => {
            if !told_unavailable {
                told_unavailable = true;
                report(ServeEvent::PdfUnavailable { message });
            }
        }
    })
    .map_err(io_error("Der PDF-Hintergrundprozess kann nicht starten"))
}
