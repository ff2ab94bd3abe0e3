//! Property tests of the domain's parsing rules.

use proptest::prelude::*;
use vjt_domain::text::{edit_distance, fold};
use vjt_domain::{Journey, Stop, StopRole, StopText, YearMonth};

fn stop_text() -> impl Strategy<Value = StopText> {
    "[A-Za-z][A-Za-z ,'-]{0,20}".prop_map(|s| StopText::parse(&s).expect("starts with a letter"))
}

/// A Kenyan mobile number written the way people write and paste them: any separators between
/// any groups, full-width digits, invisible characters.
fn pasted_phone() -> impl Strategy<Value = (String, String)> {
    let digits = proptest::collection::vec(0u8..10, 8);
    let seps = proptest::collection::vec(
        prop_oneof![
            Just(""),
            Just(" "),
            Just("-"),
            Just("."),
            Just("/"),
            Just("\u{2013}"),
            Just("\u{200B}"),
            Just("\u{00A0}")
        ],
        9,
    );
    (prop_oneof![Just("07"), Just("+2547"), Just("2547"), Just("01")], digits, seps, any::<bool>()).prop_map(
        |(prefix, digits, seps, wide)| {
            let plain: String = prefix.chars().chain(digits.iter().map(|d| char::from(b'0' + d))).collect();
            let mut written = String::new();
            for (i, c) in plain.chars().enumerate() {
                let c = if wide && c.is_ascii_digit() {
                    char::from_u32(0xFF10 + c.to_digit(10).unwrap()).unwrap()
                } else {
                    c
                };
                written.push(c);
                if i + 1 < plain.len() && i > 1 {
                    written.push_str(seps[i % seps.len()]);
                }
            }
            (plain, written)
        },
    )
}

proptest! {
    /// The one-pass name key is the words joined by one space, lower-cased, whatever the
    /// white space and letters (ASCII and not, control characters among them).
    #[test]
    fn name_keys_are_the_lower_cased_words(name in "[a-zA-Z \\t\\n\\r\\x0b\\x0c\\x1f\u{A0}\u{85}\u{2003}ΣσÇ]{0,24}") {
        let words = name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        prop_assert_eq!(vjt_domain::name_key(&name), words);
    }

    #[test]
    fn phone_numbers_are_screened_however_they_are_written((plain, written) in pasted_phone()) {
        let text = format!("her mother's number is {written}, call before noon");
        let (out, found) = vjt_domain::screen::screen(&text);
        prop_assert!(!found.is_empty(), "{} was not found in '{}'", plain, text);
        let kept: String = out.chars().filter(char::is_ascii_digit).collect();
        prop_assert!(kept.len() < 5, "'{}' keeps digits: {}", out, kept);
    }

    #[test]
    fn folding_is_idempotent(s in "\\PC{0,40}") {
        let once = fold(&s);
        prop_assert_eq!(fold(&once), once.clone());
        prop_assert!(!once.starts_with(' ') && !once.ends_with(' '));
    }

    #[test]
    fn edit_distance_is_a_symmetric_bounded_measure(a in "[a-z]{0,12}", b in "[a-z]{0,12}") {
        let d = edit_distance(&a, &b);
        prop_assert_eq!(d, edit_distance(&b, &a));
        prop_assert!(d <= a.len().max(b.len()));
        prop_assert_eq!(d == 0, a == b);
    }

    #[test]
    fn journeys_survive_their_stored_form(
        origin in stop_text(),
        transit in proptest::collection::vec(stop_text(), 0..6),
        destination in proptest::option::of(stop_text()),
        exploitation in proptest::option::of(stop_text()),
    ) {
        let built = Journey::new(
            Stop::reported(origin),
            transit.into_iter().map(Stop::reported).collect(),
            destination.map(Stop::reported),
            exploitation.map(Stop::reported),
        );
        match built {
            Ok(j) => {
                let rows: Vec<(StopRole, Stop)> = j.stops().map(|(r, s)| (r, s.clone())).collect();
                prop_assert_eq!(rows[0].0, StopRole::Origin);
                prop_assert_eq!(Journey::from_stops(rows).unwrap(), j);
            }
            Err(e) => prop_assert_eq!(e, vjt_domain::JourneyError::NoEndPoint),
        }
    }

    #[test]
    fn months_print_as_they_parse(year in 1900u16..=2200, month in 1u8..=12) {
        let ym = YearMonth::new(year, month).unwrap();
        prop_assert_eq!(YearMonth::parse(&ym.to_string()).unwrap(), ym);
        let mut pushed = String::from("from ");
        ym.push_to(&mut pushed);
        prop_assert_eq!(pushed, format!("from {year:04}-{month:02}"));
    }
}
