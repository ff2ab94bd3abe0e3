//! Candidate lookup for misspelt names without scanning every place: a symmetric-deletion index.
//! Each name is stored with every variant made by deleting up to `max_edits` characters; a query's
//! own deletion variants meet them whenever the two are within that many edits (and sometimes when
//! not, which the caller's exact distance check weeds out).

/// How many edits a name of this length may carry and still be recognised. Short names get none:
/// at four letters one slip already makes a different real place.
pub fn max_edits(chars: usize) -> usize {
    match chars {
        0..=4 => 0,
        5..=7 => 1,
        _ => 2,
    }
}

/// Longer names are indexed with one deletion only, to keep memory small; a typo in a long name
/// is still found through the single-deletion variants.
const LONG_NAME: usize = 16;

pub struct DeletionIndex {
    keys: Vec<Box<str>>,
    /// (hash of a deletion variant, key index), sorted by hash.
    entries: Vec<(u64, u32)>,
}

fn hash(chars: &[char]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in chars {
        h ^= u64::from(*c as u32);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Calls `f` with every variant of `chars` with up to `depth` characters deleted (repeats included).
fn deletions(chars: &[char], depth: usize, f: &mut impl FnMut(&[char])) {
    f(chars);
    if depth == 0 || chars.len() <= 1 {
        return;
    }
    let mut buf: Vec<char> = Vec::with_capacity(chars.len());
    for skip in 0..chars.len() {
        buf.clear();
        buf.extend(chars.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, c)| *c));
        deletions(&buf, depth - 1, f);
    }
}

fn index_depth(len: usize) -> usize {
    if len > LONG_NAME {
        max_edits(len).min(1)
    } else {
        max_edits(len)
    }
}

impl DeletionIndex {
    pub fn build<'a>(keys: impl Iterator<Item = &'a str>) -> Self {
        let mut sorted: Vec<Box<str>> = keys.map(Into::into).collect();
        sorted.sort();
        let mut entries = Vec::new();
        for (k, key) in sorted.iter().enumerate() {
            let chars: Vec<char> = key.chars().collect();
            let depth = index_depth(chars.len());
            if max_edits(chars.len()) == 0 {
                continue;
            }
            deletions(&chars, depth, &mut |variant| entries.push((hash(variant), k as u32)));
        }
        entries.sort_unstable();
        entries.dedup();
        entries.shrink_to_fit();
        DeletionIndex { keys: sorted, entries }
    }

    /// Names that may be within `max_edits` of `query` (a folded string). Not yet verified.
    pub fn candidates(&self, query: &str) -> Vec<&str> {
        self.candidates_within(query, max_edits(query.chars().count()))
    }

    /// As `candidates`, with an explicit edit budget (for looser suggestions). Names are indexed
    /// only to their own depth, so a larger budget finds more only through the query's deletions.
    pub fn candidates_within(&self, query: &str, depth: usize) -> Vec<&str> {
        let chars: Vec<char> = query.chars().collect();
        if depth == 0 || chars.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<u32> = Vec::new();
        deletions(&chars, depth, &mut |variant| {
            let h = hash(variant);
            let start = self.entries.partition_point(|e| e.0 < h);
            for e in &self.entries[start..] {
                if e.0 != h {
                    break;
                }
                found.push(e.1);
            }
        });
        found.sort_unstable();
        found.dedup();
        found.into_iter().map(|k| &*self.keys[k as usize]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_slips_swaps_and_missing_letters_but_not_strangers() {
        let index = DeletionIndex::build(
            ["nairobi", "mombasa", "kakamega", "garissa", "jomo kenyatta international airport"].into_iter(),
        );
        assert!(index.candidates("nairbi").contains(&"nairobi"));
        assert!(index.candidates("naiorbi").contains(&"nairobi"));
        assert!(index.candidates("kakamegaa").contains(&"kakamega"));
        assert!(index.candidates("garisa").contains(&"garissa"));
        assert!(index
            .candidates("jomo kenyata international airport")
            .contains(&"jomo kenyatta international airport"));
        assert!(!index.candidates("nakuru").contains(&"nairobi"));
        assert!(index.candidates("abc").is_empty());
    }
}
