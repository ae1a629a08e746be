//! Where each value of a YAML file stands: key and value place, byte range and raw text, by
//! key path (`budget.gesamt.vorjahr`, `ziele.lokal.1.zielwert`).
//!
//! The data tree ([`serde_json::Value`]) forgets how a value was written, yet authors need
//! messages at the exact place (`data/ziele.yaml:4:18`), some mistakes show only in the source
//! (a German `2.760` reads as the decimal 2.76), and `amip new-year` rewrites values where they
//! stand. All three use the places the YAML parser under serde-saphyr (granit-parser) reports
//! while reading the file — read once per file when the project is loaded — so that anchors
//! (`&vk 8581009`), aliases (`*vk`), merge keys (`<<: *basis`), flow maps (`{a: 1, b: [2, 3]}`),
//! quoted keys and comments are understood exactly as the loader understands them.
//! A leaf module: it depends on nothing else in the crate.

use std::collections::HashMap;

use granit_parser::{Event, Marker, Parser, ScalarStyle, Span, StructureStyle};
use indexmap::IndexMap;

/// How a value came to stand at its key path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Written at this place.
    Here,
    /// An alias (`*vk`) stands here: the byte range is the alias; line, column and raw text
    /// are those of the anchored value, where a mistake in it has to be corrected.
    Alias,
    /// Part of an anchored collection reached through an alias or a merge key: written only at
    /// the anchor, so changing it there changes every use.
    Shared,
}

/// What kind of node a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A single value (number, text, `~`).
    Scalar,
    /// A map of keys to values.
    Map,
    /// A list.
    List,
}

/// One value's place in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// 1-based line of the key (or list item) that holds the value; the file's start for the
    /// whole document.
    pub key_line: usize,
    /// 1-based column (in characters) of that key.
    pub key_column: usize,
    /// 1-based line of the value as written.
    pub line: usize,
    /// 1-based column (in characters) of the value as written.
    pub column: usize,
    /// The scalar as written (quotes included), empty for maps and lists.
    pub raw: String,
    /// Byte offset where the value stands here: the scalar, the alias, or the collection.
    pub start: usize,
    /// Byte offset after the value; a block collection ends with its last value.
    pub end: usize,
    /// Scalar, map or list.
    pub kind: Kind,
    /// A map or list written in flow style (`{ 2018: 1, 2019: 2 }`, `[1, 2]`).
    pub flow: bool,
    /// Whether the value is written here, as an alias, or only at an anchor.
    pub written: Written,
}

impl Site {
    /// A map or list, not a scalar.
    pub fn is_collection(&self) -> bool {
        self.kind != Kind::Scalar
    }

    /// A map written in flow style, where new entries go before its `}`.
    pub fn is_flow_map(&self) -> bool {
        self.kind == Kind::Map && self.flow
    }

    /// The scalar without surrounding quotes, and whether it was quoted.
    pub fn unquoted(&self) -> (&str, bool) {
        let raw = self.raw.trim();
        for quote in ['"', '\''] {
            if let Some(inner) = raw
                .strip_prefix(quote)
                .and_then(|rest| rest.strip_suffix(quote))
            {
                return (inner, true);
            }
        }
        (raw, false)
    }
}

/// The places of one file's values by key path; the whole document is at the empty path.
pub(crate) type Sites = IndexMap<String, Site>;

/// Why the places of a file cannot be told.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum PositionError {
    /// The text is not YAML.
    #[error("die Datei ist kein gültiges YAML ({0})")]
    Syntax(String),
    /// A second `---` document.
    #[error("die Datei enthält mehr als ein YAML-Dokument (ein zweites „---“)")]
    SeveralDocuments,
    /// A key that is itself a list or map.
    #[error(
        "in Zeile {0} ist ein Schlüssel eine Liste oder Zuordnung; Schlüssel sind einfache Werte"
    )]
    ComplexKey(usize),
    /// Aliases repeat more values than the loader accepts.
    #[error("die Datei wiederholt über Verweise (*) zu viele Werte")]
    TooManyValues,
}

/// At most this many places repeated through aliases, as many values as the loader replays.
const MAX_REPLAYED: usize = 1_000_000;

