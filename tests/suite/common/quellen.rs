//! The example's source files, laid out as the Statistik der BA publishes them: an
//! Arbeitsmarktreport for district 12062, a long ELB time series, an SGB II-Cockpit export of
//! the Integrationsprognose, a § 48a Kennzahlen CSV (Windows-1252) for several jobcenters, and
//! a GENESIS export of the Regionaldatenbank (long table: one row per year and Kreis).
//!
//! The figures the programme takes are the published programme's; everything else in these
//! files (other months, other groups, other jobcenters, the monthly ELB values, the years
//! 2009–2018) is invented and declared as example values where the programme uses it.
//! `cargo run --example quellen_beispiel` writes the files into `data/quellen/`.

#![allow(dead_code)]

use std::path::Path;

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};

/// The Arbeitsmarktreport's file name (BA pattern `amr-<Kreis>-0-<JJJJMM>-xlsx.xlsx`).
pub const AMR: &str = "amr-12062-0-201909-xlsx.xlsx";
/// The long ELB time series.
pub const ELB: &str = "zeitreihe-elb-03504-201912.xlsx";
/// The SGB II-Cockpit export.
pub const COCKPIT: &str = "sgb2-cockpit-integrationsprognose-2019.xlsx";
/// The § 48a CSV.
pub const KENNZAHLEN: &str = "kennzahlen-48a-201909.csv";
/// A long table in the layout of a GENESIS export (Regionaldatenbank), the example district only.
pub const GENESIS: &str = "arbeitslose-jd-kreise-genesis.csv";

/// One row of a block: label (with its indentation), the reporting month, the share, the
/// previous month, the same month a year earlier.
struct Row {
    label: &'static str,
    in_b: bool,
    month: f64,
    share: Option<f64>,
    previous_month: f64,
    previous_year: f64,
}

const fn row(
    label: &'static str,
    month: f64,
    share: Option<f64>,
    previous_month: f64,
    previous_year: f64,
) -> Row {
    Row {
        label,
        in_b: true,
        month,
        share,
        previous_month,
        previous_year,
    }
}

/// What can be changed in the Arbeitsmarktreport (tests change one cell).
#[derive(Clone, Copy)]
pub struct AmrFigures {
    /// Arbeitslose SGB II insgesamt, September 2019.
    pub arbeitslose: f64,
}

impl Default for AmrFigures {
    fn default() -> Self {
        Self {
            arbeitslose: 2116.0,
        }
    }
}

fn properties() -> DocProperties {
    // A fixed date: the same generator run gives the same bytes.
    let date = ExcelDateTime::from_ymd(2019, 10, 1)
        .unwrap_or_else(|_| ExcelDateTime::from_serial_datetime(43739.0).unwrap());
    DocProperties::new()
        .set_author("Statistik der Bundesagentur für Arbeit")
        .set_creation_datetime(&date)
}

fn title(ws: &mut Worksheet, sheet_title: &str) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    ws.write_string_with_format(
        0,
        0,
        "Arbeitsmarktreport – Landkreis Elbe-Elster (12062)",
        &bold,
    )?;
    ws.write_string(1, 0, "Berichtsmonat: September 2019")?;
    ws.write_string_with_format(2, 0, sheet_title, &bold)?;
    ws.set_column_width(0, 4)?;
    ws.set_column_width(1, 46)?;
    Ok(())
}

fn header(ws: &mut Worksheet, at: u32, change_title: &str, sub: bool) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold().set_text_wrap();
    ws.write_string_with_format(at, 0, "Merkmal", &bold)?;
    ws.write_string_with_format(at, 3, "September 2019", &bold)?;
    ws.write_string_with_format(at, 4, "Anteil in %", &bold)?;
    ws.write_string_with_format(at, 5, "August 2019", &bold)?;
    ws.write_string_with_format(at, 6, "September 2018", &bold)?;
    if sub {
        let centred = Format::new().set_bold().set_align(FormatAlign::Center);
        ws.merge_range(at, 7, at, 8, change_title, &centred)?;
        ws.write_string_with_format(at + 1, 7, "absolut", &bold)?;
        ws.write_string_with_format(at + 1, 8, "in %", &bold)?;
    } else {
        ws.write_string_with_format(at, 7, change_title, &bold)?;
    }
    Ok(())
}

