//! Spreadsheets through calamine (xlsx, xlsm, xlsb, xls, ods), read within fixed bounds: a
//! file size limit, a limit on what a zip archive unpacks to, and a cell limit per sheet, so a
//! damaged or hostile file yields a message and never exhausts memory.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, DataRef, ExcelDateTime, Range, Reader, SheetType, SheetVisible, Sheets};
use indexmap::IndexMap;

use super::archive::{self, Inspection, Kind};
use super::biff;
use super::decl::Text;
use super::error::ImportError;
use super::grid::{clean, closest, Cell, Grid, MONTHS};

/// Largest total a zip-based workbook may unpack to, in MB.
pub const MAX_UNPACKED_MB: u64 = 200;
/// Most cells read from one sheet.
pub const MAX_CELLS: usize = 2_000_000;
/// Highest row and column index accepted (keeps the grid small even for sparse sheets).
const MAX_ROW: u32 = 100_000;
const MAX_COL: u32 = 1_000;

const MB: u64 = 1024 * 1024;

/// The spreadsheet formats calamine reads, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Office Open XML (xlsx, xlsm).
    Xlsx,
    /// Excel binary workbook.
    Xlsb,
    /// Excel 97–2003 (BIFF8 in an OLE container).
    Xls,
    /// OpenDocument spreadsheet.
    Ods,
}

impl Format {
    /// The format a file name says; anything else is refused before the file is read.
    pub fn of(file: &str) -> Result<Self, ImportError> {
        let lower = file.to_lowercase();
        match lower.rsplit('.').next().unwrap_or_default() {
            "xlsx" | "xlsm" => Ok(Self::Xlsx),
            "xlsb" => Ok(Self::Xlsb),
            "xls" => Ok(Self::Xls),
            "ods" => Ok(Self::Ods),
            _ => Err(ImportError::UnknownFormat {
                file: file.to_string(),
            }),
        }
    }
}

/// An opened workbook; sheets are read on first use and kept.
pub struct Workbook {
    file: String,
    sheets: Sheets<Cursor<Vec<u8>>>,
    names: Vec<String>,
    /// The first visible worksheet: the sheet taken when none is named.
    default: Option<String>,
    /// Whether some xlsx sheet holds formulas without a stored result (then they are looked up).
    uncached: bool,
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

/// Runs a calamine call that may panic on a damaged file (its OLE reader slices past the end
/// of truncated streams): the panic becomes the German message for a broken file.
fn guarded<T>(file: &str, call: impl FnOnce() -> Result<T, ImportError>) -> Result<T, ImportError> {
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| {
        // Panics inside calamine are reported as findings; the default hook would also print
        // them. Every other panic is printed as before.
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_calamine = info
                .location()
                .is_some_and(|at| at.file().contains("calamine"));
            if !in_calamine {
                previous(info);
            }
        }));
    });
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(call))
        .unwrap_or_else(|_| Err(broken(file, "der Aufbau der Datei ist fehlerhaft")))
}

/// Checks the container and measures zip archives before calamine opens them.
fn inspect(bytes: &[u8], file: &str, format: Format) -> Result<Inspection, ImportError> {
    let size = bytes.len() as u64;
    if size > crate::door::limit::SOURCE_MB * MB {
        return Err(ImportError::TooLarge {
            file: file.to_string(),
            size: size.div_ceil(MB),
            limit: crate::door::limit::SOURCE_MB,
        });
    }
    let ole = bytes.starts_with(&OLE_MAGIC);
    let kind = match format {
        Format::Xls if ole => {
            return biff::inspect(bytes, file, MAX_CELLS as u64).map(|()| Inspection::default())
        }
        Format::Xls => return Err(broken(file, "keine Excel-97-Arbeitsmappe")),
        // An OOXML or ODF file inside an OLE container is an encrypted package.
        _ if ole => {
            return Err(ImportError::Encrypted {
                file: file.to_string(),
            })
        }
        Format::Xlsx => Kind::Xlsx,
        Format::Xlsb => Kind::Xlsb,
        Format::Ods => Kind::Ods,
    };
    archive::inspect(bytes, file, kind, MAX_UNPACKED_MB, MAX_CELLS as u64)
}

/// Adds read cells to a grid, within the cell and position limits.
struct Filler {
    file: String,
    grid: Grid,
    /// Cells allocated in the grid so far.
    count: usize,
}

