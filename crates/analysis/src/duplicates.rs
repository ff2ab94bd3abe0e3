//! Reports from different organisations that describe the same route. Never merged: grouped into
//! clusters for a coordinator to confirm or split, with figures "as submitted" and "deduplicated".
//!
//! Two reports are candidates when they share the round, the origin and end areas (county in
//! Kenya, country abroad), the set of transit areas and the exploitation types; within such a group
//! reports whose periods overlap (or are not given) are linked. Grouping by key and one sweep over
//! periods keeps the work linear in the number of reports (no pairwise comparison), and adding a
//! report can only merge clusters, never break one.

use std::collections::HashMap;

use crate::dataset::{Dataset, ReportFact, ORIGIN, TRANSIT, UNRESOLVED};
use crate::engine::end_stop;
use crate::output::{DuplicateCluster, DuplicateMember, ListedCluster};

/// A coordinator's decision about a cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Confirmed,
    Split,
}

pub(crate) struct Member {
    pub index: usize,
}

pub(crate) struct Cluster {
    pub key: String,
    pub members: Vec<Member>,
    pub organisations: u64,
    pub similarity: f64,
    pub status: &'static str,
    /// The members' estimates added up, and the largest: counting the cluster once keeps the
    /// largest.
    pub victims_sum: u64,
    pub victims_max: u64,
    /// As the analysis document shows it, made the first time it is shown and kept while the
    /// cluster stands: a server's running tally lists hundreds of clusters after every change,
    /// and remaking them (thousands of strings each time) was half of its finishing work.
    pub shown: std::sync::OnceLock<std::sync::Arc<ListedCluster>>,
}

/// The area a place stands for in duplicate matching: its county in Kenya, its country abroad.
fn area(data: &Dataset<'_>, place: u32) -> u32 {
    if place == UNRESOLVED {
        UNRESOLVED
    } else {
        data.places.area(place)
    }
}

/// How alike two reports are, 0..1 (symmetric): same origin and end areas weigh most, then
/// shared transit areas, overlapping periods and shared exploitation types.
pub fn similarity(data: &Dataset<'_>, a: &ReportFact, b: &ReportFact) -> f64 {
    let (sa, sb) = (data.stops_of(a), data.stops_of(b));
    let origin = |s: &[crate::dataset::StopFact]| s.iter().find(|x| x.role == ORIGIN).map(|x| area(data, x.place));
    let end = |s: &[crate::dataset::StopFact]| end_stop(s).map(|x| area(data, x.place));
    let same = |x: Option<u32>, y: Option<u32>| f64::from(u8::from(x.is_some() && x == y && x != Some(UNRESOLVED)));
    let transit = |s: &[crate::dataset::StopFact]| -> Vec<u32> {
        // Unresolved transit stops say nothing about where the route went.
        let mut t: Vec<u32> =
            s.iter().filter(|x| x.role == TRANSIT && x.place != UNRESOLVED).map(|x| area(data, x.place)).collect();
        t.sort_unstable();
        t.dedup();
        t
    };
    let (ta, tb) = (transit(sa), transit(sb));
    let jaccard_sets = if ta.is_empty() && tb.is_empty() {
        1.0
    } else {
        let inter = ta.iter().filter(|x| tb.contains(x)).count();
        inter as f64 / (ta.len() + tb.len() - inter) as f64
    };
    let bits = |x: u32, y: u32| -> f64 {
        if x == 0 && y == 0 {
            1.0
        } else {
            f64::from((x & y).count_ones()) / f64::from((x | y).count_ones())
        }
    };
    let period = period_overlap(a, b);
    0.35 * same(origin(sa), origin(sb))
        + 0.35 * same(end(sa), end(sb))
        + 0.1 * jaccard_sets
        + PERIOD_WEIGHT * period
        + 0.1 * bits(a.exploitation, b.exploitation)
}

/// The weight of periods in `similarity`, and what the rest adds up to for two reports on the
/// same route with the same exploitation types.
const PERIOD_WEIGHT: f64 = 0.1;
const SAME_ROUTE: f64 = 0.9;

/// How much two reports' periods overlap, 0..1 (1 when either has none).
fn period_overlap(a: &ReportFact, b: &ReportFact) -> f64 {
    let months = |r: &ReportFact| {
        let s = r.period_start.or(r.period_end)?;
        let e = r.period_end.or(r.period_start)?;
        Some((u32::from(s.year()) * 12 + u32::from(s.month()), u32::from(e.year()) * 12 + u32::from(e.month())))
    };
    match (months(a), months(b)) {
        (Some((s1, e1)), Some((s2, e2))) => {
            let overlap = e1.min(e2) as i64 - s1.max(s2) as i64 + 1;
            let span = e1.max(e2) as i64 - s1.min(s2) as i64 + 1;
            (overlap.max(0) as f64) / (span.max(1) as f64)
        }
        _ => 1.0,
    }
}

/// How many clusters the reports form (for benchmarks of the grouping alone).
pub fn cluster_count(data: &Dataset<'_>, chosen: &[usize]) -> usize {
    let mut groups: crate::fasthash::FastMap<(u32, u16, u32), Vec<usize>> = Default::default();
    for &i in chosen {
        let r = &data.reports[i];
        let route = data.journey(r).route;
        if route != crate::dataset::NONE {
            groups.entry((route, r.round, r.exploitation)).or_default().push(i);
        }
    }
    groups.values().map(|members| clusters_of(data, members, &HashMap::new()).len()).sum()
}

