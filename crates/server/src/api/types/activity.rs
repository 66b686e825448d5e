//! `Activity`: a numbered item of a project's work plan, and its filter.

use async_graphql::{Context, ID, InputObject, Object};
use coopgraph_model::{self as model, ActivityId};

use crate::api::id::{Kind, encode};
use coopgraph_data::query;

use super::{Project, Source, store};
use crate::api::batch::Item;

/// A numbered item of a project's work plan.
#[derive(Clone)]
pub struct Activity(pub Item<ActivityId>);

impl From<Item<ActivityId>> for Activity {
    fn from(item: Item<ActivityId>) -> Self {
        Self(item)
    }
}

impl Activity {
    fn record<'c>(&self, ctx: &Context<'c>) -> &'c model::Activity {
        store(ctx).activity(self.0.id)
    }
}

/// A numbered item of a project's work plan.
#[Object]
impl Activity {
    /// An opaque id, unique across all types and stable across reloads.
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
        encode(Kind::Activity, &store(ctx).activity_slug(self.0.id))
    }

    /// A readable id, unique among activities: the project's slug and the position.
    async fn slug(&self, ctx: &Context<'_>) -> String {
        store(ctx).activity_slug(self.0.id)
    }

    /// Its place in the work plan, from 1.
    async fn position(&self, ctx: &Context<'_>) -> i32 {
        self.record(ctx).position as i32
    }

    /// What is done.
    async fn description<'c>(&self, ctx: &Context<'c>) -> &'c str {
        &self.record(ctx).description
    }

    /// The project it belongs to.
    async fn project(&self, ctx: &Context<'_>) -> Project {
        let s = store(ctx);
        let project = self
            .0
            .link(ctx, "project", |id| Some(s.activity(id).project));
        Project(project.unwrap_or_else(|| Item::single(self.record(ctx).project)))
    }

    /// Where the record comes from.
    async fn source<'c>(&self, ctx: &Context<'c>) -> Source<'c> {
        Source(store(ctx).activity_source(self.0.id))
    }
}

/// Which activities to list. Fields combine with AND; the values in one list with OR.
#[derive(InputObject, Default, Debug)]
pub struct ActivityFilter {
    /// Of any of these projects (slugs).
    pub project: Option<Vec<String>>,
    /// Whose description contains every word of this text, ignoring case and
    /// diacritics.
    pub text: Option<String>,
}

impl From<ActivityFilter> for query::ActivityFilter {
    fn from(f: ActivityFilter) -> Self {
        Self {
            project: f.project,
            text: f.text,
        }
    }
}
