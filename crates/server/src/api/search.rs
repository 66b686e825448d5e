//! Full-text search across organisations, programmes, projects and activities.

use coopgraph_data::Store;
use coopgraph_model::{ActivityId, OrganisationId, ProgrammeId, ProjectId};

use super::text::Query;

/// A record that matched, in the order results are ranked when scores tie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Hit {
    Organisation(OrganisationId),
    Programme(ProgrammeId),
    Project(ProjectId),
    Activity(ActivityId),
}

fn opt(o: &Option<String>) -> &str {
    o.as_deref().unwrap_or("")
}

/// The `first` records that best match `text`, best first. Names and acronyms
/// weigh more than titles, titles more than places, places more than descriptions.
pub fn search(s: &Store, query: &Query, first: usize) -> Vec<Hit> {
    let mut hits: Vec<(u32, Hit)> = Vec::new();
    let mut push = |score: u32, hit: Hit| {
        if score > 0 {
            hits.push((score, hit));
        }
    };
    for (i, o) in s.organisations().iter().enumerate() {
        let mut fields = vec![
            (o.name.as_str(), 3),
            (opt(&o.acronym), 4),
            (opt(&o.description), 1),
        ];
        fields.extend(o.former_names.iter().map(|n| (n.as_str(), 2)));
        push(
            query.score(&fields),
            Hit::Organisation(OrganisationId(i as u32)),
        );
    }
    for (i, p) in s.programmes().iter().enumerate() {
        let fields = [
            (p.name.as_str(), 3),
            (opt(&p.acronym), 4),
            (opt(&p.description), 1),
        ];
        push(query.score(&fields), Hit::Programme(ProgrammeId(i as u32)));
    }
    for (i, p) in s.projects().iter().enumerate() {
        let mut fields = vec![
            (p.title.as_str(), 3),
            (opt(&p.acronym), 4),
            (opt(&p.objective), 1),
        ];
        fields.extend(p.places.iter().map(|x| (x.name.as_str(), 2)));
        fields.extend(p.countries.iter().map(|c| (c.name(), 2)));
        push(query.score(&fields), Hit::Project(ProjectId(i as u32)));
    }
    for (i, a) in s.activities().iter().enumerate() {
        push(
            query.score(&[(a.description.as_str(), 1)]),
            Hit::Activity(ActivityId(i as u32)),
        );
    }
    hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    hits.into_iter().take(first).map(|(_, h)| h).collect()
}
