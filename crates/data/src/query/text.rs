//! Text matching that ignores case and diacritics: "viet nam" finds "Viet Nam",
//! "cooperacion" finds "Cooperación". The query is folded once; the text it is
//! matched against is either ASCII, matched ignoring case, or was folded at load.

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

    /// Whether every word of the query starts a word of one of `fields` (each
    /// ASCII or folded).
    pub fn matches<'a>(&self, fields: impl Iterator<Item = &'a str> + Clone) -> bool {
        self.words
            .iter()
            .all(|w| fields.clone().any(|f| starts_a_word(f, w)))
    }

    /// How well `fields` (each ASCII or folded, with a weight) match: the weights of the
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
                .filter(|(f, _)| same_words(f, &self.whole))
                .map(|(_, w)| 2 * u32::from(w))
                .sum::<u32>()
    }
}

/// Whether folded `word` starts a word of `field`, an ASCII or folded text:
/// words are runs of ASCII letters and digits, compared ignoring case, as
/// [`fold`] would leave them.
fn starts_a_word(field: &str, word: &str) -> bool {
    let (field, word) = (field.as_bytes(), word.as_bytes());
    let Some(&first) = word.first() else {
        return true;
    };
    let at = |i: usize| {
        (i == 0 || !field[i - 1].is_ascii_alphanumeric())
            && field[i..]
                .get(..word.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(word))
    };
    let upper = first.to_ascii_uppercase();
    if upper == first {
        memchr::memchr_iter(first, field).any(at)
    } else {
        memchr::memchr2_iter(first, upper, field).any(at)
    }
}

/// Whether `field`, an ASCII or folded text, folds to `whole`.
fn same_words(field: &str, whole: &str) -> bool {
    let mut words = field
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty());
    whole
        .split(' ')
        .all(|w| words.next().is_some_and(|f| f.eq_ignore_ascii_case(w)))
        && words.next().is_none()
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

    /// What a field is matched as: itself when ASCII, else its folded copy.
    fn kept(field: &str) -> String {
        if field.is_ascii() {
            field.to_owned()
        } else {
            fold(field)
        }
    }

    #[test]
    fn ascii_fields_match_as_if_folded() {
        let q = TextQuery::new("viet nam").unwrap();
        assert!(q.matches(["Cambodia and VIET-NAM."].into_iter()));
        assert!(!q.matches(["Cambodia and Vietnam"].into_iter()));
        assert!(!q.matches(["Soviet Nam"].into_iter()));
        assert!(
            q.score([("Viet  Nam!", 1)].into_iter()) > q.score([("in Viet Nam", 1)].into_iter())
        );
        assert_eq!(
            q.score([("Viet Nam", 1)].into_iter()),
            q.score([("viet nam", 1)].into_iter())
        );
        assert!(
            TextQuery::new("2008")
                .unwrap()
                .matches(["ILO/Japan (2008-2012)"].into_iter())
        );
    }

    proptest::proptest! {
        /// Matching a field kept as it is (ASCII) or folded (not ASCII) finds
        /// and ranks exactly what matching its folded copy would.
        #[test]
        fn kept_fields_match_like_folded_ones(
            field in "[a-cA-C0-9 .,éÉß-]{0,12}",
            query in "[a-cA-C0-9 éß]{1,6}",
        ) {
            if let Some(q) = TextQuery::new(&query) {
                let (kept, folded) = (kept(&field), fold(&field));
                let by_words = q.words.iter().all(|w| folded.split(' ').any(|f| f.starts_with(w.as_str())));
                proptest::prop_assert_eq!(q.matches([kept.as_str()].into_iter()), by_words);
                proptest::prop_assert_eq!(
                    q.matches([kept.as_str()].into_iter()),
                    q.matches([folded.as_str()].into_iter())
                );
                proptest::prop_assert_eq!(
                    q.score([(kept.as_str(), 1)].into_iter()),
                    q.score([(folded.as_str(), 1)].into_iter())
                );
            }
        }
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
