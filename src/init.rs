//! `amip init`: scaffolds a new project for another jobcenter.
//!
//! The scaffold is small but shows every feature once: an unnumbered Vorwort, a chart with
//! example values, a table with rows from a list and a pending value, a table with computed
//! columns, the formatting filters and references. The default templates are copied into
//! `templates/` so they can be adapted; they stay built into amip, so any of them may be
//! deleted again.

use std::path::Path;

use crate::render::DEFAULT_TEMPLATES;

/// What the new project is for.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The jobcenter's name, e.g. "Jobcenter Musterstadt".
    pub jobcenter: String,
    /// The programme year.
    pub year: i32,
}

/// Why the project cannot be created.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The year is implausible.
    #[error("Das Jahr {0} ist nicht plausibel (erwartet: 2000 bis 2999).")]
    Year(i32),
    /// The name is empty.
    #[error("Der Name des Jobcenters darf nicht leer sein.")]
    EmptyName,
    /// The target is refused (not empty, inside a project, a link) or cannot be written.
    #[error(transparent)]
    Door(#[from] crate::door::DoorError),
}

const PROGRAMME: &str = r#"# Grunddaten des Programms. Bitte anpassen:
# jobcenter – der Name Ihres Jobcenters, wie er auf Titelseite und Website stehen soll;
# jahr      – das Programmjahr; amip hängt es an den Titel an.
jobcenter: @JOBCENTER_YAML@
# landkreis: Landkreis Musterkreis      # optional, erscheint unter dem Titel
titel: Arbeitsmarkt- und Integrationsprogramm
jahr: @JAHR@
ort: Musterstadt                        # Ort der Unterzeichnung (optional)
datum: @VORJAHR@-12-01                   # Datum der Unterzeichnung, JJJJ-MM-TT (optional)
unterzeichnung:                         # wer unterschreibt (optional); der Block schließt das Vorwort
  name: Vorname Nachname
  funktion: Geschäftsführung
  # kapitel: 05-schluss                 # … oder dieses Kapitel (Dateiname ohne .md)
# logo:                                 # optional: auf der Titelseite und im Kopf der Website
#   datei: bilder/logo.svg              # relativ zu content/; PNG, JPEG oder SVG
#   alt: "Logo des Jobcenters Musterstadt"
status: draft                           # draft (Entwurf) oder final
prozent: zeichen                        # zeichen („23,4 %“) oder wort („23,4 Prozent“)
"#;

const ELB: &str = r#"# Erwerbsfähige Leistungsberechtigte (ELB), Jahresdurchschnittswerte.
# Achtung: erfundene Beispielwerte. "beispielwerte: true" kennzeichnet die ganze Datei;
# jede Tabelle und Abbildung mit diesen Werten erhält den Zusatz „(Beispielwerte)“.
# Ersetzen Sie die Werte durch die Statistik der BA und löschen Sie dann diese Zeile:
beispielwerte: true

# Ein Eintrag je Jahr; im Text: elb.jdw["@VORJAHR@"]
jdw:
  @J5@: 6240
  @J4@: 6015
  @J3@: 5870
  @J2@: 5590
  @J1@: 5302
  @VORJAHR@: 5108
"#;

const ZIELE: &str = r#"# Ziele des Jobcenters für @JAHR@.
# "~" (leer) oder "in_abstimmung" heißt: noch nicht abgestimmt. amip schreibt dann
# „derzeit in Abstimmung“, im Text wie in Tabellen.
integrationen: 850                      # angestrebte Integrationen (mindestens)
integrationsquote: ~                    # angestrebte Integrationsquote in Prozent

# Lokale Ziele – jede Zeile der Tabelle „lokale_ziele“ ist ein Eintrag dieser Liste.
lokal:
  - ziel: "Mehr Integrationen in kleine und mittlere Unternehmen"
    kennzahl: "Anzahl besetzter Stellen"
    zielwert: 250
  - ziel: "Junge Menschen in Ausbildung bringen"
    kennzahl: "Eintritte in Ausbildung (unter 25 Jahre)"
    zielwert: ~
"#;

const BUDGET: &str = r#"# Budget nach dem SGB II in Euro – erfundene Beispielwerte.
# vorjahr  = Zuteilung @VORJAHR@, planjahr = Schätzwerte @JAHR@.
# Veränderungen und Anteile berechnet amip (siehe data/tabellen.yaml).
beispielwerte: true
verwaltungskosten:
  vorjahr: 5000000
  planjahr: 5150000
eingliederungsleistungen:
  vorjahr: 4000000
  planjahr: 3880000
