//! Synthetic IATI activity files with a registry's shape, for benchmarks at any
//! size: publishers of a few thousand activities each, one in ten a parent of
//! the nine after it, budgets with revisions, transactions in and out (some
//! reversed), organisations named by identifier or only by name, narratives in
//! two languages. The output is a function of the size and the seed alone
//! (SplitMix64, written out so that no dependency update changes the data).

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// How many activities one generated file holds, as a large publisher's file.
const PER_FILE: usize = 50_000;
/// Activities per publisher.
const PER_PUBLISHER: usize = 2_500;

struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const COUNTRIES: [&str; 16] = [
    "BD", "KH", "ET", "GH", "IN", "ID", "KE", "LA", "MZ", "NP", "PK", "PE", "PH", "SN", "TZ", "VN",
];
const SECTORS: [&str; 12] = [
    "11110", "11220", "12220", "13020", "15110", "16010", "16020", "16030", "16070", "23210",
    "31120", "43040",
];
const WORDS: [&str; 16] = [
    "decent",
    "work",
    "skills",
    "youth",
    "employment",
    "social",
    "protection",
    "rural",
    "women",
    "labour",
    "migration",
    "safety",
    "health",
    "training",
    "child",
    "recovery",
];
const CURRENCIES: [&str; 4] = ["USD", "EUR", "GBP", "JPY"];

/// Writes about `activities` IATI activities into `out/iati/`, in files of up to
/// 50,000; returns how many files it wrote.
pub fn generate(activities: usize, seed: u64, out: &Path) -> io::Result<usize> {
    let dir = out.join(crate::FOLDER);
    std::fs::create_dir_all(&dir)?;
    let mut rng = SplitMix64(seed);
    let files = activities.div_ceil(PER_FILE).max(1);
    let mut buf = String::with_capacity(1 << 16);
    for f in 0..files {
        let path = dir.join(format!("generated-{:04}.xml", f + 1));
        let mut w = BufWriter::new(File::create(path)?);
        w.write_all(
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<iati-activities version=\"2.03\">\n",
        )?;
        let first = f * PER_FILE;
        let last = ((f + 1) * PER_FILE).min(activities.max(1));
        for i in first..last {
            buf.clear();
            activity(&mut rng, i, &mut buf);
            w.write_all(buf.as_bytes())?;
        }
        w.write_all(b"</iati-activities>\n")?;
        w.flush()?;
    }
    Ok(files)
}

fn title(rng: &mut SplitMix64, buf: &mut String) {
    for k in 0..4 {
        if k > 0 {
            buf.push(' ');
        }
        buf.push_str(WORDS[rng.below(WORDS.len())]);
    }
}

