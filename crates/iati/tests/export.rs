//! The export: the seed dataset written as IATI 2.03 validates against the
//! standard's schema (with `xmllint`), and reading it back gives the same
//! projects, programmes, organisations, roles, budgets and countries.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use coopgraph_data::Store;
use coopgraph_model::PartialDate;

fn seed() -> Store {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    coopgraph_iati::load(&data).unwrap()
}

fn export(store: &Store) -> String {
    let mut out = Vec::new();
    let today = PartialDate::parse("2026-11-28").unwrap();
    coopgraph_iati::export(store, None, today, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// `xmllint --schema` on a file; fails, saying what to install, where the tool is
/// missing (`.ci/run` installs it).
fn validate(xml: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.xml");
    std::fs::write(&file, xml).unwrap();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/iati-activities-schema.xsd");
    let output = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&schema)
        .arg(&file)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run xmllint ({e}): install it with `apt-get install libxml2-utils`")
        });
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stderr.contains("validates"),
        "{stderr}"
    );
}

/// What IATI carries of a store, by names: each programme with its parent, each
/// project with its programme, budget, countries and roles.
fn graph(s: &Store) -> BTreeSet<String> {
    let name = |id: coopgraph_model::OrganisationId| s.organisation(id).name.clone();
    let mut out = BTreeSet::new();
    for p in s.programmes() {
        let parent = p.parent.map(|x| s.programme(x).name.clone());
        out.insert(format!("programme {:?} within {parent:?}", p.name));
        for pa in &p.participants {
            out.insert(format!(
                "programme {:?}: {} {}",
                p.name,
                name(pa.organisation),
                pa.role.as_str()
            ));
        }
    }
    for p in s.projects() {
        let programme = p.programme.map(|x| s.programme(x).name.clone());
        let budget = p
            .budget
            .as_ref()
            .map(|m| format!("{} {}", m.amount(), m.currency().code()));
        let countries: Vec<_> = p.countries.iter().map(|c| c.alpha2()).collect();
        out.insert(format!(
            "project {:?} in {programme:?}, budget {budget:?}, countries {countries:?}",
            p.title
        ));
        for pa in &p.participants {
            out.insert(format!(
                "project {:?}: {} {}",
                p.title,
                name(pa.organisation),
                pa.role.as_str()
            ));
        }
    }
    out
}

#[test]
fn the_seed_exports_to_valid_iati_2_03() {
    validate(&export(&seed()));
}

#[test]
fn the_export_reads_back_as_the_same_graph() {
    let seed = seed();
    let xml = export(&seed);
    let (back, warnings) = common::load_iati(&[("export.xml", &xml)]).unwrap();
    assert_eq!(warnings, "", "the export reads back without warnings");
    let (a, b) = (graph(&seed), graph(&back));
    let missing: Vec<_> = a.difference(&b).collect();
    let extra: Vec<_> = b.difference(&a).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nextra: {extra:#?}"
    );
    assert_eq!(seed.programmes().len(), back.programmes().len());
    assert_eq!(seed.projects().len(), back.projects().len());
    // Every organisation with a role comes back once, under its own name.
    let named = |s: &Store| {
        let mut names = BTreeSet::new();
        for p in s
            .programmes()
            .iter()
            .flat_map(|p| &p.participants)
            .chain(s.projects().iter().flat_map(|p| &p.participants))
        {
            names.insert(s.organisation(p.organisation).name.clone());
        }
        names
    };
    assert_eq!(named(&seed), named(&back));
}

#[test]
fn an_imported_file_exports_and_reads_back() {
    let xml = common::reference("activity-standard-example-annotated.xml");
    let (store, _) = common::load_iati(&[("example.xml", &xml)]).unwrap();
    let exported = export(&store);
    validate(&exported);
    let (back, _) = common::load_iati(&[("example.xml", &exported)]).unwrap();
    assert_eq!(common::dump(&back), common::dump(&store));
}
