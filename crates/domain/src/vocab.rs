//! Controlled vocabularies with stable codes, English and Kiswahili labels, and forgiving parsing.
//!
//! Codes never change once released: they are what the database, exports and the API carry.
//! Where HTCDS v2.0 has a picklist the codes follow it (see `docs/vocabularies.md`); transport has no
//! standard list, so vjt documents its own. Every reported vocabulary allows `unknown`.

use std::collections::BTreeSet;
use std::fmt;

use crate::text::{closest, fold};

pub use vjt_catalogue::Lang;

/// A word that is not in a vocabulary, with the closest valid codes to offer instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownTerm {
    pub vocabulary: &'static str,
    pub input: String,
    pub suggestions: Vec<&'static str>,
}

impl UnknownTerm {
    pub fn message(&self) -> vjt_catalogue::Message {
        use vjt_catalogue::{Arg, Message};
        let vocabulary = format!("vocabulary-{}", self.vocabulary.replace(' ', "-"));
        let value = Arg::Text(self.input.trim().to_string());
        if self.suggestions.is_empty() {
            Message::new("term-unknown").with("value", value).with_word("vocabulary", vocabulary)
        } else {
            Message::new("term-unknown-suggest")
                .with("value", value)
                .with_word("vocabulary", vocabulary)
                .with("suggestions", Arg::Text(self.suggestions.join(", ")))
        }
    }
}

crate::says!(UnknownTerm);

/// What every vocabulary offers. Implemented by the `vocabulary!` macro below.
pub trait Vocabulary: Copy + Ord + Eq + std::hash::Hash + fmt::Debug + 'static {
    /// The vocabulary's name in plain words, for error messages ("exploitation type").
    const NAME: &'static str;
    fn all() -> &'static [Self];
    fn code(self) -> &'static str;
    fn label(self, lang: Lang) -> &'static str;
    fn synonyms(self) -> &'static [&'static str];
    /// Every folded spelling (code, labels, synonyms) mapped to its term; built once per vocabulary.
    fn spellings() -> &'static SpellingTable<Self>;

    /// The term a spelling names, if any: [`Vocabulary::parse`] without the suggestions, which
    /// cost an edit distance to every spelling (a fifth of an import's reading when a file has
    /// no status column and every row asked).
    fn find(input: &str) -> Option<Self> {
        // Files and forms mostly carry the codes themselves: found without folding or hashing.
        if let Some(term) = Self::all().iter().find(|t| t.code() == input) {
            return Some(*term);
        }
        Self::spellings().get(&fold(input)).copied()
    }

    /// Accepts a code, a label in either language or a synonym, ignoring case, accents and punctuation.
    fn parse(input: &str) -> Result<Self, UnknownTerm> {
        if let Some(term) = Self::find(input) {
            return Ok(term);
        }
        let spellings = Self::all().iter().flat_map(|t| {
            [t.code(), t.label(Lang::En), t.label(Lang::Sw)]
                .into_iter()
                .chain(t.synonyms().iter().copied())
                .map(move |s| (s, t.code()))
        });
        // Suggest codes, found through whichever spelling came closest.
        let spelled: Vec<(&'static str, &'static str)> = spellings.collect();
        let near = closest(input, spelled.iter().map(|(s, _)| *s), 8);
        let mut suggestions: Vec<&'static str> = Vec::new();
        for s in near {
            if let Some((_, code)) = spelled.iter().find(|(sp, _)| *sp == s) {
                if !suggestions.contains(code) {
                    suggestions.push(code);
                }
            }
        }
        suggestions.truncate(3);
        Err(UnknownTerm { vocabulary: Self::NAME, input: input.to_string(), suggestions })
    }
}

/// A vocabulary's folded spellings and their terms.
pub type SpellingTable<T> = crate::text::TextMap<T>;

/// Builds the folded-spelling table of a vocabulary.
pub fn spelling_table<T: Vocabulary>() -> SpellingTable<T> {
    let mut map = SpellingTable::default();
    for &term in T::all() {
        let spellings = [term.code(), term.label(Lang::En), term.label(Lang::Sw)];
        for s in spellings.into_iter().chain(term.synonyms().iter().copied()) {
            map.entry(fold(s)).or_insert(term);
        }
    }
    map
}

