//! Text matching that ignores case and diacritics: "viet nam" finds "Viet Nam",
//! "cooperacion" finds "Cooperación".

pub use coopgraph_data::fold;

/// A folded query: the words a text must contain.
#[derive(Debug, Clone)]
pub struct Query {
    words: Vec<String>,
}

impl Query {
    /// Folds a query; `None` when it has no words to look for.
    pub fn new(text: &str) -> Option<Self> {
        let folded = fold(text);
        let words: Vec<String> = folded
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        (!words.is_empty()).then_some(Self { words })
    }

    /// Whether every word of the query starts a word of one of `fields`.
    pub fn matches<'a>(&self, fields: impl IntoIterator<Item = &'a str> + Clone) -> bool {
        self.words.iter().all(|w| {
            fields
                .clone()
                .into_iter()
                .any(|f| starts_a_word(&fold(f), w))
        })
    }

    /// How well `fields` (each with a weight) match: the weights of the fields each
    /// word starts a word in, doubled when a field is the query exactly. Zero when
    /// some word is found nowhere.
    pub fn score(&self, fields: &[(&str, u32)]) -> u32 {
        let folded: Vec<(String, u32)> = fields.iter().map(|(f, w)| (fold(f), *w)).collect();
        let whole = self.words.join(" ");
        let mut total = 0;
        for word in &self.words {
            let hit: u32 = folded
                .iter()
                .filter(|(f, _)| starts_a_word(f, word))
                .map(|(_, w)| *w)
                .sum();
            if hit == 0 {
                return 0;
            }
            total += hit;
        }
        total
            + folded
                .iter()
                .filter(|(f, _)| *f == whole)
                .map(|(_, w)| 2 * w)
                .sum::<u32>()
    }
}

fn starts_a_word(folded: &str, word: &str) -> bool {
    folded.split(' ').any(|w| w.starts_with(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_and_matching() {
        assert_eq!(fold("  Coopération—Viet Nam! "), "cooperation viet nam");
        let q = Query::new("viet NAM").unwrap();
        assert!(q.matches(["Cambodia and Viet Nam"]));
        assert!(!q.matches(["Vietnam"]));
        assert!(Query::new("coopera").unwrap().matches(["Coopération"]));
        assert!(Query::new(" -- ").is_none());
        assert!(q.score(&[("Viet Nam", 1)]) > q.score(&[("in Viet Nam", 1)]));
        assert_eq!(q.score(&[("Viet", 1)]), 0);
    }
}
