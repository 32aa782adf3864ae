use super::decide::{decide_add, decide_close, decide_update, NewRisk, RiskChanges, RiskDraft};
use super::top::{top, TOP_COUNT};
use super::*;
use crate::partnership::Partnership;
use engine::{NewEvent, ZERO_HASH};
use jiff::civil::date;
use proptest::prelude::*;

fn partnership() -> Partnership {
    let toml = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/bromsgrove-redditch.toml"
    ))
    .unwrap();
    Partnership::from_toml(&toml).unwrap()
}

fn rating(n: u8) -> Rating {
    Rating::new(n).unwrap()
}

fn seal(seq: u64, draft: RiskDraft, on: &str) -> Event {
    Event::seal(
        NewEvent {
            stream: "risk-1".into(),
            kind: draft.kind.into(),
            actor: "jce".into(),
            effective_on: on.into(),
            data: draft.data,
        },
        seq,
        seq,
        format!("{on}T18:00:00+00:00"),
        ZERO_HASH.into(),
    )
}

fn staff_access() -> NewRisk {
    NewRisk {
        title: "Election staff lose access during the move".into(),
        likelihood: rating(4),
        impact: rating(4),
        owner: "jce".into(),
        mitigation: "Both offices keep their registers until the move is tested".into(),
        review: date(2009, 1, 15),
    }
}

#[test]
fn a_risk_is_added_updated_and_closed_with_its_history() {
    let p = partnership();
    let added = seal(
        1,
        decide_add("risk-1", &staff_access(), None, &p, date(2008, 12, 1)).unwrap(),
        "2008-12-01",
    );
    let risk = Risk::fold(&[&added]).unwrap().unwrap();
    assert_eq!((risk.score, risk.review), (16, date(2009, 1, 15)));
    let lower = RiskChanges {
        likelihood: Some(rating(2)),
        review: Some(date(2009, 4, 15)),
        reason: Some("the move was tested".into()),
        ..RiskChanges::default()
    };
    let draft = decide_update(&risk, &lower, &p, date(2009, 1, 15)).unwrap();
    assert_eq!(
        draft.data["changed"],
        serde_json::json!(["likelihood", "review"])
    );
    assert_eq!(draft.data["previous_score"], 16);
    let updated = seal(2, draft, "2009-01-15");
    let risk = Risk::fold(&[&added, &updated]).unwrap().unwrap();
    assert_eq!((risk.score, risk.version), (8, 2));
    let closed = seal(
        3,
        decide_close(&risk, "moved", date(2009, 4, 15)).unwrap(),
        "2009-04-15",
    );
    let risk = Risk::fold(&[&added, &updated, &closed]).unwrap().unwrap();
    assert_eq!(risk.status, Status::Closed);
    let scores: Vec<u8> = risk.history.iter().map(|h| h.score).collect();
    assert_eq!(scores, [16, 8, 8]);
    assert!(decide_close(&risk, "again", date(2009, 5, 1)).is_err());
    assert!(decide_update(&risk, &lower, &p, date(2009, 5, 1)).is_err());
}

#[test]
fn refusals_say_what_was_wrong() {
    let p = partnership();
    let mut new = staff_access();
    new.owner = "nobody".into();
    let e = decide_add("risk-1", &new, None, &p, date(2008, 12, 1)).unwrap_err();
    assert_eq!(e.kind, engine::FailureKind::Refused);
    assert!(e.message.contains("not an actor"), "{}", e.message);
    let mut late = staff_access();
    late.review = date(2008, 11, 30);
    assert!(decide_add("risk-1", &late, None, &p, date(2008, 12, 1)).is_err());
    let added = seal(
        1,
        decide_add("risk-1", &staff_access(), None, &p, date(2008, 12, 1)).unwrap(),
        "2008-12-01",
    );
    let risk = Risk::fold(&[&added]).unwrap().unwrap();
    let same = RiskChanges {
        likelihood: Some(rating(4)),
        ..RiskChanges::default()
    };
    assert!(
        decide_update(&risk, &same, &p, date(2008, 12, 2)).is_err(),
        "changes nothing"
    );
    let earlier = RiskChanges {
        impact: Some(rating(1)),
        ..RiskChanges::default()
    };
    assert!(
        decide_update(&risk, &earlier, &p, date(2008, 11, 30)).is_err(),
        "dated before"
    );
}

