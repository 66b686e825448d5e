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

impl<T> Lists<T> {
    /// Groups `(key, value)` pairs under keys `0..keys`, keeping their order
    /// within a key.
    pub fn new(keys: usize, mut pairs: Vec<(u32, T)>) -> Self {
        pairs.sort_by_key(|&(key, _)| key);
        let mut starts = vec![0u32; keys + 1];
        for &(key, _) in &pairs {
            starts[key as usize + 1] += 1;
        }
        for i in 0..keys {
            starts[i + 1] += starts[i];
        }
        Self {
            starts,
            items: pairs.into_iter().map(|(_, value)| value).collect(),
        }
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
        let mut children = Vec::new();
        let mut org_programmes = Vec::new();
        let mut org_projects = Vec::new();
        let mut org_roles = Vec::new();
        let mut programme_projects = Vec::new();
        let mut theme_projects = Vec::new();
        let mut contributions_from = Vec::new();
        let mut to_org = Vec::new();
        let mut to_programme = Vec::new();
        let mut to_project = Vec::new();
        for (i, o) in s.organisations.iter().enumerate() {
            if let Some(p) = o.parent {
                children.push((p.0, OrganisationId(i as u32)));
            }
        }
        for (i, p) in s.programmes.iter().enumerate() {
            for part in &p.participants {
                org_programmes.push((part.organisation.0, (ProgrammeId(i as u32), part.role)));
                org_roles.push((part.organisation.0, part.role));
            }
        }
        for (i, p) in s.projects.iter().enumerate() {
            let id = ProjectId(i as u32);
            for part in &p.participants {
                org_projects.push((part.organisation.0, (id, part.role)));
                org_roles.push((part.organisation.0, part.role));
            }
            if let Some(prog) = p.programme {
                programme_projects.push((prog.0, id));
            }
            for t in &p.themes {
                theme_projects.push((t.0, id));
            }
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
        for (i, c) in s.contributions.iter().enumerate() {
            let id = ContributionId(i as u32);
            contributions_from.push((c.from.0, id));
            org_roles.push((c.from.0, Role::Funding));
            if let Some(ch) = c.channel {
                org_roles.push((ch.0, Role::Extending));
            }
            match c.to {
                None => {}
                Some(Recipient::Organisation(o)) => to_org.push((o.0, id)),
                Some(Recipient::Programme(p)) => to_programme.push((p.0, id)),
                Some(Recipient::Project(p)) => to_project.push((p.0, id)),
            }
        }
        org_roles.sort_unstable();
        org_roles.dedup();
        ix.children = Lists::new(n_org, children);
        ix.org_programmes = Lists::new(n_org, org_programmes);
        ix.org_projects = Lists::new(n_org, org_projects);
        ix.org_roles = Lists::new(n_org, org_roles);
        ix.programme_projects = Lists::new(s.programmes.len(), programme_projects);
        ix.theme_projects = Lists::new(s.themes.len(), theme_projects);
        ix.contributions_from = Lists::new(n_org, contributions_from);
        ix.contributions_to_org = Lists::new(n_org, to_org);
        ix.contributions_to_programme = Lists::new(s.programmes.len(), to_programme);
        ix.contributions_to_project = Lists::new(s.projects.len(), to_project);
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
