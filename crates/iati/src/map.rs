//! From read activities to the loader's raw records, by the mapping of SPEC.md
//! ("IATI in and out"). Every value is checked here: what cannot be used is
//! dropped with a warning at its line, and only what leaves no record (an
//! activity without an identifier, an identifier given twice) is an error.

use std::collections::{HashMap, HashSet};
use std::fmt::Display;
use std::path::PathBuf;

use coopgraph_data::raw::{self, Text};
use coopgraph_data::{Batch, KnownOrganisations, Note, Progress, Severity, fold, text_at};
use coopgraph_model::{
    Budget, BudgetKind, BudgetStatus, CountryCode, CurrencyCode, IatiDetails, Money, PartialDate,
    Period, Share, Slug,
};
use rust_decimal::Decimal;

use crate::codes::{self, DateType};
use crate::read::{self, Activity, Coded, Narrative, Org, Skim};

/// The longest slug made for an activity, leaving room for a transaction's
/// `-tN` within [`Slug::MAX_LEN`].
const ACTIVITY_SLUG_LEN: usize = 72;

/// Slugs handed out so far, by kind, across every file.
#[derive(Default)]
struct Slugs(HashSet<String>);

impl Slugs {
    /// A slug made from `text`, unique among those handed out: `text` folded to
    /// `a-z`, `0-9` and hyphens, cut to `max` bytes, with `-2`, `-3`… on a clash.
    fn make(&mut self, text: &str, max: usize) -> String {
        let folded = fold(text).replace(' ', "-");
        let mut base: String = folded.chars().take(max).collect();
        while base.ends_with('-') {
            base.pop();
        }
        if base.is_empty() {
            base.push('x');
        }
        let mut slug = base.clone();
        let mut n = 2;
        while !self.0.insert(slug.clone()) {
            let suffix = format!("-{n}");
            let mut b = base.clone();
            b.truncate(max.saturating_sub(suffix.len()));
            while b.ends_with('-') {
                b.pop();
            }
            slug = b + &suffix;
            n += 1;
        }
        slug
    }
}

/// Whether a `ref` is an organisation identifier (`XM-DAC-41302`, `GB-COH-123`)
/// rather than a type code or a bare number, as real files sometimes give.
fn is_org_identifier(reference: &str) -> bool {
    let mut parts = reference.splitn(2, '-');
    let agency = parts.next().unwrap_or_default();
    let rest = parts.next().unwrap_or_default();
    agency.len() >= 2
        && agency.chars().all(|c| c.is_ascii_alphanumeric())
        && agency.chars().any(|c| c.is_ascii_alphabetic())
        && !rest.is_empty()
        && !reference.chars().any(char::is_whitespace)
}

/// The narrative to show: English where there is one (by its own `xml:lang` or
/// the activity's), else the first; with its language.
fn pick<'a>(
    narratives: &'a [Narrative],
    default_lang: Option<&'a str>,
) -> Option<(&'a str, Option<&'a str>)> {
    let lang = |n: &'a Narrative| n.lang.as_deref().or(default_lang);
    narratives
        .iter()
        .find(|n| lang(n).is_none_or(|l| l.eq_ignore_ascii_case("en")))
        .or(narratives.first())
        .map(|n| (n.text.as_str(), lang(n)))
}

/// Reads an `xsd:date` (or a date-time) as a date; `None` for anything else.
fn date(text: &str) -> Option<PartialDate> {
    let day = text.get(..10).unwrap_or(text);
    PartialDate::parse(day).ok().filter(|_| day.len() == 10)
}

/// One file as skimmed by the first pass.
pub(crate) struct FileSkim {
    pub path: PathBuf,
    pub skims: Vec<Skim>,
    pub notes: Vec<Note>,
}

/// What the first pass decided of one activity.
pub(crate) struct Planned {
    /// `None` for an activity that cannot be used (no identifier, given twice).
    pub slug: Option<Box<str>>,
    /// The activity's parent, by its place in [`Plan::activities`].
    pub parent: Option<u32>,
    /// Whether it is read as a programme.
    pub programme: bool,
}

/// Every activity of every file, in reading order, as the first pass decided.
pub(crate) struct Plan {
    pub files: Vec<PathBuf>,
    /// For each file, where its activities start in `activities`.
    pub starts: Vec<usize>,
    pub activities: Vec<Planned>,
    /// What the first pass found, by file.
    pub notes: Vec<Vec<Note>>,
    /// Every usable activity's place, by identifier.
    pub index: HashMap<Box<str>, u32>,
}

impl Plan {
    /// Whether the first pass found an error: the data cannot load.
    pub fn has_errors(&self) -> bool {
        self.notes
            .iter()
            .flatten()
            .any(|n| n.severity == Severity::Error)
    }

