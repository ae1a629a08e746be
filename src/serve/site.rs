//! The website part of a preview build: the same pipeline and the same [`html::Site`] output
//! as `amip build` (so the same files, images included), with chart SVGs cached between
//! builds, and written into `output/html`
//! in place: only files whose bytes changed are written, each atomically (temporary file and
//! rename), so the server never reads a half-written file and `output/html` never vanishes.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::build::BuildError;
use crate::charts::SvgCache;
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
    html_dir: PathBuf,
    svg_cache: SvgCache,
    /// Bytes of every file written by the last successful build; `None` before the first.
    written: Option<HashMap<String, Vec<u8>>>,
}

impl SiteBuilder {
    /// A builder for the project at `root`, writing to `root/output/html`.
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            html_dir: root.join("output").join(html::FOLDER),
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
        let _lock = crate::output::ProjectLock::acquire(&self.root, |_| {}).map_err(|source| {
            BuildError::Io {
                what: "Die Sperre .amip-tmp/lock kann nicht angelegt werden".to_string(),
                source,
            }
        })?;
        let (changed, removed) =
            self.write(site, &document.pdf_name)
                .map_err(|source| BuildError::Io {
                    what: format!("{} kann nicht geschrieben werden", self.html_dir.display()),
                    source,
                })?;
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
    fn write(
        &mut self,
        site: Vec<crate::render::OutputFile>,
        pdf_name: &str,
    ) -> io::Result<(Vec<String>, Vec<String>)> {
        fs::create_dir_all(&self.html_dir)?;
        let mut changed = Vec::new();
        for (rel, bytes) in &site {
            let path = self.html_dir.join(rel);
            // Written before and still there (someone may have deleted output/ meanwhile).
            let same = self
                .written
                .as_ref()
                .and_then(|written| written.get(rel))
                .is_some_and(|old| old == bytes)
                && path.is_file();
            if !same {
                write_atomic(&path, bytes)?;
                changed.push(rel.clone());
            }
        }
        let new: HashMap<String, Vec<u8>> = site.into_iter().collect();
        let mut removed = Vec::new();
        match &self.written {
            Some(old) => {
                for rel in old.keys().filter(|rel| !new.contains_key(*rel)) {
                    match fs::remove_file(self.html_dir.join(rel)) {
                        Ok(()) => removed.push(rel.clone()),
                        Err(err) if err.kind() == io::ErrorKind::NotFound => {}
                        Err(err) => return Err(err),
                    }
                }
            }
            None => {
                for entry in walkdir::WalkDir::new(&self.html_dir)
                    .min_depth(1)
                    .contents_first(true)
                    .into_iter()
                    .filter_map(Result::ok)
                {
                    let rel = entry
                        .path()
                        .strip_prefix(&self.html_dir)
                        .map(|p| p.to_string_lossy().replace('\\', "/"))
                        .unwrap_or_default();
                    if entry.file_type().is_dir() {
                        // Only empty folders go; errors mean "not empty".
                        let _ = fs::remove_dir(entry.path());
                    } else if rel != pdf_name && !new.contains_key(&rel) {
                        fs::remove_file(entry.path())?;
                        removed.push(rel);
                    }
                }
            }
        }
        self.written = Some(new);
        Ok((changed, removed))
    }
}

/// Writes `bytes` to `path` through a hidden temporary file in the same folder and a rename,
/// so that readers see the old or the new file, never a part. A symlink at `path` is
/// replaced, never written through.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let parent = path.parent().unwrap_or_else(|| Path::new("."));
    fs::create_dir_all(parent)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = parent.join(format!(".{name}.amip-{}.tmp", std::process::id()));
    if let Err(err) = fs::write(&temp, bytes).and_then(|()| fs::rename(&temp, path)) {
        let _ = fs::remove_file(&temp);
        return Err(err);
    }
    Ok(())
}

/// Copies `from` to `to` atomically (see [`write_atomic`]).
pub fn copy_atomic(from: &Path, to: &Path) -> io::Result<()> {
    let bytes = fs::read(from)?;
    write_atomic(to, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_replace_symlinks_instead_of_following_them() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("aussen.txt");
        fs::write(&outside, "bleibt").unwrap();
        let target = dir.path().join("html/seite.html");
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, &target).unwrap();
        write_atomic(&target, b"neu").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "neu");
        assert_eq!(fs::read_to_string(&outside).unwrap(), "bleibt");
        let names: Vec<_> = fs::read_dir(target.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "no temporary file is left: {names:?}");
    }
}
