//! `vjt places ...` and `vjt about`: the gazetteer and the coordinator's place decisions.

use anyhow::{anyhow, bail, Result};
use clap::Subcommand;
use vjt_domain::{CountryCode, PlaceId};
use vjt_gazetteer::{Context, Gazetteer, Match, PlaceSummary, Resolution, Resolver, Status};
use vjt_store::Store;

use crate::output::{json, say, table};

#[derive(Subcommand)]
pub enum PlacesCommand {
    /// Resolve place names as reported; prints the best place, its score and alternatives.
    Resolve {
        #[arg(required = true)]
        texts: Vec<String>,
        /// The report's country (ISO alpha-2): breaks ties between places of the same name.
        #[arg(long)]
        country: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Search the gazetteer: the best matches for a text, even weak ones.
    Search { text: String },
    /// Show one place: its kind, codes, names, aliases and where it sits in the hierarchy.
    Show { id: String },
    /// Place texts in the database that are not resolved yet, with how many reports use them.
    Unresolved {
        #[arg(long)]
        json: bool,
    },
    /// Decide what a text means: stored, and applied at once to existing and future reports.
    Alias {
        text: String,
        /// The gazetteer id of the place (see `vjt places search`).
        #[arg(long = "to")]
        place: String,
    },
}

/// The resolver with this database's coordinator aliases.
pub fn resolver_for(store: &Store) -> Result<Resolver<'static>> {
    let mut resolver = Resolver::new(Gazetteer::embedded());
    for alias in store.place_aliases()? {
        // An alias to a place a newer gazetteer dropped is skipped rather than fatal.
        resolver.add_alias(&alias.text, &alias.place.0);
    }
    Ok(resolver)
}

#[derive(serde::Serialize)]
struct Scored {
    #[serde(flatten)]
    place: PlaceSummary,
    score: f32,
}

#[derive(serde::Serialize)]
struct ResolutionOut {
    input: String,
    status: Status,
    place: Option<PlaceSummary>,
    score: Option<f32>,
    alternatives: Vec<Scored>,
}

fn rounded(score: f32) -> f32 {
    (score * 1000.0).round() / 1000.0
}

fn describe(g: &Gazetteer, r: &Resolution) -> ResolutionOut {
    let resolved = r.status == Status::Resolved;
    // An unresolved text's best guess is listed first among the alternatives, not as its place.
    let mut alternatives: Vec<&Match> = Vec::new();
    if !resolved {
        alternatives.extend(r.best.iter());
    }
    alternatives.extend(r.alternatives.iter());
    ResolutionOut {
        input: r.input.clone(),
        status: r.status,
        place: r.best.filter(|_| resolved).map(|m| g.summary(m.place)),
        score: r.best.map(|m| rounded(m.score)),
        alternatives: alternatives
            .into_iter()
            .take(5)
            .map(|m| Scored { place: g.summary(m.place), score: rounded(m.score) })
            .collect(),
    }
}

fn place_line(p: &PlaceSummary) -> [String; 3] {
    [
        format!("{} ({})", p.name, p.kind.code()),
        p.county.as_ref().map(|c| format!("{} {} (no. {})", c.iso, c.name, c.number)).unwrap_or_default(),
        p.country.as_ref().map(|c| c.iso2.clone()).unwrap_or_default(),
    ]
}

