//! Writing: one [`Writer`] per folder amip writes into (the project for `output/`,
//! `.amip-tmp/` and `--hier` edits; a new folder for `init` and `new-year`). Every folder on the
//! way to a file is opened without following links, so nothing is ever written or deleted
//! through a linked folder; a link amip owns (`output`, `.amip-tmp`) is replaced by a real
//! folder, never followed.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use cap_fs_ext::{DirExt as _, OpenOptionsFollowExt as _};
use cap_std::ambient_authority;
use cap_std::fs::{Dir, OpenOptions};

use super::{plain_components, DoorError};

/// Folders of a project a target of `init` or `new-year` must never lie in.
const PROJECT_FOLDERS: &[&str] = &["output", ".amip-tmp", "content", "data", "templates"];

/// A folder amip writes into.
#[derive(Debug)]
pub(crate) struct Writer {
    dir: Dir,
    root: PathBuf,
}

impl Writer {
    /// Opens the existing folder `root` (a project) for writing.
    pub(crate) fn open(root: &Path) -> Result<Self, DoorError> {
        let shown = root.display().to_string();
        let dir = Dir::open_ambient_dir(root, ambient_authority())
            .map_err(|err| DoorError::io(&shown, "geöffnet", &err))?;
        Ok(Self {
            dir,
            root: root.to_path_buf(),
        })
    }