    /// Decides, from what the first pass read of every file, each activity's slug,
    /// parent and whether it is a programme: a parent may be in another file than
    /// its children, and may come after them.
    pub fn new(files: Vec<FileSkim>) -> Plan {
        let mut plan = Plan {
            files: Vec::new(),
            starts: Vec::new(),
            activities: Vec::new(),
            notes: Vec::new(),
            index: HashMap::new(),
        };
        let mut slugs = Slugs::default();
        // Every usable activity's place, by identifier.
        let mut index: HashMap<&str, u32> = HashMap::new();
        let mut first_at: Vec<(usize, usize)> = Vec::new();
        for (fi, f) in files.iter().enumerate() {
            plan.files.push(f.path.clone());
            plan.starts.push(plan.activities.len());
            let mut notes = f.notes.clone();
            for a in &f.skims {
                let mut slug = None;
                match &a.identifier {
                    Some((line, id)) if !id.is_empty() => match index.get(id.as_str()) {
                        Some(&at) => {
                            let (ffi, fline) = first_at[at as usize];
                            let first = if ffi == fi {
                                format!("line {fline}")
                            } else {
                                format!("{}:{fline}", files[ffi].path.display())
                            };
                            error(
                                &mut notes,
                                *line,
                                format!("iati-identifier `{id}` is given twice: first at {first}"),
                            );
                        }
                        None => {
                            index.insert(id, plan.activities.len() as u32);
                            slug = Some(slugs.make(id, ACTIVITY_SLUG_LEN).into_boxed_str());
                        }
                    },
                    _ => error(
                        &mut notes,
                        a.line,
                        "an activity without an `iati-identifier` cannot be used",
                    ),
                }
                let line = a.identifier.as_ref().map_or(a.line, |i| i.0);
                first_at.push((fi, line));
                plan.activities.push(Planned {
                    slug,
                    parent: None,
                    programme: false,
                });
            }
            plan.notes.push(notes);
        }

        // Parents: named by a child (related-activity type 1) or by the parent
        // (type 2). A link to an activity not in the data is dropped.
        let mut at = 0;
        for (fi, f) in files.iter().enumerate() {
            for a in &f.skims {
                let me = at;
                at += 1;
                if plan.activities[me].slug.is_none() {
                    continue;
                }
                let Some((_, my_id)) = &a.identifier else {
                    continue;
                };
                for r in &a.related {
                    let Some(other) = r.reference.as_deref() else {
                        continue;
                    };
                    let (child, parent, child_id, parent_id) = match r.code.as_deref() {
                        Some("1") => (
                            Some(me as u32),
                            index.get(other).copied(),
                            my_id.as_str(),
                            other,
                        ),
                        Some("2") => (
                            index.get(other).copied(),
                            Some(me as u32),
                            other,
                            my_id.as_str(),
                        ),
                        _ => continue,
                    };
                    let notes = &mut plan.notes[fi];
                    let (Some(child), Some(parent)) = (child, parent) else {
                        warn(
                            notes,
                            r.line,
                            format!(
                                "related activity `{other}` is not in the data: the link is not kept"
                            ),
                        );
                        continue;
                    };
                    if child == parent {
                        warn(
                            notes,
                            r.line,
                            "an activity names itself as its parent: the link is not kept",
                        );
                        continue;
                    }
                    match plan.activities[child as usize].parent {
                        Some(p) if p != parent => {
                            let had = plan.activities[p as usize]
                                .slug
                                .as_deref()
                                .unwrap_or_default();
                            warn(
                                notes,
                                r.line,
                                format!(
                                    "`{child_id}` already has a parent (`{had}`): the link to `{parent_id}` is not kept"
                                ),
                            );
                        }
                        Some(_) => {}
                        None => {
                            // A link that would close a loop of parents is not kept.
                            let mut up = Some(parent);
                            let mut steps = 0;
                            while let Some(u) =
                                up.filter(|&u| u != child && steps <= plan.activities.len())
                            {
                                up = plan.activities[u as usize].parent;
                                steps += 1;
                            }
                            if up == Some(child) {
                                warn(
                                    notes,
                                    r.line,
                                    format!(
                                        "`{parent_id}` as the parent of `{child_id}` would make it its own ancestor: the link is not kept"
                                    ),
                                );
                                continue;
                            }
                            plan.activities[child as usize].parent = Some(parent);
                        }
                    }
                }
            }
        }
        for i in 0..plan.activities.len() {
            if let Some(p) = plan.activities[i].parent {
                plan.activities[p as usize].programme = true;
            }
        }
        // In a file of several levels, the activities above the lowest are
        // programmes even when their children are not in the data.
        for (fi, f) in files.iter().enumerate() {
            let lowest = f
                .skims
                .iter()
                .filter_map(|a| a.hierarchy)
                .max()
                .unwrap_or(1);
            for (k, a) in f.skims.iter().enumerate() {
                if a.hierarchy.unwrap_or(1) < lowest {
                    plan.activities[plan.starts[fi] + k].programme = true;
                }
            }
        }
        plan.index = index.into_iter().map(|(k, v)| (k.into(), v)).collect();
        plan
    }

