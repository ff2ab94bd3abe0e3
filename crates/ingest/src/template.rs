//! Blank templates for CSOs: a CSV header, an XLSX workbook with bilingual instructions and
//! drop-down lists, and an XLSForm of the same route form for KoBoCollect / ODK Collect.

use std::path::Path;

use rust_xlsxwriter::{DataValidation, DataValidationErrorStyle, Format, Formula, Workbook, XlsxError};
use vjt_domain::vocab::Vocabulary;
use vjt_domain::{
    Confidence, ExploitationType, KnowledgeSource, Lang, RecruiterRelationship, RecruitmentMethod, Sector,
    TransportMode,
};

use crate::columns::{Field, Header};

#[derive(Debug, thiserror::Error)]
#[error("cannot write {file}: {reason}")]
pub struct TemplateError {
    pub file: String,
    pub reason: String,
}

fn fail(path: &Path, e: impl std::fmt::Display) -> TemplateError {
    TemplateError { file: path.display().to_string(), reason: e.to_string() }
}

/// What each column is for, in English and Kiswahili: the instructions sheet and the XLSForm hints.
pub fn help(column: Field) -> (&'static str, &'static str) {
    match column {
        Field::ReportId => (
            "Your organisation's own reference for this route (any text). Importing the file again updates the report with this reference instead of adding a copy.",
            "Namba ya ripoti ya shirika lako. Ukiingiza faili tena, ripoti yenye namba hii itasasishwa badala ya kunakiliwa.",
        ),
        Field::Organisation => ("Your organisation's name, as registered with the network coordinator.", "Jina la shirika lako, kama lilivyosajiliwa na mratibu wa mtandao."),
        Field::Round => ("The collection round, e.g. Kenya 2020.", "Awamu ya ukusanyaji, k.m. Kenya 2020."),
        Field::Origin => ("REQUIRED. Where the route starts: town, county or country.", "LAZIMA. Mahali safari inapoanzia: mji, kaunti au nchi."),
        Field::Transit => ("Places passed through, in travel order, separated by ;  e.g. Busia;Nakuru;Nairobi", "Mahali palipopitiwa, kwa mpangilio wa safari, yakitenganishwa na ;"),
        Field::IntendedDestination => ("Where the people were told they were going. This or exploitation_place is required.", "Mahali walipoambiwa wanakwenda. Hii au mahali_pa_unyonyaji ni lazima."),
        Field::ExploitationPlace => ("Where the exploitation happened, if known.", "Mahali unyonyaji ulipotokea, kama panajulikana."),
        Field::ExploitationTypes => ("Types of exploitation, separated by ; (see the lists sheet).", "Aina za unyonyaji, zikitenganishwa na ; (angalia karatasi ya orodha)."),
        Field::Sectors => ("Sectors of work, separated by ;", "Sekta za kazi, zikitenganishwa na ;"),
        Field::TransportModes => ("How people travelled, separated by ;", "Njia za usafiri, zikitenganishwa na ;"),
        Field::RecruitmentMethods => ("How people were recruited, separated by ;", "Jinsi walivyoajiriwa, zikitenganishwa na ;"),
        Field::RecruiterRelationship => ("Who the recruiter was to them, separated by ;", "Uhusiano wao na mwajiri au wakala, ukitenganishwa na ;"),
        Field::Victims => ("Estimated number of people on this route (a whole number), empty if unknown. No names.", "Idadi ya makadirio ya watu katika njia hii, acha wazi kama haijulikani. Hakuna majina."),
        Field::Female => ("How many of them were female (number), if known.", "Wangapi walikuwa wanawake, kama inajulikana."),
        Field::Male => ("How many were male (number), if known.", "Wangapi walikuwa wanaume, kama inajulikana."),
        Field::Children => ("How many were under 18 (number), if known.", "Wangapi walikuwa chini ya miaka 18, kama inajulikana."),
        Field::Adults => ("How many were 18 or older (number), if known.", "Wangapi walikuwa na miaka 18 au zaidi, kama inajulikana."),
        Field::PeriodStart => ("First month the route was seen: YYYY-MM, e.g. 2020-03.", "Mwezi wa kwanza njia ilionekana: YYYY-MM, k.m. 2020-03."),
        Field::PeriodEnd => ("Last month the route was seen: YYYY-MM.", "Mwezi wa mwisho njia ilionekana: YYYY-MM."),
        Field::Source => ("How you know: survivor_case, outreach, hotline or other.", "Mnajuaje: kesi ya manusura, uhamasishaji, simu ya msaada au nyingine."),
        Field::Confidence => ("How sure you are: low, medium or high.", "Uhakika wenu: chini, wastani au juu."),
        Field::Notes => ("Anything else about the route. Never write names, phone numbers or ID numbers of survivors.", "Maelezo mengine kuhusu njia. Usiandike majina, namba za simu au vitambulisho vya manusura."),
    }
}