impl Filler {
    fn put(&mut self, row: u32, col: u32, cell: Cell) -> Result<(), ImportError> {
        if matches!(cell, Cell::Empty) {
            return Ok(());
        }
        let too_many = || ImportError::TooManyCells {
            file: self.file.clone(),
            limit: MAX_CELLS as u64,
        };
        if row > MAX_ROW || col > MAX_COL {
            return Err(too_many());
        }
        let (row, col) = (row as usize, col as usize);
        if self.grid.rows.len() <= row {
            self.grid.rows.resize_with(row + 1, Vec::new);
        }
        if let Some(cells) = self.grid.rows.get_mut(row) {
            if cells.len() <= col {
                // Counted as allocated, padding included: a sparse sheet cannot grow the grid
                // past the limit either.
                self.count += col + 1 - cells.len();
                if self.count > MAX_CELLS {
                    return Err(too_many());
                }
                cells.resize(col + 1, Cell::Empty);
            }
            if let Some(slot) = cells.get_mut(col) {
                *slot = cell;
            }
        }
        Ok(())
    }

    /// Marks a formula cell that holds no value as such.
    fn formula(&mut self, row: u32, col: u32, formula: &str) -> Result<(), ImportError> {
        let empty = self
            .grid
            .rows
            .get(row as usize)
            .and_then(|cells| cells.get(col as usize))
            .is_none_or(|cell| matches!(cell, Cell::Empty));
        if formula.trim().is_empty() || !empty {
            return Ok(());
        }
        self.put(row, col, Cell::Formula(clean(formula)))
    }
}

impl Workbook {
    /// Opens a workbook from its bytes, by the extension of `file`, after the size,
    /// encryption, unpacked-size and cell-count checks.
    pub fn open(bytes: Vec<u8>, file: &str) -> Result<Self, ImportError> {
        let format = Format::of(file)?;
        let inspection = inspect(&bytes, file, format)?;
        let cursor = Cursor::new(bytes);
        let sheets = guarded(file, || Self::sheets(cursor, format, file))?;
        let names = sheets.sheet_names();
        let default = sheets
            .sheets_metadata()
            .iter()
            .find(|s| s.visible == SheetVisible::Visible && s.typ == SheetType::WorkSheet)
            .map(|s| s.name.clone());
        Ok(Self {
            file: file.to_string(),
            sheets,
            names,
            default,
            uncached: inspection.uncached_formulas,
            grids: HashMap::new(),
            filter: IndexMap::new(),
        })
    }

    fn sheets(
        cursor: Cursor<Vec<u8>>,
        format: Format,
        file: &str,
    ) -> Result<Sheets<Cursor<Vec<u8>>>, ImportError> {
        match format {
            Format::Xls => calamine::Xls::new(cursor)
                .map(Sheets::Xls)
                .map_err(calamine::Error::Xls),
            Format::Xlsb => calamine::Xlsb::new(cursor)
                .map(Sheets::Xlsb)
                .map_err(calamine::Error::Xlsb),
            Format::Ods => calamine::Ods::new(cursor)
                .map(Sheets::Ods)
                .map_err(calamine::Error::Ods),
            Format::Xlsx => calamine::Xlsx::new(cursor)
                .map(Sheets::Xlsx)
                .map_err(calamine::Error::Xlsx),
        }
        .map_err(|err| translate(file, &err))
    }

    fn missing(&self, name: Option<&str>) -> ImportError {
        let mut existing = closest(
            name.unwrap_or_default(),
            self.names.iter().map(|n| clean(n)),
            self.names.len(),
        );
        existing.truncate(6);
        let existing = existing
            .iter()
            .map(|n| format!("„{n}“"))
            .collect::<Vec<_>>()
            .join(", ");
        match name {
            Some(name) => ImportError::SheetMissing {
                file: self.file.clone(),
                sheet: clean(name),
                existing,
            },
            None => ImportError::Declaration(format!(
                "{}: alle Blätter sind ausgeblendet; nennen Sie das Blatt mit blatt: (vorhanden: {existing}).",
                self.file
            )),
        }
    }

