//! Tests of the chart drawing: well-formed German SVG, every word of every label present,
//! nothing outside the canvas, sorted and horizontal bars, readable value labels.

use super::ring::ring_style;
use super::surface::{contrast, series_style, Hatch, Rgb, AXIS, PALETTE, PAPER, TEXT};
use super::*;
use crate::format;
use crate::model::{Orientation, Series, ValueFormat};

mod geometry;
use geometry::*;

fn chart(kind: ChartKind, categories: &[&str], series: &[(&str, &[Option<f64>])]) -> Chart {
    Chart {
        id: "test".to_string(),
        kind,
        caption: "Testabbildung".to_string(),
        source: None,
        alt: "Alternativtext".to_string(),
        x_title: Some("Jahr".to_string()),
        y_title: Some("Personen".to_string()),
        format: ValueFormat::Ganz,
        orientation: Orientation::Senkrecht,
        categories: categories.iter().map(|c| c.to_string()).collect(),
        series: series
            .iter()
            .map(|(name, values)| Series {
                name: name.to_string(),
                values: values.to_vec(),
                points: Vec::new(),
            })
            .collect(),
    }
}

fn sample(kind: ChartKind) -> Chart {
    let mut chart = two_series(kind);
    if kind == ChartKind::Ring {
        chart.series.truncate(1);
    }
    chart
}

fn two_series(kind: ChartKind) -> Chart {
    chart(
        kind,
        &["2017", "2018", "2019"],
        &[
            (
                "Bedarfsgemeinschaften",
                &[Some(5485.0), Some(5210.0), Some(4987.0)],
            ),
            ("Arbeitslose", &[Some(2301.0), Some(2150.0), None]),
        ],
    )
}

fn check_document(svg: &str) -> roxmltree::Document<'_> {
    let document = roxmltree::Document::parse(svg).expect("well-formed SVG");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert!(root.attribute("viewBox").is_some(), "viewBox missing");
    assert!(root.attribute("width").is_some());
    assert!(root.attribute("height").is_some());
    for node in document.descendants().filter(|n| n.has_tag_name("text")) {
        assert_eq!(node.attribute("font-family"), Some(FONT_FAMILY));
    }
    assert!(!svg.contains("sans-serif"));
    document
}

fn texts(document: &roxmltree::Document) -> Vec<String> {
    document
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_string())
        .collect()
}

#[test]
fn the_cache_draws_a_chart_again_only_when_it_changed() {
    let mut cache = SvgCache::default();
    let first = cache.render(&sample(ChartKind::Balken)).unwrap();
    let again = cache.render(&sample(ChartKind::Balken)).unwrap();
    assert_eq!(first, again);
    assert_eq!(cache.drawn(), 1, "an unchanged chart comes from the cache");
    let mut changed = sample(ChartKind::Balken);
    changed.series[0].values[0] = Some(5486.0);
    let redrawn = cache.render(&changed).unwrap();
    assert_eq!(cache.drawn(), 2);
    assert_eq!(redrawn, render_svg(&changed).unwrap());
    cache.retain(&[]);
    cache.render(&changed).unwrap();
    assert_eq!(cache.drawn(), 3, "removed ids are forgotten");
}

#[test]
fn every_kind_renders_wellformed_german_svg() {
    for kind in [
        ChartKind::Linie,
        ChartKind::Balken,
        ChartKind::Gestapelt,
        ChartKind::Ring,
    ] {
        let svg = render_svg(&sample(kind)).unwrap();
        let document = check_document(&svg);
        let texts = texts(&document);
        let all = texts.join("\n");
        for category in ["2017", "2018", "2019"] {
            assert!(all.contains(category), "{kind:?}: {category} missing");
        }
        assert!(all.contains("5.485"), "{kind:?}: 5.485 missing in {all}");
        assert!(svg.contains("font-family=\"DejaVu Sans\""));
        assert_eq!(
            svg,
            render_svg(&sample(kind)).unwrap(),
            "{kind:?} not stable"
        );
    }
}

