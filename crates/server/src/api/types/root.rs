//! The root query.

use async_graphql::{Context, ID, Object, Result};
use coopgraph_macros::connections;

use super::activity::ActivityFilter;
use super::contribution::{ContributionFilter, ContributionOrder};
use super::organisation::{OrganisationFilter, OrganisationOrder};
use super::programme::{ProgrammeFilter, ProgrammeOrder};
use super::project::{ProjectFilter, ProjectOrder};
use super::summary::{FundingFilter, FundingSummaryRow, SummaryGroup, SummaryMeasure};
use super::{
    Activity, ActivityConnection, Contribution, ContributionConnection, Country, FundingPath,
    IatiActivity, Node, Organisation, OrganisationConnection, Programme, ProgrammeConnection,
    Project, ProjectConnection, SearchResult, Theme, root_page, store,
};
use crate::api::batch::{Item, Level};
use crate::api::budget::Lookups;
use crate::api::id::{self, Kind};
use crate::api::scalars::{CountryCode, CurrencyCode};
use crate::error::{bad_input, refused};
use std::borrow::Cow;

use coopgraph_data::query::QueryError;
use coopgraph_data::query::{self, Hit, Order};
use coopgraph_data::{IatiRecord, NameSort, ProjectSort, Store};
use coopgraph_model::{ActivityId, ContributionId, OrganisationId, ProgrammeId, ProjectId};

/// The most ids `nodes` takes, and the most results `search` returns.
const MAX_IDS: usize = 100;

/// Development-cooperation funding: who funds what, through which programme and
/// channel, in which projects, doing which activities, where, when and for how much.
#[derive(Default)]
pub struct Query;

