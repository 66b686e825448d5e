//! The funding summary: budgets or contributions grouped by donor, programme,
//! country, year or theme, with one total per currency.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use coopgraph_model::{
    Contribution, ContributionKind, CountryCode, CurrencyCode, Money, OrganisationId, PartialDate,
    ProgrammeId, ProjectId, Recipient, Role, ThemeId,
};
use rust_decimal::Decimal;

use super::money::convert;
use super::projects::{ProjectFilter, matching, programmes_within};
use super::{QueryError, resolve};
use crate::{Store, fold};

/// What a summary groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SummaryGroup {
    /// The organisation that funds: a project's FUNDING participants, or a
    /// contribution's payer.
    Donor,
    /// The programme: a project's, or the one a contribution is paid to
    /// (directly or through its project).
    Programme,
    /// The country a project works in.
    Country,
    /// The year a project starts, or a contribution is made.
    Year,
    /// A project's theme.
    Theme,
}

/// What money a summary adds up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Measure {
    /// Project budgets.
    #[default]
    Budgets,
    /// Contributions.
    Contributions,
}

/// Which budgets or contributions a summary counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FundingFilter {
    /// Funded (budgets) or paid (contributions) by any of these organisations (slugs).
    pub donor: Option<Vec<String>>,
    /// Of any of these programmes (slugs) or programmes within them.
    pub programme: Option<Vec<String>>,
    /// Of projects in any of these countries.
    pub country: Option<Vec<CountryCode>>,
    /// Of projects with any of these themes (slugs).
    pub theme: Option<Vec<String>>,
    /// Projects running in this year (budgets), or contributions made in it.
    pub year: Option<i32>,
    /// Contributions of any of these kinds; all but pledges when absent.
    pub kind: Option<Vec<ContributionKind>>,
}

/// One total of a row: the sum of the amounts in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Total {
    /// The currency.
    pub currency: CurrencyCode,
    /// The sum, normalised ("1200000", not "1200000.00").
    pub amount: Decimal,
    /// Whether some amount added was approximate.
    pub approximate: bool,
}

/// One group of a funding summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryRow {
    /// A slug (donor, programme, theme), a country code or a year; `None` for the
    /// records where the source does not say.
    pub key: Option<String>,
    /// A readable name for the key.
    pub label: String,
    /// One total per currency, by currency code: one-off amounts only.
    pub totals: Vec<Total>,
    /// With a currency asked for: the sum of the one-off amounts that could be
    /// converted into it, each at the rate of its own year (exact, not rounded).
    pub converted: Option<Total>,
    /// With a currency asked for: what had no rate, one total per currency.
    pub unconverted: Vec<Total>,
    /// Amounts stated per year, one total per currency: never added to the
    /// one-off amounts of `totals`.
    pub per_year: Vec<Total>,
    /// How many distinct projects the row covers.
    pub project_count: usize,
    /// How many records (budgets or contributions) the row adds up.
    pub record_count: usize,
}

/// What a row groups by, before it is named: cheap to hash while adding up.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Organisation(OrganisationId),
    Programme(ProgrammeId),
    Country(CountryCode),
    Year(i32),
    Theme(ThemeId),
}

/// Sums by currency, with whether an approximate amount was added.
type Sums = BTreeMap<CurrencyCode, (Decimal, bool)>;

fn add_to(sums: &mut Sums, currency: CurrencyCode, amount: Decimal, approximate: bool) {
    let t = sums.entry(currency).or_insert((Decimal::ZERO, false));
    t.0 += amount;
    t.1 |= approximate;
}

fn totals(sums: Sums) -> Vec<Total> {
    sums.into_iter()
        .map(|(currency, (amount, approximate))| Total {
            currency,
            amount: amount.normalize(),
            approximate,
        })
        .collect()
}

#[derive(Default)]
struct Row {
    totals: Sums,
    converted: Option<(Decimal, bool)>,
    unconverted: Sums,
    per_year: Sums,
    /// Every project added, with repeats.
    projects: Vec<ProjectId>,
    records: usize,
}

/// One amount a summary adds up.
struct Item<'a> {
    money: Option<&'a Money>,
    /// The date its rate is taken from.
    date: Option<PartialDate>,
    per_year: bool,
    project: Option<ProjectId>,
}

/// The rows an item falls in: its keys, or the row of records that say nothing.
fn rows_of(keys: Vec<Key>) -> Vec<Option<Key>> {
    if keys.is_empty() {
        vec![None]
    } else {
        keys.into_iter().map(Some).collect()
    }
}

