//! The catalogue as templates use it: `{{ w.t("nav-dashboard") }}`, escaped by the template.

use vjt_domain::{Arg, Catalogue, Lang, Message};

#[derive(Debug, Clone, Copy)]
pub struct Words {
    pub lang: Lang,
    catalogue: Catalogue,
}

impl Words {
    pub fn new(lang: Lang) -> Self {
        Words { lang, catalogue: Catalogue::new(lang) }
    }

    /// A message without values.
    pub fn t(&self, key: &str) -> String {
        self.catalogue.t(key)
    }

    /// A message with one number (words agree with it).
    pub fn n(&self, key: &str, n: impl Into<Arg> + Clone) -> String {
        self.catalogue.f(key, &[("n", n)])
    }

    /// A message with named values.
    pub fn f(&self, key: &str, args: &[(&str, Arg)]) -> String {
        self.catalogue.f(key, args)
    }

    pub fn message(&self, m: &Message) -> String {
        self.catalogue.message(m)
    }

    /// `en` or `sw`, for `lang` attributes.
    pub fn code(&self) -> &'static str {
        self.lang.code()
    }
}
