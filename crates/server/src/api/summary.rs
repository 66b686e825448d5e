//! `fundingSummary`: budgets or contributions grouped by donor, programme, country,
//! year or theme, with one total per currency.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use async_graphql::{Enum, InputObject, Result, SimpleObject};
use coopgraph_data::Store;
use coopgraph_model::{self as model, CurrencyCode, ProjectId, Recipient, Role};
use rust_decimal::Decimal;

use super::scalars;
use super::text;
use super::types::{ContributionKind, Money, ProjectFilter, slugs};

/// What `fundingSummary` groups by.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum SummaryGroup {
    /// The organisation that funds: a project's FUNDING participants, or a
    /// contribution's payer. A project with two donors counts in both rows.
    Donor,
    /// The programme: a project's, or the one a contribution is paid to (directly
    /// or through its project).
    Programme,
    /// The country a project works in. A project in two countries counts in both
    /// rows: the source gives no split.
    Country,
    /// The year a project starts, or a contribution is made.
    Year,
    /// A project's theme. A project with two themes counts in both rows.
    Theme,
}

/// What money `fundingSummary` adds up.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum SummaryMeasure {
    /// Project budgets.
    #[default]
    Budgets,
    /// Contributions, by their amounts. Pledges are left out unless asked for by
    /// `filter.kind`, since the payments that honour them are counted already.
    Contributions,
}

/// Which budgets or contributions `fundingSummary` counts. Fields combine with AND;
/// the values in one list with OR.
#[derive(InputObject, Default, Debug)]
pub struct FundingFilter {
    /// Funded (BUDGETS) or paid (CONTRIBUTIONS) by any of these organisations (slugs).
    pub donor: Option<Vec<String>>,
    /// Of any of these programmes (slugs) or programmes within them.
    pub programme: Option<Vec<String>>,
    /// Of projects in any of these countries.
    pub country: Option<Vec<scalars::CountryCode>>,
    /// Of projects with any of these themes (slugs).
    pub theme: Option<Vec<String>>,
    /// Projects running in this year (BUDGETS), or contributions made in it
    /// (CONTRIBUTIONS).
    pub year: Option<i32>,
    /// Contributions of any of these kinds (CONTRIBUTIONS only); all but PLEDGE
    /// when absent.
    pub kind: Option<Vec<ContributionKind>>,
}

/// One group of a funding summary.
#[derive(SimpleObject, Debug)]
pub struct FundingSummaryRow {
    /// What the row groups by: a slug (donor, programme, theme), a country code or a
    /// year; null for the records where the source does not say.
    pub key: Option<String>,
    /// A readable name for the key.
    pub label: String,
    /// The money, one total per currency, by currency code; never converted.
    pub totals: Vec<Money>,
    /// How many distinct projects the row covers.
    pub project_count: i32,
    /// How many records (budgets or contributions) the row adds up, with or
    /// without an amount.
    pub record_count: i32,
}

#[derive(Default)]
struct Row {
    key: Option<String>,
    label: String,
    totals: BTreeMap<CurrencyCode, (Decimal, bool)>,
    projects: BTreeSet<ProjectId>,
    records: usize,
}

/// A group: how it sorts (years by number, the rest by label), its key, its label.
struct Group {
    sort: (Option<i32>, String),
    key: String,
    label: String,
}

fn org_key(s: &Store, id: model::OrganisationId) -> Group {
    let o = s.organisation(id);
    Group {
        sort: (None, text::fold(&o.name)),
        key: o.slug.to_string(),
        label: o.name.clone(),
    }
}

fn programme_key(s: &Store, id: model::ProgrammeId) -> Group {
    let p = s.programme(id);
    Group {
        sort: (None, text::fold(&p.name)),
        key: p.slug.to_string(),
        label: p.name.clone(),
    }
}

fn year_key(year: i32) -> Group {
    Group {
        sort: (Some(year), String::new()),
        key: year.to_string(),
        label: year.to_string(),
    }
}

/// The groups a project falls in.
fn project_keys(
    s: &Store,
    group: SummaryGroup,
    id: ProjectId,
    funders: &[model::OrganisationId],
) -> Vec<Group> {
    let p = s.project(id);
    match group {
        SummaryGroup::Donor => funders.iter().map(|&o| org_key(s, o)).collect(),
        SummaryGroup::Programme => p
            .programme
            .map(|x| programme_key(s, x))
            .into_iter()
            .collect(),
        SummaryGroup::Country => p
            .countries
            .iter()
            .map(|c| Group {
                sort: (None, c.alpha2().to_owned()),
                key: c.alpha2().to_owned(),
                label: c.name().to_owned(),
            })
            .collect(),
        SummaryGroup::Year => p
            .period
            .start()
            .map(|d| year_key(d.year()))
            .into_iter()
            .collect(),
        SummaryGroup::Theme => p
            .themes
            .iter()
            .map(|&t| {
                let t = s.theme(t);
                Group {
                    sort: (None, text::fold(&t.name)),
                    key: t.slug.to_string(),
                    label: t.name.clone(),
                }
            })
            .collect(),
    }
}

