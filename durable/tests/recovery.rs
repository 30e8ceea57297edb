//! Durable runs on Restate over real processes: a Restate server, the sandbox (in this process,
//! so its request log can be read) and `durable-worker` processes that are killed with SIGKILL
//! in the middle of a run.

mod support;

use std::net::SocketAddr;
use std::time::Duration;

use arazzo_durable::soracom_sim::{
    RegisterAndActivateSimInputs, RegisterAndActivateSimWorkflow, SimStatus,
    register_and_activate_sim,
};
use arazzo_durable::sps::{
    ActivateSubscriptionInputs, ActivateSubscriptionWorkflow, TransactionStatusStatus,
};
use arazzo_runtime::Client;
use arazzo_runtime::restate::RunError;
use arazzo_sandbox::fixtures::{GROUP_SENSORS, SIM_1, SIM_2, SIM_3};
use arazzo_sandbox::{Fault, FaultRule, SPS_ACCESS_TOKEN, Sandbox, SandboxHandle};
use support::{RestateServer, SERIAL, Worker, free_port, until};

/// The header the sandbox takes as the idempotency key of a repeated request.
const CORRELATION: &str = arazzo_sandbox::CORRELATION_ID_HEADER;

fn worker_addr() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], free_port()))
}

/// What a worker needs to reach the sandbox as the operator.
fn worker_env(sandbox: &SandboxHandle, api_key: &str, token: &str) -> Vec<(&'static str, String)> {
    vec![
        ("SORACOM_API_ENDPOINT", sandbox.base_url()),
        ("SPS_ENDPOINT", sandbox.sps_base_url()),
        ("SORACOM_API_KEY", api_key.to_owned()),
        ("SORACOM_API_TOKEN", token.to_owned()),
        ("SPS_TOKEN", SPS_ACCESS_TOKEN.to_owned()),
        ("ARAZZO_CORRELATION_HEADER", CORRELATION.to_owned()),
    ]
}

fn inputs(sim_id: &str, secret: &str) -> RegisterAndActivateSimInputs {
    RegisterAndActivateSimInputs {
        sim_id: sim_id.into(),
        registration_secret: secret.into(),
        group_id: GROUP_SENSORS.group_id.into(),
    }
}

/// How many requests of `method` on `path` the sandbox acted on: a request sent again with the
/// run's correlation id after a crash gets the earlier answer replayed, and is not counted.
fn count(sandbox: &SandboxHandle, method: &str, path: &str) -> usize {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.method == method && r.raw_path == path && !r.replayed)
        .count()
}

