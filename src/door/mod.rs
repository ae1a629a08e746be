//! The one door to the file system: every file amip reads goes through [`read`], everything it
//! writes, renames or deletes through [`write`] (and the build's staging folder, [`staging`]).
//! No other module opens a file.
//!
//! The guarantees hold by construction, not by checks in each caller:
//! - a reader is rooted at one folder (the project, a git revision's copy, the site folder) and
//!   opens paths relative to it through a capability handle (cap-std): `..`, absolute paths and
//!   links that lead outside cannot be resolved at all; what it opened is checked on the handle
//!   (a regular file, not a FIFO, device or socket) and read only up to a size limit;
//! - a writer never writes or deletes through a linked folder: every folder on the way is opened
//!   without following links; authors' files are replaced atomically (temporary file, flush,
//!   rename); targets of `init` and `new-year` never lie inside a project.

pub(crate) mod machine;
pub(crate) mod read;
pub(crate) mod staging;
pub(crate) mod write;

use std::io;

/// Why the door refused or failed; the texts are German and name the file, never its contents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DoorError {
    /// The path leaves the folder (by `..`, an absolute path or a link).
    #[error("{file} liegt außerhalb des Projektordners{via}; amip liest und schreibt nur Dateien im Projekt.")]
    Outside {
        /// The path as the author wrote it.
        file: String,
        /// ", über die Verknüpfung …" when a link leads out.
        via: String,
    },
    /// A FIFO, device, socket or folder where a file is expected.
    #[error("{file} ist keine gewöhnliche Datei, sondern {kind}; amip liest sie nicht.")]
    NotRegular {
        /// The path.
        file: String,
        /// What it is, in German.
        kind: &'static str,
    },
    /// Over the size limit for its kind.
    #[error("{file} ist {size_mb} MB groß; amip liest Dateien dieser Art nur bis {limit_mb} MB.")]
    TooLarge {
        /// The path.
        file: String,
        /// The size in MB (rounded up; at least what was read).
        size_mb: u64,
        /// The limit in MB.
        limit_mb: u64,
    },
    /// Not there.
    #[error("{file} fehlt.")]
    Missing {
        /// The path.
        file: String,
    },
    /// A folder on the way of a write is a link.
    #[error("{file} ist eine Verknüpfung auf einen anderen Ordner; amip schreibt und löscht nie durch eine Verknüpfung. Entfernen Sie die Verknüpfung (oder ersetzen Sie sie durch einen echten Ordner).")]
    LinkedFolder {
        /// The path of the link.
        file: String,
    },
    /// A file where amip needs a folder of its own (`.amip-tmp`, `output/html`).
    #[error("{file} ist eine Datei; amip braucht an dieser Stelle einen eigenen Ordner. Benennen Sie die Datei um, oder entfernen Sie sie.")]
    NotAFolder {
        /// The path.
        file: String,
    },
    /// A target folder amip must not write into.
    #[error("{target} {reason}")]
    Target {
        /// The target as given.
        target: String,
        /// Why, in German.
        reason: String,
    },
    /// The operating system refused.
    #[error("{file} kann nicht {action} werden: {reason}")]
    Io {
        /// The path.
        file: String,
        /// „gelesen“, „geschrieben“, „angelegt“, „entfernt“, „umbenannt“.
        action: &'static str,
        /// The OS message in German.
        reason: String,
    },
}

impl DoorError {
    pub(crate) fn io(file: &str, action: &'static str, err: &io::Error) -> Self {
        if err.kind() == io::ErrorKind::NotFound {
            return Self::Missing {
                file: file.to_string(),
            };
        }
        Self::Io {
            file: file.to_string(),
            action,
            reason: crate::diagnostic::os_message(err),
        }
    }

    /// Whether the file simply is not there (callers that treat a missing file as optional).
    pub fn is_missing(&self) -> bool {
        matches!(self, Self::Missing { .. })
    }

    /// The error as an `io::Error`, for callers whose own error types wrap those.
    pub fn into_io(self) -> io::Error {
        let kind = match &self {
            Self::Missing { .. } => io::ErrorKind::NotFound,
            Self::Outside { .. }
            | Self::LinkedFolder { .. }
            | Self::Target { .. }
            | Self::NotAFolder { .. } => io::ErrorKind::PermissionDenied,
            _ => io::ErrorKind::Other,
        };
        io::Error::new(kind, self.to_string())
    }
}

/// Megabytes, for limits.
pub(crate) const MB: u64 = 1024 * 1024;

/// Size limits by kind of file, applied before reading.
pub(crate) mod limit {
    /// YAML data, chapters, templates, the sources declaration.
    pub(crate) const TEXT_MB: u64 = 20;
    /// Images and the logo.
    pub(crate) const IMAGE_MB: u64 = 50;
    /// Statistics files (spreadsheets, CSV).
    pub(crate) const SOURCE_MB: u64 = 30;
    /// Files of the built site (served by the preview, reused by builds) and the PDF.
    pub(crate) const OUTPUT_MB: u64 = 1024;

    /// The limit for a project file by its name: images, statistics files, else text.
    pub(crate) fn for_file(rel: &str) -> u64 {
        let extension = rel
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase())
            .unwrap_or_default();
        if crate::files::IMAGE_EXTENSIONS.contains(&extension.as_str()) {
            IMAGE_MB
        } else if ["csv", "txt", "xlsx", "xlsm", "xlsb", "xls", "ods"].contains(&extension.as_str())
        {
            SOURCE_MB
        } else {
            TEXT_MB
        }
    }
}

/// A relative path split into its plain components; `None` for `..`, absolute paths, drive
/// prefixes and empty paths, which no reader or writer accepts.
pub(crate) fn plain_components(rel: &str) -> Option<Vec<&str>> {
    let all: Vec<&str> = rel.split(['/', '\\']).collect();
    // `data//etc/passwd` is an absolute path glued to a folder: refused, not read as
    // `data/etc/passwd`. A trailing `/` is fine.
    let glued = all.iter().rev().skip(1).any(|part| part.is_empty());
    let parts: Vec<&str> = all
        .into_iter()
        .filter(|part| !part.is_empty() && *part != ".")
        .collect();
    let drive = parts
        .first()
        .is_some_and(|first| first.len() == 2 && first.ends_with(':'));
    let plain = !glued
        && !drive
        && !parts.is_empty()
        && parts
            .iter()
            .all(|part| *part != ".." && !part.contains('\0'));
    plain.then_some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_pass() {
        assert_eq!(
            plain_components("data/quellen/x.csv"),
            Some(vec!["data", "quellen", "x.csv"])
        );
        assert_eq!(plain_components("./data/x/"), Some(vec!["data", "x"]));
        assert_eq!(
            plain_components("data/a:b.yaml"),
            Some(vec!["data", "a:b.yaml"])
        );
        for bad in [
            "../../../secret/secret.csv",
            "data/../../x",
            "/etc/passwd",
            "C:/x",
            "data//tmp/secret.csv",
            "data/..\\..\\x",
            "",
            ".",
            "a\0b",
        ] {
            assert_eq!(plain_components(bad), None, "{bad}");
        }
    }
}
