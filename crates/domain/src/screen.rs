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
        // Letters of any script: jané.wänjiru@example.org is an address too.
        email: Regex::new(r"[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}.\-]+\.\p{L}{2,}").expect("valid pattern"),
        // Nine or more digits, optionally with +, spaces, dots, dashes, slashes or brackets between
        // them: +254 722 123 456, 0722-123-456, 0712/345/678, (020) 123 4567.
        phone: Regex::new(r"\+?\(?\d[\d\s.\-()/]{7,}\d").expect("valid pattern"),
        // Passport-like (one or two letters then 6–8 digits, maybe after a space, dash or
        // underscore), a number after "ID"/"passport", bare 7–8 digit national ID numbers, and
        // the same grouped in threes (12 345 678).
        id: Regex::new(
            r"(?i)\b(?:(?:id|passport|pp|nid)[\s_:#.\-]*\d{6,9}|[a-z]{1,2}[\s_\-]?\d{6,8}|\d{7,8}|\d{1,2}\s\d{3}\s\d{3})\b",
        )
        .expect("valid pattern"),
    })
}

fn digits(s: &str) -> usize {
    s.chars().filter(char::is_ascii_digit).count()
}

/// The text as the patterns read it: full-width digits as ASCII, every dash as `-`, invisible
/// characters (zero-width spaces and joiners) gone. Personal data is often pasted from phones
/// and chat applications that write these.
/// Every pattern needs an `@` or at least six digits (of any script: `\d` is Unicode's, and
/// `is_numeric` takes in more): text with neither, most notes and references, skips the regular
/// expressions.
pub(crate) fn may_hold_personal(text: &str) -> bool {
    text.contains('@') || text.chars().filter(|c| c.is_numeric()).take(6).count() == 6
}

fn plain(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'))
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' => char::from(b'0' + (c as u32 - 0xFF10) as u8),
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => '-',
            '\u{FF0B}' => '+',
            '\u{00A0}' | '\u{2007}' | '\u{202F}' => ' ',
            c => c,
        })
        .collect()
}

/// Returns the text with personal data replaced by markers, and what was removed. Text with
/// nothing to remove comes back exactly as given.
pub fn screen(text: &str) -> (String, Vec<Redacted>) {
    if !may_hold_personal(text) {
        return (text.to_string(), Vec::new());
    }
    let p = patterns();
    let mut found = Vec::new();
    let mut out = plain(text);
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
    if found.is_empty() {
        return (text.to_string(), found);
    }
    (out, found)
}

/// Whether a reference (an organisation's own case number) holds personal data. References are
/// full of numbers (`HAART-2020-0042`), so only what cannot be a case number counts: an e-mail,
/// a number written as a phone (`07…`, `01…`, `+254…`, `254…` with nine digits after the
/// prefix, or any `+` and ten or more digits), or a number labelled as an ID or passport.
pub fn personal_in_reference(text: &str) -> bool {
    if !may_hold_personal(text) {
        return false;
    }
    // Most case numbers have six digits or more and so reach this far, yet in ASCII text none
    // of the patterns below can match without an `@`, ten digits (the shortest phone that
    // counts) or one of the ID labels: answered here without three regular expressions, which
    // were a twentieth of an import's reading thread.
    if text.is_ascii() && !text.contains('@') && digits(text) < 10 && !has_id_label(text) {
        return false;
    }
    let p = patterns();
    let text = plain(text);
    if p.email.is_match(&text) {
        return true;
    }
    static LABELLED: OnceLock<Regex> = OnceLock::new();
    let labelled = LABELLED
        .get_or_init(|| Regex::new(r"(?i)\b(?:id|passport|pp|nid)[\s_:#.\-]*\d{6,9}\b").expect("valid pattern"));
    if labelled.is_match(&text) {
        return true;
    }
    p.phone.find_iter(&text).any(|m| {
        let raw = m.as_str();
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        let plus = raw.starts_with('+');
        let mobile = |rest: &str| rest.len() == 9 && (rest.starts_with('7') || rest.starts_with('1'));
        (plus && digits.len() >= 10)
            || digits.strip_prefix("254").is_some_and(mobile)
            || digits.strip_prefix('0').is_some_and(mobile)
    })
}

/// Whether ASCII text has, in any case, what the labelled-number pattern starts with ("id",
/// "nid", "pp", "passport").
fn has_id_label(text: &str) -> bool {
    let has = |label: &[u8]| text.as_bytes().windows(label.len()).any(|w| w.eq_ignore_ascii_case(label));
    has(b"id") || has(b"pp") || has(b"passport")
}

