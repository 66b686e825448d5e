//! The coopgraph server: the GraphQL schema and its resolvers over an immutable
//! [`coopgraph_data::Store`], and the HTTP surface that serves them.
//!
//! Only this crate speaks GraphQL and HTTP. [`api::schema`] builds the schema
//! without data, for the SDL and its test; [`http::app`] builds the whole app
//! for a loaded store, so tests drive it with or without a socket.

pub mod api;
pub mod cache;
pub mod error;
pub mod http;
pub mod load;
