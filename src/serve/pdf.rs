//! The PDF part of a preview build, on its own thread: typst takes longer than the whole
//! website, so the page reloads first and the PDF follows.
//!
//! Only the newest job waits; older ones that typst has not started are dropped. typst writes
//! into the work folder, and the finished PDF then replaces `output/html/<name>.pdf` (and
//! `output/<name>.pdf`) by a rename, so the download link always serves the newest *finished*
//! PDF. When `main.typ` and the charts did not change, typst does not run at all.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::build::{creation_timestamp, typst_findings};
use crate::diagnostic::{Finding, Findings};
use crate::pipeline::Document;
use crate::render::typst::{self as pdf, TypstSource};
use crate::render::{html, Output};
use crate::typst_cli;

use crate::door::read::{Kind, Reader};
use crate::door::staging::ProjectLock;
use crate::door::write::Writer;
use crate::door::{limit, DoorError};

/// Everything typst needs for one PDF.
pub struct PdfJob {
    /// The document the website was just built from.
    pub document: Document,
}

/// What a PDF job ended with.
pub enum PdfOutcome {
    /// A new PDF replaced the old one.
    Ready {
        /// Time from start to the PDF in place.
        duration: Duration,
    },
    /// Nothing changed for the PDF; typst did not run.
    Unchanged,
    /// typst (or the Typst template) reported errors.
    Failed(Findings),
    /// typst cannot be used; the message says why and how to install it.
    Unavailable(String),
}

#[derive(Default)]
struct Slot {
    job: Option<PdfJob>,
    stop: bool,
}

