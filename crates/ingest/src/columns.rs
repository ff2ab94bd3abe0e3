//! The template's columns, their English and Kiswahili headers, and matching of real-world headers
//! ("Intended Destination", "route/origin", "route-origin", "asili") to them.

use vjt_domain::text::fold;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    ReportId,
    Organisation,
    Round,
    Origin,
    Transit,
    IntendedDestination,
    ExploitationPlace,
    ExploitationTypes,
    Sectors,
    TransportModes,
    RecruitmentMethods,
    RecruiterRelationship,
    Victims,
    Female,
    Male,
    Children,
    Adults,
    PeriodStart,
    PeriodEnd,
    Source,
    Confidence,
    Notes,
}

impl Column {
    /// In template order.
    pub const ALL: [Column; 22] = [
        Column::ReportId,
        Column::Organisation,
        Column::Round,
        Column::Origin,
        Column::Transit,
        Column::IntendedDestination,
        Column::ExploitationPlace,
        Column::ExploitationTypes,
        Column::Sectors,
        Column::TransportModes,
        Column::RecruitmentMethods,
        Column::RecruiterRelationship,
        Column::Victims,
        Column::Female,
        Column::Male,
        Column::Children,
        Column::Adults,
        Column::PeriodStart,
        Column::PeriodEnd,
        Column::Source,
        Column::Confidence,
        Column::Notes,
    ];

