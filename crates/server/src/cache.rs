//! The response cache: whole answers kept by request, so that a dashboard asking
//! the same question again costs a look-up, and the entity tag that lets HTTP
//! clients skip even the bytes.

use std::sync::{Arc, OnceLock};

use axum::body::Bytes;
use axum::http::HeaderValue;
use quick_cache::Weighter;
use quick_cache::sync::Cache;

/// What identifies an answer: the dataset version it was computed on, and the
/// request exactly as it came: the body of a POST, or the query string of a
/// GET, which hold its query, operation name and variables. Looking an answer
/// up costs a hash of those bytes, as it would in a server that only copies
/// prepared answers; the same request written otherwise is computed again.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    version: u64,
    method: Method,
    request: Bytes,
}

/// How a request came, which tells where its bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// The query string of a GET.
    Get,
    /// The body of a POST.
    Post,
}

impl Key {
    /// The key of a request's bytes, as they came by `method`, against dataset
    /// `version`. The bytes are shared, not copied.
    pub fn new(version: u64, method: Method, request: Bytes) -> Self {
        Self {
            version,
            method,
            request,
        }
    }
}

/// A successful answer, serialised once.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The JSON body.
    pub body: Bytes,
    /// Its strong entity tag, a hash of the body, computed when first asked
    /// (only GET answers carry one) and shared by every copy.
    etag: Arc<OnceLock<HeaderValue>>,
    /// The name of the operation it answers, for the metrics.
    pub operation: Option<Arc<str>>,
}

impl Answer {
    /// Wraps a serialised body.
    pub fn new(body: Bytes) -> Self {
        Self {
            body,
            etag: Arc::default(),
            operation: None,
        }
    }

    /// The body's strong entity tag.
    pub fn etag(&self) -> &HeaderValue {
        self.etag.get_or_init(|| {
            HeaderValue::from_str(&format!(
                "\"{:016x}\"",
                xxhash_rust::xxh3::xxh3_64(&self.body)
            ))
            .expect("hex digits in quotes are a valid header value")
        })
    }

    /// Whether an `If-None-Match` header value names this answer's tag.
    pub fn matches(&self, if_none_match: &HeaderValue) -> bool {
        let Ok(tags) = if_none_match.to_str() else {
            return false;
        };
        let ours = self.etag().to_str().unwrap_or("");
        tags.split(',').map(str::trim).any(|tag| {
            tag == "*" || tag == ours || tag.strip_prefix("W/").is_some_and(|t| t == ours)
        })
    }
}

/// Weighs an entry by the bytes it holds.
#[derive(Debug, Clone, Copy)]
struct ByBytes;

impl Weighter<Key, Answer> for ByBytes {
    fn weight(&self, key: &Key, answer: &Answer) -> u64 {
        (key.request.len() + answer.body.len() + 64) as u64
    }
}

/// Answers kept up to a budget of bytes; the least useful go first. A cache of
/// budget zero keeps nothing.
pub struct ResponseCache(Option<Cache<Key, Answer, ByBytes>>);

impl ResponseCache {
    /// A cache holding at most `bytes` of keys and bodies.
    pub fn new(bytes: u64) -> Self {
        Self((bytes > 0).then(|| {
            // quick_cache wants an estimate of the entry count: assume 4 KB answers.
            let items = (bytes / 4096).clamp(16, 1 << 20) as usize;
            Cache::with_weighter(items, bytes, ByBytes)
        }))
    }

    /// Whether the cache keeps anything.
    pub fn enabled(&self) -> bool {
        self.0.is_some()
    }

    /// The answer kept for `key`, if any.
    pub fn get(&self, key: &Key) -> Option<Answer> {
        self.0.as_ref()?.get(key)
    }

    /// Keeps `answer` for `key`.
    pub fn insert(&self, key: Key, answer: Answer) {
        if let Some(cache) = &self.0 {
            cache.insert(key, answer);
        }
    }

    /// Forgets every answer, as after a reload.
    pub fn clear(&self) {
        if let Some(cache) = &self.0 {
            cache.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_differ_by_version_method_and_bytes() {
        let k = Key::new(1, Method::Post, Bytes::from_static(br#"{"query":"{ a }"}"#));
        assert_eq!(
            k,
            Key::new(1, Method::Post, Bytes::from_static(br#"{"query":"{ a }"}"#))
        );
        assert_ne!(
            k,
            Key::new(2, Method::Post, Bytes::from_static(br#"{"query":"{ a }"}"#))
        );
        assert_ne!(
            k,
            Key::new(1, Method::Get, Bytes::from_static(br#"{"query":"{ a }"}"#))
        );
        assert_ne!(
            k,
            Key::new(1, Method::Post, Bytes::from_static(br#"{"query":"{ b }"}"#))
        );
    }

    #[test]
    fn tags_match_exactly_weakly_or_by_star() {
        let a = Answer::new(Bytes::from_static(b"{\"data\":{}}"));
        let tag = a.etag().to_str().unwrap().to_owned();
        assert!(tag.starts_with('"') && tag.ends_with('"') && tag.len() == 18);
        for header in [
            tag.clone(),
            format!("W/{tag}"),
            "*".into(),
            format!("\"x\", {tag}"),
        ] {
            assert!(
                a.matches(&HeaderValue::from_str(&header).unwrap()),
                "{header}"
            );
        }
        assert!(!a.matches(&HeaderValue::from_static("\"0000000000000000\"")));
        assert_ne!(
            a.etag(),
            Answer::new(Bytes::from_static(b"{\"data\":null}")).etag()
        );
    }

    #[test]
    fn a_budget_bounds_what_is_kept() {
        let cache = ResponseCache::new(10_000);
        for i in 0..100 {
            cache.insert(
                Key::new(1, Method::Post, Bytes::from(format!("{{ q{i} }}"))),
                Answer::new(Bytes::from(vec![b' '; 1000])),
            );
        }
        let kept = (0..100)
            .filter(|i| {
                cache
                    .get(&Key::new(
                        1,
                        Method::Post,
                        Bytes::from(format!("{{ q{i} }}")),
                    ))
                    .is_some()
            })
            .count();
        assert!(kept > 0 && kept <= 10, "{kept} kept");
        cache.clear();
        assert!((0..100).all(|i| {
            cache
                .get(&Key::new(
                    1,
                    Method::Post,
                    Bytes::from(format!("{{ q{i} }}")),
                ))
                .is_none()
        }));

        let off = ResponseCache::new(0);
        off.insert(
            Key::new(1, Method::Post, Bytes::from_static(b"q")),
            Answer::new(Bytes::new()),
        );
        assert!(
            !off.enabled()
                && off
                    .get(&Key::new(1, Method::Post, Bytes::from_static(b"q")))
                    .is_none()
        );
    }
}