/// Development-cooperation funding: who funds what, through which programme and
/// channel, in which projects, doing which activities, where, when and for how much.
#[connections]
#[Object]
impl Query {
    /// Any record by its global id; null if no record has it.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id from any `id` field.")] id: ID,
    ) -> Option<Node> {
        Lookups::count(ctx);
        find_node(store(ctx), &id)
    }

    /// Records by their global ids, in the order asked; null where no record has
    /// the id. At most 100 ids.
    #[graphql(complexity = "ids.len().saturating_mul(child_complexity).saturating_add(1)")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ids from any `id` fields; at most 100.")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>> {
        if ids.len() > MAX_IDS {
            return Err(bad_input(format!(
                "`ids` holds {} ids; at most {MAX_IDS} are taken",
                ids.len()
            )));
        }
        Lookups::count(ctx);
        let s = store(ctx);
        Ok(ids.iter().map(|id| find_node(s, id)).collect())
    }

    /// One organisation by slug, such as `ilo` or `jtuc-rengo`; null if none has it.
    async fn organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation's slug.")] slug: String,
    ) -> Option<Organisation> {
        Lookups::count(ctx);
        store(ctx)
            .organisation_by_slug(&slug)
            .map(|id| Organisation(Item::single(id)))
    }

    /// One programme by slug, such as `skills-ap`; null if none has it.
    async fn programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The programme's slug.")] slug: String,
    ) -> Option<Programme> {
        Lookups::count(ctx);
        store(ctx)
            .programme_by_slug(&slug)
            .map(|id| Programme(Item::single(id)))
    }

    /// One project by slug, such as `timor-leste-stage`; null if none has it.
    async fn project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's slug.")] slug: String,
    ) -> Option<Project> {
        Lookups::count(ctx);
        store(ctx)
            .project_by_slug(&slug)
            .map(|id| Project(Item::single(id)))
    }

    /// The programme or project an IATI activity identifier names, such as
    /// `XM-DAC-41302-PRJ-1`: a programme when other activities name it as their
    /// parent, else a project; null if none has it.
    async fn iati_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The activity's IATI identifier, as its file writes it.")]
        identifier: String,
    ) -> Option<IatiActivity> {
        Lookups::count(ctx);
        Some(match store(ctx).by_iati_identifier(&identifier)? {
            IatiRecord::Programme(id) => IatiActivity::Programme(Programme(Item::single(id))),
            IatiRecord::Project(id) => IatiActivity::Project(Project(Item::single(id))),
        })
    }

    /// One country some project works in, by code; null if no project works there.
    async fn country(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An ISO 3166-1 alpha-2 code, such as \"VN\".")] code: CountryCode,
    ) -> Option<Country> {
        Lookups::count(ctx);
        store(ctx)
            .has_country(code.0)
            .then(|| Country(Item::single(code.0)))
    }

    /// Organisations, by name unless `orderBy` says otherwise.
    #[page]
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which organisations.")] filter: Option<OrganisationFilter>,
        #[graphql(desc = "How to sort them; by name by default.")] order_by: Option<
            OrganisationOrder,
        >,
    ) -> Result<OrganisationConnection> {
        let (ids, order) = organisations(store(ctx), query::Which::All, filter, order_by);
        Ok(root_page(ctx, ids, &page, order))
    }

    /// Donors: organisations with a FUNDING role anywhere (funding a programme or
    /// project, or paying a contribution), by name unless `orderBy` says otherwise.
    #[page]
    async fn donors(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which donors.")] filter: Option<OrganisationFilter>,
        #[graphql(desc = "How to sort them; by name by default.")] order_by: Option<
            OrganisationOrder,
        >,
    ) -> Result<OrganisationConnection> {
        let (ids, order) = organisations(store(ctx), query::Which::Donors, filter, order_by);
        Ok(root_page(ctx, ids, &page, order))
    }

    /// Programmes, by name unless `orderBy` says otherwise.
    #[page]
    async fn programmes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which programmes.")] filter: Option<ProgrammeFilter>,
        #[graphql(desc = "How to sort them; by name by default.")] order_by: Option<ProgrammeOrder>,
    ) -> Result<ProgrammeConnection> {
        let (ids, order) = programmes(store(ctx), filter, order_by).map_err(refused)?;
        Ok(root_page(ctx, ids, &page, order))
    }

    /// Projects, by title unless `orderBy` says otherwise.
    #[page]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which projects.")] filter: Option<ProjectFilter>,
        #[graphql(desc = "How to sort them; by title by default.")] order_by: Option<ProjectOrder>,
    ) -> Result<ProjectConnection> {
        let (ids, order) = projects(store(ctx), filter, order_by).map_err(refused)?;
        Ok(root_page(ctx, ids, &page, order))
    }

    /// Activities, by project in dataset order, then in work-plan order.
    #[page]
    async fn activities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which activities.")] filter: Option<ActivityFilter>,
    ) -> Result<ActivityConnection> {
        let (ids, order) = activities(store(ctx), filter).map_err(refused)?;
        Ok(root_page(ctx, ids, &page, order))
    }

    /// Contributions, oldest first unless `orderBy` says otherwise.
    #[page]
    async fn contributions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which contributions.")] filter: Option<ContributionFilter>,
        #[graphql(desc = "How to sort them; by date by default.")] order_by: Option<
            ContributionOrder,
        >,
    ) -> Result<ContributionConnection> {
        let (ids, order) = contributions(store(ctx), filter, order_by).map_err(refused)?;
        Ok(root_page(ctx, ids, &page, order))
    }

    /// Every country some project works in, by code.
    async fn countries(&self, ctx: &Context<'_>) -> Vec<Country> {
        Lookups::count(ctx);
        Level::new(store(ctx).countries().collect())
            .items()
            .into_iter()
            .map(Country)
            .collect()
    }

    /// Every theme projects are grouped by, by name.
    async fn themes(&self, ctx: &Context<'_>) -> Vec<Theme> {
        let mut themes: Vec<Theme> = store(ctx).themes().iter().map(Theme::from).collect();
        themes.sort_by_cached_key(|t| coopgraph_data::fold(&t.name));
        themes
    }

    /// Organisations, programmes, projects and activities whose text contains every
    /// word of `text` (ignoring case and diacritics), best match first.
    #[graphql(
        complexity = "(first.clamp(0, 100) as usize).saturating_mul(child_complexity).saturating_add(1)"
    )]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The words to look for: \"viet nam\", \"child labour\".")] text: String,
        #[graphql(desc = "How many results at most (up to 100).", default = 10)] first: i32,
    ) -> Result<Vec<SearchResult>> {
        let first = usize::try_from(first)
            .ok()
            .filter(|&n| n <= MAX_IDS)
            .ok_or_else(|| {
                bad_input(format!(
                    "`first: {first}` is out of range: search returns 0 to {MAX_IDS} results"
                ))
            })?;
        let Some(text) = query::TextQuery::new(&text) else {
            return Ok(Vec::new());
        };
        Lookups::count(ctx);
        let hits = query::search(store(ctx), &text, first);
        // One level per type, so that the fields of the results batch too.
        let (mut orgs, mut programmes, mut projects, mut activities) =
            <(Vec<_>, Vec<_>, Vec<_>, Vec<_>)>::default();
        for hit in &hits {
            match *hit {
                Hit::Organisation(x) => orgs.push(x),
                Hit::Programme(x) => programmes.push(x),
                Hit::Project(x) => projects.push(x),
                Hit::Activity(x) => activities.push(x),
            }
        }
        let (orgs, programmes, projects, activities) = (
            Level::new(orgs),
            Level::new(programmes),
            Level::new(projects),
            Level::new(activities),
        );
        let (mut o, mut p, mut j, mut a) = (
            orgs.items().into_iter(),
            programmes.items().into_iter(),
            projects.items().into_iter(),
            activities.items().into_iter(),
        );
        Ok(hits
            .iter()
            .filter_map(|h| match h {
                Hit::Organisation(_) => o
                    .next()
                    .map(|i| SearchResult::Organisation(Organisation(i))),
                Hit::Programme(_) => p.next().map(|i| SearchResult::Programme(Programme(i))),
                Hit::Project(_) => j.next().map(|i| SearchResult::Project(Project(i))),
                Hit::Activity(_) => a.next().map(|i| SearchResult::Activity(Activity(i))),
            })
            .collect())
    }

    /// Every way money goes from an organisation to an organisation, programme or
    /// project: through contributions (with the channel each names), FUNDING roles
    /// in programmes and projects, programme membership and, on IATI data, the
    /// activities transactions name as provider or receiver. Shortest first, at
    /// most 100, no record passed twice.
    #[graphql(complexity = "100usize.saturating_mul(child_complexity).saturating_add(1)")]
    async fn funding_paths(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The slug of the organisation the money comes from, such as `japan`.")]
        from: String,
        #[graphql(
            desc = "The slug of the organisation, programme or project it goes to, such as `timor-leste-stage`."
        )]
        to: String,
        #[graphql(desc = "The most steps a path may take, from 1 to 6.", default = 4)]
        max_hops: i32,
    ) -> Result<Vec<FundingPath>> {
        Lookups::count(ctx);
        let paths = query::funding_paths(store(ctx), &from, &to, i64::from(max_hops))
            .map_err(|e| bad_input(e.to_string()))?;
        Ok(paths.into_iter().map(FundingPath).collect())
    }

    /// Project budgets or contributions grouped by donor, programme, country, year
    /// or theme, with one total per currency (CHF is never added to USD) and, with
    /// `currency`, the sum converted into it. Rows can overlap: a project in two
    /// countries counts in both. Within a row a payment is never added to the
    /// pledge it is part of, and amounts per year are kept apart in `perYear`.
    async fn funding_summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to group by.")] group_by: SummaryGroup,
        #[graphql(desc = "What money to add up; project budgets by default.", default)]
        measure: SummaryMeasure,
        #[graphql(desc = "Which budgets or contributions to count.")] filter: Option<FundingFilter>,
        #[graphql(
            desc = "Also sum each row in this currency, every amount at the rate of its own year (`converted`, with what had no rate in `unconverted`)."
        )]
        currency: Option<CurrencyCode>,
    ) -> Result<Vec<FundingSummaryRow>> {
        Lookups::count(ctx);
        let filter = filter.unwrap_or_default().into();
        let currency = currency.map(|c| c.0);
        let (group, measure) = (group_by.into(), measure.into());
        let rows = query::funding_summary(store(ctx), group, measure, &filter, currency)
            .map_err(refused)?;
        Ok(rows.iter().cloned().map(FundingSummaryRow::from).collect())
    }

    /// An organisation, for a federation router.
    #[graphql(entity)]
    async fn find_organisation_by_id(&self, ctx: &Context<'_>, id: ID) -> Option<Organisation> {
        match find_node(store(ctx), &id)? {
            Node::Organisation(o) => Some(o),
            _ => None,
        }
    }

    /// A programme, for a federation router.
    #[graphql(entity)]
    async fn find_programme_by_id(&self, ctx: &Context<'_>, id: ID) -> Option<Programme> {
        match find_node(store(ctx), &id)? {
            Node::Programme(p) => Some(p),
            _ => None,
        }
    }

    /// A project, for a federation router.
    #[graphql(entity)]
    async fn find_project_by_id(&self, ctx: &Context<'_>, id: ID) -> Option<Project> {
        match find_node(store(ctx), &id)? {
            Node::Project(p) => Some(p),
            _ => None,
        }
    }

    /// An activity, for a federation router.
    #[graphql(entity)]
    async fn find_activity_by_id(&self, ctx: &Context<'_>, id: ID) -> Option<Activity> {
        match find_node(store(ctx), &id)? {
            Node::Activity(a) => Some(a),
            _ => None,
        }
    }

    /// A contribution, for a federation router.
    #[graphql(entity)]
    async fn find_contribution_by_id(&self, ctx: &Context<'_>, id: ID) -> Option<Contribution> {
        match find_node(store(ctx), &id)? {
            Node::Contribution(c) => Some(c),
            _ => None,
        }
    }

    /// A country, for a federation router.
    #[graphql(entity)]
    async fn find_country_by_id(&self, ctx: &Context<'_>, id: ID) -> Option<Country> {
        match find_node(store(ctx), &id)? {
            Node::Country(c) => Some(c),
            _ => None,
        }
    }
}