    /// Creates the target folder of `init` or `new-year` and opens it. Refused when it exists
    /// and is not an empty real folder, when it lies inside an amip project (the one being
    /// copied or any other: inside `output/` the next build would delete it, inside `content/`
    /// a copy would copy itself), or when it is a link.
    pub(crate) fn create_target(target: &Path) -> Result<Self, DoorError> {
        let shown = target.display().to_string();
        let refuse = |reason: String| DoorError::Target {
            target: shown.clone(),
            reason,
        };
        let resolved = resolve_new(target)
            .ok_or_else(|| refuse("kann nicht angelegt werden: der Pfad ist ungültig.".into()))?;
        if let Some(project) = enclosing_project(&resolved) {
            let inside = resolved
                .strip_prefix(&project)
                .ok()
                .and_then(|rel| rel.components().next())
                .map(|first| first.as_os_str().to_string_lossy().into_owned())
                .filter(|first| PROJECT_FOLDERS.contains(&first.as_str()));
            return Err(refuse(match inside {
                Some(folder) => format!(
                    "liegt im Ordner {folder}/ des amip-Projekts {}; dort würde er überschrieben oder mitkopiert. Wählen Sie einen Ordner außerhalb des Projekts (z. B. ../amip-2021).",
                    project.display()
                ),
                None => format!(
                    "liegt im amip-Projekt {}; wählen Sie einen Ordner außerhalb des Projekts (z. B. ../amip-2021).",
                    project.display()
                ),
            }));
        }
        match std::fs::symlink_metadata(target) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(DoorError::LinkedFolder { file: shown });
            }
            Ok(meta) if !meta.is_dir() => {
                return Err(refuse(
                    "ist eine Datei; wählen Sie einen neuen Ordner.".to_string(),
                ))
            }
            Ok(_) => {
                let empty = std::fs::read_dir(target)
                    .map_err(|err| DoorError::io(&shown, "gelesen", &err))?
                    .next()
                    .is_none();
                if !empty {
                    return Err(refuse(
                        "ist nicht leer; wählen Sie einen neuen Ordner.".to_string(),
                    ));
                }
            }
            Err(_) => std::fs::create_dir_all(target)
                .map_err(|err| DoorError::io(&shown, "angelegt", &err))?,
        }
        Self::open(target)
    }

    /// The folder written into.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// The folder `parts` (created if need be), opened without following links.
    fn folder(&self, parts: &[&str]) -> Result<Dir, DoorError> {
        let mut dir = self
            .dir
            .try_clone()
            .map_err(|err| DoorError::io(&self.root.display().to_string(), "geöffnet", &err))?;
        for (index, part) in parts.iter().enumerate() {
            let shown = || parts.get(..=index).unwrap_or_default().join("/");
            match dir.create_dir(part) {
                Ok(()) => {}
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(err) => return Err(DoorError::io(&shown(), "angelegt", &err)),
            }
            dir = dir
                .open_dir_nofollow(part)
                .map_err(|err| match dir.symlink_metadata(part) {
                    Ok(meta) if meta.file_type().is_symlink() => {
                        DoorError::LinkedFolder { file: shown() }
                    }
                    _ => DoorError::io(&shown(), "geöffnet", &err),
                })?;
        }
        Ok(dir)
    }

    /// The folder holding `rel` and the file's own name.
    fn parent_of<'a>(&self, rel: &'a str) -> Result<(Dir, &'a str), DoorError> {
        let parts = components(rel)?;
        let (name, folders) = parts.split_last().ok_or_else(|| outside(rel))?;
        Ok((self.folder(folders)?, name))
    }

    /// Creates a folder with a new random name below `parent` (none of the folders on the way
    /// may be a link) and returns its path relative to this folder: for files another program
    /// writes by path (typst), so that nobody can have planted a link there beforehand.
    pub(crate) fn fresh_folder(&self, parent: &str) -> Result<String, DoorError> {
        use std::hash::{BuildHasher as _, Hasher as _};
        let dir = self.folder(&components(parent)?)?;
        for attempt in 0u32..16 {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u32(attempt);
            hasher.write_u32(std::process::id());
            let name = format!(".frisch-{:016x}", hasher.finish());
            match dir.create_dir(&name) {
                Ok(()) => return Ok(format!("{parent}/{name}")),
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(err) => return Err(DoorError::io(parent, "angelegt", &err)),
            }
        }
        Err(DoorError::Io {
            file: parent.to_string(),
            action: "angelegt",
            reason: "kein freier Name für einen Arbeitsordner".to_string(),
        })
    }

    /// Creates the folder `rel` and every folder on the way (none of them may be a link).
    pub(crate) fn create_folder(&self, rel: &str) -> Result<(), DoorError> {
        self.folder(&components(rel)?).map(drop)
    }

    /// Replaces `rel` atomically with `bytes`: a temporary file beside it, written and flushed
    /// to disk, then renamed over it. On any failure the previous file is intact. A link at
    /// `rel` is replaced, never written through.
    pub(crate) fn replace(&self, rel: &str, bytes: &[u8]) -> Result<(), DoorError> {
        self.write_via_temp(rel, bytes, true)
    }

    /// Like [`Writer::replace`] without waiting for the disk: for files readers may see while
    /// they change (the preview's site), where a crash costs a rebuild, not an author's work.
    pub(crate) fn replace_quickly(&self, rel: &str, bytes: &[u8]) -> Result<(), DoorError> {
        self.write_via_temp(rel, bytes, false)
    }

    fn write_via_temp(&self, rel: &str, bytes: &[u8], durable: bool) -> Result<(), DoorError> {
        let (dir, name) = self.parent_of(rel)?;
        let temp = format!(".{name}.amip-{}.tmp", std::process::id());
        let failed = |err: std::io::Error| {
            let _ = dir.remove_file(&temp);
            DoorError::io(rel, "geschrieben", &err)
        };
        let _ = dir.remove_file(&temp);
        let mut file = dir.open_with(&temp, &new_file()).map_err(failed)?;
        // The new file keeps the old one's permissions (a private file stays private).
        if let Ok(old) = dir.symlink_metadata(name) {
            if old.is_file() {
                file.set_permissions(old.permissions()).map_err(failed)?;
            }
        }
        file.write_all(bytes).map_err(failed)?;
        if durable {
            file.sync_all().map_err(failed)?;
        }
        drop(file);
        dir.rename(&temp, &dir, name).map_err(failed)
    }

    /// Writes `bytes` to `rel` directly (for files in a folder only amip uses, such as the
    /// staging folder): a link or file at `rel` is removed first, never written through.
    pub(crate) fn create(&self, rel: &str, bytes: &[u8]) -> Result<(), DoorError> {
        let (dir, name) = self.parent_of(rel)?;
        remove_in(&dir, name).map_err(|err| DoorError::io(rel, "entfernt", &err))?;
        let mut file = dir
            .open_with(name, &new_file())
            .map_err(|err| DoorError::io(rel, "geschrieben", &err))?;
        file.write_all(bytes)
            .map_err(|err| DoorError::io(rel, "geschrieben", &err))
    }

    /// Removes the file, link or folder tree `rel`; a link is removed itself, its target is
    /// never touched. A missing `rel` is fine.
    pub(crate) fn remove(&self, rel: &str) -> Result<(), DoorError> {
        let (dir, name) = self.parent_of(rel)?;
        remove_in(&dir, name).map_err(|err| DoorError::io(rel, "entfernt", &err))
    }

    /// Removes `rel` only when it is an empty real folder.
    pub(crate) fn remove_empty_folder(&self, rel: &str) {
        if let Ok((dir, name)) = self.parent_of(rel) {
            if dir.symlink_metadata(name).is_ok_and(|meta| meta.is_dir()) {
                let _ = dir.remove_dir(name);
            }
        }
    }

    /// Makes `rel` a real folder amip owns (`output`, `.amip-tmp`): a link there is removed
    /// (only the link, not what it points to), then the folder is created. A regular file
    /// there is refused by name: it may be someone's work.
    pub(crate) fn own_folder(&self, rel: &str) -> Result<(), DoorError> {
        let (dir, name) = self.parent_of(rel)?;
        match dir.symlink_metadata(name) {
            Ok(meta) if meta.file_type().is_symlink() => self.remove(rel)?,
            Ok(meta) if !meta.is_dir() => {
                return Err(DoorError::NotAFolder {
                    file: rel.to_string(),
                })
            }
            _ => {}
        }
        self.create_folder(rel)
    }

    /// Whether `rel` is a link or a file (not a folder, not missing).
    pub(crate) fn is_link_or_file(&self, rel: &str) -> bool {
        self.parent_of(rel)
            .is_ok_and(|(dir, name)| dir.symlink_metadata(name).is_ok_and(|meta| !meta.is_dir()))
    }

    /// Whether `rel` is a regular file itself (not a link).
    pub(crate) fn is_file(&self, rel: &str) -> bool {
        self.parent_of(rel)
            .is_ok_and(|(dir, name)| dir.symlink_metadata(name).is_ok_and(|meta| meta.is_file()))
    }

    /// Whether `rel` exists (a link counts, it is not followed).
    pub(crate) fn exists(&self, rel: &str) -> bool {
        self.parent_of(rel)
            .is_ok_and(|(dir, name)| dir.symlink_metadata(name).is_ok())
    }

    /// The names in the folder `rel`, sorted.
    pub(crate) fn names(&self, rel: &str) -> Vec<String> {
        let Ok(parts) = components(rel) else {
            return Vec::new();
        };
        let Ok(dir) = self.folder_if_there(&parts) else {
            return Vec::new();
        };
        let mut names: Vec<String> = dir
            .entries()
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|entry| entry.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    fn folder_if_there(&self, parts: &[&str]) -> Result<Dir, DoorError> {
        let mut dir = self
            .dir
            .try_clone()
            .map_err(|err| DoorError::io("", "geöffnet", &err))?;
        for part in parts {
            dir = dir
                .open_dir_nofollow(part)
                .map_err(|err| DoorError::io(part, "geöffnet", &err))?;
        }
        Ok(dir)
    }

    /// Renames `from` to `to` (both relative to this folder); a link at `to` is replaced.
    pub(crate) fn rename(&self, from: &str, to: &str) -> Result<(), DoorError> {
        let (from_dir, from_name) = self.parent_of(from)?;
        let (to_dir, to_name) = self.parent_of(to)?;
        from_dir
            .rename(from_name, &to_dir, to_name)
            .map_err(|err| DoorError::io(from, "umbenannt", &err))
    }

    /// Swaps `a` and `b` in one step where the file system can (Linux); `Ok(false)` where it
    /// cannot, so the caller falls back to two renames.
    pub(crate) fn exchange(&self, a: &str, b: &str) -> Result<bool, DoorError> {
        let (a_dir, a_name) = self.parent_of(a)?;
        let (b_dir, b_name) = self.parent_of(b)?;
        exchange(&a_dir, a_name, &b_dir, b_name).map_err(|err| DoorError::io(b, "ersetzt", &err))
    }

    /// Links the regular file `from` as `to` (a hard link: the same bytes, no copy); `false`
    /// when the file system cannot, or `from` is no regular file.
    pub(crate) fn hard_link(&self, from: &str, to: &str) -> bool {
        let (Ok((from_dir, from_name)), Ok((to_dir, to_name))) =
            (self.parent_of(from), self.parent_of(to))
        else {
            return false;
        };
        let regular = from_dir
            .symlink_metadata(from_name)
            .is_ok_and(|meta| meta.is_file());
        regular
            && remove_in(&to_dir, to_name).is_ok()
            && from_dir.hard_link(from_name, &to_dir, to_name).is_ok()
    }

    /// Opens (creating) the lock file `rel` for reading and writing, never through a link.
    pub(crate) fn lock_file(&self, rel: &str) -> Result<std::fs::File, DoorError> {
        let (dir, name) = self.parent_of(rel)?;
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true);
        options.follow(cap_fs_ext::FollowSymlinks::No);
        dir.open_with(name, &options)
            .map(cap_std::fs::File::into_std)
            .map_err(|err| DoorError::io(rel, "geöffnet", &err))
    }
}