/// Parses a `;`-separated list (also `,` or `|`) of terms. Empty items are skipped; every unknown
/// item is reported, not just the first.
pub fn parse_list<T: Vocabulary>(input: &str) -> Result<BTreeSet<T>, Vec<UnknownTerm>> {
    let mut terms = BTreeSet::new();
    let mut unknown = Vec::new();
    for item in input.split([';', ',', '|']).map(str::trim).filter(|s| !s.is_empty()) {
        match T::parse(item) {
            Ok(t) => {
                terms.insert(t);
            }
            Err(e) => unknown.push(e),
        }
    }
    if unknown.is_empty() {
        Ok(terms)
    } else {
        Err(unknown)
    }
}

/// Joins codes with `;`, the storage and export form of a multi-valued field.
pub fn join_codes<T: Vocabulary>(terms: &BTreeSet<T>) -> String {
    let mut out = String::new();
    for (i, t) in terms.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(t.code());
    }
    out
}

/// A Markdown section listing a vocabulary's codes, labels and accepted synonyms (for docs/vocabularies.md).
pub fn markdown_section<T: Vocabulary>(intro: &str) -> String {
    let mut out =
        format!("## {}\n\n{intro}\n\n| code | English | Kiswahili | also accepted |\n|---|---|---|---|\n", T::NAME);
    for t in T::all() {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            t.code(),
            t.label(Lang::En),
            t.label(Lang::Sw),
            t.synonyms().join(", ")
        ));
    }
    out
}

/// The whole vocabulary reference, as committed in docs/vocabularies.md.
pub fn markdown_reference() -> String {
    let mut out = String::from(
        "# Vocabularies\n\nGenerated from `crates/domain/src/vocab.rs` (a test fails when this file and the code disagree; \
         run `UPDATE_DOCS=1 cargo test -p vjt-domain` to rewrite it). Codes are stable: they are what the database, \
         exports and the API carry. Input is matched ignoring case, accents and punctuation, against the code, \
         either label or any synonym. In multi-valued fields, separate items with `;`.\n\n",
    );
    out.push_str(&markdown_section::<ExploitationType>(
        "HTCDS v2.0 `TypeOfExploitation`; `domestic_servitude` is HTCDS `Servitude` as Kenyan CSOs name it, and \
         `forced_criminality` (scam compounds) is the newer recognised form.",
    ));
    out.push('\n');
    out.push_str(&markdown_section::<Sector>(
        "ISIC Rev.4 sections (HTCDS `Industry`); a few small sections are joined.",
    ));
    out.push('\n');
    out.push_str(&markdown_section::<TransportMode>(
        "No standard list exists; this is vjt's own list for Kenya. Given per route, and optionally per leg.",
    ));
    out.push('\n');
    out.push_str(&markdown_section::<RecruitmentMethod>(
        "HTCDS v2.0 `MethodOfRecruitment` (television and newspaper adverts joined), plus what Kenyan CSOs report most: \
         false job offers, agencies, brokers, promises of marriage or education, abduction.",
    ));
    out.push('\n');
    out.push_str(&markdown_section::<RecruiterRelationship>(
        "HTCDS `RelationshipToTrafficker` (familial, acquainted, unacquainted) refined with CTDC's categories.",
    ));
    out.push('\n');
    out.push_str(&markdown_section::<KnowledgeSource>("How the organisation knows the route."));
    out.push('\n');
    out.push_str(&markdown_section::<Confidence>("How sure the organisation is."));
    out.push('\n');
    out.push_str(&markdown_section::<ReviewStatus>("The coordinator's review of a report."));
    out.push('\n');
    out.push_str(&markdown_section::<OrganisationKind>("Kinds of organisation in the network."));
    out.push('\n');
    out.push_str(&markdown_section::<StopRole>("The part a stop plays in a journey."));
    out.push('\n');
    out.push_str(&markdown_section::<Role>("Roles of web platform users."));
    out
}

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident : $plain:literal {
            $( $variant:ident => $code:literal, $en:literal, $sw:literal, [$($syn:literal),* $(,)?] ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl $crate::vocab::Vocabulary for $name {
            const NAME: &'static str = $plain;
            fn all() -> &'static [Self] { &[$(Self::$variant),+] }
            fn code(self) -> &'static str { match self { $(Self::$variant => $code),+ } }
            fn label(self, lang: $crate::vocab::Lang) -> &'static str {
                match (self, lang) {
                    $((Self::$variant, $crate::vocab::Lang::En) => $en,
                      (Self::$variant, $crate::vocab::Lang::Sw) => $sw,)+
                }
            }
            fn synonyms(self) -> &'static [&'static str] { match self { $(Self::$variant => &[$($syn),*]),+ } }
            fn spellings() -> &'static $crate::vocab::SpellingTable<Self> {
                static TABLE: std::sync::OnceLock<$crate::vocab::SpellingTable<$name>> = std::sync::OnceLock::new();
                TABLE.get_or_init($crate::vocab::spelling_table::<Self>)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::vocab::Vocabulary::code(*self))
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::vocab::UnknownTerm;
            fn from_str(s: &str) -> Result<Self, Self::Err> { <Self as $crate::vocab::Vocabulary>::parse(s) }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str($crate::vocab::Vocabulary::code(*self))
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                <Self as $crate::vocab::Vocabulary>::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

