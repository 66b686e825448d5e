//! The indexes and orders kept at load time answer exactly what a scan of every
//! record answers, on the real dataset and on a generated one. Equal sort keys
//! are ordered by slug, so that cursors keep their place across reloads.

use coopgraph_data::{ProjectSort, Store, fold};
use coopgraph_model::ProjectId;

fn stores() -> Vec<Store> {
    let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let generated = tempfile::tempdir().unwrap();
    coopgraph_data::generate(3000, 7, generated.path()).unwrap();
    [real.as_path(), generated.path()]
        .into_iter()
        .map(|dir| coopgraph_data::load(dir).unwrap_or_else(|p| panic!("{p}")))
        .collect()
}

fn ids(s: &Store) -> impl Iterator<Item = ProjectId> + '_ {
    (0..s.projects().len() as u32).map(ProjectId)
}

#[test]
fn the_year_index_finds_every_project_active_in_a_year() {
    for s in stores() {
        let mut seen = 0;
        for year in 1980..=2035 {
            let scan: Vec<ProjectId> = ids(&s)
                .filter(|&id| s.project(id).period.is_active_in(year))
                .collect();
            assert_eq!(s.projects_active_in(year), scan, "{year}");
            assert!(ids(&s).all(|id| {
                s.is_project_active_in(id, year) == s.project(id).period.is_active_in(year)
            }));
            seen += scan.len();
        }
        assert!(seen > 0);
    }
}

#[test]
fn kept_orders_are_the_orders_a_sort_gives() {
    for s in stores() {
        let mut by_title: Vec<ProjectId> = ids(&s).collect();
        by_title.sort_by_cached_key(|&id| (fold(&s.project(id).title), s.project(id).slug.clone()));
        let mut by_slug: Vec<ProjectId> = ids(&s).collect();
        by_slug.sort_by(|&a, &b| s.project(a).slug.cmp(&s.project(b).slug));
        let mut by_start: Vec<ProjectId> = ids(&s).collect();
        by_start.sort_by_key(|&id| {
            let start = s.project(id).period.start();
            (
                start.is_none(),
                start.map(|d| d.first_day()),
                &s.project(id).slug,
            )
        });
        for (sort, expected) in [
            (ProjectSort::Title, by_title),
            (ProjectSort::Slug, by_slug),
            (ProjectSort::Start, by_start),
        ] {
            assert_eq!(s.projects_sorted(sort), expected, "{sort:?}");
            for (rank, &id) in expected.iter().enumerate() {
                assert_eq!(s.project_rank(sort, id) as usize, rank);
            }
        }
    }
}

#[test]
fn kept_name_orders_are_the_orders_a_sort_gives() {
    use coopgraph_data::NameSort;
    use coopgraph_model::{OrganisationId, ProgrammeId, Role};
    for s in stores() {
        let mut orgs: Vec<OrganisationId> = (0..s.organisations().len() as u32)
            .map(OrganisationId)
            .collect();
        orgs.sort_by_cached_key(|&id| {
            (
                fold(&s.organisation(id).name),
                s.organisation(id).slug.clone(),
            )
        });
        assert_eq!(s.organisations_sorted(NameSort::Name), orgs);
        let donors: Vec<OrganisationId> = orgs
            .into_iter()
            .filter(|&id| s.roles(id).contains(&Role::Funding))
            .collect();
        assert!(!donors.is_empty());
        assert_eq!(s.donors_sorted(NameSort::Name), donors);
        let mut by_slug: Vec<OrganisationId> = (0..s.organisations().len() as u32)
            .map(OrganisationId)
            .collect();
        by_slug.sort_by(|&a, &b| s.organisation(a).slug.cmp(&s.organisation(b).slug));
        assert_eq!(s.organisations_sorted(NameSort::Slug), by_slug);

        let mut programmes: Vec<ProgrammeId> =
            (0..s.programmes().len() as u32).map(ProgrammeId).collect();
        programmes
            .sort_by_cached_key(|&id| (fold(&s.programme(id).name), s.programme(id).slug.clone()));
        assert_eq!(s.programmes_sorted(NameSort::Name), programmes);
    }
}

