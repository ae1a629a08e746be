//! The integration tests as one binary, a module per capability (as mdBook's
//! `tests/testsuite`), so that the crate and the test helpers link once.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::print_stderr
)]
// The helpers in `common` are shared by the modules of this one binary; `pub` is their reach.
// A test reads as one scenario from input to every assertion, however long.
#![allow(unreachable_pub, clippy::too_many_lines)]

mod common;

mod accessibility;
mod diff;
mod document;
mod door;
mod example;
mod fixtures;
mod honoured_messages;
mod honoured_templates;
mod honoured_values;
mod hostile;
mod import;
mod importers;
mod init;
mod markdown_property;
mod new_year;
mod numbers;
mod official;
mod parity;
mod parity_property;
mod robustness;
mod safe;
mod scale;
mod serve;
mod typst_lookup;
mod writers;