#[test]
fn line_chart_labels_points_and_legend() {
    let svg = render_svg(&two_series(ChartKind::Linie)).unwrap();
    let document = check_document(&svg);
    let all = texts(&document).join("\n");
    for value in [
        "5.210",
        "4.987",
        "2.301",
        "2.150",
        "Bedarfsgemeinschaften",
        "Jahr",
    ] {
        assert!(all.contains(value), "{value} missing");
    }
    // German tick labels.
    assert!(all.contains("6.000"), "{all}");
}

#[test]
fn stacked_chart_shows_totals_of_complete_stacks() {
    let svg = render_svg(&two_series(ChartKind::Gestapelt)).unwrap();
    let all = texts(&check_document(&svg)).join("\n");
    assert!(all.contains("7.786"), "{all}");
    assert!(all.contains("Arbeitslose"));
}

#[test]
fn ring_shows_shares_with_decimal_comma() {
    let mut chart = chart(
        ChartKind::Ring,
        &[
            "unter 25 Jahre",
            "25 bis unter 55 Jahre",
            "55 Jahre und älter",
        ],
        &[("Arbeitslose", &[Some(331.0), Some(500.0), Some(169.0)])],
    );
    chart.format = ValueFormat::Ganz;
    let svg = render_svg(&chart).unwrap();
    let all = texts(&check_document(&svg)).join("\n");
    assert!(all.contains("33,1\u{a0}%"), "{all}");
    assert!(all.contains("55 Jahre und älter"), "{all}");
    assert!(all.contains("unter 25 Jahre: 331 (33,1\u{a0}%)"), "{all}");
    assert!(all.contains("1.000"), "{all}");
}

#[test]
fn percent_and_euro_axes_are_german() {
    let mut percent = sample(ChartKind::Balken);
    percent.format = ValueFormat::Prozent;
    percent.series = vec![Series {
        name: "Quote".into(),
        values: vec![Some(12.5), Some(7.25), Some(3.0)],
        points: Vec::new(),
    }];
    let all = texts(&check_document(&render_svg(&percent).unwrap())).join("\n");
    assert!(all.contains("12,5\u{a0}%"), "{all}");

    let mut euro = sample(ChartKind::Balken);
    euro.format = ValueFormat::Euro;
    euro.series = vec![Series {
        name: "Budget".into(),
        values: vec![Some(7_053_067.0), Some(8_581_009.0), Some(9_069_867.0)],
        points: Vec::new(),
    }];
    let all = texts(&check_document(&render_svg(&euro).unwrap())).join("\n");
    assert!(all.contains("Mio.\u{a0}EUR"), "{all}");
}

/// Renders each chart in several formats: well-formed SVG or an error, never a panic.
fn render_in_every_format(cases: &[Chart]) {
    for case in cases {
        for format in [
            ValueFormat::Ganz,
            ValueFormat::Prozent,
            ValueFormat::Euro,
            ValueFormat::Dezimal2,
        ] {
            let mut case = case.clone();
            case.format = format;
            if let Ok(svg) = render_svg(&case) {
                check_document(&svg);
            }
        }
    }
}

#[test]
fn empty_and_degenerate_inputs_do_not_panic() {
    let empty: &[Option<f64>] = &[];
    render_in_every_format(&[
        chart(ChartKind::Linie, &[], &[]),
        chart(ChartKind::Linie, &["a"], &[]),
        chart(ChartKind::Balken, &[], &[("leer", empty)]),
        chart(ChartKind::Balken, &["a", "b"], &[("none", &[None, None])]),
        chart(
            ChartKind::Linie,
            &["a", "b"],
            &[("zero", &[Some(0.0), Some(0.0)])],
        ),
        chart(
            ChartKind::Gestapelt,
            &["a", "b"],
            &[("zero", &[Some(0.0), Some(0.0)])],
        ),
        chart(
            ChartKind::Gestapelt,
            &["a", "b"],
            &[
                ("mix", &[Some(-5.0), Some(3.0)]),
                ("more", &[Some(2.0), Some(-8.0)]),
            ],
        ),
        chart(
            ChartKind::Balken,
            &["a", "b"],
            &[("neg", &[Some(-5.0), Some(-3.0)])],
        ),
        chart(
            ChartKind::Linie,
            &["a", "b"],
            &[("neg", &[Some(-5.0), Some(-3.0)])],
        ),
        chart(ChartKind::Linie, &["a"], &[("one", &[Some(42.0)])]),
        chart(
            ChartKind::Linie,
            &["a", "b", "c"],
            &[("gap", &[Some(1.0), None, Some(3.0)])],
        ),
        chart(
            ChartKind::Balken,
            &["a", "b", "c"],
            &[("short", &[Some(1.0)])],
        ),
        chart(ChartKind::Ring, &[], &[]),
        chart(ChartKind::Ring, &["a", "b"], &[("none", &[None, None])]),
        chart(
            ChartKind::Ring,
            &["a", "b"],
            &[("zero", &[Some(0.0), Some(0.0)])],
        ),
        chart(ChartKind::Ring, &["a"], &[("all", &[Some(7.0)])]),
        chart(
            ChartKind::Ring,
            &["a", "b"],
            &[("half", &[Some(7.0), None])],
        ),
    ]);
}

