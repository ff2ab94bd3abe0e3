//! The county (and region) risk index. Each component is a saturating function of the area's own
//! figures, 1 - exp(-value / scale), so the index is bounded (0..100) and monotone: a report only
//! ever raises the figures of the areas it touches, and no area's score depends on another's.
//! See docs/risk-index.md for the rationale and the limitations.

use serde::Serialize;

/// One component's weight and the value at which it reaches about 63% of its share.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Component {
    pub weight: f64,
    pub scale: f64,
}

/// The risk formula's knobs. Defaults are documented in docs/risk-index.md.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RiskWeights {
    /// Reports with an origin in the area.
    pub origin: Component,
    pub transit: Component,
    /// Reports with an intended destination or a place of exploitation in the area.
    pub destination: Component,
    /// Estimated victims on reports touching the area.
    pub victims: Component,
    /// Distinct organisations reporting activity in the area.
    pub organisations: Component,
    /// Reports touching the area that belong to a duplicate cluster reported by several
    /// organisations (corroborated routes).
    pub corroborated: Component,
}

impl Default for RiskWeights {
    fn default() -> Self {
        RiskWeights {
            origin: Component { weight: 0.25, scale: 10.0 },
            transit: Component { weight: 0.15, scale: 10.0 },
            destination: Component { weight: 0.25, scale: 10.0 },
            victims: Component { weight: 0.15, scale: 100.0 },
            organisations: Component { weight: 0.10, scale: 2.0 },
            corroborated: Component { weight: 0.10, scale: 3.0 },
        }
    }
}

impl RiskWeights {
    /// Applies `name=weight` settings, e.g. "origin=2,transit=0.5"; scales keep their defaults.
    pub fn with_overrides(mut self, spec: &str) -> Result<RiskWeights, String> {
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = part.split_once('=').ok_or_else(|| format!("'{part}' is not name=weight"))?;
            let w: f64 = value.trim().parse().map_err(|_| format!("'{value}' is not a number"))?;
            if !(0.0..=1000.0).contains(&w) {
                return Err(format!("weight {w} for {name} must be between 0 and 1000"));
            }
            let c = match name.trim() {
                "origin" => &mut self.origin,
                "transit" => &mut self.transit,
                "destination" => &mut self.destination,
                "victims" => &mut self.victims,
                "organisations" => &mut self.organisations,
                "corroborated" => &mut self.corroborated,
                other => {
                    return Err(format!(
                        "'{other}' is not a risk component (origin, transit, destination, victims, organisations, corroborated)"
                    ))
                }
            };
            c.weight = w;
        }
        if self.total_weight() <= 0.0 {
            return Err("at least one risk weight must be above 0".into());
        }
        Ok(self)
    }

    fn total_weight(&self) -> f64 {
        self.origin.weight
            + self.transit.weight
            + self.destination.weight
            + self.victims.weight
            + self.organisations.weight
            + self.corroborated.weight
    }
}

/// An area's raw figures, the inputs of its score.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct RiskInputs {
    pub origin: u64,
    pub transit: u64,
    pub destination: u64,
    pub victims: u64,
    pub organisations: u64,
    pub corroborated: u64,
}

/// A score with the contribution of each component (in points of the 0..100 score).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RiskScore {
    pub score: f64,
    pub band: &'static str,
    pub components: RiskInputsScored,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RiskInputsScored {
    pub origin: f64,
    pub transit: f64,
    pub destination: f64,
    pub victims: f64,
    pub organisations: f64,
    pub corroborated: f64,
}

fn saturate(value: u64, c: Component) -> f64 {
    if c.scale <= 0.0 {
        return if value > 0 { 1.0 } else { 0.0 };
    }
    1.0 - (-(value as f64) / c.scale).exp()
}

pub fn band(score: f64) -> &'static str {
    match score {
        s if s < 25.0 => "low",
        s if s < 50.0 => "medium",
        s if s < 75.0 => "high",
        _ => "very_high",
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

pub fn score(inputs: &RiskInputs, w: &RiskWeights) -> RiskScore {
    let total = w.total_weight();
    let part = |v: u64, c: Component| 100.0 * c.weight * saturate(v, c) / total;
    let components = RiskInputsScored {
        origin: part(inputs.origin, w.origin),
        transit: part(inputs.transit, w.transit),
        destination: part(inputs.destination, w.destination),
        victims: part(inputs.victims, w.victims),
        organisations: part(inputs.organisations, w.organisations),
        corroborated: part(inputs.corroborated, w.corroborated),
    };
    let s = components.origin
        + components.transit
        + components.destination
        + components.victims
        + components.organisations
        + components.corroborated;
    let s = s.clamp(0.0, 100.0);
    RiskScore {
        score: round1(s),
        band: band(s),
        components: RiskInputsScored {
            origin: round1(components.origin),
            transit: round1(components.transit),
            destination: round1(components.destination),
            victims: round1(components.victims),
            organisations: round1(components.organisations),
            corroborated: round1(components.corroborated),
        },
    }
}
