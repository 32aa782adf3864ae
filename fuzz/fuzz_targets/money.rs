//! Fuzzes money and percentages as the command line reads them (`--one-off-cost`, `--share`,
//! `--amount`), and apportionment: parsing never panics; what parses prints (plainly and as
//! `pounds`) and parses back to itself; shares that sum to 100 % split any parsed sum so the parts sum exactly to the whole.
//!
//! Input: text fields separated by `\n`: a sum, then percentages (one per council).

#![no_main]

use engine::FailureKind;
use libfuzzer_sys::fuzz_target;
use workflows::money::{apportion, apportion_equally, pounds, Money, Percent, WHOLE};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut fields = text.split('\n');
    let total = fields.next().unwrap_or_default();
    let total = match Money::parse(total) {
        Ok(m) => {
            assert_eq!(Money::parse(&m.to_string()).ok(), Some(m), "{m} round trip");
            // The command line's amount accepts exactly the non-negative sums.
            let amount = total.parse::<workflows::ops::input::Amount>();
            assert_eq!(amount.is_ok(), m.pence >= 0, "{total:?} as an amount");
            // What the reports print (`£1,500.00`, `-£5.00`) reads back as itself.
            assert_eq!(Money::parse(&pounds(m)).ok(), Some(m), "{m} as pounds");
            Some(m)
        }
        Err(e) => {
            assert_eq!(e.kind, FailureKind::Usage);
            None
        }
    };
    let mut shares = Vec::new();
    for (i, field) in fields.take(16).enumerate() {
        match Percent::parse(field) {
            Ok(p) => {
                assert!(p.hundredths <= WHOLE.hundredths, "{field:?} is over 100 %");
                assert_eq!(
                    Percent::parse(&p.to_string()).ok(),
                    Some(p),
                    "{p} round trip"
                );
                shares.push((format!("c{i}"), p));
            }
            Err(e) => assert_eq!(e.kind, FailureKind::Usage),
        }
    }
    let Some(total) = total else {
        return;
    };
    if !shares.is_empty() {
        let names: Vec<String> = shares.iter().map(|(c, _)| c.clone()).collect();
        let lead = names[total.pence.unsigned_abs() as usize % names.len()].clone();
        let parts = apportion_equally(total, &names, &lead);
        assert_eq!(
            parts.iter().map(|(_, m)| i128::from(m.pence)).sum::<i128>(),
            i128::from(total.pence)
        );
        let split = Percent::equal_split(names.len());
        assert_eq!(
            split.iter().map(|p| p.hundredths).sum::<u32>(),
            WHOLE.hundredths
        );
        let sum: u32 = shares.iter().map(|(_, p)| p.hundredths).sum();
        if sum == WHOLE.hundredths {
            let parts = apportion(total, &shares, &lead);
            assert_eq!(parts.len(), shares.len());
            assert_eq!(
                parts.iter().map(|(_, m)| i128::from(m.pence)).sum::<i128>(),
                i128::from(total.pence),
                "the parts of {total} do not sum to the whole"
            );
            for ((_, share), (_, part)) in shares.iter().zip(&parts) {
                let exact = i128::from(total.pence.unsigned_abs()) * i128::from(share.hundredths);
                let got = i128::from(part.pence.unsigned_abs());
                assert!(
                    got == exact / 10_000 || got == exact / 10_000 + 1,
                    "a part is off by more than a penny"
                );
            }
        }
    }
});