/// Activity slugs are derived, so a project slug of the longest length still has
/// every activity, found by slug.
#[test]
fn activities_of_a_project_with_the_longest_slug_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    for entry in std::fs::read_dir(&data).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    let long = "p".repeat(80);
    let path = dir.path().join("projects.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace("\"indigenous-peoples-papua\"", &format!("\"{long}\""));
    std::fs::write(&path, text).unwrap();
    let s = coopgraph_data::load(dir.path()).unwrap_or_else(|p| panic!("{p}"));
    let p = s.project(s.project_by_slug(&long).unwrap());
    assert_eq!(p.activities.len(), 5);
    assert_eq!(
        s.activity_by_slug(&format!("{long}-5")),
        Some(p.activities[4])
    );
}

/// Filters answered from intersected index lists give what a scan of every
/// project gives.
#[test]
fn filtered_projects_are_those_a_scan_finds() {
    use coopgraph_data::query::{Direction, ProjectFilter, projects};
    use coopgraph_model::Role;
    for s in stores() {
        let donors: Vec<String> = s
            .organisations()
            .iter()
            .filter(|o| !o.slug.as_str().is_empty())
            .take(3)
            .map(|o| o.slug.to_string())
            .collect();
        let countries: Vec<_> = s
            .projects()
            .iter()
            .flat_map(|p| p.countries.clone())
            .take(40)
            .collect();
        let mut checked = 0;
        for (i, year) in (1995..=2030).step_by(5).enumerate() {
            let country = countries[i % countries.len()];
            let filter = ProjectFilter {
                country: Some(vec![country]),
                active_in: Some(year),
                donor: (i % 2 == 0).then(|| donors.clone()),
                ..ProjectFilter::default()
            };
            let got = projects(&s, &filter, ProjectSort::Slug, Direction::Asc).unwrap();
            let mut scan: Vec<ProjectId> = ids(&s)
                .filter(|&id| {
                    let p = s.project(id);
                    p.countries.contains(&country)
                        && p.period.is_active_in(year)
                        && filter.donor.as_ref().is_none_or(|d| {
                            p.participants.iter().any(|x| {
                                x.role == Role::Funding
                                    && d.contains(&s.organisation(x.organisation).slug.to_string())
                            })
                        })
                })
                .collect();
            scan.sort_by(|&a, &b| s.project(a).slug.cmp(&s.project(b).slug));
            assert_eq!(got, scan, "{filter:?}");
            checked += got.len();
        }
        assert!(checked > 0);
    }
}

/// Filters by country and year alone, answered from bitmaps of ranks, give what
/// a scan gives, in every order and direction, for years before, within and
/// after every period, one country or several.
#[test]
fn projects_by_country_and_year_are_those_a_scan_finds_in_every_order() {
    use coopgraph_data::query::{Direction, ProjectFilter, projects};
    for s in stores() {
        let mut countries: Vec<_> = s
            .projects()
            .iter()
            .flat_map(|p| p.countries.clone())
            .collect();
        countries.sort();
        countries.dedup();
        let mut filters = Vec::new();
        for year in [
            None,
            Some(1900),
            Some(1975),
            Some(1999),
            Some(2010),
            Some(2024),
            Some(3000),
        ] {
            filters.push(ProjectFilter {
                active_in: year,
                ..ProjectFilter::default()
            });
            for codes in [&countries[..1], &countries[1..3], &countries[..]] {
                filters.push(ProjectFilter {
                    country: Some(codes.to_vec()),
                    active_in: year,
                    ..ProjectFilter::default()
                });
            }
        }
        let mut found = 0;
        for filter in &filters {
            for order in [ProjectSort::Title, ProjectSort::Slug, ProjectSort::Start] {
                let mut scan: Vec<ProjectId> = ids(&s)
                    .filter(|&id| {
                        let p = s.project(id);
                        filter
                            .country
                            .as_ref()
                            .is_none_or(|cs| p.countries.iter().any(|c| cs.contains(c)))
                            && filter.active_in.is_none_or(|y| p.period.is_active_in(y))
                    })
                    .collect();
                scan.sort_by_key(|&id| s.project_rank(order, id));
                let got = projects(&s, filter, order, Direction::Asc).unwrap();
                assert_eq!(*got, scan, "{filter:?} {order:?}");
                scan.reverse();
                let got = projects(&s, filter, order, Direction::Desc).unwrap();
                assert_eq!(*got, scan, "{filter:?} {order:?} descending");
                found += scan.len();
            }
        }
        assert!(found > 0);
    }
}
