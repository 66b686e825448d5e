//! Full-text search across organisations, programmes, projects and activities,
//! over text matched ignoring case and diacritics.

use coopgraph_model::{ActivityId, OrganisationId, ProgrammeId, ProjectId};

use super::TextQuery;
use crate::Store;
use crate::store::{FoldedFields, Searchable};

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
    scan(
        query,
        &text.organisations,
        s.organisations(),
        &mut hits,
        |i| Hit::Organisation(OrganisationId(i)),
    );
    scan(query, &text.programmes, s.programmes(), &mut hits, |i| {
        Hit::Programme(ProgrammeId(i))
    });
    scan(query, &text.projects, s.projects(), &mut hits, |i| {
        Hit::Project(ProjectId(i))
    });
    scan(query, &text.activities, s.activities(), &mut hits, |i| {
        Hit::Activity(ActivityId(i))
    });
    hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    hits.into_iter().take(first).map(|(_, h)| h).collect()
}

/// Scores every record of one type, keeping those that match.
fn scan<T: Searchable>(
    query: &TextQuery,
    text: &FoldedFields,
    records: &[T],
    hits: &mut Vec<(u32, Hit)>,
    hit: impl Fn(u32) -> Hit,
) {
    let mut fields = Vec::new();
    for (i, record) in records.iter().enumerate() {
        fields.clear();
        text.fields(i, record, &mut fields);
        let score = query.score(fields.iter().copied());
        if score > 0 {
            hits.push((score, hit(i as u32)));
        }
    }
}
