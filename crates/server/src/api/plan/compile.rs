//! From a validated document to a plan: fields collected as the GraphQL
//! specification's CollectFields does (fragments inlined, `@skip`/`@include`
//! applied, fields with one response key merged, in first-seen order), each
//! mapped to what writes it. Anything outside the planned part of the schema is
//! refused with the reason, and the request goes to the reference executor.

use std::collections::HashMap;

use async_graphql::Name;
use async_graphql::Positioned;
use async_graphql::parser::types::{
    Directive, ExecutableDocument, Field as AstField, OperationDefinition, OperationType,
    Selection, SelectionSet,
};
use async_graphql_value::{ConstValue, Value};

/// A compiled operation.
pub(super) struct Plan {
    /// The root selection, on `Query`.
    pub root: Sel,
    /// Every field as written (fragments inlined, nothing merged or skipped),
    /// to price the operation as the schema's validation does.
    pub cost: Vec<Cost>,
    /// The variables' default values.
    pub defaults: HashMap<Name, ConstValue>,
    /// The variables `@skip` and `@include` read, with the values the plan was
    /// built for.
    pub conditions: Vec<(Name, bool)>,
    /// Whether the operation asks only about the schema (`__schema`, `__type`)
    /// and takes no variables: its answer never changes, so the reference
    /// executor's first answer is kept and given again.
    pub constant: bool,
}

/// The object types the planner knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ty {
    Query,
    Organisation,
    Programme,
    Project,
    Activity,
    Contribution,
    Country,
    Participation,
    Period,
    Money,
    SummaryRow,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Query => "Query",
            Ty::Organisation => "Organisation",
            Ty::Programme => "Programme",
            Ty::Project => "Project",
            Ty::Activity => "Activity",
            Ty::Contribution => "Contribution",
            Ty::Country => "Country",
            Ty::Participation => "Participation",
            Ty::Period => "Period",
            Ty::Money => "Money",
            Ty::SummaryRow => "FundingSummaryRow",
        }
    }

    fn is_node(self) -> bool {
        matches!(
            self,
            Ty::Organisation
                | Ty::Programme
                | Ty::Project
                | Ty::Activity
                | Ty::Contribution
                | Ty::Country
        )
    }
}

/// The record types a level holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Node {
    Organisation,
    Programme,
    Project,
    Activity,
    Contribution,
}

impl Node {
    fn ty(self) -> Ty {
        match self {
            Node::Organisation => Ty::Organisation,
            Node::Programme => Ty::Programme,
            Node::Project => Ty::Project,
            Node::Activity => Ty::Activity,
            Node::Contribution => Ty::Contribution,
        }
    }

    fn connection(self) -> &'static str {
        match self {
            Node::Organisation => "OrganisationConnection",
            Node::Programme => "ProgrammeConnection",
            Node::Project => "ProjectConnection",
            Node::Activity => "ActivityConnection",
            Node::Contribution => "ContributionConnection",
        }
    }

    fn edge(self) -> &'static str {
        match self {
            Node::Organisation => "OrganisationEdge",
            Node::Programme => "ProgrammeEdge",
            Node::Project => "ProjectEdge",
            Node::Activity => "ActivityEdge",
            Node::Contribution => "ContributionEdge",
        }
    }
}

/// The fields of one object, in response order.
pub(super) struct Sel {
    pub fields: Vec<Field>,
}

/// One response key: `"key":` ready to write, and what writes its value.
pub(super) struct Field {
    pub key: Box<str>,
    pub op: Op,
}

/// What writes a field's value.
pub(super) enum Op {
    /// `__typename`.
    Typename(&'static str),
    /// A scalar of the current object.
    Leaf(Leaf),
    /// An object, or a list of objects, read from the current one.
    Inline(Inline, Sel),
    /// A record looked up by slug at the root; null when none has it.
    Single(Node, Args, Sel),
    /// A connection: a page of related records for every object of the level.
    Conn(Rel, Args, Conn),
    /// `fundingSummary`: its rows.
    Summary(Args, Sel),
    /// `__schema` or `__type`, answered by the reference executor once.
    Introspection,
}

/// Scalars of the planned types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Leaf {
    Id,
    Slug,
    Name,
    Acronym,
    Title,
    Objective,
    Description,
    Position,
    Code,
    CountryName,
    Role,
    Start,
    End,
    StartYear,
    EndYear,
    Amount,
    Currency,
    Approximate,
    Text,
    Key,
    Label,
    ProjectCount,
    RecordCount,
    Kind,
    Date,
    ValueDate,
    PerYear,
    Share,
}

