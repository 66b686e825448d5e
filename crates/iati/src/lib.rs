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
mod map;
mod read;

use std::path::{Path, PathBuf};

use coopgraph_data::{Import, ImportedFile, KnownOrganisations, Note, Problems, Severity, Store};
use rayon::prelude::*;

pub use export::{ExportError, Exported, export};
pub use read::ReadError;

/// The IATI files of a dataset: `iati/*.xml` in its directory.
#[derive(Debug, Clone, Copy, Default)]
pub struct Iati;

/// The folder of a data directory that holds its IATI files.
pub const FOLDER: &str = "iati";

impl Iati {
    /// The IATI files in `dir`, by name.
    fn files(dir: &Path) -> Vec<PathBuf> {
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
}

impl Import for Iati {
    fn present(&self, dir: &Path) -> bool {
        dir.join(FOLDER).is_dir()
    }

    fn read(&self, dir: &Path, known: &KnownOrganisations) -> Vec<ImportedFile> {
        let files: Vec<map::FileRead> = Self::files(dir).par_iter().map(|p| read_file(p)).collect();
        map::map(files, known)
    }
}

/// Reads one file's activities, with the failure that stopped it as an error.
fn read_file(path: &Path) -> map::FileRead {
    let mut out = map::FileRead {
        path: path.to_path_buf(),
        activities: Vec::new(),
        notes: Vec::new(),
    };
    let fail = |notes: &mut Vec<Note>, f: read::Failure| {
        notes.push(Note {
            line: f.line,
            severity: Severity::Error,
            message: f.error.to_string(),
        });
    };
    let mut xml = match read::Xml::open(path) {
        Ok(xml) => xml,
        Err(f) => {
            fail(&mut out.notes, f);
            return out;
        }
    };
    match xml.head() {
        Ok(Some(head)) if head.root == "iati-activities" => {
            if let Some(v) = head.version.as_deref().filter(|v| !v.starts_with("2.")) {
                out.notes.push(Note {
                    line: Some(1),
                    severity: Severity::Warning,
                    message: format!("version {v} is read as 2.01–2.03; elements these versions do not have are not read"),
                });
            }
        }
        Ok(Some(head)) => {
            out.notes.push(Note {
                line: Some(1),
                severity: Severity::Warning,
                message: format!(
                    "not an IATI activity file (its root is `{}`, not `iati-activities`): not read",
                    head.root
                ),
            });
            return out;
        }
        Ok(None) => {
            out.notes.push(Note {
                line: None,
                severity: Severity::Warning,
                message: "the file is empty".to_owned(),
            });
            return out;
        }
        Err(f) => {
            fail(&mut out.notes, f);
            return out;
        }
    }
    loop {
        match xml.activity() {
            Ok(Some(a)) => out.activities.push(a),
            Ok(None) => break,
            Err(f) => {
                fail(&mut out.notes, f);
                break;
            }
        }
    }
    out
}

/// Reads and checks the dataset in `dir`, its TOML files and its `iati/*.xml`
/// files, into one store; see [`coopgraph_data::load_with`].
pub fn load(dir: &Path) -> Result<Store, Problems> {
    coopgraph_data::load_with(dir, Some(&Iati))
}
