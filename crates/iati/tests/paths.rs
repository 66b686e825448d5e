//! Following money across publishers: a donor's activity disburses to the ILO,
//! whose own activity names the donor's as the provider of its incoming funds.

mod common;

use coopgraph_data::query::funding_paths;
use coopgraph_model::Recipient;

const DONOR: &str = r#"<iati-activities version="2.03">
 <iati-activity default-currency="USD">
  <iati-identifier>GB-GOV-1-300</iati-identifier>
  <reporting-org ref="GB-GOV-1" type="10"><narrative>UK</narrative></reporting-org>
  <title><narrative>Jobs fund</narrative></title>
  <participating-org ref="GB-GOV-1" role="1" type="10"/>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2020-01-10"/>
   <value value-date="2020-01-10">1000000</value>
   <receiver-org ref="XM-DAC-41302" receiver-activity-id="XM-DAC-41302-J"><narrative>ILO</narrative></receiver-org>
  </transaction>
 </iati-activity>
</iati-activities>
"#;

const ILO: &str = r#"<iati-activities version="2.03">
 <iati-activity default-currency="USD">
  <iati-identifier>XM-DAC-41302-J</iati-identifier>
  <reporting-org ref="XM-DAC-41302" type="40"><narrative>ILO</narrative></reporting-org>
  <title><narrative>Youth jobs in Ghana</narrative></title>
  <transaction><transaction-type code="1"/><transaction-date iso-date="2020-02-01"/>
   <value value-date="2020-02-01">1000000</value>
   <provider-org ref="GB-GOV-1" provider-activity-id="GB-GOV-1-300"><narrative>UK</narrative></provider-org>
  </transaction>
 </iati-activity>
</iati-activities>
"#;

#[test]
fn money_is_followed_across_two_publishers_activities() {
    let (store, warnings) = common::load_iati(&[("uk.xml", DONOR), ("ilo.xml", ILO)]).unwrap();
    assert_eq!(warnings, "");
    let name = |r: Recipient| match r {
        Recipient::Organisation(o) => store.organisation(o).slug.to_string(),
        Recipient::Programme(p) => store.programme(p).slug.to_string(),
        Recipient::Project(p) => store.project(p).slug.to_string(),
    };
    let found: Vec<String> = funding_paths(&store, "gb-gov-1", "xm-dac-41302-j", 4)
        .unwrap()
        .iter()
        .map(|p| {
            let names: Vec<String> = std::iter::once(name(p.steps[0].from))
                .chain(p.steps.iter().map(|s| name(s.to)))
                .collect();
            names.join(" -> ")
        })
        .collect();
    // The disbursement names the ILO's activity as receiving it; the ILO's incoming
    // funds name the UK's as providing them; the UK funds its own activity.
    assert!(
        found.contains(&"gb-gov-1 -> xm-dac-41302-j".to_owned()),
        "{found:#?}"
    );
    assert!(
        found.contains(&"gb-gov-1 -> gb-gov-1-300 -> xm-dac-41302-j".to_owned()),
        "{found:#?}"
    );
    let disbursement = store
        .contributions()
        .iter()
        .find(|c| c.slug.as_str() == "gb-gov-1-300-t1")
        .unwrap();
    assert!(matches!(
        disbursement.receiver_activity,
        Some(Recipient::Project(_))
    ));
    let incoming = store
        .contributions()
        .iter()
        .find(|c| c.slug.as_str() == "xm-dac-41302-j-t1")
        .unwrap();
    assert!(matches!(
        incoming.provider_activity,
        Some(Recipient::Project(_))
    ));
}

#[test]
fn activity_links_survive_an_export() {
    let (store, _) = common::load_iati(&[("uk.xml", DONOR), ("ilo.xml", ILO)]).unwrap();
    let mut xml = Vec::new();
    let today = coopgraph_model::PartialDate::parse("2026-11-28").unwrap();
    coopgraph_iati::export(&store, None, today, &mut xml).unwrap();
    let xml = String::from_utf8(xml).unwrap();
    assert!(
        xml.contains("receiver-activity-id=\"XM-DAC-41302-J\""),
        "{xml}"
    );
    assert!(
        xml.contains("provider-activity-id=\"GB-GOV-1-300\""),
        "{xml}"
    );
}
