//! Mapping a request path to a file inside the site folder, and nothing outside it.
//!
//! The raw path is percent-decoded once, split into segments and checked segment by segment:
//! `..` is refused, hidden names (`.git`, amip's own temporary files) are not found. The
//! joined path is then canonicalised (which resolves symlinks) and must still lie below the
//! canonical site folder; a symlink that leads outside is refused.

use std::path::{Component, Path, PathBuf};

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

/// Resolves the request path `raw` (as sent, percent-encoded, without the query) against the
/// canonical site folder `root`. Returns the canonical path of an existing regular file.
pub fn resolve(root: &Path, raw: &str) -> Result<PathBuf, Refusal> {
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
    let mut candidate = root.to_path_buf();
    candidate.extend(&segments);
    let canonical = inside(root, &candidate)?;
    if canonical.is_dir() {
        if !segments.is_empty() && !decoded.ends_with('/') {
            let mut location = String::new();
            for segment in &segments {
                location.push('/');
                location.extend(utf8_percent_encode(segment, SEGMENT));
            }
            location.push('/');
            return Err(Refusal::Redirect(location));
        }
        let index = inside(root, &canonical.join("index.html"))?;
        return if index.is_file() {
            Ok(index)
        } else {
            Err(Refusal::NotFound)
        };
    }
    if canonical.is_file() {
        Ok(canonical)
    } else {
        Err(Refusal::NotFound)
    }
}

/// Canonicalises `path` (following symlinks) and checks that it is still below `root`.
fn inside(root: &Path, path: &Path) -> Result<PathBuf, Refusal> {
    let canonical = path.canonicalize().map_err(|_| Refusal::NotFound)?;
    if canonical.starts_with(root) {
        Ok(canonical)
    } else {
        Err(Refusal::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("output/html");
        fs::create_dir_all(root.join("abbildungen")).unwrap();
        fs::write(root.join("index.html"), "start").unwrap();
        fs::write(root.join("abbildungen/elb.svg"), "<svg/>").unwrap();
        fs::write(root.join("ä ö.html"), "umlaut").unwrap();
        fs::write(root.join(".versteckt.tmp"), "temp").unwrap();
        fs::write(dir.path().join("geheim.txt"), "secret").unwrap();
        let root = root.canonicalize().unwrap();
        (dir, root)
    }

    #[test]
    fn files_and_the_start_page_resolve() {
        let (_dir, root) = site();
        assert_eq!(resolve(&root, "/").unwrap(), root.join("index.html"));
        assert_eq!(
            resolve(&root, "/index.html").unwrap(),
            root.join("index.html")
        );
        assert_eq!(
            resolve(&root, "/abbildungen/elb.svg").unwrap(),
            root.join("abbildungen/elb.svg")
        );
        assert_eq!(
            resolve(&root, "/%C3%A4%20%C3%B6.html").unwrap(),
            root.join("ä ö.html")
        );
        assert_eq!(
            resolve(&root, "//abbildungen//elb.svg").unwrap(),
            root.join("abbildungen/elb.svg")
        );
    }

    #[test]
    fn traversal_is_refused() {
        let (_dir, root) = site();
        for path in [
            "/../geheim.txt",
            "/abbildungen/../../geheim.txt",
            "/%2e%2e/geheim.txt",
            "/%2E%2E/%2e%2e/etc/passwd",
            "/abbildungen/%2e%2e%2f%2e%2e%2fgeheim.txt",
            "/..%5cgeheim.txt",
            "/index.html%00.svg",
        ] {
            assert_eq!(resolve(&root, path), Err(Refusal::Forbidden), "{path}");
        }
        for path in [
            "//etc/passwd",
            "/etc/passwd",
            "/%252e%252e/geheim.txt",
            "/.versteckt.tmp",
            "/fehlt.html",
            "/%ff.html",
        ] {
            assert_eq!(resolve(&root, path), Err(Refusal::NotFound), "{path}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_leading_outside_are_refused() {
        let (dir, root) = site();
        std::os::unix::fs::symlink(dir.path().join("geheim.txt"), root.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("aussen")).unwrap();
        std::os::unix::fs::symlink(root.join("index.html"), root.join("innen.html")).unwrap();
        assert_eq!(resolve(&root, "/link.txt"), Err(Refusal::Forbidden));
        assert_eq!(
            resolve(&root, "/aussen/geheim.txt"),
            Err(Refusal::Forbidden)
        );
        assert_eq!(resolve(&root, "/aussen/"), Err(Refusal::Forbidden));
        assert_eq!(
            resolve(&root, "/innen.html").unwrap(),
            root.join("index.html")
        );
    }

    #[test]
    fn folders_redirect_to_the_trailing_slash() {
        let (_dir, root) = site();
        assert_eq!(
            resolve(&root, "/abbildungen"),
            Err(Refusal::Redirect("/abbildungen/".to_string()))
        );
        assert_eq!(resolve(&root, "/abbildungen/"), Err(Refusal::NotFound));
    }
}