/// Objects read from the current object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Inline {
    /// `period` of a programme or project.
    Period,
    /// `budget` of a project; null when it has none.
    Budget,
    /// `countries` of a project.
    Countries,
    /// `participants` of a programme or project.
    Participants,
    /// `organisation` of a participation.
    Organisation,
    /// `totals` of a summary row.
    Totals,
    /// `converted` of a summary row; null without a currency.
    Converted,
    /// `unconverted` of a summary row.
    Unconverted,
    /// `perYear` of a summary row.
    PerYear,
    /// `amount` of a contribution; null when the source gives none.
    Amount,
    /// `equivalent` of a contribution; null when the source gives none.
    Equivalent,
    /// `from` of a contribution.
    From,
    /// `channel` of a contribution; null when it has none.
    Channel,
}

/// Where a connection's records come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rel {
    Contributions,
    OrganisationContributionsMade,
    OrganisationContributionsReceived,
    ProgrammeContributionsReceived,
    ProjectContributionsReceived,
    Organisations,
    Donors,
    Programmes,
    Projects,
    Activities,
    OrganisationProgrammes,
    OrganisationProjects,
    ProgrammeProjects,
    ProjectActivities,
}

/// A field's arguments as written, bound to variables when the plan runs.
pub(super) type Args = Vec<(Name, Value)>;

/// The selection of a connection.
pub(super) struct Conn {
    pub node: Node,
    pub fields: Vec<(Box<str>, ConnField)>,
    /// How many node selections (under `nodes` and `edges.node`) it holds.
    pub selections: usize,
}

/// A field of a connection.
pub(super) enum ConnField {
    Typename(&'static str),
    TotalCount,
    PageInfo(Vec<(Box<str>, PageField)>),
    /// The node selection with its index among the connection's selections.
    Nodes(usize, Sel),
    Edges(Vec<(Box<str>, EdgeField)>),
}

/// A field of `pageInfo`.
#[derive(Debug, Clone, Copy)]
pub(super) enum PageField {
    Typename,
    HasNextPage,
    HasPreviousPage,
    StartCursor,
    EndCursor,
}

/// A field of an edge.
pub(super) enum EdgeField {
    Typename(&'static str),
    Cursor,
    Node(usize, Sel),
}

/// One field as written, for pricing: a connection's page arguments and what is
/// under it.
pub(super) struct Cost {
    pub page: Option<(Option<Value>, Option<Value>)>,
    pub children: Vec<Cost>,
}

/// Why an operation is left to the reference executor.
pub(super) type Unsupported = String;

/// async-graphql answers `null` for an object whose every field is skipped,
/// where the specification has `{}`; such selections stay with it.
const EMPTY: &str = "a selection whose every field is skipped";

struct Cx<'d> {
    doc: &'d ExecutableDocument,
    vars: &'d async_graphql::Variables,
    defaults: &'d HashMap<Name, ConstValue>,
    conditions: Vec<(Name, bool)>,
}

/// Compiles the operation `name` of `doc`, reading `@skip`/`@include`
/// conditions from `vars`.
pub(super) fn compile(
    doc: &ExecutableDocument,
    name: Option<&str>,
    vars: &async_graphql::Variables,
) -> Result<Plan, Unsupported> {
    let op = operation(doc, name)?;
    if op.ty != OperationType::Query {
        return Err("not a query".into());
    }
    if !op.directives.is_empty() {
        return Err("a directive on the operation".into());
    }
    let defaults: HashMap<Name, ConstValue> = op
        .variable_definitions
        .iter()
        .filter_map(|v| {
            let d = v.node.default_value.as_ref()?;
            Some((v.node.name.node.clone(), d.node.clone()))
        })
        .collect();
    let mut cx = Cx {
        doc,
        vars,
        defaults: &defaults,
        conditions: Vec::new(),
    };
    let root = cx.sel(Ty::Query, &[&op.selection_set.node])?;
    let about_schema = |f: &Field| matches!(f.op, Op::Introspection | Op::Typename(_));
    let constant = root.fields.iter().all(about_schema);
    if constant && !op.variable_definitions.is_empty() {
        return Err("introspection with variables".into());
    }
    if !constant
        && root
            .fields
            .iter()
            .any(|f| matches!(f.op, Op::Introspection))
    {
        return Err("introspection beside data".into());
    }
    let cost = cost_of(doc, &op.selection_set.node, "Query");
    let conditions = cx.conditions;
    Ok(Plan {
        root,
        cost,
        defaults,
        conditions,
        constant,
    })
}

fn operation<'d>(
    doc: &'d ExecutableDocument,
    name: Option<&str>,
) -> Result<&'d OperationDefinition, Unsupported> {
    let mut ops = doc.operations.iter();
    let found = match name {
        Some(name) => ops.find(|(n, _)| n.is_some_and(|n| n.as_str() == name)),
        None if doc.operations.iter().count() == 1 => ops.next(),
        None => None,
    };
    found
        .map(|(_, op)| &op.node)
        .ok_or_else(|| "no single operation to run".into())
}

