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
    let query = r#"query($after: String) { project(slug: "indigenous-peoples-papua") {
          activities(first: 2, after: $after) { totalCount nodes { position } pageInfo { hasNextPage hasPreviousPage endCursor } } } }"#;
    let first = app.data(query, json!({})).await;
    let after = first["project"]["activities"]["pageInfo"]["endCursor"].clone();
    let data = app.data(query, json!({ "after": after })).await;
    let page = &data["project"]["activities"];
    assert_eq!(page["totalCount"], 5);
    assert_eq!(page["nodes"], json!([{ "position": 3 }, { "position": 4 }]));
    assert_eq!(
        page["pageInfo"]["hasPreviousPage"].as_bool(),
        Some(true),
        "{page}"
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

/// The slugs and cursors of a connection's edges.
fn edges(conn: &Value) -> Vec<(String, Value)> {
    conn["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["node"]["slug"].as_str().unwrap().to_owned(),
                e["cursor"].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn cursors_keep_their_place_across_a_reload() {
    let dir = crate::reload::data_copy();
    let (app, handle) = crate::spawn_with(coopgraph::http::Config::default()).await;
    handle.reload(dir.path()).unwrap();
    let root = r#"query($after: String, $before: String, $first: Int, $last: Int) {
        projects(after: $after, before: $before, first: $first, last: $last) { edges { cursor node { slug } } } }"#;
    let nested = r#"query($after: String, $first: Int = 1) { programme(slug: "un-trust-fund-for-human-security") {
        projects(first: $first, after: $after) { edges { cursor node { slug } } } } }"#;
    let by_title = edges(&app.data(root, json!({ "first": 100 })).await["projects"]);
    let slugs: Vec<&str> = by_title.iter().map(|(s, _)| s.as_str()).collect();
    let gone = "employers-workers-cooperation-asia-pacific";
    let i = slugs.iter().position(|&s| s == gone).unwrap();
    assert!(i >= 2 && i + 3 < slugs.len(), "{slugs:?}");
    let cursor = by_title[i].1.clone();
    let in_programme = edges(&app.data(nested, json!({})).await["programme"]["projects"]);
    assert_eq!(
        in_programme[0].0,
        "trafficking-prevention-cambodia-viet-nam"
    );

    // The record the root cursor points at leaves; a project that sorts before
    // every title, and comes first in the dataset and in its programme, arrives
    // with a second one sorting before every title.
    let path = dir.path().join("projects.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text
        .find(&format!("[[project]]\nslug = \"{gone}\""))
        .unwrap();
    let end = start + text[start..].find("# ---").unwrap();
    let added = r#"[[project]]
slug = "added-first"
title = "Aaa, added first"
programme = "un-trust-fund-for-human-security"
source = { document = "ilo-japan-partnership", section = "1.1" }

[[project]]
slug = "added-second"
title = "Aab, added second"
source = { document = "ilo-japan-partnership", section = "1.1" }

"#;
    let first = text.find("[[project]]").unwrap();
    let text = format!(
        "{}{added}{}{}",
        &text[..first],
        &text[first..start],
        &text[end..]
    );
    std::fs::write(&path, text).unwrap();
    handle.reload(dir.path()).unwrap();

    // Offsets would now repeat a record; cursors continue after where the
    // record stood, backwards and forwards.
    let next = edges(&app.data(root, json!({ "after": cursor, "first": 3 })).await["projects"]);
    let next: Vec<&str> = next.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(next, slugs[i + 1..i + 4]);
    let previous = edges(&app.data(root, json!({ "before": cursor, "last": 2 })).await["projects"]);
    let previous: Vec<&str> = previous.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(previous, slugs[i - 2..i]);

    // In a list in dataset order, the record is found by its slug.
    let after = in_programme[0].1.clone();
    let next = edges(&app.data(nested, json!({ "after": after })).await["programme"]["projects"]);
    let now = edges(&app.data(nested, json!({ "first": 100 })).await["programme"]["projects"]);
    assert_eq!(now[0].0, "added-first");
    assert_eq!(now[1].0, "trafficking-prevention-cambodia-viet-nam");
    assert_eq!(next[0].0, now[2].0);
}