fn block(
    ws: &mut Worksheet,
    at: u32,
    section: &str,
    rows: &[Row],
    absolute_and_percent: bool,
) -> Result<u32, XlsxError> {
    let count = Format::new().set_num_format("#,##0");
    let decimal = Format::new().set_num_format("0.0");
    ws.write_string_with_format(at, 0, section, &Format::new().set_bold())?;
    let mut r = at + 1;
    for row in rows {
        ws.write_string(r, u16::from(row.in_b), row.label)?;
        let format = if absolute_and_percent {
            &count
        } else {
            &decimal
        };
        ws.write_number_with_format(r, 3, row.month, format)?;
        if let Some(share) = row.share {
            // Shares are stored as Excel computes them, with binary noise (55.800000000000004).
            ws.write_number_with_format(
                r,
                4,
                share * 10.0 / 10.0 + f64::EPSILON * share,
                &decimal,
            )?;
        }
        ws.write_number_with_format(r, 5, row.previous_month, format)?;
        ws.write_number_with_format(r, 6, row.previous_year, format)?;
        if absolute_and_percent {
            ws.write_number_with_format(r, 7, row.month - row.previous_year, &count)?;
            // Unrounded, as a formula result; the sheet shows one decimal.
            ws.write_number_with_format(
                r,
                8,
                (row.month - row.previous_year) / row.previous_year * 100.0,
                &decimal,
            )?;
        } else {
            ws.write_number_with_format(
                r,
                7,
                ((row.month - row.previous_year) * 10.0).round() / 10.0,
                &decimal,
            )?;
        }
        r += 1;
    }
    Ok(r)
}

fn share(part: f64, whole: f64) -> Option<f64> {
    Some((part / whole * 1000.0).round() / 10.0)
}

// The sheet is one table of the BA's layout, written row by row as published.
#[allow(clippy::too_many_lines)]
fn eckwerte_sgb2(ws: &mut Worksheet, figures: AmrFigures) -> Result<(), XlsxError> {
    title(ws, "Eckwerte SGB II (Grundsicherung für Arbeitsuchende)")?;
    header(ws, 4, "Veränderung gegenüber Vorjahresmonat", true)?;
    let total = figures.arbeitslose;
    let rows = [
        row("Insgesamt", total, Some(100.0), 2189.0, 2696.0),
        row("   Männer", 1181.0, share(1181.0, total), 1224.0, 1514.0),
        row("   Frauen", 935.0, share(935.0, total), 965.0, 1182.0),
        row(
            "   unter 25 Jahre",
            101.0,
            share(101.0, total),
            112.0,
            143.0,
        ),
        row(
            "   55 Jahre und älter",
            612.0,
            share(612.0, total),
            628.0,
            741.0,
        ),
        row("   Ausländer¹", 164.0, share(164.0, total), 166.0, 188.0),
        row(
            "   Langzeitarbeitslose",
            1079.0,
            share(1079.0, total),
            1101.0,
            1398.0,
        ),
        row(
            "   schwerbehinderte Menschen",
            103.0,
            share(103.0, total),
            107.0,
            121.0,
        ),
    ];
    let next = block(ws, 7, "Arbeitslose", &rows, true)?;
    let at = next + 1;
    header(
        ws,
        at,
        "Veränderung gegenüber Vorjahresmonat in Prozentpunkten",
        false,
    )?;
    // Quotes: September 2019, August 2019, September 2018.
    let quotas = [
        Row {
            label: "Insgesamt",
            in_b: true,
            month: 4.4,
            share: None,
            previous_month: 4.6,
            previous_year: 5.4,
        },
        Row {
            label: "   unter 25 Jahre",
            in_b: true,
            month: 2.9,
            share: None,
            previous_month: 3.3,
            previous_year: 3.2,
        },
        Row {
            label: "\u{a0}\u{a0}\u{a0}Frauen",
            in_b: true,
            month: 4.0,
            share: None,
            previous_month: 4.1,
            previous_year: 4.8,
        },
        Row {
            label: "   Männer",
            in_b: true,
            month: 4.8,
            share: None,
            previous_month: 5.0,
            previous_year: 6.0,
        },
    ];
    let next = block(
        ws,
        at + 1,
        "Arbeitslosenquoten bezogen auf alle zivilen Erwerbspersonen",
        &quotas,
        false,
    )?;
    ws.write_string(
        next + 1,
        0,
        "¹ Ausländer: Personen ohne deutsche Staatsangehörigkeit.",
    )?;
    ws.write_string(next + 2, 0, "Zeichenerklärung: X Nachweis nicht sinnvoll; * anonymisiert; – nichts vorhanden; . Zahlenwert unbekannt")?;
    Ok(())
}

