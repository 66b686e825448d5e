//! From files to a [`Store`], one phase after the other: read each file into raw
//! records ([`toml`]), register every slug and resolve every value and link
//! ([`resolve`]), check the invariants that span records, then build the store.
//! Every phase reports into one [`report::Report`], so each problem names its
//! `file:line` whichever reader found the record.
//!
//! Only this module reads files.

mod import;
mod rates;
mod report;
mod resolve;
mod toml;

use std::path::Path;

pub use self::import::{Batch, Import, KnownOrganisations, Note, Progress, text_at};

use coopgraph_model::*;

use self::report::{FileId, Places, Report};
use self::resolve::{LateLinks, Resolver};
use crate::raw;
use crate::store::{Records, SlugMap, Store};
use crate::{Problem, Problems, Severity};

/// The files of a dataset, in the order they are read: each may link only to
/// the files before it, and to its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFile {
    /// `documents.toml`: the source documents.
    Documents,
    /// `themes.toml`: what projects are about.
    Themes,
    /// `organisations.toml`: every actor.
    Organisations,
    /// `programmes.toml`: the vehicles projects run under.
    Programmes,
    /// `projects.toml`: the projects and their activities.
    Projects,
    /// `contributions.toml`: the flows of money.
    Contributions,
}

impl DataFile {
    /// Every data file, in reading order.
    pub const ALL: [DataFile; 6] = [
        Self::Documents,
        Self::Themes,
        Self::Organisations,
        Self::Programmes,
        Self::Projects,
        Self::Contributions,
    ];

    /// The file's name in a data directory.
    pub fn name(self) -> &'static str {
        match self {
            Self::Documents => "documents.toml",
            Self::Themes => "themes.toml",
            Self::Organisations => "organisations.toml",
            Self::Programmes => "programmes.toml",
            Self::Projects => "projects.toml",
            Self::Contributions => "contributions.toml",
        }
    }

    /// The name of the tables the file holds, as in `[[organisation]]`.
    pub fn table(self) -> &'static str {
        match self {
            Self::Documents => "document",
            Self::Themes => "theme",
            Self::Organisations => "organisation",
            Self::Programmes => "programme",
            Self::Projects => "project",
            Self::Contributions => "contribution",
        }
    }

    /// The file's id in the report, where the files are added in reading order.
    fn id(self) -> FileId {
        FileId(self as u32)
    }
}

/// The slugs of each record type, while its records are read and resolved.
struct SlugMaps {
    documents: SlugMap<DocumentId>,
    themes: SlugMap<ThemeId>,
    organisations: SlugMap<OrganisationId>,
    programmes: SlugMap<ProgrammeId>,
    projects: SlugMap<ProjectId>,
    contributions: SlugMap<ContributionId>,
}

impl Default for SlugMaps {
    fn default() -> Self {
        Self {
            documents: SlugMap::new(DocumentId),
            themes: SlugMap::new(ThemeId),
            organisations: SlugMap::new(OrganisationId),
            programmes: SlugMap::new(ProgrammeId),
            projects: SlugMap::new(ProjectId),
            contributions: SlugMap::new(ContributionId),
        }
    }
}

/// Where the records of each type were defined, while their slugs are registered.
struct AllPlaces {
    documents: Places<DocumentId>,
    themes: Places<ThemeId>,
    organisations: Places<OrganisationId>,
    programmes: Places<ProgrammeId>,
    projects: Places<ProjectId>,
    contributions: Places<ContributionId>,
}

impl Default for AllPlaces {
    fn default() -> Self {
        Self {
            documents: Places::new(DocumentId::index),
            themes: Places::new(ThemeId::index),
            organisations: Places::new(OrganisationId::index),
            programmes: Places::new(ProgrammeId::index),
            projects: Places::new(ProjectId::index),
            contributions: Places::new(ContributionId::index),
        }
    }
}

/// Reads and checks the dataset in `dir`. Returns the whole store, or every problem
/// found, sorted by file and line; never part of a dataset.
pub fn load(dir: &Path) -> Result<Store, Problems> {
    load_with(dir, None, &())
}

