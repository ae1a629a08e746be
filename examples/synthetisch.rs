//! Writes synthetic amip projects for the benchmarks (see README, "Leistung und Benchmarks").
//!
//! ```sh
//! cargo run --release --example synthetisch -- ZIELORDNER 50
//! cargo run --release --example synthetisch -- --pathologisch ZIELORDNER
//! ```
//!
//! The first form writes one programme FACTOR times the size of the example: 8 chapters,
//! 3 charts, 3 tables and about 5,000 words of prose per factor (50 → 400 chapters,
//! 150 charts, 150 tables, about 250,000 words), with one data file per block of 8 chapters
//! and consistency checks. The prose is recombined from the example's own paragraphs, with
//! placeholders, filters and references as authors write them. The output is deterministic
//! and passes `amip check`.
//!
//! The second form writes three projects with pathological inputs below ZIELORDNER:
//! `kapitel-5mb` (one chapter of 5 MB), `diagramm-10000` (a line chart with 10,000 points)
//! and `tabelle-10000` (a table with 10,000 rows).

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark or example that cannot run stops with a message; no user input reaches it"
)]

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The example's chapters: the source of realistic German prose.
const EXAMPLE_CHAPTERS: &[&str] = &[
    include_str!("../content/00-vorwort.md"),
    include_str!("../content/01-grundsicherung.md"),
    include_str!("../content/02-angebot-und-nachfrage.md"),
    include_str!("../content/03-ziele.md"),
    include_str!("../content/04-ressourcen.md"),
    include_str!("../content/05-operative-schwerpunkte.md"),
    include_str!("../content/06-rechtmaessigkeit-und-qualitaet.md"),
    include_str!("../content/07-zusammenarbeit.md"),
    include_str!("../content/08-schlussbemerkungen.md"),
];

const TOPICS: &[&str] = &[
    "Grundsicherung für Arbeitsuchende",
    "Angebot und Nachfrage auf dem Arbeitsmarkt",
    "Ziele und Kennzahlen",
    "Ressourcen und Eingliederungsbudget",
    "Operative Schwerpunkte",
    "Rechtmäßigkeit und Qualität",
    "Zusammenarbeit mit Partnern",
    "Übergang Schule und Beruf",
    "Langzeitleistungsbezug verringern",
    "Fachkräfte sichern",
    "Menschen mit Fluchthintergrund",
    "Alleinerziehende",
    "Gesundheit und Teilhabe",
    "Digitalisierung der Beratung",
];

const SECTIONS: &[&str] = &[
    "Ausgangslage",
    "Entwicklung im Vorjahr",
    "Handlungsansätze",
    "Zusammenarbeit vor Ort",
    "Förderinstrumente",
    "Zielgruppen",
    "Qualität der Beratung",
    "Ausblick",
    "Angebote für Arbeitgeber",
    "Qualifizierung",
];

const REGIONS: &[&str] = &[
    "Nord", "Süd", "Ost", "West", "Mitte", "Elbe", "Elster", "Heide", "Aue", "Land",
];

/// A small deterministic generator (xorshift64*), so the same factor gives the same files.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Plain prose paragraphs of the example (no placeholders, headings or lists).
fn paragraphs() -> Vec<&'static str> {
    EXAMPLE_CHAPTERS
        .iter()
        .flat_map(|text| text.split("\n\n"))
        .map(str::trim)
        .filter(|p| {
            p.len() > 80
                && !p.contains('{')
                && !p.contains('\n')
                && !p.starts_with(['#', '-', '|', '>', '*'])
        })
        .collect()
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

fn write(root: &Path, rel: &str, text: &str) -> std::io::Result<()> {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, text)
}

fn programme(jobcenter: &str) -> String {
    format!(
        "jobcenter: {jobcenter}\nlandkreis: Landkreis Beispielland\ntitel: Arbeitsmarkt- und Integrationsprogramm\njahr: 2020\nort: Musterstadt\ndatum: 2019-12-09\nunterzeichnung:\n  name: Erika Mustermann\n  funktion: Geschäftsführerin\nstatus: final\nprozent: wort\n"
    )
}

