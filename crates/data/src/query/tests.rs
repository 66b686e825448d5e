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
    let mut asc = projects(s, &filter, ProjectSort::Start, Direction::Asc)
        .unwrap()
        .into_owned();
    let desc = projects(s, &filter, ProjectSort::Start, Direction::Desc).unwrap();
    asc.reverse();
    assert_eq!(asc, *desc);
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
        None,
    )
    .unwrap();
    for row in rows.iter() {
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
        None,
    )
    .unwrap();
    assert_eq!(filtered.len(), 1);
    assert_eq!(filtered[0].key.as_deref(), Some("TJ"));
    assert_eq!(filtered[0].project_count, 1);
}

fn japan_contributions(
    kind: Option<Vec<coopgraph_model::ContributionKind>>,
    currency: Option<&str>,
) -> SummaryRow {
    let filter = FundingFilter {
        donor: slugs(Some(vec!["japan"])),
        kind,
        ..Default::default()
    };
    let currency = currency.map(|c| coopgraph_model::CurrencyCode::parse(c).unwrap());
    let rows = funding_summary(
        store(),
        SummaryGroup::Donor,
        Measure::Contributions,
        &filter,
        currency,
    )
    .unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows[0].clone()
}

fn totals(t: &[Total]) -> Vec<String> {
    t.iter()
        .map(|t| format!("{} {}", t.amount, t.currency.code()))
        .collect()
}

#[test]
fn per_year_amounts_are_kept_apart_from_one_off_amounts() {
    let row = japan_contributions(None, None);
    // The trust fund's approx. US$25 million every year is not added to the rest.
    assert_eq!(totals(&row.per_year), ["25000000 USD"]);
    assert_eq!(totals(&row.totals), ["65640508 CHF", "2100000 USD"]);
}

#[test]
fn a_part_is_never_added_to_its_whole() {
    use coopgraph_model::ContributionKind::{Grant, Pledge};
    // Without pledges, the US$500,000 paid to STAGE counts.
    let row = japan_contributions(Some(vec![Grant]), None);
    assert_eq!(totals(&row.totals), ["500000 USD"]);
    // With the US$5 million pledge it is part of, only the pledge counts.
    let row = japan_contributions(Some(vec![Grant, Pledge]), None);
    assert_eq!(totals(&row.totals), ["5000000 USD"]);
    assert_eq!(row.record_count, 1);
}

#[test]
fn summaries_convert_each_amount_at_the_rate_of_its_year() {
    let s = store();
    let row = japan_contributions(None, Some("USD"));
    let chf = coopgraph_model::CurrencyCode::parse("CHF").unwrap();
    let rate = s
        .rates()
        .get(chf, 2008)
        .expect("a CHF rate for 2008")
        .per_usd;
    let expected =
        rust_decimal::Decimal::from(65_640_508) / rate + rust_decimal::Decimal::from(2_100_000);
    let converted = row.converted.clone().expect("a converted sum");
    assert_eq!(converted.amount.round_dp(6), expected.round_dp(6));
    assert!(row.unconverted.is_empty(), "{row:?}");
    // Into yen, through the dollar: the US$500,000 for STAGE has no date, so no
    // year to take a rate from, and stays unconverted.
    let row = japan_contributions(None, Some("JPY"));
    assert_eq!(totals(&row.unconverted), ["500000 USD"]);
    assert!(row.converted.unwrap().amount > expected * rust_decimal::Decimal::from(90));
}

/// The paths from `from` to `to`, each as `a -[contribution via channel]-> b …`.
fn paths(from: &str, to: &str, hops: i64) -> Vec<String> {
    let s = store();
    let name = |r: coopgraph_model::Recipient| match r {
        coopgraph_model::Recipient::Organisation(o) => s.organisation(o).slug.to_string(),
        coopgraph_model::Recipient::Programme(p) => s.programme(p).slug.to_string(),
        coopgraph_model::Recipient::Project(p) => s.project(p).slug.to_string(),
    };
    funding_paths(s, from, to, hops)
        .unwrap()
        .iter()
        .map(|p| {
            let mut out = name(p.steps[0].from);
            for step in &p.steps {
                let via = match (step.contribution, step.channel) {
                    (Some(c), Some(ch)) => format!(
                        "[{} via {}]",
                        s.contribution(c).slug,
                        s.organisation(ch).slug
                    ),
                    (Some(c), None) => format!("[{}]", s.contribution(c).slug),
                    _ => String::new(),
                };
                out.push_str(&format!(" -{via}-> {}", name(step.to)));
            }
            out
        })
        .collect()
}

#[test]
fn money_from_japan_reaches_stage_through_undp() {
    let found = paths("japan", "timor-leste-stage", 4);
    assert_eq!(
        found.first().map(String::as_str),
        Some("japan -[japan-timor-leste-stage via undp]-> timor-leste-stage")
    );
    // Japan's FUNDING role in the emergency grant aid programme, and STAGE in it.
    assert!(
        found.contains(
            &"japan --> emergency-grant-aid-through-undp --> timor-leste-stage".to_owned()
        ),
        "{found:#?}"
    );
    // Shortest first.
    let hops: Vec<usize> = found.iter().map(|p| p.matches("->").count()).collect();
    let mut sorted = hops.clone();
    sorted.sort();
    assert_eq!(hops, sorted);
}

