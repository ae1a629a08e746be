//! What importing official figures adds to a build: loading a small project with and without
//! a 22-sheet Arbeitsmarktreport-sized workbook declared in `data/quellen.yaml`
//! (`cargo bench --bench import`; the budget is 20 ms), and a project importing from a
//! 100,000-row CSV file (budget 1 s).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark or example that cannot run stops with a message; no user input reaches it"
)]

use std::fs;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use rust_xlsxwriter::Workbook;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// 22 sheets of 60 rows × 12 columns, labels in A and B, the month in D.
fn workbook(path: &Path) {
    let mut wb = Workbook::new();
    for sheet in 0..22 {
        let ws = wb.add_worksheet();
        ws.set_name(format!("Blatt {sheet}")).unwrap();
        ws.write_string(3, 3, "September 2019").unwrap();
        ws.write_string(3, 4, "August 2019").unwrap();
        for row in 4..64u32 {
            ws.write_string(row, u16::from(row % 2 == 0), format!("   Merkmal {row}"))
                .unwrap();
            for col in 3..15u16 {
                ws.write_number(row, col, f64::from(row * 100 + u32::from(col)) + 0.1)
                    .unwrap();
            }
        }
    }
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    wb.save(path).unwrap();
}

fn project(with_import: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "data/programm.yaml",
        "jobcenter: J\ntitel: T\njahr: 2020\n",
    );
    write(root, "content/01-a.md", "# A\n\nText\n");
    if with_import {
        workbook(&root.join("data/quellen/amr.xlsx"));
        let mut yaml = String::from("amr:\n  datei: quellen/amr.xlsx\n  werte:\n");
        for sheet in 0..22 {
            for row in [10, 30, 50] {
                yaml.push_str(&format!(
                    "    b{sheet}.m{row}: {{ blatt: Blatt {sheet}, zeile: Merkmal {row}, spalte: September 2019 }}\n"
                ));
            }
        }
        write(root, "data/quellen.yaml", &yaml);
    }
    dir
}

/// A project taking one value from the last of 100,000 rows of a GENESIS-like CSV file.
fn csv_project() -> tempfile::TempDir {
    let dir = project(false);
    let root = dir.path();
    let mut csv = String::from("Jahr;Schlüssel;Region;Arbeitslose;Quote\n");
    for row in 0..100_000 {
        csv.push_str(&format!(
            "2020;{row:05};\"  Region {row}\";{};{},{}\n",
            row * 7 % 9_973,
            row % 20,
            row % 10
        ));
    }
    write(root, "data/quellen/gross.csv", &csv);
    write(
        root,
        "data/quellen.yaml",
        "gross:\n  datei: quellen/gross.csv\n  werte:\n    letzte: { zeile: Region 99999, spalte: Arbeitslose }\n",
    );
    dir
}

fn bench(c: &mut Criterion) {
    let csv = csv_project();
    assert!(amip::load::load(csv.path()).is_ok(), "the CSV import works");
    let plain = project(false);
    let imported = project(true);
    assert!(
        amip::load::load(imported.path()).is_ok(),
        "the import works"
    );
    let mut group = c.benchmark_group("import");
    group.bench_function("load_ohne_quellen", |b| {
        b.iter(|| amip::load::load(plain.path()).is_ok());
    });
    group.bench_function("load_mit_22_blaettern", |b| {
        b.iter(|| amip::load::load(imported.path()).is_ok());
    });
    group.sample_size(10);
    group.bench_function("load_csv_100000_zeilen", |b| {
        b.iter(|| amip::load::load(csv.path()).is_ok());
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
