//! Value types: money, periods, sources, participations, places and themes.

use async_graphql::{ComplexObject, Context, Object, SimpleObject};
use coopgraph_data::query;
use coopgraph_model as model;
use rust_decimal::RoundingStrategy;

use super::{BudgetKind, BudgetStatus, Country, Organisation, Role, store};
use crate::api::batch::Item;
use crate::api::scalars::{CurrencyCode, Decimal, PartialDate};

/// An exact amount of money in one currency.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct Money {
    /// The exact amount, as a decimal string.
    pub amount: Decimal,
    /// The currency: SFr is CHF, US$ is USD.
    pub currency: CurrencyCode,
    /// Whether the source gives the figure as approximate ("approx. US$58 million").
    pub approximate: bool,
    /// The figure as the source wrote it, such as "SFr 65,640,508".
    pub text: Option<String>,
    /// The date the amount is valued at, whose year's rate converts it.
    #[graphql(skip)]
    pub date: Option<model::PartialDate>,
}

impl From<&model::Money> for Money {
    fn from(m: &model::Money) -> Self {
        Self {
            amount: Decimal(m.amount()),
            currency: CurrencyCode(m.currency()),
            approximate: m.approximate(),
            text: m.text().map(str::to_owned),
            date: None,
        }
    }
}

impl Money {
    /// An amount valued at `date`: a contribution's value date, date or period
    /// start; a budget's value date or period start.
    pub fn dated(m: &model::Money, date: Option<model::PartialDate>) -> Self {
        Self {
            date,
            ..Self::from(m)
        }
    }

    /// A sum with no one date (a summary's total), which converts only into its
    /// own currency.
    pub fn total(
        amount: rust_decimal::Decimal,
        currency: model::CurrencyCode,
        approximate: bool,
    ) -> Self {
        Self {
            amount: Decimal(amount),
            currency: CurrencyCode(currency),
            approximate,
            text: None,
            date: None,
        }
    }
}

/// How converted amounts and rates are shown: amounts to the cent and rates to 10
/// decimal places, halves away from zero. Sums add the exact amounts.
pub fn shown(amount: rust_decimal::Decimal, places: u32) -> Decimal {
    Decimal(
        amount
            .round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
            .normalize(),
    )
}

#[ComplexObject]
impl Money {
    /// This amount in another currency, at the IMF annual average rate of the year
    /// of its value date (an IATI value date, else the contribution's date or
    /// period start, else the budget period's start), through the US dollar; null
    /// when there is no rate for that currency and year (never another year's), or
    /// no date to choose a year by. An amount already in `to` converts at rate 1.
    async fn converted(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The currency to convert into, such as USD.")] to: CurrencyCode,
    ) -> Option<ConvertedMoney> {
        let m = model::Money::signed(self.amount.0, self.currency.0, self.approximate, None);
        let c = query::convert(store(ctx).rates(), &m, self.date, to.0)?;
        Some(ConvertedMoney {
            amount: shown(c.amount, 2),
            currency: CurrencyCode(c.currency),
            rate: shown(c.rate, 10),
            rate_year: c.rate_year,
            rate_source: c.rate_source,
            original: self.clone(),
        })
    }
}

/// An amount converted into another currency, with the rate that did it.
#[derive(SimpleObject, Clone, Debug)]
pub struct ConvertedMoney {
    /// The converted amount, rounded to the cent (halves away from zero) for
    /// display; sums add the exact amounts.
    pub amount: Decimal,
    /// The currency converted into.
    pub currency: CurrencyCode,
    /// Units of `currency` per unit of the original currency, to 10 decimal
    /// places; 1 for an amount already in `currency`.
    pub rate: Decimal,
    /// The year whose rates were used; null for an amount already in `currency`
    /// with no date.
    pub rate_year: Option<i32>,
    /// Where the rates come from: "IMF, annual average 2008, CHF per US dollar
    /// (Switzerland)", one per rate used.
    pub rate_source: String,
    /// The amount before conversion.
    pub original: Money,
}

/// A span of time; either end may be unknown.
#[derive(Clone, Copy, Debug)]
pub struct Period(pub model::Period);

/// A span of time; either end may be unknown.
#[Object]
impl Period {
    /// When it starts, at the source's precision.
    async fn start(&self) -> Option<PartialDate> {
        self.0.start().map(PartialDate)
    }

    /// When it ends, at the source's precision.
    async fn end(&self) -> Option<PartialDate> {
        self.0.end().map(PartialDate)
    }

