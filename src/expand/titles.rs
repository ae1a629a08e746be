//! Templates in what `data/tabellen.yaml` and `data/abbildungen.yaml` write as text: titles,
//! column and row titles, series names, category labels, `quelle:` (with the `stand:` of an
//! import) and the alternative text. `"Gesamtbudget {{ programm.jahr - 1 }}"` follows the data
//! as a chapter does, with the same data and filters; a mistake is reported at the title's
//! line in its YAML file.
//!
//! Titles are text, not Markdown: both writers escape them, so values are inserted as they
//! are (no Markdown escaping).

use std::io::{self, Write};
use std::sync::Arc;

use tera::{Context, Tera};

use super::messages::translate;
use super::render::{error_text, register_print_filter, wrap_prints, Edits};
use super::{data_context, register_format_filters_with};
use crate::diagnostic::{Finding, Findings};
use crate::format::PercentStyle;
use crate::model::{CategoriesDecl, ChartDecl, Project, TableDecl};
use crate::numbers::Traps;
use crate::sandbox::{render_bounded, RenderError, Source};

/// One text of a declaration: its key path in its file and the text itself.
type Field<'a> = (String, &'a mut String);

/// Expands every templated title of the project's tables and charts in place; every mistake is
/// a finding at its title's line. Titles without `{{`, `{%` or `{#` are left alone.
pub fn expand_titles(project: &mut Project) -> Findings {
    let mut findings = Findings::default();
    if !project.tables.values_mut().any(|decl| {
        table_fields("", decl)
            .iter()
            .any(|(_, text)| is_template(text))
    }) && !project.charts.values_mut().any(|decl| {
        chart_fields("", decl)
            .iter()
            .any(|(_, text)| is_template(text))
    }) {
        return findings;
    }
    let tera = title_tera(project);
    let context = match data_context(project) {
        Ok(context) => context,
        Err(more) => {
            findings.extend(more);
            return findings;
        }
    };
    let mut failures: Vec<(&str, String, String, Failure)> = Vec::new();
    for (id, decl) in &mut project.tables {
        for (path, text) in table_fields(id, decl) {
            if let Err(err) = expand_one(&tera, &context, text) {
                failures.push((crate::load::TABLES_FILE, path, text.clone(), err));
            }
        }
    }
    for (id, decl) in &mut project.charts {
        for (path, text) in chart_fields(id, decl) {
            if let Err(err) = expand_one(&tera, &context, text) {
                failures.push((crate::load::CHARTS_FILE, path, text.clone(), err));
            }
        }
    }
    for (file, path, text, err) in failures {
        findings.push(title_finding(project, file, &path, &text, &err));
    }
    findings
}

fn is_template(text: &str) -> bool {
    text.contains("{{") || text.contains("{%") || text.contains("{#")
}

/// The instance for titles: the chapters' filters and guards, values inserted unescaped.
fn title_tera(project: &Project) -> Tera {
    let mut tera = Tera::new();
    tera.set_escape_fn(as_text);
    crate::sandbox::guard(&mut tera);
    let style: PercentStyle = project.programme.prozent.into();
    register_format_filters_with(&mut tera, style, Arc::new(Traps::of(project)));
    register_print_filter(&mut tera);
    tera
}

/// Titles are text; the writers escape them for HTML and Typst.
fn as_text(input: &str, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(input.as_bytes())
}

/// Replaces `text` by its expansion when it is a template; an error with the edits that map
/// its place back to the text as written.
fn expand_one(tera: &Tera, context: &Context, text: &mut String) -> Result<(), Failure> {
    if !is_template(text) {
        return Ok(());
    }
    let (wrapped, edits) = wrap_prints(text);
    *text = render_bounded(tera, Source::Text(&wrapped), context).map_err(|err| (err, edits))?;
    Ok(())
}

/// A title that could not be expanded, with the edits of [`wrap_prints`].
type Failure = (RenderError, Edits);

