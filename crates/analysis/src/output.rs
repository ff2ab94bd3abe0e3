//! The analysis document, as `vjt analyze --json` prints it. Documented in docs/analysis-json.md.

use std::collections::BTreeMap;

use serde::Serialize;
use vjt_gazetteer::{Gazetteer, PlaceIx};

use crate::risk::{RiskInputs, RiskInputsScored, RiskWeights};

#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub totals: Totals,
    pub places: Vec<PlaceActivity>,
    pub counties: Vec<CountyActivity>,
    pub regions: Vec<RegionActivity>,
    pub countries: Vec<CountryActivity>,
    pub corridors: Corridors,
    pub hubs: Vec<Hub>,
    pub breakdowns: AllBreakdowns,
    pub trend: Option<Trend>,
    pub unresolved_places: Vec<UnresolvedText>,
    pub duplicates: Duplicates,
    pub risk_weights: RiskWeights,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Totals {
    pub reports: u64,
    pub organisations: u64,
    /// The submitting organisations by kind (code → number of organisations).
    pub organisation_kinds: BTreeMap<String, u64>,
    pub rounds: u64,
    /// Sum of the known estimates (withheld small counts are not added).
    pub victims: u64,
    pub reports_without_victims: u64,
    pub reports_with_withheld_counts: u64,
    /// Reports after each duplicate cluster (suggested or confirmed) counts as one route.
    pub distinct_routes: u64,
    /// Victims with each cluster counted at its largest estimate.
    pub victims_deduplicated: u64,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Default)]
pub struct RoleStat {
    pub reports: u64,
    pub victims: u64,
    pub organisations: u64,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Default)]
pub struct Roles {
    pub origin: RoleStat,
    pub transit: RoleStat,
    pub destination: RoleStat,
    pub exploitation: RoleStat,
}

