//! Disclosure control: the one place that decides which figures a release may show. It takes
//! the typed analysis and returns tables whose every cell is either shown or hidden, before any
//! file is written; the files and the report only ever read these tables.
//!
//! The rules (docs/sharing.md):
//!
//! - **Primary**: a count from 1 to K−1 is hidden. A place's victims are hidden with its reports.
//! - **Complementary**: every column of every table is treated as if its total were published
//!   (the totals of a release are sums of these columns, and an outsider may know others). In
//!   such a line, hidden cells must be at least two, and one of them at least 2K−1: then
//!   "total minus the visible cells" leaves a sum that fits every value from 1 to K−1 for each
//!   small cell. Corridors are also lines by origin and by destination. Where no cell is large
//!   enough, the line's total is withheld instead. Lines are revisited until none changes.
//! - **Derived figures**: the risk index is published as its band only; no score, component,
//!   share or rank is published.
//! - **No free text and no organisation**: tables hold gazetteer names and codes only; nothing a
//!   reporter typed, no organisation name or kind.

use std::collections::BTreeSet;

use vjt_analysis::Analysis;
use vjt_gazetteer::Gazetteer;

/// A published figure, or a hidden one (the true value is kept for the rules and tests only:
/// writers print `Cell::shown()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    value: u64,
    hidden: bool,
}

impl Cell {
    fn new(value: u64) -> Cell {
        Cell { value, hidden: false }
    }
    /// The value to publish: `None` when hidden.
    pub fn shown(&self) -> Option<u64> {
        (!self.hidden).then_some(self.value)
    }
    pub fn is_hidden(&self) -> bool {
        self.hidden
    }
    /// The value before disclosure control, for the rules and for tests that attack them.
    pub fn true_value(&self) -> u64 {
        self.value
    }
}

/// The measures published for an area, by role.
pub const ROLES: [&str; 4] = ["origin", "transit", "destination", "exploitation"];

/// An area (a county, or a country abroad) with its figures by role.
#[derive(Debug, Clone)]
pub struct AreaRow {
    /// ISO 3166-2:KE for counties, ISO 3166-1 alpha-2 for countries.
    pub code: String,
    /// The First Schedule number (counties only).
    pub number: Option<u8>,
    pub name: String,
    pub reports: [Cell; 4],
    pub victims: [Cell; 4],
    pub organisations: [Cell; 4],
    /// The risk band (counties only): none, low, medium, high.
    pub risk_band: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub struct CorridorRow {
    pub from_code: String,
    pub from_name: String,
    pub to_code: String,
    pub to_name: String,
    pub reports: Cell,
    pub victims: Cell,
    pub organisations: Cell,
}

/// A named place below county level (a town, a border crossing, a city abroad).
#[derive(Debug, Clone)]
pub struct PlaceRow {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub county: Option<String>,
    pub country: Option<String>,
    pub reports: [Cell; 4],
}

/// Everything a release publishes, after disclosure control.
#[derive(Debug, Clone)]
pub struct Tables {
    pub threshold: u64,
    pub reports: Cell,
    pub victims: Cell,
    pub counties: Vec<AreaRow>,
    pub countries: Vec<AreaRow>,
    pub corridors: Vec<CorridorRow>,
    pub places: Vec<PlaceRow>,
    /// Column totals withheld because no cell of the line could protect its small ones
    /// (`table.column`, e.g. `counties.origin_reports`).
    pub withheld_totals: BTreeSet<String>,
}

fn stat_cells(roles: &vjt_analysis::output::Roles) -> ([Cell; 4], [Cell; 4], [Cell; 4]) {
    let r = [roles.origin, roles.transit, roles.destination, roles.exploitation];
    (r.map(|s| Cell::new(s.reports)), r.map(|s| Cell::new(s.victims)), r.map(|s| Cell::new(s.organisations)))
}

/// Where a cell lives in the tables, so that lines can name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    County(usize, Measure, usize),
    Country(usize, Measure, usize),
    Corridor(usize, Measure),
    Place(usize, usize),
    Total(Measure),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Measure {
    Reports,
    Victims,
    Organisations,
}

impl Tables {
    /// The release's tables from an analysis made with every corridor and place listed
    /// (`Options::top` large), hidden and protected at threshold `k`.
    pub fn from_analysis(a: &Analysis, g: &Gazetteer, k: u64) -> Tables {
        let k = k.max(1);
        let counties = a
            .counties
            .iter()
            .map(|c| {
                let (reports, victims, organisations) = stat_cells(&c.roles);
                AreaRow {
                    code: c.iso.clone(),
                    number: Some(c.number),
                    name: c.name.clone(),
                    reports,
                    victims,
                    organisations,
                    risk_band: Some(c.risk_band),
                }
            })
            .collect();
        let countries = a
            .countries
            .iter()
            .filter(|c| c.kind == "country" && c.code != "KE")
            .map(|c| {
                let (reports, victims, organisations) = stat_cells(&c.roles);
                AreaRow {
                    code: c.code.clone(),
                    number: None,
                    name: c.name.clone(),
                    reports,
                    victims,
                    organisations,
                    risk_band: None,
                }
            })
            .collect();
        let code = |p: &vjt_analysis::output::PlaceRef| -> String {
            match p.kind {
                "county" => p.county.clone().unwrap_or_else(|| p.id.clone()),
                _ => p.country.clone().unwrap_or_else(|| p.id.clone()),
            }
        };
        let corridors = a
            .corridors
            .county
            .iter()
            .map(|c| CorridorRow {
                from_code: code(&c.from),
                from_name: c.from.name.clone(),
                to_code: code(&c.to),
                to_name: c.to.name.clone(),
                reports: Cell::new(c.reports),
                victims: Cell::new(c.victims),
                organisations: Cell::new(c.organisations),
            })
            .collect();
        let places = a
            .places
            .iter()
            .filter(|p| !matches!(p.kind, "county" | "country" | "province" | "world_region" | "region"))
            .map(|p| PlaceRow {
                id: p.id.clone(),
                name: g.by_id(&p.id).map_or_else(|| p.name.clone(), |ix| g.place(ix).name.clone()),
                kind: p.kind,
                county: p.county.clone(),
                country: p.country.clone(),
                reports: [p.roles.origin, p.roles.transit, p.roles.destination, p.roles.exploitation]
                    .map(|s| Cell::new(s.reports)),
            })
            .collect();
        let mut t = Tables {
            threshold: k,
            reports: Cell::new(a.totals.reports),
            victims: Cell::new(a.totals.victims),
            counties,
            countries,
            corridors,
            places,
            withheld_totals: BTreeSet::new(),
        };
        t.protect();
        t
    }