/// Options for a new file that must not exist (no link is followed).
fn new_file() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    options.follow(cap_fs_ext::FollowSymlinks::No);
    options
}

fn components(rel: &str) -> Result<Vec<&str>, DoorError> {
    plain_components(rel).ok_or_else(|| outside(rel))
}

fn outside(rel: &str) -> DoorError {
    DoorError::Outside {
        file: rel.to_string(),
        via: String::new(),
    }
}

/// Removes `name` in `dir`: a folder tree (its links removed, not followed), a file or a link.
fn remove_in(dir: &Dir, name: &str) -> std::io::Result<()> {
    match dir.symlink_metadata(name) {
        Ok(meta) if meta.is_dir() => dir.remove_dir_all(name),
        Ok(_) => dir.remove_file(name),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(err),
    }
}

#[cfg(target_os = "linux")]
fn exchange(a_dir: &Dir, a: &str, b_dir: &Dir, b: &str) -> std::io::Result<bool> {
    use rustix::fs::{renameat_with, RenameFlags};
    match renameat_with(a_dir, a, b_dir, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS | rustix::io::Errno::OPNOTSUPP) => {
            Ok(false)
        }
        Err(err) => Err(err.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Dir, _: &str, _: &Dir, _: &str) -> std::io::Result<bool> {
    Ok(false)
}

/// `target` made absolute and free of links as far as it exists: the nearest existing
/// ancestor canonicalised, the missing rest appended (`..` in the rest is refused).
fn resolve_new(target: &Path) -> Option<PathBuf> {
    let absolute = if target.is_absolute() {
        target.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(target)
    };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = std::fs::canonicalize(existing) {
            let mut resolved = canonical;
            for part in rest.iter().rev() {
                resolved.push(part);
            }
            return Some(resolved);
        }
        let name = existing.file_name()?;
        if name == ".." {
            return None;
        }
        rest.push(name.to_os_string());
        existing = existing.parent()?;
    }
}

