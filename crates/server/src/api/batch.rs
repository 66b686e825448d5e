//! Per-level batching without waiting.
//!
//! Every record a resolver hands out belongs to a [`Level`]: the set of records of
//! one type resolved at the same depth of the query (a page of donors, all the
//! programmes of that page's donors). The first time a field asks a relation of one
//! record, the relation is computed for every record of the level in one store
//! call, and the related records form the next level. A query therefore costs one
//! store call per relation per depth, whatever the number of parents, and nothing
//! waits for a timer or another task to collect keys: the level is known up front.

use std::any::Any;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use async_graphql::Context;

use super::budget::{Deadline, Lookups};

type Memo = Mutex<HashMap<String, Arc<dyn Any + Send + Sync>>>;

/// Records of one type resolved at the same depth of a query.
pub struct Level<Id> {
    ids: Vec<Id>,
    memo: Memo,
}

/// One record of a level: what every GraphQL object type wraps.
pub struct Item<Id> {
    /// The record.
    pub id: Id,
    level: Arc<Level<Id>>,
    pos: usize,
}

impl<Id> Clone for Item<Id>
where
    Id: Copy,
{
    fn clone(&self) -> Self {
        Self {
            id: self.id,
            level: self.level.clone(),
            pos: self.pos,
        }
    }
}

/// The records related to each parent of a level, laid end to end as the next
/// level; each parent owns a range of it.
pub struct Related<C> {
    pub level: Arc<Level<C>>,
    pub ranges: Vec<Range<usize>>,
    /// For each parent, where its part starts in its whole list, and how long
    /// that list is.
    pub extents: Vec<(usize, usize)>,
}

impl<Id: Copy + Send + Sync + 'static> Level<Id> {
    /// A level of these records.
    pub fn new(ids: Vec<Id>) -> Arc<Self> {
        Arc::new(Self {
            ids,
            memo: Mutex::default(),
        })
    }

    /// The records of a level as items, in order.
    pub fn items(self: &Arc<Self>) -> Vec<Item<Id>> {
        self.items_in(0..self.ids.len())
    }

    /// The records of a range of the level as items.
    pub fn items_in(self: &Arc<Self>, range: Range<usize>) -> Vec<Item<Id>> {
        range
            .map(|pos| Item {
                id: self.ids[pos],
                level: self.clone(),
                pos,
            })
            .collect()
    }
}

impl<Id: Copy + Send + Sync + 'static> Item<Id> {
    /// A record on a level of its own, for a look-up by slug or id.
    pub fn single(id: Id) -> Self {
        Self {
            id,
            level: Level::new(vec![id]),
            pos: 0,
        }
    }

    /// Computes `load` once for the whole level under `key` (the relation and its
    /// arguments) and returns every parent's result with this record's position.
    pub fn batch<T: Send + Sync + 'static>(
        &self,
        ctx: &Context<'_>,
        key: &str,
        load: impl FnOnce(&[Id]) -> T,
    ) -> (Arc<T>, usize) {
        let mut memo = self.level.memo.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = memo.get(key).and_then(|v| v.clone().downcast::<T>().ok()) {
            return (v, self.pos);
        }
        Lookups::count(ctx);
        let value = Arc::new(load(&self.level.ids));
        memo.insert(key.to_owned(), value.clone());
        (value, self.pos)
    }

    /// The records related to this one, computed for the whole level at once.
    /// `load` answers, for each parent, its related records; `window` then picks
    /// the part of each list to hand out (a page). Answers this record's part,
    /// where it starts in its list and how long the list is.
    pub fn related<C: Copy + Send + Sync + 'static>(
        &self,
        ctx: &Context<'_>,
        key: &str,
        load: impl FnOnce(&[Id]) -> Vec<Vec<C>>,
        window: impl Fn(&[C]) -> Range<usize>,
    ) -> (Vec<Item<C>>, usize, usize) {
        if Deadline::passed(ctx) {
            return (Vec::new(), 0, 0);
        }
        let (related, pos) = self.batch(ctx, key, |ids| {
            let lists = load(ids);
            let mut all = Vec::new();
            let mut ranges = Vec::with_capacity(lists.len());
            let mut extents = Vec::with_capacity(lists.len());
            for list in lists {
                let w = window(&list);
                let start = all.len();
                extents.push((w.start, list.len()));
                all.extend_from_slice(&list[w]);
                ranges.push(start..all.len());
            }
            Related {
                level: Level::new(all),
                ranges,
                extents,
            }
        });
        let (start, total) = related.extents[pos];
        (
            related.level.items_in(related.ranges[pos].clone()),
            start,
            total,
        )
    }

    /// The one record linked to this one (a parent, a programme), if any, computed
    /// for the whole level at once.
    pub fn link<C: Copy + Send + Sync + 'static>(
        &self,
        ctx: &Context<'_>,
        key: &str,
        load: impl Fn(Id) -> Option<C>,
    ) -> Option<Item<C>> {
        let (items, ..) = self.related(
            ctx,
            key,
            |ids| {
                ids.iter()
                    .map(|&id| load(id).into_iter().collect())
                    .collect()
            },
            |list| 0..list.len(),
        );
        items.into_iter().next()
    }
}