/// One choice of a list: code, English label, Kiswahili label.
pub type Choice = (&'static str, &'static str, &'static str);

/// The vocabulary behind a column, as (list name, choices).
pub fn choices(column: Field) -> Option<(&'static str, Vec<Choice>)> {
    fn all<T: Vocabulary>(name: &'static str) -> Option<(&'static str, Vec<Choice>)> {
        Some((name, T::all().iter().map(|t| (t.code(), t.label(Lang::En), t.label(Lang::Sw))).collect()))
    }
    match column {
        Field::ExploitationTypes => all::<ExploitationType>("exploitation_type"),
        Field::Sectors => all::<Sector>("sector"),
        Field::TransportModes => all::<TransportMode>("transport_mode"),
        Field::RecruitmentMethods => all::<RecruitmentMethod>("recruitment_method"),
        Field::RecruiterRelationship => all::<RecruiterRelationship>("recruiter_relationship"),
        Field::Source => all::<KnowledgeSource>("knowledge_source"),
        Field::Confidence => all::<Confidence>("confidence"),
        _ => None,
    }
}

/// The template's header row, optionally in Kiswahili.
pub fn header(lang: Lang) -> Vec<&'static str> {
    Field::ALL.iter().map(|c| if lang == Lang::Sw { c.name_sw() } else { c.code() }).collect()
}

pub fn write_csv(path: &Path, lang: Lang) -> Result<(), TemplateError> {
    let mut w = csv::Writer::from_path(path).map_err(|e| fail(path, e))?;
    w.write_record(header(lang)).map_err(|e| fail(path, e))?;
    w.flush().map_err(|e| fail(path, e))
}

const EXAMPLE: [&str; 22] = [
    "EXAMPLE-1",
    "(example row: delete it)",
    "Kenya 2020",
    "Kakamega",
    "Busia;Nakuru",
    "Nairobi",
    "Eastleigh",
    "domestic_servitude",
    "households",
    "bus_matatu",
    "false_job_offer;broker_agent",
    "recruitment_agent",
    "12",
    "10",
    "2",
    "4",
    "8",
    "2020-01",
    "2020-06",
    "survivor_case",
    "medium",
    "Recruited by an agent promising hotel work.",
];

pub fn write_xlsx(path: &Path) -> Result<(), TemplateError> {
    build_xlsx(path).map_err(|e| fail(path, e))
}

fn build_xlsx(path: &Path) -> Result<(), XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    {
        let sheet = book.add_worksheet().set_name("routes")?;
        for (i, column) in Field::ALL.iter().enumerate() {
            let col = i as u16;
            sheet.write_string_with_format(0, col, column.code(), &bold)?;
            sheet.write_string(1, col, EXAMPLE[i])?;
            sheet.set_column_width(col, 18)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        // Drop-downs from the lists sheet. Multi-valued columns take several codes joined by ';',
        // which a list cannot express, so there a wrong entry only informs instead of refusing.
        let mut list_col = 0u16;
        for (i, column) in Field::ALL.iter().enumerate() {
            let Some((_, items)) = choices(*column) else { continue };
            let letter = excel_column(list_col);
            let formula = Formula::new(format!("=lists!${letter}$2:${letter}${}", items.len() + 1));
            let style = if column.kind() == vjt_domain::FieldKind::Choices {
                DataValidationErrorStyle::Information
            } else {
                DataValidationErrorStyle::Stop
            };
            let (en, _) = help(*column);
            let rule = DataValidation::new()
                .allow_list_formula(formula)
                .set_error_style(style)
                .set_input_title(column.code())?
                .set_input_message(en.chars().take(250).collect::<String>())?;
            sheet.add_data_validation(1, i as u16, 10_000, i as u16, &rule)?;
            list_col += 1;
        }
        for (i, column) in Field::ALL.iter().enumerate() {
            if matches!(column, Field::Victims | Field::Female | Field::Male | Field::Children | Field::Adults) {
                let rule = DataValidation::new()
                    .allow_whole_number(rust_xlsxwriter::DataValidationRule::GreaterThanOrEqualTo(0))
                    .set_error_message("A whole number of 0 or more, or empty if unknown.")?;
                sheet.add_data_validation(1, i as u16, 10_000, i as u16, &rule)?;
            }
        }
    }
    {
        let sheet = book.add_worksheet().set_name("instructions")?;
        sheet.write_string_with_format(0, 0, "column / safu", &bold)?;
        sheet.write_string_with_format(0, 1, "English", &bold)?;
        sheet.write_string_with_format(0, 2, "Kiswahili", &bold)?;
        sheet.write_string_with_format(0, 3, "Kiswahili header accepted", &bold)?;
        for (i, column) in Field::ALL.iter().enumerate() {
            let (en, sw) = help(*column);
            let row = i as u32 + 1;
            sheet.write_string(row, 0, column.code())?;
            sheet.write_string_with_format(row, 1, en, &wrap)?;
            sheet.write_string_with_format(row, 2, sw, &wrap)?;
            sheet.write_string(row, 3, column.name_sw())?;
        }
        let note = Field::ALL.len() as u32 + 2;
        sheet.write_string(note, 0, "Never enter names, phone numbers, ID numbers or addresses of survivors. / Usiandike majina, namba za simu, vitambulisho au anwani za manusura.")?;
        sheet.set_column_width(0, 24)?;
        sheet.set_column_width(1, 60)?;
        sheet.set_column_width(2, 60)?;
        sheet.set_column_width(3, 26)?;
    }
    {
        let sheet = book.add_worksheet().set_name("lists")?;
        let mut col = 0u16;
        for column in Field::ALL {
            let Some((_, items)) = choices(column) else { continue };
            sheet.write_string_with_format(0, col, column.code(), &bold)?;
            for (r, (code, _, _)) in items.iter().enumerate() {
                sheet.write_string(r as u32 + 1, col, *code)?;
            }
            sheet.set_column_width(col, 24)?;
            col += 1;
        }
    }
    book.save(path)
}