vocabulary! {
    /// Type of exploitation, after HTCDS v2.0 `TypeOfExploitation`, with domestic servitude named as
    /// Kenyan CSOs report it and forced criminality (scam compounds) as the newer recognised form.
    pub enum ExploitationType: "exploitation type" {
        ForcedLabour => "forced_labour", "Forced labour", "Kazi ya kulazimishwa",
            ["forced labor", "labour exploitation", "labor exploitation", "ForcedLabour", "kazi ya lazima", "unyonyaji wa kazi"],
        SexualExploitation => "sexual_exploitation", "Sexual exploitation", "Unyonyaji wa kingono",
            ["commercial sexual exploitation", "CSE", "sex trafficking", "prostitution", "forced prostitution", "SexualExploitation", "ukahaba", "unyonyaji wa kijinsia"],
        DomesticServitude => "domestic_servitude", "Domestic servitude", "Utumwa wa kazi za nyumbani",
            ["servitude", "domestic work", "domestic worker", "house help", "househelp", "house girl", "housegirl", "maid", "nanny", "kazi za nyumbani", "mfanyakazi wa nyumbani", "msichana wa kazi"],
        ChildLabour => "child_labour", "Child labour", "Ajira ya watoto",
            ["child labor", "ChildLabour", "kazi ya watoto"],
        ForcedMarriage => "forced_marriage", "Forced marriage", "Ndoa ya kulazimishwa",
            ["early marriage", "child marriage", "ForcedMarriage", "ndoa za mapema", "ndoa ya utotoni"],
        ForcedCriminality => "forced_criminality", "Forced criminality", "Uhalifu wa kulazimishwa",
            ["scam compound", "online scam", "cyber scam", "forced crime", "drug trafficking", "drug mule", "uhalifu wa lazima"],
        ForcedBegging => "forced_begging", "Forced begging", "Kuombaomba kwa kulazimishwa",
            ["begging", "ForcedBegging", "ombaomba", "kuomba omba"],
        OrganRemoval => "organ_removal", "Organ removal", "Uondoaji wa viungo vya mwili",
            ["organ trafficking", "organ harvesting", "OrganRemoval", "biashara ya viungo"],
        ForcedMilitary => "forced_military", "Forced military service by non-state actors", "Kuandikishwa vitani kwa lazima",
            ["child soldier", "armed groups", "militia", "ForcedMilitaryByNonStateActors", "askari watoto"],
        ForcedAdoption => "forced_adoption", "Forced adoption", "Kuasili kwa kulazimishwa",
            ["illegal adoption", "ForcedAdoption"],
        Surrogacy => "surrogacy", "Forced surrogacy", "Ubebaji mimba kwa lazima",
            ["forced surrogacy", "baby factory"],
        Other => "other", "Other", "Nyingine", ["others", "nyinginezo"],
        Unknown => "unknown", "Unknown", "Haijulikani", ["not known", "dont know", "don't know", "n/a", "sijui"],
    }
}

