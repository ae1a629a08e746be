//! Places in a chapter's source file for findings of the Markdown stage.
//!
//! The Markdown stage parses the *expanded* chapter (tera has already replaced `{{ … }}`), so
//! its byte offsets are not the author's. [`SourceMap`] maps them back: a line diff between
//! the chapter's source and its expansion pairs every expanded line with the source line it
//! came from. Lines that tera did not change map exactly, to the column; lines it changed map
//! to their source line, and the column is found by searching the snippet there.
//!
//! A chapter may have tens of thousands of links, each asking for its place: line starts of
//! both texts are indexed once and every lookup is a binary search, so the stage stays linear.

use std::cell::{Cell, OnceCell};
use std::ops::Range;

use similar::{DiffOp, TextDiff};

use crate::diagnostic::Finding;
use crate::model::Chapter;

/// Maps byte ranges of a chapter's expanded Markdown to its source file.
pub(super) struct SourceMap<'a> {
    chapter: &'a Chapter,
    expanded: &'a str,
    /// Per expanded line: (source line index in the body, whether the line is unchanged).
    /// Built on the first finding only: a chapter without errors never pays for the diff.
    lines: OnceCell<Vec<(usize, bool)>>,
    /// Byte offset of every line start in `expanded`, built on the first lookup.
    expanded_starts: OnceCell<Vec<usize>>,
    /// Byte offset of every line start in the chapter body, built on the first lookup.
    source_starts: OnceCell<Vec<usize>>,
    /// The last column counted: (line start, byte offset, characters from line start to it).
    /// Events come in order, so counting on from here keeps a long line linear too.
    last_column: Cell<(usize, usize, usize)>,
}

/// Byte offsets at which the lines of `text` start (the first is always 0).
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(at, _)| at + 1))
        .collect()
}

/// The 0-based line of byte `offset` and the offset of that line's start.
fn line_of(starts: &[usize], offset: usize) -> (usize, usize) {
    let line = starts
        .partition_point(|&start| start <= offset)
        .saturating_sub(1);
    (line, starts.get(line).copied().unwrap_or(0))
}

impl<'a> SourceMap<'a> {
    /// A map for `chapter`, whose expansion is `expanded`.
    pub(super) fn new(chapter: &'a Chapter, expanded: &'a str) -> Self {
        Self {
            chapter,
            expanded,
            lines: OnceCell::new(),
            expanded_starts: OnceCell::new(),
            source_starts: OnceCell::new(),
            last_column: Cell::new((0, 0, 0)),
        }
    }

    fn lines(&self) -> &[(usize, bool)] {
        self.lines.get_or_init(|| {
            let diff = TextDiff::from_lines(self.chapter.body.as_str(), self.expanded);
            let mut map = Vec::new();
            for op in diff.ops() {
                match *op {
                    DiffOp::Equal { old_index, len, .. } => {
                        map.extend((0..len).map(|k| (old_index + k, true)))
                    }
                    DiffOp::Delete { .. } => {}
                    DiffOp::Insert {
                        old_index, new_len, ..
                    } => map.extend((0..new_len).map(|_| (old_index, false))),
                    DiffOp::Replace {
                        old_index,
                        old_len,
                        new_len,
                        ..
                    } => map.extend(
                        (0..new_len).map(|k| (old_index + k.min(old_len.saturating_sub(1)), false)),
                    ),
                }
            }
            map
        })
    }

    /// The 1-based line and column in the chapter file of `range` in the expansion.
    pub(super) fn place(&self, range: Range<usize>) -> (usize, usize) {
        let start = range.start.min(self.expanded.len());
        let expanded_starts = self
            .expanded_starts
            .get_or_init(|| line_starts(self.expanded));
        let (expanded_line, line_start) = line_of(expanded_starts, start);
        let (source_line, unchanged) = self
            .lines()
            .get(expanded_line)
            .copied()
            .unwrap_or((0, false));
        let source_starts = self
            .source_starts
            .get_or_init(|| line_starts(&self.chapter.body));
        let body = self.chapter.body.as_str();
        let source_text = source_starts
            .get(source_line)
            .and_then(|&from| {
                let to = source_starts
                    .get(source_line + 1)
                    .copied()
                    .unwrap_or(body.len());
                body.get(from..to)
            })
            .unwrap_or_default();
        let column = if unchanged {
            self.column_in_expansion(line_start, start)
        } else {
            // The first line of the snippet, searched for in the source line.
            let snippet = self
                .expanded
                .get(start..range.end.min(self.expanded.len()))
                .unwrap_or_default()
                .lines()
                .next()
                .unwrap_or_default();
            source_text
                .find(snippet)
                .filter(|_| !snippet.is_empty())
                .and_then(|at| source_text.get(..at))
                .map_or(0, |s| s.chars().count())
        };
        (self.chapter.body_line_offset + source_line + 1, column + 1)
    }

