//! Findings that need every chapter parsed: duplicate placements, references to tables,
//! figures, chapters and sections, and links to anchors.

use std::collections::BTreeMap;

use super::{Numbering, Place, SectionTarget};
use crate::diagnostic::{Finding, Findings};
use crate::model::Chapter;
use crate::placeholder::Placed;

/// (line, column) in a chapter file.
type Spot = (usize, usize);

/// Where a chapter places tables and figures, refers to them and links, for findings that
/// can only be made once all chapters are parsed.
#[derive(Default)]
pub(super) struct Spots {
    pub(super) placements: Vec<(Placed, String, Spot)>,
    pub(super) sections: Vec<(SectionTarget, Spot)>,
    pub(super) references: Vec<(Placed, String, Spot)>,
    pub(super) links: Vec<(String, Spot)>,
}

/// An error at `spot` of `chapter`'s file.
fn error_at(chapter: &Chapter, spot: Spot, message: impl Into<String>) -> Finding {
    Finding::error(message)
        .in_file(&chapter.file)
        .at(&chapter.padded_source(), spot.0, spot.1)
}

/// Numbers the tables and figures `spots` places, in document order; a second placement of
/// the same id is an error.
pub(super) fn number_placements(
    chapter: &Chapter,
    spots: &Spots,
    doc_index: usize,
    numbering: &mut Numbering,
    findings: &mut Findings,
) {
    for (kind, id, spot) in &spots.placements {
        let map = match kind {
            Placed::Table => &mut numbering.tables,
            Placed::Figure => &mut numbering.figures,
        };
        if map.contains_key(id) {
            findings.push(error_at(chapter, *spot, format!(
                "{} „{id}“ ist mehrfach eingefügt; jede Tabelle und Abbildung steht nur an einer Stelle.",
                if *kind == Placed::Table { "Die Tabelle" } else { "Die Abbildung" }
            )));
        } else {
            let number = map.len() + 1;
            map.insert(
                id.clone(),
                Place {
                    number,
                    chapter: doc_index,
                },
            );
        }
    }
}

/// At most this many references and links leading nowhere are reported per chapter: each
/// finding carries the chapter's text, so 30,000 broken links in a large chapter would cost
/// gigabytes and minutes; the rest are counted.
const MAX_UNRESOLVED: usize = 100;

/// Findings of one chapter up to [`MAX_UNRESOLVED`], then only counted.
struct Capped<'a> {
    chapter: &'a Chapter,
    findings: &'a mut Findings,
    reported: usize,
    dropped: usize,
}

impl Capped<'_> {
    /// Reports the finding `make` builds, unless the cap is reached.
    fn push(&mut self, make: impl FnOnce(&Chapter) -> Finding) {
        if self.reported < MAX_UNRESOLVED {
            self.reported += 1;
            self.findings.push(make(self.chapter));
        } else {
            self.dropped += 1;
        }
    }

    /// The count of what was not reported, as one more finding.
    fn finish(self) {
        if self.dropped > 0 {
            self.findings.push(
                Finding::error(format!(
                    "… und {} weitere Verweise oder Links ins Leere in diesem Kapitel (gemeldet werden die ersten {MAX_UNRESOLVED}).",
                    self.dropped
                ))
                .in_file(&self.chapter.file),
            );
        }
    }
}

