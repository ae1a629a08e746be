//! Reading: one [`Reader`] per folder amip reads from (the project, a git revision's copy, the
//! site folder the preview serves). Paths are resolved through a cap-std handle on that folder,
//! so nothing outside it can be opened, whatever links or `..` a path holds; the opened handle
//! must be a regular file and is read only up to the limit for its kind.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use cap_fs_ext::{OpenOptionsFollowExt as _, OpenOptionsSyncExt as _};
use cap_std::ambient_authority;
use cap_std::fs::{Dir, FileType, OpenOptions};

use super::{plain_components, DoorError, MB};

/// A folder amip reads from.
#[derive(Debug)]
pub(crate) struct Reader {
    dir: Dir,
    /// The folder, canonical: only used to explain a refusal.
    root: PathBuf,
}

/// What a walk found.
#[derive(Debug)]
pub(crate) enum Entry {
    /// A regular file (or a link to one inside the folder).
    File(String),
    /// A real folder (walked into while within the depth).
    Folder(String),
    /// Something amip does not read: a FIFO, device or socket, a link that leads outside, a
    /// link to a folder (never followed), a link into nothing.
    Refused(String, DoorError),
}

/// What a path names, following links only inside the folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Nothing (or a link that leads outside or into nothing).
    Missing,
    /// A regular file.
    File,
    /// A folder.
    Folder,
    /// A FIFO, device or socket.
    Other,
}

impl Reader {
    /// Opens the folder `root` for reading.
    pub(crate) fn open(root: &Path) -> Result<Self, DoorError> {
        let shown = root.display().to_string();
        let dir = Dir::open_ambient_dir(root, ambient_authority())
            .map_err(|err| DoorError::io(&shown, "gelesen", &err))?;
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        Ok(Self { dir, root })
    }

    /// A reader for the folder `rel` inside this one, every folder on the way opened without
    /// following links (the preview's site: a link put at `output/html` serves nothing).
    pub(crate) fn folder(&self, rel: &str) -> Result<Self, DoorError> {
        use cap_fs_ext::DirExt as _;
        let mut dir = self
            .dir
            .try_clone()
            .map_err(|err| DoorError::io(rel, "geöffnet", &err))?;
        for part in plain_components(rel).ok_or_else(|| DoorError::Outside {
            file: rel.to_string(),
            via: String::new(),
        })? {
            dir = dir
                .open_dir_nofollow(part)
                .map_err(|err| match dir.symlink_metadata(part) {
                    Ok(meta) if meta.file_type().is_symlink() => DoorError::LinkedFolder {
                        file: rel.to_string(),
                    },
                    _ => DoorError::io(rel, "geöffnet", &err),
                })?;
        }
        Ok(Self {
            dir,
            root: self.root.join(rel),
        })
    }

    /// The folder read from.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// The bytes of the regular file `rel`, at most `limit_mb` megabytes.
    pub(crate) fn read(&self, rel: &str, limit_mb: u64) -> Result<Vec<u8>, DoorError> {
        let path = relative(rel)?;
        let file = match self.open_file(&path) {
            Ok(file) => file,
            Err(err) => match self.inside_target(rel) {
                // An absolute link whose target lies inside: open the target itself.
                Some(target) if target != path => self
                    .open_file(&target)
                    .map_err(|err| self.diagnose(rel, &err))?,
                _ => return Err(self.diagnose(rel, &err)),
            },
        };
        let meta = file
            .metadata()
            .map_err(|err| DoorError::io(rel, "gelesen", &err))?;
        if !meta.is_file() {
            return Err(DoorError::NotRegular {
                file: rel.to_string(),
                kind: kind_name(meta.file_type()),
            });
        }
        let limit = limit_mb.saturating_mul(MB);
        let too_large = |size: u64| DoorError::TooLarge {
            file: rel.to_string(),
            size_mb: size.div_ceil(MB),
            limit_mb,
        };
        if meta.len() > limit {
            return Err(too_large(meta.len()));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        file.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|err| DoorError::io(rel, "gelesen", &err))?;
        if bytes.len() as u64 > limit {
            return Err(too_large(bytes.len() as u64));
        }
        Ok(bytes)
    }

