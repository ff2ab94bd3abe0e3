//! The release's data files, written from the disclosed tables only: CSV with an HXL hashtag row,
//! GeoJSON, and DHIS2's import format. A hidden figure is an empty value with a `…_suppressed`
//! flag (CSV), `null` with a flag (GeoJSON), or left out (DHIS2).

use chrono::{Datelike, NaiveDate};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::disclose::{AreaRow, Cell, Tables, ROLES};

fn csv_bytes(header: &[String], hxl: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("writing to memory");
    w.write_record(hxl).expect("writing to memory");
    for r in rows {
        w.write_record(r).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

fn value(c: &Cell) -> String {
    c.shown().map(|v| v.to_string()).unwrap_or_default()
}

fn flag(c: &Cell) -> String {
    if c.is_hidden() { "1" } else { "0" }.to_string()
}

/// Measure columns of an area table: for each role, reports, victims and organisations, each
/// with its suppression flag.
fn area_columns() -> (Vec<String>, Vec<String>) {
    let (mut head, mut tags) = (Vec::new(), Vec::new());
    for (measure, tag) in [
        ("reports", "#indicator+num+reports"),
        ("victims", "#affected+num+victims"),
        ("organisations", "#indicator+num+organisations"),
    ] {
        for role in ROLES {
            head.push(format!("{role}_{measure}"));
            tags.push(format!("{tag}+{role}"));
            head.push(format!("{role}_{measure}_suppressed"));
            tags.push(format!("#meta+suppressed+{measure}+{role}"));
        }
    }
    (head, tags)
}

fn area_values(row: &AreaRow) -> Vec<String> {
    let mut out = Vec::new();
    for cells in [&row.reports, &row.victims, &row.organisations] {
        for c in cells {
            out.push(value(c));
            out.push(flag(c));
        }
    }
    out
}

/// `counties.csv`: the 47 counties by ISO 3166-2:KE code and First Schedule number.
pub fn counties_csv(t: &Tables) -> Vec<u8> {
    let (cols, tags) = area_columns();
    let mut head: Vec<String> = vec!["county_code".into(), "county_number".into(), "county_name".into()];
    let mut hxl: Vec<String> = vec!["#adm1+code".into(), "#adm1+code+schedule".into(), "#adm1+name".into()];
    head.extend(cols);
    hxl.extend(tags);
    head.push("risk_band".into());
    hxl.push("#severity+risk".into());
    let rows: Vec<Vec<String>> = t
        .counties
        .iter()
        .map(|c| {
            let mut r = vec![c.code.clone(), c.number.map(|n| n.to_string()).unwrap_or_default(), c.name.clone()];
            r.extend(area_values(c));
            r.push(c.risk_band.unwrap_or("").to_string());
            r
        })
        .collect();
    csv_bytes(&head, &hxl, &rows)
}

/// `countries.csv`: countries abroad on the routes, by ISO 3166-1 alpha-2.
pub fn countries_csv(t: &Tables) -> Vec<u8> {
    let (cols, tags) = area_columns();
    let mut head: Vec<String> = vec!["country_code".into(), "country_name".into()];
    let mut hxl: Vec<String> = vec!["#country+code".into(), "#country+name".into()];
    head.extend(cols);
    hxl.extend(tags);
    let rows: Vec<Vec<String>> = t
        .countries
        .iter()
        .map(|c| {
            let mut r = vec![c.code.clone(), c.name.clone()];
            r.extend(area_values(c));
            r
        })
        .collect();
    csv_bytes(&head, &hxl, &rows)
}

/// `corridors.csv`: county (in Kenya) or country (abroad) of origin to that of exploitation (or
/// intended destination).
pub fn corridors_csv(t: &Tables) -> Vec<u8> {
    let head: Vec<String> = [
        "from_code",
        "from_name",
        "to_code",
        "to_name",
        "reports",
        "reports_suppressed",
        "victims",
        "victims_suppressed",
        "organisations",
        "organisations_suppressed",
    ]
    .map(String::from)
    .to_vec();
    let hxl: Vec<String> = [
        "#loc+origin+code",
        "#loc+origin+name",
        "#loc+dest+code",
        "#loc+dest+name",
        "#indicator+num+reports",
        "#meta+suppressed+reports",
        "#affected+num+victims",
        "#meta+suppressed+victims",
        "#indicator+num+organisations",
        "#meta+suppressed+organisations",
    ]
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<String>> = t
        .corridors
        .iter()
        .map(|c| {
            vec![
                c.from_code.clone(),
                c.from_name.clone(),
                c.to_code.clone(),
                c.to_name.clone(),
                value(&c.reports),
                flag(&c.reports),
                value(&c.victims),
                flag(&c.victims),
                value(&c.organisations),
                flag(&c.organisations),
            ]
        })
        .collect();
    csv_bytes(&head, &hxl, &rows)
}

/// `places.csv`: named places below county level, with reports by role.
pub fn places_csv(t: &Tables) -> Vec<u8> {
    let mut head: Vec<String> =
        ["place_id", "place_name", "place_kind", "county_code", "country_code"].map(String::from).to_vec();
    let mut hxl: Vec<String> =
        ["#loc+code", "#loc+name", "#loc+type", "#adm1+code", "#country+code"].map(String::from).to_vec();
    for role in ROLES {
        head.push(format!("{role}_reports"));
        hxl.push(format!("#indicator+num+reports+{role}"));
        head.push(format!("{role}_reports_suppressed"));
        hxl.push(format!("#meta+suppressed+reports+{role}"));
    }
    let rows: Vec<Vec<String>> = t
        .places
        .iter()
        .map(|p| {
            let mut r = vec![
                p.id.clone(),
                p.name.clone(),
                p.kind.to_string(),
                p.county.clone().unwrap_or_default(),
                p.country.clone().unwrap_or_default(),
            ];
            for c in &p.reports {
                r.push(value(c));
                r.push(flag(c));
            }
            r
        })
        .collect();
    csv_bytes(&head, &hxl, &rows)
}

fn cell_json(props: &mut Map<String, Value>, name: &str, c: &Cell) {
    props.insert(name.into(), c.shown().map_or(Value::Null, |v| json!(v)));
    props.insert(format!("{name}_suppressed"), json!(c.is_hidden()));
}

/// A ring closed and turned counter-clockwise (RFC 7946's exterior rings).
fn exterior(ring: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let mut r = ring.to_vec();
    if r.first() != r.last() {
        if let Some(first) = r.first().copied() {
            r.push(first);
        }
    }
    let twice_area: f64 = r.windows(2).map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1]).sum();
    if twice_area < 0.0 {
        r.reverse();
    }
    r
}

