//! The website: a start page (title, Vorwort, table of contents, PDF link) and one page per
//! numbered chapter, all from tera templates, with one stylesheet and the chart SVGs.
//! Everything is local: no request leaves the site, and no page needs JavaScript.

use indexmap::IndexMap;
use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use super::template;
use crate::diagnostic::{Finding, Findings};
pub mod table;
pub mod writer;

use crate::markdown::{ChapterDoc, Numbering};
use crate::model::{Chart, Project, Table};
use writer::{write_chapter, HtmlContext};

/// Folder of the chart SVGs inside the site.
pub const CHART_DIR: &str = "abbildungen";

/// The page with the whole programme, for reading, searching and printing in one go.
pub const ONE_PAGE: &str = "gesamt.html";

/// A file of the site: path relative to `output/html/` and its bytes.
pub type SiteFile = (String, Vec<u8>);

/// Everything the site is made of, computed by earlier stages.
pub struct SiteInput<'a> {
    /// The project.
    pub project: &'a Project,
    /// Parsed chapters.
    pub docs: &'a [ChapterDoc],
    /// Numbers of tables and figures.
    pub numbering: &'a Numbering,
    /// Resolved tables.
    pub tables: &'a IndexMap<String, Table>,
    /// Resolved charts.
    pub charts: &'a IndexMap<String, Chart>,
    /// The chart SVGs by id.
    pub svgs: &'a IndexMap<String, String>,
    /// File name of the PDF, linked from every page.
    pub pdf_name: &'a str,
}

/// The website as an [`super::Output`]: every page, the style sheet, the chart SVGs and the
/// project's images.
pub struct Site;

/// The website's folder below `output/`.
pub const FOLDER: &str = "html";

impl super::Output for Site {
    fn folder(&self) -> &'static str {
        FOLDER
    }

    fn render(&self, document: &crate::document::Document) -> Result<Vec<SiteFile>, Findings> {
        // Without a PDF the pages get no download link (an empty name).
        let pdf_name = if document.link_pdf {
            document.pdf_name.as_str()
        } else {
            ""
        };
        let site = render_site(&SiteInput::from_prepared(
            &document.project,
            &document.prepared,
            pdf_name,
        ))?;
        // Images first: should a page or chart share an image's name, the generated file wins.
        let mut files: Vec<SiteFile> = document
            .project
            .images
            .iter()
            .map(|(rel, bytes)| (rel.clone(), bytes.clone()))
            .collect();
        files.extend(site);
        Ok(files)
    }
}

impl<'a> SiteInput<'a> {
    /// The site input of a prepared project: the one way every command builds it.
    pub fn from_prepared(
        project: &'a Project,
        prepared: &'a crate::document::Prepared,
        pdf_name: &'a str,
    ) -> Self {
        Self {
            project,
            docs: &prepared.docs,
            numbering: &prepared.numbering,
            tables: &prepared.tables,
            charts: &prepared.charts,
            svgs: &prepared.svgs,
            pdf_name,
        }
    }
}

#[derive(Serialize)]
struct TocSection {
    titel: String,
    id: String,
}

#[derive(Serialize)]
struct TocChapter {
    titel: String,
    seite: String,
    im_verzeichnis: bool,
    abschnitte: Vec<TocSection>,
}

/// Page of each chapter as links name it (percent-encoded, see [`crate::text::url_path`]):
/// unnumbered chapters before the first numbered one (the Vorwort) are shown on the start
/// page. The page's file is [`page_file`].
pub fn page_names(docs: &[ChapterDoc]) -> Vec<String> {
    let mut in_front = true;
    docs.iter()
        .map(|doc| {
            if in_front && !doc.numbered {
                "index.html".to_string()
            } else {
                in_front = false;
                crate::text::url_path(&page_file(doc))
            }
        })
        .collect()
}

/// A page's bytes, control characters from the sources shown as text (`\u{1b}`).
/// Every page carries the policy that forbids scripts, also when a project's own
/// `templates/html/basis.html` left it out (a second policy only narrows the first).
fn page_bytes(page: String) -> Vec<u8> {
    let page = if page.contains("Content-Security-Policy") {
        page
    } else {
        match page
            .find("<head>")
            .and_then(|at| page.split_at_checked(at + "<head>".len()))
        {
            Some((head, rest)) => format!("{head}\n{CSP_META}{rest}"),
            None => format!("{CSP_META}\n{page}"),
        }
    };
    shown_as_text(page)
}

