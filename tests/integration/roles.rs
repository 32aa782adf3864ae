//! Every role × every command that changes the store: allowed (exit 0) or not permitted (exit 5).
//!
//! The table runs in lifecycle order on one store. Each role a row allows acts on its own copy of the
//! proposal (`e-1`, `e-2`, … by its position among the allowed roles), so that every allowed role
//! succeeds from the same state; the refused roles try first and must change nothing.

use crate::support::{bromsgrove_redditch, Env};

/// The five roles of the contract, by the fixture's actor holding each.
const ADMIN: &str = "admin";
const PM: &str = "jce";
const CLERK: &str = "bdc-clerk";
const AUDITOR: &str = "audit";
const SCHEDULER: &str = "ops";
const ROLES: [&str; 5] = [ADMIN, PM, CLERK, AUDITOR, SCHEDULER];

/// One changing command: its words (`{n}` is the acting role's slot, 1-based) and who may run it.
struct Row {
    args: &'static str,
    allowed: &'static [&'static str],
}

const fn row(args: &'static str, allowed: &'static [&'static str]) -> Row {
    Row { args, allowed }
}

const MANAGERS: &[&str] = &[ADMIN, PM];
const BROMSGROVE: &[&str] = &[ADMIN, CLERK];
const ALL_MEMBERS: &str =
    "bdc-leader,bdc-member-2,bdc-member-3,rbc-leader,rbc-member-2,rbc-member-3";

fn table() -> Vec<Row> {
    vec![
        row(
            "proposal new --id n-{n} --title Payroll --service payroll --lead redditch",
            MANAGERS,
        ),
        row(
            "milestone add a-{n} --title Target --due 2009-01-31",
            MANAGERS,
        ),
        row(
            "milestone add b-{n} --proposal e-{n} --title Team --due 2009-01-31",
            MANAGERS,
        ),
        row(
            "milestone amend m-{n} --due 2009-02-28 --reason holidays",
            MANAGERS,
        ),
        row("milestone complete m-{n}", MANAGERS),
        row(
            "proposal declare-interest d --reason a-relative-applied",
            &[ADMIN, PM, CLERK],
        ),
        row("proposal withdraw x-{n} --reason funding", MANAGERS),
        row("proposal not-pursue y-{n} --reason capacity", MANAGERS),
        row("proposal hold e-{n} --reason grant-funding", MANAGERS),
        row("proposal resume e-{n} --reason funded", MANAGERS),
        row(
            "proposal business-case e-{n} --one-off-cost 15000 --annual-saving 18000",
            MANAGERS,
        ),
        row("proposal advance e-{n} --to business-case", MANAGERS),
        row("proposal advance e-{n} --to consultation", MANAGERS),
        row("consultation open e-{n} --with staff,unison", MANAGERS),
        row(
            "consultation respond e-{n} --party staff --summary content",
            MANAGERS,
        ),
        row("consultation close e-{n}", MANAGERS),
        row(
            "board vote e-{n} --meeting 2008-10-01 --support ALL",
            MANAGERS,
        ),
        row("proposal advance e-{n} --to council-approval", MANAGERS),
        row(
            "council decide e-{n} --council bromsgrove --decision approve",
            BROMSGROVE,
        ),
        row(
            "council decide e-{n} --council redditch --decision approve",
            &[ADMIN],
        ),
        row("proposal advance e-{n} --to monitoring", MANAGERS),
        row("monitor kpi e-{n} --name returns --target 95", MANAGERS),
        row(
            "monitor record e-{n} --name returns --quarter 2008/09-Q3 --value 97",
            MANAGERS,
        ),
        row(
            "monitor saving e-{n} --quarter 2008/09-Q3 --amount 4500 --on 2008-12-31",
            MANAGERS,
        ),
        row(
            "review record e-{n} --kind six-month --council bromsgrove --outcome continue",
            BROMSGROVE,
        ),
        row(
            "review record e-{n} --kind six-month --council redditch --outcome continue",
            &[ADMIN],
        ),
        row("proposal close e-{n} --reason ended", MANAGERS),
        row("partnership amend AMENDED --on 2008-10-02", &[ADMIN]),
    ]
}

fn words(args: &str, slot: usize, amended: &str) -> Vec<String> {
    args.split(' ')
        .map(|w| {
            w.replace("{n}", &slot.to_string())
                .replace("ALL", ALL_MEMBERS)
                .replace("AMENDED", amended)
        })
        .collect()
}

fn run(env: &Env, actor: &str, args: &[String]) -> crate::support::Run {
    let mut all = vec!["--json".to_string()];
    all.extend(args.iter().cloned());
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    env.run_as(actor, &refs)
}

#[test]
fn every_role_times_every_changing_command() {
    let env = Env::bromsgrove_redditch("2008-10-01T10:00:00+01:00");
    let amended = env.path("amended.toml");
    let text = std::fs::read_to_string(bromsgrove_redditch()).unwrap()
        + "\n[[actor]]\nid = \"wyre-clerk\"\nroles = [\"programme-manager\"]\n";
    std::fs::write(&amended, text).unwrap();
    let amended = amended.to_str().unwrap().to_string();

    // The proposals and milestones each slot works on, made by the programme manager.
    let mut written = 1; // the partnership
    let mut setup = vec![
        "proposal new --id d --title Benefits --service benefits --lead bromsgrove".to_string(),
    ];
    for n in 1..=2 {
        for p in ["e", "x", "y"] {
            setup.push(format!(
                "proposal new --id {p}-{n} --title Elections --service elections --lead bromsgrove"
            ));
        }
        setup.push(format!(
            "milestone add m-{n} --title Phase --due 2008-12-31"
        ));
    }
    for line in &setup {
        run(&env, PM, &words(line, 0, &amended)).ok();
        written += 1;
    }

    let mut table_checked = 0;
    for row in table() {
        let denied: Vec<&str> = ROLES
            .iter()
            .copied()
            .filter(|r| !row.allowed.contains(r))
            .collect();
        for actor in denied {
            let r = run(&env, actor, &words(row.args, 1, &amended));
            r.expect_code(5);
            assert_eq!(
                r.error_json()["error"]["kind"],
                "not-permitted",
                "{actor}: {}",
                row.args
            );
            table_checked += 1;
        }
        for (i, actor) in row.allowed.iter().enumerate() {
            let r = run(&env, actor, &words(row.args, i + 1, &amended));
            assert_eq!(r.code, 0, "{actor} may run `{}`:\n{}", row.args, r.stderr);
            written += 1;
            table_checked += 1;
        }
        // The second slot's redditch decision is the redditch clerk's to record.
        if row
            .args
            .starts_with("council decide e-{n} --council redditch")
        {
            run(&env, "rbc-clerk", &words(row.args, 2, &amended)).ok();
            written += 1;
        }
        if row
            .args
            .starts_with("review record e-{n} --kind six-month --council redditch")
        {
            run(&env, "rbc-clerk", &words(row.args, 2, &amended)).ok();
            written += 1;
        }
    }
    assert_eq!(table_checked, table().len() * ROLES.len());

    // Refusals wrote nothing: the log holds exactly the successes.
    let verify = env.json_as(AUDITOR, &["audit", "verify"]);
    assert_eq!(verify["events"], written);
    // And both slots ended in the same place.
    for n in 1..=2 {
        let shown = env.json_as(AUDITOR, &["proposal", "show", &format!("e-{n}")]);
        assert_eq!(shown["stage"], "closed");
    }
    // The amendment added an actor from 2 October 2008.
    env.json_as("wyre-clerk", &["proposal", "show", "e-1"]);
}

#[test]
fn a_recused_actor_of_any_role_may_no_longer_change_that_proposal() {
    let env = Env::bromsgrove_redditch("2008-10-01T10:00:00+01:00");
    env.json_as(
        PM,
        &[
            "proposal",
            "new",
            "--title",
            "Elections",
            "--service",
            "elections",
            "--lead",
            "bromsgrove",
        ],
    );
    env.json_as(
        ADMIN,
        &[
            "proposal",
            "declare-interest",
            "elections",
            "--reason",
            "a relative applied",
        ],
    );
    let r = env.run_as(
        ADMIN,
        &[
            "--json",
            "proposal",
            "advance",
            "elections",
            "--to",
            "business-case",
        ],
    );
    r.expect_code(5);
    assert!(r.error_json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("declared an interest"));
    // Not permitted comes before a stale version (4) and the rules (3).
    let r = env.run_as(
        ADMIN,
        &[
            "proposal",
            "advance",
            "elections",
            "--to",
            "monitoring",
            "--expect-version",
            "9",
        ],
    );
    r.expect_code(5);
    // Others still may; a stale version is a conflict before the rules are read.
    let r = env.run_as(
        PM,
        &[
            "proposal",
            "advance",
            "elections",
            "--to",
            "monitoring",
            "--expect-version",
            "9",
        ],
    );
    r.expect_code(4);
    env.json_as(
        PM,
        &[
            "proposal",
            "advance",
            "elections",
            "--to",
            "business-case",
            "--expect-version",
            "2",
        ],
    );
}
