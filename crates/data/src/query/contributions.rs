//! Which contributions to list, in which order.

use std::collections::HashSet;

use coopgraph_model::{ContributionId, ContributionKind, Recipient};

use super::{Direction, QueryError, any_of, resolve};
use crate::Store;

/// Which contributions to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContributionFilter {
    /// Paid by any of these organisations (slugs).
    pub from: Option<Vec<String>>,
    /// Paid to any of these organisations, programmes or projects (slugs).
    pub to: Option<Vec<String>>,
    /// Of any of these kinds.
    pub kind: Option<Vec<ContributionKind>>,
    /// Made in this year: by its date, or by a period that covers the year.
    pub year: Option<i32>,
}

/// An order of contributions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ContributionSort {
    /// By date (or period start), undated ones last, equal dates by slug.
    #[default]
    Date,
    /// By slug.
    Slug,
}

/// The contributions that pass `filter`, in `order`.
pub fn contributions(
    s: &Store,
    filter: &ContributionFilter,
    order: ContributionSort,
    direction: Direction,
) -> Result<Vec<ContributionId>, QueryError> {
    let from = resolve("from", "organisation", &filter.from, |x| {
        s.organisation_by_slug(x)
    })?;
    let to: Option<HashSet<Recipient>> = match &filter.to {
        None => None,
        Some(list) => {
            let mut to = HashSet::new();
            for slug in list {
                let found = [
                    s.organisation_by_slug(slug).map(Recipient::Organisation),
                    s.programme_by_slug(slug).map(Recipient::Programme),
                    s.project_by_slug(slug).map(Recipient::Project),
                ];
                if found.iter().all(Option::is_none) {
                    return Err(QueryError::UnknownSlug {
                        field: "to",
                        what: "organisation, programme or project",
                        slug: slug.clone(),
                    });
                }
                to.extend(found.into_iter().flatten());
            }
            Some(to)
        }
    };
    let mut out: Vec<ContributionId> = (0..s.contributions().len() as u32)
        .map(ContributionId)
        .filter(|&id| {
            let c = s.contribution(id);
            from.as_ref().is_none_or(|f| f.contains(&c.from))
                && to
                    .as_ref()
                    .is_none_or(|t| c.to.is_some_and(|to| t.contains(&to)))
                && any_of(&filter.kind, &c.kind)
                && filter.year.is_none_or(|y| c.is_in_year(y))
        })
        .collect();
    match order {
        ContributionSort::Date => out.sort_by_key(|&id| {
            let c = s.contribution(id);
            let when = c.date.or(c.period.start());
            (when.is_none(), when.map(|d| d.first_day()), &c.slug)
        }),
        ContributionSort::Slug => {
            out.sort_by(|&a, &b| s.contribution(a).slug.cmp(&s.contribution(b).slug))
        }
    }
    Ok(direction.apply(out))
}