    /// The slug of the activity an identifier names, if it is in the data.
    pub fn slug_of(&self, identifier: &str) -> Option<&str> {
        let at = *self.index.get(identifier)?;
        self.activities[at as usize].slug.as_deref()
    }
}

/// The records of one activity, held back while its parent is not yet handed over.
#[derive(Default)]
struct Own {
    programme: Option<(usize, raw::Programme)>,
    project: Option<(usize, raw::Project)>,
    contributions: Vec<(usize, raw::Contribution)>,
}

impl Own {
    fn into(self, batch: &mut Batch) {
        batch.programmes.extend(self.programme);
        batch.projects.extend(self.project);
        batch.contributions.extend(self.contributions);
    }
}

/// How many activities a batch holds.
const BATCH: usize = 4096;

/// The second pass: maps each activity as it streams past into batches of raw
/// records for the loader, a parent always in an earlier batch than its children.
pub(crate) struct Emitter<'p> {
    plan: &'p Plan,
    m: Mapper,
    /// Which programmes have been handed over, by place.
    emitted: Vec<bool>,
    /// Records waiting for their parent, by the parent's place: file, place and
    /// records.
    pending: HashMap<u32, Vec<(usize, usize, Own)>>,
}

impl<'p> Emitter<'p> {
    pub fn new(plan: &'p Plan, known: &KnownOrganisations) -> Self {
        Emitter {
            plan,
            m: Mapper {
                orgs: known.clone(),
                org_slugs: Slugs(known.values().cloned().collect()),
                themes: HashSet::new(),
                theme_slugs: Slugs::default(),
                sector_slugs: HashMap::new(),
                doc_slugs: Slugs::default(),
            },
            emitted: vec![false; plan.activities.len()],
            pending: HashMap::new(),
        }
    }

    /// Maps file `fi`, whose activities come from `next` with the bytes read up
    /// to their end, handing batches to `out` and reporting them to `progress`.
    pub fn file(
        &mut self,
        fi: usize,
        mut next: impl FnMut() -> Result<Option<(Activity, u64)>, read::Failure>,
        progress: &dyn Progress,
        out: &mut dyn FnMut(Batch),
    ) {
        let mut read = 0;
        let mut out = |b: Batch, position: u64| {
            let records = b.documents.len()
                + b.organisations.len()
                + b.themes.len()
                + b.programmes.len()
                + b.projects.len()
                + b.contributions.len();
            // The first pass counted the first half of each byte, this one the rest.
            let rest = |at: u64| at - at / 2;
            progress.advance(rest(position).saturating_sub(rest(read)), records as u64);
            read = read.max(position);
            out(b);
        };
        let path = &self.plan.files[fi];
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let doc = self.m.doc_slugs.make(&name, Slug::MAX_LEN);
        let mut batch = Batch {
            file: fi,
            ..Batch::default()
        };
        batch.documents.push((
            1,
            raw::Document {
                slug: text_at(1, &doc),
                title: name,
            },
        ));
        let mut names: HashMap<String, String> = HashMap::new();
        let start = self.plan.starts[fi];
        let end = self
            .plan
            .starts
            .get(fi + 1)
            .copied()
            .unwrap_or(self.plan.activities.len());
        let mut at = start;
        let mut in_batch = 0;
        let mut position = 0;
        loop {
            let a = match next() {
                Ok(Some((a, p))) => {
                    position = p;
                    a
                }
                Ok(None) => break,
                Err(f) => {
                    // The first pass read the file to its end: it changed since.
                    let message = format!("{} (the file changed while it was read)", f.error);
                    batch.notes.push(Note {
                        line: f.line,
                        severity: Severity::Error,
                        message,
                    });
                    break;
                }
            };
            if at >= end {
                error(
                    &mut batch.notes,
                    a.line,
                    "the file changed while it was read: it has more activities than at first",
                );
                break;
            }
            let me = at;
            at += 1;
            let planned = &self.plan.activities[me];
            let Some(slug) = planned.slug.as_deref() else {
                continue;
            };
            let identifier = a
                .identifier
                .as_ref()
                .map(|i| i.1.clone())
                .unwrap_or_default();
            let parent = planned.parent;
            let parent_slug = parent.and_then(|p| self.plan.activities[p as usize].slug.as_deref());
            let mut own = Own::default();
            let mut ctx = Ctx {
                m: &mut self.m,
                plan: self.plan,
                batch: &mut batch,
                own: &mut own,
                doc: &doc,
                names: &mut names,
            };
            ctx.activity(
                a,
                &identifier,
                slug.to_owned(),
                parent_slug.map(str::to_owned),
                planned.programme,
            );
            match parent {
                Some(p) if !self.emitted[p as usize] => {
                    self.pending.entry(p).or_default().push((fi, me, own));
                }
                _ => {
                    own.into(&mut batch);
                    if planned.programme {
                        self.emitted[me] = true;
                        if self.pending.contains_key(&(me as u32)) {
                            // Its children came first: hand it over, then them.
                            let fresh = Batch {
                                file: fi,
                                ..Batch::default()
                            };
                            out(std::mem::replace(&mut batch, fresh), position);
                            self.release(me as u32, &mut |b| out(b, position));
                        }
                    }
                }
            }
            in_batch += 1;
            if in_batch == BATCH {
                in_batch = 0;
                let fresh = Batch {
                    file: fi,
                    ..Batch::default()
                };
                out(std::mem::replace(&mut batch, fresh), position);
            }
        }
        if at < end && batch.notes.iter().all(|n| n.severity != Severity::Error) {
            error(
                &mut batch.notes,
                at,
                "the file changed while it was read: it has fewer activities than at first",
            );
        }
        let size = std::fs::metadata(path).map_or(position, |m| m.len());
        out(batch, size);
    }

