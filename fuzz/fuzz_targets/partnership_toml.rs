//! Fuzzes the partnership file's parser and validation (`concordat init`, `partnership amend`): any
//! text must give a partnership or a usage error, never a panic; an accepted partnership must answer
//! the questions the rest of the program asks of it, and written back as TOML it must parse again
//! to the same partnership.

#![no_main]

use engine::FailureKind;
use libfuzzer_sys::fuzz_target;
use workflows::partnership::Partnership;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Partnership::from_toml(text) {
        Err(e) => assert_eq!(e.kind, FailureKind::Usage, "{e}"),
        Ok(p) => {
            let _ = p.tz();
            let _ = p.year_start();
            for id in p.council_ids() {
                assert!(p.council(&id).is_some());
            }
            for member in p.councils.iter().flat_map(|c| c.board.iter()) {
                assert!(p.council_of_member(member).is_some());
            }
            let written = toml::to_string(&p).expect("an accepted partnership serialises");
            let again = Partnership::from_toml(&written)
                .unwrap_or_else(|e| panic!("written back, it no longer parses: {e}\n{written}"));
            assert_eq!(again, p, "written back, it parses to another partnership");
        }
    }
});
