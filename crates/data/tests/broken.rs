//! Broken datasets: each kind of problem, the exact `file:line: message` it gives,
//! and a dataset with many problems that reports them all at once.

use expect_test::{Expect, expect};

const DOCUMENTS: &str = r#"[[document]]
slug = "doc"
title = "A document"
"#;

const THEMES: &str = r#"[[theme]]
slug = "child-labour"
name = "Child labour"
"#;

const ORGANISATIONS: &str = r#"[[organisation]]
slug = "japan"
name = "Government of Japan"
kind = "GOVERNMENT"
country = "JP"
source = { document = "doc", section = "1" }

[[organisation]]
slug = "ilo"
name = "International Labour Organization"
kind = "UN_AGENCY"
source = { document = "doc" }
"#;

const PROGRAMMES: &str = r#"[[programme]]
slug = "fund"
name = "A fund"
modality = "TRUST_FUND"
start = "1999"
participants = [{ organisation = "japan", role = "FUNDING" }]
source = { document = "doc" }
"#;

const PROJECTS: &str = r#"[[project]]
slug = "p"
title = "A project"
countries = ["KH", "VN"]
start = "2003"
end = "2006"
budget = { amount = "1200000", currency = "USD", text = "US$ 1.2 million" }
programme = "fund"
themes = ["child-labour"]
participants = [{ organisation = "ilo", role = "IMPLEMENTING" }]
source = { document = "doc" }

[[project.activity]]
description = "Awareness-raising"
"#;

const CONTRIBUTIONS: &str = r#"[[contribution]]
slug = "c"
from = "japan"
to = { project = "p" }
kind = "GRANT"
amount = { amount = "500000", currency = "USD" }
date = "2006"
source = { document = "doc" }
"#;

