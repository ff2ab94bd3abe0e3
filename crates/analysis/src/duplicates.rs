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
use crate::output::{DuplicateCluster, DuplicateMember, Duplicates, Figures};

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
}

pub(crate) struct Grouping {
    pub clusters: Vec<Cluster>,
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[ra.max(rb)] = ra.min(rb);
    }
}

/// The area a place stands for in duplicate matching.
fn area(data: &Dataset<'_>, place: u32) -> u32 {
    if place == UNRESOLVED {
        return UNRESOLVED;
    }
    let g = data.gazetteer;
    let p = vjt_gazetteer::place_at(g, place).expect("place numbers come from the gazetteer");
    g.county_of(p).or_else(|| g.country_of(p)).map_or(place, vjt_gazetteer::place_index)
}

#[derive(Hash, PartialEq, Eq)]
struct Key {
    round: u16,
    origin: u32,
    end: u32,
    transit: Vec<u32>,
    exploitation: u32,
}

fn key(data: &Dataset<'_>, r: &ReportFact) -> Option<Key> {
    let stops = data.stops_of(r);
    let origin = area(data, stops.iter().find(|s| s.role == ORIGIN)?.place);
    let end = area(data, end_stop(stops)?.place);
    if origin == UNRESOLVED || end == UNRESOLVED {
        return None;
    }
    let mut transit: Vec<u32> =
        stops.iter().filter(|s| s.role == TRANSIT).map(|s| area(data, s.place)).filter(|a| *a != UNRESOLVED).collect();
    transit.sort_unstable();
    transit.dedup();
    Some(Key { round: r.round, origin, end, transit, exploitation: r.exploitation })
}