    /// Characters from `line_start` to `start` in the expansion, counted on from the last
    /// lookup when it lies on the same line before `start`.
    fn column_in_expansion(&self, line_start: usize, start: usize) -> usize {
        let (last_line, last_byte, last_chars) = self.last_column.get();
        let (from, base) = if last_line == line_start && last_byte <= start {
            (last_byte, last_chars)
        } else {
            (line_start, 0)
        };
        let chars = base
            + self
                .expanded
                .get(from..start)
                .map_or(0, |s| s.chars().count());
        self.last_column.set((line_start, start, chars));
        chars
    }

    /// An error at `range` of the expansion, pointing at its place in the chapter file.
    pub(super) fn error(&self, message: impl Into<String>, range: Range<usize>) -> Finding {
        let (line, column) = self.place(range);
        Finding::error(message).in_file(&self.chapter.file).at(
            &self.chapter.padded_source(),
            line,
            column,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FrontMatter;

    fn chapter(body: &str, offset: usize) -> Chapter {
        Chapter {
            file: "content/01-a.md".to_string(),
            stem: "01-a".to_string(),
            front: FrontMatter::default(),
            body: body.to_string(),
            body_line_offset: offset,
        }
    }

    /// Byte range of the `nth` occurrence of `needle` in `text`.
    fn nth_range(text: &str, needle: &str, nth: usize) -> Range<usize> {
        let (at, _) = text.match_indices(needle).nth(nth).unwrap();
        at..at + needle.len()
    }

    /// 3,000 lines with two links each; every seventh line was changed by the templates
    /// (a value replaced by a longer number). Every link still maps to its own line and column.
    #[test]
    fn many_links_keep_line_and_column() {
        let mut body = String::from("# Titel\n\n");
        let mut expanded = body.clone();
        for i in 0..3000 {
            let (src, exp) = if i % 7 == 0 {
                ("{{ w }}".to_string(), "1.234.567".to_string())
            } else {
                ("ä".to_string(), "ä".to_string())
            };
            body.push_str(&format!("{src} [L{i}](#a{i}) und [M{i}](#b{i}).\n"));
            expanded.push_str(&format!("{exp} [L{i}](#a{i}) und [M{i}](#b{i}).\n"));
        }
        let chapter = chapter(&body, 2);
        let map = SourceMap::new(&chapter, &expanded);
        for i in (0..3000).step_by(1) {
            let first = map.place(nth_range(&expanded, &format!("[L{i}]"), 0));
            let second = map.place(nth_range(&expanded, &format!("[M{i}]"), 0));
            // Line: 2 front-matter lines, the title, an empty line, then line i.
            let line = 2 + 2 + i + 1;
            let prefix = if i % 7 == 0 { "{{ w }} " } else { "ä " };
            let col_l = prefix.chars().count() + 1;
            let col_m = col_l + format!("[L{i}](#a{i}) und ").chars().count();
            assert_eq!(first, (line, col_l), "link L{i}");
            assert_eq!(second, (line, col_m), "link M{i}");
        }
    }

    /// Many links on one long line, asked for out of order: columns count characters.
    #[test]
    fn long_line_columns_in_any_order() {
        let line: String = (0..2000).map(|i| format!("ö [x{i}](#x{i}) ")).collect();
        let body = format!("# T\n{line}\n");
        let chapter = chapter(&body, 0);
        let map = SourceMap::new(&chapter, &body);
        let column = |i: usize| {
            let prefix: String = (0..i).map(|k| format!("ö [x{k}](#x{k}) ")).collect();
            prefix.chars().count() + 2 + 1
        };
        for i in [5usize, 1999, 3, 1000, 1001, 0] {
            let at = map.place(nth_range(&body, &format!("[x{i}]"), 0));
            assert_eq!(at, (2, column(i)), "link x{i}");
        }
    }
}
