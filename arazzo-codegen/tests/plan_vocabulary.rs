//! The plan's typed leaves, seen from outside: a parameter location, an HTTP method and a JSON
//! pointer are read from the document once, and what the generated code does with them follows
//! from that reading alone.

use std::path::PathBuf;

use arazzo_codegen::{Options, Pos, expand, expand_to_string};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Where `needle` starts in the document, 1-based, as diagnostics count.
fn position(document: &str, needle: &str) -> Pos {
    let text = std::fs::read_to_string(fixtures().join(document)).expect("fixture");
    text.lines()
        .enumerate()
        .find_map(|(i, line)| {
            line.find(needle).map(|col| Pos {
                line: i + 1,
                col: col + 1,
            })
        })
        .expect("the needle is in the document")
}

/// Arazzo 1.0.1 Parameter Object, `in`: "Possible values are `path`, `query`, `header`, or
/// `cookie`". Any other value is one error, at the value, whether the operation declares the
/// parameter in another place (`dryRun` is a query parameter), declares it nowhere, or the
/// parameter is the workflow's; nothing is generated, so no guess (such as a header) is sent.
#[test]
fn a_parameter_location_the_specification_does_not_list_is_one_error_at_its_in() {
    let document = "locations/unknown-in.arazzo.yaml";
    let expansion = expand(document, &Options::new(fixtures()));
    let found: Vec<(Option<Pos>, &str)> = expansion
        .diagnostics
        .iter()
        .map(|d| (d.pos, d.message.as_str()))
        .collect();
    let expected: Vec<(Option<Pos>, String)> = ["body", "querry", "headers"]
        .iter()
        .map(|written| {
            (
                Some(position(document, &format!("in: {written}"))).map(|p| Pos {
                    col: p.col + "in: ".len(),
                    ..p
                }),
                format!(
                    "`in: {written}` is not a parameter location; expected `path`, `query`, `header` or `cookie`"
                ),
            )
        })
        .collect();
    assert_eq!(
        found,
        expected
            .iter()
            .map(|(pos, message)| (*pos, message.as_str()))
            .collect::<Vec<_>>()
    );
    assert!(expansion.tokens.is_empty());
}

/// Each of the five locations (Arazzo 1.1 adds `querystring`) sets the parameter where its
/// `in` says; the `operationPath`'s `~1` are slashes of the path (RFC 6901), and its method
/// is sent upper case.
#[test]
fn every_parameter_location_sets_the_parameter_where_in_says() {
    let code = expand_to_string(
        "clean/parameter-locations/flow.arazzo.yaml",
        &Options::new(fixtures()),
    )
    .expect("expands");
    let code: String = code.split_whitespace().collect();
    for call in [
        r#"request.path_param("id",&::arazzo_runtime::__private::to_json(&inputs.id),)?;"#,
        r#"request.query_param("dryRun",&::arazzo_runtime::__private::serde_json::Value::Bool(true),);"#,
        r#"request.header_param("X-Trace","#,
        r#"request.cookie_param("session","#,
        r#"request.query_string(&"#,
        r#"method:"POST",path:"/things/{id}","#,
        r#"method:"GET",path:"/search","#,
    ] {
        assert!(code.contains(call), "no `{call}` in:\n{code}");
    }
}