/// The texts of a table with their key paths below `id`.
fn table_fields<'a>(id: &str, decl: &'a mut TableDecl) -> Vec<Field<'a>> {
    let mut fields: Vec<Field<'a>> = vec![(format!("{id}.titel"), &mut decl.titel)];
    fields.extend(decl.quelle.as_mut().map(|q| (format!("{id}.quelle"), q)));
    fields.extend(decl.kopf.as_mut().map(|k| (format!("{id}.kopf"), k)));
    if let crate::model::RowsDecl::Explicit(rows) = &mut decl.zeilen {
        for (index, row) in rows.iter_mut().enumerate() {
            fields.push((format!("{id}.zeilen.{index}.titel"), &mut row.titel));
        }
    }
    for (index, column) in decl.spalten.iter_mut().enumerate() {
        fields.push((format!("{id}.spalten.{index}.titel"), &mut column.titel));
    }
    fields
}

/// The texts of a chart with their key paths below `id`.
fn chart_fields<'a>(id: &str, decl: &'a mut ChartDecl) -> Vec<Field<'a>> {
    let mut fields: Vec<Field<'a>> = vec![(format!("{id}.titel"), &mut decl.titel)];
    fields.extend(decl.quelle.as_mut().map(|q| (format!("{id}.quelle"), q)));
    fields.extend(decl.alt.as_mut().map(|a| (format!("{id}.alt"), a)));
    fields.extend(decl.x_titel.as_mut().map(|t| (format!("{id}.x_titel"), t)));
    fields.extend(decl.y_titel.as_mut().map(|t| (format!("{id}.y_titel"), t)));
    for (index, series) in decl.reihen.iter_mut().enumerate() {
        fields.push((format!("{id}.reihen.{index}.name"), &mut series.name));
    }
    match &mut decl.kategorien {
        Some(CategoriesDecl::Labels(labels)) => {
            for (index, label) in labels.iter_mut().enumerate() {
                fields.push((format!("{id}.kategorien.{index}"), label));
            }
        }
        Some(CategoriesDecl::Keys(keys)) => {
            for (key, label) in keys.iter_mut() {
                fields.push((format!("{id}.kategorien.{key}"), label));
            }
        }
        None => {}
    }
    fields
}

/// A title's template error at its place in the YAML file: the column of the failing part
/// when the title is written plainly (no escapes), else the title's start.
fn title_finding(
    project: &Project,
    file: &str,
    path: &str,
    text: &str,
    (err, edits): &Failure,
) -> Finding {
    let (detail, help, span) = match err {
        RenderError::Template(err) => {
            let (detail, help) = translate(&error_text(err));
            let span = match err.kind() {
                tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
                    Some(edits.original(report.span().range.start))
                }
                _ => None,
            };
            (detail, help, span)
        }
        RenderError::Exceeded(exceeded, _) => (exceeded.message(), None, None),
    };
    let key = path.split_once('.').map_or(path, |(_, key)| key);
    let id = path.split_once('.').map_or(path, |(id, _)| id);
    let what = if file == crate::load::TABLES_FILE {
        "Tabelle"
    } else {
        "Abbildung"
    };
    let mut finding = Finding::error(format!(
        "Vorlagenfehler in {file}, {what} „{id}“, {key}: {detail}"
    ))
    .in_file(file);
    if let Some(help) = help {
        finding = finding.with_help(help);
    }
    // A source line taken over from an import (`quelle:`, `stand:`) has no place of its own
    // in the file: the table or chart is named instead.
    let sites = project.sites.get(file);
    let (site, own) = match sites.and_then(|sites| sites.get(path)) {
        Some(site) => (Some(site), true),
        None => (sites.and_then(|sites| sites.get(id)), false),
    };
    let (Some(site), Some(source)) = (site, project.sources.get(file)) else {
        return finding;
    };
    if !own {
        return finding.at(source, site.key_line, site.key_column);
    }
    // The failing part's column, when the title stands in the file as written (without
    // escapes and the template's own edits, which the wrapped prints add after it).
    let quote = usize::from(site.raw.starts_with(['"', '\'']));
    let plain = site.raw.get(quote..site.raw.len() - quote) == Some(text);
    let column = match span {
        Some(at) if plain => {
            site.column + quote + text.get(..at).map_or(0, |before| before.chars().count())
        }
        _ => site.column,
    };
    finding.at(source, site.line, column)
}
