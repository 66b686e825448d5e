//! `Organisation`: any actor, and the filter over organisations.

use async_graphql::{Context, ID, InputObject, Object, Result};
use coopgraph_data::query::Order;
use coopgraph_macros::connections;
use coopgraph_model::{self as model, OrganisationId, Recipient};

use crate::api::id::{Kind, encode};
use crate::api::scalars::CountryCode;
use coopgraph_data::query;

use super::{
    ContributionConnection, Country, NameOrderField, OrderDirection, OrganisationKind,
    ProgrammeConnection, ProjectConnection, Role, Source, nested_list, nested_page, store,
};
use crate::api::batch::Item;

/// Any actor: a government, a ministry, a union, an agency, a fund, a company.
#[derive(Clone)]
pub struct Organisation(pub Item<OrganisationId>);

impl From<Item<OrganisationId>> for Organisation {
    fn from(item: Item<OrganisationId>) -> Self {
        Self(item)
    }
}

impl Organisation {
    fn record<'c>(&self, ctx: &Context<'c>) -> &'c model::Organisation {
        store(ctx).organisation(self.0.id)
    }
}

/// Any actor: a government, a ministry, a union, an agency, a fund, a company.
#[connections]
#[Object]
impl Organisation {
    /// An opaque id, unique across all types and stable across reloads.
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
        encode(Kind::Organisation, self.record(ctx).slug.as_str())
    }

    /// A readable id, unique among organisations: `ilo`, `mhlw`.
    async fn slug<'c>(&self, ctx: &Context<'c>) -> &'c str {
        self.record(ctx).slug.as_str()
    }

    /// The full name.
    async fn name<'c>(&self, ctx: &Context<'c>) -> &'c str {
        &self.record(ctx).name
    }

    /// The short name, such as "MHLW".
    async fn acronym<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.record(ctx).acronym.as_deref()
    }

    /// What sort of actor it is.
    async fn kind(&self, ctx: &Context<'_>) -> OrganisationKind {
        self.record(ctx).kind.into()
    }

    /// Its IATI organisation identifier, such as "XM-DAC-41302", where known.
    async fn iati_ref<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.record(ctx).iati_ref.as_deref()
    }

    /// The organisation it is part of: a ministry's government, an office's agency.
    async fn parent(&self, ctx: &Context<'_>) -> Option<Organisation> {
        let s = store(ctx);
        self.0
            .link(ctx, "parent", |id| s.organisation(id).parent)
            .map(Organisation)
    }

    /// The organisations directly part of it: its ministries, its offices.
    async fn children(&self, ctx: &Context<'_>) -> Vec<Organisation> {
        let s = store(ctx);
        nested_list(ctx, &self.0, "children", |ids| {
            s.children_of(ids).into_iter().map(<[_]>::to_vec).collect()
        })
    }

    /// The country it is based in, where known.
    async fn country(&self, ctx: &Context<'_>) -> Option<Country> {
        let s = store(ctx);
        self.0
            .link(ctx, "country", |id| s.organisation(id).country)
            .map(Country)
    }

    /// Names it was known by before, such as "Ministry of Labour".
    async fn former_names<'c>(&self, ctx: &Context<'c>) -> &'c [String] {
        &self.record(ctx).former_names
    }

    /// What the source says of it.
    async fn description<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.record(ctx).description.as_deref()
    }

    /// The roles it holds anywhere: in programmes and projects, and as the payer
    /// (FUNDING) or channel (EXTENDING) of a contribution.
    async fn roles(&self, ctx: &Context<'_>) -> Vec<Role> {
        store(ctx)
            .roles(self.0.id)
            .iter()
            .map(|&r| r.into())
            .collect()
    }

    /// The programmes it takes part in, in the order of the dataset.
    #[page]
    async fn programmes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only those where it holds this role.")] role: Option<Role>,
    ) -> Result<ProgrammeConnection> {
        let s = store(ctx);
        let role = role.map(model::Role::from);
        Ok(nested_page(
            ctx,
            &self.0,
            &format!("programmes{role:?}"),
            &page,
            Order::Dataset,
            |ids| {
                s.programmes_of(ids)
                    .into_iter()
                    .map(|l| with_role(l, role))
                    .collect()
            },
        ))
    }

    /// The projects it takes part in, in the order of the dataset.
    #[page]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only those where it holds this role.")] role: Option<Role>,
    ) -> Result<ProjectConnection> {
        let s = store(ctx);
        let role = role.map(model::Role::from);
        Ok(nested_page(
            ctx,
            &self.0,
            &format!("projects{role:?}"),
            &page,
            Order::Dataset,
            |ids| {
                s.projects_of_organisations(ids)
                    .into_iter()
                    .map(|l| with_role(l, role))
                    .collect()
            },
        ))
    }

    /// The contributions it paid, in the order of the dataset.
    #[page]
    async fn contributions_made(&self, ctx: &Context<'_>) -> Result<ContributionConnection> {
        let s = store(ctx);
        Ok(nested_page(
            ctx,
            &self.0,
            "contributionsMade",
            &page,
            Order::Dataset,
            |ids| {
                s.contributions_from(ids)
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
                let to: Vec<_> = ids.iter().map(|&o| Recipient::Organisation(o)).collect();
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

/// The records of a participation list, keeping those in `role` when given.
pub(crate) fn with_role<T: Copy>(list: &[(T, model::Role)], role: Option<model::Role>) -> Vec<T> {
    list.iter()
        .filter(|(_, r)| role.is_none_or(|role| *r == role))
        .map(|(id, _)| *id)
        .collect()
}

/// Which organisations to list. Fields combine with AND; the values in one list
/// with OR.
#[derive(InputObject, Default, Debug)]
pub struct OrganisationFilter {
    /// Holding any of these roles anywhere.
    pub role: Option<Vec<Role>>,
    /// Of any of these kinds.
    pub kind: Option<Vec<OrganisationKind>>,
    /// Based in any of these countries.
    pub country: Option<Vec<CountryCode>>,
    /// Whose name, acronym, former names or description contain every word of
    /// this text, ignoring case and diacritics.
    pub text: Option<String>,
}

/// How to sort organisations.
#[derive(InputObject, Default, Debug)]
pub struct OrganisationOrder {
    /// What to sort by.
    #[graphql(default)]
    pub field: NameOrderField,
    /// Which way.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl From<OrganisationFilter> for query::OrganisationFilter {
    fn from(f: OrganisationFilter) -> Self {
        Self {
            role: f.role.map(|rs| rs.into_iter().map(Into::into).collect()),
            kind: f.kind.map(|ks| ks.into_iter().map(Into::into).collect()),
            country: f.country.map(|cs| cs.into_iter().map(|c| c.0).collect()),
            text: f.text,
        }
    }
}
