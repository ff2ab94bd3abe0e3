//! Small validated text types shared across the model.

use std::fmt;

use vjt_catalogue::Message;

/// Why a piece of text was refused. `what` is the catalogue's word for the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    Empty { what: &'static str },
    TooLong { what: &'static str, len: usize, max: usize },
    ControlCharacter { what: &'static str },
}

impl TextError {
    pub fn message(&self) -> Message {
        match self {
            TextError::Empty { what } => Message::new("text-empty").with_word("what", *what),
            TextError::TooLong { what, len, max } => {
                Message::new("text-too-long").with_word("what", *what).with("len", *len).with("max", *max)
            }
            TextError::ControlCharacter { what } => Message::new("text-control-character").with_word("what", *what),
        }
    }
}

crate::says!(TextError);

/// `raw` trimmed, with each inner run of white space made one space. Built in one pass: places,
/// organisations and rounds of every imported row go through it, and a list of the words joined
/// afterwards cost two more allocations each.
fn collapse_spaces(raw: &str) -> String {
    // Most texts are ASCII with single spaces between words and none around them: copied as
    // they are after one look at their bytes.
    let bytes = raw.as_bytes();
    let tidy = bytes.first().is_none_or(|b| *b != b' ')
        && bytes.last().is_none_or(|b| *b != b' ')
        && !bytes.windows(2).any(|w| w == b"  ")
        && bytes.iter().all(|b| (b' '..=b'~').contains(b));
    if tidy {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    for word in raw.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Trims, collapses inner runs of white space and checks length and characters.
pub(crate) fn clean_text(raw: &str, what: &'static str, max: usize) -> Result<String, TextError> {
    let cleaned = collapse_spaces(raw);
    if cleaned.is_empty() {
        return Err(TextError::Empty { what });
    }
    // ASCII text (most) is checked byte by byte; its length in characters is its length.
    let (control, len) = if cleaned.is_ascii() {
        (cleaned.bytes().any(|b| b.is_ascii_control()), cleaned.len())
    } else {
        (cleaned.chars().any(char::is_control), cleaned.chars().count())
    };
    if control {
        return Err(TextError::ControlCharacter { what });
    }
    if len > max {
        return Err(TextError::TooLong { what, len, max });
    }
    Ok(cleaned)
}

macro_rules! text_type {
    ($(#[$meta:meta])* $name:ident, $what:literal, $max:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;
            pub fn parse(raw: &str) -> Result<Self, TextError> {
                clean_text(raw, $what, $max).map(Self)
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

text_type!(
    /// An organisation's name as the network knows it.
    OrganisationName, "what-organisation-name", 200
);
text_type!(
    /// A collection round's name, e.g. "Kenya 2020".
    RoundName, "what-round-name", 100
);
text_type!(
    /// A place exactly as the reporter wrote it (white space tidied, nothing else changed).
    StopText, "what-place", 200
);
text_type!(
    /// The reporting organisation's own reference for a report: the identity for re-import.
    ReportRef, "what-report-id", 100
);
text_type!(
    /// Free-text notes on a route (never about an individual survivor).
    Notes, "what-notes", 4000
);

/// The case- and space-insensitive key under which names are unique ("HAART  kenya" = "HAART Kenya").
pub fn name_key(name: &str) -> String {
    let mut key = collapse_spaces(name);
    if key.is_ascii() {
        key.make_ascii_lowercase();
        key
    } else {
        key.to_lowercase()
    }
}

/// An ISO 3166-1 alpha-2 country code, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CountryCode([u8; 2]);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryCodeError(pub String);

impl CountryCodeError {
    pub fn message(&self) -> Message {
        Message::new("country-code-invalid").with("value", vjt_catalogue::Arg::Text(self.0.clone()))
    }
}

crate::says!(CountryCodeError);

impl CountryCode {
    pub fn parse(raw: &str) -> Result<Self, CountryCodeError> {
        let t = raw.trim();
        match t.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Ok(Self([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => Err(CountryCodeError(raw.to_string())),
        }
    }
    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for CountryCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for CountryCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_tidied_and_bounded() {
        assert_eq!(StopText::parse("  Nairobi   CBD ").unwrap().as_str(), "Nairobi CBD");
        assert_eq!(StopText::parse("   "), Err(TextError::Empty { what: "what-place" }));
        assert!(matches!(StopText::parse(&"x".repeat(201)), Err(TextError::TooLong { len: 201, .. })));
        assert!(OrganisationName::parse("HAART\u{0}Kenya").is_err());
    }

    #[test]
    fn country_codes_are_two_letters() {
        assert_eq!(CountryCode::parse(" ke ").unwrap().as_str(), "KE");
        assert!(CountryCode::parse("KEN").is_err());
        assert!(CountryCode::parse("K1").is_err());
    }

    #[test]
    fn name_keys_ignore_case_and_spacing() {
        assert_eq!(name_key("  HAART   Kenya "), name_key("haart kenya"));
        // The one-pass key is the words joined by one space, lower-cased, for any white space
        // (a vertical tab, a no-break space) and any letters (the Greek final sigma included).
        for name in [
            "HAART\u{0B}Kenya",
            " \r\n HAART \x0c Kenya\t",
            "HAART\u{1F}Kenya",
            "Kwa\u{A0}\u{A0}Mzee  Stage",
            "ΟΔΟΣ  ΑΘΗΝΑΣ",
            "Çağrı\tMerkezi",
            "",
            "  ",
            // Tidy ASCII, copied as it is, and the nearly tidy, which is not.
            "HAART Kenya",
            "Nairobi",
            " HAART Kenya",
            "HAART Kenya ",
            "HAART  Kenya",
            "HAART\tKenya",
        ] {
            let slow = name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
            assert_eq!(name_key(name), slow, "{name:?}");
        }
        assert_eq!(name_key("ΟΔΟΣ  ΑΘΗΝΑΣ"), "οδος αθηνας");
    }

    #[test]
    fn texts_are_tidied_and_measured_in_characters() {
        assert_eq!(clean_text("  Kwa   Mzee\u{A0}stage ", "place", 20).unwrap(), "Kwa Mzee stage");
        assert!(matches!(clean_text(" \t ", "place", 20), Err(TextError::Empty { .. })));
        assert!(matches!(clean_text("Busia\u{7}", "place", 20), Err(TextError::ControlCharacter { .. })));
        assert!(matches!(clean_text("Busia\u{85}x", "place", 20), Ok(t) if t == "Busia x"));
        assert!(matches!(clean_text("Busia\u{9F}", "place", 20), Err(TextError::ControlCharacter { .. })));
        // Five characters in ten bytes fit a limit of five; six ASCII characters do not.
        assert!(clean_text("Ελλάς", "place", 5).is_ok());
        assert!(matches!(clean_text("Nakuru", "place", 5), Err(TextError::TooLong { len: 6, max: 5, .. })));
    }
}