fn find_node(s: &coopgraph_data::Store, id: &ID) -> Option<Node> {
    let (kind, key) = id::decode(id)?;
    Some(match kind {
        Kind::Organisation => {
            Node::Organisation(Organisation(Item::single(s.organisation_by_slug(&key)?)))
        }
        Kind::Programme => Node::Programme(Programme(Item::single(s.programme_by_slug(&key)?))),
        Kind::Project => Node::Project(Project(Item::single(s.project_by_slug(&key)?))),
        Kind::Activity => Node::Activity(Activity(Item::single(s.activity_by_slug(&key)?))),
        Kind::Contribution => {
            Node::Contribution(Contribution(Item::single(s.contribution_by_slug(&key)?)))
        }
        Kind::Country => {
            let code = coopgraph_model::CountryCode::parse(&key)
                .ok()
                .filter(|c| s.has_country(*c))?;
            Node::Country(Country(Item::single(code)))
        }
    })
}

/// The organisations (or donors) a root list holds, and their order.
pub(crate) fn organisations<'s>(
    s: &'s Store,
    which: query::Which,
    filter: Option<OrganisationFilter>,
    order: Option<OrganisationOrder>,
) -> (Cow<'s, [OrganisationId]>, Order<OrganisationId>) {
    let order = order.unwrap_or_default();
    let (field, direction) = (NameSort::from(order.field), order.direction.into());
    let filter = filter.unwrap_or_default().into();
    let ids = query::organisations(s, which, &filter, field, direction);
    (ids, field.organisations(direction))
}

