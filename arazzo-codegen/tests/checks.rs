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

/// Two source descriptions (the same file under two names) with `steps` written by the caller.
fn two_sources(steps: &str) -> String {
    format!(
        r#"arazzo: 1.0.1
info: {{title: Sources, version: "1"}}
sourceDescriptions:
  - {{name: things, url: things.openapi.yml, type: openapi}}
  - {{name: mirror, url: things.openapi.yml, type: openapi}}
workflows:
  - workflowId: tag
    steps:
{steps}
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

#[test]
fn several_sources_need_qualified_operation_ids_and_operation_paths_resolve() {
    let ambiguous = messages(
        "ambiguous",
        &two_sources(
            "      - stepId: t\n        operationId: tagThing\n        parameters: [{name: id, in: path, value: x}]",
        ),
    );
    assert_eq!(ambiguous.len(), 1, "{ambiguous:?}");
    assert!(
        ambiguous[0].contains("`tagThing` is ambiguous"),
        "{ambiguous:?}"
    );
    assert!(
        ambiguous[0].contains("$sourceDescriptions.things.tagThing"),
        "{ambiguous:?}"
    );

    let qualified = two_sources(
        "      - stepId: t\n        operationId: $sourceDescriptions.mirror.tagThing\n        parameters: [{name: id, in: path, value: x}]\n      - stepId: p\n        operationPath: '{$sourceDescriptions.things.url}#/paths/~1things~1{id}/post'\n        parameters: [{name: id, in: path, value: y}]",
    );
    assert_eq!(messages("qualified", &qualified), Vec::<String>::new());
    let code = expand_to_string(
        "flow.arazzo.yml",
        &Options::new(project("qualified", &qualified)),
    )
    .expect("expands");
    assert!(code.contains("source: \"mirror\""), "{code}");
    assert!(code.contains("source: \"things\""), "{code}");

    let wrong_path = messages(
        "wrong-path",
        &two_sources(
            "      - stepId: p\n        operationPath: '{$sourceDescriptions.things.url}#/paths/~1things~1{id}/get'",
        ),
    );
    assert_eq!(wrong_path.len(), 1, "{wrong_path:?}");
    assert!(
        wrong_path[0].contains("does not reach an operation"),
        "{wrong_path:?}"
    );
}

/// A document whose only source is the Arazzo document `other` (written next to it), calling
/// `workflow` of it.
fn importing(name: &str, other: &str, workflow: &str) -> PathBuf {
    let dir = project(
        name,
        &format!(
            r#"arazzo: 1.0.1
info: {{title: Caller, version: "1"}}
sourceDescriptions:
  - {{name: flows, url: other.arazzo.yml, type: arazzo}}
workflows:
  - workflowId: call
    steps:
      - stepId: run
        workflowId: {workflow}
        parameters:
          - {{name: id, value: x}}
"#
        ),
    );
    std::fs::write(dir.join("other.arazzo.yml"), other).expect("write other");
    dir
}

#[test]
fn workflows_of_an_arazzo_source_are_checked_and_emitted_in_its_module() {
    let callee = document(
        "          - {name: id, in: path, value: $inputs.id}",
        "            id: $inputs.id",
    );
    let dir = importing(
        "imported-ok",
        &callee,
        "$sourceDescriptions.flows.tag-thing",
    );
    let code = expand_to_string("flow.arazzo.yml", &Options::new(&dir)).expect("expands");
    assert!(code.contains("pub mod flows"), "{code}");
    assert!(code.contains("flows::tag_thing("), "{code}");

    let dir = importing(
        "imported-typo",
        &callee,
        "$sourceDescriptions.flows.tag-thng",
    );
    let messages: Vec<String> = expand("flow.arazzo.yml", &Options::new(&dir))
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].contains("`other.arazzo.yml` has no workflow `tag-thng`")
            && messages[0].contains("did you mean `tag-thing`"),
        "{messages:?}"
    );
}

#[test]
fn arazzo_sources_that_import_each_other_are_refused() {
    let back = r#"arazzo: 1.0.1
info: {title: Back, version: "1"}
sourceDescriptions:
  - {name: caller, url: flow.arazzo.yml, type: arazzo}
workflows:
  - workflowId: noop
    steps:
      - stepId: again
        workflowId: $sourceDescriptions.caller.call
"#;
    let dir = importing("imported-cycle", back, "$sourceDescriptions.flows.noop");
    let messages: Vec<String> = expand("flow.arazzo.yml", &Options::new(&dir))
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("other.arazzo.yml:4:") && m.contains("cycle")),
        "{messages:?}"
    );
}