/// Data of one block of 8 chapters: year series, forecast by age, budget, distribution,
/// local goals and the figures quoted in each chapter.
fn block_data(rng: &mut Rng, chapters: usize) -> String {
    let mut out = String::from(
        "# Synthetische Daten eines Bereichs (erzeugt von examples/synthetisch.rs)\n\njdw:\n",
    );
    let mut elb = rng.between(6000, 14000);
    for year in 2009..=2019 {
        writeln!(out, "  {year}: {elb}").ok();
        elb = elb * rng.between(88, 99) / 100;
    }
    forecast_data(rng, &mut out);
    budget_data(rng, &mut out);
    chapter_data(rng, chapters, &mut out);
    out
}

/// The forecast by age group and market distance.
fn forecast_data(rng: &mut Rng, out: &mut String) {
    out.push_str("prognose:\n");
    let groups = ["alter_15_25", "alter_25_55", "alter_55_plus"];
    let parts: Vec<[u64; 3]> = (0..3)
        .map(|_| {
            [
                rng.between(20, 500),
                rng.between(100, 3000),
                rng.between(20, 1500),
            ]
        })
        .collect();
    let mut total = [0u64; 3];
    for part in &parts {
        for (t, v) in total.iter_mut().zip(part) {
            *t += v;
        }
    }
    for (name, values) in ["gesamt", "marktnah", "nicht_marktnah", "sonstige"]
        .iter()
        .zip(std::iter::once(&total).chain(&parts))
    {
        writeln!(out, "  {name}:").ok();
        writeln!(out, "    gesamt: {}", values.iter().sum::<u64>()).ok();
        for (group, value) in groups.iter().zip(values) {
            writeln!(out, "    {group}: {value}").ok();
        }
    }
}

/// The budget of the previous and the planned year, and its distribution.
fn budget_data(rng: &mut Rng, out: &mut String) {
    out.push_str("budget:\n");
    let vk = [rng.between(5_000_000, 10_000_000), 0];
    let vk = [vk[0], vk[0] * rng.between(90, 105) / 100];
    let egl = [rng.between(4_000_000, 8_000_000), 0];
    let egl = [egl[0], egl[0] * rng.between(90, 105) / 100];
    for (name, values) in [
        ("verwaltungskosten", vk),
        ("eingliederungsleistungen", egl),
        ("gesamt", [vk[0] + egl[0], vk[1] + egl[1]]),
    ] {
        writeln!(
            out,
            "  {name}:\n    vorjahr: {}\n    planjahr: {}",
            values[0], values[1]
        )
        .ok();
    }
    out.push_str("verteilung:\n");
    for name in [
        "berufliche_weiterbildung",
        "eingliederungszuschuesse",
        "aktivierung",
        "zweiter_arbeitsmarkt",
        "ausbildung",
        "sonstige",
    ] {
        writeln!(out, "  {name}: {}", rng.between(200_000, 2_000_000)).ok();
    }
}

/// The local goals and the figures each chapter quotes.
fn chapter_data(rng: &mut Rng, chapters: usize, out: &mut String) {
    out.push_str("ziele:\n");
    for n in 1..=rng.between(3, 6) {
        writeln!(
            out,
            "  - ziel: \"Verbesserung der Integrationsarbeit, Handlungsfeld {n}\"\n    kennzahl: \"Anzahl erfolgreich besetzter Stellen bei kleinen und mittleren Unternehmen\"\n    zielwert: \"{}\"",
            rng.between(50, 900)
        )
        .ok();
    }
    out.push_str("kapitel:\n");
    for k in 0..chapters {
        let before = rng.between(500, 5000);
        writeln!(
            out,
            "  k{k}:\n    integrationen: {}\n    quote: {}.{}\n    veraenderung: -{}.{}\n    bestand_vorjahr: {before}\n    bestand: {}",
            rng.between(300, 3000),
            rng.between(15, 35),
            rng.below(10),
            rng.below(3),
            rng.below(10),
            before * rng.between(80, 110) / 100
        )
        .ok();
    }
}

