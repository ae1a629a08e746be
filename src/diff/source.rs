//! The two sides of `amip diff`: a project folder, or a git revision of the repository the
//! project lives in.
//!
//! A revision is read with git itself (`git ls-tree`, `git cat-file --batch`) into a temporary
//! folder; the working tree, the index and the repository stay untouched. Only `content/`,
//! `data/` and `templates/` of the project are taken from the revision.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use crate::door::read::{Kind, Reader};
use crate::door::staging::temp_folder;
use crate::door::write::Writer;
use crate::door::{limit, DoorError};
use std::process::{Command, Stdio};

use crate::load::PROGRAMME_FILE;

/// The folders a revision contributes.
const FOLDERS: [&str; 3] = ["content", "data", "templates"];

/// Why a side cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// Neither a folder nor a revision.
    #[error("„{0}“ ist weder ein Ordner noch eine git-Revision dieses Repositorys.")]
    Unknown(String),
    /// git is missing or failed.
    #[error("{0}")]
    Git(String),
    /// The revision has no amip project at the place of the project folder.
    #[error("Die Revision „{revision}“ enthält kein amip-Projekt: {PROGRAMME_FILE} fehlt{place}.")]
    NoProject {
        /// The revision as given.
        revision: String,
        /// " im Ordner „sub/“" or empty.
        place: String,
    },
    /// Writing the temporary copy failed.
    #[error("Die Revision kann nicht in einen temporären Ordner geschrieben werden: {0}")]
    Io(#[from] std::io::Error),
    /// The door refused a file of the revision or could not write it.
    #[error("Die Revision kann nicht in einen temporären Ordner geschrieben werden: {0}")]
    Door(#[from] DoorError),
}

/// A side ready to load.
#[derive(Debug)]
pub struct Side {
    /// The project folder (a temporary one for a revision).
    pub root: PathBuf,
    /// How the side is named in the report.
    pub label: String,
    /// Whether the side is a folder of the file system (not a revision).
    pub is_folder: bool,
    _temp: Option<crate::door::staging::TempFolder>,
}

impl Side {
    /// A project folder as it is on disk.
    pub fn folder(root: &Path, label: impl Into<String>) -> Self {
        Self {
            root: root.to_path_buf(),
            label: label.into(),
            is_folder: true,
            _temp: None,
        }
    }
}

/// Resolves `arg`: an existing folder is a project folder; otherwise it must be a git revision
/// of the repository that holds `project` (read at `project`'s place within the repository).
pub fn resolve(arg: &str, project: &Path) -> Result<Side, SourceError> {
    let path = Path::new(arg);
    if crate::door::read::Reader::open(path).is_ok() {
        return Ok(Side::folder(path, arg));
    }
    if arg.is_empty() || arg.starts_with('-') {
        return Err(SourceError::Unknown(arg.to_string()));
    }
    let Some(commit) = git_text(
        project,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{arg}^{{commit}}"),
        ],
    )
    .ok()
    .filter(|c| !c.is_empty()) else {
        // Tell apart "no git" and "not a repository" from "no such revision".
        git_text(project, &["rev-parse", "--git-dir"]).map_err(|err| match err {
            SourceError::Git(message) => SourceError::Git(format!(
                "„{arg}“ ist kein Ordner, und als git-Revision kann es nicht gelesen werden: {message}"
            )),
            other => other,
        })?;
        return Err(SourceError::Unknown(arg.to_string()));
    };
    let toplevel = PathBuf::from(git_text(project, &["rev-parse", "--show-toplevel"])?);
    let prefix = git_text(project, &["rev-parse", "--show-prefix"])?;
    let short: String = commit.chars().take(7).collect();
    let temp = temp_folder("amip-diff-")?;
    let count = materialise(&toplevel, &commit, &prefix, temp.path())?;
    let has_programme =
        Reader::open(temp.path()).is_ok_and(|copy| copy.kind(PROGRAMME_FILE) == Kind::File);
    if count == 0 || !has_programme {
        return Err(SourceError::NoProject {
            revision: arg.to_string(),
            place: if prefix.is_empty() {
                String::new()
            } else {
                format!(" im Ordner „{prefix}“")
            },
        });
    }
    Ok(Side {
        root: temp.path().to_path_buf(),
        label: if short == arg || commit == arg {
            short
        } else {
            format!("{arg} ({short})")
        },
        is_folder: false,
        _temp: Some(temp),
    })
}

fn git(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE");
    command
}

fn git_error(err: &std::io::Error) -> SourceError {
    if err.kind() == std::io::ErrorKind::NotFound {
        SourceError::Git(
            "git wurde nicht gefunden. Installieren Sie git, um mit Revisionen zu vergleichen."
                .to_string(),
        )
    } else {
        SourceError::Git(format!("git kann nicht gestartet werden: {err}"))
    }
}