    /// The regular file `rel` as UTF-8 text; `Ok(Err(bytes))` when it is not UTF-8.
    pub(crate) fn read_text(
        &self,
        rel: &str,
        limit_mb: u64,
    ) -> Result<Result<String, Vec<u8>>, DoorError> {
        Ok(String::from_utf8(self.read(rel, limit_mb)?).map_err(|err| err.into_bytes()))
    }

    /// Whether the regular file `rel` holds exactly `bytes` (compared by size first).
    pub(crate) fn same_bytes(&self, rel: &str, bytes: &[u8]) -> bool {
        let Ok(path) = relative(rel) else {
            return false;
        };
        let same_size = self
            .dir
            .symlink_metadata(&path)
            .is_ok_and(|meta| meta.is_file() && meta.len() == bytes.len() as u64);
        same_size
            && self
                .read(rel, (bytes.len() as u64).div_ceil(MB).max(1))
                .is_ok_and(|old| old == bytes)
    }

    /// What `rel` names; links are followed only inside the folder.
    pub(crate) fn kind(&self, rel: &str) -> Kind {
        let Ok(path) = relative(rel) else {
            return Kind::Missing;
        };
        let meta = self
            .dir
            .metadata(&path)
            .or_else(|err| match self.inside_target(rel) {
                Some(target) => self.dir.metadata(target),
                None => Err(err),
            });
        match meta {
            Ok(meta) if meta.is_file() => Kind::File,
            Ok(meta) if meta.is_dir() => Kind::Folder,
            Ok(_) => Kind::Other,
            Err(_) => Kind::Missing,
        }
    }

    /// Everything below the folder `rel` up to `max_depth` levels, sorted by name, hidden names
    /// (starting with `.`) left out. Folder links are reported, never followed.
    pub(crate) fn walk(&self, rel: &str, max_depth: usize) -> Vec<Entry> {
        let mut found = Vec::new();
        if self.kind(rel) == Kind::Folder && !self.is_link(rel) {
            self.walk_into(rel, 1, max_depth, &mut found);
        }
        found
    }

