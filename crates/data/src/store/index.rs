//! The indexes of a store: every relation the API follows and the orders its
//! root lists use, built once from resolved records.

use std::collections::BTreeMap;

use coopgraph_model::*;

use super::Records;

/// Every relation and order the API follows, built once from the records.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Index {
    pub children: Lists<OrganisationId>,
    pub org_programmes: Lists<(ProgrammeId, Role)>,
    pub org_projects: Lists<(ProjectId, Role)>,
    pub org_roles: Lists<Role>,
    pub donors: Vec<OrganisationId>,
    pub programme_projects: Lists<ProjectId>,
    pub theme_projects: Lists<ProjectId>,
    pub country_projects: BTreeMap<CountryCode, Vec<ProjectId>>,
    pub contributions_from: Lists<ContributionId>,
    pub contributions_to_org: Lists<ContributionId>,
    pub contributions_to_programme: Lists<ContributionId>,
    pub contributions_to_project: Lists<ContributionId>,
    /// Projects whose period is closed, by each year they are active in.
    pub active_in: BTreeMap<i32, Vec<ProjectId>>,
    /// Projects with a start and no end: active in every year from the start.
    pub open_ended: Vec<ProjectId>,
    /// Each project's years, first and last (inclusive), as
    /// `Period::is_active_in` reads its period: a dense copy to check many
    /// projects without reading each record.
    pub years: Vec<(i32, i32)>,
    /// Every project in each [`ProjectSort`] order, and each project's rank in it.
    pub project_orders: [Vec<ProjectId>; 3],
    pub project_ranks: [Vec<u32>; 3],
    /// Organisations, donors and programmes in each [`NameSort`] order.
    /// For each [`ProjectSort`](crate::ProjectSort) order, the projects in
    /// each country and active in each year as bitmaps of their ranks in it:
    /// a filter by country and year is an intersection of two bitmaps, its
    /// count a popcount, and its projects come out already sorted.
    pub project_rank_sets: [RankSets; 3],
    pub organisation_orders: [Vec<OrganisationId>; 2],
    pub donor_orders: [Vec<OrganisationId>; 2],
    pub programme_orders: [Vec<ProgrammeId>; 2],
}

/// A list of values for each of `0..n` keys, all in one buffer: far smaller than
/// a `Vec` per key when most lists are short.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct Lists<T> {
    starts: Vec<u32>,
    items: Vec<T>,
}

impl<T> Default for Lists<T> {
    fn default() -> Self {
        Self {
            starts: vec![0],
            items: Vec::new(),
        }
    }
}

impl<T: Copy> Lists<T> {
    /// Groups the `(key, value)` pairs `pairs` gives under keys `0..keys`,
    /// keeping their order within a key. The pairs are gone through twice,
    /// once to count them and once to place them, so no list of pairs is ever
    /// built.
    pub fn build<P: Iterator<Item = (u32, T)>>(keys: usize, pairs: impl Fn() -> P) -> Self {
        let mut starts = vec![0u32; keys + 1];
        for (key, _) in pairs() {
            starts[key as usize + 1] += 1;
        }
        for i in 0..keys {
            starts[i + 1] += starts[i];
        }
        let Some((_, fill)) = pairs().next() else {
            return Self {
                starts,
                items: Vec::new(),
            };
        };
        let mut items = vec![fill; starts[keys] as usize];
        let mut next = starts.clone();
        for (key, value) in pairs() {
            let at = &mut next[key as usize];
            items[*at as usize] = value;
            *at += 1;
        }
        Self { starts, items }
    }

    /// Sorts each list and leaves each value once in it.
    fn dedup_each(&mut self) -> &mut Self
    where
        T: Ord,
    {
        let mut kept = 0;
        let mut start = 0;
        for key in 0..self.starts.len() - 1 {
            let end = self.starts[key + 1] as usize;
            let list = &mut self.items[start..end];
            list.sort_unstable();
            let from = kept;
            for i in start..end {
                if kept == from || self.items[kept - 1] != self.items[i] {
                    self.items[kept] = self.items[i];
                    kept += 1;
                }
            }
            start = end;
            self.starts[key + 1] = kept as u32;
        }
        self.items.truncate(kept);
        self.items.shrink_to_fit();
        self
    }
}

impl<T> std::ops::Index<usize> for Lists<T> {
    type Output = [T];

    fn index(&self, key: usize) -> &[T] {
        match (self.starts.get(key), self.starts.get(key + 1)) {
            (Some(&start), Some(&end)) => &self.items[start as usize..end as usize],
            _ => &[],
        }
    }
}

