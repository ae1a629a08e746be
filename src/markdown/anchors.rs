//! The ids on a page, in one place: every id a page carries is unique on it.
//!
//! Headings, footnotes, tables and figures share one namespace for the whole document (the
//! start page shows several chapters), the page templates' own ids (`inhalt` for the skip
//! link, `inhaltsverzeichnis`) are reserved, and prefixes keep the kinds apart: `tab-` and
//! `abb-` for tables and figures, `fn-` for footnotes. Ids consist of ASCII letters, digits,
//! `-` and `_` only, so they are valid in HTML and in URLs as they are.

use std::collections::{BTreeMap, BTreeSet};

use pulldown_cmark::{CowStr, Event, Tag};

use crate::model::slugify;

/// Prefix of footnote ids (`[^quelle]` → `fn-quelle`).
pub(crate) const FOOTNOTE_PREFIX: &str = "fn-";
/// Prefixes no heading may take (a heading „Tab. 1“ becomes `k-tab-1`).
const RESERVED_PREFIXES: [&str; 3] = ["abb-", "tab-", FOOTNOTE_PREFIX];

/// The ids the built-in page templates use themselves (`id="…"`), which no heading or
/// footnote may take.
pub(crate) fn template_ids() -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for (name, text) in crate::files::DEFAULT_TEMPLATES {
        if !name.ends_with(".html") {
            continue;
        }
        for part in text.split("id=\"").skip(1) {
            if let Some((id, _)) = part.split_once('"') {
                if !id.contains("{{") {
                    ids.insert(id.to_string());
                }
            }
        }
    }
    ids
}

/// An id as an author wrote it (`{#ziele}`), made safe: kept when it is already plain,
/// else turned into a slug.
pub(crate) fn sanitize(id: &str) -> String {
    if !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        id.to_string()
    } else {
        slugify(id)
    }
}

/// The id base of a footnote label: `[^a b"c]` → `fn-a-b-c`.
pub(crate) fn footnote_base(label: &str) -> String {
    let slug = slugify(label);
    if slug.is_empty() {
        format!("{FOOTNOTE_PREFIX}x")
    } else {
        format!("{FOOTNOTE_PREFIX}{slug}")
    }
}

/// Gives every footnote label of a chapter its document-wide id, in references and
/// definitions alike (both writers then use the label as the id).
pub(crate) fn namespace_footnotes(
    events: Vec<Event<'static>>,
    ids: &mut UsedIds,
) -> Vec<Event<'static>> {
    let mut given: BTreeMap<String, String> = BTreeMap::new();
    let mut id_of = |label: &str| -> CowStr<'static> {
        let id = given
            .entry(label.to_string())
            .or_insert_with(|| ids.footnote(label));
        CowStr::from(id.clone())
    };
    events
        .into_iter()
        .map(|event| match event {
            Event::FootnoteReference(label) => Event::FootnoteReference(id_of(&label)),
            Event::Start(Tag::FootnoteDefinition(label)) => {
                Event::Start(Tag::FootnoteDefinition(id_of(&label)))
            }
            other => other,
        })
        .collect()
}

/// Ids already given out in the document.
#[derive(Debug, Default)]
pub(crate) struct UsedIds {
    used: BTreeSet<String>,
    /// Per base: the suffix to try next. Every smaller suffix is taken (anchors are never
    /// given back), so a heading repeated many times ("Ziele") costs no search from 2 each time.
    next_suffix: BTreeMap<String, usize>,
}

impl UsedIds {
    /// Starts with the page templates' own ids taken.
    pub(crate) fn with_reserved() -> Self {
        Self {
            used: template_ids(),
            next_suffix: BTreeMap::new(),
        }
    }

    /// Gives a footnote label its id, unique in the document.
    pub(crate) fn footnote(&mut self, label: &str) -> String {
        self.take(footnote_base(label))
    }

    fn take(&mut self, base: String) -> String {
        let mut candidate = base.clone();
        if self.used.contains(&candidate) {
            let n = self.next_suffix.entry(base.clone()).or_insert(2);
            candidate = format!("{base}-{n}");
            while self.used.contains(&candidate) {
                *n += 1;
                candidate = format!("{base}-{n}");
            }
            *n += 1;
        }
        self.used.insert(candidate.clone());
        candidate
    }
}

/// Gives a heading its id, unique in the document and outside the reserved prefixes.
pub(crate) fn unique_id(base: &str, ids: &mut UsedIds) -> String {
    let base = if RESERVED_PREFIXES.iter().any(|p| base.starts_with(p)) {
        format!("k-{base}")
    } else {
        base.to_string()
    };
    ids.take(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_and_prefixed_ids_are_avoided() {
        let mut ids = UsedIds::with_reserved();
        assert!(template_ids().contains("inhalt"));
        assert!(template_ids().contains("inhaltsverzeichnis"));
        assert_eq!(unique_id("inhalt", &mut ids), "inhalt-2");
        assert_eq!(
            unique_id("inhaltsverzeichnis", &mut ids),
            "inhaltsverzeichnis-2"
        );
        assert_eq!(ids.footnote("inhalt"), "fn-inhalt");
        assert_eq!(ids.footnote("a b\"c"), "fn-a-b-c");
        assert_eq!(ids.footnote("a-b-c"), "fn-a-b-c-2");
        assert_eq!(unique_id("fn-inhalt", &mut ids), "k-fn-inhalt");
        assert_eq!(sanitize("a b\"c"), "a-b-c");
        assert_eq!(sanitize("Ziele_2"), "Ziele_2");
    }
}