/// The amip project `path` lies in (a folder above it with `data/programm.yaml`), if any.
fn enclosing_project(path: &Path) -> Option<PathBuf> {
    path.ancestors()
        .find(|folder| folder.join("data").join("programm.yaml").is_file())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn writes_never_go_through_a_linked_folder() {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("projekt");
        let elsewhere = outer.path().join("woanders");
        fs::create_dir_all(&root).unwrap();
        fs::create_dir_all(&elsewhere).unwrap();
        fs::write(elsewhere.join("fremd.txt"), "bleibt").unwrap();
        std::os::unix::fs::symlink(&elsewhere, root.join("output")).unwrap();
        let writer = Writer::open(&root).unwrap();
        let err = writer.replace("output/diff/index.html", b"x").unwrap_err();
        assert_eq!(
            err,
            DoorError::LinkedFolder {
                file: "output".into()
            }
        );
        // amip owns output: the link goes, the folder it pointed to stays as it was.
        writer.own_folder("output").unwrap();
        writer.replace("output/diff/index.html", b"x").unwrap();
        assert_eq!(fs::read(root.join("output/diff/index.html")).unwrap(), b"x");
        assert_eq!(fs::read(elsewhere.join("fremd.txt")).unwrap(), b"bleibt");
        assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 1);
    }

    #[test]
    fn replace_is_atomic_and_replaces_links() {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path();
        fs::write(root.join("aussen.txt"), "bleibt").unwrap();
        fs::create_dir_all(root.join("p/data")).unwrap();
        std::os::unix::fs::symlink(root.join("aussen.txt"), root.join("p/data/a.yaml")).unwrap();
        let writer = Writer::open(&root.join("p")).unwrap();
        writer.replace("data/a.yaml", b"neu").unwrap();
        assert_eq!(fs::read(root.join("p/data/a.yaml")).unwrap(), b"neu");
        assert_eq!(fs::read(root.join("aussen.txt")).unwrap(), b"bleibt");
        assert_eq!(writer.names("data"), ["a.yaml"]);
        assert!(writer.replace("../x", b"x").is_err());
    }

    #[test]
    fn targets_inside_a_project_are_refused() {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("projekt");
        fs::create_dir_all(root.join("data")).unwrap();
        fs::create_dir_all(root.join("content")).unwrap();
        fs::write(root.join("data/programm.yaml"), "jahr: 2020\n").unwrap();
        for (target, folder) in [
            ("output/entwurf-2021", Some("output/")),
            ("content/entwurf-2021", Some("content/")),
            ("entwurf", None),
        ] {
            let err = Writer::create_target(&root.join(target)).unwrap_err();
            let text = err.to_string();
            match folder {
                Some(folder) => assert!(text.contains(folder), "{text}"),
                None => assert!(text.contains("liegt im amip-Projekt"), "{text}"),
            }
        }
        assert!(!root.join("output").exists());
        let next = Writer::create_target(&outer.path().join("naechstes")).unwrap();
        next.replace("data/programm.yaml", b"jahr: 2021\n").unwrap();
        // Not empty any more.
        assert!(Writer::create_target(&outer.path().join("naechstes")).is_err());
    }
}
