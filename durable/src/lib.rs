//! The shipped Soracom and SPS workflows compiled with the `restate` option: each is also a
//! Restate workflow service, served by the `durable-worker` binary (and by the tests and the
//! bench of this crate).

use arazzo_runtime::Client;
use arazzo_runtime::restate::{self, sdk};

/// Soracom: register, activate and group an IoT SIM by SIM ID, durably.
pub mod soracom_sim {
    arazzo_runtime::arazzo_workflow!(
        "../workflows/arazzo/soracom-register-and-activate-sim-workflow.yml",
        restate,
        allow_outside_crate
    );
}

/// SPS Subscriptions: activate, suspend, resume, … a subscription and poll each transaction,
/// durably.
pub mod sps {
    arazzo_runtime::arazzo_workflow!(
        "../workflows/arazzo/sps-subscription-lifecycle.arazzo.yaml",
        restate,
        allow_outside_crate
    );
}

/// A Restate endpoint serving every workflow of this crate with `client`.
///
/// # Errors
///
/// [`arazzo_runtime::Error::Config`] when a workflow cannot be served (its id is not a Restate
/// service name).
pub fn endpoint(client: &Client) -> Result<sdk::endpoint::Endpoint, arazzo_runtime::Error> {
    Ok(sdk::endpoint::Endpoint::builder()
        .bind(restate::service::<
            soracom_sim::RegisterAndActivateSimWorkflow,
        >(client)?)
        .bind(restate::service::<sps::ActivateSubscriptionWorkflow>(
            client,
        )?)
        .build())
}
