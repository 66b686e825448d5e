//! Writing a store as one IATI 2.03 activity file that validates against the
//! standard's schema: programmes as parents (lower `hierarchy` levels, with a
//! `related-activity` to each child), projects as the lowest level, and every
//! contribution paid to a programme or project as a transaction of its activity.
//!
//! What the schema requires and a record does not state is written so that it
//! says so: an undated activity gets the date of the first money paid to it, with
//! a narrative saying where the date comes from; an activity without an objective
//! gets its source as its description (type 4, "other", which the reader leaves
//! aside). Flows between organisations outside any activity are not written: IATI
//! activity files carry only the flows of activities.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use coopgraph_data::Store;
use coopgraph_model::{
    ActivityStatus, ContributionKind, CountryCode, Money, Organisation, OrganisationId,
    PartialDate, Participation, Period, ProgrammeId, Recipient, Role, Source, ThemeId,
};
use quick_xml::escape::escape;

use crate::codes;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The output could not be written.
    #[error("cannot write: {0}")]
    Io(#[from] io::Error),
    /// No organisation can stand as the publisher of the file.
    #[error("{0}")]
    Reporting(String),
}

/// What an export wrote and what it left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Exported {
    /// Programme activities written.
    pub programmes: usize,
    /// Project activities written.
    pub projects: usize,
    /// Transactions written.
    pub transactions: usize,
    /// Contributions left out: paid to an organisation, outside any activity.
    pub left_out: usize,
}

/// Writes the whole store as IATI 2.03 to `out`. `reporting` is the slug of the
/// organisation that publishes the records not read from IATI files; by default
/// the organisation with an IATI identifier that takes part in the most records.
/// `today` dates the file and sets the status of activities that state none.
pub fn export(
    store: &Store,
    reporting: Option<&str>,
    today: PartialDate,
    out: &mut impl Write,
) -> Result<Exported, ExportError> {
    let publisher = publisher(store, reporting)?;
    let mut w = Writer {
        s: store,
        publisher,
        today,
        buf: String::with_capacity(1 << 16),
        stats: Exported::default(),
        identifiers: HashMap::new(),
    };
    w.identifiers = identifiers(store, publisher);
    let (programme_levels, project_level) = levels(store);
    let by_activity = transactions_by_activity(store, &mut w.stats);
    let today = today.to_string();
    w.buf
        .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        w.buf,
        "<iati-activities version=\"2.03\" generated-datetime=\"{today}T00:00:00Z\">"
    );
    for (i, p) in store.programmes().iter().enumerate() {
        let id = ProgrammeId(i as u32);
        let level = programme_levels[i];
        w.programme(id, p, level, by_activity.get(&Recipient::Programme(id)));
        w.stats.programmes += 1;
        out.write_all(w.buf.as_bytes())?;
        w.buf.clear();
    }
    for (i, _) in store.projects().iter().enumerate() {
        let id = coopgraph_model::ProjectId(i as u32);
        w.project(id, project_level, by_activity.get(&Recipient::Project(id)));
        w.stats.projects += 1;
        out.write_all(w.buf.as_bytes())?;
        w.buf.clear();
    }
    w.buf.push_str("</iati-activities>\n");
    out.write_all(w.buf.as_bytes())?;
    out.flush()?;
    Ok(w.stats)
}

/// The organisation that publishes the file.
fn publisher(store: &Store, reporting: Option<&str>) -> Result<OrganisationId, ExportError> {
    if let Some(slug) = reporting {
        let id = store.organisation_by_slug(slug).ok_or_else(|| {
            ExportError::Reporting(format!("no organisation has the slug `{slug}`"))
        })?;
        if store.organisation(id).iati_ref.is_none() {
            return Err(ExportError::Reporting(format!(
                "`{slug}` has no IATI identifier (`iati_ref`), which a reporting organisation needs"
            )));
        }
        return Ok(id);
    }
    let mut count: HashMap<OrganisationId, usize> = HashMap::new();
    let parts = store.programmes().iter().flat_map(|p| &p.participants);
    for p in parts.chain(store.projects().iter().flat_map(|p| &p.participants)) {
        *count.entry(p.organisation).or_default() += 1;
    }
    store
        .organisations()
        .iter()
        .enumerate()
        .filter(|(_, o)| o.iati_ref.is_some())
        .map(|(i, _)| OrganisationId(i as u32))
        .max_by_key(|id| (count.get(id).copied().unwrap_or(0), std::cmp::Reverse(*id)))
        .ok_or_else(|| {
            ExportError::Reporting(
                "no organisation has an IATI identifier (`iati_ref`) to publish the file under; give one, and name it with --reporting-org".to_owned(),
            )
        })
}

