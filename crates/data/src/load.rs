//! From files to a [`Store`]: parse every file, register every slug, resolve every
//! value and link, check the invariants that span records, then index.

use std::collections::HashMap;
use std::fmt::Display;
use std::hash::Hash;
use std::ops::Range;
use std::path::{Path, PathBuf};

use coopgraph_model::*;
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::raw::{self, Text};
use crate::store::{Index, Lists, Slugs, Store};
use crate::{Problem, Problems};

/// The files of a dataset, in the order they are read, each with the name of the
/// tables it holds (`[[organisation]]`, …).
pub const FILES: [(&str, &str); 6] = [
    ("documents.toml", "document"),
    ("themes.toml", "theme"),
    ("organisations.toml", "organisation"),
    ("programmes.toml", "programme"),
    ("projects.toml", "project"),
    ("contributions.toml", "contribution"),
];

const DOCUMENTS: usize = 0;
const THEMES: usize = 1;
const ORGANISATIONS: usize = 2;
const PROGRAMMES: usize = 3;
const PROJECTS: usize = 4;
const CONTRIBUTIONS: usize = 5;

/// Reads and checks the dataset in `dir`. Returns the whole store, or every problem
/// found, sorted by file and line; never part of a dataset.
pub fn load(dir: &Path) -> Result<Store, Problems> {
    let mut ctx = Ctx::default();
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.ends_with(".toml") && !FILES.iter().any(|(f, _)| *f == name) {
                    let known: Vec<_> = FILES.iter().map(|(f, _)| *f).collect();
                    ctx.problems.push(Problem {
                        file: dir.join(&name),
                        line: None,
                        message: format!("unknown data file; expected one of {}", known.join(", ")),
                    });
                }
            }
        }
        Err(e) => {
            return Err(Problems(vec![Problem {
                file: dir.to_path_buf(),
                line: None,
                message: format!("cannot read the data directory: {e}"),
            }]));
        }
    }
    for (name, _) in FILES {
        ctx.files.push(SourceFile::new(dir.join(name)));
    }

    let documents: Vec<raw::Document> = ctx.records(DOCUMENTS);
    let themes: Vec<raw::Theme> = ctx.records(THEMES);
    let organisations: Vec<raw::Organisation> = ctx.records(ORGANISATIONS);
    let programmes: Vec<raw::Programme> = ctx.records(PROGRAMMES);
    if ctx.unreadable {
        // Links into a file that could not be read would all look dangling; the
        // problems already found say what to mend first.
        ctx.records::<raw::Project>(PROJECTS);
        ctx.records::<raw::Contribution>(CONTRIBUTIONS);
        return Err(ctx.finish());
    }

    let mut slugs = Slugs::default();
    let doc_slugs = ctx.register(
        DOCUMENTS,
        "document",
        documents.iter().map(|r| &r.slug),
        &mut slugs.documents,
        (DocumentId, DocumentId::index),
    );
    let theme_slugs = ctx.register(
        THEMES,
        "theme",
        themes.iter().map(|r| &r.slug),
        &mut slugs.themes,
        (ThemeId, ThemeId::index),
    );
    let org_slugs = ctx.register(
        ORGANISATIONS,
        "organisation",
        organisations.iter().map(|r| &r.slug),
        &mut slugs.organisations,
        (OrganisationId, OrganisationId::index),
    );
    let prog_slugs = ctx.register(
        PROGRAMMES,
        "programme",
        programmes.iter().map(|r| &r.slug),
        &mut slugs.programmes,
        (ProgrammeId, ProgrammeId::index),
    );

    let r = Resolver { slugs: &slugs };
    let documents: Vec<_> = documents
        .into_iter()
        .zip(doc_slugs)
        .map(|(d, slug)| {
            Some(Document {
                slug: slug?,
                title: d.title,
            })
        })
        .collect();
    let themes: Vec<_> = themes
        .into_iter()
        .zip(theme_slugs)
        .map(|(t, slug)| {
            Some(Theme {
                slug: slug?,
                name: t.name,
            })
        })
        .collect();
    // Each raw record is dropped as soon as it is resolved.
    let organisations: Vec<_> = organisations
        .into_iter()
        .zip(org_slugs)
        .map(|(o, slug)| r.organisation(&mut ctx, &o, slug))
        .collect();
    let programmes: Vec<_> = programmes
        .into_iter()
        .zip(prog_slugs)
        .map(|(p, slug)| r.programme(&mut ctx, &p, slug))
        .collect();
    ctx.defer();

    // Projects and contributions, the bulk of a dataset, link only to the files
    // before them: each batch is resolved as soon as it is parsed.
    let mut projects = Vec::new();
    let mut activities = Vec::new();
    ctx.batches(PROJECTS, |ctx, batch: Vec<raw::Project>| {
        let start = projects.len();
        let batch_slugs = ctx.register(
            PROJECTS,
            "project",
            batch.iter().map(|r| &r.slug),
            &mut slugs.projects,
            (ProjectId, ProjectId::index),
        );
        let r = Resolver { slugs: &slugs };
        for (i, (p, slug)) in batch.into_iter().zip(batch_slugs).enumerate() {
            let id = ProjectId((start + i) as u32);
            projects.push(r.project(ctx, id, p, slug, &mut activities));
        }
        ctx.defer();
    });
    if ctx.unreadable {
        ctx.records::<raw::Contribution>(CONTRIBUTIONS);
        return Err(ctx.finish());
    }
    let mut contributions = Vec::new();
    ctx.batches(CONTRIBUTIONS, |ctx, batch: Vec<raw::Contribution>| {
        let batch_slugs = ctx.register(
            CONTRIBUTIONS,
            "contribution",
            batch.iter().map(|r| &r.slug),
            &mut slugs.contributions,
            (ContributionId, ContributionId::index),
        );
        let r = Resolver { slugs: &slugs };
        for (c, slug) in batch.iter().zip(batch_slugs) {
            contributions.push(r.contribution(ctx, c, slug));
        }
        ctx.defer();
    });
    if ctx.unreadable {
        return Err(ctx.finish());
    }

    ctx.check_chain(ORGANISATIONS, "its own ancestor", &organisations, |o| {
        (&o.slug, o.parent.map(|p| p.index()))
    });
    ctx.check_chain(PROGRAMMES, "its own ancestor", &programmes, |p| {
        (&p.slug, p.parent.map(|p| p.index()))
    });
    ctx.check_chain(PROGRAMMES, "its own predecessor", &programmes, |p| {
        (&p.slug, p.predecessor.map(|p| p.index()))
    });

    ctx.defer();
    if !ctx.deferred.is_empty() {
        return Err(ctx.finish());
    }
    let records = (|| {
        Some((
            all(documents)?,
            all(themes)?,
            all(organisations)?,
            all(programmes)?,
            all(projects)?,
            all(activities)?,
            all(contributions)?,
        ))
    })();
    // Every record left out was reported above; this guards the promise.
    let Some((documents, themes, organisations, programmes, projects, activities, contributions)) =
        records
    else {
        ctx.problems.push(Problem {
            file: dir.to_path_buf(),
            line: None,
            message: "a record could not be read and no reason was found; please report this"
                .to_owned(),
        });
        return Err(ctx.finish());
    };
    let mut store = Store {
        documents,
        themes,
        organisations,
        programmes,
        projects,
        activities,
        contributions,
        slugs,
        index: Index::default(),
    };
    store.index = index(&store);
    Ok(store)
}