/// A page's or chart's bytes, control characters from the sources shown as text (`\u{1b}`).
fn shown_as_text(text: String) -> Vec<u8> {
    crate::controls::shown_in_page(text, "\\").into_bytes()
}

/// The policy of the built-in page template, for pages whose template lacks it.
const CSP_META: &str = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:\">";

/// The file name of a chapter's own page.
fn page_file(doc: &ChapterDoc) -> String {
    format!("{}.html", doc.stem)
}

/// Renders all pages and assets of the site.
pub fn render_site(input: &SiteInput<'_>) -> Result<Vec<SiteFile>, Findings> {
    let project = input.project;
    let mut findings = Findings::default();
    let tera = page_tera(project)?;
    let pages = page_names(input.docs);
    let ctx = HtmlContext {
        tables: input.tables,
        charts: input.charts,
        numbering: input.numbering,
        pages: &pages,
        svgs: input.svgs,
    };
    let toc = table_of_contents(input.docs, &pages);
    let base = base_context(project, input.pdf_name);
    let folders = chapter_folders(project, input.docs);
    let navigation = Navigation::new(&toc, &folders);
    let mut site_base = base.clone();
    site_base.insert("navigation", &navigation.for_page(None));

    let mut files: Vec<SiteFile> = Vec::new();
    // Start page with the Vorwort.
    let front: Vec<String> = input
        .docs
        .iter()
        .zip(&pages)
        .filter(|(_, page)| *page == "index.html")
        .map(|(doc, _)| write_chapter(doc, &ctx, 1))
        .collect();
    let mut index_ctx = site_base.clone();
    index_ctx.insert("vorspann", &front);
    index_ctx.insert("kapitel", &toc);
    index_ctx.insert("aktuelle_seite", "index.html");
    match tera.render("html/index.html", &index_ctx) {
        Ok(html) => files.push(("index.html".to_string(), page_bytes(html))),
        Err(err) => findings.push(template_error("html/index.html", &err)),
    }
    for (page, html) in chapter_pages(&tera, &base, &navigation, input.docs, &ctx) {
        match html {
            Ok(html) => files.push((page, page_bytes(html))),
            Err(err) => findings.push(template_error("html/kapitel.html", &err)),
        }
    }
    match one_page(&tera, &site_base, input.docs, &ctx) {
        Ok(html) => files.push((ONE_PAGE.to_string(), page_bytes(html))),
        Err(err) => findings.push(template_error("html/gesamt.html", &err)),
    }
    files.push((
        "style.css".to_string(),
        template(project, "html/style.css").as_bytes().to_vec(),
    ));
    for (id, svg) in input.svgs {
        files.push((format!("{CHART_DIR}/{id}.svg"), shown_as_text(svg.clone())));
    }
    if findings.has_errors() {
        Err(findings)
    } else {
        Ok(files)
    }
}

/// The page templates (the project's or the built-in ones), guarded like the chapters.
fn page_tera(project: &Project) -> Result<Tera, Findings> {
    let mut findings = Findings::default();
    let mut tera = Tera::new();
    tera.set_escape_fn(crate::text::write_escaped_html);
    crate::sandbox::guard(&mut tera);
    for name in [
        "html/basis.html",
        "html/index.html",
        "html/kapitel.html",
        "html/gesamt.html",
    ] {
        if crate::sandbox::context_dump(template(project, name)).is_some() {
            findings.push(
                Finding::error(format!(
                    "Fehler in der Vorlage templates/{name}: {}",
                    crate::sandbox::context_dump_message()
                ))
                .in_file(format!("templates/{name}")),
            );
        } else if let Err(err) = tera.add_raw_template(name, template(project, name)) {
            findings.push(
                Finding::error(format!("Fehler in der Vorlage templates/{name}: {err}"))
                    .in_file(format!("templates/{name}")),
            );
        }
    }
    if findings.has_errors() {
        return Err(findings);
    }
    Ok(tera)
}

