//! The build's staging folder: a build goes into `.amip-tmp/build-PID/`, and `output/` is
//! replaced only when everything succeeded, in one atomic step. A failed build leaves the
//! previous output untouched; a lock keeps two builds of one project apart; what killed builds
//! leave in `.amip-tmp/` is removed by the next one. Everything here goes through the
//! [`Writer`] and [`Reader`] of the door, so a linked `output` or `.amip-tmp` is replaced,
//! never written through.

use std::path::{Path, PathBuf};

use super::read::{Entry, Kind, Reader};
use super::write::Writer;
use super::{limit, DoorError};

/// Hidden working folder inside the project, on the same file system as `output/`.
pub(crate) const WORK_DIR: &str = ".amip-tmp";
/// The folder a build replaces.
const OUTPUT: &str = "output";

/// A folder that becomes `output/` on [`Staging::commit`] and is removed otherwise.
#[derive(Debug)]
pub(crate) struct Staging {
    writer: Writer,
    reader: Reader,
    /// `.amip-tmp/build-PID`, relative to the base folder.
    rel: String,
    committed: bool,
    /// Holds the base folder of a check (outside the project) until the staging is gone.
    _scratch: Option<tempfile::TempDir>,
}

impl Staging {
    /// An empty staging folder below `base/.amip-tmp/`.
    pub(crate) fn new(base: &Path) -> Result<Self, DoorError> {
        Self::in_base(base, None)
    }

    /// A staging folder in a new temporary folder outside the project (`amip check`): it
    /// neither reads nor replaces the project's output, and is removed with the staging.
    pub(crate) fn scratch() -> Result<Self, DoorError> {
        let dir = temp_folder("amip-check-")?;
        let base = dir.path().to_path_buf();
        Self::in_base(&base, Some(dir))
    }

    fn in_base(base: &Path, scratch: Option<tempfile::TempDir>) -> Result<Self, DoorError> {
        let writer = Writer::open(base)?;
        writer.own_folder(WORK_DIR)?;
        let rel = format!("{WORK_DIR}/build-{}", std::process::id());
        writer.remove(&rel)?;
        writer.create_folder(&rel)?;
        Ok(Self {
            reader: Reader::open(base)?,
            writer,
            rel,
            committed: false,
            _scratch: scratch,
        })
    }

    /// The folder the staging folder lies in (the project, or a check's temporary folder).
    pub(crate) fn base(&self) -> &Path {
        self.writer.root()
    }

    /// The staging folder (typst runs in it).
    pub(crate) fn path(&self) -> PathBuf {
        self.writer.root().join(&self.rel)
    }

    /// The output folder this staging replaces.
    pub(crate) fn output(&self) -> PathBuf {
        self.writer.root().join(OUTPUT)
    }

    /// What the staging folder holds at `rel`.
    pub(crate) fn kind(&self, rel: &str) -> Kind {
        self.reader.kind(&format!("{}/{rel}", self.rel))
    }

    /// Writes `rel` below the staging folder; when the current output holds exactly these
    /// bytes at `rel`, that file is linked instead of written again. Rebuilds then change only
    /// what changed: no new inode, no data written, and removing the previous output afterwards
    /// frees nothing.
    pub(crate) fn write_reusing(&self, rel: &str, bytes: &[u8]) -> Result<(), DoorError> {
        let previous = format!("{OUTPUT}/{rel}");
        let target = format!("{}/{rel}", self.rel);
        if self.reader.same_bytes(&previous, bytes) {
            if let Some((folder, _)) = target.rsplit_once('/') {
                self.writer.create_folder(folder)?;
            }
            if self.writer.hard_link(&previous, &target) {
                return Ok(());
            }
        }
        self.writer.create(&target, bytes)
    }

    /// A new folder with an unpredictable name inside the staging folder, for a file another
    /// program (typst) writes by path: nobody can have planted a link there beforehand.
    pub(crate) fn fresh_folder(&self) -> Result<String, DoorError> {
        self.writer.fresh_folder(&self.rel)
    }