/// Groups and adds up budgets or contributions. Rows come sorted by year or by
/// label, with the row of records that say nothing (key `None`) last. Rows can
/// overlap: a project in two countries counts in both. Within a row, a payment is
/// never added to the pledge or grant it is part of, and amounts per year are
/// kept apart. With `currency`, each row also sums what converts into it.
///
/// Without a filter, the rows are added up once per dataset and kept: each
/// (group, measure, currency) is computed on first use and shared after.
pub fn funding_summary(
    s: &Store,
    group: SummaryGroup,
    measure: Measure,
    filter: &FundingFilter,
    currency: Option<CurrencyCode>,
) -> Result<Arc<[SummaryRow]>, QueryError> {
    if *filter != FundingFilter::default() {
        return Ok(add_up(s, group, measure, filter, currency)?.into());
    }
    let key = (group, measure, currency);
    if let Some(rows) = s.summaries().get(&key) {
        return Ok(rows.clone());
    }
    let rows: Arc<[SummaryRow]> = add_up(s, group, measure, filter, currency)?.into();
    s.summaries().insert(key, rows.clone());
    Ok(rows)
}

/// Adds up the budgets or contributions `filter` lets through into rows.
fn add_up(
    s: &Store,
    group: SummaryGroup,
    measure: Measure,
    filter: &FundingFilter,
    currency: Option<CurrencyCode>,
) -> Result<Vec<SummaryRow>, QueryError> {
    let mut rows: HashMap<Option<Key>, Row> = HashMap::new();
    let mut add = |keys: Vec<Option<Key>>, item: Item<'_>| {
        for key in keys {
            let row = rows.entry(key).or_default();
            row.records += 1;
            row.projects.extend(item.project);
            let Some(m) = item.money else { continue };
            if item.per_year {
                add_to(&mut row.per_year, m.currency(), m.amount(), m.approximate());
                continue;
            }
            add_to(&mut row.totals, m.currency(), m.amount(), m.approximate());
            if let Some(to) = currency {
                match convert(s.rates(), m, item.date, to) {
                    Some(c) => {
                        let sum = row.converted.get_or_insert((Decimal::ZERO, false));
                        sum.0 += c.amount;
                        sum.1 |= m.approximate();
                    }
                    None => add_to(
                        &mut row.unconverted,
                        m.currency(),
                        m.amount(),
                        m.approximate(),
                    ),
                }
            }
        }
    };
    let project_side =
        filter.programme.is_some() || filter.country.is_some() || filter.theme.is_some();
    // The projects that pass the project-side parts of the filter.
    let passing = if project_side {
        let project_filter = ProjectFilter {
            programme: filter.programme.clone(),
            country: filter.country.clone(),
            theme: filter.theme.clone(),
            ..ProjectFilter::default()
        };
        let mut passing = vec![false; s.projects().len()];
        for id in matching(s, &project_filter)? {
            passing[id.index()] = true;
        }
        Some(passing)
    } else {
        None
    };
    let passes = |id: ProjectId| passing.as_ref().is_none_or(|p| p[id.index()]);
    let donors = resolve("donor", "organisation", &filter.donor, |x| {
        s.organisation_by_slug(x)
    })?;
    match measure {
        Measure::Budgets => {
            for (i, p) in s.projects().iter().enumerate() {
                let id = ProjectId(i as u32);
                let funders: Vec<_> = p
                    .participants
                    .iter()
                    .filter(|x| x.role == Role::Funding)
                    .map(|x| x.organisation)
                    .collect();
                if !passes(id)
                    || donors
                        .as_ref()
                        .is_some_and(|d| !funders.iter().any(|f| d.contains(f)))
                    || filter.year.is_some_and(|y| !p.period.is_active_in(y))
                {
                    continue;
                }
                let item = Item {
                    money: p.budget.as_ref(),
                    date: p.period.start(),
                    per_year: false,
                    project: Some(id),
                };
                add(rows_of(project_keys(s, group, id, &funders)), item);
            }
        }
        Measure::Contributions => {
            // A contribution paid to a programme passes the programme filter by
            // its programme; country and theme speak only of projects.
            let programmes = programmes_within(s, &filter.programme)?;
            // The rows a contribution falls in, and its project; `None` when the
            // filter leaves it out.
            let rows_for = |c: &Contribution| -> Option<(Vec<Option<Key>>, Option<ProjectId>)> {
                let project = match c.to {
                    Some(Recipient::Project(p)) => Some(p),
                    _ => None,
                };
                let programme = match c.to {
                    Some(Recipient::Programme(p)) => Some(p),
                    Some(Recipient::Project(p)) => s.project(p).programme,
                    Some(Recipient::Organisation(_)) | None => None,
                };
                let kind_ok = match &filter.kind {
                    Some(kinds) => kinds.contains(&c.kind),
                    None => !c.kind.is_promise(),
                };
                let in_scope = match c.to {
                    Some(Recipient::Project(p)) => passes(p),
                    Some(Recipient::Programme(p)) => {
                        filter.country.is_none()
                            && filter.theme.is_none()
                            && programmes.as_ref().is_none_or(|set| set.contains(&p))
                    }
                    Some(Recipient::Organisation(_)) | None => !project_side,
                };
                if !kind_ok
                    || !in_scope
                    || donors.as_ref().is_some_and(|d| !d.contains(&c.from))
                    || filter.year.is_some_and(|y| !c.is_in_year(y))
                {
                    return None;
                }
                let groups = match (group, project) {
                    (SummaryGroup::Donor, _) => vec![Key::Organisation(c.from)],
                    (SummaryGroup::Programme, _) => {
                        programme.map(Key::Programme).into_iter().collect()
                    }
                    (SummaryGroup::Year, _) => c.year().map(Key::Year).into_iter().collect(),
                    (SummaryGroup::Country | SummaryGroup::Theme, Some(p)) => {
                        project_keys(s, group, p, &[])
                    }
                    (SummaryGroup::Country | SummaryGroup::Theme, None) => Vec::new(),
                };
                Some((rows_of(groups), project))
            };
            for c in s.contributions() {
                let Some((mut keys, project)) = rows_for(c) else {
                    continue;
                };
                // A part is not added where its whole is added.
                let mut whole = c.part_of;
                while let Some(w) = whole {
                    if let Some((wkeys, _)) = rows_for(s.contribution(w)) {
                        keys.retain(|k| !wkeys.contains(k));
                    }
                    whole = s.contribution(w).part_of.filter(|&up| up != w);
                    if keys.is_empty() {
                        break;
                    }
                }
                if keys.is_empty() {
                    continue;
                }
                let item = Item {
                    money: c.amount.as_ref(),
                    date: c.value_date(),
                    per_year: c.per_year,
                    project,
                };
                add(keys, item);
            }
        }
    }
    let mut named: Vec<_> = rows
        .into_iter()
        .map(|(key, row)| match key {
            Some(key) => {
                let (sort, key, label) = name(s, key);
                ((false, sort), Some(key), label, row)
            }
            None => (
                (true, (None, String::new())),
                None,
                "Not stated".to_owned(),
                row,
            ),
        })
        .collect();
    // Equal labels (two donors of one name) keep apart, ordered by key.
    named.sort_unstable_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    Ok(named
        .into_iter()
        .map(|(_, key, label, mut row)| SummaryRow {
            key,
            label,
            totals: totals(std::mem::take(&mut row.totals)),
            converted: currency.map(|currency| {
                let (amount, approximate) = row.converted.unwrap_or_default();
                Total {
                    currency,
                    amount: amount.normalize(),
                    approximate,
                }
            }),
            unconverted: totals(std::mem::take(&mut row.unconverted)),
            per_year: totals(std::mem::take(&mut row.per_year)),
            project_count: {
                row.projects.sort_unstable();
                row.projects.dedup();
                row.projects.len()
            },
            record_count: row.records,
        })
        .collect())
}

