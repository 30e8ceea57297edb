//! What the generator reports about workflows, steps, the references between them and actions:
//! one error per mistake, and nothing for what the specification allows.

use std::path::PathBuf;

use arazzo_codegen::{Options, expand, expand_to_string};

const OPENAPI: &str = r#"openapi: 3.0.3
info: {title: Items, version: "1"}
servers: [{url: "https://items.example/v1"}]
paths:
  /items:
    get:
      operationId: listItems
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: array
                items: {type: object, properties: {id: {type: string}}}
  /items/{itemId}:
    get:
      operationId: getItem
      parameters:
        - {name: itemId, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {name: {type: string}}}
"#;

/// Writes `workflows` (the document's `workflows:` and what follows) as an Arazzo document of
/// `version` next to the OpenAPI file, in a fresh directory.
fn project(name: &str, version: &str, workflows: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("arazzo-codegen-flow-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("items.openapi.yml"), OPENAPI).expect("write openapi");
    let document = format!(
        "arazzo: {version}\ninfo: {{title: Flow, version: \"1\"}}\nsourceDescriptions:\n  - {{name: items, url: items.openapi.yml, type: openapi}}\n{workflows}"
    );
    std::fs::write(dir.join("flow.arazzo.yml"), document).expect("write arazzo");
    dir
}

fn messages(name: &str, version: &str, workflows: &str) -> Vec<String> {
    let dir = project(name, version, workflows);
    expand("flow.arazzo.yml", &Options::new(&dir))
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn a_rejected_step_output_is_reported_once_not_where_it_is_read() {
    let messages = messages(
        "rejected-output",
        "1.0.1",
        r#"workflows:
  - workflowId: read
    steps:
      - stepId: list
        operationId: listItems
        outputs:
          firstId: $response.body.id
      - stepId: get
        operationId: getItem
        parameters:
          - {name: itemId, in: path, value: $steps.list.outputs.firstId}
    outputs:
      firstId: $steps.list.outputs.firstId
"#,
    );
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("flow.arazzo.yml:11:"), "{messages:?}");
}

#[test]
fn a_dropped_step_is_not_reported_again_by_what_refers_to_it() {
    let messages = messages(
        "dropped-step",
        "1.1.0",
        r#"workflows:
  - workflowId: read
    steps:
      - stepId: listen
        channelPath: "{$sourceDescriptions.items.url}#/channels/events"
        outputs:
          id: $message.payload#/id
      - stepId: get
        operationId: getItem
        dependsOn: [listen]
        parameters:
          - {name: itemId, in: path, value: $steps.listen.outputs.id}
        onFailure:
          - {name: again, type: goto, stepId: listen}
"#,
    );
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("AsyncAPI"), "{messages:?}");
}

#[test]
fn a_rejected_workflow_output_is_not_reported_again_by_its_callers() {
    let messages = messages(
        "rejected-workflow-output",
        "1.0.1",
        r#"workflows:
  - workflowId: show
    steps:
      - stepId: list
        operationId: listItems
    outputs:
      count: $response.body#/length
  - workflowId: caller
    steps:
      - stepId: call
        workflowId: show
        successCriteria:
          - condition: $outputs.count > 0
        outputs:
          count: $outputs.count
          again: $workflows.show.outputs.count
    outputs:
      count: $workflows.show.outputs.count
"#,
    );
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("flow.arazzo.yml:11:"), "{messages:?}");
}

#[test]
fn workflows_read_where_the_workflow_has_not_run_are_reported() {
    let messages = messages(
        "workflows-not-run",
        "1.0.1",
        r#"workflows:
  - workflowId: show
    steps:
      - stepId: list
        operationId: listItems
    outputs:
      id: $steps.list.outputs.id
  - workflowId: early
    steps:
      - stepId: get
        operationId: getItem
        parameters:
          - {name: itemId, in: path, value: $workflows.show.outputs.id}
      - stepId: call
        workflowId: show
  - workflowId: never
    steps:
      - stepId: get
        operationId: getItem
        parameters:
          - {name: itemId, in: path, value: $workflows.show.outputs.id}
  - workflowId: twice
    steps:
      - stepId: first
        workflowId: show
        onSuccess:
          - {name: skip, type: goto, stepId: read, criteria: [{condition: $outputs.id == 'x'}]}
      - stepId: second
        workflowId: show
      - stepId: read
        operationId: getItem
        parameters:
          - {name: itemId, in: path, value: $workflows.show.outputs.id}
"#,
    );
    let expected = [
        "is read before step `call` calls workflow `show`",
        "it is not in `dependsOn` and no step calls it",
        "steps `first` and `second` both call workflow `show`",
    ];
    // `show`'s own output reads an output its step does not declare: that is the fourth.
    assert_eq!(messages.len(), 4, "{messages:?}");
    for text in expected {
        assert!(
            messages.iter().any(|m| m.contains(text)),
            "{text}: {messages:?}"
        );
    }
    // The workflow a later step calls needs no `dependsOn`, which would run it twice.
    assert!(
        !messages
            .iter()
            .any(|m| m.contains("is read before step") && m.contains("dependsOn")),
        "{messages:?}"
    );
}

