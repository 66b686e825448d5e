//! Running a plan: arguments bound from the request's variables, then every
//! level resolved with one store call per relation (as the reference executor
//! batches), then the response written depth first into one buffer.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use async_graphql::{EnumType, InputType, Name, Variables};
use async_graphql_value::{ConstValue, Value};
use coopgraph_data::Store;
use coopgraph_data::query::{self, Order, Record, SummaryRow, Total, Which};
use coopgraph_model::{
    self as model, ActivityId, ContributionId, OrganisationId, ProgrammeId, ProjectId,
};

use super::compile::{
    Args, Conn, ConnField, Cost, EdgeField, Inline, Leaf, Node, Op, PageField, Plan, Rel, Sel,
};
use crate::api::budget::{Deadline, Lookups};
use crate::api::id::{Kind, encode};
use crate::api::limits::MAX_COMPLEXITY;
use crate::api::page::{PageArgs, cost, encode_cursor};
use crate::api::scalars::CurrencyCode;
use crate::api::types::{
    self, ContributionKind, FundingFilter, Role, SummaryGroup, SummaryMeasure, shown,
};

/// Why a plan stopped before answering.
#[derive(Debug)]
pub(super) enum Stop {
    /// Something the reference executor answers (an error, mostly); the reason.
    Reference(&'static str),
    /// The request ran past its deadline.
    Expired,
}

type Step<T> = Result<T, Stop>;

/// One request's plan, variables, store and deadline.
pub(super) struct Run<'a> {
    pub plan: &'a Plan,
    pub vars: &'a Variables,
    pub store: &'a Store,
    pub deadline: &'a Deadline,
    /// Counts the store calls, where the caller wants them counted.
    pub lookups: Option<&'a Lookups>,
}

