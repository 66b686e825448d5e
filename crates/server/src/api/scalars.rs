//! Scalars: exact decimals, partial dates and ISO codes, each parsed once.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use coopgraph_model as model;

/// An exact decimal number written as a string, such as "65640508" or "16.632", so
/// that no client reads money through floating point.
#[derive(Debug, Clone, Copy)]
pub struct Decimal(pub rust_decimal::Decimal);

/// An exact decimal number written as a string, such as "65640508" or "16.632", so
/// that no client reads money through floating point.
#[Scalar(name = "Decimal")]
impl ScalarType for Decimal {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => model::Money::parse_amount(s)
                .map(Self)
                .map_err(InputValueError::custom),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

/// An ISO 8601 date at the precision the source gives: "2003", "2006-09" or
/// "2006-06-12".
#[derive(Debug, Clone, Copy)]
pub struct PartialDate(pub model::PartialDate);

/// An ISO 8601 date at the precision the source gives: "2003", "2006-09" or
/// "2006-06-12".
#[Scalar(name = "PartialDate")]
impl ScalarType for PartialDate {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => model::PartialDate::parse(s)
                .map(Self)
                .map_err(InputValueError::custom),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

/// An ISO 3166-1 alpha-2 country code in capitals, such as "VN".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CountryCode(pub model::CountryCode);

/// An ISO 3166-1 alpha-2 country code in capitals, such as "VN".
#[Scalar(name = "CountryCode")]
impl ScalarType for CountryCode {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => model::CountryCode::parse(s)
                .map(Self)
                .map_err(InputValueError::custom),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.alpha2().to_owned())
    }
}

/// An ISO 4217 currency code in capitals, such as "USD" or "CHF".
#[derive(Debug, Clone, Copy)]
pub struct CurrencyCode(pub model::CurrencyCode);

/// An ISO 4217 currency code in capitals, such as "USD" or "CHF".
#[Scalar(name = "CurrencyCode")]
impl ScalarType for CurrencyCode {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => model::CurrencyCode::parse(s)
                .map(Self)
                .map_err(InputValueError::custom),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.code().to_owned())
    }
}
