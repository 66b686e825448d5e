//! Which projects to list, in which order: candidates from the most selective
//! index, checked against the whole filter, sorted by ranks kept at load.

use std::borrow::Cow;
use std::collections::HashSet;

use coopgraph_model::{CountryCode, OrganisationId, ProgrammeId, ProjectId, Role};

use super::{Direction, QueryError, resolve, text_query};
use crate::{ProjectSort, Store};

/// Which projects to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectFilter {
    /// Funded by any of these organisations (slugs), as FUNDING participants.
    pub donor: Option<Vec<String>>,
    /// Belonging to any of these programmes (slugs) or to a programme within them.
    pub programme: Option<Vec<String>>,
    /// Carried out by any of these organisations (slugs), as IMPLEMENTING participants.
    pub implementer: Option<Vec<String>>,
    /// Working in any of these countries.
    pub country: Option<Vec<CountryCode>>,
    /// With any of these themes (slugs).
    pub theme: Option<Vec<String>>,
    /// Running at some time in this year.
    pub active_in: Option<i32>,
    /// Whose title, acronym, objective, places, countries or activities contain
    /// every word.
    pub text: Option<String>,
}

/// The projects that pass `filter`, in `order`, with the orders the store keeps
/// ready (lent as they are when nothing is filtered).
pub fn projects<'s>(
    s: &'s Store,
    filter: &ProjectFilter,
    order: ProjectSort,
    direction: Direction,
) -> Result<Cow<'s, [ProjectId]>, QueryError> {
    let out = if *filter == ProjectFilter::default() {
        Cow::Borrowed(s.projects_sorted(order))
    } else if let Some(ids) = by_country_and_year(s, filter, order) {
        Cow::Owned(ids)
    } else {
        let mut out = matching(s, filter)?;
        out.sort_unstable_by_key(|&id| s.project_rank(order, id));
        Cow::Owned(out)
    };
    Ok(direction.apply_cow(out))
}

/// The projects that pass a filter by country, year or both and nothing else,
/// in `order`: an intersection of the bitmaps of ranks the store keeps.
fn by_country_and_year(
    s: &Store,
    filter: &ProjectFilter,
    order: ProjectSort,
) -> Option<Vec<ProjectId>> {
    let ProjectFilter {
        donor: None,
        programme: None,
        implementer: None,
        country,
        theme: None,
        active_in,
        text: None,
    } = filter
    else {
        return None;
    };
    let sets = s.project_rank_sets(order);
    let sorted = s.projects_sorted(order);
    let year = match active_in {
        Some(y) => match sets.year(*y) {
            Some(bits) => Some(&bits.0[..]),
            None => return Some(Vec::new()),
        },
        None => None,
    };
    let union: Option<Cow<'_, [u64]>> = country.as_ref().map(|codes| {
        let mut found = codes.iter().filter_map(|c| sets.countries.get(c));
        let Some(first) = found.next() else {
            return Cow::Owned(Vec::new());
        };
        let mut union = Cow::Borrowed(&first.0[..]);
        for other in found {
            let union = union.to_mut();
            for (word, more) in union.iter_mut().zip(&other.0) {
                *word |= more;
            }
        }
        union
    });
    let ranks = |words: &mut dyn Iterator<Item = u64>| {
        let mut out = Vec::new();
        for (at, mut word) in words.enumerate() {
            while word != 0 {
                out.push(sorted[at * 64 + word.trailing_zeros() as usize]);
                word &= word - 1;
            }
        }
        out
    };
    Some(match (union, year) {
        (Some(countries), Some(year)) => ranks(&mut countries.iter().zip(year).map(|(a, b)| a & b)),
        (Some(countries), None) => ranks(&mut countries.iter().copied()),
        (None, Some(year)) => ranks(&mut year.iter().copied()),
        (None, None) => return None,
    })
}

