//! The one Typst escaper: text for Typst markup and for Typst string literals, shared by the
//! Typst writer, the tables and the page template; a leaf module.

/// Characters that have a meaning somewhere in Typst markup.
const SPECIAL: &[char] = &[
    '\\', '#', '$', '@', '<', '>', '*', '_', '`', '[', ']', '{', '}', '=', '-', '+', '/', '~', '"',
    '\'',
];

/// Escapes text for Typst markup (inside `[…]` or at top level).
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    // "2019. …" at the start of a line would become a numbered list item.
    let leading_digits = text.chars().take_while(char::is_ascii_digit).count();
    let enum_like = leading_digits > 0 && text.chars().nth(leading_digits) == Some('.');
    for (index, ch) in text.chars().enumerate() {
        if SPECIAL.contains(&ch) || (index == 0 && enum_like) {
            out.push('\\');
            out.push(ch);
        } else if ch == '\n' || ch == '\r' || ch == '\t' {
            out.push(' ');
        } else {
            out.push(ch);
        }
    }
    out
}

/// Escapes text for a Typst string literal (`"…"`).
pub fn escape_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out
}

/// A quoted Typst string literal.
pub fn string(text: &str) -> String {
    format!("\"{}\"", escape_string(text))
}
