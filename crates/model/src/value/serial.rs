//! Serde for the value types, for stores kept on disk: each value is written in
//! a compact form and read back through the checks its constructor makes, so a
//! value read is as valid as one parsed.

use rust_decimal::Decimal;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::*;

impl Serialize for Slug {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Slug {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if Slug::is_valid(&s) {
            Ok(Self(s))
        } else {
            Err(D::Error::custom(ValueError::Slug(s)))
        }
    }
}

/// Reads a value through its `parse` from the text it is written as.
macro_rules! by_text {
    ($($ty:ty: $text:ident;)*) => {$(
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.$text())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Self::parse(&s).map_err(D::Error::custom)
            }
        }
    )*};
}

by_text! {
    CountryCode: alpha2;
    CurrencyCode: code;
}

/// Serde for a [`Decimal`] as its 16 bytes, the exact value whatever its scale:
/// `#[serde(with = "coopgraph_model::decimal_bytes")]`.
pub mod decimal_bytes {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Writes the decimal's 16 bytes.
    pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        d.serialize().serialize(s)
    }

    /// Reads a decimal from its 16 bytes.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        <[u8; 16]>::deserialize(d).map(Decimal::deserialize)
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.year, self.month, self.day).serialize(s)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (year, month, day) = <(u16, Option<u8>, Option<u8>)>::deserialize(d)?;
        PartialDate::from_parts(year, month, day).map_err(D::Error::custom)
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.start, self.end).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (start, end) = Deserialize::deserialize(d)?;
        Period::new(start, end).map_err(D::Error::custom)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let parts = (self.amount.serialize(), self.currency, self.approximate);
        (parts, &self.text).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let ((amount, currency, approximate), text) =
            <(([u8; 16], CurrencyCode, bool), Option<String>)>::deserialize(d)?;
        Ok(Money::signed(
            Decimal::deserialize(amount),
            currency,
            approximate,
            text,
        ))
    }
}

impl Serialize for Share {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        decimal_bytes::serialize(&self.0, s)
    }
}

impl<'de> Deserialize<'de> for Share {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let d = decimal_bytes::deserialize(d)?;
        if d >= Decimal::ZERO && d <= Decimal::ONE_HUNDRED {
            Ok(Self(d))
        } else {
            Err(D::Error::custom(ValueError::Share(d.to_string())))
        }
    }
}
