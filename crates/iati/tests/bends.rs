//! Real files bend the standard: each way they do, in a small file, kept where it
//! can be read and warned about where something had to be dropped.

mod common;

use common::{dump, load, load_iati};
use expect_test::expect;

#[test]
fn codes_of_older_versions_are_read() {
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="1.05">
 <iati-activity default-currency="GBP">
  <iati-identifier>GB-1-100</iati-identifier>
  <reporting-org ref="GB-1" type="10">Department for International Development</reporting-org>
  <title>Old style title</title>
  <description>Old style description</description>
  <participating-org role="Funding" ref="GB-1">DFID</participating-org>
  <participating-org role="Implementing">Save the Children</participating-org>
  <activity-date type="start-actual" iso-date="2009-05-01"/>
  <activity-date type="end-planned" iso-date="2012-03-31T00:00:00"/>
  <transaction>
   <transaction-type code="D"/>
   <value value-date="2010-01-01">250000</value>
   <transaction-date iso-date="2010-01-15"/>
   <receiver-org>Save the Children</receiver-org>
  </transaction>
  <transaction>
   <transaction-type code="C"/>
   <value value-date="2009-05-01">1000000</value>
  </transaction>
 </iati-activity>
</iati-activities>
"#;
    let (store, warnings) = load_iati(&[("dfid.xml", xml)]).unwrap();
    expect![[r#"
        organisation gb-1 "Department for International Development" kind=GOVERNMENT iatiRef=Some("GB-1") (dfid.xml § GB-1-100)
        organisation save-the-children "Save the Children" kind=OTHER iatiRef=None (dfid.xml § GB-1-100)
        project gb-1-100 "Old style title" id=GB-1-100 lang=None status=None period=2009-05-01..2012-03-31 programme=None (dfid.xml § GB-1-100)
          objective Some("Old style description")
          budget None
          participant gb-1 FUNDING
          participant save-the-children IMPLEMENTING
        contribution gb-1-100-t1 DISBURSEMENT from=gb-1 to=organisation save-the-children amount=Some("250000 GBP") date=Some("2010-01-15") valueDate=Some("2010-01-01") (dfid.xml § GB-1-100)
        contribution gb-1-100-t2 OUTGOING_COMMITMENT from=gb-1 to=project gb-1-100 amount=Some("1000000 GBP") date=None valueDate=Some("2009-05-01") (dfid.xml § GB-1-100)
    "#]].assert_eq(&dump(&store));
    expect!["data/iati/dfid.xml:1: warning: version 1.05 is read as 2.01–2.03; elements these versions do not have are not read"].assert_eq(&warnings);
}

#[test]
fn empty_attributes_type_codes_as_refs_and_own_currencies() {
    let xml = r#"<iati-activities version="2.02">
 <iati-activity xml:lang="" default-currency="">
  <iati-identifier>XM-DAC-41302-1</iati-identifier>
  <reporting-org ref="XM-DAC-41302" type="40"><narrative>International Labour Organization</narrative></reporting-org>
  <title><narrative>Decent work</narrative></title>
  <participating-org ref="40" role="1" type=""><narrative>Government of Japan</narrative></participating-org>
  <participating-org ref="" role="4"><narrative>Ministry of Labour</narrative></participating-org>
  <participating-org ref="10" role="2"/>
  <activity-status code=""/>
  <recipient-country code="kh" percentage=""/>
  <recipient-country code="VN" percentage="150"/>
  <recipient-country code="XX"/>
  <sector code="16020" vocabulary=""/>
  <budget>
   <period-start iso-date="2020-01-01"/>
   <period-end iso-date="2020-12-31"/>
   <value currency="USD" value-date="2020-01-01">100000</value>
  </budget>
  <budget type="" status="">
   <period-start iso-date="2021-01-01"/>
   <period-end iso-date="2021-12-31"/>
   <value value-date="2021-01-01">5000</value>
  </budget>
  <transaction>
   <transaction-type code="3"/>
   <transaction-date iso-date=""/>
   <value currency="JPY" value-date="2020-06-30">1000000</value>
  </transaction>
 </iati-activity>
</iati-activities>
"#;
    let (store, warnings) = load_iati(&[("ilo.xml", xml)]).unwrap();
    expect![[r#"
        organisation xm-dac-41302 "International Labour Organization" kind=MULTILATERAL iatiRef=Some("XM-DAC-41302") (ilo.xml § XM-DAC-41302-1)
        organisation government-of-japan "Government of Japan" kind=OTHER iatiRef=None (ilo.xml § XM-DAC-41302-1)
        organisation ministry-of-labour "Ministry of Labour" kind=OTHER iatiRef=None (ilo.xml § XM-DAC-41302-1)
        theme dac-16020 "Employment creation" vocabulary=Some("1") code=Some("16020")
        project xm-dac-41302-1 "Decent work" id=XM-DAC-41302-1 lang=None status=None period=?..? programme=None (ilo.xml § XM-DAC-41302-1)
          objective None
          budget Some("100000 USD")
          participant government-of-japan FUNDING
          participant ministry-of-labour IMPLEMENTING
          country KH None
          country VN None
          theme dac-16020 None
          budget 2020-01-01..2020-12-31 100000 USD ORIGINAL INDICATIVE valueDate=Some("2020-01-01")
        contribution xm-dac-41302-1-t1 DISBURSEMENT from=xm-dac-41302 to=project xm-dac-41302-1 amount=Some("1000000 JPY") date=None valueDate=Some("2020-06-30") (ilo.xml § XM-DAC-41302-1)
    "#]].assert_eq(&dump(&store));
    expect![[r#"
        data/iati/ilo.xml:6: warning: participating-org ref `40` is not an organisation identifier: the organisation is known by its name
        data/iati/ilo.xml:8: warning: participating-org ref `10` is not an organisation identifier and it has no name: not kept
        data/iati/ilo.xml:9: warning: unknown activity-status ``: not kept
        data/iati/ilo.xml:11: warning: invalid share `150`: expected a percentage from 0 to 100: the percentage is not kept
        data/iati/ilo.xml:12: warning: recipient-country not kept: unknown country code `XX`: expected an ISO 3166-1 alpha-2 code such as `JP`
        data/iati/ilo.xml:22: warning: budget not kept: its value has no currency and the activity no `default-currency`"#]].assert_eq(&warnings);
}

#[test]
fn reversals_and_downward_revisions_are_real_money() {
    let xml = r#"<iati-activities version="2.03">
 <iati-activity default-currency="EUR">
  <iati-identifier>XI-IATI-EC_INTPA-2019-1</iati-identifier>
  <reporting-org ref="XI-IATI-EC_INTPA" type="40"><narrative>European Commission</narrative></reporting-org>
  <title><narrative xml:lang="es">Empleo juvenil</narrative><narrative xml:lang="fr">Emploi des jeunes</narrative></title>
  <description type="1"><narrative xml:lang="fr">Former les jeunes.</narrative></description>
  <budget type="1" status="2">
   <period-start iso-date="2019-01-01"/><period-end iso-date="2019-12-31"/>
   <value value-date="2019-01-01">2000000</value>
  </budget>
  <budget type="2" status="2">
   <period-start iso-date="2019-01-01"/><period-end iso-date="2019-12-31"/>
   <value value-date="2019-07-01">-500000</value>
  </budget>
  <budget type="1" status="1">
   <period-start iso-date="2020-01-01"/><period-end iso-date="2020-12-31"/>
   <value value-date="2020-01-01">1000000</value>
  </budget>
  <transaction>
   <transaction-type code="3"/>
   <transaction-date iso-date="2019-03-01"/>
   <value value-date="2019-03-01">800000</value>
   <receiver-org ref="XM-DAC-41302"><narrative>OIT</narrative></receiver-org>
  </transaction>
  <transaction>
   <transaction-type code="3"/>
   <transaction-date iso-date="2019-09-01"/>
   <value value-date="2019-09-01">-100000</value>
   <receiver-org ref="XM-DAC-41302"><narrative>OIT</narrative></receiver-org>
  </transaction>
 </iati-activity>
</iati-activities>
"#;
    let (store, warnings) = load_iati(&[("ec.xml", xml)]).unwrap();
    expect![[r#"
        organisation xi-iati-ec-intpa "European Commission" kind=MULTILATERAL iatiRef=Some("XI-IATI-EC_INTPA") (ec.xml § XI-IATI-EC_INTPA-2019-1)
        organisation xm-dac-41302 "OIT" kind=OTHER iatiRef=Some("XM-DAC-41302") (ec.xml § XI-IATI-EC_INTPA-2019-1)
        project xi-iati-ec-intpa-2019-1 "Empleo juvenil" id=XI-IATI-EC_INTPA-2019-1 lang=Some("es") status=None period=?..? programme=None (ec.xml § XI-IATI-EC_INTPA-2019-1)
          objective Some("Former les jeunes.")
          budget Some("500000 EUR")
          budget 2019-01-01..2019-12-31 2000000 EUR ORIGINAL COMMITTED valueDate=Some("2019-01-01")
          budget 2019-01-01..2019-12-31 -500000 EUR REVISED COMMITTED valueDate=Some("2019-07-01")
          budget 2020-01-01..2020-12-31 1000000 EUR ORIGINAL INDICATIVE valueDate=Some("2020-01-01")
        contribution xi-iati-ec-intpa-2019-1-t1 DISBURSEMENT from=xi-iati-ec-intpa to=organisation xm-dac-41302 amount=Some("800000 EUR") date=Some("2019-03-01") valueDate=Some("2019-03-01") (ec.xml § XI-IATI-EC_INTPA-2019-1)
        contribution xi-iati-ec-intpa-2019-1-t2 DISBURSEMENT from=xi-iati-ec-intpa to=organisation xm-dac-41302 amount=Some("-100000 EUR") date=Some("2019-09-01") valueDate=Some("2019-09-01") (ec.xml § XI-IATI-EC_INTPA-2019-1)
    "#]].assert_eq(&dump(&store));
    expect![[r#""#]].assert_eq(&warnings);
}

#[test]
fn elements_the_schema_requires_may_be_missing() {
    let xml = r#"<iati-activities version="2.03">
 <iati-activity>
  <iati-identifier>US-EIN-1-X</iati-identifier>
  <transaction>
   <transaction-type code="1"/>
   <value currency="USD">10</value>
  </transaction>
  <transaction>
   <transaction-type code="4"/>
   <value currency="USD">10</value>
  </transaction>
  <transaction>
   <value currency="USD">10</value>
  </transaction>
  <transaction>
   <transaction-type code="99"/>
   <value>10</value>
  </transaction>
  <budget><value>5</value></budget>
 </iati-activity>
</iati-activities>
"#;
    let (store, warnings) = load_iati(&[("bare.xml", xml)]).unwrap();
    expect![[r#"
        project us-ein-1-x "US-EIN-1-X" id=US-EIN-1-X lang=None status=None period=?..? programme=None (bare.xml § US-EIN-1-X)
          objective None
          budget None
    "#]].assert_eq(&dump(&store));
    expect![[r#"
        data/iati/bare.xml:2: warning: the activity has no reporting-org
        data/iati/bare.xml:2: warning: the activity has no title: its identifier stands for it
        data/iati/bare.xml:4: warning: INCOMING_FUNDS transaction names no provider-org: not kept
        data/iati/bare.xml:8: warning: transaction with no provider-org and no reporting-org to pay it: not kept
        data/iati/bare.xml:12: warning: transaction without a transaction-type: not kept
        data/iati/bare.xml:15: warning: transaction with unknown type `99`: not kept
        data/iati/bare.xml:19: warning: budget not kept: its value has no currency and the activity no `default-currency`"#]].assert_eq(&warnings);
}

#[test]
fn a_parent_with_two_children_is_a_programme() {
    let parent = r#"<iati-activities version="2.03">
 <iati-activity default-currency="USD" hierarchy="1">
  <iati-identifier>XM-DAC-41302-P</iati-identifier>
  <reporting-org ref="XM-DAC-41302" type="40"><narrative>ILO</narrative></reporting-org>
  <title><narrative>Skills programme</narrative></title>
  <recipient-country code="KH"/>
  <related-activity type="2" ref="XM-DAC-41302-P-2"/>
  <budget><period-start iso-date="2020-01-01"/><period-end iso-date="2020-12-31"/><value value-date="2020-01-01">10</value></budget>
  <transaction><transaction-type code="1"/><value value-date="2020-01-01">10</value>
   <provider-org ref="XM-DAC-41302"/></transaction>
 </iati-activity>
 <iati-activity default-currency="USD" hierarchy="2">
  <iati-identifier>XM-DAC-41302-P-1</iati-identifier>
  <reporting-org ref="XM-DAC-41302" type="40"><narrative>ILO</narrative></reporting-org>
  <title><narrative>First child</narrative></title>
  <related-activity type="1" ref="XM-DAC-41302-P"/>
 </iati-activity>
</iati-activities>
"#;
    let other = r#"<iati-activities version="2.03">
 <iati-activity default-currency="USD" hierarchy="2">
  <iati-identifier>XM-DAC-41302-P-2</iati-identifier>
  <reporting-org ref="XM-DAC-41302" type="40"><narrative>ILO</narrative></reporting-org>
  <title><narrative>Second child, in another file</narrative></title>
 </iati-activity>
</iati-activities>
"#;
    let (store, warnings) = load_iati(&[("a.xml", parent), ("b.xml", other)]).unwrap();
    expect![[r#"
        organisation xm-dac-41302 "ILO" kind=MULTILATERAL iatiRef=Some("XM-DAC-41302") (a.xml § XM-DAC-41302-P)
        programme xm-dac-41302-p "Skills programme" id=XM-DAC-41302-P period=?..? parent=None (a.xml § XM-DAC-41302-P)
          description None
          budget 2020-01-01..2020-12-31 10 USD ORIGINAL INDICATIVE
        project xm-dac-41302-p-1 "First child" id=XM-DAC-41302-P-1 lang=None status=None period=?..? programme=Some("xm-dac-41302-p") (a.xml § XM-DAC-41302-P-1)
          objective None
          budget None
        project xm-dac-41302-p-2 "Second child, in another file" id=XM-DAC-41302-P-2 lang=None status=None period=?..? programme=Some("xm-dac-41302-p") (b.xml § XM-DAC-41302-P-2)
          objective None
          budget None
        contribution xm-dac-41302-p-t1 INCOMING_FUNDS from=xm-dac-41302 to=programme xm-dac-41302-p amount=Some("10 USD") date=None valueDate=Some("2020-01-01") (a.xml § XM-DAC-41302-P)
    "#]].assert_eq(&dump(&store));
    expect!["data/iati/a.xml:2: warning: the activity is a parent, read as a programme, which names no countries or sectors: its 1 recipient-country and 0 sector elements are not kept"].assert_eq(&warnings);
}

#[test]
fn an_organisation_named_in_toml_and_iati_is_one() {
    let toml = [
        (
            "documents.toml",
            "[[document]]\nslug = \"doc\"\ntitle = \"A document\"\n",
        ),
        (
            "organisations.toml",
            "[[organisation]]\nslug = \"ilo\"\nname = \"International Labour Organization\"\nkind = \"UN_AGENCY\"\niati_ref = \"XM-DAC-41302\"\nsource = { document = \"doc\" }\n",
        ),
    ];
    let xml = r#"<iati-activities version="2.03">
 <iati-activity default-currency="USD">
  <iati-identifier>XM-DAC-41302-1</iati-identifier>
  <reporting-org ref="XM-DAC-41302" type="40"><narrative>ILO</narrative></reporting-org>
  <title><narrative>A project</narrative></title>
  <participating-org ref="XM-DAC-41302" role="4"/>
 </iati-activity>
</iati-activities>
"#;
    let mut files: Vec<(&str, &str)> = toml.to_vec();
    files.push(("iati/ilo.xml", xml));
    let (store, warnings) = load(&files).unwrap();
    assert_eq!(store.organisations().len(), 1, "{}", dump(&store));
    let project = &store.projects()[0];
    assert_eq!(
        store
            .organisation(project.participants[0].organisation)
            .slug
            .as_str(),
        "ilo"
    );
    assert_eq!(warnings, "");
}
