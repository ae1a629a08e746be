//! Unit tests of the filters, functions and messages of expansion.

use super::messages::{match_pattern, translate};
use super::*;
use tera::State;

fn render(
    style: PercentStyle,
    template: &str,
    data: serde_json::Value,
) -> Result<String, TeraError> {
    let mut tera = Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    register_format_filters(&mut tera, style);
    tera.add_raw_template("t.md", template)?;
    tera.render("t.md", &Context::from_serialize(&data)?)
}

#[test]
fn number_filters_format_german() {
    let data = serde_json::json!({"n": 1141, "q": 23.4, "e": 7053067, "v": 8581009, "d": -488858, "p": -5.39, "pp": -1.0, "x": null});
    let out = render(
        PercentStyle::Word,
        "{{ n | zahl }}|{{ q | prozent }}|{{ q | prozent(wort=false) }}|{{ e | euro }}|{{ v | mio_euro }}|{{ d | veraenderung }}|{{ p | veraenderung(einheit=\"prozent\") }}|{{ pp | veraenderung(einheit=\"prozentpunkte\") }}|{{ x | zahl }}",
        data,
    )
    .unwrap();
    assert_eq!(
        out,
        "1.141|23,4\u{a0}Prozent|23,4\u{a0}%|7.053.067\u{a0}EUR|8,6\u{a0}Mio.\u{a0}EUR|−488.858|−5,4\u{a0}Prozent|−1,0\u{a0}Prozentpunkte|… (derzeit in Abstimmung)"
    );
}

#[test]
fn share_and_change_functions() {
    let data = serde_json::json!({"a": 173, "b": 5485, "v": 9069867, "w": 8581009, "x": null});
    let out = render(
        PercentStyle::Sign,
        "{{ anteil(teil=a, ganzes=b) | zahl(stellen=1) }} {{ veraenderung_prozent(von=v, auf=w) | veraenderung(einheit=\"prozent\") }} {{ differenz(von=v, auf=w) | veraenderung }} {{ differenz(von=v, auf=x) | veraenderung }}",
        data,
    )
    .unwrap();
    assert_eq!(out, "3,2 −5,4\u{a0}% −488.858 … (derzeit in Abstimmung)");
}

#[test]
fn dates_short_and_long() {
    let data = serde_json::json!({"d": "2019-12-09"});
    let out = render(
        PercentStyle::Sign,
        "{{ d | datum }} / {{ d | datum(lang=true) }}",
        data,
    )
    .unwrap();
    assert_eq!(out, "09.12.2019 / 9. Dezember 2019");
}

#[test]
fn text_where_a_number_is_expected_is_an_error() {
    let data = serde_json::json!({"t": "viele"});
    assert!(render(PercentStyle::Sign, "{{ t | zahl }}", data).is_err());
}

#[test]
fn unclosed_tags_are_found() {
    assert_eq!(unclosed_tag("a {{ x }} b {% if y %}c{% endif %}"), None);
    assert_eq!(unclosed_tag("a {{ x }} b {{ y\n\nmore"), Some((12, "}}")));
    assert_eq!(unclosed_tag("{% if"), Some((0, "%}")));
    assert_eq!(unclosed_tag("{# note"), Some((0, "#}")));
    assert_eq!(unclosed_tag("Menge {a, b}"), None);
    assert_eq!(unclosed_tag("{{ a\n\n{{ b }}"), Some((0, "}}")));
}

fn render_calls(template: &str) -> Result<String, TeraError> {
    let mut tera = Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    let chapters: Vec<ChapterName> = ["04-ressourcen", "05-schwerpunkte"]
        .iter()
        .map(|name| (name.to_string(), name.to_string()))
        .collect();
    tera.register_function("verweis", move |kwargs: Kwargs, _: &State| {
        section_reference(&chapters, &kwargs).map(Option::unwrap_or_default)
    });
    tera.register_function("bild", |kwargs: Kwargs, _: &State| {
        image_placeholder(&kwargs)
    });
    tera.add_raw_template("t.md", template)?;
    tera.render("t.md", &Context::new())
}

#[test]
fn chapter_and_section_references_become_reference_links() {
    assert_eq!(
        render_calls("{{ verweis(kapitel=\"04-ressourcen\") }} {{ verweis(kapitel=\"content/05-schwerpunkte.md\") }} {{ verweis(abschnitt=\"#egl\") }}").unwrap(),
        "[](<amip:kapitel/04-ressourcen>) [](<amip:kapitel/05-schwerpunkte>) [](<amip:abschnitt/egl>)"
    );
    let err = render_calls("{{ verweis(kapitel=\"99-fehlt\") }}").unwrap_err();
    let text = format!("{err:?}");
    assert!(
        text.contains("ein Kapitel „99-fehlt“ gibt es nicht"),
        "{text}"
    );
    assert!(text.contains("04-ressourcen, 05-schwerpunkte"), "{text}");
    assert!(render_calls("{{ verweis(abschnitt=\"a>b\") }}").is_err());
}

