//! Errors a client can act on, each with a stable `extensions.code`.

use async_graphql::{Error, ErrorExtensions};

/// The client asked for something it may not: a page too large, a bad cursor, an
/// unknown slug in a filter. `extensions.code` is `BAD_USER_INPUT`.
pub fn bad_input(message: impl Into<String>) -> Error {
    Error::new(message).extend_with(|_, e| e.set("code", "BAD_USER_INPUT"))
}

/// A query the query layer refused: an unknown slug in a filter.
pub fn refused(e: coopgraph_data::query::QueryError) -> Error {
    bad_input(e.to_string())
}
