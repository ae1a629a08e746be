//! Watching `content/`, `data/` and `templates/` for changes.
//!
//! The folders are watched, not single files: editors often save by writing a new file and
//! renaming it. The debouncer turns the burst of events of one save into one batch. Reads
//! (amip's own loading opens every file) and editors' hidden or backup files are ignored.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify_debouncer_full::notify::{Config, EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer_opt, DebounceEventResult, Debouncer, RecommendedCache};

/// The source folders a preview watches.
pub const SOURCE_DIRS: [&str; 3] = ["content", "data", "templates"];

/// How long after the last event of a save the rebuild starts.
pub const DEBOUNCE: Duration = Duration::from_millis(40);

/// A batch of changes, or a problem of the watcher.
pub enum Change {
    /// Source files that changed (absolute paths).
    Files(Vec<PathBuf>),
    /// The watcher reported an error.
    Error(String),
    /// The server is shutting down.
    Stop,
}

/// The running watcher; dropping it stops watching.
pub struct Watcher {
    debouncer: Debouncer<notify_debouncer_full::notify::RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    watched: Vec<PathBuf>,
}

impl Watcher {
    /// Watches the source folders of `root` (and `root` itself, flat, to notice a source
    /// folder that appears later) and sends batches of changes to `changes`.
    pub fn start(
        root: &Path,
        changes: Sender<Change>,
    ) -> notify_debouncer_full::notify::Result<Self> {
        let sources: Vec<PathBuf> = SOURCE_DIRS.iter().map(|dir| root.join(dir)).collect();
        // Folder links are never followed (as the door never follows them): a link to `/usr`
        // in content/ must not make the preview watch the whole system.
        let config = Config::default().with_follow_symlinks(false);
        let handler = move |result: DebounceEventResult| {
            let message = match result {
                Ok(events) => {
                    let mut files: Vec<PathBuf> = events
                        .iter()
                        .filter(|event| relevant_kind(&event.kind))
                        .flat_map(|event| event.paths.iter())
                        .filter(|path| sources.iter().any(|dir| path.starts_with(dir)))
                        .filter(|path| !ignored_name(path))
                        .cloned()
                        .collect();
                    files.sort();
                    files.dedup();
                    if files.is_empty() {
                        return;
                    }
                    Change::Files(files)
                }
                Err(errors) => Change::Error(
                    errors
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            };
            let _ = changes.send(message);
        };
        let debouncer = new_debouncer_opt::<_, RecommendedWatcher, RecommendedCache>(
            DEBOUNCE,
            None,
            handler,
            RecommendedCache::new(),
            config,
        )?;
        let mut watcher = Self {
            debouncer,
            root: root.to_path_buf(),
            watched: Vec::new(),
        };
        watcher.debouncer.watch(root, RecursiveMode::NonRecursive)?;
        watcher.watch_new_folders()?;
        Ok(watcher)
    }

    /// Starts watching source folders that did not exist before (e.g. a new `templates/`).
    pub fn watch_new_folders(&mut self) -> notify_debouncer_full::notify::Result<()> {
        for dir in SOURCE_DIRS {
            let path = self.root.join(dir);
            if crate::door::machine::is_folder(&path) && !self.watched.contains(&path) {
                self.debouncer.watch(&path, RecursiveMode::Recursive)?;
                self.watched.push(path);
            }
        }
        self.watched
            .retain(|path| crate::door::machine::is_folder(path));
        Ok(())
    }
}

/// Changes that can alter the build; opening or reading a file cannot.
fn relevant_kind(kind: &EventKind) -> bool {
    !matches!(kind, EventKind::Access(_))
}

/// Editors' swap, backup and temporary files (`.kapitel.md.swp`, `kapitel.md~`, `#x#`).
fn ignored_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.starts_with('.') || name.ends_with('~') || name.starts_with('#')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_ignored() {
        assert!(ignored_name(Path::new("content/.03-ziele.md.swp")));
        assert!(ignored_name(Path::new("content/03-ziele.md~")));
        assert!(ignored_name(Path::new("content/#03-ziele.md#")));
        assert!(!ignored_name(Path::new("content/03-ziele.md")));
    }
}