/// The background thread that builds PDFs.
pub struct PdfWorker {
    slot: Arc<(Mutex<Slot>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl PdfWorker {
    /// Starts the thread. typst runs in `work_dir`; `on_outcome` hears about every job.
    pub fn start(
        root: &Path,
        work_dir: &Path,
        mut on_outcome: impl FnMut(PdfOutcome) + Send + 'static,
    ) -> std::io::Result<Self> {
        let slot: Arc<(Mutex<Slot>, Condvar)> = Arc::default();
        let mut runner = Runner {
            root: root.to_path_buf(),
            work_rel: work_dir
                .strip_prefix(root)
                .map(|rel| rel.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default(),
            last_input: None,
            written: HashMap::new(),
        };
        let shared = Arc::clone(&slot);
        let thread = std::thread::Builder::new()
            .name("amip-pdf".to_string())
            .spawn(move || loop {
                let job = {
                    let (lock, ready) = &*shared;
                    let mut slot = lock.lock().unwrap_or_else(PoisonError::into_inner);
                    while slot.job.is_none() && !slot.stop {
                        slot = ready.wait(slot).unwrap_or_else(PoisonError::into_inner);
                    }
                    if slot.stop {
                        return;
                    }
                    slot.job.take()
                };
                if let Some(job) = job {
                    let outcome = runner.run(&job);
                    // After Ctrl-C typst may have been interrupted too: no report then.
                    let (lock, _) = &*shared;
                    if !lock.lock().unwrap_or_else(PoisonError::into_inner).stop {
                        on_outcome(outcome);
                    }
                }
            })?;
        Ok(Self {
            slot,
            thread: Some(thread),
        })
    }

    /// A handle for queueing jobs from other threads.
    pub fn queue(&self) -> PdfQueue {
        PdfQueue(Arc::clone(&self.slot))
    }

    /// Asks the thread to stop after the current job and waits up to `limit` for it.
    /// Returns whether it stopped.
    pub fn stop(mut self, limit: Duration) -> bool {
        {
            let (lock, ready) = &*self.slot;
            let mut slot = lock.lock().unwrap_or_else(PoisonError::into_inner);
            slot.stop = true;
            slot.job = None;
            ready.notify_one();
        }
        let Some(thread) = self.thread.take() else {
            return true;
        };
        let deadline = Instant::now() + limit;
        while !thread.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        if thread.is_finished() {
            let _ = thread.join();
            true
        } else {
            false
        }
    }
}

impl Drop for PdfWorker {
    /// Asks the thread to stop without waiting (early returns; [`PdfWorker::stop`] waits).
    fn drop(&mut self) {
        let (lock, ready) = &*self.slot;
        let mut slot = lock.lock().unwrap_or_else(PoisonError::into_inner);
        slot.stop = true;
        slot.job = None;
        ready.notify_one();
    }
}

/// Queues PDF jobs for the [`PdfWorker`].
#[derive(Clone)]
pub struct PdfQueue(Arc<(Mutex<Slot>, Condvar)>);

impl PdfQueue {
    /// Takes no more jobs and silences the outcome of the running one: after Ctrl-C, typst
    /// (in the same process group) is interrupted too, which is no error worth reporting.
    pub fn close(&self) {
        let (lock, ready) = &*self.0;
        let mut slot = lock.lock().unwrap_or_else(PoisonError::into_inner);
        slot.stop = true;
        slot.job = None;
        ready.notify_one();
    }

    /// Queues `job`, replacing a queued one that typst has not started.
    pub fn submit(&self, job: PdfJob) {
        let (lock, ready) = &*self.0;
        let mut slot = lock.lock().unwrap_or_else(PoisonError::into_inner);
        if !slot.stop {
            slot.job = Some(job);
            ready.notify_one();
        }
    }
}

struct Runner {
    /// The project.
    root: PathBuf,
    /// The preview's work folder, relative to the project.
    work_rel: String,
    /// `main.typ` and the chart SVGs of the last finished PDF.
    last_input: Option<Vec<(String, Vec<u8>)>>,
    /// Bytes of the files last written to `output/typst`.
    written: HashMap<String, Vec<u8>>,
}

impl Runner {
    fn run(&mut self, job: &PdfJob) -> PdfOutcome {
        let start = Instant::now();
        let typst = match typst_cli::find() {
            Ok(typst) => typst,
            Err(err) => return PdfOutcome::Unavailable(err.to_string()),
        };
        let document = &job.document;
        // The same files as `amip build` writes to output/typst.
        let files = match TypstSource.render(document) {
            Ok(files) => files,
            Err(findings) => return PdfOutcome::Failed(findings),
        };
        let input: Vec<(String, Vec<u8>)> = files
            .iter()
            .filter(|(rel, _)| !rel.starts_with(pdf::FONT_DIR))
            .map(|(rel, bytes)| (rel.clone(), bytes.to_vec()))
            .collect();
        let html_pdf = format!("output/{}/{}", html::FOLDER, document.pdf_name);
        let (reader, writer) = match Reader::open(&self.root)
            .and_then(|reader| Writer::open(&self.root).map(|writer| (reader, writer)))
        {
            Ok(pair) => pair,
            Err(err) => return PdfOutcome::Failed(door_finding(&err)),
        };
        if self.last_input.as_ref() == Some(&input) && reader.kind(&html_pdf) == Kind::File {
            return PdfOutcome::Unchanged;
        }
        // While a `amip build` replaces output/, wait for it.
        let _lock = match ProjectLock::acquire(&self.root, |_| {}) {
            Ok(lock) => lock,
            Err(err) => return PdfOutcome::Failed(door_finding(&err)),
        };
        let job = match self.write_sources(&writer, &files) {
            Ok(job) => job,
            Err(err) => return PdfOutcome::Failed(door_finding(&err)),
        };
        let pdf_rel = format!("{job}/programm.pdf");
        let compiled = typst_cli::compile(
            &typst,
            &self.root.join(&job),
            &self.root.join(&pdf_rel),
            creation_timestamp(&document.project),
            pdf::FONT_DIR,
        );
        // What typst wrote is read through the door: a link there is refused.
        let pdf = reader.read(&pdf_rel, limit::OUTPUT_MB);
        let _ = writer.remove(&job);
        match compiled {
            Err(err) => return PdfOutcome::Unavailable(err.to_string()),
            Ok(Err(diagnostics)) => {
                return PdfOutcome::Failed(typst_findings(&diagnostics, document))
            }
            Ok(Ok(())) => {}
        }
        let copied = pdf.and_then(|bytes| {
            [html_pdf, format!("output/{}", document.pdf_name)]
                .iter()
                .try_for_each(|target| writer.replace_quickly(target, &bytes))
        });
        if let Err(err) = copied {
            return PdfOutcome::Failed(door_finding(&err));
        }
        self.last_input = Some(input);
        PdfOutcome::Ready {
            duration: start.elapsed(),
        }
    }
}

impl Runner {
    /// Writes the Typst source into a folder with a fresh name in the work folder, where typst
    /// runs (it reads and writes by path: no link planted in `output/typst` or the work
    /// folder reaches it), and keeps `output/typst` current as `amip build` does, writing
    /// only what changed. Returns the fresh folder, relative to the project.
    fn write_sources(
        &mut self,
        writer: &Writer,
        files: &[crate::render::OutputFile],
    ) -> Result<String, DoorError> {
        let job = writer.fresh_folder(&self.work_rel)?;
        for (rel, bytes) in files {
            writer.create(&format!("{job}/{rel}"), bytes)?;
        }
        writer.own_folder("output")?;
        let typst_rel = format!("output/{}", pdf::FOLDER);
        for (rel, bytes) in files {
            // Written before and still there (an `amip build` meanwhile may have replaced it).
            if self.written.get(rel) != Some(bytes)
                || !writer.is_file(&format!("{typst_rel}/{rel}"))
            {
                writer.replace_quickly(&format!("{typst_rel}/{rel}"), bytes)?;
                self.written.insert(rel.clone(), bytes.clone());
            }
        }
        Ok(job)
    }
}

fn door_finding(err: &DoorError) -> Findings {
    Findings(vec![Finding::error(err.to_string())])
}
