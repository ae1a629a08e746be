//! Control characters never reach a terminal or a page: text from sources (data values,
//! chapter text, file names) could otherwise change the terminal's title, clear the screen or
//! hide lines from a reviewer. C0 and C1 control characters other than tab and line feed are
//! shown escaped, as `\u{1b}`; on the terminal the bidirectional controls too (`\u{202e}`),
//! which reorder what a reviewer sees.

use std::borrow::Cow;

/// The characters with Unicode's `Bidi_Control` property: they reorder the text around them
/// (a "Trojan Source" line shows other code than it holds). `char::is_control` does not know
/// them, as they are format characters (Cf), not control characters (Cc).
const BIDI_CONTROLS: [char; 12] = [
    '\u{61c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}',
    '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

/// Whether `c` is shown escaped on the terminal: C0 and C1 controls other than tab and line
/// feed, and the bidirectional controls.
pub(crate) fn is_hidden_control(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n') || BIDI_CONTROLS.contains(&c)
}

/// Whether `c` is shown escaped in a page (HTML, SVG, Typst source): the C0 and C1 controls
/// other than tab and the line ends. Bidirectional controls stay: text in right-to-left
/// scripts needs them, and a browser shows them as what they are.
fn is_page_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// `page` with every control character of [`is_page_control`] written as the text
/// `\u{1b}`, `backslash` standing for the backslash (`\\` where the page's language reads
/// `\u{…}` as an escape, as Typst does). Applied to whole pages, so no path of a value into
/// the page can miss it.
pub(crate) fn shown_in_page(page: String, backslash: &str) -> String {
    if !page.chars().any(is_page_control) {
        return page;
    }
    let mut out = String::with_capacity(page.len() + 16);
    for c in page.chars() {
        if is_page_control(c) {
            out.push_str(&format!("{backslash}u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` with every control character other than tab and line feed written as `\u{…}`.
pub fn escaped(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_hidden_control(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`escaped`] in place.
pub(crate) fn escape_in_place(text: &mut String) {
    if let Cow::Owned(clean) = escaped(text) {
        *text = clean;
    }
}

/// `text` with every control character replaced by a visible character of the same length
/// in bytes (`?` or `¿`), so byte offsets into it stay valid (for source excerpts).
pub(crate) fn masked_same_length(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| is_hidden_control(c) && c != '\r') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\r' => c,
                c if is_hidden_control(c) && c.len_utf8() == 1 => '?',
                c if is_hidden_control(c) && c.len_utf8() == 2 => '¿',
                c if is_hidden_control(c) => '⸮',
                c => c,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_sequences_are_shown_escaped() {
        assert_eq!(
            escaped("\u{1b}]0;PWNED\u{7}\u{1b}[2J"),
            "\\u{1b}]0;PWNED\\u{7}\\u{1b}[2J"
        );
        assert_eq!(escaped("a\tb\nc"), "a\tb\nc");
        assert_eq!(escaped("C1: \u{9b}2J"), "C1: \\u{9b}2J");
        let masked = masked_same_length("x\u{1b}[2J\u{9b}y");
        assert_eq!(masked, "x?[2J¿y");
        assert_eq!(masked.len(), "x\u{1b}[2J\u{9b}y".len());
    }

    #[test]
    fn bidirectional_controls_are_shown_escaped_on_the_terminal() {
        assert_eq!(
            escaped("Kapitel \u{202e}lmth.exe\u{202c} und \u{2066}a\u{2069}"),
            "Kapitel \\u{202e}lmth.exe\\u{202c} und \\u{2066}a\\u{2069}"
        );
        let text = "a\u{202e}b\u{200f}c";
        let masked = masked_same_length(text);
        assert_eq!(masked, "a⸮b⸮c");
        assert_eq!(masked.len(), text.len());
    }

    #[test]
    fn pages_show_controls_as_text() {
        let page = "<p>a\u{1b}]0;x\u{7}b\u{9b}\tc\r\n\u{202e}</p>".to_string();
        assert_eq!(
            shown_in_page(page.clone(), "\\"),
            "<p>a\\u{1b}]0;x\\u{7}b\\u{9b}\tc\r\n\u{202e}</p>"
        );
        assert_eq!(
            shown_in_page(page, "\\\\"),
            "<p>a\\\\u{1b}]0;x\\\\u{7}b\\\\u{9b}\tc\r\n\u{202e}</p>"
        );
    }
}
