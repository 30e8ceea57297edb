//! Finding the operation a step calls: `operationId` (with hints for the usual slips),
//! `operationPath` in the forms the specification allows, descriptions split across files, a
//! relative `$self`, and AsyncAPI sources next to OpenAPI ones.

use std::path::PathBuf;

use arazzo_codegen::{Options, expand, expand_str};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The clean document of `folder` in the clean corpus, with each `(from, to)` applied once.
fn edited(folder: &str, edits: &[(&str, &str)]) -> Vec<String> {
    let dir = fixtures().join("clean").join(folder);
    let mut text = std::fs::read_to_string(dir.join("flow.arazzo.yml")).expect("fixture");
    for (from, to) in edits {
        assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
        text = text.replace(from, to);
    }
    messages(&expand_str(&text, "flow.arazzo.yml", &Options::new(dir)).diagnostics)
}

fn messages(diagnostics: &[arazzo_codegen::Diagnostic]) -> Vec<String> {
    diagnostics.iter().map(ToString::to_string).collect()
}

#[test]
fn an_operation_id_differing_only_in_case_is_hinted() {
    assert_eq!(
        edited(
            "external-refs",
            &[("operationId: listItems", "operationId: listitems")]
        ),
        [
            "flow.arazzo.yml:32:22: operationId `listitems` is not in items.openapi.yml; did you mean `listItems`?"
        ]
    );
}

#[test]
fn the_source_dot_operation_id_shortcut_is_hinted_with_its_runtime_expression() {
    // Arazzo 1.0.1, Step Object `operationId`: the source is named with a runtime expression,
    // `$sourceDescriptions.<name>.<operationId>`; `items.listItems` is an operationId.
    assert_eq!(
        edited(
            "external-refs",
            &[("operationId: listItems", "operationId: items.listItems")]
        ),
        [
            "flow.arazzo.yml:32:22: operationId `items.listItems` is not in items.openapi.yml; did you mean `$sourceDescriptions.items.listItems`?"
        ]
    );
}

#[test]
fn an_operation_path_without_a_runtime_expression_is_an_error_with_the_fix() {
    // Arazzo 1.0.1, Step Object `operationPath`: "A Runtime Expression syntax MUST be used to
    // identify the source description document."
    assert_eq!(
        edited(
            "operation-path-source-form",
            &[(
                "operationPath: $sourceDescriptions.items#/paths/~1items/get",
                "operationPath: items#/paths/~1items/get"
            )]
        ),
        [
            "flow.arazzo.yml:11:24: `operationPath: items#/paths/~1items/get` must be `{$sourceDescriptions.NAME.url}#/paths/PATH/METHOD`; did you mean `{$sourceDescriptions.items.url}#/paths/~1items/get`?"
        ]
    );
}

#[test]
fn an_operation_path_in_the_source_form_still_reaches_only_real_operations() {
    assert_eq!(
        edited(
            "operation-path-source-form",
            &[(
                "$sourceDescriptions.items#/paths/~1items/get",
                "$sourceDescriptions.items#/paths/~1items/post"
            )]
        ),
        [
            "flow.arazzo.yml:11:24: `#/paths/~1items/post` does not reach an operation of source description `items`: the path `/items` has no `post` operation; expected `#/paths/~1items/get`"
        ]
    );
}

#[test]
fn schemas_parameters_and_bodies_in_other_files_are_checked() {
    // Each is reached through `$ref`s resolved relative to the file holding them (OpenAPI 3.x
    // Reference Object): the response schema in `schemas/item.yml`, the path parameter and the
    // request body in `components.yml`, whose own `#/schemas/NewItem` points into itself.
    assert_eq!(
        edited(
            "external-refs",
            &[
                (
                    "status: $response.body#/status",
                    "status: $response.body#/stauts"
                ),
                (
                    "            name: $inputs.name",
                    "            nmae: $inputs.name"
                ),
                (
                    "        parameters:\n          - {name: itemId, in: path, value: $steps.create.outputs.id}\n",
                    ""
                ),
            ]
        ),
        [
            "flow.arazzo.yml:18:13: the request body of operation `createItem` has no property `nmae`; did you mean `name`?",
            "flow.arazzo.yml:23:17: step `read` does not set the required path parameter `itemId` of operation `getItem`",
            "flow.arazzo.yml:28:19: `$response.body#/stauts`: the `200` response of operation `getItem` has no property `stauts`; did you mean `status`?",
        ]
    );
}

