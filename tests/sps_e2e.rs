//! The SPS subscription lifecycle workflows, run end to end against the sandbox's fake of the
//! asynchronous provisioning API: every request is acknowledged at once, then polled.

use std::time::Duration;

use arazzo_runtime::{Client, ClientBuilder, Error};
use arazzo_sandbox::{SPS_ACCESS_TOKEN, Sandbox, SandboxHandle};
use arazzo_workflows::sps::*;
use serde_json::json;

const CUSTOMER: &str = "920000108464";
const ICCID: &str = "8944500102198304826";

async fn sandbox() -> SandboxHandle {
    Sandbox::new()
        .sps_pending_polls(2)
        .start()
        .await
        .expect("sandbox")
}

/// Polls retry every second in the document; tests cap the wait.
fn builder(sandbox: &SandboxHandle) -> ClientBuilder {
    Client::builder()
        .server("spsApi", sandbox.sps_base_url())
        .bearer("bearerAuth", SPS_ACCESS_TOKEN)
        .max_retry_wait(Duration::from_millis(5))
}

fn activation(
    transaction: &str,
    subscriber: &str,
    correlation: Option<&str>,
) -> ActivateSubscriptionInputs {
    ActivateSubscriptionInputs {
        partner_transaction_id: transaction.into(),
        subscriber_id: subscriber.into(),
        wholesale_plan_id: "plan-5g-unlimited".into(),
        location: json!({"city": "London", "postcode": "EC1A 1BB"}),
        iccid: Some(ICCID.into()),
        gpsi: None,
        gpsi_reservation_id: None,
        pei: None,
        eid: None,
        e_sim_delivery_method: None,
        bill_cycle_start_day: Some(1),
        bucket_ref_id: None,
        products: None,
        wholesale_customer_id: Some(CUSTOMER.into()),
        correlation_id: correlation.map(str::to_owned),
    }
}

#[tokio::test]
async fn the_whole_lifecycle_runs_and_polls_each_transaction() {
    let sandbox = sandbox().await;
    let client = builder(&sandbox).build().expect("client");

    let activated = activate_subscription(
        &client,
        activation("tx-activate-1", "sub-1", Some("corr-1")),
    )
    .await
    .expect("activation completes");
    assert_eq!(
        activated.transaction_status,
        TransactionStatusStatus::Success
    );
    assert_eq!(
        activated.subscription_status,
        TransactionStatusSubscriptionStatus::Active
    );
    assert_eq!(activated.iccid, ICCID);
    // Two pending answers retried, then the one that saw it complete.
    assert_eq!(sandbox.sps_polls("tx-activate-1"), Some(3));

    let round_trip = suspend_then_resume(
        &client,
        SuspendThenResumeInputs {
            suspend_transaction_id: "tx-suspend-1".into(),
            resume_transaction_id: "tx-resume-1".into(),
            iccid: ICCID.into(),
            wholesale_customer_id: Some(CUSTOMER.into()),
            correlation_id: Some("corr-1".into()),
        },
    )
    .await
    .expect("suspend then resume");
    assert_eq!(
        round_trip.suspended_status,
        TransactionStatusSubscriptionStatus::Suspended
    );
    assert_eq!(
        round_trip.resumed_status,
        TransactionStatusSubscriptionStatus::Active
    );

    let ceased = cease_subscription(
        &client,
        CeaseSubscriptionInputs {
            partner_transaction_id: "tx-cease-1".into(),
            iccid: ICCID.into(),
            wholesale_customer_id: Some(CUSTOMER.into()),
            correlation_id: Some("corr-1".into()),
        },
    )
    .await
    .expect("cease");
    assert_eq!(
        ceased.subscription_status,
        TransactionStatusSubscriptionStatus::Ceased
    );

    let reactivated = reactivate_subscription(
        &client,
        ReactivateSubscriptionInputs {
            partner_transaction_id: "tx-reactivate-1".into(),
            iccid: ICCID.into(),
            wholesale_customer_id: Some(CUSTOMER.into()),
            correlation_id: Some("corr-1".into()),
        },
    )
    .await
    .expect("reactivate");
    assert_eq!(
        reactivated.subscription_status,
        TransactionStatusSubscriptionStatus::Active
    );
    assert_eq!(
        sandbox.sps_subscription("sub-1").expect("exists")["status"],
        "Active"
    );

    // The correlation id given as an input went with every request of every run.
    let requests = sandbox.requests();
    assert!(requests.len() >= 5 * 4);
    assert!(
        requests
            .iter()
            .all(|r| r.header("x-correlation-id") == Some("corr-1"))
    );
}

