//! The defects found in the Arazzo specification's example workflows (`pet-coupons`, `oauth`,
//! `bnpl`, `FAPI-PAR`, `LoginAndRetrievePets`, `ExtendedParametersExample`), each reproduced on
//! a small document written for this test (`tests/fixtures/corpus/`): every fixture is a
//! corrected version that must expand without a diagnostic, and each test puts the example's
//! mistakes back into it and checks what is reported, at which line and column.

use std::path::PathBuf;

use arazzo_codegen::{Options, expand, expand_str};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus")
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(corpus().join(name)).expect("read the fixture")
}

/// `text` with each `(from, to)` applied; each `from` must occur exactly once, so that a test
/// cannot silently stop reproducing its defect when the fixture changes.
fn with(text: &str, edits: &[(&str, &str)]) -> String {
    let mut out = text.to_owned();
    for (from, to) in edits {
        assert_eq!(out.matches(from).count(), 1, "`{from}` must occur once");
        out = out.replace(from, to);
    }
    out
}

/// The diagnostics of `text` expanded as the document `name` of the corpus directory.
fn diagnostics(name: &str, text: &str) -> Vec<String> {
    expand_str(text, name, &Options::new(corpus()))
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn every_corrected_example_expands_without_a_diagnostic() {
    for name in [
        "pet-coupons.arazzo.yml",
        "fapi.arazzo.yml",
        "oauth.arazzo.yml",
        "login.arazzo.yml",
        "bnpl.arazzo.yml",
        "zoo.arazzo.yml",
    ] {
        let expansion = expand(name, &Options::new(corpus()));
        let messages: Vec<String> = expansion
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(messages, Vec::<String>::new(), "{name}");
        assert!(!expansion.tokens.is_empty(), "{name} generated nothing");
    }
}

#[test]
fn pet_coupons_parameter_names_the_operations_do_not_have_and_a_status_code_without_a_response() {
    let name = "pet-coupons.arazzo.yml";
    let broken = with(
        &fixture(name),
        &[
            // `findPetsByTags` takes `tags`, `getPetCoupons` takes the path parameter `petId`.
            ("          - name: tags\n", "          - name: pet_tags\n"),
            ("          - name: petId\n", "          - name: pet_id\n"),
            // A step that calls a workflow gets no HTTP response, so no status code.
            (
                "          - condition: $outputs.workflow_order_id != null",
                "          - condition: $statusCode == 200",
            ),
        ],
    );
    assert_eq!(
        diagnostics(name, &broken),
        vec![
            "pet-coupons.arazzo.yml:24:19: operation `findPetsByTags` (`GET /pet/findByTags`) has no parameter `pet_tags`; expected one of `tags`",
            // Only once: the required `petId` is not said to be missing as well.
            "pet-coupons.arazzo.yml:34:19: the path `/pet/{petId}/coupons` of operation `getPetCoupons` has no `{pet_id}`; did you mean `petId`?",
            "pet-coupons.arazzo.yml:49:24: `$statusCode` has no meaning in a step that calls a workflow; read the workflow's outputs with `$outputs.NAME`",
        ]
    );
}

#[test]
fn fapi_par_operation_id_in_the_wrong_case() {
    let name = "fapi.arazzo.yml";
    let broken = with(
        &fixture(name),
        &[(
            "operationId: $sourceDescriptions.auth-api.Par",
            "operationId: $sourceDescriptions.auth-api.PAR",
        )],
    );
    assert_eq!(
        diagnostics(name, &broken),
        vec![
            "fapi.arazzo.yml:22:22: operationId `PAR` is not in auth.openapi.yml; did you mean `Par`?"
        ]
    );
}

#[test]
fn a_required_content_type_header_parameter_is_ignored_as_openapi_says() {
    // The description declares `Content-Type` a required header of `Par` and `Token`; OpenAPI
    // says such a declaration "SHALL be ignored", so a step that leaves it out is not wrong, and
    // one that sets it is not wrong either.
    let name = "fapi.arazzo.yml";
    assert_eq!(diagnostics(name, &fixture(name)), Vec::<String>::new());
    let explicit = with(
        &fixture(name),
        &[(
            "        parameters:\n          - name: client_id\n            in: query\n            value: $inputs.client_id\n        requestBody:\n          payload:\n            response_type",
            "        parameters:\n          - name: Content-Type\n            in: header\n            value: application/x-www-form-urlencoded\n          - name: client_id\n            in: query\n            value: $inputs.client_id\n        requestBody:\n          payload:\n            response_type",
        )],
    );
    assert_eq!(diagnostics(name, &explicit), Vec::<String>::new());
}

#[test]
fn oauth_refresh_form_without_the_client_id_the_token_endpoint_requires() {
    let name = "oauth.arazzo.yml";
    let broken = with(
        &fixture(name),
        &[("            client_id: $inputs.client_id\n", "")],
    );
    assert_eq!(
        diagnostics(name, &broken),
        vec![
            "oauth.arazzo.yml:26:13: the request body of operation `get-token` requires `client_id`, which the payload does not set"
        ]
    );
}

#[test]
fn login_operation_path_without_its_method_and_a_remote_description() {
    let name = "login.arazzo.yml";
    let broken = with(
        &fixture(name),
        &[(
            "#/paths/~1pet~1findByStatus/get'",
            "#/paths/~1pet~1findByStatus'",
        )],
    );
    assert_eq!(
        diagnostics(name, &broken),
        vec![
            "login.arazzo.yml:36:21: `#/paths/~1pet~1findByStatus` does not reach an operation of source description `petStoreDescription`: it points at the path `/pet/findByStatus`, not at one of its operations; add the method: `#/paths/~1pet~1findByStatus/get`"
        ]
    );

    let remote = with(
        &fixture(name),
        &[(
            "url: ./petstore.openapi.yml",
            "url: https://pets.example/openapi.yaml",
        )],
    );
    assert_eq!(
        diagnostics(name, &remote),
        vec![
            "login.arazzo.yml:9:8: source description `petStoreDescription` is remote (`https://pets.example/openapi.yaml`) and there is no `arazzo.lock`; the build never downloads; run `arazzo vendor login.arazzo.yml` to download it once and lock it"
        ]
    );
}

#[test]
fn bnpl_names_the_responses_parameters_payloads_and_outputs_do_not_have() {
    let name = "bnpl.arazzo.yml";
    let broken = with(
        &fixture(name),
        &[
            // The 200 response (closed) has `productCodes`, not `products`.
            (
                "eligibleProducts: $response.body#/productCodes",
                "eligibleProducts: $response.body#/products",
            ),
            // `getAuthorization` takes `AuthorizationToken`; the token is an output of the step
            // before, not of this step.
            (
                "      - name: AuthorizationToken\n",
                "      - name: redirectAuthToken\n",
            ),
            (
                "        value: $steps.initiateBnplTransaction.outputs.redirectAuthToken",
                "        value: $steps.authenticateCustomerAndAuthorizeLoan.outputs.redirectAuthToken",
            ),
            // The step keeps the resource URL, not the id the later steps read.
            (
                "      loanTransactionId: $response.body#/loanTransactionId\n",
                "",
            ),
            // The status body (closed) has `status`, not `loanStatus`.
            (
                "payload: { \"status\": \"Completed\" }",
                "payload: { \"loanStatus\": \"Completed\" }",
            ),
            // A workflow output that skips `.outputs.`.
            (
                "$steps.retrieveFinalizedPaymentPlan.outputs.finalizedPaymentPlan",
                "$steps.retrieveFinalizedPaymentPlan.finalizedPaymentPlan",
            ),
        ],
    );
    assert_eq!(
        diagnostics(name, &broken),
        vec![
            "bnpl.arazzo.yml:42:25: `$response.body#/products`: the `200` response of operation `findEligibleProducts` has no property `products`; did you mean `productCodes`?",
            // Only once: the required `AuthorizationToken` is not said to be missing as well.
            "bnpl.arazzo.yml:79:15: operation `getAuthorization` (`GET /auth`) has no parameter `redirectAuthToken`; expected one of `AuthorizationToken`",
            "bnpl.arazzo.yml:81:16: step `authenticateCustomerAndAuthorizeLoan` has no output `redirectAuthToken`; step `initiateBnplTransaction` has it: `$steps.initiateBnplTransaction.outputs.redirectAuthToken`",
            "bnpl.arazzo.yml:91:16: step `initiateBnplTransaction` has no output `loanTransactionId`; did you mean `loanTransactionResourceUrl`?",
            "bnpl.arazzo.yml:101:16: step `initiateBnplTransaction` has no output `loanTransactionId`; did you mean `loanTransactionResourceUrl`?",
            "bnpl.arazzo.yml:104:19: the request body of operation `updateBnplLoanTransactionStatus` has no property `loanStatus`; did you mean `status`?",
            "bnpl.arazzo.yml:108:63: in `$steps.retrieveFinalizedPaymentPlan.finalizedPaymentPlan`: expected `outputs.NAME` here, found `finalizedPaymentPlan`; did you mean `outputs.finalizedPaymentPlan`?",
        ]
    );
}

#[test]
fn bnpl_reads_that_some_success_response_has_are_not_reported() {
    // `createCustomer` succeeds with 200 (closed, no `links`) or 201 (with `links`): the output
    // `customer` reads `/links/self`, which the 201 response has, so it is not an error.
    let name = "bnpl.arazzo.yml";
    let text = fixture(name);
    assert!(text.contains("$statusCode == 200 || $statusCode == 201"));
    assert!(text.contains("customer: $response.body#/links/self"));
    assert_eq!(diagnostics(name, &text), Vec::<String>::new());
}

#[test]
fn extended_parameters_description_file_missing() {
    let name = "zoo.arazzo.yml";
    let broken = with(
        &fixture(name),
        &[("url: ./animals.openapi.yml", "url: ./animals.yaml")],
    );
    assert_eq!(
        diagnostics(name, &broken),
        vec!["zoo.arazzo.yml:10:10: cannot read source description `animals.yaml`: no such file"]
    );
}
