//! Records by slug, with every slug kept once: the tables hold ids only and
//! read each id's slug from where it is kept (the record itself once loaded, one
//! buffer per type while loading).

use hashbrown::HashTable;
use xxhash_rust::xxh3::xxh3_64;

use super::Records;

fn hash(slug: &str) -> u64 {
    xxh3_64(slug.as_bytes())
}

/// Ids by slug: a hash table of ids, each compared through the slug `slug_of`
/// gives for it. The slugs must be distinct.
#[derive(Debug, Default)]
pub(crate) struct SlugTable(HashTable<u32>);

impl SlugTable {
    /// The id whose slug is `key`.
    pub fn get<'a>(&self, key: &str, slug_of: impl Fn(u32) -> &'a str) -> Option<u32> {
        self.0.find(hash(key), |&id| slug_of(id) == key).copied()
    }

    /// Adds `id`, whose slug `key` no other id has.
    pub fn insert<'a>(&mut self, id: u32, key: &str, slug_of: impl Fn(u32) -> &'a str) {
        self.0.insert_unique(hash(key), id, |&id| hash(slug_of(id)));
    }

    /// The table of ids `0..n`, each with the slug `slug_of` gives.
    fn build<'a>(n: usize, slug_of: impl Fn(u32) -> &'a str) -> Self {
        let mut table = Self(HashTable::with_capacity(n));
        for id in 0..n as u32 {
            table.insert(id, slug_of(id), &slug_of);
        }
        table
    }
}

/// The records of every type by slug, read through the records' own slugs.
#[derive(Debug, Default)]
pub(crate) struct Slugs {
    pub documents: SlugTable,
    pub themes: SlugTable,
    pub organisations: SlugTable,
    pub programmes: SlugTable,
    pub projects: SlugTable,
    pub contributions: SlugTable,
}

impl Slugs {
    /// The tables of `r`'s records, whose slugs are distinct within a type.
    pub fn build(r: &Records) -> Self {
        macro_rules! table {
            ($list:ident) => {
                SlugTable::build(r.$list.len(), |id| r.$list[id as usize].slug.as_str())
            };
        }
        Self {
            documents: table!(documents),
            themes: table!(themes),
            organisations: table!(organisations),
            programmes: table!(programmes),
            projects: table!(projects),
            contributions: table!(contributions),
        }
    }
}

/// The slugs of one record type while its records are read, in id order, all in
/// one buffer, with the ids they name.
#[derive(Debug)]
pub(crate) struct SlugMap<I> {
    text: String,
    /// Where each id's slug ends in `text`; an id without a usable slug has an
    /// empty one.
    ends: Vec<usize>,
    table: SlugTable,
    make: fn(u32) -> I,
}

/// The slug of `id` in a [`SlugMap`]'s buffer.
fn slug_in<'a>(text: &'a str, ends: &[usize], id: u32) -> &'a str {
    let id = id as usize;
    let start = if id == 0 { 0 } else { ends[id - 1] };
    &text[start..ends[id]]
}

impl<I> SlugMap<I> {
    /// No slugs yet, for ids made by `make` from their position.
    pub fn new(make: fn(u32) -> I) -> Self {
        Self {
            text: String::new(),
            ends: Vec::new(),
            table: SlugTable::default(),
            make,
        }
    }

    /// The id whose slug is `key`.
    pub fn get(&self, key: &str) -> Option<I> {
        let (text, ends) = (&self.text, &self.ends);
        self.table
            .get(key, |id| slug_in(text, ends, id))
            .map(self.make)
    }

    /// Registers the next id, with its slug if it has a usable one not
    /// registered before.
    pub fn push(&mut self, slug: Option<&str>) {
        let id = self.ends.len() as u32;
        let slug = slug.unwrap_or_default();
        self.text.push_str(slug);
        self.ends.push(self.text.len());
        if !slug.is_empty() {
            let (text, ends) = (&self.text, &self.ends);
            self.table.insert(id, slug, |id| slug_in(text, ends, id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_registered_in_turn_name_their_ids() {
        let mut map = SlugMap::new(|id| id);
        let slugs: Vec<String> = (0..10_000).map(|i| format!("project-{i}")).collect();
        for (i, slug) in slugs.iter().enumerate() {
            map.push((i % 7 != 3).then_some(slug.as_str()));
        }
        for (i, slug) in slugs.iter().enumerate() {
            let want = (i % 7 != 3).then_some(i as u32);
            assert_eq!(map.get(slug), want, "{slug}");
        }
        assert_eq!(map.get("project-10000"), None);
        assert_eq!(map.get(""), None);
    }
}
