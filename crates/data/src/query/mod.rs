//! The query layer: filters, orders, page windows, the funding summary and search
//! as plain Rust over a [`Store`](crate::Store), taking plain structs. It knows
//! nothing of GraphQL: the API converts its inputs into these structs, and every
//! way of executing a query shares this code.
//!
//! Filters combine with AND across fields and OR within a list; slugs that name
//! no record are refused with a [`QueryError`] that names the filter field.

mod activities;
mod contributions;
mod money;
mod organisations;
mod paths;
mod programmes;
mod projects;
mod search;
mod summary;
mod text;
mod window;

use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::Hash;

pub use activities::{ActivityFilter, activities};
pub use contributions::{ContributionFilter, ContributionSort, contributions};
pub use money::{Converted, SAME_CURRENCY, convert};
pub use organisations::{OrganisationFilter, Which, organisations};
pub use paths::{MAX_HOPS, MAX_PATHS, Path, PathError, Step, funding_paths};
pub use programmes::{ProgrammeFilter, programmes};
pub use projects::{ProjectFilter, projects};
pub use search::{Hit, search};
pub use summary::{FundingFilter, Measure, SummaryGroup, SummaryRow, Total, funding_summary};
pub use text::TextQuery;
pub use window::{Anchor, Order, Record, Window};

/// Why a query cannot be answered: the client named something that is not there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// A filter names a record by a slug no record of that type has.
    #[error("`filter.{field}`: no {what} has the slug `{slug}`")]
    UnknownSlug {
        /// The filter field, as the API names it (`donor`, `to`).
        field: &'static str,
        /// What the slug should name (`organisation`).
        what: &'static str,
        /// The slug as given.
        slug: String,
    },
}

/// Which way a list runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// Ascending.
    #[default]
    Asc,
    /// Descending.
    Desc,
}

impl Direction {
    /// Turns a list sorted ascending the way asked.
    fn apply<T>(self, mut list: Vec<T>) -> Vec<T> {
        if self == Direction::Desc {
            list.reverse();
        }
        list
    }

    /// Turns a list sorted ascending the way asked, borrowing it when it can.
    fn apply_cow<T: Clone>(self, list: Cow<'_, [T]>) -> Cow<'_, [T]> {
        match self {
            Direction::Asc => list,
            Direction::Desc => Cow::Owned(self.apply(list.into_owned())),
        }
    }
}

/// Resolves the slugs of a filter field to ids; `None` when the field was not given.
fn resolve<Id: Eq + Hash>(
    field: &'static str,
    what: &'static str,
    slugs: &Option<Vec<String>>,
    find: impl Fn(&str) -> Option<Id>,
) -> Result<Option<HashSet<Id>>, QueryError> {
    let Some(slugs) = slugs else { return Ok(None) };
    slugs
        .iter()
        .map(|s| {
            find(s).ok_or_else(|| QueryError::UnknownSlug {
                field,
                what,
                slug: s.clone(),
            })
        })
        .collect::<Result<HashSet<_>, _>>()
        .map(Some)
}

/// Whether a value passes an optional list filter: absent lets everything through.
fn any_of<T: PartialEq>(filter: &Option<Vec<T>>, value: &T) -> bool {
    filter.as_ref().is_none_or(|f| f.contains(value))
}

/// A text filter folded, or `None` when it was not given or has no words (and
/// so lets everything through).
fn text_query(text: &Option<String>) -> Option<TextQuery> {
    text.as_deref().and_then(TextQuery::new)
}

#[cfg(test)]
mod tests;