    fn get(&self, at: At) -> Cell {
        match at {
            At::County(i, m, r) => *area_ref(&self.counties[i], m, r),
            At::Country(i, m, r) => *area_ref(&self.countries[i], m, r),
            At::Corridor(i, Measure::Reports) => self.corridors[i].reports,
            At::Corridor(i, Measure::Victims) => self.corridors[i].victims,
            At::Corridor(i, Measure::Organisations) => self.corridors[i].organisations,
            At::Place(i, r) => self.places[i].reports[r],
            At::Total(Measure::Victims) => self.victims,
            At::Total(_) => self.reports,
        }
    }

    fn cell(&mut self, at: At) -> &mut Cell {
        match at {
            At::County(i, m, r) => area_cell(&mut self.counties[i], m, r),
            At::Country(i, m, r) => area_cell(&mut self.countries[i], m, r),
            At::Corridor(i, Measure::Reports) => &mut self.corridors[i].reports,
            At::Corridor(i, Measure::Victims) => &mut self.corridors[i].victims,
            At::Corridor(i, Measure::Organisations) => &mut self.corridors[i].organisations,
            At::Place(i, r) => &mut self.places[i].reports[r],
            At::Total(Measure::Victims) => &mut self.victims,
            At::Total(_) => &mut self.reports,
        }
    }

    /// Every cell, with whether it adds up with others (counts of organisations do not).
    fn cells(&self) -> Vec<At> {
        let mut out = Vec::new();
        for m in [Measure::Reports, Measure::Victims, Measure::Organisations] {
            for r in 0..4 {
                out.extend((0..self.counties.len()).map(|i| At::County(i, m, r)));
                out.extend((0..self.countries.len()).map(|i| At::Country(i, m, r)));
            }
            out.extend((0..self.corridors.len()).map(|i| At::Corridor(i, m)));
        }
        for r in 0..4 {
            out.extend((0..self.places.len()).map(|i| At::Place(i, r)));
        }
        out.push(At::Total(Measure::Reports));
        out.push(At::Total(Measure::Victims));
        out
    }

