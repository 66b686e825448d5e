//! The GraphQL API: the root query, one file per type under `types/`, scalars,
//! global ids, pagination and per-level batching apart.

mod batch;
mod budget;
mod id;
pub mod limits;
pub mod nulls;
mod page;
mod plan;
mod request;
mod scalars;
mod types;

use async_graphql::{EmptyMutation, EmptySubscription, Schema};

pub use budget::{Deadline, Lookups};
pub use plan::{Both, Planned, Plans, both};
pub use request::{Documents, Operation, Snapshot, prepare, request, reuse};
pub use types::Query;

/// The schema coopgraph serves: also an Apollo Federation v2 subgraph, with
/// `@key(fields: "id")` on every `Node` type, `_service` and `_entities`.
pub type CoopSchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// Builds the schema. It holds no data: each request carries its [`Snapshot`].
pub fn schema() -> CoopSchema {
    Schema::build(Query, EmptyMutation, EmptySubscription)
        .enable_federation()
        .limit_depth(limits::MAX_DEPTH)
        .limit_complexity(limits::MAX_COMPLEXITY)
        .finish()
}

/// The schema in SDL, as `schema.graphql` holds it.
pub fn sdl() -> String {
    schema().sdl()
}

/// The type of every field of the schema, read once, for [`nulls::propagate`].
pub fn field_types() -> &'static nulls::FieldTypes {
    static TYPES: std::sync::OnceLock<nulls::FieldTypes> = std::sync::OnceLock::new();
    TYPES.get_or_init(|| nulls::FieldTypes::of(&sdl()))
}
