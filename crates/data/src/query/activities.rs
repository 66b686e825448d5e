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
    Ok((0..s.activities().len() as u32)
        .map(ActivityId)
        .filter(|&id| {
            projects
                .as_ref()
                .is_none_or(|p| p.contains(&s.activity(id).project))
                && query
                    .as_ref()
                    .is_none_or(|q| q.matches(texts.of(id.index()).map(|(f, _)| f)))
        })
        .collect())
}
