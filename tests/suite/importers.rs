//! The importers against hostile and odd files: each finding of "safe by construction" with
//! its input built here (ODS repeats, a lying zip directory, the 1904 date system, hidden
//! sheets, formulas without a result, UTF-16 CSV, repeated year columns, NUL characters), and
//! generated inputs — random bytes and mutated real published files — that never panic and
//! stay within time and memory budgets.

use std::io::{Cursor, Read, Write};
use std::time::{Duration, Instant};

use amip::sources::csv::{self, Encoding};
use amip::sources::xlsx::Workbook;
use proptest::prelude::*;
use rust_xlsxwriter::Format;
use serde_json::{json, Value};

/// The real published files (third-party: read in place, never copied into the repository):
/// `None` (the test is skipped, saying so) where they are missing; see `common::real_dir`.
fn real(name: &str) -> Option<Vec<u8>> {
    let dir = crate::common::real_dir()?;
    Some(std::fs::read(dir.join(name)).unwrap_or_else(|err| panic!("{name}: {err}")))
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The entries of a zip archive, each passed through `patch(name, text)`.
fn rezip(bytes: &[u8], patch: impl Fn(&str, String) -> String) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut entries = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        let name = entry.name().to_string();
        let content = match String::from_utf8(content) {
            Ok(text) => patch(&name, text).into_bytes(),
            Err(err) => err.into_bytes(),
        };
        entries.push((name, content));
    }
    let borrowed: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_slice()))
        .collect();
    zip_of(&borrowed)
}

fn ods(content_xml: &str) -> Vec<u8> {
    zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", br#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>"#),
        ("content.xml", content_xml.as_bytes()),
    ])
}

fn open_err(bytes: Vec<u8>, file: &str) -> String {
    match Workbook::open(bytes, file) {
        Ok(mut book) => book.sheet(None).err().map(|e| e.to_string()),
        Err(err) => Some(err.to_string()),
    }
    .unwrap_or_else(|| panic!("{file} was accepted"))
}

