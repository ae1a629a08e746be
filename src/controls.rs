//! Control characters never reach a terminal or a page: text from sources (data values,
//! chapter text, file names) could otherwise change the terminal's title, clear the screen or
//! hide lines from a reviewer. C0 and C1 control characters other than tab and line feed are
//! shown escaped, as `\u{1b}`.

use std::borrow::Cow;

/// Whether `c` is shown escaped.
pub(crate) fn is_hidden_control(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n') || c == '\u{7f}'
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
                c if is_hidden_control(c) => '¿',
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
}
