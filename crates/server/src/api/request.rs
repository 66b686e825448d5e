//! A request on its way in: the dataset it reads, its limits checked and its
//! document parsed (once per query text), before the schema runs it.

use std::sync::Arc;

use async_graphql::parser::types::{ExecutableDocument, OperationType};
use coopgraph_data::Store;
use serde_json::json;

use super::limits;
use crate::error::{Code, Refusal};

/// The dataset one request reads from, from its start to its end.
#[derive(Clone)]
pub struct Snapshot(pub Arc<Store>);

/// Parsed documents that passed the [`limits`], by query text: a query sent
/// again is neither parsed nor checked again.
pub struct Documents(quick_cache::sync::Cache<String, Arc<ExecutableDocument>>);

impl Documents {
    /// A cache of up to `capacity` documents.
    pub fn new(capacity: usize) -> Self {
        Self(quick_cache::sync::Cache::new(capacity.max(1)))
    }

    /// The parsed document of a query text, if it was prepared.
    pub fn get(&self, query: &str) -> Option<Arc<ExecutableDocument>> {
        self.0.get(query)
    }
}

impl Default for Documents {
    /// Room for 1,000 documents, more than a dashboard's or an app's queries.
    fn default() -> Self {
        Self::new(1000)
    }
}

/// What kind of operation a request runs: GET may run only queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// A query, or no operation the document holds (left for the schema to
    /// report).
    Query,
    /// A mutation or a subscription.
    Other,
}

/// Checks a request against the [`limits`] and parses it, so that the schema
/// runs a document already known to be affordable; documents come from
/// `documents` when they can (see [`reuse`]). A request over a limit or that is not GraphQL is
/// refused here, before anything else runs.
pub fn prepare(
    request: &mut async_graphql::Request,
    documents: &Documents,
) -> Result<Operation, Refusal> {
    let doc = match documents.0.get(&request.query) {
        // Given to the request only if the reference executor runs it
        // ([`reuse`]): a compiled plan needs no copy.
        Some(doc) => doc,
        None => {
            limits::check_text(&request.query).map_err(over_limit)?;
            let doc = request.parsed_query().map_err(|e| {
                let mut error =
                    serde_json::to_value(&e).unwrap_or_else(|_| json!({ "message": e.message }));
                error["message"] = json!(readable_syntax_error(&e.message, &e.locations));
                Refusal::with_errors(Code::GraphqlParseFailed, vec![error])
            })?;
            limits::check_document(doc).map_err(over_limit)?;
            let doc = Arc::new(doc.clone());
            documents.0.insert(request.query.clone(), doc.clone());
            doc
        }
    };
    let mut ops = doc.operations.iter();
    let selected = match &request.operation_name {
        Some(name) => ops.find(|(n, _)| n.is_some_and(|n| n.as_str() == name)),
        None => ops.next(),
    };
    // A variable the request leaves out takes its default, as the specification
    // says; async-graphql's executor applies defaults to arguments but not to
    // `@skip`/`@include`, which would skip a field whose condition defaults to true.
    if let Some((_, op)) = selected {
        for def in &op.node.variable_definitions {
            let (name, default) = (&def.node.name.node, &def.node.default_value);
            if let (Some(default), None) = (default, request.variables.get(name)) {
                request.variables.insert(name.clone(), default.node.clone());
            }
        }
    }
    Ok(match selected {
        Some((_, op)) if op.node.ty != OperationType::Query => Operation::Other,
        _ => Operation::Query,
    })
}

/// Gives a request the document [`prepare`] parsed for its query text, so that
/// the schema does not parse it again.
pub fn reuse(request: &mut async_graphql::Request, doc: &ExecutableDocument) {
    request.set_parsed_query(doc.clone());
}

fn over_limit(message: String) -> Refusal {
    Refusal::new(Code::LimitExceeded, message)
}

/// A request for `query` against `store`, ready to run on [`schema`].
pub fn request(
    query: impl Into<async_graphql::Request>,
    store: Arc<Store>,
) -> async_graphql::Request {
    query.into().data(Snapshot(store))
}

/// The parser's message as one sentence: "Syntax error at line 1, column 21:
/// expected selection." rather than its drawing of the line.
fn readable_syntax_error(message: &str, locations: &[async_graphql::Pos]) -> String {
    let expected = message
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("= "))
        .unwrap_or_else(|| message.lines().next().unwrap_or(message).trim());
    match locations.first() {
        Some(at) => format!(
            "Syntax error at line {}, column {}: {expected}.",
            at.line, at.column
        ),
        None => format!("Syntax error: {expected}."),
    }
}

#[cfg(test)]
mod tests {
    use super::readable_syntax_error;

    #[test]
    fn syntax_errors_read_as_one_sentence() {
        let raw = " --> 1:21\n  |\n1 | { countries { code }\n  |                     ^---\n  |\n  = expected selection";
        let at = [async_graphql::Pos {
            line: 1,
            column: 21,
        }];
        assert_eq!(
            readable_syntax_error(raw, &at),
            "Syntax error at line 1, column 21: expected selection."
        );
    }
}