    /// Moves the file `from` (below a [`Staging::fresh_folder`], relative to [`Staging::base`])
    /// to `rel` in the staging folder
    /// when it is a regular file, not a link, and removes the fresh folder.
    pub(crate) fn adopt(&self, from: &str, rel: &str) -> Result<(), DoorError> {
        let target = format!("{}/{rel}", self.rel);
        let result = if self.reader.is_link(from) || self.reader.kind(from) != Kind::File {
            Err(DoorError::NotRegular {
                file: rel.to_string(),
                kind: "eine Verknüpfung oder fehlt",
            })
        } else {
            self.writer.rename(from, &target)
        };
        if let Some((folder, _)) = from.rsplit_once('/') {
            let _ = self.writer.remove(folder);
        }
        result
    }

    /// Takes over `rel` (a folder or file of the current output) unchanged, for an output this
    /// build does not write.
    pub(crate) fn keep_previous(&self, rel: &str) -> Result<(), DoorError> {
        self.copy_tree(&format!("{OUTPUT}/{rel}"), &format!("{}/{rel}", self.rel))
    }

    /// Puts the staged file `from` also at `to` (the PDF into the website).
    pub(crate) fn duplicate(&self, from: &str, to: &str) -> Result<(), DoorError> {
        self.copy_tree(
            &format!("{}/{from}", self.rel),
            &format!("{}/{to}", self.rel),
        )
    }