/// The places of every value in YAML `text`, read with the YAML parser's own spans.
pub(crate) fn collect(text: &str) -> Result<Sites, PositionError> {
    let mut builder = Builder {
        text,
        sites: Sites::new(),
        stack: Vec::new(),
        anchors: HashMap::new(),
        documents: 0,
        replayed: 0,
    };
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|err| PositionError::Syntax(err.to_string()))?;
        builder.event(event, span)?;
    }
    Ok(builder.sites)
}

/// A key read, waiting for its value.
struct Key {
    text: String,
    line: usize,
    column: usize,
    /// A plain `<<`: its value's entries merge into the surrounding map.
    merge: bool,
}

/// An open map or list.
struct Frame {
    path: String,
    /// `Some` for a map (the key waiting for its value), `None` for a list.
    key: Option<Option<Key>>,
    /// The next list index.
    next: usize,
    /// Anchor id defined on the collection, 0 for none.
    anchor: usize,
    flow: bool,
    /// The end of the last value inside, where a block collection ends.
    last_end: usize,
    /// Paths of `<<` values to merge when the map ends.
    merges: Vec<String>,
}

/// What an anchor stands for: its places relative to the anchored value ("" is the value).
struct Anchored {
    sites: Vec<(String, Site)>,
    /// The scalar's value, for an alias used as a key.
    scalar: Option<String>,
}

struct Builder<'t> {
    text: &'t str,
    sites: Sites,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    documents: usize,
    /// Places repeated through aliases so far.
    replayed: usize,
}

