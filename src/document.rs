//! The prepared document that build, check and the renderers share; it sits below all of them.

use indexmap::IndexMap;

use crate::diagnostic::Findings;
use crate::markdown::{ChapterDoc, Numbering};
use crate::model::{Chart, Table};

/// The document after all in-memory stages.
pub struct Prepared {
    /// Parsed chapters.
    pub docs: Vec<ChapterDoc>,
    /// Numbers of tables and figures.
    pub numbering: Numbering,
    /// Resolved tables by id.
    pub tables: IndexMap<String, Table>,
    /// Resolved charts by id.
    pub charts: IndexMap<String, Chart>,
    /// Chart SVGs by id.
    pub svgs: IndexMap<String, String>,
    /// Findings of the stages that do not block the build.
    pub warnings: Findings,
}
