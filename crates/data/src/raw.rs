//! Records as written in the data files, before their values are parsed and their
//! links resolved. Fields that can be wrong keep their place in the file.

use serde::Deserialize;
use toml::Spanned;

/// A text with its place in the file.
pub type Text = Spanned<String>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub slug: Text,
    pub title: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    pub slug: Text,
    pub name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub document: Text,
    pub section: Option<String>,
    pub quote: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Money {
    pub amount: Text,
    pub currency: Text,
    #[serde(default)]
    pub approximate: bool,
    pub text: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    pub organisation: Text,
    pub role: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub name: String,
    pub country: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub slug: Text,
    pub name: String,
    pub acronym: Option<String>,
    pub kind: Text,
    pub iati_ref: Option<String>,
    pub parent: Option<Text>,
    pub country: Option<Text>,
    #[serde(default)]
    pub former_names: Vec<String>,
    pub description: Option<String>,
    pub source: Source,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Programme {
    pub slug: Text,
    pub name: String,
    pub acronym: Option<String>,
    pub modality: Option<Text>,
    pub start: Option<Text>,
    pub end: Option<Text>,
    pub description: Option<String>,
    pub parent: Option<Text>,
    pub predecessor: Option<Text>,
    #[serde(default)]
    pub participants: Vec<Participant>,
    pub source: Source,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub slug: Text,
    pub title: String,
    pub acronym: Option<String>,
    pub objective: Option<String>,
    #[serde(default)]
    pub countries: Vec<Text>,
    #[serde(default)]
    pub places: Vec<Place>,
    pub start: Option<Text>,
    pub end: Option<Text>,
    pub budget: Option<Money>,
    #[serde(default)]
    pub participants: Vec<Participant>,
    #[serde(default)]
    pub themes: Vec<Text>,
    pub programme: Option<Text>,
    #[serde(default, rename = "activity")]
    pub activities: Vec<Activity>,
    pub source: Source,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    pub description: String,
    /// Defaults to the project's source.
    pub source: Option<Source>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    pub organisation: Option<Text>,
    pub programme: Option<Text>,
    pub project: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contribution {
    pub slug: Text,
    pub from: Text,
    pub to: Spanned<Recipient>,
    pub kind: Text,
    pub amount: Option<Money>,
    pub equivalent: Option<Money>,
    pub date: Option<Text>,
    pub start: Option<Text>,
    pub end: Option<Text>,
    pub share: Option<Text>,
    pub channel: Option<Text>,
    pub description: Option<String>,
    pub source: Source,
}
