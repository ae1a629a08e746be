//! What makes the document a publication of its jobcenter: the signature block from
//! `unterzeichnung` and the logo from `logo` in `programm.yaml`, both checked here once and
//! then written by both writers.

use std::collections::BTreeSet;

use super::{check_image, ChapterDoc, Node};
use crate::model::{chapter_stem, Chapter, ChapterName, Logo, Programme, Status};

/// The signature block: place and date, name and function, or the draft note.
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureBlock {
    /// "Herzberg, 09.12.2019" (either part may be missing).
    pub place_date: Option<String>,
    /// "Anja Miersch".
    pub name: String,
    /// "Geschäftsführerin".
    pub function: String,
    /// A draft is not signed yet: the block reads [`UNSIGNED`] instead.
    pub draft: bool,
}

/// Key path in `programm.yaml` of the chapter the signature closes.
pub(crate) const SIGNATURE_CHAPTER_KEY: &str = "unterzeichnung.kapitel";

/// What a draft shows instead of the signature.
pub(crate) const UNSIGNED: &str = "Entwurf – noch nicht unterzeichnet";

/// Image types a logo may have (vector SVG, or PNG/JPEG).
pub(crate) const LOGO_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "svg"];

impl SignatureBlock {
    /// The signature of `programme`, if it names who signs.
    pub fn of(programme: &Programme) -> Option<Self> {
        let signatory = programme.unterzeichnung.as_ref()?;
        let date = programme
            .datum
            .as_deref()
            .and_then(crate::format::parse_date)
            .map(crate::format::date_short);
        let place = programme
            .ort
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty());
        let place_date = match (place, date) {
            (Some(place), Some(date)) => Some(format!("{place}, {date}")),
            (Some(place), None) => Some(place.to_string()),
            (None, Some(date)) => Some(date),
            (None, None) => None,
        };
        Some(Self {
            place_date,
            name: signatory.name.trim().to_string(),
            function: signatory.funktion.trim().to_string(),
            draft: programme.status == Status::Draft,
        })
    }
}

/// The name `unterzeichnung.kapitel` gives, and the page stem of that chapter if there is one.
fn signature_chapter<'a>(
    chapters: &[Chapter],
    programme: &'a Programme,
) -> Option<(&'a str, Option<String>)> {
    let named = programme.unterzeichnung.as_ref()?.kapitel.as_deref()?;
    let names = chapter_names(chapters);
    Some((named, chapter_stem(&names, named).map(str::to_string)))
}

/// Every chapter's name and page stem.
fn chapter_names(chapters: &[Chapter]) -> Vec<ChapterName> {
    chapters
        .iter()
        .map(|c| (c.name().to_string(), c.stem.clone()))
        .collect()
}

/// Appends the signature block to the chapter it closes: the one named in
/// `unterzeichnung.kapitel`, else the foreword (the unnumbered chapters before the first
/// numbered one: the last of them), else the last chapter. A name that is no chapter (say,
/// after a chapter was renamed) is a warning from [`problems`]; the block then closes the
/// foreword as if no chapter were named.
pub(crate) fn attach_signature(
    docs: &mut [ChapterDoc],
    chapters: &[Chapter],
    programme: &Programme,
) {
    let Some(block) = SignatureBlock::of(programme) else {
        return;
    };
    let named = signature_chapter(chapters, programme)
        .and_then(|(_, stem)| stem)
        .and_then(|stem| docs.iter().position(|doc| doc.stem == stem));
    let position = named.or_else(|| {
        let front = docs.iter().take_while(|doc| !doc.numbered).count();
        front.checked_sub(1).or(docs.len().checked_sub(1))
    });
    if let Some(doc) = position.and_then(|p| docs.get_mut(p)) {
        doc.nodes.push(Node::Signature(block));
    }
}

