//! The real dataset in `data/` against facts of the source document.

use coopgraph_data::Store;
use coopgraph_model::{ContributionKind, OrganisationKind, Recipient, Role};

fn store() -> Store {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    coopgraph_data::load(&dir).unwrap_or_else(|p| panic!("data/ does not load:\n{p}"))
}

/// The slugs of the organisations holding `role` in a project.
fn in_role(s: &Store, project: &str, role: Role) -> Vec<String> {
    let p = s.project(s.project_by_slug(project).unwrap());
    p.participants
        .iter()
        .filter(|x| x.role == role)
        .map(|x| s.organisation(x.organisation).slug.to_string())
        .collect()
}

#[test]
fn projects_match_the_source() {
    let s = store();
    // slug, activities, budget, period, countries
    let facts = [
        (
            "trafficking-prevention-cambodia-viet-nam",
            3,
            Some("1200000"),
            "2003",
            "2006",
            vec!["KH", "VN"],
        ),
        (
            "indigenous-peoples-papua",
            5,
            Some("1500000"),
            "2005",
            "2008",
            vec!["ID"],
        ),
        (
            "returned-trafficking-victims-thailand-philippines",
            4,
            Some("1600000"),
            "2006",
            "2009",
            vec!["TH", "PH"],
        ),
        (
            "tajikistan-rasht-employment-migration",
            3,
            Some("1090000"),
            "2007",
            "2010",
            vec!["TJ"],
        ),
        ("rengo-ilo-scream", 2, None, "2004", "2008", vec![]),
        (
            "rengo-ilo-scream-follow-up",
            0,
            None,
            "2008",
            "2010",
            vec!["ID"],
        ),
    ];
    for (slug, activities, budget, start, end, countries) in facts {
        let p = s.project(
            s.project_by_slug(slug)
                .unwrap_or_else(|| panic!("no project {slug}")),
        );
        assert_eq!(p.activities.len(), activities, "{slug} activities");
        assert_eq!(
            p.budget.as_ref().map(|b| b.amount().to_string()).as_deref(),
            budget,
            "{slug} budget"
        );
        if let Some(b) = &p.budget {
            assert_eq!(b.currency().code(), "USD");
        }
        assert_eq!(p.period.start().unwrap().to_string(), start, "{slug} start");
        assert_eq!(p.period.end().unwrap().to_string(), end, "{slug} end");
        let codes: Vec<_> = p.countries.iter().map(|c| c.alpha2()).collect();
        assert_eq!(codes, countries, "{slug} countries");
    }
    assert_eq!(s.projects().len(), 12);
    assert_eq!(s.activities().len(), 21);
}

#[test]
fn activities_are_in_work_plan_order() {
    let s = store();
    let p = s.project(s.project_by_slug("indigenous-peoples-papua").unwrap());
    let first = s.activity(p.activities[0]);
    let last = s.activity(p.activities[4]);
    assert_eq!((first.position, last.position), (1, 5));
    assert!(
        first
            .description
            .starts_with("Providing training and workshops")
    );
    assert!(
        last.description
            .starts_with("Conducting gender awareness training")
    );
    assert_eq!(
        s.activity_slug(p.activities[0]),
        "indigenous-peoples-papua-1"
    );
    assert_eq!(
        s.activity_by_slug("indigenous-peoples-papua-5"),
        Some(p.activities[4])
    );
    for missing in [
        "indigenous-peoples-papua-6",
        "indigenous-peoples-papua-0",
        "indigenous-peoples-papua",
        "x-1",
    ] {
        assert_eq!(s.activity_by_slug(missing), None, "{missing}");
    }
    // An activity with no source of its own comes from its project's.
    assert_eq!(s.activity_source(p.activities[0]), &p.source);
}

