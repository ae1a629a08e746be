//! Tables in Typst: a `#table(…)` call whose header row repeats on every page.

use crate::model::Table;

/// Writes a table as a Typst `#table(…)` call with a repeated header row.
pub fn to_typst(table: &Table) -> String {
    use crate::typst_escape::escape_markup;
    let columns = table.header.len().max(1);
    let aligns: Vec<&str> = (0..columns)
        .map(|i| {
            if table.numeric.get(i).copied().unwrap_or(false) {
                "right"
            } else {
                "left"
            }
        })
        .collect();
    // The row-header column gets twice the room of a number column.
    let widths: Vec<&str> = (0..columns)
        .map(|i| if i == 0 { "2fr" } else { "1fr" })
        .collect();
    let mut out = format!(
        "table(\n  columns: ({},),\n  align: ({},),\n  table.header(repeat: true, ",
        widths.join(", "),
        aligns.join(", ")
    );
    let header: Vec<String> = table
        .header
        .iter()
        .map(|h| format!("[{}]", escape_markup(h)))
        .collect();
    out.push_str(&header.join(", "));
    out.push_str("),\n");
    for row in &table.rows {
        out.push_str("  ");
        for (index, text) in row.cells.iter().enumerate() {
            let mut content = escape_markup(text);
            if index == 0 && row.level > 0 {
                content = format!("#h({}em)", u16::from(row.level)) + &content;
            }
            if row.total {
                content = format!("#strong[{content}]");
            }
            out.push_str(&format!("[{content}], "));
        }
        // Pad short rows so cells never shift into the next row.
        for _ in row.cells.len()..columns {
            out.push_str("[], ");
        }
        out.push('\n');
    }
    out.push(')');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typst_table_has_header_and_escaped_cells() {
        let mut table = crate::tables::budget_example();
        table.rows[0].cells[0] = "#read(\"/etc/passwd\")".into();
        let typst = to_typst(&table);
        assert!(typst.contains("table.header(repeat: true, [Position]"));
        assert!(
            typst.contains("[\\#read(\\\"\\/etc\\/passwd\\\")]"),
            "{typst}"
        );
        assert!(typst.contains("#strong[Gesamt]"));
    }
}
