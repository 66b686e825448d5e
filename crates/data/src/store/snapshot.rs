//! A built store kept on disk beside its data, so that a restart on files that
//! have not changed skips reading, checking and indexing them.
//!
//! A snapshot is keyed by a [`DataKey`]: a hash of every file of the data
//! directory and of what the caller adds (the build of the program that writes
//! and reads it). A snapshot whose key differs is stale and never read; one whose
//! body does not match its checksum is refused. The file is:
//!
//! ```text
//! MAGIC (16 bytes) | FORMAT (u32) | key (u128) | SECTIONS × (length (u64), xxh3 (u64)) | sections
//! ```
//!
//! all little-endian, each section one part of the store in postcard: the small
//! lists and maps, projects, activities, contributions, indexes, text (the tables of
//! records by slug are built again from the records). Values are
//! read back through their own checks (see `coopgraph_model`'s serde impls).

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use super::{IatiRecord, Index, Rates, Records, SearchText, Slugs, Store};
use coopgraph_model::*;

use crate::Problem;

/// Marks a snapshot file.
const MAGIC: &[u8; 16] = b"coopgraph-store\n";
/// The layout of the body; one more whenever the store's parts change shape.
const FORMAT: u32 = 3;
/// Bytes before the sections: magic, format, key, and each section's length and hash.
const HEADER: usize = 16 + 4 + 16 + SECTIONS * 16;

/// Why a snapshot could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The snapshot file or the data file being hashed.
        path: PathBuf,
        /// What failed.
        source: io::Error,
    },
    /// The body does not match its checksum, or does not decode into a store.
    #[error("{}: not a readable snapshot ({reason}); it will be written again", path.display())]
    Corrupt {
        /// The snapshot file.
        path: PathBuf,
        /// What did not match.
        reason: String,
    },
}

/// A hash of a data directory's files and of whatever the caller adds: equal keys
/// mean a snapshot holds what loading those files would build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataKey(u128);