vocabulary! {
    /// Economic sector of exploitation: the sections of ISIC Rev.4 (HTCDS `Industry`).
    pub enum Sector: "sector" {
        Agriculture => "agriculture", "Agriculture, forestry and fishing", "Kilimo, misitu na uvuvi",
            ["A", "farming", "farm", "farm work", "fishing", "plantation", "livestock", "herding", "kilimo", "uvuvi", "shamba", "ufugaji"],
        Mining => "mining", "Mining and quarrying", "Uchimbaji madini na mawe",
            ["B", "quarry", "quarrying", "gold mine", "madini", "machimbo"],
        Manufacturing => "manufacturing", "Manufacturing", "Viwanda",
            ["C", "factory", "kiwanda"],
        Utilities => "utilities", "Electricity, gas, water and waste", "Umeme, gesi, maji na taka",
            ["D", "E", "electricity", "water supply", "waste"],
        Construction => "construction", "Construction", "Ujenzi",
            ["F", "building site", "construction site", "mjengo"],
        Trade => "trade", "Wholesale and retail trade", "Biashara ya jumla na rejareja",
            ["G", "retail", "shop", "market", "hawking", "street vending", "duka", "soko", "uchuuzi"],
        Transport => "transport", "Transport and storage", "Usafirishaji na uhifadhi",
            ["H", "driving", "trucking", "logistics", "usafirishaji"],
        Hospitality => "hospitality", "Accommodation and food service", "Malazi na huduma za chakula",
            ["I", "hotel", "restaurant", "bar", "bars", "club", "lodging", "hoteli", "mgahawa", "baa"],
        Information => "information", "Information and communication", "Habari na mawasiliano",
            ["J", "call centre", "call center", "online", "IT"],
        Finance => "finance", "Financial, insurance and real estate", "Fedha, bima na nyumba",
            ["K", "L", "banking", "real estate"],
        Professional => "professional", "Professional, administrative and support services", "Huduma za kitaaluma na za usaidizi",
            ["M", "N", "security guard", "cleaning", "cleaner"],
        PublicAdministration => "public_administration", "Public administration and defence", "Utawala wa umma na ulinzi",
            ["O", "military", "armed forces"],
        Education => "education", "Education", "Elimu", ["P", "school", "shule"],
        Health => "health", "Health and social work", "Afya na ustawi wa jamii",
            ["Q", "hospital", "care work", "caregiver", "hospitali"],
        Entertainment => "entertainment", "Arts, entertainment and recreation", "Sanaa, burudani na starehe",
            ["R", "entertainment industry", "massage parlour", "massage", "nightclub", "strip club", "burudani"],
        OtherServices => "other_services", "Other service activities", "Huduma nyinginezo",
            ["S", "salon", "beauty", "begging", "saluni"],
        Households => "households", "Households as employers (domestic work)", "Kaya kama mwajiri (kazi za nyumbani)",
            ["T", "domestic work", "domestic", "house help", "househelp", "house girl", "maid", "kazi za nyumbani", "nyumbani"],
        Extraterritorial => "extraterritorial", "Extraterritorial organisations", "Mashirika ya nje ya nchi",
            ["U", "embassy"],
        Other => "other", "Other", "Nyingine", ["others", "nyinginezo"],
        Unknown => "unknown", "Unknown", "Haijulikani", ["not known", "dont know", "don't know", "n/a", "sijui"],
    }
}

impl Sector {
    /// The ISIC Rev.4 section letters a sector stands for (some vjt sectors join two sections).
    pub fn isic_sections(self) -> &'static str {
        match self {
            Sector::Agriculture => "A",
            Sector::Mining => "B",
            Sector::Manufacturing => "C",
            Sector::Utilities => "D,E",
            Sector::Construction => "F",
            Sector::Trade => "G",
            Sector::Transport => "H",
            Sector::Hospitality => "I",
            Sector::Information => "J",
            Sector::Finance => "K,L",
            Sector::Professional => "M,N",
            Sector::PublicAdministration => "O",
            Sector::Education => "P",
            Sector::Health => "Q",
            Sector::Entertainment => "R",
            Sector::OtherServices => "S",
            Sector::Households => "T",
            Sector::Extraterritorial => "U",
            Sector::Other | Sector::Unknown => "",
        }
    }
}

