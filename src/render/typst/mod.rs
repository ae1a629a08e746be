//! The Typst document: `main.typ` from the `typst/main.typ` template, the chart SVGs and the
//! font files, written to a build folder in which typst then runs (see `crate::typst_cli`).

use indexmap::IndexMap;
use rayon::prelude::*;
use tera::{Context, Kwargs, State, Tera};

use super::template;
use crate::diagnostic::{Finding, Findings};
pub mod table;
pub mod writer;

use crate::markdown::{ChapterDoc, Numbering};
use crate::model::{Chart, Project, Table};
use writer::{escape_markup, string, write_chapter, TypstContext};

/// Folder of the chart SVGs next to `main.typ`.
pub const CHART_DIR: &str = "abbildungen";
/// Folder of the font files next to `main.typ`.
pub const FONT_DIR: &str = "schriften";
/// The body and chart font family.
pub const FONT_FAMILY: &str = "DejaVu Sans";

/// The Typst sources: `main.typ` and where each chapter starts in it.
pub struct TypstDocument {
    /// The whole `main.typ`.
    pub main: String,
    /// (first line in `main.typ`, chapter file) for mapping typst errors back to chapters.
    pub chapter_lines: Vec<(usize, String)>,
}

/// The Typst source of the PDF as an [`super::Output`]: `main.typ`, the chart SVGs, the
/// fonts and the project's images. typst then runs in its folder (see [`crate::build`]).
pub struct TypstSource;

/// The Typst source's folder below `output/`.
pub const FOLDER: &str = "typst";

impl super::Output for TypstSource {
    fn folder(&self) -> &'static str {
        FOLDER
    }

    fn render(
        &self,
        document: &crate::document::Document,
    ) -> Result<Vec<super::OutputFile>, Findings> {
        let prepared = &document.prepared;
        let rendered = render_document(
            &document.project,
            &prepared.docs,
            &prepared.numbering,
            &prepared.tables,
            &prepared.charts,
        )?;
        Ok(
            build_files(&rendered, &prepared.svgs, &document.project.images)
                .into_iter()
                .map(|(rel, bytes)| (rel, bytes.to_vec()))
                .collect(),
        )
    }
}

/// The file typst compiles, at the top of [`FOLDER`].
pub const MAIN: &str = "main.typ";

/// The files of the Typst build folder (relative path, bytes): fonts included, and the
/// project's images (logo, pictures in chapters) under their paths below `content/`, so that
/// `amip build` and the preview of `amip serve` give typst the same folder.
pub fn build_files<'a>(
    document: &'a TypstDocument,
    svgs: &'a IndexMap<String, String>,
    images: &'a IndexMap<String, Vec<u8>>,
) -> Vec<(String, &'a [u8])> {
    let mut files = vec![(MAIN.to_string(), document.main.as_bytes())];
    for (id, svg) in svgs {
        files.push((format!("{CHART_DIR}/{id}.svg"), svg.as_bytes()));
    }
    for (name, bytes) in fonts() {
        files.push((format!("{FONT_DIR}/{name}"), bytes));
    }
    files.extend(
        images
            .iter()
            .map(|(rel, bytes)| (rel.clone(), bytes.as_slice())),
    );
    files
}

/// The embedded DejaVu Sans faces typst needs for regular, bold and italic text.
pub fn fonts() -> [(&'static str, &'static [u8]); 4] {
    [
        ("DejaVuSans.ttf", dejavu::sans::regular()),
        ("DejaVuSans-Bold.ttf", dejavu::sans::bold()),
        ("DejaVuSans-Oblique.ttf", dejavu::sans::oblique()),
        ("DejaVuSans-BoldOblique.ttf", dejavu::sans::bold_oblique()),
    ]
}

fn escape_for_tera(input: &str, output: &mut dyn std::io::Write) -> std::io::Result<()> {
    output.write_all(escape_markup(input).as_bytes())
}

