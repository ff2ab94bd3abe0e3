//! Releases: fixed, checked, signed packages of figures that the network's coordinator publishes
//! for government and donors, in place of live access to the data. Everything a release shows
//! goes through [`disclose`] first; [`files`] and [`report`] only read its tables; [`manifest`]
//! lists every file with its checksum and signs the list. Pure: the service layer reads the data,
//! keeps the key and stores the release.

pub mod disclose;
pub mod files;
pub mod manifest;
pub mod report;

use std::collections::BTreeMap;

pub use disclose::{Cell, Tables};
pub use manifest::{FileEntry, Manifest, Problem, ReleaseInfo};

/// One file of a release, before it is signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub media_type: &'static str,
    pub content: Vec<u8>,
}

/// What a release is made from, besides the tables.
pub struct Build<'a> {
    pub info: ReleaseInfo,
    /// The span of the rounds it covers (for DHIS2's period).
    pub span: (chrono::NaiveDate, chrono::NaiveDate),
    /// A deployment's DHIS2 organisation unit identifiers by ISO 3166-2:KE code (empty: by code).
    pub org_units: &'a BTreeMap<String, String>,
    /// The Kiswahili report's title, when the release's own title was made by vjt in English.
    pub title_sw: Option<String>,
}

/// Every data file and report of a release, in the order the manifest lists them.
pub fn files(t: &Tables, b: &Build<'_>) -> Vec<File> {
    let (period, period_type) = files::dhis2_period(b.span.0, b.span.1);
    let mut out = vec![
        File { path: "counties.csv".into(), media_type: "text/csv", content: files::counties_csv(t) },
        File { path: "countries.csv".into(), media_type: "text/csv", content: files::countries_csv(t) },
        File { path: "corridors.csv".into(), media_type: "text/csv", content: files::corridors_csv(t) },
        File { path: "places.csv".into(), media_type: "text/csv", content: files::places_csv(t) },
        File {
            path: "counties.geojson".into(),
            media_type: "application/geo+json",
            content: files::counties_geojson(t),
        },
        File {
            path: "corridors.geojson".into(),
            media_type: "application/geo+json",
            content: files::corridors_geojson(t),
        },
        File {
            path: "dhis2/dataValueSets.json".into(),
            media_type: "application/json",
            content: files::dhis2_data_values(t, &period, b.org_units),
        },
        File {
            path: "dhis2/metadata.json".into(),
            media_type: "application/json",
            content: files::dhis2_metadata(period_type),
        },
    ];
    for (lang, code) in [(vjt_domain::Lang::En, "en"), (vjt_domain::Lang::Sw, "sw")] {
        let mut info = b.info.clone();
        if let (vjt_domain::Lang::Sw, Some(title)) = (lang, &b.title_sw) {
            info.title = title.clone();
        }
        out.push(File {
            path: format!("report.{code}.html"),
            media_type: "text/html",
            content: report::html(t, &info, lang).into_bytes(),
        });
        out.push(File {
            path: format!("report.{code}.pdf"),
            media_type: "application/pdf",
            content: report::pdf(t, &info, lang),
        });
    }
    out
}

/// The manifest of these files, naming the key that will sign it.
pub fn manifest_of(info: &ReleaseInfo, files: &[File], public_key: &str) -> Manifest {
    Manifest {
        release: info.clone(),
        methodology: format!(
            "Route reports of the network's organisations (rejected reports excluded), counted once per role per county \
             or country. Counts from 1 to {} hidden; complementary figures hidden so that none can be worked out from \
             the others; risk as bands only; no free text and no organisation named. See report.en.html.",
            info.threshold.saturating_sub(1).max(1)
        ),
        software: format!("vjt {}", env!("CARGO_PKG_VERSION")),
        signed_by: public_key.to_string(),
        files: files
            .iter()
            .map(|f| FileEntry {
                path: f.path.clone(),
                sha256: manifest::sha256_hex(&f.content),
                bytes: f.content.len() as u64,
                media_type: f.media_type.to_string(),
            })
            .collect(),
    }
}