/// Given names and surnames common in Kenya and its neighbours, compiled by the project from
/// public lists of frequent names: a capitalised word in notes that is one of these is most likely
/// a person. Lower case, without accents.
const COMMON_NAMES: &[&str] = &[
    // Given names
    "abdi",
    "abdullahi",
    "achieng",
    "adhiambo",
    "agnes",
    "aisha",
    "akinyi",
    "ali",
    "alice",
    "amina",
    "ann",
    "anne",
    "atieno",
    "awino",
    "baraka",
    "beatrice",
    "brian",
    "caroline",
    "catherine",
    "charles",
    "chebet",
    "chepkoech",
    "cherono",
    "christine",
    "cynthia",
    "daniel",
    "david",
    "dennis",
    "esther",
    "eunice",
    "faith",
    "fatuma",
    "florence",
    "francis",
    "george",
    "grace",
    "halima",
    "hassan",
    "hussein",
    "ibrahim",
    "irene",
    "isaac",
    "jackline",
    "james",
    "jane",
    "janet",
    "jepchirchir",
    "jeptoo",
    "jerop",
    "joan",
    "john",
    "joseph",
    "joyce",
    "judith",
    "juma",
    "kevin",
    "lilian",
    "lucy",
    "margaret",
    "mary",
    "mercy",
    "michael",
    "moraa",
    "mohamed",
    "mohammed",
    "moses",
    "mumbua",
    "mwajuma",
    "mwanaisha",
    "mwende",
    "nafula",
    "naliaka",
    "nanjala",
    "nduku",
    "nekesa",
    "nyambura",
    "nyokabi",
    "omar",
    "patrick",
    "paul",
    "peter",
    "phyllis",
    "purity",
    "rachel",
    "rose",
    "ruth",
    "salim",
    "samuel",
    "sarah",
    "stephen",
    "susan",
    "wairimu",
    "wambui",
    "wangari",
    "wangui",
    "wanjiku",
    "wanjiru",
    "wanza",
    "zawadi",
    "zainabu",
    "zuhura",
    "kemunto",
    "kwamboka",
    "nyaboke",
    "bosibori",
    "auma",
    "anyango",
    "apiyo",
    "awuor",
    "nasimiyu",
    // Surnames
    "barasa",
    "cheruiyot",
    "chege",
    "gitau",
    "kamau",
    "kariuki",
    "karanja",
    "kimani",
    "kinyua",
    "kiprop",
    "kiplagat",
    "kipkemboi",
    "kiptoo",
    "kirui",
    "koech",
    "langat",
    "macharia",
    "maina",
    "makori",
    "mburu",
    "momanyi",
    "mugo",
    "muriuki",
    "musyoka",
    "mutai",
    "mutua",
    "mwangi",
    "mwaura",
    "ndungu",
    "njoroge",
    "njuguna",
    "nyaga",
    "obiero",
    "ochieng",
    "odhiambo",
    "odongo",
    "oduor",
    "okello",
    "omondi",
    "onyango",
    "otieno",
    "ouma",
    "owino",
    "rotich",
    "ruto",
    "simiyu",
    "wafula",
    "wanyama",
    "wekesa",
    "wambua",
    "waweru",
    "kiplimo",
    "kibet",
    "ngugi",
    "nyongesa",
];

/// Words before a person's name: titles and forms of address in English and Kiswahili.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "dr", "mzee", "bw", "bwana", "bi", "bibi", "mama", "baba", "auntie", "aunt", "uncle",
    "pastor", "sister", "brother", "madam", "sheikh", "mwalimu", "shangazi", "mjomba",
];

/// Words that say the next word names a person: who they are in the story, or "named".
const PERSON_WORDS: &[&str] = &[
    "survivor",
    "victim",
    "girl",
    "boy",
    "woman",
    "man",
    "child",
    "mother",
    "father",
    "daughter",
    "son",
    "wife",
    "husband",
    "friend",
    "recruiter",
    "agent",
    "employer",
    "broker",
    "named",
    "called",
    "mwathiriwa",
    "msichana",
    "mvulana",
    "mwanamke",
    "mwanamume",
    "mtoto",
    "mama",
    "aitwaye",
    "anaitwa",
    "anayeitwa",
    "jina",
];