#[tokio::test]
async fn an_invalid_transition_fails_naming_the_step() {
    let sandbox = sandbox().await;
    let client = builder(&sandbox).build().expect("client");
    activate_subscription(&client, activation("tx-a", "sub-2", None))
        .await
        .expect("activation");
    let error = resume_subscription(
        &client,
        ResumeSubscriptionInputs {
            partner_transaction_id: "tx-r".into(),
            iccid: ICCID.into(),
            wholesale_customer_id: Some(CUSTOMER.into()),
            correlation_id: None,
        },
    )
    .await
    .expect_err("an active subscription cannot be resumed");
    let context = error.context().expect("names the step");
    assert_eq!(context.workflow, "resume-subscription");
    assert_eq!(context.step, "requestResumption");
    assert_eq!(error.status(), Some(409));
    assert!(error.to_string().contains("SPS0304"), "{error}");
}

#[tokio::test]
async fn a_transaction_that_never_completes_stops_after_the_retry_limit() {
    let sandbox = sandbox().await;
    let client = builder(&sandbox).build().expect("client");
    let error = activate_subscription(&client, activation("never-1", "sub-3", None))
        .await
        .expect_err("never completes");
    match &error {
        Error::RetriesExhausted {
            action, retries, ..
        } => {
            assert_eq!(*action, "retryWhilePending");
            assert_eq!(*retries, 10);
        }
        other => panic!("expected RetriesExhausted, got {other:?}"),
    }
    assert_eq!(error.context().map(|c| c.step), Some("awaitActivation"));
    assert_eq!(sandbox.sps_polls("never-1"), Some(11));
}

#[tokio::test]
async fn a_failed_transaction_ends_the_workflow_at_once() {
    let sandbox = sandbox().await;
    let client = builder(&sandbox).build().expect("client");
    let error = activate_subscription(&client, activation("fail-1", "sub-4", None))
        .await
        .expect_err("the provider fails it");
    assert!(
        matches!(
            &error,
            Error::EndedByAction {
                action: "endOnFailure",
                ..
            }
        ),
        "{error:?}"
    );
    // Pending twice, then the failure: no retry after it.
    assert_eq!(sandbox.sps_polls("fail-1"), Some(3));
}

#[tokio::test]
async fn without_an_input_each_run_gets_one_fresh_correlation_id() {
    let sandbox = sandbox().await;
    let client = builder(&sandbox)
        .correlation_header("X-Correlation-Id")
        .build()
        .expect("client");
    activate_subscription(&client, activation("tx-c1", "sub-5", None))
        .await
        .expect("activation");
    suspend_then_resume(
        &client,
        SuspendThenResumeInputs {
            suspend_transaction_id: "tx-c2".into(),
            resume_transaction_id: "tx-c3".into(),
            iccid: ICCID.into(),
            wholesale_customer_id: Some(CUSTOMER.into()),
            correlation_id: None,
        },
    )
    .await
    .expect("round trip");
    let ids: Vec<String> = sandbox
        .requests()
        .iter()
        .map(|r| {
            r.header("x-correlation-id")
                .expect("every request has one")
                .to_owned()
        })
        .collect();
    // Activation: 1 request + 3 polls; then the nested suspend and resume share the outer id.
    let (first, second) = ids.split_at(4);
    assert!(first.iter().all(|id| *id == first[0]));
    assert!(second.iter().all(|id| *id == second[0]));
    assert_ne!(first[0], second[0], "each run gets its own id");
}
