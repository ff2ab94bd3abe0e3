//! Resolutions per second on a realistic mix: most inputs are exact names or aliases, a fifth need
//! typo-tolerant matching. Also prints the resident memory the loaded gazetteer costs.
//!
//! Run: cargo bench -p vjt-gazetteer --bench resolve

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use vjt_gazetteer::{Context, Gazetteer, Resolver};

fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Swaps two neighbouring letters in the middle of a name: the commonest typing slip.
fn typo(name: &str) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    let mid = chars.len() / 2;
    if chars.len() >= 6 {
        chars.swap(mid - 1, mid);
    }
    chars.into_iter().collect()
}

fn workload(g: &Gazetteer) -> Vec<String> {
    let messy: Vec<String> = include_str!("../tests/data/messy_places.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect();
    // Real town names from the gazetteer, so the mix is not only the test set's well-known places.
    let towns: Vec<String> = g.places().filter(|(_, p)| p.population > 0).map(|(_, p)| p.name.clone()).collect();
    let mut out = Vec::with_capacity(5000);
    for i in 0..5000 {
        let base = if i % 2 == 0 { &messy[i % messy.len()] } else { &towns[i % towns.len()] };
        // One in five needs the fuzzy path.
        out.push(if i % 5 == 4 { typo(base) } else { base.clone() });
    }
    out
}

fn bench(c: &mut Criterion) {
    let before = resident_kib();
    let g = Gazetteer::embedded();
    let after = resident_kib();
    if let (Some(b), Some(a)) = (before, after) {
        println!(
            "gazetteer: {} places; resident memory for loading it: {:.1} MiB",
            g.len(),
            (a.saturating_sub(b)) as f64 / 1024.0
        );
    }
    let resolver = Resolver::new(g);
    let inputs = workload(g);
    let context = Context::default();
    let mut group = c.benchmark_group("resolve");
    group.throughput(Throughput::Elements(inputs.len() as u64));
    group.bench_function("mixed_5000", |b| {
        b.iter(|| {
            let mut resolved = 0usize;
            for text in &inputs {
                resolved += usize::from(resolver.resolve(text, &context).resolved().is_some());
            }
            resolved
        })
    });
    let fuzzy: Vec<String> = inputs.iter().step_by(5).map(|s| typo(s)).collect();
    group.throughput(Throughput::Elements(fuzzy.len() as u64));
    group.bench_function("fuzzy_only_1000", |b| {
        b.iter(|| fuzzy.iter().filter(|t| resolver.resolve(t, &context).resolved().is_some()).count())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