/// Unwraps records that all resolved, in place; `None` if one did not. Only
/// called once no problem was found, so every record resolved.
fn all<T>(records: Vec<Option<T>>) -> Option<Vec<T>> {
    records.into_iter().collect()
}

/// One data file, with what is needed to turn byte offsets into line numbers once
/// its text is gone.
struct SourceFile {
    path: PathBuf,
    /// The offset of each line's first byte.
    line_starts: Vec<u32>,
    /// The line each top-level record starts at, by record position.
    record_lines: Vec<usize>,
    /// The line of each record's slug, by record position.
    slug_lines: Vec<usize>,
}

impl SourceFile {
    fn new(path: PathBuf) -> Self {
        Self {
            path,
            line_starts: vec![0],
            record_lines: Vec::new(),
            slug_lines: Vec::new(),
        }
    }

    fn line(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&start| start as usize <= offset)
    }
}

#[derive(Default)]
struct Ctx {
    files: Vec<SourceFile>,
    problems: Vec<Problem>,
    unreadable: bool,
    /// Problems found past reading: links, values, invariants. They are left
    /// out when a file is unreadable, since they may only echo it.
    deferred: Vec<Problem>,
}

impl Ctx {
    fn problem(&mut self, file: usize, span: Option<Range<usize>>, message: impl Display) {
        let f = &self.files[file];
        let line = span.map(|s| f.line(s.start));
        self.problems.push(Problem {
            file: f.path.clone(),
            line,
            message: message.to_string(),
        });
    }

    fn at(&mut self, file: usize, text: &Text, message: impl Display) {
        self.problem(file, Some(text.span()), message);
    }

    fn at_record(&mut self, file: usize, record: usize, message: impl Display) {
        let f = &self.files[file];
        let line = f.record_lines.get(record).copied();
        self.problems.push(Problem {
            file: f.path.clone(),
            line,
            message: message.to_string(),
        });
    }

    /// Sets the problems found so far aside as found past reading.
    fn defer(&mut self) {
        self.deferred.append(&mut self.problems);
    }

    fn finish(mut self) -> Problems {
        if !self.unreadable {
            self.problems.append(&mut self.deferred);
        }
        self.problems.sort();
        self.problems.dedup();
        Problems(self.problems)
    }

