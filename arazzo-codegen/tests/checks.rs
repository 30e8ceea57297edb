//! The generator on small documents written for each test: what it reports, and what it emits.

use std::path::PathBuf;

use arazzo_codegen::{Options, expand, expand_to_string};

const OPENAPI: &str = r#"openapi: 3.0.3
info: {title: Things, version: "1"}
servers: [{url: "https://things.example/v1"}]
paths:
  /things/{id}:
    post:
      operationId: tagThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: dryRun, in: query, schema: {type: boolean}}
      requestBody:
        content:
          application/json:
            schema: {type: object}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: string}
"#;

/// Writes `arazzo` and the shared OpenAPI file into a fresh directory; returns it.
fn project(name: &str, arazzo: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "arazzo-codegen-checks-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("things.openapi.yml"), OPENAPI).expect("write openapi");
    std::fs::write(dir.join("flow.arazzo.yml"), arazzo).expect("write arazzo");
    dir
}

fn document(params: &str, payload: &str) -> String {
    format!(
        r#"arazzo: 1.0.1
info: {{title: Flow, version: "1"}}
sourceDescriptions:
  - {{name: things, url: things.openapi.yml, type: openapi}}
workflows:
  - workflowId: tag-thing
    inputs:
      type: object
      required: [id]
      properties:
        id: {{type: string}}
        note: {{type: string}}
    steps:
      - stepId: tag
        operationId: tagThing
        parameters:
{params}
        requestBody:
          contentType: application/json
          payload:
{payload}
        successCriteria:
          - condition: $statusCode == 200
        outputs:
          id: $response.body#/id
    outputs:
      id: $steps.tag.outputs.id
"#
    )
}

#[test]
fn a_parameter_given_twice_is_reported_once_at_the_second() {
    let dir = project(
        "duplicate",
        &document(
            "          - {name: id, in: path, value: $inputs.id}\n          - {name: id, in: path, value: x}",
            "            id: $inputs.id",
        ),
    );
    let expansion = expand("flow.arazzo.yml", &Options::new(&dir));
    let messages: Vec<String> = expansion
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        messages,
        vec!["flow.arazzo.yml:18:13: parameter `id` in path is given twice".to_owned()]
    );
}

#[test]
fn an_absent_optional_input_is_left_out_of_the_payload() {
    let dir = project(
        "optional",
        &document(
            "          - {name: id, in: path, value: $inputs.id}",
            "            id: $inputs.id\n            note: $inputs.note",
        ),
    );
    let code = expand_to_string("flow.arazzo.yml", &Options::new(&dir)).expect("compiles");
    assert!(
        code.contains("if let ::std::option::Option::Some(value) = &inputs.note"),
        "{code}"
    );
    assert!(code.contains("pub note: ::std::option::Option<::std::string::String>"));
}
