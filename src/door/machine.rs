//! Files outside any project that amip itself keeps or looks at: the pinned typst in amip's
//! cache, the note that a typst passed the version check, typst's empty package folder, the
//! folders the preview watches. Small, path-based operations; none follows a link to write.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Whether `path` is a regular file (links followed: a program may be a link).
pub(crate) fn is_file(path: &Path) -> bool {
    path.is_file()
}

/// Whether `path` is a folder (links followed).
pub(crate) fn is_folder(path: &Path) -> bool {
    path.is_dir()
}

/// `path` absolute and free of links (the project folder the preview watches and serves).
pub(crate) fn canonical(path: &Path) -> std::io::Result<PathBuf> {
    std::fs::canonicalize(path)
}

/// A small text file of amip's own (at most 64 KB), or `None`.
pub(crate) fn read_note(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > 64 * 1024 {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

/// Writes a note of amip's own whole (beside, then renamed), so that a process reading at the
/// same time never sees half; failures are ignored (the note only saves time).
pub(crate) fn write_note(path: &Path, text: &str) {
    let Some(folder) = path.parent() else {
        return;
    };
    if std::fs::create_dir_all(folder).is_err() {
        return;
    }
    let partial = path.with_extension(format!("{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&partial);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&partial)
        .and_then(|mut file| std::io::Write::write_all(&mut file, text.as_bytes()));
    if written.is_err() || std::fs::rename(&partial, path).is_err() {
        let _ = std::fs::remove_file(&partial);
    }
}

/// The real path, size and modification time of a program file.
pub(crate) fn program_identity(program: &Path) -> Option<(PathBuf, u64, SystemTime)> {
    let real = std::fs::canonicalize(program).ok()?;
    let meta = std::fs::metadata(&real).ok()?;
    Some((real, meta.len(), meta.modified().ok()?))
}

/// amip's own executable with a link followed to the real file.
pub(crate) fn own_executable() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let is_link = std::fs::symlink_metadata(&exe).is_ok_and(|meta| meta.file_type().is_symlink());
    Some(if is_link {
        std::fs::canonicalize(&exe).unwrap_or(exe)
    } else {
        exe
    })
}

/// Creates an empty folder of amip's own (typst's package folder in the build folder); a link
/// at its place is refused.
pub(crate) fn create_own_folder(path: &Path) -> std::io::Result<()> {
    if std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink()) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "an dieser Stelle liegt eine Verknüpfung",
        ));
    }
    std::fs::create_dir_all(path)
}

/// Removes a folder of amip's own; a link there is removed itself, never followed.
pub(crate) fn remove_own_folder(path: &Path) {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => {
            let _ = std::fs::remove_dir_all(path);
        }
        Ok(_) => {
            let _ = std::fs::remove_file(path);
        }
        Err(_) => {}
    }
}
