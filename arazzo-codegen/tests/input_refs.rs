//! Workflow inputs that `$ref` a schema of a source description (JSON Schema's `$ref`, the
//! language of Arazzo `inputs`): one that names no source description, a schema the
//! description lacks, or a fragment that is no JSON pointer is one error at the `$ref`.

use std::path::PathBuf;

use arazzo_codegen::{Diagnostic, Options, expand};

const OPENAPI: &str = r#"openapi: 3.0.3
info: {title: Things, version: "1"}
servers: [{url: "https://things.example/v1"}]
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: colour, in: query, schema: {$ref: '#/components/schemas/Colour'}}
      responses:
        "200":
          description: ok
components:
  schemas:
    Colour: {type: string, enum: [red, green]}
"#;

/// Expands a document whose input `colour` has the schema `$ref: REFERENCE`.
fn expand_with(name: &str, reference: &str) -> Vec<Diagnostic> {
    let dir = std::env::temp_dir().join(format!(
        "arazzo-codegen-input-refs-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("things.openapi.yml"), OPENAPI).expect("write openapi");
    let arazzo = format!(
        r#"arazzo: 1.0.1
info: {{title: Flow, version: "1"}}
sourceDescriptions:
  - {{name: things, url: ./things.openapi.yml, type: openapi}}
workflows:
  - workflowId: get-thing
    inputs:
      type: object
      properties:
        colour:
          $ref: '{reference}'
    steps:
      - stepId: get
        operationId: getThing
        parameters:
          - {{name: id, in: path, value: t1}}
          - {{name: colour, in: query, value: $inputs.colour}}
"#
    );
    std::fs::write(dir.join("flow.arazzo.yml"), arazzo).expect("write arazzo");
    let options = Options::new(PathBuf::from(&dir));
    let diagnostics = expand("flow.arazzo.yml", &options).diagnostics;
    std::fs::remove_dir_all(&dir).ok();
    diagnostics
}

/// The one diagnostic, at the `$ref`'s value (line 11, column 18: inside its quotes).
fn only_at_the_ref(diagnostics: &[Diagnostic]) -> &Diagnostic {
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let diagnostic = &diagnostics[0];
    let pos = diagnostic.pos.expect("a position");
    assert_eq!((pos.line, pos.col), (11, 18), "{diagnostic:#?}");
    diagnostic
}

#[test]
fn a_schema_of_the_source_description_is_typed_without_a_diagnostic() {
    for reference in [
        "./things.openapi.yml#/components/schemas/Colour",
        "things.openapi.yml#/components/schemas/Colour",
    ] {
        assert_eq!(expand_with("clean", reference), Vec::new(), "{reference}");
    }
}

#[test]
fn a_ref_to_a_file_that_is_no_source_description_is_reported_at_the_ref() {
    let diagnostics = expand_with("other", "./thing.openapi.yml#/components/schemas/Colour");
    let diagnostic = only_at_the_ref(&diagnostics);
    assert!(
        diagnostic
            .message
            .contains("`./thing.openapi.yml` is no source description's `url`"),
        "{diagnostic:#?}"
    );
    assert_eq!(
        diagnostic.hint.as_deref(),
        Some("did you mean `./things.openapi.yml`?")
    );
}

#[test]
fn a_schema_the_description_lacks_is_reported_with_the_closest_name() {
    let diagnostics = expand_with("missing", "./things.openapi.yml#/components/schemas/Color");
    let diagnostic = only_at_the_ref(&diagnostics);
    assert!(
        diagnostic
            .message
            .contains("points at nothing in source description `things`"),
        "{diagnostic:#?}"
    );
    assert_eq!(diagnostic.hint.as_deref(), Some("did you mean `Colour`?"));
}

#[test]
fn a_fragment_that_is_no_json_pointer_is_reported() {
    let diagnostics = expand_with("anchor", "./things.openapi.yml#Colour");
    let diagnostic = only_at_the_ref(&diagnostics);
    assert!(
        diagnostic.message.contains("JSON pointer fragment"),
        "{diagnostic:#?}"
    );
}
