//! Rendering: the website ([`html`]) and the Typst document for the PDF ([`pdf`]).
//!
//! Both use tera templates. The defaults are compiled into the binary; a project overrides a
//! single one by placing a file with the same name in its `templates/` folder.

pub mod glyphs;
pub mod html;
pub mod pdf;

use crate::model::Project;

/// The built-in templates, by name relative to `templates/`.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "html/basis.html",
        include_str!("../../templates/html/basis.html"),
    ),
    (
        "html/index.html",
        include_str!("../../templates/html/index.html"),
    ),
    (
        "html/kapitel.html",
        include_str!("../../templates/html/kapitel.html"),
    ),
    (
        "html/style.css",
        include_str!("../../templates/html/style.css"),
    ),
    (
        "typst/main.typ",
        include_str!("../../templates/typst/main.typ"),
    ),
];

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
