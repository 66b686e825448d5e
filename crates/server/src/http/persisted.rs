//! Automatic persisted queries, by Apollo's protocol: a client sends a query's
//! SHA-256 hash alone (`extensions.persistedQuery { version: 1, sha256Hash }`); an
//! unknown hash gets `PersistedQueryNotFound`, and the client sends the query with
//! its hash, which is checked and kept. Short, cacheable GETs follow.

use std::sync::Arc;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{Code, Refusal};

/// The most queries kept; the least used go first.
pub const CAPACITY: usize = 10_000;

/// The queries clients registered, by hash; bounded.
pub(crate) struct Persisted(quick_cache::sync::Cache<[u8; 32], Arc<str>>);

impl Default for Persisted {
    fn default() -> Self {
        Self::new(CAPACITY)
    }
}

fn malformed(message: &str) -> Refusal {
    Refusal::new(Code::BadRequest, message)
}

impl Persisted {
    /// A registry of at most about `capacity` queries.
    pub fn new(capacity: usize) -> Self {
        Self(quick_cache::sync::Cache::new(capacity.max(1)))
    }

    /// The query of a request: its `query`, checked against and kept under its
    /// hash when it names one, or the query kept under the hash it sends alone.
    pub fn resolve(
        &self,
        query: Option<String>,
        extensions: Option<&Value>,
    ) -> Result<Option<String>, Refusal> {
        let Some(pq) = extensions.and_then(|e| e.get("persistedQuery")) else {
            return Ok(query);
        };
        if pq.get("version").and_then(Value::as_i64) != Some(1) {
            return Err(malformed("`extensions.persistedQuery.version` must be 1"));
        }
        let hash = pq
            .get("sha256Hash")
            .and_then(Value::as_str)
            .and_then(|h| hex::decode(h).ok())
            .and_then(|h| <[u8; 32]>::try_from(h).ok())
            .ok_or_else(|| {
                malformed("`extensions.persistedQuery.sha256Hash` must be 64 hex digits")
            })?;
        match query {
            Some(query) => {
                let actual: [u8; 32] = Sha256::digest(query.as_bytes()).into();
                if actual != hash {
                    return Err(malformed("provided sha does not match query"));
                }
                self.0.insert(hash, query.as_str().into());
                Ok(Some(query))
            }
            None => match self.0.get(&hash) {
                Some(query) => Ok(Some(query.to_string())),
                None => Err(Refusal::new(
                    Code::PersistedQueryNotFound,
                    "PersistedQueryNotFound",
                )),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hash(q: &str) -> String {
        hex::encode(Sha256::digest(q.as_bytes()))
    }

    fn ext(h: &str) -> Value {
        json!({ "persistedQuery": { "version": 1, "sha256Hash": h } })
    }

    #[test]
    fn the_protocols_three_steps() {
        let p = Persisted::default();
        let q = "{ countries { code } }";
        let e = ext(&hash(q));
        let refused = p.resolve(None, Some(&e)).unwrap_err();
        assert_eq!(refused.code(), Code::PersistedQueryNotFound);
        assert_eq!(
            p.resolve(Some(q.into()), Some(&e)).unwrap().as_deref(),
            Some(q)
        );
        assert_eq!(p.resolve(None, Some(&e)).unwrap().as_deref(), Some(q));
    }

    #[test]
    fn a_hash_that_does_not_match_its_query_is_refused() {
        let p = Persisted::default();
        let e = ext(&hash("{ a }"));
        let refused = p.resolve(Some("{ b }".into()), Some(&e)).unwrap_err();
        assert_eq!(refused.code(), Code::BadRequest);
        assert!(p.resolve(None, Some(&e)).is_err(), "nothing was kept");
    }

    #[test]
    fn the_registry_is_bounded() {
        let p = Persisted::new(10);
        for i in 0..1000 {
            let q = format!("{{ q{i}: __typename }}");
            p.resolve(Some(q.clone()), Some(&ext(&hash(&q)))).unwrap();
        }
        assert!(p.0.len() <= 20, "{}", p.0.len());
    }
}
