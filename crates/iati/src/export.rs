//! Writing a store as IATI 2.03.

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The output could not be written.
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
}

/// Writes nothing yet.
pub fn export() {}