/// `counties.geojson`: the 47 county outlines with their figures.
pub fn counties_geojson(t: &Tables) -> Vec<u8> {
    let features: Vec<Value> = vjt_render::geo::counties()
        .iter()
        .map(|shape| {
            let mut props = Map::new();
            props.insert("iso".into(), json!(shape.iso));
            props.insert("number".into(), json!(shape.number));
            props.insert("name".into(), json!(shape.name));
            if let Some(row) = t.counties.iter().find(|c| c.code == shape.iso) {
                for (r, role) in ROLES.iter().enumerate() {
                    cell_json(&mut props, &format!("{role}_reports"), &row.reports[r]);
                    cell_json(&mut props, &format!("{role}_victims"), &row.victims[r]);
                    cell_json(&mut props, &format!("{role}_organisations"), &row.organisations[r]);
                }
                props.insert("risk_band".into(), json!(row.risk_band));
            }
            let polygons: Vec<Value> =
                shape.rings.iter().filter(|r| r.len() >= 3).map(|r| json!([exterior(r)])).collect();
            json!({
                "type": "Feature",
                "id": shape.iso,
                "properties": props,
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            })
        })
        .collect();
    serde_json::to_vec_pretty(&json!({"type": "FeatureCollection", "features": features})).expect("JSON of numbers")
}

/// Where a corridor's end is drawn: a county's or a country's label point.
fn point_of(code: &str) -> Option<[f64; 2]> {
    if let Some(c) = vjt_render::geo::counties().iter().find(|c| c.iso == code) {
        let (x, y) = vjt_render::geo::label_point(&c.rings);
        return Some([x, y]);
    }
    let country = vjt_render::geo::world().iter().find(|c| c.iso2 == code)?;
    let (x, y) = vjt_render::geo::label_point(&country.rings);
    Some([x, y])
}

/// `corridors.geojson`: a line from each corridor's origin to its end, with its figures.
pub fn corridors_geojson(t: &Tables) -> Vec<u8> {
    let features: Vec<Value> = t
        .corridors
        .iter()
        .filter_map(|c| {
            let (from, to) = (point_of(&c.from_code)?, point_of(&c.to_code)?);
            let mut props = Map::new();
            props.insert("from_code".into(), json!(c.from_code));
            props.insert("from_name".into(), json!(c.from_name));
            props.insert("to_code".into(), json!(c.to_code));
            props.insert("to_name".into(), json!(c.to_name));
            cell_json(&mut props, "reports", &c.reports);
            cell_json(&mut props, "victims", &c.victims);
            cell_json(&mut props, "organisations", &c.organisations);
            Some(json!({
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "LineString", "coordinates": [from, to]},
            }))
        })
        .collect();
    serde_json::to_vec_pretty(&json!({"type": "FeatureCollection", "features": features})).expect("JSON of numbers")
}