    /// Hands over the records waiting for programme `p`, and theirs in turn.
    fn release(&mut self, p: u32, out: &mut dyn FnMut(Batch)) {
        let mut ready = vec![p];
        while let Some(p) = ready.pop() {
            for (fi, place, own) in self.pending.remove(&p).unwrap_or_default() {
                let mut batch = Batch {
                    file: fi,
                    ..Batch::default()
                };
                own.into(&mut batch);
                out(batch);
                if self.plan.activities[place].programme {
                    self.emitted[place] = true;
                    ready.push(place as u32);
                }
            }
        }
    }

    /// Hands over whatever still waits (a parent that never came), so that the
    /// loader reports its link.
    pub fn finish(mut self, out: &mut dyn FnMut(Batch)) {
        for (_, list) in std::mem::take(&mut self.pending) {
            for (fi, _, own) in list {
                let mut batch = Batch {
                    file: fi,
                    ..Batch::default()
                };
                own.into(&mut batch);
                out(batch);
            }
        }
    }
}

fn warn(notes: &mut Vec<Note>, line: usize, message: impl Display) {
    notes.push(Note {
        line: Some(line),
        severity: Severity::Warning,
        message: message.to_string(),
    });
}

fn error(notes: &mut Vec<Note>, line: usize, message: impl Display) {
    notes.push(Note {
        line: Some(line),
        severity: Severity::Error,
        message: message.to_string(),
    });
}

/// What is shared across files: organisations by identifier, themes, slugs.
struct Mapper {
    /// Organisations by IATI identifier: the TOML's and those made so far.
    orgs: HashMap<String, String>,
    org_slugs: Slugs,
    /// Theme slugs already handed over.
    themes: HashSet<String>,
    theme_slugs: Slugs,
    /// Theme slugs by vocabulary and code (and publisher, for its own vocabularies).
    sector_slugs: HashMap<(String, String), String>,
    doc_slugs: Slugs,
}

/// Mapping one activity: what it makes that others may share (organisations,
/// themes) goes to the batch, its own records to `own`.
struct Ctx<'a> {
    m: &'a mut Mapper,
    /// Every activity, to link transactions to the activities they name.
    plan: &'a Plan,
    batch: &'a mut Batch,
    own: &'a mut Own,
    doc: &'a str,
    /// Organisations known only by name in this file, by name.
    names: &'a mut HashMap<String, String>,
}

