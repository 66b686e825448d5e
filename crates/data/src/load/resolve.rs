//! Resolving: raw records, from any reader, become domain records. Every value
//! is parsed, every slug link looked up, and every problem reported at its place.

use coopgraph_model::*;

use super::SlugMaps;
use super::report::{FileId, Report};
use crate::raw::{self, Text};
use crate::store::SlugMap;

/// Turns raw records into domain records, resolving slugs against every file.
pub(crate) struct Resolver<'s> {
    pub slugs: &'s SlugMaps,
}

/// Parses an optional field, so that `None` means "absent" and a bad value is
/// reported; `Err(())` marks the record as unusable.
fn optional<T>(v: Option<&Text>, f: impl FnOnce(&Text) -> Option<T>) -> Result<Option<T>, ()> {
    match v {
        None => Ok(None),
        Some(t) => f(t).map(Some).ok_or(()),
    }
}

impl Resolver<'_> {
    fn link<I>(
        ctx: &mut Report,
        file: FileId,
        text: &Text,
        what: &str,
        map: &SlugMap<I>,
    ) -> Option<I> {
        let found = map.get(text.get_ref());
        if found.is_none() {
            ctx.at(file, text, format!("unknown {what} `{}`", text.get_ref()));
        }
        found
    }

    fn org(&self, ctx: &mut Report, file: FileId, text: &Text) -> Option<OrganisationId> {
        Self::link(ctx, file, text, "organisation", &self.slugs.organisations)
    }

    fn programme_ref(&self, ctx: &mut Report, file: FileId, text: &Text) -> Option<ProgrammeId> {
        Self::link(ctx, file, text, "programme", &self.slugs.programmes)
    }

    fn project_ref(&self, ctx: &mut Report, file: FileId, text: &Text) -> Option<ProjectId> {
        Self::link(ctx, file, text, "project", &self.slugs.projects)
    }

    pub fn source(&self, ctx: &mut Report, file: FileId, s: &raw::Source) -> Option<Source> {
        let document = Self::link(ctx, file, &s.document, "document", &self.slugs.documents)?;
        Some(Source {
            document,
            section: s.section.clone(),
            quote: s.quote.clone(),
        })
    }

    fn money(&self, ctx: &mut Report, file: FileId, m: &raw::Money) -> Option<Money> {
        let amount = ctx.value(file, &m.amount, Money::parse_amount);
        let currency = ctx.value(file, &m.currency, CurrencyCode::parse);
        if m.signed {
            return Some(Money::signed(
                amount?,
                currency?,
                m.approximate,
                m.text.clone(),
            ));
        }
        Money::new(amount?, currency?, m.approximate, m.text.clone())
            .map_err(|e| ctx.at(file, &m.amount, e))
            .ok()
    }

    fn period(
        &self,
        ctx: &mut Report,
        file: FileId,
        start: Option<&Text>,
        end: Option<&Text>,
    ) -> Option<Period> {
        let s = optional(start, |t| ctx.value(file, t, PartialDate::parse));
        let e = optional(end, |t| ctx.value(file, t, PartialDate::parse));
        let (s, e) = (s.ok()?, e.ok()?);
        Period::new(s, e)
            .map_err(|err| ctx.at(file, end.expect("an ordered period has an end"), err))
            .ok()
    }

    fn participants(
        &self,
        ctx: &mut Report,
        file: FileId,
        list: &[raw::Participant],
    ) -> Option<Vec<Participation>> {
        let mut out = Vec::new();
        let mut ok = true;
        for p in list {
            let organisation = self.org(ctx, file, &p.organisation);
            let role = ctx.value(file, &p.role, |s| {
                Role::parse(s)
                    .ok_or_else(|| unknown("role", s, Role::ALL.iter().map(|r| r.as_str())))
            });
            match (organisation, role) {
                (Some(organisation), Some(role)) => {
                    let p2 = Participation { organisation, role };
                    if out.contains(&p2) {
                        ctx.at(
                            file,
                            &p.organisation,
                            format!(
                                "`{}` is listed twice as {}",
                                p.organisation.get_ref(),
                                role.as_str()
                            ),
                        );
                        ok = false;
                    }
                    out.push(p2);
                }
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    pub fn organisation(
        &self,
        ctx: &mut Report,
        file: FileId,
        o: &raw::Organisation,
        slug: Option<Slug>,
    ) -> Option<Organisation> {
        let f = file;
        let kind = ctx.value(f, &o.kind, |s| {
            OrganisationKind::parse(s).ok_or_else(|| {
                unknown(
                    "organisation kind",
                    s,
                    OrganisationKind::ALL.iter().map(|k| k.as_str()),
                )
            })
        });
        let parent = optional(o.parent.as_ref(), |t| self.org(ctx, f, t));
        let country = optional(o.country.as_ref(), |t| ctx.value(f, t, CountryCode::parse));
        let source = self.source(ctx, f, &o.source);
        Some(Organisation {
            slug: slug?,
            name: o.name.clone(),
            acronym: o.acronym.clone(),
            kind: kind?,
            iati_ref: o.iati_ref.clone(),
            parent: parent.ok()?,
            country: country.ok()?,
            former_names: o.former_names.clone(),
            description: o.description.clone(),
            source: source?,
        })
    }

    pub fn programme(
        &self,
        ctx: &mut Report,
        file: FileId,
        p: raw::Programme,
        slug: Option<Slug>,
    ) -> Option<Programme> {
        let f = file;
        let modality = optional(p.modality.as_ref(), |t| {
            ctx.value(f, t, |s| {
                FundingModality::parse(s).ok_or_else(|| {
                    unknown(
                        "funding modality",
                        s,
                        FundingModality::ALL.iter().map(|m| m.as_str()),
                    )
                })
            })
        });
        let period = self.period(ctx, f, p.start.as_ref(), p.end.as_ref());
        let parent = optional(p.parent.as_ref(), |t| self.programme_ref(ctx, f, t));
        let predecessor = optional(p.predecessor.as_ref(), |t| self.programme_ref(ctx, f, t));
        let participants = self.participants(ctx, f, &p.participants);
        let source = self.source(ctx, f, &p.source);
        Some(Programme {
            slug: slug?,
            name: p.name.clone(),
            acronym: p.acronym.clone(),
            modality: modality.ok()?,
            period: period?,
            description: p.description.clone(),
            parent: parent.ok()?,
            predecessor: predecessor.ok()?,
            participants: participants?,
            iati: self.iati_details(ctx, f, p.iati),
            source: source?,
        })
    }

    fn iati_details(
        &self,
        ctx: &mut Report,
        file: FileId,
        iati: Option<Box<raw::Iati>>,
    ) -> Option<Box<IatiDetails>> {
        let iati = iati?;
        let mut details = iati.details;
        details.reporting = iati.reporting.as_ref().and_then(|r| self.org(ctx, file, r));
        Some(Box::new(details))
    }

    pub fn project(
        &self,
        ctx: &mut Report,
        file: FileId,
        id: ProjectId,
        p: raw::Project,
        slug: Option<Slug>,
        activities: &mut Vec<Option<Activity>>,
    ) -> Option<Project> {
        let f = file;
        let mut countries = Vec::new();
        let mut countries_ok = true;
        for t in &p.countries {
            match ctx.value(f, t, CountryCode::parse) {
                Some(c) if countries.contains(&c) => {
                    ctx.at(f, t, format!("country `{c}` is listed twice"));
                    countries_ok = false;
                }
                Some(c) => countries.push(c),
                None => countries_ok = false,
            }
        }
        let mut places = Vec::new();
        for place in &p.places {
            match ctx.value(f, &place.country, CountryCode::parse) {
                Some(c) if countries_ok && !countries.contains(&c) => {
                    ctx.at(
                        f,
                        &place.country,
                        format!(
                            "place `{}` is in `{c}`, which is not among the project's countries",
                            place.name
                        ),
                    );
                    countries_ok = false;
                }
                Some(country) => places.push(Place {
                    name: place.name.clone(),
                    country,
                }),
                None => countries_ok = false,
            }
        }
        let period = self.period(ctx, f, p.start.as_ref(), p.end.as_ref());
        let budget = match &p.budget {
            Some(m) => self.money(ctx, f, m).map(Some),
            None => Some(None),
        };
        let participants = self.participants(ctx, f, &p.participants);
        let mut themes = Vec::new();
        let mut themes_ok = true;
        for t in &p.themes {
            match Self::link(ctx, f, t, "theme", &self.slugs.themes) {
                Some(th) => themes.push(th),
                None => themes_ok = false,
            }
        }
        let programme = optional(p.programme.as_ref(), |t| self.programme_ref(ctx, f, t));
        let source = self.source(ctx, f, &p.source);
        let reporting = p.iati.as_ref().and_then(|i| i.reporting.as_ref());
        let reporting = reporting.and_then(|r| self.org(ctx, f, r));
        let iati = p.iati.map(|iati| {
            let mut details = iati.details;
            details.reporting = reporting;
            details.country_shares = countries
                .iter()
                .zip(iati.country_percentages)
                .map(|(&country, percentage)| CountryShare {
                    country,
                    percentage,
                })
                .collect();
            details.theme_shares = themes
                .iter()
                .zip(iati.theme_percentages)
                .map(|(&theme, percentage)| ThemeShare { theme, percentage })
                .collect();
            Box::new(details)
        });
        let mut activity_ids = Vec::new();
        for (i, a) in p.activities.into_iter().enumerate() {
            let position = i as u32 + 1;
            let a_source = match &a.source {
                Some(s) => self.source(ctx, f, s).map(|s| Some(Box::new(s))),
                None => Some(None),
            };
            activity_ids.push(ActivityId(activities.len() as u32));
            activities.push(Some(Activity {
                project: id,
                position,
                description: a.description,
                source: a_source?,
            }));
        }
        Some(Project {
            slug: slug?,
            title: p.title,
            acronym: p.acronym,
            objective: p.objective,
            countries: countries_ok.then_some(countries)?,
            places,
            period: period?,
            budget: budget?,
            participants: participants?,
            themes: themes_ok.then_some(themes)?,
            programme: programme.ok()?,
            activities: activity_ids,
            iati,
            source: source?,
        })
    }

    pub fn contribution(
        &self,
        ctx: &mut Report,
        file: FileId,
        c: &raw::Contribution,
        slug: Option<Slug>,
    ) -> Option<Contribution> {
        let f = file;
        let from = self.org(ctx, f, &c.from);
        let to = match &c.to {
            None => Some(None),
            Some(to) => {
                let t = to.get_ref();
                match (&t.organisation, &t.programme, &t.project) {
                    (Some(o), None, None) => self
                        .org(ctx, f, o)
                        .map(|o| Some(Recipient::Organisation(o))),
                    (None, Some(p), None) => self
                        .programme_ref(ctx, f, p)
                        .map(|p| Some(Recipient::Programme(p))),
                    (None, None, Some(p)) => self
                        .project_ref(ctx, f, p)
                        .map(|p| Some(Recipient::Project(p))),
                    _ => {
                        ctx.problem(
                            f,
                            Some(to.span()),
                            "`to` names exactly one of `organisation`, `programme` or `project`",
                        );
                        None
                    }
                }
            }
        };
        let kind = ctx.value(f, &c.kind, |s| {
            ContributionKind::parse(s).ok_or_else(|| {
                unknown(
                    "contribution kind",
                    s,
                    ContributionKind::ALL.iter().map(|k| k.as_str()),
                )
            })
        });
        let amount = match &c.amount {
            Some(m) => self.money(ctx, f, m).map(Some),
            None => Some(None),
        };
        let equivalent = match &c.equivalent {
            Some(m) => self.money(ctx, f, m).map(Some),
            None => Some(None),
        };
        let date = optional(c.date.as_ref(), |t| ctx.value(f, t, PartialDate::parse));
        let value_date = optional(c.value_date.as_ref(), |t| {
            ctx.value(f, t, PartialDate::parse)
        });
        if let (Some(d), true) = (&c.date, c.start.is_some() || c.end.is_some()) {
            ctx.at(f, d, "give either `date` or `start`/`end`, not both");
        }
        let period = self.period(ctx, f, c.start.as_ref(), c.end.as_ref());
        let share = optional(c.share.as_ref(), |t| ctx.value(f, t, Share::parse));
        let channel = optional(c.channel.as_ref(), |t| self.org(ctx, f, t));
        let source = self.source(ctx, f, &c.source);
        Some(Contribution {
            slug: slug?,
            from: from?,
            to: to?,
            kind: kind?,
            amount: amount?,
            equivalent: equivalent?,
            date: date.ok()?,
            value_date: value_date.ok()?,
            period: period?,
            share: share.ok()?,
            channel: channel.ok()?,
            // Links to other contributions and to activities, which may come later
            // in the files, are resolved once every record is registered.
            part_of: None,
            per_year: c.per_year,
            provider_activity: None,
            receiver_activity: None,
            description: c.description.clone(),
            source: source?,
        })
    }

    /// Links a contribution to the whole it is part of and to the activities its
    /// money came from and went to, once every record is registered.
    pub fn late_links(&self, ctx: &mut Report, late: &LateLinks, c: &mut Contribution) {
        let f = late.file;
        if let Some(t) = &late.part_of {
            c.part_of = Self::link(ctx, f, t, "contribution", &self.slugs.contributions);
        }
        let activity = |t: &Text| {
            let slug = t.get_ref();
            let programme = self.slugs.programmes.get(slug).map(Recipient::Programme);
            programme.or_else(|| self.slugs.projects.get(slug).map(Recipient::Project))
        };
        c.provider_activity = late.provider_activity.as_ref().and_then(activity);
        c.receiver_activity = late.receiver_activity.as_ref().and_then(activity);
    }
}

/// A contribution's links that are resolved last.
pub(crate) struct LateLinks {
    /// The contribution, by its place.
    pub index: usize,
    pub file: FileId,
    pub part_of: Option<Text>,
    pub provider_activity: Option<Text>,
    pub receiver_activity: Option<Text>,
}

impl LateLinks {
    /// The late links of a raw contribution at `index`, if it has any.
    pub fn of(index: usize, file: FileId, c: &raw::Contribution) -> Option<Self> {
        let any =
            c.part_of.is_some() || c.provider_activity.is_some() || c.receiver_activity.is_some();
        any.then(|| LateLinks {
            index,
            file,
            part_of: c.part_of.clone(),
            provider_activity: c.provider_activity.clone(),
            receiver_activity: c.receiver_activity.clone(),
        })
    }
}

fn unknown<'a>(what: &str, value: &str, all: impl Iterator<Item = &'a str>) -> String {
    format!(
        "unknown {what} `{value}`; expected one of {}",
        all.collect::<Vec<_>>().join(", ")
    )
}
