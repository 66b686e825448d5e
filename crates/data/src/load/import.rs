//! Files read by readers other than the TOML one, such as IATI XML: they hand
//! over the same raw records, with lines for places, and the loader registers and
//! resolves them with the TOML records, in one report.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::Severity;
use crate::raw;

/// A reader of data files beside the TOML ones. The reader checks every value it
/// hands over and reports what it dropped; the loader registers and resolves the
/// records a batch at a time, so that only a batch of raw records is alive at once.
pub trait Import: Sync {
    /// Whether `dir` holds files for this reader: a directory that does may leave
    /// out any TOML file.
    fn present(&self, dir: &Path) -> bool;

    /// The files of this reader in `dir`, in reading order.
    fn files(&self, dir: &Path) -> Vec<PathBuf>;

    /// Reads `files` and hands their records to `each` a batch at a time, each
    /// batch linking only to records of earlier batches, of itself, or of the TOML
    /// files before projects (documents, themes, organisations, programmes). An
    /// error in a batch stops the loading: later batches may carry only notes.
    /// `known` names the organisations the TOML files give an IATI identifier, by
    /// that identifier, so that a file naming the same identifier links to them.
    /// Reports progress through `progress` in bytes of `files` read, each byte
    /// counted once however many times the reader reads it.
    fn read(
        &self,
        files: &[PathBuf],
        known: &KnownOrganisations,
        progress: &dyn Progress,
        each: &mut dyn FnMut(Batch),
    );
}

/// What a long load reports as it goes, for a progress bar or log lines.
pub trait Progress: Sync {
    /// Loading starts, with this many bytes to read in all.
    fn start(&self, _bytes: u64) {}
    /// `bytes` more were read and `records` more records made.
    fn advance(&self, _bytes: u64, _records: u64) {}
}

/// No progress reported.
impl Progress for () {}

/// The slugs of organisations with an IATI identifier, by identifier.
pub type KnownOrganisations = HashMap<String, String>;

/// Records an import reader found in one of its files. Every `Text` span is
/// `line..line`.
#[derive(Default)]
pub struct Batch {
    /// The file, by its place in the list [`Import::files`] gave.
    pub file: usize,
    /// Source documents, each with its line.
    pub documents: Vec<(usize, raw::Document)>,
    /// Themes.
    pub themes: Vec<(usize, raw::Theme)>,
    /// Organisations.
    pub organisations: Vec<(usize, raw::Organisation)>,
    /// Programmes.
    pub programmes: Vec<(usize, raw::Programme)>,
    /// Projects.
    pub projects: Vec<(usize, raw::Project)>,
    /// Contributions.
    pub contributions: Vec<(usize, raw::Contribution)>,
    /// What the reader refused or dropped, at a line where it has one.
    pub notes: Vec<Note>,
}

/// A problem an import reader found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The line, from 1.
    pub line: Option<usize>,
    /// An error refuses the dataset; a warning says what was dropped.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
}

/// A text at a line, as import readers hand values over.
pub fn text_at(line: usize, value: impl Into<String>) -> raw::Text {
    toml::Spanned::new(line..line, value.into())
}
