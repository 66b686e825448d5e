//! The GraphQL API: the root query, one file per type under `types/`, scalars,
//! global ids, pagination and per-level batching apart.

mod batch;
mod error;
mod id;
mod page;
mod scalars;
mod search;
mod summary;
mod text;
mod types;

use std::sync::Arc;

use async_graphql::{EmptyMutation, EmptySubscription, Schema};
use coopgraph_data::Store;

pub use batch::Lookups;
pub use types::Query;

/// The schema coopgraph serves.
pub type CoopSchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// The dataset one request reads from, from its start to its end.
#[derive(Clone)]
pub struct Snapshot(pub Arc<Store>);

/// Builds the schema. It holds no data: each request carries its [`Snapshot`].
pub fn schema() -> CoopSchema {
    Schema::build(Query, EmptyMutation, EmptySubscription).finish()
}

/// The schema in SDL, as `schema.graphql` holds it.
pub fn sdl() -> String {
    schema().sdl()
}

/// A request for `query` against `store`, ready to run on [`schema`].
pub fn request(
    query: impl Into<async_graphql::Request>,
    store: Arc<Store>,
) -> async_graphql::Request {
    query.into().data(Snapshot(store))
}
