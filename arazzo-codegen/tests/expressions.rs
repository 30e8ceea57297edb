//! Conditions and runtime expressions on small documents written for each test: what is
//! reported (at which line and column, with which hint), and that equivalent forms compile to
//! the same code.

use std::path::PathBuf;

use arazzo_codegen::{Options, expand, expand_to_string};

const OPENAPI: &str = r#"openapi: 3.0.3
info: {title: Jobs, version: "1"}
servers: [{url: "https://jobs.example/v1"}]
paths:
  /jobs:
    get:
      operationId: listJobs
      responses:
        "200":
          description: the jobs
          content:
            application/json:
              schema:
                type: object
                properties:
                  count: {type: integer}
                  items:
                    type: array
                    items:
                      type: object
                      properties:
                        id: {type: string}
                        status: {type: string}
                  data: {type: object, nullable: true}
    post:
      operationId: createJob
      requestBody:
        content:
          application/json:
            schema: {type: object}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: string}
"#;

/// Writes `arazzo` and the OpenAPI file into a fresh directory named after the test.
fn project(name: &str, arazzo: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "arazzo-codegen-expressions-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("jobs.openapi.yml"), OPENAPI).expect("write openapi");
    std::fs::write(dir.join("flow.arazzo.yml"), arazzo).expect("write arazzo");
    dir
}

/// A document whose workflow lists the jobs twice, with `criteria` (criterion list items, indented
/// for a step), `outputs` (the first step's output entries) and `later` (the second step's
/// fields) spliced in. Line 21 is the first criterion.
fn document(criteria: &str, outputs: &str) -> String {
    two_steps(criteria, outputs, "")
}

fn two_steps(criteria: &str, outputs: &str, later: &str) -> String {
    with_outputs(criteria, outputs, later, "")
}

/// [`two_steps`] with `workflow_outputs` (the workflow's output entries) spliced in as well.
fn with_outputs(criteria: &str, outputs: &str, later: &str, workflow_outputs: &str) -> String {
    format!(
        r#"arazzo: 1.1.0
info: {{title: Jobs, version: "1"}}
sourceDescriptions:
  - {{name: jobs, url: jobs.openapi.yml, type: openapi}}
workflows:
  - workflowId: check-jobs
    inputs:
      type: object
      properties:
        threshold: {{type: integer}}
        wanted: {{type: string}}
        pattern: {{type: string}}
        filter:
          type: object
          properties:
            kind: {{type: string}}
    steps:
      - stepId: list
        operationId: listJobs
        successCriteria:
{criteria}
        outputs:
          all: $response.body
{outputs}
      - stepId: again
        operationId: listJobs
{later}
    outputs:
      first: $steps.list.outputs.all
{workflow_outputs}
"#
    )
}