/// Each programme's and project's IATI identifier: its own where it was read from
/// IATI, else the publisher's identifier and its slug.
fn identifiers(store: &Store, publisher: OrganisationId) -> HashMap<Recipient, String> {
    let prefix = store
        .organisation(publisher)
        .iati_ref
        .clone()
        .unwrap_or_default();
    let mut out = HashMap::new();
    for (i, p) in store.programmes().iter().enumerate() {
        let id = p
            .iati
            .as_ref()
            .map_or_else(|| format!("{prefix}-{}", p.slug), |d| d.identifier.clone());
        out.insert(Recipient::Programme(ProgrammeId(i as u32)), id);
    }
    for (i, p) in store.projects().iter().enumerate() {
        let id = p
            .iati
            .as_ref()
            .map_or_else(|| format!("{prefix}-{}", p.slug), |d| d.identifier.clone());
        out.insert(Recipient::Project(coopgraph_model::ProjectId(i as u32)), id);
    }
    out
}

/// Each programme's hierarchy level (1 for a programme within none), and the
/// projects' level, below every programme.
fn levels(store: &Store) -> (Vec<u32>, u32) {
    let programmes = store.programmes();
    let level = |i: usize| {
        let (mut depth, mut up) = (1, programmes[i].parent);
        while let Some(parent) = up.filter(|_| depth <= programmes.len() as u32) {
            depth += 1;
            up = programmes[parent.index()].parent;
        }
        depth
    };
    let levels: Vec<u32> = (0..programmes.len()).map(level).collect();
    let projects = levels.iter().max().map_or(1, |m| m + 1);
    (levels, projects)
}

/// Contributions by the activity they are a transaction of: the programme or
/// project paid, or for one read from IATI and paid to an organisation, the
/// activity it was read from (its source's section).
fn transactions_by_activity(store: &Store, stats: &mut Exported) -> HashMap<Recipient, Vec<usize>> {
    let mut out: HashMap<Recipient, Vec<usize>> = HashMap::new();
    for (i, c) in store.contributions().iter().enumerate() {
        let activity = match c.to {
            Some(Recipient::Organisation(_)) | None => c
                .source
                .section
                .as_deref()
                .and_then(|s| store.by_iati_identifier(s))
                .map(|r| match r {
                    coopgraph_data::IatiRecord::Programme(p) => Recipient::Programme(p),
                    coopgraph_data::IatiRecord::Project(p) => Recipient::Project(p),
                }),
            to => to,
        };
        match activity {
            Some(a) => out.entry(a).or_default().push(i),
            None => stats.left_out += 1,
        }
    }
    out
}

fn iso(d: PartialDate, end: bool) -> String {
    let (y, m, day) = if end { d.last_day() } else { d.first_day() };
    format!("{y:04}-{m:02}-{day:02}")
}

struct Writer<'s> {
    s: &'s Store,
    publisher: OrganisationId,
    today: PartialDate,
    buf: String,
    stats: Exported,
    identifiers: HashMap<Recipient, String>,
}

/// What an activity element is written from: the fields programmes and projects
/// share.
struct Common<'a> {
    me: Recipient,
    title: &'a str,
    objective: Option<&'a str>,
    participants: &'a [Participation],
    period: Period,
    iati: Option<&'a coopgraph_model::IatiDetails>,
    source: &'a Source,
    level: u32,
    parent: Option<Recipient>,
    children: Vec<Recipient>,
}

