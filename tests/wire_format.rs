//! The exact bytes of request bodies and parameters whose serialisation the OpenAPI description
//! decides: `multipart/form-data` bodies, and parameter `style` / `explode`. Over real HTTP
//! against a server that records every request.

mod support;

use arazzo_runtime::Error;
use serde_json::json;
use support::recorder::{Log, Recorded, start};

mod wire {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/wire/wire.arazzo.yaml");
}

fn only(log: &Log) -> Recorded {
    let log = log.lock().expect("log");
    assert_eq!(log.len(), 1, "{log:?}");
    log[0].clone()
}

fn header(recorded: &Recorded, name: &str) -> String {
    recorded.header(name).unwrap_or_default()
}

/// OpenAPI 3.0.3, "Special Considerations for `multipart` Content": "for primitive properties:
/// `text/plain`"; "for complex properties: `application/json`"; "If the property is an array,
/// the default Content-Type is defined based on the inner type"; an Encoding Object's
/// `contentType` overrides the default. RFC 7578: one part per field, a `text/plain` part needs
/// no `Content-Type`.
#[tokio::test]
async fn a_multipart_payload_is_sent_as_one_part_per_member() {
    let (client, log) = start().await;
    wire::upload_multipart(
        &client,
        wire::UploadMultipartInputs {
            title: "Q\"4".into(),
            meta: json!({"lang": "uk"}),
        },
    )
    .await
    .expect("run");
    let sent = only(&log);
    let content_type = header(&sent, "content-type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("{content_type}"));
    let part = |name: &str, headers: &str, text: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n{headers}\r\n{text}\r\n"
        )
    };
    let expected = [
        part("title", "", "Q\"4"),
        part("size", "", "42"),
        part("public", "", "true"),
        part(
            "meta",
            "Content-Type: application/json\r\n",
            "{\"lang\":\"uk\"}",
        ),
        part("tags", "", "a"),
        part("tags", "", "b"),
        part("doc", "Content-Type: text/markdown\r\n", "# Notes"),
        format!("--{boundary}--\r\n"),
    ]
    .concat();
    assert_eq!(sent.body, expected);
}

/// A payload whose type is known only at run time and turns out not to be an object has no
/// members to make parts of: refused before sending, not sent as JSON labelled multipart.
#[tokio::test]
async fn a_multipart_payload_that_is_not_an_object_is_refused() {
    let (client, log) = start().await;
    let err = wire::upload_anything(
        &client,
        wire::UploadAnythingInputs {
            payload: json!(["a"]),
        },
    )
    .await
    .expect_err("refused");
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err}");
    assert!(err.to_string().contains("must be an object"), "{err}");
    assert!(log.lock().expect("log").is_empty());
}

/// OpenAPI 3.0.3, Parameter Object, "Style Values" and "Style Examples" (`color` as the array
/// `["blue","black","brown"]` and the object `{"R":100,"G":200,"B":150}`): query `form`
/// exploded `color=blue&color=black&color=brown`, not exploded `color=blue,black,brown`, an
/// object exploded `R=100&G=200&B=150`, not `color=R,100,G,200,B,150`; `spaceDelimited`
/// `color=blue%20black%20brown`; `pipeDelimited` `color=blue|black|brown`; `deepObject`
/// `color[R]=100&color[G]=200&color[B]=150`. A comma inside a value is encoded, so only the
/// delimiters are literal. A parameter with `content` instead is "the media type ... of the
/// parameter": `application/json` sends a string as the JSON string `"a b"`.
#[tokio::test]
async fn query_parameters_follow_their_style_and_explode() {
    let (client, log) = start().await;
    wire::parameter_styles(&client, styles_inputs())
        .await
        .expect("run");
    let query = log.lock().expect("log")[0].target.clone();
    assert_eq!(
        query,
        "/api/query?formArr=blue&formArr=black%2Cgrey\
         &formCsv=blue,black%2Cgrey\
         &B=150&G=200&R=100\
         &formObjCsv=B,150,G,200,R,100\
         &spaced=blue%20black%2Cgrey\
         &piped=blue|black%2Cgrey\
         &deep[B]=150&deep[G]=200&deep[R]=100\
         &filter=%22a+b%22"
    );
}

/// OpenAPI 3.0.3 "Style Examples": path `simple` `blue,black,brown`, exploded object
/// `R=100,G=200,B=150`; `label` `.blue,black,brown`, exploded object `.R=100.G=200.B=150`;
/// `matrix` `;color=blue,black,brown`, exploded `;color=blue;color=black;color=brown`.
#[tokio::test]
async fn path_parameters_follow_their_style_and_explode() {
    let (client, log) = start().await;
    wire::parameter_styles(&client, styles_inputs())
        .await
        .expect("run");
    let path = log.lock().expect("log")[1].target.clone();
    assert_eq!(
        path,
        "/api/paths/blue,black%2Cgrey/B=150,G=200,R=100/.blue,black%2Cgrey/.B=150.G=200.R=100\
         /;matrix=blue,black%2Cgrey/;matrixExp=blue;matrixExp=black%2Cgrey"
    );
}

/// OpenAPI 3.0.3: a header's style is `simple` (`blue,black,brown`; an object
/// `R,100,G,200,B,150`, exploded `R=100,G=200,B=150`).
#[tokio::test]
async fn header_parameters_are_simple() {
    let (client, log) = start().await;
    wire::parameter_styles(&client, styles_inputs())
        .await
        .expect("run");
    let sent = log.lock().expect("log")[2].clone();
    assert_eq!(header(&sent, "x-colors"), "blue,black,grey");
    assert_eq!(header(&sent, "x-rgb"), "B,150,G,200,R,100");
    assert_eq!(header(&sent, "x-rgb-exploded"), "B=150,G=200,R=100");
}

fn styles_inputs() -> wire::ParameterStylesInputs {
    wire::ParameterStylesInputs {
        colors: vec!["blue".into(), "black,grey".into()],
        rgb: json!({"B": 150, "G": 200, "R": 100}),
    }
}
