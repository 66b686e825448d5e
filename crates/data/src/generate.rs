//! Synthetic datasets with the real data's shape, for benchmarks at any size.
//!
//! The output is a function of the size and the seed alone: the same arguments
//! write the same files byte for byte, on any machine and with any version of
//! this crate's dependencies (the generator below is SplitMix64, written out so
//! that no dependency update can change a benchmark's data).

use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// How many records of each kind a generated dataset holds for `activities`
/// activities, in the real data's proportions: about three activities per project,
/// one organisation and one contribution per project, a programme per five.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Activities.
    pub activities: usize,
    /// Projects.
    pub projects: usize,
    /// Organisations.
    pub organisations: usize,
    /// Programmes.
    pub programmes: usize,
    /// Contributions.
    pub contributions: usize,
}

impl Shape {
    /// The shape of a dataset of about `activities` activities.
    pub fn for_activities(activities: usize) -> Self {
        let projects = activities.div_ceil(3).max(1);
        Self {
            activities: projects * 3,
            projects,
            organisations: projects.max(4),
            programmes: projects.div_ceil(5),
            contributions: projects,
        }
    }
}

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

const COUNTRIES: [&str; 24] = [
    "BD", "KH", "CN", "FJ", "IN", "ID", "JP", "LA", "MY", "MN", "MM", "NP", "PK", "PG", "PH", "LK",
    "TH", "TL", "TJ", "VN", "KR", "WS", "TO", "VU",
];
const KINDS: [&str; 7] = [
    "GOVERNMENT",
    "GOVERNMENT_AGENCY",
    "WORKERS_ORGANISATION",
    "RESEARCH_INSTITUTE",
    "COOPERATIVE",
    "PRIVATE_SECTOR",
    "UN_AGENCY",
];
const MODALITIES: [&str; 4] = [
    "MULTI_BILATERAL",
    "TRUST_FUND",
    "EMERGENCY_GRANT",
    "DIRECT_DONATION",
];
const THEMES: [&str; 8] = [
    "child-labour",
    "human-trafficking",
    "skills-training",
    "livelihoods",
    "labour-migration",
    "gender-equality",
    "crisis-recovery",
    "social-dialogue",
];
const WORDS: [&str; 16] = [
    "community",
    "training",
    "employment",
    "rural",
    "women",
    "youth",
    "skills",
    "migration",
    "recovery",
    "enterprise",
    "labour",
    "rights",
    "education",
    "health",
    "capacity",
    "dialogue",
];

