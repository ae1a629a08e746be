//! File and folder names shared by every stage; a leaf module without dependencies.

/// Image file endings amip copies from `content/` into both outputs.
pub(crate) const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "svg", "webp"];

/// The built-in templates, by name relative to `templates/`.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "html/basis.html",
        include_str!("../templates/html/basis.html"),
    ),
    (
        "html/index.html",
        include_str!("../templates/html/index.html"),
    ),
    (
        "html/kapitel.html",
        include_str!("../templates/html/kapitel.html"),
    ),
    (
        "html/gesamt.html",
        include_str!("../templates/html/gesamt.html"),
    ),
    (
        "html/style.css",
        include_str!("../templates/html/style.css"),
    ),
    (
        "typst/main.typ",
        include_str!("../templates/typst/main.typ"),
    ),
];

/// Why an image file cannot be set in the PDF (typst would stop with an English message
/// that names no file): `None` when it looks complete. Checks the format's signature and end
/// marker, and that an SVG is well-formed XML with an `svg` root.
pub(crate) fn image_problem(rel: &str, bytes: &[u8]) -> Option<&'static str> {
    let extension = rel
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let tail = bytes
        .get(bytes.len().saturating_sub(64)..)
        .unwrap_or_default();
    let ends_with = |marker: &[u8]| tail.windows(marker.len()).any(|w| w == marker);
    match extension.as_str() {
        "png" if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") => Some("keine PNG-Datei"),
        "png" if !ends_with(b"IEND") => Some("die PNG-Datei ist unvollständig"),
        "jpg" | "jpeg" if !bytes.starts_with(b"\xff\xd8\xff") => Some("keine JPEG-Datei"),
        "jpg" | "jpeg" if !ends_with(b"\xff\xd9") => Some("die JPEG-Datei ist unvollständig"),
        "gif" if !(bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a")) => {
            Some("keine GIF-Datei")
        }
        "gif" if bytes.last() != Some(&0x3b) => Some("die GIF-Datei ist unvollständig"),
        "webp" if !(bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP".as_slice())) => {
            Some("keine WebP-Datei")
        }
        "webp"
            if bytes
                .get(4..8)
                .and_then(|size| size.try_into().ok())
                .map(u32::from_le_bytes)
                .and_then(|size| usize::try_from(size).ok())
                != Some(bytes.len().saturating_sub(8)) =>
        {
            Some("die WebP-Datei ist unvollständig")
        }
        "svg" => match std::str::from_utf8(bytes).map(roxmltree::Document::parse) {
            Err(_) => Some("die SVG-Datei ist kein UTF-8-Text"),
            Ok(Err(_)) => Some("die SVG-Datei ist kein vollständiges XML"),
            Ok(Ok(document)) if document.root_element().tag_name().name() != "svg" => {
                Some("die Datei enthält keine SVG-Grafik")
            }
            Ok(Ok(_)) => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_and_truncated_images_are_named() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\0\0\0\0\0IEND\xaeB`\x82";
        assert_eq!(image_problem("a.png", png), None);
        assert_eq!(
            image_problem("a.png", b"\x89PNG\r\n\x1a\nkaputt"),
            Some("die PNG-Datei ist unvollständig")
        );
        assert_eq!(image_problem("a.PNG", b"GIF89a"), Some("keine PNG-Datei"));
        assert_eq!(image_problem("a.jpg", b"\xff\xd8\xff\xe0..\xff\xd9"), None);
        assert_eq!(
            image_problem("a.jpeg", b"\xff\xd8\xff\xe0.."),
            Some("die JPEG-Datei ist unvollständig")
        );
        assert_eq!(image_problem("a.gif", b"GIF89a..;"), None);
        assert_eq!(
            image_problem("k.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"><rect"),
            Some("die SVG-Datei ist kein vollständiges XML")
        );
        assert_eq!(
            image_problem("k.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            None
        );
        assert_eq!(
            image_problem("k.svg", b"<html/>"),
            Some("die Datei enthält keine SVG-Grafik")
        );
        let mut webp = b"RIFF\x04\0\0\0WEBP".to_vec();
        assert_eq!(image_problem("a.webp", &webp), None);
        webp.push(0);
        assert_eq!(
            image_problem("a.webp", &webp),
            Some("die WebP-Datei ist unvollständig")
        );
    }
}