/// Where the value of the next node goes: its path and the place of its key.
struct Slot {
    path: String,
    key_line: usize,
    key_column: usize,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), PositionError> {
        match event {
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(PositionError::SeveralDocuments);
                }
            }
            Event::Scalar(value, style, anchor, _) => {
                let value = value.into_owned();
                let key = self.is_key_position();
                let site = if key {
                    let (line, column) = line_column(&span.start);
                    self.scalar_site(&span, line, column)
                } else {
                    let slot = self.slot(&span);
                    let site = self.scalar_site(&span, slot.key_line, slot.key_column);
                    self.record(slot.path, site.clone());
                    site
                };
                if anchor != 0 {
                    self.anchors.insert(
                        anchor,
                        Anchored {
                            sites: vec![(String::new(), site.clone())],
                            scalar: Some(value.clone()),
                        },
                    );
                }
                if key {
                    let merge = style == ScalarStyle::Plain && value == "<<";
                    self.set_key(value, site.line, site.column, merge);
                }
            }
            Event::Alias(id) => self.alias(id, &span)?,
            Event::MappingStart(style, anchor, _) | Event::SequenceStart(style, anchor, _) => {
                if self.is_key_position() {
                    return Err(PositionError::ComplexKey(span.start.line()));
                }
                let kind = if matches!(event, Event::MappingStart(..)) {
                    Kind::Map
                } else {
                    Kind::List
                };
                let slot = self.slot(&span);
                let start = self.byte(&span.start);
                let (line, column) = line_column(&span.start);
                let flow = style == StructureStyle::Flow;
                let site = Site {
                    key_line: slot.key_line,
                    key_column: slot.key_column,
                    line,
                    column,
                    raw: String::new(),
                    start,
                    end: start,
                    kind,
                    flow,
                    written: Written::Here,
                };
                self.sites.insert(slot.path.clone(), site);
                self.stack.push(Frame {
                    path: slot.path,
                    key: (kind == Kind::Map).then_some(None),
                    next: 0,
                    anchor,
                    flow,
                    last_end: start,
                    merges: Vec::new(),
                });
            }
            Event::MappingEnd | Event::SequenceEnd => self.close(&span),
            _ => {}
        }
        Ok(())
    }

    /// A scalar written at `span`, held by a key at `key_line`:`key_column`.
    fn scalar_site(&self, span: &Span, key_line: usize, key_column: usize) -> Site {
        let start = self.byte(&span.start);
        let end = self.byte(&span.end);
        let (line, column) = line_column(&span.start);
        Site {
            key_line,
            key_column,
            line,
            column,
            raw: self.text.get(start..end).unwrap_or_default().to_string(),
            start,
            end,
            kind: Kind::Scalar,
            flow: false,
            written: Written::Here,
        }
    }

    /// Whether the next node is a map's key.
    fn is_key_position(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                key: Some(None),
                ..
            })
        )
    }

    fn set_key(&mut self, text: String, line: usize, column: usize, merge: bool) {
        if let Some(frame) = self.stack.last_mut() {
            frame.key = Some(Some(Key {
                text,
                line,
                column,
                merge,
            }));
        }
    }

    /// Takes the path and key place for the node starting at `span`.
    fn slot(&mut self, span: &Span) -> Slot {
        let (line, column) = line_column(&span.start);
        match self.stack.last_mut() {
            Some(frame) => match &mut frame.key {
                Some(key) => {
                    let key = key.take();
                    let (text, key_line, key_column, merge) = key.map_or_else(
                        || (String::new(), line, column, false),
                        |k| (k.text, k.line, k.column, k.merge),
                    );
                    let path = join(&frame.path, &text);
                    if merge {
                        frame.merges.push(path.clone());
                    }
                    Slot {
                        path,
                        key_line,
                        key_column,
                    }
                }
                None => {
                    let path = join(&frame.path, &frame.next.to_string());
                    frame.next += 1;
                    Slot {
                        path,
                        key_line: line,
                        key_column: column,
                    }
                }
            },
            // The document has no key: findings about it point at the file's start.
            None => Slot {
                path: String::new(),
                key_line: 1,
                key_column: 1,
            },
        }
    }

    /// An alias stands here: the anchored value's places, repeated below this path.
    fn alias(&mut self, id: usize, span: &Span) -> Result<(), PositionError> {
        let (line, column) = line_column(&span.start);
        if self.is_key_position() {
            let text = self
                .anchors
                .get(&id)
                .and_then(|anchored| anchored.scalar.clone())
                .ok_or(PositionError::ComplexKey(line))?;
            self.set_key(text, line, column, false);
            return Ok(());
        }
        let slot = self.slot(span);
        let mut here = self.scalar_site(span, slot.key_line, slot.key_column);
        here.written = Written::Alias;
        let count = self
            .anchors
            .get(&id)
            .map_or(0, |anchored| anchored.sites.len());
        self.replayed = self.replayed.saturating_add(count);
        if self.replayed > MAX_REPLAYED {
            return Err(PositionError::TooManyValues);
        }
        let replayed = self
            .anchors
            .get(&id)
            .map(|anchored| anchored.sites.clone())
            .unwrap_or_default();
        let mut children = Vec::new();
        for (rel, site) in replayed {
            if rel.is_empty() {
                here.line = site.line;
                here.column = site.column;
                here.raw = site.raw;
                here.kind = site.kind;
                here.flow = site.flow;
            } else {
                // Below an alias, a value's key is the alias: that is where it is used.
                children.push((
                    join(&slot.path, &rel),
                    Site {
                        key_line: line,
                        key_column: column,
                        written: Written::Shared,
                        ..site
                    },
                ));
            }
        }
        self.record(slot.path, here);
        self.sites.extend(children);
        Ok(())
    }

    /// Enters a value's place and extends its collection to the value's end.
    fn record(&mut self, path: String, site: Site) {
        if let Some(parent) = self.stack.last_mut() {
            parent.last_end = parent.last_end.max(site.end);
        }
        self.sites.insert(path, site);
    }

    fn close(&mut self, span: &Span) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        // A block collection ends with its last value, not where the parser notices its end
        // (which may be after comments on the following lines).
        let end = if frame.flow {
            self.byte(&span.end)
        } else {
            frame.last_end
        };
        for merge in &frame.merges {
            self.merge(&frame.path, merge);
        }
        let Some((index, _, site)) = self.sites.get_full_mut(&frame.path) else {
            return;
        };
        site.end = end;
        if let Some(parent) = self.stack.last_mut() {
            parent.last_end = parent.last_end.max(end);
        }
        if frame.anchor != 0 {
            let prefix = join(&frame.path, "");
            let sites = self
                .sites
                .iter()
                .skip(index)
                .filter_map(|(path, site)| {
                    let rel = if path == &frame.path {
                        Some("")
                    } else if frame.path.is_empty() {
                        Some(path.as_str())
                    } else {
                        path.strip_prefix(&prefix)
                    };
                    rel.map(|rel| (rel.to_string(), site.clone()))
                })
                .collect();
            self.anchors.insert(
                frame.anchor,
                Anchored {
                    sites,
                    scalar: None,
                },
            );
        }
    }

    /// Enters the entries of the `<<` value at `from` into the map at `into` where the map
    /// has no such key of its own; of several merged maps (`<<: [*a, *b]`) the first counts.
    fn merge(&mut self, into: &str, from: &str) {
        let prefix = join(from, "");
        let is_list = self
            .sites
            .get(from)
            .is_some_and(|site| site.kind == Kind::List);
        let mut merged: Sites = Sites::new();
        for (path, site) in &self.sites {
            let Some(rel) = path.strip_prefix(&prefix) else {
                continue;
            };
            let rel = match rel.split_once('.') {
                Some((_, rest)) if is_list => rest,
                None if is_list => continue,
                _ => rel,
            };
            let target = join(into, rel);
            if !self.sites.contains_key(&target) && !merged.contains_key(&target) {
                merged.insert(target, site.clone());
            }
        }
        self.sites
            .retain(|path, _| path != from && !path.starts_with(&prefix));
        self.sites.extend(merged);
    }

    fn byte(&self, marker: &Marker) -> usize {
        marker.byte_offset().unwrap_or_else(|| {
            self.text
                .char_indices()
                .nth(marker.index())
                .map_or(self.text.len(), |(at, _)| at)
        })
    }
}

