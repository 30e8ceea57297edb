//! Conditions and runtime expressions evaluated at run time, over real HTTP against a small jobs
//! board: the specification's condition operators `.` and `[]`, expressions embedded in
//! `jsonpath` and `regex` conditions, Goessner JSONPath, `$`-strings that are data, and
//! `$sourceDescriptions.NAME.X`.

mod support;

use arazzo_runtime::{Client, Error};
use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};

mod board {
    arazzo_runtime::arazzo_workflow!("tests/fixtures/conditions/conditions.arazzo.yaml");
}

async fn start() -> Client {
    let app = Router::new()
        .route(
            "/jobs",
            get(|| async {
                axum::Json(json!({
                    "count": 2,
                    "label": "release-1.0",
                    "data": {"ok": true},
                    "jobs": [{"id": "j1", "status": "running"}, {"id": "j2", "status": "done"}],
                }))
            }),
        )
        .route(
            "/search",
            axum::routing::post(
                |axum::Json(body): axum::Json<Value>| async move { axum::Json(body) },
            ),
        );
    let base = format!("http://{}", support::serve(app).await);
    Client::builder()
        .server("board", base)
        .build()
        .expect("client")
}

/// `Ok(())`, or the step and the index of the criterion that failed.
fn outcome(result: Result<impl Sized, Error>, texts: &[&[&str]]) -> Result<(), (String, usize)> {
    match result {
        Ok(_) => Ok(()),
        Err(Error::CriterionFailed {
            context, criterion, ..
        }) => {
            let step = context.step.to_string();
            let index = texts
                .iter()
                .find_map(|step_texts| step_texts.iter().position(|t| *t == criterion))
                .unwrap_or(usize::MAX);
            Err((step, index))
        }
        Err(other) => panic!("unexpected error: {other}"),
    }
}

fn checks(threshold: i64, first: &str, kind: &str) -> board::DottedInputs {
    board::DottedInputs {
        threshold,
        first: first.into(),
        filter: board::DottedInputsFilter {
            kind: Some(kind.into()),
        },
    }
}

// Arazzo 1.1.0 "Operators" (`[]` Index, `.` Property de-reference) and "Runtime Expressions in
// Conditions" (`$response.body.count > $inputs.threshold`): the same outcome as the pointer form
// for every input, holding and failing at the same criterion.
#[tokio::test]
async fn the_condition_operators_hold_and_fail_as_the_pointer_form_does() {
    let client = start().await;
    let dotted: &[&[&str]] = &[
        &[
            "$response.body.count > $inputs.threshold",
            "$response.body.jobs[0].id == $inputs.first && $response.body.data != null",
            "$inputs.filter.kind == 'x'",
        ],
        &["$steps.list.outputs.all.jobs[1].status == 'done'"],
    ];
    let pointers: &[&[&str]] = &[
        &[
            "$response.body#/count > $inputs.threshold",
            "$response.body#/jobs/0/id == $inputs.first && $response.body#/data != null",
            "$inputs.filter#/kind == 'x'",
        ],
        &["$steps.list.outputs.all#/jobs/1/status == 'done'"],
    ];
    let cases = [
        ((1, "j1", "x"), Ok(())),
        ((2, "j1", "x"), Err(("list".to_owned(), 0))),
        ((1, "J1", "x"), Ok(())), // string comparisons are case-insensitive
        ((1, "j2", "x"), Err(("list".to_owned(), 1))),
        ((1, "j1", "y"), Err(("list".to_owned(), 2))),
    ];
    for ((threshold, first, kind), expected) in cases {
        let by_operators = outcome(
            board::dotted(&client, checks(threshold, first, kind)).await,
            dotted,
        );
        let inputs = checks(threshold, first, kind);
        let by_pointers = outcome(
            board::pointers(
                &client,
                board::PointersInputs {
                    threshold: inputs.threshold,
                    first: inputs.first,
                    filter: board::PointersInputsFilter {
                        kind: inputs.filter.kind,
                    },
                },
            )
            .await,
            pointers,
        );
        assert_eq!(by_operators, expected, "{threshold} {first} {kind}");
        assert_eq!(by_pointers, expected, "{threshold} {first} {kind}");
    }
}

