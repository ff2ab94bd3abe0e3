//! The report's words come from vjt's one message catalogue (`crates/catalogue`); what stays
//! here is the disclosure rule every published number goes through.

pub use vjt_catalogue::Catalogue;

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
