//! Every word the report, maps and charts show, in English and Kiswahili, from this one table
//! (vocabulary labels come from the domain's vocabularies, which carry both languages too).
//! `{name}` marks a value filled in at run time.

use vjt_domain::Lang;

const MESSAGES: &[(&str, &str, &str)] = &[
    ("title", "Trafficking and high-risk migration routes", "Njia za usafirishaji haramu wa binadamu na uhamiaji hatari"),
    ("generated", "Made on {date} from {reports} route {reports=report|reports}", "Imetengenezwa tarehe {date} kutoka ripoti {reports} za njia"),
    ("rounds", "Collection rounds: {rounds}", "Awamu za ukusanyaji: {rounds}"),
    ("contents", "Contents", "Yaliyomo"),
    ("sec_summary", "Executive summary", "Muhtasari"),
    ("sec_method", "Methodology", "Mbinu"),
    ("sec_locations", "High-activity locations", "Maeneo yenye shughuli nyingi"),
    ("sec_risk", "Regional risk", "Hatari kwa kanda"),
    ("sec_corridors", "Corridors and border crossings", "Njia kuu na vivuko vya mipaka"),
    ("sec_transport", "Transport and recruitment", "Usafiri na uajiri"),
    ("sec_new", "New places and routes since the previous round", "Maeneo na njia mpya tangu awamu iliyotangulia"),
    ("sec_recommendations", "Recommendations", "Mapendekezo"),
    ("sec_annex", "Annex tables", "Majedwali ya nyongeza"),
    ("sec_sources", "Data sources and attribution", "Vyanzo vya data na utambuzi"),
    ("sum_reports", "{orgs} {orgs=organisation|organisations} submitted {reports} route {reports=report|reports}, estimating {victims} {victims=victim|victims} in all.", "{orgs=Shirika|Mashirika} {orgs} {orgs=liliwasilisha|yaliwasilisha} ripoti {reports} za njia, {orgs=likikadiria|yakikadiria} jumla ya waathiriwa {victims}."),
    ("sum_top_role", "{county} was the most reported county of {role}, in {reports} {reports=report|reports} from {orgs} {orgs=organisation|organisations}.", "{county} ilikuwa kaunti iliyotajwa zaidi kwa {role}, katika ripoti {reports} kutoka {orgs=shirika|mashirika} {orgs}."),
    ("role_origin", "origin", "asili"),
    ("role_transit", "transit", "kupitia"),
    ("role_destination", "intended destination", "mahali palipokusudiwa"),
    ("role_exploitation", "exploitation", "unyonyaji"),
    ("sum_top_abroad", "Outside Kenya, {country} was named most often as a destination or place of exploitation ({reports} {reports=report|reports}).", "Nje ya Kenya, {country} ilitajwa zaidi kama mahali palipokusudiwa au pa unyonyaji (ripoti {reports})."),
    ("sum_top_type", "{type} was the most reported form of exploitation ({reports} {reports=report|reports}).", "{type} ndiyo aina ya unyonyaji iliyoripotiwa zaidi (ripoti {reports})."),
    ("sum_risk", "Regional risk was highest in {counties}.", "Hatari kwa kanda ilikuwa kubwa zaidi katika {counties}."),
    ("sum_duplicates", "{clusters} {clusters=route was|routes were} reported by more than one organisation; counting each once gives {routes} distinct {routes=route|routes}.", "Njia {clusters} ziliripotiwa na zaidi ya shirika moja; kuhesabu kila moja mara moja kunatoa njia {routes} tofauti."),
    ("sum_new_countries", "Countries named for the first time in {round}: {countries}.", "Nchi zilizotajwa kwa mara ya kwanza katika {round}: {countries}."),
    ("method_who", "Reports came from {orgs} {orgs=organisation|organisations} ({kinds}) in {rounds} collection {rounds=round|rounds}. Each report describes a route, not a person: no personal data about survivors is collected.", "Ripoti zilitoka kwa {orgs=shirika|mashirika} {orgs} ({kinds}) katika awamu {rounds} za ukusanyaji. Kila ripoti inaelezea njia, si mtu: hakuna taarifa binafsi za manusura zinazokusanywa."),
    ("method_places", "Place names as reported were matched to a gazetteer of Kenya's counties, towns and border crossings and of countries and cities abroad; {share}% of the places named were matched and {unresolved} names remain for review.", "Majina ya maeneo kama yalivyoripotiwa yalilinganishwa na orodha ya kaunti, miji na vivuko vya mipaka vya Kenya na nchi na miji ya nje; asilimia {share} ya maeneo yalitambuliwa na majina {unresolved} yanasubiri kukaguliwa."),
    ("method_duplicates", "Reports from different organisations that describe the same route were grouped, not merged; figures count each group once where this report says so.", "Ripoti za mashirika tofauti zinazoeleza njia ileile ziliwekwa pamoja, hazikuunganishwa; takwimu huhesabu kila kundi mara moja pale ripoti hii inaposema hivyo."),
    ("method_risk", "The risk index (0 to 100) combines origin, transit and destination activity, estimated victims, the number of reporting organisations and routes reported by several organisations. Each part grows with a county's own figures only, so adding a report never lowers the score of a county it touches.", "Kiwango cha hatari (0 hadi 100) kinachanganya shughuli za asili, kupitia na mahali palipokusudiwa, makadirio ya waathiriwa, idadi ya mashirika yaliyoripoti na njia zilizoripotiwa na mashirika kadhaa. Kila sehemu hukua kwa takwimu za kaunti yenyewe tu."),
    ("method_limits", "Limitations: these are estimates reported by civil-society organisations, not measures of prevalence; places where member organisations work are better covered.", "Mapungufu: hizi ni makadirio yaliyoripotiwa na mashirika ya kiraia, si vipimo vya kiwango halisi; maeneo ambayo mashirika wanachama hufanya kazi yameangaziwa zaidi."),
    ("method_small_numbers", "Numbers from 1 to {k1} are shown as <{k} so that no single case can be picked out.", "Idadi kuanzia 1 hadi {k1} zinaonyeshwa kama <{k} ili kesi moja isiweze kutambuliwa."),
    ("county", "County", "Kaunti"),
    ("country", "Country", "Nchi"),
    ("place", "Place", "Mahali"),
    ("reports", "Reports", "Ripoti"),
    ("organisations", "Organisations", "Mashirika"),
    ("victims", "Victims (estimated)", "Waathiriwa (makadirio)"),
    ("risk", "Risk index", "Kiwango cha hatari"),
    ("band", "Band", "Kiwango"),
    ("band_low", "low", "chini"),
    ("band_medium", "medium", "wastani"),
    ("band_high", "high", "juu"),
    ("band_very_high", "very high", "juu sana"),
    ("corridor", "Corridor", "Njia"),
    ("through", "Routes passing through", "Njia zinazopita"),
    ("change", "Change", "Mabadiliko"),
    ("map_risk", "County risk index", "Kiwango cha hatari kwa kaunti"),
    ("map_roles", "Reports by county: origin, transit, destination or exploitation", "Ripoti kwa kaunti: asili, kupitia, mahali palipokusudiwa au unyonyaji"),
    ("map_flows", "Main corridors within Kenya", "Njia kuu ndani ya Kenya"),
    ("map_world", "Routes to and from Kenya", "Njia kwenda na kutoka Kenya"),
    ("legend_reports", "reports", "ripoti"),
    ("border_crossing", "border crossing", "kivuko cha mpaka"),
    ("chart_top_origin", "Counties most reported as origin", "Kaunti zilizotajwa zaidi kama asili"),
    ("chart_top_transit", "Counties most reported as transit", "Kaunti zilizotajwa zaidi kama njia ya kupitia"),
    ("chart_top_destination", "Counties most reported as destination or place of exploitation", "Kaunti zilizotajwa zaidi kama mahali palipokusudiwa au pa unyonyaji"),
    ("chart_types", "Forms of exploitation (reports)", "Aina za unyonyaji (ripoti)"),
    ("chart_transport", "Modes of transport (reports)", "Njia za usafiri (ripoti)"),
    ("chart_recruitment", "Recruitment methods (reports)", "Njia za kuajiri (ripoti)"),
    ("chart_change", "Change in county risk, {from} to {to}", "Mabadiliko ya hatari kwa kaunti, {from} hadi {to}"),
    ("chart_heat", "Recruitment method by form of exploitation (reports)", "Njia ya kuajiri kwa aina ya unyonyaji (ripoti)"),
    ("no_trend", "Only one collection round is included, so there is no change to show.", "Awamu moja tu ya ukusanyaji imejumuishwa, kwa hiyo hakuna mabadiliko ya kuonyesha."),
    ("none", "none", "hakuna"),
    ("notes_missing", "The network coordinator writes the recommendations (vjt report --notes FILE.md).", "Mratibu wa mtandao huandika mapendekezo (vjt report --notes FILE.md)."),
    ("crossings", "Border crossings named as transit points", "Vivuko vya mipaka vilivyotajwa kama njia za kupitia"),
    ("annex_counties", "All 47 counties", "Kaunti zote 47"),
    ("annex_countries", "Countries", "Nchi"),
    ("sources_text", "Route reports submitted by the network's member organisations. Place data: GeoNames (geonames.org, CC BY 4.0). County boundaries: © OpenStreetMap contributors (ODbL 1.0), compiled by Mike Ondieki (MIT). Country boundaries: Natural Earth (public domain). Made with vjt, the open Victim Journey Tracker.", "Ripoti za njia zilizowasilishwa na mashirika wanachama wa mtandao. Data ya maeneo: GeoNames (geonames.org, CC BY 4.0). Mipaka ya kaunti: © wachangiaji wa OpenStreetMap (ODbL 1.0), imekusanywa na Mike Ondieki (MIT). Mipaka ya nchi: Natural Earth (kikoa cha umma). Imetengenezwa na vjt."),
    ("attribution_short", "© OpenStreetMap contributors (ODbL), Natural Earth, GeoNames (CC BY 4.0)", "© wachangiaji wa OpenStreetMap (ODbL), Natural Earth, GeoNames (CC BY 4.0)"),
];

