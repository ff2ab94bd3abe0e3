//! The catalogue is whole: every file parses, every message exists in both languages, and both
//! languages fill in the same values.

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast;

fn variables_of_pattern(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &p.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            variables_of_expression(expression, out);
        }
    }
}

fn variables_of_expression(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Select { selector, variants } => {
            variables_of_inline(selector, out);
            for v in variants {
                variables_of_pattern(&v.value, out);
            }
        }
        ast::Expression::Inline(inline) => variables_of_inline(inline, out),
    }
}

fn variables_of_inline(e: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_string());
        }
        ast::InlineExpression::Placeable { expression } => variables_of_expression(expression, out),
        _ => {}
    }
}

/// Each message of a file with the values it uses.
fn messages(name: &str, text: &'static str) -> BTreeMap<String, BTreeSet<String>> {
    let resource = fluent_syntax::parser::parse(text).unwrap_or_else(|(_, errors)| panic!("{name}: {errors:?}"));
    let mut out = BTreeMap::new();
    for entry in &resource.body {
        match entry {
            ast::Entry::Message(m) => {
                let mut vars = BTreeSet::new();
                let value = m.value.as_ref().unwrap_or_else(|| panic!("{name}: {} has no text", m.id.name));
                variables_of_pattern(value, &mut vars);
                assert!(out.insert(m.id.name.to_string(), vars).is_none(), "{name}: {} twice", m.id.name);
            }
            ast::Entry::Junk { content } => panic!("{name}: cannot read {content:?}"),
            _ => {}
        }
    }
    out
}

#[test]
fn every_message_is_in_both_languages_with_the_same_values() {
    let mut all = BTreeSet::new();
    for (file, en, sw) in vjt_catalogue::sources() {
        let (en, sw) = (messages(&format!("en/{file}"), en), messages(&format!("sw/{file}"), sw));
        let (en_keys, sw_keys): (BTreeSet<_>, BTreeSet<_>) = (en.keys().collect(), sw.keys().collect());
        assert_eq!(
            en_keys.symmetric_difference(&sw_keys).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "{file}: messages in one language only"
        );
        for (key, vars) in &en {
            assert_eq!(vars, &sw[key], "{file}: {key} uses other values in Kiswahili");
            assert!(all.insert(key.clone()), "{key} is in two files");
        }
    }
    assert!(all.len() > 60, "the catalogue was read ({} messages)", all.len());
    assert_eq!(vjt_catalogue::keys(vjt_catalogue::Lang::En).len(), all.len(), "keys() finds every message");
}

#[test]
fn every_message_reads_in_both_languages() {
    for lang in vjt_catalogue::Lang::ALL {
        let words = vjt_catalogue::Catalogue::new(lang);
        for key in vjt_catalogue::keys(lang) {
            let text = words.t(&key);
            assert!(words.has(&key) && !text.trim().is_empty(), "{key} has no text in {lang:?}");
            assert!(!text.contains('\u{2068}'), "no isolation marks in output");
        }
    }
}