/// One sentence with placeholders and filters, as authors write them.
fn data_sentence(rng: &mut Rng, block: &str, k: usize) -> String {
    let d = format!("{block}.kapitel.k{k}");
    match rng.below(5) {
        0 => format!(
            "Im Jahr {{{{ programm.jahr }}}} sollen mindestens {{{{ {d}.integrationen | zahl }}}} Integrationen gelingen; angestrebt ist eine Integrationsquote von {{{{ {d}.quote | prozent }}}}."
        ),
        1 => format!(
            "Der Bestand sank von {{{{ {d}.bestand_vorjahr | zahl }}}} im Jahr {{{{ vorjahr }}}} auf {{{{ {d}.bestand | zahl }}}} ({{{{ veraenderung_prozent(von={d}.bestand_vorjahr, auf={d}.bestand) | veraenderung(einheit=\"prozent\") }}}})."
        ),
        2 => format!(
            "Gegenüber dem Vorjahr veränderte sich die Quote um {{{{ {d}.veraenderung | veraenderung(einheit=\"prozentpunkte\") }}}}; das Budget des Bereichs beträgt {{{{ {block}.budget.gesamt.planjahr | euro }}}}, rund {{{{ {block}.budget.gesamt.planjahr | mio_euro }}}}."
        ),
        3 => format!(
            "Von den {{{{ {block}.prognose.gesamt.gesamt | zahl }}}} ELB gelten {{{{ anteil(teil={block}.prognose.marktnah.gesamt, ganzes={block}.prognose.gesamt.gesamt) | prozent }}}} als \"marktnah\"."
        ),
        _ => format!(
            "Stand dieser Angaben ist der {{{{ programm.datum | datum(lang=true) }}}}; im Jahresdurchschnitt {{{{ vorjahr }}}} zählte der Bereich {{{{ {block}.jdw[\"2019\"] | zahl }}}} erwerbsfähige Leistungsberechtigte."
        ),
    }
}

/// A bullet list made of the sentences of a paragraph.
fn bullet_list(paragraph: &str) -> String {
    let mut out = String::new();
    for sentence in paragraph
        .split(". ")
        .filter(|s| !s.trim().is_empty())
        .take(5)
    {
        let sentence = sentence.trim().trim_end_matches('.');
        writeln!(out, "- {sentence},").ok();
    }
    out
}

