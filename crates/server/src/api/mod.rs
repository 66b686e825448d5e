//! The GraphQL API: the root query, one file per type under `types/`, scalars,
//! global ids, pagination and per-level batching apart.

mod batch;
mod error;
mod id;
pub mod limits;
mod page;
mod scalars;
mod search;
mod summary;
mod text;
mod types;

use std::sync::Arc;

use async_graphql::{EmptyMutation, EmptySubscription, Schema};
use coopgraph_data::Store;

pub use batch::{Deadline, Lookups};
pub use types::Query;

/// The schema coopgraph serves.
pub type CoopSchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// The dataset one request reads from, from its start to its end.
#[derive(Clone)]
pub struct Snapshot(pub Arc<Store>);

/// Builds the schema. It holds no data: each request carries its [`Snapshot`].
pub fn schema() -> CoopSchema {
    Schema::build(Query, EmptyMutation, EmptySubscription)
        .limit_depth(limits::MAX_DEPTH)
        .limit_complexity(limits::MAX_COMPLEXITY)
        .finish()
}

/// The schema in SDL, as `schema.graphql` holds it.
pub fn sdl() -> String {
    schema().sdl()
}

/// Checks a request against the [`limits`] and parses it, so that the schema
/// runs a document already known to be affordable. Returns whether the operation
/// to run is a query (GET may run nothing else).
pub fn prepare(request: &mut async_graphql::Request) -> Result<bool, String> {
    limits::check_text(&request.query)?;
    let operation = request.operation_name.clone();
    // A syntax error is left for the schema to report, with its location.
    let Ok(doc) = request.parsed_query() else {
        return Ok(true);
    };
    limits::check_document(doc)?;
    let mut ops = doc.operations.iter();
    let selected = match operation {
        Some(name) => ops.find(|(n, _)| n.is_some_and(|n| n.as_str() == name)),
        None => ops.next(),
    };
    Ok(selected
        .is_none_or(|(_, op)| op.node.ty == async_graphql::parser::types::OperationType::Query))
}

/// A request for `query` against `store`, ready to run on [`schema`].
pub fn request(
    query: impl Into<async_graphql::Request>,
    store: Arc<Store>,
) -> async_graphql::Request {
    query.into().data(Snapshot(store))
}
