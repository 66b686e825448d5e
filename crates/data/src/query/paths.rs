//! Following money: every way it goes from an organisation to an organisation,
//! programme or project, through contributions (and the channel each names),
//! FUNDING roles, programme membership and, on IATI data, the activities a
//! transaction names as the money's provider or receiver. Shortest first.

use std::collections::{HashMap, VecDeque};

use coopgraph_model::{ContributionId, OrganisationId, ProgrammeId, Recipient, Role};

use crate::Store;

/// The most steps a path may take.
pub const MAX_HOPS: usize = 6;
/// The most paths an answer holds.
pub const MAX_PATHS: usize = 100;
/// The most partial paths one search extends, so that a densely linked dataset
/// answers in bounded time (with the shortest paths found so far).
const MAX_EXPANSIONS: usize = 200_000;

/// One step of a path: money, or a link the data states without a flow, from one
/// record to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Where the money comes from.
    pub from: Recipient,
    /// Where it goes.
    pub to: Recipient,
    /// The contribution that moves it; `None` for a FUNDING role in a programme or
    /// project, and for a programme's project or sub-programme.
    pub contribution: Option<ContributionId>,
    /// The organisation the money passed through, as the contribution names it.
    pub channel: Option<OrganisationId>,
}

/// A way money goes, step by step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// The steps, from the donor on.
    pub steps: Vec<Step>,
}

/// Why paths cannot be searched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// An argument names no record.
    #[error("`{argument}`: no {what} has the slug `{slug}`")]
    Unknown {
        /// The argument, as the API names it.
        argument: &'static str,
        /// What it should name.
        what: &'static str,
        /// The slug as given.
        slug: String,
    },
    /// `maxHops` is out of its range.
    #[error("`maxHops` is {0}: it must be from 1 to {MAX_HOPS}")]
    Hops(i64),
}

/// Every way money goes from the organisation `from` to the organisation,
/// programme or project `to` (a slug of any of them) in at most `max_hops` steps,
/// shortest first, at most [`MAX_PATHS`]. A path never passes a record twice.
pub fn funding_paths(
    s: &Store,
    from: &str,
    to: &str,
    max_hops: i64,
) -> Result<Vec<Path>, PathError> {
    if !(1..=MAX_HOPS as i64).contains(&max_hops) {
        return Err(PathError::Hops(max_hops));
    }
    let start = s
        .organisation_by_slug(from)
        .ok_or_else(|| PathError::Unknown {
            argument: "from",
            what: "organisation",
            slug: from.to_owned(),
        })?;
    let targets: Vec<Recipient> = [
        s.organisation_by_slug(to).map(Recipient::Organisation),
        s.programme_by_slug(to).map(Recipient::Programme),
        s.project_by_slug(to).map(Recipient::Project),
    ]
    .into_iter()
    .flatten()
    .collect();
    if targets.is_empty() {
        return Err(PathError::Unknown {
            argument: "to",
            what: "organisation, programme or project",
            slug: to.to_owned(),
        });
    }
    let graph = Graph::new(s);
    let mut found = Vec::new();
    let mut queue: VecDeque<Vec<Step>> = VecDeque::new();
    let mut expansions = 0;
    let begin = Recipient::Organisation(start);
    for step in graph.out(begin) {
        queue.push_back(vec![step]);
    }
    while let Some(path) = queue.pop_front() {
        let last = path.last().expect("a path has a step").to;
        if targets.contains(&last) {
            found.push(Path { steps: path });
            if found.len() == MAX_PATHS {
                break;
            }
            continue;
        }
        expansions += 1;
        if path.len() >= max_hops as usize || expansions > MAX_EXPANSIONS {
            continue;
        }
        for step in graph.out(last) {
            let seen = step.to == begin || path.iter().any(|p| p.to == step.to);
            if !seen {
                let mut next = path.clone();
                next.push(step);
                queue.push_back(next);
            }
        }
    }
    Ok(found)
}

/// The links a search follows, with the few that have no index in the store.
struct Graph<'s> {
    s: &'s Store,
    /// Each programme's sub-programmes.
    children: HashMap<ProgrammeId, Vec<ProgrammeId>>,
    /// Contributions whose money an activity provided, by that activity.
    provided: HashMap<Recipient, Vec<ContributionId>>,
    /// Contributions that name the activity receiving the money, by payer.
    received: HashMap<OrganisationId, Vec<ContributionId>>,
}

impl<'s> Graph<'s> {
    fn new(s: &'s Store) -> Self {
        let mut children: HashMap<ProgrammeId, Vec<ProgrammeId>> = HashMap::new();
        for (i, p) in s.programmes().iter().enumerate() {
            if let Some(parent) = p.parent {
                children
                    .entry(parent)
                    .or_default()
                    .push(ProgrammeId(i as u32));
            }
        }
        let mut provided: HashMap<Recipient, Vec<ContributionId>> = HashMap::new();
        let mut received: HashMap<OrganisationId, Vec<ContributionId>> = HashMap::new();
        for (i, c) in s.contributions().iter().enumerate() {
            let id = ContributionId(i as u32);
            if let Some(a) = c.provider_activity {
                provided.entry(a).or_default().push(id);
            }
            if c.receiver_activity.is_some() {
                received.entry(c.from).or_default().push(id);
            }
        }
        Self {
            s,
            children,
            provided,
            received,
        }
    }

    /// A contribution's step from `from`: to the activity it names as receiving the
    /// money, else to what it is paid to; none where the source names neither.
    fn paid(&self, from: Recipient, id: ContributionId) -> Option<Step> {
        let c = self.s.contribution(id);
        Some(Step {
            from,
            to: c.receiver_activity.or(c.to)?,
            contribution: Some(id),
            channel: c.channel,
        })
    }

    /// Every step out of a record, in a stable order.
    fn out(&self, node: Recipient) -> Vec<Step> {
        let s = self.s;
        let mut steps = Vec::new();
        let link = |to| Step {
            from: node,
            to,
            contribution: None,
            channel: None,
        };
        match node {
            Recipient::Organisation(o) => {
                for &c in s.contributions_from(&[o])[0] {
                    let paid = s.contribution(c);
                    if let Some(to) = paid.to {
                        steps.push(Step {
                            from: node,
                            to,
                            contribution: Some(c),
                            channel: paid.channel,
                        });
                    }
                }
                for &c in self.received.get(&o).into_iter().flatten() {
                    steps.extend(self.paid(node, c));
                }
                for &(p, role) in s.programmes_of(&[o])[0] {
                    if role == Role::Funding {
                        steps.push(link(Recipient::Programme(p)));
                    }
                }
                for &(p, role) in s.projects_of_organisations(&[o])[0] {
                    if role == Role::Funding {
                        steps.push(link(Recipient::Project(p)));
                    }
                }
            }
            Recipient::Programme(p) => {
                for &j in s.projects_of_programmes(&[p])[0] {
                    steps.push(link(Recipient::Project(j)));
                }
                for &child in self.children.get(&p).into_iter().flatten() {
                    steps.push(link(Recipient::Programme(child)));
                }
            }
            Recipient::Project(_) => {}
        }
        if !matches!(node, Recipient::Organisation(_)) {
            for &c in self.provided.get(&node).into_iter().flatten() {
                steps.extend(self.paid(node, c));
            }
        }
        steps.dedup();
        steps
    }
}
