//! The value axis: range, "nice" tick steps and German tick labels.

use super::input::Data;
use super::{Problem, Res};
use crate::format::{self, PercentStyle};
use crate::model::{ChartKind, ValueFormat};

pub(super) struct Axis {
    pub(super) lo: f64,
    pub(super) hi: f64,
    /// Tick values with their labels.
    pub(super) ticks: Vec<(f64, String)>,
}

/// Lowest and highest total of the stacks: positive parts stack up from zero, negative down.
fn stack_range(data: &Data) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for category in 0..data.categories.len() {
        let (mut up, mut down) = (0.0, 0.0);
        for v in data
            .values
            .iter()
            .filter_map(|series| series.get(category).copied().flatten())
        {
            if v >= 0.0 {
                up += v;
            } else {
                down += v;
            }
        }
        lo = lo.min(down);
        hi = hi.max(up);
    }
    (lo, hi)
}

/// The value range the axis must show for this kind of chart.
pub(super) fn value_range(data: &Data, kind: ChartKind) -> Res<Option<(f64, f64)>> {
    let mut values = data.present().peekable();
    if values.peek().is_none() {
        return Ok(None);
    }
    let plain = |values: &mut dyn Iterator<Item = f64>| {
        values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        })
    };
    let (mut lo, mut hi) = match kind {
        ChartKind::Gestapelt => stack_range(data),
        ChartKind::Linie | ChartKind::Balken | ChartKind::Ring => plain(&mut values),
    };
    match kind {
        ChartKind::Linie => {
            // Lines may leave out zero, unless the data come close to it anyway.
            if (lo >= 0.0 && lo <= hi / 2.0) || (hi <= 0.0 && hi >= lo / 2.0) || lo == hi {
                lo = lo.min(0.0);
                hi = hi.max(0.0);
            }
        }
        ChartKind::Balken | ChartKind::Gestapelt | ChartKind::Ring => {
            // Bars always grow from zero.
            lo = lo.min(0.0);
            hi = hi.max(0.0);
        }
    }
    if lo == hi {
        hi = lo + 1.0;
    }
    if !(hi - lo).is_finite() {
        return Err(Problem::Range);
    }
    Ok(Some((lo, hi)))
}

/// Smallest tick step that the format can label without repeating numbers.
fn min_step(format: ValueFormat) -> f64 {
    match format {
        ValueFormat::Ganz | ValueFormat::Euro => 1.0,
        ValueFormat::Dezimal1 | ValueFormat::Prozent | ValueFormat::Text => 0.1,
        ValueFormat::Dezimal2 => 0.01,
    }
}

/// A "nice" step (1, 2 or 5 times a power of ten) for about six intervals.
fn nice_step(span: f64, format: ValueFormat) -> Res<f64> {
    let raw = span / 6.0;
    if !(raw.is_finite() && raw > 0.0) {
        return Err(Problem::Range);
    }
    let base = 10f64.powf(raw.log10().floor());
    let fraction = raw / base;
    let factor = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    let step = (factor * base).max(min_step(format));
    if step.is_finite() && step > 0.0 {
        Ok(step)
    } else {
        Err(Problem::Range)
    }
}

/// Decimal places a tick label needs for `step`.
fn step_digits(step: f64) -> u8 {
    if step >= 0.999 {
        0
    } else if step >= 0.0999 {
        1
    } else {
        2
    }
}

pub(super) fn axis(lo: f64, hi: f64, format: ValueFormat) -> Res<Axis> {
    let step = nice_step(hi - lo, format)?;
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    let count = last - first;
    if !(first.is_finite() && last.is_finite() && (1.0..=100.0).contains(&count)) {
        return Err(Problem::Range);
    }
    let values: Vec<f64> = (0..=count as usize)
        .map(|k| (first + k as f64) * step)
        .collect();
    let largest = values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let millions = format == ValueFormat::Euro && largest >= 1_000_000.0 && step >= 10_000.0;
    let mut ticks = Vec::with_capacity(values.len());
    for value in values {
        let label = match format {
            ValueFormat::Prozent => format::percent(value, step_digits(step), PercentStyle::Sign)?,
            ValueFormat::Euro if millions => {
                format::million_euro(value, step_digits(step / 1_000_000.0))?
            }
            ValueFormat::Euro => format::euro(value, 0)?,
            ValueFormat::Ganz
            | ValueFormat::Dezimal1
            | ValueFormat::Dezimal2
            | ValueFormat::Text => format::number(value, step_digits(step))?,
        };
        ticks.push((value, label));
    }
    Ok(Axis {
        lo: first * step,
        hi: last * step,
        ticks,
    })
}