struct Placement {
    /// (kind keyword, id) placed in this chapter.
    items: Vec<(&'static str, String)>,
}

/// Writes the body of one chapter with about `target` words.
#[allow(clippy::too_many_arguments)]
fn chapter_body(
    rng: &mut Rng,
    pool: &[&str],
    title: &str,
    block: &str,
    k: usize,
    target: usize,
    placement: &Placement,
) -> String {
    let mut out = format!("# {title}\n\n{{% set vorjahr = programm.jahr - 1 %}}\n\n");
    let mut written = 0;
    let mut section = 0;
    let mut paragraph_in_section = 0;
    let mut placed = placement.items.iter();
    let mut pending_reference = true;
    while written < target {
        if paragraph_in_section == 0 {
            section += 1;
            let level = if section > 1 && rng.below(3) == 0 {
                "###"
            } else {
                "##"
            };
            let level = if section == 1 { "##" } else { level };
            writeln!(out, "{level} {} {section}\n", rng.pick(SECTIONS)).ok();
        }
        let paragraph = rng.pick(pool);
        match rng.below(8) {
            0 => {
                writeln!(out, "{}\n", bullet_list(paragraph)).ok();
            }
            1 => {
                // Emphasis on the first words.
                let mut parts = paragraph.splitn(4, ' ');
                let head: Vec<&str> = parts.by_ref().take(3).collect();
                let rest = parts.next().unwrap_or_default();
                writeln!(out, "**{}** {rest}\n", head.join(" ")).ok();
            }
            _ => {
                writeln!(out, "{paragraph}\n").ok();
            }
        }
        written += words(paragraph);
        if rng.below(2) == 0 {
            writeln!(out, "{}\n", data_sentence(rng, block, k)).ok();
            written += 20;
        }
        // Tables and charts: referenced in a sentence, then placed on their own line.
        if written > target / 3 || pending_reference {
            pending_reference = false;
            if let Some((kind, id)) = placed.next() {
                let noun = if *kind == "tabelle" {
                    "Tabelle"
                } else {
                    "Abbildung"
                };
                writeln!(
                    out,
                    "Die Zahlen zeigt {{{{ verweis({kind}=\"{id}\") }}}} ({noun} zum Bereich).\n\n{{{{ {kind}(id=\"{id}\") }}}}\n"
                )
                .ok();
            }
        }
        paragraph_in_section = (paragraph_in_section + 1) % (2 + rng.below(4));
    }
    for (kind, id) in placed {
        writeln!(out, "{{{{ {kind}(id=\"{id}\") }}}}\n").ok();
    }
    out
}

fn chart_decl(id: &str, kind: &str, block: &str, number: usize) -> String {
    match kind {
        "linie" => format!(
            "{id}:\n  art: linie\n  titel: \"Entwicklung der erwerbsfähigen Leistungsberechtigten 2009–2019 im Bereich {number}\"\n  quelle: \"Statistik der BA, eigene Darstellung\"\n  alt: \"Liniendiagramm mit der Zahl der erwerbsfähigen Leistungsberechtigten von 2009 bis 2019; die Linie fällt über den gesamten Zeitraum.\"\n  x_titel: Jahr\n  y_titel: Personen\n  format: ganz\n  reihen:\n    - {{ name: ELB, werte: {block}.jdw }}\n"
        ),
        "ring" => format!(
            "{id}:\n  art: ring\n  titel: \"Verteilung des Eingliederungsbudgets im Bereich {number}\"\n  quelle: \"Planung 2020, eigene Darstellung\"\n  alt: \"Ringdiagramm zur Aufteilung des Eingliederungsbudgets auf sechs Instrumente.\"\n  format: euro\n  reihen:\n    - {{ name: \"Eingliederungsbudget 2020\", werte: {block}.verteilung }}\n  kategorien:\n    berufliche_weiterbildung: \"Berufliche Weiterbildung\"\n    eingliederungszuschuesse: \"Eingliederungszuschüsse\"\n    aktivierung: \"Aktivierung und berufliche Eingliederung\"\n    zweiter_arbeitsmarkt: \"Förderung 2. Arbeitsmarkt\"\n    ausbildung: \"Förderung der Berufsausbildung\"\n    sonstige: \"Freie Förderung und Sonstige\"\n"
        ),
        art => format!(
            "{id}:\n  art: {art}\n  titel: \"ELB nach Altersgruppen und Integrationsprognose im Bereich {number}\"\n  quelle: \"SGB II-Cockpit, eigene Darstellung\"\n  alt: \"Balkendiagramm mit drei Altersgruppen, aufgeteilt nach Integrationsprognosen; die mittlere Altersgruppe ist die größte.\"\n  x_titel: Altersgruppe\n  y_titel: Personen\n  format: ganz\n  reihen:\n    - {{ name: marktnah, werte: {block}.prognose.marktnah }}\n    - {{ name: nicht marktnah, werte: {block}.prognose.nicht_marktnah }}\n    - {{ name: sonstige, werte: {block}.prognose.sonstige }}\n  kategorien:\n    alter_15_25: \"15 bis unter 25 Jahre\"\n    alter_25_55: \"25 bis unter 55 Jahre\"\n    alter_55_plus: \"55 Jahre und älter\"\n"
        ),
    }
}

fn table_decls(block: &str, number: usize, ids: &[String; 3]) -> String {
    let [prognose, budget, ziele] = ids;
    format!(
        "{prognose}:\n  titel: \"ELB nach Integrationsprognosen und Altersgruppen im Bereich {number}\"\n  quelle: \"SGB II-Cockpit\"\n  kopf: Integrationsprognose\n  zeilen:\n    - {{ titel: \"ELB gesamt\", daten: {block}.prognose.gesamt, summe: true }}\n    - {{ titel: 'Integrationsprognose \"marktnah\"', daten: {block}.prognose.marktnah }}\n    - {{ titel: 'Integrationsprognose \"nicht marktnah\"', daten: {block}.prognose.nicht_marktnah }}\n    - {{ titel: \"Sonstige\", daten: {block}.prognose.sonstige, ebene: 1 }}\n  spalten:\n    - {{ titel: \"Gesamt\", feld: gesamt, format: ganz }}\n    - {{ titel: \"Anteil (in %)\", anteil: {{ feld: gesamt, basis: {block}.prognose.gesamt.gesamt }}, format: dezimal1 }}\n    - {{ titel: \"15 bis unter 25 Jahre\", feld: alter_15_25, format: ganz }}\n    - {{ titel: \"25 bis unter 55 Jahre\", feld: alter_25_55, format: ganz }}\n    - {{ titel: \"55 Jahre und älter\", feld: alter_55_plus, format: ganz }}\n\n\
{budget}:\n  titel: \"Budget nach dem SGB II im Bereich {number}, in Euro\"\n  quelle: \"Bundesagentur für Arbeit\"\n  kopf: Haushaltsposition\n  zeilen:\n    - {{ titel: \"Verwaltungskosten (VK)\", daten: {block}.budget.verwaltungskosten }}\n    - {{ titel: \"Eingliederungsleistungen (EGL)\", daten: {block}.budget.eingliederungsleistungen }}\n    - {{ titel: \"Gesamtbudget\", daten: {block}.budget.gesamt, summe: true }}\n  spalten:\n    - {{ titel: \"Zuteilung 2019\", feld: vorjahr, format: ganz }}\n    - {{ titel: \"Schätzwerte 2020\", feld: planjahr, format: ganz }}\n    - {{ titel: \"Delta absolut\", differenz: {{ von: vorjahr, zu: planjahr }}, format: ganz }}\n    - {{ titel: \"Delta in %\", veraenderung: {{ von: vorjahr, zu: planjahr }}, format: dezimal1 }}\n\n\
{ziele}:\n  titel: \"Lokale Ziele im Bereich {number}\"\n  quelle: \"Jobcenter\"\n  zeilen: {block}.ziele\n  spalten:\n    - {{ titel: \"Lokales Ziel\", feld: ziel, format: text }}\n    - {{ titel: \"Kennzahl\", feld: kennzahl, format: text }}\n    - {{ titel: \"Zielwert 2020\", feld: zielwert, format: text }}\n\n"
    )
}

/// Which of a block's 8 chapters hold which of its tables and charts.
fn block_placements(chart_ids: &[(String, &str); 3], table_ids: &[String; 3]) -> Vec<Placement> {
    let [(elb, _), (forecast, _), (distribution, _)] = chart_ids;
    let [forecast_table, budget, goals] = table_ids;
    let mut placements: Vec<Placement> = (0..8).map(|_| Placement { items: Vec::new() }).collect();
    let mut place = |chapter: usize, kind: &'static str, id: &String| {
        if let Some(placement) = placements.get_mut(chapter) {
            placement.items.push((kind, id.clone()));
        }
    };
    place(1, "abbildung", elb);
    place(2, "tabelle", forecast_table);
    place(2, "abbildung", forecast);
    place(3, "tabelle", goals);
    place(4, "tabelle", budget);
    place(4, "abbildung", distribution);
    placements
}