/// Groups and adds up budgets or contributions. Rows come sorted by year or by
/// label, with the row of records that say nothing (key null) last.
pub fn summarise(
    s: &Store,
    group: SummaryGroup,
    measure: SummaryMeasure,
    filter: &FundingFilter,
) -> Result<Vec<FundingSummaryRow>> {
    let mut rows: BTreeMap<(bool, (Option<i32>, String)), Row> = BTreeMap::new();
    let mut add = |groups: Vec<Group>, money: Option<&model::Money>, project: Option<ProjectId>| {
        let groups: Vec<Option<Group>> = if groups.is_empty() {
            vec![None]
        } else {
            groups.into_iter().map(Some).collect()
        };
        for g in groups {
            let (sort, key, label) = match g {
                Some(g) => (g.sort, Some(g.key), g.label),
                None => ((None, String::new()), None, "Not stated".to_owned()),
            };
            let row = rows.entry((key.is_none(), sort)).or_default();
            row.key = key;
            row.label = label;
            row.records += 1;
            row.projects.extend(project);
            if let Some(m) = money {
                let t = row
                    .totals
                    .entry(m.currency())
                    .or_insert((Decimal::ZERO, false));
                t.0 += m.amount();
                t.1 |= m.approximate();
            }
        }
    };
    let project_filter = ProjectFilter {
        programme: filter.programme.clone(),
        country: filter.country.clone(),
        theme: filter.theme.clone(),
        ..ProjectFilter::default()
    };
    // The projects that pass the project-side parts of the filter.
    let projects: HashSet<ProjectId> = project_filter.matching(s)?.into_iter().collect();
    let project_side =
        filter.programme.is_some() || filter.country.is_some() || filter.theme.is_some();
    let donors = slugs("donor", "organisation", &filter.donor, |x| {
        s.organisation_by_slug(x)
    })?;
    match measure {
        SummaryMeasure::Budgets => {
            for (i, p) in s.projects().iter().enumerate() {
                let id = ProjectId(i as u32);
                let funders: Vec<_> = p
                    .participants
                    .iter()
                    .filter(|x| x.role == Role::Funding)
                    .map(|x| x.organisation)
                    .collect();
                if !projects.contains(&id)
                    || donors
                        .as_ref()
                        .is_some_and(|d| !funders.iter().any(|f| d.contains(f)))
                    || filter.year.is_some_and(|y| !p.period.is_active_in(y))
                {
                    continue;
                }
                add(
                    project_keys(s, group, id, &funders),
                    p.budget.as_ref(),
                    Some(id),
                );
            }
        }
        SummaryMeasure::Contributions => {
            // A contribution paid to a programme passes the programme filter by
            // its programme; country and theme speak only of projects.
            let programmes = ProjectFilter {
                programme: filter.programme.clone(),
                ..ProjectFilter::default()
            }
            .programmes(s)?;
            for c in s.contributions() {
                let project = match c.to {
                    Recipient::Project(p) => Some(p),
                    _ => None,
                };
                let programme = match c.to {
                    Recipient::Programme(p) => Some(p),
                    Recipient::Project(p) => s.project(p).programme,
                    Recipient::Organisation(_) => None,
                };
                let kind_ok = match &filter.kind {
                    Some(kinds) => kinds.contains(&c.kind.into()),
                    None => c.kind != model::ContributionKind::Pledge,
                };
                let in_scope = match c.to {
                    Recipient::Project(p) => projects.contains(&p),
                    Recipient::Programme(p) => {
                        filter.country.is_none()
                            && filter.theme.is_none()
                            && programmes.as_ref().is_none_or(|set| set.contains(&p))
                    }
                    Recipient::Organisation(_) => !project_side,
                };
                if !kind_ok
                    || !in_scope
                    || donors.as_ref().is_some_and(|d| !d.contains(&c.from))
                    || filter.year.is_some_and(|y| !c.is_in_year(y))
                {
                    continue;
                }
                let groups = match (group, project) {
                    (SummaryGroup::Donor, _) => vec![org_key(s, c.from)],
                    (SummaryGroup::Programme, _) => {
                        programme.map(|p| programme_key(s, p)).into_iter().collect()
                    }
                    (SummaryGroup::Year, _) => c.year().map(year_key).into_iter().collect(),
                    (SummaryGroup::Country | SummaryGroup::Theme, Some(p)) => {
                        project_keys(s, group, p, &[])
                    }
                    (SummaryGroup::Country | SummaryGroup::Theme, None) => Vec::new(),
                };
                add(groups, c.amount.as_ref(), project);
            }
        }
    }
    Ok(rows
        .into_values()
        .map(|row| FundingSummaryRow {
            key: row.key,
            label: row.label,
            totals: row
                .totals
                .into_iter()
                .map(|(currency, (amount, approximate))| Money {
                    amount: scalars::Decimal(amount.normalize()),
                    currency: scalars::CurrencyCode(currency),
                    approximate,
                    text: None,
                })
                .collect(),
            project_count: row.projects.len() as i32,
            record_count: row.records as i32,
        })
        .collect())
}