#[test]
fn huge_and_extreme_inputs_do_not_panic() {
    let many: Vec<Option<f64>> = (0..10_000)
        .map(|i| Some(f64::from(i % 97) - 20.0))
        .collect();
    let many_categories: Vec<String> = (0..10_000).map(|i| format!("K{i}")).collect();
    let many_refs: Vec<&str> = many_categories.iter().map(String::as_str).collect();
    let long = "Sehr langer Kategoriename ohne Ende ".repeat(20);
    render_in_every_format(&[
        chart(ChartKind::Linie, &many_refs, &[("many", &many)]),
        chart(
            ChartKind::Balken,
            &many_refs,
            &[("many", &many), ("again", &many)],
        ),
        chart(
            ChartKind::Gestapelt,
            &many_refs,
            &[("many", &many), ("again", &many)],
        ),
        chart(
            ChartKind::Ring,
            &many_refs,
            &[(
                "many",
                &many.iter().map(|v| v.map(f64::abs)).collect::<Vec<_>>(),
            )],
        ),
        chart(
            ChartKind::Balken,
            &[long.as_str(), "\u{1}x<&>"],
            &[(long.as_str(), &[Some(1e15), Some(-1e15)])],
        ),
        chart(
            ChartKind::Ring,
            &[long.as_str(), "b"],
            &[("x", &[Some(1.0), Some(1e-9)])],
        ),
        chart(
            ChartKind::Linie,
            &["a", "b"],
            &[("huge", &[Some(f64::MAX), Some(-f64::MAX)])],
        ),
        chart(
            ChartKind::Gestapelt,
            &["a"],
            &[("x", &[Some(f64::MAX)]), ("y", &[Some(f64::MAX)])],
        ),
        chart(
            ChartKind::Linie,
            &["a", "b"],
            &[("tiny", &[Some(1e-300), Some(2e-300)])],
        ),
    ]);
}

#[test]
fn many_series_exceed_the_legend_and_cycle_through_styles() {
    let names: Vec<String> = (0..45).map(|i| format!("Reihe mit Namen {i}")).collect();
    let values = [Some(1.0), Some(2.0)];
    let series: Vec<(&str, &[Option<f64>])> =
        names.iter().map(|n| (n.as_str(), &values[..])).collect();
    for kind in [ChartKind::Linie, ChartKind::Balken, ChartKind::Gestapelt] {
        let svg = render_svg(&chart(kind, &["a", "b"], &series)).unwrap();
        let all = texts(&check_document(&svg)).join("\n");
        assert!(all.contains("weitere"), "{all}");
    }
}

#[test]
fn invalid_values_are_errors() {
    let nan = chart(ChartKind::Linie, &["a"], &[("x", &[Some(f64::NAN)])]);
    let message = render_svg(&nan).unwrap_err().to_string();
    assert!(message.starts_with("Abbildung „test“"), "{message}");
    let infinite = chart(ChartKind::Balken, &["a"], &[("x", &[Some(f64::INFINITY)])]);
    assert!(render_svg(&infinite).is_err());
    let negative = chart(
        ChartKind::Ring,
        &["a", "b"],
        &[("x", &[Some(-1.0), Some(2.0)])],
    );
    let message = render_svg(&negative).unwrap_err().to_string();
    assert!(message.contains("−1"), "{message}");
}

