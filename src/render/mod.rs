//! Rendering: every output format implements [`Output`] over the one [`Document`]: the
//! website ([`html::Site`]) and the Typst source of the PDF ([`typst::TypstSource`]).
//!
//! A new format (EPUB, DOCX) is a new module with an [`Output`] and one line in [`OUTPUTS`].
//! Both use tera templates. The defaults are compiled into the binary; a project overrides a
//! single one by placing a file with the same name in its `templates/` folder.

pub mod glyphs;
pub mod html;
pub mod typst;

use crate::diagnostic::Findings;
use crate::document::Document;
use crate::model::Project;

/// A file of an output: its path below the output's folder and its bytes.
pub type OutputFile = (String, Vec<u8>);

/// One format amip writes from the document.
pub trait Output: Sync {
    /// The output's folder below `output/` (`html`, `typst`).
    fn folder(&self) -> &'static str;

    /// The complete set of the output's files, images and fonts included: `amip build`
    /// writes exactly these, and so does `amip serve`.
    fn render(&self, document: &Document) -> Result<Vec<OutputFile>, Findings>;
}

/// Every output, in the order a build renders them: the Typst source first, since typst
/// then runs while the others are rendered.
pub const OUTPUTS: &[&dyn Output] = &[&typst::TypstSource, &html::Site];

pub use crate::files::DEFAULT_TEMPLATES;

/// The project's version of a template, or the built-in one.
pub fn template<'a>(project: &'a Project, name: &str) -> &'a str {
    if let Some(text) = project.templates.get(name) {
        return text;
    }
    DEFAULT_TEMPLATES
        .iter()
        .find(|(default_name, _)| *default_name == name)
        .map_or("", |(_, text)| text)
}
