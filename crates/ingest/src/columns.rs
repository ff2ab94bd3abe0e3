//! The template's columns (the report's fields), their English and Kiswahili headers, and matching of real-world headers
//! ("Intended Destination", "route/origin", "route-origin", "asili") to them.

use vjt_domain::text::fold;

pub use vjt_domain::Field;

/// How a report's fields are named in spreadsheet headers: the template's own English and
/// Kiswahili headers, and what other tools and people write instead.
pub trait Header: Sized {
    fn name_sw(self) -> &'static str;
    fn synonyms(self) -> &'static [&'static str];
    fn from_header(header: &str) -> Option<Self>;
    fn from_choice_header(header: &str) -> Option<(Self, String)>;
}

impl Header for Field {
    /// The Kiswahili header row of the template.
    fn name_sw(self) -> &'static str {
        match self {
            Field::ReportId => "namba_ya_ripoti",
            Field::Organisation => "shirika",
            Field::Round => "awamu",
            Field::Origin => "asili",
            Field::Transit => "kupitia",
            Field::IntendedDestination => "mahali_palipokusudiwa",
            Field::ExploitationPlace => "mahali_pa_unyonyaji",
            Field::ExploitationTypes => "aina_za_unyonyaji",
            Field::Sectors => "sekta",
            Field::TransportModes => "njia_za_usafiri",
            Field::RecruitmentMethods => "njia_za_kuajiri",
            Field::RecruiterRelationship => "uhusiano_na_mwajiri",
            Field::Victims => "waathiriwa",
            Field::Female => "wanawake",
            Field::Male => "wanaume",
            Field::Children => "watoto",
            Field::Adults => "watu_wazima",
            Field::PeriodStart => "kipindi_kuanza",
            Field::PeriodEnd => "kipindi_kuisha",
            Field::Source => "chanzo",
            Field::Confidence => "uhakika",
            Field::Notes => "maelezo",
        }
    }

    /// Other headers people use for the same thing.
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Field::ReportId => &["reference", "ref", "report id", "report_ref", "report number"],
            Field::Organisation => &["organization", "org", "cso", "submitted by"],
            Field::Round => &["collection round", "exercise"],
            Field::Origin => &["origin place", "place of origin", "from"],
            Field::Transit => &["transit points", "transit point", "via"],
            Field::IntendedDestination => &["destination", "intended destination"],
            Field::ExploitationPlace => &["place of exploitation", "exploitation location"],
            Field::ExploitationTypes => &["exploitation type", "type of exploitation", "exploitation"],
            Field::Sectors => &["sector", "industry"],
            Field::TransportModes => &["transport", "transport mode", "mode of transport"],
            Field::RecruitmentMethods => &["recruitment", "recruitment method", "method of recruitment"],
            Field::RecruiterRelationship => &["recruiter relationship", "relationship", "recruiter_relationships"],
            Field::Victims => &["victims estimate", "estimated victims", "cases", "number of victims"],
            Field::Female => &["females", "women"],
            Field::Male => &["males", "men"],
            Field::Children => &["minors", "child"],
            Field::Adults => &["adult"],
            // Not "start"/"end": KoBo uses those for when the form was filled in.
            Field::PeriodStart => &["period start", "from month", "seen from"],
            Field::PeriodEnd => &["period end", "to month", "seen until"],
            Field::Source => &["source of knowledge", "knowledge source"],
            Field::Confidence => &["confidence level"],
            Field::Notes => &["note", "comments", "remarks"],
        }
    }

    /// Finds the column a header names: the whole header, or what follows a group prefix
    /// (KoBo writes `route/origin` or `route.origin`, ODK `route-origin`), by the field's code,
    /// its Kiswahili header, its synonyms or the XLSForm's question in either language.
    fn from_header(header: &str) -> Option<Field> {
        suffixes(header).into_iter().find_map(|key| Field::ALL.into_iter().find(|c| matches(*c, &key)))
    }

    /// For one-column-per-choice exports (`exploitation_types/domestic_servitude`, or with
    /// labels `What forms of exploitation?/Domestic servitude`): the multi-valued field and the
    /// choice's code. Tried before [`Header::from_header`], so that the choice `transport` of
    /// `sectors` is not taken for the transport modes.
    fn from_choice_header(header: &str) -> Option<(Field, String)> {
        let cut = header.rfind(SEPARATORS)?;
        let (parent, choice) = (&header[..cut], fold(&header[cut + 1..]));
        let field = suffixes(parent).into_iter().find_map(|key| {
            Field::ALL.into_iter().find(|c| c.kind() == vjt_domain::FieldKind::Choices && matches(*c, &key))
        })?;
        let (_, items) = crate::template::choices(field)?;
        items
            .into_iter()
            .find(|(code, en, sw)| [*code, *en, *sw].iter().any(|name| fold(name) == choice))
            .map(|(code, _, _)| (field, code.to_string()))
    }
}

/// The characters that separate a group from its question in exported headers.
const SEPARATORS: [char; 4] = ['/', '.', '-', ':'];

/// The folded header, then what follows each group separator in it, longest first.
fn suffixes(header: &str) -> Vec<String> {
    let mut out = vec![fold(header)];
    for (i, c) in header.char_indices() {
        if SEPARATORS.contains(&c) {
            let rest = fold(&header[i + c.len_utf8()..]);
            if !rest.is_empty() {
                out.push(rest);
            }
        }
    }
    out
}

fn matches(field: Field, key: &str) -> bool {
    fold(field.code()) == key
        || fold(field.name_sw()) == key
        || field.synonyms().iter().any(|s| fold(s) == key)
        || crate::form::question(field).is_some_and(|q| fold(q.label.0) == key || fold(q.label.1) == key)
        || (field == Field::Transit
            && crate::form::GROUPS.iter().any(|g| g.0 == "transit" && (fold(g.1) == key || fold(g.2) == key)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_in_any_dress() {
        assert_eq!(Field::from_header("Intended Destination"), Some(Field::IntendedDestination));
        assert_eq!(Field::from_header("INTENDED_DESTINATION"), Some(Field::IntendedDestination));
        assert_eq!(Field::from_header("route/origin"), Some(Field::Origin));
        assert_eq!(Field::from_header("route-exploitation_place"), Some(Field::ExploitationPlace));
        assert_eq!(Field::from_header("mahali_pa_unyonyaji"), Some(Field::ExploitationPlace));
        assert_eq!(Field::from_header("Waathiriwa"), Some(Field::Victims));
        assert_eq!(Field::from_header("_uuid"), None);
        assert_eq!(
            Field::from_choice_header("route/exploitation_types/domestic_servitude"),
            Some((Field::ExploitationTypes, "domestic_servitude".to_string()))
        );
        assert_eq!(Field::from_choice_header("route/origin"), None);
    }

    #[test]
    fn every_column_name_is_unique_in_both_languages() {
        let mut seen = std::collections::HashSet::new();
        for c in Field::ALL {
            assert!(seen.insert(fold(c.code())), "{}", c.code());
            assert!(seen.insert(fold(c.name_sw())), "{}", c.name_sw());
        }
    }
}