#[test]
fn money_from_japan_reaches_tajikistan_through_the_trust_fund() {
    let found = paths("japan", "tajikistan-rasht-employment-migration", 4);
    assert!(
        found.contains(&"japan -[japan-un-trust-fund-for-human-security]-> un-trust-fund-for-human-security --> tajikistan-rasht-employment-migration".to_owned()),
        "{found:#?}"
    );
    // With one hop, only what links Japan to the project directly (its FUNDING role).
    let direct = paths("japan", "tajikistan-rasht-employment-migration", 1);
    assert_eq!(direct, ["japan --> tajikistan-rasht-employment-migration"]);
}

#[test]
fn paths_are_bounded_and_name_what_is_unknown() {
    let s = store();
    assert_eq!(
        funding_paths(s, "japan", "ilo", 7).unwrap_err().to_string(),
        "`maxHops` is 7: it must be from 1 to 6"
    );
    assert_eq!(
        funding_paths(s, "japan", "ilo", 0).unwrap_err().to_string(),
        "`maxHops` is 0: it must be from 1 to 6"
    );
    assert_eq!(
        funding_paths(s, "nippon", "ilo", 2)
            .unwrap_err()
            .to_string(),
        "`from`: no organisation has the slug `nippon`"
    );
    assert_eq!(
        funding_paths(s, "japan", "nowhere", 2)
            .unwrap_err()
            .to_string(),
        "`to`: no organisation, programme or project has the slug `nowhere`"
    );
    for path in funding_paths(s, "japan", "ilo", 6).unwrap() {
        assert!(path.steps.len() <= 6);
    }
}

/// Checks that each record's own anchor, in `order`, finds it in `list`.
fn check_anchors<Id: Record>(s: &Store, list: &[Id], order: Order<Id>) {
    let n = list.len();
    for (i, &id) in list.iter().enumerate() {
        let a = order.anchor(s, id, n + 7);
        let after = Window {
            after: Some(a.clone()),
            first: Some(1),
            ..Window::default()
        };
        assert_eq!(after.range(s, list, order), i + 1..(i + 2).min(n));
        let before = Window {
            before: Some(a),
            last: Some(1),
            ..Window::default()
        };
        assert_eq!(before.range(s, list, order), i.saturating_sub(1)..i);
    }
}

#[test]
fn anchors_find_their_records_in_every_order() {
    let s = store();
    let none = OrganisationFilter::default();
    for d in [Direction::Asc, Direction::Desc] {
        for o in [NameSort::Name, NameSort::Slug] {
            let list = organisations(s, Which::All, &none, o, d);
            check_anchors(s, &list, o.organisations(d));
            let list = programmes(s, &ProgrammeFilter::default(), o, d).unwrap();
            check_anchors(s, &list, o.programmes(d));
        }
        for o in [ProjectSort::Title, ProjectSort::Slug, ProjectSort::Start] {
            let list = projects(s, &ProjectFilter::default(), o, d).unwrap();
            check_anchors(s, &list, o.order(d));
        }
        for o in [ContributionSort::Date, ContributionSort::Slug] {
            let list = contributions(s, &ContributionFilter::default(), o, d).unwrap();
            check_anchors(s, &list, o.order(d));
        }
    }
    let list = activities(s, &ActivityFilter::default()).unwrap();
    check_anchors(s, &list, Order::Dataset);
}

#[test]
fn an_anchor_whose_record_has_gone_keeps_its_place() {
    let s = store();
    let order = ProjectSort::Start.order(Direction::Asc);
    let list = projects(
        s,
        &ProjectFilter::default(),
        ProjectSort::Start,
        Direction::Asc,
    )
    .unwrap();
    // A record that started on the day the fourth did, with a slug after all
    // others: the page after it starts after every project of that day.
    let mut gone = order.anchor(s, list[3], 0);
    gone.slug = "~gone".into();
    let day = gone.key.clone();
    let after = Window {
        after: Some(gone),
        ..Window::default()
    };
    let start = after.range(s, &list, order).start;
    assert!(start > 3);
    assert!(
        list[..start]
            .iter()
            .all(|&p| order.anchor(s, p, 0).key <= day)
    );
    assert!(
        list[start..]
            .iter()
            .all(|&p| order.anchor(s, p, 0).key.is_none_or(|k| Some(k) > day))
    );

    // In dataset order, only its old position is left.
    let activities = activities(s, &ActivityFilter::default()).unwrap();
    let gone = Anchor {
        slug: "gone-1".into(),
        key: None,
        pos: 2,
    };
    let after = Window {
        after: Some(gone),
        first: Some(2),
        ..Window::default()
    };
    assert_eq!(after.range(s, &activities, Order::Dataset), 2..4);
}

#[test]
fn unfiltered_summaries_are_added_up_once_per_dataset() {
    let s = store();
    let none = FundingFilter::default();
    let first = funding_summary(s, SummaryGroup::Country, Measure::Budgets, &none, None).unwrap();
    let again = funding_summary(s, SummaryGroup::Country, Measure::Budgets, &none, None).unwrap();
    assert!(std::sync::Arc::ptr_eq(&first, &again));
    assert!(!first.is_empty());
    // Another dataset adds up its own.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let other = crate::load(&dir).unwrap();
    let theirs =
        funding_summary(&other, SummaryGroup::Country, Measure::Budgets, &none, None).unwrap();
    assert!(!std::sync::Arc::ptr_eq(&first, &theirs));
    assert_eq!(first, theirs);
}