vocabulary! {
    /// Mode of transport. No standard list exists; this is vjt's documented Kenyan set.
    pub enum TransportMode: "transport mode" {
        BusMatatu => "bus_matatu", "Bus or matatu", "Basi au matatu",
            ["bus", "matatu", "coach", "public transport", "basi", "mat"],
        PrivateCar => "private_car", "Private car", "Gari binafsi",
            ["car", "taxi", "private vehicle", "personal car", "uber", "gari", "teksi"],
        TruckLorry => "truck_lorry", "Truck or lorry", "Lori",
            ["truck", "lorry", "trailer", "hidden in truck", "canter"],
        MotorcycleBodaBoda => "motorcycle_boda_boda", "Motorcycle (boda boda)", "Pikipiki (boda boda)",
            ["boda boda", "boda", "bodaboda", "motorcycle", "motorbike", "pikipiki"],
        Train => "train", "Train", "Treni", ["railway", "SGR", "gari la moshi", "garimoshi"],
        BoatFerry => "boat_ferry", "Boat or ferry", "Boti au kivuko",
            ["boat", "ferry", "ship", "dhow", "canoe", "meli", "mashua", "jahazi", "kivuko"],
        Air => "air", "Air", "Ndege", ["plane", "flight", "airplane", "aeroplane", "by air", "fly", "kwa ndege"],
        OnFoot => "on_foot", "On foot", "Kwa miguu", ["foot", "walking", "walked", "kutembea", "miguu"],
        Other => "other", "Other", "Nyingine", ["others", "nyinginezo"],
        Unknown => "unknown", "Unknown", "Haijulikani", ["not known", "dont know", "don't know", "n/a", "sijui"],
    }
}

vocabulary! {
    /// How people were recruited: HTCDS v2.0 `MethodOfRecruitment` plus the methods Kenyan CSOs
    /// report most (false job offers, agencies and brokers, promises, abduction).
    pub enum RecruitmentMethod: "recruitment method" {
        FalseJobOffer => "false_job_offer", "False job offer", "Ahadi ya kazi ya uongo",
            ["job offer", "fake job", "fake job offer", "promise of a job", "promise of employment", "promise of work", "deceptive job offer", "ahadi ya kazi", "kazi ya uongo"],
        RecruitmentAgency => "recruitment_agency", "Recruitment agency", "Wakala wa ajira",
            ["agency", "employment agency", "recruitment agencies", "bureau", "labour agent", "labor agent", "shirika la ajira"],
        BrokerAgent => "broker_agent", "Broker or agent", "Dalali au wakala",
            ["broker", "agent", "middleman", "facilitator", "smuggler", "dalali", "wakala", "mawakala"],
        Friends => "friends", "Through friends or social events", "Kupitia marafiki",
            ["friend", "friends or social events", "ThroughFriendsOrSocialEvents", "peer", "rafiki", "marafiki"],
        Family => "family", "Through family or family events", "Kupitia familia",
            ["relative", "relatives", "family member", "parents", "ThroughFamilyOrFamilyEvents", "familia", "ndugu", "jamaa"],
        SocialMedia => "social_media", "Online social networks", "Mitandao ya kijamii",
            ["online social network", "facebook", "whatsapp", "tiktok", "instagram", "ThroughOnlineSocialNetworks", "mitandao"],
        OnlineAdvert => "online_advert", "Online advertisement", "Tangazo la mtandaoni",
            ["online ad", "internet advert", "online advertisement", "ThroughAnOnlineAdvertisement", "tangazo mtandaoni"],
        PrintOrBroadcastAdvert => "print_or_broadcast_advert", "Newspaper, radio or television advert", "Tangazo la gazeti, redio au televisheni",
            ["newspaper", "newspaper advert", "television advert", "tv advert", "radio", "ThroughANewspaperAdvert", "ThroughATelevisionAdvert", "gazeti", "redio"],
        PromiseOfMarriage => "promise_of_marriage", "Promise of marriage or romance", "Ahadi ya ndoa",
            ["marriage promise", "romance", "lover boy", "loverboy", "boyfriend", "ahadi ya ndoa"],
        PromiseOfEducation => "promise_of_education", "Promise of education or scholarship", "Ahadi ya elimu",
            ["scholarship", "school fees", "education", "ahadi ya shule"],
        Abduction => "abduction", "Abduction or force", "Utekaji nyara",
            ["kidnapping", "kidnap", "abducted", "force", "utekaji", "kutekwa"],
        AtPlaceOfBusiness => "at_place_of_business", "At a place of business", "Mahali pa biashara",
            ["AtAPlaceOfBusiness", "at business"],
        AtSchool => "at_school", "At an educational institution", "Shuleni au chuoni",
            ["AtAnEducationalInstitution", "at school", "at college", "shuleni"],
        AtWork => "at_work", "At work", "Kazini", ["AtWork", "workplace", "kazini"],
        Other => "other", "Other", "Nyingine", ["others", "nyinginezo"],
        Unknown => "unknown", "Unknown", "Haijulikani", ["not known", "dont know", "don't know", "n/a", "sijui"],
    }
}

