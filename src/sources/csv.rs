//! CSV files the German way: `;` or `,` between fields, quoted fields, UTF-8 with or without
//! BOM or Windows-1252 (declared or detected). Parsing is the `csv` crate's, decoding
//! `encoding_rs`'s.

use super::error::ImportError;
use super::grid::{Cell, Grid};

/// How the text of a CSV file is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, with or without BOM.
    Utf8,
    /// Windows-1252 (a superset of Latin-1 for printable text).
    Windows1252,
    /// UTF-8 when the bytes are valid UTF-8, otherwise Windows-1252.
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
            "automatisch" | "auto" => Ok(Self::Detect),
            other => Err(ImportError::Declaration(format!(
                "kodierung: „{other}“ ist unbekannt (erlaubt: utf-8, windows-1252, automatisch)"
            ))),
        }
    }
}

fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes
        .get(..offset)
        .map_or(1, |b| b.iter().filter(|&&c| c == b'\n').count() + 1)
}

/// Decodes the file's bytes; wrong declarations are reported with the line.
pub fn decode(bytes: &[u8], encoding: Encoding, file: &str) -> Result<String, ImportError> {
    let bom = bytes.starts_with(&[0xEF, 0xBB, 0xBF]);
    let body = if bom {
        bytes.get(3..).unwrap_or_default()
    } else {
        bytes
    };
    let utf8 = std::str::from_utf8(body);
    match (encoding, utf8) {
        (Encoding::Utf8 | Encoding::Detect, Ok(text)) => Ok(text.to_string()),
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
        (Encoding::Windows1252 | Encoding::Detect, _) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(body);
            Ok(text.into_owned())
        }
    }
}

/// The delimiter: declared, or the most frequent of `;`, `,` and tab in the first line.
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
    let first = text
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or_default();
    let count = |c: char| first.matches(c).count();
    let candidates = [(b';', count(';')), (b'\t', count('\t')), (b',', count(','))];
    Ok(candidates
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b';', |(d, _)| *d))
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
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|err| ImportError::Broken {
            file: file.to_string(),
            reason: match err.position() {
                Some(position) => format!("CSV nicht lesbar ab Zeile {}", position.line()),
                None => "CSV nicht lesbar".to_string(),
            },
        })?;
        // The line where the record starts, counted in the decoded text (the reader's position
        // may still stand on the previous line's line break).
        let line = record.position().map_or(rows.len() + 1, |p| {
            let bytes = text.as_bytes();
            let mut offset = usize::try_from(p.byte()).unwrap_or(usize::MAX);
            while bytes
                .get(offset)
                .is_some_and(|b| *b == b'\r' || *b == b'\n')
            {
                offset += 1;
            }
            line_of(bytes, offset)
        });
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        lines.push(line);
        rows.push(
            record
                .iter()
                .map(|field| {
                    if field.trim().is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(field.to_string())
                    }
                })
                .collect(),
        );
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
}
