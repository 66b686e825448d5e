//! The immutable, indexed dataset that the API reads.

mod index;
mod slugs;
mod snapshot;
mod text;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use index::Index;
pub(crate) use slugs::SlugMap;
use slugs::Slugs;
pub use snapshot::{DataKey, SnapshotError};
pub(crate) use text::{FoldedFields, SearchText, Searchable};

use coopgraph_model::*;

use crate::Problem;
use crate::query::{Measure, SummaryGroup, SummaryRow};
use rust_decimal::Decimal;

/// A whole, consistent dataset with an index for every relation the API follows.
///
/// Records live in one list per type and are named by typed ids; every index is
/// built once at load time, so each look-up below is a slice or a hash probe. The
/// `*_of` methods take many parent ids at once and answer for all of them in one
/// call, which is what batched GraphQL resolution asks for.
#[derive(Debug, Default)]
pub struct Store {
    records: Records,
    slugs: Slugs,
    index: Index,
    text: SearchText,
    /// Programmes and projects by their IATI identifier.
    iati: HashMap<String, IatiRecord>,
    /// What was dropped from the data files while the rest loaded.
    warnings: Vec<Problem>,
    /// Exchange rates by currency and year.
    rates: Rates,
    /// Funding summaries without a filter, kept once added up.
    summaries: Mutex<HashMap<SummaryKey, Arc<[SummaryRow]>>>,
}

/// What an unfiltered funding summary is kept under.
type SummaryKey = (SummaryGroup, Measure, Option<CurrencyCode>);

/// Exchange rates: units of each currency per US dollar, by year.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Rates {
    map: HashMap<(CurrencyCode, i32), Rate>,
}

/// The rate of one currency in one year.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rate {
    /// Units of the currency per US dollar, the year's average.
    #[serde(with = "coopgraph_model::decimal_bytes")]
    pub per_usd: Decimal,
    /// Where it comes from, such as "IMF, annual average 2008, JPY per US dollar (Japan)".
    pub source: String,
}

impl Rates {
    /// The rate of `currency` in `year`, if the rates give one; never another year's.
    pub fn get(&self, currency: CurrencyCode, year: i32) -> Option<&Rate> {
        self.map.get(&(currency, year))
    }

    /// How many currency-years the rates cover.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there are no rates.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub(crate) fn insert(&mut self, currency: CurrencyCode, year: i32, rate: Rate) {
        self.map.insert((currency, year), rate);
    }
}

/// A record named by an IATI activity identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum IatiRecord {
    /// An activity other activities name as their parent.
    Programme(ProgrammeId),
    /// Any other activity.
    Project(ProjectId),
}

/// The records of a dataset, every one resolved, in the order of the data files.
#[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Records {
    pub documents: Vec<Document>,
    pub themes: Vec<Theme>,
    pub organisations: Vec<Organisation>,
    pub programmes: Vec<Programme>,
    pub projects: Vec<Project>,
    pub activities: Vec<Activity>,
    pub contributions: Vec<Contribution>,
}

/// An order of organisations or programmes kept ready at load time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameSort {
    /// By folded name; equal names by slug.
    Name = 0,
    /// By slug.
    Slug = 1,
}

/// An order of projects kept ready at load time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectSort {
    /// By folded title; equal titles by slug.
    Title = 0,
    /// By slug.
    Slug = 1,
    /// By start, projects with no known start last; equal starts by slug.
    Start = 2,
}

/// How many records of each type a store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Organisations.
    pub organisations: usize,
    /// Programmes.
    pub programmes: usize,
    /// Projects.
    pub projects: usize,
    /// Activities.
    pub activities: usize,
    /// Contributions.
    pub contributions: usize,
    /// Countries some project works in.
    pub countries: usize,
}

macro_rules! records {
    ($($list:ident, $one:ident, $by_slug:ident: $id:ident => $ty:ty;)*) => {$(
        /// Every record of this type, in the order of the data files.
        pub fn $list(&self) -> &[$ty] {
            &self.records.$list
        }

        /// One record by id. Ids come from this store, so the record exists.
        pub fn $one(&self, id: $id) -> &$ty {
            &self.records.$list[id.index()]
        }

        /// The id of the record with this slug, if there is one.
        pub fn $by_slug(&self, slug: &str) -> Option<$id> {
            let list = &self.records.$list;
            self.slugs.$list.get(slug, |id| list[id as usize].slug.as_str()).map($id)
        }
    )*};
}

