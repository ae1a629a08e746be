//! The BA's and GENESIS' special values (`X`, `*`, `–`, `.`, `...`): values of their own kind that stand where a
//! figure cannot be given. They are kept as their sign in the data tree, so that text, tables
//! and charts show the sign and never a 0.

/// A special value of the Statistik der Bundesagentur für Arbeit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    /// `X`: Nachweis nicht möglich oder nicht sinnvoll.
    NotPossible,
    /// `*`: anonymisiert (kleine Fallzahlen).
    Anonymised,
    /// `–` or `-`: nichts vorhanden.
    Nothing,
    /// `.`: Zahlenwert unbekannt oder geheim.
    Unknown,
    /// `...`: Angabe fällt später an (GENESIS: not yet published).
    Later,
}

impl Special {
    /// Recognises a sign as the BA writes it (surrounding spaces ignored).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().trim_matches('\u{a0}') {
            "X" | "x" => Some(Self::NotPossible),
            "*" => Some(Self::Anonymised),
            "-" | "–" | "—" | "−" => Some(Self::Nothing),
            "." => Some(Self::Unknown),
            "..." | "…" => Some(Self::Later),
            _ => None,
        }
    }

    /// The sign shown in tables and kept in the data: `X`, `*`, `–`, `.`.
    pub fn sign(self) -> &'static str {
        match self {
            Self::NotPossible => "X",
            Self::Anonymised => "*",
            Self::Nothing => "–",
            Self::Unknown => ".",
            Self::Later => "...",
        }
    }

    /// What the sign means, in German.
    pub fn meaning(self) -> &'static str {
        match self {
            Self::NotPossible => "Nachweis nicht möglich",
            Self::Anonymised => "anonymisiert",
            Self::Nothing => "nichts vorhanden",
            Self::Unknown => "Zahlenwert unbekannt",
            Self::Later => "Angabe fällt später an",
        }
    }

    /// The sign with its meaning, for running text: "X (Nachweis nicht möglich)".
    pub fn in_text(self) -> String {
        format!("{} ({})", self.sign(), self.meaning())
    }

    /// The special value a data value holds, if any.
    pub fn of(value: &serde_json::Value) -> Option<Self> {
        value.as_str().and_then(Self::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sign_is_recognised_and_round_trips() {
        for sign in ["X", "*", "–", ".", "..."] {
            let special = Special::parse(sign).unwrap();
            assert_eq!(special.sign(), sign);
        }
        assert_eq!(Special::parse(" - "), Some(Special::Nothing));
        assert_eq!(Special::parse("0"), None);
        assert_eq!(Special::parse("XX"), None);
        assert_eq!(Special::parse("…"), Some(Special::Later));
        assert_eq!(Special::NotPossible.in_text(), "X (Nachweis nicht möglich)");
    }
}