/// The programmes a root list holds, and their order.
pub(crate) fn programmes<'s>(
    s: &'s Store,
    filter: Option<ProgrammeFilter>,
    order: Option<ProgrammeOrder>,
) -> Result<(Cow<'s, [ProgrammeId]>, Order<ProgrammeId>), QueryError> {
    let order = order.unwrap_or_default();
    let (field, direction) = (NameSort::from(order.field), order.direction.into());
    let filter = filter.unwrap_or_default().into();
    let ids = query::programmes(s, &filter, field, direction)?;
    Ok((ids, field.programmes(direction)))
}

/// The projects a root list holds, and their order.
pub(crate) fn projects<'s>(
    s: &'s Store,
    filter: Option<ProjectFilter>,
    order: Option<ProjectOrder>,
) -> Result<(Cow<'s, [ProjectId]>, Order<ProjectId>), QueryError> {
    let order = order.unwrap_or_default();
    let (field, direction) = (ProjectSort::from(order.field), order.direction.into());
    let filter = filter.unwrap_or_default().into();
    let ids = query::projects(s, &filter, field, direction)?;
    Ok((ids, field.order(direction)))
}

/// The activities a root list holds, in dataset order.
pub(crate) fn activities(
    s: &Store,
    filter: Option<ActivityFilter>,
) -> Result<(Cow<'static, [ActivityId]>, Order<ActivityId>), QueryError> {
    let filter = filter.unwrap_or_default().into();
    Ok((Cow::Owned(query::activities(s, &filter)?), Order::Dataset))
}

/// The contributions a root list holds, and their order.
pub(crate) fn contributions(
    s: &Store,
    filter: Option<ContributionFilter>,
    order: Option<ContributionOrder>,
) -> Result<(Cow<'static, [ContributionId]>, Order<ContributionId>), QueryError> {
    let order = order.unwrap_or_default();
    let (field, direction) = (
        query::ContributionSort::from(order.field),
        order.direction.into(),
    );
    let filter = filter.unwrap_or_default().into();
    let ids = query::contributions(s, &filter, field, direction)?;
    Ok((Cow::Owned(ids), field.order(direction)))
}