impl Index {
    /// Builds every index of records that are all resolved.
    pub fn build(s: &Records) -> Self {
        let n_org = s.organisations.len();
        let mut ix = Self::default();
        let orgs = || s.organisations.iter().zip((0..).map(OrganisationId));
        let programmes = || s.programmes.iter().zip((0..).map(ProgrammeId));
        let projects = || s.projects.iter().zip((0..).map(ProjectId));
        let contributions = || s.contributions.iter().zip((0..).map(ContributionId));
        ix.children = Lists::build(n_org, || {
            orgs().filter_map(|(o, id)| Some((o.parent?.0, id)))
        });
        ix.org_programmes = Lists::build(n_org, || {
            programmes().flat_map(|(p, id)| {
                p.participants
                    .iter()
                    .map(move |x| (x.organisation.0, (id, x.role)))
            })
        });
        ix.org_projects = Lists::build(n_org, || {
            projects().flat_map(|(p, id)| {
                p.participants
                    .iter()
                    .map(move |x| (x.organisation.0, (id, x.role)))
            })
        });
        ix.org_roles = Lists::build(n_org, || {
            let programmes = s.programmes.iter().flat_map(|p| roles(&p.participants));
            let projects = s.projects.iter().flat_map(|p| roles(&p.participants));
            let contributions = s.contributions.iter().flat_map(|c| {
                let channel = c.channel.map(|ch| (ch.0, Role::Extending));
                std::iter::once((c.from.0, Role::Funding)).chain(channel)
            });
            programmes.chain(projects).chain(contributions)
        });
        ix.org_roles.dedup_each();
        ix.programme_projects = Lists::build(s.programmes.len(), || {
            projects().filter_map(|(p, id)| Some((p.programme?.0, id)))
        });
        ix.theme_projects = Lists::build(s.themes.len(), || {
            projects().flat_map(|(p, id)| p.themes.iter().map(move |t| (t.0, id)))
        });
        ix.contributions_from =
            Lists::build(n_org, || contributions().map(|(c, id)| (c.from.0, id)));
        let to = |which: fn(&Recipient) -> Option<u32>| {
            move || contributions().filter_map(move |(c, id)| Some((which(c.to.as_ref()?)?, id)))
        };
        ix.contributions_to_org = Lists::build(
            n_org,
            to(|r| match r {
                Recipient::Organisation(o) => Some(o.0),
                _ => None,
            }),
        );
        ix.contributions_to_programme = Lists::build(
            s.programmes.len(),
            to(|r| match r {
                Recipient::Programme(p) => Some(p.0),
                _ => None,
            }),
        );
        ix.contributions_to_project = Lists::build(
            s.projects.len(),
            to(|r| match r {
                Recipient::Project(p) => Some(p.0),
                _ => None,
            }),
        );
        ix.years.reserve_exact(s.projects.len());
        for (p, id) in projects() {
            ix.years.push(match (p.period.start(), p.period.end()) {
                (Some(s), Some(e)) => (s.year(), e.year()),
                (Some(s), None) => (s.year(), i32::MAX),
                (None, Some(e)) => (e.year(), e.year()),
                (None, None) => (1, 0),
            });
            match (p.period.start(), p.period.end()) {
                (Some(_), None) => ix.open_ended.push(id),
                (start, Some(end)) => {
                    for year in start.map_or(end.year(), |s| s.year())..=end.year() {
                        ix.active_in.entry(year).or_default().push(id);
                    }
                }
                (None, None) => {}
            }
            for c in &p.countries {
                ix.country_projects.entry(*c).or_default().push(id);
            }
        }
        ix.project_orders = project_orders(&s.projects);
        ix.organisation_orders = name_orders(&s.organisations, |o| (&o.name, &o.slug))
            .map(|o| o.into_iter().map(OrganisationId).collect());
        ix.programme_orders = name_orders(&s.programmes, |p| (&p.name, &p.slug))
            .map(|o| o.into_iter().map(ProgrammeId).collect());
        ix.project_ranks = ix.project_orders.each_ref().map(|order| {
            let mut ranks = vec![0; order.len()];
            for (rank, id) in order.iter().enumerate() {
                ranks[id.index()] = rank as u32;
            }
            ranks
        });
        ix.project_rank_sets = {
            let (orders, years) = (&ix.project_orders, &ix.years);
            let sets = |o: usize| RankSets::build(&orders[o], years, &s.projects);
            let (first, (second, third)) =
                rayon::join(|| sets(0), || rayon::join(|| sets(1), || sets(2)));
            [first, second, third]
        };
        ix.donors = (0..n_org as u32)
            .map(OrganisationId)
            .filter(|o| ix.org_roles[o.index()].contains(&Role::Funding))
            .collect();
        ix.donor_orders = ix.organisation_orders.each_ref().map(|order| {
            order
                .iter()
                .copied()
                .filter(|o| ix.org_roles[o.index()].contains(&Role::Funding))
                .collect()
        });
        ix
    }
}

