//! Guards around the tera templates authors write (chapters and page templates).
//!
//! - Values are text: everything tera prints into a chapter is escaped for Markdown, so data
//!   such as `Kund*innen`, `[L](https://evil.example)`, `--` under a paragraph or `    Code`
//!   after a blank line stays literal in the website and the PDF, wherever in a line it
//!   stands. `| markdown` opts in where data really holds Markdown; amip's own functions
//!   (`tabelle()`, `abbildung()`, `verweis()`) return placeholders marked safe.
//! - Runaway templates stop: output per chapter, `range()` elements, loop steps, every value
//!   a chapter stores with `set` and the results of the filters that multiply sizes
//!   ([`growth`]) and time are bounded, and the chapter ends with a German message instead of
//!   filling the memory. Expansion adds the checks to every `set` and loop of a chapter
//!   ([`VALUE_FILTER`], [`STEP_FUNCTION`]).
//! - Nothing makes a build unrepeatable: `__tera_context`, `now()`, `get_env()` and
//!   `get_random()` are refused.

mod growth;
mod memory;

use std::cell::RefCell;
use std::io::{self, Write};
use std::time::{Duration, Instant};

use tera::{Error as TeraError, Kwargs, State, Tera, Value};

/// Most text one chapter's template may produce (the example's chapters are below 20 kB).
pub(crate) const MAX_OUTPUT_BYTES: usize = 10 * 1024 * 1024;
/// Most elements all `range()` calls of one chapter may produce together.
pub(crate) const MAX_RANGE_ITEMS: usize = 1_000_000;
/// Most memory one chapter's template may hold at a time, whatever holds it (values, text
/// collected by `{% filter %}` sections and `{% set %}` blocks, tera's own buffers).
pub(crate) const MAX_TEMPLATE_MEMORY: usize = 256 * 1024 * 1024;
/// Largest value (text, list, map) a chapter's template may store with `set`: as large as all
/// its output may be.
pub(crate) const MAX_VALUE_BYTES: usize = MAX_OUTPUT_BYTES;
/// Most loop steps all loops of one chapter may take together.
pub(crate) const MAX_LOOP_STEPS: usize = 1_000_000;
/// What a list or map entry counts in [`value_size`], besides its content.
const ENTRY_BYTES: usize = 16;
/// The filter every value a chapter stores with `set` passes (amip adds it, see
/// `expand::render::statement_guards`; a name no author writes).
pub(crate) const VALUE_FILTER: &str = "__amip_wert";
/// The function every loop step of a chapter calls (amip adds it like [`VALUE_FILTER`]).
pub(crate) const STEP_FUNCTION: &str = "__amip_schritt";
/// Longest time one chapter's template may take.
pub(crate) const TIME_LIMIT: Duration = Duration::from_secs(10);

/// Tera's variable that prints the whole context (in an order that is not stable).
const CONTEXT_DUMP: &str = "__tera_context";

/// Functions other template engines offer whose result depends on the build's moment or
/// machine, with the reason shown when a template calls them.
const UNREPEATABLE: [(&str, &str); 3] = [
    ("now", "das Ergebnis hinge vom Zeitpunkt des Builds ab"),
    (
        "get_env",
        "das Ergebnis hinge von den Umgebungsvariablen des Rechners ab",
    ),
    (
        "get_random",
        "das Ergebnis wäre bei jedem Build ein anderes",
    ),
];

/// A space written so that Markdown counts it as text, not as indentation or line end.
const SPACE_ENTITY: &str = "&#32;";

/// ASCII characters written with a backslash wherever they stand in a value: each can open
/// or close a block or an inline element somewhere (CommonMark lets any ASCII punctuation be
/// escaped, and the escaped character is plain text).
const ALWAYS_ESCAPED: &str = "\\`*_[]<>!|~&#{}$^=\"'";