gesamt:
  vorjahr: 9000000
  planjahr: 9030000
"#;

const TABLES: &str = r#"# Tabellen des Programms. Im Text wird eine Tabelle mit {{ tabelle(id="…") }} eingefügt
# und mit {{ verweis(id="…") }} erwähnt.
# Spaltenformate: ganz (1.234), dezimal1 (1,2), dezimal2, prozent, euro, text.

budget:
  titel: "Budget @VORJAHR@ und @JAHR@ in Euro"
  quelle: "Bundesagentur für Arbeit"
  kopf: Haushaltsposition
  # Zeilen, die je auf eine Zuordnung in den Daten zeigen:
  zeilen:
    - { titel: "Verwaltungskosten", daten: budget.verwaltungskosten }
    - { titel: "Eingliederungsleistungen", daten: budget.eingliederungsleistungen }
    - { titel: "Gesamtbudget", daten: budget.gesamt, summe: true }
  spalten:
    - { titel: "Zuteilung @VORJAHR@", feld: vorjahr, format: ganz }
    - { titel: "Schätzwerte @JAHR@", feld: planjahr, format: ganz }
    # Berechnete Spalten: diese Zahlen stehen nicht in den Daten.
    - { titel: "Veränderung absolut", differenz: { von: vorjahr, zu: planjahr } }
    - { titel: "Veränderung in %", veraenderung: { von: vorjahr, zu: planjahr }, format: dezimal1 }
    - { titel: "Anteil @JAHR@ in %", anteil: { feld: planjahr, basis: budget.gesamt.planjahr } }

lokale_ziele:
  titel: "Lokale Ziele @JAHR@"
  quelle: @JOBCENTER_YAML@
  # Zeilen aus einer Liste in den Daten; jede Spalte nennt ein Feld der Einträge.
  zeilen: ziele.lokal
  spalten:
    - { titel: "Ziel", feld: ziel, format: text }
    - { titel: "Kennzahl", feld: kennzahl, format: text }
    - { titel: "Zielwert @JAHR@", feld: zielwert }
"#;

const CHARTS: &str = r#"# Abbildungen (Diagramme) des Programms. Im Text wird eine Abbildung mit
# {{ abbildung(id="…") }} eingefügt und mit {{ verweis(id="…") }} erwähnt.
# art: linie | balken | gestapelt | ring; format: ganz | dezimal1 | prozent | euro
# alt: Pflicht – beschreibt für Menschen, die die Grafik nicht sehen, was sie zeigt.

elb:
  art: linie
  titel: "Erwerbsfähige Leistungsberechtigte @J5@–@VORJAHR@ (Jahresdurchschnitt)"
  quelle: "Statistik der Bundesagentur für Arbeit, eigene Darstellung"
  alt: "Liniendiagramm der jahresdurchschnittlichen Zahl der erwerbsfähigen Leistungsberechtigten von @J5@ bis @VORJAHR@. Die Linie fällt von Jahr zu Jahr."
  x_titel: Jahr
  y_titel: Personen
  format: ganz
  reihen:
    - { name: ELB, werte: elb.jdw }
"#;

const VORWORT: &str = r#"---
nummeriert: false
---
# Vorwort

Mit diesem Arbeitsmarkt- und Integrationsprogramm legt das {{ programm.jobcenter }} dar, wie es im Jahr {{ programm.jahr }} Menschen in Arbeit und Ausbildung bringen will.

Dieses Projekt hat `amip init` angelegt. Jedes Kapitel zeigt eine Möglichkeit von amip: Zahlen aus den Daten im Text, eine Abbildung, Tabellen mit berechneten Spalten und Werte, die noch in Abstimmung sind. Ersetzen Sie Texte und Zahlen durch Ihre eigenen.
"#;

const AUSGANGSLAGE: &str = r#"# Ausgangslage

## Erwerbsfähige Leistungsberechtigte

Im Jahresdurchschnitt {{ programm.jahr - 1 }} betreute das Jobcenter {{ elb.jdw["@VORJAHR@"] | zahl }} erwerbsfähige Leistungsberechtigte. Seit @J5@ hat sich ihre Zahl um {{ veraenderung_prozent(von=elb.jdw["@J5@"], auf=elb.jdw["@VORJAHR@"]) | veraenderung(einheit="prozent") }} verändert, wie {{ verweis(id="elb") }} zeigt.

{{ abbildung(id="elb") }}
"#;

const ZIELE_KAPITEL: &str = r#"# Ziele

## Geschäftspolitische Ziele

