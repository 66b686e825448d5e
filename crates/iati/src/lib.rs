//! Reads IATI activity files (versions 2.01 to 2.03, as publishers put them on the
//! IATI Registry) into the records of a coopgraph dataset, and writes a store as
//! one IATI 2.03 activity file.
//!
//! The reader streams each file, one activity at a time, and maps it as SPEC.md
//! says ("IATI in and out"): activities named as parents are programmes, the
//! others projects; organisations are named by their IATI identifier, or by name
//! within a file; transactions are contributions. Real files bend the standard:
//! every record that can be read is kept, and what had to be dropped is a warning
//! at its `file:line`. Only an activity that cannot be used at all (malformed XML,
//! no identifier, an identifier given twice) is an error.

mod codes;
mod export;
mod generate;
mod map;
mod read;

use std::path::{Path, PathBuf};

use coopgraph_data::{
    Batch, Import, KnownOrganisations, Note, Problems, Progress, Severity, Store,
};
use rayon::prelude::*;

pub use export::{ExportError, Exported, export};
pub use generate::generate;
pub use read::ReadError;

/// The IATI files of a dataset: `iati/*.xml` in its directory.
#[derive(Debug, Clone, Copy, Default)]
pub struct Iati;

/// The folder of a data directory that holds its IATI files.
pub const FOLDER: &str = "iati";

impl Import for Iati {
    fn present(&self, dir: &Path) -> bool {
        dir.join(FOLDER).is_dir()
    }

    fn files(&self, dir: &Path) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(FOLDER))
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    }

    fn read(
        &self,
        files: &[PathBuf],
        known: &KnownOrganisations,
        progress: &dyn Progress,
        each: &mut dyn FnMut(Batch),
    ) {
        // First pass, a file per core: identifiers, levels and parents only.
        let skims: Vec<map::FileSkim> = files.par_iter().map(|p| skim_file(p, progress)).collect();
        let plan = map::Plan::new(skims);
        for (file, notes) in plan.notes.iter().enumerate() {
            each(Batch {
                file,
                notes: notes.clone(),
                ..Batch::default()
            });
        }
        if plan.has_errors() {
            return;
        }
        // Second pass: one thread reads and maps, this one hands batches over.
        std::thread::scope(|scope| {
            let (send, batches) = std::sync::mpsc::sync_channel::<Batch>(2);
            let plan = &plan;
            scope.spawn(move || {
                let mut emitter = map::Emitter::new(plan, known);
                let mut out = |b: Batch| {
                    let _ = send.send(b);
                };
                for (fi, path) in plan.files.iter().enumerate() {
                    let Some(mut xml) = open(path) else {
                        let size = std::fs::metadata(path).map_or(0, |m| m.len());
                        progress.advance(size - size / 2, 0);
                        continue;
                    };
                    let next = || Ok(xml.activity()?.map(|a| (a, xml.position())));
                    emitter.file(fi, next, progress, &mut out);
                }
                emitter.finish(&mut out);
            });
            for batch in batches {
                each(batch);
            }
        });
    }
}

/// Opens a file and reads past its root, for the second pass: `None` where the
/// first pass found nothing to read.
fn open(path: &Path) -> Option<read::Xml<std::io::BufReader<std::fs::File>>> {
    let mut xml = read::Xml::open(path).ok()?;
    match xml.head() {
        Ok(Some(head)) if head.root == "iati-activities" => Some(xml),
        _ => None,
    }
}

/// The first pass over one file: each activity skimmed, and what stops the file
/// from being read.
fn skim_file(path: &Path, progress: &dyn Progress) -> map::FileSkim {
    let mut out = map::FileSkim {
        path: path.to_path_buf(),
        skims: Vec::new(),
        notes: Vec::new(),
    };
    // The first pass counts the first half of each byte, the second the rest.
    let mut reported = 0;
    let mut report = |at: u64| {
        progress.advance((at / 2).saturating_sub(reported / 2), 0);
        reported = reported.max(at);
    };
    skim_into(path, &mut out, &mut report);
    report(std::fs::metadata(path).map_or(0, |m| m.len()));
    out
}

fn skim_into(path: &Path, out: &mut map::FileSkim, report: &mut dyn FnMut(u64)) {
    let note = |notes: &mut Vec<Note>, severity, line, message: String| {
        notes.push(Note {
            line,
            severity,
            message,
        });
    };
    let mut xml = match read::Xml::open(path) {
        Ok(xml) => xml,
        Err(f) => return note(&mut out.notes, Severity::Error, f.line, f.error.to_string()),
    };
    match xml.head() {
        Ok(Some(head)) if head.root == "iati-activities" => {
            if let Some(v) = head.version.as_deref().filter(|v| !v.starts_with("2.")) {
                let message = format!(
                    "version {v} is read as 2.01–2.03; elements these versions do not have are not read"
                );
                note(&mut out.notes, Severity::Warning, Some(1), message);
            }
        }
        Ok(Some(head)) => {
            let message = format!(
                "not an IATI activity file (its root is `{}`, not `iati-activities`): not read",
                head.root
            );
            return note(&mut out.notes, Severity::Warning, Some(1), message);
        }
        Ok(None) => {
            let message = "the file is empty".to_owned();
            return note(&mut out.notes, Severity::Warning, None, message);
        }
        Err(f) => return note(&mut out.notes, Severity::Error, f.line, f.error.to_string()),
    }
    loop {
        match xml.skim() {
            Ok(Some(a)) => {
                out.skims.push(a);
                if out.skims.len() % 4096 == 0 {
                    report(xml.position());
                }
            }
            Ok(None) => break,
            Err(f) => return note(&mut out.notes, Severity::Error, f.line, f.error.to_string()),
        }
    }
}

/// Reads and checks the dataset in `dir`, its TOML files and its `iati/*.xml`
/// files, into one store; see [`coopgraph_data::load_with`].
pub fn load(dir: &Path) -> Result<Store, Problems> {
    coopgraph_data::load_with(dir, Some(&Iati), &())
}

/// [`load`], reporting its progress to `progress`.
pub fn load_reporting(dir: &Path, progress: &dyn Progress) -> Result<Store, Problems> {
    coopgraph_data::load_with(dir, Some(&Iati), progress)
}