/// Escapes a value for Markdown so that it is text wherever a template puts it: at the start
/// or end of a line, mid-line, after a blank line or after a paragraph line.
///
/// - Line breaks inside the value become single spaces: inside a paragraph Markdown shows a
///   line break as a space (a soft break), and a value is inline text that cannot start a
///   new block.
/// - Spaces and tabs at the value's start and end become one `&#32;` each: written as they
///   are they would indent the line (a code block), make it blank (ending a paragraph) or,
///   before the line's end, make a hard break.
/// - Every ASCII character with a meaning in Markdown is written with a backslash; `-` and
///   `+` before a digit, `.` inside a number and parentheses after a word stay, so formatted numbers such as `1.141`,
///   `-5` or `−5,4 %` are unchanged.
pub(crate) fn markdown_escaped(input: &str) -> String {
    let joined = joined_lines(input);
    let blank = |c: char| c == ' ' || c == '\t';
    let body = joined.trim_matches(blank);
    let leading = joined.len() - joined.trim_start_matches(blank).len();
    let trailing = joined.len() - joined.trim_end_matches(blank).len();
    let mut escaped = String::with_capacity(joined.len() + 16);
    if leading > 0 {
        escaped.push_str(SPACE_ENTITY);
    }
    // Digits at the start, then `.` or `)` and a blank (or the end) would open an ordered
    // list (a value of digits alone may stand before a template's own `. `: see the README).
    let digits = body.len() - body.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let mut chars = body.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let before_digit = next.is_some_and(|n| n.is_ascii_digit());
        let needs_escape = ALWAYS_ESCAPED.contains(c)
            || (matches!(c, '-' | '+') && !before_digit)
            || (matches!(c, '.' | ')') && at == digits && next.is_none_or(char::is_whitespace))
            // After a template's `[Text]` a leading `(` would make a link.
            || (c == '(' && at == 0);
        match c {
            // As entities: GFM splits table cells before it reads backslash escapes, so `\|`
            // would still divide a cell and `\\` before the divider would swallow it.
            '\\' => escaped.push_str("&#92;"),
            '|' => escaped.push_str("&#124;"),
            _ if needs_escape => {
                escaped.push('\\');
                escaped.push(c);
            }
            _ => escaped.push(c),
        }
    }
    if trailing > 0 && !body.is_empty() {
        escaped.push_str(SPACE_ENTITY);
    }
    // A value of blanks and line breaks alone must not leave a blank line that ends a block.
    if escaped.is_empty() && !input.is_empty() {
        escaped.push_str(SPACE_ENTITY);
    }
    escaped
}

/// `input` with every line break, and the blanks around it, as one space.
fn joined_lines(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut lines = input.split(['\n', '\r']).peekable();
    let mut first = true;
    while let Some(line) = lines.next() {
        let mut piece = line;
        if !first {
            piece = piece.trim_start();
        }
        if lines.peek().is_some() {
            piece = piece.trim_end();
        }
        if piece.is_empty() && !first {
            continue;
        }
        if !first {
            out.push(' ');
        }
        first = false;
        out.push_str(piece);
    }
    out
}

fn escape_markdown(input: &str, out: &mut dyn Write) -> io::Result<()> {
    // Prints into a `{% filter %}` section or a `{% set %}` block reach no output writer.
    check_time_and_memory().map_err(|_| io::Error::other("Grenze überschritten"))?;
    out.write_all(markdown_escaped(input).as_bytes())
}

/// Makes a chapter tera escape for Markdown: every printed value is text unless marked safe
/// (amip's placeholders, `| markdown`, `| safe`).
pub(crate) fn escape_chapters_for_markdown(tera: &mut Tera) {
    tera.set_escape_fn(escape_markdown);
    // Every template of this instance is a chapter, whatever its file name ends with.
    tera.autoescape_on([""]);
    tera.register_filter("markdown", |value: &str, _: Kwargs, _: &State| {
        Value::safe_string(value)
    });
}

/// Registers the guards every template instance gets: the bounded `range()`, the value and
/// step checks and refusing functions for `now()`, `get_env()` and `get_random()`.
pub(crate) fn guard(tera: &mut Tera) {
    tera.register_function("range", bounded_range);
    tera.register_filter(VALUE_FILTER, checked_value);
    tera.register_function(STEP_FUNCTION, loop_step);
    growth::register(tera);
    for (name, reason) in UNREPEATABLE {
        tera.register_function(name, move |_: Kwargs, _: &State| {
            Err::<Value, TeraError>(TeraError::message(format!(
                "{name}() ist in amip nicht verfügbar: {reason}, und dieselben Quellen müssen immer dieselbe Ausgabe ergeben."
            )))
        });
    }
}

/// Where a template names `__tera_context` (byte offset into `source`), which amip refuses.
pub(crate) fn context_dump(source: &str) -> Option<usize> {
    source.find(CONTEXT_DUMP)
}