/// The cluster's stable key: its member report ids, sorted.
pub fn cluster_key(ids: &[i64]) -> String {
    use std::fmt::Write;
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    let mut key = String::with_capacity(1 + ids.len() * 8);
    key.push('r');
    for (k, id) in ids.iter().enumerate() {
        if k > 0 {
            key.push('-');
        }
        write!(key, "{id}").expect("writing to a String does not fail");
    }
    key
}

/// The clusters among reports that share a key: within the group, reports whose periods
/// overlap (or are not given) are linked; a cluster counts only when it holds reports of at
/// least two organisations.
pub(crate) fn clusters_of(data: &Dataset<'_>, group: &[usize], decisions: &HashMap<String, Decision>) -> Vec<Cluster> {
    if group.len() < 2 {
        return Vec::new();
    }
    let month = |r: &ReportFact, end: bool| {
        let m = if end { r.period_end.or(r.period_start) } else { r.period_start.or(r.period_end) };
        m.map(|m| u32::from(m.year()) * 12 + u32::from(m.month()))
    };
    let mut members: Vec<(Option<u32>, usize)> = group.iter().map(|&i| (month(&data.reports[i], false), i)).collect();
    // Undated reports (first once sorted) form one component; dated ones chain while periods
    // overlap, so every component is a run of the sorted members.
    members.sort_unstable();
    let mut components: Vec<Vec<usize>> = Vec::new();
    let mut reach: Option<u32> = None;
    for &(start, i) in &members {
        let r = &data.reports[i];
        match (start, month(r, true)) {
            (Some(s), Some(e)) => match reach {
                Some(until) if s <= until => {
                    components.last_mut().expect("a chain has a component").push(i);
                    reach = Some(until.max(e));
                }
                _ => {
                    components.push(vec![i]);
                    reach = Some(e);
                }
            },
            _ => match components.first_mut() {
                Some(undated) => undated.push(i),
                None => components.push(vec![i]),
            },
        }
    }
    components
        .into_iter()
        .filter(|m| m.len() > 1)
        .filter_map(|mut members| {
            members.sort_unstable();
            let mut orgs: Vec<u16> = members.iter().map(|&i| data.reports[i].organisation).collect();
            orgs.sort_unstable();
            orgs.dedup();
            if orgs.len() < 2 {
                return None; // one organisation's own repeats are not cross-organisation duplicates
            }
            let ids: Vec<i64> = members.iter().map(|&i| data.reports[i].id).collect();
            let key = cluster_key(&ids);
            let sample = &members[..members.len().min(20)];
            let mut total = 0.0;
            let mut pairs = 0.0;
            // Members share origin and end areas, transit areas and exploitation types (the
            // group's key), so only their periods tell them apart: `similarity` reduces to this.
            for (x, &a) in sample.iter().enumerate() {
                for &b in &sample[x + 1..] {
                    let (a, b) = (&data.reports[a], &data.reports[b]);
                    total += SAME_ROUTE + PERIOD_WEIGHT * period_overlap(a, b);
                    debug_assert!(
                        (SAME_ROUTE + PERIOD_WEIGHT * period_overlap(a, b) - similarity(data, a, b)).abs() < 1e-9
                    );
                    pairs += 1.0;
                }
            }
            let status = match decisions.get(&key) {
                Some(Decision::Confirmed) => "confirmed",
                Some(Decision::Split) => "split",
                None => "suggested",
            };
            let estimates = members.iter().map(|&i| u64::from(data.reports[i].victims));
            let (victims_sum, victims_max) = estimates.fold((0, 0), |(s, m), v| (s + v, m.max(v)));
            Some(Cluster {
                key,
                members: members.into_iter().map(|index| Member { index }).collect(),
                organisations: orgs.len() as u64,
                similarity: ((total / pairs) * 1000.0).round() / 1000.0,
                status,
                victims_sum,
                victims_max,
                shown: std::sync::OnceLock::new(),
            })
        })
        .collect()
}

impl Cluster {
    /// As the analysis document lists it: the first 50 members. A cluster is made again
    /// whenever its group changes (a member taken in or out, a decision), so what it shows
    /// stays true while it stands.
    pub fn output(&self, data: &Dataset<'_>) -> std::sync::Arc<ListedCluster> {
        self.shown.get_or_init(|| std::sync::Arc::new(ListedCluster::new(self.make_output(data)))).clone()
    }

    fn make_output(&self, data: &Dataset<'_>) -> DuplicateCluster {
        DuplicateCluster {
            key: self.key.clone(),
            similarity: self.similarity,
            status: self.status,
            organisations: self.organisations,
            member_count: self.members.len() as u64,
            members: self
                .members
                .iter()
                .take(50)
                .map(|m| {
                    let r = &data.reports[m.index];
                    DuplicateMember {
                        id: r.id,
                        report_id: data.report_refs.get(m.index).map(str::to_string),
                        organisation: data.organisations[r.organisation as usize].name.clone(),
                    }
                })
                .collect(),
        }
    }
}