#[test]
fn image_calls_become_placeholders_with_their_width() {
    let out = render_calls(
        "{{ bild(datei=\"bilder/x.png\", alt=\"Karte ```mit``` Zaun\", breite=\"40%\") }}",
    )
    .unwrap();
    assert_eq!(
        out,
        "\n\n```amip\nbild {\"datei\":\"bilder/x.png\",\"alt\":\"Karte \\u0060\\u0060\\u0060mit\\u0060\\u0060\\u0060 Zaun\",\"breite\":{\"Percent\":40.0}}\n```\n\n"
    );
    for (text, width) in [
        ("40%", ImageWidth::Percent(40.0)),
        (" 6,5 cm", ImageWidth::Cm(6.5)),
        ("60mm", ImageWidth::Mm(60.0)),
        ("300px", ImageWidth::Px(300.0)),
    ] {
        assert_eq!(ImageWidth::parse(text), Some(width), "{text}");
    }
    for bad in ["", "40", "140%", "-3cm", "3 Zoll", "NaN%"] {
        assert_eq!(ImageWidth::parse(bad), None, "{bad}");
    }
    let err = format!(
        "{:?}",
        render_calls("{{ bild(datei=\"x.png\", alt=\"a\", breite=\"breit\") }}").unwrap_err()
    );
    assert!(err.contains("ist keine Breite"), "{err}");
    assert!(render_calls("{{ bild(datei=\"x.png\") }}").is_err());
}

#[test]
fn tera_messages_are_translated_with_their_parts() {
    let (text, help) =
        translate("`+` requires both operands to be numbers, found `string` and `i64`");
    assert_eq!(
        text,
        "„+“ braucht auf beiden Seiten eine Zahl, hier stehen Text und eine Zahl."
    );
    assert!(help.is_some_and(|h| h.contains('~')));
    let (text, _) = translate(
        "Filter call 'abs' failed: This filter can only be used on a number, received `string`.",
    );
    assert_eq!(
        text,
        "Filter „abs“: Dieser Filter geht nur mit Zahlen, hier steht Text."
    );
    assert_eq!(
        match_pattern("Field `{}` is not defined", "Field `x` is not defined"),
        Some(vec!["x".to_string()])
    );
    assert_eq!(
        match_pattern("Field `{}` is not defined", "Field `x` is"),
        None
    );
}

#[test]
fn edits_map_offsets_back_to_the_chapter() {
    // "ab{{ x }}cd" → "ab…cd" (7 bytes replaced by 3), then a later edit.
    let edits = Edits(vec![(2, 7, 3), (6, 2, 5)]);
    assert_eq!(edits.original(0), 0);
    assert_eq!(edits.original(3), 2);
    assert_eq!(edits.original(5), 9);
    assert_eq!(edits.original(11), 12);
}

#[test]
fn template_paths_normalise_brackets() {
    let paths: Vec<String> = template_paths(
        "{{ elb.jdw[\"2019\"] | zahl }} {{ anteil(teil=a.b, ganzes=c) }} {{ \"text.x\" }}",
    )
    .into_iter()
    .map(|(_, p)| p)
    .collect();
    assert_eq!(paths, vec!["elb.jdw.2019", "zahl", "a.b", "c"]);
}

#[test]
fn division_by_zero_is_an_error_not_inf() {
    let data = serde_json::json!({"a": 1, "b": 0});
    assert!(render(
        PercentStyle::Sign,
        "{{ anteil(teil=a, ganzes=b) | zahl }}",
        data
    )
    .is_err());
}

#[test]
fn unclosed_tags_are_found_but_comments_and_strings_may_hold_braces() {
    assert_eq!(unclosed_tag("{# {{ x.wert }} auskommentiert #} Text"), None);
    assert_eq!(unclosed_tag("Klammern: {{ \"{{\" }} und {{ '}}' }}."), None);
    assert_eq!(unclosed_tag("a {{ x b {{ y }}"), Some((2, "}}")));
    assert_eq!(unclosed_tag("a {% if x %} b {% endif"), Some((15, "%}")));
    assert_eq!(unclosed_tag("a {# offen"), Some((2, "#}")));
    assert_eq!(unclosed_tag("{{ \"offen }}"), Some((0, "}}")));
}

#[test]
fn prints_inside_raw_stay_text() {
    let (wrapped, _) = super::render::wrap_prints(
        "{{ a }} {% raw %}{{ b }}{% endraw %} {%- raw -%}{{ c }}{%- endraw -%} {{ d.e }}",
    );
    assert_eq!(
        wrapped,
        "{{ a | __amip_ausgabe }} {% raw %}{{ b }}{% endraw %} {%- raw -%}{{ c }}{%- endraw -%} {{ d.e | __amip_ausgabe }}"
    );
}