/// The report's words in one language.
#[derive(Debug, Clone, Copy)]
pub struct Catalogue {
    pub lang: Lang,
}

impl Catalogue {
    pub fn new(lang: Lang) -> Self {
        Catalogue { lang }
    }

    /// A message by key. A missing key is a programming error caught by the catalogue test; the key
    /// itself is shown rather than nothing.
    pub fn t(&self, key: &str) -> String {
        MESSAGES
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, en, sw)| if self.lang == Lang::Sw { *sw } else { *en })
            .unwrap_or(key)
            .to_string()
    }

    /// A message with `{name}` placeholders filled in. `{name=one|many}` picks the word that agrees
    /// with the number `name`: "one" when it is 1, "many" otherwise (including a hidden "<5").
    pub fn f(&self, key: &str, args: &[(&str, String)]) -> String {
        let mut text = self.t(key);
        for (name, value) in args {
            let marker = format!("{{{name}=");
            while let Some(start) = text.find(&marker) {
                let Some(len) = text[start..].find('}') else { break };
                let choice = &text[start + marker.len()..start + len];
                let (one, many) = choice.split_once('|').unwrap_or((choice, choice));
                let word = if value == "1" { one } else { many }.to_string();
                text.replace_range(start..start + len + 1, &word);
            }
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    pub fn keys() -> impl Iterator<Item = &'static str> {
        MESSAGES.iter().map(|(k, _, _)| *k)
    }

    pub fn english_only() -> impl Iterator<Item = &'static str> {
        MESSAGES.iter().filter(|(_, en, sw)| en != sw && en.len() > 12).map(|(_, en, _)| *en)
    }
}

