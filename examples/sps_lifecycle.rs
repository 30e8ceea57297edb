//! Activates a wholesale subscription, then suspends and resumes it, with the SPS lifecycle
//! workflows against the sandbox's fake of the asynchronous SPS Subscriptions API (started in this
//! process: no account, no network). Every request and every poll of a pending transaction is
//! printed as it happens.
//!
//! ```text
//! cargo run --example sps_lifecycle
//! ```

use std::error::Error;
use std::time::Duration;

use arazzo_runtime::{Client, StepEvent};
use arazzo_sandbox::{SPS_ACCESS_TOKEN, Sandbox};
use arazzo_workflows::sps::{
    ActivateSubscriptionInputs, SuspendThenResumeInputs, activate_subscription, suspend_then_resume,
};
use serde_json::json;

const CUSTOMER: &str = "920000108464";
const ICCID: &str = "8944500102198304826";

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    // Each transaction stays pending for two polls before it completes.
    let sandbox = Sandbox::new().sps_pending_polls(2).start().await?;
    println!("SPS API: {}", sandbox.sps_base_url());

    let client = Client::builder()
        .server("spsApi", sandbox.sps_base_url())
        .bearer("bearerAuth", SPS_ACCESS_TOKEN)
        // The workflows poll every second; the sandbox needs no such patience.
        .max_retry_wait(Duration::from_millis(200))
        .correlation_header("X-Correlation-Id")
        .on_step(print_step)
        .build()?;

    println!("\nactivate-subscription (subscriber sub-0001, ICCID {ICCID})");
    let activated = activate_subscription(
        &client,
        ActivateSubscriptionInputs {
            partner_transaction_id: "tx-activate-0001".into(),
            subscriber_id: "sub-0001".into(),
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
            correlation_id: None,
        },
    )
    .await?;
    println!(
        "  => transaction {}, subscription {}, GPSI {}",
        activated.transaction_status, activated.subscription_status, activated.gpsi
    );

    println!("\nsuspend-then-resume");
    let round_trip = suspend_then_resume(
        &client,
        SuspendThenResumeInputs {
            suspend_transaction_id: "tx-suspend-0001".into(),
            resume_transaction_id: "tx-resume-0001".into(),
            iccid: ICCID.into(),
            wholesale_customer_id: Some(CUSTOMER.into()),
            correlation_id: None,
        },
    )
    .await?;
    println!(
        "  => suspended: {}, then resumed: {}",
        round_trip.suspended_status, round_trip.resumed_status
    );

    sandbox.shutdown().await;
    Ok(())
}

fn print_step(event: &StepEvent) {
    let status = event
        .status
        .map_or_else(|| "no response".to_owned(), |s| s.to_string());
    println!(
        "  {:<42} {:<5} {:<44} {} ({} ms)",
        format!("{}.{}", event.workflow, event.step),
        event.method,
        event.path,
        status,
        event.elapsed.as_millis()
    );
}