    fn walk_into(&self, rel: &str, depth: usize, max_depth: usize, found: &mut Vec<Entry>) {
        let Ok(path) = relative(rel) else {
            return;
        };
        let Ok(entries) = self.dir.read_dir(&path) else {
            return;
        };
        let mut names: Vec<(String, Option<FileType>)> = entries
            .filter_map(Result::ok)
            .map(|entry| {
                let name = entry.file_name().to_string_lossy().into_owned();
                (name, entry.file_type().ok())
            })
            .filter(|(name, _)| !name.starts_with('.'))
            .collect();
        names.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, kind) in names {
            let child = format!("{rel}/{name}");
            match kind {
                Some(kind) if kind.is_file() => found.push(Entry::File(child)),
                Some(kind) if kind.is_dir() => {
                    found.push(Entry::Folder(child.clone()));
                    if depth < max_depth {
                        self.walk_into(&child, depth + 1, max_depth, found);
                    }
                }
                Some(kind) if kind.is_symlink() => found.push(self.link_entry(child)),
                Some(kind) => found.push(Entry::Refused(
                    child.clone(),
                    DoorError::NotRegular {
                        file: child,
                        kind: kind_name(kind),
                    },
                )),
                None => {}
            }
        }
    }

    /// A link found by a walk: a file inside is read like a file; anything else is refused.
    fn link_entry(&self, rel: String) -> Entry {
        match self.kind(&rel) {
            Kind::File => Entry::File(rel),
            Kind::Folder => {
                let err = DoorError::LinkedFolder { file: rel.clone() };
                Entry::Refused(rel, err)
            }
            Kind::Other => {
                let err = DoorError::NotRegular {
                    file: rel.clone(),
                    kind: "eine Verknüpfung auf eine Pipe, ein Gerät oder einen Socket",
                };
                Entry::Refused(rel, err)
            }
            Kind::Missing => {
                let err = self.diagnose(&rel, &std::io::ErrorKind::NotFound.into());
                Entry::Refused(rel, err)
            }
        }
    }

    /// Whether `rel` itself is a link.
    pub(crate) fn is_link(&self, rel: &str) -> bool {
        relative(rel)
            .and_then(|path| {
                self.dir
                    .symlink_metadata(path)
                    .map_err(|err| DoorError::io(rel, "gelesen", &err))
            })
            .is_ok_and(|meta| meta.file_type().is_symlink())
    }

    fn open_file(&self, path: &Path) -> std::io::Result<cap_std::fs::File> {
        let mut options = OpenOptions::new();
        options.read(true);
        // A FIFO would block the open until someone writes; with O_NONBLOCK it opens at once
        // and is refused by its type.
        options.nonblock(true);
        options.follow(cap_fs_ext::FollowSymlinks::Yes);
        self.dir.open_with(path, &options)
    }

    /// The target of `rel` relative to the folder, when resolving it (outside the capability
    /// handle, for absolute links) ends inside the folder.
    fn inside_target(&self, rel: &str) -> Option<PathBuf> {
        let canonical = std::fs::canonicalize(self.root.join(rel)).ok()?;
        canonical
            .strip_prefix(&self.root)
            .ok()
            .map(Path::to_path_buf)
            .filter(|path| !path.as_os_str().is_empty())
    }

    /// Why `rel` could not be opened, without reading anything.
    fn diagnose(&self, rel: &str, err: &std::io::Error) -> DoorError {
        let joined = self.root.join(rel);
        let is_link =
            std::fs::symlink_metadata(&joined).is_ok_and(|meta| meta.file_type().is_symlink());
        match std::fs::canonicalize(&joined) {
            Ok(target) if !target.starts_with(&self.root) => DoorError::Outside {
                file: rel.to_string(),
                via: if is_link {
                    ", über eine Verknüpfung".to_string()
                } else {
                    String::new()
                },
            },
            Err(_) if is_link => DoorError::Missing {
                file: format!("{rel} (eine Verknüpfung ins Leere)"),
            },
            _ if is_socket_error(err) => DoorError::NotRegular {
                file: rel.to_string(),
                kind: "ein Socket",
            },
            _ => DoorError::io(rel, "gelesen", err),
        }
    }
}

/// What opening a socket reports (ENXIO).
fn is_socket_error(err: &std::io::Error) -> bool {
    #[cfg(unix)]
    return err.raw_os_error() == Some(libc::ENXIO);
    #[cfg(not(unix))]
    return false;
}

/// `rel` as a path of plain components, or the refusal.
fn relative(rel: &str) -> Result<PathBuf, DoorError> {
    plain_components(rel)
        .map(|parts| parts.iter().collect())
        .ok_or_else(|| DoorError::Outside {
            file: rel.to_string(),
            via: String::new(),
        })
}

