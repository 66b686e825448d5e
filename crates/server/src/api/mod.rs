//! The GraphQL API: the root query, one file per type under `types/`, scalars,
//! global ids, pagination and per-level batching apart.

mod batch;
mod error;
mod id;
pub mod limits;
mod page;
mod scalars;
mod types;

use std::sync::Arc;

use async_graphql::parser::types::{ExecutableDocument, OperationType};
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

/// Parsed documents that passed the [`limits`], by query text: a query sent
/// again is neither parsed nor checked again.
pub struct Documents(quick_cache::sync::Cache<String, Arc<ExecutableDocument>>);

impl Documents {
    /// A cache of up to `capacity` documents.
    pub fn new(capacity: usize) -> Self {
        Self(quick_cache::sync::Cache::new(capacity.max(1)))
    }
}

impl Default for Documents {
    /// Room for 1,000 documents, more than a dashboard's or an app's queries.
    fn default() -> Self {
        Self::new(1000)
    }
}

/// Checks a request against the [`limits`] and parses it, so that the schema
/// runs a document already known to be affordable; documents come from
/// `documents` when they can. Returns whether the operation to run is a query
/// (GET may run nothing else).
pub fn prepare(
    request: &mut async_graphql::Request,
    documents: &Documents,
) -> Result<bool, String> {
    let doc = match documents.0.get(&request.query) {
        Some(doc) => {
            request.set_parsed_query(ExecutableDocument::clone(&doc));
            doc
        }
        None => {
            limits::check_text(&request.query)?;
            // A syntax error is left for the schema to report, with its location.
            let Ok(doc) = request.parsed_query() else {
                return Ok(true);
            };
            limits::check_document(doc)?;
            let doc = Arc::new(doc.clone());
            documents.0.insert(request.query.clone(), doc.clone());
            doc
        }
    };
    let mut ops = doc.operations.iter();
    let selected = match &request.operation_name {
        Some(name) => ops.find(|(n, _)| n.is_some_and(|n| n.as_str() == name)),
        None => ops.next(),
    };
    Ok(selected.is_none_or(|(_, op)| op.node.ty == OperationType::Query))
}

/// A request for `query` against `store`, ready to run on [`schema`].
pub fn request(
    query: impl Into<async_graphql::Request>,
    store: Arc<Store>,
) -> async_graphql::Request {
    query.into().data(Snapshot(store))
}
