//! Reading TOML data files: each file is cut before its `[[record]]` headers and
//! the pieces are parsed on every core, a batch at a time, with every span moved
//! back to its offset in the file.

use std::ops::Range;
use std::path::Path;

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::report::{FileId, Lines, Report};

impl Report {
    /// Reads and parses one TOML file of `[[table]]` records into its records,
    /// each with the line it starts at; see [`Report::toml_batches`].
    pub fn toml_records<T: DeserializeOwned + Send>(
        &mut self,
        file: FileId,
        table: &str,
    ) -> Vec<(usize, T)> {
        let mut out = Vec::new();
        self.toml_batches(file, table, |_, batch| out.extend(batch));
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
    pub fn toml_batches<T: DeserializeOwned + Send>(
        &mut self,
        file: FileId,
        key: &str,
        mut each: impl FnMut(&mut Self, Vec<(usize, T)>),
    ) {
        let path = self.file(file).path.clone();
        let scan = match Scan::of(&path) {
            Ok(scan) => scan,
            Err(e) => {
                self.unreadable |= e.kind() == std::io::ErrorKind::FileTooLarge;
                self.problem(file, None, e);
                return;
            }
        };
        self.file_mut(file).lines = Some(scan.lines);

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
            let key = key.to_owned();
            scope.spawn(move || read_batches(&path, &key, block, batches));
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
                        let line = self.file(file).line(offset);
                        match record {
                            Ok(record) => batch.push((line, record)),
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
}

/// What a first, quick pass over a file finds: where its lines start, and
/// whether it has multi-line strings.
struct Scan {
    lines: Lines,
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
            lines: Lines::default(),
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
            for at in memchr::memchr_iter(b'\n', &block) {
                scan.lines.newline((base + at) as u32);
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raw;

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