/// The 1-based line and column of a marker, as serde-saphyr reports them.
fn line_column(marker: &Marker) -> (usize, usize) {
    (marker.line(), marker.col() + 1)
}

/// `path.key`, or `key` at the top.
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sites(text: &str) -> Sites {
        collect(text).unwrap()
    }

    /// (key line, key column, line, column) of `path`.
    fn places(sites: &Sites, path: &str) -> (usize, usize, usize, usize) {
        let site = &sites[path];
        (site.key_line, site.key_column, site.line, site.column)
    }

    fn spanned<'t>(text: &'t str, site: &Site) -> &'t str {
        &text[site.start..site.end]
    }

    #[test]
    fn block_maps_and_lists() {
        let text = "# Kommentar\nziele:\n  integrationen: 2.760\n  lokal:\n    - ziel: A\n      wert: \"1.141\"\n    - ziel: B\n      zielwert: 7   # Plan\n";
        let sites = sites(text);
        assert_eq!(places(&sites, "ziele.integrationen"), (3, 3, 3, 18));
        assert_eq!(sites["ziele.integrationen"].unquoted(), ("2.760", false));
        assert_eq!(sites["ziele.lokal.0.wert"].unquoted(), ("1.141", true));
        assert_eq!(places(&sites, "ziele.lokal.1.zielwert"), (8, 7, 8, 17));
        // A list item's place is where its value starts, after the dash.
        assert_eq!(places(&sites, "ziele.lokal.1"), (7, 7, 7, 7));
        let list = &sites["ziele.lokal"];
        assert_eq!((list.kind, list.flow), (Kind::List, false));
        // The list ends with its last value, not with the comment after it.
        assert_eq!(
            spanned(text, list),
            "- ziel: A\n      wert: \"1.141\"\n    - ziel: B\n      zielwert: 7"
        );
        // The document has no key: it stands at the file's start.
        assert_eq!((sites[""].key_line, sites[""].key_column), (1, 1));
        assert!(sites.get("ziele.fehlt").is_none());
    }

    #[test]
    fn keys_of_nested_maps_and_list_items() {
        let text = "# Kommentar\nbudget:\n  vk:\n    vorjahr: 1\n    planjahr: 2\n  egl:\n    vorjahr: 3\nlokal:\n  - ziel: A\n    wert: ~\n  - ziel: B\n    wert: 5\n";
        let sites = sites(text);
        let key = |path: &str| (sites[path].key_line, sites[path].key_column);
        assert_eq!(key("budget.vk.planjahr"), (5, 5));
        assert_eq!(key("budget.egl.vorjahr"), (7, 5));
        assert_eq!(key("lokal.1.wert"), (12, 5));
        assert_eq!(key("lokal.0.ziel"), (9, 5));
        assert!(sites.get("budget.fehlt").is_none());
        assert_eq!(
            self::sites("jdw:\n  2018: 1\n  2019: 2\n")["jdw.2019"].key_line,
            3
        );
    }

    #[test]
    fn same_key_names_at_different_depths_are_told_apart() {
        let sites = sites("a:\n  x: 1\nb:\n  a:\n    x: 2.500\n");
        assert_eq!(sites["a.x"].line, 2);
        assert_eq!(sites["b.a.x"].line, 5);
        assert_eq!(sites["b.a.x"].raw, "2.500");
    }

    #[test]
    fn flow_maps_and_lists_have_exact_places() {
        let text = "werte: {a: 1, b: [2, 3]}   # Kommentar\njdw:\n  2018: 1\n  2019: 23,4\n";
        let sites = sites(text);
        assert_eq!(places(&sites, "werte.a"), (1, 9, 1, 12));
        assert_eq!(places(&sites, "werte.b"), (1, 15, 1, 18));
        assert_eq!(places(&sites, "werte.b.1"), (1, 22, 1, 22));
        assert_eq!(sites["werte.b.1"].raw, "3");
        let map = &sites["werte"];
        assert!(map.is_flow_map() && map.is_collection());
        assert_eq!(spanned(text, map), "{a: 1, b: [2, 3]}");
        let list = &sites["werte.b"];
        assert!(list.flow && !list.is_flow_map());
        assert_eq!(spanned(text, list), "[2, 3]");
        assert_eq!(sites["jdw.2019"].raw, "23,4");
    }

    #[test]
    fn anchors_and_aliases() {
        let text = "alt: &vk 8581009 # Plan\nneu: *vk\nbasis: &b\n  x: 1\n  y: [2]\nkopie: *b\n";
        let sites = sites(text);
        let anchored = &sites["alt"];
        assert_eq!(
            (anchored.written, spanned(text, anchored)),
            (Written::Here, "8581009")
        );
        let alias = &sites["neu"];
        assert_eq!(alias.written, Written::Alias);
        // The alias is what stands here; the value is written at its anchor.
        assert_eq!(spanned(text, alias), "*vk");
        assert_eq!((alias.key_line, alias.line, alias.column), (2, 1, 10));
        assert_eq!(alias.raw, "8581009");
        let copy = &sites["kopie"];
        assert_eq!((copy.written, copy.kind), (Written::Alias, Kind::Map));
        // Below an alias, the key is the alias (where the value is used), the value its anchor's.
        let shared = &sites["kopie.x"];
        assert_eq!(places(&sites, "kopie.x"), (6, 8, 4, 6));
        assert_eq!(
            (shared.written, shared.raw.as_str()),
            (Written::Shared, "1")
        );
        assert_eq!(sites["kopie.y.0"].line, 5);
    }

    #[test]
    fn merge_keys_take_over_what_the_map_lacks() {
        let text = "a: &a {x: 1, y: 2}\nb: &b {y: 3, z: 4}\nc:\n  <<: [*a, *b]\n  x: 5\n";
        let sites = sites(text);
        assert_eq!(sites["c.x"].raw, "5");
        assert_eq!(sites["c.y"].raw, "2");
        assert_eq!(sites["c.z"].raw, "4");
        assert!(sites.keys().all(|path| !path.contains("<<")), "{sites:?}");
    }

    #[test]
    fn quoted_and_umlaut_keys() {
        let text =
            "\"meine tabelle\":\n  titel: C\n'jahr 2019': {männer: 1, frauen: 2}\nmänner: 3\n";
        let sites = sites(text);
        assert_eq!(places(&sites, "meine tabelle"), (1, 1, 2, 3));
        assert_eq!(places(&sites, "meine tabelle.titel"), (2, 3, 2, 10));
        // Columns count characters, as the messages show them.
        assert_eq!(places(&sites, "jahr 2019.frauen"), (3, 26, 3, 34));
        assert_eq!(places(&sites, "männer"), (4, 1, 4, 9));
        assert_eq!(spanned(text, &sites["jahr 2019.frauen"]), "2");
    }

    #[test]
    fn one_document_only() {
        assert_eq!(
            collect("a: 1\n---\nb: 2\n"),
            Err(PositionError::SeveralDocuments)
        );
        assert!(matches!(collect("a: [1\n"), Err(PositionError::Syntax(_))));
        assert!(matches!(
            collect("? [a, b]\n: 1\n"),
            Err(PositionError::ComplexKey(1))
        ));
        assert!(sites("").is_empty());
        // Aliases of aliases: each level repeats the one below ten times.
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..7 {
            let below = format!("*a{}", level - 1);
            let items = [below.as_str(); 10].join(", ");
            bomb.push_str(&format!("a{level}: &a{level} [{items}]\n"));
        }
        assert_eq!(collect(&bomb), Err(PositionError::TooManyValues));
    }
}
