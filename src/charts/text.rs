//! Text measurement with DejaVu Sans' real advance widths, and line breaking that never cuts.

use std::sync::OnceLock;

use ab_glyph::{Font as _, FontRef};

/// A text style of the charts: size in SVG pixels and weight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Font {
    pub(super) px: f64,
    pub(super) bold: bool,
}

/// Tick, category, legend and axis-title text.
pub(super) const LABEL: Font = Font {
    px: 12.0,
    bold: false,
};
/// Emphasised label text (ring percentages, totals).
pub(super) const LABEL_BOLD: Font = Font {
    px: 12.0,
    bold: true,
};
/// Value labels at points, bars and segments.
pub(super) const VALUE: Font = Font {
    px: 11.0,
    bold: false,
};
/// Emphasised value labels (stack totals).
pub(super) const VALUE_BOLD: Font = Font {
    px: 11.0,
    bold: true,
};
/// Line height of 12 px text.
pub(super) const LINE: i32 = 15;
/// Height reserved for one 11 px value label.
pub(super) const VALUE_H: i32 = 13;

/// Advance widths in font units for the first code points, and the fonts for the rest.
struct Metrics {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
    units: f32,
    table: [Vec<f32>; 2],
}

/// Code points below this are looked up in a table (Latin, Latin-1, Latin Extended-A/B).
const TABLE: u32 = 0x250;

fn metrics() -> Option<&'static Metrics> {
    static METRICS: OnceLock<Option<Metrics>> = OnceLock::new();
    METRICS
        .get_or_init(|| {
            let regular = FontRef::try_from_slice(dejavu::sans::regular()).ok()?;
            let bold = FontRef::try_from_slice(dejavu::sans::bold()).ok()?;
            let units = regular.units_per_em()?;
            let advances = |font: &FontRef<'static>| -> Vec<f32> {
                (0..TABLE)
                    .map(|code| {
                        char::from_u32(code)
                            .map_or(0.0, |c| font.h_advance_unscaled(font.glyph_id(c)))
                    })
                    .collect()
            };
            let table = [advances(&regular), advances(&bold)];
            Some(Metrics {
                regular,
                bold,
                units,
                table,
            })
        })
        .as_ref()
}

/// Whether the embedded font could be read.
pub(super) fn font_available() -> bool {
    metrics().is_some()
}

/// Width of `text` in whole pixels (rounded up), from DejaVu Sans' advance widths without
/// kerning, which makes it slightly generous compared to browsers and typst.
pub(super) fn width(text: &str, font: Font) -> i32 {
    let Some(metrics) = metrics() else {
        return 0;
    };
    let (face, table) = if font.bold {
        (&metrics.bold, metrics.table.get(1))
    } else {
        (&metrics.regular, metrics.table.first())
    };
    let mut units = 0.0f64;
    for c in text.chars() {
        let cached = table.and_then(|table| table.get(c as usize));
        let advance = match cached {
            Some(advance) => *advance,
            None => face.h_advance_unscaled(face.glyph_id(c)),
        };
        units += f64::from(advance);
    }
    let pixels = (units * font.px / f64::from(metrics.units)).ceil();
    // Finite and non-negative; widths beyond a million pixels are clamped.
    pixels.clamp(0.0, 1_000_000.0) as i32
}

/// The widest of several lines.
pub(super) fn widest<'a>(lines: impl IntoIterator<Item = &'a String>, font: Font) -> i32 {
    lines
        .into_iter()
        .map(|line| width(line, font))
        .max()
        .unwrap_or(0)
}

/// Replaces control characters (invalid in XML) by spaces, trims, and binds what must not be
/// split across lines: "§ 16e", "§§ 16d", "SGB II" get a no-break space.
pub(super) fn clean(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    bind(cleaned.trim())
}

/// Inserts no-break spaces after "§"/"§§" and between "SGB" and its book number.
fn bind(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let mut out = String::with_capacity(text.len());
    for (index, word) in words.iter().enumerate() {
        if index > 0 {
            let previous = words.get(index - 1).copied().unwrap_or_default();
            let keep = previous.ends_with('§')
                || (previous == "SGB" && is_book_number(word))
                || (previous == "Abs." || previous == "Nr.") && word.starts_with(char::is_numeric);
            out.push(if keep { '\u{a0}' } else { ' ' });
        }
        out.push_str(word);
    }
    out
}

