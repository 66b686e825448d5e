//! `fundingPaths`' types: a path of money, step by step. The search is the query
//! layer's.

use async_graphql::{Object, Union};
use coopgraph_data::query;
use coopgraph_model as model;

use super::{Contribution, Organisation, Programme, Project};
use crate::api::batch::Item;

/// A record money passes on its way: an organisation, a programme or a project.
#[derive(Union, Clone)]
pub enum FundingNode {
    /// An organisation: a donor, a fund, a channel, an implementer.
    Organisation(Organisation),
    /// A programme.
    Programme(Programme),
    /// A project.
    Project(Project),
}

impl From<model::Recipient> for FundingNode {
    fn from(r: model::Recipient) -> Self {
        match r {
            model::Recipient::Organisation(o) => Self::Organisation(Organisation(Item::single(o))),
            model::Recipient::Programme(p) => Self::Programme(Programme(Item::single(p))),
            model::Recipient::Project(p) => Self::Project(Project(Item::single(p))),
        }
    }
}

/// One way money goes from a donor to an organisation, programme or project.
pub struct FundingPath(pub query::Path);

/// One way money goes from a donor to an organisation, programme or project.
#[Object]
impl FundingPath {
    /// The steps, from the donor on.
    async fn steps(&self) -> Vec<FundingStep> {
        self.0.steps.iter().map(|&s| FundingStep(s)).collect()
    }

    /// How many steps it takes.
    async fn hops(&self) -> i32 {
        i32::try_from(self.0.steps.len()).unwrap_or(i32::MAX)
    }
}

/// One step of a funding path.
pub struct FundingStep(pub query::Step);

/// One step of a funding path: money paid (`contribution`), or a link the data
/// states without a flow (a FUNDING role in a programme or project, a programme's
/// project or sub-programme), where `contribution` is null.
#[Object]
impl FundingStep {
    /// Where the money comes from.
    async fn from(&self) -> FundingNode {
        self.0.from.into()
    }

    /// Where it goes.
    async fn to(&self) -> FundingNode {
        self.0.to.into()
    }

    /// The contribution that moves the money; null for a link without a flow.
    async fn contribution(&self) -> Option<Contribution> {
        self.0.contribution.map(|c| Contribution(Item::single(c)))
    }

    /// The organisation the money passed through, as the contribution names it
    /// (UNDP for Japan's grant to STAGE).
    async fn channel(&self) -> Option<Organisation> {
        self.0.channel.map(|o| Organisation(Item::single(o)))
    }
}
