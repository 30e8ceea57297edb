//! Every document of the clean corpus (`arazzo-codegen/tests/fixtures/clean/`) expands to code
//! that type-checks, each in a module of its own: this file compiling is the test.
//! `arazzo-codegen/tests/clean.rs` checks that this list names every document there.

// Nothing here is called: the generated functions and types only have to type-check.
#![allow(dead_code)]

mod action_parameters_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/action-parameters/flow.arazzo.yaml"
    );
}
mod action_parameters_unused_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/action-parameters-unused/flow.arazzo.yaml"
    );
}
mod arazzo_source_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/arazzo-source/flow.arazzo.yaml"
    );
}
mod arazzo_source_library {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/arazzo-source/library.arazzo.yaml"
    );
}
mod components_reuse_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/components-reuse/flow.arazzo.yaml"
    );
}
mod condition_operators_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/condition-operators/flow.arazzo.yaml"
    );
}
mod criteria_logic_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/criteria-logic/flow.arazzo.yaml"
    );
}
mod cross_document_depends_on_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/cross-document-depends-on/flow.arazzo.yaml"
    );
}
mod cross_document_depends_on_shared {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/cross-document-depends-on/shared.arazzo.yaml"
    );
}
mod cross_workflow_step_depends_on_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/cross-workflow-step-depends-on/flow.arazzo.yaml"
    );
}
mod documents_listing_each_other_a {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/documents-listing-each-other/a.arazzo.yaml"
    );
}
mod documents_listing_each_other_b {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/documents-listing-each-other/b.arazzo.yaml"
    );
}
mod dollar_text_payload_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/dollar-text-payload/flow.arazzo.yaml"
    );
}
mod embedded_condition_expressions_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/embedded-condition-expressions/flow.arazzo.yaml"
    );
}
mod embedded_expressions_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/embedded-expressions/flow.arazzo.yaml"
    );
}
mod end_and_goto_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/end-and-goto/flow.arazzo.yaml"
    );
}
mod extensions_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/extensions/flow.arazzo.yaml"
    );
}
mod external_refs_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/external-refs/flow.arazzo.yml"
    );
}
mod form_body_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/form-body/flow.arazzo.yaml"
    );
}
mod goessner_jsonpath_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/goessner-jsonpath/flow.arazzo.yaml"
    );
}
mod goto_loop_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/goto-loop/flow.arazzo.yaml"
    );
}
mod goto_workflow_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/goto-workflow/flow.arazzo.yaml"
    );
}
mod headers_and_cookies_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/headers-and-cookies/flow.arazzo.yaml"
    );
}
mod input_from_description_apply_state {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/input-from-description/apply-state.arazzo.yaml"
    );
}
mod input_from_description_read_device {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/input-from-description/read-device.arazzo.yaml"
    );
}
mod inputs_all_of_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/inputs-all-of/flow.arazzo.yaml"
    );
}
mod json_document_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/json-document/flow.arazzo.json"
    );
}
mod json_text_payload_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/json-text-payload/flow.arazzo.yaml"
    );
}
mod jsonpath_criterion_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/jsonpath-criterion/flow.arazzo.yaml"
    );
}
mod multipart_body_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/multipart-body/flow.arazzo.yaml"
    );
}
mod negative_test_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/negative-test/flow.arazzo.yml"
    );
}
mod nested_inputs_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/nested-inputs/flow.arazzo.yaml"
    );
}
mod non_json_body_arazzo {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/non-json-body/arazzo.yml"
    );
}
mod oauth2_security_ledger {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/oauth2-security/ledger.arazzo.yaml"
    );
}
mod openapi_3_1_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/openapi-3-1/flow.arazzo.yaml"
    );
}
mod openapi_3_1_null_arazzo {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/openapi-3-1-null/arazzo.yml"
    );
}
mod operation_id_outputs_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/operation-id-outputs/flow.arazzo.yaml"
    );
}
mod operation_path_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/operation-path/flow.arazzo.yaml"
    );
}
mod operation_path_source_form_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/operation-path-source-form/flow.arazzo.yml"
    );
}
mod parameter_locations_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/parameter-locations/flow.arazzo.yaml"
    );
}
mod parameter_styles_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/parameter-styles/flow.arazzo.yaml"
    );
}
mod payload_replacements_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/payload-replacements/flow.arazzo.yaml"
    );
}
mod payloads_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/payloads/flow.arazzo.yml"
    );
}
mod qualified_operation_ids_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/qualified-operation-ids/flow.arazzo.yaml"
    );
}
mod regex_criterion_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/regex-criterion/flow.arazzo.yaml"
    );
}
mod relative_self_base_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/relative-self-base/flow.arazzo.yml"
    );
}
mod remote_vendored_remote {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/remote-vendored/remote.arazzo.yml"
    );
}
mod request_expressions_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/request-expressions/flow.arazzo.yaml"
    );
}
mod retry_after_on_end_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/retry-after-on-end/flow.arazzo.yaml"
    );
}
mod retry_polling_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/retry-polling/flow.arazzo.yaml"
    );
}
mod retry_through_step_and_workflow_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/retry-through-step-and-workflow/flow.arazzo.yaml"
    );
}
mod retry_with_step_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/retry-with-step/flow.arazzo.yaml"
    );
}
mod selector_objects_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/selector-objects/flow.arazzo.yaml"
    );
}
mod source_description_fields_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/source-description-fields/flow.arazzo.yaml"
    );
}
mod step_calls_workflow_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/step-calls-workflow/flow.arazzo.yaml"
    );
}
mod step_output_reads_inputs_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/step-output-reads-inputs/flow.arazzo.yaml"
    );
}
mod step_timeout_and_self_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/step-timeout-and-self/flow.arazzo.yaml"
    );
}
mod success_actions_workflow_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/success-actions-workflow/flow.arazzo.yaml"
    );
}
mod swagger_2_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/swagger-2/flow.arazzo.yaml"
    );
}
mod swagger_2_yaml_shop {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/swagger-2-yaml/shop.arazzo.yaml"
    );
}
mod version_1_0_0_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/version-1-0-0/flow.arazzo.yaml"
    );
}
mod workflow_depends_on_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/workflow-depends-on/flow.arazzo.yaml"
    );
}
mod typed_outputs_shapes {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/typed-outputs/shapes.arazzo.yaml"
    );
}
mod workflow_goto_loop_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/workflow-goto-loop/flow.arazzo.yaml"
    );
}
mod workflows_inputs_and_outputs_flow {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/workflows-inputs-and-outputs/flow.arazzo.yaml"
    );
}
mod xpath_criterion_arazzo {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/xpath-criterion/arazzo.yml"
    );
}
mod xpath_selector_arazzo {
    arazzo_runtime::arazzo_workflow!(
        "arazzo-codegen/tests/fixtures/clean/xpath-selector/arazzo.yml"
    );
}
