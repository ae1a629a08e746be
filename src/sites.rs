//! Where each value of a YAML file was written: line, column and the raw source text.
//!
//! The data tree ([`serde_json::Value`]) forgets how a value was written, yet authors need
//! messages at the exact place (`data/ziele.yaml:4:18`), and some mistakes are only visible in
//! the source: a German `2.760` reads as the decimal 2.76. The YAML reader's own spans
//! ([`serde_saphyr::Spanned`]) give both, for nested keys, list items and aliases alike.

use indexmap::IndexMap;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};

/// One value's place in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// 1-based line of the key (or list dash) that holds the value.
    pub key_line: usize,
    /// 1-based column of that key.
    pub key_column: usize,
    /// 1-based line of the value itself.
    pub line: usize,
    /// 1-based column of the value itself.
    pub column: usize,
    /// The scalar as written (quotes included), empty for maps and lists.
    pub raw: String,
}

impl Site {
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

/// A YAML node as far as places are concerned.
enum Node {
    Scalar,
    Map(Vec<(Spanned<String>, Spanned<Node>)>),
    List(Vec<Spanned<Node>>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

macro_rules! scalar {
    ($($name:ident: $ty:ty),*) => {
        $(fn $name<E: de::Error>(self, _: $ty) -> Result<Node, E> {
            Ok(Node::Scalar)
        })*
    };
}

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a YAML value")
    }

    scalar!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_i128: i128, visit_u128: u128,
        visit_f64: f64, visit_str: &str, visit_bytes: &[u8]);

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar)
    }

    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        Node::deserialize(deserializer)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<Spanned<String>, Spanned<Node>>()? {
            entries.push(entry);
        }
        Ok(Node::Map(entries))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::List(items))
    }
}

/// The places of every value in `text` by key path (`ziele.lokal.0.wert`); empty when the
/// text is not valid YAML (the loader reports that).
pub fn collect(text: &str, options: serde_saphyr::Options) -> IndexMap<String, Site> {
    let mut sites = IndexMap::new();
    if let Ok(root) = serde_saphyr::from_str_with_options::<Spanned<Node>>(text, options) {
        walk(text, &root.value, "", &mut sites);
    }
    sites
}

fn position(location: &Location) -> (usize, usize) {
    (
        usize::try_from(location.line()).unwrap_or(0),
        usize::try_from(location.column()).unwrap_or(0),
    )
}

fn raw_text(text: &str, location: &Location) -> String {
    let span = location.span();
    let (Some(start), Some(len)) = (span.byte_offset(), span.byte_len()) else {
        return String::new();
    };
    let (Ok(start), Ok(len)) = (usize::try_from(start), usize::try_from(len)) else {
        return String::new();
    };
    text.get(start..start.saturating_add(len))
        .unwrap_or_default()
        .to_string()
}

fn site(text: &str, key: &Location, value: &Spanned<Node>) -> Site {
    let (key_line, key_column) = position(key);
    let (line, column) = position(&value.defined);
    Site {
        key_line,
        key_column,
        line,
        column,
        raw: match value.value {
            Node::Scalar => raw_text(text, &value.defined),
            _ => String::new(),
        },
    }
}

fn walk(text: &str, node: &Node, path: &str, sites: &mut IndexMap<String, Site>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match node {
        Node::Scalar => {}
        Node::Map(entries) => {
            for (key, value) in entries {
                let child = join(&key.value);
                sites.insert(child.clone(), site(text, &key.referenced, value));
                walk(text, &value.value, &child, sites);
            }
        }
        Node::List(items) => {
            for (index, item) in items.iter().enumerate() {
                let child = join(&index.to_string());
                sites.insert(child.clone(), site(text, &item.referenced, item));
                walk(text, &item.value, &child, sites);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sites(text: &str) -> IndexMap<String, Site> {
        collect(text, serde_saphyr::Options::default())
    }

    #[test]
    fn nested_keys_list_items_and_raw_text() {
        let text = "# Kommentar\nziele:\n  integrationen: 2.760\n  lokal:\n    - ziel: A\n      wert: \"1.141\"\n";
        let sites = sites(text);
        let trap = &sites["ziele.integrationen"];
        assert_eq!((trap.key_line, trap.key_column), (3, 3));
        assert_eq!((trap.line, trap.column), (3, 18));
        assert_eq!(trap.unquoted(), ("2.760", false));
        let quoted = &sites["ziele.lokal.0.wert"];
        assert_eq!(quoted.line, 6);
        assert_eq!(quoted.unquoted(), ("1.141", true));
    }

    #[test]
    fn same_key_names_at_different_depths_are_told_apart() {
        let text = "a:\n  x: 1\nb:\n  a:\n    x: 2.500\n";
        let sites = sites(text);
        assert_eq!(sites["a.x"].line, 2);
        assert_eq!(sites["b.a.x"].line, 5);
        assert_eq!(sites["b.a.x"].raw, "2.500");
    }

    #[test]
    fn year_keys_and_flow_maps() {
        let sites = sites("jdw:\n  2018: 1\n  2019: 23,4\nflow: {a: 1.500}\n");
        assert_eq!(sites["jdw.2019"].raw, "23,4");
        assert_eq!(sites["flow.a"].raw, "1.500");
    }
}
