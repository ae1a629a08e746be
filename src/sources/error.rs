//! What can go wrong when taking figures from a source file, in German, with the file, the
//! sheet and the cell or label.

/// A problem with a source file or with what a declaration asks of it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportError {
    /// The file is not there or cannot be read.
    #[error("Die Quelldatei {file} kann nicht gelesen werden: {reason}")]
    Unreadable {
        /// The file, relative to the project.
        file: String,
        /// The system's reason, in German where known.
        reason: String,
    },
    /// The door refused the file (outside the project, a link out, a FIFO or device).
    #[error("Die Quelldatei {file} wird nicht gelesen: {reason}")]
    Refused {
        /// The file, relative to the project.
        file: String,
        /// The door's reason, in German.
        reason: String,
    },
    /// Larger than amip reads.
    #[error("Die Quelldatei {file} ist {size} MB groß; amip liest höchstens {limit} MB.")]
    TooLarge {
        /// The file.
        file: String,
        /// Its size in MB.
        size: u64,
        /// The limit in MB.
        limit: u64,
    },
    /// Unpacked far larger than a workbook can be (a zip bomb).
    #[error("Die Quelldatei {file} entpackt sich auf mehr als {limit} MB (z. B. eine „Zip-Bombe“); amip liest sie nicht.")]
    Unpacked {
        /// The file.
        file: String,
        /// The limit in MB.
        limit: u64,
    },
    /// More cells than a statistics sheet has (e.g. a row or column repeated millions of times).
    #[error("Die Quelldatei {file} ergibt mehr als {limit} Zellen (z. B. durch millionenfach wiederholte Zeilen oder Spalten); amip liest sie nicht.")]
    TooManyCells {
        /// The file.
        file: String,
        /// The limit in cells.
        limit: u64,
    },
    /// A formula whose result was never saved: its value is unknown, not empty.
    #[error("{at}, Zelle {cell} enthält eine Formel ohne gespeichertes Ergebnis (={formula}); öffnen und speichern Sie die Datei in Excel oder LibreOffice.")]
    FormulaUncached {
        /// File and sheet.
        at: String,
        /// The cell.
        cell: String,
        /// The formula as written.
        formula: String,
    },
    /// The same year (or month) heads two columns of a row, or labels two rows of a column,
    /// read as a series.
    #[error("{at}: die Beschriftung „{year}“ steht zweimal ({first} und {second}); welcher Wert gilt, ist unklar.")]
    YearTwice {
        /// File and sheet.
        at: String,
        /// The year (or month).
        year: String,
        /// The first column's header cell or row.
        first: String,
        /// The second column's header cell or row.
        second: String,
    },
    /// Encrypted with a password.
    #[error("Die Quelldatei {file} ist mit einem Kennwort geschützt (verschlüsselt); amip kann sie nicht lesen.")]
    Encrypted {
        /// The file.
        file: String,
    },
    /// Damaged, truncated or not the format its name says.
    #[error("Die Quelldatei {file} ist beschädigt oder unvollständig ({reason}).")]
    Broken {
        /// The file.
        file: String,
        /// What the reader found.
        reason: String,
    },
    /// An extension amip does not read.
    #[error("Die Quelldatei {file} hat ein unbekanntes Format (erlaubt: .xlsx, .xlsm, .xls, .xlsb, .ods, .csv).")]
    UnknownFormat {
        /// The file.
        file: String,
    },
    /// The sheet does not exist.
    #[error("{file}: das Blatt „{sheet}“ gibt es nicht (vorhanden: {existing}).")]
    SheetMissing {
        /// The file.
        file: String,
        /// The sheet searched.
        sheet: String,
        /// The sheets there are, closest first.
        existing: String,
    },
    /// No row carries the label.
    #[error("{at}: keine Zeile mit der Beschriftung {label}{closest}.")]
    LabelMissing {
        /// File and sheet.
        at: String,
        /// The label searched.
        label: String,
        /// "; ähnlich: …" or empty.
        closest: String,
    },
    /// The label stands in more than one row.
    #[error("{at}: die Beschriftung {label} steht in mehreren Zeilen: {places}.")]
    Ambiguous {
        /// File and sheet.
        at: String,
        /// The label searched.
        label: String,
        /// The rows, e.g. "A15 (Zeile 15) und B44 (Zeile 44)".
        places: String,
    },
    /// No column carries the header.
    #[error("{at}: keine Spalte mit der Überschrift {header} über Zeile {row}{closest}.")]
    ColumnMissing {
        /// File and sheet.
        at: String,
        /// The header searched.
        header: String,
        /// The row the column was needed for.
        row: String,
        /// "; ähnlich: …" or empty.
        closest: String,
    },
    /// The header stands over more than one column.
    #[error("{at}: die Überschrift {header} steht über mehreren Spalten: {places}.")]
    ColumnAmbiguous {
        /// File and sheet.
        at: String,
        /// The header searched.
        header: String,
        /// The cells.
        places: String,
    },
    /// Text where a number is expected.
    #[error("{at}, Zelle {cell}: „{found}“ ist keine Zahl.")]
    NotANumber {
        /// File and sheet.
        at: String,
        /// The cell.
        cell: String,
        /// The text found.
        found: String,
    },
    /// An empty cell where a number is expected.
    #[error("{at}, Zelle {cell}: die Zelle ist leer, erwartet wird eine Zahl.")]
    EmptyCell {
        /// File and sheet.
        at: String,
        /// The cell.
        cell: String,
    },
    /// Not in the declared (or any usable) encoding.
    #[error("{file}: {detail}")]
    Encoding {
        /// The file.
        file: String,
        /// What is wrong, with the line.
        detail: String,
    },
    /// The declaration asks for something contradictory or unknown.
    #[error("{0}")]
    Declaration(String),
}

