//! The analysis itself is kept as running totals ([`crate::tally::Tally`]); this module holds
//! what is worked out from them at the end (betweenness) and the one-call entry point.

use std::collections::HashMap;

use vjt_gazetteer::{place_at, Gazetteer, PlaceIx};

use crate::dataset::{Dataset, DESTINATION, EXPLOITATION};
use crate::duplicates::Decision;
use crate::fasthash::FastSet;
use crate::output::Analysis;
use crate::risk::RiskWeights;
use crate::tally::Tally;

pub(crate) fn ix(g: &Gazetteer, n: u32) -> PlaceIx {
    place_at(g, n).expect("place numbers come from the gazetteer")
}

/// The analysis options beside the filter.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub risk: RiskWeights,
    /// Coordinator decisions on duplicate clusters, by cluster key.
    pub decisions: HashMap<String, Decision>,
    /// How many corridors, hubs and unresolved texts to list.
    pub top: Option<usize>,
    /// How many duplicate clusters to list, the largest first (all when not given; the
    /// deduplicated figures always count every cluster).
    pub clusters: Option<usize>,
}

pub(crate) fn end_stop(stops: &[crate::dataset::StopFact]) -> Option<&crate::dataset::StopFact> {
    stops.iter().rev().find(|s| s.role == EXPLOITATION).or_else(|| stops.iter().rev().find(|s| s.role == DESTINATION))
}

/// Brandes' betweenness on the directed graph of area-to-area legs, normalised to 0..1.
pub(crate) fn betweenness(nodes: &[u32], edges: &FastSet<(u32, u32)>) -> HashMap<u32, f64> {
    let index: HashMap<u32, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let n = nodes.len();
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (a, b) in edges {
        adj[index[a]].push(index[b]);
    }
    let mut cb = vec![0.0f64; n];
    for s in 0..n {
        let mut stack = Vec::new();
        let mut pred: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut sigma = vec![0.0f64; n];
        let mut dist = vec![-1i64; n];
        sigma[s] = 1.0;
        dist[s] = 0;
        let mut queue = std::collections::VecDeque::from([s]);
        while let Some(v) = queue.pop_front() {
            stack.push(v);
            for &w in &adj[v] {
                if dist[w] < 0 {
                    dist[w] = dist[v] + 1;
                    queue.push_back(w);
                }
                if dist[w] == dist[v] + 1 {
                    sigma[w] += sigma[v];
                    pred[w].push(v);
                }
            }
        }
        let mut delta = vec![0.0f64; n];
        while let Some(w) = stack.pop() {
            for &v in &pred[w] {
                delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w]);
            }
            if w != s {
                cb[w] += delta[w];
            }
        }
    }
    let norm = if n > 2 { ((n - 1) * (n - 2)) as f64 } else { 1.0 };
    nodes.iter().enumerate().map(|(i, node)| (*node, cb[i] / norm)).collect()
}

/// Runs the whole analysis over the reports the filter keeps.
pub fn analyze(data: &Dataset<'_>, filter: &crate::Filter, options: &Options) -> Analysis {
    Tally::of(data, filter.clone(), options.clone()).finish(data)
}