/// Writes `main.typ` from the template and the chapters.
pub fn render_document(
    project: &Project,
    docs: &[ChapterDoc],
    numbering: &Numbering,
    tables: &IndexMap<String, Table>,
    charts: &IndexMap<String, Chart>,
) -> Result<TypstDocument, Findings> {
    let ctx = TypstContext {
        tables,
        charts,
        numbering,
        chart_dir: CHART_DIR,
    };
    // Chapters are independent: write them on all cores, collected in order.
    let chapters: Vec<String> = docs
        .par_iter()
        .map(|doc| write_chapter(doc, &ctx))
        .collect();

    let mut tera = Tera::new();
    tera.set_escape_fn(escape_for_tera);
    tera.autoescape_on([".typ"]);
    tera.register_filter("typst_string", |value: &str, _: Kwargs, _: &State| {
        tera::Value::safe_string(&string(value))
    });
    crate::sandbox::guard(&mut tera);
    let name = "typst/main.typ";
    let added = match crate::sandbox::context_dump(template(project, name)) {
        Some(_) => Err(crate::sandbox::context_dump_message()),
        None => tera
            .add_raw_template(name, template(project, name))
            .map_err(|err| err.to_string()),
    };
    if let Err(err) = added {
        let mut findings = Findings::default();
        findings.push(
            Finding::error(format!("Fehler in der Vorlage templates/{name}: {err}"))
                .in_file(format!("templates/{name}")),
        );
        return Err(findings);
    }
    let mut context = title_context(project);
    context.insert("schrift", FONT_FAMILY);
    let safe: Vec<tera::Value> = chapters
        .iter()
        .map(|c| tera::Value::safe_string(c))
        .collect();
    context.insert("kapitel", &safe);
    let main = tera.render(name, &context).map_err(|err| {
        let mut findings = Findings::default();
        findings.push(
            Finding::error(format!("Fehler in der Vorlage templates/{name}: {err}"))
                .in_file(format!("templates/{name}")),
        );
        findings
    })?;

    let chapter_lines = chapter_lines(project, docs, &chapters, &main);
    // Control characters from the sources reach typst as text; `\\` because Typst reads
    // `\u{1b}` as the character itself.
    Ok(TypstDocument {
        main: crate::controls::shown_in_page(main, "\\\\"),
        chapter_lines,
    })
}

/// What the title page shows: title, jobcenter, place, Landkreis, logo, date, draft mark.
fn title_context(project: &Project) -> Context {
    let programme = &project.programme;
    let mut context = Context::new();
    context.insert("titel", &programme.full_title());
    context.insert("jobcenter", &programme.jobcenter);
    context.insert("ort", &programme.ort);
    context.insert("landkreis", &programme.landkreis);
    let images = project.images.keys().cloned().collect();
    context.insert(
        "logo",
        &crate::markdown::publication::logo(programme, &images),
    );
    context.insert(
        "datum",
        &programme
            .datum
            .as_deref()
            .and_then(crate::format::parse_date)
            .map(crate::format::date_long),
    );
    context.insert(
        "entwurf",
        &(programme.status == crate::model::Status::Draft),
    );
    context
}

/// (first line in `main.typ`, chapter file) of every chapter found in `main`.
fn chapter_lines(
    project: &Project,
    docs: &[ChapterDoc],
    chapters: &[String],
    main: &str,
) -> Vec<(usize, String)> {
    let mut chapter_lines = Vec::new();
    let mut search_from = 0;
    // Lines before `search_from`, counted once as the search moves on (not from the start for
    // every chapter, which grows with the square of the document).
    let mut lines_before = 0;
    for (doc, text) in docs.iter().zip(chapters) {
        if let Some(found) = main
            .get(search_from..)
            .and_then(|rest| rest.find(text.as_str()))
        {
            let start = search_from + found;
            let line = lines_before
                + main
                    .get(search_from..start)
                    .map_or(0, |p| p.matches('\n').count())
                + 1;
            let file = project
                .chapters
                .get(doc.chapter)
                .map(|c| c.file.clone())
                .unwrap_or_default();
            chapter_lines.push((line, file));
            lines_before = line - 1 + text.matches('\n').count();
            search_from = start + text.len();
        }
    }
    chapter_lines
}