#[test]
fn references_that_cannot_be_followed_are_each_reported_once_where_written() {
    // The missing files once, though one is referenced twice, and as one error, since they
    // share a cause; the reference out of the crate; nothing for the extension's Markdown, nor
    // for `listItems`, which may be in a missing file.
    let expansion = expand(
        "broken.arazzo.yml",
        &Options::new(fixtures().join("operations")),
    );
    assert_eq!(
        messages(&expansion.diagnostics),
        [
            "broken.openapi.yml:5:11: cannot read `paths/missing.yml`, which `$ref: ./paths/missing.yml` points to: no such file; 2 more `$ref`s of this description point to files that cannot be read either",
            "broken.openapi.yml:7:11: the file `$ref: ../outside.yml` points to is outside the crate; `arazzo_workflow!` reads only files under the crate's directory: move it in, or allow it with `arazzo_workflow!(\"...\", allow_outside_crate)`",
        ]
    );
}

#[test]
fn a_reference_out_of_the_crate_is_refused_unless_allowed() {
    let dir = fixtures().join("operations");
    let expansion = expand("outside.arazzo.yml", &Options::new(&dir));
    assert_eq!(
        messages(&expansion.diagnostics),
        [
            "outside.openapi.yml:5:11: the file `$ref: ../clean/external-refs/paths/items.yml` points to is outside the crate; `arazzo_workflow!` reads only files under the crate's directory: move it in, or allow it with `arazzo_workflow!(\"...\", allow_outside_crate)`"
        ]
    );
    let allowed = Options {
        allow_outside_crate: true,
        ..Options::new(&dir)
    };
    let expansion = expand("outside.arazzo.yml", &allowed);
    assert_eq!(messages(&expansion.diagnostics), Vec::<String>::new());
    assert_eq!(expansion.files.len(), 7, "{:?}", expansion.files);
}

#[test]
fn a_relative_self_is_the_base_of_relative_urls() {
    // Arazzo 1.1.0 "Establishing the Base URI": a relative `$self` MUST be resolved, then used
    // as the base; without it, `./items.openapi.yml` is read next to the document.
    assert_eq!(
        edited(
            "relative-self-base",
            &[("$self: specs/flow.arazzo.yml\n", "")]
        ),
        ["flow.arazzo.yml:7:24: cannot read source description `items.openapi.yml`: no such file"]
    );
}

#[test]
fn an_asyncapi_source_does_not_hide_a_wrong_operation_id() {
    // Only the AsyncAPI source itself is reported, not the step that names it again.
    let text = r#"arazzo: 1.1.0
info: {title: Events next to items, version: "1"}
sourceDescriptions:
  - {name: items, url: items.openapi.yml, type: openapi}
  - {name: events, url: events.asyncapi.yml, type: asyncapi}
workflows:
  - workflowId: list
    steps:
      - stepId: explicit
        operationId: $sourceDescriptions.items.listItemz
      - stepId: plain
        operationId: getItme
      - stepId: event
        operationId: $sourceDescriptions.events.itemSold
"#;
    let dir = fixtures().join("clean/external-refs");
    let expansion = expand_str(text, "events.arazzo.yml", &Options::new(dir));
    assert_eq!(
        messages(&expansion.diagnostics),
        [
            "events.arazzo.yml:5:52: source description `events` is an AsyncAPI description; AsyncAPI is not supported yet",
            "events.arazzo.yml:10:22: operationId `listItemz` is not in items.openapi.yml; did you mean `listItems`?",
            "events.arazzo.yml:12:22: operationId `getItme` is not in items.openapi.yml; did you mean `getItem`?",
        ]
    );
}

#[test]
fn a_reference_back_into_the_description_resolves_there() {
    // `schemas/item.yml` points back into `items.openapi.yml` for `status`, a string.
    assert_eq!(
        edited(
            "external-refs",
            &[(
                "status: $response.body#/status",
                "status: $response.body#/status/code"
            )]
        ),
        [
            "flow.arazzo.yml:30:19: `$response.body#/status/code`: `/status` in the `200` response of operation `getItem` is a string, which has no `/code`"
        ]
    );
}
