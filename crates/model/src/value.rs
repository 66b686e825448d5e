//! Parse-once value types. Each has one way in, `parse`, and tests of its edges.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

mod serial;

pub use serial::decimal_bytes;

/// Why a value could not be parsed; the message names the offending input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// A slug with characters other than `a-z`, `0-9` and single inner hyphens.
    #[error(
        "invalid slug `{0}`: use 1 to 80 lowercase letters, digits and single hyphens, not at either end"
    )]
    Slug(String),
    /// A country code that is not an ISO 3166-1 alpha-2 code.
    #[error("unknown country code `{0}`: expected an ISO 3166-1 alpha-2 code such as `JP`")]
    Country(String),
    /// A currency code that is not an ISO 4217 code.
    #[error("unknown currency `{0}`: expected an ISO 4217 code such as `USD`")]
    Currency(String),
    /// A date that is not `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, or names no real day.
    #[error("invalid date `{0}`: expected YYYY, YYYY-MM or YYYY-MM-DD naming a real day")]
    Date(String),
    /// A period whose end comes before its start.
    #[error("period ends ({end}) before it starts ({start})")]
    PeriodOrder {
        /// The start of the period.
        start: PartialDate,
        /// The end of the period.
        end: PartialDate,
    },
    /// An amount that is not a decimal number.
    #[error("invalid amount `{0}`: expected a decimal number such as \"1200000\"")]
    Amount(String),
    /// A negative amount of money.
    #[error("negative amount `{0}`: amounts of money are never negative")]
    NegativeAmount(Decimal),
    /// A share outside 0 to 100 per cent.
    #[error("invalid share `{0}`: expected a percentage from 0 to 100")]
    Share(String),
}

/// A human-readable identifier, unique within its type: `ilo-japan-multi-bilateral`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    /// The longest slug accepted, in bytes.
    pub const MAX_LEN: usize = 80;

    /// Parses a slug: 1 to 80 of `a-z`, `0-9` and `-`, with no hyphen at either end
    /// and no two hyphens in a row.
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        if Self::is_valid(s) {
            Ok(Self(s.to_owned()))
        } else {
            Err(ValueError::Slug(s.to_owned()))
        }
    }
    fn is_valid(s: &str) -> bool {
        !s.is_empty()
            && s.len() <= Self::MAX_LEN
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--")
    }

    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An ISO 3166-1 alpha-2 country code, such as `VN` for Viet Nam.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CountryCode(isocountry::CountryCode);

impl CountryCode {
    /// Parses an upper-case alpha-2 code; `vn` and `VNM` are refused.
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        match s.as_bytes() {
            &[a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => {
                Self::by_letters()[usize::from(a - b'A') * 26 + usize::from(b - b'A')]
            }
            _ => None,
        }
        .map(Self)
        .ok_or_else(|| ValueError::Country(s.to_owned()))
    }

    /// Every country by its two letters, `AA` to `ZZ`: a look-up rather than a
    /// comparison with each code, as parsing a large dataset wants.
    fn by_letters() -> &'static [Option<isocountry::CountryCode>; 26 * 26] {
        static TABLE: std::sync::OnceLock<[Option<isocountry::CountryCode>; 26 * 26]> =
            std::sync::OnceLock::new();
        TABLE.get_or_init(|| {
            let mut table = [None; 26 * 26];
            for code in isocountry::CountryCode::iter() {
                if let &[a, b] = code.alpha2().as_bytes() {
                    table[usize::from(a - b'A') * 26 + usize::from(b - b'A')] = Some(*code);
                }
            }
            table
        })
    }

    /// The two-letter code.
    pub fn alpha2(self) -> &'static str {
        self.0.alpha2()
    }

    /// The country's ISO short name, such as "Viet Nam".
    pub fn name(self) -> &'static str {
        self.0.name()
    }
}

impl PartialOrd for CountryCode {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CountryCode {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.alpha2().cmp(other.alpha2())
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.alpha2())
    }
}