/// Reports the references and links of one chapter that lead nowhere.
pub(super) fn unresolved(
    chapter: &Chapter,
    spots: &Spots,
    numbering: &Numbering,
    findings: &mut Findings,
) {
    let mut capped = Capped {
        chapter,
        findings,
        reported: 0,
        dropped: 0,
    };
    for (target, spot) in &spots.sections {
        if numbering.section_link(target).is_none() {
            let message = match target {
                SectionTarget::Chapter(stem) => {
                    format!("Verweis auf das Kapitel „{stem}“, das keine Überschrift hat.")
                }
                SectionTarget::Section(anchor) => format!(
                    "Verweis auf den Abschnitt „{anchor}“: keine Überschrift hat diesen Anker."
                ),
            };
            capped.push(|chapter| error_at(chapter, *spot, message).with_help(
                "Der Anker einer Überschrift ist ihr Text in Kleinbuchstaben mit Bindestrichen (## Eingliederungsleistungen → eingliederungsleistungen) oder das, was in {#anker} hinter ihr steht.",
            ));
        }
    }
    for (url, spot) in &spots.links {
        if let Some(problem) = link_problem(url, &numbering.anchors) {
            capped.push(|chapter| error_at(chapter, *spot, problem));
        }
    }
    for (kind, id, spot) in &spots.references {
        if numbering.get(*kind, id).is_none() {
            capped.push(|chapter| {
                error_at(
                    chapter,
                    *spot,
                    format!(
                        "Verweis auf {} „{id}“, die nirgends eingefügt ist.",
                        if *kind == Placed::Table {
                            "die Tabelle"
                        } else {
                            "die Abbildung"
                        }
                    ),
                )
                .with_help(format!(
                    "Fügen Sie sie mit {{{{ {}(id=\"{id}\") }}}} in ein Kapitel ein.",
                    kind.keyword()
                ))
            });
        }
    }
    capped.finish();
}

/// Link schemes authors may use; anything else (`file:`, `javascript:`, `data:`) is refused.
const LINK_SCHEMES: [&str; 4] = ["https", "http", "mailto", "tel"];

/// The scheme of a URL (`https` of `https://…`), lower-cased, if it has one.
fn scheme(url: &str) -> Option<String> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    (chars.next()?.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
    .then(|| scheme.to_ascii_lowercase())
}

/// What is wrong with a link, if anything: no target, a scheme that does not work on the
/// published site or runs code, a fragment no heading has, or a file instead of an anchor.
fn link_problem(url: &str, anchors: &BTreeMap<String, usize>) -> Option<String> {
    if url.trim().is_empty() {
        return Some(
            "ein Link hat kein Ziel (leere Klammern „()“); geben Sie eine Adresse wie https://… oder einen #anker an."
                .to_string(),
        );
    }
    if let Some(scheme) = scheme(url) {
        return (!LINK_SCHEMES.contains(&scheme.as_str())).then(|| {
            format!(
                "der Link „{url}“ ist nicht erlaubt: Links mit „{scheme}:“ funktionieren auf der veröffentlichten Website nicht oder führen Code aus; erlaubt sind https://, http://, mailto: und tel:."
            )
        });
    }
    // A heading link has nothing before `#`: no host (`//evil.example/x#a`), no file
    // (`bericht.pdf#a`, `/etc/passwd#a`).
    if url.starts_with("//") {
        return Some(format!(
            "der Link „{url}“ nennt eine Adresse ohne https://; schreiben Sie sie vollständig (https://…), Abschnitte verlinken Sie mit #anker."
        ));
    }
    match url.strip_prefix('#') {
        Some(fragment) if !anchors.contains_key(fragment) => Some(format!(
            "der Link „{url}“ führt ins Leere: keine Überschrift hat den Anker „{fragment}“."
        )),
        Some(_) => None,
        None => Some(format!(
            "der Link „{url}“ zeigt auf eine Datei; verlinken Sie Abschnitte mit #anker oder Webseiten mit https://."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_bare_fragment_is_a_heading_link() {
        let anchors: BTreeMap<String, usize> = [("ausbildungsmarkt".to_string(), 0)].into();
        assert_eq!(link_problem("#ausbildungsmarkt", &anchors), None);
        assert_eq!(link_problem("https://example.org/#x", &anchors), None);
        let host = link_problem("//evil.example/x#ausbildungsmarkt", &anchors).unwrap();
        assert!(host.contains("ohne https://"), "{host}");
        for file in [
            "bericht.pdf#abschnitt",
            "bericht.pdf#ausbildungsmarkt",
            "/etc/passwd#ausbildungsmarkt",
        ] {
            let problem = link_problem(file, &anchors).unwrap();
            assert!(
                problem.contains("zeigt auf eine Datei"),
                "{file}: {problem}"
            );
        }
        let missing = link_problem("#fehlt", &anchors).unwrap();
        assert!(missing.contains("führt ins Leere"), "{missing}");
    }
}
