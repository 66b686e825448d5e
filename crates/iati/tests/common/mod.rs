//! Helpers shared by the IATI tests: a dataset from files, and a plain-text view
//! of every record the mapping makes, so a test shows each mapped field.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;

use coopgraph_data::{Problems, Store};
use coopgraph_model::{Money, Period, Recipient};

/// Writes `files` (path under the data directory, text) to a temporary dataset
/// and loads it; problems and warnings name files as `data/…`.
pub fn load(files: &[(&str, &str)]) -> Result<(Store, String), String> {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for (name, text) in files {
        let path = data.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let shorten = |s: String| s.replace(&format!("{}/", dir.path().display()), "");
    match coopgraph_iati::load(&data) {
        Ok(store) => {
            let warnings: Vec<String> = store
                .warnings()
                .iter()
                .map(|w| shorten(w.to_string()))
                .collect();
            Ok((store, warnings.join("\n")))
        }
        Err(Problems(p)) => Err(p
            .iter()
            .map(|p| shorten(p.to_string()))
            .collect::<Vec<_>>()
            .join("\n")),
    }
}

/// Loads IATI files only, each given by name and text.
pub fn load_iati(files: &[(&str, &str)]) -> Result<(Store, String), String> {
    let files: Vec<(String, &str)> = files
        .iter()
        .map(|(n, t)| (format!("iati/{n}"), *t))
        .collect();
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), *t)).collect();
    load(&refs)
}

/// Reads a file of the IATI Standard copied into `tests/fixtures`.
pub fn reference(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn money(m: &Money) -> String {
    format!("{} {}", m.amount(), m.currency().code())
}

fn period(p: Period) -> String {
    let d = |d: Option<coopgraph_model::PartialDate>| d.map_or("?".to_owned(), |d| d.to_string());
    format!("{}..{}", d(p.start()), d(p.end()))
}

/// Every organisation, programme, project, theme and contribution of a store,
/// one field per line.
pub fn dump(s: &Store) -> String {
    let mut out = String::new();
    let org = |id: coopgraph_model::OrganisationId| s.organisation(id).slug.to_string();
    let source = |src: &coopgraph_model::Source| {
        format!(
            "{} § {}",
            s.document(src.document).title,
            src.section.as_deref().unwrap_or("-")
        )
    };
    for o in s.organisations() {
        writeln!(
            out,
            "organisation {} {:?} kind={} iatiRef={:?} ({})",
            o.slug,
            o.name,
            o.kind.as_str(),
            o.iati_ref,
            source(&o.source)
        )
        .unwrap();
    }
    for t in s.themes() {
        writeln!(
            out,
            "theme {} {:?} vocabulary={:?} code={:?}",
            t.slug, t.name, t.vocabulary, t.code
        )
        .unwrap();
    }
    for p in s.programmes() {
        let iati = p.iati.as_ref().unwrap();
        writeln!(
            out,
            "programme {} {:?} id={} period={} parent={:?} ({})",
            p.slug,
            p.name,
            iati.identifier,
            period(p.period),
            p.parent.map(|x| s.programme(x).slug.to_string()),
            source(&p.source)
        )
        .unwrap();
        writeln!(out, "  description {:?}", p.description).unwrap();
        for pa in &p.participants {
            writeln!(
                out,
                "  participant {} {}",
                org(pa.organisation),
                pa.role.as_str()
            )
            .unwrap();
        }
        for b in &iati.budgets {
            writeln!(
                out,
                "  budget {} {} {} {}",
                period(b.period),
                money(&b.amount),
                b.kind.as_str(),
                b.status.as_str()
            )
            .unwrap();
        }
    }
    for p in s.projects() {
        let iati = p.iati.as_ref().unwrap();
        writeln!(
            out,
            "project {} {:?} id={} lang={:?} status={:?} period={} programme={:?} ({})",
            p.slug,
            p.title,
            iati.identifier,
            iati.language,
            iati.status.map(|x| x.as_str()),
            period(p.period),
            p.programme.map(|x| s.programme(x).slug.to_string()),
            source(&p.source)
        )
        .unwrap();
        writeln!(out, "  objective {:?}", p.objective).unwrap();
        writeln!(out, "  budget {:?}", p.budget.as_ref().map(money)).unwrap();
        for pa in &p.participants {
            writeln!(
                out,
                "  participant {} {}",
                org(pa.organisation),
                pa.role.as_str()
            )
            .unwrap();
        }
        for c in &iati.country_shares {
            writeln!(
                out,
                "  country {} {:?}",
                c.country,
                c.percentage.map(|x| x.percent().to_string())
            )
            .unwrap();
        }
        for t in &iati.theme_shares {
            writeln!(
                out,
                "  theme {} {:?}",
                s.theme(t.theme).slug,
                t.percentage.map(|x| x.percent().to_string())
            )
            .unwrap();
        }
        for b in &iati.budgets {
            let vd = b.value_date.map(|d| d.to_string());
            writeln!(
                out,
                "  budget {} {} {} {} valueDate={:?}",
                period(b.period),
                money(&b.amount),
                b.kind.as_str(),
                b.status.as_str(),
                vd
            )
            .unwrap();
        }
    }
    for c in s.contributions() {
        let to = match c.to {
            Some(Recipient::Organisation(o)) => format!("organisation {}", org(o)),
            Some(Recipient::Programme(p)) => format!("programme {}", s.programme(p).slug),
            Some(Recipient::Project(p)) => format!("project {}", s.project(p).slug),
            None => "nobody named".to_owned(),
        };
        writeln!(
            out,
            "contribution {} {} from={} to={} amount={:?} date={:?} valueDate={:?} ({})",
            c.slug,
            c.kind.as_str(),
            org(c.from),
            to,
            c.amount.as_ref().map(money),
            c.date.map(|d| d.to_string()),
            c.value_date.map(|d| d.to_string()),
            source(&c.source)
        )
        .unwrap();
        if let Some(d) = &c.description {
            writeln!(out, "  description {d:?}").unwrap();
        }
    }
    out
}
