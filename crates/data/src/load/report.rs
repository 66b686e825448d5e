//! The problem report: every problem of a load, each at its `file:line`.
//!
//! Readers hand records over with byte spans into their files; the report keeps,
//! for each file, only what it takes to turn those spans into line numbers once
//! the text is gone, and the place of every registered record, so that a
//! duplicate can name where its first was defined.

use std::fmt::Display;
use std::ops::Range;
use std::path::PathBuf;

use coopgraph_model::Slug;

use crate::raw::Text;
use crate::store::SlugMap;
use crate::{Problem, Problems, Severity};

/// A file the report knows, by its place in [`Report::files`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileId(pub u32);

/// One data file, with what is needed to turn byte offsets into line numbers once
/// its text is gone.
pub(crate) struct SourceFile {
    pub path: PathBuf,
    /// Where its lines start; `None` for a file whose reader gives spans as line
    /// numbers.
    pub lines: Option<Lines>,
}

impl SourceFile {
    fn new(path: PathBuf) -> Self {
        Self {
            path,
            lines: Some(Lines::default()),
        }
    }

    /// The line, from 1, of a span's start.
    pub fn line(&self, offset: usize) -> usize {
        self.lines
            .as_ref()
            .map_or(offset, |lines| lines.line(offset))
    }
}

/// Where each line of a file starts, in about a byte a line (a file of a
/// million records has tens of millions of lines): each line's length, and the
/// start of every 64th line and of each line after a long one.
#[derive(Debug)]
pub(crate) struct Lines {
    /// The index (from 0) and first byte of the first line of each group.
    marks: Vec<(u32, u32)>,
    /// The length of each ended line, newline included, up to [`LONG`]: a line
    /// that long is the last of its group, and ends where the next group starts.
    lens: Vec<u8>,
    /// Where the line not ended yet starts.
    open: u32,
}

/// The length from which a line ends its group.
const LONG: u32 = u8::MAX as u32;

/// Lines in a group, at most.
const GROUP: u32 = 64;

impl Default for Lines {
    fn default() -> Self {
        Self {
            marks: vec![(0, 0)],
            lens: Vec::new(),
            open: 0,
        }
    }
}

impl Lines {
    /// Ends the current line at the newline at offset `at`.
    pub fn newline(&mut self, at: u32) {
        let len = at + 1 - self.open;
        self.lens.push(len.min(LONG) as u8);
        self.open = at + 1;
        let next = self.lens.len() as u32;
        if len >= LONG || next % GROUP == 0 {
            self.marks.push((next, self.open));
        }
    }

    /// The line, from 1, that the byte at `offset` is on.
    pub fn line(&self, offset: usize) -> usize {
        let group = self
            .marks
            .partition_point(|&(_, start)| start as usize <= offset)
            .saturating_sub(1);
        let (mut line, start) = self.marks[group];
        let end = self
            .marks
            .get(group + 1)
            .map_or(self.lens.len() as u32 + 1, |&(next, _)| next);
        let mut start = start as usize;
        while line + 1 < end {
            let len = usize::from(self.lens[line as usize]);
            if start + len > offset {
                break;
            }
            start += len;
            line += 1;
        }
        line as usize + 1
    }
}

/// Where a registered record was defined: its file, the line of its slug and
/// the line its record starts at.
#[derive(Clone, Copy)]
pub(crate) struct Place {
    pub file: FileId,
    pub slug_line: usize,
    pub record_line: Option<usize>,
}

/// Every problem found so far, and the files they are in.
#[derive(Default)]
pub(crate) struct Report {
    pub files: Vec<SourceFile>,
    problems: Vec<Problem>,
    /// Whether some file could not be read or parsed: links into it would all
    /// look dangling, so what is found past reading is left out.
    pub unreadable: bool,
    /// Problems found past reading: links, values, invariants. They are left
    /// out when a file is unreadable, since they may only echo it.
    deferred: Vec<Problem>,
    /// What was dropped while the rest loads.
    warnings: Vec<Problem>,
}

impl Report {
    /// Adds a file to report problems in.
    pub fn add_file(&mut self, path: PathBuf) -> FileId {
        self.files.push(SourceFile::new(path));
        FileId(self.files.len() as u32 - 1)
    }

    /// Adds a file whose reader gives spans as line numbers.
    pub fn add_file_by_line(&mut self, path: PathBuf) -> FileId {
        let id = self.add_file(path);
        self.file_mut(id).lines = None;
        id
    }

    /// Something dropped from a file while the rest loads, at a line where known.
    pub fn warn(&mut self, file: FileId, line: Option<usize>, message: impl Display) {
        self.warnings.push(Problem {
            file: self.file(file).path.clone(),
            line,
            severity: Severity::Warning,
            message: message.to_string(),
        });
    }

    /// The file behind an id.
    pub fn file(&self, file: FileId) -> &SourceFile {
        &self.files[file.0 as usize]
    }

    /// The file behind an id, to fill in its line index.
    pub fn file_mut(&mut self, file: FileId) -> &mut SourceFile {
        &mut self.files[file.0 as usize]
    }

    /// A problem in a file, at a span where it has one.
    pub fn problem(&mut self, file: FileId, span: Option<Range<usize>>, message: impl Display) {
        let f = self.file(file);
        let line = span.map(|s| f.line(s.start));
        let problem = Problem {
            file: f.path.clone(),
            line,
            severity: Severity::Error,
            message: message.to_string(),
        };
        self.problems.push(problem);
    }

    /// A problem with a whole directory or file, at no line.
    pub fn problem_with(&mut self, path: PathBuf, message: impl Display) {
        self.problems.push(Problem {
            file: path,
            line: None,
            severity: Severity::Error,
            message: message.to_string(),
        });
    }