impl DataKey {
    /// Hashes every file under `dir` (names starting with `.` aside, such as the
    /// snapshot itself), with its path and length, and `salt`: what else a
    /// snapshot depends on, such as the program's build.
    pub fn of(dir: &Path, salt: &[u8]) -> Result<Self, SnapshotError> {
        let mut files = Vec::new();
        list_files(dir, Path::new(""), &mut files)?;
        files.sort();
        let hashes = files
            .par_iter()
            .map(|relative| hash_file(&dir.join(relative)))
            .collect::<Result<Vec<_>, _>>()?;
        let mut key = Xxh3::new();
        key.update(&FORMAT.to_le_bytes());
        key.update(env!("CARGO_PKG_VERSION").as_bytes());
        key.update(&(salt.len() as u64).to_le_bytes());
        key.update(salt);
        for (relative, (len, hash)) in files.iter().zip(hashes) {
            let name = relative.to_string_lossy();
            key.update(&(name.len() as u64).to_le_bytes());
            key.update(name.as_bytes());
            key.update(&len.to_le_bytes());
            key.update(&hash.to_le_bytes());
        }
        Ok(Self(key.digest128()))
    }
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> SnapshotError + '_ {
    move |source| SnapshotError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Every file under `dir/relative`, as paths relative to `dir`.
fn list_files(dir: &Path, relative: &Path, out: &mut Vec<PathBuf>) -> Result<(), SnapshotError> {
    let here = dir.join(relative);
    for entry in std::fs::read_dir(&here).map_err(io_error(&here))? {
        let entry = entry.map_err(io_error(&here))?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = relative.join(&name);
        let kind = std::fs::metadata(entry.path()).map_err(io_error(&entry.path()))?;
        if kind.is_dir() {
            list_files(dir, &path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// A file's length and hash, read a block at a time.
fn hash_file(path: &Path) -> Result<(u64, u128), SnapshotError> {
    let mut file = File::open(path).map_err(io_error(path))?;
    let mut hash = Xxh3::new();
    let mut buf = vec![0; 1 << 20];
    let mut len = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(io_error(path))?;
        if n == 0 {
            return Ok((len, hash.digest128()));
        }
        hash.update(&buf[..n]);
        len += n as u64;
    }
}

/// What a snapshot keeps besides the big lists, which have sections of their own.
#[derive(Serialize)]
struct HeadRef<'a> {
    documents: &'a [Document],
    themes: &'a [Theme],
    organisations: &'a [Organisation],
    programmes: &'a [Programme],
    iati: &'a HashMap<String, IatiRecord>,
    warnings: &'a [Problem],
    rates: &'a Rates,
}

/// [`HeadRef`], read back.
#[derive(Deserialize)]
struct Head {
    documents: Vec<Document>,
    themes: Vec<Theme>,
    #[serde(deserialize_with = "exact_vec")]
    organisations: Vec<Organisation>,
    #[serde(deserialize_with = "exact_vec")]
    programmes: Vec<Programme>,
    #[serde(deserialize_with = "exact_map")]
    iati: HashMap<String, IatiRecord>,
    warnings: Vec<Problem>,
    rates: Rates,
}

/// A list read into a `Vec` of its exact length at once.
#[derive(Deserialize)]
#[serde(bound = "T: Deserialize<'de>")]
struct List<T>(#[serde(deserialize_with = "exact_vec")] Vec<T>);

/// The sections of a snapshot, in the order they are written; each is decoded on
/// its own, so they are read on every core.
const SECTIONS: usize = 6;

thread_local! {
    /// The bytes of the section being decoded on this thread: no list in it can
    /// be longer, so no length read can ask for more room than that.
    static BUDGET: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Reads a list into a `Vec` of the length it states (within the section's
/// bytes), rather than growing one: serde's own cautious guess grows large lists
/// many times, each a copy.
pub(crate) fn exact_vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Visit<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visit<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let room = seq.size_hint().unwrap_or(0).min(BUDGET.get());
            let mut out = Vec::with_capacity(room);
            while let Some(item) = seq.next_element()? {
                out.push(item);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Visit(std::marker::PhantomData))
}

/// Reads a map into a `HashMap` with room for the entries it states (within the
/// section's bytes), rather than growing and rehashing one.
pub(crate) fn exact_map<'de, D, K, V>(d: D) -> Result<HashMap<K, V>, D::Error>
where
    D: serde::Deserializer<'de>,
    K: Deserialize<'de> + Eq + std::hash::Hash,
    V: Deserialize<'de>,
{
    struct Visit<K, V>(std::marker::PhantomData<(K, V)>);
    impl<'de, K, V> serde::de::Visitor<'de> for Visit<K, V>
    where
        K: Deserialize<'de> + Eq + std::hash::Hash,
        V: Deserialize<'de>,
    {
        type Value = HashMap<K, V>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<HashMap<K, V>, A::Error> {
            let room = map.size_hint().unwrap_or(0).min(BUDGET.get());
            let mut out = HashMap::with_capacity(room);
            while let Some((k, v)) = map.next_entry()? {
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Visit(std::marker::PhantomData))
}

/// Counts and hashes what is written through it.
struct Hashing<W> {
    inner: W,
    hash: Xxh3,
    len: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A section's place in the file and the hash of its bytes.
#[derive(Debug, Clone, Copy, Default)]
struct Section {
    len: u64,
    checksum: u64,
}

/// The sections of a store, as they are decoded.
#[derive(Default)]
struct Decoded {
    head: Option<Head>,
    projects: Option<Vec<Project>>,
    activities: Option<Vec<Activity>>,
    contributions: Option<Vec<Contribution>>,
    index: Option<Index>,
    text: Option<SearchText>,
}

impl Store {
    /// The store kept in the snapshot at `path`, if there is one and it was
    /// written for `key`; `None` when the file is absent or stale.
    pub fn read_snapshot(path: &Path, key: DataKey) -> Result<Option<Store>, SnapshotError> {
        let mut file = match File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error(path)(e)),
        };
        let mut header = [0u8; HEADER];
        match file.read_exact(&mut header) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(io_error(path)(e)),
        }
        let mut fields = Fields(&header);
        let magic = fields.take::<16>();
        let format = u32::from_le_bytes(fields.take());
        let written_for = u128::from_le_bytes(fields.take());
        if magic != *MAGIC || format != FORMAT || written_for != key.0 {
            return Ok(None);
        }
        let sections: [Section; SECTIONS] = std::array::from_fn(|_| Section {
            len: u64::from_le_bytes(fields.take()),
            checksum: u64::from_le_bytes(fields.take()),
        });
        let corrupt = |reason: String| SnapshotError::Corrupt {
            path: path.to_path_buf(),
            reason,
        };
        let size = file.metadata().map_err(io_error(path))?.len();
        let expected = HEADER as u64 + sections.iter().map(|s| s.len).sum::<u64>();
        if size != expected {
            return Err(corrupt(format!(
                "{size} bytes where the header says {expected}"
            )));
        }
        let mut starts = [HEADER as u64; SECTIONS];
        for i in 1..SECTIONS {
            starts[i] = starts[i - 1] + sections[i - 1].len;
        }
        // Each section is read, checked and decoded on its own, the largest
        // first, on every core; only the sections being decoded are in memory.
        let decoded = Mutex::new(Decoded::default());
        let failed: Mutex<Option<SnapshotError>> = Mutex::new(None);
        let order = [2, 1, 4, 3, 0, 5];
        order.par_iter().for_each(|&i| {
            let result = read_section(path, starts[i], sections[i])
                .and_then(|body| decode(i, &body, &decoded).map_err(|e| corrupt(e.to_string())));
            if let Err(e) = result {
                failed
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get_or_insert(e);
            }
        });
        if let Some(e) = failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
            return Err(e);
        }
        let d = decoded.into_inner().unwrap_or_else(|e| e.into_inner());
        let missing = || corrupt("a section is missing".to_owned());
        let head = d.head.ok_or_else(missing)?;
        let records = Records {
            documents: head.documents,
            themes: head.themes,
            organisations: head.organisations,
            programmes: head.programmes,
            projects: d.projects.ok_or_else(missing)?,
            activities: d.activities.ok_or_else(missing)?,
            contributions: d.contributions.ok_or_else(missing)?,
        };
        Ok(Some(Store {
            slugs: Slugs::build(&records),
            records,
            index: d.index.ok_or_else(missing)?,
            text: d.text.ok_or_else(missing)?,
            iati: head.iati,
            warnings: head.warnings,
            rates: head.rates,
            summaries: Mutex::default(),
        }))
    }

    /// Writes the store to a snapshot at `path` for `key`, replacing any there
    /// at once (through a file beside it), so a reader sees the old or the new.
    pub fn write_snapshot(&self, path: &Path, key: DataKey) -> Result<(), SnapshotError> {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let base = format!(".{}.", name.trim_start_matches('.'));
        // What a process stopped while writing left behind.
        if let Ok(entries) = std::fs::read_dir(
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        ) {
            for entry in entries.flatten() {
                let left = entry.file_name().to_string_lossy().into_owned();
                if left.starts_with(&base) && left.ends_with(".tmp") {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        let temporary = path.with_file_name(format!("{base}{}.tmp", std::process::id()));
        let written = self.write_snapshot_to(&temporary, key);
        let renamed =
            written.and_then(|()| std::fs::rename(&temporary, path).map_err(io_error(path)));
        if renamed.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        renamed
    }

    fn write_snapshot_to(&self, path: &Path, key: DataKey) -> Result<(), SnapshotError> {
        let mut file = File::create(path).map_err(io_error(path))?;
        file.write_all(&[0; HEADER]).map_err(io_error(path))?;
        let r = &self.records;
        let head = HeadRef {
            documents: &r.documents,
            themes: &r.themes,
            organisations: &r.organisations,
            programmes: &r.programmes,
            iati: &self.iati,
            warnings: &self.warnings,
            rates: &self.rates,
        };
        let mut sections = [Section::default(); SECTIONS];
        let mut out = BufWriter::with_capacity(1 << 20, &mut file);
        for (i, section) in sections.iter_mut().enumerate() {
            let mut body = Hashing {
                inner: &mut out,
                hash: Xxh3::new(),
                len: 0,
            };
            let written = match i {
                0 => postcard::to_io(&head, &mut body),
                1 => postcard::to_io(&r.projects, &mut body),
                2 => postcard::to_io(&r.activities, &mut body),
                3 => postcard::to_io(&r.contributions, &mut body),
                4 => postcard::to_io(&self.index, &mut body),
                _ => postcard::to_io(&self.text, &mut body),
            };
            written.map_err(|e| io_error(path)(io::Error::other(e)))?;
            *section = Section {
                len: body.len,
                checksum: body.hash.digest(),
            };
        }
        out.flush().map_err(io_error(path))?;
        drop(out);
        let mut header = Vec::with_capacity(HEADER);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&FORMAT.to_le_bytes());
        header.extend_from_slice(&key.0.to_le_bytes());
        for s in sections {
            header.extend_from_slice(&s.len.to_le_bytes());
            header.extend_from_slice(&s.checksum.to_le_bytes());
        }
        file.seek(SeekFrom::Start(0)).map_err(io_error(path))?;
        file.write_all(&header).map_err(io_error(path))?;
        file.sync_all().map_err(io_error(path))
    }
}

/// Reads the header's fields in turn.
struct Fields<'a>(&'a [u8]);

impl Fields<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let (field, rest) = self.0.split_at(N);
        self.0 = rest;
        field.try_into().unwrap_or([0; N])
    }
}

/// The bytes of one section, checked against its hash.
fn read_section(path: &Path, start: u64, section: Section) -> Result<Vec<u8>, SnapshotError> {
    let mut file = File::open(path).map_err(io_error(path))?;
    file.seek(SeekFrom::Start(start)).map_err(io_error(path))?;
    let mut body = vec![0; section.len as usize];
    file.read_exact(&mut body).map_err(io_error(path))?;
    if xxhash_rust::xxh3::xxh3_64(&body) != section.checksum {
        return Err(SnapshotError::Corrupt {
            path: path.to_path_buf(),
            reason: "checksum mismatch".to_owned(),
        });
    }
    Ok(body)
}

/// Decodes section `i` into its place in `into`.
fn decode(i: usize, body: &[u8], into: &Mutex<Decoded>) -> postcard::Result<()> {
    BUDGET.set(body.len());
    macro_rules! put {
        ($field:ident, $value:expr) => {{
            let value = $value;
            into.lock().unwrap_or_else(|e| e.into_inner()).$field = Some(value);
        }};
    }
    match i {
        0 => put!(head, postcard::from_bytes(body)?),
        1 => put!(projects, postcard::from_bytes::<List<_>>(body)?.0),
        2 => put!(activities, postcard::from_bytes::<List<_>>(body)?.0),
        3 => put!(contributions, postcard::from_bytes::<List<_>>(body)?.0),
        4 => put!(index, postcard::from_bytes(body)?),
        _ => put!(text, postcard::from_bytes(body)?),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// Every part of two stores, compared: maps by content, the rest by value.
    fn assert_same(a: &Store, b: &Store) {
        assert_eq!(a.records, b.records);
        macro_rules! by_slug {
            ($($list:ident $by_slug:ident $id:ident),*) => {$(
                for (i, r) in b.records.$list.iter().enumerate() {
                    assert_eq!(a.$by_slug(r.slug.as_str()), Some($id(i as u32)));
                }
            )*};
        }
        by_slug!(
            documents document_by_slug DocumentId,
            themes theme_by_slug ThemeId,
            organisations organisation_by_slug OrganisationId,
            programmes programme_by_slug ProgrammeId,
            projects project_by_slug ProjectId,
            contributions contribution_by_slug ContributionId
        );
        assert_eq!(format!("{:?}", a.index), format!("{:?}", b.index));
        assert_eq!(format!("{:?}", a.text), format!("{:?}", b.text));
        assert_eq!(a.iati, b.iati);
        assert_eq!(a.warnings, b.warnings);
        assert_eq!(a.rates.map, b.rates.map);
    }

    fn seed() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
    }

    #[test]
    fn a_snapshot_reads_back_the_store_it_was_written_from() {
        let dir = tempfile::tempdir().unwrap();
        crate::generate(2_000, 7, dir.path()).unwrap();
        for data in [seed(), dir.path().to_path_buf()] {
            let store = crate::load(&data).unwrap();
            let key = DataKey::of(&data, b"build").unwrap();
            let path = dir.path().join(".snapshot");
            store.write_snapshot(&path, key).unwrap();
            let back = Store::read_snapshot(&path, key)
                .unwrap()
                .expect("a fresh snapshot");
            assert_same(&store, &back);
            // The snapshot is a dot file: writing it did not change the key.
            assert_eq!(DataKey::of(&data, b"build").unwrap(), key);
        }
    }

    #[test]
    fn a_stale_or_absent_snapshot_is_not_read_and_a_damaged_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        crate::generate(200, 1, &data).unwrap();
        let store = crate::load(&data).unwrap();
        let key = DataKey::of(&data, b"build").unwrap();
        let path = dir.path().join("snapshot");
        assert!(Store::read_snapshot(&path, key).unwrap().is_none());
        store.write_snapshot(&path, key).unwrap();

        // Another build, or any byte of any file changed, is another key.
        assert_ne!(DataKey::of(&data, b"other build").unwrap(), key);
        let file = data.join("projects.toml");
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, text.replacen("title = \"", "title = \"X", 1)).unwrap();
        let changed = DataKey::of(&data, b"build").unwrap();
        assert_ne!(changed, key);
        assert!(Store::read_snapshot(&path, changed).unwrap().is_none());
        std::fs::write(&file, &text).unwrap();
        assert_eq!(DataKey::of(&data, b"build").unwrap(), key);
        // A new file counts too, in a folder as well.
        std::fs::create_dir(data.join("iati")).unwrap();
        std::fs::write(data.join("iati/a.xml"), "").unwrap();
        assert_ne!(DataKey::of(&data, b"build").unwrap(), key);
        std::fs::remove_dir_all(data.join("iati")).unwrap();

        // A flipped byte in the body, or a cut file, is refused, never read.
        let bytes = std::fs::read(&path).unwrap();
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        let err = Store::read_snapshot(&path, key).unwrap_err();
        assert!(err.to_string().contains("checksum mismatch"), "{err}");
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        let err = Store::read_snapshot(&path, key).unwrap_err();
        assert!(
            err.to_string().contains("bytes where the header says"),
            "{err}"
        );
        std::fs::write(&path, &bytes[..10]).unwrap();
        assert!(Store::read_snapshot(&path, key).unwrap().is_none());
        std::fs::write(&path, &bytes).unwrap();
        assert!(Store::read_snapshot(&path, key).unwrap().is_some());
    }

    #[test]
    fn values_are_read_back_through_their_checks() {
        use coopgraph_model::{PartialDate, Slug};
        let bad_slug = postcard::to_allocvec("Not A Slug").unwrap();
        assert!(postcard::from_bytes::<Slug>(&bad_slug).is_err());
        let bad_date = postcard::to_allocvec(&(2023u16, Some(2u8), Some(30u8))).unwrap();
        assert!(postcard::from_bytes::<PartialDate>(&bad_date).is_err());
        let date = PartialDate::parse("2024-02-29").unwrap();
        let bytes = postcard::to_allocvec(&date).unwrap();
        assert_eq!(postcard::from_bytes::<PartialDate>(&bytes).unwrap(), date);
    }
}
