//! `Project`: one piece of work, and the filter over projects.

use async_graphql::{Context, ID, InputObject, Object, Result};
use coopgraph_data::query;
use coopgraph_data::query::Order;
use coopgraph_macros::connections;
use coopgraph_model::{self as model, ProjectId, Recipient};

use super::programme::funders;
use super::{
    ActivityConnection, ActivityStatus, Budget, ContributionConnection, Country, CountryShare,
    Money, OrderDirection, Organisation, Participation, Period, Place, Programme,
    ProjectOrderField, Source, Theme, ThemeShare, nested_list, nested_page, store,
};
use crate::api::batch::Item;
use crate::api::id::{Kind, encode};
use crate::api::scalars::CountryCode;
use crate::api::scalars::Decimal;

/// One piece of work: what it aims at, where and when, for how much, who funds and
/// who carries it out, and its activities.
#[derive(Clone)]
pub struct Project(pub Item<ProjectId>);

impl From<Item<ProjectId>> for Project {
    fn from(item: Item<ProjectId>) -> Self {
        Self(item)
    }
}

impl Project {
    fn record<'c>(&self, ctx: &Context<'c>) -> &'c model::Project {
        store(ctx).project(self.0.id)
    }
}

/// One piece of work: what it aims at, where and when, for how much, who funds and
/// who carries it out, and its activities.
#[connections]
#[Object]
impl Project {
    /// An opaque id, unique across all types and stable across reloads.
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
        encode(Kind::Project, self.record(ctx).slug.as_str())
    }

    /// A readable id, unique among projects.
    async fn slug<'c>(&self, ctx: &Context<'c>) -> &'c str {
        self.record(ctx).slug.as_str()
    }

    /// The title, as the source gives it.
    async fn title<'c>(&self, ctx: &Context<'c>) -> &'c str {
        &self.record(ctx).title
    }

    /// The short name, such as "STAGE".
    async fn acronym<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.record(ctx).acronym.as_deref()
    }

    /// What it aims to do.
    async fn objective<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.record(ctx).objective.as_deref()
    }

    /// The countries it works in; `countryShares` gives each one's share where an
    /// IATI activity states it.
    async fn countries(&self, ctx: &Context<'_>) -> Vec<Country> {
        let s = store(ctx);
        nested_list(ctx, &self.0, "countries", |ids| {
            ids.iter()
                .map(|&p| s.project(p).countries.clone())
                .collect()
        })
    }

    /// The places it works in, within its countries.
    async fn places(&self, ctx: &Context<'_>) -> Vec<Place> {
        self.record(ctx).places.iter().map(Place::new).collect()
    }

    /// When it runs.
    async fn period(&self, ctx: &Context<'_>) -> Period {
        Period(self.record(ctx).period)
    }

    /// Its budget, where the source gives one. For an IATI activity: the sum of its
    /// budgets, a revised budget replacing the original for its period, when all are
    /// in one currency.
    async fn budget(&self, ctx: &Context<'_>) -> Option<Money> {
        let p = self.record(ctx);
        p.budget.as_ref().map(|m| Money::dated(m, p.period.start()))
    }

    /// The IATI activity identifier, for a project read from an IATI file.
    async fn iati_identifier<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        Some(&self.record(ctx).iati.as_ref()?.identifier)
    }

    /// The budgets an IATI activity states, one per period and revision, in the
    /// file's order; empty for other projects.
    async fn budgets(&self, ctx: &Context<'_>) -> Vec<Budget> {
        let iati = self.record(ctx).iati.as_deref();
        iati.map_or(Vec::new(), |i| i.budgets.iter().map(Budget::from).collect())
    }

    /// The countries an IATI activity works in, with the share of each where stated;
    /// empty for other projects.
    async fn country_shares(&self, ctx: &Context<'_>) -> Vec<CountryShare> {
        let iati = self.record(ctx).iati.as_deref();
        iati.map_or(Vec::new(), |i| {
            i.country_shares
                .iter()
                .map(|c| CountryShare {
                    country: Country(Item::single(c.country)),
                    percentage: c.percentage.map(|p| Decimal(p.percent())),
                })
                .collect()
        })
    }

    /// The themes (IATI sectors) of an IATI activity, with the share of each where
    /// stated; empty for other projects.
    async fn theme_shares(&self, ctx: &Context<'_>) -> Vec<ThemeShare> {
        let s = store(ctx);
        let iati = self.record(ctx).iati.as_deref();
        iati.map_or(Vec::new(), |i| {
            i.theme_shares
                .iter()
                .map(|t| ThemeShare {
                    theme: s.theme(t.theme).into(),
                    percentage: t.percentage.map(|p| Decimal(p.percent())),
                })
                .collect()
        })
    }

    /// Where an IATI activity stands in its life, where it says.
    async fn status(&self, ctx: &Context<'_>) -> Option<ActivityStatus> {
        Some(self.record(ctx).iati.as_ref()?.status?.into())
    }

    /// The language of the title and objective, as an ISO 639-1 code, for an IATI
    /// activity: English where the activity gives it, else the first given.
    async fn language<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.record(ctx).iati.as_ref()?.language.as_deref()
    }

    /// Its themes.
    async fn themes(&self, ctx: &Context<'_>) -> Vec<Theme> {
        let s = store(ctx);
        self.record(ctx)
            .themes
            .iter()
            .map(|&t| s.theme(t).into())
            .collect()
    }

    /// The programme it belongs to.
    async fn programme(&self, ctx: &Context<'_>) -> Option<Programme> {
        let s = store(ctx);
        self.0
            .link(ctx, "programme", |id| s.project(id).programme)
            .map(Programme)
    }

    /// Who funds it, the channels the money passed through, who implements it.
    async fn participants(&self, ctx: &Context<'_>) -> Vec<Participation> {
        let s = store(ctx);
        let orgs: Vec<Organisation> = nested_list(ctx, &self.0, "participants", |ids| {
            ids.iter()
                .map(|&p| {
                    s.project(p)
                        .participants
                        .iter()
                        .map(|x| x.organisation)
                        .collect()
                })
                .collect()
        });
        let roles = self.record(ctx).participants.iter().map(|p| p.role.into());
        orgs.into_iter()
            .zip(roles)
            .map(|(organisation, role)| Participation { organisation, role })
            .collect()
    }

    /// The organisations that fund it: its participants in the FUNDING role.
    async fn donors(&self, ctx: &Context<'_>) -> Vec<Organisation> {
        let s = store(ctx);
        nested_list(ctx, &self.0, "donors", |ids| {
            ids.iter()
                .map(|&p| funders(&s.project(p).participants))
                .collect()
        })
    }

    /// The organisations that carry it out: its participants in the IMPLEMENTING role.
    async fn implementers(&self, ctx: &Context<'_>) -> Vec<Organisation> {
        let s = store(ctx);
        nested_list(ctx, &self.0, "implementers", |ids| {
            ids.iter()
                .map(|&p| in_role(&s.project(p).participants, model::Role::Implementing))
                .collect()
        })
    }

    /// Its activities, in work-plan order.
    #[page]
    async fn activities(&self, ctx: &Context<'_>) -> Result<ActivityConnection> {
        let s = store(ctx);
        Ok(nested_page(
            ctx,
            &self.0,
            "activities",
            &page,
            Order::Dataset,
            |ids| {
                s.activities_of(ids)
                    .into_iter()
                    .map(<[_]>::to_vec)
                    .collect()
            },
        ))
    }

    /// The contributions paid to it, in the order of the dataset.
    #[page]
    async fn contributions_received(&self, ctx: &Context<'_>) -> Result<ContributionConnection> {
        let s = store(ctx);
        Ok(nested_page(
            ctx,
            &self.0,
            "contributionsReceived",
            &page,
            Order::Dataset,
            |ids| {
                let to: Vec<_> = ids.iter().map(|&p| Recipient::Project(p)).collect();
                s.contributions_to(&to)
                    .into_iter()
                    .map(<[_]>::to_vec)
                    .collect()
            },
        ))
    }

    /// Where the record comes from.
    async fn source<'c>(&self, ctx: &Context<'c>) -> Source<'c> {
        Source(&self.record(ctx).source)
    }
}

