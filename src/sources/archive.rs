//! What a zip-based workbook (xlsx, xlsb, ods) really holds, measured before calamine sees it:
//! every entry is inflated through a byte-counting reader (the sizes the zip directory declares
//! may lie), ODS repeat attributes are multiplied out the way calamine expands them, and xlsx
//! sheets are searched for formulas without a stored result.

use std::io::{BufRead, BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::error::ImportError;
use super::grid::parse_cell_ref;

/// What the inspection found out about a workbook that passed it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Inspection {
    /// An xlsx sheet holds a formula whose result was never saved.
    pub uncached_formulas: bool,
}

/// Which entries are read as XML on the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Office Open XML (xlsx, xlsm): the sheets are scanned for formulas.
    Xlsx,
    /// Excel binary workbook: only counted.
    Xlsb,
    /// OpenDocument: `content.xml` is scanned for repeated rows and columns.
    Ods,
}

/// A reader that counts what passed through it and fails once past `limit`.
struct Counted<R> {
    inner: R,
    count: u64,
    limit: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.count > self.limit {
            return Err(std::io::Error::other("unpack limit reached"));
        }
        let read = self.inner.read(buf)?;
        self.count = self.count.saturating_add(read as u64);
        Ok(read)
    }
}

fn broken(file: &str, reason: &str) -> ImportError {
    ImportError::Broken {
        file: file.to_string(),
        reason: reason.to_string(),
    }
}

fn unpacked(file: &str, limit_mb: u64) -> ImportError {
    ImportError::Unpacked {
        file: file.to_string(),
        limit: limit_mb,
    }
}

/// Inflates every entry of the archive once, refusing it when more than `limit_mb` come out
/// in total or when the cells it would expand to exceed `max_cells`.
pub fn inspect(
    bytes: &[u8],
    file: &str,
    kind: Kind,
    limit_mb: u64,
    max_cells: u64,
) -> Result<Inspection, ImportError> {
    let zip_broken = || {
        broken(
            file,
            "das ZIP-Archiv der Arbeitsmappe ist unvollständig oder beschädigt",
        )
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| zip_broken())?;
    let limit = limit_mb.saturating_mul(1024 * 1024);
    let mut total: u64 = 0;
    let mut found = Inspection::default();
    let mut cells: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive
            .by_index(index)
            .map_err(|_| broken(file, "ein Eintrag des ZIP-Archivs ist beschädigt"))?;
        let name = entry.name().to_string();
        let mut counted = BufReader::new(Counted {
            inner: entry,
            count: 0,
            limit: limit.saturating_sub(total),
        });
        let scanned = match kind {
            Kind::Xlsx if name.starts_with("xl/worksheets/") && name.ends_with(".xml") => {
                scan_xlsx_sheet(&mut counted, max_cells)
            }
            Kind::Ods if name == "content.xml" => scan_ods(&mut counted),
            _ => Ok(Scanned::default()),
        };
        // Whatever the scan left unread still counts.
        let drained = std::io::copy(&mut counted, &mut std::io::sink());
        let counted = counted.into_inner();
        total = total.saturating_add(counted.count);
        if let Ok(scanned) = &scanned {
            total = total.saturating_add(scanned.expanded);
        }
        if total > limit {
            return Err(unpacked(file, limit_mb));
        }
        if drained.is_err() {
            return Err(zip_broken());
        }
        let scanned = scanned.map_err(|()| too_many(file, max_cells))?;
        found.uncached_formulas |= scanned.uncached_formulas;
        cells = cells.saturating_add(scanned.cells);
        if cells > max_cells {
            return Err(too_many(file, max_cells));
        }
    }
    Ok(found)
}

fn too_many(file: &str, max_cells: u64) -> ImportError {
    ImportError::TooManyCells {
        file: file.to_string(),
        limit: max_cells,
    }
}

/// What one scanned entry holds.
#[derive(Debug, Default)]
struct Scanned {
    uncached_formulas: bool,
    /// Cells calamine would allocate for it.
    cells: u64,
    /// Bytes of text calamine would write out beyond the file's own (`<text:s text:c="…"/>`
    /// in ODS: that many spaces).
    expanded: u64,
}

fn local_is(element: &BytesStart<'_>, name: &[u8]) -> bool {
    element.local_name().as_ref() == name
}

fn attribute(element: &BytesStart<'_>, name: &[u8]) -> Option<Vec<u8>> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| a.value.into_owned())
}