#[test]
fn ratings_are_one_to_five() {
    assert_eq!("5".parse::<Rating>().unwrap().get(), 5);
    for bad in ["0", "6", "-1", "three", "2.5"] {
        assert_eq!(
            bad.parse::<Rating>().unwrap_err().kind,
            engine::FailureKind::Usage
        );
    }
    assert!(serde_json::from_value::<Rating>(serde_json::json!(6)).is_err());
}

fn risk_scoring(n: usize, likelihood: u8, impact: u8, open: bool) -> Risk {
    Risk {
        id: nth_id(n),
        title: format!("risk {n}"),
        proposal: None,
        likelihood: rating(likelihood),
        impact: rating(impact),
        score: score(rating(likelihood), rating(impact)),
        owner: "jce".into(),
        mitigation: String::new(),
        review: date(2009, 1, 1),
        status: if open { Status::Open } else { Status::Closed },
        added_on: date(2008, 9, 1),
        last_on: date(2008, 9, 1),
        version: 1,
        history: Vec::new(),
    }
}

#[test]
fn top_risks_are_those_of_15_or_more_and_at_least_the_five_highest() {
    let few: Vec<Risk> = (1..=3).map(|n| risk_scoring(n, 2, 2, true)).collect();
    assert_eq!(top(&few).len(), 3, "fewer than five: all of them");
    let mut many: Vec<Risk> = (1..=8)
        .map(|n| risk_scoring(n, 5, 3 + (n % 3) as u8, true))
        .collect();
    many.push(risk_scoring(9, 1, 1, true));
    many.push(risk_scoring(10, 5, 5, false));
    let chosen = top(&many);
    assert_eq!(chosen.len(), 8, "every open one of 15 or more");
    assert!(chosen.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(chosen.iter().all(|r| r.is_open()));
    let low: Vec<Risk> = (1..=12)
        .map(|n| risk_scoring(n, 1, 1 + (n % 5) as u8, true))
        .collect();
    assert_eq!(top(&low).len(), TOP_COUNT);
    assert_eq!(top(&low)[0].impact.get(), 5);
}

proptest! {
    /// A score is likelihood × impact, from 1 to 25, and rises with either rating.
    #[test]
    fn scores(l in 1u8..=5, i in 1u8..=5) {
        let s = score(rating(l), rating(i));
        prop_assert_eq!(s, l * i);
        prop_assert!((1..=25).contains(&s));
        if l < 5 { prop_assert!(score(rating(l + 1), rating(i)) > s); }
        if i < 5 { prop_assert!(score(rating(l), rating(i + 1)) > s); }
    }

    /// The top risks always include every open risk of 15 or more and never fewer than five
    /// (or all, when fewer are open), highest first.
    #[test]
    fn top_risks(ratings in proptest::collection::vec((1u8..=5, 1u8..=5, any::<bool>()), 0..20)) {
        let risks: Vec<Risk> = ratings.iter().enumerate()
            .map(|(n, (l, i, open))| risk_scoring(n + 1, *l, *i, *open)).collect();
        let chosen = top(&risks);
        let open = risks.iter().filter(|r| r.is_open()).count();
        let high = risks.iter().filter(|r| r.is_open() && r.score >= 15).count();
        prop_assert_eq!(chosen.len(), high.max(open.min(TOP_COUNT)));
        prop_assert!(chosen.windows(2).all(|w| w[0].score >= w[1].score));
    }
}
