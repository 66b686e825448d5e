//! One file per GraphQL type; the root query and what the types share live here.

mod activity;
mod contribution;
mod country;
mod enums;
mod organisation;
mod paths;
mod programme;
mod project;
mod root;
mod summary;
mod values;

use async_graphql::{Context, Interface, Union};
use std::borrow::Cow;

use coopgraph_data::Store;
use coopgraph_data::query::{Order, Record};

pub use activity::Activity;
pub use contribution::Contribution;
pub use country::Country;
pub use enums::*;
pub use organisation::Organisation;
pub(crate) use organisation::with_role;
pub use paths::FundingPath;
pub use programme::Programme;
pub use project::Project;
pub use root::Query;
pub(crate) use root::{
    activities as root_activities, contributions as root_contributions,
    organisations as root_organisations, programmes as root_programmes, projects as root_projects,
};
pub(crate) use summary::{FundingFilter, SummaryGroup, SummaryMeasure};
pub use values::*;

use super::Snapshot;
use super::batch::{Item, Level};
use super::budget::{Deadline, Lookups};
use super::page::{Page, PageArgs, connection};

/// The dataset this request reads.
pub fn store<'a>(ctx: &Context<'a>) -> &'a Store {
    &ctx.data_unchecked::<Snapshot>().0
}

/// Anything with a global id, to fetch again with `node` or `nodes`.
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "async_graphql::ID",
    desc = "An opaque id, unique across all types and stable across reloads of the dataset."
))]
pub enum Node {
    /// An organisation.
    Organisation(Organisation),
    /// A programme.
    Programme(Programme),
    /// A project.
    Project(Project),
    /// An activity.
    Activity(Activity),
    /// A contribution.
    Contribution(Contribution),
    /// A country.
    Country(Country),
}

connection!(
    OrganisationConnection,
    OrganisationEdge,
    Organisation,
    "organisations"
);
connection!(ProgrammeConnection, ProgrammeEdge, Programme, "programmes");
connection!(ProjectConnection, ProjectEdge, Project, "projects");
connection!(ActivityConnection, ActivityEdge, Activity, "activities");
connection!(
    ContributionConnection,
    ContributionEdge,
    Contribution,
    "contributions"
);

/// A record `search` found: an organisation, programme, project or activity.
#[derive(Union)]
pub enum SearchResult {
    /// An organisation.
    Organisation(Organisation),
    /// A programme.
    Programme(Programme),
    /// A project.
    Project(Project),
    /// An activity.
    Activity(Activity),
}

/// What an IATI activity became: a programme when other activities name it as
/// their parent, else a project.
#[derive(Union, Clone)]
pub enum IatiActivity {
    /// An activity other activities name as their parent.
    Programme(Programme),
    /// Any other activity.
    Project(Project),
}

/// What a contribution is paid to: an organisation, a programme or a project.
#[derive(Union)]
pub enum Recipient {
    /// An organisation.
    Organisation(Organisation),
    /// A programme.
    Programme(Programme),
    /// A project.
    Project(Project),
}

/// A page of a list computed at the root: only the page's records form the first
/// level, so nested fields cost as much as the page, not the list.
pub fn root_page<Id, R>(
    ctx: &Context<'_>,
    ids: Cow<'_, [Id]>,
    args: &PageArgs,
    order: Order<Id>,
) -> R
where
    Id: Record + Send + Sync + 'static,
    R: From<Page<Item<Id>>>,
{
    if Deadline::passed(ctx) {
        return R::from(Page::new(Vec::new(), 0, 0, order));
    }
    Lookups::count(ctx);
    let w = args.window(store(ctx), &ids, order);
    let level = Level::new(ids[w.clone()].to_vec());
    R::from(Page::new(level.items(), w.start, ids.len(), order))
}

/// A page of the records related to `item`, in `order`, computed for its whole
/// level at once.
pub fn nested_page<P, C, R>(
    ctx: &Context<'_>,
    item: &Item<P>,
    key: &str,
    args: &PageArgs,
    order: Order<C>,
    load: impl FnOnce(&[P]) -> Vec<Vec<C>>,
) -> R
where
    P: Copy + Send + Sync + 'static,
    C: Record + Send + Sync + 'static,
    R: From<Page<Item<C>>>,
{
    let s = store(ctx);
    let (nodes, start, total) = item.related(ctx, &format!("{key}{args:?}"), load, |list| {
        args.window(s, list, order)
    });
    R::from(Page::new(nodes, start, total, order))
}

/// Every record related to `item`, computed for its whole level at once.
pub fn nested_list<P, C, T>(
    ctx: &Context<'_>,
    item: &Item<P>,
    key: &str,
    load: impl FnOnce(&[P]) -> Vec<Vec<C>>,
) -> Vec<T>
where
    P: Copy + Send + Sync + 'static,
    C: Copy + Send + Sync + 'static,
    T: From<Item<C>>,
{
    item.related(ctx, key, load, |list| 0..list.len())
        .0
        .into_iter()
        .map(T::from)
        .collect()
}
