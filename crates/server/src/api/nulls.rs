//! Null propagation, as the GraphQL specification has it: a field error on a
//! non-null field makes its parent null, up to the nearest nullable ancestor (or
//! `data` itself). The executor drops such a field from its object instead, which
//! leaves clients with a missing key their generated types promise; this puts the
//! nulls where the specification wants them, from the schema's types and the
//! query's selections.

use std::collections::HashMap;

use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, Field, Selection, SelectionSet,
    TypeDefinition, TypeKind, TypeSystemDefinition,
};
use async_graphql::{PathSegment, ServerError};
use serde_json::Value;

/// The type of every field of every object and interface, by type and field name.
pub struct FieldTypes(HashMap<(String, String), async_graphql::parser::types::Type>);

impl FieldTypes {
    /// Reads the field types of a schema's SDL.
    pub fn of(sdl: &str) -> Self {
        let mut map = HashMap::new();
        if let Ok(doc) = async_graphql::parser::parse_schema(sdl) {
            for def in doc.definitions {
                let TypeSystemDefinition::Type(t) = def else {
                    continue;
                };
                let TypeDefinition { name, kind, .. } = t.node;
                let fields = match kind {
                    TypeKind::Object(o) => o.fields,
                    TypeKind::Interface(i) => i.fields,
                    _ => continue,
                };
                for f in fields {
                    let key = (name.node.to_string(), f.node.name.node.to_string());
                    map.insert(key, f.node.ty.node);
                }
            }
        }
        Self(map)
    }

    /// The named type of a field, lists and non-null stripped, if the schema has
    /// the field.
    pub fn named_type(&self, ty: &str, field: &str) -> Option<String> {
        let mut t = &self.0.get(&(ty.to_owned(), field.to_owned()))?.base;
        loop {
            match t {
                BaseType::Named(n) => return Some(n.to_string()),
                BaseType::List(inner) => t = &inner.base,
            }
        }
    }
}

/// The field a response key names in a selection set, with the type it is
/// selected on where a fragment says it.
fn find<'d>(
    doc: &'d ExecutableDocument,
    set: &'d SelectionSet,
    key: &str,
    on: Option<&'d str>,
) -> Option<(&'d Field, Option<&'d str>)> {
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => {
                let name = f.node.alias.as_ref().unwrap_or(&f.node.name);
                if name.node.as_str() == key {
                    return Some((&f.node, on));
                }
            }
            Selection::InlineFragment(frag) => {
                let cond = frag
                    .node
                    .type_condition
                    .as_ref()
                    .map(|c| c.node.on.node.as_str());
                if let Some(found) = find(doc, &frag.node.selection_set.node, key, cond.or(on)) {
                    return Some(found);
                }
            }
            Selection::FragmentSpread(spread) => {
                let Some(def) = doc.fragments.get(&spread.node.fragment_name.node) else {
                    continue;
                };
                let cond = Some(def.node.type_condition.node.on.node.as_str());
                if let Some(found) = find(doc, &def.node.selection_set.node, key, cond) {
                    return Some(found);
                }
            }
        }
    }
    None
}

/// Makes the data of a response with field errors what the specification says:
/// the errored non-null fields' nulls propagated to their nearest nullable
/// ancestors. `response` is the serialised response (`data` and `errors`).
pub fn propagate(
    doc: &ExecutableDocument,
    operation: Option<&str>,
    types: &FieldTypes,
    errors: &[ServerError],
    response: &mut Value,
) {
    let op = match (&doc.operations, operation) {
        (DocumentOperations::Single(op), _) => &op.node,
        (DocumentOperations::Multiple(ops), Some(name)) => match ops.get(name) {
            Some(op) => &op.node,
            None => return,
        },
        (DocumentOperations::Multiple(ops), None) => match ops.values().next() {
            Some(op) => &op.node,
            None => return,
        },
    };
    for error in errors {
        if error.path.is_empty() {
            continue;
        }
        // Each position along the path, with whether it may hold null.
        let mut positions: Vec<(usize, bool)> = Vec::new();
        let mut parent = "Query".to_owned();
        let mut set = &op.selection_set.node;
        let mut ty: Option<&async_graphql::parser::types::Type> = None;
        let mut known = true;
        for (i, segment) in error.path.iter().enumerate() {
            match segment {
                PathSegment::Field(key) => {
                    let Some((field, on)) = find(doc, set, key, None) else {
                        known = false;
                        break;
                    };
                    let owner = on.map(str::to_owned).unwrap_or_else(|| parent.clone());
                    let Some(t) = types.0.get(&(owner, field.name.node.to_string())) else {
                        // `__typename` and the like: nullable enough to stop at.
                        positions.push((i, true));
                        break;
                    };
                    positions.push((i, t.nullable));
                    ty = Some(t);
                    set = &field.selection_set.node;
                }
                PathSegment::Index(_) => match ty.map(|t| &t.base) {
                    Some(BaseType::List(inner)) => {
                        positions.push((i, inner.nullable));
                        ty = Some(inner);
                    }
                    _ => {
                        known = false;
                        break;
                    }
                },
            }
            if let Some(BaseType::Named(name)) = ty.map(|t| &t.base) {
                parent = name.to_string();
            }
        }
        if !known || positions.is_empty() {
            continue;
        }
        // From the errored position up: null, until a position that may hold it.
        let mut at = positions.len() - 1;
        loop {
            let (index, nullable) = positions[at];
            if nullable {
                set_null(response, &error.path[..=index]);
                break;
            }
            if at == 0 {
                response["data"] = Value::Null;
                break;
            }
            at -= 1;
        }
    }
}

/// Sets the value at `path` under `data` to null, adding its key if it is missing.
fn set_null(response: &mut Value, path: &[PathSegment]) {
    let mut at = &mut response["data"];
    for (i, segment) in path.iter().enumerate() {
        let last = i == path.len() - 1;
        at = match (segment, at) {
            (PathSegment::Field(key), Value::Object(map)) => {
                if last {
                    map.insert(key.clone(), Value::Null);
                    return;
                }
                match map.get_mut(key) {
                    Some(v) => v,
                    None => return,
                }
            }
            (PathSegment::Index(n), Value::Array(list)) => {
                if last {
                    if let Some(v) = list.get_mut(*n) {
                        *v = Value::Null;
                    }
                    return;
                }
                match list.get_mut(*n) {
                    Some(v) => v,
                    None => return,
                }
            }
            // A null parent already holds the null.
            _ => return,
        };
    }
}