impl Ctx<'_> {
    fn warn(&mut self, line: usize, message: impl Display) {
        warn(&mut self.batch.notes, line, message);
    }

    fn source(&self, line: usize, identifier: &str) -> raw::Source {
        raw::Source {
            document: text_at(line, self.doc),
            section: Some(identifier.to_owned()),
            quote: None,
        }
    }

    /// The slug of the organisation an element names, made on first sight;
    /// `None`, with a warning, when it names none.
    fn org(
        &mut self,
        org: &Org,
        what: &str,
        lang: Option<&str>,
        identifier: &str,
    ) -> Option<String> {
        let name = pick(&org.names, lang).map(|(n, _)| n.to_owned());
        let reference = match &org.reference {
            Some(r) if is_org_identifier(r) => Some(r.clone()),
            Some(r) => {
                let then = if name.is_some() {
                    ": the organisation is known by its name"
                } else {
                    " and it has no name: not kept"
                };
                self.warn(
                    org.line,
                    format!("{what} ref `{r}` is not an organisation identifier{then}"),
                );
                None
            }
            None => None,
        };
        let kind = match org.kind.as_deref() {
            Some(code) => codes::organisation_kind(code).or_else(|| {
                self.warn(
                    org.line,
                    format!("unknown organisation type `{code}`: the kind is OTHER"),
                );
                None
            }),
            None => None,
        };
        if let Some(r) = reference {
            if let Some(slug) = self.m.orgs.get(&r) {
                return Some(slug.clone());
            }
            let slug = self.m.org_slugs.make(&r, Slug::MAX_LEN);
            self.m.orgs.insert(r.clone(), slug.clone());
            self.new_org(
                org.line,
                &slug,
                name.unwrap_or_else(|| r.clone()),
                kind,
                Some(r),
                identifier,
            );
            return Some(slug);
        }
        let Some(name) = name else {
            if org.reference.is_none() {
                self.warn(
                    org.line,
                    format!(
                        "{what} names no organisation (no identifier, no name): it is not kept"
                    ),
                );
            }
            return None;
        };
        if let Some(slug) = self.names.get(&name) {
            return Some(slug.clone());
        }
        let slug = self.m.org_slugs.make(&name, Slug::MAX_LEN);
        self.names.insert(name.clone(), slug.clone());
        self.new_org(org.line, &slug, name, kind, None, identifier);
        Some(slug)
    }

    fn new_org(
        &mut self,
        line: usize,
        slug: &str,
        name: String,
        kind: Option<coopgraph_model::OrganisationKind>,
        iati_ref: Option<String>,
        identifier: &str,
    ) {
        let kind = kind.unwrap_or(coopgraph_model::OrganisationKind::Other);
        let record = raw::Organisation {
            slug: text_at(line, slug),
            name,
            acronym: None,
            kind: text_at(line, kind.as_str()),
            iati_ref,
            parent: None,
            country: None,
            former_names: Vec::new(),
            description: None,
            source: self.source(line, identifier),
        };
        self.batch.organisations.push((line, record));
    }

    /// A theme for a sector, made on first sight.
    fn theme(&mut self, s: &Coded, lang: Option<&str>, publisher: Option<&str>) -> Option<String> {
        let Some(code) = s.code.clone() else {
            self.warn(s.line, "a sector without a code is not kept");
            return None;
        };
        let vocabulary = s.vocabulary.clone().unwrap_or_else(|| "1".to_owned());
        let own = matches!(vocabulary.as_str(), "98" | "99");
        let key_code = match (own, publisher) {
            (true, Some(p)) => format!("{p} {code}"),
            _ => code.clone(),
        };
        let key = (vocabulary.clone(), key_code.clone());
        if let Some(slug) = self.m.sector_slugs.get(&key) {
            return Some(slug.clone());
        }
        let listed = codes::sector_name(&vocabulary, &code);
        let name = match (listed, pick(&s.names, lang)) {
            (Some(n), _) => n.to_owned(),
            (None, Some((n, _))) => n.to_owned(),
            (None, None) => {
                if matches!(vocabulary.as_str(), "1" | "2") {
                    self.warn(s.line, format!("unknown sector code `{code}` in vocabulary {vocabulary}: its name is its code"));
                }
                format!("Sector {code}")
            }
        };
        let base = match vocabulary.as_str() {
            "1" | "2" => format!("dac {code}"),
            _ => format!("sector {vocabulary} {key_code}"),
        };
        let slug = self.m.theme_slugs.make(&base, Slug::MAX_LEN);
        self.m.sector_slugs.insert(key, slug.clone());
        if self.m.themes.insert(slug.clone()) {
            let record = raw::Theme {
                slug: text_at(s.line, &slug),
                name,
                code: Some(code),
                vocabulary: Some(vocabulary),
                source: None,
            };
            self.batch.themes.push((s.line, record));
        }
        Some(slug)
    }

    /// An amount of money: its amount and currency checked, with the activity's
    /// default currency where the value gives none.
    fn money(
        &mut self,
        v: &read::Value,
        default_currency: Option<&str>,
        what: &str,
    ) -> Option<raw::Money> {
        let amount = match Money::parse_amount(&v.amount) {
            Ok(a) => a,
            Err(e) => {
                self.warn(v.line, format!("{what} not kept: {e}"));
                return None;
            }
        };
        let Some(currency) = v.currency.as_deref().or(default_currency) else {
            self.warn(v.line, format!("{what} not kept: its value has no currency and the activity no `default-currency`"));
            return None;
        };
        if let Err(e) = CurrencyCode::parse(currency) {
            self.warn(v.line, format!("{what} not kept: {e}"));
            return None;
        }
        Some(raw::Money {
            amount: text_at(v.line, amount.to_string()),
            currency: text_at(v.line, currency),
            approximate: false,
            text: None,
            signed: true,
        })
    }

    fn date(&mut self, line: usize, text: Option<&str>, what: &str) -> Option<PartialDate> {
        let text = text?;
        let d = date(text);
        if d.is_none() {
            self.warn(
                line,
                format!("{what} `{text}` is not a date (YYYY-MM-DD): it is not kept"),
            );
        }
        d
    }

    fn activity(
        &mut self,
        a: Activity,
        identifier: &str,
        slug: String,
        parent: Option<String>,
        is_programme: bool,
    ) {
        let lang = a.lang.as_deref();
        let line = a.line;
        let (title, language) = match pick(&a.titles, lang) {
            Some((t, l)) => (t.to_owned(), l.map(str::to_owned)),
            None => {
                self.warn(
                    line,
                    "the activity has no title: its identifier stands for it",
                );
                (identifier.to_owned(), None)
            }
        };
        let objective = a
            .descriptions
            .iter()
            .find(|d| d.kind.as_deref() == Some("2"))
            .or_else(|| {
                a.descriptions
                    .iter()
                    .find(|d| matches!(d.kind.as_deref(), None | Some("1")))
            })
            .and_then(|d| pick(&d.narratives, lang))
            .map(|(t, _)| t.to_owned());

        // The period: actual dates over planned ones.
        let (mut start, mut end) = ((None, None), (None, None));
        for d in &a.dates {
            let Some(kind) = d.code.as_deref().and_then(codes::date_type) else {
                let code = d.code.as_deref().unwrap_or("");
                self.warn(
                    d.line,
                    format!("unknown activity-date type `{code}`: the date is not kept"),
                );
                continue;
            };
            let Some(when) = self.date(d.line, d.date.as_deref(), "activity-date") else {
                if d.date.is_none() {
                    self.warn(d.line, "an activity-date without `iso-date` is not kept");
                }
                continue;
            };
            match kind {
                DateType::PlannedStart => start.0 = Some(when),
                DateType::ActualStart => start.1 = Some(when),
                DateType::PlannedEnd => end.0 = Some(when),
                DateType::ActualEnd => end.1 = Some(when),
            }
        }
        let (start, mut end) = (start.1.or(start.0), end.1.or(end.0));
        if let Err(e) = Period::new(start, end) {
            self.warn(line, format!("{e}: the end is not kept"));
            end = None;
        }

        let status = a.status.as_ref().and_then(|s| {
            let code = s.code.as_deref().unwrap_or("");
            let status = codes::activity_status(code);
            if status.is_none() {
                self.warn(
                    s.line,
                    format!("unknown activity-status `{code}`: not kept"),
                );
            }
            status
        });

        let reporting = a
            .reporting
            .as_ref()
            .and_then(|r| self.org(r, "reporting-org", lang, identifier));
        if a.reporting.is_none() {
            self.warn(line, "the activity has no reporting-org");
        }

        let mut participants: Vec<raw::Participant> = Vec::new();
        for p in &a.participants {
            let role = match p.role.as_deref().map(|r| (r, codes::role(r))) {
                Some((_, Some(role))) => role,
                Some((r, None)) => {
                    self.warn(
                        p.line,
                        format!("participating-org with unknown role `{r}`: not kept"),
                    );
                    continue;
                }
                None => {
                    self.warn(p.line, "participating-org without a role: not kept");
                    continue;
                }
            };
            let Some(org) = self.org(p, "participating-org", lang, identifier) else {
                continue;
            };
            let dup = participants
                .iter()
                .any(|x| x.organisation.get_ref() == &org && x.role.get_ref() == role.as_str());
            if !dup {
                participants.push(raw::Participant {
                    organisation: text_at(p.line, org),
                    role: text_at(p.line, role.as_str()),
                });
            }
        }

        // Countries and sectors, with their percentages.
        let mut countries: Vec<Text> = Vec::new();
        let mut country_percentages = Vec::new();
        for c in &a.countries {
            let code = c.code.as_deref().unwrap_or("").to_ascii_uppercase();
            match CountryCode::parse(&code) {
                Ok(_) if countries.iter().any(|t| t.get_ref() == &code) => {
                    self.warn(
                        c.line,
                        format!(
                            "recipient-country `{code}` is given twice: the second is not kept"
                        ),
                    );
                }
                Ok(_) => {
                    countries.push(text_at(c.line, code));
                    country_percentages.push(self.percentage(c));
                }
                Err(e) => self.warn(c.line, format!("recipient-country not kept: {e}")),
            }
        }
        let publisher = a.reporting.as_ref().and_then(|r| r.reference.clone());
        let mut themes: Vec<Text> = Vec::new();
        let mut theme_percentages = Vec::new();
        for s in &a.sectors {
            let Some(theme) = self.theme(s, lang, publisher.as_deref()) else {
                continue;
            };
            if themes.iter().any(|t| t.get_ref() == &theme) {
                continue;
            }
            themes.push(text_at(s.line, theme));
            theme_percentages.push(self.percentage(s));
        }

        let default_currency = a.default_currency.as_deref();
        let mut budgets = Vec::new();
        for b in &a.budgets {
            let kind = match b.kind.as_deref() {
                None => BudgetKind::Original,
                Some(k) => match codes::budget_kind(k) {
                    Some(k) => k,
                    None => {
                        self.warn(
                            b.line,
                            format!("unknown budget type `{k}`: read as original"),
                        );
                        BudgetKind::Original
                    }
                },
            };
            let status = match b.status.as_deref() {
                None => BudgetStatus::Indicative,
                Some(s) => match codes::budget_status(s) {
                    Some(s) => s,
                    None => {
                        self.warn(
                            b.line,
                            format!("unknown budget status `{s}`: read as indicative"),
                        );
                        BudgetStatus::Indicative
                    }
                },
            };
            let Some(value) = &b.value else {
                self.warn(b.line, "a budget without a value is not kept");
                continue;
            };
            let Some(money) = self.money(value, default_currency, "budget") else {
                continue;
            };
            let bs = self.date(b.line, b.start.as_deref(), "budget period-start");
            let be = self.date(b.line, b.end.as_deref(), "budget period-end");
            let period = Period::new(bs, be).unwrap_or_else(|e| {
                self.warn(b.line, format!("budget {e}: its end is not kept"));
                Period::new(bs, None).expect("an open period is valid")
            });
            let value_date = self.date(value.line, value.value_date.as_deref(), "value-date");
            let amount = Money::signed(
                money.amount.get_ref().parse::<Decimal>().expect("checked"),
                CurrencyCode::parse(money.currency.get_ref()).expect("checked"),
                false,
                None,
            );
            budgets.push(Budget {
                period,
                amount,
                kind,
                status,
                value_date,
            });
        }
        let budget = total(&budgets).map(|m| raw::Money {
            amount: text_at(line, m.amount().to_string()),
            currency: text_at(line, m.currency().code()),
            approximate: false,
            text: None,
            signed: true,
        });

        // Transactions.
        let slug_line = a.identifier.as_ref().map_or(line, |i| i.0);
        for (n, t) in a.transactions.iter().enumerate() {
            let kind = match t.kind.as_deref().map(|k| (k, codes::transaction_kind(k))) {
                Some((_, Some(k))) => k,
                Some((k, None)) => {
                    self.warn(
                        t.line,
                        format!("transaction with unknown type `{k}`: not kept"),
                    );
                    continue;
                }
                None => {
                    self.warn(t.line, "transaction without a transaction-type: not kept");
                    continue;
                }
            };
            let Some(value) = &t.value else {
                self.warn(t.line, "transaction without a value: not kept");
                continue;
            };
            let Some(amount) = self.money(value, default_currency, "transaction") else {
                continue;
            };
            let provider = t
                .provider
                .as_ref()
                .and_then(|p| self.org(p, "provider-org", lang, identifier));
            let from = match (provider, codes::is_outgoing(kind)) {
                (Some(p), _) => p,
                (None, true) => match &reporting {
                    Some(r) => r.clone(),
                    None => {
                        self.warn(t.line, "transaction with no provider-org and no reporting-org to pay it: not kept");
                        continue;
                    }
                },
                (None, false) => {
                    self.warn(
                        t.line,
                        format!(
                            "{} transaction names no provider-org: not kept",
                            kind.as_str()
                        ),
                    );
                    continue;
                }
            };
            let receiver = t
                .receiver
                .as_ref()
                .and_then(|r| self.org(r, "receiver-org", lang, identifier));
            let to = match receiver {
                Some(r) => raw::Recipient {
                    organisation: Some(text_at(t.line, r)),
                    programme: None,
                    project: None,
                },
                None if is_programme => raw::Recipient {
                    organisation: None,
                    programme: Some(text_at(t.line, &slug)),
                    project: None,
                },
                None => raw::Recipient {
                    organisation: None,
                    programme: None,
                    project: Some(text_at(t.line, &slug)),
                },
            };
            let date = self.date(t.line, t.date.as_deref(), "transaction-date");
            let value_date = self.date(value.line, value.value_date.as_deref(), "value-date");
            let record = raw::Contribution {
                slug: text_at(t.line, format!("{slug}-t{}", n + 1)),
                from: text_at(t.line, from),
                to: Some(toml::Spanned::new(t.line..t.line, to)),
                kind: text_at(t.line, kind.as_str()),
                amount: Some(amount),
                equivalent: None,
                date: date.map(|d| text_at(t.line, d.to_string())),
                value_date: value_date.map(|d| text_at(value.line, d.to_string())),
                start: None,
                end: None,
                share: None,
                channel: None,
                description: pick(&t.description, lang).map(|(d, _)| d.to_owned()),
                source: self.source(t.line, identifier),
                part_of: None,
                per_year: false,
                provider_activity: self.activity_link(t.provider.as_ref(), t.line),
                receiver_activity: self.activity_link(t.receiver.as_ref(), t.line),
            };
            self.own.contributions.push((t.line, record));
        }

        let details = IatiDetails {
            identifier: identifier.to_owned(),
            reporting: None,
            budgets,
            country_shares: Vec::new(),
            theme_shares: Vec::new(),
            status,
            language,
        };
        let start = start.map(|d| text_at(line, d.to_string()));
        let end = end.map(|d| text_at(line, d.to_string()));
        let source = self.source(line, identifier);
        if is_programme {
            if !countries.is_empty() || !themes.is_empty() {
                self.warn(
                    line,
                    format!(
                        "the activity is a parent, read as a programme, which names no countries or sectors: its {} recipient-country and {} sector elements are not kept",
                        countries.len(),
                        themes.len()
                    ),
                );
            }
            let record = raw::Programme {
                slug: text_at(slug_line, slug),
                name: title,
                acronym: None,
                modality: None,
                start,
                end,
                description: objective,
                parent: parent.map(|p| text_at(line, p)),
                predecessor: None,
                participants,
                source,
                iati: Some(Box::new(raw::Iati {
                    details,
                    reporting: reporting.map(|r| text_at(line, r)),
                    ..raw::Iati::default()
                })),
            };
            self.own.programme = Some((line, record));
        } else {
            let record = raw::Project {
                slug: text_at(slug_line, slug),
                title,
                acronym: None,
                objective,
                countries,
                places: Vec::new(),
                start,
                end,
                budget,
                participants,
                themes,
                programme: parent.map(|p| text_at(line, p)),
                activities: Vec::new(),
                source,
                iati: Some(Box::new(raw::Iati {
                    details,
                    reporting: reporting.map(|r| text_at(line, r)),
                    country_percentages,
                    theme_percentages,
                })),
            };
            self.own.project = Some((line, record));
        }
    }

    /// The slug of the activity a provider or receiver names by its
    /// `provider-activity-id` or `receiver-activity-id`, when it is in the data.
    fn activity_link(&self, org: Option<&Org>, line: usize) -> Option<Text> {
        let id = org?.activity_id.as_deref()?;
        self.plan.slug_of(id).map(|slug| text_at(line, slug))
    }

    fn percentage(&mut self, c: &Coded) -> Option<Share> {
        let p = c.percentage.as_deref()?;
        match Share::parse(p) {
            Ok(s) => Some(s),
            Err(e) => {
                self.warn(c.line, format!("{e}: the percentage is not kept"));
                None
            }
        }
    }
}

