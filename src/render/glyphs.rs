//! Characters the PDF cannot show.
//!
//! The PDF is set in the embedded DejaVu Sans; PDF/UA and PDF/A forbid missing glyphs, so
//! typst stops at a character no font has (many emoji, Chinese, Japanese). Instead of typst's
//! English message at a line of the generated `main.typ`, amip names each such character
//! (`U+1F642`) at its place in the chapter or data file, in `check` and `build` alike.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef};

use crate::diagnostic::{Finding, Findings};
use crate::model::Project;

/// Characters below this code point are looked up once in a table: chapters are mostly
/// Latin text, and asking every face for every character cost a quarter of a large build.
const TABLE_END: u32 = 0x3000;

/// Every character some face of the PDF's font family can draw.
fn drawable(ch: char) -> bool {
    static TABLE: OnceLock<Vec<bool>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0..TABLE_END)
            .map(|code| char::from_u32(code).is_some_and(drawable_in_faces))
            .collect()
    });
    table
        .get(ch as usize)
        .copied()
        .unwrap_or_else(|| drawable_in_faces(ch))
}

/// Asks the faces themselves.
fn drawable_in_faces(ch: char) -> bool {
    static FACES: OnceLock<Vec<FontRef<'static>>> = OnceLock::new();
    let faces = FACES.get_or_init(|| {
        super::typst::fonts()
            .iter()
            .filter_map(|(_, bytes)| FontRef::try_from_slice(bytes).ok())
            .collect()
    });
    ch.is_control() || ignorable(ch) || faces.iter().any(|face| face.glyph_id(ch).0 != 0)
}

/// Unicode default-ignorable code points (variation selectors, joiners, soft hyphen): typst
/// draws nothing for them and needs no glyph.
fn ignorable(ch: char) -> bool {
    matches!(ch as u32,
        0x00AD | 0x034F | 0x061C | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0000..=0xE0FFF)
}

/// Reports every character of the chapters and data files that the PDF cannot draw, with
/// file, line and column. Comments (`<!-- … -->`, `{# … #}`, YAML `# …`) are skipped: they
/// never reach the PDF.
pub fn check(project: &Project) -> Findings {
    let mut findings = Findings::default();
    for chapter in &project.chapters {
        let source = chapter.padded_source();
        scan(
            &chapter.file,
            &source,
            &markdown_comments(&source),
            &mut findings,
        );
    }
    for (file, text) in &project.sources {
        scan(file, text, &yaml_comments(text), &mut findings);
    }
    findings
}

fn scan(file: &str, text: &str, skipped: &[std::ops::Range<usize>], findings: &mut Findings) {
    let mut reported = BTreeSet::new();
    // Comment ranges in order of their start; walked along with the text, not searched.
    let mut skipped = skipped.to_vec();
    skipped.sort_by_key(|range| range.start);
    let mut next_skip = 0;
    let mut skip_end = 0;
    for (at, ch) in text.char_indices() {
        while let Some(range) = skipped.get(next_skip).filter(|range| range.start <= at) {
            skip_end = skip_end.max(range.end);
            next_skip += 1;
        }
        if drawable(ch) || at < skip_end {
            continue;
        }
        // Each character once per file is enough to find and replace it.
        if !reported.insert(ch) {
            continue;
        }
        findings.push(
            Finding::error(format!(
                "Das Zeichen „{ch}“ (U+{:04X}) kann im PDF nicht dargestellt werden: die Schrift DejaVu Sans enthält es nicht.",
                ch as u32
            ))
            .in_file(file)
            .at_range(text, at..at + ch.len_utf8())
            .with_help("Ersetzen Sie es durch Text oder ein Zeichen, das die Schrift kennt (z. B. ✓, →, €); Emoji und chinesische oder japanische Schrift sind im barrierefreien PDF nicht möglich."),
        );
    }
}

/// Byte ranges of HTML comments and tera comments in a chapter.
fn markdown_comments(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    for (open, close) in [("<!--", "-->"), ("{#", "#}")] {
        let mut from = 0;
        while let Some(start) = text.get(from..).and_then(|rest| rest.find(open)) {
            let start = from + start;
            let end = text
                .get(start + open.len()..)
                .and_then(|rest| rest.find(close))
                .map_or(text.len(), |end| start + open.len() + end + close.len());
            ranges.push(start..end);
            from = end;
        }
    }
    ranges
}

/// Byte ranges of YAML comments: `#` at the start of a line or after a space, outside quotes.
fn yaml_comments(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let mut quote: Option<char> = None;
        let mut previous = ' ';
        for (at, ch) in line.char_indices() {
            match (quote, ch) {
                (None, '"' | '\'') if previous.is_whitespace() || ":[{,-".contains(previous) => {
                    quote = Some(ch)
                }
                (Some(open), c) if c == open => quote = None,
                (None, '#') if previous.is_whitespace() => {
                    ranges.push(offset + at..offset + line.len());
                    break;
                }
                _ => {}
            }
            previous = ch;
        }
        offset += line.len();
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_draws_german_text_and_not_every_emoji() {
        for ch in "Äöüß „“ – € § ✓ → ☺".chars() {
            assert!(drawable(ch), "{ch}");
        }
        for ch in ['🙂', '中', '文'] {
            assert!(!drawable(ch), "{ch}");
        }
        assert!(drawable('\u{FE0F}'), "variation selectors need no glyph");
    }

    #[test]
    fn comments_are_skipped() {
        let yaml = "a: \"x # 🙂\" # 🙂\n# 🙂\nb: 🙂\n";
        let ranges = yaml_comments(yaml);
        let hits: Vec<usize> = yaml
            .char_indices()
            .filter(|(at, ch)| *ch == '🙂' && !ranges.iter().any(|r| r.contains(at)))
            .map(|(at, _)| at)
            .collect();
        assert_eq!(hits.len(), 2, "inside quotes and as a value: {hits:?}");
        let md = "a <!-- 🙂 --> b {# 🙂 #} c 🙂";
        assert_eq!(markdown_comments(md).len(), 2);
    }

    #[test]
    fn scan_skips_both_kinds_of_comment_wherever_they_stand() {
        let md = "# T\n{# 😀 #} a <!-- 😃 --> b 🙂 <!-- 😄 -->\n中 {# 😁 #}\n";
        let mut findings = Findings::default();
        scan("content/01-a.md", md, &markdown_comments(md), &mut findings);
        let found: Vec<(Option<usize>, Option<usize>)> =
            findings.0.iter().map(|f| (f.line, f.column)).collect();
        assert_eq!(
            found,
            vec![(Some(2), Some(24)), (Some(3), Some(1))],
            "{findings:?}"
        );
    }
}