/// Checks the logo declared in `programm.yaml`: a PNG, JPEG or SVG file below `content/`
/// with alternative text. Returns the normalised path.
pub(crate) fn check_logo(
    file: &str,
    alt: &str,
    images: &BTreeSet<String>,
) -> Result<String, String> {
    let path = check_image(file, alt, images).map_err(|message| format!("logo: {message}"))?;
    let extension = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if !LOGO_EXTENSIONS.contains(&extension.as_str()) {
        return Err(format!(
            "logo: „{file}“ ist kein PNG-, JPEG- oder SVG-Bild; ein Logo muss eines davon sein (am besten SVG, es bleibt im PDF scharf)."
        ));
    }
    Ok(path)
}

/// Checks what `programm.yaml` says about signature and logo, independent of whether the
/// chapters parse. Returns problems as (key path in `programm.yaml`, message).
pub(crate) fn problems(
    chapters: &[Chapter],
    programme: &Programme,
    images: &BTreeSet<String>,
) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    if let Some((named, None)) = signature_chapter(chapters, programme) {
        problems.push((
            SIGNATURE_CHAPTER_KEY,
            format!(
                "unterzeichnung.kapitel: ein Kapitel „{named}“ gibt es nicht; die Unterschrift steht deshalb am Ende des Vorworts (vorhanden: {}).",
                chapters
                    .iter()
                    .map(Chapter::name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    if let Some(logo) = &programme.logo {
        if let Err(message) = check_logo(&logo.datei, &logo.alt, images) {
            problems.push(("logo.datei", message));
        }
    }
    problems
}

/// The logo as the templates get it: the checked path relative to `content/` (the same path
/// inside the site and the Typst folder) and its alternative text; `None` without a logo or
/// when the logo is not usable (then `check` reports why).
pub(crate) fn logo(programme: &Programme, images: &BTreeSet<String>) -> Option<Logo> {
    let logo = programme.logo.as_ref()?;
    check_logo(&logo.datei, &logo.alt, images)
        .ok()
        .map(|datei| Logo {
            datei,
            alt: crate::text::german_quotes(logo.alt.trim()),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn programme(yaml: &str) -> Programme {
        serde_saphyr::from_str(yaml).unwrap()
    }

    #[test]
    fn signature_reads_place_date_name_and_function() {
        let p = programme(
            "jobcenter: J\ntitel: T\njahr: 2020\nort: Herzberg\ndatum: 2019-12-09\nstatus: final\nunterzeichnung: { name: Anja Miersch, funktion: Geschäftsführerin }\n",
        );
        let block = SignatureBlock::of(&p).unwrap();
        assert_eq!(block.place_date.as_deref(), Some("Herzberg, 09.12.2019"));
        assert_eq!(block.name, "Anja Miersch");
        assert!(!block.draft);
        let draft = programme("jobcenter: J\ntitel: T\njahr: 2021\nstatus: draft\nunterzeichnung: { name: A, funktion: B }\n");
        let block = SignatureBlock::of(&draft).unwrap();
        assert!(block.draft);
        assert_eq!(block.place_date, None);
        assert!(SignatureBlock::of(&programme("jobcenter: J\ntitel: T\njahr: 2021\n")).is_none());
    }

    #[test]
    fn logos_are_png_jpeg_or_svg_with_alt_text() {
        let images: BTreeSet<String> =
            ["bilder/logo.svg".to_string(), "bilder/logo.gif".to_string()].into();
        assert_eq!(
            check_logo("bilder/logo.svg", "Logo", &images),
            Ok("bilder/logo.svg".into())
        );
        assert!(check_logo("bilder/logo.gif", "Logo", &images)
            .unwrap_err()
            .contains("kein PNG-, JPEG- oder SVG-Bild"));
        assert!(check_logo("bilder/logo.svg", " ", &images)
            .unwrap_err()
            .contains("Alternativtext"));
        assert!(check_logo("bilder/fehlt.svg", "Logo", &images)
            .unwrap_err()
            .contains("gibt es nicht"));
    }
}