/// The message for [`context_dump`].
pub(crate) fn context_dump_message() -> String {
    format!(
        "{CONTEXT_DUMP} ist in amip nicht verfügbar: es gibt alle Daten in wechselnder Reihenfolge aus, und dieselben Quellen müssen immer dieselbe Ausgabe ergeben. Geben Sie die Werte einzeln aus, z. B. {{{{ programm.jahr }}}}."
    )
}

/// What stopped a chapter's template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exceeded {
    /// More than [`MAX_OUTPUT_BYTES`] of text.
    Output,
    /// More than [`MAX_RANGE_ITEMS`] `range()` elements.
    Range,
    /// Longer than [`TIME_LIMIT`].
    Time,
    /// A stored value larger than [`MAX_VALUE_BYTES`].
    Value,
    /// More than [`MAX_LOOP_STEPS`] loop steps.
    Steps,
    /// More than [`MAX_TEMPLATE_MEMORY`] held at once.
    Memory,
}

impl Exceeded {
    /// The German explanation.
    pub(crate) fn message(self) -> String {
        match self {
            Exceeded::Output => format!(
                "die Vorlage erzeugt mehr als {} MB Text; vermutlich läuft eine Schleife viel zu oft.",
                MAX_OUTPUT_BYTES / (1024 * 1024)
            ),
            Exceeded::Range => format!(
                "die Schleifen über range() laufen zusammen mehr als {} Mal; verkleinern Sie die Bereiche.",
                crate::format::number(MAX_RANGE_ITEMS as f64, 0)
                    .unwrap_or_else(|_| MAX_RANGE_ITEMS.to_string())
            ),
            Exceeded::Time => format!(
                "die Vorlage braucht länger als {} Sekunden; vermutlich läuft eine Schleife viel zu oft.",
                TIME_LIMIT.as_secs()
            ),
            Exceeded::Value => format!(
                "die Vorlage baut einen Wert von mehr als {} MB auf; vermutlich wächst ein Text oder eine Liste in einer Schleife immer weiter.",
                MAX_VALUE_BYTES / (1024 * 1024)
            ),
            Exceeded::Memory => format!(
                "die Vorlage belegt mehr als {} MB Speicher; vermutlich sammelt eine Schleife viel zu viel Text.",
                MAX_TEMPLATE_MEMORY / (1024 * 1024)
            ),
            Exceeded::Steps => format!(
                "die Schleifen laufen zusammen mehr als {} Mal; vermutlich läuft eine Schleife viel zu oft.",
                crate::format::number(MAX_LOOP_STEPS as f64, 0)
                    .unwrap_or_else(|_| MAX_LOOP_STEPS.to_string())
            ),
        }
    }
}

struct Budget {
    /// [`memory::live_bytes`] when rendering began.
    memory_base: isize,
    range_left: usize,
    steps_left: usize,
    deadline: Instant,
    exceeded: Option<Exceeded>,
}

thread_local! {
    static BUDGET: RefCell<Option<Budget>> = const { RefCell::new(None) };
}

fn exceed(what: Exceeded) -> Exceeded {
    BUDGET.with(|budget| {
        if let Some(budget) = budget.borrow_mut().as_mut() {
            budget.exceeded.get_or_insert(what);
        }
    });
    what
}

/// Fails once the time is up or the thread holds more than [`MAX_TEMPLATE_MEMORY`] beyond
/// what it held when rendering began (checked wherever the template calls back into amip).
fn check_time_and_memory() -> Result<(), Exceeded> {
    let over = BUDGET.with(|budget| {
        let budget = budget.borrow();
        let budget = budget.as_ref()?;
        if Instant::now() > budget.deadline {
            return Some(Exceeded::Time);
        }
        let held = memory::live_bytes().saturating_sub(budget.memory_base);
        (usize::try_from(held).unwrap_or_default() > MAX_TEMPLATE_MEMORY)
            .then_some(Exceeded::Memory)
    });
    match over {
        Some(what) => Err(exceed(what)),
        None => Ok(()),
    }
}

