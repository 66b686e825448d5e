use serde_json::{Value, json};

use crate::spawn_app;

fn slugs(v: &Value) -> Vec<String> {
    v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["slug"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn pages_forwards_and_backwards_with_cursors() {
    let app = spawn_app().await;
    let query = r#"query ($first: Int, $after: String, $last: Int, $before: String) {
      projects(first: $first, after: $after, last: $last, before: $before) {
        totalCount
        edges { cursor node { slug } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }"#;
    let all = app.data(query, json!({})).await;
    let all_slugs = slugs(&all["projects"]);
    assert_eq!(all_slugs.len(), 12);
    assert_eq!(all["projects"]["totalCount"], 12);

    // Forwards, five at a time.
    let mut seen = Vec::new();
    let mut after = Value::Null;
    let mut pages = 0;
    loop {
        let page = app.data(query, json!({ "first": 5, "after": after })).await["projects"].clone();
        seen.extend(slugs(&page));
        pages += 1;
        assert_eq!(page["pageInfo"]["hasPreviousPage"], pages > 1);
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!((pages, &seen), (3, &all_slugs));

    // Backwards, five at a time.
    let mut seen = Vec::new();
    let mut before = Value::Null;
    loop {
        let page = app
            .data(query, json!({ "last": 5, "before": before }))
            .await["projects"]
            .clone();
        let mut s = slugs(&page);
        s.extend(seen);
        seen = s;
        if page["pageInfo"]["hasPreviousPage"] == false {
            break;
        }
        before = page["pageInfo"]["startCursor"].clone();
    }
    assert_eq!(seen, all_slugs);

    // An edge's cursor picks up right after that edge.
    let third = all["projects"]["edges"][2]["cursor"].clone();
    let rest = app.data(query, json!({ "first": 2, "after": third })).await;
    assert_eq!(slugs(&rest["projects"]), all_slugs[3..5]);
}

#[tokio::test]
async fn nested_connections_page_too() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{ project(slug: "indigenous-peoples-papua") {
                  activities(first: 2, after: "b2Zmc2V0OjA") { totalCount nodes { position } pageInfo { hasNextPage hasPreviousPage } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["project"]["activities"],
        json!({ "totalCount": 5, "nodes": [{ "position": 2 }, { "position": 3 }], "pageInfo": { "hasNextPage": true, "hasPreviousPage": true } })
    );
}

#[tokio::test]
async fn every_type_round_trips_through_node() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{
              organisations(first: 100) { nodes { id slug } }
              programmes(first: 100) { nodes { id slug } }
              projects(first: 100) { nodes { id slug } }
              activities(first: 100) { nodes { id slug } }
              contributions(first: 100) { nodes { id slug } }
              countries { id code }
            }"#,
            json!({}),
        )
        .await;
    let mut ids = Vec::new();
    let mut expected = Vec::new();
    for (list, typename) in [
        ("organisations", "Organisation"),
        ("programmes", "Programme"),
        ("projects", "Project"),
        ("activities", "Activity"),
        ("contributions", "Contribution"),
    ] {
        for n in data[list]["nodes"].as_array().unwrap() {
            ids.push(n["id"].clone());
            expected.push(json!({ "__typename": typename, "id": n["id"], "slug": n["slug"] }));
        }
    }
    for c in data["countries"].as_array().unwrap() {
        ids.push(c["id"].clone());
        expected.push(json!({ "__typename": "Country", "id": c["id"], "code": c["code"] }));
    }
    assert_eq!(ids.len(), 16 + 7 + 12 + 21 + 16 + 8);
    let unique: std::collections::HashSet<_> = ids.iter().map(Value::to_string).collect();
    assert_eq!(unique.len(), ids.len(), "ids are unique across types");

    let query = r#"query ($ids: [ID!]!) {
      nodes(ids: $ids) {
        __typename id
        ... on Organisation { slug } ... on Programme { slug } ... on Project { slug }
        ... on Activity { slug } ... on Contribution { slug } ... on Country { code }
      }
    }"#;
    for chunk in ids.chunks(100).zip(expected.chunks(100)) {
        let back = app.data(query, json!({ "ids": chunk.0 })).await;
        assert_eq!(back["nodes"].as_array().unwrap(), chunk.1);
    }
    let one = app
        .data(
            r#"query ($id: ID!) { node(id: $id) { id } }"#,
            json!({ "id": ids[0] }),
        )
        .await;
    assert_eq!(one["node"]["id"], ids[0]);
    let none = app
        .data(
            r#"{ node(id: "bm9wZTpub3Bl") { id } unknown: node(id: "!!") { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(none, json!({ "node": null, "unknown": null }));
}
