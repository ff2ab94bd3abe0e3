//! Text as reported → the best place, a score in 0..=1, and up to five alternatives.
//!
//! Steps, each tried only when the one before found nothing: the coordinator's own aliases; exact
//! names and aliases; the same after dropping filler words ("county", "border", "CBD", "kaunti",
//! "mpaka", ...); a trailing qualifier ("Busia, Uganda", "Riyadh KSA"); typo-tolerant matching.
//! Ties are broken by the countries of the route's other stops and the deployment's home country;
//! a name shared by places in different areas with nothing to choose between them stays unresolved.

use std::collections::HashMap;
use std::rc::Rc;

use vjt_domain::text::{edit_distance, fold};
use vjt_domain::{Journey, PlaceId, StopRole, Vocabulary};

use crate::fuzzy::max_edits;
use crate::{Gazetteer, PlaceIx, PlaceKind};

/// At or above this score a text counts as resolved; below it, it waits in the review list.
pub const RESOLVED_AT: f32 = 0.75;

/// Words that say what sort of place a name is, not which one (English and Kiswahili).
const FILLER: &[&str] = &[
    "county",
    "city",
    "town",
    "township",
    "cbd",
    "stage",
    "border",
    "borders",
    "crossing",
    "point",
    "post",
    "centre",
    "center",
    "market",
    "estate",
    "area",
    "village",
    "location",
    "sub",
    "subcounty",
    "district",
    "region",
    "province",
    "the",
    "of",
    "in",
    "near",
    "section",
    "phase",
    "ward",
    "slum",
    "slums",
    "kaunti",
    "ya",
    "wa",
    "la",
    "mji",
    "mjini",
    "mpaka",
    "kijiji",
    "eneo",
    "mtaa",
    "sokoni",
    "katika",
    "karibu",
    "no",
    "island",
    "isle",
    "kisiwa",
    "cha",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Resolved,
    Unresolved,
}

/// How a match was found, from most to least certain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// A coordinator's decision stored in the database.
    Custom,
    Exact,
    Alias,
    /// Found once filler words were dropped.
    Tidied,
    /// Found within the area a trailing qualifier named.
    Qualified,
    /// Only the qualifier was recognised ("somewhere, Uganda" → Uganda).
    QualifierOnly,
    Fuzzy,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    pub place: PlaceIx,
    pub score: f32,
    pub how: MatchKind,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    pub input: String,
    pub status: Status,
    pub best: Option<Match>,
    pub alternatives: Vec<Match>,
}

impl Resolution {
    pub fn resolved(&self) -> Option<PlaceIx> {
        match (self.status, self.best) {
            (Status::Resolved, Some(m)) => Some(m.place),
            _ => None,
        }
    }
}

/// What is known around a text: countries its neighbours on the route lie in, and its role.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub countries: Vec<PlaceIx>,
    pub role: Option<StopRole>,
}

/// The gazetteer plus one database's coordinator aliases.
pub struct Resolver<'g> {
    gazetteer: &'g Gazetteer,
    custom: HashMap<String, PlaceIx>,
    home: Option<PlaceIx>,
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    place: PlaceIx,
    base: f32,
    how: MatchKind,
    rank: f32,
}

/// Settlement-like places, where one name in two areas is a real ambiguity.
fn is_settlement(kind: PlaceKind) -> bool {
    !matches!(kind, PlaceKind::Country | PlaceKind::County | PlaceKind::Province | PlaceKind::WorldRegion)
}

/// Places a reporter is likely to mean when a name is shared with an obscure village.
fn notable(place: &crate::Place) -> bool {
    place.population > 0 || place.kind.is_exit_point() || !matches!(place.kind, PlaceKind::Town | PlaceKind::SubCounty)
}

fn priority(kind: PlaceKind) -> f32 {
    match kind {
        PlaceKind::Country => 9.0,
        PlaceKind::County => 8.0,
        PlaceKind::City | PlaceKind::BorderCrossing => 6.0,
        PlaceKind::Town | PlaceKind::Seaport | PlaceKind::Airport => 5.0,
        PlaceKind::Neighbourhood => 4.0,
        PlaceKind::WorldRegion | PlaceKind::SubCounty => 3.0,
        PlaceKind::Province => 2.0,
    }
}

