//! `Programme`: a named vehicle under which projects run, and its filter.

use async_graphql::{Context, ID, InputObject, Object, Result};
use coopgraph_data::query::Order;
use coopgraph_macros::connections;
use coopgraph_model::{self as model, ProgrammeId, Recipient};

use crate::api::id::{Kind, encode};
use coopgraph_data::query;

use super::{
    Budget, ContributionConnection, FundingModality, NameOrderField, OrderDirection, Organisation,
    Participation, Period, ProjectConnection, Source, nested_list, nested_page, store,
};
use crate::api::batch::Item;

/// A named vehicle under which projects run: the ILO/Japan Multi-bilateral
/// Programme, a trust fund, an emergency grant.
#[derive(Clone)]
pub struct Programme(pub Item<ProgrammeId>);

impl From<Item<ProgrammeId>> for Programme {
    fn from(item: Item<ProgrammeId>) -> Self {
        Self(item)
    }
}

impl Programme {
    fn record<'c>(&self, ctx: &Context<'c>) -> &'c model::Programme {
        store(ctx).programme(self.0.id)
    }
}

/// A named vehicle under which projects run: the ILO/Japan Multi-bilateral
/// Programme, a trust fund, an emergency grant.
#[connections]
#[Object]
impl Programme {
    /// An opaque id, unique across all types and stable across reloads.
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
        encode(Kind::Programme, self.record(ctx).slug.as_str())
    }

    /// A readable id, unique among programmes: `skills-ap`.
    async fn slug<'c>(&self, ctx: &Context<'c>) -> &'c str {
        self.record(ctx).slug.as_str()
    }

    /// The full name.
    async fn name<'c>(&self, ctx: &Context<'c>) -> &'c str {
        &self.record(ctx).name
    }

    /// The short name, such as "SKILLS-AP".
    async fn acronym<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.record(ctx).acronym.as_deref()
    }

    /// How it is funded, where the source says.
    async fn modality(&self, ctx: &Context<'_>) -> Option<FundingModality> {
        self.record(ctx).modality.map(Into::into)
    }

    /// When it runs.
    async fn period(&self, ctx: &Context<'_>) -> Period {
        Period(self.record(ctx).period)
    }

    /// The IATI activity identifier, for a programme read from an IATI file (an
    /// activity that others name as their parent).
    async fn iati_identifier<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        Some(&self.record(ctx).iati.as_ref()?.identifier)
    }

    /// The budgets its IATI activity states; empty for other programmes.
    async fn budgets(&self, ctx: &Context<'_>) -> Vec<Budget> {
        let iati = self.record(ctx).iati.as_deref();
        iati.map_or(Vec::new(), |i| i.budgets.iter().map(Budget::from).collect())
    }

    /// What the source says of it.
    async fn description<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.record(ctx).description.as_deref()
    }

    /// The programme it runs within, such as IPEC for SCREAM.
    async fn parent(&self, ctx: &Context<'_>) -> Option<Programme> {
        let s = store(ctx);
        self.0
            .link(ctx, "parent", |id| s.programme(id).parent)
            .map(Programme)
    }

    /// The programme it grew out of, such as APSDEP for SKILLS-AP.
    async fn predecessor(&self, ctx: &Context<'_>) -> Option<Programme> {
        let s = store(ctx);
        self.0
            .link(ctx, "predecessor", |id| s.programme(id).predecessor)
            .map(Programme)
    }

    /// Who funds, administers and implements it.
    async fn participants(&self, ctx: &Context<'_>) -> Vec<Participation> {
        let s = store(ctx);
        let orgs: Vec<Organisation> = nested_list(ctx, &self.0, "participants", |ids| {
            ids.iter()
                .map(|&p| {
                    s.programme(p)
                        .participants
                        .iter()
                        .map(|x| x.organisation)
                        .collect()
                })
                .collect()
        });
        let roles = s
            .programme(self.0.id)
            .participants
            .iter()
            .map(|p| p.role.into());
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
                .map(|&p| funders(&s.programme(p).participants))
                .collect()
        })
    }

    /// The projects that belong to it, in the order of the dataset.
    #[page]
    async fn projects(&self, ctx: &Context<'_>) -> Result<ProjectConnection> {
        let s = store(ctx);
        Ok(nested_page(
            ctx,
            &self.0,
            "projects",
            &page,
            Order::Dataset,
            |ids| {
                s.projects_of_programmes(ids)
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
                let to: Vec<_> = ids.iter().map(|&p| Recipient::Programme(p)).collect();
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

/// The organisations in the FUNDING role of a participation list.
pub(super) fn funders(list: &[model::Participation]) -> Vec<model::OrganisationId> {
    list.iter()
        .filter(|p| p.role == model::Role::Funding)
        .map(|p| p.organisation)
        .collect()
}

/// Which programmes to list. Fields combine with AND; the values in one list with OR.
#[derive(InputObject, Default, Debug)]
pub struct ProgrammeFilter {
    /// Funded by any of these organisations (slugs), as FUNDING participants.
    pub donor: Option<Vec<String>>,
    /// Funded in any of these ways.
    pub modality: Option<Vec<FundingModality>>,
    /// Whose name, acronym or description contain every word of this text,
    /// ignoring case and diacritics.
    pub text: Option<String>,
}

/// How to sort programmes.
#[derive(InputObject, Default, Debug)]
pub struct ProgrammeOrder {
    /// What to sort by.
    #[graphql(default)]
    pub field: NameOrderField,
    /// Which way.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl From<ProgrammeFilter> for query::ProgrammeFilter {
    fn from(f: ProgrammeFilter) -> Self {
        Self {
            donor: f.donor,
            modality: f
                .modality
                .map(|ms| ms.into_iter().map(Into::into).collect()),
            text: f.text,
        }
    }
}