impl Store {
    /// Indexes resolved records, whose slugs are distinct within a type, into a store.
    pub(crate) fn build(records: Records, warnings: Vec<Problem>, rates: Rates) -> Self {
        let (index, (text, slugs)) = rayon::join(
            || Index::build(&records),
            || (SearchText::build(&records), Slugs::build(&records)),
        );
        let programmes = records.programmes.iter().enumerate().filter_map(|(i, p)| {
            let id = p.iati.as_ref()?.identifier.clone();
            Some((id, IatiRecord::Programme(ProgrammeId(i as u32))))
        });
        let projects = records.projects.iter().enumerate().filter_map(|(i, p)| {
            let id = p.iati.as_ref()?.identifier.clone();
            Some((id, IatiRecord::Project(ProjectId(i as u32))))
        });
        let iati = programmes.chain(projects).collect();
        Self {
            records,
            slugs,
            index,
            text,
            iati,
            warnings,
            rates,
            summaries: Mutex::default(),
        }
    }

    /// The funding summaries without a filter added up so far.
    pub(crate) fn summaries(&self) -> MutexGuard<'_, HashMap<SummaryKey, Arc<[SummaryRow]>>> {
        self.summaries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The exchange rates of `rates/*.csv`.
    pub fn rates(&self) -> &Rates {
        &self.rates
    }

    /// The programme or project an IATI activity identifier names.
    pub fn by_iati_identifier(&self, identifier: &str) -> Option<IatiRecord> {
        self.iati.get(identifier).copied()
    }