/// The table of contents: every chapter with its page and its numbered sections.
fn table_of_contents(docs: &[ChapterDoc], pages: &[String]) -> Vec<TocChapter> {
    docs.iter()
        .zip(pages)
        .map(|(doc, page)| TocChapter {
            titel: doc.numbered_title(),
            seite: page.clone(),
            im_verzeichnis: page != "index.html",
            abschnitte: doc
                .headings
                .iter()
                .filter(|h| h.level == 2)
                .map(|h| TocSection {
                    titel: match &h.number {
                        Some(n) => format!("{n} {}", h.text),
                        None => h.text.clone(),
                    },
                    id: h.id.clone(),
                })
                .collect(),
        })
        .collect()
}

/// What every page template gets: title, jobcenter, logo, date (the navigation is per page).
fn base_context(project: &Project, pdf_name: &str) -> Context {
    let programme = &project.programme;
    let mut base = Context::new();
    base.insert("titel", &programme.full_title());
    base.insert("jobcenter", &programme.jobcenter);
    base.insert("landkreis", &programme.landkreis);
    base.insert(
        "entwurf",
        &(programme.status == crate::model::Status::Draft),
    );
    base.insert("pdf", pdf_name);
    base.insert("gesamt", ONE_PAGE);
    let images = project.images.keys().cloned().collect();
    // In the page the logo's path is a link: percent-encoded like every file name.
    let logo =
        crate::markdown::publication::logo(programme, &images).map(|logo| crate::model::Logo {
            datei: crate::text::url_path(&logo.datei),
            ..logo
        });
    base.insert("logo", &logo);
    base.insert(
        "stand",
        &programme
            .datum
            .as_deref()
            .and_then(crate::format::parse_date)
            .map(crate::format::date_short),
    );
    base
}

/// Beyond this many chapter pages each page carries a compact navigation instead of every
/// chapter: a full list on each of N pages makes the site grow with N × N.
pub const FULL_NAVIGATION_MAX: usize = 50;

/// How many neighbours in the same folder the compact navigation names on either side.
const SIBLING_WINDOW: usize = 5;

/// The navigation in every page's header (`navigation` in `basis.html`).
///
/// Up to [`FULL_NAVIGATION_MAX`] chapter pages: the start page, every chapter page and the
/// one-page view. Beyond: the start page, the start page's table of contents, the chapter's
/// neighbours in its folder below `content/` and the one-page view; the start page keeps the
/// full table of contents and every chapter page its previous/next links.
struct Navigation<'a> {
    start: TocChapter,
    contents: TocChapter,
    whole: TocChapter,
    /// Chapter pages in order, with the folder of their file.
    chapters: Vec<(&'a TocChapter, &'a str)>,
}

impl<'a> Navigation<'a> {
    fn new(toc: &'a [TocChapter], folders: &'a [&'a str]) -> Self {
        let entry = |titel: &str, seite: &str| TocChapter {
            titel: titel.to_string(),
            seite: seite.to_string(),
            im_verzeichnis: false,
            abschnitte: Vec::new(),
        };
        Self {
            start: entry("Start", "index.html"),
            contents: entry(
                "Inhaltsverzeichnis (alle Kapitel)",
                "index.html#inhaltsverzeichnis",
            ),
            whole: entry("Alles auf einer Seite", ONE_PAGE),
            chapters: toc
                .iter()
                .zip(folders)
                .filter(|(entry, _)| entry.im_verzeichnis)
                .map(|(entry, folder)| (entry, *folder))
                .collect(),
        }
    }

    fn compact(&self) -> bool {
        self.chapters.len() > FULL_NAVIGATION_MAX
    }

    /// The entries for the chapter page at `position` among the chapter pages, or for the
    /// start page and the one-page view (`None`).
    fn for_page(&self, position: Option<usize>) -> Vec<&TocChapter> {
        let middle: Vec<&TocChapter> = if !self.compact() {
            self.chapters.iter().map(|(entry, _)| *entry).collect()
        } else if let Some((folder, position)) =
            position.and_then(|p| self.chapters.get(p).map(|(_, folder)| (*folder, p)))
        {
            let from = position.saturating_sub(SIBLING_WINDOW);
            let to = position.saturating_add(SIBLING_WINDOW + 1);
            let siblings = self
                .chapters
                .get(from..to.min(self.chapters.len()))
                .unwrap_or_default()
                .iter()
                .filter(|(_, other)| *other == folder)
                .map(|(entry, _)| *entry);
            std::iter::once(&self.contents).chain(siblings).collect()
        } else {
            vec![&self.contents]
        };
        std::iter::once(&self.start)
            .chain(middle)
            .chain(std::iter::once(&self.whole))
            .collect()
    }
}

/// The folder of each chapter's file below `content/` (`content/teil` or `content`).
fn chapter_folders<'a>(project: &'a Project, docs: &[ChapterDoc]) -> Vec<&'a str> {
    docs.iter()
        .map(|doc| {
            project
                .chapters
                .get(doc.chapter)
                .and_then(|c| c.file.rsplit_once('/'))
                .map_or("", |(folder, _)| folder)
        })
        .collect()
}