    /// The names of all sheets, in the workbook's order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The sheet named `name` (compared without case and surrounding spaces), else the first
    /// visible worksheet (a hidden sheet is read only when named).
    pub fn sheet(&mut self, name: Option<&str>) -> Result<(&Grid, String), ImportError> {
        let found = match name {
            None => self.default.clone(),
            Some(wanted) => {
                let wanted = super::grid::normalize(wanted);
                self.names
                    .iter()
                    .find(|n| super::grid::normalize(n) == wanted)
                    .cloned()
            }
        };
        let Some(found) = found else {
            return Err(self.missing(name));
        };
        if !self.grids.contains_key(&found) {
            let file = self.file.clone();
            let mut grid = guarded(&file, || self.read_sheet(&found))?;
            let at = format!("{}, Blatt „{}“", self.file, clean(&found));
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
        let xlsx = |err| translate(&file, &calamine::Error::Xlsx(err));
        let xlsb = |err| translate(&file, &calamine::Error::Xlsb(err));
        let mut fill = Filler {
            file: file.clone(),
            grid: Grid::new(Vec::new(), None),
            count: 0,
        };
        match &mut self.sheets {
            // Both stream cells: no allocation for the sheet's whole declared area.
            Sheets::Xlsx(book) => {
                {
                    let mut reader = book.worksheet_cells_reader(name).map_err(xlsx)?;
                    while let Some(cell) = reader.next_cell().map_err(xlsx)? {
                        let (row, col) = cell.get_position();
                        fill.put(row, col, from_ref(cell.get_value()))?;
                    }
                }
                if self.uncached {
                    // Only when the inspection saw one: formulas are read in a second pass.
                    let mut reader = book.worksheet_cells_reader(name).map_err(xlsx)?;
                    while let Some(cell) = reader.next_formula().map_err(xlsx)? {
                        let (row, col) = cell.get_position();
                        fill.formula(row, col, cell.get_value())?;
                    }
                }
            }
            Sheets::Xlsb(book) => {
                let mut reader = book.worksheet_cells_reader(name).map_err(xlsb)?;
                while let Some(cell) = reader.next_cell().map_err(xlsb)? {
                    let (row, col) = cell.get_position();
                    fill.put(row, col, from_ref(cell.get_value()))?;
                }
            }
            sheets => {
                let range = sheets
                    .worksheet_range(name)
                    .map_err(|err| translate(&file, &err))?;
                for (row, col, data) in absolute(&range) {
                    fill.put(row, col, from_data(data))?;
                }
                if let Sheets::Ods(ods) = sheets {
                    // Parsed with the values already: no second pass over the file.
                    let formulas = ods
                        .worksheet_formula(name)
                        .map_err(|err| translate(&file, &calamine::Error::Ods(err)))?;
                    for (row, col, formula) in absolute(&formulas) {
                        fill.formula(row, col, formula)?;
                    }
                }
            }
        }
        let mut grid = fill.grid;
        grid.index();
        Ok(grid)
    }
}

/// The used cells of a range with their positions in the sheet.
fn absolute<T: calamine::CellType>(range: &Range<T>) -> impl Iterator<Item = (u32, u32, &T)> {
    let (top, left) = range.start().unwrap_or((0, 0));
    range.used_cells().map(move |(row, col, data)| {
        let row = top.saturating_add(u32::try_from(row).unwrap_or(u32::MAX));
        let col = left.saturating_add(u32::try_from(col).unwrap_or(u32::MAX));
        (row, col, data)
    })
}

/// "September 2019" for a date cell (headers are sometimes dates formatted as months); the
/// workbook's date system (1900 or 1904) travels with the date.
fn month_label(date: &ExcelDateTime) -> Option<String> {
    let serial = date.as_f64();
    if !date.is_datetime() || !serial.is_finite() || !(0.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let (year, month, ..) = date.to_ymd_hms_milli();
    let name = MONTHS.get(usize::from(month).checked_sub(1)?)?;
    Some(format!("{name} {year}"))
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
            Cell::Text(clean(text))
        }
        Data::Bool(b) => Cell::Text(if *b { "WAHR" } else { "FALSCH" }.to_string()),
        Data::DateTime(date) => month_label(date).map_or(Cell::Number(date.as_f64()), Cell::Text),
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
            Cell::Text(clean(text))
        }
        DataRef::SharedString(text) => Cell::Text(clean(text)),
        DataRef::Bool(b) => Cell::Text(if *b { "WAHR" } else { "FALSCH" }.to_string()),
        DataRef::DateTime(date) => {
            month_label(date).map_or(Cell::Number(date.as_f64()), Cell::Text)
        }
        DataRef::Error(err) => error_cell(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_headers_read_as_months() {
        use calamine::ExcelDateTimeType::{DateTime, TimeDelta};
        // 43709 is 2019-09-01 in Excel's serial numbering; in the 1904 system it is 2023-09-02.
        let date = |serial, is_1904| ExcelDateTime::new(serial, DateTime, is_1904);
        assert_eq!(
            month_label(&date(43709.0, false)).as_deref(),
            Some("September 2019")
        );
        assert_eq!(
            month_label(&date(42247.0, true)).as_deref(),
            Some("September 2019")
        );
        assert_eq!(month_label(&date(f64::NAN, false)), None);
        assert_eq!(
            month_label(&ExcelDateTime::new(1.5, TimeDelta, false)),
            None
        );
    }
}
