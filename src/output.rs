//! Writing safely: a build goes into a staging folder, and `output/` is replaced only when
//! everything succeeded, in one atomic step. A failed build leaves the previous output
//! untouched; a lock keeps two builds of one project apart; what killed builds leave in
//! `.amip-tmp/` is removed by the next one.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// Hidden working folder inside the project, on the same file system as `output/`.
pub(crate) const WORK_DIR: &str = ".amip-tmp";

/// A folder that becomes `output/` on [`Staging::commit`] and is removed otherwise.
#[derive(Debug)]
pub(crate) struct Staging {
    dir: PathBuf,
    committed: bool,
}

impl Staging {
    /// Creates an empty staging folder below `root/.amip-tmp/`.
    pub(crate) fn new(root: &Path) -> io::Result<Self> {
        let dir = root
            .join(WORK_DIR)
            .join(format!("build-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
        Ok(Self {
            dir,
            committed: false,
        })
    }

    /// The staging folder.
    pub(crate) fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes a file below the staging folder, creating parent folders; when `previous` (the
    /// same file in the current output) holds exactly these bytes, it is linked instead of
    /// written again. Rebuilds then change only what changed: no new inode, no data written,
    /// and removing the previous output afterwards frees nothing. Falls back to writing where
    /// links are not possible.
    pub(crate) fn write_reusing(&self, rel: &str, bytes: &[u8], previous: &Path) -> io::Result<()> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        if same_content(previous, bytes) && fs::hard_link(previous, &path).is_ok() {
            return Ok(());
        }
        fs::write(path, bytes)
    }

    /// Replaces `output` with the staging folder in one step: where the file system can swap
    /// two names atomically (Linux), `output` is at every moment either the old or the new
    /// output, also when the process is killed; elsewhere the old output is renamed aside
    /// first and put back if the second rename fails (a leftover is put back by the next
    /// build, see [`clean_leftovers`]). `output` may be a folder or a regular file.
    ///
    /// `Err` means `output` is as it was. `Ok(Some(note))` means the new output is in place but
    /// the old one could not be removed from `.amip-tmp/` (the note says where).
    pub(crate) fn commit(mut self, output: &Path) -> io::Result<Option<String>> {
        if fs::symlink_metadata(output).is_err() {
            fs::rename(&self.dir, output)?;
            self.committed = true;
            self.remove_work_dir();
            return Ok(None);
        }
        let old = match swap(&self.dir, output)? {
            // The staging folder's name now holds the old output.
            true => self.dir.clone(),
            false => {
                let old = self.aside_name();
                remove_any(&old)?;
                fs::rename(output, &old)?;
                if let Err(err) = fs::rename(&self.dir, output) {
                    // Put the previous output back; report the original error.
                    let _ = fs::rename(&old, output);
                    return Err(err);
                }
                old
            }
        };
        self.committed = true;
        let note = remove_any(&old).err().map(|err| {
            format!(
                "Die neue Ausgabe steht in output/. Die bisherige Ausgabe konnte nicht entfernt werden und liegt noch in {}: {err}. Der nächste Build versucht es erneut.",
                old.display()
            )
        });
        if note.is_none() {
            self.remove_work_dir();
        }
        Ok(note)
    }

    /// Where the fallback of [`Staging::commit`] moves the old output.
    fn aside_name(&self) -> PathBuf {
        self.dir
            .with_file_name(format!("previous-{}", std::process::id()))
    }

    fn remove_work_dir(&self) {
        if let Some(work) = self.dir.parent() {
            // Only removes the work folder when nothing else is in it.
            let _ = fs::remove_dir(work);
        }
    }
}

/// Removes a file or a folder tree; a missing path is fine.
fn remove_any(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(err),
    }
}

/// Swaps the names `a` and `b` atomically. `Ok(false)` when the system cannot (then nothing
/// happened); `Err` when it refused (then nothing happened either).
#[cfg(target_os = "linux")]
fn swap(a: &Path, b: &Path) -> io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both paths are valid NUL-terminated strings for the duration of the call.
    let result = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if result == 0 {
        return Ok(true);
    }
    let err = io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP) => Ok(false),
        _ => Err(err),
    }
}

