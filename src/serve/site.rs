//! The website part of a preview build: the same pipeline and the same [`html::Site`] output
//! as `amip build` (so the same files, images included), with chart SVGs cached between
//! builds, and written into `output/html`
//! in place: only files whose bytes changed are written, each atomically (temporary file and
//! rename), so the server never reads a half-written file and `output/html` never vanishes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::build::BuildError;
use crate::charts::SvgCache;
use crate::door::read::{Entry, Kind, Reader};
use crate::door::staging::ProjectLock;
use crate::door::write::Writer;
use crate::door::DoorError;
use crate::pipeline::{self, Checks, Document, Timings};
use crate::render::{html, Output};

/// A successful website build, with what the PDF build needs next.
pub struct SiteBuild {
    /// Site files written because they changed (paths relative to `output/html`).
    pub changed: Vec<String>,
    /// Site files removed because the build no longer has them.
    pub removed: Vec<String>,
    /// How long the build took.
    pub duration: Duration,
    /// Charts drawn in this build; unchanged charts come from the cache.
    pub charts_drawn: usize,
    /// The document (for the PDF); its warnings do not stop the build.
    pub document: Document,
}

/// Builds the website again and again, remembering what it wrote.
pub struct SiteBuilder {
    root: PathBuf,
    /// `output/html`, relative to the project.
    html_rel: String,
    svg_cache: SvgCache,
    /// Bytes of every file written by the last successful build; `None` before the first.
    written: Option<HashMap<String, Vec<u8>>>,
}

impl SiteBuilder {
    /// A builder for the project at `root`, writing to `root/output/html`.
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            html_rel: format!("output/{}", html::FOLDER),
            svg_cache: SvgCache::default(),
            written: None,
        }
    }

    /// Runs the pipeline of `amip build` (the checks of a draft: open values are fine while
    /// writing), renders the site as `amip build` does and writes what changed.
    pub fn build(&mut self) -> Result<SiteBuild, BuildError> {
        let start = Instant::now();
        let drawn_before = self.svg_cache.drawn();
        let mut timings = Timings::start();
        let document =
            pipeline::document(&self.root, Checks::Draft, &mut timings, &mut self.svg_cache)?;
        let site = html::Site.render(&document)?;
        // While a `amip build` replaces output/, wait for it.
        let _lock = ProjectLock::acquire(&self.root, |_| {})?;
        let (changed, removed) = self.write(site, &document.pdf_name)?;
        Ok(SiteBuild {
            changed,
            removed,
            duration: start.elapsed(),
            charts_drawn: self.svg_cache.drawn() - drawn_before,
            document,
        })
    }

    /// Writes changed files and removes stale ones. The first time, everything is written and
    /// whatever else lies in `output/html` goes, except the PDF (the newest finished one).
    /// `output` and `output/html` are amip's: a link there is replaced, never written through.
    fn write(
        &mut self,
        site: Vec<crate::render::OutputFile>,
        pdf_name: &str,
    ) -> Result<(Vec<String>, Vec<String>), DoorError> {
        let writer = Writer::open(&self.root)?;
        writer.own_folder("output")?;
        writer.own_folder(&self.html_rel)?;
        let reader = Reader::open(&self.root)?;
        let mut changed = Vec::new();
        for (rel, bytes) in &site {
            let path = format!("{}/{rel}", self.html_rel);
            // Written before and still there (someone may have deleted output/ meanwhile).
            let same = self
                .written
                .as_ref()
                .and_then(|written| written.get(rel))
                .is_some_and(|old| old == bytes)
                && reader.kind(&path) == Kind::File;
            if !same {
                writer.replace_quickly(&path, bytes)?;
                changed.push(rel.clone());
            }
        }
        let new: HashMap<String, Vec<u8>> = site.into_iter().collect();
        let mut removed = Vec::new();
        match &self.written {
            Some(old) => {
                for rel in old.keys().filter(|rel| !new.contains_key(*rel)) {
                    let path = format!("{}/{rel}", self.html_rel);
                    if writer.exists(&path) {
                        writer.remove(&path)?;
                        removed.push(rel.clone());
                    }
                }
            }
            None => {
                let prefix = format!("{}/", self.html_rel);
                let mut folders = Vec::new();
                for entry in reader.walk(&self.html_rel, usize::MAX) {
                    let (path, folder) = match entry {
                        Entry::Folder(path) => (path, true),
                        Entry::File(path) | Entry::Refused(path, _) => (path, false),
                    };
                    let rel = path.strip_prefix(&prefix).unwrap_or(&path).to_string();
                    if folder {
                        folders.push(path);
                    } else if rel != pdf_name && !new.contains_key(&rel) {
                        writer.remove(&path)?;
                        removed.push(rel);
                    }
                }
                // Only empty folders go, the deepest first.
                for folder in folders.iter().rev() {
                    writer.remove_empty_folder(folder);
                }
            }
        }
        self.written = Some(new);
        Ok((changed, removed))
    }
}