    /// Links (or copies) the file or folder `from` to `to`; links inside are not followed.
    fn copy_tree(&self, from: &str, to: &str) -> Result<(), DoorError> {
        match self.reader.kind(from) {
            Kind::File => self.copy_file(from, to),
            Kind::Folder if !self.reader.is_link(from) => {
                self.writer.create_folder(to)?;
                for entry in self.reader.walk(from, usize::MAX) {
                    match entry {
                        Entry::File(rel) => {
                            self.copy_file(&rel, &format!("{to}{}", suffix(&rel, from)))?;
                        }
                        Entry::Folder(rel) => {
                            self.writer
                                .create_folder(&format!("{to}{}", suffix(&rel, from)))?;
                        }
                        Entry::Refused(..) => {}
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn copy_file(&self, from: &str, to: &str) -> Result<(), DoorError> {
        if let Some((folder, _)) = to.rsplit_once('/') {
            self.writer.create_folder(folder)?;
        }
        if self.writer.hard_link(from, to) {
            return Ok(());
        }
        let bytes = self.reader.read(from, limit::OUTPUT_MB)?;
        self.writer.create(to, &bytes)
    }

    /// Replaces `output` with the staging folder in one step: where the file system can swap
    /// two names atomically (Linux), `output` is at every moment either the old or the new
    /// output, also when the process is killed; elsewhere the old output is renamed aside
    /// first and put back if the second rename fails (a leftover is put back by the next
    /// build, see [`clean_leftovers`]). `output` may be a folder or a link (the link itself
    /// is replaced); a regular file there is refused, it may be someone's work.
    ///
    /// `Err` means `output` is as it was. `Ok(Some(note))` means the new output is in place
    /// but the old one could not be removed from `.amip-tmp/` (the note says where).
    pub(crate) fn commit(mut self) -> Result<Option<String>, DoorError> {
        if self.writer.is_file(OUTPUT) {
            // Someone's file, not an earlier output: never deleted.
            return Err(DoorError::NotAFolder {
                file: OUTPUT.to_string(),
            });
        }
        if !self.writer.exists(OUTPUT) {
            self.writer.rename(&self.rel, OUTPUT)?;
            self.committed = true;
            self.writer.remove_empty_folder(WORK_DIR);
            return Ok(None);
        }
        let old = if self.writer.exchange(&self.rel, OUTPUT)? {
            // The staging folder's name now holds the old output.
            self.rel.clone()
        } else {
            let old = format!("{WORK_DIR}/previous-{}", std::process::id());
            self.writer.remove(&old)?;
            self.writer.rename(OUTPUT, &old)?;
            if let Err(err) = self.writer.rename(&self.rel, OUTPUT) {
                // Put the previous output back; report the original error.
                let _ = self.writer.rename(&old, OUTPUT);
                return Err(err);
            }
            old
        };
        self.committed = true;
        let note = self.writer.remove(&old).err().map(|err| {
            format!(
                "Die neue Ausgabe steht in output/. Die bisherige Ausgabe konnte nicht entfernt werden und liegt noch in {old}: {}. Der nächste Build versucht es erneut.",
                err.to_string().trim_end_matches('.')
            )
        });
        if note.is_none() {
            self.writer.remove_empty_folder(WORK_DIR);
        }
        Ok(note)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = self.writer.remove(&self.rel);
            self.writer.remove_empty_folder(WORK_DIR);
        }
    }
}

/// A temporary folder, removed when dropped.
pub(crate) type TempFolder = tempfile::TempDir;

/// A new temporary folder outside the project (a check's output, a git revision's copy),
/// removed when the handle is dropped.
pub(crate) fn temp_folder(prefix: &str) -> Result<TempFolder, DoorError> {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .map_err(|err| DoorError::io("Der temporäre Ordner", "angelegt", &err))
}

/// `rel` below `base`, with its leading `/` (`rel` starts with `base`).
fn suffix<'a>(rel: &'a str, base: &str) -> &'a str {
    rel.get(base.len()..).unwrap_or_default()
}

/// A work folder of the preview, `.amip-tmp/serve-PID`, removed when dropped (also on early
/// returns), and `.amip-tmp` with it when empty.
#[derive(Debug)]
pub(crate) struct WorkFolder {
    writer: Writer,
    rel: String,
}

impl WorkFolder {
    /// Creates `.amip-tmp/NAME-PID` in the project at `root`.
    pub(crate) fn new(root: &Path, name: &str) -> Result<Self, DoorError> {
        let writer = Writer::open(root)?;
        writer.own_folder(WORK_DIR)?;
        let rel = format!("{WORK_DIR}/{name}-{}", std::process::id());
        writer.remove(&rel)?;
        writer.create_folder(&rel)?;
        Ok(Self { writer, rel })
    }

    /// The folder.
    pub(crate) fn path(&self) -> PathBuf {
        self.writer.root().join(&self.rel)
    }
}

impl Drop for WorkFolder {
    fn drop(&mut self) {
        let _ = self.writer.remove(&self.rel);
        self.writer.remove_empty_folder(WORK_DIR);
    }
}

const LOCK_FILE: &str = ".amip-tmp/lock";

/// An exclusive lock on the project's output (`.amip-tmp/lock`), held while it lives.
#[derive(Debug)]
pub(crate) struct ProjectLock {
    file: std::fs::File,
    writer: Writer,
}

impl ProjectLock {
    /// Takes the lock, waiting for another amip process that holds it (after telling
    /// `waiting` once who that is).
    pub(crate) fn acquire(root: &Path, waiting: impl FnOnce(&str)) -> Result<Self, DoorError> {
        let writer = Writer::open(root)?;
        let mut waiting = Some(waiting);
        let failed = |err: std::io::Error| DoorError::io(LOCK_FILE, "gesperrt", &err);
        loop {
            writer.own_folder(WORK_DIR)?;
            // A link, pipe or socket at the lock's place is no lock any process holds: amip's
            // own name, replaced (a link itself, never its target).
            if writer.is_link_or_file(LOCK_FILE) && !writer.is_file(LOCK_FILE) {
                writer.remove(LOCK_FILE)?;
            }
            let file = writer.lock_file(LOCK_FILE)?;
            refuse_hard_link(&file)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    if let Some(waiting) = waiting.take() {
                        let holder = lock_holder(root);
                        let who = if holder.is_empty() {
                            "Ein anderer amip-Prozess".to_string()
                        } else {
                            format!("Ein anderer amip-Prozess (PID {holder})")
                        };
                        waiting(&format!(
                            "{who} schreibt gerade output/ in diesem Projekt; amip wartet, bis er fertig ist …"
                        ));
                    }
                    file.lock().map_err(failed)?;
                }
                Err(std::fs::TryLockError::Error(err)) => return Err(failed(err)),
            }
            // The holder before us may have removed the file it locked: lock the one that is
            // there now.
            if same_file(&file, &root.join(LOCK_FILE)) {
                use std::io::Write as _;
                file.set_len(0).map_err(failed)?;
                (&file)
                    .write_all(std::process::id().to_string().as_bytes())
                    .map_err(failed)?;
                return Ok(Self { file, writer });
            }
        }
    }
}

