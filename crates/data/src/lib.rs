//! Reads a coopgraph dataset — a directory of hand-edited TOML files — checks every
//! record and every link between records, and builds an immutable [`Store`] indexed
//! for every relation the API follows.
//!
//! Loading is all or nothing: [`load`] either returns a whole, consistent store or
//! every problem it found, each as `file:line: message`. This crate does no
//! networking and knows nothing of HTTP or GraphQL.

mod error;
mod fold;
mod generate;
mod load;
pub mod query;
pub mod raw;
mod store;

pub use error::{Problem, Problems, Severity};
pub use fold::fold;
pub use generate::{Shape, generate};
pub use load::{
    Batch, DataFile, Import, KnownOrganisations, Note, Progress, load, load_with, text_at,
};
pub use store::{
    DataKey, IatiRecord, NameSort, ProjectSort, Rate, Rates, SnapshotError, Stats, Store,
};
