//! `Contribution`: one flow of money, and the filter over contributions.

use async_graphql::{Context, ID, InputObject, Object};
use coopgraph_model::{self as model, ContributionId};

use crate::api::id::{Kind, encode};
use crate::api::scalars::{Decimal, PartialDate};
use coopgraph_data::query;

use super::{
    ContributionKind, ContributionOrderField, Money, OrderDirection, Organisation, Period,
    Programme, Project, Recipient, Source, store,
};
use crate::api::batch::Item;

/// One flow of money from an organisation to an organisation, programme or
/// project: the edges along which money can be followed.
#[derive(Clone)]
pub struct Contribution(pub Item<ContributionId>);

impl From<Item<ContributionId>> for Contribution {
    fn from(item: Item<ContributionId>) -> Self {
        Self(item)
    }
}

impl Contribution {
    fn record<'c>(&self, ctx: &Context<'c>) -> &'c model::Contribution {
        store(ctx).contribution(self.0.id)
    }
}

/// One flow of money from an organisation to an organisation, programme or
/// project: the edges along which money can be followed.
#[Object]
impl Contribution {
    /// An opaque id, unique across all types and stable across reloads.
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
        encode(Kind::Contribution, self.record(ctx).slug.as_str())
    }

    /// A readable id, unique among contributions.
    async fn slug<'c>(&self, ctx: &Context<'c>) -> &'c str {
        self.record(ctx).slug.as_str()
    }

    /// Who pays.
    async fn from(&self, ctx: &Context<'_>) -> Organisation {
        let s = store(ctx);
        let from = self.0.link(ctx, "from", |id| Some(s.contribution(id).from));
        Organisation(from.unwrap_or_else(|| Item::single(self.record(ctx).from)))
    }

    /// Who or what is paid: an organisation, a programme or a project; null where
    /// the source names no recipient (All NTT's support of events held in Japan).
    async fn to(&self, ctx: &Context<'_>) -> Option<Recipient> {
        let s = store(ctx);
        let to = |id| s.contribution(id).to;
        // One level per recipient type, so that the fields below each batch too.
        Some(match self.record(ctx).to? {
            model::Recipient::Organisation(o) => {
                let pick = |r| {
                    if let Some(model::Recipient::Organisation(o)) = r {
                        Some(o)
                    } else {
                        None
                    }
                };
                let item = self.0.link(ctx, "toOrganisation", |id| pick(to(id)));
                Recipient::Organisation(Organisation(item.unwrap_or_else(|| Item::single(o))))
            }
            model::Recipient::Programme(p) => {
                let pick = |r| {
                    if let Some(model::Recipient::Programme(p)) = r {
                        Some(p)
                    } else {
                        None
                    }
                };
                let item = self.0.link(ctx, "toProgramme", |id| pick(to(id)));
                Recipient::Programme(Programme(item.unwrap_or_else(|| Item::single(p))))
            }
            model::Recipient::Project(p) => {
                let pick = |r| {
                    if let Some(model::Recipient::Project(p)) = r {
                        Some(p)
                    } else {
                        None
                    }
                };
                let item = self.0.link(ctx, "toProject", |id| pick(to(id)));
                Recipient::Project(Project(item.unwrap_or_else(|| Item::single(p))))
            }
        })
    }

    /// What sort of flow it is.
    async fn kind(&self, ctx: &Context<'_>) -> ContributionKind {
        self.record(ctx).kind.into()
    }

    /// How much, where the source says.
    async fn amount(&self, ctx: &Context<'_>) -> Option<Money> {
        let c = self.record(ctx);
        c.amount.as_ref().map(|m| Money::dated(m, c.value_date()))
    }

    /// The same amount in another currency, as the source gives it: Japan's
    /// SFr 65,640,508 is "approx. US$58 million". Never a conversion of ours.
    async fn equivalent(&self, ctx: &Context<'_>) -> Option<Money> {
        let c = self.record(ctx);
        c.equivalent
            .as_ref()
            .map(|m| Money::dated(m, c.value_date()))
    }

    /// When, for a single payment, at the source's precision.
    async fn date(&self, ctx: &Context<'_>) -> Option<PartialDate> {
        self.record(ctx).date.map(PartialDate)
    }

    /// The date the amount's currency value is taken at, where it differs from
    /// `date` (an IATI transaction's `value-date`).
    async fn value_date(&self, ctx: &Context<'_>) -> Option<PartialDate> {
        self.record(ctx).value_date.map(PartialDate)
    }

    /// Over which span of time, for a flow that lasts; empty for a single payment.
    async fn period(&self, ctx: &Context<'_>) -> Period {
        Period(self.record(ctx).period)
    }

    /// The share of a total it represents, in per cent, such as "16.632".
    async fn share(&self, ctx: &Context<'_>) -> Option<Decimal> {
        self.record(ctx).share.map(|s| Decimal(s.percent()))
    }

    /// The organisation the money passed through on its way.
    async fn channel(&self, ctx: &Context<'_>) -> Option<Organisation> {
        let s = store(ctx);
        self.0
            .link(ctx, "channel", |id| s.contribution(id).channel)
            .map(Organisation)
    }

    /// The larger pledge or grant this payment is part of, such as Japan's US$5
    /// million pledge for the US$500,000 it paid to STAGE: sums never count both.
    async fn part_of(&self, ctx: &Context<'_>) -> Option<Contribution> {
        let s = store(ctx);
        self.0
            .link(ctx, "partOf", |id| s.contribution(id).part_of)
            .map(Contribution)
    }

    /// Whether `amount` is per year ("approx. US$25 million every year") rather
    /// than paid once; sums keep such amounts apart from one-off amounts.
    async fn per_year(&self, ctx: &Context<'_>) -> bool {
        self.record(ctx).per_year
    }

    /// What the money is for, in the source's words.
    async fn description<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.record(ctx).description.as_deref()
    }

    /// Where the record comes from.
    async fn source<'c>(&self, ctx: &Context<'c>) -> Source<'c> {
        Source(&self.record(ctx).source)
    }
}

/// Which contributions to list. Fields combine with AND; the values in one list
/// with OR.
#[derive(InputObject, Default, Debug)]
pub struct ContributionFilter {
    /// Paid by any of these organisations (slugs).
    pub from: Option<Vec<String>>,
    /// Paid to any of these organisations, programmes or projects (slugs).
    pub to: Option<Vec<String>>,
    /// Of any of these kinds.
    pub kind: Option<Vec<ContributionKind>>,
    /// Made in this year: by its date, or by a period that covers the year.
    pub year: Option<i32>,
}

/// How to sort contributions.
#[derive(InputObject, Default, Debug)]
pub struct ContributionOrder {
    /// What to sort by.
    #[graphql(default)]
    pub field: ContributionOrderField,
    /// Which way.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl From<ContributionFilter> for query::ContributionFilter {
    fn from(f: ContributionFilter) -> Self {
        Self {
            from: f.from,
            to: f.to,
            kind: f.kind.map(|ks| ks.into_iter().map(Into::into).collect()),
            year: f.year,
        }
    }
}
