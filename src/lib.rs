//! amip builds a jobcenter's Arbeitsmarkt- und Integrationsprogramm from Markdown chapters and
//! YAML data into an accessible website and an accessible PDF.
//!
//! The modules follow the pipeline, which [`pipeline::document`] runs for every command:
//! [`load`] reads the project once into the typed [`model`] (YAML and the BA's files from
//! [`sources`]); [`expand`] renders each chapter as a tera template over the data;
//! [`markdown`] parses the result once into nodes; [`tables`] and [`charts`] compute and draw
//! the declared tables and charts; [`check`] adds the checks. Every output in [`render`] writes
//! the resulting document in its format (`render::html`, `render::typst`: writer, tables,
//! page assembly); [`build`] writes them and runs typst, and `output` replaces `output/`
//! only after a complete build.
//!
//! Around the pipeline: [`diff`] compares two versions of a programme (`amip diff`), and
//! [`init`] scaffolds a new project (`amip init`).

pub mod build;
pub mod charts;
pub mod check;
pub mod console;
pub mod controls;
pub mod data;
pub mod diagnostic;
pub mod diff;
pub(crate) mod document;
pub mod door;
pub mod expand;
pub(crate) mod files;
pub mod format;
pub mod init;
pub mod load;
pub mod markdown;
pub mod model;
pub mod new_year;
pub(crate) mod numbers;
pub mod pipeline;
pub mod placeholder;
pub(crate) mod position;
pub mod render;
pub(crate) mod sandbox;
pub mod serve;
mod shape;
pub mod sources;
pub(crate) mod svg_clean;
pub mod tables;
pub mod text;
pub(crate) mod typst_cli;
pub(crate) mod typst_escape;