/// The number of cells an `A1:XFD1048576` reference spans.
fn area(reference: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(reference);
    let mut parts = text.split(':').map(parse_cell_ref);
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some((r1, c1)), Some((r2, c2))) => {
            let rows = r1.abs_diff(r2) as u64 + 1;
            let cols = c1.abs_diff(c2) as u64 + 1;
            rows.saturating_mul(cols)
        }
        (Some(_), None) => 1,
        _ => 0,
    }
}

/// Finds `<c>` elements with `<f>` but without `<v>`; a shared formula whose `ref` spans more
/// than `max_cells` (calamine expands it cell by cell) is refused. `Err(())`: too many cells.
fn scan_xlsx_sheet<R: BufRead>(input: R, max_cells: u64) -> Result<Scanned, ()> {
    let mut reader = Reader::from_reader(input);
    let mut buf = Vec::new();
    let mut found = Scanned::default();
    let (mut in_cell, mut formula, mut value) = (false, false, false);
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if local_is(&e, b"c") => {
                (in_cell, formula, value) = (true, false, false);
            }
            Ok(Event::Start(e) | Event::Empty(e)) if in_cell && local_is(&e, b"f") => {
                formula = true;
                if attribute(&e, b"ref").is_some_and(|r| area(&r) > max_cells) {
                    return Err(());
                }
            }
            Ok(Event::Start(e)) if in_cell && local_is(&e, b"v") => value = true,
            Ok(Event::End(e)) if e.local_name().as_ref() == b"c" => {
                found.uncached_formulas |= formula && !value;
                in_cell = false;
            }
            Ok(Event::Eof) | Err(_) => return Ok(found),
            Ok(_) => {}
        }
    }
}

/// A count from a repeat attribute; unreadable counts are 1, as for a missing attribute.
fn repeats(element: &BytesStart<'_>, name: &[u8]) -> u64 {
    attribute(element, name)
        .and_then(|v| String::from_utf8_lossy(&v).trim().parse::<u64>().ok())
        .unwrap_or(1)
}

/// Whether calamine keeps an ODS cell (a value, a formula or content) or drops it as empty.
fn has_content(element: &BytesStart<'_>, nested: bool) -> bool {
    const VALUES: [&[u8]; 7] = [
        b"value",
        b"string-value",
        b"date-value",
        b"time-value",
        b"boolean-value",
        b"formula",
        b"value-type",
    ];
    nested
        || element
            .attributes()
            .flatten()
            .any(|a| VALUES.contains(&a.key.local_name().as_ref()))
}

/// One table's expansion as calamine performs it: rows repeated, cells repeated within rows,
/// empty cells before a filled one kept, the whole padded to the widest row.
#[derive(Debug, Default)]
struct Table {
    /// Cells read before repeating rows.
    raw: u64,
    widest: u64,
    /// Rows from the first to the last filled row, repeats included.
    span: u64,
    /// Empty rows waiting for a filled one after them.
    pending_rows: u64,
    started: bool,
}

impl Table {
    fn row(&mut self, repeat: u64, cells: u64, filled: bool) {
        self.raw = self.raw.saturating_add(cells);
        if !filled {
            self.pending_rows = self.pending_rows.saturating_add(repeat);
            return;
        }
        self.widest = self.widest.max(cells);
        if self.started {
            self.span = self.span.saturating_add(self.pending_rows);
        }
        self.started = true;
        self.pending_rows = 0;
        self.span = self.span.saturating_add(repeat);
    }

    fn cells(&self) -> u64 {
        self.raw.max(self.span.saturating_mul(self.widest))
    }
}

/// A row's cells: `(count kept, filled)` after calamine's rule that trailing empty cells go.
#[derive(Debug, Default)]
struct Row {
    repeat: u64,
    kept: u64,
    pending: u64,
}

impl Row {
    fn cell(&mut self, repeat: u64, filled: bool) {
        if filled {
            self.kept = self
                .kept
                .saturating_add(self.pending)
                .saturating_add(repeat);
            self.pending = 0;
        } else {
            self.pending = self.pending.saturating_add(repeat);
        }
    }
}

