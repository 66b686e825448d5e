//! The compiled execution path against async-graphql's executor, the reference:
//! every query an end-to-end test sends through [`App::post`](crate::App::post)
//! is run through both here too, and a generator of valid queries over the
//! whole schema adds more. Where the plan answers, its bytes must be the
//! reference's; where the reference reports an error, the plan must not answer.

use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use crate::store;

/// How many requests the plan answered, and how many it left to the reference.
static PLANNED: AtomicUsize = AtomicUsize::new(0);
static LEFT: AtomicUsize = AtomicUsize::new(0);

/// Runs a request body (one operation, or a batch) through both executors.
pub async fn check(body: &Value) {
    match body {
        Value::Array(items) => {
            for item in items {
                Box::pin(check(item)).await;
            }
        }
        Value::Object(o) => {
            let Some(query) = o.get("query").and_then(Value::as_str) else {
                return;
            };
            let op = o.get("operationName").and_then(Value::as_str);
            let vars = o.get("variables").cloned().unwrap_or(Value::Null);
            let vars = if vars.is_object() { vars } else { json!({}) };
            compare(query, op, vars).await;
        }
        _ => {}
    }
}

/// Runs one request through both executors and compares; answers whether the
/// plan answered.
pub async fn compare(query: &str, op: Option<&str>, vars: Value) -> bool {
    let Some(both) = coopgraph::api::both(store(), query, op, vars.clone()).await else {
        return false;
    };
    let reference = serde_json::to_vec(&both.reference).unwrap();
    match both.compiled {
        Ok(compiled) => {
            assert!(
                both.reference.errors.is_empty(),
                "the plan answered where the reference reports errors\nquery: {query}\nvariables: {vars}\nreference: {}\nplan: {}",
                String::from_utf8_lossy(&reference),
                String::from_utf8_lossy(&compiled)
            );
            assert_eq!(
                String::from_utf8_lossy(&compiled),
                String::from_utf8_lossy(&reference),
                "\nquery: {query}\nvariables: {vars}"
            );
            PLANNED.fetch_add(1, Ordering::Relaxed);
            true
        }
        Err(_) => {
            LEFT.fetch_add(1, Ordering::Relaxed);
            false
        }
    }
}

const NESTED: &str = "{ donors(first: 20) { nodes { name programmes(first: 10) { nodes { name \
    projects(first: 10) { nodes { title activities(first: 10) { nodes { position description } } } } } } } } }";

/// Queries the plan must answer, each with its variables: the benchmark's mix
/// and what GraphQL lets a client write around it.
fn planned() -> Vec<(&'static str, Value)> {
    vec![
        (NESTED, json!({})),
        (
            r#"{ project(slug: "timor-leste-stage") { title acronym } }"#,
            json!({}),
        ),
        (
            r#"{ project(slug: "no-such-project") { title } }"#,
            json!({}),
        ),
        (
            "{ projects(first: 100) { totalCount pageInfo { endCursor hasNextPage } \
             nodes { slug title acronym period { start end } budget { amount currency } } } }",
            json!({}),
        ),
        (
            "{ projects(first: 100) { nodes { slug title countries { code name } \
             participants { role organisation { name } } \
             activities(first: 10) { nodes { position description } } } } }",
            json!({}),
        ),
        (
            "query Filtered($country: [CountryCode!], $year: Int, $first: Int, $after: String) \
             { projects(first: $first, after: $after, filter: { country: $country, activeIn: $year }) \
             { totalCount pageInfo { endCursor hasNextPage } nodes { slug title period { start end } } } }",
            json!({ "country": ["KH"], "year": 2004, "first": 2 }),
        ),
        (
            "query Q($skip: Boolean!, $with: Boolean = true) { a: projects(last: 3, orderBy: { field: START, direction: DESC }) { \
             __typename edges { __typename cursor node { ...P id } } pageInfo { __typename hasPreviousPage startCursor } } \
             organisations { nodes { id slug acronym description __typename ... on Node { id } \
             programmes(role: FUNDING) { totalCount nodes { slug name period { startYear endYear } \
             participants { role organisation { slug } } } } projects @skip(if: $skip) { totalCount } } } \
             programmes(first: 2) @include(if: $with) { nodes { projects { nodes { objective } } } } } \
             fragment P on Project { slug title slug budget { approximate text } countries { id } }",
            json!({ "skip": false }),
        ),
        (
            "query C($after: String) { contributions(first: 5, after: $after, orderBy: { field: DATE, direction: DESC }) { \
             totalCount pageInfo { endCursor } edges { cursor node { __typename id slug kind date valueDate perYear share \
             description amount { amount currency approximate text } equivalent { amount currency } \
             period { start end } from { slug name } channel { slug } } } } \
             organisation(slug: \"japan\") { contributionsMade { totalCount nodes { slug } } } \
             project(slug: \"timor-leste-stage\") { contributionsReceived { nodes { slug amount { amount } } } } \
             programmes { nodes { contributionsReceived(last: 1) { nodes { kind } } } } }",
            json!({}),
        ),
        (
            "{ fundingSummary(groupBy: COUNTRY) { key label totals { amount currency } projectCount } }",
            json!({}),
        ),
        (
            "query S($g: SummaryGroup!, $c: CurrencyCode) { fundingSummary(groupBy: $g, measure: CONTRIBUTIONS, currency: $c) { \
             __typename key label recordCount converted { amount currency approximate text } \
             unconverted { amount currency } perYear { amount currency approximate } } \
             byDonor: fundingSummary(groupBy: DONOR, filter: { donor: [\"japan\"] }) { key totals { amount } } }",
            json!({ "g": "YEAR", "c": "USD" }),
        ),
        (
            "{ activities(first: 7, filter: { text: \"training\" }) { totalCount nodes { id slug position } } \
             donors(orderBy: { field: SLUG, direction: DESC }) { edges { cursor node { slug } } } }",
            json!({}),
        ),
    ]
}