    /// Reads and parses one file into its records; see [`Ctx::batches`].
    fn records<T: DeserializeOwned + Send>(&mut self, file: usize) -> Vec<T> {
        let mut out = Vec::new();
        self.batches(file, |_, batch| out.extend(batch));
        out
    }

    /// Reads and parses one file and hands its records to `each`, a batch at a
    /// time, so that only a batch of raw records is alive at once. A syntax error
    /// marks the file unreadable, and no batch is handed on after it; a record
    /// that does not fit its shape is reported and left out, and the records
    /// around it are still read.
    ///
    /// The file is cut into its `[[key]]` records, which are parsed on every core
    /// and each dropped as soon as it is deserialised, so that no tree of the whole
    /// file is ever built; only its line index outlives the call.
    fn batches<T: DeserializeOwned + Send>(
        &mut self,
        file: usize,
        mut each: impl FnMut(&mut Self, Vec<T>),
    ) {
        let key = FILES[file].1;
        let path = self.files[file].path.clone();
        let scan = match Scan::of(&path) {
            Ok(scan) => scan,
            Err(e) => {
                self.unreadable |= e.kind() == std::io::ErrorKind::FileTooLarge;
                self.problem(file, None, e);
                return;
            }
        };
        self.files[file].line_starts = scan.line_starts;

        let mut unreadable = false;
        // One thread reads and parses the next batch (on every core) while this
        // one resolves the last.
        std::thread::scope(|scope| {
            let (batches, parsed_batches) = std::sync::mpsc::sync_channel(1);
            let block = if scan.multiline_strings {
                usize::MAX
            } else {
                BLOCK
            };
            scope.spawn(move || read_batches(&path, key, block, batches));
            for parsed in parsed_batches {
                let parsed: Vec<Parsed<T>> = match parsed {
                    Ok(parsed) => parsed,
                    Err((span, message)) => {
                        unreadable = true;
                        self.problem(file, span, message);
                        continue;
                    }
                };
                let mut batch = Vec::new();
                let mut problems = Vec::new();
                for piece in parsed {
                    unreadable |= piece.syntax_errors;
                    problems.extend(piece.problems);
                    for (offset, record) in piece.records {
                        let line = self.files[file].line(offset);
                        self.files[file].record_lines.push(line);
                        match record {
                            Ok(record) => batch.push(record),
                            Err(problem) => {
                                unreadable = true;
                                problems.push(problem);
                            }
                        }
                    }
                }
                if !unreadable {
                    each(self, batch);
                }
                // Reported after `each`, which may set its own problems aside.
                for (span, message) in problems {
                    self.problem(file, span, message);
                }
            }
        });
        self.unreadable |= unreadable;
    }

    /// Parses the slugs of one type and registers them, reporting invalid and
    /// duplicate ones, also against records registered before (files are read in
    /// batches). Returns each record's slug, `None` where it was unusable.
    fn register<'a, I: Copy>(
        &mut self,
        file: usize,
        what: &str,
        slugs: impl Iterator<Item = &'a Text>,
        map: &mut HashMap<Slug, I>,
        (id, index): (impl Fn(u32) -> I, impl Fn(I) -> usize),
    ) -> Vec<Option<Slug>> {
        let mut out = Vec::new();
        for text in slugs {
            let position = self.files[file].slug_lines.len();
            let line = self.files[file].line(text.span().start);
            self.files[file].slug_lines.push(line);
            let slug = self.value(file, text, Slug::parse);
            if let Some(s) = &slug {
                if let Some(&first) = map.get(s) {
                    let first = self.files[file].slug_lines[index(first)];
                    self.at(
                        file,
                        text,
                        format!("duplicate {what} slug `{s}`: first defined at line {first}"),
                    );
                    out.push(None);
                    continue;
                }
                map.insert(s.clone(), id(position as u32));
            }
            out.push(slug);
        }
        out
    }

    fn value<T, E: Display>(
        &mut self,
        file: usize,
        text: &Text,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        parse(text.get_ref())
            .map_err(|e| self.at(file, text, e))
            .ok()
    }

    /// Reports every record that reaches itself by following `up` (a parent, a
    /// predecessor), with the chain it follows.
    fn check_chain<T>(
        &mut self,
        file: usize,
        what: &str,
        records: &[Option<T>],
        up: impl Fn(&T) -> (&Slug, Option<usize>),
    ) {
        for start in 0..records.len() {
            let mut chain = Vec::new();
            let mut at = start;
            while let Some((slug, next)) = records[at].as_ref().map(&up) {
                chain.push(slug.as_str());
                match next {
                    Some(next) if next == start => {
                        chain.push(chain[0]);
                        let msg = format!("`{}` is {what}: {}", chain[0], chain.join(" → "));
                        self.at_record(file, start, msg);
                        break;
                    }
                    Some(next) if chain.len() <= records.len() => at = next,
                    _ => break,
                }
            }
        }
    }
}

