//! One sheet of a spreadsheet or a CSV file as a grid of cells with absolute positions, and the
//! text helpers that find labels in it the way authors read them.

/// A cell's content as the reader found it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing in the cell.
    Empty,
    /// A number as stored (spreadsheets) — may carry floating-point noise.
    Number(f64),
    /// Text (CSV cells are always text; numbers in them are parsed when taken).
    Text(String),
    /// A formula whose result the file does not hold (never calculated and saved).
    Formula(String),
}

impl Cell {
    /// The text searches compare: normalized text; whole numbers as digits (a year header
    /// 2019); other numbers are never labels.
    fn compared(&self) -> Option<String> {
        match self {
            Cell::Text(text) => Some(normalize(text)),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => {
                #[allow(clippy::cast_possible_truncation)]
                let whole = *n as i64;
                Some(whole.to_string())
            }
            Cell::Number(_) | Cell::Empty | Cell::Formula(_) => None,
        }
    }

    /// The text a reader sees, for labels and headers (numbers without noise: 2019).
    pub fn label(&self) -> Option<String> {
        match self {
            Cell::Empty | Cell::Formula(_) => None,
            Cell::Text(text) => Some(text.clone()),
            Cell::Number(n) => Some(crate::sources::value::plain_number(*n)),
        }
    }
}

/// A sheet: rows of cells, row 0 is the sheet's first row (`1` in the sheet).
#[derive(Debug, Clone, Default)]
pub struct Grid {
    /// The rows; shorter rows are padded with [`Cell::Empty`] on access.
    pub rows: Vec<Vec<Cell>>,
    /// Row numbers as the user sees them (CSV: the line in the file), by row index.
    pub lines: Option<Vec<usize>>,
    /// A GENESIS export's header lines joined per column (field 1 first), for naming cells
    /// and finding a column by its whole header text.
    pub headers: Option<Vec<String>>,
    /// The first data row where the file says so (GENESIS): headers are searched above it
    /// only, so that a count in a data row is never taken for a header.
    pub data_start: Option<usize>,
    /// Each cell's text as compared ([`normalize`]), built once by [`Grid::index`].
    norm: Vec<Vec<Option<String>>>,
    width: usize,
}

const EMPTY: Cell = Cell::Empty;

impl Grid {
    /// The cell at a 0-based row and column.
    pub fn get(&self, row: usize, col: usize) -> &Cell {
        self.rows
            .get(row)
            .and_then(|cells| cells.get(col))
            .unwrap_or(&EMPTY)
    }

    /// A grid of rows, indexed for searching.
    pub fn new(rows: Vec<Vec<Cell>>, lines: Option<Vec<usize>>) -> Self {
        let mut grid = Self {
            rows,
            lines,
            headers: None,
            data_start: None,
            norm: Vec::new(),
            width: 0,
        };
        grid.index();
        grid
    }

    /// Normalizes every cell's text once, so searches compare without allocating; call again
    /// after changing `rows`.
    pub fn index(&mut self) {
        self.width = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        self.norm = self
            .rows
            .iter()
            .map(|cells| cells.iter().map(Cell::compared).collect())
            .collect();
    }

    /// The cell's text as compared (see [`normalize`]); `None` for empty cells.
    pub fn norm(&self, row: usize, col: usize) -> Option<&str> {
        self.norm
            .get(row)
            .and_then(|cells| cells.get(col))
            .and_then(Option::as_deref)
    }

    /// The number of columns of the widest row.
    pub fn width(&self) -> usize {
        self.width
    }

