//! The compiled execution path. async-graphql parses, validates and prices a
//! document and answers introspection; for the part of the schema the planner
//! knows, each (document, operation) is compiled once into a [`Plan`](compile::Plan)
//! that runs synchronously over the store, level by level with one store call
//! per relation, and writes the JSON response straight into one buffer: no
//! `Value` tree, no future per field.
//!
//! async-graphql's executor stays the reference. A document runs there first,
//! which validates it; later requests run the plan. Whatever the plan does not
//! answer exactly as the reference would — an operation outside the planned
//! fields, an argument that does not parse, a query error, the complexity limit
//! — goes to the reference executor, which gives the error the client would
//! have got anyway. `tests/e2e/differential.rs` holds the two paths to identical
//! bytes.

mod compile;
mod run;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_graphql::parser::types::ExecutableDocument;
use axum::body::Bytes;
use coopgraph_data::Store;

use super::Deadline;

/// Compiled plans by query text and operation name.
pub struct Plans(quick_cache::sync::Cache<(String, Option<String>), Arc<Entry>>);

struct Entry {
    plan: Result<compile::Plan, compile::Unsupported>,
    /// A constant plan's answer, once the reference executor has given it.
    answer: std::sync::OnceLock<Bytes>,
    /// Whether the reference executor has answered the document without error.
    validated: AtomicBool,
    /// Whether the reason it is not planned has been logged.
    reported: AtomicBool,
}

/// What the planner made of a request.
#[derive(Debug)]
pub enum Planned {
    /// The compiled path answered: the response body, `{"data":…}`.
    Answer(Bytes),
    /// The request ran past its deadline.
    Expired,
    /// The reference executor answers: why, the first time a document cannot be
    /// planned (for the log), else `None`.
    Reference(Option<String>),
}

impl Default for Plans {
    /// Room for as many plans as the document cache holds documents.
    fn default() -> Self {
        Self::new(1000)
    }
}

impl Plans {
    /// A cache of up to `capacity` plans.
    pub fn new(capacity: usize) -> Self {
        Self(quick_cache::sync::Cache::new(capacity.max(1)))
    }

    /// Runs `request`, whose parsed document is `doc`, on the compiled path if
    /// it can.
    pub fn run(
        &self,
        doc: &ExecutableDocument,
        request: &async_graphql::Request,
        store: &Store,
        deadline: &Deadline,
    ) -> Planned {
        let vars = &request.variables;
        let found = self
            .0
            .get(&Borrowed(&request.query, request.operation_name.as_deref()));
        let entry = match found {
            Some(e) if same_conditions(&e, vars) => e,
            old => {
                let validated = old.is_some_and(|e| e.validated.load(Ordering::Relaxed));
                let e = Arc::new(Entry {
                    plan: compile::compile(doc, request.operation_name.as_deref(), vars),
                    answer: std::sync::OnceLock::new(),
                    validated: AtomicBool::new(validated),
                    reported: AtomicBool::new(false),
                });
                let key = (request.query.clone(), request.operation_name.clone());
                self.0.insert(key, e.clone());
                e
            }
        };
        let plan = match &entry.plan {
            Ok(plan) => plan,
            Err(why) => {
                let first = !entry.reported.swap(true, Ordering::Relaxed);
                return Planned::Reference(first.then(|| why.clone()));
            }
        };
        if !entry.validated.load(Ordering::Relaxed) {
            return Planned::Reference(None);
        }
        if plan.constant {
            return match entry.answer.get() {
                Some(body) => Planned::Answer(body.clone()),
                None => Planned::Reference(None),
            };
        }
        let run = run::Run {
            plan,
            vars,
            store,
            deadline,
            lookups: None,
        };
        match run.execute() {
            Ok(body) => Planned::Answer(body.into()),
            Err(run::Stop::Expired) => Planned::Expired,
            Err(run::Stop::Reference(why)) => {
                tracing::debug!(why, "the reference executor answers this request");
                Planned::Reference(None)
            }
        }
    }

    /// Notes that the reference executor answered this document with `body`
    /// and no error, so that it passed validation: from now on its plan may run
    /// (or, for a constant plan, this answer be given again).
    pub fn validated(&self, query: &str, operation: Option<&str>, body: &Bytes) {
        if let Some(e) = self.0.get(&Borrowed(query, operation)) {
            e.validated.store(true, Ordering::Relaxed);
            if e.plan.as_ref().is_ok_and(|p| p.constant) {
                let _ = e.answer.set(body.clone());
            }
        }
    }
}

/// A plan's key, borrowed for look-ups: hashed as the owned key is.
#[derive(Hash)]
struct Borrowed<'a>(&'a str, Option<&'a str>);

impl quick_cache::Equivalent<(String, Option<String>)> for Borrowed<'_> {
    fn equivalent(&self, key: &(String, Option<String>)) -> bool {
        self.0 == key.0 && self.1 == key.1.as_deref()
    }
}

/// Whether a plan was built for the `@skip`/`@include` values `vars` give.
fn same_conditions(e: &Entry, vars: &async_graphql::Variables) -> bool {
    let Ok(plan) = &e.plan else { return true };
    plan.conditions.iter().all(|(name, value)| {
        let now = vars.get(name).or_else(|| plan.defaults.get(name));
        now == Some(&async_graphql::Value::Boolean(*value))
    })
}

/// A request answered by both executors, for the differential tests.
pub struct Both {
    /// The reference executor's response.
    pub reference: async_graphql::Response,
    /// The plan's answer, or why there is none (not planned, or left to the
    /// reference executor at run time).
    pub compiled: Result<Vec<u8>, String>,
    /// The store calls each made.
    pub lookups: (usize, usize),
}

/// Runs a request through both executors on `store`, as the server would after
/// the request's limits were checked; `None` when the limits refuse it.
pub async fn both(
    store: Arc<Store>,
    query: &str,
    operation: Option<&str>,
    variables: serde_json::Value,
) -> Option<Both> {
    let make = || {
        let mut r = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables.clone()));
        if let Some(op) = operation {
            r = r.operation_name(op);
        }
        r
    };
    let documents = super::Documents::default();
    let mut planned = make();
    super::prepare(&mut planned, &documents).ok()?;
    let doc = documents.get(query)?;
    static SCHEMA: std::sync::OnceLock<super::CoopSchema> = std::sync::OnceLock::new();
    let schema = SCHEMA.get_or_init(super::schema);
    let mut reference = make();
    super::prepare(&mut reference, &documents).ok()?;
    let counted = Arc::new(super::Lookups::default());
    let reference = super::request(reference, store.clone()).data(counted.clone());
    let reference = schema.execute(reference).await;
    let planned_lookups = super::Lookups::default();
    // The server runs a plan only for a document the reference has validated.
    if !reference.errors.is_empty() && reference.errors.iter().all(|e| e.path.is_empty()) {
        let compiled = Err("the document did not validate".to_owned());
        return Some(Both {
            reference,
            compiled,
            lookups: (counted.get(), 0),
        });
    }
    let deadline = Deadline::after(std::time::Duration::from_secs(60));
    let compiled = compile::compile(&doc, operation, &planned.variables).and_then(|plan| {
        if plan.constant {
            return Err("a constant plan gives the reference's own answer".to_owned());
        }
        let run = run::Run {
            plan: &plan,
            vars: &planned.variables,
            store: &store,
            deadline: &deadline,
            lookups: Some(&planned_lookups),
        };
        run.execute().map_err(|stop| format!("{stop:?}"))
    });
    Some(Both {
        reference,
        compiled,
        lookups: (counted.get(), planned_lookups.get()),
    })
}