#[tokio::test]
async fn the_plan_answers_what_the_reference_answers() {
    for (query, vars) in planned() {
        assert!(compare(query, None, vars).await, "not planned: {query}");
    }
}

/// The schema's types, read from its SDL, for the query generator.
mod generate {
    use std::collections::HashMap;

    use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};

    /// A field: its name, its arguments (name, type) and its named type.
    pub struct FieldDef {
        pub name: String,
        pub args: Vec<(String, Type)>,
        pub ty: String,
    }

    /// What the generator knows of each type.
    pub enum Def {
        Object(Vec<FieldDef>),
        Abstract(Vec<String>),
        Enum(Vec<String>),
        Leaf,
        Input,
    }

    pub struct Schema(pub HashMap<String, Def>);

    fn named(t: &Type) -> String {
        let mut b = &t.base;
        loop {
            match b {
                BaseType::Named(n) => return n.to_string(),
                BaseType::List(inner) => b = &inner.base,
            }
        }
    }

    impl Schema {
        pub fn read() -> Self {
            let doc = async_graphql::parser::parse_schema(coopgraph::api::sdl()).unwrap();
            let mut types = HashMap::new();
            let mut implementers: HashMap<String, Vec<String>> = HashMap::new();
            for def in doc.definitions {
                let TypeSystemDefinition::Type(t) = def else {
                    continue;
                };
                let name = t.node.name.node.to_string();
                let def = match t.node.kind {
                    TypeKind::Object(o) => {
                        for i in &o.implements {
                            implementers
                                .entry(i.node.to_string())
                                .or_default()
                                .push(name.clone());
                        }
                        Def::Object(
                            o.fields
                                .into_iter()
                                .map(|f| FieldDef {
                                    name: f.node.name.node.to_string(),
                                    args: f
                                        .node
                                        .arguments
                                        .iter()
                                        .map(|a| {
                                            (a.node.name.node.to_string(), a.node.ty.node.clone())
                                        })
                                        .collect(),
                                    ty: named(&f.node.ty.node),
                                })
                                .collect(),
                        )
                    }
                    TypeKind::Interface(_) => Def::Abstract(Vec::new()),
                    TypeKind::Union(u) => {
                        Def::Abstract(u.members.iter().map(|m| m.node.to_string()).collect())
                    }
                    TypeKind::Enum(e) => Def::Enum(
                        e.values
                            .iter()
                            .map(|v| v.node.value.node.to_string())
                            .collect(),
                    ),
                    TypeKind::Scalar => Def::Leaf,
                    TypeKind::InputObject(_) => Def::Input,
                };
                types.insert(name, def);
            }
            for (name, members) in implementers {
                types.insert(name, Def::Abstract(members));
            }
            for leaf in ["String", "Int", "Float", "Boolean", "ID"] {
                types.insert(leaf.to_owned(), Def::Leaf);
            }
            Self(types)
        }
    }

    /// A small deterministic generator, seeded by proptest.
    pub struct Rng(pub u64);

    impl Rng {
        pub fn below(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            ((z ^ (z >> 31)) % n.max(1) as u64) as usize
        }

        pub fn chance(&mut self, percent: usize) -> bool {
            self.below(100) < percent
        }

        pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[self.below(items.len())]
        }
    }

    /// Builds one valid query over the whole schema.
    pub struct Builder<'s> {
        pub schema: &'s Schema,
        pub rng: Rng,
        pub fragments: Vec<String>,
        pub uses_skip: bool,
    }

    /// Root fields the compiled path plans, picked more often.
    const PLANNED: [&str; 8] = [
        "donors",
        "organisations",
        "programmes",
        "projects",
        "activities",
        "project",
        "programme",
        "organisation",
    ];

    impl Builder<'_> {
        /// A required argument's value, or `None` when the generator cannot give one.
        fn value(&mut self, arg: &str, ty: &str) -> Option<String> {
            let slugs = [
                "\"timor-leste-stage\"",
                "\"japan\"",
                "\"un-trust-fund-for-human-security\"",
                "\"ilo\"",
                "\"indigenous-peoples-papua\"",
                "\"nothing-has-this-slug\"",
            ];
            Some(match (arg, ty) {
                (_, "Boolean") => "true".into(),
                (_, "Int") => (self.rng.below(4) + 1).to_string(),
                (_, "CountryCode") => self.rng.pick(&["\"VN\"", "\"KH\"", "\"JP\""]).to_string(),
                (_, "CurrencyCode") => self
                    .rng
                    .pick(&["\"USD\"", "\"CHF\"", "\"JPY\""])
                    .to_string(),
                ("id", "ID") => self
                    .rng
                    .pick(&[
                        "\"UHJvamVjdDp0aW1vci1sZXN0ZS1zdGFnZQ\"",
                        "\"T3JnYW5pc2F0aW9uOmphcGFu\"",
                        "\"x\"",
                    ])
                    .to_string(),
                ("ids", "ID") => "[\"UHJvamVjdDp0aW1vci1sZXN0ZS1zdGFnZQ\", \"x\"]".into(),
                (_, "String") | (_, "ID") => self.rng.pick(&slugs).to_string(),
                (_, t) => match self.schema.0.get(t) {
                    Some(Def::Enum(values)) => self.rng.pick(values).clone(),
                    _ => return None,
                },
            })
        }

        /// The arguments of a field, or `None` when one it needs cannot be given.
        fn args(&mut self, f: &super::generate::FieldDef) -> Option<String> {
            let mut out = Vec::new();
            let paged = f.ty.ends_with("Connection");
            for (name, ty) in &f.args {
                let required = !ty.nullable;
                let named = named(ty);
                if required {
                    out.push(format!("{name}: {}", self.value(name, &named)?));
                } else if paged && name == "first" && self.rng.chance(60) {
                    out.push(format!("first: {}", self.rng.below(4)));
                } else if paged && name == "last" && out.is_empty() && self.rng.chance(15) {
                    out.push(format!("last: {}", self.rng.below(3) + 1));
                } else if matches!(self.schema.0.get(&named), Some(Def::Enum(_)))
                    && self.rng.chance(20)
                {
                    out.push(format!("{name}: {}", self.value(name, &named)?));
                }
            }
            Some(if out.is_empty() {
                String::new()
            } else {
                format!("({})", out.join(", "))
            })
        }

        /// A selection set on `ty`.
        pub fn selection(&mut self, ty: &str, depth: usize) -> String {
            let mut parts = Vec::new();
            match self.schema.0.get(ty) {
                Some(Def::Object(fields)) => {
                    let n = 1 + self.rng.below(4);
                    let mut keys = Vec::new();
                    for i in 0..n {
                        let f = if ty == "Query" && self.rng.chance(70) {
                            let name = *self.rng.pick(&PLANNED);
                            fields.iter().find(|f| f.name == name).unwrap()
                        } else {
                            self.rng.pick(fields)
                        };
                        if f.name.starts_with('_') {
                            continue;
                        }
                        let Some(args) = self.args(f) else { continue };
                        let sub = match self.schema.0.get(&f.ty) {
                            Some(Def::Object(_) | Def::Abstract(_)) if depth >= 4 => continue,
                            Some(Def::Object(_) | Def::Abstract(_)) => {
                                format!(" {}", self.selection(&f.ty, depth + 1))
                            }
                            _ => String::new(),
                        };
                        // A response key once per selection, so that no two
                        // fields with different arguments must merge.
                        let alias = if self.rng.chance(15) || keys.contains(&f.name) {
                            format!("a{depth}x{i}: ")
                        } else {
                            keys.push(f.name.clone());
                            String::new()
                        };
                        let directive = match self.rng.below(12) {
                            0 => " @include(if: false)",
                            1 => " @skip(if: false)",
                            2 => {
                                self.uses_skip = true;
                                " @skip(if: $skip)"
                            }
                            _ => "",
                        };
                        parts.push(format!("{alias}{}{args}{directive}{sub}", f.name));
                    }
                    if self.rng.chance(20) {
                        parts.push("__typename".into());
                    }
                    if ty != "Query" && depth < 4 && self.rng.chance(15) {
                        let inner = self.selection(ty, depth + 1);
                        if self.rng.chance(50) {
                            parts.push(format!("... on {ty} {inner}"));
                        } else {
                            let name = format!("F{}", self.fragments.len());
                            self.fragments
                                .push(format!("fragment {name} on {ty} {inner}"));
                            parts.push(format!("...{name}"));
                        }
                    }
                }
                Some(Def::Abstract(members)) => {
                    parts.push("__typename".into());
                    if ty == "Node" && self.rng.chance(50) {
                        parts.push("id".into());
                    }
                    let members = members.clone();
                    for _ in 0..1 + self.rng.below(2) {
                        let m = self.rng.pick(&members).clone();
                        let inner = self.selection(&m, depth + 1);
                        parts.push(format!("... on {m} {inner}"));
                    }
                }
                _ => {}
            }
            if parts.is_empty() {
                parts.push("__typename".into());
            }
            format!("{{ {} }}", parts.join(" "))
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, ..Default::default() })]

    /// Valid queries over the whole schema: where the plan answers, it answers
    /// as the reference does.
    #[test]
    fn generated_queries_answer_alike(seed in proptest::prelude::any::<u64>(), skip in proptest::prelude::any::<bool>()) {
        static SCHEMA: std::sync::OnceLock<generate::Schema> = std::sync::OnceLock::new();
        let schema = SCHEMA.get_or_init(generate::Schema::read);
        let mut b = generate::Builder { schema, rng: generate::Rng(seed), fragments: Vec::new(), uses_skip: false };
        let body = b.selection("Query", 0);
        let head = if b.uses_skip { "query Q($skip: Boolean!) " } else { "" };
        let query = format!("{head}{body} {}", b.fragments.join(" "));
        let vars = if b.uses_skip { json!({ "skip": skip }) } else { json!({}) };
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(compare(&query, None, vars));
    }
}

