//! Text helpers shared by every stage (slugs, German quotes, no-break spaces); a leaf module
//! that depends on nothing else in the crate.

/// Lower-case ASCII slug for file names and anchors; umlauts are transliterated.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for ch in text.chars().flat_map(char::to_lowercase) {
        let mapped = match ch {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            c if c.is_ascii_alphanumeric() => {
                slug.push(c);
                continue;
            }
            _ => "-",
        };
        slug.push_str(mapped);
    }
    let parts: Vec<&str> = slug.split('-').filter(|part| !part.is_empty()).collect();
    parts.join("-")
}

/// Turns straight double quotes into German ones („…“), tracking the previous character
/// across the text events of one block.
#[derive(Debug, Default)]
pub(crate) struct QuoteState {
    pub(crate) last: Option<char>,
}

impl QuoteState {
    pub(crate) fn reset(&mut self) {
        self.last = None;
    }

    pub(crate) fn convert(&mut self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for ch in text.chars() {
            if ch == '"' {
                let opening = match self.last {
                    None => true,
                    Some(prev) => prev.is_whitespace() || "([{–—-/„\u{a0}".contains(prev),
                };
                out.push(if opening { '„' } else { '“' });
                self.last = Some(if opening { '„' } else { '“' });
            } else {
                out.push(ch);
                self.last = Some(ch);
            }
        }
        out
    }
}

/// Straight double quotes in a standalone text (captions, table cells) as German quotes, and
/// no-break spaces where a line must not break ([`protect_spaces`]).
pub(crate) fn german_quotes(text: &str) -> String {
    protect_spaces(&convert_quotes_plain(text))
}

/// Roman numerals of the books of the Sozialgesetzbuch ("SGB II").
const SGB_BOOKS: &[&str] = &[
    "XIV", "XIII", "XII", "XI", "X", "IX", "VIII", "VII", "VI", "V", "IV", "III", "II", "I",
];

/// No-break spaces after "§", "§§", "Abs." and "Nr." before a number, and inside "SGB II":
/// "§ 16i", "Abs. 1" and "SGB III" never break at the space, on the site or in the PDF.
pub(crate) fn protect_spaces(text: &str) -> String {
    if !text.contains(['§', '.', 'B']) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 4);
    let mut rest = text;
    while let Some(space) = rest.find(' ') {
        let (before, after) = rest.split_at(space);
        let after = after.get(1..).unwrap_or_default();
        out.push_str(before);
        let next_is_number = after.chars().next().is_some_and(|c| c.is_ascii_digit());
        let word = before
            .rsplit(|c: char| c.is_whitespace() || c == '\u{a0}')
            .next()
            .unwrap_or(before)
            .trim_start_matches(|c: char| !c.is_alphanumeric() && c != '§');
        let keep = match word {
            "§" | "§§" | "Abs." | "Nr." => next_is_number,
            "SGB" => SGB_BOOKS.iter().any(|book| {
                after
                    .strip_prefix(book)
                    .is_some_and(|tail| !tail.chars().next().is_some_and(char::is_alphanumeric))
            }),
            _ => false,
        };
        out.push(if keep { '\u{a0}' } else { ' ' });
        rest = after;
    }
    out.push_str(rest);
    out
}

pub(crate) fn convert_quotes_plain(text: &str) -> String {
    QuoteState::default().convert(text)
}

/// Escapes text for HTML (`&`, `<`, `>`, `"`): the one HTML escaper of amip, for page
/// templates, tables, the writer's own markup and the preview's overlay alike. It is the
/// routine pulldown-cmark escapes its own output with, so every part of a page agrees.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

/// [`escape_html`] into a writer (tera's escape function for the page templates).
pub fn write_escaped_html(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    pulldown_cmark_escape::escape_html(pulldown_cmark_escape::IoWriter(out), text)
}

/// Bytes of a relative file path that stay as they are in a link: letters, digits, `-._~`
/// and the folder separator `/`; everything else (`#`, `?`, `%`, spaces, umlauts) is
/// percent-encoded, so a file named `09-a#b.md` is reached as `09-a%23b.html`.
const PATH_KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// A relative file path (a page, an image) as it stands in `href` and `src`.
pub fn url_path(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, PATH_KEEP).to_string()
}

/// „1 Abbildung“, „2 Abbildungen“: a count with the noun in the right number.
pub fn counted(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_become_url_paths() {
        assert_eq!(url_path("bilder/logo.svg"), "bilder/logo.svg");
        assert_eq!(url_path("09-a#b.html"), "09-a%23b.html");
        assert_eq!(
            url_path("bilder/Förder plan?100%.png"),
            "bilder/F%C3%B6rder%20plan%3F100%25.png"
        );
    }

    #[test]
    fn html_escaping_covers_markup_and_quotes_in_both_forms() {
        assert_eq!(
            escape_html("<a href=\"x\">Tom & Jerry</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&lt;/a&gt;"
        );
        for text in [
            "",
            "Kapitel",
            "&&<<>>\"\"",
            "Ä ö ü ß – „Zitat“ 🎉 <",
            "ende&",
        ] {
            let mut written = Vec::new();
            write_escaped_html(text, &mut written).unwrap();
            assert_eq!(
                String::from_utf8(written).unwrap(),
                escape_html(text),
                "{text}"
            );
        }
    }
}