#[test]
fn who_funds_and_who_implements() {
    let s = store();
    let tj = "tajikistan-rasht-employment-migration";
    assert_eq!(in_role(&s, tj, Role::Funding), ["japan"]);
    assert_eq!(
        in_role(&s, tj, Role::Extending),
        ["un-trust-fund-for-human-security"]
    );
    assert_eq!(in_role(&s, tj, Role::Implementing), ["ilo", "undp"]);
    let sido = "sidomulyo-socio-economic-recovery";
    assert_eq!(in_role(&s, sido, Role::Funding), ["hca-jccu"]);
    assert_eq!(in_role(&s, sido, Role::Extending), ["ilo-tokyo"]);
    assert_eq!(in_role(&s, sido, Role::Implementing), ["ilo-jakarta"]);
    assert_eq!(
        in_role(
            &s,
            "chiangrai-vocational-training-child-labour",
            Role::Funding
        ),
        ["aeon"]
    );
    assert_eq!(in_role(&s, "timor-leste-stage", Role::Extending), ["undp"]);

    let donors: Vec<_> = s
        .donors()
        .iter()
        .map(|d| s.organisation(*d).slug.to_string())
        .collect();
    for d in [
        "japan",
        "mhlw",
        "jtuc-rengo",
        "all-ntt-workers-union",
        "jilpt",
        "hca-jccu",
        "aeon",
    ] {
        assert!(donors.iter().any(|x| x == d), "{d} is a donor");
    }
    assert!(
        !donors.iter().any(|x| x == "ilo"),
        "the ILO funds nothing here"
    );
}

#[test]
fn organisations_and_programmes() {
    let s = store();
    let mhlw = s.organisation(s.organisation_by_slug("mhlw").unwrap());
    assert_eq!(mhlw.kind, OrganisationKind::GovernmentAgency);
    assert_eq!(s.organisation(mhlw.parent.unwrap()).slug.as_str(), "japan");
    assert_eq!(mhlw.former_names, ["Ministry of Labour"]);
    let ilo = s.organisation(s.organisation_by_slug("ilo").unwrap());
    assert_eq!(ilo.iati_ref.as_deref(), Some("XM-DAC-41302"));

    let skills = s.programme(s.programme_by_slug("skills-ap").unwrap());
    assert_eq!(
        s.programme(skills.predecessor.unwrap()).acronym.as_deref(),
        Some("APSDEP")
    );
    let apsdep = s.programme(skills.predecessor.unwrap());
    assert_eq!(apsdep.period.start().unwrap().to_string(), "1978");
    let untf = s
        .programme_by_slug("un-trust-fund-for-human-security")
        .unwrap();
    assert_eq!(
        s.projects_of_programmes(&[untf])[0].len(),
        4,
        "four ILO projects so far"
    );
}

#[test]
fn contributions_match_the_source() {
    let s = store();
    let c = s.contribution(s.contribution_by_slug("japan-assessed-2008").unwrap());
    assert_eq!(c.kind, ContributionKind::Assessed);
    let amount = c.amount.as_ref().unwrap();
    assert_eq!(
        (
            amount.amount().to_string().as_str(),
            amount.currency().code()
        ),
        ("65640508", "CHF")
    );
    assert_eq!(amount.text(), Some("SFr 65,640,508"));
    let usd = c.equivalent.as_ref().unwrap();
    assert!(usd.approximate() && usd.currency().code() == "USD");
    assert_eq!(c.share.unwrap().percent().to_string(), "16.632");
    assert_eq!(c.date.unwrap().to_string(), "2008");

    let stage = s.contribution(s.contribution_by_slug("japan-timor-leste-stage").unwrap());
    assert_eq!(
        stage.amount.as_ref().unwrap().amount().to_string(),
        "500000"
    );
    assert_eq!(s.organisation(stage.channel.unwrap()).slug.as_str(), "undp");
    assert!(matches!(stage.to, Recipient::Project(_)));

    let hca = s.organisation_by_slug("hca-jccu").unwrap();
    let dates: Vec<_> = s.contributions_from(&[hca])[0]
        .iter()
        .map(|c| s.contribution(*c).date.unwrap().to_string())
        .collect();
    assert_eq!(dates, ["2006-09", "2007-03"]);
}

#[test]
fn countries_and_the_opening_paragraph_stored_once() {
    let s = store();
    let codes: Vec<_> = s.countries().map(|c| c.alpha2()).collect();
    assert_eq!(codes, ["ID", "JP", "KH", "PH", "TH", "TJ", "TL", "VN"]);
    let opening = "After rejoining in ILO in 1951";
    let mentions = s
        .organisations()
        .iter()
        .filter_map(|o| o.description.as_deref())
        .filter(|d| d.contains(opening))
        .count();
    assert_eq!(mentions, 1);
    let japan = s.organisation(s.organisation_by_slug("japan").unwrap());
    assert!(
        japan
            .description
            .as_deref()
            .unwrap()
            .contains("training programmes"),
        "the typo-free copy"
    );
}