#[test]
fn an_ods_cell_repeated_400_million_times_is_refused_before_expanding() {
    let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="Tabelle1"><table:table-row><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="400000000"><text:p>1</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let bytes = ods(content);
    assert!(bytes.len() < 2048, "a 1 KB file: {}", bytes.len());
    let started = Instant::now();
    let err = open_err(bytes, "data/quellen/wiederholt.ods");
    assert!(
        err.contains("data/quellen/wiederholt.ods") && err.contains("Zellen"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn an_ods_cell_of_two_billion_spaces_is_refused_before_expanding() {
    let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="Tabelle1"><table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="2000000000"/>b</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let started = Instant::now();
    let err = open_err(ods(content), "data/quellen/leer.ods");
    assert!(
        err.contains("data/quellen/leer.ods") && err.contains("entpackt sich"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn an_xls_header_declaring_gigabytes_of_tables_is_refused() {
    let Some(mut bytes) = real("13211-03ir.xls") else {
        return;
    };
    // The number of allocation-table sectors in the OLE header, one byte changed.
    bytes[47] = 0x9d;
    let err = open_err(bytes, "data/quellen/fat.xls");
    assert!(err.contains("data/quellen/fat.xls"), "{err}");
}

/// Deflate data for `megabytes` MB of zeros: one sync-flushed segment repeated (each segment
/// only refers back to zeros), closed by an empty final block.
fn zeros_deflated(megabytes: usize) -> Vec<u8> {
    let mut compress = flate2::Compress::new(flate2::Compression::best(), false);
    let mut segment = Vec::with_capacity(8192);
    compress
        .compress_vec(
            &vec![0u8; 1 << 20],
            &mut segment,
            flate2::FlushCompress::Sync,
        )
        .unwrap();
    let mut out = Vec::with_capacity(segment.len() * megabytes + 2);
    for _ in 0..megabytes {
        out.extend_from_slice(&segment);
    }
    // Final block, fixed Huffman codes, nothing but the end-of-block code.
    out.extend_from_slice(&[0x03, 0x00]);
    out
}

/// A zip archive with one deflated entry whose local header and central directory declare
/// `declared` bytes, whatever the data inflates to.
fn lying_zip(name: &str, data: &[u8], declared: u32) -> Vec<u8> {
    let size = u32::try_from(data.len()).unwrap();
    let name_len = u16::try_from(name.len()).unwrap();
    let mut out = Vec::new();
    let header = |out: &mut Vec<u8>, central: bool| {
        out.extend_from_slice(if central {
            &[0x50, 0x4b, 0x01, 0x02, 20, 0]
        } else {
            &[0x50, 0x4b, 0x03, 0x04]
        });
        out.extend_from_slice(&[20, 0, 0, 0, 8, 0, 0, 0, 0x21, 0]); // version, flags, deflate, time, date
        out.extend_from_slice(&0u32.to_le_bytes()); // CRC
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&declared.to_le_bytes());
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // extra
        if central {
            out.extend_from_slice(&[0; 12]); // comment, disk, attributes
            out.extend_from_slice(&0u32.to_le_bytes()); // local header offset
        }
        out.extend_from_slice(name.as_bytes());
    };
    header(&mut out, false);
    out.extend_from_slice(data);
    let directory = u32::try_from(out.len()).unwrap();
    header(&mut out, true);
    let directory_size = u32::try_from(out.len()).unwrap() - directory;
    out.extend_from_slice(&[0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0]);
    out.extend_from_slice(&directory_size.to_le_bytes());
    out.extend_from_slice(&directory.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[test]
fn an_xlsx_part_declared_as_1000_bytes_that_inflates_to_1_9_gb_is_refused() {
    let bytes = lying_zip("xl/worksheets/sheet1.xml", &zeros_deflated(1900), 1000);
    assert!(bytes.len() < 4 << 20);
    let started = Instant::now();
    let err = open_err(bytes, "data/quellen/bombe.xlsx");
    assert!(
        err.contains("data/quellen/bombe.xlsx")
            && err.contains("entpackt sich auf mehr als 200 MB"),
        "{err}"
    );
    // Inflating stops at the limit: far less than the 1.9 GB are produced.
    assert!(started.elapsed() < Duration::from_secs(20));
}

/// A project importing `values` from `data/quellen/<file>` written as `bytes`.
fn project(file: &str, bytes: &[u8], values: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, bytes: &[u8]| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    };
    write(
        "data/programm.yaml",
        b"jobcenter: Jobcenter Test\ntitel: Programm\njahr: 2020\nstatus: draft\n",
    );
    write("content/01-zahlen.md", b"# Zahlen\n\nText\n");
    write(&format!("data/quellen/{file}"), bytes);
    write(
        "data/quellen.yaml",
        format!("q:\n  datei: quellen/{file}\n  werte:\n{values}").as_bytes(),
    );
    dir
}

fn load(dir: &tempfile::TempDir) -> Result<Value, String> {
    amip::load::load(dir.path())
        .map(|project| project.data)
        .map_err(|findings| {
            findings
                .0
                .iter()
                .map(|f| format!("{} {}", f.message, f.help.clone().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join("\n")
        })
}

fn xlsx(build: impl FnOnce(&mut rust_xlsxwriter::Workbook)) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    build(&mut wb);
    wb.save_to_buffer().unwrap()
}

#[test]
fn a_sparse_sheet_cannot_grow_the_grid_past_the_cell_limit() {
    // 2,500 cells, one per row in column 1,000: 2.5 million cells once laid out as a grid.
    let bytes = xlsx(|wb| {
        let ws = wb.add_worksheet();
        for row in 0..2_500 {
            ws.write_number(row, 999, 1.0).unwrap();
        }
    });
    let err = open_err(bytes, "data/quellen/verstreut.xlsx");
    assert!(
        err.contains("data/quellen/verstreut.xlsx ergibt mehr als 2000000 Zellen"),
        "{err}"
    );
}

#[test]
fn a_workbook_in_the_1904_date_system_keeps_its_month_headers() {
    // 42247 is 2019-09-01 counted from 1904 (and 2015-08-31 counted from 1900).
    let bytes = xlsx(|wb| {
        let month = Format::new().set_num_format("mmmm yyyy");
        let ws = wb.add_worksheet();
        ws.write_number_with_format(0, 1, 42247.0, &month).unwrap();
        ws.write_string(1, 0, "Arbeitslose").unwrap();
        ws.write_number(1, 1, 2116.0).unwrap();
    });
    let bytes = rezip(&bytes, |name, text| {
        if name == "xl/workbook.xml" {
            text.replace("<workbookPr ", "<workbookPr date1904=\"1\" ")
        } else {
            text
        }
    });
    let dir = project(
        "mac.xlsx",
        &bytes,
        "    a: { zeile: Arbeitslose, spalte: September 2019 }\n",
    );
    assert_eq!(load(&dir).unwrap()["a"], json!(2116));
    let old = project(
        "mac.xlsx",
        &bytes,
        "    a: { zeile: Arbeitslose, spalte: September 2015 }\n",
    );
    let err = load(&old).unwrap_err();
    assert!(err.contains("September 2015"), "{err}");
}

#[test]
fn a_hidden_first_sheet_is_never_the_default_but_can_be_named() {
    let bytes = xlsx(|wb| {
        let hidden = wb.add_worksheet().set_name("Intern").unwrap();
        hidden.write_string(0, 0, "versteckt").unwrap();
        hidden.set_hidden(true);
        let shown = wb.add_worksheet().set_name("Eckwerte").unwrap();
        shown.write_string(0, 0, "sichtbar").unwrap();
        shown.set_active(true);
    });
    let mut book = Workbook::open(bytes, "data/quellen/x.xlsx").unwrap();
    assert_eq!(book.sheet(None).unwrap().1, "Eckwerte");
    let (grid, name) = book.sheet(Some("intern")).unwrap();
    assert_eq!(name, "Intern");
    assert_eq!(grid.get(0, 0).label().as_deref(), Some("versteckt"));
}

#[test]
fn a_formula_without_a_saved_result_is_reported_as_such() {
    let bytes = xlsx(|wb| {
        let ws = wb.add_worksheet();
        ws.write_string(0, 1, "2019").unwrap();
        ws.write_string(1, 0, "Arbeitslose").unwrap();
        ws.write_formula(1, 1, "=SUM(C2:D2)").unwrap();
        ws.set_formula_result(1, 1, "424242");
    });
    let bytes = rezip(&bytes, |_, text| text.replace("<v>424242</v>", ""));
    let dir = project(
        "formel.xlsx",
        &bytes,
        "    a: { zeile: Arbeitslose, spalte: \"2019\" }\n",
    );
    let err = load(&dir).unwrap_err();
    assert!(
        err.contains("data/quellen/formel.xlsx")
            && err.contains("Zelle B2 enthält eine Formel ohne gespeichertes Ergebnis")
            && err.contains("SUM(C2:D2)")
            && err.contains("öffnen und speichern Sie die Datei in Excel oder LibreOffice")
            && !err.contains("leer"),
        "{err}"
    );
    // The same in OpenDocument: a formula attribute without office:value.
    let content = r#"<office:document-content xmlns:office="o" xmlns:table="t"><office:body><office:spreadsheet><table:table table:name="T"><table:table-row><table:table-cell/><table:table-cell office:value-type="string" office:string-value="2019"/></table:table-row><table:table-row><table:table-cell office:value-type="string" office:string-value="Arbeitslose"/><table:table-cell table:formula="of:=SUM([.C2:.D2])"/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let dir = project(
        "formel.ods",
        &ods(content),
        "    a: { zeile: Arbeitslose, spalte: \"2019\" }\n",
    );
    let err = load(&dir).unwrap_err();
    assert!(
        err.contains("data/quellen/formel.ods")
            && err.contains("Zelle B2 enthält eine Formel ohne gespeichertes Ergebnis"),
        "{err}"
    );
}

#[test]
fn a_utf16_csv_from_excel_unicode_text_is_read() {
    let text = "Region\tJahr 2019\r\nLudwigslust-Parchim\t4,8\r\n";
    for little_endian in [true, false] {
        let mut bytes = if little_endian {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for unit in text.encode_utf16() {
            bytes.extend(if little_endian {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        let dir = project(
            "unicode.txt",
            &bytes,
            "    a: { zeile: Ludwigslust-Parchim, spalte: Jahr 2019 }\n",
        );
        assert_eq!(load(&dir).unwrap()["a"], json!(4.8));
    }
}

#[test]
fn a_repeated_year_header_is_an_error_naming_both_columns_or_rows() {
    let dir = project(
        "jahre.csv",
        b"Merkmal;2018;2019;2019\nArbeitslose;1;2;3\n",
        "    a: { zeile: Arbeitslose, spalten: jahre, beschriftung: [A] }\n",
    );
    let err = load(&dir).unwrap_err();
    assert!(
        err.contains("data/quellen/jahre.csv")
            && err.contains("„2019“ steht zweimal (Spalte 3 und Spalte 4)"),
        "{err}"
    );
    // The same down a column under zeilen: jahre.
    let dir = project(
        "zeilen.csv",
        b"Jahr;Wert\n2018;1\n2019;2\n\n2019;3\n",
        "    a: { zeilen: jahre, spalte: Wert, beschriftung: [A] }\n",
    );
    let err = load(&dir).unwrap_err();
    assert!(
        err.contains("„2019“ steht zweimal (Zeile 3 und Zeile 5)"),
        "{err}"
    );
    let bytes = xlsx(|wb| {
        let ws = wb.add_worksheet();
        for (col, year) in [(1, 2018.0), (2, 2019.0), (3, 2019.0)] {
            ws.write_number(0, col, year).unwrap();
            ws.write_number(1, col, year - 2000.0).unwrap();
        }
        ws.write_string(1, 0, "Arbeitslose").unwrap();
    });
    let dir = project(
        "jahre.xlsx",
        &bytes,
        "    a: { zeile: Arbeitslose, spalten: jahre }\n",
    );
    let err = load(&dir).unwrap_err();
    assert!(err.contains("(C1 und D1)"), "{err}");
}

#[test]
fn csv_line_numbers_of_100_000_rows_are_counted_in_one_pass() {
    let mut text = String::from("Kreis;Wert\n");
    for row in 0..100_000 {
        text.push_str(&format!("\"K\n{row}\";{row}\n"));
    }
    let started = Instant::now();
    let grid = csv::read(text.as_bytes(), "x.csv", Encoding::Detect, None).unwrap();
    let elapsed = started.elapsed();
    let lines = grid.lines.clone().unwrap();
    assert_eq!(lines.len(), 100_001);
    assert_eq!(lines.last(), Some(&200_000));
    assert_eq!(grid.cell_name(100_000, 1), "Zeile 200000, Spalte „Wert“");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[test]
fn nul_characters_in_cells_never_reach_messages_as_escapes() {
    let csv = project(
        "nul.csv",
        b"Merkmal;Wert\nArbeitslose;k\x00A\n",
        "    a: { zeile: Arbeitslose, spalte: Wert }\n",
    );
    let bytes = xlsx(|wb| {
        let ws = wb.add_worksheet();
        ws.write_string(0, 1, "Wert").unwrap();
        ws.write_string(1, 0, "Arbeitslose").unwrap();
        ws.write_string(1, 1, "k\u{0}A").unwrap();
    });
    let sheet = project(
        "nul.xlsx",
        &bytes,
        "    a: { zeile: Arbeitslose, spalte: Wert }\n",
    );
    let content = r#"<office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet><table:table table:name="T"><table:table-row><table:table-cell/><table:table-cell office:value-type="string" office:string-value="Wert"/></table:table-row><table:table-row><table:table-cell office:value-type="string" office:string-value="Arbeitslose"/><table:table-cell office:value-type="string" office:string-value="k&#1;A"/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let sheet_ods = project(
        "nul.ods",
        &ods(content),
        "    a: { zeile: Arbeitslose, spalte: Wert }\n",
    );
    for dir in [csv, sheet, sheet_ods] {
        let output = crate::common::amip(dir.path(), &["build", "--html"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("„kA“ ist keine Zahl"), "{stderr}");
        assert!(!stderr.contains("\\u{"), "{stderr}");
    }
}

/// The process's peak memory so far (Linux), in MB.
fn peak_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// Every sheet of a workbook read, or the first error; never a panic, never over budget.
fn read_all(bytes: Vec<u8>, file: &str) {
    let started = Instant::now();
    if let Ok(mut book) = Workbook::open(bytes, file) {
        let _ = book.sheet(None);
    }
    assert!(started.elapsed() < Duration::from_secs(5), "{file}");
    if let Some(peak) = peak_mb() {
        assert!(peak < 4096, "peak memory {peak} MB");
    }
}

fn read_csv(bytes: &[u8]) {
    let started = Instant::now();
    for encoding in [Encoding::Detect, Encoding::Utf16] {
        let _ = csv::read(bytes, "x.csv", encoding, None);
    }
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// Byte changes at random places, then perhaps a cut.
fn mutations() -> impl Strategy<Value = (Vec<(usize, u8)>, Option<usize>)> {
    (
        prop::collection::vec((any::<usize>(), any::<u8>()), 1..12),
        prop::option::of(any::<usize>()),
    )
}

fn mutate(mut bytes: Vec<u8>, changes: &[(usize, u8)], cut: Option<usize>) -> Vec<u8> {
    let len = bytes.len().max(1);
    for (at, byte) in changes {
        if let Some(slot) = bytes.get_mut(at % len) {
            *slot = *byte;
        }
    }
    if let Some(cut) = cut {
        bytes.truncate(cut % len);
    }
    bytes
}

fn real_files() -> Option<Vec<(String, Vec<u8>)>> {
    let report = xlsx(|wb| {
        let ws = wb.add_worksheet();
        ws.write_string(0, 1, "September 2019").unwrap();
        ws.write_string(1, 0, "Arbeitslose").unwrap();
        ws.write_number(1, 1, 2116.0).unwrap();
        ws.write_formula(2, 1, "=B2*2").unwrap();
    });
    Some(vec![
        ("13211-03ir.xls".to_string(), real("13211-03ir.xls")?),
        ("krpend_02_0.xlsb".to_string(), real("krpend_02_0.xlsb")?),
        ("bericht.xlsx".to_string(), report),
        (
            "tabelle.ods".to_string(),
            ods(
                r#"<office:document-content xmlns:office="o" xmlns:table="t"><office:body><office:spreadsheet><table:table table:name="T"><table:table-row table:number-rows-repeated="3"><table:table-cell office:value="1" office:value-type="float" table:number-columns-repeated="4"/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#,
            ),
        ),
    ])
}

#[test]
fn the_real_files_are_read() {
    let Some(files) = real_files() else { return };
    for ((name, bytes), (sheet, rows)) in files.into_iter().zip([
        (None, 30),
        (Some("Auspendler Kreise"), 300),
        (None, 3),
        (None, 3),
    ]) {
        let mut book = Workbook::open(bytes, &name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (grid, _) = book.sheet(sheet).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(grid.rows.len() >= rows, "{name}: {}", grid.rows.len());
    }
    for name in ["13211-02-05-4.csv", "13111-07-05-4_2020.csv"] {
        let Some(bytes) = real(name) else { return };
        let grid = csv::read(&bytes, name, Encoding::Detect, None).unwrap();
        // The multi-line footnote field: line numbers stay those of the file.
        assert!(grid.lines.unwrap().last() > Some(&3000), "{name}");
    }
}

proptest! {
    // Few cases: each reads 1 MB of real CSV in a debug build.
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn mutated_real_csv_files_never_break_the_importer((changes, cut) in mutations()) {
        for name in ["13211-02-05-4.csv", "13111-07-05-4_2020.csv"] {
            let Some(bytes) = real(name) else { return Ok(()) };
            read_csv(&mutate(bytes, &changes, cut));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_break_an_importer(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        for file in ["x.xlsx", "x.xlsb", "x.xls", "x.ods"] {
            read_all(bytes.clone(), file);
        }
        read_csv(&bytes);
    }

    #[test]
    fn mutated_real_workbooks_never_break_the_importer((changes, cut) in mutations()) {
        let Some(files) = real_files() else { return Ok(()) };
        for (name, bytes) in files {
            read_all(mutate(bytes, &changes, cut), &name);
        }
    }


    #[test]
    fn mutated_ods_repeats_never_break_the_importer(
        rows in 0u64..u64::MAX, cols in 0u64..u64::MAX, filled in any::<bool>()
    ) {
        let value = if filled { r#"office:value="1" office:value-type="float""# } else { "" };
        let content = format!(r#"<office:document-content xmlns:office="o" xmlns:table="t"><office:body><office:spreadsheet><table:table table:name="T"><table:table-row table:number-rows-repeated="{}"><table:table-cell {value} table:number-columns-repeated="{}"/></table:table-row><table:table-row><table:table-cell office:value="2" office:value-type="float"/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#, rows % 100_000_000, cols % 100_000_000);
        read_all(ods(&content), "x.ods");
    }
}