// Arazzo 1.1.0 Criterion Object, "Runtime Expressions in Conditions": "The runtime expressions
// are evaluated first, then substituted into the condition string before the expression is
// evaluated".
#[tokio::test]
async fn an_expression_embedded_in_a_jsonpath_condition_is_substituted() {
    let client = start().await;
    let run = |wanted: &str| {
        board::job_in_status(
            &client,
            board::JobInStatusInputs {
                wanted: wanted.into(),
            },
        )
    };
    assert!(run("done").await.is_ok());
    assert!(matches!(
        run("lost").await,
        Err(Error::CriterionFailed { .. })
    ));
    // Escaped for the string literal it stands in: it cannot close the literal and add a test.
    assert!(matches!(
        run(r#"x" || @.status != "x"#).await,
        Err(Error::CriterionFailed { .. })
    ));
    // Outside a string literal a number stands as a number.
    let least = |least: i64| board::enough_jobs(&client, board::EnoughJobsInputs { least });
    assert!(least(2).await.is_ok());
    assert!(matches!(least(3).await, Err(Error::CriterionFailed { .. })));
}

#[tokio::test]
async fn an_expression_embedded_in_a_regex_is_matched_literally() {
    let client = start().await;
    let run = |version: &str| {
        board::release_label(
            &client,
            board::ReleaseLabelInputs {
                version: version.into(),
            },
        )
    };
    assert!(run("1.0").await.is_ok());
    // As regexes `.*` and `1.0` with any character for the dot would match `release-1.0`.
    for literal in [".*", "1x0"] {
        assert!(
            matches!(run(literal).await, Err(Error::CriterionFailed { .. })),
            "{literal}"
        );
    }
}

// Arazzo 1.0.1 / 1.1.0 Criterion Expression Type Object: `jsonpath` version
// `draft-goessner-dispatch-jsonpath-00`.
#[tokio::test]
async fn a_goessner_jsonpath_criterion_is_evaluated() {
    let client = start().await;
    let run = |wanted: &str| {
        board::job_in_status_goessner(
            &client,
            board::JobInStatusGoessnerInputs {
                wanted: wanted.into(),
            },
        )
    };
    assert!(run("done").await.is_ok());
    assert!(matches!(
        run("lost").await,
        Err(Error::CriterionFailed { .. })
    ));
    // A quote in the value stays inside the single-quoted literal.
    assert!(matches!(
        run("it's").await,
        Err(Error::CriterionFailed { .. })
    ));
}

// Runtime expression ABNF: an expression begins with one of its roots; `$.items[*]…` and
// `$5 or less` do not, so they are data.
#[tokio::test]
async fn payload_strings_that_are_no_expressions_are_sent_as_written() {
    let client = start().await;
    let out = board::search(
        &client,
        board::SearchInputs {
            owner: "ada".into(),
        },
    )
    .await
    .expect("workflow runs");
    assert_eq!(
        out.received,
        json!({
            "owner": "ada",
            "filters": {"type": "jsonpath", "expression": "$.items[*].attributes[?(@.type=='foo')]"},
            "price": "$5 or less",
        })
    );
}

// Arazzo 1.1.0 "Source Description Expression Resolution": an operationId first, then a field of
// the Source Description Object, as written.
#[tokio::test]
async fn source_description_and_component_references_yield_the_id_or_the_field_as_written() {
    let client = start().await;
    let out = board::describe_source(&client, board::DescribeSourceInputs {})
        .await
        .expect("workflow runs");
    assert_eq!(out.name, "board");
    assert_eq!(out.url, "./jobs.openapi.yml");
    assert_eq!(out.r#type, "openapi");
    assert_eq!(out.operation, "listJobs");
    // Fields after an operationId are the Operation Object's.
    assert_eq!(out.operation_id, "listJobs");
    assert_eq!(out.summary, "List the jobs");
    assert_eq!(out.tag, "board");
    // Arazzo 1.1 "Components parameter": the Parameter Object, or a field of it; the name
    // `page.size` holds a dot, so the longest name the reference starts with is the parameter.
    assert_eq!(out.page_size, 25);
    assert_eq!(
        out.page_parameter,
        json!({"name": "limit", "in": "query", "value": 25})
    );
}

// Arazzo 1.1.0 "Regex Conditions" and "JSONPath Conditions": "If the `context` evaluates to
// `null` or `undefined`, the condition MUST evaluate to _fail_", even for `^.*$` and `$`, which
// match anything else.
#[tokio::test]
async fn a_null_context_fails_regex_and_jsonpath_conditions() {
    let client = start().await;
    let run =
        |kind: &str| board::null_contexts(&client, board::NullContextsInputs { kind: kind.into() });
    // Neither `end` action applied: the run went on to the step `neither`.
    assert!(run("neither").await.is_ok());
    assert!(matches!(
        run("other").await,
        Err(Error::CriterionFailed { context, .. }) if context.step == "neither"
    ));
}