    /// A problem with a value, at its place.
    pub fn at(&mut self, file: FileId, text: &Text, message: impl Display) {
        self.problem(file, Some(text.span()), message);
    }

    /// A problem with a whole record, at the line it starts.
    pub fn at_place(&mut self, place: Place, message: impl Display) {
        let f = self.file(place.file);
        self.problems.push(Problem {
            file: f.path.clone(),
            line: place.record_line.or(Some(place.slug_line)),
            severity: Severity::Error,
            message: message.to_string(),
        });
    }

    /// Parses a value, reporting it at its place when it is not valid.
    pub fn value<T, E: Display>(
        &mut self,
        file: FileId,
        text: &Text,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        parse(text.get_ref())
            .map_err(|e| self.at(file, text, e))
            .ok()
    }

    /// Sets the problems found so far aside as found past reading.
    pub fn defer(&mut self) {
        self.deferred.append(&mut self.problems);
    }

    /// Whether any problem was found past reading.
    pub fn has_deferred(&self) -> bool {
        !self.deferred.is_empty()
    }

    /// Every problem with the warnings, sorted by file and line, each once.
    pub fn finish(mut self) -> Problems {
        if !self.unreadable {
            self.problems.append(&mut self.deferred);
        }
        self.problems.append(&mut self.warnings);
        self.problems.sort();
        self.problems.dedup();
        Problems(self.problems)
    }

    /// The warnings alone, sorted by file and line, once the dataset has loaded.
    pub fn take_warnings(&mut self) -> Vec<Problem> {
        let mut warnings = std::mem::take(&mut self.warnings);
        warnings.sort();
        warnings.dedup();
        warnings
    }

    /// Parses the slugs of one type and registers them, reporting invalid and
    /// duplicate ones, also against records registered before (files are read in
    /// batches, and a type may come from several files). `records` says where
    /// each slug's record starts in `file`. Returns each record's slug, `None`
    /// where it was unusable.
    pub fn register<'a, I: Copy>(
        &mut self,
        file: FileId,
        what: &str,
        slugs: impl Iterator<Item = (&'a Text, Option<usize>)>,
        ids: &mut SlugMap<I>,
        places: &mut Places<I>,
    ) -> Vec<Option<Slug>> {
        let mut out = Vec::new();
        for (text, record_line) in slugs {
            let place = Place {
                file,
                slug_line: self.file(file).line(text.span().start),
                record_line,
            };
            places.places.push(place);
            let Some(slug) = self.value(file, text, Slug::parse) else {
                ids.push(None);
                out.push(None);
                continue;
            };
            if let Some(first) = ids.get(slug.as_str()) {
                let first = places.places[(places.index)(first)];
                let here = if first.file == file {
                    format!("line {}", first.slug_line)
                } else {
                    let path = self.file(first.file).path.display();
                    format!("{path}:{}", first.slug_line)
                };
                let message = format!("duplicate {what} slug `{slug}`: first defined at {here}");
                self.at(file, text, message);
                ids.push(None);
                out.push(None);
                continue;
            }
            ids.push(Some(slug.as_str()));
            out.push(Some(slug));
        }
        out
    }

    /// Reports every record that reaches itself by following `up` (a parent, a
    /// predecessor), with the chain it follows.
    pub fn check_chain<T>(
        &mut self,
        what: &str,
        records: &[Option<T>],
        places: &[Place],
        up: impl Fn(&T) -> (&Slug, Option<usize>),
    ) {
        for (start, &place) in places.iter().enumerate().take(records.len()) {
            let mut chain = Vec::new();
            let mut at = start;
            while let Some((slug, next)) = records[at].as_ref().map(&up) {
                chain.push(slug.as_str());
                match next {
                    Some(next) if next == start => {
                        chain.push(chain[0]);
                        let msg = format!("`{}` is {what}: {}", chain[0], chain.join(" → "));
                        self.at_place(place, msg);
                        break;
                    }
                    Some(next) if chain.len() <= records.len() => at = next,
                    _ => break,
                }
            }
        }
    }
}

/// Where each record of one type was defined, by record position (which is
/// also the index of its id), kept while the type's slugs are registered.
pub(crate) struct Places<I> {
    pub places: Vec<Place>,
    index: fn(I) -> usize,
}

impl<I: Copy> Places<I> {
    /// No places yet, for ids read back by `index`.
    pub fn new(index: fn(I) -> usize) -> Self {
        Self {
            places: Vec::new(),
            index,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Every byte's line is the one counting newlines before it gives, for
        /// lines of every length, short and far longer than a byte counts.
        #[test]
        fn every_byte_is_on_the_line_its_newlines_say(
            lens in proptest::collection::vec(
                proptest::prop_oneof![0usize..8, 250usize..260, 300usize..1_500],
                0..300,
            ),
            tail in 0usize..4,
        ) {
            let mut text = Vec::new();
            for len in lens {
                text.extend(std::iter::repeat_n(b'x', len));
                text.push(b'\n');
            }
            text.extend(std::iter::repeat_n(b'y', tail));
            let mut lines = Lines::default();
            for at in memchr::memchr_iter(b'\n', &text) {
                lines.newline(at as u32);
            }
            let mut line = 1;
            for (offset, &byte) in text.iter().enumerate() {
                proptest::prop_assert_eq!(lines.line(offset), line, "offset {}", offset);
                line += usize::from(byte == b'\n');
            }
            proptest::prop_assert_eq!(lines.line(text.len() + 10), line);
        }
    }
}
