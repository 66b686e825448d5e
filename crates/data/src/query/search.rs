//! Full-text search across organisations, programmes, projects and activities,
//! over text folded at load.

use coopgraph_model::{ActivityId, OrganisationId, ProgrammeId, ProjectId};

use super::TextQuery;
use crate::Store;
use crate::store::FoldedFields;

/// A record that matched, in the order results are ranked when scores tie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Hit {
    /// An organisation.
    Organisation(OrganisationId),
    /// A programme.
    Programme(ProgrammeId),
    /// A project.
    Project(ProjectId),
    /// An activity.
    Activity(ActivityId),
}

/// The `first` records that best match `query`, best first. Acronyms weigh
/// more than names and titles, those more than places, places more than
/// descriptions.
pub fn search(s: &Store, query: &TextQuery, first: usize) -> Vec<Hit> {
    let text = s.text();
    let mut hits: Vec<(u32, Hit)> = Vec::new();
    let mut scan = |fields: &FoldedFields, n: usize, hit: &dyn Fn(u32) -> Hit| {
        for i in 0..n {
            let score = query.score(fields.of(i));
            if score > 0 {
                hits.push((score, hit(i as u32)));
            }
        }
    };
    scan(&text.organisations, s.organisations().len(), &|i| {
        Hit::Organisation(OrganisationId(i))
    });
    scan(&text.programmes, s.programmes().len(), &|i| {
        Hit::Programme(ProgrammeId(i))
    });
    scan(&text.projects, s.projects().len(), &|i| {
        Hit::Project(ProjectId(i))
    });
    scan(&text.activities, s.activities().len(), &|i| {
        Hit::Activity(ActivityId(i))
    });
    hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    hits.into_iter().take(first).map(|(_, h)| h).collect()
}