fn excel_column(index: u16) -> String {
    let mut n = index as u32 + 1;
    let mut out = String::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.insert(0, (b'A' + rem as u8) as char);
        n = (n - 1) / 26;
    }
    out
}

/// An XLSForm of the route form: transit points as a repeat group, vocabularies as choice lists,
/// English and Kiswahili labels. Its KoBoToolbox and ODK Central exports import unchanged.
pub fn write_xlsform(path: &Path) -> Result<(), TemplateError> {
    build_xlsform(path).map_err(|e| fail(path, e))
}

fn build_xlsform(path: &Path) -> Result<(), XlsxError> {
    use crate::form::{questions, Place, GROUPS};
    let mut book = Workbook::new();
    let survey_header = [
        "type",
        "name",
        "label::English (en)",
        "label::Kiswahili (sw)",
        "hint::English (en)",
        "hint::Kiswahili (sw)",
        "required",
        "required_message::English (en)",
        "required_message::Kiswahili (sw)",
        "constraint",
        "constraint_message::English (en)",
        "constraint_message::Kiswahili (sw)",
        "appearance",
    ];
    let mut rows: Vec<[String; 13]> = Vec::new();
    let row = |cells: [&str; 13]| cells.map(String::from);
    let title_of = |name: &str| GROUPS.iter().find(|g| g.0 == name).map_or(("", ""), |g| (g.1, g.2));
    let mut open = Place::Top;
    for q in questions() {
        if q.place != open {
            match open {
                Place::Group(_) => rows.push(row(["end_group", "", "", "", "", "", "", "", "", "", "", "", ""])),
                Place::Repeat(_) => rows.push(row(["end_repeat", "", "", "", "", "", "", "", "", "", "", "", ""])),
                Place::Top => {}
            }
            match q.place {
                Place::Group(name) => {
                    let (en, sw) = title_of(name);
                    rows.push(row(["begin_group", name, en, sw, "", "", "", "", "", "", "", "", "field-list"]));
                }
                Place::Repeat(name) => {
                    let (en, sw) = title_of(name);
                    rows.push(row(["begin_repeat", name, en, sw, "", "", "", "", "", "", "", "", ""]));
                }
                Place::Top => {}
            }
            open = q.place;
        }
        rows.push(row([
            q.kind,
            q.name,
            q.label.0,
            q.label.1,
            q.hint.0,
            q.hint.1,
            q.required,
            q.required_message.0,
            q.required_message.1,
            q.constraint,
            q.constraint_message.0,
            q.constraint_message.1,
            q.appearance,
        ]));
    }
    match open {
        Place::Group(_) => rows.push(row(["end_group", "", "", "", "", "", "", "", "", "", "", "", ""])),
        Place::Repeat(_) => rows.push(row(["end_repeat", "", "", "", "", "", "", "", "", "", "", "", ""])),
        Place::Top => {}
    }

    let survey = book.add_worksheet().set_name("survey")?;
    for (c, h) in survey_header.iter().enumerate() {
        survey.write_string(0, c as u16, *h)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                survey.write_string(r as u32 + 1, c as u16, cell)?;
            }
        }
    }
    let choices_sheet = book.add_worksheet().set_name("choices")?;
    for (c, h) in ["list_name", "name", "label::English (en)", "label::Kiswahili (sw)"].iter().enumerate() {
        choices_sheet.write_string(0, c as u16, *h)?;
    }
    let mut r = 1;
    for column in Field::ALL {
        let Some((list, items)) = choices(column) else { continue };
        for (code, en, sw) in items {
            choices_sheet.write_string(r, 0, list)?;
            choices_sheet.write_string(r, 1, code)?;
            choices_sheet.write_string(r, 2, en)?;
            choices_sheet.write_string(r, 3, sw)?;
            r += 1;
        }
    }
    let settings = book.add_worksheet().set_name("settings")?;
    for (c, (k, v)) in [
        ("form_title", "vjt route report"),
        ("form_id", "vjt_route"),
        ("version", "1"),
        ("default_language", "English (en)"),
    ]
    .iter()
    .enumerate()
    {
        settings.write_string(0, c as u16, *k)?;
        settings.write_string(1, c as u16, *v)?;
    }
    book.save(path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn excel_columns_are_lettered() {
        assert_eq!(super::excel_column(0), "A");
        assert_eq!(super::excel_column(25), "Z");
        assert_eq!(super::excel_column(26), "AA");
    }
}