/// The issue's scenario: runs for three SIMs are in `setSimGroup` (the sandbox answers it 2 s
/// late) when their worker is killed; a new worker finishes them. Steps whose exchange completed
/// come back from the journal (`registerSim` and `activateSim` are sent once per SIM); the step in
/// flight is sent again, with the run's correlation id unchanged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_in_the_middle_leaves_runs_that_a_new_worker_completes() {
    let _serial = SERIAL.lock().await;
    let sandbox = Sandbox::new()
        .fault(
            FaultRule::new(Fault::Delay(Duration::from_secs(2)))
                .method("POST")
                .path("/v1/sims/*/set_group"),
        )
        .start()
        .await
        .expect("sandbox");
    let (api_key, token) = sandbox.issue_credentials();
    let env = worker_env(&sandbox, &api_key, &token);
    let mut restate = RestateServer::start().await;
    let addr = worker_addr();
    let mut worker = Worker::start(addr, &env);
    restate.register(addr).await;

    let ingress = restate.ingress();
    let sims = [SIM_1, SIM_2, SIM_3];
    for sim in sims {
        ingress
            .start::<RegisterAndActivateSimWorkflow>(
                sim.sim_id,
                &inputs(sim.sim_id, sim.registration_secret),
            )
            .await
            .expect("run started");
    }
    // Every run has activated its SIM, so each is now waiting for `setSimGroup`'s answer.
    until(Duration::from_secs(60), "every SIM activated", || {
        sims.iter()
            .all(|s| count(&sandbox, "POST", &format!("/v1/sims/{}/activate", s.sim_id)) == 1)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    worker.kill();
    assert_eq!(
        sims.iter()
            .map(|s| count(&sandbox, "GET", &format!("/v1/sims/{}", s.sim_id)))
            .sum::<usize>(),
        0,
        "the worker was killed before any run got past setSimGroup"
    );
    let _worker = Worker::start(addr, &env);

    for sim in sims {
        let outputs = tokio::time::timeout(
            Duration::from_secs(90),
            ingress.outputs::<RegisterAndActivateSimWorkflow>(sim.sim_id),
        )
        .await
        .expect("the run completes")
        .expect("the run succeeds");
        assert_eq!(outputs.sim_id, sim.sim_id);
        assert_eq!(outputs.status, SimStatus::Active);
        assert_eq!(outputs.group_id, GROUP_SENSORS.group_id);
    }
    for sim in sims {
        let id = sim.sim_id;
        assert_eq!(
            count(&sandbox, "POST", &format!("/v1/sims/{id}/register")),
            1,
            "{id}"
        );
        assert_eq!(
            count(&sandbox, "POST", &format!("/v1/sims/{id}/activate")),
            1,
            "{id}"
        );
        let state = sandbox.sim(id).expect("seeded SIM");
        assert_eq!(state["status"], "active");
        assert_eq!(state["groupId"], GROUP_SENSORS.group_id);
        // One correlation id per run, kept across the restart by every request of the run.
        let ids: Vec<String> = sandbox
            .requests()
            .iter()
            .filter(|r| r.raw_path.starts_with(&format!("/v1/sims/{id}")))
            .filter_map(|r| r.header(CORRELATION).map(str::to_owned))
            .collect();
        assert!(ids.len() >= 4, "{id}: {ids:?}");
        assert!(ids.iter().all(|i| *i == ids[0]), "{id}: {ids:?}");
    }

    // Nothing secret reached Restate's storage: the client's key and token were sent on every
    // request, yet only the responses were journaled. The search itself finds what is there.
    restate.kill();
    assert!(
        restate.data_contains(SIM_1.sim_id.as_bytes()),
        "the journal is searchable"
    );
    assert!(
        restate.data_contains(b"speedClass"),
        "responses are journaled"
    );
    assert!(
        !restate.data_contains(api_key.as_bytes()),
        "API key in Restate's data"
    );
    assert!(
        !restate.data_contains(token.as_bytes()),
        "API token in Restate's data"
    );
}

/// A wrong registration secret fails `registerSim`'s success criterion: the durable run ends
/// with the plain function's error message, once (Restate does not retry a terminal error).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_criterion_that_fails_ends_the_durable_run_with_the_plain_error_and_no_retry() {
    let _serial = SERIAL.lock().await;
    let sandbox = Sandbox::new().start().await.expect("sandbox");
    let (api_key, token) = sandbox.issue_credentials();
    let restate = RestateServer::start().await;
    let addr = worker_addr();
    let _worker = Worker::start(addr, &worker_env(&sandbox, &api_key, &token));
    restate.register(addr).await;

    let wrong = inputs(SIM_2.sim_id, "00000");
    let durable = restate
        .ingress()
        .run::<RegisterAndActivateSimWorkflow>(SIM_2.sim_id, &wrong)
        .await;
    let Err(RunError::Failed { message }) = durable else {
        panic!("expected the run to fail, got {durable:?}");
    };
    let register = format!("/v1/sims/{}/register", SIM_2.sim_id);
    // Given time, a retried run would register again.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(count(&sandbox, "POST", &register), 1);

    let client = Client::builder()
        .server("simApi", sandbox.base_url())
        .api_key("api_key", api_key)
        .api_key("api_token", token)
        .build()
        .expect("client");
    let plain = register_and_activate_sim(&client, wrong)
        .await
        .expect_err("the plain run fails too");
    assert_eq!(message, plain.to_string());
    assert!(message.contains("did not meet success criterion `$statusCode == 201`"));
}

