//! Issue: the published document. Title page and signature, the table of contents numbered
//! once, footnotes at the end of a page, Markdown tables with captions, references to
//! chapters and sections, image sizes, the PDF's page layout and the one-page view – each
//! checked in the real outputs of a real build (typst, pdftotext, pdfimages).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use crate::common::{amip, describe, example_copy, html_pages, pdf_text, require_typst};

const PDF: &str = "arbeitsmarkt-und-integrationsprogramm-2020.pdf";
const NBSP: char = '\u{a0}';

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn set_programme(project: &Path, from: &str, to: &str) {
    let path = project.join("data/programm.yaml");
    let text = read(&path);
    assert!(text.contains(from), "programm.yaml has {from}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn append(project: &Path, chapter: &str, text: &str) {
    let path = project.join("content").join(chapter);
    let mut body = read(&path);
    body.push_str(text);
    fs::write(&path, body).unwrap();
}

/// Every `id="…"` of a page, with how often it occurs.
fn ids(html: &str) -> BTreeMap<String, usize> {
    let mut ids = BTreeMap::new();
    for part in html.split(" id=\"").skip(1) {
        if let Some((id, _)) = part.split_once('"') {
            *ids.entry(id.to_string()).or_insert(0) += 1;
        }
    }
    ids
}

#[test]
fn the_example_is_a_signed_publication_in_both_outputs() {
    require_typst();
    let project = example_copy();
    let output = amip(project.path(), &["build"]);
    assert!(output.status.success(), "{}", describe(&output));
    let out = project.path().join("output");
    let site = out.join("html");

    // 1. Title page: logo, jobcenter, district, title with year, place and date.
    let pdf = pdf_text(&out.join(PDF));
    let title_page = squash(pdf.split('\u{c}').next().unwrap_or_default());
    for expected in [
        "Jobcenter Elbe-Elster",
        "Landkreis Elbe-Elster",
        "Arbeitsmarkt- und Integrationsprogramm 2020",
        "Herzberg, 9. Dezember 2019",
    ] {
        assert!(
            title_page.contains(expected),
            "title page lacks {expected}: {title_page}"
        );
    }
    let main = read(&out.join("typst/main.typ"));
    assert!(
        main.contains("#image(\"bilder/logo.svg\", alt: \"Logo des Jobcenters Elbe-Elster\""),
        "the SVG logo is placed as an image (vector) on the title page"
    );
    assert!(out.join("typst/bilder/logo.svg").is_file());
    // The logo is a tagged figure of the PDF with its alternative text.
    let document = lopdf::Document::load(out.join(PDF)).expect("the PDF parses");
    let alt_texts: Vec<String> = document
        .objects
        .values()
        .filter_map(|object| object.as_dict().ok())
        .filter_map(|dict| dict.get(b"Alt").ok())
        .filter_map(|alt| alt.as_str().ok())
        .map(|bytes| match bytes.strip_prefix(&[0xfe, 0xff]) {
            Some(utf16) => String::from_utf16_lossy(
                &utf16
                    .chunks(2)
                    .map(|pair| u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]))
                    .collect::<Vec<_>>(),
            ),
            None => String::from_utf8_lossy(bytes).into_owned(),
        })
        .collect();
    assert!(
        alt_texts
            .iter()
            .any(|alt| alt == "Logo des Jobcenters Elbe-Elster"),
        "the logo is a figure with its alt text in the PDF: {alt_texts:?}"
    );
    // … and in the header of every page of the site, with its alternative text.
    assert!(site.join("bilder/logo.svg").is_file());
    for page in html_pages(&site) {
        let html = read(&site.join(&page));
        assert!(
            html.contains(
                "<p class=\"logo\"><img src=\"bilder/logo.svg\" alt=\"Logo des Jobcenters Elbe-Elster\"></p>"
            ),
            "{page} shows the logo"
        );
    }

    // The signature closes the chapter programm.yaml names, in both outputs.
    let closing = read(&site.join("08-schlussbemerkungen.html"));
    let signature = closing
        .split("<div class=\"unterzeichnung\">")
        .nth(1)
        .expect("a signature block on the last chapter's page");
    assert!(
        signature.starts_with(
            "\n<p>Herzberg, 09.12.2019</p>\n<p><span class=\"name\">Anja Miersch</span><br>Geschäftsführerin</p>"
        ),
        "{signature}"
    );
    let last_page = squash(
        pdf.trim_end_matches('\u{c}')
            .rsplit('\u{c}')
            .next()
            .unwrap(),
    );
    assert!(
        last_page.contains("Herzberg, 09.12.2019 Anja Miersch Geschäftsführerin"),
        "the PDF's last page is signed: {last_page}"
    );
    assert!(!read(&site.join("index.html")).contains("unterzeichnung"));

    // 3. Footnotes on the site: at the end of the page, numbered, linked both ways.
    let goals = read(&site.join("03-ziele.html"));
    assert!(
        goals.contains("<sup class=\"fussnote-ref\"><a href=\"#fn-kennzahlen\" id=\"fn-kennzahlen_ref\" role=\"doc-noteref\">1</a></sup>"),
        "reference to the footnote"
    );
    let notes = goals
        .split("<section class=\"fussnoten\" aria-label=\"Fußnoten\">")
        .nth(1)
        .expect("the footnotes are collected in one section");
    assert!(
        notes.contains("<div id=\"fn-kennzahlen\" role=\"doc-footnote\">"),
        "{notes}"
    );
    assert!(notes.contains("<span class=\"fussnote-nr\">1</span> Die Kennzahlen"));
    assert!(notes.contains("href=\"#fn-kennzahlen_ref\" role=\"doc-backlink\""));
    let article_rest = goals.split("</article>").next().unwrap();
    assert!(
        article_rest.ends_with("</section>\n\n"),
        "the footnotes stand at the end of the chapter"
    );
    assert!(
        !goals.contains("footnote-definition"),
        "no footnote is left where it was defined"
    );

    // 4. A Markdown table with a caption line: numbered like the declared tables, th scope.
    // Its number: the tables before it in the document, declared ones included, plus one
    // (each table, its own too, stands in a `kind: table` figure before its caption).
    let caption_at = main
        .find("caption: [Leistungen, die Jobcenter")
        .expect("the Markdown table is a figure in the PDF");
    let number = main[..caption_at].matches("kind: table,").count();
    assert!(number >= 5, "four declared tables come first: {number}");
    let together = read(&site.join("07-zusammenarbeit.html"));
    assert!(
        together.contains(&format!(
            "<caption><span class=\"nr\">Tabelle {number}:</span> Leistungen, die Jobcenter und Landkreis gemeinsam erbringen</caption>"
        )),
        "{together}"
    );
    assert!(
        together.contains("<th scope=\"col\">Leistung</th><th scope=\"col\">Rechtsgrundlage</th>")
    );
    assert!(together.contains(&format!("<td>§{NBSP}16a SGB{NBSP}II</td>")));
    assert!(squash(&pdf).contains(&format!(
        "Tabelle {number}: Leistungen, die Jobcenter und Landkreis gemeinsam erbringen"
    )));
    assert!(main.contains("table.header(repeat: true, [Leistung], [Rechtsgrundlage], ),"));

    // 5. References to chapters and sections, linked in both outputs.
    assert!(closing.contains(&format!("<a href=\"03-ziele.html\">Kapitel{NBSP}3</a>")));
    let focus = read(&site.join("05-operative-schwerpunkte.html"));
    assert!(focus.contains(&format!(
        "<a href=\"04-ressourcen.html#eingliederungsleistungen\">Abschnitt{NBSP}4.2</a>"
    )));
    assert!(main.contains(&format!(
        "#link(<eingliederungsleistungen>)[Abschnitt{NBSP}4.2]"
    )));
    assert!(main.contains("== \\4.2 Eingliederungsleistungen <eingliederungsleistungen>"));
    assert!(main.contains(&format!(
        "#link(<ziele-im-jobcenter-elbe-elster>)[Kapitel{NBSP}3]"
    )));
    assert!(squash(&pdf).contains("(Abschnitt 4.2)"));

    // 7. No-break spaces, floats, unsplit rows, link addresses on paper.
    assert!(focus.contains(&format!("(§§{NBSP}16e und 16i SGB{NBSP}II)")));
    assert!(main.contains(&format!("(§§{NBSP}16e und 16i SGB{NBSP}II)")));
    assert!(main.contains("#set table.cell(breakable: false)"));
    let figures = main
        .matches("#figure(\n  placement: auto,\n  kind: image,")
        .count()
        + main
            .matches("#figure(\n  placement: bottom,\n  kind: image,")
            .count();
    assert_eq!(
        figures,
        main.matches("kind: image,").count(),
        "every chart floats"
    );
    assert!(figures >= 3);
    // The link stands in a footnote: its address follows in parentheses.
    let unspaced: String = pdf.split_whitespace().collect();
    assert!(
        unspaced
            .contains("StatistikderBundesagenturfürArbeit(https://statistik.arbeitsagentur.de/)"),
        "the address of the external link is printed"
    );
    assert!(main.contains("[Statistik der Bundesagentur für Arbeit] \\(#link(\"https://statistik.arbeitsagentur.de/\")"));

    // 8. The whole programme on one page, linked from the start page.
    let index = read(&site.join("index.html"));
    assert!(index.contains("<a href=\"gesamt.html\">Das ganze Programm auf einer Seite</a>"));
    let whole = read(&site.join("gesamt.html"));
    assert_eq!(whole.matches("<h1").count(), 1);
    let mut at = 0;
    for heading in [
        ">Vorwort</h2>",
        "<span class=\"nr\">1</span> Grundsicherung",
        "<span class=\"nr\">4.2</span> Eingliederungsleistungen</h3>",
        "<span class=\"nr\">8</span> Schlussbemerkungen</h2>",
        "<span class=\"name\">Anja Miersch</span>",
    ] {
        let found = whole[at..]
            .find(heading)
            .unwrap_or_else(|| panic!("gesamt.html lacks {heading} (in order)"));
        at += found;
    }
    assert!(whole.contains(&format!(
        "<a href=\"#eingliederungsleistungen\">Abschnitt{NBSP}4.2</a>"
    )));
    assert!(whole.contains(&format!(
        "<a href=\"#ziele-im-jobcenter-elbe-elster\">Kapitel{NBSP}3</a>"
    )));
    assert!(whole.contains("href=\"#fn-kennzahlen\""));
    assert!(whole.matches("<figure class=\"abbildung\"").count() >= 3);
    // Every link within the page reaches an id on it, and every id is unique.
    let whole_ids = ids(&whole);
    for part in whole.split("href=\"#").skip(1) {
        let target = part.split('"').next().unwrap();
        assert!(
            whole_ids.contains_key(target),
            "gesamt.html: #{target} leads nowhere"
        );
    }
    for page in html_pages(&site) {
        let html = read(&site.join(&page));
        let twice: Vec<_> = ids(&html).into_iter().filter(|(_, n)| *n > 1).collect();
        assert!(twice.is_empty(), "{page}: duplicate ids {twice:?}");
    }
}

