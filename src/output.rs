//! Writing safely: a build goes into a staging folder, and `output/` is replaced only when
//! everything succeeded. A failed build leaves the previous output untouched.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Hidden working folder inside the project, on the same file system as `output/`.
pub const WORK_DIR: &str = ".amip-tmp";

/// A folder that becomes `output/` on [`Staging::commit`] and is removed otherwise.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    committed: bool,
}

impl Staging {
    /// Creates an empty staging folder below `root/.amip-tmp/`.
    pub fn new(root: &Path) -> io::Result<Self> {
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
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes a file below the staging folder, creating parent folders.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(path, bytes)
    }

    /// Like [`Staging::write`], but when `previous` (the same file in the current output) holds
    /// exactly these bytes, it is linked instead of written again. Rebuilds then change only
    /// what changed: no new inode, no data written, and removing the previous output afterwards
    /// frees nothing. Falls back to writing where links are not possible.
    pub fn write_reusing(&self, rel: &str, bytes: &[u8], previous: &Path) -> io::Result<()> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        if same_content(previous, bytes) && fs::hard_link(previous, &path).is_ok() {
            return Ok(());
        }
        fs::write(path, bytes)
    }

    /// Replaces `output` with the staging folder. If the swap fails halfway, the previous
    /// output is put back.
    pub fn commit(mut self, output: &Path) -> io::Result<()> {
        let old = self
            .dir
            .with_file_name(format!("previous-{}", std::process::id()));
        if old.exists() {
            fs::remove_dir_all(&old)?;
        }
        let had_output = output.exists();
        if had_output {
            fs::rename(output, &old)?;
        }
        if let Err(err) = fs::rename(&self.dir, output) {
            if had_output {
                // Put the previous output back; report the original error.
                let _ = fs::rename(&old, output);
            }
            return Err(err);
        }
        self.committed = true;
        if had_output {
            fs::remove_dir_all(&old)?;
        }
        if let Some(work) = self.dir.parent() {
            // Only removes the work folder when nothing else is in it.
            let _ = fs::remove_dir(work);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
            if let Some(work) = self.dir.parent() {
                let _ = fs::remove_dir(work);
            }
        }
    }
}

/// Copies a file or folder tree (used to keep the previous PDF in an HTML-only build).
pub fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    if from.is_dir() {
        fs::create_dir_all(to)?;
        let mut entries: Vec<_> = fs::read_dir(from)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(fs::DirEntry::file_name);
        for entry in entries {
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else {
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::copy(from, to).map(|_| ())
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

/// Like [`copy_tree`], but links files instead of copying them where the file system allows
/// (keeping the previous PDF or website in a partial build costs no copy then). A file already
/// at `to` is replaced, never written into: it may be a link to the current output.
pub fn link_tree(from: &Path, to: &Path) -> io::Result<()> {
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

    #[test]
    fn commit_replaces_output_and_drop_discards() {
        let root = tempfile::tempdir().unwrap();
        let output = root.path().join("output");
        fs::create_dir_all(&output).unwrap();
        fs::write(output.join("alt.txt"), "alt").unwrap();

        let failed = Staging::new(root.path()).unwrap();
        failed.write("neu.txt", b"neu").unwrap();
        drop(failed);
        assert!(
            output.join("alt.txt").exists(),
            "a dropped build leaves output alone"
        );
        assert!(!root.path().join(WORK_DIR).exists());

        let staging = Staging::new(root.path()).unwrap();
        staging.write("html/index.html", b"x").unwrap();
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
        staging.write("programm.pdf", b"neues PDF").unwrap();
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