/// A DHIS2 identifier (a letter, then ten letters or digits) made from a code, the same every
/// time, so that loading a later release updates the same data elements.
pub fn dhis2_uid(code: &str) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let hash = Sha256::digest(format!("vjt:{code}").as_bytes());
    let mut uid = String::with_capacity(11);
    uid.push(LETTERS[hash[0] as usize % LETTERS.len()] as char);
    for b in &hash[1..11] {
        uid.push(ALNUM[*b as usize % ALNUM.len()] as char);
    }
    uid
}

/// The DHIS2 period of a span of dates, and its period type: a calendar year, quarter or month
/// when the span is exactly one; otherwise the year the span ends in.
pub fn dhis2_period(start: NaiveDate, end: NaiveDate) -> (String, &'static str) {
    let last_day = |y: i32, m: u32| {
        let next = if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) };
        next.and_then(|d| d.pred_opt())
    };
    if start.day() == 1 && Some(end) == last_day(end.year(), end.month()) && start.year() == end.year() {
        match (start.month(), end.month()) {
            (1, 12) => return (start.year().to_string(), "Yearly"),
            (s, e) if s == e => return (format!("{}{:02}", start.year(), s), "Monthly"),
            (s, e) if (s - 1) % 3 == 0 && e == s + 2 => {
                return (format!("{}Q{}", start.year(), (s - 1) / 3 + 1), "Quarterly");
            }
            _ => {}
        }
    }
    (end.year().to_string(), "Yearly")
}

/// The data elements a release publishes to DHIS2: (code, name, short name).
fn data_elements() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (measure, title) in [("reports", "route reports"), ("victims", "estimated victims")] {
        for role in ROLES {
            let code = format!("VJT_{}_{}", role.to_uppercase(), measure.to_uppercase());
            let name = format!("VJT {title}, county as {role}");
            let short = format!("VJT {measure} {role}");
            out.push((code, name, short));
        }
    }
    out
}

/// `dhis2/metadata.json`: the data elements and a data set holding them.
pub fn dhis2_metadata(period_type: &str) -> Vec<u8> {
    let elements: Vec<Value> = data_elements()
        .into_iter()
        .map(|(code, name, short)| {
            json!({
                "id": dhis2_uid(&code),
                "code": code,
                "name": name,
                "shortName": short,
                "valueType": "INTEGER_ZERO_OR_POSITIVE",
                "domainType": "AGGREGATE",
                "aggregationType": "SUM",
                "zeroIsSignificant": true,
            })
        })
        .collect();
    let set_elements: Vec<Value> =
        data_elements().iter().map(|(code, _, _)| json!({"dataElement": {"id": dhis2_uid(code)}})).collect();
    let doc = json!({
        "dataElements": elements,
        "dataSets": [{
            "id": dhis2_uid("VJT_ROUTES"),
            "code": "VJT_ROUTES",
            "name": "VJT trafficking and high-risk migration routes",
            "shortName": "VJT routes",
            "periodType": period_type,
            "dataSetElements": set_elements,
        }],
    });
    serde_json::to_vec_pretty(&doc).expect("JSON of strings")
}

/// `dhis2/dataValueSets.json`: every published county figure for one period, organisation units
/// by ISO 3166-2:KE code, or by a deployment's own identifiers where `org_units` maps a code.
pub fn dhis2_data_values(t: &Tables, period: &str, org_units: &std::collections::BTreeMap<String, String>) -> Vec<u8> {
    let elements = data_elements();
    let mut values = Vec::new();
    for county in &t.counties {
        let org_unit = org_units.get(&county.code).cloned().unwrap_or_else(|| county.code.clone());
        for (r, _) in ROLES.iter().enumerate() {
            for (m, cells) in [&county.reports, &county.victims].into_iter().enumerate() {
                let Some(v) = cells[r].shown() else { continue };
                let code = &elements[m * 4 + r].0;
                values.push(json!({
                    "dataElement": dhis2_uid(code),
                    "period": period,
                    "orgUnit": org_unit,
                    "value": v.to_string(),
                }));
            }
        }
    }
    let mut doc = json!({"dataSet": dhis2_uid("VJT_ROUTES"), "dataValues": values});
    if org_units.is_empty() {
        doc["orgUnitIdScheme"] = json!("CODE");
    }
    serde_json::to_vec_pretty(&doc).expect("JSON of strings")
}
