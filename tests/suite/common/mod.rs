//! Shared helpers for the end-to-end tests: a fresh copy of the example project and a way
//! to run the real `amip` binary on it.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The example's source files in the BA's layouts (also `cargo run --example quellen_beispiel`).
pub mod quellen;

/// The repository root, where the example project lives.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary copy of the example project (content/, data/, templates/).
pub fn example_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for folder in ["content", "data", "templates"] {
        copy_dir(&repo().join(folder), &dir.path().join(folder));
    }
    dir
}

/// A temporary copy of the test programme `tests/fixtures/<name>` (its content/ and data/).
pub fn fixture_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures").join(name), dir.path());
    dir
}

/// A copy of the example whose ELB figures (series and Integrationsprognose) stand in
/// `data/elb.yaml` as YAML again instead of coming from `data/quellen/`, for tests that edit
/// those figures as text.
pub fn example_copy_with_yaml_elb() -> tempfile::TempDir {
    let dir = example_copy();
    fs::write(
        dir.path().join("data/elb.yaml"),
        include_str!("elb-als-yaml.yaml"),
    )
    .unwrap();
    dir
}

/// Runs `amip` with `args` in `project`; typst is never installed from a test.
pub fn amip(project: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_amip"))
        .arg("--project")
        .arg(project)
        .args(args)
        .env("AMIP_NO_INSTALL", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("the amip binary runs")
}

/// Fails with the install hint when typst is not there (tests never skip silently).
pub fn require_typst() {
    let ok = Command::new("typst")
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("0.15."));
    assert!(
        ok,
        "typst 0.15 fehlt: cargo install typst-cli --locked --version 0.15.1 (oder bash .ci/run)"
    );
}

/// Fails with the install hint when Chromium or the npm packages of the browser tests are
/// missing.
pub fn require_browser_tools() {
    assert!(
        Path::new("/usr/bin/chromium").exists() || std::env::var_os("CHROMIUM").is_some(),
        "Chromium fehlt: apt-get install chromium (oder bash .ci/run)"
    );
    assert!(
        repo().join("tests/browser/node_modules/axe-core").is_dir()
            && repo()
                .join("tests/browser/node_modules/playwright-core")
                .is_dir(),
        "npm-Pakete fehlen: cd tests/browser && npm ci (oder bash .ci/run)"
    );
}

/// The text of a PDF via pdftotext (poppler-utils).
pub fn pdf_text(pdf: &Path) -> String {
    let output = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|err| {
            panic!("pdftotext fehlt ({err}): apt-get install poppler-utils (oder bash .ci/run)")
        });
    assert!(output.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Text of `output`'s stdout and stderr for assertion messages.
pub fn describe(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The HTML pages of a built site, sorted by name.
pub fn html_pages(site: &Path) -> Vec<String> {
    let mut pages: Vec<String> = fs::read_dir(site)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".html"))
        .collect();
    pages.sort();
    pages
}

/// Every file below `dir` (relative path → bytes), for comparing whole output folders.
pub fn files_below(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    fs::read(&path).unwrap(),
                );
            }
        }
    }
    files
}

/// Both writers on parsed chapters, as the site and the PDF write them (one page per chapter):
/// each chapter's stem, HTML and Typst.
pub fn write_both(
    docs: &[amip::markdown::ChapterDoc],
    numbering: &amip::markdown::Numbering,
    tables: &indexmap::IndexMap<String, amip::model::Table>,
) -> Vec<(String, String, String)> {
    use amip::render::{html::writer as html, typst::writer as typst};
    let charts = indexmap::IndexMap::new();
    let svgs = indexmap::IndexMap::new();
    let pages: Vec<String> = docs.iter().map(|d| format!("{}.html", d.stem)).collect();
    let html_ctx = html::HtmlContext {
        tables,
        charts: &charts,
        numbering,
        pages: &pages,
        svgs: &svgs,
    };
    let typst_ctx = typst::TypstContext {
        tables,
        charts: &charts,
        numbering,
        chart_dir: "abbildungen",
    };
    docs.iter()
        .map(|doc| {
            (
                doc.stem.clone(),
                html::write_chapter(doc, &html_ctx, 0),
                typst::write_chapter(doc, &typst_ctx),
            )
        })
        .collect()
}

/// The folder of the real published files (`../shared/ba-real/files/`, or `AMIP_REAL_FILES`),
/// or `None` after printing „übersprungen: …“; under `CI=true` a missing folder fails.
pub fn real_dir() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("AMIP_REAL_FILES").map_or_else(
        || std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/ba-real/files"),
        std::path::PathBuf::from,
    );
    if dir.is_dir() {
        return Some(dir);
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(
        !ci,
        "CI=true, aber die echten Veröffentlichungen fehlen: {}",
        dir.display()
    );
    println!(
        "übersprungen: die echten Veröffentlichungen fehlen ({}); setzen Sie AMIP_REAL_FILES",
        dir.display()
    );
    None
}