/// What a first, quick pass over a file finds: where its lines start, and
/// whether it has multi-line strings.
struct Scan {
    line_starts: Vec<u32>,
    multiline_strings: bool,
}

impl Scan {
    fn of(path: &Path) -> std::io::Result<Self> {
        use std::io::Read;
        let mut file = std::fs::File::open(path)?;
        if file.metadata()?.len() > u64::from(u32::MAX) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                "the file is larger than 4 GiB",
            ));
        }
        let mut scan = Self {
            line_starts: vec![0],
            multiline_strings: false,
        };
        let mut block = Vec::with_capacity(BLOCK);
        let mut base = 0;
        // The last two bytes of the block before, for a delimiter across the seam.
        let mut tail = Vec::new();
        loop {
            block.clear();
            let n = (&mut file).take(BLOCK as u64).read_to_end(&mut block)?;
            if n == 0 {
                return Ok(scan);
            }
            let newlines = memchr::memchr_iter(b'\n', &block);
            scan.line_starts
                .extend(newlines.map(|i| (base + i + 1) as u32));
            let mut seam = std::mem::take(&mut tail);
            seam.extend_from_slice(&block[..n.min(2)]);
            scan.multiline_strings |= has_delimiter(&block) || has_delimiter(&seam);
            tail = block[n.saturating_sub(2)..].to_vec();
            base += n;
        }
    }
}

/// Whether some text holds the delimiter of a multi-line string.
fn has_delimiter(text: &[u8]) -> bool {
    memchr::memmem::find(text, b"\"\"\"").is_some() || memchr::memmem::find(text, b"'''").is_some()
}

/// Bytes read at a time.
const BLOCK: usize = 8 << 20;

/// Records parsed at once: enough to keep every core busy.
const BATCH: usize = 4096;

/// Reads a file `block` bytes at a time, cuts it into records, and sends them
/// parsed, a batch at a time; only a block of text is held at once. With a
/// block of `usize::MAX`, the file is read and parsed whole, as a file with
/// multi-line strings must be (see [`split_records`]).
fn read_batches<T: DeserializeOwned + Send>(
    path: &Path,
    key: &str,
    block_size: usize,
    batches: std::sync::mpsc::SyncSender<Result<Vec<Parsed<T>>, Located>>,
) {
    use std::io::Read;
    let fail = |message: String, at: Option<usize>| {
        let _ = batches.send(Err((at.map(|a| a..a), message)));
    };
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) => return fail(e.to_string(), None),
    };
    let whole = block_size == usize::MAX;
    let mut block: Vec<u8> = Vec::new();
    let mut base = 0;
    loop {
        let n = match (&mut file).take(block_size as u64).read_to_end(&mut block) {
            Ok(n) => n,
            Err(e) => return fail(e.to_string(), None),
        };
        let end = n == 0 || whole;
        // The text up to the last complete line, unless the file has ended.
        let complete = if end {
            block.len()
        } else {
            memchr::memrchr(b'\n', &block).map_or(0, |i| i + 1)
        };
        let text = match std::str::from_utf8(&block[..complete]) {
            Ok(text) => text,
            Err(e) => {
                let message = "the file is not valid UTF-8".to_owned();
                return fail(message, Some(base + e.valid_up_to()));
            }
        };
        let mut pieces = if whole {
            std::iter::once(0..text.len()).collect()
        } else {
            split_records(text, key)
        };
        // The last record may go on in the next block.
        let carry = if end {
            text.len()
        } else {
            pieces.pop().map_or(0, |last| last.start)
        };
        for chunk in pieces.chunks(BATCH) {
            let parsed: Vec<Parsed<T>> = chunk
                .par_iter()
                .map(|r| parse_piece(&text[r.clone()], base + r.start, key))
                .collect();
            if batches.send(Ok(parsed)).is_err() {
                return;
            }
        }
        if end {
            return;
        }
        block.drain(..carry);
        base += carry;
    }
}

/// A problem's message and its span in the file, where it has one.
type Located = (Option<Range<usize>>, String);

/// What one piece of a file gave: its records, each with its offset in the file,
/// and the problems around them, with spans in the file.
struct Parsed<T> {
    records: Vec<(usize, Result<T, Located>)>,
    problems: Vec<Located>,
    syntax_errors: bool,
}

/// Cuts a file's text before each line that opens a `[[key]]` table: each
/// piece but the first holds one record with its sub-tables. Without multi-line
/// strings, such a line can only be a header; a file with them is parsed whole
/// instead, since telling their insides from headers takes a full parse.
fn split_records(text: &str, key: &str) -> Vec<Range<usize>> {
    let mut cuts = vec![0];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if offset > 0 && opens_table(line, key) {
            cuts.push(offset);
        }
        offset += line.len();
    }
    cuts.push(text.len());
    cuts.windows(2).map(|w| w[0]..w[1]).collect()
}