fn eckwerte_other(ws: &mut Worksheet, sheet_title: &str, scale: f64) -> Result<(), XlsxError> {
    title(ws, sheet_title)?;
    header(ws, 4, "Veränderung gegenüber Vorjahresmonat", true)?;
    let total = (4260.0 * scale).round();
    let part = |f: f64| (total * f).round();
    let rows = [
        row(
            "Insgesamt",
            total,
            Some(100.0),
            (total * 1.03).round(),
            (total * 1.12).round(),
        ),
        row(
            "   Männer",
            part(0.54),
            share(part(0.54), total),
            part(0.55),
            part(0.6),
        ),
        row(
            "   Frauen",
            part(0.46),
            share(part(0.46), total),
            part(0.47),
            part(0.52),
        ),
        row(
            "   unter 25 Jahre",
            part(0.07),
            share(part(0.07), total),
            part(0.08),
            part(0.08),
        ),
        row(
            "   Ausländer¹",
            part(0.05),
            share(part(0.05), total),
            part(0.05),
            part(0.05),
        ),
    ];
    let next = block(ws, 7, "Arbeitslose", &rows, true)?;
    ws.write_string(next, 1, "   Rehabilitanden")?;
    // The statistics' signs where no figure is given.
    ws.write_string(next, 3, "*")?;
    ws.write_string(next, 4, "X")?;
    ws.write_string(next, 5, "–")?;
    ws.write_string(next, 6, ".")?;
    Ok(())
}

/// The Arbeitsmarktreport workbook.
pub fn amr_workbook(figures: AmrFigures) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(&properties());
    let ws = wb.add_worksheet();
    ws.set_name("Deckblatt")?;
    ws.write_string(0, 0, "Arbeitsmarktreport")?;
    ws.write_string(1, 0, "Landkreis Elbe-Elster (12062)")?;
    ws.write_string(2, 0, "Berichtsmonat September 2019")?;
    let ws = wb.add_worksheet();
    ws.set_name("Inhaltsverzeichnis")?;
    for (index, name) in ["Eckwerte", "Eckwerte SGB III", "Eckwerte SGB II"]
        .iter()
        .enumerate()
    {
        ws.write_string(u32::try_from(index).unwrap_or(0), 0, *name)?;
    }
    eckwerte_other(
        wb.add_worksheet().set_name("Eckwerte")?,
        "Eckwerte (alle Rechtskreise)",
        1.0,
    )?;
    eckwerte_other(
        wb.add_worksheet().set_name("Eckwerte SGB III")?,
        "Eckwerte SGB III (Arbeitslosenversicherung)",
        0.5,
    )?;
    eckwerte_sgb2(wb.add_worksheet().set_name("Eckwerte SGB II")?, figures)?;
    wb.save_to_buffer()
}

/// Jahresdurchschnitt of the ELB, 2009–2019 (2009–2018 invented, 2019 published).
pub const ELB_JDW: [(u16, f64); 11] = [
    (2009, 9912.0),
    (2010, 9530.0),
    (2011, 9018.0),
    (2012, 8560.0),
    (2013, 8204.0),
    (2014, 7871.0),
    (2015, 7490.0),
    (2016, 7105.0),
    (2017, 6618.0),
    (2018, 6012.0),
    (2019, 5485.0),
];