    /// The lines of cells that add up to a total an outsider may know, with that total's name.
    fn lines(&self) -> Vec<(String, Vec<At>)> {
        let mut lines = Vec::new();
        for (m, measure) in [(Measure::Reports, "reports"), (Measure::Victims, "victims")] {
            for (r, role) in ROLES.iter().enumerate() {
                lines.push((
                    format!("counties.{role}_{measure}"),
                    (0..self.counties.len()).map(|i| At::County(i, m, r)).collect(),
                ));
                lines.push((
                    format!("countries.{role}_{measure}"),
                    (0..self.countries.len()).map(|i| At::Country(i, m, r)).collect(),
                ));
                // Counties and countries together cover every resolved place of that role.
                let mut both: Vec<At> = (0..self.counties.len()).map(|i| At::County(i, m, r)).collect();
                both.extend((0..self.countries.len()).map(|i| At::Country(i, m, r)));
                lines.push((format!("areas.{role}_{measure}"), both));
            }
            lines.push((
                format!("corridors.{measure}"),
                (0..self.corridors.len()).map(|i| At::Corridor(i, m)).collect(),
            ));
            let froms: BTreeSet<&str> = self.corridors.iter().map(|c| c.from_code.as_str()).collect();
            for from in froms {
                let cells = (0..self.corridors.len()).filter(|&i| self.corridors[i].from_code == from);
                lines.push((format!("corridors.{measure}.from.{from}"), cells.map(|i| At::Corridor(i, m)).collect()));
            }
            let tos: BTreeSet<&str> = self.corridors.iter().map(|c| c.to_code.as_str()).collect();
            for to in tos {
                let cells = (0..self.corridors.len()).filter(|&i| self.corridors[i].to_code == to);
                lines.push((format!("corridors.{measure}.to.{to}"), cells.map(|i| At::Corridor(i, m)).collect()));
            }
        }
        for (r, role) in ROLES.iter().enumerate() {
            lines.push((format!("places.{role}_reports"), (0..self.places.len()).map(|i| At::Place(i, r)).collect()));
        }
        lines
    }

    /// Applies the rules of this module's documentation.
    fn protect(&mut self) {
        let k = self.threshold;
        // Primary: small counts, and victims wherever their reports are hidden.
        for at in self.cells() {
            let c = self.cell(at);
            if c.value > 0 && c.value < k {
                c.hidden = true;
            }
        }
        self.hide_victims_with_reports();
        // Complementary, until no line changes.
        let lines = self.lines();
        loop {
            let mut changed = false;
            for (name, line) in &lines {
                if self.withheld_totals.contains(name) {
                    continue;
                }
                let hidden: Vec<At> = line.iter().copied().filter(|&at| self.get(at).hidden).collect();
                let protected = hidden.is_empty()
                    || (hidden.len() >= 2 && hidden.iter().any(|&at| self.get(at).value >= 2 * k - 1));
                if protected {
                    continue;
                }
                let partner = line
                    .iter()
                    .copied()
                    .filter(|&at| !self.get(at).hidden && self.get(at).value >= 2 * k - 1)
                    .min_by_key(|&at| self.get(at).value);
                match partner {
                    Some(at) => self.cell(at).hidden = true,
                    None => {
                        self.withheld_totals.insert(name.clone());
                    }
                }
                changed = true;
            }
            if self.hide_victims_with_reports() {
                changed = true;
            }
            if !changed {
                break;
            }
        }
        // A withheld column total must not be published as a grand total either.
        if self.withheld_totals.iter().any(|t| t.starts_with("areas.origin_reports")) {
            self.reports.hidden = true;
        }
        if self.withheld_totals.iter().any(|t| t.starts_with("areas.origin_victims")) {
            self.victims.hidden = true;
        }
    }

    /// Hides victims beside hidden reports; true when anything changed.
    fn hide_victims_with_reports(&mut self) -> bool {
        let mut changed = false;
        for row in self.counties.iter_mut().chain(self.countries.iter_mut()) {
            for r in 0..4 {
                if row.reports[r].hidden && !row.victims[r].hidden {
                    row.victims[r].hidden = true;
                    changed = true;
                }
            }
        }
        for c in &mut self.corridors {
            if c.reports.hidden && !c.victims.hidden {
                c.victims.hidden = true;
                changed = true;
            }
        }
        changed
    }

    /// For tests that attack the rules: every line an outsider can add up (withheld totals
    /// excepted), each cell with a number that is the same wherever it appears.
    pub fn additive_lines(&self) -> Vec<(String, Vec<(usize, Cell)>)> {
        let all = self.cells();
        let number = |at: At| all.iter().position(|x| *x == at).expect("every cell is listed");
        self.lines()
            .into_iter()
            .filter(|(name, _)| !self.withheld_totals.contains(name))
            .map(|(name, line)| (name, line.into_iter().map(|at| (number(at), self.get(at))).collect()))
            .collect()
    }

    /// For tests: the same tables with only the primary rule applied (what the attacks must
    /// be able to break, to show that they can).
    #[doc(hidden)]
    pub fn primary_only(&self) -> Tables {
        let mut t = self.clone();
        let k = t.threshold;
        for at in t.cells() {
            let c = t.cell(at);
            c.hidden = c.value > 0 && c.value < k;
        }
        t.hide_victims_with_reports();
        t.withheld_totals.clear();
        t
    }
}

fn area_ref(row: &AreaRow, m: Measure, r: usize) -> &Cell {
    match m {
        Measure::Reports => &row.reports[r],
        Measure::Victims => &row.victims[r],
        Measure::Organisations => &row.organisations[r],
    }
}

fn area_cell(row: &mut AreaRow, m: Measure, r: usize) -> &mut Cell {
    match m {
        Measure::Reports => &mut row.reports[r],
        Measure::Victims => &mut row.victims[r],
        Measure::Organisations => &mut row.organisations[r],
    }
}