#[test]
fn a_json_reference_in_a_parameter_points_at_arazzo_reuse() {
    // Arazzo's Parameter Object has no `$ref`; reuse goes through a Reusable Object
    // (`reference: $components.parameters.NAME`), which is what the hint says.
    let dir = project(
        "json-reference",
        &document(
            "          - {name: id, in: path, value: $inputs.id}\n          - $ref: ./parameter.yaml",
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
        vec!["flow.arazzo.yml:18:13: unknown field `$ref` in a parameter; Arazzo reuses objects with `reference: $components.parameters.NAME` (parameters) or `reference: $components.successActions.NAME` / `failureActions.NAME` (actions); other objects are written in place".to_owned()]
    );
}

#[test]
fn a_component_parameter_read_as_a_value_must_exist_and_have_the_field() {
    // Arazzo 1.1 "Components parameter": `$components.parameters.NAME` names a reusable
    // parameter, whose fields are `name`, `in` and `value`.
    let text = document(
        "          - {name: id, in: path, value: $inputs.id}",
        "            id: $inputs.id",
    )
    .replace(
        "      id: $steps.tag.outputs.id\n",
        "      id: $steps.tag.outputs.id
      dry: $components.parameters.dryRun.value
      wet: $components.parameters.wetRun.value
      odd: $components.parameters.dryRun.valeu
components:
  parameters:
    dryRun: {name: dryRun, in: query, value: true}
",
    );
    let dir = project("component-values", &text);
    let expansion = expand("flow.arazzo.yml", &Options::new(&dir));
    let messages: Vec<String> = expansion
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        messages,
        vec![
            "flow.arazzo.yml:29:12: `$components.parameters.wetRun.value`: `components.parameters` has no `wetRun.value`; expected one of `dryRun`".to_owned(),
            "flow.arazzo.yml:30:12: a Parameter Object has no field `valeu`; did you mean `value`?".to_owned(),
        ]
    );
}

#[test]
fn a_mistake_inside_a_condition_written_over_several_lines_is_placed_where_it_is() {
    // A folded block, a plain scalar that wraps and a quoted one that wraps: each `"` is
    // reported at its own line and column, not past the end of the condition's first line.
    let text = r#"arazzo: 1.0.1
info: {title: Folded, version: "1"}
sourceDescriptions:
  - {name: things, url: things.openapi.yml, type: openapi}
workflows:
  - workflowId: tag-thing
    steps:
      - stepId: tag
        operationId: tagThing
        parameters:
          - {name: id, in: path, value: t-1}
        successCriteria:
          - condition: >-
              $statusCode == 200 &&
              $response.body#/id == "a"
          - condition: $statusCode == 200
              && $response.body#/id == "b"
          - condition: '$statusCode == 200
              && $response.body#/id == "c"'
"#;
    let dir = project("folded", text);
    let expansion = expand("flow.arazzo.yml", &Options::new(&dir));
    let places: Vec<String> = expansion
        .diagnostics
        .iter()
        .map(|d| {
            let pos = d.pos.expect("a position");
            format!("{}:{}", pos.line, pos.col)
        })
        .collect();
    assert_eq!(places, ["15:37", "17:40", "19:40"]);
}

/// A step output decoded into its schema's type keeps only the members the schema declares, so
/// a pointer into it naming another member could only ever read nothing: an error where the
/// pointer is written, instead of a `null` at run time.
#[test]
fn a_pointer_into_a_typed_step_output_must_name_a_member_of_its_schema() {
    let arazzo = document(
        "          - {name: id, in: path, value: $inputs.id}",
        "            id: $inputs.id",
    )
    .replace(
        "          id: $response.body#/id\n    outputs:\n      id: $steps.tag.outputs.id",
        "          thing: $response.body\n    outputs:\n      id: $steps.tag.outputs.thing#/ID\n      same: $steps.tag.outputs.thing#/id",
    );
    let dir = project("pointer-outside", &arazzo);
    let expansion = expand("flow.arazzo.yml", &Options::new(&dir));
    let found: Vec<(String, Option<String>)> = expansion
        .diagnostics
        .iter()
        .map(|d| (d.to_string(), d.hint.clone()))
        .collect();
    assert_eq!(
        found,
        vec![(
            "flow.arazzo.yml:27:11: `$steps.tag.outputs.thing#/ID` never finds `ID`: the output is decoded into the type of its schema, which has no such member (members the schema does not declare are dropped); did you mean `id`?".to_owned(),
            Some("did you mean `id`?".to_owned())
        )]
    );
}