impl Roles {
    pub fn total_reports(&self) -> u64 {
        self.origin.reports + self.transit.reports + self.destination.reports + self.exploitation.reports
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PlaceActivity {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub country: Option<String>,
    pub county: Option<String>,
    #[serde(flatten)]
    pub roles: Roles,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountyActivity {
    pub iso: String,
    pub number: u8,
    pub name: String,
    pub region: String,
    #[serde(flatten)]
    pub roles: Roles,
    pub risk_score: f64,
    pub risk_band: &'static str,
    /// Each component's points in the score.
    pub components: RiskInputsScored,
    /// The figures the components come from.
    pub inputs: RiskInputs,
}

#[derive(Debug, Clone, Serialize)]
pub struct RegionActivity {
    pub id: String,
    pub name: String,
    #[serde(flatten)]
    pub roles: Roles,
    pub risk_score: f64,
    pub risk_band: &'static str,
    pub components: RiskInputsScored,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountryActivity {
    /// ISO alpha-2 for countries, the region id for world regions.
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    #[serde(flatten)]
    pub roles: Roles,
}

/// A place as listed inside other entries.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PlaceRef {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub county: Option<String>,
    pub country: Option<String>,
}

impl PlaceRef {
    pub fn of(g: &Gazetteer, p: PlaceIx) -> PlaceRef {
        let place = g.place(p);
        PlaceRef {
            id: place.id.clone(),
            name: place.name.clone(),
            kind: place.kind.code(),
            county: g.county_of(p).and_then(|c| g.place(c).county_codes.as_ref().map(|x| x.iso.clone())),
            country: g.country_of(p).and_then(|c| g.place(c).iso2.clone()),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Corridor {
    pub from: PlaceRef,
    pub to: PlaceRef,
    pub reports: u64,
    pub victims: u64,
    pub organisations: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Corridors {
    /// Origin → place of exploitation (else intended destination), by place.
    pub place: Vec<Corridor>,
    /// The same at county level in Kenya and country level abroad.
    pub county: Vec<Corridor>,
    pub country: Vec<Corridor>,
    /// Each stop → the next one.
    pub legs: Legs,
}

#[derive(Debug, Clone, Serialize)]
pub struct Legs {
    pub place: Vec<Corridor>,
    pub county: Vec<Corridor>,
    pub country: Vec<Corridor>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hub {
    pub place: PlaceRef,
    /// Reports whose route passes through (neither starts nor ends in) the area.
    pub through_reports: u64,
    /// Betweenness of the area in the network of legs, 0..1.
    pub centrality: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CodeCounts {
    /// Reports per code (a report with several codes counts once per code).
    pub counts: BTreeMap<String, u64>,
    /// Reports that gave none.
    pub not_given: u64,
    pub reports: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct VocabBreakdown {
    pub exploitation_types: CodeCounts,
    pub sectors: CodeCounts,
    pub transport_modes: CodeCounts,
    pub recruitment_methods: CodeCounts,
    pub recruiter_relationships: CodeCounts,
    pub source: CodeCounts,
    pub confidence: CodeCounts,
}

#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct GenderCounts {
    pub female: u64,
    pub male: u64,
    pub other: u64,
    pub reports_with: u64,
    pub reports_without: u64,
}

#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct AgeCounts {
    pub children: u64,
    pub adults: u64,
    pub reports_with: u64,
    pub reports_without: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LabelCounts {
    pub counts: BTreeMap<String, u64>,
    pub not_given: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Breakdowns {
    #[serde(flatten)]
    pub vocab: VocabBreakdown,
    pub gender: GenderCounts,
    pub age: AgeCounts,
    /// Reports by the year (or span of years) they were seen.
    pub period: LabelCounts,
    /// Reports by the world region of their origin ("unknown" when unresolved).
    pub origin_world_region: BTreeMap<String, u64>,
    /// Reports by the world region where they end (exploitation, else destination).
    pub end_world_region: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CorridorBreakdown {
    pub from: PlaceRef,
    pub to: PlaceRef,
    pub breakdown: VocabBreakdown,
}

#[derive(Debug, Clone, Serialize)]
pub struct CorridorCounts {
    pub from: PlaceRef,
    pub to: PlaceRef,
    pub counts: CodeCounts,
}

#[derive(Debug, Clone, Serialize)]
pub struct AllBreakdowns {
    pub overall: Breakdowns,
    /// By the ISO code of the county of origin.
    pub by_origin_county: BTreeMap<String, VocabBreakdown>,
    /// The busiest county/country-level corridors.
    pub by_corridor: Vec<CorridorBreakdown>,
    pub transport_by_corridor: Vec<CorridorCounts>,
    /// recruitment method → exploitation type → reports with both.
    pub recruitment_by_exploitation: BTreeMap<String, BTreeMap<String, u64>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountyTrend {
    pub iso: String,
    pub name: String,
    pub reports_before: u64,
    pub reports_after: u64,
    pub score_before: f64,
    pub score_after: f64,
    pub change: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub from_round: String,
    pub to_round: String,
    pub counties: Vec<CountyTrend>,
    /// Places named in the later round and not in the earlier one.
    pub new_places: Vec<PlaceRef>,
    pub new_countries: Vec<PlaceRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnresolvedText {
    pub text: String,
    pub reports: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DuplicateMember {
    pub id: i64,
    pub report_id: Option<String>,
    pub organisation: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DuplicateCluster {
    /// Stable while the cluster's members stay the same; what `vjt duplicates confirm|split` take.
    pub key: String,
    pub similarity: f64,
    pub status: &'static str,
    pub organisations: u64,
    /// How many reports the cluster holds.
    pub member_count: u64,
    /// Its members, the first 50 by id (all of them in smaller clusters).
    pub members: Vec<DuplicateMember>,
}

/// A cluster as the document lists it, with its JSON written once: a server sends the 500
/// largest (2 MiB of a 2.8 MiB document at 100,000 reports) after every change, and most of
/// them stay as they were.
#[derive(Debug)]
pub struct ListedCluster {
    cluster: DuplicateCluster,
    json: std::sync::OnceLock<Box<serde_json::value::RawValue>>,
}

impl ListedCluster {
    pub fn new(cluster: DuplicateCluster) -> Self {
        ListedCluster { cluster, json: std::sync::OnceLock::new() }
    }
}

impl std::ops::Deref for ListedCluster {
    type Target = DuplicateCluster;
    fn deref(&self) -> &DuplicateCluster {
        &self.cluster
    }
}

impl Serialize for ListedCluster {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Any other serializer (a JSON value, as the viewers' document is made) reads the text
        // back; serde_json's writer copies it as it is.
        if let Some(json) = self.json.get() {
            return json.serialize(s);
        }
        match serde_json::value::to_raw_value(&self.cluster) {
            Ok(json) => self.json.get_or_init(|| json).serialize(s),
            Err(_) => self.cluster.serialize(s),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Duplicates {
    /// How many clusters there are in all (the list may hold only the largest), and how many
    /// of them wait for a coordinator's decision or were split.
    pub total_clusters: u64,
    pub suggested_clusters: u64,
    pub split_clusters: u64,
    /// Shared with the running tally that made them, which keeps each until it changes.
    pub clusters: Vec<std::sync::Arc<ListedCluster>>,
    pub as_submitted: Figures,
    pub deduplicated: Figures,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Figures {
    pub reports: u64,
    pub victims: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_cluster_reads_as_the_cluster_itself_every_time() {
        let cluster = DuplicateCluster {
            key: "r1|2020|sexual_exploitation".into(),
            similarity: 0.875,
            status: "suggested",
            organisations: 2,
            member_count: 3,
            members: vec![
                DuplicateMember { id: 7, report_id: Some("KE-\"7\"".into()), organisation: "HAART Kenya".into() },
                DuplicateMember { id: 9, report_id: None, organisation: "Awareness Against Trafficking".into() },
            ],
        };
        let listed = ListedCluster::new(cluster.clone());
        let text = serde_json::to_string(&cluster).unwrap();
        let value = serde_json::to_value(&cluster).unwrap();
        // The first time writes the text and keeps it; the second copies it.
        for _ in 0..2 {
            assert_eq!(serde_json::to_string(&listed).unwrap(), text);
            assert_eq!(serde_json::to_value(&listed).unwrap(), value);
            assert_eq!(serde_json::to_string_pretty(&listed).unwrap().replace([' ', '\n'], ""), text.replace(' ', ""));
        }
        assert!(listed.json.get().is_some(), "the text is kept");
        assert_eq!(listed.members.len(), 2, "the cluster's fields are read through it");
    }
}