/// The PID in the lock file; waits briefly for a holder that has not written it yet.
fn lock_holder(root: &Path) -> String {
    let Ok(reader) = Reader::open(root) else {
        return String::new();
    };
    for _ in 0..20 {
        let holder = reader
            .read(LOCK_FILE, 1)
            .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_string())
            .unwrap_or_default();
        if !holder.is_empty() {
            return holder;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    String::new()
}

impl Drop for ProjectLock {
    fn drop(&mut self) {
        // Removed before unlocking, so that a waiting process finds a new file to lock.
        #[cfg(unix)]
        let _ = self.writer.remove(LOCK_FILE);
        let _ = self.file.unlock();
        self.writer.remove_empty_folder(WORK_DIR);
    }
}

/// The lock file is written in place: a hard link to a file elsewhere would be overwritten.
#[cfg(unix)]
fn refuse_hard_link(file: &std::fs::File) -> Result<(), DoorError> {
    use std::os::unix::fs::MetadataExt;
    match file.metadata() {
        Ok(meta) if meta.nlink() > 1 => Err(DoorError::Io {
            file: LOCK_FILE.to_string(),
            action: "gesperrt",
            reason: "sie ist ein harter Link auf eine andere Datei, die amip nicht überschreibt; entfernen Sie .amip-tmp/lock".to_string(),
        }),
        _ => Ok(()),
    }
}

#[cfg(not(unix))]
fn refuse_hard_link(_: &std::fs::File) -> Result<(), DoorError> {
    Ok(())
}

#[cfg(unix)]
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::File, path: &Path) -> bool {
    path.exists()
}