vocabulary! {
    /// The recruiter's relationship to the people recruited: HTCDS `RelationshipToTrafficker`
    /// (familial, acquainted, unacquainted) refined with CTDC's categories.
    pub enum RecruiterRelationship: "recruiter relationship" {
        Family => "family", "Family member", "Mwanafamilia",
            ["familial", "relative", "parent", "parents", "uncle", "aunt", "familia", "ndugu", "jamaa"],
        IntimatePartner => "intimate_partner", "Intimate partner", "Mpenzi",
            ["partner", "boyfriend", "girlfriend", "husband", "wife", "spouse", "IntimatePartner", "mume", "mke"],
        Friend => "friend", "Friend", "Rafiki", ["friends", "marafiki"],
        Acquaintance => "acquaintance", "Acquaintance or neighbour", "Mtu anayefahamika",
            ["acquainted", "neighbour", "neighbor", "community member", "jirani"],
        Employer => "employer", "Employer", "Mwajiri", ["boss", "mwajiri"],
        RecruitmentAgent => "recruitment_agent", "Recruitment agent or broker", "Wakala au dalali",
            ["agent", "broker", "agency", "recruiter", "wakala", "dalali"],
        Stranger => "stranger", "Stranger", "Mgeni", ["unacquainted", "unknown person", "mtu asiyejulikana"],
        Other => "other", "Other", "Nyingine", ["others", "nyinginezo"],
        Unknown => "unknown", "Unknown", "Haijulikani", ["not known", "dont know", "don't know", "n/a", "sijui"],
    }
}

vocabulary! {
    /// How the reporting organisation came to know the route.
    pub enum KnowledgeSource: "source of knowledge" {
        SurvivorCase => "survivor_case", "Survivor case", "Kesi ya manusura",
            ["case", "casework", "survivor", "case management", "manusura"],
        Outreach => "outreach", "Outreach", "Uhamasishaji", ["community outreach", "field work", "fieldwork", "awareness"],
        Hotline => "hotline", "Hotline", "Simu ya msaada", ["helpline", "phone line", "116", "call"],
        Other => "other", "Other", "Nyingine", ["others", "nyinginezo"],
        Unknown => "unknown", "Unknown", "Haijulikani", ["not known", "n/a", "sijui"],
    }
}

vocabulary! {
    /// How sure the reporting organisation is of the route.
    pub enum Confidence: "confidence level" {
        Low => "low", "Low", "Chini", ["l", "1", "chini"],
        Medium => "medium", "Medium", "Wastani", ["m", "med", "moderate", "2", "kati"],
        High => "high", "High", "Juu", ["h", "3", "juu"],
        Unknown => "unknown", "Unknown", "Haijulikani", ["not known", "n/a", "sijui"],
    }
}

vocabulary! {
    /// Where a report stands in the coordinator's review.
    pub enum ReviewStatus: "review status" {
        Submitted => "submitted", "Submitted", "Imewasilishwa", ["new"],
        NeedsReview => "needs_review", "Needs review", "Inahitaji kukaguliwa", ["review", "pending"],
        Verified => "verified", "Verified", "Imethibitishwa", ["approved", "ok"],
        Rejected => "rejected", "Rejected", "Imekataliwa", ["declined"],
    }
}

