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
    assert!(matches!(stage.to, Some(Recipient::Project(_))));

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

/// The source document, as published (kept beside the tests).
fn source_text() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/source/ilo-japan-partnership.txt");
    std::fs::read_to_string(path).unwrap()
}

/// Every source of every record, with what it belongs to.
fn all_sources(s: &Store) -> Vec<(String, &coopgraph_model::Source)> {
    let mut out = Vec::new();
    for o in s.organisations() {
        out.push((format!("organisation {}", o.slug), &o.source));
    }
    for p in s.programmes() {
        out.push((format!("programme {}", p.slug), &p.source));
    }
    for p in s.projects() {
        out.push((format!("project {}", p.slug), &p.source));
    }
    for c in s.contributions() {
        out.push((format!("contribution {}", c.slug), &c.source));
    }
    for t in s.themes() {
        if let Some(src) = &t.source {
            out.push((format!("theme {}", t.slug), src));
        }
    }
    for (i, _) in s.activities().iter().enumerate() {
        let id = coopgraph_model::ActivityId(i as u32);
        out.push((
            format!("activity {}", s.activity_slug(id)),
            s.activity_source(id),
        ));
    }
    out
}

#[test]
fn every_quote_is_the_sources_own_characters() {
    let s = store();
    let text = source_text();
    for (what, src) in all_sources(&s) {
        if let Some(quote) = &src.quote {
            assert!(
                text.contains(quote.as_str()),
                "{what}: the source does not say {quote:?}"
            );
        }
    }
}

#[test]
fn every_figure_has_its_quote() {
    let s = store();
    let text = source_text();
    let mut figures = Vec::new();
    for c in s.contributions() {
        for m in c.amount.iter().chain(&c.equivalent) {
            figures.push((format!("contribution {}", c.slug), m, &c.source));
        }
    }
    for p in s.projects() {
        if let Some(m) = &p.budget {
            figures.push((format!("project {}", p.slug), m, &p.source));
        }
    }
    assert!(figures.len() >= 8);
    for (what, money, src) in figures {
        let quote = src
            .quote
            .as_deref()
            .unwrap_or_else(|| panic!("{what}: a figure without a quote"));
        let figure = money
            .text()
            .unwrap_or_else(|| panic!("{what}: a figure without its text"));
        assert!(
            quote.contains(figure) || text.contains(figure),
            "{what}: {figure:?} is not in the source"
        );
        assert!(text.contains(quote), "{what}: {quote:?}");
    }
}

#[test]
fn every_theme_is_named_from_the_source() {
    let s = store();
    let text = source_text();
    for t in s.themes() {
        let src = t
            .source
            .as_ref()
            .unwrap_or_else(|| panic!("theme {} has no source", t.slug));
        let quote = src
            .quote
            .as_deref()
            .unwrap_or_else(|| panic!("theme {} has no quote", t.slug));
        assert!(text.contains(quote), "theme {}: {quote:?}", t.slug);
    }
    let themes = |project: &str| -> Vec<String> {
        let p = s.project(s.project_by_slug(project).unwrap());
        p.themes
            .iter()
            .map(|&t| s.theme(t).slug.to_string())
            .collect()
    };
    // Themes the source does not give in its own words for these projects.
    assert_eq!(
        themes("employers-workers-cooperation-asia-pacific"),
        Vec::<String>::new()
    );
    assert_eq!(
        themes("labour-administration-women-workers-workshop"),
        ["labour-administration"]
    );
    assert_eq!(themes("timor-leste-stage"), ["crisis-recovery"]);
    assert_eq!(
        themes("rengo-ilo-scream-follow-up"),
        ["workers-organisations"]
    );
    assert!(s.theme_by_slug("social-dialogue").is_none());
}

#[test]
fn nothing_the_source_does_not_say() {
    let s = store();
    // "the ILO and MHLW (then Ministry of Labour) jointly organized" the 1974
    // workshop: the source names no funder.
    let workshop = "labour-administration-women-workers-workshop";
    assert!(in_role(&s, workshop, Role::Funding).is_empty());
    assert_eq!(in_role(&s, workshop, Role::Implementing), ["mhlw", "ilo"]);
    // September 2006 is the date of HCA-JCCU's donation, not the project's start.
    let sidomulyo = s.project(
        s.project_by_slug("sidomulyo-socio-economic-recovery")
            .unwrap(),
    );
    assert_eq!(sidomulyo.period.start(), None);
    let contribution = |slug: &str| s.contribution(s.contribution_by_slug(slug).unwrap());
    // The US$5 million pledge: only US$500,000 of it is placed, at STAGE.
    let pledge = contribution("japan-emergency-grant-pledge");
    assert_eq!(pledge.to, None);
    let stage = contribution("japan-timor-leste-stage");
    assert_eq!(
        stage.part_of,
        s.contribution_by_slug("japan-emergency-grant-pledge")
    );
    // All NTT's support goes to events held in Japan, with no recipient named.
    assert_eq!(
        contribution("all-ntt-world-day-against-child-labour").to,
        None
    );
    // RENGO "has decided to make an additional financial contribution": a pledge.
    assert_eq!(
        contribution("rengo-ilo-scream-follow-up").kind,
        ContributionKind::Pledge
    );
    // "approx. US$25 million to the UN Fund every year".
    assert!(contribution("japan-un-trust-fund-for-human-security").per_year);
}

#[test]
fn what_the_source_states_is_there() {
    let s = store();
    let contribution = |slug: &str| s.contribution(s.contribution_by_slug(slug).unwrap());
    let to_programme = |slug: &str| {
        let c = contribution(slug);
        match c.to {
            Some(Recipient::Programme(p)) => (
                s.programme(p).slug.to_string(),
                c.period.start().map(|d| d.to_string()),
            ),
            other => panic!("{slug}: {other:?}"),
        }
    };
    // Japan's voluntary contribution funds the Multi-bilateral Programme and
    // SKILLS-AP since 1974, and supported APSDEP since 1978: flows without amounts.
    assert_eq!(
        to_programme("japan-ilo-japan-multi-bilateral"),
        (
            "ilo-japan-multi-bilateral".to_owned(),
            Some("1974".to_owned())
        )
    );
    assert_eq!(
        to_programme("japan-skills-ap"),
        ("skills-ap".to_owned(), Some("1974".to_owned()))
    );
    assert_eq!(
        to_programme("japan-apsdep"),
        ("apsdep".to_owned(), Some("1978".to_owned()))
    );
    assert!(contribution("japan-apsdep").amount.is_none());
    // The assessed contribution is "based on GDP".
    let assessed = contribution("japan-assessed-2008");
    assert!(
        assessed
            .description
            .as_deref()
            .unwrap()
            .contains("based on GDP")
    );
    // The trust fund "was established in the UN by Japan in 1999".
    let fund = s.organisation(
        s.organisation_by_slug("un-trust-fund-for-human-security")
            .unwrap(),
    );
    assert_eq!(
        fund.parent
            .map(|p| s.organisation(p).slug.to_string())
            .as_deref(),
        Some("united-nations")
    );
    // All NTT's study tours to ILO-IPEC project sites.
    let ntt = s.organisation(s.organisation_by_slug("all-ntt-workers-union").unwrap());
    assert!(
        ntt.description
            .as_deref()
            .unwrap()
            .contains("study tours to ILO-IPEC project sites")
    );
}
