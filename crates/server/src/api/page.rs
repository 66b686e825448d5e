//! Relay connections: page arguments, their limits, cursors and the generic
//! connection and edge types.

use std::ops::Range;
use std::sync::Arc;

use async_graphql::{Result, SimpleObject};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use coopgraph_data::Store;
use coopgraph_data::query::{Anchor, Order, Record, Window};

use super::batch::Item;
use crate::error::bad_input;

/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE: usize = 50;
/// The largest `first` or `last` accepted.
pub const MAX_PAGE: usize = 100;

/// The complexity of a connection field: what is under it, times the page size
/// asked for (the default when none is).
pub fn cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let size = first
        .or(last)
        .map_or(DEFAULT_PAGE, |n| n.clamp(0, MAX_PAGE as i32) as usize);
    size.max(1)
        .saturating_mul(child_complexity)
        .saturating_add(1)
}

/// Validated page arguments: the query layer's window, read from cursors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PageArgs(Window);

impl PageArgs {
    /// Checks `first`/`after`/`last`/`before` as a client passed them.
    pub fn new(
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Self> {
        let size = |name: &str, n: Option<i32>| -> Result<Option<usize>> {
            match n {
                None => Ok(None),
                Some(n) if (0..=MAX_PAGE as i32).contains(&n) => Ok(Some(n as usize)),
                Some(n) => Err(bad_input(format!(
                    "`{name}: {n}` is out of range: pages hold 0 to {MAX_PAGE} records"
                ))),
            }
        };
        let (first, last) = (size("first", first)?, size("last", last)?);
        if first.is_some() && last.is_some() {
            return Err(bad_input("pass `first` or `last`, not both"));
        }
        let first = if last.is_none() {
            first.or(Some(DEFAULT_PAGE))
        } else {
            None
        };
        let after = after.map(|c| decode_cursor(&c)).transpose()?;
        let before = before.map(|c| decode_cursor(&c)).transpose()?;
        Ok(Self(Window {
            after,
            before,
            first,
            last,
        }))
    }

    /// The part of `list`, ordered by `order`, this page covers.
    pub fn window<Id: Record>(&self, s: &Store, list: &[Id], order: Order<Id>) -> Range<usize> {
        self.0.range(s, list, order)
    }
}

/// A cursor: a record's anchor, opaque to clients. It names the record by slug
/// and sort key, so it keeps its place across reloads of the dataset.
pub(crate) fn encode_cursor(a: &Anchor) -> String {
    let json = serde_json::to_vec(&(a.pos, &a.slug, &a.key)).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

fn decode_cursor(cursor: &str) -> Result<Anchor> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| serde_json::from_slice::<(usize, String, Option<String>)>(&b).ok())
        .map(|(pos, slug, key)| Anchor { slug, key, pos })
        .ok_or_else(|| {
            bad_input(format!(
                "invalid cursor `{cursor}`: pass a cursor this API returned"
            ))
        })
}

/// Where a page lies in the whole list.
#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    /// Whether records follow this page.
    pub has_next_page: bool,
    /// Whether records precede this page.
    pub has_previous_page: bool,
    /// The cursor of the page's first record, to page backwards with `before`.
    pub start_cursor: Option<String>,
    /// The cursor of the page's last record, to page forwards with `after`.
    pub end_cursor: Option<String>,
}

/// Makes the cursor of the `i`-th record of a page, on demand.
pub type Cursors = Arc<dyn Fn(&Store, usize) -> String + Send + Sync>;

/// A page of records: the records, where the page starts, how long the whole
/// list is, and its cursors. The GraphQL connection types of [`connection!`]
/// wrap it.
pub struct Page<T> {
    pub nodes: Vec<T>,
    pub start: usize,
    pub total: usize,
    pub cursors: Cursors,
}

