//! Images in chapters and the logo: only files of the project, with alternative text.

use std::collections::BTreeSet;

use crate::files::IMAGE_EXTENSIONS;

/// Checks an image reference: a file below `content/` that was loaded, with alternative
/// text. Returns the normalised path relative to `content/`.
pub(crate) fn check_image(
    dest: &str,
    alt: &str,
    images: &BTreeSet<String>,
) -> Result<String, String> {
    let lower = dest.to_ascii_lowercase();
    if lower.contains("://") || lower.starts_with("data:") || lower.starts_with("//") {
        return Err(format!(
            "das Bild „{dest}“ liegt im Internet; amip bindet nur Bilder aus dem Projekt ein (keine externen Anfragen). Legen Sie die Datei unter content/bilder/ ab."
        ));
    }
    if dest.starts_with('/')
        || dest.starts_with('\\')
        || dest.get(1..3) == Some(":\\")
        || dest.get(1..3) == Some(":/")
    {
        return Err(format!(
            "der Bildpfad „{dest}“ ist absolut; schreiben Sie ihn relativ zum Ordner content/, z. B. bilder/logo.png."
        ));
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in dest.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!(
                        "der Bildpfad „{dest}“ führt aus dem Ordner content/ hinaus; Bilder müssen im Projekt liegen."
                    ));
                }
            }
            other => parts.push(other),
        }
    }
    let path = parts.join("/");
    let extension = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if !IMAGE_EXTENSIONS.contains(&extension.as_str()) {
        return Err(format!(
            "„{dest}“ ist kein Bild, das amip einbindet (erlaubt: {}).",
            IMAGE_EXTENSIONS.join(", ")
        ));
    }
    if !images.contains(&path) {
        return Err(format!("das Bild „content/{path}“ gibt es nicht."));
    }
    if alt.trim().is_empty() {
        return Err(format!(
            "das Bild „{path}“ hat keinen Alternativtext; schreiben Sie ![Beschreibung des Bildes]({dest})."
        ));
    }
    Ok(path)
}