fn activity(rng: &mut SplitMix64, i: usize, buf: &mut String) {
    let publisher = i / PER_PUBLISHER;
    let parent = i - i % 10;
    let is_parent = i % 10 == 0;
    let currency = CURRENCIES[publisher % CURRENCIES.len()];
    let year = 2000 + rng.below(24);
    let _ = writeln!(
        buf,
        " <iati-activity xml:lang=\"en\" default-currency=\"{currency}\" hierarchy=\"{}\" last-updated-datetime=\"2024-01-01T00:00:00Z\">",
        if is_parent { 1 } else { 2 }
    );
    let _ = writeln!(
        buf,
        "  <iati-identifier>XM-GEN-{publisher}-{i}</iati-identifier>"
    );
    let _ = writeln!(
        buf,
        "  <reporting-org ref=\"XM-GEN-{publisher}\" type=\"40\">\n   <narrative>Publisher {publisher}</narrative>\n  </reporting-org>"
    );
    buf.push_str("  <title>\n   <narrative>");
    title(rng, buf);
    buf.push_str("</narrative>\n   <narrative xml:lang=\"fr\">");
    title(rng, buf);
    buf.push_str("</narrative>\n  </title>\n  <description type=\"1\">\n   <narrative>");
    for _ in 0..3 {
        title(rng, buf);
        buf.push_str(". ");
    }
    buf.push_str("</narrative>\n  </description>\n");
    let funder = rng.below(200);
    let implementer = rng.below(5000);
    let _ = writeln!(
        buf,
        "  <participating-org ref=\"XX-DONOR-{funder}\" role=\"1\" type=\"10\">\n   <narrative>Donor {funder}</narrative>\n  </participating-org>"
    );
    let _ = writeln!(
        buf,
        "  <participating-org ref=\"XM-GEN-{publisher}\" role=\"3\" type=\"40\"/>"
    );
    if implementer % 2 == 0 {
        let _ = writeln!(
            buf,
            "  <participating-org ref=\"XX-NGO-{implementer}\" role=\"4\" type=\"22\">\n   <narrative>Partner {implementer}</narrative>\n  </participating-org>"
        );
    } else {
        let _ = writeln!(
            buf,
            "  <participating-org role=\"4\" type=\"22\">\n   <narrative>Local partner {implementer}</narrative>\n  </participating-org>"
        );
    }
    let _ = writeln!(buf, "  <activity-status code=\"{}\"/>", 2 + rng.below(3));
    let _ = writeln!(
        buf,
        "  <activity-date type=\"1\" iso-date=\"{year}-01-01\"/>"
    );
    let _ = writeln!(
        buf,
        "  <activity-date type=\"2\" iso-date=\"{year}-03-15\"/>"
    );
    let _ = writeln!(
        buf,
        "  <activity-date type=\"3\" iso-date=\"{}-12-31\"/>",
        year + 3
    );
    if !is_parent {
        let a = COUNTRIES[rng.below(COUNTRIES.len())];
        let b = COUNTRIES[rng.below(COUNTRIES.len())];
        if a == b {
            let _ = writeln!(
                buf,
                "  <recipient-country code=\"{a}\" percentage=\"100\"/>"
            );
        } else {
            let _ = writeln!(buf, "  <recipient-country code=\"{a}\" percentage=\"60\"/>");
            let _ = writeln!(buf, "  <recipient-country code=\"{b}\" percentage=\"40\"/>");
        }
        let s = SECTORS[rng.below(SECTORS.len())];
        let _ = writeln!(
            buf,
            "  <sector vocabulary=\"1\" code=\"{s}\" percentage=\"100\"/>"
        );
    }
    let amount = 10_000 * (1 + rng.below(500));
    for (y, kind) in [(year, 1), (year + 1, 1), (year + 1, 2)] {
        let value = if kind == 2 { amount / 2 } else { amount };
        let _ = writeln!(
            buf,
            "  <budget type=\"{kind}\" status=\"2\">\n   <period-start iso-date=\"{y}-01-01\"/>\n   <period-end iso-date=\"{y}-12-31\"/>\n   <value value-date=\"{y}-01-01\">{value}</value>\n  </budget>"
        );
    }
    let _ = writeln!(
        buf,
        "  <transaction>\n   <transaction-type code=\"1\"/>\n   <transaction-date iso-date=\"{year}-04-01\"/>\n   <value value-date=\"{year}-04-01\">{amount}</value>\n   <provider-org ref=\"XX-DONOR-{funder}\" provider-activity-id=\"XX-DONOR-{funder}-{i}\"/>\n  </transaction>"
    );
    for k in 0..2 {
        let sign = if rng.below(20) == 0 { "-" } else { "" };
        let _ = writeln!(
            buf,
            "  <transaction>\n   <transaction-type code=\"3\"/>\n   <transaction-date iso-date=\"{year}-{:02}-01\"/>\n   <value value-date=\"{year}-{:02}-01\">{sign}{}</value>\n   <receiver-org ref=\"XX-NGO-{implementer}\">\n    <narrative>Partner {implementer}</narrative>\n   </receiver-org>\n  </transaction>",
            6 + k,
            6 + k,
            amount / 4
        );
    }
    if !is_parent {
        let _ = writeln!(
            buf,
            "  <related-activity type=\"1\" ref=\"XM-GEN-{}-{parent}\"/>",
            parent / PER_PUBLISHER
        );
    }
    buf.push_str(" </iati-activity>\n");
}
