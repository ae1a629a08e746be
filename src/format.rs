//! German number, money and date formatting.
//!
//! Authors never format a figure by hand: every filter in chapters, every table cell and every
//! chart label goes through these functions, so a figure looks the same everywhere. Grouping and
//! decimal separators come from CLDR data (`icu_decimal`); rounding is commercial (half away
//! from zero), as in official statistics.

use fixed_decimal::{Decimal, FloatPrecision, SignedRoundingMode, UnsignedRoundingMode};
use icu_decimal::DecimalFormatter;
use icu_locale_core::locale;

/// Non-breaking space between a number and its unit, so "23,4 %" never breaks across lines.
pub const NBSP: char = '\u{a0}';
/// The typographic minus sign used for negative changes ("−488.858").
pub(crate) const MINUS: char = '\u{2212}';

/// Text shown for a value that is not yet agreed.
pub(crate) const PENDING: &str = "derzeit in Abstimmung";

thread_local! {
    // The formatter holds non-`Sync` data payloads, so each thread keeps its own.
    static FORMATTER: Option<DecimalFormatter> =
        DecimalFormatter::try_new(locale!("de").into(), Default::default()).ok();
}

/// A value that cannot be shown as a number (NaN, infinity, or beyond the decimal range).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0} ist keine darstellbare Zahl")]
pub struct NotANumber(pub String);

/// How percentages are written: with the sign ("23,4 %") or as a word ("23,4 Prozent").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PercentStyle {
    /// "23,4 %" with a non-breaking space.
    #[default]
    Sign,
    /// "23,4 Prozent", as many official German texts write it.
    Word,
}

/// The unit of a signed change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeUnit {
    /// A plain number ("−488.858").
    Number,
    /// A relative change in percent ("−5,4 %").
    Percent,
    /// A difference of two percentages ("−1,0 Prozentpunkte").
    Points,
}

/// Formats `value` with German grouping and exactly `digits` decimal places: `1.141`, `23,4`.
pub fn number(value: f64, digits: u8) -> Result<String, NotANumber> {
    let decimal = round(value, digits)?;
    let text = FORMATTER.with(|formatter| match formatter {
        Some(formatter) => formatter.format(&decimal).to_string(),
        None => decimal.to_string(),
    });
    // CLDR's German minus is the hyphen-minus; typeset a real minus sign.
    Ok(text.replace('-', &MINUS.to_string()))
}

fn round(value: f64, digits: u8) -> Result<Decimal, NotANumber> {
    if !value.is_finite() {
        return Err(NotANumber(value.to_string()));
    }
    let mut decimal = Decimal::try_from_f64(value, FloatPrecision::RoundTrip)
        .map_err(|_| NotANumber(value.to_string()))?;
    let position = -i16::from(digits);
    decimal.round_with_mode(
        position,
        SignedRoundingMode::Unsigned(UnsignedRoundingMode::HalfExpand),
    );
    decimal.absolute.pad_end(position);
    if decimal.absolute.is_zero() {
        // No "−0,0".
        decimal.sign = fixed_decimal::Sign::None;
    }
    Ok(decimal)
}

/// A percentage: `23,4 %` or `23,4 Prozent`.
pub(crate) fn percent(value: f64, digits: u8, style: PercentStyle) -> Result<String, NotANumber> {
    Ok(format!("{}{}", number(value, digits)?, percent_unit(style)))
}

fn percent_unit(style: PercentStyle) -> String {
    match style {
        PercentStyle::Sign => format!("{NBSP}%"),
        PercentStyle::Word => format!("{NBSP}Prozent"),
    }
}

/// A euro amount in full: `7.053.067 EUR`.
pub fn euro(value: f64, digits: u8) -> Result<String, NotANumber> {
    Ok(format!("{}{NBSP}EUR", number(value, digits)?))
}

/// A euro amount in millions: `8,6 Mio. EUR` for 8.581.009.
pub(crate) fn million_euro(value: f64, digits: u8) -> Result<String, NotANumber> {
    Ok(format!(
        "{}{NBSP}Mio.{NBSP}EUR",
        number(value / 1_000_000.0, digits)?
    ))
}

/// A signed change: `−488.858`, `+1.234`, `−5,4 %`, `−1,0 Prozentpunkte`. Zero has no sign.
pub fn change(
    value: f64,
    digits: u8,
    unit: ChangeUnit,
    style: PercentStyle,
) -> Result<String, NotANumber> {
    let text = number(value, digits)?;
    let signed = if text.starts_with(MINUS) || round(value, digits)?.absolute.is_zero() {
        text
    } else {
        format!("+{text}")
    };
    Ok(match unit {
        ChangeUnit::Number => signed,
        ChangeUnit::Percent => format!("{signed}{}", percent_unit(style)),
        ChangeUnit::Points => format!("{signed}{NBSP}Prozentpunkte"),
    })
}

