//! Money as a finance officer tracks it (issue 22): the 2008 programme's funding (the West
//! Midlands regional efficiency partnership's grant, split equally; funding towards elections,
//! split by its cost shares) and the payroll and elections services' costs and savings over four
//! quarters each, checked council by council to the penny against figures worked out by hand
//! below; budget against actual and payback; and the refusals. On the backend under test.

use crate::support::{bromsgrove_redditch, Env, Run};
use serde_json::Value;

/// The 2008 partnership with a finance officer for each council.
fn partnership_with_finance_officers(env: &Env) -> String {
    let mut text = std::fs::read_to_string(bromsgrove_redditch()).unwrap();
    text += "\n[[actor]]\nid = \"bdc-finance\"\nname = \"Section 151 Officer, Bromsgrove\"\n\
             roles = [\"finance-officer\"]\ncouncil = \"bromsgrove\"\n\
             \n[[actor]]\nid = \"rbc-finance\"\nname = \"Section 151 Officer, Redditch\"\n\
             roles = [\"finance-officer\"]\ncouncil = \"redditch\"\n";
    let path = env.path("partnership.toml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[track_caller]
fn ok(env: &Env, actor: &str, line: &str) -> Run {
    let words: Vec<&str> = line.split(' ').collect();
    let run = env.run_as(actor, &words);
    run.ok();
    run
}

/// Runs `args` as `actor` with `--json`; it must exit `code` with every one of `needles` in its
/// message or details.
#[track_caller]
fn refused(env: &Env, actor: &str, args: &[&str], code: i32, needles: &[&str]) {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let run = env.run_as(actor, &all);
    run.expect_code(code);
    let e = run.error_json();
    let text = format!("{} {}", e["error"]["message"], e["error"]["details"]);
    for needle in needles {
        assert!(text.contains(needle), "{needle:?} missing from: {text}");
    }
}

/// A quick win taken through to go-live on `live` with this business case.
fn go_live(env: &mut Env, id: &str, lead: &str, case: &str, steps_on: &str, live: &str) {
    env.at(&format!("{live}T12:00:00Z"));
    ok(
        env,
        "jce",
        &format!("proposal new --title Shared-{id} --service {id} --lead {lead} --on 2008-09-01"),
    );
    for line in [
        format!("proposal advance {id} --to business-case --on 2008-09-01"),
        format!("proposal business-case {id} {case} --on 2008-09-01"),
        format!("proposal advance {id} --to consultation --on 2008-09-01"),
        format!("consultation open {id} --with staff,unison --on 2008-09-02"),
        format!("consultation close {id} --on {steps_on}"),
        format!("proposal advance {id} --to council-approval --on {steps_on}"),
        format!("board vote {id} --meeting {steps_on} --support bdc-leader,bdc-member-2,rbc-leader,rbc-member-2"),
    ] {
        ok(env, "jce", &line);
    }
    for (clerk, council) in [("bdc-clerk", "bromsgrove"), ("rbc-clerk", "redditch")] {
        ok(
            env,
            clerk,
            &format!("council decide {id} --council {council} --decision approve --on {steps_on}"),
        );
    }
    ok(
        env,
        "jce",
        &format!("proposal advance {id} --to monitoring --on {live}"),
    );
}

/// Payroll (lead Redditch, equal shares of savings and cost, live 1 Oct 2008) and elections (lead
/// Bromsgrove, savings 50/50, cost 60/40, live 2 Mar 2009), four quarters of each; the regional
/// grant to the programme and £3,000 towards elections.
fn programme() -> Env {
    let mut env = Env::new();
    env.at("2008-09-01T09:00:00+01:00");
    let file = partnership_with_finance_officers(&env);
    env.run(&["init", &file]).ok();
    go_live(
        &mut env,
        "payroll",
        "redditch",
        "--one-off-cost 12000.01 --annual-saving 40000",
        "2008-09-12",
        "2008-10-01",
    );
    go_live(
        &mut env,
        "elections",
        "bromsgrove",
        "--one-off-cost 15000 --annual-saving 18000 --share bromsgrove=50 --share redditch=50 --cost-share bromsgrove=60 --cost-share redditch=40",
        "2008-12-10",
        "2009-03-02",
    );
    env.at("2010-01-15T12:00:00Z");
    ok(
        &env,
        "bdc-finance",
        "funding record --source WMRIEP --amount 35000.01 --on 2008-10-15",
    );
    ok(
        &env,
        "rbc-finance",
        "funding record --source Match --amount 3000 --proposal elections --on 2009-04-15",
    );
    for (q, on, saving, one_off, recurring) in [
        ("2008/09-Q3", "2009-01-05", "10000", Some("12000.01"), None),
        ("2008/09-Q4", "2009-04-05", "10000", None, Some("1500")),
        ("2009/10-Q1", "2009-07-05", "10000", None, Some("1500")),
        ("2009/10-Q2", "2009-10-05", "9999.99", None, Some("1500")),
    ] {
        ok(
            &env,
            "jce",
            &format!("monitor saving payroll --quarter {q} --amount {saving} --on {on}"),
        );
        if let Some(a) = one_off {
            ok(&env, "rbc-finance", &format!("monitor cost payroll --quarter {q} --amount {a} --kind one-off --code PAY-01 --paid-by redditch --on {on}"));
        }
        if let Some(a) = recurring {
            ok(
                &env,
                "rbc-finance",
                &format!(
                    "monitor cost payroll --quarter {q} --amount {a} --kind recurring --on {on}"
                ),
            );
        }
    }
    for (q, on, saving, cost) in [
        (
            "2008/09-Q4",
            "2009-04-05",
            "1500",
            Some("--amount 15000 --kind one-off"),
        ),
        (
            "2009/10-Q1",
            "2009-07-05",
            "4500",
            Some("--amount 333.33 --kind recurring"),
        ),
        (
            "2009/10-Q2",
            "2009-10-05",
            "4500",
            Some("--amount 333.33 --kind recurring"),
        ),
        ("2009/10-Q3", "2010-01-05", "4500", None),
    ] {
        ok(
            &env,
            "jce",
            &format!("monitor saving elections --quarter {q} --amount {saving} --on {on}"),
        );
        if let Some(c) = cost {
            ok(
                &env,
                "bdc-finance",
                &format!("monitor cost elections --quarter {q} {c} --on {on}"),
            );
        }
    }
    // The Q2 running cost was understated: corrected, with a reason.
    let run = env.run_as(
        "bdc-finance",
        &[
            "monitor",
            "cost",
            "elections",
            "--quarter",
            "2009/10-Q2",
            "--amount",
            "350",
            "--kind",
            "recurring",
            "--correct",
            "--reason",
            "Printing invoice received late",
            "--on",
            "2009-11-02",
        ],
    );
    run.ok();
    env
}

fn money(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("money is a string: {v}"))
        .to_string()
}

#[test]
fn each_councils_net_position_is_exact_to_the_penny() {
    let env = programme();
    let p = env.json_as("audit", &["funding", "position", "--quarter", "2009/10-Q3"]);
    // By hand. Bromsgrove: savings payroll 5,000 + 5,000 + 5,000 + 4,999.99 (Redditch, the lead,
    // takes the odd penny) and elections 750 + 2,250 × 3 = 27,499.99; one-off payroll 6,000.00
    // (Redditch 6,000.01) and elections 60 % of 15,000 = 9,000; recurring payroll 750 × 3 and
    // elections 200.00 (60 % of 333.33 is 199.998: the penny left goes to the largest
    // remainder) + 210.00 (60 % of the corrected 350) = 2,660.00; funding 17,500.01 (the grant's
    // odd penny to the first council) + 1,800 = 19,300.01. Net 29,140.00.
    // Redditch: 27,500.00 − (6,000.01 + 6,000) − (2,250 + 133.33 + 140) + (17,500 + 1,200) = 31,676.66.
    let expect = [
        (
            "bromsgrove",
            "27499.99",
            "15000.00",
            "2660.00",
            "19300.01",
            "29140.00",
        ),
        (
            "redditch", "27500.00", "12000.01", "2523.33", "18700.00", "31676.66",
        ),
    ];
    for (council, saved, one_off, recurring, funding, net) in expect {
        let s = &p["by_council"][council]["since_go_live"];
        assert_eq!(money(&s["saving"]["actual"]), saved, "{council}");
        assert_eq!(money(&s["one_off_cost"]["actual"]), one_off, "{council}");
        assert_eq!(money(&s["recurring_cost"]), recurring, "{council}");
        assert_eq!(money(&s["funding"]), funding, "{council}");
        assert_eq!(money(&s["net_position"]), net, "{council}");
    }
    assert_eq!(
        money(&p["total"]["since_go_live"]["net_position"]),
        "60816.66"
    );
    // Net cost after funding: every cost less the funding.
    assert_eq!(
        money(&p["by_council"]["bromsgrove"]["since_go_live"]["net_cost"]),
        "-1640.01"
    );
}

#[test]
fn budget_against_actual_and_payback_of_a_proposal() {
    let env = programme();
    let e = env.json_as(
        "audit",
        &[
            "monitor",
            "position",
            "elections",
            "--quarter",
            "2009/10-Q3",
        ],
    );
    // Live from 2008/09-Q4: four quarters expect the whole £18,000; £15,000 was saved.
    let saving = &e["total"]["since_go_live"]["saving"];
    assert_eq!(money(&saving["expected"]), "18000.00");
    assert_eq!(money(&saving["actual"]), "15000.00");
    assert_eq!(money(&saving["variance"]), "-3000.00");
    assert_eq!(saving["variance_percent"], "-16.67");
    let bdc = &e["by_council"]["bromsgrove"]["since_go_live"];
    assert_eq!(money(&bdc["saving"]["expected"]), "9000.00");
    assert_eq!(money(&bdc["one_off_cost"]["expected"]), "9000.00");
    // The year to date (2009/10, three quarters): £13,500 expected and saved; no one-off budget.
    let ytd = &e["total"]["year_to_date"];
    assert_eq!(money(&ytd["saving"]["expected"]), "13500.00");
    assert_eq!(ytd["saving"]["variance_percent"], "0.00");
    assert_eq!(money(&ytd["one_off_cost"]["expected"]), "0.00");
    // Cumulative net: −13,500 (Q4), −6,333.33 (Q1, with the £3,000), −2,183.33 (Q2), +2,316.67.
    assert_eq!(e["total"]["payback"]["status"], "paid-back");
    assert_eq!(e["total"]["payback"]["date"], "2009-12-31");
    // A quarter earlier: 9,816.67 net over three quarters pays the £2,183.33 left in one more.
    let before = env.json_as(
        "audit",
        &[
            "monitor",
            "position",
            "elections",
            "--quarter",
            "2009/10-Q2",
        ],
    );
    assert_eq!(before["total"]["payback"]["status"], "projected");
    assert_eq!(before["total"]["payback"]["date"], "2009-12-31");
    assert_eq!(money(&before["total"]["payback"]["outstanding"]), "2183.33");
    // The text names the payback in words.
    let text = env.run_as(
        "audit",
        &[
            "monitor",
            "position",
            "elections",
            "--quarter",
            "2009/10-Q2",
        ],
    );
    text.ok();
    assert!(
        text.stdout.contains("projected (31 December 2009)"),
        "{}",
        text.stdout
    );
}

#[test]
fn costs_and_funding_are_refused_in_plain_words() {
    let env = programme();
    let cost = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut a = vec![
            "monitor",
            "cost",
            "payroll",
            "--quarter",
            "2009/10-Q2",
            "--kind",
            "one-off",
            "--on",
            "2010-01-10",
        ];
        a.extend_from_slice(extra);
        a
    };
    // Bad amounts: usage (2).
    refused(&env, "jce", &cost(&["--amount", "1e3"]), 2, &["1e3"]);
    refused(&env, "jce", &cost(&["--amount", "-5"]), 2, &["negative"]);
    refused(
        &env,
        "jce",
        &[
            "funding",
            "record",
            "--source",
            "X",
            "--amount",
            "0",
            "--on",
            "2009-01-01",
        ],
        2,
        &["nothing"],
    );
    // Unknown councils: refused (3).
    refused(
        &env,
        "jce",
        &cost(&["--amount", "5", "--paid-by", "wychavon"]),
        3,
        &["wychavon", "not one of payroll's councils"],
    );
    refused(
        &env,
        "jce",
        &[
            "funding",
            "record",
            "--source",
            "X",
            "--amount",
            "5",
            "--share",
            "wychavon=100",
            "--on",
            "2009-01-01",
        ],
        3,
        &[
            "wychavon is not a council of the partnership",
            "bromsgrove has no share",
        ],
    );
    // A finance officer of another council: not permitted (5).
    refused(
        &env,
        "bdc-finance",
        &cost(&["--amount", "5", "--paid-by", "redditch"]),
        5,
        &[
            "bdc-finance",
            "finance-officer of bromsgrove",
            "may not record redditch's costs and funding",
        ],
    );
    // Finance officers record money, not savings.
    refused(
        &env,
        "bdc-finance",
        &[
            "monitor",
            "saving",
            "payroll",
            "--quarter",
            "2009/10-Q3",
            "--amount",
            "5",
            "--on",
            "2010-01-10",
        ],
        5,
        &["may not record performance indicators and savings"],
    );
    // The rules: a second figure needs --correct; a quarter not yet ended.
    refused(
        &env,
        "jce",
        &[
            "monitor",
            "cost",
            "payroll",
            "--quarter",
            "2009/10-Q2",
            "--kind",
            "recurring",
            "--amount",
            "1",
            "--on",
            "2010-01-10",
        ],
        3,
        &["already has a recurring cost of £1,500.00"],
    );
    refused(
        &env,
        "jce",
        &[
            "monitor",
            "cost",
            "payroll",
            "--quarter",
            "2009/10-Q4",
            "--kind",
            "recurring",
            "--amount",
            "1",
            "--on",
            "2010-01-10",
        ],
        3,
        &["has not ended"],
    );
    // Nothing was written by any of them.
    let list = env.json_as("audit", &["funding", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
}

#[test]
fn the_quarterly_and_programme_reports_show_the_money() {
    let env = programme();
    let report = |format: &str| {
        let run = env.run_as(
            "audit",
            &[
                "report",
                "quarterly",
                "--quarter",
                "2009/10-Q3",
                "--council",
                "bromsgrove",
                "--format",
                format,
            ],
        );
        run.ok();
        run.stdout.clone()
    };
    for format in ["md", "html"] {
        let text = report(format);
        assert!(
            text.contains("Costs, funding and net position for Bromsgrove District Council"),
            "{format}: {text}"
        );
        // The council across the programme since go-live, as it stood on 31 December 2009: the
        // elections saving of 2009/10-Q3 was recorded on 5 January 2010, so 29,140.00 less
        // Bromsgrove's 2,250.00 of it.
        assert!(text.contains("£26,890.00"), "{format}: {text}");
        // Bromsgrove's part of elections: −2,360.00 to pay back at 4,840.00 over four quarters.
        assert!(
            text.contains("elections: projected (30 June 2010)"),
            "{format}: {text}"
        );
        assert!(
            text.contains("payroll: paid back (31 March 2009)"),
            "{format}: {text}"
        );
        // Costs recorded in 2009/10-Q3 are 2009/10-Q2's: elections' corrected running cost,
        // Bromsgrove's 60 % of £350.
        assert!(text.contains("Costs recorded in 2009"), "{format}: {text}");
    }
    let md = report("md");
    assert!(md.contains("| elections | 2009/10-Q2 | recurring | — | £350.00 | £210.00 | — | corrects £333.33: Printing invoice received late |"), "{md}");
    assert!(
        md.contains("| payroll | 2009/10-Q2 | recurring | — | £1,500.00 | £750.00 | — | — |"),
        "{md}"
    );
    // The PDF is laid out from the text template, which renders the section too.
    let pdf = env.path("q3.pdf");
    let out = [
        "report",
        "quarterly",
        "--quarter",
        "2009/10-Q3",
        "--council",
        "bromsgrove",
        "--format",
        "pdf",
        "--out",
    ];
    let mut args = out.to_vec();
    args.push(pdf.to_str().unwrap());
    env.run_as("audit", &args).ok();
    assert!(std::fs::metadata(&pdf).unwrap().len() > 1000);
    let json = env.json_as(
        "audit",
        &[
            "report",
            "quarterly",
            "--quarter",
            "2009/10-Q3",
            "--council",
            "redditch",
        ],
    );
    assert_eq!(
        json["finance"]["council"]["since_go_live"]["net_position"],
        "29426.66"
    );
    // The programme, cut the same way: every council, with the same figures.
    let p = env.json_as("audit", &["report", "programme", "--quarter", "2009/10-Q3"]);
    assert_eq!(
        p["programme"]["total"]["since_go_live"]["net_position"],
        "56316.66"
    );
    assert_eq!(
        p["programme"]["by_council"]["bromsgrove"]["since_go_live"]["net_position"],
        "26890.00"
    );
    assert_eq!(
        p["programme"]["by_council"]["redditch"]["since_go_live"]["net_position"],
        "29426.66"
    );
    let md = env.run_as("audit", &["report", "programme", "--quarter", "2009/10-Q3"]);
    md.ok();
    assert!(
        md.stdout
            .contains("| The programme, all councils | since go-live |"),
        "{}",
        md.stdout
    );
    assert!(md.stdout.contains("£56,316.66"), "{}", md.stdout);
    // As known before the funding was recorded (seq 24), the programme had none.
    let before = env.json_as(
        "audit",
        &[
            "report",
            "programme",
            "--quarter",
            "2009/10-Q3",
            "--known-at",
            "seq:23",
        ],
    );
    assert_eq!(
        before["programme"]["total"]["since_go_live"]["funding"],
        "0.00"
    );
}

#[test]
fn a_finance_officer_is_bound_to_a_council() {
    let mut env = Env::new();
    env.at("2008-09-01T09:00:00+01:00");
    let mut text = std::fs::read_to_string(bromsgrove_redditch()).unwrap();
    text += "\n[[actor]]\nid = \"s151\"\nroles = [\"finance-officer\"]\n";
    let path = env.path("partnership.toml");
    std::fs::write(&path, text).unwrap();
    let run = env.run(&["init", path.to_str().unwrap()]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("\"s151\" is a finance-officer without a council"),
        "{}",
        run.stderr
    );
}