    /// What was dropped from the data files while the rest loaded, as
    /// `file:line: warning: …`, in file and line order.
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }

    records! {
        documents, document, document_by_slug: DocumentId => Document;
        themes, theme, theme_by_slug: ThemeId => Theme;
        organisations, organisation, organisation_by_slug: OrganisationId => Organisation;
        programmes, programme, programme_by_slug: ProgrammeId => Programme;
        projects, project, project_by_slug: ProjectId => Project;
        contributions, contribution, contribution_by_slug: ContributionId => Contribution;
    }

    /// The searchable text of every record, folded.
    pub(crate) fn text(&self) -> &SearchText {
        &self.text
    }

    /// How many records of each type the store holds.
    pub fn stats(&self) -> Stats {
        Stats {
            organisations: self.records.organisations.len(),
            programmes: self.records.programmes.len(),
            projects: self.records.projects.len(),
            activities: self.records.activities.len(),
            contributions: self.records.contributions.len(),
            countries: self.index.country_projects.len(),
        }
    }

    /// Organisations with a FUNDING role anywhere: as a participant of a programme or
    /// project, or as the payer of a contribution.
    pub fn donors(&self) -> &[OrganisationId] {
        &self.index.donors
    }

    /// The roles an organisation holds anywhere, in [`Role::ALL`] order. Paying a
    /// contribution counts as FUNDING, being its channel as EXTENDING.
    pub fn roles(&self, org: OrganisationId) -> &[Role] {
        &self.index.org_roles[org.index()]
    }

    /// Every country some project works in, ordered by code.
    pub fn countries(&self) -> impl ExactSizeIterator<Item = CountryCode> + '_ {
        self.index.country_projects.keys().copied()
    }

    /// Whether some project works in the country.
    pub fn has_country(&self, code: CountryCode) -> bool {
        self.index.country_projects.contains_key(&code)
    }

    /// For each organisation, the organisations directly under it (its offices,
    /// its ministries).
    pub fn children_of(&self, orgs: &[OrganisationId]) -> Vec<&[OrganisationId]> {
        orgs.iter()
            .map(|o| &self.index.children[o.index()])
            .collect()
    }

    /// For each organisation, the programmes it takes part in, with its role there.
    pub fn programmes_of(&self, orgs: &[OrganisationId]) -> Vec<&[(ProgrammeId, Role)]> {
        orgs.iter()
            .map(|o| &self.index.org_programmes[o.index()])
            .collect()
    }

    /// For each organisation, the projects it takes part in, with its role there.
    pub fn projects_of_organisations(&self, orgs: &[OrganisationId]) -> Vec<&[(ProjectId, Role)]> {
        orgs.iter()
            .map(|o| &self.index.org_projects[o.index()])
            .collect()
    }

    /// For each programme, the projects that belong to it.
    pub fn projects_of_programmes(&self, programmes: &[ProgrammeId]) -> Vec<&[ProjectId]> {
        programmes
            .iter()
            .map(|p| &self.index.programme_projects[p.index()])
            .collect()
    }

    /// For each country, the projects that work in it.
    pub fn projects_of_countries(&self, countries: &[CountryCode]) -> Vec<&[ProjectId]> {
        countries
            .iter()
            .map(|c| {
                self.index
                    .country_projects
                    .get(c)
                    .map_or(&[][..], Vec::as_slice)
            })
            .collect()
    }

    /// Every organisation in `order`, ascending.
    pub fn organisations_sorted(&self, order: NameSort) -> &[OrganisationId] {
        &self.index.organisation_orders[order as usize]
    }

    /// Every donor (see [`Store::donors`]) in `order`, ascending.
    pub fn donors_sorted(&self, order: NameSort) -> &[OrganisationId] {
        &self.index.donor_orders[order as usize]
    }

    /// Every programme in `order`, ascending.
    pub fn programmes_sorted(&self, order: NameSort) -> &[ProgrammeId] {
        &self.index.programme_orders[order as usize]
    }

    /// Every project in `order`, ascending.
    pub fn projects_sorted(&self, order: ProjectSort) -> &[ProjectId] {
        &self.index.project_orders[order as usize]
    }

    /// The projects in each country and active in each year, as bitmaps of
    /// their ranks in `order`.
    pub(crate) fn project_rank_sets(&self, order: ProjectSort) -> &index::RankSets {
        &self.index.project_rank_sets[order as usize]
    }

    /// Where a project comes in `order`: sorting ids by rank sorts them by `order`.
    pub fn project_rank(&self, order: ProjectSort, id: ProjectId) -> u32 {
        self.index.project_ranks[order as usize][id.index()]
    }

    /// The projects active at some time in `year`, as `Period::is_active_in` says,
    /// in dataset order: one probe of a year index, plus the few open-ended ones.
    pub fn projects_active_in(&self, year: i32) -> Vec<ProjectId> {
        let open = self
            .index
            .open_ended
            .iter()
            .filter(|&&id| self.is_project_active_in(id, year));
        let closed = self
            .index
            .active_in
            .get(&year)
            .map_or(&[][..], Vec::as_slice);
        let mut out: Vec<ProjectId> = closed.iter().chain(open).copied().collect();
        out.sort_unstable();
        out
    }

    /// Whether a project is active at some time in `year`, as
    /// `Period::is_active_in` says, from a dense index.
    pub fn is_project_active_in(&self, id: ProjectId, year: i32) -> bool {
        let (first, last) = self.index.years[id.index()];
        first <= year && year <= last
    }

    /// For each theme, the projects with that theme.
    pub fn projects_of_themes(&self, themes: &[ThemeId]) -> Vec<&[ProjectId]> {
        themes
            .iter()
            .map(|t| &self.index.theme_projects[t.index()])
            .collect()
    }

    /// Every activity, project by project, each project's in work-plan order.
    pub fn activities(&self) -> &[Activity] {
        &self.records.activities
    }

    /// One activity by id. Ids come from this store, so the activity exists.
    pub fn activity(&self, id: ActivityId) -> &Activity {
        &self.records.activities[id.index()]
    }

    /// An activity's slug: its project's slug and its position, as in
    /// `timor-leste-stage-2`. Derived, not stored.
    pub fn activity_slug(&self, id: ActivityId) -> String {
        let a = self.activity(id);
        format!("{}-{}", self.project(a.project).slug, a.position)
    }

    /// The id of the activity with this slug, if there is one.
    pub fn activity_by_slug(&self, slug: &str) -> Option<ActivityId> {
        let (project, position) = slug.rsplit_once('-')?;
        let position: usize = position.parse().ok()?;
        let project = self.project(self.project_by_slug(project)?);
        project.activities.get(position.checked_sub(1)?).copied()
    }

    /// Where an activity comes from: its own source, or its project's.
    pub fn activity_source(&self, id: ActivityId) -> &Source {
        let a = self.activity(id);
        a.source
            .as_deref()
            .unwrap_or(&self.project(a.project).source)
    }

    /// For each project, its activities in work-plan order.
    pub fn activities_of(&self, projects: &[ProjectId]) -> Vec<&[ActivityId]> {
        projects
            .iter()
            .map(|p| self.records.projects[p.index()].activities.as_slice())
            .collect()
    }

    /// For each organisation, the contributions it paid.
    pub fn contributions_from(&self, orgs: &[OrganisationId]) -> Vec<&[ContributionId]> {
        orgs.iter()
            .map(|o| &self.index.contributions_from[o.index()])
            .collect()
    }

    /// For each recipient, the contributions paid to it.
    pub fn contributions_to(&self, recipients: &[Recipient]) -> Vec<&[ContributionId]> {
        recipients
            .iter()
            .map(|r| match *r {
                Recipient::Organisation(o) => &self.index.contributions_to_org[o.index()],
                Recipient::Programme(p) => &self.index.contributions_to_programme[p.index()],
                Recipient::Project(p) => &self.index.contributions_to_project[p.index()],
            })
            .collect()
    }
}
