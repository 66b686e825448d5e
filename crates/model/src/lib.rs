//! The domain of development-cooperation funding: organisations and the roles they
//! play, programmes, projects and their activities, contributions of money, and the
//! source of every record.
//!
//! Values are parsed once into types that cannot hold an invalid value ([`Slug`],
//! [`CountryCode`], [`CurrencyCode`], [`PartialDate`], [`Period`], [`Money`],
//! [`Share`]); once a value exists, nothing downstream checks it again. This crate
//! does no I/O, runs no async code and knows nothing of GraphQL.

mod entity;
mod value;

pub use entity::*;
pub use value::*;
