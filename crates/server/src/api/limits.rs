//! What one request may ask, checked before the request is parsed or validated so
//! that a hostile document costs little: its text first (size, bracket nesting,
//! tokens), then its parsed form with fragments expanded (selections, directives,
//! fragment cycles). Depth and complexity — connections priced by their page size —
//! are left to the schema's own validation, which is safe once expansion is bounded.
//!
//! Every limit leaves room for the standard introspection query of GraphiQL and
//! code generators and for every query in the README.

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

/// The longest query text, in bytes.
pub const MAX_QUERY_BYTES: usize = 100_000;
/// The deepest nesting of `{`, `[` and `(` in a query text.
pub const MAX_NESTING: usize = 40;
/// The most tokens in a query text.
pub const MAX_TOKENS: usize = 10_000;
/// The most field selections once fragments are expanded; `__typename` counts.
pub const MAX_SELECTIONS: usize = 3_000;
/// The most directives in a document.
pub const MAX_DIRECTIVES: usize = 100;
/// The deepest field nesting of an operation.
pub const MAX_DEPTH: usize = 16;
/// The highest complexity of an operation: each field costs 1, and a connection
/// multiplies what is under it by its page size (`first` or `last`, 50 by default).
pub const MAX_COMPLEXITY: usize = 250_000;
/// The deepest nesting of lists and objects in variables.
pub const MAX_VARIABLE_NESTING: usize = 32;

/// Checks a query's text before it is parsed.
pub fn check_text(query: &str) -> Result<(), String> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(format!(
            "the query is {} bytes; at most {MAX_QUERY_BYTES} are accepted",
            query.len()
        ));
    }
    let mut depth = 0usize;
    let mut tokens = 0usize;
    let mut chars = query.chars().peekable();
    let mut in_word = false;
    while let Some(c) = chars.next() {
        let word = c.is_alphanumeric() || c == '_' || c == '.' || c == '-';
        if word {
            if !in_word {
                tokens += 1;
            }
            in_word = true;
            continue;
        }
        in_word = false;
        match c {
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' || c == '\r' {
                        break;
                    }
                }
            }
            '"' => {
                tokens += 1;
                skip_string(&mut chars);
            }
            '{' | '[' | '(' => {
                tokens += 1;
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(format!(
                        "the query nests brackets deeper than {MAX_NESTING}"
                    ));
                }
            }
            '}' | ']' | ')' => {
                tokens += 1;
                depth = depth.saturating_sub(1);
            }
            c if c.is_whitespace() || c == ',' => {}
            _ => tokens += 1,
        }
        if tokens > MAX_TOKENS {
            return Err(format!("the query has more than {MAX_TOKENS} tokens"));
        }
    }
    Ok(())
}

/// Skips a string or block string whose opening quote was just read.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    let block = chars.next_if_eq(&'"').is_some() && chars.next_if_eq(&'"').is_some();
    let mut quotes = 0;
    while let Some(c) = chars.next() {
        match c {
            '\\' if !block => {
                chars.next();
            }
            '"' if !block => return,
            '"' => {
                quotes += 1;
                if quotes == 3 {
                    return;
                }
                continue;
            }
            _ => {}
        }
        quotes = 0;
    }
}

/// Checks a parsed document: fragment cycles, and the selections and directives it
/// holds once every fragment spread is expanded.
pub fn check_document(doc: &ExecutableDocument) -> Result<(), String> {
    let mut sizes: HashMap<&str, Option<usize>> = HashMap::new();
    let mut total = 0usize;
    for (_, op) in doc.operations.iter() {
        total = total.saturating_add(selections(doc, &op.node.selection_set.node, &mut sizes)?);
    }
    if total > MAX_SELECTIONS {
        return Err(format!(
            "the document selects {total} fields once fragments are expanded; at most {MAX_SELECTIONS} are accepted"
        ));
    }
    let mut directives = 0usize;
    for (_, op) in doc.operations.iter() {
        directives += op.node.directives.len() + count_directives(&op.node.selection_set.node);
    }
    for f in doc.fragments.values() {
        directives += f.node.directives.len() + count_directives(&f.node.selection_set.node);
    }
    if directives > MAX_DIRECTIVES {
        return Err(format!(
            "the document holds {directives} directives; at most {MAX_DIRECTIVES} are accepted"
        ));
    }
    Ok(())
}

