//! Mapping a request path to a file inside the site folder, and nothing outside it.
//!
//! The raw path is percent-decoded once, split into segments and checked segment by segment:
//! `..` is refused, hidden names (`.git`, amip's own temporary files) are not found. The
//! file is then read through the door's [`Reader`] on the site folder, which cannot open
//! anything outside it: a symlink that leads outside is refused.

use std::path::{Component, Path};

use crate::door::read::{Kind, Reader};
use crate::door::{limit, DoorError};

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};

/// Why a request path does not name a servable file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The path tries to leave the site folder (403).
    Forbidden,
    /// No such file, or a hidden one (404).
    NotFound,
    /// A folder requested without the trailing slash: redirect here so that relative links
    /// on its index page work.
    Redirect(String),
}

/// Characters escaped when a decoded segment is put back into a redirect location.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'\\');

/// Resolves the request path `raw` (as sent, percent-encoded, without the query) in the site
/// folder and reads the file: its path relative to the site folder and its bytes.
pub(crate) fn resolve(site: &Reader, raw: &str) -> Result<(String, Vec<u8>), Refusal> {
    let decoded = percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| Refusal::NotFound)?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return Err(Refusal::Forbidden);
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Err(Refusal::Forbidden),
            hidden if hidden.starts_with('.') => return Err(Refusal::NotFound),
            name => {
                // One plain name only: no drive letters or other prefixes.
                let mut components = Path::new(name).components();
                match (components.next(), components.next()) {
                    (Some(Component::Normal(_)), None) => segments.push(name),
                    _ => return Err(Refusal::Forbidden),
                }
            }
        }
    }
    let rel = segments.join("/");
    let kind = if segments.is_empty() {
        Kind::Folder
    } else {
        site.kind(&rel)
    };
    if kind != Kind::Folder {
        return read(site, rel);
    }
    if !segments.is_empty() && !decoded.ends_with('/') {
        let mut location = String::new();
        for segment in &segments {
            location.push('/');
            location.extend(utf8_percent_encode(segment, SEGMENT));
        }
        location.push('/');
        return Err(Refusal::Redirect(location));
    }
    let index = if rel.is_empty() {
        "index.html".to_string()
    } else {
        format!("{rel}/index.html")
    };
    read(site, index)
}

/// Reads `rel` from the site folder; a path that leads outside is forbidden.
fn read(site: &Reader, rel: String) -> Result<(String, Vec<u8>), Refusal> {
    match site.read(&rel, limit::OUTPUT_MB) {
        Ok(bytes) => Ok((rel, bytes)),
        Err(DoorError::Outside { .. }) => Err(Refusal::Forbidden),
        Err(_) => Err(Refusal::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn site() -> (tempfile::TempDir, std::path::PathBuf, Reader) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("output/html");
        fs::create_dir_all(root.join("abbildungen")).unwrap();
        fs::write(root.join("index.html"), "start").unwrap();
        fs::write(root.join("abbildungen/elb.svg"), "<svg/>").unwrap();
        fs::write(root.join("ä ö.html"), "umlaut").unwrap();
        fs::write(root.join(".versteckt.tmp"), "temp").unwrap();
        fs::write(dir.path().join("geheim.txt"), "secret").unwrap();
        let root = root.canonicalize().unwrap();
        let reader = Reader::open(&root).unwrap();
        (dir, root, reader)
    }

    fn found(site: &Reader, raw: &str) -> (String, String) {
        let (rel, bytes) = resolve(site, raw).unwrap();
        (rel, String::from_utf8(bytes).unwrap())
    }

    #[test]
    fn files_and_the_start_page_resolve() {
        let (_dir, _root, site) = site();
        let start = ("index.html".to_string(), "start".to_string());
        assert_eq!(found(&site, "/"), start);
        assert_eq!(found(&site, "/index.html"), start);
        let svg = ("abbildungen/elb.svg".to_string(), "<svg/>".to_string());
        assert_eq!(found(&site, "/abbildungen/elb.svg"), svg);
        assert_eq!(found(&site, "//abbildungen//elb.svg"), svg);
        assert_eq!(found(&site, "/%C3%A4%20%C3%B6.html").1, "umlaut");
    }

    #[test]
    fn traversal_is_refused() {
        let (_dir, _root, site) = site();
        for path in [
            "/../geheim.txt",
            "/abbildungen/../../geheim.txt",
            "/%2e%2e/geheim.txt",
            "/%2E%2E/%2e%2e/etc/passwd",
            "/abbildungen/%2e%2e%2f%2e%2e%2fgeheim.txt",
            "/..%5cgeheim.txt",
            "/index.html%00.svg",
        ] {
            assert_eq!(resolve(&site, path), Err(Refusal::Forbidden), "{path}");
        }
        for path in [
            "//etc/passwd",
            "/etc/passwd",
            "/%252e%252e/geheim.txt",
            "/.versteckt.tmp",
            "/fehlt.html",
            "/%ff.html",
        ] {
            assert_eq!(resolve(&site, path), Err(Refusal::NotFound), "{path}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_leading_outside_are_refused() {
        let (dir, root, site) = site();
        std::os::unix::fs::symlink(dir.path().join("geheim.txt"), root.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("aussen")).unwrap();
        std::os::unix::fs::symlink(root.join("index.html"), root.join("innen.html")).unwrap();
        assert_eq!(resolve(&site, "/link.txt"), Err(Refusal::Forbidden));
        assert_eq!(
            resolve(&site, "/aussen/geheim.txt"),
            Err(Refusal::Forbidden)
        );
        assert_eq!(resolve(&site, "/aussen/"), Err(Refusal::Forbidden));
        assert_eq!(found(&site, "/innen.html").1, "start");
    }

    #[test]
    fn folders_redirect_to_the_trailing_slash() {
        let (_dir, _root, site) = site();
        assert_eq!(
            resolve(&site, "/abbildungen"),
            Err(Refusal::Redirect("/abbildungen/".to_string()))
        );
        assert_eq!(resolve(&site, "/abbildungen/"), Err(Refusal::NotFound));
    }
}