/// Small numbers in published outputs: a count from 1 to k-1 is shown as "<k" so that no single
/// survivor's case can be picked out. Everything published goes through this.
#[derive(Debug, Clone, Copy)]
pub struct Disclosure {
    pub threshold: u64,
}

impl Default for Disclosure {
    fn default() -> Self {
        Disclosure { threshold: 5 }
    }
}

impl Disclosure {
    pub fn show(&self, n: u64) -> String {
        if n > 0 && n < self.threshold {
            format!("<{}", self.threshold)
        } else {
            n.to_string()
        }
    }
    /// Whether a count would be hidden (so that a bar or symbol must not show its exact size).
    pub fn hides(&self, n: u64) -> bool {
        n > 0 && n < self.threshold
    }
    /// The size to draw a count at: hidden counts all draw at the threshold, revealing nothing.
    pub fn drawn(&self, n: u64) -> u64 {
        if self.hides(n) {
            self.threshold
        } else {
            n
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_exists_in_both_languages_once() {
        let mut seen = std::collections::HashSet::new();
        for (k, en, sw) in MESSAGES {
            assert!(seen.insert(*k), "{k} repeated");
            assert!(!en.is_empty() && !sw.is_empty(), "{k}");
            // The same numbers and names in both languages (agreement words may differ).
            let holes = |s: &str| {
                let mut names: Vec<String> =
                    s.split('{').skip(1).filter_map(|h| h.split(['}', '=']).next().map(str::to_string)).collect();
                names.sort();
                names.dedup();
                names
            };
            assert_eq!(holes(en), holes(sw), "{k}: placeholders differ");
        }
    }

    #[test]
    fn words_agree_with_their_numbers() {
        let en = Catalogue::new(Lang::En);
        let one = [("orgs", "1".to_string()), ("reports", "1".to_string()), ("victims", "1".to_string())];
        assert_eq!(en.f("sum_reports", &one), "1 organisation submitted 1 route report, estimating 1 victim in all.");
        let many = [("orgs", "3".to_string()), ("reports", "<5".to_string()), ("victims", "0".to_string())];
        assert_eq!(
            en.f("sum_reports", &many),
            "3 organisations submitted <5 route reports, estimating 0 victims in all."
        );
        let sw = Catalogue::new(Lang::Sw);
        assert!(sw.f("sum_reports", &one).starts_with("Shirika 1 liliwasilisha"));
        assert!(sw.f("sum_reports", &many).starts_with("Mashirika 3 yaliwasilisha"));
    }

    #[test]
    fn small_numbers_are_hidden() {
        let d = Disclosure::default();
        assert_eq!(d.show(0), "0");
        assert_eq!(d.show(1), "<5");
        assert_eq!(d.show(4), "<5");
        assert_eq!(d.show(5), "5");
        assert_eq!(d.drawn(2), 5);
        assert_eq!(Disclosure { threshold: 10 }.show(9), "<10");
    }
}