fn in_role(list: &[model::Participation], role: model::Role) -> Vec<model::OrganisationId> {
    list.iter()
        .filter(|p| p.role == role)
        .map(|p| p.organisation)
        .collect()
}

/// Which projects to list. Fields combine with AND; the values in one list with OR.
#[derive(InputObject, Default, Debug)]
pub struct ProjectFilter {
    /// Funded by any of these organisations (slugs), as FUNDING participants.
    pub donor: Option<Vec<String>>,
    /// Belonging to any of these programmes (slugs) or to a programme within them.
    pub programme: Option<Vec<String>>,
    /// Carried out by any of these organisations (slugs), as IMPLEMENTING participants.
    pub implementer: Option<Vec<String>>,
    /// Working in any of these countries.
    pub country: Option<Vec<CountryCode>>,
    /// With any of these themes (slugs).
    pub theme: Option<Vec<String>>,
    /// Running at some time in this year.
    pub active_in: Option<i32>,
    /// Whose title, acronym, objective, places or activities contain every word of
    /// this text, ignoring case and diacritics.
    pub text: Option<String>,
}

/// How to sort projects.
#[derive(InputObject, Default, Debug)]
pub struct ProjectOrder {
    /// What to sort by.
    #[graphql(default)]
    pub field: ProjectOrderField,
    /// Which way.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl From<ProjectFilter> for query::ProjectFilter {
    fn from(f: ProjectFilter) -> Self {
        Self {
            donor: f.donor,
            programme: f.programme,
            implementer: f.implementer,
            country: f.country.map(|cs| cs.into_iter().map(|c| c.0).collect()),
            theme: f.theme,
            active_in: f.active_in,
            text: f.text,
        }
    }
}