#[cfg(not(target_os = "linux"))]
fn swap(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// Name of the lock file inside [`WORK_DIR`].
const LOCK_FILE: &str = "lock";

/// Held while a process writes `output/`: a second `amip build` (or `amip serve`'s rebuild)
/// in the same project waits until the first is done. Released (and the lock file removed)
/// when dropped; the operating system releases it when the process dies, however it dies.
#[derive(Debug)]
pub(crate) struct ProjectLock {
    file: fs::File,
    path: PathBuf,
}

impl ProjectLock {
    /// Takes the project's lock; while another process holds it, calls `waiting` once with a
    /// German message naming that process and waits.
    pub(crate) fn acquire(root: &Path, waiting: impl FnOnce(&str)) -> io::Result<Self> {
        let work = root.join(WORK_DIR);
        let path = work.join(LOCK_FILE);
        let mut waiting = Some(waiting);
        loop {
            fs::create_dir_all(&work)?;
            let file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    if let Some(waiting) = waiting.take() {
                        let holder = lock_holder(&path);
                        let who = if holder.is_empty() {
                            "Ein anderer amip-Prozess".to_string()
                        } else {
                            format!("Ein anderer amip-Prozess (PID {holder})")
                        };
                        waiting(&format!(
                            "{who} schreibt gerade output/ in diesem Projekt; amip wartet, bis er fertig ist …"
                        ));
                    }
                    file.lock()?;
                }
                Err(fs::TryLockError::Error(err)) => return Err(err),
            }
            // The holder before may have removed the file while we waited: then this lock
            // guards nothing, and another process may hold the new file's. Try again.
            if same_file(&file, &path) {
                file.set_len(0)?;
                (&file).write_all(std::process::id().to_string().as_bytes())?;
                return Ok(Self { file, path });
            }
        }
    }
}

