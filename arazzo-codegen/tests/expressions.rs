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

fn payload_document(payload: &str) -> String {
    format!(
        r#"arazzo: 1.0.1
info: {{title: Jobs, version: "1"}}
sourceDescriptions:
  - {{name: jobs, url: jobs.openapi.yml, type: openapi}}
workflows:
  - workflowId: create-job
    inputs:
      type: object
      properties:
        owner: {{type: string}}
    steps:
      - stepId: create
        operationId: createJob
        requestBody:
          contentType: application/json
          payload:
{payload}
        successCriteria:
          - condition: $statusCode == 201
"#
    )
}

// Runtime expression ABNF: an expression starts with one of its roots (`"$inputs." …`), so a
// string like `$.items[*]` or `$5 or less` is not one: it is data.
#[test]
fn a_dollar_string_that_is_no_expression_is_data() {
    let code = generated(
        "dollar-text",
        &payload_document(
            "            owner: $inputs.owner
            filter: \"$.items[*].attributes[?(@.type=='foo')]\"
            price: $5 or less
            tags: [$USD 5, $.x]",
        ),
    );
    for literal in [
        "\"$.items[*].attributes[?(@.type=='foo')]\"",
        "\"$5 or less\"",
        "\"$.x\"",
    ] {
        assert!(code.contains(literal), "{literal} in {code}");
    }
    assert!(code.contains("inputs.owner"), "{code}");
}

#[test]
fn misspelt_roots_in_a_payload_are_each_reported() {
    let found = messages(
        "misspelt-roots",
        &payload_document(
            "            owner: $inptus.owner
            nested:
              read: $respons.body
              list: [ok, \"{$step.create.outputs.id}\"]",
        ),
    );
    assert_eq!(
        found,
        vec![
            "flow.arazzo.yml:17:20: in `$inptus.owner`: unknown runtime expression root `$inptus`; did you mean `$inputs`?",
            "flow.arazzo.yml:19:21: in `$respons.body`: unknown runtime expression root `$respons`; did you mean `$response`?",
            "flow.arazzo.yml:20:28: in `{$step.create.outputs.id}`: unknown runtime expression root `$step`; did you mean `$steps`?",
        ]
    );
}

// Arazzo 1.1.0 Criterion Object: expressions embedded with `{}` in `regex` and `jsonpath`
// conditions are checked like any other, and the condition must be valid with them in place.
#[test]
fn expressions_embedded_in_regex_and_jsonpath_conditions_are_checked() {
    let found = messages(
        "embedded",
        &document(
            "          - context: $response.body
            condition: '$.items[?(@.status == \"{$inputs.wantd}\")]'
            type: jsonpath
          - context: $response.body
            condition: '$.items[?(@.status == {$inputs.wanted})]'
            type: jsonpath
          - context: $response.body
            condition: '$.items[?(@.count > {$inputs.threshold})'
            type: jsonpath
          - context: $response.body#/items/0/status
            condition: '^({$inputs.pattern}$'
            type: regex
          - context: $response.body#/items/0/status
            condition: '^{$inputs.pattern'
            type: regex",
            "",
        ),
    );
    assert_eq!(
        found,
        vec![
            "flow.arazzo.yml:22:49: `$inputs.wantd`: the workflow has no input `wantd`; did you mean `wanted`?",
            "flow.arazzo.yml:25:48: `{$inputs.wanted}` stands outside a string literal of the JSONPath query, where only a number, a boolean or null fits, and it is text; quote it: `'{$inputs.wanted}'`",
            "flow.arazzo.yml:28:25: `$.items[?(@.count > {$inputs.threshold})` is not an RFC 9535 JSONPath query: in long-hand segment, expected closing ']' (with a placeholder for each embedded value)",
            "flow.arazzo.yml:31:25: the regex `^({$inputs.pattern}$` does not compile: unclosed group (with a placeholder for each embedded value)",
            "flow.arazzo.yml:34:26: in `^{$inputs.pattern`: `{` opens an embedded expression that is never closed with `}`",
        ]
    );
}

#[test]
fn a_number_embedded_outside_a_jsonpath_string_literal_is_accepted() {
    let code = generated(
        "embedded-number",
        &document(
            "          - context: $response.body
            condition: '$[?@.count > {$inputs.threshold} && @.items[0].status == \"{$inputs.wanted}\"]'
            type: jsonpath",
            "",
        ),
    );
    assert!(code.contains("ConditionPart::JsonPathScalar"), "{code}");
    assert!(code.contains("ConditionPart::JsonPathString"), "{code}");
}

fn goessner(condition: &str) -> String {
    document(
        &format!(
            "          - context: $response.body
            condition: '{condition}'
            type:
              type: jsonpath
              version: draft-goessner-dispatch-jsonpath-00"
        ),
        "",
    )
}

// Arazzo 1.0.1 / 1.1.0 "Criterion Expression Type Object": `jsonpath` may name the Goessner
// draft. It is run by the RFC 9535 engine where the two agree, and refused where it is not.
#[test]
fn goessner_jsonpath_runs_where_it_agrees_with_rfc_9535() {
    let code = generated("goessner", &goessner("$.items[?(@.status == \"done\")]"));
    assert!(code.contains("jsonpath_matches"), "{code}");
    let found = messages("goessner-script", &goessner("$.items[(@.length-1)].id"));
    assert_eq!(
        found,
        vec![
            "flow.arazzo.yml:22:32: `$.items[(@.length-1)].id` is not a JSONPath query in the syntax Goessner's dialect shares with RFC 9535: a script expression `[(…)]` is Goessner JSONPath only (JavaScript run by the implementation); RFC 9535 has none; select from the end with a negative index (`[-1]`) or a slice (`[-2:]`)"
        ]
    );
    let found = messages("goessner-length", &goessner("$[?(@.items.length > 1)]"));
    assert_eq!(
        found,
        vec![
            "flow.arazzo.yml:22:36: `$[?(@.items.length > 1)]` is not a JSONPath query in the syntax Goessner's dialect shares with RFC 9535: `.length` is an array's length in Goessner JSONPath (JavaScript), but a member named `length` in RFC 9535; write `length(…)` for the length, `['length']` for a member of that name"
        ]
    );
}

// Arazzo 1.1.0 "Source Description Expression Resolution": (1) an operationId or workflowId,
// and the fields of that Operation Object after it, (2) a field of the Source Description
// Object; anything else names nothing.
#[test]
fn source_description_references_that_name_nothing_are_errors() {
    let found = messages(
        "source-references",
        &with_outputs(
            "          - condition: $statusCode == 200",
            "",
            "",
            "      typo: $sourceDescriptions.jobs.urll
      field: $sourceDescriptions.jobs.listJobs.operationid
      source: $sourceDescriptions.job.url
      bare: $sourceDescriptions.jobs",
        ),
    );
    assert_eq!(
        found,
        vec![
            "flow.arazzo.yml:30:13: source description `jobs` has no operation, workflow or field `urll`; did you mean `url`?",
            "flow.arazzo.yml:31:14: operation `listJobs` of source description `jobs` has no field `operationid`; an Operation Object has fields such as `operationId`, `summary`, `description` and `tags`; `$sourceDescriptions.jobs.listJobs` alone yields the id",
            "flow.arazzo.yml:32:15: there is no source description `job`; did you mean `jobs`?",
            "flow.arazzo.yml:33:13: `$sourceDescriptions.jobs` must be followed by an operationId, a workflowId or a field; for example `$sourceDescriptions.jobs.url`",
        ]
    );
}
