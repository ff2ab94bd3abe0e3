//! vjt's XLSForm for KoBoToolbox and ODK, as one table of questions: `template::write_xlsform`
//! writes it, and the importer recognises its exports by the same names and labels, in English
//! and Kiswahili, whatever export settings were used.

use crate::columns::Field;

/// Where a question sits: its group (or repeat) in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Top,
    /// A group shown on one screen (`field-list`).
    Group(&'static str),
    /// The repeat of transit points, outside every `field-list` group: ODK Collect cannot show a
    /// repeat inside one.
    Repeat(&'static str),
}

/// One question of the form, in words meant for field staff (no column codes, no spreadsheet
/// instructions).
#[derive(Debug, Clone, Copy)]
pub struct Question {
    pub field: Field,
    /// The XML name (the export's column name).
    pub name: &'static str,
    pub place: Place,
    /// `text`, `integer`, `date`, `select_one LIST`, `select_multiple LIST`.
    pub kind: &'static str,
    pub label: (&'static str, &'static str),
    pub hint: (&'static str, &'static str),
    /// `yes`, an expression (required when true), or empty.
    pub required: &'static str,
    pub required_message: (&'static str, &'static str),
    pub constraint: &'static str,
    pub constraint_message: (&'static str, &'static str),
    pub appearance: &'static str,
}

const NONE: (&str, &str) = ("", "");

const fn q(field: Field, name: &'static str, place: Place, kind: &'static str) -> Question {
    Question {
        field,
        name,
        place,
        kind,
        label: NONE,
        hint: NONE,
        required: "",
        required_message: NONE,
        constraint: "",
        constraint_message: NONE,
        appearance: "",
    }
}

/// The groups' titles: (name, English, Kiswahili).
pub const GROUPS: [(&str, &str, &str); 3] = [
    ("start", "Where the journey started", "Safari ilipoanzia"),
    ("transit", "Places passed through", "Maeneo yaliyopitiwa"),
    ("end", "Where it was meant to end, and where it did", "Ilipokusudiwa kuishia, na ilipoishia"),
];

const WHOLE_NUMBER: (&str, &str) = ("Give a whole number, 0 or more.", "Andika namba kamili, 0 au zaidi.");

/// Every question, in the form's order.
pub fn questions() -> Vec<Question> {
    use Field::*;
    let count = |field, name, en, sw| Question {
        label: (en, sw),
        constraint: ". >= 0",
        constraint_message: WHOLE_NUMBER,
        ..q(field, name, Place::Top, "integer")
    };
    vec![
        Question {
            label: ("Your reference for this route", "Namba yenu ya kumbukumbu ya njia hii"),
            hint: (
                "Any reference your organisation uses for it; leave empty if you have none.",
                "Namba yoyote ambayo shirika lenu huitumia; acha wazi kama hamna.",
            ),
            ..q(ReportId, "report_id", Place::Top, "text")
        },
        Question {
            label: ("Your organisation", "Shirika lenu"),
            hint: ("As registered with the network coordinator.", "Kama lilivyosajiliwa na mratibu wa mtandao."),
            required: "yes",
            ..q(Organisation, "organisation", Place::Top, "text")
        },
        Question {
            label: ("Collection round", "Awamu ya ukusanyaji"),
            hint: ("For example: Kenya 2020", "Kwa mfano: Kenya 2020"),
            required: "yes",
            ..q(Round, "round", Place::Top, "text")
        },
        Question {
            label: ("Where did the journey start?", "Safari ilianzia wapi?"),
            hint: ("A town, county or country.", "Mji, kaunti au nchi."),
            required: "yes",
            ..q(Origin, "origin", Place::Group("start"), "text")
        },
        Question {
            label: ("Place passed through", "Mahali palipopitiwa"),
            hint: (
                "One place in each entry, in the order travelled. Add an entry for each further place.",
                "Mahali pamoja katika kila kipengele, kwa mpangilio wa safari. Ongeza kipengele kwa kila mahali panapofuata.",
            ),
            ..q(Transit, "transit_point", Place::Repeat("transit"), "text")
        },
        Question {
            label: ("Where were they told they were going?", "Waliambiwa wanakwenda wapi?"),
            hint: ("Needed unless you give the place of exploitation.", "Inahitajika usipotaja mahali pa unyonyaji."),
            ..q(IntendedDestination, "intended_destination", Place::Group("end"), "text")
        },
        Question {
            label: ("Where did the exploitation happen?", "Unyonyaji ulitokea wapi?"),
            hint: ("If known.", "Kama panajulikana."),
            // ODK never checks a constraint on an empty answer: "one of the two" is a
            // requirement that holds when the other is empty.
            required: "${intended_destination} = ''",
            required_message: (
                "Give the intended destination or the place of exploitation.",
                "Taja mahali palipokusudiwa au mahali pa unyonyaji.",
            ),
            ..q(ExploitationPlace, "exploitation_place", Place::Group("end"), "text")
        },
        Question {
            label: ("What forms of exploitation?", "Ni aina gani za unyonyaji?"),
            hint: ("Choose every one that applies.", "Chagua zote zinazohusika."),
            ..q(ExploitationTypes, "exploitation_types", Place::Top, "select_multiple exploitation_type")
        },
        Question {
            label: ("In which sectors of work?", "Katika sekta gani za kazi?"),
            hint: ("Choose every one that applies.", "Chagua zote zinazohusika."),
            ..q(Sectors, "sectors", Place::Top, "select_multiple sector")
        },
        Question {
            label: ("How did they travel?", "Walisafiri kwa njia gani?"),
            hint: ("Choose every one that applies.", "Chagua zote zinazohusika."),
            ..q(TransportModes, "transport_modes", Place::Top, "select_multiple transport_mode")
        },
        Question {
            label: ("How were they recruited?", "Waliajiriwa kwa njia gani?"),
            hint: ("Choose every one that applies.", "Chagua zote zinazohusika."),
            ..q(RecruitmentMethods, "recruitment_methods", Place::Top, "select_multiple recruitment_method")
        },
        Question {
            label: ("Who was the recruiter to them?", "Mwajiri au wakala alikuwa nani kwao?"),
            hint: ("Choose every one that applies.", "Chagua zote zinazohusika."),
            ..q(RecruiterRelationship, "recruiter_relationship", Place::Top, "select_multiple recruiter_relationship")
        },
        Question {
            hint: (
                "As far as you know. Leave empty if you do not know. Never write names.",
                "Kwa kadiri mnavyojua. Acha wazi kama hamjui. Kamwe msiandike majina.",
            ),
            ..count(
                Victims,
                "victims",
                "How many people were on this route?",
                "Ni watu wangapi walikuwa katika njia hii?",
            )
        },
        count(Female, "female", "How many of them were female?", "Wangapi kati yao walikuwa wa kike?"),
        count(Male, "male", "How many were male?", "Wangapi walikuwa wa kiume?"),
        count(Children, "children", "How many were under 18?", "Wangapi walikuwa chini ya miaka 18?"),
        count(Adults, "adults", "How many were 18 or older?", "Wangapi walikuwa na miaka 18 au zaidi?"),
        Question {
            label: ("First month the route was seen", "Mwezi wa kwanza njia ilionekana"),
            appearance: "month-year",
            ..q(PeriodStart, "period_start", Place::Top, "date")
        },
        Question {
            label: ("Last month the route was seen", "Mwezi wa mwisho njia ilionekana"),
            constraint: ". >= ${period_start}",
            constraint_message: (
                "The last month cannot come before the first.",
                "Mwezi wa mwisho hauwezi kuwa kabla ya wa kwanza.",
            ),
            appearance: "month-year",
            ..q(PeriodEnd, "period_end", Place::Top, "date")
        },
        Question {
            label: ("How do you know about this route?", "Mnajuaje kuhusu njia hii?"),
            ..q(Source, "source", Place::Top, "select_one knowledge_source")
        },
        Question {
            label: ("How sure are you?", "Mna uhakika kiasi gani?"),
            ..q(Confidence, "confidence", Place::Top, "select_one confidence")
        },
        Question {
            label: ("Anything else about the route", "Mengineyo kuhusu njia hii"),
            hint: (
                "Never write names, phone numbers or identity numbers.",
                "Kamwe msiandike majina, namba za simu wala za vitambulisho.",
            ),
            appearance: "multiline",
            ..q(Notes, "notes", Place::Top, "text")
        },
    ]
}

/// The question behind a field.
pub fn question(field: Field) -> Option<Question> {
    questions().into_iter().find(|q| q.field == field)
}
