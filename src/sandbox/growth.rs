//! Tera's built-in filters whose result can be far larger than their input (`replace`,
//! `join`, `split`, `indent`: the product of two sizes), replaced by ones that refuse before
//! they build a result beyond the value budget. Arguments, results and the handling of safe
//! text are tera's; every other built-in filter grows its input by a small factor at most,
//! and `set` checks what is stored ([`super::VALUE_FILTER`]).

use std::borrow::Cow;

use tera::{Error as TeraError, Kwargs, State, StringInput, Tera, Value};

use super::{check_time_and_memory, exceed, value_size, Exceeded, ENTRY_BYTES, MAX_VALUE_BYTES};

/// Registers the bounded filters in place of tera's own.
pub(super) fn register(tera: &mut Tera) {
    tera.register_filter("replace", replace);
    tera.register_filter("join", join);
    tera.register_filter("split", split);
    tera.register_filter("indent", indent);
}

/// Refuses a result of `size` bytes beyond [`MAX_VALUE_BYTES`], and any once the time or
/// the memory is used up.
fn within_budget(size: usize) -> Result<(), TeraError> {
    check_time_and_memory().map_err(|what| TeraError::message(what.message()))?;
    if size > MAX_VALUE_BYTES {
        Err(TeraError::message(exceed(Exceeded::Value).message()))
    } else {
        Ok(())
    }
}

/// `text` rendered as tera would (escaped unless safe) when `safe`, else as it is.
fn text_of<'a>(
    input: &'a StringInput<'a>,
    safe: bool,
    state: &State,
) -> Result<Cow<'a, str>, TeraError> {
    if safe {
        input.rendered(state)
    } else {
        Ok(Cow::Borrowed(input.as_str()))
    }
}

fn replace(val: StringInput, kwargs: Kwargs, state: &State) -> Result<Value, TeraError> {
    let from = kwargs.must_get::<&str>("from")?;
    let to = kwargs.must_get::<StringInput>("to")?;
    let safe = state.autoescaping_enabled() && (val.is_safe() || to.is_safe());
    let text = text_of(&val, safe, state)?;
    let to = text_of(&to, safe, state)?;
    let count = if from.is_empty() {
        text.chars().count() + 1
    } else {
        text.matches(from).count()
    };
    within_budget(text.len().saturating_add(count.saturating_mul(to.len())))?;
    let out = text.replace(from, &to);
    Ok(if safe {
        Value::safe_string(&out)
    } else {
        Value::from(out)
    })
}

fn join(val: &[Value], kwargs: Kwargs, state: &State) -> Result<Value, TeraError> {
    let sep = kwargs.get::<StringInput>("sep")?;
    let safe = state.autoescaping_enabled()
        && (val.iter().any(|x| x.is_string() && x.is_safe())
            || sep.as_ref().is_some_and(|x| x.is_safe()));
    let sep = match &sep {
        Some(sep) => text_of(sep, safe, state)?,
        None => Cow::Borrowed(""),
    };
    let items: usize = val
        .iter()
        .map(|item| value_size(item, MAX_VALUE_BYTES))
        .fold(0, usize::saturating_add);
    within_budget(items.saturating_add(val.len().saturating_mul(sep.len())))?;
    let mut parts = Vec::with_capacity(val.len());
    for item in val {
        parts.push(if item.is_undefined() {
            String::new()
        } else if safe {
            state.escape_if_needed(item)?
        } else {
            item.to_string()
        });
    }
    let out = parts.join(&sep);
    Ok(if safe {
        Value::safe_string(&out)
    } else {
        Value::from(out)
    })
}

fn split(val: &str, kwargs: Kwargs, _: &State) -> Result<Value, TeraError> {
    let pat = kwargs.must_get::<&str>("pat")?;
    let pieces = if pat.is_empty() {
        val.chars().count() + 2
    } else {
        val.matches(pat).count() + 1
    };
    within_budget(val.len().saturating_add(pieces.saturating_mul(ENTRY_BYTES)))?;
    Ok(val
        .split(pat)
        .map(Value::from)
        .collect::<Vec<Value>>()
        .into())
}

fn indent(val: StringInput, kwargs: Kwargs, state: &State) -> Result<Value, TeraError> {
    let width = kwargs.get::<usize>("width")?.unwrap_or(4).min(1000);
    let indentation = kwargs.get::<StringInput>("indentation")?;
    let first = kwargs.get::<bool>("first")?.unwrap_or(false);
    let blank = kwargs.get::<bool>("blank")?.unwrap_or(false);
    if indentation
        .as_ref()
        .is_some_and(|i| i.as_str().chars().count() != 1)
    {
        return Err(TeraError::message(
            "The `indentation` argument must contain exactly one character",
        ));
    }
    let safe = state.autoescaping_enabled()
        && (val.is_safe() || indentation.as_ref().is_some_and(|x| x.is_safe()));
    let text = text_of(&val, safe, state)?;
    let unit = match &indentation {
        Some(i) => text_of(i, safe, state)?,
        None => Cow::Borrowed(" "),
    };
    let lines = text.lines().count() + 1;
    within_budget(
        text.len()
            .saturating_add(lines.saturating_mul(width).saturating_mul(unit.len())),
    )?;
    let indent = unit.repeat(width);
    let mut out = String::with_capacity(text.len() * 2);
    for (index, line) in text.lines().enumerate() {
        if index == 0 {
            if first {
                out.push_str(&indent);
            }
        } else {
            out.push('\n');
            if !line.is_empty() || blank {
                out.push_str(&indent);
            }
        }
        out.push_str(line);
    }
    if text.ends_with('\n') {
        out.push('\n');
    }
    Ok(if safe {
        Value::safe_string(&out)
    } else {
        Value::from(out)
    })
}