    /// How a cell is named in messages: `D15` for sheets, `Zeile 7, Spalte „Wert“` for CSV.
    pub fn cell_name(&self, row: usize, col: usize) -> String {
        match &self.lines {
            None => cell_ref(row, col),
            Some(lines) => {
                let line = lines.get(row).copied().unwrap_or(row + 1);
                if let Some(headers) = &self.headers {
                    return match headers.get(col).filter(|h| !h.is_empty()) {
                        Some(header) => format!("Zeile {line}, Feld {} („{header}“)", col + 1),
                        None => format!("Zeile {line}, Feld {}", col + 1),
                    };
                }
                let header = self
                    .get(0, col)
                    .label()
                    .unwrap_or_else(|| column_letters(col));
                format!("Zeile {line}, Spalte „{header}“")
            }
        }
    }
}

/// Text as read, without control characters (NUL and the like): messages and values show
/// what a reader sees, never escapes. Tabs and line breaks stay (labels normalize them).
pub fn clean(text: &str) -> String {
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        text.chars()
            .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
            .collect()
    } else {
        text.to_string()
    }
}

/// `A`, `B`, …, `Z`, `AA`, … for a 0-based column.
pub fn column_letters(col: usize) -> String {
    let mut n = col + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// `D15` for a 0-based row and column.
pub fn cell_ref(row: usize, col: usize) -> String {
    format!("{}{}", column_letters(col), row + 1)
}

/// A column letter (`D`, `AB`) as a 0-based index; `None` for anything else.
pub fn parse_column(text: &str) -> Option<usize> {
    let text = text.trim();
    if text.is_empty() || text.len() > 3 || !text.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let mut n = 0usize;
    for b in text.bytes() {
        n = n * 26 + usize::from(b - b'A') + 1;
    }
    Some(n - 1)
}

/// A column given by letter (`D`) or 1-based number (`4`) as a 0-based index; a number must
/// lie within `width` (so a year such as 2019 is never taken for a column).
pub fn parse_column_or_number(text: &str, width: usize) -> Option<usize> {
    parse_column(text).or_else(|| {
        let number: usize = text.trim().parse().ok()?;
        (1..=width).contains(&number).then(|| number - 1)
    })
}

/// `D15` as a 0-based (row, column).
pub fn parse_cell_ref(text: &str) -> Option<(usize, usize)> {
    let text = text.trim();
    let split = text.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = text.split_at(split);
    let col = parse_column(letters)?;
    let row: usize = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col))
}

