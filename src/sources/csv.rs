//! CSV files the German way: `;` or `,` between fields, quoted fields, UTF-8 with or without
//! BOM, Windows-1252 (declared or detected) or UTF-16 with BOM (Excel's „Unicode-Text“).
//! Parsing is the `csv` crate's, decoding `encoding_rs`'s.

use std::collections::BTreeMap;

use super::error::ImportError;
use super::grid::{clean, Cell, Grid};

/// Most fields read from one CSV file (empty ones included), as for a spreadsheet's sheet.
pub const MAX_CELLS: usize = super::xlsx::MAX_CELLS;

/// How the text of a CSV file is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, with or without BOM.
    Utf8,
    /// Windows-1252 (a superset of Latin-1 for printable text).
    Windows1252,
    /// UTF-16; the byte order from the BOM, little-endian without one.
    Utf16,
    /// UTF-8 when the bytes are valid UTF-8, otherwise Windows-1252; UTF-16 with a BOM.
    Detect,
}

impl Encoding {
    /// Reads `kodierung:` as written.
    pub fn parse(text: Option<&str>) -> Result<Self, ImportError> {
        let Some(text) = text else {
            return Ok(Self::Detect);
        };
        match text.trim().to_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Ok(Self::Utf8),
            "windows-1252" | "cp1252" | "latin-1" | "latin1" | "iso-8859-1" | "iso-8859-15"
            | "ansi" => Ok(Self::Windows1252),
            "utf-16" | "utf16" | "utf-16le" | "utf-16be" | "unicode" => Ok(Self::Utf16),
            "automatisch" | "auto" => Ok(Self::Detect),
            other => Err(ImportError::Declaration(format!(
                "kodierung: „{other}“ ist unbekannt (erlaubt: utf-8, windows-1252, utf-16, automatisch)"
            ))),
        }
    }
}

fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes
        .get(..offset)
        .map_or(1, |b| b.iter().filter(|&&c| c == b'\n').count() + 1)
}

/// Line numbers of byte offsets, from the line starts found once (linear in the file).
struct Lines {
    /// Offsets of the line breaks.
    breaks: Vec<usize>,
}

impl Lines {
    fn new(text: &[u8]) -> Self {
        Self {
            breaks: text
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        }
    }

    /// The 1-based line of the first character at or after `offset` that is no line break.
    fn line(&self, text: &[u8], offset: usize) -> usize {
        let skipped = text.get(offset..).map_or(0, |rest| {
            rest.iter()
                .take_while(|b| **b == b'\r' || **b == b'\n')
                .count()
        });
        let offset = offset.saturating_add(skipped);
        self.breaks.partition_point(|b| *b < offset) + 1
    }
}

/// UTF-16 text by its BOM (or little-endian when declared without one).
fn utf16(bytes: &[u8], encoding: Encoding) -> Option<String> {
    let (codec, body) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (encoding_rs::UTF_16LE, rest),
        [0xFE, 0xFF, rest @ ..] => (encoding_rs::UTF_16BE, rest),
        _ if encoding == Encoding::Utf16 => (encoding_rs::UTF_16LE, bytes),
        _ => return None,
    };
    let (text, _) = codec.decode_without_bom_handling(body);
    Some(text.into_owned())
}

/// Decodes the file's bytes; wrong declarations are reported with the line.
pub fn decode(bytes: &[u8], encoding: Encoding, file: &str) -> Result<String, ImportError> {
    if let Some(text) = utf16(bytes, encoding) {
        return Ok(text);
    }
    let bom = bytes.starts_with(&[0xEF, 0xBB, 0xBF]);
    let body = if bom {
        bytes.get(3..).unwrap_or_default()
    } else {
        bytes
    };
    let utf8 = std::str::from_utf8(body);
    match (encoding, utf8) {
        (Encoding::Utf8 | Encoding::Detect | Encoding::Utf16, Ok(text)) => Ok(text.to_string()),
        (Encoding::Utf8, Err(err)) => Err(ImportError::Encoding {
            file: file.to_string(),
            detail: format!(
                "die Datei ist nicht in UTF-8 kodiert, wie unter kodierung: erklärt (ungültiges Zeichen in Zeile {}); vermutlich ist sie in Windows-1252 gespeichert.",
                line_of(body, err.valid_up_to())
            ),
        }),
        (Encoding::Windows1252, Ok(text)) if bom || !text.is_ascii() => Err(ImportError::Encoding {
            file: file.to_string(),
            detail: format!(
                "erklärt ist kodierung: windows-1252, die Datei ist aber in UTF-8 kodiert (erstes Umlautzeichen in Zeile {}); sonst würde aus „Träger“ „TrÃ¤ger“.",
                line_of(body, text.find(|c: char| !c.is_ascii()).unwrap_or(0))
            ),
        }),
        (Encoding::Windows1252 | Encoding::Detect | Encoding::Utf16, _) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(body);
            Ok(text.into_owned())
        }
    }
}

