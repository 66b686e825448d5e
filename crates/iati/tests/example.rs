//! The IATI standard's annotated 2.03 example (every element once) loads, and
//! every field the mapping reads is checked.

mod common;

use expect_test::expect;

#[test]
fn the_annotated_example_maps_every_field() {
    let xml = common::reference("activity-standard-example-annotated.xml");
    let (store, warnings) = common::load_iati(&[("example.xml", &xml)]).unwrap();
    expect![[r#"
        organisation aa-aaa-123456789 "Organisation name" kind=MULTILATERAL iatiRef=Some("AA-AAA-123456789") (example.xml § AA-AAA-123456789-ABC123)
        organisation bb-bbb-123456789 "Name of Agency B" kind=MULTILATERAL iatiRef=Some("BB-BBB-123456789") (example.xml § AA-AAA-123456789-ABC123)
        organisation cc-ccc-123456789 "Name of Agency C" kind=GOVERNMENT iatiRef=Some("CC-CCC-123456789") (example.xml § AA-AAA-123456789-ABC123)
        theme dac-111 "Education, Level Unspecified" vocabulary=Some("2") code=Some("111")
        theme dac-112 "Basic Education" vocabulary=Some("2") code=Some("112")
        theme sector-99-aa-aaa-123456789-a1 "A description of the sector" vocabulary=Some("99") code=Some("A1")
        project aa-aaa-123456789-abc123 "Activity title" id=AA-AAA-123456789-ABC123 lang=Some("en") status=Some("IMPLEMENTATION") period=2012-04-28..2015-12-31 programme=None (example.xml § AA-AAA-123456789-ABC123)
          objective Some("Objectives for the activity, for example from a logical framework.")
          budget Some("3000 EUR")
          participant bb-bbb-123456789 FUNDING
          participant cc-ccc-123456789 ACCOUNTABLE
          participant aa-aaa-123456789 EXTENDING
          country AF Some("25")
          country AG Some("25")
          theme dac-111 Some("50")
          theme dac-112 Some("50")
          theme sector-99-aa-aaa-123456789-a1 Some("100")
          budget 2014-01-01..2014-12-31 3000 EUR ORIGINAL INDICATIVE valueDate=Some("2014-01-01")
        contribution aa-aaa-123456789-abc123-t1 INCOMING_FUNDS from=bb-bbb-123456789 to=organisation aa-aaa-123456789 amount=Some("1000 EUR") date=Some("2012-01-01") valueDate=Some("2012-01-01") (example.xml § AA-AAA-123456789-ABC123)
          description "Transaction description text"
    "#]].assert_eq(&common::dump(&store));
    expect!["data/iati/example.xml:307: warning: related activity `AA-AAA-123456789-6789` is not in the data: the link is not kept"].assert_eq(&warnings);
}
