//! The personal-data screen: vjt models no survivor personal data, but free text can carry it by
//! accident ("call her on 0722 123 456"). Such text is redacted before it is stored, and the
//! redaction is reported so the person importing knows.

use std::sync::OnceLock;

use regex::Regex;

/// What kind of personal data was taken out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Redacted {
    Email,
    Phone,
    IdNumber,
}

impl Redacted {
    fn marker(self) -> &'static str {
        match self {
            Redacted::Email => "[email removed]",
            Redacted::Phone => "[phone removed]",
            Redacted::IdNumber => "[id number removed]",
        }
    }
}

struct Patterns {
    email: Regex,
    phone: Regex,
    id: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        email: Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}").expect("valid pattern"),
        // Nine or more digits, optionally with +, spaces, dots, dashes or brackets between them:
        // +254 722 123 456, 0722-123-456, (020) 123 4567.
        phone: Regex::new(r"\+?\(?\d[\d\s.\-()]{7,}\d").expect("valid pattern"),
        // Passport-like (one or two letters then 6–8 digits) and bare 7–8 digit national ID numbers.
        id: Regex::new(r"\b(?:[A-Za-z]{1,2}\d{6,8}|\d{7,8})\b").expect("valid pattern"),
    })
}

fn digits(s: &str) -> usize {
    s.chars().filter(char::is_ascii_digit).count()
}

/// Returns the text with personal data replaced by markers, and what was removed.
pub fn screen(text: &str) -> (String, Vec<Redacted>) {
    let p = patterns();
    let mut found = Vec::new();
    let mut out = text.to_string();
    if p.email.is_match(&out) {
        out = p.email.replace_all(&out, Redacted::Email.marker()).into_owned();
        found.push(Redacted::Email);
    }
    let mut phone = false;
    out = p
        .phone
        .replace_all(&out, |c: &regex::Captures| {
            let m = &c[0];
            // Years and ranges such as "2019-2020" have 8 digits; a phone number has at least 9.
            if digits(m) >= 9 {
                phone = true;
                Redacted::Phone.marker().to_string()
            } else {
                m.to_string()
            }
        })
        .into_owned();
    if phone {
        found.push(Redacted::Phone);
    }
    let mut id = false;
    out =
        p.id.replace_all(&out, |c: &regex::Captures| {
            let m = &c[0];
            // A bare 8-digit run like 20192020 is more likely two years than an ID; keep those.
            let looks_like_years = m.len() == 8
                && m.chars().all(|ch| ch.is_ascii_digit())
                && (m.starts_with("19") || m.starts_with("20"))
                && (m[4..].starts_with("19") || m[4..].starts_with("20"));
            if looks_like_years {
                m.to_string()
            } else {
                id = true;
                Redacted::IdNumber.marker().to_string()
            }
        })
        .into_owned();
    if id {
        found.push(Redacted::IdNumber);
    }
    (out, found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_emails_and_id_numbers_are_removed() {
        let (text, found) = screen("Contact mama on 0722 123 456 or +254-733-000111, mail jane.doe@example.org");
        assert_eq!(text, "Contact mama on [phone removed] or [phone removed], mail [email removed]");
        assert_eq!(found, [Redacted::Email, Redacted::Phone]);
        let (text, found) = screen("Passport A1234567 and ID 23456789 were taken by the agent");
        assert_eq!(text, "Passport [id number removed] and ID [id number removed] were taken by the agent");
        assert_eq!(found, [Redacted::IdNumber]);
    }

    #[test]
    fn route_facts_are_left_alone() {
        for text in [
            "Seen 2019-2020 on the Busia route",
            "About 120 cases, ages 14 to 17",
            "Route B104 to Nakuru",
            "Kenya 2020 round",
        ] {
            let (out, found) = screen(text);
            assert_eq!(out, text);
            assert!(found.is_empty(), "{text}: {found:?}");
        }
    }
}