vocabulary! {
    /// The kind of organisation in the network.
    pub enum OrganisationKind: "organisation kind" {
        Ngo => "ngo", "Non-governmental organisation", "Shirika lisilo la kiserikali",
            ["non governmental organisation", "non-governmental organization", "cso", "civil society", "asasi ya kiraia"],
        FaithBased => "faith_based", "Faith-based organisation", "Shirika la kidini",
            ["fbo", "church", "mosque", "faith based organisation", "kanisa", "msikiti"],
        CommunityBased => "community_based", "Community-based organisation", "Shirika la kijamii",
            ["cbo", "community based organisation", "community group", "kikundi cha jamii"],
        International => "international", "International organisation", "Shirika la kimataifa",
            ["ingo", "un agency", "international organization"],
        Government => "government", "Government", "Serikali", ["gov", "govt", "ministry", "state agency", "wizara"],
        Coordinator => "coordinator", "Network coordinator", "Mratibu wa mtandao",
            ["secretariat", "network secretariat", "mratibu"],
    }
}

vocabulary! {
    /// What a user of the web platform may do.
    pub enum Role: "role" {
        Coordinator => "coordinator", "Network coordinator", "Mratibu wa mtandao", ["secretariat", "admin", "mratibu"],
        OrgAdmin => "org_admin", "Organisation administrator", "Msimamizi wa shirika", ["organisation admin", "org admin"],
        Reporter => "reporter", "Reporter", "Mwandishi wa ripoti", ["editor", "data entry", "mwandishi"],
        Viewer => "viewer", "Viewer (releases only)", "Mtazamaji (matoleo tu)", ["government", "partner", "read only", "mtazamaji"],
    }
}