/// A dropped connection in `registerSim`, a step without failure actions, ends the durable run
/// as it ends the plain one, once: transport errors are the document's to handle, not retried by
/// Restate.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transport_error_ends_the_durable_run_with_the_plain_error_and_no_retry() {
    let _serial = SERIAL.lock().await;
    let sandbox = Sandbox::new()
        .fault(
            FaultRule::new(Fault::Drop)
                .method("POST")
                .path("/v1/sims/*/register"),
        )
        .start()
        .await
        .expect("sandbox");
    let (api_key, token) = sandbox.issue_credentials();
    let restate = RestateServer::start().await;
    let addr = worker_addr();
    let _worker = Worker::start(addr, &worker_env(&sandbox, &api_key, &token));
    restate.register(addr).await;

    let durable = restate
        .ingress()
        .run::<RegisterAndActivateSimWorkflow>(
            SIM_3.sim_id,
            &inputs(SIM_3.sim_id, SIM_3.registration_secret),
        )
        .await;
    let Err(RunError::Failed { message }) = durable else {
        panic!("expected the run to fail, got {durable:?}");
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    let register = format!("/v1/sims/{}/register", SIM_3.sim_id);
    assert_eq!(count(&sandbox, "POST", &register), 1);

    let client = Client::builder()
        .server("simApi", sandbox.base_url())
        .api_key("api_key", api_key)
        .api_key("api_token", token)
        .build()
        .expect("client");
    let plain = register_and_activate_sim(&client, inputs(SIM_3.sim_id, SIM_3.registration_secret))
        .await
        .expect_err("the plain run fails too");
    assert!(plain.is_transport(), "{plain}");
    assert_eq!(message, plain.to_string());
}

/// The SPS activation's transaction stays pending for 5 polls, one second apart (the
/// document's `retryAfter: 1`, a durable timer here). The worker dies after the second poll; the
/// new one goes on polling where the run was, and at most one poll is made again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poll_outlives_its_worker_and_resumes_with_at_most_one_extra_poll() {
    let _serial = SERIAL.lock().await;
    let sandbox = Sandbox::new()
        .sps_pending_polls(5)
        .start()
        .await
        .expect("sandbox");
    let (api_key, token) = sandbox.issue_credentials();
    let env = worker_env(&sandbox, &api_key, &token);
    let restate = RestateServer::start().await;
    let addr = worker_addr();
    let mut worker = Worker::start(addr, &env);
    restate.register(addr).await;

    let ingress = restate.ingress();
    let transaction = "tx-durable-1";
    ingress
        .start::<ActivateSubscriptionWorkflow>(transaction, &activation(transaction))
        .await
        .expect("run started");
    until(Duration::from_secs(60), "the second poll", || {
        sandbox.sps_polls(transaction).unwrap_or(0) >= 2
    })
    .await;
    worker.kill();
    let killed_after = sandbox.sps_polls(transaction).unwrap_or(0);
    assert_eq!(killed_after, 2);
    let _worker = Worker::start(addr, &env);

    let outputs = tokio::time::timeout(
        Duration::from_secs(90),
        ingress.outputs::<ActivateSubscriptionWorkflow>(transaction),
    )
    .await
    .expect("the run completes")
    .expect("the run succeeds");
    assert_eq!(outputs.transaction_status, TransactionStatusStatus::Success);
    // Five pending answers and the one that saw it complete; one more if the second poll's
    // answer had not reached the journal when the worker died.
    let polls = sandbox.sps_polls(transaction).unwrap_or(0);
    assert!((6..=7).contains(&polls), "{polls} polls");
}

fn activation(transaction: &str) -> ActivateSubscriptionInputs {
    ActivateSubscriptionInputs {
        partner_transaction_id: transaction.into(),
        subscriber_id: "sub-durable-1".into(),
        wholesale_plan_id: "plan-5g-unlimited".into(),
        location: serde_json::json!({"city": "London", "postcode": "EC1A 1BB"}),
        iccid: Some("8944500102198304826".into()),
        gpsi: None,
        gpsi_reservation_id: None,
        pei: None,
        eid: None,
        e_sim_delivery_method: None,
        bill_cycle_start_day: Some(1),
        bucket_ref_id: None,
        products: None,
        wholesale_customer_id: Some("920000108464".into()),
        correlation_id: None,
    }
}