/// A label as compared: without indentation, non-breaking spaces, footnote marks, case and
/// typographic variants of quotes and dashes.
pub fn normalize(text: &str) -> String {
    let mut mapped = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\u{a0}' | '\u{202f}' | '\u{2007}' | '\u{2009}' | '\t' | '\r' | '\n' => {
                mapped.push(' ')
            }
            '„' | '“' | '”' | '»' | '«' => mapped.push('"'),
            '‚' | '‘' | '’' => mapped.push('\''),
            '–' | '—' | '−' => mapped.push('-'),
            _ => mapped.extend(ch.to_lowercase()),
        }
    }
    let mut text = mapped.trim().to_string();
    loop {
        let before = text.len();
        // Superscript footnote marks: "Arbeitslose¹", "Quote²⁾".
        text = text
            .trim_end_matches(|c: char| "¹²³⁴⁵⁶⁷⁸⁹⁰⁾*".contains(c))
            .trim_end()
            .to_string();
        // "Insgesamt 1)" or "Insgesamt1)".
        if let Some(rest) = text.strip_suffix(')') {
            let digits = rest.trim_end_matches(|c: char| c.is_ascii_digit());
            if digits.len() < rest.len() && rest.len() - digits.len() <= 2 {
                let keep = digits.trim_end();
                if !keep.is_empty() && !keep.ends_with('(') {
                    text = keep.to_string();
                }
            }
        }
        if text.len() == before {
            break;
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub use crate::format::MONTHS;

/// The month (0-based) a label names: "Januar", "Jan.", "Jänner", "September 2019".
pub fn month_of(label: &str) -> Option<usize> {
    let norm = normalize(label);
    let word = norm.split(' ').next()?.trim_end_matches('.');
    if word == "jänner" {
        return Some(0);
    }
    MONTHS.iter().position(|month| {
        let month = month.to_lowercase();
        word == month || (word.chars().count() >= 3 && month.starts_with(word) && word.len() <= 4)
    })
}

/// The year a label names when it is one: "2019", "2019¹", "JDW 2019" is not.
pub fn year_of(label: &str) -> Option<String> {
    let norm = normalize(label);
    let year: u32 = norm.parse().ok()?;
    (1900..=2200).contains(&year).then(|| year.to_string())
}

/// Levenshtein distance on characters, for "did you mean" lists.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let value = (previous.get(j + 1).copied().unwrap_or(usize::MAX) + 1)
                .min(current.get(j).copied().unwrap_or(usize::MAX) + 1)
                .min(previous.get(j).copied().unwrap_or(usize::MAX) + cost);
            current.push(value);
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

/// Up to `count` of `candidates` closest to `wanted` (normalized comparison), without repeats.
pub fn closest(
    wanted: &str,
    candidates: impl IntoIterator<Item = String>,
    count: usize,
) -> Vec<String> {
    let target = normalize(wanted);
    let mut scored: Vec<(usize, String)> = Vec::new();
    // Repeats are skipped by a set, so a long table's labels are compared once each.
    let mut seen = std::collections::HashSet::new();
    for candidate in candidates {
        let norm = normalize(&candidate);
        if norm.is_empty() || !seen.insert(norm.clone()) {
            continue;
        }
        let mut score = distance(&target, &norm);
        if norm.contains(&target) || target.contains(&norm) {
            score = score.min(target.len().abs_diff(norm.len()) / 4);
        }
        scored.push((score, candidate.trim().to_string()));
    }
    scored.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    scored.into_iter().take(count).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_ignore_indentation_nbsp_case_and_footnotes() {
        assert_eq!(normalize("   unter\u{a0}25 Jahre"), "unter 25 jahre");
        assert_eq!(normalize("Arbeitslose¹"), "arbeitslose");
        assert_eq!(normalize("Insgesamt 1)"), "insgesamt");
        assert_eq!(normalize("Insgesamt*"), "insgesamt");
        assert_eq!(normalize("15 bis unter 25"), "15 bis unter 25");
        assert_eq!(normalize("Kunden „marktnah“"), "kunden \"marktnah\"");
        assert_eq!(normalize("SGB II – Quote"), "sgb ii - quote");
    }

    #[test]
    fn columns_and_cells_are_named_like_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(parse_column("AA"), Some(26));
        assert_eq!(parse_column("September"), None);
        assert_eq!(parse_column_or_number("2", 16), Some(1));
        assert_eq!(parse_column_or_number("B", 16), Some(1));
        assert_eq!(parse_column_or_number("2019", 16), None);
        assert_eq!(parse_column_or_number("0", 16), None);
        assert_eq!(parse_cell_ref("D15"), Some((14, 3)));
        assert_eq!(parse_cell_ref("D0"), None);
        assert_eq!(cell_ref(14, 3), "D15");
    }

    #[test]
    fn months_and_years_are_recognised() {
        assert_eq!(month_of("Januar"), Some(0));
        assert_eq!(month_of("Sept."), Some(8));
        assert_eq!(month_of("September 2019"), Some(8));
        assert_eq!(month_of("Jahresdurchschnitt"), None);
        assert_eq!(year_of("2019¹"), Some("2019".to_string()));
        assert_eq!(year_of("19"), None);
    }

    #[test]
    fn closest_labels_come_first() {
        let found = closest(
            "Arbeitslose insgesmt",
            [
                "Arbeitslose insgesamt".to_string(),
                "Frauen".to_string(),
                "Männer".to_string(),
            ],
            2,
        );
        assert_eq!(
            found.first().map(String::as_str),
            Some("Arbeitslose insgesamt")
        );
    }
}