    /// The template's header, exactly.
    pub fn name(self) -> &'static str {
        match self {
            Column::ReportId => "report_id",
            Column::Organisation => "organisation",
            Column::Round => "round",
            Column::Origin => "origin",
            Column::Transit => "transit",
            Column::IntendedDestination => "intended_destination",
            Column::ExploitationPlace => "exploitation_place",
            Column::ExploitationTypes => "exploitation_types",
            Column::Sectors => "sectors",
            Column::TransportModes => "transport_modes",
            Column::RecruitmentMethods => "recruitment_methods",
            Column::RecruiterRelationship => "recruiter_relationship",
            Column::Victims => "victims",
            Column::Female => "female",
            Column::Male => "male",
            Column::Children => "children",
            Column::Adults => "adults",
            Column::PeriodStart => "period_start",
            Column::PeriodEnd => "period_end",
            Column::Source => "source",
            Column::Confidence => "confidence",
            Column::Notes => "notes",
        }
    }

    /// The Kiswahili header row of the template.
    pub fn name_sw(self) -> &'static str {
        match self {
            Column::ReportId => "namba_ya_ripoti",
            Column::Organisation => "shirika",
            Column::Round => "awamu",
            Column::Origin => "asili",
            Column::Transit => "kupitia",
            Column::IntendedDestination => "mahali_palipokusudiwa",
            Column::ExploitationPlace => "mahali_pa_unyonyaji",
            Column::ExploitationTypes => "aina_za_unyonyaji",
            Column::Sectors => "sekta",
            Column::TransportModes => "njia_za_usafiri",
            Column::RecruitmentMethods => "njia_za_kuajiri",
            Column::RecruiterRelationship => "uhusiano_na_mwajiri",
            Column::Victims => "waathiriwa",
            Column::Female => "wanawake",
            Column::Male => "wanaume",
            Column::Children => "watoto",
            Column::Adults => "watu_wazima",
            Column::PeriodStart => "kipindi_kuanza",
            Column::PeriodEnd => "kipindi_kuisha",
            Column::Source => "chanzo",
            Column::Confidence => "uhakika",
            Column::Notes => "maelezo",
        }
    }

    /// Other headers people use for the same thing.
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Column::ReportId => &["reference", "ref", "report id", "report_ref", "report number"],
            Column::Organisation => &["organization", "org", "cso", "submitted by"],
            Column::Round => &["collection round", "exercise"],
            Column::Origin => &["origin place", "place of origin", "from"],
            Column::Transit => &["transit points", "transit point", "via"],
            Column::IntendedDestination => &["destination", "intended destination"],
            Column::ExploitationPlace => &["place of exploitation", "exploitation location"],
            Column::ExploitationTypes => &["exploitation type", "type of exploitation", "exploitation"],
            Column::Sectors => &["sector", "industry"],
            Column::TransportModes => &["transport", "transport mode", "mode of transport"],
            Column::RecruitmentMethods => &["recruitment", "recruitment method", "method of recruitment"],
            Column::RecruiterRelationship => &["recruiter relationship", "relationship", "recruiter_relationships"],
            Column::Victims => &["victims estimate", "estimated victims", "cases", "number of victims"],
            Column::Female => &["females", "women"],
            Column::Male => &["males", "men"],
            Column::Children => &["minors", "child"],
            Column::Adults => &["adult"],
            // Not "start"/"end": KoBo uses those for when the form was filled in.
            Column::PeriodStart => &["period start", "from month", "seen from"],
            Column::PeriodEnd => &["period end", "to month", "seen until"],
            Column::Source => &["source of knowledge", "knowledge source"],
            Column::Confidence => &["confidence level"],
            Column::Notes => &["note", "comments", "remarks"],
        }
    }

    /// Whether the column holds `;`-separated vocabulary codes.
    pub fn is_multi_valued(self) -> bool {
        matches!(
            self,
            Column::ExploitationTypes
                | Column::Sectors
                | Column::TransportModes
                | Column::RecruitmentMethods
                | Column::RecruiterRelationship
        )
    }

    fn matches(self, key: &str) -> bool {
        fold(self.name()) == key || fold(self.name_sw()) == key || self.synonyms().iter().any(|s| fold(s) == key)
    }

    /// Finds the column a header names. Group prefixes from KoBo (`route/origin`) and ODK
    /// (`route-origin`) are ignored.
    pub fn from_header(header: &str) -> Option<Column> {
        let key = fold(header);
        if let Some(c) = Column::ALL.into_iter().find(|c| c.matches(&key)) {
            return Some(c);
        }
        let last = header.rsplit(['/', '-', ':']).next().unwrap_or(header);
        let key = fold(last);
        Column::ALL.into_iter().find(|c| c.matches(&key))
    }

    /// For KoBo's one-column-per-choice exports (`route/exploitation_types/domestic_servitude`):
    /// the multi-valued column and the choice code.
    pub fn from_choice_header(header: &str) -> Option<(Column, String)> {
        let parts: Vec<&str> = header.split('/').collect();
        if parts.len() < 2 {
            return None;
        }
        let (field, choice) = (parts[parts.len() - 2], parts[parts.len() - 1]);
        let column = Column::from_header(field).filter(|c| c.is_multi_valued())?;
        Some((column, choice.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_in_any_dress() {
        assert_eq!(Column::from_header("Intended Destination"), Some(Column::IntendedDestination));
        assert_eq!(Column::from_header("INTENDED_DESTINATION"), Some(Column::IntendedDestination));
        assert_eq!(Column::from_header("route/origin"), Some(Column::Origin));
        assert_eq!(Column::from_header("route-exploitation_place"), Some(Column::ExploitationPlace));
        assert_eq!(Column::from_header("mahali_pa_unyonyaji"), Some(Column::ExploitationPlace));
        assert_eq!(Column::from_header("Waathiriwa"), Some(Column::Victims));
        assert_eq!(Column::from_header("_uuid"), None);
        assert_eq!(
            Column::from_choice_header("route/exploitation_types/domestic_servitude"),
            Some((Column::ExploitationTypes, "domestic_servitude".to_string()))
        );
        assert_eq!(Column::from_choice_header("route/origin"), None);
    }

    #[test]
    fn every_column_name_is_unique_in_both_languages() {
        let mut seen = std::collections::HashSet::new();
        for c in Column::ALL {
            assert!(seen.insert(fold(c.name())), "{}", c.name());
            assert!(seen.insert(fold(c.name_sw())), "{}", c.name_sw());
        }
    }
}
