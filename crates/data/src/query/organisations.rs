//! Which organisations (or donors) to list, in which order.

use std::borrow::Cow;

use coopgraph_model::{CountryCode, OrganisationId, OrganisationKind, Role};

use super::{Direction, any_of, text_query};
use crate::{NameSort, Store};

/// Which organisations to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrganisationFilter {
    /// Holding any of these roles anywhere.
    pub role: Option<Vec<Role>>,
    /// Of any of these kinds.
    pub kind: Option<Vec<OrganisationKind>>,
    /// Based in any of these countries.
    pub country: Option<Vec<CountryCode>>,
    /// Whose name, acronym, former names or description contain every word.
    pub text: Option<String>,
}

/// Every organisation, or only donors (organisations with a FUNDING role anywhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Every organisation.
    All,
    /// Only donors.
    Donors,
}

/// The organisations that pass `filter`, in `order`: a walk through an order the
/// store keeps ready, which is lent as it is when nothing is filtered.
pub fn organisations<'s>(
    s: &'s Store,
    which: Which,
    filter: &OrganisationFilter,
    order: NameSort,
    direction: Direction,
) -> Cow<'s, [OrganisationId]> {
    let all = match which {
        Which::All => s.organisations_sorted(order),
        Which::Donors => s.donors_sorted(order),
    };
    let OrganisationFilter {
        role,
        kind,
        country,
        text,
    } = filter;
    let query = text_query(text);
    let texts = &s.text().organisations;
    let mut buf = Vec::new();
    let out = if *filter == OrganisationFilter::default() {
        Cow::Borrowed(all)
    } else {
        all.iter()
            .copied()
            .filter(|&id| {
                let o = s.organisation(id);
                any_of(kind, &o.kind)
                    && role
                        .as_ref()
                        .is_none_or(|roles| s.roles(id).iter().any(|r| roles.contains(r)))
                    && country
                        .as_ref()
                        .is_none_or(|cs| o.country.is_some_and(|c| cs.contains(&c)))
                    && texts.matches(query.as_ref(), id.index(), o, &mut buf)
            })
            .collect::<Vec<_>>()
            .into()
    };
    direction.apply_cow(out)
}