impl<Id: Record + Send + Sync + 'static> Page<Item<Id>> {
    /// The page of `nodes` starting at `start` of a list of `total` records in `order`.
    pub fn new(nodes: Vec<Item<Id>>, start: usize, total: usize, order: Order<Id>) -> Self {
        let ids: Vec<Id> = nodes.iter().map(|n| n.id).collect();
        let cursors: Cursors =
            Arc::new(move |s, i| encode_cursor(&order.anchor(s, ids[i], start + i)));
        Self {
            nodes,
            start,
            total,
            cursors,
        }
    }
}

impl<T> Page<T> {
    /// Where the page lies in the whole list.
    pub fn info(&self, s: &Store) -> PageInfo {
        let end = self.start + self.nodes.len();
        let last = self.nodes.len().checked_sub(1);
        PageInfo {
            has_next_page: end < self.total,
            has_previous_page: self.start > 0,
            start_cursor: last.map(|_| self.cursor(s, 0)),
            end_cursor: last.map(|i| self.cursor(s, i)),
        }
    }

    /// The cursor of the page's `i`-th record.
    pub fn cursor(&self, s: &Store, i: usize) -> String {
        (self.cursors)(s, i)
    }
}

/// Declares the Relay connection and edge types of one node type.
macro_rules! connection {
    ($conn:ident, $edge:ident, $node:ident, $what:literal) => {
        #[doc = concat!("A page of ", $what, ", with cursors to move through the list.")]
        pub struct $conn(pub $crate::api::page::Page<$node>);

        impl<Id> From<$crate::api::page::Page<Item<Id>>> for $conn
        where
            $node: From<Item<Id>>,
        {
            fn from(p: $crate::api::page::Page<Item<Id>>) -> Self {
                let nodes = p.nodes.into_iter().map($node::from).collect();
                Self($crate::api::page::Page {
                    nodes,
                    start: p.start,
                    total: p.total,
                    cursors: p.cursors,
                })
            }
        }

        #[doc = concat!("A page of ", $what, ", with cursors to move through the list.")]
        #[async_graphql::Object]
        impl $conn {
            /// The page's records with their cursors.
            async fn edges(&self, ctx: &async_graphql::Context<'_>) -> Vec<$edge> {
                let page = &self.0;
                let s = $crate::api::types::store(ctx);
                page.nodes
                    .iter()
                    .enumerate()
                    .map(|(i, node)| $edge {
                        cursor: page.cursor(s, i),
                        node: node.clone(),
                    })
                    .collect()
            }

            /// The page's records, without cursors.
            async fn nodes(&self) -> &[$node] {
                &self.0.nodes
            }

            /// Where the page lies in the whole list.
            async fn page_info(
                &self,
                ctx: &async_graphql::Context<'_>,
            ) -> $crate::api::page::PageInfo {
                self.0.info($crate::api::types::store(ctx))
            }

            /// How many records the whole list holds, across all pages.
            async fn total_count(&self) -> i32 {
                i32::try_from(self.0.total).unwrap_or(i32::MAX)
            }
        }

        #[doc = concat!("One of ", $what, " in a page, with its cursor.")]
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            /// An opaque position in the list, for `after` and `before`.
            cursor: String,
            /// The record.
            node: $node,
        }
    };
}

pub(crate) use connection;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let a = Anchor {
            slug: "timor-leste-stage".into(),
            key: Some("2003-01-01".into()),
            pos: 7,
        };
        assert_eq!(decode_cursor(&encode_cursor(&a)).unwrap(), a);
        assert!(decode_cursor("garbage").is_err());
        assert!(decode_cursor(&URL_SAFE_NO_PAD.encode("offset:3")).is_err());
    }

    #[test]
    fn limits() {
        assert!(PageArgs::new(None, None, Some(101), None).is_err());
        assert!(PageArgs::new(None, None, Some(-1), None).is_err());
        assert!(PageArgs::new(None, None, Some(1), Some(1)).is_err());
        assert!(PageArgs::new(Some("garbage".into()), None, None, None).is_err());
        assert!(PageArgs::new(None, None, Some(100), None).is_ok());
        assert_eq!(
            PageArgs::new(None, None, None, None).unwrap().0.first,
            Some(DEFAULT_PAGE)
        );
    }
}
