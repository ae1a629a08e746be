//! Places in a chapter's source file for findings of the Markdown stage.
//!
//! The Markdown stage parses the *expanded* chapter (tera has already replaced `{{ … }}`), so
//! its byte offsets are not the author's. [`SourceMap`] maps them back: a line diff between
//! the chapter's source and its expansion pairs every expanded line with the source line it
//! came from. Lines that tera did not change map exactly, to the column; lines it changed map
//! to their source line, and the column is found by searching the snippet there.

use std::cell::OnceCell;
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
}

impl<'a> SourceMap<'a> {
    /// A map for `chapter`, whose expansion is `expanded`.
    pub(super) fn new(chapter: &'a Chapter, expanded: &'a str) -> Self {
        Self {
            chapter,
            expanded,
            lines: OnceCell::new(),
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
        let before = self.expanded.get(..start).unwrap_or_default();
        let expanded_line = before.matches('\n').count();
        let line_start = before.rfind('\n').map_or(0, |at| at + 1);
        let (source_line, unchanged) = self
            .lines()
            .get(expanded_line)
            .copied()
            .unwrap_or((0, false));
        let source_text = self
            .chapter
            .body
            .split_inclusive('\n')
            .nth(source_line)
            .unwrap_or_default();
        let column = if unchanged {
            before.get(line_start..).map_or(0, |s| s.chars().count())
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
