//! Converting money between currencies by the rates of `rates/*.csv`: the rate of
//! the year of the amount's value date, through the US dollar, never a guess from
//! another year. Amounts stay exact: rounding is left to whoever shows them.

use coopgraph_model::{CurrencyCode, Money, PartialDate};
use rust_decimal::Decimal;

use crate::Rates;

/// An amount converted into another currency, with the rate that did it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    /// The amount in `currency`, exact (not rounded).
    pub amount: Decimal,
    /// The currency converted into.
    pub currency: CurrencyCode,
    /// Units of `currency` per unit of the original currency, exact.
    pub rate: Decimal,
    /// The year whose rates were used; `None` for an amount already in the target
    /// currency with no date.
    pub rate_year: Option<i32>,
    /// Where the rates come from.
    pub rate_source: String,
}

/// The source named when no rate was needed.
pub const SAME_CURRENCY: &str = "same currency: no conversion";

/// Converts `money`, valued at `date`, into `to`: by the rates of the date's year,
/// through the US dollar. `None` when a rate for that currency and year is
/// missing, or the amount has no date to pick a year by. An amount already in
/// `to` converts at rate 1 whatever its date.
pub fn convert(
    rates: &Rates,
    money: &Money,
    date: Option<PartialDate>,
    to: CurrencyCode,
) -> Option<Converted> {
    let year = date.map(PartialDate::year);
    if money.currency() == to {
        return Some(Converted {
            amount: money.amount(),
            currency: to,
            rate: Decimal::ONE,
            rate_year: year,
            rate_source: SAME_CURRENCY.to_owned(),
        });
    }
    let year = year?;
    let usd = |c: CurrencyCode| c.code() == "USD";
    // Units per US dollar, and the source of each rate used.
    let per_usd = |c: CurrencyCode| -> Option<(Decimal, Option<&str>)> {
        if usd(c) {
            Some((Decimal::ONE, None))
        } else {
            rates
                .get(c, year)
                .map(|r| (r.per_usd, Some(r.source.as_str())))
        }
    };
    let (from_rate, from_source) = per_usd(money.currency())?;
    let (to_rate, to_source) = per_usd(to)?;
    let amount = money
        .amount()
        .checked_mul(to_rate)?
        .checked_div(from_rate)?;
    let rate = to_rate.checked_div(from_rate)?;
    let rate_source = [from_source, to_source]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("; ");
    Some(Converted {
        amount: amount.normalize(),
        currency: to,
        rate: rate.normalize(),
        rate_year: Some(year),
        rate_source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Rate;

    fn rates() -> Rates {
        let mut r = Rates::default();
        let chf = CurrencyCode::parse("CHF").unwrap();
        let jpy = CurrencyCode::parse("JPY").unwrap();
        let source = |s: &str| s.to_owned();
        r.insert(
            chf,
            2008,
            Rate {
                per_usd: "1.08309".parse().unwrap(),
                source: source("CHF 2008"),
            },
        );
        r.insert(
            jpy,
            2008,
            Rate {
                per_usd: "103.359".parse().unwrap(),
                source: source("JPY 2008"),
            },
        );
        r
    }

    fn money(amount: &str, currency: &str) -> Money {
        Money::new(
            amount.parse().unwrap(),
            CurrencyCode::parse(currency).unwrap(),
            false,
            None,
        )
        .unwrap()
    }

    fn date(s: &str) -> Option<PartialDate> {
        Some(PartialDate::parse(s).unwrap())
    }

    #[test]
    fn same_currency_is_rate_one_whatever_the_date() {
        let usd = CurrencyCode::parse("USD").unwrap();
        let c = convert(&rates(), &money("500000", "USD"), None, usd).unwrap();
        assert_eq!(
            (c.amount, c.rate, c.rate_year),
            ("500000".parse().unwrap(), Decimal::ONE, None)
        );
        let c = convert(&rates(), &money("500000", "USD"), date("1974"), usd).unwrap();
        assert_eq!(c.rate_year, Some(1974));
    }

    #[test]
    fn to_and_from_the_dollar_by_the_year_of_the_date() {
        let usd = CurrencyCode::parse("USD").unwrap();
        let c = convert(&rates(), &money("65640508", "CHF"), date("2008"), usd).unwrap();
        // 65,640,508 / 1.08309, exact to 28 digits.
        assert_eq!(c.amount.round_dp(2), "60604850.94".parse().unwrap());
        assert_eq!(c.rate_year, Some(2008));
        assert_eq!(c.rate_source, "CHF 2008");
    }

    #[test]
    fn cross_rates_go_through_the_dollar() {
        let jpy = CurrencyCode::parse("JPY").unwrap();
        let c = convert(&rates(), &money("1000", "CHF"), date("2008-06-30"), jpy).unwrap();
        // 1000 CHF = 1000 / 1.08309 USD = 1000 × 103.359 / 1.08309 JPY.
        assert_eq!(c.amount.round_dp(2), "95429.74".parse().unwrap());
        assert_eq!(c.rate.round_dp(6), "95.429743".parse().unwrap());
        assert_eq!(c.rate_source, "CHF 2008; JPY 2008");
    }

    #[test]
    fn no_rate_for_the_year_is_no_conversion_never_a_neighbour() {
        let usd = CurrencyCode::parse("USD").unwrap();
        assert_eq!(
            convert(&rates(), &money("1", "CHF"), date("2009"), usd),
            None
        );
        assert_eq!(convert(&rates(), &money("1", "CHF"), None, usd), None);
        assert_eq!(
            convert(&rates(), &money("1", "EUR"), date("2008"), usd),
            None
        );
    }
}
