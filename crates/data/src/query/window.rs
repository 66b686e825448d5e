//! Page windows: which part of a list a page of `first`/`after`/`last`/`before`
//! covers, as Relay's connection specification says.

use std::ops::Range;

/// A page of a list: after and before positions (exclusive), and at most how
/// many records from the start or from the end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Window {
    /// Start after the record at this position.
    pub after: Option<usize>,
    /// End before the record at this position.
    pub before: Option<usize>,
    /// At most this many records from the start of what is left.
    pub first: Option<usize>,
    /// At most this many records from the end of what is left.
    pub last: Option<usize>,
}

impl Window {
    /// The part of a list of `total` records this window covers.
    pub fn range(&self, total: usize) -> Range<usize> {
        let mut start = self.after.map_or(0, |a| a + 1).min(total);
        let mut end = self.before.map_or(total, |b| b.min(total)).max(start);
        if let Some(f) = self.first {
            end = end.min(start + f);
        }
        if let Some(l) = self.last {
            start = start.max(end.saturating_sub(l));
        }
        start..end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(
        after: Option<usize>,
        before: Option<usize>,
        first: Option<usize>,
        last: Option<usize>,
        total: usize,
    ) -> Range<usize> {
        Window {
            after,
            before,
            first,
            last,
        }
        .range(total)
    }

    #[test]
    fn windows() {
        assert_eq!(check(None, None, Some(50), None, 120), 0..50);
        assert_eq!(check(None, None, Some(2), None, 5), 0..2);
        assert_eq!(check(Some(1), None, Some(2), None, 5), 2..4);
        assert_eq!(check(Some(3), None, Some(5), None, 5), 4..5);
        assert_eq!(check(None, None, None, Some(2), 5), 3..5);
        assert_eq!(check(None, Some(3), None, Some(2), 5), 1..3);
        assert_eq!(check(Some(9), None, None, None, 5), 5..5);
        assert_eq!(check(Some(3), Some(1), None, None, 5), 4..4);
        assert_eq!(check(None, None, None, None, 7), 0..7);
    }
}
