//! SVG images from `content/` parsed and written anew by usvg, so that nothing but drawing
//! reaches `output/`: an SVG opened by its URL on the jobcenter's domain is a web page, and
//! scripts, event handlers, `foreignObject` and references to other files or sites in it would
//! run or load there. usvg keeps only what it can draw (shapes, paths, text, gradients,
//! embedded raster images); a leaf module that works on bytes only.

use std::sync::{Arc, OnceLock};

use usvg::fontdb;

/// Why an SVG file could not be cleaned (German, for the author).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub(crate) struct SvgError(String);

/// The SVG `bytes` parsed and written anew: only drawing survives. Text stays text (set in
/// DejaVu Sans when its font is not at hand). External references (files, web addresses) are
/// dropped; images embedded as `data:` URLs stay.
pub(crate) fn clean_svg(bytes: &[u8]) -> Result<Vec<u8>, SvgError> {
    let options = usvg::Options {
        fontdb: fonts(),
        font_family: "DejaVu Sans".to_string(),
        languages: vec!["de".to_string()],
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
            // No file of the machine and no web address may end up in the image.
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_data(bytes, &options).map_err(|err| SvgError(german(&err)))?;
    let written = tree.to_string(&usvg::WriteOptions {
        preserve_text: true,
        ..usvg::WriteOptions::default()
    });
    // usvg applies the viewBox and writes the size only; without a viewBox a browser does not
    // scale the image to the width a page gives it (it would be cut off on a phone).
    let size = tree.size();
    let view_box = format!("<svg viewBox=\"0 0 {} {}\" ", size.width(), size.height());
    Ok(written.replacen("<svg ", &view_box, 1).into_bytes())
}

/// DejaVu Sans (the font of the charts and the PDF) as every generic family, loaded once:
/// usvg drops text it has no font for.
fn fonts() -> Arc<fontdb::Database> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = fontdb::Database::new();
            for face in [
                dejavu::sans::regular(),
                dejavu::sans::bold(),
                dejavu::sans::oblique(),
                dejavu::sans::bold_oblique(),
                dejavu::sans_mono::regular(),
                dejavu::serif::regular(),
                dejavu::serif::bold(),
            ] {
                db.load_font_data(face.to_vec());
            }
            db.set_serif_family("DejaVu Serif");
            db.set_sans_serif_family("DejaVu Sans");
            db.set_monospace_family("DejaVu Sans Mono");
            db.set_cursive_family("DejaVu Sans");
            db.set_fantasy_family("DejaVu Sans");
            Arc::new(db)
        })
        .clone()
}

/// usvg's reasons, in German.
fn german(err: &usvg::Error) -> String {
    match err {
        usvg::Error::NotAnUtf8Str => "die SVG-Datei ist kein UTF-8-Text".to_string(),
        usvg::Error::MalformedGZip | usvg::Error::SvgzFeatureNotEnabled => {
            "die SVG-Datei ist komprimiert (SVGZ); speichern Sie sie unkomprimiert".to_string()
        }
        usvg::Error::ElementsLimitReached => {
            "die SVG-Datei hat zu viele Elemente (mehr als 1 000 000)".to_string()
        }
        usvg::Error::InvalidSize => {
            "die SVG-Grafik hat keine gültige Größe (width, height oder viewBox fehlen oder sind 0)"
                .to_string()
        }
        usvg::Error::ParsingFailed(detail) => {
            format!("die SVG-Datei ist kein gültiges SVG ({detail})")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVIL: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" height="100" viewBox="0 0 200 100" onload="alert(1)">
  <script>alert(2)</script>
  <rect x="0" y="0" width="200" height="100" fill="#1f4e79" onclick="alert(3)"/>
  <foreignObject width="100" height="50"><div xmlns="http://www.w3.org/1999/xhtml">fremd</div></foreignObject>
  <image xlink:href="https://evil.example/x.png" width="10" height="10"/>
  <image href="/etc/passwd" width="10" height="10"/>
  <a href="javascript:alert(4)"><circle cx="50" cy="50" r="20" fill="#ffffff"/></a>
  <text x="20" y="80" font-family="Arial" font-size="20" fill="#ffffff">Elbe-Elster</text>
</svg>"##;

    #[test]
    fn scripts_handlers_foreign_objects_and_external_references_are_gone() {
        let cleaned = String::from_utf8(clean_svg(EVIL.as_bytes()).unwrap()).unwrap();
        let lower = cleaned.to_ascii_lowercase();
        for gone in [
            "script",
            "onload",
            "onclick",
            "alert",
            "foreignobject",
            "evil.example",
            "javascript",
            "/etc/passwd",
            "fremd",
        ] {
            assert!(!lower.contains(gone), "{gone} in {cleaned}");
        }
        // What is drawn survives: the rectangle's colour, the circle and the text as text.
        let doc = roxmltree::Document::parse(&cleaned).unwrap();
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        assert!(cleaned.contains("#1f4e79"), "{cleaned}");
        assert!(cleaned.contains("Elbe-Elster"), "{cleaned}");
        assert!(doc.descendants().any(|n| n.has_tag_name("text")));
    }

    #[test]
    fn what_usvg_cannot_read_is_refused_in_german() {
        let err = clean_svg(b"<svg xmlns=\"http://www.w3.org/2000/svg\"><rect").unwrap_err();
        assert!(err.to_string().contains("kein gültiges SVG"), "{err}");
        let err = clean_svg(b"\xff\xfe").unwrap_err();
        assert!(err.to_string().contains("UTF-8"), "{err}");
    }

    #[test]
    fn the_example_logo_keeps_its_text() {
        let logo = include_bytes!("../content/bilder/logo.svg");
        let cleaned = String::from_utf8(clean_svg(logo).unwrap()).unwrap();
        assert!(cleaned.contains("Jobcenter"), "{cleaned}");
        assert!(cleaned.contains("Elbe-Elster"), "{cleaned}");
        assert!(
            cleaned.starts_with("<svg viewBox=\"0 0 360 96\" width=\"360\" height=\"96\""),
            "{cleaned}"
        );
    }
}
