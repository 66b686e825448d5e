//! Which activities to list.

use coopgraph_model::ActivityId;

use super::{QueryError, resolve, text_query};
use crate::Store;

/// Which activities to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityFilter {
    /// Of any of these projects (slugs).
    pub project: Option<Vec<String>>,
    /// Whose description contains every word.
    pub text: Option<String>,
}

/// The activities that pass `filter`, by project in dataset order, then by
/// position.
pub fn activities(s: &Store, filter: &ActivityFilter) -> Result<Vec<ActivityId>, QueryError> {
    let projects = resolve("project", "project", &filter.project, |x| {
        s.project_by_slug(x)
    })?;
    let query = text_query(&filter.text);
    let texts = &s.text().activities;
    let mut buf = Vec::new();
    Ok((0..s.activities().len() as u32)
        .map(ActivityId)
        .filter(|&id| {
            let a = s.activity(id);
            projects.as_ref().is_none_or(|p| p.contains(&a.project))
                && texts.matches(query.as_ref(), id.index(), a, &mut buf)
        })
        .collect())
}
