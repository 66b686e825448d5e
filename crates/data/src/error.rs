//! The problems a dataset can have, each with the place it was found.

use std::fmt;
use std::path::PathBuf;

/// One problem in a dataset, at a file and, where it has one, a line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    /// The file, as the data directory was named plus the file's name.
    pub file: PathBuf,
    /// The line in the file, from 1; `None` for a problem with the whole file.
    pub line: Option<usize>,
    /// Whether the problem stops the dataset from loading.
    pub severity: Severity,
    /// What is wrong, in words a person editing the file can act on.
    pub message: String,
}

/// How much a problem weighs.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    /// The dataset cannot load until it is mended.
    Error,
    /// Something was dropped and the rest loads: what a real-world file bends.
    Warning,
}

impl Problem {
    /// Whether the problem stops the dataset from loading.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        match self.severity {
            Severity::Error => write!(f, ": {}", self.message),
            Severity::Warning => write!(f, ": warning: {}", self.message),
        }
    }
}

/// Every problem found in a dataset that could not be loaded, in file and line
/// order: at least one error, and the warnings found with them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}
