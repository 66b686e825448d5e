//! `Country`: a country some project works in.

use async_graphql::{Context, ID, Object, Result};
use coopgraph_data::query::Order;
use coopgraph_macros::connections;
use coopgraph_model::CountryCode as Code;

use super::{ProjectConnection, nested_page, store};
use crate::api::batch::Item;
use crate::api::id::{Kind, encode};
use crate::api::scalars::CountryCode;

/// A country, named by its ISO 3166-1 code.
#[derive(Clone)]
pub struct Country(pub Item<Code>);

impl From<Item<Code>> for Country {
    fn from(item: Item<Code>) -> Self {
        Self(item)
    }
}

/// A country, named by its ISO 3166-1 code.
#[connections]
#[Object]
impl Country {
    /// An opaque id, unique across all types and stable across reloads.
    pub async fn id(&self) -> ID {
        encode(Kind::Country, self.0.id.alpha2())
    }

    /// The ISO 3166-1 alpha-2 code, such as "VN".
    async fn code(&self) -> CountryCode {
        CountryCode(self.0.id)
    }

    /// The ISO short name, such as "Viet Nam".
    async fn name(&self) -> &'static str {
        self.0.id.name()
    }

    /// The projects that work in it, in the order of the dataset.
    #[page]
    async fn projects(&self, ctx: &Context<'_>) -> Result<ProjectConnection> {
        let s = store(ctx);
        Ok(nested_page(
            ctx,
            &self.0,
            "projects",
            &page,
            Order::Dataset,
            |codes| {
                s.projects_of_countries(codes)
                    .into_iter()
                    .map(<[_]>::to_vec)
                    .collect()
            },
        ))
    }
}
