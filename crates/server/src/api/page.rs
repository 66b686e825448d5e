//! Relay connections: page arguments, their limits, cursors and the generic
//! connection and edge types.

use std::ops::Range;

use async_graphql::{Result, SimpleObject};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use coopgraph_data::query::Window;

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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
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

    /// The part of a list of `total` records this page covers.
    pub fn window(&self, total: usize) -> Range<usize> {
        self.0.range(total)
    }
}

fn encode_cursor(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("offset:{offset}"))
}

fn decode_cursor(cursor: &str) -> Result<usize> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("offset:").and_then(|n| n.parse().ok()))
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

/// A page of records: the records, where the page starts and how long the whole
/// list is. The GraphQL connection types of [`connection!`] wrap it.
pub struct Page<T> {
    pub nodes: Vec<T>,
    pub start: usize,
    pub total: usize,
}

impl<T> Page<T> {
    /// Where the page lies in the whole list.
    pub fn info(&self) -> PageInfo {
        let end = self.start + self.nodes.len();
        PageInfo {
            has_next_page: end < self.total,
            has_previous_page: self.start > 0,
            start_cursor: (!self.nodes.is_empty()).then(|| encode_cursor(self.start)),
            end_cursor: (!self.nodes.is_empty()).then(|| encode_cursor(end - 1)),
        }
    }

    /// The cursor of the page's `i`-th record.
    pub fn cursor(&self, i: usize) -> String {
        encode_cursor(self.start + i)
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
                })
            }
        }

        #[doc = concat!("A page of ", $what, ", with cursors to move through the list.")]
        #[async_graphql::Object]
        impl $conn {
            /// The page's records with their cursors.
            async fn edges(&self) -> Vec<$edge> {
                let page = &self.0;
                page.nodes
                    .iter()
                    .enumerate()
                    .map(|(i, node)| $edge {
                        cursor: page.cursor(i),
                        node: node.clone(),
                    })
                    .collect()
            }

            /// The page's records, without cursors.
            async fn nodes(&self) -> &[$node] {
                &self.0.nodes
            }

            /// Where the page lies in the whole list.
            async fn page_info(&self) -> $crate::api::page::PageInfo {
                self.0.info()
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

    fn args(
        after: Option<usize>,
        before: Option<usize>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> PageArgs {
        PageArgs::new(
            after.map(encode_cursor),
            before.map(encode_cursor),
            first,
            last,
        )
        .unwrap()
    }

    #[test]
    fn cursors_and_defaults_make_the_window() {
        assert_eq!(args(None, None, None, None).window(120), 0..50);
        assert_eq!(args(Some(1), None, Some(2), None).window(5), 2..4);
        assert_eq!(args(None, Some(3), None, Some(2)).window(5), 1..3);
    }

    #[test]
    fn limits_and_cursors() {
        assert!(PageArgs::new(None, None, Some(101), None).is_err());
        assert!(PageArgs::new(None, None, Some(-1), None).is_err());
        assert!(PageArgs::new(None, None, Some(1), Some(1)).is_err());
        assert!(PageArgs::new(Some("garbage".into()), None, None, None).is_err());
        assert!(PageArgs::new(None, None, Some(100), None).is_ok());
    }
}
