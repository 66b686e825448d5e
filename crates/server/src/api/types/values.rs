//! Value types: money, periods, sources, participations, places and themes.

use async_graphql::{Context, Object, SimpleObject};
use coopgraph_model as model;

use super::{Country, Organisation, Role, store};
use crate::api::batch::Item;
use crate::api::scalars::{CurrencyCode, Decimal, PartialDate};

/// An exact amount of money in one currency.
#[derive(SimpleObject, Clone, Debug)]
pub struct Money {
    /// The exact amount, as a decimal string.
    pub amount: Decimal,
    /// The currency: SFr is CHF, US$ is USD.
    pub currency: CurrencyCode,
    /// Whether the source gives the figure as approximate ("approx. US$58 million").
    pub approximate: bool,
    /// The figure as the source wrote it, such as "SFr 65,640,508".
    pub text: Option<String>,
}

impl From<&model::Money> for Money {
    fn from(m: &model::Money) -> Self {
        Self {
            amount: Decimal(m.amount()),
            currency: CurrencyCode(m.currency()),
            approximate: m.approximate(),
            text: m.text().map(str::to_owned),
        }
    }
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

/// A theme of work that projects are grouped by.
#[derive(SimpleObject, Clone)]
pub struct Theme {
    /// Unique among themes; what the `theme` filters take.
    pub slug: String,
    /// The theme's name.
    pub name: String,
}

impl From<&model::Theme> for Theme {
    fn from(t: &model::Theme) -> Self {
        Self {
            slug: t.slug.to_string(),
            name: t.name.clone(),
        }
    }
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
