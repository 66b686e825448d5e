//! The text of every searchable record, folded once at load: what `search` and
//! the `text` filters match against without folding anything per request.

use coopgraph_model::*;
use rayon::prelude::*;

use super::Records;
use crate::fold;

/// The folded fields of every record of one type, each with its weight, laid end
/// to end in one buffer per chunk of records: chunks are folded on every core
/// and kept as they are, never copied into one.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct FoldedFields {
    chunks: Vec<Chunk>,
}

/// The folded fields of up to [`CHUNK`] records.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Chunk {
    text: String,
    /// Where each field ends in `text`, and its weight.
    fields: Vec<(u32, u8)>,
    /// Where each record's fields start in `fields`.
    starts: Vec<u32>,
}

/// Records folded at a time on each core.
const CHUNK: usize = 4096;

impl FoldedFields {
    /// Folds the fields `each` gives of every record, keeping non-empty ones.
    fn build<T: Sync>(records: &[T], each: impl Fn(&T, &mut dyn FnMut(&str, u8)) + Sync) -> Self {
        let chunks = records
            .par_chunks(CHUNK)
            .map(|records| {
                let mut chunk = Chunk {
                    text: String::new(),
                    fields: Vec::new(),
                    starts: vec![0],
                };
                for record in records {
                    each(record, &mut |field, weight| {
                        let folded = fold(field);
                        if !folded.is_empty() {
                            chunk.text.push_str(&folded);
                            chunk.fields.push((chunk.text.len() as u32, weight));
                        }
                    });
                    chunk.starts.push(chunk.fields.len() as u32);
                }
                chunk.text.shrink_to_fit();
                chunk.fields.shrink_to_fit();
                chunk
            })
            .collect();
        Self { chunks }
    }

    /// The folded fields of record `i`, each with its weight.
    pub fn of(&self, i: usize) -> impl Iterator<Item = (&str, u8)> + Clone {
        let chunk = &self.chunks[i / CHUNK];
        let i = i % CHUNK;
        let (from, to) = (chunk.starts[i] as usize, chunk.starts[i + 1] as usize);
        let start = if from == 0 {
            0
        } else {
            chunk.fields[from - 1].0 as usize
        };
        chunk.fields[from..to]
            .iter()
            .scan(start, |start, &(end, w)| {
                let field = &chunk.text[*start..end as usize];
                *start = end as usize;
                Some((field, w))
            })
    }
}

/// The searchable text of a dataset, by record type.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct SearchText {
    pub organisations: FoldedFields,
    pub programmes: FoldedFields,
    pub projects: FoldedFields,
    pub activities: FoldedFields,
}

fn opt(text: &Option<String>) -> &str {
    text.as_deref().unwrap_or("")
}

impl SearchText {
    /// Folds every searchable field. Weights rank matches: acronyms weigh most,
    /// then names and titles, then former names, places and countries, then
    /// descriptions.
    pub fn build(r: &Records) -> Self {
        Self {
            organisations: FoldedFields::build(&r.organisations, |o: &Organisation, add| {
                add(&o.name, 3);
                add(opt(&o.acronym), 4);
                add(opt(&o.description), 1);
                for name in &o.former_names {
                    add(name, 2);
                }
            }),
            programmes: FoldedFields::build(&r.programmes, |p: &Programme, add| {
                add(&p.name, 3);
                add(opt(&p.acronym), 4);
                add(opt(&p.description), 1);
            }),
            projects: FoldedFields::build(&r.projects, |p: &Project, add| {
                add(&p.title, 3);
                add(opt(&p.acronym), 4);
                add(opt(&p.objective), 1);
                for place in &p.places {
                    add(&place.name, 2);
                }
                for country in &p.countries {
                    add(country.name(), 2);
                }
            }),
            activities: FoldedFields::build(&r.activities, |a: &Activity, add| {
                add(&a.description, 1);
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_come_back_folded_per_record_across_chunks() {
        let records: Vec<Vec<&str>> = (0..CHUNK + 3)
            .map(|i| match i % 3 {
                0 => vec!["Việt Nam", "", "ÉTÉ"],
                1 => vec![],
                _ => vec!["x"],
            })
            .collect();
        let folded = FoldedFields::build(&records, |r, add| {
            for (i, f) in r.iter().enumerate() {
                add(f, i as u8);
            }
        });
        for (i, _) in records.iter().enumerate() {
            let got: Vec<_> = folded.of(i).collect();
            let want: Vec<(&str, u8)> = match i % 3 {
                0 => vec![("viet nam", 0), ("ete", 2)],
                1 => vec![],
                _ => vec![("x", 0)],
            };
            assert_eq!(got, want, "record {i}");
        }
    }
}
