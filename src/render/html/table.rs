//! Tables in HTML: caption, header row with `scope="col"`, row headers with `scope="row"`.

use crate::model::Table;

/// Writes a table as HTML: caption, header row with `scope="col"`, row headers with
/// `scope="row"`, the source line below.
pub fn to_html(table: &Table, caption_label: Option<&str>) -> String {
    let esc = crate::text::escape_html;
    let mut out = String::from("<table>\n<caption>");
    if let Some(label) = caption_label {
        out.push_str(&format!("<span class=\"nr\">{}:</span> ", esc(label)));
    }
    out.push_str(&esc(&table.caption));
    out.push_str("</caption>\n<thead>\n<tr>");
    for (index, title) in table.header.iter().enumerate() {
        let class = if table.numeric.get(index).copied().unwrap_or(false) {
            " class=\"zahl\""
        } else {
            ""
        };
        out.push_str(&format!("<th scope=\"col\"{class}>{}</th>", esc(title)));
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for row in &table.rows {
        let mut classes = Vec::new();
        if row.total {
            classes.push("summe".to_string());
        }
        if row.level > 0 {
            classes.push(format!("ebene-{}", row.level));
        }
        if classes.is_empty() {
            out.push_str("<tr>");
        } else {
            out.push_str(&format!("<tr class=\"{}\">", classes.join(" ")));
        }
        for (index, text) in row.cells.iter().enumerate() {
            let numeric = table.numeric.get(index).copied().unwrap_or(false);
            let class = if numeric { " class=\"zahl\"" } else { "" };
            if index == 0 {
                out.push_str(&format!("<th scope=\"row\"{class}>{}</th>", esc(text)));
            } else {
                out.push_str(&format!("<td{class}>{}</td>", esc(text)));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_has_caption_scopes_and_escapes() {
        let mut table = crate::tables::budget_example();
        table.caption = "<script>x</script>".into();
        let html = to_html(&table, Some("Tabelle 1"));
        assert!(html.contains("<caption><span class=\"nr\">Tabelle 1:</span> &lt;script&gt;"));
        assert!(html.contains("<th scope=\"col\""));
        assert!(html.contains("<th scope=\"row\">VK</th>"));
        assert!(html.contains("<tr class=\"summe\">"));
    }
}