/// Runs git in `dir` and returns its trimmed standard output.
fn git_text(dir: &Path, args: &[&str]) -> Result<String, SourceError> {
    let output = git(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|err| git_error(&err))?;
    if !output.status.success() {
        let message = String::from_utf8_lossy(&output.stderr).trim().to_string();
        return Err(SourceError::Git(format!(
            "git {} ist fehlgeschlagen: {message}",
            args.first().copied().unwrap_or_default()
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// Writes the blobs below `commit:prefix` in `content/`, `data/`, `templates/` into `target`;
/// returns how many files were written.
fn materialise(
    toplevel: &Path,
    commit: &str,
    prefix: &str,
    target: &Path,
) -> Result<usize, SourceError> {
    let files = listed_blobs(toplevel, commit, prefix)?;
    if files.is_empty() {
        return Ok(0);
    }
    write_blobs(toplevel, &files, target)
}

/// The files below `commit:prefix` in `content/`, `data/`, `templates/` as (object, path);
/// none when the project folder did not exist in that revision.
fn listed_blobs(
    toplevel: &Path,
    commit: &str,
    prefix: &str,
) -> Result<Vec<(String, String)>, SourceError> {
    let tree = format!("{commit}:{prefix}");
    let output = git(toplevel)
        .args(["ls-tree", "-r", "-z", "--full-tree", &tree, "--"])
        .args(FOLDERS)
        .stdin(Stdio::null())
        .output()
        .map_err(|err| git_error(&err))?;
    if !output.status.success() {
        // The project folder did not exist in that revision.
        return Ok(Vec::new());
    }
    // Entries: "<mode> <type> <object>\t<path>\0"; symlinks and submodules are skipped.
    let mut files: Vec<(String, String)> = Vec::new();
    for entry in output.stdout.split(|b| *b == 0) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, rel)) = entry.split_once('\t') else {
            continue;
        };
        let mut parts = meta.split(' ');
        let (Some(mode), Some(kind), Some(object)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        // The door's own rule: a path it would refuse is not copied out of the revision.
        let safe = crate::door::plain_components(rel).is_some_and(|parts| parts.join("/") == rel);
        if kind == "blob"
            && mode != "120000"
            && safe
            && FOLDERS.iter().any(|f| rel.starts_with(&format!("{f}/")))
        {
            files.push((object.to_string(), rel.to_string()));
        }
    }
    Ok(files)
}

/// Writes the blobs `files` (object, path) below `target`, read with one `git cat-file`;
/// returns how many files were written.
fn write_blobs(
    toplevel: &Path,
    files: &[(String, String)],
    target: &Path,
) -> Result<usize, SourceError> {
    let mut child = git(toplevel)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|err| git_error(&err))?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| SourceError::Git("git cat-file: keine Eingabe".to_string()))?;
    let request: String = files
        .iter()
        .map(|(object, _)| format!("{object}\n"))
        .collect();
    // Written from a thread: git answers while it reads, and both pipes have limited room.
    let writer = std::thread::spawn(move || {
        let result = stdin.write_all(request.as_bytes());
        drop(stdin);
        result
    });
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| SourceError::Git("git cat-file: keine Ausgabe".to_string()))?;
    let mut reader = BufReader::new(stdout);
    let copy = Writer::open(target)?;
    let mut written = 0;
    for (object, rel) in files {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        let mut fields = header.split_whitespace();
        let size = match (fields.next(), fields.next(), fields.next()) {
            (Some(_), Some("blob"), Some(size)) => size.parse::<usize>().ok(),
            _ => None,
        };
        let Some(size) = size else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(SourceError::Git(format!(
                "git cat-file: {rel} ({object}) kann nicht gelesen werden: {}",
                header.trim()
            )));
        };
        // The limit of the file's kind, before anything is allocated or written.
        let limit_mb = limit::for_file(rel);
        if size as u64 > limit_mb.saturating_mul(crate::door::MB) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(SourceError::Door(DoorError::TooLarge {
                file: rel.clone(),
                size_mb: (size as u64).div_ceil(crate::door::MB),
                limit_mb,
            }));
        }
        let mut bytes = vec![0; size];
        reader.read_exact(&mut bytes)?;
        let mut newline = [0u8; 1];
        reader.read_exact(&mut newline)?;
        copy.create(rel, &bytes)?;
        written += 1;
    }
    let _ = writer.join();
    let status = child.wait()?;
    if !status.success() {
        return Err(SourceError::Git(
            "git cat-file ist fehlgeschlagen.".to_string(),
        ));
    }
    Ok(written)
}
