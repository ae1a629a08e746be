//! The arguments each filter and function for chapters accepts, declared where it is
//! registered and checked on every call: a misspelt `stelen=` is refused, not ignored.
//!
//! [`Registry`] is the only way `expand` registers filters and functions (a unit test holds
//! it), so a new one cannot forget to declare its arguments.

use tera::{Error as TeraError, Kwargs, State, Tera, Value};

/// Registers filters and functions with the arguments they accept.
pub(super) struct Registry<'a> {
    tera: &'a mut Tera,
    /// What was registered: (name, whether it is a filter), for the tests that call each.
    pub(super) registered: Vec<(&'static str, bool)>,
}

impl<'a> Registry<'a> {
    pub(super) fn new(tera: &'a mut Tera) -> Self {
        Self {
            tera,
            registered: Vec::new(),
        }
    }

    /// Registers the filter `name`; a call with an argument not in `allowed` is refused.
    pub(super) fn filter<F, R>(
        &mut self,
        name: &'static str,
        allowed: &'static [&'static str],
        f: F,
    ) where
        F: Fn(&Value, &Kwargs) -> Result<R, TeraError> + Send + Sync + 'static,
        R: Into<Value>,
    {
        self.registered.push((name, true));
        self.tera
            .register_filter(name, move |value: &Value, kwargs: Kwargs, _: &State| {
                check(name, allowed, &kwargs)?;
                f(value, &kwargs).map(Into::into)
            });
    }

    /// Registers the function `name`; a call with an argument not in `allowed` is refused.
    pub(super) fn function<F, R>(
        &mut self,
        name: &'static str,
        allowed: &'static [&'static str],
        f: F,
    ) where
        F: Fn(&Kwargs) -> Result<R, TeraError> + Send + Sync + 'static,
        R: Into<Value>,
    {
        self.registered.push((name, false));
        self.tera
            .register_function(name, move |kwargs: Kwargs, _: &State| {
                check(name, allowed, &kwargs)?;
                f(&kwargs).map(Into::into)
            });
    }
}

/// Refuses the first argument of `kwargs` that `name` does not know, naming the allowed ones.
pub(super) fn check(name: &str, allowed: &[&str], kwargs: &Kwargs) -> Result<(), TeraError> {
    for (key, _) in kwargs.iter() {
        let key = key.to_string();
        if allowed.contains(&key.as_str()) {
            continue;
        }
        return Err(TeraError::message(if allowed.is_empty() {
            format!("{name}: das Argument „{key}“ gibt es nicht; {name} nimmt keine Argumente")
        } else {
            format!(
                "{name}: das Argument „{key}“ gibt es nicht (erlaubt: {})",
                allowed.join(", ")
            )
        }));
    }
    Ok(())
}

/// Refuses a call that names more than one of `kinds` (`verweis(id=…, abbildung=…)`): only
/// one of them can say what is referred to.
pub(super) fn at_most_one(name: &str, kinds: &[&str], kwargs: &Kwargs) -> Result<(), TeraError> {
    let given: Vec<&str> = kinds
        .iter()
        .copied()
        .filter(|kind| kwargs.iter().any(|(key, _)| key.as_str() == Some(*kind)))
        .collect();
    if given.len() > 1 {
        return Err(TeraError::message(format!(
            "{name}: {} schließen einander aus; nennen Sie genau eines von {}",
            given
                .iter()
                .map(|key| format!("{key}="))
                .collect::<Vec<_>>()
                .join(" und "),
            kinds
                .iter()
                .map(|key| format!("{key}="))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// Every file of `expand` but this one registers through [`super::Registry`] only: a
    /// filter registered directly with tera would accept any argument unchecked.
    #[test]
    fn expand_registers_filters_and_functions_only_through_the_registry() {
        let sources = [
            ("mod.rs", include_str!("mod.rs")),
            ("render.rs", include_str!("render.rs")),
            ("messages.rs", include_str!("messages.rs")),
            ("doubled.rs", include_str!("doubled.rs")),
            ("titles.rs", include_str!("titles.rs")),
        ];
        for (file, text) in sources {
            for direct in [".register_filter(", ".register_function("] {
                assert!(!text.contains(direct), "{file} calls {direct} directly");
            }
        }
    }
}