#[test]
fn pending_values_show_a_note() {
    let pending = chart(ChartKind::Balken, &["a", "b"], &[("x", &[None, None])]);
    let all = texts(&check_document(&render_svg(&pending).unwrap())).join("\n");
    assert!(all.contains(format::PENDING), "{all}");
}

#[test]
fn palette_contrast_meets_wcag() {
    for colour in PALETTE {
        let ratio = contrast(colour, PAPER);
        // 3:1 for graphics (1.4.11); the palette also sets text, so 4.5:1 (1.4.3).
        assert!(ratio >= 4.5, "{colour:?}: {ratio:.2}");
    }
    assert!(contrast(TEXT, PAPER) >= 4.5);
    assert!(contrast(AXIS, PAPER) >= 3.0);
    // Adjacent series differ in colour, marker and hatch.
    for index in 0..40 {
        let (a, b) = (series_style(index), series_style(index + 1));
        assert_ne!(a.colour, b.colour);
        assert_ne!(a.marker, b.marker);
        assert_ne!(a.hatch, b.hatch);
    }
    // Series seven differs from series one.
    assert_ne!(series_style(0).marker, series_style(6).marker);
}

#[test]
fn ring_segments_stay_distinguishable_beyond_six() {
    for count in 2..40 {
        let styles: Vec<(Rgb, Hatch)> = (0..count)
            .map(|index| {
                let style = ring_style(index, count);
                (style.colour, style.hatch)
            })
            .collect();
        for index in 0..count {
            let next = (index + 1) % count;
            assert_ne!(styles[index].0, styles[next].0, "{count}: {index}");
        }
        if count <= 18 {
            for (index, style) in styles.iter().enumerate() {
                assert!(!styles[..index].contains(style), "{count}: {index} repeats");
            }
        }
    }
}

#[test]
fn font_sizes_are_clean_numbers() {
    let svg = render_svg(&sample(ChartKind::Balken)).unwrap();
    let document = check_document(&svg);
    for node in document.descendants().filter(|n| n.has_tag_name("text")) {
        let size = node.attribute("font-size").unwrap_or_default();
        assert!(size == "11" || size == "12", "font-size {size}");
    }
}

/// A chart declared in YAML and resolved against YAML data, as authors write them.
fn declared(decl: &str, data: &str) -> Chart {
    let decl: crate::model::ChartDecl = serde_saphyr::from_str(decl).expect("declaration");
    let data: serde_json::Value = serde_saphyr::from_str(data).expect("data");
    crate::data::resolve_chart("test", &decl, &data, &[]).expect("resolves")
}

const SECTORS: &str = "branchen:\n  gesundheit: 312\n  verwaltung: -45\n  handel: 128\n  bau: -130\n  verarbeitendes: 420\n  erziehung: 0\n";
const SECTOR_NAMES: &str = "  gesundheit: \"Gesundheits- und Sozialwesen\"\n  verwaltung: \"Öffentliche Verwaltung, Verteidigung, Sozialversicherung\"\n  handel: \"Handel; Instandhaltung und Reparatur von Kraftfahrzeugen\"\n  bau: Baugewerbe\n  verarbeitendes: \"Verarbeitendes Gewerbe (Metall-Elektroindustrie)\"\n  erziehung: \"Erziehung und Unterricht\"\n";

fn sectors(extra: &str) -> Chart {
    declared(
        &format!("art: balken\ntitel: Beschäftigung\ny_titel: Veränderung\nformat: ganz\n{extra}reihen:\n  - name: Veränderung\n    werte: branchen\nkategorien:\n{SECTOR_NAMES}"),
        SECTORS,
    )
}

