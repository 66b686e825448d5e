//! Any bytes as an IATI file beside the seed dataset: the loader returns a store
//! (with warnings) or problems, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data");
    let dir = tempfile::tempdir().unwrap();
    for file in coopgraph_data::DataFile::ALL.map(|f| f.name()) {
        std::fs::copy(real.join(file), dir.path().join(file)).unwrap();
    }
    std::fs::create_dir(dir.path().join("iati")).unwrap();
    std::fs::write(dir.path().join("iati/fuzz.xml"), bytes).unwrap();
    if let Err(problems) = coopgraph_iati::load(dir.path()) {
        assert!(problems.0.iter().any(|p| p.is_error()));
    }
});
