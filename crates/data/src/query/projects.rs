//! Which projects to list, in which order: candidates from the most selective
//! index, checked against the whole filter, sorted by ranks kept at load.

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
/// ready.
pub fn projects(
    s: &Store,
    filter: &ProjectFilter,
    order: ProjectSort,
    direction: Direction,
) -> Result<Vec<ProjectId>, QueryError> {
    let out = if *filter == ProjectFilter::default() {
        s.projects_sorted(order).to_vec()
    } else {
        let mut out = matching(s, filter)?;
        out.sort_unstable_by_key(|&id| s.project_rank(order, id));
        out
    };
    Ok(direction.apply(out))
}

/// The projects that pass `filter`, in dataset order.
pub(crate) fn matching(s: &Store, filter: &ProjectFilter) -> Result<Vec<ProjectId>, QueryError> {
    let org = |x: &str| s.organisation_by_slug(x);
    let donors = resolve("donor", "organisation", &filter.donor, org)?;
    let implementers = resolve("implementer", "organisation", &filter.implementer, org)?;
    let themes = resolve("theme", "theme", &filter.theme, |x| s.theme_by_slug(x))?;
    let programmes = programmes_within(s, &filter.programme)?;
    let query = text_query(&filter.text);
    // The indexes give candidates for every field but `text`; the smallest set is
    // checked against the whole filter.
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
    let candidates = [
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
        filter.active_in.map(|y| s.projects_active_in(y)),
    ]
    .into_iter()
    .flatten()
    .min_by_key(Vec::len)
    .unwrap_or_else(|| (0..s.projects().len() as u32).map(ProjectId).collect());
    let text = s.text();
    Ok(candidates
        .into_iter()
        .filter(|&id| {
            let p = s.project(id);
            let has = |set: &Option<HashSet<OrganisationId>>, role| {
                set.as_ref().is_none_or(|set| {
                    p.participants
                        .iter()
                        .any(|x| x.role == role && set.contains(&x.organisation))
                })
            };
            has(&donors, Role::Funding)
                && has(&implementers, Role::Implementing)
                && programmes
                    .as_ref()
                    .is_none_or(|set| p.programme.is_some_and(|x| set.contains(&x)))
                && themes
                    .as_ref()
                    .is_none_or(|set| p.themes.iter().any(|t| set.contains(t)))
                && filter
                    .country
                    .as_ref()
                    .is_none_or(|cs| p.countries.iter().any(|c| cs.contains(c)))
                && filter.active_in.is_none_or(|y| p.period.is_active_in(y))
                && query.as_ref().is_none_or(|q| {
                    let own = text.projects.of(id.index()).map(|(f, _)| f);
                    let activities = p
                        .activities
                        .iter()
                        .flat_map(|a| text.activities.of(a.index()).map(|(f, _)| f));
                    q.matches(own.chain(activities))
                })
        })
        .collect())
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