/// Texts that are category labels, in drawing order, as one string each (lines joined).
fn category_order(svg: &str, names: &[&str]) -> Vec<usize> {
    let labels = labels(svg);
    let mut found: Vec<(f64, usize)> = names
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let first = name.split(' ').next().unwrap_or_default();
            let label = labels
                .iter()
                .find(|label| label.text.starts_with(first))
                .unwrap_or_else(|| panic!("{name} missing"));
            (label.center().1, index)
        })
        .collect();
    found.sort_by(|a, b| a.0.total_cmp(&b.0));
    found.into_iter().map(|(_, index)| index).collect()
}

#[test]
fn horizontal_bars_sorted_descending_with_negatives_left_of_zero() {
    let chart = sectors("ausrichtung: waagerecht\nsortierung: absteigend\n");
    assert_eq!(chart.orientation, Orientation::Waagerecht);
    let values: Vec<f64> = chart.series[0].values.iter().flatten().copied().collect();
    assert_eq!(values, vec![420.0, 312.0, 128.0, 0.0, -45.0, -130.0]);
    let svg = render_svg(&chart).unwrap();
    check_document(&svg);
    assert_inside(&svg);
    let names: Vec<&str> = chart.categories.iter().map(String::as_str).collect();
    assert_words(&svg, &names);
    assert_eq!(
        category_order(&svg, &names),
        vec![0, 1, 2, 3, 4, 5],
        "top to bottom as sorted"
    );
    // The zero line: the thick axis-coloured vertical line.
    let (_, shapes) = shapes(&svg);
    let zero = shapes
        .iter()
        .find_map(|shape| match shape {
            Shape::Line { points, stroke, .. }
                if *stroke == AXIS && points.len() == 2 && points[0].0 == points[1].0 =>
            {
                Some(points[0].0)
            }
            _ => None,
        })
        .expect("a vertical zero line");
    let labels = labels(&svg);
    let value = |text: &str| {
        labels
            .iter()
            .find(|l| l.text == text)
            .unwrap_or_else(|| panic!("{text}"))
            .clone()
    };
    assert!(value("420").x0 > zero, "positive labels right of zero");
    assert!(value("−130").x1 < zero, "negative labels left of zero");
    // Bars of negative values extend to the left of the zero line.
    let bars: Vec<(f64, f64)> = shapes
        .iter()
        .filter_map(|shape| match shape {
            Shape::Rect { x0, x1, fill, .. } if *fill == PALETTE[0] => Some((*x0, *x1)),
            _ => None,
        })
        .collect();
    assert!(
        bars.iter()
            .any(|(x0, x1)| *x1 <= zero + 0.5 && *x0 < zero - 10.0),
        "{bars:?}"
    );
    // The negative value's label sits beyond the bar's left end.
    let leftmost = bars.iter().map(|b| b.0).fold(f64::INFINITY, f64::min);
    assert!(value("−130").x1 <= leftmost, "label outside the bar end");
}

#[test]
fn ascending_sort_and_upright_bars_keep_every_word() {
    let chart = sectors("sortierung: aufsteigend\n");
    let values: Vec<f64> = chart.series[0].values.iter().flatten().copied().collect();
    assert_eq!(values, vec![-130.0, -45.0, 0.0, 128.0, 312.0, 420.0]);
    let svg = render_svg(&chart).unwrap();
    assert_inside(&svg);
    let names: Vec<&str> = chart.categories.iter().map(String::as_str).collect();
    assert_words(&svg, &names);
    // Upright: the categories run left to right in sorted order.
    let labels = labels(&svg);
    let xs: Vec<f64> = [
        "Baugewerbe",
        "Öffentliche",
        "Erziehung",
        "Handel;",
        "Gesundheits-",
        "Verarbeitendes",
    ]
    .iter()
    .map(|w| {
        labels
            .iter()
            .find(|l| l.text.starts_with(w))
            .unwrap_or_else(|| panic!("{w}"))
            .center()
            .0
    })
    .collect();
    assert!(xs.windows(2).all(|pair| pair[0] < pair[1]), "{xs:?}");
    // The negative value's label lies below the zero line.
    let zero_y = labels
        .iter()
        .find(|l| l.text == "0")
        .map(|l| l.center().1)
        .unwrap();
    let minus = labels.iter().find(|l| l.text == "−130").unwrap();
    assert!(minus.y0 > zero_y, "{minus:?} below zero at {zero_y}");
}

