//! The prepared document that every command and every output shares; it sits below them all.

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

/// A project turned into a document by [`crate::pipeline::document`]: what every output
/// renders and what `amip diff` compares.
pub struct Document {
    /// The loaded project.
    pub project: crate::model::Project,
    /// Expanded, parsed chapters and resolved tables and charts.
    pub prepared: Prepared,
    /// Every finding that does not block the build (stages and checks).
    pub warnings: Findings,
    /// The PDF's file name, linked from every page.
    pub pdf_name: String,
    /// Whether the site links the PDF: not when a build writes only the site and no earlier
    /// PDF is kept (a link to a missing file).
    pub link_pdf: bool,
}