impl Writer<'_> {
    fn text(&mut self, s: &str) {
        self.buf.push_str(&escape(s));
    }

    fn narrative(&mut self, indent: &str, s: &str) {
        let _ = write!(self.buf, "{indent}<narrative>");
        self.text(s);
        self.buf.push_str("</narrative>\n");
    }

    fn org_attrs(&mut self, o: &Organisation) {
        if let Some(r) = &o.iati_ref {
            self.buf.push_str(" ref=\"");
            self.text(r);
            self.buf.push('"');
        }
        let _ = write!(self.buf, " type=\"{}\"", codes::organisation_type(o.kind));
    }

    /// The first day money was paid to an activity, for one that states no date.
    fn first_payment(&self, transactions: Option<&Vec<usize>>) -> Option<PartialDate> {
        transactions?
            .iter()
            .filter_map(|&i| {
                let c = &self.s.contributions()[i];
                c.date.or(c.period.start())
            })
            .min()
    }

    fn programme(
        &mut self,
        id: ProgrammeId,
        p: &coopgraph_model::Programme,
        level: u32,
        transactions: Option<&Vec<usize>>,
    ) {
        let me = Recipient::Programme(id);
        let mut children: Vec<Recipient> = Vec::new();
        for (i, q) in self.s.programmes().iter().enumerate() {
            if q.parent == Some(id) {
                children.push(Recipient::Programme(ProgrammeId(i as u32)));
            }
        }
        for (i, q) in self.s.projects().iter().enumerate() {
            if q.programme == Some(id) {
                children.push(Recipient::Project(coopgraph_model::ProjectId(i as u32)));
            }
        }
        let common = Common {
            me,
            title: &p.name,
            objective: p.description.as_deref(),
            participants: &p.participants,
            period: p.period,
            iati: p.iati.as_deref(),
            source: &p.source,
            level,
            parent: p.parent.map(Recipient::Programme),
            children,
        };
        self.activity(common, &[], &[], None, transactions);
    }

    fn project(
        &mut self,
        id: coopgraph_model::ProjectId,
        level: u32,
        transactions: Option<&Vec<usize>>,
    ) {
        let p = self.s.project(id);
        let common = Common {
            me: Recipient::Project(id),
            title: &p.title,
            objective: p.objective.as_deref(),
            participants: &p.participants,
            period: p.period,
            iati: p.iati.as_deref(),
            source: &p.source,
            level,
            parent: p.programme.map(Recipient::Programme),
            children: Vec::new(),
        };
        self.activity(
            common,
            &p.countries,
            &p.themes,
            p.budget.as_ref(),
            transactions,
        );
    }

    fn activity(
        &mut self,
        a: Common<'_>,
        countries: &[CountryCode],
        themes: &[ThemeId],
        budget: Option<&Money>,
        transactions: Option<&Vec<usize>>,
    ) {
        let s = self.s;
        let lang = a.iati.and_then(|d| d.language.as_deref()).unwrap_or("en");
        let identifier = self.identifiers[&a.me].clone();
        self.buf.push_str(" <iati-activity xml:lang=\"");
        self.text(lang);
        let _ = writeln!(self.buf, "\" hierarchy=\"{}\">", a.level);
        self.buf.push_str("  <iati-identifier>");
        self.text(&identifier);
        self.buf.push_str("</iati-identifier>\n");

        let reporting = a
            .iati
            .and_then(|d| d.reporting)
            .filter(|r| s.organisation(*r).iati_ref.is_some());
        let reporting = s.organisation(reporting.unwrap_or(self.publisher));
        self.buf.push_str("  <reporting-org");
        self.org_attrs(reporting);
        self.buf.push_str(">\n");
        self.narrative("   ", &reporting.name);
        self.buf.push_str("  </reporting-org>\n  <title>\n");
        self.narrative("   ", a.title);
        self.buf.push_str("  </title>\n");
        match a.objective {
            Some(o) => {
                self.buf.push_str("  <description type=\"2\">\n");
                self.narrative("   ", o);
            }
            None => {
                self.buf.push_str("  <description type=\"4\">\n");
                let doc = &s.document(a.source.document).title;
                let text = match &a.source.section {
                    Some(sec) => format!("Source: {doc}, section {sec}"),
                    None => format!("Source: {doc}"),
                };
                self.narrative("   ", &text);
            }
        }
        self.buf.push_str("  </description>\n");

        let mut participants = a.participants.to_vec();
        if participants.is_empty() {
            // The schema wants one; the publisher answers for what it reports.
            participants.push(Participation {
                organisation: reporting_id(s, reporting),
                role: Role::Accountable,
            });
        }
        for p in &participants {
            let o = s.organisation(p.organisation);
            self.buf.push_str("  <participating-org");
            self.org_attrs(o);
            let _ = writeln!(self.buf, " role=\"{}\">", codes::role_code(p.role));
            self.narrative("   ", &o.name);
            self.buf.push_str("  </participating-org>\n");
        }

        let status = a
            .iati
            .and_then(|d| d.status)
            .unwrap_or_else(|| status_by_period(a.period, self.today));
        let _ = writeln!(
            self.buf,
            "  <activity-status code=\"{}\"/>",
            codes::activity_status_code(status)
        );
        let past = |d: PartialDate| d <= self.today;
        match (a.period.start(), a.period.end()) {
            (None, None) => {
                let (date, why) = match self.first_payment(transactions) {
                    Some(d) => (
                        d,
                        "Not stated in the source: the date of the first money paid to the activity",
                    ),
                    None => (
                        self.today,
                        "Not stated in the source: the date of this export",
                    ),
                };
                let _ = writeln!(
                    self.buf,
                    "  <activity-date type=\"1\" iso-date=\"{}\">",
                    iso(date, false)
                );
                self.narrative("   ", why);
                self.buf.push_str("  </activity-date>\n");
            }
            (start, end) => {
                if let Some(d) = start {
                    let t = if past(d) { 2 } else { 1 };
                    let _ = writeln!(
                        self.buf,
                        "  <activity-date type=\"{t}\" iso-date=\"{}\"/>",
                        iso(d, false)
                    );
                }
                if let Some(d) = end {
                    let t = if past(d) { 4 } else { 3 };
                    let _ = writeln!(
                        self.buf,
                        "  <activity-date type=\"{t}\" iso-date=\"{}\"/>",
                        iso(d, true)
                    );
                }
            }
        }

        let shares = a.iati.map(|d| &d.country_shares[..]).unwrap_or(&[]);
        for c in countries {
            let _ = write!(self.buf, "  <recipient-country code=\"{}\"", c.alpha2());
            if let Some(p) = shares
                .iter()
                .find(|x| x.country == *c)
                .and_then(|x| x.percentage)
            {
                let _ = write!(self.buf, " percentage=\"{}\"", p.percent());
            }
            self.buf.push_str("/>\n");
        }
        let theme_shares = a.iati.map(|d| &d.theme_shares[..]).unwrap_or(&[]);
        for t in themes {
            let theme = s.theme(*t);
            let (vocabulary, code) = match (&theme.vocabulary, &theme.code) {
                (Some(v), Some(c)) => (v.as_str(), c.as_str()),
                _ => ("99", theme.slug.as_str()),
            };
            self.buf.push_str("  <sector vocabulary=\"");
            self.text(vocabulary);
            self.buf.push_str("\" code=\"");
            self.text(code);
            self.buf.push('"');
            if let Some(p) = theme_shares
                .iter()
                .find(|x| x.theme == *t)
                .and_then(|x| x.percentage)
            {
                let _ = write!(self.buf, " percentage=\"{}\"", p.percent());
            }
            self.buf.push_str(">\n");
            self.narrative("   ", &theme.name);
            self.buf.push_str("  </sector>\n");
        }

        match a.iati {
            Some(d) => {
                for b in &d.budgets {
                    self.budget(
                        b.period,
                        &b.amount,
                        b.kind,
                        b.status,
                        b.value_date,
                        transactions,
                    );
                }
            }
            None => {
                if let Some(m) = budget {
                    use coopgraph_model::{BudgetKind, BudgetStatus};
                    self.budget(
                        a.period,
                        m,
                        BudgetKind::Original,
                        BudgetStatus::Committed,
                        None,
                        transactions,
                    );
                }
            }
        }

        for &i in transactions.into_iter().flatten() {
            self.transaction(i, a.me, a.period);
        }
        if let Some(parent) = a.parent {
            self.buf.push_str("  <related-activity type=\"1\" ref=\"");
            let id = self.identifiers[&parent].clone();
            self.text(&id);
            self.buf.push_str("\"/>\n");
        }
        for child in &a.children {
            self.buf.push_str("  <related-activity type=\"2\" ref=\"");
            let id = self.identifiers[child].clone();
            self.text(&id);
            self.buf.push_str("\"/>\n");
        }
        self.buf.push_str(" </iati-activity>\n");
    }

    #[allow(clippy::too_many_arguments)]
    fn budget(
        &mut self,
        period: Period,
        amount: &Money,
        kind: coopgraph_model::BudgetKind,
        status: coopgraph_model::BudgetStatus,
        value_date: Option<PartialDate>,
        transactions: Option<&Vec<usize>>,
    ) {
        let start = period
            .start()
            .or_else(|| self.first_payment(transactions))
            .unwrap_or(self.today);
        let end = period.end().unwrap_or(start);
        let kind = match kind {
            coopgraph_model::BudgetKind::Original => 1,
            coopgraph_model::BudgetKind::Revised => 2,
        };
        let status = match status {
            coopgraph_model::BudgetStatus::Indicative => 1,
            coopgraph_model::BudgetStatus::Committed => 2,
        };
        let _ = writeln!(self.buf, "  <budget type=\"{kind}\" status=\"{status}\">");
        let _ = writeln!(
            self.buf,
            "   <period-start iso-date=\"{}\"/>",
            iso(start, false)
        );
        let _ = writeln!(self.buf, "   <period-end iso-date=\"{}\"/>", iso(end, true));
        self.value("   ", amount, value_date.unwrap_or(start));
        self.buf.push_str("  </budget>\n");
    }

    fn value(&mut self, indent: &str, m: &Money, value_date: PartialDate) {
        let _ = writeln!(
            self.buf,
            "{indent}<value currency=\"{}\" value-date=\"{}\">{}</value>",
            m.currency().code(),
            iso(value_date, false),
            m.amount()
        );
    }

    fn transaction(&mut self, i: usize, activity: Recipient, period: Period) {
        let s = self.s;
        let c = &s.contributions()[i];
        let Some(amount) = &c.amount else {
            // A flow without an amount is not a transaction IATI can carry.
            self.stats.left_out += 1;
            return;
        };
        let date = c
            .date
            .or(c.period.start())
            .or(period.start())
            .unwrap_or(self.today);
        let kind = if c.to == Some(activity) && !is_iati_kind(c.kind) {
            // Money a hand-curated record says was paid to the activity: from the
            // activity's side, money coming in.
            if c.kind.is_promise() { "13" } else { "1" }
        } else {
            codes::transaction_type(c.kind)
        };
        self.buf.push_str("  <transaction>\n");
        let _ = writeln!(self.buf, "   <transaction-type code=\"{kind}\"/>");
        let _ = writeln!(
            self.buf,
            "   <transaction-date iso-date=\"{}\"/>",
            iso(date, false)
        );
        self.value("   ", amount, c.value_date.unwrap_or(date));
        if let Some(d) = &c.description {
            self.buf.push_str("   <description>\n");
            self.narrative("    ", d);
            self.buf.push_str("   </description>\n");
        }
        let from = s.organisation(c.from);
        self.buf.push_str("   <provider-org");
        self.org_attrs(from);
        self.activity_attr("provider-activity-id", c.provider_activity);
        self.buf.push_str(">\n");
        self.narrative("    ", &from.name);
        self.buf.push_str("   </provider-org>\n");
        if let Some(Recipient::Organisation(o)) = c.to {
            let to = s.organisation(o);
            self.buf.push_str("   <receiver-org");
            self.org_attrs(to);
            self.activity_attr("receiver-activity-id", c.receiver_activity);
            self.buf.push_str(">\n");
            self.narrative("    ", &to.name);
            self.buf.push_str("   </receiver-org>\n");
        }
        self.buf.push_str("  </transaction>\n");
        self.stats.transactions += 1;
    }
}

