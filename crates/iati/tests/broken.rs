//! Files that cannot be used: each gives its exact `file:line: message`, and the
//! dataset is refused as a whole, as with the TOML files.

mod common;

use common::load_iati;
use expect_test::{Expect, expect};

fn refused(files: &[(&str, &str)], expected: Expect) {
    match load_iati(files) {
        Ok((_, warnings)) => panic!("loaded; warnings:\n{warnings}"),
        Err(problems) => expected.assert_eq(&problems),
    }
}

const ONE: &str = r#"<iati-activities version="2.03">
 <iati-activity default-currency="USD">
  <iati-identifier>XM-DAC-41302-1</iati-identifier>
  <title><narrative>One</narrative></title>
 </iati-activity>
</iati-activities>
"#;

#[test]
fn malformed_xml_names_its_line() {
    let xml = "<iati-activities version=\"2.03\">\n <iati-activity>\n  <iati-identifier>X-1</iati-identifier>\n  <title><narrative>Unclosed</title>\n </iati-activity>\n</iati-activities>\n";
    refused(
        &[("bad.xml", xml)],
        expect![
            "data/iati/bad.xml:4: malformed XML: ill-formed document: expected `</narrative>`, but `</title>` was found"
        ],
    );
}

#[test]
fn a_file_that_ends_early() {
    refused(
        &[(
            "short.xml",
            "<iati-activities version=\"2.03\">\n <iati-activity>\n  <iati-identifier>X-1</iati-identifier>\n",
        )],
        expect!["data/iati/short.xml:4: malformed XML: the file ends inside an activity"],
    );
}

#[test]
fn an_activity_without_an_identifier() {
    let xml = "<iati-activities version=\"2.03\">\n <iati-activity>\n  <title><narrative>Nameless</narrative></title>\n </iati-activity>\n <iati-activity>\n  <iati-identifier>  </iati-identifier>\n </iati-activity>\n</iati-activities>\n";
    refused(
        &[("anon.xml", xml)],
        expect![[r#"
            data/iati/anon.xml:2: an activity without an `iati-identifier` cannot be used
            data/iati/anon.xml:5: an activity without an `iati-identifier` cannot be used"#]],
    );
}

#[test]
fn an_identifier_given_twice_in_one_file_or_two() {
    let twice = ONE.replace(
        "</iati-activities>",
        &ONE[33..].replace("</iati-activities>\n", "</iati-activities>"),
    );
    refused(
        &[("a.xml", ONE), ("b.xml", &twice)],
        expect![[r#"
            data/iati/b.xml:3: iati-identifier `XM-DAC-41302-1` is given twice: first at data/iati/a.xml:3
            data/iati/b.xml:7: iati-identifier `XM-DAC-41302-1` is given twice: first at data/iati/a.xml:3"#]],
    );
}

#[test]
fn an_unknown_entity() {
    let xml = "<iati-activities version=\"2.03\">\n <iati-activity>\n  <iati-identifier>X-&nbsp;1</iati-identifier>\n </iati-activity>\n</iati-activities>\n";
    refused(
        &[("e.xml", xml)],
        expect!["data/iati/e.xml:3: malformed XML: unknown entity `&nbsp;`"],
    );
}

#[test]
fn files_that_are_not_activity_files_are_skipped_with_a_warning() {
    let org = "<iati-organisations version=\"2.03\">\n</iati-organisations>\n";
    let (store, warnings) =
        load_iati(&[("org.xml", org), ("one.xml", ONE), ("empty.xml", "")]).unwrap();
    assert_eq!(store.projects().len(), 1);
    expect![[r#"
        data/iati/empty.xml: warning: the file is empty
        data/iati/one.xml:2: warning: the activity has no reporting-org
        data/iati/org.xml:1: warning: not an IATI activity file (its root is `iati-organisations`, not `iati-activities`): not read"#]]
    .assert_eq(&warnings);
}