/// One page per numbered chapter, written on all cores and collected in page order.
fn chapter_pages(
    tera: &Tera,
    base: &Context,
    navigation: &Navigation<'_>,
    docs: &[ChapterDoc],
    ctx: &HtmlContext<'_>,
) -> Vec<(String, Result<String, tera::Error>)> {
    let pages = ctx.pages;
    let chapter_pages: Vec<(usize, &ChapterDoc)> = docs
        .iter()
        .enumerate()
        .filter(|(i, _)| pages.get(*i).is_some_and(|p| p != "index.html"))
        .collect();
    // Pages are independent: write them on all cores, collected in page order.
    chapter_pages
        .par_iter()
        .enumerate()
        .map(|(position, (index, doc))| {
            let page = pages.get(*index).cloned().unwrap_or_default();
            let mut page_ctx = base.clone();
            page_ctx.insert("navigation", &navigation.for_page(Some(position)));
            page_ctx.insert("aktuelle_seite", &page);
            page_ctx.insert("kapiteltitel", &doc.numbered_title());
            page_ctx.insert("inhalt", &write_chapter(doc, ctx, 0));
            let prev = if position == 0 {
                Some(("index.html".to_string(), "Start".to_string()))
            } else {
                chapter_pages.get(position - 1).map(|(i, d)| {
                    (
                        pages.get(*i).cloned().unwrap_or_default(),
                        d.numbered_title(),
                    )
                })
            };
            let next = chapter_pages.get(position + 1).map(|(i, d)| {
                (
                    pages.get(*i).cloned().unwrap_or_default(),
                    d.numbered_title(),
                )
            });
            page_ctx.insert(
                "zurueck",
                &prev.map(|(seite, titel)| NavLink { seite, titel }),
            );
            page_ctx.insert(
                "weiter",
                &next.map(|(seite, titel)| NavLink { seite, titel }),
            );
            let html = tera.render("html/kapitel.html", &page_ctx);
            (page_file(doc), html)
        })
        .collect()
}

/// The whole programme on one page: every chapter in order, every link within the page.
fn one_page(
    tera: &Tera,
    base: &Context,
    docs: &[ChapterDoc],
    ctx: &HtmlContext<'_>,
) -> Result<String, tera::Error> {
    let same_page = vec![String::new(); docs.len()];
    let one_page_ctx = HtmlContext {
        pages: &same_page,
        ..*ctx
    };
    let chapters: Vec<String> = docs
        .par_iter()
        .map(|doc| write_chapter(doc, &one_page_ctx, 1))
        .collect();
    let contents: Vec<TocChapter> = docs
        .iter()
        .map(|doc| TocChapter {
            titel: doc.numbered_title(),
            seite: doc
                .headings
                .first()
                .map(|h| format!("#{}", h.id))
                .unwrap_or_default(),
            im_verzeichnis: true,
            abschnitte: Vec::new(),
        })
        .collect();
    let mut whole_ctx = base.clone();
    whole_ctx.insert("aktuelle_seite", ONE_PAGE);
    whole_ctx.insert("kapitel", &contents);
    whole_ctx.insert("inhalte", &chapters);
    tera.render("html/gesamt.html", &whole_ctx)
}

#[derive(Serialize)]
struct NavLink {
    seite: String,
    titel: String,
}

fn template_error(name: &str, err: &tera::Error) -> Finding {
    let mut detail = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        detail.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    Finding::error(format!("Fehler in der Vorlage templates/{name}: {detail}"))
        .in_file(format!("templates/{name}"))
}