pub(crate) fn strip_filler(key: &str) -> String {
    key.split(' ')
        .filter(|w| !FILLER.contains(w) && !w.chars().all(|c| c.is_ascii_digit()))
        .collect::<Vec<_>>()
        .join(" ")
}

impl<'g> Resolver<'g> {
    /// A resolver whose home country (Kenya, the first deployment) wins ties.
    pub fn new(gazetteer: &'g Gazetteer) -> Self {
        let home = gazetteer.country_by_iso2("KE");
        Resolver { gazetteer, custom: HashMap::new(), home }
    }

    pub fn gazetteer(&self) -> &'g Gazetteer {
        self.gazetteer
    }

    /// Makes ties go to places in `home` (an ISO alpha-2 code) when nothing else decides.
    pub fn with_home(mut self, home: Option<&str>) -> Self {
        self.home = home.and_then(|h| self.gazetteer.country_by_iso2(h));
        self
    }

    /// Adds a coordinator's decision: this text means that place. Returns false for an unknown id.
    pub fn add_alias(&mut self, text: &str, place_id: &str) -> bool {
        match self.gazetteer.by_id(place_id) {
            Some(ix) => {
                self.custom.insert(fold(text), ix);
                true
            }
            None => false,
        }
    }

    pub fn resolve(&self, text: &str, context: &Context) -> Resolution {
        let key = fold(text);
        let mut candidates = self.candidates(text, &key);
        self.rank(&mut candidates, context);
        let mut best = candidates.first().map(|c| Match { place: c.place, score: c.base, how: c.how });
        if let (Some(b), Some(top)) = (best.as_mut(), candidates.first()) {
            b.score = self.confidence(top, &candidates, context);
        }
        let alternatives: Vec<Match> =
            candidates.iter().skip(1).take(5).map(|c| Match { place: c.place, score: c.base, how: c.how }).collect();
        let status = match best {
            Some(m) if m.score >= RESOLVED_AT => Status::Resolved,
            _ => Status::Unresolved,
        };
        Resolution { input: text.to_string(), status, best, alternatives }
    }

    fn exact(&self, key: &str, canonical: f32, alias: f32, how_alias: MatchKind, out: &mut Vec<Candidate>) {
        if let Some(ix) = self.custom.get(key) {
            out.push(Candidate { place: *ix, base: 1.0, how: MatchKind::Custom, rank: 0.0 });
            return;
        }
        for &(ix, is_canonical) in self.gazetteer.exact(key) {
            let (base, how) = if is_canonical {
                (canonical, if how_alias == MatchKind::Alias { MatchKind::Exact } else { how_alias })
            } else {
                (alias, how_alias)
            };
            out.push(Candidate { place: ix, base, how, rank: 0.0 });
        }
    }

    fn fuzzy(&self, key: &str, scale: f32, out: &mut Vec<Candidate>) {
        self.fuzzy_within(key, max_edits(key.chars().count()), scale, out);
    }

    fn fuzzy_within(&self, key: &str, allowed: usize, scale: f32, out: &mut Vec<Candidate>) {
        let len = key.chars().count();
        if allowed == 0 {
            return;
        }
        let candidates = if allowed > max_edits(len) {
            self.gazetteer.fuzzy_index().candidates_within(key, allowed)
        } else {
            self.gazetteer.fuzzy_index().candidates(key)
        };
        for name in candidates {
            let d = edit_distance(key, name);
            if d == 0 || d > allowed {
                continue;
            }
            let longest = len.max(name.chars().count()) as f32;
            let similarity = 1.0 - d as f32 / longest;
            let base = similarity.sqrt() * 0.9 * scale;
            for &(ix, _) in self.gazetteer.exact(name) {
                out.push(Candidate { place: ix, base, how: MatchKind::Fuzzy, rank: 0.0 });
            }
        }
    }

    fn candidates(&self, text: &str, key: &str) -> Vec<Candidate> {
        let mut out = Vec::new();
        if key.is_empty() {
            return out;
        }
        self.exact(key, 1.0, 0.97, MatchKind::Alias, &mut out);
        if !out.is_empty() {
            return out;
        }
        let tidy = strip_filler(key);
        if !tidy.is_empty() && tidy != key {
            self.exact(&tidy, 0.96, 0.94, MatchKind::Tidied, &mut out);
            if !out.is_empty() {
                return out;
            }
        }
        // "Venezuela (Bolivarian Republic of)": the name before a bracket.
        if let Some((before, _)) = text.split_once('(') {
            let head = strip_filler(&fold(before));
            if !head.is_empty() {
                self.exact(&head, 0.95, 0.93, MatchKind::Tidied, &mut out);
                if !out.is_empty() {
                    return out;
                }
            }
        }
        self.qualified(text, key, &mut out);
        if !out.is_empty() {
            return out;
        }
        let target = if tidy.is_empty() { key } else { tidy.as_str() };
        self.fuzzy(target, 1.0, &mut out);
        out
    }

    /// "Busia, Uganda" / "Riyadh KSA": the last part names an area; the rest is looked up inside it.
    fn qualified(&self, text: &str, key: &str, out: &mut Vec<Candidate>) {
        let mut splits: Vec<(String, String)> = Vec::new();
        if let Some((head, tail)) = text.rsplit_once([',', '/', '(', '-']) {
            splits.push((fold(head), fold(tail)));
        }
        let words: Vec<&str> = key.split(' ').collect();
        for take in 1..=3.min(words.len().saturating_sub(1)) {
            let (head, tail) = words.split_at(words.len() - take);
            splits.push((head.join(" "), tail.join(" ")));
        }
        for (head, tail) in splits {
            let head = strip_filler(&head);
            let tail = strip_filler(&tail);
            if head.is_empty() || tail.is_empty() {
                continue;
            }
            let mut areas = Vec::new();
            self.exact(&tail, 1.0, 1.0, MatchKind::Alias, &mut areas);
            areas.retain(|c| !is_settlement(self.gazetteer.place(c.place).kind) || c.how == MatchKind::Custom);
            if areas.is_empty() {
                continue;
            }
            let mut inner = Vec::new();
            self.exact(&head, 0.98, 0.96, MatchKind::Qualified, &mut inner);
            if inner.is_empty() {
                self.fuzzy(&head, 0.98, &mut inner);
            }
            inner.retain(|c| {
                let chain = self.gazetteer.ancestry(c.place);
                areas.iter().any(|a| chain.contains(&a.place) || self.in_everyday_region(c.place, a.place))
            });
            for c in &mut inner {
                if c.how != MatchKind::Fuzzy {
                    c.how = MatchKind::Qualified;
                }
            }
            if inner.is_empty() {
                // The place is unknown, but the area it is in is not: better coarse than nothing.
                out.extend(areas.iter().map(|a| Candidate {
                    place: a.place,
                    base: 0.8,
                    how: MatchKind::QualifierOnly,
                    rank: 0.0,
                }));
            } else {
                out.extend(inner);
            }
            return;
        }
    }

    /// "Dubai, Gulf": a country's membership of an everyday region counts as lying inside it.
    fn in_everyday_region(&self, place: PlaceIx, region: PlaceIx) -> bool {
        let members = &self.gazetteer.place(region).members;
        !members.is_empty()
            && self
                .gazetteer
                .country_of(place)
                .and_then(|c| self.gazetteer.place(c).iso2.as_ref())
                .is_some_and(|iso2| members.contains(iso2))
    }

    fn preferred(&self, place: PlaceIx, context: &Context) -> (bool, bool) {
        let country = self.gazetteer.country_of(place);
        let by_context = country.is_some() && context.countries.iter().any(|c| Some(*c) == country);
        let by_home = country.is_some() && country == self.home;
        (by_context, by_home)
    }

    fn rank(&self, candidates: &mut Vec<Candidate>, context: &Context) {
        // One entry per place, keeping its strongest match.
        candidates.sort_by(|a, b| a.place.cmp(&b.place).then(b.base.total_cmp(&a.base)));
        candidates.dedup_by_key(|c| c.place);
        for c in candidates.iter_mut() {
            let p = self.gazetteer.place(c.place);
            let (by_context, by_home) = self.preferred(c.place, context);
            let mut rank = c.base;
            if by_context {
                rank += 0.04;
            }
            if by_home {
                rank += 0.02;
            }
            if context.role == Some(StopRole::Transit) && p.kind.is_exit_point() {
                rank += 0.02;
            }
            // Notability outweighs the home country: "Dar es Salaam" is the city, not a Kenyan hamlet.
            if notable(p) {
                rank += 0.03;
            }
            rank += priority(p.kind) * 0.001 + ((p.population as f32) + 1.0).log10() * 0.0001;
            c.rank = rank;
        }
        candidates.sort_by(|a, b| b.rank.total_cmp(&a.rank).then(a.place.cmp(&b.place)));
    }

    /// The area a place stands for when judging ambiguity: its county in Kenya, else its country.
    fn area(&self, place: PlaceIx) -> Option<PlaceIx> {
        self.gazetteer.county_of(place).or_else(|| self.gazetteer.country_of(place))
    }

    /// Two places conflict when they lie in different areas and neither contains the other
    /// (Nairobi City county and Nairobi province do not conflict; two villages called Makutano do).
    fn conflict(&self, a: PlaceIx, b: PlaceIx) -> bool {
        let (area_a, area_b) = (self.area(a), self.area(b));
        if area_a == area_b {
            return false;
        }
        let (up_a, up_b) = (self.gazetteer.ancestry(a), self.gazetteer.ancestry(b));
        !(up_a.contains(&b)
            || up_b.contains(&a)
            || area_a.is_some_and(|x| up_b.contains(&x))
            || area_b.is_some_and(|x| up_a.contains(&x)))
    }

    /// The best candidate's score, lowered when an equally good match lies in another area and
    /// nothing (route context, home country, notability, a much larger population) decides.
    fn confidence(&self, best: &Candidate, all: &[Candidate], context: &Context) -> f32 {
        let place = self.gazetteer.place(best.place);
        let rival = all.iter().skip(1).find(|c| {
            (c.base - best.base).abs() < 0.02
                && is_settlement(self.gazetteer.place(c.place).kind) == is_settlement(place.kind)
                && self.conflict(c.place, best.place)
        });
        let Some(rival) = rival else { return best.base };
        if notable(place) && !notable(self.gazetteer.place(rival.place)) {
            return best.base;
        }
        let (ctx_best, home_best) = self.preferred(best.place, context);
        let (ctx_rival, home_rival) = self.preferred(rival.place, context);
        if (ctx_best && !ctx_rival) || (home_best && !home_rival && !ctx_rival) {
            return best.base;
        }
        let rival_pop = self.gazetteer.place(rival.place).population;
        if place.population > 0 && place.population >= rival_pop.saturating_mul(10).max(1) {
            return best.base * 0.95;
        }
        best.base * 0.7
    }

    /// Best guesses for a coordinator reviewing a text that did not resolve: looser than resolution
    /// (one more edit allowed, short names included), so never used to decide anything by itself.
    pub fn suggest(&self, text: &str) -> Vec<Match> {
        let r = self.resolve(text, &Context::default());
        let mut out: Vec<Match> = r.best.into_iter().chain(r.alternatives).collect();
        if out.is_empty() {
            let key = strip_filler(&fold(text));
            let allowed = max_edits(key.chars().count()) + 1;
            let mut candidates = Vec::new();
            self.fuzzy_within(&key, allowed, 0.8, &mut candidates);
            self.rank(&mut candidates, &Context::default());
            out = candidates.into_iter().take(5).map(|c| Match { place: c.place, score: c.base, how: c.how }).collect();
        }
        out
    }

    /// Resolves every stop of a journey in place, using the other stops' countries as context, and
    /// returns each stop's resolution in travel order. A stop keeps its text whatever happens.
    pub fn resolve_journey(&self, journey: &mut Journey, home_country: Option<&str>) -> Vec<Resolution> {
        self.resolve_journey_with(journey, home_country, &mut |text, ctx| Rc::new(self.resolve(text, ctx)))
            .into_iter()
            // Each made for this journey alone: the only reference to it.
            .map(|r| Rc::try_unwrap(r).unwrap_or_else(|shared| (*shared).clone()))
            .collect()
    }

    /// As `resolve_journey`, remembering answers in `cache`: an import names the same places
    /// thousands of times. The answers are shared with the cache rather than copied out of it
    /// (a copy was an allocation or two per stop of every imported row).
    pub fn resolve_journey_cached(
        &self,
        journey: &mut Journey,
        home_country: Option<&str>,
        cache: &mut ResolutionCache,
    ) -> Vec<Rc<Resolution>> {
        // One buffer for every look-up's key: a new one per stop was an allocation each.
        let mut key = Vec::new();
        self.resolve_journey_with(journey, home_country, &mut |text, ctx| {
            // How many route countries (a route has at most a few dozen stops), each one's index
            // in four bytes, the role's code, 0xFF (never in UTF-8) and the text: read from the
            // front, distinct questions give distinct keys, made without any formatting.
            key.clear();
            key.push(u8::try_from(ctx.countries.len()).unwrap_or(u8::MAX));
            for c in &ctx.countries {
                key.extend_from_slice(&c.0.to_le_bytes());
            }
            key.extend_from_slice(ctx.role.map_or("-", |r| r.code()).as_bytes());
            key.push(0xFF);
            key.extend_from_slice(text.as_bytes());
            if let Some(hit) = cache.0.get(key.as_slice()) {
                return Rc::clone(hit);
            }
            let r = Rc::new(self.resolve(text, ctx));
            if cache.0.len() < ResolutionCache::MAX {
                cache.0.insert(key.clone(), Rc::clone(&r));
            }
            r
        })
    }

    fn resolve_journey_with(
        &self,
        journey: &mut Journey,
        home_country: Option<&str>,
        resolve: &mut dyn FnMut(&str, &Context) -> Rc<Resolution>,
    ) -> Vec<Rc<Resolution>> {
        let mut base = Context::default();
        if let Some(c) = home_country.and_then(|h| self.gazetteer.country_by_iso2(h)) {
            base.countries.push(c);
        }
        let roles: Vec<StopRole> = journey.stops().map(|(r, _)| r).collect();
        // One context, its role set for each stop in turn: a copy per stop was an allocation each.
        let mut ctx = base.clone();
        let first: Vec<Rc<Resolution>> = journey
            .stops()
            .map(|(role, stop)| {
                ctx.role = Some(role);
                resolve(stop.text.as_str(), &ctx)
            })
            .collect();
        // Second pass: what the confident stops say about the route's countries decides the rest.
        let mut route = base.clone();
        for r in &first {
            if let Some(m) = r.best.filter(|m| m.score >= 0.95) {
                if let Some(c) = self.gazetteer.country_of(m.place) {
                    if !route.countries.contains(&c) {
                        route.countries.push(c);
                    }
                }
            }
        }
        let results: Vec<Rc<Resolution>> = first
            .into_iter()
            .zip(&roles)
            .map(|(r, role)| match r.best {
                Some(m) if m.score >= 0.95 => r,
                _ => {
                    route.role = Some(*role);
                    resolve(&r.input, &route)
                }
            })
            .collect();
        for (stop, r) in journey.stops_mut().zip(&results) {
            stop.place = r.resolved().map(|ix| PlaceId(self.gazetteer.place(ix).id.clone()));
        }
        results
    }
}

/// Remembered resolutions, keyed by text, role and route countries. Bounded, so that a file of a
/// million distinct misspellings cannot exhaust memory.
#[derive(Default)]
pub struct ResolutionCache(HashMap<Vec<u8>, Rc<Resolution>, ahash::RandomState>);

impl ResolutionCache {
    const MAX: usize = 200_000;
}
