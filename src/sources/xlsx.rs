//! Spreadsheets through calamine (xlsx, xlsm, xlsb, xls, ods), read within fixed bounds: a
//! file size limit, a limit on what a zip archive unpacks to, and a cell limit per sheet, so a
//! damaged or hostile file yields a message and never exhausts memory.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, DataRef, Reader, Sheets};
use indexmap::IndexMap;

use super::decl::Text;
use super::error::ImportError;
use super::grid::{closest, Cell, Grid, MONTHS};

/// Largest total a zip-based workbook may unpack to, in MB.
pub const MAX_UNPACKED_MB: u64 = 200;
/// Most cells read from one sheet.
pub const MAX_CELLS: usize = 2_000_000;
/// Highest row and column index accepted (keeps the grid small even for sparse sheets).
const MAX_ROW: u32 = 100_000;
const MAX_COL: u32 = 1_000;

const MB: u64 = 1024 * 1024;

/// An opened workbook; sheets are read on first use and kept.
pub struct Workbook {
    file: String,
    sheets: Sheets<Cursor<Vec<u8>>>,
    names: Vec<String>,
    grids: HashMap<String, Grid>,
    /// Row filter applied to every sheet read.
    pub filter: IndexMap<String, Text>,
}

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn broken(file: &str, reason: &str) -> ImportError {
    ImportError::Broken {
        file: file.to_string(),
        reason: reason.to_string(),
    }
}

/// calamine's errors in German.
fn translate(file: &str, err: &calamine::Error) -> ImportError {
    use calamine::{Error, XlsError, XlsxError};
    match err {
        Error::Xls(XlsError::Password)
        | Error::Xlsx(XlsxError::Password)
        | Error::Xlsb(calamine::XlsbError::Password)
        | Error::Ods(calamine::OdsError::Password) => ImportError::Encrypted {
            file: file.to_string(),
        },
        Error::Xlsx(XlsxError::Zip(_))
        | Error::Ods(calamine::OdsError::Zip(_))
        | Error::Xlsb(calamine::XlsbError::Zip(_)) => broken(
            file,
            "das ZIP-Archiv der Arbeitsmappe ist unvollständig oder beschädigt",
        ),
        Error::Xlsx(XlsxError::Xml(_) | XlsxError::XmlAttr(_) | XlsxError::XmlEof(_)) => {
            broken(file, "der Inhalt eines Blatts (XML) ist fehlerhaft")
        }
        Error::Io(_) => broken(file, "die Datei endet vorzeitig"),
        _ => broken(file, "der Aufbau der Datei ist fehlerhaft"),
    }
}

/// Refuses zip archives that unpack to more than [`MAX_UNPACKED_MB`] or are no archive.
fn check_archive(bytes: &[u8], file: &str) -> Result<(), ImportError> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        broken(
            file,
            "das ZIP-Archiv der Arbeitsmappe ist unvollständig oder beschädigt",
        )
    })?;
    let mut total: u64 = 0;
    let mut archive = archive;
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|_| broken(file, "ein Eintrag des ZIP-Archivs ist beschädigt"))?;
        total = total.saturating_add(entry.size());
    }
    if total > MAX_UNPACKED_MB * MB {
        return Err(ImportError::Unpacked {
            file: file.to_string(),
            limit: MAX_UNPACKED_MB,
        });
    }
    Ok(())
}

impl Workbook {
    /// Opens a workbook by its extension, after the size, encryption and archive checks.
    pub fn open(bytes: Vec<u8>, file: &str) -> Result<Self, ImportError> {
        let lower = file.to_lowercase();
        let extension = lower.rsplit('.').next().unwrap_or_default().to_string();
        if !matches!(extension.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods") {
            return Err(ImportError::UnknownFormat {
                file: file.to_string(),
            });
        }
        let ole = bytes.starts_with(&OLE_MAGIC);
        if ole && extension != "xls" {
            // An OOXML or ODF file inside an OLE container is an encrypted package.
            return Err(ImportError::Encrypted {
                file: file.to_string(),
            });
        }
        if extension != "xls" {
            check_archive(&bytes, file)?;
        } else if !ole {
            return Err(broken(file, "keine Excel-97-Arbeitsmappe"));
        }
        let cursor = Cursor::new(bytes);
        let sheets = match extension.as_str() {
            "xls" => calamine::Xls::new(cursor)
                .map(Sheets::Xls)
                .map_err(calamine::Error::Xls),
            "xlsb" => calamine::Xlsb::new(cursor)
                .map(Sheets::Xlsb)
                .map_err(calamine::Error::Xlsb),
            "ods" => calamine::Ods::new(cursor)
                .map(Sheets::Ods)
                .map_err(calamine::Error::Ods),
            _ => calamine::Xlsx::new(cursor)
                .map(Sheets::Xlsx)
                .map_err(calamine::Error::Xlsx),
        }
        .map_err(|err| translate(file, &err))?;
        let names = sheets.sheet_names();
        Ok(Self {
            file: file.to_string(),
            sheets,
            names,
            grids: HashMap::new(),
            filter: IndexMap::new(),
        })
    }

