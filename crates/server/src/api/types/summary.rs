//! `fundingSummary`'s types: what it groups by, what it adds up, which records it
//! counts, and its rows. The summing is the query layer's.

use async_graphql::{Enum, InputObject, SimpleObject};
use coopgraph_data::query;

use super::values::shown;
use super::{ContributionKind, Money};
use crate::api::scalars::CountryCode;

/// What `fundingSummary` groups by.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "query::SummaryGroup")]
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
#[graphql(remote = "query::Measure")]
pub enum SummaryMeasure {
    /// Project budgets.
    #[default]
    Budgets,
    /// Contributions, by their amounts. Promises (pledges and commitments) are left
    /// out unless asked for by `filter.kind`, since the payments that honour them
    /// are counted already.
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
    pub country: Option<Vec<CountryCode>>,
    /// Of projects with any of these themes (slugs).
    pub theme: Option<Vec<String>>,
    /// Projects running in this year (BUDGETS), or contributions made in it
    /// (CONTRIBUTIONS).
    pub year: Option<i32>,
    /// Contributions of any of these kinds (CONTRIBUTIONS only); all but promises
    /// (PLEDGE, the IATI pledges and commitments) when absent.
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
    /// Amounts stated per year are in `perYear`, not here.
    pub totals: Vec<Money>,
    /// With `currency` asked for: the sum of the amounts of `totals` that could be
    /// converted into it, each at the rate of its own year, rounded to the cent;
    /// null when no currency is asked for.
    pub converted: Option<Money>,
    /// With `currency` asked for: what had no rate for its currency and year, one
    /// total per currency; empty otherwise.
    pub unconverted: Vec<Money>,
    /// Amounts stated per year ("approx. US$25 million every year"), one total per
    /// currency: never added to the one-off amounts of `totals`.
    pub per_year: Vec<Money>,
    /// How many distinct projects the row covers.
    pub project_count: i32,
    /// How many records (budgets or contributions) the row adds up, with or
    /// without an amount.
    pub record_count: i32,
}

impl From<FundingFilter> for query::FundingFilter {
    fn from(f: FundingFilter) -> Self {
        Self {
            donor: f.donor,
            programme: f.programme,
            country: f.country.map(|cs| cs.into_iter().map(|c| c.0).collect()),
            theme: f.theme,
            year: f.year,
            kind: f.kind.map(|ks| ks.into_iter().map(Into::into).collect()),
        }
    }
}

/// Totals as money with no one date.
fn money(totals: Vec<query::Total>) -> Vec<Money> {
    totals
        .into_iter()
        .map(|t| Money::total(t.amount, t.currency, t.approximate))
        .collect()
}

impl From<query::SummaryRow> for FundingSummaryRow {
    fn from(row: query::SummaryRow) -> Self {
        Self {
            key: row.key,
            label: row.label,
            totals: money(row.totals),
            converted: row.converted.map(|t| Money {
                amount: shown(t.amount, 2),
                ..Money::total(t.amount, t.currency, t.approximate)
            }),
            unconverted: money(row.unconverted),
            per_year: money(row.per_year),
            project_count: i32::try_from(row.project_count).unwrap_or(i32::MAX),
            record_count: i32::try_from(row.record_count).unwrap_or(i32::MAX),
        }
    }
}
