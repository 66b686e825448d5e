//! The execution path without HTTP: limits, parsing, validation and resolution of
//! representative queries, on the real dataset and on a generated one.
//!
//! `cargo bench -p coopgraph --bench execute`; results in BENCHMARKS.md. The
//! sizes default to the real dataset and 10k activities; set
//! `COOPGRAPH_BENCH_SIZES=seed,10000,100000,1000000` for more. Before timing, each
//! size checks that the nested donor query makes one store call per level.

use std::sync::Arc;

use coopgraph::api;
use coopgraph_data::Store;
use criterion::{Criterion, criterion_main};

const QUERIES: [(&str, &str); 6] = [
    ("tiny", r#"{ project(slug: "project-1") { title } }"#),
    (
        "page of 100",
        "{ projects(first: 100) { nodes { slug title period { start end } budget { amount currency } } } }",
    ),
    (
        "nested donors",
        "{ donors(first: 20) { nodes { name programmes(first: 10) { nodes { name projects(first: 10) { nodes { title activities(first: 10) { nodes { position description } } } } } } } } }",
    ),
    (
        "filtered page",
        r#"{ projects(first: 20, filter: { country: ["VN"], activeIn: 2005 }) { totalCount nodes { slug title } } }"#,
    ),
    (
        "funding summary",
        "{ fundingSummary(groupBy: COUNTRY) { key label totals { amount currency } projectCount } }",
    ),
    (
        "introspection",
        include_str!("../../../tests/e2e/introspection.graphql"),
    ),
];

/// Counts the store calls of the nested donor query, which has four levels.
fn store_calls(
    runtime: &tokio::runtime::Runtime,
    schema: &api::CoopSchema,
    store: &Arc<Store>,
) -> usize {
    let counter = Arc::new(api::Lookups::default());
    let request = api::request(QUERIES[2].1, store.clone()).data(counter.clone());
    let response = runtime.block_on(schema.execute(request));
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    counter.get()
}

fn dataset(activities: Option<usize>) -> Arc<Store> {
    let dir = match activities {
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data"),
        Some(n) => {
            let dir = std::env::temp_dir().join(format!("coopgraph-bench-{n}"));
            std::fs::create_dir_all(&dir).unwrap();
            coopgraph_data::generate(n, 1, &dir).unwrap();
            dir
        }
    };
    Arc::new(coopgraph_data::load(&dir).unwrap_or_else(|p| panic!("{p}")))
}

fn execute(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let schema = api::schema();
    let documents = api::Documents::default();
    let sizes = std::env::var("COOPGRAPH_BENCH_SIZES").unwrap_or_else(|_| "seed,10000".into());
    for size in sizes.split(',') {
        let store = dataset(size.parse().ok());
        let calls = store_calls(&runtime, &schema, &store);
        eprintln!("{size}: the nested donor query made {calls} store calls for its 4 levels");
        assert_eq!(calls, 4, "one store call per level");
        let mut group = c.benchmark_group(format!("execute/{size}"));
        for (name, query) in QUERIES {
            group.bench_function(name, |b| {
                b.to_async(&runtime).iter(|| async {
                    let mut request = async_graphql::Request::new(query);
                    api::prepare(&mut request, &documents).unwrap();
                    let response = schema.execute(api::request(request, store.clone())).await;
                    assert!(response.errors.is_empty(), "{:?}", response.errors);
                    serde_json::to_vec(&response).unwrap()
                })
            });
        }
        group.finish();
    }
}

// The harness's generated functions carry no docs of their own.
#[allow(missing_docs)]
mod harness {
    use criterion::criterion_group;
    criterion_group!(benches, super::execute);
}

criterion_main!(harness::benches);
