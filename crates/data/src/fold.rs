//! Text folded for matching and sorting: case and diacritics ignored.

/// Folds text to lower-case ASCII words separated by single spaces: "Viet Nam"
/// and "viêt-nam" both fold to "viet nam".
pub fn fold(text: &str) -> String {
    let ascii = deunicode::deunicode(text).to_lowercase();
    let mut out = String::with_capacity(ascii.len());
    for word in ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}