fn kind_name(kind: FileType) -> &'static str {
    use cap_fs_ext::FileTypeExt as _;
    if kind.is_dir() {
        "ein Ordner"
    } else if kind.is_fifo() {
        "eine Pipe (FIFO)"
    } else if kind.is_char_device() || kind.is_block_device() {
        "ein Gerät"
    } else if kind.is_socket() {
        "ein Socket"
    } else {
        "keine gewöhnliche Datei"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn project() -> (tempfile::TempDir, PathBuf) {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("projekt");
        fs::create_dir_all(root.join("data/quellen")).unwrap();
        fs::write(root.join("data/a.yaml"), "a: 1\n").unwrap();
        fs::write(outer.path().join("secret.csv"), "Passwort;4711\n").unwrap();
        (outer, root)
    }

    #[test]
    fn reads_files_inside_and_refuses_paths_that_leave() {
        let (outer, root) = project();
        let reader = Reader::open(&root).unwrap();
        assert_eq!(reader.read("data/a.yaml", 1).unwrap(), b"a: 1\n");
        for bad in ["../secret.csv", "data/../../secret.csv", "/etc/passwd"] {
            let err = reader.read(bad, 1).unwrap_err();
            assert!(matches!(err, DoorError::Outside { .. }), "{bad}: {err:?}");
            assert!(!err.to_string().contains("4711"));
        }
        let outside = outer.path().join("secret.csv");
        std::os::unix::fs::symlink(&outside, root.join("data/quellen/link.csv")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", root.join("data/quellen/zero.csv")).unwrap();
        std::os::unix::fs::symlink("../../../secret.csv", root.join("data/quellen/rel.csv"))
            .unwrap();
        for link in ["link.csv", "zero.csv", "rel.csv"] {
            let err = reader.read(&format!("data/quellen/{link}"), 1).unwrap_err();
            assert!(
                matches!(err, DoorError::Outside { ref via, .. } if via.contains("Verknüpfung")),
                "{link}: {err:?}"
            );
        }
    }

    #[test]
    fn links_inside_are_followed_absolute_ones_too() {
        let (_outer, root) = project();
        std::os::unix::fs::symlink("../a.yaml", root.join("data/quellen/rel.yaml")).unwrap();
        std::os::unix::fs::symlink(root.join("data/a.yaml"), root.join("data/abs.yaml")).unwrap();
        let reader = Reader::open(&root).unwrap();
        assert_eq!(reader.read("data/quellen/rel.yaml", 1).unwrap(), b"a: 1\n");
        assert_eq!(reader.read("data/abs.yaml", 1).unwrap(), b"a: 1\n");
    }

    #[test]
    fn fifos_are_refused_without_blocking_and_limits_hold() {
        let (_outer, root) = project();
        let fifo = root.join("data/quellen/pipe.csv");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        let reader = Reader::open(&root).unwrap();
        if made.is_ok_and(|status| status.success()) {
            let err = reader.read("data/quellen/pipe.csv", 1).unwrap_err();
            assert!(matches!(err, DoorError::NotRegular { .. }), "{err:?}");
        }
        fs::write(root.join("data/gross.yaml"), vec![b'a'; 1024 * 1024 + 1]).unwrap();
        assert!(matches!(
            reader.read("data/gross.yaml", 1),
            Err(DoorError::TooLarge {
                limit_mb: 1,
                size_mb: 2,
                ..
            })
        ));
        assert!(reader.read("data/fehlt.yaml", 1).unwrap_err().is_missing());
        assert!(matches!(
            reader.read("data", 1),
            Err(DoorError::NotRegular { .. })
        ));
    }

    #[test]
    fn a_subfolder_is_opened_without_following_links() {
        let (outer, root) = project();
        fs::create_dir_all(root.join("output/html")).unwrap();
        fs::write(root.join("output/html/index.html"), "start").unwrap();
        let reader = Reader::open(&root).unwrap();
        let site = reader.folder("output/html").unwrap();
        assert_eq!(site.read("index.html", 1).unwrap(), b"start");
        fs::rename(root.join("output/html"), root.join("output/alt")).unwrap();
        std::os::unix::fs::symlink(outer.path(), root.join("output/html")).unwrap();
        assert!(matches!(
            reader.folder("output/html"),
            Err(DoorError::LinkedFolder { .. })
        ));
        // A reader opened before keeps its folder; nothing outside is reachable through it.
        assert!(site.read("../secret.csv", 1).is_err());
    }

    #[test]
    fn walks_sorted_without_following_folder_links() {
        let (outer, root) = project();
        fs::create_dir_all(root.join("data/sub")).unwrap();
        fs::write(root.join("data/sub/b.yaml"), "b: 2\n").unwrap();
        fs::write(root.join("data/.versteckt.yaml"), "x").unwrap();
        std::os::unix::fs::symlink(outer.path(), root.join("data/aussen")).unwrap();
        let reader = Reader::open(&root).unwrap();
        let found: Vec<String> = reader
            .walk("data", usize::MAX)
            .into_iter()
            .map(|entry| match entry {
                Entry::File(rel) => format!("f {rel}"),
                Entry::Folder(rel) => format!("d {rel}"),
                Entry::Refused(rel, _) => format!("x {rel}"),
            })
            .collect();
        assert_eq!(
            found,
            [
                "f data/a.yaml",
                "x data/aussen",
                "d data/quellen",
                "d data/sub",
                "f data/sub/b.yaml"
            ]
        );
    }
}
