//! Declarations that take one of several forms (a path or a list of rows, one source or a list
//! of them, a label or a path of labels) are read by the form the author wrote, not by trying
//! each form in turn (serde's `untagged`): then a typo inside the form is reported as itself,
//! in German and at its own line, instead of „data did not match any variant of untagged
//! enum“ at the start of the block.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

/// A type read by the form of its YAML node. Each form it does not take is refused with
/// [`Shaped::EXPECTING`] (German: what may stand here).
pub(crate) trait Shaped<'de>: Sized {
    /// What may stand here, e.g. „ein Datenpfad oder eine Liste von Zeilen“.
    const EXPECTING: &'static str;

    /// A mapping (`schluessel: wert`).
    fn from_map<D: Deserializer<'de>>(map: D) -> Result<Self, D::Error> {
        Err(refused(
            map,
            "eine Zuordnung (Schlüssel: Wert)",
            Self::EXPECTING,
        ))
    }

    /// A list (`- …` or `[…]`).
    fn from_seq<D: Deserializer<'de>>(seq: D) -> Result<Self, D::Error> {
        Err(refused(seq, "eine Liste", Self::EXPECTING))
    }

    /// A text.
    fn from_text<E: de::Error>(text: &str) -> Result<Self, E> {
        Err(E::custom(format!(
            "hier steht der Text „{text}“, erwartet wird {}",
            Self::EXPECTING
        )))
    }

    /// A whole number.
    fn from_int<E: de::Error>(number: i64) -> Result<Self, E> {
        Err(E::custom(format!(
            "hier steht die Zahl {number}, erwartet wird {}",
            Self::EXPECTING
        )))
    }

    /// A decimal number.
    fn from_float<E: de::Error>(number: f64) -> Result<Self, E> {
        Err(E::custom(format!(
            "hier steht die Zahl {number}, erwartet wird {}",
            Self::EXPECTING
        )))
    }
}

/// The refusal of a form, built on the deserializer's error type.
fn refused<'de, D: Deserializer<'de>>(_: D, found: &str, expecting: &str) -> D::Error {
    de::Error::custom(format!("hier steht {found}, erwartet wird {expecting}"))
}

/// Reads `T` by the form of the node.
pub(crate) fn deserialize<'de, D: Deserializer<'de>, T: Shaped<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_any(ShapeVisitor(PhantomData))
}

struct ShapeVisitor<T>(PhantomData<T>);

impl<'de, T: Shaped<'de>> Visitor<'de> for ShapeVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(MapAccessDeserializer::new(map))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        T::from_seq(SeqAccessDeserializer::new(seq))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        T::from_text(text)
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<T, E> {
        T::from_int(number)
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<T, E> {
        match i64::try_from(number) {
            Ok(number) => T::from_int(number),
            // Beyond i64: as a decimal, which every form that takes numbers accepts.
            Err(_) => T::from_float(number as f64),
        }
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<T, E> {
        T::from_float(number)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<T, E> {
        Err(E::custom(format!(
            "hier steht {value}, erwartet wird {}",
            T::EXPECTING
        )))
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Err(E::custom(format!(
            "hier fehlt der Wert, erwartet wird {}",
            T::EXPECTING
        )))
    }

    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        self.visit_unit()
    }
}