/// Loads the sound base dataset with some files replaced, and compares every
/// problem reported with `expected` (or "ok" when it loads).
fn check(replace: &[(&str, &str)], expected: Expect) {
    let dir = tempfile::tempdir().unwrap();
    let base = [
        ("documents.toml", DOCUMENTS),
        ("themes.toml", THEMES),
        ("organisations.toml", ORGANISATIONS),
        ("programmes.toml", PROGRAMMES),
        ("projects.toml", PROJECTS),
        ("contributions.toml", CONTRIBUTIONS),
    ];
    for (name, text) in base {
        let text = replace
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(text, |(_, t)| t);
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    for (name, text) in replace {
        if !base.iter().any(|(n, _)| n == name) {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    }
    let actual = match coopgraph_data::load(dir.path()) {
        Ok(store) if store.warnings().is_empty() => "ok".to_owned(),
        Ok(store) => {
            let warnings: Vec<_> = store.warnings().iter().map(|w| w.to_string()).collect();
            format!("ok\n{}", warnings.join("\n"))
                .replace(&format!("{}/", dir.path().display()), "data/")
        }
        Err(problems) => problems
            .to_string()
            .replace(&format!("{}/", dir.path().display()), "data/"),
    };
    expected.assert_eq(&actual);
}

#[test]
fn base_dataset_is_sound() {
    check(&[], expect!["ok"]);
}

#[test]
fn syntax_error() {
    let text = ORGANISATIONS.replace(r#"name = "International"#, r#"name = International"#);
    check(
        &[("organisations.toml", &text)],
        expect![[r#"data/organisations.toml:10: missing opening quote, expected `"`"#]],
    );
}

#[test]
fn unknown_field() {
    let text = ORGANISATIONS.replace("country = \"JP\"", "country = \"JP\"\ncolour = \"red\"");
    check(
        &[("organisations.toml", &text)],
        expect![
            "data/organisations.toml:6: unknown field `colour`, expected one of `slug`, `name`, `acronym`, `kind`, `iati_ref`, `parent`, `country`, `former_names`, `description`, `source`"
        ],
    );
}

#[test]
fn missing_field() {
    let text = ORGANISATIONS.replace("name = \"Government of Japan\"\n", "");
    check(
        &[("organisations.toml", &text)],
        expect!["data/organisations.toml:1: missing field `name`"],
    );
}

#[test]
fn unknown_top_level_key_and_file() {
    check(
        &[
            ("themes.toml", "[[them]]\nslug = \"x\"\nname = \"X\"\n"),
            ("contribution.toml", ""),
        ],
        expect![[r#"
            data/contribution.toml: unknown data file; expected one of documents.toml, themes.toml, organisations.toml, programmes.toml, projects.toml, contributions.toml
            data/projects.toml:9: unknown theme `child-labour`
            data/themes.toml:1: unknown key `them`: this file holds `[[theme]]` tables"#]],
    );
}

#[test]
fn dangling_reference() {
    let text = PROJECTS.replace("programme = \"fund\"", "programme = \"fnud\"");
    check(
        &[("projects.toml", &text)],
        expect![[r#"
            data/projects.toml:8: unknown programme `fnud`"#]],
    );
}

#[test]
fn duplicate_slug() {
    let text = format!(
        "{ORGANISATIONS}\n[[organisation]]\nslug = \"ilo\"\nname = \"Again\"\nkind = \"OTHER\"\nsource = {{ document = \"doc\" }}\n"
    );
    check(
        &[("organisations.toml", &text)],
        expect![[r#"
            data/organisations.toml:15: duplicate organisation slug `ilo`: first defined at line 9"#]],
    );
}

#[test]
fn invalid_slug() {
    let text = CONTRIBUTIONS.replace("slug = \"c\"", "slug = \"Japan Grant\"");
    check(
        &[("contributions.toml", &text)],
        expect![[r#"
            data/contributions.toml:2: invalid slug `Japan Grant`: use 1 to 80 lowercase letters, digits and single hyphens, not at either end"#]],
    );
}

#[test]
fn negative_amount() {
    let text = CONTRIBUTIONS.replace("\"500000\"", "\"-500000\"");
    check(
        &[("contributions.toml", &text)],
        expect![[r#"
            data/contributions.toml:6: negative amount `-500000`: amounts of money are never negative"#]],
    );
}

#[test]
fn end_before_start() {
    let text = PROJECTS.replace("end = \"2006\"", "end = \"2002-12\"");
    check(
        &[("projects.toml", &text)],
        expect![[r#"
            data/projects.toml:6: period ends (2002-12) before it starts (2003)"#]],
    );
}

#[test]
fn unknown_country_and_currency() {
    let text = PROJECTS
        .replace("\"VN\"", "\"XX\"")
        .replace("\"USD\"", "\"US$\"");
    check(
        &[("projects.toml", &text)],
        expect![[r#"
            data/projects.toml:4: unknown country code `XX`: expected an ISO 3166-1 alpha-2 code such as `JP`
            data/projects.toml:7: unknown currency `US$`: expected an ISO 4217 code such as `USD`"#]],
    );
}

#[test]
fn invalid_date_and_enum() {
    let text = PROJECTS.replace("start = \"2003\"", "start = \"2003-13\"");
    let orgs = ORGANISATIONS.replace("\"UN_AGENCY\"", "\"un-agency\"");
    check(
        &[("projects.toml", &text), ("organisations.toml", &orgs)],
        expect![[r#"
            data/organisations.toml:11: unknown organisation kind `un-agency`; expected one of GOVERNMENT, GOVERNMENT_AGENCY, WORKERS_ORGANISATION, EMPLOYERS_ORGANISATION, RESEARCH_INSTITUTE, COOPERATIVE, PRIVATE_SECTOR, UN_AGENCY, TRUST_FUND, LOCAL_GOVERNMENT, PUBLIC_SECTOR, NGO, PUBLIC_PRIVATE_PARTNERSHIP, MULTILATERAL, FOUNDATION, OTHER
            data/projects.toml:5: invalid date `2003-13`: expected YYYY, YYYY-MM or YYYY-MM-DD naming a real day"#]],
    );
}

#[test]
fn own_ancestor() {
    let text = ORGANISATIONS
        .replace("country = \"JP\"", "country = \"JP\"\nparent = \"ilo\"")
        .replace(
            "kind = \"UN_AGENCY\"",
            "kind = \"UN_AGENCY\"\nparent = \"japan\"",
        );
    check(
        &[("organisations.toml", &text)],
        expect![[r#"
            data/organisations.toml:1: `japan` is its own ancestor: japan → ilo → japan
            data/organisations.toml:9: `ilo` is its own ancestor: ilo → japan → ilo"#]],
    );
}

#[test]
fn place_outside_project_countries_and_bad_recipient() {
    let text = PROJECTS.replace(
        "countries = [\"KH\", \"VN\"]",
        "countries = [\"KH\", \"KH\"]\nplaces = [{ name = \"Hanoi\", country = \"VN\" }]",
    );
    let contributions = CONTRIBUTIONS.replace(
        "{ project = \"p\" }",
        "{ project = \"p\", organisation = \"ilo\" }",
    );
    check(
        &[
            ("projects.toml", &text),
            ("contributions.toml", &contributions),
        ],
        expect![[r#"
            data/contributions.toml:4: `to` names exactly one of `organisation`, `programme` or `project`
            data/projects.toml:4: country `KH` is listed twice"#]],
    );
}

#[test]
fn many_problems_at_once() {
    let orgs = ORGANISATIONS.replace("country = \"JP\"", "country = \"JA\"");
    let projects = PROJECTS
        .replace("end = \"2006\"", "end = \"2001\"")
        .replace("themes = [\"child-labour\"]", "themes = [\"child-labor\"]");
    let contributions = CONTRIBUTIONS
        .replace("from = \"japan\"", "from = \"nippon\"")
        .replace("\"500000\"", "\"-1\"")
        .replace("kind = \"GRANT\"", "kind = \"GIFT\"");
    check(
        &[
            ("organisations.toml", &orgs),
            ("projects.toml", &projects),
            ("contributions.toml", &contributions),
        ],
        expect![[r#"
            data/contributions.toml:3: unknown organisation `nippon`
            data/contributions.toml:5: unknown contribution kind `GIFT`; expected one of ASSESSED, VOLUNTARY, EXTRA_BUDGETARY, DONATION, GRANT, PLEDGE, INCOMING_FUNDS, OUTGOING_COMMITMENT, DISBURSEMENT, EXPENDITURE, INTEREST_PAYMENT, LOAN_REPAYMENT, REIMBURSEMENT, PURCHASE_OF_EQUITY, SALE_OF_EQUITY, CREDIT_GUARANTEE, INCOMING_COMMITMENT, INCOMING_PLEDGE, OUTGOING_PLEDGE
            data/contributions.toml:6: negative amount `-1`: amounts of money are never negative
            data/organisations.toml:5: unknown country code `JA`: expected an ISO 3166-1 alpha-2 code such as `JP`
            data/projects.toml:6: period ends (2001) before it starts (2003)
            data/projects.toml:9: unknown theme `child-labor`"#]],
    );
}

#[test]
fn missing_directory() {
    let problems =
        coopgraph_data::load(std::path::Path::new("/nonexistent/coopgraph")).unwrap_err();
    assert_eq!(problems.0.len(), 1);
    assert!(
        problems
            .to_string()
            .starts_with("/nonexistent/coopgraph: cannot read the data directory")
    );
}

/// A dataset larger than a batch of records: problems far apart in a big file are
/// all found, with their lines, and a duplicate is caught across batches.
#[test]
fn problems_in_a_big_file_are_found_across_batches() {
    let dir = tempfile::tempdir().unwrap();
    coopgraph_data::generate(13_000, 3, dir.path()).unwrap();
    let path = dir.path().join("projects.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    let lines_before = text.lines().count();
    text.push_str("\n[[project]]\nslug = \"project-0\"\ntitle = \"Again\"\nsource = { document = \"synthetic\" }\n");
    std::fs::write(&path, &text).unwrap();
    let problems = coopgraph_data::load(dir.path()).unwrap_err().to_string();
    let first = text
        .lines()
        .position(|l| l == "slug = \"project-0\"")
        .unwrap()
        + 1;
    assert!(
        problems.ends_with(&format!(
            "projects.toml:{}: duplicate project slug `project-0`: first defined at line {first}",
            lines_before + 3
        )),
        "{problems}"
    );

    // A syntax error in the last record: only the syntax error is reported.
    text.push_str("[[project]]\nslug = \n");
    std::fs::write(&path, &text).unwrap();
    let problems = coopgraph_data::load(dir.path()).unwrap_err();
    assert_eq!(problems.0.len(), 1, "{problems}");
    assert_eq!(problems.0[0].line, Some(lines_before + 7), "{problems}");
}

#[test]
fn bytes_that_are_not_utf8_are_a_problem_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    for entry in std::fs::read_dir(&data).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    let path = dir.path().join("projects.toml");
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.windows(5).position(|w| w == b"title").unwrap();
    bytes[at] = 0xFF;
    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    std::fs::write(&path, bytes).unwrap();
    let problems = coopgraph_data::load(dir.path()).unwrap_err();
    assert_eq!(problems.0.len(), 1, "{problems}");
    assert_eq!(problems.0[0].line, Some(line));
    assert!(problems.0[0].message.contains("UTF-8"), "{problems}");
}

const RATES_HEADER: &str = "Date,Rate,Currency,Frequency,Source,Country code,Country\r\n";

#[test]
fn rates_files_are_checked_row_by_row() {
    let rows = [
        "2008-12-31,1.08309,CHF,A,IMF,CH,Switzerland",
        "2008-12-31,1.08309,CHF,A,IMF,LI,\"Liechtenstein, Principality of\"",
        "2008-12-31,1.1,CHF,A,IMF,CH,Switzerland",
        "2008-12-31,0,JPY,A,IMF,JP,Japan",
        "2008-12-31,103.4,yen,A,IMF,JP,Japan",
        "2008-13-31,103.4,JPY,A,IMF,JP,Japan",
        "2008-12-31,1.5,FRF,A,IMF,FR,France",
        "2009-12-31,1.6,FRF,A,IMF,FR,France",
        "2008-12-31,103.4,JPY,Q,IMF,JP,Japan",
    ];
    let text = format!("{RATES_HEADER}{}\r\n", rows.join("\r\n"));
    check(
        &[("rates/imf.csv", &text)],
        expect![[r#"
            data/rates/imf.csv:4: CHF 2008 for CH is given twice with different rates: first at line 2
            data/rates/imf.csv:5: rate `0` is not positive: a rate is units of JPY per US dollar
            data/rates/imf.csv:6: unknown currency `yen`: expected an ISO 4217 code such as `USD`
            data/rates/imf.csv:7: invalid date `2008-13-31`: expected YYYY, YYYY-MM or YYYY-MM-DD naming a real day
            data/rates/imf.csv:8: warning: `FRF` is not a current ISO 4217 currency, which amounts can be in: its 2 row(s) are not used
            data/rates/imf.csv:10: frequency `Q`: only annual rates (`A`) are read"#]],
    );
}

#[test]
fn a_withdrawn_currency_is_a_warning() {
    let text = format!(
        "{RATES_HEADER}2008-12-31,1.08309,CHF,A,IMF,CH,Switzerland\r\n1998-12-31,5.9,FRF,A,IMF,FR,France\r\n"
    );
    check(
        &[("rates/imf.csv", &text)],
        expect![[r#"
        ok
        data/rates/imf.csv:3: warning: `FRF` is not a current ISO 4217 currency, which amounts can be in: its 1 row(s) are not used"#]],
    );
}

#[test]
fn a_rates_file_with_other_columns() {
    check(
        &[("rates/other.csv", "year,currency,rate\n2008,CHF,1.08\n")],
        expect![
            "data/rates/other.csv:1: the columns are year,currency,rate, not the IMF file's Date,Rate,Currency,Frequency,Source,Country code,Country"
        ],
    );
}
