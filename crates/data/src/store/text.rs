//! The searchable fields of every record: what `search` and the `text` filters
//! match against. ASCII fields are matched as they are, ignoring case; only the
//! fields folding would change beyond case (diacritics, other scripts) are kept
//! folded, once, at load.

use coopgraph_model::*;
use rayon::prelude::*;

use super::Records;
use crate::fold;
use crate::query::TextQuery;

/// A record whose fields can be searched, each with its weight. Weights rank
/// matches: acronyms weigh most, then names and titles, then former names,
/// places and countries, then descriptions.
pub(crate) trait Searchable {
    /// Gives each searchable field with its weight, always in the same order.
    fn fields<'a>(&'a self, add: &mut impl FnMut(&'a str, u8));
}

fn opt(text: &Option<String>) -> &str {
    text.as_deref().unwrap_or("")
}

impl Searchable for Organisation {
    fn fields<'a>(&'a self, add: &mut impl FnMut(&'a str, u8)) {
        add(&self.name, 3);
        add(opt(&self.acronym), 4);
        add(opt(&self.description), 1);
        for name in &self.former_names {
            add(name, 2);
        }
    }
}

impl Searchable for Programme {
    fn fields<'a>(&'a self, add: &mut impl FnMut(&'a str, u8)) {
        add(&self.name, 3);
        add(opt(&self.acronym), 4);
        add(opt(&self.description), 1);
    }
}

impl Searchable for Project {
    fn fields<'a>(&'a self, add: &mut impl FnMut(&'a str, u8)) {
        add(&self.title, 3);
        add(opt(&self.acronym), 4);
        add(opt(&self.objective), 1);
        for place in &self.places {
            add(&place.name, 2);
        }
        for country in &self.countries {
            add(country.name(), 2);
        }
    }
}

impl Searchable for Activity {
    fn fields<'a>(&'a self, add: &mut impl FnMut(&'a str, u8)) {
        add(&self.description, 1);
    }
}

/// The folded copies of the fields of one record type that are not ASCII, in
/// the order [`Searchable::fields`] gives them, laid end to end in one buffer
/// per chunk of records: chunks are folded on every core and kept as they are,
/// never copied into one.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct FoldedFields {
    chunks: Vec<Chunk>,
}

/// The folded non-ASCII fields of up to [`CHUNK`] records.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Chunk {
    text: String,
    /// Where each folded field ends in `text`.
    ends: Vec<u32>,
    /// Where each record's folded fields start in `ends`.
    starts: Vec<u32>,
}

/// Records folded at a time on each core.
const CHUNK: usize = 4096;

impl FoldedFields {
    /// Folds the fields of `records` that are not ASCII.
    fn build<T: Searchable + Sync>(records: &[T]) -> Self {
        let chunks = records
            .par_chunks(CHUNK)
            .map(|records| {
                let mut chunk = Chunk {
                    text: String::new(),
                    ends: Vec::new(),
                    starts: vec![0],
                };
                for record in records {
                    record.fields(&mut |field, _| {
                        if !field.is_ascii() {
                            chunk.text.push_str(&fold(field));
                            chunk.ends.push(chunk.text.len() as u32);
                        }
                    });
                    chunk.starts.push(chunk.ends.len() as u32);
                }
                chunk.text.shrink_to_fit();
                chunk.ends.shrink_to_fit();
                chunk
            })
            .collect();
        Self { chunks }
    }

    /// The searchable fields of `record`, the `i`th of its type, with their
    /// weights, into `out`: ASCII fields as they are (to be matched ignoring
    /// case), the others folded.
    pub fn fields<'a, T: Searchable>(
        &'a self,
        i: usize,
        record: &'a T,
        out: &mut Vec<(&'a str, u8)>,
    ) {
        let chunk = &self.chunks[i / CHUNK];
        let i = i % CHUNK;
        let mut next = chunk.starts[i] as usize;
        if next == chunk.starts[i + 1] as usize {
            // Every field is ASCII.
            record.fields(&mut |field, weight| out.push((field, weight)));
            return;
        }
        record.fields(&mut |field, weight| {
            let field = if field.is_ascii() {
                field
            } else {
                let start = if next == 0 {
                    0
                } else {
                    chunk.ends[next - 1] as usize
                };
                let end = chunk.ends[next] as usize;
                next += 1;
                &chunk.text[start..end]
            };
            out.push((field, weight));
        });
        debug_assert_eq!(next, chunk.starts[i + 1] as usize);
    }

    /// Whether `query`, when there is one, matches the fields of `record`, the
    /// `i`th of its type; `buf` is scratch space kept between calls.
    pub fn matches<'a, T: Searchable>(
        &'a self,
        query: Option<&TextQuery>,
        i: usize,
        record: &'a T,
        buf: &mut Vec<(&'a str, u8)>,
    ) -> bool {
        query.is_none_or(|q| {
            buf.clear();
            self.fields(i, record, buf);
            q.matches(buf.iter().map(|&(f, _)| f))
        })
    }
}

/// The folded non-ASCII fields of a dataset, by record type.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct SearchText {
    pub organisations: FoldedFields,
    pub programmes: FoldedFields,
    pub projects: FoldedFields,
    pub activities: FoldedFields,
}

impl SearchText {
    /// Folds every searchable field that is not ASCII.
    pub fn build(r: &Records) -> Self {
        Self {
            organisations: FoldedFields::build(&r.organisations),
            programmes: FoldedFields::build(&r.programmes),
            projects: FoldedFields::build(&r.projects),
            activities: FoldedFields::build(&r.activities),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fields(Vec<&'static str>);

    impl Searchable for Fields {
        fn fields<'a>(&'a self, add: &mut impl FnMut(&'a str, u8)) {
            for (i, f) in self.0.iter().enumerate() {
                add(f, i as u8);
            }
        }
    }

    #[test]
    fn non_ascii_fields_come_back_folded_per_record_across_chunks() {
        let records: Vec<Fields> = (0..CHUNK + 3)
            .map(|i| match i % 3 {
                0 => Fields(vec!["Việt Nam", "", "Été", "—"]),
                1 => Fields(vec![]),
                _ => Fields(vec!["X-ray"]),
            })
            .collect();
        let folded = FoldedFields::build(&records);
        for (i, record) in records.iter().enumerate() {
            let mut got = Vec::new();
            folded.fields(i, record, &mut got);
            let want: Vec<(&str, u8)> = match i % 3 {
                0 => vec![("viet nam", 0), ("", 1), ("ete", 2), ("", 3)],
                1 => vec![],
                _ => vec![("X-ray", 0)],
            };
            assert_eq!(got, want, "record {i}");
        }
    }
}
