//! Diagnostics for request bodies and parameters the runtime could not serialise as the
//! OpenAPI description says: reported at the document's line and column, never sent wrong.

use std::path::PathBuf;

use arazzo_codegen::{Options, expand};

const OPENAPI: &str = r#"openapi: 3.0.3
info: {title: Wire, version: "1"}
servers: [{url: "https://wire.example/v1"}]
paths:
  /uploads/{id}:
    post:
      operationId: upload
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: color, in: query, style: label, schema: {type: array, items: {type: string}}}
        - {name: shade, in: header, style: form, schema: {type: array, items: {type: string}}}
        - {name: tint, in: cookie, style: simple, schema: {type: string}}
        - {name: spaced, in: query, style: spaceDelimited, explode: true, schema: {type: array, items: {type: string}}}
      requestBody:
        content:
          multipart/form-data:
            schema: {type: object}
      responses:
        "200": {description: ok}
"#;

/// Writes `arazzo` and the OpenAPI file into a fresh directory; returns the diagnostics.
fn messages(name: &str, arazzo: &str) -> Vec<String> {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("arazzo-codegen-wire-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("wire.openapi.yml"), OPENAPI).expect("write openapi");
    std::fs::write(dir.join("flow.arazzo.yml"), arazzo).expect("write arazzo");
    expand("flow.arazzo.yml", &Options::new(&dir))
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn document(step: &str) -> String {
    format!(
        r#"arazzo: 1.0.1
info: {{title: Flow, version: "1"}}
sourceDescriptions:
  - {{name: wire, url: wire.openapi.yml, type: openapi}}
workflows:
  - workflowId: send
    steps:
      - stepId: upload
        operationId: upload
{step}"#
    )
}

/// OpenAPI 3.0.3, "Special Considerations for `multipart` Content": the parts are the
/// properties of an object schema, so a payload written as anything else has no parts.
#[test]
fn a_multipart_payload_written_as_text_is_reported_at_the_payload() {
    let step = r#"        parameters:
          - {name: id, in: path, value: "1"}
        requestBody:
          contentType: multipart/form-data
          payload: "title=x"
"#;
    let found = messages("multipart-text", &document(step));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("flow.arazzo.yml:14:21")
            && found[0].contains("`multipart/form-data` payload must be an object"),
        "{found:?}"
    );
}

/// OpenAPI 3.0.3, Parameter Object "Style Values": `label` is for `path`, `form` for `query`
/// and `cookie`, `simple` for `path` and `header`; "Style Examples" leave `spaceDelimited`
/// exploded undefined (n/a). Each is one error at the step's parameter, never a silent default.
#[test]
fn a_style_the_location_does_not_have_is_reported_at_the_parameter() {
    let step = r#"        parameters:
          - {name: id, in: path, value: "1"}
          - {name: color, in: query, value: [a]}
          - {name: shade, in: header, value: [a]}
          - {name: tint, in: cookie, value: a}
          - {name: spaced, in: query, value: [a]}
"#;
    let found = messages("styles", &document(step));
    assert_eq!(found.len(), 4, "{found:?}");
    let expected = [
        (
            "flow.arazzo.yml:12:20",
            "`style: label`, which OpenAPI does not define for `in: query`",
        ),
        (
            "flow.arazzo.yml:13:20",
            "`style: form`, which OpenAPI does not define for `in: header`",
        ),
        (
            "flow.arazzo.yml:14:20",
            "`style: simple`, which OpenAPI does not define for `in: cookie`",
        ),
        (
            "flow.arazzo.yml:15:20",
            "`explode: true` with `style: spaceDelimited`",
        ),
    ];
    for (message, (at, what)) in found.iter().zip(expected) {
        assert!(message.contains(at) && message.contains(what), "{message}");
    }
}