/// How alike two reports are, 0..1 (symmetric): same origin and end areas weigh most, then
/// shared transit areas, overlapping periods and shared exploitation types.
pub fn similarity(data: &Dataset<'_>, a: &ReportFact, b: &ReportFact) -> f64 {
    let (sa, sb) = (data.stops_of(a), data.stops_of(b));
    let origin = |s: &[crate::dataset::StopFact]| s.iter().find(|x| x.role == ORIGIN).map(|x| area(data, x.place));
    let end = |s: &[crate::dataset::StopFact]| end_stop(s).map(|x| area(data, x.place));
    let same = |x: Option<u32>, y: Option<u32>| f64::from(u8::from(x.is_some() && x == y && x != Some(UNRESOLVED)));
    let transit = |s: &[crate::dataset::StopFact]| -> Vec<u32> {
        let mut t: Vec<u32> = s.iter().filter(|x| x.role == TRANSIT).map(|x| area(data, x.place)).collect();
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
    let months = |r: &ReportFact| {
        let s = r.period_start.or(r.period_end)?;
        let e = r.period_end.or(r.period_start)?;
        Some((u32::from(s.year()) * 12 + u32::from(s.month()), u32::from(e.year()) * 12 + u32::from(e.month())))
    };
    let period = match (months(a), months(b)) {
        (Some((s1, e1)), Some((s2, e2))) => {
            let overlap = e1.min(e2) as i64 - s1.max(s2) as i64 + 1;
            let span = e1.max(e2) as i64 - s1.min(s2) as i64 + 1;
            (overlap.max(0) as f64) / (span.max(1) as f64)
        }
        _ => 1.0,
    };
    0.35 * same(origin(sa), origin(sb))
        + 0.35 * same(end(sa), end(sb))
        + 0.1 * jaccard_sets
        + 0.1 * period
        + 0.1 * bits(a.exploitation, b.exploitation)
}

/// How many clusters the reports form (for benchmarks of the grouping alone).
pub fn cluster_count(data: &Dataset<'_>, chosen: &[usize]) -> usize {
    group(data, chosen, &HashMap::new()).clusters.len()
}

/// The cluster's stable key: its member report ids, sorted.
pub fn cluster_key(ids: &[i64]) -> String {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    let parts: Vec<String> = ids.iter().map(ToString::to_string).collect();
    format!("r{}", parts.join("-"))
}

pub(crate) fn group(data: &Dataset<'_>, chosen: &[usize], decisions: &HashMap<String, Decision>) -> Grouping {
    let mut groups: crate::fasthash::FastMap<Key, Vec<usize>> = Default::default();
    for &i in chosen {
        if let Some(k) = key(data, &data.reports[i]) {
            groups.entry(k).or_default().push(i);
        }
    }
    let mut parent: Vec<usize> = (0..data.reports.len()).collect();
    for members in groups.values_mut() {
        if members.len() < 2 {
            continue;
        }
        // Undated reports join the group's first member; dated ones chain while periods overlap.
        let month = |r: &ReportFact, end: bool| {
            let m = if end { r.period_end.or(r.period_start) } else { r.period_start.or(r.period_end) };
            m.map(|m| u32::from(m.year()) * 12 + u32::from(m.month()))
        };
        members.sort_by_key(|&i| (month(&data.reports[i], false), i));
        let first = members[0];
        let mut chain: Option<(usize, u32)> = None;
        for &i in members.iter() {
            let r = &data.reports[i];
            match (month(r, false), month(r, true)) {
                (Some(s), Some(e)) => match chain {
                    Some((anchor, reach)) if s <= reach => {
                        union(&mut parent, anchor, i);
                        chain = Some((anchor, reach.max(e)));
                    }
                    _ => chain = Some((i, e)),
                },
                _ => union(&mut parent, first, i),
            }
        }
    }
    let mut components: crate::fasthash::FastMap<usize, Vec<usize>> = Default::default();
    for &i in chosen {
        let root = find(&mut parent, i);
        components.entry(root).or_default().push(i);
    }
    let mut clusters: Vec<Cluster> = components
        .into_values()
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
            for (x, &a) in sample.iter().enumerate() {
                for &b in &sample[x + 1..] {
                    total += similarity(data, &data.reports[a], &data.reports[b]);
                    pairs += 1.0;
                }
            }
            let status = match decisions.get(&key) {
                Some(Decision::Confirmed) => "confirmed",
                Some(Decision::Split) => "split",
                None => "suggested",
            };
            Some(Cluster {
                key,
                members: members.into_iter().map(|index| Member { index }).collect(),
                organisations: orgs.len() as u64,
                similarity: ((total / pairs) * 1000.0).round() / 1000.0,
                status,
            })
        })
        .collect();
    clusters.sort_by(|a, b| b.members.len().cmp(&a.members.len()).then(a.key.cmp(&b.key)));
    Grouping { clusters }
}

impl Grouping {
    /// (distinct routes, victims) once each cluster that is not split counts as one route at its
    /// largest estimate.
    pub fn deduplicated_with(&self, data: &Dataset<'_>, reports: u64, victims: u64) -> (u64, u64) {
        let (mut r, mut v) = (reports, victims);
        for c in self.clusters.iter().filter(|c| c.status != "split") {
            let estimates: Vec<u64> = c.members.iter().map(|m| u64::from(data.reports[m.index].victims)).collect();
            r -= c.members.len() as u64 - 1;
            v -= estimates.iter().sum::<u64>() - estimates.iter().max().copied().unwrap_or(0);
        }
        (r, v)
    }

    pub fn output(&self, data: &Dataset<'_>) -> Duplicates {
        Duplicates {
            clusters: self
                .clusters
                .iter()
                .map(|c| DuplicateCluster {
                    key: c.key.clone(),
                    similarity: c.similarity,
                    status: c.status,
                    organisations: c.organisations,
                    member_count: c.members.len() as u64,
                    members: c
                        .members
                        .iter()
                        .take(50)
                        .map(|m| {
                            let r = &data.reports[m.index];
                            DuplicateMember {
                                id: r.id,
                                report_id: data.report_refs[m.index].as_deref().map(str::to_string),
                                organisation: data.organisations[r.organisation as usize].name.clone(),
                            }
                        })
                        .collect(),
                })
                .collect(),
            // Filled in by the engine, which knows the totals.
            as_submitted: Figures { reports: 0, victims: 0 },
            deduplicated: Figures { reports: 0, victims: 0 },
        }
    }
}
