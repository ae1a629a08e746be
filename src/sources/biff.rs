//! What an Excel 97 workbook (.xls) makes calamine allocate, measured before calamine reads it:
//! calamine reserves room for each sheet's declared dimensions and for the rectangle spanned
//! by its cells, so both are multiplied out here from the BIFF records, sheet by sheet.

use std::io::{Cursor, Read};

use super::error::ImportError;

/// One BIFF record: type and data.
struct Record<'a> {
    typ: u16,
    data: &'a [u8],
}

/// The records of a stream from `stream` on, until one does not fit.
fn records(mut stream: &[u8]) -> impl Iterator<Item = Record<'_>> {
    std::iter::from_fn(move || {
        let typ = u16::from_le_bytes([*stream.first()?, *stream.get(1)?]);
        let len = usize::from(u16::from_le_bytes([*stream.get(2)?, *stream.get(3)?]));
        let data = stream.get(4..4 + len)?;
        stream = stream.get(4 + len..)?;
        Some(Record { typ, data })
    })
}

fn u16_at(data: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u16::from_le_bytes([
        *data.get(at)?,
        *data.get(at + 1)?,
    ])))
}

fn u32_at(data: &[u8], at: usize) -> Option<u64> {
    let bytes = data.get(at..at + 4)?;
    Some(u64::from(u32::from_le_bytes(bytes.try_into().ok()?)))
}

/// Whether the OLE header's sector size and allocation tables fit the file: calamine reserves
/// memory for the tables the header declares before it reads them (one changed byte of a real
/// file declared 10 GB).
fn header_fits(bytes: &[u8]) -> bool {
    let len = bytes.len() as u64;
    let (Some(shift), Some(fat), Some(mini_fat), Some(difat)) = (
        u16_at(bytes, 0x1E),
        u32_at(bytes, 0x2C),
        u32_at(bytes, 0x40),
        u32_at(bytes, 0x48),
    ) else {
        return false;
    };
    if !matches!(shift, 9 | 12) {
        return false;
    }
    let sector = 1u64 << shift;
    [fat, mini_fat, difat]
        .iter()
        .all(|count| count.saturating_mul(sector) <= len)
}

/// Rows times columns of a DIMENSIONS record (BIFF8: 32-bit rows, BIFF5: 16-bit).
fn dimensions(data: &[u8]) -> u64 {
    let (first_row, last_row, first_col, last_col) = match data.len() {
        10 => (
            u16_at(data, 0),
            u16_at(data, 2),
            u16_at(data, 4),
            u16_at(data, 6),
        ),
        14 => (
            u32_at(data, 0),
            u32_at(data, 4),
            u16_at(data, 8),
            u16_at(data, 10),
        ),
        _ => return 0,
    };
    match (first_row, last_row, first_col, last_col) {
        (Some(r1), Some(r2), Some(c1), Some(c2)) => {
            (r1.abs_diff(r2) + 1).saturating_mul(c1.abs_diff(c2) + 1)
        }
        _ => 0,
    }
}

/// The rectangle spanned by a sheet's cells.
#[derive(Default)]
struct Span {
    rows: Option<(u64, u64)>,
    cols: Option<(u64, u64)>,
}

impl Span {
    fn add(&mut self, row: u64, col: u64) {
        let widen = |span: Option<(u64, u64)>, at: u64| {
            Some(span.map_or((at, at), |(lo, hi)| (lo.min(at), hi.max(at))))
        };
        self.rows = widen(self.rows, row);
        self.cols = widen(self.cols, col);
    }

    fn cells(&self) -> u64 {
        match (self.rows, self.cols) {
            (Some((r1, r2)), Some((c1, c2))) => (r2 - r1 + 1).saturating_mul(c2 - c1 + 1),
            _ => 0,
        }
    }
}

/// The most cells calamine would allocate for the sheet whose records start at `stream`.
fn sheet_cells(stream: &[u8]) -> u64 {
    let mut span = Span::default();
    let mut declared = 0u64;
    for record in records(stream) {
        let data = record.data;
        match record.typ {
            0x000A => break,
            0x0200 => declared = declared.max(dimensions(data)),
            // Number, Label, BoolErr, Rk, LabelSst, Formula: row and column first.
            0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                if let (Some(row), Some(col)) = (u16_at(data, 0), u16_at(data, 2)) {
                    span.add(row, col);
                }
            }
            // MulRk: row, first column, …, last column.
            0x00BD => {
                if let (Some(row), Some(first)) = (u16_at(data, 0), u16_at(data, 2)) {
                    span.add(row, first);
                    if let Some(last) = data.len().checked_sub(2).and_then(|at| u16_at(data, at)) {
                        span.add(row, last);
                    }
                }
            }
            _ => {}
        }
    }
    declared.max(span.cells())
}

/// Refuses an .xls file whose sheets would make calamine allocate more than `max_cells`.
pub fn inspect(bytes: &[u8], file: &str, max_cells: u64) -> Result<(), ImportError> {
    let broken = || ImportError::Broken {
        file: file.to_string(),
        reason: "der Aufbau der Datei ist fehlerhaft".to_string(),
    };
    if !header_fits(bytes) {
        return Err(broken());
    }
    let mut container = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|_| broken())?;
    let mut stream = container
        .open_stream("/Workbook")
        .or_else(|_| container.open_stream("/Book"))
        .map_err(|_| broken())?;
    let mut workbook = Vec::new();
    // The stream cannot be longer than the file; the bound guards against a lying directory.
    (&mut stream)
        .take(bytes.len() as u64)
        .read_to_end(&mut workbook)
        .map_err(|_| broken())?;
    let mut total = 0u64;
    for record in records(&workbook) {
        match record.typ {
            0x000A => break,
            // BoundSheet8: where the sheet's records start.
            0x0085 => {
                let start = u32_at(record.data, 0)
                    .and_then(|pos| usize::try_from(pos).ok())
                    .and_then(|pos| workbook.get(pos..));
                total = total.saturating_add(start.map_or(0, sheet_cells));
            }
            _ => {}
        }
    }
    if total > max_cells {
        return Err(ImportError::TooManyCells {
            file: file.to_string(),
            limit: max_cells,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut out = typ.to_le_bytes().to_vec();
        out.extend(u16::try_from(data.len()).unwrap().to_le_bytes());
        out.extend(data);
        out
    }

    #[test]
    fn declared_dimensions_and_the_span_of_cells_are_multiplied_out() {
        let mut sheet = record(
            0x0200,
            &[0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0xFF, 0, 0, 0],
        );
        sheet.extend(record(0x000A, &[]));
        assert_eq!(sheet_cells(&sheet), (u64::from(u32::MAX) + 1) * 256);
        let mut cells = record(0x0203, &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        cells.extend(record(
            0x0203,
            &[0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ));
        assert_eq!(sheet_cells(&cells), 65536 * 65536);
    }
}