/// The projects that pass `filter`, in dataset order.
pub(crate) fn matching(s: &Store, filter: &ProjectFilter) -> Result<Vec<ProjectId>, QueryError> {
    let org = |x: &str| s.organisation_by_slug(x);
    let donors = resolve("donor", "organisation", &filter.donor, org)?;
    let implementers = resolve("implementer", "organisation", &filter.implementer, org)?;
    let themes = resolve("theme", "theme", &filter.theme, |x| s.theme_by_slug(x))?;
    let programmes = programmes_within(s, &filter.programme)?;
    let query = text_query(&filter.text);
    // Each index gives exactly the projects that pass one field of the filter,
    // sorted by id; their intersection passes every field but `text` (and the
    // year, checked on what is left).
    let with_role = |set: &Option<HashSet<OrganisationId>>, role| {
        set.as_ref().map(|set| {
            let ids: Vec<_> = set.iter().copied().collect();
            union(s.projects_of_organisations(&ids).into_iter().map(|list| {
                list.iter()
                    .filter(move |(_, r)| *r == role)
                    .map(|(id, _)| *id)
            }))
        })
    };
    let lists = |lists: Vec<&[ProjectId]>| union(lists.into_iter().map(|l| l.iter().copied()));
    let passing = intersection(
        [
            with_role(&donors, Role::Funding),
            with_role(&implementers, Role::Implementing),
            programmes.as_ref().map(|set| {
                let ids: Vec<_> = set.iter().copied().collect();
                lists(s.projects_of_programmes(&ids))
            }),
            themes.as_ref().map(|set| {
                let ids: Vec<_> = set.iter().copied().collect();
                lists(s.projects_of_themes(&ids))
            }),
            filter
                .country
                .as_ref()
                .map(|cs| lists(s.projects_of_countries(cs))),
        ]
        .into_iter()
        .flatten()
        .collect(),
    );
    // The year's list is long (every open-ended project started before it): a
    // year narrows the other lists by checking each candidate instead.
    let passing = match (passing, filter.active_in) {
        (Some(mut ids), Some(y)) => {
            ids.retain(|&id| s.is_project_active_in(id, y));
            ids
        }
        (Some(ids), None) => ids,
        (None, Some(y)) => s.projects_active_in(y),
        (None, None) => (0..s.projects().len() as u32).map(ProjectId).collect(),
    };
    let Some(query) = query else {
        return Ok(passing);
    };
    let text = s.text();
    let mut fields = Vec::new();
    Ok(passing
        .into_iter()
        .filter(|&id| {
            fields.clear();
            let project = s.project(id);
            text.projects.fields(id.index(), project, &mut fields);
            for &a in &project.activities {
                text.activities
                    .fields(a.index(), s.activity(a), &mut fields);
            }
            query.matches(fields.iter().map(|&(f, _)| f))
        })
        .collect())
}

/// The ids in every one of `lists` (each sorted), in order; `None` when there
/// are no lists. The shortest is walked, the others searched.
fn intersection(mut lists: Vec<Vec<ProjectId>>) -> Option<Vec<ProjectId>> {
    lists.sort_by_key(Vec::len);
    let mut lists = lists.into_iter();
    let mut out = lists.next()?;
    for other in lists {
        let mut rest = other.as_slice();
        out.retain(|id| match rest.binary_search(id) {
            Ok(at) => {
                rest = &rest[at + 1..];
                true
            }
            Err(at) => {
                rest = &rest[at..];
                false
            }
        });
    }
    Some(out)
}

/// The programmes named by slug, with every programme within them at any depth;
/// `None` when none were given.
pub(crate) fn programmes_within(
    s: &Store,
    slugs: &Option<Vec<String>>,
) -> Result<Option<HashSet<ProgrammeId>>, QueryError> {
    let Some(mut set) = resolve("programme", "programme", slugs, |x| s.programme_by_slug(x))?
    else {
        return Ok(None);
    };
    loop {
        let before = set.len();
        for (i, p) in s.programmes().iter().enumerate() {
            if p.parent.is_some_and(|parent| set.contains(&parent)) {
                set.insert(ProgrammeId(i as u32));
            }
        }
        if set.len() == before {
            return Ok(Some(set));
        }
    }
}

/// The ids in any of `lists`, each once, in dataset order.
fn union<I: Iterator<Item = ProjectId>>(lists: impl Iterator<Item = I>) -> Vec<ProjectId> {
    let mut out: Vec<ProjectId> = lists.flatten().collect();
    out.sort_unstable();
    out.dedup();
    out
}