/// Writes a dataset of about `activities` activities into `out`, which must exist,
/// and returns its shape.
pub fn generate(activities: usize, seed: u64, out: &Path) -> io::Result<Shape> {
    let shape = Shape::for_activities(activities);
    let mut rng = SplitMix64(seed);
    let source = r#"source = { document = "synthetic", section = "1" }"#;
    let words = |rng: &mut SplitMix64, n: usize| {
        (0..n)
            .map(|_| WORDS[rng.below(WORDS.len())])
            .collect::<Vec<_>>()
            .join(" ")
    };

    std::fs::write(
        out.join("documents.toml"),
        "[[document]]\nslug = \"synthetic\"\ntitle = \"A synthetic dataset\"\n",
    )?;
    let mut themes = String::new();
    for t in THEMES {
        writeln!(themes, "[[theme]]\nslug = \"{t}\"\nname = \"{t}\"\n").ok();
    }
    std::fs::write(out.join("themes.toml"), themes)?;

    let mut orgs = String::new();
    for i in 0..shape.organisations {
        let kind = KINDS[rng.below(KINDS.len())];
        let country = COUNTRIES[rng.below(COUNTRIES.len())];
        writeln!(orgs, "[[organisation]]\nslug = \"org-{i}\"\nname = \"Organisation {i} for {}\"\nkind = \"{kind}\"\ncountry = \"{country}\"", words(&mut rng, 2)).ok();
        // A tenth of the organisations are offices of an earlier one.
        if i > 0 && rng.below(10) == 0 {
            writeln!(orgs, "parent = \"org-{}\"", rng.below(i)).ok();
        }
        writeln!(orgs, "{source}\n").ok();
    }
    std::fs::write(out.join("organisations.toml"), orgs)?;

    let org = |rng: &mut SplitMix64| rng.below(shape.organisations);
    let mut programmes = String::new();
    for i in 0..shape.programmes {
        let start = 1970 + rng.below(40);
        writeln!(
            programmes,
            "[[programme]]\nslug = \"programme-{i}\"\nname = \"Programme {i}: {}\"\nmodality = \"{}\"\nstart = \"{start}\"\nparticipants = [\n  {{ organisation = \"org-{}\", role = \"FUNDING\" }},\n  {{ organisation = \"org-{}\", role = \"IMPLEMENTING\" }},\n]\n{source}\n",
            words(&mut rng, 3),
            MODALITIES[rng.below(MODALITIES.len())],
            org(&mut rng),
            org(&mut rng),
        )
        .ok();
    }
    std::fs::write(out.join("programmes.toml"), programmes)?;

    let mut projects = String::new();
    for i in 0..shape.projects {
        let start = 1990 + rng.below(30);
        let (a, b) = (
            COUNTRIES[rng.below(COUNTRIES.len())],
            COUNTRIES[rng.below(COUNTRIES.len())],
        );
        let countries = if a == b {
            format!("\"{a}\"")
        } else {
            format!("\"{a}\", \"{b}\"")
        };
        let (t1, t2) = (
            THEMES[rng.below(THEMES.len())],
            THEMES[rng.below(THEMES.len())],
        );
        let themes = if t1 == t2 {
            format!("\"{t1}\"")
        } else {
            format!("\"{t1}\", \"{t2}\"")
        };
        let (funder, implementer) = (org(&mut rng), org(&mut rng));
        let amount = (1 + rng.below(300)) * 10_000;
        writeln!(
            projects,
            "[[project]]\nslug = \"project-{i}\"\ntitle = \"Project {i}: {}\"\nobjective = \"To improve {}.\"\ncountries = [{countries}]\nplaces = [{{ name = \"Province {}\", country = \"{a}\" }}]\nstart = \"{start}\"\nend = \"{}\"\nbudget = {{ amount = \"{amount}\", currency = \"{}\" }}\nprogramme = \"programme-{}\"\nthemes = [{themes}]\nparticipants = [\n  {{ organisation = \"org-{funder}\", role = \"FUNDING\" }},\n  {{ organisation = \"org-{implementer}\", role = \"IMPLEMENTING\" }},\n]\n{source}\n",
            words(&mut rng, 4),
            words(&mut rng, 6),
            rng.below(50),
            start + 1 + rng.below(4),
            if rng.below(5) == 0 { "CHF" } else { "USD" },
            rng.below(shape.programmes),
        )
        .ok();
        for _ in 0..3 {
            writeln!(
                projects,
                "[[project.activity]]\ndescription = \"{}\"\n",
                words(&mut rng, 8)
            )
            .ok();
        }
    }
    std::fs::write(out.join("projects.toml"), projects)?;

    let mut contributions = String::new();
    for i in 0..shape.contributions {
        let year = 1990 + rng.below(35);
        let month = 1 + rng.below(12);
        writeln!(
            contributions,
            "[[contribution]]\nslug = \"contribution-{i}\"\nfrom = \"org-{}\"\nto = {{ project = \"project-{}\" }}\nkind = \"VOLUNTARY\"\namount = {{ amount = \"{}\", currency = \"USD\" }}\ndate = \"{year}-{month:02}\"\n{source}\n",
            org(&mut rng),
            rng.below(shape.projects),
            (1 + rng.below(100)) * 5_000,
        )
        .ok();
    }
    std::fs::write(out.join("contributions.toml"), contributions)?;
    Ok(shape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_datasets_load_and_are_deterministic() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let shape = generate(300, 7, a.path()).unwrap();
        generate(300, 7, b.path()).unwrap();
        for file in crate::DataFile::ALL {
            let file = file.name();
            let read = |d: &tempfile::TempDir| std::fs::read(d.path().join(file)).unwrap();
            assert_eq!(read(&a), read(&b), "{file}");
        }
        let store = crate::load(a.path()).unwrap_or_else(|p| panic!("{p}"));
        let stats = store.stats();
        assert_eq!(
            (stats.activities, stats.projects),
            (shape.activities, shape.projects)
        );
        assert_eq!(stats.contributions, shape.contributions);
    }
}