/// The size of `value` in bytes as far as it matters for memory, counted up to just past
/// `limit` (so that checking a huge value stays cheap).
fn value_size(value: &Value, limit: usize) -> usize {
    if let Some(text) = value.as_str() {
        return text.len();
    }
    let mut size = 0;
    if let Some(items) = value.as_array() {
        for item in items {
            size += ENTRY_BYTES + value_size(item, limit.saturating_sub(size));
            if size > limit {
                break;
            }
        }
    } else if let Some(map) = value.as_map() {
        for (key, item) in map {
            size +=
                ENTRY_BYTES + key.to_string().len() + value_size(item, limit.saturating_sub(size));
            if size > limit {
                break;
            }
        }
    }
    size
}

/// [`VALUE_FILTER`]: passes a value a chapter stores, unless it is larger than
/// [`MAX_VALUE_BYTES`] or the time is up. Every `set` goes through it, so no value can grow
/// beyond the budget, whichever operations build it (`~`, filters, captured blocks).
fn checked_value(value: Value, _: Kwargs, _: &State) -> Result<Value, TeraError> {
    check_time_and_memory().map_err(|what| TeraError::message(what.message()))?;
    if value_size(&value, MAX_VALUE_BYTES) > MAX_VALUE_BYTES {
        return Err(TeraError::message(exceed(Exceeded::Value).message()));
    }
    Ok(value)
}

/// [`STEP_FUNCTION`]: counts a loop step and checks the time; prints nothing.
fn loop_step(_: Kwargs, _: &State) -> Result<Value, TeraError> {
    check_time_and_memory().map_err(|what| TeraError::message(what.message()))?;
    let allowed = BUDGET.with(|budget| match budget.borrow_mut().as_mut() {
        Some(budget) if budget.steps_left > 0 => {
            budget.steps_left -= 1;
            true
        }
        Some(_) => false,
        None => true,
    });
    if !allowed {
        return Err(TeraError::message(exceed(Exceeded::Steps).message()));
    }
    Ok(Value::safe_string(""))
}

fn bounded_range(kwargs: Kwargs, _: &State) -> Result<Vec<i64>, TeraError> {
    let start = kwargs.get::<i64>("start")?.unwrap_or_default();
    let end = kwargs
        .get::<i64>("end")?
        .ok_or_else(|| TeraError::message("range: das Argument end= fehlt"))?;
    let step = kwargs.get::<i64>("step_by")?.unwrap_or(1);
    if step == 0 {
        return Err(TeraError::message("range: step_by darf nicht 0 sein"));
    }
    let span = i128::from(end) - i128::from(start);
    let len = if (span > 0) == (step > 0) && span != 0 {
        let step = i128::from(step);
        usize::try_from((span + step - step.signum()) / step).unwrap_or(usize::MAX)
    } else {
        0
    };
    check_time_and_memory().map_err(|what| TeraError::message(what.message()))?;
    let allowed = BUDGET.with(|budget| match budget.borrow_mut().as_mut() {
        Some(budget) if budget.range_left >= len => {
            budget.range_left -= len;
            true
        }
        Some(_) => false,
        None => len <= MAX_RANGE_ITEMS,
    });
    if !allowed {
        return Err(TeraError::message(exceed(Exceeded::Range).message()));
    }
    Ok((0..len)
        .map_while(|i| {
            i64::try_from(i)
                .ok()
                .and_then(|i| i.checked_mul(step))
                .and_then(|offset| start.checked_add(offset))
        })
        .collect())
}

/// A writer that takes at most [`MAX_OUTPUT_BYTES`] and stops when the time is up.
struct Bounded {
    text: Vec<u8>,
}

impl Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.text.len() + buf.len() > MAX_OUTPUT_BYTES {
            exceed(Exceeded::Output);
            return Err(io::Error::other("Ausgabe zu groß"));
        }
        check_time_and_memory().map_err(|_| io::Error::other("Grenze überschritten"))?;
        self.text.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Why [`render_bounded`] gave no text.
#[derive(Debug)]
pub(crate) enum RenderError {
    /// An ordinary template error.
    Template(TeraError),
    /// A budget ran out; tera's error carries the place when it has one.
    Exceeded(Exceeded, TeraError),
}