/// The role each participant holds, by organisation.
fn roles(parts: &[Participation]) -> impl Iterator<Item = (u32, Role)> + '_ {
    parts.iter().map(|x| (x.organisation.0, x.role))
}

/// Projects by country and by year, as bitmaps of their ranks in one order.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct RankSets {
    pub countries: BTreeMap<CountryCode, Bits>,
    /// The first year of `years`.
    pub first_year: i32,
    /// The projects active in each year from `first_year` to the last year any
    /// project starts or (for a closed period) ends.
    pub years: Vec<Bits>,
    /// The projects active in any later year: those with no end.
    pub later: Bits,
}

/// A set of ranks, one bit each: as many words as there are projects over 64,
/// intersected a word at a time.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Bits(pub Vec<u64>);

impl Bits {
    fn empty(n: usize) -> Self {
        Self(vec![0; n.div_ceil(64)])
    }

    fn insert(&mut self, rank: usize) {
        self.0[rank / 64] |= 1 << (rank % 64);
    }
}

impl RankSets {
    /// The sets for projects in `order`, with the years (first, last) of each
    /// project as `Index::years` keeps them.
    fn build(order: &[ProjectId], years: &[(i32, i32)], projects: &[Project]) -> Self {
        let open = |last: i32| last == i32::MAX;
        let known = years.iter().filter(|(first, last)| first <= last);
        let first_year = known.clone().map(|y| y.0).min().unwrap_or(0);
        let last_year = known
            .map(|&(first, last)| if open(last) { first } else { last })
            .max()
            .unwrap_or(-1);
        let span = (last_year - first_year + 1).max(0) as usize;
        let n = order.len();
        let mut sets = Self {
            countries: BTreeMap::new(),
            first_year,
            years: vec![Bits::empty(n); span],
            later: Bits::empty(n),
        };
        for (rank, id) in order.iter().enumerate() {
            let (first, last) = years[id.index()];
            for year in first.max(first_year)..=last.min(last_year) {
                sets.years[(year - first_year) as usize].insert(rank);
            }
            if open(last) {
                sets.later.insert(rank);
            }
            for c in &projects[id.index()].countries {
                let country = sets.countries.entry(*c).or_insert_with(|| Bits::empty(n));
                country.insert(rank);
            }
        }
        sets
    }

    /// The projects active at some time in `year`; `None` when none are.
    pub fn year(&self, year: i32) -> Option<&Bits> {
        if year < self.first_year {
            return None;
        }
        let at = (year - self.first_year) as usize;
        Some(self.years.get(at).unwrap_or(&self.later))
    }
}

/// Positions of `records` in each [`crate::NameSort`] order.
fn name_orders<T>(records: &[T], key: impl Fn(&T) -> (&String, &Slug)) -> [Vec<u32>; 2] {
    let mut by_name: Vec<(String, &Slug, u32)> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (crate::fold(key(r).0), key(r).1, i as u32))
        .collect();
    by_name.sort_unstable();
    let mut by_slug: Vec<u32> = (0..records.len() as u32).collect();
    by_slug.sort_unstable_by(|&a, &b| key(&records[a as usize]).1.cmp(key(&records[b as usize]).1));
    [by_name.into_iter().map(|(_, _, i)| i).collect(), by_slug]
}

/// The projects in each [`ProjectSort`] order.
fn project_orders(projects: &[Project]) -> [Vec<ProjectId>; 3] {
    let ids = || (0..projects.len() as u32).map(ProjectId);
    let p = |id: &ProjectId| &projects[id.index()];
    let mut by_title: Vec<(String, &Slug, ProjectId)> = ids()
        .map(|id| (crate::fold(&p(&id).title), &p(&id).slug, id))
        .collect();
    by_title.sort_unstable();
    let mut by_slug: Vec<ProjectId> = ids().collect();
    by_slug.sort_by(|a, b| p(a).slug.cmp(&p(b).slug));
    let mut by_start: Vec<ProjectId> = ids().collect();
    by_start.sort_by_key(|id| {
        let start = p(id).period.start();
        (start.is_none(), start.map(|d| d.first_day()), &p(id).slug)
    });
    [
        by_title.into_iter().map(|(_, _, id)| id).collect(),
        by_slug,
        by_start,
    ]
}