/// Parses `pdftotext -bbox` output: per page its height and the words (yMin, yMax).
fn page_words(pdf: &Path) -> Vec<(f64, Vec<(f64, f64)>)> {
    let output = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext fehlt: apt-get install poppler-utils (oder bash .ci/run)");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    let attribute = |tag: &str, name: &str| -> f64 {
        tag.split(&format!("{name}=\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    };
    let mut pages = Vec::new();
    for page in text.split("<page ").skip(1) {
        let height = attribute(page, "height");
        let words = page
            .split("<word ")
            .skip(1)
            .map(|word| (attribute(word, "yMin"), attribute(word, "yMax")))
            .collect();
        pages.push((height, words));
    }
    pages
}

#[test]
fn no_pdf_page_is_half_empty_and_typst_does_not_warn() {
    require_typst();
    let project = example_copy();
    let output = amip(project.path(), &["build", "--pdf"]);
    assert!(output.status.success(), "{}", describe(&output));
    let out = project.path().join("output");

    // typst itself, as amip runs it (PDF/UA-1 and PDF/A-2a export check included): no
    // warning, in particular none about content that does not fit.
    let typst_dir = out.join("typst");
    let run = Command::new("typst")
        .current_dir(&typst_dir)
        .args(["compile", "main.typ", "../nochmal.pdf", "--root", "."])
        .args(["--font-path", "schriften", "--ignore-system-fonts"])
        .args([
            "--pdf-standard",
            "ua-1,a-2a",
            "--diagnostic-format",
            "short",
        ])
        .output()
        .expect("typst runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "typst warns:\n{stderr}");

    // Text area of the template: 2.6 cm top and 2.4 cm bottom margin (header and footer
    // lie outside). A page is "half empty" when its content ends above the middle of it.
    let top = 2.6 / 2.54 * 72.0;
    let bottom = 2.4 / 2.54 * 72.0;
    let pages = page_words(&out.join(PDF));
    assert!(pages.len() > 10, "{} pages", pages.len());
    let content = |height: f64, words: &[(f64, f64)]| -> Vec<(f64, f64)> {
        words
            .iter()
            .copied()
            .filter(|(min, max)| *min > top - 2.0 && *max < height - bottom + 2.0)
            .collect()
    };
    // A chapter starts with its 17 pt title; the page before it is a chapter end.
    let starts_chapter = |height: f64, words: &[(f64, f64)]| {
        content(height, words)
            .first()
            .is_some_and(|(min, max)| max - min > 14.0)
    };
    let mut half_empty = Vec::new();
    for (index, (height, words)) in pages.iter().enumerate() {
        let number = index + 1;
        let chapter_end = number == 1
            || number == pages.len()
            || pages
                .get(index + 1)
                .is_some_and(|(h, w)| starts_chapter(*h, w));
        if chapter_end {
            continue;
        }
        let lowest = content(*height, words)
            .iter()
            .map(|(_, max)| *max)
            .fold(top, f64::max);
        let filled = (lowest - top) / (height - bottom - top);
        if filled < 0.5 {
            half_empty.push(format!("page {number}: {:.0} % filled", filled * 100.0));
        }
    }
    assert!(half_empty.is_empty(), "half-empty pages: {half_empty:?}");
}

#[test]
fn drafts_are_not_signed_and_the_foreword_carries_the_signature_by_default() {
    require_typst();
    let project = example_copy();
    set_programme(project.path(), "status: final", "status: draft");
    set_programme(project.path(), "  kapitel: 08-schlussbemerkungen", "");
    let output = amip(project.path(), &["build"]);
    assert!(output.status.success(), "{}", describe(&output));
    let out = project.path().join("output");
    let index = read(&out.join("html/index.html"));
    let vorwort_end = index
        .split("<section aria-labelledby=\"inhaltsverzeichnis\">")
        .next()
        .unwrap();
    assert!(
        vorwort_end.trim_end().ends_with(
            "<p class=\"unterzeichnung entwurf-vermerk\"><strong>Entwurf – noch nicht unterzeichnet</strong></p>"
        ),
        "the draft note closes the foreword: {}",
        &vorwort_end[vorwort_end.len().saturating_sub(300)..]
    );
    assert!(!index.contains("<span class=\"name\">"));
    let pdf = squash(&pdf_text(&out.join(PDF)));
    assert!(pdf.contains("Entwurf – noch nicht unterzeichnet"));
    let closing = read(&out.join("html/08-schlussbemerkungen.html"));
    assert!(!closing.contains("unterzeichnung"));
}

#[test]
fn unknown_signature_chapter_logo_and_section_are_german_errors() {
    let project = example_copy();
    set_programme(
        project.path(),
        "kapitel: 08-schlussbemerkungen",
        "kapitel: 09-gibt-es-nicht",
    );
    set_programme(
        project.path(),
        "datei: bilder/logo.svg",
        "datei: bilder/fehlt.svg",
    );
    append(
        project.path(),
        "04-ressourcen.md",
        "\nSiehe {{ verweis(abschnitt=\"gibt-es-auch-nicht\") }}.\n",
    );
    let output = amip(project.path(), &["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let text = describe(&output);
    for expected in [
        "unterzeichnung.kapitel: ein Kapitel „09-gibt-es-nicht“ gibt es nicht; die Unterschrift steht deshalb am Ende des Vorworts",
        "⚠",
        "logo: das Bild „content/bilder/fehlt.svg“ gibt es nicht",
        "Verweis auf den Abschnitt „gibt-es-auch-nicht“",
        "data/programm.yaml",
        "content/04-ressourcen.md",
    ] {
        assert!(text.contains(expected), "missing {expected}:\n{text}");
    }
    let project = example_copy();
    append(
        project.path(),
        "04-ressourcen.md",
        "\n{{ verweis(kapitel=\"99-fehlt\") }}\n",
    );
    let output = amip(project.path(), &["check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(describe(&output).contains("ein Kapitel „99-fehlt“ gibt es nicht"));
}

/// A grey PNG of `width` × `height` pixels (stored deflate blocks, no pHYs: no DPI of its own).
fn png(width: u32, height: u32) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for byte in data {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut raw = Vec::new();
    for _ in 0..height {
        raw.push(0);
        raw.extend(std::iter::repeat_n(128u8, width as usize));
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (index, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(index + 1 == blocks.len()));
        let len = u16::try_from(block.len()).unwrap();
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for byte in &raw {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    zlib.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 0, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &zlib);
    chunk(&mut out, b"IEND", &[]);
    out
}

#[test]
fn images_keep_their_own_size_or_the_requested_width() {
    require_typst();
    let project = example_copy();
    let pictures = project.path().join("content/bilder");
    fs::write(pictures.join("klein.png"), png(192, 40)).unwrap();
    fs::write(pictures.join("breit.png"), png(1600, 40)).unwrap();
    fs::write(pictures.join("logo720.png"), png(720, 100)).unwrap();
    append(
        project.path(),
        "04-ressourcen.md",
        "\n![Kleines Bild](bilder/klein.png)\n\n{{ bild(datei=\"bilder/breit.png\", alt=\"Breites Bild\") }}\n\n{{ bild(datei=\"bilder/logo720.png\", alt=\"Logo, 40 Prozent breit\", breite=\"40%\") }}\n",
    );
    let output = amip(project.path(), &["build"]);
    assert!(output.status.success(), "{}", describe(&output));
    let out = project.path().join("output");
    let page = read(&out.join("html/04-ressourcen.html"));
    assert!(page.contains("<img class=\"bild\" src=\"bilder/klein.png\" alt=\"Kleines Bild\">"));
    assert!(page.contains(
        "<p class=\"bild\"><img class=\"bild\" src=\"bilder/breit.png\" alt=\"Breites Bild\"></p>"
    ));
    assert!(page.contains("alt=\"Logo, 40 Prozent breit\" style=\"width: 40%\">"));
    let css = read(&out.join("html/style.css"));
    assert!(css.contains("img.bild { max-width: 100%; height: auto; }"));

    // In the PDF: pixels per inch of each placed image (pdfimages). The small image keeps
    // its own size (96 per inch, as on the screen); the wide one is scaled down to the text
    // width (16.2 cm); the logo gets 40 % of the text width.
    let list = Command::new("pdfimages")
        .arg("-list")
        .arg(out.join(PDF))
        .output()
        .expect("pdfimages fehlt: apt-get install poppler-utils (oder bash .ci/run)");
    let text = String::from_utf8_lossy(&list.stdout);
    let mut ppi: BTreeMap<u32, f64> = BTreeMap::new();
    for line in text.lines().skip(2) {
        let cells: Vec<&str> = line.split_whitespace().collect();
        if let (Some(width), Some(x_ppi)) = (cells.get(3), cells.get(12)) {
            if let (Ok(width), Ok(x_ppi)) = (width.parse(), x_ppi.parse()) {
                ppi.insert(width, x_ppi);
            }
        }
    }
    let text_width_inch = 16.2 / 2.54;
    let near = |found: Option<&f64>, expected: f64| {
        found.is_some_and(|f| (f - expected).abs() <= expected * 0.03 + 1.0)
    };
    assert!(near(ppi.get(&192), 96.0), "own size: {ppi:?}\n{text}");
    assert!(
        near(ppi.get(&1600), 1600.0 / text_width_inch),
        "text width: {ppi:?}"
    );
    assert!(
        near(ppi.get(&720), 720.0 / (0.4 * text_width_inch)),
        "40 %: {ppi:?}"
    );
}

#[test]
fn a_footnote_referenced_twice_has_one_number_in_site_and_pdf() {
    require_typst();
    let project = crate::common::fixture_copy("klein");
    let chapter = project.path().join("content/programm.md");
    let mut text = read(&chapter);
    text.push_str("\n\nErstens[^q] und zweitens[^q].\n\n[^q]: Quelle: Statistik der BA.\n");
    fs::write(&chapter, text).unwrap();
    let build = amip(project.path(), &["build"]);
    assert!(build.status.success(), "{}", describe(&build));
    let pdf = squash(&pdf_text(
        &project.path().join("output/arbeitsmarktprogramm-2026.pdf"),
    ));
    assert!(pdf.contains("Erstens1 und zweitens1."), "{pdf}");
    assert_eq!(pdf.matches("Quelle: Statistik der BA.").count(), 1, "{pdf}");
    let html = read(&project.path().join("output/html/programm.html"));
    assert_eq!(
        html.matches("Quelle: Statistik der BA.").count(),
        1,
        "{html}"
    );
    assert_eq!(html.matches("role=\"doc-noteref\"").count(), 2, "{html}");
}
