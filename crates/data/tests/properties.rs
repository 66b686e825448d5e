//! Any bytes in any data file give a store or a list of problems, never a panic;
//! and every problem names a file of the dataset.

use std::path::Path;

use proptest::prelude::*;

fn real(name: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// Loads the real dataset with `name` replaced by `bytes`.
fn load_with(name: &str, bytes: &[u8]) -> Result<(), coopgraph_data::Problems> {
    let dir = tempfile::tempdir().unwrap();
    for file in coopgraph_data::DataFile::ALL.map(|f| f.name()) {
        if file == name {
            std::fs::write(dir.path().join(file), bytes).unwrap();
        } else {
            std::fs::write(dir.path().join(file), real(file)).unwrap();
        }
    }
    coopgraph_data::load(dir.path()).map(|_| ())
}

fn file_name() -> impl Strategy<Value = &'static str> {
    prop::sample::select(
        coopgraph_data::DataFile::ALL
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(name in file_name(), bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Err(problems) = load_with(name, &bytes) {
            prop_assert!(!problems.0.is_empty());
        }
    }

    #[test]
    fn edited_files_never_panic_and_name_their_place(
        name in file_name(),
        at in any::<prop::sample::Index>(),
        cut in 0usize..64,
        insert in "[\\[\\]{}=\"#a-z0-9 ,.\\n-]{0,24}",
    ) {
        let text = real(name);
        let mut start = at.index(text.len().max(1)).min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + cut).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let edited = format!("{}{insert}{}", &text[..start], &text[end..]);
        if let Err(problems) = load_with(name, edited.as_bytes()) {
            prop_assert!(!problems.0.is_empty());
            for p in &problems.0 {
                let file = p.file.file_name().unwrap().to_string_lossy().into_owned();
                prop_assert!(coopgraph_data::DataFile::ALL.iter().any(|f| f.name() == file), "{}", p);
                prop_assert!(!p.message.is_empty());
            }
        }
    }
}
