//! Opaque global ids: the type and the slug, base64-encoded, so that an id stays
//! the same across reloads of the dataset.

use async_graphql::ID;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The types a global id can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Organisation,
    Programme,
    Project,
    Activity,
    Contribution,
    Country,
}

impl Kind {
    const ALL: [(Kind, &'static str); 6] = [
        (Kind::Organisation, "Organisation"),
        (Kind::Programme, "Programme"),
        (Kind::Project, "Project"),
        (Kind::Activity, "Activity"),
        (Kind::Contribution, "Contribution"),
        (Kind::Country, "Country"),
    ];

    fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map(|(_, n)| *n)
            .unwrap_or_default()
    }
}

/// The global id of the record of `kind` with this key (a slug, or a country code).
pub fn encode(kind: Kind, key: &str) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{key}", kind.name())))
}

/// Reads a global id back into its type and key; `None` if it is not one of ours.
pub fn decode(id: &str) -> Option<(Kind, String)> {
    let bytes = URL_SAFE_NO_PAD.decode(id).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (name, key) = text.split_once(':')?;
    let kind = Kind::ALL.iter().find(|(_, n)| *n == name)?.0;
    Some((kind, key.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_garbage() {
        let id = encode(Kind::Project, "timor-leste-stage");
        assert_eq!(
            decode(&id),
            Some((Kind::Project, "timor-leste-stage".to_owned()))
        );
        assert_eq!(decode("not base64!"), None);
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("Planet:mars")), None);
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("no colon")), None);
    }
}