vocabulary! {
    /// The part a stop plays in a journey.
    pub enum StopRole: "stop role" {
        Origin => "origin", "Origin", "Asili", ["source", "from", "chanzo", "kutoka"],
        Transit => "transit", "Transit point", "Kituo cha kupitia", ["via", "through", "kupitia"],
        Destination => "destination", "Intended destination", "Mahali palipokusudiwa",
            ["intended destination", "to", "kwenda"],
        Exploitation => "exploitation", "Place of exploitation", "Mahali pa unyonyaji",
            ["exploitation place", "place of exploitation"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes_unique<T: Vocabulary>() {
        let mut seen = std::collections::HashSet::new();
        for t in T::all() {
            assert!(seen.insert(t.code()), "{} code {} repeated", T::NAME, t.code());
            assert!(!t.label(Lang::En).is_empty() && !t.label(Lang::Sw).is_empty());
            assert_eq!(T::parse(t.code()), Ok(*t), "{} code {} must parse to itself", T::NAME, t.code());
            assert_eq!(T::parse(t.label(Lang::En)), Ok(*t));
        }
    }

    #[test]
    fn every_vocabulary_round_trips_its_codes_and_labels() {
        codes_unique::<ExploitationType>();
        codes_unique::<Sector>();
        codes_unique::<TransportMode>();
        codes_unique::<RecruitmentMethod>();
        codes_unique::<RecruiterRelationship>();
        codes_unique::<KnowledgeSource>();
        codes_unique::<Confidence>();
        codes_unique::<ReviewStatus>();
        codes_unique::<OrganisationKind>();
        codes_unique::<StopRole>();
    }

    fn spellings_are_unambiguous<T: Vocabulary>() {
        let mut owner: std::collections::HashMap<String, T> = std::collections::HashMap::new();
        for &t in T::all() {
            for s in [t.code(), t.label(Lang::En), t.label(Lang::Sw)].into_iter().chain(t.synonyms().iter().copied()) {
                if let Some(prev) = owner.insert(fold(s), t) {
                    assert_eq!(prev, t, "{}: '{s}' names both {prev:?} and {t:?}", T::NAME);
                }
            }
        }
    }

    #[test]
    fn no_spelling_names_two_terms() {
        spellings_are_unambiguous::<ExploitationType>();
        spellings_are_unambiguous::<Sector>();
        spellings_are_unambiguous::<TransportMode>();
        spellings_are_unambiguous::<RecruitmentMethod>();
        spellings_are_unambiguous::<RecruiterRelationship>();
        spellings_are_unambiguous::<KnowledgeSource>();
        spellings_are_unambiguous::<Confidence>();
        spellings_are_unambiguous::<ReviewStatus>();
        spellings_are_unambiguous::<OrganisationKind>();
        spellings_are_unambiguous::<StopRole>();
        spellings_are_unambiguous::<Role>();
    }

    #[test]
    fn the_vocabulary_reference_matches_the_code() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/vocabularies.md");
        let expected = markdown_reference();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(path, &expected).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(committed == expected, "docs/vocabularies.md is stale: run UPDATE_DOCS=1 cargo test -p vjt-domain");
    }

    #[test]
    fn reported_vocabularies_allow_unknown() {
        assert_eq!(ExploitationType::parse("unknown"), Ok(ExploitationType::Unknown));
        assert_eq!(Sector::parse("Haijulikani"), Ok(Sector::Unknown));
        assert_eq!(TransportMode::parse("sijui"), Ok(TransportMode::Unknown));
        assert_eq!(RecruitmentMethod::parse("Unknown"), Ok(RecruitmentMethod::Unknown));
        assert_eq!(RecruiterRelationship::parse("not known"), Ok(RecruiterRelationship::Unknown));
        assert_eq!(KnowledgeSource::parse("unknown"), Ok(KnowledgeSource::Unknown));
        assert_eq!(Confidence::parse("unknown"), Ok(Confidence::Unknown));
    }

    #[test]
    fn synonyms_in_english_and_kiswahili_parse() {
        use ExploitationType as E;
        assert_eq!(E::parse("Domestic Servitude"), Ok(E::DomesticServitude));
        assert_eq!(E::parse("house-help"), Ok(E::DomesticServitude));
        assert_eq!(E::parse("kazi za nyumbani"), Ok(E::DomesticServitude));
        assert_eq!(E::parse("CSE"), Ok(E::SexualExploitation));
        assert_eq!(E::parse("ForcedLabour"), Ok(E::ForcedLabour));
        assert_eq!(TransportMode::parse("Boda Boda"), Ok(TransportMode::MotorcycleBodaBoda));
        assert_eq!(TransportMode::parse("pikipiki"), Ok(TransportMode::MotorcycleBodaBoda));
        assert_eq!(RecruitmentMethod::parse("agent"), Ok(RecruitmentMethod::BrokerAgent));
        assert_eq!(RecruitmentMethod::parse("job offer"), Ok(RecruitmentMethod::FalseJobOffer));
        assert_eq!(RecruitmentMethod::parse("Facebook"), Ok(RecruitmentMethod::SocialMedia));
        assert_eq!(RecruitmentMethod::parse("ahadi ya ndoa"), Ok(RecruitmentMethod::PromiseOfMarriage));
        assert_eq!(RecruitmentMethod::parse("kidnapping"), Ok(RecruitmentMethod::Abduction));
        assert_eq!(OrganisationKind::parse("faith-based"), Ok(OrganisationKind::FaithBased));
        assert_eq!(Sector::parse("T"), Ok(Sector::Households));
    }

    #[test]
    fn unknown_words_name_the_closest_codes() {
        let err = ExploitationType::parse("forced labor exploitaton").unwrap_err();
        assert_eq!(err.vocabulary, "exploitation type");
        assert_eq!(err.suggestions.first(), Some(&"forced_labour"), "{err}");
        let err = TransportMode::parse("bodda").unwrap_err();
        assert!(err.suggestions.contains(&"motorcycle_boda_boda"), "{err}");
        assert!(err.to_string().starts_with("'bodda' is not a known means of transport"));
    }

    #[test]
    fn lists_collect_every_unknown_item() {
        let ok: BTreeSet<TransportMode> = parse_list("bus; boda boda ;; air").unwrap();
        assert_eq!(join_codes(&ok), "bus_matatu;motorcycle_boda_boda;air");
        let errs = parse_list::<TransportMode>("bus; rocket; teleport").unwrap_err();
        assert_eq!(errs.len(), 2);
    }
}