    /// The sheet named `name` (compared without case and surrounding spaces), else the first.
    pub fn sheet(&mut self, name: Option<&str>) -> Result<(&Grid, String), ImportError> {
        let found = match name {
            None => self.names.first().cloned(),
            Some(wanted) => {
                let wanted = super::grid::normalize(wanted);
                self.names
                    .iter()
                    .find(|n| super::grid::normalize(n) == wanted)
                    .cloned()
            }
        };
        let Some(found) = found else {
            let mut existing = closest(
                name.unwrap_or_default(),
                self.names.clone(),
                self.names.len(),
            );
            existing.truncate(6);
            return Err(ImportError::SheetMissing {
                file: self.file.clone(),
                sheet: name.unwrap_or_default().to_string(),
                existing: existing
                    .iter()
                    .map(|n| format!("„{n}“"))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        if !self.grids.contains_key(&found) {
            let mut grid = self.read_sheet(&found)?;
            let at = format!("{}, Blatt „{found}“", self.file);
            super::apply_filter(&mut grid, &at, &self.filter)?;
            self.grids.insert(found.clone(), grid);
        }
        let grid = self
            .grids
            .get(&found)
            .ok_or_else(|| broken(&self.file, "Blatt nicht lesbar"))?;
        Ok((grid, found))
    }

    fn read_sheet(&mut self, name: &str) -> Result<Grid, ImportError> {
        let file = self.file.clone();
        let mut grid = Grid::new(Vec::new(), None);
        let mut count = 0usize;
        let mut put =
            |row: u32, col: u32, cell: Cell, grid: &mut Grid| -> Result<(), ImportError> {
                if matches!(cell, Cell::Empty) {
                    return Ok(());
                }
                count += 1;
                if count > MAX_CELLS || row > MAX_ROW || col > MAX_COL {
                    return Err(ImportError::Unpacked {
                        file: file.clone(),
                        limit: MAX_UNPACKED_MB,
                    });
                }
                let (row, col) = (row as usize, col as usize);
                if grid.rows.len() <= row {
                    grid.rows.resize_with(row + 1, Vec::new);
                }
                if let Some(cells) = grid.rows.get_mut(row) {
                    if cells.len() <= col {
                        cells.resize(col + 1, Cell::Empty);
                    }
                    if let Some(slot) = cells.get_mut(col) {
                        *slot = cell;
                    }
                }
                Ok(())
            };
        if let Sheets::Xlsx(xlsx) = &mut self.sheets {
            // Streams cells: no allocation for the sheet's whole declared area.
            let mut reader = xlsx
                .worksheet_cells_reader(name)
                .map_err(|err| translate(&self.file, &calamine::Error::Xlsx(err)))?;
            while let Some(cell) = reader
                .next_cell()
                .map_err(|err| translate(&self.file, &calamine::Error::Xlsx(err)))?
            {
                let (row, col) = cell.get_position();
                put(row, col, from_ref(cell.get_value()), &mut grid)?;
            }
        } else {
            let range = self
                .sheets
                .worksheet_range(name)
                .map_err(|err| translate(&self.file, &err))?;
            let (top, left) = range.start().unwrap_or((0, 0));
            for (row, col, data) in range.used_cells() {
                let row = top.saturating_add(u32::try_from(row).unwrap_or(u32::MAX));
                let col = left.saturating_add(u32::try_from(col).unwrap_or(u32::MAX));
                put(row, col, from_data(data), &mut grid)?;
            }
        }
        grid.index();
        Ok(grid)
    }
}

/// "September 2019" for an Excel date serial (headers are sometimes dates formatted as months).
fn month_label(serial: f64) -> Option<String> {
    if !serial.is_finite() || !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    // Excel's day 0 is 1899-12-30 (including its 1900 leap-year error for later dates).
    #[allow(clippy::cast_possible_truncation)]
    let days = serial.floor() as i64;
    let date = jiff::civil::date(1899, 12, 30)
        .checked_add(jiff::Span::new().days(days))
        .ok()?;
    let month = MONTHS.get(usize::try_from(date.month()).ok()?.checked_sub(1)?)?;
    Some(format!("{month} {}", date.year()))
}

fn error_cell(err: &calamine::CellErrorType) -> Cell {
    Cell::Text(format!("{err}"))
}

fn from_data(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        #[allow(clippy::cast_precision_loss)]
        Data::Int(n) => Cell::Number(*n as f64),
        Data::Float(n) => Cell::Number(*n),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => {
            Cell::Text(text.clone())
        }
        Data::Bool(b) => Cell::Text(if *b { "WAHR" } else { "FALSCH" }.to_string()),
        Data::DateTime(date) => {
            month_label(date.as_f64()).map_or(Cell::Number(date.as_f64()), Cell::Text)
        }
        Data::Error(err) => error_cell(err),
    }
}

fn from_ref(data: &DataRef<'_>) -> Cell {
    match data {
        DataRef::Empty => Cell::Empty,
        #[allow(clippy::cast_precision_loss)]
        DataRef::Int(n) => Cell::Number(*n as f64),
        DataRef::Float(n) => Cell::Number(*n),
        DataRef::String(text) | DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => {
            Cell::Text(text.clone())
        }
        DataRef::SharedString(text) => Cell::Text((*text).to_string()),
        DataRef::Bool(b) => Cell::Text(if *b { "WAHR" } else { "FALSCH" }.to_string()),
        DataRef::DateTime(date) => {
            month_label(date.as_f64()).map_or(Cell::Number(date.as_f64()), Cell::Text)
        }
        DataRef::Error(err) => error_cell(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_headers_read_as_months() {
        // 43709 is 2019-09-01 in Excel's serial numbering.
        assert_eq!(month_label(43709.0).as_deref(), Some("September 2019"));
        assert_eq!(month_label(f64::NAN), None);
    }
}