/// The number of field selections in a set with its fragments expanded. Each
/// fragment is sized once (`None` while it is being sized, to find cycles).
fn selections<'d>(
    doc: &'d ExecutableDocument,
    set: &'d SelectionSet,
    sizes: &mut HashMap<&'d str, Option<usize>>,
) -> Result<usize, String> {
    let mut n = 0usize;
    for item in &set.items {
        let size = match &item.node {
            Selection::Field(f) => {
                1usize.saturating_add(selections(doc, &f.node.selection_set.node, sizes)?)
            }
            Selection::InlineFragment(f) => selections(doc, &f.node.selection_set.node, sizes)?,
            Selection::FragmentSpread(s) => {
                let name = s.node.fragment_name.node.as_str();
                match sizes.get(name) {
                    Some(Some(size)) => *size,
                    Some(None) => return Err(format!("fragment `{name}` spreads itself")),
                    None => match doc.fragments.get(name) {
                        // An unknown fragment is the validator's to report.
                        None => 0,
                        Some(def) => {
                            sizes.insert(name, None);
                            let size = selections(doc, &def.node.selection_set.node, sizes)?;
                            sizes.insert(name, Some(size));
                            size
                        }
                    },
                }
            }
        };
        n = n.saturating_add(size);
        if n > MAX_SELECTIONS {
            return Err(format!(
                "the document selects more than {MAX_SELECTIONS} fields once fragments are expanded"
            ));
        }
    }
    Ok(n)
}

fn count_directives(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => {
                f.node.directives.len() + count_directives(&f.node.selection_set.node)
            }
            Selection::InlineFragment(f) => {
                f.node.directives.len() + count_directives(&f.node.selection_set.node)
            }
            Selection::FragmentSpread(s) => s.node.directives.len(),
        })
        .sum()
}

/// Checks how deeply variables nest lists and objects.
pub fn check_variables(v: &serde_json::Value) -> Result<(), String> {
    fn depth(v: &serde_json::Value) -> usize {
        match v {
            serde_json::Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
            serde_json::Value::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
            _ => 0,
        }
    }
    if depth(v) > MAX_VARIABLE_NESTING + 1 {
        return Err(format!(
            "variables nest deeper than {MAX_VARIABLE_NESTING} levels"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(q: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(q).unwrap()
    }

    #[test]
    fn text() {
        assert!(check_text("{ a(x: [[1]]) { b } }").is_ok());
        assert!(check_text(&"[".repeat(41)).is_err());
        assert!(
            check_text(&format!("{{ a(s: \"{}\") }}", "[".repeat(100))).is_ok(),
            "brackets in strings"
        );
        assert!(
            check_text(&format!("{{ a(s: \"\"\"{}\"\"\") }}", "{".repeat(100))).is_ok(),
            "block strings"
        );
        assert!(
            check_text(&format!("# {}\n{{ a }}", "(".repeat(100))).is_ok(),
            "comments"
        );
        assert!(check_text(&"a ".repeat(10_001)).is_err());
        assert!(check_text(&"x".repeat(MAX_QUERY_BYTES + 1)).is_err());
    }

    #[test]
    fn fragments() {
        let mut q = String::from("query { ...F0 } fragment F30 on Query { __typename }");
        for i in 0..30 {
            q.push_str(&format!(
                " fragment F{i} on Query {{ ...F{} ...F{} }}",
                i + 1,
                i + 1
            ));
        }
        let e = check_document(&doc(&q)).unwrap_err();
        assert!(e.contains("once fragments are expanded"), "{e}");
        let e = check_document(&doc(
            "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
        ))
        .unwrap_err();
        assert_eq!(e, "fragment `A` spreads itself");
        assert!(check_document(&doc("{ ...A ...A } fragment A on Query { a b }")).is_ok());
        let many = format!(
            "{{ {} }}",
            (0..3001)
                .map(|i| format!("a{i}: __typename"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        assert!(check_document(&doc(&many)).is_err());
        let directives = format!("{{ a {} }}", "@skip(if: false) ".repeat(101));
        assert!(check_document(&doc(&directives)).is_err());
    }

    #[test]
    fn variables() {
        let mut v = serde_json::json!(1);
        for _ in 0..40 {
            v = serde_json::json!([v]);
        }
        assert!(check_variables(&serde_json::json!({ "x": v })).is_err());
        assert!(check_variables(&serde_json::json!({ "x": [[1]] })).is_ok());
    }
}