impl<'d> Cx<'d> {
    /// The fields of one or more selection sets on `ty`, merged by response key.
    fn collect(
        &mut self,
        on: &str,
        set: &'d SelectionSet,
        out: &mut Vec<(&'d str, Vec<&'d AstField>)>,
    ) -> Result<(), Unsupported> {
        for item in &set.items {
            match &item.node {
                Selection::Field(f) => {
                    if self.skipped(&f.node.directives)? {
                        continue;
                    }
                    let key = f.node.response_key().node.as_str();
                    match out.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, fields)) => fields.push(&f.node),
                        None => out.push((key, vec![&f.node])),
                    }
                }
                Selection::InlineFragment(frag) => {
                    if self.skipped(&frag.node.directives)? {
                        continue;
                    }
                    let cond = frag.node.type_condition.as_ref();
                    if cond.map_or(Ok(true), |c| applies(c.node.on.node.as_str(), on))? {
                        self.collect(on, &frag.node.selection_set.node, out)?;
                    }
                }
                Selection::FragmentSpread(spread) => {
                    if self.skipped(&spread.node.directives)? {
                        continue;
                    }
                    let doc = self.doc;
                    let Some(def) = doc.fragments.get(&spread.node.fragment_name.node) else {
                        return Err("an unknown fragment".into());
                    };
                    if !def.node.directives.is_empty() {
                        return Err("a directive on a fragment definition".into());
                    }
                    if applies(def.node.type_condition.node.on.node.as_str(), on)? {
                        self.collect(on, &def.node.selection_set.node, out)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether `@skip` or `@include` leaves a selection out.
    fn skipped(&mut self, directives: &[Positioned<Directive>]) -> Result<bool, Unsupported> {
        let mut skip = false;
        for d in directives {
            let name = d.node.name.node.as_str();
            let when = match name {
                "skip" => true,
                "include" => false,
                other => return Err(format!("the directive @{other}")),
            };
            let Some(value) = d.node.get_argument("if") else {
                return Err("a condition without `if`".into());
            };
            let value = match &value.node {
                Value::Boolean(b) => *b,
                Value::Variable(v) => {
                    let b = match self.vars.get(v).or_else(|| self.defaults.get(v)) {
                        Some(ConstValue::Boolean(b)) => *b,
                        _ => return Err("a condition whose variable is not a boolean".into()),
                    };
                    self.conditions.push((v.clone(), b));
                    b
                }
                _ => return Err("a condition that is not a boolean".into()),
            };
            skip |= value == when;
        }
        Ok(skip)
    }

    /// The merged selection of `sets` on `ty`, each field mapped to what writes it.
    fn sel(&mut self, ty: Ty, sets: &[&'d SelectionSet]) -> Result<Sel, Unsupported> {
        let mut collected = Vec::new();
        for set in sets {
            self.collect(ty.name(), set, &mut collected)?;
        }
        if collected.is_empty() {
            return Err(EMPTY.into());
        }
        let mut fields = Vec::with_capacity(collected.len());
        for (key, same) in collected {
            let op = self.op(ty, &same)?;
            fields.push(Field {
                key: json_key(key),
                op,
            });
        }
        Ok(Sel { fields })
    }

    /// What writes the field `same` (one or more fields with one response key).
    fn op(&mut self, ty: Ty, same: &[&'d AstField]) -> Result<Op, Unsupported> {
        let f = same[0];
        let name = f.name.node.as_str();
        let sets: Vec<&SelectionSet> = same.iter().map(|f| &f.selection_set.node).collect();
        let args: Args = f
            .arguments
            .iter()
            .map(|(n, v)| (n.node.clone(), v.node.clone()))
            .collect();
        let no_args = |op: Op| {
            if args.is_empty() {
                Ok(op)
            } else {
                Err(format!("arguments on `{}.{name}`", ty.name()))
            }
        };
        if name == "__typename" {
            return Ok(Op::Typename(ty.name()));
        }
        let leaf = |l| no_args(Op::Leaf(l));
        let node = ty.is_node();
        use Leaf as L;
        match (ty, name) {
            (Ty::Query, "organisation") => Ok(Op::Single(
                Node::Organisation,
                args,
                self.sel(Ty::Organisation, &sets)?,
            )),
            (Ty::Query, "programme") => Ok(Op::Single(
                Node::Programme,
                args,
                self.sel(Ty::Programme, &sets)?,
            )),
            (Ty::Query, "project") => Ok(Op::Single(
                Node::Project,
                args,
                self.sel(Ty::Project, &sets)?,
            )),
            (Ty::Query, "__schema" | "__type") => Ok(Op::Introspection),
            (Ty::Query, "fundingSummary") => {
                Ok(Op::Summary(args, self.inline(Ty::SummaryRow, &sets)?))
            }
            (Ty::Query, "organisations") => self.conn(Rel::Organisations, args, &sets),
            (Ty::Query, "donors") => self.conn(Rel::Donors, args, &sets),
            (Ty::Query, "programmes") => self.conn(Rel::Programmes, args, &sets),
            (Ty::Query, "projects") => self.conn(Rel::Projects, args, &sets),
            (Ty::Query, "activities") => self.conn(Rel::Activities, args, &sets),
            (Ty::Organisation, "programmes") => self.conn(Rel::OrganisationProgrammes, args, &sets),
            (Ty::Organisation, "projects") => self.conn(Rel::OrganisationProjects, args, &sets),
            (Ty::Programme, "projects") => self.conn(Rel::ProgrammeProjects, args, &sets),
            (Ty::Project, "activities") => self.conn(Rel::ProjectActivities, args, &sets),
            (Ty::Query, "contributions") => self.conn(Rel::Contributions, args, &sets),
            (Ty::Organisation, "contributionsMade") => {
                self.conn(Rel::OrganisationContributionsMade, args, &sets)
            }
            (Ty::Organisation, "contributionsReceived") => {
                self.conn(Rel::OrganisationContributionsReceived, args, &sets)
            }
            (Ty::Programme, "contributionsReceived") => {
                self.conn(Rel::ProgrammeContributionsReceived, args, &sets)
            }
            (Ty::Project, "contributionsReceived") => {
                self.conn(Rel::ProjectContributionsReceived, args, &sets)
            }
            (Ty::Contribution, "kind") => leaf(L::Kind),
            (Ty::Contribution, "date") => leaf(L::Date),
            (Ty::Contribution, "valueDate") => leaf(L::ValueDate),
            (Ty::Contribution, "perYear") => leaf(L::PerYear),
            (Ty::Contribution, "share") => leaf(L::Share),
            (Ty::Contribution, "amount") => {
                no_args(Op::Inline(Inline::Amount, self.inline(Ty::Money, &sets)?))
            }
            (Ty::Contribution, "equivalent") => no_args(Op::Inline(
                Inline::Equivalent,
                self.inline(Ty::Money, &sets)?,
            )),
            (Ty::Contribution, "from") => no_args(Op::Inline(
                Inline::From,
                self.inline(Ty::Organisation, &sets)?,
            )),
            (Ty::Contribution, "channel") => no_args(Op::Inline(
                Inline::Channel,
                self.inline(Ty::Organisation, &sets)?,
            )),
            (_, "id") if node => leaf(L::Id),
            (
                Ty::Organisation | Ty::Programme | Ty::Project | Ty::Activity | Ty::Contribution,
                "slug",
            ) => leaf(L::Slug),
            (Ty::Organisation | Ty::Programme, "name") => leaf(L::Name),
            (Ty::Organisation | Ty::Programme | Ty::Project, "acronym") => leaf(L::Acronym),
            (Ty::Organisation | Ty::Programme | Ty::Activity | Ty::Contribution, "description") => {
                leaf(L::Description)
            }
            (Ty::Project, "title") => leaf(L::Title),
            (Ty::Project, "objective") => leaf(L::Objective),
            (Ty::Activity, "position") => leaf(L::Position),
            (Ty::Country, "code") => leaf(L::Code),
            (Ty::Country, "name") => leaf(L::CountryName),
            (Ty::Participation, "role") => leaf(L::Role),
            (Ty::Period, "start") => leaf(L::Start),
            (Ty::Period, "end") => leaf(L::End),
            (Ty::Period, "startYear") => leaf(L::StartYear),
            (Ty::Period, "endYear") => leaf(L::EndYear),
            (Ty::Money, "amount") => leaf(L::Amount),
            (Ty::Money, "currency") => leaf(L::Currency),
            (Ty::Money, "approximate") => leaf(L::Approximate),
            (Ty::Money, "text") => leaf(L::Text),
            (Ty::SummaryRow, "key") => leaf(L::Key),
            (Ty::SummaryRow, "label") => leaf(L::Label),
            (Ty::SummaryRow, "projectCount") => leaf(L::ProjectCount),
            (Ty::SummaryRow, "recordCount") => leaf(L::RecordCount),
            (Ty::SummaryRow, "totals") => {
                no_args(Op::Inline(Inline::Totals, self.sel(Ty::Money, &sets)?))
            }
            (Ty::SummaryRow, "converted") => {
                no_args(Op::Inline(Inline::Converted, self.sel(Ty::Money, &sets)?))
            }
            (Ty::SummaryRow, "unconverted") => {
                no_args(Op::Inline(Inline::Unconverted, self.sel(Ty::Money, &sets)?))
            }
            (Ty::SummaryRow, "perYear") => {
                no_args(Op::Inline(Inline::PerYear, self.sel(Ty::Money, &sets)?))
            }
            (Ty::Programme | Ty::Project | Ty::Contribution, "period") => {
                no_args(Op::Inline(Inline::Period, self.sel(Ty::Period, &sets)?))
            }
            (Ty::Project, "budget") => {
                no_args(Op::Inline(Inline::Budget, self.sel(Ty::Money, &sets)?))
            }
            (Ty::Project, "countries") => no_args(Op::Inline(
                Inline::Countries,
                self.inline(Ty::Country, &sets)?,
            )),
            (Ty::Programme | Ty::Project, "participants") => no_args(Op::Inline(
                Inline::Participants,
                self.inline(Ty::Participation, &sets)?,
            )),
            (Ty::Participation, "organisation") => no_args(Op::Inline(
                Inline::Organisation,
                self.inline(Ty::Organisation, &sets)?,
            )),
            _ => Err(format!("the field `{}.{name}`", ty.name())),
        }
    }

    /// A selection on objects read from their parent, which has no level of its
    /// own: it may not hold connections or look-ups.
    fn inline(&mut self, ty: Ty, sets: &[&'d SelectionSet]) -> Result<Sel, Unsupported> {
        let sel = self.sel(ty, sets)?;
        let flat = |sel: &Sel| {
            sel.fields.iter().all(|f| match &f.op {
                Op::Typename(_) | Op::Leaf(_) => true,
                Op::Inline(_, inner) => inner
                    .fields
                    .iter()
                    .all(|f| matches!(f.op, Op::Typename(_) | Op::Leaf(_))),
                Op::Single(..) | Op::Conn(..) | Op::Summary(..) | Op::Introspection => false,
            })
        };
        if flat(&sel) {
            Ok(sel)
        } else {
            Err(format!("a connection under `{}`", ty.name()))
        }
    }

    fn conn(&mut self, rel: Rel, args: Args, sets: &[&'d SelectionSet]) -> Result<Op, Unsupported> {
        let node = match rel {
            Rel::Organisations | Rel::Donors => Node::Organisation,
            Rel::Programmes | Rel::OrganisationProgrammes => Node::Programme,
            Rel::Projects | Rel::OrganisationProjects | Rel::ProgrammeProjects => Node::Project,
            Rel::Activities | Rel::ProjectActivities => Node::Activity,
            Rel::Contributions
            | Rel::OrganisationContributionsMade
            | Rel::OrganisationContributionsReceived
            | Rel::ProgrammeContributionsReceived
            | Rel::ProjectContributionsReceived => Node::Contribution,
        };
        let mut collected = Vec::new();
        for set in sets {
            self.collect(node.connection(), set, &mut collected)?;
        }
        if collected.is_empty() {
            return Err(EMPTY.into());
        }
        let mut selections = 0;
        let mut fields = Vec::new();
        for (key, same) in collected {
            let subs: Vec<&SelectionSet> = same.iter().map(|f| &f.selection_set.node).collect();
            if !same[0].arguments.is_empty() {
                return Err("arguments on a connection's field".into());
            }
            let field = match same[0].name.node.as_str() {
                "__typename" => ConnField::Typename(node.connection()),
                "totalCount" => ConnField::TotalCount,
                "pageInfo" => ConnField::PageInfo(self.page_info(&subs)?),
                "nodes" => {
                    selections += 1;
                    ConnField::Nodes(selections - 1, self.sel(node.ty(), &subs)?)
                }
                "edges" => {
                    let mut edge = Vec::new();
                    for set in &subs {
                        self.collect(node.edge(), set, &mut edge)?;
                    }
                    if edge.is_empty() {
                        return Err(EMPTY.into());
                    }
                    let mut out = Vec::new();
                    for (key, same) in edge {
                        let subs: Vec<&SelectionSet> =
                            same.iter().map(|f| &f.selection_set.node).collect();
                        let field = match same[0].name.node.as_str() {
                            "__typename" => EdgeField::Typename(node.edge()),
                            "cursor" => EdgeField::Cursor,
                            "node" => {
                                selections += 1;
                                EdgeField::Node(selections - 1, self.sel(node.ty(), &subs)?)
                            }
                            other => return Err(format!("the field `{}.{other}`", node.edge())),
                        };
                        out.push((json_key(key), field));
                    }
                    ConnField::Edges(out)
                }
                other => return Err(format!("the field `{}.{other}`", node.connection())),
            };
            fields.push((json_key(key), field));
        }
        Ok(Op::Conn(
            rel,
            args,
            Conn {
                node,
                fields,
                selections,
            },
        ))
    }

    fn page_info(
        &mut self,
        sets: &[&'d SelectionSet],
    ) -> Result<Vec<(Box<str>, PageField)>, Unsupported> {
        let mut collected = Vec::new();
        for set in sets {
            self.collect("PageInfo", set, &mut collected)?;
        }
        if collected.is_empty() {
            return Err(EMPTY.into());
        }
        collected
            .into_iter()
            .map(|(key, same)| {
                let field = match same[0].name.node.as_str() {
                    "__typename" => PageField::Typename,
                    "hasNextPage" => PageField::HasNextPage,
                    "hasPreviousPage" => PageField::HasPreviousPage,
                    "startCursor" => PageField::StartCursor,
                    "endCursor" => PageField::EndCursor,
                    other => return Err(format!("the field `PageInfo.{other}`")),
                };
                Ok((json_key(key), field))
            })
            .collect()
    }
}

/// Whether a fragment on `cond` applies to an object of type `ty`. Of the
/// abstract types only `Node` is planned; fragments on unions go to the
/// reference executor.
fn applies(cond: &str, ty: &str) -> Result<bool, Unsupported> {
    const NODES: [&str; 6] = [
        "Organisation",
        "Programme",
        "Project",
        "Activity",
        "Contribution",
        "Country",
    ];
    match cond {
        "Node" => Ok(NODES.contains(&ty)),
        "SearchResult" | "IatiActivity" | "Recipient" | "_Entity" => {
            Err(format!("a fragment on the union `{cond}`"))
        }
        _ => Ok(cond == ty),
    }
}

/// `"key":`, escaped as JSON.
fn json_key(key: &str) -> Box<str> {
    let mut out = serde_json::to_string(key).unwrap_or_default();
    out.push(':');
    out.into_boxed_str()
}

/// Every field of `set` as written, with the page arguments of connections.
fn cost_of(doc: &ExecutableDocument, set: &SelectionSet, ty: &str) -> Vec<Cost> {
    let types = super::super::field_types();
    let mut out = Vec::new();
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => {
                let f = &f.node;
                let child = types
                    .named_type(ty, f.name.node.as_str())
                    .unwrap_or_default();
                let page = child.ends_with("Connection").then(|| {
                    let arg = |n: &str| f.get_argument(n).map(|v| v.node.clone());
                    (arg("first"), arg("last"))
                });
                out.push(Cost {
                    page,
                    children: cost_of(doc, &f.selection_set.node, &child),
                });
            }
            Selection::InlineFragment(frag) => {
                let on = frag
                    .node
                    .type_condition
                    .as_ref()
                    .map(|c| c.node.on.node.as_str());
                out.extend(cost_of(
                    doc,
                    &frag.node.selection_set.node,
                    on.unwrap_or(ty),
                ));
            }
            Selection::FragmentSpread(spread) => {
                if let Some(def) = doc.fragments.get(&spread.node.fragment_name.node) {
                    let on = def.node.type_condition.node.on.node.as_str();
                    out.extend(cost_of(doc, &def.node.selection_set.node, on));
                }
            }
        }
    }
    out
}
