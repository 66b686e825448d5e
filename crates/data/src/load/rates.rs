//! Reading exchange rates: `rates/*.csv` in the IMF annual file's columns
//! (`Date,Rate,Currency,Frequency,Source,Country code,Country`; `Rate` is units of
//! the currency per US dollar, the year's average).
//!
//! One currency can appear under several countries (the euro under the Euro Area
//! and each of its members). For each currency and year the rate used is the
//! currency's own country's (the first two letters of its ISO 4217 code: `JP` for
//! JPY), the Euro Area's for the euro, else the rate most countries give (the first
//! of them in the files on a tie). A country giving two rates for one currency and
//! year is an error; so are an unknown currency and a rate that is not positive.

use std::collections::HashMap;
use std::path::Path;

use coopgraph_model::{CurrencyCode, PartialDate};
use rust_decimal::Decimal;

use super::report::{FileId, Lines, Report};
use crate::store::{Rate, Rates};

/// The folder of a data directory that holds its exchange rates.
pub const FOLDER: &str = "rates";

/// A rate as read, before one is chosen among countries.
struct Row {
    rate: Decimal,
    country: String,
    country_name: String,
    source: String,
}

/// Reads every `rates/*.csv` of `dir` into the rates per currency and year.
pub(crate) fn read(report: &mut Report, dir: &Path) -> Rates {
    let mut files: Vec<_> = std::fs::read_dir(dir.join(FOLDER))
        .map(|e| {
            e.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut rows: HashMap<(CurrencyCode, i32), Vec<Row>> = HashMap::new();
    for path in files {
        let file = report.add_file(path.clone());
        read_file(report, file, &path, &mut rows);
    }
    let mut rates = Rates::default();
    for ((currency, year), list) in rows {
        let home = &currency.code()[..2];
        let chosen = list
            .iter()
            .find(|r| r.country == home)
            .or_else(|| {
                list.iter()
                    .find(|r| currency.code() == "EUR" && r.country == "U2")
            })
            .unwrap_or_else(|| {
                let count = |rate: Decimal| list.iter().filter(|r| r.rate == rate).count();
                let most = list.iter().map(|r| count(r.rate)).max().unwrap_or(0);
                list.iter()
                    .find(|r| count(r.rate) == most)
                    .expect("a currency and year have a row")
            });
        let source = format!(
            "{}, annual average {year}, {} per US dollar ({})",
            chosen.source,
            currency.code(),
            chosen.country_name
        );
        rates.insert(
            currency,
            year,
            Rate {
                per_usd: chosen.rate,
                source,
            },
        );
    }
    rates
}

fn read_file(
    report: &mut Report,
    file: FileId,
    path: &Path,
    rows: &mut HashMap<(CurrencyCode, i32), Vec<Row>>,
) {
    // Rates files are small: read whole, so that places are byte offsets.
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            report.problem(file, None, format!("cannot read the file: {e}"));
            return;
        }
    };
    let mut lines = Lines::default();
    for at in memchr::memchr_iter(b'\n', &bytes) {
        lines.newline(at as u32);
    }
    report.file_mut(file).lines = Some(lines);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(bytes.as_slice());
    const COLUMNS: [&str; 7] = [
        "Date",
        "Rate",
        "Currency",
        "Frequency",
        "Source",
        "Country code",
        "Country",
    ];
    match reader.headers() {
        Ok(h) if h.iter().eq(COLUMNS) => {}
        Ok(h) => {
            let found: Vec<_> = h.iter().collect();
            let message = format!(
                "the columns are {}, not the IMF file's {}",
                found.join(","),
                COLUMNS.join(",")
            );
            report.problem(file, Some(0..0), message);
            return;
        }
        Err(e) => {
            report.problem(file, Some(0..0), format!("cannot read the header: {e}"));
            return;
        }
    }
    // Codes of withdrawn currencies: the first line and how many rows.
    let mut withdrawn: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    // (currency, year, country) → the line it was first given at, and its rate.
    let mut seen: HashMap<(CurrencyCode, i32, String), (usize, Decimal)> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let at = e.position().map(|p| p.byte() as usize);
                report.problem(
                    file,
                    at.map(|b| b..b),
                    format!("not a row of the rates file: {e}"),
                );
                continue;
            }
        };
        let mut byte = record.position().map_or(0, |p| p.byte() as usize);
        // After a CRLF the position is that of its LF.
        while matches!(bytes.get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        let at = Some(byte..byte);
        let line = report.file(file).line(byte);
        let field = |i: usize| record.get(i).unwrap_or_default().trim();
        let year = match PartialDate::parse(field(0)) {
            Ok(d) => d.year(),
            Err(e) => {
                report.problem(file, at, e);
                continue;
            }
        };
        let code = field(2);
        let currency = match CurrencyCode::parse(code) {
            Ok(c) => c,
            Err(_) if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) => {
                // A currency withdrawn from ISO 4217 (the franc, the mark): no amount
                // can be in it, so its rows are never used.
                withdrawn.entry(code.to_owned()).or_insert((line, 0)).1 += 1;
                continue;
            }
            Err(e) => {
                report.problem(file, at, e);
                continue;
            }
        };
        let rate = match field(1).parse::<Decimal>() {
            Ok(r) if r > Decimal::ZERO => r.normalize(),
            Ok(_) => {
                let message = format!(
                    "rate `{}` is not positive: a rate is units of {} per US dollar",
                    field(1),
                    currency.code()
                );
                report.problem(file, at, message);
                continue;
            }
            Err(_) => {
                report.problem(
                    file,
                    at,
                    format!("rate `{}` is not a decimal number", field(1)),
                );
                continue;
            }
        };
        if field(3) != "A" {
            let message = format!("frequency `{}`: only annual rates (`A`) are read", field(3));
            report.problem(file, at, message);
            continue;
        }
        if currency.code() == "USD" {
            // The base: a US dollar is one US dollar, whatever a country's row says.
            continue;
        }
        let country = field(5).to_owned();
        match seen.get(&(currency, year, country.clone())) {
            Some(&(first, r)) if r != rate => {
                let message = format!(
                    "{} {year} for {country} is given twice with different rates: first at line {first}",
                    currency.code()
                );
                report.problem(file, at, message);
                continue;
            }
            Some(_) => continue,
            None => {
                seen.insert((currency, year, country.clone()), (line, rate));
            }
        }
        rows.entry((currency, year)).or_default().push(Row {
            rate,
            country,
            country_name: field(6).to_owned(),
            source: field(4).to_owned(),
        });
    }
    for (code, (line, rows)) in withdrawn {
        let message = format!(
            "`{code}` is not a current ISO 4217 currency, which amounts can be in: its {rows} row(s) are not used"
        );
        report.warn(file, Some(line), message);
    }
}