fn is_book_number(word: &str) -> bool {
    let core = word.trim_end_matches([',', '.', ';', ':', ')']);
    !core.is_empty() && core.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
}

/// Pieces of a text between break opportunities: after a space (which disappears at a line
/// break) and after a hyphen inside a word (which stays). No-break spaces never break.
fn pieces(text: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    for word in text.split(' ').filter(|word| !word.is_empty()) {
        let mut spaced = true;
        let mut current = String::new();
        let chars: Vec<char> = word.chars().collect();
        for (index, c) in chars.iter().enumerate() {
            current.push(*c);
            let hyphen = matches!(c, '-' | '\u{2010}');
            let between_letters = index > 0
                && chars.get(index - 1).is_some_and(|p| p.is_alphanumeric())
                && chars.get(index + 1).is_some_and(|n| n.is_alphabetic());
            if hyphen && between_letters {
                out.push((std::mem::take(&mut current), spaced));
                spaced = false;
            }
        }
        if !current.is_empty() {
            out.push((current, spaced));
        }
    }
    out
}

/// Breaks `text` into lines of at most `max_width`, at spaces and hyphens; never shortens.
/// A single piece wider than a line stays whole on its own line (callers measure the result
/// and make room).
pub(super) fn wrap(text: &str, font: Font, max_width: i32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for (piece, spaced) in pieces(text) {
        if current.is_empty() {
            current = piece;
            continue;
        }
        let candidate = if spaced {
            format!("{current} {piece}")
        } else {
            format!("{current}{piece}")
        };
        if width(&candidate, font) <= max_width {
            current = candidate;
        } else {
            lines.push(std::mem::replace(&mut current, piece));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// The widest piece of `text` that cannot be broken.
pub(super) fn widest_piece(text: &str, font: Font) -> i32 {
    pieces(text)
        .iter()
        .map(|(piece, _)| width(piece, font))
        .max()
        .unwrap_or(0)
}

/// Height of `count` lines of label text.
pub(super) fn lines_height(count: usize) -> i32 {
    i32::try_from(count).unwrap_or(i32::MAX / LINE / 2) * LINE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_at_spaces_and_hyphens_and_keeps_everything() {
        let text = "Sozialwesen, Metall-Elektroindustrie und Handel";
        let lines = wrap(text, LABEL, 90);
        assert!(lines.len() > 2, "{lines:?}");
        assert!(lines.iter().all(|line| !line.contains('…')));
        let mut joined = String::new();
        for line in &lines {
            if !joined.is_empty() && !joined.ends_with('-') {
                joined.push(' ');
            }
            joined.push_str(line);
        }
        assert_eq!(joined, text);
        assert!(lines.iter().any(|l| l.ends_with("Metall-")), "{lines:?}");
        let lines = wrap("Gesundheits- und Sozialwesen", LABEL, 90);
        assert_eq!(lines.join(" "), "Gesundheits- und Sozialwesen");
    }

    #[test]
    fn paragraphs_and_books_stay_together() {
        let text = clean("Förderung (§§ 16d, 16e SGB II)");
        assert_eq!(text, "Förderung (§§\u{a0}16d, 16e SGB\u{a0}II)");
        for max in [10, 40, 60, 80] {
            for line in wrap(&text, LABEL, max) {
                assert!(!line.ends_with('§'), "{line}");
                assert_ne!(line, "II)");
            }
        }
        assert_eq!(clean("SGB III."), "SGB\u{a0}III.");
        assert_eq!(clean("SGB Xylophon"), "SGB Xylophon");
    }

    #[test]
    fn widths_grow_with_text_and_weight() {
        assert_eq!(width("", LABEL), 0);
        let normal = width("Arbeitslose", LABEL);
        assert!(normal > 50 && normal < 80, "{normal}");
        assert!(width("Arbeitslose", LABEL_BOLD) > normal);
        assert!(width("Arbeitslose", VALUE) < normal);
        // Outside the table: still measured.
        assert!(width("→→", LABEL) > 0);
    }
}