/// The delimiter: declared, or detected from the table's rows (see [`detect_delimiter`]).
fn delimiter(text: &str, declared: Option<&str>) -> Result<u8, ImportError> {
    if let Some(declared) = declared {
        return match declared {
            ";" => Ok(b';'),
            "," => Ok(b','),
            "\\t" | "\t" | "tab" | "Tab" => Ok(b'\t'),
            other => Err(ImportError::Declaration(format!(
                "trennzeichen: „{other}“ ist nicht erlaubt (erlaubt: \";\", \",\" oder \"tab\")"
            ))),
        };
    }
    Ok(detect_delimiter(text))
}

/// Candidates in the order that wins a tie: `;` is what German Excel writes (and leaves the
/// comma to decimals), then tab, then `,`.
const CANDIDATES: [u8; 3] = [b';', b'\t', b','];

/// The delimiter that splits most rows into the same number of fields. A title line above the
/// table ("Arbeitslose nach Stadtbezirken, Dortmund, September 2026") is one line among
/// many and cannot outvote the rows; quoted text does not count. On a tie, more fields win,
/// then the earlier candidate; without any candidate, `;`.
fn detect_delimiter(text: &str) -> u8 {
    // For each candidate: occurrences per line → number of lines with that many.
    let mut frequency: [BTreeMap<usize, usize>; 3] = Default::default();
    let mut quoted = false;
    for line in text.lines() {
        let mut in_line = [0usize; 3];
        for byte in line.bytes() {
            if byte == b'"' {
                quoted = !quoted;
            } else if !quoted {
                for (count, candidate) in in_line.iter_mut().zip(CANDIDATES) {
                    if byte == candidate {
                        *count += 1;
                    }
                }
            }
        }
        for (lines, count) in frequency.iter_mut().zip(in_line) {
            if count > 0 {
                *lines.entry(count).or_default() += 1;
            }
        }
    }
    let mut best = ((0usize, 0usize), b';');
    for (lines, candidate) in frequency.iter().zip(CANDIDATES) {
        // The most frequent count and how many lines have it (the larger count on a tie).
        let modal = lines
            .iter()
            .map(|(count, lines)| (*lines, *count))
            .max()
            .unwrap_or((0, 0));
        if modal > best.0 {
            best = (modal, candidate);
        }
    }
    best.1
}

fn cell(field: &str) -> Cell {
    if field.trim().is_empty() {
        Cell::Empty
    } else {
        Cell::Text(clean(field))
    }
}