Das Jobcenter strebt {{ programm.jahr }} mindestens {{ ziele.integrationen | zahl }} Integrationen an. Die angestrebte Integrationsquote beträgt {{ ziele.integrationsquote | prozent }}.

## Lokale Ziele

{{ verweis(id="lokale_ziele") }} nennt die lokalen Ziele. Zielwerte, die noch nicht abgestimmt sind, stehen in den Daten als `~`.

{{ tabelle(id="lokale_ziele") }}
"#;

const RESSOURCEN: &str = r#"# Ressourcen

Das Gesamtbudget verändert sich von {{ budget.gesamt.vorjahr | euro }} im Jahr {{ programm.jahr - 1 }} auf {{ budget.gesamt.planjahr | euro }} im Jahr {{ programm.jahr }} ({{ (budget.gesamt.planjahr - budget.gesamt.vorjahr) | veraenderung }} EUR beziehungsweise {{ veraenderung_prozent(von=budget.gesamt.vorjahr, auf=budget.gesamt.planjahr) | veraenderung(einheit="prozent") }}). Einzelheiten zeigt {{ verweis(id="budget") }}; Veränderungen und Anteile berechnet amip selbst.

{{ tabelle(id="budget") }}

Für Eingliederungsleistungen stehen {{ programm.jahr }} voraussichtlich {{ budget.eingliederungsleistungen.planjahr | mio_euro }} zur Verfügung.
"#;

const GITIGNORE: &str = "output/\n.amip-tmp/\n";

/// A YAML double-quoted string.
fn yaml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn fill(template: &str, options: &InitOptions) -> String {
    let year = options.year;
    let mut text = template
        .replace("@JOBCENTER_YAML@", &yaml_string(&options.jobcenter))
        .replace("@JAHR@", &year.to_string())
        .replace("@VORJAHR@", &(year - 1).to_string());
    for back in 1..=5 {
        text = text.replace(&format!("@J{back}@"), &(year - 1 - back).to_string());
    }
    text
}

/// The files of a new project: path relative to the project → content.
pub fn files(options: &InitOptions) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = [
        ("data/programm.yaml", PROGRAMME),
        ("data/elb.yaml", ELB),
        ("data/ziele.yaml", ZIELE),
        ("data/budget.yaml", BUDGET),
        ("data/tabellen.yaml", TABLES),
        ("data/abbildungen.yaml", CHARTS),
        ("content/00-vorwort.md", VORWORT),
        ("content/01-ausgangslage.md", AUSGANGSLAGE),
        ("content/02-ziele.md", ZIELE_KAPITEL),
        ("content/03-ressourcen.md", RESSOURCEN),
        (".gitignore", GITIGNORE),
    ]
    .iter()
    .map(|(path, text)| (path.to_string(), fill(text, options)))
    .collect();
    for (name, text) in DEFAULT_TEMPLATES {
        files.push((format!("templates/{name}"), text.to_string()));
    }
    files
}

/// Creates the project in `dir` (new or empty) and returns the files written.
pub fn scaffold(dir: &Path, options: &InitOptions) -> Result<Vec<String>, InitError> {
    if options.jobcenter.trim().is_empty() {
        return Err(InitError::EmptyName);
    }
    if !(crate::load::YEAR_MIN..=crate::load::YEAR_MAX).contains(&options.year) {
        return Err(InitError::Year(options.year));
    }
    let writer = crate::door::write::Writer::create_target(dir)?;
    let mut written = Vec::new();
    for (rel, text) in files(options) {
        writer.replace(&rel, text.as_bytes())?;
        written.push(rel);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled() {
        let options = InitOptions {
            jobcenter: "Jobcenter \"Nord\"".into(),
            year: 2030,
        };
        for (path, text) in files(&options) {
            assert!(
                !text.contains('@') || path.starts_with("templates/"),
                "{path}: {text}"
            );
        }
        let programme = fill(PROGRAMME, &options);
        assert!(programme.contains("jobcenter: \"Jobcenter \\\"Nord\\\"\""));
        assert!(programme.contains("jahr: 2030"));
        assert!(fill(ELB, &options).contains("  2024: 6240"));
    }

    #[test]
    fn refuses_a_folder_with_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x"), "x").unwrap();
        let options = InitOptions {
            jobcenter: "Jobcenter X".into(),
            year: 2030,
        };
        let err = scaffold(dir.path(), &options).unwrap_err().to_string();
        assert!(err.contains("ist nicht leer"), "{err}");
        assert_eq!(std::fs::read(dir.path().join("x")).unwrap(), b"x");
    }
}
