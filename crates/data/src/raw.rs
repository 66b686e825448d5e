//! Records as written in the data files, before their values are parsed and their
//! links resolved. Fields that can be wrong keep their place in the file.
//!
//! Readers other than the TOML one (IATI XML, see [`crate::Import`]) fill the same
//! records, with spans that are line numbers; what only they can state comes in
//! fields that TOML files cannot set, already checked by the reader.

use coopgraph_model::{IatiDetails, Share};
use serde::Deserialize;
use toml::Spanned;

/// A text with its place in the file: a byte range in a TOML file, `line..line`
/// from other readers.
pub type Text = Spanned<String>;

/// A source document: `[[document]]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Its slug.
    pub slug: Text,
    /// Its title.
    pub title: String,
}

/// A theme: `[[theme]]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    /// Its slug.
    pub slug: Text,
    /// Its name.
    pub name: String,
    /// Its code in `vocabulary`.
    pub code: Option<String>,
    /// The IATI sector vocabulary of its code.
    pub vocabulary: Option<String>,
    /// Where the source names the theme, in its own words.
    pub source: Option<Source>,
}

/// Where a record comes from.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The document's slug.
    pub document: Text,
    /// The section in the document.
    pub section: Option<String>,
    /// The phrase as written.
    pub quote: Option<String>,
}

/// An amount of money.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Money {
    /// The amount, as decimal digits.
    pub amount: Text,
    /// The ISO 4217 currency code.
    pub currency: Text,
    /// Whether the source gives it as approximate.
    #[serde(default)]
    pub approximate: bool,
    /// The figure as the source writes it.
    pub text: Option<String>,
    /// Whether a negative amount is kept (a reversal in IATI) rather than refused.
    #[serde(skip)]
    pub signed: bool,
}

/// An organisation's role in a programme or project.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    /// The organisation's slug.
    pub organisation: Text,
    /// The role's name, such as `FUNDING`.
    pub role: Text,
}

/// A named place in a country.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// The place's name.
    pub name: String,
    /// Its country's ISO 3166-1 alpha-2 code.
    pub country: Text,
}

/// An organisation: `[[organisation]]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// Its slug.
    pub slug: Text,
    /// Its full name.
    pub name: String,
    /// Its short name.
    pub acronym: Option<String>,
    /// The name of its kind, such as `GOVERNMENT`.
    pub kind: Text,
    /// Its IATI organisation identifier.
    pub iati_ref: Option<String>,
    /// The slug of the organisation it is part of.
    pub parent: Option<Text>,
    /// The country it is based in.
    pub country: Option<Text>,
    /// Names it was known by before.
    #[serde(default)]
    pub former_names: Vec<String>,
    /// What the source says of it.
    pub description: Option<String>,
    /// Where it comes from.
    pub source: Source,
}

/// A programme: `[[programme]]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Programme {
    /// Its slug.
    pub slug: Text,
    /// Its full name.
    pub name: String,
    /// Its short name.
    pub acronym: Option<String>,
    /// The name of its funding modality.
    pub modality: Option<Text>,
    /// When it starts.
    pub start: Option<Text>,
    /// When it ends.
    pub end: Option<Text>,
    /// What the source says of it.
    pub description: Option<String>,
    /// The slug of the programme it runs within.
    pub parent: Option<Text>,
    /// The slug of the programme it grew out of.
    pub predecessor: Option<Text>,
    /// Who takes part, in which role.
    #[serde(default)]
    pub participants: Vec<Participant>,
    /// Where it comes from.
    pub source: Source,
    /// What its IATI activity states, from an IATI reader.
    #[serde(skip)]
    pub iati: Option<Box<Iati>>,
}

/// What an IATI activity states beyond the common fields, already checked by its
/// reader: `details` without its shares, and the shares' percentages, which line up
/// with the record's `countries` and `themes`.
#[derive(Default)]
pub struct Iati {
    /// Identifier, budgets, status and language; its shares and reporting
    /// organisation are filled in on resolving.
    pub details: IatiDetails,
    /// The slug of the organisation that published the activity.
    pub reporting: Option<Text>,
    /// The percentage of each of the record's countries.
    pub country_percentages: Vec<Option<Share>>,
    /// The percentage of each of the record's themes.
    pub theme_percentages: Vec<Option<Share>>,
}

/// A project: `[[project]]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// Its slug.
    pub slug: Text,
    /// Its title.
    pub title: String,
    /// Its short name.
    pub acronym: Option<String>,
    /// What it aims to do.
    pub objective: Option<String>,
    /// The countries it works in.
    #[serde(default)]
    pub countries: Vec<Text>,
    /// The places it works in.
    #[serde(default)]
    pub places: Vec<Place>,
    /// When it starts.
    pub start: Option<Text>,
    /// When it ends.
    pub end: Option<Text>,
    /// Its total budget.
    pub budget: Option<Money>,
    /// Who takes part, in which role.
    #[serde(default)]
    pub participants: Vec<Participant>,
    /// The slugs of its themes.
    #[serde(default)]
    pub themes: Vec<Text>,
    /// The slug of its programme.
    pub programme: Option<Text>,
    /// Its work plan.
    #[serde(default, rename = "activity")]
    pub activities: Vec<Activity>,
    /// Where it comes from.
    pub source: Source,
    /// What its IATI activity states, from an IATI reader.
    #[serde(skip)]
    pub iati: Option<Box<Iati>>,
}

/// An item of a project's work plan: `[[project.activity]]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    /// What is done.
    pub description: String,
    /// Defaults to the project's source.
    pub source: Option<Source>,
}

/// What a contribution is paid to: exactly one of the three.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    /// An organisation's slug.
    pub organisation: Option<Text>,
    /// A programme's slug.
    pub programme: Option<Text>,
    /// A project's slug.
    pub project: Option<Text>,
}

/// A contribution: `[[contribution]]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contribution {
    /// Its slug.
    pub slug: Text,
    /// The slug of the organisation that pays.
    pub from: Text,
    /// What is paid, where the source names it.
    pub to: Option<Spanned<Recipient>>,
    /// The name of its kind, such as `GRANT`.
    pub kind: Text,
    /// How much.
    pub amount: Option<Money>,
    /// The same amount in another currency.
    pub equivalent: Option<Money>,
    /// When, for a single payment.
    pub date: Option<Text>,
    /// The date the amount's currency value is taken at.
    pub value_date: Option<Text>,
    /// When a lasting flow starts.
    pub start: Option<Text>,
    /// When a lasting flow ends.
    pub end: Option<Text>,
    /// The share of a total it represents, in per cent.
    pub share: Option<Text>,
    /// The slug of the organisation the money passed through.
    pub channel: Option<Text>,
    /// The slug of the larger contribution this one is part of.
    pub part_of: Option<Text>,
    /// Whether the amount is per year.
    #[serde(default)]
    pub per_year: bool,
    /// The slug of the programme or project the money came from, from IATI.
    #[serde(skip)]
    pub provider_activity: Option<Text>,
    /// The slug of the programme or project the money went to, from IATI.
    #[serde(skip)]
    pub receiver_activity: Option<Text>,
    /// What the money is for.
    pub description: Option<String>,
    /// Where it comes from.
    pub source: Source,
}