    /// The year it starts.
    async fn start_year(&self) -> Option<i32> {
        self.0.start().map(model::PartialDate::year)
    }

    /// The year it ends.
    async fn end_year(&self) -> Option<i32> {
        self.0.end().map(model::PartialDate::year)
    }
}

/// Where a record comes from.
pub struct Source<'a>(pub &'a model::Source);

/// Where a record comes from: the document, its section and the phrase as written.
#[Object]
impl Source<'_> {
    /// The title of the source document.
    async fn document<'c>(&self, ctx: &Context<'c>) -> &'c str {
        &store(ctx).document(self.0.document).title
    }

    /// The section of the document, such as "1.3".
    async fn section(&self) -> Option<&str> {
        self.0.section.as_deref()
    }

    /// The phrase as written, for a figure: "approx. US$58 million".
    async fn quote(&self) -> Option<&str> {
        self.0.quote.as_deref()
    }
}

/// An organisation's role in a programme or project.
#[derive(SimpleObject, Clone)]
pub struct Participation {
    /// Who takes part.
    pub organisation: Organisation,
    /// In which role.
    pub role: Role,
}

/// A named place within a country, such as a district or a village.
#[derive(SimpleObject, Clone)]
pub struct Place {
    /// The place's name as the source writes it.
    pub name: String,
    /// The country it lies in.
    pub country: Country,
}

/// A theme of work that projects are grouped by: one of the dataset's own, or an
/// IATI sector.
#[derive(SimpleObject, Clone)]
pub struct Theme {
    /// Unique among themes; what the `theme` filters take.
    pub slug: String,
    /// The theme's name.
    pub name: String,
    /// Its code in `vocabulary`, such as the OECD DAC sector "16020"; null for the
    /// dataset's own themes.
    pub code: Option<String>,
    /// The IATI sector vocabulary of `code`: "1" for OECD DAC 5-digit sectors, "2"
    /// for their 3-digit categories, "99" for the publisher's own.
    pub vocabulary: Option<String>,
}

impl From<&model::Theme> for Theme {
    fn from(t: &model::Theme) -> Self {
        Self {
            slug: t.slug.to_string(),
            name: t.name.clone(),
            code: t.code.clone(),
            vocabulary: t.vocabulary.clone(),
        }
    }
}

/// A budget for one period, as an IATI activity states it.
#[derive(SimpleObject, Clone)]
pub struct Budget {
    /// The period it covers.
    pub period: Period,
    /// How much; a revised budget may be negative.
    pub amount: Money,
    /// Original or revised.
    pub kind: BudgetKind,
    /// Indicative or committed.
    pub status: BudgetStatus,
    /// The date the amount's currency value is taken at, where given.
    pub value_date: Option<PartialDate>,
}

impl From<&model::Budget> for Budget {
    fn from(b: &model::Budget) -> Self {
        Self {
            period: Period(b.period),
            amount: Money::dated(&b.amount, b.value_date.or(b.period.start())),
            kind: b.kind.into(),
            status: b.status.into(),
            value_date: b.value_date.map(PartialDate),
        }
    }
}

/// A country a project works in, with its share of the project.
#[derive(SimpleObject, Clone)]
pub struct CountryShare {
    /// The country.
    pub country: Country,
    /// Its share of the project in per cent, where stated.
    pub percentage: Option<Decimal>,
}

/// A theme of a project, with the share of the project it covers.
#[derive(SimpleObject, Clone)]
pub struct ThemeShare {
    /// The theme.
    pub theme: Theme,
    /// Its share of the project in per cent, where stated.
    pub percentage: Option<Decimal>,
}

impl Place {
    /// A place, with its country on a level of its own.
    pub fn new(p: &model::Place) -> Self {
        Self {
            name: p.name.clone(),
            country: Country(Item::single(p.country)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn converted_amounts_are_shown_to_the_cent_halves_away_from_zero() {
        let d = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
        assert_eq!(shown(d("60604850.93574864508"), 2).0, d("60604850.94"));
        assert_eq!(shown(d("0.125"), 2).0, d("0.13"));
        assert_eq!(shown(d("-0.125"), 2).0, d("-0.13"));
        assert_eq!(shown(d("500000.00"), 2).0.to_string(), "500000");
        assert_eq!(shown(d("95.42974268066365675"), 10).0, d("95.4297426807"));
    }
}