/// Whether a line is the header `[[key]]`, with optional blanks and comment.
fn opens_table(line: &str, key: &str) -> bool {
    let Some(rest) = line.trim_start().strip_prefix("[[") else {
        return false;
    };
    let Some(rest) = rest.trim_start().strip_prefix(key) else {
        return false;
    };
    let Some(rest) = rest.trim_start().strip_prefix("]]") else {
        return false;
    };
    let rest = rest.trim_start();
    rest.is_empty() || rest.starts_with('#')
}

/// Parses one piece of a file, found at `base`, and deserialises its records.
fn parse_piece<T: DeserializeOwned>(text: &str, base: usize, key: &str) -> Parsed<T> {
    let at = |span: Option<Range<usize>>| span.map(|s| s.start + base..s.end + base);
    let mut out = Parsed {
        records: Vec::new(),
        problems: Vec::new(),
        syntax_errors: false,
    };
    let (table, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        out.syntax_errors = true;
        for e in errors {
            out.problems
                .push((at(e.span()), e.message().trim_end().to_owned()));
        }
        return out;
    }
    for (name, value) in table.into_inner() {
        if name.get_ref() != key {
            let msg = format!(
                "unknown key `{}`: this file holds `[[{key}]]` tables",
                name.get_ref()
            );
            out.problems.push((at(Some(name.span())), msg));
            continue;
        }
        let span = value.span();
        let DeValue::Array(items) = value.into_inner() else {
            let msg = format!("`{key}` must be a list of tables, written `[[{key}]]`");
            out.problems.push((at(Some(span)), msg));
            continue;
        };
        for item in items.into_iter() {
            let item = shift(item, base);
            let offset = item.span().start;
            let record = T::deserialize(ValueDeserializer::from(item))
                .map_err(|e| (e.span(), e.message().trim_end().to_owned()));
            out.records.push((offset, record));
        }
    }
    out
}

/// Moves every span of a parsed value by `by` bytes, from its piece to its file.
fn shift(value: Spanned<DeValue<'_>>, by: usize) -> Spanned<DeValue<'_>> {
    if by == 0 {
        return value;
    }
    let span = value.span();
    let inner = match value.into_inner() {
        DeValue::Array(mut items) => {
            for item in items.iter_mut() {
                let taken = std::mem::replace(item, Spanned::new(0..0, DeValue::Boolean(false)));
                *item = shift(taken, by);
            }
            DeValue::Array(items)
        }
        DeValue::Table(table) => DeValue::Table(
            table
                .into_iter()
                .map(|(k, v)| {
                    let ks = k.span();
                    (
                        Spanned::new(ks.start + by..ks.end + by, k.into_inner()),
                        shift(v, by),
                    )
                })
                .collect(),
        ),
        other => other,
    };
    Spanned::new(span.start + by..span.end + by, inner)
}

/// Turns raw records into domain records, resolving slugs against every file.
struct Resolver<'s> {
    slugs: &'s Slugs,
}

/// Parses an optional field, so that `None` means "absent" and a bad value is
/// reported; `Err(())` marks the record as unusable.
fn optional<T>(v: Option<&Text>, f: impl FnOnce(&Text) -> Option<T>) -> Result<Option<T>, ()> {
    match v {
        None => Ok(None),
        Some(t) => f(t).map(Some).ok_or(()),
    }
}