/// How a group sorts (years by number, the rest by folded label), its key and
/// its label.
fn name(s: &Store, key: Key) -> ((Option<i32>, String), String, String) {
    let named = |name: &str, slug: &coopgraph_model::Slug| {
        ((None, fold(name)), slug.to_string(), name.to_owned())
    };
    match key {
        Key::Organisation(id) => named(&s.organisation(id).name, &s.organisation(id).slug),
        Key::Programme(id) => named(&s.programme(id).name, &s.programme(id).slug),
        Key::Theme(id) => named(&s.theme(id).name, &s.theme(id).slug),
        Key::Country(c) => (
            (None, c.alpha2().to_owned()),
            c.alpha2().to_owned(),
            c.name().to_owned(),
        ),
        Key::Year(y) => ((Some(y), String::new()), y.to_string(), y.to_string()),
    }
}

/// The groups a project falls in.
fn project_keys(
    s: &Store,
    group: SummaryGroup,
    id: ProjectId,
    funders: &[OrganisationId],
) -> Vec<Key> {
    let p = s.project(id);
    match group {
        SummaryGroup::Donor => funders.iter().map(|&o| Key::Organisation(o)).collect(),
        SummaryGroup::Programme => p.programme.map(Key::Programme).into_iter().collect(),
        SummaryGroup::Country => p.countries.iter().map(|&c| Key::Country(c)).collect(),
        SummaryGroup::Year => p
            .period
            .start()
            .map(|d| Key::Year(d.year()))
            .into_iter()
            .collect(),
        SummaryGroup::Theme => p.themes.iter().map(|&t| Key::Theme(t)).collect(),
    }
}
