//! Every sentence vjt shows a person, in English and Kiswahili, from one catalogue: the Fluent
//! files under `messages/<lang>/`, which a translator edits without touching code. Fluent's
//! selectors carry what Kiswahili needs and a `{}` table could not: plurals and noun-class
//! agreement ("Shirika 1 liliwasilisha", "Mashirika 3 yaliwasilisha").
//!
//! The files are compiled into the binary; nothing is read at run time. The crate knows nothing
//! of vjt's model, so the domain itself can say its errors through it.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::types::FluentNumber;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The two languages of the first deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Sw,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Sw];

    /// The BCP 47 code: `en`, `sw` (for `lang` attributes and file names).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Sw => "sw",
        }
    }

    /// `en` or `sw`, anything else is not a language vjt speaks.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" | "english" => Some(Lang::En),
            "sw" | "kiswahili" | "swahili" => Some(Lang::Sw),
            _ => None,
        }
    }
}

/// The files of each language, in the order they are loaded.
const FILES: [(&str, &str, &str); 4] = [
    ("report.ftl", include_str!("../messages/en/report.ftl"), include_str!("../messages/sw/report.ftl")),
    ("fields.ftl", include_str!("../messages/en/fields.ftl"), include_str!("../messages/sw/fields.ftl")),
    ("pages.ftl", include_str!("../messages/en/pages.ftl"), include_str!("../messages/sw/pages.ftl")),
    ("problems.ftl", include_str!("../messages/en/problems.ftl"), include_str!("../messages/sw/problems.ftl")),
];

fn bundle(lang: Lang) -> &'static FluentBundle<FluentResource> {
    static BUNDLES: OnceLock<[FluentBundle<FluentResource>; 2]> = OnceLock::new();
    let bundles = BUNDLES.get_or_init(|| {
        Lang::ALL.map(|lang| {
            let id = lang.code().parse().expect("en and sw are language identifiers");
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Unicode isolation marks would show in HTML attributes, CSV cells and the PDF.
            bundle.set_use_isolating(false);
            for (name, en, sw) in FILES {
                let text = if lang == Lang::Sw { sw } else { en };
                // A file that does not parse fails the catalogue's tests; what parsed is still used.
                let resource = FluentResource::try_new(text.to_string()).unwrap_or_else(|(partial, _)| partial);
                if let Err(errors) = bundle.add_resource(resource) {
                    debug_assert!(errors.is_empty(), "{name}: {errors:?}");
                }
            }
            bundle
        })
    });
    &bundles[if lang == Lang::Sw { 1 } else { 0 }]
}

/// A value put into a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Shown as it is.
    Text(String),
    /// A number: shown as given, and selects the words that agree with it.
    Number(String),
    /// Another message of the catalogue, in the same language (a field's name, a vocabulary's name).
    Word(Cow<'static, str>),
    /// A whole message (with its own values), said in the same language: a reason inside a reason.
    Message(Box<Message>),
    /// A word the caller already has in both languages (a vocabulary's label).
    Label { en: &'static str, sw: &'static str },
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::from(v.to_string())
    }
}

/// Text that reads as a number is a number, so that the words around it can agree with it.
impl From<String> for Arg {
    fn from(v: String) -> Self {
        if !v.is_empty() && v.parse::<f64>().is_ok() {
            Arg::Number(v)
        } else {
            Arg::Text(v)
        }
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Self {
                Arg::Number(v.to_string())
            }
        }
        // Templates hand values over by reference.
        impl From<&$t> for Arg {
            fn from(v: &$t) -> Self {
                Arg::Number(v.to_string())
            }
        }
    )*};
}
number_args!(u8, u16, u32, u64, usize, i32, i64, f64);

/// A message to show, not yet put into words: its key in the catalogue and its values. Errors
/// carry these, so that the page, the report or the command line says them in its own language.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub key: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

impl From<Message> for Arg {
    fn from(m: Message) -> Self {
        Arg::Message(Box::new(m))
    }
}

impl Message {
    pub fn new(key: &'static str) -> Message {
        Message { key, args: Vec::new() }
    }

    /// Another message of the catalogue as a value (said in the same language).
    pub fn with_word(mut self, name: &'static str, key: impl Into<Cow<'static, str>>) -> Message {
        self.args.push((name, Arg::Word(key.into())));
        self
    }

    /// A word given in both languages as a value.
    pub fn with_label(mut self, name: &'static str, en: &'static str, sw: &'static str) -> Message {
        self.args.push((name, Arg::Label { en, sw }));
        self
    }

    pub fn with(mut self, name: &'static str, value: impl Into<Arg>) -> Message {
        self.args.push((name, value.into()));
        self
    }

    /// In a language.
    pub fn text(&self, lang: Lang) -> String {
        Catalogue::new(lang).message(self)
    }
}

/// English: what the command line and the logs show.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// Words in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Catalogue {
    pub lang: Lang,
}

impl Catalogue {
    pub fn new(lang: Lang) -> Self {
        Catalogue { lang }
    }

