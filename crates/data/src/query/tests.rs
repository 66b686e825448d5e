//! The query layer on the real dataset, with no HTTP and no GraphQL: one small
//! `check` helper per area, many tiny cases.

use std::path::Path;
use std::sync::OnceLock;

use coopgraph_model::{CountryCode, Role};

use super::*;
use crate::{NameSort, ProjectSort, Store};

fn store() -> &'static Store {
    static STORE: OnceLock<Store> = OnceLock::new();
    STORE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
        crate::load(&dir).unwrap_or_else(|p| panic!("{p}"))
    })
}

fn cc(code: &str) -> CountryCode {
    CountryCode::parse(code).unwrap()
}

fn slugs(v: Option<Vec<&str>>) -> Option<Vec<String>> {
    v.map(|v| v.into_iter().map(str::to_owned).collect())
}

/// The slugs of the projects that pass `filter`, by title.
fn check_projects(filter: ProjectFilter, expected: &[&str]) {
    let s = store();
    let ids = projects(s, &filter, ProjectSort::Title, Direction::Asc).unwrap();
    let got: Vec<&str> = ids.iter().map(|&id| s.project(id).slug.as_str()).collect();
    assert_eq!(got, expected, "{filter:?}");
}

#[test]
fn project_filters() {
    check_projects(
        ProjectFilter {
            country: Some(vec![cc("KH")]),
            ..Default::default()
        },
        &["trafficking-prevention-cambodia-viet-nam"],
    );
    check_projects(
        ProjectFilter {
            country: Some(vec![cc("KH"), cc("TJ")]),
            ..Default::default()
        },
        &[
            "tajikistan-rasht-employment-migration",
            "trafficking-prevention-cambodia-viet-nam",
        ],
    );
    // AND across fields: no project is in Cambodia and in Tajikistan's text.
    check_projects(
        ProjectFilter {
            country: Some(vec![cc("KH")]),
            text: Some("rasht".into()),
            ..Default::default()
        },
        &[],
    );
    // Text ignores case and diacritics, and reaches countries' names.
    check_projects(
        ProjectFilter {
            text: Some("VIỆT nam".into()),
            ..Default::default()
        },
        &["trafficking-prevention-cambodia-viet-nam"],
    );
}

#[test]
fn descending_is_ascending_reversed() {
    let s = store();
    let filter = ProjectFilter::default();
    let mut asc = projects(s, &filter, ProjectSort::Start, Direction::Asc).unwrap();
    let desc = projects(s, &filter, ProjectSort::Start, Direction::Desc).unwrap();
    asc.reverse();
    assert_eq!(asc, desc);
    assert_eq!(desc.len(), s.projects().len());
}

#[test]
fn unknown_slugs_name_the_filter_field() {
    let s = store();
    let filter = ProjectFilter {
        donor: slugs(Some(vec!["japan", "atlantis"])),
        ..Default::default()
    };
    let err = projects(s, &filter, ProjectSort::Title, Direction::Asc).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`filter.donor`: no organisation has the slug `atlantis`"
    );
    let filter = ContributionFilter {
        to: slugs(Some(vec!["nowhere"])),
        ..Default::default()
    };
    let err = contributions(s, &filter, ContributionSort::Date, Direction::Asc).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`filter.to`: no organisation, programme or project has the slug `nowhere`"
    );
}

#[test]
fn donors_are_organisations_with_a_funding_role() {
    let s = store();
    let all = organisations(
        s,
        Which::All,
        &OrganisationFilter::default(),
        NameSort::Name,
        Direction::Asc,
    );
    let donors = organisations(
        s,
        Which::Donors,
        &OrganisationFilter::default(),
        NameSort::Name,
        Direction::Asc,
    );
    let funding = organisations(
        s,
        Which::All,
        &OrganisationFilter {
            role: Some(vec![Role::Funding]),
            ..Default::default()
        },
        NameSort::Name,
        Direction::Asc,
    );
    assert_eq!(donors, funding);
    assert!(donors.len() < all.len());
    let japan = s.organisation_by_slug("japan").unwrap();
    assert!(donors.contains(&japan));
}

#[test]
fn search_ranks_acronyms_and_names_first() {
    let s = store();
    let q = TextQuery::new("stage").unwrap();
    let hits = search(s, &q, 10);
    let stage = s.project_by_slug("timor-leste-stage").unwrap();
    assert_eq!(hits.first(), Some(&Hit::Project(stage)));
    assert_eq!(search(s, &q, 1).len(), 1);
    let none = TextQuery::new("zzzzqx").unwrap();
    assert!(search(s, &none, 10).is_empty());
}

#[test]
fn activities_filter_by_project_and_text() {
    let s = store();
    let papua = s.project_by_slug("indigenous-peoples-papua").unwrap();
    let of_papua = |text: Option<&str>| {
        let filter = ActivityFilter {
            project: slugs(Some(vec!["indigenous-peoples-papua"])),
            text: text.map(str::to_owned),
        };
        activities(s, &filter).unwrap()
    };
    assert_eq!(of_papua(None), s.project(papua).activities);
    assert_eq!(of_papua(None).len(), 5);
    let literacy = of_papua(Some("LITERACY women"));
    assert_eq!(literacy.len(), 1);
    assert_eq!(s.activity(literacy[0]).position, 2);
    // Projects match the text of their activities too.
    check_projects(
        ProjectFilter {
            text: Some("functional literacy".into()),
            ..Default::default()
        },
        &["indigenous-peoples-papua"],
    );
}

#[test]
fn summaries_never_add_one_currency_to_another() {
    let s = store();
    let rows = funding_summary(
        s,
        SummaryGroup::Donor,
        Measure::Budgets,
        &FundingFilter::default(),
    )
    .unwrap();
    for row in &rows {
        let mut currencies: Vec<_> = row.totals.iter().map(|t| t.currency).collect();
        let n = currencies.len();
        currencies.dedup();
        assert_eq!(currencies.len(), n, "{row:?}");
    }
    // Rows are sorted by label, with the row of records that say nothing last.
    let labels: Vec<_> = rows
        .iter()
        .filter(|r| r.key.is_some())
        .map(|r| crate::fold(&r.label))
        .collect();
    let mut sorted = labels.clone();
    sorted.sort();
    assert_eq!(labels, sorted);
    let filtered = funding_summary(
        s,
        SummaryGroup::Country,
        Measure::Budgets,
        &FundingFilter {
            country: Some(vec![cc("TJ")]),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(filtered.len(), 1);
    assert_eq!(filtered[0].key.as_deref(), Some("TJ"));
    assert_eq!(filtered[0].project_count, 1);
}