impl ImportError {
    /// The declaration keys that may have caused the error, most likely first: the finding
    /// stands at the first of them the declaration has (`zeile:` for a missing row label).
    pub fn keys(&self) -> &'static [&'static str] {
        match self {
            ImportError::SheetMissing { .. } => &["blatt"],
            ImportError::LabelMissing { .. } | ImportError::Ambiguous { .. } => {
                &["zeile", "zeilen", "monat", "zeitreihe"]
            }
            ImportError::ColumnMissing { .. } | ImportError::ColumnAmbiguous { .. } => {
                &["spalte", "spalten"]
            }
            ImportError::YearTwice { .. } => &["spalten", "zeilen"],
            ImportError::Encoding { .. } => &["kodierung"],
            ImportError::Declaration(message) => {
                const NAMED: [&str; 4] = ["kodierung", "trennzeichen", "dezimalzeichen", "stellen"];
                match NAMED
                    .iter()
                    .position(|key| message.starts_with(&format!("{key}:")))
                {
                    Some(0) => &["kodierung"],
                    Some(1) => &["trennzeichen"],
                    Some(2) => &["dezimalzeichen"],
                    Some(_) => &["stellen"],
                    None => &[],
                }
            }
            _ => &[],
        }
    }

    /// What was searched as the author wrote it, shown as in the message (`„Insgesamt“`,
    /// `„Arbeitslose“ › „Insgesamt“`; a sheet by its bare name): the key holding it is the
    /// culprit.
    pub fn wanted(&self) -> Option<String> {
        match self {
            ImportError::SheetMissing { sheet, .. } => Some(format!("„{sheet}“")),
            ImportError::LabelMissing { label, .. } | ImportError::Ambiguous { label, .. } => {
                Some(label.clone())
            }
            ImportError::ColumnMissing { header, .. }
            | ImportError::ColumnAmbiguous { header, .. } => Some(header.clone()),
            // „wert“: … names the value the author wrote; it stands where it is written.
            ImportError::Declaration(message) if message.starts_with('„') => message
                .find('“')
                .and_then(|end| message.get(..end + '“'.len_utf8()))
                .map(str::to_string),
            _ => None,
        }
    }

    /// Advice for the author.
    pub fn help(&self) -> Option<String> {
        Some(match self {
            ImportError::Refused { .. } => "Legen Sie die Datei selbst (keine Verknüpfung) in data/quellen/ ab und nennen Sie sie unter datei: mit ihrem Pfad in data/.".into(),
            ImportError::Unreadable { .. } => "Legen Sie die Datei unverändert in data/quellen/ ab und prüfen Sie den Namen unter datei:.".into(),
            ImportError::TooLarge { .. } | ImportError::Unpacked { .. } | ImportError::TooManyCells { .. } => "Laden Sie die Datei erneut von der Statistik der BA herunter; eine echte Statistikdatei ist wenige MB groß.".into(),
            ImportError::Encrypted { .. } => "Speichern Sie die Datei ohne Kennwort (Datei › Informationen › Arbeitsmappe schützen) und legen Sie sie erneut ab.".into(),
            ImportError::Broken { .. } => "Laden Sie die Datei erneut herunter; sie wurde vielleicht nicht vollständig gespeichert.".into(),
            ImportError::LabelMissing { .. } => "Schreiben Sie die Beschriftung so, wie sie in der Tabelle steht (Groß-/Kleinschreibung, Einrückung und Fußnotenzeichen zählen nicht).".into(),
            ImportError::Ambiguous { .. } => "Geben Sie den Abschnitt mit an, z. B. zeile: [\"Arbeitslose\", \"Insgesamt\"], mehrere Spalten, z. B. zeile: { A: \"2020\", B: \"13076\" }, oder die Zelle mit zelle: D15.".into(),
            ImportError::ColumnMissing { .. } => "Geben Sie die Überschrift so an, wie sie über der Spalte steht, oder den Spaltenbuchstaben oder die Spaltennummer, z. B. spalte: D oder filter: { 2: \"13076\" }.".into(),
            ImportError::ColumnAmbiguous { .. } => "Geben Sie den Spaltenbuchstaben an (spalte: D) oder die übergeordnete Überschrift, z. B. spalte: [\"Veränderung gegenüber Vorjahresmonat\", \"in %\"].".into(),
            ImportError::NotANumber { .. } | ImportError::EmptyCell { .. } => "Prüfen Sie, ob zeile: und spalte: die richtige Zelle treffen. Sonderzeichen der Statistik (X, *, –, .) werden als solche übernommen.".into(),
            ImportError::Encoding { .. } => "Geben Sie die Kodierung an: kodierung: windows-1252 (übliche Downloads) oder kodierung: utf-8.".into(),
            ImportError::FormulaUncached { .. } => "Öffnen Sie die Datei in Excel oder LibreOffice, lassen Sie sie berechnen und speichern Sie sie; dann steht das Ergebnis in der Datei.".into(),
            ImportError::YearTwice { .. } => "Nennen Sie die Spalten einzeln, z. B. spalten: { \"2019\": D }, oder korrigieren Sie die Überschrift in der Quelldatei.".into(),
            ImportError::SheetMissing { .. } | ImportError::UnknownFormat { .. } | ImportError::Declaration(_) => return None,
        })
    }
}
