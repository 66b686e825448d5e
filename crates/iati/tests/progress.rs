//! Progress of a load, as `check`'s bar and `serve`'s log lines show it: every
//! byte of every file counted once, ending at the total announced at the start,
//! with every record made counted.

mod common;

use std::path::Path;
use std::sync::Mutex;

use coopgraph_data::Progress;

#[derive(Default)]
struct Seen {
    total: Mutex<Option<u64>>,
    read: Mutex<Vec<u64>>,
    records: Mutex<u64>,
}

impl Progress for Seen {
    fn start(&self, bytes: u64) {
        *self.total.lock().unwrap() = Some(bytes);
    }

    fn advance(&self, bytes: u64, records: u64) {
        self.read.lock().unwrap().push(bytes);
        *self.records.lock().unwrap() += records;
    }
}

#[test]
fn a_load_reports_every_byte_once_and_every_record() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    coopgraph_iati::generate(5_000, 7, data).unwrap();
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    for f in coopgraph_data::DataFile::ALL {
        std::fs::copy(seed.join(f.name()), data.join(f.name())).unwrap();
    }
    let seen = Seen::default();
    let store = coopgraph_iati::load_reporting(data, &seen).unwrap();

    let mut bytes = 0;
    for entry in std::fs::read_dir(data.join("iati")).unwrap() {
        bytes += entry.unwrap().metadata().unwrap().len();
    }
    for f in coopgraph_data::DataFile::ALL {
        bytes += std::fs::metadata(data.join(f.name())).unwrap().len();
    }
    assert_eq!(*seen.total.lock().unwrap(), Some(bytes));
    let read = seen.read.lock().unwrap();
    assert_eq!(read.iter().sum::<u64>(), bytes, "every byte counted once");
    assert!(
        read.len() > 5,
        "progress comes in steps, not at the end: {}",
        read.len()
    );
    let s = store.stats();
    let records = s.organisations + s.programmes + s.projects + s.contributions;
    let counted = *seen.records.lock().unwrap() as usize;
    // Records counted as read include documents and themes, which stats leave out.
    let extra = store.documents().len() + store.themes().len();
    assert_eq!(counted, records + extra, "every record counted");
}
