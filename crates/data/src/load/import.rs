//! Files read by readers other than the TOML one, such as IATI XML: they hand
//! over the same raw records, with lines for places, and the loader registers and
//! resolves them with the TOML records, in one report.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::Severity;
use crate::raw;

/// A reader of data files beside the TOML ones. The reader checks every value it
/// hands over and reports what it dropped; the loader resolves the links.
pub trait Import: Sync {
    /// Whether `dir` holds files for this reader: a directory that does may leave
    /// out any TOML file.
    fn present(&self, dir: &Path) -> bool;

    /// Reads every file of this reader in `dir`. `known` names the organisations
    /// the TOML files give an IATI identifier, by that identifier, so that a file
    /// naming the same identifier links to the same organisation.
    fn read(&self, dir: &Path, known: &KnownOrganisations) -> Vec<ImportedFile>;
}

/// The slugs of organisations with an IATI identifier, by identifier.
pub type KnownOrganisations = HashMap<String, String>;

/// What an import reader found in one file. Every `Text` span is `line..line`.
#[derive(Default)]
pub struct ImportedFile {
    /// The file.
    pub path: PathBuf,
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