/// Words in notes that look like the name of a person ("Survivor Mary Wanjiku", "Bi. Zawadi",
/// "recruiter called Otieno"): each as written, in order, once. Names cannot be recognised with
/// certainty; a person confirms what is flagged, or removes it.
pub fn names_in(text: &str) -> Vec<String> {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphabetic() || c == '\'' || c == '\u{2019}' || c == '.'))
        .map(|w| w.strip_suffix("'s").or_else(|| w.strip_suffix("\u{2019}s")).unwrap_or(w))
        .map(|w| w.trim_matches(|c| c == '.' || c == '\'' || c == '\u{2019}'))
        .filter(|w| !w.is_empty())
        .collect();
    let capitalised = |w: &str| w.chars().next().is_some_and(char::is_uppercase) && w.chars().count() > 1;
    let key = |w: &str| crate::text::fold(w);
    let mut found: Vec<String> = Vec::new();
    let mut add = |w: &str| {
        if !found.iter().any(|f| f == w) {
            found.push(w.to_string());
        }
    };
    for (i, w) in words.iter().enumerate() {
        let k = key(w);
        let after_cue = i > 0 && {
            let before = key(words[i - 1]);
            TITLES.contains(&before.as_str()) || PERSON_WORDS.contains(&before.as_str())
        };
        if capitalised(w) && (after_cue || COMMON_NAMES.contains(&k.as_str())) {
            add(w);
            // A surname after a flagged given name belongs to the same person.
            if let Some(next) = words.get(i + 1).filter(|n| capitalised(n)) {
                if !TITLES.contains(&key(next).as_str()) {
                    add(next);
                }
            }
        }
    }
    found
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
        assert_eq!(text, "Passport [id number removed] and [id number removed] were taken by the agent");
        assert_eq!(found, [Redacted::IdNumber]);
    }

    #[test]
    fn the_ways_people_paste_numbers_are_caught() {
        for text in [
            "call 0712/345/678",
            "call 0712–345–678",
            "call 07\u{200B}12 345 678",
            "call ０７１２３４５６７８",
            "mail jané.wänjiru@example.org",
            "ID_23456789",
            "her ID is 12 345 678",
            "passport AB 1234567",
            // The fewest digits any pattern takes (six), and digits of another script.
            "passport A123456",
            "id ٢٣٤٥٦٧٨٩",
        ] {
            let (out, found) = screen(text);
            assert!(!found.is_empty(), "{text}: nothing found");
            assert!(!out.chars().any(|c| c.is_ascii_digit() && out.matches(c).count() > 5), "{text} -> {out}");
        }
    }

    #[test]
    fn references_are_refused_for_phones_and_e_mails_only() {
        for personal in [
            "Jane Wanjiru 0712345678",
            "0712 345 678",
            "+254-712-345-678",
            "jane.doe@example.org",
            "ID_23456789",
            "passport 12345678",
            // Labels in any case, with the fewest digits they take; a phone's ten digits.
            "PASSPORT#1234567",
            "Pp-123456",
            "NID 123456",
            "case 0712345678",
            // Text beyond ASCII goes to the patterns whatever it holds: "ſ" is an "s" to them.
            "paſſport 1234567",
            "０７１２３４５６７８",
        ] {
            assert!(personal_in_reference(personal), "{personal}");
        }
        for case in [
            "DEMO-3-2019-0001",
            "HAART-2020-0042",
            "KE/2021/000123",
            "R-17",
            "uuid:12345678-1234",
            "B-123456",
            "IDP-2020-123456",
        ] {
            assert!(!personal_in_reference(case), "{case}");
        }
    }

    #[test]
    fn route_facts_are_left_alone() {
        for text in [
            "Seen 2019-2020 on the Busia route",
            "About 120 cases, ages 14 to 17",
            "Route B104 to Nakuru",
            "Kenya 2020 round",
            "Nairobi – Mombasa highway, 2019–2020",
            "A104 near Eldoret",
        ] {
            let (out, found) = screen(text);
            assert_eq!(out, text);
            assert!(found.is_empty(), "{text}: {found:?}");
        }
    }

    #[test]
    fn names_of_people_in_notes_are_flagged_and_places_are_not() {
        assert_eq!(names_in("Survivor Mary Wanjiku was taken to Busia"), ["Mary", "Wanjiku"]);
        assert_eq!(names_in("recruited by Bi. Zawadi at the stage"), ["Zawadi"]);
        assert_eq!(names_in("the recruiter called Otieno promised work"), ["Otieno"]);
        assert_eq!(names_in("msichana anaitwa Akinyi alipelekwa Mombasa"), ["Akinyi"]);
        assert_eq!(names_in("mama Kemunto's daughter"), ["Kemunto"]);
        assert!(names_in("Girls from Kakamega travelled by bus through Busia to Nairobi").is_empty());
        assert!(names_in("Recruited on Facebook; promised hotel work in Riyadh, Saudi Arabia").is_empty());
        assert!(names_in("grace period of two weeks, then moved to Eldoret").is_empty(), "lower case is a word");
    }
}
