//! Loading a dataset to serve: from its snapshot when no file has changed since
//! it was written by this build, else from the files, writing the snapshot
//! afresh in the background once they have loaded.

use std::path::Path;
use std::sync::Arc;
use std::time::{Instant, UNIX_EPOCH};

use coopgraph_data::{DataKey, Problems, Progress, Store};

/// Where a store was loaded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The snapshot, the files being unchanged.
    Snapshot,
    /// The data files.
    Files,
}

/// A loaded store and where it came from.
#[derive(Debug)]
pub struct Loaded {
    /// The store.
    pub store: Arc<Store>,
    /// Where it came from.
    pub origin: Origin,
}

/// Loads the dataset in `dir` (TOML files and IATI files in `iati/`), from the
/// snapshot at `snapshot` when one is given and it is fresh. A snapshot that
/// cannot be used is logged and passed over: the files are the truth.
pub fn load(
    dir: &Path,
    snapshot: Option<&Path>,
    progress: &dyn Progress,
) -> Result<Loaded, Problems> {
    let key = snapshot.and_then(|path| match data_key(dir) {
        Ok(key) => Some((path, key)),
        Err(e) => {
            tracing::warn!("not using a snapshot: {e}");
            None
        }
    });
    if let Some((path, key)) = key {
        match Store::read_snapshot(path, key) {
            Ok(Some(store)) => {
                return Ok(Loaded {
                    store: Arc::new(store),
                    origin: Origin::Snapshot,
                });
            }
            Ok(None) => {}
            Err(e) => tracing::warn!("{e}"),
        }
    }
    let store = Arc::new(coopgraph_iati::load_reporting(dir, progress)?);
    if let Some((path, key)) = key {
        let (store, dir, path) = (store.clone(), dir.to_path_buf(), path.to_path_buf());
        std::thread::spawn(move || write_snapshot(&store, &dir, &path, key));
    }
    Ok(Loaded {
        store,
        origin: Origin::Files,
    })
}

/// The key of the files in `dir` for this build of the program.
fn data_key(dir: &Path) -> Result<DataKey, coopgraph_data::SnapshotError> {
    DataKey::of(dir, &build())
}

/// What names this build: the program's size and modification time, so that a
/// snapshot is never read by another build than the one that wrote it. When
/// the program cannot be found, the time now: no snapshot will match.
fn build() -> Vec<u8> {
    let meta = std::env::current_exe().and_then(std::fs::metadata);
    let (len, modified) = match meta {
        Ok(meta) => (meta.len(), meta.modified().ok()),
        Err(_) => (0, Some(std::time::SystemTime::now())),
    };
    let since = modified.and_then(|m| m.duration_since(UNIX_EPOCH).ok());
    let mut salt = len.to_le_bytes().to_vec();
    salt.extend_from_slice(&since.unwrap_or_default().as_nanos().to_le_bytes());
    salt
}

/// Writes the snapshot of a store loaded from `dir`, unless a file changed while
/// it loaded (the store might then hold neither the old files nor the new).
fn write_snapshot(store: &Store, dir: &Path, path: &Path, key: DataKey) {
    let started = Instant::now();
    match data_key(dir) {
        Ok(now) if now == key => {}
        Ok(_) => {
            tracing::info!("the data changed while loading; snapshot not written");
            return;
        }
        Err(e) => {
            tracing::warn!("snapshot not written: {e}");
            return;
        }
    }
    match store.write_snapshot(path, key) {
        Ok(()) => tracing::info!(
            "snapshot written to {} in {:.1} s",
            path.display(),
            started.elapsed().as_secs_f64()
        ),
        Err(e) => tracing::warn!("snapshot not written: {e}"),
    }
}
