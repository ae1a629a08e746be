//! Turning a cell into a data value: German number text, the BA's special values, and
//! floating-point noise from spreadsheets (7.0000000000000009 → 7).

use serde_json::Value;

use super::special::Special;

/// What a cell yields when a figure is expected.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    /// A number, already rounded.
    Number(f64),
    /// One of the BA's special values.
    Special(Special),
}

impl Figure {
    /// The value as it stands in the data tree: integers as integers, specials as their sign.
    pub fn to_value(self) -> Value {
        match self {
            Figure::Number(n) => number_value(n),
            Figure::Special(special) => Value::from(special.sign()),
        }
    }
}

/// A number as a JSON value; integral values become integers (shown without decimals).
pub fn number_value(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        // The range check keeps the conversion exact.
        #[allow(clippy::cast_possible_truncation)]
        let int = n as i64;
        Value::from(int)
    } else {
        serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

/// Rounds a stored number to what the sheet means: to `digits` decimals when known, otherwise
/// to 10 significant digits, which removes binary noise and keeps every figure the BA prints.
pub fn denoise(n: f64, digits: Option<u8>) -> f64 {
    if !n.is_finite() {
        return n;
    }
    match digits {
        Some(digits) => {
            let factor = 10f64.powi(i32::from(digits));
            let rounded = (n * factor).round() / factor;
            // Re-parse the shortest decimal text so 55.800000000000004 becomes 55.8.
            format!("{rounded:.prec$}", prec = usize::from(digits))
                .parse()
                .unwrap_or(rounded)
        }
        None => format!("{n:.9e}").parse().unwrap_or(n),
    }
}

/// A number as plain text for labels and headers: 2019, 55.8.
pub fn plain_number(n: f64) -> String {
    let n = denoise(n, None);
    match number_value(n) {
        Value::Number(number) => number.to_string(),
        _ => n.to_string(),
    }
}

/// Parses number text the German way: `2.116`, `1.234,5`, `-21,5`, `55,8 %`, `2 116`.
/// With `decimal_comma` false, the point is the decimal separator and commas group.
pub fn parse_number(text: &str, decimal_comma: bool) -> Option<f64> {
    let mut text: String = text
        .trim()
        .trim_end_matches('%')
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}'))
        .collect();
    if let Some(rest) = text.strip_prefix(['−', '–']) {
        text = format!("-{rest}");
    }
    let (group, decimal) = if decimal_comma {
        ('.', ',')
    } else {
        (',', '.')
    };
    let (int_part, frac_part) = match text.split_once(decimal) {
        Some((int, frac)) => (int.to_string(), Some(frac.to_string())),
        None => (text.clone(), None),
    };
    let digits_only = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (sign, unsigned) = match int_part.strip_prefix(['-', '+']) {
        Some(rest) => (
            if int_part.starts_with('-') { "-" } else { "" },
            rest.to_string(),
        ),
        None => ("", int_part.clone()),
    };
    // Grouping separators only in groups of three: "2.116" yes, "55.8" no.
    let int_digits = if unsigned.contains(group) {
        let mut groups = unsigned.split(group);
        let first = groups.next().unwrap_or_default();
        if first.is_empty() || first.len() > 3 || !digits_only(first) {
            return None;
        }
        let mut joined = first.to_string();
        for rest in groups {
            if rest.len() != 3 || !digits_only(rest) {
                return None;
            }
            joined.push_str(rest);
        }
        joined
    } else {
        unsigned
    };
    if !digits_only(&int_digits) {
        return None;
    }
    let mut plain = format!("{sign}{int_digits}");
    if let Some(frac) = frac_part {
        if !digits_only(&frac) {
            return None;
        }
        plain.push('.');
        plain.push_str(&frac);
    }
    plain.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// The figure in a text cell, if it is one: a special value or a number.
pub fn text_figure(text: &str, decimal_comma: bool) -> Option<Figure> {
    if let Some(special) = Special::parse(text) {
        return Some(Figure::Special(special));
    }
    parse_number(text, decimal_comma).map(Figure::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_noise_is_removed() {
        assert_eq!(denoise(7.000_000_000_000_001, None), 7.0);
        assert_eq!(denoise(55.800_000_000_000_004, None), 55.8);
        assert_eq!(denoise(-21.513_353_115_727, Some(1)), -21.5);
        assert_eq!(
            number_value(denoise(7.000_000_000_000_001, None)),
            Value::from(7)
        );
        assert_eq!(number_value(55.8), serde_json::json!(55.8));
    }

    #[test]
    fn german_number_text_is_parsed() {
        assert_eq!(parse_number("2.116", true), Some(2116.0));
        assert_eq!(parse_number("1.234.567,89", true), Some(1_234_567.89));
        assert_eq!(parse_number("-21,5", true), Some(-21.5));
        assert_eq!(parse_number("−1,0", true), Some(-1.0));
        assert_eq!(parse_number("55,8 %", true), Some(55.8));
        assert_eq!(parse_number("2\u{a0}116", true), Some(2116.0));
        assert_eq!(
            parse_number("55.8", true),
            None,
            "a point before one digit is no grouping"
        );
        assert_eq!(parse_number("55.8", false), Some(55.8));
        assert_eq!(parse_number("03504", true), Some(3504.0));
        assert_eq!(parse_number("k. A.", true), None);
        assert_eq!(parse_number("", true), None);
        assert_eq!(parse_number("1,2,3", true), None);
    }

    #[test]
    fn special_signs_are_figures_of_their_own() {
        assert_eq!(
            text_figure("X", true),
            Some(Figure::Special(Special::NotPossible))
        );
        assert_eq!(
            text_figure("–", true),
            Some(Figure::Special(Special::Nothing))
        );
        assert_eq!(
            Figure::Special(Special::Anonymised).to_value(),
            Value::from("*")
        );
    }
}