#[test]
fn every_set_and_every_loop_step_is_guarded() {
    let body = "{% set s = a ~ b == c %}{%- set_global t -%}x{% endset %}{% set u | upper %}y{% endset %}{% for i in l -%} {{ i }}{% endfor %}{% for j in l %}{% endfor %}{% raw %}{% set v = 1 %}{% endraw %}{{ t }}{{ u }}";
    let (wrapped, edits) = super::render::wrap_prints(body);
    assert_eq!(
        wrapped,
        "{% set s = (a ~ b == c) | __amip_wert %}{%- set_global t | __amip_wert -%}x{% endset %}{% set u | upper | __amip_wert %}y{% endset %}{% for i in l -%}{{ __amip_schritt() -}} {{ i | __amip_ausgabe }}{% endfor %}{% for j in l %}{{ __amip_schritt() }}{% endfor %}{% raw %}{% set v = 1 %}{% endraw %}{{ t | __amip_ausgabe }}{{ u | __amip_ausgabe }}"
    );
    // Offsets after the guards map back to the chapter as written.
    let endraw = wrapped.find("{% endraw").unwrap();
    assert_eq!(edits.original(endraw), body.find("{% endraw").unwrap());
    let mut tera = Tera::new();
    crate::sandbox::escape_chapters_for_markdown(&mut tera);
    crate::sandbox::guard(&mut tera);
    super::render::register_print_filter(&mut tera);
    tera.add_raw_template("k.md", &wrapped).unwrap();
    let mut context = Context::new();
    context.insert("a", "A");
    context.insert("b", "B");
    context.insert("c", "C");
    context.insert("l", &[1, 2]);
    let text =
        crate::sandbox::render_bounded(&tera, crate::sandbox::Source::Template("k.md"), &context)
            .unwrap();
    assert_eq!(text, "12{% set v = 1 %}xY");
}

/// Every filter and function of chapters refuses an argument it does not know, by name and
/// with the ones it allows; the list comes from the registry, so a new one is tested too.
#[test]
fn every_filter_and_function_refuses_unknown_arguments() {
    let mut tera = Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    let mut registry = Registry::new(&mut tera);
    register_number_filters(
        &mut registry,
        PercentStyle::Sign,
        Arc::new(Traps::default()),
    );
    register_text_filters(&mut registry);
    register_arithmetic_functions(&mut registry);
    let ids = Arc::new(vec!["x".to_string()]);
    let names = Arc::new(ids.iter().map(|id| (id.clone(), id.clone())).collect());
    register_placing_functions(&mut registry, Arc::clone(&ids), Arc::clone(&ids), names);
    let registered = std::mem::take(&mut registry.registered);
    render::register_print_filter(&mut tera);
    assert!(registered.len() >= 14, "{registered:?}");
    for (name, is_filter) in registered {
        let template = if is_filter {
            format!("{{{{ 2.5 | {name}(stelen=1) }}}}")
        } else {
            format!("{{{{ {name}(stelen=1) }}}}")
        };
        tera.add_raw_template("t.md", &template).unwrap();
        let err = tera.render("t.md", &Context::new()).unwrap_err();
        let (text, _) = translate(&super::render::error_text(&err));
        assert!(
            text.contains("das Argument „stelen“ gibt es nicht"),
            "{name}: {text}"
        );
    }
}

#[test]
fn unknown_arguments_name_the_allowed_ones() {
    let data = serde_json::json!({"q": 23.5});
    for (template, allowed) in [
        (
            "{{ 2.5 | veraenderung(einhet=\"prozent\") }}",
            "„einhet“ gibt es nicht (erlaubt: einheit, stellen)",
        ),
        (
            "{{ q | zahl(stelen=1) }}",
            "„stelen“ gibt es nicht (erlaubt: stellen)",
        ),
        (
            "{{ q | prozent(stelen=2) }}",
            "„stelen“ gibt es nicht (erlaubt: stellen, wort)",
        ),
    ] {
        let err = render(PercentStyle::Sign, template, data.clone()).unwrap_err();
        let text = super::render::error_text(&err);
        assert!(text.contains(allowed), "{template}: {text}");
    }
}

/// `## Titel {#anker}` is a heading anchor, not an unclosed comment; `{# … #}` stays one, on a
/// heading line too, and a later comment does not swallow the text after the anchor.
#[test]
fn heading_anchors_are_not_comments() {
    let body = "## Eingliederungsbudget nach Instrumenten {#egl}\n\nText {{ a }}.\n\n{# Notiz #}\n## B {# kein Anker #}\n";
    assert_eq!(unclosed_tag(body), None);
    assert_eq!(heading_attributes(body), vec![(42, 48)]);
    let (wrapped, _) = render::wrap_prints(body);
    assert!(
        wrapped.starts_with("## Eingliederungsbudget nach Instrumenten {% raw %}{#egl}{% endraw %}\n\nText {{ a | __amip_ausgabe }}."),
        "{wrapped}"
    );
    assert_eq!(unclosed_tag("Text {#egl}\n"), Some((5, "#}")));
    assert_eq!(
        heading_attributes("    ## eingerückt {#x}\n#kein {#y}\n"),
        vec![]
    );
    let mut tera = Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    render::register_print_filter(&mut tera);
    tera.add_raw_template("t.md", &wrapped).unwrap();
    let out = tera
        .render(
            "t.md",
            &Context::from_serialize(&serde_json::json!({"a": 1})).unwrap(),
        )
        .unwrap();
    assert_eq!(
        out,
        "## Eingliederungsbudget nach Instrumenten {#egl}\n\nText 1.\n\n\n## B \n"
    );
}
