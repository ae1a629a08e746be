//! Escaping of text for Typst markup, shared by the Typst writer and the tables; a leaf module.

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