/// Reads and checks the dataset in `dir`, with the files of `import` beside the
/// TOML files (which may then be left out). Returns the whole store, with the
/// warnings of what was dropped, or every problem found, sorted by file and line.
/// Reports its progress, in bytes read and records made, to `progress`.
pub fn load_with(
    dir: &Path,
    import: Option<&dyn Import>,
    progress: &dyn Progress,
) -> Result<Store, Problems> {
    let mut report = Report::default();
    let imported = import.map(|i| i.files(dir)).unwrap_or_default();
    let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
    let toml_bytes: Vec<u64> = DataFile::ALL
        .iter()
        .map(|f| size(&dir.join(f.name())))
        .collect();
    let import_bytes: u64 = imported.iter().map(|p| size(p)).sum::<u64>();
    progress.start(toml_bytes.iter().sum::<u64>() + import_bytes);
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            report.problem_with(
                dir.to_path_buf(),
                format!("cannot read the data directory: {e}"),
            );
            return Err(report.finish());
        }
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".toml") && !DataFile::ALL.iter().any(|f| f.name() == name) {
            let known: Vec<_> = DataFile::ALL.iter().map(|f| f.name()).collect();
            let message = format!("unknown data file; expected one of {}", known.join(", "));
            report.problem_with(dir.join(&name), message);
        }
    }
    let toml_optional = import.is_some_and(|i| i.present(dir));
    let mut absent = [false; DataFile::ALL.len()];
    for file in DataFile::ALL {
        let path = dir.join(file.name());
        absent[file as usize] = toml_optional && !path.exists();
        let id = report.add_file(path);
        debug_assert_eq!(id, file.id());
    }
    let read = |file: DataFile| !absent[file as usize];
    let documents: Vec<(usize, raw::Document)> = read_all(&mut report, DataFile::Documents, read);
    let mut themes: Vec<(usize, raw::Theme)> = read_all(&mut report, DataFile::Themes, read);
    let organisations: Vec<(usize, raw::Organisation)> =
        read_all(&mut report, DataFile::Organisations, read);
    let programmes: Vec<(usize, raw::Programme)> =
        read_all(&mut report, DataFile::Programmes, read);
    progress.advance(
        toml_bytes[..DataFile::Projects as usize].iter().sum(),
        (documents.len() + themes.len() + organisations.len() + programmes.len()) as u64,
    );
    let rates = rates::read(&mut report, dir);
    let known: KnownOrganisations = organisations
        .iter()
        .filter_map(|(_, o)| Some((o.iati_ref.clone()?, o.slug.get_ref().clone())))
        .collect();
    if report.unreadable {
        // Links into a file that could not be read would all look dangling; the
        // problems already found say what to mend first.
        read_rest::<raw::Project>(&mut report, DataFile::Projects, read);
        read_rest::<raw::Contribution>(&mut report, DataFile::Contributions, read);
        return Err(report.finish());
    }

    let mut slugs = SlugMaps::default();
    let mut places = AllPlaces::default();
    macro_rules! register {
        ($report:expr, $file:expr, $what:literal, $records:expr, $list:ident) => {
            $report.register(
                $file.id(),
                $what,
                $records.iter().map(|(line, r)| (&r.slug, Some(*line))),
                &mut slugs.$list,
                &mut places.$list,
            )
        };
    }
    let doc_slugs = register!(
        report,
        DataFile::Documents,
        "document",
        documents,
        documents
    );
    let theme_slugs = register!(report, DataFile::Themes, "theme", themes, themes);
    let org_slugs = register!(
        report,
        DataFile::Organisations,
        "organisation",
        organisations,
        organisations
    );
    let prog_slugs = register!(
        report,
        DataFile::Programmes,
        "programme",
        programmes,
        programmes
    );

    let r = Resolver { slugs: &slugs };
    let document = |((_, d), slug): ((usize, raw::Document), Option<Slug>)| {
        Some(Document {
            slug: slug?,
            title: d.title,
        })
    };
    let theme = |((_, t), slug): ((usize, raw::Theme), Option<Slug>)| {
        Some(Theme {
            slug: slug?,
            name: t.name,
            code: t.code,
            vocabulary: t.vocabulary,
            source: None,
        })
    };
    let mut documents: Vec<_> = documents.into_iter().zip(doc_slugs).map(document).collect();
    let theme_sources: Vec<Option<raw::Source>> =
        themes.iter_mut().map(|(_, t)| t.source.take()).collect();
    let mut themes: Vec<_> = themes.into_iter().zip(theme_slugs).map(theme).collect();
    // A theme's source is resolved once the documents are known.
    for (t, src) in themes.iter_mut().zip(&theme_sources) {
        if let (Some(t), Some(src)) = (t.as_mut(), src) {
            t.source = r.source(&mut report, DataFile::Themes.id(), src);
        }
    }
    // Each raw record is dropped as soon as it is resolved.
    let file = DataFile::Organisations.id();
    let mut organisations: Vec<_> = organisations
        .into_iter()
        .zip(org_slugs)
        .map(|((_, o), slug)| r.organisation(&mut report, file, &o, slug))
        .collect();
    let file = DataFile::Programmes.id();
    let mut programmes: Vec<_> = programmes
        .into_iter()
        .zip(prog_slugs)
        .map(|((_, p), slug)| r.programme(&mut report, file, p, slug))
        .collect();
    report.defer();

    let mut projects = Vec::new();
    let mut activities = Vec::new();
    let mut contributions = Vec::new();
    let mut late = Vec::new();
    if let Some(import) = import {
        let files = imported;
        let ids: Vec<FileId> = files
            .iter()
            .map(|f| report.add_file_by_line(f.clone()))
            .collect();
        import.read(&files, &known, progress, &mut |batch| {
            let file = ids[batch.file];
            for note in &batch.notes {
                match note.severity {
                    Severity::Error => {
                        report.unreadable = true;
                        report.problem(file, note.line.map(|l| l..l), &note.message);
                    }
                    Severity::Warning => report.warn(file, note.line, &note.message),
                }
            }
            if report.unreadable {
                return;
            }
            macro_rules! register_batch {
                ($what:literal, $list:ident) => {
                    report.register(
                        file,
                        $what,
                        batch.$list.iter().map(|(line, r)| (&r.slug, Some(*line))),
                        &mut slugs.$list,
                        &mut places.$list,
                    )
                };
            }
            let doc_slugs = register_batch!("document", documents);
            let theme_slugs = register_batch!("theme", themes);
            let org_slugs = register_batch!("organisation", organisations);
            let prog_slugs = register_batch!("programme", programmes);
            let start = projects.len();
            let proj_slugs = register_batch!("project", projects);
            let contrib_slugs = register_batch!("contribution", contributions);
            let r = Resolver { slugs: &slugs };
            documents.extend(batch.documents.into_iter().zip(doc_slugs).map(document));
            themes.extend(batch.themes.into_iter().zip(theme_slugs).map(theme));
            for ((_, o), slug) in batch.organisations.iter().zip(org_slugs) {
                organisations.push(r.organisation(&mut report, file, o, slug));
            }
            for ((_, p), slug) in batch.programmes.into_iter().zip(prog_slugs) {
                programmes.push(r.programme(&mut report, file, p, slug));
            }
            for (i, ((_, p), slug)) in batch.projects.into_iter().zip(proj_slugs).enumerate() {
                let id = ProjectId((start + i) as u32);
                projects.push(r.project(&mut report, file, id, p, slug, &mut activities));
            }
            for ((_, c), slug) in batch.contributions.iter().zip(contrib_slugs) {
                late.extend(LateLinks::of(contributions.len(), file, c));
                contributions.push(r.contribution(&mut report, file, c, slug));
            }
            report.defer();
        });
        if report.unreadable {
            read_rest::<raw::Project>(&mut report, DataFile::Projects, read);
            read_rest::<raw::Contribution>(&mut report, DataFile::Contributions, read);
            return Err(report.finish());
        }
    }

    // Projects and contributions, the bulk of a dataset, link only to the files
    // before them: each batch is resolved as soon as it is parsed.
    let file = DataFile::Projects;
    if read(file) {
        report.toml_batches(
            file.id(),
            file.table(),
            |report, batch: Vec<(usize, raw::Project)>| {
                progress.advance(0, batch.len() as u64);
                let start = projects.len();
                let batch_slugs = register!(report, file, "project", batch, projects);
                let r = Resolver { slugs: &slugs };
                for (i, ((_, p), slug)) in batch.into_iter().zip(batch_slugs).enumerate() {
                    let id = ProjectId((start + i) as u32);
                    projects.push(r.project(report, file.id(), id, p, slug, &mut activities));
                }
                report.defer();
            },
        );
        progress.advance(toml_bytes[file as usize], 0);
    }
    if report.unreadable {
        read_rest::<raw::Contribution>(&mut report, DataFile::Contributions, read);
        return Err(report.finish());
    }
    let file = DataFile::Contributions;
    if read(file) {
        report.toml_batches(
            file.id(),
            file.table(),
            |report, batch: Vec<(usize, raw::Contribution)>| {
                progress.advance(0, batch.len() as u64);
                let batch_slugs = register!(report, file, "contribution", batch, contributions);
                let r = Resolver { slugs: &slugs };
                for ((_, c), slug) in batch.iter().zip(batch_slugs) {
                    late.extend(LateLinks::of(contributions.len(), file.id(), c));
                    contributions.push(r.contribution(report, file.id(), c, slug));
                }
                report.defer();
            },
        );
        progress.advance(toml_bytes[file as usize], 0);
    }
    if report.unreadable {
        return Err(report.finish());
    }

    let r = Resolver { slugs: &slugs };
    for links in &late {
        if let Some(c) = contributions[links.index].as_mut() {
            r.late_links(&mut report, links, c);
        }
    }
    let cs = &places.contributions.places;
    report.check_chain("part of itself", &contributions, cs, |c| {
        (&c.slug, c.part_of.map(|p| p.index()))
    });

    let orgs = &places.organisations.places;
    report.check_chain("its own ancestor", &organisations, orgs, |o| {
        (&o.slug, o.parent.map(|p| p.index()))
    });
    let progs = &places.programmes.places;
    report.check_chain("its own ancestor", &programmes, progs, |p| {
        (&p.slug, p.parent.map(|p| p.index()))
    });
    report.check_chain("its own predecessor", &programmes, progs, |p| {
        (&p.slug, p.predecessor.map(|p| p.index()))
    });

    report.defer();
    if report.has_deferred() {
        return Err(report.finish());
    }
    // What only loading needed (each file's line table, each record's place,
    // the slugs while registered) goes before the indexes are built.
    let warnings = report.take_warnings();
    drop((report, places, late, slugs));
    let records = (|| {
        let records = Records {
            documents: all(documents)?,
            themes: all(themes)?,
            organisations: all(organisations)?,
            programmes: all(programmes)?,
            projects: all(projects)?,
            activities: all(activities)?,
            contributions: all(contributions)?,
        };
        Some(Store::build(records, warnings, rates))
    })();
    // Every record left out was reported above; this guards the promise.
    records.ok_or_else(|| {
        Problems(vec![Problem {
            file: dir.to_path_buf(),
            line: None,
            severity: Severity::Error,
            message: "a record could not be read and no reason was found; please report this"
                .to_owned(),
        }])
    })
}

/// Reads a whole file into its records, each with the line it starts at; none
/// when the file may be and is absent.
fn read_all<T: serde::de::DeserializeOwned + Send>(
    report: &mut Report,
    file: DataFile,
    read: impl Fn(DataFile) -> bool,
) -> Vec<(usize, T)> {
    if !read(file) {
        return Vec::new();
    }
    report.toml_records(file.id(), file.table())
}

/// Reads a file only for the problems it holds, once the dataset cannot load.
fn read_rest<T: serde::de::DeserializeOwned + Send>(
    report: &mut Report,
    file: DataFile,
    read: impl Fn(DataFile) -> bool,
) {
    if read(file) {
        report.toml_batches::<T>(file.id(), file.table(), |_, _| {});
    }
}

/// Unwraps records that all resolved, in place; `None` if one did not. Only
/// called once no problem was found, so every record resolved.
fn all<T>(records: Vec<Option<T>>) -> Option<Vec<T>> {
    records.into_iter().collect()
}
