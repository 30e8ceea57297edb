//! The exact bytes a step sends: payload replacements (JSON pointer and JSONPath targets), forms
//! written as text, JSON written as text with values embedded, forms serialised as the
//! description's `encoding` says, and optional values that are absent. Over real HTTP against a
//! server that records every request.

mod support;

use support::recorder::{Log, Recorded, start};

mod payloads {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/requests/payloads.arazzo.yaml");
}

fn sent(log: &Log) -> Vec<Recorded> {
    log.lock().expect("log").clone()
}

#[tokio::test]
async fn a_jsonpath_target_replaces_every_node_it_selects() {
    let (client, log) = start().await;
    payloads::replace_by_jsonpath(&client, payloads::ReplaceByJsonpathInputs { qty: 7 })
        .await
        .expect("runs");
    let [order] = sent(&log).try_into().expect("one request");
    assert_eq!(
        order.body,
        r#"{"items":[{"sku":"a","qty":7},{"sku":"b","qty":7}],"note":"changed"}"#
    );
}

#[tokio::test]
async fn a_form_written_as_text_takes_replacements_and_encodes_embedded_values() {
    let (client, log) = start().await;
    payloads::form_text(
        &client,
        payloads::FormTextInputs {
            city: "Kyiv".into(),
            // Encoded as one value: it cannot add a field.
            note: "a&b=c".into(),
        },
    )
    .await
    .expect("runs");
    let [form] = sent(&log).try_into().expect("one request");
    assert_eq!(form.body, "name=Ann+Lee&city=Kyiv&note=a%26b%3Dc");
    assert_eq!(
        form.header("content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
}

#[tokio::test]
async fn values_embedded_in_json_text_are_written_as_json() {
    let (client, log) = start().await;
    payloads::json_text(
        &client,
        payloads::JsonTextInputs {
            tags: vec!["x".into(), "y".into()],
            name: "Ann \"the\" first".into(),
            // A `number` input holding a whole number is sent as it would be written.
            amount: 800.0,
        },
    )
    .await
    .expect("runs");
    let [order] = sent(&log).try_into().expect("one request");
    assert_eq!(
        order.body,
        r#"{"tags": ["x","y"], "name": "Ann \"the\" first", "amount": 800}"#
    );
}

#[tokio::test]
async fn absent_optional_values_leave_out_their_header_query_and_whole_body() {
    let (client, log) = start().await;
    payloads::optional_values(
        &client,
        payloads::OptionalValuesInputs {
            trace: None,
            amount: None,
            note: None,
        },
    )
    .await
    .expect("runs");
    let [ping, note] = sent(&log).try_into().expect("two requests");
    // `trace-{$inputs.trace}` is left out like `$inputs.trace` alone, never sent as `trace-`.
    assert_eq!(
        (ping.method.as_str(), ping.header("x-trace")),
        ("GET", None)
    );
    assert_eq!(ping.target, "/api/ping");
    // The whole payload absent: no body and no `Content-Type`.
    assert_eq!(note.header("content-type"), None);
    assert_eq!(note.body, "");

    payloads::optional_values(
        &client,
        payloads::OptionalValuesInputs {
            trace: Some("abc".into()),
            amount: Some(12.0),
            note: Some(payloads::OptionalValuesInputsNote {
                text: Some("hi".into()),
            }),
        },
    )
    .await
    .expect("runs");
    let [_, _, ping, note] = sent(&log).try_into().expect("four requests");
    assert_eq!(ping.header("x-trace").as_deref(), Some("trace-abc"));
    assert_eq!(ping.target, "/api/ping?amount=12");
    assert_eq!(
        note.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(note.body, r#"{"text":"hi"}"#);
}

#[tokio::test]
async fn an_absent_payload_for_a_required_body_is_refused_before_sending() {
    // OpenAPI 3.x Request Body Object `required: true`: the operation needs a body, so an
    // optional input left out is an error of the run, and nothing is sent.
    let (client, log) = start().await;
    let error = payloads::required_body(&client, payloads::RequiredBodyInputs { note: None })
        .await
        .expect_err("refused");
    assert!(
        matches!(error, arazzo_runtime::Error::InvalidRequest { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("requires a request body"),
        "{error}"
    );
    assert!(sent(&log).is_empty());

    let note = payloads::RequiredBodyInputsNote {
        text: Some("hi".into()),
    };
    payloads::required_body(&client, payloads::RequiredBodyInputs { note: Some(note) })
        .await
        .expect("runs");
    let [sent] = sent(&log).try_into().expect("one request");
    assert_eq!(sent.body, r#"{"text":"hi"}"#);
}

#[tokio::test]
async fn form_members_follow_the_description_encoding_object() {
    // OpenAPI 3.x Encoding Object: `metadata` is `deepObject`, `tags` `pipeDelimited`.
    let (client, log) = start().await;
    payloads::deep_object_form(
        &client,
        payloads::DeepObjectFormInputs {
            customer: "c1".into(),
        },
    )
    .await
    .expect("runs");
    let [create] = sent(&log).try_into().expect("one request");
    assert_eq!(
        create.body,
        "customer=c1&metadata%5Bchannel%5D=web&metadata%5Bcampaign%5D=spring+sale&tags=a%7Cb"
    );
}