fn messages(name: &str, arazzo: &str) -> Vec<String> {
    let dir = project(name, arazzo);
    expand("flow.arazzo.yml", &Options::new(&dir))
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn generated(name: &str, arazzo: &str) -> String {
    let dir = project(name, arazzo);
    expand_to_string("flow.arazzo.yml", &Options::new(&dir)).unwrap_or_else(|diagnostics| {
        panic!(
            "expected no diagnostics, found: {:#?}",
            diagnostics
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        )
    })
}

// Arazzo 1.0.1 and 1.1.0, "Literals": "Strings MUST use single quotes (') around the string."
#[test]
fn a_double_quoted_string_in_a_condition_is_an_error_at_its_quote() {
    let found = messages(
        "double-quoted",
        &document(
            "          - condition: $response.body#/items/0/status == \"done\"",
            "",
        ),
    );
    assert_eq!(
        found,
        vec![
            "flow.arazzo.yml:21:58: in `$response.body#/items/0/status == \"done\"`: string literals are written in single quotes; `\"` does not start one; write `'done'`"
        ]
    );
}

// Arazzo "Literals": "To use a literal single quote, escape the literal single quote using an
// additional single quote ('')."
#[test]
fn a_doubled_single_quote_is_one_quote_in_the_literal() {
    let code = generated(
        "doubled-quote",
        &document(
            "          - condition: $response.body#/items/0/status == 'it''s done'",
            "",
        ),
    );
    assert!(code.contains("\"it's done\""), "{code}");
}

// Arazzo 1.1.0 "Operators": `[]` Index (0-based) and `.` Property de-reference; "Runtime
// Expressions in Conditions": `$response.body.count > $inputs.threshold`.
#[test]
fn the_condition_operators_compile_to_what_the_pointer_form_compiles_to() {
    let dotted = generated(
        "dotted",
        &two_steps(
            "          - condition: $response.body.count > $inputs.threshold
          - condition: $response.body.items[0].id == 'a' && $response.body.data != null",
            "",
            "        successCriteria:
          - condition: $inputs.filter.kind == 'x' || $steps.list.outputs.all.count > 1",
        ),
    );
    let pointers = generated(
        "pointers",
        &two_steps(
            "          - condition: $response.body#/count > $inputs.threshold
          - condition: $response.body#/items/0/id == 'a' && $response.body#/data != null",
            "",
            "        successCriteria:
          - condition: $inputs.filter#/kind == 'x' || $steps.list.outputs.all#/count > 1",
        ),
    );
    // The criterion text differs (it is quoted in error messages); nothing else does.
    let mut same = dotted.clone();
    for (written, pointer) in [
        ("$response.body.count", "$response.body#/count"),
        ("$response.body.items[0].id", "$response.body#/items/0/id"),
        ("$response.body.data", "$response.body#/data"),
        ("$inputs.filter.kind", "$inputs.filter#/kind"),
        (
            "$steps.list.outputs.all.count",
            "$steps.list.outputs.all#/count",
        ),
    ] {
        same = same.replace(written, pointer);
    }
    assert_eq!(same, pointers);
    assert!(dotted.contains("body_at(\"/items/0/id\")"), "{dotted}");
}

#[test]
fn the_condition_operators_are_checked_like_the_pointer_form() {
    let found = messages(
        "dotted-mistakes",
        &two_steps(
            "          - condition: $inputs.filtre.kind == 'x'
          - condition: $response.body.items[first] == 'a'
          - condition: $response.body. == 'a'",
            "",
            "        successCriteria:
          - condition: $steps.list.outputs.al.count > 1",
        ),
    );
    assert_eq!(
        found,
        vec![
            "flow.arazzo.yml:21:24: `$inputs.filtre`: the workflow has no input `filtre`; did you mean `filter`?",
            "flow.arazzo.yml:22:44: in `$response.body.items[first] == 'a'`: `[` must hold a 0-based array index, as in `[0]`; read a member by name with `.name`",
            "flow.arazzo.yml:23:38: in `$response.body. == 'a'`: `.` must be followed by a member name",
            "flow.arazzo.yml:30:24: step `list` has no output `al`; did you mean `all`?",
        ]
    );
}

// Outside conditions only the runtime expression ABNF applies: `body-reference = "body" ["#"
// json-pointer]`, `inputs-reference = input-name ["#" json-pointer]`, `header-reference =
// "header." token`. The common slips are errors with the meant expression as the hint.
#[test]
fn the_condition_forms_outside_a_condition_point_at_the_pointer_form() {
    let found = messages(
        "outside-conditions",
        &with_outputs(
            "          - condition: $statusCode == 200",
            "          id: $response.body.items[0].id
          bad: $response.body#count
          rate: $response.headers.X-Rate",
            "",
            "      kind: $inputs.filter.kind
      count: $steps.list.outputs.all.count",
        ),
    );
    assert_eq!(
        found,
        vec![
            "flow.arazzo.yml:24:29: in `$response.body.items[0].id`: `.` and `[]` read into the body only in a condition; elsewhere a JSON pointer follows `#`; did you mean `$response.body#/items/0/id`?",
            "flow.arazzo.yml:25:31: in `$response.body#count`: JSON pointer `count` must start with `/`; did you mean `$response.body#/count`?",
            "flow.arazzo.yml:26:27: in `$response.headers.X-Rate`: unknown source `headers.X-Rate`; did you mean `$response.header.X-Rate`?",
            "flow.arazzo.yml:32:13: `$inputs.filter.kind`: the workflow has no input `filter.kind`; did you mean `$inputs.filter#/kind`?",
            "flow.arazzo.yml:33:14: step `list` has no output `all.count`; did you mean `$steps.list.outputs.all#/count`?",
        ]
    );
}
