//! The placeholder protocol between expansion and the Markdown stage, both sides in one
//! place; a leaf module.
//!
//! Expansion cannot number tables and figures: it sees one chapter at a time. So
//! `tabelle(…)`, `abbildung(…)` and `bild(…)` write a fenced block with the info string
//! [`LANG`], and `verweis(…)` writes an empty link to a [`SCHEME`] URL. The Markdown stage
//! reads them back with `parse_block` and `parse_reference`, numbers them in document
//! order, and both writers replace them, so HTML and PDF always agree on "Abbildung 2".

/// Info string of the fenced block a placeholder is written as.
pub const LANG: &str = "amip";
/// URL scheme of inline references.
pub const SCHEME: &str = "amip:";
/// Kind of target of `verweis(kapitel=…)`, as written into the reference URL
/// (`amip:kapitel/04-ressourcen`).
pub const CHAPTER_KEYWORD: &str = "kapitel";
/// Kind of target of `verweis(abschnitt=…)`.
pub const SECTION_KEYWORD: &str = "abschnitt";
/// First word of the placeholder block that `bild(…)` writes.
pub const IMAGE_KEYWORD: &str = "bild";

/// What a placeholder stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    /// A declared table.
    Table,
    /// A declared chart.
    Figure,
}

impl Placed {
    /// The keyword written into placeholders and reference URLs.
    pub fn keyword(self) -> &'static str {
        match self {
            Placed::Table => "tabelle",
            Placed::Figure => "abbildung",
        }
    }

    /// Parses [`Placed::keyword`].
    pub fn from_keyword(word: &str) -> Option<Self> {
        match word {
            "tabelle" => Some(Placed::Table),
            "abbildung" => Some(Placed::Figure),
            _ => None,
        }
    }
}

/// Width of an image placed with `bild(…, breite=…)`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ImageWidth {
    /// Share of the text width, in percent (1–100).
    Percent(f64),
    /// Centimetres.
    Cm(f64),
    /// Millimetres.
    Mm(f64),
    /// CSS pixels (1/96 inch).
    Px(f64),
}

impl ImageWidth {
    /// Parses "40%", "6cm", "60 mm", "300px" (German decimal comma allowed).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().replace(',', ".");
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let value: f64 = number
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v > 0.0)?;
        match unit.trim() {
            "%" if value <= 100.0 => Some(Self::Percent(value)),
            "cm" if value <= 100.0 => Some(Self::Cm(value)),
            "mm" if value <= 1000.0 => Some(Self::Mm(value)),
            "px" if value <= 10000.0 => Some(Self::Px(value)),
            _ => None,
        }
    }
}

/// What `bild(…)` writes into the placeholder block (as JSON).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ImageCall {
    /// Path relative to `content/`, as the author wrote it.
    pub datei: String,
    /// Alternative text.
    pub alt: String,
    /// Requested width, or the image's own size (never wider than the text).
    pub breite: Option<ImageWidth>,
}

/// The block placeholder of a table or figure, on lines of its own.
pub(crate) fn block(kind: Placed, id: &str) -> String {
    format!("\n\n```{LANG}\n{} {id}\n```\n\n", kind.keyword())
}

/// The block placeholder of an image.
pub(crate) fn image_block(call: &ImageCall) -> Result<String, serde_json::Error> {
    let json = serde_json::to_string(call)?
        // A backtick in the text must not end the fenced block early.
        .replace('`', "\\u0060");
    Ok(format!("\n\n```{LANG}\n{IMAGE_KEYWORD} {json}\n```\n\n"))
}

/// The inline reference to a table or figure: "Tabelle 3" once numbered.
pub(crate) fn reference(kind: Placed, id: &str) -> String {
    format!("[]({SCHEME}{}/{id})", kind.keyword())
}

/// Why a reference target cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnsafeTarget;

/// The inline reference to a chapter ([`CHAPTER_KEYWORD`]) or a section
/// ([`SECTION_KEYWORD`]); the angle brackets allow spaces in chapter file names.
pub(crate) fn section_reference(keyword: &str, target: &str) -> Result<String, UnsafeTarget> {
    if target.contains(['<', '>', '\n', '\r', '\\']) {
        return Err(UnsafeTarget);
    }
    Ok(format!("[](<{SCHEME}{keyword}/{target}>)"))
}

/// A block placeholder read back.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    /// `tabelle id` or `abbildung id`.
    Placed(Placed, String),
    /// `bild {json}`.
    Image(ImageCall),
}

/// Reads the text of a [`LANG`] block; `None` for anything amip did not write.
pub(crate) fn parse_block(body: &str) -> Option<Block> {
    let body = body.trim();
    if let Some(json) = body
        .strip_prefix(IMAGE_KEYWORD)
        .filter(|rest| rest.starts_with(' '))
    {
        return serde_json::from_str::<ImageCall>(json.trim())
            .ok()
            .map(Block::Image);
    }
    let mut words = body.split_whitespace();
    match (words.next().and_then(Placed::from_keyword), words.next()) {
        (Some(kind), Some(id)) => Some(Block::Placed(kind, id.to_string())),
        _ => None,
    }
}

/// The target of a reference URL read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A table or figure.
    Placed(Placed, String),
    /// A chapter by its file stem.
    Chapter(String),
    /// A section by its anchor.
    Section(String),
}

/// Reads a [`SCHEME`] URL; `None` for any other URL.
pub(crate) fn parse_reference(url: &str) -> Option<Target> {
    let (kind, id) = url.strip_prefix(SCHEME)?.split_once('/')?;
    match kind {
        CHAPTER_KEYWORD => Some(Target::Chapter(id.to_string())),
        SECTION_KEYWORD => Some(Target::Section(id.to_string())),
        other => Placed::from_keyword(other).map(|kind| Target::Placed(kind, id.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_expansion_writes_the_markdown_stage_reads_back() {
        let table = block(Placed::Table, "kosten");
        let body = table
            .trim()
            .strip_prefix("```amip")
            .and_then(|rest| rest.strip_suffix("```"))
            .unwrap();
        assert_eq!(
            parse_block(body),
            Some(Block::Placed(Placed::Table, "kosten".to_string()))
        );
        let call = ImageCall {
            datei: "bilder/karte`1`.png".to_string(),
            alt: "Karte mit `Zeichen`".to_string(),
            breite: ImageWidth::parse("40 %"),
        };
        let image = image_block(&call).unwrap();
        assert!(!image.trim().trim_matches('`').contains('`'), "{image}");
        let body = image
            .trim()
            .strip_prefix("```amip")
            .unwrap()
            .strip_suffix("```")
            .unwrap();
        assert_eq!(parse_block(body), Some(Block::Image(call)));
        assert_eq!(parse_block("tabelle"), None);
        assert_eq!(parse_block("bild {kaputt"), None);

        let url = |link: &str| {
            link.trim_start_matches("[](")
                .trim_end_matches(')')
                .trim_matches(['<', '>'])
                .to_string()
        };
        assert_eq!(
            parse_reference(&url(&reference(Placed::Figure, "elb"))),
            Some(Target::Placed(Placed::Figure, "elb".to_string()))
        );
        let chapter = section_reference(CHAPTER_KEYWORD, "04 ressourcen").unwrap();
        assert_eq!(
            parse_reference(&url(&chapter)),
            Some(Target::Chapter("04 ressourcen".to_string()))
        );
        assert_eq!(section_reference(SECTION_KEYWORD, "a>b"), Err(UnsafeTarget));
        assert_eq!(parse_reference("https://example.org/x"), None);
        assert_eq!(parse_reference("amip:unbekannt/x"), None);
    }
}
