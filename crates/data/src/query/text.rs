//! Text matching that ignores case and diacritics: "viet nam" finds "Viet Nam",
//! "cooperacion" finds "Cooperación". The query is folded once; the text it is
//! matched against was folded at load.

use crate::fold;

/// A folded query: the words a text must contain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextQuery {
    words: Vec<String>,
    whole: String,
}

impl TextQuery {
    /// Folds a query; `None` when it has no words to look for.
    pub fn new(text: &str) -> Option<Self> {
        let whole = fold(text);
        let words: Vec<String> = whole
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        (!words.is_empty()).then_some(Self { words, whole })
    }

    /// Whether every word of the query starts a word of one of the folded `fields`.
    pub fn matches<'a>(&self, fields: impl Iterator<Item = &'a str> + Clone) -> bool {
        self.words
            .iter()
            .all(|w| fields.clone().any(|f| starts_a_word(f, w)))
    }

    /// How well folded `fields` (each with a weight) match: the weights of the
    /// fields each word starts a word in, plus twice the weight of a field that is
    /// the query exactly. Zero when some word is found nowhere.
    pub fn score<'a>(&self, fields: impl Iterator<Item = (&'a str, u8)> + Clone) -> u32 {
        let mut total = 0;
        for word in &self.words {
            let hit: u32 = fields
                .clone()
                .filter(|(f, _)| starts_a_word(f, word))
                .map(|(_, w)| u32::from(w))
                .sum();
            if hit == 0 {
                return 0;
            }
            total += hit;
        }
        total
            + fields
                .filter(|(f, _)| *f == self.whole)
                .map(|(_, w)| 2 * u32::from(w))
                .sum::<u32>()
    }
}

fn starts_a_word(folded: &str, word: &str) -> bool {
    folded.split(' ').any(|w| w.starts_with(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(fields: &[&str]) -> Vec<String> {
        fields.iter().map(|f| fold(f)).collect()
    }

    #[test]
    fn every_word_must_start_a_word_of_some_field() {
        let q = TextQuery::new("viet NAM").unwrap();
        let yes = folded(&["Cambodia and Viet Nam"]);
        assert!(q.matches(yes.iter().map(String::as_str)));
        let no = folded(&["Vietnam"]);
        assert!(!q.matches(no.iter().map(String::as_str)));
        let split = folded(&["Viet", "Nam"]);
        assert!(q.matches(split.iter().map(String::as_str)));
        let accents = folded(&["Coopération"]);
        assert!(
            TextQuery::new("coopera")
                .unwrap()
                .matches(accents.iter().map(String::as_str))
        );
        assert!(TextQuery::new(" -- ").is_none());
    }

    #[test]
    fn exact_fields_and_weights_rank_higher() {
        let q = TextQuery::new("viet nam").unwrap();
        let exact = [("viet nam", 1)];
        let inside = [("in viet nam", 1)];
        assert!(q.score(exact.into_iter()) > q.score(inside.into_iter()));
        assert!(q.score([("in viet nam", 3)].into_iter()) > q.score(inside.into_iter()));
        assert_eq!(q.score([("viet", 1)].into_iter()), 0);
    }
}
