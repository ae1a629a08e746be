//! Year over year: what changed between two versions of a programme (`amip diff`).
//!
//! Both versions are loaded and prepared in memory exactly as a build would ([`Snapshot`]);
//! [`compare`] then reports changes of meaning rather than of lines:
//! - `figures`: every data value that changed, with old → new and the change, and added or
//!   removed data sets, rows and series points;
//! - `text`: per chapter, a word diff of the visible text after expansion, so a changed
//!   figure shows up in the sentence that uses it; added, removed and renamed chapters and
//!   changed headings;
//! - `objects`: tables and charts that changed, and how.
//!
//! [`source`] turns a folder or a git revision into a project folder to load; [`terminal`] and
//! [`html`] write the report.

pub(crate) mod figures;
pub mod html;
pub(crate) mod objects;
pub mod source;
pub mod terminal;
pub(crate) mod text;

use std::path::Path;

use crate::diagnostic::Findings;
use crate::model::Project;
use crate::pipeline::{self, Checks, Prepared, Timings};

pub use figures::{FigureChange, FigureKind};
pub use objects::{ObjectChange, ObjectKind, ObjectStatus};
pub use text::{
    BlockDiff, BlockKind, ChapterChange, ChapterStatus, HeadingChange, Segment, SegmentTag,
};

/// One side of a comparison: a project loaded and prepared in memory.
pub struct Snapshot {
    /// How the side is named in the report ("Arbeitsordner", "v2020 (3f2a9c1)").
    pub label: String,
    /// The loaded project.
    pub project: Project,
    /// Expanded, parsed chapters and resolved tables and charts.
    pub prepared: Prepared,
}

impl Snapshot {
    /// Loads and prepares the project at `root`.
    pub fn load(root: &Path, label: impl Into<String>) -> Result<Self, Findings> {
        // The pipeline and checks of `amip check`: a version that check refuses (a failed
        // arithmetic check as much as a chart error) cannot be compared; open and example
        // values are fine, as in every draft.
        let document = pipeline::document(
            root,
            Checks::Draft,
            &mut Timings::default(),
            &mut crate::charts::SvgCache::default(),
        )?;
        Ok(Self {
            label: label.into(),
            project: document.project,
            prepared: document.prepared,
        })
    }
}

/// Everything that changed from the old to the new version.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Label of the old side.
    pub old_label: String,
    /// Label of the new side.
    pub new_label: String,
    /// Full title of the old programme.
    pub old_title: String,
    /// Full title of the new programme.
    pub new_title: String,
    /// Changed, added and removed data values.
    pub figures: Vec<FigureChange>,
    /// Every chapter of both sides, in the new order (removed ones where they stood).
    pub chapters: Vec<ChapterChange>,
    /// Changed, added and removed tables.
    pub tables: Vec<ObjectChange>,
    /// Changed, added and removed charts.
    pub charts: Vec<ObjectChange>,
}

impl Comparison {
    /// Chapters that are not unchanged.
    pub(crate) fn changed_chapters(&self) -> impl Iterator<Item = &ChapterChange> {
        self.chapters
            .iter()
            .filter(|c| c.status != ChapterStatus::Unchanged)
    }

    /// Whether nothing changed at all.
    pub fn is_empty(&self) -> bool {
        self.figures.is_empty()
            && self.changed_chapters().next().is_none()
            && self.tables.is_empty()
            && self.charts.is_empty()
    }

    /// One German sentence summing up the changes.
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "Keine Unterschiede.".to_string();
        }
        let chapters = self.changed_chapters().count();
        let parts: Vec<String> = [
            (self.figures.len(), "Zahl", "Zahlen"),
            (chapters, "Kapitel", "Kapitel"),
            (self.tables.len(), "Tabelle", "Tabellen"),
            (self.charts.len(), "Abbildung", "Abbildungen"),
        ]
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| count(*n, one, many))
        .collect();
        format!("Geändert: {}.", parts.join(", "))
    }
}

/// "1 Tabelle", "3 Tabellen".
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Compares two prepared versions.
pub fn compare(old: &Snapshot, new: &Snapshot) -> Comparison {
    let mut comparison = Comparison {
        old_label: old.label.clone(),
        new_label: new.label.clone(),
        old_title: old.project.programme.full_title(),
        new_title: new.project.programme.full_title(),
        figures: figures::compare(old, new),
        chapters: text::compare(old, new),
        tables: objects::compare_tables(&old.prepared.tables, &new.prepared.tables),
        charts: objects::compare_charts(&old.prepared.charts, &new.prepared.charts),
    };
    escape_controls(&mut comparison);
    comparison
}

/// Shows control characters in every text of the comparison escaped, for the terminal and
/// the page alike: a value such as `\e]0;…\a\e[2J` must not retitle or clear a reviewer's
/// terminal (see [`crate::controls`]).
fn escape_controls(comparison: &mut Comparison) {
    use crate::controls::escape_in_place as clean;
    use text::HeadingChange;
    for text in [
        &mut comparison.old_label,
        &mut comparison.new_label,
        &mut comparison.old_title,
        &mut comparison.new_title,
    ] {
        clean(text);
    }
    for figure in &mut comparison.figures {
        clean(&mut figure.path);
        for text in [
            &mut figure.label,
            &mut figure.old,
            &mut figure.new,
            &mut figure.delta,
            &mut figure.delta_percent,
        ]
        .into_iter()
        .flatten()
        {
            clean(text);
        }
    }
    for chapter in &mut comparison.chapters {
        clean(&mut chapter.file);
        clean(&mut chapter.title);
        if let Some(file) = chapter.old_file.as_mut() {
            clean(file);
        }
        for heading in &mut chapter.headings {
            match heading {
                HeadingChange::Added(text)
                | HeadingChange::Removed(text)
                | HeadingChange::Level { text, .. } => clean(text),
                HeadingChange::Changed { old, new } => {
                    clean(old);
                    clean(new);
                }
            }
        }
        for block in &mut chapter.blocks {
            for segment in &mut block.segments {
                clean(&mut segment.text);
            }
        }
    }
    for object in comparison.tables.iter_mut().chain(&mut comparison.charts) {
        clean(&mut object.id);
        clean(&mut object.caption);
        for detail in &mut object.details {
            clean(detail);
        }
    }
}

/// Sequence alignment shared by the figure, table and text diffs: runs of equal items and
/// change regions (deletions and insertions next to each other merged into one region).
pub(crate) fn align<T: Eq + std::hash::Hash>(
    old: &[T],
    new: &[T],
) -> Vec<(bool, std::ops::Range<usize>, std::ops::Range<usize>)> {
    let ops = similar::capture_diff_slices(similar::Algorithm::Patience, old, new);
    let mut regions: Vec<(bool, std::ops::Range<usize>, std::ops::Range<usize>)> = Vec::new();
    for op in ops {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        let equal = tag == similar::DiffTag::Equal;
        match regions.last_mut() {
            Some((false, last_old, last_new)) if !equal => {
                last_old.end = last_old.end.max(old_range.end);
                last_new.end = last_new.end.max(new_range.end);
            }
            _ => regions.push((equal, old_range, new_range)),
        }
    }
    regions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn align_merges_deletions_and_insertions() {
        let regions = align(&["a", "b", "c"], &["a", "x", "y", "c"]);
        assert_eq!(
            regions,
            vec![(true, 0..1, 0..1), (false, 1..2, 1..3), (true, 2..3, 3..4)]
        );
    }
}