/// The 8 chapters of one block of a scaled programme.
struct BlockChapters<'a> {
    block: &'a str,
    /// Index of the block's first chapter in the programme.
    first: usize,
    /// The block's number (1-based).
    number: usize,
    /// Digits of the chapter files' number prefix.
    width: usize,
}

impl BlockChapters<'_> {
    /// Writes the chapters; returns how many words they have.
    fn write(
        &self,
        root: &Path,
        rng: &mut Rng,
        pool: &[&str],
        placements: &[Placement],
    ) -> std::io::Result<usize> {
        let mut total_words = 0;
        for (k, placement) in placements.iter().enumerate() {
            let index = self.first + k;
            let vorwort = index == 0;
            let title = if vorwort {
                "Vorwort".to_string()
            } else {
                format!(
                    "{} – Region {} {}",
                    rng.pick(TOPICS),
                    rng.pick(REGIONS),
                    self.number
                )
            };
            let target = 150 + rng.below(701);
            let body = chapter_body(rng, pool, &title, self.block, k, target, placement);
            total_words += words(&body);
            let front = if vorwort {
                "---\nnummeriert: false\n---\n\n"
            } else {
                ""
            };
            let slug: String = amip::model::slugify(&title).chars().take(40).collect();
            let slug = slug.trim_end_matches('-');
            let width = self.width;
            write(
                root,
                &format!("content/{index:0width$}-{slug}.md"),
                &format!("{front}{body}"),
            )?;
        }
        Ok(total_words)
    }
}