/// The objects a selection is written for.
#[derive(Clone, Copy)]
enum Obj<'s> {
    Query,
    Organisation(OrganisationId),
    Programme(ProgrammeId),
    Project(ProjectId),
    Activity(ActivityId),
    Contribution(ContributionId),
    Country(model::CountryCode),
    Participation(&'s model::Participation),
    Period(model::Period),
    Money(&'s model::Money),
    Row(&'s SummaryRow),
    /// A summary's total; `true` when it is shown rounded to the cent.
    Total(&'s Total, bool),
}

impl Obj<'_> {
    fn organisation(&self) -> Option<OrganisationId> {
        match *self {
            Obj::Organisation(id) => Some(id),
            _ => None,
        }
    }

    fn programme(&self) -> Option<ProgrammeId> {
        match *self {
            Obj::Programme(id) => Some(id),
            _ => None,
        }
    }

    fn project(&self) -> Option<ProjectId> {
        match *self {
            Obj::Project(id) => Some(id),
            _ => None,
        }
    }

    fn of(node: Node, id: u32) -> Self {
        match node {
            Node::Organisation => Obj::Organisation(OrganisationId(id)),
            Node::Programme => Obj::Programme(ProgrammeId(id)),
            Node::Project => Obj::Project(ProjectId(id)),
            Node::Activity => Obj::Activity(ActivityId(id)),
            Node::Contribution => Obj::Contribution(ContributionId(id)),
        }
    }
}

/// What a level's relations resolved to, one entry per field of its selection.
struct Level(Vec<Option<Resolved>>);

/// What one relation field resolved to.
enum Resolved {
    Batch(Batch),
    Rows(Arc<[SummaryRow]>),
}

/// The records one relation field gives every object of a level, end to end:
/// each object owns a range, starting at some position of its whole list.
struct Batch {
    ids: Vec<u32>,
    ranges: Vec<Range<usize>>,
    extents: Vec<(usize, usize)>,
    order: Orders,
    /// The next levels: one per node selection of the connection.
    levels: Vec<Level>,
}

/// A connection's order, for its cursors.
enum Orders {
    None,
    Organisation(Order<OrganisationId>),
    Programme(Order<ProgrammeId>),
    Project(Order<ProjectId>),
    Activity(Order<ActivityId>),
    Contribution(Order<ContributionId>),
}

impl Orders {
    fn cursor(&self, s: &Store, id: u32, pos: usize) -> Option<String> {
        let anchor = match self {
            Orders::None => return None,
            Orders::Organisation(o) => o.anchor(s, OrganisationId(id), pos),
            Orders::Programme(o) => o.anchor(s, ProgrammeId(id), pos),
            Orders::Project(o) => o.anchor(s, ProjectId(id), pos),
            Orders::Activity(o) => o.anchor(s, ActivityId(id), pos),
            Orders::Contribution(o) => o.anchor(s, ContributionId(id), pos),
        };
        Some(encode_cursor(&anchor))
    }
}

impl Run<'_> {
    /// The response, `{"data":…}`, as bytes.
    pub fn execute(&self) -> Step<Vec<u8>> {
        let price = self.price(&self.plan.cost)?;
        if price > MAX_COMPLEXITY {
            return Err(Stop::Reference("over the complexity limit"));
        }
        let level = self.resolve(&self.plan.root, &[Obj::Query])?;
        let mut out = Vec::with_capacity(1024);
        out.extend_from_slice(b"{\"data\":");
        self.object(&mut out, &self.plan.root, Obj::Query, &level, 0);
        out.push(b'}');
        Ok(out)
    }

    /// The operation's complexity as the schema's validation computes it.
    fn price(&self, fields: &[Cost]) -> Step<usize> {
        let mut total = 0usize;
        for f in fields {
            let children = self.price(&f.children)?;
            let n = match &f.page {
                None => children.saturating_add(1),
                Some((first, last)) => {
                    let first: Option<i32> = self.arg_value(first.as_ref())?;
                    let last: Option<i32> = self.arg_value(last.as_ref())?;
                    cost(first, last, children)
                }
            };
            total = total.saturating_add(n);
        }
        Ok(total)
    }

    /// An argument bound to the request's variables and read as `T`.
    fn arg_value<T: InputType>(&self, value: Option<&Value>) -> Step<T> {
        let bound = value.map(|v| bind(v, self.vars, &self.plan.defaults));
        T::parse(bound).map_err(|_| Stop::Reference("an argument that does not parse"))
    }

    /// The argument `name` among `args`, read as `T`.
    fn arg<T: InputType>(&self, args: &Args, name: &str) -> Step<T> {
        self.arg_value(
            args.iter()
                .find(|(n, _)| n.as_str() == name)
                .map(|(_, v)| v),
        )
    }

    fn page(&self, args: &Args) -> Step<PageArgs> {
        let (after, before) = (self.arg(args, "after")?, self.arg(args, "before")?);
        let (first, last) = (self.arg(args, "first")?, self.arg(args, "last")?);
        PageArgs::new(after, before, first, last).map_err(|_| Stop::Reference("page arguments"))
    }

    /// Resolves every relation of `sel` for the objects of one level, and the
    /// levels under them.
    fn resolve(&self, sel: &Sel, objs: &[Obj<'_>]) -> Step<Level> {
        let mut out = Vec::with_capacity(sel.fields.len());
        for f in &sel.fields {
            out.push(match &f.op {
                Op::Single(node, args, sub) => {
                    Some(Resolved::Batch(self.single(*node, args, sub)?))
                }
                Op::Conn(rel, args, conn) => {
                    Some(Resolved::Batch(self.connection(*rel, args, conn, objs)?))
                }
                Op::Summary(args, _) => Some(Resolved::Rows(self.summary(args)?)),
                Op::Typename(_) | Op::Leaf(_) | Op::Inline(..) | Op::Introspection => None,
            });
        }
        Ok(Level(out))
    }

    /// Before each store call: counts it and checks the deadline.
    fn checked(&self) -> Step<()> {
        if let Some(l) = self.lookups {
            l.add();
        }
        if self.deadline.check() {
            Err(Stop::Expired)
        } else {
            Ok(())
        }
    }

    fn summary(&self, args: &Args) -> Step<Arc<[SummaryRow]>> {
        self.checked()?;
        let group: SummaryGroup = self.arg(args, "groupBy")?;
        let measure: Option<SummaryMeasure> = self.arg(args, "measure")?;
        let filter: Option<FundingFilter> = self.arg(args, "filter")?;
        let currency: Option<CurrencyCode> = self.arg(args, "currency")?;
        query::funding_summary(
            self.store,
            group.into(),
            measure.unwrap_or_default().into(),
            &filter.unwrap_or_default().into(),
            currency.map(|c| c.0),
        )
        .map_err(|_| Stop::Reference("a query error"))
    }

    fn single(&self, node: Node, args: &Args, sub: &Sel) -> Step<Batch> {
        self.checked()?;
        let slug: String = self.arg(args, "slug")?;
        let s = self.store;
        let id = match node {
            Node::Organisation => s.organisation_by_slug(&slug).map(|i| i.0),
            Node::Programme => s.programme_by_slug(&slug).map(|i| i.0),
            Node::Project => s.project_by_slug(&slug).map(|i| i.0),
            Node::Activity => s.activity_by_slug(&slug).map(|i| i.0),
            Node::Contribution => s.contribution_by_slug(&slug).map(|i| i.0),
        };
        let ids: Vec<u32> = id.into_iter().collect();
        let objs: Vec<Obj> = ids.iter().map(|&i| Obj::of(node, i)).collect();
        let level = self.resolve(sub, &objs)?;
        Ok(Batch {
            ranges: std::iter::once(0..ids.len()).collect(),
            extents: vec![(0, ids.len())],
            ids,
            order: Orders::None,
            levels: vec![level],
        })
    }

    fn connection(&self, rel: Rel, args: &Args, conn: &Conn, objs: &[Obj<'_>]) -> Step<Batch> {
        self.checked()?;
        let s = self.store;
        let page = self.page(args)?;
        let refused = |_| Stop::Reference("a query error");
        let mut batch = match rel {
            Rel::Contributions => {
                let filter = self.arg(args, "filter")?;
                let (ids, order) = types::root_contributions(s, filter, self.arg(args, "orderBy")?)
                    .map_err(refused)?;
                gather(s, &page, [ids], order, Orders::Contribution)
            }
            Rel::OrganisationContributionsMade => {
                let ids: Vec<OrganisationId> = objs.iter().filter_map(Obj::organisation).collect();
                let lists = s.contributions_from(&ids);
                gather(s, &page, lists, Order::Dataset, Orders::Contribution)
            }
            Rel::OrganisationContributionsReceived
            | Rel::ProgrammeContributionsReceived
            | Rel::ProjectContributionsReceived => {
                let to: Vec<model::Recipient> = objs
                    .iter()
                    .filter_map(|o| match *o {
                        Obj::Organisation(id) => Some(model::Recipient::Organisation(id)),
                        Obj::Programme(id) => Some(model::Recipient::Programme(id)),
                        Obj::Project(id) => Some(model::Recipient::Project(id)),
                        _ => None,
                    })
                    .collect();
                let lists = s.contributions_to(&to);
                gather(s, &page, lists, Order::Dataset, Orders::Contribution)
            }
            Rel::Organisations | Rel::Donors => {
                let which = if rel == Rel::Donors {
                    Which::Donors
                } else {
                    Which::All
                };
                let filter = self.arg(args, "filter")?;
                let (ids, order) =
                    types::root_organisations(s, which, filter, self.arg(args, "orderBy")?);
                gather(s, &page, [ids], order, Orders::Organisation)
            }
            Rel::Programmes => {
                let filter = self.arg(args, "filter")?;
                let (ids, order) = types::root_programmes(s, filter, self.arg(args, "orderBy")?)
                    .map_err(refused)?;
                gather(s, &page, [ids], order, Orders::Programme)
            }
            Rel::Projects => {
                let filter = self.arg(args, "filter")?;
                let (ids, order) =
                    types::root_projects(s, filter, self.arg(args, "orderBy")?).map_err(refused)?;
                gather(s, &page, [ids], order, Orders::Project)
            }
            Rel::Activities => {
                let (ids, order) =
                    types::root_activities(s, self.arg(args, "filter")?).map_err(refused)?;
                gather(s, &page, [ids], order, Orders::Activity)
            }
            Rel::OrganisationProgrammes | Rel::OrganisationProjects => {
                let role: Option<Role> = self.arg(args, "role")?;
                let role = role.map(model::Role::from);
                let ids: Vec<OrganisationId> = objs.iter().filter_map(Obj::organisation).collect();
                if rel == Rel::OrganisationProgrammes {
                    let lists = s.programmes_of(&ids);
                    let lists = lists.iter().map(|l| types::with_role(l, role));
                    gather(s, &page, lists, Order::Dataset, Orders::Programme)
                } else {
                    let lists = s.projects_of_organisations(&ids);
                    let lists = lists.iter().map(|l| types::with_role(l, role));
                    gather(s, &page, lists, Order::Dataset, Orders::Project)
                }
            }
            Rel::ProgrammeProjects => {
                let ids: Vec<ProgrammeId> = objs.iter().filter_map(Obj::programme).collect();
                let lists = s.projects_of_programmes(&ids);
                gather(s, &page, lists, Order::Dataset, Orders::Project)
            }
            Rel::ProjectActivities => {
                let ids: Vec<ProjectId> = objs.iter().filter_map(Obj::project).collect();
                let lists = s.activities_of(&ids);
                gather(s, &page, lists, Order::Dataset, Orders::Activity)
            }
        };
        let objs: Vec<Obj> = batch.ids.iter().map(|&i| Obj::of(conn.node, i)).collect();
        batch.levels.reserve(conn.selections);
        for (_, field) in &conn.fields {
            match field {
                ConnField::Nodes(_, sel) => batch.levels.push(self.resolve(sel, &objs)?),
                ConnField::Edges(edge) => {
                    for (_, f) in edge {
                        if let EdgeField::Node(_, sel) = f {
                            batch.levels.push(self.resolve(sel, &objs)?);
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(batch)
    }

    /// Writes the object `obj`, the `at`-th of its level, as `sel` selects it.
    fn object(&self, out: &mut Vec<u8>, sel: &Sel, obj: Obj<'_>, level: &Level, at: usize) {
        out.push(b'{');
        for (i, f) in sel.fields.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(f.key.as_bytes());
            match &f.op {
                Op::Typename(name) => string(out, name),
                Op::Leaf(leaf) => self.leaf(out, obj, *leaf),
                Op::Inline(kind, sub) => self.inline(out, obj, *kind, sub),
                Op::Single(node, _, sub) => match &level.0[i] {
                    Some(Resolved::Batch(b)) if !b.ranges[at].is_empty() => {
                        let pos = b.ranges[at].start;
                        self.object(out, sub, Obj::of(*node, b.ids[pos]), &b.levels[0], pos);
                    }
                    _ => out.extend_from_slice(b"null"),
                },
                Op::Conn(_, _, conn) => match &level.0[i] {
                    Some(Resolved::Batch(b)) => self.connection_object(out, conn, b, at),
                    _ => out.extend_from_slice(b"null"),
                },
                // Introspection plans are constant: their kept answer is given
                // and nothing is written.
                Op::Introspection => out.extend_from_slice(b"null"),
                Op::Summary(_, sub) => match &level.0[i] {
                    Some(Resolved::Rows(rows)) => list(out, rows, |out, row| {
                        self.object(out, sub, Obj::Row(row), &Level(Vec::new()), 0)
                    }),
                    _ => out.extend_from_slice(b"null"),
                },
            }
        }
        out.push(b'}');
    }

    fn connection_object(&self, out: &mut Vec<u8>, conn: &Conn, b: &Batch, at: usize) {
        let range = b.ranges[at].clone();
        let (start, total) = b.extents[at];
        let s = self.store;
        let cursor = |pos: usize| b.order.cursor(s, b.ids[pos], start + pos - range.start);
        out.push(b'{');
        for (i, (key, field)) in conn.fields.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(key.as_bytes());
            match field {
                ConnField::Typename(name) => string(out, name),
                ConnField::TotalCount => integer(out, i32::try_from(total).unwrap_or(i32::MAX)),
                ConnField::PageInfo(fields) => {
                    out.push(b'{');
                    for (j, (key, f)) in fields.iter().enumerate() {
                        if j > 0 {
                            out.push(b',');
                        }
                        out.extend_from_slice(key.as_bytes());
                        match f {
                            PageField::Typename => string(out, "PageInfo"),
                            PageField::HasNextPage => boolean(out, start + range.len() < total),
                            PageField::HasPreviousPage => boolean(out, start > 0),
                            PageField::StartCursor => optional(
                                out,
                                (!range.is_empty()).then(|| cursor(range.start)).flatten(),
                            ),
                            PageField::EndCursor => {
                                optional(out, range.clone().last().and_then(cursor))
                            }
                        }
                    }
                    out.push(b'}');
                }
                ConnField::Nodes(k, sel) => {
                    out.push(b'[');
                    for pos in range.clone() {
                        if pos > range.start {
                            out.push(b',');
                        }
                        let obj = Obj::of(conn.node, b.ids[pos]);
                        self.object(out, sel, obj, &b.levels[*k], pos);
                    }
                    out.push(b']');
                }
                ConnField::Edges(fields) => {
                    out.push(b'[');
                    for pos in range.clone() {
                        if pos > range.start {
                            out.push(b',');
                        }
                        out.push(b'{');
                        for (j, (key, f)) in fields.iter().enumerate() {
                            if j > 0 {
                                out.push(b',');
                            }
                            out.extend_from_slice(key.as_bytes());
                            match f {
                                EdgeField::Typename(name) => string(out, name),
                                EdgeField::Cursor => optional(out, cursor(pos)),
                                EdgeField::Node(k, sel) => {
                                    let obj = Obj::of(conn.node, b.ids[pos]);
                                    self.object(out, sel, obj, &b.levels[*k], pos);
                                }
                            }
                        }
                        out.push(b'}');
                    }
                    out.push(b']');
                }
            }
        }
        out.push(b'}');
    }

    /// Writes objects read from `obj`: they have no relations, so no level.
    fn inline(&self, out: &mut Vec<u8>, obj: Obj<'_>, kind: Inline, sub: &Sel) {
        let s = self.store;
        let none = Level(Vec::new());
        let one = |out: &mut Vec<u8>, o: Obj<'_>| self.object(out, sub, o, &none, 0);
        match (kind, obj) {
            (Inline::Period, Obj::Programme(id)) => one(out, Obj::Period(s.programme(id).period)),
            (Inline::Period, Obj::Project(id)) => one(out, Obj::Period(s.project(id).period)),
            (Inline::Period, Obj::Contribution(id)) => {
                one(out, Obj::Period(s.contribution(id).period))
            }
            (Inline::Amount, Obj::Contribution(id)) => match &s.contribution(id).amount {
                Some(m) => one(out, Obj::Money(m)),
                None => out.extend_from_slice(b"null"),
            },
            (Inline::Equivalent, Obj::Contribution(id)) => match &s.contribution(id).equivalent {
                Some(m) => one(out, Obj::Money(m)),
                None => out.extend_from_slice(b"null"),
            },
            (Inline::From, Obj::Contribution(id)) => {
                one(out, Obj::Organisation(s.contribution(id).from))
            }
            (Inline::Channel, Obj::Contribution(id)) => match s.contribution(id).channel {
                Some(o) => one(out, Obj::Organisation(o)),
                None => out.extend_from_slice(b"null"),
            },
            (Inline::Budget, Obj::Project(id)) => match &s.project(id).budget {
                Some(m) => one(out, Obj::Money(m)),
                None => out.extend_from_slice(b"null"),
            },
            (Inline::Countries, Obj::Project(id)) => {
                list(out, &s.project(id).countries, |out, &c| {
                    one(out, Obj::Country(c))
                })
            }
            (Inline::Participants, Obj::Programme(id)) => {
                list(out, &s.programme(id).participants, |out, p| {
                    one(out, Obj::Participation(p))
                })
            }
            (Inline::Participants, Obj::Project(id)) => {
                list(out, &s.project(id).participants, |out, p| {
                    one(out, Obj::Participation(p))
                })
            }
            (Inline::Organisation, Obj::Participation(p)) => {
                one(out, Obj::Organisation(p.organisation))
            }
            (Inline::Totals, Obj::Row(r)) => {
                list(out, &r.totals, |out, t| one(out, Obj::Total(t, false)))
            }
            (Inline::Converted, Obj::Row(r)) => match &r.converted {
                Some(t) => one(out, Obj::Total(t, true)),
                None => out.extend_from_slice(b"null"),
            },
            (Inline::Unconverted, Obj::Row(r)) => {
                list(out, &r.unconverted, |out, t| one(out, Obj::Total(t, false)))
            }
            (Inline::PerYear, Obj::Row(r)) => {
                list(out, &r.per_year, |out, t| one(out, Obj::Total(t, false)))
            }
            _ => out.extend_from_slice(b"null"),
        }
    }

    /// Writes a scalar of `obj`.
    fn leaf(&self, out: &mut Vec<u8>, obj: Obj<'_>, leaf: Leaf) {
        let s = self.store;
        match (obj, leaf) {
            (Obj::Organisation(id), Leaf::Id) => string(
                out,
                &encode(Kind::Organisation, s.organisation(id).slug.as_str()),
            ),
            (Obj::Programme(id), Leaf::Id) => {
                string(out, &encode(Kind::Programme, s.programme(id).slug.as_str()))
            }
            (Obj::Project(id), Leaf::Id) => {
                string(out, &encode(Kind::Project, s.project(id).slug.as_str()))
            }
            (Obj::Contribution(id), Leaf::Id) => string(
                out,
                &encode(Kind::Contribution, s.contribution(id).slug.as_str()),
            ),
            (Obj::Contribution(id), Leaf::Slug) => string(out, s.contribution(id).slug.as_str()),
            (Obj::Contribution(id), Leaf::Description) => {
                optional(out, s.contribution(id).description.as_deref())
            }
            (Obj::Contribution(id), Leaf::Kind) => {
                let kind = ContributionKind::from(s.contribution(id).kind);
                match ContributionKind::items().iter().find(|i| i.value == kind) {
                    Some(item) => string(out, item.name),
                    None => out.extend_from_slice(b"null"),
                }
            }
            (Obj::Contribution(id), Leaf::Date) => date(out, s.contribution(id).date),
            (Obj::Contribution(id), Leaf::ValueDate) => date(out, s.contribution(id).value_date),
            (Obj::Contribution(id), Leaf::PerYear) => boolean(out, s.contribution(id).per_year),
            (Obj::Contribution(id), Leaf::Share) => match s.contribution(id).share {
                Some(share) => decimal(out, share.percent()),
                None => out.extend_from_slice(b"null"),
            },
            (Obj::Activity(id), Leaf::Id) => {
                string(out, &encode(Kind::Activity, &s.activity_slug(id)))
            }
            (Obj::Country(c), Leaf::Id) => string(out, &encode(Kind::Country, c.alpha2())),
            (Obj::Organisation(id), Leaf::Slug) => string(out, s.organisation(id).slug.as_str()),
            (Obj::Programme(id), Leaf::Slug) => string(out, s.programme(id).slug.as_str()),
            (Obj::Project(id), Leaf::Slug) => string(out, s.project(id).slug.as_str()),
            (Obj::Activity(id), Leaf::Slug) => string(out, &s.activity_slug(id)),
            (Obj::Organisation(id), Leaf::Name) => string(out, &s.organisation(id).name),
            (Obj::Programme(id), Leaf::Name) => string(out, &s.programme(id).name),
            (Obj::Organisation(id), Leaf::Acronym) => {
                optional(out, s.organisation(id).acronym.as_deref())
            }
            (Obj::Programme(id), Leaf::Acronym) => {
                optional(out, s.programme(id).acronym.as_deref())
            }
            (Obj::Project(id), Leaf::Acronym) => optional(out, s.project(id).acronym.as_deref()),
            (Obj::Organisation(id), Leaf::Description) => {
                optional(out, s.organisation(id).description.as_deref())
            }
            (Obj::Programme(id), Leaf::Description) => {
                optional(out, s.programme(id).description.as_deref())
            }
            (Obj::Activity(id), Leaf::Description) => string(out, &s.activity(id).description),
            (Obj::Project(id), Leaf::Title) => string(out, &s.project(id).title),
            (Obj::Project(id), Leaf::Objective) => {
                optional(out, s.project(id).objective.as_deref())
            }
            (Obj::Activity(id), Leaf::Position) => integer(out, s.activity(id).position as i32),
            (Obj::Country(c), Leaf::Code) => string(out, c.alpha2()),
            (Obj::Country(c), Leaf::CountryName) => string(out, c.name()),
            (Obj::Participation(p), Leaf::Role) => {
                let role = Role::from(p.role);
                match Role::items().iter().find(|i| i.value == role) {
                    Some(item) => string(out, item.name),
                    None => out.extend_from_slice(b"null"),
                }
            }
            (Obj::Period(p), Leaf::Start) => date(out, p.start()),
            (Obj::Period(p), Leaf::End) => date(out, p.end()),
            (Obj::Period(p), Leaf::StartYear) => number(out, p.start().map(|d| d.year())),
            (Obj::Period(p), Leaf::EndYear) => number(out, p.end().map(|d| d.year())),
            (Obj::Money(m), Leaf::Amount) => decimal(out, m.amount()),
            (Obj::Money(m), Leaf::Currency) => string(out, m.currency().code()),
            (Obj::Money(m), Leaf::Approximate) => boolean(out, m.approximate()),
            (Obj::Money(m), Leaf::Text) => optional(out, m.text()),
            (Obj::Total(t, rounded), Leaf::Amount) => {
                let amount = if rounded {
                    shown(t.amount, 2).0
                } else {
                    t.amount
                };
                string(out, &amount.to_string())
            }
            (Obj::Total(t, _), Leaf::Currency) => string(out, t.currency.code()),
            (Obj::Total(t, _), Leaf::Approximate) => boolean(out, t.approximate),
            (Obj::Total(..), Leaf::Text) => out.extend_from_slice(b"null"),
            (Obj::Row(r), Leaf::Key) => optional(out, r.key.as_deref()),
            (Obj::Row(r), Leaf::Label) => string(out, &r.label),
            (Obj::Row(r), Leaf::ProjectCount) => number(
                out,
                Some(i32::try_from(r.project_count).unwrap_or(i32::MAX)),
            ),
            (Obj::Row(r), Leaf::RecordCount) => {
                number(out, Some(i32::try_from(r.record_count).unwrap_or(i32::MAX)))
            }
            _ => out.extend_from_slice(b"null"),
        }
    }
}

/// An argument's value with its variables replaced by the request's values (or
/// their defaults; null when neither is given).
fn bind(value: &Value, vars: &Variables, defaults: &HashMap<Name, ConstValue>) -> ConstValue {
    value
        .clone()
        .into_const_with(|name| {
            Ok::<_, std::convert::Infallible>(
                vars.get(&name)
                    .or_else(|| defaults.get(&name))
                    .cloned()
                    .unwrap_or(ConstValue::Null),
            )
        })
        .unwrap_or(ConstValue::Null)
}

/// The raw index of a record id, for levels that hold any record type.
trait Raw: Record + Send + Sync + 'static {
    fn raw(self) -> u32;
}

macro_rules! raw {
    ($($id:ident),*) => {$(
        impl Raw for $id {
            fn raw(self) -> u32 {
                self.0
            }
        }
    )*};
}

raw!(
    OrganisationId,
    ProgrammeId,
    ProjectId,
    ActivityId,
    ContributionId
);

/// Pages every parent's list, laying the pages end to end: the ids, each
/// parent's range of them, where each page starts in its list and the list's
/// length, and the order for cursors. The next levels are left to fill.
fn gather<Id: Raw, L: AsRef<[Id]>>(
    s: &Store,
    page: &PageArgs,
    lists: impl IntoIterator<Item = L>,
    order: Order<Id>,
    orders: fn(Order<Id>) -> Orders,
) -> Batch {
    let mut ids = Vec::new();
    let mut ranges = Vec::new();
    let mut extents = Vec::new();
    for list in lists {
        let list = list.as_ref();
        let w = page.window(s, list, order);
        extents.push((w.start, list.len()));
        let start = ids.len();
        ids.extend(list[w].iter().map(|&id| id.raw()));
        ranges.push(start..ids.len());
    }
    Batch {
        ids,
        ranges,
        extents,
        order: orders(order),
        levels: Vec::new(),
    }
}

/// Writes a JSON string. Most need no escape and are copied whole; the rest
/// are escaped as serde_json does.
fn string(out: &mut Vec<u8>, s: &str) {
    if needs_escape(s.as_bytes()) {
        let _ = serde_json::to_writer(&mut *out, s);
    } else {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

/// Writes a decimal as the `Decimal` scalar does: a string, whole numbers
/// without a formatter.
fn decimal(out: &mut Vec<u8>, d: rust_decimal::Decimal) {
    out.push(b'"');
    if d.scale() == 0 && !(d.is_zero() && d.is_sign_negative()) {
        out.extend_from_slice(itoa::Buffer::new().format(d.mantissa()).as_bytes());
    } else {
        out.extend_from_slice(d.to_string().as_bytes());
    }
    out.push(b'"');
}

/// Writes a date as the `PartialDate` scalar does, or null.
fn date(out: &mut Vec<u8>, d: Option<model::PartialDate>) {
    let Some(d) = d else {
        return out.extend_from_slice(b"null");
    };
    match d.encode(&mut [0; 10]) {
        Some(text) => string(out, text),
        None => string(out, &d.to_string()),
    }
}

/// Whether any byte is a control character, `"` or `\\`: eight bytes at a time.
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Some byte of `w` is zero.
    let zero = |w: u64| w.wrapping_sub(ONES) & !w & HIGHS != 0;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        // Bytes under 0x20, or equal to a quote or a backslash.
        let control = w.wrapping_sub(ONES * 0x20) & !w & HIGHS != 0;
        if control || zero(w ^ (ONES * u64::from(b'"'))) || zero(w ^ (ONES * u64::from(b'\\'))) {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

fn integer(out: &mut Vec<u8>, n: i32) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

fn optional<S: AsRef<str>>(out: &mut Vec<u8>, s: Option<S>) {
    match s {
        Some(s) => string(out, s.as_ref()),
        None => out.extend_from_slice(b"null"),
    }
}

fn boolean(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

fn number(out: &mut Vec<u8>, n: Option<i32>) {
    match n {
        Some(n) => integer(out, n),
        None => out.extend_from_slice(b"null"),
    }
}

fn list<T>(out: &mut Vec<u8>, items: &[T], mut each: impl FnMut(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(out, item);
    }
    out.push(b']');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_written_as_the_schema_writes_them() {
        for text in [
            "65640508",
            "16.632",
            "-5",
            "0",
            "-0",
            "-0.00",
            "1200000.50",
            "0.0001",
        ] {
            let d: rust_decimal::Decimal = text.parse().unwrap();
            let mut out = Vec::new();
            decimal(&mut out, d);
            let expected = serde_json::to_string(&d.to_string()).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), expected, "{text}");
        }
        let mut out = Vec::new();
        string(&mut out, "plain ünïcode");
        string(&mut out, "a \"quote\", a \\ and a\ttab");
        for text in [
            "",
            "1234567",
            "12345678\"",
            "abc\u{1}defgh",
            "abcdefg\"",
            "ab\"cdefghij",
            "ok\u{1f}",
            "back\\slash....",
            "ünïcödé ünïcödé",
        ] {
            assert_eq!(
                needs_escape(text.as_bytes()),
                text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\'),
                "{text:?}"
            );
        }
        let expected = [
            serde_json::to_string("plain ünïcode").unwrap(),
            serde_json::to_string("a \"quote\", a \\ and a\ttab").unwrap(),
        ]
        .concat();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }
}