    /// A message without values. A missing key is a programming error that the catalogue's tests
    /// catch; the key itself is shown rather than nothing.
    pub fn t(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// A message with values.
    pub fn f<A: Into<Arg> + Clone>(&self, key: &str, args: &[(&str, A)]) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            let value = match value.clone().into() {
                Arg::Text(t) => FluentValue::String(Cow::Owned(t)),
                Arg::Number(n) => match n.parse::<FluentNumber>() {
                    Ok(number) => FluentValue::Number(number),
                    Err(_) => FluentValue::String(Cow::Owned(n)),
                },
                Arg::Word(key) => FluentValue::String(Cow::Owned(self.t(&key))),
                Arg::Message(m) => FluentValue::String(Cow::Owned(self.message(&m))),
                Arg::Label { en, sw } => {
                    FluentValue::String(Cow::Borrowed(if self.lang == Lang::Sw { sw } else { en }))
                }
            };
            fluent.set(name.to_string(), value);
        }
        self.format(key, Some(&fluent))
    }

    pub fn message(&self, m: &Message) -> String {
        self.f(m.key, &m.args)
    }

    /// Whether the catalogue has a message with this key.
    pub fn has(&self, key: &str) -> bool {
        bundle(self.lang).has_message(key)
    }

    fn format(&self, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        let bundle = bundle(self.lang);
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else { return key.to_string() };
        let mut errors = Vec::new();
        bundle.format_pattern(pattern, args, &mut errors).into_owned()
    }
}

/// The sources of the catalogue, for its tests: (file, English text, Kiswahili text).
pub fn sources() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    FILES.into_iter()
}

/// Every key of a language's catalogue.
pub fn keys(lang: Lang) -> Vec<String> {
    let mut keys = Vec::new();
    for (_, en, sw) in FILES {
        let text = if lang == Lang::Sw { sw } else { en };
        for line in text.lines() {
            let Some((id, _)) = line.split_once('=') else { continue };
            let id = id.trim();
            let starts_entry = line.starts_with(|c: char| c.is_ascii_alphabetic());
            if starts_entry && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                keys.push(id.to_string());
            }
        }
    }
    keys
}

/// Stretches of English text (at least four words, between values) that the Kiswahili catalogue
/// does not share: if a Kiswahili page shows one of these, a sentence was left untranslated.
pub fn english_phrases() -> Vec<String> {
    let (en, sw) = (Catalogue::new(Lang::En), Catalogue::new(Lang::Sw));
    let sw_text: String = keys(Lang::Sw).iter().map(|k| sw.t(k)).collect::<Vec<_>>().join("\n");
    let mut phrases = Vec::new();
    for key in keys(Lang::En) {
        // Without values, Fluent leaves each placeholder as `{$name}`: split there.
        for piece in en.t(&key).split(['{', '}']) {
            let piece = piece.trim_matches(|c: char| c.is_whitespace() || c.is_ascii_punctuation());
            if piece.split_whitespace().count() >= 4 && !sw_text.contains(piece) {
                phrases.push(piece.to_string());
            }
        }
    }
    phrases.sort();
    phrases.dedup();
    phrases
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_agree_with_their_numbers() {
        let en = Catalogue::new(Lang::En);
        let one = [("orgs", Arg::from(1u64)), ("reports", 1u64.into()), ("victims", 1u64.into())];
        assert_eq!(en.f("sum_reports", &one), "1 organisation submitted 1 route report, estimating 1 victim in all.");
        let many = [("orgs", Arg::from(3u64)), ("reports", "<5".into()), ("victims", 0u64.into())];
        assert_eq!(
            en.f("sum_reports", &many),
            "3 organisations submitted <5 route reports, estimating 0 victims in all."
        );
        let sw = Catalogue::new(Lang::Sw);
        assert!(sw.f("sum_reports", &one).starts_with("Shirika 1 liliwasilisha"));
        assert!(sw.f("sum_reports", &many).starts_with("Mashirika 3 yaliwasilisha"));
        let places = |n: u64| [("share", Arg::from("99.7")), ("unresolved", n.into())];
        assert!(en.f("method_places", &places(1)).ends_with("and 1 name remains for review."));
        assert!(en.f("method_places", &places(0)).ends_with("and none remain for review."));
        assert!(en.f("method_places", &places(7)).ends_with("and 7 names remain for review."));
        assert!(sw.f("method_places", &places(1)).ends_with("jina 1 linasubiri kukaguliwa."));
        assert!(sw.f("method_places", &places(7)).ends_with("majina 7 yanasubiri kukaguliwa."));
    }

    #[test]
    fn numbers_keep_the_form_they_were_given() {
        let en = Catalogue::new(Lang::En);
        assert_eq!(
            en.f("generated", &[("date", "2020-03-01"), ("reports", "2020")]),
            "Made on 2020-03-01 from 2020 route reports"
        );
        assert_eq!(Arg::from("12.5"), Arg::Number("12.5".into()));
        assert_eq!(Arg::from("<5"), Arg::Text("<5".into()));
        assert_eq!(Arg::from("Nairobi"), Arg::Text("Nairobi".into()));
    }

    #[test]
    fn a_missing_value_shows_its_name_for_scripts_to_fill() {
        assert_eq!(Catalogue::new(Lang::Sw).t("form-county"), "Kaunti ya {$name}");
    }

    #[test]
    fn a_missing_key_shows_itself() {
        assert_eq!(Catalogue::new(Lang::Sw).t("no-such-message"), "no-such-message");
        assert!(!Catalogue::new(Lang::En).has("no-such-message"));
    }
}
