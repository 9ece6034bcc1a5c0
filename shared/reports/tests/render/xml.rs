use std::path::Path;

use domain::report::document::{Block, Section};
use domain::report::Format;
use reports::{render, Brand};

use crate::samples;
use crate::{run, temp_file};

fn schema() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/report.xsd")
        .to_string_lossy()
        .into_owned()
}

fn xml(doc: &domain::report::document::Document) -> String {
    let rendered = render(doc, Format::Xml, &Brand::default()).expect("the XML renders");
    String::from_utf8(rendered.bytes).expect("the XML is UTF-8")
}

fn validate(name: &str, text: &str) {
    let path = temp_file(name, text.as_bytes());
    // xmllint reports "validates" on standard error and fails otherwise.
    run(
        "xmllint",
        &["--noout", "--schema", &schema(), &path.to_string_lossy()],
    );
}

#[test]
fn rendered_documents_validate_against_the_published_schema() {
    validate("sample.xml", &xml(&samples::sample()));
    validate("plain.xml", &xml(&samples::no_figures()));
    let mut bare = samples::no_figures();
    bare.customers.clear();
    bare.sections.clear();
    validate("bare.xml", &xml(&bare));
}

#[test]
fn any_text_gives_well_formed_xml() {
    let mut doc = samples::sample();
    let nasty = "a\u{0}b\u{1b}c\u{FFFE} ]]> <!-- & \"q\" 'a' \r\n\t end";
    doc.title = nasty.into();
    doc.customers.push(nasty.into());
    doc.sections.push(Section {
        heading: nasty.into(),
        blocks: vec![
            Block::Paragraph { text: nasty.into() },
            Block::Note {
                text: "\u{7}".into(),
            },
        ],
    });
    let text = xml(&doc);
    validate("nasty.xml", &text);
    assert!(text.contains("abc"), "forbidden characters are left out");
    assert!(text.contains("]]&gt; &lt;!-- &amp;"));
}

#[test]
fn the_file_carries_the_whole_document() {
    let text = xml(&samples::sample());
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(text.contains("<report xmlns=\"urn:partner-console:report:1\">"));
    assert!(text.contains("<figure key=\"protected\" label=\"Protected\" unit=\"%\">97</figure>"));
    assert!(
        text.contains("<column key=\"lastSeen\" numeric=\"false\" weight=\"2\">Last seen</column>")
    );
    assert!(text.contains("<cell column=\"alerts\" type=\"number\">37</cell>"));
    assert!(text.contains("<chart key=\"os\" kind=\"share\">"));
    assert!(text.contains("<series name=\"At risk\">"));
    assert!(text.contains("<customer>Москва Клиника</customer>"));
    assert_eq!(text.matches("<row>").count(), 60);
}
