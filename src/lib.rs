//! The project's shipped Arazzo workflows, compiled into typed async functions.
//!
//! Each module is one Arazzo document from `workflows/arazzo/`, expanded by
//! [`arazzo_runtime::arazzo_workflow!`] when this crate compiles.

pub use arazzo_runtime::{Client, Error};

/// Soracom: register, activate and group an IoT SIM by SIM ID
/// (`workflows/arazzo/soracom-register-and-activate-sim-workflow.yml`).
pub mod soracom_sim {
    arazzo_runtime::arazzo_workflow!(
        "workflows/arazzo/soracom-register-and-activate-sim-workflow.yml"
    );
}

/// Soracom: register, activate and group a subscriber by IMSI
/// (`workflows/arazzo/soracom-register-subscriber-to-group-workflow.yml`).
pub mod soracom_subscriber {
    arazzo_runtime::arazzo_workflow!(
        "workflows/arazzo/soracom-register-subscriber-to-group-workflow.yml"
    );
}

/// SPS Subscriptions (v5): activate a wholesale subscription and suspend, resume, cease or
/// reactivate it, polling each asynchronous transaction until it completes
/// (`workflows/arazzo/sps-subscription-lifecycle.arazzo.yaml`).
pub mod sps {
    arazzo_runtime::arazzo_workflow!("workflows/arazzo/sps-subscription-lifecycle.arazzo.yaml");
}