/// Removes what killed builds left in `.amip-tmp/` (folders named after a process that no
/// longer runs); an old output renamed aside is put back when `output/` is missing. Returns
/// notes for what could not be removed.
pub(crate) fn clean_leftovers(root: &Path) -> Vec<String> {
    let Ok(writer) = Writer::open(root) else {
        return Vec::new();
    };
    if writer.is_link_or_file(WORK_DIR) {
        return Vec::new();
    }
    let mut notes = Vec::new();
    for name in writer.names(WORK_DIR) {
        let Some(pid) = name
            .rsplit_once('-')
            .and_then(|(_, pid)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() || process_alive(pid) {
            continue;
        }
        let rel = format!("{WORK_DIR}/{name}");
        if name.starts_with("previous-")
            && !writer.exists(OUTPUT)
            && writer.rename(&rel, OUTPUT).is_ok()
        {
            continue;
        }
        if let Err(err) = writer.remove(&rel) {
            notes.push(format!(
                "Der Rest eines abgebrochenen Builds in {rel} kann nicht entfernt werden: {err}"
            ));
        }
    }
    notes
}

/// Whether a process with this PID runs (unknown counts as running).
#[cfg(unix)]
pub(crate) fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: kill with signal 0 only checks whether the process exists.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Whether a process with this PID runs (unknown counts as running).
#[cfg(not(unix))]
pub(crate) fn process_alive(_: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn put(staging: &Staging, rel: &str, bytes: &[u8]) {
        staging.write_reusing(rel, bytes).unwrap();
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
        staging.commit().unwrap();
        assert!(output.join("html/index.html").exists());
        assert!(!output.join("alt.txt").exists());
        assert!(!root.path().join(WORK_DIR).exists());
    }

    #[test]
    fn unchanged_files_are_reused_and_changed_ones_written() {
        use std::os::unix::fs::MetadataExt;
        let root = tempfile::tempdir().unwrap();
        let first = Staging::new(root.path()).unwrap();
        put(&first, "html/a.html", b"gleich");
        put(&first, "html/b.html", b"alt");
        first.commit().unwrap();
        let ino = |rel: &str| {
            fs::metadata(root.path().join("output").join(rel))
                .unwrap()
                .ino()
        };
        let (a, b) = (ino("html/a.html"), ino("html/b.html"));
        let second = Staging::new(root.path()).unwrap();
        put(&second, "html/a.html", b"gleich");
        put(&second, "html/b.html", b"neu");
        second.commit().unwrap();
        assert_eq!(ino("html/a.html"), a, "unchanged: the same file");
        assert_ne!(ino("html/b.html"), b);
        assert_eq!(
            fs::read(root.path().join("output/html/b.html")).unwrap(),
            b"neu"
        );
    }

    #[test]
    fn what_another_program_wrote_is_adopted_only_as_a_regular_file() {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("projekt");
        fs::create_dir_all(&root).unwrap();
        fs::write(outer.path().join("fremd.pdf"), "bleibt").unwrap();
        let staging = Staging::new(&root).unwrap();
        let first = staging.fresh_folder().unwrap();
        let second = staging.fresh_folder().unwrap();
        assert_ne!(first, second, "fresh names are new each time");
        fs::write(root.join(&first).join("programm.pdf"), "%PDF").unwrap();
        staging
            .adopt(&format!("{first}/programm.pdf"), "a.pdf")
            .unwrap();
        assert_eq!(fs::read(staging.path().join("a.pdf")).unwrap(), b"%PDF");
        assert!(!root.join(&first).exists(), "the fresh folder is gone");
        symlink(
            outer.path().join("fremd.pdf"),
            root.join(&second).join("programm.pdf"),
        );
        assert!(staging
            .adopt(&format!("{second}/programm.pdf"), "b.pdf")
            .is_err());
        assert!(!staging.path().join("b.pdf").exists());
        assert_eq!(fs::read(outer.path().join("fremd.pdf")).unwrap(), b"bleibt");
    }

    fn symlink(target: PathBuf, link: PathBuf) {
        std::os::unix::fs::symlink(target, link).unwrap();
    }

    #[test]
    fn linked_output_and_work_folders_are_replaced_not_followed() {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("projekt");
        let elsewhere = outer.path().join("woanders");
        fs::create_dir_all(elsewhere.join("build-99999")).unwrap();
        fs::write(elsewhere.join("fremd.txt"), "bleibt").unwrap();
        fs::create_dir_all(&root).unwrap();
        std::os::unix::fs::symlink(&elsewhere, root.join(WORK_DIR)).unwrap();
        std::os::unix::fs::symlink(&elsewhere, root.join("output")).unwrap();
        assert!(clean_leftovers(&root).is_empty());
        let staging = Staging::new(&root).unwrap();
        put(&staging, "html/index.html", b"x");
        staging.keep_previous("pdf").unwrap();
        staging.commit().unwrap();
        assert!(!fs::symlink_metadata(root.join("output"))
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(root.join("output/html/index.html")).unwrap(), b"x");
        assert!(elsewhere.join("build-99999").is_dir());
        assert_eq!(fs::read(elsewhere.join("fremd.txt")).unwrap(), b"bleibt");
        assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 2);
    }
}