/// Writes a programme `factor` times the size of the example.
fn scaled(root: &Path, factor: usize) -> std::io::Result<()> {
    let pool = paragraphs();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ factor as u64);
    write(
        root,
        "data/programm.yaml",
        &programme("Jobcenter Synthetisch"),
    )?;
    let chapters = 8 * factor;
    let mut charts = String::from("# Synthetische Abbildungen\n\n");
    let mut tables = String::from("# Synthetische Tabellen\n\n");
    let mut checks = String::from("# Synthetische Rechenproben\n\n");
    let mut total_words = 0;
    for b in 0..factor {
        let number = b + 1;
        let block = format!("bereich_{number:03}");
        write(
            root,
            &format!("data/{block}.yaml"),
            &block_data(&mut rng, 8),
        )?;
        let chart_kind = if b % 2 == 0 { "gestapelt" } else { "balken" };
        let chart_ids = [
            (format!("elb_{number:03}"), "linie"),
            (format!("prognose_{number:03}"), chart_kind),
            (format!("verteilung_{number:03}"), "ring"),
        ];
        for (id, kind) in &chart_ids {
            charts.push_str(&chart_decl(id, kind, &block, number));
            charts.push('\n');
        }
        let table_ids = [
            format!("prognosetabelle_{number:03}"),
            format!("budget_{number:03}"),
            format!("ziele_{number:03}"),
        ];
        tables.push_str(&table_decls(&block, number, &table_ids));
        writeln!(
            checks,
            "- summe: {block}.budget.gesamt\n  teile: [{block}.budget.verwaltungskosten, {block}.budget.eingliederungsleistungen]\n- summe: {block}.prognose.gesamt\n  teile: [{block}.prognose.marktnah, {block}.prognose.nicht_marktnah, {block}.prognose.sonstige]\n- zeilen: [{block}.prognose.gesamt, {block}.prognose.marktnah]\n  feld: gesamt\n  felder: [alter_15_25, alter_25_55, alter_55_plus]"
        )
        .ok();
        let placements = block_placements(&chart_ids, &table_ids);
        let block_chapters = BlockChapters {
            block: &block,
            first: b * 8,
            number,
            width: chapters.to_string().len().max(2),
        };
        total_words += block_chapters.write(root, &mut rng, &pool, &placements)?;
    }
    write(root, "data/abbildungen.yaml", &charts)?;
    write(root, "data/tabellen.yaml", &tables)?;
    write(root, "data/pruefungen.yaml", &checks)?;
    println!(
        "{}: {chapters} Kapitel, {} Abbildungen, {} Tabellen, etwa {total_words} Wörter",
        root.display(),
        3 * factor,
        3 * factor
    );
    Ok(())
}