#[test]
fn long_labels_wrap_and_the_chart_grows_never_cut() {
    let long = "Förderung von Arbeitsverhältnissen nach § 16e SGB II (Eingliederung von Langzeitarbeitslosen)";
    let names = [
        long,
        "Sehr-lange-Zusammensetzung-ohne-Leerzeichen-Beschäftigungsförderung",
        "kurz",
    ];
    let values: &[Option<f64>] = &[Some(120.0), Some(80.0), Some(4.0)];
    for (kind, orientation) in [
        (ChartKind::Balken, Orientation::Senkrecht),
        (ChartKind::Balken, Orientation::Waagerecht),
        (ChartKind::Gestapelt, Orientation::Waagerecht),
        (ChartKind::Linie, Orientation::Senkrecht),
        (ChartKind::Ring, Orientation::Senkrecht),
    ] {
        let mut c = chart(kind, &names, &[(long, values)]);
        c.orientation = orientation;
        let svg = render_svg(&c).unwrap();
        assert_inside(&svg);
        assert_words(&svg, &names);
        let all = labels(&svg)
            .iter()
            .map(|l| l.text.clone())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            all.contains("§\u{a0}16e"),
            "{kind:?}: § bound to its number: {all}"
        );
        assert!(
            all.contains("SGB\u{a0}II"),
            "{kind:?}: SGB II together: {all}"
        );
        assert!(!all.lines().any(|line| line.ends_with('§')), "{all}");
    }
    // Many long legend entries wrap too.
    let series: Vec<(&str, &[Option<f64>])> =
        vec![(long, values), (names[1], values), ("drei", values)];
    let svg = render_svg(&chart(ChartKind::Balken, &names, &series)).unwrap();
    assert_inside(&svg);
    assert_words(&svg, &[long, names[1], "drei"]);
}