/// The single total of an activity's budgets: per period the last revised budget,
/// else the last original, summed; `None` when there are none or they are in more
/// than one currency.
pub(crate) fn total(budgets: &[Budget]) -> Option<Money> {
    let currency = budgets.first()?.amount.currency();
    if budgets.iter().any(|b| b.amount.currency() != currency) {
        return None;
    }
    let mut by_period: Vec<(Period, &Budget)> = Vec::new();
    for b in budgets {
        match by_period.iter_mut().find(|(p, _)| *p == b.period) {
            Some((_, kept)) => {
                if b.kind == BudgetKind::Revised || kept.kind == BudgetKind::Original {
                    *kept = b;
                }
            }
            None => by_period.push((b.period, b)),
        }
    }
    let sum = by_period.iter().map(|(_, b)| b.amount.amount()).sum();
    Some(Money::signed(sum, currency, false, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_and_type_codes_are_told_apart() {
        for id in [
            "XM-DAC-41302",
            "GB-COH-123456",
            "XI-IATI-EC_DEVCO",
            "US-EIN-1",
        ] {
            assert!(is_org_identifier(id), "{id}");
        }
        for not in ["40", "10", "41302", "-X", "Ministry of Health", "A-"] {
            assert!(!is_org_identifier(not), "{not}");
        }
    }

    #[test]
    fn slugs_are_unique_and_fit() {
        let mut s = Slugs::default();
        assert_eq!(s.make("XM-DAC-41302-PRJ 1", 72), "xm-dac-41302-prj-1");
        assert_eq!(s.make("xm dac 41302 prj/1", 72), "xm-dac-41302-prj-1-2");
        let long = s.make(&"A".repeat(200), 72);
        assert!(long.len() <= 72 && Slug::parse(&long).is_ok());
        assert!(Slug::parse(&s.make("—", 72)).is_ok());
    }

    #[test]
    fn english_narratives_are_picked_first() {
        let n = |lang: Option<&str>, text: &str| Narrative {
            lang: lang.map(str::to_owned),
            text: text.to_owned(),
        };
        let list = [n(Some("es"), "Título"), n(Some("en"), "Title")];
        assert_eq!(pick(&list, None), Some(("Title", Some("en"))));
        let list = [n(None, "Título"), n(Some("fr"), "Titre")];
        assert_eq!(pick(&list, Some("es")), Some(("Título", Some("es"))));
    }
}