/// The long time series: the year only on the January row, the month beside it, and a
/// "Jahresdurchschnitt" row after each December.
pub fn elb_workbook() -> Result<Vec<u8>, XlsxError> {
    // Seasonal offsets that add up to zero, so each year's months average to its JDW.
    const SEASON: [f64; 12] = [
        60.0, 70.0, 50.0, 20.0, 0.0, -20.0, -30.0, -40.0, -50.0, -40.0, -20.0, 0.0,
    ];
    use amip::format::MONTHS;
    let mut wb = Workbook::new();
    wb.set_properties(&properties());
    let ws = wb.add_worksheet();
    ws.set_name("Tabelle 2.1.2")?;
    let bold = Format::new().set_bold().set_text_wrap();
    let count = Format::new().set_num_format("#,##0");
    ws.write_string_with_format(
        0,
        0,
        "Tabelle 2.1.2: Erwerbsfähige Leistungsberechtigte – Zeitreihe",
        &bold,
    )?;
    ws.write_string(1, 0, "Jobcenter Elbe-Elster (03504)")?;
    ws.write_string_with_format(3, 0, "Jahr", &bold)?;
    ws.write_string_with_format(3, 1, "Monat", &bold)?;
    ws.write_string_with_format(3, 2, "Erwerbsfähige Leistungsberechtigte", &bold)?;
    ws.write_string_with_format(3, 3, "darunter Frauen", &bold)?;
    let mut r = 4;
    for (year, jdw) in ELB_JDW {
        for (index, month) in MONTHS.iter().enumerate() {
            if index == 0 {
                ws.write_number(r, 0, f64::from(year))?;
            }
            ws.write_string(r, 1, *month)?;
            let value = jdw + SEASON.get(index).copied().unwrap_or(0.0);
            ws.write_number_with_format(r, 2, value, &count)?;
            ws.write_number_with_format(r, 3, (value * 0.49).round(), &count)?;
            r += 1;
        }
        ws.write_string_with_format(r, 1, "Jahresdurchschnitt", &Format::new().set_italic())?;
        ws.write_number_with_format(r, 2, jdw, &count)?;
        ws.write_number_with_format(r, 3, (jdw * 0.49).round(), &count)?;
        r += 1;
    }
    ws.write_string(r + 1, 0, "Quelle: Statistik der Bundesagentur für Arbeit")?;
    ws.set_column_width(1, 20)?;
    ws.set_column_width(2, 18)?;
    wb.save_to_buffer()
}

/// The SGB II-Cockpit export: ELB by Integrationsprognose and age group, JDW 2019.
pub fn cockpit_workbook() -> Result<Vec<u8>, XlsxError> {
    let rows: [(&str, [f64; 4]); 7] = [
        (
            "Erwerbsfähige Leistungsberechtigte gesamt",
            [5485.0, 732.0, 3247.0, 1506.0],
        ),
        (
            "Kunden mit Integrationsprognose „marktnah“",
            [173.0, 33.0, 122.0, 18.0],
        ),
        (
            "Kunden mit Integrationsprognose „nicht marktnah“",
            [3823.0, 260.0, 2304.0, 1259.0],
        ),
        (
            "Sonstige Integrationsprognosen",
            [1489.0, 439.0, 821.0, 229.0],
        ),
        (
            "   davon I: integriert, aber weiterhin hilfebedürftig",
            [482.0, 26.0, 368.0, 88.0],
        ),
        (
            "   davon Z: Zuordnung nicht erforderlich",
            [841.0, 363.0, 359.0, 119.0],
        ),
        ("   davon X: fehlende Werte", [166.0, 50.0, 94.0, 22.0]),
    ];
    let mut wb = Workbook::new();
    wb.set_properties(&properties());
    let ws = wb.add_worksheet();
    ws.set_name("Integrationsprognose")?;
    let bold = Format::new().set_bold().set_text_wrap();
    let count = Format::new().set_num_format("#,##0");
    let decimal = Format::new().set_num_format("0.0");
    ws.write_string_with_format(
        0,
        0,
        "SGB II-Cockpit: ELB nach Integrationsprognose und Altersgruppen, Jahresdurchschnitt 2019",
        &bold,
    )?;
    ws.write_string(1, 0, "Jobcenter Elbe-Elster, Stand: 16.09.2019")?;
    let headers = [
        "Integrationsprognose",
        "Gesamt",
        "Anteil an ELB gesamt (in %)",
        "15 bis unter 25 Jahre",
        "25 bis unter 55 Jahre",
        "55 Jahre und älter",
    ];
    for (col, text) in headers.iter().enumerate() {
        ws.write_string_with_format(3, u16::try_from(col).unwrap_or(0), *text, &bold)?;
    }
    let whole = rows.first().map_or(1.0, |(_, v)| v[0]);
    for (index, (label, values)) in rows.iter().enumerate() {
        let r = 4 + u32::try_from(index).unwrap_or(0);
        ws.write_string(r, 0, *label)?;
        ws.write_number_with_format(r, 1, values[0], &count)?;
        ws.write_number_with_format(r, 2, values[0] / whole * 100.0, &decimal)?;
        for (offset, value) in values.iter().skip(1).enumerate() {
            ws.write_number_with_format(r, 3 + u16::try_from(offset).unwrap_or(0), *value, &count)?;
        }
    }
    ws.set_column_width(0, 52)?;
    wb.save_to_buffer()
}

