//! Which programmes to list, in which order.

use std::borrow::Cow;

use coopgraph_model::{FundingModality, ProgrammeId, Role};

use super::{Direction, QueryError, resolve, text_query};
use crate::{NameSort, Store};

/// Which programmes to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgrammeFilter {
    /// Funded by any of these organisations (slugs), as FUNDING participants.
    pub donor: Option<Vec<String>>,
    /// Funded in any of these ways.
    pub modality: Option<Vec<FundingModality>>,
    /// Whose name, acronym or description contain every word.
    pub text: Option<String>,
}

/// The programmes that pass `filter`, in `order`.
pub fn programmes<'s>(
    s: &'s Store,
    filter: &ProgrammeFilter,
    order: NameSort,
    direction: Direction,
) -> Result<Cow<'s, [ProgrammeId]>, QueryError> {
    if *filter == ProgrammeFilter::default() {
        return Ok(direction.apply_cow(Cow::Borrowed(s.programmes_sorted(order))));
    }
    let donors = resolve("donor", "organisation", &filter.donor, |x| {
        s.organisation_by_slug(x)
    })?;
    let query = text_query(&filter.text);
    let texts = &s.text().programmes;
    let mut buf = Vec::new();
    let out = s
        .programmes_sorted(order)
        .iter()
        .copied()
        .filter(|&id| {
            let p = s.programme(id);
            filter
                .modality
                .as_ref()
                .is_none_or(|m| p.modality.is_some_and(|pm| m.contains(&pm)))
                && donors.as_ref().is_none_or(|d| {
                    p.participants
                        .iter()
                        .any(|x| x.role == Role::Funding && d.contains(&x.organisation))
                })
                && texts.matches(query.as_ref(), id.index(), p, &mut buf)
        })
        .collect();
    Ok(Cow::Owned(direction.apply(out)))
}