impl Writer<'_> {
    /// ` provider-activity-id="…"` for an activity in the data.
    fn activity_attr(&mut self, name: &str, activity: Option<Recipient>) {
        if let Some(id) = activity.and_then(|a| self.identifiers.get(&a)).cloned() {
            let _ = write!(self.buf, " {name}=\"");
            self.text(&id);
            self.buf.push('"');
        }
    }
}

fn reporting_id(s: &Store, o: &Organisation) -> OrganisationId {
    let i = s
        .organisations()
        .iter()
        .position(|x| std::ptr::eq(x, o))
        .expect("a record of the store");
    OrganisationId(i as u32)
}

/// Whether a kind is one of IATI's transaction types rather than one of the
/// hand-curated records' kinds.
fn is_iati_kind(kind: ContributionKind) -> bool {
    use ContributionKind::*;
    !matches!(
        kind,
        Assessed | Voluntary | ExtraBudgetary | Donation | Grant | Pledge
    )
}

/// The status of an activity that states none, by its period as of `today`:
/// closed once it has ended, in the pipeline before it starts, else under way.
fn status_by_period(period: Period, today: PartialDate) -> ActivityStatus {
    match (period.start(), period.end()) {
        (_, Some(end)) if end.year() < today.year() => ActivityStatus::Closed,
        (Some(start), _) if start.year() > today.year() => ActivityStatus::Pipeline,
        _ => ActivityStatus::Implementation,
    }
}