pub fn places(db: &str, cmd: PlacesCommand) -> Result<()> {
    let g = Gazetteer::embedded();
    match cmd {
        PlacesCommand::Resolve { texts, country, json: as_json } => {
            let mut context = Context::default();
            if let Some(code) = country {
                let code = CountryCode::parse(&code)?;
                let ix =
                    g.country_by_iso2(code.as_str()).ok_or_else(|| anyhow!("the gazetteer has no country {code}"))?;
                context.countries.push(ix);
            }
            // Coordinator aliases apply when a database exists; resolving needs none.
            let resolver = match std::path::Path::new(db).exists() || db.starts_with("postgres") {
                true => resolver_for(&Store::open(db)?)?,
                false => Resolver::new(g),
            };
            let results: Vec<ResolutionOut> =
                texts.iter().map(|t| describe(g, &resolver.resolve(t, &context))).collect();
            if as_json {
                return json(&results);
            }
            let rows: Vec<Vec<String>> = results
                .iter()
                .map(|r| {
                    let [place, county, country] = r.place.as_ref().map(place_line).unwrap_or_default();
                    let guess = match (&r.place, r.alternatives.first()) {
                        (None, Some(a)) => format!("best guess: {} ({})", a.place.name, a.place.id),
                        _ => String::new(),
                    };
                    let status = if r.place.is_some() { "resolved" } else { "unresolved" };
                    vec![
                        r.input.clone(),
                        status.into(),
                        place,
                        county,
                        country,
                        format!("{:.2}", r.score.unwrap_or(0.0)),
                        guess,
                    ]
                })
                .collect();
            table(&["input", "status", "place", "county", "country", "score", ""], &rows)?;
        }
        PlacesCommand::Search { text } => {
            let r = Resolver::new(g).resolve(&text, &Context::default());
            let rows: Vec<Vec<String>> = r
                .best
                .iter()
                .chain(r.alternatives.iter())
                .map(|m| {
                    let s = g.summary(m.place);
                    let [place, county, country] = place_line(&s);
                    vec![s.id, place, county, country, format!("{:.2}", m.score)]
                })
                .collect();
            if rows.is_empty() {
                say(format!("nothing in the gazetteer looks like '{text}'"))?;
            } else {
                table(&["id", "place", "county", "country", "score"], &rows)?;
            }
        }
        PlacesCommand::Show { id } => {
            let ix = g
                .by_id(&id)
                .ok_or_else(|| anyhow!("no place has the id '{id}' (find ids with `vjt places search`)"))?;
            let p = g.place(ix);
            say(format!("{} — {} ({})", p.id, p.name, p.kind.code()))?;
            if let Some(sw) = &p.name_sw {
                say(format!("  Kiswahili: {sw}"))?;
            }
            if let Some(c) = &p.county_codes {
                say(format!("  ISO 3166-2: {}   First Schedule number: {}", c.iso, c.number))?;
            }
            if let (Some(a2), Some(a3)) = (&p.iso2, &p.iso3) {
                say(format!("  ISO 3166-1: {a2} / {a3}"))?;
            }
            if let Some(n) = &p.neighbour {
                say(format!("  crossing to: {n}"))?;
            }
            if !p.members.is_empty() {
                say(format!("  member countries: {}", p.members.join(", ")))?;
            }
            if let Some((lat, lon)) = p.coordinates {
                say(format!("  coordinates: {lat:.4}, {lon:.4}"))?;
            }
            if !p.aliases.is_empty() {
                say(format!("  also known as: {}", p.aliases.join(", ")))?;
            }
            let chain: Vec<String> = g.ancestry(ix).iter().skip(1).map(|a| g.place(*a).name.clone()).collect();
            if !chain.is_empty() {
                say(format!("  in: {}", chain.join(" › ")))?;
            }
        }
        PlacesCommand::Unresolved { json: as_json } => {
            let store = Store::open(db)?;
            let resolver = resolver_for(&store)?;
            let texts = store.unresolved_places()?;
            #[derive(serde::Serialize)]
            struct Row {
                text: String,
                reports: u64,
                best_guesses: Vec<Scored>,
            }
            let rows: Vec<Row> = texts
                .into_iter()
                .map(|u| {
                    let guesses = resolver.suggest(&u.text).into_iter().take(3);
                    Row {
                        best_guesses: guesses
                            .map(|m| Scored { place: g.summary(m.place), score: rounded(m.score) })
                            .collect(),
                        text: u.text,
                        reports: u.reports,
                    }
                })
                .collect();
            if as_json {
                return json(&rows);
            }
            if rows.is_empty() {
                say("every place in the database is resolved")?;
                return Ok(());
            }
            let lines: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let guesses: Vec<String> =
                        r.best_guesses.iter().map(|s| format!("{} [{}]", s.place.name, s.place.id)).collect();
                    vec![r.text.clone(), r.reports.to_string(), guesses.join("; ")]
                })
                .collect();
            table(&["text as reported", "reports", "best guesses"], &lines)?;
            say("\nDecide one with: vjt places alias TEXT --to PLACE_ID")?;
        }
        PlacesCommand::Alias { text, place } => {
            let ix = g
                .by_id(&place)
                .ok_or_else(|| anyhow!("no place has the id '{place}' (find ids with `vjt places search`)"))?;
            if text.trim().is_empty() {
                bail!("the text to alias is empty");
            }
            let store = Store::open(db)?;
            let stops = store.set_place_alias(&text, &PlaceId(place.clone()))?;
            say(format!("'{}' now means {} ({place}); {stops} stop(s) updated", text.trim(), g.place(ix).name))?;
        }
    }
    Ok(())
}

pub fn about() -> Result<()> {
    say(format!("vjt {} — Victim Journey Tracker (AGPL-3.0-or-later)\n", env!("CARGO_PKG_VERSION")))?;
    say(vjt_gazetteer::ATTRIBUTION_NOTICE.trim_end())?;
    say(format!("\n# Fonts in the PDF report\n\n{}", vjt_render::pdf::FONT_LICENCE.trim_end()))?;
    Ok(())
}
