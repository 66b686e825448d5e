//! Scalars: exact decimals, partial dates and ISO codes, each parsed once by the
//! model's own parser and written back as a string.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use coopgraph_model as model;

/// Declares a string scalar wrapping a model value: `parse` reads it, `show`
/// writes it.
macro_rules! string_scalar {
    ($(#[$doc:meta])* $name:ident($inner:ty), $gql:literal, parse: $parse:expr, show: $show:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(pub $inner);

        $(#[$doc])*
        #[Scalar(name = $gql)]
        impl ScalarType for $name {
            fn parse(value: Value) -> InputValueResult<Self> {
                match &value {
                    Value::String(s) => ($parse)(s.as_str())
                        .map(Self)
                        .map_err(InputValueError::custom),
                    _ => Err(InputValueError::expected_type(value)),
                }
            }

            fn to_value(&self) -> Value {
                Value::String(($show)(&self.0))
            }
        }
    };
}

string_scalar!(
    /// An exact decimal number written as a string, such as "65640508" or "16.632", so
    /// that no client reads money through floating point.
    Decimal(rust_decimal::Decimal), "Decimal",
    parse: model::Money::parse_amount,
    show: |d: &rust_decimal::Decimal| d.to_string()
);

string_scalar!(
    /// An ISO 8601 date at the precision the source gives: "2003", "2006-09" or
    /// "2006-06-12".
    PartialDate(model::PartialDate), "PartialDate",
    parse: model::PartialDate::parse,
    show: |d: &model::PartialDate| d.to_string()
);

string_scalar!(
    /// An ISO 3166-1 alpha-2 country code in capitals, such as "VN".
    CountryCode(model::CountryCode), "CountryCode",
    parse: model::CountryCode::parse,
    show: |c: &model::CountryCode| c.alpha2().to_owned()
);

string_scalar!(
    /// An ISO 4217 currency code in capitals, such as "USD" or "CHF".
    CurrencyCode(model::CurrencyCode), "CurrencyCode",
    parse: model::CurrencyCode::parse,
    show: |c: &model::CurrencyCode| c.code().to_owned()
);
