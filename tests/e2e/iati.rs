//! A directory of IATI files alone, served by the binary: the new fields over
//! GraphQL, filters on the IATI transaction kinds, warnings in the log at start,
//! and a file added and read on SIGHUP.

use std::process::Command;

use serde_json::json;

use crate::App;

const PARENT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
 <iati-activity default-currency="USD" hierarchy="1" xml:lang="en">
  <iati-identifier>XM-DAC-41302-P</iati-identifier>
  <reporting-org ref="XM-DAC-41302" type="40"><narrative>International Labour Organization</narrative></reporting-org>
  <title><narrative>Skills for employment</narrative></title>
  <participating-org ref="XM-DAC-41302" role="4" type="40"/>
 </iati-activity>
 <iati-activity default-currency="USD" hierarchy="2">
  <iati-identifier>XM-DAC-41302-P-1</iati-identifier>
  <reporting-org ref="XM-DAC-41302" type="40"><narrative>International Labour Organization</narrative></reporting-org>
  <title><narrative xml:lang="es">Empleo juvenil en Perú</narrative></title>
  <participating-org ref="JP-GOV" role="1" type="10"><narrative>Government of Japan</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date type="2" iso-date="2020-01-15"/>
  <recipient-country code="PE" percentage="60"/>
  <recipient-country code="BO" percentage="40"/>
  <sector code="16020" percentage="100"/>
  <budget type="1" status="2"><period-start iso-date="2020-01-01"/><period-end iso-date="2020-12-31"/>
   <value value-date="2020-01-01">250000</value></budget>
  <transaction><transaction-type code="1"/><transaction-date iso-date="2020-02-01"/>
   <value value-date="2020-02-01">200000</value><provider-org ref="JP-GOV"/></transaction>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2020-03-01"/>
   <value currency="EUR" value-date="2020-03-01">-5000</value></transaction>
  <transaction><transaction-type code="12"/><value value-date="2020-01-01">9</value></transaction>
  <related-activity type="1" ref="XM-DAC-41302-P"/>
  <related-activity type="1" ref="XM-DAC-41302-GONE"/>
 </iati-activity>
</iati-activities>
"#;

const QUERY: &str = r#"{
  parent: iatiActivity(identifier: "XM-DAC-41302-P") { __typename ... on Programme { name iatiIdentifier projects(first: 5) { nodes { iatiIdentifier } } } }
  child: iatiActivity(identifier: "XM-DAC-41302-P-1") {
    __typename
    ... on Project {
      title language status iatiIdentifier
      period { start }
      budget { amount currency }
      budgets { period { start end } amount { amount currency } kind status valueDate }
      countryShares { country { code } percentage }
      themeShares { theme { slug name code vocabulary } percentage }
      source { document section }
    }
  }
  none: iatiActivity(identifier: "nope") { __typename }
  paid: contributions(filter: { kind: [DISBURSEMENT] }) { nodes { amount { amount currency } valueDate } }
  summary: fundingSummary(groupBy: DONOR, measure: CONTRIBUTIONS) { label totals { amount currency } }
}"#;

#[cfg(unix)]
#[test]
fn iati_files_alone_are_a_dataset_served_and_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("iati")).unwrap();
    std::fs::write(dir.path().join("iati/ilo.xml"), PARENT).unwrap();
    let crate::Served {
        child,
        mut log,
        addr,
        ..
    } = crate::serve_binary(dir.path(), &[]);
    let mut next_line = || log.next().unwrap().unwrap();
    let mut line = next_line();
    while !line.contains("warning: related activity") {
        line = next_line();
    }
    assert!(
        line.contains(
            "iati/ilo.xml:27: warning: related activity `XM-DAC-41302-GONE` is not in the data"
        ),
        "{line}"
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = App {
        url: format!("http://{addr}"),
        client: reqwest::Client::new(),
    };
    let data = runtime.block_on(app.data(QUERY, json!({})));
    expect_test::expect_file!["snapshots/iati.json"].assert_eq(&crate::pretty(&data));

    // A second publisher's file, read on SIGHUP.
    let other = PARENT
        .replace("XM-DAC-41302-P", "GB-GOV-1-P")
        .replace("XM-DAC-41302-GONE", "GB-GOV-1-P");
    std::fs::write(dir.path().join("iati/uk.xml"), other).unwrap();
    let ok = Command::new("kill")
        .args(["-HUP", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    let mut line = next_line();
    while !line.contains("reloaded") {
        line = next_line();
    }
    let found = runtime.block_on(app.data(
        r#"{ iatiActivity(identifier: "GB-GOV-1-P-1") { ... on Project { title } } }"#,
        json!({}),
    ));
    assert_eq!(found["iatiActivity"]["title"], "Empleo juvenil en Perú");
}