/// A loop of `goto`s between workflows ends on a criterion like a loop of steps; a workflow that
/// calls itself through a step can only recurse.
#[test]
fn a_call_cycle_is_an_error_and_a_goto_loop_is_not() {
    let looping = messages(
        "goto-loop",
        "1.0.1",
        r#"workflows:
  - workflowId: poll
    steps:
      - stepId: list
        operationId: listItems
        onSuccess:
          - {name: again, type: goto, workflowId: poll, criteria: [{condition: $statusCode == 202}]}
"#,
    );
    assert!(looping.is_empty(), "{looping:?}");
    let recursing = messages(
        "call-cycle",
        "1.0.1",
        r#"workflows:
  - workflowId: outer
    steps:
      - stepId: call
        workflowId: inner
  - workflowId: inner
    steps:
      - stepId: list
        operationId: listItems
        onSuccess:
          - {name: back, type: goto, workflowId: outer}
"#,
    );
    assert_eq!(recursing.len(), 1, "{recursing:?}");
    assert!(
        recursing[0].contains("cannot call each other in a cycle"),
        "{recursing:?}"
    );
}

/// Arazzo 1.1.0 Success/Failure Action Object `parameters`: passed to the workflow named by
/// `workflowId`; "The `in` field MUST NOT be used".
#[test]
fn action_parameters_are_checked_against_the_inputs_of_the_target() {
    let workflows = r#"workflows:
  - workflowId: show
    inputs:
      type: object
      required: [itemId]
      properties:
        itemId: {type: string}
    steps:
      - stepId: get
        operationId: getItem
        parameters:
          - {name: itemId, in: path, value: $inputs.itemId}
  - workflowId: start
    steps:
      - stepId: list
        operationId: listItems
        onSuccess:
          - name: misspelt
            type: goto
            workflowId: show
            parameters:
              - {name: itemID, value: x}
          - name: located
            type: goto
            workflowId: show
            parameters:
              - {name: itemId, in: query, value: x}
          - name: nothing
            type: goto
            workflowId: show
            parameters:
              - {name: other, value: x}
"#;
    let messages = messages("action-parameters", "1.1.0", workflows);
    assert_eq!(messages.len(), 4, "{messages:?}");
    assert!(
        messages[0].contains(":26:") && messages[0].contains("did you mean `itemId`"),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains(":31:") && m.contains("takes no `in`"))
    );
    assert!(messages.iter().any(|m| m.contains("has no input `other`")));
    assert!(messages.iter().any(|m| m.contains(
        "action `nothing` does not pass the input `itemId` that workflow `show` requires"
    )));
    let older = self::messages("action-parameters-1-0", "1.0.1", workflows);
    assert!(
        older
            .iter()
            .all(|m| m.contains("Arazzo 1.1") || m.contains("takes no `in`")),
        "{older:?}"
    );
}

/// Arazzo 1.1.0 Step Object `dependsOn`: `$workflows.<workflowId>.steps.<stepId>`.
#[test]
fn a_step_of_another_workflow_in_depends_on_must_exist() {
    let messages = messages(
        "step-depends-on-elsewhere",
        "1.1.0",
        r#"workflows:
  - workflowId: provider
    steps:
      - stepId: list
        operationId: listItems
  - workflowId: consumer
    steps:
      - stepId: get
        operationId: getItem
        dependsOn:
          - $workflows.provider.steps.lst
          - $workflows.provder.steps.list
          - $workflows.provider.steps.list
        parameters:
          - {name: itemId, in: path, value: x}
"#,
    );
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].contains("has no step `lst`") && messages[0].contains("did you mean `list`")
    );
    assert!(
        messages[1].contains("no workflow `provder`")
            && messages[1].contains("did you mean `provider`")
    );
}

/// Names a document gives its workflows and steps always make valid Rust identifiers.
#[test]
fn no_workflow_or_step_name_makes_an_invalid_identifier() {
    let dir = project(
        "odd-names",
        "1.0.1",
        r#"workflows:
  - workflowId: "a::b"
    steps:
      - stepId: "r#type"
        operationId: listItems
        outputs:
          "self": $statusCode
  - workflowId: "_"
    dependsOn: ["a::b"]
    steps:
      - stepId: "2x"
        workflowId: "a::b"
        onSuccess:
          - {name: loop, type: goto, workflowId: "_", criteria: [{condition: $outputs.x == 1}]}
    outputs:
      out: $workflows.a::b.outputs.x
"#,
    );
    let expanded = expand_to_string("flow.arazzo.yml", &Options::new(&dir));
    let diagnostics = expanded.err().unwrap_or_default();
    // Only the two reads of an output `a::b` does not have.
    assert!(
        diagnostics
            .iter()
            .all(|d| d.to_string().contains("has no output `x`")),
        "{diagnostics:?}"
    );
}

#[test]
fn a_refused_dependency_is_not_reported_again_where_it_is_read() {
    let messages = messages(
        "refused-dependency",
        "1.0.1",
        r#"workflows:
  - workflowId: show
    steps:
      - stepId: list
        operationId: listItems
  - workflowId: after
    dependsOn: [shw]
    steps:
      - stepId: get
        operationId: getItem
        parameters:
          - {name: itemId, in: path, value: $workflows.shw.outputs.id}
"#,
    );
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("did you mean `show`"), "{messages:?}");
}
