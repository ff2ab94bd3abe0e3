//! A flat, borrowed view of a stored report: what a fast reader (the analysis engine) needs,
//! without building a `RouteReport` per row. Codes are the stored `;`-joined vocabulary codes.

/// One report's fields as stored. Text borrows from the reader's current row.
#[derive(Debug, Clone, Copy)]
pub struct FlatReport<'a> {
    pub id: i64,
    pub organisation: i64,
    pub round: i64,
    pub report_ref: Option<&'a str>,
    pub status: &'a str,
    pub exploitation_types: &'a str,
    pub sectors: &'a str,
    pub transport_modes: &'a str,
    pub recruitment_methods: &'a str,
    pub recruiter_relationships: &'a str,
    pub victims: Option<i64>,
    pub victims_below: Option<i64>,
    pub female: Option<i64>,
    pub male: Option<i64>,
    pub other_gender: Option<i64>,
    pub children: Option<i64>,
    pub adults: Option<i64>,
    pub period_start: Option<&'a str>,
    pub period_end: Option<&'a str>,
    pub source: &'a str,
    pub confidence: &'a str,
}

/// One stop of a report, in travel order (`seq`).
#[derive(Debug, Clone, Copy)]
pub struct FlatStop<'a> {
    pub report_id: i64,
    pub seq: i64,
    pub role: &'a str,
    pub text: &'a str,
    pub place_id: Option<&'a str>,
}
