//! Writes the example project's source files into `data/quellen/` (or the folder given):
//! `cargo run --example quellen_beispiel [-- ORDNER]`. The same generator serves the tests.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark or example that cannot run stops with a message; no user input reaches it"
)]

#[path = "../tests/suite/common/quellen.rs"]
#[allow(
    unreachable_pub,
    reason = "the generator is shared with the tests, which use more of it"
)]
mod quellen;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "data/quellen".to_string());
    if let Err(err) = quellen::write_all(std::path::Path::new(&dir)) {
        eprintln!("Die Quelldateien können nicht geschrieben werden: {err}");
        std::process::exit(1);
    }
    println!("Quelldateien in {dir}/ geschrieben.");
}