/// Reads CSV text into a grid; `lines` keep each record's line in the file for messages.
pub fn read(
    bytes: &[u8],
    file: &str,
    encoding: Encoding,
    declared_delimiter: Option<&str>,
) -> Result<Grid, ImportError> {
    let text = decode(bytes, encoding, file)?;
    let delimiter = delimiter(&text, declared_delimiter)?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let breaks = Lines::new(text.as_bytes());
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut lines = Vec::new();
    let mut fields = 0usize;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => {
                return Err(ImportError::Broken {
                    file: file.to_string(),
                    reason: match err.position() {
                        Some(position) => format!("CSV nicht lesbar ab Zeile {}", position.line()),
                        None => "CSV nicht lesbar".to_string(),
                    },
                })
            }
        }
        fields = fields.saturating_add(record.len());
        if fields > MAX_CELLS {
            return Err(ImportError::TooManyCells {
                file: file.to_string(),
                limit: MAX_CELLS as u64,
            });
        }
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        // The line where the record starts (the reader's position may still stand on the
        // previous line's line break).
        let line = record.position().map_or(rows.len() + 1, |p| {
            let offset = usize::try_from(p.byte()).unwrap_or(usize::MAX);
            breaks.line(text.as_bytes(), offset)
        });
        lines.push(line);
        rows.push(record.iter().map(cell).collect());
    }
    Ok(Grid::new(rows, Some(lines)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_is_detected_and_declared_utf8_is_checked() {
        let bytes = b"Tr\xe4ger-Nr.;Wert\n03504;1,5\n";
        let grid = read(bytes, "x.csv", Encoding::Detect, None).unwrap();
        assert_eq!(grid.get(0, 0), &Cell::Text("Träger-Nr.".into()));
        assert_eq!(grid.get(1, 1), &Cell::Text("1,5".into()));
        let err = read(bytes, "x.csv", Encoding::Utf8, None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("Zeile 1") && err.contains("UTF-8"), "{err}");
    }

    #[test]
    fn utf8_with_bom_and_quoted_fields() {
        let bytes = "\u{feff}Name,Wert\n\"Elbe-Elster, Landkreis\",\"1.234,5\"\n".as_bytes();
        let grid = read(bytes, "x.csv", Encoding::Detect, None).unwrap();
        assert_eq!(grid.get(0, 0), &Cell::Text("Name".into()));
        assert_eq!(grid.get(1, 0), &Cell::Text("Elbe-Elster, Landkreis".into()));
        assert_eq!(grid.get(1, 1), &Cell::Text("1.234,5".into()));
        assert_eq!(grid.cell_name(1, 1), "Zeile 2, Spalte „Wert“");
        let crlf = read(
            b"A;B\r\n1;2\r\n\r\n3;4\r\n",
            "x.csv",
            Encoding::Detect,
            None,
        )
        .unwrap();
        assert_eq!(crlf.lines, Some(vec![1, 2, 4]));
    }

    #[test]
    fn utf8_declared_as_windows_1252_is_refused() {
        let err = read(
            "Träger;Wert\n".as_bytes(),
            "x.csv",
            Encoding::Windows1252,
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("UTF-8"), "{err}");
    }

    #[test]
    fn utf16_with_bom_is_read_in_both_byte_orders() {
        let text = "Träger;2019\r\nLudwigslust-Parchim;1,5\r\n";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            le.extend(unit.to_le_bytes());
            be.extend(unit.to_be_bytes());
        }
        for bytes in [le, be] {
            let grid = read(&bytes, "x.csv", Encoding::Detect, None).unwrap();
            assert_eq!(grid.get(0, 0), &Cell::Text("Träger".into()));
            assert_eq!(grid.get(1, 1), &Cell::Text("1,5".into()));
            assert_eq!(grid.lines, Some(vec![1, 2]));
        }
    }

    #[test]
    fn line_numbers_follow_quoted_line_breaks() {
        let grid = read(
            b"A;B\n\"x\ny\";1\n\n\n3;4\n",
            "x.csv",
            Encoding::Detect,
            None,
        )
        .unwrap();
        assert_eq!(grid.lines, Some(vec![1, 2, 6]));
    }

    #[test]
    fn a_title_line_with_commas_does_not_decide_the_separator() {
        let text = "Arbeitslose nach Stadtbezirken, Dortmund, September 2026\n\nStadtbezirk;Arbeitslose;Quote\nInnenstadt-West;2.345;9,8\nInnenstadt-Nord;6.789;17,1\nEving;2.101;11,2\n";
        assert_eq!(detect_delimiter(text), b';');
        let grid = read(text.as_bytes(), "x.csv", Encoding::Detect, None).unwrap();
        assert_eq!(grid.get(3, 2), &Cell::Text("17,1".into()));
        // Each row with two decimal commas ties with two semicolons: `;` wins.
        assert_eq!(detect_delimiter("A;1,5;2,5\nB;3,5;4,5\n"), b';');
        // A comma-separated file stays one, its quoted commas aside.
        assert_eq!(
            detect_delimiter("Titel; Stand\nA,\"1;2\",3\nB,4,5\nC,6,7\n"),
            b','
        );
        assert_eq!(detect_delimiter("A\tB\n1\t2\n"), b'\t');
        assert_eq!(detect_delimiter("nur Text\n"), b';');
    }
}