/// The PID written in the lock file. The holder writes it just after taking the lock, so a
/// process that finds the lock taken waits a moment for it rather than naming nobody.
fn lock_holder(path: &Path) -> String {
    for _ in 0..20 {
        let holder = fs::read_to_string(path).unwrap_or_default();
        if !holder.trim().is_empty() {
            return holder.trim().to_string();
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    String::new()
}

impl Drop for ProjectLock {
    fn drop(&mut self) {
        // Removed while still locked, so a waiting process notices (see `acquire`).
        #[cfg(unix)]
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
        if let Some(work) = self.path.parent() {
            let _ = fs::remove_dir(work);
        }
    }
}

#[cfg(unix)]
fn same_file(file: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &fs::File, path: &Path) -> bool {
    // The lock file is never removed there.
    path.exists()
}

/// Cleans `.amip-tmp/` of what processes that died left behind (a killed build leaves its
/// staging folder, `build-PID`): removed, except that an old output moved aside
/// (`previous-PID`) goes back to `output` when `output` is missing. Folders of processes
/// that still run are left alone. Call it holding the [`ProjectLock`]. Returns notes about
/// what could not be removed.
pub(crate) fn clean_leftovers(root: &Path, output: &Path) -> Vec<String> {
    let work = root.join(WORK_DIR);
    let Ok(entries) = fs::read_dir(&work) else {
        return Vec::new();
    };
    let mut names: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    names.sort();
    let mut notes = Vec::new();
    for name in names {
        let name = name.to_string_lossy().into_owned();
        let Some(pid) = name
            .rsplit_once('-')
            .and_then(|(_, pid)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() || process_alive(pid) {
            continue;
        }
        let path = work.join(&name);
        if name.starts_with("previous-")
            && fs::symlink_metadata(output).is_err()
            && fs::rename(&path, output).is_ok()
        {
            continue;
        }
        if let Err(err) = remove_any(&path) {
            notes.push(format!(
                "Der Rest eines abgebrochenen Builds in {} kann nicht entfernt werden: {err}",
                path.display()
            ));
        }
    }
    notes
}

/// Whether a process with this id runs (on systems without a way to ask: assumed yes, so
/// nothing of a running process is ever removed).
#[cfg(unix)]
pub(crate) fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: signal 0 only checks whether the process exists; nothing is sent.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
pub fn process_alive(_: u32) -> bool {
    true
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
            self.remove_work_dir();
        }
    }
}

/// Whether `path` is a regular file (not a link) with exactly `bytes`.
fn same_content(path: &Path, bytes: &[u8]) -> bool {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {
            fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}

/// Copies a file or folder tree, linking files instead of copying them where the file system
/// allows (keeping the previous PDF or website in a partial build costs no copy then). A file
/// already at `to` is replaced, never written into: it may be a link to the current output.
pub(crate) fn link_tree(from: &Path, to: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(from)?;
    if meta.is_dir() {
        fs::create_dir_all(to)?;
        let mut entries: Vec<_> = fs::read_dir(from)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(fs::DirEntry::file_name);
        for entry in entries {
            link_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else {
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)?;
        }
        if fs::symlink_metadata(to).is_ok() {
            fs::remove_file(to)?;
        }
        if meta.is_file() && fs::hard_link(from, to).is_ok() {
            return Ok(());
        }
        fs::copy(from, to).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file written into the staging folder, as typst writes the PDF there.
    fn put(staging: &Staging, rel: &str, bytes: &[u8]) {
        let path = staging.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    #[test]
    fn commit_replaces_output_and_drop_discards() {
        let root = tempfile::tempdir().unwrap();
        let output = root.path().join("output");
        fs::create_dir_all(&output).unwrap();
        fs::write(output.join("alt.txt"), "alt").unwrap();

        let failed = Staging::new(root.path()).unwrap();
        put(&failed, "neu.txt", b"neu");
        drop(failed);
        assert!(
            output.join("alt.txt").exists(),
            "a dropped build leaves output alone"
        );
        assert!(!root.path().join(WORK_DIR).exists());

        let staging = Staging::new(root.path()).unwrap();
        put(&staging, "html/index.html", b"x");
        staging.commit(&output).unwrap();
        assert!(output.join("html/index.html").exists());
        assert!(!output.join("alt.txt").exists());
        assert!(!root.path().join(WORK_DIR).exists());
    }

    #[test]
    fn unchanged_files_are_reused_and_changed_ones_written() {
        let root = tempfile::tempdir().unwrap();
        let output = root.path().join("output");
        fs::create_dir_all(output.join("html")).unwrap();
        fs::write(output.join("html/gleich.html"), "gleich").unwrap();
        fs::write(output.join("html/anders.html"), "alt").unwrap();

        let staging = Staging::new(root.path()).unwrap();
        for (name, text) in [("gleich", "gleich"), ("anders", "neu"), ("neu", "neu")] {
            let rel = format!("html/{name}.html");
            staging
                .write_reusing(&rel, text.as_bytes(), &output.join(&rel))
                .unwrap();
        }
        link_tree(&output.join("html"), &staging.path().join("kopie")).unwrap();
        staging.commit(&output).unwrap();
        assert_eq!(
            fs::read_to_string(output.join("html/gleich.html")).unwrap(),
            "gleich"
        );
        assert_eq!(
            fs::read_to_string(output.join("html/anders.html")).unwrap(),
            "neu"
        );
        assert_eq!(
            fs::read_to_string(output.join("html/neu.html")).unwrap(),
            "neu"
        );
        assert_eq!(
            fs::read_to_string(output.join("kopie/anders.html")).unwrap(),
            "alt"
        );
    }

    #[test]
    fn linking_over_a_linked_file_leaves_the_output_alone() {
        let root = tempfile::tempdir().unwrap();
        let output = root.path().join("output");
        fs::create_dir_all(output.join("html")).unwrap();
        fs::write(output.join("programm.pdf"), "altes PDF").unwrap();
        fs::hard_link(
            output.join("programm.pdf"),
            output.join("html/programm.pdf"),
        )
        .unwrap();

        // As in `amip build --pdf`: keep the website, then put the new PDF into it.
        let staging = Staging::new(root.path()).unwrap();
        link_tree(&output.join("html"), &staging.path().join("html")).unwrap();
        put(&staging, "programm.pdf", b"neues PDF");
        link_tree(
            &staging.path().join("programm.pdf"),
            &staging.path().join("html/programm.pdf"),
        )
        .unwrap();
        assert_eq!(
            fs::read_to_string(output.join("html/programm.pdf")).unwrap(),
            "altes PDF"
        );
        assert_eq!(
            fs::read_to_string(output.join("programm.pdf")).unwrap(),
            "altes PDF"
        );
        staging.commit(&output).unwrap();
        assert_eq!(
            fs::read_to_string(output.join("html/programm.pdf")).unwrap(),
            "neues PDF"
        );
    }
}
