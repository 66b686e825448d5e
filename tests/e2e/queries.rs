use expect_test::expect_file;
use serde_json::json;

use crate::{pretty, spawn_app};

#[tokio::test]
async fn nested_donor_query() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{
              donors(first: 20) {
                totalCount
                nodes {
                  slug name kind
                  programmes(role: FUNDING, first: 10) {
                    nodes {
                      slug modality
                      projects(first: 10) {
                        totalCount
                        nodes {
                          slug
                          budget { amount currency approximate text }
                          period { start end }
                          countries { code name }
                          activities(first: 10) { totalCount nodes { position description } }
                        }
                      }
                    }
                  }
                }
              }
            }"#,
            json!({}),
        )
        .await;
    expect_file!["snapshots/nested_donors.json"].assert_eq(&pretty(&data));
}

#[tokio::test]
async fn every_filter() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"query ($year: Int!) {
              byRole: organisations(filter: { role: [EXTENDING] }) { nodes { slug } }
              byKind: organisations(filter: { kind: [WORKERS_ORGANISATION, COOPERATIVE] }) { nodes { slug } }
              byCountry: organisations(filter: { country: ["ID"] }) { nodes { slug } }
              byText: organisations(filter: { text: "labour" }, orderBy: { field: SLUG, direction: DESC }) { nodes { slug } }
              donorsInJapan: donors(filter: { country: ["JP"], kind: [GOVERNMENT_AGENCY, GOVERNMENT] }) { nodes { slug } }
              programmesByDonor: programmes(filter: { donor: ["mhlw"] }) { nodes { slug } }
              programmesByModality: programmes(filter: { modality: [TRUST_FUND, EMERGENCY_GRANT] }) { nodes { slug } }
              programmesByText: programmes(filter: { text: "skills" }) { nodes { slug } }
              projectsByDonor: projects(filter: { donor: ["jtuc-rengo", "aeon"] }) { nodes { slug } }
              projectsByProgramme: projects(filter: { programme: ["ipec"] }) { nodes { slug } }
              projectsByImplementer: projects(filter: { implementer: ["undp"] }) { nodes { slug } }
              projectsByCountry: projects(filter: { country: ["TH", "TL"] }, orderBy: { field: START }) { nodes { slug } }
              projectsByTheme: projects(filter: { theme: ["human-trafficking"] }) { nodes { slug } }
              projectsActiveIn: projects(filter: { activeIn: $year }) { nodes { slug } }
              projectsAnd: projects(filter: { country: ["ID"], activeIn: 2009 }) { nodes { slug } }
              projectsByText: projects(filter: { text: "Chiangrai" }) { nodes { slug } }
              projectsByActivityText: projects(filter: { text: "self-help groups" }) { nodes { slug } }
              activitiesByProject: activities(filter: { project: ["rengo-ilo-scream"] }) { nodes { slug position } }
              activitiesByText: activities(filter: { text: "vocational" }) { nodes { slug } }
              contributionsFrom: contributions(filter: { from: ["hca-jccu"] }) { nodes { slug date } }
              contributionsTo: contributions(filter: { to: ["ilo"] }, orderBy: { field: SLUG }) { nodes { slug } }
              contributionsByKind: contributions(filter: { kind: [PLEDGE, GRANT] }) { nodes { slug kind } }
              contributionsInYear: contributions(filter: { year: 2008 }) { nodes { slug } }
            }"#,
            json!({ "year": 2007 }),
        )
        .await;
    expect_file!["snapshots/filters.json"].assert_eq(&pretty(&data));
}

#[tokio::test]
async fn single_records_and_their_links() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{
              organisation(slug: "mhlw") {
                name acronym kind formerNames roles
                parent { slug children { slug } }
                country { code name }
                source { document section quote }
              }
              programme(slug: "skills-ap") {
                acronym predecessor { slug acronym period { start startYear } }
                participants { role organisation { slug } }
                donors { slug }
              }
              project(slug: "tajikistan-rasht-employment-migration") {
                title places { name country { code } } themes { slug name }
                programme { slug } donors { slug } implementers { slug }
                period { start end startYear endYear }
                source { section quote }
              }
              assessed: contributions(filter: { kind: [ASSESSED] }) {
                nodes {
                  slug from { slug } to { __typename ... on Organisation { slug } }
                  amount { amount currency approximate text }
                  equivalent { amount currency approximate text }
                  share date period { start end }
                }
              }
              stage: contributions(filter: { to: ["timor-leste-stage"] }) {
                nodes { to { __typename ... on Project { slug acronym } } channel { slug } }
              }
              country(code: "VN") { name projects { nodes { slug } } }
              countries { code name }
              themes { slug }
            }"#,
            json!({}),
        )
        .await;
    expect_file!["snapshots/records.json"].assert_eq(&pretty(&data));
}

#[tokio::test]
async fn search_ranks_and_ignores_case_and_diacritics() {
    let app = spawn_app().await;
    let query = r#"query ($text: String!) {
      search(text: $text, first: 5) {
        __typename
        ... on Organisation { slug }
        ... on Programme { slug }
        ... on Project { slug }
        ... on Activity { slug }
      }
    }"#;
    let plain = app.data(query, json!({ "text": "viet nam" })).await;
    let accented = app.data(query, json!({ "text": "VIỆT NAM" })).await;
    assert_eq!(plain, accented);
    assert_eq!(
        plain["search"][0]["slug"],
        "trafficking-prevention-cambodia-viet-nam"
    );
    let scream = app.data(query, json!({ "text": "scream" })).await;
    let trafficking = app.data(query, json!({ "text": "trafficking" })).await;
    let nothing = app.data(query, json!({ "text": "zebra" })).await;
    let all =
        json!({ "vietNam": plain, "scream": scream, "trafficking": trafficking, "zebra": nothing });
    expect_file!["snapshots/search.json"].assert_eq(&pretty(&all));
}

#[tokio::test]
async fn funding_summary_by_every_grouping() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"fragment Row on FundingSummaryRow { key label projectCount recordCount totals { amount currency approximate } }
            {
              budgetsByDonor: fundingSummary(groupBy: DONOR) { ...Row }
              budgetsByProgramme: fundingSummary(groupBy: PROGRAMME) { ...Row }
              budgetsByCountry: fundingSummary(groupBy: COUNTRY) { ...Row }
              budgetsByYear: fundingSummary(groupBy: YEAR) { ...Row }
              budgetsByTheme: fundingSummary(groupBy: THEME) { ...Row }
              contributionsByDonor: fundingSummary(groupBy: DONOR, measure: CONTRIBUTIONS) { ...Row }
              contributionsByYear: fundingSummary(groupBy: YEAR, measure: CONTRIBUTIONS) { ...Row }
              contributionsByProgramme: fundingSummary(groupBy: PROGRAMME, measure: CONTRIBUTIONS) { ...Row }
              contributionsByCountry: fundingSummary(groupBy: COUNTRY, measure: CONTRIBUTIONS) { ...Row }
              contributionsByTheme: fundingSummary(groupBy: THEME, measure: CONTRIBUTIONS) { ...Row }
              pledges: fundingSummary(groupBy: DONOR, measure: CONTRIBUTIONS, filter: { kind: [PLEDGE] }) { ...Row }
              filtered: fundingSummary(groupBy: COUNTRY, filter: { donor: ["japan"], year: 2008 }) { ...Row }
            }"#,
            json!({}),
        )
        .await;
    let japan_2008 = &data["contributionsByYear"];
    assert!(japan_2008.to_string().contains("65640508"), "CHF stays CHF");
    expect_file!["snapshots/funding_summary.json"].assert_eq(&pretty(&data));
}
