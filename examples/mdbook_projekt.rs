//! Writes the expanded chapters of an amip project as an mdBook project, for the comparison in
//! `bench/compare.sh` (see README, "Leistung und Benchmarks").
//!
//! ```sh
//! cargo run --release --example mdbook_projekt -- PROJEKTORDNER ZIELORDNER
//! ```
//!
//! ZIELORDNER gets `book.toml` and `src/` with `SUMMARY.md` (the Vorwort as prefix chapter, the
//! numbered chapters as list) and one Markdown file per chapter: the chapter after expansion
//! with the data, with each table and chart as the same HTML amip puts on its pages (tables,
//! inline SVG and the data table of each chart) and references as links. mdBook thus gets the
//! same text, tables and figures that amip turns into its website.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark or example that cannot run stops with a message; no user input reaches it"
)]

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use amip::expand;
use amip::markdown::{anchor, label};
use amip::pipeline::{prepare, Prepared, Timings};
use amip::placeholder::{Placed, LANG as PLACEHOLDER_LANG, SCHEME as REFERENCE_SCHEME};
use amip::render::html::{table::to_html, writer::inline_svg};
use amip::tables;

/// The HTML amip writes for a placed table or chart, as one HTML block without blank lines.
fn placed_html(kind: Placed, id: &str, prepared: &Prepared) -> String {
    let number = prepared.numbering.get(kind, id).map_or(0, |p| p.number);
    let caption_label = label(kind, number);
    let html = match kind {
        Placed::Table => match prepared.tables.get(id) {
            Some(table) => format!(
                "<div id=\"{}\">\n{}</div>",
                anchor(kind, id),
                to_html(table, Some(&caption_label))
            ),
            None => String::new(),
        },
        Placed::Figure => match prepared.charts.get(id) {
            Some(chart) => {
                let anchor_id = anchor(kind, id);
                let svg = prepared
                    .svgs
                    .get(id)
                    .map(|svg| {
                        inline_svg(
                            svg,
                            &anchor_id,
                            &format!("{caption_label}: {}", chart.caption),
                            &chart.alt,
                        )
                    })
                    .unwrap_or_default();
                format!(
                    "<figure id=\"{anchor_id}\">\n{svg}\n<figcaption>{}: {}</figcaption>\n</figure>\n{}",
                    amip::text::escape_html(&caption_label),
                    amip::text::escape_html(&chart.caption),
                    to_html(&tables::chart_data_table(chart), None)
                )
            }
            None => String::new(),
        },
    };
    html.lines()
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Replaces amip's placeholders and references in one expanded chapter.
fn to_mdbook(markdown: &str, prepared: &Prepared, pages: &[String]) -> String {
    let mut out = String::with_capacity(markdown.len());
    let fence = format!("```{PLACEHOLDER_LANG}\n");
    let mut rest = markdown;
    while let Some(at) = rest.find(&fence) {
        out.push_str(&rest[..at]);
        let after = &rest[at + fence.len()..];
        let end = after.find("\n```").unwrap_or(after.len());
        let mut words = after[..end].split_whitespace();
        if let (Some(kind), Some(id)) = (words.next().and_then(Placed::from_keyword), words.next())
        {
            out.push_str(&placed_html(kind, id, prepared));
        }
        rest = after.get(end + 4..).unwrap_or_default();
    }
    out.push_str(rest);

    let link = format!("[]({REFERENCE_SCHEME}");
    let mut result = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(at) = rest.find(&link) {
        result.push_str(&rest[..at]);
        let after = &rest[at + link.len()..];
        let end = after.find(')').unwrap_or(after.len());
        if let Some((kind, id)) = after[..end].split_once('/') {
            if let Some(kind) = Placed::from_keyword(kind) {
                let place = prepared.numbering.get(kind, id);
                let page = place
                    .and_then(|p| pages.get(p.chapter))
                    .cloned()
                    .unwrap_or_default();
                let number = place.map_or(0, |p| p.number);
                write!(
                    result,
                    "[{}]({page}#{})",
                    label(kind, number),
                    anchor(kind, id)
                )
                .ok();
            }
        }
        rest = after.get(end + 1..).unwrap_or_default();
    }
    result.push_str(rest);
    result
}

fn run(project_dir: &Path, target: &Path) -> Result<(), String> {
    let project = amip::load::load(project_dir).map_err(|findings| {
        format!(
            "Das Projekt lässt sich nicht laden ({} Befunde).",
            findings.0.len()
        )
    })?;
    let prepared = prepare(&project, &mut Timings::start()).map_err(|findings| {
        format!("Das Projekt enthält Fehler ({} Befunde).", findings.0.len())
    })?;
    let expanded = expand::expand_all(&project)
        .map_err(|_| "Die Kapitel lassen sich nicht erweitern.".to_string())?;

    let src = target.join("src");
    fs::create_dir_all(&src).map_err(|e| e.to_string())?;
    let pages: Vec<String> = prepared
        .docs
        .iter()
        .map(|doc| format!("{}.html", doc.stem))
        .collect();
    let mut summary = String::from("# Summary\n\n");
    let mut numbered = false;
    for (doc, item) in prepared.docs.iter().zip(&expanded) {
        let file = format!("{}.md", doc.stem);
        let text = to_mdbook(&item.markdown, &prepared, &pages);
        fs::write(src.join(&file), text).map_err(|e| e.to_string())?;
        let title = doc.title().replace(['[', ']'], "");
        if doc.numbered {
            numbered = true;
            writeln!(summary, "- [{title}]({file})").ok();
        } else if numbered {
            writeln!(summary, "\n[{title}]({file})").ok();
        } else {
            writeln!(summary, "[{title}]({file})\n").ok();
        }
    }
    fs::write(src.join("SUMMARY.md"), summary).map_err(|e| e.to_string())?;
    let title = project.programme.full_title().replace('"', "'");
    fs::write(
        target.join("book.toml"),
        format!("[book]\ntitle = \"{title}\"\nlanguage = \"de\"\nsrc = \"src\"\n"),
    )
    .map_err(|e| e.to_string())?;
    println!(
        "{}: mdBook mit {} Kapiteln",
        target.display(),
        prepared.docs.len()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [project, target] = args.as_slice() else {
        eprintln!(
            "Aufruf: cargo run --release --example mdbook_projekt -- PROJEKTORDNER ZIELORDNER"
        );
        return ExitCode::FAILURE;
    };
    match run(project, target) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("Fehler: {message}");
            ExitCode::FAILURE
        }
    }
}
