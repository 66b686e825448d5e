use std::sync::Arc;

use coopgraph::api::{self, Lookups};
use serde_json::{Value, json};

use crate::{spawn_app, store};

#[test]
fn schema_graphql_is_what_the_server_serves() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema.graphql");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let served = api::sdl();
    assert!(
        committed == served,
        "schema.graphql differs from the schema the server serves; update it with\n\n    cargo run -- schema > schema.graphql\n\nand review the diff"
    );
}

#[tokio::test]
async fn every_type_field_argument_and_value_has_a_description() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{ __schema { types {
                  name kind description
                  fields { name description args { name description } }
                  inputFields { name description }
                  enumValues { name description }
                } } }"#,
            json!({}),
        )
        .await;
    let builtin = ["String", "Int", "Float", "Boolean", "ID"];
    // Apollo Federation's own types and fields (`_Service`, `_entities`…) are the
    // federation specification's, named and described there.
    let federation = |name: &str| name.starts_with('_') && !name.starts_with("__");
    let mut missing = Vec::new();
    let blank = |v: &Value| v.as_str().is_none_or(|s| s.trim().is_empty());
    for t in data["__schema"]["types"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        if name.starts_with("__") || builtin.contains(&name) || federation(name) {
            continue;
        }
        if blank(&t["description"]) {
            missing.push(name.to_owned());
        }
        for f in t["fields"].as_array().into_iter().flatten() {
            if federation(f["name"].as_str().unwrap_or("")) {
                continue;
            }
            if blank(&f["description"]) {
                missing.push(format!("{name}.{}", f["name"]));
            }
            for a in f["args"].as_array().into_iter().flatten() {
                if blank(&a["description"]) {
                    missing.push(format!("{name}.{}({})", f["name"], a["name"]));
                }
            }
        }
        for key in ["inputFields", "enumValues"] {
            for f in t[key].as_array().into_iter().flatten() {
                if blank(&f["description"]) {
                    missing.push(format!("{name}.{}", f["name"]));
                }
            }
        }
    }
    assert!(missing.is_empty(), "no description: {missing:#?}");
}

/// Runs `query` on the schema directly and counts its store calls.
async fn lookups(query: &str) -> (usize, Value) {
    let counter = Arc::new(Lookups::default());
    let request = api::request(query, store()).data(counter.clone());
    let response = api::schema().execute(request).await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    (counter.get(), response.data.into_json().unwrap())
}

#[tokio::test]
async fn nested_levels_cost_one_store_call_each() {
    let query = r#"{ donors(first: 20) { nodes { name programmes(first: 10) { nodes { name projects(first: 10) {
                     nodes { title activities(first: 10) { nodes { description } } } } } } } } }"#;
    let (calls, data) = lookups(query).await;
    let donors = data["donors"]["nodes"].as_array().unwrap();
    let programmes: usize = donors
        .iter()
        .map(|d| d["programmes"]["nodes"].as_array().unwrap().len())
        .sum();
    assert!(donors.len() > 5 && programmes > 3, "the query fans out");
    assert_eq!(
        calls, 4,
        "donors, programmes, projects, activities: one call per level"
    );

    // More fields per level are more relations, not more calls per parent.
    let wider = r#"{ donors(first: 20) { nodes { parent { name } programmes(first: 10) { nodes { donors { name }
                     projects(first: 10) { nodes { countries { code } programme { name }
                     activities(first: 10) { nodes { project { slug } } } } } } } } } }"#;
    let (calls, _) = lookups(wider).await;
    assert_eq!(calls, 1 + 2 + 2 + 3 + 1);
}

/// The schema is an Apollo Federation v2 subgraph: `_service { sdl }` links the
/// federation specification and keys every `Node` type by `id`, and `_entities`
/// resolves representations, null for an id that names nothing.
#[tokio::test]
async fn the_schema_is_a_federation_subgraph() {
    let app = spawn_app().await;
    let data = app.data("{ _service { sdl } }", json!({})).await;
    let sdl = data["_service"]["sdl"].as_str().unwrap();
    assert!(
        sdl.contains("@link(") && sdl.contains("specs.apollo.dev/federation/v2"),
        "{sdl:.300}"
    );
    for node in [
        "Organisation",
        "Programme",
        "Project",
        "Activity",
        "Contribution",
        "Country",
    ] {
        let keyed = format!("type {node} implements Node @key(fields: \"id\")");
        assert!(sdl.contains(&keyed), "{node} has no @key");
    }
    let ids = app
        .data(
            r#"{ project(slug: "timor-leste-stage") { id } organisation(slug: "ilo") { id } country(code: "TL") { id } }"#,
            json!({}),
        )
        .await;
    let representations = json!([
        { "__typename": "Project", "id": ids["project"]["id"] },
        { "__typename": "Organisation", "id": ids["organisation"]["id"] },
        { "__typename": "Country", "id": ids["country"]["id"] },
        { "__typename": "Project", "id": ids["organisation"]["id"] },
    ]);
    let data = app
        .data(
            r#"query ($r: [_Any!]!) { _entities(representations: $r) {
                ... on Project { acronym } ... on Organisation { acronym } ... on Country { name } } }"#,
            json!({ "r": representations }),
        )
        .await;
    assert_eq!(
        data["_entities"],
        json!([{ "acronym": "STAGE" }, { "acronym": "ILO" }, { "name": "Timor-Leste" }, null])
    );
}
