//! What one request may spend: the store calls it makes, counted, and the time
//! it may take, checked at every store call.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::Context;

/// Counts the store calls one request makes, for tests and diagnostics: add an
/// `Arc<Lookups>` to a request's data and read it after the request has run.
#[derive(Debug, Default)]
pub struct Lookups(AtomicUsize);

impl Lookups {
    /// How many batched store calls the request has made so far.
    pub fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }

    /// Counts one store call in the request behind `ctx`.
    pub fn count(ctx: &Context<'_>) {
        if let Some(l) = ctx.data_opt::<Arc<Lookups>>() {
            l.add();
        }
    }

    /// Counts one store call.
    pub fn add(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// When a request must be done by. Execution runs without yielding, so a timer
/// cannot interrupt it; instead each store call checks the deadline, and once it
/// has passed no more data is fetched and the request is marked expired, for the
/// caller to answer with an error instead of a partial response.
#[derive(Debug)]
pub struct Deadline {
    at: std::time::Instant,
    expired: std::sync::atomic::AtomicBool,
}

impl Deadline {
    /// A deadline `after` from now.
    pub fn after(after: std::time::Duration) -> Self {
        Self {
            at: std::time::Instant::now() + after,
            expired: Default::default(),
        }
    }

    /// Whether the request ran past its deadline.
    pub fn expired(&self) -> bool {
        self.expired.load(Ordering::Relaxed)
    }

    /// Whether the request behind `ctx` is past its deadline; marks it if so.
    pub fn passed(ctx: &Context<'_>) -> bool {
        ctx.data_opt::<Arc<Deadline>>().is_some_and(|d| d.check())
    }

    /// Whether the deadline has passed; marks the request expired if so.
    pub fn check(&self) -> bool {
        if self.expired() || std::time::Instant::now() >= self.at {
            self.expired.store(true, Ordering::Relaxed);
            return true;
        }
        false
    }
}
