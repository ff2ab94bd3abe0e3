//! Property tests of the domain's parsing rules.

use proptest::prelude::*;
use vjt_domain::text::{edit_distance, fold};
use vjt_domain::{Journey, Stop, StopRole, StopText, YearMonth};

fn stop_text() -> impl Strategy<Value = StopText> {
    "[A-Za-z][A-Za-z ,'-]{0,20}".prop_map(|s| StopText::parse(&s).expect("starts with a letter"))
}

proptest! {
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
    }
}