#[test]
fn two_hundred_categories_are_thinned_by_a_rule() {
    let names: Vec<String> = (0..200).map(|i| format!("Kategorie {i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let values: Vec<Option<f64>> = (0..200).map(|i| Some(f64::from(i % 17))).collect();
    for orientation in [Orientation::Senkrecht, Orientation::Waagerecht] {
        let mut c = chart(ChartKind::Balken, &refs, &[("Wert", &values)]);
        c.orientation = orientation;
        let svg = render_svg(&c).unwrap();
        assert_inside(&svg);
        let texts: Vec<String> = labels(&svg).into_iter().map(|l| l.text).collect();
        let shown: Vec<usize> = (0..200).filter(|i| texts.contains(&names[*i])).collect();
        assert!(
            shown.len() >= 10 && shown.len() < 200,
            "{orientation:?}: {}",
            shown.len()
        );
        assert_eq!(shown[0], 0, "the first category is labelled");
        let step = shown[1] - shown[0];
        assert!([2, 5, 10, 20].contains(&step), "a round step: {step}");
        assert!(
            shown.windows(2).all(|w| w[1] - w[0] == step),
            "every {step}th"
        );
        assert!(
            texts.iter().any(|t| t.contains("Daten zur Abbildung")),
            "the chart points to the table"
        );
    }
    // The data table keeps all of them.
    let table =
        crate::tables::chart_data_table(&chart(ChartKind::Balken, &refs, &[("Wert", &values)]));
    assert_eq!(table.rows.len(), 200);
}

/// The colour behind the middle of `label`: the last rectangle drawn before it that covers it;
/// fails when a white hatch line drawn after that rectangle crosses the label.
fn background(shapes: &[Shape], position: usize, label: &Label) -> Rgb {
    let (cx, cy) = label.center();
    let mut crossing = false;
    for shape in shapes[..position].iter().rev() {
        match shape {
            Shape::Rect {
                x0,
                y0,
                x1,
                y1,
                fill,
            } if *x0 <= cx && cx <= *x1 && *y0 <= cy && cy <= *y1 => {
                assert!(!crossing, "a hatch line crosses „{}“", label.text);
                return *fill;
            }
            Shape::Line { points, stroke, .. } if *stroke == PAPER => {
                crossing |= points.windows(2).any(|w| {
                    let (a, b) = (w[0], w[1]);
                    a.0.min(b.0) <= label.x1
                        && a.0.max(b.0) >= label.x0
                        && a.1.min(b.1) <= label.y1
                        && a.1.max(b.1) >= label.y0
                });
            }
            _ => {}
        }
    }
    PAPER
}

#[test]
fn value_labels_reach_contrast_against_what_is_behind_them() {
    let categories = [
        "15 bis unter 25 Jahre",
        "25 bis unter 55 Jahre",
        "55 Jahre und älter",
    ];
    let series: Vec<(&str, &[Option<f64>])> = vec![
        ("marktnah", &[Some(33.0), Some(122.0), Some(18.0)]),
        ("nicht marktnah", &[Some(260.0), Some(2304.0), Some(1259.0)]),
        ("sonstige", &[Some(439.0), Some(821.0), Some(229.0)]),
    ];
    for orientation in [Orientation::Senkrecht, Orientation::Waagerecht] {
        let mut c = chart(ChartKind::Gestapelt, &categories, &series);
        c.orientation = orientation;
        let svg = render_svg(&c).unwrap();
        assert_inside(&svg);
        let (_, shapes) = shapes(&svg);
        for (position, shape) in shapes.iter().enumerate() {
            let Shape::Text(label) = shape else { continue };
            let behind = background(&shapes, position, label);
            let ratio = contrast(label.fill, behind);
            assert!(
                ratio >= 4.5,
                "{orientation:?}: „{}“ {ratio:.2}:1",
                label.text
            );
        }
        let texts: Vec<String> = labels(&svg).into_iter().map(|l| l.text).collect();
        // Every value is in the chart, or the chart says where it is.
        let all_values = [
            "33", "122", "18", "260", "2.304", "1.259", "439", "821", "229",
        ];
        let missing: Vec<&str> = all_values
            .iter()
            .copied()
            .filter(|v| !texts.iter().any(|t| t == v))
            .collect();
        if orientation == Orientation::Senkrecht {
            assert!(
                missing.is_empty(),
                "small parts are labelled beside the stack: {missing:?}"
            );
            // Leaders connect the outside labels to their parts.
            let leaders = shapes
                .iter()
                .filter(|s| matches!(s, Shape::Line { stroke, points, .. } if *stroke == AXIS && points.len() == 2 && points[0].0 != points[1].0))
                .count();
            assert!(leaders >= 3, "the small parts have leaders: {leaders}");
        } else if !missing.is_empty() {
            assert!(
                texts.iter().any(|t| t.contains("Daten zur Abbildung")),
                "{missing:?} without a note"
            );
        }
    }
    // Grouped bars write their values on paper.
    let svg = render_svg(&two_series(ChartKind::Balken)).unwrap();
    let (_, shapes) = shapes(&svg);
    for (position, shape) in shapes.iter().enumerate() {
        if let Shape::Text(label) = shape {
            assert!(contrast(label.fill, background(&shapes, position, label)) >= 4.5);
        }
    }
}

#[test]
fn several_lines_differ_in_colour_marker_and_dash() {
    let years = [
        "2012", "2013", "2014", "2015", "2016", "2017", "2018", "2019",
    ];
    let elb: Vec<Option<f64>> = [
        8560.0, 8204.0, 7871.0, 7490.0, 7105.0, 6618.0, 6012.0, 5485.0,
    ]
    .map(Some)
    .to_vec();
    let al: Vec<Option<f64>> = [
        3900.0, 3700.0, 3420.0, 3150.0, 2900.0, 2650.0, 2400.0, 2116.0,
    ]
    .map(Some)
    .to_vec();
    let svg = render_svg(&chart(
        ChartKind::Linie,
        &years,
        &[("ELB", &elb), ("Arbeitslose", &al)],
    ))
    .unwrap();
    assert_inside(&svg);
    assert_words(
        &svg,
        &["ELB", "Arbeitslose", "2012", "2019", "8.560", "2.116"],
    );
    let (_, shapes) = shapes(&svg);
    let lines: Vec<(Rgb, Option<String>)> = shapes
        .iter()
        .filter_map(|shape| match shape {
            Shape::Line {
                points,
                stroke,
                dash,
            } if points.len() == years.len() => Some((*stroke, dash.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(lines.len(), 2, "one polyline per series");
    assert_ne!(lines[0].0, lines[1].0);
    assert_ne!(lines[0].1, lines[1].1, "own dash pattern");
    assert_ne!(series_style(0).marker, series_style(1).marker);
    // The legend samples repeat each line's dash.
    assert!(shapes.iter().any(|s| matches!(s, Shape::Line { points, dash, .. } if points.len() == 2 && *dash == lines[1].1)));
}

#[test]
fn a_list_of_records_feeds_a_ring() {
    let chart = declared(
        "art: ring\ntitel: Budget\nformat: euro\nreihen:\n  - name: Budget 2020\n    werte: instrumente.liste\n    feld: betrag\n    kategorie: name\n",
        "instrumente:\n  liste:\n    - name: Berufliche Weiterbildung\n      betrag: 1200000\n    - name: Förderung nach § 16i SGB II\n      betrag: 800000\n    - name: Sonstige\n      betrag: 150000\n",
    );
    assert_eq!(
        chart.categories,
        vec![
            "Berufliche Weiterbildung",
            // Category names get the no-break spaces of every text (markdown::protect_spaces).
            "Förderung nach §\u{a0}16i SGB\u{a0}II",
            "Sonstige"
        ]
    );
    assert_eq!(
        chart.series[0].values,
        vec![Some(1_200_000.0), Some(800_000.0), Some(150_000.0)]
    );
    let svg = render_svg(&chart).unwrap();
    assert_inside(&svg);
    assert_words(
        &svg,
        &[
            "Berufliche Weiterbildung",
            "Förderung nach § 16i SGB II",
            "Sonstige",
        ],
    );
    // A missing field names the record.
    let decl: crate::model::ChartDecl = serde_saphyr::from_str("art: ring\ntitel: B\nreihen:\n  - name: B\n    werte: l\n    feld: betrag\n    kategorie: name\n").unwrap();
    let data: serde_json::Value =
        serde_saphyr::from_str("l:\n  - name: A\n    summe: 3\n").unwrap();
    let message = crate::data::resolve_chart("b", &decl, &data, &[])
        .unwrap_err()
        .to_string();
    assert!(message.contains("l.0.betrag"), "{message}");
}

#[test]
fn a_ring_with_two_series_is_refused_by_name() {
    let message = render_svg(&two_series(ChartKind::Ring))
        .unwrap_err()
        .to_string();
    assert!(message.starts_with("Abbildung „test“"), "{message}");
    assert!(message.contains("genau eine Reihe"), "{message}");
    assert!(message.contains("„Arbeitslose“"), "{message}");
}

#[test]
fn ring_labels_stay_inside_the_canvas() {
    let names = [
        "Förderung 2. Arbeitsmarkt (§§ 16d, 16e, 16i SGB II)",
        "Aktivierung und berufliche Eingliederung",
        "Berufliche Weiterbildung",
        "Teilhabe behinderter Menschen (Reha)",
        "Eingliederungsleistungen-für-Selbstständige-und-Existenzgründungsförderung",
    ];
    let values: &[Option<f64>] = &[Some(30.0), Some(25.0), Some(20.0), Some(15.0), Some(10.0)];
    let svg = render_svg(&chart(ChartKind::Ring, &names, &[("Budget", values)])).unwrap();
    assert_inside(&svg);
    assert_words(&svg, &names);
}

#[test]
fn horizontal_is_refused_for_lines() {
    let decl: crate::model::ChartDecl = serde_saphyr::from_str(
        "art: linie\ntitel: L\nausrichtung: waagerecht\nreihen:\n  - name: A\n    werte: a\n",
    )
    .unwrap();
    let data: serde_json::Value = serde_saphyr::from_str("a: [1, 2]\n").unwrap();
    let message = crate::data::resolve_chart("l", &decl, &data, &[])
        .unwrap_err()
        .to_string();
    assert!(message.contains("ausrichtung"), "{message}");
}