/// What [`render_bounded`] renders: a registered template, or a chapter's text after
/// pending-value repairs (rendered with the same escaping as the registered chapters).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source<'a> {
    /// A template registered under this name.
    Template(&'a str),
    /// Template text rendered on its own.
    Text(&'a str),
}

/// Renders `source` within the budgets.
pub(crate) fn render_bounded(
    tera: &Tera,
    source: Source<'_>,
    context: &tera::Context,
) -> Result<String, RenderError> {
    BUDGET.with(|budget| {
        *budget.borrow_mut() = Some(Budget {
            memory_base: memory::live_bytes(),
            range_left: MAX_RANGE_ITEMS,
            steps_left: MAX_LOOP_STEPS,
            deadline: Instant::now() + TIME_LIMIT,
            exceeded: None,
        });
    });
    let result = match source {
        Source::Template(name) => {
            let mut out = Bounded { text: Vec::new() };
            tera.render_to(name, context, &mut out).and_then(|()| {
                String::from_utf8(out.text).map_err(|err| TeraError::message(err.to_string()))
            })
        }
        // tera renders a text only into a string: its size is checked afterwards (the loop
        // and time budgets hold during rendering all the same).
        Source::Text(text) => tera.render_str(text, context, true).and_then(|text| {
            if text.len() > MAX_OUTPUT_BYTES {
                exceed(Exceeded::Output);
                Err(TeraError::message("Ausgabe zu groß"))
            } else {
                Ok(text)
            }
        }),
    };
    let exceeded = BUDGET.with(|budget| budget.borrow_mut().take().and_then(|b| b.exceeded));
    match (result, exceeded) {
        (Ok(text), _) => Ok(text),
        (Err(err), Some(what)) => Err(RenderError::Exceeded(what, err)),
        (Err(err), None) => Err(RenderError::Template(err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use pulldown_cmark::{Event, Parser};

    /// Chapters with the place `{V}` for a value: at a line's start and end, mid-line, alone
    /// on a line after a paragraph or a blank line, in a list item, a heading, a table cell.
    const SHAPES: [&str; 9] = [
        "Ein Absatz.\n{V}\n\nSchluss.\n",
        "Ein Absatz.\n{V} und mehr.\n",
        "Ein Absatz.\n\n{V}\n\nSchluss.\n",
        "Ein Absatz.\n\n   {V} danach\n",
        "Vorne {V} hinten.\nNoch eine Zeile.\n",
        "Am Ende {V}\nweiter.\n",
        "{V}\n",
        "- Punkt\n- {V}\n\n# Titel {V}\n",
        "| a | b |\n|---|---|\n| {V} | x |\n\n> Zitat {V}\n",
    ];

    /// The chapter's structure: every event but text, consecutive texts as one.
    fn structure(markdown: &str) -> Vec<String> {
        let mut kinds: Vec<String> = Vec::new();
        for event in Parser::new_ext(markdown, crate::markdown::parser_options()) {
            let kind = match event {
                Event::Text(_) => "Text".to_string(),
                Event::Start(tag) => format!("{tag:?}"),
                Event::End(tag) => format!("{tag:?}"),
                other => format!("{other:?}"),
            };
            if kind != "Text" || kinds.last().is_none_or(|last| last != "Text") {
                kinds.push(kind);
            }
        }
        kinds
    }

    /// The text of all text events.
    fn text(markdown: &str) -> String {
        Parser::new_ext(markdown, crate::markdown::parser_options())
            .filter_map(|event| match event {
                Event::Text(text) => Some(text.into_string()),
                _ => None,
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn a_value_never_changes_the_structure(
            value in "([-#=*_+>|`~\\[\\]()<!&\\\\{}$^:'\" \t\n\r]|[0-9][.)]|[a-zA-Z]){1,12}"
        ) {
            // A value of line breaks alone is empty: the line it stands on is then blank.
            prop_assume!(value.chars().any(|c| c != '\n' && c != '\r'));
            let escaped = markdown_escaped(&value);
            for shape in SHAPES {
                let with_value = shape.replace("{V}", &escaped);
                let with_word = shape.replace("{V}", "Wort");
                prop_assert_eq!(
                    structure(&with_value),
                    structure(&with_word),
                    "{:?} in {:?} gives {:?}",
                    value,
                    shape,
                    with_value
                );
            }
            let shown = text(&SHAPES[4].replace("{V}", &escaped));
            let body = joined_lines(&value);
            prop_assert!(
                shown.contains(body.trim_matches([' ', '\t'])),
                "{:?} shown as {:?}",
                value,
                shown
            );
        }
    }

    #[test]
    fn markup_in_values_is_escaped_numbers_are_not() {
        assert_eq!(
            markdown_escaped("Kund*innen und Bürger*innen"),
            "Kund\\*innen und Bürger\\*innen"
        );
        assert_eq!(
            markdown_escaped("[L](https://evil.example)"),
            "\\[L\\](https://evil.example)"
        );
        assert_eq!(markdown_escaped("x\n## Neu"), "x \\#\\# Neu");
        assert_eq!(markdown_escaped("- a"), "\\- a");
        assert_eq!(markdown_escaped("9. Dezember 2019"), "9\\. Dezember 2019");
        for number in [
            "1.141",
            "−488.858",
            "23,4\u{a0}%",
            "-5",
            "3.5",
            "… (derzeit in Abstimmung)",
        ] {
            assert_eq!(markdown_escaped(number), number);
        }
    }

    fn guarded_chapter_tera() -> Tera {
        let mut tera = Tera::new();
        escape_chapters_for_markdown(&mut tera);
        guard(&mut tera);
        tera
    }

    #[test]
    fn growing_filters_refuse_results_beyond_the_budget() {
        let mut tera = guarded_chapter_tera();
        let mut context = tera::Context::new();
        context.insert("s", &"a".repeat(1_000_000));
        context.insert("zeilen", &"\n".repeat(1_000_000));
        context.insert("l", &vec![1; 100_000]);
        for (name, template) in [
            ("replace", "{{ s | replace(from=\"a\", to=s) | length }}"),
            ("join", "{{ l | join(sep=s) | length }}"),
            ("split", "{{ s | split(pat=\"\") | length }}"),
            ("indent", "{{ zeilen | indent(width=1000) | length }}"),
        ] {
            tera.add_raw_template(name, template).unwrap();
            let started = Instant::now();
            let result = render_bounded(&tera, Source::Template(name), &context);
            assert!(
                matches!(result, Err(RenderError::Exceeded(Exceeded::Value, _))),
                "{name}: {result:?}"
            );
            assert!(started.elapsed() < Duration::from_secs(5), "{name}");
        }
    }

    #[test]
    fn bounded_filters_give_what_teras_own_give() {
        let templates = [
            "{{ t | replace(from=\"-\", to=\"+\") }}|{{ t | replace(from=\"\", to=\".\") }}",
            "{{ t | replace(from=\"-\", to=\"*\" | safe) }}|{{ \"*a*\" | safe | replace(from=\"a\", to=t) }}",
            "{{ [1, \"x*\", 2.5] | join(sep=\", \") }}|{{ [\"*\" | safe, \"_\"] | join(sep=\"-\") }}|{{ [1] | join }}",
            "{{ t | split(pat=\"-\") | length }}|{{ t | split(pat=\"\") | length }}|{% for p in t | split(pat=\"-\") %}[{{ p }}]{% endfor %}",
            "{{ z | indent }}|{{ z | indent(width=2, first=true, blank=true) }}|{{ z | indent(indentation=\"*\", width=1) }}",
        ];
        let mut context = tera::Context::new();
        context.insert("t", "a-b--c*");
        context.insert("z", "eins\n\nzwei\n");
        for template in templates {
            let mut ours = guarded_chapter_tera();
            let mut theirs = Tera::new();
            escape_chapters_for_markdown(&mut theirs);
            ours.add_raw_template("k", template).unwrap();
            theirs.add_raw_template("k", template).unwrap();
            assert_eq!(
                ours.render("k", &context).unwrap(),
                theirs.render("k", &context).unwrap(),
                "{template}"
            );
        }
    }

    #[test]
    fn nested_ranges_stop_with_a_message() {
        let mut tera = Tera::new();
        guard(&mut tera);
        tera.add_raw_template(
            "k.md",
            "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
        )
        .unwrap();
        let started = Instant::now();
        let result = render_bounded(&tera, Source::Template("k.md"), &tera::Context::new());
        assert!(
            matches!(result, Err(RenderError::Exceeded(Exceeded::Range, _))),
            "{result:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn endless_output_stops_at_the_limit() {
        let mut tera = Tera::new();
        guard(&mut tera);
        tera.add_raw_template(
            "k.md",
            "{% for i in range(end=100000) %}{% for j in range(end=9) %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}{% endfor %}",
        )
        .unwrap();
        let result = render_bounded(&tera, Source::Template("k.md"), &tera::Context::new());
        assert!(
            matches!(result, Err(RenderError::Exceeded(Exceeded::Output, _))),
            "{result:?}"
        );
    }
}