/// Writes the three projects with pathological inputs.
fn pathological(root: &Path) -> std::io::Result<()> {
    let pool = paragraphs();
    let mut rng = Rng(0x51_7C_C1_B7_27_22_0A_95);

    // One chapter of 5 MB: prose, sections with the same subsection titles again and again,
    // lists and placeholders.
    let dir = root.join("kapitel-5mb");
    write(&dir, "data/programm.yaml", &programme("Jobcenter Langtext"))?;
    write(
        &dir,
        "data/werte.yaml",
        "integrationen: 1141\nquote: 23.4\n",
    )?;
    let mut body = String::from("# Ein sehr langes Kapitel\n\n");
    let mut section = 0;
    while body.len() < 5 * 1024 * 1024 {
        section += 1;
        writeln!(body, "## Abschnitt {section}\n").ok();
        for n in 0..12 {
            if n % 3 == 0 {
                let title = ["Ausgangslage", "Ziele", "Maßnahmen", "Ergebnisse"][n / 3];
                writeln!(body, "### {title}\n").ok();
            }
            let paragraph = rng.pick(&pool);
            if n % 5 == 4 {
                writeln!(body, "{}\n", bullet_list(paragraph)).ok();
            } else {
                writeln!(body, "{paragraph}\n").ok();
            }
        }
        writeln!(
            body,
            "Angestrebt sind {{{{ werte.integrationen | zahl }}}} Integrationen und eine Quote von {{{{ werte.quote | prozent }}}}.\n"
        )
        .ok();
    }
    write(&dir, "content/01-langes-kapitel.md", &body)?;
    println!("{}: ein Kapitel mit {} Bytes", dir.display(), body.len());

    // A line chart with 10,000 points.
    let dir = root.join("diagramm-10000");
    write(&dir, "data/programm.yaml", &programme("Jobcenter Diagramm"))?;
    let mut values = String::from("# 10.000 Tageswerte\nwerte:\n");
    let mut value = 5000i64;
    for _ in 0..10_000 {
        value = (value + rng.between(0, 200) as i64 - 100).max(0);
        writeln!(values, "  - {value}").ok();
    }
    write(&dir, "data/reihe.yaml", &values)?;
    write(
        &dir,
        "data/abbildungen.yaml",
        "tageswerte:\n  art: linie\n  titel: \"Bestand an erwerbsfähigen Leistungsberechtigten, 10.000 Tageswerte\"\n  quelle: \"Synthetische Daten\"\n  alt: \"Liniendiagramm mit 10.000 Tageswerten, die um einen mittleren Wert schwanken.\"\n  x_titel: Tag\n  y_titel: Personen\n  format: ganz\n  reihen:\n    - { name: Bestand, werte: reihe.werte }\n",
    )?;
    write(
        &dir,
        "content/01-diagramm.md",
        "# Ein Diagramm mit 10.000 Punkten\n\nDen Verlauf zeigt {{ verweis(abbildung=\"tageswerte\") }}.\n\n{{ abbildung(id=\"tageswerte\") }}\n",
    )?;
    println!("{}: ein Liniendiagramm mit 10.000 Punkten", dir.display());

    // A table with 10,000 rows.
    let dir = root.join("tabelle-10000");
    write(&dir, "data/programm.yaml", &programme("Jobcenter Tabelle"))?;
    let mut rows = String::from("# 10.000 Zeilen\neintraege:\n");
    for n in 1..=10_000 {
        let before = rng.between(100, 100_000);
        writeln!(
            rows,
            "  - {{ name: \"Maßnahme {n}\", vorjahr: {before}, planjahr: {} }}",
            before * rng.between(80, 120) / 100
        )
        .ok();
    }
    write(&dir, "data/massnahmen.yaml", &rows)?;
    write(
        &dir,
        "data/tabellen.yaml",
        "massnahmen:\n  titel: \"Ausgaben je Maßnahme 2019 und 2020, in Euro\"\n  quelle: \"Synthetische Daten\"\n  zeilen: massnahmen.eintraege\n  spalten:\n    - { titel: \"Maßnahme\", feld: name, format: text }\n    - { titel: \"2019\", feld: vorjahr, format: ganz }\n    - { titel: \"2020\", feld: planjahr, format: ganz }\n    - { titel: \"Delta absolut\", differenz: { von: vorjahr, zu: planjahr }, format: ganz }\n    - { titel: \"Delta in %\", veraenderung: { von: vorjahr, zu: planjahr }, format: dezimal1 }\n",
    )?;
    write(
        &dir,
        "content/01-tabelle.md",
        "# Eine Tabelle mit 10.000 Zeilen\n\nDie Ausgaben zeigt {{ verweis(tabelle=\"massnahmen\") }}.\n\n{{ tabelle(id=\"massnahmen\") }}\n",
    )?;
    println!("{}: eine Tabelle mit 10.000 Zeilen", dir.display());
    Ok(())
}

fn usage() -> ExitCode {
    eprintln!(
        "Aufruf:\n  cargo run --release --example synthetisch -- ZIELORDNER [FAKTOR]\n  cargo run --release --example synthetisch -- --pathologisch ZIELORDNER\n\nFAKTOR (Standard 50): Vielfaches des Beispiels (8 Kapitel, 3 Abbildungen, 3 Tabellen, etwa 5.000 Wörter je Faktor).\nZIELORDNER wird angelegt und darf noch nicht existieren oder muss leer sein."
    );
    ExitCode::FAILURE
}

fn prepare_target(path: &Path) -> Result<(), String> {
    if path.exists()
        && fs::read_dir(path)
            .map_err(|e| e.to_string())?
            .next()
            .is_some()
    {
        return Err(format!("{} ist nicht leer.", path.display()));
    }
    fs::create_dir_all(path).map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (pathological_mode, rest): (bool, Vec<&String>) = match args.first().map(String::as_str) {
        Some("--pathologisch") => (true, args.iter().skip(1).collect()),
        Some("-h" | "--help") | None => return usage(),
        _ => (false, args.iter().collect()),
    };
    let Some(target) = rest.first().map(PathBuf::from) else {
        return usage();
    };
    let factor = match rest.get(1).map(|f| f.parse::<usize>()) {
        None => 50,
        Some(Ok(f)) if f >= 1 && !pathological_mode => f,
        Some(_) => return usage(),
    };
    if let Err(message) = prepare_target(&target) {
        eprintln!("Fehler: {message}");
        return ExitCode::FAILURE;
    }
    let result = if pathological_mode {
        pathological(&target)
    } else {
        scaled(&target, factor)
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("Fehler beim Schreiben: {err}");
            ExitCode::FAILURE
        }
    }
}