/// Multiplies out the repeat attributes of `content.xml`.
fn scan_ods<R: BufRead>(input: R) -> Result<Scanned, ()> {
    let mut reader = Reader::from_reader(input);
    let mut buf = Vec::new();
    let mut skip = Vec::new();
    let mut tables: u64 = 0;
    let mut table = Table::default();
    let mut row = Row::default();
    let mut expanded: u64 = 0;
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf);
        match event {
            Ok(Event::Start(e)) if local_is(&e, b"table") => table = Table::default(),
            Ok(Event::End(e)) if e.local_name().as_ref() == b"table" => {
                tables = tables.saturating_add(std::mem::take(&mut table).cells());
            }
            Ok(Event::Start(e)) if local_is(&e, b"table-row") => {
                row = Row {
                    repeat: repeats(&e, b"number-rows-repeated"),
                    ..Row::default()
                };
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == b"table-row" => {
                table.row(row.repeat, row.kept, row.kept > 0);
            }
            Ok(Event::Start(e))
                if local_is(&e, b"table-cell") || local_is(&e, b"covered-table-cell") =>
            {
                row.cell(
                    repeats(&e, b"number-columns-repeated"),
                    has_content(&e, true),
                );
                // The cell's content: only the spaces it expands to count.
                match cell_spaces(&mut reader, &mut skip) {
                    Some(spaces) => expanded = expanded.saturating_add(spaces),
                    None => break,
                }
            }
            Ok(Event::Empty(e))
                if local_is(&e, b"table-cell") || local_is(&e, b"covered-table-cell") =>
            {
                row.cell(
                    repeats(&e, b"number-columns-repeated"),
                    has_content(&e, false),
                );
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    // An unfinished table (truncated file) still counts.
    tables = tables.saturating_add(table.cells());
    Ok(Scanned {
        uncached_formulas: false,
        cells: tables,
        expanded,
    })
}

/// Reads to the end of the cell just started and sums the spaces its `<text:s text:c="n"/>`
/// elements stand for; `None` at a broken end.
fn cell_spaces<R: BufRead>(reader: &mut Reader<R>, buf: &mut Vec<u8>) -> Option<u64> {
    let mut depth: u32 = 1;
    let mut spaces: u64 = 0;
    while depth > 0 {
        buf.clear();
        match reader.read_event_into(buf) {
            Ok(Event::Start(e)) => {
                depth += 1;
                if local_is(&e, b"s") {
                    spaces = spaces.saturating_add(repeats(&e, b"c"));
                }
            }
            Ok(Event::Empty(e)) if local_is(&e, b"s") => {
                spaces = spaces.saturating_add(repeats(&e, b"c"));
            }
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
    Some(spaces)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ods_cells(xml: &str) -> u64 {
        scan_ods(xml.as_bytes()).unwrap().cells
    }

    #[test]
    fn ods_repeats_are_multiplied_out_like_calamine_expands_them() {
        let filled = r#"<t:table xmlns:t="t" xmlns:o="o"><t:table-row><t:table-cell o:value="1" t:number-columns-repeated="400000000"/></t:table-row></t:table>"#;
        assert_eq!(ods_cells(filled), 400_000_000);
        // LibreOffice's trailing empty rows and columns are never expanded.
        let trailing = r#"<t:table xmlns:t="t" xmlns:o="o"><t:table-row><t:table-cell o:value="1"/><t:table-cell t:number-columns-repeated="1023"/></t:table-row><t:table-row t:number-rows-repeated="1048575"><t:table-cell t:number-columns-repeated="1024"/></t:table-row></t:table>"#;
        assert_eq!(ods_cells(trailing), 1);
        let rows = r#"<t:table xmlns:t="t" xmlns:o="o"><t:table-row t:number-rows-repeated="1000"><t:table-cell t:number-columns-repeated="3"/><t:table-cell o:value="1" t:number-columns-repeated="2"/></t:table-row></t:table>"#;
        assert_eq!(ods_cells(rows), 5000);
    }

    #[test]
    fn shared_formula_areas_and_uncached_formulas_are_seen() {
        let sheet = r#"<worksheet><sheetData><row r="1"><c r="A1"><f>1+1</f></c><c r="B1"><f>2</f><v>2</v></c></row></sheetData></worksheet>"#;
        assert!(
            scan_xlsx_sheet(sheet.as_bytes(), 100)
                .unwrap()
                .uncached_formulas
        );
        let cached = r#"<worksheet><sheetData><row r="1"><c r="B1"><f>2</f><v>2</v></c></row></sheetData></worksheet>"#;
        assert!(
            !scan_xlsx_sheet(cached.as_bytes(), 100)
                .unwrap()
                .uncached_formulas
        );
        let shared = r#"<worksheet><sheetData><row r="1"><c r="A1"><f t="shared" ref="A1:XFD1048576" si="0">1</f><v>1</v></c></row></sheetData></worksheet>"#;
        assert!(scan_xlsx_sheet(shared.as_bytes(), 100).is_err());
        assert_eq!(area(b"A1:B5"), 10);
    }
}