/// The § 48a Kennzahlen CSV: `;`-separated, German numbers, Windows-1252, several jobcenters.
pub fn kennzahlen_csv() -> Vec<u8> {
    let jobcenters = [
        (
            "03324",
            "Jobcenter Ludwigslust-Parchim",
            ["-3,1", "27,9", "-6,0", "71,4"],
        ),
        (
            "03504",
            "Jobcenter Elbe-Elster",
            ["-4,6", "25,1", "-8,9", "76,8"],
        ),
        (
            "03510",
            "Jobcenter Dahme-Spreewald",
            ["-2,2", "29,4", "*", "68,0"],
        ),
        ("07502", "Jobcenter Leipzig", ["-5,0", "24,6", "-7,7", "X"]),
        ("35702", "Jobcenter Köln", ["-1,9", "21,3", "-3,8", "72,5"]),
        ("96204", "Jobcenter Berlin Mitte", ["1,4", "18,7", "–", "."]),
    ];
    let figures = [
        (
            "K1",
            "Veränderung der Summe der Leistungen zum Lebensunterhalt (in %)",
        ),
        ("K2", "Integrationsquote (in %)"),
        (
            "K3",
            "Veränderung des Bestands an Langzeitleistungsbeziehenden (in %)",
        ),
        (
            "K3E0",
            "Anteil der Langzeitleistungsbeziehenden an allen ELB (in %)",
        ),
    ];
    let mut text = String::from("Berichtsmonat;Träger-Nr.;Träger;Kennzahl;Bezeichnung;Wert\r\n");
    for (number, name, values) in jobcenters {
        for ((code, label), value) in figures.iter().zip(values) {
            text.push_str(&format!(
                "09/2019;{number};\"{name}\";{code};\"{label}\";{value}\r\n"
            ));
        }
    }
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    bytes.into_owned()
}

/// The example district's Arbeitslose (annual average) and of them long-term unemployed,
/// 2019 first: the figures chapter 02 quotes.
const GENESIS_ROWS: [(u16, u32, u32); 5] = [
    (2019, 3236, 1298),
    (2018, 3778, 1619),
    (2017, 4443, 2089),
    (2016, 5248, 2543),
    (2015, 5953, 2848),
];

/// A file in the layout of a GENESIS export („Tabelle als CSV“ of the Regionaldatenbank:
/// Latin-1, title block, three header lines whose first three fields are empty, one row per
/// year and region with the year in field 1 and the region key in field 2, `__________`, a
/// quoted footnote and `Stand:`), holding only the example district (key `12062`) and only the
/// two columns the example reads. It is written here, not copied: the published tables are
/// third-party works (the tests read the real ones from `../shared/ba-real/files/`).
pub fn genesis_csv() -> Vec<u8> {
    let mut text = String::from(
        "GENESIS-Tabelle: Beispiel im Aufbau der Tabelle 13211-02-05-4\n\
Arbeitslose - Jahresdurchschnitt - regionale Tiefe: Kreise und krfr. Städte;;;;\n\
Beispieldatei von amip, erzeugt von examples/quellen_beispiel.rs;;;;\n\
;;;Arbeitslose;Arbeitslose\n\
;;;;langzeitarbeitslos\n\
;;;Anzahl;Anzahl\n",
    );
    for (year, all, long_term) in GENESIS_ROWS {
        text.push_str(&format!(
            "{year};12062;      Elbe-Elster, Landkreis;{all};{long_term}\n"
        ));
    }
    text.push_str(
        "__________\n\
\"Beispieldatei: nur der Landkreis Elbe-Elster und die Spalten, die das Programm liest.\n\
Quelle der Zahlen: Statistik der Bundesagentur für Arbeit.\"\n\
Stand: 17.08.2021 / 19:38:04\n",
    );
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    bytes.into_owned()
}

/// Writes all five files into `dir`.
pub fn write_all(dir: &Path) -> std::io::Result<()> {
    let io = |e: XlsxError| std::io::Error::other(e.to_string());
    std::fs::create_dir_all(dir)?;
    std::fs::write(
        dir.join(AMR),
        amr_workbook(AmrFigures::default()).map_err(io)?,
    )?;
    std::fs::write(dir.join(ELB), elb_workbook().map_err(io)?)?;
    std::fs::write(dir.join(COCKPIT), cockpit_workbook().map_err(io)?)?;
    std::fs::write(dir.join(KENNZAHLEN), kennzahlen_csv())?;
    std::fs::write(dir.join(GENESIS), genesis_csv())?;
    Ok(())
}