#[test]
fn the_generator_reaches_the_compiled_path() {
    let schema = generate::Schema::read();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut planned = 0;
    for seed in 0..200 {
        let mut b = generate::Builder {
            schema: &schema,
            rng: generate::Rng(seed),
            fragments: Vec::new(),
            uses_skip: false,
        };
        let body = b.selection("Query", 0);
        let head = if b.uses_skip {
            "query Q($skip: Boolean!) "
        } else {
            ""
        };
        let query = format!("{head}{body} {}", b.fragments.join(" "));
        planned += usize::from(runtime.block_on(compare(&query, None, json!({ "skip": true }))));
    }
    assert!(
        planned >= 20,
        "the plan answered only {planned} of 200 generated queries"
    );
}

#[tokio::test]
async fn introspection_is_answered_once_and_kept() {
    let config = coopgraph::http::Config {
        cache_bytes: 0,
        ..Default::default()
    };
    let (app, _) = crate::spawn_with(config).await;
    let query = include_str!("introspection.graphql");
    let body = json!({ "query": query });
    let first = app.post(body.clone()).await;
    let second = app.post(body.clone()).await;
    assert_eq!(first.status, 200);
    assert!(first.body["data"]["__schema"]["types"].is_array());
    assert_eq!(first.body, second.body);
    // With variables, or beside data, it is the reference executor's every time.
    let typed = json!({ "query": "query ($n: String!) { __type(name: $n) { name } }", "variables": { "n": "Project" } });
    for _ in 0..2 {
        assert_eq!(
            app.post(typed.clone()).await.body["data"]["__type"]["name"],
            "Project"
        );
    }
    let text = app.metrics().await;
    assert!(
        text.contains("coopgraph_graphql_executions_total{executor=\"compiled\"} 1\n"),
        "{text}"
    );
}

#[tokio::test]
async fn the_plan_makes_one_store_call_per_level_as_the_reference_does() {
    let both = coopgraph::api::both(store(), NESTED, None, json!({}))
        .await
        .unwrap();
    assert!(both.compiled.is_ok(), "{:?}", both.compiled);
    assert_eq!(
        both.lookups,
        (4, 4),
        "store calls (reference, plan) for 4 levels"
    );
}
