//! Any bytes as an IATI file give a store or problems, never a panic; and a valid
//! file cut or spliced anywhere still does.

mod common;

use proptest::prelude::*;

const VALID: &str = r#"<?xml version="1.0"?>
<iati-activities version="2.03">
 <iati-activity default-currency="USD" xml:lang="en">
  <iati-identifier>XM-DAC-41302-1</iati-identifier>
  <reporting-org ref="XM-DAC-41302" type="40"><narrative>ILO</narrative></reporting-org>
  <title><narrative>A &amp; B</narrative></title>
  <participating-org ref="GB-1" role="1"><narrative>UK</narrative></participating-org>
  <activity-date type="2" iso-date="2020-01-01"/>
  <recipient-country code="KH" percentage="100"/>
  <sector code="16020" percentage="100"/>
  <budget type="1" status="1"><period-start iso-date="2020-01-01"/><period-end iso-date="2020-12-31"/>
   <value value-date="2020-01-01">10</value></budget>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2020-02-01"/>
   <value value-date="2020-02-01">5</value><receiver-org><narrative>X</narrative></receiver-org></transaction>
  <related-activity type="1" ref="XM-DAC-41302-0"/>
 </iati-activity>
 <iati-activity>
  <iati-identifier>XM-DAC-41302-0</iati-identifier>
 </iati-activity>
</iati-activities>
"#;

fn loads_or_refuses(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    match common::load_iati(&[("any.xml", &text)]) {
        Ok((store, _)) => assert!(store.projects().len() + store.programmes().len() <= 2),
        Err(problems) => assert!(!problems.is_empty()),
    }
}

#[test]
fn the_valid_file_loads() {
    let (store, warnings) = common::load_iati(&[("any.xml", VALID)]).unwrap();
    assert_eq!(
        (store.programmes().len(), store.projects().len()),
        (1, 1),
        "{warnings}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        loads_or_refuses(&bytes);
    }

    #[test]
    fn a_valid_file_cut_anywhere(at in 0..VALID.len()) {
        loads_or_refuses(&VALID.as_bytes()[..at]);
    }

    #[test]
    fn a_valid_file_with_bytes_spliced_in(at in 0..VALID.len(), junk in "[<>&/\"= a-z0-9-]{1,12}") {
        let mut bytes = VALID.as_bytes().to_vec();
        bytes.splice(at..at, junk.bytes());
        loads_or_refuses(&bytes);
    }
}