/// The share of `part` in `whole`, in percent; `None` when the whole is zero.
pub fn share(part: f64, whole: f64) -> Option<f64> {
    (whole != 0.0).then(|| part / whole * 100.0)
}

/// The relative change from `from` to `to`, in percent; `None` when `from` is zero.
pub(crate) fn change_percent(from: f64, to: f64) -> Option<f64> {
    (from != 0.0).then(|| (to - from) / from * 100.0)
}

/// The German month names, in order (also the keys of month maps taken from source files).
pub const MONTHS: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

/// A date as `09.12.2019`.
pub(crate) fn date_short(date: jiff::civil::Date) -> String {
    format!("{:02}.{:02}.{}", date.day(), date.month(), date.year())
}

/// A date as `9. Dezember 2019`.
pub(crate) fn date_long(date: jiff::civil::Date) -> String {
    let month = usize::try_from(date.month() - 1)
        .ok()
        .and_then(|index| MONTHS.get(index))
        .copied()
        .unwrap_or_default();
    format!("{}. {} {}", date.day(), month, date.year())
}

/// Parses an ISO date (`2019-12-09`) as written in the YAML files.
pub(crate) fn parse_date(text: &str) -> Option<jiff::civil::Date> {
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands_with_points() {
        assert_eq!(number(1141.0, 0).unwrap(), "1.141");
        assert_eq!(number(16_199_332.0, 0).unwrap(), "16.199.332");
        assert_eq!(number(999.0, 0).unwrap(), "999");
    }

    #[test]
    fn decimal_comma_with_fixed_digits() {
        assert_eq!(number(23.4, 1).unwrap(), "23,4");
        assert_eq!(number(23.0, 1).unwrap(), "23,0");
        assert_eq!(number(1234.5678, 2).unwrap(), "1.234,57");
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(number(0.25, 1).unwrap(), "0,3");
        assert_eq!(number(2.5, 0).unwrap(), "3");
        assert_eq!(number(-2.5, 0).unwrap(), "−3");
    }

    #[test]
    fn never_negative_zero() {
        assert_eq!(number(-0.04, 1).unwrap(), "0,0");
        assert_eq!(
            change(-0.04, 1, ChangeUnit::Number, PercentStyle::Sign).unwrap(),
            "0,0"
        );
    }

    #[test]
    fn percent_with_nbsp_or_word() {
        assert_eq!(percent(23.4, 1, PercentStyle::Sign).unwrap(), "23,4\u{a0}%");
        assert_eq!(
            percent(55.8, 1, PercentStyle::Word).unwrap(),
            "55,8\u{a0}Prozent"
        );
    }

    #[test]
    fn euro_amounts() {
        assert_eq!(euro(7_053_067.0, 0).unwrap(), "7.053.067\u{a0}EUR");
        assert_eq!(
            million_euro(8_581_009.0, 1).unwrap(),
            "8,6\u{a0}Mio.\u{a0}EUR"
        );
    }

    #[test]
    fn signed_changes() {
        let sign = PercentStyle::Sign;
        assert_eq!(
            change(-488_858.0, 0, ChangeUnit::Number, sign).unwrap(),
            "−488.858"
        );
        assert_eq!(
            change(1234.0, 0, ChangeUnit::Number, sign).unwrap(),
            "+1.234"
        );
        assert_eq!(
            change(-5.39, 1, ChangeUnit::Percent, sign).unwrap(),
            "−5,4\u{a0}%"
        );
        assert_eq!(
            change(-1.0, 1, ChangeUnit::Points, sign).unwrap(),
            "−1,0\u{a0}Prozentpunkte"
        );
    }

    #[test]
    fn shares_and_changes() {
        let quota = share(173.0, 5485.0).unwrap();
        assert_eq!(number(quota, 1).unwrap(), "3,2");
        assert_eq!(share(1.0, 0.0), None);
        let delta = change_percent(9_069_867.0, 8_581_009.0).unwrap();
        assert_eq!(number(delta, 1).unwrap(), "−5,4");
    }

    #[test]
    fn rejects_nan_and_infinity() {
        assert!(number(f64::NAN, 0).is_err());
        assert!(number(f64::INFINITY, 1).is_err());
    }

    #[test]
    fn large_numbers() {
        assert_eq!(number(1e15, 0).unwrap(), "1.000.000.000.000.000");
    }

    #[test]
    fn dates_short_and_long() {
        let date = parse_date("2019-12-09").unwrap();
        assert_eq!(date_short(date), "09.12.2019");
        assert_eq!(date_long(date), "9. Dezember 2019");
        assert_eq!(parse_date("2019-13-01"), None);
    }
}