impl Resolver<'_> {
    fn link<I: Copy, K: Eq + Hash>(
        ctx: &mut Ctx,
        file: usize,
        text: &Text,
        what: &str,
        map: &HashMap<K, I>,
        key: impl FnOnce(&str) -> Option<K>,
    ) -> Option<I> {
        let found = key(text.get_ref()).and_then(|k| map.get(&k).copied());
        if found.is_none() {
            ctx.at(file, text, format!("unknown {what} `{}`", text.get_ref()));
        }
        found
    }

    fn org(&self, ctx: &mut Ctx, file: usize, text: &Text) -> Option<OrganisationId> {
        Self::link(
            ctx,
            file,
            text,
            "organisation",
            &self.slugs.organisations,
            |s| Slug::parse(s).ok(),
        )
    }

    fn programme_ref(&self, ctx: &mut Ctx, file: usize, text: &Text) -> Option<ProgrammeId> {
        Self::link(ctx, file, text, "programme", &self.slugs.programmes, |s| {
            Slug::parse(s).ok()
        })
    }

    fn project_ref(&self, ctx: &mut Ctx, file: usize, text: &Text) -> Option<ProjectId> {
        Self::link(ctx, file, text, "project", &self.slugs.projects, |s| {
            Slug::parse(s).ok()
        })
    }

    fn source(&self, ctx: &mut Ctx, file: usize, s: &raw::Source) -> Option<Source> {
        let document = Self::link(
            ctx,
            file,
            &s.document,
            "document",
            &self.slugs.documents,
            |s| Slug::parse(s).ok(),
        )?;
        Some(Source {
            document,
            section: s.section.clone(),
            quote: s.quote.clone(),
        })
    }

    fn money(&self, ctx: &mut Ctx, file: usize, m: &raw::Money) -> Option<Money> {
        let amount = ctx.value(file, &m.amount, Money::parse_amount);
        let currency = ctx.value(file, &m.currency, CurrencyCode::parse);
        Money::new(amount?, currency?, m.approximate, m.text.clone())
            .map_err(|e| ctx.at(file, &m.amount, e))
            .ok()
    }

    fn period(
        &self,
        ctx: &mut Ctx,
        file: usize,
        start: Option<&Text>,
        end: Option<&Text>,
    ) -> Option<Period> {
        let s = optional(start, |t| ctx.value(file, t, PartialDate::parse));
        let e = optional(end, |t| ctx.value(file, t, PartialDate::parse));
        let (s, e) = (s.ok()?, e.ok()?);
        Period::new(s, e)
            .map_err(|err| ctx.at(file, end.expect("an ordered period has an end"), err))
            .ok()
    }

    fn participants(
        &self,
        ctx: &mut Ctx,
        file: usize,
        list: &[raw::Participant],
    ) -> Option<Vec<Participation>> {
        let mut out = Vec::new();
        let mut ok = true;
        for p in list {
            let organisation = self.org(ctx, file, &p.organisation);
            let role = ctx.value(file, &p.role, |s| {
                Role::parse(s)
                    .ok_or_else(|| unknown("role", s, Role::ALL.iter().map(|r| r.as_str())))
            });
            match (organisation, role) {
                (Some(organisation), Some(role)) => {
                    let p2 = Participation { organisation, role };
                    if out.contains(&p2) {
                        ctx.at(
                            file,
                            &p.organisation,
                            format!(
                                "`{}` is listed twice as {}",
                                p.organisation.get_ref(),
                                role.as_str()
                            ),
                        );
                        ok = false;
                    }
                    out.push(p2);
                }
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn organisation(
        &self,
        ctx: &mut Ctx,
        o: &raw::Organisation,
        slug: Option<Slug>,
    ) -> Option<Organisation> {
        let f = ORGANISATIONS;
        let kind = ctx.value(f, &o.kind, |s| {
            OrganisationKind::parse(s).ok_or_else(|| {
                unknown(
                    "organisation kind",
                    s,
                    OrganisationKind::ALL.iter().map(|k| k.as_str()),
                )
            })
        });
        let parent = optional(o.parent.as_ref(), |t| self.org(ctx, f, t));
        let country = optional(o.country.as_ref(), |t| ctx.value(f, t, CountryCode::parse));
        let source = self.source(ctx, f, &o.source);
        Some(Organisation {
            slug: slug?,
            name: o.name.clone(),
            acronym: o.acronym.clone(),
            kind: kind?,
            iati_ref: o.iati_ref.clone(),
            parent: parent.ok()?,
            country: country.ok()?,
            former_names: o.former_names.clone(),
            description: o.description.clone(),
            source: source?,
        })
    }

    fn programme(
        &self,
        ctx: &mut Ctx,
        p: &raw::Programme,
        slug: Option<Slug>,
    ) -> Option<Programme> {
        let f = PROGRAMMES;
        let modality = optional(p.modality.as_ref(), |t| {
            ctx.value(f, t, |s| {
                FundingModality::parse(s).ok_or_else(|| {
                    unknown(
                        "funding modality",
                        s,
                        FundingModality::ALL.iter().map(|m| m.as_str()),
                    )
                })
            })
        });
        let period = self.period(ctx, f, p.start.as_ref(), p.end.as_ref());
        let parent = optional(p.parent.as_ref(), |t| self.programme_ref(ctx, f, t));
        let predecessor = optional(p.predecessor.as_ref(), |t| self.programme_ref(ctx, f, t));
        let participants = self.participants(ctx, f, &p.participants);
        let source = self.source(ctx, f, &p.source);
        Some(Programme {
            slug: slug?,
            name: p.name.clone(),
            acronym: p.acronym.clone(),
            modality: modality.ok()?,
            period: period?,
            description: p.description.clone(),
            parent: parent.ok()?,
            predecessor: predecessor.ok()?,
            participants: participants?,
            source: source?,
        })
    }

    fn project(
        &self,
        ctx: &mut Ctx,
        id: ProjectId,
        p: raw::Project,
        slug: Option<Slug>,
        activities: &mut Vec<Option<Activity>>,
    ) -> Option<Project> {
        let f = PROJECTS;
        let mut countries = Vec::new();
        let mut countries_ok = true;
        for t in &p.countries {
            match ctx.value(f, t, CountryCode::parse) {
                Some(c) if countries.contains(&c) => {
                    ctx.at(f, t, format!("country `{c}` is listed twice"));
                    countries_ok = false;
                }
                Some(c) => countries.push(c),
                None => countries_ok = false,
            }
        }
        let mut places = Vec::new();
        for place in &p.places {
            match ctx.value(f, &place.country, CountryCode::parse) {
                Some(c) if countries_ok && !countries.contains(&c) => {
                    ctx.at(
                        f,
                        &place.country,
                        format!(
                            "place `{}` is in `{c}`, which is not among the project's countries",
                            place.name
                        ),
                    );
                    countries_ok = false;
                }
                Some(country) => places.push(Place {
                    name: place.name.clone(),
                    country,
                }),
                None => countries_ok = false,
            }
        }
        let period = self.period(ctx, f, p.start.as_ref(), p.end.as_ref());
        let budget = match &p.budget {
            Some(m) => self.money(ctx, f, m).map(Some),
            None => Some(None),
        };
        let participants = self.participants(ctx, f, &p.participants);
        let mut themes = Vec::new();
        let mut themes_ok = true;
        for t in &p.themes {
            match Self::link(ctx, f, t, "theme", &self.slugs.themes, |s| {
                Slug::parse(s).ok()
            }) {
                Some(th) => themes.push(th),
                None => themes_ok = false,
            }
        }
        let programme = optional(p.programme.as_ref(), |t| self.programme_ref(ctx, f, t));
        let source = self.source(ctx, f, &p.source);
        let mut activity_ids = Vec::new();
        for (i, a) in p.activities.into_iter().enumerate() {
            let position = i as u32 + 1;
            let a_source = match &a.source {
                Some(s) => self.source(ctx, f, s).map(|s| Some(Box::new(s))),
                None => Some(None),
            };
            activity_ids.push(ActivityId(activities.len() as u32));
            activities.push(Some(Activity {
                project: id,
                position,
                description: a.description,
                source: a_source?,
            }));
        }
        Some(Project {
            slug: slug?,
            title: p.title,
            acronym: p.acronym,
            objective: p.objective,
            countries: countries_ok.then_some(countries)?,
            places,
            period: period?,
            budget: budget?,
            participants: participants?,
            themes: themes_ok.then_some(themes)?,
            programme: programme.ok()?,
            activities: activity_ids,
            source: source?,
        })
    }

    fn contribution(
        &self,
        ctx: &mut Ctx,
        c: &raw::Contribution,
        slug: Option<Slug>,
    ) -> Option<Contribution> {
        let f = CONTRIBUTIONS;
        let from = self.org(ctx, f, &c.from);
        let to = {
            let t = c.to.get_ref();
            match (&t.organisation, &t.programme, &t.project) {
                (Some(o), None, None) => self.org(ctx, f, o).map(Recipient::Organisation),
                (None, Some(p), None) => self.programme_ref(ctx, f, p).map(Recipient::Programme),
                (None, None, Some(p)) => self.project_ref(ctx, f, p).map(Recipient::Project),
                _ => {
                    ctx.problem(
                        f,
                        Some(c.to.span()),
                        "`to` names exactly one of `organisation`, `programme` or `project`",
                    );
                    None
                }
            }
        };
        let kind = ctx.value(f, &c.kind, |s| {
            ContributionKind::parse(s).ok_or_else(|| {
                unknown(
                    "contribution kind",
                    s,
                    ContributionKind::ALL.iter().map(|k| k.as_str()),
                )
            })
        });
        let amount = match &c.amount {
            Some(m) => self.money(ctx, f, m).map(Some),
            None => Some(None),
        };
        let equivalent = match &c.equivalent {
            Some(m) => self.money(ctx, f, m).map(Some),
            None => Some(None),
        };
        let date = optional(c.date.as_ref(), |t| ctx.value(f, t, PartialDate::parse));
        if let (Some(d), true) = (&c.date, c.start.is_some() || c.end.is_some()) {
            ctx.at(f, d, "give either `date` or `start`/`end`, not both");
        }
        let period = self.period(ctx, f, c.start.as_ref(), c.end.as_ref());
        let share = optional(c.share.as_ref(), |t| ctx.value(f, t, Share::parse));
        let channel = optional(c.channel.as_ref(), |t| self.org(ctx, f, t));
        let source = self.source(ctx, f, &c.source);
        Some(Contribution {
            slug: slug?,
            from: from?,
            to: to?,
            kind: kind?,
            amount: amount?,
            equivalent: equivalent?,
            date: date.ok()?,
            period: period?,
            share: share.ok()?,
            channel: channel.ok()?,
            description: c.description.clone(),
            source: source?,
        })
    }
}

fn unknown<'a>(what: &str, value: &str, all: impl Iterator<Item = &'a str>) -> String {
    format!(
        "unknown {what} `{value}`; expected one of {}",
        all.collect::<Vec<_>>().join(", ")
    )
}

/// Builds every index of a store whose records are all resolved.
fn index(s: &Store) -> Index {
    let n_org = s.organisations.len();
    let mut ix = Index::default();
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
            Recipient::Organisation(o) => to_org.push((o.0, id)),
            Recipient::Programme(p) => to_programme.push((p.0, id)),
            Recipient::Project(p) => to_project.push((p.0, id)),
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

/// Positions of `records` in each [`crate::NameSort`] order.
fn name_orders<T>(records: &[T], key: impl Fn(&T) -> (&String, &Slug)) -> [Vec<u32>; 2] {
    let mut by_name: Vec<(String, u32)> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (crate::fold(key(r).0), i as u32))
        .collect();
    by_name.sort_unstable();
    let mut by_slug: Vec<u32> = (0..records.len() as u32).collect();
    by_slug.sort_unstable_by(|&a, &b| key(&records[a as usize]).1.cmp(key(&records[b as usize]).1));
    [by_name.into_iter().map(|(_, i)| i).collect(), by_slug]
}

/// The projects in each [`ProjectSort`] order.
fn project_orders(projects: &[Project]) -> [Vec<ProjectId>; 3] {
    let ids = || (0..projects.len() as u32).map(ProjectId);
    let p = |id: &ProjectId| &projects[id.index()];
    let mut by_title: Vec<(String, ProjectId)> =
        ids().map(|id| (crate::fold(&p(&id).title), id)).collect();
    by_title.sort();
    let mut by_slug: Vec<ProjectId> = ids().collect();
    by_slug.sort_by(|a, b| p(a).slug.cmp(&p(b).slug));
    let mut by_start: Vec<ProjectId> = ids().collect();
    by_start.sort_by_key(|id| {
        let start = p(id).period.start();
        (start.is_none(), start.map(|d| d.first_day()))
    });
    [
        by_title.into_iter().map(|(_, id)| id).collect(),
        by_slug,
        by_start,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
        split_records(text, key)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn a_file_is_cut_before_each_record_and_nowhere_else() {
        let text = "# preamble\n[[project]]\nslug = \"a\"\n[[project.activity]]\nx = 1\n  [[ project ]]  # b\nslug = \"b\"\n[[project]]\n";
        assert_eq!(
            pieces(text, "project"),
            [
                "# preamble\n",
                "[[project]]\nslug = \"a\"\n[[project.activity]]\nx = 1\n",
                "  [[ project ]]  # b\nslug = \"b\"\n",
                "[[project]]\n",
            ]
        );
        // A header inside a multi-line string is text: such files are parsed
        // whole, and the first pass tells which they are, even across blocks.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.toml");
        for (text, multiline) in [
            ("a = \"\"\"\n[[project]]\n\"\"\"\n".to_owned(), true),
            (format!("{}'''", " ".repeat(BLOCK - 1)), true),
            (format!("{}\"\"\"", " ".repeat(BLOCK - 2)), true),
            (format!("{}\"\" \"", " ".repeat(BLOCK - 2)), false),
        ] {
            std::fs::write(&path, &text).unwrap();
            assert_eq!(Scan::of(&path).unwrap().multiline_strings, multiline);
        }
        assert_eq!(pieces("", "project"), [""]);
        assert!(!opens_table("[[projects]]", "project"));
        assert!(!opens_table("[[project]] x = 1", "project"));
    }

    #[test]
    fn reading_in_small_blocks_gives_what_reading_whole_gives() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("themes.toml");
        let mut text = String::from("# themes\n");
        for i in 0..50 {
            text.push_str(&format!(
                "\n[[theme]]\nslug = \"t{i}\"\nname = \"Thème {i} ü\"\n"
            ));
        }
        text.push_str("[[theme]]\nslug = \"last\"\nname = 7");
        std::fs::write(&path, &text).unwrap();
        let read = |block| {
            let (tx, rx) = std::sync::mpsc::sync_channel(100);
            read_batches::<raw::Theme>(&path, "theme", block, tx);
            rx.into_iter()
                .flat_map(|batch| batch.unwrap())
                .flat_map(|piece| piece.records)
                .map(|(offset, r)| (offset, r.map(|t| (t.slug.span(), t.name))))
                .collect::<Vec<_>>()
        };
        let whole = read(usize::MAX);
        assert_eq!(whole.len(), 51);
        assert!(whole[50].1.is_err(), "a number is not a name");
        // Blocks smaller than a record, and cuts inside a two-byte character.
        for block in [7, 16, 33, 100, 1000] {
            assert_eq!(read(block), whole, "block of {block}");
        }
    }

    #[test]
    fn records_keep_their_place_in_the_file() {
        let text = "[[theme]]\nslug = \"a\"\nname = \"A\"\n\n[[theme]]\nslug = \"b\"\nname = 1\n";
        let pieces = split_records(text, "theme");
        let second: Parsed<raw::Theme> =
            parse_piece(&text[pieces[1].clone()], pieces[1].start, "theme");
        let (offset, record) = &second.records[0];
        assert_eq!(*offset, text.find("[[theme]]\nslug = \"b\"").unwrap());
        let (span, _) = record.as_ref().err().expect("a number is not a name");
        assert_eq!(span.clone().map(|s| &text[s]), Some("1"));
    }
}
