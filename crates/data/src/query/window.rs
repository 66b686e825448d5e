//! Page windows: which part of a list a page of `first`/`after`/`last`/`before`
//! covers, as Relay's connection specification says.
//!
//! `after` and `before` are [`Anchor`]s: they point at a record (its slug and the
//! key its list is sorted by), not at a position, so that paging across a reload
//! of the dataset neither skips nor repeats records. A sorted list places an
//! anchor by its key, whether or not its record is still there; a list in dataset
//! order finds the record by slug, and only when the record has gone falls back to
//! the position it had.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::ops::Range;

use coopgraph_model::{ActivityId, ContributionId, OrganisationId, ProgrammeId, ProjectId};

use super::{ContributionSort, Direction};
use crate::{NameSort, ProjectSort, Store};

/// A record that can stand in a paged list.
pub trait Record: Copy + Eq {
    /// Its slug, unique among records of its type.
    fn slug(self, s: &Store) -> Cow<'_, str>;
    /// The record with this slug, if the store has one.
    fn find(s: &Store, slug: &str) -> Option<Self>;
}

macro_rules! record {
    ($($id:ident: $one:ident, $by_slug:ident;)*) => {$(
        impl Record for $id {
            fn slug(self, s: &Store) -> Cow<'_, str> {
                Cow::Borrowed(s.$one(self).slug.as_str())
            }

            fn find(s: &Store, slug: &str) -> Option<Self> {
                s.$by_slug(slug)
            }
        }
    )*};
}

record! {
    OrganisationId: organisation, organisation_by_slug;
    ProgrammeId: programme, programme_by_slug;
    ProjectId: project, project_by_slug;
    ContributionId: contribution, contribution_by_slug;
}

impl Record for ActivityId {
    fn slug(self, s: &Store) -> Cow<'_, str> {
        Cow::Owned(s.activity_slug(self))
    }

    fn find(s: &Store, slug: &str) -> Option<Self> {
        s.activity_by_slug(slug)
    }
}

/// How a list is ordered, so that an anchor can be placed in it.
pub enum Order<Id> {
    /// By a key (records without one last), then by slug, in a direction.
    Sorted {
        /// A record's key; `None` sorts after every key.
        key: fn(&Store, Id) -> Option<String>,
        /// Which way the list runs.
        direction: Direction,
    },
    /// In the order of the dataset.
    Dataset,
}

impl<Id> Clone for Order<Id> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Id> Copy for Order<Id> {}

/// Where a cursor points: a record's slug, its sort key, and its position in the
/// list when the cursor was made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Anchor {
    /// The record's slug.
    pub slug: String,
    /// The key the list was sorted by, if it is sorted.
    pub key: Option<String>,
    /// The record's position then.
    pub pos: usize,
}

impl<Id: Record> Order<Id> {
    /// The anchor of the record at `pos` of a list in this order.
    pub fn anchor(self, s: &Store, id: Id, pos: usize) -> Anchor {
        Anchor {
            slug: id.slug(s).into_owned(),
            key: match self {
                Order::Sorted { key, .. } => key(s, id),
                Order::Dataset => None,
            },
            pos,
        }
    }

    /// Where `a` stands in `list`: the position of its record, or where the
    /// record would be, and whether it is there.
    fn place(self, s: &Store, list: &[Id], a: &Anchor) -> (usize, bool) {
        match self {
            Order::Sorted { key, direction } => {
                let at = list.partition_point(|&id| {
                    let ord = by_key(&key(s, id), &a.key).then_with(|| (*id.slug(s)).cmp(&a.slug));
                    match direction {
                        Direction::Asc => ord == Ordering::Less,
                        Direction::Desc => ord == Ordering::Greater,
                    }
                });
                let found = list.get(at).is_some_and(|&id| id.slug(s) == a.slug);
                (at, found)
            }
            Order::Dataset => match Id::find(s, &a.slug)
                .and_then(|found| list.iter().position(|&id| id == found))
            {
                Some(at) => (at, true),
                None => (a.pos.min(list.len()), false),
            },
        }
    }
}

/// Orders keys, absent ones last.
fn by_key(a: &Option<String>, b: &Option<String>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// A date as `YYYY-MM-DD`, which sorts as the date does.
fn day((y, m, d): (u16, u8, u8)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

impl NameSort {
    /// The order of organisations sorted this way.
    pub fn organisations(self, direction: Direction) -> Order<OrganisationId> {
        let key: fn(&Store, OrganisationId) -> Option<String> = match self {
            NameSort::Name => |s, id| Some(crate::fold(&s.organisation(id).name)),
            NameSort::Slug => |_, _| None,
        };
        Order::Sorted { key, direction }
    }

    /// The order of programmes sorted this way.
    pub fn programmes(self, direction: Direction) -> Order<ProgrammeId> {
        let key: fn(&Store, ProgrammeId) -> Option<String> = match self {
            NameSort::Name => |s, id| Some(crate::fold(&s.programme(id).name)),
            NameSort::Slug => |_, _| None,
        };
        Order::Sorted { key, direction }
    }
}

impl ProjectSort {
    /// The order of projects sorted this way.
    pub fn order(self, direction: Direction) -> Order<ProjectId> {
        let key: fn(&Store, ProjectId) -> Option<String> = match self {
            ProjectSort::Title => |s, id| Some(crate::fold(&s.project(id).title)),
            ProjectSort::Slug => |_, _| None,
            ProjectSort::Start => |s, id| s.project(id).period.start().map(|d| day(d.first_day())),
        };
        Order::Sorted { key, direction }
    }
}

impl ContributionSort {
    /// The order of contributions sorted this way.
    pub fn order(self, direction: Direction) -> Order<ContributionId> {
        let key: fn(&Store, ContributionId) -> Option<String> = match self {
            ContributionSort::Date => |s, id| {
                let c = s.contribution(id);
                c.date.or(c.period.start()).map(|d| day(d.first_day()))
            },
            ContributionSort::Slug => |_, _| None,
        };
        Order::Sorted { key, direction }
    }
}

/// A page of a list: after and before a record, and at most how many records
/// from the start or from the end.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Window {
    /// Start after this record.
    pub after: Option<Anchor>,
    /// End before this record.
    pub before: Option<Anchor>,
    /// At most this many records from the start of what is left.
    pub first: Option<usize>,
    /// At most this many records from the end of what is left.
    pub last: Option<usize>,
}

impl Window {
    /// The part of `list`, ordered by `order`, this window covers.
    pub fn range<Id: Record>(&self, s: &Store, list: &[Id], order: Order<Id>) -> Range<usize> {
        let total = list.len();
        let mut start = self.after.as_ref().map_or(0, |a| {
            let (at, found) = order.place(s, list, a);
            at + usize::from(found)
        });
        let mut end = self
            .before
            .as_ref()
            .map_or(total, |b| order.place(s, list, b).0)
            .max(start);
        if let Some(f) = self.first {
            end = end.min(start + f);
        }
        if let Some(l) = self.last {
            start = start.max(end.saturating_sub(l));
        }
        start..end
    }
}