/// An ISO 4217 currency code such as `USD` or `CHF`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CurrencyCode(iso_currency::Currency);

impl CurrencyCode {
    /// Parses an upper-case three-letter ISO 4217 code.
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        let upper = s.bytes().all(|b| b.is_ascii_uppercase());
        match iso_currency::Currency::from_code(s) {
            Some(c) if upper => Ok(Self(c)),
            _ => Err(ValueError::Currency(s.to_owned())),
        }
    }

    /// The three-letter code.
    pub fn code(self) -> &'static str {
        self.0.code()
    }
}

impl PartialOrd for CurrencyCode {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CurrencyCode {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.code().cmp(other.code())
    }
}

impl fmt::Display for CurrencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An ISO 8601 calendar date at the precision the source gives: a year, a month or a
/// day. Ordered by the first day it covers, then by precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    year: u16,
    month: Option<u8>,
    day: Option<u8>,
}

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; the day must exist in that month.
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        let err = || ValueError::Date(s.to_owned());
        let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
        let mut parts = s.split('-');
        let year = parts.next().filter(|p| digits(p, 4)).ok_or_else(err)?;
        let year: u16 = year.parse().map_err(|_| err())?;
        let month = match parts.next() {
            None => None,
            Some(p) if digits(p, 2) => Some(p.parse::<u8>().map_err(|_| err())?),
            Some(_) => return Err(err()),
        };
        let day = match parts.next() {
            None => None,
            Some(p) if digits(p, 2) => Some(p.parse::<u8>().map_err(|_| err())?),
            Some(_) => return Err(err()),
        };
        if parts.next().is_some() {
            return Err(err());
        }
        Self::from_parts(year, month, day).map_err(|_| err())
    }

    /// A date from its year, month and day, if they name a real day (or month,
    /// or year); a day needs a month.
    fn from_parts(year: u16, month: Option<u8>, day: Option<u8>) -> Result<Self, ValueError> {
        let date = Self { year, month, day };
        let valid = year != 0
            && year <= 9999
            && match (month, day) {
                (None, None) => true,
                (Some(m), None) => (1..=12).contains(&m),
                (Some(m), Some(d)) => {
                    (1..=12).contains(&m) && d != 0 && d <= days_in_month(year, m)
                }
                (None, Some(_)) => false,
            };
        if valid {
            Ok(date)
        } else {
            Err(ValueError::Date(format!("{year:04}-{month:?}-{day:?}")))
        }
    }

    /// The calendar year.
    pub fn year(self) -> i32 {
        i32::from(self.year)
    }

    /// The first day this date covers, as (year, month, day).
    pub fn first_day(self) -> (u16, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day this date covers, as (year, month, day).
    pub fn last_day(self) -> (u16, u8, u8) {
        let month = self.month.unwrap_or(12);
        (
            self.year,
            month,
            self.day.unwrap_or_else(|| days_in_month(self.year, month)),
        )
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl PartialDate {
    /// Writes the date as `Display` does (`2003`, `2006-09`, `2006-06-12`) into
    /// `buf`, without a formatter; `None` for a year past 9999.
    pub fn encode(self, buf: &mut [u8; 10]) -> Option<&str> {
        if self.year > 9999 {
            return None;
        }
        let digits = |buf: &mut [u8], n: u16| {
            for (i, b) in buf.iter_mut().rev().enumerate() {
                *b = b'0' + (n / 10u16.pow(i as u32) % 10) as u8;
            }
        };
        digits(&mut buf[..4], self.year);
        let mut len = 4;
        for part in [self.month, self.day].into_iter().map_while(|p| p) {
            buf[len] = b'-';
            digits(&mut buf[len + 1..len + 3], u16::from(part));
            len += 3;
        }
        std::str::from_utf8(&buf[..len]).ok()
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl FromStr for PartialDate {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// A span of time with either end possibly unknown; when both are known, the end
/// never comes before the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Period {
    start: Option<PartialDate>,
    end: Option<PartialDate>,
}

impl Period {
    /// Builds a period, refusing one whose end lies wholly before its start. A start
    /// of "2006-09" and an end of "2006" overlap, so they are accepted.
    pub fn new(start: Option<PartialDate>, end: Option<PartialDate>) -> Result<Self, ValueError> {
        if let (Some(s), Some(e)) = (start, end) {
            if e.last_day() < s.first_day() {
                return Err(ValueError::PeriodOrder { start: s, end: e });
            }
        }
        Ok(Self { start, end })
    }

    /// When it starts, if known.
    pub fn start(self) -> Option<PartialDate> {
        self.start
    }

    /// When it ends, if known.
    pub fn end(self) -> Option<PartialDate> {
        self.end
    }

    /// Whether any part of `year` falls within the period. An unknown end is taken
    /// as open, an unknown start as unknown: a period with no start is active in no
    /// year but the years of its end.
    pub fn is_active_in(self, year: i32) -> bool {
        match (self.start, self.end) {
            (Some(s), Some(e)) => s.year() <= year && year <= e.year(),
            (Some(s), None) => s.year() <= year,
            (None, Some(e)) => e.year() == year,
            (None, None) => false,
        }
    }
}

/// An exact amount of money in one currency, with the figure as the source wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: CurrencyCode,
    approximate: bool,
    text: Option<String>,
}

impl Money {
    /// Builds an amount of money; negative amounts are refused.
    pub fn new(
        amount: Decimal,
        currency: CurrencyCode,
        approximate: bool,
        text: Option<String>,
    ) -> Result<Self, ValueError> {
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err(ValueError::NegativeAmount(amount));
        }
        Ok(Self::signed(amount, currency, approximate, text))
    }

    /// Builds an amount of money that may be negative: a reversal or a downward
    /// revision, as IATI transactions and revised budgets state them.
    pub fn signed(
        amount: Decimal,
        currency: CurrencyCode,
        approximate: bool,
        text: Option<String>,
    ) -> Self {
        Self {
            amount: amount.normalize(),
            currency,
            approximate,
            text,
        }
    }

    /// Parses a decimal amount written as plain digits, such as "65640508" or "1.09";
    /// exponents and thousands separators are refused.
    pub fn parse_amount(s: &str) -> Result<Decimal, ValueError> {
        Decimal::from_str_exact(s).map_err(|_| ValueError::Amount(s.to_owned()))
    }

    /// The exact amount.
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub fn currency(&self) -> CurrencyCode {
        self.currency
    }

    /// Whether the source gives the figure as approximate ("approx. US$58 million").
    pub fn approximate(&self) -> bool {
        self.approximate
    }

    /// The figure as the source wrote it, if recorded.
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }
}

/// A percentage from 0 to 100, exact: Japan's 16.632 % of assessed contributions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Share(Decimal);

impl Share {
    /// Parses a percentage written as a decimal number from 0 to 100.
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        match Decimal::from_str_exact(s) {
            Ok(d) if d >= Decimal::ZERO && d <= Decimal::ONE_HUNDRED => Ok(Self(d.normalize())),
            _ => Err(ValueError::Share(s.to_owned())),
        }
    }

    /// The percentage, 0 to 100.
    pub fn percent(self) -> Decimal {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for ok in ["ilo", "skills-ap", "a1-b2", &"x".repeat(80)] {
            assert_eq!(Slug::parse(ok).unwrap().as_str(), ok);
        }
        for bad in [
            "",
            "-ilo",
            "ilo-",
            "a--b",
            "ILO",
            "café",
            "a b",
            "a_b",
            &"x".repeat(81),
        ] {
            assert_eq!(
                Slug::parse(bad),
                Err(ValueError::Slug(bad.to_owned())),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn country_codes() {
        let vn = CountryCode::parse("VN").unwrap();
        assert_eq!((vn.alpha2(), vn.name()), ("VN", "Viet Nam"));
        for bad in ["vn", "VNM", "XX", "", "V"] {
            assert!(CountryCode::parse(bad).is_err(), "{bad:?}");
        }
        assert!(CountryCode::parse("KH").unwrap() < vn);
    }

    #[test]
    fn currency_codes() {
        assert_eq!(CurrencyCode::parse("CHF").unwrap().code(), "CHF");
        for bad in ["chf", "SFr", "US$", "XYZ", ""] {
            assert_eq!(
                CurrencyCode::parse(bad),
                Err(ValueError::Currency(bad.to_owned()))
            );
        }
    }

    #[test]
    fn partial_dates() {
        for ok in ["2003", "2006-09", "2006-06-12", "2008-02-29", "2000-02-29"] {
            assert_eq!(PartialDate::parse(ok).unwrap().to_string(), ok);
        }
        let bad = [
            "",
            "03",
            "20033",
            "2006-9",
            "2006-13",
            "2006-00",
            "2006-06-31",
            "2007-02-29",
            "1900-02-29",
            "2006-06-00",
            "2006-06-12-01",
            "2006/06",
            "0000",
            "2006-",
            "+200",
        ];
        for b in bad {
            assert_eq!(
                PartialDate::parse(b),
                Err(ValueError::Date(b.to_owned())),
                "{b:?}"
            );
        }
        let d = PartialDate::parse("2006-02").unwrap();
        assert_eq!((d.first_day(), d.last_day()), ((2006, 2, 1), (2006, 2, 28)));
        for text in ["2003", "2006-09", "2006-06-12", "0999-01-01"] {
            let d = PartialDate::parse(text).unwrap();
            assert_eq!(d.encode(&mut [0; 10]), Some(d.to_string().as_str()));
        }
    }

    #[test]
    fn periods() {
        let d = |s| Some(PartialDate::parse(s).unwrap());
        assert!(Period::new(d("2003"), d("2006")).is_ok());
        assert!(
            Period::new(d("2006-09"), d("2006")).is_ok(),
            "overlapping precisions"
        );
        assert!(Period::new(d("2006"), d("2006")).is_ok());
        assert!(Period::new(None, d("2006")).is_ok());
        assert_eq!(
            Period::new(d("2006"), d("2005-12")),
            Err(ValueError::PeriodOrder {
                start: d("2006").unwrap(),
                end: d("2005-12").unwrap()
            })
        );
        let p = Period::new(d("2005"), d("2008")).unwrap();
        assert!(!p.is_active_in(2004) && p.is_active_in(2005) && p.is_active_in(2008));
        assert!(!p.is_active_in(2009));
        assert!(Period::new(d("1999"), None).unwrap().is_active_in(2030));
    }

    #[test]
    fn money() {
        let usd = CurrencyCode::parse("USD").unwrap();
        let m = Money::new(Money::parse_amount("1200000.00").unwrap(), usd, false, None).unwrap();
        assert_eq!(m.amount().to_string(), "1200000");
        assert!(Money::new(Money::parse_amount("0").unwrap(), usd, false, None).is_ok());
        let neg = Money::parse_amount("-5").unwrap();
        assert_eq!(
            Money::new(neg, usd, false, None),
            Err(ValueError::NegativeAmount(neg))
        );
        for bad in ["1,200", "1.2e6", "US$1", "", "NaN"] {
            assert_eq!(
                Money::parse_amount(bad),
                Err(ValueError::Amount(bad.to_owned()))
            );
        }
    }

    #[test]
    fn shares() {
        assert_eq!(
            Share::parse("16.632").unwrap().percent().to_string(),
            "16.632"
        );
        assert!(Share::parse("100").is_ok() && Share::parse("0").is_ok());
        for bad in ["-1", "100.01", "16,6", "x"] {
            assert_eq!(Share::parse(bad), Err(ValueError::Share(bad.to_owned())));
        }
    }
}
